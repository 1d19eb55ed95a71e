//===- Executor.cpp - qc's reference executor -----------------------------===//
//
// Walks the single block of a func.func, evaluating each qc op with the
// reference kernels (Kernels.h). Ops are dispatched on their C++ classes with
// llvm::TypeSwitch. Every failure is a diagnostic at the op's location (for
// imported models a NameLoc carrying the ONNX node name).
//
//===----------------------------------------------------------------------===//
#include "reference/Executor.h"

#include "reference/Kernels.h"
#include "reference/KernelsAny.h"
#include "reference/KernelsInt.h"
#include "support/MemoryLimit.h"
#include "dialects/qc/IR/QCAttrs.h"
#include "dialects/qc/IR/QCConstants.h"
#include "dialects/qc/IR/QCOps.h"
#include "dialects/qc/IR/WeightOnlyForm.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/SwapByteOrder.h"

#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <variant>

using namespace mlir;
using namespace mlir::qc;

namespace ref = ::qc::ref;
using ::qc::DType;
using ::qc::NpyArray;
using ::qc::Shape;

namespace {

//===----------------------------------------------------------------------===//
// Runtime values
//===----------------------------------------------------------------------===//

/// A tensor while the executor runs, tagged with its element type. Storage:
///   f32                        ref::Tensor
///   ui8, i8, i16, i32, i1      ref::QTensor (int32; i1 as 0 / 1)
///   i64                        ref::I64Tensor
///   f64                        ref::F64Tensor
/// (the quantized integer types of quantized programs are the QTensor ones).
/// Accessors return null for the other kinds, so op handlers report a dtype
/// they do not take instead of misreading it.
class RtTensor {
public:
  using Storage =
      std::variant<ref::Tensor, ref::QTensor, ref::I64Tensor, ref::F64Tensor>;

  explicit RtTensor(ref::Tensor t) : type(DType::F32), storage(std::move(t)) {}
  RtTensor(ref::QTensor t, DType dtype) : type(dtype), storage(std::move(t)) {}
  explicit RtTensor(ref::I64Tensor t)
      : type(DType::I64), storage(std::move(t)) {}
  explicit RtTensor(ref::F64Tensor t)
      : type(DType::F64), storage(std::move(t)) {}

  DType dtype() const { return type; }
  const Storage &data() const { return storage; }
  const ref::Tensor *getF32() const {
    return std::get_if<ref::Tensor>(&storage);
  }
  /// The int32-held types (quantized storage, i32, i1).
  const ref::QTensor *getInt() const {
    return std::get_if<ref::QTensor>(&storage);
  }
  const ref::I64Tensor *getI64() const {
    return std::get_if<ref::I64Tensor>(&storage);
  }
  const ref::F64Tensor *getF64() const {
    return std::get_if<ref::F64Tensor>(&storage);
  }
  Shape shape() const {
    return std::visit(
        [](const auto &t) { return Shape(t.shape().begin(), t.shape().end()); },
        storage);
  }
  /// Bytes held (the types of QTensor storage as int32).
  int64_t numBytes() const {
    return std::visit(
        [](const auto &t) {
          return static_cast<int64_t>(t.size() * sizeof(t.data()[0]));
        },
        storage);
  }
  NpyArray toArray() const {
    if (const ref::Tensor *t = getF32())
      return ::qc::fromFloatArray(*t);
    NpyArray array;
    array.dtype = type;
    array.shape = shape();
    size_t size = ::qc::dtypeSize(type);
    std::visit(
        [&](const auto &t) {
          array.data.resize(t.size() * size);
          for (size_t i = 0; i < t.size(); ++i)
            store(array.data.data() + i * size, t.data()[i]);
        },
        storage);
    return array;
  }

private:
  /// Writes one element as `type`. Values are within the dtype's range: they
  /// come from an .npy of that dtype, a constant, a clamping qc.quantize or
  /// a kernel whose result the executor narrowed to the type.
  template <typename V> void store(uint8_t *out, V v) const {
    if (type == DType::F32) {
      float x = static_cast<float>(v);
      std::memcpy(out, &x, sizeof(x));
    } else if (type == DType::F64) {
      double x = static_cast<double>(v);
      std::memcpy(out, &x, sizeof(x));
    } else {
      // An integer dtype: the low bytes of the value as int64 (what the
      // narrowing cast keeps of a value within the dtype's range).
      static_assert(llvm::sys::IsLittleEndianHost);
      int64_t x = static_cast<int64_t>(v);
      std::memcpy(out, &x, ::qc::dtypeSize(type));
    }
  }

  DType type;
  Storage storage;
};

using RtValue = std::shared_ptr<const RtTensor>;

RtValue makeValue(ref::Tensor t) {
  return std::make_shared<const RtTensor>(std::move(t));
}
RtValue makeValue(ref::QTensor t, DType dtype) {
  return std::make_shared<const RtTensor>(std::move(t), dtype);
}
RtValue makeValue(ref::I64Tensor t) {
  return std::make_shared<const RtTensor>(std::move(t));
}
RtValue makeValue(ref::F64Tensor t) {
  return std::make_shared<const RtTensor>(std::move(t));
}

/// Whether `dtype` is an integer type (i1 included).
bool isIntegerType(DType dtype) {
  return dtype != DType::F32 && dtype != DType::F64;
}

/// The width in bits of integer `dtype` and whether it is unsigned.
std::pair<int, bool> intWidth(DType dtype) {
  switch (dtype) {
  case DType::U8:
    return {8, true};
  case DType::Bool:
    return {1, true};
  case DType::I8:
    return {8, false};
  case DType::I16:
    return {16, false};
  case DType::I32:
    return {32, false};
  default:
    return {64, false};
  }
}

/// `t`'s elements converted to the element type of To (same shape).
template <typename To, typename From> To converted(const From &t) {
  To out = To::from_shape(t.shape());
  std::copy(t.begin(), t.end(), out.begin());
  return out;
}

/// An integer value `t` (any integer storage) widened to int64.
ref::I64Tensor widenInt(const RtTensor &t) {
  if (const ref::I64Tensor *v = t.getI64())
    return *v;
  return converted<ref::I64Tensor>(*t.getInt());
}

/// A float value `t` (f32 or f64) widened to double.
ref::F64Tensor widenFloat(const RtTensor &t) {
  if (const ref::F64Tensor *v = t.getF64())
    return *v;
  return converted<ref::F64Tensor>(*t.getF32());
}

/// int64 values wrapped (two's complement) to integer `dtype` (i1: x != 0).
RtValue narrowInt(ref::I64Tensor t, DType dtype) {
  if (dtype == DType::I64)
    return makeValue(std::move(t));
  ref::QTensor q = ref::QTensor::from_shape(t.shape());
  for (size_t i = 0; i < t.size(); ++i) {
    int64_t v = t.data()[i];
    switch (dtype) {
    case DType::U8:
      q.data()[i] = static_cast<uint8_t>(v);
      break;
    case DType::I8:
      q.data()[i] = static_cast<int8_t>(v);
      break;
    case DType::I16:
      q.data()[i] = static_cast<int16_t>(v);
      break;
    case DType::Bool:
      q.data()[i] = v != 0;
      break;
    default:
      q.data()[i] = static_cast<int32_t>(static_cast<uint32_t>(v));
      break;
    }
  }
  return makeValue(std::move(q), dtype);
}

/// double values as float `dtype` (f32 rounds to nearest).
RtValue narrowFloat(ref::F64Tensor t, DType dtype) {
  if (dtype == DType::F64)
    return makeValue(std::move(t));
  return makeValue(converted<ref::Tensor>(t));
}

/// Reads element `i` of a little-endian integer buffer of `dtype`.
int32_t loadInt(const uint8_t *data, size_t i, DType dtype) {
  switch (dtype) {
  case DType::U8:
    return data[i];
  case DType::Bool:
    return data[i] != 0;
  case DType::I8:
    return static_cast<int8_t>(data[i]);
  case DType::I16: {
    int16_t v;
    std::memcpy(&v, data + 2 * i, 2);
    return v;
  }
  case DType::I64: {
    // Callers check that the value fits (int64 constants).
    int64_t v;
    std::memcpy(&v, data + 8 * i, 8);
    return static_cast<int32_t>(v);
  }
  default: {
    int32_t v;
    std::memcpy(&v, data + 4 * i, 4);
    return v;
  }
  }
}

/// An integer tensor of `shape` from raw little-endian `bytes` of `dtype`.
ref::QTensor intTensorFromBytes(ArrayRef<int64_t> shape, const uint8_t *bytes,
                                DType dtype) {
  std::vector<size_t> dims(shape.begin(), shape.end());
  ref::QTensor t = ref::QTensor::from_shape(dims);
  for (size_t i = 0; i < t.size(); ++i)
    t.data()[i] = loadInt(bytes, i, dtype);
  return t;
}

/// absl::string_view as an LLVM StringRef (diagnostics would print a
/// string view as a list of characters).
StringRef toStringRef(absl::string_view s) {
  return StringRef(s.data(), s.size());
}

std::string shapeString(ArrayRef<int64_t> shape) {
  return ::qc::shapeToString(Shape(shape.begin(), shape.end()));
}

/// Converts an array to a runtime value of element type `expected` (an
/// argument's type); `what` names it in errors.
FailureOr<RtValue> arrayToValue(const NpyArray &array, RankedTensorType type,
                                function_ref<InFlightDiagnostic()> emit,
                                StringRef what) {
  if (absl::Status st = ::qc::verifyNpyArray(array, what.str()); !st.ok())
    return emit() << toStringRef(st.message());
  std::optional<DType> expected = dtypeOf(type.getElementType());
  if (!expected || array.dtype != *expected)
    return emit() << what << " is " << ::qc::dtypeName(array.dtype)
                  << ", expected "
                  << (expected ? ::qc::dtypeName(*expected) : "float32")
                  << " (" << type << ")";
  if (*expected == DType::I64 || *expected == DType::F64) {
    std::vector<size_t> dims(array.shape.begin(), array.shape.end());
    if (*expected == DType::I64) {
      ref::I64Tensor t = ref::I64Tensor::from_shape(dims);
      if (t.size())
        std::memcpy(t.data(), array.data.data(), t.size() * 8);
      return makeValue(std::move(t));
    }
    ref::F64Tensor t = ref::F64Tensor::from_shape(dims);
    if (t.size())
      std::memcpy(t.data(), array.data.data(), t.size() * 8);
    return makeValue(std::move(t));
  }
  if (*expected != DType::F32)
    return makeValue(intTensorFromBytes(array.shape, array.data.data(),
                                        *expected),
                     *expected);
  absl::StatusOr<ref::Tensor> t = ::qc::toFloatArray(array, what.str());
  if (!t.ok())
    return emit() << toStringRef(t.status().message());
  return makeValue(std::move(*t));
}

/// Checks that `shape` fits `type` (rank, and every static dimension).
bool shapeFits(ArrayRef<int64_t> shape, RankedTensorType type) {
  if (static_cast<int64_t>(shape.size()) != type.getRank())
    return false;
  for (auto [d, t] : llvm::zip(shape, type.getShape()))
    if (!ShapedType::isDynamic(t) && d != t)
      return false;
  return true;
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

/// What a kernel error says, with the memory cap (`cap` bytes) and its flag
/// when the error is a tensor the cap has no room for.
std::string kernelMessage(const absl::Status &status, int64_t cap) {
  std::string message(status.message());
  if (absl::IsResourceExhausted(status))
    message += " of " + ::qc::formatBytes(cap) +
               " (raise it with --max-memory SIZE)";
  return message;
}

/// The memory a run holds against its cap: live tensors (inputs and op
/// results not yet released) and decoded constants. Every tensor is checked
/// here before it is allocated.
struct MemoryAccount {
  int64_t cap = 0;
  int64_t live = 0;
  int64_t constants = 0;

  int64_t held() const { return live + constants; }
  int64_t left() const { return std::max<int64_t>(cap - held(), 0); }

  /// Checks that a tensor of `shape` (4 bytes per element: f32, or the int32
  /// storage of integer tensors) fits under the cap next to what the run
  /// holds; a diagnostic from `emit` naming `what`, the shape and the bytes
  /// otherwise.
  LogicalResult check(ArrayRef<int64_t> shape, StringRef what,
                      function_ref<InFlightDiagnostic()> emit) const {
    ::qc::Shape dims(shape.begin(), shape.end());
    std::optional<int64_t> bytes = ::qc::tensorBytes(dims, 4);
    if (!bytes)
      return emit() << what << " of shape " << ::qc::shapeToString(dims)
                    << " has a negative dimension or more elements than an "
                       "int64 holds";
    int64_t total;
    if (!__builtin_add_overflow(held(), *bytes, &total) && total <= cap)
      return success();
    InFlightDiagnostic diag = emit();
    diag << what << " of shape " << ::qc::shapeToString(dims) << " needs "
         << ::qc::formatBytes(*bytes) << " (" << *bytes << " bytes), more than ";
    if (held() > 0)
      diag << "the " << ::qc::formatBytes(left()) << " left of ";
    diag << "the memory cap of " << ::qc::formatBytes(cap)
         << " (raise it with --max-memory SIZE)";
    return diag;
  }
};

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

/// `t` (sized for the constant) filled from the constant's resource blob
/// `bytes`; failure when the sizes differ.
template <typename Tensor>
FailureOr<Tensor> fromBlob(ArrayRef<char> bytes, Tensor t) {
  if (bytes.size() != t.size() * sizeof(typename Tensor::value_type))
    return failure();
  if (!bytes.empty())
    std::memcpy(t.data(), bytes.data(), bytes.size());
  return t;
}

/// Decodes an f32 constant attribute into a tensor. Failure (no diagnostic)
/// for other element types or a missing / short resource blob.
FailureOr<ref::Tensor> decodeF32(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isF32())
    return failure();
  std::vector<size_t> shape(type.getShape().begin(), type.getShape().end());
  ref::Tensor t = ref::Tensor::from_shape(shape);
  if (FailureOr<ArrayRef<char>> bytes = getResourceBytes(attr);
      succeeded(bytes))
    return fromBlob(*bytes, std::move(t));
  // A splat (e.g. ONNX Expand's ones) is filled, not expanded to a vector
  // first (twice the memory, and slow for a large one).
  if (auto dense = dyn_cast<DenseElementsAttr>(attr); dense && dense.isSplat()) {
    std::fill(t.begin(), t.end(), dense.getSplatValue<float>());
    return t;
  }
  FailureOr<std::vector<float>> values = getConstantValues<float>(attr);
  if (failed(values) || values->size() != t.size())
    return failure();
  std::copy(values->begin(), values->end(), t.begin());
  return t;
}

/// Decodes an integer constant (ui8, i8, i16, i32) into a tensor of `dtype`.
/// Failure (no diagnostic) for a missing / short resource blob.
FailureOr<ref::QTensor> decodeInt(ElementsAttr attr, DType dtype) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.hasStaticShape())
    return failure();
  size_t n = type.getNumElements();
  if (FailureOr<ArrayRef<char>> bytes = getResourceBytes(attr);
      succeeded(bytes)) {
    if (bytes->size() != n * ::qc::dtypeSize(dtype))
      return failure();
    if (dtype == DType::I64)
      for (size_t i = 0; i < n; ++i) {
        int64_t v;
        std::memcpy(&v, bytes->data() + 8 * i, 8);
        if (v < INT32_MIN || v > INT32_MAX)
          return failure();
      }
    return intTensorFromBytes(
        type.getShape(), reinterpret_cast<const uint8_t *>(bytes->data()),
        dtype);
  }
  auto dense = dyn_cast<DenseIntElementsAttr>(attr);
  if (!dense || static_cast<size_t>(dense.getNumElements()) != n)
    return failure();
  std::vector<size_t> dims(type.getShape().begin(), type.getShape().end());
  ref::QTensor t = ref::QTensor::from_shape(dims);
  bool isUnsigned = dtype == DType::U8 || dtype == DType::Bool;
  size_t i = 0;
  for (const APInt &v : dense.getValues<APInt>())
    t.data()[i++] = static_cast<int32_t>(isUnsigned ? v.getZExtValue()
                                                    : v.getSExtValue());
  return t;
}

