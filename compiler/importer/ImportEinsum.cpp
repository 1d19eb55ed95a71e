//===- ImportEinsum.cpp - Einsum as transposes, sums and a matmul ---------===//
//
// Einsum's matmul-shaped forms (what attention and bilinear layers export):
// one or two operands, no subscript repeated within a term (no diagonals).
// Every subscript of a two-operand equation is one of
//   batch       in both inputs and the output,
//   contracted  in both inputs, not the output,
//   left        in the first input and the output,
//   right       in the second input and the output,
//   summed      in one input only, not the output (summed first).
// The first input is transposed to [batch, left, contracted] and reshaped to
// [batch, M, K], the second to [batch, contracted, right] -> [batch, K, N];
// qc.matmul (batch dimensions broadcast as ONNX MatMul's); the result is
// reshaped to [batch, left, right] and transposed to the output's order. A
// constant second operand without batch dimensions becomes qc.linear's
// weight instead (int8 per channel, like MatMul by a constant). One operand: a sum over the dropped subscripts and a transpose. So the
// quantizers, the integer lowering, native code and the export need nothing
// new.
//
//===----------------------------------------------------------------------===//
#include "compiler/importer/ImporterImpl.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::importer;

namespace {
constexpr int64_t kDyn = ShapedType::kDynamic;

/// A subscript: a letter (0..51) or one of the ellipsis's dimensions
/// (100 + its position counted from the end, so that operands of different
/// ranks broadcast right-aligned, as ONNX says).
using Label = int;
constexpr Label kEllipsisBase = 100;

struct Term {
  SmallVector<Label> labels;
  bool hasEllipsis = false;
  int64_t letters = 0;
};

/// Parses one term ("bij", "...ij"); `rank` expands the ellipsis (-1 for
/// the output, which takes `ellipsisRank` dimensions).
FailureOr<Term> parseTerm(StringRef text, int64_t rank, int64_t ellipsisRank,
                          std::string &why) {
  Term t;
  size_t dots = text.find("...");
  if (dots != StringRef::npos && text.find("...", dots + 3) != StringRef::npos) {
    why = "'" + text.str() + "' has two ellipses";
    return failure();
  }
  for (char c : text)
    if (c != '.')
      ++t.letters;
  t.hasEllipsis = dots != StringRef::npos;
  int64_t ellipsisDims = 0;
  if (t.hasEllipsis) {
    ellipsisDims = rank >= 0 ? rank - t.letters : ellipsisRank;
    if (ellipsisDims < 0) {
      why = "'" + text.str() + "' has " + std::to_string(t.letters) +
            " subscripts for a rank-" + std::to_string(rank) + " input";
      return failure();
    }
  } else if (rank >= 0 && t.letters != rank) {
    why = "'" + text.str() + "' has " + std::to_string(t.letters) +
          " subscripts for a rank-" + std::to_string(rank) + " input";
    return failure();
  }
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (i == dots)
        for (int64_t d = ellipsisDims - 1; d >= 0; --d)
          t.labels.push_back(kEllipsisBase + static_cast<int>(d));
      continue;
    }
    if (!llvm::isAlpha(c)) {
      why = "'" + text.str() + "' has the character '" + std::string(1, c) +
            "'; subscripts are letters";
      return failure();
    }
    Label l = c >= 'a' ? c - 'a' : 26 + (c - 'A');
    if (llvm::is_contained(t.labels, l)) {
      why = "subscript '" + std::string(1, c) + "' is repeated in '" +
            text.str() + "' (a diagonal); qc supports Einsum without them";
      return failure();
    }
    t.labels.push_back(l);
  }
  return t;
}

std::string labelText(Label l) {
  if (l >= kEllipsisBase)
    return "...";
  return std::string(1, l < 26 ? static_cast<char>('a' + l)
                                : static_cast<char>('A' + l - 26));
}

/// The positions of `labels` within `term`.
SmallVector<int64_t> positions(ArrayRef<Label> term, ArrayRef<Label> labels) {
  SmallVector<int64_t> out;
  for (Label l : labels)
    out.push_back(llvm::find(term, l) - term.begin());
  return out;
}

bool isIdentity(ArrayRef<int64_t> perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i))
      return false;
  return true;
}
} // namespace

