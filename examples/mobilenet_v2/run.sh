#!/usr/bin/env bash
# Post-training int8 quantization of torchvision's MobileNetV2 (random init, fixed seed), in the seed tutorial's
# progression: per-tensor MinMax, then per-channel weights + histogram activations (x86 default). Prints, per
# step, the output SQNR against the float model, the weight bytes (float vs int8) and the time taken.
#
#   examples/mobilenet_v2/run.sh [--out DIR] [--model MODEL.onnx] [--calib-samples N] [--eval-samples N] [--check]
#                                 [--corrections]
#
# qc is $QC if set, else `qc` on PATH, else build/bin/qc. See README.md and mobilenet_v2.py.
set -euo pipefail
EX="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$EX/../.." && pwd)"
if [[ -n "${QC:-}" ]]; then :
elif command -v qc >/dev/null 2>&1; then QC="$(command -v qc)"
else QC="$ROOT/build/bin/qc"; fi
exec /usr/bin/python3 "$EX/mobilenet_v2.py" --qc "$QC" "$@"
