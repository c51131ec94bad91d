/*
 * op_window_agg.c — any aggregate of agg_int.h over window frames, by reusing
 * its slot machinery (consume / merge / result) instead of a case per function.
 *
 * Rows with the same frame as the row before (peers of a RANGE frame, every
 * row of a whole-partition frame) share one result, so each distinct frame is
 * computed once; then, per partition, one of:
 *
 *   running    frames that all start at the partition's start (UNBOUNDED
 *              PRECEDING .. CURRENT ROW / n FOLLOWING): one slot folds the rows
 *              in order, and each frame's result is a copy of it (a merge into
 *              an empty slot), O(n) — and the digits of Spark's left-to-right
 *              updates;
 *   recompute  the floating-point statistics (variance, stddev, skewness,
 *              kurtosis, covariance, corr) over frames at most
 *              WIN_EXT_EXACT_WIDTH rows wide: each frame folded afresh in frame
 *              order, as Spark's sliding frame does, so the digits agree;
 *   two stacks any other frame (sliding, shrinking, wide): the window [lo, hi)
 *              is a front [lo, mid) holding for every position i the merged
 *              state of [i, mid), and a back slot holding [mid, hi); a frame
 *              moving past mid rebuilds the front from the rows (a reverse
 *              fold), so every row is folded at most twice and each frame costs
 *              two merges: O(n) merges for every mergeable aggregate, with the
 *              memory of one frame (the front's arena is reset at each rebuild);
 *   log        the aggregates that keep every value (collect_list / collect_set,
 *              percentile, median, percentile_approx): each distinct frame's
 *              rows are appended to the log as their own group, O(frame) per
 *              frame, and the result sorts them as the grouped aggregate does
 *              (collect_list in frame order; collect_set keeps the first row of
 *              each value, by value classes numbered once per bucket).
 *
 * Result slots go in blocks of WIN_EXT_BLOCK frames (an arena reset after each
 * block); a block's results become a vector whose strings are copied out, and
 * finish gathers them per position.  The value columns are gathered once per
 * bucket in sorted order, so a frame is a contiguous slice and a row's order
 * key is its position (first / max_by ties and collect_list follow the frame).
 */
#include <string.h>

#include "engine/exec/agg_int.h"
#include "engine/exec/op_window_agg.h"

#define WIN_EXT_BLOCK 1024
#define WIN_EXT_EXACT_WIDTH 512
#define WIN_EXT_LOG_BYTES ((size_t)8 << 20) /* a block's log is flushed beyond this */

struct win_ext {
    exec_ctx *ctx;
    exec_ctx rctx; /* for results: its arena is `scratch` */
    const exec_agg *agg;
    bk_arena *out, *scratch;
    bk_arena *gen; /* the running slot, the two stacks: reset per partition / rebuild */
    bk_arena *blk; /* the block's slots' records, slices, the log's gathered values */
    const bk_vector *v, *v2; /* the aggregate's columns in sorted order */
    size_t m;
    uint64_t *orders; /* position p: p */
    uint32_t *zeros;  /* m zeros: gid 0 for every row */
    uint32_t *row_of; /* position -> result row */
    size_t n_results;
    bk_vector **parts; /* the flushed blocks' results */
    size_t n_parts, cap_parts;
    agg_slot slots[WIN_EXT_BLOCK];
    size_t n_blk;
    agg_ext_store st_blk, st_gen;
    agg_slot *front; /* two stacks: per position */
    uint32_t *cls;   /* collect_set: the value class of every position */
    uint32_t *stamp; /* per class: the last result row it was added to */
    bk_buf keybuf;
};

static bool is_log(const win_ext *x) { return exec_agg_is_log(x->agg->kind); }

/* Kinds whose merges round differently from one pass (floating-point moments). */
static bool order_sensitive(exec_agg_kind k) {
    return (k >= EXEC_AGG_VAR_SAMP && k <= EXEC_AGG_STDDEV_POP) || exec_agg_is_moments(k);
}

static void ext_cleanup(void *arg) {
    win_ext *x = arg;
    bk_buf_destroy(&x->keybuf);
    bk_buf_destroy(&x->st_blk.log);
    bk_buf_destroy(&x->st_gen.log);
}

