/*
 * bind_agg.c — binding the aggregate functions beyond count/sum/avg/min/max
 * (the executor's side is engine/exec/agg_int.h):
 *
 *   stddev, std, stddev_samp, stddev_pop, variance, var_samp, var_pop   DOUBLE
 *   count_if(bool)                                                       BIGINT
 *   bool_and / every, bool_or / some / any (BOOLEAN min / max)           BOOLEAN
 *   first / first_value / any_value / last / last_value (x[, ignoreNulls]), IGNORE NULLS
 *   max_by(x, ord), min_by(x, ord)
 *   collect_list / array_agg, collect_set (= collect_list DISTINCT)     ARRAY<x>
 *   percentile(x, p | array(p...)), median(x)                           DOUBLE | ARRAY<DOUBLE>
 *   percentile_approx / approx_percentile(x, p | array[, accuracy])     x's type | ARRAY
 *   approx_count_distinct(x[, rsd])                                     BIGINT
 *   count([DISTINCT] a, b, ...)  rows / distinct tuples with no NULL argument
 *   skewness, kurtosis(x); covar_pop, covar_samp, corr(x, y)           DOUBLE
 *   percentile_cont / percentile_disc(p) WITHIN GROUP (ORDER BY x [DESC])
 *
 * bind_agg_ext binds the call's arguments against the aggregate's input scope
 * and appends the columns the aggregate reads to the pre-projection (the
 * value, and the ordering or FILTER column); constant parameters (percentages,
 * accuracy, rsd, ignoreNulls) are folded here and must be constants.
 *
 * FILTER (WHERE p): the value becomes CASE WHEN p THEN x END (NULLs are
 * skipped by these aggregates), except for first/last, which see NULL values:
 * there p becomes column2 and rows where it is not true are skipped.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "engine/exec/fn_nested.h"
#include "engine/plan/binder_int.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

static bool name_eq(const char *x, const char *y) {
    return x && y && bk_str_ieq(bk_str_from_cstr(x), bk_str_from_cstr(y));
}

static const char *const ext_names[] = {
    "stddev",      "std",         "stddev_samp",       "stddev_pop",
    "variance",    "var_samp",    "var_pop",           "count_if",
    "bool_and",    "every",       "bool_or",           "some",
    "any",         "first",       "first_value",       "any_value",
    "last",        "last_value",  "max_by",            "min_by",
    "collect_list", "array_agg",  "collect_set",       "percentile",
    "median",      "percentile_approx", "approx_percentile", "approx_count_distinct",
    "percentile_cont", "percentile_disc", "skewness", "kurtosis", "covar_pop", "covar_samp", "corr",
};

static const char *call_name(const sql_expr *call) {
    return call->name.parts[call->name.n - 1].text;
}

bool bind_agg_is_ext(const sql_expr *call) {
    const char *name = call_name(call);
    if (name_eq(name, "count") && call->n_args > 1 && !call->star_arg) return true;
    for (size_t i = 0; i < BK_ARRAY_LEN(ext_names); i++)
        if (name_eq(name, ext_names[i])) return true;
    return false;
}

static const char *text_of(binder *b, const sql_expr *e) {
    return bk_arena_strndup(b->a, b->text + e->span.off, e->span.len);
}

static bk_status fail(binder *b, const sql_expr *at, bk_error *err, bk_code code, const char *fmt,
                      const char *x, const char *y) {
    bk_error_set(err, code, fmt, x, y);
    return bind_error_at(b, at, err);
}

/* fail with Spark's sub-class of code's class ("UNEXPECTED_INPUT_TYPE"). */
static bk_status fail_sub(binder *b, const sql_expr *at, bk_error *err, bk_code code,
                          const char *sub, const char *fmt, const char *x, const char *y) {
    bk_error_set_sub(err, code, sub, fmt, x, y);
    return bind_error_at(b, at, err);
}

