/*
 * op_sort.c — the ORDER BY sink, and top-N when the node has a limit.
 *
 * Parallelism: consume runs on every worker at once, each into its own local
 * state; combine runs once per worker on the calling thread (it only moves
 * chunk pointers); finish runs once and spreads its phases over the pool.
 *
 * Full sort.  Workers copy their chunks (with each chunk's morsel number, its
 * place in the source) and note per key whether NULLs occur and how long
 * strings get (and the range of a first integer key).  Finishing orders the
 * chunks ("items") by morsel, so refs (item << 32 | row) follow source order,
 * and then, on the pool:
 *
 *   1. per column, where each item's values are (col_src; nested columns are
 *      concatenated once), a task per column;
 *   2. the rows are cut into runs (two per thread); per run a task encodes the
 *      rows' keys as records (sort_keys.c) and sorts them (sort_merge.c: radix
 *      when the key words decide alone, else merge sort);
 *   3. the runs are merged by a loser tree, split by key ranges into tasks,
 *      into the refs of the output rows;
 *   4. output chunks are gathered by ref straight from the items (a typed
 *      copy per column), 8 chunks per task.
 *
 * Ties keep source order (the ref is the last record word), so the result
 * does not depend on which worker saw which chunk.
 *
 * Top-N (node->u.sort.limit = N >= 0).  Each worker keeps at most
 * max(2N, N + 8192) rows: when its buffer is full it sorts it, keeps the first
 * N in a fresh arena and frees the old one.  Once it holds N rows, the N-th is
 * a bound: incoming rows that do not sort before it are dropped before they
 * are copied (sort_filter_before, a typed loop per key).  Rows carry their
 * source position (morsel, row in morsel) through these rounds, so ties break
 * as in the full sort.  Finishing sorts the union of the workers' buffers the
 * same way as above and stops the merge after N rows.  Memory is O(N x workers).
 *
 * Memory: everything is allocated in arenas under the query arena, so the
 * query's limit holds; records and scratch live in arenas freed before
 * finishing returns.
 */
#include <stdlib.h>
#include <string.h>

#include "base/thread.h"
#include "engine/exec/sort_int.h"

#define TOPN_MAX ((int64_t)1 << 30) /* larger limits: a full sort, then cut */

typedef struct sort_item {
    exec_chunk c;            /* the rows, in a worker's arena */
    uint64_t morsel;         /* source position of a copied chunk */
    const uint64_t *morsels; /* top-N kept rows: each row's morsel (NULL: `morsel`) */
    const uint32_t *in_rows; /* and its row within it (NULL: the row's index) */
    size_t seq;              /* arrival order in the sink (ties of equal morsels) */
} sort_item;

typedef struct sort_list {
    sort_item *items;
    size_t n, cap;
    size_t n_rows;
} sort_list;

typedef struct sort_local {
    bk_arena *arena; /* the rows' arena (top-N: replaced at each shrink) */
    sort_list list;
    sort_key_stats *stats; /* per key */
    bool has_bound;        /* top-N: items[0] holds exactly N sorted rows */
} sort_local;

typedef struct sort_state {
    sort_list list; /* every worker's items, in ctx->arena */
    sort_key_stats *stats;
    uint32_t n_keys;
    int64_t limit; /* top-N's N, or -1 */
    sort_cmp_fn *cmp;
} sort_state;

static bk_status list_push(bk_arena *a, sort_list *l, const sort_item *it, bk_error *err) {
    sort_item *slot = bk_arena_push(a, &l->items, &l->n, &l->cap, sizeof *slot, 16);
    if (!slot) return bk_arena_oom(a, err);
    *slot = *it;
    l->n_rows += it->c.n;
    return BK_OK;
}

