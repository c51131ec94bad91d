/*
 * mem.h — the heap, for long-lived objects with a documented owner.
 *
 * All heap memory in Bricks goes through these wrappers (raw malloc/free are banned
 * by tools/check_src.sh).  They count live bytes and have a fault-injection hook so
 * tests can make the k-th allocation fail and check that the failure is clean.
 * Thread-safe.
 */
#ifndef BRICKS_BASE_MEM_H
#define BRICKS_BASE_MEM_H

#include "base/bk.h"

/*
 * Process-wide heap policy, called once at start by main().  Freed blocks of up
 * to 32 MiB stay in the heap instead of going back to the kernel, so a scan that
 * frees and reallocates its row-group buffers does not fault them in again (a
 * third of the page faults of a 10M-row scan).  Safe to skip; safe to call twice.
 */
void bk_mem_init(void);

void *bk_malloc(size_t n);               /* NULL on OOM (or injected failure) */
void *bk_calloc(size_t count, size_t n); /* zeroed; NULL on OOM or overflow */
void *bk_realloc(void *p, size_t n);     /* like realloc; p unchanged on failure */
void bk_free(void *p);                   /* bk_free(NULL) is a no-op */
char *bk_strdup(const char *s);          /* caller frees with bk_free */
/* Free memory a library allocated with plain malloc (e.g. libedit's readline()). */
void bk_free_foreign(void *p);

/*
 * Large blocks in a mapping of their own, aligned to 2 MiB, with transparent huge
 * pages requested (madvise MADV_HUGEPAGE): touching such a block faults once per
 * 2 MiB instead of once per 4 KiB page, which is most of the cost of filling
 * fresh memory (a 100,000-file Delta snapshot took 33,000 faults, now 1,100).
 * `n` is rounded up to BK_PAGES_ALIGN; bk_pages_size(n) says to what.  Memory is
 * NOT zeroed: a freed block is kept in a cache and handed out again (mem.c).  Free
 * with bk_free_pages(p, n) with the same n.  Counted and fault-injected like bk_malloc.
 */
#define BK_PAGES_ALIGN ((size_t)2 << 20)
size_t bk_pages_size(size_t n);
void *bk_alloc_pages(size_t n);
void bk_free_pages(void *p, size_t n);

/* Bytes currently allocated through these wrappers (approximate, for tests). */
int64_t bk_mem_live_bytes(void);

/*
 * Fault injection for tests: after `n` more successful allocations, every
 * allocation fails until bk_mem_fail_reset().  n < 0 disables.
 */
void bk_mem_fail_after(int64_t n);
void bk_mem_fail_reset(void);
/* Number of allocations made since the last bk_mem_fail_reset (for torture loops). */
int64_t bk_mem_alloc_count(void);

#endif
