//===- ModelCodegen.cpp - what the codegen steps share --------------------===//
//
// The helpers every step of qc compile's codegen uses, none of them a step
// or an op family: the entry function, C names and string literals, dtype
// codes, loop nests (serial and parallel through the runtime's
// parallel_for), constants of the object and per-step parameters.
// The steps, in order (docs/architecture.md has the file map):
//   qc-plan-memory           MemoryPlan.cpp (each op's rule: its pattern's
//                            plan, in the family's file), ProgramChecks.cpp
//   qc-lower-model           LowerModel.cpp (the pattern table; the
//                            patterns in the family files)
//   qc-lower-model-to-llvm   LowerModelToLLVM.cpp
//   qc-add-model-descriptor  ModelDescriptor.cpp
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelCodegen.h"
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "support/Shapes.h"
#include "passes/Codegen/GemmKernel.h"
#include "passes/Codegen/Target.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include "runtime/include/qc_model_abi.h"

#include <algorithm>
#include <cstdio>
#include <cstddef>
#include <functional>
#include <map>
#include <numeric>

namespace mlir::qc {

using ::qc::codegen::GemmIsa;
using ::qc::codegen::GemmKernelConfig;
using ::qc::codegen::PackedGemmWeights;
using ::qc::codegen::QType;

std::string cStringLiteral(StringRef s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\' || c == '?') {
      // '?' too: "??/" would be a trigraph under strict ISO C modes.
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      // Always three octal digits, so a following digit cannot join it.
      char esc[5];
      std::snprintf(esc, sizeof esc, "\\%03o", c);
      out += esc;
    }
  }
  return out + "\"";
}

FailureOr<func::FuncOp> getEntryFunction(ModuleOp module) {
  func::FuncOp only;
  int count = 0;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.getName() == "main")
      return func;
    only = func;
    ++count;
  }
  if (count == 1)
    return only;
  emitError(module.getLoc())
      << (count == 0 ? "the module has no function"
                     : "the module has several functions and none is @main");
  return failure();
}

