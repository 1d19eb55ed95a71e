#!/usr/bin/env bash
# Model benchmark (issues 4, 13): batch-1 latency of ResNet-18, MobileNetV2, MobileNetV3-small and a
# small text-direction classifier (text_cls, 1x3x48x192) in one run, as
#   (a) qc int8 compiled code          (`qc bench`, in-process, compiled for this CPU)
#   (b) ONNX Runtime int8              (ort_bench.js on qc's own QDQ export: the same quantization)
#   (c) ONNX Runtime fp32              (ort_bench.js on the float model)
# with each thread count, plus qc's compile time and object size against the float weights, and
# each model's physical floor on this core (its MACs at the measured int8 multiply rate and clock).
# See bench/models/README.md.
#
#   bench/models/run.sh [--models DIR] [--qc PATH] [--out DIR] [--threads "1 2"] [--min-time S]
#                       [--repeats N]
#
#   --models DIR   folder with MODEL.{onnx,json,input.npy} for each model, as written by
#                  test/models/export_models.py (default: $QC_BUILD_DIR/test/models/onnx, else they are
#                  exported into OUT/onnx with /usr/bin/python3 test/models/export_models.py)
#   --qc PATH      the qc binary (default: $QC_BUILD_DIR/bin/qc, QC_BUILD_DIR defaulting to build/)
#   --out DIR      work folder for calibration data, quantized models and logs (default: a temp dir)
#   --threads "…"  thread counts (default "1 2")
#   --min-time S   seconds of timed runs per measurement, for qc and ORT alike (default 2; at least 20 runs)
#   --model-list "…"  models (default "resnet18 mobilenet_v2 mobilenet_v3_small text_cls"; any model
#                  test/models/export_models.py --list names with one image input)
#   --repeats N    measure each figure in N processes, qc / ORT int8 / ORT fp32 alternating, and report
#                  each side's best median with the spread of the N medians (default 1). ORT's speed is
#                  bimodal from one process to the next on shared VMs; best of 3 is the issue-13 protocol.
#   --profile      also print qc's per-step profile (qc bench --profile: steps by time, per op kind,
#                  MAC/cycle against the ISA's peak; docs/runtime.md) after each qc timing
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${QC_BUILD_DIR:-$repo/build}"
models_dir=""
qc="$build/bin/qc"
out=""
threads="1 2"
min_time=2
model_list="resnet18 mobilenet_v2 mobilenet_v3_small text_cls"
python="${PYTHON:-/usr/bin/python3}"
profile=()
repeats=1

usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --models) models_dir="$2"; shift 2 ;;
    --qc) qc="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --min-time) min_time="$2"; shift 2 ;;
    --model-list) model_list="$2"; shift 2 ;;
    --profile) profile=(--profile); shift ;;
    --repeats) repeats="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

[[ -x "$qc" ]] || { echo "run.sh: qc binary '$qc' not found (build first or pass --qc)" >&2; exit 1; }
command -v node >/dev/null || { echo "run.sh: node not found" >&2; exit 1; }
[[ -d "$repo/test/ort/node_modules/onnxruntime-node" ]] ||
  { echo "run.sh: onnxruntime-node missing in test/ort/node_modules (run scripts/npm-setup.sh)" >&2; exit 1; }

if [[ -z "$out" ]]; then
  out="$(mktemp -d "${TMPDIR:-/tmp}/qc-models-bench.XXXXXX")"
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"

have_models() {
  local d="$1" m
  for m in $model_list; do
    [[ -f "$d/$m.onnx" && -f "$d/$m.json" && -f "$d/$m.input.npy" ]] || return 1
  done
}
if [[ -z "$models_dir" ]]; then
  if have_models "$build/test/models/onnx"; then
    models_dir="$build/test/models/onnx"
  else
    models_dir="$out/onnx"
  fi
fi
if ! have_models "$models_dir"; then
  echo "== exporting $(echo $model_list | tr ' ' ',') into $models_dir (test/models/export_models.py)"
  "$python" "$repo/test/models/export_models.py" --out "$models_dir" --only "$(echo $model_list | tr ' ' ',')"
fi
have_models "$models_dir" || { echo "run.sh: models missing in $models_dir" >&2; exit 1; }