static bk_status wrong_args(binder *b, const sql_expr *call, const char *want, bk_error *err) {
    char msg[300];
    snprintf(msg, sizeof msg,
             "The `%s` requires %s parameters but the actual number is %u. Please, refer to "
             "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
             call_name(call), want, call->n_args);
    bk_error_set_sub(err, BK_WRONG_NUM_ARGS, "WITHOUT_SUGGESTION", "%s", msg);
    return bind_error_at(b, call, err);
}

static bk_status mismatch(binder *b, const sql_expr *call, uint32_t i, const char *required,
                          const bk_type *actual, bk_error *err) {
    static const char *const ord[] = {"first", "second", "third"};
    char tn[128];
    bk_type_format(actual, tn, sizeof tn);
    bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                     "UNEXPECTED_INPUT_TYPE", "Cannot resolve \"%s\" due to data "
                     "type mismatch: The %s parameter requires the %s type, however \"%s\" has the "
                     "type \"%s\".",
                     text_of(b, call), ord[i < 3 ? i : 2], required, text_of(b, call->args[i]), tn);
    return bind_error_at(b, call, err);
}

static bool is_numeric(const bk_type *t) {
    return t->kind >= BK_TYPE_TINYINT && t->kind <= BK_TYPE_DECIMAL;
}

/*
 * The value a percentile orders: numeric x becomes DOUBLE and the result DOUBLE; an
 * interval x stays as it is (months or microseconds) and the result is Spark's
 * INTERVAL YEAR TO MONTH or DAY TO SECOND.
 */
static bk_status percentile_input(binder *b, const sql_expr *call, const sql_expr *xe,
                                  exec_expr **x, const bk_type **result, bk_error *err) {
    bk_type_kind k = (*x)->type->kind;
    if (k == BK_TYPE_INTERVAL_YM) {
        *result = bk_type_interval(k, BK_IV_YEAR, BK_IV_MONTH);
        return BK_OK;
    }
    if (k == BK_TYPE_INTERVAL_DT) {
        *result = bk_type_interval(k, BK_IV_DAY, BK_IV_SECOND);
        return BK_OK;
    }
    if (!is_numeric((*x)->type) && k != BK_TYPE_VOID)
        return mismatch(b, call, 0, "\"NUMERIC\"", (*x)->type, err);
    *result = T(BK_TYPE_DOUBLE);
    return bind_cast(b, *x, T(BK_TYPE_DOUBLE), xe, x, err);
}

/* A constant argument, folded: its one-row vector (after a cast to `to` when set). */
static bk_status const_arg(bind_env *env, const sql_expr *call, uint32_t i, const bk_type *to,
                           bk_vector **out, bk_error *err) {
    binder *b = env->b;
    plan_scope none = {0};
    bind_env cenv = {.b = b, .scope = &none};
    exec_expr *x;
    bk_error tmp;
    bk_error_clear(&tmp);
    if (bind_expr(&cenv, call->args[i], &x, &tmp) != BK_OK) {
        bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                         "NON_FOLDABLE_INPUT", "Cannot resolve \"%s\" due to data "
                         "type mismatch: the input %s should be a foldable expression; however, "
                         "got \"%s\".",
                         text_of(b, call), "parameter", text_of(b, call->args[i]));
        return bind_error_at(b, call->args[i], err);
    }
    if (to) BK_TRY(bind_cast(b, x, to, call->args[i], &x, err));
    return bind_const_value(b, x, out, err);
}

