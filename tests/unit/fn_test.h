/*
 * fn_test.h — helpers for the function-library tests (test_fn_*.c): build
 * argument vectors, bind + cast + prepare + evaluate a library function the
 * way the binder and executor will, and render the result as text.
 *
 *     bk_arena *a = bk_arena_new(NULL, "t", 0);
 *     ASSERT_STR_EQ(FN(a, "upper", S(a, "abc")), "ABC");
 *
 * One-row arguments become constants (so `prepare` sees them), several rows
 * become input columns.  The text is bk_vector_format_value per row joined by
 * "|", or "ERR:<ERROR_CLASS>" when binding, casting or the kernel fails (the
 * message is kept in fn_test_last_error).
 */
#ifndef BRICKS_TESTS_UNIT_FN_TEST_H
#define BRICKS_TESTS_UNIT_FN_TEST_H

#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "engine/exec/cast.h"
#include "engine/exec/fn_library.h"

static bk_error fn_test_last_error;

static inline bk_vector *fn_vec(bk_arena *a, bk_type_kind k, size_t n) {
    return bk_vector_make(a, bk_type_scalar(k), n);
}

/* A one-row STRING (s == NULL: a NULL STRING). */
static inline bk_vector *S(bk_arena *a, const char *s) {
    bk_vector *v = fn_vec(a, BK_TYPE_STRING, 1);
    if (!s) {
        if (bk_vector_ensure_validity(a, v) != BK_OK) return NULL;
        bk_validity_set(v->validity, 0, false);
        return v;
    }
    ((bk_str *)v->data)[0] = bk_str_make(bk_arena_strdup(a, s), strlen(s));
    return v;
}

/* n rows of STRING; NULL pointers are NULL rows. */
static inline bk_vector *SV(bk_arena *a, size_t n, const char *const *s) {
    bk_vector *v = fn_vec(a, BK_TYPE_STRING, n);
    for (size_t i = 0; i < n; i++) {
        if (!s[i]) {
            if (bk_vector_ensure_validity(a, v) != BK_OK) return NULL;
            bk_validity_set(v->validity, i, false);
            continue;
        }
        ((bk_str *)v->data)[i] = bk_str_make(bk_arena_strdup(a, s[i]), strlen(s[i]));
    }
    return v;
}

static inline bk_vector *BIN(bk_arena *a, const char *bytes, size_t len) {
    bk_vector *v = fn_vec(a, BK_TYPE_BINARY, 1);
    ((bk_str *)v->data)[0] = bk_str_make(bk_arena_memdup(a, bytes, len ? len : 1), len);
    return v;
}

static inline bk_vector *I(bk_arena *a, int32_t x) {
    bk_vector *v = fn_vec(a, BK_TYPE_INT, 1);
    ((int32_t *)v->data)[0] = x;
    return v;
}

static inline bk_vector *L(bk_arena *a, int64_t x) {
    bk_vector *v = fn_vec(a, BK_TYPE_BIGINT, 1);
    ((int64_t *)v->data)[0] = x;
    return v;
}

static inline bk_vector *TINY(bk_arena *a, int8_t x) {
    bk_vector *v = fn_vec(a, BK_TYPE_TINYINT, 1);
    ((int8_t *)v->data)[0] = x;
    return v;
}

static inline bk_vector *D(bk_arena *a, double x) {
    bk_vector *v = fn_vec(a, BK_TYPE_DOUBLE, 1);
    ((double *)v->data)[0] = x;
    return v;
}

static inline bk_vector *BOOL(bk_arena *a, bool x) {
    bk_vector *v = fn_vec(a, BK_TYPE_BOOLEAN, 1);
    ((uint8_t *)v->data)[0] = x;
    return v;
}

/* The NULL literal (VOID). */
static inline bk_vector *NUL(bk_arena *a) { return fn_vec(a, BK_TYPE_VOID, 1); }

/* A DECIMAL(p,s) from its text, through CAST. */
static inline bk_vector *DEC(bk_arena *a, const char *text, int p, int s) {
    exec_cast_opts o = {.ansi = true};
    bk_vector *out = NULL;
    if (exec_cast(a, S(a, text), bk_type_make_decimal(a, p, s), &o, &out, NULL) != BK_OK)
        return NULL;
    return out;
}

static inline const char *fn_err(bk_arena *a, bk_status st) {
    return bk_arena_printf(a, "ERR:%s", bk_code_name((bk_code)st));
}

