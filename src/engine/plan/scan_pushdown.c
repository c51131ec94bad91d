/*
 * scan_pushdown.c — the conjuncts of a filter over a Parquet or Delta scan, handed
 * to the scan as pq_predicates (plan_scan_pushdown).
 *
 * Runs after column pruning.  For every FILTER whose input reaches a scan through
 * filters and column-only projections, each conjunct of the shape
 *
 *     col <op> constant      (=, <, <=, >, >=; the constant on either side)
 *     col IN (constants)     (at most MAX_IN_VALUES of them, MAX_IN_WORDS of integers)
 *     col IS [NOT] NULL
 *
 * (BETWEEN arrives as the AND of >= and <=) on a top-level primitive column is
 * added to the scan node's predicates, with the constant in the column's own type.
 * The column must be the bare column, or a widening cast of it: the binder casts
 * both sides to a common type, so `dec_10_2 BETWEEN 1 AND 2` compares
 * CAST(dec_10_2 AS DECIMAL(12,2)).  An integer or decimal cast to a wider integer
 * or decimal is injective and keeps the order, so the comparison is pushed on the
 * column with the constant cast back, when that cast is exact; `int_col < 2.5`
 * (between two INTs) and constants out of the column's range are not pushed.
 * Other casts (to DOUBLE, to STRING, ...) are never unwrapped.  Constant
 * operands that the binder left unfolded (`.06 - 0.01`) are evaluated here when
 * they consist of casts and arithmetic only, and the filter then uses the value
 * too; one that fails to evaluate is not pushed (the filter raises the error, if
 * a row reaches it).
 *
 * FLOAT and DOUBLE: Spark orders NaN above every number, but Parquet writers
 * (parquet-cpp, so pyarrow and delta-rs) leave NaN out of min/max statistics.  A
 * `x > c`, `x >= c` or a NaN constant could then skip a row group that holds a
 * matching NaN, so only <, <=, = and IN with non-NaN constants and the NULL tests
 * are pushed on them: NaN never satisfies those, and min/max without NaN bound
 * the other values.
 *
 * The filter stays where it is: the scan only skips row groups, pages and files
 * and drops rows its predicates reject, which the filter would reject too.
 * Settings spark.sql.parquet.filterPushdown and spark.databricks.delta.stats.skipping
 * (plan_env) turn it off per scan kind.
 */
#include <math.h>
#include <string.h>

#include "engine/exec/cast.h"
#include "engine/exec/functions.h"
#include "engine/plan/plan.h"
#include "parquet/parquet.h"

/* IN lists pushed into scans: up to 64 values, or 65536 of an integer-like type, which the
 * scan probes in a word set (base/wordset.h) once there are more than 8 */
#define MAX_IN_VALUES 64
#define MAX_IN_WORDS 65536
#define IN_WORDS_FROM 8

typedef struct pusher {
    bk_arena *a;
    const plan_env *env;
} pusher;

/* Kernels a constant operand may be built of (deterministic, no session state). */
static bool foldable_kernel(exec_kernel k) {
    return k == exec_fn_cast || k == exec_fn_add || k == exec_fn_subtract ||
           k == exec_fn_multiply || k == exec_fn_divide || k == exec_fn_negate ||
           k == exec_fn_decimal_add || k == exec_fn_decimal_subtract ||
           k == exec_fn_decimal_multiply || k == exec_fn_decimal_divide ||
           k == exec_fn_decimal_negate;
}

static bool is_foldable(const exec_expr *e) {
    if (e->kind == EXEC_EXPR_CONST) return true;
    if (e->kind != EXEC_EXPR_CALL || !foldable_kernel(e->kernel)) return false;
    if (e->kernel == exec_fn_cast && e->state) return false; /* TRY_CAST: keep it simple */
    for (uint32_t i = 0; i < e->n_args; i++)
        if (!is_foldable(e->args[i])) return false;
    return true;
}

