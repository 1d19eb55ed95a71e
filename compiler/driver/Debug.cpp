//===- Debug.cpp - qc debug: layer-by-layer float vs quantized -------------===//
//
// See Debug.h. The comparison never changes the programs it is given: it
// works on copies instrumented with extra results (and, for the "own error"
// copy, extra arguments), run by the reference executor (and, with
// --compiled, compiled and run as native code).
//
//===----------------------------------------------------------------------===//
#include "compiler/driver/Debug.h"

#include "compiler/driver/Compile.h"
#include "compiler/driver/CompileCache.h"
#include "compiler/driver/Driver.h"
#include "dialects/qc/IR/NodeName.h"
#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Passes.h"
#include "passes/Quantize/CalibrationData.h"
#include "reference/Executor.h"
#include "support/Shapes.h"
#include "support/OutputFile.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::qc;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();


std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

std::string shapeString(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return typeString(type);
  std::string s;
  for (auto [i, d] : llvm::enumerate(tensor.getShape()))
    s += (i ? "x" : "") + (ShapedType::isDynamic(d) ? std::string("?")
                                                     : std::to_string(d));
  return s.empty() ? "scalar" : s;
}

/// The f32 values of an array.
std::vector<float> floats(const ::qc::NpyArray &a) {
  std::vector<float> v(a.numElements());
  std::memcpy(v.data(), a.data.data(), v.size() * sizeof(float));
  return v;
}

/// Appends \p value as a result of \p func (no qc.name).
void appendResult(func::FuncOp func, Value value) {
  auto ret = cast<func::ReturnOp>(func.getBody().back().getTerminator());
  func.insertResult(func.getNumResults(), value.getType(),
                    DictionaryAttr::get(func.getContext()));
  ret->insertOperands(ret->getNumOperands(), value);
}

/// A qc.dequantize of \p q with its qparams, after \p q.
Value dequantizeOf(OpBuilder &b, QuantizeOp q) {
  b.setInsertionPointAfter(q);
  auto type = RankedTensorType::get(
      cast<RankedTensorType>(q.getType()).getShape(), b.getF32Type());
  return b.create<DequantizeOp>(q.getLoc(), type, q.getResult(),
                                q.getScaleAttr(), q.getZeroPointAttr(),
                                q.getAxisAttr());
}

/// Index of the channel of element \p i along \p axis of \p shape.
struct ChannelIndex {
  int64_t inner = 1, dim = 1;
  ChannelIndex(ArrayRef<int64_t> shape, std::optional<int64_t> axis) {
    if (!axis || *axis < 0 || *axis >= static_cast<int64_t>(shape.size()))
      return;
    dim = shape[*axis];
    for (size_t d = *axis + 1; d < shape.size(); ++d)
      inner *= shape[d];
  }
  int64_t operator()(int64_t i) const {
    return dim > 1 ? (i / inner) % dim : 0;
  }
};

void accumulate(ErrorStats &stats, ArrayRef<float> ref, ArrayRef<float> got,
                const ChannelIndex &channel, ArrayRef<float> scale) {
  for (size_t i = 0; i < ref.size(); ++i) {
    double r = ref[i], e = std::abs(r - double(got[i]));
    stats.signal += r * r;
    stats.noise += e * e;
    stats.maxAbs = std::max(stats.maxAbs, e);
    float s = scale.size() == 1 ? scale[0] : scale[channel(i)];
    stats.maxSteps = std::max(stats.maxSteps, e / s);
  }
  stats.count += ref.size();
}

/// The key of an op of node \p name for matching: the name and the op type.
std::string opKey(StringRef name, Operation *op) {
  return (name + Twine('\0') + op->getName().getStringRef()).str();
}

/// Is \p op an integer op of qc-lower-to-integer (the debugger compares the
/// Q/DQ form, where layers are quantize ops)?
bool isIntegerOp(Operation *op) {
  return llvm::is_contained(
      {"qc.qconv2d", "qc.qlinear", "qc.qadd", "qc.qmul", "qc.qmax_pool2d",
       "qc.qavg_pool2d", "qc.qrequantize", "qc.qlut"},
      op->getName().getStringRef());
}

} // namespace

double mlir::qc::sqnrDb(ArrayRef<float> ref, ArrayRef<float> got) {
  ErrorStats s;
  ChannelIndex none({}, std::nullopt);
  float one = 1;
  accumulate(s, ref, got.take_front(ref.size()), none, one);
  return s.sqnrDb();
}

double ErrorStats::sqnrDb() const {
  if (noise == 0)
    return kInf;
  if (signal == 0)
    return -kInf;
  return 10.0 * std::log10(signal / noise);
}

//===----------------------------------------------------------------------===//
// LayerComparator
//===----------------------------------------------------------------------===//

struct LayerComparator::Impl {
  ComparatorOptions options;
  /// Instrumented copies: the float model with one extra result per op
  /// layer; the quantized program with one extra result per layer (the
  /// dequantized value); the "own error" program (extra arguments: the
  /// float values fed to each op layer's qc.quantize; extra results as the
  /// quantized copy).
  /// The "added error" copy is the own-error copy with the float values
  /// fed to the consumers directly (no quantize / dequantize on the edges).
  OwningOpRef<ModuleOp> floatModule, quantModule, ownModule, addedModule;
  func::FuncOp floatFunc, quantFunc, ownFunc, addedFunc;
  unsigned floatResults = 0, quantResults = 0;
  std::unique_ptr<Executor> floatExec, quantExec, ownExec, addedExec;
  /// Per layer: the argument index of an input layer (else -1), the index
  /// of its float value among the float copy's extra results (else -1).
  std::vector<int> inputArg, floatExtra;
  /// The compiled copy, one per set of input shapes.
  std::map<std::string, std::unique_ptr<LoadedModel>> compiled;
  std::string target;
  /// Shapes of each layer in the first batch (checked in later batches).
  bool histogramsSet = false;