LogicalResult Importer::importEinsum(const NodeRef &n) {
  if (opset() < 12)
    return error(n) << "Einsum is defined from opset 12; the model imports "
                       "opset "
                    << opset();
  FailureOr<std::string> equation = stringAttr(n, "equation", std::nullopt);
  if (failed(equation))
    return failure();
  std::string eq;
  for (char c : *equation)
    if (c != ' ')
      eq.push_back(c);
  size_t count = numInputs(n);
  if (count != 1 && count != 2)
    return error(n) << "qc supports Einsum of one or two operands, got "
                    << count;
  SmallVector<Value, 2> inputs;
  for (size_t i = 0; i < count; ++i) {
    FailureOr<Value> v = floatInput(n, i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }

  StringRef text(eq);
  auto [lhs, rhs] = text.split("->");
  bool explicitOutput = text.contains("->");
  SmallVector<StringRef, 2> inputTexts;
  lhs.split(inputTexts, ',');
  if (inputTexts.size() != count)
    return badAttr(n, "equation", "\"" + *equation + "\"")
           << "; it names " << inputTexts.size() << " operands, the node has "
           << count;
  std::string why;
  SmallVector<Term, 2> terms;
  int64_t ellipsisRank = 0;
  for (size_t i = 0; i < count; ++i) {
    int64_t rank = cast<RankedTensorType>(inputs[i].getType()).getRank();
    FailureOr<Term> t = parseTerm(inputTexts[i], rank, 0, why);
    if (failed(t))
      return badAttr(n, "equation", "\"" + *equation + "\"") << "; " << why;
    if (t->hasEllipsis)
      ellipsisRank = std::max(ellipsisRank, rank - t->letters);
    terms.push_back(*t);
  }
  // The output: given, or (implicit) the ellipsis then the subscripts seen
  // once, in alphabetical order.
  Term out;
  if (explicitOutput) {
    FailureOr<Term> t = parseTerm(rhs, -1, ellipsisRank, why);
    if (failed(t))
      return badAttr(n, "equation", "\"" + *equation + "\"") << "; " << why;
    out = *t;
  } else {
    for (int64_t d = ellipsisRank - 1; d >= 0; --d)
      out.labels.push_back(kEllipsisBase + static_cast<int>(d));
    for (Label l = 0; l < 52; ++l) {
      int count = 0;
      for (const Term &t : terms)
        count += llvm::is_contained(t.labels, l);
      if (count == 1)
        out.labels.push_back(l);
    }
  }
  for (Label l : out.labels)
    if (l < kEllipsisBase &&
        llvm::none_of(terms, [&](const Term &t) {
          return llvm::is_contained(t.labels, l);
        }))
      return badAttr(n, "equation", "\"" + *equation + "\"")
             << "; output subscript '" << labelText(l)
             << "' is in no input";

  // Sizes per label (ellipsis dimensions broadcast: 1 gives way).
  DenseMap<Label, int64_t> size;
  for (size_t i = 0; i < count; ++i) {
    auto type = cast<RankedTensorType>(inputs[i].getType());
    for (auto [d, l] : llvm::enumerate(terms[i].labels)) {
      int64_t s = type.getDimSize(d);
      auto it = size.find(l);
      if (it == size.end() || it->second == 1) {
        size[l] = s;
      } else if (s != 1 && s != it->second && s != kDyn && it->second != kDyn) {
        return error(n) << "subscript '" << labelText(l) << "' has size "
                        << it->second << " in one operand and " << s
                        << " in another";
      }
    }
  }

  // Sums over the subscripts only one input has and the output lacks.
  auto inOutput = [&](Label l) { return llvm::is_contained(out.labels, l); };
  bool secondSummed = false;
  for (size_t i = 0; i < count; ++i) {
    SmallVector<int64_t> axes;
    SmallVector<Label> kept;
    for (auto [d, l] : llvm::enumerate(terms[i].labels)) {
      bool elsewhere = count == 2 &&
                       llvm::is_contained(terms[1 - i].labels, l);
      if (!inOutput(l) && !elsewhere)
        axes.push_back(d);
      else
        kept.push_back(l);
    }
    if (axes.empty())
      continue;
    FailureOr<Value> s = create<ReduceSumOp>(
        n, inputs[i],
        {i64s("axes", axes), named("keepdims", b().getBoolAttr(false))});
    if (failed(s))
      return failure();
    inputs[i] = *s;
    terms[i].labels = kept;
    secondSummed |= i == 1;
  }

  // A transpose (if not the identity) of `v`, whose labels are `from`, to
  // the order `to`.
  auto permute = [&](Value v, ArrayRef<Label> from,
                     ArrayRef<Label> to) -> FailureOr<Value> {
    SmallVector<int64_t> perm = positions(from, to);
    if (isIdentity(perm))
      return v;
    return create<TransposeOp>(n, v, {i64s("perm", perm)});
  };

  if (count == 1)
    return setOutput(n, permute(inputs[0], terms[0].labels, out.labels));

  // Two operands.
  ArrayRef<Label> a = terms[0].labels, bl = terms[1].labels;
  SmallVector<Label> batch, left, right, contracted;
  for (Label l : out.labels) {
    bool inA = llvm::is_contained(a, l), inB = llvm::is_contained(bl, l);
    (inA && inB ? batch : inA ? left : right).push_back(l);
  }
  for (Label l : a)
    if (!inOutput(l) && llvm::is_contained(bl, l))
      contracted.push_back(l);

  // A group of dimensions merged into one: their static product, or the
  // one dynamic dimension of a single-member group.
  auto merged = [&](ArrayRef<Label> group, StringRef what,
                    int64_t &product) -> LogicalResult {
    product = 1;
    for (Label l : group) {
      int64_t s = size.lookup(l);
      if (s == kDyn) {
        if (group.size() != 1)
          return error(n) << "the " << what << " subscript '" << labelText(l)
                          << "' has a dynamic size; qc merges several "
                          << what << " dimensions only when they are static";
        product = kDyn;
        return success();
      }
      product *= s;
    }
    return success();
  };
  int64_t m, k, nn;
  if (failed(merged(left, "left", m)) ||
      failed(merged(contracted, "contracted", k)) ||
      failed(merged(right, "right", nn)))
    return failure();

  // Each operand: transposed to [batch, rows, cols], reshaped to
  // [batch..., rows, cols] (a batch dimension the operand lacks is 1).
  auto operand = [&](Value v, ArrayRef<Label> labels, ArrayRef<Label> rowsG,
                     ArrayRef<Label> colsG, int64_t rows,
                     int64_t cols) -> FailureOr<Value> {
    SmallVector<Label> present, order;
    for (Label l : batch)
      if (llvm::is_contained(labels, l))
        present.push_back(l);
    order = present;
    order.append(rowsG.begin(), rowsG.end());
    order.append(colsG.begin(), colsG.end());
    FailureOr<Value> t = permute(v, labels, order);
    if (failed(t))
      return failure();
    auto type = cast<RankedTensorType>(t->getType());
    SmallVector<int64_t> target, copyOf;
    for (Label l : batch) {
      auto it = llvm::find(present, l);
      if (it == present.end()) {
        target.push_back(1);
        copyOf.push_back(-1);
      } else {
        int64_t d = it - present.begin();
        target.push_back(type.getDimSize(d));
        copyOf.push_back(d);
      }
    }
    int64_t base = static_cast<int64_t>(present.size());
    target.push_back(rows);
    copyOf.push_back(rows == kDyn ? base : -1);
    target.push_back(cols);
    copyOf.push_back(cols == kDyn ? base + static_cast<int64_t>(rowsG.size())
                                  : -1);
    if (ArrayRef<int64_t>(target) == type.getShape() && type.hasStaticShape())
      return *t;
    return reshapeKeepingDims(n, *t, target, copyOf);
  };
  FailureOr<Value> lhsV = operand(inputs[0], a, left, contracted, m, k);
  if (failed(lhsV))
    return failure();
  FailureOr<Value> product = failure();
  // A constant second operand without batch dimensions is a weight: the
  // product is qc.linear with W [N, K] gathered from it here, as for MatMul
  // by a constant, so the quantizers make it int8 per output channel.
  SmallVector<int64_t> wShape;
  std::vector<float> wData;
  if (batch.empty() && !secondSummed && k != kDyn && nn != kDyn &&
      constantFloats(n, 1, wShape, wData)) {
    SmallVector<int64_t> stride(bl.size(), 1);
    for (int64_t d = static_cast<int64_t>(bl.size()) - 2; d >= 0; --d)
      stride[d] = stride[d + 1] * wShape[d + 1];
    // The offset in the constant of row-major index `flat` over `group`.
    auto offset = [&](ArrayRef<Label> group, int64_t flat) {
      int64_t off = 0;
      for (Label l : llvm::reverse(group)) {
        int64_t s = size.lookup(l);
        off += (flat % s) * stride[llvm::find(bl, l) - bl.begin()];
        flat /= s;
      }
      return off;
    };
    std::vector<float> w(static_cast<size_t>(nn * k));
    for (int64_t r = 0; r < nn; ++r)
      for (int64_t c = 0; c < k; ++c)
        w[r * k + c] = wData[offset(right, r) + offset(contracted, c)];
    FailureOr<Value> weight =
        makeConstant(n, {nn, k}, w, n.node.inputs[1] + "_nk");
    if (failed(weight))
      return failure();
    product = create<LinearOp>(n, ValueRange{*lhsV, *weight});
  } else {
    FailureOr<Value> rhsV = operand(inputs[1], bl, contracted, right, k, nn);
    if (failed(rhsV))
      return failure();
    product = create<MatmulOp>(n, ValueRange{*lhsV, *rhsV});
  }
  if (failed(product))
    return failure();

  // [batch..., M, N] -> [batch..., left..., right...] -> the output order.
  auto pType = cast<RankedTensorType>(product->getType());
  SmallVector<int64_t> target, copyOf;
  for (size_t i = 0; i < batch.size(); ++i) {
    target.push_back(pType.getDimSize(i));
    copyOf.push_back(i);
  }
  int64_t mDim = static_cast<int64_t>(batch.size());
  for (Label l : left) {
    target.push_back(size.lookup(l));
    copyOf.push_back(size.lookup(l) == kDyn ? mDim : -1);
  }
  for (Label l : right) {
    target.push_back(size.lookup(l));
    copyOf.push_back(size.lookup(l) == kDyn ? mDim + 1 : -1);
  }
  Value y = *product;
  if (ArrayRef<int64_t>(target) != pType.getShape() ||
      !pType.hasStaticShape()) {
    FailureOr<Value> r = reshapeKeepingDims(n, y, target, copyOf);
    if (failed(r))
      return failure();
    y = *r;
  }
  SmallVector<Label> order = batch;
  order.append(left.begin(), left.end());
  order.append(right.begin(), right.end());
  return setOutput(n, permute(y, order, out.labels));
}
