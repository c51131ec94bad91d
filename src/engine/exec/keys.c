/*
 * keys.c — GROUP BY and join keys as bytes.
 *
 * A row's key columns are serialized into one byte string that bk_hmap hashes
 * and compares; equal SQL keys give equal bytes.  Layout per column: one flag
 * byte (0 NULL, 1 value), then for a valid value its bytes: the fixed-width
 * value, or a 4-byte length and the bytes for STRING/BINARY.  Doubles are
 * normalized (-0.0 as 0.0, one NaN) because Spark groups them that way.
 * ARRAY, MAP and STRUCT values serialize recursively (see "nested values"),
 * so they can be GROUP BY / DISTINCT / join keys too.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "engine/exec/exec_int.h"

bool exec_key_types_ok(bk_vector *const *cols, uint32_t n) {
    (void)cols;
    (void)n;
    return true; /* nested values serialize too (below) */
}

/* ---- nested values ----
 *
 * An ARRAY is a u32 count and its elements, a MAP a u32 count and its entries
 * (key, value) sorted by the key's bytes (so maps with the same entries in any
 * order are one key, as Spark groups them), a STRUCT its fields; every element,
 * key, value and field is a flag byte and, when valid, its value.
 */
static bool put_value(bk_buf *buf, const bk_vector *v, size_t row);

static bool put_flagged(bk_buf *buf, const bk_vector *v, size_t row) {
    if (!bk_vector_is_valid(v, row)) return bk_buf_append_u8(buf, 0) == BK_OK;
    return bk_buf_append_u8(buf, 1) == BK_OK && put_value(buf, v, row);
}

typedef struct map_entry {
    size_t off, key_len, len; /* in the scratch buffer: key bytes then value bytes */
    const uint8_t *base;
} map_entry;

static int entry_cmp(const void *x, const void *y) {
    const map_entry *a = x, *b = y;
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->base + a->off, b->base + b->off, n);
    if (c) return c;
    return a->key_len < b->key_len ? -1 : a->key_len > b->key_len;
}

static bool put_map(bk_buf *buf, const bk_vector *v, size_t row) {
    size_t lo = (size_t)v->offsets[row], n = (size_t)(v->offsets[row + 1] - v->offsets[row]);
    uint32_t count = (uint32_t)n;
    if (bk_buf_append(buf, &count, sizeof count) != BK_OK) return false;
    if (n == 0) return true;
    bk_buf tmp;
    bk_buf_init(&tmp);
    map_entry *es = bk_malloc(n * sizeof *es);
    bool ok = es != NULL;
    for (size_t k = 0; ok && k < n; k++) {
        es[k].off = tmp.len;
        ok = put_flagged(&tmp, v->children[0], lo + k);
        es[k].key_len = tmp.len - es[k].off;
        ok = ok && put_flagged(&tmp, v->children[1], lo + k);
        es[k].len = tmp.len - es[k].off;
    }
    if (ok) {
        for (size_t k = 0; k < n; k++) es[k].base = tmp.data;
        qsort(es, n, sizeof *es, entry_cmp);
        for (size_t k = 0; ok && k < n; k++)
            ok = bk_buf_append(buf, tmp.data + es[k].off, es[k].len) == BK_OK;
    }
    bk_free(es);
    bk_buf_destroy(&tmp);
    return ok;
}

static bool put_value(bk_buf *buf, const bk_vector *v, size_t row) {
    switch (v->type->kind) {
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY: {
        bk_str s = ((const bk_str *)v->data)[row];
        uint32_t len = (uint32_t)s.len;
        return bk_buf_append(buf, &len, sizeof len) == BK_OK &&
               bk_buf_append(buf, s.ptr, s.len) == BK_OK;
    }
    case BK_TYPE_DOUBLE: {
        double d = ((const double *)v->data)[row];
        if (d == 0) d = 0;
        if (isnan(d)) d = NAN;
        return bk_buf_append(buf, &d, sizeof d) == BK_OK;
    }
    case BK_TYPE_FLOAT: {
        float f = ((const float *)v->data)[row];
        if (f == 0) f = 0;
        if (isnan(f)) f = NAN;
        return bk_buf_append(buf, &f, sizeof f) == BK_OK;
    }
    case BK_TYPE_VOID:
        return true;
    case BK_TYPE_ARRAY: {
        size_t lo = (size_t)v->offsets[row];
        uint32_t count = (uint32_t)(v->offsets[row + 1] - v->offsets[row]);
        if (bk_buf_append(buf, &count, sizeof count) != BK_OK) return false;
        for (uint32_t k = 0; k < count; k++)
            if (!put_flagged(buf, v->children[0], lo + k)) return false;
        return true;
    }
    case BK_TYPE_MAP:
        return put_map(buf, v, row);
    case BK_TYPE_STRUCT:
        for (uint32_t f = 0; f < v->type->n_children; f++)
            if (!put_flagged(buf, v->children[f], row)) return false;
        return true;
    default: {
        size_t w = bk_type_width(v->type);
        return bk_buf_append(buf, (const uint8_t *)v->data + row * w, w) == BK_OK;
    }
    }
}

int exec_key_serialize(bk_vector *const *cols, uint32_t n, size_t row, bool null_is_key,
                       bk_buf *buf) {
    bk_buf_clear(buf);
    for (uint32_t k = 0; k < n; k++) {
        const bk_vector *v = cols[k];
        if (!bk_vector_is_valid(v, row)) {
            if (!null_is_key) return 0;
            if (bk_buf_append_u8(buf, 0) != BK_OK) return -1;
            continue;
        }
        if (bk_buf_append_u8(buf, 1) != BK_OK || !put_value(buf, v, row)) return -1;
    }
    return 1;
}

