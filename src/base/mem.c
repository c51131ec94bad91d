/*
 * mem.c — counted heap wrappers with fault injection (see mem.h).
 *
 * Each block carries a 16-byte header holding its size, so bk_free can keep the
 * live-byte count exact without malloc_usable_size().
 */
#include "base/mem.h"

#include <malloc.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HEADER 16

static _Atomic int64_t live_bytes;
static _Atomic int64_t alloc_count;
static _Atomic int64_t fail_after = -1;

void bk_mem_init(void) {
#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

static bool should_fail(void) {
    atomic_fetch_add(&alloc_count, 1);
    int64_t left = atomic_load(&fail_after);
    if (left < 0) return false;
    if (left == 0) return true;
    return atomic_fetch_sub(&fail_after, 1) <= 0;
}

void *bk_malloc(size_t n) {
    if (n > SIZE_MAX - HEADER || should_fail()) return NULL;
    unsigned char *p = malloc(n + HEADER);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    atomic_fetch_add(&live_bytes, (int64_t)n);
    return p + HEADER;
}

void *bk_calloc(size_t count, size_t n) {
    if (n && count > SIZE_MAX / n) return NULL;
    void *p = bk_malloc(count * n);
    if (p) memset(p, 0, count * n);
    return p;
}

void *bk_realloc(void *p, size_t n) {
    if (!p) return bk_malloc(n);
    if (n > SIZE_MAX - HEADER || should_fail()) return NULL;
    unsigned char *base = (unsigned char *)p - HEADER;
    size_t old;
    memcpy(&old, base, sizeof old);
    unsigned char *q = realloc(base, n + HEADER);
    if (!q) return NULL;
    memcpy(q, &n, sizeof n);
    atomic_fetch_add(&live_bytes, (int64_t)n - (int64_t)old);
    return q + HEADER;
}

void bk_free(void *p) {
    if (!p) return;
    unsigned char *base = (unsigned char *)p - HEADER;
    size_t n;
    memcpy(&n, base, sizeof n);
    atomic_fetch_sub(&live_bytes, (int64_t)n);
    free(base);
}

void bk_free_foreign(void *p) { free(p); }

char *bk_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = bk_malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

size_t bk_pages_size(size_t n) {
    if (n > SIZE_MAX - BK_PAGES_ALIGN) return 0;
    return (n + BK_PAGES_ALIGN - 1) & ~(BK_PAGES_ALIGN - 1);
}

void *bk_alloc_pages(size_t n) {
    size_t size = bk_pages_size(n);
    if (size == 0 || size > SIZE_MAX - BK_PAGES_ALIGN || should_fail()) return NULL;
    /* Map one alignment unit more than needed, then cut off the unaligned ends. */
    size_t span = size + BK_PAGES_ALIGN;
    unsigned char *raw =
        mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return NULL;
    uintptr_t start = ((uintptr_t)raw + BK_PAGES_ALIGN - 1) & ~(uintptr_t)(BK_PAGES_ALIGN - 1);
    unsigned char *p = (unsigned char *)start;
    if (p > raw) munmap(raw, (size_t)(p - raw));
    size_t tail = (size_t)(raw + span - (p + size));
    if (tail) munmap(p + size, tail);
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE); /* a hint: without THP the pages are just smaller */
#endif
    atomic_fetch_add(&live_bytes, (int64_t)size);
    return p;
}

void bk_free_pages(void *p, size_t n) {
    if (!p) return;
    size_t size = bk_pages_size(n);
    munmap(p, size);
    atomic_fetch_sub(&live_bytes, (int64_t)size);
}

int64_t bk_mem_live_bytes(void) { return atomic_load(&live_bytes); }

void bk_mem_fail_after(int64_t n) { atomic_store(&fail_after, n); }

void bk_mem_fail_reset(void) {
    atomic_store(&fail_after, -1);
    atomic_store(&alloc_count, 0);
}

int64_t bk_mem_alloc_count(void) { return atomic_load(&alloc_count); }