/* Bind, cast, prepare and evaluate `name` over argv (n_args vectors of one length). */
static inline const char *fn_call(bk_arena *a, bool ansi, const char *name, uint32_t n_args,
                                  bk_vector **argv) {
    bk_error *err = &fn_test_last_error;
    bk_error_clear(err);
    const exec_fn_def *def = exec_fn_lookup(name);
    if (!def) return "ERR:NO_SUCH_FUNCTION";
    if ((int)n_args < def->min_args || (def->max_args >= 0 && (int)n_args > def->max_args))
        return "ERR:WRONG_NUM_ARGS";
    size_t n = n_args ? argv[0]->n : 1;
    const bk_type *types[16], *cast_to[16] = {0}, *result = NULL;
    for (uint32_t k = 0; k < n_args; k++) types[k] = argv[k]->type;
    bk_status st = def->bind(a, types, n_args, cast_to, &result, err);
    if (st != BK_OK) return fn_err(a, st);
    exec_chunk chunk = {.n = n, .n_cols = n_args};
    chunk.cols = bk_arena_array(a, n_args ? n_args : 1, sizeof *chunk.cols);
    exec_expr **args = bk_arena_array(a, n_args ? n_args : 1, sizeof *args);
    exec_cast_opts o = {.ansi = ansi};
    for (uint32_t k = 0; k < n_args; k++) {
        bk_vector *v = argv[k];
        if (!bk_type_equal(v->type, cast_to[k])) {
            st = exec_cast(a, v, cast_to[k], &o, &v, err);
            if (st != BK_OK) return fn_err(a, st);
        }
        chunk.cols[k] = v;
        args[k] = n == 1 ? exec_expr_const(a, v) : exec_expr_column(a, k, v->type);
    }
    exec_expr *e = exec_expr_call(a, name, def->kernel, result, args, n_args);
    if (def->prepare && (st = def->prepare(a, e, err)) != BK_OK) return fn_err(a, st);
    exec_ctx ctx = {.arena = a, .ansi = ansi};
    bk_vector *out;
    st = exec_eval(&ctx, a, e, &chunk, &out, err);
    if (st != BK_OK) return fn_err(a, st);
    if (out->n != n || !bk_type_equal(out->type, result)) return "ERR:BAD_RESULT_SHAPE";
    bk_buf b;
    bk_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        if (i && bk_buf_append(&b, "|", 1) != BK_OK) return "ERR:OOM";
        if (bk_vector_format_value(out, i, &b) != BK_OK) return "ERR:FORMAT";
    }
    const char *text = bk_arena_strndup(a, b.len ? (const char *)b.data : "", b.len);
    bk_buf_destroy(&b);
    return text;
}

/* The result type of binding `name` over argv, as Spark spells it, or "ERR:...". */
static inline const char *fn_type(bk_arena *a, const char *name, uint32_t n_args,
                                  bk_vector **argv) {
    const exec_fn_def *def = exec_fn_lookup(name);
    if (!def) return "ERR:NO_SUCH_FUNCTION";
    const bk_type *types[16], *cast_to[16] = {0}, *result = NULL;
    for (uint32_t k = 0; k < n_args; k++) types[k] = argv[k]->type;
    bk_status st = def->bind(a, types, n_args, cast_to, &result, &fn_test_last_error);
    if (st != BK_OK) return fn_err(a, st);
    char *text = bk_arena_alloc(a, 128);
    bk_type_format(result, text, 128);
    return text;
}

#define FN_ARGV(...) ((bk_vector *[]){__VA_ARGS__})
#define FN_NARGS(...) ((uint32_t)(sizeof FN_ARGV(__VA_ARGS__) / sizeof(bk_vector *)))
/* FN(a, "name", args...): ANSI mode; FN_LEGACY: spark.sql.ansi.enabled = false. */
#define FN(a, name, ...) fn_call((a), true, (name), FN_NARGS(__VA_ARGS__), FN_ARGV(__VA_ARGS__))
#define FN_LEGACY(a, name, ...)                                                                    \
    fn_call((a), false, (name), FN_NARGS(__VA_ARGS__), FN_ARGV(__VA_ARGS__))
#define FN0(a, name) fn_call((a), true, (name), 0, NULL)
#define FN_TYPE(a, name, ...) fn_type((a), (name), FN_NARGS(__VA_ARGS__), FN_ARGV(__VA_ARGS__))

#endif
