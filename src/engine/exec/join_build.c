/*
 * join_build.c — the hash join's build: a radix-partitioned table, built in parallel.
 *
 * Three passes, each a bk_pool_run over independent pieces (join_table.h has
 * the layout):
 *
 *   1. per morsel of MORSEL_ROWS build rows: hash the keys (key_hash.c) and
 *      count the morsel's rows per partition (top hash bits);
 *   2. (serial, small) turn the counts into each morsel's write position in
 *      each partition; per morsel: scatter its rows (row, hash) there;
 *   3. per partition: count its rows per bucket (low hash bits) and place
 *      them, a counting sort, into the final entries.
 *
 * Both scatters are stable: morsels write their part of a partition in morsel
 * order, and rows within a morsel and within a partition in row order, so a
 * bucket lists its rows in build order, as a serial build would.  A partition
 * holds about PART_ROWS rows, so pass 3 works within the cache.  Small builds
 * take one partition and run on the calling thread.
 *
 * Every array is allocated before the tasks run (arenas are single-threaded);
 * the tasks only write their own disjoint ranges.
 */
#include <string.h>

#include "base/thread.h"
#include "engine/exec/join_table.h"

#define MORSEL_ROWS 65536
#define PART_ROWS 32768 /* rows per partition aimed at */
#define MAX_PART_BITS 8 /* 256 partitions: cache-sized ones, and few scatter streams */

typedef struct build_job {
    bk_vector *const *keys;
    uint32_t n_keys;
    bool null_safe;
    size_t n, n_morsels;
    exec_hj_table *t;
    uint32_t n_parts;
    uint64_t *hashes;  /* [n] */
    uint8_t *has_null; /* [n] */
    uint32_t *hist;    /* [n_morsels][n_parts]: counts, then write positions */
    uint32_t *p_row;   /* [n_entries]: rows grouped by partition */
    uint64_t *p_hash;  /* [n_entries]: their hashes */
    uint32_t *p_start; /* [n_parts + 1]: where each partition starts in p_row / entries */
} build_job;

static void run_tasks(exec_ctx *ctx, size_t n, bk_task_fn fn, void *arg) {
    if (ctx->pool && n > 1) {
        bk_pool_run(ctx->pool, n, fn, arg);
        return;
    }
    for (size_t i = 0; i < n; i++) fn(arg, i, 0);
}

static bool keep_row(const build_job *j, size_t r) { return j->null_safe || !j->has_null[r]; }

/* A hash's partition: the top part_bits of its slot (two shifts, each below 64). */
static uint32_t part_of(const exec_hj_table *t, uint64_t h) {
    return exec_hj_slot(t, h) >> (t->bits - t->part_bits);
}

/* Pass 1: hash a morsel's keys; count its kept rows per partition. */
static void hash_task(void *arg, size_t m, int worker) {
    (void)worker;
    build_job *j = arg;
    size_t first = m * MORSEL_ROWS, n = BK_MIN(MORSEL_ROWS, j->n - first);
    exec_keys_hash_rows(j->keys, j->n_keys, first, n, j->hashes + first, j->has_null + first);
    uint32_t *hist = j->hist + m * j->n_parts;
    for (size_t r = first; r < first + n; r++)
        if (keep_row(j, r)) hist[part_of(j->t, j->hashes[r])]++;
}

/* Pass 2: a morsel's kept rows to their partitions, in row order. */
static void scatter_task(void *arg, size_t m, int worker) {
    (void)worker;
    build_job *j = arg;
    size_t first = m * MORSEL_ROWS, n = BK_MIN(MORSEL_ROWS, j->n - first);
    uint32_t *pos = j->hist + m * j->n_parts;
    for (size_t r = first; r < first + n; r++) {
        if (!keep_row(j, r)) continue;
        uint64_t h = j->hashes[r];
        uint32_t at = pos[part_of(j->t, h)]++;
        j->p_row[at] = (uint32_t)r;
        j->p_hash[at] = h;
    }
}

/*
 * Pass 3: a partition's rows into its buckets, a stable counting sort.  The
 * partition owns buckets [p << lb_bits, (p + 1) << lb_bits) and entries
 * [p_start[p], p_start[p + 1]); it writes the starts of its buckets only.
 */
