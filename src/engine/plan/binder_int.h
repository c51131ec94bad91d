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

/*
 * A USING / NATURAL join keeps the other side's key columns in scope, hidden:
 * their name starts with BIND_HIDDEN_MARK, so no unqualified reference and no
 * `*` sees them, while `t.k` and `t.*` do (Spark's qualified-access-only
 * columns).  bind_hidden_name gives such a column's real name, else NULL.
 */
#define BIND_HIDDEN_MARK '\x01'
static inline const char *bind_hidden_name(const plan_col *c) {
    return c->name && c->name[0] == BIND_HIDDEN_MARK ? c->name + 1 : NULL;
}

typedef struct plan_scope {
    plan_col *cols;
    uint32_t n;
} plan_scope;

typedef struct plan_rel {
    exec_node *node;
    plan_scope scope;
} plan_rel;

/*
 * A CTE in force: its name and definition, bound afresh at every use — except
 * an aggregating CTE that the query names more than once, whose rows are
 * computed once (at the first use, while binding) and read by every use.
 */
typedef struct cte_def {
    const sql_cte *cte;
    struct cte_def *next;
    uint32_t refs;              /* FROM items of the query naming it */
    struct exec_table *rows;    /* the shared result, once computed */
    plan_scope scope;           /* its columns (qualifiers are set per use) */
} cte_def;

/* A FROM item already bound (PIVOT's rewrite binds a SELECT over its input). */
typedef struct bind_prebound {
    const struct sql_from *from;
    plan_rel rel;
    struct bind_prebound *next;
} bind_prebound;

/*
 * The FROM of a SELECT whose correlated conjuncts are being planned as joins
 * (bind_subquery.c reads it for semi-join reduction): the inner-join leaves as
 * written and as bound (with their single-relation filters), and the
 * uncorrelated WHERE / ON conjuncts.
 */
typedef struct bind_outer {
    const struct sql_from **from;
    const plan_rel *leaves;
    uint32_t n_leaves;
    const sql_expr **conds;
    uint32_t n_conds;
} bind_outer;

/* The result of an uncorrelated subquery run while binding, kept for a second binding. */
typedef struct subquery_run {
    const struct sql_query *query;
    const struct cte_def *ctes; /* the CTEs it was bound with */
    struct exec_table *rows;
    const bk_type *type;
    struct subquery_run *next;
} subquery_run;

/* A lambda variable in scope (bind_lambda.c); the chain runs innermost first. */
typedef struct bind_lambda_var {
    const char *name;
    const bk_type *type;
    uint32_t slot; /* 0: the outermost lambda's first variable */
    const struct bind_lambda_var *next;
} bind_lambda_var;

typedef struct binder {
    bk_arena *a;
    const plan_env *env;
    const char *text;
    cte_def *ctes;
    int depth;
    uint32_t subquery_seq; /* names of decorrelated subqueries (__sq0, __sq1, ...) */
    bind_prebound *prebound; /* bind_from returns these relations for their FROM items */
    const sql_select *select; /* the SELECT being bound: its WINDOW clause names windows */
    const plan_rel *last_leaves; /* the leaves the last bind_plan_inner bound */
    const bind_outer *outer;     /* set while bind_correlated runs */
    subquery_run *runs;          /* uncorrelated subqueries already run */
    const bind_lambda_var *lambdas; /* the lambda variables in scope (shadow columns) */
    uint32_t n_lambda_vars;
} binder;

typedef struct bind_grouping bind_grouping;

/* One aggregate call found in a SELECT, with the column it becomes. */
typedef struct agg_ref {
    const sql_expr *call;
    exec_agg agg;
} agg_ref;

