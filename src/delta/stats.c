/*
 * stats.c — per-file statistics: reading them (the add action's JSON `stats`,
 * or a checkpoint's `stats_parsed` struct), judging predicates against them for
 * data skipping, and writing them for the files we add.
 *
 *   delta_stats_parse        JSON text -> delta_file_stats (top-level bounds)
 *   delta_stats_from_struct  checkpoint stats_parsed row -> delta_file_stats
 *   delta_stats_may_match    delta_file_stats x predicates -> may a row match?
 *   delta_stats_write        column vectors -> JSON text, as Spark writes it
 *
 * Why a JSON reader of our own here instead of jansson: bounds must be exact or
 * rounded outward, and jansson turns numbers into doubles (a DECIMAL(38) bound
 * loses digits) or refuses integers past int64 outright, failing the whole
 * string.  The reader below keeps every number as its text, decodes strings, and
 * allocates the tree in the caller's arena (no malloc and free per node, which
 * adds up on tables with millions of files).  It accepts strict JSON plus the
 * bare NaN / Infinity / -Infinity that some writers emit, and raw control
 * characters inside strings.
 *
 * Bounds are kept as 1-row vectors of the column's type.  Two adjustments keep
 * them bounds (PROTOCOL.md footnote: "String columns are cut off at a fixed
 * prefix length.  Timestamp columns are truncated down to milliseconds"):
 *   - a timestamp max with no sub-millisecond digits gets +999 µs;
 *   - a string max of 32+ characters that does not end in Spark's tie-breaker
 *     (U+007F or U+10FFFF) is marked max_is_prefix (see stats.h).
 */
#include "delta/stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/i128.h"
#include "base/str.h"
#include "delta/partition.h"

/* Spark's default delta.dataSkippingStringPrefixLength. */
#define STRING_PREFIX_CHARS 32
/* Spark gives up finding a tie-breaker position after twice the prefix. */
#define STRING_PREFIX_EXPANSION (2 * STRING_PREFIX_CHARS)
/* Nesting limit of the JSON reader and of structs in the writer. */
#define MAX_NESTING 256

/* ---------------------------------------------------------------------------------------------
 * Scalars: one value of any orderable kind, and the order Spark gives them
 *
 * A bound and a predicate literal may differ in storage (DECIMAL(10,2) in an
 * int64 against DECIMAL(30,2) in 128 bits), so they are compared as scalars of
 * a class; rows of one vector (the writer) are compared with bk_vector_compare.
 * ------------------------------------------------------------------------------------------- */

typedef enum scalar_class {
    CLS_NONE,   /* not orderable here (nested, VOID, TIME) */
    CLS_INT,    /* BOOLEAN, TINYINT..BIGINT, DATE, TIMESTAMP, TIMESTAMP_NTZ */
    CLS_WIDE,   /* DECIMAL of any precision, as 128 bits */
    CLS_DOUBLE, /* FLOAT, DOUBLE */
    CLS_BYTES   /* STRING, BINARY: unsigned byte order */
} scalar_class;

typedef struct scalar {
    scalar_class cls;
    int64_t i;
    bk_i128 w;
    double d;
    bk_str s;
} scalar;

static scalar_class class_of(bk_type_kind kind) {
    switch (kind) {
    case BK_TYPE_BOOLEAN:
    case BK_TYPE_TINYINT:
    case BK_TYPE_SMALLINT:
    case BK_TYPE_INT:
    case BK_TYPE_BIGINT:
    case BK_TYPE_DATE:
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
        return CLS_INT;
    case BK_TYPE_DECIMAL:
        return CLS_WIDE;
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE:
        return CLS_DOUBLE;
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY:
        return CLS_BYTES;
    default:
        return CLS_NONE;
    }
}

static bool is_integer_kind(bk_type_kind k) {
    return k == BK_TYPE_TINYINT || k == BK_TYPE_SMALLINT || k == BK_TYPE_INT || k == BK_TYPE_BIGINT;
}

static bk_i128 i128_from_i64(int64_t v) {
    bk_i128 w = {(uint64_t)v, v < 0 ? -1 : 0};
    return w;
}

/* Row `row` of `v` as a scalar; false for NULL or a kind without an order here. */
static bool load_scalar(const bk_vector *v, size_t row, scalar *out) {
    if (!v || row >= v->n || !bk_vector_is_valid(v, row)) return false;
    const bk_type *t = v->type;
    if (!v->data || bk_type_width(t) == 0) return false; /* nested and VOID: no scalar */
    const uint8_t *p = (const uint8_t *)v->data + row * bk_type_width(t);
    out->cls = class_of(t->kind);
    switch (t->kind) {
    case BK_TYPE_BOOLEAN:
        out->i = *p != 0;
        return true;
    case BK_TYPE_TINYINT:
        out->i = *(const int8_t *)p;
        return true;
    case BK_TYPE_SMALLINT:
        out->i = *(const int16_t *)p;
        return true;
    case BK_TYPE_INT:
    case BK_TYPE_DATE:
        out->i = *(const int32_t *)p;
        return true;
    case BK_TYPE_BIGINT:
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
        out->i = *(const int64_t *)p;
        return true;
    case BK_TYPE_DECIMAL:
        if (t->precision <= BK_DECIMAL_INT64_MAX_PRECISION)
            out->w = i128_from_i64(*(const int64_t *)p);
        else
            out->w = *(const bk_i128 *)p;
        return true;
    case BK_TYPE_FLOAT:
        out->d = *(const float *)p;
        return true;
    case BK_TYPE_DOUBLE:
        out->d = *(const double *)p;
        return true;
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY:
        out->s = *(const bk_str *)p;
        return true;
    default:
        return false;
    }
}

/*
 * Compare two scalars of the same class: -1, 0, 1.  Doubles in Spark's order:
 * NaN above everything (and equal to itself), -0.0 equal to 0.0.
 */
