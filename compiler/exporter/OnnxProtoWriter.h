//===- OnnxProtoWriter.h - write plain ONNX structs as a .onnx file -*- C++ -*-===//
//
// The writing counterpart of OnnxProtoReader.cpp: OnnxProtoWriter.cpp is the
// one file of the exporter that includes protobuf (library QCOnnxProtoWriter,
// built with the compiler's default flags); the MLIR-side exporter fills the
// plain structs of compiler/importer/OnnxModel.h and calls this.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_EXPORTER_ONNXPROTOWRITER_H
#define QC_COMPILER_EXPORTER_ONNXPROTOWRITER_H

#include "compiler/importer/OnnxModel.h"

#include <string>

namespace mlir::qc {

/// Serializes `model` (tensors from OnnxTensor::data as raw_data) to `path`.
/// On failure returns false and sets `error`.
bool writeOnnxModel(const std::string &path, const OnnxModel &model,
                    std::string &error);

} // namespace mlir::qc

#endif // QC_COMPILER_EXPORTER_ONNXPROTOWRITER_H
