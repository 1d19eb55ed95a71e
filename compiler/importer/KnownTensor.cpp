//===- KnownTensor.cpp - import-time evaluation of shape sub-graphs -------===//
#include "compiler/importer/KnownTensor.h"

#include "compiler/importer/OnnxModel.h"
#include "dialects/qc/IR/TensorSize.h"
#include "support/Shapes.h"

#include "llvm/ADT/APFloat.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::importer;

int64_t mlir::qc::importer::elementCount(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && n > std::numeric_limits<int64_t>::max() / d))
      return std::numeric_limits<int64_t>::max();
    n *= d;
  }
  return n;
}

int64_t KnownTensor::numElements() const { return elementCount(shape); }

bool KnownTensor::isFullyKnown() const {
  return std::none_of(unknown.begin(), unknown.end(), [](bool u) { return u; });
}

double KnownTensor::asDouble(int64_t i) const {
  return kind == Kind::Float ? floats[i] : static_cast<double>(ints[i]);
}

int64_t KnownTensor::asInt(int64_t i) const {
  if (kind != Kind::Float)
    return ints[i];
  double v = floats[i];
  if (!(v > -9.2e18 && v < 9.2e18))
    return v > 0 ? std::numeric_limits<int64_t>::max()
                 : std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

KnownTensor KnownTensor::ofInts(ArrayRef<int64_t> shape,
                                std::vector<int64_t> values) {
  KnownTensor t;
  t.kind = Kind::Int;
  t.shape.assign(shape.begin(), shape.end());
  t.ints = std::move(values);
  return t;
}

KnownTensor KnownTensor::ofFloats(ArrayRef<int64_t> shape,
                                  std::vector<double> values) {
  KnownTensor t;
  t.kind = Kind::Float;
  t.shape.assign(shape.begin(), shape.end());
  t.floats = std::move(values);
  return t;
}

KnownTensor KnownTensor::vector(ArrayRef<int64_t> values) {
  return ofInts({static_cast<int64_t>(values.size())},
                std::vector<int64_t>(values.begin(), values.end()));
}

void KnownTensor::setUnknown(int64_t i, DimOrigin origin) {
  if (unknown.empty()) {
    unknown.assign(numElements(), false);
    origins.assign(numElements(), DimOrigin());
  }
  unknown[i] = true;
  origins[i] = origin;
}

KnownTensor KnownTensor::reshaped(ArrayRef<int64_t> newShape) const {
  KnownTensor t = *this;
  t.shape.assign(newShape.begin(), newShape.end());
  return t;
}

namespace {
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// For an output of `outShape` whose element at multi-index (j0, j1, ...)
/// reads input element sum_k perAxis[k][jk], the input offsets in output
/// (row-major) order.
std::vector<int64_t> mapOffsets(ArrayRef<int64_t> outShape,
                                ArrayRef<std::vector<int64_t>> perAxis) {
  int64_t n = 1;
  for (int64_t d : outShape)
    n *= d;
  std::vector<int64_t> offsets;
  if (n == 0)
    return offsets;
  offsets.reserve(n);
  size_t rank = outShape.size();
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t off = 0;
    for (size_t k = 0; k < rank; ++k)
      off += perAxis[k][idx[k]];
    offsets.push_back(off);
    for (int64_t k = static_cast<int64_t>(rank) - 1; k >= 0; --k) {
      if (++idx[k] < outShape[k])
        break;
      idx[k] = 0;
    }
  }
  return offsets;
}

/// The elements of `src` at `offsets`, as a tensor of `shape`.
KnownTensor take(const KnownTensor &src, ArrayRef<int64_t> shape,
                 const std::vector<int64_t> &offsets) {
  KnownTensor t;
  t.kind = src.kind;
  t.shape.assign(shape.begin(), shape.end());
  if (src.isFloat()) {
    t.floats.reserve(offsets.size());
    for (int64_t o : offsets)
      t.floats.push_back(src.floats[o]);
  } else {
    t.ints.reserve(offsets.size());
    for (int64_t o : offsets)
      t.ints.push_back(src.ints[o]);
    if (!src.unknown.empty())
      for (size_t i = 0; i < offsets.size(); ++i)
        if (src.unknown[offsets[i]])
          t.setUnknown(i, src.origins[offsets[i]]);
  }
  return t;
}

/// Offsets into `in` (numpy-broadcast) for every element of `outShape`.
std::vector<int64_t> broadcastOffsets(ArrayRef<int64_t> inShape,
                                      ArrayRef<int64_t> outShape) {
  if (elementCount(outShape) == 0) // no per-axis tables for an empty result
    return {};
  SmallVector<int64_t> strides = stridesOf(inShape);
  size_t lead = outShape.size() - inShape.size();
  SmallVector<std::vector<int64_t>> perAxis(outShape.size());
  for (size_t k = 0; k < outShape.size(); ++k) {
    perAxis[k].resize(outShape[k], 0);
    if (k < lead || inShape[k - lead] == 1)
      continue;
    for (int64_t j = 0; j < outShape[k]; ++j)
      perAxis[k][j] = j * strides[k - lead];
  }
  return mapOffsets(outShape, perAxis);
}

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

/// Fails when a fold would produce more than kMaxKnownElements elements, or
/// a shape whose dimensions qc cannot hold (an empty [0, 2^62] included).
LogicalResult checkResultSize(ArrayRef<int64_t> shape, std::string &error) {
  std::string why;
  if (!checkTensorSize(shape, 8, why)) {
    error = "the result of shape " + shapeString(shape) + " " + why;
    return failure();
  }
  if (elementCount(shape) <= kMaxKnownElements)
    return success();
  error = "the result would have more than " +
          std::to_string(kMaxKnownElements) +
          " elements, the most qc evaluates at import time";
  return failure();
}

} // namespace

