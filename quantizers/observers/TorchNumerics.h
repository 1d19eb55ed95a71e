//===- TorchNumerics.h - PyTorch 1.13 CPU kernels, reproduced --*- C++ -*-===//
//
// Part of qc. Scalar re-implementations of the few ATen CPU kernels whose
// exact rounding the HistogramObserver's results depend on. Each function
// states the ATen kernel it reproduces. Internal to QCObservers (exposed in a
// header so the unit tests can check the kernels directly).
//
//===----------------------------------------------------------------------===//

#ifndef QC_QUANTIZERS_OBSERVERS_TORCHNUMERICS_H
#define QC_QUANTIZERS_OBSERVERS_TORCHNUMERICS_H

#include "absl/types/span.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace qc::torch_numerics {

/// torch.sum() of a contiguous 1-D float32 tensor on CPU: ATen's cascade_sum
/// (SumKernel.cpp) with float accumulators, vectorized_inner_sum over
/// Vectorized<float> of `vectorWidth` lanes (8 for the DEFAULT and AVX2
/// builds, which PyTorch 1.13 uses unless ATEN_CPU_CAPABILITY=avx512), four
/// ILP chains and four cascade levels. The summation order decides the last
/// bits, so it is reproduced exactly.
float cascadeSum(absl::Span<const float> values, int64_t vectorWidth = 8);

/// torch.cumsum of a float32 tensor: ATen accumulates in double and rounds
/// each prefix to float32.
std::vector<float> cumsumFloat(absl::Span<const float> values);

/// torch.div(a, b, rounding_mode='floor') for float32 (Python floor division:
/// (a - fmod(a, b)) / b with the sign and rounding fix-ups of ATen's
/// div_floor_kernel).
float floorDivide(float a, float b);

/// torch.histc(x, bins, min=lo, max=hi) on CPU for float32 input
/// (histogram_histc_cpu_out in 1.13): if lo == hi the data's min/max are used,
/// if still equal the range is widened by 1 on each side; elements outside
/// [lo, hi] are dropped; the bin is
///   (int64)((x - lo_f) * (float)bins / (hi_f - lo_f))
/// in float32 with the last edge included in the last bin. Counts are float32.
/// Requires finite input and bins >= 1.
std::vector<float> histc(absl::Span<const float> x, int64_t bins, double lo,
                         double hi);

/// torch.aminmax of a non-empty float32 buffer (no NaNs: callers check).
std::pair<float, float> aminmax(absl::Span<const float> x);

} // namespace qc::torch_numerics

#endif // QC_QUANTIZERS_OBSERVERS_TORCHNUMERICS_H
