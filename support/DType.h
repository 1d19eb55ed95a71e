//===- DType.h - the one table of qc's element types ------------*- C++ -*-===//
//
// Every element type qc exchanges with the outside (.npy / .npz arrays,
// model inputs and outputs, the runtime ABI's qc_dtype): its NumPy name, size,
// NumPy descr and runtime ABI code, in one table (DType.cpp). The MLIR side
// (which element type is which DType) is reference/Executor.h's dtypeOf.
//
//===----------------------------------------------------------------------===//
#ifndef QC_SUPPORT_DTYPE_H
#define QC_SUPPORT_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace qc {

/// Element types an .npy array may hold.
enum class DType { F32, F64, I8, U8, I16, I32, I64, Bool };

/// NumPy's name of \p dtype ("float32", "int8", "bool", ...).
std::string_view dtypeName(DType dtype);

/// Size in bytes of one element of \p dtype.
size_t dtypeSize(DType dtype);

/// The NumPy descr string numpy writes for \p dtype ("<f4", "|i1", ...).
std::string_view dtypeDescr(DType dtype);

/// The runtime ABI's code (qc_dtype of runtime/include/qc_model_abi.h) of
/// \p dtype, or QC_DTYPE_UNDEFINED (0) for a type compiled models never
/// exchange (float64, int16, bool).
int32_t dtypeAbiCode(DType dtype);

/// The DType of a runtime ABI code, or nullopt for QC_DTYPE_UNDEFINED and
/// unknown codes.
std::optional<DType> dtypeFromAbiCode(int32_t code);

/// Parses a NumPy descr ("<f4", "|u1", "=i8", "b1", ...). Returns std::nullopt
/// for anything unsupported, including big-endian multi-byte types.
std::optional<DType> dtypeFromDescr(std::string_view descr);

} // namespace qc

#endif // QC_SUPPORT_DTYPE_H
