//===- ExecutorQuantTest.cpp - the executor on quantized programs ---------===//
//
// qc.quantize / qc.dequantize / qc.fake_quant / qc.observe in the reference
// executor: values worked out by hand from the numerics contract
// (round half to even, clamp; per channel), integer inputs, outputs and
// constants (inline and resource blobs), the onObserve hook used by
// calibration, and the errors.
//
//===----------------------------------------------------------------------===//
#include "reference/Executor.h"
#include "support/Npy.h"
#include "dialects/qc/IR/QCDialect.h"
#include "dialects/qc/IR/QCOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using namespace mlir;
namespace mqc = mlir::qc;
using ::qc::DType;
using ::qc::NpyArray;

namespace {

/// A context with qc's dialects that records every diagnostic.
class QuantEnv {
public:
  QuantEnv()
      : handler(&context, [this](Diagnostic &diag) {
          messages.push_back(diag.str());
          return success();
        }) {
    DialectRegistry registry;
    registry.insert<mqc::QCDialect, func::FuncDialect>();
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  func::FuncOp parse(const std::string &source) {
    module = parseSourceString<ModuleOp>(source, ParserConfig(&context));
    EXPECT_TRUE(module) << "cannot parse:\n" << source << "\n" << all();
    return module ? module->lookupSymbol<func::FuncOp>("main") : nullptr;
  }

  std::string all() const {
    std::string s;
    for (const std::string &m : messages)
      s += m + "\n";
    return s;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::vector<std::string> messages;

private:
  ScopedDiagnosticHandler handler;
};

NpyArray f32(std::vector<int64_t> shape, std::vector<float> values) {
  NpyArray a;
  a.dtype = DType::F32;
  a.shape = std::move(shape);
  a.data.resize(values.size() * sizeof(float));
  std::memcpy(a.data.data(), values.data(), a.data.size());
  return a;
}

template <typename T>
NpyArray ints(DType dtype, std::vector<int64_t> shape, std::vector<T> values) {
  NpyArray a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  a.data.resize(values.size() * sizeof(T));
  std::memcpy(a.data.data(), values.data(), a.data.size());
  return a;
}

std::vector<float> floatsOf(const NpyArray &a) {
  EXPECT_EQ(a.dtype, DType::F32);
  std::vector<float> v(a.data.size() / sizeof(float));
  std::memcpy(v.data(), a.data.data(), a.data.size());
  return v;
}

template <typename T>
std::vector<int64_t> intsOf(const NpyArray &a) {
  std::vector<int64_t> v;
  for (size_t i = 0; i < a.data.size() / sizeof(T); ++i) {
    T x;
    std::memcpy(&x, a.data.data() + i * sizeof(T), sizeof(T));
    v.push_back(x);
  }
  return v;
}

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(ExecutorQuant, QuantizeDequantizePerTensor) {
  // scale 0.25, zero point 3, ui8: x / s = -4, 0, 1, 1.5, 0.5, 2.5, 400, -400
  // round half even -> -4, 0, 1, 2, 0, 2, 400, -400; + 3 and clamp to
  // [0, 255] -> 0, 3, 4, 5, 3, 5, 255, 0.
  QuantEnv env;
  func::FuncOp main = env.parse(R"mlir(
func.func @main(%x: tensor<8xf32>) -> (tensor<8xui8>, tensor<8xf32>) {
  %q = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.25>, zero_point = array<i64: 3>} : (tensor<8xf32>) -> tensor<8xui8>
  %d = qc.dequantize %q {scale = array<f32: 0.25>, zero_point = array<i64: 3>} : (tensor<8xui8>) -> tensor<8xf32>
  return %q, %d : tensor<8xui8>, tensor<8xf32>
}
)mlir");
  ASSERT_TRUE(main);
  FailureOr<std::vector<NpyArray>> r = mqc::runFunction(
      main, {f32({8}, {-1.0f, 0.0f, 0.25f, 0.375f, 0.125f, 0.625f, 100.0f,
                       -100.0f})});
  ASSERT_TRUE(succeeded(r)) << env.all();
  ASSERT_EQ((*r)[0].dtype, DType::U8);
  EXPECT_EQ((*r)[0].shape, std::vector<int64_t>{8});
  EXPECT_EQ(intsOf<uint8_t>((*r)[0]),
            (std::vector<int64_t>{0, 3, 4, 5, 3, 5, 255, 0}));
  EXPECT_EQ(floatsOf((*r)[1]), (std::vector<float>{-0.75f, 0.0f, 0.25f, 0.5f,
                                                   0.0f, 0.5f, 63.0f,
                                                   -0.75f}));
}

TEST(ExecutorQuant, PerChannelAndFakeQuant) {
  // Axis 1: channel 0 has scale 0.5 / zp 0, channel 1 scale 0.125 / zp -1.
  // x = [[1.25, 0.1875], [-0.75, 20]] -> x / s = [[2.5, 1.5], [-1.5, 160]]
  // -> [[2, 2], [-2, 160]] + zp -> [[2, 1], [-2, 159]] -> clamp i8 [-128,
  // 127] -> [[2, 1], [-2, 127]].
  QuantEnv env;
  func::FuncOp main = env.parse(R"mlir(
func.func @main(%x: tensor<2x2xf32>) -> (tensor<2x2xi8>, tensor<2x2xf32>, tensor<2x2xf32>) {
  %q = qc.quantize %x {axis = 1 : i64, quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.5, 0.125>, zero_point = array<i64: 0, -1>} : (tensor<2x2xf32>) -> tensor<2x2xi8>
  %d = qc.dequantize %q {axis = 1 : i64, scale = array<f32: 0.5, 0.125>, zero_point = array<i64: 0, -1>} : (tensor<2x2xi8>) -> tensor<2x2xf32>
  %f = qc.fake_quant %x {axis = 1 : i64, quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.5, 0.125>, zero_point = array<i64: 0, -1>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %q, %d, %f : tensor<2x2xi8>, tensor<2x2xf32>, tensor<2x2xf32>
}
)mlir");
  ASSERT_TRUE(main);
  FailureOr<std::vector<NpyArray>> r =
      mqc::runFunction(main, {f32({2, 2}, {1.25f, 0.1875f, -0.75f, 20.0f})});
  ASSERT_TRUE(succeeded(r)) << env.all();
  ASSERT_EQ((*r)[0].dtype, DType::I8);
  EXPECT_EQ(intsOf<int8_t>((*r)[0]), (std::vector<int64_t>{2, 1, -2, 127}));
  std::vector<float> expected{1.0f, 0.25f, -1.0f, 16.0f};
  EXPECT_EQ(floatsOf((*r)[1]), expected);
  EXPECT_EQ(floatsOf((*r)[2]), expected);
}

TEST(ExecutorQuant, IntegerInputsOutputsAndConstants) {
  // An i8 weight as an inline constant and as a resource blob (the first
  // four blob bytes are its alignment), an i32 bias, an ui8 input and an
  // i16 input passed through to the outputs.
  QuantEnv env;
  func::FuncOp main = env.parse(R"mlir(
func.func @main(%a: tensor<3xui8> {qc.name = "a"}, %b: tensor<2xi16> {qc.name = "b"}) -> (tensor<3xf32>, tensor<2xi16>, tensor<2xf32>, tensor<4xf32>, tensor<2xf32>) {
  %da = qc.dequantize %a {scale = array<f32: 0.5>, zero_point = array<i64: 128>} : (tensor<3xui8>) -> tensor<3xf32>
  %w = qc.constant dense<[-128, 127]> : tensor<2xi8>
  %dw = qc.dequantize %w {scale = array<f32: 0.25>, zero_point = array<i64: 0>} : (tensor<2xi8>) -> tensor<2xf32>
  %r = qc.constant dense_resource<blob1> : tensor<4xi8>
  %dr = qc.dequantize %r {axis = 0 : i64, scale = array<f32: 1.0, 2.0, 4.0, 8.0>, zero_point = array<i64: 0, 0, 0, 1>} : (tensor<4xi8>) -> tensor<4xf32>
  %c = qc.constant dense<[2147483647, -2147483648]> : tensor<2xi32>
  %dc = qc.dequantize %c {scale = array<f32: 1.0>, zero_point = array<i64: 0>} : (tensor<2xi32>) -> tensor<2xf32>
  %s = qc.add %dw, %dc : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %da, %b, %s, %dr, %dc : tensor<3xf32>, tensor<2xi16>, tensor<2xf32>, tensor<4xf32>, tensor<2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      blob1: "0x0400000001FF7F80"
    }
  }
#-}
)mlir");
  ASSERT_TRUE(main);
  FailureOr<std::vector<NpyArray>> r = mqc::runFunction(
      main, {ints<uint8_t>(DType::U8, {3}, {0, 128, 255}),
             ints<int16_t>(DType::I16, {2}, {-32768, 1234})});
  ASSERT_TRUE(succeeded(r)) << env.all();
  EXPECT_EQ(floatsOf((*r)[0]), (std::vector<float>{-64.0f, 0.0f, 63.5f}));
  ASSERT_EQ((*r)[1].dtype, DType::I16);
  EXPECT_EQ(intsOf<int16_t>((*r)[1]), (std::vector<int64_t>{-32768, 1234}));
  EXPECT_EQ(floatsOf((*r)[4]),
            (std::vector<float>{2147483647.0f, -2147483648.0f}));
  EXPECT_EQ(floatsOf((*r)[2]), (std::vector<float>{-32.0f + 2147483647.0f,
                                                   31.75f - 2147483648.0f}));
  // Blob bytes 01 FF 7F 80 are 1, -1, 127, -128 as i8.
  EXPECT_EQ(floatsOf((*r)[3]),
            (std::vector<float>{1.0f, -2.0f, 508.0f, -1032.0f}));
}

TEST(ExecutorQuant, IntegerInputOfTheWrongDtype) {
  QuantEnv env;
  func::FuncOp main = env.parse(R"mlir(
func.func @main(%a: tensor<3xui8> {qc.name = "a"}) -> tensor<3xf32> {
  %da = qc.dequantize %a {scale = array<f32: 0.5>, zero_point = array<i64: 128>} : (tensor<3xui8>) -> tensor<3xf32>
  return %da : tensor<3xf32>
}
)mlir");
  ASSERT_TRUE(main);
  EXPECT_TRUE(failed(mqc::runFunction(main, {f32({3}, {1, 2, 3})})));
  ASSERT_EQ(env.messages.size(), 1u) << env.all();
  EXPECT_TRUE(contains(env.messages[0],
                       "input 'a' is float32, expected uint8 ('tensor<3xui8>')"))
      << env.messages[0];
}

TEST(ExecutorQuant, QuantizeRejectsNaN) {
  QuantEnv env;
  func::FuncOp main = env.parse(R"mlir(
func.func @main(%x: tensor<2xf32>) -> tensor<2xi8> {
  %q = qc.quantize %x {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.25>, zero_point = array<i64: 0>} : (tensor<2xf32>) -> tensor<2xi8> loc("quant_node")
  return %q : tensor<2xi8>
}
)mlir");
  ASSERT_TRUE(main);
  EXPECT_TRUE(failed(mqc::runFunction(
      main, {f32({2}, {1.0f, std::numeric_limits<float>::quiet_NaN()})})));
  ASSERT_EQ(env.messages.size(), 1u) << env.all();
  EXPECT_TRUE(contains(env.messages[0], "element 1 is NaN")) << env.messages[0];
}

const char *kObserved = R"mlir(
func.func @main(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %o = qc.observe %x {id = 0 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">} : tensor<1x3xf32>
  %w = qc.constant dense<[[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]> : tensor<2x3xf32>
  %ow = qc.observe %w {id = 1 : i64, spec = #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true, axis = 0, observer = "per_channel_minmax">} : tensor<2x3xf32>
  %y = qc.linear %o, %ow : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
)mlir";

TEST(ExecutorQuant, ObserveHookSeesEveryObservedTensor) {
  QuantEnv env;
  func::FuncOp main = env.parse(kObserved);
  ASSERT_TRUE(main);
  struct Seen {
    int64_t id;
    std::vector<float> values;
    std::vector<int64_t> shape;
  };
  std::vector<Seen> seen;
  mqc::RunOptions options;
  options.onObserve = [&](mqc::ObserveOp op, ArrayRef<float> values,
                          ArrayRef<int64_t> shape) {
    seen.push_back({static_cast<int64_t>(op.getId()),
                    std::vector<float>(values.begin(), values.end()),
                    std::vector<int64_t>(shape.begin(), shape.end())});
    return success();
  };
  mqc::Executor executor(main);
  for (float v : {1.0f, 2.0f}) {
    FailureOr<std::vector<NpyArray>> r =
        executor.run({f32({1, 3}, {v, 2 * v, 3 * v})}, options);
    ASSERT_TRUE(succeeded(r)) << env.all();
    // qc.observe is the identity: y = [x0 - x2, (x0 + x1 + x2) / 2].
    EXPECT_EQ(floatsOf((*r)[0]), (std::vector<float>{-2 * v, 3 * v}));
  }
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].id, 0);
  EXPECT_EQ(seen[0].values, (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(seen[0].shape, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(seen[1].id, 1);
  EXPECT_EQ(seen[1].values, (std::vector<float>{1, 0, -1, 0.5, 0.5, 0.5}));
  EXPECT_EQ(seen[1].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(seen[2].values, (std::vector<float>{2, 4, 6}));
  // Without hooks the observers are plain identities.
  FailureOr<std::vector<NpyArray>> plain =
      executor.run({f32({1, 3}, {1, 1, 1})});
  ASSERT_TRUE(succeeded(plain)) << env.all();
  EXPECT_EQ(seen.size(), 4u);
}

TEST(ExecutorQuant, ObserveHookFailureStopsTheRun) {
  QuantEnv env;
  func::FuncOp main = env.parse(kObserved);
  ASSERT_TRUE(main);
  mqc::RunOptions options;
  options.onObserve = [&](mqc::ObserveOp op, ArrayRef<float>,
                          ArrayRef<int64_t>) -> LogicalResult {
    return op.emitError() << "observer " << op.getId() << " refuses";
  };
  EXPECT_TRUE(failed(mqc::Executor(main).run({f32({1, 3}, {1, 2, 3})},
                                             options)));
  ASSERT_EQ(env.messages.size(), 1u) << env.all();
  EXPECT_EQ(env.messages[0], "observer 0 refuses");
}

TEST(ExecutorQuant, ObservedTensorsAreNotCountedTwice) {
  // x (1 MiB) -> observe -> relu: the observer's result is x's tensor, so at
  // most x and the relu's result are alive (2 MiB).
  QuantEnv env;
  func::FuncOp main = env.parse(R"mlir(
func.func @main(%x: tensor<1x64x64x64xf32>) -> tensor<1x64x64x64xf32> {
  %o = qc.observe %x {id = 0 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">} : tensor<1x64x64x64xf32>
  %r = qc.relu %o : tensor<1x64x64x64xf32>
  %p = qc.observe %r {id = 1 : i64, spec = #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false, observer = "minmax">} : tensor<1x64x64x64xf32>
  return %p : tensor<1x64x64x64xf32>
}
)mlir");
  ASSERT_TRUE(main);
  mqc::Executor executor(main);
  std::vector<float> values(64 * 64 * 64, -1.0f);
  ASSERT_TRUE(succeeded(executor.run({f32({1, 64, 64, 64}, values)})))
      << env.all();
  EXPECT_EQ(executor.lastRunStats().peakLiveBytes, 2 * 64 * 64 * 64 * 4);
}

TEST(ExecutorQuant, QuantOpsAreNotFolded) {
  // evaluateOp (constant folding) leaves the quantization ops alone, quietly.
  QuantEnv env;
  func::FuncOp main = env.parse(R"mlir(
func.func @main() -> tensor<2xi8> {
  %c = qc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %q = qc.quantize %c {quant_max = 127 : i64, quant_min = -128 : i64, scale = array<f32: 0.25>, zero_point = array<i64: 0>} : (tensor<2xf32>) -> tensor<2xi8>
  return %q : tensor<2xi8>
}
)mlir");
  ASSERT_TRUE(main);
  Operation *quantize = nullptr;
  main.walk([&](mqc::QuantizeOp op) { quantize = op; });
  ASSERT_TRUE(quantize);
  EXPECT_TRUE(failed(mqc::evaluateOp(quantize, {f32({2}, {1.0f, 2.0f})})));
  EXPECT_TRUE(env.messages.empty()) << env.all();
  // The program itself runs: 1 / 0.25 = 4, 2 / 0.25 = 8.
  FailureOr<std::vector<NpyArray>> r = mqc::runFunction(main, {});
  ASSERT_TRUE(succeeded(r)) << env.all();
  EXPECT_EQ(intsOf<int8_t>((*r)[0]), (std::vector<int64_t>{4, 8}));
}

} // namespace
