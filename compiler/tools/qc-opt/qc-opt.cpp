//===- qc-opt.cpp - run qc passes on MLIR text, for lit tests -------------===//
#include "compiler/Version.h"
#include "dialects/qc/IR/QCDialect.h"
#include "passes/Codegen/GemmKernel.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::qc::QCDialect, mlir::func::FuncDialect>();
  // The dialects of the codegen passes' output (LLVM, scf, vector, ...), so
  // every step of qc compile can be read back and run on its own.
  mlir::qc::registerCodegenDialects(registry);
  mlir::registerTransformsPasses();
  mlir::qc::registerQCPasses();
  mlir::qc::registerQCPipelines();
  llvm::cl::SetVersionPrinter(
      [](llvm::raw_ostream &os) { ::qc::printVersion(os, "qc-opt"); });
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "qc optimizer driver\n", registry));
}
