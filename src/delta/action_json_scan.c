/*
 * action_json_scan.c — the validating JSON scanner behind delta_actions_parse_json
 * (json_scan.h): skip and check values, iterate objects and arrays, and decode
 * the few values a caller asks for.
 *
 * Why not jansson here: building a DOM (a malloc per node and a hash table per
 * object) for every line of a commit, only to copy a dozen fields out of it,
 * was most of the time of loading a table from JSON commits.  This scanner
 * touches each byte of a line once to validate it, remembers where the wanted
 * values are, and decodes just those; a string without escapes is one memcpy.
 *
 * Strictness is jansson's (json_loadb, flags 0), rule for rule — see the list
 * in json_scan.h — so a line is accepted here exactly when jansson accepts it.
 * The reasons set in fail_why are short and for debugging; the parser asks
 * jansson for its own message when a line is invalid.
 *
 * Every read is bounds-checked against s->end; nothing relies on a NUL.
 */
#include "delta/json_scan.h"

#include <string.h>

#include "base/str.h"

/* ---------------------------------------------------------------------------------------------
 * Failures and byte classes
 * ------------------------------------------------------------------------------------------- */

/* Record the first failure; always returns false. */
static bool fail(delta_jscan *s, const char *at, const char *why) {
    if (!s->fail_at) {
        s->fail_at = at;
        s->fail_why = why;
    }
    return false;
}

/* fail() for the functions that return -1 on invalid JSON. */
static int fail_n(delta_jscan *s, const char *at, const char *why) {
    fail(s, at, why);
    return -1;
}

/* Classes of bytes inside a string: the plain ones need no look. */
enum { C_PLAIN = 0, C_QUOTE, C_BACKSLASH, C_CONTROL, C_HIGH };

#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
/* clang-format off */
static const uint8_t str_class[256] = {
    R16(C_CONTROL), R16(C_CONTROL),                           /* 0x00-0x1f */
    0, 0, C_QUOTE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,     /* 0x20-0x2f */
    R16(0), R16(0),                                           /* 0x30-0x4f */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, C_BACKSLASH, 0, 0, 0, /* 0x50-0x5f */
    R16(0), R16(0),                                           /* 0x60-0x7f */
    R16(C_HIGH), R16(C_HIGH), R16(C_HIGH), R16(C_HIGH),       /* 0x80-0xbf */
    R16(C_HIGH), R16(C_HIGH), R16(C_HIGH), R16(C_HIGH)};      /* 0xc0-0xff */
/* clang-format on */
#undef R16

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
static inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* The value of 4 hex digits at p (p + 4 <= end checked by the caller), or -1. */
static int32_t hex4(const char *p) {
    int32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v += c - '0';
        else if (c >= 'a' && c <= 'f')
            v += c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v += c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

/* ---------------------------------------------------------------------------------------------
 * Strings
 * ------------------------------------------------------------------------------------------- */

/*
 * One UTF-8 character at *pp (its first byte is >= 0x80): advance past it, or
 * false when it is not well formed (jansson's utf8_check_first/_full rules).
 */
static bool scan_utf8(const char **pp, const char *end) {
    const uint8_t *p = (const uint8_t *)*pp;
    uint8_t c = p[0];
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0Fu;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07u;
    else
        return false; /* a continuation byte, C0/C1 (overlong ASCII), or F5-FF */
    if ((size_t)(end - *pp) < n) return false;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return false; /* overlong */
    *pp += n;
    return true;
}

/*
 * One escape at *pp (which points at the backslash): advance past it.  A high
 * surrogate must be followed by the escape of a low one; \u0000 is refused
 * (jansson refuses NUL in keys and, without JSON_ALLOW_NUL, in values).
 */
static bool scan_escape(delta_jscan *s, const char **pp) {
    const char *p = *pp + 1;
    if (p >= s->end) return fail(s, p, "premature end of input");
    switch (*p) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
        *pp = p + 1;
        return true;
    case 'u':
        break;
    default:
        return fail(s, p, "invalid escape");
    }
    p++;
    int32_t cp = s->end - p >= 4 ? hex4(p) : -1;
    if (cp < 0) return fail(s, p, "invalid escape");
    p += 4;
    if (cp == 0) return fail(s, p - 6, "\\u0000 is not allowed");
    if (cp >= 0xDC00 && cp <= 0xDFFF) return fail(s, p - 6, "invalid Unicode (lone low surrogate)");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (s->end - p < 6 || p[0] != '\\' || p[1] != 'u')
            return fail(s, p - 6, "invalid Unicode (lone high surrogate)");
        int32_t lo = hex4(p + 2);
        if (lo < 0) return fail(s, p + 2, "invalid escape");
        if (lo < 0xDC00 || lo > 0xDFFF) return fail(s, p, "invalid Unicode (bad low surrogate)");
        p += 6;
    }
    *pp = p;
    return true;
}

