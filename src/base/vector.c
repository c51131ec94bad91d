/*
 * vector.c — building column vectors and printing their values (see vector.h).
 *
 * bk_vector_make lays out a vector by its type (types.h has the table);
 * bk_vector_format_value is the one place that turns a value into text, the way
 * Spark's CAST(x AS STRING) does, so the CLI, error messages and tests agree.
 */
#include "base/interval.h"
#include "base/vector.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"

/* ---------------------------------------------------------------------------------------------
 * Construction
 * ------------------------------------------------------------------------------------------- */

/* bk_vector_make, the fixed-width values zeroed or (zero false) left unset. */
static bk_vector *vector_make(bk_arena *a, const bk_type *type, size_t n, bool zero) {
    bk_vector *v = bk_arena_zalloc(a, sizeof *v);
    if (!v) return NULL;
    v->type = type;
    v->n = n;
    size_t width = bk_type_width(type);
    if (width) {
        v->data = bk_arena_array(a, n ? n : 1, width);
        if (!v->data) return NULL;
        if (zero) memset(v->data, 0, n * width);
    }
    switch (type->kind) {
    case BK_TYPE_VOID:
        /* every row of VOID is NULL: an all-zero bitmap says so */
        v->validity = bk_arena_zalloc(a, n / 8 + 1);
        if (!v->validity) return NULL;
        break;
    case BK_TYPE_ARRAY:
    case BK_TYPE_MAP:
        if (n == SIZE_MAX) return NULL;
        v->offsets = bk_arena_array(a, n + 1, sizeof *v->offsets);
        if (!v->offsets) return NULL;
        memset(v->offsets, 0, (n + 1) * sizeof *v->offsets);
        break;
    default:
        break;
    }
    if (bk_type_is_nested(type)) {
        uint32_t n_children = type->n_children;
        v->children = bk_arena_array(a, n_children ? n_children : 1, sizeof *v->children);
        if (!v->children) return NULL;
        size_t child_rows = type->kind == BK_TYPE_STRUCT ? n : 0;
        for (uint32_t i = 0; i < n_children; i++) {
            v->children[i] = bk_vector_make(a, type->children[i], child_rows);
            if (!v->children[i]) return NULL;
        }
    }
    return v;
}

bk_vector *bk_vector_make(bk_arena *a, const bk_type *type, size_t n) {
    return vector_make(a, type, n, true);
}

bk_vector *bk_vector_make_unset(bk_arena *a, const bk_type *type, size_t n) {
    return vector_make(a, type, n, false);
}

bk_status bk_vector_ensure_validity(bk_arena *a, bk_vector *v) {
    if (v->validity) return BK_OK;
    size_t bytes = v->n / 8 + 1;
    v->validity = bk_arena_alloc(a, bytes);
    if (!v->validity) return BK_OUT_OF_MEMORY;
    memset(v->validity, 0xFF, bytes);
    return BK_OK;
}

/* Set bits in one byte, without relying on a compiler builtin. */
static unsigned popcount8(uint8_t b) {
    b = (uint8_t)(b - ((b >> 1) & 0x55));
    b = (uint8_t)((b & 0x33) + ((b >> 2) & 0x33));
    return (unsigned)((b + (b >> 4)) & 0x0F);
}

size_t bk_vector_null_count(const bk_vector *v) {
    if (!v->validity) return 0;
    size_t full = v->n / 8, valid = 0;
    for (size_t i = 0; i < full; i++) valid += popcount8(v->validity[i]);
    unsigned tail = (unsigned)(v->n & 7);
    if (tail) valid += popcount8((uint8_t)(v->validity[full] & ((1u << tail) - 1)));
    return v->n - valid;
}

/* ---------------------------------------------------------------------------------------------
 * Numbers to text
 * ------------------------------------------------------------------------------------------- */

/*
 * Java's Double.toString / Float.toString layout, which Spark uses for CAST(x AS
 * STRING): the shortest digits that read back as the same value; plain notation
 * with at least one fraction digit for 1e-3 <= |x| < 1e7 ("1.0", "0.001",
 * "1234567.0"); otherwise d.dddE<exp> ("1.0E7", "1.5E-4").  NaN, Infinity.
 */
