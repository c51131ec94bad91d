/*
 * keys.c — GROUP BY and join keys as bytes.
 *
 * A row's key columns are serialized into one byte string that bk_hmap hashes
 * and compares; equal SQL keys give equal bytes.  Layout per column: one flag
 * byte (0 NULL, 1 value), then for a valid value its bytes: the fixed-width
 * value, or a 4-byte length and the bytes for STRING/BINARY.  Doubles are
 * normalized (-0.0 as 0.0, one NaN) because Spark groups them that way.
 */
#include <math.h>
#include <string.h>

#include "engine/exec/exec_int.h"

bool exec_key_types_ok(bk_vector *const *cols, uint32_t n) {
    for (uint32_t k = 0; k < n; k++)
        if (bk_type_is_nested(cols[k]->type)) return false;
    return true;
}

int exec_key_serialize(bk_vector *const *cols, uint32_t n, size_t row, bool null_is_key,
                       bk_buf *buf) {
    bk_buf_clear(buf);
    for (uint32_t k = 0; k < n; k++) {
        const bk_vector *v = cols[k];
        size_t need = 1 + 16;
        if (v->type->kind == BK_TYPE_STRING || v->type->kind == BK_TYPE_BINARY)
            need = 1 + 4 + ((const bk_str *)v->data)[row].len;
        if (bk_buf_reserve(buf, need) != BK_OK) return -1;
        if (!bk_vector_is_valid(v, row)) {
            if (!null_is_key) return 0;
            bk_buf_put(buf, "\0", 1);
            continue;
        }
        bk_buf_put(buf, "\1", 1);
        switch (v->type->kind) {
        case BK_TYPE_STRING:
        case BK_TYPE_BINARY: {
            bk_str s = ((const bk_str *)v->data)[row];
            uint32_t len = (uint32_t)s.len;
            bk_buf_put(buf, &len, sizeof len);
            bk_buf_put(buf, s.ptr, s.len);
            break;
        }
        case BK_TYPE_DOUBLE: {
            double d = ((const double *)v->data)[row];
            if (d == 0) d = 0;
            if (isnan(d)) d = NAN;
            bk_buf_put(buf, &d, sizeof d);
            break;
        }
        case BK_TYPE_FLOAT: {
            float f = ((const float *)v->data)[row];
            if (f == 0) f = 0;
            if (isnan(f)) f = NAN;
            bk_buf_put(buf, &f, sizeof f);
            break;
        }
        case BK_TYPE_VOID:
            break;
        default: {
            size_t w = bk_type_width(v->type);
            bk_buf_put(buf, (const uint8_t *)v->data + row * w, w);
            break;
        }
        }
    }
    return 1;
}

bk_status exec_key_decode(bk_arena *a, const bk_type *const *types, uint32_t n_cols,
                          const bk_str *keys, size_t n_rows, bk_vector **out, bk_error *err) {
    for (uint32_t k = 0; k < n_cols; k++) {
        out[k] = bk_vector_make(a, types[k], n_rows);
        if (!out[k]) return bk_arena_oom(a, err);
    }
    for (size_t r = 0; r < n_rows; r++) {
        const unsigned char *p = (const unsigned char *)keys[r].ptr;
        for (uint32_t k = 0; k < n_cols; k++) {
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
    return BK_OK;
}
