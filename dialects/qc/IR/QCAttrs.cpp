//===- QCAttrs.cpp - quantization spec attributes -------------------------===//
#include "dialects/qc/IR/QCAttrs.h"
#include "dialects/qc/IR/QCDialect.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qc;

FailureOr<std::pair<int64_t, int64_t>> mlir::qc::storageRange(Type type) {
  auto it = dyn_cast<IntegerType>(type);
  if (!it)
    return failure();
  unsigned w = it.getWidth();
  if (w != 8 && w != 16 && w != 32)
    return failure();
  if (it.isUnsigned())
    return std::make_pair<int64_t, int64_t>(0, (int64_t{1} << w) - 1);
  return std::make_pair<int64_t, int64_t>(-(int64_t{1} << (w - 1)),
                                          (int64_t{1} << (w - 1)) - 1);
}

LogicalResult
QuantSpecAttr::verify(function_ref<InFlightDiagnostic()> emitError, Type dtype,
                      int64_t quantMin, int64_t quantMax, bool symmetric,
                      int64_t axis, StringRef observer,
                      DictionaryAttr observerOptions, bool dynamic,
                      bool perToken) {
  auto range = storageRange(dtype);
  if (failed(range))
    return emitError() << "quantization dtype must be ui8, i8, i16 or i32, got "
                       << dtype;
  if (quantMin >= quantMax || quantMin < range->first ||
      quantMax > range->second)
    return emitError() << "quantization range [" << quantMin << ", "
                       << quantMax << "] is empty or does not fit " << dtype;
  if (axis < -1)
    return emitError() << "per-channel axis must be >= 0 (or -1 for per "
                          "tensor), got "
                       << axis;
  if (observer.empty())
    return emitError() << "quantization spec needs an observer kind";
  if (perToken && !dynamic)
    return emitError() << "per_token needs a dynamic spec (qparams chosen "
                          "at run time)";
  return success();
}

#define GET_ATTRDEF_CLASSES
#include "dialects/qc/IR/QCAttrs.cpp.inc"

void QCDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/qc/IR/QCAttrs.cpp.inc"
      >();
}