/* The one-row value of a foldable expression, or NULL when it cannot be had. */
static const bk_vector *constant_of(pusher *p, const exec_expr *e) {
    if (e->kind == EXEC_EXPR_CONST) return e->value;
    if (!is_foldable(e) || !p->env->exec) return NULL;
    exec_chunk one = {.n = 1, .n_cols = 0, .cols = NULL};
    bk_vector *v = NULL;
    bk_error err;
    bk_error_clear(&err);
    if (exec_eval(p->env->exec, p->a, e, &one, &v, &err) != BK_OK || !v || v->n != 1) return NULL;
    return v;
}

/* Column types the scans can compare: top-level primitives with a total order. */
static bool pushable_type(const bk_type *t) {
    switch (t->kind) {
    case BK_TYPE_BOOLEAN:
    case BK_TYPE_TINYINT:
    case BK_TYPE_SMALLINT:
    case BK_TYPE_INT:
    case BK_TYPE_BIGINT:
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE:
    case BK_TYPE_DECIMAL:
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY:
    case BK_TYPE_DATE:
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
        return true;
    default:
        return false;
    }
}

static bool is_float(const bk_type *t) {
    return t->kind == BK_TYPE_FLOAT || t->kind == BK_TYPE_DOUBLE;
}

/* Does row `row` of a FLOAT / DOUBLE vector hold NaN? */
static bool is_nan_at(const bk_vector *v, size_t row) {
    if (!bk_vector_is_valid(v, row)) return false;
    if (v->type->kind == BK_TYPE_FLOAT) return isnan(((const float *)v->data)[row]);
    return isnan(((const double *)v->data)[row]);
}

/* The same types exactly (DECIMAL precision and scale included). */
static bool same_type(const bk_type *x, const bk_type *y) {
    return bk_type_equal(x, y) && x->precision == y->precision && x->scale == y->scale;
}

/*
 * A scan column index for expression `e` over the filter's input, through the
 * column map (filter input column -> scan output column), or -1.
 */
static int scan_column(const exec_expr *e, const int32_t *map, uint32_t n_map) {
    if (e->kind != EXEC_EXPR_COLUMN || e->column >= n_map) return -1;
    return map[e->column];
}

typedef struct pred_list {
    pq_predicate *items;
    uint32_t n, cap;
} pred_list;