static int cmp_scalar(const scalar *a, const scalar *b) {
    switch (a->cls) {
    case CLS_INT:
        return a->i < b->i ? -1 : a->i > b->i;
    case CLS_WIDE:
        if (a->w.hi != b->w.hi) return a->w.hi < b->w.hi ? -1 : 1;
        return a->w.lo < b->w.lo ? -1 : a->w.lo > b->w.lo;
    case CLS_DOUBLE: {
        bool a_nan = isnan(a->d), b_nan = isnan(b->d);
        if (a_nan || b_nan) return a_nan - b_nan;
        return a->d < b->d ? -1 : a->d > b->d;
    }
    case CLS_BYTES:
        return bk_str_cmp(a->s, b->s);
    default:
        return 0;
    }
}

/* ---------------------------------------------------------------------------------------------
 * UTF-8 helpers for string bounds (invalid bytes count as one character each)
 * ------------------------------------------------------------------------------------------- */

static size_t utf8_next(const char *s, size_t len, size_t pos) {
    unsigned char c = (unsigned char)s[pos];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    for (size_t k = 1; k < n; k++)
        if (pos + k >= len || ((unsigned char)s[pos + k] & 0xC0) != 0x80) return pos + 1;
    return pos + n;
}

static uint32_t utf8_decode(const char *s, size_t len, size_t pos) {
    size_t n = utf8_next(s, len, pos) - pos;
    const unsigned char *p = (const unsigned char *)s + pos;
    if (n == 1) return p[0];
    uint32_t cp = p[0] & (0x7F >> n);
    for (size_t k = 1; k < n; k++) cp = (cp << 6) | (p[k] & 0x3F);
    return cp;
}

/* Byte length of the first `chars` characters of s (all of it when shorter). */
static size_t utf8_prefix(const char *s, size_t len, size_t chars, size_t *counted) {
    size_t pos = 0, n = 0;
    while (pos < len && n < chars) pos = utf8_next(s, len, pos), n++;
    if (counted) *counted = n;
    return pos;
}

static const char UTF8_MAX_CHAR[] = "\xF4\x8F\xBF\xBF"; /* U+10FFFF */

/* Does a max string bound end in one of Spark's tie-breakers? */
static bool ends_in_tie_breaker(bk_str s) {
    if (s.len >= 1 && s.ptr[s.len - 1] == 0x7F) return true;
    return s.len >= 4 && memcmp(s.ptr + s.len - 4, UTF8_MAX_CHAR, 4) == 0;
}

/* ---------------------------------------------------------------------------------------------
 * Bounds: a scalar stored as a 1-row vector of the column's type
 * ------------------------------------------------------------------------------------------- */

/*
 * Make the bound for a column of `type` from `v` (whose class suits the type).
 * Returns false when there is none (out of range, or not a kept kind); *oom on
 * allocation failure.  Applies the timestamp widening and string prefix rules
 * to max bounds.
 */
static bool make_bound(bk_arena *a, const bk_type *type, const scalar *v, bool is_max,
                       bk_vector **out, bool *prefix, bool *oom) {
    *prefix = false;
    if (class_of(type->kind) != v->cls || type->kind == BK_TYPE_BINARY) return false;
    union {
        uint8_t u8;
        int8_t i8;
        int16_t i16;
        int32_t i32;
        int64_t i64;
        float f;
        double d;
        bk_i128 w;
        bk_str s;
    } slot;
    int64_t i = v->i;
    switch (type->kind) {
    case BK_TYPE_BOOLEAN:
        slot.u8 = i != 0;
        break;
    case BK_TYPE_TINYINT:
        if (i < INT8_MIN || i > INT8_MAX) return false;
        slot.i8 = (int8_t)i;
        break;
    case BK_TYPE_SMALLINT:
        if (i < INT16_MIN || i > INT16_MAX) return false;
        slot.i16 = (int16_t)i;
        break;
    case BK_TYPE_INT:
    case BK_TYPE_DATE:
        if (i < INT32_MIN || i > INT32_MAX) return false;
        slot.i32 = (int32_t)i;
        break;
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
        /* stats keep milliseconds: the real max may be up to 999 µs later */
        if (is_max && i % 1000 == 0) i = i > INT64_MAX - 999 ? INT64_MAX : i + 999;
        slot.i64 = i;
        break;
    case BK_TYPE_BIGINT:
        slot.i64 = i;
        break;
    case BK_TYPE_DECIMAL:
        if (type->precision <= BK_DECIMAL_INT64_MAX_PRECISION) {
            int64_t lo = (int64_t)v->w.lo;
            if (v->w.hi != (lo < 0 ? -1 : 0)) return false;
            slot.i64 = lo;
        } else {
            slot.w = v->w;
        }
        break;
    case BK_TYPE_FLOAT: {
        /* round outward when the double is not exactly a float */
        float f = (float)v->d;
        if (is_max && (double)f < v->d) f = nextafterf(f, INFINITY);
        if (!is_max && (double)f > v->d) f = nextafterf(f, -INFINITY);
        slot.f = f;
        break;
    }
    case BK_TYPE_DOUBLE:
        slot.d = v->d;
        break;
    case BK_TYPE_STRING: {
        slot.s.ptr = bk_arena_memdup(a, v->s.ptr, v->s.len ? v->s.len : 1);
        slot.s.len = v->s.len;
        if (!slot.s.ptr) return *oom = true, false;
        if (is_max && !ends_in_tie_breaker(slot.s)) {
            size_t chars;
            utf8_prefix(slot.s.ptr, slot.s.len, STRING_PREFIX_CHARS, &chars);
            *prefix = chars >= STRING_PREFIX_CHARS;
        }
        break;
    }
    default:
        return false;
    }
    bk_vector *vec = bk_vector_make(a, type, 1);
    if (!vec) return *oom = true, false;
    memcpy(vec->data, &slot, bk_type_width(type));
    *out = vec;
    return true;
}

/* Store a bound for column `col` of `st` (min or max); false on OOM only. */
static bool set_bound(bk_arena *a, delta_file_stats *st, uint32_t col, const bk_type *type,
                      const scalar *v, bool is_max) {
    bk_vector *vec;
    bool prefix, oom = false;
    if (!make_bound(a, type, v, is_max, &vec, &prefix, &oom)) return !oom;
    if (is_max) {
        st->max[col] = vec;
        st->max_is_prefix[col] = prefix;
    } else {
        st->min[col] = vec;
    }
    return true;
}

