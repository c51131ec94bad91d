/*
 * op_window.c — the window sink: window functions over partitions and frames.
 *
 * Workers collect their chunks (as the sort sink does).  Finishing:
 *   1. hashes every row's PARTITION BY key (in parallel, 64K-row tasks) into
 *      one of up to 256 buckets, so that a partition lies in one bucket;
 *   2. runs one task per bucket on the pool: a stable merge sort of the
 *      bucket's rows by (partition keys, order keys), then for each partition
 *      and function the frames [fs, fe) of every row and the results;
 *   3. gathers each bucket's rows in sorted order with the result columns
 *      appended.  Output order is by bucket, not the input's.
 *
 * Evaluation is by whole partitions, never per-row expression work: frame
 * starts and ends are arrays (ROWS by arithmetic, RANGE by binary search of
 * the bound column the planner computed, CURRENT ROW in RANGE by peer
 * groups); COUNT, and SUM/AVG of integers and decimals, use exact (128-bit)
 * prefix sums, so any frame costs O(1) per row; SUM/AVG of floating point
 * keep Spark's left-to-right order for frames that start at the partition
 * (running and whole-partition frames) and for narrow sliding frames (re-added
 * per row), and use prefix differences of the finite values (NaN and the
 * infinities counted apart) for wide ones; MIN/MAX use a monotonic deque over
 * the (monotone) frames, O(n).  Value functions (lag, lead, first/last/nth
 * value, min, max) choose a source row per output row and gather once.
 *
 * Memory comes from arenas under the query arena, so the query memory limit
 * holds; the cancel flag is checked between partitions.
 */
#include <string.h>

#include "base/i128.h"
#include "engine/exec/agg_int.h"
#include "engine/exec/exec_int.h"
#include "engine/exec/fn_common.h"
#include "engine/exec/op_window_agg.h"

#define WIN_MAX_BUCKETS 256
#define WIN_HASH_TASK_ROWS ((size_t)65536)
#define WIN_EXACT_SLIDING_WIDTH 512 /* wider double frames use prefix differences */

typedef struct win_state {
    exec_table *rows; /* every input chunk */
} win_state;

/* Shared by the finishing tasks (read-only but for the error). */
typedef struct win_job {
    exec_ctx *ctx;
    const exec_node *node;
    size_t n;
    bk_vector **cols;      /* the child's columns, whole */
    bk_vector **src;       /* per function: value source (arg ++ default or NULL row), or NULL */
    uint32_t *bucket_of;   /* per row */
    uint32_t n_buckets;
    uint32_t *bucket_rows; /* row ids grouped by bucket */
    size_t *bucket_start;  /* n_buckets + 1 */
    bk_arena **arenas;     /* per bucket */
    bk_arena **scratch;    /* per bucket, while it runs */
    size_t wave;           /* the first bucket of the tasks running now */
    exec_table **outs;     /* per bucket */
    bk_mutex *lock;
    atomic_bool failed;
    bk_error err;
} win_job;

static void job_fail(win_job *j, const bk_error *e) {
    bk_mutex_lock(j->lock);
    if (!atomic_load(&j->failed)) {
        j->err = *e;
        atomic_store(&j->failed, true);
    }
    bk_mutex_unlock(j->lock);
}

/* ---- the sink: collect ---- */

static bk_status win_local_new(exec_sink *s, exec_worker *w, void **local, bk_error *err) {
    exec_table *t = exec_table_make(w->arena, s->node->child->schema);
    if (!t) return bk_arena_oom(w->arena, err);
    *local = t;
    return BK_OK;
}

static bk_status win_consume(exec_sink *s, exec_worker *w, void *local, const exec_chunk *c,
                             bk_error *err) {
    (void)s;
    (void)w;
    return exec_table_append(local, c, NULL, 0, err);
}

static bk_status win_combine(exec_sink *s, exec_worker *w, void *local, bk_error *err) {
    (void)w;
    win_state *st = s->state;
    return exec_table_move(st->rows, local, err);
}

/* ---- comparing rows ---- */

/* Partition keys: NULL equals NULL and sorts first. */
static int part_cmp(const win_job *j, uint32_t x, uint32_t y) {
    const exec_node *n = j->node;
    for (uint32_t k = 0; k < n->u.window.n_partition; k++) {
        const bk_vector *v = j->cols[n->u.window.partition[k]];
        bool vx = bk_vector_is_valid(v, x), vy = bk_vector_is_valid(v, y);
        if (!vx || !vy) {
            if (vx == vy) continue;
            return !vx ? -1 : 1;
        }
        int r = bk_vector_compare(v, x, v, y);
        if (r) return r;
    }
    return 0;
}

/* One sort key of row x against row y of `w` (the key column, or a RANGE bound column). */
static int key_cmp(const exec_sort_key *k, const bk_vector *v, uint32_t x, const bk_vector *w,
                   uint32_t y) {
    bool vx = bk_vector_is_valid(v, x), vy = bk_vector_is_valid(w, y);
    if (!vx || !vy) {
        if (vx == vy) return 0;
        int r = !vx ? -1 : 1;
        return k->nulls_first ? r : -r;
    }
    int r = bk_vector_compare(v, x, w, y);
    return k->descending ? -r : r;
}

static int order_cmp(const win_job *j, uint32_t x, uint32_t y) {
    const exec_node *n = j->node;
    for (uint32_t k = 0; k < n->u.window.n_order; k++) {
        const exec_sort_key *key = &n->u.window.order[k];
        const bk_vector *v = j->cols[key->column];
        int r = key_cmp(key, v, x, v, y);
        if (r) return r;
    }
    return 0;
}

static int row_cmp(const win_job *j, uint32_t x, uint32_t y) {
    int r = part_cmp(j, x, y);
    return r ? r : order_cmp(j, x, y);
}

/*
 * What the sort compares: rows through their vectors, or, when every key is a
 * fixed-width number, positions through normalized keys (per key a NULL-rank
 * word and an order-preserving unsigned word), compared word by word.
 */
typedef struct sorter {
    const win_job *j;
    const uint64_t *norm; /* NULL: compare rows */
    uint32_t words;       /* per position */
} sorter;

static int item_cmp(const sorter *s, uint32_t x, uint32_t y) {
    if (!s->norm) return row_cmp(s->j, x, y);
    const uint64_t *a = s->norm + (size_t)x * s->words, *b = s->norm + (size_t)y * s->words;
    for (uint32_t w = 0; w < s->words; w++)
        if (a[w] != b[w]) return a[w] < b[w] ? -1 : 1;
    return 0;
}

