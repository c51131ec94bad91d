/*
 * bind_subquery.c — correlated subqueries in WHERE, planned as joins.
 *
 * A subquery that names a column of the outer query cannot run on its own (the
 * uncorrelated ones run while binding, bind_expr.c).  The shapes TPC-H and most
 * reporting SQL use are rewritten the way Spark's optimizer does:
 *
 *   [NOT] EXISTS (SELECT … FROM F WHERE inner AND corr)
 *       the outer rows SEMI (ANTI) JOIN F filtered by `inner`, on `corr`
 *   x IN (SELECT e FROM F WHERE inner AND corr)
 *       SEMI JOIN on corr AND x = e
 *   x NOT IN (SELECT e FROM F WHERE inner AND corr)
 *       ANTI JOIN on corr AND (x = e OR (x = e) IS NULL): null-aware, as Spark's
 *       rewrite — an empty group keeps the row, a NULL x or e in a non-empty one
 *       drops it (NOT IN is then NULL, not true)
 *   lhs op (SELECT agg FROM F WHERE inner AND i1 = o1 AND …)     (op: = <> < <= > >=)
 *       JOIN (SELECT i1 AS __k0, …, agg AS __v FROM F WHERE inner GROUP BY i1, …)
 *       ON o1 = __k0 …, then the filter lhs op __v.  An inner join is right when
 *       the aggregate over no rows is NULL (an outer row without a group would
 *       compare with NULL, which is not true); for count & co. it is a LEFT JOIN
 *       and the value over no rows (0) for the rows without a group.  An item that
 *       names outer columns besides its aggregates (`max(y) + o.x`) puts each
 *       aggregate in the derived table (__a0, …) and is evaluated after the join.
 *
 * `corr` are the subquery's conjuncts that name outer columns; `inner` the rest.
 */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "engine/plan/binder_int.h"

static bk_status fail(binder *b, const sql_expr *at, bk_error *err, const char *msg) {
    (void)b;
    bk_error_set(err, BK_UNSUPPORTED_FEATURE, "The feature is not supported: %s", msg);
    if (err && err->sql_pos < 0) err->sql_pos = (int)at->span.off;
    return BK_UNSUPPORTED_FEATURE;
}

/* The subquery of a conjunct we handle, and how. */
typedef enum corr_kind {
    CORR_NONE,
    CORR_EXISTS,
    CORR_NOT_EXISTS,
    CORR_IN,
    CORR_NOT_IN,
    CORR_SCALAR
} corr_kind;

/* The first scalar subquery in e (not inside another subquery), or NULL. */
static const sql_expr *first_subquery(const sql_expr *e) {
    if (!e) return NULL;
    if (e->kind == SQL_E_SUBQUERY) return e;
    for (uint32_t i = 0; i < e->n_args; i++) {
        const sql_expr *f = first_subquery(e->args[i]);
        if (f) return f;
    }
    const sql_expr *f = first_subquery(e->operand);
    return f ? f : first_subquery(e->else_);
}

/* A copy of e with the node `sub` replaced by `by` (NULL when out of memory). */
static sql_expr *replace_node(binder *b, const sql_expr *e, const sql_expr *sub, sql_expr *by) {
    if (e == sub) return by;
    if (!e || !first_subquery(e)) return (sql_expr *)e;
    sql_expr *c = bk_arena_alloc(b->a, sizeof *c);
    sql_expr **args = e->n_args ? bk_arena_array(b->a, e->n_args, sizeof *args) : NULL;
    if (!c || (e->n_args && !args)) return NULL;
    *c = *e;
    for (uint32_t i = 0; i < e->n_args; i++)
        if (!(args[i] = replace_node(b, e->args[i], sub, by))) return NULL;
    c->args = args;
    if (e->operand && !(c->operand = replace_node(b, e->operand, sub, by))) return NULL;
    if (e->else_ && !(c->else_ = replace_node(b, e->else_, sub, by))) return NULL;
    return c;
}

