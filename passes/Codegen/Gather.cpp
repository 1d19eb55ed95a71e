//===- Gather.cpp - qc.gather with run-time indices (embedding lookups) ---===//
//
// The token path of a language model: the ids arrive as an int64 / int32
// model input and qc.gather takes rows of a table (the embedding, a
// constant of the object, or a row-major tensor of an earlier step) at
// those ids. The step first checks and normalizes every index (ONNX's rule,
// the reference's `ref::gather`: a negative index counts from the end, one
// outside [-dim, dim) fails the run), then copies the slices with memcpy.
// An index out of range never reads memory: its slice is zero-filled and
// the run's status gets kGatherIndexStatus, so qc_session_run fails with
// QC_STATUS_MODEL_ERROR as `qc run` fails on the same input.
//
// A table that is a qc.dequantize of an 8-bit constant (qc-weight-only's
// quantized embedding: [V, D] gathered along axis 0, qparams per tensor,
// per row or per block of D) stays quantized in the object, 8 bits a value
// or two 4-bit values a byte when they fit, and only the gathered rows are
// dequantized, with the reference's statement `float(q - zp) * scale`, so
// the result equals the reference's (dequantize the table, then gather)
// bit for bit. Other dequantized tables are folded to float32 at compile
// time.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include "runtime/include/qc_model_abi.h"

