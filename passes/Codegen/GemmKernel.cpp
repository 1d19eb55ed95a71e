//===- GemmKernel.cpp - Int8 GEMM kernels built in MLIR -------------------===//
//
// One generator for every variant: a kernel is
//
//   for each block of mr rows (then the remaining rows in blocks of 4, 2, 1):
//     for each tile of nr columns (the last one with masked stores):
//       accumulators = bias (smmla: 0, the bias added in the epilogue)
//       for each group of kGroup K values (unrolled; the K tail is loaded
//       with a masked load, the packed weights are zero there):
//         load nVectors weight vectors, bring each row's activations into the
//         variant's domain and multiply-accumulate (vpdpbusd / vpmaddwd+add /
//         sdot / smmla)
//       requantize up to four vectors of a row at once: * multiplier (f32),
//       clamp, round half to even, narrow, + zp, narrow to 8 bits, one
//       store (emitRequantizePacked; the `_iclamp` variant clamps on the
//       narrowed integers, for operands whose products fit)
//
// Only the multiply step and the activation broadcast differ per variant.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/GemmKernel.h"
#include "passes/Codegen/Requantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::qc {

using ::qc::codegen::GemmIsa;
using ::qc::codegen::GemmIsaInfo;
using ::qc::codegen::GemmKernelConfig;
using ::qc::codegen::QType;

namespace {

/// K groups per iteration of the main K loop: 16 K values for the dot
/// products, 32 for smmla; 4 for AVX2, whose 16 registers spill when more
/// groups' operands are scheduled together.
int64_t getUnroll(GemmIsa isa) { return isa == GemmIsa::X86Avx2 ? 2 : 4; }

class GemmKernelBuilder {
public:
  GemmKernelBuilder(OpBuilder &builder, Location loc,
                    const GemmKernelConfig &config)
      : b(builder), loc(loc), config(config), info(config.info()) {
    MLIRContext *ctx = b.getContext();
    i1 = b.getI1Type();
    i8 = b.getI8Type();
    i16 = b.getI16Type();
    i32 = b.getI32Type();
    i64 = b.getI64Type();
    f32 = b.getF32Type();
    ptr = LLVM::LLVMPointerType::get(ctx);
    isI8mm = config.isa == GemmIsa::Aarch64I8mm;
    accType = VectorType::get({isI8mm ? 4 : info.columnsPerVector}, i32);
    weightType = VectorType::get({info.vectorBytes}, i8);
    groupType = VectorType::get({info.kGroup}, i8);
    lanes = info.outputLanes;
    outI32 = VectorType::get({lanes}, i32);
    outF32 = VectorType::get({lanes}, f32);
    outI8 = VectorType::get({lanes}, i8);
  }

  /// The function's argument types, in C declaration order.
  SmallVector<Type> argumentTypes() const {
    return {ptr, i64, ptr, ptr, ptr, ptr, i64, i64, i64, i64, i32, i32, i32};
  }