static corr_kind kind_of(const sql_expr *c, const sql_query **q, const sql_expr **lhs,
                         const char **op) {
    *lhs = NULL;
    *op = NULL;
    if (c->kind == SQL_E_EXISTS) {
        *q = c->query;
        return c->negated ? CORR_NOT_EXISTS : CORR_EXISTS;
    }
    if (c->kind == SQL_E_UNARY && !strcmp(c->op, "NOT") && c->args[0]->kind == SQL_E_EXISTS) {
        *q = c->args[0]->query;
        return c->args[0]->negated ? CORR_EXISTS : CORR_NOT_EXISTS;
    }
    if (c->kind == SQL_E_IN_QUERY) {
        *q = c->query;
        *lhs = c->args[0];
        return c->negated ? CORR_NOT_IN : CORR_IN;
    }
    if (c->kind == SQL_E_UNARY && !strcmp(c->op, "NOT") && c->args[0]->kind == SQL_E_IN_QUERY) {
        *q = c->args[0]->query;
        *lhs = c->args[0]->args[0];
        return c->args[0]->negated ? CORR_IN : CORR_NOT_IN;
    }
    *lhs = first_subquery(c);
    if (!*lhs) return CORR_NONE;
    /* a scalar subquery somewhere in the conjunct: `lhs op (subquery)` or any other
     * expression over its value */
    *q = (*lhs)->query;
    bool direct = c->kind == SQL_E_BINARY_OP && c->n_args == 2 &&
                  (c->args[0] == *lhs || c->args[1] == *lhs);
    if (direct) {
        static const char *const cmp[] = {"=", "<>", "<", "<=", ">", ">="};
        for (size_t i = 0; i < BK_ARRAY_LEN(cmp); i++)
            if (!strcmp(c->op, cmp[i])) *op = c->op;
    }
    return CORR_SCALAR;
}

static bool query_correlated(binder *b, const sql_query *q);

bool bind_is_correlated(binder *b, const sql_expr *c) {
    const sql_query *q;
    const sql_expr *lhs;
    const char *op;
    if (kind_of(c, &q, &lhs, &op) == CORR_NONE) return false;
    return query_correlated(b, q);
}

/* Is q correlated: it does not bind on its own for want of a column? */
static bool query_correlated(binder *b, const sql_query *q) {
    plan_rel tmp;
    bk_error e;
    bk_error_clear(&e);
    e.sql_pos = -1;
    return bind_query(b, q, &tmp, &e) != BK_OK && e.code == BK_UNRESOLVED_COLUMN;
}

/* A synthetic AST node; spans point at `at` for messages. */
static sql_expr *node(binder *b, sql_expr_kind kind, const sql_expr *at) {
    sql_expr *e = bk_arena_zalloc(b->a, sizeof *e);
    if (e) {
        e->kind = kind;
        e->span = at->span;
    }
    return e;
}

static sql_expr *binop(binder *b, const char *op, sql_expr *l, sql_expr *r, const sql_expr *at) {
    sql_expr *e = node(b, SQL_E_BINARY_OP, at);
    sql_expr **args = bk_arena_array(b->a, 2, sizeof *args);
    if (!e || !args) return NULL;
    args[0] = l;
    args[1] = r;
    e->op = op;
    e->args = args;
    e->n_args = 2;
    return e;
}

/* The column `qual`.`name` as an AST. */
static sql_expr *colref(binder *b, const char *qual, const char *name, const sql_expr *at) {
    sql_expr *e = node(b, SQL_E_COLUMN, at);
    sql_ident *parts = bk_arena_zalloc(b->a, 2 * sizeof *parts);
    if (!e || !parts) return NULL;
    parts[0].text = qual;
    parts[1].text = name;
    e->name.parts = parts;
    e->name.n = 2;
    e->name.span = at->span;
    return e;
}

/* The subquery's FROM bound alone, with its conjuncts split into inner and correlated. */
typedef struct split {
    plan_rel inner;        /* FROM, filtered by the inner conjuncts */
    const sql_expr **corr; /* conjuncts that name outer columns */
    uint32_t n_corr;
    const sql_expr **inner_c; /* the inner conjuncts (for rebuilding a WHERE) */
    uint32_t n_inner;
} split;

