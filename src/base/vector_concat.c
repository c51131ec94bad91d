/*
 * vector_concat.c — one vector holding the rows of several, in order.
 *
 * Scalars copy their value slots (string views keep pointing at the same bytes);
 * validity bitmaps are merged bit by bit, and only allocated when some row is
 * NULL; ARRAY and MAP shift each part's offsets by the child rows before it and
 * concatenate their children; STRUCT concatenates each field.
 */
#include <string.h>

#include "base/arena.h"
#include "base/vector.h"

bk_vector *bk_vector_concat(bk_arena *a, bk_vector *const *parts, size_t n_parts) {
    const bk_type *t = parts[0]->type;
    size_t total = 0;
    bool any_null = false;
    for (size_t p = 0; p < n_parts; p++) {
        total += parts[p]->n;
        if (parts[p]->validity) any_null = true;
    }
    bk_vector *v = bk_arena_zalloc(a, sizeof *v);
    if (!v) return NULL;
    v->type = t;
    v->n = total;
    if (any_null || t->kind == BK_TYPE_VOID) {
        v->validity = bk_arena_zalloc(a, (total + 7) / 8 + 1);
        if (!v->validity) return NULL;
        size_t row = 0;
        for (size_t p = 0; p < n_parts; p++)
            for (size_t i = 0; i < parts[p]->n; i++, row++)
                if (bk_vector_is_valid(parts[p], i) && t->kind != BK_TYPE_VOID)
                    bk_validity_set(v->validity, row, true);
    }
    size_t width = bk_type_width(t);
    if (width) {
        v->data = bk_arena_alloc(a, (total ? total : 1) * width);
        if (!v->data) return NULL;
        size_t off = 0;
        for (size_t p = 0; p < n_parts; p++) {
            if (parts[p]->n) memcpy((char *)v->data + off, parts[p]->data, parts[p]->n * width);
            off += parts[p]->n * width;
        }
    }
    if (t->n_children == 0) return v;
    v->children = bk_arena_array(a, t->n_children, sizeof *v->children);
    bk_vector **kids = bk_arena_array(a, n_parts, sizeof *kids);
    if (!v->children || !kids) return NULL;
    if (t->kind == BK_TYPE_ARRAY || t->kind == BK_TYPE_MAP) {
        v->offsets = bk_arena_array(a, total + 1, sizeof *v->offsets);
        if (!v->offsets) return NULL;
        size_t row = 0;
        int64_t base = 0;
        v->offsets[0] = 0;
        for (size_t p = 0; p < n_parts; p++) {
            for (size_t i = 0; i < parts[p]->n; i++, row++)
                v->offsets[row + 1] = base + parts[p]->offsets[i + 1];
            base += parts[p]->n ? parts[p]->offsets[parts[p]->n] : 0;
        }
    }
    for (uint32_t k = 0; k < t->n_children; k++) {
        for (size_t p = 0; p < n_parts; p++) kids[p] = parts[p]->children[k];
        v->children[k] = bk_vector_concat(a, kids, n_parts);
        if (!v->children[k]) return NULL;
    }
    return v;
}

bool bk_vector_own_strings(bk_arena *a, bk_vector *v) {
    if (v->type->kind == BK_TYPE_STRING || v->type->kind == BK_TYPE_BINARY) {
        bk_str *s = v->data;
        size_t total = 0;
        for (size_t i = 0; i < v->n; i++) total += s[i].len;
        char *bytes = bk_arena_alloc(a, total ? total : 1);
        if (!bytes) return false;
        for (size_t i = 0; i < v->n; i++) {
            if (s[i].len) memcpy(bytes, s[i].ptr, s[i].len);
            s[i].ptr = bytes;
            bytes += s[i].len;
        }
    }
    for (uint32_t k = 0; k < v->type->n_children && v->children; k++)
        if (!bk_vector_own_strings(a, v->children[k])) return false;
    return true;
}
