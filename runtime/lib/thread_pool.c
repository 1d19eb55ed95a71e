/*===- thread_pool.c - The fixed-size thread pool of a libqcrt session ----===*
 *
 * num_threads - 1 pthreads wait for a job; parallel_for publishes one (a
 * generation number). The range is cut into num_threads chunks, a pure
 * function of (range, thread count): deterministic partitioning. Threads
 * claim chunks (an atomic counter tagged with the generation), the caller
 * too, so a worker that the OS has not scheduled yet (another process on the
 * core) costs no waiting: the caller runs its chunk, and it waits only for
 * chunks already being run.
 *
 * A compiled model calls parallel_for once per step, back to back, so both
 * waits spin (with a pause instruction) for a bounded time before blocking on
 * a condition variable: waking a blocked thread costs tens of microseconds,
 * more than many steps take. The generation, claim word and pending count are
 * C11 atomics; the mutex and condition variables only guard the blocking path.
 *
 *===----------------------------------------------------------------------===*/
/* posix_memalign, sysconf, getauxval under strict -std=c11 too. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "runtime/lib/qcrt_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

/* Spin iterations before a wait blocks (about 0.1-0.5 ms). */
#define QCRT_SPIN_ITERATIONS 8192
/* Bits of the claim word that hold the chunk index. */
#define QCRT_CHUNK_BITS 20

static inline void cpuRelax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

struct qcrt_pool;

typedef struct qcrt_worker {
  struct qcrt_pool *pool;
  int32_t index;
  pthread_t thread;
} qcrt_worker;

struct qcrt_pool {
  int32_t numThreads;
  int32_t numStarted;          /* workers actually running */
  pthread_mutex_t submitMutex; /* serializes parallel_for callers */
  pthread_mutex_t mutex;
  pthread_cond_t wake;
  pthread_cond_t done;
  _Atomic uint64_t generation;
  /* (generation << kChunkBits) | next unclaimed chunk of that job. */
  _Atomic uint64_t claim;
  _Atomic int32_t pending; /* chunks of the current job not finished */
  _Atomic int stop;
  /* The current job. */
  int64_t begin, end;
  qc_range_fn fn;
  void *user;
  qcrt_worker *workers;
};

static _Thread_local int32_t tlsThreadIndex = -1;

int32_t qcrt_current_thread_index(void) { return tlsThreadIndex; }

void qcrt_partition(int64_t begin, int64_t end, int32_t parts, int32_t index,
                    int64_t *chunk_begin, int64_t *chunk_end) {
  if (end <= begin || parts <= 0 || index < 0 || index >= parts) {
    *chunk_begin = *chunk_end = begin;
    return;
  }
  uint64_t len = (uint64_t)end - (uint64_t)begin;
  uint64_t base = len / (uint64_t)parts, rem = len % (uint64_t)parts;
  uint64_t i = (uint64_t)index;
  uint64_t start = i * base + (i < rem ? i : rem);
  uint64_t size = base + (i < rem ? 1 : 0);
  *chunk_begin = (int64_t)((uint64_t)begin + start);
  *chunk_end = (int64_t)((uint64_t)begin + start + size);
}

static void finishChunk(qcrt_pool *pool) {
  if (atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_acq_rel) ==
      1) {
    /* The caller may be blocked: signal under the mutex it checks under. */
    pthread_mutex_lock(&pool->mutex);
    pthread_cond_signal(&pool->done);
    pthread_mutex_unlock(&pool->mutex);
  }
}

/* Claims and runs chunks of job `gen` until none is left (or the job is no
 * longer the current one) on the thread numbered `self`. */
static void runChunks(qcrt_pool *pool, uint64_t gen, int32_t self) {
  const uint64_t mask = ((uint64_t)1 << QCRT_CHUNK_BITS) - 1;
  uint64_t word = atomic_load_explicit(&pool->claim, memory_order_acquire);
  for (;;) {
    if ((word >> QCRT_CHUNK_BITS) != (gen & (UINT64_MAX >> QCRT_CHUNK_BITS)) ||
        (word & mask) >= (uint64_t)pool->numThreads)
      return;
    /* Success orders the job's fields (written before the claim word was
     * published) before their use; failure reloads `word`. */
    if (!atomic_compare_exchange_weak_explicit(&pool->claim, &word, word + 1,
                                               memory_order_acq_rel,
                                               memory_order_acquire))
      continue;
    int64_t b, e;
    qcrt_partition(pool->begin, pool->end, pool->numThreads,
                   (int32_t)(word & mask), &b, &e);
    if (b < e) {
      int32_t saved = tlsThreadIndex;
      tlsThreadIndex = self;
      pool->fn(pool->user, b, e);
      tlsThreadIndex = saved;
    }
    finishChunk(pool);
    word = atomic_load_explicit(&pool->claim, memory_order_acquire);
  }
}

static void *workerMain(void *arg) {
  qcrt_worker *self = (qcrt_worker *)arg;
  qcrt_pool *pool = self->pool;
  uint64_t seen = 0;
  for (;;) {
    uint64_t gen = atomic_load_explicit(&pool->generation, memory_order_acquire);
    for (int i = 0; gen == seen && i < QCRT_SPIN_ITERATIONS &&
                    !atomic_load_explicit(&pool->stop, memory_order_relaxed);
         ++i) {
      cpuRelax();
      gen = atomic_load_explicit(&pool->generation, memory_order_acquire);
    }
    if (gen == seen) {
      /* Block: the caller bumps the generation under the mutex. */
      pthread_mutex_lock(&pool->mutex);
      while (!atomic_load(&pool->stop) &&
             (gen = atomic_load(&pool->generation)) == seen)
        pthread_cond_wait(&pool->wake, &pool->mutex);
      pthread_mutex_unlock(&pool->mutex);
    }
    if (atomic_load(&pool->stop))
      break;
    seen = gen;
    runChunks(pool, gen, self->index);
  }
  return NULL;
}

