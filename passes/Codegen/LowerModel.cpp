//===- LowerModel.cpp - qc-lower-model: the planned program as code -------===//
//
// Reads the plan (MemoryPlan.cpp) and emits, in program order, one step per
// op through the one lowering pattern that matches it. Each op family lists
// its patterns in its own file (ModelBuilder::populate*Patterns):
//   IntConv.cpp          qc.qconv2d (GEMM, grouped; IntDepthwise.cpp the
//                        depthwise form), qc.qlinear
//   IntMatmul.cpp        qc.qmatmul (rhs packed at run time, GEMM kernel)
//   IntPool.cpp          qc.qmax_pool2d, qc.qavg_pool2d, global average pool
//   IntElementwise.cpp   quantize / dequantize, qc.qadd, qc.qmul,
//                        qc.qrequantize, qc.qlut
//   IntMinMax.cpp        qc.qmax, qc.qmin
//   IntResize.cpp        qc.qresize and float qc.resize
//   IntConvTranspose.cpp qc.qconv_transpose2d
//   Int16.cpp            the 16x8 steps: qconv2d / qlinear / qadd / qmul /
//                        qrequantize with int16 activations
//   DynamicLinear.cpp    qc.dynamic_qlinear, qc.dynamic_fake_quant
//   DataMovement.cpp     reshape / flatten copies, views, concat, pad,
//                        result copies
//   Gather.cpp           qc.gather
//   Compare.cpp          qc.compare, qc.select (bools, any element type)
//   FloatReduce.cpp      reductions, ArgMax / ArgMin
//   FloatElementwise.cpp float unary / binary ops and the math functions
//   FloatGemm.cpp        float conv2d, linear, matmul
//   FloatConvTranspose.cpp float conv_transpose2d
//   FloatPool.cpp        float max_pool2d, avg_pool2d
//   FloatNormalize.cpp   softmax, log_softmax, layer_norm, batch_norm
// (FloatCodegen.cpp: what the float steps share), into an entry function
// per variant (`NAME[_isa]_entry`), plus the run-time dispatcher when there
// are several variants. The module's contents are replaced by the model's
// and `qc.model` records what it is.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/NodeName.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Codegen/Target.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

#include "runtime/include/qc_model_abi.h"
#include "runtime/include/qc_runtime.h"

#include <cstddef>
#include <functional>

namespace mlir::qc {
#define GEN_PASS_DEF_QCLOWERMODEL
#include "passes/Passes.h.inc"
} // namespace mlir::qc

namespace mlir::qc::model_codegen {

using ::qc::codegen::GemmIsa;

const ModelBuilder::LoweringPatterns &ModelBuilder::loweringPatterns() {
  static const LoweringPatterns patterns = [] {
    LoweringPatterns p;
    populateIntConvPatterns(p);
    populateIntMatmulPatterns(p);
    populateIntPoolPatterns(p);
    populateIntElementwisePatterns(p);
    populateIntMinMaxPatterns(p);
    populateIntResizePatterns(p);
    populateIntConvTransposePatterns(p);
    populateInt16Patterns(p);
    populateDynamicQuantPatterns(p);
    populateDataMovementPatterns(p);
    populateGatherPatterns(p);
    populateComparePatterns(p);
    populateReducePatterns(p);
    populateFloatElementwisePatterns(p);
    populateFloatGemmPatterns(p);
    populateFloatConvTransposePatterns(p);
    populateFloatPoolPatterns(p);
    populateFloatNormalizePatterns(p);
    return p;
  }();
  return patterns;
}

const ModelBuilder::LoweringPattern *ModelBuilder::findPattern(Operation *op) {
  for (const LoweringPattern &pattern : loweringPatterns().get())
    if (pattern.match(op))
      return &pattern;
  return nullptr;
}

LogicalResult ModelBuilder::emitOp(Operation *op) {
  const LoweringPattern *pattern = findPattern(op);
  if (!pattern)
    return op->emitError() << "qc compile: internal error: unplanned op";
  for (const LoweringPattern &other : loweringPatterns().get())
    if (&other != pattern && other.match(op))
      return op->emitError()
             << "qc compile: internal error: lowering patterns '"
             << pattern->name << "' and '" << other.name << "' both match";
  if (pattern->floatStep && failed(bindFloatData(op)))
    return failure();
  return pattern->emit(*this, op);
}

namespace {
/// "1x3x8x8xui8".
std::string shapeText(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t)
    return "?";
  std::string s;
  llvm::raw_string_ostream os(s);
  for (int64_t d : t.getShape())
    os << d << "x";
  os << t.getElementType();
  return s;
}

int64_t tensorBytes(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || !t.getElementType().isIntOrFloat())
    return 0;
  return satMul(product(t.getShape()), elementBytes(t.getElementType()));
}
} // namespace

