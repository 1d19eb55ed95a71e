//===- GoldenFixtures.h - Readers for the observer golden data -*- C++ -*-===//
//
// Part of qc's unit tests. A minimal .npy reader (little-endian float32,
// C order) and the parser of observer_golden.txt written by
// gen_observer_golden.py.
//
//===----------------------------------------------------------------------===//

#ifndef QC_TEST_UNIT_QUANTIZERS_GOLDENFIXTURES_H
#define QC_TEST_UNIT_QUANTIZERS_GOLDENFIXTURES_H

#include "quantizers/observers/Observers.h"

#include "absl/status/statusor.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qc::test {

/// A float32 array read from a .npy file.
struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<float> data;
};

/// Reads a version 1.x/2.x/3.x .npy file holding '<f4' data in C order.
absl::StatusOr<NpyArray> readNpyFloat32(const std::string &path);

struct GoldenDataset {
  std::string name;
  std::vector<NpyArray> batches;
};

/// One observer configuration fed with one dataset, and PyTorch's (or the
/// numpy reference's) results.
struct GoldenCase {
  std::string id;
  ObserverKind kind = ObserverKind::kMinMax;
  ObserverOptions options;
  std::string dataset;
  std::vector<uint32_t> scaleBits;
  std::vector<int64_t> zeroPoints;
  std::vector<uint32_t> minBits;
  std::vector<uint32_t> maxBits;
  std::optional<uint32_t> histMinBits;
  std::optional<uint32_t> histMaxBits;
  std::string histogramFile; // relative to the data directory
  std::optional<uint64_t> thresholdBits;
  std::optional<uint64_t> klBits;
};

/// torch.sum of a float32 vector.
struct GoldenSum {
  std::string file;
  uint32_t sumBits = 0;
};

/// torch.div(a, b, rounding_mode='floor') on float32.
struct GoldenFloorDiv {
  uint32_t aBits = 0, bBits = 0, resultBits = 0;
};

struct GoldenFile {
  std::string dir;
  std::vector<GoldenSum> sums;
  std::vector<GoldenFloorDiv> floorDivs;
  std::map<std::string, GoldenDataset> datasets;
  std::vector<GoldenCase> cases;
};

/// Parses `dir`/observer_golden.txt and loads every dataset it names.
absl::StatusOr<GoldenFile> loadGolden(const std::string &dir);

float floatFromBits(uint32_t bits);
uint32_t bitsOfFloat(float value);
double doubleFromBits(uint64_t bits);
uint64_t bitsOfDouble(double value);

} // namespace qc::test

#endif // QC_TEST_UNIT_QUANTIZERS_GOLDENFIXTURES_H
