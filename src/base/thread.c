/*
 * thread.c — the worker pool behind bk_pool_run, and the mutex wrapper (see thread.h).
 *
 * A pool is size-1 worker threads plus whichever thread calls bk_pool_run.  A run
 * is published as a "generation": the caller stores the job (fn, arg, n_tasks),
 * resets the shared task counter, bumps `generation` and wakes every worker.  Each
 * participant then claims task indexes with an atomic fetch-add until the counter
 * passes n_tasks, and workers report back by decrementing `active`.  The caller
 * returns only when `active` is 0, so no worker can still be touching `arg`.
 *
 * Ordering: the job fields are written under `lock` before the broadcast and read
 * under `lock` after the wake-up, so workers always see the job of the generation
 * they woke for.  `run_lock` serializes whole runs, so a second caller waits until
 * the first run has fully drained.
 */
#include "base/thread.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "base/mem.h"

struct bk_pool {
    int size;                 /* participants: workers + the calling thread */
    int n_workers;            /* threads actually started (size - 1) */
    pthread_t *threads;       /* n_workers entries */
    pthread_mutex_t run_lock; /* held for the whole of one bk_pool_run */
    pthread_mutex_t lock;     /* guards everything below except next_task */
    pthread_cond_t wake;      /* workers wait here for a new generation or stop */
    pthread_cond_t done;      /* the caller waits here for active == 0 */
    uint64_t generation;      /* bumped once per run */
    bool stop;                /* set by bk_pool_free */
    int active;               /* workers that have not finished the current run */
    bk_task_fn fn;            /* the current job */
    void *arg;
    size_t n_tasks;
    atomic_size_t next_task; /* next unclaimed task index */
};

typedef struct worker_start {
    bk_pool *pool;
    int index; /* 1..n_workers */
} worker_start;

/* The pool this thread is currently running tasks for (detects nested runs). */
static _Thread_local bk_pool *running_pool;

/* Claim and run tasks until none are left. */
static void drain(bk_pool *p, bk_task_fn fn, void *arg, size_t n_tasks, int worker_index) {
    for (;;) {
        size_t task = atomic_fetch_add(&p->next_task, 1);
        if (task >= n_tasks) return;
        fn(arg, task, worker_index);
    }
}

static void *worker_main(void *start_arg) {
    worker_start start = *(worker_start *)start_arg;
    bk_free(start_arg);
    bk_pool *p = start.pool;
    uint64_t seen = 0;
    running_pool = p;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && p->generation == seen) pthread_cond_wait(&p->wake, &p->lock);
        if (p->stop) break;
        seen = p->generation;
        bk_task_fn fn = p->fn;
        void *arg = p->arg;
        size_t n_tasks = p->n_tasks;
        pthread_mutex_unlock(&p->lock);

        drain(p, fn, arg, n_tasks, start.index);

        pthread_mutex_lock(&p->lock);
        if (--p->active == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int bk_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 1024 ? 1024 : (int)n;
}

/*
 * n_threads < 1 means one per CPU.  If the system refuses to start some threads,
 * the pool runs with those it got (at worst the caller alone).  NULL on OOM.
 */
bk_pool *bk_pool_new(int n_threads) {
    if (n_threads < 1) n_threads = bk_cpu_count();
    bk_pool *p = bk_calloc(1, sizeof *p);
    if (!p) return NULL;
    p->threads = bk_calloc((size_t)n_threads, sizeof *p->threads);
    if (!p->threads) {
        bk_free(p);
        return NULL;
    }
    pthread_mutex_init(&p->run_lock, NULL);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    atomic_init(&p->next_task, 0);
    for (int i = 1; i < n_threads; i++) {
        worker_start *start = bk_malloc(sizeof *start);
        if (!start) break;
        start->pool = p;
        start->index = i;
        if (pthread_create(&p->threads[p->n_workers], NULL, worker_main, start) != 0) {
            bk_free(start);
            break;
        }
        p->n_workers++;
    }
    p->size = p->n_workers + 1;
    return p;
}

void bk_pool_free(bk_pool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->n_workers; i++) pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    pthread_mutex_destroy(&p->run_lock);
    bk_free(p->threads);
    bk_free(p);
}

int bk_pool_size(const bk_pool *p) { return p ? p->size : 1; }

/*
 * Runs every task before returning.  p == NULL runs the tasks on the caller, in
 * order, as worker 0.  A single task, or a pool of one, also runs inline without
 * waking anyone (OPTIMIZATION: not needed for correctness).
 */
void bk_pool_run(bk_pool *p, size_t n_tasks, bk_task_fn fn, void *arg) {
    if (n_tasks == 0) return;
    if (!p || p->n_workers == 0 || n_tasks == 1) {
        for (size_t i = 0; i < n_tasks; i++) fn(arg, i, 0);
        return;
    }
    BK_ASSERT(running_pool != p); /* no nested runs on the same pool */
    pthread_mutex_lock(&p->run_lock);
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->arg = arg;
    p->n_tasks = n_tasks;
    atomic_store(&p->next_task, 0);
    p->active = p->n_workers;
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);

    bk_pool *outer = running_pool;
    running_pool = p;
    drain(p, fn, arg, n_tasks, 0);
    running_pool = outer;

    pthread_mutex_lock(&p->lock);
    while (p->active > 0) pthread_cond_wait(&p->done, &p->lock);
    p->fn = NULL;
    p->arg = NULL;
    pthread_mutex_unlock(&p->lock);
    pthread_mutex_unlock(&p->run_lock);
}

/* ---------------------------------------------------------------------------------------------
 * Mutex
 * ------------------------------------------------------------------------------------------- */

struct bk_mutex {
    pthread_mutex_t m;
};

/* NULL on OOM. */
bk_mutex *bk_mutex_new(void) {
    bk_mutex *m = bk_malloc(sizeof *m);
    if (!m) return NULL;
    if (pthread_mutex_init(&m->m, NULL) != 0) {
        bk_free(m);
        return NULL;
    }
    return m;
}

void bk_mutex_free(bk_mutex *m) {
    if (!m) return;
    pthread_mutex_destroy(&m->m);
    bk_free(m);
}

void bk_mutex_lock(bk_mutex *m) { pthread_mutex_lock(&m->m); }

void bk_mutex_unlock(bk_mutex *m) { pthread_mutex_unlock(&m->m); }
