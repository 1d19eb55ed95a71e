#!/usr/bin/env bash
# The OCR example end to end: the float text-line recognizer (ocr.onnx), then int8 with the default x86 quantizer
# calibrated on calib_images.npy, run by the reference executor and as compiled code, then with
# --mixed-precision=auto; prints character and exact-line accuracy of each on the held-out lines
# (eval_images.npy / eval_labels.txt), and the qc debug report's path.
#
#   examples/ocr/run.sh [--out DIR] [--limit N] [--calib-samples N] [--quantizer SPEC] [--check] [--corrections]
#
#   --out DIR            where the quantized model goes (default: out/ocr)
#   --limit N            only the first N of the 500 eval lines (default: all)
#   --calib-samples N    calibrate on the first N of the 200 calibration lines (default: all)
#   --quantizer SPEC     the int8 quantizer (default: x86), e.g. x86,bias_correction=1
#   --check              exit 1 unless the float, int8, compiled and mixed-precision accuracies reach the
#                        thresholds of thresholds.json (measured numbers minus a margin; see README.md) and
#                        mixed precision keeps at least 90% of the MACs int8 (no qc debug report then)
#   --corrections        also the weight-side corrections (docs/quantizers.md) with the reference executor:
#                        bias_correction=1, smoothquant=0.5, both, and xnnpack with and without them
#
# qc is $QC if set, else `qc` on PATH, else build/bin/qc.
set -euo pipefail
EX="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$EX/../.." && pwd)"
OUT="$ROOT/out/ocr"
LIMIT=()
CALIB_N=""
QUANTIZER="x86"
CHECK=0
CORRECTIONS=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --limit) LIMIT=(--limit "$2"); shift 2 ;;
    --calib-samples) CALIB_N="$2"; shift 2 ;;
    --quantizer) QUANTIZER="$2"; shift 2 ;;
    --check) CHECK=1; shift ;;
    --corrections) CORRECTIONS=1; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -n "${QC:-}" ]]; then :
elif command -v qc >/dev/null 2>&1; then QC="$(command -v qc)"
else QC="$ROOT/build/bin/qc"; fi
export QC
mkdir -p "$OUT"

calib=(--calib "$EX/calib_images.npy")
if [[ -n "$CALIB_N" ]]; then calib+=(--max-calib-samples "$CALIB_N"); fi

# thresholds (percent) for --check: keys float_char, int8_char, ... of thresholds.json
threshold() {
  [[ $CHECK -eq 1 ]] || return 0
  local key="$1" flag="$2"
  [[ "$key" == none_* ]] && return 0
  echo "$flag" "$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" \
    "$EX/thresholds.json" "$key")"
}

evaluate() {  # LABEL MODEL [--compiled] -- THRESHOLD KEY PREFIX
  local label="$1" model="$2" key="$3"; shift 3
  local report
  # shellcheck disable=SC2046
  if ! report="$(/usr/bin/python3 "$EX/eval.py" "$model" "$@" "${LIMIT[@]}" \
      $(threshold "${key}_char" --min-char-acc) $(threshold "${key}_exact" --min-exact) 2>&1)"; then
    echo "$report" | sed "s/^/  /" >&2
    echo "run.sh: $label: below the thresholds of thresholds.json or failed" >&2
    exit 1
  fi
  printf '%-34s %s, %s  (%s)\n' "$label" \
    "$(grep '^char_accuracy' <<<"$report" | sed 's/char_accuracy: /char /')" \
    "$(grep '^exact_lines' <<<"$report" | sed 's/exact_lines: /exact lines /')" \
    "$(grep '^run_seconds' <<<"$report" | sed 's/run_seconds: \(.*\)/\1 s/')"
}

echo "qc: $QC"
evaluate "float (qc run ocr.onnx)" "$EX/ocr.onnx" float

qm="$OUT/ocr.int8.q.mlir"
"$QC" quantize "$EX/ocr.onnx" --quantizer "$QUANTIZER" "${calib[@]}" --quiet -o "$qm"
evaluate "int8 $QUANTIZER (qc run)" "$qm" int8
evaluate "int8 $QUANTIZER (qc run --compiled)" "$qm" compiled --compiled
echo "quantized model: $qm"

# qc debug (not with --check): per-layer SQNR of the int8 program against float on the first 20 eval lines.
if [[ $CHECK -eq 0 ]] && "$QC" debug --help >/dev/null 2>&1; then
  dbg_in="$OUT/eval_images_f32.npy"
  /usr/bin/python3 -c "import numpy as np, sys; np.save(sys.argv[2], np.load(sys.argv[1])[:20].astype(np.float32) / 255)" \
    "$EX/eval_images.npy" "$dbg_in"
  "$QC" debug "$EX/ocr.onnx" "$qm" --input image="$dbg_in" --html "$OUT/ocr.debug.html" \
    --csv "$OUT/ocr.debug.csv" > "$OUT/ocr.debug.txt"
  grep -i "worst" "$OUT/ocr.debug.txt" | tail -1 || true
  echo "qc debug report: $OUT/ocr.debug.html (table: $OUT/ocr.debug.txt)"
fi

# Automatic mixed precision (a few minutes on all 200 calibration lines, under a minute on 50): the activation
# observer per op, then ops kept float within the MAC budget (90% int8), scored by the output SQNR on held-out
# calibration lines. With --check its accuracy must reach mixed_char / mixed_exact and at least 90% of the
# MACs must stay int8.
mm="$OUT/ocr.mixed.q.mlir"
if ! "$QC" quantize "$EX/ocr.onnx" --quantizer "$QUANTIZER" "${calib[@]}" --mixed-precision=auto -o "$mm" \
    2> "$OUT/ocr.mixed.log"; then
  sed "s/^/  /" "$OUT/ocr.mixed.log" >&2
  echo "run.sh: qc quantize --mixed-precision=auto failed" >&2
  exit 1
fi
evaluate "int8 $QUANTIZER --mixed-precision=auto" "$mm" mixed
grep -iE "SQNR on|observer:|MACs int8|kept above|reproduce" "$OUT/ocr.mixed.log" | sed 's/^/  /' || true
if [[ $CHECK -eq 1 ]]; then
  share="$(sed -n 's/^qc: mixed precision: \([0-9.]*\)% of MACs int8.*/\1/p' "$OUT/ocr.mixed.log")"
  if ! /usr/bin/python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 90.0 else 1)" "${share:-0}"; then
    echo "run.sh: --mixed-precision=auto kept ${share:-?}% of MACs int8, below 90%" >&2
    exit 1
  fi
fi

if [[ $CORRECTIONS -eq 1 ]]; then
  for q in x86,bias_correction=1 x86,smoothquant=0.5 x86,smoothquant=0.5,bias_correction=1 \
           xnnpack xnnpack,bias_correction=1 xnnpack,smoothquant=0.5,bias_correction=1; do
    cm="$OUT/ocr.${q//[,=]/_}.q.mlir"
    "$QC" quantize "$EX/ocr.onnx" --quantizer "$q" "${calib[@]}" --quiet -o "$cm"
    evaluate "int8 $q (qc run)" "$cm" none
  done
fi
