/*
 * fn_from_json.c — from_json(json, schema[, options]): JSON text read into a
 * STRUCT, ARRAY or MAP value of the schema's type.
 *
 * The schema is a constant string, either a type ('struct<a:int>', 'array<int>',
 * 'map<string,int>') or a DDL column list ('a INT, b STRING'); prepare parses it
 * and sets the call's type (bind only checks the argument types).  Options:
 * mode PERMISSIVE (default) or FAILFAST; dateFormat and timestampFormat (Spark
 * patterns, read from the first row: Spark requires constant options; a value
 * they do not parse is NULL); other options are ignored.
 *
 * Each row's text is parsed into a small tree (in the call's arena), checked
 * against the type, then appended to per-type column builders.  A value matches
 * its type as Spark's JacksonParser has it: null matches anything (NULL); STRING
 * takes a string's text, or any other value's JSON text; BOOLEAN true / false;
 * integral types an integer in range; FLOAT / DOUBLE a number or the strings
 * NaN / Infinity / -Infinity; DECIMAL a number; DATE / TIMESTAMP / other scalars
 * a string, read with the format option or as CAST would (NULL when it does not
 * parse); STRUCT an object
 * (fields by exact name, a repeated key: the last; absent fields NULL); MAP an
 * object; ARRAY an array.  At the top, an ARRAY of STRUCT also takes one object.
 *
 * NULL, empty text and the text null give NULL.  A row that is malformed or does not
 * match: NULL for ARRAY / MAP schemas, a
 * STRUCT whose fields are all NULL for STRUCT schemas (PERMISSIVE; Spark's
 * partial results are not kept), MALFORMED_RECORD_IN_PARSING under FAILFAST.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "base/tz.h"
#include "engine/exec/cast.h"
#include "engine/exec/datetime_format.h"
#include "engine/exec/exec_int.h"
#include "engine/exec/fn_json.h"

#define FJ_MAX_DEPTH 1000

/* ---- the parsed tree ---- */

typedef enum { JN_NULL, JN_TRUE, JN_FALSE, JN_NUM, JN_STR, JN_ARR, JN_OBJ } jn_kind;

typedef struct jnode {
    jn_kind kind;
    bk_str text;          /* STR: unescaped; NUM: as written; ARR / OBJ: the source text */
    uint32_t n;           /* ARR / OBJ: members */
    struct jnode **kids;  /* ARR / OBJ: values */
    bk_str *keys;         /* OBJ: unescaped keys */
} jnode;

typedef struct jparse {
    bk_arena *a;
    exec_jcur c;
    bool oom;
} jparse;

static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* A JSON number (Jackson's: no leading zeros; NaN / Infinity allowed); false if malformed. */
static bool scan_number(exec_jcur *c) {
    const char *p = c->p, *e = c->end;
    if (p < e && (*p == '-' || *p == '+')) {
        bool plus = *p == '+';
        c->p = ++p;
        if (exec_jcur_word(c, "Infinity")) return true;
        if (plus) return false;
    }
    if (exec_jcur_word(c, "NaN") || exec_jcur_word(c, "Infinity")) return true;
    if (p >= e || !is_digit(*p)) return false;
    if (*p == '0' && p + 1 < e && is_digit(p[1])) return false;
    while (p < e && is_digit(*p)) p++;
    if (p < e && *p == '.') {
        if (++p >= e || !is_digit(*p)) return false;
        while (p < e && is_digit(*p)) p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || !is_digit(*p)) return false;
        while (p < e && is_digit(*p)) p++;
    }
    c->p = p;
    return true;
}

/* The string at c->p unescaped into the arena; false when malformed or on OOM. */
static bool parse_string(jparse *jp, bk_str *out) {
    char *buf = bk_arena_alloc(jp->a, (size_t)(jp->c.end - jp->c.p) + 1);
    size_t len;
    if (!buf) return !(jp->oom = true);
    if (!exec_json_scan_string(&jp->c, buf, &len)) return false;
    *out = bk_str_make(buf, len);
    return true;
}

/* Members of an array or object, grown by doubling. */
typedef struct members {
    jnode **kids;
    bk_str *keys;
    uint32_t n, cap;
} members;