/*
 * Whether any of the 8 bytes at p is a quote, a backslash, a control character
 * or >= 0x80.  SWAR: (v - 0x01..) & ~v & 0x80.. is non-zero exactly when some
 * byte of v is zero, and (x - n*0x01..) & ~x & 0x80.. when some byte of x is
 * below n (n <= 0x80).
 */
static inline bool has_special_byte(const char *p) {
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t x;
    memcpy(&x, p, 8);
    uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
    uint64_t control = (x - ones * 0x20) & ~x;
    uint64_t is_quote = (quote - ones) & ~quote, is_backslash = (backslash - ones) & ~backslash;
    return ((control | is_quote | is_backslash | x) & highs) != 0;
}

/* The string whose opening quote s->p points at. */
static bool scan_string(delta_jscan *s, delta_jval *out) {
    const char *start = s->p, *p = s->p + 1, *end = s->end;
    bool has_escape = false;
    for (;;) {
        /* OPTIMIZATION: 8 plain bytes at a time, then one table look per byte */
        while (end - p >= 8 && !has_special_byte(p)) p += 8;
        while (p < end && str_class[(uint8_t)*p] == C_PLAIN) p++;
        if (p >= end) return fail(s, p, "premature end of input in a string");
        switch (str_class[(uint8_t)*p]) {
        case C_QUOTE:
            p++;
            out->text = start;
            out->len = (size_t)(p - start);
            out->type = DELTA_J_STRING;
            out->has_escape = has_escape;
            s->p = p;
            return true;
        case C_BACKSLASH:
            has_escape = true;
            if (!scan_escape(s, &p)) return false;
            break;
        case C_CONTROL:
            return fail(s, p, "control character in a string");
        default:
            if (!scan_utf8(&p, end)) return fail(s, p, "invalid UTF-8");
            break;
        }
    }
}

/* ---------------------------------------------------------------------------------------------
 * Numbers and literals
 * ------------------------------------------------------------------------------------------- */

/*
 * jansson compatibility: one NUL byte right after a number or a literal is
 * skipped.  jansson's lexer reads one byte past such a token and puts it back;
 * a put-back NUL then looks like the end of its look-ahead buffer and is lost,
 * so json_loadb accepts "[1\0,2]" as [1,2].  Two NULs, or a NUL anywhere else,
 * are invalid for both.
 */
static inline const char *skip_ungot_nul(const char *p, const char *end) {
    return p < end && *p == '\0' ? p + 1 : p;
}

/* Whether the integer digits[0..n) (no sign) fits int64 (-2^63 allowed when negative). */
static bool int_fits(const char *digits, size_t n, bool negative) {
    if (n <= 18) return true;
    uint64_t v = 0, limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (size_t i = 0; i < n; i++) {
        uint64_t d = (uint64_t)(digits[i] - '0');
        if (v > (limit - d) / 10) return false;
        v = v * 10 + d;
    }
    return true;
}

/*
 * A number at s->p.  Integers must fit int64 (jansson: "too big integer");
 * others must not overflow a double ("real number overflow").  The overflow
 * test converts only numbers whose magnitude may reach 1e308.
 */
