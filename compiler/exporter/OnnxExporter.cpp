//===- OnnxExporter.cpp - qc program -> ONNX QDQ model --------------------===//
#include "compiler/exporter/OnnxExporter.h"
#include "compiler/exporter/OnnxProtoWriter.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCDialect.h"
#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::qc;

namespace {

/// The opset of an export, the lowest that expresses the program: 13; 14
/// when it has a qc.trilu (Trilu is opset 14) or a qc.arith (Add, Sub, Mul,
/// Div of 8- and 16-bit integers are opset 14); 17 with a layer norm
/// (LayerNormalization); 21 with a block-quantized dequantize
/// (DequantizeLinear's block_size and the 4-bit types). A gelu is the Gelu op
/// from opset 20, else its formula in opset-13 ops, so that a transformer
/// exports as opset 17 / IR 8, which tools of ONNX 1.12 (Debian's) still
/// check. From opset 18 the reductions take their axes as an input
/// (ReduceSum from 13).
constexpr int64_t kOpset = 13;
constexpr int64_t kOpset14 = 14;
constexpr int64_t kLayerNormOpset = 17;
constexpr int64_t kBlockOpset = 21;

/// The ONNX op of a qc op that maps one to one, operands to inputs in
/// order and no attributes; empty for the others.
StringRef plainOnnxOp(Operation *op) {
  return llvm::TypeSwitch<Operation *, StringRef>(op)
      .Case([](MatmulOp) { return "MatMul"; })
      .Case([](ReluOp) { return "Relu"; })
      .Case([](SigmoidOp) { return "Sigmoid"; })
      .Case([](TanhOp) { return "Tanh"; })
      .Case([](ErfOp) { return "Erf"; })
      .Case([](SqrtOp) { return "Sqrt"; })
      .Case([](AbsOp) { return "Abs"; })
      .Case([](NegOp) { return "Neg"; })
      .Case([](ExpOp) { return "Exp"; })
      .Case([](LogOp) { return "Log"; })
      .Case([](ReciprocalOp) { return "Reciprocal"; })
      .Case([](FloorOp) { return "Floor"; })
      .Case([](CeilOp) { return "Ceil"; })
      .Case([](RoundOp) { return "Round"; })
      .Case([](SignOp) { return "Sign"; })
      .Case([](SinOp) { return "Sin"; })
      .Case([](CosOp) { return "Cos"; })
      .Case([](TanOp) { return "Tan"; })
      .Case([](AsinOp) { return "Asin"; })
      .Case([](AcosOp) { return "Acos"; })
      .Case([](AtanOp) { return "Atan"; })
      .Case([](SinhOp) { return "Sinh"; })
      .Case([](CoshOp) { return "Cosh"; })
      .Case([](AsinhOp) { return "Asinh"; })
      .Case([](AcoshOp) { return "Acosh"; })
      .Case([](AtanhOp) { return "Atanh"; })
      .Case([](SoftplusOp) { return "Softplus"; })
      .Case([](SoftsignOp) { return "Softsign"; })
      .Case([](AddOp) { return "Add"; })
      .Case([](SubOp) { return "Sub"; })
      .Case([](MulOp) { return "Mul"; })
      .Case([](DivOp) { return "Div"; })
      .Case([](PowOp) { return "Pow"; })
      .Case([](PReluOp) { return "PRelu"; })
      .Case([](MaxOp) { return "Max"; })
      .Case([](MinOp) { return "Min"; })
      .Case([](GlobalAvgPool2dOp) { return "GlobalAveragePool"; })
      .Case([](SelectOp) { return "Where"; })
      .Case([](NotOp) { return "Not"; })
      .Default([](Operation *) { return StringRef(); });
}

/// The ONNX reduction of a qc.reduce_* op; empty for other ops.
StringRef reduceOnnxOp(Operation *op) {
  return llvm::TypeSwitch<Operation *, StringRef>(op)
      .Case([](ReduceMeanOp) { return "ReduceMean"; })
      .Case([](ReduceMaxOp) { return "ReduceMax"; })
      .Case([](ReduceMinOp) { return "ReduceMin"; })
      .Case([](ReduceSumOp) { return "ReduceSum"; })
      .Case([](ReduceProdOp) { return "ReduceProd"; })
      .Case([](ReduceSumSquareOp) { return "ReduceSumSquare"; })
      .Case([](ReduceL1Op) { return "ReduceL1"; })
      .Case([](ReduceL2Op) { return "ReduceL2"; })
      .Case([](ReduceLogSumOp) { return "ReduceLogSum"; })
      .Case([](ReduceLogSumExpOp) { return "ReduceLogSumExp"; })
      .Default([](Operation *) { return StringRef(); });
}

/// Whether a constant is exported as INT4 / UINT4: 8-bit storage read only
/// by block-quantized dequantizes (weight-only int4), every value in
/// [-8, 7] (signed) or [0, 15] (unsigned).
bool isFourBitWeight(ConstantOp c) {
  auto type = cast<RankedTensorType>(c.getType());
  Type et = type.getElementType();
  if (!et.isInteger(8) || c->use_empty())
    return false;
  for (Operation *user : c->getUsers()) {
    auto dq = dyn_cast<DequantizeOp>(user);
    if (!dq || !dq.getBlockSize())
      return false;
    for (int64_t z : dq.getZeroPoint())
      if (et.isUnsignedInteger() ? z > 15 : (z < -8 || z > 7))
        return false;
  }
  FailureOr<std::vector<int8_t>> v = getConstantValues<int8_t>(c.getValue());
  if (failed(v))
    return false;
  for (int8_t x : *v) {
    int value = et.isUnsignedInteger() ? static_cast<uint8_t>(x) : x;
    if (et.isUnsignedInteger() ? value > 15 : (value < -8 || value > 7))
      return false;
  }
  return true;
}

/// Values of one byte each packed two per byte, the first in the low nibble
/// (ONNX's INT4 / UINT4 layout).
std::vector<uint8_t> packFourBit(ArrayRef<int8_t> values) {
  std::vector<uint8_t> packed((values.size() + 1) / 2, 0);
  for (size_t i = 0; i < values.size(); ++i)
    packed[i / 2] |= static_cast<uint8_t>((values[i] & 0xf) << (i % 2 ? 4 : 0));
  return packed;
}

/// ONNX element type of an MLIR element type; 0 if none.
int32_t onnxType(Type t) {
  if (t.isF32())
    return static_cast<int32_t>(OnnxDataType::Float);
  if (t.isF64())
    return static_cast<int32_t>(OnnxDataType::Double);
  if (t.isUnsignedInteger(8))
    return static_cast<int32_t>(OnnxDataType::Uint8);
  if (t.isSignlessInteger(8) || t.isSignedInteger(8))
    return static_cast<int32_t>(OnnxDataType::Int8);
  if (t.isSignlessInteger(16) || t.isSignedInteger(16))
    return static_cast<int32_t>(OnnxDataType::Int16);
  if (t.isSignlessInteger(32) || t.isSignedInteger(32))
    return static_cast<int32_t>(OnnxDataType::Int32);
  if (t.isSignlessInteger(64) || t.isSignedInteger(64))
    return static_cast<int32_t>(OnnxDataType::Int64);
  if (t.isSignlessInteger(1))
    return static_cast<int32_t>(OnnxDataType::Bool);
  return 0;
}

OnnxAttribute intAttr(const std::string &name, int64_t v) {
  OnnxAttribute a;
  a.name = name;
  a.kind = OnnxAttribute::Kind::Int;
  a.i = v;
  return a;
}
OnnxAttribute floatAttr(const std::string &name, float v) {
  OnnxAttribute a;
  a.name = name;
  a.kind = OnnxAttribute::Kind::Float;
  a.f = v;
  return a;
}
OnnxAttribute stringAttr(const std::string &name, StringRef v) {
  OnnxAttribute a;
  a.name = name;
  a.kind = OnnxAttribute::Kind::String;
  a.s = v.str();
  return a;
}
OnnxAttribute intsAttr(const std::string &name, ArrayRef<int64_t> v) {
  OnnxAttribute a;
  a.name = name;
  a.kind = OnnxAttribute::Kind::Ints;
  a.ints.assign(v.begin(), v.end());
  return a;
}

class Exporter {
public:
  explicit Exporter(func::FuncOp func) : func(func) {}

