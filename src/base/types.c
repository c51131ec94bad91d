/*
 * types.c — the SQL type model: singletons, constructors, formatting, parsing
 * (see types.h).
 *
 * Scalar kinds are static singletons; DECIMAL and the nested kinds are built in an
 * arena and never freed on their own.  Formatting writes Spark's DataType.sql
 * spelling; parsing accepts Spark's DDL spelling (the `dataType` rule of
 * SqlBaseParser.g4) with a small recursive-descent parser over a one-token
 * lookahead lexer.
 */
#include "base/types.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"

/* ---------------------------------------------------------------------------------------------
 * Singletons and constructors
 * ------------------------------------------------------------------------------------------- */

static const bk_type scalar_types[BK_TYPE_KIND_COUNT] = {
    [BK_TYPE_VOID] = {.kind = BK_TYPE_VOID},
    [BK_TYPE_BOOLEAN] = {.kind = BK_TYPE_BOOLEAN},
    [BK_TYPE_TINYINT] = {.kind = BK_TYPE_TINYINT},
    [BK_TYPE_SMALLINT] = {.kind = BK_TYPE_SMALLINT},
    [BK_TYPE_INT] = {.kind = BK_TYPE_INT},
    [BK_TYPE_BIGINT] = {.kind = BK_TYPE_BIGINT},
    [BK_TYPE_FLOAT] = {.kind = BK_TYPE_FLOAT},
    [BK_TYPE_DOUBLE] = {.kind = BK_TYPE_DOUBLE},
    [BK_TYPE_STRING] = {.kind = BK_TYPE_STRING},
    [BK_TYPE_BINARY] = {.kind = BK_TYPE_BINARY},
    [BK_TYPE_DATE] = {.kind = BK_TYPE_DATE},
    [BK_TYPE_TIMESTAMP] = {.kind = BK_TYPE_TIMESTAMP},
    [BK_TYPE_TIMESTAMP_NTZ] = {.kind = BK_TYPE_TIMESTAMP_NTZ},
    [BK_TYPE_TIME] = {.kind = BK_TYPE_TIME},
    [BK_TYPE_INTERVAL_YM] = {.kind = BK_TYPE_INTERVAL_YM, .precision = BK_IV_YEAR,
                             .scale = BK_IV_MONTH},
    [BK_TYPE_INTERVAL_DT] = {.kind = BK_TYPE_INTERVAL_DT, .precision = BK_IV_DAY,
                             .scale = BK_IV_SECOND},
};

/* Every INTERVAL start TO end: [start][end] (only start <= end is filled). */
#define IV_YM(s, e) {.kind = BK_TYPE_INTERVAL_YM, .precision = (s), .scale = (e)}
#define IV_DT(s, e) {.kind = BK_TYPE_INTERVAL_DT, .precision = (s), .scale = (e)}
static const bk_type ym_types[2][2] = {{IV_YM(0, 0), IV_YM(0, 1)}, {IV_YM(1, 1), IV_YM(1, 1)}};
static const bk_type dt_types[4][4] = {
    {IV_DT(0, 0), IV_DT(0, 1), IV_DT(0, 2), IV_DT(0, 3)},
    {IV_DT(1, 1), IV_DT(1, 1), IV_DT(1, 2), IV_DT(1, 3)},
    {IV_DT(2, 2), IV_DT(2, 2), IV_DT(2, 2), IV_DT(2, 3)},
    {IV_DT(3, 3), IV_DT(3, 3), IV_DT(3, 3), IV_DT(3, 3)},
};

const bk_type *bk_type_interval(bk_type_kind kind, int start, int end) {
    if (start < 0 || end < start) return NULL;
    if (kind == BK_TYPE_INTERVAL_YM && end <= BK_IV_MONTH) return &ym_types[start][end];
    if (kind == BK_TYPE_INTERVAL_DT && end <= BK_IV_SECOND) return &dt_types[start][end];
    return NULL;
}