# field NAME FILE: value of the last `NAME: value` line
field() { sed -n "s/^$1: *//p" "$2" | tail -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

cpu="$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)"
ncpu="$(nproc)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
load0="$(cut -d' ' -f1-3 /proc/loadavg)"
commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"

# Calibration data: 8 standard-normal samples per model (seed 0). Latency does not depend on the data.
rows=()
min_rows=()
spread_rows=()
compile_rows=()
declare -A floors
for m in $model_list; do
  input_name="$("$python" -c 'import json,sys; print(next(iter(json.load(open(sys.argv[1]))["inputs"])))' "$models_dir/$m.json")"
  input_npy="$models_dir/$m.input.npy"
  calib="$out/$m.calib.npy"
  "$python" - "$input_npy" "$calib" <<'EOF'
import sys, numpy as np
x = np.load(sys.argv[1])
np.save(sys.argv[2], np.random.default_rng(0).standard_normal((8,) + x.shape[1:]).astype(np.float32))
EOF
  echo "== $m: qc quantize (x86 quantizer, 8 calibration samples) + QDQ export"
  "$qc" quantize "$models_dir/$m.onnx" --quantizer x86 --calib "$calib" \
    --export-onnx "$out/$m.qdq.onnx" -o "$out/$m.q.mlir" --quiet
  echo "== $m: qc compile"
  "$qc" compile "$out/$m.q.mlir" -o "$out/$m.compiled" 2>&1 | tee "$out/$m.compile.log"
  # qc: compiled M for T in S s: F.o (N bytes), M.h / qc: ...; constants N bytes (float weights and biases: M bytes, Rx smaller)
  c_s="$(sed -n 's/.* in \([0-9.]*\) s:.*/\1/p' "$out/$m.compile.log" | head -n 1)"
  c_obj="$(sed -n 's/.*\.o (\([0-9]*\) bytes).*/\1/p' "$out/$m.compile.log" | head -n 1)"
  c_const="$(sed -n 's/.*constants \([0-9]*\) bytes.*/\1/p' "$out/$m.compile.log" | head -n 1)"
  c_float="$(sed -n 's/.*float weights and biases: \([0-9]*\) bytes.*/\1/p' "$out/$m.compile.log" | head -n 1)"
  c_target="$(sed -n 's/.* for \([^ ]*\) in .*/\1/p' "$out/$m.compile.log" | head -n 1)"
  compile_rows+=("$m|$c_target|${c_s:-?}|${c_obj:-?}|${c_const:-?}|${c_float:-?}")
  # The physical floor: the model's MACs at the int8 rate this core measures for the variant's
  # multiply instruction (the profile's header) and its clock, one thread.
  "$qc" bench "$out/$m.q.mlir" --threads 1 --input "$input_name=$input_npy" --min-runs 5 --min-time 0.2 \
    --profile --profile-csv "$out/$m.profile.csv" > "$out/$m.floor.log"
  f_macs="$("$python" -c 'import csv,sys; print(sum(int(r["macs"]) for r in csv.DictReader(open(sys.argv[1]))))' \
    "$out/$m.profile.csv")"
  f_ghz="$(sed -n 's/^clock: \([0-9.]*\) GHz.*/\1/p' "$out/$m.floor.log")"
  f_peak="$(sed -n 's/.*%peak of \([0-9.]*\) int8 MACs\/cycle.*/\1/p' "$out/$m.floor.log")"
  f_ms="$(awk -v n="$f_macs" -v g="${f_ghz:-0}" -v p="${f_peak:-0}" \
    'BEGIN { if (g > 0 && p > 0) printf "%.3f", n / (p * g * 1e6); else print "" }')"
  floors["$m"]="${f_ms}|${f_macs}|${f_peak:-?}|${f_ghz:-?}"

  for t in $threads; do
    spread_q=(); spread_oi=()
    for ((r = 1; r <= repeats; ++r)); do
      sfx=""
      [[ "$repeats" -gt 1 ]] && sfx=".r$r"
      echo "== $m, $t thread(s): qc int8${sfx:+ (process $r of $repeats)}"
      "$qc" bench "$out/$m.q.mlir" --threads "$t" --input "$input_name=$input_npy" --min-time "$min_time" \
        "${profile[@]}" > "$out/$m.t$t.qc$sfx.log"
      cat "$out/$m.t$t.qc$sfx.log"
      echo "== $m, $t thread(s): ORT int8 (qc's QDQ export)${sfx:+ (process $r of $repeats)}"
      node "$repo/bench/models/ort_bench.js" "$out/$m.qdq.onnx" "$input_npy" --threads "$t" --min-time "$min_time" \
        > "$out/$m.t$t.ort_int8$sfx.log"
      cat "$out/$m.t$t.ort_int8$sfx.log"
      echo "== $m, $t thread(s): ORT fp32${sfx:+ (process $r of $repeats)}"
      node "$repo/bench/models/ort_bench.js" "$models_dir/$m.onnx" "$input_npy" --threads "$t" --min-time "$min_time" \
        > "$out/$m.t$t.ort_fp32$sfx.log"
      cat "$out/$m.t$t.ort_fp32$sfx.log"
      if [[ -n "$sfx" ]]; then
        spread_q+=("$(field median_ms "$out/$m.t$t.qc$sfx.log")")
        spread_oi+=("$(field median_ms "$out/$m.t$t.ort_int8$sfx.log")")
      fi
    done
    if [[ "$repeats" -gt 1 ]]; then
      # The process with the lowest median stands for each side (the logs without .rN).
      for kind in qc ort_int8 ort_fp32; do
        best="$(for ((r = 1; r <= repeats; ++r)); do
                  echo "$(field median_ms "$out/$m.t$t.$kind.r$r.log") $r"; done | sort -g | head -n 1 | cut -d' ' -f2)"
        cp "$out/$m.t$t.$kind.r$best.log" "$out/$m.t$t.$kind.log"
      done
      spread_rows+=("$m|$t|${spread_q[*]}|${spread_oi[*]}")
    fi
    q="$(field median_ms "$out/$m.t$t.qc.log")"
    oi="$(field median_ms "$out/$m.t$t.ort_int8.log")"
    of="$(field median_ms "$out/$m.t$t.ort_fp32.log")"
    rows+=("$m|$t|$q|$oi|$of|$(ratio "$q" "$oi")|$(ratio "$q" "$of")")
    # The best single run: over all processes of a side.
    best_min() {
      if [[ "$repeats" -gt 1 ]]; then
        for ((r = 1; r <= repeats; ++r)); do field min_ms "$out/$m.t$t.$1.r$r.log"; done | sort -g | head -n 1
      else
        field min_ms "$out/$m.t$t.$1.log"
      fi
    }
    q="$(best_min qc)"
    oi="$(best_min ort_int8)"
    of="$(best_min ort_fp32)"
    min_rows+=("$m|$t|$q|$oi|$of|$(ratio "$q" "$oi")|$(ratio "$q" "$of")")
  done
