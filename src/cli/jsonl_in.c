/*
 * jsonl_in.c — JSON lines into (nested) vectors, for `bricks parquet write --from-jsonl`.
 *
 * Each non-blank line is one JSON object: one row, keyed by the schema's top-level
 * field names.  A missing key or null is NULL.  Values by type:
 *
 *   ARRAY<T>     a JSON array (elements may be null)
 *   STRUCT<…>    a JSON object keyed by field name (unknown keys are an error)
 *   MAP<K,V>     a JSON object whose names are the keys' text, or an array of
 *                [key, value] pairs (for keys that are not strings); keys never null
 *   BOOLEAN      true / false
 *   numbers      JSON numbers; DECIMAL also takes a string, which keeps every digit
 *                (JSON numbers with a fraction pass through a double)
 *   BINARY       base64 text
 *   others       strings parsed as `--from-csv` parses them (dates, timestamps, …)
 *
 * Rows are gathered a batch at a time, then each column is built breadth-first:
 * the values of all rows at one nesting level go into one child vector, so a batch
 * costs one pass per level.  Errors name the line and the column path
 * ("line 3, column \"items[].price\": …").
 */
#include "cli/cli.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "base/mem.h"

#define JSONL_BLOCK 65536

struct cli_jsonl {
    FILE *f;
    const char *name;
    const bk_type *schema;
    uint8_t block[JSONL_BLOCK];
    size_t pos, len;
    bool eof, io_error;
    int64_t line; /* number of the last line read */
    bk_buf text;  /* the current line */
    bk_buf temps; /* json_t * made for map keys, released after each batch */
};

cli_jsonl *cli_jsonl_new(FILE *f, const char *name, const bk_type *schema) {
    cli_jsonl *j = bk_calloc(1, sizeof *j);
    if (!j) return NULL;
    j->f = f;
    j->name = name;
    j->schema = schema;
    bk_buf_init(&j->text);
    bk_buf_init(&j->temps);
    return j;
}

static void release_temps(cli_jsonl *j) {
    json_t **temps = (json_t **)j->temps.data;
    for (size_t k = 0; k < j->temps.len / sizeof(json_t *); k++) json_decref(temps[k]);
    bk_buf_clear(&j->temps);
}

void cli_jsonl_free(cli_jsonl *j) {
    if (!j) return;
    release_temps(j);
    bk_buf_destroy(&j->text);
    bk_buf_destroy(&j->temps);
    bk_free(j);
}

/* Read the next line into j->text (without its end of line).  false at the end. */
static bool read_line(cli_jsonl *j, bk_status *st) {
    bk_buf_clear(&j->text);
    bool any = false;
    for (;;) {
        if (j->pos == j->len) {
            if (j->eof) break;
            j->len = fread(j->block, 1, sizeof j->block, j->f);
            j->pos = 0;
            if (j->len < sizeof j->block) {
                j->eof = true;
                if (ferror(j->f)) j->io_error = true;
            }
            if (j->len == 0) break;
        }
        any = true;
        const uint8_t *start = j->block + j->pos;
        const uint8_t *nl = memchr(start, '\n', j->len - j->pos);
        size_t n = nl ? (size_t)(nl - start) : j->len - j->pos;
        if (bk_buf_append(&j->text, start, n) != BK_OK) {
            *st = BK_OUT_OF_MEMORY;
            return false;
        }
        j->pos += n;
        if (nl) {
            j->pos++;
            break;
        }
    }
    if (!any) return false;
    j->line++;
    if (j->text.len > 0 && j->text.data[j->text.len - 1] == '\r') j->text.len--;
    return true;
}

/* The building of one column: where errors point. */
typedef struct build_ctx {
    cli_jsonl *j;
    bk_arena *a;
    bk_error *err;
} build_ctx;

static bk_status value_error(build_ctx *c, int64_t line, const char *path, const char *fmt,
                             const char *arg) {
    char what[256];
    snprintf(what, sizeof what, fmt, arg);
    return bk_error_set(c->err, BK_INVALID_ARGUMENT, "\"%s\": line %lld, column \"%s\": %s",
                        c->j->name, (long long)line, path, what);
}