FailureOr<SmallVector<int64_t>>
mlir::qc::importer::broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return failure();
    out[i] = da == 1 ? db : da;
  }
  return out;
}

FailureOr<KnownTensor> mlir::qc::importer::foldBinary(BinaryFold op,
                                                      const KnownTensor &a,
                                                      const KnownTensor &b,
                                                      std::string &error) {
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(a.shape, b.shape);
  if (failed(shape)) {
    error = "shapes " + shapeString(a.shape) + " and " + shapeString(b.shape) +
            " do not broadcast";
    return failure();
  }
  if (failed(checkResultSize(*shape, error)))
    return failure();
  std::vector<int64_t> offA = broadcastOffsets(a.shape, *shape);
  std::vector<int64_t> offB = broadcastOffsets(b.shape, *shape);
  int64_t n = static_cast<int64_t>(offA.size());
  bool useFloat = a.isFloat() || b.isFloat();
  KnownTensor out;
  out.shape = *shape;
  if (op == BinaryFold::Equal) {
    out.kind = KnownTensor::Kind::Bool;
    out.ints.resize(n);
  } else if (useFloat) {
    out.kind = KnownTensor::Kind::Float;
    out.floats.resize(n);
  } else {
    out.kind = KnownTensor::Kind::Int;
    out.ints.resize(n);
  }
  for (int64_t i = 0; i < n; ++i) {
    int64_t ia = offA[i], ib = offB[i];
    if (a.isUnknown(ia) || b.isUnknown(ib)) {
      out.setUnknown(i, DimOrigin());
      continue;
    }
    if (op == BinaryFold::Equal) {
      out.ints[i] = useFloat ? a.asDouble(ia) == b.asDouble(ib)
                             : a.ints[ia] == b.ints[ib];
      continue;
    }
    if (useFloat) {
      double x = a.asDouble(ia), y = b.asDouble(ib), r = 0;
      switch (op) {
      case BinaryFold::Add:
        r = x + y;
        break;
      case BinaryFold::Sub:
        r = x - y;
        break;
      case BinaryFold::Mul:
        r = x * y;
        break;
      case BinaryFold::Div:
        r = x / y;
        break;
      case BinaryFold::Pow:
        r = std::pow(x, y);
        break;
      case BinaryFold::Equal:
        break;
      }
      out.floats[i] = r;
      continue;
    }
    int64_t x = a.ints[ia], y = b.ints[ib], r = 0;
    // Integer folds compute shapes and indices: a result that does not fit
    // in int64 is an error, not a wrapped value.
    auto overflow = [&](const char *sign) {
      error = "integer overflow: " + std::to_string(x) + " " + sign + " " +
              std::to_string(y) + " does not fit in int64";
      return failure();
    };
    std::optional<int64_t> checked;
    switch (op) {
    case BinaryFold::Add:
      if (!(checked = checkedAdd(x, y)))
        return overflow("+");
      r = *checked;
      break;
    case BinaryFold::Sub:
      if (!(checked = checkedSub(x, y)))
        return overflow("-");
      r = *checked;
      break;
    case BinaryFold::Mul:
      if (!(checked = checkedMul(x, y)))
        return overflow("*");
      r = *checked;
      break;
    case BinaryFold::Div:
      if (y == 0) {
        error = "integer division by zero";
        return failure();
      }
      if (x == std::numeric_limits<int64_t>::min() && y == -1) {
        error = "integer division overflows";
        return failure();
      }
      r = x / y; // ONNX integer Div truncates, as C++ does.
      break;
    case BinaryFold::Pow: {
      if (y < 0) { // |x| >= 2 gives a fraction, truncated to 0
        r = x == 1 ? 1 : x == -1 ? (y % 2 ? -1 : 1) : 0;
        if (x == 0) {
          error = "integer 0 raised to a negative power";
          return failure();
        }
        break;
      }
      // Exponentiation by squaring, every product checked.
      std::optional<int64_t> result = 1, base = x;
      for (int64_t e = y; e > 0 && result; e >>= 1) {
        if (e & 1)
          result = checkedMul(*result, *base);
        if (e > 1 && result) {
          base = checkedMul(*base, *base);
          if (!base)
            result = std::nullopt;
        }
      }
      if (!result)
        return overflow("**");
      r = *result;
      break;
    }
    case BinaryFold::Equal:
      break;
    }
    out.ints[i] = r;
  }
  return out;
}