static bool push_member(jparse *jp, members *m, bk_str key, jnode *kid) {
    if (m->n == m->cap) {
        uint32_t cap = m->cap ? m->cap * 2 : 4;
        jnode **kids = bk_arena_array(jp->a, cap, sizeof *kids);
        bk_str *keys = bk_arena_array(jp->a, cap, sizeof *keys);
        if (!kids || !keys) return !(jp->oom = true);
        if (m->n) {
            memcpy(kids, m->kids, m->n * sizeof *kids);
            memcpy(keys, m->keys, m->n * sizeof *keys);
        }
        m->kids = kids;
        m->keys = keys;
        m->cap = cap;
    }
    m->kids[m->n] = kid;
    m->keys[m->n++] = key;
    return true;
}

/* The value at c->p (whitespace skipped), or NULL when malformed (jp->oom: out of memory). */
static jnode *parse_value(jparse *jp, int depth) {
    exec_jcur *c = &jp->c;
    if (c->p >= c->end || depth > FJ_MAX_DEPTH) return NULL;
    jnode *nd = bk_arena_zalloc(jp->a, sizeof *nd);
    if (!nd) return (jp->oom = true, NULL);
    const char *start = c->p;
    char ch = *c->p;
    if (ch == '{' || ch == '[') {
        char close = ch == '{' ? '}' : ']';
        members m = {NULL, NULL, 0, 0};
        nd->kind = ch == '{' ? JN_OBJ : JN_ARR;
        c->p++;
        exec_jcur_ws(c);
        if (c->p < c->end && *c->p == close) {
            c->p++;
        } else {
            for (;;) {
                bk_str key = bk_str_make("", 0);
                if (ch == '{') {
                    if (c->p >= c->end || *c->p != '"' || !parse_string(jp, &key)) return NULL;
                    exec_jcur_ws(c);
                    if (c->p >= c->end || *c->p != ':') return NULL;
                    c->p++;
                    exec_jcur_ws(c);
                }
                jnode *kid = parse_value(jp, depth + 1);
                if (!kid || !push_member(jp, &m, key, kid)) return NULL;
                exec_jcur_ws(c);
                if (c->p >= c->end) return NULL;
                if (*c->p == close) {
                    c->p++;
                    break;
                }
                if (*c->p != ',') return NULL;
                c->p++;
                exec_jcur_ws(c);
            }
        }
        nd->n = m.n;
        nd->kids = m.kids;
        nd->keys = m.keys;
    } else if (ch == '"') {
        nd->kind = JN_STR;
        if (!parse_string(jp, &nd->text)) return NULL;
        return nd;
    } else if (exec_jcur_word(c, "true")) {
        nd->kind = JN_TRUE;
    } else if (exec_jcur_word(c, "false")) {
        nd->kind = JN_FALSE;
    } else if (exec_jcur_word(c, "null")) {
        nd->kind = JN_NULL;
    } else {
        nd->kind = JN_NUM;
        if (!scan_number(c)) return NULL;
    }
    nd->text = bk_str_make(start, (size_t)(c->p - start));
    return nd;
}

/* ---- matching a tree against a type ---- */

static bool is_integral(bk_type_kind k) { return k >= BK_TYPE_TINYINT && k <= BK_TYPE_BIGINT; }

/* An integer token's value within [lo, hi]; false for fractions, exponents, overflow. */
static bool int_value(bk_str t, int64_t lo, int64_t hi, int64_t *v) {
    for (size_t i = 0; i < t.len; i++)
        if (!is_digit(t.ptr[i]) && !(i == 0 && t.ptr[i] == '-')) return false;
    return bk_parse_i64(t.ptr, t.len, v) && *v >= lo && *v <= hi;
}

static bool str_is(bk_str s, const char *w) {
    return s.len == strlen(w) && !memcmp(s.ptr, w, s.len);
}

