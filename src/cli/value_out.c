/*
 * value_out.c — one row of a bk_vector as JSON, as a CSV field, or as bare text.
 *
 * This is the text contract of `bricks parquet cat`, which the conformance and
 * interop suites read back, so every choice here is deliberate and tested:
 *
 *   integers         JSON numbers, all 64 bits (no rounding to 2^53)
 *   FLOAT, DOUBLE    the shortest text that reads back as the same value;
 *                    NaN and infinities as the strings "NaN", "Infinity", "-Infinity"
 *   DECIMAL          a string with exactly `scale` fraction digits: "12.30"
 *   STRING           a JSON string; bytes that are not UTF-8 become U+FFFD
 *   BINARY           base64 (RFC 4648, padded)
 *   DATE             "YYYY-MM-DD";   TIME "HH:MM:SS[.ffffff]"
 *   TIMESTAMP(_NTZ)  "YYYY-MM-DD HH:MM:SS[.ffffff]", UTC, trailing zeros trimmed
 *   ARRAY / STRUCT   JSON arrays / objects;  MAP an object keyed by the keys' text
 *
 * The CSV form uses the same text, unquoted where RFC 4180 allows, with NULL as an
 * empty field and the empty string as "".
 */
#include "cli/cli.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/interval.h"
#include "base/tz.h"

/* ---- numbers ---- */

void cli_format_double(double d, char *dst, size_t cap) {
    /*
     * %.15g of a double whose shortest form has at most 15 digits is that form
     * (the rounding error is far below the 15th digit), so 15 is tried first and
     * 16/17 only for the values that need them.  Subnormals carry fewer digits, so
     * for them the search starts at 1.
     */
    int first = d != 0 && fabs(d) < DBL_MIN ? 1 : 15;
    for (int prec = first; prec <= 17; prec++) {
        snprintf(dst, cap, "%.*g", prec, d);
        if (strtod(dst, NULL) == d) return;
    }
}

void cli_format_float(float f, char *dst, size_t cap) {
    int first = f != 0 && fabsf(f) < FLT_MIN ? 1 : 6;
    for (int prec = first; prec <= 9; prec++) {
        snprintf(dst, cap, "%.*g", prec, (double)f);
        if (strtof(dst, NULL) == f) return;
    }
}

/* Insert the decimal point into the magnitude digits `mag` and write the result. */
static void place_point(bool neg, const char *mag, int scale, char *dst, size_t cap) {
    size_t n = strlen(mag);
    char tmp[96];
    size_t pos = 0;
    if (neg) tmp[pos++] = '-';
    if (scale <= 0) {
        memcpy(tmp + pos, mag, n);
        pos += n;
    } else if (n <= (size_t)scale) {
        tmp[pos++] = '0';
        tmp[pos++] = '.';
        for (size_t k = n; k < (size_t)scale; k++) tmp[pos++] = '0';
        memcpy(tmp + pos, mag, n);
        pos += n;
    } else {
        memcpy(tmp + pos, mag, n - (size_t)scale);
        pos += n - (size_t)scale;
        tmp[pos++] = '.';
        memcpy(tmp + pos, mag + n - (size_t)scale, (size_t)scale);
        pos += (size_t)scale;
    }
    tmp[pos] = '\0';
    snprintf(dst, cap, "%s", tmp);
}

void cli_format_decimal64(int64_t unscaled, int scale, char *dst, size_t cap) {
    char mag[24];
    uint64_t m = unscaled < 0 ? (uint64_t)0 - (uint64_t)unscaled : (uint64_t)unscaled;
    snprintf(mag, sizeof mag, "%" PRIu64, m);
    place_point(unscaled < 0, mag, scale, dst, cap);
}

void cli_format_decimal128(bk_i128 v, int scale, char *dst, size_t cap) {
    bool neg = v.hi < 0;
    uint64_t hi = (uint64_t)v.hi, lo = v.lo;
    if (neg) { /* two's complement negate */
        hi = ~hi;
        lo = ~lo + 1;
        if (lo == 0) hi++;
    }
    /* Four 32-bit limbs, most significant first; divide by 10^9 until zero. */
    uint32_t limb[4] = {(uint32_t)(hi >> 32), (uint32_t)hi, (uint32_t)(lo >> 32), (uint32_t)lo};
    uint32_t chunks[8];
    int n_chunks = 0;
    for (;;) {
        bool zero = true;
        uint64_t rem = 0;
        for (int k = 0; k < 4; k++) {
            uint64_t cur = (rem << 32) | limb[k];
            limb[k] = (uint32_t)(cur / 1000000000u);
            rem = cur % 1000000000u;
            if (limb[k]) zero = false;
        }
        chunks[n_chunks++] = (uint32_t)rem;
        if (zero || n_chunks == 8) break;
    }
    char mag[80];
    size_t pos = (size_t)snprintf(mag, sizeof mag, "%" PRIu32, chunks[n_chunks - 1]);
    for (int k = n_chunks - 2; k >= 0; k--)
        pos += (size_t)snprintf(mag + pos, sizeof mag - pos, "%09" PRIu32, chunks[k]);
    place_point(neg, mag, scale, dst, cap);
}

