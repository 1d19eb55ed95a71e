//===- MemoryLimit.cpp - The memory cap of runs and kernels ---------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "support/MemoryLimit.h"

#include "support/StrCat.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

namespace qc {

namespace {

std::atomic<int64_t> processLimit{0};

/// The kernels' budget on this thread: `limit` bytes (when `active`), of
/// which `used` are taken.
struct ThreadBudget {
  bool active = false;
  int64_t limit = 0;
  int64_t used = 0;
};
thread_local ThreadBudget budget;

constexpr int64_t kMiB = int64_t(1) << 20;
constexpr int64_t kGiB = int64_t(1) << 30;

} // namespace

int64_t defaultMaxMemory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return 4 * kGiB;
  // Half of the RAM, computed without overflow.
  int64_t half = static_cast<int64_t>(pages / 2) * pageSize;
  return std::max(half, 256 * kMiB);
}

int64_t maxMemory() {
  int64_t limit = processLimit.load(std::memory_order_relaxed);
  return limit > 0 ? limit : defaultMaxMemory();
}

void setMaxMemory(int64_t bytes) {
  processLimit.store(bytes > 0 ? bytes : 0, std::memory_order_relaxed);
}

std::optional<int64_t> parseMemorySize(std::string_view text) {
  std::string s(text);
  size_t i = 0;
  while (i < s.size() &&
         (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.'))
    ++i;
  std::string number = s.substr(0, i), unit = s.substr(i);
  if (number.empty() || number == "." ||
      number.find('.') != number.rfind('.'))
    return std::nullopt;
  for (char &c : unit)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  double scale = 1;
  if (!unit.empty() && unit != "b") {
    switch (unit[0]) {
    case 'k':
      scale = 1024.0;
      break;
    case 'm':
      scale = 1024.0 * 1024;
      break;
    case 'g':
      scale = 1024.0 * 1024 * 1024;
      break;
    case 't':
      scale = 1024.0 * 1024 * 1024 * 1024;
      break;
    default:
      return std::nullopt;
    }
    std::string rest = unit.substr(1);
    if (!rest.empty() && rest != "b" && rest != "ib")
      return std::nullopt;
  }
  double value = std::strtod(number.c_str(), nullptr) * scale;
  if (!(value >= 1.0) || value > std::ldexp(1.0, 62))
    return std::nullopt;
  return static_cast<int64_t>(value);
}

std::string formatBytes(int64_t bytes) {
  static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB",
                                      "EiB"};
  if (bytes < 1024)
    return strCat(bytes, bytes == 1 ? " byte" : " bytes");
  double v = static_cast<double>(bytes);
  int u = -1;
  while (v >= 1024.0 && u < 5) {
    v /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f %s", v, units[u]);
  return buf;
}

std::optional<int64_t> tensorBytes(const Shape &shape, int64_t elementBytes) {
  int64_t bytes = elementBytes;
  if (bytes < 0)
    return std::nullopt;
  for (int64_t d : shape) {
    if (d < 0)
      return std::nullopt;
    if (__builtin_mul_overflow(bytes, d, &bytes))
      return std::nullopt;
  }
  return bytes;
}

ScopedMemoryLimit::ScopedMemoryLimit(int64_t bytes)
    : hadLimit(budget.active), savedLimit(budget.limit),
      savedUsed(budget.used) {
  budget.active = true;
  budget.limit = bytes < 0 ? 0 : bytes;
  budget.used = 0;
}

ScopedMemoryLimit::~ScopedMemoryLimit() {
  budget.active = hadLimit;
  budget.limit = savedLimit;
  budget.used = savedUsed;
}

namespace {

absl::Status reserveBytes(std::string_view op, std::string_view what,
                          const std::string &shape, int64_t bytes) {
  if (!budget.active)
    return absl::OkStatus();
  int64_t total;
  if (__builtin_add_overflow(budget.used, bytes, &total) ||
      total > budget.limit)
    return absl::ResourceExhaustedError(
        strCat(op, ": the ", what, " of shape ", shape, " needs ",
               formatBytes(bytes), " (", bytes, " bytes), more than the ",
               formatBytes(budget.limit - budget.used),
               " left of the memory cap"));
  budget.used = total;
  return absl::OkStatus();
}

} // namespace

absl::Status reserveMemory(std::string_view op, std::string_view what,
                           const Shape &shape, int64_t elementBytes) {
  std::optional<int64_t> bytes = tensorBytes(shape, elementBytes);
  if (!bytes)
    return absl::InvalidArgumentError(
        strCat(op, ": the ", what, " of shape ", shapeToString(shape),
               " has a negative dimension or more elements than an int64 "
               "holds"));
  return reserveBytes(op, what, shapeToString(shape), *bytes);
}

absl::Status reserveMemory(std::string_view op, std::string_view what,
                           int64_t count, int64_t elementBytes) {
  return reserveMemory(op, what, Shape{count}, elementBytes);
}

} // namespace qc
