//===- ImporterImpl.h - the ONNX importer's internals -----------*- C++ -*-===//
//
// Shared by the importer's source files: the value table, per-node helpers
// (inputs, attributes, diagnostics, op creation) and one converter method
// per ONNX op type. Converters live in ImportNN.cpp (compute ops) and
// ImportShape.cpp (data movement and shape sub-graphs).
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_IMPORTER_IMPORTERIMPL_H
#define QC_COMPILER_IMPORTER_IMPORTERIMPL_H

#include "compiler/importer/KnownTensor.h"
#include "compiler/importer/OnnxImporter.h"
#include "compiler/importer/OnnxModel.h"
#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

namespace mlir::qc::importer {

/// What the importer knows about one ONNX value name.
struct ValueEntry {
  /// The IR value, once one exists (graph inputs, op results, materialized
  /// constants).
  Value value;
  /// The value itself, when known at import time.
  std::optional<KnownTensor> known;
  /// An initializer or Constant-node tensor, decoded or materialized on
  /// first use.
  const OnnxTensor *tensor = nullptr;
};

/// `[1,?,3]`, for messages.
inline std::string shapeText(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + (ShapedType::isDynamic(shape[i])
                               ? std::string("?")
                               : std::to_string(shape[i]));
  return s + "]";
}

/// A number for messages: "NaN", "inf", "-inf", or printf's %g.
inline std::string numberText(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// `[1,-2,3]`, for messages (no dynamic dimensions).
inline std::string listText(ArrayRef<int64_t> values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? "," : "") + std::to_string(values[i]);
  return s + "]";
}

/// `t`'s elements as a KnownTensor (any size); nullopt for element types
/// qc cannot evaluate (strings, complex).
std::optional<KnownTensor> decodeTensor(const OnnxTensor &t);

/// The node being imported.
struct NodeRef {
  const OnnxNode &node;
  /// NameLoc(label, FileLineColLoc(model path)).
  Location loc;
  /// The node's name, or "<unnamed OpType #index>".
  std::string label;
};

class Importer {
public:
  Importer(MLIRContext &context, const std::string &path,
           const OnnxImportOptions &options);

  /// Reads the file and builds the module; null after emitting an error.
  OwningOpRef<ModuleOp> run();

  using Converter = LogicalResult (Importer::*)(const NodeRef &);
  /// Converters by op type, sorted by name.
  static ArrayRef<std::pair<StringRef, Converter>> converters();

  //===--------------------------------------------------------------------===//
  // Helpers for converters
  //===--------------------------------------------------------------------===//

  /// An error at the node, prefixed with its op type.
  InFlightDiagnostic error(const NodeRef &n);
  /// The default-domain opset the model imports.
  int64_t opset() const { return opsetVersion; }

  size_t numInputs(const NodeRef &n) const { return n.node.inputs.size(); }
  /// Whether input `i` is given (present and not "").
  bool hasInput(const NodeRef &n, size_t i) const;
  /// Whether output `i` exists and is read by a later node or the graph.
  bool outputUsed(const NodeRef &n, size_t i) const;
  /// Fails (with an error) when an output in [first, ...) is used.
  LogicalResult rejectUsedOutputs(const NodeRef &n, size_t first,
                                  StringRef why);

  /// Input `i` as a float IR value (constants materialized as f32).
  FailureOr<Value> floatInput(const NodeRef &n, size_t i);
  /// Input `i` as an IR value of any element type.
  FailureOr<Value> anyInput(const NodeRef &n, size_t i);
  /// Input `i`'s known value (initializers and Constant tensors of up to
  /// kMaxKnownElements are evaluated on first use), or null.
  const KnownTensor *known(const NodeRef &n, size_t i);
  /// Input `i`'s known value; an error saying that `what` must be known at
  /// import time otherwise.
  FailureOr<const KnownTensor *> requireKnown(const NodeRef &n, size_t i,
                                              StringRef what);
  /// Input `i` as a list of known integers (any rank, flattened).
  FailureOr<SmallVector<int64_t>> requireInts(const NodeRef &n, size_t i,
                                              StringRef what);
  /// Input `i` as one known number (a scalar or a one-element tensor).
  FailureOr<double> requireScalar(const NodeRef &n, size_t i, StringRef what);
  /// The shape of input `i` (dynamic dims as ShapedType::kDynamic), without
  /// materializing known values.
  FailureOr<SmallVector<int64_t>> inputShape(const NodeRef &n, size_t i);

  void setOutput(const NodeRef &n, size_t i, Value value);
  /// Makes `value` (a create<>() result) output 0 of the node; a failure
  /// (already reported) passes through.
  LogicalResult setOutput(const NodeRef &n, FailureOr<Value> value) {
    if (failed(value))
      return failure();
    setOutput(n, 0, *value);
    return success();
  }
  void setKnown(const NodeRef &n, size_t i, KnownTensor value);
  /// Makes output `i` an alias of input `j` (Identity, Dropout).
  void forward(const NodeRef &n, size_t i, size_t j);

