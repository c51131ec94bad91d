/*
 * bind_setop_all.c — INTERSECT ALL and EXCEPT ALL (MINUS ALL): multiset semantics.
 *
 * A row that appears m times on the left and n times on the right appears
 * min(m, n) times in INTERSECT ALL and max(m - n, 0) times in EXCEPT ALL; NULLs
 * compare equal, as everywhere in set operations.  The plan is Spark's rewrite
 * (RewriteIntersectAll / RewriteExceptAll) with our operators:
 *
 *     UNION ALL ( left  [cols, 1 AS __l, 0 AS __r],
 *                 right [cols, 0 AS __l, 1 AS __r] )
 *       -> AGGREGATE keys cols, sum(__l), sum(__r)
 *       -> EXPAND (repeat) cols, each row min(l, r) or l - r times
 *
 * The caller has cast both sides to the common column types already.
 */
#include <string.h>

#include "engine/plan/binder_int.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

/* rel's columns and then two BIGINT constants, named __l and __r. */
static bk_status tag_side(binder *b, plan_rel *rel, int64_t l, int64_t r, bk_error *err) {
    uint32_t n = rel->scope.n;
    exec_expr **exprs = bk_arena_array(b->a, n + 2, sizeof *exprs);
    plan_col *cols = bk_arena_array(b->a, n + 2, sizeof *cols);
    if (!exprs || !cols) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n; i++) {
        exprs[i] = exec_expr_column(b->a, i, rel->scope.cols[i].type);
        if (!exprs[i]) return bk_arena_oom(b->a, err);
        cols[i] = rel->scope.cols[i];
    }
    exprs[n] = bind_const(b, T(BK_TYPE_BIGINT), &l);
    exprs[n + 1] = bind_const(b, T(BK_TYPE_BIGINT), &r);
    if (!exprs[n] || !exprs[n + 1]) return bk_arena_oom(b->a, err);
    cols[n] = (plan_col){NULL, "__l", T(BK_TYPE_BIGINT)};
    cols[n + 1] = (plan_col){NULL, "__r", T(BK_TYPE_BIGINT)};
    return bind_project(b, rel, exprs, cols, n + 2, err);
}

bk_status bind_setop_all(binder *b, const sql_query *q, const plan_rel *l_in, const plan_rel *r_in,
                         plan_rel *out, bk_error *err) {
    bool intersect = !strcmp(q->setop, "INTERSECT");
    plan_rel l = *l_in, r = *r_in;
    uint32_t n = l.scope.n;
    BK_TRY(tag_side(b, &l, 1, 0, err));
    BK_TRY(tag_side(b, &r, 0, 1, err));
    exec_node *u = exec_node_make(b->a, EXEC_NODE_UNION, l.node->schema, NULL);
    exec_node **kids = bk_arena_array(b->a, 2, sizeof *kids);
    if (!u || !kids) return bk_arena_oom(b->a, err);
    kids[0] = l.node;
    kids[1] = r.node;
    u->children = kids;
    u->n_children = 2;
    /* count each row's copies per side */
    uint32_t *keys = bk_arena_array(b->a, n ? n : 1, sizeof *keys);
    exec_agg *aggs = bk_arena_zalloc(b->a, 2 * sizeof *aggs);
    if (!keys || !aggs) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n; i++) keys[i] = i;
    aggs[0] = (exec_agg){.kind = EXEC_AGG_SUM, .column = n, .type = T(BK_TYPE_BIGINT)};
    aggs[1] = (exec_agg){.kind = EXEC_AGG_SUM, .column = n + 1, .type = T(BK_TYPE_BIGINT)};
    exec_node *g = exec_node_make(b->a, EXEC_NODE_AGGREGATE, u->schema, u);
    if (!g) return bk_arena_oom(b->a, err);
    g->u.agg.keys = keys;
    g->u.agg.n_keys = n;
    g->u.agg.aggs = aggs;
    g->u.agg.n_aggs = 2;
    /* how often each row comes out */
    exec_expr *cl = exec_expr_column(b->a, n, T(BK_TYPE_BIGINT));
    exec_expr *cr = exec_expr_column(b->a, n + 1, T(BK_TYPE_BIGINT));
    if (!cl || !cr) return bk_arena_oom(b->a, err);
    sql_expr at = {.kind = SQL_E_COLUMN, .span = q->span};
    exec_expr *times;
    if (intersect) {
        exec_expr *less;
        BK_TRY(bind_binary(b, "<", cl, cr, &at, &less, err));
        exec_expr **args = bk_arena_array(b->a, 3, sizeof *args);
        times = bk_arena_zalloc(b->a, sizeof *times);
        if (!args || !times) return bk_arena_oom(b->a, err);
        args[0] = less;
        args[1] = cl;
        args[2] = cr;
        *times = (exec_expr){.kind = EXEC_EXPR_CASE,
                             .type = T(BK_TYPE_BIGINT),
                             .has_else = true,
                             .n_args = 3,
                             .args = args};
    } else {
        BK_TRY(bind_binary(b, "-", cl, cr, &at, &times, err));
    }
    exec_expr ***projs = bk_arena_array(b->a, 1, sizeof *projs);
    exec_expr **cols = bk_arena_array(b->a, n ? n : 1, sizeof *cols);
    if (!projs || !cols) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n; i++) {
        cols[i] = exec_expr_column(b->a, i, l_in->scope.cols[i].type);
        if (!cols[i]) return bk_arena_oom(b->a, err);
    }
    projs[0] = cols;
    exec_node *x = exec_node_make(b->a, EXEC_NODE_EXPAND, l_in->node->schema, g);
    if (!x) return bk_arena_oom(b->a, err);
    x->u.expand.projections = projs;
    x->u.expand.n_projections = 1;
    x->u.expand.repeat = times;
    out->node = x;
    out->scope = l_in->scope;
    return BK_OK;
}
