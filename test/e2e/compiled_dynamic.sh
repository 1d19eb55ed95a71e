#!/usr/bin/env bash
# Native dynamic quantization vs the reference executor, bit for bit: quantizes
# MODEL with QUANTIZER (dynamic=1, no calibration data) in the
# qc-lower-to-integer form, requires at least MIN_OPS qc.dynamic_qlinear ops
# in it (the int8 path, not float on fake-quantized values), runs it with the
# reference executor and as TARGET code (`qc run --compiled`, THREADS
# threads); the outputs must be byte-identical. Prints the SQNR of the
# quantized outputs against the float model's (reference executor).
#
#   compiled_dynamic.sh QC MODEL.onnx INPUT.npy QUANTIZER TARGET THREADS MIN_OPS WORKDIR
#
# A target this CPU cannot run is skipped (exit 77) with a visible message.
set -euo pipefail
QC=$1 MODEL=$2 INPUT=$3 QUANTIZER=$4 TARGET=$5 THREADS=$6 MIN_OPS=$7 WORK=$8

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_target "$TARGET"

name=$(basename "$MODEL" .onnx)_${QUANTIZER//[,=]/_}
dir=$WORK/$name.$TARGET.t$THREADS
rm -rf "$dir" && mkdir -p "$dir"
"$QC" quantize "$MODEL" --quantizer "$QUANTIZER" --lower-to-integer --quiet -o "$dir/model.int.mlir"
ops=$(grep -c 'qc.dynamic_qlinear' "$dir/model.int.mlir" || true)
if (( ops < MIN_OPS )); then
  echo "FAIL: $ops qc.dynamic_qlinear ops in the integer program, expected at least $MIN_OPS"
  exit 1
fi
"$QC" run "$MODEL" --input "$INPUT" --output-dir "$dir/float" >/dev/null
"$QC" run "$dir/model.int.mlir" --input "$INPUT" --output-dir "$dir/ref" >/dev/null
"$QC" run "$dir/model.int.mlir" --compiled --target "$TARGET" --threads "$THREADS" \
  --input "$INPUT" --output-dir "$dir/compiled" >/dev/null
compare_exact "$dir/ref" "$dir/compiled" "$TARGET"
n=$COMPARED
sqnr=$(/usr/bin/python3 - "$dir/float" "$dir/ref" <<'PY'
import sys, glob, os, numpy as np
out = []
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.npy"))):
    x = np.load(f).astype(np.float64)
    y = np.load(os.path.join(sys.argv[2], os.path.basename(f))).astype(np.float64)
    out.append(f"{os.path.basename(f)[:-4]} {10 * np.log10((x ** 2).sum() / max(((x - y) ** 2).sum(), 1e-30)):.1f} dB")
print(", ".join(out))
PY
)
echo "OK: $name on $TARGET with $THREADS threads: $ops qc.dynamic_qlinear, $n outputs bit-identical to the reference executor; SQNR vs float: $sqnr"
