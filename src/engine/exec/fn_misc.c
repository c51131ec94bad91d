/*
 * fn_misc.c — conditional and NULL-handling functions as plain kernels:
 * coalesce / nvl / ifnull, nullif, nvl2, if, isnull / isnotnull, isnan, nanvl,
 * nullifzero / zeroifnull, equal_null, typeof, assert_true, raise_error, uuid.
 *
 * These kernels see every argument evaluated for every row.  The binder may
 * instead plan coalesce, if and nvl2 as a lazy CASE (so an argument not chosen
 * cannot raise an error); the kernels here give the same results otherwise.
 * Argument types are unified with Spark's wider common type (ANSI rules).
 */
#include <math.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/uuid.h"
#include "base/vector.h"
#include "engine/exec/fn_library_int.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

static bk_status no_common_type(bk_error *err, const char *fn) {
    return bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "DATA_DIFF_TYPES",
                            "Cannot resolve \"%s(...)\" due to data type mismatch: Input to "
                            "`%s` should all be the same type, but it's not.",
                            fn, fn);
}

/* Every argument in [from, n_args) unified to one type, which is the result. */
static bk_status bind_common(bk_arena *a, const char *fn, const bk_type *const *args, uint32_t from,
                             uint32_t n_args, const bk_type **cast_to, const bk_type **result,
                             bk_error *err) {
    const bk_type *t = exec_fnlib_common_type(a, args, from, n_args);
    if (!t) return bk_arena_failed(a) ? bk_arena_oom(a, err) : no_common_type(err, fn);
    for (uint32_t k = from; k < n_args; k++) cast_to[k] = t;
    *result = t;
    return BK_OK;
}

static int32_t *picks(const exec_call *call, size_t n) {
    return bk_arena_array(call->a, n ? n : 1, sizeof(int32_t));
}

/* ---- coalesce, nvl, ifnull ---- */

static EXEC_BIND(bind_coalesce) {
    return bind_common(a, "coalesce", args, 0, n_args, cast_to, result, err);
}

/* coalesce(a, b, ...): the first non-NULL argument of each row. */
static EXEC_KERNEL(k_coalesce) {
    uint32_t n_args = call->expr->n_args;
    int32_t *pick = picks(call, n);
    if (!pick) return bk_arena_oom(call->a, err);
    for (size_t i = 0; i < n; i++) {
        pick[i] = -1;
        for (uint32_t k = 0; k < n_args; k++)
            if (bk_vector_is_valid(args[k], i)) {
                pick[i] = (int32_t)k;
                break;
            }
    }
    return exec_fnlib_pick(call, call->expr->type, args, n_args, pick, n, out, err);
}

/* ---- nullif, equal_null ---- */

static EXEC_BIND(bind_nullif) {
    return bind_common(a, "nullif", args, 0, n_args, cast_to, result, err);
}

/* nullif(a, b): NULL when a = b, else a. */
static EXEC_KERNEL(k_nullif) {
    bk_vector *eq;
    BK_TRY(exec_fn_eq(call, args, n, &eq, err));
    int32_t *pick = picks(call, n);
    if (!pick) return bk_arena_oom(call->a, err);
    const uint8_t *e = eq->data;
    for (size_t i = 0; i < n; i++) pick[i] = bk_vector_is_valid(eq, i) && e[i] ? -1 : 0;
    return exec_fnlib_pick(call, call->expr->type, args, 1, pick, n, out, err);
}

static EXEC_BIND(bind_equal_null) {
    BK_TRY(bind_common(a, "equal_null", args, 0, n_args, cast_to, result, err));
    *result = T(BK_TYPE_BOOLEAN);
    return BK_OK;
}

/* ---- nvl2, if ---- */

static EXEC_BIND(bind_nvl2) {
    BK_TRY(bind_common(a, "nvl2", args, 1, n_args, cast_to, result, err));
    cast_to[0] = args[0];
    return BK_OK;
}

/* nvl2(a, b, c): b when a is not NULL, else c. */
static EXEC_KERNEL(k_nvl2) {
    int32_t *pick = picks(call, n);
    if (!pick) return bk_arena_oom(call->a, err);
    for (size_t i = 0; i < n; i++) pick[i] = bk_vector_is_valid(args[0], i) ? 0 : 1;
    return exec_fnlib_pick(call, call->expr->type, args + 1, 2, pick, n, out, err);
}

static EXEC_BIND(bind_if) {
    BK_TRY(exec_fnlib_expect("if", args, 0, T(BK_TYPE_BOOLEAN), cast_to, err));
    return bind_common(a, "if", args, 1, n_args, cast_to, result, err);
}

