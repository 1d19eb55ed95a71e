//===- FloatCodegen.cpp - qc compile's float32 steps ----------------------===//
//
// The float compute ops a partially quantized (or unquantized) program keeps,
// as ModelBuilder steps (see ModelCodegen.cpp for the plan and the integer
// steps, docs/codegen.md for the rules):
//
//   - elementwise ops are loops over the output in its memory order with
//     numpy broadcasting (stride 0 along broadcast dimensions); every scalar
//     statement is the reference kernel's (reference/Kernels*.cpp);
//     unary ops run on vectors of floatLanes() floats over dense tensors;
//     exp / erf / tanh / sigmoid are qc's own (support/Math.h: one
//     sequence of double operations shared with the reference, no libm
//     call), powf is called as the reference does, pow by 2, 3, 1 or 0.5
//     is multiplies / sqrt as in the reference, and no multiply-add is
//     contracted, so the results are bit-identical to the reference
//     executor;
//   - conv2d (groups 1), linear and matmul by a constant run a register-tiled
//     GEMM (rows x vector tiles of output channels, FMA) on weights packed at
//     compile time; other grouped / depthwise convolutions accumulate
//     contiguous rows of output channels; these differ from the reference
//     only in summation order;
//   - pools, reductions (FloatReduce.cpp) and layer_norm keep the
//     reference's double accumulation in its order (bit-identical); softmax is vectorized: the
//     reference's exp (ref::softmaxExp, no libm call) on vectors of 8
//     doubles and its 8 partial sums as the 8 lanes of one vector.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"
#include "passes/Codegen/Target.h"

#include "dialects/qc/IR/QCConstants.h"
#include "support/Math.h"
#include "support/MemoryLimit.h"
#include "support/Shapes.h"
#include "support/SoftmaxExp.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>
#include <iterator>
#include <limits>

