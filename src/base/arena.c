/*
 * arena.c — block-based region allocator (see arena.h).
 *
 * An arena owns a singly linked list of blocks.  Small requests are carved from
 * the current block; a request larger than a quarter of the block size gets a
 * block of its own, so huge column buffers do not waste the tail of a block.
 * Block sizes double from 4 KiB up to 2 MiB, so a short-lived arena stays small.
 * Blocks of 2 MiB and more are mapped with huge pages (bk_alloc_pages): a big
 * arena then takes one page fault per 2 MiB it fills, not one per 4 KiB.
 *
 * A reset keeps up to SPARE_LIMIT bytes of blocks on a spare list and reuses
 * them before asking the heap again.  Scans reset their arenas once per row
 * group and page; without this every reset returned megabytes to the kernel and
 * the next row group paid to fault them back in (a fifth of scan time).
 * OPTIMIZATION-IF-FALSE: a spare-list miss just allocates.
 */
#include "base/arena.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"

#define ALIGN 16
#define MIN_BLOCK (4u << 10)
#define MAX_BLOCK (2u << 20)
#define SPARE_LIMIT ((size_t)64 << 20)

typedef struct block {
    struct block *next;
    size_t cap;  /* usable bytes after the header */
    size_t used; /* bytes handed out */
    bool mapped; /* from bk_alloc_pages (else bk_malloc) */
    /* followed by 16-byte aligned payload */
} block;

#define BLOCK_HEADER ((sizeof(block) + ALIGN - 1) & ~(size_t)(ALIGN - 1))

struct bk_arena {
    const char *name;
    bk_arena *parent;
    bk_arena *first_child; /* children, linked through next_sibling */
    bk_arena *next_sibling;
    block *blocks; /* current block first */
    block *spare;  /* blocks kept by reset for reuse (counted in used) */
    size_t spare_bytes;
    size_t next_block; /* size of the next small block */
    /* bytes held in blocks (headers included), this arena's and its descendants':
     * children on other threads charge it concurrently, so it is atomic */
    _Atomic size_t used;
    size_t limit;      /* 0 = unlimited */
    bool failed;
    bk_cleanup *cleanups;
};

bk_arena *bk_arena_new(bk_arena *parent, const char *name, size_t limit) {
    bk_arena *a = bk_calloc(1, sizeof *a);
    if (!a) return NULL;
    a->name = name ? name : "arena";
    a->parent = parent;
    a->limit = limit;
    a->next_block = MIN_BLOCK;
    if (parent) {
        a->next_sibling = parent->first_child;
        parent->first_child = a;
    }
    return a;
}

/* True when adding `n` bytes keeps this arena and all its ancestors within their limits. */
static bool within_limits(const bk_arena *a, size_t n) {
    for (const bk_arena *p = a; p; p = p->parent) {
        if (p->limit && atomic_load_explicit(&p->used, memory_order_relaxed) + n > p->limit)
            return false;
    }
    return true;
}

static void charge(bk_arena *a, size_t n, bool add) {
    for (bk_arena *p = a; p; p = p->parent)
        if (add)
            atomic_fetch_add_explicit(&p->used, n, memory_order_relaxed);
        else
            atomic_fetch_sub_explicit(&p->used, n, memory_order_relaxed);
}

/* Blocks this large (header included) are mapped with huge pages. */
#define MAPPED_MIN (MAX_BLOCK - MAX_BLOCK / 8)

/* Bytes a block with `cap` usable bytes takes (mapped ones round up to 2 MiB); 0 if too big. */
static size_t block_bytes(size_t cap) {
    if (cap > SIZE_MAX - BK_PAGES_ALIGN - BLOCK_HEADER) return 0;
    size_t total = BLOCK_HEADER + cap;
    return total >= MAPPED_MIN ? bk_pages_size(total) : total;
}

/* A new block of `bytes` (from block_bytes) in all; NULL on OOM. */
static block *block_new(size_t bytes) {
    bool mapped = bytes >= MAPPED_MIN;
    block *b = mapped ? bk_alloc_pages(bytes) : bk_malloc(bytes);
    if (!b) return NULL;
    b->mapped = mapped;
    b->cap = bytes - BLOCK_HEADER;
    return b;
}

static void block_free(block *b) {
    if (b->mapped)
        bk_free_pages(b, BLOCK_HEADER + b->cap);
    else
        bk_free(b);
}

static void free_spare(bk_arena *a) {
    while (a->spare) {
        block *b = a->spare;
        a->spare = b->next;
        charge(a, BLOCK_HEADER + b->cap, false);
        block_free(b);
    }
    a->spare_bytes = 0;
}

/* A spare block of at least `cap` bytes, not wastefully larger; NULL if none. */
static block *take_spare(bk_arena *a, size_t cap) {
    size_t most = cap < MAX_BLOCK ? MAX_BLOCK : cap + cap / 2;
    for (block **pp = &a->spare; *pp; pp = &(*pp)->next) {
        block *b = *pp;
        if (b->cap >= cap && b->cap <= most) {
            *pp = b->next;
            a->spare_bytes -= BLOCK_HEADER + b->cap;
            return b;
        }
    }
    return NULL;
}