  FailureOr<LoadedModel *> compiledFor(const std::vector<::qc::NpyArray> &in);
  void accumulateLayer(LayerComparison &row, ArrayRef<float> ref,
                       ArrayRef<float> got, ArrayRef<float> own,
                       ArrayRef<float> alone, ArrayRef<float> native,
                       ArrayRef<int64_t> shape);
};

LayerComparator::LayerComparator() : impl(std::make_unique<Impl>()) {}
LayerComparator::~LayerComparator() = default;

namespace {

/// Weights of an op of the quantized program: operand 1 dequantized from an
/// integer constant, of \p op or of the op its only activation comes from
/// (a relu after a conv).
Operation *weightedOp(Operation *op) {
  for (int step = 0; op && step < 2; ++step) {
    if (op->getNumOperands() >= 2)
      if (auto dq = op->getOperand(1).getDefiningOp<DequantizeOp>())
        if (dq.getInput().getDefiningOp<ConstantOp>())
          return op;
    op = op->getNumOperands() >= 1 ? op->getOperand(0).getDefiningOp()
                                   : nullptr;
    if (op && isa<DequantizeOp, QuantizeOp>(op))
      return nullptr;
  }
  return nullptr;
}

/// Per-channel ranges and SQNR of the int8 weight of \p op (quantized
/// program) against the float model's op \p floatOp of the same name.
void describeWeight(Operation *op, Operation *floatOp, LayerComparison &row) {
  auto dq = op->getOperand(1).getDefiningOp<DequantizeOp>();
  auto cst = dq.getInput().getDefiningOp<ConstantOp>();
  auto type = cast<RankedTensorType>(cst.getType());
  if (!type.hasStaticShape())
    return;
  auto intType = cast<IntegerType>(type.getElementType());
  std::vector<int64_t> q;
  if (intType.getWidth() == 8) {
    if (intType.isUnsigned()) {
      auto v = getConstantValues<uint8_t>(cst.getValue());
      if (failed(v))
        return;
      q.assign(v->begin(), v->end());
    } else {
      auto v = getConstantValues<int8_t>(cst.getValue());
      if (failed(v))
        return;
      q.assign(v->begin(), v->end());
    }
  } else {
    return;
  }
  int64_t qmin = intType.isUnsigned() ? 0 : -(int64_t(1) << 7);
  int64_t qmax = intType.isUnsigned() ? 255 : 127;
  std::optional<int64_t> axis = dq.getAxis();
  ArrayRef<float> scales = dq.getScale();
  ArrayRef<int64_t> zps = dq.getZeroPoint();
  ChannelIndex channel(type.getShape(), axis);
  int64_t channels = channel.dim;
  std::vector<float> deq(q.size());
  for (size_t i = 0; i < q.size(); ++i) {
    int64_t c = scales.size() == 1 ? 0 : channel(i);
    deq[i] = float(q[i] - zps[c]) * scales[c];
  }
  std::optional<std::vector<float>> ref;
  if (floatOp && floatOp->getNumOperands() >= 2)
    if (auto fc = floatOp->getOperand(1).getDefiningOp<ConstantOp>())
      if (fc.getType() == RankedTensorType::get(type.getShape(),
                                                Float32Type::get(
                                                    op->getContext())))
        if (auto v = getConstantValues<float>(fc.getValue()); succeeded(v))
          ref = std::move(*v);
  const std::vector<float> &values = ref ? *ref : deq;
  row.weightChannels.assign(channels, ChannelRange{});
  std::vector<bool> seen(channels, false);
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t c = channel(i);
    ChannelRange &r = row.weightChannels[c];
    if (!seen[c]) {
      r.floatMin = r.floatMax = values[i];
      seen[c] = true;
    }
    r.floatMin = std::min(r.floatMin, values[i]);
    r.floatMax = std::max(r.floatMax, values[i]);
  }
  for (int64_t c = 0; c < channels; ++c) {
    size_t k = scales.size() == 1 ? 0 : c;
    row.weightChannels[c].gridMin = float(qmin - zps[k]) * scales[k];
    row.weightChannels[c].gridMax = float(qmax - zps[k]) * scales[k];
  }
  row.weightOf = nodeName(op->getLoc());
  if (ref)
    row.weightSqnrDb = sqnrDb(*ref, deq);
}

/// The qparams of a layer's quantize and what they can represent.
void describeQParams(QuantizeOp q, LayerComparison &row) {
  row.scale.assign(q.getScale().begin(), q.getScale().end());
  row.zeroPoint.assign(q.getZeroPoint().begin(), q.getZeroPoint().end());
  row.axis = q.getAxis();
  row.qmin = q.getQuantMin();
  row.qmax = q.getQuantMax();
  row.rangeMin = kInf;
  row.rangeMax = -kInf;
  for (size_t c = 0; c < row.scale.size(); ++c) {
    double lo = double(row.qmin - row.zeroPoint[c]) * row.scale[c];
    double hi = double(row.qmax - row.zeroPoint[c]) * row.scale[c];
    row.rangeMin = std::min(row.rangeMin, lo);
    row.rangeMax = std::max(row.rangeMax, hi);
  }
}

} // namespace