/// Decodes an i64 or f64 constant into a tensor of T (int64_t or double).
/// Failure (no diagnostic) for a missing / short resource blob.
template <typename T> FailureOr<xt::xarray<T>> decodeWide(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.hasStaticShape())
    return failure();
  std::vector<size_t> dims(type.getShape().begin(), type.getShape().end());
  xt::xarray<T> t = xt::xarray<T>::from_shape(dims);
  if (FailureOr<ArrayRef<char>> bytes = getResourceBytes(attr);
      succeeded(bytes))
    return fromBlob(*bytes, std::move(t));
  constexpr bool isDouble = std::is_same_v<T, double>;
  using Dense =
      std::conditional_t<isDouble, DenseFPElementsAttr, DenseIntElementsAttr>;
  auto dense = dyn_cast<Dense>(attr);
  if (!dense || static_cast<size_t>(dense.getNumElements()) != t.size())
    return failure();
  size_t i = 0;
  if constexpr (isDouble)
    for (const APFloat &v : dense.template getValues<APFloat>())
      t.data()[i++] = v.convertToDouble();
  else
    for (const APInt &v : dense.template getValues<APInt>())
      t.data()[i++] = v.getSExtValue();
  return t;
}

/// Decoded constants, keyed by their (immutable, uniqued) attribute.
struct ConstantCache {
  llvm::DenseMap<Attribute, RtValue> values;
  /// The decoded tensors, so that a value aliasing one (qc.observe of a
  /// weight) is not counted as live memory.
  llvm::DenseSet<const RtTensor *> tensors;
  int64_t bytes = 0;

  /// The decoded value of `op`; the first time, `memory` (when given) must
  /// have room for it.
  FailureOr<RtValue> get(ConstantOp op, const MemoryAccount *memory) {
    ElementsAttr attr = op.getValue();
    auto it = values.find(attr);
    if (it != values.end())
      return it->second;
    std::optional<DType> dtype = dtypeOf(attr.getElementType());
    if (!dtype)
      return op.emitError()
             << "constant of element type " << attr.getElementType()
             << " is not supported by the reference executor (f32, f64, ui8, "
                "i8, i16, i32, i64 or i1)";
    if (auto type = dyn_cast<RankedTensorType>(attr.getType());
        memory && type && type.hasStaticShape() &&
        failed(memory->check(type.getShape(), "'qc.constant' value",
                             [&] { return op.emitError(); })))
      return failure();
    RtValue v;
    if (*dtype == DType::F32) {
      FailureOr<ref::Tensor> t = decodeF32(attr);
      if (succeeded(t))
        v = makeValue(std::move(*t));
    } else if (*dtype == DType::I64) {
      FailureOr<ref::I64Tensor> t = decodeWide<int64_t>(attr);
      if (succeeded(t))
        v = makeValue(std::move(*t));
    } else if (*dtype == DType::F64) {
      FailureOr<ref::F64Tensor> t = decodeWide<double>(attr);
      if (succeeded(t))
        v = makeValue(std::move(*t));
    } else {
      FailureOr<ref::QTensor> t = decodeInt(attr, *dtype);
      if (succeeded(t))
        v = makeValue(std::move(*t), *dtype);
    }
    if (!v)
      return op.emitError() << "constant has no readable data (a "
                               "dense_resource whose blob is missing or does "
                               "not hold "
                            << attr.getNumElements() << " "
                            << ::qc::dtypeName(*dtype) << " values)";
    bytes += v->numBytes();
    values.try_emplace(attr, v);
    tensors.insert(v.get());
    return v;
  }
};

//===----------------------------------------------------------------------===//
// Op evaluation
//===----------------------------------------------------------------------===//

std::vector<int64_t> toVector(ArrayRef<int64_t> values) {
  return std::vector<int64_t>(values.begin(), values.end());
}

/// The kernel kind of an ONNX Reduce* op (ReduceMean has its own kernel).
using RK = ref::ReduceKind;
RK reduceKind(ReduceMaxOp) { return RK::Max; }
RK reduceKind(ReduceMinOp) { return RK::Min; }
RK reduceKind(ReduceSumOp) { return RK::Sum; }
RK reduceKind(ReduceProdOp) { return RK::Prod; }
RK reduceKind(ReduceSumSquareOp) { return RK::SumSquare; }
RK reduceKind(ReduceL1Op) { return RK::L1; }
RK reduceKind(ReduceL2Op) { return RK::L2; }
RK reduceKind(ReduceLogSumOp) { return RK::LogSum; }
RK reduceKind(ReduceLogSumExpOp) { return RK::LogSumExp; }

/// Evaluates one op. `operands` line up with op->getOperands().
class OpEvaluator {
public:
  OpEvaluator(Operation *op, ArrayRef<RtValue> operands,
              ConstantCache &constants, const RunOptions *options,
              const MemoryAccount *memory = nullptr)
      : op(op), operands(operands), constants(constants), options(options),
        memory(memory) {}

  /// std::nullopt (and no diagnostic) when the executor does not implement
  /// `op`; otherwise the result, or failure after a diagnostic at the op.
  std::optional<FailureOr<RtValue>> evaluate();

private:
  using Result = FailureOr<RtValue>;

  /// Operand `i` as an f32 tensor, or a diagnostic.
  FailureOr<const ref::Tensor *> f32(unsigned i) {
    const ref::Tensor *t = operands[i]->getF32();
    if (!t)
      return op->emitError() << "operand #" << i << " is "
                             << ::qc::dtypeName(operands[i]->dtype())
                             << "; this op runs on float32 tensors only";
    return t;
  }

  /// Operand `i` as an integer tensor, or a diagnostic.
  FailureOr<const ref::QTensor *> integer(unsigned i) {
    const ref::QTensor *t = operands[i]->getInt();
    if (!t)
      return op->emitError()
             << "operand #" << i << " is "
             << ::qc::dtypeName(operands[i]->dtype())
             << "; this op takes an integer (quantized) tensor";
    return t;
  }