BK_NOINLINE static void *alloc_slow(bk_arena *a, size_t n) {
    size_t cap;
    bool dedicated = n > a->next_block / 4;
    cap = dedicated ? n : a->next_block - BLOCK_HEADER;
    block *b = a->spare ? take_spare(a, cap) : NULL;
    if (!b && a->spare && !within_limits(a, cap + BLOCK_HEADER)) free_spare(a);
    if (!b) {
        size_t bytes = block_bytes(cap);
        if (bytes == 0 || !within_limits(a, bytes)) {
            a->failed = true;
            return NULL;
        }
        b = block_new(bytes);
        if (!b) {
            a->failed = true;
            return NULL;
        }
        charge(a, BLOCK_HEADER + b->cap, true);
    }
    b->used = n;
    if (dedicated && a->blocks) {
        /* keep the current small block first so its tail stays usable */
        b->next = a->blocks->next;
        a->blocks->next = b;
    } else {
        b->next = a->blocks;
        a->blocks = b;
        if (a->next_block < MAX_BLOCK) a->next_block *= 2;
    }
    return (unsigned char *)b + BLOCK_HEADER;
}

void *bk_arena_alloc(bk_arena *a, size_t n) {
    if (BK_UNLIKELY(a->failed)) return NULL;
    if (n == 0) n = 1;
    if (n > SIZE_MAX - ALIGN) {
        a->failed = true;
        return NULL;
    }
    n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    block *b = a->blocks;
    if (BK_LIKELY(b && b->cap - b->used >= n)) {
        void *p = (unsigned char *)b + BLOCK_HEADER + b->used;
        b->used += n;
        return p;
    }
    return alloc_slow(a, n);
}

void *bk_arena_zalloc(bk_arena *a, size_t n) {
    void *p = bk_arena_alloc(a, n);
    if (p) memset(p, 0, n);
    return p;
}

void *bk_arena_array(bk_arena *a, size_t count, size_t size) {
    if (size && count > SIZE_MAX / size) {
        a->failed = true;
        return NULL;
    }
    return bk_arena_alloc(a, count * size);
}

void *bk_arena_memdup(bk_arena *a, const void *src, size_t n) {
    void *p = bk_arena_alloc(a, n);
    if (p && n) memcpy(p, src, n);
    return p;
}

char *bk_arena_strndup(bk_arena *a, const char *s, size_t n) {
    char *p = bk_arena_alloc(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *bk_arena_strdup(bk_arena *a, const char *s) { return bk_arena_strndup(a, s, strlen(s)); }

char *bk_arena_printf(bk_arena *a, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = n < 0 ? NULL : bk_arena_alloc(a, (size_t)n + 1);
    if (p) vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void bk_arena_on_reset(bk_arena *a, bk_cleanup *cb) {
    cb->next = a->cleanups;
    a->cleanups = cb;
}

bool bk_arena_own(bk_arena *a, void (*fn)(void *arg), void *arg) {
    bk_cleanup *c = bk_arena_zalloc(a, sizeof *c);
    if (!c) return false;
    c->fn = fn;
    c->arg = arg;
    bk_arena_on_reset(a, c);
    return true;
}

static void unlink_from_parent(bk_arena *a) {
    if (!a->parent) return;
    bk_arena **pp = &a->parent->first_child;
    while (*pp && *pp != a) pp = &(*pp)->next_sibling;
    if (*pp) *pp = a->next_sibling;
}

void bk_arena_reset(bk_arena *a) {
    while (a->first_child) bk_arena_free(a->first_child);
    while (a->cleanups) {
        bk_cleanup *cb = a->cleanups;
        a->cleanups = cb->next;
        cb->fn(cb->arg);
    }
    block *b = a->blocks;
    while (b) {
        block *next = b->next;
        if (a->spare_bytes + BLOCK_HEADER + b->cap <= SPARE_LIMIT) {
            b->next = a->spare;
            a->spare = b;
            a->spare_bytes += BLOCK_HEADER + b->cap;
        } else {
            charge(a, BLOCK_HEADER + b->cap, false);
            block_free(b);
        }
        b = next;
    }
    a->blocks = NULL;
    a->next_block = MIN_BLOCK;
    a->failed = false;
}

void bk_arena_free(bk_arena *a) {
    if (!a) return;
    bk_arena_reset(a);
    free_spare(a);
    unlink_from_parent(a);
    bk_free(a);
}

bool bk_arena_failed(const bk_arena *a) { return a->failed; }

size_t bk_arena_used(const bk_arena *a) {
    return atomic_load_explicit(&a->used, memory_order_relaxed);
}

bk_status bk_arena_oom(const bk_arena *a, bk_error *err) {
    for (const bk_arena *p = a; p; p = p->parent) {
        if (p->limit)
            return bk_error_set(err, BK_OUT_OF_MEMORY,
                                "out of memory: %s would exceed its limit of %zu bytes", p->name,
                                p->limit);
    }
    return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in %s", a->name);
}

void *bk_arena_push(bk_arena *a, void *items, size_t *n, size_t *cap, size_t size, size_t first) {
    unsigned char *base;
    memcpy(&base, items, sizeof base);
    if (*n == *cap) {
        size_t new_cap = *cap ? *cap * 2 : (first ? first : 1);
        unsigned char *grown = bk_arena_array(a, new_cap, size);
        if (!grown) return NULL;
        if (*n) memcpy(grown, base, *n * size);
        base = grown;
        memcpy(items, &base, sizeof base);
        *cap = new_cap;
    }
    unsigned char *slot = base + (*n)++ * size;
    memset(slot, 0, size);
    return slot;
}