static bk_status split_subquery(binder *b, const sql_query *q, const sql_expr *at, split *out,
                                bk_error *err) {
    memset(out, 0, sizeof *out);
    if (q->kind != SQL_Q_SELECT || !q->select->from || q->n_ctes || q->limit || q->offset ||
        q->select->having || q->select->distinct)
        return fail(b, at, err,
                    "this shape of correlated subquery (it needs a plain SELECT … "
                    "FROM … WHERE …).");
    const sql_from **leaves = NULL;
    const sql_expr **conds = NULL;
    uint32_t n = 0, cap = 0, nc = 0, ccap = 0;
    BK_TRY(bind_flatten_inner(b, q->select->from, &leaves, &n, &cap, &conds, &nc, &ccap, err));
    BK_TRY(bind_conjuncts(b, q->select->where, &conds, &nc, &ccap, err));
    BK_TRY(bind_plan_inner(b, leaves, n, conds, nc, &out->inner, &out->corr, &out->n_corr, err));
    out->inner_c = bk_arena_array(b->a, nc ? nc : 1, sizeof *out->inner_c);
    if (!out->inner_c) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < nc; i++) {
        bool is_corr = false;
        for (uint32_t k = 0; k < out->n_corr; k++) is_corr |= out->corr[k] == conds[i];
        if (!is_corr) out->inner_c[out->n_inner++] = conds[i];
    }
    return BK_OK;
}

static bk_status semi_join(binder *b, plan_rel *rel, const sql_expr *c, corr_kind kind,
                           const sql_query *q, const sql_expr *lhs, bk_error *err) {
    split sp;
    BK_TRY(split_subquery(b, q, c, &sp, err));
    if (q->select->group_kind != SQL_GROUP_NONE)
        return fail(b, c, err, "GROUP BY inside a correlated EXISTS or IN subquery.");
    uint32_t n = sp.n_corr + (lhs ? 1 : 0);
    const sql_expr **conds = bk_arena_array(b->a, n ? n : 1, sizeof *conds);
    if (!conds) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < sp.n_corr; i++) conds[i] = sp.corr[i];
    if (lhs) {
        if (q->select->n_items != 1 || q->select->items[0].expr->kind == SQL_E_STAR)
            return fail(b, c, err, "IN (subquery) with other than one column.");
        sql_expr *eq = binop(b, "=", (sql_expr *)lhs, q->select->items[0].expr, c);
        if (!eq) return bk_arena_oom(b->a, err);
        if (kind == CORR_NOT_IN) {
            /* null-aware: a row of the group whose comparison is NULL rules x out too */
            sql_expr *unknown = node(b, SQL_E_IS, c);
            sql_expr **args = bk_arena_array(b->a, 1, sizeof *args);
            if (!unknown || !args) return bk_arena_oom(b->a, err);
            args[0] = eq;
            unknown->op = "NULL";
            unknown->args = args;
            unknown->n_args = 1;
            eq = binop(b, "OR", eq, unknown, c);
            if (!eq) return bk_arena_oom(b->a, err);
        }
        conds[sp.n_corr] = eq;
    }
    bool anti = kind == CORR_NOT_EXISTS || kind == CORR_NOT_IN;
    plan_rel out;
    BK_TRY(bind_make_join(b, rel, &sp.inner, anti ? EXEC_JOIN_ANTI : EXEC_JOIN_SEMI, conds, n,
                          false, &out, err));
    *rel = out;
    return BK_OK;
}

/*
 * Semi-join reduction of a decorrelated aggregate (what DuckDB does by pushing
 * the outer keys into it): the derived table GROUP BY i1, … only needs the
 * groups some outer row can meet, and every outer row's o1 is a value of the
 * outer relation R that o1 names, filtered as the outer query filters R.  So
 * when R has such filters (and is smaller than the subquery's FROM) the derived
 * table's WHERE gets
 *
 *     i1 IN (SELECT o1 FROM R WHERE <R's filters>)
 *
 * (one per outer relation, for its first key).  The IN is uncorrelated: it runs
 * while binding into a hash set and is pushed down to the inner relation of i1,
 * below the subquery's joins and its aggregate.  A group it drops has no outer
 * row to join, so the result is the same (NULL keys join nothing either way).
 * Not done when R or its filters are nondeterministic.
 */
