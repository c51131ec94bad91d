/*
 * conform.c — turning a column as a data file stores it into the column as the
 * table defines it.
 *
 * Files written at different times disagree with the table schema in ways the
 * protocol allows: a column added later is missing (NULL), struct fields appear
 * in another order or under physical names (column mapping), a type was widened
 * after the file was written (PROTOCOL.md "Type Widening": integers to wider
 * integers or double, float to double, date to timestamp_ntz, decimals to more
 * precision or scale, integers to decimals).  delta_conform walks the table field
 * and the file vector together and builds a vector of exactly the table type,
 * sharing the file's buffers wherever the layout already matches.
 */
#include <string.h>

#include "base/str.h"
#include "delta/scan_internal.h"

/* A vector of n NULL rows of `type` (nested children empty or NULL as well). */
bk_vector *delta_null_vector(bk_arena *a, const bk_type *type, size_t n) {
    bk_vector *v = bk_vector_make(a, type, n);
    if (!v) return NULL;
    if (n && !v->validity) {
        v->validity = bk_arena_zalloc(a, (n + 7) / 8);
        if (!v->validity) return NULL;
    }
    if (type->kind == BK_TYPE_STRUCT) {
        for (uint32_t k = 0; k < type->n_children; k++) {
            v->children[k] = delta_null_vector(a, type->children[k], n);
            if (!v->children[k]) return NULL;
        }
    }
    return v;
}

/* Find the child of file struct type `ft` for table field `f`. */
static int find_file_child(const bk_type *ft, const delta_field *f, delta_mapping_mode mode) {
    const char *want = mode == DELTA_MAPPING_NONE ? f->name : f->physical_name;
    for (uint32_t k = 0; k < ft->n_children; k++)
        if (strcmp(ft->field_names[k], want) == 0) return (int)k;
    if (mode != DELTA_MAPPING_NONE) return -1;
    bk_str w = bk_str_from_cstr(want); /* Spark resolves names case-insensitively */
    for (uint32_t k = 0; k < ft->n_children; k++)
        if (bk_str_ieq_cstr(w, ft->field_names[k])) return (int)k;
    return -1;
}

static bool is_integer(bk_type_kind k) {
    return k == BK_TYPE_TINYINT || k == BK_TYPE_SMALLINT || k == BK_TYPE_INT || k == BK_TYPE_BIGINT;
}

static int64_t int_at(const bk_vector *v, size_t i) {
    switch (v->type->kind) {
    case BK_TYPE_TINYINT:
        return ((const int8_t *)v->data)[i];
    case BK_TYPE_SMALLINT:
        return ((const int16_t *)v->data)[i];
    case BK_TYPE_INT:
    case BK_TYPE_DATE:
        return ((const int32_t *)v->data)[i];
    default:
        return ((const int64_t *)v->data)[i];
    }
}

static void int_put(bk_vector *v, size_t i, int64_t x) {
    switch (v->type->kind) {
    case BK_TYPE_TINYINT:
        ((int8_t *)v->data)[i] = (int8_t)x;
        break;
    case BK_TYPE_SMALLINT:
        ((int16_t *)v->data)[i] = (int16_t)x;
        break;
    case BK_TYPE_INT:
        ((int32_t *)v->data)[i] = (int32_t)x;
        break;
    default:
        ((int64_t *)v->data)[i] = x;
        break;
    }
}

/* A decimal value (or integer as scale 0) as a 128-bit unscaled integer. */
static __int128 wide_at(const bk_vector *v, size_t i) {
    if (v->type->kind == BK_TYPE_DECIMAL && v->type->precision > BK_DECIMAL_INT64_MAX_PRECISION) {
        bk_i128 x = ((const bk_i128 *)v->data)[i];
        return (__int128)(((unsigned __int128)(uint64_t)x.hi << 64) | x.lo);
    }
    return int_at(v, i);
}

static void decimal_put(bk_vector *v, size_t i, __int128 x) {
    if (v->type->precision > BK_DECIMAL_INT64_MAX_PRECISION) {
        bk_i128 *d = &((bk_i128 *)v->data)[i];
        d->lo = (uint64_t)x;
        d->hi = (int64_t)(x >> 64);
    } else {
        ((int64_t *)v->data)[i] = (int64_t)x;
    }
}

/* Widen scalar `src` to `dst_type`; false when the protocol allows no such change. */
static bool widen(bk_arena *a, const bk_vector *src, const bk_type *dst_type, bk_vector **out) {
    bk_type_kind sk = src->type->kind, dk = dst_type->kind;
    bk_vector *v = bk_vector_make(a, dst_type, src->n);
    if (!v) return false;
    v->validity = src->validity;
    size_t n = src->n;
    if (is_integer(sk) && is_integer(dk) && bk_type_width(dst_type) >= bk_type_width(src->type)) {
        for (size_t i = 0; i < n; i++) int_put(v, i, int_at(src, i));
    } else if ((is_integer(sk) || sk == BK_TYPE_FLOAT) && dk == BK_TYPE_DOUBLE) {
        for (size_t i = 0; i < n; i++)
            ((double *)v->data)[i] = sk == BK_TYPE_FLOAT ? (double)((const float *)src->data)[i]
                                                         : (double)int_at(src, i);
    } else if (sk == BK_TYPE_DATE && dk == BK_TYPE_TIMESTAMP_NTZ) {
        for (size_t i = 0; i < n; i++)
            ((int64_t *)v->data)[i] = int_at(src, i) * 86400LL * 1000000LL;
    } else if ((sk == BK_TYPE_DECIMAL || is_integer(sk)) && dk == BK_TYPE_DECIMAL) {
        int from_scale = sk == BK_TYPE_DECIMAL ? src->type->scale : 0;
        if (dst_type->scale < from_scale) return false;
        __int128 mul = 1;
        for (int k = from_scale; k < dst_type->scale; k++) mul *= 10;
        for (size_t i = 0; i < n; i++) decimal_put(v, i, wide_at(src, i) * mul);
    } else {
        return false;
    }
    *out = v;
    return true;
}

