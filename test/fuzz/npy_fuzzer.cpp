//===- npy_fuzzer.cpp - libFuzzer target: the .npy / .npz reader ----------===//
//
// Bytes that start like a ZIP archive ("PK") go to readNpz (stored and
// deflated entries, ZIP64, CRCs); anything else to parseNpy, readNpyHeader /
// readNpyRows (the streaming reader qc calibrate uses) and, for arrays that
// parse, the conversions qc applies to them and a serialize / parse round
// trip that must give the array back unchanged.
//
//===----------------------------------------------------------------------===//
#include "FuzzUtil.h"

#include "support/Npy.h"

#include <cstring>

namespace {

/// A round trip through serializeNpy must give the same array back.
void checkRoundTrip(const qc::NpyArray &array) {
  absl::StatusOr<std::string> bytes = qc::serializeNpy(array);
  if (!bytes.ok()) {
    std::fprintf(stderr, "serializeNpy failed on a parsed array: %s\n",
                 std::string(bytes.status().message()).c_str());
    std::abort();
  }
  absl::StatusOr<qc::NpyArray> again = qc::parseNpy(*bytes, "round-trip");
  if (!again.ok() || again->dtype != array.dtype ||
      again->shape != array.shape || again->data != array.data) {
    std::fprintf(stderr, "the .npy round trip changed the array\n");
    std::abort();
  }
}

void useArray(const qc::NpyArray &array) {
  if (!qc::verifyNpyArray(array, "fuzz").ok()) {
    std::fprintf(stderr, "a parsed array does not verify\n");
    std::abort();
  }
  // Keep the conversions cheap: they allocate numElements() values.
  if (array.numElements() <= (1 << 16)) {
    (void)qc::toFloatArray(array, "fuzz");
    (void)qc::toInt64Array(array, "fuzz");
  }
  checkRoundTrip(array);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static qcfuzz::ScratchFile npyFile("input.npy");
  static qcfuzz::ScratchFile npzFile("input.npz");

  if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
    absl::StatusOr<std::map<std::string, qc::NpyArray>> arrays =
        qc::readNpz(npzFile.write(data, size));
    if (arrays.ok())
      for (const auto &entry : *arrays)
        useArray(entry.second);
    return 0;
  }

  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  absl::StatusOr<qc::NpyArray> array = qc::parseNpy(bytes, "fuzz.npy");
  if (array.ok())
    useArray(*array);

  // The streaming reader must agree with parseNpy.
  const std::string &path = npyFile.write(data, size);
  absl::StatusOr<qc::NpyHeader> header = qc::readNpyHeader(path);
  if (header.ok() != array.ok()) {
    std::fprintf(stderr, "readNpyHeader and parseNpy disagree: %s / %s\n",
                 header.ok() ? "ok" : std::string(header.status().message()).c_str(),
                 array.ok() ? "ok" : std::string(array.status().message()).c_str());
    std::abort();
  }
  if (!header.ok() || header->shape.empty())
    return 0;
  int64_t rows = header->shape[0];
  // First row, last row, all rows, and one past the end (must fail).
  for (auto [begin, count] : {std::pair<int64_t, int64_t>{0, rows ? 1 : 0},
                              {rows ? rows - 1 : 0, rows ? 1 : 0},
                              {0, rows},
                              {rows, 1}}) {
    absl::StatusOr<qc::NpyArray> part =
        qc::readNpyRows(path, *header, begin, count);
    if (begin + count > rows) {
      if (part.ok()) {
        std::fprintf(stderr, "readNpyRows read past the last row\n");
        std::abort();
      }
      continue;
    }
    if (!part.ok())
      continue;
    size_t rowBytes = rows ? array->data.size() / rows : 0;
    if (part->data.size() != rowBytes * count ||
        (!part->data.empty() && std::memcmp(part->data.data(),
                              array->data.data() + rowBytes * begin,
                              part->data.size()) != 0)) {
      std::fprintf(stderr, "readNpyRows and parseNpy disagree\n");
      std::abort();
    }
  }
  return 0;
}
