/*
 * key_hash.c — join keys hashed and compared a column at a time.
 *
 * The hash join hashes its key columns vector by vector (one typed loop per
 * column, folded into the row hashes with bk_hash_combine) and verifies
 * candidate pairs the same way: for each key column, one typed loop over the
 * candidate (probe row, build row) pairs drops the pairs whose values differ.
 * No key is serialized and no row is interpreted one at a time.
 *
 * Equal SQL keys hash alike: doubles and floats are normalized (-0.0 as 0.0,
 * every NaN as one NaN, as Spark groups and joins them), and a NULL hashes to
 * a fixed value so that null-safe joins (INTERSECT, EXCEPT, <=>) find NULLs.
 * Both sides' key columns have the same type (the planner casts them to their
 * common type).
 */
#include <math.h>
#include <string.h>

#include "engine/exec/exec_int.h"

#define NULL_HASH UINT64_C(0x2545F4914F6CDD1D)

#define BLOCK 2048

bk_status exec_keys_flatten(bk_arena *a, bk_vector **cols, uint32_t n, bk_error *err) {
    bk_buf buf;
    bk_buf_init(&buf);
    bk_status rc = BK_OK;
    for (uint32_t k = 0; k < n && rc == BK_OK; k++) {
        bk_vector *v = cols[k];
        if (!bk_type_is_nested(v->type)) continue;
        bk_vector *bytes = bk_vector_make(a, bk_type_scalar(BK_TYPE_BINARY), v->n);
        if (!bytes) {
            rc = bk_arena_oom(a, err);
            break;
        }
        bk_str *out = bytes->data;
        for (size_t r = 0; r < v->n; r++) {
            if (!bk_vector_is_valid(v, r)) {
                if (bk_vector_ensure_validity(a, bytes) != BK_OK) {
                    rc = bk_arena_oom(a, err);
                    break;
                }
                bk_validity_set(bytes->validity, r, false);
                continue;
            }
            char *copy;
            if (exec_key_serialize(&v, 1, r, true, &buf) < 0 ||
                !(copy = bk_arena_memdup(a, buf.data, buf.len ? buf.len : 1))) {
                rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory serializing a key");
                break;
            }
            out[r] = (bk_str){copy, buf.len};
        }
        cols[k] = bytes;
    }
    bk_buf_destroy(&buf);
    return rc;
}

bk_status exec_keys_unflatten(bk_arena *a, const bk_type *type, bk_vector **col, bk_error *err) {
    bk_vector *bytes = *col;
    size_t n = bytes->n;
    bk_str *keys = bk_arena_array(a, n ? n : 1, sizeof *keys);
    if (!keys) return bk_arena_oom(a, err);
    const bk_str *s = bytes->data;
    for (size_t r = 0; r < n; r++)
        keys[r] = bk_vector_is_valid(bytes, r) ? s[r] : (bk_str){"\0", 1}; /* the NULL flag */
    return exec_key_decode(a, &type, 1, keys, n, col, err);
}

/* A string key's hash: a short one as one word (no call, no byte loop). */
static inline uint64_t hash_str(bk_str s) {
    if (s.len > EXEC_KEY_SHORT) return bk_hash_bytes(s.ptr, s.len, 0);
    uint64_t len_mix = (uint64_t)s.len * UINT64_C(0x9E3779B97F4A7C15);
    return bk_hash_u64(exec_key_short_word(s.ptr, s.len) ^ len_mix);
}

/* The value hashes of rows [off, off+n) of v into out[0..n) (NULL slots not yet fixed). */
static void hash_column(const bk_vector *v, size_t off, size_t n, uint64_t *out) {
    switch (v->type->kind) {
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY: {
        /* a NULL slot's (ptr, len) may be anything: never read through it */
        const bk_str *s = (const bk_str *)v->data + off;
        if (v->validity)
            for (size_t r = 0; r < n; r++)
                out[r] = bk_vector_is_valid(v, off + r) ? hash_str(s[r]) : NULL_HASH;
        else
            for (size_t r = 0; r < n; r++) out[r] = hash_str(s[r]);
        return;
    }
    case BK_TYPE_DOUBLE: {
        const double *x = (const double *)v->data + off;
        for (size_t r = 0; r < n; r++) out[r] = bk_hash_u64(exec_key_double_bits(x[r]));
        return;
    }
    case BK_TYPE_FLOAT: {
        const float *x = (const float *)v->data + off;
        for (size_t r = 0; r < n; r++) out[r] = bk_hash_u64(exec_key_float_bits(x[r]));
        return;
    }
    case BK_TYPE_VOID:
        for (size_t r = 0; r < n; r++) out[r] = NULL_HASH;
        return;
    default:
        break;
    }
    switch (bk_type_width(v->type)) {
    case 1: {
        const uint8_t *x = (const uint8_t *)v->data + off;
        for (size_t r = 0; r < n; r++) out[r] = bk_hash_u64(x[r]);
        return;
    }
    case 2: {
        const uint16_t *x = (const uint16_t *)v->data + off;
        for (size_t r = 0; r < n; r++) out[r] = bk_hash_u64(x[r]);
        return;
    }
    case 4: {
        const uint32_t *x = (const uint32_t *)v->data + off;
        for (size_t r = 0; r < n; r++) out[r] = bk_hash_u64(x[r]);
        return;
    }
    case 8: {
        const uint64_t *x = (const uint64_t *)v->data + off;
        for (size_t r = 0; r < n; r++) out[r] = bk_hash_u64(x[r]);
        return;
    }
    default: { /* DECIMAL(19..38) */
        const bk_i128 *x = (const bk_i128 *)v->data + off;
        for (size_t r = 0; r < n; r++) out[r] = bk_hash_combine(x[r].lo, (uint64_t)x[r].hi);
        return;
    }
    }
}

