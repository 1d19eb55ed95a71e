//===- BuiltinQuantizers.h - the x86 and xnnpack quantizers -----*- C++ -*-===//
//
// Part of qc. qc's built-in quantizers, written against the public
// Quantizer API (qc/Quantizer.h) like any plugin. Their defaults follow
// PyTorch 1.13's x86 and qnnpack (XNNPACK symmetric) configurations;
// docs/quantizers.md lists them and how they were checked.
//
//===----------------------------------------------------------------------===//
#ifndef QC_QUANTIZERS_BUILTIN_BUILTINQUANTIZERS_H
#define QC_QUANTIZERS_BUILTIN_BUILTINQUANTIZERS_H

#include "qc/Quantizer.h"

#include <vector>

namespace qc::quantizer {

/// "x86": u8 affine activations (histogram), s8 symmetric weights
/// [-128, 127] (per channel by default), optional reduce_range for targets
/// without VNNI.
QuantizerDefinition x86QuantizerDefinition();

/// "xnnpack": s8 affine activations [-128, 127] (histogram, eps 2^-12), s8
/// symmetric weights [-127, 127] (per channel by default), optional dynamic
/// mode for linear / matmul.
QuantizerDefinition xnnpackQuantizerDefinition();

/// Both, in registration order.
std::vector<QuantizerDefinition> builtinQuantizerDefinitions();

} // namespace qc::quantizer

#endif // QC_QUANTIZERS_BUILTIN_BUILTINQUANTIZERS_H
