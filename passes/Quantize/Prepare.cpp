//===- Prepare.cpp - qc-prepare: observers at annotated edges -------------===//
//
// Reads the specs a Quantizer attached to ops (`qc.input_specs`,
// `qc.output_specs`), resolves shared specs into groups (union-find over
// edges), and inserts one `qc.observe` per observed edge, with one observer
// id per group. Derived, fixed and dynamic specs get no observer; they stay
// on the op, resolved, for qc-convert. See the pass description in Passes.td
// for the edge rule.
//
//===----------------------------------------------------------------------===//
#include "dialects/qc/IR/QCOps.h"
#include "passes/Passes.h"
#include "passes/Quantize/ObserverConfig.h"

#include "mlir/IR/Builders.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCPREPARE
#include "passes/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {

/// One annotated edge: operand `index` of `op`, or its result `index`.
struct Edge {
  Operation *op;
  bool output;
  unsigned index;
  /// The entry: QuantSpecAttr, SharedSpecAttr, DerivedSpecAttr or
  /// FixedSpecAttr (unit entries make no edge).
  Attribute entry;

  Value value() const {
    return output ? op->getResult(index) : op->getOperand(index);
  }
};

/// "input #1 of 'qc.conv2d'".
std::string describe(Operation *op, bool output, unsigned index) {
  return (Twine(output ? "output #" : "input #") + Twine(index) + " of '" +
          op->getName().getStringRef() + "'")
      .str();
}
std::string describe(const Edge &e) {
  return describe(e.op, e.output, e.index);
}

bool isDynamic(Attribute entry) {
  auto spec = dyn_cast_or_null<QuantSpecAttr>(entry);
  return spec && spec.getDynamic();
}

/// A dynamic spec (qparams chosen per run, PyTorch's is_dynamic) is kept for
/// qc-convert, which makes it a qc.dynamic_fake_quant. It must be the
/// activation input of a qc.linear / qc.matmul: the only place where a
/// run-time quantization is defined (PyTorch's dynamic quantized linear).
LogicalResult checkDynamic(Operation *op, bool output, unsigned index,
                           QuantSpecAttr spec) {
  auto fail = [&](StringRef why) {
    return op->emitError() << "dynamic spec on " << describe(op, output, index)
                           << ": " << why;
  };
  if (!isa<LinearOp, MatmulOp>(op))
    return fail("dynamic quantization applies to the activation input of "
                "qc.linear / qc.matmul only");
  if (output)
    return fail("outputs of dynamically quantized ops stay float; only the "
                "activation input can be dynamic");
  if (isa<LinearOp>(op) ? index != 0 : index > 1)
    return fail(isa<LinearOp>(op)
                    ? "only input #0 (the activation) of qc.linear can be "
                      "dynamic; the weight needs a static spec"
                    : "qc.matmul has two inputs");
  if (op->getOperand(index).getDefiningOp<ConstantOp>())
    return fail("the value is a constant (a weight); give it a static spec");
  if (spec.getAxis() >= 0)
    return fail("dynamic specs are per tensor (no axis)");
  auto it = dyn_cast<IntegerType>(spec.getDtype());
  if (!it || it.getWidth() != 8)
    return fail("dynamic specs need dtype ui8 or i8");
  if (spec.getQuantMin() >= spec.getQuantMax())
    return fail("the quantization range is empty");
  return success();
}

class Preparer {
public:
  explicit Preparer(func::FuncOp func) : func(func) {}
  LogicalResult run();

private:
  LogicalResult collect();
  LogicalResult collectEntry(Operation *op, bool output, unsigned index,
                             Attribute entry);
  LogicalResult resolveShared();
  void shareImplicitly();
  LogicalResult checkDerived();
  void insertObservers();
  void rewriteAnnotations();