/* Copy rows sel[0..n) (all rows when sel is NULL) of c into `a`, strings included. */
static bk_status copy_chunk(bk_arena *a, const exec_chunk *c, const uint32_t *sel, size_t n,
                            exec_chunk *out, bk_error *err) {
    uint32_t *idx = NULL;
    if (!sel) {
        idx = bk_arena_array(a, n ? n : 1, sizeof *idx);
        if (!idx) return bk_arena_oom(a, err);
        for (size_t i = 0; i < n; i++) idx[i] = (uint32_t)i;
        sel = idx;
    }
    out->n = n;
    out->n_cols = c->n_cols;
    out->cols = bk_arena_array(a, c->n_cols ? c->n_cols : 1, sizeof *out->cols);
    if (!out->cols) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < c->n_cols; k++) {
        bk_vector *v = bk_vector_take(a, c->cols[k], sel, n);
        if (!v || !bk_vector_own_strings(a, v)) return bk_arena_oom(a, err);
        out->cols[k] = v;
    }
    return BK_OK;
}

/* Column `col` of every item, concatenated in `a` (a view when there is one item). */
static bk_vector *concat_column(bk_arena *a, const sort_list *l, const bk_type *type,
                                uint32_t col) {
    if (l->n == 0) return bk_vector_make(a, type, 0);
    if (l->n == 1) return l->items[0].c.cols[col];
    bk_vector **parts = bk_arena_array(a, l->n, sizeof *parts);
    if (!parts) return NULL;
    for (size_t i = 0; i < l->n; i++) parts[i] = l->items[i].c.cols[col];
    return bk_vector_concat(a, parts, l->n);
}

/*
 * Where one column's values are, item by item, for gathering rows by ref.
 * Nested columns are concatenated once (`whole`) and gathered by row number.
 */
typedef struct col_src {
    const bk_type *type;
    size_t width;
    const uint8_t **data;     /* per item */
    const uint8_t **validity; /* per item (NULL: no NULLs) */
    bool has_null;            /* some item has a validity bitmap */
    bk_vector *whole;         /* nested types: every item's rows, concatenated */
    const size_t *offsets;    /* first row of each item (for `whole`) */
} col_src;

static bool col_src_init(bk_arena *a, const sort_list *l, const size_t *offsets,
                         const bk_type *type, uint32_t col, col_src *cs) {
    memset(cs, 0, sizeof *cs);
    cs->type = type;
    cs->offsets = offsets;
    if (bk_type_is_nested(type)) {
        cs->whole = concat_column(a, l, type, col);
        return cs->whole != NULL;
    }
    cs->width = bk_type_width(type);
    cs->data = bk_arena_array(a, l->n ? l->n : 1, sizeof *cs->data);
    cs->validity = bk_arena_array(a, l->n ? l->n : 1, sizeof *cs->validity);
    if (!cs->data || !cs->validity) return false;
    for (size_t i = 0; i < l->n; i++) {
        const bk_vector *v = l->items[i].c.cols[col];
        cs->data[i] = v->data;
        cs->validity[i] = v->validity;
        cs->has_null |= v->validity != NULL;
    }
    return true;
}

/*
 * The rows of refs[0..m) of one column as a new vector in `a` (string values
 * stay views of the items' bytes).  NULL on OOM.
 */
static bk_vector *gather_column(bk_arena *a, const col_src *cs, const uint64_t *refs, size_t m) {
    if (cs->whole) {
        uint32_t *rows = bk_arena_array(a, m ? m : 1, sizeof *rows);
        if (!rows) return NULL;
        for (size_t i = 0; i < m; i++)
            rows[i] = (uint32_t)(cs->offsets[refs[i] >> 32] + (uint32_t)refs[i]);
        return bk_vector_take(a, cs->whole, rows, m);
    }
    bk_vector *v = bk_vector_make(a, cs->type, m);
    if (!v) return NULL;
#define GATHER(ctype)                                                                            \
    do {                                                                                         \
        ctype *dst = v->data;                                                                    \
        for (size_t i = 0; i < m; i++)                                                           \
            dst[i] = ((const ctype *)cs->data[refs[i] >> 32])[(uint32_t)refs[i]];                \
    } while (0)
    switch (cs->width) {
    case 0:
        return v; /* VOID: every row NULL already */
    case 1:
        GATHER(uint8_t);
        break;
    case 2:
        GATHER(uint16_t);
        break;
    case 4:
        GATHER(uint32_t);
        break;
    case 8:
        GATHER(uint64_t);
        break;
    case 16:
        GATHER(bk_i128); /* also bk_str: 16 bytes */
        break;
    default:
        return NULL;
    }
#undef GATHER
    if (cs->has_null) {
        for (size_t i = 0; i < m; i++) {
            const uint8_t *bits = cs->validity[refs[i] >> 32];
            uint32_t row = (uint32_t)refs[i];
            if (!bits || (bits[row >> 3] >> (row & 7)) & 1) continue;
            if (!v->validity && bk_vector_ensure_validity(a, v) != BK_OK) return NULL;
            bk_validity_set(v->validity, i, false);
        }
    }
    return v;
}

