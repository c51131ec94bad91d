/*
 * mem.c — counted heap wrappers with fault injection (see mem.h).
 *
 * Each block carries a 16-byte header holding its size, so bk_free can keep the
 * live-byte count exact without malloc_usable_size().
 *
 * Page blocks (bk_alloc_pages) that are freed go to a process-wide cache, up to
 * 1/16 of RAM and at most 1 GiB, and are handed out again before anything is
 * mapped: a query's arenas die with it, and without the cache the next query's
 * fresh mappings made the kernel clear every 2 MiB page before its first touch
 * (41% of TPC-H q13's samples were clear_page).
 */
#include "base/mem.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* A freed page block in the cache; the header lives in the block's own first bytes. */
typedef struct cached_pages {
    struct cached_pages *next;
    size_t size;
} cached_pages;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cached_pages *cache;
static size_t cache_bytes;
static size_t cache_limit = (size_t)-1; /* set on first use */

static size_t page_cache_limit(void) {
    if (cache_limit == (size_t)-1) {
        long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
        size_t ram = pages > 0 && page > 0 ? (size_t)pages * (size_t)page : 0;
        cache_limit = BK_MIN(ram / 16, (size_t)1 << 30);
    }
    return cache_limit;
}

/*
 * The smallest cached block of at least `size` bytes, its tail past `size` unmapped;
 * NULL when there is none.
 */
static void *cache_take(size_t size) {
    pthread_mutex_lock(&cache_lock);
    cached_pages **best = NULL;
    for (cached_pages **pp = &cache; *pp; pp = &(*pp)->next)
        if ((*pp)->size >= size && (!best || (*pp)->size < (*best)->size)) best = pp;
    cached_pages *c = best ? *best : NULL;
    if (c) {
        *best = c->next;
        cache_bytes -= c->size;
    }
    pthread_mutex_unlock(&cache_lock);
    if (!c) return NULL;
    if (c->size > size) munmap((unsigned char *)c + size, c->size - size); /* 2 MiB multiples */
    return c;
}

/* Keep a freed block for reuse; false when the cache is full (the caller unmaps it). */
static bool cache_put(void *p, size_t size) {
    pthread_mutex_lock(&cache_lock);
    bool kept = cache_bytes + size <= page_cache_limit();
    if (kept) {
        cached_pages *c = p;
        c->size = size;
        c->next = cache;
        cache = c;
        cache_bytes += size;
    }
    pthread_mutex_unlock(&cache_lock);
    return kept;
}

/* Unmap every cached block (before a mapping is retried under memory pressure). */
static void cache_flush(void) {
    pthread_mutex_lock(&cache_lock);
    cached_pages *c = cache;
    cache = NULL;
    cache_bytes = 0;
    pthread_mutex_unlock(&cache_lock);
    while (c) {
        cached_pages *next = c->next;
        munmap(c, c->size);
        c = next;
    }
}

void *bk_alloc_pages(size_t n) {
    size_t size = bk_pages_size(n);
    if (size == 0 || size > SIZE_MAX - BK_PAGES_ALIGN || should_fail()) return NULL;
    void *reused = cache_take(size);
    if (reused) {
        atomic_fetch_add(&live_bytes, (int64_t)size);
        return reused;
    }
    /* Map one alignment unit more than needed, then cut off the unaligned ends. */
    size_t span = size + BK_PAGES_ALIGN;
    unsigned char *raw =
        mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        cache_flush();
        raw = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED) return NULL;
    }
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
    if (!cache_put(p, size)) munmap(p, size);
    atomic_fetch_sub(&live_bytes, (int64_t)size);
}

int64_t bk_mem_live_bytes(void) { return atomic_load(&live_bytes); }

void bk_mem_fail_after(int64_t n) { atomic_store(&fail_after, n); }

void bk_mem_fail_reset(void) {
    atomic_store(&fail_after, -1);
    atomic_store(&alloc_count, 0);
}

int64_t bk_mem_alloc_count(void) { return atomic_load(&alloc_count); }