static int format_real(char *dst, size_t cap, double x, bool is_float) {
    if (isnan(x)) return snprintf(dst, cap, "NaN");
    if (isinf(x)) return snprintf(dst, cap, x < 0 ? "-Infinity" : "Infinity");
    if (x == 0) return snprintf(dst, cap, signbit(x) ? "-0.0" : "0.0");

    /*
     * The shortest %e precision that round-trips, but at least two digits: Java
     * always prints one fraction digit, and rounds the value (not the shortest
     * one-digit form) to get it, so Double.MIN_VALUE is "4.9E-324", not "5.0E-324".
     */
    char sci[40];
    int max_digits = is_float ? 9 : 17;
    for (int p = 2; p <= max_digits; p++) {
        snprintf(sci, sizeof sci, "%.*e", p - 1, x);
        if (is_float ? strtof(sci, NULL) == (float)x : strtod(sci, NULL) == x) break;
    }
    /* sci is [-]d[.ddd]e(+|-)XX: split it into sign, digits and exponent */
    char digits[24];
    int n_digits = 0, exponent = 0, exp_sign = 1;
    const char *s = sci;
    bool negative = *s == '-';
    if (negative) s++;
    for (; *s && *s != 'e'; s++) {
        if (*s != '.') digits[n_digits++] = *s;
    }
    if (*s == 'e') s++;
    if (*s == '-' || *s == '+') exp_sign = *s++ == '-' ? -1 : 1;
    for (; *s; s++) exponent = exponent * 10 + (*s - '0');
    exponent *= exp_sign;
    while (n_digits > 1 && digits[n_digits - 1] == '0') n_digits--;

    char out[64];
    int len = 0;
    if (negative) out[len++] = '-';
    double mag = fabs(x);
    if (mag >= 1e-3 && mag < 1e7) {
        if (exponent < 0) {
            out[len++] = '0';
            out[len++] = '.';
            for (int i = 0; i < -exponent - 1; i++) out[len++] = '0';
            for (int i = 0; i < n_digits; i++) out[len++] = digits[i];
        } else {
            for (int i = 0; i <= exponent; i++) out[len++] = i < n_digits ? digits[i] : '0';
            out[len++] = '.';
            if (n_digits > exponent + 1) {
                for (int i = exponent + 1; i < n_digits; i++) out[len++] = digits[i];
            } else {
                out[len++] = '0';
            }
        }
        out[len] = '\0';
    } else {
        out[len++] = digits[0];
        out[len++] = '.';
        if (n_digits > 1) {
            for (int i = 1; i < n_digits; i++) out[len++] = digits[i];
        } else {
            out[len++] = '0';
        }
        snprintf(out + len, sizeof out - (size_t)len, "E%d", exponent);
    }
    return snprintf(dst, cap, "%s", out);
}

/*
 * Divide the 128-bit magnitude (hi:lo) by 10 in place and return the remainder:
 * long division over four 32-bit limbs, so no 128-bit integer type is needed.
 */
static unsigned divmod10_u128(uint64_t *hi, uint64_t *lo) {
    uint32_t limbs[4] = {(uint32_t)(*hi >> 32), (uint32_t)*hi, (uint32_t)(*lo >> 32),
                         (uint32_t)*lo};
    uint64_t rem = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t cur = (rem << 32) | limbs[i];
        limbs[i] = (uint32_t)(cur / 10);
        rem = cur % 10;
    }
    *hi = ((uint64_t)limbs[0] << 32) | limbs[1];
    *lo = ((uint64_t)limbs[2] << 32) | limbs[3];
    return (unsigned)rem;
}

/* Decimal digits of the magnitude hi:lo, most significant first, into buf; returns count. */
static int u128_digits(uint64_t hi, uint64_t lo, char *buf) {
    char rev[48];
    int n = 0;
    do {
        rev[n++] = (char)('0' + divmod10_u128(&hi, &lo));
    } while (hi || lo);
    for (int i = 0; i < n; i++) buf[i] = rev[n - 1 - i];
    return n;
}

