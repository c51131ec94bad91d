/*
 * arena.h — region allocation: the unit of lifetime in Bricks.
 *
 * An arena hands out memory from large blocks and frees it all at once.  Arenas
 * form a tree (process > request > query > operator > per-chunk scratch): freeing
 * or resetting a parent frees its children.  Cleanup callbacks release non-memory
 * resources (file descriptors, pins) when the arena is reset or freed.
 *
 * Failure is sticky and bounded: each arena may carry a byte limit (0 = none; a
 * child also counts against its ancestors' limits).  The first failed allocation
 * sets `failed`; later allocations return NULL, and the owner reports one clear
 * out-of-memory error.
 *
 * Not thread-safe: one arena belongs to one thread at a time.
 */
#ifndef BRICKS_BASE_ARENA_H
#define BRICKS_BASE_ARENA_H

#include "base/bk.h"
#include "base/error.h"

typedef struct bk_arena bk_arena;

typedef struct bk_cleanup {
    void (*fn)(void *arg);
    void *arg;
    struct bk_cleanup *next; /* set by bk_arena_on_reset */
} bk_cleanup;

/*
 * New arena; `parent` may be NULL.  `name` (static string) appears in errors. NULL on OOM.
 * Children of one parent may allocate on different threads at once (the byte
 * counts they charge up the chain are atomic), but creating and freeing the
 * children of one parent is for one thread at a time.
 */
bk_arena *bk_arena_new(bk_arena *parent, const char *name, size_t limit);

/*
 * Append one element to a growing arena array: *items (a pointer to `size`-byte
 * elements; `items` is the address of that pointer) holds *n of *cap.  When full
 * it moves to a new array of twice the capacity (`first` to begin with; the old
 * one stays in the arena).  Returns the new, zeroed element (*n is then one
 * more), or NULL on OOM with everything unchanged.
 */
void *bk_arena_push(bk_arena *a, void *items, size_t *n, size_t *cap, size_t size, size_t first);

/* Memory aligned to 16 bytes; NULL on OOM or when the limit would be passed. */
void *bk_arena_alloc(bk_arena *a, size_t n);
void *bk_arena_zalloc(bk_arena *a, size_t n);
/* Array of `count` elements of `size` bytes, overflow-checked. */
void *bk_arena_array(bk_arena *a, size_t count, size_t size);
void *bk_arena_memdup(bk_arena *a, const void *src, size_t n);
char *bk_arena_strdup(bk_arena *a, const char *s);
char *bk_arena_strndup(bk_arena *a, const char *s, size_t n);
char *bk_arena_printf(bk_arena *a, const char *fmt, ...) BK_PRINTF(2, 3);

/* Run fn(arg) when `a` is next reset or freed (last registered runs first). */
void bk_arena_on_reset(bk_arena *a, bk_cleanup *cb);

/*
 * Run fn(arg) when `a` is reset or freed, with the bookkeeping allocated in `a`
 * (for resources an arena owns: open files, snapshots).  False on OOM, in which
 * case nothing is registered and the caller still owns `arg`.
 */
bool bk_arena_own(bk_arena *a, void (*fn)(void *arg), void *arg);

/*
 * Free every allocation and every child arena; the arena itself stays usable.
 * Up to 64 MiB of its blocks are kept for reuse until bk_arena_free.
 */
void bk_arena_reset(bk_arena *a);
/* Free the arena, its memory and its children.  bk_arena_free(NULL) is a no-op. */
void bk_arena_free(bk_arena *a);

bool bk_arena_failed(const bk_arena *a);
/* Bytes held by this arena and its children, spare blocks kept by a reset included. */
size_t bk_arena_used(const bk_arena *a);

/* Fill err with the standard out-of-memory message for `a` and return BK_OUT_OF_MEMORY. */
bk_status bk_arena_oom(const bk_arena *a, bk_error *err);

#endif
