#!/usr/bin/env bash
# Generated code vs the reference executor, bit for bit (issue 4's exactness):
# quantizes MODEL with QUANTIZER (qc-lower-to-integer form), runs it with the
# reference executor, then compiles it for TARGET and runs the native code
# in-process (`qc run --compiled`, THREADS threads) on the same input; the two
# output .npy files must be byte-identical.
#
#   compiled_exact.sh QC MODEL.onnx CALIB.npy INPUT.npy QUANTIZER TARGET THREADS WORKDIR [INPUT_SHAPE]
#
# A target this CPU cannot run is skipped (exit 77) with a visible message.
set -euo pipefail
QC=$1 MODEL=$2 CALIB=$3 INPUT=$4 QUANTIZER=$5 TARGET=$6 THREADS=$7 WORK=$8
SHAPE=${9:-}

flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
need() { for f in "$@"; do [[ " $flags " == *" $f "* ]] || { echo "SKIP: this CPU lacks $f, needed by $TARGET"; exit 77; }; done; }
case $TARGET in
  x86-64-avx2|x86-64) need avx2 fma bmi2 ;;
  x86-64-avxvnni) need avx2 fma bmi2 avx_vnni ;;
  x86-64-avx512vnni) need avx2 fma bmi2 avx512f avx512bw avx512vl avx512dq avx512cd avx512_vnni ;;
  host) ;;
  *) echo "compiled_exact.sh: target $TARGET does not run here"; exit 2 ;;
esac

name=$(basename "$MODEL" .onnx)_${QUANTIZER}
dir=$WORK/$name.$TARGET.t$THREADS${QC_DISABLE_ISA:+.no-${QC_DISABLE_ISA//,/-}}
rm -rf "$dir" && mkdir -p "$dir"
shape_flag=()
[[ -n $SHAPE ]] && shape_flag=(--input-shape "$SHAPE")
"$QC" quantize "$MODEL" --quantizer "$QUANTIZER" --calib "$CALIB" "${shape_flag[@]}" \
  --lower-to-integer --quiet -o "$dir/model.int.mlir"
"$QC" run "$dir/model.int.mlir" --input "$INPUT" --output-dir "$dir/ref" >/dev/null
"$QC" run "$dir/model.int.mlir" --compiled --target "$TARGET" --threads "$THREADS" \
  --input "$INPUT" --output-dir "$dir/compiled" >/dev/null
n=0
for ref in "$dir"/ref/*.npy; do
  out=$dir/compiled/$(basename "$ref")
  if ! cmp -s "$ref" "$out"; then
    echo "FAIL: $(basename "$ref") differs between the reference executor and $TARGET code"
    /usr/bin/python3 - "$ref" "$out" <<'PY'
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
d = np.argwhere(a != b)
print(f"{len(d)} of {a.size} values differ; first at {d[0].tolist()}: {a[tuple(d[0])]} vs {b[tuple(d[0])]}")
PY
    exit 1
  fi
  n=$((n + 1))
done
echo "OK: $name on $TARGET with $THREADS threads${QC_DISABLE_ISA:+ (QC_DISABLE_ISA=$QC_DISABLE_ISA)}: $n outputs bit-identical to the reference executor"
