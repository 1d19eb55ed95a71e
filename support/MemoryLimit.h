//===- MemoryLimit.h - The memory cap of runs and kernels -------*- C++ -*-===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// qc's memory cap (`--max-memory SIZE`): how many bytes of tensors a run of
/// the reference executor, constant folding, calibration or a compiled model
/// may hold at once. The executor checks every tensor before it is allocated
/// (its size for one tensor, the running total of live tensors and decoded
/// constants for the run); the reference kernels check their results and
/// workspaces against the part of the cap a `ScopedMemoryLimit` leaves them,
/// so shapes computed at run time are covered too. Going over is an error
/// that names the op, the shape and the bytes, never an allocation that the
/// system cannot satisfy.
///
/// The cap is process-wide: the `qc` tool sets it once from its flag; the
/// default is half of the physical memory.
///
//===----------------------------------------------------------------------===//

#ifndef QC_COMPILER_EXECUTOR_MEMORYLIMIT_H
#define QC_COMPILER_EXECUTOR_MEMORYLIMIT_H

#include "support/Shapes.h"

#include "absl/status/status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qc {

/// Half of the physical memory (sysconf), at least 256 MiB; 4 GiB when the
/// system does not say.
int64_t defaultMaxMemory();

/// The process-wide cap, in bytes (defaultMaxMemory() until set).
int64_t maxMemory();

/// Sets the process-wide cap (\p bytes > 0).
void setMaxMemory(int64_t bytes);

/// Parses a size as `--max-memory` takes it: a positive number (decimals
/// allowed) with an optional binary unit K, M, G or T (KiB ... TiB; a
/// trailing "B" or "iB" is accepted, case does not matter): "512M", "8G",
/// "1.5g", "4096". std::nullopt for anything else, zero, or more than
/// 2^62 bytes.
std::optional<int64_t> parseMemorySize(std::string_view text);

/// "1.5 GiB" (or "512 bytes" under 1 KiB), for messages.
std::string formatBytes(int64_t bytes);

/// The bytes of a tensor of \p shape with \p elementBytes bytes per element,
/// or std::nullopt when a dimension is negative or the size overflows int64.
std::optional<int64_t> tensorBytes(const Shape &shape, int64_t elementBytes);

/// While alive, caps what the reference kernels called on this thread may
/// allocate: `reserveMemory` counts every result and workspace a kernel
/// allocates and fails once the total since the scope began would pass
/// \p bytes. Scopes nest (the innermost applies). Without a scope kernels
/// only check that sizes do not overflow.
class ScopedMemoryLimit {
public:
  explicit ScopedMemoryLimit(int64_t bytes);
  ~ScopedMemoryLimit();
  ScopedMemoryLimit(const ScopedMemoryLimit &) = delete;
  ScopedMemoryLimit &operator=(const ScopedMemoryLimit &) = delete;

private:
  bool hadLimit;
  int64_t savedLimit, savedUsed;
};

/// Called by a kernel before it allocates a tensor of \p shape (\p what:
/// "result", "im2col workspace", ...). ResourceExhausted "OP: the WHAT of
/// shape S needs X (N bytes), more than the Y left of the memory cap" when
/// the current ScopedMemoryLimit does not leave room; InvalidArgument when
/// the size overflows or a dimension is negative.
absl::Status reserveMemory(std::string_view op, std::string_view what,
                           const Shape &shape, int64_t elementBytes);

/// reserveMemory for a workspace of \p count elements.
absl::Status reserveMemory(std::string_view op, std::string_view what,
                           int64_t count, int64_t elementBytes);

} // namespace qc

#endif // QC_COMPILER_EXECUTOR_MEMORYLIMIT_H
