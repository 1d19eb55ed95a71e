//===- Strings.h - message building for the quantizer library ---*- C++ -*-===//
//
// Part of qc. cat(...) concatenates strings, string views (std and absl)
// and numbers (floats in their shortest round-trip form); Debian's absl::StrCat does not take std::string_view.
//
//===----------------------------------------------------------------------===//
#ifndef QC_QUANTIZERS_STRINGS_H
#define QC_QUANTIZERS_STRINGS_H

#include "absl/base/config.h"
#include "absl/strings/string_view.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>

namespace qc::quantizer {
namespace strings_detail {
inline void append(std::string &s, std::string_view v) { s.append(v); }
inline void append(std::string &s, const char *v) { s.append(v); }
inline void append(std::string &s, const std::string &v) { s.append(v); }
inline void append(std::string &s, char c) { s.push_back(c); }
#if !defined(ABSL_USES_STD_STRING_VIEW)
inline void append(std::string &s, absl::string_view v) {
  s.append(v.data(), v.size());
}
#endif
template <typename T,
          typename = std::enable_if_t<std::is_arithmetic_v<T> &&
                                      !std::is_same_v<T, char>>>
inline void append(std::string &s, T v) {
  if constexpr (std::is_floating_point_v<T>) {
    // The shortest decimal that reads back as v.
    char buf[64];
    for (int precision = 1; precision <= 17; ++precision) {
      std::snprintf(buf, sizeof(buf), "%.*g", precision,
                    static_cast<double>(v));
      if (std::strtod(buf, nullptr) == static_cast<double>(v))
        break;
    }
    s.append(buf);
  } else {
    s.append(std::to_string(v));
  }
}
} // namespace strings_detail

/// Concatenates its arguments.
template <typename... Ts> std::string cat(const Ts &...parts) {
  std::string s;
  (strings_detail::append(s, parts), ...);
  return s;
}

} // namespace qc::quantizer

#endif // QC_QUANTIZERS_STRINGS_H