bk_status delta_stats_init(bk_arena *a, uint32_t n_columns, delta_file_stats *out, bk_error *err) {
    size_t n = n_columns ? n_columns : 1;
    delta_file_stats st = {.tight_bounds = true, .n_columns = n_columns};
    st.min = bk_arena_zalloc(a, n * sizeof *st.min);
    st.max = bk_arena_zalloc(a, n * sizeof *st.max);
    st.null_count = bk_arena_alloc(a, n * sizeof *st.null_count);
    st.max_is_prefix = bk_arena_zalloc(a, n * sizeof *st.max_is_prefix);
    if (!st.min || !st.max || !st.null_count || !st.max_is_prefix) return bk_arena_oom(a, err);
    for (uint32_t i = 0; i < n_columns; i++) st.null_count[i] = -1;
    *out = st;
    return BK_OK;
}

/*
 * The top-level column whose (physical) name is `key`, or -1.  *cursor is where
 * the previous key was found: stats list columns in schema order, so the next one
 * is usually there and the lookup is O(1).
 */
static int64_t find_column(const delta_schema *schema, bool by_physical_name, bk_str key,
                           uint32_t *cursor) {
    uint32_t n = schema->n_fields;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = (*cursor + k) % n;
        const delta_field *f = &schema->fields[i];
        const char *name = by_physical_name ? f->physical_name : f->name;
        if (strlen(name) == key.len && memcmp(name, key.ptr, key.len) == 0) {
            *cursor = i + 1 == n ? 0 : i + 1;
            return i;
        }
    }
    return -1;
}

/* ---------------------------------------------------------------------------------------------
 * A small JSON reader (see the file comment for why)
 * ------------------------------------------------------------------------------------------- */

typedef enum jkind { J_NULL, J_FALSE, J_TRUE, J_NUMBER, J_STRING, J_OBJECT, J_ARRAY } jkind;

typedef struct jval jval;
typedef struct jmember {
    bk_str key;
    jval *val;
} jmember;

struct jval {
    jkind kind;
    bk_str text;      /* J_NUMBER: the literal as written; J_STRING: the decoded bytes */
    uint32_t n;       /* J_OBJECT: number of members (arrays are parsed, not kept) */
    jmember *members; /* J_OBJECT */
};

typedef struct jreader {
    bk_arena *a;
    const char *s;
    size_t pos, len;
    int depth;
    bool oom;
    const char *why; /* the first syntax error */
} jreader;

static void *jfail(jreader *r, const char *why) {
    if (!r->why) r->why = why;
    return NULL;
}

static void jskip_ws(jreader *r) {
    while (r->pos < r->len) {
        char c = r->s[r->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        r->pos++;
    }
}

static bool jlit(jreader *r, const char *word) {
    size_t n = strlen(word);
    if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n) != 0) return false;
    r->pos += n;
    return true;
}

static bool jhex4(jreader *r, uint32_t *out) {
    if (r->len - r->pos < 4) return false;
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        char c = r->s[r->pos++];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return false;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return true;
}

/*
 * string -> '"' chars '"'.  Without escapes the result is a view into the input;
 * with them, a decoded copy in the arena (never longer than the escaped text).
 */
static bool jstring(jreader *r, bk_str *out) {
    size_t start = ++r->pos, end = start;
    bool escaped = false;
    while (end < r->len && r->s[end] != '"') {
        if (r->s[end] == '\\') escaped = true, end++;
        end++;
    }
    if (end >= r->len) return jfail(r, "unterminated string"), false;
    if (!escaped) {
        *out = bk_str_make(r->s + start, end - start);
        r->pos = end + 1;
        return true;
    }
    char *buf = bk_arena_alloc(r->a, end - start);
    if (!buf) return r->oom = true, false;
    size_t n = 0;
    while (r->pos < end) {
        char c = r->s[r->pos++];
        if (c != '\\') {
            buf[n++] = c;
            continue;
        }
        c = r->s[r->pos++];
        switch (c) {
        case '"':
        case '\\':
        case '/':
            buf[n++] = c;
            break;
        case 'b':
            buf[n++] = '\b';
            break;
        case 'f':
            buf[n++] = '\f';
            break;
        case 'n':
            buf[n++] = '\n';
            break;
        case 'r':
            buf[n++] = '\r';
            break;
        case 't':
            buf[n++] = '\t';
            break;
        case 'u': {
            uint32_t cp, low;
            if (!jhex4(r, &cp)) return jfail(r, "bad \\u escape"), false;
            if (cp >= 0xD800 && cp < 0xDC00 && r->pos + 6 <= end && r->s[r->pos] == '\\' &&
                r->s[r->pos + 1] == 'u') {
                size_t save = r->pos;
                r->pos += 2;
                if (jhex4(r, &low) && low >= 0xDC00 && low < 0xE000)
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                else
                    r->pos = save;
            }
            if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD; /* a lone surrogate */
            n += bk_utf8_put(cp, buf + n);
            break;
        }
        default:
            return jfail(r, "bad escape in a string"), false;
        }
    }
    r->pos = end + 1;
    *out = bk_str_make(buf, n);
    return true;
}

/* number -> '-'? int frac? exp?   (also the bare words NaN, Infinity, -Infinity) */
static bool jnumber(jreader *r, bk_str *out) {
    size_t start = r->pos;
    if (jlit(r, "NaN") || jlit(r, "Infinity") || jlit(r, "-Infinity")) {
        *out = bk_str_make(r->s + start, r->pos - start);
        return true;
    }
    const char *s = r->s;
    size_t p = r->pos, len = r->len;
    if (p < len && s[p] == '-') p++;
    size_t int_start = p;
    while (p < len && s[p] >= '0' && s[p] <= '9') p++;
    if (p == int_start || (s[int_start] == '0' && p - int_start > 1))
        return jfail(r, "bad number"), false;
    if (p < len && s[p] == '.') {
        size_t frac_start = ++p;
        while (p < len && s[p] >= '0' && s[p] <= '9') p++;
        if (p == frac_start) return jfail(r, "bad number"), false;
    }
    if (p < len && (s[p] == 'e' || s[p] == 'E')) {
        p++;
        if (p < len && (s[p] == '+' || s[p] == '-')) p++;
        size_t exp_start = p;
        while (p < len && s[p] >= '0' && s[p] <= '9') p++;
        if (p == exp_start) return jfail(r, "bad number"), false;
    }
    r->pos = p;
    *out = bk_str_make(s + start, p - start);
    return true;
}