  unsigned find(unsigned e) {
    while (parent[e] != e) {
      parent[e] = parent[parent[e]];
      e = parent[e];
    }
    return e;
  }
  void unite(unsigned a, unsigned b) {
    a = find(a);
    b = find(b);
    if (a != b)
      parent[std::max(a, b)] = std::min(a, b);
  }
  std::optional<unsigned> lookup(Operation *op, bool output, unsigned index) {
    auto it = edgeIndex.find({op, index * 2 + (output ? 1 : 0)});
    if (it == edgeIndex.end())
      return std::nullopt;
    return it->second;
  }
  /// The concrete spec (QuantSpecAttr or FixedSpecAttr) of edge `e`'s group,
  /// or null for derived edges.
  Attribute specOf(unsigned e) { return groupSpec.lookup(find(e)); }
  /// Edge `e` gets a qc.observe: its group's spec is static.
  bool isObserved(unsigned e) {
    auto spec = dyn_cast_or_null<QuantSpecAttr>(specOf(e));
    return spec && !spec.getDynamic();
  }

  func::FuncOp func;
  SmallVector<Edge> edges;
  SmallVector<unsigned> parent;
  llvm::DenseMap<std::pair<Operation *, unsigned>, unsigned> edgeIndex;
  /// Annotated ops in program order.
  SmallVector<Operation *> annotated;
  /// Group root -> its concrete spec.
  llvm::DenseMap<unsigned, Attribute> groupSpec;
};

LogicalResult Preparer::collectEntry(Operation *op, bool output,
                                     unsigned index, Attribute entry) {
  if (isa<UnitAttr>(entry))
    return success();
  StringRef attrName = output ? kOutputSpecsAttr : kInputSpecsAttr;
  if (!isa<QuantSpecAttr, SharedSpecAttr, DerivedSpecAttr, FixedSpecAttr>(
          entry))
    return op->emitError() << "entry #" << index << " of '" << attrName
                           << "' is " << entry
                           << "; expected #qc.spec, #qc.shared, #qc.derived, "
                              "#qc.fixed or unit";
  Value v = output ? op->getResult(index) : op->getOperand(index);
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.getElementType().isF32())
    return op->emitError() << "quantization spec on "
                           << describe(op, output, index) << " of type "
                           << v.getType()
                           << "; only ranked f32 tensors can be quantized";
  auto checkAxis = [&](int64_t axis) -> LogicalResult {
    if (axis >= type.getRank())
      return op->emitError()
             << "per-channel axis " << axis << " of the spec on "
             << describe(op, output, index) << " is out of range for "
             << type;
    return success();
  };
  if (auto spec = dyn_cast<QuantSpecAttr>(entry)) {
    if (spec.getDynamic() && failed(checkDynamic(op, output, index, spec)))
      return failure();
    if (failed(checkAxis(spec.getAxis())))
      return failure();
    absl::StatusOr<ObserverConfig> config = getObserverConfig(spec);
    if (!config.ok())
      return op->emitError()
             << "invalid spec on " << describe(op, output, index) << ": "
             << StringRef(config.status().message().data(),
                          config.status().message().size());
  }
  if (auto derived = dyn_cast<DerivedSpecAttr>(entry)) {
    if (failed(checkAxis(derived.getAxis())))
      return failure();
    if (failed(storageRange(derived.getDtype())))
      return op->emitError() << "derived spec on "
                             << describe(op, output, index)
                             << " has dtype " << derived.getDtype()
                             << "; expected ui8, i8, i16 or i32";
  }
  if (auto fixed = dyn_cast<FixedSpecAttr>(entry)) {
    auto range = storageRange(fixed.getDtype());
    float scale = fixed.getScale().getValue().convertToFloat();
    if (failed(range) || fixed.getQuantMin() >= fixed.getQuantMax() ||
        fixed.getQuantMin() < range->first ||
        fixed.getQuantMax() > range->second || !(scale > 0.0f) ||
        !std::isfinite(scale) || fixed.getZeroPoint() < fixed.getQuantMin() ||
        fixed.getZeroPoint() > fixed.getQuantMax())
      return op->emitError()
             << "fixed spec on " << describe(op, output, index)
             << " is inconsistent: " << entry
             << " (need a positive finite scale, a range inside the dtype and "
                "the zero point inside the range)";
  }
  edgeIndex[{op, index * 2 + (output ? 1 : 0)}] = edges.size();
  edges.push_back({op, output, index, entry});
  parent.push_back(parent.size());
  return success();
}

