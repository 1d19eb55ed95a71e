#!/usr/bin/env bash
# Integer attention (issue 14 item 3): static int8 quantization (x86 quantizer, calibrated) of
# models with attention, with the activation x activation matmuls (QK^T, AV) as a float Q/DQ island
# (`int8_attention=0`: dequantize, f32 matmul, quantize) and as qc.qmatmul on the int8 GEMM
# (`int8_attention=1`, the default), side by side:
#   vit_tiny   test/models' ViT-style classifier (65 tokens, dim 64, 4 heads, 2 blocks)
#   bert_tiny  bench/tokens' BERT-tiny-like encoder (2 x hidden 128, 2 heads, int64 token ids)
#   gpt2       bench/tokens' GPT-2-like decoder (4 x hidden 256, 4 heads, causal mask, LM head 4096)
#   encoder    one nn.TransformerEncoderLayer(256, 4) (float input)
# For each: SQNR of the integer program's outputs (reference executor; == the compiled code) against
# the float model's over EVAL inputs (default 6; pooled: total signal over total error); `qc bench` median (best of REPEATS processes); the attention steps' time from
# `qc bench --profile` (every step of kind matmul / qmatmul plus the quantize / dequantize / table steps
# carrying the same ONNX node name: the Q/DQ island's conversions and the rhs's requantizing table);
# and whether ONNX Runtime runs qc's QDQ export of the quantized program (its median, best of REPEATS).
# Calibration: 8 samples (random images / token ids / N(0, 1) inputs, numpy default_rng(14)); the
# evaluation inputs are others of the same kind (default_rng(15)).
#
#   bench/attention/run.sh [--qc PATH] [--out DIR] [--threads T] [--repeats R] [--min-time S]
#                          [--seq N] [--eval E] [--models "vit_tiny bert_tiny gpt2 encoder"]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$repo/bench/lib.sh"
seq=128
eval=6
models="vit_tiny bert_tiny gpt2 encoder"
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seq) seq="$2"; shift 2 ;;
    --eval) eval="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) bench_common_flag "$1" "${2:-}" || { echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2; }
       shift 2 ;;
  esac
done
bench_check_qc "$qc"
bench_out_dir
have_ort=0
[[ -d "$repo/test/ort/node_modules/onnxruntime-node" ]] && command -v node >/dev/null && have_ort=1

token_models=$(echo $models | tr ' ' '\n' | grep -v vit_tiny | paste -sd, || true)
[[ -n "$token_models" ]] && "$python" "$repo/bench/tokens/export_models.py" "$out" --seq "$seq" \
  --models "$token_models" >/dev/null 2>&1
if [[ " $models " == *" vit_tiny "* ]]; then
  "$python" "$repo/test/models/export_models.py" --out "$out" --only vit_tiny >/dev/null 2>&1
fi
# Calibration sets (8 samples each) and the evaluation input of every model.
"$python" - "$out" "$seq" "$eval" <<'PY'
import sys, numpy as np
out, seq, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = np.random.default_rng(14)
np.save(f"{out}/vit_calib.npy", r.standard_normal((8, 3, 32, 32)).astype(np.float32))
np.save(f"{out}/ids_calib.npy", r.integers(0, 4096, size=(8, seq), dtype=np.int64))
np.save(f"{out}/x_calib.npy", r.standard_normal((8, seq, 256)).astype(np.float32))
r = np.random.default_rng(15)
for i in range(n):
    np.save(f"{out}/vit_eval{i}.npy", r.standard_normal((1, 3, 32, 32)).astype(np.float32))
    np.save(f"{out}/ids_eval{i}.npy", r.integers(0, 4096, size=(1, seq), dtype=np.int64))
    np.save(f"{out}/x_eval{i}.npy", r.standard_normal((1, seq, 256)).astype(np.float32))
PY
# pooled_sqnr DIR_PREFIX_A DIR_PREFIX_B: SQNR of B against A over the eval runs A0..A{E-1} (every .npy).
pooled_sqnr() {
  "$python" - "$1" "$2" "$eval" <<'PY'
import glob, os, sys, numpy as np
a, b, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = e = 0.0
for i in range(n):
    for f in glob.glob(f"{a}{i}/*.npy"):
        x = np.load(f).astype(np.float64)
        y = np.load(os.path.join(f"{b}{i}", os.path.basename(f))).astype(np.float64)
        s += (x ** 2).sum()
        e += ((x - y) ** 2).sum()
print("inf" if e == 0 else f"{10 * np.log10(s / e):.1f}")
PY
}