  LogicalResult run(OnnxModel &model);

private:
  std::string uniqueName(const std::string &base) {
    std::string name = base;
    for (int i = 1; !used.insert(name).second; ++i)
      name = base + "_" + std::to_string(i);
    return name;
  }
  std::string nameOf(Value v) {
    auto it = names.find(v);
    if (it != names.end())
      return it->second;
    std::string n = uniqueName("v" + std::to_string(counter++));
    names[v] = n;
    return n;
  }
  /// Adds an initializer and returns its name.
  template <typename T>
  std::string addInitializer(const std::string &base, OnnxDataType type,
                             ArrayRef<int64_t> dims, ArrayRef<T> values) {
    OnnxTensor t;
    t.name = uniqueName(base);
    t.dataType = static_cast<int32_t>(type);
    t.dims.assign(dims.begin(), dims.end());
    t.data.assign(reinterpret_cast<const char *>(values.data()),
                  values.size() * sizeof(T));
    graph().initializers.push_back(std::move(t));
    return graph().initializers.back().name;
  }
  OnnxNode &addNode(Operation *op, const std::string &opType,
                    std::vector<std::string> inputs,
                    std::vector<std::string> outputs) {
    OnnxNode n;
    n.opType = opType;
    n.name = uniqueName(opType + "_" + std::to_string(nodeCounter++));
    n.inputs = std::move(inputs);
    n.outputs = std::move(outputs);
    graph().nodes.push_back(std::move(n));
    return graph().nodes.back();
  }
  OnnxGraph &graph() { return model->graph; }

  LogicalResult exportOp(Operation *op);
  LogicalResult exportConstant(ConstantOp op);
  LogicalResult exportBlockDequantize(DequantizeOp d);
  LogicalResult exportDynamicFakeQuantRule(DynamicFakeQuantOp d);
  LogicalResult exportQParams(Operation *op, ArrayRef<float> scale,
                              ArrayRef<int64_t> zeroPoint,
                              std::optional<int64_t> axis, Type intType,
                              bool quantize);
  LogicalResult valueInfo(Value v, const std::string &name,
                          OnnxValueInfo &info);

  func::FuncOp func;
  OnnxModel *model = nullptr;
  int64_t opset = kOpset;
  llvm::DenseMap<Value, std::string> names;
  llvm::StringSet<> used;
  int64_t counter = 0;
  int64_t nodeCounter = 0;
};

LogicalResult Exporter::valueInfo(Value v, const std::string &name,
                                  OnnxValueInfo &info) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  int32_t et = type ? onnxType(type.getElementType()) : 0;
  if (!et)
    return emitError(func.getLoc())
           << "ONNX export: graph value '" << name << "' has type "
           << v.getType() << ", which has no ONNX tensor type";
  info.name = name;
  info.elemType = et;
  info.hasShape = true;
  for (auto [i, d] : llvm::enumerate(type.getShape())) {
    OnnxDim dim;
    if (ShapedType::isDynamic(d))
      dim.param = name + "_d" + std::to_string(i);
    else
      dim.value = d;
    info.dims.push_back(dim);
  }
  return success();
}

