/*
 * test_base_arena.c — arenas: alignment, growth, limits, children, cleanup order,
 * sticky failure, and the out-of-memory message.
 */
#include "base/arena.h"
#include "base/mem.h"
#include "test.h"

BK_TEST(arena_alloc_aligned_and_distinct) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_TRUE(a != NULL);
    ASSERT_EQ(bk_arena_used(a), 0);
    char *p1 = bk_arena_alloc(a, 1);
    char *p2 = bk_arena_alloc(a, 3);
    char *p3 = bk_arena_alloc(a, 0);
    ASSERT_TRUE(p1 && p2 && p3);
    ASSERT_EQ((uintptr_t)p1 % 16, 0);
    ASSERT_EQ((uintptr_t)p2 % 16, 0);
    ASSERT_EQ((uintptr_t)p3 % 16, 0);
    ASSERT_TRUE(p1 != p2 && p2 != p3);
    ASSERT_TRUE(bk_arena_used(a) > 0);
    bk_arena_free(a);
}

BK_TEST(arena_large_allocations_get_own_block) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    char *small = bk_arena_alloc(a, 16);
    char *big = bk_arena_alloc(a, 1 << 20);
    char *small2 = bk_arena_alloc(a, 16);
    ASSERT_TRUE(small && big && small2);
    memset(big, 0xAB, 1 << 20);
    /* the small block stays current: the next small allocation follows the first */
    ASSERT_EQ(small2 - small, 16);
    ASSERT_TRUE(bk_arena_used(a) >= (1 << 20));
    bk_arena_free(a);
}

BK_TEST(arena_zalloc_array_dup_printf) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    uint64_t *z = bk_arena_zalloc(a, 10 * sizeof *z);
    ASSERT_TRUE(z != NULL);
    for (int i = 0; i < 10; i++) ASSERT_EQ(z[i], 0);
    ASSERT_TRUE(bk_arena_array(a, 4, 8) != NULL);
    ASSERT_STR_EQ(bk_arena_strdup(a, "hello"), "hello");
    ASSERT_STR_EQ(bk_arena_strndup(a, "hello", 3), "hel");
    ASSERT_STR_EQ(bk_arena_printf(a, "%s-%d", "x", 42), "x-42");
    int v[3] = {1, 2, 3};
    int *d = bk_arena_memdup(a, v, sizeof v);
    ASSERT_TRUE(d && d != v && d[2] == 3);
    bk_arena_free(a);
}

BK_TEST(arena_array_overflow_fails_and_sticks) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_TRUE(bk_arena_array(a, SIZE_MAX / 2, 4) == NULL);
    ASSERT_TRUE(bk_arena_failed(a));
    /* sticky: even a tiny allocation now fails */
    ASSERT_TRUE(bk_arena_alloc(a, 1) == NULL);
    /* reset clears the failure */
    bk_arena_reset(a);
    ASSERT_TRUE(!bk_arena_failed(a));
    ASSERT_TRUE(bk_arena_alloc(a, 1) != NULL);
    bk_arena_free(a);
}

BK_TEST(arena_limit_is_enforced) {
    bk_arena *a = bk_arena_new(NULL, "query", 64 << 10);
    size_t got = 0;
    while (bk_arena_alloc(a, 1000)) got += 1000;
    ASSERT_TRUE(got > 0);
    ASSERT_TRUE(got <= 64 << 10);
    ASSERT_TRUE(bk_arena_failed(a));
    ASSERT_TRUE(bk_arena_used(a) <= 64 << 10);
    bk_error err;
    bk_error_clear(&err);
    ASSERT_EQ(bk_arena_oom(a, &err), BK_OUT_OF_MEMORY);
    ASSERT_EQ(err.code, BK_OUT_OF_MEMORY);
    ASSERT_STR_EQ(err.msg, "out of memory: query would exceed its limit of 65536 bytes");
    bk_arena_free(a);
}