# best_ort MODEL.onnx INPUT.npy THREADS: ONNX Runtime's best median_ms of REPEATS processes.
best_ort() {
  local m b="" r
  for ((r = 0; r < repeats; r++)); do
    m=$(node "$repo/bench/models/ort_bench.js" "$1" "$2" --threads "$3" --min-time "$min_time" | awk '/^median_ms:/ {print $2}')
    [[ -n "$m" ]] || return 1
    b=$(awk -v a="$m" -v b="$b" 'BEGIN { print (b == "" || a < b) ? a : b }')
  done
  echo "$b"
}

# attn_ms CSV: the attention steps' summed median (ms) from a --profile-csv file.
attn_ms() {
  "$python" - "$1" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
names = {r["name"] for r in rows if r["kind"] in ("matmul", "qmatmul")}
kinds = {"matmul", "qmatmul", "quantize", "dequantize", "qlut", "qrequantize"}
print(f'{sum(float(r["ms"]) for r in rows if r["name"] in names and r["kind"] in kinds):.3f}')
PY
}

echo "seq $seq, $threads thread(s), best of $repeats processes ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-10s %-8s %8s %10s %10s %8s %10s %10s\n' model attn SQNR_dB run_ms vs_qdq attn_ms vs_qdq ort_ms
for name in $models; do
  case $name in
    vit_tiny) model=$out/vit_tiny.onnx calib=$out/vit_calib.npy ev=vit_eval iname=input ;;
    encoder) model=$out/encoder_s$seq.onnx calib=$out/x_calib.npy ev=x_eval iname=x ;;
    *) model=$out/${name}_s$seq.onnx calib=$out/ids_calib.npy ev=ids_eval iname=input_ids ;;
  esac
  npy=$out/${ev}0.npy input="$iname=$npy"
  for ((i = 0; i < eval; i++)); do
    "$qc" run "$model" --input "$iname=$out/$ev$i.npy" --output-dir "$out/$name.float$i" >/dev/null
  done
  base_run="" base_attn=""
  for attn in 0 1; do
    tag=$([[ $attn == 1 ]] && echo int8 || echo qdq)
    prog=$out/$name.$tag.mlir
    "$qc" quantize "$model" --quantizer "x86,int8_attention=$attn" --calib "$calib" --quiet \
      -o "$out/$name.$tag.q.mlir" --export-onnx "$out/$name.$tag.qdq.onnx"
    "$qc" quantize "$model" --quantizer "x86,int8_attention=$attn" --calib "$calib" --quiet \
      --lower-to-integer -o "$prog"
    for ((i = 0; i < eval; i++)); do
      "$qc" run "$prog" --input "$iname=$out/$ev$i.npy" --output-dir "$out/$name.$tag.out$i" >/dev/null
    done
    s=$(pooled_sqnr "$out/$name.float" "$out/$name.$tag.out")
    ms=$(bench_best "$qc" "$prog" "$repeats" --threads "$threads" --input "$input" --min-time "$min_time")
    "$qc" bench "$prog" --threads "$threads" --input "$input" --min-time "$min_time" --profile \
      --profile-csv "$out/$name.$tag.csv" >/dev/null
    a=$(attn_ms "$out/$name.$tag.csv")
    o="-"
    if [[ $have_ort == 1 ]]; then
      o=$(best_ort "$out/$name.$tag.qdq.onnx" "$npy" "$threads" 2>/dev/null || echo failed)
    fi
    [[ $attn == 0 ]] && base_run=$ms base_attn=$a
    printf '%-10s %-8s %8s %10s %10s %8s %10s %10s\n' "$name" "$tag" "$s" "$ms" \
      "$(awk -v a="$base_run" -v b="$ms" 'BEGIN { printf "%.2fx", a / b }')" "$a" \
      "$(awk -v a="$base_attn" -v b="$a" 'BEGIN { printf (b > 0 ? "%.2fx" : "-"), a / b }')" "$o"
  done
done
[[ $have_ort == 1 ]] || echo "(ort_ms: not run, no test/ort/node_modules/onnxruntime-node)"