FailureOr<KnownTensor> mlir::qc::importer::foldWhere(const KnownTensor &cond,
                                                     const KnownTensor &x,
                                                     const KnownTensor &y,
                                                     std::string &error) {
  FailureOr<SmallVector<int64_t>> xy = broadcastShapes(x.shape, y.shape);
  FailureOr<SmallVector<int64_t>> shape =
      succeeded(xy) ? broadcastShapes(cond.shape, *xy) : xy;
  if (failed(shape)) {
    error = "condition " + shapeString(cond.shape) + " and values " +
            shapeString(x.shape) + ", " + shapeString(y.shape) +
            " do not broadcast";
    return failure();
  }
  if (failed(checkResultSize(*shape, error)))
    return failure();
  if (x.isFloat() != y.isFloat()) {
    error = "the two value inputs have different element types";
    return failure();
  }
  std::vector<int64_t> offC = broadcastOffsets(cond.shape, *shape);
  std::vector<int64_t> offX = broadcastOffsets(x.shape, *shape);
  std::vector<int64_t> offY = broadcastOffsets(y.shape, *shape);
  KnownTensor out;
  out.kind = x.kind;
  out.shape = *shape;
  int64_t n = static_cast<int64_t>(offC.size());
  if (out.isFloat())
    out.floats.resize(n);
  else
    out.ints.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    if (cond.isUnknown(offC[i])) {
      out.setUnknown(i, DimOrigin());
      continue;
    }
    bool pickX = cond.asDouble(offC[i]) != 0;
    const KnownTensor &src = pickX ? x : y;
    int64_t o = pickX ? offX[i] : offY[i];
    if (out.isFloat()) {
      out.floats[i] = src.floats[o];
    } else if (src.isUnknown(o)) {
      out.setUnknown(i, src.origins[o]);
    } else {
      out.ints[i] = src.ints[o];
    }
  }
  return out;
}

FailureOr<KnownTensor> mlir::qc::importer::foldExpand(const KnownTensor &a,
                                                      ArrayRef<int64_t> shape,
                                                      std::string &error) {
  FailureOr<SmallVector<int64_t>> out = broadcastShapes(a.shape, shape);
  if (failed(out)) {
    error = "input shape " + shapeString(a.shape) + " does not broadcast to " +
            shapeString(shape);
    return failure();
  }
  if (failed(checkResultSize(*out, error)))
    return failure();
  return take(a, *out, broadcastOffsets(a.shape, *out));
}

