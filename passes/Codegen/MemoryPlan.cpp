//===- MemoryPlan.cpp - qc-plan-memory: the model's static arena plan -----===//
//
// Gives every tensor of the entry function a place: a model input (read
// where the caller put it, row-major) or a buffer of the arena (4-D
// activations NHWC); reshape / flatten of a row-major tensor, transpose and
// slice are views of the same bytes. A buffer lives from the step that
// writes it to the last step that reads it, and buffers whose lifetimes do
// not overlap share bytes (largest first, first fit, 64-byte aligned).
//
// The plan is written as attributes (writePlan) and read back, checked, by
// qc-lower-model (readPlan), so it can be printed, tested with FileCheck and
// edited by hand between the two passes.
//
//===----------------------------------------------------------------------===//
#include "passes/Codegen/ModelBuilder.h"

#include "dialects/qc/IR/QCOps.h"
#include "passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "runtime/include/qc_model_abi.h"

#include <algorithm>
#include <numeric>

namespace mlir::qc {
#define GEN_PASS_DEF_QCPLANMEMORY
#include "passes/Passes.h.inc"
} // namespace mlir::qc

namespace mlir::qc::model_codegen {

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

LogicalResult ModelBuilder::plan() {
  for (BlockArgument arg : src.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.hasStaticShape() ||
        toDtype(type.getElementType()) == QC_DTYPE_UNDEFINED)
      return src.emitError()
             << "qc compile: " << describeInput(src, arg) << " has type "
             << arg.getType()
             << "; inputs must be static-shaped f32, ui8, i8, i32 or i64 tensors "
                "(bind dynamic dimensions with --input-shape)";
    TensorRef r;
    r.kind = TensorRef::Input;
    r.index = arg.getArgNumber();
    r.shape.assign(type.getShape().begin(), type.getShape().end());
    r.strides = rowMajorStrides(r.shape);
    r.element = type.getElementType();
    refs[arg] = r;
  }

  for (Operation &opRef : src.getBody().front()) {
    Operation *op = &opRef;
    if (isa<ConstantOp>(op) || isFoldedDequantize(op))
      continue;
    ++step;
    for (Value operand : op->getOperands())
      use(operand);
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
        if (failed(requireRef(op, v, "result")))
          return failure();
        auto type = cast<RankedTensorType>(v.getType());
        if (type.getElementType().isInteger(1))
          return op->emitError()
                 << "qc compile: result #" << i
                 << " is a bool tensor; compiled models return f32 and "
                    "integer tensors (a mask computed inside the model is "
                    "used there, by qc.select; run a model that returns "
                    "bools with `qc run`)";
        if (toDtype(type.getElementType()) == QC_DTYPE_UNDEFINED)
          return op->emitError() << "qc compile: result #" << i
                                 << " has unsupported element type "
                                 << type.getElementType();
      }
      continue;
    }
    // The step's own rule (LoweringPattern::plan, in its family's file):
    // checks, operands, scratch, the result's layout or view.
    FailureOr<const LoweringPattern *> pattern = uniquePattern(op);
    if (failed(pattern) || failed((*pattern)->plan(*this, op)))
      return failure();
  }
  return success();
}

LogicalResult ModelBuilder::bindOperands(Operation *op, ValueRange operands) {
  for (Value v : operands) {
    if (auto c = v.getDefiningOp<ConstantOp>(); c && !refs.count(v))
      if (FailureOr<TensorRef> r = constantOperand(c); succeeded(r))
        refs[v] = *r;
    if (failed(requireRef(op, v, "an operand")))
      return failure();
  }
  return success();
}

LogicalResult ModelBuilder::planArenaStep(Operation *op) {
  if (failed(bindOperands(op, op->getOperands())))
    return failure();
  placeResult(op);
  return success();
}

LogicalResult ModelBuilder::planWeightedStep(Operation *op) {
  if (failed(bindOperands(op, op->getOperands().take_front())))
    return failure();
  placeResult(op);
  return success();
}

