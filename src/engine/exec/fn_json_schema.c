/*
 * fn_json_schema.c — schema_of_json(json[, options]): the Spark type of a JSON
 * text, as Spark's JSON schema inference (JsonInferSchema) finds it, spelled as
 * Spark prints types ("STRUCT<a: BIGINT, b: ARRAY<STRING>>").
 *
 *   object         STRUCT, fields sorted by name (a repeated key keeps one field)
 *   array          ARRAY of its elements' merged type (ARRAY<STRING> when empty)
 *   string         STRING
 *   integer        BIGINT; beyond BIGINT, DECIMAL(digits, 0) up to 38 digits, else DOUBLE
 *   fraction, exp  DOUBLE; with prefersDecimal DECIMAL(max(p, s), s) when it fits
 *   NaN, Infinity  DOUBLE
 *   true, false    BOOLEAN (STRING with primitivesAsString, as numbers are)
 *   null           STRING once merging is done (NULL merges into any type)
 *
 * Merging (compatibleType): equal types stay; two numbers widen (BIGINT and
 * DOUBLE to DOUBLE, a DECIMAL and a DOUBLE to DOUBLE, DECIMALs and BIGINT (as
 * DECIMAL(20,0)) to the DECIMAL holding both, or DOUBLE past 38 digits);
 * STRUCTs merge field by field; ARRAYs element-wise; anything else becomes STRING.
 *
 * The options map (STRING to STRING, from the second argument) understands
 * primitivesAsString, prefersDecimal and allowNumericLeadingZeros ("true",
 * case-insensitive); other options are accepted and ignored.  The JSON argument
 * must be a constant (DATATYPE_MISMATCH.NON_FOLDABLE_INPUT) and not NULL
 * (DATATYPE_MISMATCH.UNEXPECTED_NULL), as Spark requires; malformed JSON text is
 * MALFORMED_RECORD_IN_PARSING.
 */
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "engine/exec/fn_json.h"

#define SCHEMA_MAX_DEPTH 1000 /* deeper nesting is malformed, as in fn_json.c */

typedef struct infer_opts {
    bool primitives_as_string, prefers_decimal, leading_zeros;
} infer_opts;

typedef struct infer {
    bk_arena *a;
    exec_jcur c;
    infer_opts o;
} infer;

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/*
 * The type of the number at c->p, or NULL when malformed.  Integers that fit a
 * BIGINT are BIGINT; the rest follow Spark's BigDecimal rule: precision = the
 * digits of the unscaled value (leading zeros dropped, at least 1), scale = the
 * fraction digits minus the exponent.
 */
static const bk_type *number_type(infer *in) {
    exec_jcur *c = &in->c;
    const char *p = c->p, *e = c->end;
    bool neg = p < e && *p == '-';
    if (p < e && (*p == '-' || *p == '+')) {
        bool plus = *p == '+';
        c->p = ++p;
        if (exec_jcur_word(c, "Infinity")) return T(BK_TYPE_DOUBLE);
        if (plus) return NULL;
    }
    if (exec_jcur_word(c, "NaN") || exec_jcur_word(c, "Infinity")) return T(BK_TYPE_DOUBLE);
    if (p >= e || !is_digit(*p)) return NULL;
    if (*p == '0' && p + 1 < e && is_digit(p[1]) && !in->o.leading_zeros) return NULL;
    int digits = 0, frac = 0;
    bool significant = false;
    for (; p < e && is_digit(*p); p++)
        if ((significant |= *p != '0')) digits++;
    bool is_int = true;
    if (p < e && *p == '.') {
        is_int = false;
        p++;
        if (p >= e || !is_digit(*p)) return NULL;
        for (; p < e && is_digit(*p); p++, frac++)
            if ((significant |= *p != '0')) digits++;
    }
    long exp = 0;
    if (p < e && (*p == 'e' || *p == 'E')) {
        is_int = false;
        p++;
        bool eneg = p < e && *p == '-';
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || !is_digit(*p)) return NULL;
        for (; p < e && is_digit(*p); p++)
            if (exp < 100000) exp = exp * 10 + (*p - '0');
        if (eneg) exp = -exp;
    }
    c->p = p;
    if (in->o.primitives_as_string) return T(BK_TYPE_STRING);
    if (digits == 0) digits = 1;
    if (is_int) {
        if (digits < 19) return T(BK_TYPE_BIGINT);
        /* 19 digits may still fit: compare against the BIGINT range by value */
        if (digits == 19) { /* the significant digits end the token */
            const char *q = c->p - 19;
            const char *lim = neg ? "9223372036854775808" : "9223372036854775807";
            if (memcmp(q, lim, 19) <= 0) return T(BK_TYPE_BIGINT);
        }
        return digits <= 38 ? bk_type_make_decimal(in->a, digits, 0) : T(BK_TYPE_DOUBLE);
    }
    if (!in->o.prefers_decimal) return T(BK_TYPE_DOUBLE);
    long scale = frac - exp, prec = digits > scale ? digits : scale;
    if (scale < 0 || prec > 38) return T(BK_TYPE_DOUBLE);
    return bk_type_make_decimal(in->a, (int)prec, (int)scale);
}

