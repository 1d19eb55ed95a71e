#!/usr/bin/env bash
# Token models (issue 14): the BERT-tiny-like encoder and the GPT-2-like decoder of
# bench/tokens/export_models.py (int64 token ids in, an embedding qc.gather, seq 16 here) in one
# MODE, end to end:
#   float       `qc run` of the ONNX model against PyTorch's output and ONNX Runtime's (when
#               onnxruntime-node is installed), max|qc - peer| <= 1e-4 * max|peer|; then the compiled
#               model (`qc run --compiled`, host, THREADS threads) byte-identical to `qc run`, also
#               with --max-batch 4 on a batch of 3 sequences;
#   dyn_tensor  x86,dynamic=1,dynamic_reduce_range=0 in the qc-lower-to-integer form (every linear a
#   dyn_token   qc.dynamic_qlinear; granularity=per_token for dyn_token), compiled == reference
#               executor bit for bit, SQNR of the output against the float model >= MIN_SQNR; the
#               Q/DQ program's ONNX export runs in ONNX Runtime (difference printed);
#   wo_int8     x86,weight_only=int8 / x86,weight_only=int4,group_size=32 (MSE clipping; the linears'
#   wo_int4     weights and the token embedding table quantized, int8 per row): compiled == reference,
#               SQNR >= MIN_SQNR; ONNX Runtime runs the export;
#   wo_int4e4   the same with the embedding table int4 (two values a byte in the object, INT4 in ONNX).
#   static      x86 static int8, calibrated on 8 random sequences, qc-lower-to-integer form: every
#               linear a qc.qlinear and the attention's QK^T / AV two qc.qmatmul per layer (integer
#               attention), compiled == reference bit for bit, SQNR >= MIN_SQNR; its QDQ export runs
#               in ONNX Runtime (the difference printed).
#
#   token_models.sh QC MODELS_DIR MODEL MODE THREADS MIN_SQNR LINEARS WORKDIR
#
# LINEARS: the model's linear layers (each must become a qc.dynamic_qlinear in the dyn_* modes).
#
# MODELS_DIR holds MODEL_s16.onnx, ids_s16.npy and MODEL_s16.ort.npy (PyTorch's output), written by
# `bench/tokens/export_models.py MODELS_DIR --seq 16` (ctest fixture qc_token_models).
set -euo pipefail
QC=$1 MODELS=$2 MODEL=$3 MODE=$4 THREADS=$5 MIN_SQNR=$6 LINEARS=$7 WORK=$8
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
PY=/usr/bin/python3

onnx=$MODELS/${MODEL}_s16.onnx
input="input_ids=$MODELS/ids_s16.npy"
dir=$WORK/$MODEL.$MODE.t$THREADS
rm -rf "$dir" && mkdir -p "$dir"
export QC_CACHE=0

"$QC" run "$onnx" --input "$input" --output-dir "$dir/float" >/dev/null
case $MODE in
  float)
    program=$onnx ;;
  dyn_tensor|dyn_token)
    quantizer=x86,dynamic=1,dynamic_reduce_range=0
    [[ $MODE == dyn_token ]] && quantizer+=,granularity=per_token
    "$QC" quantize "$onnx" --quantizer "$quantizer" --lower-to-integer --quiet -o "$dir/model.int.mlir"
    ops=$(grep -c 'qc.dynamic_qlinear' "$dir/model.int.mlir" || true)
    (( ops == LINEARS )) || { echo "FAIL: $ops qc.dynamic_qlinear ops, the model has $LINEARS linears"; exit 1; }
    program=$dir/model.int.mlir ;;
  wo_int8|wo_int4|wo_int4e4)
    quantizer=x86,weight_only=int8
    [[ $MODE == wo_int4 ]] && quantizer=x86,weight_only=int4,group_size=32
    [[ $MODE == wo_int4e4 ]] && quantizer=x86,weight_only=int4,group_size=32,weight_only_embeddings=int4
    "$QC" quantize "$onnx" --quantizer "$quantizer" --quiet -o "$dir/model.q.mlir"
    # Every linear's weight and the token embedding table (the gather's) quantized.
    dqs=$(grep -c 'qc.dequantize' "$dir/model.q.mlir" || true)
    (( dqs == LINEARS + 1 )) || { echo "FAIL: $dqs qc.dequantize ops, want $LINEARS linears + the embedding"; exit 1; }
    program=$dir/model.q.mlir ;;
  static)
    quantizer=x86
    "$PY" -c "import numpy as np; np.save('$dir/calib.npy', np.random.default_rng(17).integers(0, 4096, (8, 16)))"
    "$QC" quantize "$onnx" --quantizer "$quantizer" --calib "$dir/calib.npy" --lower-to-integer --quiet \
      -o "$dir/model.int.mlir"
    want=$([[ $MODEL == gpt2 ]] && echo 8 || echo 4)
    ops=$(grep -c 'qc.qmatmul' "$dir/model.int.mlir" || true)
    lin=$(grep -c 'qc.qlinear' "$dir/model.int.mlir" || true)
    (( ops == want && lin == LINEARS )) || {
      echo "FAIL: $ops qc.qmatmul (want $want) and $lin qc.qlinear (the model has $LINEARS linears)"; exit 1; }
    program=$dir/model.int.mlir ;;
  *) echo "token_models.sh: unknown mode $MODE" >&2; exit 2 ;;