  /// Optional operand `i` (present when `v` is non-null) as f32.
  FailureOr<const ref::Tensor *> optionalF32(Value v, unsigned i) {
    if (!v)
      return static_cast<const ref::Tensor *>(nullptr);
    return f32(i);
  }

  /// A kernel's error message (see ::kernelMessage).
  std::string kernelMessage(const absl::Status &status) const {
    return ::kernelMessage(status, memory ? memory->cap : ::qc::maxMemory());
  }

  Result wrap(absl::StatusOr<ref::Tensor> r) {
    if (!r.ok())
      return op->emitError() << kernelMessage(r.status());
    return makeValue(std::move(*r));
  }

  /// An op of one f32 operand: `fn(x)` returns the result tensor, or an
  /// absl::StatusOr of it when the kernel can fail.
  template <typename Fn> Result unary(Fn fn) {
    FailureOr<const ref::Tensor *> x = f32(0);
    if (failed(x))
      return failure();
    return wrap(fn(**x));
  }

  /// An f32 unary op with an `alpha` attribute (LeakyRelu, Elu, ...).
  template <typename AlphaOp>
  Result unaryAlpha(AlphaOp alphaOp,
                    ref::Tensor (*fn)(const ref::Tensor &, float)) {
    float alpha = alphaOp.getAlpha().convertToFloat();
    return unary([&](const ref::Tensor &x) { return fn(x, alpha); });
  }

  /// An f32 reduction (ONNX Reduce*, all but ReduceMean). Max / Min of an
  /// 8-bit (quantized) tensor reduce its values widened to f32 (exact) and
  /// narrow the result back to the input's type.
  template <typename ReduceOp> Result reduction(ReduceOp reduce) {
    if (const ref::QTensor *q = operands[0]->getInt()) {
      RK kind = reduceKind(reduce);
      if (kind != RK::Max && kind != RK::Min)
        return op->emitError() << "operand #0 is "
                               << ::qc::dtypeName(operands[0]->dtype())
                               << "; only max / min reduce integers";
      absl::StatusOr<ref::Tensor> r =
          ref::reduce(converted<ref::Tensor>(*q), kind,
                      toVector(reduce.getAxes()), reduce.getKeepdims());
      if (!r.ok())
        return op->emitError() << kernelMessage(r.status());
      return makeValue(converted<ref::QTensor>(*r), operands[0]->dtype());
    }
    return unary([&](const ref::Tensor &x) {
      return ref::reduce(x, reduceKind(reduce), toVector(reduce.getAxes()),
                         reduce.getKeepdims());
    });
  }

  /// ArgMax / ArgMin: int64 indices (held as int32, see RtTensor). An
  /// 8-bit (quantized) input is compared as its values, widened to f32
  /// (exact).
  Result argExtreme(bool isMax, int64_t axis, bool keepdims, bool last) {
    ref::Tensor widened;
    const ref::Tensor *in = operands[0]->getF32();
    if (!in) {
      FailureOr<const ref::QTensor *> q = integer(0);
      if (failed(q))
        return failure();
      widened = converted<ref::Tensor>(**q);
      in = &widened;
    }
    absl::StatusOr<ref::QTensor> r =
        ref::argExtreme(*in, isMax, axis, keepdims, last);
    if (!r.ok())
      return op->emitError() << kernelMessage(r.status());
    return makeValue(converted<ref::I64Tensor>(*r));
  }

  /// An f32 binary op with broadcasting.
  template <typename Fn> Result binary(Fn fn) {
    FailureOr<const ref::Tensor *> a = f32(0), b = f32(1);
    if (failed(a) || failed(b))
      return failure();
    return wrap(fn(**a, **b));
  }

  /// Checks that an array attribute has `n` entries (the verifier ensures it
  /// for verified IR; evaluateOp may see ops built without verification).
  LogicalResult checkSize(StringRef name, ArrayRef<int64_t> values, size_t n) {
    if (values.size() != n)
      return op->emitError() << "'" << name << "' must have " << n
                             << " entries, got " << values.size();
    return success();
  }

  template <size_t N>
  static std::array<int64_t, N> toArray(ArrayRef<int64_t> values) {
    std::array<int64_t, N> a{};
    std::copy(values.begin(), values.end(), a.begin());
    return a;
  }

  /// The attributes of a 2-D conv or pooling op, float or integer (Attrs
  /// is ::qc::Conv2dAttrs or ::qc::Pool2dAttrs): the kernel (pools),
  /// strides, pads, the dilations (convs, max pools), after checking their
  /// entry counts; groups (convs) and ceil_mode (pools).
  template <typename Attrs, typename WindowOp>
  FailureOr<Attrs> windowAttrs(WindowOp windowOp) {
    constexpr bool isPool = std::is_same_v<Attrs, ::qc::Pool2dAttrs>;
    Attrs attrs;
    if constexpr (isPool)
      if (failed(read("kernel", windowOp.getKernel(), attrs.kernel)))
        return failure();
    if (failed(read("strides", windowOp.getStrides(), attrs.strides)) ||
        failed(read("pads", windowOp.getPads(), attrs.pads)))
      return failure();
    if constexpr (!llvm::is_one_of<WindowOp, AvgPool2dOp, QAvgPool2dOp>::value)
      if (failed(read("dilations", windowOp.getDilations(), attrs.dilations)))
        return failure();
    if constexpr (isPool)
      attrs.ceilMode = windowOp.getCeilMode();
    else
      attrs.groups = windowOp.getGroups();
    return attrs;
  }

  /// Copies array attribute `name` into `out` after checking that it has
  /// N entries.
  template <size_t N>
  LogicalResult read(StringRef name, ArrayRef<int64_t> values,
                     std::array<int64_t, N> &out) {
    if (failed(checkSize(name, values, N)))
      return failure();
    out = toArray<N>(values);
    return success();
  }

  Result conv2d(Conv2dOp conv);
  Result convTranspose2d(ConvTranspose2dOp conv);
  Result linear(LinearOp linear);
  Result weightOnlyLinear(const WeightOnlyForm &form);
  Result flatten(FlattenOp flatten);
  Result resize(ResizeOp resize);
  Result maxPool2d(MaxPool2dOp pool);
  Result avgPool2d(AvgPool2dOp pool);
  Result quantize(Operation *quantOp, ArrayRef<float> scale,
                  ArrayRef<int64_t> zeroPoint, std::optional<uint64_t> axis,
                  uint64_t qmin, uint64_t qmax, bool dequantizeResult);
  Result dequantize(DequantizeOp dq);
  Result observe(ObserveOp observe);
  Result integerOp(Operation *intOp);
  Result anyDataMovement();
  Result anyTypeOp();

  Operation *op;
  ArrayRef<RtValue> operands;
  ConstantCache &constants;
  /// Hooks of a run; null when evaluating a single op (constant folding).
  const RunOptions *options;
  /// The run's memory (its cap; checked before a constant is decoded); null
  /// when evaluating an op outside a run.
  const MemoryAccount *memory;
};

OpEvaluator::Result OpEvaluator::conv2d(Conv2dOp conv) {
  FailureOr<::qc::Conv2dAttrs> attrs = windowAttrs<::qc::Conv2dAttrs>(conv);
  if (failed(attrs))
    return failure();
  FailureOr<const ref::Tensor *> x = f32(0), w = f32(1),
                                 b = optionalF32(conv.getBias(), 2);
  if (failed(x) || failed(w) || failed(b))
    return failure();
  return wrap(ref::conv2d(**x, **w, *b, *attrs));
}

OpEvaluator::Result OpEvaluator::convTranspose2d(ConvTranspose2dOp conv) {
  if (failed(checkSize("strides", conv.getStrides(), 2)) ||
      failed(checkSize("pads", conv.getPads(), 4)) ||
      failed(checkSize("dilations", conv.getDilations(), 2)) ||
      failed(checkSize("output_padding", conv.getOutputPadding(), 2)))
    return failure();
  FailureOr<const ref::Tensor *> x = f32(0), w = f32(1),
                                 b = optionalF32(conv.getBias(), 2);
  if (failed(x) || failed(w) || failed(b))
    return failure();
  ::qc::ConvTranspose2dAttrs attrs;
  attrs.strides = toArray<2>(conv.getStrides());
  attrs.pads = toArray<4>(conv.getPads());
  attrs.dilations = toArray<2>(conv.getDilations());
  attrs.outputPadding = toArray<2>(conv.getOutputPadding());
  attrs.groups = conv.getGroups();
  return wrap(ref::convTranspose2d(**x, **w, *b, attrs));
}

/// input [..., K] x weight [N, K]^T + bias [N]: a Gemm over the input
/// flattened to [M, K], reshaped back to [..., N].
OpEvaluator::Result OpEvaluator::linear(LinearOp linear) {
  if (std::optional<WeightOnlyForm> form = matchWeightOnlyForm(op))
    return weightOnlyLinear(*form);
  FailureOr<const ref::Tensor *> x = f32(0), w = f32(1),
                                 b = optionalF32(linear.getBias(), 2);
  if (failed(x) || failed(w) || failed(b))
    return failure();
  Shape xShape = ref::shapeOf(**x);
  if (xShape.empty() || (*w)->dimension() != 2)
    return op->emitError() << "linear needs an input of rank >= 1 and a 2-D "
                              "weight, got shapes "
                           << ::qc::shapeToString(xShape) << " and "
                           << ::qc::shapeToString(ref::shapeOf(**w));
  int64_t k = xShape.back();
  int64_t m = ::qc::shapeNumElements(Shape(xShape.begin(), xShape.end() - 1));
  absl::StatusOr<ref::Tensor> x2 = ref::reshape(**x, {m, k});
  if (!x2.ok())
    return wrap(std::move(x2));
  absl::StatusOr<ref::Tensor> y2 =
      ref::gemm(*x2, **w, *b, 1.0f, 1.0f, /*transA=*/false, /*transB=*/true);
  if (!y2.ok())
    return wrap(std::move(y2));
  Shape yShape = xShape;
  yShape.back() = static_cast<int64_t>((*w)->shape()[0]);
  return wrap(ref::reshape(*y2, yShape, /*allowZero=*/true));
}