  // Attributes. Missing optional attributes give the default; a present
  // attribute of the wrong kind is an error naming it.
  const OnnxAttribute *attr(const NodeRef &n, StringRef name);
  FailureOr<int64_t> intAttr(const NodeRef &n, StringRef name,
                             std::optional<int64_t> dflt);
  /// An INT attribute that ONNX defines as a flag: 0 or 1, anything else is
  /// an error (ceil_mode = 7 was taken as 1).
  FailureOr<int64_t> flagAttr(const NodeRef &n, StringRef name, int64_t dflt);
  /// A FLOAT attribute; NaN is an error.
  FailureOr<float> floatAttr(const NodeRef &n, StringRef name,
                             std::optional<float> dflt);
  /// A FLOAT attribute that must be finite (and at least `min`, if given):
  /// alpha, beta, epsilon.
  FailureOr<float> finiteFloatAttr(const NodeRef &n, StringRef name,
                                   std::optional<float> dflt,
                                   std::optional<float> min = std::nullopt);
  FailureOr<std::string> stringAttr(const NodeRef &n, StringRef name,
                                    std::optional<StringRef> dflt);
  /// An INTS attribute; `std::nullopt` inside success when absent.
  FailureOr<std::optional<SmallVector<int64_t>>> intsAttr(const NodeRef &n,
                                                          StringRef name);
  /// Error for an attribute value qc does not support.
  InFlightDiagnostic badAttr(const NodeRef &n, StringRef name,
                             const Twine &value);

  /// Builds a qc op through its shape rule (createInferred); a rule's
  /// complaint is re-emitted at the node with the operand types.
  template <typename OpTy>
  FailureOr<Value> create(const NodeRef &n, ValueRange operands,
                          ArrayRef<NamedAttribute> attrs = {}) {
    std::string message;
    FailureOr<OpTy> op = failure();
    {
      ScopedDiagnosticHandler capture(&context, [&](Diagnostic &d) {
        if (d.getSeverity() != DiagnosticSeverity::Error)
          return failure();
        message += (message.empty() ? "" : "; ") + d.str();
        return success();
      });
      op = createInferred<OpTy>(builder, n.loc, operands, attrs);
    }
    if (failed(op)) {
      reportShapeError(n, OpTy::getOperationName(), operands, attrs, message);
      return failure();
    }
    // An empty constant is reported where it is used (anyInput), by name.
    if (!std::is_same_v<OpTy, ConstantOp> && failed(checkNotEmpty(n, *op)))
      return failure();
    return (*op)->getResult(0);
  }

  /// A qc.constant holding `value` (f32 for floats, i64 for ints, i1 for
  /// bools); an error if part of it is not known.
  FailureOr<Value> materialize(const NodeRef &n, const KnownTensor &value,
                               StringRef nameHint);
  /// If input `i` is a float constant (initializer, Constant node or known
  /// value) of any size, its shape and elements (as f32).
  bool constantFloats(const NodeRef &n, size_t i, SmallVector<int64_t> &shape,
                      std::vector<float> &data);
  /// When input `i` is a float constant, fails unless every element is
  /// finite (and, with `nonNegative`, >= 0): a NaN weight would otherwise
  /// surface much later, e.g. as a calibration problem. `what` names the
  /// input in the message ("weight", "var").
  LogicalResult checkFiniteConstant(const NodeRef &n, size_t i, StringRef what,
                                    bool nonNegative = false);
  /// A f32 qc.constant (a resource blob when large).
  FailureOr<Value> makeConstant(const NodeRef &n, ArrayRef<int64_t> shape,
                                ArrayRef<float> data, StringRef nameHint);
  /// A reshape of `input` to `shape` (entries static, at most one -1).
  FailureOr<Value> reshape(const NodeRef &n, Value input,
                           ArrayRef<int64_t> shape);
  /// A reshape of `input` to a target with possibly several dynamic
  /// entries, which must be the input's own dynamic dimensions in place
  /// (`copyOf[i]` = the input dimension target entry i copies, or -1). Uses
  /// -1 for the one dynamic entry it can stand for.
  FailureOr<Value> reshapeKeepingDims(const NodeRef &n, Value input,
                                      ArrayRef<int64_t> target,
                                      ArrayRef<int64_t> copyOf);