/* Percentages: a DOUBLE in [0, 1] or an array of them, into out->params. */
static bk_status percentages(bind_env *env, const sql_expr *call, uint32_t i, exec_agg *out,
                             bk_error *err) {
    binder *b = env->b;
    bk_vector *v;
    BK_TRY(const_arg(env, call, i, NULL, &v, err));
    const bk_type *t = v->type;
    bool array = t->kind == BK_TYPE_ARRAY;
    const bk_type *et = array ? t->children[0] : t;
    if (!is_numeric(et) && et->kind != BK_TYPE_VOID)
        return mismatch(b, call, i, "\"DOUBLE\" or \"ARRAY<DOUBLE>\"", t, err);
    /* cast to DOUBLE / ARRAY<DOUBLE> */
    const bk_type *dt = array ? bk_type_make_array(b->a, T(BK_TYPE_DOUBLE)) : T(BK_TYPE_DOUBLE);
    if (!dt) return bk_arena_oom(b->a, err);
    BK_TRY(const_arg(env, call, i, dt, &v, err));
    if (!bk_vector_is_valid(v, 0))
        return fail_sub(b, call, err, BK_DATATYPE_MISMATCH,
                        "UNEXPECTED_NULL", "Cannot resolve \"%s\" due to data type "
                        "mismatch: the percentage must not be null.%s",
                        text_of(b, call), "");
    const bk_vector *vals = array ? v->children[0] : v;
    size_t lo = array ? (size_t)v->offsets[0] : 0, hi = array ? (size_t)v->offsets[1] : 1;
    if (hi == lo)
        return fail_sub(b, call, err, BK_DATATYPE_MISMATCH,
                        "UNEXPECTED_INPUT_TYPE", "Cannot resolve \"%s\" due to data "
                        "type mismatch: the array of percentages must not be empty.%s",
                        text_of(b, call), "");
    double *ps = bk_arena_array(b->a, hi - lo, sizeof *ps);
    if (!ps) return bk_arena_oom(b->a, err);
    for (size_t k = lo; k < hi; k++) {
        double p = ((const double *)vals->data)[k];
        if (!bk_vector_is_valid(vals, k) || !(p >= 0 && p <= 1)) {
            char cur[64];
            snprintf(cur, sizeof cur, "%g", p);
            return fail_sub(b, call, err, BK_DATATYPE_MISMATCH,
                            "VALUE_OUT_OF_RANGE", "Cannot resolve \"%s\" due to "
                            "data type mismatch: The `percentage` must be between [0.0, 1.0] "
                            "(current value = %s).",
                            text_of(b, call), cur);
        }
        ps[k - lo] = p;
    }
    out->params = ps;
    out->n_params = (uint32_t)(hi - lo);
    out->params_array = array;
    return BK_OK;
}

static bool has_aggregate(const sql_expr *e) {
    if (!e) return false;
    if (bind_is_aggregate(e)) return true;
    if (e->kind == SQL_E_SUBQUERY || e->kind == SQL_E_EXISTS || e->kind == SQL_E_IN_QUERY)
        return false;
    for (uint32_t i = 0; i < e->n_args; i++)
        if (has_aggregate(e->args[i])) return true;
    return has_aggregate(e->operand) || has_aggregate(e->else_);
}

bk_status bind_agg_filter(bind_env *env, const sql_expr *call, exec_expr **out, bk_error *err) {
    binder *b = env->b;
    const sql_expr *f = call->filter;
    if (has_aggregate(f)) {
        bk_error_set_sub(err, BK_INVALID_AGGREGATE_FILTER,
                         "CONTAINS_AGGREGATE", "The FILTER expression \"%s\" "
                         "in an aggregate function is invalid. Expected a FILTER expression "
                         "without an aggregation.",
                         text_of(b, f));
        return bind_error_at(b, f, err);
    }
    BK_TRY(bind_expr(env, f, out, err));
    if ((*out)->type->kind == BK_TYPE_VOID)
        return bind_cast(b, *out, T(BK_TYPE_BOOLEAN), f, out, err);
    if ((*out)->type->kind == BK_TYPE_BOOLEAN) return BK_OK;
    bk_error_set_sub(err, BK_INVALID_AGGREGATE_FILTER,
                     "NOT_BOOLEAN", "The FILTER expression \"%s\" in an "
                     "aggregate function is invalid. Expected a FILTER expression of the BOOLEAN "
                     "type.",
                     text_of(b, f));
    return bind_error_at(b, f, err);
}

uint32_t bind_agg_arg(exec_expr **pre, plan_col *pre_cols, uint32_t *np, uint32_t first,
                      exec_expr *e) {
    if (!bind_expr_nondeterministic(e))
        for (uint32_t i = first; i < *np; i++)
            if (bind_expr_equal(pre[i], e)) return i;
    pre[*np] = e;
    pre_cols[*np] = (plan_col){NULL, "__agg_arg", e->type};
    return (*np)++;
}