static bool scan_number(delta_jscan *s, delta_jval *out) {
    const char *start = s->p, *p = s->p, *end = s->end;
    bool negative = p < end && *p == '-';
    if (negative) p++;
    const char *digits = p;
    if (p < end && *p == '0')
        p++;
    else if (p < end && *p >= '1' && *p <= '9')
        while (p < end && is_digit(*p)) p++;
    else
        return fail(s, p, "invalid number");
    size_t n_int = (size_t)(p - digits);
    bool is_real = false;
    int64_t exp10 = 0;
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !is_digit(*p)) return fail(s, p, "invalid number");
        while (p < end && is_digit(*p)) p++;
        is_real = true;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        bool exp_negative = p < end && *p == '-';
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || !is_digit(*p)) return fail(s, p, "invalid number");
        for (; p < end && is_digit(*p); p++)
            if (exp10 < 1000000) exp10 = exp10 * 10 + (*p - '0');
        if (exp_negative) exp10 = -exp10;
        is_real = true;
    }
    size_t len = (size_t)(p - start);
    if (!is_real) {
        if (!int_fits(digits, n_int, negative)) return fail(s, start, "too big integer");
    } else {
        /* |value| < 10^(integer digits + exponent); 1e308 < DBL_MAX */
        int64_t bound = (digits[0] == '0' ? 0 : (int64_t)n_int) + exp10;
        double ignored;
        if (bound > 308 && !bk_parse_double(start, len, &ignored))
            return fail(s, start, "real number overflow");
    }
    out->text = start;
    out->len = len;
    out->type = is_real ? DELTA_J_REAL : DELTA_J_INT;
    out->has_escape = false;
    s->p = skip_ungot_nul(p, end);
    return true;
}

/* true, false or null at s->p; like jansson, "nullx" is one bad word. */
static bool scan_literal(delta_jscan *s, const char *word, size_t n, delta_jtype type,
                         delta_jval *out) {
    const char *p = s->p;
    if ((size_t)(s->end - p) < n || memcmp(p, word, n) != 0) return fail(s, p, "invalid token");
    if ((size_t)(s->end - p) > n && is_alpha(p[n])) return fail(s, p, "invalid token");
    out->text = p;
    out->len = n;
    out->type = type;
    out->has_escape = false;
    s->p = skip_ungot_nul(p + n, s->end);
    return true;
}

/* Any value but an object or an array. */
static bool scan_scalar(delta_jscan *s, delta_jval *out) {
    switch (*s->p) {
    case '"':
        return scan_string(s, out);
    case 't':
        return scan_literal(s, "true", 4, DELTA_J_TRUE, out);
    case 'f':
        return scan_literal(s, "false", 5, DELTA_J_FALSE, out);
    case 'n':
        return scan_literal(s, "null", 4, DELTA_J_NULL, out);
    default:
        if (*s->p == '-' || is_digit(*s->p)) return scan_number(s, out);
        return fail(s, s->p, "invalid token");
    }
}

/* ---------------------------------------------------------------------------------------------
 * Containers
 * ------------------------------------------------------------------------------------------- */

/*
 * The object or array at s->p, at depth `depth`, with everything inside it.
 * Iterative: bit k of `is_object` says whether the k-th open container is an
 * object, so nesting costs 2048 bits of stack, not a C frame per level.
 */