FailureOr<KnownTensor>
mlir::qc::importer::foldGather(const KnownTensor &data,
                               const KnownTensor &indices, int64_t axis,
                               std::string &error) {
  int64_t rank = static_cast<int64_t>(data.shape.size());
  absl::StatusOr<::qc::Shape> gathered = ::qc::gatherShape(
      ::qc::Shape(data.shape.begin(), data.shape.end()),
      ::qc::Shape(indices.shape.begin(), indices.shape.end()), axis);
  if (!gathered.ok()) {
    error = std::string(gathered.status().message());
    return failure();
  }
  if (axis < 0) // in range: gatherShape checked
    axis += rank;
  int64_t dim = data.shape[axis];
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= data.shape[i];
  for (int64_t i = axis + 1; i < rank; ++i)
    inner *= data.shape[i];
  SmallVector<int64_t> shape(gathered->begin(), gathered->end());
  if (failed(checkResultSize(shape, error)))
    return failure();
  std::vector<int64_t> offsets;
  int64_t numIdx = indices.numElements();
  offsets.reserve(outer * numIdx * inner);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t k = 0; k < numIdx; ++k) {
      if (indices.isUnknown(k)) {
        error = "an index is not known at import time";
        return failure();
      }
      int64_t idx = indices.asInt(k);
      if (idx < -dim || idx >= dim) {
        error = "index " + std::to_string(idx) +
                " is out of range for an axis of size " + std::to_string(dim);
        return failure();
      }
      if (idx < 0)
        idx += dim;
      for (int64_t i = 0; i < inner; ++i)
        offsets.push_back((o * dim + idx) * inner + i);
    }
  }
  return take(data, shape, offsets);
}

FailureOr<KnownTensor>
mlir::qc::importer::foldSlice(const KnownTensor &data, ArrayRef<int64_t> starts,
                              ArrayRef<int64_t> ends, ArrayRef<int64_t> axes,
                              ArrayRef<int64_t> steps, std::string &error) {
  size_t rank = data.shape.size();
  SmallVector<int64_t> strides = stridesOf(data.shape);
  SmallVector<int64_t> shape(data.shape);
  SmallVector<std::vector<int64_t>> perAxis(rank);
  SmallVector<int64_t> first(rank, 0), step(rank, 1);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = axes[i];
    absl::StatusOr<::qc::SliceAxis> taken =
        ::qc::sliceAxis(data.shape[a], starts[i], ends[i], steps[i]);
    if (!taken.ok()) {
      error = "slice " + std::string(taken.status().message());
      return failure();
    }
    shape[a] = taken->count;
    first[a] = taken->start;
    step[a] = steps[i];
  }
  if (elementCount(shape) == 0)
    return take(data, shape, {});
  for (size_t k = 0; k < rank; ++k) {
    perAxis[k].resize(shape[k]);
    for (int64_t j = 0; j < shape[k]; ++j)
      perAxis[k][j] = (first[k] + j * step[k]) * strides[k];
  }
  return take(data, shape, mapOffsets(shape, perAxis));
}

FailureOr<KnownTensor>
mlir::qc::importer::foldConcat(ArrayRef<const KnownTensor *> inputs,
                               int64_t axis, std::string &error) {
  const KnownTensor &first = *inputs.front();
  int64_t rank = static_cast<int64_t>(first.shape.size());
  std::vector<::qc::Shape> shapes;
  for (const KnownTensor *t : inputs) {
    if (t->isFloat() != first.isFloat()) {
      error = "inputs differ in element type";
      return failure();
    }
    shapes.emplace_back(t->shape.begin(), t->shape.end());
  }
  absl::StatusOr<::qc::Shape> concatenated = ::qc::concatShape(shapes, axis);
  if (!concatenated.ok()) {
    error = std::string(concatenated.status().message());
    return failure();
  }
  if (axis < 0) // in range: concatShape checked
    axis += rank;
  SmallVector<int64_t> shape(concatenated->begin(), concatenated->end());
  if (failed(checkResultSize(shape, error)))
    return failure();
  KnownTensor out;
  out.kind = first.kind;
  out.shape = shape;
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= shape[i];
  for (int64_t o = 0; o < outer; ++o) {
    for (const KnownTensor *t : inputs) {
      int64_t chunk = t->numElements() / std::max<int64_t>(outer, 1);
      for (int64_t i = o * chunk; i < (o + 1) * chunk; ++i) {
        if (out.isFloat()) {
          out.floats.push_back(t->floats[i]);
        } else {
          out.ints.push_back(t->ints[i]);
          if (t->isUnknown(i))
            out.setUnknown(out.ints.size() - 1, t->origins[i]);
        }
      }
    }
  }
  return out;
}