static bk_status oom(build_ctx *c) {
    return bk_error_set(c->err, BK_OUT_OF_MEMORY, "\"%s\": out of memory", c->j->name);
}

static bk_status build(build_ctx *c, const bk_type *t, json_t **vals, const int64_t *lines,
                       size_t n, const char *path, bk_vector **out);

/* A scalar from JSON: numbers and booleans through their text, strings as they are. */
static bk_status put_scalar(build_ctx *c, bk_vector *v, size_t row, json_t *val, int64_t line,
                            const char *path) {
    char text[64], why[160], tname[64];
    const char *s = text;
    size_t len;
    bk_type_kind kind = v->type->kind;
    switch (json_typeof(val)) {
    case JSON_STRING:
        s = json_string_value(val);
        len = json_string_length(val);
        break;
    case JSON_INTEGER:
        len = (size_t)snprintf(text, sizeof text, "%lld", (long long)json_integer_value(val));
        break;
    case JSON_REAL:
        cli_format_double(json_real_value(val), text, sizeof text);
        len = strlen(text);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        len = (size_t)snprintf(text, sizeof text, "%s", json_is_true(val) ? "true" : "false");
        break;
    default:
        len = 0;
        break;
    }
    bk_type_format(v->type, tname, sizeof tname);
    bool is_text_kind = kind == BK_TYPE_STRING || kind == BK_TYPE_BINARY || kind == BK_TYPE_DATE ||
                        kind == BK_TYPE_TIMESTAMP || kind == BK_TYPE_TIMESTAMP_NTZ;
    bool ok_json_type = json_is_string(val) || (json_is_number(val) && !is_text_kind) ||
                        (json_is_boolean(val) && kind == BK_TYPE_BOOLEAN);
    if (!ok_json_type) {
        const char *got = json_is_object(val)  ? "an object"
                          : json_is_array(val) ? "an array"
                          : json_is_number(val) ? "a number"
                                                : "a boolean";
        char fmt[96];
        snprintf(fmt, sizeof fmt, "expected a %s value, not %%s", tname);
        return value_error(c, line, path, fmt, got);
    }
    if (!cli_parse_into(c->a, v, row, s, len, true, why, sizeof why)) {
        char shown[80];
        size_t show = len < 60 ? len : 60;
        memcpy(shown, s, show);
        shown[show] = '\0';
        char fmt[256];
        snprintf(fmt, sizeof fmt, "\"%%s%s\" is not a valid %s%s%s", len > show ? "..." : "",
                 tname, why[0] ? ": " : "", why);
        return value_error(c, line, path, fmt, shown);
    }
    return BK_OK;
}

static bk_status set_null(build_ctx *c, bk_vector *v, size_t row) {
    if (bk_vector_ensure_validity(c->a, v) != BK_OK) return oom(c);
    bk_validity_set(v->validity, row, false);
    return BK_OK;
}

/* Child arrays for `total` gathered values. */
static bk_status gather_alloc(build_ctx *c, size_t total, json_t ***vals, int64_t **lines) {
    *vals = bk_arena_array(c->a, total ? total : 1, sizeof **vals);
    *lines = bk_arena_array(c->a, total ? total : 1, sizeof **lines);
    return *vals && *lines ? BK_OK : oom(c);
}

static bk_status build_array(build_ctx *c, bk_vector *v, json_t **vals, const int64_t *lines,
                             size_t n, const char *path) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!vals[i] || json_is_null(vals[i])) continue;
        if (!json_is_array(vals[i]))
            return value_error(c, lines[i], path, "%s", "expected an array");
        total += json_array_size(vals[i]);
    }
    json_t **child_vals;
    int64_t *child_lines;
    BK_TRY(gather_alloc(c, total, &child_vals, &child_lines));
    size_t at = 0;
    v->offsets[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (!vals[i] || json_is_null(vals[i])) {
            BK_TRY(set_null(c, v, i));
        } else {
            for (size_t k = 0; k < json_array_size(vals[i]); k++) {
                child_vals[at] = json_array_get(vals[i], k);
                child_lines[at++] = lines[i];
            }
        }
        v->offsets[i + 1] = (int64_t)at;
    }
    char child_path[512];
    snprintf(child_path, sizeof child_path, "%s[]", path);
    return build(c, v->type->children[0], child_vals, child_lines, total, child_path,
                 &v->children[0]);
}

