//===- ShapeBinding.cpp - NAME=D0,D1,... input-shape bindings -------------===//
#include "support/ShapeBinding.h"

#include <cctype>
#include <climits>

namespace qc {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

/// A decimal integer in [1, INT32_MAX], or nullopt.
std::optional<int64_t> parseDimension(std::string_view s) {
  s = trim(s);
  if (s.empty() || s.size() > 10)
    return std::nullopt;
  int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > INT32_MAX)
    return std::nullopt;
  return value;
}
} // namespace

std::optional<ShapeBinding> parseShapeBinding(std::string_view text,
                                              std::string *error) {
  auto fail = [&](std::string message) -> std::optional<ShapeBinding> {
    if (error)
      *error = std::move(message);
    return std::nullopt;
  };
  size_t split = text.rfind('=');
  if (split == std::string_view::npos)
    split = text.rfind(':');
  if (split == std::string_view::npos || split == 0)
    return fail("expected NAME=D0,D1,...");
  ShapeBinding binding;
  binding.name = std::string(text.substr(0, split));
  std::string_view dims = text.substr(split + 1);
  while (true) {
    size_t comma = dims.find(',');
    std::string_view part = dims.substr(0, comma);
    std::optional<int64_t> d = parseDimension(part);
    if (!d)
      return fail("dimension '" + std::string(part) +
                  "' is not an integer from 1 to " + std::to_string(INT32_MAX));
    binding.dims.push_back(*d);
    if (comma == std::string_view::npos)
      break;
    dims.remove_prefix(comma + 1);
  }
  return binding;
}

} // namespace qc
