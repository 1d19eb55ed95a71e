//===- SessionFixture.h - One model + session per test, for runtime tests -===//
//
// The runtime tests build a hand-written qc_model_desc in SetUp and then
// create a model and a session from it at the thread count they test. This
// fixture owns the pair: createSession() makes both (failing the test with
// the runtime's message), TearDown destroys both (destroying NULL is OK, so
// a test that never created them passes through).
//
//===----------------------------------------------------------------------===//
#ifndef QC_TEST_UNIT_RUNTIME_SESSIONFIXTURE_H
#define QC_TEST_UNIT_RUNTIME_SESSIONFIXTURE_H

#include "runtime/include/qc_runtime.h"

#include <gtest/gtest.h>

#include <string>

namespace qc::runtime::test {

inline std::string lastError() { return qc_last_error_message(); }

class SessionFixture : public ::testing::Test {
protected:
  void TearDown() override {
    EXPECT_EQ(qc_session_destroy(&session), QC_STATUS_OK);
    EXPECT_EQ(qc_model_destroy(&model), QC_STATUS_OK);
  }
  /// Creates `model` from `desc` and a session on it with `threads` threads.
  void createSession(int32_t threads) {
    ASSERT_EQ(qc_model_create(&desc, &model), QC_STATUS_OK) << lastError();
    qc_session_options options;
    qc_session_options_init(&options);
    options.num_threads = threads;
    ASSERT_EQ(qc_session_create(model, &options, &session), QC_STATUS_OK)
        << lastError();
  }

  qc_model_desc desc{};
  qc_model *model = nullptr;
  qc_session *session = nullptr;
};

} // namespace qc::runtime::test

#endif // QC_TEST_UNIT_RUNTIME_SESSIONFIXTURE_H