LogicalResult Exporter::exportConstant(ConstantOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  Type et = type.getElementType();
  ElementsAttr value = op.getValue();
  std::string base = "const" + std::to_string(counter++);
  std::string name;
  auto fail = [&]() {
    return op.emitError() << "ONNX export: cannot read the constant's data ("
                          << et << ")";
  };
  if (et.isF32()) {
    auto v = getConstantValues<float>(value);
    if (failed(v))
      return fail();
    name = addInitializer<float>(base, OnnxDataType::Float, type.getShape(), *v);
  } else if (et.isInteger(8) && isFourBitWeight(op)) {
    auto v = getConstantValues<int8_t>(value);
    if (failed(v))
      return fail();
    std::vector<uint8_t> packed = packFourBit(*v);
    name = addInitializer<uint8_t>(
        base, et.isUnsignedInteger() ? OnnxDataType::Uint4 : OnnxDataType::Int4,
        type.getShape(), packed);
  } else if (et.isInteger(8)) {
    auto v = getConstantValues<int8_t>(value);
    if (failed(v))
      return fail();
    name = addInitializer<int8_t>(base,
                                  et.isUnsignedInteger() ? OnnxDataType::Uint8
                                                         : OnnxDataType::Int8,
                                  type.getShape(), *v);
  } else if (et.isInteger(16)) {
    auto v = getConstantValues<int16_t>(value);
    if (failed(v))
      return fail();
    name = addInitializer<int16_t>(base, OnnxDataType::Int16, type.getShape(),
                                   *v);
  } else if (et.isInteger(32)) {
    auto v = getConstantValues<int32_t>(value);
    if (failed(v))
      return fail();
    name = addInitializer<int32_t>(base, OnnxDataType::Int32, type.getShape(),
                                   *v);
  } else if (et.isInteger(64)) {
    auto v = getConstantValues<int64_t>(value);
    if (failed(v))
      return fail();
    name = addInitializer<int64_t>(base, OnnxDataType::Int64, type.getShape(),
                                   *v);
  } else if (et.isF64()) {
    auto v = getConstantValues<double>(value);
    if (failed(v))
      return fail();
    name = addInitializer<double>(base, OnnxDataType::Double, type.getShape(),
                                  *v);
  } else if (et.isInteger(1)) {
    // One byte per element, 0 or 1 (getConstantValues sign-extends true).
    auto v = getConstantValues<int8_t>(value);
    if (failed(v))
      return fail();
    std::vector<uint8_t> bools;
    for (int8_t b : *v)
      bools.push_back(b != 0);
    name = addInitializer<uint8_t>(base, OnnxDataType::Bool, type.getShape(),
                                   bools);
  } else {
    return op.emitError() << "ONNX export: constants of element type " << et
                          << " are not supported";
  }
  names[op.getResult()] = name;
  return success();
}

LogicalResult Exporter::exportQParams(Operation *op, ArrayRef<float> scale,
                                      ArrayRef<int64_t> zeroPoint,
                                      std::optional<int64_t> axis,
                                      Type intType, bool quantize) {
  OnnxDataType zpType;
  if (intType.isUnsignedInteger(8))
    zpType = OnnxDataType::Uint8;
  else if (intType.isInteger(8))
    zpType = OnnxDataType::Int8;
  else if (intType.isInteger(32) && !quantize)
    zpType = OnnxDataType::Int32;
  else
    return op->emitError() << "ONNX export: "
                           << (quantize ? "QuantizeLinear" : "DequantizeLinear")
                           << " (opset " << opset << ") has no " << intType
                           << " form; only ui8 / i8"
                           << (quantize ? "" : " / i32") << " are exported";
  if (zpType == OnnxDataType::Int32)
    for (int64_t z : zeroPoint)
      if (z != 0)
        return op->emitError() << "ONNX export: an i32 dequantize needs zero "
                                  "point 0 (DequantizeLinear), got "
                               << z;
  std::vector<int64_t> dims;
  if (axis)
    dims.push_back(static_cast<int64_t>(scale.size()));
  std::string s = addInitializer<float>("scale" + std::to_string(counter++),
                                        OnnxDataType::Float, dims, scale);
  std::string z;
  if (zpType == OnnxDataType::Int32) {
    std::vector<int32_t> zp(zeroPoint.begin(), zeroPoint.end());
    z = addInitializer<int32_t>("zero_point" + std::to_string(counter++),
                                zpType, dims, zp);
  } else {
    std::vector<int8_t> zp;
    for (int64_t v : zeroPoint)
      zp.push_back(static_cast<int8_t>(v));
    z = addInitializer<int8_t>("zero_point" + std::to_string(counter++),
                               zpType, dims, zp);
  }
  OnnxNode &n = addNode(op, quantize ? "QuantizeLinear" : "DequantizeLinear",
                        {nameOf(op->getOperand(0)), s, z},
                        {nameOf(op->getResult(0))});
  if (axis)
    n.attributes.push_back(intAttr("axis", *axis));
  return success();
}

/// DequantizeLinear-21 with block_size: scale and zero point shaped as the
/// input with the axis dimension divided into blocks; 4-bit zero points
/// when the weight is exported as INT4 / UINT4.
LogicalResult Exporter::exportBlockDequantize(DequantizeOp d) {
  auto type = cast<RankedTensorType>(d.getInput().getType());
  Type et = type.getElementType();
  if (!et.isInteger(8))
    return d.emitError() << "ONNX export: a block-quantized DequantizeLinear "
                            "of "
                         << et << " is not exported (ui8 / i8 only)";
  int64_t axis = static_cast<int64_t>(*d.getAxis());
  int64_t block = static_cast<int64_t>(*d.getBlockSize());
  std::vector<int64_t> dims(type.getShape().begin(), type.getShape().end());
  dims[axis] = (dims[axis] + block - 1) / block;
  std::string s =
      addInitializer<float>("scale" + std::to_string(counter++),
                            OnnxDataType::Float, dims, d.getScale());
  auto c = d.getInput().getDefiningOp<ConstantOp>();
  bool fourBit = c && isFourBitWeight(c);
  std::vector<int8_t> zp;
  for (int64_t v : d.getZeroPoint())
    zp.push_back(static_cast<int8_t>(v));
  std::string z;
  std::string zpName = "zero_point" + std::to_string(counter++);
  if (fourBit) {
    std::vector<uint8_t> packed = packFourBit(zp);
    z = addInitializer<uint8_t>(zpName,
                                et.isUnsignedInteger() ? OnnxDataType::Uint4
                                                       : OnnxDataType::Int4,
                                dims, packed);
  } else {
    z = addInitializer<int8_t>(zpName,
                               et.isUnsignedInteger() ? OnnxDataType::Uint8
                                                      : OnnxDataType::Int8,
                               dims, zp);
  }
  OnnxNode &n = addNode(d, "DequantizeLinear", {nameOf(d.getInput()), s, z},
                        {nameOf(d.getResult())});
  n.attributes.push_back(intAttr("axis", axis));
  n.attributes.push_back(intAttr("block_size", block));
  return success();
}

