//===- QCQParams.h - The one rule for quantization scales ------*- C++ -*-===//
//
// Every op that carries a quantization scale (qc.observe, qc.quantize,
// qc.dequantize, qc.fake_quant and the integer ops of QCIntOps.td) checks it
// with this rule in its verifier, so a program is refused by every command
// that loads it (run, quantize, compile, bench, export-onnx) with the same
// message, before any executor or code generator sees it.
//
//===----------------------------------------------------------------------===//
#ifndef QC_DIALECTS_QC_IR_QCQPARAMS_H
#define QC_DIALECTS_QC_IR_QCQPARAMS_H

#include <cmath>
#include <string>

namespace mlir::qc {

/// A scale must be a positive *normal* float32 whose reciprocal is normal
/// too, i.e. within [2^-126, 2^126]: not zero, negative, subnormal, huge,
/// infinite or NaN. (A subnormal scale has an infinite reciprocal, which the
/// reference's `x * (1 / scale)` cannot use, or one so large that every
/// value saturates; a scale past 2^126 has a subnormal reciprocal and
/// dequantizes one step to nearly float32's largest value.) The importer,
/// the verifiers and the reference kernels all use this rule.
inline bool isValidQuantScale(float scale) {
  return std::isnormal(scale) && scale > 0.0f && std::isnormal(1.0f / scale);
}

/// A requantize multiplier derived from valid scales (s_in * s_w / s_out,
/// s_in / s_out, ...) can still underflow to 0 or overflow to infinity; the
/// kernels need it finite and > 0.
inline bool isValidRequantMultiplier(float m) {
  return std::isfinite(m) && m > 0.0f;
}

/// What the verifiers say after the attribute's name.
inline constexpr const char *kQuantScaleRule =
    "must be a positive normal float32 with a normal reciprocal (within "
    "[2^-126, 2^126]; not zero, negative, subnormal, huge, infinite or NaN)";

} // namespace mlir::qc

#endif // QC_DIALECTS_QC_IR_QCQPARAMS_H