ModelDescriptorInfo::Step ModelBuilder::describeStep(Operation *op) {
  ModelDescriptorInfo::Step s;
  if (isa<func::ReturnOp>(op)) {
    s.kind = "outputs";
    s.shapes = "copy to the output buffers";
    for (Value v : op->getOperands())
      s.bytes += 2 * static_cast<uint64_t>(tensorBytes(v.getType()));
    return s;
  }
  s.kind = op->getName().stripDialect().str();
  s.name = nodeName(op->getLoc());
  // Activations first, then weights ("w ..."); constants other than the
  // weight (bias, tables) only count in bytes.
  Value weight;
  if (isa<QConv2dOp, QLinearOp, Conv2dOp, LinearOp, DynamicQLinearOp,
          QConvTranspose2dOp>(op) &&
      op->getNumOperands() > 1)
    weight = op->getOperand(1);
  std::string text;
  llvm::raw_string_ostream os(text);
  bool first = true;
  for (Value v : op->getOperands()) {
    s.bytes += static_cast<uint64_t>(tensorBytes(v.getType()));
    Operation *def = v.getDefiningOp();
    if (v == weight ||
        (def && (isa<ConstantOp>(def) || isFoldedDequantize(def))))
      continue;
    os << (first ? "" : ", ") << shapeText(v.getType());
    first = false;
  }
  if (weight)
    os << (first ? "" : ", ") << "w " << shapeText(weight.getType());
  os << " ->";
  for (Value r : op->getResults()) {
    s.bytes += static_cast<uint64_t>(tensorBytes(r.getType()));
    os << " " << shapeText(r.getType());
  }
  // MACs of the ops that multiply-accumulate, and a kind per conv form.
  auto shapeOf = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  };
  uint64_t outElems =
      static_cast<uint64_t>(product(shapeOf(op->getResult(0))));
  auto convForm = [&](ArrayRef<int64_t> w, int64_t groups,
                      ArrayRef<int64_t> strides) {
    // OIHW.
    s.macs = outElems * static_cast<uint64_t>(product(w.drop_front()));
    if (groups > 1)
      s.kind += w[1] == 1 ? "_depthwise" : "_grouped";
    else if (w[2] == 1 && w[3] == 1)
      s.kind += "_1x1";
    os << " k" << w[2] << "x" << w[3];
    if (llvm::any_of(strides, [](int64_t v) { return v != 1; }))
      os << " s" << strides[0] << "x" << strides[1];
    if (groups > 1)
      os << " g" << groups;
  };
  if (auto conv = dyn_cast<QConv2dOp>(op))
    convForm(shapeOf(conv.getWeight()), conv.getGroups(), conv.getStrides());
  else if (auto conv = dyn_cast<Conv2dOp>(op))
    convForm(shapeOf(conv.getWeight()), conv.getGroups(), conv.getStrides());
  else if (auto ct = dyn_cast<QConvTranspose2dOp>(op)) {
    // [C_in, C_out / groups, kh, kw]: each input element meets C_out /
    // groups x kh x kw weights.
    ArrayRef<int64_t> w = shapeOf(ct.getWeight());
    s.macs = static_cast<uint64_t>(product(shapeOf(ct.getInput()))) *
             static_cast<uint64_t>(w[1] * w[2] * w[3]);
    os << " k" << w[2] << "x" << w[3] << " s" << ct.getStrides()[0] << "x"
       << ct.getStrides()[1];
  } else if (isa<QLinearOp, LinearOp, DynamicQLinearOp>(op))
    s.macs = outElems * static_cast<uint64_t>(shapeOf(weight).back());
  else if (isa<MatmulOp, QMatmulOp>(op))
    s.macs = outElems *
             static_cast<uint64_t>(shapeOf(op->getOperand(0)).back());
  s.shapes = text;
  return s;
}

