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

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_target "$TARGET"

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
compare_exact "$dir/ref" "$dir/compiled" "$TARGET"
n=$COMPARED
echo "OK: $name on $TARGET with $THREADS threads${QC_DISABLE_ISA:+ (QC_DISABLE_ISA=$QC_DISABLE_ISA)}: $n outputs bit-identical to the reference executor"
