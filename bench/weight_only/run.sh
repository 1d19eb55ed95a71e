#!/usr/bin/env bash
# Weight-only quantization benchmark (issue 14): nn.TransformerEncoderLayer(256, 4) and a GPT-2-like
# decoder (4 blocks, hidden 256, LM head of 4096) at sequence 128 and 1, and the same decoder at hidden
# 512 at sequence 1 (gpt_h512: 59 MB of float weights, more than a 32 MB L3, where a GEMV reads them
# from memory) (export_models.py; the decoder takes float embeddings, qc has no token inputs yet),
# batch 1, each as
#   (a) qc float32 compiled code                 (`qc bench` on the float model)
#   (b) weight-only int8, per output channel     (x86,weight_only=int8)
#   (c) weight-only int4, groups of 32           (x86,weight_only=int4,group_size=32)
#   (d) weight-only int4, groups of 128, asym.   (x86,weight_only=int4,group_size=128,symmetric=0)
# Each is timed in REPEATS separate `qc bench` processes (median latency of each, the best of them
# reported), one after the other in the same run; speed-ups are against (a). Size: the model's
# constants as float32 (a) and with the weight-only weights as stored (values + scales + zero
# points; qc quantize's report), ratio against (a). SQNR: the program's output (reference executor)
# against the float model's. See docs/codegen.md, "Weight-only quantization".
#
#   bench/weight_only/run.sh [--qc PATH] [--out DIR] [--threads N] [--repeats R] [--min-time S]
#                            [--models "encoder gpt gpt_h512"] [--seqs "128 1"]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
models="encoder gpt gpt_h512"
seqs="128 1"
source "$repo/bench/lib.sh"

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  if bench_common_flag "$@"; then shift 2; continue; fi
  case "$1" in
    --models) models="$2"; shift 2 ;;
    --seqs) seqs="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
bench_check_qc "$qc"
bench_out_dir
seq_flags=()
for s in $seqs; do seq_flags+=(--seq "$s"); done
"$python" "$repo/bench/weight_only/export_models.py" "$out" "${seq_flags[@]}" >/dev/null
[[ " $models " == *" gpt_h512 "* ]] &&
  "$python" "$repo/bench/weight_only/export_models.py" "$out" --seq 1 --gpt-hidden 512 >/dev/null

best() {  # MODEL INPUT: best of REPEATS processes' median_ms
  bench_best "$qc" "$1" "$repeats" --threads "$threads" --input "x=$2" --min-time "$min_time"
}
float_bytes() {  # MODEL.onnx: bytes of its float initializers
  "$python" - "$1" <<'PY'
import sys, onnx, numpy as np
m = onnx.load(sys.argv[1])
print(sum(int(np.prod(t.dims)) * 4 for t in m.graph.initializer if t.data_type == 1))
PY
}

echo "$threads thread(s), best of $repeats processes ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-40s %10s %9s %10s %8s %9s\n' model median_ms speedup size_MB smaller SQNR_dB
modes=("int8:x86,weight_only=int8" "int4 g32:x86,weight_only=int4,group_size=32"
       "int4 g128 asym:x86,weight_only=int4,group_size=128,symmetric=0")
for name in $models; do
  model_seqs=$seqs
  [[ $name == gpt_h512 ]] && model_seqs=1
  for s in $model_seqs; do
    model=$out/${name}_s$s.onnx input=$out/x_s$s.npy
    [[ $name == gpt_h512 ]] && input=$out/xg_h512_s$s.npy
    "$qc" run "$model" --input "x=$input" --output-dir "$out/${name}_s$s.float" >/dev/null
    fb=$(float_bytes "$model")
    f=$(best "$model" "$input")
    printf '%-40s %10s %9s %10.2f %8s %9s\n' "$name seq $s float32" "$f" "1.00x" \
      "$(awk -v b="$fb" 'BEGIN { print b / 1e6 }')" "1.00x" "-"
    for m in "${modes[@]}"; do
      label=${m%%:*} quantizer=${m#*:}
      tag=${name}_s${s}_${label// /_}
      "$qc" quantize "$model" --quantizer "$quantizer" -o "$out/$tag.mlir" 2> "$out/$tag.log"
      # "qc: weight-only: W weights, V values: F MB as float32, S MB stored ..."
      read -r wf ws < <(awk '/weight-only:/ { for (i = 1; i <= NF; i++) { if ($i == "as") f = $(i - 2); if ($i == "stored") s = $(i - 2) } print f, s }' "$out/$tag.log")
      qb=$(awk -v b="$fb" -v wf="$wf" -v ws="$ws" 'BEGIN { printf "%.0f", b - wf * 1e6 + ws * 1e6 }')
      t=$(best "$out/$tag.mlir" "$input")
      "$qc" run "$out/$tag.mlir" --input "x=$input" --output-dir "$out/$tag.out" >/dev/null
      printf '%-40s %10s %9s %10.2f %8s %9s\n' "$name seq $s weight-only $label" "$t" \
        "$(awk -v f="$f" -v t="$t" 'BEGIN { printf "%.2fx", f / t }')" \
        "$(awk -v b="$qb" 'BEGIN { print b / 1e6 }')" \
        "$(awk -v f="$fb" -v q="$qb" 'BEGIN { printf "%.2fx", f / q }')" \
        "$(bench_sqnr "$out/${name}_s$s.float/y.npy" "$out/$tag.out/y.npy")"
    done
  done
done
