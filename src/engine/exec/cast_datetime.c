/*
 * cast_datetime.c — casts among DATE, TIMESTAMP and TIMESTAMP_NTZ, and between
 * TIMESTAMP and numbers (Spark's Cast.scala rules).
 *
 *   DATE -> TIMESTAMP           midnight of that day in the session zone
 *   DATE -> TIMESTAMP_NTZ       midnight, no zone
 *   TIMESTAMP -> DATE           the day of the instant in the session zone
 *   TIMESTAMP_NTZ -> DATE       the day of the wall clock
 *   TIMESTAMP <-> TIMESTAMP_NTZ  through the session zone's offset
 *   TIMESTAMP -> integral       seconds, rounded down (floor); narrower than BIGINT:
 *                               ANSI CAST_OVERFLOW, legacy wraps
 *   TIMESTAMP -> FLOAT/DOUBLE   seconds with a fraction; -> DECIMAL via DOUBLE
 *   integral -> TIMESTAMP       seconds; out of int64 µs: ANSI ARITHMETIC_OVERFLOW,
 *                               legacy saturates
 *   DOUBLE -> TIMESTAMP         seconds; NaN/Infinity: ANSI CAST_INVALID_INPUT,
 *                               legacy NULL; out of range: ANSI CAST_OVERFLOW,
 *                               legacy saturates.  FLOAT goes through DOUBLE.
 *   DECIMAL -> TIMESTAMP        seconds, truncated to µs
 *   BOOLEAN -> TIMESTAMP        (legacy only) 1 µs or 0
 *   TIMESTAMP -> BOOLEAN        (legacy only) µs != 0
 *   DATE -> numbers, BOOLEAN    (legacy only) always NULL
 */
#include <math.h>

#include "base/clock.h"
#include "engine/exec/cast_int.h"

/* Floor division by a positive divisor. */
static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* ---------------------------------------------------------------------------------------------
 * Among DATE, TIMESTAMP, TIMESTAMP_NTZ
 * ------------------------------------------------------------------------------------------- */

/* Midnight of `days` as µs; false when it does not fit in int64. */
static bool days_to_micros(int64_t days, int64_t *out) {
    if (days > INT64_MAX / BK_MICROS_PER_DAY || days < INT64_MIN / BK_MICROS_PER_DAY) return false;
    *out = days * BK_MICROS_PER_DAY;
    return true;
}

static bk_status date_to_ts(cast_ctx *c, bool ntz) {
    const int32_t *src = c->in->data;
    int64_t *dst = c->out->data;
    CAST_FOR_ROWS(c, row) {
        int64_t local;
        if (!days_to_micros(src[row], &local)) {
            CAST_BAD(c, row, CAST_FAIL_LONG_OVERFLOW);
            continue;
        }
        dst[row] = ntz ? local : cast_local_to_utc(c, local);
    }
    return BK_OK;
}

static bk_status ts_to_date(cast_ctx *c, bool ntz) {
    const int64_t *src = c->in->data;
    int32_t *dst = c->out->data;
    CAST_FOR_ROWS(c, row) {
        int64_t local = ntz ? src[row] : src[row] + cast_utc_offset(c, src[row]);
        dst[row] = (int32_t)floor_div(local, BK_MICROS_PER_DAY); /* int64 µs: days fit int32 */
    }
    return BK_OK;
}

static bk_status ts_to_ntz(cast_ctx *c) {
    const int64_t *src = c->in->data;
    int64_t *dst = c->out->data;
    CAST_FOR_ROWS(c, row) dst[row] = src[row] + cast_utc_offset(c, src[row]);
    return BK_OK;
}

