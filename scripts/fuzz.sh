#!/usr/bin/env bash
# libFuzzer targets of qc (test/fuzz, docs/robustness.md).
#
#   scripts/fuzz.sh TARGET SECONDS [LIBFUZZER FLAGS...]   build, then fuzz TARGET
#   scripts/fuzz.sh --build                               build every target
#   scripts/fuzz.sh --replay TARGET FILE...               run TARGET on FILEs once
#   (--no-build before TARGET skips the build step; the tests use it)
#
# TARGET: onnx (ONNX importer + simplify), npy (.npy / .npz reader), mlir
# (MLIR parser + verifier + qc passes), runtime (libqcrt's descriptor checks).
#
# The fuzz tree is build-fuzz/ (QC_FUZZ_BUILD_DIR), configured with
# -DQC_FUZZ=ON: clang-19, -fsanitize=fuzzer-no-link,address,undefined on the
# libraries the targets link, nothing else built. Seeds are gathered from the
# repository (test models, .npy files, the lit tests' .mlir cases, the
# committed reproducers) into build-fuzz/fuzz/seeds/TARGET; the corpus
# libFuzzer grows is build-fuzz/fuzz/corpus/TARGET, crashes go to
# build-fuzz/fuzz/artifacts/TARGET/. One process, one core (no -jobs).
# The last line printed is: fuzz TARGET: N executions in S s (R/s), cov: C ft: F
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QC_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
JOBS="${QC_JOBS:-$(nproc)}"
TARGETS="onnx npy mlir runtime"

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

build=1 replay=0
while (($#)); do
  case $1 in
    --build) build=2; shift ;;
    --no-build) build=0; shift ;;
    --replay) replay=1; shift ;;
    -h|--help) usage ;;
    *) break ;;
  esac
done

configure_and_build() {
  local launcher=()
  if command -v ccache >/dev/null 2>&1; then
    export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$ROOT")}"
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  if [[ ! -f "$BUILD/build.ninja" ]]; then
    cmake -G Ninja -S "$ROOT" -B "$BUILD" "${launcher[@]}" \
      -DCMAKE_BUILD_TYPE=Release -DQC_FUZZ=ON \
      -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
      -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld >/dev/null
  fi
  cmake --build "$BUILD" -j "$JOBS" --target "$@"
}

if ((build == 2)); then
  configure_and_build qc-fuzz
  exit 0
fi

