/*
 * cast_interval.c — casts to and from the ANSI interval types (Spark's Cast.scala):
 *
 *   STRING -> INTERVAL_*        the qualified form of the target type, or the whole
 *                               "INTERVAL '…' fields" text (base/interval.h);
 *                               malformed: ANSI CAST_INVALID_INPUT, legacy NULL
 *   INTERVAL_* -> STRING        "INTERVAL '1-2' YEAR TO MONTH" (cast_string.c, through
 *                               bk_vector_format_value)
 *   INTERVAL -> integral        the value in the unit of the type's end field (YEAR
 *                               TO MONTH: months, DAY TO SECOND: seconds), truncated
 *                               toward zero; CAST_OVERFLOW when it does not fit
 *   integral -> INTERVAL        that many end-field units; overflow CAST_OVERFLOW
 *   INTERVAL -> DECIMAL         the same number, exact to the µs when the end field is
 *                               SECOND (else truncated), rounded HALF_UP to the target
 *                               scale; too many digits NUMERIC_VALUE_OUT_OF_RANGE (ANSI)
 *   DECIMAL -> INTERVAL         value x end-field unit, rounded HALF_UP to whole months
 *                               or µs; overflow CAST_OVERFLOW
 */
#include "base/clock.h"
#include "base/i128.h"
#include "base/interval.h"
#include "engine/exec/cast_int.h"

/* The unit of an interval type's end field (scale), in months or µs. */
static int64_t unit_of(const bk_type *t) {
    static const int64_t dt[] = {BK_MICROS_PER_DAY, INT64_C(3600000000), INT64_C(60000000),
                                 BK_MICROS_PER_SECOND};
    if (t->kind == BK_TYPE_INTERVAL_YM) return t->scale == BK_IV_YEAR ? 12 : 1;
    return dt[t->scale];
}

bool cast_interval_supported(const bk_type *from, const bk_type *to) {
    bool iv_from = from->kind == BK_TYPE_INTERVAL_YM || from->kind == BK_TYPE_INTERVAL_DT;
    bool iv_to = to->kind == BK_TYPE_INTERVAL_YM || to->kind == BK_TYPE_INTERVAL_DT;
    bool int_from = from->kind >= BK_TYPE_TINYINT && from->kind <= BK_TYPE_BIGINT;
    bool int_to = to->kind >= BK_TYPE_TINYINT && to->kind <= BK_TYPE_BIGINT;
    if (iv_from && iv_to) return from->kind == to->kind;
    if (iv_to)
        return from->kind == BK_TYPE_STRING || int_from || from->kind == BK_TYPE_DECIMAL;
    if (iv_from) return to->kind == BK_TYPE_STRING || int_to || to->kind == BK_TYPE_DECIMAL;
    return false;
}

static int64_t get_int(const bk_vector *v, size_t i) {
    switch (v->type->kind) {
    case BK_TYPE_TINYINT:
        return ((const int8_t *)v->data)[i];
    case BK_TYPE_SMALLINT:
        return ((const int16_t *)v->data)[i];
    case BK_TYPE_INT:
    case BK_TYPE_INTERVAL_YM:
        return ((const int32_t *)v->data)[i];
    default:
        return ((const int64_t *)v->data)[i];
    }
}

/* Stores x when it fits the integral or interval kind of v; false otherwise. */
static bool put_int(bk_vector *v, size_t i, int64_t x) {
    switch (v->type->kind) {
    case BK_TYPE_TINYINT:
        if (x < INT8_MIN || x > INT8_MAX) return false;
        ((int8_t *)v->data)[i] = (int8_t)x;
        return true;
    case BK_TYPE_SMALLINT:
        if (x < INT16_MIN || x > INT16_MAX) return false;
        ((int16_t *)v->data)[i] = (int16_t)x;
        return true;
    case BK_TYPE_INT:
    case BK_TYPE_INTERVAL_YM:
        if (x < INT32_MIN || x > INT32_MAX) return false;
        ((int32_t *)v->data)[i] = (int32_t)x;
        return true;
    default:
        ((int64_t *)v->data)[i] = x;
        return true;
    }
}

/* INTERVAL -> DECIMAL: the end-field count (µs-exact for SECOND), rounded to the target. */
static bk_status interval_to_decimal(cast_ctx *c) {
    const bk_type *from = c->in->type, *to = c->out->type;
    bool seconds = from->kind == BK_TYPE_INTERVAL_DT && from->scale == BK_IV_SECOND;
    int64_t unit = unit_of(from);
    int in_scale = seconds ? 6 : 0;
    CAST_FOR_ROWS(c, row) {
        int64_t x = get_int(c->in, row);
        bk_i128 v = bk_i128_from_i64(seconds ? x : x / unit), r = v;
        bool ok = bk_i128_rescale(v, in_scale, to->scale, &r);
        BK_TRY(cast_dec_put_checked(c, row, r, ok, v, in_scale));
    }
    return BK_OK;
}

/* DECIMAL -> INTERVAL: value times the end field's unit, rounded HALF_UP to an integer. */
static bk_status decimal_to_interval(cast_ctx *c) {
    int scale = c->in->type->scale;
    bk_i128 unit = bk_i128_from_i64(unit_of(c->out->type)), one;
    bool ok_one = bk_i128_mul_pow10(bk_i128_from_i64(1), scale, &one);
    CAST_FOR_ROWS(c, row) {
        bk_i128 x = cast_dec_get(c->in, row), prod, q;
        if (!ok_one || !bk_i128_mul(x, unit, &prod) || !bk_i128_div_round(prod, one, &q) ||
            !bk_i128_fits_precision(q, 18) || !put_int(c->out, row, bk_i128_low_i64(q)))
            CAST_BAD(c, row, CAST_FAIL_OVERFLOW);
    }
    return BK_OK;
}

bk_status cast_interval(cast_ctx *c) {
    const bk_type *from = c->in->type, *to = c->out->type;
    if (from->kind == BK_TYPE_STRING) {
        const bk_str *src = c->in->data;
        CAST_FOR_ROWS(c, row) {
            int64_t v;
            if (!bk_interval_parse_typed(to, src[row].ptr, src[row].len, &v, NULL, 0) ||
                !put_int(c->out, row, v))
                CAST_BAD(c, row, CAST_FAIL_INVALID);
        }
        return BK_OK;
    }
    if (from->kind == to->kind) { /* other fields of the same kind: the same value */
        CAST_FOR_ROWS(c, row) put_int(c->out, row, get_int(c->in, row));
        return BK_OK;
    }
    if (to->kind == BK_TYPE_DECIMAL) return interval_to_decimal(c);
    if (from->kind == BK_TYPE_DECIMAL) return decimal_to_interval(c);
    bool to_interval = to->kind == BK_TYPE_INTERVAL_YM || to->kind == BK_TYPE_INTERVAL_DT;
    int64_t unit = unit_of(to_interval ? to : from);
    CAST_FOR_ROWS(c, row) {
        int64_t x = get_int(c->in, row), r;
        if (to_interval) {
            if (__builtin_mul_overflow(x, unit, &r) || !put_int(c->out, row, r))
                CAST_BAD(c, row, CAST_FAIL_OVERFLOW);
        } else if (!put_int(c->out, row, x / unit)) {
            CAST_BAD(c, row, CAST_FAIL_OVERFLOW);
        }
    }
    return BK_OK;
}
