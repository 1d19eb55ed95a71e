//===- QCShapes.cpp - result-type inference of the qc ops -----------------===//
//
// One shape rule per op, used by the op verifier (through
// InferTypeOpInterface), the ONNX importer (createInferred) and the
// shape-inference pass. Dynamic dimensions propagate: a rule that needs a
// dimension's value yields `?` when it is not known. Every rule reports what
// does not fit instead of asserting.
//
//===----------------------------------------------------------------------===//
#include "dialects/qc/IR/QCOps.h"
#include "dialects/qc/IR/TensorSize.h"
#include "support/Shapes.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Diagnostics.h"

#include <cmath>
#include <numeric>

using namespace mlir;
using namespace mlir::qc;

namespace {
constexpr int64_t kDyn = ShapedType::kDynamic;

static_assert(kDyn == ::qc::kDynamicDim,
              "support/Shapes.h's unknown dimension is MLIR's kDynamic");

bool isDyn(int64_t d) { return ShapedType::isDynamic(d); }

/// Where a shape rule reports: the op's location (none when the caller wants
/// no diagnostics) and its name, which prefixes every message as in the
/// verifier's own ("'qc.conv2d' op ...").
struct Where {
  std::optional<Location> loc;
  StringRef op;
};

LogicalResult fail(const Where &where, const Twine &msg) {
  if (!where.loc)
    return failure();
  return emitError(*where.loc) << "'" << where.op << "' op " << msg.str();
}

/// A rule of support/Shapes.h failed: its message, at the op.
LogicalResult fail(const Where &where, const absl::Status &status) {
  return fail(where, std::string(status.message()));
}

::qc::Shape toShape(ArrayRef<int64_t> shape) {
  return ::qc::Shape(shape.begin(), shape.end());
}

/// The numpy broadcast of two shapes (support/Shapes.h's broadcastShapes,
/// unknown dimensions as MLIR's rule), or failure when they do not
/// broadcast.
FailureOr<SmallVector<int64_t>> broadcast(ArrayRef<int64_t> a,
                                          ArrayRef<int64_t> b) {
  absl::StatusOr<::qc::Shape> shape =
      ::qc::broadcastShapes(toShape(a), toShape(b));
  if (!shape.ok())
    return failure();
  return SmallVector<int64_t>(shape->begin(), shape->end());
}

RankedTensorType rankedOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// `[2, ?, 3]`, for messages.
std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + (isDyn(d) ? std::string("?") : std::to_string(d));
  return s + "]";
}

/// `'tensor<2x?xf32>'`, for messages.
std::string typeStr(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "'" << t << "'";
  return s;
}

/// Output length of a windowed op (conv, pool) along one axis by the one
/// window rule (support/Shapes.h's windowExtent); -1 when the window does not
/// fit, -2 when the attributes overflow int64 (both are errors of the
/// caller).
int64_t windowOut(int64_t in, int64_t kernel, int64_t stride, int64_t padBegin,
                  int64_t padEnd, int64_t dilation, bool ceilMode = false) {
  if (isDyn(in))
    return kDyn;
  ::qc::WindowExtent extent = ::qc::windowExtent(in, kernel, stride, padBegin,
                                                 padEnd, dilation, ceilMode);
  if (extent.overflow)
    return -2;
  return extent.fits ? extent.size : -1;
}

/// Normalizes `axis` into [0, rank) (or [0, rank] with `inclusive`).
FailureOr<int64_t> normAxis(const Where &loc, int64_t axis,
                            int64_t rank, StringRef what,
                            bool inclusive = false) {
  int64_t bound = inclusive ? rank + 1 : rank;
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= bound) {
    (void)fail(loc, what + " " + Twine(axis) + " is out of range for rank " +
                        Twine(rank) + " (expected " + Twine(-rank) +
                        " <= axis " + (inclusive ? "<= " : "< ") +
                        Twine(rank) + ")");
    return failure();
  }
  return a;
}

LogicalResult checkSize(const Where &loc, StringRef name,
                        ArrayRef<int64_t> values, size_t expected) {
  if (values.size() != expected)
    return fail(loc, "'" + name + "' must have " + Twine(expected) +
                         " entries, got " + Twine(values.size()));
  return success();
}

LogicalResult checkPositive(const Where &loc, StringRef name,
                            ArrayRef<int64_t> values) {
  for (int64_t v : values)
    if (v <= 0)
      return fail(loc, "'" + name + "' entries must be positive, got " +
                           Twine(v));
  return success();
}

LogicalResult checkNonNegative(const Where &loc, StringRef name,
                               ArrayRef<int64_t> values) {
  for (int64_t v : values)
    if (v < 0)
      return fail(loc, "'" + name + "' entries must be non-negative, got " +
                           Twine(v));
  return success();
}

/// A weight with an empty dimension (0 output channels, a 0-wide kernel)
/// would make an op that computes nothing, or a window of no taps.
LogicalResult checkNonEmpty(const Where &loc, StringRef name,
                            RankedTensorType t) {
  for (auto [i, d] : llvm::enumerate(t.getShape()))
    if (d == 0)
      return fail(loc, name + " " + typeStr(t) + " has an empty dimension " +
                           Twine(i));
  return success();
}

/// Checks that a 1-D parameter (bias, BN statistics) has `expected` entries.
LogicalResult checkVector(const Where &loc, StringRef name,
                          Value v, int64_t expected) {
  if (!v)
    return success();
  RankedTensorType t = rankedOf(v);
  if (t.getRank() != 1)
    return fail(loc, name + " must be 1-D, got rank " + Twine(t.getRank()));
  if (!isDyn(expected) && !isDyn(t.getDimSize(0)) &&
      t.getDimSize(0) != expected)
    return fail(loc, name + " has " + Twine(t.getDimSize(0)) +
                         " entries, expected " + Twine(expected));
  return success();
}

