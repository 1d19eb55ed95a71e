//===- ExecutorRunTest.cpp - the reference executor on small programs -----===//
//
// Golden cases: data/NAME.mlir run on data/NAME.in<I>.npy must give
// data/NAME.out<I>.npy within the case's relative tolerance (cases.txt). The
// files come from gen_golden.py, which computes the outputs with numpy /
// PyTorch, never with qc's kernels.
//
// The other tests are written here: input checking (count, dtype, shape,
// dynamic dimensions), errors at the op's location, unsupported ops and
// constants, freeing of intermediate tensors, reuse of an Executor, and
// evaluateOp / constantToArray.
//
//===----------------------------------------------------------------------===//
#include "reference/Executor.h"
#include "support/MemoryLimit.h"
#include "support/Npy.h"
#include "dialects/qc/IR/QCDialect.h"
#include "dialects/qc/IR/QCOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/raw_ostream.h"

#include <cstring>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using namespace mlir;
namespace mqc = mlir::qc;
using ::qc::DType;
using ::qc::NpyArray;

namespace {

const std::string kDataDir = QC_EXECUTOR_RUN_DATA_DIR;

/// A context with qc's dialects that records every diagnostic.
class Env {
public:
  Env()
      : handler(&context, [this](Diagnostic &diag) {
          std::string loc;
          llvm::raw_string_ostream os(loc);
          diag.getLocation().print(os);
          messages.push_back(diag.str());
          locations.push_back(loc);
          return success();
        }) {
    DialectRegistry registry;
    registry.insert<mqc::QCDialect, func::FuncDialect>();
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  OwningOpRef<ModuleOp> parse(const std::string &source) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, ParserConfig(&context));
    EXPECT_TRUE(module) << "cannot parse:\n" << source << "\n" << allMessages();
    return module;
  }

  OwningOpRef<ModuleOp> parseFile(const std::string &path) {
    OwningOpRef<ModuleOp> module =
        parseSourceFile<ModuleOp>(path, ParserConfig(&context));
    EXPECT_TRUE(module) << "cannot parse " << path << "\n" << allMessages();
    return module;
  }

  static func::FuncOp mainOf(ModuleOp module) {
    return module.lookupSymbol<func::FuncOp>("main");
  }

  std::string allMessages() const {
    std::string s;
    for (size_t i = 0; i < messages.size(); ++i)
      s += locations[i] + ": " + messages[i] + "\n";
    return s;
  }

  MLIRContext context;
  std::vector<std::string> messages;
  std::vector<std::string> locations;

private:
  ScopedDiagnosticHandler handler;
};

NpyArray f32Array(std::vector<int64_t> shape, std::vector<float> values) {
  NpyArray a;
  a.dtype = DType::F32;
  a.shape = std::move(shape);
  a.data.resize(values.size() * sizeof(float));
  std::memcpy(a.data.data(), values.data(), a.data.size());
  return a;
}

std::vector<float> valuesOf(const NpyArray &a) {
  std::vector<float> v(a.data.size() / sizeof(float));
  std::memcpy(v.data(), a.data.data(), a.data.size());
  return v;
}

NpyArray iota(std::vector<int64_t> shape, float scale = 1.0f) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i)
    v[i] = scale * static_cast<float>(i % 97) - 20.0f;
  return f32Array(std::move(shape), std::move(v));
}

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

//===----------------------------------------------------------------------===//
// Golden cases
//===----------------------------------------------------------------------===//

struct GoldenCase {
  std::string name;
  double rtol;
};

void PrintTo(const GoldenCase &c, std::ostream *os) { *os << c.name; }

std::vector<GoldenCase> readCases() {
  std::vector<GoldenCase> cases;
  std::ifstream in(kDataDir + "/cases.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream fields(line);
    GoldenCase c;
    if (fields >> c.name >> c.rtol)
      cases.push_back(c);
  }
  if (cases.empty()) // Makes the suite fail instead of running nothing.
    cases.push_back({"missing_cases_txt", 0.0});
  return cases;
}

bool fileExists(const std::string &path) { return std::ifstream(path).good(); }

class Golden : public testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, MatchesReference) {
  const GoldenCase &c = GetParam();
  std::string base = kDataDir + "/" + c.name;
  ASSERT_TRUE(fileExists(base + ".mlir")) << base << ".mlir is missing";
  Env env;
  OwningOpRef<ModuleOp> module = env.parseFile(base + ".mlir");
  ASSERT_TRUE(module);
  func::FuncOp func = Env::mainOf(*module);
  ASSERT_TRUE(func);

