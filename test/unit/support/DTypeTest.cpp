//===- DTypeTest.cpp - the one dtype table --------------------------------===//
#include "support/DType.h"

#include "runtime/include/qc_model_abi.h"

#include <gtest/gtest.h>

namespace qc {
namespace {

constexpr DType kAll[] = {DType::F32, DType::F64, DType::I8,  DType::U8,
                          DType::I16, DType::I32, DType::I64, DType::Bool};

TEST(DType, NamesSizesDescrs) {
  EXPECT_EQ(dtypeName(DType::F32), "float32");
  EXPECT_EQ(dtypeName(DType::U8), "uint8");
  EXPECT_EQ(dtypeSize(DType::I16), 2u);
  EXPECT_EQ(dtypeSize(DType::I64), 8u);
  EXPECT_EQ(dtypeDescr(DType::Bool), "|b1");
  // Every descr numpy writes reads back as its dtype, in every byte order
  // that a little-endian host can read.
  for (DType d : kAll) {
    EXPECT_EQ(dtypeFromDescr(dtypeDescr(d)), d) << dtypeName(d);
    std::string_view kind = dtypeDescr(d).substr(1);
    EXPECT_EQ(dtypeFromDescr(std::string("=") + std::string(kind)), d);
    EXPECT_EQ(dtypeFromDescr(kind), d);
    EXPECT_EQ(dtypeFromDescr(std::string(">") + std::string(kind)).has_value(),
              dtypeSize(d) == 1);
  }
  EXPECT_FALSE(dtypeFromDescr("<c8"));
  EXPECT_FALSE(dtypeFromDescr(""));
}

TEST(DType, RuntimeAbiCodes) {
  EXPECT_EQ(dtypeAbiCode(DType::F32), QC_DTYPE_FLOAT32);
  EXPECT_EQ(dtypeAbiCode(DType::I8), QC_DTYPE_INT8);
  EXPECT_EQ(dtypeAbiCode(DType::U8), QC_DTYPE_UINT8);
  EXPECT_EQ(dtypeAbiCode(DType::I32), QC_DTYPE_INT32);
  EXPECT_EQ(dtypeAbiCode(DType::I64), QC_DTYPE_INT64);
  EXPECT_EQ(dtypeAbiCode(DType::F64), QC_DTYPE_UNDEFINED);
  for (DType d : kAll)
    if (dtypeAbiCode(d) != QC_DTYPE_UNDEFINED)
      EXPECT_EQ(dtypeFromAbiCode(dtypeAbiCode(d)), d);
  EXPECT_FALSE(dtypeFromAbiCode(QC_DTYPE_UNDEFINED));
  EXPECT_FALSE(dtypeFromAbiCode(99));
}

} // namespace
} // namespace qc