static bool is_parameterized(bk_type_kind kind) {
    return kind == BK_TYPE_DECIMAL || kind == BK_TYPE_ARRAY || kind == BK_TYPE_MAP ||
           kind == BK_TYPE_STRUCT;
}

/* NULL for DECIMAL, ARRAY, MAP and STRUCT (they need parameters) and for bad kinds. */
const bk_type *bk_type_scalar(bk_type_kind kind) {
    if ((int)kind < 0 || kind >= BK_TYPE_KIND_COUNT || is_parameterized(kind)) return NULL;
    return &scalar_types[kind];
}

const bk_type *bk_type_make_decimal(bk_arena *a, int precision, int scale) {
    if (precision < 1 || precision > BK_DECIMAL_MAX_PRECISION || scale < 0 || scale > precision)
        return NULL;
    bk_type *t = bk_arena_zalloc(a, sizeof *t);
    if (!t) return NULL;
    t->kind = BK_TYPE_DECIMAL;
    t->precision = (uint8_t)precision;
    t->scale = (uint8_t)scale;
    return t;
}

/* A nested type with room for `n` children (children array allocated, entries unset). */
static bk_type *make_nested(bk_arena *a, bk_type_kind kind, uint32_t n) {
    bk_type *t = bk_arena_zalloc(a, sizeof *t);
    if (!t) return NULL;
    t->kind = kind;
    t->n_children = n;
    t->children = bk_arena_array(a, n ? n : 1, sizeof *t->children);
    return t->children ? t : NULL;
}

const bk_type *bk_type_make_array(bk_arena *a, const bk_type *element) {
    if (!element) return NULL;
    bk_type *t = make_nested(a, BK_TYPE_ARRAY, 1);
    if (!t) return NULL;
    t->children[0] = element;
    return t;
}

const bk_type *bk_type_make_map(bk_arena *a, const bk_type *key, const bk_type *value) {
    if (!key || !value) return NULL;
    bk_type *t = make_nested(a, BK_TYPE_MAP, 2);
    if (!t) return NULL;
    t->children[0] = key;
    t->children[1] = value;
    return t;
}

const bk_type *bk_type_make_struct(bk_arena *a, uint32_t n, const char *const *names,
                                   const bk_type *const *fields, const bool *nullable) {
    if (n && (!names || !fields)) return NULL;
    bk_type *t = make_nested(a, BK_TYPE_STRUCT, n);
    if (!t) return NULL;
    const char **name_copies = bk_arena_array(a, n ? n : 1, sizeof *name_copies);
    if (!name_copies) return NULL;
    for (uint32_t i = 0; i < n; i++) {
        if (!names[i] || !fields[i]) return NULL;
        name_copies[i] = bk_arena_strdup(a, names[i]);
        if (!name_copies[i]) return NULL;
        t->children[i] = fields[i];
    }
    t->field_names = name_copies;
    if (nullable) {
        bool *flags = bk_arena_memdup(a, nullable, n * sizeof *flags);
        if (!flags) return NULL;
        t->field_nullable = flags;
    }
    return t;
}

/* ---------------------------------------------------------------------------------------------
 * Properties
 * ------------------------------------------------------------------------------------------- */

/*
 * ARRAY and MAP also answer 0: their rows are described by `offsets` and their
 * values live in child vectors, so a vector of them has no data array.
 */
size_t bk_type_width(const bk_type *t) {
    switch (t->kind) {
    case BK_TYPE_BOOLEAN:
    case BK_TYPE_TINYINT:
        return 1;
    case BK_TYPE_SMALLINT:
        return 2;
    case BK_TYPE_INT:
    case BK_TYPE_FLOAT:
    case BK_TYPE_DATE:
    case BK_TYPE_INTERVAL_YM:
        return 4;
    case BK_TYPE_BIGINT:
    case BK_TYPE_DOUBLE:
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
    case BK_TYPE_TIME:
    case BK_TYPE_INTERVAL_DT:
        return 8;
    case BK_TYPE_DECIMAL:
        return t->precision <= BK_DECIMAL_INT64_MAX_PRECISION ? sizeof(int64_t) : sizeof(bk_i128);
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY:
        return sizeof(bk_str);
    case BK_TYPE_VOID:
    case BK_TYPE_ARRAY:
    case BK_TYPE_MAP:
    case BK_TYPE_STRUCT:
    case BK_TYPE_KIND_COUNT:
        break;
    }
    return 0;
}