void ModelBuilder::emitProfileHookLoad() {
  // ctx->struct_size covers profile_step (libqcrt 0.3.0 on) ? it : null.
  constexpr int64_t hookOffset = offsetof(qc_exec_context, profile_step);
  Value size = load(
      i32, gep(ctxArg, cI64(offsetof(qc_exec_context, struct_size)), i8));
  Value has = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::uge, size,
                                      cI32(hookOffset + sizeof(void *)));
  auto ifOp = b.create<scf::IfOp>(
      loc, has,
      [&](OpBuilder &, Location) {
        b.create<scf::YieldOp>(
            loc, load(ptr, gep(ctxArg, cI64(hookOffset), i8)));
      },
      [&](OpBuilder &, Location) {
        b.create<scf::YieldOp>(loc, b.create<LLVM::ZeroOp>(loc, ptr).getResult());
      });
  profileHook = ifOp.getResult(0);
  profileFunction = nullptr;
}

Operation *ModelBuilder::emitProfileStep(int64_t index) {
  // `if (hook) hook(ctx, index)` in a small function of the variant, called
  // before every step: the entry stays one block of straight-line calls (an
  // scf.if per step made SCFToControlFlow split the entry's block once per
  // step, quadratic in the step count), and LLVM inlines the function back.
  if (!profileFunction) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(entry);
    profileFunction = b.create<func::FuncOp>(
        loc, prefix + "_profile_step", b.getFunctionType({ptr, ptr, i32}, {}));
    profileFunction->setAttr(
        "llvm.linkage", LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
    Block *block = profileFunction.addEntryBlock();
    b.setInsertionPointToStart(block);
    Value hook = block->getArgument(0);
    Value on = b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::ne, hook,
                                      b.create<LLVM::ZeroOp>(loc, ptr));
    auto hookType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                                {ptr, i32});
    b.create<scf::IfOp>(loc, on, [&](OpBuilder &, Location) {
      b.create<LLVM::CallOp>(
          loc, hookType,
          ValueRange{hook, block->getArgument(1), block->getArgument(2)});
      b.create<scf::YieldOp>(loc);
    });
    b.create<func::ReturnOp>(loc);
  }
  return b.create<func::CallOp>(loc, profileFunction,
                                ValueRange{profileHook, ctxArg, cI32(index)});
}