FailureOr<std::unique_ptr<LayerComparator>>
LayerComparator::create(func::FuncOp floatFunc, func::FuncOp quantFunc,
                        const ComparatorOptions &options) {
  std::unique_ptr<LayerComparator> self(new LayerComparator());
  Impl &m = *self->impl;
  m.options = options;
  MLIRContext *context = floatFunc.getContext();

  // The inputs must agree in number, element type and static dimensions.
  if (floatFunc.getNumArguments() != quantFunc.getNumArguments())
    return emitError(quantFunc.getLoc())
           << "the models do not match: the float model has "
           << floatFunc.getNumArguments()
           << " inputs, the quantized program "
           << quantFunc.getNumArguments();
  for (unsigned i = 0; i < floatFunc.getNumArguments(); ++i) {
    auto a = dyn_cast<RankedTensorType>(floatFunc.getArgument(i).getType());
    auto b = dyn_cast<RankedTensorType>(quantFunc.getArgument(i).getType());
    bool same = a && b && a.getElementType() == b.getElementType() &&
                a.getRank() == b.getRank();
    for (int64_t d = 0; same && d < a.getRank(); ++d)
      same = a.isDynamicDim(d) || b.isDynamicDim(d) ||
             a.getDimSize(d) == b.getDimSize(d);
    if (!same)
      return emitError(quantFunc.getLoc())
             << "the models do not match: input #" << i << " '"
             << argumentName(quantFunc, i) << "' is "
             << floatFunc.getArgument(i).getType() << " in the float model and "
             << quantFunc.getArgument(i).getType()
             << " in the quantized program";
  }

  // The float model's ops by node name (the last op of a name wins: an ONNX
  // node lowered to several ops yields its last one's value).
  // One ONNX node may become several ops (a Split one slice per output):
  // an op is matched by its name, its type and its position among the ops
  // of that name and type, in program order (the same importer made both).
  llvm::StringMap<Operation *> floatByName;
  llvm::StringMap<SmallVector<Operation *>> floatByKey;
  llvm::DenseMap<Operation *, unsigned> quantIndex;
  llvm::StringMap<unsigned> quantSeen;
  for (Operation &op : floatFunc.getBody().front()) {
    if (isa<ConstantOp, func::ReturnOp>(op) || op.getNumResults() == 0)
      continue;
    if (isa<QuantizeOp>(op))
      return op.emitError()
             << "the float model is already quantized (it has qc.quantize "
                "ops): give the float model first, then the quantized "
                "program";
    if (std::string name = nodeName(op.getLoc()); !name.empty()) {
      floatByName[name] = &op;
      floatByKey[opKey(name, &op)].push_back(&op);
    }
  }

  // The layers, in program order.
  IRMapping floatMap, quantMap, ownMap, addedMap;
  m.floatModule = OwningOpRef<ModuleOp>(
      cast<ModuleOp>(floatFunc->getParentOp()->clone(floatMap)));
  m.quantModule = OwningOpRef<ModuleOp>(
      cast<ModuleOp>(quantFunc->getParentOp()->clone(quantMap)));
  m.ownModule = OwningOpRef<ModuleOp>(
      cast<ModuleOp>(quantFunc->getParentOp()->clone(ownMap)));
  m.addedModule = OwningOpRef<ModuleOp>(
      cast<ModuleOp>(quantFunc->getParentOp()->clone(addedMap)));
  m.floatFunc = cast<func::FuncOp>(floatMap.lookup(floatFunc.getOperation()));
  m.addedFunc = cast<func::FuncOp>(addedMap.lookup(quantFunc.getOperation()));
  m.quantFunc = cast<func::FuncOp>(quantMap.lookup(quantFunc.getOperation()));
  m.ownFunc = cast<func::FuncOp>(ownMap.lookup(quantFunc.getOperation()));
  m.floatResults = floatFunc.getNumResults();
  m.quantResults = quantFunc.getNumResults();

  OpBuilder b(context);
  bool anyQuantize = false;
  // Own and added copies: the quantize whose input becomes the float value.
  std::vector<QuantizeOp> forced, forcedAdded;
  // Added copy: the dequantize ops of each layer's quantize, which read the
  // float value instead (the input itself for an input layer).
  std::vector<std::pair<QuantizeOp, Value>> bypass;
  llvm::SmallPtrSet<Operation *, 8> keep; // the layers' own results
  for (Operation &op : quantFunc.getBody().front()) {
    if (isIntegerOp(&op))
      return op.emitError()
             << "'" << op.getName()
             << "' is an integer op of qc-lower-to-integer: qc debug "
                "compares the Q/DQ form (qc quantize without "
                "--lower-to-integer)";
    if (!isa<ConstantOp, QuantizeOp, DequantizeOp, func::ReturnOp>(op))
      if (std::string name = nodeName(op.getLoc()); !name.empty())
        quantIndex[&op] = quantSeen[opKey(name, &op)]++;
    auto q = dyn_cast<QuantizeOp>(op);
    if (!q)
      continue;
    anyQuantize = true;
    // A quantize of a dequantized value requantizes an earlier layer's
    // value (other qparams for another consumer): the value compared is
    // that layer's.
    Value x = q.getInput();
    bool requantize = false;
    while (auto dq = x.getDefiningOp<DequantizeOp>()) {
      auto earlier = dq.getInput().getDefiningOp<QuantizeOp>();
      if (!earlier)
        break;
      x = earlier.getInput();
      requantize = true;
    }
    LayerComparison row;
    int arg = -1, extra = -1;
    Operation *producer = x.getDefiningOp();
    Operation *floatOp = nullptr;
    if (auto blockArg = dyn_cast<BlockArgument>(x)) {
      arg = blockArg.getArgNumber();
      row.name = argumentName(quantFunc, arg);
      row.opType = requantize ? "requantize" : "input";
    } else if (isa<ConstantOp, DequantizeOp>(producer)) {
      continue;
    } else {
      row.name = nodeName(producer->getLoc());
      row.opType = requantize ? "requantize"
                              : producer->getName().getStringRef().str();
      if (row.name.empty())
        continue;
      auto it = floatByKey.find(opKey(row.name, producer));
      unsigned k = quantIndex.lookup(producer);
      if (it == floatByKey.end() || k >= it->second.size()) {
        self->missing.push_back(row.name);
        continue;
      }
      floatOp = it->second[k];
      if (it->second.size() > 1)
        row.name += "[" + std::to_string(k) + "]";
      unsigned index = cast<OpResult>(x).getResultNumber();
      if (index >= floatOp->getNumResults()) {
        self->missing.push_back(row.name);
        continue;
      }
      Value fv = floatOp->getResult(index);
      auto ft = dyn_cast<RankedTensorType>(fv.getType());
      auto qt = dyn_cast<RankedTensorType>(x.getType());
      if (!ft || !qt || !ft.getElementType().isF32() ||
          ft.getRank() != qt.getRank() ||
          (ft.hasStaticShape() && qt.hasStaticShape() &&
           ft.getShape() != qt.getShape()))
        return emitError(producer->getLoc())
               << "the models do not match: node '" << row.name << "' is "
               << fv.getType() << " in the float model and " << x.getType()
               << " in the quantized program";
      extra = m.floatFunc.getNumResults();
      appendResult(m.floatFunc, floatMap.lookup(fv));
    }
    row.shape = shapeString(x.getType());
    describeQParams(q, row);
    if (producer)
      if (Operation *w = weightedOp(producer)) {
        auto fw = floatByName.find(nodeName(w->getLoc()));
        describeWeight(w, fw == floatByName.end() ? nullptr : fw->second,
                       row);
      }
    // Quantized copy: the layer's dequantized value as a result.
    appendResult(m.quantFunc,
                 dequantizeOf(b, cast<QuantizeOp>(quantMap.lookup(&op))));
    // Own-error copy: the op's value quantized as here, as a result; the
    // quantize the consumers read takes the float model's value instead.
    auto ownQ = cast<QuantizeOp>(ownMap.lookup(&op));
    if (arg >= 0) {
      appendResult(m.ownFunc, dequantizeOf(b, ownQ));
    } else {
      b.setInsertionPoint(ownQ);
      auto copy = cast<QuantizeOp>(b.clone(*ownQ));
      appendResult(m.ownFunc, dequantizeOf(b, copy));
      forced.push_back(ownQ);
    }
    // Added-error copy: the same results; the consumers' dequantize of this
    // layer reads the float value (forced below) instead.
    auto addedQ = cast<QuantizeOp>(addedMap.lookup(&op));
    if (arg >= 0) {
      Value result = dequantizeOf(b, addedQ);
      appendResult(m.addedFunc, result);
      keep.insert(result.getDefiningOp());
      bypass.push_back({addedQ, addedQ.getInput()});
    } else {
      b.setInsertionPoint(addedQ);
      auto copy = cast<QuantizeOp>(b.clone(*addedQ));
      appendResult(m.addedFunc, dequantizeOf(b, copy));
      forcedAdded.push_back(addedQ);
    }
    m.inputArg.push_back(arg);
    m.floatExtra.push_back(extra);
    self->rows.push_back(std::move(row));
  }
  if (!anyQuantize)
    return emitError(quantFunc.getLoc())
           << "the quantized program has no qc.quantize op: give the output "
              "of qc quantize as the second model";
  if (self->rows.empty() ||
      llvm::all_of(m.inputArg, [](int a) { return a >= 0; })) {
    std::string names;
    for (auto [i, name] : llvm::enumerate(self->missing))
      if (i < 8)
        names += (i ? ", '" : "'") + name + "'";
    InFlightDiagnostic diag = emitError(quantFunc.getLoc())
                              << "no layer in common: ";
    if (names.empty())
      diag << "the quantized program's quantized ops carry no node names";
    else
      diag << "the float model has no op named as the quantized program's "
              "layers ("
           << names << (self->missing.size() > 8 ? ", ..." : "")
           << "); are they the same model?";
    return diag;
  }
  // The own-error copy's extra arguments, in layer order.
  for (QuantizeOp q : forced) {
    unsigned index = m.ownFunc.getNumArguments();
    m.ownFunc.insertArgument(index, q.getInput().getType(),
                             DictionaryAttr::get(context), q.getLoc());
    q.getInputMutable().assign(m.ownFunc.getArgument(index));
  }
  for (QuantizeOp q : forcedAdded) {
    unsigned index = m.addedFunc.getNumArguments();
    m.addedFunc.insertArgument(index, q.getInput().getType(),
                               DictionaryAttr::get(context), q.getLoc());
    bypass.push_back({q, m.addedFunc.getArgument(index)});
  }
  for (auto &[q, value] : bypass)
    for (Operation *user : llvm::to_vector(q->getUsers()))
      if (auto dq = dyn_cast<DequantizeOp>(user);
          dq && !keep.contains(dq) && dq.getType() == value.getType())
        dq.getResult().replaceAllUsesWith(value);
  m.floatExec = std::make_unique<Executor>(m.floatFunc);
  m.quantExec = std::make_unique<Executor>(m.quantFunc);
  m.ownExec = std::make_unique<Executor>(m.ownFunc);
  m.addedExec = std::make_unique<Executor>(m.addedFunc);
  return self;
}