/* A window call of a SELECT and the column of the window node that computes it. */
typedef struct win_ref {
    const sql_expr *call;
    uint32_t column;
    const bk_type *type;
} win_ref;

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
    const bind_grouping *grouping; /* GROUPING SETS: what grouping() / grouping_id() read */
    /* after the windows were planned: where each window call's result is */
    const win_ref *wins;
    uint32_t n_wins;
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
/* Is `name` one of the aggregate functions bind_is_aggregate knows? */
bool bind_is_aggregate_name(const char *name);
/* Spark's name for an unaliased select item: `a`, `(a + 1)`, `count(1)`. */
const char *bind_auto_name(binder *b, const sql_expr *e);
/* Structural equality of bound expressions (GROUP BY matching). */
bool bind_expr_equal(const exec_expr *x, const exec_expr *y);
/* Does a bound expression call rand(), uuid() or another function with a new value per call? */
bool bind_expr_nondeterministic(const exec_expr *e);
/* Does a bound expression read a column of its input? */
bool bind_expr_reads_column(const exec_expr *e);
/* Fold an expression without columns into one value (VALUES, LIMIT, subquery constants). */
bk_status bind_const_value(binder *b, const exec_expr *e, bk_vector **out, bk_error *err);
/* Set err's position to the fragment of `e`. */
bk_status bind_error_at(binder *b, const sql_expr *e, bk_error *err);
/*
 * Fail on column reference e, which names nothing in scope: Spark's
 * UNRESOLVED_COLUMN.WITH_SUGGESTION with up to five of scope's columns ordered by
 * similarity, or .WITHOUT_SUGGESTION when scope has none (bind_suggest.c).  Returns
 * BK_UNRESOLVED_COLUMN (BK_OUT_OF_MEMORY if the list could not be built).
 */
bk_status bind_unresolved_column(binder *b, const sql_expr *e, const plan_scope *scope,
                                 bk_error *err);
/* scope's visible columns as Spark lists them in messages: "`a`, `b`" (b's arena). */
const char *bind_scope_names(binder *b, const plan_scope *scope);
/* A constant of `type` (value NULL: the NULL of that type); NULL on OOM. */
exec_expr *bind_const(binder *b, const bk_type *type, const void *value);

/*
 * A function of the library (fn_library.h) over bound arguments: its bind callback
 * says the argument casts and the result type.  *found is false when no function
 * has that name.
 */
bk_status bind_library_call(binder *b, const sql_expr *at, const char *name, exec_expr **args,
                            uint32_t n, bool *found, exec_expr **out, bk_error *err);

/* bind_lambda.c: higher-order functions (transform, filter, aggregate, ...) */
/* *handled = false when `name` is no higher-order function. */
bk_status bind_hof(bind_env *env, const sql_expr *e, const char *name, bool *handled,
                   exec_expr **out, bk_error *err);
/* Does column reference e name a lambda variable in scope? */
bool bind_is_lambda_var(const binder *b, const sql_expr *e);
/* A one-part column name that is a lambda variable in scope: *found and its reference. */
bk_status bind_lambda_ref(binder *b, const sql_expr *e, bool *found, exec_expr **out,
                          bk_error *err);

/* bind_interval.c: interval literals; date, timestamp and interval arithmetic */
/* timestampadd / timestampdiff and their aliases, whose first argument is a unit word. */
bool bind_is_unit_function(const char *name);
bk_status bind_unit_function(bind_env *env, const sql_expr *e, const char *name, exec_expr **out,
                             bk_error *err);
bk_status bind_interval_literal(binder *b, const sql_expr *e, exec_expr **out, bk_error *err);
/* *handled = false when neither operand is a DATE, TIMESTAMP or interval (or op is not + - * /). */
bk_status bind_datetime_arith(binder *b, const char *op, exec_expr *l, exec_expr *r,
                              const sql_expr *at, bool *handled, exec_expr **out, bk_error *err);
bk_status bind_interval_negate(binder *b, exec_expr *x, const sql_expr *at, exec_expr **out,
                               bk_error *err);

/* bind_query.c */
bk_status bind_query(binder *b, const sql_query *q, plan_rel *out, bk_error *err);
/* A FROM item (table, subquery, join, …) as a relation. */
bk_status bind_from_item(binder *b, const sql_from *f, plan_rel *out, bk_error *err);
/* PROJECT exprs over rel; the scope takes `cols` (names, qualifiers) with the exprs' types. */
bk_status bind_project(binder *b, plan_rel *rel, exec_expr **exprs, const plan_col *cols,
                       uint32_t n, bk_error *err);