/* Per item, its chunk's columns (for sort_layout.item_cols). */
static bk_vector *const *const *item_columns(bk_arena *a, const sort_list *l) {
    bk_vector *const **cols = bk_arena_array(a, l->n ? l->n : 1, sizeof *cols);
    if (!cols) return NULL;
    for (size_t i = 0; i < l->n; i++) cols[i] = l->items[i].c.cols;
    return (bk_vector *const *const *)cols;
}

/* Records of rows [first, first + n) of the list (rows numbered across items). */
static void build_records(const sort_layout *lay, const sort_list *l, const size_t *offsets,
                          size_t first, size_t n, uint64_t *recs) {
    const size_t s = lay->stride;
    /* the item holding row `first`: binary search over the offsets */
    size_t lo = 0, hi = l->n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (offsets[mid] <= first)
            lo = mid;
        else
            hi = mid;
    }
    size_t row = first, end = first + n;
    for (size_t it = lo; row < end && it < l->n; it++) {
        const sort_item *item = &l->items[it];
        size_t from = row - offsets[it], m = BK_MIN(item->c.n - from, end - row);
        uint64_t *r = recs + (row - first) * s;
        sort_encode(lay, item->c.cols, from, m, r);
        for (size_t i = 0; i < m; i++) {
            uint64_t *t = r + i * s + lay->key_words;
            size_t at = from + i;
            uint64_t ref = (uint64_t)it << 32 | at;
            if (lay->packed) {
                uint32_t shift = lay->item_bits + lay->row_bits;
                r[i] = (r[i] - lay->pack_base) << shift | (uint64_t)it << lay->row_bits | at;
            } else if (lay->n_tie == 1) {
                t[0] = ref;
            } else {
                t[0] = item->morsels ? item->morsels[at] : item->morsel;
                t[1] = item->in_rows ? item->in_rows[at] : at;
                t[2] = ref;
            }
        }
        row += m;
    }
}

/* ---- top-N: the workers' buffers ---- */

static size_t topn_cap(int64_t limit) {
    size_t n = (size_t)limit;
    return BK_MAX(2 * n, n + 4 * EXEC_CHUNK_ROWS);
}

/*
 * Sort the worker's buffer and keep its first N rows, copied into a new arena
 * (the old one is freed); they become the one item, with their positions.
 */
