/*
 * fn_to_json.c — to_json(STRUCT | MAP | ARRAY) as Spark's JacksonGenerator
 * writes it: compact JSON, struct fields that are NULL left out
 * (spark.sql.jsonGenerator.ignoreNullFields, on by default), NULL map values and
 * array elements as null, map keys as their string form.
 *
 * Scalars: numbers and booleans as CAST to STRING prints them (NaN and the
 * infinities quoted, as Jackson quotes non-numeric numbers); strings escaped the
 * way Jackson escapes; DATE as yyyy-MM-dd; TIMESTAMP with Spark's default
 * timestampFormat yyyy-MM-dd'T'HH:mm:ss.SSSXXX in the session zone,
 * TIMESTAMP_NTZ as yyyy-MM-dd'T'HH:mm:ss.SSS; BINARY base64; intervals as
 * CAST to STRING prints them, quoted.
 *
 * Work is vectorized by column: each leaf vector of the input (a struct field,
 * all elements of an array) is turned into JSON text in one pass, then each row
 * is assembled from the texts by following offsets.
 *
 * The options argument must be a MAP<STRING, STRING> (INVALID_OPTIONS.* otherwise);
 * timestampFormat, timestampNTZFormat, dateFormat and ignoreNullFields apply,
 * pretty is refused, other options are ignored (they concern reading).  The
 * options are read from the first row (Spark requires a constant map).
 */
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/str.h"
#include "engine/exec/cast.h"
#include "engine/exec/datetime_format.h"
#include "engine/exec/fn_json.h"

/* The options to_json applies (defaults: Spark's). */
typedef struct jopts {
    const exec_dtfmt *ts, *ntz, *date; /* NULL date: CAST's yyyy-MM-dd */
    bool ignore_nulls;
} jopts;

/* One node of the input type's tree with the JSON text of its leaf rows. */
typedef struct jnode {
    const bk_vector *v;
    bk_str *text;        /* leaf: JSON text of each valid row */
    struct jnode *kids;  /* STRUCT fields, ARRAY element, MAP key + value */
    bk_str *field_names; /* STRUCT: escaped and quoted names */
} jnode;

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t base64_put(char *o, const unsigned char *s, size_t n) {
    size_t w = 0, i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        o[w++] = b64[v >> 18];
        o[w++] = b64[v >> 12 & 63];
        o[w++] = b64[v >> 6 & 63];
        o[w++] = b64[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0);
        o[w++] = b64[v >> 18];
        o[w++] = b64[v >> 12 & 63];
        o[w++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        o[w++] = '=';
    }
    return w;
}

