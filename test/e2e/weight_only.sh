#!/usr/bin/env bash
# Weight-only quantization end to end (docs/quantization.md, "Weight-only quantization"): quantizes
# MODEL with QUANTIZER (weight_only=..., no calibration data) and exports the program to ONNX
# (DequantizeLinear-21 with block_size; 4-bit weights as INT4 / UINT4), then requires
#   1. the native code (`qc run --compiled --target TARGET`) byte-identical to the reference executor;
#   2. the import of the export (`qc run MODEL.onnx`) byte-identical to the program it was exported from;
#   3. ONNX Runtime on the export (graph optimizations "basic": the graph as written) within
#      max|qc - ort| <= 1e-5 * max|qc| (its MatMul sums in another order);
#   4. the output SQNR against the float model >= MIN_SQNR dB.
#
#   weight_only.sh QC MODEL(.onnx|.mlir) INPUT_NAME=INPUT.npy QUANTIZER TARGET MIN_SQNR WORKDIR
#
# A target this CPU cannot run is skipped (exit 77) with a visible message; so is step 3 without
# onnxruntime-node (test/ort/node_modules, fixture qc_npm).
set -euo pipefail
QC=$1 MODEL=$2 INPUT=$3 QUANTIZER=$4 TARGET=$5 MIN_SQNR=$6 WORK=$7
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=/usr/bin/python3

flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
need() { for f in "$@"; do [[ " $flags " == *" $f "* ]] || { echo "SKIP: this CPU lacks $f, needed by $TARGET"; exit 77; }; done; }
case $TARGET in
  x86-64-avx2|x86-64) need avx2 fma bmi2 ;;
  x86-64-avxvnni) need avx2 fma bmi2 avx_vnni ;;
  x86-64-avx512vnni) need avx2 fma bmi2 avx512f avx512bw avx512vl avx512dq avx512cd avx512_vnni ;;
  host) ;;
  *) echo "weight_only.sh: target $TARGET does not run here"; exit 2 ;;
esac

base=$(basename "$MODEL"); base=${base%.*}
name=${base}_${QUANTIZER//[,=]/_}
dir=$WORK/$name.$TARGET
rm -rf "$dir" && mkdir -p "$dir"
"$QC" quantize "$MODEL" --quantizer "$QUANTIZER" -o "$dir/model.q.mlir" --export-onnx "$dir/model.q.onnx" \
  2> "$dir/quantize.log"
grep -q 'weight-only:' "$dir/quantize.log" || { echo "FAIL: qc quantize reported no weight-only weights"; cat "$dir/quantize.log"; exit 1; }
"$QC" run "$MODEL" --input "$INPUT" --output-dir "$dir/float" >/dev/null
"$QC" run "$dir/model.q.mlir" --input "$INPUT" --output-dir "$dir/ref" >/dev/null
"$QC" run "$dir/model.q.mlir" --compiled --target "$TARGET" --input "$INPUT" --output-dir "$dir/compiled" >/dev/null
"$QC" run "$dir/model.q.onnx" --input "$INPUT" --output-dir "$dir/reimport" >/dev/null
for ref in "$dir"/ref/*.npy; do
  f=$(basename "$ref")
  cmp -s "$ref" "$dir/compiled/$f" || { echo "FAIL: $f differs between the reference executor and $TARGET code"; exit 1; }
  cmp -s "$ref" "$dir/reimport/$f" || { echo "FAIL: $f of the re-imported export differs from the program's"; exit 1; }
done
ort="not run (no onnxruntime-node)"
if [[ -d "$HERE/../ort/node_modules/onnxruntime-node" ]]; then
  # Level "basic" runs the graph as written (constant folding only); at
  # "extended" / "all" ORT rewrites DequantizeLinear -> MatMul into its own
  # kernels (MatMulNBits / DynamicQuantizeMatMul, which quantize the
  # activations), a different computation: printed, not checked.
  node "$HERE/../ort/ort_run.js" "$dir/model.q.onnx" --input "$INPUT" --output-dir "$dir/ort" --graph-opt basic --quiet
  node "$HERE/../ort/ort_run.js" "$dir/model.q.onnx" --input "$INPUT" --output-dir "$dir/ort_all" --graph-opt all --quiet
  ort=$($PY - "$dir/ref" "$dir/ort" "$dir/ort_all" <<'PY'
import sys, glob, os, numpy as np
worst = fused = 0.0
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.npy"))):
    a = np.load(f).astype(np.float64)
    rel = lambda d: np.abs(a - np.load(os.path.join(d, os.path.basename(f))).astype(np.float64)).max() / max(np.abs(a).max(), 1e-30)
    worst, fused = max(worst, rel(sys.argv[2])), max(fused, rel(sys.argv[3]))
    if rel(sys.argv[2]) > 1e-5:
        sys.exit(f"FAIL: ONNX Runtime on the export differs from qc run by {rel(sys.argv[2]):.2e} of max|y| in {os.path.basename(f)}")
print(f"max|qc - ort| = {worst:.1e} of max|y| (graph-opt basic; {fused:.1e} at all, ORT's fused kernels)")
PY
)
fi
sqnr=$($PY - "$dir/float" "$dir/ref" "$MIN_SQNR" <<'PY'
import sys, glob, os, numpy as np
worst = None
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.npy"))):
    x = np.load(f).astype(np.float64)
    y = np.load(os.path.join(sys.argv[2], os.path.basename(f))).astype(np.float64)
    s = 10 * np.log10((x ** 2).sum() / max(((x - y) ** 2).sum(), 1e-30))
    worst = s if worst is None else min(worst, s)
if worst < float(sys.argv[3]):
    sys.exit(f"FAIL: SQNR {worst:.1f} dB against float is below {sys.argv[3]} dB")
print(f"{worst:.1f} dB")
PY
)
echo "OK: $name on $TARGET: native and re-imported export byte-identical to the reference executor; ORT: $ort; SQNR vs float $sqnr; $(grep 'weight-only:' "$dir/quantize.log" | sed 's/^qc: //')"