namespace mlir::qc::model_codegen {

namespace {

/// Strides of \p r read as a tensor of \p outShape (numpy broadcasting:
/// leading dimensions added, size-1 dimensions repeated with stride 0).
SmallVector<int64_t> broadcastStrides(const TensorRef &r,
                                      ArrayRef<int64_t> outShape) {
  SmallVector<int64_t> s(outShape.size(), 0);
  size_t shift = outShape.size() - r.shape.size();
  for (size_t d = 0; d < r.shape.size(); ++d)
    s[d + shift] = r.shape[d] == 1 ? 0 : r.strides[d];
  return s;
}

/// Row-major strides of \p shape broadcast to \p outShape (compile-time
/// expansion of constants).
SmallVector<int64_t> broadcastRowMajor(ArrayRef<int64_t> shape,
                                       ArrayRef<int64_t> outShape) {
  TensorRef r;
  r.shape.assign(shape.begin(), shape.end());
  r.strides = rowMajorStrides(r.shape);
  return broadcastStrides(r, outShape);
}

/// \p values (row-major, \p shape) expanded to row-major \p outShape.
std::vector<float> expandTo(ArrayRef<float> values, ArrayRef<int64_t> shape,
                            ArrayRef<int64_t> outShape) {
  SmallVector<int64_t> from = broadcastRowMajor(shape, outShape);
  int64_t n = product(outShape);
  std::vector<float> out(n);
  SmallVector<int64_t> index(outShape.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t off = 0;
    for (size_t d = 0; d < outShape.size(); ++d)
      off += index[d] * from[d];
    out[i] = values[off];
    for (int64_t d = static_cast<int64_t>(outShape.size()) - 1; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

bool isUnaryFloatOp(Operation *op) {
  return isa<ReluOp, ClampOp, SigmoidOp, TanhOp, HardswishOp, HardsigmoidOp,
             GeluOp, ErfOp, SqrtOp>(op) ||
         isMathUnaryOp(op);
}

bool isBinaryFloatOp(Operation *op) {
  return isa<AddOp, SubOp, MulOp, DivOp, PowOp>(op) ||
         isMathBinaryOp(op);
}

} // namespace

bool ModelBuilder::isFloatOp(Operation *op) {
  return isUnaryFloatOp(op) || isBinaryFloatOp(op) ||
         isa<Conv2dOp, ConvTranspose2dOp, LinearOp, MatmulOp, MaxPool2dOp,
             AvgPool2dOp, SoftmaxOp, LogSoftmaxOp, LayerNormOp, BatchNormOp,
             PadOp, DynamicFakeQuantOp>(op) ||
         isFloatReduction(op);
}

bool ModelBuilder::isFoldedDequantize(Operation *op) {
  auto dq = dyn_cast<DequantizeOp>(op);
  return dq && dq.getInput().getDefiningOp<ConstantOp>() &&
         cast<RankedTensorType>(dq.getResult().getType())
             .getElementType()
             .isF32();
}

bool ModelBuilder::isFloatConstant(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (auto c = dyn_cast<ConstantOp>(def))
    return cast<RankedTensorType>(v.getType()).getElementType().isF32();
  return isFoldedDequantize(def);
}

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

const char *const kFloatSupported =
    "and in float32 qc.conv2d, qc.conv_transpose2d, qc.linear, qc.matmul, "
    "qc.relu, qc.clamp, qc.sigmoid, qc.tanh, qc.hardswish, qc.hardsigmoid, "
    "qc.gelu, qc.erf, qc.sqrt, qc.abs, qc.neg, qc.exp, qc.log, "
    "qc.reciprocal, qc.floor, qc.ceil, qc.round, qc.leaky_relu, qc.add, "
    "qc.sub, qc.mul, qc.div, qc.pow, qc.max, qc.min, qc.prelu, "
    "qc.max_pool2d, qc.avg_pool2d, qc.reduce_mean, qc.softmax, "
    "qc.log_softmax, "
    "qc.layer_norm, qc.batch_norm, qc.pad, qc.dynamic_fake_quant";

LogicalResult ModelBuilder::planFloatOp(Operation *op) {
  // Activations come from compiled ops; constants are read at compile time.
  for (Value v : op->getOperands())
    if (!isFloatConstant(v) && failed(requireRef(op, v, "an operand")))
      return failure();
  std::string stepName =
      (op->getName().stripDialect() + "_" + Twine(step)).str();
  Value result = op->getResult(0);
  auto type = cast<RankedTensorType>(result.getType());
  if (!type.getElementType().isF32())
    return op->emitError() << "qc compile: '" << op->getName()
                           << "' must have a float32 result";
  for (Value v : op->getOperands())
    if (!cast<RankedTensorType>(v.getType()).getElementType().isF32())
      return op->emitError() << "qc compile: the operands of '"
                             << op->getName() << "' must be float32";
  int64_t rank = type.getRank();
  auto nhwcOperand = [&] {
    for (Value v : op->getOperands()) {
      auto it = refs.find(v);
      if (it != refs.end() && it->second.isNhwc() &&
          ArrayRef<int64_t>(it->second.shape) == type.getShape())
        return true;
    }
    return false;
  };
  bool rowMajor = true;
  if (isa<Conv2dOp, ConvTranspose2dOp, MaxPool2dOp, AvgPool2dOp, BatchNormOp,
          PadOp>(op))
    rowMajor = rank != 4;
  else if (isUnaryFloatOp(op) || isBinaryFloatOp(op) ||
           isa<DynamicFakeQuantOp>(op))
    rowMajor = !(rank == 4 && nhwcOperand());

  if (auto conv = dyn_cast<Conv2dOp>(op)) {
    auto w = cast<RankedTensorType>(conv.getWeight().getType());
    if (rank != 4 || w.getRank() != 4 || !isFloatConstant(conv.getWeight()) ||
        (conv.getBias() && !isFloatConstant(conv.getBias())))
      return op->emitError("qc compile: qc.conv2d needs a 4-D input and "
                           "constant weights and bias");
    planIm2col(conv, type, stepName, /*elementBytes=*/4);
  } else if (auto ct = dyn_cast<ConvTranspose2dOp>(op)) {
    auto w = cast<RankedTensorType>(ct.getWeight().getType());
    if (rank != 4 || w.getRank() != 4 || !isFloatConstant(ct.getWeight()) ||
        (ct.getBias() && !isFloatConstant(ct.getBias())))
      return op->emitError("qc compile: qc.conv_transpose2d needs a 4-D "
                           "input and constant weights and bias");
  } else if (auto linear = dyn_cast<LinearOp>(op)) {
    if (!isFloatConstant(linear.getWeight()) ||
        (linear.getBias() && !isFloatConstant(linear.getBias())) ||
        cast<RankedTensorType>(linear.getWeight().getType()).getRank() != 2)
      return op->emitError("qc compile: qc.linear needs a constant 2-D "
                           "weight and a constant bias");
    const TensorRef &in = refs[linear.getInput()];
    if (!in.isRowMajor())
      scratch[op] = newBuffer(stepName + "_rows", 4 * product(in.shape));
  } else if (auto mm = dyn_cast<MatmulOp>(op)) {
    auto a = cast<RankedTensorType>(mm.getLhs().getType());
    auto bt = cast<RankedTensorType>(mm.getRhs().getType());
    if (a.getRank() < 2 || bt.getRank() < 2)
      return op->emitError("qc compile: qc.matmul needs operands of rank >= "
                           "2 (1-D operands are not supported yet)");
    if (isFloatConstant(mm.getRhs()) && bt.getRank() == 2 &&
        !isFloatConstant(mm.getLhs())) {
      const TensorRef &in = refs[mm.getLhs()];
      if (!in.isRowMajor())
        scratch[op] = newBuffer(stepName + "_rows", 4 * product(in.shape));
    } else if (!isFloatConstant(mm.getRhs())) {
      // A right-hand side whose rows are not contiguous (attention's K^T, a
      // transposed view) is copied row-major first: the row loop then reads
      // vectors instead of gathering.
      const TensorRef &rhs = refs[mm.getRhs()];
      if (rhs.strides.back() != 1 && rhs.shape.back() > 1)
        scratch[op] = newBuffer(stepName + "_rhs", 4 * product(rhs.shape));
    }
  } else if (auto pool = dyn_cast<MaxPool2dOp>(op)) {
    if (rank != 4)
      return op->emitError("qc compile: qc.max_pool2d needs a 4-D input");
  } else if (auto pool = dyn_cast<AvgPool2dOp>(op)) {
    if (rank != 4 || llvm::any_of(pool.getStrides(),
                                  [](int64_t s) { return s < 1; }))
      return op->emitError("qc compile: qc.avg_pool2d needs a 4-D input");
  } else if (auto pad = dyn_cast<PadOp>(op)) {
    StringRef mode = pad.getMode();
    if (mode != "constant" && mode != "edge" && mode != "reflect" &&
        mode != "wrap")
      return op->emitError() << "qc compile: qc.pad mode '" << mode
                             << "' is not supported";
    if (static_cast<int64_t>(pad.getPads().size()) != 2 * rank)
      return op->emitError("qc compile: qc.pad needs 2 * rank pads");
  } else if (auto gelu = dyn_cast<GeluOp>(op)) {
    if (gelu.getApproximate() != "none" && gelu.getApproximate() != "tanh")
      return op->emitError() << "qc compile: gelu approximate must be "
                                "\"none\" or \"tanh\"";
  } else if (auto dfq = dyn_cast<DynamicFakeQuantOp>(op)) {
    int64_t lo = static_cast<int64_t>(dfq.getQuantMin()),
            hi = static_cast<int64_t>(dfq.getQuantMax());
    if (lo >= hi || lo < std::numeric_limits<int32_t>::min() ||
        hi > std::numeric_limits<int32_t>::max())
      return op->emitError("qc compile: qc.dynamic_fake_quant needs "
                           "quant_min < quant_max within int32");
  }
  refs[result] = newArenaTensor(result, stepName, rowMajor);
  return success();
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

FailureOr<std::vector<float>> ModelBuilder::foldFloatConstant(Operation *op,
                                                              Value v) {
  // The values are held here and once more in the object: both under the
  // memory cap (--max-memory), checked before anything is read.
  auto vt = cast<RankedTensorType>(v.getType());
  std::optional<int64_t> bytes = ::qc::tensorBytes(
      ::qc::Shape(vt.getShape().begin(), vt.getShape().end()), sizeof(float));
  if (!bytes || *bytes > ::qc::maxMemory() / 2)
    return op->emitError()
           << "qc compile: the constant operand of shape "
           << ::qc::shapeToString(
                  ::qc::Shape(vt.getShape().begin(), vt.getShape().end()))
           << " needs "
           << (bytes ? ::qc::formatBytes(*bytes) : std::string("more than "
                                                               "2^63 bytes"))
           << " twice (as float32 values and in the object), more than the "
              "memory cap of "
           << ::qc::formatBytes(::qc::maxMemory())
           << " allows (raise it with --max-memory SIZE)";
  if (auto c = v.getDefiningOp<ConstantOp>()) {
    auto values = getConstantValues<float>(c.getValue());
    if (failed(values))
      return op->emitError("qc compile: cannot read a float constant operand");
    return *values;
  }
  // A dequantized constant: (q - zp) * scale, per tensor or per channel, as
  // the reference's dequantize computes it.
  auto dq = v.getDefiningOp<DequantizeOp>();
  auto c = dq ? dq.getInput().getDefiningOp<ConstantOp>() : ConstantOp();
  if (!c)
    return op->emitError("qc compile: expected a constant operand");
  auto type = cast<RankedTensorType>(c.getType());
  FailureOr<std::vector<int32_t>> q;
  Type et = type.getElementType();
  std::vector<int32_t> wide;
  if (et.getIntOrFloatBitWidth() == 8) {
    auto v8 = getConstantValues<int8_t>(c.getValue());
    if (failed(v8))
      return op->emitError("qc compile: cannot read a quantized constant");
    for (int8_t x : *v8)
      wide.push_back(et.isUnsignedInteger() ? static_cast<uint8_t>(x) : x);
  } else if (et.getIntOrFloatBitWidth() == 32) {
    auto v32 = getConstantValues<int32_t>(c.getValue());
    if (failed(v32))
      return op->emitError("qc compile: cannot read a quantized constant");
    wide = std::move(*v32);
  } else {
    return op->emitError("qc compile: unsupported quantized constant type");
  }
  ArrayRef<float> scales = dq.getScale();
  ArrayRef<int64_t> zps = dq.getZeroPoint();
  std::optional<uint64_t> axis = dq.getAxis();
  // Blocks of `block` along the axis (1: per channel), `blocks` of them.
  // block_size: the qparams of blocks along the axis, over the shape with
  // the axis dimension replaced by `blocks` (row-major).
  int64_t inner = 1, channels = 1, block = 0;
  if (axis) {
    channels = type.getDimSize(*axis);
    for (int64_t d = *axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
    if (std::optional<uint64_t> bs = dq.getBlockSize())
      block = static_cast<int64_t>(*bs);
  }
  const int64_t blocks = block ? (channels + block - 1) / block : channels;
  const int64_t outer = static_cast<int64_t>(wide.size()) /
                        std::max<int64_t>(channels * inner, 1);
  const int64_t expected =
      !axis ? 1 : (block ? outer * blocks * inner : channels);
  if (static_cast<int64_t>(scales.size()) != expected ||
      zps.size() != scales.size())
    return op->emitError("qc compile: malformed dequantize of a constant");
  std::vector<float> out(wide.size());
  for (size_t i = 0; i < wide.size(); ++i) {
    const int64_t e = static_cast<int64_t>(i);
    int64_t ch = !axis   ? 0
                 : block ? ((e / (channels * inner)) * blocks +
                            (e / inner) % channels / block) *
                                   inner +
                               e % inner
                         : (e / inner) % channels;
    // In int64, as the reference's dequantize (an int32 difference of an
    // int32 value and its zero point could overflow).
    out[i] = static_cast<float>(int64_t{wide[i]} - zps[ch]) * scales[ch];
  }
  return out;
}

FailureOr<std::vector<float>>
ModelBuilder::foldFloatBias(Operation *op, Value bias, int64_t channels) {
  if (!bias)
    return std::vector<float>(channels, 0.0f);
  FailureOr<std::vector<float>> values = foldFloatConstant(op, bias);
  if (failed(values))
    return failure();
  if (static_cast<int64_t>(values->size()) != channels)
    return op->emitError() << "qc compile: the bias has " << values->size()
                           << " values for " << channels << " channels";
  return values;
}

FailureOr<ModelBuilder::FloatOperand>
ModelBuilder::floatOperand(Operation *op, Value v) {
  auto it = refs.find(v);
  if (it != refs.end())
    return FloatOperand{it->second, basePointer(it->second)};
  FailureOr<std::vector<float>> values = foldFloatConstant(op, v);
  if (failed(values))
    return failure();
  auto type = cast<RankedTensorType>(v.getType());
  FloatOperand r;
  r.ref.shape.assign(type.getShape().begin(), type.getShape().end());
  r.ref.strides = rowMajorStrides(r.ref.shape);
  r.ref.element = f32;
  countFloatWeights(static_cast<int64_t>(values->size()));
  r.base = constantArray<float>("f32", *values);
  return r;
}

FailureOr<TensorRef> ModelBuilder::constantOperand(ConstantOp c) {
  // The element bytes as the reference executor reads them.
  auto type = cast<RankedTensorType>(c.getType());
  Type et = type.getElementType();
  std::vector<char> bytes;
  bool ok = false;
  auto append = [&](auto values) {
    if (failed(values))
      return;
    const char *p = reinterpret_cast<const char *>(values->data());
    bytes.assign(p, p + values->size() * sizeof((*values)[0]));
    ok = true;
  };
  if (et.isF32())
    append(getConstantValues<float>(c.getValue()));
  else if (et.isInteger(8))
    append(getConstantValues<int8_t>(c.getValue()));
  else if (et.isInteger(16))
    append(getConstantValues<int16_t>(c.getValue()));
  else if (et.isInteger(32))
    append(getConstantValues<int32_t>(c.getValue()));
  else if (et.isInteger(64))
    append(getConstantValues<int64_t>(c.getValue()));
  else if (et.isInteger(1)) // a byte per bool, read as `byte != 0`
    append(getConstantValues<int8_t>(c.getValue()));
  if (!ok)
    return failure();
  if (bytes.empty())
    bytes.assign(1, 0); // an empty tensor: a pointer that is never read
  TensorRef r;
  r.kind = TensorRef::Constant;
  r.index = static_cast<int64_t>(constantOperandBytes.size());
  r.shape.assign(type.getShape().begin(), type.getShape().end());
  r.strides = rowMajorStrides(r.shape);
  r.element = et;
  constantOperandBytes.push_back(std::move(bytes));
  return r;
}

Value ModelBuilder::constantOperandPointer(int64_t index) {
  auto key = std::make_pair(prefix, index);
  auto it = constantOperandGlobals.find(key);
  if (it == constantOperandGlobals.end())
    it = constantOperandGlobals
             .emplace(key, addConstant("operand", constantOperandBytes[index]))
             .first;
  return addressOf(it->second);
}

Value ModelBuilder::callLibm(StringRef name, ValueRange args) {
  Type t = args.front().getType();
  auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
  if (!fn) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    fn = b.create<LLVM::LLVMFuncOp>(
        loc, name,
        LLVM::LLVMFunctionType::get(t, SmallVector<Type>(args.size(), t)));
  }
  return b.create<LLVM::CallOp>(loc, fn, args).getResult();
}

int64_t ModelBuilder::floatLanes() const {
  return ::qc::codegen::getTarget(currentIsa).floatLanes;
}

//===----------------------------------------------------------------------===//
// Float GEMM
//===----------------------------------------------------------------------===//

/// Rows of one register tile of the float GEMM.
constexpr int64_t kFloatGemmRows = 6;
/// Vectors per register tile row.
constexpr int64_t kFloatGemmVectors = 2;

ModelBuilder::FloatGemm ModelBuilder::packFloatGemm(int64_t k, int64_t n,
                                                    ArrayRef<float> kByN,
                                                    ArrayRef<float> bias,
                                                    bool biasFirst) {
  // Column tiles of lanes * vectors columns; tile t holds, for each k, its
  // columns contiguously (zero past n). The bias is padded the same way.
  FloatGemm g;
  g.k = k;
  g.n = n;
  g.lanes = floatLanes();
  g.vectors = kFloatGemmVectors;
  g.hasBias = !bias.empty();
  g.biasFirst = biasFirst;
  int64_t nt = g.lanes * g.vectors;
  g.tiles = (n + nt - 1) / nt;
  std::vector<float> packed(g.tiles * k * nt, 0.0f), b(g.tiles * nt, 0.0f);
  for (int64_t t = 0; t < g.tiles; ++t)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t j = 0; j < nt && t * nt + j < n; ++j)
        packed[(t * k + kk) * nt + j] = kByN[kk * n + t * nt + j];
  for (int64_t j = 0; j < n && !bias.empty(); ++j)
    b[j] = bias[j];
  g.weights = constantArray<float>("gemm_f32", packed);
  g.bias = constantArray<float>("bias_f32", b);
  return g;
}

void ModelBuilder::floatGemmBlock(const FloatGemm &g, Value w, Value bias,
                                  Value a, int64_t lda, Value c, int64_t ldc,
                                  Value row, int64_t rows, Value t,
                                  bool partial) {
  int64_t nt = g.lanes * g.vectors;
  auto vt = VectorType::get({g.lanes}, f32);
  int64_t fullTiles = g.n / nt;
  {
    // acc[i][j] = bias tile (or 0), then for each k: acc += a[i][k] *
    // w[k][tile], rounded after the multiply and after the add (no FMA).
    SmallVector<Value> init, biasTile;
    Value bt = gep(bias, mulC(t, nt), f32);
    for (int64_t j = 0; j < g.vectors; ++j)
      biasTile.push_back(
          g.hasBias ? b.create<LLVM::LoadOp>(loc, vt,
                                             gep(bt, cI64(j * g.lanes), f32),
                                             /*alignment=*/4)
                          .getResult()
                    : b.create<vector::BroadcastOp>(loc, vt, cF32(0))
                          .getResult());
    Value zero = b.create<vector::BroadcastOp>(loc, vt, cF32(0));
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < g.vectors; ++j)
        init.push_back(g.biasFirst ? biasTile[j] : zero);
    Value wt = gep(w, mulC(t, g.k * nt), f32);
    SmallVector<Value> aRows;
    for (int64_t i = 0; i < rows; ++i)
      aRows.push_back(gep(a, mulC(add(row, cI64(i)), lda), f32));
    // One k step: the products of a[i][aOffset] and w[kk][tile].
    auto step = [&](Value kk, Value aOffset, ValueRange acc) {
      SmallVector<Value> wv;
      Value wk = gep(wt, mulC(kk, nt), f32);
      for (int64_t j = 0; j < g.vectors; ++j)
        wv.push_back(b.create<LLVM::LoadOp>(
            loc, vt, gep(wk, cI64(j * g.lanes), f32), /*alignment=*/4));
      SmallVector<Value> next;
      for (int64_t i = 0; i < rows; ++i) {
        Value x = load(f32, gep(aRows[i], aOffset, f32));
        Value xb = b.create<vector::BroadcastOp>(loc, vt, x);
        for (int64_t j = 0; j < g.vectors; ++j)
          next.push_back(b.create<arith::AddFOp>(
              loc, acc[i * g.vectors + j],
              b.create<arith::MulFOp>(loc, xb, wv[j])));
      }
      return next;
    };
    scf::ForOp loop;
    if (g.taps == 1) {
      loop = b.create<scf::ForOp>(
          loc, cI64(0), cI64(g.k), cI64(1), init,
          [&](OpBuilder &, Location, Value kk, ValueRange acc) {
            b.create<scf::YieldOp>(loc, step(kk, kk, acc));
          });
    } else {
      // A rows in (tap, c) order, k in the weights' (c, tap) order: k = c *
      // taps + tap reads a[tap * channels + c].
      int64_t channels = g.k / g.taps;
      loop = b.create<scf::ForOp>(
          loc, cI64(0), cI64(channels), cI64(1), init,
          [&](OpBuilder &, Location, Value ch, ValueRange acc) {
            auto inner = b.create<scf::ForOp>(
                loc, cI64(0), cI64(g.taps), cI64(1), acc,
                [&](OpBuilder &, Location, Value tap, ValueRange acc2) {
                  b.create<scf::YieldOp>(
                      loc, step(add(mulC(ch, g.taps), tap),
                                add(mulC(tap, channels), ch), acc2));
                });
            b.create<scf::YieldOp>(loc, inner.getResults());
          });
    }
    SmallVector<Value> results(loop.getResults());
    if (g.hasBias && !g.biasFirst)
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < g.vectors; ++j)
          results[i * g.vectors + j] = b.create<arith::AddFOp>(
              loc, results[i * g.vectors + j], biasTile[j]);
    for (int64_t i = 0; i < rows; ++i) {
      Value cRow = gep(c, mulC(add(row, cI64(i)), ldc), f32);
      if (!partial) {
        Value ct = gep(cRow, mulC(t, nt), f32);
        for (int64_t j = 0; j < g.vectors; ++j)
          b.create<LLVM::StoreOp>(loc, results[i * g.vectors + j],
                                  gep(ct, cI64(j * g.lanes), f32),
                                  /*alignment=*/4);
        continue;
      }
      // The last, partial tile: element by element.
      int64_t n0 = fullTiles * nt;
      for (int64_t j = 0; n0 + j < g.n; ++j) {
        Value v = b.create<vector::ExtractOp>(
            loc, results[i * g.vectors + j / g.lanes],
            ArrayRef<int64_t>{j % g.lanes});
        store(v, gep(cRow, cI64(n0 + j), f32));
      }
    }
  }
}

void ModelBuilder::callFloatGemm(const FloatGemm &g, Value w, Value bias,
                                 Value a, int64_t lda, Value c, int64_t ldc,
                                 Value begin, Value end) {
  // Column tile by column tile (the tile's K x lanes * vectors weights stay
  // in cache for all rows), blocks of kFloatGemmRows rows, then the
  // remaining rows one by one.
  int64_t nt = g.lanes * g.vectors, fullTiles = g.n / nt;
  Value count = sub(end, begin);
  Value blocks = divC(count, kFloatGemmRows);
  auto rowsOfTile = [&](Value t, bool partial) {
    forRange(cI64(0), blocks, [&](Value blk) {
      floatGemmBlock(g, w, bias, a, lda, c, ldc,
                     add(begin, mulC(blk, kFloatGemmRows)), kFloatGemmRows, t,
                     partial);
    });
    forRange(add(begin, mulC(blocks, kFloatGemmRows)), end, [&](Value r) {
      floatGemmBlock(g, w, bias, a, lda, c, ldc, r, 1, t, partial);
    });
  };
  if (fullTiles > 0)
    forN(fullTiles, [&](Value t) { rowsOfTile(t, false); });
  if (fullTiles < g.tiles)
    rowsOfTile(cI64(fullTiles), true);
}

//===----------------------------------------------------------------------===//
// Steps
//===----------------------------------------------------------------------===//

LogicalResult ModelBuilder::emitFloatUnary(Operation *op) {
  FailureOr<FloatOperand> in = floatOperand(op, op->getOperand(0));
  if (failed(in))
    return failure();
  const TensorRef &out = refs[op->getResult(0)];
  SmallVector<int64_t> inStrides = broadcastStrides(in->ref, out.shape);
  // Every statement below works on an f32 or on a vector<N x f32> (its
  // constants take the value's type), so the same sequence runs on the
  // vector body and the scalar tail.
  auto k = [&](Value like, float v) -> Value {
    if (auto vt = dyn_cast<VectorType>(like.getType()))
      return b.create<arith::ConstantOp>(
          loc, vt, DenseElementsAttr::get(vt, ArrayRef<float>(v)));
    return cF32(v);
  };
  auto lt = [&](Value x, Value y) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, y);
  };
  auto sel = [&](Value c, Value x, Value y) {
    return b.create<arith::SelectOp>(loc, c, x, y).getResult();
  };
  auto fmul = [&](Value x, Value y) {
    return b.create<arith::MulFOp>(loc, x, y).getResult();
  };
  auto fadd = [&](Value x, Value y) {
    return b.create<arith::AddFOp>(loc, x, y).getResult();
  };
  auto fdiv = [&](Value x, Value y) {
    return b.create<arith::DivFOp>(loc, x, y).getResult();
  };
  // std::min(x, y) = y < x ? y : x; std::max(x, y) = x < y ? y : x.
  auto stdMin = [&](Value x, Value y) { return sel(lt(y, x), y, x); };
  auto stdMax = [&](Value x, Value y) { return sel(lt(x, y), y, x); };
  std::function<Value(Value)> fn;
  if (isa<ReluOp>(op)) {
    // v < 0 ? 0 : v: NaN and -0 pass through, as in the reference.
    fn = [&](Value v) { return sel(lt(v, k(v, 0)), k(v, 0), v); };
  } else if (auto c = dyn_cast<ClampOp>(op)) {
    float lo = c.getMin().convertToFloat(), hi = c.getMax().convertToFloat();
    fn = [&, lo, hi](Value v) { return stdMin(stdMax(v, k(v, lo)), k(v, hi)); };
  } else if (isa<HardswishOp>(op)) {
    fn = [&](Value v) {
      Value t = fadd(fdiv(v, k(v, 6.0f)), k(v, 0.5f));
      return fmul(v, stdMax(k(v, 0), stdMin(k(v, 1), t)));
    };
  } else if (auto h = dyn_cast<HardsigmoidOp>(op)) {
    float alpha = h.getAlpha().convertToFloat(),
          beta = h.getBeta().convertToFloat();
    fn = [&, alpha, beta](Value v) {
      Value t = fadd(fmul(k(v, alpha), v), k(v, beta));
      // NaN propagates, as in the reference.
      Value nan =
          b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, t, t);
      return sel(nan, t, stdMax(k(v, 0), stdMin(k(v, 1), t)));
    };
  } else if (isa<SigmoidOp>(op)) {
    fn = [&](Value v) { return mathF32(MathFunction::Sigmoid, v); };
  } else if (isa<TanhOp>(op)) {
    fn = [&](Value v) { return mathF32(MathFunction::Tanh, v); };
  } else if (isa<ErfOp>(op)) {
    fn = [&](Value v) { return mathF32(MathFunction::Erf, v); };
  } else if (isa<SqrtOp>(op)) {
    // Correctly rounded, as sqrtf.
    fn = [&](Value v) { return b.create<math::SqrtOp>(loc, v).getResult(); };
  } else if (auto g = dyn_cast<GeluOp>(op)) {
    // ref::gelu's float statements around ref::tanhF32 / ref::erfF32.
    if (g.getApproximate() == "tanh") {
      fn = [&](Value v) {
        Value cube = fmul(fmul(fmul(k(v, 0.044715f), v), v), v);
        Value t = mathF32(MathFunction::Tanh,
                          fmul(k(v, 0.7978845608028654f), fadd(v, cube)));
        return fmul(fmul(k(v, 0.5f), v), fadd(k(v, 1), t));
      };
    } else {
      fn = [&](Value v) {
        Value e =
            mathF32(MathFunction::Erf, fmul(v, k(v, 0.7071067811865476f)));
        return fmul(fmul(k(v, 0.5f), v), fadd(k(v, 1), e));
      };
    }
  } else {
    fn = mathUnaryFn(op); // FloatElementwise.cpp
  }
  // A dense input and output in the same row-major order: vectors of
  // floatLanes() elements over the flat array, split over threads, then the
  // last n mod lanes elements one by one. Otherwise element by element in
  // the output's order.
  if (out.isRowMajor() && isRowMajorLayout(out.shape, inStrides)) {
    int64_t n = product(out.shape), lanes = floatLanes();
    int64_t vectors = n / lanes, rest = n % lanes;
    auto vt = VectorType::get({lanes}, f32);
    if (vectors > 0)
      parallelLoopNest({vectors}, {lanes}, {in->base, basePointer(out)},
                       [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
                         Value at = mulC(ivs[0], lanes);
                         Value x =
                             b.create<LLVM::LoadOp>(loc, vt, gep(p[0], at, f32),
                                                    /*alignment=*/4);
                         b.create<LLVM::StoreOp>(loc, fn(x), gep(p[1], at, f32),
                                                 /*alignment=*/4);
                       });
    if (rest > 0)
      parallelLoopNest({rest}, {1}, {in->base, basePointer(out)},
                       [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
                         Value at = add(ivs[0], cI64(vectors * lanes));
                         store(fn(load(f32, gep(p[0], at, f32))),
                               gep(p[1], at, f32));
                       });
    return success();
  }
  parallelLoopNest(out.shape, out.strides, {in->base, basePointer(out)},
                   [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
                     Value x = load(f32, gep(p[0], offsetOf(ivs, inStrides),
                                             f32));
                     store(fn(x), gep(p[1], offsetOf(ivs, out.strides), f32));
                   });
  return success();
}