void ModelBuilder::placeBuffers() {
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first packs better; ties in program order.
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return buffers[x].bytes != buffers[y].bytes
               ? buffers[x].bytes > buffers[y].bytes
               : x < y;
  });
  std::vector<size_t> placed;
  constexpr int64_t align = QC_ARENA_DEFAULT_ALIGNMENT;
  for (size_t i : order) {
    ArenaBuffer &buf = buffers[i];
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (size_t j : placed) {
      const ArenaBuffer &o = buffers[j];
      if (o.first <= buf.last && buf.first <= o.last)
        busy.push_back({o.offset, o.offset + o.bytes});
    }
    std::sort(busy.begin(), busy.end());
    int64_t offset = 0;
    for (auto [lo, hi] : busy) {
      if (offset + buf.bytes <= lo)
        break;
      offset = std::max(offset, (hi + align - 1) / align * align);
    }
    buf.offset = offset;
    arenaBytes = std::max(arenaBytes, offset + buf.bytes);
    placed.push_back(i);
  }
  arenaBytes = (arenaBytes + align - 1) / align * align;
}


//===----------------------------------------------------------------------===//
// The plan as attributes
//===----------------------------------------------------------------------===//

namespace {
constexpr StringLiteral kPlanAttr = "qc.plan", kPlaceAttr = "qc.place",
                        kScratchAttr = "qc.scratch";

StringRef kindName(TensorRef::Kind kind) {
  switch (kind) {
  case TensorRef::Input:
    return "input";
  case TensorRef::Arena:
    return "arena";
  case TensorRef::Constant:
    return "constant";
  }
  return "";
}
} // namespace

void ModelBuilder::writePlan() {
  Builder ab(ctx);
  auto place = [&](const TensorRef &r) {
    return ab.getDictionaryAttr(
        {ab.getNamedAttr("kind", ab.getStringAttr(kindName(r.kind))),
         ab.getNamedAttr("index", ab.getI64IntegerAttr(r.index)),
         ab.getNamedAttr("offset", ab.getI64IntegerAttr(r.offset)),
         ab.getNamedAttr("strides", ab.getDenseI64ArrayAttr(r.strides))});
  };
  for (auto &[value, r] : refs) {
    if (auto arg = dyn_cast<BlockArgument>(value))
      src.setArgAttr(arg.getArgNumber(), kPlaceAttr, place(r));
    else
      value.getDefiningOp()->setAttr(kPlaceAttr, place(r));
  }
  for (auto &[op, buffer] : scratch)
    op->setAttr(kScratchAttr, ab.getI64IntegerAttr(buffer));
  SmallVector<Attribute> bufferAttrs;
  for (const ArenaBuffer &buf : buffers)
    bufferAttrs.push_back(ab.getDictionaryAttr(
        {ab.getNamedAttr("name", ab.getStringAttr(buf.name)),
         ab.getNamedAttr("size", ab.getI64IntegerAttr(buf.bytes)),
         ab.getNamedAttr("offset", ab.getI64IntegerAttr(buf.offset)),
         ab.getNamedAttr("first", ab.getI64IntegerAttr(buf.first)),
         ab.getNamedAttr("last", ab.getI64IntegerAttr(buf.last))}));
  src->setAttr(kPlanAttr,
               ab.getDictionaryAttr(
                   {ab.getNamedAttr("arena_size",
                                    ab.getI64IntegerAttr(arenaBytes)),
                    ab.getNamedAttr("steps", ab.getI64IntegerAttr(step)),
                    ab.getNamedAttr("buffers", ab.getArrayAttr(bufferAttrs))}));
}