  /// The MLIR element type of ONNX data type `onnxType` for run-time
  /// tensors (FLOAT, DOUBLE, INT8, UINT8, INT16, INT32, INT64, BOOL);
  /// nullopt for the others.
  std::optional<Type> elementTypeOf(int32_t onnxType);
  /// The element type of the first of `inputs` that is computed at run time
  /// (not known at import time), or null when all are known.
  Type runtimeElementType(const NodeRef &n, ArrayRef<size_t> inputs);
  /// A qc.constant of `value` with element type `elem`; an error when an
  /// element is not a value of that type (or not known).
  FailureOr<Value> materializeAs(const NodeRef &n, const KnownTensor &value,
                                 Type elem, StringRef nameHint);
  /// Input `i` with element type `elem`: known values are materialized with
  /// it, a large constant is converted (qc.cast); a run-time input of
  /// another type is an error.
  FailureOr<Value> typedInput(const NodeRef &n, size_t i, Type elem);
  /// A qc.arith of `kind`.
  FailureOr<Value> arith(const NodeRef &n, StringRef kind, Value lhs,
                         Value rhs);
  /// A qc.nll_loss of `logProb` with the node's target / weight inputs and
  /// reduction / ignore_index attributes.
  FailureOr<Value> nllLoss(const NodeRef &n, Value logProb, size_t targetInput,
                           size_t weightInput);

  Builder &b() { return builder; }
  NamedAttribute named(StringRef name, Attribute value) {
    return builder.getNamedAttr(name, value);
  }
  NamedAttribute i64s(StringRef name, ArrayRef<int64_t> values) {
    return named(name, builder.getDenseI64ArrayAttr(values));
  }