LogicalResult ModelBuilder::emitFloatBinary(Operation *op) {
  FailureOr<FloatOperand> lhs = floatOperand(op, op->getOperand(0));
  FailureOr<FloatOperand> rhs = floatOperand(op, op->getOperand(1));
  if (failed(lhs) || failed(rhs))
    return failure();
  const TensorRef &out = refs[op->getResult(0)];
  SmallVector<int64_t> sa = broadcastStrides(lhs->ref, out.shape),
                       sb = broadcastStrides(rhs->ref, out.shape);
  if (isMathBinaryOp(op) &&
      emitDenseMathBinary(op, lhs->base, rhs->base, sa, sb))
    return success(); // FloatElementwise.cpp
  // A constant exponent (LayerNorm's x^2) is applied without the call: a
  // loop of multiplies LLVM vectorizes.
  std::optional<float> exponent;
  if (isa<PowOp>(op) && isFloatConstant(op->getOperand(1))) {
    FailureOr<std::vector<float>> e = foldFloatConstant(op, op->getOperand(1));
    if (succeeded(e) && !e->empty() &&
        llvm::all_of(*e, [&](float v) { return v == (*e)[0]; }))
      exponent = (*e)[0];
  }
  parallelLoopNest(
      out.shape, out.strides, {lhs->base, rhs->base, basePointer(out)},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value x = load(f32, gep(p[0], offsetOf(ivs, sa), f32));
        Value r;
        if (exponent) {
          r = powElement(x, cF32(*exponent), exponent);
        } else {
          Value y = load(f32, gep(p[1], offsetOf(ivs, sb), f32));
          if (isa<AddOp>(op))
            r = b.create<arith::AddFOp>(loc, x, y);
          else if (isa<SubOp>(op))
            r = b.create<arith::SubFOp>(loc, x, y);
          else if (isa<MulOp>(op))
            r = b.create<arith::MulFOp>(loc, x, y);
          else if (isa<DivOp>(op))
            r = b.create<arith::DivFOp>(loc, x, y);
          else if (isa<PowOp>(op))
            r = powElement(x, y, std::nullopt);
          else
            r = mathBinary(op, x, y); // FloatElementwise.cpp
        }
        store(r, gep(p[2], offsetOf(ivs, out.strides), f32));
      });
  return success();
}