/* if(cond, a, b): a where cond is true, b where it is false or NULL. */
static EXEC_KERNEL(k_if) {
    int32_t *pick = picks(call, n);
    if (!pick) return bk_arena_oom(call->a, err);
    const uint8_t *c = args[0]->data;
    for (size_t i = 0; i < n; i++) pick[i] = bk_vector_is_valid(args[0], i) && c[i] ? 0 : 1;
    return exec_fnlib_pick(call, call->expr->type, args + 1, 2, pick, n, out, err);
}

/* ---- NULL and NaN tests ---- */

static EXEC_BIND(bind_any_bool) {
    (void)a;
    (void)err;
    for (uint32_t k = 0; k < n_args; k++) cast_to[k] = args[k];
    *result = T(BK_TYPE_BOOLEAN);
    return BK_OK;
}

static EXEC_BIND(bind_double_bool) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_BOOLEAN);
    return exec_fnlib_expect("isnan", args, 0, T(BK_TYPE_DOUBLE), cast_to, err);
}

/* isnan(x): true for NaN; false for NULL (never NULL itself). */
static EXEC_KERNEL(k_isnan) {
    (void)err;
    bk_vector *v = bk_vector_make(call->a, T(BK_TYPE_BOOLEAN), n);
    if (!v) return bk_arena_oom(call->a, err);
    const double *x = args[0]->data;
    uint8_t *r = v->data;
    for (size_t i = 0; i < n; i++) r[i] = bk_vector_is_valid(args[0], i) && isnan(x[i]);
    *out = v;
    return BK_OK;
}

static EXEC_BIND(bind_nanvl) {
    (void)a;
    (void)n_args;
    bool both_float = args[0]->kind == BK_TYPE_FLOAT && args[1]->kind == BK_TYPE_FLOAT;
    *result = T(both_float ? BK_TYPE_FLOAT : BK_TYPE_DOUBLE);
    return exec_fnlib_expect_all("nanvl", args, 0, 2, *result, cast_to, err);
}

/* nanvl(a, b): b when a is NaN, else a (NULL a gives NULL). */
static EXEC_KERNEL(k_nanvl) {
    int32_t *pick = picks(call, n);
    if (!pick) return bk_arena_oom(call->a, err);
    bool is_float = call->expr->type->kind == BK_TYPE_FLOAT;
    for (size_t i = 0; i < n; i++) {
        double x =
            is_float ? ((const float *)args[0]->data)[i] : ((const double *)args[0]->data)[i];
        pick[i] = !bk_vector_is_valid(args[0], i) ? -1 : isnan(x) ? 1 : 0;
    }
    return exec_fnlib_pick(call, call->expr->type, args, 2, pick, n, out, err);
}

/* ---- nullifzero, zeroifnull ---- */

static EXEC_BIND(bind_numeric_same) {
    (void)a;
    (void)n_args;
    const bk_type *t = args[0];
    if (t->kind == BK_TYPE_VOID || t->kind == BK_TYPE_STRING) t = T(BK_TYPE_DOUBLE);
    if (!exec_fnlib_is_numeric(t))
        return exec_fnlib_mismatch(err, "zeroifnull", 0, "\"NUMERIC\"", t);
    cast_to[0] = t;
    *result = t;
    return BK_OK;
}

static bool is_zero(const bk_vector *x, size_t i, size_t width) {
    const unsigned char *p = (const unsigned char *)x->data + i * width;
    if (x->type->kind == BK_TYPE_DOUBLE) return ((const double *)x->data)[i] == 0;
    if (x->type->kind == BK_TYPE_FLOAT) return ((const float *)x->data)[i] == 0;
    for (size_t b = 0; b < width; b++)
        if (p[b]) return false;
    return true;
}