  std::vector<NpyArray> inputs;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    absl::StatusOr<NpyArray> a =
        ::qc::readNpy(base + ".in" + std::to_string(i) + ".npy");
    ASSERT_TRUE(a.ok()) << a.status();
    inputs.push_back(std::move(*a));
  }
  FailureOr<std::vector<NpyArray>> outputs = mqc::runFunction(func, inputs);
  ASSERT_TRUE(succeeded(outputs)) << env.allMessages();
  ASSERT_EQ(outputs->size(), func.getNumResults());

  for (unsigned i = 0; i < outputs->size(); ++i) {
    absl::StatusOr<NpyArray> want =
        ::qc::readNpy(base + ".out" + std::to_string(i) + ".npy");
    ASSERT_TRUE(want.ok()) << want.status();
    const NpyArray &got = (*outputs)[i];
    ASSERT_EQ(got.dtype, DType::F32);
    ASSERT_EQ(got.shape, want->shape) << "result " << i;
    std::vector<float> g = valuesOf(got), w = valuesOf(*want);
    double maxAbs = 0, refMax = 0;
    size_t worst = 0;
    for (size_t k = 0; k < w.size(); ++k) {
      ASSERT_TRUE(std::isfinite(g[k])) << "result " << i << " index " << k;
      double d = std::fabs(static_cast<double>(g[k]) - w[k]);
      if (d > maxAbs) {
        maxAbs = d;
        worst = k;
      }
      refMax = std::max(refMax, std::fabs(static_cast<double>(w[k])));
    }
    EXPECT_LE(maxAbs, c.rtol * refMax)
        << "result " << i << ": max |qc - golden| = " << maxAbs
        << " at flat index " << worst << " (qc " << g[worst] << ", golden "
        << w[worst] << "), max |golden| = " << refMax;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, Golden, testing::ValuesIn(readCases()),
                         [](const testing::TestParamInfo<GoldenCase> &info) {
                           return info.param.name;
                         });

//===----------------------------------------------------------------------===//
// Input checking
//===----------------------------------------------------------------------===//

const char *kTwoInputs = R"mlir(
func.func @main(%a: tensor<2x3xf32> {qc.name = "alpha"},
                %b: tensor<?x3xf32> {qc.name = "beta"}) -> tensor<2x3xf32> {
  %0 = qc.add %a, %b : (tensor<2x3xf32>, tensor<?x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
)mlir";

TEST(ExecutorInputs, WrongCountNamesTheInputs) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(kTwoInputs);
  ASSERT_TRUE(module);
  FailureOr<std::vector<NpyArray>> r =
      mqc::runFunction(Env::mainOf(*module), {iota({2, 3})});
  EXPECT_TRUE(failed(r));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0], "expected 2 inputs, got 1"))
      << env.messages[0];
  EXPECT_TRUE(contains(env.messages[0], "'alpha'")) << env.messages[0];
  EXPECT_TRUE(contains(env.messages[0], "'beta'")) << env.messages[0];
}

TEST(ExecutorInputs, WrongDtype) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(kTwoInputs);
  ASSERT_TRUE(module);
  NpyArray ints;
  ints.dtype = DType::I64;
  ints.shape = {2, 3};
  ints.data.assign(6 * sizeof(int64_t), 0);
  FailureOr<std::vector<NpyArray>> r =
      mqc::runFunction(Env::mainOf(*module), {iota({2, 3}), ints});
  EXPECT_TRUE(failed(r));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0], "input 'beta' is int64"))
      << env.messages[0];
}

TEST(ExecutorInputs, WrongStaticDimension) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(kTwoInputs);
  ASSERT_TRUE(module);
  FailureOr<std::vector<NpyArray>> r =
      mqc::runFunction(Env::mainOf(*module), {iota({3, 2}), iota({2, 3})});
  EXPECT_TRUE(failed(r));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0],
                       "input 'alpha' has shape (3, 2), expected "
                       "'tensor<2x3xf32>'"))
      << env.messages[0];
}

TEST(ExecutorInputs, WrongRank) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(kTwoInputs);
  ASSERT_TRUE(module);
  FailureOr<std::vector<NpyArray>> r =
      mqc::runFunction(Env::mainOf(*module), {iota({2, 3}), iota({2, 3, 1})});
  EXPECT_TRUE(failed(r));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0], "input 'beta' has shape (2, 3, 1)"))
      << env.messages[0];
}