static bk_status reduce_keys(binder *b, const split *sp, sql_expr *const *keys_in,
                             sql_expr *const *keys_out, uint32_t n, const sql_expr *at,
                             sql_expr **where, bk_error *err) {
    const bind_outer *o = b->outer;
    if (!o || o->n_leaves > 60) return BK_OK;
    uint64_t done = 0;
    double inner_rows = bind_estimate_rows(sp->inner.node);
    for (uint32_t i = 0; i < n; i++) {
        if (keys_out[i]->kind != SQL_E_COLUMN) continue;
        bool unknown = false;
        uint64_t m = bind_refs_of(keys_out[i], o->leaves, o->n_leaves, &unknown);
        if (unknown || !m || (m & (m - 1)) || (m & done)) continue;
        done |= m;
        uint32_t r = (uint32_t)__builtin_ctzll(m);
        if (bind_estimate_rows(o->leaves[r].node) >= inner_rows ||
            bind_plan_nondeterministic(o->leaves[r].node))
            continue;
        sql_expr *filters = NULL;
        for (uint32_t c = 0; c < o->n_conds; c++) {
            bool u = false;
            if (bind_refs_of(o->conds[c], o->leaves, o->n_leaves, &u) != m || u) continue;
            filters = filters ? binop(b, "AND", filters, (sql_expr *)o->conds[c], at)
                              : (sql_expr *)o->conds[c];
            if (!filters) return bk_arena_oom(b->a, err);
        }
        if (!filters) continue; /* R unfiltered: every key value may occur */
        sql_query *rq = bk_arena_zalloc(b->a, sizeof *rq);
        sql_select *rs = bk_arena_zalloc(b->a, sizeof *rs);
        sql_select_item *item = bk_arena_zalloc(b->a, sizeof *item);
        sql_expr *in = node(b, SQL_E_IN_QUERY, at);
        sql_expr **args = bk_arena_array(b->a, 1, sizeof *args);
        if (!rq || !rs || !item || !in || !args) return bk_arena_oom(b->a, err);
        item->expr = keys_out[i];
        rs->items = item;
        rs->n_items = 1;
        rs->from = (sql_from *)o->from[r];
        rs->where = filters;
        rq->kind = SQL_Q_SELECT;
        rq->select = rs;
        rq->span = at->span;
        args[0] = keys_in[i];
        in->args = args;
        in->n_args = 1;
        in->query = rq;
        *where = *where ? binop(b, "AND", *where, in, at) : in;
        if (!*where) return bk_arena_oom(b->a, err);
    }
    return BK_OK;
}

/* The aggregate calls of e (not inside one another or a subquery). */
static uint32_t count_aggregates(const sql_expr *e) {
    if (!e || e->kind == SQL_E_IN_QUERY || e->kind == SQL_E_EXISTS || e->kind == SQL_E_SUBQUERY)
        return 0;
    if (bind_is_aggregate(e)) return 1;
    uint32_t n = count_aggregates(e->operand) + count_aggregates(e->else_);
    for (uint32_t i = 0; i < e->n_args; i++) n += count_aggregates(e->args[i]);
    return n;
}

/*
 * A copy of e with each aggregate call (not inside another, nor in a subquery)
 * replaced by fn(b, call, arg, ok); parts without aggregates are shared, not copied.
 * With `no_subqueries`, a subquery anywhere in e makes *ok false.
 */
typedef sql_expr *(*agg_map_fn)(binder *b, const sql_expr *call, void *arg, bool *ok);

static sql_expr *map_aggregates(binder *b, const sql_expr *e, agg_map_fn fn, void *arg,
                                bool no_subqueries, bool *ok) {
    if (!e || !*ok) return (sql_expr *)e;
    if (e->kind == SQL_E_IN_QUERY || e->kind == SQL_E_EXISTS || e->kind == SQL_E_SUBQUERY) {
        if (no_subqueries) *ok = false;
        return (sql_expr *)e;
    }
    if (bind_is_aggregate(e)) return fn(b, e, arg, ok);
    if (!count_aggregates(e) && !no_subqueries) return (sql_expr *)e;
    sql_expr *c = bk_arena_alloc(b->a, sizeof *c);
    sql_expr **args = e->n_args ? bk_arena_array(b->a, e->n_args, sizeof *args) : NULL;
    if (!c || (e->n_args && !args)) {
        *ok = false;
        return NULL;
    }
    *c = *e;
    for (uint32_t i = 0; i < e->n_args; i++)
        args[i] = map_aggregates(b, e->args[i], fn, arg, no_subqueries, ok);
    c->args = args;
    c->operand = map_aggregates(b, e->operand, fn, arg, no_subqueries, ok);
    c->else_ = map_aggregates(b, e->else_, fn, arg, no_subqueries, ok);
    return *ok ? c : NULL;
}

/*
 * An aggregate call's value over no rows: 0 for count, count_if and
 * approx_count_distinct, NULL for the others, an empty array for collect_list,
 * collect_set and array_agg.
 */