/* Whether node nd can be read as type t (without building anything). */
static bool matches(const jnode *nd, const bk_type *t) {
    if (nd->kind == JN_NULL) return true;
    int64_t v;
    switch (t->kind) {
    case BK_TYPE_STRING: return true;
    case BK_TYPE_BOOLEAN: return nd->kind == JN_TRUE || nd->kind == JN_FALSE;
    case BK_TYPE_TINYINT: return nd->kind == JN_NUM && int_value(nd->text, INT8_MIN, INT8_MAX, &v);
    case BK_TYPE_SMALLINT:
        return nd->kind == JN_NUM && int_value(nd->text, INT16_MIN, INT16_MAX, &v);
    case BK_TYPE_INT: return nd->kind == JN_NUM && int_value(nd->text, INT32_MIN, INT32_MAX, &v);
    case BK_TYPE_BIGINT: return nd->kind == JN_NUM && int_value(nd->text, INT64_MIN, INT64_MAX, &v);
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE:
        return nd->kind == JN_NUM ||
               (nd->kind == JN_STR && (str_is(nd->text, "NaN") || str_is(nd->text, "Infinity") ||
                                       str_is(nd->text, "-Infinity")));
    case BK_TYPE_DECIMAL: return nd->kind == JN_NUM;
    case BK_TYPE_ARRAY:
        if (nd->kind != JN_ARR) return false;
        for (uint32_t k = 0; k < nd->n; k++)
            if (!matches(nd->kids[k], t->children[0])) return false;
        return true;
    case BK_TYPE_MAP:
        if (nd->kind != JN_OBJ) return false;
        for (uint32_t k = 0; k < nd->n; k++)
            if (!matches(nd->kids[k], t->children[1])) return false;
        return true;
    case BK_TYPE_STRUCT:
        if (nd->kind != JN_OBJ) return false;
        for (uint32_t k = 0; k < nd->n; k++)
            for (uint32_t f = 0; f < t->n_children; f++)
                if (str_is(nd->keys[k], t->field_names[f]) && !matches(nd->kids[k], t->children[f]))
                    return false;
        return true;
    default: return nd->kind == JN_STR; /* DATE, TIMESTAMP, ...: text cast afterwards */
    }
}

/* ---- column builders ---- */

/*
 * A growing column of type t: `n` rows of fixed-width data (or bk_str), a byte
 * per row for validity, offsets for ARRAY / MAP, builders for children.  Scalars
 * that are read through CAST (DATE, TIMESTAMP, DECIMAL, ...) are gathered as
 * STRING and cast when the column is finished.
 */
typedef struct colb {
    const bk_type *t, *gather; /* gather: the type of the data kept (t, or STRING) */
    size_t n, cap, width;
    char *data;
    uint8_t *valid;
    int64_t *offsets; /* ARRAY / MAP: cap + 1 */
    struct colb *kids;
} colb;

static bool gathered_as_string(const bk_type *t) {
    return !bk_type_is_nested(t) && t->kind != BK_TYPE_STRING && t->kind != BK_TYPE_BOOLEAN &&
           !is_integral(t->kind) && t->kind != BK_TYPE_FLOAT && t->kind != BK_TYPE_DOUBLE;
}

static bool colb_init(bk_arena *a, colb *b, const bk_type *t) {
    memset(b, 0, sizeof *b);
    b->t = t;
    b->gather = gathered_as_string(t) ? bk_type_scalar(BK_TYPE_STRING) : t;
    b->width = bk_type_width(b->gather);
    if (!bk_type_is_nested(t)) return true;
    b->kids = bk_arena_array(a, t->n_children, sizeof *b->kids);
    if (!b->kids) return false;
    for (uint32_t k = 0; k < t->n_children; k++)
        if (!colb_init(a, &b->kids[k], t->children[k])) return false;
    return true;
}

/* Room for one more row; false on OOM. */
static bool colb_grow(bk_arena *a, colb *b) {
    if (b->n < b->cap) return true;
    size_t cap = b->cap ? b->cap * 2 : 16;
    char *data = b->width ? bk_arena_alloc(a, cap * b->width) : NULL;
    uint8_t *valid = bk_arena_alloc(a, cap);
    int64_t *offsets = b->t->kind == BK_TYPE_ARRAY || b->t->kind == BK_TYPE_MAP
                           ? bk_arena_array(a, cap + 1, sizeof *offsets)
                           : NULL;
    if ((b->width && !data) || !valid ||
        ((b->t->kind == BK_TYPE_ARRAY || b->t->kind == BK_TYPE_MAP) && !offsets))
        return false;
    if (b->n) {
        if (b->width) memcpy(data, b->data, b->n * b->width);
        memcpy(valid, b->valid, b->n);
    }
    if (offsets) {
        if (b->offsets)
            memcpy(offsets, b->offsets, (b->n + 1) * sizeof *offsets);
        else
            offsets[0] = 0;
    }
    b->data = data;
    b->valid = valid;
    b->offsets = offsets;
    b->cap = cap;
    return true;
}

static bool colb_put(bk_arena *a, colb *b, const jnode *nd);