/* Same physical layout under another label (STRING/BINARY, TIMESTAMP/_NTZ...). */
static bool same_layout(const bk_type *s, const bk_type *d) {
    if (s->kind == d->kind)
        return s->kind != BK_TYPE_DECIMAL || (s->precision == d->precision && s->scale == d->scale);
    bool s_str = s->kind == BK_TYPE_STRING || s->kind == BK_TYPE_BINARY;
    bool d_str = d->kind == BK_TYPE_STRING || d->kind == BK_TYPE_BINARY;
    bool s_ts = s->kind == BK_TYPE_TIMESTAMP || s->kind == BK_TYPE_TIMESTAMP_NTZ;
    bool d_ts = d->kind == BK_TYPE_TIMESTAMP || d->kind == BK_TYPE_TIMESTAMP_NTZ;
    return (s_str && d_str) || (s_ts && d_ts);
}

static bk_status conform_type(bk_arena *a, const delta_field *f, const bk_type *dst,
                              const bk_vector *src, delta_mapping_mode mode, bk_vector **out,
                              bk_error *err);

/* Conform a STRUCT: each table field from the matching file child, or NULLs. */
static bk_status conform_struct(bk_arena *a, const delta_field *fields, uint32_t n_fields,
                                const bk_type *dst, const bk_vector *src, delta_mapping_mode mode,
                                bk_vector **out, bk_error *err) {
    bk_vector *v = bk_vector_make(a, dst, src->n);
    if (!v) return bk_arena_oom(a, err);
    v->validity = src->validity;
    for (uint32_t k = 0; k < n_fields; k++) {
        int c = find_file_child(src->type, &fields[k], mode);
        if (c < 0) {
            v->children[k] = delta_null_vector(a, dst->children[k], src->n);
            if (!v->children[k]) return bk_arena_oom(a, err);
            continue;
        }
        BK_TRY(conform_type(a, &fields[k], dst->children[k], src->children[c], mode,
                            &v->children[k], err));
    }
    *out = v;
    return BK_OK;
}

static bk_status conform_type(bk_arena *a, const delta_field *f, const bk_type *dst,
                              const bk_vector *src, delta_mapping_mode mode, bk_vector **out,
                              bk_error *err) {
    const bk_type *st = src->type;
    if (dst->kind == BK_TYPE_STRUCT && st->kind == BK_TYPE_STRUCT)
        return conform_struct(a, f->children, f->n_children, dst, src, mode, out, err);
    if ((dst->kind == BK_TYPE_ARRAY && st->kind == BK_TYPE_ARRAY) ||
        (dst->kind == BK_TYPE_MAP && st->kind == BK_TYPE_MAP)) {
        bk_vector *v = bk_vector_make(a, dst, 0);
        if (!v) return bk_arena_oom(a, err);
        *v = *src;
        v->type = dst;
        v->children = bk_arena_array(a, dst->n_children, sizeof *v->children);
        if (!v->children) return bk_arena_oom(a, err);
        for (uint32_t k = 0; k < dst->n_children; k++) {
            const delta_field *cf = k < f->n_children ? &f->children[k] : f;
            BK_TRY(conform_type(a, cf, dst->children[k], src->children[k], mode, &v->children[k],
                                err));
        }
        *out = v;
        return BK_OK;
    }
    if (bk_type_is_nested(dst) || bk_type_is_nested(st)) goto mismatch;
    if (same_layout(st, dst)) {
        bk_vector *v = bk_vector_make(a, dst, 0);
        if (!v) return bk_arena_oom(a, err);
        *v = *src;
        v->type = dst;
        *out = v;
        return BK_OK;
    }
    if (st->kind == BK_TYPE_VOID) {
        *out = delta_null_vector(a, dst, src->n);
        return *out ? BK_OK : bk_arena_oom(a, err);
    }
    if (widen(a, src, dst, out)) return BK_OK;
mismatch : {
    char have[128], want[128];
    bk_type_format(st, have, sizeof have);
    bk_type_format(dst, want, sizeof want);
    return bk_error_set(err, BK_CORRUPT,
                        "column \"%s\": the data file stores %s, which cannot be read as the "
                        "table's type %s",
                        f->name, have, want);
}
}

bk_status delta_conform(bk_arena *a, const delta_field *f, const bk_vector *src,
                        delta_mapping_mode mode, bk_vector **out, bk_error *err) {
    return conform_type(a, f, f->type, src, mode, out, err);
}