static bk_status build_map(build_ctx *c, bk_vector *v, json_t **vals, const int64_t *lines,
                           size_t n, const char *path) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!vals[i] || json_is_null(vals[i])) continue;
        if (json_is_object(vals[i]))
            total += json_object_size(vals[i]);
        else if (json_is_array(vals[i]))
            total += json_array_size(vals[i]);
        else
            return value_error(c, lines[i], path, "%s",
                               "expected an object or an array of [key, value] pairs");
    }
    json_t **keys, **values;
    int64_t *child_lines, *unused;
    BK_TRY(gather_alloc(c, total, &keys, &child_lines));
    BK_TRY(gather_alloc(c, total, &values, &unused));
    size_t at = 0;
    v->offsets[0] = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *m = vals[i];
        if (!m || json_is_null(m)) {
            BK_TRY(set_null(c, v, i));
        } else if (json_is_object(m)) {
            const char *key;
            json_t *val;
            json_object_foreach(m, key, val) {
                json_t *k = json_string(key);
                if (!k) return oom(c);
                if (bk_buf_append(&c->j->temps, &k, sizeof k) != BK_OK) {
                    json_decref(k);
                    return oom(c);
                }
                keys[at] = k;
                values[at] = val;
                child_lines[at++] = lines[i];
            }
        } else {
            for (size_t k = 0; k < json_array_size(m); k++) {
                json_t *pair = json_array_get(m, k);
                if (!json_is_array(pair) || json_array_size(pair) != 2)
                    return value_error(c, lines[i], path, "%s",
                                       "expected an array of [key, value] pairs");
                keys[at] = json_array_get(pair, 0);
                values[at] = json_array_get(pair, 1);
                child_lines[at++] = lines[i];
            }
        }
        v->offsets[i + 1] = (int64_t)at;
    }
    char child_path[512];
    for (size_t k = 0; k < total; k++)
        if (json_is_null(keys[k]))
            return value_error(c, child_lines[k], path, "%s", "a map key cannot be null");
    snprintf(child_path, sizeof child_path, "%s.key", path);
    BK_TRY(build(c, v->type->children[0], keys, child_lines, total, child_path, &v->children[0]));
    snprintf(child_path, sizeof child_path, "%s.value", path);
    return build(c, v->type->children[1], values, child_lines, total, child_path,
                 &v->children[1]);
}

/* Fail on a key of object `obj` that is not a field of STRUCT `t`. */
static bk_status check_keys(build_ctx *c, const bk_type *t, json_t *obj, int64_t line,
                            const char *path) {
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) {
        bool known = false;
        for (uint32_t f = 0; f < t->n_children && !known; f++)
            known = strcmp(t->field_names[f], key) == 0;
        if (!known) {
            if (path[0]) return value_error(c, line, path, "unknown field \"%s\"", key);
            return bk_error_set(c->err, BK_INVALID_ARGUMENT,
                                "\"%s\": line %lld: unknown column \"%s\"", c->j->name,
                                (long long)line, key);
        }
    }
    (void)val;
    return BK_OK;
}

static bk_status build_struct(build_ctx *c, bk_vector *v, json_t **vals, const int64_t *lines,
                              size_t n, const char *path) {
    const bk_type *t = v->type;
    for (size_t i = 0; i < n; i++) {
        if (!vals[i] || json_is_null(vals[i])) {
            BK_TRY(set_null(c, v, i));
        } else if (!json_is_object(vals[i])) {
            return value_error(c, lines[i], path, "%s", "expected an object");
        } else {
            BK_TRY(check_keys(c, t, vals[i], lines[i], path));
        }
    }
    json_t **child_vals;
    int64_t *unused;
    BK_TRY(gather_alloc(c, n, &child_vals, &unused));
    for (uint32_t f = 0; f < t->n_children; f++) {
        for (size_t i = 0; i < n; i++)
            child_vals[i] = vals[i] && json_is_object(vals[i])
                                ? json_object_get(vals[i], t->field_names[f])
                                : NULL;
        char child_path[512];
        snprintf(child_path, sizeof child_path, "%s.%s", path, t->field_names[f]);
        BK_TRY(build(c, t->children[f], child_vals, lines, n, child_path, &v->children[f]));
    }
    return BK_OK;
}

