//===- Shapes.h - Output shapes of the reference ops ------------*- C++ -*-===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Output-shape rules (ONNX semantics) for the ops whose result shape is not
/// simply the input shape: broadcasting, convolution, transposed convolution,
/// 2-D pooling, reductions, MatMul, Gemm and the data-movement ops (Slice,
/// Flatten, Transpose, Concat, Gather, Pad), global pooling and Resize's
/// scaled sizes. They work on plain
/// std::vector<int64_t> so that the reference kernels, the qc dialect's shape
/// inference and the ONNX importer's constant folding use the same code. Invalid shapes or attributes give an InvalidArgument status
/// whose message names the op and the offending value; nothing asserts.
///
/// Layout is NCHW throughout; 2-D pads are ONNX-ordered
/// {top, left, bottom, right} (= {H begin, W begin, H end, W end}).
///
//===----------------------------------------------------------------------===//

#ifndef QC_SUPPORT_SHAPES_H
#define QC_SUPPORT_SHAPES_H

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace qc {

using Shape = std::vector<int64_t>;

/// A dimension whose size is not known (equal to MLIR's
/// ShapedType::kDynamic; the dialect checks that they agree). Only the rules
/// that say so accept it; the others take concrete shapes.
inline constexpr int64_t kDynamicDim = std::numeric_limits<int64_t>::min();

/// "(2, 3, 4)" for error messages ("?" for kDynamicDim).
std::string shapeToString(const Shape &shape);

/// Number of elements of \p shape (1 for a scalar).
int64_t shapeNumElements(const Shape &shape);

/// Multidirectional (numpy) broadcast of two shapes. As MLIR's
/// OpTrait::util::getBroadcastedShape, an unknown dimension (kDynamicDim)
/// against a known size > 1 gives that size (the program is assumed right),
/// against 1 stays unknown, against 0 or unknown stays unknown; other
/// negative sizes are an error.
absl::StatusOr<Shape> broadcastShapes(const Shape &a, const Shape &b);

/// Checks that \p from broadcasts unidirectionally to \p to (ONNX Gemm's C,
/// LayerNormalization's scale/bias): \p from may have fewer dimensions and
/// size-1 dimensions, nothing else. \p op and \p what name the culprit.
absl::Status checkUnidirectionalBroadcast(const Shape &from, const Shape &to,
                                          std::string_view op,
                                          std::string_view what);

/// Attributes of Conv (2-D, NCHW input, OIHW weights).
struct Conv2dAttrs {
  std::array<int64_t, 2> strides{1, 1};
  /// {top, left, bottom, right}.
  std::array<int64_t, 4> pads{0, 0, 0, 0};
  std::array<int64_t, 2> dilations{1, 1};
  int64_t groups = 1;
};

/// Attributes of ConvTranspose (2-D, NCHW input, weights (C_in, C_out/groups,
/// kH, kW)).
struct ConvTranspose2dAttrs {
  std::array<int64_t, 2> strides{1, 1};
  /// {top, left, bottom, right}.
  std::array<int64_t, 4> pads{0, 0, 0, 0};
  std::array<int64_t, 2> dilations{1, 1};
  std::array<int64_t, 2> outputPadding{0, 0};
  int64_t groups = 1;
};

/// Attributes of MaxPool / AveragePool (2-D, NCHW).
struct Pool2dAttrs {
  std::array<int64_t, 2> kernel{1, 1};
  std::array<int64_t, 2> strides{1, 1};
  /// {top, left, bottom, right}.
  std::array<int64_t, 4> pads{0, 0, 0, 0};
  /// Only MaxPool supports dilations; AveragePool requires {1, 1}.
  std::array<int64_t, 2> dilations{1, 1};
  bool ceilMode = false;
};

/// The window rule of every windowed op (convolution, pooling), used by the
/// qc dialect's shape rules and verifiers and by the reference kernels:
///   size = floor((in + padBegin + padEnd - (dilation * (kernel - 1) + 1))
///                / stride) + 1
/// rounded up instead with \p ceilMode, where (as in PyTorch and ONNX
/// Runtime) a last window that would start in the end padding is dropped.
/// Computed in 128 bits: `overflow` says that in + pads or the dilated kernel
/// exceed int64 (attributes no tensor can have), `fits` that the padded input
/// holds the dilated kernel (and stride >= 1); `size` (saturated to int64) is
/// meaningful only when it fits.
struct WindowExtent {
  int64_t size = 0;
  bool fits = false;
  bool overflow = false;
};
WindowExtent windowExtent(int64_t in, int64_t kernel, int64_t stride,
                          int64_t padBegin, int64_t padEnd, int64_t dilation,
                          bool ceilMode);

/// Output size of one pooled dimension (windowExtent). With \p ceilMode the size is rounded
/// up, but (as in PyTorch and ONNX Runtime) a last window that would start
/// in the end padding is dropped. Returns a negative value when the padded
/// input is smaller than the dilated kernel.
int64_t pooledDimSize(int64_t in, int64_t kernel, int64_t stride,
                      int64_t padBegin, int64_t padEnd, int64_t dilation,
                      bool ceilMode);

/// The window of AveragePool output (oy, ox) on an h x w input: the input rows
/// [ys, ye) and columns [xs, xe) it sums, and its divisor, which with
/// \p countIncludePad counts the explicit padding too (never the positions
/// ceil_mode adds past it).
struct AvgPoolWindow {
  int64_t ys, ye, xs, xe, count;
};
AvgPoolWindow avgPoolWindow(int64_t h, int64_t w, const Pool2dAttrs &attrs,
                            bool countIncludePad, int64_t oy, int64_t ox);

/// Conv output shape (N, C_out, H_out, W_out) for input \p x (N, C, H, W) and
/// weights \p w (C_out, C / groups, kH, kW).
absl::StatusOr<Shape> conv2dOutputShape(const Shape &x, const Shape &w,
                                        const Conv2dAttrs &attrs);

/// ConvTranspose output shape (N, C_out, H_out, W_out) with
/// H_out = stride * (H - 1) + outputPadding + dilation * (kH - 1) + 1
///         - padTop - padBottom.
absl::StatusOr<Shape>
convTranspose2dOutputShape(const Shape &x, const Shape &w,
                           const ConvTranspose2dAttrs &attrs);

/// MaxPool / AveragePool output shape for a 4-D NCHW input.
absl::StatusOr<Shape> pool2dOutputShape(const Shape &x,
                                        const Pool2dAttrs &attrs);

/// The reduction rule of ONNX Reduce* and ArgMax / ArgMin, used by the qc
/// dialect's shape rules and by the reference kernels: \p axes may be
/// negative and must be distinct and in [-rank, rank); empty \p axes
/// reduces every dimension. `reduced[d]` says whether dimension d is
/// reduced; `shape` is the result (a reduced dimension kept as 1 with
/// \p keepdims, dropped without). Dimension sizes are copied, so a dynamic
/// (negative) size passes through. Errors (InvalidArgument, without an op
/// name, for the caller to prefix): "axis A is out of range for rank R
/// (expected -R <= axis < R)", "axis A is repeated".
struct Reduction {
  std::vector<bool> reduced;
  Shape shape;
};
absl::StatusOr<Reduction> reductionShape(const Shape &x,
                                         const std::vector<int64_t> &axes,
                                         bool keepdims);

/// ONNX MatMul (numpy matmul) output shape: batch dimensions broadcast; a 1-D
/// first operand is treated as a row vector and a 1-D second operand as a
/// column vector, and the added dimension is removed from the result.
absl::StatusOr<Shape> matmulOutputShape(const Shape &a, const Shape &b);

/// ONNX Gemm output shape (M, N) for 2-D \p a and \p b (transposed first when
/// the flags say so).
absl::StatusOr<Shape> gemmOutputShape(const Shape &a, const Shape &b,
                                      bool transA, bool transB);

//===----------------------------------------------------------------------===//
// Data movement. Errors are InvalidArgument without an op name, for the
// caller to prefix (the dialect's "'qc.slice' op ", a kernel's "slice: ").
//===----------------------------------------------------------------------===//

/// ONNX Slice along one axis of size \p dim (>= 0): \p start and \p end
/// count from the end when negative, then clamp to [0, dim] for a positive
/// \p step and to [0, dim - 1] / [-1, dim - 1] for a negative one (-1: before
/// the first element). `start` and `end` are the clamped bounds, `count` the
/// number of elements taken, ceil((end - start) / step) when the walk goes
/// forward, computed without overflow for steps such as INT64_MIN. An empty
/// dimension gives {0, 0, 0}. Errors: "step must not be 0", "dimension size
/// D is negative".
struct SliceAxis {
  int64_t start = 0;
  int64_t end = 0;
  int64_t count = 0;
};
absl::StatusOr<SliceAxis> sliceAxis(int64_t dim, int64_t start, int64_t end,
                                    int64_t step);

/// ONNX Flatten: the 2-D shape (product of the dimensions before \p axis,
/// product of the rest); \p axis in [-rank, rank]. A product over an unknown
/// dimension (kDynamicDim) is unknown. Errors: "axis A is out of range for
/// rank R (expected -R <= axis <= R)", "... has more elements than an int64
/// holds".
absl::StatusOr<Shape> flattenShape(const Shape &x, int64_t axis);

/// ONNX Transpose: result dimension d is x[perm[d]]; \p perm must be a
/// permutation of [0, rank) (a caller that defaults an empty perm to the
/// reversed axes does so first). Unknown dimensions move like any other.
/// Error: "perm [P] is not a permutation of [0, R)".
absl::StatusOr<Shape> transposeShape(const Shape &x,
                                     const std::vector<int64_t> &perm);

/// ONNX Concat along \p axis (in [-rank, rank)): the inputs share their rank
/// and every dimension but the axis, whose sizes add up. With unknown
/// dimensions (kDynamicDim): an unknown size on the axis makes the result's
/// unknown; elsewhere a known size of any input fixes the result's, and two
/// known sizes must agree. Errors: "needs at least one input", "axis A is
/// out of range for rank R (expected -R <= axis < R)", "input N has rank r,
/// expected R", "input N has size S in dimension D, expected E (only the
/// concat axis A may differ)", "the concatenated dimension D overflows 64-bit
/// sizes".
absl::StatusOr<Shape> concatShape(const std::vector<Shape> &inputs,
                                  int64_t axis);

/// ONNX Gather: x[:axis] + indices + x[axis + 1:], \p axis in [-rank, rank).
/// Unknown dimensions pass through. Errors: "the input must have rank >= 1",
/// "axis A is out of range for rank R (expected -R <= axis < R)".
absl::StatusOr<Shape> gatherShape(const Shape &x, const Shape &indices,
                                  int64_t axis);

/// ONNX Pad: \p pads is [x1_begin, x2_begin, ..., x1_end, x2_end, ...]
/// (2 * rank values; negative values crop); dimension d becomes
/// x[d] + pads[d] + pads[rank + d]. An unknown dimension stays unknown.
/// Errors: "'pads' must have N entries, got M", "pads B and E of dimension D
/// overflow 64-bit sizes", "pads B and E crop dimension D of size S below
/// zero".
absl::StatusOr<Shape> padShape(const Shape &x, const std::vector<int64_t> &pads);

/// ONNX GlobalAveragePool / GlobalMaxPool: (N, C, d1, ...) becomes
/// (N, C, 1, ...); unknown N and C pass through. Error: "input must have
/// rank >= 3 (N, C, d1, ...), got shape S".
absl::StatusOr<Shape> globalPoolShape(const Shape &x);

/// ONNX Resize given `scales`: an axis of size \p in (>= 0) becomes
/// floor(in * scale), the product taken in f32 as ONNX shape inference, ONNX
/// Runtime and PyTorch take it (10 x 0.7f is 7 in f32, 6 in f64). Errors:
/// "scale S must be positive and finite", "dimension size I is negative",
/// "scaling I by S overflows 64-bit sizes" (a size of 2^62 or more).
absl::StatusOr<int64_t> resizedDimSize(int64_t in, float scale);

} // namespace qc

#endif // QC_SUPPORT_SHAPES_H