/* Stable merge sort of idx[0..n) using tmp[0..n). */
static void merge_sort(const sorter *so, uint32_t *idx, uint32_t *tmp, size_t n) {
    if (n < 2) return;
    /* a cancelled query stops sorting (the caller checks the flag after the sort) */
    if (n >= 65536 && atomic_load_explicit(&so->j->ctx->cancel, memory_order_relaxed)) return;
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            uint32_t x = idx[i];
            size_t k = i;
            while (k > 0 && item_cmp(so, idx[k - 1], x) > 0) {
                idx[k] = idx[k - 1];
                k--;
            }
            idx[k] = x;
        }
        return;
    }
    size_t mid = n / 2;
    merge_sort(so, idx, tmp, mid);
    merge_sort(so, idx + mid, tmp + mid, n - mid);
    if (item_cmp(so, idx[mid - 1], idx[mid]) <= 0) return;
    size_t a = 0, b = mid, k = 0;
    while (a < mid && b < n) tmp[k++] = item_cmp(so, idx[b], idx[a]) < 0 ? idx[b++] : idx[a++];
    while (a < mid) tmp[k++] = idx[a++];
    while (b < n) tmp[k++] = idx[b++];
    memcpy(idx, tmp, n * sizeof *idx);
}

/* Can key values of this type be normalized to one order-preserving 64-bit word? */
static bool normalizable(const bk_type *t) {
    switch (t->kind) {
    case BK_TYPE_BOOLEAN:
    case BK_TYPE_TINYINT:
    case BK_TYPE_SMALLINT:
    case BK_TYPE_INT:
    case BK_TYPE_BIGINT:
    case BK_TYPE_DATE:
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE:
        return true;
    case BK_TYPE_DECIMAL:
        return t->precision <= BK_DECIMAL_INT64_MAX_PRECISION;
    default:
        return false;
    }
}

/* The order-preserving unsigned form of a valid value (Spark's order: -0.0 = 0.0, NaN last). */
static uint64_t norm_value(const bk_vector *v, size_t r) {
    int64_t x;
    switch (v->type->kind) {
    case BK_TYPE_BOOLEAN:
        return ((const uint8_t *)v->data)[r];
    case BK_TYPE_TINYINT:
        x = ((const int8_t *)v->data)[r];
        break;
    case BK_TYPE_SMALLINT:
        x = ((const int16_t *)v->data)[r];
        break;
    case BK_TYPE_INT:
    case BK_TYPE_DATE:
        x = ((const int32_t *)v->data)[r];
        break;
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE: {
        double d = v->type->kind == BK_TYPE_FLOAT ? ((const float *)v->data)[r]
                                                  : ((const double *)v->data)[r];
        uint64_t bits;
        if (d != d) return UINT64_MAX;
        if (d == 0) d = 0.0;
        memcpy(&bits, &d, sizeof bits);
        return (bits >> 63) ? ~bits : bits | (1ull << 63);
    }
    default:
        x = ((const int64_t *)v->data)[r];
        break;
    }
    return (uint64_t)x ^ (1ull << 63);
}

/*
 * Normalized keys of rows idx[0..m) (partition keys, then order keys), or NULL
 * when not all fit: per key a NULL-rank word (only for columns that have
 * NULLs) and the value word.  *part_words: the words of the partition keys.
 */
static uint64_t *normalize_keys(const win_job *j, bk_arena *a, const uint32_t *idx, size_t m,
                                uint32_t *words, uint32_t *part_words) {
    const exec_node *n = j->node;
    uint32_t np = n->u.window.n_partition, no = n->u.window.n_order, w = 0;
    for (uint32_t k = 0; k < np + no; k++) {
        const bk_vector *v =
            j->cols[k < np ? n->u.window.partition[k] : n->u.window.order[k - np].column];
        if (!normalizable(v->type)) return NULL;
        w += v->validity ? 2 : 1;
        if (k + 1 == np) *part_words = w;
    }
    if (np == 0) *part_words = 0;
    uint64_t *norm = bk_arena_array(a, m * w + 1, sizeof *norm);
    if (!norm) return NULL;
    for (uint32_t k = 0, at = 0; k < np + no; k++) {
        bool is_part = k < np;
        const exec_sort_key *key = is_part ? NULL : &n->u.window.order[k - np];
        const bk_vector *v = j->cols[is_part ? n->u.window.partition[k] : key->column];
        bool desc = key && key->descending;
        if (!v->validity) {
            for (size_t p = 0; p < m; p++) {
                uint64_t x = norm_value(v, idx[p]);
                norm[p * w + at] = desc ? ~x : x;
            }
            at++;
            continue;
        }
        uint64_t null_rank = is_part || key->nulls_first ? 0 : 1, valid_rank = 1 - null_rank;
        for (size_t p = 0; p < m; p++) {
            uint64_t *slot = norm + p * w + at;
            uint32_t r = idx[p];
            if (!bk_vector_is_valid(v, r)) {
                slot[0] = null_rank;
                slot[1] = 0;
                continue;
            }
            uint64_t x = norm_value(v, r);
            slot[0] = valid_rank;
            slot[1] = desc ? ~x : x;
        }
        at += 2;
    }
    *words = w;
    return norm;
}

/* ---- values ---- */

static bool is_integral(bk_type_kind k) {
    return k == BK_TYPE_TINYINT || k == BK_TYPE_SMALLINT || k == BK_TYPE_INT ||
           k == BK_TYPE_BIGINT;
}

/* An integer, or a decimal's unscaled value, at row r. */
static bk_i128 exact_at(const bk_vector *v, size_t r) {
    switch (v->type->kind) {
    case BK_TYPE_TINYINT:
        return bk_i128_from_i64(((const int8_t *)v->data)[r]);
    case BK_TYPE_SMALLINT:
        return bk_i128_from_i64(((const int16_t *)v->data)[r]);
    case BK_TYPE_INT:
    case BK_TYPE_INTERVAL_YM:
        return bk_i128_from_i64(((const int32_t *)v->data)[r]);
    case BK_TYPE_DECIMAL:
        if (v->type->precision > BK_DECIMAL_INT64_MAX_PRECISION)
            return ((const bk_i128 *)v->data)[r];
        return bk_i128_from_i64(((const int64_t *)v->data)[r]);
    default:
        return bk_i128_from_i64(((const int64_t *)v->data)[r]);
    }
}

