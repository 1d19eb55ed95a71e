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
/// Checks every ranked tensor in `types` against the size limit of
/// TensorSize.h (no negative dimension, an element count that fits in int64,
/// at most kMaxTensorBytes). `what` names them in the message ("operand",
/// "result"); errors go to `loc` (none reported without one).
LogicalResult checkTensorSizes(std::optional<Location> loc, StringRef opName,
                               StringRef what, TypeRange types);

/// Result types are compatible when element types match and every dimension
/// agrees or one side is dynamic (a refined static type is not an error).
bool areCompatibleTypes(TypeRange lhs, TypeRange rhs);

/// The generic InferTypeOpInterface entry point of every qc graph op. Before
/// running the op's shape rule (`OpTy::inferReturnTypes(..., Adaptor, ...)`)
/// it makes sure the rule may read what it reads: while the custom-format
/// parser infers a result type the inherent attributes are still in
/// `attributes`, not in `properties`, so they are converted here; required
/// attributes must be present and satisfy their constraints, and operands
/// must be ranked tensors within the size limit of TensorSize.h, and so must
/// the inferred results (a rule may compute a huge or overflowing shape from
/// its attributes). A violation is reported at `loc` (nothing is reported
/// without one) instead of crashing in the rule.
template <typename OpTy>
LogicalResult inferReturnTypesChecked(MLIRContext *context,
                                      std::optional<Location> loc,
                                      ValueRange operands,
                                      DictionaryAttr attributes,
                                      OpaqueProperties properties,
                                      RegionRange regions,
                                      SmallVectorImpl<Type> &inferred) {
  // Errors go to `loc`; without one they are not reported (an inactive
  // diagnostic still converts to failure).
  auto error = [&]() -> InFlightDiagnostic {
    if (!loc)
      return InFlightDiagnostic();
    return emitError(*loc) << "'" << OpTy::getOperationName() << "' op ";
  };
  for (auto [i, v] : llvm::enumerate(operands))
    if (!isa<RankedTensorType>(v.getType()))
      return error() << "operand #" << i << " must be a ranked tensor, got "
                     << v.getType();
  if (failed(checkTensorSizes(loc, OpTy::getOperationName(), "operand",
                              operands.getTypes())))
    return failure();

  using Props = typename OpTy::template InferredProperties<OpTy>;
  Props parsed;
  if constexpr (!std::is_same_v<Props, EmptyProperties>) {
    if (!properties) {
      if (attributes &&
          failed(OpTy::setPropertiesFromAttr(parsed, attributes, error)))
        return failure();
      properties = OpaqueProperties(&parsed);
    }
    if (!loc) {
      // Adaptor::verify reports at a location; without one, check that the
      // (all required) attributes are present.
      auto present = dyn_cast_or_null<DictionaryAttr>(OpTy::getPropertiesAsAttr(
          context, *properties.template as<Props *>()));
      for (StringRef name : OpTy::getAttributeNames())
        if (!present || !present.contains(name))
          return failure();
    }
  }
  typename OpTy::Adaptor adaptor(operands, attributes, properties, regions);
  if (loc && failed(adaptor.verify(*loc)))
    return failure();
  if (failed(OpTy::inferReturnTypes(context, loc, adaptor, inferred)))
    return failure();
  return checkTensorSizes(loc, OpTy::getOperationName(), "result", inferred);
}
} // namespace mlir::qc::detail

#define GET_OP_CLASSES
#include "dialects/qc/IR/QCOps.h.inc"
#define GET_OP_CLASSES
#include "dialects/qc/IR/QCQuantOps.h.inc"
#define GET_OP_CLASSES
#include "dialects/qc/IR/QCIntOps.h.inc"

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