static jval *jvalue(jreader *r);

/* object -> '{' (string ':' value (',' string ':' value)*)? '}' */
static jval *jobject(jreader *r, jval *v) {
    uint32_t cap = 0;
    r->pos++;
    jskip_ws(r);
    if (r->pos < r->len && r->s[r->pos] == '}') {
        r->pos++;
        return v;
    }
    for (;;) {
        jskip_ws(r);
        if (r->pos >= r->len || r->s[r->pos] != '"') return jfail(r, "expected a member name");
        bk_str key;
        if (!jstring(r, &key)) return NULL;
        jskip_ws(r);
        if (r->pos >= r->len || r->s[r->pos] != ':') return jfail(r, "expected ':'");
        r->pos++;
        jval *member = jvalue(r);
        if (!member) return NULL;
        if (v->n == cap) {
            cap = cap ? 2 * cap : 8;
            jmember *grown = bk_arena_array(r->a, cap, sizeof *grown);
            if (!grown) return r->oom = true, NULL;
            if (v->n) memcpy(grown, v->members, v->n * sizeof *grown);
            v->members = grown;
        }
        v->members[v->n].key = key;
        v->members[v->n++].val = member;
        jskip_ws(r);
        if (r->pos < r->len && r->s[r->pos] == ',') {
            r->pos++;
            continue;
        }
        if (r->pos < r->len && r->s[r->pos] == '}') {
            r->pos++;
            return v;
        }
        return jfail(r, "expected ',' or '}'");
    }
}

/* array -> '[' (value (',' value)*)? ']'   (elements are checked, not kept) */
static jval *jarray(jreader *r, jval *v) {
    r->pos++;
    jskip_ws(r);
    if (r->pos < r->len && r->s[r->pos] == ']') {
        r->pos++;
        return v;
    }
    for (;;) {
        if (!jvalue(r)) return NULL;
        jskip_ws(r);
        if (r->pos < r->len && r->s[r->pos] == ',') {
            r->pos++;
            continue;
        }
        if (r->pos < r->len && r->s[r->pos] == ']') {
            r->pos++;
            return v;
        }
        return jfail(r, "expected ',' or ']'");
    }
}

static jval *jvalue(jreader *r) {
    jskip_ws(r);
    if (r->pos >= r->len) return jfail(r, "unexpected end of text");
    jval *v = bk_arena_zalloc(r->a, sizeof *v);
    if (!v) return r->oom = true, NULL;
    char c = r->s[r->pos];
    if (c == '{' || c == '[') {
        if (++r->depth > MAX_NESTING) return jfail(r, "nested too deeply");
        v->kind = c == '{' ? J_OBJECT : J_ARRAY;
        jval *done = c == '{' ? jobject(r, v) : jarray(r, v);
        r->depth--;
        return done;
    }
    if (c == '"') {
        v->kind = J_STRING;
        return jstring(r, &v->text) ? v : NULL;
    }
    if (jlit(r, "true")) return v->kind = J_TRUE, v;
    if (jlit(r, "false")) return v->kind = J_FALSE, v;
    if (jlit(r, "null")) return v->kind = J_NULL, v;
    if (c == '-' || (c >= '0' && c <= '9') || c == 'N' || c == 'I') {
        v->kind = J_NUMBER;
        return jnumber(r, &v->text) ? v : NULL;
    }
    return jfail(r, "unexpected character");
}

/* ---------------------------------------------------------------------------------------------
 * Reading JSON stats
 * ------------------------------------------------------------------------------------------- */

/* A JSON integer (or an integral number in another spelling) as int64. */
static bool json_int64(const jval *v, delta_round mode, int64_t *out) {
    if (v->kind != J_NUMBER) return false;
    if (bk_parse_i64(v->text.ptr, v->text.len, out)) return true;
    bk_i128 w;
    if (!delta_decimal_parse(v->text.ptr, v->text.len, 38, 0, mode, &w)) return false;
    int64_t lo = (int64_t)w.lo;
    if (w.hi != (lo < 0 ? -1 : 0)) return false;
    *out = lo;
    return true;
}

/* The JSON value `v` as a scalar for a column of `type`; false when it is not one. */
static bool json_scalar(const bk_type *type, const jval *v, bool is_max, scalar *out) {
    delta_round mode = is_max ? DELTA_ROUND_CEIL : DELTA_ROUND_FLOOR;
    out->cls = class_of(type->kind);
    switch (type->kind) {
    case BK_TYPE_BOOLEAN:
        if (v->kind != J_TRUE && v->kind != J_FALSE) return false;
        out->i = v->kind == J_TRUE;
        return true;
    case BK_TYPE_TINYINT:
    case BK_TYPE_SMALLINT:
    case BK_TYPE_INT:
    case BK_TYPE_BIGINT:
        return json_int64(v, mode, &out->i);
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE:
        if (v->kind != J_NUMBER && v->kind != J_STRING) return false;
        return bk_parse_double(v->text.ptr, v->text.len, &out->d);
    case BK_TYPE_DECIMAL:
        if (v->kind != J_NUMBER && v->kind != J_STRING) return false;
        return delta_decimal_parse(v->text.ptr, v->text.len, type->precision, type->scale, mode,
                                   &out->w);
    case BK_TYPE_DATE: {
        if (v->kind != J_STRING) return false;
        int32_t days;
        if (bk_parse_date(v->text.ptr, v->text.len, &days)) {
            out->i = days;
            return true;
        }
        int64_t micros, day, of_day;
        if (!delta_timestamp_parse(v->text.ptr, v->text.len, true, &micros)) return false;
        bk_micros_split(micros, &day, &of_day);
        out->i = day;
        return true;
    }
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
        if (v->kind != J_STRING) return false;
        return delta_timestamp_parse(v->text.ptr, v->text.len, type->kind == BK_TYPE_TIMESTAMP_NTZ,
                                     &out->i);
    case BK_TYPE_STRING:
        if (v->kind != J_STRING) return false;
        out->s = v->text;
        return true;
    default:
        return false;
    }
}