(($# >= 1)) || usage
TARGET=$1; shift
[[ " $TARGETS " == *" $TARGET "* ]] || { echo "fuzz.sh: unknown target '$TARGET' (expected one of: $TARGETS)" >&2; exit 2; }
((build)) && configure_and_build "qc-fuzz-$TARGET"
BIN="$BUILD/bin/qc-fuzz-$TARGET"
[[ -x "$BIN" ]] || { echo "fuzz.sh: $BIN is missing (run scripts/fuzz.sh --build)" >&2; exit 1; }

# Limits: a single allocation or the RSS above 2 GiB, or one input taking
# 20 s, is a finding.
LIMITS=(-timeout=20 -rss_limit_mb=2048)
# Descriptors with tensors of 2^62 bytes and more are legal and the runtime
# must refuse to allocate them: no malloc limit there (the target bounds
# every other size).
[[ $TARGET == runtime ]] && LIMITS=(-timeout=20 -rss_limit_mb=0 -malloc_limit_mb=0)

# Replaying reproducers: each file once; any crash, an input taking 10 s or
# allocating 1 GiB fails.
if ((replay)); then
  (($# >= 1)) || usage
  [[ $TARGET == runtime ]] || LIMITS=(-timeout=10 -rss_limit_mb=1024)
  exec "$BIN" "${LIMITS[@]}" -runs=1 "$@"
fi

(($# >= 1)) || usage
SECONDS_BUDGET=$1; shift
[[ "$SECONDS_BUDGET" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number, got '$SECONDS_BUDGET'" >&2; exit 2; }

WORK="$BUILD/fuzz"
SEEDS="$WORK/seeds/$TARGET" CORPUS="$WORK/corpus/$TARGET" ARTIFACTS="$WORK/artifacts/$TARGET"
mkdir -p "$CORPUS" "$ARTIFACTS"

# Seeds: copies of the repository's own inputs (<= MAX_SEED bytes each).
gather_seeds() {
  rm -rf "$SEEDS"; mkdir -p "$SEEDS"
  local max=$1; shift
  local f
  while IFS= read -r -d '' f; do
    cp "$f" "$SEEDS/$(echo "${f#"$ROOT"/}" | tr '/' '_')"
  done < <(find "$@" -type f -size -"$((max + 1))"c -print0 2>/dev/null)
}
split_mlir_seeds() {
  # One seed per `// -----` case of the lit tests.
  local f n
  while IFS= read -r -d '' f; do
    n=$(echo "${f#"$ROOT"/}" | tr '/' '_')
    awk -v out="$SEEDS/$n" '/^\/\/ -----/ {i++; next} {print > (out "." i)}' "$f"
  done < <(find "$ROOT/test" -name '*.mlir' -size -256k -print0)
  find "$SEEDS" -type f -size +16k -delete
}

FLAGS=("${LIMITS[@]}" -print_final_stats=1 -artifact_prefix="$ARTIFACTS/")
REGRESSIONS="$ROOT/test/fuzz/regressions/$TARGET"
case $TARGET in
  onnx)
    gather_seeds 65536 "$ROOT/test/models" "$ROOT/test/importer/Inputs" "$ROOT/examples" "$ROOT/test/fuzz/seeds/onnx" -name '*.onnx'
    FLAGS+=(-max_len=65536 -dict="$ROOT/test/fuzz/onnx.dict") ;;
  npy)
    gather_seeds 16384 "$ROOT/test" "$ROOT/examples" "$ROOT/test/fuzz/seeds/npy" \( -name '*.npy' -o -name '*.npz' \)
    FLAGS+=(-max_len=16384) ;;
  mlir)
    gather_seeds 16384 "$ROOT/test/fuzz/seeds/mlir" -name '*.mlir'
    split_mlir_seeds
    FLAGS+=(-max_len=16384 -dict="$ROOT/test/fuzz/mlir.dict") ;;
  runtime)
    gather_seeds 4096 "$ROOT/test/fuzz/seeds/runtime" -type f
    FLAGS+=(-max_len=512) ;;
esac
[[ -d "$REGRESSIONS" ]] && cp "$REGRESSIONS"/* "$SEEDS"/ 2>/dev/null || true
# An empty corpus is fine (libFuzzer starts from nothing), a missing one not.
echo "fuzz.sh: $TARGET for ${SECONDS_BUDGET}s, $(ls "$SEEDS" | wc -l) seeds, $(ls "$CORPUS" | wc -l) corpus files" >&2

LOG="$WORK/$TARGET.log"
set +e
"$BIN" "${FLAGS[@]}" -max_total_time="$SECONDS_BUDGET" "$@" "$CORPUS" "$SEEDS" 2>&1 | tee "$LOG" |
  grep -aE --line-buffered '^#[0-9]+.*(INITED|DONE|pulse)|ERROR|SUMMARY|Test unit written|==[0-9]+==|runtime error|^INFO: (Seed|Loaded)' >&2
rc=${PIPESTATUS[0]}
set -e

last=$(grep -aE '^#[0-9]+' "$LOG" | tail -1)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOG" | tail -1)
secs=$(sed -n 's/.*Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$LOG" | tail -1)
cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corpus=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
if [[ -z "$secs" || "$secs" == 0 ]]; then secs=$SECONDS_BUDGET; fi
rate=$(( ${execs:-0} / (secs > 0 ? secs : 1) ))
if ((rc != 0)); then
  echo "fuzz $TARGET: FAILED (exit $rc) after ${execs:-?} executions; reproducer in $ARTIFACTS/, log $LOG" >&2
  exit "$rc"
fi
echo "fuzz $TARGET: ${execs:-0} executions in ${secs} s (${rate}/s), cov: ${cov:-?} ft: ${ft:-?}, corpus ${corpus:-?}"