void exec_keys_hash_rows(bk_vector *const *cols, uint32_t n_keys, size_t first, size_t n,
                         uint64_t *hash, uint8_t *has_null) {
    if (has_null) memset(has_null, 0, n);
    uint64_t tmp[BLOCK];
    for (size_t done = 0; done < n; done += BLOCK) {
        size_t m = n - done < BLOCK ? n - done : BLOCK, off = first + done;
        uint64_t *h = hash + done;
        if (n_keys == 0)
            for (size_t r = 0; r < m; r++) h[r] = NULL_HASH;
        for (uint32_t k = 0; k < n_keys; k++) {
            const bk_vector *v = cols[k];
            uint64_t *dst = k == 0 ? h : tmp;
            hash_column(v, off, m, dst);
            if (v->validity)
                for (size_t r = 0; r < m; r++)
                    if (!bk_vector_is_valid(v, off + r)) {
                        dst[r] = NULL_HASH;
                        if (has_null) has_null[done + r] = 1;
                    }
            if (k > 0)
                for (size_t r = 0; r < m; r++) h[r] = bk_hash_combine(h[r], tmp[r]);
        }
    }
}

void exec_keys_hash(bk_vector *const *cols, uint32_t n_keys, size_t n, uint64_t *hash,
                    uint8_t *has_null) {
    exec_keys_hash_rows(cols, n_keys, 0, n, hash, has_null);
}

/*
 * Keep the pairs i for which `cond` (over rows ra of va and rb of vb) holds,
 * compacting a_rows/b_rows.  With NULLs in either column a NULL equals only a
 * NULL, and only when null_safe; `cond` is never evaluated on a NULL slot.
 */
#define KEEP_IF(cond)                                                                              \
    do {                                                                                           \
        size_t out = 0;                                                                            \
        if (!nulls) {                                                                              \
            for (size_t i = 0; i < n; i++) {                                                       \
                uint32_t ra = a_rows[i], rb = b_rows[i];                                           \
                a_rows[out] = ra;                                                                  \
                b_rows[out] = rb;                                                                  \
                out += (cond);                                                                     \
            }                                                                                      \
        } else {                                                                                   \
            for (size_t i = 0; i < n; i++) {                                                       \
                uint32_t ra = a_rows[i], rb = b_rows[i];                                           \
                bool na = !bk_vector_is_valid(va, ra), nb = !bk_vector_is_valid(vb, rb);           \
                a_rows[out] = ra;                                                                  \
                b_rows[out] = rb;                                                                  \
                out += (na || nb) ? (na && nb && null_safe) : (cond);                              \
            }                                                                                      \
        }                                                                                          \
        n = out;                                                                                   \
    } while (0)

size_t exec_keys_equal_filter(bk_vector *const *a_cols, bk_vector *const *b_cols,
                              uint32_t n_keys, bool null_safe, uint32_t *a_rows,
                              uint32_t *b_rows, size_t n) {
    for (uint32_t k = 0; k < n_keys && n; k++) {
        const bk_vector *va = a_cols[k], *vb = b_cols[k];
        bool nulls = va->validity || vb->validity;
        switch (va->type->kind) {
        case BK_TYPE_STRING:
        case BK_TYPE_BINARY: {
            const bk_str *x = va->data, *y = vb->data;
            KEEP_IF(x[ra].len == y[rb].len && memcmp(x[ra].ptr, y[rb].ptr, x[ra].len) == 0);
            continue;
        }
        case BK_TYPE_DOUBLE: {
            const double *x = va->data, *y = vb->data;
            KEEP_IF(exec_key_double_bits(x[ra]) == exec_key_double_bits(y[rb]));
            continue;
        }
        case BK_TYPE_FLOAT: {
            const float *x = va->data, *y = vb->data;
            KEEP_IF(exec_key_float_bits(x[ra]) == exec_key_float_bits(y[rb]));
            continue;
        }
        case BK_TYPE_VOID: /* all NULL */
            KEEP_IF(true);
            continue;
        default:
            break;
        }
        switch (bk_type_width(va->type)) {
        case 1: {
            const uint8_t *x = va->data, *y = vb->data;
            KEEP_IF(x[ra] == y[rb]);
            break;
        }
        case 2: {
            const uint16_t *x = va->data, *y = vb->data;
            KEEP_IF(x[ra] == y[rb]);
            break;
        }
        case 4: {
            const uint32_t *x = va->data, *y = vb->data;
            KEEP_IF(x[ra] == y[rb]);
            break;
        }
        case 8: {
            const uint64_t *x = va->data, *y = vb->data;
            KEEP_IF(x[ra] == y[rb]);
            break;
        }
        default: {
            const bk_i128 *x = va->data, *y = vb->data;
            KEEP_IF(x[ra].lo == y[rb].lo && x[ra].hi == y[rb].hi);
            break;
        }
        }
    }
    return n;
}