  void buildBody(func::FuncOp func);

private:
  // Scalar and vector helpers.
  Value constI64(int64_t v) {
    return b.create<arith::ConstantIntOp>(loc, v, 64);
  }
  Value constI32(int64_t v) {
    return b.create<arith::ConstantIntOp>(loc, v, 32);
  }
  Value splat(VectorType type, Attribute element) {
    return b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(type, ArrayRef<Attribute>(element)));
  }
  Value iota(int64_t n) {
    SmallVector<int32_t> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(static_cast<int32_t>(i));
    return b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(VectorType::get({n}, i32),
                                    ArrayRef<int32_t>(values)));
  }
  Value add(Value x, Value y) { return b.create<arith::AddIOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.create<arith::MulIOp>(loc, x, y); }
  /// Byte (or \p element) offset from a pointer.
  Value gep(Value base, Value offset, Type element = {}) {
    return b.create<LLVM::GEPOp>(loc, ptr, element ? element : i8, base,
                                 ValueRange{offset});
  }
  Value load(Type type, Value address) {
    return b.create<LLVM::LoadOp>(loc, type, address, /*alignment=*/1);
  }

  /// Activation bytes [kOffset, kOffset + kGroup) of one row; in the K tail
  /// only the first kRem bytes are read and the rest are zero.
  Value loadActivationGroup(Value row, Value kOffset, bool tail);
  /// One K group for the whole tile: returns the updated accumulators.
  /// \p operands, when given, are the rows' activation operands already in
  /// the multiply's form (see avx2PairOperands).
  SmallVector<Value> multiplyGroup(ValueRange accs, ArrayRef<Value> rows,
                                   Value kOffset, Value weights, bool tail,
                                   ArrayRef<Value> operands = {});
  /// AVX2: the operands of two consecutive K pairs of every row from one
  /// 4-byte broadcast (a load, no shuffle port) and two byte shuffles that
  /// zero-extend each pair to 16-bit lanes.
  std::pair<SmallVector<Value>, SmallVector<Value>>
  avx2PairOperands(ArrayRef<Value> rows, Value kOffset);
  /// u8 <-> s8 conversion into the variant's activation domain.
  Value toDomain(Value group);
  /// One mr x nr tile at rows m0.., tile column index `tile`, computing
  /// only its first \p vectors weight vectors (the rest of a last, partial
  /// tile is zero padding).
  void buildTile(int64_t mr, Value m0, Value tile, bool partial,
                 int64_t vectors);
  /// All column tiles for rows m0 .. m0 + mr.
  void buildRowBlock(int64_t mr, Value m0);

  int64_t accumulatorRows(int64_t mr) const {
    return isI8mm ? (mr + 1) / 2 : mr;
  }

  OpBuilder &b;
  Location loc;
  const GemmKernelConfig &config;
  const GemmIsaInfo &info;
  Type i1, i8, i16, i32, i64, f32;
  LLVM::LLVMPointerType ptr;
  bool isI8mm;
  VectorType accType, weightType, groupType, outI32, outF32, outI8;
  int64_t lanes;
  /// Weight vectors of the tile being built (config.nVectors except in a
  /// narrowed last tile).
  int64_t tileVectors = 0;

  // Function arguments.
  Value a, lda, packedB, bias, mult, c, ldc, m, n, k, zpOut, qmin, qmax;
  // Loop-invariant values.
  Value kGroups, kRem, tileBytes;
};

Value GemmKernelBuilder::loadActivationGroup(Value row, Value kOffset,
                                             bool tail) {
  Value address = gep(row, kOffset);
  if (!tail)
    return load(groupType, address);
  // Bytes past K must not be touched: they may lie beyond the buffer.
  Value remaining =
      b.create<vector::BroadcastOp>(loc, VectorType::get({info.kGroup}, i32),
                                    b.create<arith::TruncIOp>(loc, i32, kRem));
  Value mask = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt,
                                       iota(info.kGroup), remaining);
  Value zero = splat(groupType, b.getI8IntegerAttr(0));
  return b.create<LLVM::MaskedLoadOp>(loc, groupType, address, mask,
                                      ValueRange{zero}, /*alignment=*/1);
}

Value GemmKernelBuilder::toDomain(Value group) {
  // u8 <-> s8 by flipping the top bit: a ^ 0x80 == a +- 128 (mod 256).
  if (!info.activationDomain || *info.activationDomain == config.aType)
    return group;
  VectorType type = cast<VectorType>(group.getType());
  return b.create<arith::XOrIOp>(loc, group,
                                 splat(type, b.getI8IntegerAttr(-128)));
}

