//===- DebugTest.cpp - the layer comparison of qc debug -------------------===//
//
// LayerComparator on a float program and a Q/DQ program written by hand,
// with every number worked out from the numerics contract (round half to
// even, clamp): the reference, own and added SQNRs, the largest error in
// steps, the ranges, the clipped fraction, the ranking; sqnrDb and
// floatActivations; and the errors.
//
//===----------------------------------------------------------------------===//
#include "compiler/driver/Debug.h"
#include "dialects/qc/IR/QCDialect.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using namespace mlir;
namespace mqc = mlir::qc;

namespace {

class Env {
public:
  Env()
      : handler(&context, [this](Diagnostic &diag) {
          messages += diag.str() + "\n";
          return success();
        }) {
    DialectRegistry registry;
    registry.insert<mqc::QCDialect, func::FuncDialect>();
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }
  func::FuncOp parse(const std::string &source) {
    modules.push_back(parseSourceString<ModuleOp>(source, ParserConfig(&context)));
    EXPECT_TRUE(modules.back()) << messages;
    return modules.back() ? modules.back()->lookupSymbol<func::FuncOp>("main")
                          : nullptr;
  }
  MLIRContext context;
  ScopedDiagnosticHandler handler;
  std::string messages;
  std::vector<OwningOpRef<ModuleOp>> modules;
};

::qc::NpyArray array(std::vector<int64_t> shape, std::vector<float> values) {
  ::qc::NpyArray a;
  a.shape = std::move(shape);
  a.data.resize(values.size() * 4);
  std::memcpy(a.data.data(), values.data(), a.data.size());
  return a;
}

// s = relu(x) + relu(x), with layers x (input), r (relu), s (add).
constexpr const char *kFloat = R"mlir(
func.func @main(%x: tensor<4xf32> {qc.name = "x"}) -> tensor<4xf32> {
  %r = qc.relu %x : tensor<4xf32> loc("r")
  %s = qc.add %r, %r : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("s")
  return %s : tensor<4xf32>
}
)mlir";