/* CASE WHEN p THEN x END */
static exec_expr *when(binder *b, exec_expr *p, exec_expr *x) {
    exec_expr *ce = bk_arena_zalloc(b->a, sizeof *ce);
    exec_expr **args = bk_arena_array(b->a, 2, sizeof *args);
    if (!ce || !args) return NULL;
    ce->kind = EXEC_EXPR_CASE;
    ce->type = x->type;
    ce->n_args = 2;
    ce->args = args;
    args[0] = p;
    args[1] = x;
    return ce;
}

static bk_status no_nested(binder *b, const sql_expr *call, const bk_type *t, bk_error *err) {
    if (!bk_type_is_nested(t)) return BK_OK;
    return fail(b, call, err, BK_UNSUPPORTED_FEATURE,
                "The feature is not supported: %s over ARRAY, MAP or STRUCT values (in \"%s\").",
                call_name(call), text_of(b, call));
}

/*
 * percentile_cont / percentile_disc (p) WITHIN GROUP (ORDER BY x [DESC]): exact
 * percentiles; Spark's INVALID_WITHIN_GROUP_EXPRESSION rules.
 */
static bk_status bind_within_group(bind_env *env, const sql_expr *call, exec_expr **pre,
                                   plan_col *pre_cols, uint32_t *np, uint32_t first,
                                   exec_agg *out, bk_error *err) {
    binder *b = env->b;
    const char *name = call_name(call);
    const char *why = NULL, *sub = NULL; /* the message format, Spark's sub-class */
    char msg[160];
    if (call->n_args != 1) return wrong_args(b, call, "1", err);
    if (!call->within_group) {
        sub = "WITHIN_GROUP_MISSING";
        why = "Invalid function `%s` with WITHIN GROUP. WITHIN GROUP is required for the "
              "function.";
    } else if (call->distinct) {
        sub = "DISTINCT_UNSUPPORTED";
        why = "Invalid function `%s` with WITHIN GROUP. The function does not support DISTINCT "
              "with WITHIN GROUP.";
    } else if (call->n_within_group != 1) {
        snprintf(msg, sizeof msg,
                 "Invalid function `%%s` with WITHIN GROUP. The function requires 1 orderings "
                 "in WITHIN GROUP but got %u.",
                 call->n_within_group);
        sub = "WRONG_NUM_ORDERINGS";
        why = msg;
    }
    if (why) {
        bk_error_set_sub(err, BK_INVALID_WITHIN_GROUP_EXPRESSION, sub, why, name);
        return bind_error_at(b, call, err);
    }
    exec_expr *x, *p = NULL;
    const sql_expr *xe = call->within_group[0].expr;
    BK_TRY(bind_expr(env, xe, &x, err));
    const bk_type *rt;
    BK_TRY(percentile_input(b, call, xe, &x, &rt, err));
    BK_TRY(percentages(env, call, 0, out, err));
    bool desc = call->within_group[0].descending;
    if (name_eq(name, "percentile_cont")) {
        out->kind = EXEC_AGG_PERCENTILE;
        if (desc) { /* interpolation is symmetric: p of the descending order is 1 - p */
            double *ps = bk_arena_array(b->a, out->n_params, sizeof *ps);
            if (!ps) return bk_arena_oom(b->a, err);
            for (uint32_t i = 0; i < out->n_params; i++) ps[i] = 1.0 - out->params[i];
            out->params = ps;
        }
    } else {
        out->kind = EXEC_AGG_PERCENTILE_DISC;
        out->descending = desc;
    }
    out->type = rt;
    if (out->params_array && !(out->type = bk_type_make_array(b->a, rt)))
        return bk_arena_oom(b->a, err);
    if (call->filter) {
        BK_TRY(bind_agg_filter(env, call, &p, err));
        if (!(x = when(b, p, x))) return bk_arena_oom(b->a, err);
    }
    out->column = bind_agg_arg(pre, pre_cols, np, first, x);
    return BK_OK;
}

