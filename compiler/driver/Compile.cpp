//===- Compile.cpp - qc compile: an integer program to one object file ----===//
#include "compiler/driver/Compile.h"

#include "compiler/driver/Driver.h"
#include "dialects/qc/IR/QCOps.h"
#include "support/MemoryLimit.h"
#include "passes/Codegen/GemmKernel.h"
#include "passes/Codegen/ModelCodegen.h"
#include "passes/Codegen/Target.h"
#include "passes/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "runtime/include/qc_runtime.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <optional>

namespace mlir::qc {

using ::qc::codegen::GemmIsa;

const char *const kCompileTargets = ::qc::codegen::kTargetNames;

FailureOr<std::vector<GemmIsa>> resolveCompileTarget(StringRef target,
                                                    std::string &error) {
  // `host`: the best target whose ISA bits libqcrt's detection reports, so
  // host never picks code the runtime would refuse (QC_DISABLE_ISA included).
  std::optional<std::vector<GemmIsa>> isas =
      ::qc::codegen::resolveTargetName(target.str(), qc_cpu_features(), error);
  if (!isas)
    return failure();
  return *isas;
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
  desc.max_batch = info.maxBatch;
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
            desc->struct_size >= sizeof(qc_model_desc) &&
            desc->max_batch == info.maxBatch &&
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
  if (!isModelName(options.name))
    return module.emitError() << "qc compile: the model name '" << options.name
                              << "' is not a C identifier";

  // Run-time integer / bool / f64 tensors (and the ops on them) run in the
  // reference executor only: refuse them by name before any pass.
  WalkResult typed = module.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (auto func = dyn_cast<func::FuncOp>(op)) {
      for (BlockArgument arg : func.getArguments()) {
        auto type = dyn_cast<RankedTensorType>(arg.getType());
        Type e = type ? type.getElementType() : Type();
        if (e && (e.isInteger(1) || e.isF64())) {
          auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                        "qc.name");
          func.emitError() << "qc compile: input '"
                           << (name ? name.str()
                                    : "arg" + std::to_string(
                                                  arg.getArgNumber()))
                           << "' is " << arg.getType()
                           << "; compiled models take f32 inputs, int64 / "
                              "int32 token ids (for qc.gather) and the ui8 / "
                              "i8 / i32 of quantized programs; run a model "
                              "with bool or f64 inputs with `qc run`";
          return WalkResult::interrupt();
        }
      }
      return WalkResult::advance();
    }
    // qc.gather (an embedding lookup at run-time ids), qc.compare and
    // qc.select (masks inside the model) have native code.
    if (isa<CastOp, LogicalOp, NotOp, ArithOp, GatherElementsOp, NllLossOp,
            TriluOp>(op)) {
      op->emitError() << "qc compile: '" << op->getName()
                      << "' computes on tensors of any element type (run-time "
                         "integers, booleans, f64), which qc runs in the "
                         "reference executor only (`qc run`); it has no "
                         "native code";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (typed.wasInterrupted())
    return failure();

  MLIRContext *context = module.getContext();
  DialectRegistry registry;
  registerCodegenDialects(registry);
  context->appendDialectRegistry(registry);
  context->loadAllAvailableDialects();

  // qc compile's passes (buildCompilePipeline, also qc-opt's --qc-compile)
  // on a copy: the caller's program stays as it is. The pass-manager flags
  // (--mlir-print-ir-after-all, --mlir-timing, ...) apply.
  OwningOpRef<ModuleOp> work = module.clone();
  PassManager pm(context, ModuleOp::getOperationName());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  TimingScope timingScope = timing.getRootScope();
  pm.enableTiming(timingScope);
  // The target as resolved here (`host` named once).
  CompileOptions resolved = options;
  if (isas->size() == 1)
    resolved.target = std::string(::qc::codegen::getTarget(isas->front()).name);
  buildCompilePipeline(pm, resolved);
  if (failed(pm.run(*work)))
    return failure();
  FailureOr<ModelInfo> info = getModelInfo(*work);
  if (failed(info))
    return failure();
  // The module's default target is the weakest variant's; the functions of
  // the others carry their own.
  TimingScope emitTiming = timingScope.nest("emit the object");
  FailureOr<std::string> object =
      emitLLVMDialectModule(*work, getModelTargetSpec(info->isas.back()),
                            EmitKind::Object, &emitTiming);
  emitTiming.stop();
  if (failed(object))
    return failure();
  // Never an artifact the runtime would refuse: libqcrt's own validation of
  // the descriptor, and where this process can link the object (same
  // architecture), of the descriptor as the object really holds it.
  if (!validateDescriptorInfo(info->descriptor, error))
    return module.emitError()
           << "qc compile: internal error: the model descriptor fails "
              "libqcrt's validation: "
           << error;
  llvm::Triple objectTriple(
      std::string(::qc::codegen::getTarget(isas->front()).triple));
  if (llvm::Triple(llvm::sys::getProcessTriple()).getArch() ==
      objectTriple.getArch()) {
    std::unique_ptr<LoadedModel> loaded =
        LoadedModel::load(*object, options.name, error);
    if (!loaded || !validateLoadedDescriptor(loaded->descriptor(),
                                             info->descriptor, error))
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
  out.header = getModelHeader(*info);
  out.arenaBytes = info->descriptor.arenaSize;
  out.constantBytes = info->constantBytes;
  out.floatWeightBytes = info->floatWeightBytes;
  out.steps = info->steps;
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
  // cap (--max-memory) before any of them is allocated. A dynamic batch:
  // max_batch samples of each tensor, and one arena per thread that runs
  // samples (libqcrt: min(threads, max_batch)).
  uint64_t samples = desc->max_batch ? desc->max_batch : 1, lanes = 1;
  if (desc->max_batch) {
    uint64_t n = threads > 0 ? static_cast<uint64_t>(threads)
                             : std::max(1u, std::thread::hardware_concurrency());
    if (threads <= 0)
      if (const char *env = std::getenv("QC_NUM_THREADS"); env && *env)
        n = std::max<long long>(1, std::atoll(env));
    lanes = std::min<uint64_t>(n, samples);
  }
  uint64_t need = 0;
  bool overflow = __builtin_mul_overflow(desc->arena_size, lanes, &need);
  for (uint32_t i = 0; i < desc->num_inputs + desc->num_outputs; ++i) {
    const qc_tensor_desc &d = i < desc->num_inputs
                                  ? desc->inputs[i]
                                  : desc->outputs[i - desc->num_inputs];
    uint64_t bytes = 0;
    overflow |= __builtin_mul_overflow(qc_tensor_desc_size_bytes(&d), samples,
                                       &bytes);
    overflow |= __builtin_add_overflow(need, bytes, &need);
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

bool LoadedModel::setProfiling(bool enabled, std::string &error) {
  if (qc_status st = qc_session_set_profiling(impl->session, enabled ? 1 : 0);
      st != QC_STATUS_OK) {
    error = runtimeError(st);
    return false;
  }
  return true;
}

bool LoadedModel::printProfile(FILE *out, bool csv, std::string &error) {
  if (qc_status st = qc_session_print_profile(
          impl->session, out, csv ? QC_PROFILE_CSV : QC_PROFILE_TABLE);
      st != QC_STATUS_OK) {
    error = runtimeError(st);
    return false;
  }
  return true;
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
  // A dynamic batch: dimension 0 of input 0, the same for every tensor.
  int64_t batch = 1;
  if (desc->max_batch && !inputs.empty() && !inputs[0].shape.empty())
    batch = inputs[0].shape[0];
  if (desc->max_batch && (batch < 1 || batch > desc->max_batch)) {
    error = "input '" + std::string(desc->inputs[0].name) + "' has a batch of " +
            std::to_string(batch) + " (dimension 0); the compiled model takes 1 "
            "to " + std::to_string(desc->max_batch) + " (--max-batch)";
    return false;
  }
  auto shapeOf = [&](const qc_tensor_desc &d) {
    std::vector<int64_t> shape(d.shape, d.shape + d.rank);
    if (desc->max_batch)
      shape[0] = batch;
    return shape;
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    const qc_tensor_desc &d = desc->inputs[i];
    std::optional<::qc::DType> type = ::qc::dtypeFromAbiCode(d.dtype);
    if (!type || *type != inputs[i].dtype) {
      error = "input '" + std::string(d.name) + "' must be " +
              (type ? std::string(::qc::dtypeName(*type)) : "?") + ", got " +
              std::string(::qc::dtypeName(inputs[i].dtype));
      return false;
    }
    if (inputs[i].shape != shapeOf(d)) {
      error = "input '" + std::string(d.name) +
              "' has a different shape than the compiled model's";
      return false;
    }
    in[i].dtype = d.dtype;
    in[i].rank = d.rank;
    in[i].shape = inputs[i].shape.data();
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
    outputs[i].shape = shapeOf(d);
    outputs[i].data.resize(qc_tensor_desc_size_bytes(&d) *
                           static_cast<uint64_t>(batch));
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
               "is NaN, or one it quantizes dynamically is not finite: status "
               "1; or when the int32 accumulator of an op with int16 inputs "
               "overflows, as the reference executor reports it: status 2; "
               "or when a qc.gather index (a token id) is out of range for "
               "its table: status 4)";
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