/// A linear / matmul whose weight is a dequantized 8-bit constant
/// (WeightOnlyForm.h): ref::weightOnlyLinear on the constant's integers and
/// the dequantize's qparams, not a float GEMM on the dequantized weight.
OpEvaluator::Result OpEvaluator::weightOnlyLinear(const WeightOnlyForm &form) {
  FailureOr<const ref::Tensor *> x = f32(0);
  FailureOr<const ref::Tensor *> b = static_cast<const ref::Tensor *>(nullptr);
  if (auto l = dyn_cast<LinearOp>(op))
    b = optionalF32(l.getBias(), 2);
  if (failed(x) || failed(b))
    return failure();
  Shape xShape = ref::shapeOf(**x);
  if (xShape.empty() || xShape.back() != form.k)
    return op->emitError() << "weight-only linear: the input's last dimension "
                              "must be K = "
                           << form.k << ", got shape "
                           << ::qc::shapeToString(xShape);
  FailureOr<RtValue> c = constants.get(form.constant, memory);
  if (failed(c))
    return failure();
  const ref::QTensor *qt = (*c)->getInt();
  if (!qt || static_cast<int64_t>(qt->size()) != form.k * form.n)
    return op->emitError() << "weight-only linear: the weight constant is not "
                              "an integer tensor of "
                           << form.k * form.n << " values";
  std::vector<int32_t> q(static_cast<size_t>(form.k * form.n));
  for (int64_t j = 0; j < form.n; ++j)
    for (int64_t kk = 0; kk < form.k; ++kk)
      q[j * form.k + kk] = qt->data()[form.valueIndex(j, kk)];
  DequantizeOp dq = form.dequantize;
  ArrayRef<float> scale = dq.getScale();
  ArrayRef<int64_t> zp = dq.getZeroPoint();
  std::vector<float> scales(static_cast<size_t>(form.n * form.groups));
  std::vector<int32_t> zeros(scales.size());
  for (int64_t j = 0; j < form.n; ++j)
    for (int64_t g = 0; g < form.groups; ++g) {
      size_t i = form.qparamIndex(j, g);
      scales[j * form.groups + g] = scale[i];
      zeros[j * form.groups + g] = static_cast<int32_t>(zp[i]);
    }
  int64_t m = ::qc::shapeNumElements(Shape(xShape.begin(), xShape.end() - 1));
  absl::StatusOr<ref::Tensor> x2 = ref::reshape(**x, {m, form.k});
  if (!x2.ok())
    return wrap(std::move(x2));
  absl::StatusOr<ref::Tensor> y2 =
      ref::weightOnlyLinear(*x2, q, scales, zeros, form.n, form.group, *b);
  if (!y2.ok())
    return wrap(std::move(y2));
  Shape yShape = xShape;
  yShape.back() = form.n;
  return wrap(ref::reshape(*y2, yShape, /*allowZero=*/true));
}

OpEvaluator::Result OpEvaluator::flatten(FlattenOp flatten) {
  FailureOr<const ref::Tensor *> x = f32(0);
  if (failed(x))
    return failure();
  absl::StatusOr<Shape> shape =
      ::qc::flattenShape(ref::shapeOf(**x), flatten.getAxis());
  if (!shape.ok())
    return op->emitError() << toStringRef(shape.status().message());
  return wrap(ref::reshape(**x, *shape, /*allowZero=*/true));
}

/// What qc.resize and qc.qresize pass their kernels: the parsed modes, the
/// output shape (-1 for N and C resolved) and the scales when they define
/// the coordinate mapping (else empty).
struct ResizeSetup {
  ref::ResizeAttrs attrs;
  Shape out;
  std::vector<float> scales;
};

template <typename ResizeLike>
FailureOr<ResizeSetup> getResizeSetup(ResizeLike resize, const Shape &in) {
  if (resize.getSizes().size() != 4)
    return resize.emitError() << "'sizes' needs 4 values, got "
                              << resize.getSizes().size();
  absl::StatusOr<ref::ResizeMode> mode = ref::parseResizeMode(
      std::string_view(resize.getMode().data(), resize.getMode().size()));
  StringRef ctmName = resize.getCoordinateTransformationMode();
  absl::StatusOr<ref::CoordinateTransformMode> ctm =
      ref::parseCoordinateTransformMode(
          std::string_view(ctmName.data(), ctmName.size()));
  StringRef nearestName = resize.getNearestMode();
  absl::StatusOr<ref::NearestMode> nearest = ref::parseNearestMode(
      std::string_view(nearestName.data(), nearestName.size()));
  for (const absl::Status &st : {mode.status(), ctm.status(), nearest.status()})
    if (!st.ok())
      return resize.emitError() << toStringRef(st.message());
  ResizeSetup setup;
  setup.attrs.mode = *mode;
  setup.attrs.coordinateTransformMode = *ctm;
  setup.attrs.nearestMode = *nearest;

  Shape &out = setup.out;
  out.assign(resize.getSizes().begin(), resize.getSizes().end());
  for (int i = 0; i < 2 && i < static_cast<int>(in.size()); ++i)
    if (out[i] == -1)
      out[i] = in[i];
  // The op always carries scales. They define the coordinate mapping when
  // they produced the sizes (ONNX Resize given `scales`); when the sizes are
  // not floor(in * scale) the model gave `sizes` and the mapping is
  // out / in, which the kernel derives itself.
  std::vector<float> &scales = setup.scales;
  scales.assign(resize.getScales().begin(), resize.getScales().end());
  if (!ref::resizeScalesGiveSizes(in, out, scales))
    scales.clear();
  return setup;
}

OpEvaluator::Result OpEvaluator::resize(ResizeOp resize) {
  FailureOr<const ref::Tensor *> x = f32(0);
  if (failed(x))
    return failure();
  FailureOr<ResizeSetup> setup = getResizeSetup(resize, ref::shapeOf(**x));
  if (failed(setup))
    return failure();
  return wrap(ref::resize(**x, setup->out, setup->attrs, setup->scales));
}

OpEvaluator::Result OpEvaluator::maxPool2d(MaxPool2dOp pool) {
  FailureOr<::qc::Pool2dAttrs> attrs = windowAttrs<::qc::Pool2dAttrs>(pool);
  if (failed(attrs))
    return failure();
  return unary([&](const ref::Tensor &x) { return ref::maxPool2d(x, *attrs); });
}

OpEvaluator::Result OpEvaluator::avgPool2d(AvgPool2dOp pool) {
  FailureOr<::qc::Pool2dAttrs> attrs = windowAttrs<::qc::Pool2dAttrs>(pool);
  if (failed(attrs))
    return failure();
  return unary([&](const ref::Tensor &x) {
    return ref::avgPool2d(x, *attrs, pool.getCountIncludePad());
  });
}

/// The quantization parameters of a qc.quantize / qc.fake_quant /
/// qc.dequantize: a scale and zero point for the tensor, or one per channel
/// along `axis`.
struct QParams {
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;
  std::optional<int64_t> axis;

  /// Dequantizes `q` with these parameters (per tensor or per channel).
  absl::StatusOr<ref::Tensor> dequantize(const ref::QTensor &q) const {
    return axis ? ref::dequantizePerChannel(q, scales, zeroPoints, *axis)
                : ref::dequantizePerTensor(q, scales[0], zeroPoints[0]);
  }
};

/// The QParams of `op`, or an error at it when the scales and zero points
/// do not match (one each per tensor, or per channel with `axis`).
FailureOr<QParams> qparamsOf(Operation *op, ArrayRef<float> scale,
                             ArrayRef<int64_t> zeroPoint,
                             std::optional<uint64_t> axis) {
  if (scale.empty() || scale.size() != zeroPoint.size() ||
      (!axis && scale.size() != 1))
    return op->emitError() << "needs one scale and zero point per tensor (or "
                              "per channel with `axis`), got "
                           << scale.size() << " scales and " << zeroPoint.size()
                           << " zero points";
  QParams p;
  p.scales.assign(scale.begin(), scale.end());
  p.zeroPoints.assign(zeroPoint.begin(), zeroPoint.end());
  if (axis)
    p.axis = static_cast<int64_t>(*axis);
  return p;
}

/// qc.quantize (and, with `dequantizeResult`, qc.fake_quant): the contract
/// numerics of Kernels.h, per tensor or per channel along `axis`.
OpEvaluator::Result
OpEvaluator::quantize(Operation *quantOp, ArrayRef<float> scale,
                      ArrayRef<int64_t> zeroPoint,
                      std::optional<uint64_t> axis, uint64_t qmin,
                      uint64_t qmax, bool dequantizeResult) {
  FailureOr<const ref::Tensor *> x = f32(0);
  if (failed(x))
    return failure();
  // I64Attr getters return uint64_t; the values are signed.
  ref::QuantRange range{static_cast<int64_t>(qmin),
                        static_cast<int64_t>(qmax)};
  FailureOr<QParams> p = qparamsOf(op, scale, zeroPoint, axis);
  if (failed(p))
    return failure();
  absl::StatusOr<ref::QTensor> q =
      p->axis
          ? ref::quantizePerChannel(**x, p->scales, p->zeroPoints, *p->axis,
                                    range)
          : ref::quantizePerTensor(**x, p->scales[0], p->zeroPoints[0], range);
  if (!q.ok())
    return op->emitError() << kernelMessage(q.status());
  if (dequantizeResult)
    return wrap(p->dequantize(*q));
  std::optional<DType> dtype =
      dtypeOf(cast<ShapedType>(quantOp->getResult(0).getType())
                  .getElementType());
  if (!dtype || *dtype == DType::F32)
    return op->emitError() << "result element type must be ui8, i8, i16 or "
                              "i32";
  return makeValue(std::move(*q), *dtype);
}

OpEvaluator::Result OpEvaluator::dequantize(DequantizeOp dq) {
  FailureOr<const ref::QTensor *> q = integer(0);
  if (failed(q))
    return failure();
  FailureOr<QParams> p =
      qparamsOf(op, dq.getScale(), dq.getZeroPoint(), dq.getAxis());
  if (failed(p))
    return failure();
  if (std::optional<uint64_t> block = dq.getBlockSize(); block && p->axis)
    return wrap(ref::dequantizeBlocked(**q, p->scales, p->zeroPoints, *p->axis,
                                       static_cast<int64_t>(*block)));
  return wrap(p->dequantize(**q));
}

/// qc.observe: the identity (the result is the operand's tensor, not a
/// copy), after the run's onObserve hook has seen it.
OpEvaluator::Result OpEvaluator::observe(ObserveOp observe) {
  FailureOr<const ref::Tensor *> x = f32(0);
  if (failed(x))
    return failure();
  if (options && options->onObserve) {
    Shape shape = ref::shapeOf(**x);
    if (failed(options->onObserve(
            observe, ArrayRef<float>((*x)->data(), (*x)->size()), shape)))
      return failure();
  }
  return operands[0];
}

