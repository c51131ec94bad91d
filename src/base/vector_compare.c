/*
 * vector_compare.c — ordering two scalar values held in vectors.
 *
 * The order is Spark's: numbers by value with NaN above every other value (and
 * equal to itself), strings and binaries bytewise unsigned, booleans false <
 * true, dates and timestamps by their integer encodings, decimals by unscaled
 * value (both sides must have the same type).  ARRAYs compare element by
 * element, then by length; STRUCTs field by field; a NULL element or field is
 * below any value (Spark's ordering of arrays and structs).  MAPs are not
 * ordered (Spark refuses to sort them): they compare equal.
 */
#include <string.h>

#include "base/str.h"
#include "base/vector.h"

static int cmp_i64(int64_t x, int64_t y) { return (x > y) - (x < y); }

static int cmp_double(double x, double y) {
    bool nx = x != x, ny = y != y;
    if (nx || ny) return (int)nx - (int)ny;
    return (x > y) - (x < y);
}

/* Child rows x of ca and y of cb, NULLs first. */
static int cmp_child(const bk_vector *ca, size_t x, const bk_vector *cb, size_t y) {
    bool vx = bk_vector_is_valid(ca, x), vy = bk_vector_is_valid(cb, y);
    if (!vx || !vy) return (int)vx - (int)vy;
    return bk_vector_compare(ca, x, cb, y);
}

int bk_vector_compare(const bk_vector *a, size_t i, const bk_vector *b, size_t j) {
    switch (a->type->kind) {
    case BK_TYPE_ARRAY: {
        int64_t la = a->offsets[i + 1] - a->offsets[i], lb = b->offsets[j + 1] - b->offsets[j];
        for (int64_t k = 0; k < la && k < lb; k++) {
            int c = cmp_child(a->children[0], (size_t)(a->offsets[i] + k), b->children[0],
                              (size_t)(b->offsets[j] + k));
            if (c) return c;
        }
        return cmp_i64(la, lb);
    }
    case BK_TYPE_STRUCT:
        for (uint32_t f = 0; f < a->type->n_children; f++) {
            int c = cmp_child(a->children[f], i, b->children[f], j);
            if (c) return c;
        }
        return 0;
    case BK_TYPE_BOOLEAN:
    case BK_TYPE_TINYINT:
        return cmp_i64(a->type->kind == BK_TYPE_BOOLEAN ? ((const uint8_t *)a->data)[i]
                                                        : ((const int8_t *)a->data)[i],
                       b->type->kind == BK_TYPE_BOOLEAN ? ((const uint8_t *)b->data)[j]
                                                        : ((const int8_t *)b->data)[j]);
    case BK_TYPE_SMALLINT:
        return cmp_i64(((const int16_t *)a->data)[i], ((const int16_t *)b->data)[j]);
    case BK_TYPE_INT:
    case BK_TYPE_DATE:
    case BK_TYPE_INTERVAL_YM:
        return cmp_i64(((const int32_t *)a->data)[i], ((const int32_t *)b->data)[j]);
    case BK_TYPE_BIGINT:
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
    case BK_TYPE_TIME:
    case BK_TYPE_INTERVAL_DT:
        return cmp_i64(((const int64_t *)a->data)[i], ((const int64_t *)b->data)[j]);
    case BK_TYPE_FLOAT:
        return cmp_double(((const float *)a->data)[i], ((const float *)b->data)[j]);
    case BK_TYPE_DOUBLE:
        return cmp_double(((const double *)a->data)[i], ((const double *)b->data)[j]);
    case BK_TYPE_DECIMAL:
        if (a->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION)
            return cmp_i64(((const int64_t *)a->data)[i], ((const int64_t *)b->data)[j]);
        {
            bk_i128 x = ((const bk_i128 *)a->data)[i], y = ((const bk_i128 *)b->data)[j];
            if (x.hi != y.hi) return x.hi < y.hi ? -1 : 1;
            return (x.lo > y.lo) - (x.lo < y.lo);
        }
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY:
        return bk_str_cmp(((const bk_str *)a->data)[i], ((const bk_str *)b->data)[j]);
    default:
        return 0;
    }
}
