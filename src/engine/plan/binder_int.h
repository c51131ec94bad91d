/*
 * binder_int.h — the binder's state (private to src/engine/plan/).
 *
 * A relation being built is a plan node plus its scope: for every output
 * column, the qualifier (table alias) it can be named with, its name and type.
 * Expressions are bound against a scope; in an aggregate context references
 * to GROUP BY expressions and aggregate calls become columns of the aggregate.
 */
#ifndef BRICKS_ENGINE_PLAN_BINDER_INT_H
#define BRICKS_ENGINE_PLAN_BINDER_INT_H

#include "engine/exec/exec.h"
#include "engine/plan/plan.h"
#include "engine/sql/ast.h"

typedef struct plan_col {
    const char *qualifier; /* alias of the relation, or NULL */
    const char *name;
    const bk_type *type;
} plan_col;

typedef struct plan_scope {
    plan_col *cols;
    uint32_t n;
} plan_scope;

typedef struct plan_rel {
    exec_node *node;
    plan_scope scope;
} plan_rel;

/* A CTE in force: its name and definition (bound afresh at every use). */
typedef struct cte_def {
    const sql_cte *cte;
    struct cte_def *next;
} cte_def;

typedef struct binder {
    bk_arena *a;
    const plan_env *env;
    const char *text;
    cte_def *ctes;
    int depth;
} binder;

/* One aggregate call found in a SELECT, with the column it becomes. */
typedef struct agg_ref {
    const sql_expr *call;
    exec_agg agg;
} agg_ref;

/* How expressions are bound: against a scope, optionally in an aggregate context. */
typedef struct bind_env {
    binder *b;
    const plan_scope *scope;
    /* aggregate context: GROUP BY expressions (bound against `input`) and aggregates */
    const plan_scope *input;
    exec_expr **group;
    uint32_t n_group;
    agg_ref *aggs;
    uint32_t n_aggs;
    bool allow_aggs; /* collecting: aggregate calls are allowed here */
} bind_env;

/* bind_expr.c */
bk_status bind_expr(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err);
/* Cast `e` to `to` (no-op when the types are equal); `at` for messages. */
bk_status bind_cast(binder *b, exec_expr *e, const bk_type *to, const sql_expr *at, exec_expr **out,
                    bk_error *err);
/* A comparison, arithmetic or logical operator over bound operands. */
bk_status bind_binary(binder *b, const char *op, exec_expr *l, exec_expr *r, const sql_expr *at,
                      exec_expr **out, bk_error *err);
/* The common type of a list (CASE branches, IN lists, UNION columns). */
const bk_type *bind_common_type(binder *b, const bk_type *x, const bk_type *y);
/* Is this call an aggregate function (and not a window)? */
bool bind_is_aggregate(const sql_expr *e);
/* Spark's name for an unaliased select item: `a`, `(a + 1)`, `count(1)`. */
const char *bind_auto_name(binder *b, const sql_expr *e);
/* Structural equality of bound expressions (GROUP BY matching). */
bool bind_expr_equal(const exec_expr *x, const exec_expr *y);
/* Fold an expression without columns into one value (VALUES, LIMIT, subquery constants). */
bk_status bind_const_value(binder *b, const exec_expr *e, bk_vector **out, bk_error *err);
/* Set err's position to the fragment of `e`. */
bk_status bind_error_at(binder *b, const sql_expr *e, bk_error *err);

/* bind_query.c */
bk_status bind_query(binder *b, const sql_query *q, plan_rel *out, bk_error *err);

#endif