done

# The latency table of rows "model|threads|qc|ort int8|ort fp32|ratio|ratio".
latency_table() {
  echo "| model | threads | qc int8 ms | ORT int8 ms | ORT fp32 ms | qc/ORT-int8 | qc/ORT-fp32 |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  local r m t q oi of r1 r2
  for r in "$@"; do
    IFS='|' read -r m t q oi of r1 r2 <<<"$r"
    printf '| %s | %s | %.2f | %.2f | %.2f | %s | %s |\n' "$m" "$t" "$q" "$oi" "$of" "$r1" "$r2"
  done
}

ort_ver="$(field ort "$out/$(echo $model_list | cut -d' ' -f1).t$(echo $threads | cut -d' ' -f1).ort_int8.log")"
{
  echo
  if [[ "$repeats" -gt 1 ]]; then
    echo "Model benchmark: batch-1 median latency (ms), best of $repeats processes per side, $started"
  else
    echo "Model benchmark: batch-1 median latency (ms), $started"
  fi
  echo "CPU: $cpu ($ncpu logical CPUs); repo HEAD $commit; $ort_ver; --min-time $min_time s per figure"
  echo "Load average at start: $load0; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  latency_table "${rows[@]}"
  echo
  if [[ "$repeats" -gt 1 ]]; then
    echo "Medians of the $repeats processes (ms), in order:"
    echo
    echo "| model | threads | qc int8 | ORT int8 |"
    echo "|---|---:|---|---|"
    for r in "${spread_rows[@]}"; do
      IFS='|' read -r m t sq so <<<"$r"
      echo "| $m | $t | $sq | $so |"
    done
    echo
  fi
  echo "Best single run (min_ms; over all processes of a side), less sensitive to other load on the machine:"
  echo
  latency_table "${min_rows[@]}"
  echo
  echo "Physical floor (1 thread): the model's MACs at the int8 MACs/cycle this core measures for the"
  echo "variant's multiply instruction, at the measured clock (qc bench --profile's header; docs/runtime.md)."
  echo "floor / ORT int8 is the lowest qc/ORT-int8 ratio any code could reach on this machine."
  echo
  echo "| model | GMAC | MACs/cycle | GHz | floor ms | qc / floor | ORT int8 / floor | floor / ORT int8 |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for r in "${rows[@]}"; do
    IFS='|' read -r m t q oi of r1 r2 <<<"$r"
    [[ "$t" == 1 ]] || continue
    IFS='|' read -r fms fmacs fpeak fghz <<<"${floors[$m]}"
    [[ -n "$fms" ]] || continue
    printf '| %s | %.4f | %s | %s | %s | %s | %s | %s |\n' "$m" "$(awk -v n="$fmacs" 'BEGIN{print n/1e9}')" \
      "$fpeak" "$fghz" "$fms" "$(ratio "$q" "$fms")" "$(ratio "$oi" "$fms")" "$(ratio "$fms" "$oi")"
  done
  echo
  echo "qc compile (qc compile, target for this CPU):"
  echo
  echo "| model | target | compile s | object bytes | int8 constants bytes | float weights bytes | float / object |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for r in "${compile_rows[@]}"; do
    IFS='|' read -r m tg s obj cst flt <<<"$r"
    echo "| $m | $tg | $s | $obj | $cst | $flt | $(ratio "$flt" "$obj")x |"
  done
  echo
  echo "(ratio < 1: qc is faster. Logs and models in $out)"
} | tee "$out/results.md"