std::pair<SmallVector<Value>, SmallVector<Value>>
GemmKernelBuilder::avx2PairOperands(ArrayRef<Value> rows, Value kOffset) {
  VectorType bytes = VectorType::get({32}, i8);
  VectorType words = VectorType::get({16}, i16);
  Value zero = splat(bytes, b.getI8IntegerAttr(0));
  // Every dword lane holds a[k], a[k+1], a[k+2], a[k+3]; lane bytes
  // (x, 0, y, 0) make the 16-bit pair (x, y). Index 32 picks a zero.
  SmallVector<int64_t> first, second;
  for (int64_t lane = 0; lane < 8; ++lane)
    for (int64_t byte : {0, 1}) {
      first.append({4 * lane + byte, 32});
      second.append({4 * lane + 2 + byte, 32});
    }
  SmallVector<Value> low, high;
  for (Value row : rows) {
    Value group = toDomain(load(VectorType::get({4}, i8), gep(row, kOffset)));
    Value word = b.create<vector::ExtractOp>(
        loc, b.create<vector::BitCastOp>(loc, VectorType::get({1}, i32), group),
        ArrayRef<int64_t>{0});
    Value broadcast = b.create<vector::BitCastOp>(
        loc, bytes, b.create<vector::BroadcastOp>(loc, accType, word));
    low.push_back(b.create<vector::BitCastOp>(
        loc, words, b.create<vector::ShuffleOp>(loc, broadcast, zero, first)));
    high.push_back(b.create<vector::BitCastOp>(
        loc, words, b.create<vector::ShuffleOp>(loc, broadcast, zero, second)));
  }
  return {low, high};
}

SmallVector<Value> GemmKernelBuilder::multiplyGroup(ValueRange accs,
                                                    ArrayRef<Value> rows,
                                                    Value kOffset,
                                                    Value weights, bool tail,
                                                    ArrayRef<Value> operands) {
  int64_t nVectors = tileVectors;
  SmallVector<Value> w;
  for (int64_t v = 0; v < nVectors; ++v) {
    Value vec = load(weightType, gep(weights, constI64(v * info.vectorBytes)));
    if (config.isa == GemmIsa::X86Avx2)
      vec = b.create<arith::ExtSIOp>(
          loc, VectorType::get({info.vectorBytes}, i16), vec);
    else if (config.isa == GemmIsa::X86Avx512Vnni ||
             config.isa == GemmIsa::X86AvxVnni)
      vec = b.create<vector::BitCastOp>(loc, accType, vec);
    w.push_back(vec);
  }

  // The 32 bits of one row's group, replicated into every lane.
  auto broadcastGroup = [&](Value group32) {
    Value word = b.create<vector::ExtractOp>(
        loc,
        b.create<vector::BitCastOp>(loc, VectorType::get({1}, i32), group32),
        ArrayRef<int64_t>{0});
    return b.create<vector::BroadcastOp>(
        loc, VectorType::get({info.columnsPerVector}, i32), word);
  };

  SmallVector<Value> result(accs.begin(), accs.end());
  if (isI8mm) {
    // smmla: a 2x8 block of two rows times the 8x2 weight block of two
    // columns, accumulated into [r0c0, r0c1, r1c0, r1c1].
    SmallVector<int64_t> concat;
    for (int64_t i = 0; i < 16; ++i)
      concat.push_back(i);
    for (size_t pair = 0; pair < rows.size() / 2; ++pair) {
      Value top = loadActivationGroup(rows[2 * pair], kOffset, tail);
      Value bottom = loadActivationGroup(rows[2 * pair + 1], kOffset, tail);
      Value block =
          toDomain(b.create<vector::ShuffleOp>(loc, top, bottom, concat));
      for (int64_t v = 0; v < nVectors; ++v) {
        Value &acc = result[pair * nVectors + v];
        acc = b.create<arm_neon::SmmlaOp>(loc, accType, acc, block, w[v]);
      }
    }
    return result;
  }

  for (size_t r = 0; r < rows.size(); ++r) {
    Value operand;
    if (!operands.empty()) {
      operand = operands[r];
    } else if (config.isa == GemmIsa::X86Avx2) {
      // Widen the two K values (in the u8 domain) to 16 bits so vpmaddwd's
      // i16 x i16 products are exact.
      Value group = toDomain(loadActivationGroup(rows[r], kOffset, tail));
      Value extended =
          b.create<arith::ExtUIOp>(loc, VectorType::get({2}, i16), group);
      operand = b.create<vector::BitCastOp>(
          loc, VectorType::get({2 * info.columnsPerVector}, i16),
          broadcastGroup(extended));
    } else {
      Value group = loadActivationGroup(rows[r], kOffset, tail);
      operand = broadcastGroup(toDomain(group));
      if (config.isa == GemmIsa::Aarch64Dotprod)
        operand = b.create<vector::BitCastOp>(loc, weightType, operand);
    }
    for (int64_t v = 0; v < nVectors; ++v) {
      Value &acc = result[r * nVectors + v];
      switch (config.isa) {
      case GemmIsa::X86Avx512Vnni:
      case GemmIsa::X86AvxVnni:
        // vpdpbusd: acc[i] += sum_j u8(operand.byte[4i+j]) *
        // s8(w.byte[4i+j]); the 256-bit form selects the VEX (AVX-VNNI)
        // encoding when AVX-512VL is not available.
        acc = b.create<LLVM::CallIntrinsicOp>(
                   loc, accType,
                   config.isa == GemmIsa::X86Avx512Vnni
                       ? "llvm.x86.avx512.vpdpbusd.512"
                       : "llvm.x86.avx512.vpdpbusd.256",
                   ValueRange{acc, operand, w[v]})
                  .getResult(0);
        break;
      case GemmIsa::X86Avx2: {
        Value products = b.create<LLVM::CallIntrinsicOp>(
                              loc, accType, "llvm.x86.avx2.pmadd.wd",
                              ValueRange{operand, w[v]})
                             .getResult(0);
        acc = add(acc, products);
        break;
      }
      case GemmIsa::Aarch64Dotprod:
        acc = b.create<arm_neon::SdotOp>(loc, accType, acc, w[v], operand);
        break;
      case GemmIsa::Aarch64I8mm:
        break;
      }
    }
  }
  return result;
}