static bk_status topn_shrink(exec_sink *sk, exec_worker *w, sort_local *lo, bk_error *err) {
    sort_state *st = sk->state;
    const exec_node *node = sk->node;
    const bk_type *schema = node->child->schema;
    sort_list *l = &lo->list;
    size_t n = l->n_rows, keep = BK_MIN(n, (size_t)st->limit);
    uint32_t n_cols = schema->n_children;
    bk_arena *tmp = bk_arena_new(w->arena, "top-N scratch", 0);
    bk_arena *next = bk_arena_new(w->arena, "top-N rows", 0);
    if (!tmp || !next) {
        bk_arena_free(tmp);
        bk_arena_free(next);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in ORDER BY ... LIMIT");
    }
    sort_layout lay;
    bk_status s =
        sort_layout_init(tmp, &lay, node->u.sort.keys, st->n_keys, schema, lo->stats, 3, err);
    size_t *offsets = bk_arena_array(tmp, l->n + 1, sizeof *offsets);
    uint64_t *recs = bk_arena_array(tmp, n, lay.stride * sizeof *recs);
    uint64_t *spare = bk_arena_array(tmp, n, lay.stride * sizeof *spare);
    uint64_t *refs = bk_arena_array(tmp, keep ? keep : 1, sizeof *refs);
    uint64_t *morsels = bk_arena_array(next, keep ? keep : 1, sizeof *morsels);
    uint32_t *in_rows = bk_arena_array(next, keep ? keep : 1, sizeof *in_rows);
    exec_chunk kept = {.n = keep, .n_cols = n_cols};
    kept.cols = bk_arena_array(next, n_cols ? n_cols : 1, sizeof *kept.cols);
    lay.item_cols = item_columns(tmp, l);
    if (s == BK_OK && (!offsets || !recs || !spare || !refs || !lay.item_cols))
        s = bk_arena_oom(tmp, err);
    if (s == BK_OK && (!morsels || !in_rows || !kept.cols)) s = bk_arena_oom(next, err);
    if (s == BK_OK) {
        offsets[0] = 0;
        for (size_t i = 0; i < l->n; i++) offsets[i + 1] = offsets[i] + l->items[i].c.n;
        build_records(&lay, l, offsets, 0, n, recs);
        sort_records(&lay, recs, n, spare);
        for (size_t i = 0; i < keep; i++) {
            const uint64_t *r = recs + i * lay.stride + lay.key_words;
            morsels[i] = r[0];
            in_rows[i] = (uint32_t)r[1];
            refs[i] = r[2];
        }
    }
    for (uint32_t k = 0; s == BK_OK && k < n_cols; k++) {
        col_src cs;
        if (!col_src_init(tmp, l, offsets, schema->children[k], k, &cs)) {
            s = bk_arena_oom(tmp, err);
            break;
        }
        kept.cols[k] = gather_column(next, &cs, refs, keep);
        if (!kept.cols[k] || !bk_vector_own_strings(next, kept.cols[k]))
            s = bk_arena_oom(next, err);
    }
    bk_arena_free(tmp);
    if (s != BK_OK) {
        bk_arena_free(next);
        return s;
    }
    if (lo->arena != w->arena) bk_arena_free(lo->arena);
    lo->arena = next;
    memset(l, 0, sizeof *l);
    sort_item it = {.c = kept, .morsels = morsels, .in_rows = in_rows};
    BK_TRY(list_push(next, l, &it, err));
    lo->has_bound = keep == (size_t)st->limit && keep > 0;
    return BK_OK;
}

static bk_status topn_consume(exec_sink *sk, exec_worker *w, sort_local *lo, const exec_chunk *c,
                              bk_error *err) {
    sort_state *st = sk->state;
    const uint32_t *sel = NULL;
    size_t n = c->n;
    if (lo->has_bound) {
        const sort_item *b = &lo->list.items[0];
        size_t brow = b->c.n - 1;
        uint32_t *picked = bk_arena_array(w->scratch, n, sizeof *picked);
        int8_t *scratch = bk_arena_alloc(w->scratch, 2 * n);
        if (!picked || !scratch) return bk_arena_oom(w->scratch, err);
        n = sort_filter_before(sk->node->u.sort.keys, st->n_keys, st->cmp, c->cols, c->n,
                               w->morsel, b->c.cols, brow, b->morsels[brow], b->in_rows[brow],
                               picked, scratch);
        if (n == 0) return BK_OK;
        sel = picked;
    }
    sort_item it = {.morsel = w->morsel};
    BK_TRY(copy_chunk(lo->arena, c, sel, n, &it.c, err));
    sort_stats_add(lo->stats, sk->node->u.sort.keys, st->n_keys, it.c.cols);
    BK_TRY(list_push(lo->arena, &lo->list, &it, err));
    if (lo->list.n_rows >= topn_cap(st->limit)) BK_TRY(topn_shrink(sk, w, lo, err));
    return BK_OK;
}

/* ---- the sink callbacks ---- */

static bk_status sort_local_new(exec_sink *s, exec_worker *w, void **local, bk_error *err) {
    sort_state *st = s->state;
    sort_local *lo = bk_arena_zalloc(w->arena, sizeof *lo);
    if (!lo) return bk_arena_oom(w->arena, err);
    lo->stats = bk_arena_array(w->arena, st->n_keys ? st->n_keys : 1, sizeof *lo->stats);
    if (!lo->stats) return bk_arena_oom(w->arena, err);
    memset(lo->stats, 0, (st->n_keys ? st->n_keys : 1) * sizeof *lo->stats);
    lo->arena = w->arena;
    if (st->limit >= 0) {
        lo->arena = bk_arena_new(w->arena, "top-N rows", 0);
        if (!lo->arena) return bk_arena_oom(w->arena, err);
    }
    *local = lo;
    return BK_OK;
}