/* Build a vector of type `t` from `n` JSON values (NULL pointers are NULL rows). */
static bk_status build(build_ctx *c, const bk_type *t, json_t **vals, const int64_t *lines,
                       size_t n, const char *path, bk_vector **out) {
    bk_vector *v = bk_vector_make(c->a, t, n);
    if (!v) return oom(c);
    if (t->kind == BK_TYPE_ARRAY) {
        BK_TRY(build_array(c, v, vals, lines, n, path));
    } else if (t->kind == BK_TYPE_MAP) {
        BK_TRY(build_map(c, v, vals, lines, n, path));
    } else if (t->kind == BK_TYPE_STRUCT) {
        BK_TRY(build_struct(c, v, vals, lines, n, path));
    } else {
        for (size_t i = 0; i < n; i++) {
            if (!vals[i] || json_is_null(vals[i]))
                BK_TRY(set_null(c, v, i));
            else
                BK_TRY(put_scalar(c, v, i, vals[i], lines[i], path));
        }
    }
    *out = v;
    return BK_OK;
}

bk_status cli_jsonl_next(cli_jsonl *j, bk_arena *a, size_t max_rows, bk_vector **cols,
                         size_t *n_rows, bk_error *err) {
    *n_rows = 0;
    release_temps(j);
    json_t **rows = bk_arena_array(a, max_rows, sizeof *rows);
    int64_t *lines = bk_arena_array(a, max_rows, sizeof *lines);
    if (!rows || !lines) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    size_t n = 0;
    bk_status st = BK_OK;
    while (n < max_rows && read_line(j, &st)) {
        const char *p = (const char *)j->text.data;
        size_t len = j->text.len;
        size_t k = 0;
        while (k < len && (p[k] == ' ' || p[k] == '\t')) k++;
        if (k == len) continue; /* blank line */
        json_error_t jerr;
        json_t *row = json_loadb(p, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
        if (!row) {
            st = bk_error_set(err, BK_INVALID_ARGUMENT, "\"%s\": line %lld: not valid JSON: %s",
                              j->name, (long long)j->line, jerr.text);
            break;
        }
        rows[n] = row;
        lines[n++] = j->line;
        if (!json_is_object(row)) {
            st = bk_error_set(err, BK_INVALID_ARGUMENT,
                              "\"%s\": line %lld: expected a JSON object per line", j->name,
                              (long long)j->line);
            break;
        }
    }
    if (st == BK_OUT_OF_MEMORY) bk_error_set(err, st, "\"%s\": out of memory", j->name);
    if (st == BK_OK && j->io_error)
        st = bk_error_set(err, BK_IO, "could not read \"%s\": %s", j->name, strerror(errno));
    build_ctx c = {j, a, err};
    const bk_type *schema = j->schema;
    for (size_t i = 0; i < n && st == BK_OK; i++)
        st = check_keys(&c, schema, rows[i], lines[i], "");
    json_t **vals = st == BK_OK ? bk_arena_array(a, n ? n : 1, sizeof *vals) : NULL;
    if (st == BK_OK && !vals) st = oom(&c);
    for (uint32_t f = 0; f < schema->n_children && st == BK_OK; f++) {
        for (size_t i = 0; i < n; i++) vals[i] = json_object_get(rows[i], schema->field_names[f]);
        st = build(&c, schema->children[f], vals, lines, n, schema->field_names[f], &cols[f]);
        bool required = schema->field_nullable && !schema->field_nullable[f];
        for (size_t i = 0; st == BK_OK && required && cols[f]->validity && i < n; i++)
            if (!bk_vector_is_valid(cols[f], i))
                st = value_error(&c, lines[i], schema->field_names[f], "%s",
                                 "NULL in a NOT NULL column");
    }
    for (size_t i = 0; i < n; i++) json_decref(rows[i]);
    release_temps(j);
    if (st != BK_OK) return st;
    *n_rows = n;
    return BK_OK;
}
