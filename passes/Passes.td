//===- Passes.td - qc passes ------------------------------*- tablegen -*-===//
#ifndef QC_PASSES_TD
#define QC_PASSES_TD

include "mlir/Pass/PassBase.td"

def QCShapeInference : Pass<"qc-shape-inference", "func::FuncOp"> {
  let summary = "Bind input shapes and re-infer every qc op's result type";
  let description = [{
    Re-runs each qc op's shape rule in program order, refining dynamic
    dimensions, and updates the function's result types. `input-shapes` binds
    function arguments by name (the `qc.name` argument attribute the importer
    sets, or `argN`): `--qc-shape-inference="input-shapes=input:1,3,224,224"`.
    An op whose shape rule fails reports why, and the pass fails.
  }];
  let options = [
    Option<"inputShapes", "input-shapes", "std::string", /*default=*/"",
           "NAME:D0,D1,... bindings for function arguments; ';' separates several">
  ];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCDeadCodeElimination : Pass<"qc-dce", "func::FuncOp"> {
  let summary = "Remove ops whose results are unused";
  let description = [{
    Erases side-effect-free ops with no uses, repeatedly, bottom-up, so a
    whole dead chain (for example the constants of a folded BatchNorm) goes.
  }];
}

def QCFoldBatchNorm : Pass<"qc-fold-batch-norm", "func::FuncOp"> {
  let summary = "Fold inference BatchNorm into the preceding conv2d / linear";
  let description = [{
    `batch_norm(conv2d(x, W, b))` with constant W, b and statistics becomes
    `conv2d(x, W', b')` with `W'[o] = W[o] * s[o]`,
    `b'[o] = (b[o] - mean[o]) * s[o] + beta[o]`, `s = gamma / sqrt(var + eps)`
    (computed in double, stored as f32). Likewise for `linear` followed by a
    batch_norm over its feature axis (rank-2 output). The conv/linear must
    have no other user; otherwise the pair is left alone.
  }];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCSinkReshapes : Pass<"qc-sink-reshapes", "func::FuncOp"> {
  let summary = "Move reshapes below pointwise ops so that reshape pairs cancel";
  let description = [{
    `f(reshape(x))` becomes `reshape(f(x))` for a pointwise op `f` (the
    unary family: relu, sigmoid, exp, ...; clamp, hardsigmoid, gelu,
    leaky_relu, elu, selu) when the reshape has no other user, and
    `reshape(reshape(x))` becomes `reshape(x)`, or `x` when the types agree.
    The importer brackets 1-D conv / pooling (2-D ops over a unit height)
    with reshapes; this brings conv + ReLU together for the quantizers and
    removes the copies between them.
  }];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCNormalizeQDQ : Pass<"qc-normalize-qdq", "func::FuncOp"> {
  let summary = "Bring an imported Q/DQ program (QAT export, ONNX Runtime QDQ) to qc's converted form";
  let description = [{
    Three rewrites, each a no-op on programs without them (float models,
    qc's own converted programs):
    - `qc.quantize` of a f32 `qc.constant` (PyTorch's export of a weight
      fake-quant) becomes the integer constant, quantized by the reference
      kernel.
    - The conv-bn simulation of PyTorch's QAT modules in eval mode,
      `batch_norm(add(div(conv2d(x, dq(Wq)), k), b))` (the add, the div, or
      both may be absent; `mul` by a constant is accepted in place of `div`)
      with constant per-channel operands and one user per op, folds into the
      conv2d's (linear's, rank 2) bias: the chain is `conv * m + c` per
      channel, with `m = gamma / sqrt(var + eps) / k`. The quantized weight is
      kept; when some `|m - 1| > 1e-5` (a BatchNorm not simulated in the
      weight), `m` moves into the weight's dequantize scale, which becomes
      per channel.
    - A f32 constant bias of a conv2d / linear whose input is dequantized per
      tensor (scale s_in) and whose weight is a dequantized i8 constant with
      zero point 0 (s_w, per tensor or per output channel) becomes
      `dequantize(int32 constant)` with zero point 0 and scale `s_in * s_w[c]`
      (f32 product), as qc-convert writes it, so qc-lower-to-integer fuses the
      layer.
    Diagnostics: "cannot quantize the constant ..." and "cannot quantize the
    bias to int32 ..." when the reference kernel rejects the values (NaN).
  }];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCEqualizeCrossLayer : Pass<"qc-equalize-cross-layer", "func::FuncOp"> {
  let summary = "Cross-layer weight equalization of conv/linear pairs (DFQ)";
  let description = [{
    For each pair `layer1 -> [relu | clamp(min 0)] -> layer2` of conv2d
    (any groups: depthwise and pointwise included) or of linear layers, with
    constant f32 weights, where layer1's output and the activation have a
    single user and layer2 takes it as its input: output channel i of
    layer1 (weights and bias) is divided by `s_i = sqrt(r1_i / r2_i)` and
    the weights of layer2 that read input channel i are multiplied by it
    (`r1_i` = max |w| of layer1's output channel i, `r2_i` = max |w| over
    layer2's weights for input channel i), so both ranges become
    `sqrt(r1_i * r2_i)` (Nagel et al. 2019, "Data-Free Quantization Through
    Weight Equalization and Bias Correction"). Chains are equalized
    repeatedly until no scale moves by more than 1e-6 (at most
    `iterations` sweeps). relu is positively homogeneous, so the program
    computes the same function (up to f32 rounding). A clamp with min 0
    (relu6) between the layers cannot follow per-channel scales (channel i
    would saturate at hi / s_i): it becomes a relu, making the pair one,
    only when that changes nothing on the calibration data (`data`, else
    the `qc.calibration_data` attribute qc-annotate sets from
    `qc quantize --calib`): its input never exceeded the bound there.
    `relu6-to-relu` converts every such clamp (the DFQ paper's choice; the
    program then differs where an input exceeds the bound). Without data
    and without `relu6-to-relu`, relu6 pairs are left alone. Channels whose
    range is 0 on either side are left alone. Pairs that do not fit are
    skipped; errors only for unreadable calibration data. The built-in
    quantizers run it with `cle=1`.
  }];
  let options = [
    Option<"iterations", "iterations", "int64_t", /*default=*/"20",
           "Maximum number of sweeps over the pairs">,
    Option<"data", "data", "std::string", /*default=*/"",
           "Calibration data deciding which relu6 become relu">,
    Option<"relu6ToRelu", "relu6-to-relu", "bool", /*default=*/"false",
           "Replace every relu6 between two layers by a relu (DFQ)">,
  ];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCFoldConstants : Pass<"qc-fold-constants", "func::FuncOp"> {
  let summary = "Evaluate qc ops whose operands are all constants";
  let description = [{
    Replaces every qc op whose operands are all `qc.constant` by a
    `qc.constant` holding its value, computed by the reference executor (so
    folding and `qc run` agree exactly). Ops are visited in program order, so
    constant chains fold in one run. Results with more than 16 elements
    become `dense_resource` blobs named after the op's location (characters
    other than letters, digits, `_` and `.` become `_`, so ONNX node names
    give valid resource keys). Ops the
    executor does not evaluate (other element types, other dialects) and
    results with a dynamic shape or more than `max-elements` elements are left
    alone; an evaluation error (a kernel rejecting the constants) fails the
    pass with a diagnostic at the op. Run `qc-dce` afterwards to drop the
    constants that lost their users.
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", /*default=*/"1 << 24",
           "Do not fold ops whose result has more elements than this">
  ];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

//===----------------------------------------------------------------------===//
// Quantization flow: prepare, calibrate, convert
//===----------------------------------------------------------------------===//

def QCPrepare : Pass<"qc-prepare", "func::FuncOp"> {
  let summary = "Insert qc.observe at every edge a Quantizer annotated";
  let description = [{
    Reads `qc.input_specs` / `qc.output_specs` (one entry per operand /
    result: `#qc.spec`, `#qc.shared<input = k>`, `#qc.derived`, `#qc.fixed`,
    or `unit` for float) and inserts `qc.observe` ops carrying an observer
    `id` and the resolved `#qc.spec`.

    Groups. `#qc.shared<input = k>` joins an edge with input edge `k` of the
    same op (union-find; chains are followed); each group resolves to the
    one `#qc.spec` or `#qc.fixed` at the end of its chain. All observed edges
    of a group carry the same `id` (e.g. the inputs and output of a concat,
    or a max pool's input and output), so calibration feeds one observer.

    Edge rule (as PyTorch PT2E's implicit sharing). For a value, its
    producer's output edge and its consumers' input edges whose resolved
    specs are equal form one group: one `qc.observe` right after the
    producer, read by all users. A consumer edge with a different spec gets
    its own `qc.observe` on that edge, reading the producer's observed
    output (after convert: q1/dq1 then q2/dq2 on that edge); consumers of a
    value whose (different) specs are equal to each other share it. Users of
    an observed output without a spec of their own read the observed value.
    Constants (weights) are observed like any value; calibration updates
    their observers once.

    Derived specs (`#qc.derived`, a bias) get no observer; their inputs must
    be observed or fixed edges, with per-channel counts that match the
    derived axis. Fixed specs (`#qc.fixed`) get no observer. Both stay on the
    op for qc-convert: after this pass `qc.input_specs` / `qc.output_specs`
    hold only `#qc.fixed` (shared-with-fixed entries resolved to it) and
    `#qc.derived` entries, `unit` elsewhere, and are removed when nothing is
    left. Running the pass again therefore inserts nothing new.

    Dynamic specs (`#qc.spec<..., dynamic = true>`, qparams chosen per run)
    are allowed only on the activation input of `qc.linear` / `qc.matmul`;
    they get no observer and stay on the op for qc-convert.

    Errors (a diagnostic at the annotated op): an entry count that does not
    match the op, an unknown entry, a spec on a value that is not a ranked
    f32 tensor, a per-channel axis out of range, an invalid observer kind or
    option, a dynamic spec elsewhere (another op, an output, a weight or
    constant, not 8-bit, per channel), sharing with an unannotated, derived
    or dynamic edge, a derived spec derived from a dynamic edge, a
    cycle of shared entries, a derived spec whose inputs are not observed or
    fixed or whose channel count disagrees.

    ```mlir
    %y = qc.relu %x {qc.input_specs = [#qc.spec<...>], qc.output_specs = [#qc.shared<input = 0>]}
    // becomes
    %o = qc.observe %x {id = 0 : i64, spec = #qc.spec<...>} : tensor<...>
    %y = qc.relu %o
    %p = qc.observe %y {id = 0 : i64, spec = #qc.spec<...>} : tensor<...>
    ```
  }];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCCalibrate : Pass<"qc-calibrate", "func::FuncOp"> {
  let summary = "Run calibration data through a prepared program and record qparams";
  let description = [{
    Streams the samples of `data` (an .npy with samples along axis 0 for a
    single-input model, an .npz with one such array per input name, or a
    directory of .npy / .npz files, one sample or batch each, sorted by name)
    through the function with the reference executor, one batch at a time.
    Each `qc.observe` id has one observer (quantizers/observers, built from
    its `#qc.spec`; `observer` overrides the kind for activations); observers
    fed by constants (weights) are updated on the first batch only. Then
    every `qc.observe` gets `scale` / `zero_point`. Without `data`, only
    observers fed by constants are allowed (a dynamically quantized program):
    each sees its constant once.

    The `qc` driver calls the same code (`calibrate` in
    passes/Quantize/Calibrate.h); this pass exposes it to `qc-opt` and lit.
    Errors: data that does not fit the inputs (names the input and the
    expected type), no samples, NaN / Inf reaching an observer (at the
    observer's op, with the count).
  }];
  let options = [
    Option<"data", "data", "std::string", /*default=*/"",
           "Calibration data: FILE.npy, FILE.npz or a directory">,
    Option<"observer", "observer", "std::string", /*default=*/"",
           "Observer kind for activations (overrides the specs)">,
    Option<"maxSamples", "max-samples", "int64_t", /*default=*/"-1",
           "Use at most this many samples (-1: all)">,
    Option<"batchSize", "batch-size", "int64_t", /*default=*/"0",
           "Samples per run (0: the model's static batch size, else 1)">
  ];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCSmoothQuant : Pass<"qc-smooth-quant", "func::FuncOp"> {
  let summary = "SmoothQuant: move activation outliers of linear / matmul inputs into the weights";
  let description = [{
    For each activation X read by linear layers (weight [O, K]) or matmuls
    with a constant rhs [K, N] (all readers of one X share the scales):
    `s_j = max|X_j|^alpha / max|W_.j|^(1 - alpha)` (clamped to
    [1e-5, 1e5]; 1 where either maximum is 0), with max|X_j| measured on the
    calibration data by the float program and max|W_.j| over every reader's
    weights for input channel j. The weights become `W * s` (channel j) and
    X becomes `X / s`: folded into X's producer when that is a qc.layer_norm
    with constant scale / bias over the last axis, or the
    `mul(·, const gamma) -> add(·, const beta)` tail of a layer norm written
    as ops (opset-13 exports) whose only users are those readers; otherwise
    a `qc.mul` by the constant 1/s is inserted before them. The program
    computes the same function up to f32 rounding (Xiao et al. 2023). The
    built-in quantizers run it with `smoothquant=ALPHA`.

    `data` (else the `qc.calibration_data` attribute qc-annotate sets from
    `qc quantize --calib`) is read once. Errors: alpha outside [0, 1], no
    calibration data, data that does not fit the inputs.
  }];
  let options = [
    Option<"alpha", "alpha", "double", /*default=*/"0.5",
           "Migration strength in [0, 1] (0: all scale on the weights)">,
    Option<"data", "data", "std::string", /*default=*/"",
           "Calibration data: FILE.npy, FILE.npz or a directory">,
    Option<"maxSamples", "max-samples", "int64_t", /*default=*/"-1",
           "Use at most this many samples">,
    Option<"batchSize", "batch-size", "int64_t", /*default=*/"0",
           "Samples per run (0: the model's batch)">,
  ];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCWeightOnly : Pass<"qc-weight-only", "func::FuncOp"> {
  let summary = "Weight-only quantization: int8 / int4 weights of linear / matmul, float activations";
  let description = [{
    Replaces the float constant weight of every `qc.linear` (`[N, K]`) and
    every `qc.matmul` by a constant 2-D rhs (`[K, N]`, with a non-constant
    lhs), and (`embedding-bits=8|4`) the constant 2-D table `[V, D]` of
    every `qc.gather` along axis 0 (an embedding lookup; a row is a channel,
    D its input channels; 8 bits per row, 4 bits in groups of group-size),
    by an integer constant and a `qc.dequantize`: per output channel
    (`group-size=0`, 8 bits only) or per group of `group-size` consecutive
    input channels (K) of one output channel (a `block_size` dequantize,
    ONNX DequantizeLinear-21's block quantization). qparams come from the
    group's min / max with PyTorch's `_calculate_qparams` (observers'
    QParams.h): symmetric in `[qmin, qmax]` (bits 8: the quantizer's weight
    range; bits 4: [-8, 7], int8 storage) or asymmetric in ui8 `[0, 255]` /
    `[0, 15]` with a zero point per group. Values are quantized with
    DESIGN.md's rule (`x * (1 / scale)`, as the reference kernels). The
    activations stay float: the program is dequantize -> float linear, which
    `qc compile` runs with the weights kept packed (docs/codegen.md,
    "Weight-only quantization"). The built-in quantizers run it with
    `weight_only=int8|int4`.

    `clip=mse` searches each group's (or channel's) range: the shrink
    factors s = 1.00, 0.99, ..., 0.50 of its min / max (both ends scaled by
    s; the qparams of [s * min, s * max] as above) are tried and the one
    whose dequantized values have the least squared error against the float
    weights wins (ties: the larger s, so no group is worse than min / max).
    Values beyond the clipped range saturate at qmin / qmax.

    `method=gptq` (GPTQ, Frantar et al. 2023) first measures the Hessian
    H = X^T X / n of every linear / matmul input X on the calibration data
    (`data`, else the `qc.calibration_data` attribute qc-annotate sets from
    `qc quantize --calib`; the float program, one pass), then quantizes each
    weight one input channel (column) at a time: the column's rounding error,
    divided by the diagonal of U (the upper Cholesky factor of
    (H + damp * mean(diag H) * I)^-1), is subtracted from the columns not yet
    quantized, weighted by U's row. Each group's qparams are chosen (min /
    max or the MSE clip above) from its weights as updated when its first
    column is reached, or, with `act-order` (columns in order of decreasing
    H[j, j]), from the unmodified weights. Columns whose input is always 0
    round to nearest. The output has the same form as `method=rtn` (integer
    constant + block dequantize). Embedding tables always round to nearest.

    Errors: bits other than 4 / 8, a negative group size, 4 bits without a
    group, a symmetric range that is empty or does not fit int8, a clip
    other than minmax / mse, embedding-bits other than 0 / 4 / 8 (4 needs a
    group size), a method other than rtn / gptq, act-order without gptq, a
    damp outside (0, 1], gptq without calibration data or with data that
    does not fit the inputs, a Hessian that stays indefinite at 100x the
    dampening.
  }];
  let options = [
    Option<"bits", "bits", "int64_t", /*default=*/"8",
           "Weight bits: 8 or 4">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"0",
           "Input channels per group (0: per output channel, 8 bits only)">,
    Option<"symmetric", "symmetric", "bool", /*default=*/"true",
           "Symmetric weights (zero point 0); false: ui8 storage with a zero point per group">,
    Option<"qmin", "qmin", "int64_t", /*default=*/"-128",
           "Symmetric 8-bit range: lowest value">,
    Option<"qmax", "qmax", "int64_t", /*default=*/"127",
           "Symmetric 8-bit range: highest value">,
    Option<"embeddingBits", "embedding-bits", "int64_t", /*default=*/"0",
           "Also quantize the constant table [V, D] of a qc.gather along axis 0 (an embedding): 8 (per row) or 4 (groups of group-size along D); 0: tables stay float">,
    Option<"clip", "clip", "std::string", /*default=*/"\"minmax\"",
           "Range of each group: 'minmax' (its min / max) or 'mse' (the shrink 1.00, 0.99, ..., 0.50 of min / max with the least squared error)">,
    Option<"method", "method", "std::string", /*default=*/"\"rtn\"",
           "Rounding of the linear / matmul weights: 'rtn' (each value to its nearest grid point) or 'gptq' (column by column with the error fed forward through the inputs' Hessian, measured on calibration data)">,
    Option<"damp", "damp", "double", /*default=*/"0.01",
           "gptq: dampening, this fraction of the Hessian's mean diagonal added to its diagonal, in (0, 1]">,
    Option<"actOrder", "act-order", "bool", /*default=*/"false",
           "gptq: quantize the input channels in order of decreasing Hessian diagonal (group qparams from the unmodified weights)">,
    Option<"data", "data", "std::string", /*default=*/"",
           "gptq: calibration data, FILE.npy, FILE.npz or a directory (default: qc-annotate's qc.calibration_data)">,
    Option<"maxSamples", "max-samples", "int64_t", /*default=*/"-1",
           "gptq: use at most this many samples">,
    Option<"batchSize", "batch-size", "int64_t", /*default=*/"0",
           "gptq: samples per run (0: the model's batch)">,
  ];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCRequestBiasCorrection : Pass<"qc-request-bias-correction", "func::FuncOp"> {
  let summary = "Ask for bias correction of the layers a quantizer annotates";
  let description = [{
    Adds `quantizer` to the function attribute `qc.bias_correction` (a list
    of quantizer names). The built-in quantizers run it from their
    transformForAnnotation with `bias_correction=1`; `qc-bias-correction`
    (after calibration) reads the list. Emits no diagnostics.
  }];
  let options = [
    Option<"quantizer", "quantizer", "std::string", /*default=*/"\"x86\"",
           "Name of the quantizer whose layers are corrected">,
  ];
}

def QCBiasCorrection : Pass<"qc-bias-correction", "func::FuncOp"> {
  let summary = "Fold the expected output shift of weight quantization into biases";
  let description = [{
    Runs on a calibrated program (after `qc-calibrate`, before
    `qc-convert`) whose `qc.bias_correction` attribute lists quantizers
    (see `qc-request-bias-correction`); does nothing without it. For every
    conv2d / linear annotated by one of them, with an observed input, an
    observed constant weight with calibrated qparams and a constant bias:
    `dW = dequantize(quantize(W)) - W` with those qparams, and the bias
    becomes `b - E[dW x]`, the expectation taken over the calibration data
    of `data` (float inputs of the layer; for conv2d the mean over samples
    and output positions of `conv2d(E[x], dW)`, for linear `dW E[x]` with
    E over every index but the last). qc-convert then quantizes the
    corrected bias to int32 (scale s_in * s_w[c]). Layers without a bias are
    left alone. The attribute is removed.

    Errors: layers to correct but no `data` ("needs calibration data"),
    calibration data that does not fit the inputs, an executor failure.
  }];
  let options = [
    Option<"data", "data", "std::string", /*default=*/"",
           "Calibration data: FILE.npy, FILE.npz or a directory">,
    Option<"maxSamples", "max-samples", "int64_t", /*default=*/"-1",
           "Use at most this many samples">,
    Option<"batchSize", "batch-size", "int64_t", /*default=*/"0",
           "Samples per run (0: the model's batch)">,
  ];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCConvert : Pass<"qc-convert", "func::FuncOp"> {
  let summary = "Turn calibrated observers into quantize / dequantize (the Q/DQ contract form)";
  let description = [{
    Each calibrated `qc.observe` (with `scale` / `zero_point`) becomes
    `qc.quantize` -> `qc.dequantize` with the spec's dtype and range (and
    `axis` when per channel). An observed `qc.constant` (a weight) becomes an
    integer `qc.constant` (quantized here with the reference kernel, stored as
    a resource blob when large) followed by `qc.dequantize`. `#qc.fixed`
    entries left by qc-prepare get quantize / dequantize with the fixed
    qparams. `#qc.derived` entries (biases) get zero point 0 and
    `scale[c] = s_in * s_w[c]` (the product, in f32, of the scales of the
    listed input edges, read from their `qc.dequantize`); a constant bias is
    stored as an integer (i32) constant, rounded half to even and clamped to
    the spec's range. A dynamic `#qc.spec` (activation of a linear / matmul)
    becomes a `qc.dynamic_fake_quant` before the op, shared by consumers of
    one value with the same spec. Float constants left without users are
    erased and the annotations removed.

    An uncalibrated observer, a static `#qc.spec` / `#qc.shared` entry
    (qc-prepare not run), a dynamic spec on an output or a derived spec whose inputs are not quantized is an error at
    the op.
  }];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

//===----------------------------------------------------------------------===//
// Quantization flow: annotate
//===----------------------------------------------------------------------===//

def QCAnnotate : Pass<"qc-annotate", "func::FuncOp"> {
  let summary = "Attach quantization specs to ops with a Quantizer (built-in or plugin)";
  let description = [{
    Runs the quantizers named by `quantizer` (a `;`-separated list, run in
    order; docs/quantizers.md has the option language) on an MLIR-free view
    of the function and writes what they decide as `qc.input_specs` /
    `qc.output_specs` (one `#qc.spec` / `#qc.shared` / `#qc.derived` /
    `#qc.fixed` / `unit` entry per operand / result) and `qc.annotated_by`
    on every annotated op. Ops left alone stay float. `plugins` loads
    quantizer plugins (shared libraries, docs/quantizer-plugins.md) first.

    Built-in quantizers: `x86` (u8 activations, s8 per-channel weights) and
    `xnnpack` (s8 activations, s8 [-127, 127] weights). Options per
    quantizer: `NAME=VALUE` globally, `NAME[SELECTOR]=VALUE` for the nodes
    a selector picks (an exact node name, `/REGEX/` on node names or
    `op:TYPE`), and `keep_float=SELECTOR`.

    ```
    --qc-annotate="quantizer=x86,per_channel=0,keep_float=/classifier.*/"
    --qc-annotate="quantizer=my_npu;xnnpack plugins=/path/libmy_npu.so"
    ```

    With `data` (the calibration data; `qc quantize --calib` sets it), the
    function carries the attribute `qc.calibration_data` = {path,
    max_samples, batch_size} while the quantizers' transforms run, for
    transforms that measure activations (qc-smooth-quant of
    `smoothquant=ALPHA`); it is removed afterwards.

    Errors (at the function, or at the op concerned): an unknown quantizer
    (the known ones are listed), an unknown option or a bad value (named),
    a plugin that cannot be loaded or has another ABI version, two
    quantizers annotating one op differently, an annotation that breaks the
    spec rules, a quantizer's validate rejecting the result. A selector
    that matches no op is a warning.
  }];
  let options = [
    Option<"quantizer", "quantizer", "std::string", /*default=*/"\"x86\"",
           "Quantizers to run: NAME[,OPTION=VALUE...] entries separated by ';'">,
    Option<"plugins", "plugins", "std::string", /*default=*/"\"\"",
           "Quantizer plugin libraries to load, separated by ';'">,
    Option<"data", "data", "std::string", /*default=*/"\"\"",
           "Calibration data for quantizer transforms that measure "
           "activations (smoothquant=ALPHA); qc quantize passes --calib">,
    Option<"maxSamples", "max-samples", "int64_t", /*default=*/"-1",
           "With data: use at most this many samples">,
    Option<"batchSize", "batch-size", "int64_t", /*default=*/"0",
           "With data: samples per run (0: the model's batch)">
  ];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

//===----------------------------------------------------------------------===//
// Lowering: Q/DQ program to integer ops
//===----------------------------------------------------------------------===//

def QCLowerToInteger : Pass<"qc-lower-to-integer", "func::FuncOp"> {
  let summary = "Replace dq -> conv2d / linear / add [-> relu | clamp] -> q by integer ops";
  let description = [{
    Matches, in the converted Q/DQ program,
    `dequantize(x), dequantize(w const), dequantize(b const) -> conv2d | linear
    [-> relu | clamp] -> quantize` and `dequantize(a), dequantize(b) -> add
    [-> relu | clamp] -> quantize`, and replaces them with `qc.qconv2d`,
    `qc.qlinear` or `qc.qadd`, whose epilogue is DESIGN.md's requantize rule
    (int32 accumulator, f32 multiply by `s_in * s_w[c] / s_out`, round half to
    even, + zp_out, clamp). The activation becomes the clamp range: relu ->
    `[zp_out, qmax]`, clamp(min, max) -> `[quantize(min), quantize(max)]`,
    intersected with `[qmin, qmax]`. Requirements: 8-bit per-tensor
    activations, i8 weights with zero point 0 (per tensor or per channel on
    axis 0), an i32 bias with zero point 0 and scale `s_in * s_w[c]`
    (relative 1e-6), per-tensor output; `add` without broadcasting. Anything
    else is left unchanged, so the program still runs. Layout stays NCHW.

    Each fused form is one `OpRewritePattern` rooted at the `qc.quantize`
    (passes/Lower/LowerToInteger.h): `lut` (an elementwise chain becomes a
    256-entry `qc.qlut`; tried first), `conv2d`, `linear`, `add`, `mul`,
    `max-pool`, `avg-pool` and `data-movement` (reshape / flatten /
    transpose / slice / concat / reduce_max / reduce_min on the integer
    tensors, with `qc.qrequantize` where qparams differ), `matmul` (`dequantize(a), dequantize(b i8 zero
    point 0) -> matmul [-> relu] -> quantize` of two run-time tensors of one
    rank >= 2 with equal batch dimensions, attention's QK^T and AV, becomes
    `qc.qmatmul`), `max-min` (`dequantize(a), dequantize(b) -> max | min ->
    quantize`, broadcasting, becomes `qc.qmax` / `qc.qmin`, an operand with
    other qparams first requantized by a `qc.qlut` table: exact, as quantize
    is monotonic), and `dynamic-linear`, rooted at the linear /
    matmul: `dynamic_fake_quant(x), dequantize(w const) [, b f32 const] ->
    linear | matmul` becomes `qc.dynamic_qlinear` (int8 GEMM on the
    activation quantized at run time, float epilogue; a matmul's `[K, N]`
    weight is transposed to `[N, K]`), and `arg-extreme`, rooted at the
    arg_max / arg_min: `dequantize(x ui8 | i8, per tensor) -> arg_max |
    arg_min` reads x itself (dequantize is increasing; the int64 result is
    not quantized). The pass applies them in one walk over the quantizes
    (and dynamic linear / matmul and arg_max / arg_min ops) in program order. `patterns=NAME,...` restricts it to some of
    them (for tests); an unknown name is an error:
    `qc-lower-to-integer: unknown pattern 'X'; expected one of ...`.
  }];
  let options = [
    ListOption<"patterns", "patterns", "std::string",
               "Apply only these patterns (default: all): lut, conv2d, "
               "linear, add, mul, max-pool, avg-pool, data-movement, "
               "requantize, dynamic-linear, conv-transpose2d, resize, matmul, "
               "max-min, arg-extreme">
  ];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

//===----------------------------------------------------------------------===//
// Code generation: integer program to an LLVM-dialect model with descriptor
// (passes/Codegen; `buildCompilePipeline` chains them for `qc compile`)
//===----------------------------------------------------------------------===//

def QCDynamicBatch : Pass<"qc-dynamic-batch", "ModuleOp"> {
  let summary = "Compile one sample of a program whose samples are independent (qc compile --max-batch)";
  let description = [{
    Prepares the entry function (`@main`, or the module's only function) of
    a float or Q/DQ program (or its integer form) for a compiled model that
    runs any batch from 1 to `max-batch`: dimension 0 of every input is the
    batch, and the runtime calls the compiled code once per sample. That is
    exact only when no op mixes samples, so the pass follows the batch from
    the inputs through every op and refuses, naming the op, any that would:
    a reduction, softmax or layer norm over dimension 0; a reshape, flatten
    or transpose that moves the batch out of dimension 0; a concat, slice,
    pad or resize along it; a matmul whose batched operand is contracted;
    an op whose weights depend on the input; per-channel quantization along
    dimension 0; `qc.dynamic_fake_quant` (its qparams are chosen over the
    whole tensor, samples included); an output that does not carry the
    batch; and any op it has no rule for. Then it binds dimension 0 of every
    input to 1 (it must be dynamic or 1, the other dimensions static: bind
    them with --input-shape), re-infers every shape, and records
    `qc.max_batch = N` on the function, which qc-lower-model puts into the
    descriptor (`max_batch`).
    `--qc-dynamic-batch="max-batch=64"`.
  }];
  let options = [
    Option<"maxBatch", "max-batch", "int64_t", /*default=*/"1",
           "The largest batch a run may take (1 to 2^31 - 1)">
  ];
}

def QCFuseTables : Pass<"qc-fuse-tables", "func::FuncOp"> {
  let summary = "Fold elementwise integer chains of one 8-bit input into one qc.qlut (qc compile)";
  let description = [{
    Runs on the integer program before code generation (`buildCompilePipeline`)
    and replaces, where the inner op has no other user:
    `qc.qlut(qc.qlut(x))` by one `qc.qlut` of x with the composed table, and
    `qc.qmul(a, qc.qlut(a))` (either operand order, no broadcasting) by one
    `qc.qlut` of a whose entry for each code v of a is qc.qmul's rule on
    `(v - za) * (t[v] - zb)` (int32, then `round_half_even(float(p) * m) +
    zp`, clamped; `ref::qmul`'s statements). A function of one 8-bit value
    is a table, so the result equals the unfused program exactly (hardswish
    written as `x * hardsigmoid(x)` between quantizes, as the quantizers
    leave it, becomes one lookup instead of two lookups and a multiply).
    The reference executor runs the program as written; `qc compile`'s code
    is compared with it (compile-lut-vector.test, compile-max-batch-ocr.test).
    It reports nothing: what it does not match stays as it is.
  }];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCPlanMemory : Pass<"qc-plan-memory", "ModuleOp"> {
  let summary = "Give every tensor of the entry function a place in the model's arena";
  let description = [{
    Plans the entry function (`@main`, or the module's only function) of a
    program in the integer form for `qc compile`: model inputs stay where
    the caller passes them (row-major), every other tensor gets an arena
    buffer (4-D activations NHWC), reshape / flatten of a row-major tensor,
    transpose and slice are views, im2col and row copies get scratch
    buffers; buffers live from the step that writes them to the last step
    that reads them and are placed largest first at the lowest free 64-byte
    aligned offset. The plan is written as attributes:
      - on the function, `qc.plan`: a dictionary of `arena_size`, `steps`
        and `buffers` (one dictionary per buffer: name, size, offset, and
        the first and last step it is live);
      - on each block argument (`qc.place` argument attribute) and each op
        whose result is a tensor of the model, `qc.place`: a dictionary of
        `kind` ("input", "arena" or "constant"), `index`, `offset` and
        `strides` (elements; strides in the tensor's logical NCHW order);
      - on ops with scratch, `qc.scratch = BUFFER`.
    Diagnostics: an op without a native lowering (naming the op and listing
    the supported ones), dynamic or non-positive shapes, tensors or buffers
    over 2^40 bytes, element types the emitters do not implement (inputs
    must be f32 / ui8 / i8 / i32), per-channel activation quantization,
    a constant used where only weights may be constants, and an entry
    function with several blocks.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def QCLowerModel : Pass<"qc-lower-model", "ModuleOp"> {
  let summary = "Lower the planned entry function to loops and GEMM kernel calls";
  let description = [{
    Reads the plan of `qc-plan-memory` and replaces the module's contents by
    the model's code: per op family a lowering (integer GEMM convolutions
    and linear layers, depthwise and grouped convolutions, pooling,
    elementwise integer ops and tables, quantize / dequantize, data
    movement, float islands) emits scf loops over LLVM-dialect loads and
    stores or calls of the int8 GEMM kernels on weights packed now; parallel
    steps become functions called through the runtime's `parallel_for`.
    With several targets (`target=x86-64`) the model is emitted once per
    variant plus an entry that picks one at run time. The module gets
    `qc.model` (name, targets, inputs, outputs, plan and sizes), which
    `qc-lower-model-to-llvm` and `qc-add-model-descriptor` read.
    Diagnostics: a missing or malformed plan (naming the op), a plan that
    addresses memory outside its buffers or the arena, overlapping live
    buffers, unknown targets, and every check of `qc-plan-memory` (the
    program is verified again).
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "host, x86-64, x86-64-avx2, x86-64-avxvnni, x86-64-avx512vnni, aarch64-dotprod or aarch64-i8mm">,
    Option<"modelName", "name", "std::string", /*default=*/"\"model\"",
           "The model's C identifier: the descriptor is NAME_desc">,
    Option<"source", "source", "std::string", /*default=*/"",
           "Where the model came from (for the header's comment)">,
    Option<"floatFma", "float-fma", "bool", /*default=*/"false",
           "Float dot products (conv, linear, matmul) as fused multiply-adds: faster, not bit-identical with the reference executor">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::arm_neon::ArmNeonDialect"
  ];
}

def QCLowerModelToLLVM : Pass<"qc-lower-model-to-llvm", "ModuleOp"> {
  let summary = "Lower the model's functions to the LLVM dialect, each for its target";
  let description = [{
    Internal functions equal in all but their names (attributes, variant
    included, and bodies) become one: uses name the first, the copies are
    erased, so repeated steps of one shape (their per-step values being step
    parameters of `qc-lower-model`) are converted, optimized and compiled
    once. Then runs scf-to-cf, vector / math / arith / func / cf to LLVM and
    reconcile-unrealized-casts on a module of `qc-lower-model`, gives every
    function of a variant (`qc.variant = I`) the `target-cpu` and
    `target-features` of the I-th target of `qc.model`, and merges equal
    functions again.
    Diagnostics: a module without `qc.model`, a variant index outside its
    targets, and ops the conversions leave.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::cf::ControlFlowDialect"];
}

def QCAddModelDescriptor : Pass<"qc-add-model-descriptor", "ModuleOp"> {
  let summary = "Add the exported qc_model_desc global of runtime/include/qc_model_abi.h";
  let description = [{
    Builds `NAME_desc` (ABI version, name, required ISA bits, inputs and
    outputs with names, dtypes and shapes, the arena plan, the entry
    function) and its strings and tables as LLVM-dialect globals from the
    module's `qc.model`, after `qc-lower-model-to-llvm`.
    Diagnostics: a module without `qc.model` or without `NAME_entry`.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // QC_PASSES_TD