/*
 * Decode one flagged value of nested type t at *pp into a one-row vector in a
 * (children built the same way and concatenated).  NULL on OOM.
 */
static bk_vector *get_flagged(bk_arena *a, const bk_type *t, const unsigned char **pp);

static bk_vector *get_list(bk_arena *a, const bk_type *t, uint32_t count, uint32_t n_parts,
                           const unsigned char **pp, bk_vector **parts_out) {
    for (uint32_t c = 0; c < n_parts; c++) {
        parts_out[c] = NULL;
        if (count == 0) {
            parts_out[c] = bk_vector_make(a, t->children[c], 0);
            if (!parts_out[c]) return NULL;
        }
    }
    if (count == 0) return parts_out[0];
    bk_vector **rows = bk_arena_array(a, (size_t)count * n_parts, sizeof *rows);
    if (!rows) return NULL;
    for (uint32_t k = 0; k < count; k++)
        for (uint32_t c = 0; c < n_parts; c++) {
            rows[c * count + k] = get_flagged(a, t->children[c], pp);
            if (!rows[c * count + k]) return NULL;
        }
    for (uint32_t c = 0; c < n_parts; c++) {
        parts_out[c] = bk_vector_concat(a, rows + c * count, count);
        if (!parts_out[c]) return NULL;
    }
    return parts_out[0];
}

static bk_vector *get_flagged(bk_arena *a, const bk_type *t, const unsigned char **pp) {
    const unsigned char *p = *pp;
    bk_vector *v = bk_vector_make(a, t, 1);
    if (!v) return NULL;
    if (*p++ == 0 || t->kind == BK_TYPE_VOID) {
        if (bk_vector_ensure_validity(a, v) != BK_OK) return NULL;
        bk_validity_set(v->validity, 0, false);
        *pp = p;
        return v;
    }
    switch (t->kind) {
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY: {
        uint32_t len;
        memcpy(&len, p, sizeof len);
        p += sizeof len;
        char *bytes = bk_arena_memdup(a, p, len ? len : 1);
        if (!bytes) return NULL;
        ((bk_str *)v->data)[0] = (bk_str){bytes, len};
        p += len;
        break;
    }
    case BK_TYPE_ARRAY:
    case BK_TYPE_MAP: {
        uint32_t count;
        memcpy(&count, p, sizeof count);
        p += sizeof count;
        bk_vector *parts[2];
        if (!get_list(a, t, count, t->kind == BK_TYPE_MAP ? 2 : 1, &p, parts)) return NULL;
        v->children[0] = parts[0];
        if (t->kind == BK_TYPE_MAP) v->children[1] = parts[1];
        v->offsets[1] = count;
        break;
    }
    case BK_TYPE_STRUCT:
        for (uint32_t f = 0; f < t->n_children; f++) {
            v->children[f] = get_flagged(a, t->children[f], &p);
            if (!v->children[f]) return NULL;
        }
        break;
    default: {
        size_t w = bk_type_width(t);
        memcpy(v->data, p, w);
        p += w;
        break;
    }
    }
    *pp = p;
    return v;
}

bk_status exec_key_decode(bk_arena *a, const bk_type *const *types, uint32_t n_cols,
                          const bk_str *keys, size_t n_rows, bk_vector **out, bk_error *err) {
    bk_vector ***pieces = bk_arena_zalloc(a, (n_cols ? n_cols : 1) * sizeof *pieces);
    if (!pieces) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < n_cols; k++) {
        if (bk_type_is_nested(types[k])) {
            /* nested columns: one-row vectors per row, concatenated at the end */
            pieces[k] = bk_arena_array(a, n_rows ? n_rows : 1, sizeof *pieces[k]);
            if (!pieces[k]) return bk_arena_oom(a, err);
            continue;
        }
        out[k] = bk_vector_make(a, types[k], n_rows);
        if (!out[k]) return bk_arena_oom(a, err);
    }
    for (size_t r = 0; r < n_rows; r++) {
        const unsigned char *p = (const unsigned char *)keys[r].ptr;
        for (uint32_t k = 0; k < n_cols; k++) {
            if (pieces[k]) {
                pieces[k][r] = get_flagged(a, types[k], &p);
                if (!pieces[k][r]) return bk_arena_oom(a, err);
                continue;
            }
            bk_vector *v = out[k];
            if (*p++ == 0 || types[k]->kind == BK_TYPE_VOID) {
                if (bk_vector_ensure_validity(a, v) != BK_OK) return bk_arena_oom(a, err);
                bk_validity_set(v->validity, r, false);
                continue;
            }
            if (types[k]->kind == BK_TYPE_STRING || types[k]->kind == BK_TYPE_BINARY) {
                uint32_t len;
                memcpy(&len, p, sizeof len);
                p += sizeof len;
                char *bytes = bk_arena_memdup(a, p, len ? len : 1);
                if (!bytes) return bk_arena_oom(a, err);
                ((bk_str *)v->data)[r] = (bk_str){bytes, len};
                p += len;
                continue;
            }
            size_t w = bk_type_width(types[k]);
            memcpy((uint8_t *)v->data + r * w, p, w);
            p += w;
        }
    }
    for (uint32_t k = 0; k < n_cols; k++) {
        if (!pieces[k]) continue;
        out[k] = n_rows ? bk_vector_concat(a, pieces[k], n_rows) : bk_vector_make(a, types[k], 0);
        if (!out[k]) return bk_arena_oom(a, err);
    }
    return BK_OK;
}
