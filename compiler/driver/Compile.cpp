//===- Compile.cpp - qc compile: an integer program to one object file ----===//
#include "compiler/driver/Compile.h"

#include "compiler/driver/Driver.h"
#include "support/MemoryLimit.h"
#include "passes/Codegen/GemmKernel.h"
#include "passes/Codegen/ModelCodegen.h"
#include "passes/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "runtime/include/qc_runtime.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <chrono>
#include <mutex>
#include <optional>

namespace mlir::qc {

using ::qc::codegen::GemmIsa;

static FailureOr<GemmIsa> resolveHost(std::string &error);

const char *const kCompileTargets =
    "host, x86-64, x86-64-avx2, x86-64-avxvnni, x86-64-avx512vnni, "
    "aarch64-dotprod, aarch64-i8mm";

FailureOr<std::vector<GemmIsa>> resolveCompileTarget(StringRef target,
                                                    std::string &error) {
  // x86-64: the three x86 variants in one artifact, best first.
  if (target == "x86-64")
    return std::vector<GemmIsa>{GemmIsa::X86Avx512Vnni, GemmIsa::X86AvxVnni,
                                GemmIsa::X86Avx2};
  if (target != "host") {
    if (target == "aarch64")
      target = "aarch64-dotprod";
    std::optional<GemmIsa> isa = ::qc::codegen::parseGemmIsa(target.str());
    if (!isa) {
      error = ("unknown target '" + target + "'; expected one of " +
               kCompileTargets)
                  .str();
      return failure();
    }
    return std::vector<GemmIsa>{*isa};
  }
  FailureOr<GemmIsa> host = resolveHost(error);
  if (failed(host))
    return failure();
  return std::vector<GemmIsa>{*host};
}

static FailureOr<GemmIsa> resolveHost(std::string &error) {
  llvm::Triple triple(llvm::sys::getProcessTriple());
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  auto has = [&](StringRef f) { return features.lookup(f); };
  if (triple.isX86()) {
    bool v3 = has("avx2") && has("fma") && has("bmi2");
    if (v3 && has("avx512f") && has("avx512bw") && has("avx512vl") &&
        has("avx512dq") && has("avx512cd") && has("avx512vnni"))
      return GemmIsa::X86Avx512Vnni;
    if (v3 && has("avxvnni"))
      return GemmIsa::X86AvxVnni;
    if (v3)
      return GemmIsa::X86Avx2;
    error = "this x86-64 CPU lacks AVX2/FMA/BMI2, which every qc x86 target "
            "needs";
    return failure();
  }
  if (triple.isAArch64()) {
    if (has("i8mm") && has("dotprod"))
      return GemmIsa::Aarch64I8mm;
    if (has("dotprod"))
      return GemmIsa::Aarch64Dotprod;
    error = "this AArch64 CPU lacks the dot-product extension, which every "
            "qc AArch64 target needs";
    return failure();
  }
  error = "no qc target for host '" + triple.str() + "'";
  return failure();
}

namespace {
std::string runtimeError(qc_status status);

/// Never called: a descriptor needs an entry to be valid.
int32_t noEntry(const qc_exec_context *, void *, const void *const *,
                void *const *) {
  return 1;
}

/// Runs libqcrt's own check (qc_model_validate) on the descriptor \p info
/// describes, as a C struct in this process.
bool validateDescriptorInfo(const ModelDescriptorInfo &info,
                            std::string &error) {
  auto tensors = [](const std::vector<ModelDescriptorInfo::Tensor> &in) {
    std::vector<qc_tensor_desc> out;
    for (const ModelDescriptorInfo::Tensor &t : in)
      out.push_back({t.name.c_str(), t.dtype,
                     static_cast<int32_t>(t.shape.size()), t.shape.data()});
    return out;
  };
  std::vector<qc_tensor_desc> inputs = tensors(info.inputs),
                              outputs = tensors(info.outputs);
  std::vector<qc_arena_buffer> buffers;
  for (const ModelDescriptorInfo::Buffer &b : info.buffers)
    buffers.push_back({b.name.c_str(), b.offset, b.size});
  qc_model_desc desc = {};
  desc.abi_version = QC_MODEL_ABI_VERSION;
  desc.struct_size = sizeof(qc_model_desc);
  desc.name = info.name.c_str();
  desc.required_isa = info.requiredIsa;
  desc.num_inputs = static_cast<uint32_t>(inputs.size());
  desc.num_outputs = static_cast<uint32_t>(outputs.size());
  desc.inputs = inputs.data();
  desc.outputs = outputs.data();
  desc.arena_size = info.arenaSize;
  desc.arena_alignment = info.arenaAlignment;
  desc.num_buffers = static_cast<uint32_t>(buffers.size());
  desc.buffers = buffers.data();
  desc.entry = noEntry;
  if (info.inputs.size() > QC_MAX_IO || info.outputs.size() > QC_MAX_IO ||
      info.buffers.size() > UINT32_MAX) {
    error = "too many inputs, outputs or arena buffers";
    return false;
  }
  if (qc_status st = qc_model_validate(&desc); st != QC_STATUS_OK) {
    error = runtimeError(st);
    return false;
  }
  return true;
}

/// The descriptor the object exports, as linked: libqcrt's check, and
/// field by field what \p info says.
bool validateLoadedDescriptor(const qc_model_desc *desc,
                              const ModelDescriptorInfo &info,
                              std::string &error) {
  if (qc_status st = qc_model_validate(desc); st != QC_STATUS_OK) {
    error = runtimeError(st);
    return false;
  }
  auto same = [](const qc_tensor_desc *d, uint32_t n,
                 const std::vector<ModelDescriptorInfo::Tensor> &want) {
    if (n != want.size())
      return false;
    for (uint32_t i = 0; i < n; ++i)
      if (!d[i].name || want[i].name != d[i].name ||
          d[i].dtype != want[i].dtype ||
          d[i].rank != static_cast<int32_t>(want[i].shape.size()) ||
          !std::equal(want[i].shape.begin(), want[i].shape.end(),
                      d[i].shape))
        return false;
    return true;
  };
  bool ok = desc->name && info.name == desc->name &&
            desc->required_isa == info.requiredIsa &&
            desc->arena_size == info.arenaSize &&
            desc->arena_alignment == info.arenaAlignment &&
            desc->num_buffers == info.buffers.size() &&
            same(desc->inputs, desc->num_inputs, info.inputs) &&
            same(desc->outputs, desc->num_outputs, info.outputs);
  for (uint32_t i = 0; ok && i < desc->num_buffers; ++i)
    ok = desc->buffers[i].offset == info.buffers[i].offset &&
         desc->buffers[i].size == info.buffers[i].size;
  if (!ok)
    error = "the object's qc_model_desc differs from the plan";
  return ok;
}
} // namespace

FailureOr<CompiledModel> compileModel(ModuleOp module,
                                      const CompileOptions &options) {
  auto start = std::chrono::steady_clock::now();
  std::string error;
  FailureOr<std::vector<GemmIsa>> isas =
      resolveCompileTarget(options.target, error);
  if (failed(isas))
    return module.emitError() << "qc compile: " << error;
  // ASCII letters, digits and '_' only (llvm::isAlpha / isAlnum do not
  // depend on the locale or on the sign of char).
  if (options.name.empty() ||
      !(llvm::isAlpha(options.name[0]) || options.name[0] == '_') ||
      !llvm::all_of(options.name,
                    [](char c) { return llvm::isAlnum(c) || c == '_'; }))
    return module.emitError() << "qc compile: the model name '" << options.name
                              << "' is not a C identifier";

  MLIRContext *context = module.getContext();
  DialectRegistry registry;
  registerCodegenDialects(registry);
  context->appendDialectRegistry(registry);
  context->loadAllAvailableDialects();

  // The integer form (a no-op on a program that is in it already).
  PassManager pm(module->getName());
  pm.nest<func::FuncOp>().addPass(createQCLowerToInteger());
  if (failed(pm.run(module)))
    return failure();
  FailureOr<func::FuncOp> func = getEntryFunction(module);
  if (failed(func))
    return failure();

  ModelCodegenOptions codegen;
  codegen.isas = *isas;
  codegen.name = options.name;
  codegen.source = options.source;
  FailureOr<ModelCodegenResult> result = buildModelModule(*func, codegen);
  if (failed(result))
    return failure();
  // The module's default target is the weakest variant's; the functions of
  // the others carry their own.
  FailureOr<std::string> object = emitLLVMDialectModule(
      *result->module, getModelTargetSpec(isas->back()), EmitKind::Object);
  if (failed(object))
    return failure();
  // Never an artifact the runtime would refuse: libqcrt's own validation of
  // the descriptor, and where this process can link the object (same
  // architecture), of the descriptor as the object really holds it.
  if (!validateDescriptorInfo(result->descriptor, error))
    return module.emitError()
           << "qc compile: internal error: the model descriptor fails "
              "libqcrt's validation: "
           << error;
  llvm::Triple objectTriple(
      std::string(::qc::codegen::getGemmIsaInfo(isas->front()).triple));
  if (llvm::Triple(llvm::sys::getProcessTriple()).getArch() ==
      objectTriple.getArch()) {
    std::unique_ptr<LoadedModel> loaded =
        LoadedModel::load(*object, options.name, error);
    if (!loaded || !validateLoadedDescriptor(loaded->descriptor(),
                                             result->descriptor, error))
      return module.emitError()
             << "qc compile: internal error: the compiled object's "
                "descriptor fails libqcrt's validation: "
             << error;
  }

  CompiledModel out;
  out.target = isas->size() == 1
                   ? std::string(::qc::codegen::getGemmIsaInfo(isas->front())
                                     .targetName)
                   : "x86-64 (avx512vnni | avxvnni | avx2 at run time)";
  out.object = std::move(*object);
  out.header = std::move(result->header);
  out.arenaBytes = result->arenaBytes;
  out.constantBytes = result->constantBytes;
  out.floatWeightBytes = result->floatWeightBytes;
  out.steps = result->steps;
  out.seconds = std::chrono::duration<double>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  return out;
}

struct LoadedModel::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  qc_model *model = nullptr;
  qc_session *session = nullptr;
  ~Impl() {
    qc_session_destroy(&session);
    qc_model_destroy(&model);
  }
};