/* Value classes of the bucket's values (collect_set): equal values, one class. */
static bk_status value_classes(win_ext *x, bk_error *err) {
    bk_vector *cols[1] = {(bk_vector *)x->v};
    BK_TRY(exec_keys_flatten(x->scratch, cols, 1, err));
    uint64_t *hash = bk_arena_array(x->scratch, x->m ? x->m : 1, sizeof *hash);
    x->cls = bk_arena_array(x->scratch, x->m ? x->m : 1, sizeof *x->cls);
    if (!hash || !x->cls) return bk_arena_oom(x->scratch, err);
    exec_groups g;
    memset(&g, 0, sizeof g);
    const bk_type *types[1] = {cols[0]->type};
    bk_status rc = exec_groups_init(&g, types, 1, x->scratch, err);
    uint64_t *packed = NULL;
    if (rc == BK_OK && g.pack && !(packed = bk_arena_array(x->scratch, x->m ? x->m : 1, 8)))
        rc = bk_arena_oom(x->scratch, err);
    if (rc == BK_OK) {
        exec_groups_hash(&g, cols, x->m, hash, packed);
        rc = exec_groups_insert(&g, cols, hash, packed, NULL, x->m, x->cls, err);
    }
    size_t n_cls = g.count;
    exec_groups_destroy(&g);
    BK_TRY(rc);
    x->stamp = bk_arena_array(x->scratch, n_cls ? n_cls : 1, sizeof *x->stamp);
    if (!x->stamp) return bk_arena_oom(x->scratch, err);
    memset(x->stamp, 0xff, (n_cls ? n_cls : 1) * sizeof *x->stamp);
    return BK_OK;
}

bk_status exec_win_ext_begin(exec_ctx *ctx, const exec_agg *agg, bk_vector *const *cols,
                             const uint32_t *idx, size_t m, bk_arena *out, bk_arena *scratch,
                             win_ext **xp, bk_error *err) {
    win_ext *x = bk_arena_zalloc(scratch, sizeof *x);
    if (!x) return bk_arena_oom(scratch, err);
    bk_buf_init(&x->keybuf);
    bk_buf_init(&x->st_blk.log);
    bk_buf_init(&x->st_gen.log);
    if (!bk_arena_own(scratch, ext_cleanup, x)) return bk_arena_oom(scratch, err);
    x->ctx = ctx;
    x->rctx.arena = scratch;
    x->rctx.ansi = ctx->ansi;
    x->rctx.tz = ctx->tz;
    x->rctx.now_micros = ctx->now_micros;
    x->agg = agg;
    x->out = out;
    x->scratch = scratch;
    x->m = m;
    x->gen = bk_arena_new(scratch, "window aggregate state", 0);
    x->blk = bk_arena_new(scratch, "window aggregate block", 0);
    if (!x->gen || !x->blk) return bk_arena_oom(scratch, err);
    x->st_gen.arena = x->gen;
    x->st_blk.arena = x->blk;
    x->v = bk_vector_take(scratch, cols[agg->column], idx, m);
    if (x->v && exec_agg_uses_column2(agg))
        x->v2 = agg->column2 == agg->column ? x->v
                                            : bk_vector_take(scratch, cols[agg->column2], idx, m);
    x->orders = bk_arena_array(scratch, m ? m : 1, sizeof *x->orders);
    x->zeros = bk_arena_zalloc(scratch, (m ? m : 1) * sizeof *x->zeros);
    x->row_of = bk_arena_array(scratch, m ? m : 1, sizeof *x->row_of);
    if (!x->v || (exec_agg_uses_column2(agg) && !x->v2) || !x->orders || !x->zeros ||
        !x->row_of)
        return bk_arena_oom(scratch, err);
    for (size_t p = 0; p < m; p++) x->orders[p] = p;
    if (!is_log(x)) {
        x->front = bk_arena_array(scratch, m ? m : 1, sizeof *x->front);
        if (!x->front) return bk_arena_oom(scratch, err);
    } else if (agg->distinct && x->v->type->kind != BK_TYPE_VOID) {
        BK_TRY(value_classes(x, err));
    }
    *xp = x;
    return BK_OK;
}