TEST(ExecutorInputs, MalformedArrayIsAnError) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(kTwoInputs);
  ASSERT_TRUE(module);
  NpyArray shortData = iota({2, 3});
  shortData.data.resize(5); // Not 6 floats.
  FailureOr<std::vector<NpyArray>> r =
      mqc::runFunction(Env::mainOf(*module), {iota({2, 3}), shortData});
  EXPECT_TRUE(failed(r));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0], "input 'beta'")) << env.messages[0];
}

TEST(ExecutorInputs, DynamicDimensionTakesTheArraySize) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<?x3xf32> {qc.name = "x"}) -> tensor<?x3xf32> {
  %c = qc.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %0 = qc.mul %x, %c : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
)mlir");
  ASSERT_TRUE(module);
  for (int64_t rows : {1, 5}) {
    NpyArray x = iota({rows, 3});
    FailureOr<std::vector<NpyArray>> r =
        mqc::runFunction(Env::mainOf(*module), {x});
    ASSERT_TRUE(succeeded(r)) << env.allMessages();
    EXPECT_EQ((*r)[0].shape, (std::vector<int64_t>{rows, 3}));
    std::vector<float> in = valuesOf(x), out = valuesOf((*r)[0]);
    for (int64_t i = 0; i < rows * 3; ++i)
      EXPECT_EQ(out[i], in[i] * static_cast<float>(i % 3 + 1));
  }
}

TEST(ExecutorInputs, UnsupportedArgumentType) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<2x3xf16> {qc.name = "q"}) -> tensor<3x2xf16> {
  %0 = qc.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf16>) -> tensor<3x2xf16>
  return %0 : tensor<3x2xf16>
}
)mlir");
  ASSERT_TRUE(module);
  NpyArray q;
  q.dtype = DType::I16;
  q.shape = {2, 3};
  q.data.assign(6 * 2, 1);
  EXPECT_TRUE(failed(mqc::runFunction(Env::mainOf(*module), {q})));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0], "input 'q' has type 'tensor<2x3xf16>'"))
      << env.messages[0];
}

TEST(ExecutorInputs, Int64AndFloat64InputsMoveExactly) {
  // Run-time int64 / f64 tensors keep every bit through data movement
  // (moved by index, not through f32 values).
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<2x3xi64> {qc.name = "q"}, %d: tensor<3xf64> {qc.name = "d"}) -> (tensor<3x2xi64>, tensor<5xf64>) {
  %0 = qc.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xi64>) -> tensor<3x2xi64>
  %1 = qc.pad %d {mode = "constant", pads = array<i64: 1, 1>, value = 2.5 : f32} : (tensor<3xf64>) -> tensor<5xf64>
  return %0, %1 : tensor<3x2xi64>, tensor<5xf64>
}
)mlir");
  ASSERT_TRUE(module);
  NpyArray q;
  q.dtype = DType::I64;
  q.shape = {2, 3};
  std::vector<int64_t> in = {INT64_MIN, -1, 0, 1, (int64_t(1) << 53) + 1,
                             INT64_MAX};
  q.data.resize(in.size() * 8);
  std::memcpy(q.data.data(), in.data(), q.data.size());
  NpyArray d;
  d.dtype = DType::F64;
  d.shape = {3};
  std::vector<double> dv = {0.1, -1e300, 1.0 / 3.0};
  d.data.resize(dv.size() * 8);
  std::memcpy(d.data.data(), dv.data(), d.data.size());
  FailureOr<std::vector<NpyArray>> out =
      mqc::runFunction(Env::mainOf(*module), {q, d});
  ASSERT_TRUE(succeeded(out)) << env.allMessages();
  ASSERT_EQ((*out)[0].dtype, DType::I64);
  std::vector<int64_t> got(6);
  std::memcpy(got.data(), (*out)[0].data.data(), 48);
  EXPECT_EQ(got, (std::vector<int64_t>{INT64_MIN, 1, -1, (int64_t(1) << 53) + 1,
                                       0, INT64_MAX}));
  ASSERT_EQ((*out)[1].dtype, DType::F64);
  std::vector<double> padded(5);
  std::memcpy(padded.data(), (*out)[1].data.data(), 40);
  EXPECT_EQ(padded, (std::vector<double>{2.5, 0.1, -1e300, 1.0 / 3.0, 2.5}));
}

TEST(ExecutorInputs, IntegerInputReachingAFloatOp) {
  // Float ops reject integer tensors, naming the dtype.
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<1x1x2x3xi8> {qc.name = "q"}) -> tensor<1x1x2x3xi8> {
  %0 = qc.max_pool2d %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x3xi8>) -> tensor<1x1x2x3xi8>
  return %0 : tensor<1x1x2x3xi8>
}
)mlir");
  ASSERT_TRUE(module);
  NpyArray q;
  q.dtype = DType::I8;
  q.shape = {1, 1, 2, 3};
  q.data.assign(6, 1);
  EXPECT_TRUE(failed(mqc::runFunction(Env::mainOf(*module), {q})));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0],
                       "operand #0 is int8; this op runs on float32 tensors"))
      << env.messages[0];
}

