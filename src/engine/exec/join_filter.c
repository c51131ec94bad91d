/*
 * join_filter.c — runtime join filters: a hash join's build keys, once known, filter
 * the scan on its probe side.
 *
 * A join's build side is materialized before its probe side runs (pipeline.c).
 * When probe rows without a partner can only be dropped (INNER, SEMI, RIGHT,
 * RIGHT_SEMI, RIGHT_ANTI; not LEFT, ANTI, FULL, nor null-safe keys) and the first
 * probe key is an integer-like column that reaches a Parquet or Delta scan through
 * projections, filters and the probe sides of INNER / LEFT / SEMI / ANTI joins, the
 * distinct build keys of a build side that was itself filtered become an IN
 * predicate of that scan (a word set: a bitmap over
 * a dense range, else a hashed table).  The scan then skips row groups and pages by
 * the keys' range and drops the other rows before it decodes the remaining columns
 * (late materialization), and the join sees only candidates.  TPC-H's joins of
 * lineitem with a filtered part, orders or supplier are the case.
 *
 * The predicates live in the query's exec_ctx, on a stack: pushed before the probe
 * side runs, popped after, so the plan itself is never changed and a plan run twice
 * starts clean.  Only build sides of at most JF_MAX_ROWS rows are used (a set of a
 * million keys costs at most 32 MiB: TPC-H q21's 729,413 orders of status 'F' are a
 * 750 KiB bitmap); OPTIMIZATION-IF-FALSE: without a filter the join still drops the
 * same rows.
 */
#include <string.h>

#include "engine/exec/exec_int.h"
#include "parquet/parquet.h"

#define JF_MAX_ROWS ((size_t)1 << 20)

struct exec_rt_filter {
    const exec_node *scan;
    pq_predicate pred;
    exec_rt_filter *next;
    bk_arena *arena; /* holds this filter, its set and its values; freed when popped */
};

/*
 * The scan that column `col` of `n`'s output is a column of, with that column's
 * position in the scan's output in *scan_col; NULL when the column is computed or
 * comes through an operator that may add rows the scan did not produce.
 */
static const exec_node *scan_of(const exec_node *n, uint32_t col, uint32_t *scan_col) {
    for (;;) {
        switch (n->kind) {
        case EXEC_NODE_PROJECT: {
            const exec_expr *e = n->u.project.exprs[col];
            if (e->kind != EXEC_EXPR_COLUMN) return NULL;
            col = e->column;
            n = n->child;
            break;
        }
        case EXEC_NODE_FILTER:
            n = n->child;
            break;
        case EXEC_NODE_JOIN: { /* its output starts with the probe side's columns */
            exec_join_kind k = n->u.join.kind;
            if (k != EXEC_JOIN_INNER && k != EXEC_JOIN_LEFT && k != EXEC_JOIN_SEMI &&
                k != EXEC_JOIN_ANTI)
                return NULL;
            if (col >= n->child->schema->n_children) return NULL;
            n = n->child;
            break;
        }
        case EXEC_NODE_PARQUET:
        case EXEC_NODE_DELTA:
            *scan_col = col;
            return n;
        default:
            return NULL;
        }
    }
}

/*
 * Does the build side keep only some of its rows (a filter, a scan predicate, a
 * semi / anti join, a limit)?  Only then can its keys drop probe rows: the keys of
 * a whole dimension table (TPC-H q9's supplier) match every probe row, and
 * testing them would only cost.
 */
static bool restricted(const exec_node *n) {
    if (!n) return false;
    switch (n->kind) {
    case EXEC_NODE_FILTER:
    case EXEC_NODE_LIMIT:
        return true;
    case EXEC_NODE_PARQUET:
        return n->u.parquet.n_preds > 0;
    case EXEC_NODE_DELTA:
        return n->u.delta.n_preds > 0;
    case EXEC_NODE_JOIN:
        if (n->u.join.kind == EXEC_JOIN_SEMI || n->u.join.kind == EXEC_JOIN_ANTI ||
            n->u.join.kind == EXEC_JOIN_RIGHT_SEMI || n->u.join.kind == EXEC_JOIN_RIGHT_ANTI)
            return true;
        return restricted(n->child) || restricted(n->right);
    default:
        if (restricted(n->child)) return true;
        for (uint32_t i = 0; i < n->n_children; i++)
            if (restricted(n->children[i])) return true;
        return false;
    }
}

/* Word x of a wordset stored as a value of `width` bytes at position i of data. */
static void put_word(void *data, size_t width, size_t i, uint64_t w) {
    int64_t x = (int64_t)w;
    switch (width) {
    case 1: ((int8_t *)data)[i] = (int8_t)x; break;
    case 2: ((int16_t *)data)[i] = (int16_t)x; break;
    case 4: ((int32_t *)data)[i] = (int32_t)x; break;
    default: ((int64_t *)data)[i] = x; break;
    }
}

/*
 * The words of `set` as a vector of t, each once: ascending from a bitmap, in slot
 * order from a table (the scans test membership through the set; the list only
 * bounds statistics, where order does not matter).  No sort: a build side of a
 * million keys would spend tens of milliseconds on one thread ordering them.
 */
