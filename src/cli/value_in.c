/*
 * value_in.c — text into vector slots, for `bricks parquet write`.
 *
 * Each parser is strict and checked: integers must fit their type, decimals are
 * read digit by digit into the unscaled integer (never through a double) and must
 * fit their precision without dropping non-zero digits, dates must exist.  Leading
 * and trailing blanks are ignored for every type except STRING and BINARY, as
 * Spark's casts do.  A failure gives a short reason that the caller wraps with the
 * line and column: "\"abc\" is not a valid INT[: <reason>]".
 */
#include "cli/cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/str.h"

bool cli_type_is_scalar(const bk_type *t) {
    return !bk_type_is_nested(t) && t->kind != BK_TYPE_VOID && t->kind != BK_TYPE_TIME;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static bool eq_nocase(const char *s, size_t len, const char *word) {
    size_t n = strlen(word);
    if (len != n) return false;
    for (size_t k = 0; k < n; k++) {
        char c = s[k];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != word[k]) return false;
    }
    return true;
}

/* [+-]digits into *out within [lo, hi]. */
static bool parse_int(const char *s, size_t len, int64_t lo, int64_t hi, int64_t *out) {
    int64_t v;
    if (!bk_parse_i64(s, len, &v) || v < lo || v > hi) return false;
    *out = v;
    return true;
}

/* ---- decimals ---- */

/* An unsigned 128-bit accumulator: value = hi * 2^64 + lo. */
typedef struct u128 {
    uint64_t hi, lo;
} u128;

static void u128_mul10_add(u128 *v, unsigned digit) {
    uint64_t lo_lo = (v->lo & 0xFFFFFFFFu) * 10;
    uint64_t lo_hi = (v->lo >> 32) * 10 + (lo_lo >> 32);
    v->lo = (lo_hi << 32) | (lo_lo & 0xFFFFFFFFu);
    v->hi = v->hi * 10 + (lo_hi >> 32);
    v->lo += digit;
    if (v->lo < digit) v->hi++;
}

/*
 * decimal -> [+-] digits [. digits] [(e|E) [+-] digits]
 * Stores the unscaled value for DECIMAL(precision, scale) into slot `row`.
 */
static bool parse_decimal(bk_vector *v, size_t row, const char *s, size_t len, char *why,
                          size_t cap) {
    int precision = v->type->precision, scale = v->type->scale;
    char digits[128];
    size_t n_digits = 0, k = 0;
    int frac_len = 0;
    bool neg = false, seen_digit = false, seen_point = false;
    if (k < len && (s[k] == '+' || s[k] == '-')) neg = s[k++] == '-';
    for (; k < len; k++) {
        char c = s[k];
        if (c >= '0' && c <= '9') {
            seen_digit = true;
            if (n_digits == 0 && c == '0' && !seen_point) continue; /* leading zero */
            if (n_digits >= sizeof digits) {
                snprintf(why, cap, "too many digits");
                return false;
            }
            digits[n_digits++] = c;
            if (seen_point) frac_len++;
        } else if (c == '.' && !seen_point) {
            seen_point = true;
        } else {
            break;
        }
    }
    int64_t exp = 0;
    if (k < len && (s[k] == 'e' || s[k] == 'E')) {
        if (!parse_int(s + k + 1, len - k - 1, -10000, 10000, &exp)) {
            snprintf(why, cap, "bad exponent");
            return false;
        }
        k = len;
    }
    if (!seen_digit || k != len) {
        snprintf(why, cap, "not a number");
        return false;
    }
    /* value = digits * 10^(exp - frac_len); unscaled = digits * 10^shift */
    int64_t shift = (int64_t)scale - frac_len + exp;
    if (shift < 0) {
        for (int64_t drop = 0; drop < -shift; drop++) {
            if (n_digits == 0) break;
            if (digits[n_digits - 1] != '0') {
                snprintf(why, cap, "more than %d digits after the decimal point", scale);
                return false;
            }
            n_digits--;
        }
        shift = 0;
    }
    /* Strip the leading zeros that fraction digits may have left ("0.05"). */
    size_t first = 0;
    while (first < n_digits && digits[first] == '0') first++;
    int64_t significant = (int64_t)(n_digits - first);
    if (significant > 0 && significant + shift > precision) {
        snprintf(why, cap, "more than %d digits before the decimal point", precision - scale);
        return false;
    }
    u128 acc = {0, 0};
    for (size_t d = first; d < n_digits; d++) u128_mul10_add(&acc, (unsigned)(digits[d] - '0'));
    if (significant > 0)
        for (int64_t z = 0; z < shift; z++) u128_mul10_add(&acc, 0);
    if (neg) { /* two's complement negate */
        acc.hi = ~acc.hi;
        acc.lo = ~acc.lo + 1;
        if (acc.lo == 0) acc.hi++;
    }
    if (precision <= BK_DECIMAL_INT64_MAX_PRECISION) {
        ((int64_t *)v->data)[row] = (int64_t)acc.lo;
    } else {
        bk_i128 out = {acc.lo, (int64_t)acc.hi};
        ((bk_i128 *)v->data)[row] = out;
    }
    return true;
}