static sql_expr *empty_aggregate(binder *b, const sql_expr *e, void *arg, bool *ok) {
    (void)arg;
    const char *name = e->name.parts[e->name.n - 1].text;
    static const char *const zero[] = {"count", "count_if", "approx_count_distinct"};
    static const char *const arrays[] = {"collect_list", "collect_set", "array_agg"};
    bk_str nm = bk_str_from_cstr(name);
    for (size_t i = 0; i < BK_ARRAY_LEN(arrays); i++) {
        if (!bk_str_ieq(nm, bk_str_from_cstr(arrays[i]))) continue;
        /* an empty array: `array()`, typed by the CASE that picks it */
        sql_expr *a = node(b, SQL_E_FUNC, e);
        sql_ident *fn = bk_arena_zalloc(b->a, sizeof *fn);
        if (!a || !fn) {
            *ok = false;
            return NULL;
        }
        fn->text = "array";
        a->name = (sql_name){fn, 1, e->span};
        return a;
    }
    bool is_zero = false;
    for (size_t i = 0; i < BK_ARRAY_LEN(zero); i++)
        is_zero |= bk_str_ieq(nm, bk_str_from_cstr(zero[i]));
    sql_expr *v = node(b, is_zero ? SQL_E_NUMBER : SQL_E_NULL, e);
    if (v && is_zero) {
        v->text = "0L";
        v->text_len = 2;
    }
    if (!v) *ok = false;
    return v;
}

/*
 * The subquery's value over an empty group (Spark's RewriteCorrelatedScalarSubquery
 * handles this "COUNT bug" the same way): `e` with every aggregate call replaced by
 * its value over no rows.  NULL when that value is not known (a subquery inside).
 */
static sql_expr *empty_group_value(binder *b, const sql_expr *e, bool *ok) {
    sql_expr *v = map_aggregates(b, e, empty_aggregate, NULL, true, ok);
    return *ok ? v : NULL;
}

/* Is the subquery's value over an empty group a known non-NULL constant?  Then *out. */
static bool empty_group_nonnull(binder *b, const sql_expr *item, sql_expr **out) {
    bool ok = true;
    sql_expr *e = empty_group_value(b, item, &ok);
    if (!ok || !e) return false;
    plan_scope none = {0};
    bind_env env = {.b = b, .scope = &none};
    exec_expr *x;
    bk_vector *v;
    bk_error tmp;
    bk_error_clear(&tmp);
    tmp.sql_pos = -1;
    if (bind_expr(&env, e, &x, &tmp) != BK_OK || bind_const_value(b, x, &v, &tmp) != BK_OK)
        return false; /* e.g. an outer column outside the aggregates: left as it was */
    if (!bk_vector_is_valid(v, 0)) return false;
    *out = e;
    return true;
}

/*
 * `CASE WHEN qual.__m IS NULL THEN empty ELSE v END`: a derived table's value v, or
 * `empty` (its value over no rows) for an outer row the LEFT JOIN found no group for.
 */
static sql_expr *unless_unmatched(binder *b, const char *qual, sql_expr *empty, sql_expr *v,
                                  const sql_expr *at) {
    sql_expr *m = colref(b, qual, "__m", at);
    sql_expr *is = node(b, SQL_E_IS, at), *cs = node(b, SQL_E_CASE, at);
    sql_expr **is_args = bk_arena_array(b->a, 1, sizeof *is_args);
    sql_expr **cs_args = bk_arena_array(b->a, 2, sizeof *cs_args);
    if (!v || !m || !is || !cs || !is_args || !cs_args) return NULL;
    is->op = "NULL";
    is_args[0] = m;
    is->args = is_args;
    is->n_args = 1;
    cs_args[0] = is;
    cs_args[1] = empty;
    cs->args = cs_args;
    cs->n_args = 2;
    cs->else_ = v;
    return cs;
}


/* An aggregate call as a NULL literal: what an item reads besides its aggregates. */
static sql_expr *null_aggregate(binder *b, const sql_expr *e, void *arg, bool *ok) {
    (void)arg;
    sql_expr *v = node(b, SQL_E_NULL, e);
    if (!v) *ok = false;
    return v;
}

/* What the derived table of a scalar subquery collects: its items and their names. */
typedef struct derived_items {
    sql_select_item *items;
    sql_ident *aliases;
    uint32_t n;
    const char *qual; /* the derived table's name */
    bool marked;      /* it has the marker column __m (it is grouped by correlation keys) */
} derived_items;

