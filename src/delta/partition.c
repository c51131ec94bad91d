/*
 * partition.c — partition values between the log's strings and typed vectors
 * (PROTOCOL.md "Partition Value Serialization"), Hive directory escaping, and
 * the timestamp and decimal text forms that statistics share (stats.c).
 *
 * Reading follows what Spark writes and what Spark's CAST from string accepts:
 *   - JSON null and "" are NULL for every type (the protocol: "An empty string
 *     for any type translates to a null partition value"), strings included;
 *   - numbers may have surrounding spaces and a sign; a fraction in an integer
 *     column ("2021.0") is refused, as in ANSI mode;
 *   - booleans: true/false, also t/f, yes/no, y/n, 1/0, any case;
 *   - decimals round half up to the column's scale; too many digits is an error;
 *   - timestamps: "2021-01-01 10:00:00[.ffffff]" (the writer's zone is not
 *     recorded: read as UTC), ISO-8601 with 'T' and a zone ("Z", "+02:00");
 *     TIMESTAMP_NTZ ignores a zone if one is present;
 *   - binary: the bytes of the (JSON-decoded) string.
 * Writing gives the forms Spark reads back: ISO-8601 UTC with microseconds for
 * TIMESTAMP (the protocol's recommendation), "2021-01-01 10:00:00.5" for
 * TIMESTAMP_NTZ, Java's spelling for floats ("1.0E10", "NaN").
 */
#include "delta/partition.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/str.h"

/* ---------------------------------------------------------------------------------------------
 * 128-bit magnitudes for decimal text (at most 38 digits, so never near 2^128)
 * ------------------------------------------------------------------------------------------- */

typedef struct u128 {
    uint64_t hi, lo;
} u128;

/* x = x * 10 + digit.  No overflow check: callers stay below 10^39 < 2^130 / 4. */
static void u128_mul10_add(u128 *x, unsigned digit) {
    uint64_t lo_lo = (x->lo & 0xffffffffu) * 10 + digit;
    uint64_t lo_hi = (x->lo >> 32) * 10 + (lo_lo >> 32);
    x->lo = (lo_hi << 32) | (lo_lo & 0xffffffffu);
    x->hi = x->hi * 10 + (lo_hi >> 32);
}

static bool u128_less(u128 a, u128 b) { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo); }

static void u128_add1(u128 *x) {
    if (++x->lo == 0) x->hi++;
}

/* ---------------------------------------------------------------------------------------------
 * Decimal text
 * ------------------------------------------------------------------------------------------- */

/* More significant digits than any DECIMAL(38) literal has a reason to carry. */
#define DECIMAL_MAX_TEXT_DIGITS 96