static bk_vector *set_values(bk_arena *a, const bk_type *t, const bk_wordset *set) {
    bk_vector *v = bk_vector_make(a, t, set->n);
    if (!v) return NULL;
    size_t width = bk_type_width(t), k = 0;
    if (set->bits) {
        for (uint64_t i = 0; i <= set->span / 64; i++)
            for (uint64_t b = set->bits[i]; b; b &= b - 1)
                put_word(v->data, width, k++, set->lo + i * 64 + (uint64_t)__builtin_ctzll(b));
    } else {
        for (uint64_t i = 0; i <= set->mask; i++)
            if (set->slots[i] != set->empty) put_word(v->data, width, k++, set->slots[i]);
    }
    return v;
}

exec_rt_filter *exec_join_filter_push(exec_ctx *ctx, const exec_node *join,
                                      const exec_table *build) {
    exec_join_kind k = join->u.join.kind;
    bool drops = k == EXEC_JOIN_INNER || k == EXEC_JOIN_SEMI || k == EXEC_JOIN_RIGHT ||
                 k == EXEC_JOIN_RIGHT_SEMI || k == EXEC_JOIN_RIGHT_ANTI;
    if (!drops || join->u.join.null_safe || join->u.join.n_keys == 0) return NULL;
    if (build->n_rows > JF_MAX_ROWS || !restricted(join->right)) return NULL;
    uint32_t scan_col;
    const exec_node *scan = scan_of(join->child, join->u.join.probe_keys[0], &scan_col);
    if (!scan || (scan->kind == EXEC_NODE_PARQUET ? scan->u.parquet.no_pushdown
                                                  : scan->u.delta.no_pushdown))
        return NULL;
    uint32_t bcol = join->u.join.build_keys[0];
    const bk_type *t = scan->schema->children[scan_col];
    if (!bk_wordset_type_ok(t) || !bk_type_equal(t, build->schema->children[bcol]) ||
        t->precision != build->schema->children[bcol]->precision)
        return NULL;
    const uint32_t *fields =
        scan->kind == EXEC_NODE_PARQUET ? scan->u.parquet.fields : scan->u.delta.fields;
    /*
     * In an arena of its own, under the query's: a filter the memory limit has no
     * room for is simply not made (the join drops the same rows), and the query's
     * arena does not fail with it.  The key words live in a child freed once the
     * set is built.
     */
    bk_arena *a = bk_arena_new(ctx->arena, "join filter", 0);
    bk_arena *keys = a ? bk_arena_new(a, "join filter keys", 0) : NULL;
    uint64_t *w = keys ? bk_arena_array(keys, build->n_rows ? build->n_rows : 1, sizeof *w) : NULL;
    if (!w) {
        bk_arena_free(a);
        return NULL;
    }
    size_t n = 0;
    for (size_t c = 0; c < build->n_chunks; c++) {
        const bk_vector *v = build->chunks[c].cols[bcol];
        for (size_t i = 0; i < build->chunks[c].n; i++)
            if (bk_vector_is_valid(v, i)) /* a NULL key matches none */
                w[n++] = bk_wordset_word(v->data, bk_type_width(t), i);
    }
    const bk_wordset *set = bk_wordset_build(a, w, n);
    bk_arena_free(keys);
    bk_vector *values = set ? set_values(a, t, set) : NULL;
    exec_rt_filter *f = values ? bk_arena_zalloc(a, sizeof *f) : NULL;
    if (!f) {
        bk_arena_free(a);
        return NULL;
    }
    f->arena = a;
    f->scan = scan;
    f->pred = (pq_predicate){fields[scan_col], PQ_PRED_IN, values, set};
    f->next = ctx->rt_filters;
    ctx->rt_filters = f;
    return f;
}

void exec_join_filter_pop(exec_ctx *ctx, exec_rt_filter *pushed) {
    if (pushed && ctx->rt_filters == pushed) {
        ctx->rt_filters = pushed->next;
        bk_arena_free(pushed->arena);
    }
}

bk_status exec_scan_predicates(exec_ctx *ctx, const exec_node *scan, const pq_predicate *preds,
                               uint32_t n_preds, const pq_predicate **out, uint32_t *n_out,
                               bk_error *err) {
    *out = preds;
    *n_out = n_preds;
    uint32_t extra = 0;
    for (const exec_rt_filter *f = ctx->rt_filters; f; f = f->next) extra += f->scan == scan;
    if (extra == 0) return BK_OK;
    pq_predicate *all = bk_arena_array(ctx->arena, n_preds + extra, sizeof *all);
    if (!all) return bk_arena_oom(ctx->arena, err);
    if (n_preds) memcpy(all, preds, n_preds * sizeof *all);
    uint32_t k = n_preds;
    for (const exec_rt_filter *f = ctx->rt_filters; f; f = f->next)
        if (f->scan == scan) all[k++] = f->pred;
    *out = all;
    *n_out = k;
    return BK_OK;
}
