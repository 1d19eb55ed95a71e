#!/usr/bin/env bash
# GPTQ against round-to-nearest on a trained model with real calibration data (docs/quantization.md,
# "GPTQ"): quantizes MODEL int4 (groups of 32) with weight_only_method=rtn (the default, MSE clip) and
# weight_only_method=gptq, both calibrated on CALIB, runs both and the float model on EVAL with the
# reference executor, and requires
#   1. the output SQNR of gptq against float >= that of rtn + MIN_GAIN dB;
#   2. the same program form (as many block dequantizes, every weight value in [-8, 7]);
#   3. gptq without --calib refused with the message that names it.
#
#   weight_only_gptq.sh QC MODEL CALIB.npy INPUT_NAME=EVAL.npy MIN_GAIN WORKDIR [MAX_CALIB_SAMPLES]
set -euo pipefail
QC=$1 MODEL=$2 CALIB=$3 INPUT=$4 MIN_GAIN=$5 WORK=$6 MAXCAL=${7:-}
PY=/usr/bin/python3
rm -rf "$WORK" && mkdir -p "$WORK"
cal=(--calib "$CALIB")
[[ -n $MAXCAL ]] && cal+=(--max-calib-samples "$MAXCAL")
Q=x86,weight_only=int4,group_size=32

"$QC" run "$MODEL" --input "$INPUT" --output-dir "$WORK/float" > /dev/null
for m in rtn gptq; do
  "$QC" quantize "$MODEL" --quantizer "$Q,weight_only_method=$m" "${cal[@]}" --quiet -o "$WORK/$m.mlir"
  "$QC" run "$WORK/$m.mlir" --input "$INPUT" --output-dir "$WORK/$m" > /dev/null
done

"$PY" - "$WORK" "$MIN_GAIN" <<'PY'
import os, re, sys
import numpy as np
work, gain = sys.argv[1], float(sys.argv[2])

def outs(d):
    return np.concatenate([np.load(os.path.join(work, d, f)).reshape(-1).astype(np.float64)
                           for f in sorted(os.listdir(os.path.join(work, d)))])

ref = outs("float")
snr = {m: 10 * np.log10(np.sum(ref ** 2) / np.sum((ref - outs(m)) ** 2)) for m in ("rtn", "gptq")}
print(f"int4 g32 output SQNR: rtn {snr['rtn']:.2f} dB, gptq {snr['gptq']:.2f} dB "
      f"(gain {snr['gptq'] - snr['rtn']:+.2f} dB, required >= {gain:+.2f})")
if snr["gptq"] < snr["rtn"] + gain:
    sys.exit("FAIL: gptq does not beat rtn by the required margin")
forms = {}
for m in ("rtn", "gptq"):
    text = open(os.path.join(work, m + ".mlir")).read()
    forms[m] = len(re.findall(r"qc\.dequantize %\S+ \{axis = \d+ : i64, block_size = 32", text))
if forms["rtn"] != forms["gptq"] or forms["gptq"] == 0:
    sys.exit(f"FAIL: block dequantizes rtn {forms['rtn']} vs gptq {forms['gptq']}")
print(f"same form: {forms['gptq']} block dequantizes each")
PY
# The values: the size report counts 4-bit weights only when every value fits [-8, 7].
"$QC" quantize "$MODEL" --quantizer "$Q,weight_only_method=gptq" "${cal[@]}" -o "$WORK/gptq2.mlir" 2>&1 \
  | tee "$WORK/report.txt" | grep -q "weight-only:"
cmp -s "$WORK/gptq.mlir" "$WORK/gptq2.mlir" || { echo "FAIL: gptq is not deterministic"; exit 1; }
rtn_bytes=$("$QC" quantize "$MODEL" --quantizer "$Q" -o "$WORK/rtn_nocal.mlir" 2>&1 | grep -o '[0-9.]* MB stored')
gptq_bytes=$(grep -o '[0-9.]* MB stored' "$WORK/report.txt")
[[ $rtn_bytes == "$gptq_bytes" ]] || { echo "FAIL: stored size rtn $rtn_bytes vs gptq $gptq_bytes"; exit 1; }
echo "same stored size: $gptq_bytes"
if "$QC" quantize "$MODEL" --quantizer "$Q,weight_only_method=gptq" -o "$WORK/nocal.mlir" 2> "$WORK/nocal.err"; then
  echo "FAIL: gptq without --calib succeeded"; exit 1
fi
grep -q "method=gptq needs calibration data" "$WORK/nocal.err" || { cat "$WORK/nocal.err"; exit 1; }
echo "PASS"
