# Shared by the compiled_*.sh end-to-end scripts (sourced, not run).
#
#   require_target TARGET   exit 77 (ctest's skip) with a visible message when
#                           this CPU cannot run TARGET's code; exit 2 for a
#                           target these scripts do not run
#   compare_exact REF_DIR COMPILED_DIR TARGET
#                           every .npy in REF_DIR must be byte-identical to
#                           the same file in COMPILED_DIR; on a difference,
#                           print how many values differ and the first one,
#                           and exit 1; sets COMPARED to the number of files

require_target() {
  local target=$1 flags f
  flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
  local need=()
  case $target in
    x86-64-avx2|x86-64) need=(avx2 fma bmi2) ;;
    x86-64-avxvnni) need=(avx2 fma bmi2 avx_vnni) ;;
    x86-64-avx512vnni) need=(avx2 fma bmi2 avx512f avx512bw avx512vl avx512dq avx512cd avx512_vnni) ;;
    host) ;;
    *) echo "$(basename "$0"): target $target does not run here"; exit 2 ;;
  esac
  for f in "${need[@]}"; do
    [[ " $flags " == *" $f "* ]] || { echo "SKIP: this CPU lacks $f, needed by $target"; exit 77; }
  done
}

compare_exact() {
  local ref_dir=$1 out_dir=$2 target=$3 ref out
  COMPARED=0
  for ref in "$ref_dir"/*.npy; do
    out=$out_dir/$(basename "$ref")
    if ! cmp -s "$ref" "$out"; then
      echo "FAIL: $(basename "$ref") differs between the reference executor and $target code"
      /usr/bin/python3 - "$ref" "$out" <<'PY'
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
d = np.argwhere(a != b)
print(f"{len(d)} of {a.size} values differ; first at {d[0].tolist()}: {a[tuple(d[0])]} vs {b[tuple(d[0])]}")
PY
      exit 1
    fi
    COMPARED=$((COMPARED + 1))
  done
}