/* Append sign, integer digits, '.', `scale` fraction digits (Spark's plain decimal text). */
static bk_status put_decimal(bk_buf *out, bool negative, const char *digits, int n_digits,
                             int scale) {
    char text[96];
    int len = 0;
    if (negative) text[len++] = '-';
    if (scale <= 0) {
        memcpy(text + len, digits, (size_t)n_digits);
        len += n_digits;
    } else {
        int int_digits = n_digits - scale;
        if (int_digits <= 0) {
            text[len++] = '0';
            text[len++] = '.';
            for (int i = 0; i < -int_digits; i++) text[len++] = '0';
            memcpy(text + len, digits, (size_t)n_digits);
            len += n_digits;
        } else {
            memcpy(text + len, digits, (size_t)int_digits);
            len += int_digits;
            text[len++] = '.';
            memcpy(text + len, digits + int_digits, (size_t)scale);
            len += scale;
        }
    }
    return bk_buf_append(out, text, (size_t)len);
}

static bk_status put_decimal64(bk_buf *out, int64_t unscaled, int scale) {
    uint64_t mag = unscaled < 0 ? 0 - (uint64_t)unscaled : (uint64_t)unscaled;
    char digits[48];
    int n = u128_digits(0, mag, digits);
    return put_decimal(out, unscaled < 0, digits, n, scale);
}

static bk_status put_decimal128(bk_buf *out, bk_i128 unscaled, int scale) {
    bool negative = unscaled.hi < 0;
    uint64_t hi = (uint64_t)unscaled.hi, lo = unscaled.lo;
    if (negative) { /* two's complement negation of hi:lo */
        lo = ~lo + 1;
        hi = ~hi + (lo == 0 ? 1 : 0);
    }
    char digits[48];
    int n = u128_digits(hi, lo, digits);
    return put_decimal(out, negative, digits, n, scale);
}

/* ---------------------------------------------------------------------------------------------
 * Values to text
 * ------------------------------------------------------------------------------------------- */

static bk_status put_cstr(bk_buf *out, const char *s) { return bk_buf_append(out, s, strlen(s)); }

/* Binary as the SQL literal that would produce it: X'0A0B'. */
static bk_status put_binary(bk_buf *out, bk_str b) {
    static const char hex[] = "0123456789ABCDEF";
    if (b.len > (SIZE_MAX - 3) / 2) return BK_OUT_OF_MEMORY;
    BK_TRY(bk_buf_reserve(out, 2 * b.len + 3));
    bk_buf_put(out, "X'", 2);
    for (size_t i = 0; i < b.len; i++) {
        uint8_t byte = (uint8_t)b.ptr[i];
        char pair[2] = {hex[byte >> 4], hex[byte & 15]};
        bk_buf_put(out, pair, 2);
    }
    bk_buf_put(out, "'", 1);
    return BK_OK;
}

static bk_status format_rec(const bk_vector *v, size_t row, bk_buf *out, bool nested);

/* Child rows [begin, end) of an ARRAY/MAP row, checked against the child's length. */
static bk_status child_span(const bk_vector *v, size_t row, size_t *begin, size_t *end) {
    int64_t b = v->offsets[row], e = v->offsets[row + 1];
    if (b < 0 || e < b || (uint64_t)e > (uint64_t)v->children[0]->n) {
        return BK_INTERNAL; /* a broken invariant, not user input */
    }
    *begin = (size_t)b;
    *end = (size_t)e;
    return BK_OK;
}

static bk_status format_array(const bk_vector *v, size_t row, bk_buf *out) {
    size_t begin, end;
    BK_TRY(child_span(v, row, &begin, &end));
    BK_TRY(put_cstr(out, "["));
    for (size_t i = begin; i < end; i++) {
        if (i > begin) BK_TRY(put_cstr(out, ", "));
        BK_TRY(format_rec(v->children[0], i, out, true));
    }
    return put_cstr(out, "]");
}

static bk_status format_map(const bk_vector *v, size_t row, bk_buf *out) {
    size_t begin, end;
    BK_TRY(child_span(v, row, &begin, &end));
    if (v->children[1]->n < end) return BK_INTERNAL;
    BK_TRY(put_cstr(out, "{"));
    for (size_t i = begin; i < end; i++) {
        if (i > begin) BK_TRY(put_cstr(out, ", "));
        BK_TRY(format_rec(v->children[0], i, out, true));
        BK_TRY(put_cstr(out, " -> "));
        BK_TRY(format_rec(v->children[1], i, out, true));
    }
    return put_cstr(out, "}");
}

