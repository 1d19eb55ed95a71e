//===- QCDialect.cpp - the qc dialect -------------------------------------===//
#include "dialects/qc/IR/QCDialect.h"
#include "dialects/qc/IR/QCOps.h"

using namespace mlir;
using namespace mlir::qc;

#include "dialects/qc/IR/QCDialect.cpp.inc"

void QCDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "dialects/qc/IR/QCOps.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/qc/IR/QCQuantOps.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/qc/IR/QCIntOps.cpp.inc"
      >();
}

Operation *QCDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, type, elements);
}
