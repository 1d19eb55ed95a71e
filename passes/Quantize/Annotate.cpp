//===- Annotate.cpp - attach quantization specs with a Quantizer ----------===//
//
// qc-annotate: loads the requested plugins, builds the ComposableQuantizer
// for the `quantizer` option, runs the quantizers' transformForAnnotation
// pipelines, builds the MLIR-free Graph view of the function, lets the
// quantizers annotate it, and writes every annotation as `qc.input_specs` /
// `qc.output_specs` / `qc.annotated_by` attributes (QCAttrs.td). Annotations
// already in the IR are read into the view first and kept.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/Quantize/SmoothQuant.h"

#include "llvm/ADT/ScopeExit.h"

#include "dialects/qc/IR/NodeName.h"
#include "dialects/qc/IR/QCAttrs.h"
#include "dialects/qc/IR/QCDialect.h"
#include "quantizers/QuantizerRegistry.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassRegistry.h"

#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mlir::qc {
#define GEN_PASS_DEF_QCANNOTATE
#include "passes/Passes.h.inc"

namespace {

namespace qq = ::qc::quantizer;

constexpr llvm::StringLiteral kInputSpecs = "qc.input_specs";
constexpr llvm::StringLiteral kOutputSpecs = "qc.output_specs";
constexpr llvm::StringLiteral kAnnotatedBy = "qc.annotated_by";


std::string print(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  type.print(os);
  return s;
}

std::string shortestDouble(double v) {
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  return buf;
}

qq::Value viewValue(mlir::Value v,
                    const llvm::DenseMap<Operation *, int64_t> &index) {
  qq::Value out;
  if (auto result = dyn_cast<OpResult>(v)) {
    auto it = index.find(result.getOwner());
    out.producer = it == index.end() ? -1 : it->second;
    out.index = result.getResultNumber();
  } else {
    out.producer = -1;
    out.index = cast<BlockArgument>(v).getArgNumber();
  }
  if (auto tensor = dyn_cast<RankedTensorType>(v.getType())) {
    out.elementType = print(tensor.getElementType());
    for (int64_t d : tensor.getShape())
      out.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
  } else if (auto unranked = dyn_cast<UnrankedTensorType>(v.getType())) {
    out.elementType = print(unranked.getElementType());
    out.ranked = false;
  } else {
    // Not a tensor: never quantized (the element type is not "f32").
    out.elementType = "non-tensor " + print(v.getType());
    out.ranked = false;
  }
  return out;
}

/// Converts the op attributes a quantizer may look at.
std::optional<qq::Attribute> viewAttribute(Attribute attr) {
  if (auto b = dyn_cast<BoolAttr>(attr))
    return qq::Attribute(b.getValue());
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return qq::Attribute(static_cast<int64_t>(i.getValue().getSExtValue()));
  if (auto f = dyn_cast<FloatAttr>(attr))
    return qq::Attribute(f.getValueAsDouble());
  if (auto s = dyn_cast<StringAttr>(attr))
    return qq::Attribute(s.getValue().str());
  if (auto a = dyn_cast<DenseI64ArrayAttr>(attr))
    return qq::Attribute(std::vector<int64_t>(a.asArrayRef().begin(),
                                              a.asArrayRef().end()));
  if (auto a = dyn_cast<DenseF32ArrayAttr>(attr)) {
    std::vector<double> values;
    for (float v : a.asArrayRef())
      values.push_back(v);
    return qq::Attribute(std::move(values));
  }
  return std::nullopt;
}

FailureOr<qq::Dtype> viewDtype(Type type) {
  auto it = dyn_cast<IntegerType>(type);
  if (!it)
    return failure();
  switch (it.getWidth()) {
  case 8:
    return it.isUnsigned() ? qq::Dtype::kU8 : qq::Dtype::kS8;
  case 16:
    if (!it.isUnsigned())
      return qq::Dtype::kS16;
    break;
  case 32:
    if (!it.isUnsigned())
      return qq::Dtype::kS32;
    break;
  default:
    break;
  }
  return failure();
}

Type irDtype(MLIRContext *ctx, qq::Dtype dtype) {
  switch (dtype) {
  case qq::Dtype::kU8:
    return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case qq::Dtype::kS8:
    return IntegerType::get(ctx, 8);
  case qq::Dtype::kS16:
    return IntegerType::get(ctx, 16);
  case qq::Dtype::kS32:
    return IntegerType::get(ctx, 32);
  }
  return IntegerType::get(ctx, 8);
}

/// An IR spec entry as an EdgeSpec; failure names what is wrong.
FailureOr<qq::EdgeSpec> viewSpec(Attribute attr, std::string &error) {
  if (isa<UnitAttr>(attr))
    return qq::EdgeSpec(qq::FloatSpec{});
  auto dtypeOf = [&](Type t) -> FailureOr<qq::Dtype> {
    auto d = viewDtype(t);
    if (failed(d))
      error = "unsupported dtype " + print(t);
    return d;
  };
  if (auto s = dyn_cast<QuantSpecAttr>(attr)) {
    qq::QuantizationSpec q;
    auto d = dtypeOf(s.getDtype());
    if (failed(d))
      return failure();
    q.dtype = *d;
    q.quantMin = s.getQuantMin();
    q.quantMax = s.getQuantMax();
    q.symmetric = s.getSymmetric();
    q.axis = s.getAxis();
    q.observer = s.getObserver().str();
    q.dynamic = s.getDynamic();
    q.perToken = s.getPerToken();
    if (DictionaryAttr options = s.getObserverOptions()) {
      for (NamedAttribute entry : options) {
        std::string key = entry.getName().str();
        Attribute v = entry.getValue();
        if (auto b = dyn_cast<BoolAttr>(v))
          q.observerOptions[key] = b.getValue() ? "true" : "false";
        else if (auto i = dyn_cast<IntegerAttr>(v))
          q.observerOptions[key] = std::to_string(i.getValue().getSExtValue());
        else if (auto f = dyn_cast<FloatAttr>(v))
          q.observerOptions[key] = shortestDouble(f.getValueAsDouble());
        else if (auto str = dyn_cast<StringAttr>(v))
          q.observerOptions[key] = str.getValue().str();
        else {
          error = "observer option '" + key + "' is not a number or bool";
          return failure();
        }
      }
    }
    return qq::EdgeSpec(std::move(q));
  }
  if (auto s = dyn_cast<SharedSpecAttr>(attr))
    return qq::EdgeSpec(qq::SharedQuantizationSpec{s.getInput()});
  if (auto s = dyn_cast<DerivedSpecAttr>(attr)) {
    qq::DerivedQuantizationSpec d;
    d.inputs.assign(s.getInputs().asArrayRef().begin(),
                    s.getInputs().asArrayRef().end());
    auto dt = dtypeOf(s.getDtype());
    if (failed(dt))
      return failure();
    d.dtype = *dt;
    d.quantMin = s.getQuantMin();
    d.quantMax = s.getQuantMax();
    d.axis = s.getAxis();
    return qq::EdgeSpec(std::move(d));
  }
  if (auto s = dyn_cast<FixedSpecAttr>(attr)) {
    qq::FixedQParamsQuantizationSpec f;
    f.scale = s.getScale().getValueAsDouble();
    f.zeroPoint = s.getZeroPoint();
    auto dt = dtypeOf(s.getDtype());
    if (failed(dt))
      return failure();
    f.dtype = *dt;
    f.quantMin = s.getQuantMin();
    f.quantMax = s.getQuantMax();
    return qq::EdgeSpec(std::move(f));
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  attr.print(os);
  error = "'" + s + "' is not a quantization spec (#qc.spec, #qc.shared, "
                    "#qc.derived, #qc.fixed or unit)";
  return failure();
}

/// An EdgeSpec as its IR attribute (null after emitting an error at `loc`).
Attribute irSpec(Location loc, const qq::EdgeSpec &spec) {
  MLIRContext *ctx = loc.getContext();
  auto emit = [&] { return emitError(loc); };
  if (std::get_if<qq::FloatSpec>(&spec))
    return UnitAttr::get(ctx);
  if (const auto *q = std::get_if<qq::QuantizationSpec>(&spec)) {
    SmallVector<NamedAttribute> options;
    Builder b(ctx);
    for (const auto &[key, value] : q->observerOptions) {
      Attribute v;
      switch (qq::observerOptionType(key).value_or(qq::ObserverOptionType::kFloat)) {
      case qq::ObserverOptionType::kFloat:
        v = b.getF64FloatAttr(std::strtod(value.c_str(), nullptr));
        break;
      case qq::ObserverOptionType::kInt:
        v = b.getI64IntegerAttr(std::strtoll(value.c_str(), nullptr, 10));
        break;
      case qq::ObserverOptionType::kBool:
        v = b.getBoolAttr(value == "true");
        break;
      }
      options.push_back(b.getNamedAttr(key, v));
    }
    DictionaryAttr dict =
        options.empty() ? DictionaryAttr() : b.getDictionaryAttr(options);
    // Explicit argument types select the generated (non-template) builder.
    llvm::function_ref<InFlightDiagnostic()> emitFn = emit;
    return QuantSpecAttr::getChecked(emitFn, ctx, irDtype(ctx, q->dtype),
                                     q->quantMin, q->quantMax, q->symmetric,
                                     q->axis, StringRef(q->observer), dict,
                                     q->dynamic, q->perToken);
  }
  if (const auto *s = std::get_if<qq::SharedQuantizationSpec>(&spec))
    return SharedSpecAttr::get(ctx, s->input);
  if (const auto *d = std::get_if<qq::DerivedQuantizationSpec>(&spec))
    return DerivedSpecAttr::get(ctx, DenseI64ArrayAttr::get(ctx, d->inputs),
                                irDtype(ctx, d->dtype), d->quantMin,
                                d->quantMax, d->axis);
  const auto &f = std::get<qq::FixedQParamsQuantizationSpec>(spec);
  return FixedSpecAttr::get(
      ctx, FloatAttr::get(Float32Type::get(ctx), f.scale), f.zeroPoint,
      irDtype(ctx, f.dtype), f.quantMin, f.quantMax);
}

/// Reads an existing annotation of `op` into `node` (if it has one).
LogicalResult readAnnotation(Operation *op, qq::Node &node) {
  auto inputs = op->getAttr(kInputSpecs);
  auto outputs = op->getAttr(kOutputSpecs);
  if (!inputs && !outputs)
    return success();
  qq::Annotation a;
  auto by = op->getAttrOfType<StringAttr>(kAnnotatedBy);
  a.quantizer = by ? by.getValue().str() : "the input IR";
  auto read = [&](Attribute attr, StringRef name, size_t count,
                  std::vector<qq::EdgeSpec> &out) -> LogicalResult {
    if (!attr) {
      out.assign(count, qq::FloatSpec{});
      return success();
    }
    auto array = dyn_cast<ArrayAttr>(attr);
    if (!array || array.size() != count)
      return op->emitError() << "'" << name << "' must be an array of " << count
                             << " specs (one per "
                             << (name == kInputSpecs ? "operand" : "result")
                             << ")";
    for (auto [i, entry] : llvm::enumerate(array)) {
      std::string error;
      auto spec = viewSpec(entry, error);
      if (failed(spec))
        return op->emitError() << "'" << name << "' entry " << i << ": "
                               << error;
      out.push_back(*spec);
    }
    return success();
  };
  if (failed(read(inputs, kInputSpecs, op->getNumOperands(), a.inputs)) ||
      failed(read(outputs, kOutputSpecs, op->getNumResults(), a.outputs)))
    return failure();
  node.annotation = std::move(a);
  return success();
}

struct QCAnnotatePass : public impl::QCAnnotateBase<QCAnnotatePass> {
  using QCAnnotateBase::QCAnnotateBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    auto fail = [&](const std::string &message) {
      func.emitError(message);
      signalPassFailure();
    };
    qq::QuantizerRegistry &registry = qq::QuantizerRegistry::global();
    SmallVector<StringRef> paths;
    StringRef(plugins).split(paths, ';', -1, /*KeepEmpty=*/false);
    for (StringRef path : paths) {
      absl::Status st = registry.loadPlugin(path.trim().str());
      if (!st.ok())
        return fail(std::string(st.message()));
    }
    auto composed = qq::ComposableQuantizer::create(quantizer, registry);
    if (!composed.ok())
      return fail(std::string(composed.status().message()));

    // Transforms that measure activations (qc-smooth-quant) find the
    // calibration data here while they run.
    if (!data.empty()) {
      Builder b(func.getContext());
      func->setAttr(kCalibrationDataAttr,
                    b.getDictionaryAttr(
                        {b.getNamedAttr("path", b.getStringAttr(data)),
                         b.getNamedAttr("max_samples",
                                        b.getI64IntegerAttr(maxSamples)),
                         b.getNamedAttr("batch_size",
                                        b.getI64IntegerAttr(batchSize))}));
    }
    auto dropData = llvm::make_scope_exit(
        [&] { func->removeAttr(kCalibrationDataAttr); });
    for (const auto &[name, pipeline] : (*composed)->transforms()) {
      OpPassManager pm(func::FuncOp::getOperationName());
      std::string error;
      llvm::raw_string_ostream errorStream(error);
      if (failed(parsePassPipeline(pipeline, pm, errorStream)))
        return fail("quantizer '" + name + "': transformForAnnotation "
                    "pipeline '" + pipeline + "' is invalid: " + error);
      if (failed(runPipeline(pm, func)))
        return fail("quantizer '" + name + "': transformForAnnotation "
                    "pipeline '" + pipeline + "' failed");
    }

    if (!func.getBody().hasOneBlock())
      return fail("qc-annotate expects a function with one block");
    SmallVector<Operation *> ops;
    llvm::DenseMap<Operation *, int64_t> index;
    for (Operation &op : func.getBody().front()) {
      index[&op] = static_cast<int64_t>(ops.size());
      ops.push_back(&op);
    }
    qq::Graph graph;
    for (BlockArgument arg : func.getArguments())
      graph.arguments.push_back(viewValue(arg, index));
    graph.nodes.resize(ops.size());
    for (auto [i, op] : llvm::enumerate(ops)) {
      qq::Node &node = graph.nodes[i];
      node.index = static_cast<int64_t>(i);
      StringRef opName = op->getName().getStringRef();
      node.opType = opName.consume_front("qc.") ? opName.str()
                                                : op->getName().getStringRef().str();
      node.name = nodeName(op->getLoc());
      for (mlir::Value v : op->getOperands())
        node.operands.push_back(viewValue(v, index));
      for (OpResult r : op->getResults()) {
        node.results.push_back(viewValue(r, index));
        std::vector<qq::Use> uses;
        for (OpOperand &use : r.getUses()) {
          auto it = index.find(use.getOwner());
          if (it != index.end())
            uses.push_back(qq::Use{it->second, use.getOperandNumber()});
        }
        node.uses.push_back(std::move(uses));
      }
      for (NamedAttribute attr : op->getAttrs()) {
        if (attr.getName().getValue().starts_with("qc."))
          continue;
        if (auto a = viewAttribute(attr.getValue()))
          node.attrs[attr.getName().str()] = *a;
      }
      if (failed(readAnnotation(op, node)))
        return signalPassFailure();
    }

    std::vector<qq::Diagnostic> diagnostics;
    bool ok = (*composed)->annotate(graph, diagnostics);
    for (const qq::Diagnostic &d : diagnostics) {
      Location loc = d.node >= 0 && d.node < static_cast<int64_t>(ops.size())
                         ? ops[d.node]->getLoc()
                         : func.getLoc();
      if (d.severity == qq::Diagnostic::Severity::kWarning)
        emitWarning(loc) << d.message;
      else
        emitError(loc) << d.message;
    }
    if (!ok)
      return signalPassFailure();

    for (auto [i, op] : llvm::enumerate(ops)) {
      const qq::Node &node = graph.nodes[i];
      if (!node.annotation) {
        op->removeAttr(kInputSpecs);
        op->removeAttr(kOutputSpecs);
        op->removeAttr(kAnnotatedBy);
        continue;
      }
      SmallVector<Attribute> inputs, outputs;
      for (const qq::EdgeSpec &s : node.annotation->inputs)
        inputs.push_back(irSpec(op->getLoc(), s));
      for (const qq::EdgeSpec &s : node.annotation->outputs)
        outputs.push_back(irSpec(op->getLoc(), s));
      if (llvm::is_contained(inputs, Attribute()) ||
          llvm::is_contained(outputs, Attribute()))
        return signalPassFailure();
      Builder b(op->getContext());
      op->setAttr(kInputSpecs, b.getArrayAttr(inputs));
      op->setAttr(kOutputSpecs, b.getArrayAttr(outputs));
      op->setAttr(kAnnotatedBy, b.getStringAttr(node.annotation->quantizer));
    }
  }
};

} // namespace
} // namespace mlir::qc