/* The text of every valid row of the scalar vector v (quoted unless bare numbers). */
static bk_status leaf_text(const exec_call *call, const jopts *op, const bk_vector *v,
                           bool as_key, bk_str *text, bk_error *err) {
    bk_arena *a = call->a;
    exec_strbuf sb;
    exec_strbuf_init(&sb, a);
    bk_type_kind k = v->type->kind;
    size_t n = v->n;
    if (k == BK_TYPE_TIMESTAMP || k == BK_TYPE_TIMESTAMP_NTZ ||
        (k == BK_TYPE_DATE && op->date)) {
        const exec_dtfmt *f = k == BK_TYPE_TIMESTAMP ? op->ts
                              : k == BK_TYPE_DATE    ? op->date
                                                     : op->ntz;
        const bk_tz *tz = k == BK_TYPE_TIMESTAMP ? call->ctx->tz : NULL;
        for (size_t i = 0; i < n; i++) {
            if (!bk_vector_is_valid(v, i)) continue;
            char buf[256];
            int64_t us = k == BK_TYPE_DATE ? (int64_t)((const int32_t *)v->data)[i] * 86400000000LL
                                           : ((const int64_t *)v->data)[i];
            size_t len = exec_dtfmt_format(f, us, tz, buf + 1, sizeof buf - 2);
            if (len > sizeof buf - 3) len = sizeof buf - 3;
            buf[0] = '"';
            buf[len + 1] = '"';
            if (!exec_strbuf_copy(&sb, as_key ? buf + 1 : buf, as_key ? len : len + 2, &text[i]))
                return bk_arena_oom(a, err);
        }
        return BK_OK;
    }
    if (k == BK_TYPE_BINARY && !as_key) {
        for (size_t i = 0; i < n; i++) {
            if (!bk_vector_is_valid(v, i)) continue;
            bk_str s = ((const bk_str *)v->data)[i];
            char *o = exec_strbuf_alloc(&sb, (s.len + 2) / 3 * 4 + 2);
            if (!o) return bk_arena_oom(a, err);
            o[0] = '"';
            size_t w = 1 + base64_put(o + 1, (const unsigned char *)s.ptr, s.len);
            o[w++] = '"';
            text[i] = bk_str_make(o, w);
        }
        return BK_OK;
    }
    const bk_vector *sv = v;
    if (k != BK_TYPE_STRING) {
        exec_tz zone;
        exec_fn_cast_zone(call->ctx, &zone);
        exec_cast_opts o = {.ansi = false, .tz = &zone};
        bk_vector *cv;
        BK_TRY(exec_cast(a, v, bk_type_scalar(BK_TYPE_STRING), &o, &cv, err));
        sv = cv;
    }
    bool bare = !as_key && (k == BK_TYPE_BOOLEAN || exec_fnlib_is_numeric(v->type));
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        bk_str s = ((const bk_str *)sv->data)[i];
        bool quote = !bare || (s.len && (s.ptr[0] == 'N' || s.ptr[0] == 'I' ||
                                         (s.ptr[0] == '-' && s.len > 1 && s.ptr[1] == 'I')));
        if (!quote) {
            text[i] = s;
            continue;
        }
        char *o = exec_strbuf_alloc(&sb, 6 * s.len + 2);
        if (!o) return bk_arena_oom(a, err);
        text[i] = bk_str_make(o, exec_json_escape(o, s.ptr, s.len));
    }
    return BK_OK;
}

static bk_status build(const exec_call *call, const jopts *op, const bk_vector *v, bool as_key,
                       jnode *node, bk_error *err) {
    bk_arena *a = call->a;
    memset(node, 0, sizeof *node);
    node->v = v;
    const bk_type *t = v->type;
    if (t->kind == BK_TYPE_VOID) return BK_OK;
    if (!bk_type_is_nested(t)) {
        node->text = bk_arena_array(a, v->n ? v->n : 1, sizeof *node->text);
        if (!node->text) return bk_arena_oom(a, err);
        return leaf_text(call, op, v, as_key, node->text, err);
    }
    uint32_t nk = t->kind == BK_TYPE_STRUCT ? t->n_children : t->kind == BK_TYPE_MAP ? 2 : 1;
    node->kids = bk_arena_array(a, nk ? nk : 1, sizeof *node->kids);
    if (!node->kids) return bk_arena_oom(a, err);
    for (uint32_t c = 0; c < nk; c++) {
        bool key = (t->kind == BK_TYPE_MAP && c == 0) || (as_key && t->kind == BK_TYPE_STRUCT);
        BK_TRY(build(call, op, v->children[c], key, &node->kids[c], err));
    }
    if (t->kind == BK_TYPE_STRUCT) {
        node->field_names = bk_arena_array(a, nk ? nk : 1, sizeof *node->field_names);
        if (!node->field_names) return bk_arena_oom(a, err);
        for (uint32_t c = 0; c < nk; c++) {
            const char *name = t->field_names[c];
            size_t len = strlen(name);
            char *o = bk_arena_alloc(a, 6 * len + 2);
            if (!o) return bk_arena_oom(a, err);
            node->field_names[c] = bk_str_make(o, exec_json_escape(o, name, len));
        }
    }
    return BK_OK;
}

/*
 * A STRUCT map key as Spark writes it (the key row's toString): "[f1,f2]" with
 * each field's string form; scalar fields only (a nested field shows as null).
 */