/*
 * An aggregate call e of a subquery's select item that names outer columns besides
 * its aggregates (`max(x) + t1.y`), moved into the derived table as `__a<i>`; the
 * item takes `CASE WHEN __m IS NULL THEN <its value over no rows> ELSE __a<i> END`
 * instead (`__a<i>` when there is no marker: one global group), so the outer
 * columns are read after the join, where they are in scope.
 */
static sql_expr *lift_aggregate(binder *b, const sql_expr *e, void *arg, bool *ok) {
    derived_items *d = arg;
    const char *name = bk_arena_printf(b->a, "__a%u", d->n);
    sql_expr *empty = empty_group_value(b, e, ok);
    sql_expr *col = name && *ok ? colref(b, d->qual, name, e) : NULL;
    sql_expr *v = col && d->marked ? unless_unmatched(b, d->qual, empty, col, e) : col;
    if (!v) {
        *ok = false;
        return NULL;
    }
    d->aliases[d->n].text = name;
    d->items[d->n].expr = (sql_expr *)e;
    d->items[d->n].alias = &d->aliases[d->n];
    d->n++;
    return v;
}

/*
 * Join rel with the derived table of the scalar subquery `sub` (query q) of the
 * expression c; *rel becomes rel ++ the derived table's columns (named `__…`, so
 * `*` skips them) and *value the subquery's value over them.  op: c is
 * `lhs op (subquery)`, so an outer row without a group may be dropped when the
 * value over no rows is NULL; NULL: every outer row stays.
 */