FailureOr<LoadedModel *>
LayerComparator::Impl::compiledFor(const std::vector<::qc::NpyArray> &in) {
  std::string key;
  for (const ::qc::NpyArray &a : in)
    key += ::qc::shapeToString(a.shape) + ";";
  if (auto it = compiled.find(key); it != compiled.end())
    return it->second.get();
  // A copy with the batch's shapes bound (compiled code is static).
  OwningOpRef<ModuleOp> module(quantModule->clone());
  func::FuncOp func = *getEntryFunction(*module);
  std::vector<std::string> bindings;
  for (auto [i, a] : llvm::enumerate(in)) {
    auto type = cast<RankedTensorType>(func.getArgument(i).getType());
    if (type.hasStaticShape())
      continue;
    std::string dims;
    for (auto [j, d] : llvm::enumerate(a.shape))
      dims += (j ? "," : "") + std::to_string(d);
    bindings.push_back(argumentName(func, i) + ":" + dims);
  }
  if (!bindings.empty()) {
    PassManager pm(module->getContext());
    QCShapeInferenceOptions shapes;
    shapes.inputShapes = llvm::join(bindings, ";");
    pm.nest<func::FuncOp>().addPass(createQCShapeInference(shapes));
    if (failed(pm.run(*module)))
      return failure();
  }
  CompileOptions co;
  co.target = options.target;
  co.name = "qc_debug";
  co.source = "qc debug";
  FailureOr<CompiledModel> object = compileModelCached(*module, co);
  if (failed(object))
    return failure();
  target = object->target;
  std::string error;
  std::unique_ptr<LoadedModel> loaded =
      LoadedModel::load(object->object, co.name, error);
  if (!loaded || !loaded->startSession(options.threads, error))
    return emitError(quantFunc.getLoc())
           << "cannot run the compiled program: " << error;
  LoadedModel *result = loaded.get();
  compiled[key] = std::move(loaded);
  return result;
}