bool dimsConflict(int64_t a, int64_t b) {
  return !isDyn(a) && !isDyn(b) && a != b;
}

void setResult(SmallVectorImpl<Type> &out, ArrayRef<int64_t> shape,
               Type elementType) {
  out.push_back(RankedTensorType::get(shape, elementType));
}

/// Same-type result, for elementwise and normalization ops.
LogicalResult sameAsInput(Value input, SmallVectorImpl<Type> &out) {
  out.push_back(input.getType());
  return success();
}

/// Shared checks and output shape of the 4-D windowed ops.
LogicalResult spatialAttrs(const Where &loc,
                           ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> pads,
                           ArrayRef<int64_t> dilations) {
  if (failed(checkSize(loc, "strides", strides, 2)) ||
      failed(checkSize(loc, "pads", pads, 4)) ||
      failed(checkSize(loc, "dilations", dilations, 2)) ||
      failed(checkPositive(loc, "strides", strides)) ||
      failed(checkNonNegative(loc, "pads", pads)) ||
      failed(checkPositive(loc, "dilations", dilations)))
    return failure();
  if (!kernel.empty() && (failed(checkSize(loc, "kernel", kernel, 2)) ||
                          failed(checkPositive(loc, "kernel", kernel))))
    return failure();
  return success();
}

/// Pooling pads must be smaller than the kernel (as onnxruntime requires and
/// PyTorch's pad <= kernel / 2 implies), so that no window covers padding
/// only: a max over it would be undefined, an average divide by zero.
LogicalResult checkPoolPads(const Where &loc, ArrayRef<int64_t> kernel,
                            ArrayRef<int64_t> pads) {
  for (int i = 0; i < 2; ++i)
    if (pads[i] >= kernel[i] || pads[i + 2] >= kernel[i])
      return fail(loc, Twine(i == 0 ? "height" : "width") + " pads " +
                           Twine(pads[i]) + " + " + Twine(pads[i + 2]) +
                           " must each be smaller than the kernel " +
                           Twine(kernel[i]) +
                           ", or a window could cover only padding");
  return success();
}

LogicalResult windowShape(const Where &loc, RankedTensorType in,
                          int64_t channels, ArrayRef<int64_t> kernel,
                          ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                          ArrayRef<int64_t> dilations, bool ceilMode,
                          SmallVectorImpl<int64_t> &shape) {
  shape.assign({in.getDimSize(0), channels});
  for (int i = 0; i < 2; ++i) {
    int64_t o = windowOut(in.getDimSize(2 + i), kernel[i], strides[i], pads[i],
                          pads[i + 2], dilations[i], ceilMode);
    if (o == -2)
      return fail(loc, Twine(i == 0 ? "height" : "width") + " kernel " +
                           Twine(kernel[i]) + ", dilation " +
                           Twine(dilations[i]) + " and pads " +
                           Twine(pads[i]) + " + " + Twine(pads[i + 2]) +
                           " overflow 64-bit sizes");
    if (o == -1 || o == 0)
      return fail(loc, Twine(i == 0 ? "height" : "width") + " window of " +
                           Twine(kernel[i]) + " (dilation " +
                           Twine(dilations[i]) + ", spanning " +
                           Twine(dilations[i] * (kernel[i] - 1) + 1) +
                           ") does not fit in the input " +
                           (i == 0 ? "height " : "width ") +
                           Twine(in.getDimSize(2 + i)) + " padded by " +
                           Twine(pads[i]) + " + " + Twine(pads[i + 2]));
    shape.push_back(o);
  }
  return success();
}

/// The operands of conv2d / conv_transpose2d: a 4-D NCHW input, a 4-D
/// weight (`layout`, e.g. "OIHW ", names it in the message) and groups >= 1.
LogicalResult checkConvOperands(const Where &loc, RankedTensorType in,
                                RankedTensorType w, StringRef layout,
                                int64_t groups) {
  if (in.getRank() != 4 || w.getRank() != 4)
    return fail(loc, "expects a 4-D NCHW input and a 4-D " + layout +
                         "weight, got ranks " + Twine(in.getRank()) + " and " +
                         Twine(w.getRank()));
  if (groups < 1)
    return fail(loc, "groups must be positive, got " + Twine(groups));
  return success();
}
} // namespace

//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> location,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  auto type = dyn_cast<RankedTensorType>(adaptor.getValue().getType());
  if (!type)
    return fail(loc, "constant value must be a ranked tensor, got " +
                         typeStr(adaptor.getValue().getType()));
  out.push_back(type);
  return success();
}

LogicalResult Conv2dOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType in = rankedOf(adaptor.getInput());
  RankedTensorType w = rankedOf(adaptor.getWeight());
  int64_t groups = adaptor.getGroups();
  if (failed(checkConvOperands(loc, in, w, "OIHW ", groups)))
    return failure();
  if (failed(spatialAttrs(loc, {}, adaptor.getStrides(), adaptor.getPads(),
                          adaptor.getDilations())))
    return failure();
  if (failed(checkNonEmpty(loc, "weight", w)))
    return failure();
  int64_t outC = w.getDimSize(0);
  if (!isDyn(outC) && outC % groups != 0)
    return fail(loc, "weight has " + Twine(outC) +
                         " output channels, not a multiple of groups " +
                         Twine(groups));
  int64_t inC = in.getDimSize(1);
  if (!isDyn(inC) && !isDyn(w.getDimSize(1))) {
    std::optional<int64_t> expected = checkedMul(w.getDimSize(1), groups);
    if (!expected || inC != *expected)
      return fail(loc, "input has " + Twine(inC) +
                           " channels but the weight expects " +
                           Twine(w.getDimSize(1)) + " per group x " +
                           Twine(groups) + " groups" +
                           (expected ? " = " + Twine(*expected) : Twine()));
  }
  if (isDyn(w.getDimSize(2)) || isDyn(w.getDimSize(3)))
    return fail(loc, "weight must have a static kernel size");
  if (failed(checkVector(loc, "bias", adaptor.getBias(), outC)))
    return failure();
  SmallVector<int64_t> shape;
  int64_t kernel[2] = {w.getDimSize(2), w.getDimSize(3)};
  if (failed(windowShape(loc, in, outC, kernel, adaptor.getStrides(),
                         adaptor.getPads(), adaptor.getDilations(), false,
                         shape)))
    return failure();
  setResult(out, shape, in.getElementType());
  return success();
}