Value ModelBuilder::powElement(Value x, Value y,
                               std::optional<float> exponent) {
  // ref::powElement: x * x for 2, (x * x) * x for 3, x for 1, sqrt for 0.5
  // (with pow's +0 at -0 and +inf at -inf), powf otherwise. With a known
  // exponent only its case is emitted; otherwise every case, selected by y.
  auto fmul = [&](Value u, Value v) {
    return b.create<arith::MulFOp>(loc, u, v).getResult();
  };
  auto sel = [&](Value c, Value u, Value v) {
    return b.create<arith::SelectOp>(loc, c, u, v).getResult();
  };
  auto eq = [&](Value u, float v) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, u, cF32(v))
        .getResult();
  };
  auto square = [&] { return fmul(x, x); };
  auto cube = [&] { return fmul(fmul(x, x), x); };
  auto root = [&] {
    Value inf = cF32(std::numeric_limits<float>::infinity());
    return sel(eq(x, 0.0f), cF32(0.0f),
               sel(eq(x, -std::numeric_limits<float>::infinity()), inf,
                   b.create<math::SqrtOp>(loc, x).getResult()));
  };
  if (exponent) {
    if (*exponent == 2.0f)
      return square();
    if (*exponent == 3.0f)
      return cube();
    if (*exponent == 1.0f)
      return x;
    if (*exponent == 0.5f)
      return root();
    return callLibm("powf", {x, y});
  }
  Value r = callLibm("powf", {x, y});
  r = sel(eq(y, 0.5f), root(), r);
  r = sel(eq(y, 1.0f), x, r);
  r = sel(eq(y, 3.0f), cube(), r);
  return sel(eq(y, 2.0f), square(), r);
}

/// Grouped / depthwise convs with at most this many taps get a branch-free
/// channel loop with the taps unrolled.
constexpr int64_t kMaxUnrolledConvTaps = 64;

LogicalResult ModelBuilder::emitFloatConv(Conv2dOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  int64_t o = wType.getDimSize(0), cg = wType.getDimSize(1),
          kh = wType.getDimSize(2), kw = wType.getDimSize(3);
  int64_t n = in.shape[0], c = in.shape[1], h = in.shape[2], w = in.shape[3];
  int64_t oh = out.shape[2], ow = out.shape[3];
  int64_t groups = op.getGroups();
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dil = op.getDilations();
  FailureOr<std::vector<float>> weights = foldFloatConstant(op, op.getWeight());
  if (failed(weights))
    return failure();
  FailureOr<std::vector<float>> biasValues =
      foldFloatBias(op, op.getBias(), o);
  if (failed(biasValues))
    return failure();
  const std::vector<float> &bias = *biasValues;
  countFloatWeights(o * cg * kh * kw + (op.getBias() ? o : 0));
  int64_t m = n * oh * ow;
  Value inBase = basePointer(in), outBase = basePointer(out);
  // out is NHWC: output pixel `row` starts at row * o.
  if (groups == 1) {
    int64_t k = kh * kw * c;
    // OIHW -> (c, ky, kx) x O: the reference's im2col order, so every
    // output sums its products in the reference's order (padding included
    // as zeros).
    std::vector<float> matrix(k * o);
    for (int64_t oc = 0; oc < o; ++oc)
      for (int64_t kk = 0; kk < k; ++kk)
        matrix[kk * o + oc] = (*weights)[oc * k + kk];
    FloatGemm g = packFloatGemm(k, o, matrix,
                                op.getBias() ? ArrayRef<float>(bias)
                                             : ArrayRef<float>(),
                                /*biasFirst=*/true);
    bool im2col = scratch.count(op) != 0;
    // im2col rows hold (ky, kx, c) (contiguous copies from NHWC); the GEMM
    // reads them in the weights' (c, ky, kx) order.
    if (im2col)
      g.taps = kh * kw;
    Value colBase = im2col ? arenaPointer(scratch[op]) : inBase;
    int64_t lda = im2col ? k : c;
    parallel(m, {inBase, colBase, outBase, g.weights, g.bias},
             [&](Value begin, Value end, ArrayRef<Value> p) {
               if (!im2col) {
                 callFloatGemm(g, p[3], p[4], p[1], lda, p[2], o, begin, end);
                 return;
               }
               constexpr int64_t blockRows = 64;
               b.create<scf::ForOp>(
                   loc, begin, end, cI64(blockRows), ValueRange{},
                   [&](OpBuilder &, Location, Value r0, ValueRange) {
                     Value r1 = b.create<arith::MinSIOp>(
                         loc, end, add(r0, cI64(blockRows)));
                     forRange(r0, r1, [&](Value row) {
                       Pixel px = splitPixel(row, oh, ow);
                       Value dstRow = gep(p[1], mulC(row, k), f32);
                       Value srcImg =
                           gep(p[0], mulC(px.img, in.strides[0]), f32);
                       for (int64_t y = 0; y < kh; ++y) {
                         Value iy = add(mulC(px.oy, strides[0]),
                                        cI64(y * dil[0] - pads[0]));
                         Value okY = inBounds(iy, h);
                         for (int64_t x = 0; x < kw; ++x) {
                           Value ix = add(mulC(px.ox, strides[1]),
                                          cI64(x * dil[1] - pads[1]));
                           Value ok = b.create<arith::AndIOp>(
                               loc, okY, inBounds(ix, w));
                           Value dst =
                               gep(dstRow, cI64((y * kw + x) * c), f32);
                           ifThen(
                               ok,
                               [&] {
                                 Value src = gep(
                                     srcImg,
                                     add(mulC(iy, in.strides[2]),
                                         mulC(ix, in.strides[3])),
                                     f32);
                                 forN(c, [&](Value ci) {
                                   store(load(f32, gep(src,
                                                       mulC(ci,
                                                            in.strides[1]),
                                                       f32)),
                                         gep(dst, ci, f32));
                                 });
                               },
                               [&] {
                                 forN(c, [&](Value ci) {
                                   store(cF32(0), gep(dst, ci, f32));
                                 });
                               });
                         }
                       }
                     });
                     callFloatGemm(g, p[3], p[4], p[1], lda, p[2], o, r0, r1);
                     b.create<scf::YieldOp>(loc);
                   });
             });
    return success();
  }
  // Grouped / depthwise: per output pixel a row of o accumulators starting
  // at the bias; weights (ic, ky, kx) x O so the channel loop reads them
  // contiguously. The reference's order: a depthwise conv (one input channel
  // per group) adds the in-bounds taps in (ky, kx) order; other groups add
  // every (ic, ky, kx) product, padding as zeros.
  int64_t og = o / groups;
  bool depthwise = cg == 1 && groups == c;
  std::vector<float> wt(kh * kw * cg * o);
  for (int64_t oc = 0; oc < o; ++oc)
    for (int64_t kk = 0; kk < cg * kh * kw; ++kk)
      wt[kk * o + oc] = (*weights)[oc * cg * kh * kw + kk];
  Value wBase = constantArray<float>("conv_f32", wt);
  Value bBase = constantArray<float>("bias_f32", bias);
  int64_t taps = kh * kw;
  if (taps <= kMaxUnrolledConvTaps) {
    // Per output pixel the taps' offsets and in-bounds flags first (a
    // padded tap reads element 0 and is not added, or adds 0 for grouped
    // convs), then a branch-free channel loop with the accumulator in a
    // register, which LLVM vectorizes over the output channels.
    parallel(m, {inBase, outBase, wBase, bBase},
             [&](Value begin, Value end, ArrayRef<Value> p) {
               forRange(begin, end, [&](Value row) {
                 Pixel px = splitPixel(row, oh, ow);
                 Value dst = gep(p[1], mulC(row, o), f32);
                 Value srcImg = gep(p[0], mulC(px.img, in.strides[0]), f32);
                 SmallVector<Value> oks, offsets;
                 for (int64_t y = 0; y < kh; ++y) {
                   Value iy = add(mulC(px.oy, strides[0]),
                                  cI64(y * dil[0] - pads[0]));
                   Value okY = inBounds(iy, h);
                   for (int64_t x = 0; x < kw; ++x) {
                     Value ix = add(mulC(px.ox, strides[1]),
                                    cI64(x * dil[1] - pads[1]));
                     Value ok =
                         b.create<arith::AndIOp>(loc, okY, inBounds(ix, w));
                     oks.push_back(ok);
                     offsets.push_back(b.create<arith::SelectOp>(
                         loc, ok,
                         add(mulC(iy, in.strides[2]), mulC(ix, in.strides[3])),
                         cI64(0)));
                   }
                 }
                 forN(o, [&](Value oc) {
                   Value group = og == 1 ? oc : divC(oc, og);
                   auto addTaps = [&](Value acc, Value ic) {
                     Value chanOff =
                         mulC(add(mulC(group, cg), ic), in.strides[1]);
                     for (int64_t tp = 0; tp < taps; ++tp) {
                       Value xv = load(
                           f32, gep(srcImg, add(offsets[tp], chanOff), f32));
                       Value wv = load(
                           f32,
                           gep(p[2],
                               add(mulC(add(mulC(ic, taps), cI64(tp)), o), oc),
                               f32));
                       if (!depthwise)
                         xv = b.create<arith::SelectOp>(loc, oks[tp], xv,
                                                        cF32(0));
                       Value sum = b.create<arith::AddFOp>(
                           loc, acc, b.create<arith::MulFOp>(loc, wv, xv));
                       acc = depthwise ? b.create<arith::SelectOp>(
                                             loc, oks[tp], sum, acc)
                                             .getResult()
                                       : sum;
                     }
                     return acc;
                   };
                   Value acc = load(f32, gep(p[3], oc, f32));
                   if (cg == 1) {
                     acc = addTaps(acc, cI64(0));
                   } else {
                     acc = b.create<scf::ForOp>(
                                loc, cI64(0), cI64(cg), cI64(1), ValueRange{acc},
                                [&](OpBuilder &, Location, Value ic,
                                    ValueRange a) {
                                  b.create<scf::YieldOp>(loc,
                                                         addTaps(a[0], ic));
                                })
                               .getResult(0);
                   }
                   store(acc, gep(dst, oc, f32));
                 });
               });
             });
    return success();
  }
  parallel(m, {inBase, outBase, wBase, bBase},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             forRange(begin, end, [&](Value row) {
               Pixel px = splitPixel(row, oh, ow);
               Value dst = gep(p[1], mulC(row, o), f32);
               forN(o, [&](Value oc) {
                 store(load(f32, gep(p[3], oc, f32)), gep(dst, oc, f32));
               });
               Value srcImg = gep(p[0], mulC(px.img, in.strides[0]), f32);
               forN(cg, [&](Value ic) {
                 for (int64_t y = 0; y < kh; ++y) {
                   Value iy = add(mulC(px.oy, strides[0]),
                                  cI64(y * dil[0] - pads[0]));
                   Value okY = inBounds(iy, h);
                   for (int64_t x = 0; x < kw; ++x) {
                     Value ix = add(mulC(px.ox, strides[1]),
                                    cI64(x * dil[1] - pads[1]));
                     Value ok =
                         b.create<arith::AndIOp>(loc, okY, inBounds(ix, w));
                     Value wRow = gep(
                         p[2], mulC(add(mulC(ic, kh * kw), cI64(y * kw + x)), o),
                         f32);
                     // A padded tap reads element 0 and uses 0 instead.
                     Value offset = b.create<arith::SelectOp>(
                         loc, ok,
                         add(mulC(iy, in.strides[2]), mulC(ix, in.strides[3])),
                         cI64(0));
                     auto accumulate = [&] {
                       Value src = gep(srcImg, offset, f32);
                       forN(o, [&](Value oc) {
                         Value chan = og == 1 ? oc : divC(oc, og);
                         chan = add(mulC(chan, cg), ic);
                         Value xv = load(
                             f32, gep(src, mulC(chan, in.strides[1]), f32));
                         if (!depthwise)
                           xv = b.create<arith::SelectOp>(loc, ok, xv, cF32(0));
                         Value slot = gep(dst, oc, f32);
                         Value prod = b.create<arith::MulFOp>(
                             loc, load(f32, gep(wRow, oc, f32)), xv);
                         store(b.create<arith::AddFOp>(loc, load(f32, slot),
                                                       prod),
                               slot);
                       });
                     };
                     if (depthwise)
                       ifThen(ok, accumulate);
                     else
                       accumulate();
                   }
                 }
               });
             });
           });
  return success();
}