/// qc.qconv2d / qc.qlinear / qc.qadd / qc.qmul / qc.qmatmul /
/// qc.qrequantize / qc.qlut / qc.qmax_pool2d / qc.qavg_pool2d: the reference integer kernels
/// (KernelsInt.h), integer accumulation then the f32 requantize.
OpEvaluator::Result OpEvaluator::integerOp(Operation *intOp) {
  std::optional<DType> dtype = dtypeOf(
      cast<ShapedType>(intOp->getResult(0).getType()).getElementType());
  if (!dtype || *dtype == DType::F32)
    return op->emitError() << "result element type must be ui8 or i8";
  SmallVector<const ref::QTensor *, 3> in;
  for (unsigned i = 0; i < intOp->getNumOperands(); ++i) {
    FailureOr<const ref::QTensor *> t = integer(i);
    if (failed(t))
      return failure();
    in.push_back(*t);
  }
  auto epilogue = [](auto o, ArrayRef<float> multipliers) {
    ref::Requantize e;
    e.multipliers.assign(multipliers.begin(), multipliers.end());
    e.zeroPoint = static_cast<int64_t>(o.getOutputZeroPoint());
    e.clampMin = static_cast<int64_t>(o.getClampMin());
    e.clampMax = static_cast<int64_t>(o.getClampMax());
    return e;
  };
  absl::StatusOr<ref::QTensor> r = absl::InternalError("unhandled op");
  if (auto pool = dyn_cast<QMaxPool2dOp>(intOp)) {
    FailureOr<::qc::Pool2dAttrs> attrs = windowAttrs<::qc::Pool2dAttrs>(pool);
    if (failed(attrs))
      return failure();
    FailureOr<std::pair<int64_t, int64_t>> range = storageRange(
        cast<ShapedType>(pool.getResult().getType()).getElementType());
    if (failed(range))
      return pool.emitError("result element type has no storage range");
    r = ref::qmaxPool2d(*in[0], *attrs, static_cast<int32_t>(range->first));
  } else if (auto pool = dyn_cast<QAvgPool2dOp>(intOp)) {
    FailureOr<::qc::Pool2dAttrs> attrs = windowAttrs<::qc::Pool2dAttrs>(pool);
    if (failed(attrs))
      return failure();
    r = ref::qavgPool2d(*in[0], static_cast<int64_t>(pool.getInputZeroPoint()),
                        pool.getInputScale().convertToFloat(), *attrs,
                        pool.getCountIncludePad(),
                        pool.getOutputScale().convertToFloat(),
                        epilogue(pool, {}));
  } else if (auto rs = dyn_cast<QResizeOp>(intOp)) {
    FailureOr<ResizeSetup> setup = getResizeSetup(rs, ref::shapeOf(*in[0]));
    if (failed(setup))
      return failure();
    r = ref::qresize(*in[0], static_cast<int64_t>(rs.getInputZeroPoint()),
                     setup->out, setup->attrs, setup->scales,
                     rs.getRequantMultiplier(), epilogue(rs, {}));
  } else if (auto ct = dyn_cast<QConvTranspose2dOp>(intOp)) {
    if (failed(checkSize("strides", ct.getStrides(), 2)) ||
        failed(checkSize("pads", ct.getPads(), 4)) ||
        failed(checkSize("dilations", ct.getDilations(), 2)) ||
        failed(checkSize("output_padding", ct.getOutputPadding(), 2)))
      return failure();
    ::qc::ConvTranspose2dAttrs attrs;
    attrs.strides = toArray<2>(ct.getStrides());
    attrs.pads = toArray<4>(ct.getPads());
    attrs.dilations = toArray<2>(ct.getDilations());
    attrs.outputPadding = toArray<2>(ct.getOutputPadding());
    attrs.groups = ct.getGroups();
    r = ref::qconvTranspose2d(*in[0],
                              static_cast<int64_t>(ct.getInputZeroPoint()),
                              *in[1], ct.getBias() ? in[2] : nullptr, attrs,
                              epilogue(ct, ct.getRequantMultipliers()));
  } else if (auto mul = dyn_cast<QMulOp>(intOp)) {
    r = ref::qmul(*in[0], static_cast<int64_t>(mul.getLhsZeroPoint()), *in[1],
                  static_cast<int64_t>(mul.getRhsZeroPoint()),
                  mul.getRequantMultiplier(), epilogue(mul, {}));
  } else if (isa<QMaxOp, QMinOp>(intOp)) {
    r = ref::qextreme(*in[0], *in[1], isa<QMaxOp>(intOp));
  } else if (auto lut = dyn_cast<QLutOp>(intOp)) {
    ArrayRef<int32_t> table = lut.getTable();
    r = ref::qlut(*in[0], lut.getInputMin(),
                  std::vector<int32_t>(table.begin(), table.end()));
  } else if (auto mm = dyn_cast<QMatmulOp>(intOp)) {
    r = ref::qmatmul(*in[0], static_cast<int64_t>(mm.getLhsZeroPoint()),
                     *in[1], mm.getRequantMultiplier(), epilogue(mm, {}));
  } else if (auto rq = dyn_cast<QRequantizeOp>(intOp)) {
    r = ref::qrequantize(*in[0], static_cast<int64_t>(rq.getInputZeroPoint()),
                         rq.getRequantMultiplier(), epilogue(rq, {}));
  } else if (auto conv = dyn_cast<QConv2dOp>(intOp)) {
    FailureOr<::qc::Conv2dAttrs> attrs = windowAttrs<::qc::Conv2dAttrs>(conv);
    if (failed(attrs))
      return failure();
    r = ref::qconv2d(*in[0], static_cast<int64_t>(conv.getInputZeroPoint()),
                     *in[1], conv.getBias() ? in[2] : nullptr, *attrs,
                     epilogue(conv, conv.getRequantMultipliers()));
  } else if (auto linear = dyn_cast<QLinearOp>(intOp)) {
    r = ref::qlinear(*in[0], static_cast<int64_t>(linear.getInputZeroPoint()),
                     *in[1], linear.getBias() ? in[2] : nullptr,
                     epilogue(linear, linear.getRequantMultipliers()));
  } else if (auto add = dyn_cast<QAddOp>(intOp)) {
    float so = add.getOutputScale().convertToFloat();
    r = ref::qadd(*in[0], static_cast<int64_t>(add.getLhsZeroPoint()),
                  add.getLhsScale().convertToFloat() / so, *in[1],
                  static_cast<int64_t>(add.getRhsZeroPoint()),
                  add.getRhsScale().convertToFloat() / so,
                  epilogue(add, {}));
  }
  if (!r.ok())
    return op->emitError() << kernelMessage(r.status());
  return makeValue(std::move(*r), *dtype);
}

/// reshape / flatten / transpose / slice / concat of tensors that are not
/// f32 (the integer tensors qc-lower-to-integer leaves, run-time int64 /
/// i1 / f64 tensors): the f32 kernel moves the flat *indices* of the
/// elements (operand k's offset by the sizes of the operands before it),
/// exact in f32 up to 2^24 elements in all, and the result takes the
/// elements at those indices. The result has the operands' dtype.
OpEvaluator::Result OpEvaluator::anyDataMovement() {
  constexpr int64_t exact = int64_t(1) << 24;
  std::optional<DType> dtype =
      dtypeOf(cast<ShapedType>(op->getResult(0).getType()).getElementType());
  if (!dtype || *dtype == DType::F32)
    return op->emitError() << "operands of "
                           << ::qc::dtypeName(operands[0]->dtype())
                           << " need a result of that element type";
  SmallVector<RtValue, 2> indices;
  int64_t offset = 0;
  for (unsigned i = 0; i < operands.size(); ++i) {
    if (operands[i]->dtype() != *dtype)
      return op->emitError()
             << "operand #" << i << " is "
             << ::qc::dtypeName(operands[i]->dtype()) << " but the result is "
             << ::qc::dtypeName(*dtype);
    Shape shape = operands[i]->shape();
    int64_t count = ::qc::shapeNumElements(shape);
    if (offset + count > exact)
      return op->emitError()
             << "moves more than 2^24 elements of "
             << ::qc::dtypeName(*dtype)
             << "; the reference executor moves non-f32 tensors up to that "
                "size";
    if (absl::Status st = ::qc::reserveMemory(
            op->getName().getStringRef().str(), "index copy", shape,
            sizeof(float));
        !st.ok())
      return op->emitError() << kernelMessage(st);
    ref::Tensor f =
        ref::Tensor::from_shape(std::vector<size_t>(shape.begin(), shape.end()));
    for (int64_t j = 0; j < count; ++j)
      f.data()[j] = static_cast<float>(offset + j);
    offset += count;
    indices.push_back(makeValue(std::move(f)));
  }
  std::optional<Result> r;
  // Pad: the index tensor is padded with -1, which stands for the value.
  double padValue = 0;
  if (auto pad = dyn_cast<PadOp>(op)) {
    StringRef modeName = pad.getMode();
    absl::StatusOr<ref::PadMode> mode = ref::parsePadMode(
        std::string_view(modeName.data(), modeName.size()));
    if (!mode.ok())
      return op->emitError() << toStringRef(mode.status().message());
    padValue = pad.getValue().convertToDouble();
    r = wrap(ref::pad(*indices[0]->getF32(), toVector(pad.getPads()), *mode,
                      -1.0f));
  } else {
    r = OpEvaluator(op, indices, constants, options, memory).evaluate();
  }
  if (!r || failed(*r))
    return failure();
  const ref::Tensor &moved = *(**r)->getF32();
  // The element at flat index `k` of the operands taken together.
  auto take = [&](auto tag, int64_t k) {
    using T = decltype(tag);
    if (k < 0)
      return static_cast<T>(padValue);
    for (const RtValue &v : operands) {
      const auto &t = std::get<xt::xarray<T>>(v->data());
      if (k < static_cast<int64_t>(t.size()))
        return t.data()[k];
      k -= t.size();
    }
    return T();
  };
  return std::visit(
      [&](const auto &first) -> Result {
        using T = std::decay_t<decltype(first.data()[0])>;
        xt::xarray<T> out = xt::xarray<T>::from_shape(moved.shape());
        for (size_t j = 0; j < moved.size(); ++j)
          out.data()[j] = take(T(), static_cast<int64_t>(moved.data()[j]));
        if constexpr (std::is_same_v<T, int32_t>)
          return makeValue(std::move(out), *dtype);
        else
          return makeValue(std::move(out));
      },
      operands[0]->data());
}