LogicalResult ConvTranspose2dOp::inferReturnTypes(MLIRContext *,
                                                  std::optional<Location> location,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType in = rankedOf(adaptor.getInput());
  RankedTensorType w = rankedOf(adaptor.getWeight());
  int64_t groups = adaptor.getGroups();
  if (failed(checkConvOperands(loc, in, w, "", groups)))
    return failure();
  ArrayRef<int64_t> strides = adaptor.getStrides(), pads = adaptor.getPads(),
                    dil = adaptor.getDilations(),
                    outPad = adaptor.getOutputPadding();
  if (failed(spatialAttrs(loc, {}, strides, pads, dil)) ||
      failed(checkSize(loc, "output_padding", outPad, 2)) ||
      failed(checkNonNegative(loc, "output_padding", outPad)))
    return failure();
  if (dimsConflict(in.getDimSize(1), w.getDimSize(0)))
    return fail(loc, "input has " + Twine(in.getDimSize(1)) +
                         " channels but the [C_in, C_out/groups, kH, kW] "
                         "weight has " + Twine(w.getDimSize(0)));
  if (!isDyn(w.getDimSize(0)) && w.getDimSize(0) % groups != 0)
    return fail(loc, "weight has " + Twine(w.getDimSize(0)) +
                         " input channels, not a multiple of groups " +
                         Twine(groups));
  if (isDyn(w.getDimSize(2)) || isDyn(w.getDimSize(3)))
    return fail(loc, "weight must have a static kernel size");
  if (failed(checkNonEmpty(loc, "weight", w)))
    return failure();
  std::optional<int64_t> outChannels =
      isDyn(w.getDimSize(1)) ? std::optional<int64_t>(kDyn)
                             : checkedMul(w.getDimSize(1), groups);
  if (!outChannels)
    return fail(loc, "weight's " + Twine(w.getDimSize(1)) +
                         " output channels per group x " + Twine(groups) +
                         " groups overflow 64-bit sizes");
  int64_t outC = *outChannels;
  if (failed(checkVector(loc, "bias", adaptor.getBias(), outC)))
    return failure();
  SmallVector<int64_t> shape = {in.getDimSize(0), outC};
  for (int i = 0; i < 2; ++i) {
    int64_t d = in.getDimSize(2 + i);
    if (isDyn(d)) {
      shape.push_back(kDyn);
      continue;
    }
    // o = strides * (d - 1) + outPad + (k - 1) * dil + 1 - pads, checked.
    std::optional<int64_t> o = checkedMul(strides[i], d - 1);
    std::optional<int64_t> span = checkedMul(w.getDimSize(2 + i) - 1, dil[i]);
    for (int64_t term : {outPad[i], int64_t(1)})
      o = o ? checkedAdd(*o, term) : o;
    o = o && span ? checkedAdd(*o, *span) : std::nullopt;
    for (int64_t pad : {pads[i], pads[i + 2]})
      o = o ? checkedSub(*o, pad) : o;
    if (!o)
      return fail(loc, Twine(i == 0 ? "height" : "width") + " stride " +
                           Twine(strides[i]) + ", dilation " + Twine(dil[i]) +
                           ", pads and output_padding overflow 64-bit sizes");
    if (*o <= 0)
      return fail(loc, "pads " + Twine(pads[i]) + " + " + Twine(pads[i + 2]) +
                           " leave no output in the " +
                           (i == 0 ? "height" : "width") + " (size " +
                           Twine(*o) + ")");
    shape.push_back(*o);
  }
  setResult(out, shape, in.getElementType());
  return success();
}

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType a = rankedOf(adaptor.getLhs());
  RankedTensorType b = rankedOf(adaptor.getRhs());
  if (a.getRank() < 1 || b.getRank() < 1)
    return fail(loc, "operands must have rank >= 1, got ranks " +
                         Twine(a.getRank()) + " and " + Twine(b.getRank()));
  SmallVector<int64_t> as(a.getShape()), bs(b.getShape());
  bool aVec = as.size() == 1, bVec = bs.size() == 1;
  if (aVec)
    as.insert(as.begin(), 1);
  if (bVec)
    bs.push_back(1);
  int64_t ka = as.back(), kb = bs[bs.size() - 2];
  if (dimsConflict(ka, kb))
    return fail(loc, "contraction sizes differ: " + typeStr(a) +
                         " has " + Twine(ka) + " columns, " + typeStr(b) +
                         " has " + Twine(kb) + " rows");
  ArrayRef<int64_t> ab(as), bb(bs);
  FailureOr<SmallVector<int64_t>> batch =
      broadcast(ab.drop_back(2), bb.drop_back(2));
  if (failed(batch))
    return fail(loc, "batch dimensions do not broadcast: " +
                         shapeStr(ab.drop_back(2)) + " vs " +
                         shapeStr(bb.drop_back(2)));
  SmallVector<int64_t> shape(*batch);
  if (!aVec)
    shape.push_back(as[as.size() - 2]);
  if (!bVec)
    shape.push_back(bs.back());
  setResult(out, shape, a.getElementType());
  return success();
}

