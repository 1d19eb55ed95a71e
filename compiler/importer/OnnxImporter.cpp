//===- OnnxImporter.cpp - ONNX model -> qc dialect ------------------------===//
//
// Reads the model (OnnxProtoReader.cpp), checks the opset, makes the graph
// inputs `func.func @main` arguments, then imports the nodes in order: each
// converter either evaluates the node at import time (when its inputs are
// known) or emits qc ops through their shape rules. Finally the graph outputs
// become the results and the erf-based GELU sub-graph is fused.
//
//===----------------------------------------------------------------------===//
#include "compiler/importer/ImporterImpl.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/TensorSize.h"
#include "support/Npy.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::importer;

namespace {
constexpr int64_t kMinOpset = 9;
constexpr int64_t kMaxOpset = 21;

bool isDefaultDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

/// Below opset 9, the opset from which op `opType` is defined as qc imports
/// it (ONNX's operator changelog: an op that changed since, e.g. gained
/// numpy broadcasting in opset 7 or lost `consumed_inputs` in opset 6, is
/// not listed); nullopt for ops qc imports from opset 9 only.
std::optional<int64_t> oldestOpset(StringRef opType) {
  return llvm::StringSwitch<std::optional<int64_t>>(opType)
      .Cases("Softplus", "Softsign", "GlobalAveragePool", "GlobalMaxPool",
             "Not", "Identity", int64_t(1))
      .Case("InstanceNormalization", int64_t(6))
      .Cases("ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "ReduceL1",
             "ReduceL2", int64_t(1))
      .Cases("ReduceMax", "ReduceMin", "ReduceMean", "ReduceProd",
             "ReduceSum", int64_t(1))
      .Cases("Elu", "HardSigmoid", "Selu", "LeakyRelu", "Relu", "Sigmoid",
             int64_t(6))
      .Cases("Tanh", "Exp", "Log", "Neg", "Abs", "Sqrt", "Reciprocal",
             "Floor", "Ceil", int64_t(6))
      .Cases("Acos", "Asin", "Atan", "Cos", "Sin", "Tan", int64_t(7))
      .Cases("And", "Or", "Xor", "Add", "Sub", "Mul", "Div", int64_t(7))
      .Cases("Equal", "Less", "Greater", int64_t(7))
      .Cases("Max", "Min", "Sum", "Mean", int64_t(8))
      .Default(std::nullopt);
}

/// The most inputs and outputs an op of the default domain has (ONNX's
/// operator schemas, opsets 9-21; "" counts as a given slot). More is an
/// invalid node, not something to ignore.
std::pair<size_t, size_t> maxArity(StringRef opType) {
  constexpr size_t kMany = std::numeric_limits<size_t>::max();
  return llvm::StringSwitch<std::pair<size_t, size_t>>(opType)
      .Case("BatchNormalization", {5, 5})
      .Case("Clip", {3, 1})
      .Cases("Concat", "Max", "Min", "Sum", "Mean", "Einsum", {kMany, 1})
      .Case("Constant", {0, 1})
      .Cases("Conv", "ConvTranspose", "Gemm", {3, 1})
      .Cases("QuantizeLinear", "DequantizeLinear", {3, 1})
      .Case("Dropout", {3, 2})
      .Case("LayerNormalization", {3, 3})
      .Case("MaxPool", {1, 2})
      .Case("Pad", {4, 1})
      .Cases("Range", "Where", {3, 1})
      .Case("Resize", {4, 1})
      .Case("Slice", {5, 1})
      .Case("Split", {2, kMany})
      .Cases("Add", "Sub", "Mul", "Div", "Pow", {2, 1})
      .Cases("Equal", "Expand", "Gather", "MatMul", "Reshape", {2, 1})
      .Cases("Less", "LessOrEqual", "Greater", "GreaterOrEqual", {2, 1})
      .Cases("And", "Or", "Xor", "BitShift", "Mod", {2, 1})
      .Cases("CastLike", "GatherElements", "Trilu", {2, 1})
      .Case("NegativeLogLikelihoodLoss", {3, 1})
      .Case("SoftmaxCrossEntropyLoss", {3, 2})
      .Case("Tile", {2, 1})
      .Case("OneHot", {3, 1})
      .Case("InstanceNormalization", {3, 1})
      .Case("LSTM", {8, 3})
      .Cases("GRU", "RNN", {6, 2})
      .Case("PRelu", {2, 1})
      .Cases("ReduceMean", "Squeeze", "Unsqueeze", "Upsample", {2, 1})
      .Cases("ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd", {2, 1})
      .Cases("ReduceSumSquare", "ReduceL1", "ReduceL2", "ReduceLogSum", {2, 1})
      .Case("ReduceLogSumExp", {2, 1})
      .Default({1, 1});
}

/// A resource-blob key from an ONNX value name: [A-Za-z0-9_] only.
std::string sanitize(StringRef name) {
  std::string s;
  for (char c : name)
    s += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
    s = "v_" + s;
  return s;
}

float halfToFloat(uint16_t h) {
  uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v;
  if (exp == 0)
    v = std::ldexp(static_cast<float>(mant), -24);
  else if (exp == 31)
    v = mant ? std::numeric_limits<float>::quiet_NaN()
             : std::numeric_limits<float>::infinity();
  else
    v = std::ldexp(static_cast<float>(mant | 0x400),
                   static_cast<int>(exp) - 25);
  return sign ? -v : v;
}

float bfloat16ToFloat(uint16_t h) {
  uint32_t bits = static_cast<uint32_t>(h) << 16;
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}

bool isFloatType(int32_t t) {
  auto dt = static_cast<OnnxDataType>(t);
  return dt == OnnxDataType::Float || dt == OnnxDataType::Double ||
         dt == OnnxDataType::Float16 || dt == OnnxDataType::BFloat16;
}

bool isIntType(int32_t t) {
  switch (static_cast<OnnxDataType>(t)) {
  case OnnxDataType::Int8:
  case OnnxDataType::Int16:
  case OnnxDataType::Int32:
  case OnnxDataType::Int64:
  case OnnxDataType::Uint8:
  case OnnxDataType::Uint16:
  case OnnxDataType::Uint32:
  case OnnxDataType::Uint64:
    return true;
  default:
    return false;
  }
}

/// Element `i` of a tensor's bytes as double (float types).
double floatElement(const OnnxTensor &t, int64_t i) {
  const char *p = t.data.data();
  switch (static_cast<OnnxDataType>(t.dataType)) {
  case OnnxDataType::Float: {
    float v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  case OnnxDataType::Double: {
    double v;
    std::memcpy(&v, p + 8 * i, 8);
    return v;
  }
  case OnnxDataType::Float16:
  case OnnxDataType::BFloat16: {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    return t.dataType == static_cast<int32_t>(OnnxDataType::Float16)
               ? halfToFloat(h)
               : bfloat16ToFloat(h);
  }
  default:
    return 0;
  }
}

/// Element `i` of a tensor's bytes as int64 (integer and bool types).
int64_t intElement(const OnnxTensor &t, int64_t i) {
  const char *p = t.data.data();
  switch (static_cast<OnnxDataType>(t.dataType)) {
  case OnnxDataType::Int8:
    return static_cast<int8_t>(p[i]);
  case OnnxDataType::Uint8:
  case OnnxDataType::Bool:
    return static_cast<uint8_t>(p[i]);
  case OnnxDataType::Int16: {
    int16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return v;
  }
  case OnnxDataType::Uint16: {
    uint16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return v;
  }
  case OnnxDataType::Int32: {
    int32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  case OnnxDataType::Uint32: {
    uint32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  case OnnxDataType::Int64:
  case OnnxDataType::Uint64: {
    int64_t v;
    std::memcpy(&v, p + 8 * i, 8);
    return v;
  }
  default:
    return 0;
  }
}

std::string typeString(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + (ShapedType::isDynamic(shape[i])
                               ? std::string("?")
                               : std::to_string(shape[i]));
  return s + "]";
}
} // namespace

//===----------------------------------------------------------------------===//
// Public interface
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp>
mlir::qc::importOnnxFile(MLIRContext &context, const std::string &path,
                         const OnnxImportOptions &options) {
  context.loadDialect<QCDialect, func::FuncDialect>();
  Importer importer(context, path, options);
  return importer.run();
}

ArrayRef<StringRef> mlir::qc::supportedOnnxOps() {
  static const SmallVector<StringRef> names = [] {
    SmallVector<StringRef> v;
    for (const auto &entry : Importer::converters())
      v.push_back(entry.first);
    return v;
  }();
  return names;
}

ArrayRef<std::pair<StringRef, Importer::Converter>> Importer::converters() {
  static const std::pair<StringRef, Converter> table[] = {
      {"Abs", &Importer::importUnary},
      {"Acos", &Importer::importUnary},
      {"Acosh", &Importer::importUnary},
      {"Add", &Importer::importBinary},
      {"And", &Importer::importLogical},
      {"ArgMax", &Importer::importArgExtreme},
      {"ArgMin", &Importer::importArgExtreme},
      {"Asin", &Importer::importUnary},
      {"Asinh", &Importer::importUnary},
      {"Atan", &Importer::importUnary},
      {"Atanh", &Importer::importUnary},
      {"AveragePool", &Importer::importPool},
      {"BatchNormalization", &Importer::importBatchNormalization},
      {"BitShift", &Importer::importBitShift},
      {"Cast", &Importer::importCast},
      {"CastLike", &Importer::importCastLike},
      {"Ceil", &Importer::importUnary},
      {"Celu", &Importer::importAlphaActivation},
      {"Clip", &Importer::importClip},
      {"Concat", &Importer::importConcat},
      {"Constant", &Importer::importConstant},
      {"ConstantOfShape", &Importer::importConstantOfShape},
      {"Conv", &Importer::importConv},
      {"ConvTranspose", &Importer::importConvTranspose},
      {"Cos", &Importer::importUnary},
      {"Cosh", &Importer::importUnary},
      {"DepthToSpace", &Importer::importDepthSpace},
      {"DequantizeLinear", &Importer::importDequantizeLinear},
      {"Div", &Importer::importBinary},
      {"Dropout", &Importer::importDropout},
      {"Einsum", &Importer::importEinsum},
      {"Elu", &Importer::importAlphaActivation},
      {"Equal", &Importer::importCompare},
      {"Erf", &Importer::importUnary},
      {"Exp", &Importer::importUnary},
      {"Expand", &Importer::importExpand},
      {"EyeLike", &Importer::importEyeLike},
      {"Flatten", &Importer::importFlatten},
      {"Floor", &Importer::importUnary},
      {"GRU", &Importer::importRecurrent},
      {"Gather", &Importer::importGather},
      {"GatherElements", &Importer::importGatherElements},
      {"Gelu", &Importer::importGelu},
      {"Gemm", &Importer::importGemm},
      {"GlobalAveragePool", &Importer::importGlobalAveragePool},
      {"GlobalMaxPool", &Importer::importGlobalMaxPool},
      {"Greater", &Importer::importCompare},
      {"GreaterOrEqual", &Importer::importCompare},
      {"HardSigmoid", &Importer::importHardSigmoid},
      {"HardSwish", &Importer::importUnary},
      {"Hardmax", &Importer::importHardmax},
      {"Identity", &Importer::importIdentity},
      {"InstanceNormalization", &Importer::importInstanceNormalization},
      {"IsInf", &Importer::importIsNaNIsInf},
      {"IsNaN", &Importer::importIsNaNIsInf},
      {"LSTM", &Importer::importRecurrent},
      {"LayerNormalization", &Importer::importLayerNormalization},
      {"LeakyRelu", &Importer::importAlphaActivation},
      {"Less", &Importer::importCompare},
      {"LessOrEqual", &Importer::importCompare},
      {"Log", &Importer::importUnary},
      {"LogSoftmax", &Importer::importSoftmax},
      {"MatMul", &Importer::importMatMul},
      {"Max", &Importer::importVariadic},
      {"MaxPool", &Importer::importPool},
      {"Mean", &Importer::importVariadic},
      {"Min", &Importer::importVariadic},
      {"Mod", &Importer::importMod},
      {"Mul", &Importer::importBinary},
      {"Neg", &Importer::importUnary},
      {"NegativeLogLikelihoodLoss", &Importer::importNegativeLogLikelihoodLoss},
      {"Not", &Importer::importLogical},
      {"OneHot", &Importer::importOneHot},
      {"Or", &Importer::importLogical},
      {"PRelu", &Importer::importPRelu},
      {"Pad", &Importer::importPad},
      {"Pow", &Importer::importBinary},
      {"QuantizeLinear", &Importer::importQuantizeLinear},
      {"RNN", &Importer::importRecurrent},
      {"Range", &Importer::importRange},
      {"Reciprocal", &Importer::importUnary},
      {"ReduceL1", &Importer::importReduce},
      {"ReduceL2", &Importer::importReduce},
      {"ReduceLogSum", &Importer::importReduce},
      {"ReduceLogSumExp", &Importer::importReduce},
      {"ReduceMax", &Importer::importReduce},
      {"ReduceMean", &Importer::importReduce},
      {"ReduceMin", &Importer::importReduce},
      {"ReduceProd", &Importer::importReduce},
      {"ReduceSum", &Importer::importReduce},
      {"ReduceSumSquare", &Importer::importReduce},
      {"Relu", &Importer::importUnary},
      {"Reshape", &Importer::importReshape},
      {"Resize", &Importer::importResize},
      {"Round", &Importer::importUnary},
      {"Selu", &Importer::importAlphaActivation},
      {"Shape", &Importer::importShape},
      {"Shrink", &Importer::importShrink},
      {"Sigmoid", &Importer::importUnary},
      {"Sign", &Importer::importUnary},
      {"Sin", &Importer::importUnary},
      {"Sinh", &Importer::importUnary},
      {"Size", &Importer::importSize},
      {"Slice", &Importer::importSlice},
      {"Softmax", &Importer::importSoftmax},
      {"SoftmaxCrossEntropyLoss", &Importer::importSoftmaxCrossEntropyLoss},
      {"Softplus", &Importer::importUnary},
      {"Softsign", &Importer::importUnary},
      {"SpaceToDepth", &Importer::importDepthSpace},
      {"Split", &Importer::importSplit},
      {"Sqrt", &Importer::importUnary},
      {"Squeeze", &Importer::importSqueezeUnsqueeze},
      {"Sub", &Importer::importBinary},
      {"Sum", &Importer::importVariadic},
      {"Tan", &Importer::importUnary},
      {"Tanh", &Importer::importUnary},
      {"ThresholdedRelu", &Importer::importAlphaActivation},
      {"Tile", &Importer::importTile},
      {"Transpose", &Importer::importTranspose},
      {"Trilu", &Importer::importTrilu},
      {"Unsqueeze", &Importer::importSqueezeUnsqueeze},
      {"Upsample", &Importer::importResize},
      {"Where", &Importer::importWhere},
      {"Xor", &Importer::importLogical},
  };
  return table;
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

Importer::Importer(MLIRContext &context, const std::string &path,
                   const OnnxImportOptions &options)
    : context(context), path(path), options(options), builder(&context),
      fileLoc(FileLineColLoc::get(&context, path, 0, 0)) {}

OwningOpRef<ModuleOp> Importer::run() {
  if (!llvm::sys::fs::exists(path)) {
    emitError(fileLoc) << "no such file";
    return nullptr;
  }
  if (llvm::sys::fs::is_directory(path)) {
    emitError(fileLoc) << "is a directory, expected an ONNX model file";
    return nullptr;
  }
  OnnxModel model;
  std::string message;
  if (!readOnnxModel(path, model, message)) {
    emitError(fileLoc) << message;
    return nullptr;
  }
  module = ModuleOp::create(fileLoc);
  if (failed(importModel(model)))
    return nullptr;
  fuseGelu();
  fuseDequantizedLinear();
  fuseLinearBias();
  if (failed(verify(*module))) {
    emitError(fileLoc) << "internal error: the imported module does not "
                          "verify (please report this model)";
    return nullptr;
  }
  return std::move(module);
}

LogicalResult Importer::checkOpsets(const OnnxModel &model) {
  std::optional<int64_t> version;
  for (const auto &[domain, v] : model.opsets) {
    if (!isDefaultDomain(domain))
      continue;
    if (version && *version != v)
      return emitError(fileLoc)
             << "the model imports two versions of the default ONNX domain "
                "(opsets "
             << *version << " and " << v << ")";
    version = v;
  }
  if (!version) {
    // IR version 1-2 models predate opset_import and mean opset 1.
    return emitError(fileLoc)
           << "the model imports no opset of the default ONNX domain "
              "(ai.onnx); qc imports opsets "
           << kMinOpset << " to " << kMaxOpset;
  }
  if (*version >= 1 && *version < kMinOpset) {
    // An older model imports when every op is defined as in opset 9.
    for (const OnnxNode &node : model.graph.nodes) {
      if (!isDefaultDomain(node.domain))
        continue;
      std::optional<int64_t> oldest = oldestOpset(node.opType);
      if (!oldest || *oldest > *version)
        return emitError(fileLoc)
               << "unsupported opset " << *version
               << " of the default ONNX domain for op '" << node.opType
               << "' (node '" << node.name
               << "'); qc imports opsets " << kMinOpset << " to " << kMaxOpset
               << ", and older ones only for ops whose definition has not "
                  "changed since (re-export the model, e.g. "
                  "torch.onnx.export(..., opset_version=13), or convert it "
                  "with onnx.version_converter)";
    }
    opsetVersion = *version;
    return success();
  }
  if (*version < kMinOpset || *version > kMaxOpset)
    return emitError(fileLoc)
           << "unsupported opset " << *version
           << " of the default ONNX domain; qc imports opsets " << kMinOpset
           << " to " << kMaxOpset
           << " (re-export the model, e.g. torch.onnx.export(..., "
              "opset_version=13), or convert it with "
              "onnx.version_converter)";
  opsetVersion = *version;
  return success();
}

LogicalResult Importer::importModel(const OnnxModel &model) {
  if (!model.hasGraph)
    return emitError(fileLoc) << "the model has no graph";
  if (failed(checkOpsets(model)))
    return failure();
  const OnnxGraph &graph = model.graph;
  if (graph.numSparseInitializers > 0)
    return emitError(fileLoc) << "the model has " << graph.numSparseInitializers
                              << " sparse initializers, which qc does not "
                                 "import";
  if (failed(checkGraph(graph)))
    return failure();
  if (graph.outputs.empty())
    return emitError(fileLoc) << "the graph has no outputs; a model qc "
                                 "imports computes at least one";
  for (const OnnxNode &node : graph.nodes)
    for (const std::string &in : node.inputs)
      if (!in.empty())
        usedNames.insert(in);
  for (const OnnxValueInfo &out : graph.outputs)
    usedNames.insert(out.name);

  if (failed(createFunction(graph)))
    return failure();
  for (auto [i, node] : llvm::enumerate(graph.nodes))
    if (failed(importNode(node, i)))
      return failure();
  return finishFunction(graph);
}

LogicalResult Importer::checkGraph(const OnnxGraph &graph) {
  // Every tensor has one definition: a graph input, an initializer (which
  // may also be listed as a graph input, as IR version < 4 exporters do) or
  // one node output. Names are required where ONNX requires them.
  llvm::StringMap<std::string> definedBy;
  llvm::StringSet<> initializers, inputs, outputs;
  for (auto [i, t] : llvm::enumerate(graph.initializers)) {
    if (t.name.empty())
      return emitError(fileLoc) << "initializer #" << i << " has no name";
    if (!initializers.insert(t.name).second)
      return emitError(fileLoc) << "initializer '" << t.name
                                << "' is defined twice";
    definedBy[t.name] = "initializer '" + t.name + "'";
  }
  for (auto [i, in] : llvm::enumerate(graph.inputs)) {
    if (in.name.empty())
      return emitError(fileLoc) << "graph input #" << i << " has no name";
    if (!inputs.insert(in.name).second)
      return emitError(fileLoc)
             << "graph input '" << in.name << "' is listed twice";
    if (!initializers.contains(in.name))
      definedBy[in.name] = "graph input '" + in.name + "'";
  }
  for (auto [i, node] : llvm::enumerate(graph.nodes)) {
    std::string label =
        node.name.empty()
            ? "<unnamed " + node.opType + " #" + std::to_string(i) + ">"
            : node.name;
    Location loc = NameLoc::get(builder.getStringAttr(label), fileLoc);
    for (auto [o, out] : llvm::enumerate(node.outputs)) {
      if (out.empty()) // an optional output that is not produced
        continue;
      auto [it, inserted] = definedBy.try_emplace(
          out, "output #" + std::to_string(o) + " of node '" + label + "' (" +
                   node.opType + ")");
      if (!inserted)
        return emitError(loc)
               << node.opType << ": output #" << o << " '" << out
               << "' is already defined by " << it->second
               << "; every tensor of an ONNX graph has one definition";
    }
  }
  for (auto [i, out] : llvm::enumerate(graph.outputs)) {
    if (out.name.empty())
      return emitError(fileLoc) << "graph output #" << i << " has no name";
    if (!outputs.insert(out.name).second)
      return emitError(fileLoc)
             << "graph output '" << out.name << "' is listed twice";
  }
  return success();
}

LogicalResult Importer::createFunction(const OnnxGraph &graph) {
  for (const OnnxTensor &t : graph.initializers)
    values[t.name].tensor = &t;

  SmallVector<const OnnxValueInfo *> inputs;
  for (const OnnxValueInfo &in : graph.inputs)
    if (!values.count(in.name)) // graph inputs that are initializers are
      inputs.push_back(&in);    // constants
  auto inputList = [&] {
    std::string s;
    for (const OnnxValueInfo *in : inputs) {
      s += (s.empty() ? "" : ", ") + in->name;
      if (in->hasShape) {
        s += " [";
        for (size_t i = 0; i < in->dims.size(); ++i) {
          const OnnxDim &d = in->dims[i];
          s += (i ? "," : "") + (d.value >= 0
                                     ? std::to_string(d.value)
                                     : (d.param.empty() ? "?" : d.param));
        }
        s += "]";
      }
    }
    return s.empty() ? std::string("(none)") : s;
  };
  for (const auto &binding : options.inputShapes)
    if (llvm::none_of(inputs, [&](const OnnxValueInfo *in) {
          return in->name == binding.getKey();
        }))
      return emitError(fileLoc)
             << "--input-shape names '" << binding.getKey()
             << "', which is not a graph input; the inputs are: "
             << inputList();
  if (failed(bindConstInputs(inputs, inputList)))
    return failure();
  llvm::StringMap<std::vector<int64_t>> arrayShapes =
      shapesOfInputArrays(inputs);

  SmallVector<Type> types;
  for (const OnnxValueInfo *in : inputs) {
    if (!in->isTensor)
      return emitError(fileLoc) << "graph input '" << in->name
                                << "' is not a tensor (sequence, map or "
                                   "optional types are not supported)";
    std::optional<Type> elementType = elementTypeOf(in->elemType);
    if (!elementType)
      return emitError(fileLoc)
             << "graph input '" << in->name << "' has element type "
             << (in->elemType == 0 ? std::string("(none)")
                                   : onnxDataTypeName(in->elemType))
             << "; qc imports inputs of FLOAT, DOUBLE, INT8, UINT8, INT16, "
                "INT32, INT64 and BOOL";
    SmallVector<int64_t> shape;
    for (const OnnxDim &d : in->dims)
      shape.push_back(d.value >= 0 ? d.value : ShapedType::kDynamic);
    auto binding = options.inputShapes.find(in->name);
    if (binding != options.inputShapes.end()) {
      ArrayRef<int64_t> bound = binding->getValue();
      if (in->hasShape && bound.size() != shape.size())
        return emitError(fileLoc)
               << "--input-shape " << in->name << ": the input has rank "
               << shape.size() << " " << shapeString(shape)
               << ", but the binding gives " << bound.size() << " dimensions "
               << shapeString(bound);
      for (size_t i = 0; i < shape.size(); ++i)
        if (!ShapedType::isDynamic(shape[i]) && shape[i] != bound[i])
          return emitError(fileLoc)
                 << "--input-shape " << in->name << ": dimension " << i
                 << " is " << shape[i] << " in the model, but the binding "
                 << "gives " << bound[i];
      for (int64_t d : bound)
        if (d <= 0)
          return emitError(fileLoc) << "--input-shape " << in->name
                                    << ": dimensions must be positive";
      shape.assign(bound.begin(), bound.end());
    } else if (auto array = arrayShapes.find(in->name);
               array != arrayShapes.end() &&
               (!in->hasShape || array->second.size() == shape.size()) &&
               llvm::all_of(array->second, [](int64_t d) { return d > 0; })) {
      // Dynamic dimensions take the sizes of the array the run feeds; a
      // static one that differs is left for the run's input check.
      if (!in->hasShape)
        shape.assign(array->second.begin(), array->second.end());
      for (auto [d, a] : llvm::zip(shape, array->second))
        if (ShapedType::isDynamic(d))
          d = a;
    } else if (!in->hasShape) {
      return emitError(fileLoc)
             << "graph input '" << in->name
             << "' has no shape (its rank is unknown); give it with "
                "--input-shape "
             << in->name << "=D0,D1,...";
    }
    for (auto [i, d] : llvm::enumerate(shape))
      if (d == 0)
        return emitError(fileLoc)
               << "graph input '" << in->name << "' " << shapeString(shape)
               << " has an empty dimension " << i
               << "; qc does not import empty tensors";
    std::string why;
    if (!checkTensorSize(shape, 4, why))
      return emitError(fileLoc) << "graph input '" << in->name << "' "
                                << shapeString(shape) << " " << why;
    types.push_back(RankedTensorType::get(shape, *elementType));
  }

  builder.setInsertionPointToEnd(module->getBody());
  func = builder.create<func::FuncOp>(fileLoc, "main",
                                      builder.getFunctionType(types, {}));
  Block *body = func.addEntryBlock();
  for (auto [i, in] : llvm::enumerate(inputs)) {
    func.setArgAttr(i, "qc.name", builder.getStringAttr(in->name));
    values[in->name] = ValueEntry{body->getArgument(i), std::nullopt, nullptr};
  }
  builder.setInsertionPointToEnd(body);
  return success();
}

/// The ONNX data type of an .npy dtype.
static OnnxDataType onnxTypeOf(::qc::DType dtype) {
  switch (dtype) {
  case ::qc::DType::F32:
    return OnnxDataType::Float;
  case ::qc::DType::F64:
    return OnnxDataType::Double;
  case ::qc::DType::I8:
    return OnnxDataType::Int8;
  case ::qc::DType::U8:
    return OnnxDataType::Uint8;
  case ::qc::DType::I16:
    return OnnxDataType::Int16;
  case ::qc::DType::I32:
    return OnnxDataType::Int32;
  case ::qc::DType::I64:
    return OnnxDataType::Int64;
  case ::qc::DType::Bool:
    return OnnxDataType::Bool;
  }
  return OnnxDataType::Undefined;
}

/// The input a NAME=FILE binding names: the longest input name followed by
/// '=' (names may hold '='); null when none does.
static const OnnxValueInfo *
inputOfBinding(StringRef binding, ArrayRef<const OnnxValueInfo *> inputs) {
  const OnnxValueInfo *match = nullptr;
  for (const OnnxValueInfo *in : inputs)
    if (binding.size() > in->name.size() + 1 &&
        binding.starts_with(in->name) && binding[in->name.size()] == '=' &&
        (!match || in->name.size() > match->name.size()))
      match = in;
  return match;
}

llvm::StringMap<std::vector<int64_t>> Importer::shapesOfInputArrays(
    ArrayRef<const OnnxValueInfo *> inputs) const {
  llvm::StringMap<std::vector<int64_t>> shapes;
  for (const std::string &binding : options.inputArrays) {
    // A binding that names no input is a bare file for the only input.
    const OnnxValueInfo *match = inputOfBinding(binding, inputs);
    std::string file = binding;
    if (match)
      file = binding.substr(match->name.size() + 1);
    else if (inputs.size() == 1)
      match = inputs.front();
    else
      continue;
    absl::StatusOr<::qc::NpyHeader> header = ::qc::readNpyHeader(file);
    if (header.ok())
      shapes[match->name] = header->shape;
  }
  return shapes;
}

LogicalResult
Importer::bindConstInputs(SmallVectorImpl<const OnnxValueInfo *> &inputs,
                          function_ref<std::string()> inputList) {
  llvm::StringSet<> bound;
  for (const std::string &binding : options.constInputs) {
    const OnnxValueInfo *match = inputOfBinding(binding, inputs);
    if (!match)
      return emitError(fileLoc)
             << "--const-input '" << binding
             << "' does not name a graph input (NAME=FILE.npy); the inputs "
                "are: "
             << inputList();
    const std::string &name = match->name;
    std::string file = binding.substr(name.size() + 1);
    if (!bound.insert(name).second)
      return emitError(fileLoc)
             << "--const-input binds '" << name << "' twice";
    if (options.inputShapes.count(name))
      return emitError(fileLoc)
             << "input '" << name
             << "' is given both --const-input and --input-shape";
    absl::StatusOr<::qc::NpyArray> array = ::qc::readNpy(file);
    if (!array.ok())
      return emitError(fileLoc)
             << "--const-input " << name << ": "
             << std::string(array.status().message());
    if (match->elemType != 0 &&
        match->elemType != static_cast<int32_t>(onnxTypeOf(array->dtype)))
      return emitError(fileLoc)
             << "--const-input " << name << ": " << file << " is "
             << std::string(::qc::dtypeName(array->dtype))
             << ", but the graph input has element type "
             << onnxDataTypeName(match->elemType);
    if (match->hasShape) {
      bool fits = match->dims.size() == array->shape.size();
      for (size_t i = 0; fits && i < match->dims.size(); ++i)
        fits = match->dims[i].value < 0 ||
               match->dims[i].value == array->shape[i];
      if (!fits) {
        SmallVector<int64_t> declared;
        for (const OnnxDim &d : match->dims)
          declared.push_back(d.value >= 0 ? d.value : ShapedType::kDynamic);
        return emitError(fileLoc)
               << "--const-input " << name << ": " << file << " has shape "
               << shapeString(SmallVector<int64_t>(array->shape.begin(),
                                                   array->shape.end()))
               << ", but the graph input is " << shapeString(declared);
      }
    }
    auto t = std::make_unique<OnnxTensor>();
    t->name = name;
    t->dataType = static_cast<int32_t>(onnxTypeOf(array->dtype));
    t->dims.assign(array->shape.begin(), array->shape.end());
    t->data.assign(reinterpret_cast<const char *>(array->data.data()),
                   array->data.size());
    values[name].tensor = t.get();
    constInputTensors.push_back(std::move(t));
  }
  llvm::erase_if(inputs, [&](const OnnxValueInfo *in) {
    return bound.contains(in->name);
  });
  return success();
}

LogicalResult Importer::importNode(const OnnxNode &node, size_t index) {
  std::string label = node.name.empty() ? "<unnamed " + node.opType + " #" +
                                              std::to_string(index) + ">"
                                        : node.name;
  Location loc = NameLoc::get(builder.getStringAttr(label), fileLoc);
  NodeRef n{node, loc, label};

  if (!isDefaultDomain(node.domain))
    return error(n) << "op '" << node.opType << "' of domain '" << node.domain
                    << "' is not supported; qc imports ops of the default "
                       "ONNX domain (ai.onnx) only";
  ArrayRef<std::pair<StringRef, Converter>> table = converters();
  const auto *it =
      llvm::lower_bound(table, StringRef(node.opType),
                        [](const std::pair<StringRef, Converter> &e,
                           StringRef name) { return e.first < name; });
  if (it == table.end() || it->first != node.opType) {
    std::string list;
    for (StringRef name : supportedOnnxOps())
      list += (list.empty() ? "" : ", ") + name.str();
    return error(n) << "unsupported op type '" << node.opType
                    << "'; qc imports: " << list;
  }
  auto [maxInputs, maxOutputs] = maxArity(node.opType);
  if (llvm::all_of(node.outputs, [](const std::string &o) { return o.empty(); }))
    return error(n) << "has no outputs";
  if (node.inputs.size() > maxInputs)
    return error(n) << "has " << node.inputs.size() << " inputs; " << node.opType
                    << " takes at most " << maxInputs;
  if (node.outputs.size() > maxOutputs)
    return error(n) << "has " << node.outputs.size() << " outputs; "
                    << node.opType << " has at most " << maxOutputs;
  for (auto [i, in] : llvm::enumerate(node.inputs))
    if (!in.empty() && !values.count(in))
      return error(n) << "input #" << i << " '" << in
                      << "' is not produced by any earlier node, initializer "
                         "or graph input (the model is truncated, or its "
                         "nodes are not in topological order)";
  llvm::StringSet<> attrNames;
  for (const OnnxAttribute &a : node.attributes) {
    if (a.name.empty())
      return error(n) << "an attribute has no name";
    if (!attrNames.insert(a.name).second)
      return error(n) << "attribute '" << a.name << "' is given twice";
    if (!a.refAttrName.empty())
      return error(n) << "attribute '" << a.name
                      << "' refers to a function attribute ('" << a.refAttrName
                      << "'), which qc does not import";
  }

  builder.setInsertionPointToEnd(&func.getBody().front());
  if (failed((this->*(it->second))(n)))
    return failure();
  for (auto [i, out] : llvm::enumerate(node.outputs))
    if (!out.empty() && usedNames.contains(out) && !values.count(out))
      return error(n) << "output #" << i << " ('" << out
                      << "') is used, but qc does not support it";
  return success();
}

LogicalResult Importer::finishFunction(const OnnxGraph &graph) {
  SmallVector<Value> results;
  OnnxNode noNode; // constants returned as outputs belong to no node
  NodeRef outputRef{noNode, fileLoc, ""};
  builder.setInsertionPointToEnd(&func.getBody().front());
  for (const OnnxValueInfo &out : graph.outputs) {
    auto it = values.find(out.name);
    if (it == values.end())
      return emitError(fileLoc) << "graph output '" << out.name
                                << "' is not produced by any node, "
                                   "initializer or graph input";
    Value v = it->second.value;
    if (!v) {
      if (it->second.tensor) {
        FailureOr<Value> m = materializeTensor(outputRef, *it->second.tensor);
        if (failed(m))
          return failure();
        v = *m;
      } else {
        FailureOr<Value> m =
            materialize(outputRef, *it->second.known, out.name);
        if (failed(m))
          return emitError(fileLoc) << "graph output '" << out.name
                                    << "' depends on a dynamic dimension and "
                                       "is not a tensor qc computes";
        v = *m;
      }
      it->second.value = v;
    }
    if (llvm::is_contained(cast<RankedTensorType>(v.getType()).getShape(), 0))
      return emitError(fileLoc)
             << "graph output '" << out.name << "' is an empty tensor "
             << shapeText(cast<RankedTensorType>(v.getType()).getShape())
             << "; qc does not compute empty tensors";
    // The declared output shape, where static, must agree with what the
    // importer computed.
    auto type = cast<RankedTensorType>(v.getType());
    // Integers known at import time are int64 whatever ONNX type they had:
    // such a constant takes the declared type; any other output must have
    // the declared element type.
    if (std::optional<Type> declared =
            out.elemType != 0 ? elementTypeOf(out.elemType) : std::nullopt;
        declared && *declared != type.getElementType()) {
      if (it->second.known && v.getDefiningOp<ConstantOp>()) {
        FailureOr<Value> m =
            materializeAs(outputRef, *it->second.known, *declared, out.name);
        if (failed(m))
          return failure();
        v = *m;
        type = cast<RankedTensorType>(v.getType());
      } else {
        return emitError(fileLoc)
               << "graph output '" << out.name << "' has element type "
               << onnxDataTypeName(out.elemType) << ", but qc computes it as "
               << type.getElementType();
      }
    }
    if (type.getElementType().isSignlessInteger(64) && out.elemType != 0 &&
        out.elemType != static_cast<int32_t>(OnnxDataType::Int64))
      return emitError(fileLoc)
             << "graph output '" << out.name << "' has element type "
             << onnxDataTypeName(out.elemType)
             << ", but qc computes it as INT64 (integers known at import "
                "time are int64)";
    if (out.hasShape) {
      bool conflict = out.dims.size() != static_cast<size_t>(type.getRank());
      for (size_t i = 0; !conflict && i < out.dims.size(); ++i)
        conflict = out.dims[i].value >= 0 && !type.isDynamicDim(i) &&
                   out.dims[i].value != type.getDimSize(i);
      if (conflict) {
        SmallVector<int64_t> declared;
        for (const OnnxDim &d : out.dims)
          declared.push_back(d.value >= 0 ? d.value : ShapedType::kDynamic);
        emitWarning(fileLoc)
            << "graph output '" << out.name << "' is declared with shape "
            << shapeString(declared) << ", but the imported graph computes "
            << shapeString(type.getShape());
      }
    }
    results.push_back(v);
  }
  builder.create<func::ReturnOp>(fileLoc, results);
  SmallVector<Type> resultTypes;
  for (Value v : results)
    resultTypes.push_back(v.getType());
  func.setFunctionType(
      builder.getFunctionType(func.getArgumentTypes(), resultTypes));
  for (auto [i, out] : llvm::enumerate(graph.outputs))
    func.setResultAttr(i, "qc.name", builder.getStringAttr(out.name));
  return success();
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

InFlightDiagnostic Importer::error(const NodeRef &n) {
  InFlightDiagnostic d = emitError(n.loc);
  if (!n.node.opType.empty())
    d << n.node.opType << ": ";
  return d;
}

InFlightDiagnostic Importer::badAttr(const NodeRef &n, StringRef name,
                                     const Twine &value) {
  return error(n) << "unsupported value " << value << " of attribute '" << name
                  << "'";
}

void Importer::reportShapeError(const NodeRef &n, StringRef opName,
                                ValueRange operands,
                                ArrayRef<NamedAttribute> attrs,
                                const std::string &message) {
  InFlightDiagnostic d = error(n);
  d << (message.empty() ? std::string("the operands do not fit") : message)
    << " (" << opName;
  for (auto [i, v] : llvm::enumerate(operands))
    d << (i ? ", " : " on ") << typeString(v.getType());
  // A result too large for qc (TensorSize.h's messages) comes from the
  // attributes the node's attributes or constant inputs became: name them.
  bool sizeError = StringRef(message).contains("64-bit") ||
                   StringRef(message).contains(kMaxTensorBytesText);
  bool first = true;
  for (const NamedAttribute &a : sizeError ? attrs
                                           : ArrayRef<NamedAttribute>()) {
    if (isa<ElementsAttr>(a.getValue()))
      continue;
    d << (first ? " with " : ", ") << a.getName().getValue() << " = "
      << a.getValue();
    first = false;
  }
  d << ")";
}

LogicalResult Importer::checkNotEmpty(const NodeRef &n, Operation *op) {
  for (Type t : op->getResultTypes()) {
    auto type = cast<RankedTensorType>(t);
    if (!llvm::is_contained(type.getShape(), 0))
      continue;
    InFlightDiagnostic d = error(n);
    d << "the result would be an empty tensor " << typeString(type) << " ("
      << op->getName();
    for (auto [i, v] : llvm::enumerate(op->getOperands()))
      d << (i ? ", " : " on ") << typeString(v.getType());
    d << "); qc does not compute empty tensors";
    op->erase();
    return failure();
  }
  return success();
}

bool Importer::hasInput(const NodeRef &n, size_t i) const {
  return i < n.node.inputs.size() && !n.node.inputs[i].empty();
}

bool Importer::outputUsed(const NodeRef &n, size_t i) const {
  return i < n.node.outputs.size() && !n.node.outputs[i].empty() &&
         usedNames.contains(n.node.outputs[i]);
}

LogicalResult Importer::rejectUsedOutputs(const NodeRef &n, size_t first,
                                          StringRef why) {
  for (size_t i = first; i < n.node.outputs.size(); ++i)
    if (outputUsed(n, i))
      return error(n) << "output #" << i << " ('" << n.node.outputs[i]
                      << "') is used, but " << why;
  return success();
}

ValueEntry *Importer::lookup(const NodeRef &n, size_t i) {
  if (!hasInput(n, i))
    return nullptr;
  auto it = values.find(n.node.inputs[i]);
  return it == values.end() ? nullptr : &it->second;
}

FailureOr<Value> Importer::materializeTensor(const NodeRef &n,
                                             const OnnxTensor &t) {
  SmallVector<int64_t> shape(t.dims.begin(), t.dims.end());
  int64_t count = t.numElements();
  ElementsAttr attr;
  std::string hint = sanitize(t.name);
  if (isFloatType(t.dataType)) {
    auto type = RankedTensorType::get(shape, builder.getF32Type());
    if (t.dataType == static_cast<int32_t>(OnnxDataType::Float)) {
      attr = makeConstantAttr(type, ArrayRef<char>(t.data.data(), count * 4),
                              hint);
    } else {
      // DOUBLE, FLOAT16 and BFLOAT16 constants are converted to f32, the
      // type qc computes in.
      std::vector<float> converted(count);
      for (int64_t i = 0; i < count; ++i)
        converted[i] = static_cast<float>(floatElement(t, i));
      attr = makeConstantAttr(type, ArrayRef<float>(converted), hint);
    }
  } else if (isIntType(t.dataType)) {
    auto type = RankedTensorType::get(shape, builder.getI64Type());
    std::vector<int64_t> converted(count);
    for (int64_t i = 0; i < count; ++i)
      converted[i] = intElement(t, i);
    attr = makeConstantAttr(type, ArrayRef<int64_t>(converted), hint);
  } else if (t.dataType == static_cast<int32_t>(OnnxDataType::Bool)) {
    auto type = RankedTensorType::get(shape, builder.getI1Type());
    SmallVector<bool> bits;
    for (int64_t i = 0; i < count; ++i)
      bits.push_back(t.data[i] != 0);
    attr = DenseElementsAttr::get(type, ArrayRef<bool>(bits));
  } else {
    return error(n) << "tensor '" << t.name << "' has element type "
                    << onnxDataTypeName(t.dataType)
                    << ", which qc cannot import";
  }
  return create<ConstantOp>(n, {}, {named("value", attr)});
}

FailureOr<Value> Importer::materialize(const NodeRef &n,
                                       const KnownTensor &value,
                                       StringRef nameHint) {
  if (!value.isFullyKnown()) {
    if (!n.node.opType.empty())
      error(n) << "an input depends on a dynamic dimension that is not known "
                  "at import time; bind the model's dynamic input dimensions "
                  "with --input-shape";
    return failure();
  }
  int64_t count = value.numElements();
  ElementsAttr attr;
  std::string hint = sanitize(nameHint);
  if (value.kind == KnownTensor::Kind::Float) {
    auto type = RankedTensorType::get(value.shape, builder.getF32Type());
    std::vector<float> data(value.floats.begin(), value.floats.end());
    attr = makeConstantAttr(type, ArrayRef<float>(data), hint);
  } else if (value.kind == KnownTensor::Kind::Int) {
    auto type = RankedTensorType::get(value.shape, builder.getI64Type());
    attr = makeConstantAttr(type, ArrayRef<int64_t>(value.ints), hint);
  } else {
    auto type = RankedTensorType::get(value.shape, builder.getI1Type());
    SmallVector<bool> bits;
    for (int64_t i = 0; i < count; ++i)
      bits.push_back(value.ints[i] != 0);
    attr = DenseElementsAttr::get(type, ArrayRef<bool>(bits));
  }
  return create<ConstantOp>(n, {}, {named("value", attr)});
}

FailureOr<Value> Importer::anyInput(const NodeRef &n, size_t i) {
  ValueEntry *e = lookup(n, i);
  if (!e)
    return error(n) << "input #" << i << " is required but missing";
  if (e->value)
    return e->value;
  FailureOr<Value> v = e->tensor ? materializeTensor(n, *e->tensor)
                                 : materialize(n, *e->known, n.node.inputs[i]);
  if (failed(v))
    return failure();
  auto type = cast<RankedTensorType>(v->getType());
  if (llvm::is_contained(type.getShape(), 0)) {
    v->getDefiningOp()->erase();
    return error(n) << "input #" << i << " ('" << n.node.inputs[i]
                    << "') is an empty tensor " << shapeText(type.getShape())
                    << "; qc does not compute empty tensors";
  }
  e->value = *v;
  return *v;
}

FailureOr<Value> Importer::floatInput(const NodeRef &n, size_t i) {
  FailureOr<Value> v = anyInput(n, i);
  if (failed(v))
    return failure();
  auto type = cast<RankedTensorType>(v->getType());
  if (!type.getElementType().isF32())
    return error(n) << "input #" << i << " ('" << n.node.inputs[i]
                    << "') must be a float tensor, got " << typeString(type);
  return *v;
}

const KnownTensor *Importer::known(const NodeRef &n, size_t i) {
  ValueEntry *e = lookup(n, i);
  if (!e)
    return nullptr;
  if (e->known)
    return &*e->known;
  if (!e->tensor || e->tensor->numElements() > kMaxKnownElements)
    return nullptr;
  e->known = decodeTensor(*e->tensor);
  return e->known ? &*e->known : nullptr;
}

std::optional<KnownTensor>
mlir::qc::importer::decodeTensor(const OnnxTensor &t) {
  int64_t count = t.numElements();
  KnownTensor k;
  k.shape.assign(t.dims.begin(), t.dims.end());
  if (isFloatType(t.dataType)) {
    k.kind = KnownTensor::Kind::Float;
    k.floats.resize(count);
    for (int64_t j = 0; j < count; ++j)
      k.floats[j] = floatElement(t, j);
  } else if (isIntType(t.dataType) ||
             t.dataType == static_cast<int32_t>(OnnxDataType::Bool)) {
    k.kind = t.dataType == static_cast<int32_t>(OnnxDataType::Bool)
                 ? KnownTensor::Kind::Bool
                 : KnownTensor::Kind::Int;
    k.ints.resize(count);
    for (int64_t j = 0; j < count; ++j)
      k.ints[j] = intElement(t, j);
  } else {
    return std::nullopt;
  }
  return k;
}

bool Importer::constantFloats(const NodeRef &n, size_t i,
                              SmallVector<int64_t> &shape,
                              std::vector<float> &data) {
  ValueEntry *e = lookup(n, i);
  if (!e)
    return false;
  if (e->known && e->known->isFloat()) {
    shape = e->known->shape;
    data.assign(e->known->floats.begin(), e->known->floats.end());
    return true;
  }
  if (!e->tensor || !isFloatType(e->tensor->dataType))
    return false;
  const OnnxTensor &t = *e->tensor;
  shape.assign(t.dims.begin(), t.dims.end());
  int64_t count = t.numElements();
  data.resize(count);
  if (t.dataType == static_cast<int32_t>(OnnxDataType::Float)) {
    // memcpy from an empty tensor's null data() is undefined even for 0
    // bytes (UBSan, hostile-attributes.test's 0-element MatMul weight).
    if (count > 0)
      std::memcpy(data.data(), t.data.data(), count * 4);
  } else {
    for (int64_t j = 0; j < count; ++j)
      data[j] = static_cast<float>(floatElement(t, j));
  }
  return true;
}

LogicalResult Importer::checkFiniteConstant(const NodeRef &n, size_t i,
                                           StringRef what, bool nonNegative) {
  ValueEntry *e = lookup(n, i);
  if (!e)
    return success();
  auto check = [&](int64_t count, auto element) -> LogicalResult {
    for (int64_t j = 0; j < count; ++j) {
      double v = element(j);
      if (std::isfinite(v) && !(nonNegative && v < 0))
        continue;
      return error(n) << "the " << what << " (input #" << i << ", '"
                      << n.node.inputs[i] << "') holds " << numberText(v)
                      << " at element " << j << "; expected "
                      << (nonNegative ? "non-negative finite" : "finite")
                      << " values";
    }
    return success();
  };
  if (e->known && e->known->isFloat())
    return check(e->known->numElements(),
                 [&](int64_t j) { return e->known->floats[j]; });
  if (e->tensor && isFloatType(e->tensor->dataType))
    return check(e->tensor->numElements(),
                 [&](int64_t j) { return floatElement(*e->tensor, j); });
  return success();
}

FailureOr<Value> Importer::makeConstant(const NodeRef &n,
                                        ArrayRef<int64_t> shape,
                                        ArrayRef<float> data,
                                        StringRef nameHint) {
  auto type = RankedTensorType::get(shape, builder.getF32Type());
  ElementsAttr attr = makeConstantAttr(type, data, sanitize(nameHint));
  return create<ConstantOp>(n, {}, {named("value", attr)});
}

FailureOr<const KnownTensor *>
Importer::requireKnown(const NodeRef &n, size_t i, StringRef what) {
  if (!hasInput(n, i))
    return error(n) << "the " << what << " (input #" << i
                    << ") is required but missing";
  const KnownTensor *k = known(n, i);
  const ValueEntry *e = lookup(n, i);
  if (!k && e && e->tensor && e->tensor->numElements() > kMaxKnownElements)
    return error(n) << "the " << what << " (input #" << i << ", '"
                    << n.node.inputs[i] << "') is a constant of "
                    << e->tensor->numElements()
                    << " elements, more than the " << kMaxKnownElements
                    << " qc evaluates at import time";
  if (!k) {
    InFlightDiagnostic diag =
        error(n) << "the " << what << " (input #" << i << ", '"
                 << n.node.inputs[i]
                 << "') must be known at import time (a constant, or "
                    "computed from constants and static shapes), but it "
                    "is computed at run time";
    // A graph input: it can be bound to a constant.
    if (e && isa_and_nonnull<BlockArgument>(e->value))
      diag << " (bind graph input '" << n.node.inputs[i]
           << "' to a constant with --const-input " << n.node.inputs[i]
           << "=FILE.npy)";
    return diag;
  }
  return k;
}

FailureOr<SmallVector<int64_t>>
Importer::requireInts(const NodeRef &n, size_t i, StringRef what) {
  FailureOr<const KnownTensor *> k = requireKnown(n, i, what);
  if (failed(k))
    return failure();
  if ((*k)->isFloat())
    return error(n) << "the " << what << " (input #" << i
                    << ") must be an integer tensor";
  if (!(*k)->isFullyKnown())
    return error(n) << "the " << what << " (input #" << i << ", '"
                    << n.node.inputs[i]
                    << "') depends on a dynamic dimension that is not known "
                       "at import time; bind the model's dynamic input "
                       "dimensions with --input-shape";
  return SmallVector<int64_t>((*k)->ints.begin(), (*k)->ints.end());
}

FailureOr<double> Importer::requireScalar(const NodeRef &n, size_t i,
                                          StringRef what) {
  FailureOr<const KnownTensor *> k = requireKnown(n, i, what);
  if (failed(k))
    return failure();
  if ((*k)->numElements() != 1 || !(*k)->isFullyKnown())
    return error(n) << "the " << what << " (input #" << i
                    << ") must be a single known value, got "
                    << (*k)->numElements() << " elements";
  return (*k)->asDouble(0);
}

FailureOr<SmallVector<int64_t>> Importer::inputShape(const NodeRef &n,
                                                     size_t i) {
  ValueEntry *e = lookup(n, i);
  if (!e)
    return error(n) << "input #" << i << " is required but missing";
  if (e->value)
    return SmallVector<int64_t>(
        cast<RankedTensorType>(e->value.getType()).getShape());
  if (e->known)
    return SmallVector<int64_t>(e->known->shape);
  return SmallVector<int64_t>(e->tensor->dims.begin(), e->tensor->dims.end());
}

void Importer::setOutput(const NodeRef &n, size_t i, Value value) {
  if (i < n.node.outputs.size() && !n.node.outputs[i].empty())
    values[n.node.outputs[i]] = ValueEntry{value, std::nullopt, nullptr};
}

void Importer::setKnown(const NodeRef &n, size_t i, KnownTensor value) {
  if (i < n.node.outputs.size() && !n.node.outputs[i].empty())
    values[n.node.outputs[i]] = ValueEntry{Value(), std::move(value), nullptr};
}

void Importer::forward(const NodeRef &n, size_t i, size_t j) {
  if (i < n.node.outputs.size() && !n.node.outputs[i].empty()) {
    ValueEntry copy = values[n.node.inputs[j]];
    values[n.node.outputs[i]] = std::move(copy);
  }
}

const OnnxAttribute *Importer::attr(const NodeRef &n, StringRef name) {
  return n.node.findAttribute(name.str());
}

namespace {
InFlightDiagnostic wrongKind(Importer &imp, const NodeRef &n, StringRef name,
                             const char *expected, const OnnxAttribute &a) {
  return imp.error(n) << "attribute '" << name << "' must be " << expected
                      << ", got " << onnxAttributeKindName(a.kind);
}
} // namespace

FailureOr<int64_t> Importer::intAttr(const NodeRef &n, StringRef name,
                                     std::optional<int64_t> dflt) {
  const OnnxAttribute *a = attr(n, name);
  if (!a) {
    if (dflt)
      return *dflt;
    return error(n) << "required attribute '" << name << "' is missing";
  }
  if (a->kind != OnnxAttribute::Kind::Int)
    return wrongKind(*this, n, name, "an INT", *a);
  return a->i;
}

FailureOr<int64_t> Importer::flagAttr(const NodeRef &n, StringRef name,
                                      int64_t dflt) {
  FailureOr<int64_t> v = intAttr(n, name, dflt);
  if (failed(v))
    return failure();
  if (*v != 0 && *v != 1)
    return error(n) << "attribute '" << name << "' is " << *v
                    << "; expected 0 or 1";
  return *v;
}

FailureOr<float> Importer::floatAttr(const NodeRef &n, StringRef name,
                                     std::optional<float> dflt) {
  const OnnxAttribute *a = attr(n, name);
  if (!a) {
    if (dflt)
      return *dflt;
    return error(n) << "required attribute '" << name << "' is missing";
  }
  if (a->kind != OnnxAttribute::Kind::Float)
    return wrongKind(*this, n, name, "a FLOAT", *a);
  if (std::isnan(a->f))
    return error(n) << "attribute '" << name << "' is NaN";
  return a->f;
}

FailureOr<float> Importer::finiteFloatAttr(const NodeRef &n, StringRef name,
                                           std::optional<float> dflt,
                                           std::optional<float> min) {
  FailureOr<float> v = floatAttr(n, name, dflt);
  if (failed(v))
    return failure();
  if (!std::isfinite(*v))
    return error(n) << "attribute '" << name << "' is " << numberText(*v)
                    << "; expected a finite number";
  if (min && *v < *min)
    return error(n) << "attribute '" << name << "' is " << numberText(*v)
                    << "; expected at least " << numberText(*min);
  return *v;
}

FailureOr<std::string> Importer::stringAttr(const NodeRef &n, StringRef name,
                                            std::optional<StringRef> dflt) {
  const OnnxAttribute *a = attr(n, name);
  if (!a) {
    if (dflt)
      return dflt->str();
    return error(n) << "required attribute '" << name << "' is missing";
  }
  if (a->kind != OnnxAttribute::Kind::String)
    return wrongKind(*this, n, name, "a STRING", *a);
  return a->s;
}

FailureOr<std::optional<SmallVector<int64_t>>>
Importer::intsAttr(const NodeRef &n, StringRef name) {
  const OnnxAttribute *a = attr(n, name);
  if (!a)
    return std::optional<SmallVector<int64_t>>();
  if (a->kind != OnnxAttribute::Kind::Ints)
    return wrongKind(*this, n, name, "INTS", *a);
  return std::optional<SmallVector<int64_t>>(
      SmallVector<int64_t>(a->ints.begin(), a->ints.end()));
}

FailureOr<Value> Importer::reshape(const NodeRef &n, Value input,
                                   ArrayRef<int64_t> shape) {
  return create<ReshapeOp>(n, input, {i64s("shape", shape)});
}

FailureOr<Value> Importer::reshapeKeepingDims(const NodeRef &n, Value input,
                                              ArrayRef<int64_t> target,
                                              ArrayRef<int64_t> copyOf) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(target);
  int dynamicEntries = 0;
  for (int64_t d : shape)
    dynamicEntries += ShapedType::isDynamic(d) || d == -1;
  if (dynamicEntries <= 1) {
    for (int64_t &d : shape)
      if (ShapedType::isDynamic(d))
        d = -1;
    return reshape(n, input, shape);
  }
  // Several dynamic entries: resolve an explicit -1 from the static input
  // dimensions that are not copied, then the one remaining dynamic copy
  // becomes -1.
  int64_t inferredAt = -1;
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] == -1)
      inferredAt = i;
  if (inferredAt >= 0) {
    SmallVector<bool> copied(type.getRank(), false);
    int64_t known = 1;
    for (size_t i = 0; i < shape.size(); ++i) {
      if (static_cast<int64_t>(i) == inferredAt)
        continue;
      if (ShapedType::isDynamic(shape[i])) {
        if (copyOf[i] < 0)
          break;
        copied[copyOf[i]] = true;
      } else {
        // A product that overflows leaves the -1 unresolved; the reshape's
        // shape rule then reports the target.
        std::optional<int64_t> product = checkedMul(known, shape[i]);
        known = product ? *product : 0;
      }
    }
    int64_t rest = 1;
    bool restStatic = true;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      if (copied[i])
        continue;
      if (type.isDynamicDim(i))
        restStatic = false;
      else
        rest *= type.getDimSize(i);
    }
    if (restStatic && known > 0 && rest % known == 0) {
      shape[inferredAt] = rest / known;
      --dynamicEntries;
    }
  }
  if (dynamicEntries > 1)
    return error(n) << "the target shape " << shapeString(target)
                    << " has more than one dimension that is not known at "
                       "import time (input shape "
                    << shapeString(type.getShape())
                    << "); bind the model's dynamic input dimensions with "
                       "--input-shape";
  for (int64_t &d : shape)
    if (ShapedType::isDynamic(d))
      d = -1;
  return reshape(n, input, shape);
}

//===----------------------------------------------------------------------===//
// GELU fusion
//===----------------------------------------------------------------------===//

namespace {
/// The value of a one-element (or splat) qc.constant.
std::optional<double> splatConstant(Value v) {
  auto c = v.getDefiningOp<ConstantOp>();
  if (!c)
    return std::nullopt;
  ElementsAttr attr = c.getValue();
  if (!attr.getElementType().isF32() || attr.getNumElements() != 1)
    return std::nullopt;
  FailureOr<std::vector<float>> vals = getConstantValues<float>(attr);
  if (failed(vals))
    return std::nullopt;
  return (*vals)[0];
}

bool near(std::optional<double> v, double expected) {
  return v && std::fabs(*v - expected) <= 1e-5 * std::fabs(expected);
}

/// If `op` is a binary op of type OpTy with one operand a constant near
/// `c`, the other operand.
template <typename OpTy> Value otherThanConstant(Operation *op, double c) {
  auto bin = dyn_cast_or_null<OpTy>(op);
  if (!bin)
    return {};
  if (near(splatConstant(bin.getRhs()), c))
    return bin.getLhs();
  if (near(splatConstant(bin.getLhs()), c))
    return bin.getRhs();
  return {};
}

Operation *singleUser(Value v) {
  return v.hasOneUse() ? *v.getUsers().begin() : nullptr;
}
} // namespace

void Importer::fuseGelu() {
  SmallVector<ErfOp> erfs;
  func.walk([&](ErfOp op) { erfs.push_back(op); });
  for (ErfOp erf : erfs) {
    // erf(x / sqrt(2)) or erf(x * (1 / sqrt(2)))
    Operation *scale = erf.getInput().getDefiningOp();
    if (!scale || !scale->getResult(0).hasOneUse())
      continue;
    Value x;
    if (auto div = dyn_cast<DivOp>(scale)) {
      if (near(splatConstant(div.getRhs()), M_SQRT2))
        x = div.getLhs();
    } else {
      x = otherThanConstant<MulOp>(scale, M_SQRT1_2);
    }
    if (!x)
      continue;
    // 1 + erf(...)
    auto add = dyn_cast_or_null<AddOp>(singleUser(erf.getResult()));
    if (!add || otherThanConstant<AddOp>(add, 1.0) != erf.getResult())
      continue;
    auto mulX = dyn_cast_or_null<MulOp>(singleUser(add.getResult()));
    if (!mulX)
      continue;
    Value other =
        mulX.getLhs() == add.getResult() ? mulX.getRhs() : mulX.getLhs();
    SmallVector<Operation *> chain = {scale, erf, add, mulX};
    Operation *last = nullptr;
    if (other == x) {
      // (x * (1 + erf)) * 0.5
      Operation *half = singleUser(mulX.getResult());
      if (otherThanConstant<MulOp>(half, 0.5) == mulX.getResult()) {
        last = half;
        chain.push_back(half);
      }
    } else if (Operation *halfX = other.getDefiningOp();
               halfX && other.hasOneUse() &&
               otherThanConstant<MulOp>(halfX, 0.5) == x) {
      // (x * 0.5) * (1 + erf)
      last = mulX;
      chain.insert(chain.begin(), halfX);
    }
    if (!last || last->getResult(0).getType() != x.getType())
      continue;
    SmallVector<Location> locs;
    for (Operation *op : chain)
      locs.push_back(op->getLoc());
    OpBuilder b(last);
    FailureOr<GeluOp> gelu = createInferred<GeluOp>(
        b, FusedLoc::get(&context, locs), x,
        {b.getNamedAttr("approximate", b.getStringAttr("none"))});
    if (failed(gelu))
      continue;
    last->getResult(0).replaceAllUsesWith(gelu->getResult());
    llvm::SetVector<Operation *> constants;
    for (Operation *op : llvm::reverse(chain)) {
      for (Value operand : op->getOperands())
        if (auto c = operand.getDefiningOp<ConstantOp>())
          constants.insert(c);
      op->erase();
    }
    for (Operation *c : constants)
      if (c->use_empty())
        c->erase();
  }
}

//===----------------------------------------------------------------------===//
// Linear bias fusion
//===----------------------------------------------------------------------===//

void Importer::fuseDequantizedLinear() {
  // MatMul(x, Transpose(DequantizeLinear(W [N, K]))), how qc exports a
  // weight-only qc.linear of an input of rank > 2, becomes qc.linear(x,
  // dequantize(W)) again, so the import of an export is the same program
  // (and keeps the weight-only form, WeightOnlyForm.h, whose numerics are
  // not those of a float matmul).
  SmallVector<MatmulOp> matmuls;
  func.walk([&](MatmulOp op) { matmuls.push_back(op); });
  for (MatmulOp matmul : matmuls) {
    auto transpose = matmul.getRhs().getDefiningOp<TransposeOp>();
    if (!transpose || transpose.getPerm() != ArrayRef<int64_t>{1, 0})
      continue;
    auto dq = transpose.getInput().getDefiningOp<DequantizeOp>();
    auto wType = dq ? dyn_cast<RankedTensorType>(dq.getInput().getType())
                    : RankedTensorType();
    auto xType = dyn_cast<RankedTensorType>(matmul.getLhs().getType());
    if (!dq || !dq.getInput().getDefiningOp<ConstantOp>() || !wType ||
        wType.getRank() != 2 || !wType.getElementType().isInteger(8) ||
        !xType || xType.getRank() < 2)
      continue;
    OpBuilder b(matmul);
    FailureOr<LinearOp> linear = createInferred<LinearOp>(
        b, matmul.getLoc(), ValueRange{matmul.getLhs(), dq.getResult()});
    if (failed(linear) || linear->getType() != matmul.getType()) {
      if (succeeded(linear))
        linear->erase();
      continue;
    }
    matmul.getResult().replaceAllUsesWith(linear->getResult());
    matmul.erase();
    if (transpose->use_empty())
      transpose.erase();
  }
}

void Importer::fuseLinearBias() {
  // linear(x, W) + b, with b a constant of N entries ([N] or [1, ..., N])
  // and the linear used only by the add: b becomes the linear's bias.
  SmallVector<LinearOp> linears;
  func.walk([&](LinearOp op) {
    if (!op.getBias())
      linears.push_back(op);
  });
  for (LinearOp linear : linears) {
    auto add = dyn_cast_or_null<AddOp>(singleUser(linear.getResult()));
    if (!add)
      continue;
    Value other =
        add.getLhs() == linear.getResult() ? add.getRhs() : add.getLhs();
    auto constant = other.getDefiningOp<ConstantOp>();
    auto outType = cast<RankedTensorType>(linear.getType());
    int64_t nOut = outType.getShape().back();
    if (!constant || add.getType() != outType || ShapedType::isDynamic(nOut))
      continue;
    auto cType = cast<RankedTensorType>(constant.getType());
    if (!cType.getElementType().isF32() || cType.getNumElements() != nOut ||
        cType.getRank() < 1 || cType.getShape().back() != nOut)
      continue;
    OpBuilder b(add);
    Value bias = constant.getResult();
    if (cType.getRank() != 1) {
      FailureOr<std::vector<float>> data =
          getConstantValues<float>(constant.getValue());
      if (failed(data))
        continue;
      auto vecType = RankedTensorType::get({nOut}, b.getF32Type());
      FailureOr<ConstantOp> vec = createInferred<ConstantOp>(
          b, constant.getLoc(), {},
          {b.getNamedAttr(
              "value",
              makeConstantAttr(vecType, ArrayRef<float>(*data), "bias"))});
      if (failed(vec))
        continue;
      bias = vec->getResult();
    }
    FailureOr<LinearOp> fused = createInferred<LinearOp>(
        b, FusedLoc::get(&context, {linear.getLoc(), add.getLoc()}),
        ValueRange{linear.getInput(), linear.getWeight(), bias});
    if (failed(fused) || fused->getType() != add.getType()) {
      if (succeeded(fused))
        fused->erase();
      continue;
    }
    add.getResult().replaceAllUsesWith(fused->getResult());
    add.erase();
    linear.erase();
    if (constant->use_empty())
      constant.erase();
  }
}