void GemmKernelBuilder::buildTile(int64_t mr, Value m0, Value tile,
                                  bool partial, int64_t vectors) {
  int64_t nVectors = vectors;
  tileVectors = vectors;
  int64_t nr = config.nr();
  // Row pointers; smmla works on row pairs, and a missing second row reads
  // the last real row again (its results are not stored).
  int64_t rowCount = isI8mm ? 2 * accumulatorRows(mr) : mr;
  SmallVector<Value> rows;
  for (int64_t r = 0; r < rowCount; ++r)
    rows.push_back(gep(a, mul(add(m0, constI64(std::min(r, mr - 1))), lda)));
  Value weightTile = gep(packedB, mul(tile, tileBytes));

  int64_t accCount = accumulatorRows(mr) * nVectors;
  SmallVector<Value> accs(accCount, splat(accType, b.getI32IntegerAttr(0)));
  // Accumulators start at the bias (one add fewer per output vector in the
  // epilogue; integer adds, so the sum is the same), except for smmla,
  // whose accumulators interleave two rows.
  Value tileColumn = mul(tile, constI64(nr));
  bool biasFirst = !isI8mm;
  if (biasFirst)
    for (int64_t v = 0; v < nVectors; ++v) {
      Value column = add(tileColumn, constI64(v * info.columnsPerVector));
      Value biasVec = load(accType, gep(bias, column, i32));
      for (int64_t r = 0; r < mr; ++r)
        accs[r * nVectors + v] = biasVec;
    }
  // The packed stride of a group is always the full tile's.
  int64_t groupBytes = config.nVectors * info.vectorBytes;

  // Main K loop, getUnroll() groups per iteration, then the remaining whole
  // groups one at a time.
  Value zero = constI64(0);
  int64_t unroll = getUnroll(config.isa);
  Value unrolledEnd = b.create<arith::SubIOp>(
      loc, kGroups, b.create<arith::RemUIOp>(loc, kGroups, constI64(unroll)));
  auto groupLoop = [&](Value begin, Value end, int64_t step) {
    auto loop = b.create<scf::ForOp>(
        loc, begin, end, constI64(step), accs,
        [&](OpBuilder &, Location, Value g, ValueRange iterAccs) {
          SmallVector<Value> current(iterAccs.begin(), iterAccs.end());
          // AVX2 reads 4 activation bytes (two of its K groups) at once;
          // the step keeps those reads inside the block.
          bool pairs = config.isa == GemmIsa::X86Avx2 && step % 2 == 0;
          SmallVector<Value> nextOperands;
          for (int64_t u = 0; u < step; ++u) {
            Value group = add(g, constI64(u));
            Value kOffset = mul(group, constI64(info.kGroup));
            Value weights = gep(weightTile, mul(group, constI64(groupBytes)));
            SmallVector<Value> operands;
            if (pairs && u % 2 == 0) {
              auto [low, high] = avx2PairOperands(rows, kOffset);
              operands = low;
              nextOperands = high;
            } else if (pairs) {
              operands = nextOperands;
            }
            current =
                multiplyGroup(current, rows, kOffset, weights, false, operands);
          }
          b.create<scf::YieldOp>(loc, current);
        });
    accs.assign(loop.getResults().begin(), loop.getResults().end());
  };
  groupLoop(zero, unrolledEnd, unroll);
  groupLoop(unrolledEnd, kGroups, 1);

  // K tail: K % kGroup values, read with a masked load.
  Value hasTail =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, kRem, zero);
  auto tailIf = b.create<scf::IfOp>(
      loc, hasTail,
      [&](OpBuilder &, Location) {
        Value kOffset = mul(kGroups, constI64(info.kGroup));
        Value weights = gep(weightTile, mul(kGroups, constI64(groupBytes)));
        b.create<scf::YieldOp>(
            loc, multiplyGroup(accs, rows, kOffset, weights, true));
      },
      [&](OpBuilder &, Location) { b.create<scf::YieldOp>(loc, accs); });
  accs.assign(tailIf.getResults().begin(), tailIf.getResults().end());

  // Per-row output vectors of `lanes` columns.
  int64_t outputsPerRow = nVectors * info.columnsPerVector / lanes;
  SmallVector<SmallVector<Value>> outputs(mr);
  for (int64_t r = 0; r < mr; ++r) {
    if (!isI8mm) {
      for (int64_t v = 0; v < nVectors; ++v)
        outputs[r].push_back(accs[r * nVectors + v]);
      continue;
    }
    // [r0c0 r0c1 r1c0 r1c1] x [r0c2 r0c3 r1c2 r1c3] -> one row's 4 columns.
    int64_t pair = r / 2;
    SmallVector<int64_t> pick = r % 2 == 0 ? SmallVector<int64_t>{0, 1, 4, 5}
                                           : SmallVector<int64_t>{2, 3, 6, 7};
    for (int64_t j = 0; j < outputsPerRow; ++j)
      outputs[r].push_back(
          b.create<vector::ShuffleOp>(loc, accs[pair * nVectors + 2 * j],
                                      accs[pair * nVectors + 2 * j + 1], pick));
  }

  // Columns column + i < N are stored (masked stores of the last tile).
  auto storeMask = [&](Value column, int64_t width) -> Value {
    if (!partial)
      return {};
    Value left = b.create<arith::SubIOp>(loc, n, column);
    left = b.create<arith::MaxSIOp>(loc, left, zero);
    left = b.create<arith::MinSIOp>(loc, left, constI64(width));
    Value leftVec = b.create<vector::BroadcastOp>(
        loc, VectorType::get({width}, i32),
        b.create<arith::TruncIOp>(loc, i32, left));
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt,
                                   iota(width), leftVec);
  };
  auto storeBytes = [&](Value value, Value address, Value mask) {
    if (mask)
      b.create<LLVM::MaskedStoreOp>(loc, value, address, mask,
                                    /*alignment=*/1);
    else
      b.create<LLVM::StoreOp>(loc, value, address, /*alignment=*/1);
  };
  auto rowAddress = [&](int64_t r, Value columnBytes) {
    return gep(c, add(mul(add(m0, constI64(r)), ldc), columnBytes));
  };

  if (config.cType == QType::S32) {
    // acc + bias as it is, one vector at a time.
    for (int64_t j = 0; j < outputsPerRow; ++j) {
      Value column = add(tileColumn, constI64(j * lanes));
      Value biasVec =
          biasFirst ? Value() : load(outI32, gep(bias, column, i32));
      Value mask = storeMask(column, lanes);
      for (int64_t r = 0; r < mr; ++r) {
        Value sum = biasVec ? add(outputs[r][j], biasVec) : outputs[r][j];
        storeBytes(sum, rowAddress(r, mul(column, constI64(4))), mask);
      }
    }
    return;
  }
  // 8-bit outputs: up to four vectors of a row requantized and narrowed
  // together (Requantize.h) and stored as one vector.
  for (int64_t j0 = 0; j0 < outputsPerRow; j0 += 4) {
    int64_t count = std::min<int64_t>(4, outputsPerRow - j0);
    Value column = add(tileColumn, constI64(j0 * lanes));
    SmallVector<Value> biasVecs, multVecs;
    for (int64_t j = j0; j < j0 + count; ++j) {
      Value at = add(tileColumn, constI64(j * lanes));
      biasVecs.push_back(biasFirst ? Value()
                                   : load(outI32, gep(bias, at, i32)));
      multVecs.push_back(load(outF32, gep(mult, at, f32)));
    }
    Value mask = storeMask(column, count * lanes);
    for (int64_t r = 0; r < mr; ++r) {
      SmallVector<Value> sums;
      for (int64_t j = j0; j < j0 + count; ++j)
        sums.push_back(biasVecs[j - j0] ? add(outputs[r][j], biasVecs[j - j0])
                                        : outputs[r][j]);
      // intClamp: the caller proved |acc * m| < 2^30 at compile time
      // (PackedGemmWeights::integerClampExact).
      Value bytes =
          emitRequantizePacked(b, loc, config.isa, sums, multVecs, zpOut, qmin,
                               qmax, config.cType == QType::U8,
                               /*productsFit=*/config.intClamp);
      storeBytes(bytes, rowAddress(r, column), mask);
    }
  }
}

