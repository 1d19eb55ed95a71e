//===- CalibrationData.cpp - calibration samples from files ---------------===//
#include "passes/Quantize/CalibrationData.h"

#include "support/Npy.h"
#include "reference/Executor.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::qc;
using ::qc::DType;
using ::qc::NpyArray;

namespace {

StringRef toStringRef(absl::string_view s) { return {s.data(), s.size()}; }

//===----------------------------------------------------------------------===//
// Inputs and how data fits them
//===----------------------------------------------------------------------===//

/// A function argument that calibration data feeds.
struct InputInfo {
  std::string name;
  RankedTensorType type;
  DType dtype;
};

std::string dimsString(ArrayRef<int64_t> dims, StringRef first = "") {
  std::string s = "[";
  if (!first.empty())
    s += first.str() + (dims.empty() ? "" : ", ");
  for (auto [i, d] : llvm::enumerate(dims))
    s += (i ? ", " : "") + (ShapedType::isDynamic(d) ? std::string("?")
                                                      : std::to_string(d));
  return s + "]";
}

std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// Whether `shape` fits the static dimensions of `dims`.
bool fits(ArrayRef<int64_t> shape, ArrayRef<int64_t> dims) {
  if (shape.size() != dims.size())
    return false;
  for (auto [s, d] : llvm::zip(shape, dims))
    if (!ShapedType::isDynamic(d) && s != d)
      return false;
  return true;
}

/// How an array of samples (samples along axis 0) feeds an input.
enum class Layout {
  /// Same rank as the input: axis 0 is the input's batch dimension.
  Batched,
  /// One more dimension than the input: each row is one whole input.
  PerRow,
};

/// The message for data of the wrong dtype, or "".
std::string dtypeMismatch(const InputInfo &in, DType dtype) {
  if (dtype == in.dtype)
    return "";
  std::string s = "calibration data for input '" + in.name + "' is " +
                  std::string(::qc::dtypeName(dtype)) + ", expected " +
                  std::string(::qc::dtypeName(in.dtype)) + " (input type " +
                  typeString(in.type) + ")";
  if (in.dtype == DType::F32)
    s += "; convert it with arr.astype(np.float32)";
  return s;
}

/// Classifies an array holding samples along axis 0 for input `in`, or
/// emits an error at `loc`.
FailureOr<Layout> classifySamples(const InputInfo &in, DType dtype,
                                  ArrayRef<int64_t> shape, Location loc) {
  if (std::string m = dtypeMismatch(in, dtype); !m.empty())
    return emitError(loc) << m;
  ArrayRef<int64_t> dims = in.type.getShape();
  if (!dims.empty() && shape.size() == dims.size() &&
      fits(shape.drop_front(), dims.drop_front()))
    return Layout::Batched;
  if (shape.size() == dims.size() + 1 && fits(shape.drop_front(), dims))
    return Layout::PerRow;
  InFlightDiagnostic diag = emitError(loc);
  diag << "calibration data for input '" << in.name << "' has shape "
       << dimsString(shape) << "; expected ";
  if (!dims.empty())
    diag << dimsString(dims.drop_front(), "N");
  else
    diag << "[N]";
  diag << " (N samples along axis 0) for input type " << in.type;
  return failure();
}

/// How many samples one file of a calibration directory holds for `in` (a
/// batch with the input's rank, or one sample without the batch dimension),
/// or an error at `loc`.
FailureOr<int64_t> samplesInFile(const InputInfo &in, DType dtype,
                                 ArrayRef<int64_t> shape, Location loc) {
  if (std::string m = dtypeMismatch(in, dtype); !m.empty())
    return emitError(loc) << m;
  ArrayRef<int64_t> dims = in.type.getShape();
  if (fits(shape, dims))
    return dims.empty() ? 1 : shape[0];
  // Several batches of a static batch size S in one file: [k * S, ...] is
  // fed S samples at a time.
  if (!dims.empty() && shape.size() == dims.size() &&
      !ShapedType::isDynamic(dims[0]) && dims[0] > 0 &&
      shape[0] % dims[0] == 0 && fits(shape.drop_front(), dims.drop_front()))
    return shape[0];
  if (!dims.empty() && (dims[0] == 1 || ShapedType::isDynamic(dims[0])) &&
      fits(shape, dims.drop_front()))
    return 1;
  InFlightDiagnostic diag = emitError(loc);
  diag << "calibration data for input '" << in.name << "' has shape "
       << dimsString(shape) << "; expected ";
  if (!dims.empty()) {
    diag << "one sample " << dimsString(dims.drop_front()) << " or a batch "
         << dimsString(dims.drop_front(), "B");
    if (!ShapedType::isDynamic(dims[0]))
      diag << " with B a multiple of " << dims[0];
  }
  else
    diag << "[]";
  diag << " for input type " << in.type;
  return failure();
}

/// Rows [begin, begin + count) of an in-memory array.
NpyArray sliceRows(const NpyArray &a, int64_t begin, int64_t count) {
  NpyArray out;
  out.dtype = a.dtype;
  out.shape = a.shape;
  out.shape[0] = count;
  size_t rowBytes = a.shape[0] == 0 ? 0 : a.data.size() / a.shape[0];
  out.data.assign(a.data.begin() + begin * rowBytes,
                  a.data.begin() + (begin + count) * rowBytes);
  return out;
}

/// Drops axis 0 (of size 1) of a PerRow sample.
void dropRowAxis(NpyArray &a) { a.shape.erase(a.shape.begin()); }

/// Adds a batch dimension of 1 to a single sample.
void addBatchAxis(NpyArray &a) { a.shape.insert(a.shape.begin(), 1); }

} // namespace