LogicalResult LinearOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType in = rankedOf(adaptor.getInput());
  RankedTensorType w = rankedOf(adaptor.getWeight());
  if (in.getRank() < 1 || w.getRank() != 2)
    return fail(loc, "expects an input of rank >= 1 and a 2-D [N, K] "
                     "weight, got ranks " + Twine(in.getRank()) + " and " +
                         Twine(w.getRank()));
  if (dimsConflict(in.getShape().back(), w.getDimSize(1)))
    return fail(loc, "input has " + Twine(in.getShape().back()) +
                         " features but weight expects " +
                         Twine(w.getDimSize(1)));
  if (failed(checkNonEmpty(loc, "weight", w)))
    return failure();
  if (failed(checkVector(loc, "bias", adaptor.getBias(), w.getDimSize(0))))
    return failure();
  SmallVector<int64_t> shape(in.getShape());
  shape.back() = w.getDimSize(0);
  setResult(out, shape, in.getElementType());
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> location,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType in = rankedOf(adaptor.getInput());
  if (in.getRank() < 2)
    return fail(loc, "input must have rank >= 2 (N, C, ...), got "
                     "rank " + Twine(in.getRank()));
  int64_t c = in.getDimSize(1);
  if (failed(checkVector(loc, "scale", adaptor.getScale(), c)) ||
      failed(checkVector(loc, "bias", adaptor.getBias(), c)) ||
      failed(checkVector(loc, "mean", adaptor.getMean(), c)) ||
      failed(checkVector(loc, "var", adaptor.getVar(), c)))
    return failure();
  return sameAsInput(adaptor.getInput(), out);
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> location,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType in = rankedOf(adaptor.getInput());
  FailureOr<int64_t> axis =
      normAxis(loc, adaptor.getAxis(), in.getRank(), "axis");
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> normalized = in.getShape().drop_front(*axis);
  // scale and bias broadcast to the normalized dimensions without changing
  // them: no more dimensions, and a size-1 normalized dimension stays 1.
  for (auto [name, p] : {std::make_pair("scale", adaptor.getScale()),
                         std::make_pair("bias", adaptor.getBias())}) {
    if (!p)
      continue;
    SmallVector<int64_t> bcast;
    ArrayRef<int64_t> ps = rankedOf(p).getShape();
    bool ok = ps.size() <= normalized.size() &&
              OpTrait::util::getBroadcastedShape(normalized, ps, bcast);
    for (size_t i = 0; ok && i < ps.size(); ++i) {
      int64_t d = normalized[normalized.size() - ps.size() + i];
      ok = ps[i] == 1 || isDyn(ps[i]) || isDyn(d) || ps[i] == d;
    }
    if (!ok)
      return fail(loc, Twine(name) + " of shape " +
                           shapeStr(ps) + " does not broadcast to the "
                           "normalized dimensions " + shapeStr(normalized));
  }
  return sameAsInput(adaptor.getInput(), out);
}

// The unary elementwise ops get their rule from SameOperandsAndResultType.

/// Element-wise ops whose result is their input's type.
#define QC_SAME_AS_INPUT_INFERENCE(OP)                                         \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location>,   \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &out) {             \
    return sameAsInput(adaptor.getInput(), out);                               \
  }
QC_SAME_AS_INPUT_INFERENCE(HardsigmoidOp)

LogicalResult ClampOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> location,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  float lo = adaptor.getMin().convertToFloat();
  float hi = adaptor.getMax().convertToFloat();
  if (std::isnan(lo) || std::isnan(hi) || lo > hi)
    return fail(loc, "needs min <= max, got [" + Twine(std::to_string(lo)) +
                         ", " + Twine(std::to_string(hi)) + "]");
  return sameAsInput(adaptor.getInput(), out);
}

LogicalResult GeluOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> location,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  StringRef a = adaptor.getApproximate();
  if (a != "none" && a != "tanh")
    return fail(loc, "approximate must be \"none\" or \"tanh\", got \"" +
                         a + "\"");
  return sameAsInput(adaptor.getInput(), out);
}

/// The shape rule of softmax / log_softmax: `axis` within the input's rank,
/// the input's type.
static LogicalResult inferSoftmax(const Where &loc, Value input, int64_t axis,
                                  SmallVectorImpl<Type> &out) {
  if (failed(normAxis(loc, axis, rankedOf(input).getRank(), "axis")))
    return failure();
  return sameAsInput(input, out);
}

LogicalResult SoftmaxOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &out) {
  return inferSoftmax({location, getOperationName()}, adaptor.getInput(),
                      adaptor.getAxis(), out);
}

QC_SAME_AS_INPUT_INFERENCE(LeakyReluOp)

QC_SAME_AS_INPUT_INFERENCE(ThresholdedReluOp)

QC_SAME_AS_INPUT_INFERENCE(EluOp)

QC_SAME_AS_INPUT_INFERENCE(CeluOp)

QC_SAME_AS_INPUT_INFERENCE(SeluOp)

LogicalResult LogSoftmaxOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> location,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &out) {
  return inferSoftmax({location, getOperationName()}, adaptor.getInput(),
                      adaptor.getAxis(), out);
}

#define QC_BROADCAST_INFERENCE(OP)                                             \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> location,         \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &out) {             \
    return inferBroadcast({location, getOperationName()}, adaptor.getLhs(),    \
                          adaptor.getRhs(), out);                              \
  }