LoadedModel::~LoadedModel() = default;

namespace {
std::string runtimeError(qc_status status) {
  std::string message = qc_status_string(status);
  if (const char *detail = qc_last_error_message(); detail && *detail)
    message += std::string(": ") + detail;
  return message;
}
} // namespace

bool LoadedModel::startSession(int threads, std::string &error) {
  // The arena and the input and output buffers must fit under the memory
  // cap (--max-memory) before any of them is allocated.
  uint64_t need = desc->arena_size;
  bool overflow = false;
  for (uint32_t i = 0; i < desc->num_inputs + desc->num_outputs; ++i) {
    const qc_tensor_desc &d = i < desc->num_inputs
                                  ? desc->inputs[i]
                                  : desc->outputs[i - desc->num_inputs];
    overflow |= __builtin_add_overflow(need, qc_tensor_desc_size_bytes(&d),
                                       &need);
  }
  int64_t cap = ::qc::maxMemory();
  if (overflow || need > static_cast<uint64_t>(cap)) {
    error = "its arena and input / output buffers need " +
            (overflow ? std::string("more than 2^64 bytes")
                      : ::qc::formatBytes(static_cast<int64_t>(
                            std::min<uint64_t>(need, INT64_MAX))) +
                            " (" + std::to_string(need) + " bytes)") +
            ", more than the memory cap of " + ::qc::formatBytes(cap) +
            " (raise it with --max-memory SIZE)";
    return false;
  }
  if (qc_status st = qc_model_create(desc, &impl->model); st != QC_STATUS_OK) {
    error = runtimeError(st);
    return false;
  }
  qc_session_options options;
  qc_session_options_init(&options);
  options.num_threads = threads;
  if (qc_status st = qc_session_create(impl->model, &options, &impl->session);
      st != QC_STATUS_OK) {
    error = runtimeError(st);
    return false;
  }
  return true;
}