TEST(ExecutorInputs, IntegerDataMovement) {
  // reshape / flatten / transpose / slice / concat move integer values as
  // they are (qc-lower-to-integer leaves them on integer tensors).
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<2x3xi8> {qc.name = "q"}) -> tensor<5x2xi8> {
  %t = qc.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xi8>) -> tensor<3x2xi8>
  %s = qc.slice %t {axes = array<i64: 0>, ends = array<i64: 2>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<3x2xi8>) -> tensor<2x2xi8>
  %c = qc.concat %t, %s {axis = 0 : i64} : (tensor<3x2xi8>, tensor<2x2xi8>) -> tensor<5x2xi8>
  %r = qc.reshape %c {shape = array<i64: 1, 10>} : (tensor<5x2xi8>) -> tensor<1x10xi8>
  %f = qc.reshape %r {shape = array<i64: 5, 2>} : (tensor<1x10xi8>) -> tensor<5x2xi8>
  return %f : tensor<5x2xi8>
}
)mlir");
  ASSERT_TRUE(module);
  NpyArray q;
  q.dtype = DType::I8;
  q.shape = {2, 3};
  for (int8_t v : {-128, -1, 0, 1, 2, 127})
    q.data.push_back(static_cast<uint8_t>(v));
  FailureOr<std::vector<NpyArray>> out =
      mqc::runFunction(Env::mainOf(*module), {q});
  ASSERT_TRUE(succeeded(out)) << env.allMessages();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].dtype, DType::I8);
  EXPECT_EQ((*out)[0].shape, (std::vector<int64_t>{5, 2}));
  std::vector<int8_t> got((*out)[0].data.size());
  std::memcpy(got.data(), (*out)[0].data.data(), got.size());
  EXPECT_EQ(got, (std::vector<int8_t>{-128, 1, -1, 2, 0, 127, -128, 1, -1, 2}));
}

//===----------------------------------------------------------------------===//
// Errors inside the program
//===----------------------------------------------------------------------===//

TEST(ExecutorErrors, KernelErrorIsReportedAtTheOpLocation) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%a: tensor<?xf32> {qc.name = "a"},
                %b: tensor<?xf32> {qc.name = "b"}) -> tensor<?xf32> {
  %0 = qc.relu %a : tensor<?xf32> loc("relu_node")
  %1 = qc.add %0, %b : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32> loc("/block/Add"("model.onnx":0:0))
  return %1 : tensor<?xf32>
}
)mlir");
  ASSERT_TRUE(module);
  // 3 and 4 elements do not broadcast: only known when the program runs.
  EXPECT_TRUE(
      failed(mqc::runFunction(Env::mainOf(*module), {iota({3}), iota({4})})));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_EQ(env.locations[0], "loc(\"/block/Add\"(\"model.onnx\":0:0))");
  EXPECT_TRUE(contains(env.messages[0], "broadcast")) << env.messages[0];
}

TEST(ExecutorErrors, OpWithoutKernel) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func private @helper(tensor<2xf32>) -> tensor<2xf32>
func.func @main(%x: tensor<2xf32> {qc.name = "x"}) -> tensor<2xf32> {
  %0 = func.call @helper(%x) : (tensor<2xf32>) -> tensor<2xf32> loc("the_call")
  return %0 : tensor<2xf32>
}
)mlir");
  ASSERT_TRUE(module);
  EXPECT_TRUE(failed(mqc::runFunction(Env::mainOf(*module), {iota({2})})));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0],
                       "the reference executor has no kernel for 'func.call'"))
      << env.messages[0];
  EXPECT_EQ(env.locations[0], "loc(\"the_call\")");
}

TEST(ExecutorErrors, FunctionWithoutBody) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func private @main(tensor<2xf32>) -> tensor<2xf32>
)mlir");
  ASSERT_TRUE(module);
  EXPECT_TRUE(failed(mqc::runFunction(Env::mainOf(*module), {iota({2})})));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0], "has no body")) << env.messages[0];
}