/* ---- base64 ---- */

static int b64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

bool cli_base64_decode(bk_arena *a, const char *s, size_t len, bk_str *out) {
    while (len > 0 && s[len - 1] == '=') len--;
    if (len % 4 == 1) return false;
    uint8_t *dst = bk_arena_alloc(a, len / 4 * 3 + 3);
    if (!dst) return false;
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t k = 0; k < len; k++) {
        int v = b64_value(s[k]);
        if (v < 0) return false;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dst[n++] = (uint8_t)(acc >> bits);
        }
    }
    out->ptr = (const char *)dst;
    out->len = n;
    return true;
}

/* ---- timestamps ---- */

/*
 * Split a zone suffix off a timestamp: "Z", "UTC", or an offset "+HH[[:]MM]" after
 * the time of day.  *offset_secs is east of UTC.  Returns the length of the part
 * before the zone, or (size_t)-1 for a malformed zone.
 */
static size_t split_zone(const char *s, size_t len, bool *has_zone, int64_t *offset_secs) {
    *has_zone = false;
    *offset_secs = 0;
    if (len >= 3 && memcmp(s + len - 3, "UTC", 3) == 0) {
        *has_zone = true;
        len -= 3;
        while (len > 0 && s[len - 1] == ' ') len--;
        return len;
    }
    if (len >= 1 && (s[len - 1] == 'Z' || s[len - 1] == 'z')) {
        *has_zone = true;
        return len - 1;
    }
    /* An offset sign can only follow the time part, which starts after the date. */
    size_t time_start = 0;
    for (size_t k = 8; k < len && !time_start; k++)
        if (s[k] == ' ' || s[k] == 'T') time_start = k;
    if (!time_start) return len;
    size_t sign = 0;
    for (size_t k = time_start; k < len; k++)
        if (s[k] == '+' || s[k] == '-') sign = k;
    if (!sign) return len;
    *has_zone = true;
    char digits[4];
    size_t n = 0;
    for (size_t k = sign + 1; k < len; k++) {
        if (s[k] == ':' && n == 2) continue;
        if (s[k] < '0' || s[k] > '9' || n == 4) return (size_t)-1;
        digits[n++] = s[k];
    }
    if (n != 2 && n != 4) return (size_t)-1;
    int hh = (digits[0] - '0') * 10 + (digits[1] - '0');
    int mm = n == 4 ? (digits[2] - '0') * 10 + (digits[3] - '0') : 0;
    if (hh > 18 || mm > 59) return (size_t)-1;
    *offset_secs = (s[sign] == '-' ? -1 : 1) * (int64_t)(hh * 3600 + mm * 60);
    return sign;
}

bool cli_parse_timestamp(const char *s, size_t len, bool allow_zone, int64_t *out, char *why,
                         size_t cap) {
    bool has_zone;
    int64_t offset;
    size_t body = split_zone(s, len, &has_zone, &offset);
    if (body == (size_t)-1) {
        snprintf(why, cap, "bad time zone offset");
        return false;
    }
    if (has_zone && !allow_zone) {
        snprintf(why, cap, "a TIMESTAMP_NTZ value has no time zone");
        return false;
    }
    int64_t local;
    if (!bk_parse_timestamp(s, body, &local)) {
        snprintf(why, cap, "expected YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]");
        return false;
    }
    int64_t shift = offset * BK_MICROS_PER_SECOND;
    if ((shift > 0 && local < INT64_MIN + shift) || (shift < 0 && local > INT64_MAX + shift)) {
        snprintf(why, cap, "out of range");
        return false;
    }
    *out = local - shift;
    return true;
}

/* ---- dispatch ---- */