LogicalResult ModelBuilder::emit(ModuleOp mod) {
  module = mod;
  b.setInsertionPointToEnd(module.getBody());
  auto entryType = b.getFunctionType({ptr, ptr, ptr, ptr}, {i32});
  entry = b.create<func::FuncOp>(loc, prefix + "_entry", entryType);
  entry->setAttr("llvm.linkage",
                 LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  Block *block = entry.addEntryBlock();
  b.setInsertionPointToStart(block);
  ctxArg = block->getArgument(0);
  arenaArg = block->getArgument(1);
  Value inputs = block->getArgument(2), outputs = block->getArgument(3);
  statusSlot = b.create<LLVM::AllocaOp>(loc, ptr, i32, cI32(1), 4);
  store(cI32(0), statusSlot);
  for (unsigned i = 0; i < src.getNumArguments(); ++i)
    inputPointers.push_back(load(ptr, gep(inputs, cI64(i), ptr)));
  emitProfileHookLoad();

  // Every op that emits code is a step of the descriptor's step table, with
  // a profile_step call before it (views emit nothing and are no step).
  bool firstVariant = currentIsa == isas.front();
  int64_t stepIndex = 0;
  auto endStep = [&](Operation *op, Operation *hookCall) {
    if (!hookCall->getNextNode()) {
      hookCall->erase();
      return;
    }
    if (firstVariant)
      stepTable.push_back(describeStep(op));
    ++stepIndex;
  };
  for (Operation &opRef : src.getBody().front()) {
    Operation *op = &opRef;
    if (isa<ConstantOp>(op) || isFoldedDequantize(op))
      continue;
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      Operation *hookCall = emitProfileStep(stepIndex);
      for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
        const TensorRef &r = refs[v];
        Value dst = load(ptr, gep(outputs, cI64(static_cast<int64_t>(i)), ptr));
        copyToRowMajor(r, basePointer(r), dst);
      }
      endStep(op, hookCall);
      emitProfileStep(stepIndex);
      b.create<func::ReturnOp>(loc, ValueRange{load(i32, statusSlot)});
      continue;
    }
    loc = op->getLoc();
    Operation *hookCall = emitProfileStep(stepIndex);
    if (failed(emitOp(op)))
      return failure();
    endStep(op, hookCall);
    loc = src.getLoc();
  }
  if (!firstVariant && stepIndex != static_cast<int64_t>(stepTable.size()))
    return src.emitError() << "qc compile: internal error: variant "
                           << prefix << " has " << stepIndex
                           << " steps, the first " << stepTable.size();
  return success();
}

void ModelBuilder::emitDispatcher(ModuleOp mod,
                                  ArrayRef<func::FuncOp> entries) {
  // <name>_entry: the first variant whose ISA bits the runtime reports
  // (best first), else the last (the weakest, which the descriptor requires).
  loc = src.getLoc();
  b.setInsertionPointToEnd(mod.getBody());
  auto entryType = b.getFunctionType({ptr, ptr, ptr, ptr}, {i32});
  auto fn = b.create<func::FuncOp>(loc, options.name + "_entry", entryType);
  fn->setAttr("llvm.linkage",
              LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  Block *block = fn.addEntryBlock();
  b.setInsertionPointToStart(block);
  ValueRange args = block->getArguments();
  Value features =
      load(i64, gep(args[0], cI64(offsetof(qc_exec_context, cpu_features)), i8));
  std::function<Value(size_t)> choose = [&](size_t v) -> Value {
    if (v + 1 == entries.size())
      return b.create<func::CallOp>(loc, entries[v], args).getResult(0);
    int64_t bits = static_cast<int64_t>(::qc::codegen::getTarget(isas[v]).requiredIsaBits);
    Value has = b.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::eq,
        b.create<arith::AndIOp>(loc, features, cI64(bits)), cI64(bits));
    auto ifOp = b.create<scf::IfOp>(
        loc, has,
        [&](OpBuilder &, Location) {
          b.create<scf::YieldOp>(
              loc, b.create<func::CallOp>(loc, entries[v], args).getResult(0));
        },
        [&](OpBuilder &, Location) {
          b.create<scf::YieldOp>(loc, choose(v + 1));
        });
    return ifOp.getResult(0);
  };
  b.create<func::ReturnOp>(loc, choose(0));
  // The dispatcher is marked as the weakest variant's code.
  fn->setAttr("qc.variant", b.getI64IntegerAttr(entries.size() - 1));
}