/* nullifzero(x): NULL when x = 0.  zeroifnull(x): 0 when x is NULL. */
static bk_status zero_null(const exec_call *call, bool to_null, bk_vector *const *args, size_t n,
                           bk_vector **out, bk_error *err) {
    const bk_type *t = call->expr->type;
    size_t width = bk_type_width(t);
    bk_vector *v = bk_vector_make(call->a, t, n);
    if (!v) return bk_arena_oom(call->a, err);
    for (size_t i = 0; i < n; i++) {
        bool valid = bk_vector_is_valid(args[0], i);
        if (valid)
            memcpy((char *)v->data + i * width, (const char *)args[0]->data + i * width, width);
        if (to_null && (!valid || is_zero(args[0], i, width))) {
            memset((char *)v->data + i * width, 0, width);
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
        }
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_nullifzero) { return zero_null(call, true, args, n, out, err); }
static EXEC_KERNEL(k_zeroifnull) { return zero_null(call, false, args, n, out, err); }

/* ---- typeof ---- */

/* Spark's DataType.simpleString / catalogString: "int", "decimal(10,2)", "array<int>". */
static bk_status type_text(const bk_type *t, bk_buf *b) {
    static const char *const names[BK_TYPE_KIND_COUNT] = {
        [BK_TYPE_VOID] = "void",
        [BK_TYPE_BOOLEAN] = "boolean",
        [BK_TYPE_TINYINT] = "tinyint",
        [BK_TYPE_SMALLINT] = "smallint",
        [BK_TYPE_INT] = "int",
        [BK_TYPE_BIGINT] = "bigint",
        [BK_TYPE_FLOAT] = "float",
        [BK_TYPE_DOUBLE] = "double",
        [BK_TYPE_STRING] = "string",
        [BK_TYPE_BINARY] = "binary",
        [BK_TYPE_DATE] = "date",
        [BK_TYPE_TIMESTAMP] = "timestamp",
        [BK_TYPE_TIMESTAMP_NTZ] = "timestamp_ntz",
        [BK_TYPE_TIME] = "time(6)",
    };
    switch (t->kind) {
    case BK_TYPE_DECIMAL:
        return bk_buf_printf(b, "decimal(%d,%d)", t->precision, t->scale);
    case BK_TYPE_ARRAY:
        BK_TRY(bk_buf_printf(b, "array<"));
        BK_TRY(type_text(t->children[0], b));
        return bk_buf_printf(b, ">");
    case BK_TYPE_MAP:
        BK_TRY(bk_buf_printf(b, "map<"));
        BK_TRY(type_text(t->children[0], b));
        BK_TRY(bk_buf_printf(b, ","));
        BK_TRY(type_text(t->children[1], b));
        return bk_buf_printf(b, ">");
    case BK_TYPE_STRUCT:
        BK_TRY(bk_buf_printf(b, "struct<"));
        for (uint32_t k = 0; k < t->n_children; k++) {
            BK_TRY(bk_buf_printf(b, "%s%s:", k ? "," : "", t->field_names[k]));
            BK_TRY(type_text(t->children[k], b));
        }
        return bk_buf_printf(b, ">");
    case BK_TYPE_INTERVAL_YM:
    case BK_TYPE_INTERVAL_DT: { /* "interval day to second": the SQL spelling in lower case */
        char text[64];
        bk_type_format(t, text, sizeof text);
        for (char *c = text; *c; c++) *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        return bk_buf_printf(b, "%s", text);
    }
    default:
        return bk_buf_printf(
            b, "%s", t->kind < BK_TYPE_KIND_COUNT && names[t->kind] ? names[t->kind] : "unknown");
    }
}

static EXEC_BIND(bind_typeof) {
    (void)a;
    (void)err;
    (void)n_args;
    cast_to[0] = args[0];
    *result = T(BK_TYPE_STRING);
    return BK_OK;
}

/* typeof(x): the argument's type as Spark spells it, for every row (never NULL). */
static EXEC_KERNEL(k_typeof) {
    bk_buf b;
    bk_buf_init(&b);
    bk_status st = type_text(args[0]->type, &b);
    char *text =
        st == BK_OK ? bk_arena_strndup(call->a, b.data ? (const char *)b.data : "", b.len) : NULL;
    size_t len = b.len;
    bk_buf_destroy(&b);
    bk_vector *v = text ? bk_vector_make(call->a, T(BK_TYPE_STRING), n) : NULL;
    if (!v) return bk_arena_oom(call->a, err);
    bk_str *r = v->data;
    for (size_t i = 0; i < n; i++) r[i] = bk_str_make(text, len);
    *out = v;
    return BK_OK;
}

/* ---- assert_true, raise_error ---- */

static EXEC_BIND(bind_assert_true) {
    (void)a;
    *result = T(BK_TYPE_VOID);
    BK_TRY(exec_fnlib_expect("assert_true", args, 0, T(BK_TYPE_BOOLEAN), cast_to, err));
    if (n_args == 2)
        BK_TRY(exec_fnlib_expect("assert_true", args, 1, T(BK_TYPE_STRING), cast_to, err));
    return BK_OK;
}

static bk_status user_error(bk_error *err, bk_str msg) {
    return bk_error_set(err, BK_USER_RAISED_EXCEPTION, "%.*s", (int)msg.len, msg.ptr);
}

/*
 * assert_true(cond[, msg]): NULL when cond is true; otherwise (false or NULL)
 * fails with USER_RAISED_EXCEPTION: msg, or "'<cond>' is not true!".
 */
static EXEC_KERNEL(k_assert_true) {
    const uint8_t *c = args[0]->data;
    for (size_t i = 0; i < n; i++) {
        if (bk_vector_is_valid(args[0], i) && c[i]) continue;
        if (call->expr->n_args == 2) {
            bk_str m = bk_vector_is_valid(args[1], i) ? ((const bk_str *)args[1]->data)[i]
                                                      : bk_str_make("null", 4);
            return user_error(err, m);
        }
        bk_buf b;
        bk_buf_init(&b);
        bk_status st = call->expr->n_args ? exec_expr_format(call->expr->args[0], NULL, &b) : BK_OK;
        bk_error_set(err, BK_USER_RAISED_EXCEPTION, "'%.*s' is not true!",
                     st == BK_OK ? (int)b.len : 1,
                     st == BK_OK && b.data ? (const char *)b.data : "?");
        bk_buf_destroy(&b);
        return BK_USER_RAISED_EXCEPTION;
    }
    bk_vector *v = bk_vector_make(call->a, T(BK_TYPE_VOID), n);
    if (!v) return bk_arena_oom(call->a, err);
    *out = v;
    return BK_OK;
}

static EXEC_BIND(bind_raise_error) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_VOID);
    return exec_fnlib_expect("raise_error", args, 0, T(BK_TYPE_STRING), cast_to, err);
}