static bk_status ntz_to_ts(cast_ctx *c) {
    const int64_t *src = c->in->data;
    int64_t *dst = c->out->data;
    CAST_FOR_ROWS(c, row) dst[row] = cast_local_to_utc(c, src[row]);
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * TIMESTAMP -> numbers
 * ------------------------------------------------------------------------------------------- */

#define TS_TO_INT(name, D, DMIN, DMAX)                                                             \
    static bk_status name(cast_ctx *c) {                                                           \
        const int64_t *src = c->in->data;                                                          \
        D *dst = c->out->data;                                                                     \
        CAST_FOR_ROWS(c, row) {                                                                    \
            int64_t secs = floor_div(src[row], BK_MICROS_PER_SECOND);                              \
            if (BK_UNLIKELY(secs < (DMIN) || secs > (DMAX)) && c->strict) {                        \
                CAST_BAD(c, row, CAST_FAIL_OVERFLOW);                                              \
                continue;                                                                          \
            }                                                                                      \
            dst[row] = (D)secs;                                                                    \
        }                                                                                          \
        return BK_OK;                                                                              \
    }

TS_TO_INT(ts_to_i8, int8_t, INT8_MIN, INT8_MAX)
TS_TO_INT(ts_to_i16, int16_t, INT16_MIN, INT16_MAX)
TS_TO_INT(ts_to_i32, int32_t, INT32_MIN, INT32_MAX)
TS_TO_INT(ts_to_i64, int64_t, INT64_MIN, INT64_MAX)

static bk_status ts_to_f64(cast_ctx *c) {
    const int64_t *src = c->in->data;
    double *dst = c->out->data;
    CAST_FOR_ROWS(c, row) dst[row] = (double)src[row] / 1e6;
    return BK_OK;
}

static bk_status ts_to_f32(cast_ctx *c) {
    const int64_t *src = c->in->data;
    float *dst = c->out->data;
    CAST_FOR_ROWS(c, row) dst[row] = (float)((double)src[row] / 1e6);
    return BK_OK;
}

static bk_status ts_to_bool(cast_ctx *c) {
    const int64_t *src = c->in->data;
    uint8_t *dst = c->out->data;
    CAST_FOR_ROWS(c, row) dst[row] = src[row] != 0;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Numbers -> TIMESTAMP
 * ------------------------------------------------------------------------------------------- */

#define INT_TO_TS(name, S)                                                                         \
    static bk_status name(cast_ctx *c) {                                                           \
        const S *src = c->in->data;                                                                \
        int64_t *dst = c->out->data;                                                               \
        const int64_t lim = INT64_MAX / BK_MICROS_PER_SECOND;                                      \
        CAST_FOR_ROWS(c, row) {                                                                    \
            int64_t secs = (int64_t)src[row];                                                      \
            if (BK_UNLIKELY(secs > lim || secs < -lim)) {                                          \
                if (c->strict) {                                                                   \
                    CAST_BAD(c, row, CAST_FAIL_LONG_OVERFLOW);                                     \
                    continue;                                                                      \
                }                                                                                  \
                dst[row] = secs > 0 ? INT64_MAX : INT64_MIN; /* TimeUnit.toMicros saturates */     \
                continue;                                                                          \
            }                                                                                      \
            dst[row] = secs * BK_MICROS_PER_SECOND;                                                \
        }                                                                                          \
        return BK_OK;                                                                              \
    }

INT_TO_TS(i8_to_ts, int8_t)
INT_TO_TS(i16_to_ts, int16_t)
INT_TO_TS(i32_to_ts, int32_t)
INT_TO_TS(i64_to_ts, int64_t)

static bk_status bool_to_ts(cast_ctx *c) {
    const uint8_t *src = c->in->data;
    int64_t *dst = c->out->data;
    CAST_FOR_ROWS(c, row) dst[row] = src[row] ? 1 : 0;
    return BK_OK;
}

static bk_status f64_to_ts(cast_ctx *c) {
    const double *src = c->in->data;
    int64_t *dst = c->out->data;
    CAST_FOR_ROWS(c, row) {
        double x = src[row];
        if (!isfinite(x)) {
            CAST_BAD(c, row, CAST_FAIL_INVALID);
            continue;
        }
        double micros = x * 1e6;
        if (!(micros < 0x1p63 && micros >= -0x1p63)) {
            if (c->strict) {
                CAST_BAD(c, row, CAST_FAIL_OVERFLOW);
                continue;
            }
            dst[row] = micros > 0 ? INT64_MAX : INT64_MIN; /* Java's (long) saturates */
            continue;
        }
        dst[row] = (int64_t)micros;
    }
    return BK_OK;
}

static bk_status dec_to_ts(cast_ctx *c) {
    int64_t *dst = c->out->data;
    int scale = c->in->type->scale;
    CAST_FOR_ROWS(c, row) {
        bk_i128 v = cast_dec_get(c->in, row), micros;
        bool ok = true;
        if (scale <= 6)
            ok = bk_i128_mul_pow10(v, 6 - scale, &micros);
        else
            micros = bk_i128_div_pow10_trunc(v, scale - 6);
        int64_t m = 0;
        if (!ok || !bk_i128_to_i64(micros, &m)) {
            if (c->strict) {
                CAST_BAD(c, row, CAST_FAIL_OVERFLOW);
                continue;
            }
            m = ok ? bk_i128_low_i64(micros) : 0; /* BigDecimal.longValue keeps the low bits */
        }
        dst[row] = m;
    }
    return BK_OK;
}

/* DATE -> numbers or BOOLEAN (legacy): Spark returns NULL for every row. */
static bk_status all_null(cast_ctx *c) {
    CAST_FOR_ROWS(c, row) BK_TRY(cast_set_null(c, row));
    return BK_OK;
}

bk_status cast_datetime(cast_ctx *c) {
    bk_type_kind from = c->in->type->kind, to = c->out->type->kind;
    switch (from) {
    case BK_TYPE_DATE:
        if (to == BK_TYPE_TIMESTAMP) return date_to_ts(c, false);
        if (to == BK_TYPE_TIMESTAMP_NTZ) return date_to_ts(c, true);
        if (to >= BK_TYPE_BOOLEAN && to <= BK_TYPE_DECIMAL) return all_null(c);
        return BK_UNSUPPORTED;
    case BK_TYPE_TIMESTAMP_NTZ:
        if (to == BK_TYPE_DATE) return ts_to_date(c, true);
        if (to == BK_TYPE_TIMESTAMP) return ntz_to_ts(c);
        return BK_UNSUPPORTED;
    case BK_TYPE_TIMESTAMP:
        switch (to) {
        case BK_TYPE_DATE:
            return ts_to_date(c, false);
        case BK_TYPE_TIMESTAMP_NTZ:
            return ts_to_ntz(c);
        case BK_TYPE_BOOLEAN:
            return ts_to_bool(c);
        case BK_TYPE_TINYINT:
            return ts_to_i8(c);
        case BK_TYPE_SMALLINT:
            return ts_to_i16(c);
        case BK_TYPE_INT:
            return ts_to_i32(c);
        case BK_TYPE_BIGINT:
            return ts_to_i64(c);
        case BK_TYPE_FLOAT:
            return ts_to_f32(c);
        case BK_TYPE_DOUBLE:
            return ts_to_f64(c);
        case BK_TYPE_DECIMAL:
            return cast_via(c, bk_type_scalar(BK_TYPE_DOUBLE));
        default:
            return BK_UNSUPPORTED;
        }
    default:
        break;
    }
    if (to != BK_TYPE_TIMESTAMP) return BK_UNSUPPORTED;
    switch (from) {
    case BK_TYPE_BOOLEAN:
        return bool_to_ts(c);
    case BK_TYPE_TINYINT:
        return i8_to_ts(c);
    case BK_TYPE_SMALLINT:
        return i16_to_ts(c);
    case BK_TYPE_INT:
        return i32_to_ts(c);
    case BK_TYPE_BIGINT:
        return i64_to_ts(c);
    case BK_TYPE_FLOAT:
        return cast_via(c, bk_type_scalar(BK_TYPE_DOUBLE));
    case BK_TYPE_DOUBLE:
        return f64_to_ts(c);
    case BK_TYPE_DECIMAL:
        return dec_to_ts(c);
    default:
        return BK_UNSUPPORTED;
    }
}
