//===- Debug.h - qc debug: where a quantized program loses accuracy -------===//
//
// Runs a float model and its quantized program (the Q/DQ form of
// `qc quantize`) on the same inputs and compares them layer by layer. Layers
// are matched by node name: the NameLoc each op keeps from the ONNX node it
// came from (docs/importer.md, "Layer names in saved files").
//
// A *layer* of the quantized program is a qc.quantize whose input is the
// result of a named op (the output of a quantized op: a conv, the relu fused
// after it, a pool, ...) or a model input. For each layer and over all
// samples, LayerComparator accumulates:
//  - reference: the Q/DQ program's dequantized value there against the float
//    model's value of the op of the same name (the error accumulated so far);
//  - own: the error of this op on its own: the quantized program run with
//    the input of every matched qc.quantize replaced by the float model's
//    value of that node, so each op sees the float run's inputs, quantized
//    as the program quantizes them;
//  - added: the error this layer adds: as `own`, but the consumers read the
//    float values themselves (no quantize / dequantize on their inputs), so
//    only the op's weights and its output's quantize count. Each edge's
//    error is counted once, at the layer that produces it; the worst layers
//    are ranked by it;
//  - compiled (optional): the same as reference, for the native code of
//    `qc compile` (the program compiled with one extra output per layer,
//    a qc.dequantize of the layer's qc.quantize);
//  - the qparams' representable range, the range of the float values seen,
//    the fraction of them the quantize clamps, a histogram, and for a layer
//    with int8 weights their per-channel ranges.
//
// The comparison is a library (LayerComparator, floatActivations, sqnrDb) so
// that other tools (mixed-precision search) can rank layers the same way;
// `qc debug` (runDebug) adds the data reading, the table, CSV and HTML.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_DRIVER_DEBUG_H
#define QC_COMPILER_DRIVER_DEBUG_H

#include "support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include "llvm/ADT/StringMap.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qc {

/// SQNR in dB of \p got against \p ref: 10 log10(sum ref^2 / sum (ref -
/// got)^2); +inf when they are equal, -inf when ref is all zero and got is
/// not.
double sqnrDb(ArrayRef<float> ref, ArrayRef<float> got);

/// \p v with \p digits decimals ("inf", "-inf", "nan" spelled out), and in
/// %.4g: the number formats of qc debug's table, CSV and HTML report.
std::string formatFixed(double v, int digits);
std::string formatGeneral(double v);

/// An error accumulated over samples.
struct ErrorStats {
  /// Sum of ref^2 and of (ref - got)^2, element count.
  double signal = 0, noise = 0;
  int64_t count = 0;
  /// Largest |ref - got|, and the same in quantization steps (divided by
  /// the element's scale).
  double maxAbs = 0, maxSteps = 0;
  double sqnrDb() const;
  bool empty() const { return count == 0; }
};

/// A histogram over a fixed range (set from the first batch and the
/// calibrated range); values outside fall into the end bins and are counted.
struct Histogram {
  double lo = 0, hi = 0;
  std::vector<int64_t> bins;
  int64_t below = 0, above = 0;
};

/// One output channel of a layer's int8 weight.
struct ChannelRange {
  /// The float model's weights of this channel (min, max), and the range
  /// the quantized weight's scale and storage type can represent.
  float floatMin = 0, floatMax = 0;
  float gridMin = 0, gridMax = 0;
};

/// One compared layer (see the file comment).
struct LayerComparison {
  /// Node name of the op whose output is quantized; for a model input,
  /// its name. `opType` is the op's name ("qc.relu") or "input".
  std::string name, opType;
  /// The layer's shape in the quantized program (? for dynamic).
  std::string shape;
  /// Output qparams (one entry, or one per channel along `axis`).
  std::vector<float> scale;
  std::vector<int64_t> zeroPoint;
  std::optional<int64_t> axis;
  int64_t qmin = 0, qmax = 0;
  /// What the qparams can represent (the calibrated range):
  /// [(qmin - zp) * scale, (qmax - zp) * scale] (union over channels).
  double rangeMin = 0, rangeMax = 0;
  /// The float model's values: the range seen, how many, how many the
  /// quantize clamps (round(x / scale) + zp outside [qmin, qmax]).
  double seenMin = 0, seenMax = 0;
  int64_t elements = 0, clipped = 0;
  ErrorStats reference, own, added, compiled;
  Histogram histogram;
  /// The int8 weight of the op (or of the op the activation follows),
  /// when there is one: its node name, per-channel ranges, SQNR of the
  /// dequantized weight against the float one.
  std::string weightOf;
  std::vector<ChannelRange> weightChannels;
  std::optional<double> weightSqnrDb;
  /// 1 for the layer that adds the largest error (lowest `added` SQNR), 2
  /// for the next, ...; 0 when not among the worst.
  int worstRank = 0;