static void stopWorkers(qcrt_pool *pool) {
  pthread_mutex_lock(&pool->mutex);
  atomic_store(&pool->stop, 1);
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->mutex);
  for (int32_t i = 0; i < pool->numStarted; ++i)
    pthread_join(pool->workers[i].thread, NULL);
  pool->numStarted = 0;
}

qc_status qcrt_pool_create(int32_t num_threads, qcrt_pool **out_pool) {
  if (!out_pool)
    return qcrt_fail(QC_STATUS_NULL_POINTER, "qcrt_pool_create: out_pool");
  *out_pool = NULL;
  if (num_threads < 1 || num_threads > QC_MAX_THREADS)
    return qcrt_fail(QC_STATUS_INVALID_ARGUMENT,
                     "thread count %d is outside [1, %d]", (int)num_threads,
                     QC_MAX_THREADS);
  qcrt_pool *pool = (qcrt_pool *)calloc(1, sizeof *pool);
  if (!pool)
    return qcrt_fail(QC_STATUS_OUT_OF_MEMORY, "cannot allocate a thread pool");
  pool->numThreads = num_threads;
  if (num_threads > 1) {
    pool->workers =
        (qcrt_worker *)calloc((size_t)(num_threads - 1), sizeof(qcrt_worker));
    if (!pool->workers) {
      free(pool);
      return qcrt_fail(QC_STATUS_OUT_OF_MEMORY,
                       "cannot allocate %d worker records",
                       (int)num_threads - 1);
    }
  }
  pthread_mutex_init(&pool->submitMutex, NULL);
  pthread_mutex_init(&pool->mutex, NULL);
  pthread_cond_init(&pool->wake, NULL);
  pthread_cond_init(&pool->done, NULL);
  for (int32_t i = 0; i < num_threads - 1; ++i) {
    qcrt_worker *w = &pool->workers[i];
    w->pool = pool;
    w->index = i + 1;
    int rc = pthread_create(&w->thread, NULL, workerMain, w);
    if (rc != 0) {
      qcrt_pool_destroy(pool);
      return qcrt_fail(QC_STATUS_INTERNAL,
                       "cannot start worker thread %d of %d (error %d)",
                       (int)i + 1, (int)num_threads, rc);
    }
    pool->numStarted = i + 1;
  }
  *out_pool = pool;
  return QC_STATUS_OK;
}

void qcrt_pool_destroy(qcrt_pool *pool) {
  if (!pool)
    return;
  stopWorkers(pool);
  pthread_cond_destroy(&pool->done);
  pthread_cond_destroy(&pool->wake);
  pthread_mutex_destroy(&pool->mutex);
  pthread_mutex_destroy(&pool->submitMutex);
  free(pool->workers);
  free(pool);
}

int32_t qcrt_pool_num_threads(const qcrt_pool *pool) {
  return pool ? pool->numThreads : 0;
}

void qcrt_pool_parallel_for(qcrt_pool *pool, int64_t begin, int64_t end,
                            qc_range_fn fn, void *user) {
  if (!fn || end <= begin)
    return;
  /* No pool or nested inside a chunk: run serially on this thread. */
  if (!pool || tlsThreadIndex >= 0) {
    fn(user, begin, end);
    return;
  }
  /* One thread, or one index (only chunk 0 would have work): the caller is
   * thread 0, and no worker is woken for nothing. */
  if (pool->numThreads == 1 || end - begin == 1) {
    tlsThreadIndex = 0;
    fn(user, begin, end);
    tlsThreadIndex = -1;
    return;
  }
  pthread_mutex_lock(&pool->submitMutex);
  pool->begin = begin;
  pool->end = end;
  pool->fn = fn;
  pool->user = user;
  atomic_store_explicit(&pool->pending, pool->numThreads,
                        memory_order_relaxed);
  uint64_t gen =
      atomic_load_explicit(&pool->generation, memory_order_relaxed) + 1;
  /* The claim word opens the job's chunks (release: after its fields); the
   * generation wakes spinning workers, the mutex and broadcast blocked
   * ones. */
  atomic_store_explicit(&pool->claim, gen << QCRT_CHUNK_BITS,
                        memory_order_release);
  pthread_mutex_lock(&pool->mutex);
  atomic_store_explicit(&pool->generation, gen, memory_order_release);
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->mutex);

  runChunks(pool, gen, 0);

  for (int i = 0; i < QCRT_SPIN_ITERATIONS &&
                  atomic_load_explicit(&pool->pending, memory_order_acquire) > 0;
       ++i)
    cpuRelax();
  if (atomic_load_explicit(&pool->pending, memory_order_acquire) > 0) {
    pthread_mutex_lock(&pool->mutex);
    while (atomic_load(&pool->pending) > 0)
      pthread_cond_wait(&pool->done, &pool->mutex);
    pthread_mutex_unlock(&pool->mutex);
  }
  pthread_mutex_unlock(&pool->submitMutex);
}