/* Fold positions [s, e) into slot `into` of store st. */
static bk_status fold(win_ext *x, agg_ext_store *st, agg_slot *into, size_t s, size_t e,
                      bk_error *err) {
    if (s >= e) return BK_OK;
    bk_vector *v = exec_vector_slice(x->blk, x->v, s, e - s);
    bk_vector *v2 = x->v2 ? exec_vector_slice(x->blk, x->v2, s, e - s) : NULL;
    if (!v || (x->v2 && !v2)) return bk_arena_oom(x->blk, err);
    return exec_agg_ext_consume(x->ctx, st, x->agg, into, x->zeros, e - s, v, v2, 0,
                                x->orders + s, &x->keybuf, err);
}

static bk_status merge(win_ext *x, agg_ext_store *st, agg_slot *into, const agg_slot *from,
                       bk_error *err) {
    return exec_agg_ext_merge(x->ctx, st, x->agg, x->v->type, x->v2 ? x->v2->type : NULL, into,
                              from, err);
}

/* The block's results as a vector of parts (strings copied out of the block). */
static bk_status flush(win_ext *x, bk_error *err) {
    if (x->n_blk == 0) return BK_OK;
    BK_TRY(exec_check_cancel(x->ctx, err)); /* wide value-log frames: between blocks too */
    bk_vector *r;
    BK_TRY(exec_agg_ext_result(&x->rctx, x->agg, x->v->type, &x->st_blk, x->slots, x->n_blk, &r,
                               err));
    if (!bk_vector_own_strings(x->scratch, r)) return bk_arena_oom(x->scratch, err);
    bk_vector **slot = bk_arena_push(x->scratch, &x->parts, &x->n_parts, &x->cap_parts,
                                     sizeof *x->parts, 16);
    if (!slot) return bk_arena_oom(x->scratch, err);
    *slot = r;
    memset(x->slots, 0, x->n_blk * sizeof *x->slots);
    x->n_blk = 0;
    bk_buf_clear(&x->st_blk.log);
    bk_arena_reset(x->blk);
    return BK_OK;
}

/* A new, empty result slot (the next result row); flushes a full block first. */
static bk_status new_slot(win_ext *x, agg_slot **out, bk_error *err) {
    if (x->n_blk == WIN_EXT_BLOCK || x->st_blk.log.len > WIN_EXT_LOG_BYTES) BK_TRY(flush(x, err));
    *out = &x->slots[x->n_blk++];
    x->n_results++;
    return BK_OK;
}

/* A log kind over [s, e): the rows as the entries of the newest slot's group. */
static bk_status log_frame(win_ext *x, size_t s, size_t e, bk_error *err) {
    agg_slot *q;
    BK_TRY(new_slot(x, &q, err));
    size_t n = e - s;
    if (n == 0) return BK_OK;
    uint32_t g = (uint32_t)(x->n_blk - 1);
    uint32_t *gid = bk_arena_array(x->blk, n, sizeof *gid);
    if (!gid) return bk_arena_oom(x->blk, err);
    for (size_t i = 0; i < n; i++) gid[i] = g;
    if (!x->cls) { /* every row, in frame order */
        bk_vector *v = exec_vector_slice(x->blk, x->v, s, n);
        if (!v) return bk_arena_oom(x->blk, err);
        return exec_agg_ext_consume(x->ctx, &x->st_blk, x->agg, x->slots, gid, n, v, NULL, 0,
                                    x->orders + s, &x->keybuf, err);
    }
    /* collect_set: the first row of each value class in the frame */
    uint32_t stamp = (uint32_t)(x->n_results - 1), *pos = bk_arena_array(x->blk, n, sizeof *pos);
    uint64_t *ord = bk_arena_array(x->blk, n, sizeof *ord);
    if (!pos || !ord) return bk_arena_oom(x->blk, err);
    size_t k = 0;
    for (size_t p = s; p < e; p++) {
        if (!bk_vector_is_valid(x->v, p) || x->stamp[x->cls[p]] == stamp) continue;
        x->stamp[x->cls[p]] = stamp;
        ord[k] = p;
        pos[k++] = (uint32_t)p;
    }
    bk_vector *v = bk_vector_take(x->blk, x->v, pos, k);
    if (!v) return bk_arena_oom(x->blk, err);
    return exec_agg_ext_consume(x->ctx, &x->st_blk, x->agg, x->slots, gid, k, v, NULL, 0, ord,
                                &x->keybuf, err);
}

typedef enum { MODE_LOG, MODE_RUNNING, MODE_RECOMPUTE, MODE_STACKS } ext_mode;