static bk_status sort_consume(exec_sink *s, exec_worker *w, void *local, const exec_chunk *c,
                              bk_error *err) {
    sort_state *st = s->state;
    sort_local *lo = local;
    if (c->n == 0) return BK_OK;
    if (st->limit >= 0) return topn_consume(s, w, lo, c, err);
    sort_item it = {.morsel = w->morsel};
    BK_TRY(copy_chunk(lo->arena, c, NULL, c->n, &it.c, err));
    sort_stats_add(lo->stats, s->node->u.sort.keys, st->n_keys, it.c.cols);
    return list_push(lo->arena, &lo->list, &it, err);
}

static bk_status sort_combine(exec_sink *s, exec_worker *w, void *local, bk_error *err) {
    (void)w;
    sort_state *st = s->state;
    sort_local *lo = local;
    for (uint32_t k = 0; k < st->n_keys; k++) {
        sort_key_stats *g = &st->stats[k], *x = &lo->stats[k];
        g->has_null |= x->has_null;
        g->max_len = BK_MAX(g->max_len, x->max_len);
        if (x->has_range) {
            g->min = g->has_range ? BK_MIN(g->min, x->min) : x->min;
            g->max = g->has_range ? BK_MAX(g->max, x->max) : x->max;
            g->has_range = true;
        }
    }
    for (size_t i = 0; i < lo->list.n; i++) {
        sort_item it = lo->list.items[i];
        it.seq = st->list.n;
        BK_TRY(list_push(s->ctx->arena, &st->list, &it, err));
    }
    return BK_OK;
}

