//===- StrCat.h - absl::StrCat that also takes std::string_view -*- C++ -*-===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Debian's Abseil is built with its own absl::string_view
/// (ABSL_OPTION_USE_STD_STRING_VIEW == 0), so absl::StrCat rejects
/// std::string_view arguments. qc's MLIR-independent APIs take
/// std::string_view; qc::strCat converts them and forwards to absl::StrCat.
///
//===----------------------------------------------------------------------===//

#ifndef QC_COMPILER_SUPPORT_STRCAT_H
#define QC_COMPILER_SUPPORT_STRCAT_H

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

#include <string>
#include <string_view>

namespace qc {
namespace detail {
inline absl::string_view strCatArg(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
template <typename T>
const T &strCatArg(const T &value) {
  return value;
}
} // namespace detail

/// absl::StrCat accepting std::string_view as well.
template <typename... Args>
std::string strCat(const Args &...args) {
  return absl::StrCat(detail::strCatArg(args)...);
}

/// An absl::string_view (e.g. absl::Status::message()) as std::string_view.
inline std::string_view toStd(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

} // namespace qc

#endif // QC_COMPILER_SUPPORT_STRCAT_H
