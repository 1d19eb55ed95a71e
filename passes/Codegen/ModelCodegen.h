//===- ModelCodegen.h - A whole integer program as one native function ----===//
//
// `qc compile`'s code generator: turns the entry function of a program
// lowered by qc-lower-to-integer into an LLVM-dialect module that holds
//   - the int8 GEMM kernels of one instruction set (GemmKernel.h),
//   - every constant, packed at compile time into the kernels' tile layout
//     (zero-point corrections folded into the bias),
//   - float32 loops for the float ops it keeps (bit-identical to the
//     reference executor; FloatCodegen.cpp),
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
  std::string name;
  uint64_t requiredIsa = 0;
  std::vector<Tensor> inputs, outputs;
  uint64_t arenaSize = 0, arenaAlignment = 0;
  std::vector<Buffer> buffers;
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

struct ModelCodegenResult {
  /// The whole model in the LLVM dialect, ready for emitLLVMDialectModule.
  OwningOpRef<ModuleOp> module;
  /// The C header declaring `<name>_desc`.
  std::string header;
  /// Bytes of the arena plan, of the constants in the object (packed weights,
  /// biases, multipliers) and of the same weights and biases as float32.
  uint64_t arenaBytes = 0;
  uint64_t constantBytes = 0;
  uint64_t floatWeightBytes = 0;
  /// Steps of the entry function (one per op that does work).
  int64_t steps = 0;
  /// What the exported descriptor holds.
  ModelDescriptorInfo descriptor;
};

/// The CPU and features a model's functions for \p isa are compiled with.
TargetSpec getModelTargetSpec(::qc::codegen::GemmIsa isa);

/// The QC_ISA_* bits (qc_model_abi.h) code for \p isa needs.
uint64_t getRequiredIsaBits(::qc::codegen::GemmIsa isa);

/// Builds the model module for \p func (integer ops, and float32 code for
/// the float ops a program keeps, FloatCodegen.cpp). Ops that have no native
/// lowering yet (conv_transpose2d, resize, per-channel activation
/// quantization, ...) are reported as errors at their location, naming the
/// op and listing what is supported.
FailureOr<ModelCodegenResult>
buildModelModule(func::FuncOp func, const ModelCodegenOptions &options);

} // namespace mlir::qc

#endif // QC_PASSES_CODEGEN_MODELCODEGEN_H