/* A NULL row (children of a STRUCT get NULL rows too, so their lengths agree). */
static bool colb_null(bk_arena *a, colb *b) {
    if (!colb_grow(a, b)) return false;
    if (b->width) memset(b->data + b->n * b->width, 0, b->width);
    b->valid[b->n] = 0;
    if (b->offsets) b->offsets[b->n + 1] = b->offsets[b->n];
    if (b->t->kind == BK_TYPE_STRUCT)
        for (uint32_t k = 0; k < b->t->n_children; k++)
            if (!colb_null(a, &b->kids[k])) return false;
    b->n++;
    return true;
}

/* Append node nd (which matches b->t) as one row; false on OOM. */
static bool colb_put(bk_arena *a, colb *b, const jnode *nd) {
    if (nd->kind == JN_NULL) return colb_null(a, b);
    if (!colb_grow(a, b)) return false;
    char *slot = b->data ? b->data + b->n * b->width : NULL;
    int64_t v = 0;
    switch (b->gather->kind) {
    case BK_TYPE_STRING: *(bk_str *)slot = nd->text; break;
    case BK_TYPE_BOOLEAN: *(uint8_t *)slot = nd->kind == JN_TRUE; break;
    case BK_TYPE_TINYINT:
        (void)int_value(nd->text, INT8_MIN, INT8_MAX, &v);
        *(int8_t *)slot = (int8_t)v;
        break;
    case BK_TYPE_SMALLINT:
        (void)int_value(nd->text, INT16_MIN, INT16_MAX, &v);
        *(int16_t *)slot = (int16_t)v;
        break;
    case BK_TYPE_INT:
        (void)int_value(nd->text, INT32_MIN, INT32_MAX, &v);
        *(int32_t *)slot = (int32_t)v;
        break;
    case BK_TYPE_BIGINT:
        (void)int_value(nd->text, INT64_MIN, INT64_MAX, &v);
        *(int64_t *)slot = v;
        break;
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE: {
        char buf[64];
        size_t len = nd->text.len < sizeof buf - 1 ? nd->text.len : sizeof buf - 1;
        memcpy(buf, nd->text.ptr, len);
        buf[len] = '\0';
        double d = strtod(buf[0] == '+' ? buf + 1 : buf, NULL);
        if (b->gather->kind == BK_TYPE_FLOAT)
            *(float *)slot = (float)d;
        else
            *(double *)slot = d;
        break;
    }
    case BK_TYPE_ARRAY: {
        colb *el = &b->kids[0];
        for (uint32_t k = 0; k < nd->n; k++)
            if (!colb_put(a, el, nd->kids[k])) return false;
        b->offsets[b->n + 1] = (int64_t)el->n;
        break;
    }
    case BK_TYPE_MAP: {
        jnode key = {JN_STR, {0}, 0, NULL, NULL};
        for (uint32_t k = 0; k < nd->n; k++) {
            key.text = nd->keys[k];
            if (!colb_put(a, &b->kids[0], &key) || !colb_put(a, &b->kids[1], nd->kids[k]))
                return false;
        }
        b->offsets[b->n + 1] = (int64_t)b->kids[0].n;
        break;
    }
    case BK_TYPE_STRUCT:
        for (uint32_t f = 0; f < b->t->n_children; f++) {
            const jnode *val = NULL;
            for (uint32_t k = 0; k < nd->n; k++) /* a repeated key: the last one counts */
                if (str_is(nd->keys[k], b->t->field_names[f])) val = nd->kids[k];
            if (!(val ? colb_put(a, &b->kids[f], val) : colb_null(a, &b->kids[f]))) return false;
        }
        break;
    default: return false;
    }
    b->valid[b->n++] = 1;
    return true;
}

/* The dateFormat / timestampFormat options, compiled (NULL: read as CAST reads). */
typedef struct fj_formats {
    const exec_dtfmt *date, *ts;
} fj_formats;