/* ---- strings ---- */

/*
 * Length of the valid UTF-8 sequence at s[0..len), or 0 if it is not one (overlong
 * forms, surrogates and code points past U+10FFFF are invalid, as RFC 3629 says).
 */
static size_t utf8_seq_len(const uint8_t *s, size_t len) {
    uint8_t c = s[0];
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return len >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (len < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
        if (c == 0xED && s[1] > 0x9F) return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (len < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0; /* overlong */
        if (c == 0xF4 && s[1] > 0x8F) return 0; /* > U+10FFFF */
        return 4;
    }
    return 0;
}

bk_status cli_json_string(bk_buf *out, const char *str, size_t len) {
    static const char hex[] = "0123456789abcdef";
    static const char short_escape[128] = {['"'] = '"',  ['\\'] = '\\', ['\n'] = 'n', ['\r'] = 'r',
                                           ['\t'] = 't', ['\b'] = 'b',   ['\f'] = 'f'};
    const uint8_t *s = (const uint8_t *)str;
    /* Worst case: every byte becomes a 6-byte escape. */
    if (len > (SIZE_MAX - 2) / 6) return BK_OUT_OF_MEMORY;
    BK_TRY(bk_buf_reserve(out, len * 6 + 2));
    uint8_t *d = out->data + out->len;
    *d++ = '"';
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            *d++ = c;
            i++;
            continue;
        }
        if (c < 0x80) {
            *d++ = '\\';
            if (short_escape[c]) {
                *d++ = (uint8_t)short_escape[c];
            } else {
                *d++ = 'u';
                *d++ = '0';
                *d++ = '0';
                *d++ = (uint8_t)hex[c >> 4];
                *d++ = (uint8_t)hex[c & 15];
            }
            i++;
            continue;
        }
        size_t n = utf8_seq_len(s + i, len - i);
        if (n == 0) {
            memcpy(d, "\\ufffd", 6);
            d += 6;
            i++;
        } else {
            memcpy(d, s + i, n);
            d += n;
            i += n;
        }
    }
    *d++ = '"';
    out->len = (size_t)(d - out->data);
    return BK_OK;
}

bk_status cli_base64_encode(bk_buf *out, const uint8_t *data, size_t len) {
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    BK_TRY(bk_buf_reserve(out, (len + 2) / 3 * 4));
    uint8_t *d = out->data + out->len;
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        *d++ = (uint8_t)tab[v >> 18];
        *d++ = (uint8_t)tab[(v >> 12) & 63];
        *d++ = (uint8_t)tab[(v >> 6) & 63];
        *d++ = (uint8_t)tab[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)data[i] << 16;
        *d++ = (uint8_t)tab[v >> 18];
        *d++ = (uint8_t)tab[(v >> 12) & 63];
        *d++ = '=';
        *d++ = '=';
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
        *d++ = (uint8_t)tab[v >> 18];
        *d++ = (uint8_t)tab[(v >> 12) & 63];
        *d++ = (uint8_t)tab[(v >> 6) & 63];
        *d++ = '=';
    }
    out->len = (size_t)(d - out->data);
    return BK_OK;
}

bk_status cli_csv_string(bk_buf *out, const char *s, size_t len) {
    bool quote = len == 0 || memchr(s, ',', len) || memchr(s, '"', len) || memchr(s, '\n', len) ||
                 memchr(s, '\r', len);
    if (!quote) return bk_buf_append(out, s, len); /* len > 0 here */
    BK_TRY(bk_buf_reserve(out, len * 2 + 2));
    uint8_t *d = out->data + out->len;
    *d++ = '"';
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') *d++ = '"';
        *d++ = (uint8_t)s[i];
    }
    *d++ = '"';
    out->len = (size_t)(d - out->data);
    return BK_OK;
}

/* ---- values ---- */