void GemmKernelBuilder::buildRowBlock(int64_t mr, Value m0) {
  Value nr = constI64(config.nr());
  Value fullTiles = b.create<arith::DivUIOp>(loc, n, nr);
  b.create<scf::ForOp>(loc, constI64(0), fullTiles, constI64(1), ValueRange{},
                       [&](OpBuilder &, Location, Value tile, ValueRange) {
                         buildTile(mr, m0, tile, /*partial=*/false,
                                   config.nVectors);
                         b.create<scf::YieldOp>(loc);
                       });
  // The last, partial tile computes only the weight vectors that hold real
  // columns: ceil(left / columnsPerVector), rounded up to pairs for smmla.
  // One specialized body per count; the count is known only at run time.
  Value left = b.create<arith::RemUIOp>(loc, n, nr);
  int64_t perVector = info.columnsPerVector * (isI8mm ? 2 : 1);
  Value used = b.create<arith::DivUIOp>(loc, add(left, constI64(perVector - 1)),
                                        constI64(perVector));
  for (int64_t units = 1; units * (isI8mm ? 2 : 1) <= config.nVectors;
       ++units) {
    Value match = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, used,
                                          constI64(units));
    b.create<scf::IfOp>(loc, match, [&](OpBuilder &, Location) {
      buildTile(mr, m0, fullTiles, /*partial=*/true, units * (isI8mm ? 2 : 1));
      b.create<scf::YieldOp>(loc);
    });
  }
}

