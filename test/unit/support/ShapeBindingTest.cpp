//===- ShapeBindingTest.cpp - the one --input-shape parser ----------------===//
#include "support/ShapeBinding.h"

#include <gtest/gtest.h>

namespace qc {
namespace {

TEST(ShapeBinding, CommandLineAndPassForms) {
  std::optional<ShapeBinding> b = parseShapeBinding("input=1,3,224,224");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name, "input");
  EXPECT_EQ(b->dims, (std::vector<int64_t>{1, 3, 224, 224}));
  b = parseShapeBinding("input:1, 3");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name, "input");
  EXPECT_EQ(b->dims, (std::vector<int64_t>{1, 3}));
}

// Dimensions hold neither '=' nor ':', so a name may hold both: the text is
// split at the last '=', else at the last ':'.
TEST(ShapeBinding, NamesWithSeparators) {
  std::optional<ShapeBinding> b = parseShapeBinding("input:0=1,8");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name, "input:0");
  EXPECT_EQ(b->dims, (std::vector<int64_t>{1, 8}));
  b = parseShapeBinding("input:0:1,8");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name, "input:0");
  b = parseShapeBinding("a=b=4");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name, "a=b");
  EXPECT_EQ(b->dims, (std::vector<int64_t>{4}));
}

TEST(ShapeBinding, Errors) {
  std::string error;
  EXPECT_FALSE(parseShapeBinding("input", &error));
  EXPECT_EQ(error, "expected NAME=D0,D1,...");
  EXPECT_FALSE(parseShapeBinding("=1,2", &error));
  EXPECT_EQ(error, "expected NAME=D0,D1,...");
  EXPECT_FALSE(parseShapeBinding("x=1,,2", &error));
  EXPECT_EQ(error, "dimension '' is not an integer from 1 to 2147483647");
  EXPECT_FALSE(parseShapeBinding("x=1,0", &error));
  EXPECT_EQ(error, "dimension '0' is not an integer from 1 to 2147483647");
  EXPECT_FALSE(parseShapeBinding("x=-1", &error));
  EXPECT_FALSE(parseShapeBinding("x=2147483648", &error));
  EXPECT_FALSE(parseShapeBinding("x=99999999999999999999", &error));
  EXPECT_FALSE(parseShapeBinding("x=", &error));
  ASSERT_TRUE(parseShapeBinding("x=2147483647"));
}

} // namespace
} // namespace qc