void LayerComparator::Impl::accumulateLayer(LayerComparison &row,
                                            ArrayRef<float> ref,
                                            ArrayRef<float> got,
                                            ArrayRef<float> own,
                                            ArrayRef<float> alone,
                                            ArrayRef<float> native,
                                            ArrayRef<int64_t> shape) {
  ChannelIndex channel(shape, row.axis);
  accumulate(row.reference, ref, got, channel, row.scale);
  accumulate(row.own, ref, own, channel, row.scale);
  accumulate(row.added, ref, alone, channel, row.scale);
  if (!native.empty())
    accumulate(row.compiled, ref, native, channel, row.scale);
  float lo = ref.empty() ? 0 : ref[0], hi = lo;
  for (float v : ref) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (row.elements == 0) {
    row.seenMin = lo;
    row.seenMax = hi;
  }
  row.seenMin = std::min<double>(row.seenMin, lo);
  row.seenMax = std::max<double>(row.seenMax, hi);
  // Clamped by the quantize: round half to even (the default rounding
  // mode) of x / scale, plus the zero point, outside [qmin, qmax].
  for (size_t i = 0; i < ref.size(); ++i) {
    size_t c = row.scale.size() == 1 ? 0 : channel(i);
    float r = std::nearbyint(ref[i] / row.scale[c]);
    double qv = double(r) + double(row.zeroPoint[c]);
    if (qv < row.qmin || qv > row.qmax)
      ++row.clipped;
  }
  row.elements += ref.size();
  Histogram &h = row.histogram;
  if (h.bins.empty()) {
    double a = std::min(row.rangeMin, double(lo));
    double z = std::max(row.rangeMax, double(hi));
    if (!(z > a))
      z = a + 1;
    double pad = (z - a) * 0.02;
    h.lo = a - pad;
    h.hi = z + pad;
    h.bins.assign(options.bins, 0);
  }
  // Values beyond the range double it (towards them), merging bins in
  // pairs, until the batch fits: later batches may reach further.
  for (int grow = 0; grow < 64 && (lo < h.lo || hi > h.hi); ++grow) {
    size_t n = h.bins.size();
    std::vector<int64_t> merged(n, 0);
    bool up = hi > h.hi;
    for (size_t k = 0; k < n; ++k)
      merged[(up ? 0 : n / 2) + k / 2] += h.bins[k];
    if (up)
      h.hi = h.lo + 2 * (h.hi - h.lo);
    else
      h.lo = h.hi - 2 * (h.hi - h.lo);
    h.bins = std::move(merged);
  }
  double width = (h.hi - h.lo) / h.bins.size();
  for (float v : ref) {
    int64_t k = static_cast<int64_t>(std::floor((v - h.lo) / width));
    if (k < 0) {
      ++h.below;
      k = 0;
    } else if (k >= static_cast<int64_t>(h.bins.size())) {
      ++h.above;
      k = h.bins.size() - 1;
    }
    ++h.bins[k];
  }
}