// x with scale 0.25; r with scale 0.5 in [0, 3] (represents [0, 1.5]);
// s with scale 0.5 in [0, 255].
constexpr const char *kQuant = R"mlir(
func.func @main(%x: tensor<4xf32> {qc.name = "x"}) -> tensor<4xf32> {
  %q0 = qc.quantize %x {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.25>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xui8> loc("r")
  %d0 = qc.dequantize %q0 {scale = array<f32: 0.25>, zero_point = array<i64: 0>} : (tensor<4xui8>) -> tensor<4xf32> loc("r")
  %r = qc.relu %d0 : tensor<4xf32> loc("r")
  %q1 = qc.quantize %r {quant_max = 3 : i64, quant_min = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xui8> loc("s")
  %d1 = qc.dequantize %q1 {scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<4xui8>) -> tensor<4xf32> loc("s")
  %s = qc.add %d1, %d1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("s")
  %q2 = qc.quantize %s {quant_max = 255 : i64, quant_min = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xui8> loc("s")
  %d2 = qc.dequantize %q2 {scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<4xui8>) -> tensor<4xf32> loc("s")
  return %d2 : tensor<4xf32>
}
)mlir";

double db(double signal, double noise) { return 10 * std::log10(signal / noise); }

TEST(Debug, HandComputedLayers) {
  Env env;
  func::FuncOp f = env.parse(kFloat), q = env.parse(kQuant);
  ASSERT_TRUE(f && q);
  auto comparator = mqc::LayerComparator::create(f, q);
  ASSERT_TRUE(succeeded(comparator)) << env.messages;
  // x = [0.3, 0.5, 1, 3]: float r = x, s = 2x.
  ASSERT_TRUE(succeeded((*comparator)->addBatch({array({4}, {0.3f, 0.5f, 1.0f, 3.0f})})))
      << env.messages;
  (*comparator)->finish(1);
  const auto &layers = (*comparator)->layers();
  ASSERT_EQ(layers.size(), 3u);
  EXPECT_EQ(layers[0].name, "x");
  EXPECT_EQ(layers[0].opType, "input");
  EXPECT_EQ(layers[1].name, "r");
  EXPECT_EQ(layers[1].opType, "qc.relu");
  EXPECT_EQ(layers[2].name, "s");
  EXPECT_EQ(layers[2].opType, "qc.add");
  const double signal = 0.09 + 0.25 + 1 + 9; // sum x^2
  // x: 0.3 -> 1 step -> 0.25.
  EXPECT_NEAR(layers[0].reference.sqnrDb(), db(signal, 0.0025), 1e-3);
  EXPECT_NEAR(layers[0].reference.maxSteps, 0.2, 1e-5);
  // r: relu(dq x) = [0.25, 0.5, 1, 3] -> /0.5 = [0.5, 1, 2, 6] -> round half
  // to even and clamp to 3: [0, 1, 2, 3] -> [0, 0.5, 1, 1.5].
  EXPECT_NEAR(layers[1].reference.sqnrDb(), db(signal, 0.09 + 2.25), 1e-3);
  EXPECT_NEAR(layers[1].reference.maxSteps, 3.0, 1e-5);
  // own: x is an input, not replaced: the same.
  EXPECT_NEAR(layers[1].own.sqnrDb(), layers[1].reference.sqnrDb(), 1e-9);
  // added: relu(float x) = [0.3, ...] -> 0.6 -> 1 -> [0.5, 0.5, 1, 1.5].
  EXPECT_NEAR(layers[1].added.sqnrDb(), db(signal, 0.04 + 2.25), 1e-3);
  EXPECT_DOUBLE_EQ(layers[1].rangeMin, 0.0);
  EXPECT_DOUBLE_EQ(layers[1].rangeMax, 1.5);
  EXPECT_NEAR(layers[1].seenMin, 0.3, 1e-6);
  EXPECT_NEAR(layers[1].seenMax, 3.0, 1e-6);
  EXPECT_EQ(layers[1].clipped, 1);
  EXPECT_EQ(layers[1].elements, 4);
  // s (float [0.6, 1, 2, 6], signal 4x): reference 2 * [0, 0.5, 1, 1.5].
  EXPECT_NEAR(layers[2].reference.sqnrDb(), db(4 * signal, 0.36 + 9), 1e-3);
  // own: r's quantize reads float r: [0.5, 0.5, 1, 1.5] -> s = [1, 1, 2, 3].
  EXPECT_NEAR(layers[2].own.sqnrDb(), db(4 * signal, 0.16 + 9), 1e-3);
  // added: s reads float r: 2r = [0.6, 1, 2, 6] -> /0.5 -> [1, 2, 4, 12].
  EXPECT_NEAR(layers[2].added.sqnrDb(), db(4 * signal, 0.01), 1e-3);
  // r adds the most error; only one layer is marked.
  EXPECT_EQ(layers[1].worstRank, 1);
  EXPECT_EQ(layers[0].worstRank + layers[2].worstRank, 0);

  // A second batch accumulates: x = [0, 0, 0, 0] adds no signal and no error.
  ASSERT_TRUE(succeeded((*comparator)->addBatch({array({4}, {0, 0, 0, 0})})));
  EXPECT_NEAR((*comparator)->layers()[1].reference.sqnrDb(),
              db(signal, 0.09 + 2.25), 1e-3);
  EXPECT_EQ((*comparator)->layers()[1].elements, 8);
  EXPECT_EQ((*comparator)->samples(), 8); // a rank-1 input: dim 0 counted
}

TEST(Debug, SqnrDb) {
  std::vector<float> ref = {1, 2, 3}, same = ref, off = {1, 2, 4};
  EXPECT_EQ(mqc::sqnrDb(ref, same), std::numeric_limits<double>::infinity());
  EXPECT_NEAR(mqc::sqnrDb(ref, off), db(14, 1), 1e-9);
  std::vector<float> zero = {0, 0, 0};
  EXPECT_EQ(mqc::sqnrDb(zero, ref), -std::numeric_limits<double>::infinity());
}

TEST(Debug, FloatActivations) {
  Env env;
  func::FuncOp f = env.parse(kFloat);
  ASSERT_TRUE(f);
  auto values = mqc::floatActivations(f, {"s", "r"}, {array({4}, {-1, 0.5f, 1, 3})});
  ASSERT_TRUE(succeeded(values)) << env.messages;
  std::vector<float> s(4), r(4);
  std::memcpy(s.data(), (*values)["s"].data.data(), 16);
  std::memcpy(r.data(), (*values)["r"].data.data(), 16);
  EXPECT_EQ(r, (std::vector<float>{0, 0.5f, 1, 3}));
  EXPECT_EQ(s, (std::vector<float>{0, 1, 2, 6}));
  // The function given is unchanged (the comparison works on a copy).
  EXPECT_EQ(f.getNumResults(), 1u);
  EXPECT_TRUE(failed(mqc::floatActivations(f, {"nope"}, {array({4}, {0, 0, 0, 0})})));
  EXPECT_NE(env.messages.find("the model has no op named 'nope'"), std::string::npos);
}

TEST(Debug, Errors) {
  Env env;
  func::FuncOp f = env.parse(kFloat), q = env.parse(kQuant);
  ASSERT_TRUE(f && q);
  // Swapped.
  EXPECT_TRUE(failed(mqc::LayerComparator::create(q, f)));
  EXPECT_NE(env.messages.find("the float model is already quantized"), std::string::npos);
  // No layer in common: the float program's ops under other names.
  std::string renamed = kFloat;
  for (size_t at = 0; (at = renamed.find("loc(\"", at)) != std::string::npos;
       at += 5)
    renamed.replace(at, 5, "loc(\"other_");
  func::FuncOp other = env.parse(renamed);
  env.messages.clear();
  EXPECT_TRUE(failed(mqc::LayerComparator::create(other, q)));
  EXPECT_NE(env.messages.find("no layer in common"), std::string::npos) << env.messages;
  // Inputs that differ.
  func::FuncOp wide = env.parse(R"mlir(
func.func @main(%x: tensor<5xf32>) -> tensor<5xf32> {
  %r = qc.relu %x : tensor<5xf32> loc("r")
  return %r : tensor<5xf32>
}
)mlir");
  env.messages.clear();
  EXPECT_TRUE(failed(mqc::LayerComparator::create(wide, q)));
  EXPECT_NE(env.messages.find("the models do not match: input #0"), std::string::npos)
      << env.messages;
}

} // namespace