static void bucket_task(void *arg, size_t p, int worker) {
    (void)worker;
    build_job *j = arg;
    exec_hj_table *t = j->t;
    uint32_t lb_bits = t->bits - t->part_bits, nb = 1u << lb_bits, mask = nb - 1;
    uint32_t shift = 64 - t->bits, s = j->p_start[p], e = j->p_start[p + 1];
    uint32_t *off = t->offsets + ((size_t)p << lb_bits);
    memset(off, 0, nb * sizeof *off);
    for (uint32_t i = s; i < e; i++) off[(j->p_hash[i] >> shift) & mask]++;
    uint32_t at = s;
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t c = off[b];
        off[b] = at;
        at += c;
    }
    for (uint32_t i = s; i < e; i++) {
        uint64_t h = j->p_hash[i];
        t->entries[off[(h >> shift) & mask]++] = (exec_hj_entry){(uint32_t)h, j->p_row[i]};
    }
    /* off[b] is now the end of bucket b, the start of b + 1: shift by one */
    memmove(off + 1, off, (nb - 1) * sizeof *off);
    off[0] = s;
}

static uint32_t log2_at_least(size_t n) {
    uint32_t b = 0;
    while (((size_t)1 << b) < n) b++;
    return b;
}

bk_status exec_hj_build(exec_ctx *ctx, bk_vector *const *keys, uint32_t n_keys, size_t n,
                        bool null_safe, exec_hj_table *t, bk_error *err) {
    bk_arena *a = ctx->arena;
    memset(t, 0, sizeof *t);
    t->bits = BK_MAX(1, log2_at_least(2 * n)); /* load factor in (1/4, 1/2] */
    t->part_bits = BK_MIN(t->bits, log2_at_least((n + PART_ROWS - 1) / PART_ROWS));
    t->part_bits = BK_MIN(t->part_bits, MAX_PART_BITS);
    build_job j = {.keys = keys, .n_keys = n_keys, .null_safe = null_safe, .n = n, .t = t};
    j.n_parts = 1u << t->part_bits;
    j.n_morsels = (n + MORSEL_ROWS - 1) / MORSEL_ROWS;
    uint32_t P = j.n_parts;
    bk_arena *tmp = bk_arena_new(a, "join build", 0);
    if (!tmp) return bk_arena_oom(a, err);
    bk_status rc = BK_OK;
    j.hashes = bk_arena_array(tmp, n ? n : 1, sizeof *j.hashes);
    j.has_null = bk_arena_alloc(tmp, n ? n : 1);
    j.hist = bk_arena_zalloc(tmp, (j.n_morsels ? j.n_morsels : 1) * P * sizeof *j.hist);
    j.p_start = bk_arena_array(tmp, P + 1, sizeof *j.p_start);
    if (!j.hashes || !j.has_null || !j.hist || !j.p_start) goto oom;
    run_tasks(ctx, j.n_morsels, hash_task, &j);
    if ((rc = exec_check_cancel(ctx, err)) != BK_OK) goto out;

    /* partition p's rows: morsel 0's, then morsel 1's, ...; hist becomes write positions */
    size_t at = 0;
    for (uint32_t p = 0; p < P; p++) {
        j.p_start[p] = (uint32_t)at;
        for (size_t m = 0; m < j.n_morsels; m++) {
            uint32_t c = j.hist[m * P + p];
            j.hist[m * P + p] = (uint32_t)at;
            at += c;
        }
    }
    j.p_start[P] = (uint32_t)at;
    t->n_entries = at;
    j.p_row = bk_arena_array(tmp, at ? at : 1, sizeof *j.p_row);
    j.p_hash = bk_arena_array(tmp, at ? at : 1, sizeof *j.p_hash);
    t->entries = bk_arena_array(a, at ? at : 1, sizeof *t->entries);
    t->offsets = bk_arena_array(a, ((size_t)1 << t->bits) + 1, sizeof *t->offsets);
    if (!j.p_row || !j.p_hash || !t->entries || !t->offsets) goto oom;
    t->offsets[(size_t)1 << t->bits] = (uint32_t)at;
    run_tasks(ctx, j.n_morsels, scatter_task, &j);
    run_tasks(ctx, P, bucket_task, &j);
    rc = exec_check_cancel(ctx, err);
out:
    bk_arena_free(tmp);
    return rc;
oom:
    rc = bk_arena_oom(tmp, err); /* names the query arena's limit when there is one */
    goto out;
}