void GemmKernelBuilder::buildBody(func::FuncOp func) {
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  a = entry->getArgument(0);
  lda = entry->getArgument(1);
  packedB = entry->getArgument(2);
  bias = entry->getArgument(3);
  mult = entry->getArgument(4);
  c = entry->getArgument(5);
  ldc = entry->getArgument(6);
  m = entry->getArgument(7);
  n = entry->getArgument(8);
  k = entry->getArgument(9);
  zpOut = entry->getArgument(10);
  qmin = entry->getArgument(11);
  qmax = entry->getArgument(12);

  Value kGroup = constI64(info.kGroup);
  kGroups = b.create<arith::DivUIOp>(loc, k, kGroup);
  kRem = b.create<arith::RemUIOp>(loc, k, kGroup);
  Value paddedK = mul(
      b.create<arith::DivUIOp>(loc, add(k, constI64(info.kGroup - 1)), kGroup),
      kGroup);
  tileBytes = mul(paddedK, constI64(config.nr()));

  // Whole blocks of mr rows.
  int64_t mr = config.mr;
  Value mrValue = constI64(mr);
  Value mainRows = b.create<arith::SubIOp>(
      loc, m, b.create<arith::RemUIOp>(loc, m, mrValue));
  b.create<scf::ForOp>(loc, constI64(0), mainRows, mrValue, ValueRange{},
                       [&](OpBuilder &, Location, Value m0, ValueRange) {
                         buildRowBlock(mr, m0);
                         b.create<scf::YieldOp>(loc);
                       });
  // The remaining M % mr rows, as the binary decomposition of the count
  // into blocks of the powers of two below mr (e.g. 5 = 4 + 1).
  Value left = b.create<arith::SubIOp>(loc, m, mainRows);
  Value start = mainRows;
  int64_t block = 1;
  while (block * 2 < mr)
    block *= 2;
  for (; block >= 1 && mr > 1; block /= 2) {
    Value bit = b.create<arith::AndIOp>(loc, left, constI64(block));
    Value taken = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, bit,
                                          constI64(0));
    Value blockStart = start;
    b.create<scf::IfOp>(loc, taken, [&](OpBuilder &, Location) {
      buildRowBlock(block, blockStart);
      b.create<scf::YieldOp>(loc);
    });
    start = add(start, bit);
  }
  b.create<func::ReturnOp>(loc);
}

} // namespace