/* raise_error(msg): fails with USER_RAISED_EXCEPTION (msg NULL reads "null") on any row. */
static EXEC_KERNEL(k_raise_error) {
    if (n > 0) {
        size_t i = 0;
        bk_str m = bk_vector_is_valid(args[0], i) ? ((const bk_str *)args[0]->data)[i]
                                                  : bk_str_make("null", 4);
        return user_error(err, m);
    }
    bk_vector *v = bk_vector_make(call->a, T(BK_TYPE_VOID), n);
    if (!v) return bk_arena_oom(call->a, err);
    *out = v;
    return BK_OK;
}

/* ---- uuid ---- */

static EXEC_BIND(bind_uuid) {
    (void)a;
    (void)args;
    (void)n_args;
    (void)cast_to;
    (void)err;
    *result = T(BK_TYPE_STRING);
    return BK_OK;
}

/* uuid(): a random version 4 UUID per row. */
static EXEC_KERNEL(k_uuid) {
    (void)args;
    bk_vector *v = bk_vector_make(call->a, T(BK_TYPE_STRING), n);
    char *text = bk_arena_alloc(call->a, n * 36 + 1);
    if (!v || !text) return bk_arena_oom(call->a, err);
    bk_str *r = v->data;
    for (size_t i = 0; i < n; i++) {
        char one[37];
        bk_uuid_v4_text(one);
        memcpy(text + i * 36, one, 36);
        r[i] = bk_str_make(text + i * 36, 36);
    }
    *out = v;
    return BK_OK;
}

const exec_fn_def exec_fn_misc_defs[] = {
    {"coalesce", 1, -1, bind_coalesce, k_coalesce, NULL},
    {"nvl", 2, 2, bind_coalesce, k_coalesce, NULL},
    {"ifnull", 2, 2, bind_coalesce, k_coalesce, NULL},
    {"nullif", 2, 2, bind_nullif, k_nullif, NULL},
    {"equal_null", 2, 2, bind_equal_null, exec_fn_eq_null_safe, NULL},
    {"nvl2", 3, 3, bind_nvl2, k_nvl2, NULL},
    {"if", 3, 3, bind_if, k_if, NULL},
    {"iff", 3, 3, bind_if, k_if, NULL},
    {"isnull", 1, 1, bind_any_bool, exec_fn_is_null, NULL},
    {"isnotnull", 1, 1, bind_any_bool, exec_fn_is_not_null, NULL},
    {"isnan", 1, 1, bind_double_bool, k_isnan, NULL},
    {"nanvl", 2, 2, bind_nanvl, k_nanvl, NULL},
    {"nullifzero", 1, 1, bind_numeric_same, k_nullifzero, NULL},
    {"zeroifnull", 1, 1, bind_numeric_same, k_zeroifnull, NULL},
    {"typeof", 1, 1, bind_typeof, k_typeof, NULL},
    {"assert_true", 1, 2, bind_assert_true, k_assert_true, NULL},
    {"raise_error", 1, 1, bind_raise_error, k_raise_error, NULL},
    {"uuid", 0, 0, bind_uuid, k_uuid, NULL},
};

const size_t exec_fn_misc_n = sizeof exec_fn_misc_defs / sizeof exec_fn_misc_defs[0];