/// The ops of QCOps.td's "Tensors of any element type" (KernelsAny.h):
/// integer operands widened to int64 and floats to double, results narrowed
/// to the op's result type.
OpEvaluator::Result OpEvaluator::anyTypeOp() {
  Type resultElement =
      cast<ShapedType>(op->getResult(0).getType()).getElementType();
  std::optional<DType> resultType = dtypeOf(resultElement);
  if (!resultType)
    return op->emitError() << "result element type " << resultElement
                           << " is not one the reference executor holds (f32, "
                              "f64, ui8, i8, i16, i32, i64 or i1)";
  auto fail = [&](const absl::Status &st) -> Result {
    return op->emitError() << kernelMessage(st);
  };
  // An integer operand (any integer type), or a diagnostic.
  auto intOperand = [&](unsigned i) -> FailureOr<ref::I64Tensor> {
    if (!isIntegerType(operands[i]->dtype()))
      return op->emitError() << "operand #" << i << " is "
                             << ::qc::dtypeName(operands[i]->dtype())
                             << "; expected an integer tensor";
    return widenInt(*operands[i]);
  };
  // The result of a dtype-preserving kernel `fn(xt::xarray<T>)` applied to
  // operand `i` in its own storage.
  auto sameType = [&](unsigned i, auto fn) -> Result {
    return std::visit(
        [&](const auto &t) -> Result {
          auto r = fn(t);
          if (!r.ok())
            return fail(r.status());
          using T = std::decay_t<decltype(r->data()[0])>;
          if constexpr (std::is_same_v<T, int32_t>)
            return makeValue(std::move(*r), operands[i]->dtype());
          else
            return makeValue(std::move(*r));
        },
        operands[i]->data());
  };

  if (auto cmp = dyn_cast<CompareOp>(op)) {
    absl::StatusOr<ref::CompareKind> kind = ref::parseCompareKind(
        std::string_view(cmp.getPredicate().data(), cmp.getPredicate().size()));
    if (!kind.ok())
      return fail(kind.status());
    if (operands[0]->dtype() != operands[1]->dtype())
      return op->emitError() << "operands are "
                             << ::qc::dtypeName(operands[0]->dtype()) << " and "
                             << ::qc::dtypeName(operands[1]->dtype());
    absl::StatusOr<ref::QTensor> r =
        isIntegerType(operands[0]->dtype())
            ? ref::compare(widenInt(*operands[0]), widenInt(*operands[1]),
                           *kind)
            : ref::compare(widenFloat(*operands[0]), widenFloat(*operands[1]),
                           *kind);
    if (!r.ok())
      return fail(r.status());
    return makeValue(std::move(*r), DType::Bool);
  }
  if (auto logical = dyn_cast<LogicalOp>(op)) {
    absl::StatusOr<ref::LogicalKind> kind = ref::parseLogicalKind(
        std::string_view(logical.getKind().data(), logical.getKind().size()));
    if (!kind.ok())
      return fail(kind.status());
    FailureOr<const ref::QTensor *> a = integer(0), b = integer(1);
    if (failed(a) || failed(b))
      return failure();
    absl::StatusOr<ref::QTensor> r = ref::logical(**a, **b, *kind);
    if (!r.ok())
      return fail(r.status());
    return makeValue(std::move(*r), DType::Bool);
  }
  if (isa<NotOp>(op)) {
    FailureOr<const ref::QTensor *> x = integer(0);
    if (failed(x))
      return failure();
    return makeValue(ref::logicalNot(**x), DType::Bool);
  }
  if (auto arith = dyn_cast<ArithOp>(op)) {
    absl::StatusOr<ref::ArithKind> kind = ref::parseArithKind(
        std::string_view(arith.getKind().data(), arith.getKind().size()));
    if (!kind.ok())
      return fail(kind.status());
    DType t = operands[0]->dtype();
    if (t != operands[1]->dtype() || t != *resultType || t == DType::Bool)
      return op->emitError() << "operands are " << ::qc::dtypeName(t)
                             << " and "
                             << ::qc::dtypeName(operands[1]->dtype())
                             << "; expected one integer or float type";
    if (isIntegerType(t)) {
      absl::StatusOr<ref::I64Tensor> r =
          ref::arith(widenInt(*operands[0]), widenInt(*operands[1]), *kind,
                     intWidth(t).first);
      if (!r.ok())
        return fail(r.status());
      return narrowInt(std::move(*r), t);
    }
    absl::StatusOr<ref::F64Tensor> r = ref::arith(
        widenFloat(*operands[0]), widenFloat(*operands[1]), *kind);
    if (!r.ok())
      return fail(r.status());
    return narrowFloat(std::move(*r), t);
  }
  if (isa<CastOp>(op)) {
    DType from = operands[0]->dtype(), to = *resultType;
    if (isIntegerType(from)) {
      ref::I64Tensor v = widenInt(*operands[0]);
      if (isIntegerType(to))
        return narrowInt(std::move(v), to);
      // int64 -> f32 through double rounds twice; exact up to 2^53.
      if (to == DType::F32)
        return makeValue(converted<ref::Tensor>(v));
      return makeValue(converted<ref::F64Tensor>(v));
    }
    ref::F64Tensor v = widenFloat(*operands[0]);
    if (!isIntegerType(to))
      return narrowFloat(std::move(v), to);
    ref::I64Tensor r = ref::I64Tensor::from_shape(v.shape());
    for (size_t i = 0; i < v.size(); ++i) {
      double x = v.data()[i];
      if (to == DType::Bool) {
        r.data()[i] = x != 0;
        continue;
      }
      // The value truncated toward zero must be one the target holds.
      auto [bits, isUnsigned] = intWidth(to);
      double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, bits - 1);
      double hi = isUnsigned ? std::ldexp(1.0, bits) : std::ldexp(1.0, bits - 1);
      double tr = std::trunc(x);
      if (!(tr >= lo && tr < hi))
        return op->emitError()
               << "element " << i << " (" << x << ") is outside the range of "
               << ::qc::dtypeName(to) << "; ONNX leaves such a cast undefined";
      r.data()[i] = static_cast<int64_t>(tr);
    }
    return narrowInt(std::move(r), to);
  }
  if (isa<SelectOp>(op)) {
    FailureOr<const ref::QTensor *> cond = integer(0);
    if (failed(cond))
      return failure();
    if (operands[1]->dtype() != operands[2]->dtype())
      return op->emitError() << "operands #1 and #2 are "
                             << ::qc::dtypeName(operands[1]->dtype()) << " and "
                             << ::qc::dtypeName(operands[2]->dtype());
    return sameType(1, [&](const auto &a) {
      using A = std::decay_t<decltype(a)>;
      return ref::select(**cond, a, std::get<A>(operands[2]->data()));
    });
  }
  if (isa<GatherOp, GatherElementsOp>(op)) {
    FailureOr<ref::I64Tensor> indices = intOperand(1);
    if (failed(indices))
      return failure();
    return sameType(0, [&](const auto &data) {
      if (auto gather = dyn_cast<GatherOp>(op))
        return ref::gather(data, *indices, gather.getAxis());
      return ref::gatherElements(data, *indices,
                                 cast<GatherElementsOp>(op).getAxis());
    });
  }
  if (auto trilu = dyn_cast<TriluOp>(op)) {
    return sameType(0, [&](const auto &data) {
      return ref::trilu(data, trilu.getUpper(), trilu.getK());
    });
  }
  if (auto nll = dyn_cast<NllLossOp>(op)) {
    FailureOr<const ref::Tensor *> x = f32(0);
    if (failed(x))
      return failure();
    FailureOr<ref::I64Tensor> target = intOperand(1);
    if (failed(target))
      return failure();
    FailureOr<const ref::Tensor *> w = optionalF32(nll.getWeight(), 2);
    if (failed(w))
      return failure();
    std::optional<int64_t> ignore;
    if (nll.getHasIgnoreIndex())
      ignore = nll.getIgnoreIndex();
    return wrap(ref::nllLoss(
        **x, *target, *w,
        std::string_view(nll.getReduction().data(), nll.getReduction().size()),
        ignore));
  }
  return op->emitError() << "not an op of any element type";
}