bk_status bind_filter(binder *b, plan_rel *rel, exec_expr *pred, bk_error *err);
void bind_requalify(plan_rel *rel, const char *qual);
/* Which relations (bit i) e's columns belong to; *unknown when one belongs to none. */
uint64_t bind_refs_of(const sql_expr *e, const plan_rel *rels, uint32_t n_rels, bool *unknown);
/* Append the conjuncts of an AND chain to a growable list. */
bk_status bind_conjuncts(binder *b, const sql_expr *e, const sql_expr ***list, uint32_t *n,
                         uint32_t *cap, bk_error *err);
/* The leaves of an inner/cross join tree, and the ON conjuncts met on the way. */
bk_status bind_flatten_inner(binder *b, const sql_from *f, const sql_from ***leaves, uint32_t *n,
                             uint32_t *cap, const sql_expr ***conds, uint32_t *n_conds,
                             uint32_t *ccap, bk_error *err);
/* Inner joins of the leaves under the conjuncts; unplaceable conjuncts in *left_over. */
bk_status bind_plan_inner(binder *b, const sql_from **leaves, uint32_t n_leaves,
                          const sql_expr **conds, uint32_t n_conds, plan_rel *out,
                          const sql_expr ***left_over, uint32_t *n_left_over, bk_error *err);
/* Estimated rows of a plan (scans know; filters keep 30%; joins keep the build's share). */
double bind_estimate_rows(const exec_node *n);
/* Its rows before its filters (the denominator of their selectivity). */
double bind_unfiltered_rows(const exec_node *n);
/* Does the plan call a nondeterministic function (rand, uuid, …)? */
bool bind_plan_nondeterministic(const exec_node *n);
/* A hash join of probe and build on conjuncts over their columns. */
bk_status bind_make_join(binder *b, const plan_rel *probe, const plan_rel *build,
                         exec_join_kind kind, const sql_expr **conds, uint32_t n_conds,
                         bool null_safe, plan_rel *out, bk_error *err);

/* bind_join_order.c */
/*
 * Join the leaves rels[0..n) (filtered) under conds (masks: the leaves each names;
 * equi: a hash-key equality; used: applied already, updated) into *out; *order
 * gets the leaves in the order of out's columns.
 */
bk_status bind_join_order(binder *b, plan_rel *rels, uint32_t n, const sql_expr **conds,
                          const uint64_t *masks, bool *used, bool *equi, uint32_t n_conds,
                          plan_rel *out, uint32_t **order, uint32_t *n_order, bk_error *err);

/* bind_agg.c: the aggregates beyond count/sum/avg/min/max */
/* An aggregate's FILTER (WHERE p): BOOLEAN, without aggregates (INVALID_AGGREGATE_FILTER). */
bk_status bind_agg_filter(bind_env *env, const sql_expr *call, exec_expr **out, bk_error *err);
/* True when `call` names one of them. */
bool bind_agg_is_ext(const sql_expr *call);
/*
 * The pre-projection column of aggregate argument e: an earlier argument column
 * (pre[first..*np), past the group keys, which GROUPING SETS make NULL) that
 * computes the same, else a new one (*np advances).  sum(x) and avg(x) then read
 * one column, and the aggregate folds it once for both (op_agg.c's slot twins).
 */
uint32_t bind_agg_arg(exec_expr **pre, plan_col *pre_cols, uint32_t *np, uint32_t first,
                      exec_expr *e);
/*
 * Bind such a call: its arguments against env's scope, in the pre-projection
 * pre/pre_cols by bind_agg_arg (at most two columns; *np advances; arguments
 * from pre[first]), its exec_agg in *out (columns index the pre-projection).
 */
bk_status bind_agg_ext(bind_env *env, const sql_expr *call, exec_expr **pre, plan_col *pre_cols,
                       uint32_t *np, uint32_t first, exec_agg *out, bk_error *err);