namespace mlir::qc::model_codegen {

namespace {
/// The element types a gathered table may have (the storage types data
/// movement copies).
bool isGatherable(Type t) {
  return t.isF32() || t.isInteger(8) || t.isInteger(16) || t.isInteger(32) ||
         t.isInteger(64);
}
} // namespace

std::optional<ModelBuilder::QuantizedTable>
ModelBuilder::matchQuantizedTable(GatherOp op) {
  auto dq = op.getInput().getDefiningOp<DequantizeOp>();
  if (!dq || !isFoldedDequantize(dq))
    return std::nullopt;
  auto type = cast<RankedTensorType>(dq.getInput().getType());
  auto axis = static_cast<int64_t>(op.getAxis());
  if (type.getRank() != 2 || !type.hasStaticShape() ||
      type.getElementType().getIntOrFloatBitWidth() != 8 ||
      (axis != 0 && axis != -2))
    return std::nullopt;
  QuantizedTable t;
  t.rows = type.getDimSize(0);
  t.cols = type.getDimSize(1);
  t.isUnsigned = type.getElementType().isUnsignedInteger();
  std::optional<uint64_t> qaxis = dq.getAxis();
  std::optional<uint64_t> block = dq.getBlockSize();
  size_t expected = 1;
  if (!qaxis) { // per tensor
    t.groupLen = t.cols;
    t.rowStride = 0;
  } else if (*qaxis == 0 && !block) { // per row
    t.groupLen = t.cols;
    t.rowStride = 1;
    expected = static_cast<size_t>(t.rows);
  } else if (*qaxis == 1 && block && *block > 0 &&
             t.cols % static_cast<int64_t>(*block) == 0) {
    t.groupLen = static_cast<int64_t>(*block);
    t.rowStride = t.cols / t.groupLen;
    expected = static_cast<size_t>(t.rows * t.rowStride);
  } else {
    return std::nullopt; // per column, blocks of rows, a short last block
  }
  if (dq.getScale().size() != expected || dq.getZeroPoint().size() != expected)
    return std::nullopt;
  FailureOr<std::vector<int8_t>> values = getConstantValues<int8_t>(
      cast<ConstantOp>(dq.getInput().getDefiningOp()).getValue());
  if (failed(values))
    return std::nullopt;
  t.values = std::move(*values);
  t.scales.assign(dq.getScale().begin(), dq.getScale().end());
  for (int64_t z : dq.getZeroPoint())
    t.zeroPoints.push_back(static_cast<int32_t>(z));
  t.hasZeroPoint = llvm::any_of(t.zeroPoints, [](int32_t z) { return z; });
  // Two values a byte when every value fits 4 bits and rows and groups
  // start on a byte.
  t.fourBit =
      t.cols % 2 == 0 && t.groupLen % 2 == 0 &&
      llvm::all_of(t.values, [&](int8_t v) {
        return t.isUnsigned ? static_cast<uint8_t>(v) <= 15 : v >= -8 && v <= 7;
      });
  return t;
}

LogicalResult ModelBuilder::planGather(GatherOp op) {
  Value data = op.getInput(), indices = op.getIndices();
  auto dataType = cast<RankedTensorType>(data.getType());
  Type indexType = cast<RankedTensorType>(indices.getType()).getElementType();
  if (!indexType.isSignlessInteger(64) && !indexType.isSignlessInteger(32))
    return op.emitError() << "qc compile: the indices of qc.gather are "
                          << indexType
                          << "; the native code takes i64 or i32 indices";
  if (!isGatherable(dataType.getElementType()))
    return op.emitError() << "qc compile: qc.gather of a "
                          << dataType.getElementType()
                          << " tensor is not supported by the native code "
                             "(f32, 8-, 16-, 32- and 64-bit integers)";
  int64_t rank = dataType.getRank();
  auto axis = static_cast<int64_t>(op.getAxis());
  if (rank < 1 || axis < -rank || axis >= rank)
    return op.emitError() << "qc compile: qc.gather axis " << axis
                          << " is out of range for a rank-" << rank << " input";
  if (auto c = data.getDefiningOp<ConstantOp>(); c && !refs.count(data)) {
    FailureOr<TensorRef> r = constantOperand(c);
    if (failed(r))
      return op.emitError("qc compile: cannot read the table of qc.gather");
    refs[data] = *r;
  }
  std::string stepName = ("gather_" + Twine(step)).str();
  Value result = op.getResult();
  if (std::optional<QuantizedTable> t = matchQuantizedTable(op)) {
    if (failed(requireRef(op, indices, "the indices")))
      return failure();
    refs[result] = newArenaTensor(result, stepName, /*rowMajor=*/true);
    return success();
  }
  if (isFloatConstant(data) && !isa<ConstantOp>(data.getDefiningOp()))
    return op.emitError(
        "qc compile: qc.gather reads a dequantized table only as [V, D] "
        "8-bit values gathered along axis 0 with qparams per tensor, per "
        "row or per block of D (D a multiple of the block)");
  if (failed(requireRef(op, data, "the table")) ||
      failed(requireRef(op, indices, "the indices")))
    return failure();
  if (!refs[data].isRowMajor())
    return op.emitError("qc compile: qc.gather reads a row-major table (a "
                        "constant, or a tensor in row-major order)");
  refs[result] = newArenaTensor(result, stepName, /*rowMajor=*/true);
  return success();
}

std::pair<Value, Value> ModelBuilder::normalizedIndex(const TensorRef &idx,
                                                      Value idxBase,
                                                      ArrayRef<Value> ivs,
                                                      int64_t dim) {
  Type indexStorage = storageType(idx.element);
  Value raw = load(indexStorage,
                   gep(idxBase, offsetOf(ivs, idx.strides), indexStorage));
  if (indexStorage != i64)
    raw = b.create<arith::ExtSIOp>(loc, i64, raw);
  Value negative =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, raw, cI64(0));
  Value i = b.create<arith::SelectOp>(loc, negative, add(raw, cI64(dim)), raw);
  return {i, inBounds(i, dim)};
}