TEST(ExecutorErrors, MissingResourceBlob) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<20xf32> {qc.name = "x"}) -> tensor<20xf32> {
  %w = qc.constant dense_resource<not_in_the_file> : tensor<20xf32> loc("weights")
  %0 = qc.add %x, %w : (tensor<20xf32>, tensor<20xf32>) -> tensor<20xf32>
  return %0 : tensor<20xf32>
}
)mlir");
  ASSERT_TRUE(module);
  EXPECT_TRUE(failed(mqc::runFunction(Env::mainOf(*module), {iota({20})})));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0], "constant has no readable data"))
      << env.messages[0];
  EXPECT_EQ(env.locations[0], "loc(\"weights\")");
}

TEST(ExecutorErrors, IntegerConstantReachingAFloatOp) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main() -> tensor<1x1x2x3xi8> {
  %c = qc.constant dense<[[[[1, 2, 3], [4, 5, 6]]]]> : tensor<1x1x2x3xi8>
  %0 = qc.max_pool2d %c {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x3xi8>) -> tensor<1x1x2x3xi8>
  return %0 : tensor<1x1x2x3xi8>
}
)mlir");
  ASSERT_TRUE(module);
  EXPECT_TRUE(failed(mqc::runFunction(Env::mainOf(*module), {})));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0], "operand #0 is int8"))
      << env.messages[0];
}

TEST(ExecutorErrors, UnsupportedConstantType) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main() -> tensor<2xf16> {
  %c = qc.constant dense<[1.0, 2.0]> : tensor<2xf16>
  return %c : tensor<2xf16>
}
)mlir");
  ASSERT_TRUE(module);
  EXPECT_TRUE(failed(mqc::runFunction(Env::mainOf(*module), {})));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0], "constant of element type 'f16'"))
      << env.messages[0];
}

// int64 constants (shapes, sizes and indices the importer materializes) hold
// every int64 value.
TEST(ExecutorConstants, Int64ConstantsHoldEveryValue) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main() -> tensor<3xi64> {
  %c = qc.constant dense<[-9223372036854775808, 4294967296, 9223372036854775807]> : tensor<3xi64>
  return %c : tensor<3xi64>
}
)mlir");
  ASSERT_TRUE(module);
  FailureOr<std::vector<::qc::NpyArray>> out =
      mqc::runFunction(Env::mainOf(*module), {});
  ASSERT_TRUE(succeeded(out)) << env.allMessages();
  ASSERT_EQ((*out)[0].dtype, ::qc::DType::I64);
  int64_t v[3];
  ASSERT_EQ((*out)[0].data.size(), sizeof(v));
  std::memcpy(v, (*out)[0].data.data(), sizeof(v));
  EXPECT_EQ(v[0], INT64_MIN);
  EXPECT_EQ(v[1], int64_t(1) << 32);
  EXPECT_EQ(v[2], INT64_MAX);
}

//===----------------------------------------------------------------------===//
// Memory and reuse
//===----------------------------------------------------------------------===//

TEST(ExecutorMemory, IntermediatesAreFreedAfterTheirLastUse) {
  // Eight relus in a row on a 1 MiB tensor: with freeing, at most the input
  // of one op and its result are alive (2 MiB); without, all nine (9 MiB).
  std::string chain = "func.func @main(%x: tensor<1x64x64x64xf32> "
                      "{qc.name = \"x\"}) -> tensor<1x64x64x64xf32> {\n";
  std::string prev = "%x";
  for (int i = 0; i < 8; ++i) {
    std::string v = "%r" + std::to_string(i);
    chain += "  " + v + " = qc.relu " + prev + " : tensor<1x64x64x64xf32>\n";
    prev = v;
  }
  chain += "  return " + prev + " : tensor<1x64x64x64xf32>\n}\n";
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(chain);
  ASSERT_TRUE(module);
  mqc::Executor executor(Env::mainOf(*module));
  NpyArray x = iota({1, 64, 64, 64}, 0.5f);
  FailureOr<std::vector<NpyArray>> r = executor.run({x});
  ASSERT_TRUE(succeeded(r)) << env.allMessages();
  const int64_t tensorBytes = 64 * 64 * 64 * 4;
  EXPECT_EQ(executor.lastRunStats().opsExecuted, 8);
  EXPECT_EQ(executor.lastRunStats().peakLiveBytes, 2 * tensorBytes);
  std::vector<float> in = valuesOf(x), out = valuesOf((*r)[0]);
  for (size_t i = 0; i < in.size(); ++i)
    ASSERT_EQ(out[i], std::max(in[i], 0.0f)) << i;
}