//===----------------------------------------------------------------------===//
// Sources
//===----------------------------------------------------------------------===//

struct CalibrationData::Source {
  virtual ~Source() = default;
  virtual FailureOr<std::optional<Batch>> next() = 0;
};

namespace {

using Batch = CalibrationData::Batch;

/// Rows of arrays that hold samples along axis 0: one .npy file read range by
/// range, or the arrays of an .npz held in memory.
class RowSource : public CalibrationData::Source {
public:
  struct Feed {
    Layout layout;
    /// Either a file read by rows, or an array in memory.
    std::string path;
    ::qc::NpyHeader header;
    std::optional<NpyArray> array;
  };

  RowSource(std::string name, std::vector<Feed> feeds, int64_t batch,
            int64_t limit)
      : name(std::move(name)), feeds(std::move(feeds)), batch(batch),
        limit(limit) {}

  FailureOr<std::optional<Batch>> next() override {
    if (position >= limit)
      return std::optional<Batch>();
    int64_t count = std::min(batch, limit - position);
    Batch b;
    b.samples = count;
    b.source = name + (count == 1 ? " row " + std::to_string(position)
                                  : " rows " + std::to_string(position) +
                                        ".." +
                                        std::to_string(position + count - 1));
    for (Feed &feed : feeds) {
      NpyArray rows;
      if (feed.array) {
        rows = sliceRows(*feed.array, position, count);
      } else {
        absl::StatusOr<NpyArray> r =
            ::qc::readNpyRows(feed.path, feed.header, position, count);
        if (!r.ok())
          return emitError(loc) << toStringRef(r.status().message());
        rows = std::move(*r);
      }
      if (feed.layout == Layout::PerRow)
        dropRowAxis(rows);
      b.inputs.push_back(std::move(rows));
    }
    position += count;
    return std::optional<Batch>(std::move(b));
  }

  Location loc = UnknownLoc();

private:
  std::string name;
  std::vector<Feed> feeds;
  int64_t batch;
  int64_t limit;
  int64_t position = 0;
};

/// A directory: one sample or batch per file.
class DirectorySource : public CalibrationData::Source {
public:
  DirectorySource(MLIRContext *context, std::vector<InputInfo> inputs,
                  std::vector<std::string> files, int64_t limit)
      : context(context), inputs(std::move(inputs)), files(std::move(files)),
        limit(limit) {}