BK_TEST(arena_child_counts_against_parent_limit) {
    bk_arena *parent = bk_arena_new(NULL, "query", 32 << 10);
    bk_arena *child = bk_arena_new(parent, "operator", 0);
    ASSERT_TRUE(child != NULL);
    ASSERT_TRUE(bk_arena_alloc(child, 16 << 10) != NULL);
    ASSERT_TRUE(bk_arena_used(parent) >= 16 << 10);
    /* the child has no limit of its own, but the parent's applies */
    ASSERT_TRUE(bk_arena_alloc(child, 20 << 10) == NULL);
    ASSERT_TRUE(bk_arena_failed(child));
    ASSERT_TRUE(!bk_arena_failed(parent));
    bk_error err;
    bk_error_clear(&err);
    bk_arena_oom(child, &err);
    ASSERT_CONTAINS(err.msg, "query would exceed its limit of 32768 bytes");
    /* freeing the child gives the parent its room back */
    bk_arena_free(child);
    ASSERT_EQ(bk_arena_used(parent), 0);
    ASSERT_TRUE(bk_arena_alloc(parent, 20 << 10) != NULL);
    bk_arena_free(parent);
}

BK_TEST(arena_oom_message_without_limit) {
    bk_arena *a = bk_arena_new(NULL, "scratch", 0);
    bk_error err;
    bk_error_clear(&err);
    ASSERT_EQ(bk_arena_oom(a, &err), BK_OUT_OF_MEMORY);
    ASSERT_STR_EQ(err.msg, "out of memory in scratch");
    ASSERT_EQ(bk_arena_oom(a, NULL), BK_OUT_OF_MEMORY);
    bk_arena_free(a);
}

static char order_log[32];
static size_t order_len;

static void record(void *arg) { order_log[order_len++] = *(const char *)arg; }

BK_TEST(arena_cleanups_run_last_first_children_before_parent) {
    order_len = 0;
    bk_arena *parent = bk_arena_new(NULL, "p", 0);
    bk_arena *child = bk_arena_new(parent, "c", 0);
    static const char c1 = '1', c2 = '2', cc = 'c';
    bk_cleanup cb1 = {record, (void *)&c1, NULL};
    bk_cleanup cb2 = {record, (void *)&c2, NULL};
    bk_cleanup cbc = {record, (void *)&cc, NULL};
    bk_arena_on_reset(parent, &cb1);
    bk_arena_on_reset(parent, &cb2);
    bk_arena_on_reset(child, &cbc);
    bk_arena_reset(parent);
    ASSERT_EQ(order_len, 3);
    /* children are freed first, then the parent's callbacks in reverse order */
    ASSERT_TRUE(memcmp(order_log, "c21", 3) == 0);
    /* callbacks run once: a second reset runs nothing */
    bk_arena_reset(parent);
    ASSERT_EQ(order_len, 3);
    /* the parent is still usable, and free runs newly registered callbacks */
    bk_arena_on_reset(parent, &cb1);
    ASSERT_TRUE(bk_arena_alloc(parent, 8) != NULL);
    bk_arena_free(parent);
    ASSERT_EQ(order_len, 4);
    ASSERT_EQ(order_log[3], '1');
}

BK_TEST(arena_tree_free_releases_all_heap) {
    int64_t before = bk_mem_live_bytes();
    bk_arena *root = bk_arena_new(NULL, "root", 0);
    for (int i = 0; i < 5; i++) {
        bk_arena *c = bk_arena_new(root, "child", 0);
        bk_arena *g = bk_arena_new(c, "grandchild", 0);
        ASSERT_TRUE(bk_arena_alloc(c, 100) && bk_arena_alloc(g, 100000));
    }
    /* freeing one child in the middle unlinks it cleanly */
    bk_arena *mid = bk_arena_new(root, "mid", 0);
    bk_arena_new(root, "last", 0);
    bk_arena_free(mid);
    ASSERT_TRUE(bk_mem_live_bytes() > before);
    bk_arena_free(root);
    ASSERT_EQ(bk_mem_live_bytes(), before);
    bk_arena_free(NULL);
}

