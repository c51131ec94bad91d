/*
 * vector_compare.c — ordering two scalar values held in vectors.
 *
 * The order is Spark's: numbers by value with NaN above every other value (and
 * equal to itself), strings and binaries bytewise unsigned, booleans false <
 * true, dates and timestamps by their integer encodings, decimals by unscaled
 * value (both sides must have the same type).
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

int bk_vector_compare(const bk_vector *a, size_t i, const bk_vector *b, size_t j) {
    switch (a->type->kind) {
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
