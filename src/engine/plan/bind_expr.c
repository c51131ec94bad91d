/*
 * bind_expr.c — typing and resolving expressions.
 *
 * Literals get Spark's types (1 INT, 2147483648 BIGINT, 1.5 DECIMAL(2,1), 1e3
 * DOUBLE, 'a' STRING, NULL VOID, DATE '…'); columns resolve by name, case-
 * insensitively, optionally qualified; operators follow Spark's coercion
 * (coerce.h) and get the kernel for their operand type; CASE, BETWEEN, IN and
 * IS become the lazy CASE/AND/OR expressions of the executor.  Uncorrelated
 * subqueries run here: a scalar one becomes a constant, IN (subquery) a hash
 * set, EXISTS a boolean.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/dtparse.h"
#include "base/i128.h"
#include "base/str.h"
#include "base/tz.h"
#include "engine/exec/cast.h"
#include "engine/exec/datetime_fn.h"
#include "engine/exec/fn_library.h"
#include "engine/exec/functions.h"
#include "engine/plan/binder_int.h"
#include "engine/plan/coerce.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

bk_status bind_error_at(binder *b, const sql_expr *e, bk_error *err) {
    (void)b;
    if (err && e && err->sql_pos < 0) err->sql_pos = (int)e->span.off;
    return err ? err->code : BK_INTERNAL;
}

static bk_status error_at(binder *b, const sql_expr *e, bk_error *err, bk_code code,
                          const char *fmt, const char *a1, const char *a2) {
    bk_error_set(err, code, fmt, a1, a2);
    return bind_error_at(b, e, err);
}

/* error_at with Spark's sub-class of code's class ("BINARY_OP_DIFF_TYPES"). */
static bk_status error_sub_at(binder *b, const sql_expr *e, bk_error *err, bk_code code,
                              const char *sub, const char *fmt, const char *a1, const char *a2) {
    bk_error_set_sub(err, code, sub, fmt, a1, a2);
    return bind_error_at(b, e, err);
}

static const char *type_name(binder *b, const bk_type *t) {
    char buf[256];
    bk_type_format(t, buf, sizeof buf);
    const char *s = bk_arena_strdup(b->a, buf);
    return s ? s : "?";
}

/* The source text of e, for messages. */
static const char *source(binder *b, const sql_expr *e) {
    const char *s = bk_arena_strndup(b->a, b->text + e->span.off, e->span.len);
    return s ? s : "?";
}

/* The source text of e in double quotes, as Spark quotes an expression in messages. */
static const char *quoted_source(binder *b, const sql_expr *e) {
    const char *s = bk_arena_printf(b->a, "\"%.*s\"", (int)e->span.len, b->text + e->span.off);
    return s ? s : "\"?\"";
}

/*
 * Text builders for messages and column names: a failure to grow (out of
 * memory) only shortens the text, which the arena's own OOM then reports.
 */
static void pp_append(bk_buf *out, const void *s, size_t n) {
    if (bk_buf_append(out, s, n) != BK_OK) return;
}