/* DATE / TIMESTAMP / TIMESTAMP_NTZ text in v parsed with format f; NULL where it fails. */
static bk_status parse_with(const exec_call *call, const bk_vector *v, const bk_type *t,
                            const exec_dtfmt *f, bk_vector **out, bk_error *err) {
    bk_vector *r = bk_vector_make(call->a, t, v->n);
    if (!r) return bk_arena_oom(call->a, err);
    const bk_tz *tz = call->ctx->tz ? call->ctx->tz : bk_tz_utc();
    for (size_t i = 0; i < v->n; i++) {
        bk_str s = ((const bk_str *)v->data)[i];
        bk_error e2;
        bk_error_clear(&e2);
        bk_status rc = BK_OK;
        if (bk_vector_is_valid(v, i)) {
            if (t->kind == BK_TYPE_DATE)
                rc = exec_dtfmt_parse_date(f, s.ptr, s.len, NULL, &((int32_t *)r->data)[i], &e2);
            else if (t->kind == BK_TYPE_TIMESTAMP)
                rc = exec_dtfmt_parse(f, s.ptr, s.len, tz, NULL, &((int64_t *)r->data)[i], &e2);
            else
                rc = exec_dtfmt_parse_ntz(f, s.ptr, s.len, NULL, &((int64_t *)r->data)[i], &e2);
        }
        if (rc == BK_OUT_OF_MEMORY) return bk_arena_oom(call->a, err);
        if (!bk_vector_is_valid(v, i) || rc != BK_OK) { /* PERMISSIVE: an unparsable value */
            if (bk_vector_ensure_validity(call->a, r) != BK_OK) return bk_arena_oom(call->a, err);
            bk_validity_set(r->validity, i, false);
        }
    }
    *out = r;
    return BK_OK;
}

/* The finished vector of builder b, in a (scalars read as text cast to their type). */
static bk_status colb_finish(const exec_call *call, colb *b, const fj_formats *fm,
                             bk_vector **out, bk_error *err) {
    bk_arena *a = call->a;
    bk_vector *v = bk_vector_make(a, b->gather, b->n);
    if (!v) return bk_arena_oom(a, err);
    if (b->width && b->n) memcpy(v->data, b->data, b->n * b->width);
    bool any_null = false;
    for (size_t i = 0; i < b->n && !any_null; i++) any_null = !b->valid[i];
    if (any_null) {
        if (bk_vector_ensure_validity(a, v) != BK_OK) return bk_arena_oom(a, err);
        for (size_t i = 0; i < b->n; i++) bk_validity_set(v->validity, i, b->valid[i]);
    }
    if (b->offsets)
        memcpy(v->offsets, b->offsets, (b->n + 1) * sizeof *v->offsets);
    else if (v->offsets) /* no rows were added */
        v->offsets[0] = 0;
    if (bk_type_is_nested(b->t))
        for (uint32_t k = 0; k < b->t->n_children; k++)
            BK_TRY(colb_finish(call, &b->kids[k], fm, &v->children[k], err));
    const exec_dtfmt *f = b->t->kind == BK_TYPE_DATE ? fm->date
                          : b->t->kind == BK_TYPE_TIMESTAMP || b->t->kind == BK_TYPE_TIMESTAMP_NTZ
                              ? fm->ts
                              : NULL;
    if (f) return parse_with(call, v, b->t, f, out, err);
    if (b->gather != b->t) { /* DATE, TIMESTAMP, DECIMAL, ...: CAST rules, NULL if invalid */
        exec_tz zone;
        exec_fn_cast_zone(call->ctx, &zone);
        exec_cast_opts o = {.ansi = false, .try_cast = false, .tz = &zone};
        return exec_cast(a, v, b->t, &o, out, err);
    }
    *out = v;
    return BK_OK;
}

/* ---- binding ---- */

EXEC_BIND(exec_json_bind_from_json) {
    if (args[0]->kind != BK_TYPE_STRING && args[0]->kind != BK_TYPE_VOID)
        return exec_fnlib_mismatch(err, "from_json", 0, "\"STRING\"", args[0]);
    if (args[1]->kind != BK_TYPE_STRING)
        return bk_error_set_sub(err, BK_INVALID_SCHEMA,
                                "NON_STRING_LITERAL", "The input schema is not a valid schema "
                                "string. The input expression must be string literal and not "
                                "null.");
    if (n_args == 3) BK_TRY(exec_json_check_options(args[2], err));
    if (args[0]->kind == BK_TYPE_VOID) cast_to[0] = bk_type_scalar(BK_TYPE_STRING);
    (void)a;
    *result = bk_type_scalar(BK_TYPE_STRING); /* prepare sets the schema's type */
    return BK_OK;
}