LogicalResult ModelBuilder::emitGather(GatherOp op) {
  if (std::optional<QuantizedTable> t = matchQuantizedTable(op))
    return emitQuantizedGather(op, *t);
  const TensorRef &table = refs[op.getInput()];
  const TensorRef &idx = refs[op.getIndices()];
  const TensorRef &out = refs[op.getResult()];
  int64_t rank = static_cast<int64_t>(table.shape.size());
  auto axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0)
    axis += rank;
  int64_t outer = product(ArrayRef<int64_t>(table.shape).take_front(axis));
  int64_t dim = table.shape[axis];
  int64_t inner = product(ArrayRef<int64_t>(table.shape).drop_front(axis + 1));
  int64_t count = product(idx.shape);
  int64_t eb = elementBytes(table.element);
  if (table.kind == TensorRef::Constant && table.element.isF32())
    countFloatWeights(product(table.shape));

  // Every index, normalized, into a scratch row of i64 (an alloca: counts
  // are token counts) and its check, in the reference's order.
  Value tableBase = basePointer(table), idxBase = basePointer(idx),
        outBase = basePointer(out);
  Value norm = b.create<LLVM::AllocaOp>(
      loc, ptr, LLVM::LLVMArrayType::get(i64, std::max<int64_t>(count, 1)),
      cI32(1), 8);
  Value badSlot = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
  store(cI32(0), badSlot);
  SmallVector<int64_t> dense = rowMajorStrides(idx.shape);
  loopNest(idx.shape, dense, [&](ArrayRef<Value> ivs) {
    Value i, ok;
    std::tie(i, ok) = normalizedIndex(idx, idxBase, ivs, dim);
    // Out of range: the index of an all-zero slice is -1 (never read).
    store(b.create<arith::SelectOp>(loc, ok, i, cI64(-1)),
          gep(norm, offsetOf(ivs, dense), i64));
    store(b.create<arith::SelectOp>(loc, ok, load(i32, badSlot),
                                    cI32(kGatherIndexStatus)),
          badSlot);
  });
  store(b.create<arith::OrIOp>(loc, load(i32, statusSlot), load(i32, badSlot)),
        statusSlot);

  // out[p, k, :] = table[p, norm[k], :], one memcpy per slice.
  Value sliceBytes = cI64(inner * eb);
  forN(outer, [&](Value p) {
    forN(count, [&](Value k) {
      Value i = load(i64, gep(norm, k, i64));
      Value dst = gep(outBase, mul(add(mulC(p, count), k), sliceBytes), i8);
      Value valid =
          b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sge, i, cI64(0));
      ifThen(
          valid,
          [&] {
            Value src =
                gep(tableBase, mul(add(mulC(p, dim), i), sliceBytes), i8);
            b.create<LLVM::MemcpyOp>(loc, dst, src, sliceBytes,
                                     /*isVolatile=*/false);
          },
          [&] {
            b.create<LLVM::MemsetOp>(loc, dst,
                                     b.create<arith::ConstantIntOp>(loc, 0, 8),
                                     sliceBytes, /*isVolatile=*/false);
          });
    });
  });
  return success();
}