/* The two-stack window of one partition. */
typedef struct stacks {
    size_t lo, mid, hi;
    agg_slot back; /* [mid, hi) */
} stacks;

static bk_status stacks_frame(win_ext *x, stacks *w, size_t s, size_t e, bk_error *err) {
    if (s >= w->mid) {
        /* the front is used up: rebuild it over [s, hi) by a reverse fold */
        bk_arena_reset(x->gen);
        memset(&w->back, 0, sizeof w->back);
        size_t top = w->hi > s ? w->hi : s;
        agg_slot run;
        memset(&run, 0, sizeof run);
        for (size_t i = top; i-- > s;) {
            BK_TRY(fold(x, &x->st_gen, &run, i, i + 1, err));
            memset(&x->front[i], 0, sizeof x->front[i]);
            BK_TRY(merge(x, &x->st_gen, &x->front[i], &run, err));
        }
        w->mid = w->hi = top;
    }
    if (e > w->hi) {
        BK_TRY(fold(x, &x->st_gen, &w->back, w->hi, e, err));
        w->hi = e;
    }
    w->lo = s;
    agg_slot *q;
    BK_TRY(new_slot(x, &q, err));
    if (w->lo < w->mid && s < e) BK_TRY(merge(x, &x->st_blk, q, &x->front[w->lo], err));
    if (w->hi > w->mid && s < e) BK_TRY(merge(x, &x->st_blk, q, &w->back, err));
    return BK_OK;
}

bk_status exec_win_ext_partition(win_ext *x, size_t ps, size_t pe, const uint32_t *fs,
                                 const uint32_t *fe, bk_error *err) {
    ext_mode mode = MODE_LOG;
    if (!is_log(x)) {
        bool running = true;
        size_t widest = 0;
        for (size_t p = ps; p < pe; p++) {
            running &= fs[p] == ps;
            if (fe[p] > fs[p] && fe[p] - fs[p] > widest) widest = fe[p] - fs[p];
        }
        mode = running ? MODE_RUNNING
               : order_sensitive(x->agg->kind) && widest <= WIN_EXT_EXACT_WIDTH ? MODE_RECOMPUTE
                                                                                 : MODE_STACKS;
    }
    bk_arena_reset(x->gen);
    agg_slot run;
    memset(&run, 0, sizeof run);
    size_t run_e = ps;
    stacks w = {.lo = ps, .mid = ps, .hi = ps};
    for (size_t p = ps; p < pe; p++) {
        size_t s = fs[p], e = fe[p];
        if (p > ps && s == fs[p - 1] && e == fe[p - 1]) { /* the same frame: the same result */
            x->row_of[p] = (uint32_t)(x->n_results - 1);
            continue;
        }
        if ((p & 1023) == 0) BK_TRY(exec_check_cancel(x->ctx, err));
        agg_slot *q;
        switch (mode) {
        case MODE_LOG:
            BK_TRY(log_frame(x, s, e, err));
            break;
        case MODE_RUNNING:
            BK_TRY(fold(x, &x->st_gen, &run, run_e, e, err));
            if (e > run_e) run_e = e;
            BK_TRY(new_slot(x, &q, err));
            BK_TRY(merge(x, &x->st_blk, q, &run, err));
            break;
        case MODE_RECOMPUTE:
            BK_TRY(new_slot(x, &q, err));
            BK_TRY(fold(x, &x->st_blk, q, s, e, err));
            break;
        case MODE_STACKS:
            BK_TRY(stacks_frame(x, &w, s, e, err));
            break;
        }
        x->row_of[p] = (uint32_t)(x->n_results - 1);
    }
    return BK_OK;
}

bk_status exec_win_ext_finish(win_ext *x, bk_vector **res, bk_error *err) {
    BK_TRY(flush(x, err));
    if (x->n_parts == 0) {
        *res = bk_vector_make(x->out, x->agg->type, 0);
        return *res ? BK_OK : bk_arena_oom(x->out, err);
    }
    bk_vector *all =
        x->n_parts == 1 ? x->parts[0] : bk_vector_concat(x->scratch, x->parts, x->n_parts);
    if (!all) return bk_arena_oom(x->scratch, err);
    bk_vector *r = bk_vector_take(x->out, all, x->row_of, x->m);
    if (!r || !bk_vector_own_strings(x->out, r)) return bk_arena_oom(x->out, err);
    *res = r;
    return BK_OK;
}