LogicalResult
LayerComparator::addBatch(const std::vector<::qc::NpyArray> &inputs) {
  Impl &m = *impl;
  FailureOr<std::vector<::qc::NpyArray>> fl = m.floatExec->run(inputs);
  if (failed(fl))
    return failure();
  FailureOr<std::vector<::qc::NpyArray>> qu = m.quantExec->run(inputs);
  if (failed(qu))
    return failure();
  // The own-error program reads the float values of the op layers.
  std::vector<::qc::NpyArray> ownInputs = inputs;
  for (size_t r = 0; r < rows.size(); ++r)
    if (m.floatExtra[r] >= 0)
      ownInputs.push_back((*fl)[m.floatExtra[r]]);
  FailureOr<std::vector<::qc::NpyArray>> own = m.ownExec->run(ownInputs);
  if (failed(own))
    return failure();
  FailureOr<std::vector<::qc::NpyArray>> added = m.addedExec->run(ownInputs);
  if (failed(added))
    return failure();
  std::vector<::qc::NpyArray> native;
  if (m.options.compiled) {
    FailureOr<LoadedModel *> loaded = m.compiledFor(inputs);
    if (failed(loaded))
      return failure();
    std::string error;
    if (!(*loaded)->run(inputs, native, error))
      return emitError(m.quantFunc.getLoc())
             << "the compiled program failed: " << error;
    target = m.target;
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    const ::qc::NpyArray &ref =
        m.inputArg[r] >= 0 ? inputs[m.inputArg[r]] : (*fl)[m.floatExtra[r]];
    const ::qc::NpyArray &got = (*qu)[m.quantResults + r];
    const ::qc::NpyArray &mine = (*own)[m.quantResults + r];
    const ::qc::NpyArray &alone = (*added)[m.quantResults + r];
    if (ref.dtype != ::qc::DType::F32 || got.shape != ref.shape ||
        mine.shape != ref.shape || alone.shape != ref.shape)
      return emitError(m.quantFunc.getLoc())
             << "the models do not match: layer '" << rows[r].name
             << "' has shape " << ::qc::shapeToString(ref.shape)
             << " in the float model and " << ::qc::shapeToString(got.shape)
             << " in the quantized program";
    std::vector<float> nativeValues;
    if (m.options.compiled) {
      const ::qc::NpyArray &n = native[m.quantResults + r];
      if (n.shape != ref.shape || n.dtype != ::qc::DType::F32)
        return emitError(m.quantFunc.getLoc())
               << "the compiled program's layer '" << rows[r].name
               << "' has shape " << ::qc::shapeToString(n.shape)
               << ", expected " << ::qc::shapeToString(ref.shape);
      nativeValues = floats(n);
    }
    m.accumulateLayer(rows[r], floats(ref), floats(got), floats(mine),
                      floats(alone), nativeValues, ref.shape);
  }
  sampleCount += inputs.empty() || inputs[0].shape.empty()
                     ? 1
                     : inputs[0].shape[0];
  return success();
}

void LayerComparator::finish(int count) {
  std::vector<size_t> order;
  for (size_t r = 0; r < rows.size(); ++r) {
    rows[r].worstRank = 0;
    if (!rows[r].added.empty() && std::isfinite(rows[r].added.sqnrDb()))
      order.push_back(r);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return rows[a].added.sqnrDb() < rows[b].added.sqnrDb();
  });
  for (size_t k = 0; k < order.size() && static_cast<int>(k) < count; ++k)
    rows[order[k]].worstRank = k + 1;
}

FailureOr<llvm::StringMap<::qc::NpyArray>>
mlir::qc::floatActivations(func::FuncOp floatFunc,
                           ArrayRef<std::string> names,
                           const std::vector<::qc::NpyArray> &inputs) {
  IRMapping map;
  OwningOpRef<ModuleOp> module(
      cast<ModuleOp>(floatFunc->getParentOp()->clone(map)));
  auto func = cast<func::FuncOp>(map.lookup(floatFunc.getOperation()));
  llvm::StringMap<Operation *> byName;
  for (Operation &op : func.getBody().front())
    if (!isa<ConstantOp, func::ReturnOp>(op) && op.getNumResults() > 0)
      if (std::string name = nodeName(op.getLoc()); !name.empty())
        byName[name] = &op;
  unsigned first = func.getNumResults();
  for (const std::string &name : names) {
    auto it = byName.find(name);
    if (it == byName.end())
      return emitError(floatFunc.getLoc())
             << "the model has no op named '" << name << "'";
    appendResult(func, it->second->getResult(0));
  }
  FailureOr<std::vector<::qc::NpyArray>> out = runFunction(func, inputs);
  if (failed(out))
    return failure();
  llvm::StringMap<::qc::NpyArray> result;
  for (auto [i, name] : llvm::enumerate(names))
    result[name] = std::move((*out)[first + i]);
  return result;
}

