#!/usr/bin/env bash
# Weight-only quantization on AArch64 (NEON): the weight-only test model (odd K, K not a multiple of
# the group, N tails; test/compiler/tools/qc/Inputs/weight_only_model.py) quantized with QUANTIZER,
# compiled for TARGET and run under qemu-aarch64 by compiled_aarch64.sh: byte-identical to the
# reference executor. QUANTIZER "-": Inputs/weight_only_axes.mlir (per tensor, per input channel,
# zero points, blocks along N) compiled as it is. QUANTIZER "gather": the quantized embedding tables of
# Inputs/compile-gather-quantized.mlir (int4 / uint4 two values a byte, int8 per row, per tensor) at int64
# ids. QUANTIZER "gemv": the weight-only rule's edge cases (Inputs/weight_only_gemv.py: 1 row, the
# GEMV path, and 9 rows, a block of 7 + 2; int4 / uint4 with zero points / int8 / uint8 per tensor).
#
#   weight_only_aarch64.sh QC QUANTIZER|-|gather|gemv TARGET WORKDIR
set -euo pipefail
QC=$1 QUANTIZER=$2 TARGET=$3 WORK=$4
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir=$WORK/${QUANTIZER//[,=]/_}
rm -rf "$dir" && mkdir -p "$dir"
if [[ $QUANTIZER == - ]]; then  # every qparams layout of a dequantized weight, compiled as it is
  /usr/bin/python3 -c "import numpy as np, sys; np.save(sys.argv[1], np.random.default_rng(5).standard_normal((2, 5)).astype(np.float32))" "$dir/x.npy"
  exec "$HERE/compiled_aarch64.sh" "$QC" "$HERE/../compiler/tools/qc/Inputs/weight_only_axes.mlir" - "$dir/x.npy" - "$TARGET" "$dir"
fi
if [[ $QUANTIZER == gather ]]; then  # quantized embedding tables, int64 ids; one output (the runner's)
  /usr/bin/python3 - "$HERE/../compiler/tools/qc/Inputs/compile-gather-quantized.mlir" "$dir" <<'PY'
import re, sys, numpy as np
src = open(sys.argv[1]).read()
src = re.sub(r"-> \(tensor<2x3x8xf32> \{qc.name = \"y1\"\}.*\) \{", '-> (tensor<2x3x33xf32> {qc.name = "y"}) {', src)
src = re.sub(r"  return .*", "  %y = qc.concat %y1, %y2, %y3, %y4, %y5 {axis = 2 : i64} : (tensor<2x3x8xf32>, tensor<2x3x8xf32>, "
             "tensor<2x3x5xf32>, tensor<2x3x6xf32>, tensor<2x3x6xf32>) -> tensor<2x3x33xf32>\n  return %y : tensor<2x3x33xf32>", src)
open(sys.argv[2] + "/gather.mlir", "w").write(src)
np.save(sys.argv[2] + "/ids.npy", np.array([[0, 9, -1], [3, -10, 5]], np.int64))
PY
  exec "$HERE/compiled_aarch64.sh" "$QC" "$dir/gather.mlir" - "$dir/ids.npy" - "$TARGET" "$dir"
fi
if [[ $QUANTIZER == gemv ]]; then  # M = 1 (GEMV) and M = 9 (row blocks), the programs as they are
  /usr/bin/python3 "$HERE/../compiler/tools/qc/Inputs/weight_only_gemv.py" "$dir"
  mkdir -p "$dir/m1"
  "$HERE/compiled_aarch64.sh" "$QC" "$dir/m1.mlir" - "$dir/x1.npy" - "$TARGET" "$dir/m1"
  exec "$HERE/compiled_aarch64.sh" "$QC" "$dir/m9.mlir" - "$dir/x9.npy" - "$TARGET" "$dir"
fi
/usr/bin/python3 "$HERE/../compiler/tools/qc/Inputs/weight_only_model.py" "$dir/model.mlir" "$dir/x.npy"
"$QC" quantize "$dir/model.mlir" --quantizer "$QUANTIZER" --quiet -o "$dir/wo.mlir"
exec "$HERE/compiled_aarch64.sh" "$QC" "$dir/wo.mlir" - "$dir/x.npy" - "$TARGET" "$dir"