static int item_cmp(const void *x, const void *y) {
    const sort_item *a = x, *b = y;
    if (a->morsel != b->morsel) return a->morsel < b->morsel ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* ---- finishing on the pool ---- */

typedef struct finish_job {
    exec_sink *sink;
    const sort_list *list;
    const size_t *offsets; /* list.n + 1 */
    sort_layout lay;
    size_t n_rows;
    const bk_type *schema;
    bk_arena **arenas; /* per pool worker: output chunks and what they need */
    /* phase 1: where every column's values are */
    col_src *cols;
    /* phase 2: runs */
    uint32_t n_runs;
    uint64_t *recs, *spare;
    sort_run *runs;
    /* phase 4: output */
    const uint64_t *order; /* refs of the output rows */
    size_t want;
    exec_chunk *out;
    size_t n_out;
    /* the first error */
    bk_mutex *lock;
    atomic_bool failed;
    bk_status rc;
    bk_error err;
} finish_job;

static void job_fail(finish_job *j, bk_arena *a) {
    bk_error e;
    bk_arena_oom(a, &e);
    bk_mutex_lock(j->lock);
    if (!atomic_load(&j->failed)) {
        j->err = e;
        j->rc = e.code;
        atomic_store(&j->failed, true);
    }
    bk_mutex_unlock(j->lock);
}

static void column_task(void *arg, size_t col, int worker) {
    finish_job *j = arg;
    if (atomic_load(&j->failed)) return;
    bk_arena *a = j->arenas[worker];
    if (!col_src_init(a, j->list, j->offsets, j->schema->children[col], (uint32_t)col,
                      &j->cols[col]))
        job_fail(j, a);
}

static void run_task(void *arg, size_t r, int worker) {
    (void)worker;
    finish_job *j = arg;
    size_t first = j->n_rows * r / j->n_runs, end = j->n_rows * (r + 1) / j->n_runs;
    uint64_t *recs = j->recs + first * j->lay.stride;
    build_records(&j->lay, j->list, j->offsets, first, end - first, recs);
    sort_records(&j->lay, recs, end - first, j->spare + first * j->lay.stride);
    j->runs[r].recs = recs;
    j->runs[r].n = end - first;
}

enum { GATHER_CHUNKS = 8 }; /* output chunks per gather task */

static void gather_task(void *arg, size_t t, int worker) {
    finish_job *j = arg;
    if (atomic_load(&j->failed)) return;
    bk_arena *a = j->arenas[worker];
    uint32_t n_cols = j->schema->n_children;
    for (size_t o = t * GATHER_CHUNKS; o < j->n_out && o < (t + 1) * GATHER_CHUNKS; o++) {
        size_t first = o * EXEC_CHUNK_ROWS, m = BK_MIN((size_t)EXEC_CHUNK_ROWS, j->want - first);
        exec_chunk *c = &j->out[o];
        c->n = m;
        c->n_cols = n_cols;
        c->cols = bk_arena_array(a, n_cols ? n_cols : 1, sizeof *c->cols);
        bool ok = c->cols != NULL;
        for (uint32_t k = 0; ok && k < n_cols; k++) {
            c->cols[k] = gather_column(a, &j->cols[k], j->order + first, m);
            ok = c->cols[k] != NULL;
        }
        if (!ok) {
            job_fail(j, a);
            return;
        }
    }
}

/* Run fn over n tasks on the pool (or here); the job's first error, if any. */
static bk_status run_phase(finish_job *j, size_t n, bk_task_fn fn, bk_error *err) {
    exec_ctx *ctx = j->sink->ctx;
    BK_TRY(exec_check_cancel(ctx, err));
    if (ctx->pool && n > 1)
        bk_pool_run(ctx->pool, n, fn, j);
    else
        for (size_t i = 0; i < n; i++) fn(j, i, 0);
    if (atomic_load(&j->failed)) {
        if (err) *err = j->err;
        return j->rc;
    }
    return BK_OK;
}

/*
 * Sort the list and append its first `want` rows to res.  Records are allocated
 * in `work`, the runs' spare space (later the output refs) in `scratch`; the
 * caller frees both.  Output chunks go to per-worker arenas under the query arena.
 */
static bk_status finish_sorted(exec_sink *s, finish_job *j, size_t want, exec_table *res,
                               bk_arena *work, bk_arena *scratch, bk_error *err) {
    exec_ctx *ctx = s->ctx;
    sort_state *st = s->state;
    const exec_node *node = s->node;
    const sort_list *l = j->list;
    int threads = ctx->pool ? bk_pool_size(ctx->pool) : 1;
    uint32_t n_cols = j->schema->n_children;
    size_t n = j->n_rows;
    size_t *offsets = bk_arena_array(work, l->n + 1, sizeof *offsets);
    j->cols = bk_arena_array(work, n_cols ? n_cols : 1, sizeof *j->cols);
    j->arenas = bk_arena_array(work, (size_t)threads, sizeof *j->arenas);
    if (!offsets || !j->cols || !j->arenas) return bk_arena_oom(work, err);
    for (int i = 0; i < threads; i++) {
        j->arenas[i] = bk_arena_new(ctx->arena, "sort output", 0);
        if (!j->arenas[i]) return bk_arena_oom(ctx->arena, err);
    }
    offsets[0] = 0;
    for (size_t i = 0; i < l->n; i++) offsets[i + 1] = offsets[i] + l->items[i].c.n;
    j->offsets = offsets;
    BK_TRY(run_phase(j, n_cols, column_task, err));
    BK_TRY(sort_layout_init(work, &j->lay, node->u.sort.keys, st->n_keys, j->schema, st->stats,
                            st->limit >= 0 ? 3 : 1, err));
    j->lay.item_cols = item_columns(work, l);
    if (st->limit < 0) {
        size_t max_rows = 0;
        for (size_t i = 0; i < l->n; i++) max_rows = BK_MAX(max_rows, l->items[i].c.n);
        sort_layout_pack(&j->lay, st->stats, l->n, max_rows);
    }
    j->n_runs = (ctx->pool && n >= 16384) ? (uint32_t)BK_MIN(2 * threads, 64) : 1;
    j->recs = bk_arena_array(work, n, j->lay.stride * sizeof *j->recs);
    j->spare = bk_arena_array(scratch, n, j->lay.stride * sizeof *j->spare);
    j->runs = bk_arena_array(work, j->n_runs, sizeof *j->runs);
    if (!j->lay.item_cols || !j->recs || !j->runs) return bk_arena_oom(work, err);
    if (!j->spare) return bk_arena_oom(scratch, err);
    BK_TRY(run_phase(j, j->n_runs, run_task, err));
    /*
     * The refs of the output go where the runs' spare records were (want <= n
     * one-word refs fit in n records): fresh memory costs page faults.
     * OPTIMIZATION: a separate array works the same.
     */
    uint64_t *order = j->spare;
    BK_TRY(sort_merge_runs(ctx, work, &j->lay, j->runs, j->n_runs, want, order, err));
    j->order = order;
    j->want = want;
    j->n_out = (want + EXEC_CHUNK_ROWS - 1) / EXEC_CHUNK_ROWS;
    j->out = bk_arena_array(work, j->n_out ? j->n_out : 1, sizeof *j->out);
    if (!j->out) return bk_arena_oom(work, err);
    BK_TRY(run_phase(j, (j->n_out + GATHER_CHUNKS - 1) / GATHER_CHUNKS, gather_task, err));
    for (size_t o = 0; o < j->n_out; o++) BK_TRY(exec_table_push(res, &j->out[o], err));
    return BK_OK;
}

static bk_status sort_finish(exec_sink *s, exec_table **out, bk_error *err) {
    sort_state *st = s->state;
    exec_ctx *ctx = s->ctx;
    const exec_node *node = s->node;
    sort_list *l = &st->list;
    size_t n = l->n_rows;
    if (n > UINT32_MAX)
        return bk_error_set(err, BK_LIMIT_EXCEEDED, "ORDER BY over more than 4294967295 rows");
    size_t want = node->u.sort.limit >= 0 ? BK_MIN(n, (size_t)node->u.sort.limit) : n;
    exec_table *res = exec_table_make(ctx->arena, node->schema);
    if (!res) return bk_arena_oom(ctx->arena, err);
    *out = res;
    if (want == 0) return BK_OK;
    if (st->limit < 0) qsort(l->items, l->n, sizeof *l->items, item_cmp); /* source order */
    finish_job j = {.sink = s, .list = l, .n_rows = n, .schema = node->child->schema};
    j.lock = bk_mutex_new();
    bk_arena *work = bk_arena_new(ctx->arena, "sort records", 0);
    bk_arena *scratch = bk_arena_new(ctx->arena, "sort scratch", 0);
    bk_status rc;
    if (!j.lock || !work || !scratch) {
        rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in ORDER BY");
    } else {
        bk_error_clear(&j.err);
        rc = finish_sorted(s, &j, want, res, work, scratch, err);
    }
    bk_arena_free(scratch);
    bk_arena_free(work);
    bk_mutex_free(j.lock);
    return rc;
}

bk_status exec_sort_sink(exec_ctx *ctx, exec_node *node, exec_sink *s, bk_error *err) {
    sort_state *st = bk_arena_zalloc(ctx->arena, sizeof *st);
    if (!st) return bk_arena_oom(ctx->arena, err);
    st->n_keys = node->u.sort.n_keys;
    st->limit = node->u.sort.limit >= 0 && node->u.sort.limit < TOPN_MAX ? node->u.sort.limit : -1;
    st->stats = bk_arena_zalloc(ctx->arena, (st->n_keys ? st->n_keys : 1) * sizeof *st->stats);
    st->cmp = bk_arena_array(ctx->arena, st->n_keys ? st->n_keys : 1, sizeof *st->cmp);
    if (!st->stats || !st->cmp) return bk_arena_oom(ctx->arena, err);
    for (uint32_t k = 0; k < st->n_keys; k++)
        st->cmp[k] = sort_cmp_for(node->child->schema->children[node->u.sort.keys[k].column]);
    s->node = node;
    s->ctx = ctx;
    s->state = st;
    s->local_new = sort_local_new;
    s->consume = sort_consume;
    s->combine = sort_combine;
    s->finish = sort_finish;
    if (st->limit == 0) atomic_store(&s->full, true);
    return BK_OK;
}