FailureOr<ModelInfo> ModelBuilder::lower(ModuleOp out) {
  if (!src.getBody().hasOneBlock())
    return src.emitError("qc compile: the entry function must have one block");
  // The program and the plan may have been edited since qc-plan-memory:
  // both are checked again.
  if (failed(verifyProgram()) || failed(readPlan()) ||
      failed(verifyBufferSizes()) || failed(verifyPlan()) ||
      failed(verifyLifetimes()))
    return failure();
  isas = options.isas;
  if (isas.empty())
    return src.emitError("qc compile: no instruction set to compile for");
  auto variantAttr = StringAttr::get(ctx, "qc.variant");
  SmallVector<func::FuncOp> entries;
  for (size_t v = 0; v < isas.size(); ++v) {
    currentIsa = isas[v];
    prefix = isas.size() == 1
                 ? options.name
                 : options.name + "_" +
                       std::string(
                           ::qc::codegen::getGemmIsaInfo(currentIsa).nameSuffix);
    inputPointers.clear();
    if (failed(emit(out)))
      return failure();
    entries.push_back(entry);
    // Every function made for this variant is compiled for its ISA.
    out->walk([&](func::FuncOp fn) {
      if (!fn->hasAttr(variantAttr))
        fn->setAttr(variantAttr, b.getI64IntegerAttr(static_cast<int64_t>(v)));
    });
  }
  if (isas.size() > 1)
    emitDispatcher(out, entries);
  if (failed(verify(out)))
    return failure();
  ModelInfo info;
  info.descriptor = describe();
  info.descriptor.steps = stepTable;
  for (GemmIsa isa : isas) {
    const ::qc::codegen::Target &t = ::qc::codegen::getTarget(isa);
    info.descriptor.variants.push_back(
        {std::string(t.name), t.requiredIsaBits,
         static_cast<uint64_t>(t.int8MacsPerCycle)});
  }
  info.isas = isas;
  info.source = options.source;
  info.constantBytes = constantBytes;
  info.floatWeightBytes = floatWeightBytes;
  info.steps = static_cast<int64_t>(stepTable.size());
  return info;
}

} // namespace mlir::qc::model_codegen

namespace mlir::qc {
namespace {
struct LowerModelPass : impl::QCLowerModelBase<LowerModelPass> {
  using QCLowerModelBase::QCLowerModelBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<func::FuncOp> func = getEntryFunction(module);
    if (failed(func))
      return signalPassFailure();
    std::string error;
    std::optional<std::vector<::qc::codegen::GemmIsa>> isas =
        ::qc::codegen::resolveTargetName(target, qc_cpu_features(), error);
    if (!isas) {
      module.emitError() << "qc compile: " << error;
      return signalPassFailure();
    }
    if (!isModelName(modelName)) {
      module.emitError() << "qc compile: the model name '" << modelName
                         << "' is not a C identifier";
      return signalPassFailure();
    }
    ModelCodegenOptions options;
    options.isas = *isas;
    options.name = modelName;
    options.source = source;
    options.floatFma = floatFma;
    OwningOpRef<ModuleOp> out = ModuleOp::create(func->getLoc());
    FailureOr<ModelInfo> info;
    {
      model_codegen::ModelBuilder builder(*func, options);
      info = builder.lower(*out);
    }
    if (failed(info))
      return signalPassFailure();
    // A dynamic batch (qc-dynamic-batch): the code computes one sample.
    if (auto maxBatch = (*func)->getAttrOfType<IntegerAttr>("qc.max_batch")) {
      if (maxBatch.getInt() < 1 || maxBatch.getInt() > INT32_MAX) {
        (*func)->emitError() << "qc compile: qc.max_batch must be in [1, "
                                "2^31 - 1], got "
                             << maxBatch.getInt();
        return signalPassFailure();
      }
      info->descriptor.maxBatch = static_cast<uint32_t>(maxBatch.getInt());
    }
    // The program becomes the model: every op of the module is replaced.
    Block *body = module.getBody();
    while (!body->empty())
      body->front().erase();
    body->getOperations().splice(body->end(), out->getBody()->getOperations());
    module->setAttr("qc.model", encodeModelInfo(&getContext(), *info));
  }
};
} // namespace
} // namespace mlir::qc