static bk_status scalar_join(binder *b, plan_rel *rel, const sql_expr *c, const sql_query *q,
                             const sql_expr *sub, const char *op, sql_expr **value,
                             bk_error *err) {
    (void)sub;
    const sql_select *s = q->select;
    if (s->n_items != 1 || s->group_kind != SQL_GROUP_NONE)
        return fail(b, c, err,
                    "a correlated scalar subquery must be one aggregate without "
                    "GROUP BY.");
    split sp;
    BK_TRY(split_subquery(b, q, c, &sp, err));
    /* every correlated conjunct must be inner_expr = outer_expr */
    sql_expr **keys_in = bk_arena_array(b->a, sp.n_corr ? sp.n_corr : 1, sizeof *keys_in);
    sql_expr **keys_out = bk_arena_array(b->a, sp.n_corr ? sp.n_corr : 1, sizeof *keys_out);
    if (!keys_in || !keys_out) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < sp.n_corr; i++) {
        const sql_expr *k = sp.corr[i];
        if (k->kind != SQL_E_BINARY_OP || strcmp(k->op, "=") != 0)
            return fail(b, k, err, "a correlated condition other than an equality.");
        bool u0 = false, u1 = false;
        uint64_t m0 = bind_refs_of(k->args[0], &sp.inner, 1, &u0);
        uint64_t m1 = bind_refs_of(k->args[1], &sp.inner, 1, &u1);
        int inner_side = (!u0 && m0) ? 0 : (!u1 && m1) ? 1 : -1;
        if (inner_side < 0 || (inner_side == 0 ? !u1 : !u0))
            return fail(b, k, err,
                        "a correlated equality must compare an inner with an outer "
                        "column.");
        keys_in[i] = k->args[inner_side];
        keys_out[i] = k->args[1 - inner_side];
    }
    /* SELECT k0 AS __k0, …, agg AS __v FROM F WHERE inner GROUP BY k0, … */
    char qual[32];
    snprintf(qual, sizeof qual, "__sq%u", b->subquery_seq++);
    const char *qname = bk_arena_strdup(b->a, qual);
    /* an item that names outer columns besides its aggregates, and no inner ones
     * (those need an aggregate, MISSING_AGGREGATION): its aggregates are lifted */
    const sql_expr *item = s->items[0].expr;
    uint32_t n_lift = count_aggregates(item);
    if (n_lift) {
        bool ok = true, outer_item = false;
        const sql_expr *rest = map_aggregates(b, item, null_aggregate, NULL, false, &ok);
        if (!ok) return bk_arena_oom(b->a, err);
        uint64_t inner_refs = bind_refs_of(rest, &sp.inner, 1, &outer_item);
        if (inner_refs || !outer_item) n_lift = 0;
    }
    sql_query *dq = bk_arena_zalloc(b->a, sizeof *dq);
    sql_select *ds = bk_arena_zalloc(b->a, sizeof *ds);
    sql_select_item *items = bk_arena_zalloc(b->a, (sp.n_corr + 2 + n_lift) * sizeof *items);
    sql_ident *aliases = bk_arena_zalloc(b->a, (sp.n_corr + 2 + n_lift) * sizeof *aliases);
    if (!qname || !dq || !ds || !items || !aliases) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < sp.n_corr; i++) {
        aliases[i].text = bk_arena_printf(b->a, "__k%u", i);
        if (!aliases[i].text) return bk_arena_oom(b->a, err);
        items[i].expr = keys_in[i];
        items[i].alias = &aliases[i];
    }
    sql_expr *lifted = NULL;
    if (n_lift) { /* SELECT k0 AS __k0, …, agg0 AS __a0, …, true AS __m */
        derived_items d = {items + sp.n_corr, aliases + sp.n_corr, 0, qname, sp.n_corr > 0};
        bool ok = true;
        lifted = map_aggregates(b, item, lift_aggregate, &d, false, &ok);
        if (!ok || !lifted) return bk_arena_oom(b->a, err);
    } else {
        aliases[sp.n_corr].text = "__v";
        items[sp.n_corr].expr = s->items[0].expr;
        items[sp.n_corr].alias = &aliases[sp.n_corr];
    }
    uint32_t n_values = n_lift ? n_lift : 1;
    /* an outer row without a group sees the value over no rows: when that is not
     * NULL (count), a LEFT JOIN and a marker column `true AS __m` tell them apart
     * (lifted aggregates always: what their value over no rows makes is not known) */
    sql_expr *empty = NULL;
    bool marked = sp.n_corr && (n_lift || empty_group_nonnull(b, s->items[0].expr, &empty));
    /* an inner join drops the outer rows without a group: right only when the
     * conjunct is `lhs op (subquery)` and the value over no rows is NULL */
    bool left = sp.n_corr && (marked || !op);
    if (marked) {
        sql_expr *t = node(b, SQL_E_BOOL, c);
        if (!t) return bk_arena_oom(b->a, err);
        t->b = true;
        aliases[sp.n_corr + n_values].text = "__m";
        items[sp.n_corr + n_values].expr = t;
        items[sp.n_corr + n_values].alias = &aliases[sp.n_corr + n_values];
    }
    ds->items = items;
    ds->n_items = sp.n_corr + n_values + (marked ? 1 : 0);
    ds->from = s->from;
    sql_expr *where = NULL;
    for (uint32_t i = 0; i < sp.n_inner; i++) {
        where = where ? binop(b, "AND", where, (sql_expr *)sp.inner_c[i], c)
                      : (sql_expr *)sp.inner_c[i];
        if (!where) return bk_arena_oom(b->a, err);
    }
    BK_TRY(reduce_keys(b, &sp, keys_in, keys_out, sp.n_corr, c, &where, err));
    ds->where = where;
    ds->group_kind = sp.n_corr ? SQL_GROUP_EXPRS : SQL_GROUP_NONE;
    ds->group = keys_in;
    ds->n_group = sp.n_corr;
    dq->kind = SQL_Q_SELECT;
    dq->select = ds;
    dq->span = q->span;
    plan_rel derived;
    BK_TRY(bind_query(b, dq, &derived, err));
    bind_requalify(&derived, qname);
    const sql_expr **conds = bk_arena_array(b->a, sp.n_corr ? sp.n_corr : 1, sizeof *conds);
    if (!conds) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < sp.n_corr; i++) {
        sql_expr *ref = colref(b, qname, aliases[i].text, c);
        conds[i] = ref ? binop(b, "=", keys_out[i], ref, c) : NULL;
        if (!conds[i]) return bk_arena_oom(b->a, err);
    }
    plan_rel joined;
    BK_TRY(bind_make_join(b, rel, &derived, left ? EXEC_JOIN_LEFT : EXEC_JOIN_INNER, conds,
                          sp.n_corr, false, &joined, err));
    /* the comparison, then back to the outer columns */
    if (lifted) {
        *rel = joined;
        *value = lifted;
        return BK_OK;
    }
    sql_expr *v = colref(b, qname, "__v", c);
    if (marked) v = unless_unmatched(b, qname, empty, v, c);
    if (!v) return bk_arena_oom(b->a, err);
    *rel = joined;
    *value = v;
    return BK_OK;
}