/*
 * count([DISTINCT] a, b, ...): rows (or distinct tuples) where every argument is
 * non-NULL, as COUNT over CASE WHEN a IS NOT NULL AND ... THEN struct(a, b, ...) END.
 */
static bk_status bind_count_tuple(bind_env *env, const sql_expr *call, exec_expr **pre,
                                  plan_col *pre_cols, uint32_t *np, uint32_t first,
                                  exec_agg *out, bk_error *err) {
    binder *b = env->b;
    uint32_t n = call->n_args;
    exec_expr **args = bk_arena_array(b->a, n, sizeof *args);
    const char **names = bk_arena_array(b->a, n, sizeof *names);
    const bk_type **types = bk_arena_array(b->a, n, sizeof *types);
    exec_expr **conds = bk_arena_array(b->a, n, sizeof *conds);
    if (!args || !names || !types || !conds) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n; i++) {
        BK_TRY(bind_expr(env, call->args[i], &args[i], err));
        char nm[16];
        snprintf(nm, sizeof nm, "col%u", i + 1);
        names[i] = bk_arena_strndup(b->a, nm, strlen(nm));
        types[i] = args[i]->type;
        exec_expr **one = bk_arena_array(b->a, 1, sizeof *one);
        if (!names[i] || !one) return bk_arena_oom(b->a, err);
        one[0] = args[i];
        conds[i] =
            exec_expr_call(b->a, "isnotnull", exec_fn_is_not_null, T(BK_TYPE_BOOLEAN), one, 1);
        if (!conds[i]) return bk_arena_oom(b->a, err);
    }
    const bk_type *st = bk_type_make_struct(b->a, n, names, types, NULL);
    exec_expr *tuple =
        st ? exec_expr_call(b->a, "struct", exec_fn_struct_pack, st, args, n) : NULL;
    exec_expr *all = bk_arena_zalloc(b->a, sizeof *all);
    if (!tuple || !all) return bk_arena_oom(b->a, err);
    all->kind = EXEC_EXPR_AND;
    all->type = T(BK_TYPE_BOOLEAN);
    all->args = conds;
    all->n_args = n;
    if (call->filter) {
        exec_expr *p;
        BK_TRY(bind_agg_filter(env, call, &p, err));
        if (!(tuple = when(b, p, tuple))) return bk_arena_oom(b->a, err);
    }
    if (!(tuple = when(b, all, tuple))) return bk_arena_oom(b->a, err);
    out->kind = EXEC_AGG_COUNT;
    out->type = T(BK_TYPE_BIGINT);
    out->column = bind_agg_arg(pre, pre_cols, np, first, tuple);
    return BK_OK;
}

