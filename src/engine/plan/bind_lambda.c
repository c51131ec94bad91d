/*
 * bind_lambda.c — binding the higher-order functions and their lambda arguments.
 *
 * transform(arr, x -> x + 1), filter, exists, forall, aggregate / reduce,
 * zip_with, map_filter, transform_values, transform_keys (fn_lambda.h runs
 * them).  A lambda's parameters are bound as variables that shadow columns
 * of the same name while its body is bound; the body may also read outer
 * columns and the variables of enclosing lambdas.  A variable becomes an
 * EXEC_EXPR_LAMBDA_VAR counting back from the end of the chunk its body runs
 * on (the outer columns, then every enclosing lambda's variables in order).
 */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "engine/exec/fn_lambda.h"
#include "engine/plan/binder_int.h"

/* What a higher-order function takes: `n_values` value arguments, then lambdas. */
typedef struct hof_def {
    const char *name;
    exec_hof_kind kind;
    uint32_t n_values;
    bool map;           /* its first argument is a MAP (else an ARRAY) */
    uint8_t params[2];  /* each lambda's parameter count (0: absent); lo | hi for one */
    uint8_t params_hi;  /* the first lambda may also take this many (the index), or 0 */
    bool last_optional; /* the second lambda may be left out */
} hof_def;

static const hof_def hofs[] = {
    {"transform", EXEC_HOF_TRANSFORM, 1, false, {1, 0}, 2, false},
    {"filter", EXEC_HOF_FILTER, 1, false, {1, 0}, 2, false},
    {"exists", EXEC_HOF_EXISTS, 1, false, {1, 0}, 0, false},
    {"forall", EXEC_HOF_FORALL, 1, false, {1, 0}, 0, false},
    {"aggregate", EXEC_HOF_AGGREGATE, 2, false, {2, 1}, 0, true},
    {"reduce", EXEC_HOF_AGGREGATE, 2, false, {2, 1}, 0, true},
    {"zip_with", EXEC_HOF_ZIP_WITH, 2, false, {2, 0}, 0, false},
    {"map_filter", EXEC_HOF_MAP_FILTER, 1, true, {2, 0}, 0, false},
    {"transform_values", EXEC_HOF_TRANSFORM_VALUES, 1, true, {2, 0}, 0, false},
    {"transform_keys", EXEC_HOF_TRANSFORM_KEYS, 1, true, {2, 0}, 0, false},
};

static const char *src_of(binder *b, const sql_expr *e) {
    return bk_arena_strndup(b->a, b->text + e->span.off, e->span.len);
}

static bool ieq(const char *x, const char *y) {
    return bk_str_ieq(bk_str_from_cstr(x), bk_str_from_cstr(y));
}

bool bind_is_lambda_var(const binder *b, const sql_expr *e) {
    if (e->kind != SQL_E_COLUMN || e->name.n != 1) return false;
    for (const bind_lambda_var *v = b->lambdas; v; v = v->next)
        if (ieq(v->name, e->name.parts[0].text)) return true;
    return false;
}

bk_status bind_lambda_ref(binder *b, const sql_expr *e, bool *found, exec_expr **out,
                          bk_error *err) {
    *found = false;
    if (e->name.n != 1) return BK_OK;
    for (const bind_lambda_var *v = b->lambdas; v; v = v->next) {
        if (!ieq(v->name, e->name.parts[0].text)) continue;
        exec_expr *r = bk_arena_zalloc(b->a, sizeof *r);
        if (!r) return bk_arena_oom(b->a, err);
        r->kind = EXEC_EXPR_LAMBDA_VAR;
        r->type = v->type;
        r->column = b->n_lambda_vars - v->slot;
        *found = true;
        *out = r;
        return BK_OK;
    }
    return BK_OK;
}

/* DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE for argument i of call e. */
static bk_status mismatch(binder *b, const sql_expr *e, uint32_t i, const char *required,
                          const bk_type *actual, bk_error *err) {
    static const char *const ord[] = {"first", "second", "third", "fourth"};
    char tn[128];
    bk_type_format(actual, tn, sizeof tn);
    for (char *c = tn; *c; c++) *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
    bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "UNEXPECTED_INPUT_TYPE",
                     "Cannot resolve \"%s\" due to data type mismatch: The %s parameter requires "
                     "the %s type, however \"%s\" has the type \"%s\".",
                     src_of(b, e), ord[i < 4 ? i : 3], required, src_of(b, e->args[i]), tn);
    return bind_error_at(b, e, err);
}

/*
 * Bind lambda `l` (an SQL_E_LAMBDA) with its parameters typed types[0..n):
 * an EXEC_EXPR_LAMBDA whose type is the body's.  Any other expression is a
 * function of no parameters (Spark's transform(a, 0)).
 */
static bk_status bind_lambda(bind_env *env, const sql_expr *l, const bk_type *const *types,
                             uint32_t n, exec_expr **out, bk_error *err) {
    binder *b = env->b;
    const sql_expr *body_sql = l->kind == SQL_E_LAMBDA ? l->args[0] : l;
    if (l->kind != SQL_E_LAMBDA) n = 0;
    for (uint32_t i = 0; i < l->n_params; i++)
        for (uint32_t j = 0; j < i; j++)
            if (ieq(l->params[i].text, l->params[j].text)) {
                bk_error_set_sub(err, BK_INVALID_LAMBDA_FUNCTION_CALL, "DUPLICATE_ARG_NAMES",
                                 "Invalid lambda function call. The lambda function has "
                                 "duplicate arguments `%s`. Please, consider to rename the "
                                 "argument names or set \"spark.sql.caseSensitive\" to \"true\".",
                                 l->params[i].text);
                return bind_error_at(b, l, err);
            }
    bind_lambda_var *vars = bk_arena_zalloc(b->a, (n ? n : 1) * sizeof *vars);
    if (!vars) return bk_arena_oom(b->a, err);
    const bind_lambda_var *saved = b->lambdas;
    uint32_t saved_n = b->n_lambda_vars;
    const bind_lambda_var *chain = saved;
    for (uint32_t i = 0; i < n; i++) {
        vars[i] = (bind_lambda_var){.name = l->params[i].text, .type = types[i],
                                    .slot = saved_n + i, .next = chain};
        chain = &vars[i];
    }
    b->lambdas = chain;
    b->n_lambda_vars = saved_n + n;
    exec_expr *body;
    bk_status st = bind_expr(env, body_sql, &body, err);
    b->lambdas = saved;
    b->n_lambda_vars = saved_n;
    BK_TRY(st);
    exec_expr *lam = bk_arena_zalloc(b->a, sizeof *lam);
    exec_expr **args = bk_arena_array(b->a, 1, sizeof *args);
    if (!lam || !args) return bk_arena_oom(b->a, err);
    args[0] = body;
    lam->kind = EXEC_EXPR_LAMBDA;
    lam->type = body->type;
    lam->column = n;
    lam->args = args;
    lam->n_args = 1;
    *out = lam;
    return BK_OK;
}

/* Equal types but for STRUCT field names (Spark's DataType.equalsStructurally). */
static bool same_shape(const bk_type *x, const bk_type *y) {
    if (x->kind != y->kind) return false;
    if (x->kind != BK_TYPE_STRUCT && x->kind != BK_TYPE_ARRAY && x->kind != BK_TYPE_MAP)
        return bk_type_equal(x, y);
    if (x->n_children != y->n_children) return false;
    for (uint32_t i = 0; i < x->n_children; i++)
        if (!same_shape(x->children[i], y->children[i])) return false;
    return true;
}

/* Cast a lambda's body to `to` (a BOOLEAN predicate given NULL, ...). */
static bk_status cast_body(binder *b, exec_expr *lam, const bk_type *to, const sql_expr *at,
                           bk_error *err) {
    BK_TRY(bind_cast(b, lam->args[0], to, at, &lam->args[0], err));
    lam->type = to;
    return BK_OK;
}