FailureOr<func::FuncOp> buildGemmKernel(ModuleOp module,
                                        const GemmKernelConfig &config) {
  std::string name = ::qc::codegen::getGemmKernelName(config);
  if (std::string error = ::qc::codegen::verifyGemmKernelConfig(config);
      !error.empty())
    return module.emitError() << "cannot build " << name << ": " << error;
  if (module.lookupSymbol(name))
    return module.emitError() << "a symbol named " << name << " exists";

  OpBuilder b(module.getContext());
  b.setInsertionPointToEnd(module.getBody());
  Location loc = NameLoc::get(b.getStringAttr(name), module.getLoc());
  GemmKernelBuilder kernel(b, loc, config);
  auto func = b.create<func::FuncOp>(
      loc, name, b.getFunctionType(kernel.argumentTypes(), {}));
  // Inputs are read-only and the output overlaps none of them.
  for (unsigned arg : {0u, 2u, 3u, 4u}) {
    func.setArgAttr(arg, LLVM::LLVMDialect::getNoAliasAttrName(),
                    b.getUnitAttr());
    func.setArgAttr(arg, LLVM::LLVMDialect::getReadonlyAttrName(),
                    b.getUnitAttr());
  }
  func.setArgAttr(5, LLVM::LLVMDialect::getNoAliasAttrName(), b.getUnitAttr());
  kernel.buildBody(func);
  return func;
}

} // namespace mlir::qc