BK_TEST(arena_heap_failure_is_sticky) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_TRUE(a != NULL);
    bk_mem_fail_after(0);
    void *p = bk_arena_alloc(a, 64);
    bk_mem_fail_reset();
    ASSERT_TRUE(p == NULL);
    ASSERT_TRUE(bk_arena_failed(a));
    ASSERT_TRUE(bk_arena_alloc(a, 64) == NULL); /* still failed though the heap recovered */
    bk_arena_reset(a);
    ASSERT_TRUE(bk_arena_alloc(a, 64) != NULL);
    bk_arena_free(a);
}

BK_TEST(arena_new_fails_cleanly_on_oom) {
    bk_mem_fail_after(0);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_mem_fail_reset();
    ASSERT_TRUE(a == NULL);
}

/* A reset keeps its blocks as spares: repeated rounds reuse them, never grow. */
BK_TEST(arena_reset_reuses) {
    bk_arena *a = bk_arena_new(NULL, "scratch", 0);
    size_t held = 0;
    for (int round = 0; round < 100; round++) {
        for (int i = 0; i < 100; i++) ASSERT_TRUE(bk_arena_alloc(a, 100) != NULL);
        ASSERT_TRUE(bk_arena_alloc(a, 3 << 20) != NULL); /* a dedicated block too */
        bk_arena_reset(a);
        if (round == 0) held = bk_arena_used(a);
        ASSERT_EQ(bk_arena_used(a), held);
    }
    ASSERT_TRUE(held > 0);
    bk_arena_free(a);
}

/* Spares do not count against a limit when the memory is needed for real. */
BK_TEST(arena_spares_yield_to_limit) {
    bk_arena *a = bk_arena_new(NULL, "scan", 8 << 20);
    ASSERT_TRUE(bk_arena_alloc(a, 5 << 20) != NULL);
    bk_arena_reset(a);
    ASSERT_TRUE(bk_arena_alloc(a, 7 << 20) != NULL);
    ASSERT_TRUE(!bk_arena_failed(a));
    bk_arena_free(a);
}

BK_TEST(arena_large_blocks_are_mapped_and_counted) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_TRUE(a != NULL);
    /* Small blocks grow to 2 MiB; big requests get mapped blocks rounded to 2 MiB. */
    unsigned char *big = bk_arena_alloc(a, (size_t)5 << 20);
    ASSERT_TRUE(big != NULL);
    big[0] = 1;
    big[((size_t)5 << 20) - 1] = 2;
    ASSERT_EQ(bk_arena_used(a) % BK_PAGES_ALIGN, 0);
    ASSERT_TRUE(bk_arena_used(a) >= ((size_t)5 << 20));
    for (int i = 0; i < 4000; i++) ASSERT_TRUE(bk_arena_alloc(a, 1000) != NULL);
    int64_t live = bk_mem_live_bytes();
    bk_arena_reset(a); /* blocks go to the spare list: still held */
    ASSERT_EQ(bk_mem_live_bytes(), live);
    unsigned char *again = bk_arena_zalloc(a, (size_t)5 << 20);
    ASSERT_TRUE(again != NULL && again[0] == 0);
    bk_arena_free(a);
    ASSERT_TRUE(bk_mem_live_bytes() < live);

    /* The limit counts what a mapped block really takes. */
    bk_arena *lim = bk_arena_new(NULL, "limited", (size_t)3 << 20);
    ASSERT_TRUE(bk_arena_alloc(lim, (size_t)5 << 19) == NULL); /* 2.5 MiB needs 4 MiB */
    ASSERT_TRUE(bk_arena_failed(lim));
    bk_arena_free(lim);
}

BK_TEST(arena_push_grows_and_keeps_order) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_TRUE(a != NULL);
    int64_t *items = NULL;
    size_t n = 0, cap = 0;
    for (int64_t i = 0; i < 1000; i++) {
        int64_t *slot = bk_arena_push(a, &items, &n, &cap, sizeof *slot, 4);
        ASSERT_TRUE(slot != NULL);
        ASSERT_EQ(*slot, 0); /* zeroed */
        *slot = i * 3;
    }
    ASSERT_EQ(n, 1000);
    ASSERT_TRUE(cap >= 1000);
    for (int64_t i = 0; i < 1000; i++) ASSERT_EQ(items[i], i * 3);
    bk_arena_free(a);
}
