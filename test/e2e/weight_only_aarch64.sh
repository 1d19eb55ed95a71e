#!/usr/bin/env bash
# Weight-only quantization on AArch64 (NEON): the weight-only test model (odd K, K not a multiple of
# the group, N tails; test/compiler/tools/qc/Inputs/weight_only_model.py) quantized with QUANTIZER,
# compiled for TARGET and run under qemu-aarch64 by compiled_aarch64.sh: byte-identical to the
# reference executor. QUANTIZER "-": Inputs/weight_only_axes.mlir (per tensor, per input channel,
# zero points, blocks along N) compiled as it is.
#
#   weight_only_aarch64.sh QC QUANTIZER|- TARGET WORKDIR
set -euo pipefail
QC=$1 QUANTIZER=$2 TARGET=$3 WORK=$4
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir=$WORK/${QUANTIZER//[,=]/_}
rm -rf "$dir" && mkdir -p "$dir"
if [[ $QUANTIZER == - ]]; then  # every qparams layout of a dequantized weight, compiled as it is
  /usr/bin/python3 -c "import numpy as np, sys; np.save(sys.argv[1], np.random.default_rng(5).standard_normal((2, 5)).astype(np.float32))" "$dir/x.npy"
  exec "$HERE/compiled_aarch64.sh" "$QC" "$HERE/../compiler/tools/qc/Inputs/weight_only_axes.mlir" - "$dir/x.npy" - "$TARGET" "$dir"
fi
/usr/bin/python3 "$HERE/../compiler/tools/qc/Inputs/weight_only_model.py" "$dir/model.mlir" "$dir/x.npy"
"$QC" quantize "$dir/model.mlir" --quantizer "$QUANTIZER" --quiet -o "$dir/wo.mlir"
exec "$HERE/compiled_aarch64.sh" "$QC" "$dir/wo.mlir" - "$dir/x.npy" - "$TARGET" "$dir"