/* An identifier or `quoted` name at s[*i..), NUL-terminated in a; NULL if none. */
static char *ddl_name(bk_arena *a, const char *s, size_t len, size_t *i) {
    size_t p = *i;
    while (p < len && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n')) p++;
    size_t from = p, to;
    if (p < len && s[p] == '`') {
        from = ++p;
        while (p < len && s[p] != '`') p++;
        if (p >= len) return NULL;
        to = p++;
    } else {
        while (p < len && (s[p] == '_' || (s[p] >= 'a' && s[p] <= 'z') ||
                           (s[p] >= 'A' && s[p] <= 'Z') || is_digit(s[p])))
            p++;
        to = p;
    }
    if (to == from) return NULL;
    *i = p;
    return bk_arena_strndup(a, s + from, to - from);
}

/* PARSE_SYNTAX_ERROR naming the schema text that does not parse. */
static bk_status schema_error(const char *at, size_t len, bk_error *err) {
    while (len && (*at == ' ' || *at == '\t')) at++, len--;
    return bk_error_set(err, BK_PARSE_SYNTAX_ERROR, "Syntax error at or near '%.*s'.",
                        (int)(len > 100 ? 100 : len), at);
}

/*
 * The schema text as a type: a STRUCT, ARRAY or MAP type, or a DDL column list
 * "name type, ..." (split at the commas outside <> and ()); in a.
 */
static bk_status parse_schema(bk_arena *a, bk_str s, const bk_type **out, bk_error *err) {
    char why[200];
    const bk_type *t = bk_type_parse(a, s.ptr, s.len, why, sizeof why);
    if (t && (t->kind == BK_TYPE_STRUCT || t->kind == BK_TYPE_ARRAY || t->kind == BK_TYPE_MAP)) {
        *out = t;
        return BK_OK;
    }
    uint32_t n = 0, cap = 8;
    const char **names = bk_arena_array(a, cap, sizeof *names);
    const bk_type **types = bk_arena_array(a, cap, sizeof *types);
    if (!names || !types) return bk_arena_oom(a, err);
    size_t i = 0;
    while (i < s.len) {
        char *name = ddl_name(a, s.ptr, s.len, &i);
        if (!name) return schema_error(s.ptr + i, s.len - i, err);
        size_t from = i;
        int depth = 0;
        while (i < s.len && (depth > 0 || s.ptr[i] != ',')) {
            depth += s.ptr[i] == '<' || s.ptr[i] == '(';
            depth -= s.ptr[i] == '>' || s.ptr[i] == ')';
            i++;
        }
        const bk_type *ft = bk_type_parse(a, s.ptr + from, i - from, why, sizeof why);
        if (!ft) return schema_error(s.ptr + from, i - from, err);
        if (n == cap) {
            const char **nn = bk_arena_array(a, cap * 2, sizeof *nn);
            const bk_type **nt = bk_arena_array(a, cap * 2, sizeof *nt);
            if (!nn || !nt) return bk_arena_oom(a, err);
            memcpy(nn, names, n * sizeof *nn);
            memcpy(nt, types, n * sizeof *nt);
            names = nn;
            types = nt;
            cap *= 2;
        }
        names[n] = name;
        types[n++] = ft;
        if (i < s.len && ++i == s.len) return schema_error(s.ptr + i - 1, 1, err); /* a, */
    }
    if (n == 0) return schema_error(s.ptr, s.len, err);
    *out = bk_type_make_struct(a, n, names, types, NULL);
    return *out ? BK_OK : bk_arena_oom(a, err);
}

/* Row i of the options map (NULL: none): mode, and the format patterns into *date, *ts. */
static bk_status read_mode(const bk_vector *m, size_t i, bool *failfast, bk_str *date,
                           bk_str *ts, bk_error *err) {
    *failfast = false;
    if (!m || !bk_vector_is_valid(m, i)) return BK_OK;
    const bk_vector *ks = m->children[0], *vs = m->children[1];
    for (int64_t j = m->offsets[i]; j < m->offsets[i + 1]; j++) {
        if (!bk_vector_is_valid(ks, (size_t)j)) continue;
        bk_str k = ((const bk_str *)ks->data)[j];
        bk_str v = bk_vector_is_valid(vs, (size_t)j) ? ((const bk_str *)vs->data)[j]
                                                     : bk_str_make("", 0);
        if (str_is(k, "dateFormat")) *date = v;
        if (str_is(k, "timestampFormat")) *ts = v;
        if (!str_is(k, "mode")) continue;
        if (v.len == 8 && !strncasecmp(v.ptr, "FAILFAST", 8))
            *failfast = true;
        else if (!(v.len == 10 && !strncasecmp(v.ptr, "PERMISSIVE", 10)))
            return bk_error_set(err, BK_INVALID_ARGUMENT, "from_json supports only the "
                                "PERMISSIVE and FAILFAST modes, not \"%.*s\".",
                                (int)v.len, v.ptr);
    }
    return BK_OK;
}

bk_status exec_json_prepare_from_json(bk_arena *a, exec_expr *e, bk_error *err) {
    const exec_expr *schema = e->args[1];
    if (schema->kind != EXEC_EXPR_CONST || !bk_vector_is_valid(schema->value, 0))
        return bk_error_set_sub(err, BK_INVALID_SCHEMA,
                                "NON_STRING_LITERAL", "The input schema is not a valid schema "
                                "string. The input expression must be string literal and not "
                                "null.");
    return parse_schema(a, ((const bk_str *)schema->value->data)[0], &e->type, err);
}

/* ---- the kernel ---- */

EXEC_KERNEL(exec_json_from_json) {
    const bk_vector *json = args[0];
    const bk_type *t = call->expr->type;
    const bk_vector *opts = call->expr->n_args == 3 ? args[2] : NULL;
    bool top_struct = t->kind == BK_TYPE_STRUCT;
    colb b;
    fj_formats fm = {NULL, NULL};
    if (!colb_init(call->a, &b, t)) return bk_arena_oom(call->a, err);
    /* an all-NULL object, the PERMISSIVE answer for a STRUCT row that fails */
    jnode empty_obj = {JN_OBJ, {0}, 0, NULL, NULL};
    for (size_t i = 0; i < n; i++) {
        bool ok, failfast;
        bk_str date = {0}, ts = {0};
        BK_TRY(read_mode(opts, i, &failfast, &date, &ts, err));
        if (i == 0 && date.ptr) /* the options are a constant: compiled once */
            BK_TRY(exec_dtfmt_compile(call->a, date.ptr, date.len, true, &fm.date, err));
        if (i == 0 && ts.ptr)
            BK_TRY(exec_dtfmt_compile(call->a, ts.ptr, ts.len, true, &fm.ts, err));
        if (!bk_vector_is_valid(json, i)) {
            if (!colb_null(call->a, &b)) return bk_arena_oom(call->a, err);
            continue;
        }
        bk_str s = ((const bk_str *)json->data)[i];
        jparse jp = {call->a, {s.ptr, s.ptr + s.len}, false};
        exec_jcur_ws(&jp.c);
        if (jp.c.p == jp.c.end) { /* empty text: a NULL row, as in Spark */
            if (!colb_null(call->a, &b)) return bk_arena_oom(call->a, err);
            continue;
        }
        jnode *nd = parse_value(&jp, 0);
        if (jp.oom) return bk_arena_oom(call->a, err);
        if (nd && nd->kind == JN_NULL) { /* the text null: a NULL row */
            if (!colb_null(call->a, &b)) return bk_arena_oom(call->a, err);
            continue;
        }
        /* an ARRAY of STRUCT schema also takes a single object */
        if (nd && t->kind == BK_TYPE_ARRAY && t->children[0]->kind == BK_TYPE_STRUCT &&
            nd->kind == JN_OBJ) {
            jnode *wrap = bk_arena_zalloc(call->a, sizeof *wrap);
            jnode **kids = bk_arena_array(call->a, 1, sizeof *kids);
            if (!wrap || !kids) return bk_arena_oom(call->a, err);
            kids[0] = nd;
            *wrap = (jnode){JN_ARR, nd->text, 1, kids, NULL};
            nd = wrap;
        }
        ok = nd && matches(nd, t);
        if (!ok && failfast)
            return bk_error_set(err, BK_MALFORMED_RECORD_IN_PARSING,
                                "Malformed records are detected in record parsing: %.*s. Parse "
                                "Mode: FAILFAST. To process malformed records as null result, "
                                "try setting the option 'mode' as 'PERMISSIVE'.",
                                (int)(s.len > 200 ? 200 : s.len), s.ptr);
        bool put = ok ? colb_put(call->a, &b, nd)
                      : top_struct ? colb_put(call->a, &b, &empty_obj) : colb_null(call->a, &b);
        if (!put) return bk_arena_oom(call->a, err);
    }
    return colb_finish(call, &b, &fm, out, err);
}
