//===- onnx_import_fuzzer.cpp - libFuzzer target: the ONNX importer -------===//
//
// Bytes -> `qc import`'s path: importOnnxFile (protobuf parsing, the
// conversion of every node to the qc dialect, shape sub-graph evaluation),
// then the simplify pipeline that `qc import` / `qc run` apply (shape
// inference, BatchNorm folding, constant folding with the reference executor,
// DCE). The importer reads files (external data lives next to the model), so
// each input is written to a scratch file first.
//
// Any crash, sanitizer report, leak, hang (-timeout) or excessive memory use
// (-rss_limit_mb) is a finding; errors are the expected outcome.
//
//===----------------------------------------------------------------------===//
#include "FuzzMLIR.h"

#include "compiler/importer/OnnxImporter.h"
#include "dialects/qc/IR/QCDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static qcfuzz::ScratchFile scratch("model.onnx");
  const std::string &path = scratch.write(data, size);

  MLIRContext context(MLIRContext::Threading::DISABLED);
  qcfuzz::setUpContext(context);
  OwningOpRef<ModuleOp> module =
      mlir::qc::importOnnxFile(context, path, mlir::qc::OnnxImportOptions());
  if (!module)
    return 0;

  PassManager pm(&context);
  mlir::qc::buildSimplifyPipeline(pm.nest<func::FuncOp>(), mlir::qc::SimplifyOptions());
  (void)pm.run(*module);
  return 0;
}
