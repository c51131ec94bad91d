/*
 * fn_json.h — what the JSON function files share (private to exec/):
 * fn_to_json.c's to_json, listed in fn_json.c's table, and Jackson's string
 * escaping that both use.
 */
#ifndef BRICKS_ENGINE_EXEC_FN_JSON_H
#define BRICKS_ENGINE_EXEC_FN_JSON_H

#include <string.h>

#include "engine/exec/fn_library_int.h"

/* A cursor over JSON text: the next byte at p, the text ends at end. */
typedef struct exec_jcur {
    const char *p, *end;
} exec_jcur;

/* Skip JSON whitespace. */
static inline void exec_jcur_ws(exec_jcur *c) {
    while (c->p < c->end &&
           (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

/* Consume the literal `w` (true, false, null) when it comes next. */
static inline bool exec_jcur_word(exec_jcur *c, const char *w) {
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) return false;
    c->p += n;
    return true;
}

/*
 * The JSON string at c->p (its opening quote) unescaped into out (room for as
 * many bytes as the source text; NULL: only validate), *out_len its length
 * (may be NULL).  Leaves c->p after the closing quote; false when malformed
 * (raw control characters and bad escapes are errors, as in Jackson).
 */
bool exec_json_scan_string(exec_jcur *c, char *out, size_t *out_len);

/*
 * The options argument of a JSON function must be a MAP<STRING, STRING>:
 * INVALID_OPTIONS.NON_MAP_FUNCTION / NON_STRING_TYPE otherwise (fn_json_schema.c).
 */
bk_status exec_json_check_options(const bk_type *m, bk_error *err);

/* fn_from_json.c: from_json(json, schema[, options]), listed in fn_json.c's table */
EXEC_BIND(exec_json_bind_from_json);
EXEC_KERNEL(exec_json_from_json);
bk_status exec_json_prepare_from_json(bk_arena *a, exec_expr *e, bk_error *err);

/* fn_json_schema.c: schema_of_json(json[, options]), listed in fn_json.c's table */
EXEC_BIND(exec_json_bind_schema_of_json);
EXEC_KERNEL(exec_json_schema_of_json);
bk_status exec_json_prepare_schema_of_json(bk_arena *a, exec_expr *e, bk_error *err);

/*
 * Write u[0..n) as a JSON string with Jackson's escaping (the quotes included)
 * at o, which has room for 6 * n + 2 bytes; returns the bytes written.
 */
size_t exec_json_escape(char *o, const char *u, size_t n);

EXEC_BIND(exec_json_bind_to_json); /* to_json(STRUCT|MAP|ARRAY[, MAP<STRING,STRING>]) */
EXEC_KERNEL(exec_json_to_json);

#endif
