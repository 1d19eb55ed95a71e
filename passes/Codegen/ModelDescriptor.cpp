//===- ModelDescriptor.cpp - qc-add-model-descriptor and the C header -----===//
//
// The model's description: its contents (describe; describeStep, each
// step's row of the step table), as a module attribute (`qc.model`, written
// by qc-lower-model), the exported `NAME_desc` global of
// runtime/include/qc_model_abi.h built from it (qc-add-model-descriptor),
// and the C header `qc compile` writes beside the object.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/NodeName.h"
#include "dialects/qc/IR/QCOps.h"
#include "passes/Codegen/Target.h"
#include "passes/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"

#include "llvm/Support/raw_ostream.h"

#include "runtime/include/qc_model_abi.h"

#include <array>
#include <functional>
#include <map>

namespace mlir::qc {
#define GEN_PASS_DEF_QCADDMODELDESCRIPTOR
#include "passes/Passes.h.inc"
} // namespace mlir::qc

namespace mlir::qc::model_codegen {
namespace {

using ::qc::codegen::GemmIsa;

//===----------------------------------------------------------------------===//
// Descriptor and header
//===----------------------------------------------------------------------===//

void addDescriptor(ModuleOp mod, const ModelDescriptorInfo &info) {
  MLIRContext *ctx = mod.getContext();
  Location loc = mod.getLoc();
  OpBuilder gb(ctx);
  Type i8 = gb.getI8Type(), i32 = gb.getI32Type(), i64 = gb.getI64Type();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  const std::string &base = info.name;
  gb.setInsertionPointToEnd(mod.getBody());
  int64_t stringCount = 0;
  auto addString = [&](StringRef s) {
    std::string name =
        (base + "_str" + Twine(stringCount++)).str();
    std::string value = s.str();
    value.push_back('\0');
    gb.create<LLVM::GlobalOp>(loc, LLVM::LLVMArrayType::get(i8, value.size()),
                              true, LLVM::Linkage::Internal, name,
                              gb.getStringAttr(value));
    return name;
  };
  // A constant global whose initializer \p init builds.
  auto addGlobal = [&](StringRef name, Type type, LLVM::Linkage linkage,
                       const std::function<Value(OpBuilder &)> &init) {
    auto g = gb.create<LLVM::GlobalOp>(loc, type, true, linkage, name,
                                       Attribute(), 8);
    Block *body = new Block();
    g.getInitializerRegion().push_back(body);
    OpBuilder ib = OpBuilder::atBlockEnd(body);
    ib.create<LLVM::ReturnOp>(loc, init(ib));
    return g;
  };
  auto i64Const = [&](OpBuilder &ib, int64_t v) {
    return ib.create<LLVM::ConstantOp>(loc, i64, ib.getI64IntegerAttr(v));
  };
  auto i32Const = [&](OpBuilder &ib, int64_t v) {
    return ib.create<LLVM::ConstantOp>(loc, i32, ib.getI32IntegerAttr(v));
  };

  auto tensorType = LLVM::LLVMStructType::getLiteral(ctx, {ptr, i32, i32, ptr});
  auto addTensorDescs = [&](StringRef what,
                            ArrayRef<ModelDescriptorInfo::Tensor> tensors) {
    SmallVector<std::string> shapeGlobals, nameGlobals;
    for (size_t i = 0; i < tensors.size(); ++i) {
      const ModelDescriptorInfo::Tensor &t = tensors[i];
      std::string shapeName =
          (base + "_" + what + "_shape" + Twine(i)).str();
      int64_t rankOf = static_cast<int64_t>(t.shape.size());
      int64_t rank = std::max<int64_t>(1, rankOf);
      addGlobal(shapeName, LLVM::LLVMArrayType::get(i64, rank),
                LLVM::Linkage::Internal, [&](OpBuilder &ib) {
                  Value v = ib.create<LLVM::UndefOp>(
                      loc, LLVM::LLVMArrayType::get(i64, rank));
                  for (int64_t d = 0; d < rank; ++d)
                    v = ib.create<LLVM::InsertValueOp>(
                        loc, v, i64Const(ib, d < rankOf ? t.shape[d] : 0),
                        ArrayRef<int64_t>{d});
                  return v;
                });
      shapeGlobals.push_back(shapeName);
      nameGlobals.push_back(addString(t.name));
    }
    std::string arrayName = (base + "_" + what).str();
    int64_t count = std::max<int64_t>(1, tensors.size());
    auto arrayType = LLVM::LLVMArrayType::get(tensorType, count);
    addGlobal(arrayName, arrayType, LLVM::Linkage::Internal,
              [&](OpBuilder &ib) {
                Value v = ib.create<LLVM::UndefOp>(loc, arrayType);
                for (auto [i, t] : llvm::enumerate(tensors)) {
                  int64_t idx = static_cast<int64_t>(i);
                  Value fields[4] = {
                      ib.create<LLVM::AddressOfOp>(loc, ptr, nameGlobals[i]),
                      i32Const(ib, t.dtype),
                      i32Const(ib, static_cast<int64_t>(t.shape.size())),
                      ib.create<LLVM::AddressOfOp>(loc, ptr, shapeGlobals[i])};
                  for (int64_t f = 0; f < 4; ++f)
                    v = ib.create<LLVM::InsertValueOp>(
                        loc, v, fields[f], ArrayRef<int64_t>{idx, f});
                }
                return v;
              });
    return arrayName;
  };

  std::string inputsName = addTensorDescs("inputs", info.inputs);
  std::string outputsName = addTensorDescs("outputs", info.outputs);

  auto bufferType = LLVM::LLVMStructType::getLiteral(ctx, {ptr, i64, i64});
  SmallVector<std::string> bufferNames;
  for (const ModelDescriptorInfo::Buffer &buf : info.buffers)
    bufferNames.push_back(addString(buf.name));
  std::string planName = base + "_plan";
  int64_t planCount = std::max<int64_t>(1, info.buffers.size());
  auto planType = LLVM::LLVMArrayType::get(bufferType, planCount);
  addGlobal(planName, planType, LLVM::Linkage::Internal, [&](OpBuilder &ib) {
    Value v = ib.create<LLVM::UndefOp>(loc, planType);
    for (auto [i, buf] : llvm::enumerate(info.buffers)) {
      int64_t idx = static_cast<int64_t>(i);
      Value fields[3] = {
          ib.create<LLVM::AddressOfOp>(loc, ptr, bufferNames[i]),
          i64Const(ib, static_cast<int64_t>(buf.offset)),
          i64Const(ib, static_cast<int64_t>(buf.size))};
      for (int64_t f = 0; f < 3; ++f)
        v = ib.create<LLVM::InsertValueOp>(loc, v, fields[f],
                                           ArrayRef<int64_t>{idx, f});
    }
    return v;
  });

  std::string nameString = addString(info.name);
  // The step table and the variants (qc_step_desc, qc_variant_desc).
  auto stepType = LLVM::LLVMStructType::getLiteral(ctx, {ptr, ptr, ptr, i64, i64});
  // Kinds (and often shapes) repeat: one global per distinct string.
  std::map<std::string, std::string> tableStrings;
  auto addTableString = [&](const std::string &text) {
    auto [it, inserted] = tableStrings.try_emplace(text);
    if (inserted)
      it->second = addString(text);
    return it->second;
  };
  SmallVector<std::array<std::string, 3>> stepStrings;
  for (const ModelDescriptorInfo::Step &st : info.steps)
    stepStrings.push_back({addTableString(st.kind), addTableString(st.name),
                           addTableString(st.shapes)});
  std::string stepsName = base + "_steps";
  int64_t stepCount = std::max<int64_t>(1, info.steps.size());
  auto stepsType = LLVM::LLVMArrayType::get(stepType, stepCount);
  addGlobal(stepsName, stepsType, LLVM::Linkage::Internal, [&](OpBuilder &ib) {
    Value v = ib.create<LLVM::UndefOp>(loc, stepsType);
    for (auto [i, st] : llvm::enumerate(info.steps)) {
      int64_t idx = static_cast<int64_t>(i);
      Value fields[5] = {
          ib.create<LLVM::AddressOfOp>(loc, ptr, stepStrings[i][0]),
          ib.create<LLVM::AddressOfOp>(loc, ptr, stepStrings[i][1]),
          ib.create<LLVM::AddressOfOp>(loc, ptr, stepStrings[i][2]),
          i64Const(ib, static_cast<int64_t>(st.macs)),
          i64Const(ib, static_cast<int64_t>(st.bytes))};
      for (int64_t f = 0; f < 5; ++f)
        v = ib.create<LLVM::InsertValueOp>(loc, v, fields[f],
                                           ArrayRef<int64_t>{idx, f});
    }
    return v;
  });
  auto variantType = LLVM::LLVMStructType::getLiteral(ctx, {ptr, i64, i64});
  SmallVector<std::string> variantNames;
  for (const ModelDescriptorInfo::Variant &var : info.variants)
    variantNames.push_back(addTableString(var.name));
  std::string variantsName = base + "_variants";
  int64_t variantCount = std::max<int64_t>(1, info.variants.size());
  auto variantsType = LLVM::LLVMArrayType::get(variantType, variantCount);
  addGlobal(variantsName, variantsType, LLVM::Linkage::Internal,
            [&](OpBuilder &ib) {
              Value v = ib.create<LLVM::UndefOp>(loc, variantsType);
              for (auto [i, var] : llvm::enumerate(info.variants)) {
                int64_t idx = static_cast<int64_t>(i);
                Value fields[3] = {
                    ib.create<LLVM::AddressOfOp>(loc, ptr, variantNames[i]),
                    i64Const(ib, static_cast<int64_t>(var.requiredIsa)),
                    i64Const(ib, static_cast<int64_t>(var.int8MacsPerCycle))};
                for (int64_t f = 0; f < 3; ++f)
                  v = ib.create<LLVM::InsertValueOp>(
                      loc, v, fields[f], ArrayRef<int64_t>{idx, f});
              }
              return v;
            });

  auto descType = LLVM::LLVMStructType::getLiteral(
      ctx, {i32, i32, ptr, i64, i32, i32, ptr, ptr, i64, i64, i32, ptr, ptr,
            i32, ptr, i32, ptr, i32});
  addGlobal(base + "_desc", descType, LLVM::Linkage::External,
            [&](OpBuilder &ib) {
              Value fields[18] = {
                  i32Const(ib, QC_MODEL_ABI_VERSION),
                  i32Const(ib, sizeof(qc_model_desc)),
                  ib.create<LLVM::AddressOfOp>(loc, ptr, nameString),
                  i64Const(ib, static_cast<int64_t>(info.requiredIsa)),
                  i32Const(ib, info.inputs.size()),
                  i32Const(ib, info.outputs.size()),
                  ib.create<LLVM::AddressOfOp>(loc, ptr, inputsName),
                  ib.create<LLVM::AddressOfOp>(loc, ptr, outputsName),
                  i64Const(ib, static_cast<int64_t>(info.arenaSize)),
                  i64Const(ib, static_cast<int64_t>(info.arenaAlignment)),
                  i32Const(ib, info.buffers.size()),
                  ib.create<LLVM::AddressOfOp>(loc, ptr, planName),
                  ib.create<LLVM::AddressOfOp>(loc, ptr, base + "_entry"),
                  i32Const(ib, info.steps.size()),
                  ib.create<LLVM::AddressOfOp>(loc, ptr, stepsName),
                  i32Const(ib, info.variants.size()),
                  ib.create<LLVM::AddressOfOp>(loc, ptr, variantsName),
                  i32Const(ib, info.maxBatch)};
              Value v = ib.create<LLVM::UndefOp>(loc, descType);
              for (int64_t f = 0; f < 18; ++f)
                v = ib.create<LLVM::InsertValueOp>(loc, v, fields[f],
                                                   ArrayRef<int64_t>{f});
              return v;
            });
}

std::string header(const ModelInfo &model) {
  const ModelDescriptorInfo &info = model.descriptor;
  const std::vector<GemmIsa> &isas = model.isas;
  // Only the model name (a C identifier, checked by qc compile) makes
  // identifiers; tensor names never do. Comments hold names through
  // cCommentText, and the names themselves are string literals
  // (cStringLiteral), equal byte for byte to the descriptor's.
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string upper = StringRef(info.name).upper();
  std::string guard = "QC_MODEL_" + upper + "_H";
  std::string targetName;
  for (GemmIsa v : isas)
    targetName += (targetName.empty() ? "" : ", ") +
                  std::string(::qc::codegen::getGemmIsaInfo(v).targetName);
  if (isas.size() > 1)
    targetName = "x86-64: " + targetName + " (picked at run time)";
  os << "/* Generated by qc compile: do not edit.\n"
     << " * model  " << info.name;
  if (!model.source.empty())
    os << " (from " << cCommentText(model.source) << ")";
  os << "\n * target " << targetName << "\n"
     << " * arena  " << info.arenaSize << " bytes, " << info.buffers.size()
     << " buffers (static plan)\n";
  if (info.maxBatch)
    os << " * batch  1 to " << info.maxBatch
       << " per run: dimension 0 of every input and output (shapes and\n"
       << " *        _ELEMENTS below are one sample's; the runtime runs the "
          "samples)\n";
  auto describeTensor = [&](StringRef what, size_t i,
                            const ModelDescriptorInfo::Tensor &t) {
    os << " * " << what << " " << i << ": " << cCommentText(t.name) << " "
       << dtypeName(t.dtype) << " [";
    llvm::interleave(t.shape, os, ",");
    os << "], row-major\n";
  };
  for (auto [i, t] : llvm::enumerate(info.inputs))
    describeTensor("input ", i, t);
  for (auto [i, t] : llvm::enumerate(info.outputs))
    describeTensor("output", i, t);
  os << " * (names in comments: bytes other than letters, digits and "
        "\" _-.,:[]=+\" shown as '_';\n"
     << " *  the exact names are the _NAME string literals below)\n"
     << " *\n * Run it with libqcrt (qc_runtime.h): qc_model_create(&"
     << info.name << "_desc, ...), qc_session_create, qc_session_run.\n"
     << " */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include \"qc_model_abi.h\"\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "extern const qc_model_desc " << info.name << "_desc;\n\n";
  if (info.maxBatch)
    os << "#define " << upper << "_MAX_BATCH " << info.maxBatch << "\n";
  auto macros = [&](StringRef what, size_t i,
                    const ModelDescriptorInfo::Tensor &t) {
    os << "#define " << upper << "_" << what << i << "_ELEMENTS "
       << product(t.shape) << "\n";
    os << "#define " << upper << "_" << what << i << "_NAME "
       << cStringLiteral(t.name) << "\n";
  };
  for (auto [i, t] : llvm::enumerate(info.inputs))
    macros("INPUT", i, t);
  for (auto [i, t] : llvm::enumerate(info.outputs))
    macros("OUTPUT", i, t);
  os << "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return text;
}


} // namespace

//===----------------------------------------------------------------------===//
// The descriptor's contents (qc-lower-model fills them while emitting)
//===----------------------------------------------------------------------===//

ModelDescriptorInfo ModelBuilder::describe() {
  ModelDescriptorInfo info;
  info.name = options.name;
  info.requiredIsa = ::qc::codegen::getTarget(isas.back()).requiredIsaBits;
  auto tensor = [&](Type t, StringAttr name, const std::string &fallback) {
    auto rt = cast<RankedTensorType>(t);
    ModelDescriptorInfo::Tensor d;
    d.name = name ? name.str() : fallback;
    d.dtype = toDtype(rt.getElementType());
    d.shape.assign(rt.getShape().begin(), rt.getShape().end());
    return d;
  };
  for (unsigned i = 0; i < src.getNumArguments(); ++i)
    info.inputs.push_back(
        tensor(src.getArgument(i).getType(),
               src.getArgAttrOfType<StringAttr>(i, "qc.name"),
               "input" + std::to_string(i)));
  for (unsigned i = 0; i < src.getNumResults(); ++i)
    info.outputs.push_back(
        tensor(src.getFunctionType().getResult(i),
               src.getResultAttrOfType<StringAttr>(i, "qc.name"),
               "output" + std::to_string(i)));
  info.arenaSize = static_cast<uint64_t>(arenaBytes);
  info.arenaAlignment = QC_ARENA_DEFAULT_ALIGNMENT;
  for (const ArenaBuffer &buf : buffers)
    info.buffers.push_back({buf.name, static_cast<uint64_t>(buf.offset),
                            static_cast<uint64_t>(buf.bytes)});
  return info;
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

} // namespace mlir::qc::model_codegen

namespace mlir::qc {

DictionaryAttr encodeModelInfo(MLIRContext *context, const ModelInfo &info) {
  Builder b(context);
  auto i64 = [&](uint64_t v) {
    return b.getI64IntegerAttr(static_cast<int64_t>(v));
  };
  auto tensors = [&](const std::vector<ModelDescriptorInfo::Tensor> &list) {
    SmallVector<Attribute> out;
    for (const ModelDescriptorInfo::Tensor &t : list)
      out.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("name", b.getStringAttr(t.name)),
           b.getNamedAttr("dtype", b.getI32IntegerAttr(t.dtype)),
           b.getNamedAttr("shape", b.getDenseI64ArrayAttr(t.shape))}));
    return b.getArrayAttr(out);
  };
  SmallVector<Attribute> targets, buffers;
  for (::qc::codegen::GemmIsa isa : info.isas)
    targets.push_back(
        b.getStringAttr(::qc::codegen::getTarget(isa).name.data()));
  for (const ModelDescriptorInfo::Buffer &buf : info.descriptor.buffers)
    buffers.push_back(b.getDictionaryAttr(
        {b.getNamedAttr("name", b.getStringAttr(buf.name)),
         b.getNamedAttr("offset", i64(buf.offset)),
         b.getNamedAttr("size", i64(buf.size))}));
  SmallVector<Attribute> steps, variants;
  for (const ModelDescriptorInfo::Step &st : info.descriptor.steps)
    steps.push_back(b.getDictionaryAttr(
        {b.getNamedAttr("kind", b.getStringAttr(st.kind)),
         b.getNamedAttr("name", b.getStringAttr(st.name)),
         b.getNamedAttr("shapes", b.getStringAttr(st.shapes)),
         b.getNamedAttr("macs", i64(st.macs)),
         b.getNamedAttr("bytes", i64(st.bytes))}));
  for (const ModelDescriptorInfo::Variant &v : info.descriptor.variants)
    variants.push_back(b.getDictionaryAttr(
        {b.getNamedAttr("name", b.getStringAttr(v.name)),
         b.getNamedAttr("required_isa", i64(v.requiredIsa)),
         b.getNamedAttr("int8_macs_per_cycle", i64(v.int8MacsPerCycle))}));
  const ModelDescriptorInfo &d = info.descriptor;
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("name", b.getStringAttr(d.name)),
      b.getNamedAttr("source", b.getStringAttr(info.source)),
      b.getNamedAttr("targets", b.getArrayAttr(targets)),
      b.getNamedAttr("required_isa", i64(d.requiredIsa)),
      b.getNamedAttr("inputs", tensors(d.inputs)),
      b.getNamedAttr("outputs", tensors(d.outputs)),
      b.getNamedAttr("arena_size", i64(d.arenaSize)),
      b.getNamedAttr("arena_alignment", i64(d.arenaAlignment)),
      b.getNamedAttr("buffers", b.getArrayAttr(buffers)),
      b.getNamedAttr("steps", b.getI64IntegerAttr(info.steps)),
      b.getNamedAttr("step_table", b.getArrayAttr(steps)),
      b.getNamedAttr("variants", b.getArrayAttr(variants)),
      b.getNamedAttr("constant_bytes", i64(info.constantBytes)),
      b.getNamedAttr("float_weight_bytes", i64(info.floatWeightBytes))};
  // max_batch only when there is one (a missing key reads as 0).
  if (d.maxBatch)
    fields.push_back(b.getNamedAttr("max_batch", i64(d.maxBatch)));
  return b.getDictionaryAttr(fields);
}