/* The text of a non-NULL FLOAT/DOUBLE row, "NaN"/"Infinity"/"-Infinity" spelled out. */
static void float_text(const bk_vector *v, size_t row, char *dst, size_t cap) {
    double d = v->type->kind == BK_TYPE_FLOAT ? (double)((const float *)v->data)[row]
                                              : ((const double *)v->data)[row];
    if (isnan(d))
        snprintf(dst, cap, "NaN");
    else if (isinf(d))
        snprintf(dst, cap, "%s", d < 0 ? "-Infinity" : "Infinity");
    else if (v->type->kind == BK_TYPE_FLOAT)
        cli_format_float(((const float *)v->data)[row], dst, cap);
    else
        cli_format_double(d, dst, cap);
}

/*
 * The text of a non-NULL scalar row that needs no escaping (numbers, booleans,
 * decimals, dates and times) into dst.  Returns false for the other kinds.
 */
/* The session zone TIMESTAMP values are shown in (cli_set_display_zone); NULL = UTC. */
static const bk_tz *display_zone;

void cli_set_display_zone(const bk_tz *tz) { display_zone = tz; }

const bk_tz *cli_display_zone(void) { return display_zone; }

static bool plain_text(const bk_vector *v, size_t row, char *dst, size_t cap) {
    const bk_type *t = v->type;
    switch (t->kind) {
    case BK_TYPE_BOOLEAN:
        snprintf(dst, cap, "%s", ((const uint8_t *)v->data)[row] ? "true" : "false");
        return true;
    case BK_TYPE_TINYINT:
        snprintf(dst, cap, "%d", (int)((const int8_t *)v->data)[row]);
        return true;
    case BK_TYPE_SMALLINT:
        snprintf(dst, cap, "%d", (int)((const int16_t *)v->data)[row]);
        return true;
    case BK_TYPE_INT:
        snprintf(dst, cap, "%" PRId32, ((const int32_t *)v->data)[row]);
        return true;
    case BK_TYPE_BIGINT:
        snprintf(dst, cap, "%" PRId64, ((const int64_t *)v->data)[row]);
        return true;
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE:
        float_text(v, row, dst, cap);
        return true;
    case BK_TYPE_DECIMAL:
        if (t->precision <= BK_DECIMAL_INT64_MAX_PRECISION)
            cli_format_decimal64(((const int64_t *)v->data)[row], t->scale, dst, cap);
        else
            cli_format_decimal128(((const bk_i128 *)v->data)[row], t->scale, dst, cap);
        return true;
    case BK_TYPE_DATE:
        bk_format_date(((const int32_t *)v->data)[row], dst, cap);
        return true;
    case BK_TYPE_TIMESTAMP: {
        int64_t us = ((const int64_t *)v->data)[row];
        bk_format_timestamp_micros(display_zone ? bk_tz_utc_to_local(display_zone, us) : us, dst,
                                   cap);
        return true;
    }
    case BK_TYPE_TIMESTAMP_NTZ:
        bk_format_timestamp_micros(((const int64_t *)v->data)[row], dst, cap);
        return true;
    case BK_TYPE_INTERVAL_YM:
        bk_interval_format(t, ((const int32_t *)v->data)[row], dst, cap);
        return true;
    case BK_TYPE_INTERVAL_DT:
        bk_interval_format(t, ((const int64_t *)v->data)[row], dst, cap);
        return true;
    case BK_TYPE_TIME:
        bk_format_time_micros(((const int64_t *)v->data)[row], dst, cap);
        return true;
    default:
        return false;
    }
}

static bk_status append_cstr(bk_buf *out, const char *s) {
    return bk_buf_append(out, s, strlen(s));
}