std::optional<FailureOr<RtValue>> OpEvaluator::evaluate() {
  using Maybe = std::optional<Result>;
  if (isa<ReshapeOp, FlattenOp, TransposeOp, SliceOp, ConcatOp>(op) &&
      !operands.empty() && !operands[0]->getF32())
    return anyDataMovement();
  // Pad of a tensor that is not f32 moves by index as well; the constant
  // (an f32 attribute) is converted to the element type.
  if (isa<PadOp>(op) && !operands.empty() && !operands[0]->getF32())
    return anyDataMovement();
  if (isa<CastOp, CompareOp, SelectOp, LogicalOp, NotOp, ArithOp, GatherOp,
          GatherElementsOp, NllLossOp, TriluOp>(op))
    return anyTypeOp();
  return llvm::TypeSwitch<Operation *, Maybe>(op)
      .Case([&](ConstantOp cst) -> Maybe { return constants.get(cst, memory); })
      // Convolution and matrix products.
      .Case([&](Conv2dOp conv) -> Maybe { return conv2d(conv); })
      .Case([&](ConvTranspose2dOp conv) -> Maybe {
        return convTranspose2d(conv);
      })
      .Case([&](MatmulOp) -> Maybe {
        if (std::optional<WeightOnlyForm> form = matchWeightOnlyForm(op))
          return weightOnlyLinear(*form);
        return binary(ref::matmul);
      })
      .Case([&](LinearOp l) -> Maybe { return linear(l); })
      // Normalization.
      .Case([&](BatchNormOp bn) -> Maybe {
        FailureOr<const ref::Tensor *> x = f32(0), s = f32(1), b = f32(2),
                                       m = f32(3), v = f32(4);
        if (failed(x) || failed(s) || failed(b) || failed(m) || failed(v))
          return Result(failure());
        return wrap(ref::batchNorm(**x, **s, **b, **m, **v,
                                   bn.getEpsilon().convertToFloat()));
      })
      .Case([&](LayerNormOp ln) -> Maybe {
        FailureOr<const ref::Tensor *> x = f32(0), s = f32(1),
                                       b = optionalF32(ln.getBias(), 2);
        if (failed(x) || failed(s) || failed(b))
          return Result(failure());
        return wrap(ref::layerNorm(**x, **s, *b, ln.getAxis(),
                                   ln.getEpsilon().convertToFloat()));
      })
      .Case([&](SoftmaxOp sm) -> Maybe {
        return unary([&](const ref::Tensor &x) {
          return ref::softmax(x, sm.getAxis());
        });
      })
      // Elementwise.
      .Case([&](ReluOp) -> Maybe { return unary(ref::relu); })
      .Case([&](SigmoidOp) -> Maybe { return unary(ref::sigmoid); })
      .Case([&](TanhOp) -> Maybe { return unary(ref::tanh); })
      .Case([&](HardswishOp) -> Maybe { return unary(ref::hardswish); })
      .Case([&](ErfOp) -> Maybe { return unary(ref::erf); })
      .Case([&](SqrtOp) -> Maybe { return unary(ref::sqrt); })
      .Case([&](AbsOp) -> Maybe { return unary(ref::abs); })
      .Case([&](NegOp) -> Maybe { return unary(ref::neg); })
      .Case([&](ExpOp) -> Maybe { return unary(ref::exp); })
      .Case([&](LogOp) -> Maybe { return unary(ref::log); })
      .Case([&](ReciprocalOp) -> Maybe { return unary(ref::reciprocal); })
      .Case([&](FloorOp) -> Maybe { return unary(ref::floor); })
      .Case([&](CeilOp) -> Maybe { return unary(ref::ceil); })
      .Case([&](RoundOp) -> Maybe { return unary(ref::round); })
      .Case([&](SignOp) -> Maybe { return unary(ref::sign); })
      .Case([&](SinOp) -> Maybe { return unary(ref::sin); })
      .Case([&](CosOp) -> Maybe { return unary(ref::cos); })
      .Case([&](TanOp) -> Maybe { return unary(ref::tan); })
      .Case([&](AsinOp) -> Maybe { return unary(ref::asin); })
      .Case([&](AcosOp) -> Maybe { return unary(ref::acos); })
      .Case([&](AtanOp) -> Maybe { return unary(ref::atan); })
      .Case([&](SinhOp) -> Maybe { return unary(ref::sinh); })
      .Case([&](CoshOp) -> Maybe { return unary(ref::cosh); })
      .Case([&](AsinhOp) -> Maybe { return unary(ref::asinh); })
      .Case([&](AcoshOp) -> Maybe { return unary(ref::acosh); })
      .Case([&](AtanhOp) -> Maybe { return unary(ref::atanh); })
      .Case([&](SoftplusOp) -> Maybe { return unary(ref::softplus); })
      .Case([&](SoftsignOp) -> Maybe { return unary(ref::softsign); })
      .Case([&](ClampOp c) -> Maybe {
        float lo = c.getMin().convertToFloat(),
              hi = c.getMax().convertToFloat();
        return unary(
            [&](const ref::Tensor &x) { return ref::clamp(x, lo, hi); });
      })
      .Case([&](HardsigmoidOp h) -> Maybe {
        float alpha = h.getAlpha().convertToFloat();
        float beta = h.getBeta().convertToFloat();
        return unary([&](const ref::Tensor &x) {
          return ref::hardsigmoid(x, alpha, beta);
        });
      })
      .Case([&](GeluOp g) -> Maybe {
        ref::GeluApproximation approx;
        if (g.getApproximate() == "none")
          approx = ref::GeluApproximation::None;
        else if (g.getApproximate() == "tanh")
          approx = ref::GeluApproximation::Tanh;
        else
          return Result(op->emitError()
                        << "gelu approximate must be \"none\" or \"tanh\", "
                           "got \""
                        << g.getApproximate() << "\"");
        return unary(
            [&](const ref::Tensor &x) { return ref::gelu(x, approx); });
      })
      .Case([&](AddOp) -> Maybe { return binary(ref::add); })
      .Case([&](SubOp) -> Maybe { return binary(ref::sub); })
      .Case([&](MulOp) -> Maybe { return binary(ref::mul); })
      .Case([&](DivOp) -> Maybe { return binary(ref::div); })
      .Case([&](PowOp) -> Maybe { return binary(ref::pow); })
      .Case(
          [&](LeakyReluOp a) -> Maybe { return unaryAlpha(a, ref::leakyRelu); })
      .Case([&](ThresholdedReluOp a) -> Maybe {
        return unaryAlpha(a, ref::thresholdedRelu);
      })
      .Case([&](EluOp a) -> Maybe { return unaryAlpha(a, ref::elu); })
      .Case([&](CeluOp a) -> Maybe { return unaryAlpha(a, ref::celu); })
      .Case([&](SeluOp a) -> Maybe {
        float alpha = a.getAlpha().convertToFloat();
        float gamma = a.getGamma().convertToFloat();
        return unary(
            [&](const ref::Tensor &x) { return ref::selu(x, alpha, gamma); });
      })
      .Case([&](PReluOp) -> Maybe { return binary(ref::prelu); })
      .Case([&](LogSoftmaxOp sm) -> Maybe {
        return unary([&](const ref::Tensor &x) {
          return ref::logSoftmax(x, sm.getAxis());
        });
      })
      .Case([&](MaxOp) -> Maybe { return binary(ref::max); })
      .Case([&](MinOp) -> Maybe { return binary(ref::min); })
      // Pooling and reductions.
      .Case([&](MaxPool2dOp p) -> Maybe { return maxPool2d(p); })
      .Case([&](AvgPool2dOp p) -> Maybe { return avgPool2d(p); })
      .Case(
          [&](GlobalAvgPool2dOp) -> Maybe { return unary(ref::globalAvgPool); })
      .Case([&](ReduceMeanOp r) -> Maybe {
        return unary([&](const ref::Tensor &x) {
          return ref::reduceMean(x, toVector(r.getAxes()), r.getKeepdims());
        });
      })
      .Case<ReduceMaxOp, ReduceMinOp, ReduceSumOp, ReduceProdOp,
            ReduceSumSquareOp, ReduceL1Op, ReduceL2Op, ReduceLogSumOp,
            ReduceLogSumExpOp>([&](auto r) -> Maybe { return reduction(r); })
      .Case([&](ArgMaxOp a) -> Maybe {
        return argExtreme(true, a.getAxis(), a.getKeepdims(),
                          a.getSelectLastIndex());
      })
      .Case([&](ArgMinOp a) -> Maybe {
        return argExtreme(false, a.getAxis(), a.getKeepdims(),
                          a.getSelectLastIndex());
      })
      // Shape and data movement.
      .Case([&](ReshapeOp r) -> Maybe {
        // qc.reshape has no ONNX `0` entries (the importer resolves them).
        return unary([&](const ref::Tensor &x) {
          return ref::reshape(x, toVector(r.getShape()), /*allowZero=*/true);
        });
      })
      .Case([&](FlattenOp f) -> Maybe { return flatten(f); })
      .Case([&](TransposeOp t) -> Maybe {
        FailureOr<const ref::Tensor *> x = f32(0);
        if (failed(x))
          return Result(failure());
        if (t.getPerm().empty() && (*x)->dimension() > 1)
          return Result(op->emitError() << "transpose needs a perm of "
                                        << (*x)->dimension() << " entries");
        return wrap(ref::transpose(**x, toVector(t.getPerm())));
      })
      .Case([&](ConcatOp c) -> Maybe {
        std::vector<ref::Tensor> inputs;
        inputs.reserve(operands.size());
        for (unsigned i = 0; i < operands.size(); ++i) {
          FailureOr<const ref::Tensor *> x = f32(i);
          if (failed(x))
            return Result(failure());
          inputs.push_back(**x);
        }
        return wrap(ref::concat(inputs, c.getAxis()));
      })
      .Case([&](SliceOp s) -> Maybe {
        return unary([&](const ref::Tensor &x) {
          return ref::slice(x, toVector(s.getStarts()), toVector(s.getEnds()),
                            toVector(s.getAxes()), toVector(s.getSteps()));
        });
      })
      .Case([&](PadOp p) -> Maybe {
        FailureOr<const ref::Tensor *> x = f32(0);
        if (failed(x))
          return Result(failure());
        StringRef modeName = p.getMode();
        absl::StatusOr<ref::PadMode> mode = ref::parsePadMode(
            std::string_view(modeName.data(), modeName.size()));
        if (!mode.ok())
          return Result(op->emitError()
                        << toStringRef(mode.status().message()));
        return wrap(ref::pad(**x, toVector(p.getPads()), *mode,
                             p.getValue().convertToFloat()));
      })
      .Case([&](ResizeOp r) -> Maybe { return resize(r); })
      // Quantization.
      .Case([&](QuantizeOp q) -> Maybe {
        return quantize(q, q.getScale(), q.getZeroPoint(), q.getAxis(),
                        q.getQuantMin(), q.getQuantMax(),
                        /*dequantizeResult=*/false);
      })
      .Case([&](FakeQuantOp q) -> Maybe {
        return quantize(q, q.getScale(), q.getZeroPoint(), q.getAxis(),
                        q.getQuantMin(), q.getQuantMax(),
                        /*dequantizeResult=*/true);
      })
      .Case([&](DynamicFakeQuantOp q) -> Maybe {
        FailureOr<const ref::Tensor *> x = f32(0);
        if (failed(x))
          return Result(failure());
        ref::QuantRange range{static_cast<int64_t>(q.getQuantMin()),
                              static_cast<int64_t>(q.getQuantMax())};
        absl::StatusOr<ref::Tensor> r =
            q.getPerToken() ? ref::dynamicFakeQuantPerToken(**x, range)
                            : ref::dynamicFakeQuant(**x, range);
        if (!r.ok()) {
          // Name the dynamically quantized op it feeds (a linear / matmul).
          InFlightDiagnostic diag =
              op->emitError() << kernelMessage(r.status());
          if (!q->use_empty())
            diag << " (the dynamically quantized input of '"
                 << (*q->user_begin())->getName() << "')";
          return Result(diag);
        }
        return wrap(std::move(*r));
      })
      .Case([&](DequantizeOp dq) -> Maybe { return dequantize(dq); })
      .Case([&](ObserveOp o) -> Maybe { return observe(o); })
      // Integer ops (qc-lower-to-integer).
      .Case([&](QConv2dOp c) -> Maybe { return integerOp(c); })
      .Case([&](QLinearOp l) -> Maybe { return integerOp(l); })
      .Case([&](DynamicQLinearOp l) -> Maybe {
        FailureOr<const ref::Tensor *> x = f32(0);
        if (failed(x))
          return Result(failure());
        FailureOr<const ref::QTensor *> w = integer(1);
        if (failed(w))
          return Result(failure());
        FailureOr<const ref::Tensor *> bias = optionalF32(l.getBias(), 2);
        if (failed(bias))
          return Result(failure());
        ArrayRef<float> scales = l.getWeightScale();
        return wrap(ref::dynamicQLinear(
            **x, **w, std::vector<float>(scales.begin(), scales.end()), *bias,
            ref::QuantRange{static_cast<int64_t>(l.getQuantMin()),
                            static_cast<int64_t>(l.getQuantMax())},
            l.getPerToken()));
      })
      .Case([&](QAddOp a) -> Maybe { return integerOp(a); })
      .Case([&](QMaxPool2dOp p) -> Maybe { return integerOp(p); })
      .Case([&](QAvgPool2dOp p) -> Maybe { return integerOp(p); })
      .Case([&](QMulOp m) -> Maybe { return integerOp(m); })
      .Case([&](QMatmulOp m) -> Maybe { return integerOp(m); })
      .Case([&](QRequantizeOp r) -> Maybe { return integerOp(r); })
      .Case([&](QLutOp l) -> Maybe { return integerOp(l); })
      .Case<QMaxOp, QMinOp>([&](auto m) -> Maybe { return integerOp(m); })
      .Case([&](QResizeOp r) -> Maybe { return integerOp(r); })
      .Case([&](QConvTranspose2dOp c) -> Maybe { return integerOp(c); })
      .Default([](Operation *) -> Maybe { return std::nullopt; });
}

/// The shape `op`'s result will have, when it is known before the kernel
/// runs: the result type's when static, else the first operand's for the ops
/// whose result has their input's shape. (Kernels check the other results
/// themselves before allocating them.)
std::optional<Shape> knownResultShape(Operation *op,
                                      ArrayRef<RtValue> operands) {
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (type && type.hasStaticShape())
    return Shape(type.getShape().begin(), type.getShape().end());
  if (!operands.empty() &&
      isa<ReluOp, SigmoidOp, TanhOp, HardswishOp, ErfOp, SqrtOp, ClampOp,
          HardsigmoidOp, GeluOp, SoftmaxOp, BatchNormOp, LayerNormOp,
          QuantizeOp, DequantizeOp, FakeQuantOp, DynamicFakeQuantOp,
          QRequantizeOp, QLutOp, QAddOp>(op))
    return operands[0]->shape();
  return std::nullopt;
}

/// The "qc.name" of argument `i`, else "argN".
std::string argumentName(func::FuncOp func, unsigned i) {
  if (auto name = func.getArgAttrOfType<StringAttr>(i, "qc.name"))
    return name.str();
  return "arg" + std::to_string(i);
}

} // namespace

//===----------------------------------------------------------------------===//
// Executor
//===----------------------------------------------------------------------===//

struct Executor::Impl {
  func::FuncOp func;
  ConstantCache constants;
  Stats stats;

  LogicalResult checkSignature();
  FailureOr<std::vector<NpyArray>> run(const std::vector<NpyArray> &inputs,
                                       const RunOptions &options);
};

LogicalResult Executor::Impl::checkSignature() {
  if (func.isExternal())
    return func.emitError()
           << "function @" << func.getName() << " has no body to run";
  if (!func.getBody().hasOneBlock())
    return func.emitError() << "function @" << func.getName()
                            << " has more than one block; qc programs are "
                               "a single block of ops";
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    auto type = dyn_cast<RankedTensorType>(func.getArgument(i).getType());
    if (!type || !dtypeOf(type.getElementType()))
      return func.emitError()
             << "input '" << argumentName(func, i) << "' has type "
             << func.getArgument(i).getType()
             << "; the reference executor takes ranked tensors of f32, f64, "
                "ui8, i8, i16, i32, i64 or i1";
  }
  return success();
}

