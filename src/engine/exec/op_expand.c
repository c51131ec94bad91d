/*
 * op_expand.c — EXEC_NODE_EXPAND: every input row becomes several output rows.
 *
 * A streaming operator (one chunk in, one larger chunk out), the executor's
 * half of GROUP BY GROUPING SETS / ROLLUP / CUBE (one projection per grouping
 * set: the keys absent from the set are NULL constants, and a grouping id
 * constant tells the sets apart), of UNPIVOT (one projection per IN item) and
 * of INTERSECT ALL / EXCEPT ALL (`repeat`: a row emitted as many times as a
 * count column says).  Spark's Expand operator is the model.
 *
 * The output of a chunk of n rows with k projections has k * n rows: all n
 * rows through projection 0, then through projection 1, and so on.  The rows
 * are computed in the worker's scratch arena like any projection; nothing is
 * kept between chunks, so the operator has no state and no lock.
 */
#include "engine/exec/exec_int.h"

/* Rows of `in` through every projection, concatenated column by column. */
static bk_status expand_projections(exec_stream *op, exec_worker *w, const exec_chunk *in,
                                    exec_chunk *out, bk_error *err) {
    const exec_node *node = op->node;
    uint32_t n_cols = node->schema->n_children, n_proj = node->u.expand.n_projections;
    bk_arena *a = w->scratch;
    out->n = in->n * n_proj;
    out->n_cols = n_cols;
    out->cols = bk_arena_array(a, n_cols ? n_cols : 1, sizeof *out->cols);
    bk_vector **parts = bk_arena_array(a, n_proj ? n_proj : 1, sizeof *parts);
    if (!out->cols || !parts) return bk_arena_oom(a, err);
    if (n_proj == 0) {
        out->n = 0;
        return BK_OK;
    }
    for (uint32_t c = 0; c < n_cols; c++) {
        for (uint32_t k = 0; k < n_proj; k++)
            BK_TRY(exec_eval(op->ctx, a, node->u.expand.projections[k][c], in, &parts[k], err));
        out->cols[c] = n_proj == 1 ? parts[0] : bk_vector_concat(a, parts, n_proj);
        if (!out->cols[c]) return bk_arena_oom(a, err);
    }
    return BK_OK;
}

/* Each row of `in` through projection 0, `repeat` times. */
static bk_status expand_repeat(exec_stream *op, exec_worker *w, const exec_chunk *in,
                               exec_chunk *out, bk_error *err) {
    const exec_node *node = op->node;
    uint32_t n_cols = node->schema->n_children;
    bk_arena *a = w->scratch;
    bk_vector *count;
    BK_TRY(exec_eval(op->ctx, a, node->u.expand.repeat, in, &count, err));
    const int64_t *cv = count->data;
    uint64_t total = 0;
    for (size_t r = 0; r < in->n; r++)
        if (bk_vector_is_valid(count, r) && cv[r] > 0) total += (uint64_t)cv[r];
    if (total > UINT32_MAX)
        return bk_error_set(err, BK_LIMIT_EXCEEDED,
                            "a row repeats %llu times in one chunk of INTERSECT ALL / EXCEPT ALL; "
                            "at most %u rows fit",
                            (unsigned long long)total, UINT32_MAX);
    uint32_t *idx = bk_arena_array(a, total ? total : 1, sizeof *idx);
    out->cols = bk_arena_array(a, n_cols ? n_cols : 1, sizeof *out->cols);
    if (!idx || !out->cols) return bk_arena_oom(a, err);
    size_t k = 0;
    for (size_t r = 0; r < in->n; r++) {
        if (!bk_vector_is_valid(count, r)) continue;
        for (int64_t t = 0; t < cv[r]; t++) idx[k++] = (uint32_t)r;
    }
    out->n = k;
    out->n_cols = n_cols;
    for (uint32_t c = 0; c < n_cols; c++) {
        bk_vector *v;
        BK_TRY(exec_eval(op->ctx, a, node->u.expand.projections[0][c], in, &v, err));
        out->cols[c] = bk_vector_take(a, v, idx, k);
        if (!out->cols[c]) return bk_arena_oom(a, err);
    }
    return BK_OK;
}

static bk_status expand_execute(exec_stream *op, exec_worker *w, const exec_chunk *in,
                                exec_chunk *out, bk_error *err) {
    if (op->node->u.expand.repeat) return expand_repeat(op, w, in, out, err);
    return expand_projections(op, w, in, out, err);
}

bk_status exec_expand_stream(exec_ctx *ctx, exec_node *node, exec_stream *op, bk_error *err) {
    if (node->u.expand.repeat && node->u.expand.n_projections != 1)
        return bk_error_set(err, BK_INTERNAL, "a repeating expand needs exactly one projection");
    op->node = node;
    op->ctx = ctx;
    op->execute = expand_execute;
    return BK_OK;
}
