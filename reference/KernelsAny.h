//===- KernelsAny.h - reference kernels of any element type -----*- C++ -*-===//
//
// The ops of QCOps.td's "Tensors of any element type" section: run-time
// integer, boolean and float64 tensors (ONNX models' indices, labels, masks).
// Integer operands are widened to int64 (I64Tensor) and floats to double
// (F64Tensor) by the caller, which narrows the result back to the op's
// element type (wrapping integers, rounding f64 to f32); booleans are 0 / 1
// in a QTensor. Elementwise kernels broadcast as numpy's.
//
// Every kernel checks its result against the memory cap (MemoryLimit.h)
// before allocating it and reports bad data (an index out of range, an
// integer division by zero) as InvalidArgument naming the element.
//
//===----------------------------------------------------------------------===//
#ifndef QC_REFERENCE_KERNELSANY_H
#define QC_REFERENCE_KERNELSANY_H

#include "reference/Kernels.h"

#include <optional>
#include <string_view>

namespace qc::ref {

using I64Tensor = xt::xarray<int64_t>;
using F64Tensor = xt::xarray<double>;

enum class CompareKind { Eq, Lt, Le, Gt, Ge };
enum class LogicalKind { And, Or, Xor };
enum class ArithKind { Add, Sub, Mul, Div, Mod, Fmod, Max, Min, Pow, Shl, Shr };

absl::StatusOr<CompareKind> parseCompareKind(std::string_view name);
absl::StatusOr<LogicalKind> parseLogicalKind(std::string_view name);
absl::StatusOr<ArithKind> parseArithKind(std::string_view name);

/// The numpy broadcast of two shapes; InvalidArgument naming `op` when they
/// do not broadcast.
absl::StatusOr<Shape> broadcastShape(std::string_view op, const Shape &a,
                                     const Shape &b);

/// a <op> b as 0 / 1 (NaN compares false).
absl::StatusOr<QTensor> compare(const I64Tensor &a, const I64Tensor &b,
                                CompareKind kind);
absl::StatusOr<QTensor> compare(const F64Tensor &a, const F64Tensor &b,
                                CompareKind kind);

/// a and / or / xor b of 0 / 1 tensors.
absl::StatusOr<QTensor> logical(const QTensor &a, const QTensor &b,
                                LogicalKind kind);
/// 1 - x of a 0 / 1 tensor.
QTensor logicalNot(const QTensor &x);

/// Integer arithmetic of values of an integer type `bits` wide (8, 16, 32
/// or 64): computed exactly or modulo 2^64, to be wrapped to the type by
/// the caller. Div truncates toward zero, Mod takes the divisor's sign,
/// Fmod the dividend's; a zero divisor and a negative exponent are errors.
/// Shifts (ONNX BitShift, unsigned types) act on the low `bits` bits; a
/// shift by `bits` or more gives 0.
absl::StatusOr<I64Tensor> arith(const I64Tensor &a, const I64Tensor &b,
                                ArithKind kind, int bits);
/// Float arithmetic in double (f64 operands, or f32 widened: the caller
/// rounds the result, which is then the correctly rounded f32 result of
/// add, sub, mul, div, fmod). Mod takes the divisor's sign (numpy's mod),
/// Max / Min propagate NaN. Shifts are errors.
absl::StatusOr<F64Tensor> arith(const F64Tensor &a, const F64Tensor &b,
                                ArithKind kind);

/// cond ? a : b, all three broadcast.
template <typename T>
absl::StatusOr<xt::xarray<T>> select(const QTensor &cond,
                                     const xt::xarray<T> &a,
                                     const xt::xarray<T> &b);

/// ONNX Gather along `axis` (may be negative) at `indices`.
template <typename T>
absl::StatusOr<xt::xarray<T>> gather(const xt::xarray<T> &data,
                                     const I64Tensor &indices, int64_t axis);

/// ONNX GatherElements along `axis` (may be negative).
template <typename T>
absl::StatusOr<xt::xarray<T>> gatherElements(const xt::xarray<T> &data,
                                             const I64Tensor &indices,
                                             int64_t axis);

/// ONNX Trilu: keeps col - row >= k (upper) or <= k (lower) in the last two
/// dimensions, zeroes the rest.
template <typename T>
absl::StatusOr<xt::xarray<T>> trilu(const xt::xarray<T> &x, bool upper,
                                    int64_t k);

/// ONNX NegativeLogLikelihoodLoss: input (N, C, d...), target (N, d...),
/// optional weight (C); reduction "none", "sum" or "mean". Sums in double.
absl::StatusOr<Tensor> nllLoss(const Tensor &input, const I64Tensor &target,
                               const Tensor *weight, std::string_view reduction,
                               std::optional<int64_t> ignoreIndex);

} // namespace qc::ref

#endif // QC_REFERENCE_KERNELSANY_H