LogicalResult ModelBuilder::emitFloatLinear(Operation *op) {
  // qc.linear (weight [N, K]) and qc.matmul by a constant [K, N]: the GEMM
  // over the input's rows. A dequantized 8-bit weight (weight-only
  // quantization) stays packed and is dequantized in registers.
  if (FailureOr<WeightOnlyWeights> wo = matchWeightOnly(op); succeeded(wo))
    return emitWeightOnlyLinear(op, *wo);
  Value input = op->getOperand(0);
  const TensorRef &out = refs[op->getResult(0)];
  FailureOr<std::vector<float>> wv = foldFloatConstant(op, op->getOperand(1));
  if (failed(wv))
    return failure();
  auto wType = cast<RankedTensorType>(op->getOperand(1).getType());
  int64_t k, n;
  std::vector<float> kByN;
  std::vector<float> bias;
  if (auto linear = dyn_cast<LinearOp>(op)) {
    n = wType.getDimSize(0);
    k = wType.getDimSize(1);
    kByN.resize(k * n);
    for (int64_t j = 0; j < n; ++j)
      for (int64_t kk = 0; kk < k; ++kk)
        kByN[kk * n + j] = (*wv)[j * k + kk];
    if (linear.getBias()) {
      FailureOr<std::vector<float>> bv =
          foldFloatConstant(op, linear.getBias());
      if (failed(bv) || static_cast<int64_t>(bv->size()) != n)
        return op->emitError("qc compile: cannot read the linear bias");
      bias = *bv;
    }
  } else {
    k = wType.getDimSize(0);
    n = wType.getDimSize(1);
    kByN = *wv;
  }
  countFloatWeights(k * n + static_cast<int64_t>(bias.size()));
  const TensorRef &in = refs[input];
  int64_t rows = product(in.shape) / std::max<int64_t>(k, 1);
  FloatGemm g = packFloatGemm(k, n, kByN, bias, /*biasFirst=*/false);
  Value a = basePointer(in);
  if (scratch.count(op)) {
    Value rowsBase = arenaPointer(scratch[op]);
    copyToRowMajor(in, a, rowsBase);
    a = rowsBase;
  }
  parallel(rows, {a, basePointer(out), g.weights, g.bias},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             callFloatGemm(g, p[2], p[3], p[0], k, p[1], n, begin, end);
           });
  return success();
}

/// Output rows per register tile of the matmul of two activations.
constexpr int64_t kMatmulRows = 4;
/// Column vectors per register tile of that matmul.
constexpr int64_t kMatmulVectors = 2;

LogicalResult ModelBuilder::emitFloatMatmul(MatmulOp op) {
  auto bType = cast<RankedTensorType>(op.getRhs().getType());
  if (isFloatConstant(op.getRhs()) && bType.getRank() == 2 &&
      !isFloatConstant(op.getLhs()))
    return emitFloatLinear(op);
  // Batched: out[b..., i, j] = sum_k a[b..., i, k] * b[b..., k, j], per
  // block of output rows a register tile of columns accumulated over k.
  FailureOr<FloatOperand> lhs = floatOperand(op, op.getLhs());
  FailureOr<FloatOperand> rhs = floatOperand(op, op.getRhs());
  if (failed(lhs) || failed(rhs))
    return failure();
  if (auto it = scratch.find(op.getOperation()); it != scratch.end()) {
    // The planned row-major copy of a strided right-hand side (same values,
    // same summation order).
    Value rows = arenaPointer(it->second);
    copyToRowMajor(rhs->ref, rhs->base, rows);
    rhs->base = rows;
    rhs->ref.strides = rowMajorStrides(rhs->ref.shape);
    rhs->ref.offset = 0;
  }
  const TensorRef &out = refs[op.getResult()];
  int64_t rank = static_cast<int64_t>(out.shape.size());
  int64_t n = out.shape[rank - 1];
  int64_t k = lhs->ref.shape.back();
  // Broadcast batch strides of a and b over the output's batch dimensions.
  auto batchStrides = [&](const TensorRef &r) {
    SmallVector<int64_t> s(rank - 2, 0);
    int64_t rr = static_cast<int64_t>(r.shape.size());
    for (int64_t d = 0; d < rr - 2; ++d)
      s[rank - rr + d] = r.shape[d] == 1 ? 0 : r.strides[d];
    return s;
  };
  SmallVector<int64_t> sa = batchStrides(lhs->ref), sb = batchStrides(rhs->ref);
  int64_t ar = lhs->ref.strides[lhs->ref.shape.size() - 2],
          ak = lhs->ref.strides.back();
  int64_t bk = rhs->ref.strides[rhs->ref.shape.size() - 2],
          bn = rhs->ref.strides.back();
  int64_t m = out.shape[rank - 2];
  SmallVector<int64_t> batchShape(out.shape.begin(), out.shape.end() - 2);
  SmallVector<int64_t> batchOrder = rowMajorStrides(batchShape);
  int64_t batches = product(batchShape);
  // Units of kMatmulRows output rows of one batch (the last unit of a batch
  // may hold fewer): each unit keeps rows x column vectors of accumulators
  // in registers, so the k loop has that many independent chains.
  int64_t unitsPerBatch = (m + kMatmulRows - 1) / kMatmulRows;
  int64_t lastRows = m - (unitsPerBatch - 1) * kMatmulRows;
  int64_t cr = out.strides[rank - 2], cn = out.strides[rank - 1];
  parallel(
      batches * unitsPerBatch, {lhs->base, rhs->base, basePointer(out)},
      [&](Value begin, Value end, ArrayRef<Value> p) {
        forRange(begin, end, [&](Value unit) {
          Value batch = divC(unit, unitsPerBatch);
          Value blk = remC(unit, unitsPerBatch);
          Value aOff = cI64(0), bOff = cI64(0), cOff = cI64(0);
          for (int64_t d = 0; d < rank - 2; ++d) {
            Value idx = remC(divC(batch, batchOrder[d]), batchShape[d]);
            aOff = add(aOff, mulC(idx, sa[d]));
            bOff = add(bOff, mulC(idx, sb[d]));
            cOff = add(cOff, mulC(idx, out.strides[d]));
          }
          Value i0 = mulC(blk, kMatmulRows);
          Value aBlock = gep(p[0], add(aOff, mulC(i0, ar)), f32);
          Value bMat = gep(p[1], bOff, f32);
          Value cBlock = gep(p[2], add(cOff, mulC(i0, cr)), f32);
          auto rowsOf = [&](int64_t rows) {
            matmulRows(aBlock, ar, ak, bMat, bk, bn, cBlock, cr, cn, rows, k,
                       n);
          };
          if (lastRows == kMatmulRows) {
            rowsOf(kMatmulRows);
            return;
          }
          Value last = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                               blk, cI64(unitsPerBatch - 1));
          ifThen(
              last, [&] { rowsOf(lastRows); },
              [&] { rowsOf(kMatmulRows); });
        });
      });
  return success();
}

void ModelBuilder::matmulRows(Value a, int64_t ar, int64_t ak, Value bMat,
                              int64_t bk, int64_t bn, Value c, int64_t cr,
                              int64_t cn, int64_t rows, int64_t k, int64_t n) {
  // Columns [j0, j0 + vectors * lanes) of `rows` output rows in registers
  // (lanes 1: scalars), each summed over k from 0 in k order: every output
  // is ((0 + a0*b0) + a1*b1) + ..., rounded after every multiply and add
  // (no FMA), as the reference executor.
  auto columns = [&](Value j0, int64_t lanes, int64_t vectors) {
    Type vt = lanes == 1 ? Type(f32) : Type(VectorType::get({lanes}, f32));
    Value zero = lanes == 1
                     ? cF32(0)
                     : b.create<vector::BroadcastOp>(loc, vt, cF32(0))
                           .getResult();
    SmallVector<Value> init(rows * vectors, zero);
    Value bCol = gep(bMat, mulC(j0, bn), f32);
    auto loop = b.create<scf::ForOp>(
        loc, cI64(0), cI64(k), cI64(1), init,
        [&](OpBuilder &, Location, Value kk, ValueRange acc) {
          Value bRow = gep(bCol, mulC(kk, bk), f32);
          SmallVector<Value> bv;
          for (int64_t v = 0; v < vectors; ++v) {
            Value at = gep(bRow, cI64(v * lanes * bn), f32);
            if (lanes == 1) {
              bv.push_back(load(f32, at));
            } else if (bn == 1) {
              bv.push_back(b.create<LLVM::LoadOp>(loc, vt, at,
                                                  /*alignment=*/4));
            } else {
              SmallVector<Value> elems;
              for (int64_t l = 0; l < lanes; ++l)
                elems.push_back(load(f32, gep(at, cI64(l * bn), f32)));
              bv.push_back(b.create<vector::FromElementsOp>(
                  loc, cast<VectorType>(vt), elems));
            }
          }
          SmallVector<Value> next;
          for (int64_t r = 0; r < rows; ++r) {
            Value x = load(f32, gep(a, add(cI64(r * ar), mulC(kk, ak)), f32));
            Value xv = lanes == 1
                           ? x
                           : b.create<vector::BroadcastOp>(loc, vt, x)
                                 .getResult();
            for (int64_t v = 0; v < vectors; ++v)
              next.push_back(b.create<arith::AddFOp>(
                  loc, acc[r * vectors + v],
                  b.create<arith::MulFOp>(loc, xv, bv[v])));
          }
          b.create<scf::YieldOp>(loc, next);
        });
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < vectors; ++v) {
        Value sum = loop.getResult(r * vectors + v);
        Value at = gep(c, add(cI64(r * cr), mulC(add(j0, cI64(v * lanes)), cn)),
                       f32);
        if (lanes == 1)
          store(sum, at);
        else if (cn == 1)
          b.create<LLVM::StoreOp>(loc, sum, at, /*alignment=*/4);
        else
          for (int64_t l = 0; l < lanes; ++l)
            store(b.create<vector::ExtractOp>(loc, sum, ArrayRef<int64_t>{l}),
                  gep(at, cI64(l * cn), f32));
      }
  };
  int64_t lanes = floatLanes(), full = n / lanes;
  int64_t tiles = full / kMatmulVectors;
  if (tiles > 0)
    forN(tiles, [&](Value t) {
      columns(mulC(t, kMatmulVectors * lanes), lanes, kMatmulVectors);
    });
  for (int64_t v = tiles * kMatmulVectors; v < full; ++v)
    columns(cI64(v * lanes), lanes, 1);
  if (full * lanes < n)
    forRange(cI64(full * lanes), cI64(n), [&](Value j) { columns(j, 1, 1); });
}

LogicalResult ModelBuilder::emitFloatMaxPool(MaxPool2dOp op) {
  // Per output pixel a row of channels: -inf, then per in-bounds tap (ky,
  // kx order) best = (v > best || v != v) ? v : best, as the reference.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t c = in.shape[1];
  int64_t oh = out.shape[2], ow = out.shape[3];
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                    pads = op.getPads(), dil = op.getDilations();
  parallel(out.shape[0] * oh * ow, {basePointer(in), basePointer(out)},
           [&](Value begin, Value end, ArrayRef<Value> p) {
             forRange(begin, end, [&](Value row) {
               Pixel px = splitPixel(row, oh, ow);
               Value dst =
                   gep(p[1],
                       add(mulC(px.img, out.strides[0]),
                           add(mulC(px.oy, out.strides[2]),
                               mulC(px.ox, out.strides[3]))),
                       f32);
               forN(c, [&](Value ci) {
                 store(cF32(-std::numeric_limits<float>::infinity()),
                       gep(dst, mulC(ci, out.strides[1]), f32));
               });
               Value srcImg = gep(p[0], mulC(px.img, in.strides[0]), f32);
               forEachWindowTap(
                   in, srcImg, px.oy, px.ox, kernel, strides, pads, dil,
                   [&](int64_t, int64_t, Value src) {
                     forN(c, [&](Value ci) {
                       Value v =
                           load(f32, gep(src, mulC(ci, in.strides[1]), f32));
                       Value slot = gep(dst, mulC(ci, out.strides[1]), f32);
                       Value best = load(f32, slot);
                       Value take = b.create<arith::OrIOp>(
                           loc,
                           b.create<arith::CmpFOp>(
                               loc, arith::CmpFPredicate::OGT, v, best),
                           b.create<arith::CmpFOp>(
                               loc, arith::CmpFPredicate::UNO, v, v));
                       store(b.create<arith::SelectOp>(loc, take, v, best),
                             slot);
                     });
                   });
             });
           });
  return success();
}

