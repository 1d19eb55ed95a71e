/*===- barrier_bench.c - The cost of one parallel_for of libqcrt's pool ----===*
 *
 * qc-barrier-bench [THREADS...]: for each thread count, the time of one
 * qcrt_pool_parallel_for over two items of a fixed amount of integer work,
 * against half (a third, ...) of the same work run on one thread: the
 * difference is what a step pays for publishing the job, the workers
 * noticing it (they spin between steps) and the final wait. Best of 7
 * repetitions of >= 20 ms each, so another process on the cores costs
 * repetitions, not the figure. Not a test; docs/runtime.md quotes it.
 *
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 200809L

#include "runtime/lib/qcrt_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile uint64_t sink;

/* `work` rounds of a dependent multiply chain per item (not vectorizable). */
static void chain(void *user, int64_t begin, int64_t end) {
  int64_t work = *(const int64_t *)user;
  uint64_t x = (uint64_t)begin + 1;
  for (int64_t i = begin; i < end; ++i)
    for (int64_t j = 0; j < work; ++j)
      x = x * 6364136223846793005ull + 1442695040888963407ull;
  sink = x;
}

static double nowSeconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Best microseconds per parallel_for over [0, items). */
static double timeCalls(qcrt_pool *pool, int64_t items, int64_t work) {
  double best = 1e30;
  for (int rep = 0; rep < 7; ++rep) {
    int64_t calls = 0;
    double start = nowSeconds(), elapsed;
    do {
      for (int i = 0; i < 64; ++i)
        qcrt_pool_parallel_for(pool, 0, items, chain, &work);
      calls += 64;
      elapsed = nowSeconds() - start;
    } while (elapsed < 0.02);
    double us = elapsed / (double)calls * 1e6;
    if (us < best)
      best = us;
  }
  return best;
}

int main(int argc, char **argv) {
  int counts[16] = {2}, n = 1;
  if (argc > 1) {
    n = 0;
    for (int i = 1; i < argc && n < 16; ++i)
      counts[n++] = atoi(argv[i]);
  }
  const int64_t works[] = {250, 1000, 4000, 16000};
  qcrt_pool *one;
  if (qcrt_pool_create(1, &one) != QC_STATUS_OK) {
    fprintf(stderr, "qc-barrier-bench: error: %s\n", qc_last_error_message());
    return 1;
  }
  printf("threads  items work/item  1 thread (us)  T threads (us)  ideal (us)  "
         "overhead (us)\n");
  for (int c = 0; c < n; ++c) {
    qcrt_pool *pool;
    if (qcrt_pool_create(counts[c], &pool) != QC_STATUS_OK) {
      fprintf(stderr, "qc-barrier-bench: error: %s\n",
              qc_last_error_message());
      return 1;
    }
    for (size_t w = 0; w < sizeof works / sizeof works[0]; ++w) {
      int64_t items = counts[c];
      double serial = timeCalls(one, items, works[w]);
      double parallel = timeCalls(pool, items, works[w]);
      double ideal = serial / (double)counts[c];
      printf("%7d %6lld %9lld %14.3f %15.3f %11.3f %14.3f\n", counts[c],
             (long long)items, (long long)works[w], serial, parallel, ideal,
             parallel - ideal);
    }
    qcrt_pool_destroy(pool);
  }
  qcrt_pool_destroy(one);
  return 0;
}
