//===- QCDialect.h - the qc dialect -----------------------------*- C++ -*-===//
#ifndef QC_DIALECTS_QC_IR_QCDIALECT_H
#define QC_DIALECTS_QC_IR_QCDIALECT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dialect.h"

#include "dialects/qc/IR/QCDialect.h.inc"

#endif // QC_DIALECTS_QC_IR_QCDIALECT_H
