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
    uint32_t *high;        /* [n]: each row's hash >> 32 (its tag, slot and partition) */
    uint8_t *has_null;     /* [n] */
    uint32_t *hist;        /* [n_morsels][n_parts]: counts, then write positions */
    exec_hj_entry *p_rows; /* [n_entries]: (tag, row) grouped by partition */
    uint32_t *p_start;     /* [n_parts + 1]: where each partition starts in p_rows / entries */
} build_job;

static void run_tasks(exec_ctx *ctx, size_t n, bk_task_fn fn, void *arg) {
    if (ctx->pool && n > 1) {
        bk_pool_run(ctx->pool, n, fn, arg);
        return;
    }
    for (size_t i = 0; i < n; i++) fn(arg, i, 0);
}

static bool keep_row(const build_job *j, size_t r) { return j->null_safe || !j->has_null[r]; }

/* A tag's partition: the top part_bits of its slot. */
static uint32_t part_of(const exec_hj_table *t, uint32_t tag) {
    return exec_hj_tag_slot(t, tag) >> (t->bits - t->part_bits);
}

/* Pass 1: hash a morsel's keys; count its kept rows per partition. */
static void hash_task(void *arg, size_t m, int worker) {
    (void)worker;
    build_job *j = arg;
    size_t first = m * MORSEL_ROWS, n = BK_MIN(MORSEL_ROWS, j->n - first);
    uint32_t *hist = j->hist + m * j->n_parts;
    uint64_t h[EXEC_CHUNK_ROWS];
    for (size_t done = 0; done < n; done += EXEC_CHUNK_ROWS) {
        size_t at = first + done, k = BK_MIN(EXEC_CHUNK_ROWS, n - done);
        exec_keys_hash_rows(j->keys, j->n_keys, at, k, h, j->has_null + at);
        for (size_t i = 0; i < k; i++) j->high[at + i] = (uint32_t)(h[i] >> 32);
    }
    for (size_t r = first; r < first + n; r++)
        if (keep_row(j, r)) hist[part_of(j->t, j->high[r])]++;
}

/* Pass 2: a morsel's kept rows to their partitions, in row order. */
static void scatter_task(void *arg, size_t m, int worker) {
    (void)worker;
    build_job *j = arg;
    size_t first = m * MORSEL_ROWS, n = BK_MIN(MORSEL_ROWS, j->n - first);
    uint32_t *pos = j->hist + m * j->n_parts;
    for (size_t r = first; r < first + n; r++) {
        if (!keep_row(j, r)) continue;
        uint32_t tag = j->high[r];
        j->p_rows[pos[part_of(j->t, tag)]++] = (exec_hj_entry){tag, (uint32_t)r};
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
    uint32_t s = j->p_start[p], e = j->p_start[p + 1];
    uint32_t *off = t->offsets + ((size_t)p << lb_bits);
    const exec_hj_entry *in = j->p_rows;
    memset(off, 0, nb * sizeof *off);
    for (uint32_t i = s; i < e; i++) off[exec_hj_tag_slot(t, in[i].tag) & mask]++;
    uint32_t at = s;
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t c = off[b];
        off[b] = at;
        at += c;
    }
    for (uint32_t i = s; i < e; i++)
        t->entries[off[exec_hj_tag_slot(t, in[i].tag) & mask]++] = in[i];
    /* off[b] is now the end of bucket b, the start of b + 1: shift by one */
    memmove(off + 1, off, (nb - 1) * sizeof *off);
    off[0] = s;
}

static uint32_t log2_at_least(size_t n) {
    uint32_t b = 0;
    while (((size_t)1 << b) < n) b++;
    return b;
}

/*
 * Scratch lives in two child arenas, so that the hashes are gone before the
 * table is allocated: at most about 24 bytes a row at a time besides the
 * build columns (hashes 5 + partitioned rows 8, then partitioned rows 8 +
 * entries 8 + offsets 8..16).
 */
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
    bk_arena *hashed = bk_arena_new(a, "join build", 0), *parted = bk_arena_new(a, "join build", 0);
    bk_status rc = BK_OK;
    if (!hashed || !parted) goto oom;
    j.high = bk_arena_array(hashed, n ? n : 1, sizeof *j.high);
    j.has_null = bk_arena_alloc(hashed, n ? n : 1);
    j.hist = bk_arena_zalloc(hashed, (j.n_morsels ? j.n_morsels : 1) * P * sizeof *j.hist);
    j.p_start = bk_arena_array(parted, P + 1, sizeof *j.p_start);
    if (!j.high || !j.has_null || !j.hist || !j.p_start) goto oom;
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
    j.p_rows = bk_arena_array(parted, at ? at : 1, sizeof *j.p_rows);
    if (!j.p_rows) goto oom;
    run_tasks(ctx, j.n_morsels, scatter_task, &j);
    bk_arena_free(hashed);
    hashed = NULL;
    t->entries = bk_arena_array(a, at ? at : 1, sizeof *t->entries);
    t->offsets = bk_arena_array(a, ((size_t)1 << t->bits) + 1, sizeof *t->offsets);
    if (!t->entries || !t->offsets) goto oom;
    t->offsets[(size_t)1 << t->bits] = (uint32_t)at;
    run_tasks(ctx, P, bucket_task, &j);
    rc = exec_check_cancel(ctx, err);
out:
    bk_arena_free(hashed);
    bk_arena_free(parted);
    return rc;
oom:
    rc = bk_arena_oom(a, err); /* names the query arena's limit when there is one */
    goto out;
}