bool cli_parse_into(bk_arena *a, bk_vector *v, size_t row, const char *text, size_t len,
                    bool binary_base64, char *why, size_t cap) {
    const bk_type *t = v->type;
    if (t->kind == BK_TYPE_STRING || (t->kind == BK_TYPE_BINARY && !binary_base64)) {
        bk_str s = {"", 0};
        if (len > 0) {
            s.ptr = bk_arena_memdup(a, text, len);
            if (!s.ptr) {
                snprintf(why, cap, "out of memory");
                return false;
            }
            s.len = len;
        }
        ((bk_str *)v->data)[row] = s;
        return true;
    }
    while (len > 0 && is_blank(text[0])) {
        text++;
        len--;
    }
    while (len > 0 && is_blank(text[len - 1])) len--;
    int64_t iv;
    switch (t->kind) {
    case BK_TYPE_BINARY:
        if (!cli_base64_decode(a, text, len, &((bk_str *)v->data)[row])) {
            snprintf(why, cap, "not valid base64");
            return false;
        }
        return true;
    case BK_TYPE_BOOLEAN:
        if (eq_nocase(text, len, "true") || eq_nocase(text, len, "t") ||
            eq_nocase(text, len, "yes") || eq_nocase(text, len, "y") || eq_nocase(text, len, "1"))
            ((uint8_t *)v->data)[row] = 1;
        else if (eq_nocase(text, len, "false") || eq_nocase(text, len, "f") ||
                 eq_nocase(text, len, "no") || eq_nocase(text, len, "n") ||
                 eq_nocase(text, len, "0"))
            ((uint8_t *)v->data)[row] = 0;
        else {
            snprintf(why, cap, "expected true or false");
            return false;
        }
        return true;
    case BK_TYPE_TINYINT:
        if (!parse_int(text, len, INT8_MIN, INT8_MAX, &iv)) break;
        ((int8_t *)v->data)[row] = (int8_t)iv;
        return true;
    case BK_TYPE_SMALLINT:
        if (!parse_int(text, len, INT16_MIN, INT16_MAX, &iv)) break;
        ((int16_t *)v->data)[row] = (int16_t)iv;
        return true;
    case BK_TYPE_INT:
        if (!parse_int(text, len, INT32_MIN, INT32_MAX, &iv)) break;
        ((int32_t *)v->data)[row] = (int32_t)iv;
        return true;
    case BK_TYPE_BIGINT:
        if (!parse_int(text, len, INT64_MIN, INT64_MAX, &iv)) break;
        ((int64_t *)v->data)[row] = iv;
        return true;
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE: {
        double d;
        if (!bk_parse_double(text, len, &d)) {
            snprintf(why, cap, "%s", "expected a number (too large ones are refused)");
            return false;
        }
        if (t->kind == BK_TYPE_DOUBLE) {
            ((double *)v->data)[row] = d;
            return true;
        }
        /*
         * FLOAT: strtof rounds the text once, where (float)d would round twice; the
         * syntax was checked above, and strtof reads the same syntax.
         */
        char tmp[128];
        float f = (float)d;
        if (len < sizeof tmp) {
            memcpy(tmp, text, len);
            tmp[len] = '\0';
            f = strtof(tmp, NULL);
        }
        if (isinf(f) && !isinf(d)) {
            snprintf(why, cap, "out of range");
            return false;
        }
        ((float *)v->data)[row] = f;
        return true;
    }
    case BK_TYPE_DECIMAL:
        return parse_decimal(v, row, text, len, why, cap);
    case BK_TYPE_DATE:
        if (bk_parse_date(text, len, &((int32_t *)v->data)[row])) return true;
        snprintf(why, cap, "expected YYYY-MM-DD, a date that exists");
        return false;
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
        return cli_parse_timestamp(text, len, t->kind == BK_TYPE_TIMESTAMP,
                                   &((int64_t *)v->data)[row], why, cap);
    default:
        snprintf(why, cap, "this type cannot be read from text");
        return false;
    }
    if (t->kind == BK_TYPE_TINYINT || t->kind == BK_TYPE_SMALLINT || t->kind == BK_TYPE_INT ||
        t->kind == BK_TYPE_BIGINT) {
        /* Say "out of range" when the text is an integer that does not fit. */
        size_t k = len > 0 && (text[0] == '-' || text[0] == '+') ? 1 : 0;
        bool all_digits = k < len;
        for (; k < len; k++) all_digits = all_digits && text[k] >= '0' && text[k] <= '9';
        if (all_digits) {
            snprintf(why, cap, "out of range");
            return false;
        }
    }
    why[0] = '\0';
    return false;
}