static const bk_type *merge(bk_arena *a, const bk_type *x, const bk_type *y);

/* Two STRUCTs (fields sorted by name) merged into one, still sorted; NULL on OOM. */
static const bk_type *merge_structs(bk_arena *a, const bk_type *x, const bk_type *y) {
    uint32_t cap = x->n_children + y->n_children, n = 0, i = 0, j = 0;
    const char **names = bk_arena_array(a, cap ? cap : 1, sizeof *names);
    const bk_type **types = bk_arena_array(a, cap ? cap : 1, sizeof *types);
    if (!names || !types) return NULL;
    while (i < x->n_children || j < y->n_children) {
        int c = i == x->n_children   ? 1
                : j == y->n_children ? -1
                                     : strcmp(x->field_names[i], y->field_names[j]);
        if (c == 0) {
            names[n] = x->field_names[i];
            types[n] = merge(a, x->children[i++], y->children[j++]);
            if (!types[n++]) return NULL;
        } else if (c < 0) {
            names[n] = x->field_names[i];
            types[n++] = x->children[i++];
        } else {
            names[n] = y->field_names[j];
            types[n++] = y->children[j++];
        }
    }
    return bk_type_make_struct(a, n, names, types, NULL);
}

/* Spark's JsonInferSchema.compatibleType; NULL on OOM. */
static const bk_type *merge(bk_arena *a, const bk_type *x, const bk_type *y) {
    if (x->kind == BK_TYPE_VOID) return y;
    if (y->kind == BK_TYPE_VOID || bk_type_equal(x, y)) return x;
    bool xn = x->kind == BK_TYPE_BIGINT || x->kind == BK_TYPE_DOUBLE || x->kind == BK_TYPE_DECIMAL;
    bool yn = y->kind == BK_TYPE_BIGINT || y->kind == BK_TYPE_DOUBLE || y->kind == BK_TYPE_DECIMAL;
    if (xn && yn) {
        if (x->kind == BK_TYPE_DOUBLE || y->kind == BK_TYPE_DOUBLE) return T(BK_TYPE_DOUBLE);
        /* DECIMAL with DECIMAL or BIGINT (as DECIMAL(20,0)): DOUBLE past 38 digits */
        int xs = x->kind == BK_TYPE_DECIMAL ? x->scale : 0;
        int ys = y->kind == BK_TYPE_DECIMAL ? y->scale : 0;
        int xr = (x->kind == BK_TYPE_DECIMAL ? x->precision : 20) - xs;
        int yr = (y->kind == BK_TYPE_DECIMAL ? y->precision : 20) - ys;
        int scale = xs > ys ? xs : ys, range = xr > yr ? xr : yr;
        return range + scale > 38 ? T(BK_TYPE_DOUBLE)
                                  : bk_type_make_decimal(a, range + scale, scale);
    }
    if (x->kind == BK_TYPE_STRUCT && y->kind == BK_TYPE_STRUCT) return merge_structs(a, x, y);
    if (x->kind == BK_TYPE_ARRAY && y->kind == BK_TYPE_ARRAY) {
        const bk_type *el = merge(a, x->children[0], y->children[0]);
        return el ? bk_type_make_array(a, el) : NULL;
    }
    return T(BK_TYPE_STRING);
}

/* Result of infer_value: the type, or one of these for failures. */
static const bk_type MALFORMED_MARK, OOM_MARK;
#define MALFORMED (&MALFORMED_MARK)
#define OOM (&OOM_MARK)

static const bk_type *infer_value(infer *in, int depth);