//===----------------------------------------------------------------------===//
// qc debug
//===----------------------------------------------------------------------===//

namespace {

/// Whether the --input bindings are one data source for the whole model
/// (an .npz, a directory, or an .npy of samples for a single-input model)
/// rather than one .npy per input for a single run.
FailureOr<bool> isDataSource(func::FuncOp func, ArrayRef<std::string> bindings,
                             std::string &path) {
  if (bindings.size() != 1)
    return false;
  StringRef binding(bindings[0]);
  // NAME=DATA: NAME must be the model's input (for a single-input model).
  path = binding.str();
  bool named = false;
  std::string names;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    std::string name = argumentName(func, i);
    names += (i ? ", '" : "'") + name + "'";
    if (binding.starts_with(name + "=") &&
        (!named || name.size() + 1 > binding.size() - path.size())) {
      path = binding.drop_front(name.size() + 1).str();
      named = true;
    }
  }
  if (!named && binding.contains('=') && !llvm::sys::fs::exists(path))
    return emitError(func.getLoc())
           << "--input '" << binding << "': the model has no input '"
           << binding.split('=').first << "' (its inputs: " << names << ")";
  if (llvm::sys::fs::is_directory(path) ||
      llvm::sys::path::extension(path) == ".npz")
    return true;
  return func.getNumArguments() == 1;
}

} // namespace

int mlir::qc::runDebug(MLIRContext &context, const DebugOptions &options) {
  LoadOptions floatLoad;
  floatLoad.inputShapes = options.inputShapes;
  OwningOpRef<ModuleOp> floatModule =
      loadModel(context, options.floatModel, floatLoad);
  if (!floatModule)
    return 1;
  // A float .mlir is simplified as `qc quantize` simplifies the model, so
  // node names denote the same values on both sides.
  if (llvm::sys::path::extension(options.floatModel) != ".onnx") {
    PassManager pm(&context);
    SimplifyOptions simplify;
    buildSimplifyPipeline(pm.nest<func::FuncOp>(), simplify);
    if (failed(pm.run(*floatModule)))
      return 1;
  }
  // The quantized program as written (simplifying would fold its weights'
  // dequantize back into float constants).
  LoadOptions quantLoad;
  quantLoad.inputShapes = options.inputShapes;
  quantLoad.simplify = false;
  OwningOpRef<ModuleOp> quantModule =
      loadModel(context, options.quantModel, quantLoad);
  if (!quantModule)
    return 1;
  FailureOr<func::FuncOp> floatFunc = getEntryFunction(*floatModule);
  FailureOr<func::FuncOp> quantFunc = getEntryFunction(*quantModule);
  if (failed(floatFunc) || failed(quantFunc))
    return 1;
  FailureOr<std::unique_ptr<LayerComparator>> comparator =
      LayerComparator::create(*floatFunc, *quantFunc, options.comparator);
  if (failed(comparator))
    return 1;

  std::string path;
  FailureOr<bool> source = isDataSource(*quantFunc, options.inputs, path);
  if (failed(source))
    return 1;
  if (*source) {
    CalibrationDataOptions dataOptions;
    dataOptions.batchSize = options.batchSize;
    dataOptions.maxSamples = options.maxSamples;
    FailureOr<std::unique_ptr<CalibrationData>> data =
        CalibrationData::open(*quantFunc, path, dataOptions);
    if (failed(data))
      return 1;
    while (true) {
      FailureOr<std::optional<CalibrationData::Batch>> batch = (*data)->next();
      if (failed(batch))
        return 1;
      if (!*batch)
        break;
      if (failed((*comparator)->addBatch((*batch)->inputs)))
        return 1;
    }
  } else {
    FailureOr<std::vector<::qc::NpyArray>> arrays =
        readInputs(*quantFunc, options.inputs);
    if (failed(arrays) || failed((*comparator)->addBatch(*arrays)))
      return 1;
  }
  (*comparator)->finish(options.worst);

  DebugReport report;
  report.floatModel = options.floatModel;
  report.quantModel = options.quantModel;
  report.samples = (*comparator)->samples();
  report.compiled = options.comparator.compiled;
  report.target = (*comparator)->compiledTarget();
  report.layers = (*comparator)->layers();
  report.unmatched = (*comparator)->unmatched();

  if (!options.csvPath.empty())
    if (absl::Status s = ::qc::writeFileAtomically(options.csvPath,
                                                   formatDebugCsv(report));
        !s.ok()) {
      (void)emitFileError(&context, s.message());
      return 1;
    }
  if (!options.htmlPath.empty())
    if (absl::Status s = ::qc::writeFileAtomically(options.htmlPath,
                                                   formatDebugHtml(report));
        !s.ok()) {
      (void)emitFileError(&context, s.message());
      return 1;
    }
  llvm::outs() << formatDebugTable(report);
  return 0;
}

//===----------------------------------------------------------------------===//
// Table and CSV
//===----------------------------------------------------------------------===//