static bool scan_container(delta_jscan *s, uint32_t depth, delta_jval *out) {
    uint64_t is_object[DELTA_JSCAN_MAX_DEPTH / 64 + 1];
    const char *start = s->p;
    uint32_t level = 1; /* open containers; the children of the innermost are at depth+level */
    bool first = true;  /* nothing read yet in the innermost container */
    bool obj = *s->p == '{';
    is_object[0] = obj;
    s->p++;
    for (;;) {
        delta_jscan_ws(s);
        if (s->p >= s->end) return fail(s, s->p, "premature end of input");
        char c = *s->p;
        if (c == (obj ? '}' : ']')) {
            s->p++;
            if (--level == 0) break;
            obj = (is_object[(level - 1) / 64] >> ((level - 1) % 64)) & 1;
            first = false;
            continue;
        }
        if (!first) {
            if (c != ',') return fail(s, s->p, obj ? "'}' expected" : "']' expected");
            s->p++;
            delta_jscan_ws(s);
        }
        first = false;
        if (obj) {
            if (s->p >= s->end || *s->p != '"') return fail(s, s->p, "string or '}' expected");
            delta_jval key;
            if (!scan_string(s, &key)) return false;
            delta_jscan_ws(s);
            if (s->p >= s->end || *s->p != ':') return fail(s, s->p, "':' expected");
            s->p++;
            delta_jscan_ws(s);
        }
        if (depth + level > DELTA_JSCAN_MAX_DEPTH)
            return fail(s, s->p, "maximum parsing depth reached");
        if (s->p >= s->end) return fail(s, s->p, "premature end of input");
        c = *s->p;
        if (c == '{' || c == '[') {
            obj = c == '{';
            uint64_t bit = (uint64_t)1 << (level % 64);
            if (obj)
                is_object[level / 64] |= bit;
            else
                is_object[level / 64] &= ~bit;
            level++;
            first = true;
            s->p++;
            continue;
        }
        delta_jval scalar;
        if (!scan_scalar(s, &scalar)) return false;
    }
    out->text = start;
    out->len = (size_t)(s->p - start);
    out->type = *start == '{' ? DELTA_J_OBJECT : DELTA_J_ARRAY;
    out->has_escape = false;
    return true;
}

bool delta_jscan_value(delta_jscan *s, uint32_t depth, delta_jval *out) {
    if (depth > DELTA_JSCAN_MAX_DEPTH) return fail(s, s->p, "maximum parsing depth reached");
    if (s->p >= s->end) return fail(s, s->p, "premature end of input");
    if (*s->p == '{' || *s->p == '[') return scan_container(s, depth, out);
    return scan_scalar(s, out);
}

int delta_jscan_member(delta_jscan *s, bool *first, delta_jval *key) {
    if (*first) {
        *first = false;
        s->p++; /* the '{' */
        delta_jscan_ws(s);
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            return 0;
        }
    } else {
        delta_jscan_ws(s);
        if (s->p >= s->end) return fail_n(s, s->p, "premature end of input");
        if (*s->p == '}') {
            s->p++;
            return 0;
        }
        if (*s->p != ',') return fail_n(s, s->p, "'}' expected");
        s->p++;
        delta_jscan_ws(s);
    }
    if (s->p >= s->end || *s->p != '"') return fail_n(s, s->p, "string or '}' expected");
    if (!scan_string(s, key)) return -1;
    delta_jscan_ws(s);
    if (s->p >= s->end || *s->p != ':') return fail_n(s, s->p, "':' expected");
    s->p++;
    delta_jscan_ws(s);
    return 1;
}

int delta_jscan_element(delta_jscan *s, bool *first) {
    if (*first) {
        *first = false;
        s->p++; /* the '[' */
        delta_jscan_ws(s);
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            return 0;
        }
        return 1;
    }
    delta_jscan_ws(s);
    if (s->p >= s->end) return fail_n(s, s->p, "premature end of input");
    if (*s->p == ']') {
        s->p++;
        return 0;
    }
    if (*s->p != ',') return fail_n(s, s->p, "']' expected");
    s->p++;
    delta_jscan_ws(s);
    return 1;
}