  double clippedFraction() const {
    return elements ? double(clipped) / double(elements) : 0.0;
  }
};

struct ComparatorOptions {
  /// Also compile the quantized program and compare its native code.
  bool compiled = false;
  /// The target for `compiled` (it must run on this CPU), threads.
  std::string target = "host";
  int threads = 0;
  /// Histogram bins.
  int bins = 64;
};

/// Compares a float function and its quantized program layer by layer.
/// Both functions must outlive the comparator; it works on copies.
class LayerComparator {
public:
  /// Matches the layers and builds the instrumented copies. Errors (after
  /// a diagnostic): inputs that differ in number or type, no layer in
  /// common, a matched node whose shape differs.
  static FailureOr<std::unique_ptr<LayerComparator>>
  create(func::FuncOp floatFunc, func::FuncOp quantFunc,
         const ComparatorOptions &options = {});
  ~LayerComparator();

  /// Runs one batch (one array per input, in argument order) through the
  /// float model, the quantized program, the "own error" program and, if
  /// asked, the compiled code, and accumulates every layer's statistics.
  LogicalResult addBatch(const std::vector<::qc::NpyArray> &inputs);

  /// Layers in program order; final after the last addBatch once
  /// finish() ranked them.
  const std::vector<LayerComparison> &layers() const { return rows; }
  /// Sets worstRank for the \p count layers with the lowest `added` SQNR.
  void finish(int count = 3);

  /// Float ops of the quantized program's layers' names that the float
  /// model does not have (layers left out of the comparison).
  const std::vector<std::string> &unmatched() const { return missing; }
  /// The compiled target, when compiled.
  const std::string &compiledTarget() const { return target; }
  int64_t samples() const { return sampleCount; }

  struct Impl;

private:
  LayerComparator();
  std::unique_ptr<Impl> impl;
  std::vector<LayerComparison> rows;
  std::vector<std::string> missing;
  std::string target;
  int64_t sampleCount = 0;
};

/// The float model's values of the named ops' results (result 0) for one
/// run on \p inputs, by node name. Unknown names are an error.
FailureOr<llvm::StringMap<::qc::NpyArray>>
floatActivations(func::FuncOp floatFunc, ArrayRef<std::string> names,
                 const std::vector<::qc::NpyArray> &inputs);

/// `qc debug`.
struct DebugOptions {
  std::string floatModel, quantModel;
  /// --input bindings: one NAME=DATA (or bare DATA) where DATA is an .npy
  /// (samples along axis 0), an .npz (one array per input) or a directory
  /// of them; or one NAME=FILE.npy per input (one run, as `qc run`).
  std::vector<std::string> inputs;
  std::vector<std::string> inputShapes;
  /// Samples per run (0: the model's static batch, else 1) and a limit.
  int64_t batchSize = 0;
  int64_t maxSamples = -1;
  ComparatorOptions comparator;
  /// Layers marked as the worst.
  int worst = 3;
  std::string htmlPath, csvPath;
  bool quiet = false;
};

/// Loads both models, runs the comparison over the data, prints the table
/// on stdout and writes the HTML / CSV files. Returns the exit status
/// (0, or 1 after a `qc: error:`).
int runDebug(MLIRContext &context, const DebugOptions &options);

/// The table `qc debug` prints, the CSV, and the self-contained HTML report
/// (DebugHtml.cpp).
struct DebugReport {
  std::string floatModel, quantModel, target;
  int64_t samples = 0;
  bool compiled = false;
  std::vector<LayerComparison> layers;
  std::vector<std::string> unmatched;
};
std::string formatDebugTable(const DebugReport &report);
std::string formatDebugCsv(const DebugReport &report);
std::string formatDebugHtml(const DebugReport &report);

} // namespace mlir::qc

#endif // QC_COMPILER_DRIVER_DEBUG_H