/* The object at c->p ('{'): a STRUCT with its fields sorted by name. */
static const bk_type *infer_object(infer *in, int depth) {
    exec_jcur *c = &in->c;
    const bk_type *st = bk_type_make_struct(in->a, 0, NULL, NULL, NULL);
    if (!st) return OOM;
    c->p++;
    exec_jcur_ws(c);
    if (c->p < c->end && *c->p == '}') {
        c->p++;
        return st;
    }
    for (;;) {
        if (c->p >= c->end || *c->p != '"') return MALFORMED;
        char *key = bk_arena_alloc(in->a, (size_t)(c->end - c->p) + 1);
        size_t key_len;
        if (!key) return OOM;
        if (!exec_json_scan_string(c, key, &key_len)) return MALFORMED;
        key[key_len] = '\0';
        exec_jcur_ws(c);
        if (c->p >= c->end || *c->p != ':') return MALFORMED;
        c->p++;
        exec_jcur_ws(c);
        const bk_type *ft = infer_value(in, depth + 1);
        if (ft == MALFORMED || ft == OOM) return ft;
        const char *names[1] = {key};
        const bk_type *one = bk_type_make_struct(in->a, 1, names, &ft, NULL);
        if (!one || !(st = merge_structs(in->a, st, one))) return OOM;
        exec_jcur_ws(c);
        if (c->p >= c->end) return MALFORMED;
        if (*c->p == '}') {
            c->p++;
            return st;
        }
        if (*c->p != ',') return MALFORMED;
        c->p++;
        exec_jcur_ws(c);
    }
}

/* The array at c->p ('['): ARRAY of the merged element type (VOID when empty). */
static const bk_type *infer_array(infer *in, int depth) {
    exec_jcur *c = &in->c;
    const bk_type *el = T(BK_TYPE_VOID);
    c->p++;
    exec_jcur_ws(c);
    if (c->p < c->end && *c->p == ']') {
        c->p++;
    } else {
        for (;;) {
            const bk_type *t = infer_value(in, depth + 1);
            if (t == MALFORMED || t == OOM) return t;
            if (!(el = merge(in->a, el, t))) return OOM;
            exec_jcur_ws(c);
            if (c->p >= c->end) return MALFORMED;
            if (*c->p == ']') {
                c->p++;
                break;
            }
            if (*c->p != ',') return MALFORMED;
            c->p++;
            exec_jcur_ws(c);
        }
    }
    const bk_type *t = bk_type_make_array(in->a, el);
    return t ? t : OOM;
}

/* The value at c->p (whitespace skipped): its type before canonicalization. */
static const bk_type *infer_value(infer *in, int depth) {
    exec_jcur *c = &in->c;
    if (c->p >= c->end || depth > SCHEMA_MAX_DEPTH) return MALFORMED;
    switch (*c->p) {
    case '{': return infer_object(in, depth);
    case '[': return infer_array(in, depth);
    case '"':
        return exec_json_scan_string(c, NULL, NULL) ? T(BK_TYPE_STRING) : MALFORMED;
    case 't':
    case 'f':
        if (!exec_jcur_word(c, "true") && !exec_jcur_word(c, "false")) return MALFORMED;
        return T(in->o.primitives_as_string ? BK_TYPE_STRING : BK_TYPE_BOOLEAN);
    case 'n': return exec_jcur_word(c, "null") ? T(BK_TYPE_VOID) : MALFORMED;
    default: {
        const bk_type *t = number_type(in);
        return t ? t : MALFORMED;
    }
    }
}

/* NULL (VOID) anywhere in t becomes STRING (Spark's canonicalizeType); NULL on OOM. */
static const bk_type *canonical(bk_arena *a, const bk_type *t) {
    if (t->kind == BK_TYPE_VOID) return T(BK_TYPE_STRING);
    if (t->kind == BK_TYPE_ARRAY) {
        const bk_type *el = canonical(a, t->children[0]);
        return el == t->children[0] ? t : el ? bk_type_make_array(a, el) : NULL;
    }
    if (t->kind != BK_TYPE_STRUCT) return t;
    const bk_type **types = bk_arena_array(a, t->n_children ? t->n_children : 1, sizeof *types);
    if (!types) return NULL;
    for (uint32_t k = 0; k < t->n_children; k++)
        if (!(types[k] = canonical(a, t->children[k]))) return NULL;
    return bk_type_make_struct(a, t->n_children, (const char *const *)t->field_names, types, NULL);
}

/* ---- binding ---- */

