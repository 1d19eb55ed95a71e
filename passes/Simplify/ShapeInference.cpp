//===- ShapeInference.cpp - bind input shapes, re-infer result types ------===//
#include "passes/Passes.h"

#include "dialects/qc/IR/QCOps.h"
#include "support/ShapeBinding.h"

#include "llvm/ADT/StringExtras.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCSHAPEINFERENCE
#include "passes/Passes.h.inc"

namespace {
/// Parses a binding (support/ShapeBinding.h: NAME:D0,D1,... or
/// NAME=D0,D1,...) into a name and dimensions.
FailureOr<std::pair<std::string, SmallVector<int64_t>>>
parseBinding(StringRef text, Location loc) {
  std::string error;
  std::optional<::qc::ShapeBinding> binding =
      ::qc::parseShapeBinding(text, &error);
  if (!binding) {
    emitError(loc) << "input shape binding '" << text << "': " << error;
    return failure();
  }
  return std::make_pair(binding->name, SmallVector<int64_t>(binding->dims.begin(),
                                                           binding->dims.end()));
}

StringRef argumentName(func::FuncOp func, unsigned i, std::string &storage) {
  if (auto name = func.getArgAttrOfType<StringAttr>(i, "qc.name"))
    return name.getValue();
  storage = "arg" + std::to_string(i);
  return storage;
}

struct ShapeInference : impl::QCShapeInferenceBase<ShapeInference> {
  using QCShapeInferenceBase::QCShapeInferenceBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // A declaration has no arguments to bind and no body to infer.
    if (func.isExternal())
      return;
    if (failed(bindInputs(func)) || failed(reinferShapes(func)))
      return signalPassFailure();
  }

  LogicalResult bindInputs(func::FuncOp func) {
    SmallVector<StringRef> bindings;
    StringRef(inputShapes).split(bindings, ';', -1, /*KeepEmpty=*/false);
    for (StringRef binding : bindings) {
      auto parsed = parseBinding(binding, func.getLoc());
      if (failed(parsed))
        return failure();
      auto &[name, shape] = *parsed;
      bool found = false;
      for (unsigned i = 0; i < func.getNumArguments(); ++i) {
        std::string storage;
        if (argumentName(func, i, storage) != name)
          continue;
        found = true;
        BlockArgument arg = func.getArgument(i);
        auto type = dyn_cast<RankedTensorType>(arg.getType());
        if (!type || type.getRank() != static_cast<int64_t>(shape.size()))
          return emitError(func.getLoc())
                 << "cannot bind input '" << name << "' of type "
                 << arg.getType() << " to " << llvm::join(llvm::map_range(shape, [](int64_t d) { return std::to_string(d); }), ",")
                 << ": it has " << shape.size() << " dimensions, the input "
                 << (type ? "has rank " + std::to_string(type.getRank())
                          : std::string("is not a ranked tensor"));
        for (auto [d, have, want] : llvm::enumerate(type.getShape(), shape))
          if (!ShapedType::isDynamic(have) && have != want)
            return emitError(func.getLoc())
                   << "cannot bind input '" << name << "' of type "
                   << arg.getType() << " to " << llvm::join(llvm::map_range(shape, [](int64_t d) { return std::to_string(d); }), ",")
                   << ": dimension " << d << " is " << have << ", not "
                   << want;
        arg.setType(RankedTensorType::get(shape, type.getElementType()));
      }
      if (!found) {
        std::string names;
        for (unsigned i = 0; i < func.getNumArguments(); ++i) {
          std::string storage;
          names += (i ? ", " : "") + argumentName(func, i, storage).str();
        }
        return emitError(func.getLoc())
               << "no input named '" << name << "' (inputs: " << names << ")";
      }
    }
    func.setFunctionType(FunctionType::get(func.getContext(),
                                           func.getBody().getArgumentTypes(),
                                           func.getResultTypes()));
    return success();
  }
};

/// Ops without an inference rule whose result has the shape of their
/// (first) operand: the quantization ops of a Q/DQ program and the
/// elementwise integer ops, so that a binding reaches every op of a
/// quantized program (`qc compile --input-shape` on a dynamic-batch
/// .q.mlir), not only the float ones.
bool keepsOperandShape(Operation *op) {
  return isa<QuantizeOp, DequantizeOp, FakeQuantOp, DynamicFakeQuantOp,
             ObserveOp, QRequantizeOp, QLutOp, QAddOp>(op);
}

LogicalResult inferBody(func::FuncOp func);
} // namespace

LogicalResult reinferShapes(func::FuncOp func) {
  if (failed(inferBody(func)))
    return failure();
  auto ret = dyn_cast<func::ReturnOp>(func.getBody().back().getTerminator());
  if (ret)
    func.setFunctionType(FunctionType::get(
        func.getContext(), func.getArgumentTypes(), ret.getOperandTypes()));
  return success();
}

namespace {
/// The inferred type `inferred`, keeping the static dimensions the current
/// result type `current` already has (a result type may be more precise
/// than the rule, e.g. from an ONNX value_info). A static dimension that
/// contradicts the inferred one means the bindings do not fit the program.
FailureOr<Type> refine(Operation *op, Type current, Type inferred);

LogicalResult inferBody(func::FuncOp func) {
  WalkResult result = func.walk([&](Operation *op) {
    SmallVector<Type> types;
    if (keepsOperandShape(op) && op->getNumOperands() >= 1 &&
        op->getNumResults() == 1) {
      auto in = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
      auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
      if (!in || !out)
        return WalkResult::advance();
      types.push_back(RankedTensorType::get(in.getShape(),
                                            out.getElementType()));
    } else if (auto infer = dyn_cast<InferTypeOpInterface>(op)) {
      if (failed(infer.inferReturnTypes(
              op->getContext(), op->getLoc(), op->getOperands(),
              op->getAttrDictionary(), op->getPropertiesStorage(),
              op->getRegions(), types)))
        return WalkResult::interrupt();
    } else {
      return WalkResult::advance();
    }
    for (auto [result, type] : llvm::zip(op->getResults(), types)) {
      FailureOr<Type> refined = refine(op, result.getType(), type);
      if (failed(refined))
        return WalkResult::interrupt();
      result.setType(*refined);
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

FailureOr<Type> refine(Operation *op, Type current, Type inferred) {
  auto cur = dyn_cast<RankedTensorType>(current);
  auto inf = dyn_cast<RankedTensorType>(inferred);
  if (!cur || !inf || cur.getRank() != inf.getRank() ||
      cur.getElementType() != inf.getElementType())
    return inferred;
  SmallVector<int64_t> shape(inf.getShape());
  for (auto [i, d] : llvm::enumerate(cur.getShape())) {
    if (ShapedType::isDynamic(d))
      continue;
    if (!ShapedType::isDynamic(shape[i]) && shape[i] != d)
      return op->emitOpError("result type ")
             << current << " contradicts the type " << inferred
             << " inferred from the bound input shapes";
    shape[i] = d;
  }
  return RankedTensorType::get(shape, inf.getElementType(),
                               inf.getEncoding());
}
} // namespace
} // namespace mlir::qc
