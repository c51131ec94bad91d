/*
 * test_base_thread.c — the worker pool: every task runs exactly once, the caller
 * participates, runs from several threads are serialized, and the mutex works.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "base/thread.h"
#include "test.h"

#define N_TASKS 10000

typedef struct counts {
    atomic_int hits[N_TASKS];
    atomic_int by_worker[64];
    atomic_long sum;
    int pool_size;
    atomic_int bad_worker;
} counts;

static void count_task(void *arg, size_t task, int worker) {
    counts *c = arg;
    atomic_fetch_add(&c->hits[task], 1);
    atomic_fetch_add(&c->sum, (long)task);
    if (worker < 0 || worker >= c->pool_size || worker >= 64)
        atomic_store(&c->bad_worker, 1);
    else
        atomic_fetch_add(&c->by_worker[worker], 1);
}

static counts *new_counts(int pool_size) {
    static counts c;
    memset(&c, 0, sizeof c);
    c.pool_size = pool_size;
    return &c;
}

BK_TEST(thread_cpu_count) {
    int n = bk_cpu_count();
    ASSERT_TRUE(n >= 1 && n <= 1024);
}

BK_TEST(thread_pool_runs_each_task_once) {
    bk_pool *p = bk_pool_new(4);
    ASSERT_TRUE(p != NULL);
    ASSERT_EQ(bk_pool_size(p), 4);
    for (int round = 0; round < 20; round++) {
        counts *c = new_counts(bk_pool_size(p));
        bk_pool_run(p, N_TASKS, count_task, c);
        for (int i = 0; i < N_TASKS; i++) ASSERT_EQ(atomic_load(&c->hits[i]), 1);
        ASSERT_EQ(atomic_load(&c->sum), (long)N_TASKS * (N_TASKS - 1) / 2);
        ASSERT_EQ(atomic_load(&c->bad_worker), 0);
    }
    bk_pool_free(p);
}

BK_TEST(thread_pool_default_size_and_edge_counts) {
    bk_pool *p = bk_pool_new(0);
    ASSERT_TRUE(p != NULL);
    ASSERT_EQ(bk_pool_size(p), bk_cpu_count());
    counts *c = new_counts(bk_pool_size(p));
    bk_pool_run(p, 0, count_task, c); /* nothing to do */
    ASSERT_EQ(atomic_load(&c->sum), 0);
    bk_pool_run(p, 1, count_task, c);
    ASSERT_EQ(atomic_load(&c->hits[0]), 1);
    ASSERT_EQ(atomic_load(&c->by_worker[0]), 1); /* a single task runs on the caller */
    bk_pool_free(p);
    bk_pool_free(NULL);
}

BK_TEST(thread_pool_of_one_and_null_run_inline) {
    bk_pool *p = bk_pool_new(1);
    ASSERT_EQ(bk_pool_size(p), 1);
    counts *c = new_counts(1);
    bk_pool_run(p, 100, count_task, c);
    ASSERT_EQ(atomic_load(&c->by_worker[0]), 100);
    bk_pool_free(p);
    c = new_counts(1);
    bk_pool_run(NULL, 50, count_task, c);
    ASSERT_EQ(atomic_load(&c->by_worker[0]), 50);
    ASSERT_EQ(bk_pool_size(NULL), 1);
}

/* Slow tasks make every worker take some: proof that the work is spread. */
typedef struct spread {
    atomic_int seen[64];
    atomic_int running;
    atomic_int max_running;
} spread;

static void slow_task(void *arg, size_t task, int worker) {
    (void)task;
    spread *s = arg;
    int now = atomic_fetch_add(&s->running, 1) + 1;
    int prev = atomic_load(&s->max_running);
    while (now > prev && !atomic_compare_exchange_weak(&s->max_running, &prev, now)) {
    }
    atomic_fetch_add(&s->seen[worker], 1);
    struct timespec ts = {0, 2000000}; /* 2 ms */
    nanosleep(&ts, NULL);
    atomic_fetch_sub(&s->running, 1);
}

BK_TEST(thread_pool_spreads_work_and_caller_participates) {
    bk_pool *p = bk_pool_new(3);
    static spread s;
    memset(&s, 0, sizeof s);
    bk_pool_run(p, 60, slow_task, &s);
    int total = 0;
    for (int w = 0; w < 3; w++) total += atomic_load(&s.seen[w]);
    ASSERT_EQ(total, 60);
    ASSERT_TRUE(atomic_load(&s.seen[0]) > 0); /* the caller took tasks */
    ASSERT_TRUE(atomic_load(&s.max_running) >= 2);
    bk_pool_free(p);
}

/* Several threads call bk_pool_run on one pool at once: calls are serialized. */
typedef struct caller_arg {
    bk_pool *pool;
    atomic_long total;
} caller_arg;

static void serial_task(void *arg, size_t task, int worker) {
    (void)worker;
    caller_arg *ca = arg;
    atomic_fetch_add(&ca->total, (long)task + 1);
}

static void *caller_main(void *arg) {
    caller_arg *ca = arg;
    for (int i = 0; i < 50; i++) bk_pool_run(ca->pool, 100, serial_task, ca);
    return NULL;
}

BK_TEST(thread_pool_concurrent_callers) {
    bk_pool *p = bk_pool_new(3);
    static caller_arg args[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        args[i].pool = p;
        atomic_store(&args[i].total, 0);
        ASSERT_EQ(pthread_create(&threads[i], NULL, caller_main, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
    for (int i = 0; i < 4; i++) ASSERT_EQ(atomic_load(&args[i].total), 50L * 5050);
    bk_pool_free(p);
}

/* Nested pools: a task may run a loop on a different pool. */
typedef struct nested_arg {
    bk_pool *inner;
    atomic_int count;
} nested_arg;

static void inner_task(void *arg, size_t task, int worker) {
    (void)task;
    (void)worker;
    nested_arg *na = arg;
    atomic_fetch_add(&na->count, 1);
}

static void outer_task(void *arg, size_t task, int worker) {
    (void)task;
    (void)worker;
    nested_arg *na = arg;
    bk_pool_run(na->inner, 10, inner_task, na);
}

BK_TEST(thread_pool_task_uses_other_pool) {
    bk_pool *outer = bk_pool_new(2), *inner = bk_pool_new(2);
    static nested_arg na;
    na.inner = inner;
    atomic_store(&na.count, 0);
    bk_pool_run(outer, 8, outer_task, &na);
    ASSERT_EQ(atomic_load(&na.count), 80);
    bk_pool_free(outer);
    bk_pool_free(inner);
}

typedef struct mutex_arg {
    bk_mutex *m;
    long counter;
} mutex_arg;

static void locked_increment(void *arg, size_t task, int worker) {
    (void)task;
    (void)worker;
    mutex_arg *ma = arg;
    for (int i = 0; i < 100; i++) {
        bk_mutex_lock(ma->m);
        ma->counter++;
        bk_mutex_unlock(ma->m);
    }
}

BK_TEST(thread_mutex_protects_counter) {
    bk_pool *p = bk_pool_new(4);
    mutex_arg ma = {bk_mutex_new(), 0};
    ASSERT_TRUE(ma.m != NULL);
    bk_pool_run(p, 200, locked_increment, &ma);
    ASSERT_EQ(ma.counter, 20000);
    bk_mutex_free(ma.m);
    bk_mutex_free(NULL);
    bk_pool_free(p);
}