LogicalResult ModelBuilder::emitFloatAvgPool(AvgPool2dOp op) {
  // The reference's window and divisor (qc::avgPoolWindow) per output
  // position, as a compile-time table; per window a double sum per channel
  // in row-major order, divided in double, rounded to f32.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t c = in.shape[1], h = in.shape[2], w = in.shape[3];
  int64_t oh = out.shape[2], ow = out.shape[3];
  ::qc::Pool2dAttrs attrs;
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                    pads = op.getPads();
  std::copy(kernel.begin(), kernel.end(), attrs.kernel.begin());
  std::copy(strides.begin(), strides.end(), attrs.strides.begin());
  std::copy(pads.begin(), pads.end(), attrs.pads.begin());
  attrs.ceilMode = op.getCeilMode();
  std::vector<int64_t> windows;
  for (int64_t oy = 0; oy < oh; ++oy)
    for (int64_t ox = 0; ox < ow; ++ox) {
      ::qc::AvgPoolWindow win = ::qc::avgPoolWindow(
          h, w, attrs, op.getCountIncludePad(), oy, ox);
      windows.insert(windows.end(), {win.ys, win.ye, win.xs, win.xe,
                                     win.count});
    }
  Value table = constantArray<int64_t>("avgpool", windows);
  Type f64 = b.getF64Type();
  Value acc;
  parallel(
      out.shape[0] * oh * ow, {basePointer(in), basePointer(out), table},
      [&](Value begin, Value end, ArrayRef<Value> p) {
        acc = b.create<LLVM::AllocaOp>(
            loc, ptr, LLVM::LLVMArrayType::get(f64, c), cI32(1), 64);
        forRange(begin, end, [&](Value row) {
          Pixel px = splitPixel(row, oh, ow);
          Value entry = gep(p[2], mulC(px.pix, 5), i64);
          Value ys = load(i64, gep(entry, cI64(0), i64)),
                ye = load(i64, gep(entry, cI64(1), i64)),
                xs = load(i64, gep(entry, cI64(2), i64)),
                xe = load(i64, gep(entry, cI64(3), i64)),
                count = load(i64, gep(entry, cI64(4), i64));
          Value zero = b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0));
          forN(c, [&](Value ci) { store(zero, gep(acc, ci, f64)); });
          Value srcImg = gep(p[0], mulC(px.img, in.strides[0]), f32);
          forRange(ys, ye, [&](Value iy) {
            forRange(xs, xe, [&](Value ix) {
              Value src = gep(srcImg,
                              add(mulC(iy, in.strides[2]),
                                  mulC(ix, in.strides[3])),
                              f32);
              forN(c, [&](Value ci) {
                Value v = b.create<arith::ExtFOp>(
                    loc, f64, load(f32, gep(src, mulC(ci, in.strides[1]), f32)));
                Value slot = gep(acc, ci, f64);
                store(b.create<arith::AddFOp>(loc, load(f64, slot), v), slot);
              });
            });
          });
          Value dst = gep(p[1],
                          add(mulC(px.img, out.strides[0]),
                              add(mulC(px.oy, out.strides[2]),
                                  mulC(px.ox, out.strides[3]))),
                          f32);
          Value positive = b.create<arith::CmpIOp>(
              loc, arith::CmpIPredicate::sgt, count, cI64(0));
          Value countF = b.create<arith::SIToFPOp>(loc, f64, count);
          forN(c, [&](Value ci) {
            Value mean = b.create<arith::TruncFOp>(
                loc, f32,
                b.create<arith::DivFOp>(loc, load(f64, gep(acc, ci, f64)),
                                        countF));
            store(b.create<arith::SelectOp>(loc, positive, mean, cF32(0)),
                  gep(dst, mulC(ci, out.strides[1]), f32));
          });
        });
      });
  return success();
}

/// Softmax axes up to this length keep their exp values in a stack array.
constexpr int64_t kSoftmaxStackLength = 8192;

namespace {
/// support/Math.h's operations as arith / math ops on f64 or vector<N x f64>
/// (and i64 lanes of the same shape). No fast-math flags: LLVM rounds every
/// product and sum on its own, as the reference (-ffp-contract=off) does.
struct MlirMathOps {
  using R = Value;
  using I = Value;
  OpBuilder &b;
  Location loc;
  Type real;    // f64 or vector<N x f64>
  Type integer; // i64 or vector<N x i64>

  MlirMathOps(OpBuilder &b, Location loc, Type real)
      : b(b), loc(loc), real(real), integer(b.getI64Type()) {
    if (auto vt = dyn_cast<VectorType>(real))
      integer = VectorType::get(vt.getShape(), b.getI64Type());
  }
  R c(double v) {
    if (auto vt = dyn_cast<VectorType>(real))
      return b.create<arith::ConstantOp>(
          loc, vt, DenseElementsAttr::get(vt, ArrayRef<double>(v)));
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v));
  }
  I ci(int64_t v) {
    if (auto vt = dyn_cast<VectorType>(integer))
      return b.create<arith::ConstantOp>(
          loc, vt, DenseElementsAttr::get(vt, ArrayRef<int64_t>(v)));
    return b.create<arith::ConstantIntOp>(loc, v, 64);
  }
  R add(R x, R y) { return b.create<arith::AddFOp>(loc, x, y); }
  R sub(R x, R y) { return b.create<arith::SubFOp>(loc, x, y); }
  R mul(R x, R y) { return b.create<arith::MulFOp>(loc, x, y); }
  R div(R x, R y) { return b.create<arith::DivFOp>(loc, x, y); }
  R neg(R x) { return b.create<arith::NegFOp>(loc, x); }
  Value lt(R x, R y) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, y);
  }
  Value isNan(R x) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
  }
  R select(Value c, R x, R y) {
    return b.create<arith::SelectOp>(loc, c, x, y);
  }
  R roundEven(R x) { return b.create<math::RoundEvenOp>(loc, x); }
  I toInt(R x) { return b.create<arith::FPToSIOp>(loc, integer, x); }
  I iadd(I x, I y) { return b.create<arith::AddIOp>(loc, x, y); }
  I isub(I x, I y) { return b.create<arith::SubIOp>(loc, x, y); }
  I ashr(I x, int64_t n) { return b.create<arith::ShRSIOp>(loc, x, ci(n)); }
  I shl(I x, int64_t n) { return b.create<arith::ShLIOp>(loc, x, ci(n)); }
  R bitsToReal(I x) { return b.create<arith::BitcastOp>(loc, real, x); }
  I realToBits(R x) { return b.create<arith::BitcastOp>(loc, integer, x); }
  R toReal(I x) { return b.create<arith::SIToFPOp>(loc, real, x); }
};
} // namespace

Value ModelBuilder::softmaxExp(Value x) {
  // ref::softmaxExp: qc::math::exp (support/Math.h) on each lane.
  MlirMathOps o(b, loc, x.getType());
  return ::qc::math::exp(o, x);
}

Value ModelBuilder::mathF32(MathFunction fn, Value x) {
  Type f64 = b.getF64Type();
  Type wide = f64;
  if (auto vt = dyn_cast<VectorType>(x.getType()))
    wide = VectorType::get(vt.getShape(), f64);
  MlirMathOps o(b, loc, wide);
  Value d = b.create<arith::ExtFOp>(loc, wide, x);
  Value y;
  switch (fn) {
  case MathFunction::Exp:
    y = ::qc::math::exp(o, d);
    break;
  case MathFunction::Log:
    y = ::qc::math::log(o, d);
    break;
  case MathFunction::Erf:
    y = ::qc::math::erf(o, d);
    break;
  case MathFunction::Tanh:
    y = ::qc::math::tanh(o, d);
    break;
  case MathFunction::Sigmoid:
    y = ::qc::math::sigmoid(o, d);
    break;
  }
  return b.create<arith::TruncFOp>(loc, x.getType(), y);
}

AxisLines axisLines(const TensorRef &in, const TensorRef &out, int64_t axis) {
  int64_t rank = static_cast<int64_t>(in.shape.size());
  if (axis < 0)
    axis += rank;
  SmallVector<int64_t> outer(in.shape.begin(), in.shape.end());
  outer[axis] = 1;
  return {in.shape[axis], std::move(outer), in.strides[axis],
          out.strides[axis]};
}