FailureOr<KnownTensor>
mlir::qc::importer::foldTranspose(const KnownTensor &data,
                                  ArrayRef<int64_t> perm, std::string &error) {
  size_t rank = data.shape.size();
  absl::StatusOr<::qc::Shape> transposed =
      ::qc::transposeShape(::qc::Shape(data.shape.begin(), data.shape.end()),
                           std::vector<int64_t>(perm.begin(), perm.end()));
  if (!transposed.ok()) {
    error = std::string(transposed.status().message());
    return failure();
  }
  SmallVector<int64_t> strides = stridesOf(data.shape);
  SmallVector<int64_t> shape(transposed->begin(), transposed->end());
  SmallVector<std::vector<int64_t>> perAxis(rank);
  if (elementCount(shape) == 0)
    return take(data, shape, {});
  for (size_t k = 0; k < rank; ++k) {
    int64_t p = perm[k];
    perAxis[k].resize(data.shape[p]);
    for (int64_t j = 0; j < data.shape[p]; ++j)
      perAxis[k][j] = j * strides[p];
  }
  return take(data, shape, mapOffsets(shape, perAxis));
}

FailureOr<KnownTensor> mlir::qc::importer::foldCast(const KnownTensor &data,
                                                    int32_t to,
                                                    std::string &error) {
  using DT = OnnxDataType;
  KnownTensor out;
  out.shape = data.shape;
  int64_t n = data.numElements();
  switch (static_cast<DT>(to)) {
  case DT::Float:
  case DT::Double:
  case DT::Float16:
  case DT::BFloat16: {
    if (!data.isFullyKnown()) {
      error = "cannot cast a value that depends on a dynamic dimension to " +
              onnxDataTypeName(to);
      return failure();
    }
    out.kind = KnownTensor::Kind::Float;
    out.floats.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      double v = data.asDouble(i);
      if (to == static_cast<int32_t>(DT::Float)) {
        v = static_cast<float>(v);
      } else if (to != static_cast<int32_t>(DT::Double)) {
        llvm::APFloat f(v);
        bool lost;
        f.convert(to == static_cast<int32_t>(DT::Float16)
                      ? llvm::APFloat::IEEEhalf()
                      : llvm::APFloat::BFloat(),
                  llvm::APFloat::rmNearestTiesToEven, &lost);
        v = f.convertToDouble();
      }
      out.floats[i] = v;
    }
    return out;
  }
  case DT::Bool:
    out.kind = KnownTensor::Kind::Bool;
    out.ints.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      if (data.isUnknown(i))
        out.setUnknown(i, DimOrigin());
      else
        out.ints[i] = data.asDouble(i) != 0;
    }
    return out;
  case DT::Int64:
  case DT::Int32:
  case DT::Int16:
  case DT::Int8:
  case DT::Uint8:
  case DT::Uint16:
  case DT::Uint32:
  case DT::Uint64: {
    out.kind = KnownTensor::Kind::Int;
    out.ints.resize(n);
    int64_t bits = onnxDataTypeSize(to) * 8;
    bool isSigned = to == static_cast<int32_t>(DT::Int64) ||
                    to == static_cast<int32_t>(DT::Int32) ||
                    to == static_cast<int32_t>(DT::Int16) ||
                    to == static_cast<int32_t>(DT::Int8);
    for (int64_t i = 0; i < n; ++i) {
      if (data.isUnknown(i)) {
        // Only a same-width integer cast keeps a dimension's identity.
        out.setUnknown(i, bits == 64 ? data.origins[i] : DimOrigin());
        continue;
      }
      int64_t v = data.asInt(i);
      if (bits < 64) { // wrap like a C cast to the narrower type
        uint64_t mask = (uint64_t(1) << bits) - 1;
        uint64_t u = static_cast<uint64_t>(v) & mask;
        if (isSigned && (u >> (bits - 1)))
          u |= ~mask;
        v = static_cast<int64_t>(u);
      }
      out.ints[i] = v;
    }
    return out;
  }
  default:
    error = "casting to " + onnxDataTypeName(to) + " is not supported";
    return failure();
  }
}