/* bind_nested.c: a[i], m[k], s.field, struct(...), named_struct(...) */
bk_status bind_nested_access(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err);
/*
 * A column name `s.f[.g]` whose prefix names a STRUCT column: its field.
 * BK_UNRESOLVED_COLUMN (err untouched) when no prefix does.
 */
bk_status bind_nested_column(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err);
/* struct(s.*, t.*, *, x): the star forms, bound from the syntax; *handled false without a star. */
bk_status bind_nested_struct_star(bind_env *env, const sql_expr *e, bool *handled,
                                  exec_expr **out, bk_error *err);
/* struct / named_struct over bound args; *found false for other names. */
bk_status bind_nested_call(binder *b, const sql_expr *e, const char *name, exec_expr **args,
                           uint32_t n, bool *found, exec_expr **out, bk_error *err);
/* GROUP BY 1 / GROUP BY alias: the select item's expression (else g itself). */
const sql_expr *bind_resolve_group_item(const sql_select *s, const sql_expr *g,
                                        const plan_scope *input);
/* An ordinal g resolved to `resolved`: GROUP_BY_POS_AGGREGATE, STAR_GROUP_BY_POS as Spark. */
bk_status bind_check_group_ordinal(binder *b, const sql_select *s, const sql_expr *g,
                                   const sql_expr *resolved, bk_error *err);

/* bind_grouping.c: GROUP BY GROUPING SETS / ROLLUP / CUBE */
/*
 * The grouping expressions of s (group_kind SETS) bound in `env` (the input
 * scope), without duplicates, into group / gsrc (arena arrays with room for
 * the two extra keys bind_grouping_expand adds); the sets become masks in *out.
 */
bk_status bind_grouping_keys(bind_env *env, const sql_select *s, exec_expr ***group,
                             const sql_expr ***gsrc, uint32_t *n_group, bind_grouping **out,
                             bk_error *err);
/*
 * Over rel = the pre-projection (the n_group keys, then aggregate arguments):
 * an EXPAND with one copy of every row per grouping set (absent keys NULL) and
 * the grouping id (and, when sets repeat, the set's position) as extra keys
 * right after the keys.  Aggregate argument columns move up accordingly,
 * *n_group grows by the extra keys, and group[] gets entries for them that no
 * expression matches.
 */
bk_status bind_grouping_expand(binder *b, bind_grouping *g, plan_rel *rel, agg_ref *aggs,
                               uint32_t n_aggs, exec_expr **group, uint32_t *n_group,
                               bk_error *err);
/* The first column reference of e outside its aggregate calls (and subqueries), or NULL. */
const sql_expr *bind_column_outside_aggregate(const sql_expr *e);
/*
 * GROUP BY ALL found no grouping expressions (every item has an aggregate):
 * UNRESOLVED_ALL_IN_GROUP_BY when an item still reads a column outside them.
 */
bk_status bind_group_all_check(binder *b, const sql_select *s, bk_error *err);
/*
 * HAVING may name a select item by its alias (`… count(*) AS n … HAVING n > 1`):
 * s->having with every unqualified column that `input` lacks and an alias has
 * replaced by that item's expression (its aggregates are the ones collected).
 */
bk_status bind_having_aliases(binder *b, const sql_select *s, const plan_scope *input,
                              const sql_expr **out, bk_error *err);
/* Is e grouping(…), grouping_id(…) or the grouping__id column? */
bool bind_is_grouping_call(const sql_expr *e);
/* Bind such a call; UNSUPPORTED_GROUPING_EXPRESSION outside GROUPING SETS / ROLLUP / CUBE. */
bk_status bind_grouping_call(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err);

/* bind_using.c: JOIN … USING (c, …) and NATURAL JOIN over bound sides */
bk_status bind_using_join(binder *b, const sql_from *f, const plan_rel *l, const plan_rel *r,
                          plan_rel *out, bk_error *err);

/* bind_setop_all.c: INTERSECT ALL / EXCEPT ALL of two relations of the same columns and types */
bk_status bind_setop_all(binder *b, const sql_query *q, const plan_rel *l, const plan_rel *r,
                         plan_rel *out, bk_error *err);

