//===- ShapeBinding.h - NAME=D0,D1,... input-shape bindings -----*- C++ -*-===//
//
// The one parser of input-shape bindings: `--input-shape` of every qc
// command, the driver's import and the `input-shapes` option of
// qc-shape-inference / qc-simplify / qc-ptq all read them through it.
//
//===----------------------------------------------------------------------===//
#ifndef QC_SUPPORT_SHAPEBINDING_H
#define QC_SUPPORT_SHAPEBINDING_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qc {

struct ShapeBinding {
  std::string name;
  std::vector<int64_t> dims;
};

/// Parses `NAME=D0,D1,...` (the command-line form) or `NAME:D0,D1,...` (the
/// pass-option form). The text is split at its last '=', else at its last
/// ':', since dimensions hold neither, so a NAME may hold both (ONNX names
/// such as `input:0`). Each dimension is an integer in [1, 2^31 - 1].
/// Returns nullopt and sets \p error (what is wrong, without the text) when
/// the binding does not parse.
std::optional<ShapeBinding> parseShapeBinding(std::string_view text,
                                              std::string *error = nullptr);

} // namespace qc

#endif // QC_SUPPORT_SHAPEBINDING_H