static bk_status write_row(const jnode *node, bool ign, size_t row, bk_buf *b);
static bk_status write_struct_key(const jnode *node, size_t row, bk_buf *b) {
    BK_TRY(bk_buf_append(b, "\"[", 2));
    for (uint32_t c = 0; c < node->v->type->n_children; c++) {
        const jnode *k = &node->kids[c];
        if (c) BK_TRY(bk_buf_append_u8(b, ','));
        if (k->text && bk_vector_is_valid(k->v, row) && k->text[row].len >= 2)
            BK_TRY(bk_buf_append(b, k->text[row].ptr + 1, k->text[row].len - 2));
        else if (!k->text || !bk_vector_is_valid(k->v, row))
            BK_TRY(bk_buf_append(b, "null", 4));
    }
    return bk_buf_append(b, "]\"", 2);
}

static bk_status write_row(const jnode *node, bool ign, size_t row, bk_buf *b) {
    const bk_vector *v = node->v;
    if (v->type->kind == BK_TYPE_VOID || !bk_vector_is_valid(v, row))
        return bk_buf_append(b, "null", 4);
    if (node->text) return bk_buf_append(b, node->text[row].ptr, node->text[row].len);
    const bk_type *t = v->type;
    if (t->kind == BK_TYPE_STRUCT) {
        BK_TRY(bk_buf_append_u8(b, '{'));
        bool first = true;
        for (uint32_t c = 0; c < t->n_children; c++) {
            const jnode *k = &node->kids[c];
            if (ign && (k->v->type->kind == BK_TYPE_VOID || !bk_vector_is_valid(k->v, row)))
                continue;
            if (!first) BK_TRY(bk_buf_append_u8(b, ','));
            first = false;
            BK_TRY(bk_buf_append(b, node->field_names[c].ptr, node->field_names[c].len));
            BK_TRY(bk_buf_append_u8(b, ':'));
            BK_TRY(write_row(k, ign, row, b));
        }
        return bk_buf_append_u8(b, '}');
    }
    bool map = t->kind == BK_TYPE_MAP;
    BK_TRY(bk_buf_append_u8(b, map ? '{' : '['));
    for (int64_t e = v->offsets[row]; e < v->offsets[row + 1]; e++) {
        if (e > v->offsets[row]) BK_TRY(bk_buf_append_u8(b, ','));
        if (map && node->kids[0].v->type->kind == BK_TYPE_STRUCT) {
            BK_TRY(write_struct_key(&node->kids[0], (size_t)e, b));
            BK_TRY(bk_buf_append_u8(b, ':'));
            BK_TRY(write_row(&node->kids[1], ign, (size_t)e, b));
        } else if (map) {
            BK_TRY(write_row(&node->kids[0], ign, (size_t)e, b));
            BK_TRY(bk_buf_append_u8(b, ':'));
            BK_TRY(write_row(&node->kids[1], ign, (size_t)e, b));
        } else {
            BK_TRY(write_row(&node->kids[0], ign, (size_t)e, b));
        }
    }
    return bk_buf_append_u8(b, map ? '}' : ']');
}

EXEC_BIND(exec_json_bind_to_json) {
    (void)a;
    bk_type_kind k = args[0]->kind;
    if (k != BK_TYPE_STRUCT && k != BK_TYPE_MAP && k != BK_TYPE_ARRAY)
        return exec_fnlib_mismatch(err, "to_json", 0, "(\"STRUCT\" or \"MAP\" or \"ARRAY\")",
                                   args[0]);
    cast_to[0] = args[0];
    if (n_args == 2) {
        const bk_type *o = args[1];
        if (o->kind != BK_TYPE_MAP)
            return bk_error_set_sub(err, BK_INVALID_OPTIONS, "NON_MAP_FUNCTION",
                                    "Must use the `map()` function for options.");
        if (o->children[0]->kind != BK_TYPE_STRING || o->children[1]->kind != BK_TYPE_STRING) {
            char tname[200];
            bk_type_format(o, tname, sizeof tname);
            return bk_error_set_sub(err, BK_INVALID_OPTIONS, "NON_STRING_TYPE",
                                    "A type of keys and values in `map()` must be string, but "
                                    "got \"%s\".",
                                    tname);
        }
        cast_to[1] = o;
    }
    *result = bk_type_scalar(BK_TYPE_STRING);
    return BK_OK;
}