  //===--------------------------------------------------------------------===//
  // Converters (one per ONNX op type; several op types may share one)
  //===--------------------------------------------------------------------===//
  // ImportNN.cpp
  LogicalResult importConv(const NodeRef &n);
  LogicalResult importConvTranspose(const NodeRef &n);
  LogicalResult importGemm(const NodeRef &n);
  LogicalResult importMatMul(const NodeRef &n);
  LogicalResult importEinsum(const NodeRef &n);
  LogicalResult importBatchNormalization(const NodeRef &n);
  LogicalResult importLayerNormalization(const NodeRef &n);
  LogicalResult importUnary(const NodeRef &n);
  LogicalResult importClip(const NodeRef &n);
  LogicalResult importHardSigmoid(const NodeRef &n);
  LogicalResult importGelu(const NodeRef &n);
  LogicalResult importSoftmax(const NodeRef &n);
  LogicalResult importBinary(const NodeRef &n);
  LogicalResult importVariadic(const NodeRef &n);
  LogicalResult importAlphaActivation(const NodeRef &n);
  LogicalResult importPRelu(const NodeRef &n);
  LogicalResult importPool(const NodeRef &n);
  LogicalResult importGlobalAveragePool(const NodeRef &n);
  LogicalResult importReduce(const NodeRef &n);
  LogicalResult importArgExtreme(const NodeRef &n);
  LogicalResult importResize(const NodeRef &n);
  // ImportQuant.cpp
  LogicalResult importQuantizeLinear(const NodeRef &n);
  /// Clip / Relu of a quantized (integer) tensor, as PyTorch's QAT export
  /// writes a reduced quant range (QuantizeLinear -> Clip -> DequantizeLinear):
  /// the QuantizeLinear producing `q` with its range narrowed to [lo, hi].
  LogicalResult importIntegerClamp(const NodeRef &n, Value q, double lo,
                                   double hi);
  LogicalResult importDequantizeLinear(const NodeRef &n);
  LogicalResult blockQuantParams(const NodeRef &n, ArrayRef<int64_t> shape,
                                 int64_t block, ArrayRef<int64_t> scaleShape,
                                 const std::vector<float> &scale,
                                 std::vector<int64_t> &zeroPoint,
                                 std::optional<int64_t> &axis, int32_t &zpType,
                                 std::optional<int64_t> &blockSize);
  LogicalResult quantParams(const NodeRef &n, ArrayRef<int64_t> shape,
                            std::vector<float> &scale,
                            std::vector<int64_t> &zeroPoint,
                            std::optional<int64_t> &axis, int32_t &zpType,
                            std::optional<int64_t> *blockSize = nullptr);
  // ImportShape.cpp
  LogicalResult importConstant(const NodeRef &n);
  LogicalResult importIdentity(const NodeRef &n);
  LogicalResult importDropout(const NodeRef &n);
  LogicalResult importShape(const NodeRef &n);
  LogicalResult importSize(const NodeRef &n);
  LogicalResult importGather(const NodeRef &n);
  LogicalResult importCast(const NodeRef &n);
  LogicalResult importRange(const NodeRef &n);
  LogicalResult importConstantOfShape(const NodeRef &n);
  LogicalResult importConcat(const NodeRef &n);
  LogicalResult importSqueezeUnsqueeze(const NodeRef &n);
  LogicalResult importSlice(const NodeRef &n);
  LogicalResult importSplit(const NodeRef &n);
  LogicalResult importExpand(const NodeRef &n);
  LogicalResult importReshape(const NodeRef &n);
  LogicalResult importFlatten(const NodeRef &n);
  LogicalResult importTranspose(const NodeRef &n);
  LogicalResult importPad(const NodeRef &n);
  // ImportTyped.cpp (tensors of any element type)
  LogicalResult importCompare(const NodeRef &n);
  LogicalResult importWhere(const NodeRef &n);
  LogicalResult importLogical(const NodeRef &n);
  /// Add / Sub / Mul / Div / Pow whose base is of element type `t` (not f32).
  LogicalResult importTypedBinary(const NodeRef &n, Type t);
  /// Max / Min / Sum of element type `t` (not f32).
  LogicalResult importTypedVariadic(const NodeRef &n, Type t);
  LogicalResult importMod(const NodeRef &n);
  LogicalResult importBitShift(const NodeRef &n);
  /// Cast of a run-time input to element type `to`.
  LogicalResult importRuntimeCast(const NodeRef &n, Type to);
  LogicalResult importCastLike(const NodeRef &n);
  /// Gather at run-time indices.
  LogicalResult importRuntimeGather(const NodeRef &n, int64_t axis);
  LogicalResult importGatherElements(const NodeRef &n);
  LogicalResult importTrilu(const NodeRef &n);
  LogicalResult importNegativeLogLikelihoodLoss(const NodeRef &n);
  LogicalResult importSoftmaxCrossEntropyLoss(const NodeRef &n);
  // ImportComposite.cpp (compositions of qc ops)
  /// DepthToSpace and SpaceToDepth.
  LogicalResult importDepthSpace(const NodeRef &n);
  LogicalResult importTile(const NodeRef &n);
  LogicalResult importHardmax(const NodeRef &n);
  LogicalResult importOneHot(const NodeRef &n);
  LogicalResult importIsNaNIsInf(const NodeRef &n);
  LogicalResult importShrink(const NodeRef &n);
  LogicalResult importEyeLike(const NodeRef &n);
  LogicalResult importGlobalMaxPool(const NodeRef &n);
  LogicalResult importInstanceNormalization(const NodeRef &n);
  // ImportRecurrent.cpp
  /// LSTM, GRU and RNN, unrolled over the static sequence.
  LogicalResult importRecurrent(const NodeRef &n);

private:
  LogicalResult importModel(const OnnxModel &model);
  LogicalResult checkOpsets(const OnnxModel &model);
  /// Names present and unique, one definition per tensor.
  LogicalResult checkGraph(const OnnxGraph &graph);
  LogicalResult createFunction(const OnnxGraph &graph);
  /// Reads the `--const-input` bindings and makes each an initializer of
  /// the graph input it names (removed from `inputs`).
  /// The shapes of the arrays in options.inputArrays, by input name
  /// (unreadable files and bindings that name no input are skipped).
  llvm::StringMap<std::vector<int64_t>>
  shapesOfInputArrays(ArrayRef<const OnnxValueInfo *> inputs) const;
  LogicalResult bindConstInputs(SmallVectorImpl<const OnnxValueInfo *> &inputs,
                                function_ref<std::string()> inputList);
  LogicalResult importNode(const OnnxNode &node, size_t index);
  LogicalResult finishFunction(const OnnxGraph &graph);
  void fuseGelu();
  void fuseDequantizedLinear();
  void fuseLinearBias();
  ValueEntry *lookup(const NodeRef &n, size_t i);
  FailureOr<Value> materializeTensor(const NodeRef &n, const OnnxTensor &t);
  void reportShapeError(const NodeRef &n, StringRef opName, ValueRange operands,
                        ArrayRef<NamedAttribute> attrs,
                        const std::string &message);
  /// Fails (erasing `op`) when its result is an empty tensor, which qc does
  /// not compute (a conv with 0 output channels, a slice of nothing).
  LogicalResult checkNotEmpty(const NodeRef &n, Operation *op);

  MLIRContext &context;
  std::string path;
  const OnnxImportOptions &options;
  OpBuilder builder;
  Location fileLoc;
  OwningOpRef<ModuleOp> module;
  func::FuncOp func;
  int64_t opsetVersion = 0;
  llvm::StringMap<ValueEntry> values;
  /// The arrays of `--const-input` bindings, as initializers.
  std::vector<std::unique_ptr<OnnxTensor>> constInputTensors;
  /// Names read by some node or listed as graph outputs.
  llvm::StringSet<> usedNames;
};

} // namespace mlir::qc::importer

#endif // QC_COMPILER_IMPORTER_IMPORTERIMPL_H
