# Shell functions the bench/*/run.sh scripts share; source it after setting `repo`:
#   source "$repo/bench/lib.sh"
# Each function fails the script (set -e) when a command it runs fails.

# Defaults of the flags every script takes.
qc="${QC_BUILD_DIR:-$repo/build}/bin/qc"
out=""
threads=1
repeats=3
min_time=2
python="${PYTHON:-/usr/bin/python3}"

# bench_common_flag FLAG VALUE: sets qc, out, threads, repeats or min_time for --qc, --out, --threads,
# --repeats or --min-time; fails (status 1) for any other flag, for the script's own parsing.
bench_common_flag() {
  case "$1" in
    --qc) qc="$2" ;;
    --out) out="$2" ;;
    --threads) threads="$2" ;;
    --repeats) repeats="$2" ;;
    --min-time) min_time="$2" ;;
    *) return 1 ;;
  esac
}

# bench_check_qc QC: exits 1, saying so, when QC is not an executable.
bench_check_qc() {
  [[ -x "$1" ]] || { echo "run.sh: qc binary '$1' not found (build first or pass --qc)" >&2; exit 1; }
}

# bench_out_dir: creates the directory $out names; an empty $out becomes a temporary directory that is
# removed when the script exits.
bench_out_dir() {
  if [[ -z "$out" ]]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
  fi
  mkdir -p "$out"
}

# bench_best QC MODEL REPEATS [QC_BENCH_FLAGS...]: the lowest `median_ms` of REPEATS separate
# `qc bench MODEL QC_BENCH_FLAGS...` processes (the best of them: the noise of a shared machine only
# makes a process slower).
bench_best() {
  local qc=$1 model=$2 repeats=$3 m b="" r
  shift 3
  for ((r = 0; r < repeats; r++)); do
    m=$("$qc" bench "$model" "$@" | awk '/^median_ms:/ {print $2}')
    b=$(awk -v a="$m" -v b="$b" 'BEGIN { print (b == "" || a < b) ? a : b }')
  done
  echo "$b"
}

# bench_sqnr FLOAT.npy OTHER.npy: the SQNR of OTHER against FLOAT in dB, one decimal.
bench_sqnr() {
  "$python" - "$1" "$2" <<'PY'
import sys, numpy as np
x, y = (np.load(f).astype(np.float64) for f in sys.argv[1:])
print(f"{10 * np.log10((x ** 2).sum() / ((x - y) ** 2).sum()):.1f}")
PY
}