static double double_at(const bk_vector *v, size_t r) {
    if (v->type->kind == BK_TYPE_FLOAT) return ((const float *)v->data)[r];
    return ((const double *)v->data)[r];
}

static void set_decimal(bk_vector *v, size_t p, bk_i128 x) {
    if (v->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION)
        ((int64_t *)v->data)[p] = bk_i128_low_i64(x);
    else
        ((bk_i128 *)v->data)[p] = x;
}

/* ---- one bucket ---- */

typedef struct bucket {
    win_job *j;
    bk_arena *a;       /* the output: result vectors, gathered chunks */
    bk_arena *scratch; /* sort keys, frames, prefix sums: freed when the bucket is done */
    uint32_t *idx; /* sorted row ids */
    size_t m;
    uint32_t *peer_lo, *peer_hi; /* per position: its peer group [lo, hi) */
    uint32_t *fs, *fe;           /* per position: the frame [fs, fe) of the current function */
    uint32_t *cnt;               /* m + 1: non-NULL values before a position (in the partition) */
    uint32_t *nonnull;           /* positions of the non-NULL values of the partition */
    bk_i128 *isum;               /* m + 1 prefix sums, their low 128 bits (wrapping) */
    int64_t *itop;               /* m + 1: the bits above those (prefix sums are 192-bit) */
    double *dsum, *fsum;         /* m + 1: prefix sums of all / of the finite values */
    uint32_t *n_nan, *n_pinf, *n_ninf;
    uint32_t *deque;
    const uint64_t *norm; /* normalized keys (by original position), or NULL */
    const uint32_t *pos;  /* sorted position -> original position (with norm) */
    uint32_t words, part_words;
} bucket;

/* Do sorted positions p and q belong to one partition / one peer group? */
static bool same_partition(const bucket *b, size_t p, size_t q) {
    if (!b->norm) return part_cmp(b->j, b->idx[p], b->idx[q]) == 0;
    return !memcmp(b->norm + (size_t)b->pos[p] * b->words, b->norm + (size_t)b->pos[q] * b->words,
                   b->part_words * sizeof *b->norm);
}

static bool same_peers(const bucket *b, size_t p, size_t q) {
    if (!b->norm) return order_cmp(b->j, b->idx[p], b->idx[q]) == 0;
    size_t w = b->words, pw = b->part_words;
    return !memcmp(b->norm + (size_t)b->pos[p] * w + pw, b->norm + (size_t)b->pos[q] * w + pw,
                   (w - pw) * sizeof *b->norm);
}

static bk_status oom(bucket *b, bk_error *err) {
    return bk_arena_oom(b->scratch && bk_arena_failed(b->scratch) ? b->scratch : b->a, err);
}