TEST(ExecutorMemory, ValueUsedLaterStaysAlive) {
  // %x is read again by the last op, so it must survive the middle ops.
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<4xf32> {qc.name = "x"}) -> tensor<4xf32> {
  %0 = qc.relu %x : tensor<4xf32>
  %1 = qc.sigmoid %0 : tensor<4xf32>
  %2 = qc.sub %1, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}
)mlir");
  ASSERT_TRUE(module);
  NpyArray x = f32Array({4}, {-2.0f, -0.5f, 0.0f, 3.0f});
  FailureOr<std::vector<NpyArray>> r =
      mqc::runFunction(Env::mainOf(*module), {x});
  ASSERT_TRUE(succeeded(r)) << env.allMessages();
  std::vector<float> out = valuesOf((*r)[0]);
  std::vector<float> in = valuesOf(x);
  for (int i = 0; i < 4; ++i) {
    double want = 1.0 / (1.0 + std::exp(-std::max(0.0, double(in[i])))) - in[i];
    EXPECT_NEAR(out[i], want, 1e-6) << i;
  }
}

//===----------------------------------------------------------------------===//
// Memory cap
//===----------------------------------------------------------------------===//

TEST(ExecutorMemoryCap, ResultOverTheCapIsAnErrorAtTheOp) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<1x1x8x8xf32> {qc.name = "x"}) -> tensor<1x1x1008x1008xf32> {
  %0 = qc.pad %x {mode = "constant", pads = array<i64: 0, 0, 0, 0, 0, 0, 1000, 1000>, value = 0.0 : f32} : (tensor<1x1x8x8xf32>) -> tensor<1x1x1008x1008xf32> loc("bigpad")
  return %0 : tensor<1x1x1008x1008xf32>
}
)mlir");
  ASSERT_TRUE(module);
  mqc::Executor executor(Env::mainOf(*module));
  mqc::RunOptions options;
  options.maxMemory = 1 << 20;
  EXPECT_TRUE(failed(executor.run({iota({1, 1, 8, 8})}, options)));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_EQ(env.locations[0], "loc(\"bigpad\")");
  EXPECT_TRUE(contains(env.messages[0],
                       "'qc.pad' result of shape (1, 1, 1008, 1008) needs 3.9 "
                       "MiB (4064256 bytes), more than the"))
      << env.messages[0];
  EXPECT_TRUE(contains(env.messages[0], "--max-memory")) << env.messages[0];
  // With room it runs, and the peak is the input plus the result.
  options.maxMemory = 8 << 20;
  env.messages.clear();
  ASSERT_TRUE(succeeded(executor.run({iota({1, 1, 8, 8})}, options)))
      << env.allMessages();
  EXPECT_EQ(executor.lastRunStats().peakLiveBytes, 256 + 4064256);
}

TEST(ExecutorMemoryCap, DynamicResultIsCheckedByTheKernel) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<?x8xf32> {qc.name = "x"}) -> tensor<?x8xf32> {
  %0 = qc.pad %x {mode = "constant", pads = array<i64: 0, 0, 100000, 0>, value = 0.0 : f32} : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
)mlir");
  ASSERT_TRUE(module);
  mqc::Executor executor(Env::mainOf(*module));
  mqc::RunOptions options;
  options.maxMemory = 1 << 20;
  EXPECT_TRUE(failed(executor.run({iota({2, 8})}, options)));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0],
                       "pad: the result of shape (100002, 8) needs"))
      << env.messages[0];
}

TEST(ExecutorMemoryCap, LiveTensorsAndConstantsCountTogether) {
  // Each tensor is 256 KiB; the constant, the input and the add's result
  // are held (768 KiB) when the sub's result is made: 1 MiB in all.
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<65536xf32> {qc.name = "x"}) -> tensor<65536xf32> {
  %c = qc.constant dense<1.0> : tensor<65536xf32>
  %0 = qc.add %x, %c : (tensor<65536xf32>, tensor<65536xf32>) -> tensor<65536xf32>
  %1 = qc.sub %0, %x : (tensor<65536xf32>, tensor<65536xf32>) -> tensor<65536xf32>
  return %1 : tensor<65536xf32>
}
)mlir");
  ASSERT_TRUE(module);
  mqc::RunOptions options;
  options.maxMemory = (1 << 20) - 1;
  {
    mqc::Executor executor(Env::mainOf(*module));
    EXPECT_TRUE(failed(executor.run({iota({65536})}, options)));
    ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
    EXPECT_TRUE(contains(env.messages[0], "'qc.sub' result")) << env.messages[0];
  }
  options.maxMemory = 1 << 20;
  env.messages.clear();
  mqc::Executor executor(Env::mainOf(*module));
  EXPECT_TRUE(succeeded(executor.run({iota({65536})}, options)))
      << env.allMessages();
}