int LoadedModel::threads() const {
  int32_t n = 0;
  if (impl->session)
    qc_session_get_num_threads(impl->session, &n);
  return n;
}

bool LoadedModel::run(const std::vector<::qc::NpyArray> &inputs,
                      std::vector<::qc::NpyArray> &outputs,
                      std::string &error) {
  if (inputs.size() != desc->num_inputs) {
    error = "the model has " + std::to_string(desc->num_inputs) +
            " inputs, got " + std::to_string(inputs.size());
    return false;
  }
  std::vector<qc_tensor> in(inputs.size()), out(desc->num_outputs);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const qc_tensor_desc &d = desc->inputs[i];
    std::optional<::qc::DType> type = ::qc::dtypeFromAbiCode(d.dtype);
    if (!type || *type != inputs[i].dtype) {
      error = "input '" + std::string(d.name) + "' must be " +
              (type ? std::string(::qc::dtypeName(*type)) : "?") + ", got " +
              std::string(::qc::dtypeName(inputs[i].dtype));
      return false;
    }
    if (inputs[i].shape !=
        std::vector<int64_t>(d.shape, d.shape + d.rank)) {
      error = "input '" + std::string(d.name) +
              "' has a different shape than the compiled model's";
      return false;
    }
    in[i].dtype = d.dtype;
    in[i].rank = d.rank;
    in[i].shape = d.shape;
    in[i].data = const_cast<uint8_t *>(inputs[i].data.data());
    in[i].size_bytes = inputs[i].data.size();
  }
  outputs.resize(desc->num_outputs);
  for (size_t i = 0; i < out.size(); ++i) {
    const qc_tensor_desc &d = desc->outputs[i];
    std::optional<::qc::DType> type = ::qc::dtypeFromAbiCode(d.dtype);
    if (!type) {
      error = "output '" + std::string(d.name) + "' has no .npy type";
      return false;
    }
    outputs[i].dtype = *type;
    outputs[i].shape.assign(d.shape, d.shape + d.rank);
    outputs[i].data.resize(qc_tensor_desc_size_bytes(&d));
    out[i].dtype = d.dtype;
    out[i].data = outputs[i].data.data();
    out[i].size_bytes = outputs[i].data.size();
  }
  qc_status st = qc_session_run(impl->session, in.data(),
                                static_cast<uint32_t>(in.size()), out.data(),
                                static_cast<uint32_t>(out.size()));
  if (st != QC_STATUS_OK) {
    error = runtimeError(st);
    if (st == QC_STATUS_MODEL_ERROR)
      error += " (qc's generated code fails a run when a value it quantizes "
               "is NaN, or one it quantizes dynamically is not finite)";
    return false;
  }
  return true;
}

std::unique_ptr<LoadedModel> LoadedModel::load(const std::string &object,
                                               const std::string &name,
                                               std::string &error) {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit) {
    error = "cannot start the JIT linker: " + llvm::toString(jit.takeError());
    return nullptr;
  }
  // memcpy / memset, which LLVM may call from generated loops.
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process) {
    error = llvm::toString(process.takeError());
    return nullptr;
  }
  (*jit)->getMainJITDylib().addGenerator(std::move(*process));
  if (llvm::Error e = (*jit)->addObjectFile(
          llvm::MemoryBuffer::getMemBufferCopy(object, name + ".o"))) {
    error = "cannot load the compiled object: " + llvm::toString(std::move(e));
    return nullptr;
  }
  auto symbol = (*jit)->lookup(name + "_desc");
  if (!symbol) {
    error = "the compiled object has no " + name +
            "_desc: " + llvm::toString(symbol.takeError());
    return nullptr;
  }
  std::unique_ptr<LoadedModel> model(new LoadedModel());
  model->impl = std::make_unique<Impl>();
  model->impl->jit = std::move(*jit);
  model->desc = symbol->toPtr<const qc_model_desc *>();
  return model;
}

} // namespace mlir::qc