static LogicalResult inferBroadcast(const Where &loc, Value lhs,
                                    Value rhs, SmallVectorImpl<Type> &out) {
  RankedTensorType l = rankedOf(lhs), r = rankedOf(rhs);
  FailureOr<SmallVector<int64_t>> shape =
      broadcast(l.getShape(), r.getShape());
  if (failed(shape))
    return fail(loc, "operand shapes " + shapeStr(l.getShape()) + " and " +
                         shapeStr(r.getShape()) +
                         " do not broadcast (numpy rules: trailing dimensions "
                         "must be equal or 1)");
  setResult(out, *shape, l.getElementType());
  return success();
}
QC_BROADCAST_INFERENCE(AddOp)
QC_BROADCAST_INFERENCE(SubOp)
QC_BROADCAST_INFERENCE(MulOp)
QC_BROADCAST_INFERENCE(DivOp)
QC_BROADCAST_INFERENCE(PowOp)
QC_BROADCAST_INFERENCE(MaxOp)
QC_BROADCAST_INFERENCE(MinOp)
QC_BROADCAST_INFERENCE(PReluOp)
#undef QC_BROADCAST_INFERENCE

/// The shape rule of the float 2-D pools: a 4-D NCHW input, the window
/// attributes (spatialAttrs, checkPoolPads) and the windowed output.
static LogicalResult inferPool2d(const Where &loc, Value input,
                                 ArrayRef<int64_t> kernel,
                                 ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> pads,
                                 ArrayRef<int64_t> dilations, bool ceilMode,
                                 SmallVectorImpl<Type> &out) {
  RankedTensorType in = rankedOf(input);
  if (in.getRank() != 4)
    return fail(loc, "expects a 4-D NCHW input, got rank " +
                         Twine(in.getRank()));
  if (failed(spatialAttrs(loc, kernel, strides, pads, dilations)) ||
      failed(checkPoolPads(loc, kernel, pads)))
    return failure();
  SmallVector<int64_t> shape;
  if (failed(windowShape(loc, in, in.getDimSize(1), kernel, strides, pads,
                         dilations, ceilMode, shape)))
    return failure();
  setResult(out, shape, in.getElementType());
  return success();
}

LogicalResult MaxPool2dOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> location,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &out) {
  return inferPool2d({location, getOperationName()}, adaptor.getInput(),
                     adaptor.getKernel(), adaptor.getStrides(),
                     adaptor.getPads(), adaptor.getDilations(),
                     adaptor.getCeilMode(), out);
}

LogicalResult AvgPool2dOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> location,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &out) {
  int64_t dil[2] = {1, 1};
  return inferPool2d({location, getOperationName()}, adaptor.getInput(),
                     adaptor.getKernel(), adaptor.getStrides(),
                     adaptor.getPads(), dil, adaptor.getCeilMode(), out);
}

LogicalResult GlobalAvgPool2dOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> location, Adaptor adaptor,
    SmallVectorImpl<Type> &out) {
  RankedTensorType in = rankedOf(adaptor.getInput());
  absl::StatusOr<::qc::Shape> shape =
      ::qc::globalPoolShape(toShape(in.getShape()));
  if (!shape.ok())
    return fail({location, getOperationName()}, shape.status());
  setResult(out, *shape, in.getElementType());
  return success();
}


namespace {
/// The result of a reduction (support/Shapes.h `reductionShape`), with the
/// rule's message at the op.
LogicalResult inferReduction(const Where &loc, RankedTensorType in,
                             ArrayRef<int64_t> axes, bool keepdims,
                             Type elementType, SmallVectorImpl<Type> &out) {
  absl::StatusOr<::qc::Reduction> r = ::qc::reductionShape(
      toShape(in.getShape()), std::vector<int64_t>(axes.begin(), axes.end()),
      keepdims);
  if (!r.ok())
    return fail(loc, r.status());
  setResult(out, r->shape, elementType);
  return success();
}
} // namespace

// Reduce*: the reduction rule over `axes`, keeping the element type.
#define QC_REDUCTION_INFERENCE(OP)                                             \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> location,         \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &out) {             \
    RankedTensorType in = rankedOf(adaptor.getInput());                        \
    return inferReduction({location, getOperationName()}, in,                  \
                          adaptor.getAxes(), adaptor.getKeepdims(),            \
                          in.getElementType(), out);                           \
  }
QC_REDUCTION_INFERENCE(ReduceMeanOp)
QC_REDUCTION_INFERENCE(ReduceMaxOp)
QC_REDUCTION_INFERENCE(ReduceMinOp)
QC_REDUCTION_INFERENCE(ReduceSumOp)
QC_REDUCTION_INFERENCE(ReduceProdOp)
QC_REDUCTION_INFERENCE(ReduceSumSquareOp)
QC_REDUCTION_INFERENCE(ReduceL1Op)
QC_REDUCTION_INFERENCE(ReduceL2Op)
QC_REDUCTION_INFERENCE(ReduceLogSumOp)
QC_REDUCTION_INFERENCE(ReduceLogSumExpOp)
#undef QC_REDUCTION_INFERENCE

// ArgMax / ArgMin: a reduction over `axis` to int64 indices.
#define QC_ARG_EXTREME_INFERENCE(OP)                                           \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *context, std::optional<Location> location, Adaptor adaptor, \
      SmallVectorImpl<Type> &out) {                                            \
    int64_t axis = adaptor.getAxis();                                          \
    return inferReduction(                                                     \
        {location, getOperationName()}, rankedOf(adaptor.getInput()), {axis},  \
        adaptor.getKeepdims(), IntegerType::get(context, 64), out);            \
  }
