//===- QCAttrs.h - quantization spec attributes -----------------*- C++ -*-===//
#ifndef QC_DIALECTS_QC_IR_QCATTRS_H
#define QC_DIALECTS_QC_IR_QCATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"

#define GET_ATTRDEF_CLASSES
#include "dialects/qc/IR/QCAttrs.h.inc"

namespace mlir::qc {
/// The integer range of a storage type (ui8 -> [0, 255], i8 -> [-128, 127],
/// i16, i32), or failure for other types.
FailureOr<std::pair<int64_t, int64_t>> storageRange(Type type);
} // namespace mlir::qc

#endif // QC_DIALECTS_QC_IR_QCATTRS_H