bool delta_jscan_fields(delta_jscan *s, uint32_t depth, const delta_jname *names, size_t n,
                        delta_jval *slots, delta_jval *out) {
    if (depth > DELTA_JSCAN_MAX_DEPTH) return fail(s, s->p, "maximum parsing depth reached");
    const char *start = s->p;
    bool first = true;
    delta_jval key, val;
    int more;
    while ((more = delta_jscan_member(s, &first, &key)) == 1) {
        if (!delta_jscan_value(s, depth + 1, &val)) return false;
        int i = delta_jscan_find_name(&key, names, n);
        if (i >= 0) slots[i] = val;
    }
    if (more < 0) return false;
    out->text = start;
    out->len = (size_t)(s->p - start);
    out->type = DELTA_J_OBJECT;
    out->has_escape = false;
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * Decoding scanned values
 * ------------------------------------------------------------------------------------------- */

/*
 * Decode the escape after the backslash at *pp (validated text ending at
 * `end`) into dst; returns the byte count (0 only for text that was not
 * validated) and advances *pp past the escape.
 */
static size_t unescape_one(const char **pp, const char *end, char *dst) {
    const char *p = *pp + 1;
    if (p >= end) return 0;
    char c = *p++;
    *pp = p;
    switch (c) {
    case 'b':
        *dst = '\b';
        return 1;
    case 'f':
        *dst = '\f';
        return 1;
    case 'n':
        *dst = '\n';
        return 1;
    case 'r':
        *dst = '\r';
        return 1;
    case 't':
        *dst = '\t';
        return 1;
    case 'u':
        break;
    default:
        *dst = c; /* " \ / */
        return 1;
    }
    int32_t cp = end - p >= 4 ? hex4(p) : -1;
    if (cp < 0) return 0;
    p += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6) {
        int32_t lo = hex4(p + 2);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            p += 6;
        }
    }
    *pp = p;
    return bk_utf8_put((uint32_t)cp, dst);
}

size_t delta_jscan_unescape(const delta_jval *v, char *dst) {
    const char *p = v->text + 1, *end = v->text + (v->len >= 2 ? v->len - 1 : 0);
    if (!v->has_escape) {
        memcpy(dst, p, (size_t)(end - p));
        return (size_t)(end - p);
    }
    /*
     * Byte by byte: escaped text (stats JSON inside a string) has a \" every few
     * bytes, too often for memchr to pay; \" \\ \/ are handled inline.
     */
    char *d = dst;
    while (p < end) {
        char c = *p;
        if (c != '\\') {
            *d++ = c;
            p++;
            continue;
        }
        if (end - p >= 2 && (p[1] == '"' || p[1] == '\\' || p[1] == '/')) {
            *d++ = p[1];
            p += 2;
            continue;
        }
        size_t k = unescape_one(&p, end, d);
        if (k == 0) break;
        d += k;
    }
    return (size_t)(d - dst);
}

char *delta_jscan_str_dup(bk_arena *a, const delta_jval *v, size_t *len) {
    char *dst = bk_arena_alloc(a, v->len); /* unescaping never grows a string: len-2 + NUL */
    if (!dst) return NULL;
    size_t n = delta_jscan_unescape(v, dst);
    dst[n] = '\0';
    if (len) *len = n;
    return dst;
}

size_t delta_jscan_str_prefix(const delta_jval *v, char *dst, size_t cap, bool *more) {
    const char *p = v->text + 1, *end = v->text + (v->len >= 2 ? v->len - 1 : 0);
    size_t n = 0;
    while (p < end) {
        if (*p != '\\') {
            if (n == cap) break;
            dst[n++] = *p++;
            continue;
        }
        char tmp[4];
        const char *q = p;
        size_t k = unescape_one(&q, end, tmp);
        if (k == 0 || n + k > cap) break;
        memcpy(dst + n, tmp, k);
        n += k;
        p = q;
    }
    *more = p < end;
    return n;
}

int delta_jscan_find_name(const delta_jval *key, const delta_jname *names, size_t n) {
    const char *k = key->text + 1;
    size_t klen = key->len - 2;
    char buf[64];
    if (key->has_escape) {
        bool more;
        klen = delta_jscan_str_prefix(key, buf, sizeof buf, &more);
        if (more) return -1; /* longer than any name we look for */
        k = buf;
    }
    for (size_t i = 0; i < n; i++)
        if (names[i].len == klen && memcmp(names[i].name, k, klen) == 0) return (int)i;
    return -1;
}

int64_t delta_jscan_int(const delta_jval *v) {
    const char *p = v->text, *end = v->text + v->len;
    bool negative = p < end && *p == '-';
    if (negative) p++;
    uint64_t u = 0;
    for (; p < end && is_digit(*p); p++) u = u * 10 + (uint64_t)(*p - '0');
    if (!negative) return (int64_t)u;
    return u > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)u;
}

double delta_jscan_real(const delta_jval *v) {
    double d = 0;
    if (!bk_parse_double(v->text, v->len, &d)) return 0;
    return d;
}
