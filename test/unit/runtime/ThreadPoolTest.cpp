//===- ThreadPoolTest.cpp - libqcrt's thread pool and partitioning --------===//
#include "runtime/lib/qcrt_internal.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace {

TEST(RuntimePartition, ContiguousBalancedAndDeterministic) {
  for (int64_t begin : {int64_t(0), int64_t(-5), int64_t(1000)})
    for (int64_t len : {0, 1, 3, 7, 64, 1001})
      for (int32_t parts : {1, 2, 3, 4, 8, 13}) {
        int64_t next = begin;
        for (int32_t i = 0; i < parts; ++i) {
          int64_t b, e;
          qcrt_partition(begin, begin + len, parts, i, &b, &e);
          EXPECT_EQ(b, next);
          // Sizes differ by at most one; the larger chunks come first.
          EXPECT_EQ(e - b, len / parts + (i < len % parts ? 1 : 0));
          next = e;
        }
        EXPECT_EQ(next, begin + len);
      }
  int64_t b, e;
  qcrt_partition(0, 10, 4, 4, &b, &e); // index out of range: empty
  EXPECT_EQ(b, e);
  qcrt_partition(INT64_MIN / 2, INT64_MAX / 2, 3, 2, &b, &e);
  EXPECT_EQ(e, INT64_MAX / 2);
}

struct Record {
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> chunks;
  std::set<int32_t> threads;
  std::set<std::thread::id> osThreads;
};

void record(void *user, int64_t begin, int64_t end) {
  auto *r = static_cast<Record *>(user);
  std::lock_guard<std::mutex> lock(r->mutex);
  r->chunks.emplace_back(begin, end);
  r->threads.insert(qcrt_current_thread_index());
  r->osThreads.insert(std::this_thread::get_id());
}

// Every chunk of the partition runs exactly once, on the caller or a worker
// (threads claim chunks, so a worker the OS has not scheduled yet leaves its
// chunk to another thread).
TEST(RuntimeThreadPool, EveryChunkRunsOnce) {
  for (int32_t n : {1, 2, 4, 5}) {
    qcrt_pool *pool = nullptr;
    ASSERT_EQ(qcrt_pool_create(n, &pool), QC_STATUS_OK);
    EXPECT_EQ(qcrt_pool_num_threads(pool), n);
    Record r;
    qcrt_pool_parallel_for(pool, 10, 30, record, &r);
    ASSERT_EQ(r.chunks.size(), size_t(n));
    std::sort(r.chunks.begin(), r.chunks.end());
    for (int32_t i = 0; i < n; ++i) {
      int64_t b, e;
      qcrt_partition(10, 30, n, i, &b, &e);
      EXPECT_EQ(r.chunks[i], std::make_pair(b, e));
    }
    EXPECT_LE(r.threads.size(), size_t(n));
    EXPECT_LE(r.osThreads.size(), size_t(n));
    for (int32_t t : r.threads) {
      EXPECT_GE(t, 0);
      EXPECT_LT(t, n);
    }
    EXPECT_EQ(qcrt_current_thread_index(), -1);
    qcrt_pool_destroy(pool);
  }
}

TEST(RuntimeThreadPool, SmallAndEmptyRanges) {
  qcrt_pool *pool = nullptr;
  ASSERT_EQ(qcrt_pool_create(4, &pool), QC_STATUS_OK);
  Record r;
  qcrt_pool_parallel_for(pool, 5, 5, record, &r);
  qcrt_pool_parallel_for(pool, 5, 2, record, &r);
  EXPECT_TRUE(r.chunks.empty());
  qcrt_pool_parallel_for(pool, 0, 2, record, &r); // 2 items, 4 threads
  EXPECT_EQ(r.chunks.size(), 2u);
  qcrt_pool_parallel_for(pool, 0, 2, nullptr, &r); // no function: no-op
  qcrt_pool_destroy(pool);
  qcrt_pool_destroy(nullptr);
}

struct Sum {
  const std::vector<int64_t> *values;
  std::atomic<int64_t> total{0};
  qcrt_pool *pool;
};