TEST(ExecutorMemoryCap, ResultArraysCountToo) {
  // The relu's result and the input (256 KiB each) fit under 600 KiB; their
  // copies into the output arrays do not.
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<65536xf32> {qc.name = "x"}) -> (tensor<65536xf32>, tensor<65536xf32>) {
  %0 = qc.relu %x : tensor<65536xf32>
  return %0, %x : tensor<65536xf32>, tensor<65536xf32>
}
)mlir");
  ASSERT_TRUE(module);
  mqc::RunOptions options;
  options.maxMemory = 600 << 10;
  mqc::Executor executor(Env::mainOf(*module));
  EXPECT_TRUE(failed(executor.run({iota({65536})}, options)));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0], "the function's results need 512.0 "
                                        "KiB more as arrays"))
      << env.messages[0];
  options.maxMemory = 1 << 20;
  env.messages.clear();
  EXPECT_TRUE(succeeded(executor.run({iota({65536})}, options)))
      << env.allMessages();
}

TEST(ExecutorMemoryCap, ConstantIsCheckedBeforeDecoding) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<1xf32> {qc.name = "x"}) -> tensor<1000000000xf32> {
  %c = qc.constant dense<1.0> : tensor<1000000000xf32>
  %0 = qc.mul %x, %c : (tensor<1xf32>, tensor<1000000000xf32>) -> tensor<1000000000xf32>
  return %0 : tensor<1000000000xf32>
}
)mlir");
  ASSERT_TRUE(module);
  mqc::RunOptions options;
  options.maxMemory = 1 << 30;
  mqc::Executor executor(Env::mainOf(*module));
  EXPECT_TRUE(failed(executor.run({iota({1})}, options)));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0],
                       "'qc.constant' value of shape (1000000000) needs 3.7 "
                       "GiB (4000000000 bytes)"))
      << env.messages[0];
}

TEST(ExecutorMemoryCap, InputOverTheCap) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<?xf32> {qc.name = "x"}) -> tensor<?xf32> {
  %0 = qc.relu %x : tensor<?xf32>
  return %0 : tensor<?xf32>
}
)mlir");
  ASSERT_TRUE(module);
  mqc::RunOptions options;
  options.maxMemory = 1000;
  mqc::Executor executor(Env::mainOf(*module));
  EXPECT_TRUE(failed(executor.run({iota({1000})}, options)));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0], "input 'x' of shape (1000) needs"))
      << env.messages[0];
}

TEST(ExecutorNaN, FloatProgramOnNaNGivesNaN) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<1x1x2x2xf32> {qc.name = "x"}) -> tensor<1x1x1x1xf32> {
  %0 = qc.relu %x : tensor<1x1x2x2xf32>
  %1 = qc.hardsigmoid %0 {alpha = 2.0e-01 : f32, beta = 5.0e-01 : f32} : tensor<1x1x2x2xf32>
  %2 = qc.max_pool2d %1 {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  return %2 : tensor<1x1x1x1xf32>
}
)mlir");
  ASSERT_TRUE(module);
  float nan = std::numeric_limits<float>::quiet_NaN();
  FailureOr<std::vector<NpyArray>> r = mqc::runFunction(
      Env::mainOf(*module), {f32Array({1, 1, 2, 2}, {1.0f, nan, 2.0f, 3.0f})});
  ASSERT_TRUE(succeeded(r)) << env.allMessages();
  EXPECT_TRUE(std::isnan(valuesOf((*r)[0])[0]));
}

TEST(EvaluateOp, ResultOverTheCapIsDiagnosed) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%a: tensor<100000x1xf32>, %b: tensor<1x100000xf32>) -> tensor<100000x100000xf32> {
  %0 = qc.add %a, %b : (tensor<100000x1xf32>, tensor<1x100000xf32>) -> tensor<100000x100000xf32>
  return %0 : tensor<100000x100000xf32>
}
)mlir");
  ASSERT_TRUE(module);
  Operation *add = &Env::mainOf(*module).front().front();
  // 40 GB, over a process-wide cap of 1 GiB.
  int64_t before = ::qc::maxMemory();
  ::qc::setMaxMemory(int64_t(1) << 30);
  EXPECT_TRUE(
      failed(mqc::evaluateOp(add, {iota({100000, 1}), iota({1, 100000})})));
  ::qc::setMaxMemory(before);
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0], "'qc.add' result of shape (100000, "
                                        "100000) needs 37.3 GiB"))
      << env.messages[0];
}