static void BK_PRINTF(2, 3) pp_printf(bk_buf *out, const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) pp_append(out, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ---- constants ---- */

static exec_expr *const_of(binder *b, const bk_type *type, const void *value) {
    bk_vector *v = bk_vector_make(b->a, type, 1);
    if (!v) return NULL;
    if (!value) {
        if (bk_vector_ensure_validity(b->a, v) != BK_OK) return NULL;
        bk_validity_set(v->validity, 0, false);
    } else if (bk_type_width(type)) {
        memcpy(v->data, value, bk_type_width(type));
    }
    return exec_expr_const(b->a, v);
}

static bk_status number_literal(binder *b, const sql_expr *e, exec_expr **out, bk_error *err) {
    const char *t = e->text;
    size_t len = e->text_len;
    char suffix = 0;
    bool bd = len > 2 && (t[len - 1] == 'D' || t[len - 1] == 'd') &&
              (t[len - 2] == 'B' || t[len - 2] == 'b');
    if (bd) {
        len -= 2;
    } else if (len > 1 && strchr("LlSsYyDdFf", t[len - 1])) {
        suffix = (char)(t[len - 1] | 0x20);
        len--;
    }
    bool frac = memchr(t, '.', len) != NULL;
    bool expo = memchr(t, 'e', len) || memchr(t, 'E', len);
    bk_status s = BK_OK;
    if (suffix == 'd' || suffix == 'f' || (!bd && !suffix && expo)) {
        double d;
        if (!bk_parse_double(t, len, &d)) goto bad;
        if (suffix == 'f') {
            float f = (float)d;
            *out = const_of(b, T(BK_TYPE_FLOAT), &f);
        } else {
            *out = const_of(b, T(BK_TYPE_DOUBLE), &d);
        }
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    if (suffix == 'l' || suffix == 's' || suffix == 'y' || (!bd && !frac)) {
        int64_t v;
        if (!bk_parse_i64(t, len, &v)) {
            if (suffix) goto out_of_range;
            goto as_decimal; /* beyond BIGINT: a DECIMAL(n, 0) as Spark */
        }
        if (suffix == 's' && (v < INT16_MIN || v > INT16_MAX)) goto out_of_range;
        if (suffix == 'y' && (v < INT8_MIN || v > INT8_MAX)) goto out_of_range;
        if (suffix == 's') {
            int16_t x = (int16_t)v;
            *out = const_of(b, T(BK_TYPE_SMALLINT), &x);
        } else if (suffix == 'y') {
            int8_t x = (int8_t)v;
            *out = const_of(b, T(BK_TYPE_TINYINT), &x);
        } else if (!suffix && v >= INT32_MIN && v <= INT32_MAX) {
            int32_t x = (int32_t)v;
            *out = const_of(b, T(BK_TYPE_INT), &x);
        } else {
            *out = const_of(b, T(BK_TYPE_BIGINT), &v);
        }
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
as_decimal : {
    bk_i128 unscaled;
    int scale;
    if (bk_i128_parse(t, len, &unscaled, &scale) != BK_I128_PARSE_OK) goto bad;
    if (scale < 0) {
        if (!bk_i128_mul_pow10(unscaled, -scale, &unscaled)) goto bad;
        scale = 0;
    }
    int digits = bk_i128_digits(unscaled);
    int precision = digits > scale ? digits : scale;
    if (precision < 1) precision = 1;
    if (precision > BK_DECIMAL_MAX_PRECISION) goto bad;
    const bk_type *dt = bk_type_make_decimal(b->a, precision, scale);
    if (!dt) return bk_arena_oom(b->a, err);
    if (precision <= BK_DECIMAL_INT64_MAX_PRECISION) {
        int64_t x = bk_i128_low_i64(unscaled);
        *out = const_of(b, dt, &x);
    } else {
        *out = const_of(b, dt, &unscaled);
    }
    return *out ? BK_OK : bk_arena_oom(b->a, err);
}
out_of_range:
    s = error_at(b, e, err, BK_INVALID_NUMERIC_LITERAL_RANGE,
                 "Numeric literal %s is outside the valid range for its type.%s",
                 source(b, e), "");
    return s;
bad:
    return error_at(b, e, err, BK_PARSE_SYNTAX_ERROR,
                    "Syntax error at or near '%s': not a valid number.%s", source(b, e), "");
}

static bk_status string_literal(binder *b, const sql_expr *e, exec_expr **out, bk_error *err) {
    bk_str s = {e->text, e->text_len};
    *out = const_of(b, T(BK_TYPE_STRING), &s);
    return *out ? BK_OK : bk_arena_oom(b->a, err);
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* X'0A1B': BINARY bytes from hex digits; an odd count gets a leading 0 (X'1' is X'01'). */
static bk_status binary_literal(binder *b, const sql_expr *e, exec_expr **out, bk_error *err) {
    size_t n = e->text_len, odd = n & 1;
    uint8_t *bytes = bk_arena_alloc(b->a, n / 2 + odd + 1);
    if (!bytes) return bk_arena_oom(b->a, err);
    for (size_t i = 0, o = 0; i < n; o++) {
        int hi = odd && i == 0 ? 0 : hex_digit(e->text[i++]);
        int lo = hex_digit(e->text[i++]);
        if (hi < 0 || lo < 0)
            return error_at(b, e, err, BK_INVALID_TYPED_LITERAL,
                            "The value of the typed literal \"X\" is invalid: '%s'.%s", e->text,
                            "");
        bytes[o] = (uint8_t)(hi << 4 | lo);
    }
    bk_str v = {(const char *)bytes, n / 2 + odd};
    *out = const_of(b, T(BK_TYPE_BINARY), &v);
    return *out ? BK_OK : bk_arena_oom(b->a, err);
}

static bk_status typed_literal(binder *b, const sql_expr *e, exec_expr **out, bk_error *err) {
    /* DATE 'today', TIMESTAMP 'now', ...: in the session zone, at the statement's start */
    int64_t special;
    const exec_ctx *ctx = b->env->exec;
    bk_type_kind kind = strcmp(e->type_name, "DATE") == 0            ? BK_TYPE_DATE
                        : strcmp(e->type_name, "TIMESTAMP_NTZ") == 0 ? BK_TYPE_TIMESTAMP_NTZ
                                                                     : BK_TYPE_TIMESTAMP;
    if (ctx && exec_dt_special_value(e->text, e->text_len, kind, ctx->now_micros,
                                     ctx->tz ? ctx->tz : bk_tz_utc(), &special)) {
        int32_t d = (int32_t)special;
        *out = const_of(b, T(kind), kind == BK_TYPE_DATE ? (const void *)&d : &special);
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    if (strcmp(e->type_name, "DATE") == 0) {
        int32_t d;
        if (!bk_dtparse_date(e->text, e->text_len, &d))
            return error_at(b, e, err, BK_INVALID_TYPED_LITERAL,
                            "The value of the typed literal \"DATE\" is invalid: '%s'.%s",
                            e->text, "");
        *out = const_of(b, T(BK_TYPE_DATE), &d);
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    bool ntz = strcmp(e->type_name, "TIMESTAMP_NTZ") == 0;
    bk_dtparse_ts ts;
    if (exec_cast_timestamp_region(e->text, e->text_len, ntz, &special)) { /* '… Europe/Paris' */
        *out = const_of(b, T(kind), &special);
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    if (!bk_dtparse_timestamp(e->text, e->text_len, &ts))
        return error_at(b, e, err, BK_INVALID_TYPED_LITERAL,
                        "The value of the typed literal \"%s\" is invalid: '%s'.",
                        e->type_name, e->text);
    int64_t micros = ts.local_micros;
    if (!ntz && ts.has_zone)
        micros -= (int64_t)ts.zone_offset * BK_MICROS_PER_SECOND;
    else if (!ntz && b->env->exec && b->env->exec->tz)
        micros = bk_tz_local_to_utc(b->env->exec->tz, micros); /* the session zone's wall clock */
    *out = const_of(b, T(ntz ? BK_TYPE_TIMESTAMP_NTZ : BK_TYPE_TIMESTAMP), &micros);
    return *out ? BK_OK : bk_arena_oom(b->a, err);
}

bool bind_expr_reads_column(const exec_expr *e) {
    if (e->kind == EXEC_EXPR_COLUMN) return true;
    for (uint32_t i = 0; i < e->n_args; i++)
        if (bind_expr_reads_column(e->args[i])) return true;
    return false;
}

bk_status bind_const_value(binder *b, const exec_expr *e, bk_vector **out, bk_error *err) {
    exec_chunk one = {.n = 1, .n_cols = 0};
    exec_ctx *ctx = b->env->exec;
    return exec_eval(ctx, b->a, e, &one, out, err);
}

/* ---- casts and operators ---- */

bk_status bind_cast(binder *b, exec_expr *e, const bk_type *to, const sql_expr *at, exec_expr **out,
                    bk_error *err) {
    /* (interval types of one kind are equal whatever their fields; the fields still matter) */
    if (bk_type_equal(e->type, to) && e->type->precision == to->precision &&
        e->type->scale == to->scale) {
        *out = e;
        return BK_OK;
    }
    if (exec_cast_check(e->type, to, b->env->ansi, at ? quoted_source(b, at) : NULL, err) != BK_OK)
        return bind_error_at(b, at, err);
    exec_expr **args = bk_arena_array(b->a, 1, sizeof *args);
    if (!args) return bk_arena_oom(b->a, err);
    args[0] = e;
    *out = exec_expr_call(b->a, "cast", exec_fn_cast, to, args, 1);
    if (!*out) return bk_arena_oom(b->a, err);
    /* casting a constant: fold it now (errors then point at the literal) */
    if (e->kind == EXEC_EXPR_CONST) {
        bk_vector *v;
        BK_TRY(bind_const_value(b, *out, &v, err));
        *out = exec_expr_const(b->a, v);
        if (!*out) return bk_arena_oom(b->a, err);
    }
    return BK_OK;
}

const bk_type *bind_common_type(binder *b, const bk_type *x, const bk_type *y) {
    /* INTERVAL HOUR and INTERVAL MINUTE: INTERVAL HOUR TO MINUTE; no other type mixes in */
    bool xi = x->kind == BK_TYPE_INTERVAL_YM || x->kind == BK_TYPE_INTERVAL_DT;
    bool yi = y->kind == BK_TYPE_INTERVAL_YM || y->kind == BK_TYPE_INTERVAL_DT;
    if (xi && x->kind == y->kind)
        return bk_type_interval(x->kind, BK_MIN(x->precision, y->precision),
                                BK_MAX(x->scale, y->scale));
    if ((xi || yi) && x->kind != BK_TYPE_VOID && y->kind != BK_TYPE_VOID) return NULL;
    if (bk_type_equal(x, y)) return x;
    const bk_type *t = plan_tightest_common_type(b->a, x, y, b->env->ansi);
    if (!t) t = plan_wider_common_type(b->a, x, y, b->env->ansi);
    return t;
}

static exec_expr *call2(binder *b, const char *name, exec_kernel k, const bk_type *type,
                        exec_expr *x, exec_expr *y) {
    exec_expr **args = bk_arena_array(b->a, 2, sizeof *args);
    if (!args) return NULL;
    args[0] = x;
    args[1] = y;
    return exec_expr_call(b->a, name, k, type, args, 2);
}

static exec_expr *call1(binder *b, const char *name, exec_kernel k, const bk_type *type,
                        exec_expr *x) {
    exec_expr **args = bk_arena_array(b->a, 1, sizeof *args);
    if (!args) return NULL;
    args[0] = x;
    return exec_expr_call(b->a, name, k, type, args, 1);
}

static exec_expr *logic(binder *b, exec_expr_kind kind, exec_expr *x, exec_expr *y) {
    exec_expr *e = bk_arena_zalloc(b->a, sizeof *e);
    exec_expr **args = bk_arena_array(b->a, 2, sizeof *args);
    if (!e || !args) return NULL;
    e->kind = kind;
    e->type = T(BK_TYPE_BOOLEAN);
    args[0] = x;
    args[1] = y;
    e->args = args;
    e->n_args = 2;
    return e;
}

static bk_status need_boolean(binder *b, exec_expr **e, const sql_expr *at, const char *op,
                              bk_error *err) {
    if ((*e)->type->kind == BK_TYPE_BOOLEAN) return BK_OK;
    if ((*e)->type->kind == BK_TYPE_VOID) return bind_cast(b, *e, T(BK_TYPE_BOOLEAN), at, e, err);
    bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                     "BINARY_OP_DIFF_TYPES", "Cannot resolve \"%s\" due to data type "
                     "mismatch: the %s operator needs BOOLEAN operands, not \"%s\".",
                     source(b, at), op, type_name(b, (*e)->type));
    return bind_error_at(b, at, err);
}

static bool is_numeric(const bk_type *t) {
    return t->kind >= BK_TYPE_TINYINT && t->kind <= BK_TYPE_DECIMAL;
}

/*
 * plan_arith_types_for names the operands by their types ("(INT + ARRAY<INT>)"), as it
 * serves the function library too; Spark names the expression as written:
 * Cannot resolve "(1 + array(1))" due to data type mismatch: ...
 */
static bk_status arith_error_at(binder *b, const sql_expr *at, bk_error *err) {
    static const char head[] = "Cannot resolve \"";
    const char *rest = err && err->code == BK_DATATYPE_MISMATCH ? strstr(err->msg, "\" due to ")
                                                                : NULL;
    if (rest && !strncmp(err->msg, head, sizeof head - 1)) {
        char tail[sizeof err->msg], sub[sizeof err->subclass];
        snprintf(tail, sizeof tail, "%s", rest);
        snprintf(sub, sizeof sub, "%s", err->subclass);
        bk_error_reset_sub(err, err->code, sub, "Cannot resolve \"(%s)%s", source(b, at), tail);
    }
    return bind_error_at(b, at, err);
}

bk_status bind_binary(binder *b, const char *op, exec_expr *l, exec_expr *r, const sql_expr *at,
                      exec_expr **out, bk_error *err) {
    if (!strcmp(op, "AND") || !strcmp(op, "OR")) {
        BK_TRY(need_boolean(b, &l, at, op, err));
        BK_TRY(need_boolean(b, &r, at, op, err));
        *out = logic(b, op[0] == 'A' ? EXEC_EXPR_AND : EXEC_EXPR_OR, l, r);
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    static const struct {
        const char *op;
        exec_kernel k;
    } cmps[] = {{"=", exec_fn_eq},
                {"<>", exec_fn_ne},
                {"<", exec_fn_lt},
                {"<=", exec_fn_le},
                {">", exec_fn_gt},
                {">=", exec_fn_ge},
                {"<=>", exec_fn_eq_null_safe}};
    for (size_t i = 0; i < BK_ARRAY_LEN(cmps); i++) {
        if (strcmp(op, cmps[i].op) != 0) continue;
        const bk_type *t = bind_common_type(b, l->type, r->type);
        if (!t || bk_type_is_nested(t) != bk_type_is_nested(l->type)) {
            bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                             "BINARY_OP_DIFF_TYPES", "Cannot resolve \"%s\" due to "
                             "data type mismatch: the left and right operands of the binary "
                             "operator have incompatible types (\"%s\" and \"%s\").",
                             source(b, at), type_name(b, l->type), type_name(b, r->type));
            return bind_error_at(b, at, err);
        }
        if (t->kind == BK_TYPE_VOID) t = T(BK_TYPE_BOOLEAN);
        BK_TRY(bind_cast(b, l, t, at, &l, err));
        BK_TRY(bind_cast(b, r, t, at, &r, err));
        *out = call2(b, op, cmps[i].k, T(BK_TYPE_BOOLEAN), l, r);
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    bool handled;
    BK_TRY(bind_datetime_arith(b, op, l, r, at, &handled, out, err));
    if (handled) return BK_OK;
    plan_arith_op aop;
    if (!strcmp(op, "+"))
        aop = PLAN_ARITH_ADD;
    else if (!strcmp(op, "-"))
        aop = PLAN_ARITH_SUB;
    else if (!strcmp(op, "*"))
        aop = PLAN_ARITH_MUL;
    else if (!strcmp(op, "/"))
        aop = PLAN_ARITH_DIV;
    else if (!strcmp(op, "%"))
        aop = PLAN_ARITH_MOD;
    else if (!strcmp(op, "DIV"))
        aop = PLAN_ARITH_INTDIV;
    else
        return error_at(b, at, err, BK_UNSUPPORTED_FEATURE,
                        "The feature is not supported: the operator %s (in \"%s\").", op,
                        source(b, at));
    plan_arith_types ty;
    if (plan_arith_types_for(b->a, aop, l->type, r->type, b->env->ansi, true, &ty, err) != BK_OK)
        return arith_error_at(b, at, err);
    if (aop == PLAN_ARITH_INTDIV && ty.left->kind != BK_TYPE_DECIMAL)
        ty.left = ty.right = T(BK_TYPE_BIGINT); /* the kernel divides BIGINTs */
    BK_TRY(bind_cast(b, l, ty.left, at, &l, err));
    BK_TRY(bind_cast(b, r, ty.right, at, &r, err));
    exec_kernel k;
    bool dec = ty.result->kind == BK_TYPE_DECIMAL;
    switch (aop) {
    case PLAN_ARITH_ADD:
        k = dec ? exec_fn_decimal_add : exec_fn_add;
        break;
    case PLAN_ARITH_SUB:
        k = dec ? exec_fn_decimal_subtract : exec_fn_subtract;
        break;
    case PLAN_ARITH_MUL:
        k = dec ? exec_fn_decimal_multiply : exec_fn_multiply;
        break;
    case PLAN_ARITH_DIV:
        k = dec ? exec_fn_decimal_divide : exec_fn_divide;
        break;
    case PLAN_ARITH_MOD:
        k = dec ? exec_fn_decimal_remainder : exec_fn_remainder;
        break;
    default:
        k = ty.left->kind == BK_TYPE_DECIMAL ? exec_fn_decimal_int_divide : exec_fn_int_divide;
        break;
    }
    *out = call2(b, op, k, ty.result, l, r);
    return *out ? BK_OK : bk_arena_oom(b->a, err);
}

/* ---- columns ---- */

static bool name_eq(const char *x, const char *y) {
    return x && y && bk_str_ieq(bk_str_from_cstr(x), bk_str_from_cstr(y));
}

static bk_status resolve_column(bind_env *env, const sql_expr *e, const plan_scope *scope,
                                exec_expr **out, bk_error *err) {
    binder *b = env->b;
    const sql_name *n = &e->name;
    const char *col = n->parts[n->n - 1].text;
    const char *qual = n->n >= 2 ? n->parts[n->n - 2].text : NULL;
    int found = -1, matches = 0;
    for (uint32_t i = 0; i < scope->n; i++) {
        if (!name_eq(scope->cols[i].name, col)) continue;
        if (qual && !name_eq(scope->cols[i].qualifier, qual)) continue;
        if (found < 0) found = (int)i;
        matches++;
    }
    /* t.k may name a USING join's hidden key of t */
    for (uint32_t i = 0; qual && found < 0 && i < scope->n; i++) {
        if (!name_eq(bind_hidden_name(&scope->cols[i]), col)) continue;
        if (!name_eq(scope->cols[i].qualifier, qual)) continue;
        found = (int)i;
        matches = 1;
    }
    if (matches > 1) {
        bk_error_set(err, BK_AMBIGUOUS_REFERENCE,
                     "Reference `%s` is ambiguous, could be: [`%s`.`%s`, ...].", col,
                     scope->cols[found].qualifier ? scope->cols[found].qualifier : "", col);
        return bind_error_at(b, e, err);
    }
    if (found < 0) return bind_unresolved_column(b, e, scope, err); /* bind_suggest.c */
    *out = exec_expr_column(b->a, (uint32_t)found, scope->cols[found].type);
    return *out ? BK_OK : bk_arena_oom(b->a, err);
}

/* ---- aggregates ---- */

static const char *const aggregate_names[] = {"count",    "sum",      "avg",   "mean", "min",
                                              "max",      "count_if", "any",   "some", "every",
                                              "bool_and", "bool_or",  "first", "last", "any_value"};

bool bind_is_aggregate_name(const char *name) {
    for (size_t i = 0; i < BK_ARRAY_LEN(aggregate_names); i++)
        if (name_eq(name, aggregate_names[i])) return true;
    return false;
}

bool bind_is_aggregate(const sql_expr *e) {
    if (e->kind != SQL_E_FUNC || e->over || e->name.n != 1) return false;
    return bind_is_aggregate_name(e->name.parts[0].text) || bind_agg_is_ext(e); /* bind_agg.c */
}

bool bind_expr_equal(const exec_expr *x, const exec_expr *y) {
    if (x->kind != y->kind || !bk_type_equal(x->type, y->type) || x->n_args != y->n_args)
        return false;
    switch (x->kind) {
    case EXEC_EXPR_COLUMN:
        return x->column == y->column;
    case EXEC_EXPR_CONST:
        return bk_vector_is_valid(x->value, 0) == bk_vector_is_valid(y->value, 0) &&
               (!bk_vector_is_valid(x->value, 0) ||
                bk_vector_compare(x->value, 0, y->value, 0) == 0);
    case EXEC_EXPR_CALL: /* one kernel may serve several functions (hour, minute): the name */
        if (x->kernel != y->kernel || x->state != y->state || x->lazy != y->lazy ||
            (x->name != y->name && (!x->name || !y->name || strcmp(x->name, y->name) != 0)))
            return false;
        break;
    case EXEC_EXPR_HOF:
    case EXEC_EXPR_LAMBDA:
    case EXEC_EXPR_LAMBDA_VAR:
        if (x->state != y->state || x->column != y->column) return false;
        break;
    default:
        if (x->has_else != y->has_else) return false;
        break;
    }
    for (uint32_t i = 0; i < x->n_args; i++)
        if (!bind_expr_equal(x->args[i], y->args[i])) return false;
    return true;
}

/* An aggregate call in an aggregate context: the aggregate's output column. */
static bk_status agg_column(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err) {
    for (uint32_t i = 0; i < env->n_aggs; i++) {
        if (env->aggs[i].call != e) continue;
        *out = exec_expr_column(env->b->a, env->n_group + i, env->aggs[i].agg.type);
        return *out ? BK_OK : bk_arena_oom(env->b->a, err);
    }
    return error_at(env->b, e, err, BK_INTERNAL, "aggregate \"%s\" was not collected%s",
                    source(env->b, e), "");
}

static bool contains_aggregate(const sql_expr *e) {
    if (!e) return false;
    if (bind_is_aggregate(e)) return true;
    for (uint32_t i = 0; i < e->n_args; i++)
        if (contains_aggregate(e->args[i])) return true;
    return contains_aggregate(e->operand) || contains_aggregate(e->else_);
}

/* ---- subqueries run while binding ---- */

static bk_status run_subquery(binder *b, const sql_expr *e, exec_table **rows, const bk_type **type,
                              bk_error *err) {
    /* the same subquery is bound more than once (bind_is_correlated tries it, a
     * decorrelation rebinds a FROM's filters): it runs once */
    for (subquery_run *r = b->runs; r; r = r->next)
        if (r->query == e->query && r->ctes == b->ctes) {
            *rows = r->rows;
            *type = r->type;
            return BK_OK;
        }
    plan_rel rel;
    bk_status s = bind_query(b, e->query, &rel, err);
    if (s != BK_OK) {
        if (err && err->code == BK_UNRESOLVED_COLUMN)
            bk_error_detail(err, "correlated subqueries (referring to the outer query) are not "
                                 "supported yet");
        return s;
    }
    if (rel.scope.n != 1 && e->kind != SQL_E_EXISTS)
        return error_sub_at(b, e, err, BK_INVALID_SUBQUERY_EXPRESSION,
                            "SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN",
                            "Invalid subquery: Scalar subquery must return only one column, "
                            "but got %s.%s",
                        "more", "");
    *type = rel.scope.n ? rel.scope.cols[0].type : NULL;
    /* pruned and pushed down like a whole query: the scans read only the columns the
     * subquery uses and skip what its filters rule out */
    exec_node *plan;
    BK_TRY(plan_prune(b->a, rel.node, &plan, err));
    BK_TRY(plan_scan_pushdown(b->a, b->env, plan, err));
    BK_TRY(exec_run(b->env->exec, plan, rows, err));
    subquery_run *run = bk_arena_alloc(b->a, sizeof *run);
    if (!run) return bk_arena_oom(b->a, err);
    *run = (subquery_run){.query = e->query, .ctes = b->ctes, .rows = *rows, .type = *type,
                          .next = b->runs};
    b->runs = run;
    return BK_OK;
}

/* ---- the main switch ---- */

static bk_status bind_args(bind_env *env, const sql_expr *e, exec_expr ***out, bk_error *err) {
    *out = bk_arena_array(env->b->a, e->n_args ? e->n_args : 1, sizeof **out);
    if (!*out) return bk_arena_oom(env->b->a, err);
    for (uint32_t i = 0; i < e->n_args; i++) BK_TRY(bind_expr(env, e->args[i], &(*out)[i], err));
    return BK_OK;
}

/* CASE over bound pairs: conds[i] -> vals[i], else_ (may be NULL). */
static bk_status make_case(binder *b, exec_expr **conds, exec_expr **vals, uint32_t n,
                           exec_expr *else_, const sql_expr *at, exec_expr **out, bk_error *err) {
    const bk_type *t = else_ ? else_->type : vals[0]->type;
    for (uint32_t i = 0; i < n; i++) {
        t = bind_common_type(b, t, vals[i]->type);
        if (!t)
            return error_sub_at(b, at, err, BK_DATATYPE_MISMATCH,
                                "DATA_DIFF_TYPES", "Cannot resolve \"%s\" due to data "
                                "type mismatch: the branches have different types.%s",
                                source(b, at), "");
    }
    exec_expr *e = bk_arena_zalloc(b->a, sizeof *e);
    if (!e) return bk_arena_oom(b->a, err);
    e->kind = EXEC_EXPR_CASE;
    e->type = t;
    e->n_args = 2 * n + (else_ ? 1 : 0);
    e->has_else = else_ != NULL;
    e->args = bk_arena_array(b->a, e->n_args, sizeof *e->args);
    if (!e->args) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n; i++) {
        BK_TRY(need_boolean(b, &conds[i], at, "WHEN", err));
        e->args[2 * i] = conds[i];
        BK_TRY(bind_cast(b, vals[i], t, at, &e->args[2 * i + 1], err));
    }
    if (else_) BK_TRY(bind_cast(b, else_, t, at, &e->args[e->n_args - 1], err));
    *out = e;
    return BK_OK;
}

/*
 * A function of the library (fn_library.h) over bound arguments: its bind callback
 * says the argument casts and the result type, prepare compiles constant arguments.
 * *found is false when no function has that name.
 */
bk_status bind_library_call(binder *b, const sql_expr *at, const char *name, exec_expr **args,
                            uint32_t n, bool *found, exec_expr **out, bk_error *err) {
    char lower[64];
    size_t len = strlen(name);
    *found = false;
    if (len >= sizeof lower) return BK_OK;
    for (size_t i = 0; i <= len; i++)
        lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
    const exec_fn_def *def = exec_fn_lookup(lower);
    if (!def) return BK_OK;
    *found = true;
    if ((int)n < def->min_args || (def->max_args >= 0 && (int)n > def->max_args)) {
        char want[32], got[16];
        if (def->max_args < 0)
            snprintf(want, sizeof want, "at least %d", def->min_args);
        else if (def->min_args == def->max_args)
            snprintf(want, sizeof want, "%d", def->min_args);
        else
            snprintf(want, sizeof want, "[%d, %d]", def->min_args, def->max_args);
        snprintf(got, sizeof got, "%u", n);
        bk_error_set_sub(err, BK_WRONG_NUM_ARGS, "WITHOUT_SUGGESTION",
                         "The `%s` requires %s parameters but the actual number is %s. Please, "
                         "refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' "
                         "for a fix.",
                         lower, want, got);
        return bind_error_at(b, at, err);
    }
    const bk_type **types = bk_arena_array(b->a, n ? n : 1, sizeof *types);
    const bk_type **cast_to = bk_arena_zalloc(b->a, (n ? n : 1) * sizeof *cast_to);
    if (!types || !cast_to) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n; i++) types[i] = args[i]->type;
    const bk_type *result = NULL;
    if (def->bind(b->a, types, n, cast_to, &result, err) != BK_OK) return bind_error_at(b, at, err);
    for (uint32_t i = 0; i < n; i++)
        if (cast_to[i]) BK_TRY(bind_cast(b, args[i], cast_to[i], at, &args[i], err));
    /* round(d, 2) on a DECIMAL: Spark's result type depends on the constant scale */
    if (n == 2 && result && result->kind == BK_TYPE_DECIMAL && args[1]->kind == EXEC_EXPR_CONST &&
        bk_vector_is_valid(args[1]->value, 0) && args[1]->type->kind == BK_TYPE_INT &&
        (!strcmp(lower, "round") || !strcmp(lower, "bround"))) {
        const bk_type *exact =
            exec_fn_round_type(b->a, types[0], ((const int32_t *)args[1]->value->data)[0]);
        if (exact) result = exact;
    }
    exec_expr *call = exec_expr_call(b->a, def->name, def->kernel, result, args, n);
    if (!call) return bk_arena_oom(b->a, err);
    if (def->prepare && def->prepare(b->a, call, err) != BK_OK) return bind_error_at(b, at, err);
    *out = call;
    return BK_OK;
}

/*
 * The type-name cast functions int(x), string(x), decimal(x), ... (Spark's castAlias):
 * CAST(x AS type), decimal meaning DECIMAL(10,0) and timestamp the session TIMESTAMP.
 * NULL for any other name.  Spark does not mark these casts as written by the user,
 * so a generated column name shows only x (pretty()).
 */
static const bk_type *bind_cast_alias_type(binder *b, const char *name) {
    static const struct {
        const char *name;
        bk_type_kind kind;
    } aliases[] = {
        {"boolean", BK_TYPE_BOOLEAN},  {"tinyint", BK_TYPE_TINYINT}, {"smallint", BK_TYPE_SMALLINT},
        {"int", BK_TYPE_INT},          {"bigint", BK_TYPE_BIGINT},   {"float", BK_TYPE_FLOAT},
        {"double", BK_TYPE_DOUBLE},    {"decimal", BK_TYPE_DECIMAL}, {"string", BK_TYPE_STRING},
        {"binary", BK_TYPE_BINARY},    {"date", BK_TYPE_DATE},
        {"timestamp", BK_TYPE_TIMESTAMP},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (!name_eq(name, aliases[i].name)) continue;
        if (aliases[i].kind == BK_TYPE_DECIMAL) return bk_type_make_decimal(b->a, 10, 0);
        return T(aliases[i].kind);
    }
    return NULL;
}

static bk_status bind_function(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err) {
    binder *b = env->b;
    const char *name = e->name.parts[e->name.n - 1].text;
    if (bind_is_grouping_call(e)) return bind_grouping_call(env, e, out, err);
    if (bind_is_aggregate(e)) {
        if (env->aggs) return agg_column(env, e, out, err);
        return error_at(b, e, err, BK_UNSUPPORTED_FEATURE,
                        "The feature is not supported: the aggregate \"%s\" "
                        "here (aggregates belong in SELECT, HAVING or ORDER BY of an aggregate "
                        "query).%s",
                        source(b, e), "");
    }
    if (e->over && e->within_group) /* percentile_cont(p) WITHIN GROUP (…) OVER (…) */
        return bind_window_column(env, e, out, err);
    if (e->within_group)
        return error_sub_at(b, e, err, BK_INVALID_SQL_SYNTAX,
                            "FUNCTION_WITH_UNSUPPORTED_SYNTAX", "Invalid SQL syntax: "
                            "The function `%s` does not support WITHIN GROUP (ORDER BY ...).%s",
                            name, "");
    if (bind_gen_is_generator(e)) /* bind_generate.c plans the places generators may be */
        return error_sub_at(b, e, err, BK_UNSUPPORTED_GENERATOR,
                            "OUTSIDE_SELECT", "The generator is not supported: "
                            "outside the SELECT clause, found: \"%s\".%s",
                            source(b, e), "");
    if (e->over) return bind_window_column(env, e, out, err);
    if (bind_is_window_only(e)) return bind_window_without_over(b, e, err);
    /* timestampadd(HOUR, n, ts), datediff(DAY, a, b), ...: the unit is a bare word */
    if (e->n_args == 3 && bind_is_unit_function(name) &&
        ((e->args[0]->kind == SQL_E_COLUMN && e->args[0]->name.n == 1) ||
         e->args[0]->kind == SQL_E_STRING))
        return bind_unit_function(env, e, name, out, err);
    if (name_eq(name, "struct")) { /* struct(s.*): bind_nested.c */
        bool handled;
        BK_TRY(bind_nested_struct_star(env, e, &handled, out, err));
        if (handled) return BK_OK;
    }
    bool hof;
    BK_TRY(bind_hof(env, e, name, &hof, out, err)); /* bind_lambda.c */
    if (hof) return BK_OK;
    exec_expr **args;
    BK_TRY(bind_args(env, e, &args, err));
    uint32_t n = e->n_args;
    const bk_type *alias_to = e->name.n == 1 && !e->distinct ? bind_cast_alias_type(b, name) : NULL;
    if (alias_to) {
        if (n != 1) goto wrong_args;
        return bind_cast(b, args[0], alias_to, e, out, err);
    }
    if (name_eq(name, "coalesce") || name_eq(name, "nvl") || name_eq(name, "ifnull")) {
        if (n == 0 || ((name_eq(name, "nvl") || name_eq(name, "ifnull")) && n != 2))
            goto wrong_args;
        /* CASE WHEN a IS NOT NULL THEN a WHEN b IS NOT NULL THEN b ... ELSE last END */
        exec_expr **conds = bk_arena_array(b->a, n, sizeof *conds);
        if (!conds) return bk_arena_oom(b->a, err);
        for (uint32_t i = 0; i + 1 < n; i++) {
            conds[i] = call1(b, "isnotnull", exec_fn_is_not_null, T(BK_TYPE_BOOLEAN), args[i]);
            if (!conds[i]) return bk_arena_oom(b->a, err);
        }
        if (n == 1) {
            *out = args[0];
            return BK_OK;
        }
        return make_case(b, conds, args, n - 1, args[n - 1], e, out, err);
    }
    if (name_eq(name, "div")) { /* div(a, b) is a DIV b */
        if (n != 2) goto wrong_args;
        return bind_binary(b, "DIV", args[0], args[1], e, out, err);
    }
    if (name_eq(name, "if") || name_eq(name, "iff")) {
        if (n != 3) goto wrong_args;
        return make_case(b, &args[0], &args[1], 1, args[2], e, out, err);
    }
    if (name_eq(name, "nullif")) {
        if (n != 2) goto wrong_args;
        exec_expr *eq;
        BK_TRY(bind_binary(b, "=", args[0], args[1], e, &eq, err));
        exec_expr *null = const_of(b, args[0]->type, NULL);
        exec_expr * not_eq = call1(b, "not", exec_fn_not, T(BK_TYPE_BOOLEAN), eq);
        if (!null || ! not_eq) return bk_arena_oom(b->a, err);
        return make_case(b, & not_eq, &args[0], 1, null, e, out, err);
    }
    if (name_eq(name, "decode") && n != 2) {
        /* decode(x, s1, r1, ..., [default]): CASE WHEN x <=> s1 THEN r1 ... (NULL matches
           NULL); decode(bin, charset) is the library's */
        if (n < 3) goto wrong_args;
        uint32_t k = (n - 1) / 2;
        exec_expr **conds = bk_arena_array(b->a, k, sizeof *conds);
        exec_expr **vals = bk_arena_array(b->a, k, sizeof *vals);
        if (!conds || !vals) return bk_arena_oom(b->a, err);
        for (uint32_t i = 0; i < k; i++) {
            BK_TRY(bind_binary(b, "<=>", args[0], args[1 + 2 * i], e, &conds[i], err));
            vals[i] = args[2 + 2 * i];
        }
        return make_case(b, conds, vals, k, (n - 1) % 2 ? args[n - 1] : NULL, e, out, err);
    }
    if (name_eq(name, "isnull") || name_eq(name, "isnotnull")) {
        if (n != 1) goto wrong_args;
        bool is = name_eq(name, "isnull");
        *out = call1(b, is ? "isnull" : "isnotnull", is ? exec_fn_is_null : exec_fn_is_not_null,
                     T(BK_TYPE_BOOLEAN), args[0]);
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    if (name_eq(name, "extract") || name_eq(name, "date_part") || name_eq(name, "datepart")) {
        /* extract(field FROM x) / date_part('field', x): the field's own function */
        if (n != 2) goto wrong_args;
        if (e->args[0]->kind != SQL_E_STRING)
            return error_at(b, e, err, BK_INVALID_ARGUMENT,
                            "The value of parameter(s) `field` in `%s` "
                            "is invalid: the field must be a string literal.%s",
                            name, "");
        bool second;
        const char *fn = exec_fn_extract_name(e->args[0]->text, e->args[0]->text_len,
                                              args[1]->type, &second);
        if (!fn)
            return error_at(b, e, err, BK_INVALID_EXTRACT_FIELD,
                            "Cannot extract %s from %s.", e->args[0]->text,
                            type_name(b, args[1]->type));
        BK_TRY(bind_library_call(b, e, fn, &args[1], 1, &second, out, err));
        return BK_OK;
    }
    bool found;
    BK_TRY(bind_nested_call(b, e, name, args, n, &found, out, err));
    if (found) return BK_OK;
    BK_TRY(bind_library_call(b, e, name, args, n, &found, out, err));
    if (found) return BK_OK;
    return error_at(b, e, err, BK_UNRESOLVED_ROUTINE,
                    "Cannot resolve routine `%s` on search path [`system`.`builtin`, "
                    "`system`.`session`, `spark_catalog`.`default`]%s.",
                    name, "");
wrong_args : {
    char nargs[16];
    snprintf(nargs, sizeof nargs, "%u", n);
    return error_sub_at(b, e, err, BK_WRONG_NUM_ARGS, "WITHOUT_SUGGESTION",
                        "The `%s` does not take %s parameters. Please, refer to "
                        "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
                        name, nargs);
}
}

static bk_status bind_in_list(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err) {
    binder *b = env->b;
    exec_expr **args;
    BK_TRY(bind_args(env, e, &args, err));
    const bk_type *t = args[0]->type;
    bool all_const = true;
    for (uint32_t i = 1; i < e->n_args; i++) {
        t = bind_common_type(b, t, args[i]->type);
        if (!t)
            return error_sub_at(
                b, e, err, BK_DATATYPE_MISMATCH,
                "DATA_DIFF_TYPES", "Cannot resolve \"%s\" due to data "
                "type mismatch: the IN list has values of types unlike the left side.%s",
                source(b, e), "");
        all_const &= args[i]->kind == EXEC_EXPR_CONST;
    }
    if (t->kind == BK_TYPE_VOID) t = T(BK_TYPE_BOOLEAN);
    for (uint32_t i = 0; i < e->n_args; i++) BK_TRY(bind_cast(b, args[i], t, e, &args[i], err));
    exec_expr *res = NULL;
    if (all_const && !bk_type_is_nested(t)) {
        /* a hash set of the constants */
        bk_vector *vals = bk_vector_make(b->a, t, e->n_args - 1);
        if (!vals) return bk_arena_oom(b->a, err);
        bk_vector **parts = bk_arena_array(b->a, e->n_args - 1, sizeof *parts);
        if (!parts) return bk_arena_oom(b->a, err);
        for (uint32_t i = 1; i < e->n_args; i++) parts[i - 1] = (bk_vector *)args[i]->value;
        vals = bk_vector_concat(b->a, parts, e->n_args - 1);
        exec_in_set *set;
        if (!vals) return bk_arena_oom(b->a, err);
        BK_TRY(exec_in_set_make(b->a, vals, &set, err));
        res = call1(b, "in", exec_fn_in_set, T(BK_TYPE_BOOLEAN), args[0]);
        if (!res) return bk_arena_oom(b->a, err);
        res->state = set;
    } else {
        for (uint32_t i = 1; i < e->n_args; i++) {
            exec_expr *eq = call2(b, "=", exec_fn_eq, T(BK_TYPE_BOOLEAN), args[0], args[i]);
            if (!eq) return bk_arena_oom(b->a, err);
            res = res ? logic(b, EXEC_EXPR_OR, res, eq) : eq;
            if (!res) return bk_arena_oom(b->a, err);
        }
    }
    if (e->negated) res = call1(b, "not", exec_fn_not, T(BK_TYPE_BOOLEAN), res);
    *out = res;
    return res ? BK_OK : bk_arena_oom(b->a, err);
}

static bk_status bind_subquery_expr(bind_env *env, const sql_expr *e, exec_expr **out,
                                    bk_error *err) {
    binder *b = env->b;
    exec_table *rows;
    const bk_type *t = NULL;
    BK_TRY(run_subquery(b, e, &rows, &t, err));
    if (e->kind == SQL_E_EXISTS) {
        uint8_t v = (rows->n_rows > 0) != e->negated;
        *out = const_of(b, T(BK_TYPE_BOOLEAN), &v);
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    bk_vector *col = exec_table_column(b->a, rows, 0);
    if (!col) return bk_arena_oom(b->a, err);
    if (e->kind == SQL_E_SUBQUERY) {
        if (rows->n_rows > 1)
            return error_at(b, e, err, BK_SCALAR_SUBQUERY_TOO_MANY_ROWS,
                            "More than one row returned by a subquery used as an expression.%s%s",
                            "", "");
        if (rows->n_rows == 0) {
            *out = const_of(b, t, NULL);
        } else {
            bk_vector *one = bk_vector_take(b->a, col, (const uint32_t[]){0}, 1);
            if (!one || !bk_vector_own_strings(b->a, one)) return bk_arena_oom(b->a, err);
            *out = exec_expr_const(b->a, one);
        }
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    /* x [NOT] IN (subquery): a hash set of its values */
    exec_expr *x;
    BK_TRY(bind_expr(env, e->args[0], &x, err));
    const bk_type *ct = bind_common_type(b, x->type, t);
    if (!ct)
        return error_sub_at(b, e, err, BK_DATATYPE_MISMATCH,
                            "DATA_DIFF_TYPES", "Cannot resolve \"%s\" due to data "
                            "type mismatch: the subquery's column has a type unlike the left "
                            "side.%s",
                            source(b, e), "");
    BK_TRY(bind_cast(b, x, ct, e, &x, err));
    if (!bk_type_equal(col->type, ct)) {
        exec_tz zone;
        exec_fn_cast_zone(b->env->exec, &zone);
        exec_cast_opts o = {.ansi = b->env->ansi, .tz = &zone};
        BK_TRY(exec_cast(b->a, col, ct, &o, &col, err));
    }
    exec_in_set *set;
    BK_TRY(exec_in_set_make(b->a, col, &set, err));
    exec_expr *res = call1(b, "in", exec_fn_in_set, T(BK_TYPE_BOOLEAN), x);
    if (!res) return bk_arena_oom(b->a, err);
    res->state = set;
    if (e->negated) res = call1(b, "not", exec_fn_not, T(BK_TYPE_BOOLEAN), res);
    *out = res;
    return res ? BK_OK : bk_arena_oom(b->a, err);
}

static bk_status bind_plain(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err) {
    binder *b = env->b;
    switch (e->kind) {
    case SQL_E_NULL:
        *out = const_of(b, T(BK_TYPE_VOID), NULL);
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    case SQL_E_BOOL: {
        uint8_t v = e->b;
        *out = const_of(b, T(BK_TYPE_BOOLEAN), &v);
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    case SQL_E_NUMBER:
        return number_literal(b, e, out, err);
    case SQL_E_STRING:
        return string_literal(b, e, out, err);
    case SQL_E_TYPED:
        return typed_literal(b, e, out, err);
    case SQL_E_BINARY:
        return binary_literal(b, e, out, err);
    case SQL_E_INTERVAL:
        return bind_interval_literal(b, e, out, err);
    case SQL_E_COLUMN: {
        bool var = false;
        if (b->lambdas) BK_TRY(bind_lambda_ref(b, e, &var, out, err));
        if (var) return BK_OK;
        bk_status s = resolve_column(env, e, env->scope, out, err);
        if (s == BK_UNRESOLVED_COLUMN && e->name.n >= 2) { /* s.field: bind_nested.c */
            bk_error tmp;
            bk_error_clear(&tmp);
            bk_status s2 = bind_nested_column(env, e, out, &tmp);
            if (s2 == BK_OK) bk_error_clear(err);
            if (s2 != BK_OK && s2 != BK_UNRESOLVED_COLUMN && err) *err = tmp;
            if (s2 != BK_UNRESOLVED_COLUMN) return s2;
        }
        return s;
    }
    case SQL_E_SUBSCRIPT:
    case SQL_E_FIELD:
        return bind_nested_access(env, e, out, err);
    case SQL_E_UNARY: {
        exec_expr *x;
        BK_TRY(bind_expr(env, e->args[0], &x, err));
        if (!strcmp(e->op, "NOT")) {
            BK_TRY(need_boolean(b, &x, e, "NOT", err));
            *out = call1(b, "not", exec_fn_not, T(BK_TYPE_BOOLEAN), x);
        } else if (!strcmp(e->op, "+")) {
            *out = x;
        } else if (!strcmp(e->op, "-") && (x->type->kind == BK_TYPE_INTERVAL_YM ||
                                            x->type->kind == BK_TYPE_INTERVAL_DT)) {
            return bind_interval_negate(b, x, e, out, err);
        } else if (!strcmp(e->op, "-")) {
            if (x->type->kind == BK_TYPE_VOID || x->type->kind == BK_TYPE_STRING)
                BK_TRY(bind_cast(b, x, T(BK_TYPE_DOUBLE), e, &x, err));
            if (!is_numeric(x->type))
                return error_sub_at(b, e, err, BK_DATATYPE_MISMATCH,
                                    "UNEXPECTED_INPUT_TYPE", "Cannot resolve \"%s\" "
                                    "due to data type mismatch: the operand of unary minus has "
                                    "type \"%s\".",
                                    source(b, e), type_name(b, x->type));
            *out = call1(b, "negative",
                         x->type->kind == BK_TYPE_DECIMAL ? exec_fn_decimal_negate : exec_fn_negate,
                         x->type, x);
        } else {
            return error_at(b, e, err, BK_UNSUPPORTED_FEATURE,
                            "The feature is not supported: the operator %s (in \"%s\").", e->op,
                            source(b, e));
        }
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    case SQL_E_BINARY_OP: {
        exec_expr *l, *r;
        BK_TRY(bind_expr(env, e->args[0], &l, err));
        BK_TRY(bind_expr(env, e->args[1], &r, err));
        return bind_binary(b, e->op, l, r, e, out, err);
    }
    case SQL_E_CASE: {
        uint32_t n = e->n_args / 2;
        exec_expr **conds = bk_arena_array(b->a, n, sizeof *conds);
        exec_expr **vals = bk_arena_array(b->a, n, sizeof *vals);
        if (!conds || !vals) return bk_arena_oom(b->a, err);
        exec_expr *operand = NULL, *else_ = NULL;
        if (e->operand) BK_TRY(bind_expr(env, e->operand, &operand, err));
        for (uint32_t i = 0; i < n; i++) {
            BK_TRY(bind_expr(env, e->args[2 * i], &conds[i], err));
            if (operand) BK_TRY(bind_binary(b, "=", operand, conds[i], e, &conds[i], err));
            BK_TRY(bind_expr(env, e->args[2 * i + 1], &vals[i], err));
        }
        if (e->else_) BK_TRY(bind_expr(env, e->else_, &else_, err));
        return make_case(b, conds, vals, n, else_, e, out, err);
    }
    case SQL_E_CAST: {
        exec_expr *x;
        BK_TRY(bind_expr(env, e->args[0], &x, err));
        if (e->try_cast) {
            if (exec_cast_check(x->type, e->type, true, quoted_source(b, e), err) != BK_OK)
                return bind_error_at(b, e, err);
            exec_expr **args = bk_arena_array(b->a, 1, sizeof *args);
            if (!args) return bk_arena_oom(b->a, err);
            args[0] = x;
            *out = exec_expr_call(b->a, "try_cast", exec_fn_cast, e->type, args, 1);
            if (!*out) return bk_arena_oom(b->a, err);
            (*out)->state = (void *)1;
            return BK_OK;
        }
        return bind_cast(b, x, e->type, e, out, err);
    }
    case SQL_E_IN:
        return bind_in_list(env, e, out, err);
    case SQL_E_IN_QUERY:
    case SQL_E_EXISTS:
    case SQL_E_SUBQUERY:
        return bind_subquery_expr(env, e, out, err);
    case SQL_E_BETWEEN: {
        exec_expr *x, *lo, *hi, *ge, *le;
        BK_TRY(bind_expr(env, e->args[0], &x, err));
        BK_TRY(bind_expr(env, e->args[1], &lo, err));
        BK_TRY(bind_expr(env, e->args[2], &hi, err));
        BK_TRY(bind_binary(b, ">=", x, lo, e, &ge, err));
        BK_TRY(bind_binary(b, "<=", x, hi, e, &le, err));
        *out = logic(b, EXEC_EXPR_AND, ge, le);
        if (*out && e->negated) *out = call1(b, "not", exec_fn_not, T(BK_TYPE_BOOLEAN), *out);
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    case SQL_E_IS: {
        exec_expr *x;
        BK_TRY(bind_expr(env, e->args[0], &x, err));
        if (!strcmp(e->op, "NULL")) {
            bool want_null = !e->negated;
            *out = call1(b, want_null ? "isnull" : "isnotnull",
                         want_null ? exec_fn_is_null : exec_fn_is_not_null, T(BK_TYPE_BOOLEAN), x);
            return *out ? BK_OK : bk_arena_oom(b->a, err);
        }
        exec_expr *r;
        if (!strcmp(e->op, "DISTINCT")) {
            BK_TRY(bind_expr(env, e->args[1], &r, err));
        } else {
            uint8_t v = !strcmp(e->op, "TRUE");
            r = const_of(b, T(BK_TYPE_BOOLEAN), &v);
            if (!r) return bk_arena_oom(b->a, err);
            BK_TRY(need_boolean(b, &x, e, "IS", err));
        }
        exec_expr *eq;
        BK_TRY(bind_binary(b, "<=>", x, r, e, &eq, err));
        bool negate = !strcmp(e->op, "DISTINCT") ? !e->negated : e->negated;
        *out = negate ? call1(b, "not", exec_fn_not, T(BK_TYPE_BOOLEAN), eq) : eq;
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    case SQL_E_FUNC:
        return bind_function(env, e, out, err);
    case SQL_E_LIKE: {
        exec_expr **args;
        BK_TRY(bind_args(env, e, &args, err));
        const char *fn = !strcmp(e->op, "LIKE")    ? "like"
                         : !strcmp(e->op, "ILIKE") ? "ilike"
                                                   : "rlike";
        bool found;
        BK_TRY(bind_library_call(b, e, fn, args, e->n_args, &found, out, err));
        if (!found)
            return error_at(b, e, err, BK_UNRESOLVED_ROUTINE,
                            "Cannot resolve routine `%s` on search path [`system`.`builtin`, "
                            "`system`.`session`, `spark_catalog`.`default`]%s.",
                            fn, "");
        if (e->negated) *out = call1(b, "not", exec_fn_not, T(BK_TYPE_BOOLEAN), *out);
        return *out ? BK_OK : bk_arena_oom(b->a, err);
    }
    case SQL_E_STAR:
        return error_at(b, e, err, BK_INVALID_USAGE_OF_STAR_OR_REGEX,
                        "Invalid usage of '*' in %s.%s",
                        "an expression", "");
    default:
        return error_at(b, e, err, BK_UNSUPPORTED_FEATURE,
                        "The feature is not supported: the expression \"%s\"%s.", source(b, e),
                        " in this version");
    }
}

bk_status bind_expr(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err) {
    binder *b = env->b;
    if (++b->depth > 400) {
        b->depth--;
        return error_at(b, e, err, BK_LIMIT_EXCEEDED, "the expression \"%s\" nests too deeply%s",
                        source(b, e), "");
    }
    bk_status s;
    if (env->grouping && e->kind == SQL_E_COLUMN && bind_is_grouping_call(e)) {
        s = bind_grouping_call(env, e, out, err); /* the grouping__id column */
        b->depth--;
        return s;
    }
    if (env->aggs || env->group) {
        /* aggregate context: a GROUP BY expression or an aggregate becomes a column */
        if (bind_is_aggregate(e)) {
            s = agg_column(env, e, out, err);
            b->depth--;
            return s;
        }
        /* a literal is a key only under grouping sets, where a rolled-up key reads NULL */
        bool literal = e->kind == SQL_E_NULL || e->kind == SQL_E_NUMBER ||
                       e->kind == SQL_E_STRING || e->kind == SQL_E_BOOL || e->kind == SQL_E_TYPED;
        if (!contains_aggregate(e) && (!literal || env->grouping) && !bind_is_lambda_var(b, e)) {
            bind_env in = {.b = b, .scope = env->input};
            exec_expr *plain;
            bk_error tmp;
            bk_error_clear(&tmp);
            if (bind_expr(&in, e, &plain, &tmp) == BK_OK) {
                for (uint32_t i = 0; i < env->n_group; i++) {
                    if (bind_expr_equal(plain, env->group[i])) {
                        *out = exec_expr_column(b->a, i, plain->type);
                        b->depth--;
                        return *out ? BK_OK : bk_arena_oom(b->a, err);
                    }
                }
                if (e->kind == SQL_E_COLUMN && env->n_group == 0 && !env->grouping) {
                    b->depth--; /* an aggregate query with no GROUP BY at all */
                    return error_at(b, e, err, BK_MISSING_GROUP_BY,
                                    "The query does not include a GROUP BY clause. Add GROUP BY "
                                    "or turn it into the window functions using OVER clauses.%s%s",
                                    "", "");
                }
                if (e->kind == SQL_E_COLUMN) {
                    b->depth--;
                    return error_at(b, e, err, BK_MISSING_AGGREGATION,
                                    "The non-aggregating expression \"%s\" is based on columns "
                                    "which are not participating in the GROUP BY clause.%s",
                                    source(b, e), "");
                }
            } else if (e->kind == SQL_E_COLUMN) {
                if (err) *err = tmp;
                b->depth--;
                return tmp.code;
            }
        }
    }
    s = bind_plain(env, e, out, err);
    b->depth--;
    /*
     * Errors point at the SQL fragment: one raised while binding e (a constant folded
     * now: 1/0, CAST('x' AS INT)) that named no place names e, the innermost expression
     * that failed; a call remembers e's place for the errors it raises at run time.
     */
    if (s != BK_OK) {
        bind_error_at(b, e, err);
        return s;
    }
    if ((*out)->kind == EXEC_EXPR_CALL && !(*out)->sql_at) (*out)->sql_at = e->span.off + 1;
    return s;
}

/* ---- names of unaliased columns, as Spark prints them ---- */

static void pretty(binder *b, const sql_expr *e, bk_buf *out);

static void pretty_args(binder *b, const sql_expr *e, bk_buf *out, uint32_t from) {
    for (uint32_t i = from; i < e->n_args; i++) {
        if (i > from) pp_append(out, ", ", 2);
        pretty(b, e->args[i], out);
    }
}

static const char *pretty_bound(binder *b, int kind, const sql_expr *off, char *buf, size_t cap) {
    switch (kind) {
    case SQL_FRAME_UNBOUNDED_PRECEDING:
        return "UNBOUNDED PRECEDING";
    case SQL_FRAME_UNBOUNDED_FOLLOWING:
        return "UNBOUNDED FOLLOWING";
    case SQL_FRAME_CURRENT_ROW:
        return "CURRENT ROW";
    default:
        snprintf(buf, cap, "%.*s %s", off ? (int)off->span.len : 1,
                 off ? b->text + off->span.off : "?",
                 kind == SQL_FRAME_PRECEDING ? "PRECEDING" : "FOLLOWING");
        return buf;
    }
}

/*
 * " OVER (PARTITION BY … ORDER BY … ASC NULLS FIRST <frame>)" as Spark names a
 * window column: named windows resolved, NULL order and the frame spelled out.
 */
static void pretty_window(binder *b, const sql_expr *e, const char *fn, bk_buf *out) {
    const sql_window *w = NULL;
    if (bind_window_resolve(b, e, &w, NULL) != BK_OK || !w) return;
    pp_printf(out, " OVER (");
    const char *sep = "";
    if (w->n_partition) {
        pp_printf(out, "PARTITION BY ");
        for (uint32_t i = 0; i < w->n_partition; i++) {
            if (i) pp_append(out, ", ", 2);
            pretty(b, w->partition[i], out);
        }
        sep = " ";
    }
    if (w->n_order) {
        pp_printf(out, "%sORDER BY ", sep);
        for (uint32_t i = 0; i < w->n_order; i++) {
            const sql_order *o = &w->order[i];
            if (i) pp_append(out, ", ", 2);
            pretty(b, o->expr, out);
            bool first = o->nulls == 1 || (o->nulls == 0 && !o->descending);
            pp_printf(out, " %s NULLS %s", o->descending ? "DESC" : "ASC",
                      first ? "FIRST" : "LAST");
        }
        sep = " ";
    }
    char sb[96], eb[96];
    if (w->has_frame) {
        pp_printf(out, "%s%s BETWEEN %s AND %s", sep, w->range ? "RANGE" : "ROWS",
                  pretty_bound(b, w->start_kind, w->start_off, sb, sizeof sb),
                  pretty_bound(b, w->end_kind, w->end_off, eb, sizeof eb));
    } else if (!strcmp(fn, "lag") || !strcmp(fn, "lead")) {
        const char *n = "1";
        int len = 1;
        if (e->n_args >= 2) {
            n = b->text + e->args[1]->span.off;
            len = (int)e->args[1]->span.len;
        }
        const char *neg = !strcmp(fn, "lag") ? "-" : "";
        pp_printf(out, "%sROWS BETWEEN %s%.*s FOLLOWING AND %s%.*s FOLLOWING", sep, neg, len, n,
                  neg, len, n);
    } else if (!strcmp(fn, "row_number") || !strcmp(fn, "rank") || !strcmp(fn, "dense_rank") ||
               !strcmp(fn, "percent_rank") || !strcmp(fn, "ntile")) {
        pp_printf(out, "%sROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW", sep);
    } else if (w->n_order) {
        pp_printf(out, "%sRANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW", sep);
    } else {
        pp_printf(out, "%sROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING", sep);
    }
    pp_append(out, ")", 1);
}

/*
 * An interval literal as Spark's Literal.sql writes it, which is its ANSI string form
 * (CAST(x AS STRING)): interval 2 weeks 3 microseconds is
 * INTERVAL '14 00:00:00.000003' DAY TO SECOND.  False when it does not bind (the
 * binder reports that error itself).
 */
static bool pretty_interval(binder *b, const sql_expr *e, bk_buf *out) {
    bk_error tmp;
    bk_error_clear(&tmp);
    exec_expr *x, *s;
    if (bind_interval_literal(b, e, &x, &tmp) != BK_OK || x->kind != EXEC_EXPR_CONST ||
        bind_cast(b, x, T(BK_TYPE_STRING), NULL, &s, &tmp) != BK_OK ||
        s->kind != EXEC_EXPR_CONST || !bk_vector_is_valid(s->value, 0))
        return false;
    const bk_str *str = s->value->data;
    pp_append(out, str->ptr, str->len);
    return true;
}

/*
 * A plain decimal string as Java's BigDecimal.toString writes it (Spark's
 * Literal.sql of a decimal): plain unless the exponent is below -6, then
 * d.dddE-n (0.000000012345678 is 1.2345678E-8).
 */
static void pretty_big_decimal(const char *t, size_t len, bk_buf *out) {
    size_t i = 0, scale = 0, ndig = 0, first = 0;
    bool neg = len && t[0] == '-', seen_dot = false, nonzero = false;
    char digits[64];
    for (i = neg; i < len; i++) {
        if (t[i] == '.') {
            seen_dot = true;
            continue;
        }
        if (seen_dot) scale++;
        if (ndig < sizeof digits) digits[ndig++] = t[i];
    }
    while (first + 1 < ndig && digits[first] == '0') first++;
    for (i = first; i < ndig; i++) nonzero |= digits[i] != '0';
    long adjusted = (long)(ndig - first) - 1 - (long)scale;
    if (adjusted >= -6 || !nonzero) {
        pp_append(out, t + (neg && !nonzero), len - (neg && !nonzero)); /* -0.0 is 0.0 */
        return;
    }
    if (neg) pp_append(out, "-", 1);
    pp_append(out, &digits[first], 1);
    if (ndig - first > 1) {
        pp_append(out, ".", 1);
        pp_append(out, &digits[first + 1], ndig - first - 1);
    }
    pp_printf(out, "E%ld", adjusted);
}

/*
 * A numeric literal, negated when `negate` (Spark's parser folds -1 into the literal),
 * as Spark's Literal.sql writes its value: 07 is 7, 1D and 1F are 1.0, 3.14e8 is 3.14E8,
 * .5 is 0.5, -0 is 0.  False when it does not bind (the binder reports that).
 */
static bool pretty_number(binder *b, const sql_expr *e, bool negate, bk_buf *out) {
    bk_error tmp;
    bk_error_clear(&tmp);
    exec_expr *x, *s;
    if (number_literal(b, e, &x, &tmp) != BK_OK || x->kind != EXEC_EXPR_CONST ||
        bind_cast(b, x, T(BK_TYPE_STRING), NULL, &s, &tmp) != BK_OK ||
        s->kind != EXEC_EXPR_CONST || !bk_vector_is_valid(s->value, 0))
        return false;
    const bk_str *str = s->value->data;
    bk_type_kind k = x->type->kind;
    bool fp = k == BK_TYPE_DOUBLE || k == BK_TYPE_FLOAT;
    bool zero = !fp && strspn(str->ptr, "0.") >= str->len;
    if (negate && !zero && !(str->len && str->ptr[0] == '-')) pp_append(out, "-", 1);
    if (k == BK_TYPE_DECIMAL)
        pretty_big_decimal(str->ptr, str->len, out);
    else
        pp_append(out, str->ptr, str->len);
    return true;
}

/* A DATE / TIMESTAMP literal as Spark's Literal.sql writes its value. */
static bool pretty_typed(binder *b, const sql_expr *e, bk_buf *out) {
    bk_error tmp;
    bk_error_clear(&tmp);
    exec_expr *x, *s;
    if (typed_literal(b, e, &x, &tmp) != BK_OK || x->kind != EXEC_EXPR_CONST ||
        bind_cast(b, x, T(BK_TYPE_STRING), NULL, &s, &tmp) != BK_OK ||
        s->kind != EXEC_EXPR_CONST || !bk_vector_is_valid(s->value, 0))
        return false;
    const bk_str *str = s->value->data;
    const char *kw = x->type->kind == BK_TYPE_DATE        ? "DATE"
                     : x->type->kind == BK_TYPE_TIMESTAMP ? "TIMESTAMP"
                                                          : "TIMESTAMP_NTZ";
    pp_printf(out, "%s '%.*s'", kw, (int)str->len, str->ptr);
    return true;
}

/*
 * Date arithmetic on literals as Spark resolves it: DATE '…' + 7 (either order) is
 * date_add(DATE '…', 7), DATE '…' - 7 date_sub; a DATE/TIMESTAMP literal plus or
 * minus an interval literal is written without parentheses.  (Only literal operands:
 * the names of column operands would need their types.)
 */
static bool pretty_date_arith(binder *b, const sql_expr *e, bk_buf *out) {
    bool plus = !strcmp(e->op, "+"), minus = !strcmp(e->op, "-");
    if (!plus && !minus) return false;
    const sql_expr *l = e->args[0], *r = e->args[1];
    bool ld = l->kind == SQL_E_TYPED && !strcmp(l->type_name, "DATE");
    bool rd = r->kind == SQL_E_TYPED && !strcmp(r->type_name, "DATE");
    bool ln = l->kind == SQL_E_NUMBER || l->kind == SQL_E_NULL;
    bool rn = r->kind == SQL_E_NUMBER || r->kind == SQL_E_NULL;
    if ((ld && rn) || (plus && rd && ln)) {
        pp_printf(out, "%s(", plus ? "date_add" : "date_sub");
        pretty(b, ld ? l : r, out);
        pp_append(out, ", ", 2);
        pretty(b, ld ? r : l, out);
        pp_append(out, ")", 1);
        return true;
    }
    if (l->kind == SQL_E_TYPED && r->kind == SQL_E_INTERVAL) {
        pretty(b, l, out);
        pp_printf(out, " %s ", e->op);
        pretty(b, r, out);
        return true;
    }
    return false;
}

/* Spark's CASE: CASE WHEN (x = v) THEN r ... ELSE d END (the operand form spelled out). */
static void pretty_case(binder *b, const sql_expr *e, bk_buf *out) {
    pp_printf(out, "CASE");
    for (uint32_t i = 0; i + 1 < e->n_args; i += 2) {
        pp_printf(out, " WHEN ");
        if (e->operand) {
            pp_append(out, "(", 1);
            pretty(b, e->operand, out);
            pp_append(out, " = ", 3);
        }
        pretty(b, e->args[i], out);
        if (e->operand) pp_append(out, ")", 1);
        pp_printf(out, " THEN ");
        pretty(b, e->args[i + 1], out);
    }
    if (e->else_) {
        pp_printf(out, " ELSE ");
        pretty(b, e->else_, out);
    }
    pp_printf(out, " END");
}

/*
 * The arguments Spark fills in and then shows in a generated name: substring(s, 5) is
 * substring(s, 5, 2147483647).  The text to append after the written arguments, or NULL.
 */
static const char *pretty_defaults(const char *fn, uint32_t n) {
    static const struct {
        const char *fn;
        uint32_t n;
        const char *rest;
    } defaults[] = {
        {"substring", 2, ", 2147483647"},
        {"substr", 2, ", 2147483647"},
        {"split", 2, ", -1"},
        {"regexp_instr", 2, ", 0"},
        {"regexp_extract", 2, ", 1"},
        {"regexp_extract_all", 2, ", 1"},
        {"regexp_replace", 3, ", 1"},
        {"replace", 2, ", "},
        {"sort_array", 1, ", true"},
        {"make_ym_interval", 1, ", 0"},
        {"make_dt_interval", 1, ", 0, 0, 0.000000"},
        {"make_dt_interval", 2, ", 0, 0.000000"},
        {"make_dt_interval", 3, ", 0.000000"},
        {"percentile", 2, ", 1"},
        {"percentile_approx", 2, ", 10000"},
        {"approx_percentile", 2, ", 10000"},
    };
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (defaults[i].n == n && !strcmp(defaults[i].fn, fn)) return defaults[i].rest;
    return NULL;
}

/* trim(s, chars), ltrim, rtrim as Spark writes them: TRIM(BOTH chars FROM s). */
static bool pretty_trim(binder *b, const char *fn, const sql_expr *e, bk_buf *out) {
    const char *side = !strcmp(fn, "trim")    ? "BOTH"
                       : !strcmp(fn, "ltrim") ? "LEADING"
                       : !strcmp(fn, "rtrim") ? "TRAILING"
                                              : NULL;
    if (!side || e->n_args != 2) return false;
    pp_printf(out, "TRIM(%s ", side);
    pretty(b, e->args[1], out);
    pp_printf(out, " FROM ");
    pretty(b, e->args[0], out);
    pp_append(out, ")", 1);
    return true;
}

/* The row (a, b) as Spark resolves it: named_struct(a, a, b, b), colN for an unnamed value. */
static void pretty_struct(binder *b, const sql_expr *e, bk_buf *out) {
    pp_printf(out, "named_struct(");
    for (uint32_t i = 0; i < e->n_args; i++) {
        const sql_expr *x = e->args[i];
        if (i) pp_append(out, ", ", 2);
        if (x->kind == SQL_E_COLUMN)
            pp_printf(out, "%s", x->name.parts[x->name.n - 1].text);
        else if (x->kind == SQL_E_FIELD)
            pp_printf(out, "%s", x->name.parts[0].text);
        else
            pp_printf(out, "col%u", i + 1);
        pp_append(out, ", ", 2);
        pretty(b, x, out);
    }
    pp_append(out, ")", 1);
}

static void pretty(binder *b, const sql_expr *e, bk_buf *out) {
    switch (e->kind) {
    case SQL_E_COLUMN:
        pp_printf(out, "%s", e->name.parts[e->name.n - 1].text);
        return;
    case SQL_E_NULL:
        pp_printf(out, "NULL");
        return;
    case SQL_E_BOOL:
        pp_printf(out, e->b ? "true" : "false");
        return;
    case SQL_E_NUMBER:
        if (pretty_number(b, e, false, out)) return;
        break;
    case SQL_E_STRING:
        pp_printf(out, "%.*s", (int)e->text_len, e->text);
        return;
    case SQL_E_TYPED: /* by value, in the session zone: TIMESTAMP '2019-01-01 00:00:00' */
        if (pretty_typed(b, e, out)) return;
        pp_printf(out, "%s '%s'", e->type_name, e->text);
        return;
    case SQL_E_BINARY: { /* Spark: X'01' (upper case, whole bytes) */
        pp_printf(out, "X'%s", (e->text_len & 1) ? "0" : "");
        for (size_t i = 0; i < e->text_len; i++) {
            char c = e->text[i];
            if (c >= 'a' && c <= 'f') c = (char)(c - 'a' + 'A');
            pp_append(out, &c, 1);
        }
        pp_append(out, "'", 1);
        return;
    }
    case SQL_E_IS: /* Spark: (a IS NULL), (a IS NOT NULL) */
        if (strcmp(e->op, "NULL")) break;
        pp_append(out, "(", 1);
        pretty(b, e->args[0], out);
        pp_printf(out, " IS %sNULL)", e->negated ? "NOT " : "");
        return;
    case SQL_E_INTERVAL: /* Spark writes the value: INTERVAL '1-2' YEAR TO MONTH */
        if (pretty_interval(b, e, out)) return;
        break;
    case SQL_E_SUBSCRIPT: /* Spark: arr[0], m[a] */
        pretty(b, e->args[0], out);
        pp_append(out, "[", 1);
        pretty(b, e->args[1], out);
        pp_append(out, "]", 1);
        return;
    case SQL_E_FIELD: /* x.f inside an expression (bind_auto_name: f alone at the top) */
        pretty(b, e->args[0], out);
        pp_printf(out, ".%s", e->name.parts[0].text);
        return;
    case SQL_E_BINARY_OP: {
        const sql_expr *l = e->args[0], *r = e->args[1];
        bool ne = !strcmp(e->op, "<>") || !strcmp(e->op, "!=");
        if (!strcmp(e->op, "*") && r->kind == SQL_E_INTERVAL && l->kind != SQL_E_INTERVAL) {
            l = e->args[1]; /* Spark: (INTERVAL '2' YEAR * 2) whichever side it is on */
            r = e->args[0];
        }
        if (pretty_date_arith(b, e, out)) return;
        pp_printf(out, ne ? "(NOT (" : "("); /* a <> b is NOT (a = b) */
        pretty(b, l, out);
        pp_printf(out, " %s ", ne ? "=" : !strcmp(e->op, "DIV") ? "div" : e->op);
        pretty(b, r, out);
        pp_append(out, "))", 1 + ne);
        return;
    }
    case SQL_E_CASE:
        pretty_case(b, e, out);
        return;
    case SQL_E_SUBQUERY:
        pp_printf(out, "scalarsubquery()");
        return;
    case SQL_E_IN: /* (x IN (1, 2)), NOT IN: (NOT (x IN (1, 2))) */
        pp_printf(out, e->negated ? "(NOT (" : "(");
        pretty(b, e->args[0], out);
        pp_printf(out, " IN (");
        pretty_args(b, e, out, 1);
        pp_printf(out, "))%s", e->negated ? ")" : "");
        return;
    case SQL_E_IN_QUERY: /* (x IN (listquery())), NOT IN: (NOT (x IN (listquery()))) */
        pp_printf(out, e->negated ? "(NOT (" : "(");
        pretty(b, e->args[0], out);
        pp_printf(out, " IN (listquery()))%s", e->negated ? ")" : "");
        return;
    case SQL_E_UNARY:
        if (!strcmp(e->op, "NOT")) {
            pp_printf(out, "(NOT ");
            pretty(b, e->args[0], out);
            pp_append(out, ")", 1);
        } else if (!strcmp(e->op, "-") && e->args[0]->kind == SQL_E_NUMBER &&
                   pretty_number(b, e->args[0], true, out)) {
            return; /* -1 is one literal */
        } else if (!strcmp(e->op, "-") || !strcmp(e->op, "+")) {
            pp_printf(out, "(%s ", e->op); /* Spark: (- x), (+ x) */
            pretty(b, e->args[0], out);
            pp_append(out, ")", 1);
        } else {
            pp_printf(out, "%s", e->op);
            pretty(b, e->args[0], out);
        }
        return;
    case SQL_E_FUNC: {
        const char *name = e->name.parts[e->name.n - 1].text;
        if (e->name.n == 1 && e->n_args == 1 && !e->distinct && !e->over &&
            bind_cast_alias_type(b, name)) {
            pretty(b, e->args[0], out); /* int(x) is named x, as Spark does */
            return;
        }
        char lower[64];
        size_t n = strlen(name);
        if (n >= sizeof lower) n = sizeof lower - 1;
        for (size_t i = 0; i < n; i++)
            lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
        lower[n] = '\0';
        if (!e->distinct && !e->over && pretty_trim(b, lower, e, out)) return;
        if (e->n_args == 3 && bind_is_unit_function(lower) &&
            ((e->args[0]->kind == SQL_E_COLUMN && e->args[0]->name.n == 1) ||
             e->args[0]->kind == SQL_E_STRING)) { /* dateadd(DAY, ...) is timestampadd(DAY, ...) */
            bool add = strstr(lower, "add") != NULL;
            const char *unit = e->args[0]->kind == SQL_E_STRING ? e->args[0]->text
                                                                : e->args[0]->name.parts[0].text;
            pp_printf(out, "%s(", add ? "timestampadd" : "timestampdiff");
            for (const char *u = unit; *u; u++) {
                char c = *u >= 'a' && *u <= 'z' ? (char)(*u - 'a' + 'A') : *u;
                pp_append(out, &c, 1);
            }
            pp_append(out, ", ", 2);
            pretty_args(b, e, out, 1);
            pp_append(out, ")", 1);
            return;
        }
        if (!e->distinct && !e->over && !strcmp(lower, "div") && e->n_args == 2) {
            pp_append(out, "(", 1); /* div(a, b) is named (a div b) */
            pretty(b, e->args[0], out);
            pp_append(out, " div ", 5);
            pretty(b, e->args[1], out);
            pp_append(out, ")", 1);
            return;
        }
        if (!e->distinct && !e->over && !strcmp(lower, "struct") && e->span.len &&
            b->text[e->span.off] == '(') { /* the row (a, b), not struct(a, b) */
            pretty_struct(b, e, out);
            return;
        }
        if (!e->distinct && !e->over && e->n_args == 1 &&
            (!strcmp(lower, "isnull") || !strcmp(lower, "isnotnull"))) {
            pp_append(out, "(", 1); /* isnotnull(a) is named (a IS NOT NULL) */
            pretty(b, e->args[0], out);
            pp_printf(out, " IS %sNULL)", strcmp(lower, "isnull") ? "NOT " : "");
            return;
        }
        if (!e->distinct && !e->over && e->n_args >= 1 &&
            (!strcmp(lower, "to_json") || !strcmp(lower, "from_json") ||
             !strcmp(lower, "schema_of_json"))) {
            pp_printf(out, "%s(", lower); /* Spark names them after the JSON argument alone */
            pretty(b, e->args[0], out);
            pp_append(out, ")", 1);
            return;
        }
        /* Spark's own names for these are upper case (signum, unlike its alias sign: SIGNUM) */
        if (!strcmp(lower, "rlike") || !strcmp(lower, "regexp") || !strcmp(lower, "regexp_like") ||
            !strcmp(lower, "signum"))
            for (size_t i = 0; i < n; i++)
                if (lower[i] >= 'a' && lower[i] <= 'z') lower[i] = (char)(lower[i] - 'a' + 'A');
        pp_printf(out, "%s(%s", lower, e->distinct ? "DISTINCT " : "");
        if (e->star_arg)
            pp_append(out, "1", 1);
        else
            pretty_args(b, e, out, 0);
        const char *rest = e->star_arg ? NULL : pretty_defaults(lower, e->n_args);
        if (rest) pp_printf(out, "%s", rest);
        pp_append(out, ")", 1);
        if (e->n_within_group) { /* percentile_cont(0.5) WITHIN GROUP (ORDER BY v DESC) */
            pp_printf(out, " WITHIN GROUP (ORDER BY ");
            for (uint32_t i = 0; i < e->n_within_group; i++) {
                if (i) pp_append(out, ", ", 2);
                pretty(b, e->within_group[i].expr, out);
                if (e->within_group[i].descending) pp_printf(out, " DESC");
            }
            pp_append(out, ")", 1);
        }
        if (e->filter) { /* Spark: sum(b) FILTER (WHERE (c > 1)) */
            pp_printf(out, " FILTER (WHERE ");
            pretty(b, e->filter, out);
            pp_append(out, ")", 1);
        }
        if (e->over) pretty_window(b, e, lower, out);
        return;
    }
    case SQL_E_LAMBDA: /* Spark: lambdafunction((x + 1), x) */
        pp_printf(out, "lambdafunction(");
        pretty(b, e->args[0], out);
        for (uint32_t i = 0; i < e->n_params; i++) pp_printf(out, ", %s", e->params[i].text);
        pp_append(out, ")", 1);
        return;
    case SQL_E_CAST: {
        /* Spark shows a cast to ARRAY / MAP / STRUCT by its operand alone (the golden
         * files: array_append(NULL, a) for CAST(NULL AS ARRAY<STRING>)) */
        if (bk_type_is_nested(e->type)) {
            pretty(b, e->args[0], out);
            return;
        }
        char t[128];
        bk_type_format(e->type, t, sizeof t);
        pp_printf(out, "CAST(");
        pretty(b, e->args[0], out);
        pp_printf(out, " AS %s)", t);
        return;
    }
    default:
        break;
    }
    pp_printf(out, "%.*s", (int)e->span.len, b->text + e->span.off);
}

const char *bind_auto_name(binder *b, const sql_expr *e) {
    if (e->kind == SQL_E_FIELD) return e->name.parts[0].text; /* Spark names x.f after f */
    bk_buf out;
    bk_buf_init(&out);
    pretty(b, e, &out);
    const char *s = bk_arena_strndup(b->a, out.len ? (const char *)out.data : "", out.len);
    bk_buf_destroy(&out);
    return s;
}

exec_expr *bind_const(binder *b, const bk_type *type, const void *value) {
    return const_of(b, type, value);
}
