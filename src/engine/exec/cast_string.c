/*
 * cast_string.c — casts from STRING to every type, and from every type to STRING.
 *
 * From STRING (Spark's rules; all trim leading/trailing whitespace and control
 * characters first, as UTF8String.trimAll):
 *   BOOLEAN    t, true, y, yes, 1 / f, false, n, no, 0 (any case)
 *   integral   ANSI: [+|-]digits within the type, anything else (also "1.5" and
 *              out-of-range values) is CAST_INVALID_INPUT; legacy: a fraction is
 *              truncated ("1.9" -> 1), malformed or out of range is NULL
 *   FLOAT/DOUBLE  Java's Double.parseDouble grammar (a trailing d/D/f/F allowed),
 *              plus inf, +inf, -inf, infinity, nan in any case; too large is ±Infinity
 *   DECIMAL    java.math.BigDecimal grammar, rounded HALF_UP to the scale
 *   DATE, TIMESTAMP, TIMESTAMP_NTZ   dtparse.h's grammar; a TIMESTAMP without a zone
 *              is a wall clock in the session zone; TIMESTAMP_NTZ ignores a zone
 *   BINARY     the same bytes
 * To STRING: Spark's text of the value (bk_vector_format_value), except BINARY,
 * which becomes its raw bytes, and TIMESTAMP, printed in the session time zone.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/dtparse.h"
#include "base/tz.h"
#include "base/str.h"
#include "engine/exec/cast_int.h"

static bool is_trim_char(char c) { return (unsigned char)c <= ' '; }

/* The view without leading and trailing whitespace and control characters. */
static bk_str trim_all(bk_str s) {
    size_t b = 0, e = s.len;
    while (b < e && is_trim_char(s.ptr[b])) b++;
    while (e > b && is_trim_char(s.ptr[e - 1])) e--;
    return bk_str_make(s.ptr + b, e - b);
}

/* ---------------------------------------------------------------------------------------------
 * STRING -> BOOLEAN
 * ------------------------------------------------------------------------------------------- */

