#!/usr/bin/env bash
# A whole model compiled for AArch64 (dotprod or i8mm), cross-compiled with
# clang-19 into a generic runner (run_model.c + libqcrt) and run under
# qemu-aarch64 -cpu max: its output bytes must equal the reference executor's
# on the same integer program (the x86 variants are held to the same by
# compiled_exact.sh). QUANTIZER "-" compiles the float model itself (CALIB
# unused; INPUT_SHAPE binds dynamic dimensions, for a quantized model before
# its integer lowering): float code, bit-identical
# where no C library function is called (glibc's AArch64 powf may round
# differently from the x86 one the reference executor calls); a NaN equals
# any NaN (the default NaN's sign differs between the two).
#
#   compiled_aarch64.sh QC MODEL.onnx CALIB.npy INPUT.npy QUANTIZER TARGET WORKDIR [INPUT_SHAPE]
set -euo pipefail
QC=$1 MODEL=$2 CALIB=$3 INPUT=$4 QUANTIZER=$5 TARGET=$6 WORK=$7
SHAPE=${8:-}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)" RT=$ROOT/runtime SYSROOT=/usr/aarch64-linux-gnu
for tool in clang-19 qemu-aarch64; do
  command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
[[ -f $SYSROOT/include/stdio.h ]] || { echo "SKIP: no AArch64 sysroot at $SYSROOT"; exit 77; }

dir=$WORK/$(basename "$MODEL" .onnx)_$QUANTIZER.$TARGET
rm -rf "$dir" && mkdir -p "$dir"
program=$MODEL shape_flag=()
[[ -n $SHAPE ]] && shape_flag=(--input-shape "$SHAPE")
if [[ $QUANTIZER != - ]]; then
  # The integer ops have no shape rule: INPUT_SHAPE is bound before lowering.
  "$QC" quantize "$MODEL" --quantizer "$QUANTIZER" --calib "$CALIB" "${shape_flag[@]}" \
    --lower-to-integer --quiet -o "$dir/model.int.mlir"
  program=$dir/model.int.mlir
  shape_flag=()
fi
"$QC" run "$program" "${shape_flag[@]}" --input "$INPUT" --output-dir "$dir/ref" >/dev/null
"$QC" compile "$program" "${shape_flag[@]}" --target "$TARGET" --name model -o "$dir" >/dev/null
clang-19 --target=aarch64-linux-gnu -std=c11 -O2 -Wall -Werror -DQC_MODEL_DESC=model_desc \
  -I"$RT/include" -I"$ROOT" "$HERE/run_model.c" "$dir/model.o" "$RT/lib/cpu_features.c" \
  "$RT/lib/runtime.c" "$RT/lib/thread_pool.c" "$RT/lib/profile.c" -fuse-ld=lld -lpthread -lm -o "$dir/run_model"
/usr/bin/python3 -c "import numpy as np, sys; np.load(sys.argv[1]).tofile(sys.argv[2])" "$INPUT" "$dir/input.bin"
# Outputs in the descriptor's order, as the header lists them
# (" * output I: NAME DTYPE [SHAPE]"; names with '/' are written as %2F).
mapfile -t names < <(sed -n 's/^ \* output [0-9]*: \([^ ]*\) .*/\1/p' "$dir/model.h")
(( ${#names[@]} >= 1 )) || { echo "compiled_aarch64.sh: no output in $dir/model.h"; exit 2; }
refs=() bins=()
for i in "${!names[@]}"; do
  refs+=("$dir/ref/${names[$i]//\//%2F}.npy")
  bins+=("$dir/output$i.bin")
done
qemu-aarch64 -L "$SYSROOT" -cpu max "$dir/run_model" 2 "$dir/input.bin" "${bins[@]}"
/usr/bin/python3 - "${#names[@]}" "${refs[@]}" "${bins[@]}" <<'PY'
import sys, numpy as np
n = int(sys.argv[1])
total = 0
for ref_path, bin_path in zip(sys.argv[2:2 + n], sys.argv[2 + n:]):
    ref = np.load(ref_path)
    got = np.fromfile(bin_path, dtype=ref.dtype).reshape(ref.shape)
    # Bit patterns compared; two NaNs count as equal: an invalid operation's
    # default NaN is negative on x86 and positive on AArch64 (-inf * 0 in gelu).
    same = ref.view(np.uint8).reshape(ref.size, -1) == got.view(np.uint8).reshape(got.size, -1)
    same = same.all(axis=1)
    if ref.dtype.kind == "f":
        same |= (np.isnan(ref) & np.isnan(got)).reshape(-1)
    if not same.all():
        sys.exit(f"FAIL: {ref_path}: {(~same).sum()} of {ref.size} values differ from the reference executor")
    total += ref.size
print(f"OK: {total} values of {n} output(s) byte-identical to the reference executor (NaN: any NaN)")
PY