LogicalResult Preparer::collect() {
  WalkResult walk = func.walk([&](Operation *op) {
    Attribute ins = op->getAttr(kInputSpecsAttr);
    Attribute outs = op->getAttr(kOutputSpecsAttr);
    if (!ins && !outs)
      return WalkResult::advance();
    annotated.push_back(op);
    for (auto [attr, output] : {std::pair(ins, false), std::pair(outs, true)}) {
      if (!attr)
        continue;
      StringRef name = output ? kOutputSpecsAttr : kInputSpecsAttr;
      auto array = dyn_cast<ArrayAttr>(attr);
      unsigned expected =
          output ? op->getNumResults() : op->getNumOperands();
      if (!array) {
        op->emitError() << "'" << name << "' must be an array with one entry "
                        << "per " << (output ? "result" : "operand")
                        << ", got " << attr;
        return WalkResult::interrupt();
      }
      if (array.size() != expected) {
        op->emitError() << "'" << name << "' has " << array.size()
                        << " entries but '" << op->getName() << "' has "
                        << expected << (output ? " result" : " operand")
                        << (expected == 1 ? "" : "s");
        return WalkResult::interrupt();
      }
      for (auto [i, entry] : llvm::enumerate(array.getValue()))
        if (failed(collectEntry(op, output, i, entry)))
          return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

LogicalResult Preparer::resolveShared() {
  for (auto [e, edge] : llvm::enumerate(edges)) {
    auto shared = dyn_cast<SharedSpecAttr>(edge.entry);
    if (!shared)
      continue;
    int64_t k = shared.getInput();
    if (k < 0 || k >= static_cast<int64_t>(edge.op->getNumOperands()))
      return edge.op->emitError()
             << describe(edge) << " is shared with input #" << k << ", but '"
             << edge.op->getName() << "' has " << edge.op->getNumOperands()
             << " operands";
    std::optional<unsigned> target = lookup(edge.op, false, k);
    if (!target)
      return edge.op->emitError()
             << describe(edge) << " is shared with input #" << k
             << ", which is not annotated (it stays float); a shared spec "
                "needs an observed or fixed edge to share with";
    if (isDynamic(edges[*target].entry))
      return edge.op->emitError()
             << describe(edge) << " is shared with input #" << k
             << ", whose spec is dynamic; qparams chosen at run time cannot "
                "be shared";
    if (isa<DerivedSpecAttr>(edges[*target].entry))
      return edge.op->emitError()
             << describe(edge) << " is shared with input #" << k
             << ", whose spec is derived; only observed or fixed edges can "
                "be shared";
    unite(e, *target);
  }
  // Each group now has one concrete spec at the end of its chain of shared
  // entries, unless the chain is a cycle.
  for (auto [e, edge] : llvm::enumerate(edges)) {
    if (!isa<QuantSpecAttr, FixedSpecAttr>(edge.entry))
      continue;
    auto [it, inserted] = groupSpec.try_emplace(find(e), edge.entry);
    if (!inserted && it->second != edge.entry)
      return edge.op->emitError()
             << "shared specs join " << describe(edge)
             << " with an edge of a different spec";
  }
  for (auto [e, edge] : llvm::enumerate(edges))
    if (isa<SharedSpecAttr>(edge.entry) && !groupSpec.count(find(e)))
      return edge.op->emitError()
             << "the shared specs of " << describe(edge)
             << " form a cycle that reaches no #qc.spec or #qc.fixed";
  return success();
}

void Preparer::shareImplicitly() {
  // Edges of one value (the producer's output and its consumers' inputs)
  // whose resolved specs are equal share one observer.
  llvm::MapVector<Value, SmallVector<unsigned, 4>> byValue;
  for (auto [e, edge] : llvm::enumerate(edges))
    if (!isa<DerivedSpecAttr>(edge.entry))
      byValue[edge.value()].push_back(e);
  for (auto &[value, list] : byValue) {
    for (size_t i = 0; i < list.size(); ++i)
      for (size_t j = i + 1; j < list.size(); ++j) {
        Attribute a = specOf(list[i]), b = specOf(list[j]);
        if (a && a == b) {
          unsigned ra = find(list[i]), rb = find(list[j]);
          if (ra == rb)
            continue;
          unite(ra, rb);
          groupSpec[find(ra)] = a;
        }
      }
  }
}

LogicalResult Preparer::checkDerived() {
  for (const Edge &edge : edges) {
    auto derived = dyn_cast<DerivedSpecAttr>(edge.entry);
    if (!derived)
      continue;
    if (derived.getInputs().empty())
      return edge.op->emitError()
             << "derived spec on " << describe(edge)
             << " lists no inputs to derive its scale from";
    int64_t channels = 1;
    std::optional<int64_t> perChannelInput;
    for (int64_t k : derived.getInputs().asArrayRef()) {
      if (k < 0 || k >= static_cast<int64_t>(edge.op->getNumOperands()))
        return edge.op->emitError()
               << "derived spec on " << describe(edge) << " refers to input #"
               << k << ", but '" << edge.op->getName() << "' has "
               << edge.op->getNumOperands() << " operands";
      std::optional<unsigned> source = lookup(edge.op, false, k);
      Attribute spec = source ? specOf(*source) : Attribute();
      // An input observed by an earlier run of this pass.
      if (!source)
        if (auto observe = edge.op->getOperand(k).getDefiningOp<ObserveOp>())
          spec = observe.getSpec();
      if (!spec)
        return edge.op->emitError()
               << "derived spec on " << describe(edge)
               << " is derived from input #" << k << ", which is "
               << (source ? "itself derived" : "not annotated")
               << "; derived qparams need observed or fixed inputs";
      if (isDynamic(spec))
        return edge.op->emitError()
               << "derived spec on " << describe(edge)
               << " is derived from input #" << k
               << ", whose spec is dynamic; a bias of a dynamically "
                  "quantized op stays float (unit)";
      auto quant = dyn_cast<QuantSpecAttr>(spec);
      if (!quant || quant.getAxis() < 0)
        continue;
      auto type = cast<RankedTensorType>(edge.op->getOperand(k).getType());
      int64_t c = type.getDimSize(quant.getAxis());
      if (perChannelInput && !ShapedType::isDynamic(c) &&
          !ShapedType::isDynamic(channels) && c != channels)
        return edge.op->emitError()
               << "derived spec on " << describe(edge)
               << " combines per-channel inputs #" << *perChannelInput
               << " and #" << k << " with different channel counts ("
               << channels << " and " << c << ")";
      channels = c;
      perChannelInput = k;
    }
    if (!perChannelInput)
      continue;
    auto type = cast<RankedTensorType>(edge.value().getType());
    if (derived.getAxis() < 0)
      return edge.op->emitError()
             << "derived spec on " << describe(edge)
             << " has no axis, but input #" << *perChannelInput
             << " is quantized per channel; set `axis`";
    int64_t d = type.getDimSize(derived.getAxis());
    if (!ShapedType::isDynamic(d) && !ShapedType::isDynamic(channels) &&
        d != channels)
      return edge.op->emitError()
             << "derived spec on " << describe(edge) << " is per channel along "
             << "axis " << derived.getAxis() << " (" << d
             << " entries), but input #" << *perChannelInput << " has "
             << channels << " channels";
  }
  return success();
}

void Preparer::insertObservers() {
  // Observer ids continue after those already in the function.
  int64_t nextId = 0;
  func.walk([&](ObserveOp op) {
    nextId = std::max<int64_t>(nextId, op.getId() + 1);
  });
  llvm::DenseMap<unsigned, int64_t> groupId;
  for (unsigned e = 0; e < edges.size(); ++e)
    if (isObserved(e) && groupId.try_emplace(find(e), nextId).second)
      ++nextId;

  OpBuilder builder(func.getContext());
  // Observers of block arguments go to the block's start, in order.
  Operation *lastArgumentObserver = nullptr;
  // The observer created for a producer's output (value -> its group).
  llvm::DenseMap<Value, unsigned> outputObserverGroup;
  // Observers created for input edges: (observed value, group) -> observer.
  llvm::DenseMap<std::pair<Value, unsigned>, Value> edgeObservers;
  auto createObserve = [&](Value input, unsigned group, Location loc) {
    auto spec = cast<QuantSpecAttr>(groupSpec.lookup(group));
    return builder
        .create<ObserveOp>(loc, input, builder.getI64IntegerAttr(groupId[group]),
                           spec, DenseF32ArrayAttr(), DenseI64ArrayAttr())
        .getResult();
  };

  for (Operation *op : annotated) {
    for (unsigned i = 0; i < op->getNumOperands(); ++i) {
      std::optional<unsigned> e = lookup(op, false, i);
      if (!e || !isObserved(*e))
        continue;
      unsigned group = find(*e);
      Value u = op->getOperand(i);
      auto produced = outputObserverGroup.find(u);
      if (produced != outputObserverGroup.end() && produced->second == group)
        continue;
      Value &observer = edgeObservers[{u, group}];
      if (!observer) {
        Operation *def = u.getDefiningOp();
        if (def)
          builder.setInsertionPointAfter(def);
        else if (lastArgumentObserver)
          builder.setInsertionPointAfter(lastArgumentObserver);
        else
          builder.setInsertionPointToStart(u.getParentBlock());
        observer = createObserve(u, group, op->getLoc());
        if (!def)
          lastArgumentObserver = observer.getDefiningOp();
      }
      op->setOperand(i, observer);
    }
    builder.setInsertionPointAfter(op);
    for (unsigned i = 0; i < op->getNumResults(); ++i) {
      std::optional<unsigned> e = lookup(op, true, i);
      if (!e || !isObserved(*e))
        continue;
      unsigned group = find(*e);
      Value r = op->getResult(i);
      Value observer = createObserve(r, group, op->getLoc());
      r.replaceAllUsesExcept(observer, observer.getDefiningOp());
      outputObserverGroup[observer] = group;
    }
  }
}

void Preparer::rewriteAnnotations() {
  // What convert still needs: fixed edges (shared-with-fixed resolved to the
  // fixed spec), derived edges and dynamic edges. Observed edges are now
  // qc.observe ops.
  // A fixed input edge that shares the producer's fixed output needs nothing
  // more: convert quantizes the producer's output once.
  Builder b(func.getContext());
  for (Operation *op : annotated) {
    for (bool output : {false, true}) {
      StringRef name = output ? kOutputSpecsAttr : kInputSpecsAttr;
      unsigned n = output ? op->getNumResults() : op->getNumOperands();
      SmallVector<Attribute> entries;
      bool any = false;
      for (unsigned i = 0; i < n; ++i) {
        Attribute entry = b.getUnitAttr();
        if (std::optional<unsigned> e = lookup(op, output, i)) {
          if (isa<DerivedSpecAttr>(edges[*e].entry)) {
            entry = edges[*e].entry;
          } else if (isDynamic(specOf(*e))) {
            entry = specOf(*e);
          } else if (auto fixed = dyn_cast_or_null<FixedSpecAttr>(specOf(*e))) {
            entry = fixed;
            if (!output)
              if (Operation *def = op->getOperand(i).getDefiningOp())
                for (OpResult r : def->getResults())
                  if (r == op->getOperand(i))
                    if (auto producer = lookup(def, true, r.getResultNumber()))
                      if (find(*producer) == find(*e))
                        entry = b.getUnitAttr();
          }
        }
        any |= !isa<UnitAttr>(entry);
        entries.push_back(entry);
      }
      if (any)
        op->setAttr(name, b.getArrayAttr(entries));
      else
        op->removeAttr(name);
    }
  }
}

LogicalResult Preparer::run() {
  if (failed(collect()) || failed(resolveShared()))
    return failure();
  shareImplicitly();
  if (failed(checkDerived()))
    return failure();
  insertObservers();
  rewriteAnnotations();
  return success();
}

struct QCPreparePass : public mlir::qc::impl::QCPrepareBase<QCPreparePass> {
  void runOnOperation() override {
    if (failed(Preparer(getOperation()).run()))
      signalPassFailure();
  }
};

} // namespace