/* minValues / maxValues: one bound per top-level column found. */
static bool json_bounds(bk_arena *a, const delta_schema *schema, bool by_physical_name,
                        const jval *obj, bool is_max, delta_file_stats *st) {
    uint32_t cursor = 0;
    for (uint32_t m = 0; m < obj->n; m++) {
        int64_t col = find_column(schema, by_physical_name, obj->members[m].key, &cursor);
        if (col < 0) continue;
        const bk_type *type = schema->fields[col].type;
        scalar v;
        if (!json_scalar(type, obj->members[m].val, is_max, &v)) continue;
        if (!set_bound(a, st, (uint32_t)col, type, &v, is_max)) return false;
    }
    return true;
}

static void json_null_counts(const delta_schema *schema, bool by_physical_name, const jval *obj,
                             delta_file_stats *st) {
    uint32_t cursor = 0;
    for (uint32_t m = 0; m < obj->n; m++) {
        int64_t col = find_column(schema, by_physical_name, obj->members[m].key, &cursor);
        int64_t count;
        if (col >= 0 && json_int64(obj->members[m].val, DELTA_ROUND_FLOOR, &count) && count >= 0)
            st->null_count[col] = count;
    }
}

bk_status delta_stats_parse(bk_arena *a, const delta_schema *schema, bool by_physical_name,
                            const char *json, const char *path, delta_file_stats *out,
                            bk_error *err) {
    delta_file_stats st;
    BK_TRY(delta_stats_init(a, schema->n_fields, &st, err));
    jreader r = {.a = a, .s = json, .len = strlen(json)};
    jval *root = jvalue(&r);
    if (root) {
        jskip_ws(&r);
        if (r.pos != r.len) root = jfail(&r, "text after the JSON value");
    }
    if (!root) {
        if (r.oom) return bk_arena_oom(a, err);
        return bk_error_set(err, BK_CORRUPT,
                            "file \"%s\": stats are not valid JSON: %s at byte %zu", path, r.why,
                            r.pos);
    }
    if (root->kind != J_OBJECT)
        return bk_error_set(err, BK_CORRUPT, "file \"%s\": stats are not a JSON object", path);
    for (uint32_t m = 0; m < root->n; m++) {
        bk_str key = root->members[m].key;
        const jval *v = root->members[m].val;
        if (bk_str_eq_cstr(key, "numRecords")) {
            int64_t n;
            if (json_int64(v, DELTA_ROUND_FLOOR, &n) && n >= 0) {
                st.has_num_records = true;
                st.num_records = n;
            }
        } else if (bk_str_eq_cstr(key, "tightBounds")) {
            if (v->kind == J_TRUE || v->kind == J_FALSE) st.tight_bounds = v->kind == J_TRUE;
        } else if (v->kind == J_OBJECT &&
                   (bk_str_eq_cstr(key, "minValues") || bk_str_eq_cstr(key, "maxValues"))) {
            bool is_max = bk_str_eq_cstr(key, "maxValues");
            if (!json_bounds(a, schema, by_physical_name, v, is_max, &st))
                return bk_arena_oom(a, err);
        } else if (v->kind == J_OBJECT && bk_str_eq_cstr(key, "nullCount")) {
            json_null_counts(schema, by_physical_name, v, &st);
        }
    }
    *out = st;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Reading checkpoint stats_parsed
 * ------------------------------------------------------------------------------------------- */

/* Can a value of `src` be read as `dst` exactly (given make_bound's range checks)? */
static bool exact_conversion(const bk_type *src, const bk_type *dst) {
    if (src->kind == dst->kind) return src->kind != BK_TYPE_DECIMAL || src->scale == dst->scale;
    if (is_integer_kind(src->kind) && is_integer_kind(dst->kind)) return true;
    return src->kind == BK_TYPE_FLOAT && dst->kind == BK_TYPE_DOUBLE;
}

/* The child of STRUCT vector `v` named `name`, or NULL. */
static const bk_vector *struct_child(const bk_vector *v, const char *name) {
    if (!v || v->type->kind != BK_TYPE_STRUCT) return NULL;
    for (uint32_t k = 0; k < v->type->n_children; k++)
        if (strcmp(v->type->field_names[k], name) == 0) return v->children[k];
    return NULL;
}

static bool struct_bounds(bk_arena *a, const delta_schema *schema, bool by_physical_name,
                          const bk_vector *values, size_t row, bool is_max, delta_file_stats *st) {
    if (!values || values->type->kind != BK_TYPE_STRUCT || !bk_vector_is_valid(values, row))
        return true;
    uint32_t cursor = 0;
    for (uint32_t k = 0; k < values->type->n_children; k++) {
        bk_str key = bk_str_from_cstr(values->type->field_names[k]);
        int64_t col = find_column(schema, by_physical_name, key, &cursor);
        const bk_vector *child = values->children[k];
        scalar v;
        if (col < 0 || !exact_conversion(child->type, schema->fields[col].type) ||
            !load_scalar(child, row, &v))
            continue;
        if (!set_bound(a, st, (uint32_t)col, schema->fields[col].type, &v, is_max)) return false;
    }
    return true;
}

bk_status delta_stats_from_struct(bk_arena *a, const delta_schema *schema, bool by_physical_name,
                                  const bk_vector *stats_parsed, uint32_t row,
                                  delta_file_stats *out, bk_error *err) {
    delta_file_stats st;
    BK_TRY(delta_stats_init(a, schema->n_fields, &st, err));
    const bk_vector *sp = stats_parsed;
    if (!sp || sp->type->kind != BK_TYPE_STRUCT || row >= sp->n || !bk_vector_is_valid(sp, row)) {
        *out = st;
        return BK_OK;
    }
    scalar v;
    const bk_vector *num = struct_child(sp, "numRecords");
    if (num && is_integer_kind(num->type->kind) && load_scalar(num, row, &v) && v.i >= 0) {
        st.has_num_records = true;
        st.num_records = v.i;
    }
    const bk_vector *tight = struct_child(sp, "tightBounds");
    if (tight && tight->type->kind == BK_TYPE_BOOLEAN && load_scalar(tight, row, &v))
        st.tight_bounds = v.i != 0;
    if (!struct_bounds(a, schema, by_physical_name, struct_child(sp, "minValues"), row, false,
                       &st) ||
        !struct_bounds(a, schema, by_physical_name, struct_child(sp, "maxValues"), row, true, &st))
        return bk_arena_oom(a, err);
    const bk_vector *nulls = struct_child(sp, "nullCount");
    if (nulls && nulls->type->kind == BK_TYPE_STRUCT && bk_vector_is_valid(nulls, row)) {
        uint32_t cursor = 0;
        for (uint32_t k = 0; k < nulls->type->n_children; k++) {
            bk_str key = bk_str_from_cstr(nulls->type->field_names[k]);
            int64_t col = find_column(schema, by_physical_name, key, &cursor);
            const bk_vector *child = nulls->children[k];
            if (col >= 0 && is_integer_kind(child->type->kind) && load_scalar(child, row, &v) &&
                v.i >= 0)
                st.null_count[col] = v.i;
        }
    }
    *out = st;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Data skipping
 * ------------------------------------------------------------------------------------------- */

/* The literal at `row` of the predicate's values, if its type matches the column's. */
static bool literal(const bk_vector *values, size_t row, const bk_type *col_type, scalar *out) {
    if (!values || row >= values->n) return false;
    const bk_type *t = values->type;
    if (t->kind != col_type->kind) return false;
    if (t->kind == BK_TYPE_DECIMAL && t->scale != col_type->scale) return false;
    return load_scalar(values, row, out);
}

/*
 * Is the literal above every value the max bound allows?  With a prefix bound
 * P the values are those <= P or starting with P, so lit is above them all
 * exactly when lit > P and lit does not start with P.
 */
static bool above_max(const scalar *lit, const scalar *max, bool prefix) {
    if (cmp_scalar(lit, max) <= 0) return false;
    if (!prefix) return true;
    return !(lit->s.len >= max->s.len && memcmp(lit->s.ptr, max->s.ptr, max->s.len) == 0);
}

static bool pred_may_match(const delta_file_stats *st, const pq_predicate *p) {
    if (p->field >= st->n_columns) return true;
    uint32_t col = p->field;
    int64_t nulls = st->null_count ? st->null_count[col] : -1;
    bool all_null = nulls == DELTA_STATS_ALL_NULL ||
                    (nulls >= 0 && st->has_num_records && nulls == st->num_records);
    switch (p->op) {
    case PQ_PRED_IS_NULL:
        return nulls != 0;
    case PQ_PRED_IS_NOT_NULL:
        return !all_null;
    default:
        break;
    }
    if (all_null) return false; /* no comparison is true on NULL */

    /* the bounds, when present and of the column's class */
    scalar min, max;
    const bk_vector *min_v = st->min ? st->min[col] : NULL;
    const bk_vector *max_v = st->max ? st->max[col] : NULL;
    bool has_min = load_scalar(min_v, 0, &min);
    bool has_max = load_scalar(max_v, 0, &max);
    const bk_type *col_type = has_min ? min_v->type : has_max ? max_v->type : NULL;
    if (!col_type) return true;
    if (has_min && has_max && min.cls != max.cls) return true;
    bool prefix = has_max && st->max_is_prefix && st->max_is_prefix[col] && max.cls == CLS_BYTES;

    scalar lit;
    if (p->op == PQ_PRED_IN) {
        if (!p->values) return true;
        /* a long list or a join's keys: the set, whose words are the values as
         * integers (a DECIMAL of at most 18 digits as its unscaled value) */
        int64_t lo = INT64_MIN, hi = INT64_MAX;
        if (p->set && col_type->kind == p->values->type->kind &&
            class_of(col_type->kind) == CLS_INT)
            return bk_wordset_meets(p->set, has_min ? min.i : lo, has_max ? max.i : hi);
        if (p->set && bk_type_equal(col_type, p->values->type) &&
            col_type->kind == BK_TYPE_DECIMAL &&
            col_type->precision <= BK_DECIMAL_INT64_MAX_PRECISION &&
            (!has_min || bk_i128_to_i64(min.w, &lo)) && (!has_max || bk_i128_to_i64(max.w, &hi)))
            return bk_wordset_meets(p->set, lo, hi);
        for (size_t i = 0; i < p->values->n; i++) {
            if (!bk_vector_is_valid(p->values, i)) continue; /* x IN (NULL) is never true */
            if (!literal(p->values, i, col_type, &lit)) return true;
            if ((!has_min || cmp_scalar(&lit, &min) >= 0) &&
                (!has_max || !above_max(&lit, &max, prefix)))
                return true;
        }
        return false;
    }
    if (!p->values || p->values->n == 0) return true;
    if (!bk_vector_is_valid(p->values, 0)) return false; /* x op NULL is never true */
    if (!literal(p->values, 0, col_type, &lit)) return true;
    switch (p->op) {
    case PQ_PRED_EQ:
        return !((has_min && cmp_scalar(&lit, &min) < 0) ||
                 (has_max && above_max(&lit, &max, prefix)));
    case PQ_PRED_LT:
        return !(has_min && cmp_scalar(&min, &lit) >= 0);
    case PQ_PRED_LE:
        return !(has_min && cmp_scalar(&min, &lit) > 0);
    case PQ_PRED_GT:
        if (!has_max) return true;
        return prefix ? !above_max(&lit, &max, true) : cmp_scalar(&max, &lit) > 0;
    case PQ_PRED_GE:
        if (!has_max) return true;
        return prefix ? !above_max(&lit, &max, true) : cmp_scalar(&max, &lit) >= 0;
    default:
        return true;
    }
}

bool delta_stats_may_match(const delta_file_stats *st, const pq_predicate *preds,
                           uint32_t n_preds) {
    if (!st) return true;
    if (st->has_num_records && st->num_records == 0) return false; /* an empty file */
    for (uint32_t i = 0; i < n_preds; i++)
        if (!pred_may_match(st, &preds[i])) return false;
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------------------------- */

/*
 * The indexed part of the schema, mirrored with the statistics of each leaf.
 * Built first (it decides which columns count against max_indexed_cols), then
 * walked three times to write minValues, maxValues and nullCount.
 */
typedef struct snode {
    const char *key;    /* logical or physical name */
    const bk_vector *v; /* the column's values */
    bool is_struct;     /* children are its indexed fields */
    uint32_t n_children;
    struct snode *children;
    bool has_bounds;          /* leaf: a kept min/max type; struct: some descendant is */
    int64_t nulls;            /* leaf: rows where it or an enclosing struct is NULL */
    int64_t min_row, max_row; /* leaf: rows holding the bounds, -1 when none */
} snode;

typedef struct wctx {
    bk_arena *a; /* scratch for the tree, freed at the end */
    bool by_physical_name;
    size_t n_rows;
    int64_t budget;                          /* leaf columns still to index */
    const bk_vector *enclosing[MAX_NESTING]; /* the structs around the current field */
    int depth;
    bk_buf scratch; /* one value's text */
    bk_error *err;
} wctx;

/* Types Spark keeps min/max for (DataSkippingReader's SkippingEligibleDataType). */
static bool has_bounds(bk_type_kind k) {
    return is_integer_kind(k) || k == BK_TYPE_FLOAT || k == BK_TYPE_DOUBLE ||
           k == BK_TYPE_DECIMAL || k == BK_TYPE_DATE || k == BK_TYPE_TIMESTAMP ||
           k == BK_TYPE_TIMESTAMP_NTZ || k == BK_TYPE_STRING;
}

/* One pass over a leaf: NULLs (its own and its structs'), and the rows of min and max. */
static void leaf_stats(wctx *w, snode *n) {
    bool is_float = class_of(n->v->type->kind) == CLS_DOUBLE, has_nan = false;
    scalar v;
    n->nulls = 0;
    n->min_row = n->max_row = -1;
    for (size_t row = 0; row < w->n_rows; row++) {
        bool valid = bk_vector_is_valid(n->v, row);
        for (int d = 0; valid && d < w->depth; d++)
            valid = bk_vector_is_valid(w->enclosing[d], row);
        if (!valid) {
            n->nulls++;
            continue;
        }
        if (!n->has_bounds) continue;
        if (is_float && load_scalar(n->v, row, &v) && isnan(v.d)) {
            has_nan = true;
            continue;
        }
        if (n->min_row < 0 || bk_vector_compare(n->v, row, n->v, (size_t)n->min_row) < 0)
            n->min_row = (int64_t)row;
        if (n->max_row < 0 || bk_vector_compare(n->v, row, n->v, (size_t)n->max_row) > 0)
            n->max_row = (int64_t)row;
    }
    if (has_nan) n->max_row = -1; /* NaN is the max, and JSON cannot hold it */
    if (is_float && n->min_row >= 0 && load_scalar(n->v, (size_t)n->min_row, &v) && isinf(v.d))
        n->min_row = -1;
    if (is_float && n->max_row >= 0 && load_scalar(n->v, (size_t)n->max_row, &v) && isinf(v.d))
        n->max_row = -1;
}

static bk_status build_node(wctx *w, const delta_field *f, const bk_vector *v, snode *n) {
    n->key = w->by_physical_name ? f->physical_name : f->name;
    n->v = v;
    if (v->type->kind != f->type->kind || v->n < w->n_rows)
        return bk_error_set(w->err, BK_INVALID_ARGUMENT,
                            "statistics: column \"%s\": the values do not match the schema "
                            "(type or row count)",
                            f->name);
    if (f->type->kind != BK_TYPE_STRUCT) {
        w->budget--;
        n->has_bounds = has_bounds(f->type->kind);
        leaf_stats(w, n);
        return BK_OK;
    }
    if (v->type->n_children != f->n_children || w->depth == MAX_NESTING)
        return bk_error_set(w->err, BK_INVALID_ARGUMENT,
                            "statistics: column \"%s\": the struct does not match the schema",
                            f->name);
    n->is_struct = true;
    n->children = bk_arena_zalloc(w->a, (f->n_children ? f->n_children : 1) * sizeof *n->children);
    if (!n->children) return bk_arena_oom(w->a, w->err);
    w->enclosing[w->depth++] = v;
    for (uint32_t i = 0; i < f->n_children && w->budget > 0; i++) {
        snode *child = &n->children[n->n_children++];
        BK_TRY(build_node(w, &f->children[i], v->children[i], child));
        n->has_bounds |= child->has_bounds;
    }
    w->depth--;
    return BK_OK;
}

/*
 * Spark's cut of a max string (StatisticsCollection.truncateMaxStringAgg, in
 * characters): keep 32 characters and append U+007F when the next character is
 * below it, else U+10FFFF, skipping over U+10FFFF characters (a tie-breaker
 * cannot go after them) for up to 64 characters.  False: no bound fits.
 */
static bool cut_max_string(bk_str s, bk_str *keep, const char **tie) {
    size_t chars;
    size_t pos = utf8_prefix(s.ptr, s.len, STRING_PREFIX_CHARS, &chars);
    *tie = NULL;
    *keep = s;
    if (pos == s.len) return true;
    for (; chars <= STRING_PREFIX_EXPANSION; chars++) {
        if (pos >= s.len) return true;
        uint32_t cp = utf8_decode(s.ptr, s.len, pos);
        if (cp == 0x10FFFF) {
            pos = utf8_next(s.ptr, s.len, pos);
            continue;
        }
        keep->len = pos;
        *tie = cp < 0x7F ? "\x7F" : UTF8_MAX_CHAR;
        return true;
    }
    return false;
}

/* The JSON text of the bound at `row` into w->scratch; false when it cannot be written. */
static bk_status bound_text(wctx *w, const bk_vector *v, int64_t row, bool is_max, bool *ok) {
    bk_buf *b = &w->scratch;
    bk_buf_clear(b);
    *ok = true;
    const uint8_t *slot = (const uint8_t *)v->data + (size_t)row * bk_type_width(v->type);
    char text[DELTA_TIMESTAMP_TEXT_MAX + 2];
    switch (v->type->kind) {
    case BK_TYPE_DATE: {
        text[0] = '"';
        size_t n = bk_format_date(*(const int32_t *)slot, text + 1, sizeof text - 2);
        text[n + 1] = '"';
        return bk_buf_append(b, text, n + 2);
    }
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ: {
        int64_t micros = *(const int64_t *)slot;
        int64_t below = ((micros % 1000) + 1000) % 1000; /* µs past the millisecond */
        if (is_max && below) {
            if (micros > INT64_MAX - 1000) return *ok = false, BK_OK;
            micros += 1000 - below;
        }
        text[0] = '"';
        size_t n = delta_timestamp_format(micros, 3, v->type->kind == BK_TYPE_TIMESTAMP, text + 1,
                                          sizeof text - 2);
        text[n + 1] = '"';
        return bk_buf_append(b, text, n + 2);
    }
    case BK_TYPE_STRING: {
        bk_str s = *(const bk_str *)slot;
        if (!is_max) {
            s.len = utf8_prefix(s.ptr, s.len, STRING_PREFIX_CHARS, NULL);
            return delta_json_append_string(b, s.ptr, s.len);
        }
        bk_str keep;
        const char *tie;
        if (!cut_max_string(s, &keep, &tie)) return *ok = false, BK_OK;
        if (!tie) return delta_json_append_string(b, keep.ptr, keep.len);
        BK_TRY(delta_json_append_string(b, keep.ptr, keep.len));
        b->len--; /* reopen the string for the tie-breaker */
        BK_TRY(bk_buf_append(b, tie, strlen(tie)));
        return bk_buf_append(b, "\"", 1);
    }
    default: /* numbers: Spark's text is valid JSON (1.0E7, -0.05) */
        return bk_vector_format_value(v, (size_t)row, b);
    }
}

static bk_status put_key(bk_buf *out, const char *key, bool *first) {
    if (!*first) BK_TRY(bk_buf_append(out, ",", 1));
    *first = false;
    BK_TRY(delta_json_append_string(out, key, strlen(key)));
    return bk_buf_append(out, ":", 1);
}

/* The members of minValues/maxValues for nodes[0..n). */
static bk_status write_bounds(wctx *w, const snode *nodes, uint32_t n, bool is_max, bk_buf *out) {
    bool first = true;
    for (uint32_t i = 0; i < n; i++) {
        const snode *node = &nodes[i];
        if (!node->has_bounds) continue;
        if (node->is_struct) {
            BK_TRY(put_key(out, node->key, &first));
            BK_TRY(bk_buf_append(out, "{", 1));
            BK_TRY(write_bounds(w, node->children, node->n_children, is_max, out));
            BK_TRY(bk_buf_append(out, "}", 1));
            continue;
        }
        int64_t row = is_max ? node->max_row : node->min_row;
        bool ok;
        if (row < 0) continue;
        BK_TRY(bound_text(w, node->v, row, is_max, &ok));
        if (!ok) continue;
        BK_TRY(put_key(out, node->key, &first));
        BK_TRY(bk_buf_append(out, w->scratch.data, w->scratch.len));
    }
    return BK_OK;
}

/* The members of nullCount for nodes[0..n).  No rows: Spark's sums are null, so none. */
static bk_status write_nulls(wctx *w, const snode *nodes, uint32_t n, bk_buf *out) {
    bool first = true;
    char text[24];
    for (uint32_t i = 0; i < n; i++) {
        const snode *node = &nodes[i];
        if (node->is_struct) {
            if (node->n_children == 0) continue;
            BK_TRY(put_key(out, node->key, &first));
            BK_TRY(bk_buf_append(out, "{", 1));
            BK_TRY(write_nulls(w, node->children, node->n_children, out));
            BK_TRY(bk_buf_append(out, "}", 1));
        } else if (w->n_rows > 0) {
            BK_TRY(put_key(out, node->key, &first));
            int len = snprintf(text, sizeof text, "%lld", (long long)node->nulls);
            BK_TRY(bk_buf_append(out, text, (size_t)len));
        }
    }
    return BK_OK;
}

static bk_status write_stats(wctx *w, const delta_schema *schema, bk_vector *const *cols,
                             bk_buf *out) {
    snode *top = bk_arena_zalloc(w->a, (schema->n_fields ? schema->n_fields : 1) * sizeof *top);
    if (!top) return bk_arena_oom(w->a, w->err);
    uint32_t n_top = 0;
    bool any_bounds = false;
    for (uint32_t k = 0; k < schema->n_fields && w->budget > 0; k++) {
        if (!cols[k]) continue;
        BK_TRY(build_node(w, &schema->fields[k], cols[k], &top[n_top]));
        any_bounds |= top[n_top++].has_bounds;
    }
    char text[48];
    int len = snprintf(text, sizeof text, "{\"numRecords\":%zu", w->n_rows);
    BK_TRY(bk_buf_append(out, text, (size_t)len));
    if (any_bounds) {
        BK_TRY(bk_buf_append(out, ",\"minValues\":{", 14));
        BK_TRY(write_bounds(w, top, n_top, false, out));
        BK_TRY(bk_buf_append(out, "},\"maxValues\":{", 15));
        BK_TRY(write_bounds(w, top, n_top, true, out));
        BK_TRY(bk_buf_append(out, "}", 1));
    }
    if (n_top) {
        BK_TRY(bk_buf_append(out, ",\"nullCount\":{", 14));
        BK_TRY(write_nulls(w, top, n_top, out));
        BK_TRY(bk_buf_append(out, "}", 1));
    }
    return bk_buf_append(out, "}", 1);
}

bk_status delta_stats_write(const delta_schema *schema, bool by_physical_name,
                            bk_vector *const *cols, size_t n_rows, int max_indexed_cols,
                            bk_buf *out, bk_error *err) {
    wctx w = {.by_physical_name = by_physical_name,
              .n_rows = n_rows,
              .budget = max_indexed_cols < 0 ? INT64_MAX : max_indexed_cols,
              .err = err};
    w.a = bk_arena_new(NULL, "delta stats", 0);
    if (!w.a) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory writing statistics");
    bk_buf_init(&w.scratch);
    size_t start = out->len;
    bk_status st = write_stats(&w, schema, cols, out);
    if (st != BK_OK) {
        out->len = start;
        if (st == BK_OUT_OF_MEMORY)
            bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory writing statistics");
    }
    bk_buf_destroy(&w.scratch);
    bk_arena_free(w.a);
    return st;
}