bk_status cli_json_value(bk_buf *out, const bk_vector *v, size_t row) {
    const bk_type *t = v->type;
    if (t->kind == BK_TYPE_VOID || !bk_vector_is_valid(v, row)) return append_cstr(out, "null");
    char text[128];
    switch (t->kind) {
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE:
        float_text(v, row, text, sizeof text);
        if (text[0] == 'N' || text[0] == 'I' || (text[0] == '-' && text[1] == 'I')) {
            BK_TRY(bk_buf_append_u8(out, '"'));
            BK_TRY(append_cstr(out, text));
            return bk_buf_append_u8(out, '"');
        }
        return append_cstr(out, text);
    case BK_TYPE_DECIMAL:
    case BK_TYPE_DATE:
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
    case BK_TYPE_TIME:
    case BK_TYPE_INTERVAL_YM:
    case BK_TYPE_INTERVAL_DT:
        plain_text(v, row, text, sizeof text);
        BK_TRY(bk_buf_append_u8(out, '"'));
        BK_TRY(append_cstr(out, text));
        return bk_buf_append_u8(out, '"');
    case BK_TYPE_STRING: {
        bk_str s = ((const bk_str *)v->data)[row];
        return cli_json_string(out, s.ptr, s.len);
    }
    case BK_TYPE_BINARY: {
        bk_str s = ((const bk_str *)v->data)[row];
        BK_TRY(bk_buf_append_u8(out, '"'));
        BK_TRY(cli_base64_encode(out, (const uint8_t *)s.ptr, s.len));
        return bk_buf_append_u8(out, '"');
    }
    case BK_TYPE_ARRAY: {
        BK_TRY(bk_buf_append_u8(out, '['));
        for (int64_t k = v->offsets[row]; k < v->offsets[row + 1]; k++) {
            if (k > v->offsets[row]) BK_TRY(bk_buf_append_u8(out, ','));
            BK_TRY(cli_json_value(out, v->children[0], (size_t)k));
        }
        return bk_buf_append_u8(out, ']');
    }
    case BK_TYPE_MAP: {
        BK_TRY(bk_buf_append_u8(out, '{'));
        const bk_vector *keys = v->children[0];
        for (int64_t k = v->offsets[row]; k < v->offsets[row + 1]; k++) {
            if (k > v->offsets[row]) BK_TRY(bk_buf_append_u8(out, ','));
            if (keys->type->kind == BK_TYPE_STRING) {
                BK_TRY(cli_json_value(out, keys, (size_t)k));
            } else {
                bk_buf key;
                bk_buf_init(&key);
                bk_status st = cli_text_value(&key, keys, (size_t)k);
                if (st == BK_OK) st = cli_json_string(out, (const char *)key.data, key.len);
                bk_buf_destroy(&key);
                BK_TRY(st);
            }
            BK_TRY(bk_buf_append_u8(out, ':'));
            BK_TRY(cli_json_value(out, v->children[1], (size_t)k));
        }
        return bk_buf_append_u8(out, '}');
    }
    case BK_TYPE_STRUCT: {
        BK_TRY(bk_buf_append_u8(out, '{'));
        for (uint32_t f = 0; f < t->n_children; f++) {
            if (f > 0) BK_TRY(bk_buf_append_u8(out, ','));
            const char *name = t->field_names[f];
            BK_TRY(cli_json_string(out, name, strlen(name)));
            BK_TRY(bk_buf_append_u8(out, ':'));
            BK_TRY(cli_json_value(out, v->children[f], row));
        }
        return bk_buf_append_u8(out, '}');
    }
    default:
        plain_text(v, row, text, sizeof text);
        return append_cstr(out, text);
    }
}

bk_status cli_text_value(bk_buf *out, const bk_vector *v, size_t row) {
    const bk_type *t = v->type;
    if (t->kind == BK_TYPE_VOID || !bk_vector_is_valid(v, row)) return append_cstr(out, "NULL");
    char text[128];
    if (plain_text(v, row, text, sizeof text)) return append_cstr(out, text);
    if (t->kind == BK_TYPE_STRING) {
        bk_str s = ((const bk_str *)v->data)[row];
        return s.len ? bk_buf_append(out, s.ptr, s.len) : BK_OK;
    }
    if (t->kind == BK_TYPE_BINARY) {
        bk_str s = ((const bk_str *)v->data)[row];
        return cli_base64_encode(out, (const uint8_t *)s.ptr, s.len);
    }
    return cli_json_value(out, v, row);
}

bk_status cli_csv_value(bk_buf *out, const bk_vector *v, size_t row) {
    const bk_type *t = v->type;
    if (t->kind == BK_TYPE_VOID || !bk_vector_is_valid(v, row)) return BK_OK;
    char text[128];
    if (plain_text(v, row, text, sizeof text)) return append_cstr(out, text);
    if (t->kind == BK_TYPE_STRING) {
        bk_str s = ((const bk_str *)v->data)[row];
        return cli_csv_string(out, s.ptr, s.len);
    }
    if (t->kind == BK_TYPE_BINARY) {
        bk_str s = ((const bk_str *)v->data)[row];
        if (s.len == 0) return append_cstr(out, "\"\"");
        return cli_base64_encode(out, (const uint8_t *)s.ptr, s.len);
    }
    bk_buf tmp;
    bk_buf_init(&tmp);
    bk_status st = cli_json_value(&tmp, v, row);
    if (st == BK_OK) st = cli_csv_string(out, (const char *)tmp.data, tmp.len);
    bk_buf_destroy(&tmp);
    return st;
}
