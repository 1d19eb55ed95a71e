//===- conv_bench.cpp - Reference conv2d on ResNet-18's shapes ------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
//
// Times qc::ref::conv2d (single-threaded) on every convolution of ResNet-18
// at batch 1, 224 x 224, one benchmark per distinct shape plus the whole set
// (1.81 GMAC). Not a test; run build/bin/qc-conv-bench.
//
//===----------------------------------------------------------------------===//

#include "reference/Gemm.h"
#include "reference/Kernels.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <vector>

namespace {

struct ConvShape {
  const char *name;
  int64_t cin, cout, size, kernel, stride, pad;
  int count; // How many times ResNet-18 has this layer.
};

// ResNet-18 (torchvision): stem, four stages, 1x1 downsample convs.
const ConvShape kResNet18[] = {
    {"conv1_7x7_3x64_s2", 3, 64, 224, 7, 2, 3, 1},
    {"layer1_3x3_64", 64, 64, 56, 3, 1, 1, 4},
    {"layer2_3x3_64x128_s2", 64, 128, 56, 3, 2, 1, 1},
    {"layer2_3x3_128", 128, 128, 28, 3, 1, 1, 3},
    {"layer2_down_1x1_s2", 64, 128, 56, 1, 2, 0, 1},
    {"layer3_3x3_128x256_s2", 128, 256, 28, 3, 2, 1, 1},
    {"layer3_3x3_256", 256, 256, 14, 3, 1, 1, 3},
    {"layer3_down_1x1_s2", 128, 256, 28, 1, 2, 0, 1},
    {"layer4_3x3_256x512_s2", 256, 512, 14, 3, 2, 1, 1},
    {"layer4_3x3_512", 512, 512, 7, 3, 1, 1, 3},
    {"layer4_down_1x1_s2", 256, 512, 14, 1, 2, 0, 1},
};

struct Layer {
  qc::ref::Tensor x, w, b;
  qc::Conv2dAttrs attrs;
  double macs;
};

Layer makeLayer(const ConvShape &s) {
  Layer l;
  l.x = qc::ref::Tensor::from_shape(
      {1, size_t(s.cin), size_t(s.size), size_t(s.size)});
  l.w = qc::ref::Tensor::from_shape(
      {size_t(s.cout), size_t(s.cin), size_t(s.kernel), size_t(s.kernel)});
  l.b = qc::ref::Tensor::from_shape({size_t(s.cout)});
  float v = 0.0f;
  for (float &e : l.x)
    e = (v += 0.37f) > 1.0f ? (v -= 2.0f) : v;
  for (float &e : l.w)
    e = (v += 0.11f) > 1.0f ? (v -= 2.0f) : v;
  for (float &e : l.b)
    e = 0.1f;
  l.attrs.strides = {s.stride, s.stride};
  l.attrs.pads = {s.pad, s.pad, s.pad, s.pad};
  int64_t out = (s.size + 2 * s.pad - s.kernel) / s.stride + 1;
  l.macs = double(s.cout) * out * out * s.cin * s.kernel * s.kernel;
  return l;
}

void runLayer(benchmark::State &state, const ConvShape &shape) {
  Layer l = makeLayer(shape);
  for (auto _ : state) {
    absl::StatusOr<qc::ref::Tensor> y =
        qc::ref::conv2d(l.x, l.w, &l.b, l.attrs);
    if (!y.ok()) {
      state.SkipWithError(std::string(y.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(y->data());
  }
  state.counters["GMAC/s"] = benchmark::Counter(
      l.macs * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void allConvs(benchmark::State &state) {
  std::vector<std::pair<Layer, int>> layers;
  double macs = 0;
  for (const ConvShape &s : kResNet18) {
    layers.emplace_back(makeLayer(s), s.count);
    macs += layers.back().first.macs * s.count;
  }
  for (auto _ : state) {
    for (auto &[l, count] : layers)
      for (int i = 0; i < count; ++i) {
        absl::StatusOr<qc::ref::Tensor> y =
            qc::ref::conv2d(l.x, l.w, &l.b, l.attrs);
        benchmark::DoNotOptimize(y.ok());
      }
  }
  state.counters["GMAC"] = macs * 1e-9;
  state.counters["GMAC/s"] = benchmark::Counter(
      macs * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

} // namespace

int main(int argc, char **argv) {
  for (const ConvShape &s : kResNet18)
    benchmark::RegisterBenchmark(s.name, runLayer, s)
        ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("resnet18_all_convs", allConvs)
      ->Unit(benchmark::kMillisecond);
  std::printf("GEMM build: %s\n", qc::ref::detail::sgemmVariantName());
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