/// qc.dynamic_fake_quant as the statements of its rule
/// (ref::chooseQuantizationParams, docs/quantization.md) in float ops, per
/// tensor or per token (the reductions along the last axis): the range's
/// min / max widened to 0, the scale (max - min) / (qmax - qmin) in f64
/// rounded to f32, the zero point of the smaller error from the f64 ratios,
/// rounded half to even and clamped, then DESIGN.md's quantize
/// (x * (1 / s), round half to even, + zp, clamp) and dequantize. A zero
/// range gets scale 0.1 like the reference; a scale below 6.1e-5 becomes
/// 6.1e-5 with the zero point of the unwidened range (the reference widens
/// min / max by an f32 factor first, which can move that zero point by a
/// rounding step).
LogicalResult Exporter::exportDynamicFakeQuantRule(DynamicFakeQuantOp d) {
  Operation *op = d;
  int64_t qmin = d.getQuantMinAttr().getInt();
  int64_t qmax = d.getQuantMaxAttr().getInt();
  int64_t rank = cast<RankedTensorType>(d.getInput().getType()).getRank();
  auto tmp = [&]() { return uniqueName("v" + std::to_string(counter++)); };
  auto node = [&](StringRef type, std::vector<std::string> ins) {
    std::string o = tmp();
    addNode(op, type.str(), std::move(ins), {o});
    return o;
  };
  auto f32 = [&](float v) {
    return addInitializer<float>("dq_c" + std::to_string(counter++),
                                 OnnxDataType::Float, {}, ArrayRef<float>(v));
  };
  auto f64 = [&](double v) {
    return addInitializer<double>("dq_c" + std::to_string(counter++),
                                  OnnxDataType::Double, {},
                                  ArrayRef<double>(v));
  };
  auto cast = [&](const std::string &v, OnnxDataType to) {
    std::string o = tmp();
    addNode(op, "Cast", {v}, {o})
        .attributes.push_back(intAttr("to", static_cast<int64_t>(to)));
    return o;
  };
  // The group's min / max: one per tensor, or one per token (last axis).
  std::string x = nameOf(d.getInput());
  auto reduce = [&](StringRef type) {
    std::vector<std::string> ins = {x};
    bool perToken = d.getPerToken() && rank > 0;
    if (perToken && opset >= 18)
      ins.push_back(addInitializer<int64_t>(
          "axes" + std::to_string(counter++), OnnxDataType::Int64, {1},
          ArrayRef<int64_t>(rank - 1)));
    std::string o = tmp();
    OnnxNode &n = addNode(op, type.str(), ins, {o});
    if (perToken && opset < 18)
      n.attributes.push_back(intsAttr("axes", {rank - 1}));
    n.attributes.push_back(intAttr("keepdims", 1));
    return o;
  };
  std::string zero = f32(0.0f);
  std::string mn = cast(node("Min", {reduce("ReduceMin"), zero}),
                        OnnxDataType::Double);
  std::string mx = cast(node("Max", {reduce("ReduceMax"), zero}),
                        OnnxDataType::Double);
  std::string scale64 =
      node("Div", {node("Sub", {mx, mn}), f64(static_cast<double>(qmax - qmin))});
  std::string isZero =
      node("Equal", {cast(scale64, OnnxDataType::Float), zero});
  scale64 = node("Where", {isZero, f64(0.1), scale64});
  std::string rMin = node("Div", {mn, scale64});
  std::string rMax = node("Div", {mx, scale64});
  std::string qminD = f64(static_cast<double>(qmin));
  std::string qmaxD = f64(static_cast<double>(qmax));
  std::string errMin = node(
      "Sub", {f64(std::abs(static_cast<double>(qmin))), node("Abs", {rMin})});
  std::string errMax = node(
      "Sub", {f64(std::abs(static_cast<double>(qmax))), node("Abs", {rMax})});
  std::string zp = node("Where", {node("Less", {errMin, errMax}),
                                  node("Sub", {qminD, rMin}),
                                  node("Sub", {qmaxD, rMax})});
  zp = node("Round", {node("Min", {node("Max", {zp, qminD}), qmaxD})});
  std::string zpF = cast(zp, OnnxDataType::Float);
  std::string scale = node(
      "Max", {cast(scale64, OnnxDataType::Float), f32(6.1e-5f)});
  // DESIGN.md's quantize and dequantize.
  std::string scaled = node("Mul", {x, node("Reciprocal", {scale})});
  std::string q = node("Clip", {node("Add", {node("Round", {scaled}), zpF}),
                                f32(static_cast<float>(qmin)),
                                f32(static_cast<float>(qmax))});
  addNode(op, "Mul", {node("Sub", {q, zpF}), scale}, {nameOf(d.getResult())});
  return success();
}