void sumChunk(void *user, int64_t begin, int64_t end) {
  auto *s = static_cast<Sum *>(user);
  int64_t local = 0;
  for (int64_t i = begin; i < end; ++i)
    local += (*s->values)[i];
  s->total += local;
}

// `jobs` back-to-back parallel sums over prefixes of `values` (prefix length
// 1 + job * step, modulo the size), then one over all of it, on a pool of
// `threads`: each must count every element exactly once.
void expectJobsSum(int32_t threads, const std::vector<int64_t> &values,
                   int jobs, int64_t step) {
  qcrt_pool *pool = nullptr;
  ASSERT_EQ(qcrt_pool_create(threads, &pool), QC_STATUS_OK);
  for (int job = 0; job < jobs; ++job) {
    Sum s;
    s.values = &values;
    int64_t n = 1 + job * step % int64_t(values.size());
    qcrt_pool_parallel_for(pool, 0, n, sumChunk, &s);
    int64_t want = 0;
    for (int64_t i = 0; i < n; ++i)
      want += values[i];
    ASSERT_EQ(s.total.load(), want) << job;
  }
  Sum all;
  all.values = &values;
  qcrt_pool_parallel_for(pool, 0, int64_t(values.size()), sumChunk, &all);
  int64_t expected = 0;
  for (int64_t v : values)
    expected += v;
  EXPECT_EQ(all.total.load(), expected);
  qcrt_pool_destroy(pool);
}

TEST(RuntimeThreadPool, ManyJobsSumCorrectly) {
  std::vector<int64_t> values(10007);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = int64_t(i * i % 1009);
  expectJobsSum(3, values, 2000, 5);
}

// More threads than cores: workers are often not running when a job is
// published and claim chunks of later jobs late; every job must still sum
// exactly once per element (no chunk lost or run twice, no stale job run).
TEST(RuntimeThreadPool, OversubscribedPoolRunsEveryChunkOnce) {
  std::vector<int64_t> values(4099);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = int64_t(i % 97) + 1;
  expectJobsSum(16, values, 3000, 7);
}

void nested(void *user, int64_t begin, int64_t end) {
  auto *s = static_cast<Sum *>(user);
  int32_t outer = qcrt_current_thread_index();
  // A nested call runs serially on this thread.
  qcrt_pool_parallel_for(s->pool, begin, end, sumChunk, s);
  EXPECT_EQ(qcrt_current_thread_index(), outer);
}

TEST(RuntimeThreadPool, NestedCallsRunSerially) {
  qcrt_pool *pool = nullptr;
  ASSERT_EQ(qcrt_pool_create(4, &pool), QC_STATUS_OK);
  std::vector<int64_t> values(100, 2);
  Sum s;
  s.values = &values;
  s.pool = pool;
  qcrt_pool_parallel_for(pool, 0, 100, nested, &s);
  EXPECT_EQ(s.total.load(), 200);
  qcrt_pool_destroy(pool);
}

TEST(RuntimeThreadPool, CallsFromSeveralThreadsAreSerialized) {
  qcrt_pool *pool = nullptr;
  ASSERT_EQ(qcrt_pool_create(2, &pool), QC_STATUS_OK);
  std::vector<int64_t> values(1000, 1);
  std::atomic<int> wrong{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 3; ++t)
    callers.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        Sum s;
        s.values = &values;
        qcrt_pool_parallel_for(pool, 0, 1000, sumChunk, &s);
        if (s.total.load() != 1000)
          wrong++;
      }
    });
  for (auto &c : callers)
    c.join();
  EXPECT_EQ(wrong.load(), 0);
  qcrt_pool_destroy(pool);
}

TEST(RuntimeThreadPool, BadThreadCounts) {
  qcrt_pool *pool = reinterpret_cast<qcrt_pool *>(0x1);
  EXPECT_EQ(qcrt_pool_create(0, &pool), QC_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(pool, nullptr);
  EXPECT_EQ(qcrt_pool_create(QC_MAX_THREADS + 1, &pool),
            QC_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(qcrt_pool_create(2, nullptr), QC_STATUS_NULL_POINTER);
}

} // namespace
