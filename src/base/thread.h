/*
 * thread.h — a fixed pool of worker threads running parallel loops.
 *
 * The one primitive is bk_pool_run: run fn(arg, i) for every i in [0, n), spread
 * over the workers and the calling thread, and return when all are done.  Work is
 * handed out one index at a time from a shared atomic counter (morsel-driven), so
 * uneven tasks balance themselves.  Tasks must not call bk_pool_run on the same
 * pool (no nesting); they may use their own arenas freely.
 *
 * Thread-safe: several threads may call bk_pool_run on one pool; calls are
 * serialized.
 */
#ifndef BRICKS_BASE_THREAD_H
#define BRICKS_BASE_THREAD_H

#include "base/bk.h"

typedef struct bk_pool bk_pool;

/* worker_index is in [0, bk_pool_size(p)), 0 being the calling thread. */
typedef void (*bk_task_fn)(void *arg, size_t task_index, int worker_index);

/* A pool with n_threads workers in total (the caller counts as one); 0 = CPU count. */
bk_pool *bk_pool_new(int n_threads);
void bk_pool_free(bk_pool *p); /* joins the workers; NULL is a no-op */
int bk_pool_size(const bk_pool *p);
void bk_pool_run(bk_pool *p, size_t n_tasks, bk_task_fn fn, void *arg);

/* Online CPUs (at least 1). */
int bk_cpu_count(void);

/* A plain mutex, so other modules need not include pthread.h. */
typedef struct bk_mutex bk_mutex;
bk_mutex *bk_mutex_new(void);
void bk_mutex_free(bk_mutex *m);
void bk_mutex_lock(bk_mutex *m);
void bk_mutex_unlock(bk_mutex *m);

#endif