bk_status bind_agg_ext(bind_env *env, const sql_expr *call, exec_expr **pre, plan_col *pre_cols,
                       uint32_t *np, uint32_t first, exec_agg *out, bk_error *err) {
    binder *b = env->b;
    const char *name = call_name(call);
    uint32_t n = call->n_args;
    memset(out, 0, sizeof *out);
    out->distinct = call->distinct;
    if (name_eq(name, "count"))
        return bind_count_tuple(env, call, pre, pre_cols, np, first, out, err);
    if (name_eq(name, "percentile_cont") || name_eq(name, "percentile_disc"))
        return bind_within_group(env, call, pre, pre_cols, np, first, out, err);
    if (call->within_group) {
        bk_error_set_sub(err, BK_INVALID_SQL_SYNTAX,
                         "FUNCTION_WITH_UNSUPPORTED_SYNTAX", "Invalid SQL syntax: "
                         "The function `%s` does not support WITHIN GROUP.",
                         name);
        return bind_error_at(b, call, err);
    }
    if (call->star_arg || n == 0) return wrong_args(b, call, "1", err);
    exec_expr *x, *p = NULL;
    BK_TRY(bind_expr(env, call->args[0], &x, err));
    if (call->filter) {
        BK_TRY(bind_agg_filter(env, call, &p, err));
    }
    bool pick = false;
    if (name_eq(name, "stddev") || name_eq(name, "std") || name_eq(name, "stddev_samp") ||
        name_eq(name, "stddev_pop") || name_eq(name, "variance") || name_eq(name, "var_samp") ||
        name_eq(name, "var_pop")) {
        if (n != 1) return wrong_args(b, call, "1", err);
        out->kind = name_eq(name, "stddev_pop")  ? EXEC_AGG_STDDEV_POP
                    : name_eq(name, "var_pop")   ? EXEC_AGG_VAR_POP
                    : name_eq(name, "variance") || name_eq(name, "var_samp") ? EXEC_AGG_VAR_SAMP
                                                 : EXEC_AGG_STDDEV_SAMP;
        if (!is_numeric(x->type) && x->type->kind != BK_TYPE_VOID &&
            x->type->kind != BK_TYPE_STRING)
            return mismatch(b, call, 0, "\"DOUBLE\"", x->type, err);
        BK_TRY(bind_cast(b, x, T(BK_TYPE_DOUBLE), call->args[0], &x, err));
        out->type = T(BK_TYPE_DOUBLE);
    } else if (name_eq(name, "skewness") || name_eq(name, "kurtosis")) {
        if (n != 1) return wrong_args(b, call, "1", err);
        out->kind = name_eq(name, "skewness") ? EXEC_AGG_SKEWNESS : EXEC_AGG_KURTOSIS;
        if (!is_numeric(x->type) && x->type->kind != BK_TYPE_VOID &&
            x->type->kind != BK_TYPE_STRING)
            return mismatch(b, call, 0, "\"DOUBLE\"", x->type, err);
        BK_TRY(bind_cast(b, x, T(BK_TYPE_DOUBLE), call->args[0], &x, err));
        out->type = T(BK_TYPE_DOUBLE);
    } else if (name_eq(name, "covar_pop") || name_eq(name, "covar_samp") ||
               name_eq(name, "corr")) {
        if (n != 2) return wrong_args(b, call, "2", err);
        out->kind = name_eq(name, "corr")        ? EXEC_AGG_CORR
                    : name_eq(name, "covar_pop") ? EXEC_AGG_COVAR_POP
                                                 : EXEC_AGG_COVAR_SAMP;
        exec_expr *y;
        BK_TRY(bind_expr(env, call->args[1], &y, err));
        exec_expr *xy[2] = {x, y};
        for (int i = 0; i < 2; i++) {
            const bk_type *t = xy[i]->type;
            if (!is_numeric(t) && t->kind != BK_TYPE_VOID && t->kind != BK_TYPE_STRING)
                return mismatch(b, call, (uint32_t)i, "\"DOUBLE\"", t, err);
            BK_TRY(bind_cast(b, xy[i], T(BK_TYPE_DOUBLE), call->args[i], &xy[i], err));
            if (p && !(xy[i] = when(b, p, xy[i]))) return bk_arena_oom(b->a, err);
        }
        out->type = T(BK_TYPE_DOUBLE);
        out->column = bind_agg_arg(pre, pre_cols, np, first, xy[0]);
        out->column2 = bind_agg_arg(pre, pre_cols, np, first, xy[1]);
        if (call->distinct) goto no_distinct;
        return BK_OK;
    } else if (name_eq(name, "count_if") || name_eq(name, "bool_and") || name_eq(name, "every") ||
               name_eq(name, "bool_or") || name_eq(name, "some") || name_eq(name, "any")) {
        if (n != 1) return wrong_args(b, call, "1", err);
        if (x->type->kind == BK_TYPE_VOID || x->type->kind == BK_TYPE_STRING)
            BK_TRY(bind_cast(b, x, T(BK_TYPE_BOOLEAN), call->args[0], &x, err));
        if (x->type->kind != BK_TYPE_BOOLEAN)
            return mismatch(b, call, 0, "\"BOOLEAN\"", x->type, err);
        if (name_eq(name, "count_if")) {
            out->kind = EXEC_AGG_COUNT_IF;
            out->type = T(BK_TYPE_BIGINT);
        } else {
            bool all = name_eq(name, "bool_and") || name_eq(name, "every");
            out->kind = all ? EXEC_AGG_MIN : EXEC_AGG_MAX;
            out->type = T(BK_TYPE_BOOLEAN);
        }
    } else if (name_eq(name, "first") || name_eq(name, "first_value") ||
               name_eq(name, "any_value") || name_eq(name, "last") ||
               name_eq(name, "last_value")) {
        if (n > 2) return wrong_args(b, call, "[1, 2]", err);
        out->kind = name_eq(name, "last") || name_eq(name, "last_value") ? EXEC_AGG_LAST
                                                                         : EXEC_AGG_FIRST;
        out->ignore_nulls = call->ignore_nulls;
        if (n == 2) {
            bk_vector *v;
            BK_TRY(const_arg(env, call, 1, NULL, &v, err));
            if (v->type->kind != BK_TYPE_BOOLEAN || !bk_vector_is_valid(v, 0))
                return mismatch(b, call, 1, "\"BOOLEAN\"", v->type, err);
            out->ignore_nulls = ((const uint8_t *)v->data)[0] != 0;
        }
        out->type = x->type;
        pick = true;
    } else if (name_eq(name, "max_by") || name_eq(name, "min_by")) {
        if (n != 2) return wrong_args(b, call, "2", err);
        out->kind = name_eq(name, "max_by") ? EXEC_AGG_MAX_BY : EXEC_AGG_MIN_BY;
        exec_expr *y;
        BK_TRY(bind_expr(env, call->args[1], &y, err));
        if (y->type->kind == BK_TYPE_MAP) BK_TRY(no_nested(b, call, y->type, err));
        if (p && !(y = when(b, p, y))) return bk_arena_oom(b->a, err);
        out->type = x->type;
        out->column = bind_agg_arg(pre, pre_cols, np, first, x);
        out->column2 = bind_agg_arg(pre, pre_cols, np, first, y);
        if (call->distinct) goto no_distinct;
        return BK_OK;
    } else if (name_eq(name, "collect_list") || name_eq(name, "array_agg") ||
               name_eq(name, "collect_set")) {
        if (n != 1) return wrong_args(b, call, "1", err);
        out->kind = EXEC_AGG_COLLECT_LIST;
        if (name_eq(name, "collect_set")) out->distinct = true;
        const bk_type *et = x->type->kind == BK_TYPE_VOID ? T(BK_TYPE_VOID) : x->type;
        out->type = bk_type_make_array(b->a, et);
        if (!out->type) return bk_arena_oom(b->a, err);
    } else if (name_eq(name, "percentile") || name_eq(name, "median")) {
        bool median = name_eq(name, "median");
        if (median ? n != 1 : n != 2) return wrong_args(b, call, median ? "1" : "2", err);
        const bk_type *rt;
        BK_TRY(percentile_input(b, call, call->args[0], &x, &rt, err));
        out->kind = EXEC_AGG_PERCENTILE;
        if (median) {
            static const double half = 0.5;
            out->params = &half;
            out->n_params = 1;
        } else {
            BK_TRY(percentages(env, call, 1, out, err));
        }
        out->type = rt;
        if (out->params_array && !(out->type = bk_type_make_array(b->a, rt)))
            return bk_arena_oom(b->a, err);
    } else if (name_eq(name, "percentile_approx") || name_eq(name, "approx_percentile")) {
        if (n < 2 || n > 3) return wrong_args(b, call, "[2, 3]", err);
        const bk_type *xt = x->type;
        bool ok = (is_numeric(xt) && !(xt->kind == BK_TYPE_DECIMAL &&
                                       xt->precision > BK_DECIMAL_INT64_MAX_PRECISION)) ||
                  xt->kind == BK_TYPE_VOID;
        if (!ok) return mismatch(b, call, 0, "\"NUMERIC\"", xt, err);
        if (xt->kind == BK_TYPE_VOID) xt = T(BK_TYPE_DOUBLE);
        BK_TRY(percentages(env, call, 1, out, err));
        if (n == 3) {
            bk_vector *acc;
            BK_TRY(const_arg(env, call, 2, NULL, &acc, err));
            bool integral = acc->type->kind >= BK_TYPE_TINYINT && acc->type->kind <= BK_TYPE_BIGINT;
            if (!integral) return mismatch(b, call, 2, "\"INT\"", acc->type, err);
            BK_TRY(const_arg(env, call, 2, T(BK_TYPE_BIGINT), &acc, err));
            int64_t a = bk_vector_is_valid(acc, 0) ? ((const int64_t *)acc->data)[0] : 0;
            if (a <= 0 || a > INT32_MAX) {
                char cur[32];
                snprintf(cur, sizeof cur, "%lld", (long long)a);
                return fail_sub(b, call, err, BK_DATATYPE_MISMATCH,
                                "VALUE_OUT_OF_RANGE", "Cannot resolve \"%s\" due to "
                                "data type mismatch: The `accuracy` must be between [1, "
                                "2147483647] (current value = %s).",
                                text_of(b, call), cur);
            }
        }
        BK_TRY(bind_cast(b, x, T(BK_TYPE_DOUBLE), call->args[0], &x, err));
        out->kind = EXEC_AGG_PERCENTILE_APPROX;
        out->type = out->params_array ? bk_type_make_array(b->a, xt) : xt;
        if (!out->type) return bk_arena_oom(b->a, err);
    } else if (name_eq(name, "approx_count_distinct")) {
        if (n > 2) return wrong_args(b, call, "[1, 2]", err);
        out->kind = EXEC_AGG_APPROX_COUNT_DISTINCT;
        out->type = T(BK_TYPE_BIGINT);
        out->rsd = 0.05;
        if (n == 2) {
            bk_vector *v;
            BK_TRY(const_arg(env, call, 1, T(BK_TYPE_DOUBLE), &v, err));
            out->rsd = bk_vector_is_valid(v, 0) ? ((const double *)v->data)[0] : 0;
            /* p = ceil(2 log2(1.106 / rsd)) must be in [4, 18] (Spark: at least 4) */
            double pbits = ceil(2.0 * log(1.106 / out->rsd) / log(2.0));
            if (!(out->rsd > 0) || !(pbits >= 4 && pbits <= 18))
                return fail(b, call, err, BK_INVALID_ARGUMENT,
                            "The relative standard deviation of %s must be between 0.0017 and "
                            "0.39 (HyperLogLog++ with 4 to 18 bits of addressing; got \"%s\").",
                            "approx_count_distinct", text_of(b, call->args[1]));
        }
    } else {
        return fail(b, call, err, BK_INTERNAL, "aggregate %s is not bound%s", name, "");
    }
    if (pick) {
        out->column = bind_agg_arg(pre, pre_cols, np, first, x);
        if (p) {
            /* rows where the FILTER is not true are skipped: column2 NULL */
            uint8_t t = 1;
            bk_vector *tv = bk_vector_make(b->a, T(BK_TYPE_BOOLEAN), 1);
            if (!tv) return bk_arena_oom(b->a, err);
            memcpy(tv->data, &t, 1);
            exec_expr *pc = when(b, p, exec_expr_const(b->a, tv));
            if (!pc) return bk_arena_oom(b->a, err);
            out->column2 = bind_agg_arg(pre, pre_cols, np, first, pc);
            out->filtered = true;
        }
        if (call->distinct) goto no_distinct;
        return BK_OK;
    }
    if (p && !(x = when(b, p, x))) return bk_arena_oom(b->a, err);
    out->column = bind_agg_arg(pre, pre_cols, np, first, x);
    return BK_OK;
no_distinct:
    return fail(b, call, err, BK_UNSUPPORTED_FEATURE,
                "The feature is not supported: DISTINCT in %s (in \"%s\").", name,
                text_of(b, call));
}