LogicalResult ModelBuilder::readPlan() {
  auto missing = [&](Operation *at, const Twine &what) {
    return at->emitError() << "qc compile: " << what
                           << "; run qc-plan-memory first (or fix the plan)";
  };
  auto plan = src->getAttrOfType<DictionaryAttr>(kPlanAttr);
  if (!plan)
    return missing(src, "the entry function has no 'qc.plan'");
  auto getInt = [](DictionaryAttr d, StringRef key) -> std::optional<int64_t> {
    if (auto a = d.getAs<IntegerAttr>(key))
      return a.getInt();
    return std::nullopt;
  };
  std::optional<int64_t> arena = getInt(plan, "arena_size"),
                         steps = getInt(plan, "steps");
  auto bufferList = plan.getAs<ArrayAttr>("buffers");
  if (!arena || !steps || !bufferList)
    return missing(src, "'qc.plan' needs arena_size, steps and buffers");
  arenaBytes = *arena;
  step = *steps;
  for (Attribute a : bufferList) {
    auto d = dyn_cast<DictionaryAttr>(a);
    auto name = d ? d.getAs<StringAttr>("name") : StringAttr();
    std::optional<int64_t> size, offset, first, last;
    if (d) {
      size = getInt(d, "size");
      offset = getInt(d, "offset");
      first = getInt(d, "first");
      last = getInt(d, "last");
    }
    if (!name || !size || !offset || !first || !last)
      return missing(src, "a 'qc.plan' buffer needs name, size, offset, "
                          "first and last");
    buffers.push_back({name.str(), *size, *first, *last, *offset});
  }

  // Constants read as tensors are numbered in the plan; rebuild their bytes
  // in that order so that views of them keep their index.
  std::vector<std::pair<int64_t, ConstantOp>> constants;
  auto readPlace = [&](Operation *at, Value value,
                       DictionaryAttr d) -> LogicalResult {
    auto kind = d ? d.getAs<StringAttr>("kind") : StringAttr();
    std::optional<int64_t> index, offset;
    auto strides = d ? d.getAs<DenseI64ArrayAttr>("strides")
                     : DenseI64ArrayAttr();
    if (d) {
      index = getInt(d, "index");
      offset = getInt(d, "offset");
    }
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!kind || !index || !offset || !strides || !type)
      return missing(at, "a 'qc.place' needs kind, index, offset and strides");
    TensorRef r;
    if (kind.getValue() == "input")
      r.kind = TensorRef::Input;
    else if (kind.getValue() == "arena")
      r.kind = TensorRef::Arena;
    else if (kind.getValue() == "constant")
      r.kind = TensorRef::Constant;
    else
      return at->emitError() << "qc compile: unknown place kind '"
                             << kind.getValue()
                             << "' (expected input, arena or constant)";
    int64_t limit = r.kind == TensorRef::Input
                        ? static_cast<int64_t>(src.getNumArguments())
                    : r.kind == TensorRef::Arena
                        ? static_cast<int64_t>(buffers.size())
                        : std::numeric_limits<int64_t>::max();
    if (*index < 0 || *index >= limit || *offset < 0)
      return at->emitError() << "qc compile: place " << kind.getValue()
                             << " #" << *index << " (offset " << *offset
                             << ") does not exist";
    if (strides.size() != type.getRank() || !type.hasStaticShape())
      return at->emitError() << "qc compile: the place's strides ["
                             << strides.asArrayRef()
                             << "] do not match the tensor type " << type;
    r.index = *index;
    r.offset = *offset;
    r.shape.assign(type.getShape().begin(), type.getShape().end());
    r.strides.assign(strides.asArrayRef().begin(), strides.asArrayRef().end());
    r.element = type.getElementType();
    refs[value] = r;
    return success();
  };

  for (BlockArgument arg : src.getArguments())
    if (failed(readPlace(src, arg,
                         src.getArgAttrOfType<DictionaryAttr>(
                             arg.getArgNumber(), kPlaceAttr))))
      return failure();
  for (Operation &opRef : src.getBody().front()) {
    Operation *op = &opRef;
    if (isa<func::ReturnOp>(op) || isFoldedDequantize(op))
      continue;
    auto d = op->getAttrOfType<DictionaryAttr>(kPlaceAttr);
    if (auto c = dyn_cast<ConstantOp>(op)) {
      if (!d)
        continue; // read at compile time by the op using it
      if (failed(readPlace(op, c.getResult(), d)))
        return failure();
      if (refs[c.getResult()].kind == TensorRef::Constant)
        constants.push_back({refs[c.getResult()].index, c});
      continue;
    }
    if (op->getNumResults() != 1)
      return op->emitError() << "qc compile: '" << op->getName()
                             << "' must have one result";
    if (!d)
      return missing(op, "'" + op->getName().getStringRef() +
                             "' has no 'qc.place'");
    if (failed(readPlace(op, op->getResult(0), d)))
      return failure();
    if (auto s = op->getAttrOfType<IntegerAttr>(kScratchAttr)) {
      if (s.getInt() < 0 || s.getInt() >= static_cast<int64_t>(buffers.size()))
        return op->emitError() << "qc compile: scratch buffer #" << s.getInt()
                               << " does not exist";
      scratch[op] = s.getInt();
    }
  }
  std::sort(constants.begin(), constants.end(),
            [](const auto &x, const auto &y) { return x.first < y.first; });
  for (auto [i, entry] : llvm::enumerate(constants)) {
    if (entry.first != static_cast<int64_t>(i))
      return entry.second.emitError()
             << "qc compile: constant places must be numbered 0, 1, ... "
                "(found #"
             << entry.first << ")";
    if (failed(constantOperand(entry.second)))
      return entry.second.emitError(
          "qc compile: cannot read the constant's values");
  }
  // Every view of a constant names one of them; every operand a compiled
  // op reads as a tensor has a place.
  for (auto &[value, r] : refs)
    if (r.kind == TensorRef::Constant &&
        r.index >= static_cast<int64_t>(constantOperandBytes.size()))
      return emitError(value.getLoc())
             << "qc compile: constant place #" << r.index
             << " does not exist";
  for (Operation &opRef : src.getBody().front()) {
    Operation *op = &opRef;
    if (isa<ConstantOp>(op) || isFoldedDequantize(op))
      continue;
    // Weights, float constants and quantized tables are read by the step
    // at compile time (LoweringPattern::readsAtCompileTime).
    const LoweringPattern *pattern = findPattern(op);
    for (Value v : op->getOperands())
      if (!refs.count(v) &&
          !(pattern && pattern->readsAtCompileTime(*this, op, v)))
        return missing(op, "an operand of '" + op->getName().getStringRef() +
                               "' has no place");
  }
  return success();
}

