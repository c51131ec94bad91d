/*
 * op_generate.c — the GENERATE streaming operator: explode, posexplode and
 * inline (and their _outer forms), for LATERAL VIEW, generators in SELECT and
 * the table-valued forms (the binder plans all three as this node).
 *
 * For every input row the argument (an ARRAY, a MAP, or for inline an
 * ARRAY<STRUCT>) is evaluated and the row is repeated once per element; the
 * output is the child's columns followed by the generated ones:
 *
 *   explode(array)      col                posexplode(array)  pos, col
 *   explode(map)        key, value         posexplode(map)    pos, key, value
 *   inline(array<struct<a, b>>)  a, b      (a NULL struct element gives NULLs)
 *
 * pos is an INT counted from 0.  A NULL or empty value makes no row, except
 * with `outer`, where it makes one row whose generated columns are NULL.
 * Output chunks may be larger than EXEC_CHUNK_ROWS (one input chunk's
 * elements).  Runs in parallel: the operator keeps no state between chunks.
 */
#include <string.h>

#include "engine/exec/exec_int.h"

/* Rows idx[i] of v, NULL where idx[i] >= v->n (idx may be rewritten). */
static bk_vector *gather(bk_arena *a, const bk_vector *v, uint32_t *idx, size_t n) {
    bool any_null = false;
    for (size_t i = 0; i < n && !any_null; i++) any_null = idx[i] >= v->n;
    if (!any_null) return bk_vector_take(a, v, idx, n);
    bk_vector *nr = bk_vector_make(a, v->type, 1);
    if (!nr || bk_vector_ensure_validity(a, nr) != BK_OK) return NULL;
    bk_validity_set(nr->validity, 0, false);
    bk_vector *parts[2] = {(bk_vector *)v, nr};
    bk_vector *all = bk_vector_concat(a, parts, 2);
    if (!all) return NULL;
    for (size_t i = 0; i < n; i++)
        if (idx[i] >= v->n) idx[i] = (uint32_t)v->n;
    return bk_vector_take(a, all, idx, n);
}

static bk_status generate_execute(exec_stream *op, exec_worker *w, const exec_chunk *in,
                                  exec_chunk *out, bk_error *err) {
    const exec_node *node = op->node;
    bk_arena *a = w->scratch;
    bk_vector *v;
    BK_TRY(exec_eval(op->ctx, a, node->u.generate.arg, in, &v, err));
    bool outer = node->u.generate.outer;
    size_t total = 0;
    for (size_t i = 0; i < in->n; i++) {
        size_t len = bk_vector_is_valid(v, i) ? (size_t)(v->offsets[i + 1] - v->offsets[i]) : 0;
        total += len ? len : outer;
    }
    uint32_t *src = bk_arena_array(a, total ? total : 1, sizeof *src);
    uint32_t *elem = bk_arena_array(a, total ? total : 1, sizeof *elem);
    int32_t *pos = bk_arena_array(a, total ? total : 1, sizeof *pos);
    if (!src || !elem || !pos) return bk_arena_oom(a, err);
    size_t r = 0;
    for (size_t i = 0; i < in->n; i++) {
        size_t lo = bk_vector_is_valid(v, i) ? (size_t)v->offsets[i] : 0;
        size_t len = bk_vector_is_valid(v, i) ? (size_t)v->offsets[i + 1] - lo : 0;
        for (size_t j = 0; j < len; j++, r++) {
            src[r] = (uint32_t)i;
            elem[r] = (uint32_t)(lo + j);
            pos[r] = (int32_t)j;
        }
        if (!len && outer) {
            src[r] = (uint32_t)i;
            elem[r] = UINT32_MAX;
            pos[r] = -1;
            r++;
        }
    }
    uint32_t n_child = in->n_cols, n_out = node->schema->n_children;
    out->n = total;
    out->n_cols = n_out;
    out->cols = bk_arena_array(a, n_out ? n_out : 1, sizeof *out->cols);
    if (!out->cols) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < n_child; k++) {
        out->cols[k] = bk_vector_take(a, in->cols[k], src, total);
        if (!out->cols[k]) return bk_arena_oom(a, err);
    }
    uint32_t k = n_child;
    if (node->u.generate.with_pos) {
        bk_vector *p = bk_vector_make(a, bk_type_scalar(BK_TYPE_INT), total);
        if (!p) return bk_arena_oom(a, err);
        for (size_t i = 0; i < total; i++) {
            if (pos[i] >= 0) {
                ((int32_t *)p->data)[i] = pos[i];
            } else {
                if (bk_vector_ensure_validity(a, p) != BK_OK) return bk_arena_oom(a, err);
                bk_validity_set(p->validity, i, false);
            }
        }
        out->cols[k++] = p;
    }
    /* the element vectors the generated columns come from */
    const bk_vector *elems = v->children[0];
    uint32_t n_parts = v->type->kind == BK_TYPE_MAP ? 2 : 1;
    const bk_vector *const *parts = (const bk_vector *const *)v->children;
    uint32_t *idx = bk_arena_array(a, total ? total : 1, sizeof *idx);
    if (!idx) return bk_arena_oom(a, err);
    if (node->u.generate.kind == EXEC_GEN_INLINE) {
        /* one column per struct field; a NULL struct element makes NULL fields */
        n_parts = elems->type->n_children;
        parts = (const bk_vector *const *)elems->children;
        for (size_t i = 0; i < total; i++)
            if (elem[i] != UINT32_MAX && !bk_vector_is_valid(elems, elem[i])) elem[i] = UINT32_MAX;
    }
    for (uint32_t p = 0; p < n_parts; p++) {
        memcpy(idx, elem, total * sizeof *idx);
        out->cols[k] = gather(a, parts[p], idx, total);
        if (!out->cols[k++]) return bk_arena_oom(a, err);
    }
    if (k != n_out)
        return bk_error_set(err, BK_INTERNAL, "generate: %u columns for a schema of %u", k, n_out);
    return BK_OK;
}

bk_status exec_generate_stream(exec_ctx *ctx, exec_node *node, exec_stream *op, bk_error *err) {
    (void)err;
    op->node = node;
    op->ctx = ctx;
    op->execute = generate_execute;
    return BK_OK;
}