LogicalResult ModelBuilder::emitSoftmax(SoftmaxOp op) {
  // ref::softmax on vectors of kSumLanes doubles: mx = max of the line,
  // e[j] = softmaxExp(double(x[j]) - mx), lane l of the running vector sum
  // holds the reference's partial sum l (e[j] with j mod 8 = l, in j order),
  // combined pairwise as the reference, out[j] = float(e[j] / sum). The max
  // is taken lane-wise then across lanes: a different order than the
  // reference's, with the same value (a NaN anywhere makes every output NaN
  // either way; +0 / -0 give the same differences).
  using ::qc::softmax_exp::kSumLanes;
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  AxisLines lines = axisLines(in, out, op.getAxis());
  int64_t len = lines.length, is = lines.inStride, os = lines.outStride;
  const SmallVector<int64_t> &outer = lines.outer;
  Type f64 = b.getF64Type();
  auto vf = VectorType::get({kSumLanes}, f32);
  auto vd = VectorType::get({kSumLanes}, f64);
  int64_t full = len / kSumLanes, tail = len % kSumLanes;
  int64_t chunks = full + (tail ? 1 : 0);
  Value e;
  auto sel = [&](Value c, Value u, Value v) {
    return b.create<arith::SelectOp>(loc, c, u, v).getResult();
  };
  auto less = [&](Value u, Value v) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, u, v)
        .getResult();
  };
  // Chunk c (elements [8c, 8c + 8)) of a line as a vector; lanes past the
  // line (the tail chunk, `lanes` < 8) hold `pad`.
  auto loadChunk = [&](Value src, Value c, int64_t lanes, Value pad) -> Value {
    Value first = gep(src, mulC(mulC(c, kSumLanes), is), f32);
    if (is == 1 && lanes == kSumLanes)
      return b.create<LLVM::LoadOp>(loc, vf, first, /*alignment=*/4)
          .getResult();
    SmallVector<Value> elems;
    for (int64_t l = 0; l < kSumLanes; ++l)
      elems.push_back(l < lanes ? load(f32, gep(first, cI64(l * is), f32))
                                : pad);
    return b.create<vector::FromElementsOp>(loc, vf, elems).getResult();
  };
  auto storeChunk = [&](Value dst, Value c, int64_t lanes, Value v) {
    Value first = gep(dst, mulC(mulC(c, kSumLanes), os), f32);
    if (os == 1 && lanes == kSumLanes) {
      b.create<LLVM::StoreOp>(loc, v, first, /*alignment=*/4);
      return;
    }
    for (int64_t l = 0; l < lanes; ++l)
      store(b.create<vector::ExtractOp>(loc, v, ArrayRef<int64_t>{l}),
            gep(first, cI64(l * os), f32));
  };
  // Runs body(chunk, lanes) over the full chunks (a loop) and the tail.
  auto forChunks = [&](const std::function<void(Value, int64_t)> &body) {
    if (full > 0)
      forN(full, [&](Value c) { body(c, kSumLanes); });
    if (tail)
      body(cI64(full), tail);
  };
  parallelLoopNest(
      outer, rowMajorStrides(outer), {basePointer(in), basePointer(out)},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value src = gep(p[0], offsetOf(ivs, in.strides), f32);
        Value dst = gep(p[1], offsetOf(ivs, out.strides), f32);
        Value x0 = load(f32, src);
        // Lane-wise max (m < v ? v : m), the tail padded with x[0].
        Value vmx = b.create<vector::BroadcastOp>(loc, vf, x0);
        auto maxWith = [&](Value m, Value v) { return sel(less(m, v), v, m); };
        if (full > 0)
          vmx = b.create<scf::ForOp>(
                     loc, cI64(0), cI64(full), cI64(1), ValueRange{vmx},
                     [&](OpBuilder &, Location, Value c, ValueRange acc) {
                       b.create<scf::YieldOp>(
                           loc, maxWith(acc[0],
                                        loadChunk(src, c, kSumLanes, x0)));
                     })
                    .getResult(0);
        if (tail)
          vmx = maxWith(vmx, loadChunk(src, cI64(full), tail, x0));
        // Across lanes pairwise (the max does not depend on the order).
        SmallVector<Value> level;
        for (int64_t l = 0; l < kSumLanes; ++l)
          level.push_back(
              b.create<vector::ExtractOp>(loc, vmx, ArrayRef<int64_t>{l}));
        while (level.size() > 1) {
          SmallVector<Value> next;
          for (size_t l = 0; l + 1 < level.size(); l += 2)
            next.push_back(maxWith(level[l], level[l + 1]));
          level = std::move(next);
        }
        Value mx = level[0];
        Value mxv = b.create<vector::BroadcastOp>(
            loc, vd, b.create<arith::ExtFOp>(loc, f64, mx));
        Value zero = b.create<vector::BroadcastOp>(
            loc, vd, b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0)));
        // exp of a chunk; lanes past the line are 0 (they add nothing).
        auto expChunk = [&](Value c, int64_t lanes) {
          Value xv = b.create<arith::ExtFOp>(loc, vd,
                                             loadChunk(src, c, lanes, mx));
          Value ev = softmaxExp(b.create<arith::SubFOp>(loc, xv, mxv));
          if (lanes < kSumLanes) {
            SmallVector<bool> live(kSumLanes, false);
            std::fill(live.begin(), live.begin() + lanes, true);
            Value mask = b.create<arith::ConstantOp>(
                loc, DenseElementsAttr::get(
                         VectorType::get({kSumLanes}, b.getI1Type()),
                         ArrayRef<bool>(live)));
            ev = sel(mask, ev, zero);
          }
          return ev;
        };
        auto sumStep = [&](Value acc, Value c, int64_t lanes) {
          Value ev = expChunk(c, lanes);
          if (e)
            b.create<LLVM::StoreOp>(loc, ev, gep(e, mulC(c, kSumLanes), f64),
                                    /*alignment=*/8);
          return b.create<arith::AddFOp>(loc, acc, ev).getResult();
        };
        Value acc = zero;
        if (full > 0)
          acc = b.create<scf::ForOp>(
                     loc, cI64(0), cI64(full), cI64(1), ValueRange{acc},
                     [&](OpBuilder &, Location, Value c, ValueRange a) {
                       b.create<scf::YieldOp>(loc,
                                              sumStep(a[0], c, kSumLanes));
                     })
                    .getResult(0);
        if (tail)
          acc = sumStep(acc, cI64(full), tail);
        static_assert(kSumLanes == 8, "the pairwise combination below");
        auto lane = [&](int64_t l) {
          return b.create<vector::ExtractOp>(loc, acc, ArrayRef<int64_t>{l})
              .getResult();
        };
        auto fadd = [&](Value u, Value v) {
          return b.create<arith::AddFOp>(loc, u, v).getResult();
        };
        Value sum = fadd(fadd(fadd(lane(0), lane(1)), fadd(lane(2), lane(3))),
                         fadd(fadd(lane(4), lane(5)), fadd(lane(6), lane(7))));
        Value sumv = b.create<vector::BroadcastOp>(loc, vd, sum);
        forChunks([&](Value c, int64_t lanes) {
          // A long axis recomputes exp (the same values) instead of keeping
          // them on the stack.
          Value ev = e ? b.create<LLVM::LoadOp>(
                             loc, vd, gep(e, mulC(c, kSumLanes), f64),
                             /*alignment=*/8)
                             .getResult()
                       : expChunk(c, lanes);
          Value q = b.create<arith::TruncFOp>(
              loc, vf, b.create<arith::DivFOp>(loc, ev, sumv));
          storeChunk(dst, c, lanes, q);
        });
      },
      [&](ArrayRef<Value>) {
        if (len <= kSoftmaxStackLength)
          e = b.create<LLVM::AllocaOp>(
              loc, ptr, LLVM::LLVMArrayType::get(f64, chunks * kSumLanes),
              cI32(1), 64);
      });
  return success();
}

LogicalResult ModelBuilder::emitLayerNorm(LayerNormOp op) {
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t rank = static_cast<int64_t>(in.shape.size());
  int64_t axis = static_cast<int64_t>(op.getAxis());
  axis = axis < 0 ? axis + rank : axis;
  SmallVector<int64_t> outer(in.shape.begin(), in.shape.end()),
      inner(rank, 1);
  SmallVector<int64_t> normShape(in.shape.begin() + axis, in.shape.end());
  for (int64_t d = axis; d < rank; ++d) {
    inner[d] = in.shape[d];
    outer[d] = 1;
  }
  int64_t count = product(normShape);
  // Scale and bias expanded to the normalized shape at compile time.
  auto expanded = [&](Value v) -> FailureOr<std::vector<float>> {
    if (!v)
      return std::vector<float>(count, 0.0f);
    FailureOr<std::vector<float>> values = foldFloatConstant(op, v);
    if (failed(values))
      return failure();
    auto t = cast<RankedTensorType>(v.getType());
    return expandTo(*values, t.getShape(), normShape);
  };
  if (!isFloatConstant(op.getScale()) ||
      (op.getBias() && !isFloatConstant(op.getBias())))
    return op->emitError("qc compile: qc.layer_norm needs a constant scale "
                         "and bias");
  FailureOr<std::vector<float>> g = expanded(op.getScale()),
                                bv = expanded(op.getBias());
  if (failed(g) || failed(bv))
    return failure();
  countFloatWeights(2 * count);
  Value gBase = constantArray<float>("ln_scale", *g);
  Value bBase = constantArray<float>("ln_bias", *bv);
  SmallVector<int64_t> innerRm = rowMajorStrides(inner);
  Type f64 = b.getF64Type();
  auto cF64 = [&](double v) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v)).getResult();
  };
  double eps = op.getEpsilon().convertToFloat();
  Value slot;
  parallelLoopNest(
      outer, rowMajorStrides(outer),
      {basePointer(in), basePointer(out), gBase, bBase},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value src = gep(p[0], offsetOf(ivs, in.strides), f32);
        Value dst = gep(p[1], offsetOf(ivs, out.strides), f32);
        auto srcAt = [&](ArrayRef<Value> jv) {
          return b.create<arith::ExtFOp>(
              loc, f64, load(f32, gep(src, offsetOf(jv, in.strides), f32)));
        };
        store(cF64(0), slot);
        loopNest(inner, innerRm, [&](ArrayRef<Value> jv) {
          store(b.create<arith::AddFOp>(loc, load(f64, slot), srcAt(jv)), slot);
        });
        Value mean = b.create<arith::DivFOp>(loc, load(f64, slot),
                                             cF64(static_cast<double>(count)));
        store(cF64(0), slot);
        loopNest(inner, innerRm, [&](ArrayRef<Value> jv) {
          Value d = b.create<arith::SubFOp>(loc, srcAt(jv), mean);
          store(b.create<arith::AddFOp>(loc, load(f64, slot),
                                        b.create<arith::MulFOp>(loc, d, d)),
                slot);
        });
        Value var = b.create<arith::AddFOp>(
            loc,
            b.create<arith::DivFOp>(loc, load(f64, slot),
                                    cF64(static_cast<double>(count))),
            cF64(eps));
        Value invStd = b.create<arith::DivFOp>(
            loc, cF64(1.0), b.create<math::SqrtOp>(loc, var));
        loopNest(inner, innerRm, [&](ArrayRef<Value> jv) {
          Value j = offsetOf(jv, innerRm);
          Value nrm = b.create<arith::TruncFOp>(
              loc, f32,
              b.create<arith::MulFOp>(
                  loc, b.create<arith::SubFOp>(loc, srcAt(jv), mean), invStd));
          Value y = b.create<arith::AddFOp>(
              loc,
              b.create<arith::MulFOp>(loc, nrm, load(f32, gep(p[2], j, f32))),
              load(f32, gep(p[3], j, f32)));
          store(y, gep(dst, offsetOf(jv, out.strides), f32));
        });
      },
      [&](ArrayRef<Value>) {
        slot = b.create<LLVM::AllocaOp>(loc, ptr, f64, cI32(1), 8);
      });
  return success();
}

LogicalResult ModelBuilder::emitBatchNorm(BatchNormOp op) {
  // (x - mean) / sqrt(var + eps) * scale + bias per channel (dimension 1),
  // the square root taken at compile time as the reference does.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t c = in.shape[1];
  SmallVector<std::vector<float>> params;
  for (Value v : {op.getScale(), op.getBias(), op.getMean(), op.getVar()}) {
    FailureOr<std::vector<float>> values = foldFloatConstant(op, v);
    if (failed(values) || static_cast<int64_t>(values->size()) != c)
      return op->emitError("qc compile: qc.batch_norm needs constant "
                           "per-channel parameters");
    params.push_back(*values);
  }
  float eps = op.getEpsilon().convertToFloat();
  std::vector<float> sd(c);
  for (int64_t ch = 0; ch < c; ++ch)
    sd[ch] = std::sqrt(params[3][ch] + eps);
  countFloatWeights(4 * c);
  Value gB = constantArray<float>("bn_scale", params[0]);
  Value bB = constantArray<float>("bn_bias", params[1]);
  Value mB = constantArray<float>("bn_mean", params[2]);
  Value sB = constantArray<float>("bn_sd", sd);
  parallelLoopNest(
      out.shape, out.strides,
      {basePointer(in), basePointer(out), gB, bB, mB, sB},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value ch = ivs[1];
        Value x = load(f32, gep(p[0], offsetOf(ivs, in.strides), f32));
        Value v = b.create<arith::SubFOp>(loc, x, load(f32, gep(p[4], ch, f32)));
        v = b.create<arith::DivFOp>(loc, v, load(f32, gep(p[5], ch, f32)));
        v = b.create<arith::MulFOp>(loc, v, load(f32, gep(p[2], ch, f32)));
        v = b.create<arith::AddFOp>(loc, v, load(f32, gep(p[3], ch, f32)));
        store(v, gep(p[1], offsetOf(ivs, out.strides), f32));
      });
  return success();
}