bool delta_decimal_parse(const char *s, size_t len, int precision, int scale, delta_round mode,
                         bk_i128 *out) {
    bk_str t = bk_str_trim(bk_str_make(s, len));
    size_t pos = 0;
    bool negative = false;
    if (pos < t.len && (t.ptr[pos] == '-' || t.ptr[pos] == '+')) negative = t.ptr[pos++] == '-';

    /* digits without leading zeros; `frac` of them (or of the skipped zeros) after the point */
    char digits[DECIMAL_MAX_TEXT_DIGITS];
    int n_digits = 0, frac = 0;
    bool any_digit = false, seen_point = false;
    for (; pos < t.len; pos++) {
        char ch = t.ptr[pos];
        if (ch == '.' && !seen_point) {
            seen_point = true;
            continue;
        }
        if (ch < '0' || ch > '9') break;
        any_digit = true;
        if (seen_point) frac++;
        if (n_digits == 0 && ch == '0') continue;
        if (n_digits == DECIMAL_MAX_TEXT_DIGITS) return false;
        digits[n_digits++] = ch;
    }
    if (!any_digit) return false;
    int64_t exponent = 0;
    if (pos < t.len && (t.ptr[pos] == 'e' || t.ptr[pos] == 'E')) {
        pos++;
        bool exp_negative = false;
        if (pos < t.len && (t.ptr[pos] == '-' || t.ptr[pos] == '+'))
            exp_negative = t.ptr[pos++] == '-';
        size_t start = pos;
        while (pos < t.len && t.ptr[pos] >= '0' && t.ptr[pos] <= '9' && pos - start < 5)
            exponent = exponent * 10 + (t.ptr[pos++] - '0');
        if (pos == start) return false;
        if (exp_negative) exponent = -exponent;
    }
    if (pos != t.len) return false;

    /* unscaled = D * 10^shift, where D is the digit string */
    int64_t shift = exponent - frac + scale;
    int n_keep = n_digits;
    bool round_up = false;
    if (shift < 0) {
        int64_t drop = -shift;
        n_keep = drop >= n_digits ? 0 : n_digits - (int)drop;
        bool any_nonzero = false;
        for (int i = n_keep; i < n_digits; i++) any_nonzero |= digits[i] != '0';
        int first_dropped = drop <= n_digits ? digits[n_keep] - '0' : 0;
        switch (mode) {
        case DELTA_ROUND_HALF_UP:
            round_up = first_dropped >= 5;
            break;
        case DELTA_ROUND_FLOOR:
            round_up = negative && any_nonzero;
            break;
        case DELTA_ROUND_CEIL:
            round_up = !negative && any_nonzero;
            break;
        }
        shift = 0;
    }
    if (n_keep == 0) shift = 0; /* zero needs no digits however large the exponent */
    if (n_keep + shift > precision) return false;
    u128 mag = {0, 0}, limit = {0, 1};
    for (int i = 0; i < n_keep; i++) u128_mul10_add(&mag, (unsigned)(digits[i] - '0'));
    for (int64_t i = 0; i < shift; i++) u128_mul10_add(&mag, 0);
    if (round_up) u128_add1(&mag);
    for (int i = 0; i < precision; i++) u128_mul10_add(&limit, 0);
    if (!u128_less(mag, limit)) return false;
    if (negative) {
        mag.lo = ~mag.lo + 1;
        mag.hi = ~mag.hi + (mag.lo == 0);
    }
    out->lo = mag.lo;
    out->hi = (int64_t)mag.hi;
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * Timestamp text
 * ------------------------------------------------------------------------------------------- */

/* [+|-]h[h][[:]mm[[:]ss]] into seconds east of UTC. */
static bool parse_offset(const char *s, size_t len, int64_t *seconds) {
    if (len < 2 || (s[0] != '+' && s[0] != '-')) return false;
    int64_t fields[3] = {0, 0, 0};
    size_t pos = 1;
    for (int k = 0; k < 3; k++) {
        if (k > 0) {
            if (pos == len) break;
            if (s[pos] == ':') pos++;
        }
        size_t start = pos;
        while (pos < len && pos - start < 2 && s[pos] >= '0' && s[pos] <= '9')
            fields[k] = fields[k] * 10 + (s[pos++] - '0');
        if (pos == start || (k > 0 && pos - start != 2)) return false;
    }
    if (pos != len || fields[0] > 18 || fields[1] > 59 || fields[2] > 59) return false;
    int64_t v = fields[0] * 3600 + fields[1] * 60 + fields[2];
    *seconds = s[0] == '-' ? -v : v;
    return true;
}

/* The zone suffix: "", "Z", "UTC", "GMT", an offset, or "UTC"/"GMT" + offset. */
static bool parse_zone(const char *s, size_t len, int64_t *seconds) {
    while (len && s[0] == ' ') s++, len--;
    *seconds = 0;
    if (len == 0) return true;
    if (len == 1 && (s[0] == 'Z' || s[0] == 'z')) return true;
    if (len >= 3 && (strncasecmp(s, "UTC", 3) == 0 || strncasecmp(s, "GMT", 3) == 0)) {
        s += 3, len -= 3;
        if (len == 0) return true;
    }
    return parse_offset(s, len, seconds);
}

bool delta_timestamp_parse(const char *s, size_t len, bool ntz, int64_t *out) {
    bk_str t = bk_str_trim(bk_str_make(s, len));
    /* the date never holds ' ' or 'T', so the first one separates the time */
    size_t sep = 0;
    while (sep < t.len && t.ptr[sep] != ' ' && t.ptr[sep] != 'T') sep++;
    if (sep == t.len) {
        int32_t days;
        if (!bk_parse_date(t.ptr, t.len, &days)) return false;
        *out = (int64_t)days * BK_MICROS_PER_DAY;
        return true;
    }
    size_t zone = sep + 1;
    while (zone < t.len && strchr("+-Zz UG", t.ptr[zone]) == NULL) zone++;
    int64_t local, offset;
    if (!bk_parse_timestamp(t.ptr, zone, &local)) return false;
    if (!parse_zone(t.ptr + zone, t.len - zone, &offset)) return false;
    if (ntz || offset == 0) {
        *out = local;
        return true;
    }
    int64_t delta = offset * BK_MICROS_PER_SECOND;
    if ((delta > 0 && local < INT64_MIN + delta) || (delta < 0 && local > INT64_MAX + delta))
        return false;
    *out = local - delta;
    return true;
}

size_t delta_timestamp_format(int64_t micros, int frac_digits, bool utc, char *dst, size_t cap) {
    int64_t days, of_day;
    bk_micros_split(micros, &days, &of_day);
    char date[BK_DATE_TEXT_MAX];
    bk_format_date(days, date, sizeof date);
    int64_t secs = of_day / BK_MICROS_PER_SECOND, frac = of_day % BK_MICROS_PER_SECOND;
    if (frac_digits == 3) frac /= 1000;
    int n = snprintf(dst, cap, "%sT%02d:%02d:%02d.%0*d%s", date, (int)(secs / 3600),
                     (int)(secs / 60 % 60), (int)(secs % 60), frac_digits == 3 ? 3 : 6, (int)frac,
                     utc ? "Z" : "");
    return n < 0 ? 0 : (size_t)n;
}

/* ---------------------------------------------------------------------------------------------
 * Reading partition values
 * ------------------------------------------------------------------------------------------- */

static bk_status set_null(bk_arena *a, bk_vector *v, size_t row, size_t width, bk_error *err) {
    if (bk_vector_ensure_validity(a, v) != BK_OK) return bk_arena_oom(a, err);
    bk_validity_set(v->validity, row, false);
    if (width) memset((uint8_t *)v->data + row * width, 0, width);
    return BK_OK;
}

static bool parse_bool(bk_str t, uint8_t *out) {
    static const char *const truths[] = {"true", "t", "yes", "y", "1"};
    static const char *const lies[] = {"false", "f", "no", "n", "0"};
    for (size_t i = 0; i < BK_ARRAY_LEN(truths); i++) {
        if (bk_str_ieq_cstr(t, truths[i])) return *out = 1, true;
        if (bk_str_ieq_cstr(t, lies[i])) return *out = 0, true;
    }
    return false;
}

/* One value of any scalar kind, stored as the vector stores it. */
typedef union value_slot {
    uint8_t u8;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    float f;
    double d;
    bk_i128 w;
    bk_str s;
} value_slot;

/* Parse `raw` into the slot; false when it is not a value of the type. */
static bool parse_scalar(bk_arena *a, const bk_type *type, bk_str raw, value_slot *slot,
                         bool *oom) {
    bk_str t = bk_str_trim(raw);
    int64_t i64;
    switch (type->kind) {
    case BK_TYPE_BOOLEAN:
        return parse_bool(t, &slot->u8);
    case BK_TYPE_TINYINT:
        if (!bk_parse_i64(t.ptr, t.len, &i64) || i64 < INT8_MIN || i64 > INT8_MAX) return false;
        slot->i8 = (int8_t)i64;
        return true;
    case BK_TYPE_SMALLINT:
        if (!bk_parse_i64(t.ptr, t.len, &i64) || i64 < INT16_MIN || i64 > INT16_MAX) return false;
        slot->i16 = (int16_t)i64;
        return true;
    case BK_TYPE_INT:
        if (!bk_parse_i64(t.ptr, t.len, &i64) || i64 < INT32_MIN || i64 > INT32_MAX) return false;
        slot->i32 = (int32_t)i64;
        return true;
    case BK_TYPE_BIGINT:
        return bk_parse_i64(t.ptr, t.len, &slot->i64);
    case BK_TYPE_FLOAT: {
        double d;
        if (!bk_parse_double(t.ptr, t.len, &d)) return false;
        slot->f = (float)d;
        return true;
    }
    case BK_TYPE_DOUBLE:
        return bk_parse_double(t.ptr, t.len, &slot->d);
    case BK_TYPE_DECIMAL: {
        bk_i128 v;
        if (!delta_decimal_parse(t.ptr, t.len, type->precision, type->scale, DELTA_ROUND_HALF_UP,
                                 &v))
            return false;
        if (type->precision <= BK_DECIMAL_INT64_MAX_PRECISION)
            slot->i64 = (int64_t)v.lo;
        else
            slot->w = v;
        return true;
    }
    case BK_TYPE_DATE: {
        int32_t days;
        if (bk_parse_date(t.ptr, t.len, &days)) {
            slot->i32 = days;
            return true;
        }
        /* Spark's CAST also takes a date followed by a time */
        int64_t micros, day, of_day;
        if (!delta_timestamp_parse(t.ptr, t.len, true, &micros)) return false;
        bk_micros_split(micros, &day, &of_day);
        slot->i32 = (int32_t)day;
        return true;
    }
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
        return delta_timestamp_parse(t.ptr, t.len, type->kind == BK_TYPE_TIMESTAMP_NTZ, &slot->i64);
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY: {
        char *copy = bk_arena_memdup(a, raw.ptr, raw.len ? raw.len : 1);
        if (!copy) return *oom = true, false;
        slot->s.ptr = copy;
        slot->s.len = raw.len;
        return true;
    }
    default:
        return false;
    }
}

bk_status delta_partition_value_set(bk_arena *a, bk_vector *v, size_t row, const char *value,
                                    const char *column, bk_error *err) {
    if (row >= v->n)
        return bk_error_set(err, BK_INTERNAL, "partition column \"%s\": row %zu out of range",
                            column, row);
    const bk_type *type = v->type;
    if (bk_type_is_nested(type) || type->kind == BK_TYPE_TIME) {
        char tn[64];
        bk_type_format(type, tn, sizeof tn);
        return bk_error_set(err, BK_UNSUPPORTED,
                            "partition column \"%s\": type %s cannot be a partition column", column,
                            tn);
    }
    size_t width = bk_type_width(type);
    if (!value || !*value || type->kind == BK_TYPE_VOID) return set_null(a, v, row, width, err);

    value_slot slot;
    memset(&slot, 0, sizeof slot);
    bool oom = false;
    if (!parse_scalar(a, type, bk_str_from_cstr(value), &slot, &oom)) {
        if (oom) return bk_arena_oom(a, err);
        char tn[64];
        bk_type_format(type, tn, sizeof tn);
        return bk_error_set(err, BK_CORRUPT,
                            "partition column \"%s\": value \"%.200s\" is not a valid %s", column,
                            value, tn);
    }
    memcpy((uint8_t *)v->data + row * width, &slot, width);
    if (v->validity) bk_validity_set(v->validity, row, true);
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Writing partition values
 * ------------------------------------------------------------------------------------------- */

bk_status delta_partition_value_format(const bk_vector *v, size_t row, bk_buf *out, bool *is_null) {
    *is_null = false;
    if (row >= v->n) return BK_INTERNAL;
    if (v->type->kind == BK_TYPE_VOID || !bk_vector_is_valid(v, row)) {
        *is_null = true;
        return BK_OK;
    }
    const void *slot = (const uint8_t *)v->data + row * bk_type_width(v->type);
    char text[DELTA_TIMESTAMP_TEXT_MAX];
    switch (v->type->kind) {
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY: {
        const bk_str *s = slot;
        return bk_buf_append(out, s->ptr, s->len);
    }
    case BK_TYPE_BOOLEAN:
        return *(const uint8_t *)slot ? bk_buf_append(out, "true", 4)
                                      : bk_buf_append(out, "false", 5);
    case BK_TYPE_TINYINT:
    case BK_TYPE_SMALLINT:
    case BK_TYPE_INT:
    case BK_TYPE_BIGINT:
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE:
    case BK_TYPE_DECIMAL:
        return bk_vector_format_value(v, row, out);
    case BK_TYPE_DATE: {
        size_t n = bk_format_date(*(const int32_t *)slot, text, sizeof text);
        return bk_buf_append(out, text, n);
    }
    case BK_TYPE_TIMESTAMP: {
        size_t n = delta_timestamp_format(*(const int64_t *)slot, 6, true, text, sizeof text);
        return bk_buf_append(out, text, n);
    }
    case BK_TYPE_TIMESTAMP_NTZ: {
        size_t n = bk_format_timestamp_micros(*(const int64_t *)slot, text, sizeof text);
        return bk_buf_append(out, text, n);
    }
    default:
        return BK_UNSUPPORTED;
    }
}

/*
 * The characters Spark (ExternalCatalogUtils.escapePathName, from Hive's
 * FileUtils) writes as %XX in a partition directory name: ASCII 0x01-0x1F, the
 * ones below and DEL.  0x00 and non-ASCII bytes are left alone, as Spark does.
 */
static bool needs_escape(unsigned char ch) {
    return (ch >= 0x01 && ch <= 0x1F) || ch == 0x7F || (ch && strchr("\"#%'*/:=?\\{[]^", ch));
}

bk_status delta_partition_escape(const char *value, bk_buf *out) {
    if (!value || !*value) return bk_buf_append(out, "__HIVE_DEFAULT_PARTITION__", 26);
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (needs_escape(*p)) {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            BK_TRY(bk_buf_append(out, esc, 3));
        } else {
            BK_TRY(bk_buf_append_u8(out, *p));
        }
    }
    return BK_OK;
}