bool isModelName(StringRef name) {
  // ASCII letters, digits and '_' only (llvm::isAlpha / isAlnum do not
  // depend on the locale or on the sign of char).
  return !name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_') &&
         llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

std::string cCommentText(StringRef s) {
  std::string out;
  for (char c : s)
    out += (llvm::isAlnum(c) || StringRef(" _-.,:[]=+").contains(c)) ? c
                                                                     : '_';
  return out;
}

namespace model_codegen {

/// Types qc compile moves across the model's boundary, as qc_dtype values.
int32_t toDtype(Type t) {
  if (t.isF32())
    return QC_DTYPE_FLOAT32;
  if (t.isUnsignedInteger(8))
    return QC_DTYPE_UINT8;
  if (t.isInteger(8))
    return QC_DTYPE_INT8;
  if (t.isInteger(32))
    return QC_DTYPE_INT32;
  if (t.isSignlessInteger(64))
    return QC_DTYPE_INT64;
  return QC_DTYPE_UNDEFINED;
}

const char *dtypeName(int32_t dtype) {
  switch (dtype) {
  case QC_DTYPE_FLOAT32:
    return "float32";
  case QC_DTYPE_UINT8:
    return "uint8";
  case QC_DTYPE_INT8:
    return "int8";
  case QC_DTYPE_INT32:
    return "int32";
  case QC_DTYPE_INT64:
    return "int64";
  default:
    return "undefined";
  }
}

const char *const kSupported =
    "qc.quantize / qc.dequantize (per tensor), qc.qconv2d (any groups), "
    "qc.qlinear, qc.dynamic_qlinear, qc.qmatmul, qc.qadd, qc.qmul, "
    "qc.qrequantize, "
    "qc.qlut, qc.qmax, qc.qmin, qc.qmax_pool2d, qc.qavg_pool2d, qc.reshape, qc.flatten, qc.transpose, qc.slice, "
    "qc.concat, qc.gather (run-time i64 / i32 indices), qc.qresize, "
    "qc.qconv_transpose2d (int16 activations: qc.qconv2d, qc.qlinear, qc.qadd, "
    "qc.qmul, qc.qrequantize and data movement), and in float "
    "qc.global_avg_pool2d, qc.resize";

void ModelBuilder::loopNest(ArrayRef<int64_t> shape,
                            ArrayRef<int64_t> innerStrides,
                            const std::function<void(ArrayRef<Value>)> &body) {
  SmallVector<int64_t> order(shape.size());
  std::iota(order.begin(), order.end(), 0);
  // (std::stable_sort's buffer API is deprecated under clang-19 + libstdc++.)
  std::sort(order.begin(), order.end(), [&](int64_t x, int64_t y) {
    return innerStrides[x] != innerStrides[y] ? innerStrides[x] > innerStrides[y]
                                              : x < y;
  });
  SmallVector<Value> ivs(shape.size());
  std::function<void(size_t)> level = [&](size_t l) {
    if (l == order.size()) {
      body(ivs);
      return;
    }
    int64_t d = order[l];
    if (shape[d] == 1) {
      ivs[d] = cI64(0);
      level(l + 1);
      return;
    }
    forN(shape[d], [&](Value iv) {
      ivs[d] = iv;
      level(l + 1);
    });
  };
  level(0);
}

void ModelBuilder::parallelLoopNest(
    ArrayRef<int64_t> shape, ArrayRef<int64_t> innerStrides,
    ArrayRef<Value> pointers,
    const std::function<void(ArrayRef<Value>, ArrayRef<Value>)> &body,
    const std::function<void(ArrayRef<Value>)> &prologue,
    const std::function<void(ArrayRef<Value>)> &epilogue) {
  int64_t outer = -1;
  for (size_t d = 0; d < shape.size(); ++d)
    if (shape[d] > 1 &&
        (outer < 0 || innerStrides[d] > innerStrides[outer]))
      outer = static_cast<int64_t>(d);
  SmallVector<int64_t> rest(shape.begin(), shape.end());
  int64_t count = outer < 0 ? 1 : shape[outer];
  if (outer >= 0)
    rest[outer] = 1;
  parallel(count, pointers, [&](Value begin, Value end, ArrayRef<Value> p) {
    if (prologue)
      prologue(p);
    forRange(begin, end, [&](Value iv) {
      loopNest(rest, innerStrides, [&](ArrayRef<Value> ivs) {
        SmallVector<Value> all(ivs.begin(), ivs.end());
        if (outer >= 0)
          all[outer] = iv;
        body(all, p);
      });
    });
    if (epilogue)
      epilogue(p);
  });
}

//===----------------------------------------------------------------------===//
// Emission helpers
//===----------------------------------------------------------------------===//

std::string ModelBuilder::addConstant(StringRef hint, ArrayRef<char> bytes) {
  // Identical contents share one global: the steps of an unrolled LSTM /
  // GRU read the same packed weights, and so may the variants of a fat
  // object.
  std::string &name = constantsByBytes[std::string(bytes.begin(), bytes.end())];
  if (!name.empty())
    return name;
  name = (prefix + "_const" + Twine(constantCount++) + "_" + hint).str();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  auto type = RankedTensorType::get({static_cast<int64_t>(bytes.size())}, i8);
  auto value = DenseElementsAttr::getFromRawBuffer(type, bytes);
  b.create<LLVM::GlobalOp>(loc, LLVM::LLVMArrayType::get(i8, bytes.size()),
                           /*isConstant=*/true, LLVM::Linkage::Internal, name,
                           value, /*alignment=*/64);
  constantBytes += bytes.size();
  return name;
}

Value ModelBuilder::stepParam(Attribute value) {
  auto global = dyn_cast<FlatSymbolRefAttr>(value);
  if (!stepRecord)
    return global ? addressOf(global.getValue())
                  : b.create<arith::ConstantOp>(loc, cast<TypedAttr>(value))
                        .getResult();
  // A load at the start of the step function: loop-invariant for LLVM
  // whatever the body's stores may alias.
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(stepRecord->block);
  Type type = global ? Type(ptr) : cast<TypedAttr>(value).getType();
  int64_t slot =
      stepRecord->firstSlot + static_cast<int64_t>(stepRecord->params.size());
  stepRecord->params.push_back(value);
  return load(type, gep(stepRecord->block->getArgument(0), cI64(slot), ptr));
}

void ModelBuilder::parallel(
    int64_t count, ArrayRef<Value> pointers,
    const std::function<void(Value, Value, ArrayRef<Value>)> &body) {
  // The step function: void (void *user, int64_t begin, int64_t end).
  // The record: the pointers, then the step parameters (stepParam), one
  // 8-byte slot each.
  std::string name = (prefix + "_step" + Twine(functionCount++)).str();
  auto fnType = b.getFunctionType({ptr, i64, i64}, {});
  func::FuncOp fn;
  StepRecord record;
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(entry);
    fn = b.create<func::FuncOp>(loc, name, fnType);
    fn->setAttr("llvm.linkage",
                LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
    Block *block = fn.addEntryBlock();
    b.setInsertionPointToStart(block);
    SmallVector<Value> args;
    Value user = block->getArgument(0);
    for (size_t i = 0; i < pointers.size(); ++i)
      args.push_back(load(ptr, gep(user, cI64(static_cast<int64_t>(i)), ptr)));
    record.block = block;
    record.firstSlot = static_cast<int64_t>(pointers.size());
    StepRecord *outer = stepRecord;
    stepRecord = &record;
    body(block->getArgument(1), block->getArgument(2), args);
    stepRecord = outer;
    b.create<func::ReturnOp>(loc);
  }
  // The call: ctx->parallel_for(ctx, 0, count, fn, record).
  size_t slots = pointers.size() + record.params.size();
  Value user = b.create<LLVM::AllocaOp>(
      loc, ptr, LLVM::LLVMArrayType::get(ptr, std::max<size_t>(1, slots)),
      cI32(1), 8);
  for (auto [i, p] : llvm::enumerate(pointers))
    store(p, gep(user, cI64(static_cast<int64_t>(i)), ptr));
  // The parameters' values, made here in the caller (stepRecord is the
  // caller's again: the entry's constants, or an enclosing step's loads).
  for (auto [i, value] : llvm::enumerate(record.params))
    store(stepParam(value),
          gep(user, cI64(record.firstSlot + static_cast<int64_t>(i)), ptr));
  Value fnValue = b.create<func::ConstantOp>(loc, fnType,
                                             SymbolRefAttr::get(fn));
  Value fnPtr =
      b.create<UnrealizedConversionCastOp>(loc, TypeRange{ptr}, fnValue)
          .getResult(0);
  Value parallelFor =
      load(ptr, gep(ctxArg, cI64(offsetof(qc_exec_context, parallel_for)), i8));
  auto callType = LLVM::LLVMFunctionType::get(
      LLVM::LLVMVoidType::get(ctx), {ptr, i64, i64, ptr, ptr});
  b.create<LLVM::CallOp>(
      loc, callType,
      ValueRange{parallelFor, ctxArg, cI64(0), cI64(count), fnPtr, user});
}

} // namespace model_codegen

} // namespace mlir::qc