TEST(ExecutorReuse, RunsAgainWithCachedConstants) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%x: tensor<2x20xf32> {qc.name = "x"}) -> tensor<2x20xf32> {
  %c = qc.constant dense<0.25> : tensor<20xf32>
  %0 = qc.add %x, %c : (tensor<2x20xf32>, tensor<20xf32>) -> tensor<2x20xf32>
  return %0 : tensor<2x20xf32>
}
)mlir");
  ASSERT_TRUE(module);
  mqc::Executor executor(Env::mainOf(*module));
  for (float scale : {1.0f, -3.0f}) {
    NpyArray x = iota({2, 20}, scale);
    FailureOr<std::vector<NpyArray>> r = executor.run({x});
    ASSERT_TRUE(succeeded(r)) << env.allMessages();
    std::vector<float> in = valuesOf(x), out = valuesOf((*r)[0]);
    for (size_t i = 0; i < in.size(); ++i)
      ASSERT_EQ(out[i], in[i] + 0.25f) << i;
    EXPECT_EQ(executor.lastRunStats().constantBytes, 20 * 4);
  }
}

//===----------------------------------------------------------------------===//
// evaluateOp and constantToArray
//===----------------------------------------------------------------------===//

TEST(EvaluateOp, EvaluatesOneOp) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%a: tensor<2x2xf32>, %b: tensor<2xf32>) -> tensor<2x2xf32> {
  %0 = qc.div %a, %b : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
)mlir");
  ASSERT_TRUE(module);
  Operation *div = &Env::mainOf(*module).front().front();
  FailureOr<std::vector<NpyArray>> r = mqc::evaluateOp(
      div, {f32Array({2, 2}, {1, 2, 3, 4}), f32Array({2}, {2, 8})});
  ASSERT_TRUE(succeeded(r)) << env.allMessages();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(valuesOf((*r)[0]), (std::vector<float>{0.5f, 0.25f, 1.5f, 0.5f}));
}

TEST(EvaluateOp, UnsupportedOpFailsWithoutDiagnostic) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func private @helper(tensor<2xf32>) -> tensor<2xf32>
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = func.call @helper(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
)mlir");
  ASSERT_TRUE(module);
  Operation *call = &Env::mainOf(*module).front().front();
  EXPECT_TRUE(failed(mqc::evaluateOp(call, {iota({2})})));
  // Non-f32 operands make a qc op unevaluable too.
  NpyArray ints;
  ints.dtype = DType::I32;
  ints.shape = {2};
  ints.data.assign(8, 0);
  EXPECT_TRUE(failed(mqc::evaluateOp(call, {ints})));
  EXPECT_TRUE(env.messages.empty()) << env.allMessages();
}

TEST(EvaluateOp, KernelFailureIsDiagnosed) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
  %0 = qc.add %a, %b : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
)mlir");
  ASSERT_TRUE(module);
  Operation *add = &Env::mainOf(*module).front().front();
  EXPECT_TRUE(failed(mqc::evaluateOp(add, {iota({2}), iota({3})})));
  ASSERT_EQ(env.messages.size(), 1u) << env.allMessages();
  EXPECT_TRUE(contains(env.messages[0], "broadcast")) << env.messages[0];
}

TEST(ConstantToArray, InlineSplatAndOtherTypes) {
  Env env;
  OwningOpRef<ModuleOp> module = env.parse(R"mlir(
func.func @main() -> (tensor<2x2xf32>, tensor<3xf32>, tensor<2xi8>) {
  %0 = qc.constant dense<[[1.0, -2.0], [3.5, 4.0]]> : tensor<2x2xf32>
  %1 = qc.constant dense<7.0> : tensor<3xf32>
  %2 = qc.constant dense<[1, 2]> : tensor<2xi8>
  return %0, %1, %2 : tensor<2x2xf32>, tensor<3xf32>, tensor<2xi8>
}
)mlir");
  ASSERT_TRUE(module);
  std::vector<mqc::ConstantOp> constants;
  Env::mainOf(*module).walk([&](mqc::ConstantOp c) { constants.push_back(c); });
  ASSERT_EQ(constants.size(), 3u);
  FailureOr<NpyArray> a = mqc::constantToArray(constants[0].getValue());
  ASSERT_TRUE(succeeded(a));
  EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(valuesOf(*a), (std::vector<float>{1.0f, -2.0f, 3.5f, 4.0f}));
  FailureOr<NpyArray> splat = mqc::constantToArray(constants[1].getValue());
  ASSERT_TRUE(succeeded(splat));
  EXPECT_EQ(valuesOf(*splat), (std::vector<float>{7.0f, 7.0f, 7.0f}));
  EXPECT_TRUE(failed(mqc::constantToArray(constants[2].getValue())));
}

} // namespace