QC_ARG_EXTREME_INFERENCE(ArgMaxOp)
QC_ARG_EXTREME_INFERENCE(ArgMinOp)
#undef QC_ARG_EXTREME_INFERENCE

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType in = rankedOf(adaptor.getInput());
  ArrayRef<int64_t> target = adaptor.getShape();
  int inferred = -1;
  int64_t known = 1;
  for (auto [i, d] : llvm::enumerate(target)) {
    if (d == -1) {
      if (inferred >= 0)
        return fail(loc, "shape " + shapeStr(target) +
                             " has more than one -1 entry");
      inferred = i;
    } else if (d <= 0) {
      return fail(loc, "shape entries must be positive or -1, got " +
                           Twine(d));
    } else {
      std::optional<int64_t> product = checkedMul(known, d);
      if (!product)
        return fail(loc, "shape " + shapeStr(target) +
                             " has more elements than fit in a 64-bit "
                             "integer");
      known = *product;
    }
  }
  SmallVector<int64_t> shape(target);
  if (in.hasStaticShape()) {
    int64_t total = in.getNumElements();
    if (inferred >= 0) {
      if (total % known != 0)
        return fail(loc, "cannot reshape " + typeStr(in) + " (" +
                             Twine(total) + " elements) to " +
                             shapeStr(target) + ": " + Twine(total) +
                             " is not a multiple of " + Twine(known));
      shape[inferred] = total / known;
    } else if (total != known) {
      return fail(loc, "cannot reshape " + typeStr(in) + " (" +
                           Twine(total) + " elements) to " +
                           shapeStr(target) + " (" + Twine(known) +
                           " elements)");
    }
  } else if (inferred >= 0) {
    shape[inferred] = kDyn;
  }
  setResult(out, shape, in.getElementType());
  return success();
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &out) {
  RankedTensorType in = rankedOf(adaptor.getInput());
  absl::StatusOr<::qc::Shape> shape =
      ::qc::flattenShape(toShape(in.getShape()), adaptor.getAxis());
  if (!shape.ok())
    return fail({location, getOperationName()}, shape.status());
  setResult(out, *shape, in.getElementType());
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> location,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType in = rankedOf(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (failed(checkSize(loc, "perm", perm, in.getRank())))
    return failure();
  absl::StatusOr<::qc::Shape> shape = ::qc::transposeShape(
      toShape(in.getShape()), std::vector<int64_t>(perm.begin(), perm.end()));
  if (!shape.ok())
    return fail(loc, shape.status());
  setResult(out, *shape, in.getElementType());
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  ValueRange inputs = adaptor.getInputs();
  std::vector<::qc::Shape> shapes;
  for (auto [n, v] : llvm::enumerate(inputs)) {
    RankedTensorType t = rankedOf(v), first = rankedOf(inputs.front());
    if (t.getRank() != first.getRank() ||
        t.getElementType() != first.getElementType())
      return fail(loc, "inputs must share rank and element type: "
                       "input 0 is " + typeStr(first) + ", input " +
                           Twine(n) + " is " + typeStr(t));
    shapes.push_back(toShape(t.getShape()));
  }
  absl::StatusOr<::qc::Shape> shape =
      ::qc::concatShape(shapes, adaptor.getAxis());
  if (!shape.ok())
    return fail(loc, shape.status());
  setResult(out, *shape, rankedOf(inputs.front()).getElementType());
  return success();
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> location,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType in = rankedOf(adaptor.getInput());
  ArrayRef<int64_t> starts = adaptor.getStarts(), ends = adaptor.getEnds(),
                    axes = adaptor.getAxes(), steps = adaptor.getSteps();
  size_t n = starts.size();
  if (failed(checkSize(loc, "ends", ends, n)) ||
      failed(checkSize(loc, "axes", axes, n)) ||
      failed(checkSize(loc, "steps", steps, n)))
    return failure();
  SmallVector<int64_t> shape(in.getShape());
  SmallVector<bool> seen(in.getRank(), false);
  for (size_t i = 0; i < n; ++i) {
    FailureOr<int64_t> a = normAxis(loc, axes[i], in.getRank(), "axis");
    if (failed(a))
      return failure();
    if (seen[*a])
      return fail(loc, "axis " + Twine(axes[i]) + " is repeated");
    seen[*a] = true;
    if (steps[i] == 0)
      return fail(loc, "step for axis " + Twine(axes[i]) +
                           " must not be 0");
    int64_t dim = in.getDimSize(*a);
    if (isDyn(dim)) {
      shape[*a] = kDyn;
      continue;
    }
    absl::StatusOr<::qc::SliceAxis> taken =
        ::qc::sliceAxis(dim, starts[i], ends[i], steps[i]);
    if (!taken.ok())
      return fail(loc, taken.status());
    shape[*a] = taken->count;
  }
  setResult(out, shape, in.getElementType());
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> location,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType in = rankedOf(adaptor.getInput());
  ArrayRef<int64_t> pads = adaptor.getPads();
  int64_t rank = in.getRank();
  if (failed(checkSize(loc, "pads", pads, 2 * rank)))
    return failure();
  StringRef mode = adaptor.getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return fail(loc, "mode must be constant, reflect or edge, got \"" +
                         mode + "\"");
  absl::StatusOr<::qc::Shape> shape = ::qc::padShape(
      toShape(in.getShape()), std::vector<int64_t>(pads.begin(), pads.end()));
  if (!shape.ok())
    return fail(loc, shape.status());
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d = in.getDimSize(i);
    if (mode == "reflect" && !isDyn(d) &&
        (pads[i] >= d || pads[i + rank] >= d))
      return fail(loc, "reflect padding of dimension " + Twine(i) + " (" +
                           Twine(pads[i]) + " and " + Twine(pads[i + rank]) +
                           ") must be smaller than its size " + Twine(d));
  }
  setResult(out, *shape, in.getElementType());
  return success();
}

