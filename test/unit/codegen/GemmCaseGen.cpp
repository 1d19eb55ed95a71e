//===- GemmCaseGen.cpp - write GEMM kernel cases for the AArch64 harness --===//
//
// qc-gemm-casegen <isa> <a><c> <mr>x<nr> <file>
//
// Packs every case of GemmCases.cpp for one kernel variant on the host, as
// `qc compile` would, and writes operands, packed weights and the reference
// output in the format of gemm_test_support.h. The AArch64 harness runs the
// generated kernel on them under qemu and compares.
//
//===----------------------------------------------------------------------===//
#include "test/unit/codegen/GemmCases.h"
#include "test/unit/codegen/gemm_test_support.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

using namespace qc::codegen;
using namespace qc::codegen::test;

namespace {

void put(std::ofstream &os, int64_t v) {
  os.write(reinterpret_cast<const char *>(&v), sizeof(v));
}

template <typename T>
void putArray(std::ofstream &os, const std::vector<T> &v) {
  os.write(reinterpret_cast<const char *>(v.data()),
           static_cast<std::streamsize>(v.size() * sizeof(T)));
}

bool parseType(char c, QType &t) {
  if (c == 'u' || c == 's') {
    t = c == 'u' ? QType::U8 : QType::S8;
    return true;
  }
  return false;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 5) {
    std::cerr << "usage: qc-gemm-casegen <isa> <a><c> <mr>x<nr> <file>\n";
    return 2;
  }
  std::optional<GemmIsa> isa = parseGemmIsa(argv[1]);
  GemmKernelConfig config;
  long mr = 0, nr = 0;
  if (!isa || std::strlen(argv[2]) != 4 ||
      !parseType(argv[2][0], config.aType) ||
      !parseType(argv[2][2], config.cType) ||
      std::sscanf(argv[3], "%ldx%ld", &mr, &nr) != 2) {
    std::cerr << "qc-gemm-casegen: error: bad arguments\n";
    return 2;
  }
  config.isa = *isa;
  config.mr = mr;
  config.nVectors = nr / config.info().columnsPerVector;
  if (std::string error = verifyGemmKernelConfig(config);
      !error.empty() || config.nr() != nr) {
    std::cerr << "qc-gemm-casegen: error: bad tile " << argv[3] << " " << error
              << "\n";
    return 2;
  }

  std::ofstream os(argv[4], std::ios::binary);
  std::vector<GemmCase> cases = makeGemmCases(config.aType, config.cType);
  os.write(QC_GEMM_CASE_MAGIC, 8);
  put(os, static_cast<int64_t>(cases.size()));
  for (const GemmCase &c : cases) {
    GemmCaseData data = makeGemmCaseData(c, config.aType);
    PackedGemmWeights packed;
    std::string error = packGemmWeights(
        config, c.k, c.n, data.weights.data(),
        data.bias.empty() ? nullptr : data.bias.data(), data.multipliers.data(),
        static_cast<int64_t>(data.multipliers.size()), c.zpA, packed);
    if (!error.empty()) {
      std::cerr << "qc-gemm-casegen: error: " << c.name << ": " << error
                << "\n";
      return 1;
    }
    std::vector<int32_t> bias = data.bias;
    bias.resize(static_cast<size_t>(c.n), 0);
    put(os, static_cast<int64_t>(c.name.size()));
    os.write(c.name.data(), static_cast<std::streamsize>(c.name.size()));
    for (int64_t v :
         {c.m, c.n, c.k, c.lda, c.ldc, int64_t{config.aType == QType::S8},
          int64_t{config.cType == QType::S8}, int64_t{c.zpA}, int64_t{c.zpOut},
          int64_t{c.qmin}, int64_t{c.qmax},
          static_cast<int64_t>(data.multipliers.size()),
          static_cast<int64_t>(packed.weights.size()),
          static_cast<int64_t>(packed.bias.size())})
      put(os, v);
    putArray(os, data.a);
    putArray(os, data.weights);
    putArray(os, bias);
    putArray(os, data.multipliers);
    putArray(os, packed.weights);
    putArray(os, packed.bias);
    putArray(os, packed.multipliers);
    putArray(os, referenceOutput(c, data, config.aType, config.cType));
  }
  if (!os) {
    std::cerr << "qc-gemm-casegen: error: cannot write " << argv[4] << "\n";
    return 1;
  }
  return 0;
}
