//===- ModelCodegen.h - A whole integer program as one native function ----===//
//
// `qc compile`'s code generator, as passes (Passes.td; buildCompilePipeline
// chains them): qc-plan-memory (MemoryPlan.cpp) places every tensor and
// writes the plan as attributes, qc-lower-model (LowerModel.cpp, one file
// per op family) lowers the planned entry function of a program in the
// qc-lower-to-integer form, qc-lower-model-to-llvm (LowerModelToLLVM.cpp)
// converts to the LLVM dialect, qc-add-model-descriptor
// (ModelDescriptor.cpp) adds the descriptor. The result is a module that
// holds
//   - the int8 GEMM kernels of one instruction set (GemmKernel.h),
//   - every constant, packed at compile time into the kernels' tile layout
//     (zero-point corrections folded into the bias),
//   - float32 loops for the float ops it keeps (bit-identical to the
//     reference executor; the Float*.cpp families),
//   - one function per parallel step (called through the runtime's
//     parallel_for) and an entry function that runs the steps in order on a
//     static arena plan (activations NHWC inside; the model's inputs and
//     outputs keep their row-major layout),
//   - the exported `qc_model_desc` of runtime/include/qc_model_abi.h,
// plus the C header that declares the descriptor. See docs/codegen.md.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PASSES_CODEGEN_MODELCODEGEN_H
#define QC_PASSES_CODEGEN_MODELCODEGEN_H

#include "passes/Codegen/GemmKernel.h"
#include "passes/Codegen/GemmLayout.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LogicalResult.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::qc {

struct ModelCodegenOptions {
  /// The GEMM kernels' instruction sets, best first. One: the whole module
  /// is compiled for it. Several: one artifact holding a copy of the model
  /// per variant (each function compiled for its own ISA) and an entry that
  /// picks the first one the CPU supports at run time; the descriptor
  /// requires the last.
  std::vector<::qc::codegen::GemmIsa> isas = {
      ::qc::codegen::GemmIsa::X86Avx512Vnni};
  /// A C identifier: the descriptor is `<name>_desc`.
  std::string name = "model";
  /// Where the model came from (for the header's comment).
  std::string source;
  /// `--float-fma`: the float dot products (conv, linear, matmul, transposed
  /// conv) as fused multiply-adds, one rounding per step instead of two. Not
  /// bit-identical with the reference executor, hence opt-in.
  bool floatFma = false;
};

/// The `qc_model_desc` (runtime/include/qc_model_abi.h) a compiled model
/// exports, as plain data: the global in the object is built from it, and
/// `qc compile` checks it with libqcrt's qc_model_validate.
struct ModelDescriptorInfo {
  struct Tensor {
    /// The program's name of the tensor, byte for byte (any bytes but NUL).
    std::string name;
    int32_t dtype = 0; // a qc_dtype
    std::vector<int64_t> shape;
  };
  struct Buffer {
    std::string name;
    uint64_t offset = 0, size = 0;
  };
  /// One step of the entry function (qc_step_desc): what profiles report.
  struct Step {
    std::string kind, name, shapes;
    uint64_t macs = 0, bytes = 0;
  };
  /// One code variant, best first (qc_variant_desc).
  struct Variant {
    std::string name;
    uint64_t requiredIsa = 0, int8MacsPerCycle = 0;
  };
  std::string name;
  uint64_t requiredIsa = 0;
  std::vector<Tensor> inputs, outputs;
  uint64_t arenaSize = 0, arenaAlignment = 0;
  std::vector<Buffer> buffers;
  std::vector<Step> steps;
  std::vector<Variant> variants;
  /// `max_batch`: 0, or N when the shapes above are one sample's and a run
  /// takes 1..N of them (qc compile --max-batch).
  uint32_t maxBatch = 0;
};

/// Most bytes one tensor (and the whole arena) of a compiled model may take:
/// 2^40 (1 TiB). Larger sizes, and sizes whose computation overflows int64,
/// are a compile error rather than a wrapped number in the plan.
constexpr int64_t kMaxCompiledTensorBytes = int64_t{1} << 40;

/// Most bytes of one constant (weights, biases, tables) qc compile reads into
/// memory to pack: 2^31.
constexpr int64_t kMaxCompiledConstantBytes = int64_t{1} << 31;

/// \p s as a C string literal (with the quotes): printable ASCII except
/// `"`, `\` and `?` as is, everything else as a three-digit octal escape,
/// so any bytes (newlines, `*/`, quotes, non-ASCII, trigraphs) stay data.
std::string cStringLiteral(StringRef s);

/// \p s for a C comment: letters, digits, ' ', '_', '-', '.', ',', ':',
/// '[', ']', '=' and '+' as is, every other byte (including '*' and '/') as
/// '_', so the text can neither end the comment nor open a nested one.
std::string cCommentText(StringRef s);

/// What a lowered model module says about itself: the `qc.model` module
/// attribute qc-lower-model writes and qc-lower-model-to-llvm,
/// qc-add-model-descriptor and qc compile read.
struct ModelInfo {
  /// The exported descriptor's contents (name, ISA bits, I/O, plan).
  ModelDescriptorInfo descriptor;
  /// The variants in the module, best first (the descriptor requires the
  /// last).
  std::vector<::qc::codegen::GemmIsa> isas;
  /// Where the model came from (the header's comment).
  std::string source;
  /// Bytes of the constants in the object (packed weights, biases,
  /// multipliers) and of the same weights and biases as float32.
  uint64_t constantBytes = 0, floatWeightBytes = 0;
  /// Steps of the entry function (one per op that does work).
  int64_t steps = 0;
};

/// `qc.model` of \p info, and back. getModelInfo emits an error at the
/// module when the attribute is missing or malformed.
DictionaryAttr encodeModelInfo(MLIRContext *context, const ModelInfo &info);
FailureOr<ModelInfo> getModelInfo(ModuleOp module);

/// The C header declaring `<name>_desc` of a compiled model.
std::string getModelHeader(const ModelInfo &info);

/// The entry function of a program: `@main`, or the module's only function.
/// Emits an error at the module otherwise.
FailureOr<func::FuncOp> getEntryFunction(ModuleOp module);

/// Whether \p name is a C identifier (ASCII letters, digits, '_', not
/// starting with a digit), as a model name must be.
bool isModelName(StringRef name);

} // namespace mlir::qc

#endif // QC_PASSES_CODEGEN_MODELCODEGEN_H
