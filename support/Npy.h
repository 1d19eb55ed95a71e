//===- Npy.h - NumPy .npy / .npz reading and writing ------------*- C++ -*-===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Reading and writing NumPy's .npy (format versions 1.0, 2.0 and 3.0) and
/// .npz files, without Python. An array is kept as raw little-endian bytes in
/// C (row-major) order together with its dtype and shape; helpers convert to
/// and from xtensor arrays.
///
/// Every failure is reported as an absl::Status whose message names the file
/// (and, for .npz, the entry) and says what was wrong. Nothing here throws or
/// aborts on bad input, so it can be linked into -fno-exceptions binaries.
///
/// Supported dtypes: float32, float64, int8, uint8, int16, int32, int64, bool.
/// Fortran-ordered and big-endian arrays are rejected with a clear error.
/// .npz entries may be stored (np.savez) or deflated (np.savez_compressed;
/// needs zlib at build time, otherwise a clear error says to use np.savez).
///
//===----------------------------------------------------------------------===//

#ifndef QC_COMPILER_SUPPORT_NPY_H
#define QC_COMPILER_SUPPORT_NPY_H

#include "support/DType.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#include <xtensor/xarray.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qc {

// DType, dtypeName, dtypeSize, dtypeDescr, dtypeFromDescr: support/DType.h.

/// An n-dimensional array as stored in an .npy file: C order, little-endian.
struct NpyArray {
  DType dtype = DType::F32;
  /// Dimensions; empty for a 0-d (scalar) array.
  std::vector<int64_t> shape;
  /// numElements() * dtypeSize(dtype) bytes, little-endian, row-major.
  std::vector<uint8_t> data;

  /// Product of the dimensions (1 for a scalar).
  int64_t numElements() const;
};

/// Checks that \p array is self-consistent: non-negative dimensions whose
/// product does not overflow, and a byte buffer of exactly the right size.
/// \p what names the array in the error message.
absl::Status verifyNpyArray(const NpyArray &array, std::string_view what);

/// Parses the bytes of a whole .npy file. \p name is used in error messages
/// (a path, or "archive.npz:entry").
absl::StatusOr<NpyArray> parseNpy(std::string_view bytes,
                                  std::string_view name);

/// Reads the .npy file at \p path.
absl::StatusOr<NpyArray> readNpy(const std::string &path);

/// What an .npy header says: enough to read parts of a large file.
struct NpyHeader {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  /// Where the data starts in the file, and its size in bytes.
  uint64_t dataOffset = 0;
  int64_t dataBytes = 0;
};

/// Reads only the header of the .npy file at \p path (checking, as readNpy
/// does, that the file holds exactly the data the header describes).
absl::StatusOr<NpyHeader> readNpyHeader(const std::string &path);

/// Reads rows [begin, begin + count) along axis 0 of the .npy file at
/// \p path, whose header is \p header: an array of shape
/// (count, shape[1], ...). Memory is that of the rows, not of the file.
absl::StatusOr<NpyArray> readNpyRows(const std::string &path,
                                     const NpyHeader &header, int64_t begin,
                                     int64_t count);

/// Serializes \p array as a complete .npy file (version 1.0, or 2.0 when the
/// header does not fit in 64 KiB), laid out exactly as numpy.save does.
absl::StatusOr<std::string> serializeNpy(const NpyArray &array);

/// Writes \p array to \p path as an .npy file.
absl::Status writeNpy(const std::string &path, const NpyArray &array);

/// Reads an .npz archive: entry name without the ".npy" suffix -> array.
/// Handles stored and deflated entries, ZIP64 records and CRC checking.
absl::StatusOr<std::map<std::string, NpyArray>>
readNpz(const std::string &path);

/// Writes \p arrays as an uncompressed .npz archive (like np.savez); each
/// entry is named "<key>.npy".
absl::Status writeNpz(const std::string &path,
                      const std::map<std::string, NpyArray> &arrays);

/// True when this build can read deflated (np.savez_compressed) entries.
bool npzDeflateSupported();

/// Converts any supported dtype to a float32 xtensor array (integers and
/// float64 are converted with static_cast; bool becomes 0 or 1).
absl::StatusOr<xt::xarray<float>> toFloatArray(const NpyArray &array,
                                               std::string_view what = "array");

/// Converts an integer or bool array to int64. Float arrays are rejected.
absl::StatusOr<xt::xarray<int64_t>>
toInt64Array(const NpyArray &array, std::string_view what = "array");

/// Wraps a float32 xtensor array as a float32 NpyArray.
NpyArray fromFloatArray(const xt::xarray<float> &array);

/// Wraps an int64 xtensor array as an int64 NpyArray.
NpyArray fromInt64Array(const xt::xarray<int64_t> &array);

/// Stores integer values as \p dtype (an integer dtype), failing with the
/// index and value of the first element that does not fit.
absl::StatusOr<NpyArray> fromIntArray(const xt::xarray<int32_t> &array,
                                      DType dtype,
                                      std::string_view what = "array");

} // namespace qc

#endif // QC_COMPILER_SUPPORT_NPY_H