LogicalResult ResizeOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType in = rankedOf(adaptor.getInput());
  ArrayRef<int64_t> sizes = adaptor.getSizes();
  ArrayRef<float> scales = adaptor.getScales();
  if (failed(checkSize(loc, "sizes", sizes, 4)))
    return failure();
  if (scales.size() != 4)
    return fail(loc, "'scales' must have 4 entries, got " +
                         Twine(scales.size()));
  for (float s : scales)
    if (!(s > 0.0f) || !std::isfinite(s))
      return fail(loc, "scales must be positive and finite, got " +
                           Twine(std::to_string(s)));
  // N and C are kept: `sizes` gives them as -1 or as the input's value, and
  // their scales are 1.
  SmallVector<int64_t> shape(sizes);
  for (int i = 0; i < 2; ++i) {
    if (sizes[i] == -1)
      shape[i] = in.getDimSize(i);
    else if (sizes[i] <= 0 || dimsConflict(in.getDimSize(i), sizes[i]))
      return fail(loc, "changes only H and W; sizes[" + Twine(i) +
                           "] must be -1 or the input's dimension " +
                           Twine(in.getDimSize(i)) + ", got " +
                           Twine(sizes[i]));
    if (scales[i] != 1.0f)
      return fail(loc, "changes only H and W; scales[" + Twine(i) +
                           "] must be 1, got " +
                           Twine(std::to_string(scales[i])));
  }
  // H and W: an explicit size, or -1 for floor(input * scale) (ONNX Resize
  // given `scales`), which keeps a dynamic input dimension dynamic. The
  // product is taken in f32, as ONNX's shape inference and onnxruntime do.
  for (int i = 2; i < 4; ++i) {
    if (sizes[i] > 0)
      continue;
    if (sizes[i] != -1)
      return fail(loc, "sizes[" + Twine(i) +
                           "] must be positive, or -1 for floor(input * "
                           "scale), got " + Twine(sizes[i]));
    int64_t d = in.getDimSize(i);
    if (isDyn(d)) {
      shape[i] = kDyn;
      continue;
    }
    absl::StatusOr<int64_t> scaled = ::qc::resizedDimSize(d, scales[i]);
    if (!scaled.ok())
      return fail(loc, "scaling the " + Twine(i == 2 ? "height " : "width ") +
                           Twine(d) + " by " +
                           Twine(std::to_string(scales[i])) +
                           " overflows 64-bit sizes");
    shape[i] = *scaled;
    if (shape[i] <= 0)
      return fail(loc, "scaling the " + Twine(i == 2 ? "height " : "width ") +
                           Twine(d) + " by " +
                           Twine(std::to_string(scales[i])) +
                           " leaves no output");
  }
  StringRef mode = adaptor.getMode();
  StringRef ctm = adaptor.getCoordinateTransformationMode();
  StringRef nearest = adaptor.getNearestMode();
  if (mode != "nearest" && mode != "linear")
    return fail(loc, "mode must be nearest or linear, got \"" + mode +
                         "\"");
  if (ctm != "half_pixel" && ctm != "pytorch_half_pixel" &&
      ctm != "align_corners" && ctm != "asymmetric")
    return fail(loc, "unsupported coordinate_transformation_mode \"" + ctm +
                         "\" (expected half_pixel, pytorch_half_pixel, "
                         "align_corners or asymmetric)");
  if (nearest != "round_prefer_floor" && nearest != "round_prefer_ceil" &&
      nearest != "floor" && nearest != "ceil")
    return fail(loc, "unsupported nearest_mode \"" + nearest +
                         "\" (expected round_prefer_floor, round_prefer_ceil, "
                         "floor or ceil)");
  setResult(out, shape, in.getElementType());
  return success();
}

//===----------------------------------------------------------------------===//
// Tensors of any element type
//===----------------------------------------------------------------------===//

/// Numpy broadcast of several shapes, or a diagnostic naming them.
static FailureOr<SmallVector<int64_t>> broadcastAll(const Where &loc,
                                                    ArrayRef<Value> values) {
  SmallVector<int64_t> shape(rankedOf(values[0]).getShape());
  for (Value v : values.drop_front()) {
    FailureOr<SmallVector<int64_t>> next =
        broadcast(shape, rankedOf(v).getShape());
    if (failed(next)) {
      (void)fail(loc, "operand shapes " + shapeStr(shape) + " and " +
                          shapeStr(rankedOf(v).getShape()) +
                          " do not broadcast (numpy rules: trailing "
                          "dimensions must be equal or 1)");
      return failure();
    }
    shape = std::move(*next);
  }
  return shape;
}

/// A result of `values`' broadcast shape (broadcastAll) and `elementType`.
static LogicalResult inferBroadcastAll(const Where &loc, ArrayRef<Value> values,
                                       Type elementType,
                                       SmallVectorImpl<Type> &out) {
  FailureOr<SmallVector<int64_t>> shape = broadcastAll(loc, values);
  if (failed(shape))
    return failure();
  setResult(out, *shape, elementType);
  return success();
}

/// Checks that `a` and `b` have one element type.
static LogicalResult sameElementType(const Where &loc, Value a, Value b) {
  Type ea = rankedOf(a).getElementType(), eb = rankedOf(b).getElementType();
  if (ea != eb)
    return fail(loc, "operands have different element types (" + typeStr(ea) +
                         " and " + typeStr(eb) + ")");
  return success();
}

LogicalResult CastOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> location,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  Type to = adaptor.getTo();
  if (!to.isF32() && !to.isF64() && !isa<IntegerType>(to))
    return fail(loc, "target type must be f32, f64 or an integer type, got " +
                         typeStr(to));
  setResult(out, rankedOf(adaptor.getInput()).getShape(), to);
  return success();
}

LogicalResult CompareOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  StringRef p = adaptor.getPredicate();
  if (p != "eq" && p != "lt" && p != "le" && p != "gt" && p != "ge")
    return fail(loc, "predicate must be eq, lt, le, gt or ge, got \"" + p +
                         "\"");
  if (failed(sameElementType(loc, adaptor.getLhs(), adaptor.getRhs())))
    return failure();
  return inferBroadcastAll(loc, {adaptor.getLhs(), adaptor.getRhs()},
                           IntegerType::get(context, 1), out);
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  if (!rankedOf(adaptor.getCondition()).getElementType().isInteger(1))
    return fail(loc, "condition must be an i1 tensor, got " +
                         typeStr(adaptor.getCondition().getType()));
  if (failed(sameElementType(loc, adaptor.getLhs(), adaptor.getRhs())))
    return failure();
  return inferBroadcastAll(
      loc, {adaptor.getCondition(), adaptor.getLhs(), adaptor.getRhs()},
      rankedOf(adaptor.getLhs()).getElementType(), out);
}