  /// Reads file `i` as one array per input, with the samples it holds.
  FailureOr<std::pair<std::vector<NpyArray>, int64_t>>
  read(const std::string &path) {
    Location loc = FileLineColLoc::get(context, path, 0, 0);
    std::vector<NpyArray> arrays;
    if (StringRef(path).ends_with(".npy")) {
      absl::StatusOr<NpyArray> a = ::qc::readNpy(path);
      if (!a.ok())
        return emitError(loc) << toStringRef(a.status().message());
      arrays.push_back(std::move(*a));
    } else {
      absl::StatusOr<std::map<std::string, NpyArray>> z = ::qc::readNpz(path);
      if (!z.ok())
        return emitError(loc) << toStringRef(z.status().message());
      for (const InputInfo &in : inputs) {
        auto it = z->find(in.name);
        if (it == z->end())
          return emitError(loc) << "no array named '" << in.name
                                << "' for input '" << in.name
                                << "' (arrays: " << keys(*z) << ")";
        arrays.push_back(std::move(it->second));
      }
    }
    int64_t samples = -1;
    for (auto [in, a] : llvm::zip(inputs, arrays)) {
      FailureOr<int64_t> n = samplesInFile(in, a.dtype, a.shape, loc);
      if (failed(n))
        return failure();
      bool single = a.shape.size() + 1 == static_cast<size_t>(in.type.getRank());
      if (single)
        addBatchAxis(a);
      if (samples >= 0 && *n != samples)
        return emitError(loc) << "the arrays hold different numbers of "
                                 "samples ("
                              << samples << " and " << *n << ")";
      samples = *n;
    }
    return std::make_pair(std::move(arrays), samples);
  }

  FailureOr<std::optional<Batch>> next() override {
    while (delivered < limit) {
      if (position >= rows) {
        if (fileIndex >= files.size())
          break;
        path = files[fileIndex++];
        auto r = read(path);
        if (failed(r))
          return failure();
        current = std::move(r->first);
        rows = r->second;
        position = 0;
        continue;
      }
      // A static batch size takes the file's rows that many at a time;
      // otherwise the whole file is one run.
      int64_t step = rows - position;
      if (int64_t s = inputs[0].type.getRank() ? inputs[0].type.getDimSize(0)
                                               : ShapedType::kDynamic;
          !ShapedType::isDynamic(s)) {
        step = std::min(step, s);
        if (limit - delivered < s) // --max-calib-samples ends mid-batch
          break;
      }
      Batch b;
      b.samples = std::min(step, limit - delivered);
      b.source = path;
      for (NpyArray &a : current)
        b.inputs.push_back(position == 0 && b.samples == rows
                               ? std::move(a)
                               : sliceRows(a, position, b.samples));
      position += step;
      delivered += b.samples;
      return std::optional<Batch>(std::move(b));
    }
    return std::optional<Batch>();
  }

  static std::string keys(const std::map<std::string, NpyArray> &arrays) {
    std::string s;
    for (const auto &[k, v] : arrays)
      s += (s.empty() ? "" : ", ") + k;
    return s.empty() ? "none" : s;
  }

private:
  MLIRContext *context;
  std::vector<InputInfo> inputs;
  std::vector<std::string> files;
  int64_t limit;
  size_t fileIndex = 0;
  int64_t delivered = 0;
  /// The file being fed: its arrays, rows, and the next row.
  std::string path;
  std::vector<NpyArray> current;
  int64_t rows = 0;
  int64_t position = 0;
};

std::string argumentName(func::FuncOp func, unsigned i) {
  if (auto name = func.getArgAttrOfType<StringAttr>(i, "qc.name"))
    return name.str();
  return "arg" + std::to_string(i);
}

std::string inputList(ArrayRef<InputInfo> inputs) {
  std::string s;
  for (const InputInfo &in : inputs)
    s += (s.empty() ? "" : ", ") + in.name + " (" + typeString(in.type) + ")";
  return s;
}

} // namespace

