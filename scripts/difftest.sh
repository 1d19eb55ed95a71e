#!/usr/bin/env bash
# Differential random-graph testing (docs/robustness.md, "Differential
# testing"): random quantized programs, one seed per graph, compiled for every
# target this host runs (x86 natively, AArch64 under qemu) and compared byte
# for byte with the reference executor on the integer program.
#
#   scripts/difftest.sh                       # 10,000 graphs, seeds 1..10000
#   scripts/difftest.sh --count 500 --start 20000 --jobs 2
#   scripts/difftest.sh --seed S              # replay graph S, keep its files
#   scripts/difftest.sh --lower-only          # coverage and lowering report only
#   scripts/difftest.sh --time-limit 1800     # stop starting batches after 30 min
#
# Options are test/difftest/difftest.py's (--batch, --threads, --targets,
# --keep, --report, ...). QC_BUILD_DIR picks the build (default build/);
# QC_DIFFTEST_WORK the scratch folder (default $QC_BUILD_DIR/difftest).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QC_BUILD_DIR:-$ROOT/build}"
WORK="${QC_DIFFTEST_WORK:-$BUILD/difftest}"
for tool in qc qc-opt; do
  [[ -x $BUILD/bin/$tool ]] || { echo "difftest.sh: $BUILD/bin/$tool not built (scripts/build.sh)" >&2; exit 2; }
done
args=("$@")
defaults=(--count 10000 --start 1 --batch 100 --jobs 2)
for a in "$@"; do
  [[ $a == --seed || $a == --count ]] && defaults=()
done
exec /usr/bin/python3 "$ROOT/test/difftest/difftest.py" --qc "$BUILD/bin/qc" \
  --qc-opt "$BUILD/bin/qc-opt" --work "$WORK" "${defaults[@]}" "${args[@]}"
