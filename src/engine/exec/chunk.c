/*
 * chunk.c — exec_table (rows kept in memory) and vector slices.
 *
 * A table owns copies: appending a chunk gathers its rows into new vectors in
 * the table's arena and copies their string bytes, so the chunk's scratch arena
 * may be reset right after.
 */
#include <string.h>

#include "engine/exec/exec.h"

exec_table *exec_table_make(bk_arena *a, const bk_type *schema) {
    exec_table *t = bk_arena_zalloc(a, sizeof *t);
    if (!t) return NULL;
    t->schema = schema;
    t->arena = a;
    return t;
}

bk_status exec_table_push(exec_table *t, const exec_chunk *c, bk_error *err) {
    if (t->n_chunks == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        exec_chunk *chunks = bk_arena_array(t->arena, cap, sizeof *chunks);
        if (!chunks) return bk_arena_oom(t->arena, err);
        if (t->n_chunks) memcpy(chunks, t->chunks, t->n_chunks * sizeof *chunks);
        t->chunks = chunks;
        t->cap = cap;
    }
    t->chunks[t->n_chunks++] = *c;
    t->n_rows += c->n;
    return BK_OK;
}

bk_status exec_table_append(exec_table *t, const exec_chunk *c, const uint32_t *sel, size_t n_sel,
                            bk_error *err) {
    size_t n = sel ? n_sel : c->n;
    if (n == 0) return BK_OK;
    bk_arena *a = t->arena;
    uint32_t *idx = NULL;
    if (!sel) {
        idx = bk_arena_array(a, n, sizeof *idx);
        if (!idx) return bk_arena_oom(a, err);
        for (size_t i = 0; i < n; i++) idx[i] = (uint32_t)i;
        sel = idx;
    }
    exec_chunk copy = {.n = n, .n_cols = c->n_cols};
    copy.cols = bk_arena_array(a, c->n_cols ? c->n_cols : 1, sizeof *copy.cols);
    if (!copy.cols) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < c->n_cols; k++) {
        bk_vector *v = bk_vector_take(a, c->cols[k], sel, n);
        if (!v || !bk_vector_own_strings(a, v)) return bk_arena_oom(a, err);
        copy.cols[k] = v;
    }
    return exec_table_push(t, &copy, err);
}

bk_status exec_table_move(exec_table *dst, exec_table *src, bk_error *err) {
    for (size_t i = 0; i < src->n_chunks; i++) BK_TRY(exec_table_push(dst, &src->chunks[i], err));
    src->n_chunks = 0;
    src->n_rows = 0;
    return BK_OK;
}

bk_status exec_table_slice(bk_arena *a, const exec_table *t, int64_t offset, int64_t limit,
                           exec_table **out, bk_error *err) {
    exec_table *r = exec_table_make(a, t->schema);
    if (!r) return bk_arena_oom(a, err);
    int64_t skip = offset, left = limit < 0 ? INT64_MAX : limit;
    for (size_t i = 0; i < t->n_chunks && left > 0; i++) {
        const exec_chunk *c = &t->chunks[i];
        if (skip >= (int64_t)c->n) {
            skip -= (int64_t)c->n;
            continue;
        }
        size_t from = (size_t)skip, n = (size_t)BK_MIN((int64_t)c->n - skip, left);
        skip = 0;
        left -= (int64_t)n;
        exec_chunk part = *c;
        if (from || n != c->n) {
            part.n = n;
            part.cols = bk_arena_array(a, c->n_cols ? c->n_cols : 1, sizeof *part.cols);
            if (!part.cols) return bk_arena_oom(a, err);
            for (uint32_t k = 0; k < c->n_cols; k++) {
                part.cols[k] = exec_vector_slice(a, c->cols[k], from, n);
                if (!part.cols[k]) return bk_arena_oom(a, err);
            }
        }
        BK_TRY(exec_table_push(r, &part, err));
    }
    *out = r;
    return BK_OK;
}

bk_vector *exec_table_column(bk_arena *a, const exec_table *t, uint32_t col) {
    const bk_type *type = t->schema->children[col];
    if (t->n_chunks == 0) return bk_vector_make(a, type, 0);
    if (t->n_chunks == 1) return t->chunks[0].cols[col];
    bk_vector **parts = bk_arena_array(a, t->n_chunks, sizeof *parts);
    if (!parts) return NULL;
    for (size_t i = 0; i < t->n_chunks; i++) parts[i] = t->chunks[i].cols[col];
    return bk_vector_concat(a, parts, t->n_chunks);
}

/* Validity bits [off, off+n) of `bits` as a new bitmap (NULL in, NULL out). */
static uint8_t *slice_bits(bk_arena *a, const uint8_t *bits, size_t off, size_t n, bool *oom) {
    if (!bits) return NULL;
    if ((off & 7) == 0) return (uint8_t *)bits + off / 8;
    uint8_t *out = bk_arena_zalloc(a, (n + 7) / 8);
    if (!out) {
        *oom = true;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if ((bits[(off + i) >> 3] >> ((off + i) & 7)) & 1) out[i >> 3] |= (uint8_t)(1u << (i & 7));
    return out;
}

bk_vector *exec_vector_slice(bk_arena *a, const bk_vector *v, size_t off, size_t n) {
    if (off == 0 && n == v->n) return (bk_vector *)v;
    bk_type_kind k = v->type->kind;
    if (k == BK_TYPE_ARRAY || k == BK_TYPE_MAP) {
        uint32_t *idx = bk_arena_array(a, n ? n : 1, sizeof *idx);
        if (!idx) return NULL;
        for (size_t i = 0; i < n; i++) idx[i] = (uint32_t)(off + i);
        return bk_vector_take(a, v, idx, n);
    }
    bk_vector *s = bk_arena_alloc(a, sizeof *s);
    if (!s) return NULL;
    *s = *v;
    s->n = n;
    bool oom = false;
    s->validity = slice_bits(a, v->validity, off, n, &oom);
    if (oom) return NULL;
    size_t width = bk_type_width(v->type);
    if (v->data && width) s->data = (uint8_t *)v->data + off * width;
    if (k == BK_TYPE_STRUCT) {
        s->children =
            bk_arena_array(a, v->type->n_children ? v->type->n_children : 1, sizeof *s->children);
        if (!s->children) return NULL;
        for (uint32_t c = 0; c < v->type->n_children; c++) {
            s->children[c] = exec_vector_slice(a, v->children[c], off, n);
            if (!s->children[c]) return NULL;
        }
    }
    return s;
}
