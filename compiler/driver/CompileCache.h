//===- CompileCache.h - compiled models kept by content hash --------------===//
//
// `qc run --compiled`, `qc bench` and `qc debug --compiled` compile the
// program on every call. The compile cache keeps what compileModel produced
// (object, header, sizes) under a BLAKE3 key of everything the result
// depends on: the qc executable's own bytes (a rebuilt qc never reuses an
// old object), the LLVM version, the host CPU, the compile options and the
// program printed with its locations (node names reach the step table) and
// its resource blobs (weights). A hit skips the whole pipeline; the object
// is still loaded through libqcrt's descriptor validation, and an entry that
// cannot be read back exactly is discarded and recompiled.
//
// Where: $QC_CACHE_DIR, else $XDG_CACHE_HOME/qc, else $HOME/.cache/qc.
// QC_CACHE=0 turns it off. At most kMaxEntries entries / kMaxBytes bytes are
// kept (the least recently used go first). `qc compile` itself does not use
// it (it writes its artifact and honours --mlir-timing and friends).
// docs/cli.md, "Compile cache".
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_DRIVER_COMPILECACHE_H
#define QC_COMPILER_DRIVER_COMPILECACHE_H

#include "compiler/driver/Compile.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir::qc {

/// The cache directory, or nullopt when caching is off (QC_CACHE=0, or no
/// directory can be named).
std::optional<std::string> compileCacheDir();

/// The hex key of compiling \p module with \p options, or nullopt when no
/// key can be formed (the qc executable cannot be read).
std::optional<std::string> compileCacheKey(ModuleOp module,
                                           const CompileOptions &options);

/// Serialized form of a cache entry, and its parser (nullopt for anything
/// that is not exactly one entry).
std::string serializeCompiledModel(const CompiledModel &model);
std::optional<CompiledModel> parseCompiledModel(StringRef bytes);

/// compileModel through the cache: a hit returns the stored result
/// (`cache` = "hit"), a miss compiles and stores it ("miss"); with caching
/// off it is compileModel ("off"). A cache that cannot be written is
/// skipped silently; an unreadable entry is removed with a warning.
FailureOr<CompiledModel> compileModelCached(ModuleOp module,
                                            const CompileOptions &options);

} // namespace mlir::qc

#endif // QC_COMPILER_DRIVER_COMPILECACHE_H