std::string mlir::qc::formatFixed(double v, int digits) {
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  if (std::isnan(v))
    return "nan";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

std::string mlir::qc::formatGeneral(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}

namespace {

std::string range(double lo, double hi) {
  return "[" + formatGeneral(lo) + ", " + formatGeneral(hi) + "]";
}

std::string csvField(StringRef s) {
  if (s.find_first_of(",\"\n\r") == StringRef::npos)
    return s.str();
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

} // namespace

std::string mlir::qc::formatDebugTable(const DebugReport &report) {
  std::vector<std::string> header = {"#",        "layer",     "op",
                                     "shape",    "SQNR dB",   "compiled dB",
                                     "own dB",   "added dB",  "max err",
                                     "calibrated range",
                                     "seen range", "clipped", "weight dB",
                                     "worst"};
  std::vector<std::vector<std::string>> cells;
  for (auto [i, l] : llvm::enumerate(report.layers)) {
    cells.push_back(
        {std::to_string(i + 1), escapeForTerminal(l.name), l.opType, l.shape,
         formatFixed(l.reference.sqnrDb(), 2),
         report.compiled ? formatFixed(l.compiled.sqnrDb(), 2) : "-",
         formatFixed(l.own.sqnrDb(), 2), formatFixed(l.added.sqnrDb(), 2),
         formatFixed(l.reference.maxSteps, 2),
         range(l.rangeMin, l.rangeMax), range(l.seenMin, l.seenMax),
         l.clipped && l.clippedFraction() < 0.00001
             ? "<0.001%"
             : formatFixed(100.0 * l.clippedFraction(), 3) + "%",
         l.weightSqnrDb ? formatFixed(*l.weightSqnrDb, 2) : "-",
         l.worstRank ? "<- worst #" + std::to_string(l.worstRank) : ""});
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (auto &row : cells)
      width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "qc debug: " << escapeForTerminal(report.floatModel) << " (float) vs "
     << escapeForTerminal(report.quantModel) << " (quantized), "
     << report.samples << (report.samples == 1 ? " sample" : " samples")
     << (report.compiled ? ", compiled for " + report.target : "") << "\n";
  // Numbers right-aligned, names left-aligned; the last column unpadded.
  auto line = [&](const std::vector<std::string> &row) {
    std::string text;
    for (size_t c = 0; c < row.size(); ++c) {
      bool left = c == 1 || c == 2 || c == 3 || c + 1 == row.size();
      std::string pad(width[c] - row[c].size(), ' ');
      if (c + 1 == row.size())
        pad.clear();
      text += (c ? "  " : "") + (left ? row[c] + pad : pad + row[c]);
    }
    while (!text.empty() && text.back() == ' ')
      text.pop_back();
    os << text << "\n";
  };
  line(header);
  for (auto &row : cells)
    line(row);
  std::vector<const LayerComparison *> worst;
  for (const LayerComparison &l : report.layers)
    if (l.worstRank)
      worst.push_back(&l);
  llvm::sort(worst, [](auto *a, auto *b) { return a->worstRank < b->worstRank; });
  if (!worst.empty()) {
    os << "worst layers (by the error each adds):";
    for (auto [i, l] : llvm::enumerate(worst))
      os << (i ? ", " : " ") << escapeForTerminal(l->name) << " ("
         << formatFixed(l->added.sqnrDb(), 2) << " dB)";
    os << "\n";
  }
  if (!report.unmatched.empty()) {
    os << "not compared (no op of that name in the float model):";
    for (auto [i, n] : llvm::enumerate(report.unmatched))
      os << (i ? ", " : " ") << escapeForTerminal(n);
    os << "\n";
  }
  os << "SQNR dB: the quantized program against the float model; own dB: "
        "the op alone, its inputs from the float run quantized as the "
        "program does; added dB: the op alone with float inputs (its weights "
        "and output quantization only); max err: in output quantization "
        "steps\n";
  return out;
}

std::string mlir::qc::formatDebugCsv(const DebugReport &report) {
  std::string out =
      "index,layer,op,shape,sqnr_db,compiled_sqnr_db,own_sqnr_db,"
      "added_sqnr_db,"
      "max_err_steps,compiled_max_err_steps,calib_min,calib_max,seen_min,"
      "seen_max,clipped_fraction,scale,zero_point,weight_sqnr_db,worst_rank\n";
  auto num = [](double v) {
    if (std::isinf(v))
      return std::string(v > 0 ? "inf" : "-inf");
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.9g", v);
    return std::string(buf);
  };
  for (auto [i, l] : llvm::enumerate(report.layers)) {
    out += std::to_string(i + 1) + "," + csvField(l.name) + "," + l.opType +
           "," + l.shape + "," + num(l.reference.sqnrDb()) + "," +
           (report.compiled ? num(l.compiled.sqnrDb()) : "") + "," +
           num(l.own.sqnrDb()) + "," + num(l.added.sqnrDb()) + "," +
           num(l.reference.maxSteps) + "," +
           (report.compiled ? num(l.compiled.maxSteps) : "") + "," +
           num(l.rangeMin) + "," + num(l.rangeMax) + "," + num(l.seenMin) +
           "," + num(l.seenMax) + "," + num(l.clippedFraction()) + "," +
           (l.scale.size() == 1 ? num(l.scale[0]) : "per-channel") + "," +
           (l.zeroPoint.size() == 1 ? std::to_string(l.zeroPoint[0])
                                    : "per-channel") +
           "," + (l.weightSqnrDb ? num(*l.weightSqnrDb) : "") + "," +
           std::to_string(l.worstRank) + "\n";
  }
  return out;
}