bool bk_type_is_nested(const bk_type *t) {
    return t->kind == BK_TYPE_ARRAY || t->kind == BK_TYPE_MAP || t->kind == BK_TYPE_STRUCT;
}

static bool field_nullable(const bk_type *t, uint32_t i) {
    return !t->field_nullable || t->field_nullable[i];
}

/*
 * Structural equality: same kind, same DECIMAL parameters, equal children, and for
 * STRUCT the same field names (case-sensitive, as Spark's StructType equality) and
 * nullability.
 */
bool bk_type_equal(const bk_type *a, const bk_type *b) {
    if (a == b) return true;
    if (!a || !b || a->kind != b->kind) return false;
    switch (a->kind) {
    case BK_TYPE_DECIMAL:
    case BK_TYPE_INTERVAL_YM: /* the start and end fields, as Spark's interval types */
    case BK_TYPE_INTERVAL_DT:
        return a->precision == b->precision && a->scale == b->scale;
    case BK_TYPE_ARRAY:
    case BK_TYPE_MAP:
    case BK_TYPE_STRUCT:
        if (a->n_children != b->n_children) return false;
        for (uint32_t i = 0; i < a->n_children; i++) {
            if (!bk_type_equal(a->children[i], b->children[i])) return false;
            if (a->kind != BK_TYPE_STRUCT) continue;
            if (strcmp(a->field_names[i], b->field_names[i]) != 0) return false;
            if (field_nullable(a, i) != field_nullable(b, i)) return false;
        }
        return true;
    default:
        return true;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Formatting
 * ------------------------------------------------------------------------------------------- */

/* A bounded output: writes what fits, counts everything (snprintf semantics). */
typedef struct out_text {
    char *dst;
    size_t cap;
    size_t len; /* bytes needed so far (may exceed cap) */
} out_text;

static void put_bytes(out_text *o, const char *s, size_t n) {
    if (o->len < o->cap) {
        size_t room = o->cap - o->len;
        memcpy(o->dst + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

static void put_str(out_text *o, const char *s) { put_bytes(o, s, strlen(s)); }

static const char *const kind_names[BK_TYPE_KIND_COUNT] = {
    [BK_TYPE_VOID] = "VOID",
    [BK_TYPE_BOOLEAN] = "BOOLEAN",
    [BK_TYPE_TINYINT] = "TINYINT",
    [BK_TYPE_SMALLINT] = "SMALLINT",
    [BK_TYPE_INT] = "INT",
    [BK_TYPE_BIGINT] = "BIGINT",
    [BK_TYPE_FLOAT] = "FLOAT",
    [BK_TYPE_DOUBLE] = "DOUBLE",
    [BK_TYPE_DECIMAL] = "DECIMAL",
    [BK_TYPE_STRING] = "STRING",
    [BK_TYPE_BINARY] = "BINARY",
    [BK_TYPE_DATE] = "DATE",
    [BK_TYPE_TIMESTAMP] = "TIMESTAMP",
    [BK_TYPE_TIMESTAMP_NTZ] = "TIMESTAMP_NTZ",
    [BK_TYPE_TIME] = "TIME",
    [BK_TYPE_ARRAY] = "ARRAY",
    [BK_TYPE_MAP] = "MAP",
    [BK_TYPE_STRUCT] = "STRUCT",
    [BK_TYPE_INTERVAL_YM] = "INTERVAL",
    [BK_TYPE_INTERVAL_DT] = "INTERVAL",
};

static const char *const ym_fields[] = {"YEAR", "MONTH"};
static const char *const dt_fields[] = {"DAY", "HOUR", "MINUTE", "SECOND"};

static bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * A field name as Spark's quoteIfNeeded writes it: bare when it is made of letters,
 * digits and '_' and is not all digits; otherwise in backquotes with '`' doubled.
 */
static void put_field_name(out_text *o, const char *name) {
    bool bare = name[0] != '\0', all_digits = true;
    for (const char *p = name; *p; p++) {
        if (!is_word_char(*p)) bare = false;
        if (*p < '0' || *p > '9') all_digits = false;
    }
    if (bare && !all_digits) {
        put_str(o, name);
        return;
    }
    put_bytes(o, "`", 1);
    for (const char *p = name; *p; p++) {
        if (*p == '`') put_bytes(o, "`", 1);
        put_bytes(o, p, 1);
    }
    put_bytes(o, "`", 1);
}

static void format_type(out_text *o, const bk_type *t) {
    if (!t || (int)t->kind < 0 || t->kind >= BK_TYPE_KIND_COUNT) {
        put_str(o, "?");
        return;
    }
    switch (t->kind) {
    case BK_TYPE_DECIMAL: {
        char tmp[32];
        int n = snprintf(tmp, sizeof tmp, "DECIMAL(%d,%d)", t->precision, t->scale);
        put_bytes(o, tmp, (size_t)n);
        return;
    }
    case BK_TYPE_ARRAY:
        put_str(o, "ARRAY<");
        format_type(o, t->children[0]);
        put_str(o, ">");
        return;
    case BK_TYPE_MAP:
        put_str(o, "MAP<");
        format_type(o, t->children[0]);
        put_str(o, ", ");
        format_type(o, t->children[1]);
        put_str(o, ">");
        return;
    case BK_TYPE_STRUCT:
        put_str(o, "STRUCT<");
        for (uint32_t i = 0; i < t->n_children; i++) {
            if (i) put_str(o, ", ");
            put_field_name(o, t->field_names[i]);
            put_str(o, ": ");
            format_type(o, t->children[i]);
        }
        put_str(o, ">");
        return;
    case BK_TYPE_INTERVAL_YM:
    case BK_TYPE_INTERVAL_DT: {
        const char *const *f = t->kind == BK_TYPE_INTERVAL_YM ? ym_fields : dt_fields;
        put_str(o, "INTERVAL ");
        put_str(o, f[t->precision]);
        if (t->scale != t->precision) {
            put_str(o, " TO ");
            put_str(o, f[t->scale]);
        }
        return;
    }
    default:
        put_str(o, kind_names[t->kind]);
        return;
    }
}

/*
 * Spark's DataType.sql spelling.  Field nullability is not printed (Spark does not
 * print it either); bk_type_parse accepts "NOT NULL" on a field.
 */
size_t bk_type_format(const bk_type *t, char *dst, size_t cap) {
    out_text o = {dst, cap, 0};
    format_type(&o, t);
    if (cap) dst[o.len < cap ? o.len : cap - 1] = '\0';
    return o.len;
}

/* ---------------------------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------------------------- */

#define MAX_DEPTH 64

typedef enum tok_kind {
    TOK_END,
    TOK_WORD,   /* letters, digits, '_' */
    TOK_QUOTED, /* `...` */
    TOK_PUNCT,  /* one of < > ( ) , : */
    TOK_STRING, /* '...' or "..." (only after COMMENT) */
    TOK_BAD     /* an unexpected character or an unterminated quote */
} tok_kind;

typedef struct parser {
    bk_arena *a;
    const char *text;
    size_t len;
    size_t pos;     /* start of the next unread token */
    tok_kind kind;  /* the current token */
    size_t tok_off; /* its offset in text */
    size_t tok_len; /* its length in text */
    char *why;
    size_t why_cap;
    bool failed;
    int depth;
} parser;

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Read the next token into p->kind / tok_off / tok_len. */
static void next_token(parser *p) {
    while (p->pos < p->len && is_space(p->text[p->pos])) p->pos++;
    p->tok_off = p->pos;
    if (p->pos >= p->len) {
        p->kind = TOK_END;
        p->tok_len = 0;
        return;
    }
    char c = p->text[p->pos];
    size_t end = p->pos + 1;
    if (is_word_char(c)) {
        while (end < p->len && is_word_char(p->text[end])) end++;
        p->kind = TOK_WORD;
    } else if (c == '`' || c == '\'' || c == '"') {
        p->kind = c == '`' ? TOK_QUOTED : TOK_STRING;
        for (;;) {
            if (end >= p->len) {
                p->kind = TOK_BAD;
                break;
            }
            if (p->text[end] == c) {
                if (c == '`' && end + 1 < p->len && p->text[end + 1] == '`') {
                    end += 2; /* `` is an escaped backquote */
                    continue;
                }
                end++;
                break;
            }
            if (c != '`' && p->text[end] == '\\' && end + 1 < p->len) end++;
            end++;
        }
    } else if (strchr("<>(),:", c)) {
        p->kind = TOK_PUNCT;
    } else {
        p->kind = TOK_BAD;
    }
    p->tok_len = end - p->pos;
    p->pos = end;
}

/* The whole type text for messages, cut to TEXT_SHOWN bytes: "%.*s%s" arguments. */
#define TEXT_SHOWN 80
#define SHOW_TEXT(p)                                                                               \
    (int)((p)->len > TEXT_SHOWN ? TEXT_SHOWN : (p)->len), (p)->text,                               \
        (p)->len > TEXT_SHOWN ? "..." : ""

BK_PRINTF(2, 3) static void fail(parser *p, const char *fmt, ...) {
    if (p->failed) return;
    p->failed = true;
    if (!p->why || !p->why_cap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->why, p->why_cap, fmt, ap);
    va_end(ap);
}

/* Fail with `expected X at or near "<current token>"` (or "at end of input"). */
static void fail_expected(parser *p, const char *what) {
    if (p->kind == TOK_END) {
        fail(p, "syntax error in data type \"%.*s%s\": expected %s at end of input", SHOW_TEXT(p),
             what);
        return;
    }
    size_t show = p->tok_len > 64 ? 64 : p->tok_len;
    fail(p, "syntax error in data type \"%.*s%s\": expected %s at or near \"%.*s\"", SHOW_TEXT(p),
         what, (int)show, p->text + p->tok_off);
}

static bool tok_is(const parser *p, const char *word) {
    size_t n = strlen(word);
    if (p->kind != TOK_WORD && p->kind != TOK_PUNCT) return false;
    if (p->tok_len != n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = p->text[p->tok_off + i];
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (c != word[i]) return false;
    }
    return true;
}

/* Consume punctuation `c` or fail. */
static bool expect_punct(parser *p, const char *c) {
    if (p->kind == TOK_PUNCT && tok_is(p, c)) {
        next_token(p);
        return true;
    }
    char what[8];
    snprintf(what, sizeof what, "\"%s\"", c);
    fail_expected(p, what);
    return false;
}

/* An unsigned decimal integer token in [lo, hi]; `what` names it in the message. */
static bool parse_int_param(parser *p, const char *what, int lo, int hi, int *out) {
    if (p->kind != TOK_WORD) {
        fail_expected(p, "an integer");
        return false;
    }
    int64_t v = 0;
    for (size_t i = 0; i < p->tok_len; i++) {
        char c = p->text[p->tok_off + i];
        if (c < '0' || c > '9') {
            fail_expected(p, "an integer");
            return false;
        }
        if (v <= INT32_MAX) v = v * 10 + (c - '0'); /* saturates above INT32_MAX */
    }
    if (v < lo || v > hi) {
        fail(p, "%s %.*s is out of range (%d to %d) in data type \"%.*s%s\"", what, (int)p->tok_len,
             p->text + p->tok_off, lo, hi, SHOW_TEXT(p));
        return false;
    }
    *out = (int)v;
    next_token(p);
    return true;
}

static const bk_type *parse_type(parser *p);

static const bk_type *oom(parser *p) {
    fail(p, "out of memory while parsing data type");
    return NULL;
}

/* decimal_params -> [ '(' precision [ ',' scale ] ')' ]        default DECIMAL(10,0) */
static const bk_type *parse_decimal(parser *p) {
    int precision = 10, scale = 0;
    if (tok_is(p, "(")) {
        next_token(p);
        if (!parse_int_param(p, "DECIMAL precision", 1, BK_DECIMAL_MAX_PRECISION, &precision))
            return NULL;
        if (tok_is(p, ",")) {
            next_token(p);
            if (!parse_int_param(p, "DECIMAL scale", 0, BK_DECIMAL_MAX_PRECISION, &scale))
                return NULL;
            if (scale > precision) {
                fail(p, "DECIMAL scale %d is larger than its precision %d in data type \"%.*s%s\"",
                     scale, precision, SHOW_TEXT(p));
                return NULL;
            }
        }
        if (!expect_punct(p, ")")) return NULL;
    }
    const bk_type *t = bk_type_make_decimal(p->a, precision, scale);
    return t ? t : oom(p);
}

/* char_params -> '(' length ')'   (CHAR may omit it); the result is STRING */
static const bk_type *parse_char(parser *p, bool length_required) {
    int length;
    if (tok_is(p, "(")) {
        next_token(p);
        if (!parse_int_param(p, "length", 1, INT32_MAX, &length)) return NULL;
        if (!expect_punct(p, ")")) return NULL;
    } else if (length_required) {
        fail_expected(p, "\"(\"");
        return NULL;
    }
    return bk_type_scalar(BK_TYPE_STRING);
}

/* Copy a field name token, removing backquotes and un-doubling ``. */
static const char *field_name(parser *p) {
    const char *s = p->text + p->tok_off;
    size_t n = p->tok_len;
    if (p->kind == TOK_WORD) return bk_arena_strndup(p->a, s, n);
    char *name = bk_arena_alloc(p->a, n);
    if (!name) return NULL;
    size_t out = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        name[out++] = s[i];
        if (s[i] == '`') i++;
    }
    name[out] = '\0';
    return name;
}

/*
 * struct_body -> '<' [ field { ',' field } ] '>'
 * field       -> name [ ':' ] type [ NOT NULL ] [ COMMENT string ]
 */
static const bk_type *parse_struct(parser *p) {
    if (!expect_punct(p, "<")) return NULL;
    uint32_t n = 0, cap = 8;
    const char **names = bk_arena_array(p->a, cap, sizeof *names);
    const bk_type **fields = bk_arena_array(p->a, cap, sizeof *fields);
    bool *nullable = bk_arena_array(p->a, cap, sizeof *nullable);
    bool any_not_null = false;
    if (!names || !fields || !nullable) return oom(p);
    if (tok_is(p, ">")) {
        next_token(p);
        const bk_type *empty = bk_type_make_struct(p->a, 0, NULL, NULL, NULL);
        return empty ? empty : oom(p);
    }
    for (;;) {
        if (p->kind != TOK_WORD && p->kind != TOK_QUOTED) {
            fail_expected(p, "a field name");
            return NULL;
        }
        if (n == cap) {
            uint32_t new_cap = cap * 2;
            const char **n2 = bk_arena_array(p->a, new_cap, sizeof *n2);
            const bk_type **f2 = bk_arena_array(p->a, new_cap, sizeof *f2);
            bool *b2 = bk_arena_array(p->a, new_cap, sizeof *b2);
            if (!n2 || !f2 || !b2) return oom(p);
            memcpy(n2, names, n * sizeof *n2);
            memcpy(f2, fields, n * sizeof *f2);
            memcpy(b2, nullable, n * sizeof *b2);
            names = n2, fields = f2, nullable = b2, cap = new_cap;
        }
        names[n] = field_name(p);
        if (!names[n]) return oom(p);
        next_token(p);
        if (tok_is(p, ":")) next_token(p);
        fields[n] = parse_type(p);
        if (!fields[n]) return NULL;
        nullable[n] = true;
        if (tok_is(p, "NOT")) {
            next_token(p);
            if (!tok_is(p, "NULL")) {
                fail_expected(p, "NULL");
                return NULL;
            }
            next_token(p);
            nullable[n] = false;
            any_not_null = true;
        }
        if (tok_is(p, "COMMENT")) {
            next_token(p);
            if (p->kind != TOK_STRING) {
                fail_expected(p, "a string literal");
                return NULL;
            }
            next_token(p); /* comments are not part of the type */
        }
        n++;
        if (tok_is(p, ",")) {
            next_token(p);
            continue;
        }
        if (!expect_punct(p, ">")) return NULL;
        break;
    }
    const bk_type *t = bk_type_make_struct(p->a, n, names, fields, any_not_null ? nullable : NULL);
    return t ? t : oom(p);
}

/* The field named by the current word in `names` (n of them), or -1. */
static int interval_field(parser *p, const char *const *names, int n) {
    for (int i = 0; i < n; i++)
        if (tok_is(p, names[i])) return i;
    return -1;
}

/* interval_type -> field [TO field], the fields YEAR/MONTH or DAY/HOUR/MINUTE/SECOND. */
static const bk_type *parse_interval(parser *p) {
    bk_type_kind kind = BK_TYPE_INTERVAL_YM;
    int start = interval_field(p, ym_fields, 2), end;
    if (start < 0) {
        kind = BK_TYPE_INTERVAL_DT;
        start = interval_field(p, dt_fields, 4);
    }
    if (start < 0) {
        fail_expected(p, "an interval field (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)");
        return NULL;
    }
    next_token(p);
    end = start;
    if (tok_is(p, "TO")) {
        next_token(p);
        end = kind == BK_TYPE_INTERVAL_YM ? interval_field(p, ym_fields, 2)
                                          : interval_field(p, dt_fields, 4);
        if (end <= start) {
            fail(p, "\"%.*s%s\" is not a valid interval type", SHOW_TEXT(p));
            return NULL;
        }
        next_token(p);
    }
    return bk_type_interval(kind, start, end);
}

/* A kind name or synonym, with no parameters. */
static const struct {
    const char *name;
    bk_type_kind kind;
} simple_names[] = {
    {"BOOLEAN", BK_TYPE_BOOLEAN},
    {"BOOL", BK_TYPE_BOOLEAN},
    {"TINYINT", BK_TYPE_TINYINT},
    {"BYTE", BK_TYPE_TINYINT},
    {"SMALLINT", BK_TYPE_SMALLINT},
    {"SHORT", BK_TYPE_SMALLINT},
    {"INT", BK_TYPE_INT},
    {"INTEGER", BK_TYPE_INT},
    {"BIGINT", BK_TYPE_BIGINT},
    {"LONG", BK_TYPE_BIGINT},
    {"FLOAT", BK_TYPE_FLOAT},
    {"REAL", BK_TYPE_FLOAT},
    {"DOUBLE", BK_TYPE_DOUBLE},
    {"STRING", BK_TYPE_STRING},
    {"BINARY", BK_TYPE_BINARY},
    {"DATE", BK_TYPE_DATE},
    {"TIMESTAMP", BK_TYPE_TIMESTAMP},
    {"TIMESTAMP_LTZ", BK_TYPE_TIMESTAMP},
    {"TIMESTAMP_NTZ", BK_TYPE_TIMESTAMP_NTZ},
    {"TIME", BK_TYPE_TIME},
    {"VOID", BK_TYPE_VOID},
};

/*
 * type -> ARRAY '<' type '>'
 *       | MAP '<' type ',' type '>'
 *       | STRUCT struct_body
 *       | (DECIMAL | DEC | NUMERIC) decimal_params
 *       | (VARCHAR | CHAR | CHARACTER) char_params
 *       | simple_name
 */
static const bk_type *parse_type(parser *p) {
    if (p->kind != TOK_WORD) {
        fail_expected(p, "a data type");
        return NULL;
    }
    if (++p->depth > MAX_DEPTH) {
        fail(p, "data type \"%.*s%s\" is nested too deeply (more than %d levels)", SHOW_TEXT(p),
             MAX_DEPTH);
        return NULL;
    }
    const bk_type *t = NULL;
    size_t name_off = p->tok_off, name_len = p->tok_len;
    if (tok_is(p, "ARRAY")) {
        next_token(p);
        if (!expect_punct(p, "<")) return NULL;
        const bk_type *elem = parse_type(p);
        if (!elem || !expect_punct(p, ">")) return NULL;
        t = bk_type_make_array(p->a, elem);
        if (!t) return oom(p);
    } else if (tok_is(p, "MAP")) {
        next_token(p);
        if (!expect_punct(p, "<")) return NULL;
        const bk_type *key = parse_type(p);
        if (!key || !expect_punct(p, ",")) return NULL;
        const bk_type *value = parse_type(p);
        if (!value || !expect_punct(p, ">")) return NULL;
        t = bk_type_make_map(p->a, key, value);
        if (!t) return oom(p);
    } else if (tok_is(p, "STRUCT")) {
        next_token(p);
        t = parse_struct(p);
    } else if (tok_is(p, "DECIMAL") || tok_is(p, "DEC") || tok_is(p, "NUMERIC")) {
        next_token(p);
        t = parse_decimal(p);
    } else if (tok_is(p, "INTERVAL")) {
        next_token(p);
        t = parse_interval(p);
    } else if (tok_is(p, "VARCHAR")) {
        next_token(p);
        t = parse_char(p, true);
    } else if (tok_is(p, "CHAR") || tok_is(p, "CHARACTER")) {
        next_token(p);
        t = parse_char(p, false);
    } else {
        for (size_t i = 0; i < BK_ARRAY_LEN(simple_names); i++) {
            if (tok_is(p, simple_names[i].name)) {
                t = bk_type_scalar(simple_names[i].kind);
                break;
            }
        }
        if (!t) {
            fail(p, "unsupported data type \"%.*s\"", (int)name_len, p->text + name_off);
            return NULL;
        }
        next_token(p);
        if (tok_is(p, "(") && t->kind == BK_TYPE_TIME) {
            /* TIME(6) is Spark 4.1's spelling of microsecond time, the only one we store */
            int precision;
            next_token(p);
            if (!parse_int_param(p, "TIME precision", 6, 6, &precision)) return NULL;
            if (!expect_punct(p, ")")) return NULL;
        } else if (tok_is(p, "(")) {
            fail(p, "data type \"%.*s\" takes no parameters", (int)name_len, p->text + name_off);
            return NULL;
        }
    }
    p->depth--;
    return t;
}

const bk_type *bk_type_parse(bk_arena *a, const char *text, size_t len, char *why, size_t cap) {
    parser p = {.a = a, .text = text, .len = len, .why = why, .why_cap = cap};
    if (why && cap) why[0] = '\0';
    next_token(&p);
    if (p.kind == TOK_END) {
        fail(&p, "empty data type");
        return NULL;
    }
    const bk_type *t = parse_type(&p);
    if (t && p.kind != TOK_END) {
        fail_expected(&p, "end of data type");
        return NULL;
    }
    return p.failed ? NULL : t;
}