CalibrationData::~CalibrationData() = default;

std::string mlir::qc::calibrationDataPath(func::FuncOp func,
                                          StringRef explicitPath,
                                          CalibrationDataOptions &options) {
  if (!explicitPath.empty())
    return explicitPath.str();
  auto d = func->getAttrOfType<DictionaryAttr>(kCalibrationDataAttr);
  if (!d)
    return "";
  if (auto m = d.getAs<IntegerAttr>("max_samples"))
    options.maxSamples = m.getInt();
  if (auto bs = d.getAs<IntegerAttr>("batch_size"))
    options.batchSize = bs.getInt();
  auto p = d.getAs<StringAttr>("path");
  return p ? p.getValue().str() : "";
}

FailureOr<std::unique_ptr<CalibrationData>>
CalibrationData::open(func::FuncOp func, StringRef pathRef,
                      const CalibrationDataOptions &options) {
  MLIRContext *context = func.getContext();
  std::string path = pathRef.str();
  Location loc = FileLineColLoc::get(context, path, 0, 0);
  std::vector<InputInfo> inputs;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    auto type = dyn_cast<RankedTensorType>(func.getArgument(i).getType());
    std::optional<DType> dtype =
        type ? dtypeOf(type.getElementType()) : std::nullopt;
    if (!dtype)
      return emitError(loc) << "cannot calibrate: input '"
                            << argumentName(func, i) << "' has type "
                            << func.getArgument(i).getType()
                            << "; inputs must be ranked f32 (or integer) "
                               "tensors";
    inputs.push_back({argumentName(func, i), type, *dtype});
  }
  if (inputs.empty())
    return emitError(loc) << "cannot calibrate a function without inputs";
  if (options.maxSamples == 0)
    return emitError(loc) << "no calibration samples: the sample limit is 0";
  int64_t maxSamples = options.maxSamples < 0
                           ? std::numeric_limits<int64_t>::max()
                           : options.maxSamples;

  auto data = std::unique_ptr<CalibrationData>(new CalibrationData());
  if (!llvm::sys::fs::exists(path))
    return emitError(loc) << "no such calibration file or directory";

  if (llvm::sys::fs::is_directory(path)) {
    std::vector<std::string> files;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(path, ec), end;
         it != end && !ec; it.increment(ec)) {
      StringRef ext = llvm::sys::path::extension(it->path());
      if (ext == ".npy" || ext == ".npz")
        files.push_back(it->path());
    }
    if (ec)
      return emitError(loc) << "cannot list the directory: " << ec.message();
    std::sort(files.begin(), files.end());
    if (files.empty())
      return emitError(loc)
             << "no calibration samples: the directory has no .npy or .npz "
                "files";
    bool anyNpy = llvm::any_of(
        files, [](StringRef f) { return f.ends_with(".npy"); });
    if (anyNpy && inputs.size() != 1)
      return emitError(loc) << "the directory has .npy files, but the model "
                               "has "
                            << inputs.size() << " inputs (" << inputList(inputs)
                            << "); give one .npz per sample with an array "
                               "per input";
    auto source = std::make_unique<DirectorySource>(context, inputs, files,
                                                    maxSamples);
    // Count (and check) the samples up front: headers for .npy files, the
    // archives for .npz files (read again, one at a time, when calibrating).
    int64_t total = 0;
    for (const std::string &file : files) {
      Location fileLoc = FileLineColLoc::get(context, file, 0, 0);
      int64_t n;
      if (StringRef(file).ends_with(".npy")) {
        absl::StatusOr<::qc::NpyHeader> header = ::qc::readNpyHeader(file);
        if (!header.ok())
          return emitError(fileLoc) << toStringRef(header.status().message());
        FailureOr<int64_t> samples =
            samplesInFile(inputs[0], header->dtype, header->shape, fileLoc);
        if (failed(samples))
          return failure();
        n = *samples;
      } else {
        auto r = source->read(file);
        if (failed(r))
          return failure();
        n = r->second;
      }
      total += n;
    }
    data->total = std::min(total, maxSamples);
    data->source = std::move(source);
  } else {
    StringRef ext = llvm::sys::path::extension(path);
    if (ext != ".npy" && ext != ".npz")
      return emitError(loc) << "calibration data must be an .npy file, an "
                               ".npz file or a directory of them";
    std::vector<RowSource::Feed> feeds;
    int64_t rows = -1;
    if (ext == ".npy") {
      if (inputs.size() != 1)
        return emitError(loc) << "an .npy file feeds single-input models, but "
                                 "the model has "
                              << inputs.size() << " inputs ("
                              << inputList(inputs)
                              << "); give an .npz with one array per input";
      absl::StatusOr<::qc::NpyHeader> header = ::qc::readNpyHeader(path);
      if (!header.ok())
        return emitError(loc) << toStringRef(header.status().message());
      FailureOr<Layout> layout =
          classifySamples(inputs[0], header->dtype, header->shape, loc);
      if (failed(layout))
        return failure();
      rows = header->shape[0];
      feeds.push_back({*layout, path, *header, std::nullopt});
    } else {
      absl::StatusOr<std::map<std::string, NpyArray>> arrays =
          ::qc::readNpz(path);
      if (!arrays.ok())
        return emitError(loc) << toStringRef(arrays.status().message());
      for (const InputInfo &in : inputs) {
        auto it = arrays->find(in.name);
        if (it == arrays->end())
          return emitError(loc)
                 << "no array named '" << in.name << "' for input '" << in.name
                 << "' (arrays: " << DirectorySource::keys(*arrays)
                 << "; inputs: " << inputList(inputs) << ")";
        FailureOr<Layout> layout =
            classifySamples(in, it->second.dtype, it->second.shape, loc);
        if (failed(layout))
          return failure();
        if (rows >= 0 && it->second.shape[0] != rows)
          return emitError(loc)
                 << "the arrays hold different numbers of samples (" << rows
                 << " and " << it->second.shape[0] << " for '" << in.name
                 << "')";
        rows = it->second.shape[0];
        feeds.push_back({*layout, "", {}, std::move(it->second)});
      }
    }
    // Batch size: the option, else the static batch dimension, else 1.
    int64_t batch = 1;
    bool perRow = feeds[0].layout == Layout::PerRow;
    int64_t staticBatch = ShapedType::kDynamic;
    if (!perRow && !ShapedType::isDynamic(inputs[0].type.getDimSize(0)))
      staticBatch = inputs[0].type.getDimSize(0);
    if (!perRow && options.batchSize > 0) {
      if (!ShapedType::isDynamic(staticBatch) &&
          options.batchSize != staticBatch)
        return emitError(loc) << "batch size " << options.batchSize
                              << " does not fit input '" << inputs[0].name
                              << "' (" << inputs[0].type
                              << "), whose batch dimension is " << staticBatch;
      batch = options.batchSize;
    } else if (!ShapedType::isDynamic(staticBatch)) {
      batch = staticBatch;
    }
    int64_t limit = std::min(rows, maxSamples);
    if (batch > 1 && !ShapedType::isDynamic(staticBatch) && limit % batch) {
      emitWarning(loc) << "the last " << limit % batch << " of " << limit
                       << " samples do not fill a batch of " << batch
                       << " (the model's static batch size) and are not used";
      limit -= limit % batch;
    }
    if (limit <= 0)
      return emitError(loc) << "no calibration samples: "
                            << (rows == 0 ? "the data has 0 rows"
                                          : "fewer samples than one batch");
    auto source = std::make_unique<RowSource>(
        llvm::sys::path::filename(path).str(), std::move(feeds),
        perRow ? 1 : batch, limit);
    source->loc = loc;
    data->source = std::move(source);
    data->total = limit;
  }
  if (data->total <= 0)
    return emitError(loc) << "no calibration samples (every file is empty)";
  return data;
}

FailureOr<std::optional<CalibrationSource::Batch>> CalibrationData::next() {
  return source->next();
}