esac

"$QC" run "$program" --input "$input" --output-dir "$dir/ref" >/dev/null
"$QC" run "$program" --compiled --threads "$THREADS" --input "$input" --output-dir "$dir/compiled" >/dev/null
compare_exact "$dir/ref" "$dir/compiled" host

# The ONNX export (Gather of the ids + qc's quantized form) runs in ONNX Runtime: weight-only
# (DequantizeLinear-21 blocks) equal to qc run within 1e-5 of max|y| at graph-opt "basic";
# dyn_tensor (DynamicQuantizeLinear, ORT's own quantization rule) and dyn_token (qc's per-token rule
# in float ops; ORT's float linears round differently, and a rounding step of one token's codes then
# moves the layers after it) printed only.
ort=""
if [[ $MODE == wo_int* || $MODE == dyn_t* || $MODE == static ]] && [[ -d "$HERE/../ort/node_modules/onnxruntime-node" ]]; then
  [[ $MODE == dyn_t* ]] && "$QC" quantize "$onnx" --quantizer "$quantizer" --quiet -o "$dir/model.q.mlir"
  [[ $MODE == static ]] && "$QC" quantize "$onnx" --quantizer "$quantizer" --calib "$dir/calib.npy" --quiet \
    -o "$dir/model.q.mlir"
  "$QC" export-onnx "$dir/model.q.mlir" -o "$dir/model.q.onnx"
  node "$HERE/../ort/ort_run.js" "$dir/model.q.onnx" --input "$input" --output-dir "$dir/ort" --graph-opt basic --quiet
  ort=$("$PY" - "$dir/ref/y.npy" "$dir/ort/y.npy" "$MODE" <<'PY'
import sys, numpy as np
a, b = np.load(sys.argv[1]).astype(np.float64), np.load(sys.argv[2]).astype(np.float64)
rel = np.abs(a - b).max() / np.abs(a).max()
if sys.argv[3].startswith("wo_") and rel > 1e-5:
    sys.exit(f"FAIL: ONNX Runtime on the export differs from qc run by {rel:.2e} of max|y|")
print(f"; ONNX Runtime on the export: {rel:.1e} of max|y| from qc run")
PY
)
fi

if [[ $MODE == float ]]; then
  peers=("$MODELS/${MODEL}_s16.ort.npy:PyTorch")
  if [[ -d "$HERE/../ort/node_modules/onnxruntime-node" ]]; then
    node "$HERE/../ort/ort_run.js" "$onnx" --input "$input" --output-dir "$dir/ort" --quiet
    peers+=("$dir/ort/y.npy:ONNX Runtime")
  fi
  for p in "${peers[@]}"; do
    "$PY" - "$dir/ref/y.npy" "${p%%:*}" "${p#*:}" <<'PY'
import sys, numpy as np
a, b = np.load(sys.argv[1]).astype(np.float64), np.load(sys.argv[2]).astype(np.float64)
rel = np.abs(a - b).max() / np.abs(b).max()
if a.shape != b.shape or rel > 1e-4:
    sys.exit(f"FAIL: qc run differs from {sys.argv[3]} by {rel:.2e} of max|y| (shapes {a.shape}, {b.shape})")
print(f"qc run vs {sys.argv[3]}: {rel:.1e} of max|y|")
PY
  done
  # Dynamic batch (--max-batch 4): 3 sequences in one compiled run, each equal to qc run on it alone.
  "$PY" -c "import numpy as np; a = np.random.default_rng(16).integers(0, 4096, (3, 16)); np.save('$dir/ids3.npy', a); [np.save(f'$dir/ids3_{i}.npy', a[i:i + 1]) for i in range(3)]"
  "$QC" run "$onnx" --compiled --max-batch 4 --threads "$THREADS" --input "input_ids=$dir/ids3.npy" --output-dir "$dir/batch" >/dev/null
  for i in 0 1 2; do
    "$QC" run "$onnx" --input "input_ids=$dir/ids3_$i.npy" --output-dir "$dir/batch_ref$i" >/dev/null
  done
  "$PY" -c "import numpy as np, sys; y = np.load('$dir/batch/y.npy'); sys.exit(0 if y.shape[0] == 3 and all((y[i:i + 1] == np.load(f'$dir/batch_ref{i}/y.npy')).all() for i in range(3)) else 'FAIL: --max-batch outputs differ from qc run per sequence')"
  echo "OK: $MODEL float: compiled == qc run (bit-identical, also a batch of 3 with --max-batch 4), qc run == its peers"
  exit 0
fi
sqnr=$("$PY" - "$dir/float/y.npy" "$dir/ref/y.npy" "$MIN_SQNR" <<'PY'
import sys, numpy as np
x, y = (np.load(f).astype(np.float64) for f in sys.argv[1:3])
s = 10 * np.log10((x ** 2).sum() / max(((x - y) ** 2).sum(), 1e-30))
if s < float(sys.argv[3]):
    sys.exit(f"FAIL: SQNR {s:.1f} dB against the float model, expected >= {sys.argv[3]}")
print(f"{s:.1f}")
PY
)
echo "OK: $MODEL $MODE: compiled == reference executor (bit-identical); SQNR vs float $sqnr dB$ort"