LogicalResult Exporter::exportOp(Operation *op) {
  auto in = [&](unsigned i) { return nameOf(op->getOperand(i)); };
  auto out = [&]() { return nameOf(op->getResult(0)); };
  auto simple = [&](StringRef opType) {
    std::vector<std::string> ins;
    for (Value v : op->getOperands())
      ins.push_back(nameOf(v));
    addNode(op, opType.str(), ins, {out()});
    return success();
  };
  auto int64s = [&](const char *what, ArrayRef<int64_t> v) {
    return addInitializer<int64_t>(what + std::to_string(counter++),
                                   OnnxDataType::Int64,
                                   {static_cast<int64_t>(v.size())}, v);
  };
  if (StringRef plain = plainOnnxOp(op); !plain.empty())
    return simple(plain);
  if (StringRef reduce = reduceOnnxOp(op); !reduce.empty()) {
    // Empty axes reduce every dimension: the attribute or input is left out.
    ArrayRef<int64_t> axes =
        op->getAttrOfType<DenseI64ArrayAttr>("axes").asArrayRef();
    bool keepdims = op->getAttrOfType<BoolAttr>("keepdims").getValue();
    bool axesInput = opset >= 18 || isa<ReduceSumOp>(op);
    std::vector<std::string> ins = {in(0)};
    if (axesInput && !axes.empty())
      ins.push_back(int64s("axes", axes));
    OnnxNode &n = addNode(op, reduce.str(), ins, {out()});
    if (!axesInput && !axes.empty())
      n.attributes.push_back(intsAttr("axes", axes));
    n.attributes.push_back(intAttr("keepdims", keepdims));
    return success();
  }
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](ConstantOp c) { return exportConstant(c); })
      .Case([&](QuantizeOp q) -> LogicalResult {
        Type it = cast<RankedTensorType>(q.getType()).getElementType();
        int64_t qmin = q.getQuantMinAttr().getInt();
        int64_t qmax = q.getQuantMaxAttr().getInt();
        int64_t lo = it.isUnsignedInteger(8) ? 0 : -128;
        int64_t hi = it.isUnsignedInteger(8) ? 255 : 127;
        if (it.isInteger(8) && (qmin != lo || qmax != hi))
          return q.emitError()
                 << "ONNX export: quantize range [" << qmin << ", " << qmax
                 << "] is not the full " << it
                 << " range; QuantizeLinear has no quant_min / quant_max, so "
                    "a reduced range (e.g. reduce_range) cannot be exported";
        std::optional<int64_t> axis;
        if (auto a = q.getAxisAttr())
          axis = a.getInt();
        return exportQParams(op, q.getScale(), q.getZeroPoint(), axis, it,
                             /*quantize=*/true);
      })
      .Case([&](DynamicFakeQuantOp d) -> LogicalResult {
        // ui8 [0, 255] per tensor: ONNX's own DynamicQuantizeLinear ->
        // DequantizeLinear, which ONNX Runtime runs as integer code. Its
        // qparams (f32 scale, zero point from the minimum) may differ from
        // PyTorch's rule by an ulp of the scale or one zero-point step
        // (docs/quantization.md). Every other range and per-token specs:
        // qc's rule written out in float ops.
        int64_t qmin = d.getQuantMinAttr().getInt();
        int64_t qmax = d.getQuantMaxAttr().getInt();
        if (d.getPerToken() || !d.getDtype().isUnsignedInteger(8) ||
            qmin != 0 || qmax != 255)
          return exportDynamicFakeQuantRule(d);
        std::string q = uniqueName("v" + std::to_string(counter++));
        std::string scale = uniqueName("v" + std::to_string(counter++));
        std::string zp = uniqueName("v" + std::to_string(counter++));
        addNode(op, "DynamicQuantizeLinear", {in(0)}, {q, scale, zp});
        addNode(op, "DequantizeLinear", {q, scale, zp}, {out()});
        return success();
      })
      .Case([&](DequantizeOp d) -> LogicalResult {
        if (d.getBlockSize())
          return exportBlockDequantize(d);
        Type it = cast<RankedTensorType>(d.getInput().getType()).getElementType();
        std::optional<int64_t> axis;
        if (auto a = d.getAxisAttr())
          axis = a.getInt();
        return exportQParams(op, d.getScale(), d.getZeroPoint(), axis, it,
                             /*quantize=*/false);
      })
      .Case([&](Conv2dOp c) -> LogicalResult {
        auto wt = cast<RankedTensorType>(c.getWeight().getType());
        std::vector<std::string> ins = {in(0), in(1)};
        if (c.getBias())
          ins.push_back(nameOf(c.getBias()));
        OnnxNode &n = addNode(op, "Conv", ins, {out()});
        n.attributes.push_back(intsAttr("kernel_shape", wt.getShape().drop_front(2)));
        n.attributes.push_back(intsAttr("strides", c.getStrides()));
        n.attributes.push_back(intsAttr("pads", c.getPads()));
        n.attributes.push_back(intsAttr("dilations", c.getDilations()));
        n.attributes.push_back(intAttr("group", c.getGroups()));
        return success();
      })
      .Case([&](LinearOp l) -> LogicalResult {
        auto xt = cast<RankedTensorType>(l.getInput().getType());
        if (xt.getRank() == 2) {
          std::vector<std::string> ins = {in(0), in(1)};
          if (l.getBias())
            ins.push_back(nameOf(l.getBias()));
          OnnxNode &n = addNode(op, "Gemm", ins, {out()});
          n.attributes.push_back(intAttr("transB", 1));
          return success();
        }
        std::string wT = uniqueName("v" + std::to_string(counter++));
        addNode(op, "Transpose", {in(1)}, {wT})
            .attributes.push_back(intsAttr("perm", {1, 0}));
        if (!l.getBias()) {
          addNode(op, "MatMul", {in(0), wT}, {out()});
          return success();
        }
        std::string mm = uniqueName("v" + std::to_string(counter++));
        addNode(op, "MatMul", {in(0), wT}, {mm});
        addNode(op, "Add", {mm, nameOf(l.getBias())}, {out()});
        return success();
      })
      .Case([&](HardswishOp) -> LogicalResult {
        // HardSwish is opset 14; at opset 13 it is x * HardSigmoid(x, 1/6, 0.5).
        std::string hs = uniqueName("v" + std::to_string(counter++));
        OnnxNode &n = addNode(op, "HardSigmoid", {in(0)}, {hs});
        n.attributes.push_back(floatAttr("alpha", 1.0f / 6.0f));
        n.attributes.push_back(floatAttr("beta", 0.5f));
        addNode(op, "Mul", {in(0), hs}, {out()});
        return success();
      })
      .Case([&](HardsigmoidOp h) -> LogicalResult {
        OnnxNode &n = addNode(op, "HardSigmoid", {in(0)}, {out()});
        n.attributes.push_back(floatAttr("alpha", h.getAlpha().convertToFloat()));
        n.attributes.push_back(floatAttr("beta", h.getBeta().convertToFloat()));
        return success();
      })
      .Case([&](ClampOp c) -> LogicalResult {
        float lo = c.getMin().convertToFloat(), hi = c.getMax().convertToFloat();
        std::string mn = addInitializer<float>(
            "clip_min" + std::to_string(counter++), OnnxDataType::Float, {},
            ArrayRef<float>(lo));
        std::string mx = addInitializer<float>(
            "clip_max" + std::to_string(counter++), OnnxDataType::Float, {},
            ArrayRef<float>(hi));
        addNode(op, "Clip", {in(0), mn, mx}, {out()});
        return success();
      })
      .Case([&](SoftmaxOp s) -> LogicalResult {
        addNode(op, "Softmax", {in(0)}, {out()})
            .attributes.push_back(intAttr("axis", s.getAxis()));
        return success();
      })
      .Case([&](MaxPool2dOp p) -> LogicalResult {
        OnnxNode &n = addNode(op, "MaxPool", {in(0)}, {out()});
        n.attributes.push_back(intsAttr("kernel_shape", p.getKernel()));
        n.attributes.push_back(intsAttr("strides", p.getStrides()));
        n.attributes.push_back(intsAttr("pads", p.getPads()));
        n.attributes.push_back(intsAttr("dilations", p.getDilations()));
        n.attributes.push_back(intAttr("ceil_mode", p.getCeilMode()));
        return success();
      })
      .Case([&](AvgPool2dOp p) -> LogicalResult {
        OnnxNode &n = addNode(op, "AveragePool", {in(0)}, {out()});
        n.attributes.push_back(intsAttr("kernel_shape", p.getKernel()));
        n.attributes.push_back(intsAttr("strides", p.getStrides()));
        n.attributes.push_back(intsAttr("pads", p.getPads()));
        n.attributes.push_back(intAttr("ceil_mode", p.getCeilMode()));
        n.attributes.push_back(
            intAttr("count_include_pad", p.getCountIncludePad()));
        return success();
      })
      .Case([&](ReshapeOp r) -> LogicalResult {
        auto rt = cast<RankedTensorType>(r.getType());
        std::vector<int64_t> shape;
        if (rt.hasStaticShape())
          shape.assign(rt.getShape().begin(), rt.getShape().end());
        else
          shape.assign(r.getShape().begin(), r.getShape().end());
        std::string s = addInitializer<int64_t>(
            "shape" + std::to_string(counter++), OnnxDataType::Int64,
            {static_cast<int64_t>(shape.size())}, shape);
        addNode(op, "Reshape", {in(0), s}, {out()});
        return success();
      })
      .Case([&](FlattenOp f) -> LogicalResult {
        addNode(op, "Flatten", {in(0)}, {out()})
            .attributes.push_back(intAttr("axis", f.getAxis()));
        return success();
      })
      .Case([&](TransposeOp t) -> LogicalResult {
        addNode(op, "Transpose", {in(0)}, {out()})
            .attributes.push_back(intsAttr("perm", t.getPerm()));
        return success();
      })
      .Case([&](LayerNormOp l) -> LogicalResult {
        if (opset < 17)
          return l.emitError()
                 << "ONNX export: qc.layer_norm needs LayerNormalization "
                    "(opset 17); this export is opset "
                 << opset;
        (void)simple("LayerNormalization");
        OnnxNode &n = graph().nodes.back();
        n.attributes.push_back(intAttr("axis", l.getAxis()));
        n.attributes.push_back(
            floatAttr("epsilon", l.getEpsilon().convertToFloat()));
        return success();
      })
      .Case([&](GeluOp g) -> LogicalResult {
        if (opset >= 20) {
          (void)simple("Gelu");
          graph().nodes.back().attributes.push_back(
              stringAttr("approximate", g.getApproximate()));
          return success();
        }
        // Before opset 20, the formula in opset-13 ops: 0.5 * x * (1 + erf(x
        // / sqrt(2))), or with tanh(sqrt(2 / pi) * (x + 0.044715 x^3)).
        auto scalar = [&](float v) {
          return addInitializer<float>("gelu_c" + std::to_string(counter++),
                                       OnnxDataType::Float, {},
                                       ArrayRef<float>(v));
        };
        auto temp = [&] { return uniqueName("v" + std::to_string(counter++)); };
        std::string inner = temp();
        if (g.getApproximate() == "tanh") {
          std::string x2 = temp(), x3 = temp(), cx3 = temp(), sum = temp();
          addNode(op, "Mul", {in(0), in(0)}, {x2});
          addNode(op, "Mul", {x2, in(0)}, {x3});
          addNode(op, "Mul", {x3, scalar(0.044715f)}, {cx3});
          addNode(op, "Add", {in(0), cx3}, {sum});
          std::string scaled = temp();
          addNode(op, "Mul", {sum, scalar(0.7978845608028654f)}, {scaled});
          addNode(op, "Tanh", {scaled}, {inner});
        } else {
          std::string scaled = temp();
          addNode(op, "Div", {in(0), scalar(1.4142135623730951f)}, {scaled});
          addNode(op, "Erf", {scaled}, {inner});
        }
        std::string onePlus = temp(), half = temp();
        addNode(op, "Add", {inner, scalar(1.0f)}, {onePlus});
        addNode(op, "Mul", {in(0), scalar(0.5f)}, {half});
        addNode(op, "Mul", {half, onePlus}, {out()});
        return success();
      })
      .Case([&](SliceOp s) -> LogicalResult {
        // Slice-10+: starts, ends, axes, steps as int64 inputs.
        addNode(op, "Slice",
                {in(0), int64s("starts", s.getStarts()),
                 int64s("ends", s.getEnds()), int64s("axes", s.getAxes()),
                 int64s("steps", s.getSteps())},
                {out()});
        return success();
      })
      .Case([&](ConcatOp c) -> LogicalResult {
        (void)simple("Concat");
        graph().nodes.back().attributes.push_back(intAttr("axis", c.getAxis()));
        return success();
      })
      .Case([&](ConvTranspose2dOp c) -> LogicalResult {
        auto wt = cast<RankedTensorType>(c.getWeight().getType());
        std::vector<std::string> ins = {in(0), in(1)};
        if (c.getBias())
          ins.push_back(nameOf(c.getBias()));
        OnnxNode &n = addNode(op, "ConvTranspose", ins, {out()});
        n.attributes.push_back(intsAttr("kernel_shape", wt.getShape().drop_front(2)));
        n.attributes.push_back(intsAttr("strides", c.getStrides()));
        n.attributes.push_back(intsAttr("pads", c.getPads()));
        n.attributes.push_back(intsAttr("dilations", c.getDilations()));
        n.attributes.push_back(intAttr("group", c.getGroups()));
        n.attributes.push_back(intsAttr("output_padding", c.getOutputPadding()));
        return success();
      })
      .Case([&](BatchNormOp b) -> LogicalResult {
        (void)simple("BatchNormalization");
        graph().nodes.back().attributes.push_back(
            floatAttr("epsilon", b.getEpsilon().convertToFloat()));
        return success();
      })
      .Case<LeakyReluOp, ThresholdedReluOp, EluOp, CeluOp>(
          [&](Operation *) -> LogicalResult {
            StringRef type = llvm::TypeSwitch<Operation *, StringRef>(op)
                                 .Case([](LeakyReluOp) { return "LeakyRelu"; })
                                 .Case([](ThresholdedReluOp) {
                                   return "ThresholdedRelu";
                                 })
                                 .Case([](EluOp) { return "Elu"; })
                                 .Default([](Operation *) { return "Celu"; });
            (void)simple(type);
            graph().nodes.back().attributes.push_back(floatAttr(
                "alpha", op->getAttrOfType<FloatAttr>("alpha")
                             .getValue()
                             .convertToFloat()));
            return success();
          })
      .Case([&](SeluOp e) -> LogicalResult {
        OnnxNode &n = addNode(op, "Selu", {in(0)}, {out()});
        n.attributes.push_back(floatAttr("alpha", e.getAlpha().convertToFloat()));
        n.attributes.push_back(floatAttr("gamma", e.getGamma().convertToFloat()));
        return success();
      })
      .Case([&](LogSoftmaxOp l) -> LogicalResult {
        addNode(op, "LogSoftmax", {in(0)}, {out()})
            .attributes.push_back(intAttr("axis", l.getAxis()));
        return success();
      })
      .Case<ArgMaxOp, ArgMinOp>([&](Operation *) -> LogicalResult {
        OnnxNode &n = addNode(op, isa<ArgMaxOp>(op) ? "ArgMax" : "ArgMin",
                              {in(0)}, {out()});
        n.attributes.push_back(
            intAttr("axis", op->getAttrOfType<IntegerAttr>("axis").getInt()));
        n.attributes.push_back(intAttr(
            "keepdims", op->getAttrOfType<BoolAttr>("keepdims").getValue()));
        n.attributes.push_back(intAttr(
            "select_last_index",
            op->getAttrOfType<BoolAttr>("select_last_index").getValue()));
        return success();
      })
      .Case([&](PadOp p) -> LogicalResult {
        // Pad-13: pads and the constant value are inputs; the value has the
        // input's element type.
        Type et = cast<RankedTensorType>(p.getInput().getType()).getElementType();
        double v = p.getValue().convertToDouble();
        std::string value;
        std::string base = "pad_value" + std::to_string(counter++);
        if (et.isF32())
          value = addInitializer<float>(base, OnnxDataType::Float, {},
                                        ArrayRef<float>(static_cast<float>(v)));
        else if (et.isF64())
          value = addInitializer<double>(base, OnnxDataType::Double, {},
                                         ArrayRef<double>(v));
        else if (et.isInteger(64))
          value = addInitializer<int64_t>(
              base, OnnxDataType::Int64, {},
              ArrayRef<int64_t>(static_cast<int64_t>(v)));
        else if (et.isInteger(32))
          value = addInitializer<int32_t>(
              base, OnnxDataType::Int32, {},
              ArrayRef<int32_t>(static_cast<int32_t>(v)));
        else if (et.isInteger(8))
          value = addInitializer<int8_t>(
              base,
              et.isUnsignedInteger() ? OnnxDataType::Uint8 : OnnxDataType::Int8,
              {}, ArrayRef<int8_t>(static_cast<int8_t>(v)));
        else
          return p.emitError() << "ONNX export: qc.pad of " << et
                               << " is not exported";
        OnnxNode &n = addNode(op, "Pad", {in(0), int64s("pads", p.getPads()), value},
                              {out()});
        n.attributes.push_back(stringAttr("mode", p.getMode()));
        return success();
      })
      .Case([&](ResizeOp r) -> LogicalResult {
        // Resize-13 with scales when they give the output size (floor(in *
        // scale) in f32, as the importer bound it): ONNX then maps
        // coordinates with them, as qc does. Otherwise the output sizes,
        // from which ONNX derives out / in, as qc does for given sizes.
        auto it = cast<RankedTensorType>(r.getInput().getType());
        auto ot = cast<RankedTensorType>(r.getType());
        ArrayRef<float> scales = r.getScales();
        bool byScales = true;
        for (int64_t i = 0; i < ot.getRank(); ++i) {
          if (ShapedType::isDynamic(ot.getDimSize(i)) ||
              ShapedType::isDynamic(it.getDimSize(i)))
            continue;
          float product = static_cast<float>(it.getDimSize(i)) * scales[i];
          if (static_cast<int64_t>(std::floor(product)) != ot.getDimSize(i))
            byScales = false;
        }
        std::vector<std::string> ins = {in(0), ""};
        if (byScales) {
          ins.push_back(addInitializer<float>(
              "scales" + std::to_string(counter++), OnnxDataType::Float,
              {static_cast<int64_t>(scales.size())}, scales));
        } else {
          if (!ot.hasStaticShape())
            return r.emitError()
                   << "ONNX export: a qc.resize to given sizes needs a static "
                      "result shape, got "
                   << ot;
          ins.push_back("");
          ins.push_back(int64s("sizes", ot.getShape()));
        }
        OnnxNode &n = addNode(op, "Resize", ins, {out()});
        n.attributes.push_back(stringAttr("mode", r.getMode()));
        n.attributes.push_back(stringAttr("coordinate_transformation_mode",
                                          r.getCoordinateTransformationMode()));
        n.attributes.push_back(stringAttr("nearest_mode", r.getNearestMode()));
        return success();
      })
      .Case([&](CastOp c) -> LogicalResult {
        int32_t to = onnxType(c.getTo());
        if (!to)
          return c.emitError() << "ONNX export: qc.cast to " << c.getTo()
                               << " has no ONNX type";
        addNode(op, "Cast", {in(0)}, {out()})
            .attributes.push_back(intAttr("to", to));
        return success();
      })
      .Case([&](CompareOp c) -> LogicalResult {
        StringRef type = llvm::StringSwitch<StringRef>(c.getPredicate())
                             .Case("eq", "Equal")
                             .Case("lt", "Less")
                             .Case("le", "LessOrEqual")
                             .Case("gt", "Greater")
                             .Case("ge", "GreaterOrEqual")
                             .Default("");
        if (type.empty())
          return c.emitError() << "ONNX export: unknown qc.compare predicate '"
                               << c.getPredicate() << "'";
        return simple(type);
      })
      .Case([&](LogicalOp l) -> LogicalResult {
        StringRef type = llvm::StringSwitch<StringRef>(l.getKind())
                             .Case("and", "And")
                             .Case("or", "Or")
                             .Case("xor", "Xor")
                             .Default("");
        if (type.empty())
          return l.emitError() << "ONNX export: unknown qc.logical kind '"
                               << l.getKind() << "'";
        return simple(type);
      })
      .Case([&](ArithOp a) -> LogicalResult {
        StringRef kind = a.getKind();
        if (kind == "mod" || kind == "fmod") {
          (void)simple("Mod");
          graph().nodes.back().attributes.push_back(
              intAttr("fmod", kind == "fmod"));
          return success();
        }
        if (kind == "shl" || kind == "shr") {
          (void)simple("BitShift");
          graph().nodes.back().attributes.push_back(
              stringAttr("direction", kind == "shl" ? "LEFT" : "RIGHT"));
          return success();
        }
        StringRef type = llvm::StringSwitch<StringRef>(kind)
                             .Case("add", "Add")
                             .Case("sub", "Sub")
                             .Case("mul", "Mul")
                             .Case("div", "Div")
                             .Case("max", "Max")
                             .Case("min", "Min")
                             .Case("pow", "Pow")
                             .Default("");
        if (type.empty())
          return a.emitError() << "ONNX export: unknown qc.arith kind '" << kind
                               << "'";
        return simple(type);
      })
      .Case<GatherOp, GatherElementsOp>([&](Operation *) -> LogicalResult {
        (void)simple(isa<GatherOp>(op) ? "Gather" : "GatherElements");
        graph().nodes.back().attributes.push_back(
            intAttr("axis", op->getAttrOfType<IntegerAttr>("axis").getInt()));
        return success();
      })
      .Case([&](NllLossOp l) -> LogicalResult {
        (void)simple("NegativeLogLikelihoodLoss");
        OnnxNode &n = graph().nodes.back();
        n.attributes.push_back(stringAttr("reduction", l.getReduction()));
        if (l.getHasIgnoreIndex())
          n.attributes.push_back(intAttr("ignore_index", l.getIgnoreIndex()));
        return success();
      })
      .Case([&](TriluOp t) -> LogicalResult {
        std::string k = addInitializer<int64_t>(
            "k" + std::to_string(counter++), OnnxDataType::Int64, {},
            ArrayRef<int64_t>(static_cast<int64_t>(t.getK())));
        addNode(op, "Trilu", {in(0), k}, {out()})
            .attributes.push_back(intAttr("upper", t.getUpper()));
        return success();
      })
      .Default([&](Operation *) {
        return op->emitError()
               << "ONNX export: op '" << op->getName()
               << "' has no ONNX export (it is an op of qc's integer form, "
                  "made by --lower-to-integer or the compiler: export the "
                  "Q/DQ program, the output of qc quantize without "
                  "--lower-to-integer)";
      });
}

