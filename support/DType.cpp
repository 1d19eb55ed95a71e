//===- DType.cpp - the one table of qc's element types --------------------===//
#include "support/DType.h"

#include "runtime/include/qc_model_abi.h"

namespace qc {

namespace {
struct DTypeInfo {
  DType dtype;
  std::string_view name;
  size_t size;
  /// The descr NumPy writes; its last two characters (kind, size) are what
  /// dtypeFromDescr matches.
  std::string_view descr;
  int32_t abiCode;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::F32, "float32", 4, "<f4", QC_DTYPE_FLOAT32},
    {DType::F64, "float64", 8, "<f8", QC_DTYPE_UNDEFINED},
    {DType::I8, "int8", 1, "|i1", QC_DTYPE_INT8},
    {DType::U8, "uint8", 1, "|u1", QC_DTYPE_UINT8},
    {DType::I16, "int16", 2, "<i2", QC_DTYPE_UNDEFINED},
    {DType::I32, "int32", 4, "<i4", QC_DTYPE_INT32},
    {DType::I64, "int64", 8, "<i8", QC_DTYPE_INT64},
    {DType::Bool, "bool", 1, "|b1", QC_DTYPE_UNDEFINED},
};

const DTypeInfo *find(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return &info;
  return nullptr;
}
} // namespace

std::string_view dtypeName(DType dtype) {
  const DTypeInfo *info = find(dtype);
  return info ? info->name : "unknown";
}

size_t dtypeSize(DType dtype) {
  const DTypeInfo *info = find(dtype);
  return info ? info->size : 0;
}

std::string_view dtypeDescr(DType dtype) {
  const DTypeInfo *info = find(dtype);
  return info ? info->descr : "";
}

int32_t dtypeAbiCode(DType dtype) {
  const DTypeInfo *info = find(dtype);
  return info ? info->abiCode : QC_DTYPE_UNDEFINED;
}

std::optional<DType> dtypeFromAbiCode(int32_t code) {
  if (code == QC_DTYPE_UNDEFINED)
    return std::nullopt;
  for (const DTypeInfo &info : kDTypes)
    if (info.abiCode == code)
      return info.dtype;
  return std::nullopt;
}

std::optional<DType> dtypeFromDescr(std::string_view descr) {
  if (descr.empty())
    return std::nullopt;
  char order = '=';
  if (descr[0] == '<' || descr[0] == '>' || descr[0] == '|' ||
      descr[0] == '=') {
    order = descr[0];
    descr.remove_prefix(1);
  }
  for (const DTypeInfo &info : kDTypes) {
    if (descr != info.descr.substr(1))
      continue;
    // Big-endian multi-byte data is not read (the host is little-endian).
    if (order == '>' && info.size > 1)
      return std::nullopt;
    return info.dtype;
  }
  return std::nullopt;
}

} // namespace qc