LogicalResult ModelBuilder::verifyLifetimes() {
  for (size_t i = 0; i < buffers.size(); ++i)
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      const ArenaBuffer &x = buffers[i], &y = buffers[j];
      bool live = x.first <= y.last && y.first <= x.last;
      bool share = x.offset < y.offset + y.bytes && y.offset < x.offset + x.bytes;
      if (live && share)
        return src.emitError()
               << "qc compile: arena buffers '" << x.name << "' and '"
               << y.name << "' are live at the same steps and share bytes";
    }
  return success();
}

LogicalResult ModelBuilder::planMemory() {
  if (!src.getBody().hasOneBlock())
    return src.emitError("qc compile: the entry function must have one block");
  if (failed(verifyProgram()) || failed(plan()) ||
      failed(verifyBufferSizes()))
    return failure();
  placeBuffers();
  if (failed(verifyPlan()))
    return failure();
  writePlan();
  return success();
}

} // namespace mlir::qc::model_codegen

namespace mlir::qc {
namespace {
struct PlanMemoryPass : impl::QCPlanMemoryBase<PlanMemoryPass> {
  void runOnOperation() override {
    FailureOr<func::FuncOp> func = getEntryFunction(getOperation());
    if (failed(func))
      return signalPassFailure();
    ModelCodegenOptions options;
    model_codegen::ModelBuilder builder(*func, options);
    if (failed(builder.planMemory()))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::qc
