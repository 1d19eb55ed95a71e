//===- OnnxExporter.h - qc program -> ONNX QDQ model ------------*- C++ -*-===//
//
// Writes the entry function of a qc module (typically the converted Q/DQ
// program of `qc quantize`) as an ONNX model, opset 13: qc.quantize /
// qc.dequantize become QuantizeLinear / DequantizeLinear (per axis when they
// have one), integer constants become uint8 / int8 / int32 initializers and
// the float ops their ONNX ops. Graph input / output names are the `qc.name`
// attributes. See docs/quantization.md ("ONNX QDQ export").
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_EXPORTER_ONNXEXPORTER_H
#define QC_COMPILER_EXPORTER_ONNXEXPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include <string>

namespace mlir::qc {

/// Exports `module`'s entry function to `path`. Emits a diagnostic (at the
/// offending op, e.g. one without an ONNX counterpart, or a quantize with a
/// range QuantizeLinear cannot express) and returns failure on error.
LogicalResult exportOnnx(ModuleOp module, const std::string &path);

} // namespace mlir::qc

#endif // QC_COMPILER_EXPORTER_ONNXEXPORTER_H
