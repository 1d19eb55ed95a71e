#!/usr/bin/env bash
# Float code of qc compile vs the reference executor: runs MODEL with the
# reference executor and as native code (`qc run --compiled --target TARGET
# --threads THREADS`) on the same input; every output must be finite, not
# trivial, and within RTOL (max |compiled - reference| / max |reference|).
# With QUANTIZER ("-" for none) the model is first quantized with it (CALIB as
# calibration data, "-" for none, e.g. for dynamic=1) and lowered to integer
# ops, so the compiled program mixes integer steps with the float ops the
# quantizer left (softmax, layer_norm, gelu, dynamic_fake_quant, ...).
#
# INPUT_SHAPE binds dynamic dimensions (--input-shape).
#
#   compiled_float.sh QC MODEL INPUT TARGET THREADS WORKDIR RTOL [QUANTIZER [CALIB [INPUT_SHAPE]]]
set -euo pipefail
QC=$1 MODEL=$2 INPUT=$3 TARGET=$4 THREADS=$5 WORK=$6 RTOL=$7
QUANTIZER=${8:--} CALIB=${9:--} SHAPE=${10:-}
shape_flag=()
[[ -n $SHAPE ]] && shape_flag=(--input-shape "$SHAPE")

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_target "$TARGET"

name=$(basename "$MODEL" .onnx)
[[ $QUANTIZER != - ]] && name=${name}_${QUANTIZER//[,=]/_}
dir=$WORK/$name.$TARGET
rm -rf "$dir" && mkdir -p "$dir"
program=$MODEL
if [[ $QUANTIZER != - ]]; then
  calib=()
  [[ $CALIB != - ]] && calib=(--calib "$CALIB")
  "$QC" quantize "$MODEL" --quantizer "$QUANTIZER" "${calib[@]}" "${shape_flag[@]}" \
    --lower-to-integer --quiet -o "$dir/model.mlir"
  program=$dir/model.mlir
  shape_flag=()
fi
"$QC" run "$program" "${shape_flag[@]}" --input "$INPUT" --output-dir "$dir/ref" >/dev/null
"$QC" run "$program" "${shape_flag[@]}" --compiled --target "$TARGET" --threads "$THREADS" \
  --input "$INPUT" --output-dir "$dir/compiled" >/dev/null
/usr/bin/python3 - "$dir" "$RTOL" "$name" "$TARGET" <<'PY'
import os, sys, numpy as np
d, rtol, name, target = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
outs = sorted(os.listdir(os.path.join(d, "ref")))
assert outs, "no outputs"
ok = True
for f in outs:
    a = np.load(os.path.join(d, "ref", f))
    b = np.load(os.path.join(d, "compiled", f))
    if a.shape != b.shape or not np.isfinite(a).all() or len(np.unique(a)) < min(10, a.size // 2):
        print(f"FAIL: {f}: shape {a.shape} vs {b.shape}, {len(np.unique(a))} distinct reference values")
        ok = False
        continue
    err = float(np.max(np.abs(a.astype(np.float64) - b)) / np.max(np.abs(a)))
    good = err <= rtol
    ok &= good
    print(f"{'OK' if good else 'FAIL'}: {name} on {target}: {f} max relative error {err:.3g} (limit {rtol:g})")
sys.exit(0 if ok else 1)
PY