static bool pred_push(pusher *p, pred_list *l, pq_predicate pr) {
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 8;
        pq_predicate *items = bk_arena_array(p->a, cap, sizeof *items);
        if (!items) return false;
        if (l->n) memcpy(items, l->items, l->n * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = pr;
    return true;
}

/* The valid values of an integer-like IN list as a word set; NULL on OOM. */
static const bk_wordset *in_words(pusher *p, const bk_vector *vals) {
    uint64_t *w = bk_arena_array(p->a, vals->n ? vals->n : 1, sizeof *w);
    if (!w) return NULL;
    size_t k = 0, width = bk_type_width(vals->type);
    for (size_t i = 0; i < vals->n; i++) {
        if (!bk_vector_is_valid(vals, i)) continue; /* x IN (NULL) matches no row */
        w[k++] = bk_wordset_word(vals->data, width, i);
    }
    return bk_wordset_build(p->a, w, k);
}

/* The comparison a kernel makes, as a predicate op; false for other kernels. */
static bool compare_op(exec_kernel k, pq_pred_op *op) {
    if (k == exec_fn_eq)
        *op = PQ_PRED_EQ;
    else if (k == exec_fn_lt)
        *op = PQ_PRED_LT;
    else if (k == exec_fn_le)
        *op = PQ_PRED_LE;
    else if (k == exec_fn_gt)
        *op = PQ_PRED_GT;
    else if (k == exec_fn_ge)
        *op = PQ_PRED_GE;
    else
        return false;
    return true;
}

/* `c op x` read as `x op' c`. */
static pq_pred_op flip(pq_pred_op op) {
    switch (op) {
    case PQ_PRED_LT:
        return PQ_PRED_GT;
    case PQ_PRED_LE:
        return PQ_PRED_GE;
    case PQ_PRED_GT:
        return PQ_PRED_LT;
    case PQ_PRED_GE:
        return PQ_PRED_LE;
    default:
        return op;
    }
}

static bool is_integer(const bk_type *t) {
    return t->kind == BK_TYPE_TINYINT || t->kind == BK_TYPE_SMALLINT || t->kind == BK_TYPE_INT ||
           t->kind == BK_TYPE_BIGINT;
}

/* Integer digits a type holds exactly: DECIMAL(p, s) p - s; TINYINT 3 ... BIGINT 19. */
static int int_digits(const bk_type *t) {
    switch (t->kind) {
    case BK_TYPE_TINYINT:
        return 3;
    case BK_TYPE_SMALLINT:
        return 5;
    case BK_TYPE_INT:
        return 10;
    case BK_TYPE_BIGINT:
        return 19;
    default:
        return t->precision - t->scale;
    }
}

/*
 * Is CAST(from AS to) injective and order-preserving (an integer or decimal into a
 * wider integer or decimal)?  Then CAST(col AS to) op c is col op c' for the c' in
 * `from` that casts back to c exactly (Spark's UnwrapCastInBinaryComparison).
 */
static bool widening(const bk_type *from, const bk_type *to) {
    bool fi = is_integer(from), ti = is_integer(to);
    if (!(fi || from->kind == BK_TYPE_DECIMAL) || !(ti || to->kind == BK_TYPE_DECIMAL))
        return false;
    int fs = fi ? 0 : from->scale, ts = ti ? 0 : to->scale;
    if (ti && !fi) return false;
    if (fi && ti) return int_digits(to) >= int_digits(from) && to->kind >= from->kind;
    return ts >= fs && int_digits(to) >= int_digits(from);
}

/*
 * `v` (of the wide type) as a value of `from`, when it converts exactly; else
 * NULL (a value between two of `from`'s, or out of its range: not pushed).
 */
static const bk_vector *narrow_exactly(pusher *p, const bk_vector *v, const bk_type *from) {
    if (!bk_vector_is_valid(v, 0)) return NULL;
    exec_cast_opts o = {.ansi = true};
    bk_error err;
    bk_error_clear(&err);
    bk_vector *n = NULL, *back = NULL;
    if (exec_cast(p->a, v, from, &o, &n, &err) != BK_OK || !n || !bk_vector_is_valid(n, 0))
        return NULL;
    if (exec_cast(p->a, n, v->type, &o, &back, &err) != BK_OK || !back ||
        bk_vector_compare(back, 0, v, 0) != 0)
        return NULL;
    return n;
}

/* The scan column under CAST(column) when the cast widens (see widening), else -1. */
static int unwrapped_column(const exec_expr *e, const int32_t *map, uint32_t n_map,
                            const bk_type *const *types) {
    if (e->kind != EXEC_EXPR_CALL || e->kernel != exec_fn_cast || e->state || e->n_args != 1)
        return -1;
    int col = scan_column(e->args[0], map, n_map);
    if (col < 0 || !widening(types[col], e->type)) return -1;
    return col;
}

/*
 * Translate one conjunct over the scan's output columns (types `types`, file or
 * table field `fields[col]`) into l.  Conjuncts of other shapes are left alone.
 * False only on OOM.
 */
static bool translate(pusher *p, exec_expr *e, const int32_t *map, uint32_t n_map,
                      const bk_type *const *types, const uint32_t *fields, pred_list *l) {
    if (e->kind == EXEC_EXPR_AND) {
        for (uint32_t i = 0; i < e->n_args; i++)
            if (!translate(p, e->args[i], map, n_map, types, fields, l)) return false;
        return true;
    }
    if (e->kind != EXEC_EXPR_CALL) return true;
    pq_pred_op op;
    if ((e->kernel == exec_fn_is_null || e->kernel == exec_fn_is_not_null) && e->n_args == 1) {
        int col = scan_column(e->args[0], map, n_map);
        if (col < 0 || !pushable_type(types[col])) return true;
        op = e->kernel == exec_fn_is_null ? PQ_PRED_IS_NULL : PQ_PRED_IS_NOT_NULL;
        return pred_push(p, l, (pq_predicate){fields[col], op, NULL, NULL});
    }
    if (e->kernel == exec_fn_in_set && e->n_args == 1 && e->state) {
        int col = scan_column(e->args[0], map, n_map);
        bool cast = col < 0 && (col = unwrapped_column(e->args[0], map, n_map, types)) >= 0;
        if (col < 0 || !pushable_type(types[col])) return true;
        const bk_vector *vals = exec_in_set_values(e->state);
        if (!vals || vals->n > (bk_wordset_type_ok(types[col]) ? MAX_IN_WORDS : MAX_IN_VALUES))
            return true;
        if (cast) { /* the values that narrow exactly; no other can equal the column */
            bk_vector **parts = bk_arena_array(p->a, vals->n ? vals->n : 1, sizeof *parts);
            if (!parts) return false;
            size_t k = 0;
            for (size_t i = 0; i < vals->n; i++) {
                bk_vector *one = bk_vector_take(p->a, vals, (const uint32_t[]){(uint32_t)i}, 1);
                if (!one) return false;
                const bk_vector *nv = narrow_exactly(p, one, types[col]);
                if (nv) parts[k++] = (bk_vector *)nv;
            }
            vals = k ? bk_vector_concat(p->a, parts, k) : bk_vector_make(p->a, types[col], 0);
            if (!vals) return false;
        }
        if (!same_type(vals->type, types[col])) return true;
        for (size_t i = 0; is_float(types[col]) && i < vals->n; i++)
            if (is_nan_at(vals, i)) return true;
        const bk_wordset *set = NULL;
        if (bk_wordset_type_ok(types[col]) && vals->n > IN_WORDS_FROM && !(set = in_words(p, vals)))
            return false;
        return pred_push(p, l, (pq_predicate){fields[col], PQ_PRED_IN, vals, set});
    }
    if (!compare_op(e->kernel, &op) || e->n_args != 2) return true;
    int col = scan_column(e->args[0], map, n_map);
    const exec_expr *other = e->args[1];
    bool cast = false;
    if (col < 0 && (col = unwrapped_column(e->args[0], map, n_map, types)) >= 0) cast = true;
    if (col < 0) {
        col = scan_column(e->args[1], map, n_map);
        if (col < 0 && (col = unwrapped_column(e->args[1], map, n_map, types)) >= 0) cast = true;
        other = e->args[0];
        op = flip(op);
    }
    if (col < 0 || !pushable_type(types[col])) return true;
    const bk_vector *v = constant_of(p, other);
    if (v && cast) {
        const bk_vector *wide = v;
        v = narrow_exactly(p, wide, types[col]);
        if (!v) return true;
        if (other->kind != EXEC_EXPR_CONST) { /* fold it for the filter, in its own type */
            exec_expr *c = exec_expr_const(p->a, wide);
            if (!c) return false;
            e->args[e->args[0] == other ? 0 : 1] = c;
        }
        return pred_push(p, l, (pq_predicate){fields[col], op, v, NULL});
    }
    if (!v || !same_type(v->type, types[col])) return true;
    if (other->kind != EXEC_EXPR_CONST) {
        /* the filter need not recompute it for every chunk either */
        exec_expr *c = exec_expr_const(p->a, v);
        if (!c) return false;
        e->args[e->args[0] == other ? 0 : 1] = c;
    }
    if (is_float(types[col]) && (op == PQ_PRED_GT || op == PQ_PRED_GE || is_nan_at(v, 0)))
        return true; /* NaN and the statistics: see the header */
    return pred_push(p, l, (pq_predicate){fields[col], op, v, NULL});
}

/*
 * Walk down from `n` through filters and column-only projections to a scan.
 * On the way, map[i] (a column of the top filter's input) becomes the matching
 * column of the node reached, or -1.  Returns the scan, or NULL.
 */
static exec_node *reach_scan(exec_node *n, int32_t *map, uint32_t n_map) {
    for (;;) {
        if (n->kind == EXEC_NODE_PARQUET || n->kind == EXEC_NODE_DELTA) return n;
        if (n->kind == EXEC_NODE_FILTER) {
            n = n->child;
            continue;
        }
        if (n->kind != EXEC_NODE_PROJECT) return NULL;
        for (uint32_t i = 0; i < n_map; i++) {
            if (map[i] < 0) continue;
            const exec_expr *x = n->u.project.exprs[map[i]];
            map[i] = x->kind == EXEC_EXPR_COLUMN ? (int32_t)x->column : -1;
        }
        n = n->child;
    }
}

/* Add the conjuncts of filter `f` that fit to the scan below it, if there is one. */
static bk_status push_filter(pusher *p, exec_node *f, bk_error *err) {
    uint32_t n_map = f->schema->n_children;
    int32_t *map = bk_arena_array(p->a, n_map ? n_map : 1, sizeof *map);
    if (!map) return bk_arena_oom(p->a, err);
    for (uint32_t i = 0; i < n_map; i++) map[i] = (int32_t)i;
    exec_node *scan = reach_scan(f->child, map, n_map);
    if (!scan) return BK_OK;
    bool parquet = scan->kind == EXEC_NODE_PARQUET;
    if (parquet ? !p->env->parquet_pushdown_off : !p->env->delta_skipping_off) {
        uint32_t n_out = scan->schema->n_children;
        const uint32_t *proj = parquet ? scan->u.parquet.fields : scan->u.delta.fields;
        uint32_t *fields = bk_arena_array(p->a, n_out ? n_out : 1, sizeof *fields);
        if (!fields) return bk_arena_oom(p->a, err);
        for (uint32_t i = 0; i < n_out; i++) fields[i] = proj ? proj[i] : i;
        pred_list l = {0};
        const pq_predicate *old = parquet ? scan->u.parquet.preds : scan->u.delta.preds;
        uint32_t n_old = parquet ? scan->u.parquet.n_preds : scan->u.delta.n_preds;
        for (uint32_t i = 0; i < n_old; i++)
            if (!pred_push(p, &l, old[i])) return bk_arena_oom(p->a, err);
        const bk_type *const *types = (const bk_type *const *)scan->schema->children;
        if (!translate(p, f->u.filter.pred, map, n_map, types, fields, &l))
            return bk_arena_oom(p->a, err);
        if (parquet) {
            scan->u.parquet.preds = l.items;
            scan->u.parquet.n_preds = l.n;
        } else {
            scan->u.delta.preds = l.items;
            scan->u.delta.n_preds = l.n;
        }
    }
    return BK_OK;
}

static bk_status walk(pusher *p, exec_node *n, bk_error *err) {
    if (n->kind == EXEC_NODE_FILTER) BK_TRY(push_filter(p, n, err));
    /* with pushdown off a scan takes no filter at all, runtime join filters neither */
    if (n->kind == EXEC_NODE_PARQUET) n->u.parquet.no_pushdown = p->env->parquet_pushdown_off;
    if (n->kind == EXEC_NODE_DELTA) n->u.delta.no_pushdown = p->env->delta_skipping_off;
    if (n->child) BK_TRY(walk(p, n->child, err));
    if (n->right) BK_TRY(walk(p, n->right, err));
    for (uint32_t i = 0; i < n->n_children; i++) BK_TRY(walk(p, n->children[i], err));
    return BK_OK;
}

bk_status plan_scan_pushdown(bk_arena *a, const plan_env *env, exec_node *plan, bk_error *err) {
    pusher p = {.a = a, .env = env};
    return walk(&p, plan, err);
}
