//===- CompileCacheTest.cpp - keys and entries of the compile cache -------===//
//
// compileCacheKey must change with anything the object depends on — the
// weights held as resource blobs (not only the IR text), node names, the
// options — and with nothing else; parseCompiledModel must give back
// exactly what serializeCompiledModel wrote and refuse anything else
// (truncated, extended, another magic).
//
//===----------------------------------------------------------------------===//
#include "compiler/driver/CompileCache.h"
#include "dialects/qc/IR/QCDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

using namespace mlir;
namespace mqc = mlir::qc;

namespace {

/// A program with one weight blob; \p blob is its hex payload (4-byte
/// alignment header, then 4 floats) and \p name the node name.
std::string program(const std::string &blob, const std::string &name) {
  return R"(module {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    %w = qc.constant dense_resource<w> : tensor<4xf32> loc("w")
    %y = qc.add %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc(")" +
         name + R"(")
    return %y : tensor<4xf32>
  }
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x04000000)" +
         blob + R"("
    }
  }
#-}
)";
}

constexpr const char *kOnes = "0000803F0000803F0000803F0000803F";
constexpr const char *kLastTwo = "0000803F0000803F0000803F00000040";

void loadDialects(MLIRContext &context) {
  DialectRegistry registry;
  registry.insert<mqc::QCDialect, func::FuncDialect>();
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
}

/// Each key is computed in a fresh context, as each qc process loads its
/// model once: a second parse in one context renames the resource (`w_1`),
/// which is a different program text (a miss, never a wrong hit).
class CompileCacheTest : public ::testing::Test {
protected:
  CompileCacheTest() { loadDialects(context); }
  std::string key(const std::string &source,
                  const mqc::CompileOptions &options = {}) {
    MLIRContext context;
    loadDialects(context);
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, ParserConfig(&context));
    EXPECT_TRUE(module);
    if (!module)
      return {};
    std::optional<std::string> k = mqc::compileCacheKey(*module, options);
    EXPECT_TRUE(k.has_value());
    return k.value_or("");
  }
  MLIRContext context;
};

TEST_F(CompileCacheTest, KeyIsStableAndHex) {
  std::string a = key(program(kOnes, "add"));
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(a, key(program(kOnes, "add")));
}

TEST_F(CompileCacheTest, KeyFollowsWeightsNamesAndOptions) {
  std::string base = key(program(kOnes, "add"));
  // One weight differs in its last byte: only the resource blob changes.
  EXPECT_NE(base, key(program(kLastTwo, "add")));
  // A node name (it becomes the profiler's step name).
  EXPECT_NE(base, key(program(kOnes, "add2")));
  mqc::CompileOptions options;
  options.name = "other";
  EXPECT_NE(base, key(program(kOnes, "add"), options));
  options = {};
  options.maxBatch = 4;
  EXPECT_NE(base, key(program(kOnes, "add"), options));
  options = {};
  options.target = "x86-64";
  EXPECT_NE(base, key(program(kOnes, "add"), options));
}

TEST_F(CompileCacheTest, UnknownTargetHasNoKey) {
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(program(kOnes, "add"), ParserConfig(&context));
  ASSERT_TRUE(module);
  mqc::CompileOptions options;
  options.target = "riscv64";
  EXPECT_FALSE(mqc::compileCacheKey(*module, options).has_value());
}

TEST(CompileCacheEntry, RoundTripsAndRefusesDamage) {
  mqc::CompiledModel model;
  model.target = "x86-64-avx2";
  model.object = std::string("\x7f" "ELF\0\1\2", 7);
  model.header = "/* header */\n";
  model.arenaBytes = 4096;
  model.constantBytes = 123;
  model.floatWeightBytes = 456;
  model.steps = 7;
  std::string bytes = mqc::serializeCompiledModel(model);
  std::optional<mqc::CompiledModel> back = mqc::parseCompiledModel(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->target, model.target);
  EXPECT_EQ(back->object, model.object);
  EXPECT_EQ(back->header, model.header);
  EXPECT_EQ(back->arenaBytes, 4096u);
  EXPECT_EQ(back->constantBytes, 123u);
  EXPECT_EQ(back->floatWeightBytes, 456u);
  EXPECT_EQ(back->steps, 7);
  for (size_t cut = 0; cut < bytes.size(); ++cut)
    EXPECT_FALSE(mqc::parseCompiledModel(StringRef(bytes).take_front(cut)))
        << "accepted the first " << cut << " bytes";
  EXPECT_FALSE(mqc::parseCompiledModel(bytes + "x"));
  std::string otherMagic = bytes;
  otherMagic[0] = 'Q';
  EXPECT_FALSE(mqc::parseCompiledModel(otherMagic));
}

TEST(CompileCacheDir, EnvironmentChoosesOrDisables) {
  std::string saved = std::getenv("QC_CACHE_DIR") ? std::getenv("QC_CACHE_DIR") : "";
  setenv("QC_CACHE_DIR", "/some/where", 1);
  EXPECT_EQ(mqc::compileCacheDir().value_or(""), "/some/where");
  setenv("QC_CACHE", "0", 1);
  EXPECT_FALSE(mqc::compileCacheDir().has_value());
  unsetenv("QC_CACHE");
  unsetenv("QC_CACHE_DIR");
  setenv("XDG_CACHE_HOME", "/xdg", 1);
  EXPECT_EQ(mqc::compileCacheDir().value_or(""), "/xdg/qc");
  if (!saved.empty())
    setenv("QC_CACHE_DIR", saved.c_str(), 1);
}

} // namespace