static bk_status format_struct(const bk_vector *v, size_t row, bk_buf *out) {
    BK_TRY(put_cstr(out, "{"));
    for (uint32_t i = 0; i < v->type->n_children; i++) {
        if (i) BK_TRY(put_cstr(out, ", "));
        if (v->children[i]->n <= row) return BK_INTERNAL;
        BK_TRY(format_rec(v->children[i], row, out, true));
    }
    return put_cstr(out, "}");
}

/* `nested` is true inside ARRAY/MAP/STRUCT, where Spark prints NULL as "null". */
static bk_status format_rec(const bk_vector *v, size_t row, bk_buf *out, bool nested) {
    if (row >= v->n) return BK_INTERNAL;
    if (!bk_vector_is_valid(v, row) || v->type->kind == BK_TYPE_VOID)
        return put_cstr(out, nested ? "null" : "NULL");
    char tmp[64];
    int n = 0;
    const void *data = v->data;
    switch (v->type->kind) {
    case BK_TYPE_BOOLEAN:
        return put_cstr(out, ((const uint8_t *)data)[row] ? "true" : "false");
    case BK_TYPE_TINYINT:
        n = snprintf(tmp, sizeof tmp, "%d", ((const int8_t *)data)[row]);
        break;
    case BK_TYPE_SMALLINT:
        n = snprintf(tmp, sizeof tmp, "%d", ((const int16_t *)data)[row]);
        break;
    case BK_TYPE_INT:
        n = snprintf(tmp, sizeof tmp, "%ld", (long)((const int32_t *)data)[row]);
        break;
    case BK_TYPE_BIGINT:
        n = snprintf(tmp, sizeof tmp, "%lld", (long long)((const int64_t *)data)[row]);
        break;
    case BK_TYPE_FLOAT:
        n = format_real(tmp, sizeof tmp, (double)((const float *)data)[row], true);
        break;
    case BK_TYPE_DOUBLE:
        n = format_real(tmp, sizeof tmp, ((const double *)data)[row], false);
        break;
    case BK_TYPE_DECIMAL:
        if (v->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION)
            return put_decimal64(out, ((const int64_t *)data)[row], v->type->scale);
        return put_decimal128(out, ((const bk_i128 *)data)[row], v->type->scale);
    case BK_TYPE_STRING: {
        bk_str s = ((const bk_str *)data)[row];
        return bk_buf_append(out, s.ptr, s.len);
    }
    case BK_TYPE_BINARY:
        return put_binary(out, ((const bk_str *)data)[row]);
    case BK_TYPE_DATE:
        n = (int)bk_format_date(((const int32_t *)data)[row], tmp, sizeof tmp);
        break;
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
        n = (int)bk_format_timestamp_micros(((const int64_t *)data)[row], tmp, sizeof tmp);
        break;
    case BK_TYPE_TIME:
        n = (int)bk_format_time_micros(((const int64_t *)data)[row], tmp, sizeof tmp);
        break;
    case BK_TYPE_ARRAY:
        return format_array(v, row, out);
    case BK_TYPE_MAP:
        return format_map(v, row, out);
    case BK_TYPE_STRUCT:
        return format_struct(v, row, out);
    case BK_TYPE_INTERVAL_YM:
        n = (int)bk_interval_format(v->type, ((const int32_t *)data)[row], tmp, sizeof tmp);
        break;
    case BK_TYPE_INTERVAL_DT:
        n = (int)bk_interval_format(v->type, ((const int64_t *)data)[row], tmp, sizeof tmp);
        break;
    case BK_TYPE_VOID:
    case BK_TYPE_KIND_COUNT:
        return BK_INTERNAL;
    }
    if (n < 0 || (size_t)n >= sizeof tmp) return BK_INTERNAL;
    return bk_buf_append(out, tmp, (size_t)n);
}

bk_status bk_vector_format_value(const bk_vector *v, size_t row, bk_buf *out) {
    return format_rec(v, row, out, false);
}