/* fn_json.h */
bk_status exec_json_check_options(const bk_type *m, bk_error *err) {
    if (m->kind != BK_TYPE_MAP)
        return bk_error_set_sub(err, BK_INVALID_OPTIONS,
                                "NON_MAP_FUNCTION", "Invalid options: Must use the `map()` "
                                "function for options.");
    if (m->children[0]->kind != BK_TYPE_STRING || m->children[1]->kind != BK_TYPE_STRING) {
        char name[200];
        bk_type_format(m, name, sizeof name);
        return bk_error_set_sub(err, BK_INVALID_OPTIONS,
                                "NON_STRING_TYPE", "Invalid options: A type of keys and "
                                "values in `map()` must be string, but got \"%s\".",
                                name);
    }
    return BK_OK;
}

EXEC_BIND(exec_json_bind_schema_of_json) {
    if (args[0]->kind == BK_TYPE_VOID)
        return bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                                "UNEXPECTED_NULL", "Cannot resolve \"schema_of_json(NULL)\" due "
                                "to data type mismatch: The json must not be null.");
    if (args[0]->kind != BK_TYPE_STRING)
        return exec_fnlib_mismatch(err, "schema_of_json", 0, "\"STRING\"", args[0]);
    if (n_args == 2) BK_TRY(exec_json_check_options(args[1], err));
    (void)a;
    (void)cast_to;
    *result = T(BK_TYPE_STRING);
    return BK_OK;
}

bk_status exec_json_prepare_schema_of_json(bk_arena *a, exec_expr *e, bk_error *err) {
    (void)a;
    if (e->args[0]->kind == EXEC_EXPR_CONST) return BK_OK;
    return bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                            "NON_FOLDABLE_INPUT", "Cannot resolve \"schema_of_json(...)\" due to "
                            "data type mismatch: the input `json` should be a foldable \"STRING\" "
                            "expression; however, got a value that changes from row to row.");
}

/* ---- the kernel ---- */

static bool opt_true(bk_str v) { return v.len == 4 && strncasecmp(v.ptr, "true", 4) == 0; }

/* The options of row i of the map vector m (NULL: none). */
static infer_opts options_of(const bk_vector *m, size_t i) {
    infer_opts o = {false, false, false};
    if (!m || !bk_vector_is_valid(m, i)) return o;
    const bk_vector *ks = m->children[0], *vs = m->children[1];
    for (int64_t j = m->offsets[i]; j < m->offsets[i + 1]; j++) {
        if (!bk_vector_is_valid(ks, (size_t)j) || !bk_vector_is_valid(vs, (size_t)j)) continue;
        bk_str k = ((const bk_str *)ks->data)[j], v = ((const bk_str *)vs->data)[j];
        bool on = opt_true(v);
        if (k.len == 18 && !memcmp(k.ptr, "primitivesAsString", 18)) o.primitives_as_string = on;
        if (k.len == 14 && !memcmp(k.ptr, "prefersDecimal", 14)) o.prefers_decimal = on;
        if (k.len == 24 && !memcmp(k.ptr, "allowNumericLeadingZeros", 24)) o.leading_zeros = on;
    }
    return o;
}

EXEC_KERNEL(exec_json_schema_of_json) {
    const bk_vector *json = args[0], *opts = call->expr->n_args == 2 ? args[1] : NULL;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 1, n, out, err));
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(json, i)) continue;
        bk_str s = ((const bk_str *)json->data)[i];
        infer in = {call->a, {s.ptr, s.ptr + s.len}, options_of(opts, i)};
        exec_jcur_ws(&in.c);
        const bk_type *t = infer_value(&in, 0);
        if (t == OOM || (t != MALFORMED && !(t = canonical(call->a, t))))
            return bk_arena_oom(call->a, err);
        if (t == MALFORMED)
            return bk_error_set(err, BK_MALFORMED_RECORD_IN_PARSING,
                                "Malformed records are detected in record parsing: %.*s. Parse "
                                "Mode: FAILFAST. schema_of_json needs valid JSON text.",
                                (int)(s.len > 200 ? 200 : s.len), s.ptr);
        char small[512];
        size_t len = bk_type_format(t, small, sizeof small);
        char *p = exec_strbuf_alloc(&sb, len + 1);
        if (!p) return bk_arena_oom(call->a, err);
        if (len < sizeof small)
            memcpy(p, small, len);
        else
            bk_type_format(t, p, len + 1);
        ((bk_str *)(*out)->data)[i] = bk_str_make(p, len);
    }
    return BK_OK;
}