LogicalResult LogicalOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  StringRef k = adaptor.getKind();
  if (k != "and" && k != "or" && k != "xor")
    return fail(loc, "kind must be and, or or xor, got \"" + k + "\"");
  for (Value v : {adaptor.getLhs(), adaptor.getRhs()})
    if (!rankedOf(v).getElementType().isInteger(1))
      return fail(loc, "operands must be i1 tensors, got " +
                           typeStr(v.getType()));
  return inferBroadcastAll(loc, {adaptor.getLhs(), adaptor.getRhs()},
                           IntegerType::get(context, 1), out);
}

LogicalResult NotOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> location,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &out) {
  if (!rankedOf(adaptor.getInput()).getElementType().isInteger(1))
    return fail({location, getOperationName()},
                "operand must be an i1 tensor, got " +
                    typeStr(adaptor.getInput().getType()));
  return sameAsInput(adaptor.getInput(), out);
}

LogicalResult ArithOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> location,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  StringRef k = adaptor.getKind();
  if (!llvm::is_contained({"add", "sub", "mul", "div", "mod", "fmod", "max",
                           "min", "pow", "shl", "shr"},
                          k))
    return fail(loc, "unknown kind \"" + k +
                         "\" (expected add, sub, mul, div, mod, fmod, max, "
                         "min, pow, shl or shr)");
  if (failed(sameElementType(loc, adaptor.getLhs(), adaptor.getRhs())))
    return failure();
  Type e = rankedOf(adaptor.getLhs()).getElementType();
  bool isInt = isa<IntegerType>(e) && !e.isInteger(1);
  if (!isInt && !e.isF64() && !e.isF32())
    return fail(loc, "operands must be integer, f64 or f32 tensors, got " +
                         typeStr(e));
  if (!isInt && (k == "shl" || k == "shr"))
    return fail(loc, "shifts take integer operands, got " + typeStr(e));
  return inferBroadcastAll(loc, {adaptor.getLhs(), adaptor.getRhs()}, e, out);
}

/// Indices must be an integer (not i1) tensor.
static LogicalResult checkIndices(const Where &loc, Value indices) {
  Type e = rankedOf(indices).getElementType();
  if (!isa<IntegerType>(e) || e.isInteger(1))
    return fail(loc, "indices must be an integer tensor, got " +
                         typeStr(indices.getType()));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType in = rankedOf(adaptor.getInput());
  if (failed(checkIndices(loc, adaptor.getIndices())))
    return failure();
  absl::StatusOr<::qc::Shape> shape = ::qc::gatherShape(
      toShape(in.getShape()),
      toShape(rankedOf(adaptor.getIndices()).getShape()), adaptor.getAxis());
  if (!shape.ok())
    return fail(loc, shape.status());
  setResult(out, *shape, in.getElementType());
  return success();
}

LogicalResult GatherElementsOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> location, Adaptor adaptor,
    SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType in = rankedOf(adaptor.getInput());
  RankedTensorType idx = rankedOf(adaptor.getIndices());
  if (failed(checkIndices(loc, adaptor.getIndices())))
    return failure();
  if (in.getRank() == 0 || idx.getRank() != in.getRank())
    return fail(loc, "indices must have the input's rank (>= 1), got " +
                         typeStr(idx) + " for " + typeStr(in));
  if (failed(normAxis(loc, adaptor.getAxis(), in.getRank(), "axis")))
    return failure();
  setResult(out, idx.getShape(), in.getElementType());
  return success();
}

LogicalResult NllLossOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &out) {
  Where loc{location, getOperationName()};
  RankedTensorType in = rankedOf(adaptor.getInput());
  RankedTensorType target = rankedOf(adaptor.getTarget());
  if (failed(checkIndices(loc, adaptor.getTarget())))
    return failure();
  StringRef r = adaptor.getReduction();
  if (r != "none" && r != "sum" && r != "mean")
    return fail(loc, "reduction must be none, sum or mean, got \"" + r + "\"");
  if (in.getRank() < 2 || target.getRank() != in.getRank() - 1)
    return fail(loc, "expects an input (N, C, d1, ...) and a target (N, d1, "
                     "...), got " +
                         typeStr(in) + " and " + typeStr(target));
  for (int64_t i = 0; i < target.getRank(); ++i) {
    int64_t a = in.getDimSize(i == 0 ? 0 : i + 1), b = target.getDimSize(i);
    if (!isDyn(a) && !isDyn(b) && a != b)
      return fail(loc, "target " + typeStr(target) +
                           " does not match the input " + typeStr(in));
  }
  if (Value w = adaptor.getWeight()) {
    RankedTensorType wt = rankedOf(w);
    if (wt.getRank() != 1 || (!isDyn(wt.getDimSize(0)) &&
                              !isDyn(in.getDimSize(1)) &&
                              wt.getDimSize(0) != in.getDimSize(1)))
      return fail(loc, "weight must be 1-D with one entry per class, got " +
                           typeStr(wt) + " for " + typeStr(in));
  }
  if (r == "none")
    setResult(out, target.getShape(), in.getElementType());
  else
    setResult(out, {}, in.getElementType());
  return success();
}

LogicalResult TriluOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> location,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &out) {
  if (rankedOf(adaptor.getInput()).getRank() < 2)
    return fail({location, getOperationName()},
                "expects a tensor of rank >= 2, got " +
                    typeStr(adaptor.getInput().getType()));
  return sameAsInput(adaptor.getInput(), out);
}