static bool str_is(bk_str s, const char *lit) {
    size_t n = strlen(lit);
    return s.len == n && memcmp(s.ptr, lit, n) == 0;
}

static bk_status compile_fmt(bk_arena *a, bk_str pat, const exec_dtfmt **f, bk_error *err) {
    return exec_dtfmt_compile(a, pat.ptr, pat.len, false, f, err);
}

/*
 * The options of row 0 of the MAP<STRING, STRING> o (a constant): timestampFormat,
 * timestampNTZFormat, dateFormat, ignoreNullFields; `pretty` is refused; any
 * other key is ignored, as Spark ignores options that do not apply to writing.
 */
static bk_status read_options(bk_arena *a, const bk_vector *o, jopts *op, bk_error *err) {
    static const char ts[] = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", ntz[] = "yyyy-MM-dd'T'HH:mm:ss.SSS";
    BK_TRY(exec_dtfmt_compile(a, ts, sizeof ts - 1, false, &op->ts, err));
    BK_TRY(exec_dtfmt_compile(a, ntz, sizeof ntz - 1, false, &op->ntz, err));
    op->date = NULL;
    op->ignore_nulls = true;
    if (!o || !o->n || !bk_vector_is_valid(o, 0)) return BK_OK;
    const bk_vector *kv = o->children[0], *vv = o->children[1];
    for (int64_t e = o->offsets[0]; e < o->offsets[1]; e++) {
        bk_str key = ((const bk_str *)kv->data)[e];
        if (!bk_vector_is_valid(vv, (size_t)e)) continue;
        bk_str val = ((const bk_str *)vv->data)[e];
        if (str_is(key, "timestampFormat")) {
            BK_TRY(compile_fmt(a, val, &op->ts, err));
        } else if (str_is(key, "timestampNTZFormat")) {
            BK_TRY(compile_fmt(a, val, &op->ntz, err));
        } else if (str_is(key, "dateFormat")) {
            BK_TRY(compile_fmt(a, val, &op->date, err));
        } else if (str_is(key, "ignoreNullFields")) {
            op->ignore_nulls = !(val.len == 5 && strncasecmp(val.ptr, "false", 5) == 0);
        } else if (str_is(key, "pretty")) {
            return bk_error_set(err, BK_UNSUPPORTED,
                                "to_json option \"pretty\" is not supported; drop it from the "
                                "options map.");
        }
    }
    return BK_OK;
}

EXEC_KERNEL(exec_json_to_json) {
    jopts op;
    BK_TRY(read_options(call->a, call->expr->n_args == 2 ? args[1] : NULL, &op, err));
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, 1, n, &v, err));
    jnode root;
    BK_TRY(build(call, &op, args[0], false, &root, err));
    bk_buf b;
    bk_buf_init(&b);
    size_t *ends = bk_arena_array(call->a, n ? n : 1, sizeof *ends);
    if (!ends) return bk_arena_oom(call->a, err);
    bk_status st = BK_OK;
    for (size_t i = 0; i < n && st == BK_OK; i++) {
        if (bk_vector_is_valid(v, i)) st = write_row(&root, op.ignore_nulls, i, &b);
        ends[i] = b.len;
    }
    char *bytes = st == BK_OK ? bk_arena_alloc(call->a, b.len ? b.len : 1) : NULL;
    if (bytes && b.len) memcpy(bytes, b.data, b.len);
    bk_buf_destroy(&b);
    if (st != BK_OK) return bk_error_set(err, st, "to_json: out of memory");
    if (!bytes) return bk_arena_oom(call->a, err);
    bk_str *out_s = v->data;
    for (size_t i = 0; i < n; i++) {
        size_t start = i ? ends[i - 1] : 0;
        if (bk_vector_is_valid(v, i)) out_s[i] = bk_str_make(bytes + start, ends[i] - start);
    }
    *out = v;
    return BK_OK;
}