/* The body of lambda argument i must be BOOLEAN (NULL becomes a BOOLEAN NULL). */
static bk_status need_boolean(binder *b, const sql_expr *e, uint32_t i, exec_expr *lam,
                              bk_error *err) {
    if (lam->type->kind == BK_TYPE_BOOLEAN) return BK_OK;
    if (lam->type->kind == BK_TYPE_VOID)
        return cast_body(b, lam, bk_type_scalar(BK_TYPE_BOOLEAN), e->args[i], err);
    return mismatch(b, e, i, "\"BOOLEAN\"", lam->type, err);
}

bk_status bind_hof(bind_env *env, const sql_expr *e, const char *name, bool *handled,
                   exec_expr **out, bk_error *err) {
    binder *b = env->b;
    const hof_def *d = NULL;
    *handled = false;
    for (size_t i = 0; i < BK_ARRAY_LEN(hofs) && !d; i++)
        if (ieq(name, hofs[i].name)) d = &hofs[i];
    if (!d) {
        for (uint32_t i = 0; i < e->n_args; i++) {
            if (e->args[i]->kind != SQL_E_LAMBDA) continue;
            if (ieq(name, "array_sort") || ieq(name, "map_zip_with")) {
                bk_error_set(err, BK_UNSUPPORTED_FEATURE,
                             "The feature is not supported: %s with a lambda function (\"%s\").",
                             name, src_of(b, e));
                return bind_error_at(b, e, err);
            }
            bk_error_set_sub(err, BK_INVALID_LAMBDA_FUNCTION_CALL, "NON_HIGHER_ORDER_FUNCTION",
                             "Invalid lambda function call. A lambda function should only be "
                             "used in a higher order function. However, its class is `%s`, "
                             "which is not a higher order function.",
                             name);
            return bind_error_at(b, e, err);
        }
        return BK_OK;
    }
    /* filter(x) / exists(…) without lambdas are something else (or an error below) */
    *handled = true;
    uint32_t n_lambdas = d->params[1] ? 2 : 1;
    uint32_t min = d->n_values + n_lambdas - (d->last_optional ? 1 : 0);
    uint32_t max = d->n_values + n_lambdas;
    if (e->n_args < min || e->n_args > max) {
        char want[32];
        if (min == max)
            snprintf(want, sizeof want, "%u", min);
        else
            snprintf(want, sizeof want, "[%u, %u]", min, max);
        bk_error_set_sub(err, BK_WRONG_NUM_ARGS, "WITHOUT_SUGGESTION",
                         "The `%s` requires %s parameters but the actual number is %u. Please, "
                         "refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' "
                         "for a fix.",
                         d->name, want, e->n_args);
        return bind_error_at(b, e, err);
    }
    uint32_t n = e->n_args;
    exec_expr **args = bk_arena_zalloc(b->a, n * sizeof *args);
    if (!args) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < d->n_values; i++) {
        if (e->args[i]->kind == SQL_E_LAMBDA)
            return mismatch(b, e, i, d->map ? "\"MAP\"" : "\"ARRAY\"",
                            bk_type_scalar(BK_TYPE_VOID), err);
        BK_TRY(bind_expr(env, e->args[i], &args[i], err));
        bool zero = d->kind == EXEC_HOF_AGGREGATE && i == 1;
        if (zero) continue;
        bk_type_kind want = d->map ? BK_TYPE_MAP : BK_TYPE_ARRAY;
        if (args[i]->type->kind == BK_TYPE_VOID) { /* NULL: a NULL of the wanted kind */
            const bk_type *v = bk_type_scalar(BK_TYPE_VOID);
            const bk_type *t = d->map ? bk_type_make_map(b->a, v, v) : bk_type_make_array(b->a, v);
            if (!t) return bk_arena_oom(b->a, err);
            BK_TRY(bind_cast(b, args[i], t, e->args[i], &args[i], err));
        }
        if (args[i]->type->kind != want)
            return mismatch(b, e, i, d->map ? "\"MAP\"" : "\"ARRAY\"", args[i]->type, err);
    }
    for (uint32_t i = d->n_values; i < n; i++) {
        const sql_expr *l = e->args[i];
        uint32_t want = d->params[i - d->n_values];
        uint32_t hi = i == d->n_values && d->params_hi ? d->params_hi : want;
        if (l->kind != SQL_E_LAMBDA) continue; /* a constant function: transform(a, 0) */
        if (l->n_params != want && l->n_params != hi) {
            bk_error_set_sub(err, BK_INVALID_LAMBDA_FUNCTION_CALL, "NUM_ARGS_MISMATCH",
                             "Invalid lambda function call. A higher order function expects %u "
                             "arguments, but got %u.",
                             want, l->n_params);
            return bind_error_at(b, l, err);
        }
    }
    const bk_type *c0 = args[0]->type->n_children ? args[0]->type->children[0] : NULL;
    const bk_type *result = NULL;
    const bk_type *types[2];
    switch (d->kind) {
    case EXEC_HOF_TRANSFORM:
    case EXEC_HOF_FILTER:
    case EXEC_HOF_EXISTS:
    case EXEC_HOF_FORALL:
        types[0] = c0;
        types[1] = bk_type_scalar(BK_TYPE_INT);
        BK_TRY(bind_lambda(env, e->args[1], types, e->args[1]->n_params, &args[1], err));
        if (d->kind == EXEC_HOF_TRANSFORM) {
            result = bk_type_make_array(b->a, args[1]->type);
        } else {
            BK_TRY(need_boolean(b, e, 1, args[1], err));
            result = d->kind == EXEC_HOF_FILTER ? args[0]->type : bk_type_scalar(BK_TYPE_BOOLEAN);
        }
        break;
    case EXEC_HOF_AGGREGATE: {
        const bk_type *acc = args[1]->type;
        types[0] = acc;
        types[1] = c0;
        BK_TRY(bind_lambda(env, e->args[2], types, 2, &args[2], err));
        if (!bk_type_equal(args[2]->type, acc)) {
            if (args[2]->type->kind != BK_TYPE_VOID && !same_shape(args[2]->type, acc)) {
                char tn[128], want[136];
                bk_type_format(acc, tn, sizeof tn);
                for (char *c = tn; *c; c++)
                    *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
                snprintf(want, sizeof want, "\"%s\"", tn);
                return mismatch(b, e, 2, want, args[2]->type, err);
            }
            BK_TRY(cast_body(b, args[2], acc, e->args[2], err));
        }
        result = acc;
        if (n > 3) {
            BK_TRY(bind_lambda(env, e->args[3], &acc, 1, &args[3], err));
            result = args[3]->type;
        }
        break;
    }
    case EXEC_HOF_ZIP_WITH: {
        if (args[1]->type->kind != BK_TYPE_ARRAY)
            return mismatch(b, e, 1, "\"ARRAY\"", args[1]->type, err);
        types[0] = c0;
        types[1] = args[1]->type->children[0];
        BK_TRY(bind_lambda(env, e->args[2], types, 2, &args[2], err));
        result = bk_type_make_array(b->a, args[2]->type);
        break;
    }
    default: /* the map functions */
        types[0] = c0;
        types[1] = args[0]->type->children[1];
        BK_TRY(bind_lambda(env, e->args[1], types, 2, &args[1], err));
        if (d->kind == EXEC_HOF_MAP_FILTER) {
            BK_TRY(need_boolean(b, e, 1, args[1], err));
            result = args[0]->type;
        } else if (d->kind == EXEC_HOF_TRANSFORM_VALUES) {
            result = bk_type_make_map(b->a, c0, args[1]->type);
        } else {
            result = bk_type_make_map(b->a, args[1]->type, types[1]);
        }
        break;
    }
    if (!result) return bk_arena_oom(b->a, err);
    exec_expr *h = bk_arena_zalloc(b->a, sizeof *h);
    if (!h) return bk_arena_oom(b->a, err);
    h->kind = EXEC_EXPR_HOF;
    h->name = d->name;
    h->type = result;
    h->state = (void *)(uintptr_t)d->kind;
    h->args = args;
    h->n_args = n;
    h->sql_at = e->span.off + 1;
    *out = h;
    return BK_OK;
}
