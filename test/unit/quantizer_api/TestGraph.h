//===- TestGraph.h - building Graph views by hand for tests -----*- C++ -*-===//
#ifndef QC_TEST_UNIT_QUANTIZER_API_TESTGRAPH_H
#define QC_TEST_UNIT_QUANTIZER_API_TESTGRAPH_H

#include "qc/Quantizer.h"

#include <string>
#include <utility>
#include <vector>

namespace qc::quantizer::testing {

/// A reference to a value while building: node index (or -1 for an
/// argument) and result / argument number.
struct Ref {
  int64_t node;
  int64_t index = 0;
};

/// Builds a Graph op by op, filling operand shapes and use lists.
class GraphBuilder {
public:
  Ref arg(std::vector<int64_t> shape, std::string type = "f32") {
    Value v;
    v.producer = -1;
    v.index = static_cast<int64_t>(g_.arguments.size());
    v.elementType = std::move(type);
    v.shape = std::move(shape);
    g_.arguments.push_back(v);
    return Ref{-1, v.index};
  }

  /// Adds an op with the given operands and result shapes (f32 unless
  /// `type` says otherwise).
  Ref op(std::string opType, std::string name, std::vector<Ref> operands,
         std::vector<int64_t> resultShape,
         std::map<std::string, Attribute> attrs = {},
         std::string type = "f32") {
    Node n;
    n.index = static_cast<int64_t>(g_.nodes.size());
    n.opType = std::move(opType);
    n.name = std::move(name);
    for (size_t i = 0; i < operands.size(); ++i) {
      const Ref &r = operands[i];
      Value v = r.node < 0 ? g_.arguments[static_cast<size_t>(r.index)]
                           : g_.nodes[static_cast<size_t>(r.node)]
                                 .results[static_cast<size_t>(r.index)];
      n.operands.push_back(v);
      if (r.node >= 0)
        g_.nodes[static_cast<size_t>(r.node)]
            .uses[static_cast<size_t>(r.index)]
            .push_back(Use{n.index, static_cast<int64_t>(i)});
    }
    Value res;
    res.producer = n.index;
    res.index = 0;
    res.elementType = std::move(type);
    res.shape = std::move(resultShape);
    n.results.push_back(res);
    n.uses.emplace_back();
    n.attrs = std::move(attrs);
    g_.nodes.push_back(std::move(n));
    return Ref{g_.nodes.back().index, 0};
  }

  Ref constant(std::vector<int64_t> shape, std::string name = "") {
    return op("constant", std::move(name), {}, std::move(shape));
  }

  /// A func.return of `values` (no results).
  void ret(std::vector<Ref> values) {
    Ref r = op("func.return", "", std::move(values), {});
    g_.nodes[static_cast<size_t>(r.node)].results.clear();
    g_.nodes[static_cast<size_t>(r.node)].uses.clear();
  }

  Graph &graph() { return g_; }

private:
  Graph g_;
};

/// conv2d x [1,3,8,8] * w [4,3,3,3] + b [4] -> [1,4,8,8] named `name`.
inline Ref conv(GraphBuilder &b, Ref x, const std::string &name,
                bool bias = true, int64_t groups = 1) {
  Ref w = b.constant({4, 3, 3, 3}, name + ".weight");
  std::vector<Ref> operands = {x, w};
  if (bias)
    operands.push_back(b.constant({4}, name + ".bias"));
  return b.op("conv2d", name, operands, {1, 4, 8, 8},
              {{"groups", Attribute(groups)}});
}

} // namespace qc::quantizer::testing

#endif // QC_TEST_UNIT_QUANTIZER_API_TESTGRAPH_H