LogicalResult Exporter::run(OnnxModel &out) {
  model = &out;
  // The lowest opset that expresses the program (kOpset's comment).
  func.walk([&](Operation *op) {
    auto d = dyn_cast<DequantizeOp>(op);
    if (d && d.getBlockSize())
      opset = kBlockOpset;
    else if (isa<LayerNormOp>(op))
      opset = std::max(opset, kLayerNormOpset);
    else if (isa<TriluOp>(op) || isa<ArithOp>(op))
      opset = std::max(opset, kOpset14);
  });
  // The IR versions that introduced opsets 13 / 14, 17 and 21.
  out.irVersion = opset >= kBlockOpset ? 10 : opset >= kLayerNormOpset ? 8 : 7;
  out.producerName = "qc";
  out.producerVersion = "0.1";
  out.opsets = {{"", opset}};
  out.hasGraph = true;
  graph().name = func.getName().str();

  // Graph input names: qc.name, else argN.
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    std::string name = "arg" + std::to_string(i);
    if (auto n = func.getArgAttrOfType<StringAttr>(i, "qc.name"))
      name = n.str();
    if (!used.insert(name).second)
      return emitError(func.getLoc())
             << "ONNX export: duplicate input name '" << name << "'";
    names[arg] = name;
    OnnxValueInfo info;
    if (failed(valueInfo(arg, name, info)))
      return failure();
    graph().inputs.push_back(std::move(info));
  }
  // Output names are reserved first, so that internal names never take them.
  auto ret = cast<func::ReturnOp>(func.front().getTerminator());
  std::vector<std::string> outNames;
  for (unsigned i = 0; i < ret.getNumOperands(); ++i) {
    std::string name = "output" + std::to_string(i);
    if (auto n = func.getResultAttrOfType<StringAttr>(i, "qc.name"))
      name = n.str();
    if (!used.insert(name).second)
      return emitError(func.getLoc())
             << "ONNX export: duplicate output name '" << name << "'";
    outNames.push_back(name);
  }
  // A result returned once and produced by an op takes the output's name
  // directly; others (inputs, constants, repeated) go through Identity.
  llvm::DenseMap<Value, unsigned> returnCount;
  for (Value v : ret.getOperands())
    ++returnCount[v];
  for (auto [i, v] : llvm::enumerate(ret.getOperands()))
    if (returnCount[v] == 1 && v.getDefiningOp() &&
        !isa<ConstantOp>(v.getDefiningOp()))
      names[v] = outNames[i];

  for (Operation &op : func.front().without_terminator())
    if (failed(exportOp(&op)))
      return failure();

  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    if (nameOf(v) != outNames[i])
      addNode(ret, "Identity", {nameOf(v)}, {outNames[i]});
    OnnxValueInfo info;
    if (failed(valueInfo(v, outNames[i], info)))
      return failure();
    graph().outputs.push_back(std::move(info));
  }
  return success();
}

} // namespace

LogicalResult mlir::qc::exportOnnx(ModuleOp module, const std::string &path) {
  func::FuncOp func;
  for (auto f : module.getOps<func::FuncOp>()) {
    if (f.isDeclaration())
      continue;
    if (func)
      return emitError(module.getLoc())
             << "ONNX export: the module has more than one function";
    func = f;
  }
  if (!func)
    return emitError(module.getLoc()) << "ONNX export: no function to export";
  if (!func.getBody().hasOneBlock())
    return func.emitError() << "ONNX export: the function has several blocks";
  OnnxModel model;
  if (failed(Exporter(func).run(model)))
    return failure();
  std::string error;
  if (!writeOnnxModel(path, model, error))
    return emitError(module.getLoc())
           << "ONNX export: cannot write '" << path << "': " << error;
  return success();
}