FailureOr<ModelInfo> getModelInfo(ModuleOp module) {
  auto fail = [&](const Twine &what) {
    return module.emitError()
           << "qc compile: 'qc.model' " << what
           << "; run qc-lower-model first (or fix the attribute)";
  };
  auto attr = module->getAttrOfType<DictionaryAttr>("qc.model");
  if (!attr)
    return fail("is missing");
  ModelInfo info;
  ModelDescriptorInfo &d = info.descriptor;
  auto getU64 = [&](DictionaryAttr dict, StringRef key,
                    uint64_t &out) -> bool {
    auto a = dict.getAs<IntegerAttr>(key);
    if (!a || a.getInt() < 0)
      return false;
    out = static_cast<uint64_t>(a.getInt());
    return true;
  };
  auto getString = [&](DictionaryAttr dict, StringRef key,
                       std::string &out) -> bool {
    auto a = dict.getAs<StringAttr>(key);
    if (!a)
      return false;
    out = a.str();
    return true;
  };
  auto getTensors = [&](StringRef key,
                        std::vector<ModelDescriptorInfo::Tensor> &out) {
    auto list = attr.getAs<ArrayAttr>(key);
    if (!list)
      return false;
    for (Attribute a : list) {
      auto t = dyn_cast<DictionaryAttr>(a);
      auto dtype = t ? t.getAs<IntegerAttr>("dtype") : IntegerAttr();
      auto shape = t ? t.getAs<DenseI64ArrayAttr>("shape") : DenseI64ArrayAttr();
      ModelDescriptorInfo::Tensor tensor;
      if (!t || !dtype || !shape || !getString(t, "name", tensor.name))
        return false;
      tensor.dtype = static_cast<int32_t>(dtype.getInt());
      tensor.shape.assign(shape.asArrayRef().begin(), shape.asArrayRef().end());
      out.push_back(std::move(tensor));
    }
    return true;
  };
  uint64_t steps = 0;
  if (!getString(attr, "name", d.name) || !isModelName(d.name))
    return fail("needs a name that is a C identifier");
  getString(attr, "source", info.source);
  auto targets = attr.getAs<ArrayAttr>("targets");
  if (!targets || targets.empty())
    return fail("needs targets");
  for (Attribute a : targets) {
    auto s = dyn_cast<StringAttr>(a);
    std::optional<::qc::codegen::GemmIsa> isa =
        s ? ::qc::codegen::parseGemmIsa(s.getValue().str()) : std::nullopt;
    if (!isa)
      return fail("names an unknown target");
    info.isas.push_back(*isa);
  }
  if (!getU64(attr, "required_isa", d.requiredIsa) ||
      !getU64(attr, "arena_size", d.arenaSize) ||
      !getU64(attr, "arena_alignment", d.arenaAlignment) ||
      !getU64(attr, "steps", steps) ||
      !getU64(attr, "constant_bytes", info.constantBytes) ||
      !getU64(attr, "float_weight_bytes", info.floatWeightBytes))
    return fail("needs required_isa, arena_size, arena_alignment, steps, "
                "constant_bytes and float_weight_bytes (integers >= 0)");
  info.steps = static_cast<int64_t>(steps);
  // max_batch: absent in a qc.model written before it existed (0).
  if (attr.get("max_batch")) {
    uint64_t maxBatch = 0;
    if (!getU64(attr, "max_batch", maxBatch) || maxBatch > INT32_MAX)
      return fail("needs max_batch in [0, 2^31 - 1]");
    d.maxBatch = static_cast<uint32_t>(maxBatch);
  }
  if (!getTensors("inputs", d.inputs) || !getTensors("outputs", d.outputs))
    return fail("needs inputs and outputs as [{name, dtype, shape}]");
  auto buffers = attr.getAs<ArrayAttr>("buffers");
  if (!buffers)
    return fail("needs buffers");
  for (Attribute a : buffers) {
    auto t = dyn_cast<DictionaryAttr>(a);
    ModelDescriptorInfo::Buffer buf;
    if (!t || !getString(t, "name", buf.name) ||
        !getU64(t, "offset", buf.offset) || !getU64(t, "size", buf.size))
      return fail("needs buffers as [{name, offset, size}]");
    d.buffers.push_back(std::move(buf));
  }
  // The step table and variants (absent in modules lowered before qc 0.3.0:
  // then the descriptor has none).
  if (auto table = attr.getAs<ArrayAttr>("step_table")) {
    for (Attribute a : table) {
      auto t = dyn_cast<DictionaryAttr>(a);
      ModelDescriptorInfo::Step st;
      if (!t || !getString(t, "kind", st.kind) ||
          !getString(t, "name", st.name) ||
          !getString(t, "shapes", st.shapes) || !getU64(t, "macs", st.macs) ||
          !getU64(t, "bytes", st.bytes))
        return fail("needs step_table as [{kind, name, shapes, macs, bytes}]");
      d.steps.push_back(std::move(st));
    }
  }
  if (auto variants = attr.getAs<ArrayAttr>("variants")) {
    for (Attribute a : variants) {
      auto t = dyn_cast<DictionaryAttr>(a);
      ModelDescriptorInfo::Variant v;
      if (!t || !getString(t, "name", v.name) ||
          !getU64(t, "required_isa", v.requiredIsa) ||
          !getU64(t, "int8_macs_per_cycle", v.int8MacsPerCycle))
        return fail("needs variants as [{name, required_isa, "
                    "int8_macs_per_cycle}]");
      d.variants.push_back(std::move(v));
    }
  }
  return info;
}

std::string getModelHeader(const ModelInfo &info) {
  return model_codegen::header(info);
}

namespace {
struct AddModelDescriptorPass
    : impl::QCAddModelDescriptorBase<AddModelDescriptorPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<ModelInfo> info = getModelInfo(module);
    if (failed(info))
      return signalPassFailure();
    std::string entry = info->descriptor.name + "_entry";
    if (!module.lookupSymbol(entry)) {
      module.emitError() << "qc compile: the module has no '" << entry
                         << "' for the descriptor to point at";
      return signalPassFailure();
    }
    if (module.lookupSymbol(info->descriptor.name + "_desc")) {
      module.emitError() << "qc compile: the module already has '"
                         << info->descriptor.name << "_desc'";
      return signalPassFailure();
    }
    model_codegen::addDescriptor(module, info->descriptor);
    if (failed(verify(module)))
      signalPassFailure();
  }
};
} // namespace

} // namespace mlir::qc