LogicalResult ModelBuilder::emitQuantizedGather(GatherOp op,
                                                const QuantizedTable &t) {
  const TensorRef &idx = refs[op.getIndices()];
  const TensorRef &out = refs[op.getResult()];

  // The table as stored: 8-bit values, or two a byte (value 2m in the low
  // nibble, 2m + 1 in the high one).
  std::vector<int8_t> packed;
  if (t.fourBit) {
    packed.resize(t.values.size() / 2);
    for (size_t m = 0; m < packed.size(); ++m)
      packed[m] = static_cast<int8_t>((t.values[2 * m] & 0x0f) |
                                      ((t.values[2 * m + 1] & 0x0f) << 4));
  }
  Value tableBase = constantArray<int8_t>(
      t.fourBit ? "gather_int4" : "gather_int8",
      t.fourBit ? ArrayRef<int8_t>(packed) : ArrayRef<int8_t>(t.values));
  Value scales = constantArray<float>("gather_scale", t.scales);
  Value zeros = t.hasZeroPoint
                    ? constantArray<int32_t>("gather_zero", t.zeroPoints)
                    : Value();
  countFloatWeights(t.rows * t.cols); // the float table it replaces
  Value idxBase = basePointer(idx), outBase = basePointer(out);
  Type i8 = b.getI8Type();
  Type element = t.isUnsigned ? b.getIntegerType(8, /*isSigned=*/false)
                              : b.getIntegerType(8);
  const int64_t groups = t.cols / std::max<int64_t>(t.groupLen, 1);

  // Every index checked and normalized as the float gather does; a bad one
  // sets the status and zero-fills its row.
  Value badSlot = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
  store(cI32(0), badSlot);
  SmallVector<int64_t> dense = rowMajorStrides(idx.shape);
  loopNest(idx.shape, dense, [&](ArrayRef<Value> ivs) {
    Value i, ok;
    std::tie(i, ok) = normalizedIndex(idx, idxBase, ivs, t.rows);
    Value dst = gep(outBase, mulC(offsetOf(ivs, dense), t.cols), f32);
    ifThen(
        ok,
        [&] {
          // out[k, g * len + j] = float(q - zp) * scale, group by group.
          forN(groups, [&](Value g) {
            Value qi = add(mulC(i, t.rowStride), g);
            Value scale = load(f32, gep(scales, qi, f32));
            Value zp = zeros ? load(i32, gep(zeros, qi, i32)) : Value();
            Value first = add(mulC(i, t.cols), mulC(g, t.groupLen));
            Value dstGroup = gep(dst, mulC(g, t.groupLen), f32);
            auto emitValue = [&](Value q8, Value j) {
              Value q = extend(q8, element);
              if (zp)
                q = sub(q, zp);
              Value w = b.create<arith::MulFOp>(
                  loc, b.create<arith::SIToFPOp>(loc, f32, q), scale);
              store(w, gep(dstGroup, j, f32));
            };
            if (!t.fourBit) {
              forN(t.groupLen, [&](Value j) {
                emitValue(load(i8, gep(tableBase, add(first, j), i8)), j);
              });
              return;
            }
            forN(t.groupLen / 2, [&](Value m) {
              Value byte = load(i8, gep(tableBase, add(divC(first, 2), m), i8));
              Value four = b.create<arith::ConstantIntOp>(loc, 4, 8);
              Value lo, hi;
              if (t.isUnsigned) {
                lo = b.create<arith::AndIOp>(
                    loc, byte, b.create<arith::ConstantIntOp>(loc, 15, 8));
                hi = b.create<arith::ShRUIOp>(loc, byte, four);
              } else {
                lo = b.create<arith::ShRSIOp>(
                    loc, b.create<arith::ShLIOp>(loc, byte, four), four);
                hi = b.create<arith::ShRSIOp>(loc, byte, four);
              }
              Value j = mulC(m, 2);
              emitValue(lo, j);
              emitValue(hi, add(j, cI64(1)));
            });
          });
        },
        [&] {
          b.create<LLVM::MemsetOp>(loc, dst,
                                   b.create<arith::ConstantIntOp>(loc, 0, 8),
                                   cI64(t.cols * 4), /*isVolatile=*/false);
          store(cI32(kGatherIndexStatus), badSlot);
        });
  });
  store(b.create<arith::OrIOp>(loc, load(i32, statusSlot), load(i32, badSlot)),
        statusSlot);
  return success();
}

bool ModelBuilder::isQuantizedTable(Operation *op, Value v) {
  auto gather = cast<GatherOp>(op);
  return v == gather.getInput() && matchQuantizedTable(gather).has_value();
}

void ModelBuilder::populateGatherPatterns(LoweringPatterns &patterns) {
  patterns.add<GatherOp>("gather", &ModelBuilder::planGather,
                         &ModelBuilder::emitGather, 0,
                         &ModelBuilder::isQuantizedTable);
}

} // namespace mlir::qc::model_codegen