FailureOr<std::vector<NpyArray>>
Executor::Impl::run(const std::vector<NpyArray> &inputs,
                    const RunOptions &options) {
  stats.opsExecuted = 0;
  stats.peakLiveBytes = 0;
  if (failed(checkSignature()))
    return failure();

  Block &block = func.getBody().front();
  auto emitAtFunc = [&] { return func.emitError(); };
  unsigned numArgs = func.getNumArguments();
  if (inputs.size() != numArgs) {
    InFlightDiagnostic diag = func.emitError();
    diag << "expected " << numArgs << " input" << (numArgs == 1 ? "" : "s")
         << ", got " << inputs.size();
    for (unsigned i = 0; i < numArgs; ++i)
      diag << (i ? ", " : " (inputs: ") << "'" << argumentName(func, i) << "' "
           << func.getArgument(i).getType() << (i + 1 == numArgs ? ")" : "");
    return failure();
  }

  // Where each value is read for the last time: operations are numbered in
  // block order; results never read are dropped as soon as they are made.
  llvm::DenseMap<Value, size_t> lastUse;
  SmallVector<Operation *> ops;
  for (Operation &op : block) {
    for (Value v : op.getOperands())
      lastUse[v] = ops.size();
    ops.push_back(&op);
  }
  std::vector<SmallVector<Value, 2>> releaseAfter(ops.size());
  for (auto [v, index] : lastUse)
    releaseAfter[index].push_back(v);

  llvm::DenseMap<Value, RtValue> env;
  // Live bytes count each non-constant tensor once, however many values
  // share it (qc.observe returns its operand's tensor).
  MemoryAccount memory;
  memory.cap =
      options.maxMemory > 0 ? options.maxMemory : ::qc::maxMemory();
  memory.constants = constants.bytes;
  int64_t &liveBytes = memory.live;
  llvm::DenseMap<const RtTensor *, unsigned> liveRefs;
  auto bind = [&](Value v, RtValue t) {
    if (!lastUse.count(v))
      return;
    if (!constants.tensors.contains(t.get()) && liveRefs[t.get()]++ == 0) {
      liveBytes += t->numBytes();
      stats.peakLiveBytes = std::max(stats.peakLiveBytes, liveBytes);
    }
    env[v] = std::move(t);
  };

  for (unsigned i = 0; i < numArgs; ++i) {
    std::string name = argumentName(func, i);
    const NpyArray &array = inputs[i];
    auto type = cast<RankedTensorType>(func.getArgument(i).getType());
    if (failed(memory.check(array.shape, "input '" + name + "'",
                            emitAtFunc)))
      return failure();
    FailureOr<RtValue> value =
        arrayToValue(array, type, emitAtFunc, "input '" + name + "'");
    if (failed(value))
      return failure();
    if (!shapeFits(array.shape, type))
      return func.emitError()
             << "input '" << name << "' has shape " << shapeString(array.shape)
             << ", expected " << type << " (? accepts any size)";
    bind(func.getArgument(i), std::move(*value));
  }

  SmallVector<RtValue, 4> operands;
  for (auto [index, opRef] : llvm::enumerate(ops)) {
    // A plain variable: lambdas below capture it (structured bindings
    // cannot be captured in C++17).
    Operation *op = opRef;
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      // The results are copied into arrays: those copies fit under the cap
      // too.
      int64_t copies = 0;
      bool overflow = false;
      for (Value v : ret.getOperands()) {
        const RtTensor &t = *env.lookup(v);
        std::optional<int64_t> bytes =
            ::qc::tensorBytes(t.shape(), ::qc::dtypeSize(t.dtype()));
        overflow |= !bytes || __builtin_add_overflow(copies, *bytes, &copies);
      }
      if (overflow || copies > memory.left())
        return ret.emitError()
               << "the function's results need "
               << (overflow ? std::string("more than 2^63 bytes")
                            : ::qc::formatBytes(copies))
               << " more as arrays, more than the "
               << ::qc::formatBytes(memory.left())
               << " left of the memory cap of "
               << ::qc::formatBytes(memory.cap)
               << " (raise it with --max-memory SIZE)";
      std::vector<NpyArray> results;
      for (Value v : ret.getOperands())
        results.push_back(env.lookup(v)->toArray());
      stats.constantBytes = constants.bytes;
      return results;
    }
    if (op->getNumRegions() != 0 || op->getNumResults() != 1)
      return op->emitError() << "the reference executor runs ops with one "
                                "result and no regions";
    operands.clear();
    for (Value v : op->getOperands()) {
      auto it = env.find(v);
      if (it == env.end())
        return op->emitError() << "operand defined outside the function body "
                                  "or after its use";
      operands.push_back(it->second);
    }
    // The result must fit under the memory cap before it is allocated: here
    // when its shape is known, else in the kernel, which gets what is left.
    std::string what = ("'" + op->getName().getStringRef() + "' result").str();
    // (A constant is checked when first decoded; qc.observe passes its
    // operand on.)
    if (std::optional<Shape> shape = knownResultShape(op, operands);
        shape && !isa<ConstantOp, ObserveOp>(op) && failed(memory.check(*shape, what,
                                     [&] { return op->emitError(); })))
      return failure();
    std::optional<FailureOr<RtValue>> result;
    {
      ::qc::ScopedMemoryLimit limit(memory.left());
      OpEvaluator evaluator(op, operands, constants, &options, &memory);
      result = evaluator.evaluate();
    }
    if (!result)
      return op->emitError() << "the reference executor has no kernel for '"
                             << op->getName() << "'";
    if (failed(*result))
      return failure();
    memory.constants = constants.bytes;
    ++stats.opsExecuted;
    auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    Shape shape = (**result)->shape();
    if (!type || !shapeFits(shape, type))
      return op->emitError()
             << "the reference kernel produced shape " << shapeString(shape)
             << " but the op's result type is " << op->getResult(0).getType();
    bind(op->getResult(0), std::move(**result));

    operands.clear();
    for (Value v : releaseAfter[index]) {
      auto it = env.find(v);
      if (it == env.end())
        continue;
      const RtTensor *t = it->second.get();
      if (!constants.tensors.contains(t)) {
        auto ref = liveRefs.find(t);
        if (ref != liveRefs.end() && --ref->second == 0) {
          liveBytes -= t->numBytes();
          liveRefs.erase(ref);
        }
      }
      env.erase(it);
    }
  }
  return func.emitError() << "function body does not end in func.return";
}

Executor::Executor(func::FuncOp func) : impl(std::make_unique<Impl>()) {
  impl->func = func;
}
Executor::~Executor() = default;
Executor::Executor(Executor &&) noexcept = default;
Executor &Executor::operator=(Executor &&) noexcept = default;

FailureOr<std::vector<NpyArray>>
Executor::run(const std::vector<NpyArray> &inputs, const RunOptions &options) {
  return impl->run(inputs, options);
}

const Executor::Stats &Executor::lastRunStats() const { return impl->stats; }

//===----------------------------------------------------------------------===//
// Free functions
//===----------------------------------------------------------------------===//

FailureOr<std::vector<NpyArray>>
mlir::qc::runFunction(func::FuncOp func, const std::vector<NpyArray> &inputs) {
  Executor executor(func);
  return executor.run(inputs);
}

FailureOr<NpyArray> mlir::qc::constantToArray(ElementsAttr attr) {
  // The decoded tensor and the array: both must fit under the memory cap.
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.hasStaticShape())
    return failure();
  std::optional<int64_t> bytes = ::qc::tensorBytes(
      Shape(type.getShape().begin(), type.getShape().end()), sizeof(float));
  if (!bytes || *bytes > ::qc::maxMemory() / 2)
    return failure();
  FailureOr<ref::Tensor> t = decodeF32(attr);
  if (failed(t))
    return failure();
  return ::qc::fromFloatArray(*t);
}

FailureOr<std::vector<NpyArray>>
mlir::qc::evaluateOp(Operation *op, const std::vector<NpyArray> &operands) {
  if (op->getNumResults() != 1 || op->getNumRegions() != 0 ||
      operands.size() != op->getNumOperands())
    return failure();
  // The quantization ops mark edges of the quantization flow; folding them
  // into constants would lose the quantized weights.
  if (isa<ObserveOp, QuantizeOp, DequantizeOp, FakeQuantOp, DynamicFakeQuantOp>(
          op))
    return failure();
  // Only f32 results are folded (an int64 or i1 result would become a
  // constant the float passes do not expect).
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType || !resultType.getElementType().isF32())
    return failure();
  // Operand kinds the executor does not handle make the op unevaluable
  // rather than an error: the caller (constant folding) leaves it alone.
  SmallVector<RtValue, 4> values;
  for (const NpyArray &array : operands) {
    if (array.dtype != DType::F32 ||
        !::qc::verifyNpyArray(array, "operand").ok())
      return failure();
    absl::StatusOr<ref::Tensor> t = ::qc::toFloatArray(array);
    if (!t.ok())
      return failure();
    values.push_back(makeValue(std::move(*t)));
  }
  // The operands are held twice (the caller's arrays and their tensors
  // here); the result must fit in what the memory cap leaves.
  MemoryAccount memory;
  memory.cap = ::qc::maxMemory();
  for (const RtValue &v : values)
    memory.live += 2 * v->numBytes();
  std::string what = ("'" + op->getName().getStringRef() + "' result").str();
  if (std::optional<Shape> shape = knownResultShape(op, values);
      shape && failed(memory.check(*shape, what,
                                   [&] { return op->emitError(); })))
    return failure();
  ConstantCache constants;
  std::optional<FailureOr<RtValue>> result;
  {
    ::qc::ScopedMemoryLimit limit(memory.left());
    OpEvaluator evaluator(op, values, constants, /*options=*/nullptr,
                          &memory);
    result = evaluator.evaluate();
  }
  if (!result || failed(*result))
    return failure();
  Shape shape = (**result)->shape();
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !shapeFits(shape, type))
    return op->emitError() << "the reference kernel produced shape "
                           << shapeString(shape)
                           << " but the op's result type is "
                           << op->getResult(0).getType();
  return std::vector<NpyArray>{(**result)->toArray()};
}

std::optional<::qc::DType> mlir::qc::dtypeOf(Type type) {
  if (type.isF32())
    return ::qc::DType::F32;
  if (type.isF64())
    return ::qc::DType::F64;
  auto it = dyn_cast<IntegerType>(type);
  if (!it)
    return std::nullopt;
  if (it.isUnsigned())
    return it.getWidth() == 8 ? std::optional(::qc::DType::U8) : std::nullopt;
  switch (it.getWidth()) {
  case 1:
    return ::qc::DType::Bool;
  case 64:
    return ::qc::DType::I64;
  case 8:
    return ::qc::DType::I8;
  case 16:
    return ::qc::DType::I16;
  case 32:
    return ::qc::DType::I32;
  default:
    return std::nullopt;
  }
}