LogicalResult ModelBuilder::emitPad(PadOp op) {
  // Per dimension a compile-time table: output index -> the input element
  // offset it reads (the reference's maps), or -1 for the constant.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  int64_t rank = static_cast<int64_t>(in.shape.size());
  ArrayRef<int64_t> pads = op.getPads();
  StringRef mode = op.getMode();
  std::vector<int64_t> table;
  SmallVector<int64_t> starts;
  for (int64_t d = 0; d < rank; ++d) {
    starts.push_back(static_cast<int64_t>(table.size()));
    int64_t dim = in.shape[d], before = pads[d];
    for (int64_t i = 0; i < out.shape[d]; ++i) {
      int64_t src = i - before;
      if (src < 0 || src >= dim) {
        if (mode == "constant" || dim == 0) {
          src = -1;
        } else if (mode == "edge") {
          src = std::clamp<int64_t>(src, 0, dim - 1);
        } else if (mode == "wrap") {
          src = ((src % dim) + dim) % dim;
        } else if (dim == 1) {
          src = 0;
        } else {
          int64_t period = 2 * (dim - 1);
          src = ((src % period) + period) % period;
          if (src >= dim)
            src = period - src;
        }
      }
      table.push_back(src < 0 ? -1 : src * in.strides[d]);
    }
  }
  Value tableBase = constantArray<int64_t>("pad", table);
  float value = op.getValue().convertToFloat();
  parallelLoopNest(
      out.shape, out.strides, {basePointer(in), basePointer(out), tableBase},
      [&](ArrayRef<Value> ivs, ArrayRef<Value> p) {
        Value off = cI64(0);
        Value ok = b.create<arith::ConstantIntOp>(loc, 1, 1);
        for (int64_t d = 0; d < rank; ++d) {
          Value e = load(i64, gep(p[2], add(ivs[d], cI64(starts[d])), i64));
          ok = b.create<arith::AndIOp>(
              loc, ok,
              b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, e,
                                      cI64(0)));
          off = add(off, e);
        }
        // A clamped offset keeps the (unused) load in bounds.
        off = b.create<arith::SelectOp>(loc, ok, off, cI64(0));
        Value x = load(f32, gep(p[0], off, f32));
        store(b.create<arith::SelectOp>(loc, ok, x, cF32(value)),
              gep(p[1], offsetOf(ivs, out.strides), f32));
      });
  return success();
}

std::pair<Value, Value> ModelBuilder::chooseQParams(Value lo, Value hi,
                                                    int64_t qmin,
                                                    int64_t qmax) {
  // ref::chooseQuantizationParams written statement by statement (double
  // scale, f32 bounds); lo / hi are the finite f32 min and max.
  Type f64 = b.getF64Type();
  auto cF64 = [&](double v) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v)).getResult();
  };
  auto sel = [&](Value c, Value x, Value y) {
    return b.create<arith::SelectOp>(loc, c, x, y).getResult();
  };
  auto cmpF = [&](arith::CmpFPredicate pred, Value x, Value y) {
    return b.create<arith::CmpFOp>(loc, pred, x, y).getResult();
  };
  Value inf = cF32(std::numeric_limits<float>::infinity());
  Value zero = cF32(0);
  // mn = std::min(lo, 0.0f), mx = std::max(hi, 0.0f).
  Value mn = sel(cmpF(arith::CmpFPredicate::OLT, zero, lo), zero, lo);
  Value mx = sel(cmpF(arith::CmpFPredicate::OLT, hi, zero), zero, hi);
  auto ext = [&](Value v) { return b.create<arith::ExtFOp>(loc, f64, v); };
  auto trunc = [&](Value v) { return b.create<arith::TruncFOp>(loc, f32, v); };
  Value scale = b.create<arith::DivFOp>(
      loc, b.create<arith::SubFOp>(loc, ext(mx), ext(mn)),
      cF64(static_cast<double>(qmax - qmin)));
  Value sf = trunc(scale);
  Value degenerate = b.create<arith::OrIOp>(
      loc, cmpF(arith::CmpFPredicate::OEQ, sf, zero),
      cmpF(arith::CmpFPredicate::OEQ,
           b.create<math::AbsFOp>(loc, b.create<arith::DivFOp>(loc, cF32(1),
                                                               sf)),
           inf));
  scale = sel(degenerate, cF64(0.1), scale);
  constexpr float kSmallScale = 6.1e-5f;
  Value small = cmpF(arith::CmpFPredicate::OLT, scale,
                     cF64(static_cast<double>(kSmallScale)));
  Value range = cF32(static_cast<float>(qmax - qmin));
  Value mnZero = cmpF(arith::CmpFPredicate::OEQ, mn, zero);
  Value mxZero = cmpF(arith::CmpFPredicate::OEQ, mx, zero);
  Value amplifier = trunc(b.create<arith::DivFOp>(
      loc, cF64(static_cast<double>(kSmallScale)), scale));
  Value kRange = b.create<arith::MulFOp>(loc, cF32(kSmallScale), range);
  Value mnSmall =
      sel(mnZero, mn,
          sel(mxZero, b.create<arith::MulFOp>(loc, cF32(-kSmallScale), range),
              b.create<arith::MulFOp>(loc, mn, amplifier)));
  Value mxSmall = sel(mnZero, kRange,
                      sel(mxZero, mx,
                          b.create<arith::MulFOp>(loc, mx, amplifier)));
  mn = sel(small, mnSmall, mn);
  mx = sel(small, mxSmall, mx);
  scale = sel(small, cF64(static_cast<double>(kSmallScale)), scale);
  Value qminD = cF64(static_cast<double>(qmin)),
        qmaxD = cF64(static_cast<double>(qmax));
  Value mnS = b.create<arith::DivFOp>(loc, ext(mn), scale);
  Value mxS = b.create<arith::DivFOp>(loc, ext(mx), scale);
  Value zpFromMin = b.create<arith::SubFOp>(loc, qminD, mnS);
  Value zpFromMax = b.create<arith::SubFOp>(loc, qmaxD, mxS);
  Value errMin = b.create<arith::SubFOp>(
      loc, cF64(std::abs(static_cast<double>(qmin))),
      b.create<math::AbsFOp>(loc, mnS));
  Value errMax = b.create<arith::SubFOp>(
      loc, cF64(std::abs(static_cast<double>(qmax))),
      b.create<math::AbsFOp>(loc, mxS));
  Value zp = sel(cmpF(arith::CmpFPredicate::OLT, errMin, errMax), zpFromMin,
                 zpFromMax);
  Value nudged =
      sel(cmpF(arith::CmpFPredicate::OLT, zp, qminD), qminD,
          sel(cmpF(arith::CmpFPredicate::OGT, zp, qmaxD), qmaxD,
              b.create<math::RoundEvenOp>(loc, zp)));
  Value zpF = trunc(nudged); // an integer in [qmin, qmax]: exact
  return {trunc(scale), zpF};
}

LogicalResult ModelBuilder::emitDynamicFakeQuant(DynamicFakeQuantOp op) {
  // ref::dynamicFakeQuant: min / max of the tensor (a non-finite element
  // makes the entry return 1), chooseQParams, then quantize and dequantize
  // with them.
  const TensorRef &in = refs[op.getInput()];
  const TensorRef &out = refs[op.getResult()];
  if (op.getPerToken())
    return op.emitError("qc compile: a per-token qc.dynamic_fake_quant is "
                        "compiled only inside qc.dynamic_qlinear (run "
                        "qc-lower-to-integer)");
  int64_t qmin = static_cast<int64_t>(op.getQuantMin()),
          qmax = static_cast<int64_t>(op.getQuantMax());
  auto sel = [&](Value c, Value x, Value y) {
    return b.create<arith::SelectOp>(loc, c, x, y).getResult();
  };
  auto cmpF = [&](arith::CmpFPredicate pred, Value x, Value y) {
    return b.create<arith::CmpFOp>(loc, pred, x, y).getResult();
  };
  if (product(in.shape) == 0)
    return success();
  Value inBase = basePointer(in), outBase = basePointer(out);
  Value loSlot = b.create<LLVM::AllocaOp>(loc, ptr, f32, cI32(1), 4);
  Value hiSlot = b.create<LLVM::AllocaOp>(loc, ptr, f32, cI32(1), 4);
  Value badSlot = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
  Value first = load(f32, inBase);
  store(first, loSlot);
  store(first, hiSlot);
  store(cI32(0), badSlot);
  Value inf = cF32(std::numeric_limits<float>::infinity());
  loopNest(in.shape, in.strides, [&](ArrayRef<Value> ivs) {
    Value x = load(f32, gep(inBase, offsetOf(ivs, in.strides), f32));
    Value lo = load(f32, loSlot), hi = load(f32, hiSlot);
    store(sel(cmpF(arith::CmpFPredicate::OLT, x, lo), x, lo), loSlot);
    store(sel(cmpF(arith::CmpFPredicate::OGT, x, hi), x, hi), hiSlot);
    // !isfinite(x): |x| == inf or NaN.
    Value absX = b.create<math::AbsFOp>(loc, x);
    Value bad = cmpF(arith::CmpFPredicate::UEQ, absX, inf);
    store(sel(bad, cI32(1), load(i32, badSlot)), badSlot);
  });
  Value bad = load(i32, badSlot);
  store(b.create<arith::OrIOp>(loc, load(i32, statusSlot), bad), statusSlot);
  auto [scaleF, zpF] =
      chooseQParams(load(f32, loSlot), load(f32, hiSlot), qmin, qmax);
  Value inv = b.create<arith::DivFOp>(loc, cF32(1), scaleF);
  Value loF = cF32(static_cast<float>(qmin)),
        hiF = cF32(static_cast<float>(qmax));
  loopNest(out.shape, out.strides, [&](ArrayRef<Value> ivs) {
    Value x = load(f32, gep(inBase, offsetOf(ivs, in.strides), f32));
    Value q = b.create<math::RoundEvenOp>(
        loc, b.create<arith::MulFOp>(loc, x, inv));
    q = b.create<arith::AddFOp>(loc, q, zpF);
    q = sel(cmpF(arith::CmpFPredicate::OLT, q, loF), loF, q);
    q = sel(cmpF(arith::CmpFPredicate::OGT, q, hiF), hiF, q);
    Value y = b.create<arith::MulFOp>(
        loc, b.create<arith::SubFOp>(loc, q, zpF), scaleF);
    store(y, gep(outBase, offsetOf(ivs, out.strides), f32));
  });
  return success();
}

LogicalResult ModelBuilder::emitFloatOp(Operation *op) {
  // The data operand of a float op may be a constant the reference executor
  // evaluates (e.g. a qc.pad of a constant with --no-simplify): it is read
  // from the object like a constant operand of an integer op.
  Value data = op->getOperand(0);
  if (!refs.count(data)) {
    auto c = data.getDefiningOp<ConstantOp>();
    FailureOr<TensorRef> r =
        c ? constantOperand(c) : FailureOr<TensorRef>(failure());
    if (failed(r))
      return op->emitError() << "qc compile: the input of '" << op->getName()
                             << "' must be computed or a readable constant";
    refs[data] = *r;
  }
  if (isUnaryFloatOp(op))
    return emitFloatUnary(op);
  if (isBinaryFloatOp(op))
    return emitFloatBinary(op);
  if (auto conv = dyn_cast<Conv2dOp>(op))
    return emitFloatConv(conv);
  if (auto ct = dyn_cast<ConvTranspose2dOp>(op))
    return emitFloatConvTranspose(ct);
  if (isa<LinearOp>(op))
    return emitFloatLinear(op);
  if (auto mm = dyn_cast<MatmulOp>(op))
    return emitFloatMatmul(mm);
  if (auto pool = dyn_cast<MaxPool2dOp>(op))
    return emitFloatMaxPool(pool);
  if (auto pool = dyn_cast<AvgPool2dOp>(op))
    return emitFloatAvgPool(pool);
  if (isFloatReduction(op))
    return emitFloatReduction(op);
  if (auto s = dyn_cast<SoftmaxOp>(op))
    return emitSoftmax(s);
  if (auto s = dyn_cast<LogSoftmaxOp>(op))
    return emitLogSoftmax(s);
  if (auto ln = dyn_cast<LayerNormOp>(op))
    return emitLayerNorm(ln);
  if (auto bn = dyn_cast<BatchNormOp>(op))
    return emitBatchNorm(bn);
  if (auto pad = dyn_cast<PadOp>(op))
    return emitPad(pad);
  if (auto dfq = dyn_cast<DynamicFakeQuantOp>(op))
    return emitDynamicFakeQuant(dfq);
  return op->emitError() << "qc compile: internal error: unplanned float op";
}

} // namespace mlir::qc::model_codegen
