//===- MixedPrecisionTest.cpp - the choice logic of --mixed-precision -----===//
//
// greedySelect on hand-made sensitivities and a score function written out
// here (additive gains, so every expected choice can be worked out by hand):
// the order by gain per cost, the MAC budget, the minimum gain, the pruning
// once the target is met; and the quantizer strings of withChoices.
//
//===----------------------------------------------------------------------===//
#include "compiler/driver/MixedPrecision.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace mqc = mlir::qc;

namespace {

/// Scores a set as base + the sum of the gains of its members, counting
/// every call.
struct AdditiveScore {
  double base;
  std::vector<double> gain;
  int calls = 0;
  double operator()(const std::vector<size_t> &set) {
    ++calls;
    double s = base;
    for (size_t i : set)
      s += gain[i];
    return s;
  }
  std::vector<double> alone() const {
    std::vector<double> a;
    for (double g : gain)
      a.push_back(base + g);
    return a;
  }
};

TEST(GreedySelect, TargetMetIsNoSearch) {
  AdditiveScore f{35.0, {1.0, 2.0}};
  double best = 0;
  bool reached = false, limited = true;
  std::vector<size_t> set = mqc::greedySelect(
      f.alone(), {0.5, 0.5}, 35.0, 30.0, 1.0, 0.1, std::ref(f), best, reached,
      limited);
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(reached);
  EXPECT_FALSE(limited);
  EXPECT_EQ(best, 35.0);
  EXPECT_EQ(f.calls, 0);
}

TEST(GreedySelect, BudgetKeepsBigOpsInt8) {
  // Op 0 helps most but holds 60% of the MACs; with 10% to spend only ops
  // 1 (5%) and 2 (0%) may go float; op 3 does not help.
  AdditiveScore f{20.0, {5.0, 1.0, 0.5, -0.2}};
  double best = 0;
  bool reached = true, limited = false;
  std::vector<size_t> set = mqc::greedySelect(
      f.alone(), {0.6, 0.05, 0.0, 0.0}, 20.0, 30.0, 0.1, 0.1, std::ref(f),
      best, reached, limited);
  // Gain per cost (cost at least 2%): op 2 0.5/0.02 = 25, op 1 1/0.05 = 20.
  EXPECT_EQ(set, (std::vector<size_t>{2, 1}));
  EXPECT_FALSE(reached);
  EXPECT_TRUE(limited);
  EXPECT_DOUBLE_EQ(best, 21.5);
  // Without a budget the big op is chosen too.
  AdditiveScore g{20.0, {5.0, 1.0, 0.5, -0.2}};
  set = mqc::greedySelect(g.alone(), {0.6, 0.05, 0.0, 0.0}, 20.0, 30.0, 1.0,
                          0.1, std::ref(g), best, reached, limited);
  EXPECT_EQ(set, (std::vector<size_t>{2, 1, 0}));
  EXPECT_FALSE(limited);
  EXPECT_DOUBLE_EQ(best, 26.5);
}

TEST(GreedySelect, SmallGainsAreNotKept) {
  // Ops 0, 1 and 2 help alone (by 0.3, 0.05 and 0.2 dB); next to op 0, op 2
  // loses what it gained alone and op 1 gains less than the minimum gain
  // (0.1 dB): only op 0 stays. Op 3 does not help alone and is not tried.
  struct Score {
    int calls = 0;
    double operator()(const std::vector<size_t> &set) {
      ++calls;
      std::map<size_t, bool> in;
      for (size_t i : set)
        in[i] = true;
      double s = 20.0;
      if (in[0])
        s += 0.3;
      if (in[1])
        s += 0.05;
      if (in[2])
        s += in[0] ? 0.0 : 0.2;
      if (in[3])
        s += 1.0;
      return s;
    }
  } f;
  double best = 0;
  bool reached = true, limited = true;
  std::vector<size_t> set = mqc::greedySelect(
      {20.3, 20.05, 20.2, 19.0}, {0.0, 0.0, 0.0, 0.0}, 20.0, 30.0, 0.1, 0.1,
      std::ref(f), best, reached, limited);
  EXPECT_EQ(set, (std::vector<size_t>{0}));
  EXPECT_DOUBLE_EQ(best, 20.3);
  EXPECT_FALSE(reached);
  EXPECT_FALSE(limited);
  // {0} is known from `alone`; {0, 2} and {0, 1} are scored.
  EXPECT_EQ(f.calls, 2);
}

TEST(GreedySelect, PrunesOnceTheTargetIsMet) {
  // By gain per cost: op 0 (0.5 / 2% = 25), op 1 (4 / 20% = 20), op 2
  // (3 / 20% = 15). The target 27 is met with all three (27.5); then op 0,
  // the cheap one chosen first, is not needed (27.0) and is dropped.
  AdditiveScore f{20.0, {0.5, 4.0, 3.0}};
  double best = 0;
  bool reached = false, limited = true;
  std::vector<size_t> set = mqc::greedySelect(
      f.alone(), {0.0, 0.2, 0.2}, 20.0, 27.0, 1.0, 0.1, std::ref(f), best,
      reached, limited);
  EXPECT_TRUE(reached);
  EXPECT_FALSE(limited);
  EXPECT_EQ(set, (std::vector<size_t>{1, 2}));
  EXPECT_DOUBLE_EQ(best, 27.0);
}

TEST(WithChoices, Strings) {
  EXPECT_EQ(mqc::withChoices("x86", "", {}, {}), "x86");
  EXPECT_EQ(mqc::withChoices("x86,per_channel=0", "percentile",
                             {{"/a/Conv", "mse"}, {"/b", "minmax"}},
                             {"/c/MatMul"}),
            "x86,per_channel=0,act_observer=percentile,"
            "act_observer[/a/Conv]=mse,act_observer[/b]=minmax,"
            "keep_float=/c/MatMul");
  // Every quantizer gets the options; separators in names are escaped; a
  // name written like a regex is matched literally.
  EXPECT_EQ(mqc::withChoices("my_npu;x86", "", {{"a,b", "mse"}}, {"/x.y/"}),
            "my_npu,act_observer[a\\,b]=mse,keep_float=//x\\.y//;"
            "x86,act_observer[a\\,b]=mse,keep_float=//x\\.y//");
  EXPECT_EQ(mqc::withKeepFloat("x86", {"n"}), "x86,keep_float=n");
  // Ops given int16 activations: act_dtype[NAME]=int16, after keep_float.
  EXPECT_EQ(mqc::withChoices("x86", "", {}, {"/f/Conv"},
                             {"/a/Gemm", "b,c"}),
            "x86,keep_float=/f/Conv,act_dtype[/a/Gemm]=int16,"
            "act_dtype[b\\,c]=int16");
}

} // namespace