static bk_status str_to_bool(cast_ctx *c) {
    const bk_str *src = c->in->data;
    uint8_t *dst = c->out->data;
    static const char *const yes[] = {"t", "true", "y", "yes", "1"};
    static const char *const no[] = {"f", "false", "n", "no", "0"};
    CAST_FOR_ROWS(c, row) {
        bk_str s = trim_all(src[row]);
        int found = -1;
        for (size_t i = 0; i < BK_ARRAY_LEN(yes) && found < 0; i++) {
            if (bk_str_ieq_cstr(s, yes[i])) found = 1;
            if (bk_str_ieq_cstr(s, no[i])) found = 0;
        }
        if (found < 0) {
            CAST_BAD(c, row, CAST_FAIL_INVALID);
            continue;
        }
        dst[row] = (uint8_t)found;
    }
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * STRING -> integral
 * ------------------------------------------------------------------------------------------- */

/*
 * [+|-]digits within [min, max] (UTF8String.toLongExact); with allow_fraction also
 * digits "." digits*, the fraction dropped (UTF8String.toLong, legacy mode).
 */
static bool parse_integral(bk_str s, bool allow_fraction, int64_t min, int64_t max, int64_t *out) {
    size_t i = 0;
    bool negative = false;
    if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-')) negative = s.ptr[i++] == '-';
    uint64_t limit = negative ? (uint64_t)0 - (uint64_t)min : (uint64_t)max, mag = 0;
    size_t first = i;
    for (; i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++) {
        uint64_t d = (uint64_t)(s.ptr[i] - '0');
        if (mag > (limit - d) / 10) return false;
        mag = mag * 10 + d;
    }
    if (i == first) return false;
    if (i < s.len) {
        if (!allow_fraction || s.ptr[i] != '.') return false;
        for (i++; i < s.len; i++)
            if (s.ptr[i] < '0' || s.ptr[i] > '9') return false;
    }
    *out = negative ? (int64_t)((uint64_t)0 - mag) : (int64_t)mag;
    return true;
}

#define STR_TO_INT(name, D, DMIN, DMAX)                                                            \
    static bk_status name(cast_ctx *c) {                                                           \
        const bk_str *src = c->in->data;                                                           \
        D *dst = c->out->data;                                                                     \
        bool fraction = !c->strict;                                                                \
        CAST_FOR_ROWS(c, row) {                                                                    \
            int64_t v;                                                                             \
            if (!parse_integral(trim_all(src[row]), fraction, DMIN, DMAX, &v)) {                   \
                CAST_BAD(c, row, CAST_FAIL_INVALID);                                               \
                continue;                                                                          \
            }                                                                                      \
            dst[row] = (D)v;                                                                       \
        }                                                                                          \
        return BK_OK;                                                                              \
    }

STR_TO_INT(str_to_i8, int8_t, INT8_MIN, INT8_MAX)
STR_TO_INT(str_to_i16, int16_t, INT16_MIN, INT16_MAX)
STR_TO_INT(str_to_i32, int32_t, INT32_MIN, INT32_MAX)
STR_TO_INT(str_to_i64, int64_t, INT64_MIN, INT64_MAX)

/* ---------------------------------------------------------------------------------------------
 * STRING -> FLOAT / DOUBLE
 * ------------------------------------------------------------------------------------------- */

/*
 * Copy a number in Java's Double.parseDouble decimal grammar into dst as C text
 * (the d/f suffix dropped) and return true, or return false.  Special words map to
 * "inf" / "-inf" / "nan".
 */
static bool real_text(bk_str s, char *dst, size_t cap) {
    static const struct {
        const char *word, *as;
    } specials[] = {{"inf", "inf"},       {"+inf", "inf"},  {"infinity", "inf"},
                    {"+infinity", "inf"}, {"-inf", "-inf"}, {"-infinity", "-inf"},
                    {"nan", "nan"},       {"+nan", "nan"},  {"-nan", "nan"}};
    for (size_t i = 0; i < BK_ARRAY_LEN(specials); i++) {
        if (bk_str_ieq_cstr(s, specials[i].word)) {
            snprintf(dst, cap, "%s", specials[i].as);
            return true;
        }
    }
    size_t len = s.len;
    if (len > 1 && strchr("dDfF", s.ptr[len - 1])) len--;
    size_t i = 0, n_digits = 0;
    if (i < len && (s.ptr[i] == '+' || s.ptr[i] == '-')) i++;
    for (; i < len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++) n_digits++;
    if (i < len && s.ptr[i] == '.')
        for (i++; i < len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++) n_digits++;
    if (!n_digits) return false;
    if (i < len && (s.ptr[i] == 'e' || s.ptr[i] == 'E')) {
        i++;
        if (i < len && (s.ptr[i] == '+' || s.ptr[i] == '-')) i++;
        size_t exp_start = i;
        while (i < len && s.ptr[i] >= '0' && s.ptr[i] <= '9') i++;
        if (i == exp_start) return false;
    }
    if (i != len || len + 1 > cap) return false;
    memcpy(dst, s.ptr, len);
    dst[len] = '\0';
    return true;
}

/* Room for the C copy of a number; longer texts take the arena. */
#define REAL_TEXT_STACK 128

static bk_status str_to_real(cast_ctx *c, bool is_float) {
    const bk_str *src = c->in->data;
    CAST_FOR_ROWS(c, row) {
        bk_str s = trim_all(src[row]);
        char stack[REAL_TEXT_STACK], *text = stack;
        size_t cap = sizeof stack;
        if (s.len + 1 > cap) {
            text = bk_arena_alloc(c->a, s.len + 8);
            if (!text) return bk_arena_oom(c->a, c->err);
            cap = s.len + 8;
        }
        if (!real_text(s, text, cap)) {
            CAST_BAD(c, row, CAST_FAIL_INVALID);
            continue;
        }
        /* strtod / strtof round correctly and give ±HUGE_VAL (infinity) when too large */
        if (is_float)
            ((float *)c->out->data)[row] = strtof(text, NULL);
        else
            ((double *)c->out->data)[row] = strtod(text, NULL);
    }
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * STRING -> DECIMAL
 * ------------------------------------------------------------------------------------------- */

static bk_status str_to_dec(cast_ctx *c) {
    const bk_str *src = c->in->data;
    int scale = c->out->type->scale, precision = c->out->type->precision;
    CAST_FOR_ROWS(c, row) {
        bk_i128 v, x;
        int from_scale;
        bk_i128_parse_result r = bk_i128_parse(src[row].ptr, src[row].len, &v, &from_scale);
        if (r == BK_I128_PARSE_MALFORMED) {
            CAST_BAD(c, row, CAST_FAIL_INVALID);
            continue;
        }
        bool ok = r == BK_I128_PARSE_OK && (from_scale >= -BK_I128_MAX_POW10) &&
                  bk_i128_rescale(v, from_scale, scale, &x) && bk_i128_fits_precision(x, precision);
        if (BK_UNLIKELY(!ok)) {
            c->bad_text = r == BK_I128_PARSE_OK ? bk_str_make(NULL, 0) : trim_all(src[row]);
            c->bad_unscaled = v;
            c->bad_scale = from_scale;
            CAST_BAD(c, row, CAST_FAIL_DECIMAL);
            continue;
        }
        cast_dec_put(c->out, row, x);
    }
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * STRING -> DATE / TIMESTAMP / TIMESTAMP_NTZ / TIME / BINARY
 * ------------------------------------------------------------------------------------------- */

static bk_status str_to_date(cast_ctx *c) {
    const bk_str *src = c->in->data;
    int32_t *dst = c->out->data;
    CAST_FOR_ROWS(c, row) {
        if (!bk_dtparse_date(src[row].ptr, src[row].len, &dst[row]))
            CAST_BAD(c, row, CAST_FAIL_INVALID);
    }
    return BK_OK;
}

bool exec_cast_timestamp_region(const char *s, size_t len, bool ntz, int64_t *out) {
    while (len && (unsigned char)s[len - 1] <= ' ') len--;
    size_t j = len;
    while (j > 0 && s[j - 1] != ' ') j--;
    if (j == 0 || j == len) return false;
    bool letter = false;
    for (size_t k = j; k < len; k++) letter |= (s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z';
    bk_dtparse_ts ts;
    const bk_tz *tz;
    bk_error ignore;
    if (!letter || !bk_dtparse_timestamp(s, j - 1, &ts) || ts.has_zone ||
        bk_tz_open_n(s + j, len - j, &tz, &ignore) != BK_OK)
        return false;
    *out = ntz ? ts.local_micros : bk_tz_local_to_utc(tz, ts.local_micros);
    return true;
}

static bk_status str_to_timestamp(cast_ctx *c, bool ntz) {
    const bk_str *src = c->in->data;
    int64_t *dst = c->out->data;
    CAST_FOR_ROWS(c, row) {
        bk_dtparse_ts ts;
        if (!bk_dtparse_timestamp(src[row].ptr, src[row].len, &ts)) {
            if (!exec_cast_timestamp_region(src[row].ptr, src[row].len, ntz, &dst[row]))
                CAST_BAD(c, row, CAST_FAIL_INVALID);
            continue;
        }
        if (ntz)
            dst[row] = ts.local_micros; /* a written zone is ignored */
        else if (ts.has_zone)
            dst[row] = ts.local_micros - (int64_t)ts.zone_offset * BK_MICROS_PER_SECOND;
        else
            dst[row] = cast_local_to_utc(c, ts.local_micros);
    }
    return BK_OK;
}

static bk_status str_to_time(cast_ctx *c) {
    const bk_str *src = c->in->data;
    int64_t *dst = c->out->data;
    CAST_FOR_ROWS(c, row) {
        bk_str s = trim_all(src[row]);
        if (!bk_parse_time(s.ptr, s.len, &dst[row])) CAST_BAD(c, row, CAST_FAIL_INVALID);
    }
    return BK_OK;
}

/* STRING <-> BINARY: the same bytes, shared. */
static bk_status same_bytes(cast_ctx *c) {
    const bk_str *src = c->in->data;
    bk_str *dst = c->out->data;
    CAST_FOR_ROWS(c, row) dst[row] = src[row];
    return BK_OK;
}

bk_status cast_from_string(cast_ctx *c) {
    switch (c->out->type->kind) {
    case BK_TYPE_BOOLEAN:
        return str_to_bool(c);
    case BK_TYPE_TINYINT:
        return str_to_i8(c);
    case BK_TYPE_SMALLINT:
        return str_to_i16(c);
    case BK_TYPE_INT:
        return str_to_i32(c);
    case BK_TYPE_BIGINT:
        return str_to_i64(c);
    case BK_TYPE_FLOAT:
        return str_to_real(c, true);
    case BK_TYPE_DOUBLE:
        return str_to_real(c, false);
    case BK_TYPE_DECIMAL:
        return str_to_dec(c);
    case BK_TYPE_DATE:
        return str_to_date(c);
    case BK_TYPE_TIMESTAMP:
        return str_to_timestamp(c, false);
    case BK_TYPE_TIMESTAMP_NTZ:
        return str_to_timestamp(c, true);
    case BK_TYPE_TIME:
        return str_to_time(c);
    case BK_TYPE_BINARY:
        return same_bytes(c);
    default:
        return BK_UNSUPPORTED;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Anything -> STRING
 * ------------------------------------------------------------------------------------------- */

/*
 * All texts go into one heap buffer (row i's text at starts[i]); at the end the
 * buffer is copied into the arena once and the views are pointed into it.
 */
bk_status cast_to_string(cast_ctx *c) {
    bk_type_kind from = c->in->type->kind;
    bk_str *dst = c->out->data;
    if (from == BK_TYPE_BINARY) return same_bytes(c);
    size_t *starts = bk_arena_array(c->a, c->in->n + 1, sizeof *starts);
    if (!starts) return bk_arena_oom(c->a, c->err);
    bk_buf b;
    bk_buf_init(&b);
    bk_status st = BK_OK;
    if (from == BK_TYPE_TIMESTAMP) {
        const int64_t *src = c->in->data;
        CAST_FOR_ROWS(c, row) {
            char text[BK_TIMESTAMP_TEXT_MAX];
            int64_t local = src[row] + cast_utc_offset(c, src[row]);
            size_t n = bk_format_timestamp_micros(local, text, sizeof text);
            starts[row] = b.len;
            st = bk_buf_append(&b, text, n);
            if (st != BK_OK) break;
        }
    } else {
        /* TIMESTAMPs inside ARRAY / MAP / STRUCT print in the session zone too */
        const bk_vector *in = c->o->tz && bk_type_is_nested(c->in->type)
                                  ? exec_vector_localize(c->a, c->in, c->o->tz)
                                  : c->in;
        if (!in) {
            bk_buf_destroy(&b);
            return bk_arena_oom(c->a, c->err);
        }
        CAST_FOR_ROWS(c, row) {
            starts[row] = b.len;
            st = bk_vector_format_value(in, row, &b);
            if (st != BK_OK) break;
        }
    }
    if (st != BK_OK) {
        bk_buf_destroy(&b);
        if (st == BK_OUT_OF_MEMORY) return bk_arena_oom(c->a, c->err);
        return bk_error_set(c->err, st, "cast to STRING: could not format a value");
    }
    char *bytes = bk_arena_alloc(c->a, b.len ? b.len : 1);
    if (!bytes) {
        bk_buf_destroy(&b);
        return bk_arena_oom(c->a, c->err);
    }
    if (b.len) memcpy(bytes, b.data, b.len);
    /* a row's text ends where the next active row's starts */
    size_t prev = SIZE_MAX;
    CAST_FOR_ROWS(c, row) {
        if (prev != SIZE_MAX)
            dst[prev] = bk_str_make(bytes + starts[prev], starts[row] - starts[prev]);
        prev = row;
    }
    if (prev != SIZE_MAX) dst[prev] = bk_str_make(bytes + starts[prev], b.len - starts[prev]);
    bk_buf_destroy(&b);
    return BK_OK;
}
