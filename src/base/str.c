/*
 * str.c — bk_str helpers and checked number parsers (see str.h).
 */
#include "base/str.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/mem.h"

static char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool bk_str_eq(bk_str a, bk_str b) {
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool bk_str_eq_cstr(bk_str a, const char *b) { return bk_str_eq(a, bk_str_from_cstr(b)); }

bool bk_str_ieq(bk_str a, bk_str b) {
    if (a.len != b.len) return false;
    for (size_t i = 0; i < a.len; i++) {
        if (ascii_lower(a.ptr[i]) != ascii_lower(b.ptr[i])) return false;
    }
    return true;
}

bool bk_str_ieq_cstr(bk_str a, const char *b) { return bk_str_ieq(a, bk_str_from_cstr(b)); }

int bk_str_cmp(bk_str a, bk_str b) {
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return a.len < b.len ? -1 : a.len > b.len ? 1 : 0;
}

bool bk_str_starts_with(bk_str s, const char *prefix) {
    size_t n = strlen(prefix);
    return s.len >= n && (n == 0 || memcmp(s.ptr, prefix, n) == 0);
}

bool bk_str_ends_with(bk_str s, const char *suffix) {
    size_t n = strlen(suffix);
    return s.len >= n && (n == 0 || memcmp(s.ptr + s.len - n, suffix, n) == 0);
}

bk_str bk_str_trim(bk_str s) {
    while (s.len && is_space(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && is_space(s.ptr[s.len - 1])) s.len--;
    return s;
}

char *bk_str_dup(bk_arena *a, bk_str s) { return bk_arena_strndup(a, s.len ? s.ptr : "", s.len); }

/* ---------------------------------------------------------------------------------------------
 * Number parsing
 * ------------------------------------------------------------------------------------------- */

/* Digits only, at least one, into a uint64 magnitude; false on overflow. */
static bool parse_magnitude(const char *s, size_t len, uint64_t *out) {
    if (len == 0) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool bk_parse_u64(const char *s, size_t len, uint64_t *out) {
    if (len && s[0] == '+') {
        s++;
        len--;
    }
    return parse_magnitude(s, len, out);
}

bool bk_parse_i64(const char *s, size_t len, int64_t *out) {
    bool negative = false;
    if (len && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        s++;
        len--;
    }
    uint64_t mag;
    if (!parse_magnitude(s, len, &mag)) return false;
    if (negative) {
        if (mag > (uint64_t)INT64_MAX + 1) return false;
        *out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
    } else {
        if (mag > (uint64_t)INT64_MAX) return false;
        *out = (int64_t)mag;
    }
    return true;
}

bool bk_parse_i32(const char *s, size_t len, int32_t *out) {
    int64_t v;
    if (!bk_parse_i64(s, len, &v) || v < INT32_MIN || v > INT32_MAX) return false;
    *out = (int32_t)v;
    return true;
}

/*
 * Check the shape first ([sign] digits [. digits] [e [sign] digits], or a special
 * word), so that strtod never sees hex floats, whitespace or trailing text; then
 * let strtod do the correctly rounded conversion on a NUL-terminated copy.
 */
bool bk_parse_double(const char *s, size_t len, double *out) {
    size_t i = 0;
    bool negative = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    bk_str rest = bk_str_make(s + i, len - i);
    if (bk_str_ieq_cstr(rest, "inf") || bk_str_ieq_cstr(rest, "infinity")) {
        *out = negative ? -HUGE_VAL : HUGE_VAL;
        return true;
    }
    if (bk_str_ieq_cstr(rest, "nan")) {
        *out = (double)NAN;
        return true;
    }
    size_t int_digits = 0, frac_digits = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') i++, int_digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++, frac_digits++;
    }
    if (int_digits + frac_digits == 0) return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        size_t exp_digits = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++, exp_digits++;
        if (exp_digits == 0) return false;
    }
    if (i != len) return false;

    char local[128];
    char *copy = len < sizeof local ? local : bk_malloc(len + 1);
    if (!copy) return false;
    memcpy(copy, s, len);
    copy[len] = '\0';
    errno = 0;
    char *end;
    double v = strtod(copy, &end);
    bool ok = end == copy + len && !(errno == ERANGE && isinf(v));
    if (copy != local) bk_free(copy);
    if (ok) *out = v;
    return ok;
}

size_t bk_utf8_put(uint32_t cp, char *dst) {
    if (cp < 0x80) {
        dst[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = (char)(0xC0 | (cp >> 6));
        dst[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        dst[0] = (char)(0xE0 | (cp >> 12));
        dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        dst[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    dst[0] = (char)(0xF0 | (cp >> 18));
    dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    dst[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool bk_path_is_dot_segment(const char *s, size_t n) {
    int dots = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '.') {
            i++;
        } else if (i + 2 < n && s[i] == '%' && s[i + 1] == '2' &&
                   (s[i + 2] == 'e' || s[i + 2] == 'E')) {
            i += 3;
        } else {
            return false;
        }
        if (++dots > 2) return false;
    }
    return dots == 1 || dots == 2;
}
