/*
 * plan.h — binding: from a parsed statement to an executable plan.
 *
 * The binder resolves names (columns, tables by path, temporary views, CTEs),
 * types every expression with Spark's coercion rules (coerce.h), picks kernels
 * for operators and functions, and builds the exec_node tree (engine/exec).
 * Uncorrelated scalar subqueries are run while binding and become constants.
 *
 * Errors are Spark's analysis errors (TABLE_OR_VIEW_NOT_FOUND,
 * UNRESOLVED_COLUMN, DATATYPE_MISMATCH, MISSING_AGGREGATION, ...) with
 * err->sql_pos at the offending fragment.
 */
#ifndef BRICKS_ENGINE_PLAN_PLAN_H
#define BRICKS_ENGINE_PLAN_PLAN_H

#include "engine/exec/exec.h"
#include "engine/sql/ast.h"

/* What the binder asks of the session. */
typedef struct plan_env {
    void *session;
    /* The SQL text of temporary view `name` (case-insensitive), or NULL. */
    const char *(*view_sql)(void *session, const char *name, const char ***col_names,
                            uint32_t *n_cols);
    bool ansi;
    exec_ctx *exec; /* for subqueries run while binding */
    bool parquet_pushdown_off; /* spark.sql.parquet.filterPushdown = false */
    bool delta_skipping_off;   /* spark.databricks.delta.stats.skipping = false */
} plan_env;

/*
 * Bind query `q` (text: its statement's SQL, for messages) into a plan whose
 * output schema names the result columns.  Everything lives in `a`.
 */
bk_status plan_query(bk_arena *a, const plan_env *env, const char *text, const sql_query *q,
                     exec_node **out, bk_error *err);

/*
 * Column pruning (prune.c): a plan with the same output in which every operator
 * and scan keeps only the columns used above it.  plan_query applies it.
 */
bk_status plan_prune(bk_arena *a, exec_node *plan, exec_node **out, bk_error *err);

/*
 * Fail with Spark's TABLE_OR_VIEW_NOT_FOUND for `name` (rendered `a`.`b`, as toSQLId
 * does), pointing at the name.  Returns BK_TABLE_OR_VIEW_NOT_FOUND.
 */
bk_status plan_table_not_found(const sql_name *name, bk_error *err);

/*
 * Filter pushdown into scans (scan_pushdown.c): the conjuncts of filters over a
 * Parquet or Delta scan that the scan can evaluate become its predicates (the
 * filters stay).  Changes the scan nodes of `plan` in place; plan_query applies it
 * after plan_prune.
 */
bk_status plan_scan_pushdown(bk_arena *a, const plan_env *env, exec_node *plan, bk_error *err);

/*
 * Common subexpressions (cse.c): a PROJECT whose expressions share an eagerly
 * evaluated subexpression computes it once, in a PROJECT below it.  Changes `plan`
 * in place; plan_query applies it last.
 */
bk_status plan_cse(bk_arena *a, exec_node *plan, bk_error *err);

/* Render a plan for EXPLAIN (one operator per line, children indented). */
bk_status plan_explain(bk_arena *a, const exec_node *plan, bool analyze, char **out, bk_error *err);

#endif