/* A WHERE conjunct c over the scalar subquery sub: filter rel by it. */
static bk_status scalar_filter(binder *b, plan_rel *rel, const sql_expr *c, const sql_query *q,
                               const sql_expr *sub, const char *op, bk_error *err) {
    plan_rel joined = *rel;
    sql_expr *v;
    BK_TRY(scalar_join(b, &joined, c, q, sub, op, &v, err));
    sql_expr *cmp = replace_node(b, c, sub, v);
    if (!cmp) return bk_arena_oom(b->a, err);
    bind_env env = {.b = b, .scope = &joined.scope};
    if (first_subquery(cmp) && bind_is_correlated(b, cmp)) {
        /* another correlated subquery in the same conjunct: its own join next */
        BK_TRY(bind_correlated(b, &joined, cmp, err));
    } else {
        exec_expr *pred;
        BK_TRY(bind_expr(&env, cmp, &pred, err));
        BK_TRY(bind_filter(b, &joined, pred, err));
    }
    uint32_t keep = rel->scope.n;
    exec_expr **exprs = bk_arena_array(b->a, keep ? keep : 1, sizeof *exprs);
    if (!exprs) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < keep; i++) {
        exprs[i] = exec_expr_column(b->a, i, joined.scope.cols[i].type);
        if (!exprs[i]) return bk_arena_oom(b->a, err);
    }
    BK_TRY(bind_project(b, &joined, exprs, joined.scope.cols, keep, err));
    *rel = joined;
    return BK_OK;
}

bk_status bind_correlated(binder *b, plan_rel *rel, const sql_expr *c, bk_error *err) {
    const sql_query *q;
    const sql_expr *lhs;
    const char *op;
    corr_kind kind = kind_of(c, &q, &lhs, &op);
    switch (kind) {
    case CORR_EXISTS:
        return semi_join(b, rel, c, CORR_EXISTS, q, NULL, err);
    case CORR_NOT_EXISTS:
        return semi_join(b, rel, c, CORR_NOT_EXISTS, q, NULL, err);
    case CORR_IN:
    case CORR_NOT_IN:
        return semi_join(b, rel, c, kind, q, lhs, err);
    case CORR_SCALAR:
        return scalar_filter(b, rel, c, q, lhs, op, err);
    case CORR_NONE:
        break;
    }
    return fail(b, c, err, "this correlated subquery.");
}

/* The first scalar subquery in e that is correlated, or NULL. */
static const sql_expr *first_correlated(binder *b, const sql_expr *e) {
    if (!e) return NULL;
    if (e->kind == SQL_E_SUBQUERY) return query_correlated(b, e->query) ? e : NULL;
    for (uint32_t i = 0; i < e->n_args; i++) {
        const sql_expr *f = first_correlated(b, e->args[i]);
        if (f) return f;
    }
    const sql_expr *f = first_correlated(b, e->operand);
    return f ? f : first_correlated(b, e->else_);
}

bool bind_has_correlated_value(binder *b, const sql_expr *e) {
    return first_correlated(b, e) != NULL;
}

bk_status bind_correlated_value(binder *b, plan_rel *rel, const sql_expr *e, sql_expr **out,
                                bk_error *err) {
    const sql_expr *sub;
    sql_expr *cur = (sql_expr *)e;
    const bind_outer *saved = b->outer;
    plan_rel before = *rel;
    b->outer = NULL; /* no semi-join reduction: every outer row keeps its value */
    while ((sub = first_correlated(b, cur)) != NULL) {
        sql_expr *v;
        bk_status st = scalar_join(b, rel, sub, sub->query, sub, NULL, &v, err);
        if (st == BK_UNSUPPORTED_FEATURE) {
            /* a shape not decorrelated yet: e stays, and binding it says which
             * outer column the subquery cannot see */
            bk_error_clear(err);
            if (err) err->sql_pos = -1;
            b->outer = saved;
            *rel = before;
            *out = (sql_expr *)e;
            return BK_OK;
        }
        if (st != BK_OK) {
            b->outer = saved;
            return st;
        }
        cur = replace_node(b, cur, sub, v);
        if (!cur) {
            b->outer = saved;
            return bk_arena_oom(b->a, err);
        }
    }
    b->outer = saved;
    *out = cur;
    return BK_OK;
}