/* bind_pivot.c: a PIVOT or UNPIVOT FROM item */
bk_status bind_pivot(binder *b, const sql_from *f, plan_rel *out, bk_error *err);
/* The exec_agg (kind, result type) for aggregate call `call` over column col of type t. */
bk_status bind_agg_spec(binder *b, const sql_expr *call, uint32_t col, const bk_type *t,
                        exec_agg *out, bk_error *err);

/* bind_window.c: window functions, the WINDOW clause, QUALIFY */
/*
 * Plan the window calls of q's SELECT list, QUALIFY and ORDER BY over rel
 * (after GROUP BY / HAVING; env binds in that context), apply QUALIFY, and
 * set env->wins.  Without window calls: nothing, or the QUALIFY error.
 */
bk_status bind_windows(binder *b, const sql_query *q, plan_rel *rel, bind_env *env, bk_error *err);
/* A window call bound after bind_windows: its column; an error where windows are not allowed. */
bk_status bind_window_column(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err);
/* The window a call's OVER names or spells (WINDOW clause references followed). */
bk_status bind_window_resolve(binder *b, const sql_expr *call, const sql_window **out,
                              bk_error *err);
/* Spark's checks before binding: repeated WINDOW names; windows in WHERE, GROUP BY, HAVING. */
bk_status bind_check_windows(binder *b, const sql_select *s, bk_error *err);
/* row_number, rank, lag, ...: functions that exist only with OVER. */
bool bind_is_window_only(const sql_expr *e);
bk_status bind_window_without_over(binder *b, const sql_expr *e, bk_error *err);

/* bind_generate.c: explode & co. (LATERAL VIEW, SELECT list, table functions) */
bool bind_gen_is_generator(const sql_expr *e);
/* LATERAL VIEWs lv[0..n) over rel, in order; their columns join rel's scope. */
bk_status bind_lateral_views(binder *b, const sql_lateral *lv, uint32_t n, plan_rel *rel,
                             bk_error *err);
/* FROM explode(...) [AS t(c, ...)]: a table function. */
bk_status bind_gen_table_function(binder *b, const sql_from *f, plan_rel *out, bk_error *err);
/* The generator of a select list: item -1 when none; columns first .. first + n of rel. */
typedef struct bind_gen_sel {
    int item;
    uint32_t first, n;
    const char **names;
    const bk_type **types;
} bind_gen_sel;
/*
 * Find the select list's generator (errors for more than one, or nested) and
 * put its GENERATE above rel->node (env binds its argument; rel->scope is kept,
 * so `*` does not see the generated columns).
 */
bk_status bind_gen_select(bind_env *env, const sql_select *s, plan_rel *rel, bind_gen_sel *g,
                          bk_error *err);
/* Add the generated columns to `scope` (for ORDER BY) when it is rel's scope without them. */
bk_status bind_gen_scope(binder *b, const bind_gen_sel *g, plan_scope *scope, bk_error *err);

/* bind_subquery.c: correlated subqueries in WHERE become joins */
/* True when conjunct c holds a correlated EXISTS / IN / scalar subquery this file handles. */
bool bind_is_correlated(binder *b, const sql_expr *c);
/* Apply such a conjunct to rel: a semi/anti join, or a join with an aggregated derived table. */
bk_status bind_correlated(binder *b, plan_rel *rel, const sql_expr *c, bk_error *err);
/*
 * SELECT-list values: does e hold a correlated scalar subquery?  Then
 * bind_correlated_value joins each one's grouped derived table to *rel (LEFT
 * JOIN: every row stays; the value over no rows for the rows without a group)
 * and gives e over the joined columns (arena copy); for a shape it does not
 * decorrelate (UNSUPPORTED_FEATURE) *rel and e stay as they were.
 */
bool bind_has_correlated_value(binder *b, const sql_expr *e);
bk_status bind_correlated_value(binder *b, plan_rel *rel, const sql_expr *e, sql_expr **out,
                                bk_error *err);

#endif
