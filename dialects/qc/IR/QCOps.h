//===- QCOps.h - the qc dialect's operations --------------------*- C++ -*-===//
#ifndef QC_DIALECTS_QC_IR_QCOPS_H
#define QC_DIALECTS_QC_IR_QCOPS_H

#include "dialects/qc/IR/QCAttrs.h"
#include "dialects/qc/IR/QCDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::qc::detail {
/// Result types are compatible when element types match and every dimension
/// agrees or one side is dynamic (a refined static type is not an error).
bool areCompatibleTypes(TypeRange lhs, TypeRange rhs);
} // namespace mlir::qc::detail

#define GET_OP_CLASSES
#include "dialects/qc/IR/QCOps.h.inc"
#define GET_OP_CLASSES
#include "dialects/qc/IR/QCQuantOps.h.inc"

namespace mlir::qc {
/// Builds `OpTy` from operands and attributes after checking that its result
/// type can be inferred. On failure the reason (a missing attribute, operand
/// shapes that do not fit) is emitted at `loc` and no op is created; the
/// generated inferring builders would abort instead.
template <typename OpTy>
FailureOr<OpTy> createInferred(OpBuilder &builder, Location loc,
                               ValueRange operands,
                               ArrayRef<NamedAttribute> attributes = {}) {
  using Props = typename OpTy::template InferredProperties<OpTy>;
  MLIRContext *ctx = builder.getContext();
  OperationState state(loc, OpTy::getOperationName());
  state.addOperands(operands);
  if constexpr (!std::is_same_v<Props, EmptyProperties>) {
    Props &props = state.getOrAddProperties<Props>();
    if (failed(OpTy::setPropertiesFromAttr(
            props, DictionaryAttr::get(ctx, attributes),
            [&] { return emitError(loc); })))
      return failure();
  } else if (!attributes.empty()) {
    return emitError(loc) << OpTy::getOperationName()
                          << " takes no attributes";
  }
  SmallVector<Type, 1> types;
  if (failed(OpTy::inferReturnTypes(ctx, loc, state.operands,
                                    state.attributes.getDictionary(ctx),
                                    state.getRawProperties(), {}, types)))
    return failure();
  state.addTypes(types);
  return cast<OpTy>(builder.create(state));
}
} // namespace mlir::qc

#endif // QC_DIALECTS_QC_IR_QCOPS_H