/* First position q in [lo, hi) with cmp(key[q], bound[p]) >= 0 (strict: > 0), else hi. */
static size_t range_search(const bucket *b, const exec_sort_key *key, const bk_vector *kv,
                           const bk_vector *bv, uint32_t brow, size_t lo, size_t hi, bool strict) {
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = key_cmp(key, kv, b->idx[mid], bv, brow);
        if (strict ? c > 0 : c >= 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static size_t clamp_pos(int64_t x, size_t lo, size_t hi) {
    if (x < (int64_t)lo) return lo;
    if (x > (int64_t)hi) return hi;
    return (size_t)x;
}

/* fs/fe of every position of partition [ps, pe) for frame f. */
static void frame_bounds(bucket *b, const exec_win_frame *f, size_t ps, size_t pe) {
    const win_job *j = b->j;
    const exec_sort_key *key = j->node->u.window.n_order ? &j->node->u.window.order[0] : NULL;
    bool offsets = f->range &&
                   (f->start == EXEC_FRAME_PRECEDING || f->start == EXEC_FRAME_FOLLOWING ||
                    f->end == EXEC_FRAME_PRECEDING || f->end == EXEC_FRAME_FOLLOWING);
    const bk_vector *kv = offsets ? j->cols[f->key_col] : NULL;
    for (size_t p = ps; p < pe; p++) {
        size_t s, e;
        switch (f->start) {
        case EXEC_FRAME_UNBOUNDED_PRECEDING:
            s = ps;
            break;
        case EXEC_FRAME_CURRENT_ROW:
            s = f->range ? b->peer_lo[p] : p;
            break;
        case EXEC_FRAME_UNBOUNDED_FOLLOWING:
            s = pe;
            break;
        default:
            if (f->range)
                s = range_search(b, key, kv, j->cols[f->start_col], b->idx[p], ps, pe, false);
            else
                s = clamp_pos((int64_t)p + (f->start == EXEC_FRAME_PRECEDING ? -f->start_off
                                                                               : f->start_off),
                              ps, pe);
            break;
        }
        switch (f->end) {
        case EXEC_FRAME_UNBOUNDED_FOLLOWING:
            e = pe;
            break;
        case EXEC_FRAME_CURRENT_ROW:
            e = f->range ? b->peer_hi[p] : p + 1;
            break;
        case EXEC_FRAME_UNBOUNDED_PRECEDING:
            e = ps;
            break;
        default:
            if (f->range)
                e = range_search(b, key, kv, j->cols[f->end_col], b->idx[p], ps, pe, true);
            else
                e = clamp_pos((int64_t)p + 1 +
                                  (f->end == EXEC_FRAME_PRECEDING ? -f->end_off : f->end_off),
                              ps, pe);
            break;
        }
        if (e < s) e = s;
        b->fs[p] = (uint32_t)s;
        b->fe[p] = (uint32_t)e;
    }
}

/* cnt[] and nonnull[] of column v over partition [ps, pe); returns the non-NULL count. */
static size_t count_valid(bucket *b, const bk_vector *v, size_t ps, size_t pe) {
    size_t k = 0;
    b->cnt[ps] = 0;
    for (size_t p = ps; p < pe; p++) {
        if (bk_vector_is_valid(v, b->idx[p])) b->nonnull[k++] = (uint32_t)p;
        b->cnt[p + 1] = (uint32_t)k;
    }
    return k;
}

/* Ranking functions into res (INT or DOUBLE). */
static void eval_rank(bucket *b, const exec_win_fn *fn, size_t ps, size_t pe, bk_vector *res) {
    size_t n = pe - ps;
    int32_t dense = 0;
    for (size_t p = ps; p < pe; p++) {
        if (b->peer_lo[p] == p) dense++;
        size_t rank = b->peer_lo[p] - ps + 1;
        switch (fn->kind) {
        case EXEC_WIN_ROW_NUMBER:
            ((int32_t *)res->data)[p] = (int32_t)(p - ps + 1);
            break;
        case EXEC_WIN_RANK:
            ((int32_t *)res->data)[p] = (int32_t)rank;
            break;
        case EXEC_WIN_DENSE_RANK:
            ((int32_t *)res->data)[p] = dense;
            break;
        case EXEC_WIN_PERCENT_RANK:
            ((double *)res->data)[p] = n > 1 ? (double)(rank - 1) / (double)(n - 1) : 0.0;
            break;
        case EXEC_WIN_CUME_DIST:
            ((double *)res->data)[p] = (double)(b->peer_hi[p] - ps) / (double)n;
            break;
        case EXEC_WIN_NTILE: {
            /* the first n % k buckets hold one row more */
            size_t k = (size_t)fn->n, i = p - ps, size = n / k, extra = n % k;
            size_t big = extra * (size + 1);
            size_t tile = i < big ? i / (size + 1) : extra + (size ? (i - big) / size : 0);
            ((int32_t *)res->data)[p] = (int32_t)(tile + 1);
            break;
        }
        default:
            break;
        }
    }
}

/* LAG / LEAD: src[p] is the row to read in the source (arg rows, then default rows). */
static void eval_lag(bucket *b, const exec_win_fn *fn, size_t ps, size_t pe, uint32_t *src) {
    const win_job *j = b->j;
    int64_t off = fn->n;
    size_t nn = fn->ignore_nulls ? count_valid(b, j->cols[fn->arg], ps, pe) : 0;
    for (size_t p = ps; p < pe; p++) {
        uint32_t dflt = (uint32_t)j->n + b->idx[p];
        int64_t t;
        if (off == 0) {
            src[p] = b->idx[p];
            continue;
        }
        if (!fn->ignore_nulls) {
            t = (int64_t)p - off;
            src[p] = t >= (int64_t)ps && t < (int64_t)pe ? b->idx[t] : dflt;
            continue;
        }
        if (off > 0) /* the off-th non-NULL value before p */
            t = (int64_t)b->cnt[p] - off;
        else /* the -off-th non-NULL value after p */
            t = (int64_t)b->cnt[p + 1] + (-off) - 1;
        src[p] = t >= 0 && t < (int64_t)nn ? b->idx[b->nonnull[t]] : dflt;
    }
}

/* FIRST_VALUE / LAST_VALUE / NTH_VALUE over the frames; NULL is source row n. */
static void eval_value(bucket *b, const exec_win_fn *fn, size_t ps, size_t pe, uint32_t *src) {
    const win_job *j = b->j;
    uint32_t none = (uint32_t)j->n;
    size_t nn = fn->ignore_nulls ? count_valid(b, j->cols[fn->arg], ps, pe) : 0;
    for (size_t p = ps; p < pe; p++) {
        size_t s = b->fs[p], e = b->fe[p];
        src[p] = none;
        if (s >= e) continue;
        if (!fn->ignore_nulls) {
            size_t q = fn->kind == EXEC_WIN_FIRST_VALUE ? s
                       : fn->kind == EXEC_WIN_LAST_VALUE
                           ? e - 1
                           : (fn->n <= (int64_t)(e - s) ? s + (size_t)fn->n - 1 : e);
            if (q < e) src[p] = b->idx[q];
            continue;
        }
        size_t before = b->cnt[s], upto = b->cnt[e]; /* non-NULLs in [s, e): [before, upto) */
        if (before >= upto) continue;
        size_t t = fn->kind == EXEC_WIN_FIRST_VALUE  ? before
                   : fn->kind == EXEC_WIN_LAST_VALUE ? upto - 1
                   : (fn->n <= (int64_t)(upto - before) ? before + (size_t)fn->n - 1 : upto);
        if (t < upto && t < nn) src[p] = b->idx[b->nonnull[t]];
    }
}

/* MIN / MAX with a monotonic deque over positions (frames only move forward). */
static void eval_minmax(bucket *b, const exec_win_fn *fn, size_t ps, size_t pe, uint32_t *src) {
    const bk_vector *v = b->j->cols[fn->arg];
    bool is_min = fn->agg == EXEC_AGG_MIN;
    size_t head = 0, tail = 0, next = ps; /* deque[head..tail): positions, best first */
    for (size_t p = ps; p < pe; p++) {
        size_t s = b->fs[p], e = b->fe[p];
        for (; next < e; next++) {
            uint32_t r = b->idx[next];
            if (!bk_vector_is_valid(v, r)) continue;
            while (tail > head) {
                int c = bk_vector_compare(v, b->idx[b->deque[tail - 1]], v, r);
                if (is_min ? c > 0 : c < 0)
                    tail--;
                else
                    break;
            }
            b->deque[tail++] = (uint32_t)next;
        }
        while (head < tail && b->deque[head] < s) head++;
        src[p] = head < tail && s < e ? b->idx[b->deque[head]] : (uint32_t)b->j->n;
    }
}

/* The result of SUM/AVG over exact values `sum` of `count` rows into res[p]. */
static bk_status exact_result(bucket *b, const exec_win_fn *fn, bk_i128 sum, size_t count,
                              bk_vector *res, size_t p, bk_error *err) {
    exec_ctx *ctx = b->j->ctx;
    const bk_type *in = b->j->cols[fn->arg]->type, *rt = fn->type;
    if (rt->kind == BK_TYPE_DOUBLE) { /* AVG of integers */
        ((double *)res->data)[p] = bk_i128_to_double(sum) / (double)count;
        return BK_OK;
    }
    if (rt->kind == BK_TYPE_INTERVAL_YM || rt->kind == BK_TYPE_INTERVAL_DT) {
        int64_t x;
        if (!bk_i128_to_i64(sum, &x) || !exec_agg_interval_fits(rt->kind, x))
            return exec_agg_interval_overflow(err);
        if (fn->agg == EXEC_AGG_AVG) x = exec_agg_div_half_up(x, (int64_t)count);
        if (rt->kind == BK_TYPE_INTERVAL_YM)
            ((int32_t *)res->data)[p] = (int32_t)x;
        else
            ((int64_t *)res->data)[p] = x;
        return BK_OK;
    }
    if (rt->kind == BK_TYPE_BIGINT) { /* SUM of integers */
        int64_t x;
        if (!bk_i128_to_i64(sum, &x)) {
            if (ctx->ansi) return exec_fn_overflow(err, "long", "try_sum");
            x = bk_i128_low_i64(sum);
        }
        ((int64_t *)res->data)[p] = x;
        return BK_OK;
    }
    bk_i128 r = sum;
    bool ok = true;
    if (fn->agg == EXEC_AGG_AVG) {
        bk_i128 num;
        ok = bk_i128_mul_pow10(sum, rt->scale - in->scale, &num) &&
             bk_i128_div_round(num, bk_i128_from_i64((int64_t)count), &r);
    } else {
        ok = bk_i128_rescale(sum, in->scale, rt->scale, &r);
    }
    ok = ok && bk_i128_fits_precision(r, rt->precision);
    if (!ok) {
        if (ctx->ansi)
            return bk_error_set_sub(err, BK_NUMERIC_VALUE_OUT_OF_RANGE, "WITH_SUGGESTION",
                                    "The result cannot be represented as Decimal(%d, %d). If "
                                    "necessary set \"spark.sql.ansi.enabled\" to \"false\" to "
                                    "bypass this error, and return NULL instead.",
                                    rt->precision, rt->scale);
        return exec_fn_set_null(b->a, res, p, err);
    }
    set_decimal(res, p, r);
    return BK_OK;
}

/*
 * Exact prefix sums are 192-bit two's complement, itop[p] * 2^128 + isum[p] read
 * unsigned: the sum of a partition's DECIMAL(38) values can pass 128 bits even when
 * every frame's sum fits, and a frame whose sum does not fit is NULL (ANSI: an error),
 * as Spark's sum of decimals.
 */
typedef unsigned __int128 u128w; /* gcc and clang, as fn_decimal.c */

static inline u128w wide_of(bk_i128 v) { return (u128w)(uint64_t)v.hi << 64 | v.lo; }
static inline bk_i128 i128_of(u128w w) {
    return bk_i128_make((int64_t)(uint64_t)(w >> 64), (uint64_t)w);
}

/* prefix[p + 1] = prefix[p] + x. */
static inline void wide192_add(bucket *b, size_t p, bk_i128 x) {
    u128w lo = wide_of(b->isum[p]), sum = lo + wide_of(x);
    b->isum[p + 1] = i128_of(sum);
    b->itop[p + 1] = b->itop[p] + (sum < lo) + (bk_i128_is_neg(x) ? -1 : 0);
}

/* prefix[e] - prefix[s] as a 128-bit value; false when it needs more bits. */
static inline bool wide192_frame(const bucket *b, size_t s, size_t e, bk_i128 *out) {
    u128w hi = wide_of(b->isum[e]), lo = wide_of(b->isum[s]), d = hi - lo;
    int64_t top = b->itop[e] - b->itop[s] - (hi < lo);
    bool negative = (d >> 127) != 0;
    if (top != (negative ? -1 : 0)) return false;
    *out = i128_of(d);
    return true;
}

/* COUNT, SUM, AVG over the frames into res. */
static bk_status eval_numeric(bucket *b, const exec_win_fn *fn, size_t ps, size_t pe,
                              bk_vector *res, bk_error *err) {
    const win_job *j = b->j;
    if (fn->agg == EXEC_AGG_COUNT_STAR) {
        for (size_t p = ps; p < pe; p++) ((int64_t *)res->data)[p] = b->fe[p] - b->fs[p];
        return BK_OK;
    }
    const bk_vector *v = j->cols[fn->arg];
    count_valid(b, v, ps, pe);
    if (fn->agg == EXEC_AGG_COUNT) {
        for (size_t p = ps; p < pe; p++)
            ((int64_t *)res->data)[p] = b->cnt[b->fe[p]] - b->cnt[b->fs[p]];
        return BK_OK;
    }
    bk_type_kind k = v->type->kind;
    if (is_integral(k) || k == BK_TYPE_DECIMAL || k == BK_TYPE_INTERVAL_YM ||
        k == BK_TYPE_INTERVAL_DT) {
        b->isum[ps] = bk_i128_from_i64(0);
        b->itop[ps] = 0;
        for (size_t p = ps; p < pe; p++) {
            bk_i128 x = bk_vector_is_valid(v, b->idx[p]) ? exact_at(v, b->idx[p])
                                                         : bk_i128_from_i64(0);
            wide192_add(b, p, x);
        }
        for (size_t p = ps; p < pe; p++) {
            size_t count = b->cnt[b->fe[p]] - b->cnt[b->fs[p]];
            if (count == 0) {
                BK_TRY(exec_fn_set_null(b->a, res, p, err));
                continue;
            }
            bk_i128 sum;
            if (!wide192_frame(b, b->fs[p], b->fe[p], &sum)) { /* past 128 bits */
                if (b->j->ctx->ansi) return exec_agg_decimal_overflow(err);
                BK_TRY(exec_fn_set_null(b->a, res, p, err));
                continue;
            }
            BK_TRY(exact_result(b, fn, sum, count, res, p, err));
        }
        return BK_OK;
    }
    if (k == BK_TYPE_VOID) {
        for (size_t p = ps; p < pe; p++) BK_TRY(exec_fn_set_null(b->a, res, p, err));
        return BK_OK;
    }
    /* FLOAT / DOUBLE */
    b->dsum[ps] = b->fsum[ps] = 0;
    b->n_nan[ps] = b->n_pinf[ps] = b->n_ninf[ps] = 0;
    for (size_t p = ps; p < pe; p++) {
        double x = bk_vector_is_valid(v, b->idx[p]) ? double_at(v, b->idx[p]) : 0.0;
        bool nan = x != x, pinf = x == 1.0 / 0.0, ninf = x == -1.0 / 0.0;
        b->dsum[p + 1] = b->dsum[p] + x;
        b->fsum[p + 1] = b->fsum[p] + (nan || pinf || ninf ? 0.0 : x);
        b->n_nan[p + 1] = b->n_nan[p] + nan;
        b->n_pinf[p + 1] = b->n_pinf[p] + pinf;
        b->n_ninf[p + 1] = b->n_ninf[p] + ninf;
    }
    for (size_t p = ps; p < pe; p++) {
        size_t s = b->fs[p], e = b->fe[p];
        size_t count = b->cnt[e] - b->cnt[s];
        if (count == 0) {
            BK_TRY(exec_fn_set_null(b->a, res, p, err));
            continue;
        }
        double sum;
        if (s == ps) {
            sum = b->dsum[e]; /* running: Spark's order of additions */
        } else if (e - s <= WIN_EXACT_SLIDING_WIDTH) {
            sum = 0;
            for (size_t q = s; q < e; q++)
                if (bk_vector_is_valid(v, b->idx[q])) sum += double_at(v, b->idx[q]);
        } else {
            uint32_t nan = b->n_nan[e] - b->n_nan[s], pinf = b->n_pinf[e] - b->n_pinf[s],
                     ninf = b->n_ninf[e] - b->n_ninf[s];
            if (nan || (pinf && ninf))
                sum = 0.0 / 0.0;
            else if (pinf || ninf)
                sum = pinf ? 1.0 / 0.0 : -1.0 / 0.0;
            else
                sum = b->fsum[e] - b->fsum[s];
        }
        ((double *)res->data)[p] = fn->agg == EXEC_AGG_AVG ? sum / (double)count : sum;
    }
    return BK_OK;
}

static bool needs_source(const exec_win_fn *fn) {
    return fn->kind == EXEC_WIN_LAG || fn->kind == EXEC_WIN_FIRST_VALUE ||
           fn->kind == EXEC_WIN_LAST_VALUE || fn->kind == EXEC_WIN_NTH_VALUE ||
           (fn->kind == EXEC_WIN_AGG && (fn->agg == EXEC_AGG_MIN || fn->agg == EXEC_AGG_MAX));
}

static bool uses_frame(const exec_win_fn *fn) {
    return fn->kind == EXEC_WIN_FIRST_VALUE || fn->kind == EXEC_WIN_LAST_VALUE ||
           fn->kind == EXEC_WIN_NTH_VALUE || fn->kind == EXEC_WIN_AGG;
}

/* Scratch arrays of the bucket (m positions). */
static bk_status bucket_alloc(bucket *b, bk_error *err) {
    size_t m1 = b->m + 1;
    b->peer_lo = bk_arena_array(b->scratch, m1, sizeof *b->peer_lo);
    b->peer_hi = bk_arena_array(b->scratch, m1, sizeof *b->peer_hi);
    b->fs = bk_arena_array(b->scratch, m1, sizeof *b->fs);
    b->fe = bk_arena_array(b->scratch, m1, sizeof *b->fe);
    b->cnt = bk_arena_array(b->scratch, m1, sizeof *b->cnt);
    b->nonnull = bk_arena_array(b->scratch, m1, sizeof *b->nonnull);
    if (!b->peer_lo || !b->peer_hi || !b->fs || !b->fe || !b->cnt || !b->nonnull)
        return oom(b, err);
    const exec_node *n = b->j->node;
    bool exact = false, floating = false, minmax = false;
    for (uint32_t f = 0; f < n->u.window.n_fns; f++) {
        const exec_win_fn *fn = &n->u.window.fns[f];
        minmax |= fn->kind == EXEC_WIN_AGG && (fn->agg == EXEC_AGG_MIN || fn->agg == EXEC_AGG_MAX);
        if (fn->kind != EXEC_WIN_AGG || (fn->agg != EXEC_AGG_SUM && fn->agg != EXEC_AGG_AVG))
            continue;
        bk_type_kind k = b->j->cols[fn->arg]->type->kind;
        if (k == BK_TYPE_FLOAT || k == BK_TYPE_DOUBLE)
            floating = true;
        else
            exact = true;
    }
    if (minmax && !(b->deque = bk_arena_array(b->scratch, m1, sizeof *b->deque)))
        return oom(b, err);
    if (exact && (!(b->isum = bk_arena_array(b->scratch, m1, sizeof *b->isum)) ||
                  !(b->itop = bk_arena_array(b->scratch, m1, sizeof *b->itop))))
        return oom(b, err);
    if (floating) {
        b->dsum = bk_arena_array(b->scratch, m1, sizeof *b->dsum);
        b->fsum = bk_arena_array(b->scratch, m1, sizeof *b->fsum);
        b->n_nan = bk_arena_array(b->scratch, m1, sizeof *b->n_nan);
        b->n_pinf = bk_arena_array(b->scratch, m1, sizeof *b->n_pinf);
        b->n_ninf = bk_arena_array(b->scratch, m1, sizeof *b->n_ninf);
        if (!b->dsum || !b->fsum || !b->n_nan || !b->n_pinf || !b->n_ninf) return oom(b, err);
    }
    return BK_OK;
}

/* Sort, evaluate and gather the rows of bucket b into `out`. */
static bk_status eval_bucket(bucket *bp, exec_table *out, bk_error *err) {
    bucket b = *bp;
    win_job *j = b.j;
    const exec_node *node = j->node;
    uint32_t n_fns = node->u.window.n_fns, n_child = node->child->schema->n_children;
    uint32_t *tmp = bk_arena_array(b.scratch, b.m, sizeof *tmp);
    if (!tmp) return oom(&b, err);
    sorter so = {.j = j};
    uint32_t part_words = 0;
    so.norm = normalize_keys(j, b.scratch, b.idx, b.m, &so.words, &part_words);
    if (so.norm) {
        /* sort positions by their keys, then put the rows in that order */
        uint32_t *pos = bk_arena_array(b.scratch, b.m, sizeof *pos);
        if (!pos) return oom(&b, err);
        for (size_t p = 0; p < b.m; p++) pos[p] = (uint32_t)p;
        merge_sort(&so, pos, tmp, b.m);
        for (size_t p = 0; p < b.m; p++) tmp[p] = b.idx[pos[p]];
        memcpy(b.idx, tmp, b.m * sizeof *tmp);
        b.norm = so.norm;
        b.pos = pos;
        b.words = so.words;
        b.part_words = part_words;
    } else if (bk_arena_failed(b.scratch)) {
        return oom(&b, err);
    } else {
        merge_sort(&so, b.idx, tmp, b.m);
    }
    BK_TRY(exec_check_cancel(j->ctx, err));
    BK_TRY(bucket_alloc(&b, err));
    bk_vector **res = bk_arena_array(b.a, n_fns ? n_fns : 1, sizeof *res);
    uint32_t **src = bk_arena_array(b.a, n_fns ? n_fns : 1, sizeof *src);
    win_ext **ext = bk_arena_zalloc(b.scratch, (n_fns ? n_fns : 1) * sizeof *ext);
    if (!res || !src || !ext) return oom(&b, err);
    for (uint32_t f = 0; f < n_fns; f++) {
        const exec_win_fn *fn = &node->u.window.fns[f];
        res[f] = NULL;
        src[f] = NULL;
        if (fn->kind == EXEC_WIN_AGG && fn->ext) { /* op_window_agg.c */
            BK_TRY(exec_win_ext_begin(j->ctx, fn->ext, j->cols, b.idx, b.m, b.a, b.scratch,
                                      &ext[f], err));
            continue;
        }
        if (needs_source(fn))
            src[f] = bk_arena_array(b.scratch, b.m, sizeof *src[f]);
        else
            res[f] = bk_vector_make(b.a, fn->type, b.m);
        if (!src[f] && !res[f]) return oom(&b, err);
    }
    size_t n_parts = 0;
    for (size_t ps = 0, pe; ps < b.m; ps = pe) {
        if ((++n_parts & 63) == 0) BK_TRY(exec_check_cancel(j->ctx, err));
        for (pe = ps + 1; pe < b.m && same_partition(&b, ps, pe); pe++) {
        }
        /* peer groups (rows equal in the order keys) */
        for (size_t p = ps, q; p < pe; p = q) {
            for (q = p + 1; q < pe && same_peers(&b, p, q); q++) {
            }
            for (size_t r = p; r < q; r++) {
                b.peer_lo[r] = (uint32_t)p;
                b.peer_hi[r] = (uint32_t)q;
            }
        }
        for (uint32_t f = 0; f < n_fns; f++) {
            const exec_win_fn *fn = &node->u.window.fns[f];
            if (uses_frame(fn)) frame_bounds(&b, &fn->frame, ps, pe);
            switch (fn->kind) {
            case EXEC_WIN_LAG:
                eval_lag(&b, fn, ps, pe, src[f]);
                break;
            case EXEC_WIN_FIRST_VALUE:
            case EXEC_WIN_LAST_VALUE:
            case EXEC_WIN_NTH_VALUE:
                eval_value(&b, fn, ps, pe, src[f]);
                break;
            case EXEC_WIN_AGG:
                if (ext[f])
                    BK_TRY(exec_win_ext_partition(ext[f], ps, pe, b.fs, b.fe, err));
                else if (fn->agg == EXEC_AGG_MIN || fn->agg == EXEC_AGG_MAX)
                    eval_minmax(&b, fn, ps, pe, src[f]);
                else
                    BK_TRY(eval_numeric(&b, fn, ps, pe, res[f], err));
                break;
            default:
                eval_rank(&b, fn, ps, pe, res[f]);
                break;
            }
        }
    }
    for (uint32_t f = 0; f < n_fns; f++) {
        if (ext[f]) BK_TRY(exec_win_ext_finish(ext[f], &res[f], err));
        if (!src[f]) continue;
        res[f] = bk_vector_take(b.a, j->src[f], src[f], b.m);
        if (!res[f]) return oom(&b, err);
    }
    /* gather: the child's columns in sorted order, then the results */
    for (size_t off = 0; off < b.m; off += EXEC_CHUNK_ROWS) {
        size_t cnt = BK_MIN((size_t)EXEC_CHUNK_ROWS, b.m - off);
        exec_chunk c = {.n = cnt, .n_cols = n_child + n_fns};
        c.cols = bk_arena_array(b.a, c.n_cols ? c.n_cols : 1, sizeof *c.cols);
        if (!c.cols) return oom(&b, err);
        for (uint32_t k = 0; k < n_child; k++)
            if (!(c.cols[k] = bk_vector_take(b.a, j->cols[k], b.idx + off, cnt)))
                return oom(&b, err);
        for (uint32_t f = 0; f < n_fns; f++)
            if (!(c.cols[n_child + f] = exec_vector_slice(b.a, res[f], off, cnt)))
                return oom(&b, err);
        BK_TRY(exec_table_push(out, &c, err));
    }
    return BK_OK;
}

/* Bucket `bi` into j->outs[bi]; its scratch arena (j->scratch[bi]) is freed by the caller. */
static bk_status run_bucket(win_job *j, uint32_t bi, bk_error *err) {
    bucket b = {.j = j, .a = j->arenas[bi]};
    b.m = j->bucket_start[bi + 1] - j->bucket_start[bi];
    b.idx = j->bucket_rows + j->bucket_start[bi];
    exec_table *out = exec_table_make(b.a, j->node->schema);
    if (!out) return oom(&b, err);
    j->outs[bi] = out;
    if (b.m == 0) return BK_OK;
    b.scratch = j->scratch[bi] = bk_arena_new(b.a, "window scratch", 0);
    if (!b.scratch) return oom(&b, err);
    return eval_bucket(&b, out, err);
}

static void bucket_task(void *arg, size_t i, int worker) {
    (void)worker;
    win_job *j = arg;
    if (atomic_load(&j->failed)) return;
    bk_error e;
    bk_error_clear(&e);
    if (run_bucket(j, (uint32_t)(j->wave + i), &e) != BK_OK) job_fail(j, &e);
}

/* Bucket of every row in task i's range: a hash of the serialized partition key. */
static void hash_task(void *arg, size_t i, int worker) {
    (void)worker;
    win_job *j = arg;
    if (atomic_load(&j->failed)) return;
    const exec_node *n = j->node;
    uint32_t np = n->u.window.n_partition;
    bk_vector *keys[64];
    for (uint32_t k = 0; k < np; k++) keys[k] = j->cols[n->u.window.partition[k]];
    bk_buf buf;
    bk_buf_init(&buf);
    size_t lo = i * WIN_HASH_TASK_ROWS, hi = BK_MIN(j->n, lo + WIN_HASH_TASK_ROWS);
    for (size_t r = lo; r < hi; r++) {
        if (exec_key_serialize(keys, np, r, true, &buf) < 0) {
            bk_error e;
            bk_error_set(&e, BK_OUT_OF_MEMORY, "out of memory hashing window partition keys");
            job_fail(j, &e);
            break;
        }
        j->bucket_of[r] = (uint32_t)(bk_hash_bytes(buf.data, buf.len, 0) % j->n_buckets);
    }
    bk_buf_destroy(&buf);
}

static void run_tasks(win_job *j, size_t n_tasks, bk_task_fn fn) {
    if (j->ctx->pool && n_tasks > 1)
        bk_pool_run(j->ctx->pool, n_tasks, fn, j);
    else
        for (size_t i = 0; i < n_tasks; i++) fn(j, i, 0);
}

/* Buckets, value sources, arenas: everything the tasks share. */
static bk_status job_prepare(win_job *j, exec_table *in, bk_error *err) {
    bk_arena *a = j->ctx->arena;
    const exec_node *node = j->node;
    uint32_t n_child = node->child->schema->n_children, n_fns = node->u.window.n_fns;
    j->cols = bk_arena_array(a, n_child ? n_child : 1, sizeof *j->cols);
    j->src = bk_arena_zalloc(a, (n_fns ? n_fns : 1) * sizeof *j->src);
    if (!j->cols || !j->src) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < n_child; k++)
        if (!(j->cols[k] = exec_table_column(a, in, k))) return bk_arena_oom(a, err);
    for (uint32_t f = 0; f < n_fns; f++) {
        const exec_win_fn *fn = &node->u.window.fns[f];
        if (!needs_source(fn)) continue;
        bk_vector *parts[2] = {j->cols[fn->arg], NULL};
        if (fn->kind == EXEC_WIN_LAG) {
            parts[1] = j->cols[fn->dflt];
        } else {
            parts[1] = bk_vector_make(a, fn->type, 1);
            if (!parts[1] || exec_fn_set_null(a, parts[1], 0, err) != BK_OK)
                return bk_arena_oom(a, err);
        }
        if (!(j->src[f] = bk_vector_concat(a, parts, 2))) return bk_arena_oom(a, err);
    }
    int workers = j->ctx->pool ? bk_pool_size(j->ctx->pool) : 1;
    j->n_buckets = 1;
    if (node->u.window.n_partition && j->n >= 8192 && workers > 1)
        j->n_buckets = (uint32_t)BK_MIN((size_t)WIN_MAX_BUCKETS, (size_t)workers * 8);
    j->bucket_rows = bk_arena_array(a, j->n, sizeof *j->bucket_rows);
    j->bucket_start = bk_arena_zalloc(a, (j->n_buckets + 1) * sizeof *j->bucket_start);
    j->arenas = bk_arena_array(a, j->n_buckets, sizeof *j->arenas);
    j->outs = bk_arena_zalloc(a, j->n_buckets * sizeof *j->outs);
    j->scratch = bk_arena_zalloc(a, j->n_buckets * sizeof *j->scratch);
    if (!j->bucket_rows || !j->bucket_start || !j->arenas || !j->outs || !j->scratch)
        return bk_arena_oom(a, err);
    for (uint32_t i = 0; i < j->n_buckets; i++)
        if (!(j->arenas[i] = bk_arena_new(a, "window bucket", 0))) return bk_arena_oom(a, err);
    if (j->n_buckets == 1) {
        for (size_t r = 0; r < j->n; r++) j->bucket_rows[r] = (uint32_t)r;
        j->bucket_start[1] = j->n;
        return BK_OK;
    }
    if (node->u.window.n_partition > 64)
        return bk_error_set(err, BK_LIMIT_EXCEEDED, "more than 64 PARTITION BY keys");
    j->bucket_of = bk_arena_array(a, j->n, sizeof *j->bucket_of);
    if (!j->bucket_of) return bk_arena_oom(a, err);
    run_tasks(j, (j->n + WIN_HASH_TASK_ROWS - 1) / WIN_HASH_TASK_ROWS, hash_task);
    if (atomic_load(&j->failed)) {
        if (err) *err = j->err;
        return j->err.code;
    }
    /* counting sort of the rows by bucket (stable) */
    for (size_t r = 0; r < j->n; r++) j->bucket_start[j->bucket_of[r] + 1]++;
    for (uint32_t i = 0; i < j->n_buckets; i++) j->bucket_start[i + 1] += j->bucket_start[i];
    size_t *fill = bk_arena_array(a, j->n_buckets, sizeof *fill);
    if (!fill) return bk_arena_oom(a, err);
    memcpy(fill, j->bucket_start, j->n_buckets * sizeof *fill);
    for (size_t r = 0; r < j->n; r++) j->bucket_rows[fill[j->bucket_of[r]]++] = (uint32_t)r;
    return BK_OK;
}

static bk_status win_finish(exec_sink *s, exec_table **out, bk_error *err) {
    win_state *st = s->state;
    bk_arena *a = s->ctx->arena;
    exec_table *res = exec_table_make(a, s->node->schema);
    if (!res) return bk_arena_oom(a, err);
    if (st->rows->n_rows == 0) {
        *out = res;
        return BK_OK;
    }
    if (st->rows->n_rows >= UINT32_MAX / 2)
        return bk_error_set(err, BK_LIMIT_EXCEEDED, "a window over more than 2147483647 rows");
    win_job j = {.ctx = s->ctx, .node = s->node, .n = st->rows->n_rows};
    bk_error_clear(&j.err);
    j.lock = bk_mutex_new();
    if (!j.lock) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a window");
    bk_status rc = job_prepare(&j, st->rows, err);
    /*
     * Buckets run in waves of one per worker; the main thread frees a wave's
     * scratch arenas (arena accounting is not for concurrent frees), so the
     * scratch of at most one wave is alive at a time.
     */
    size_t per_wave = j.ctx->pool ? (size_t)bk_pool_size(j.ctx->pool) : 1;
    for (j.wave = 0; rc == BK_OK && j.wave < j.n_buckets; j.wave += per_wave) {
        run_tasks(&j, BK_MIN(per_wave, j.n_buckets - j.wave), bucket_task);
        for (size_t i = j.wave; i < BK_MIN(j.wave + per_wave, j.n_buckets); i++) {
            bk_arena_free(j.scratch[i]);
            j.scratch[i] = NULL;
        }
        if (atomic_load(&j.failed)) {
            if (err) *err = j.err;
            rc = j.err.code;
        }
    }
    for (uint32_t i = 0; rc == BK_OK && i < j.n_buckets; i++)
        rc = exec_table_move(res, j.outs[i], err);
    bk_mutex_free(j.lock);
    if (rc == BK_OK) *out = res;
    return rc;
}

bk_status exec_window_sink(exec_ctx *ctx, exec_node *node, exec_sink *s, bk_error *err) {
    win_state *st = bk_arena_zalloc(ctx->arena, sizeof *st);
    if (!st) return bk_arena_oom(ctx->arena, err);
    st->rows = exec_table_make(ctx->arena, node->child->schema);
    if (!st->rows) return bk_arena_oom(ctx->arena, err);
    s->node = node;
    s->ctx = ctx;
    s->state = st;
    s->local_new = win_local_new;
    s->consume = win_consume;
    s->combine = win_combine;
    s->finish = win_finish;
    return BK_OK;
}
