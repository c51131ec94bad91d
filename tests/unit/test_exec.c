/*
 * test_exec.c — the executor on hand-built plans: expressions, filter, project,
 * aggregate, join, sort, limit, union, range; serial and on a pool.
 */
#include "base/buf.h"
#include "base/thread.h"
#include "engine/exec/exec.h"
#include "engine/exec/functions.h"
#include "test.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

/* A STRUCT schema of n BIGINT columns named c0.. */
static const bk_type *bigint_schema(bk_arena *a, uint32_t n) {
    const char *names[8] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};
    const bk_type *types[8];
    for (uint32_t i = 0; i < n; i++) types[i] = T(BK_TYPE_BIGINT);
    return bk_type_make_struct(a, n, names, types, NULL);
}

/* VALUES of BIGINT columns; INT64_MIN stands for NULL. */
static exec_node *values(bk_arena *a, uint32_t n_cols, size_t n_rows, const int64_t *cells) {
    const bk_type *schema = bigint_schema(a, n_cols);
    exec_table *t = exec_table_make(a, schema);
    exec_chunk c = {.n = n_rows, .n_cols = n_cols};
    c.cols = bk_arena_array(a, n_cols, sizeof *c.cols);
    for (uint32_t k = 0; k < n_cols; k++) {
        bk_vector *v = bk_vector_make(a, T(BK_TYPE_BIGINT), n_rows);
        for (size_t r = 0; r < n_rows; r++) {
            int64_t x = cells[r * n_cols + k];
            if (x == INT64_MIN) {
                if (bk_vector_ensure_validity(a, v) != BK_OK) return NULL;
                bk_validity_set(v->validity, r, false);
            } else {
                ((int64_t *)v->data)[r] = x;
            }
        }
        c.cols[k] = v;
    }
    if (exec_table_append(t, &c, NULL, 0, NULL) != BK_OK) return NULL;
    exec_node *n = exec_node_make(a, EXEC_NODE_VALUES, schema, NULL);
    n->u.values.table = t;
    return n;
}

/* The result as text: rows joined by ";", columns by ",". */
static const char *render(bk_arena *a, const exec_table *t) {
    bk_buf b;
    bk_buf_init(&b);
    for (size_t i = 0; i < t->n_chunks; i++) {
        const exec_chunk *c = &t->chunks[i];
        for (size_t r = 0; r < c->n; r++) {
            if (b.len && bk_buf_append(&b, ";", 1) != BK_OK) return NULL;
            for (uint32_t k = 0; k < c->n_cols; k++) {
                if (k && bk_buf_append(&b, ",", 1) != BK_OK) return NULL;
                if (bk_vector_format_value(c->cols[k], r, &b) != BK_OK) return NULL;
            }
        }
    }
    const char *s = bk_arena_strndup(a, b.len ? (const char *)b.data : "", b.len);
    bk_buf_destroy(&b);
    return s;
}

static exec_expr *col(bk_arena *a, uint32_t i) { return exec_expr_column(a, i, T(BK_TYPE_BIGINT)); }

static exec_expr *lit(bk_arena *a, int64_t x) {
    bk_vector *v = bk_vector_make(a, T(BK_TYPE_BIGINT), 1);
    ((int64_t *)v->data)[0] = x;
    return exec_expr_const(a, v);
}

static exec_expr *call2(bk_arena *a, const char *name, exec_kernel k, const bk_type *type,
                        exec_expr *x, exec_expr *y) {
    exec_expr **args = bk_arena_array(a, 2, sizeof *args);
    args[0] = x;
    args[1] = y;
    return exec_expr_call(a, name, k, type, args, 2);
}

static const int64_t rows5[] = {1, 10, 2, 20, 1, 30, 3, INT64_MIN, INT64_MIN, 50};

BK_TEST(exec_filter_project_sort) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    exec_ctx ctx = {.arena = a, .ansi = true};
    bk_error err;
    exec_node *v = values(a, 2, 5, rows5);
    exec_node *f = exec_node_make(a, EXEC_NODE_FILTER, v->schema, v);
    f->u.filter.pred = call2(a, ">", exec_fn_gt, T(BK_TYPE_BOOLEAN), col(a, 1), lit(a, 15));
    exec_node *p = exec_node_make(a, EXEC_NODE_PROJECT, bigint_schema(a, 2), f);
    exec_expr *exprs[2] = {call2(a, "+", exec_fn_add, T(BK_TYPE_BIGINT), col(a, 0), col(a, 1)),
                           col(a, 0)};
    p->u.project.exprs = exprs;
    p->u.project.n_exprs = 2;
    exec_node *s = exec_node_make(a, EXEC_NODE_SORT, p->schema, p);
    exec_sort_key key = {.column = 0, .descending = true, .nulls_first = false};
    s->u.sort.keys = &key;
    s->u.sort.n_keys = 1;
    s->u.sort.limit = -1;
    exec_table *out;
    ASSERT_OK(exec_run(&ctx, s, &out, &err), &err);
    /* rows with c1 > 15: (2,20) (1,30) (NULL,50); NULL + 50 is NULL, sorted DESC NULLS LAST */
    ASSERT_STR_EQ(render(a, out), "31,1;22,2;NULL,NULL");
    bk_arena_free(a);
}

BK_TEST(exec_aggregate_group_by_and_global) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    exec_ctx ctx = {.arena = a, .ansi = true};
    bk_error err;
    exec_node *v = values(a, 2, 5, rows5);
    static const uint32_t keys[] = {0};
    exec_agg aggs[] = {{.kind = EXEC_AGG_COUNT_STAR, .column = 0, .type = T(BK_TYPE_BIGINT)},
                       {.kind = EXEC_AGG_COUNT, .column = 1, .type = T(BK_TYPE_BIGINT)},
                       {.kind = EXEC_AGG_SUM, .column = 1, .type = T(BK_TYPE_BIGINT)},
                       {.kind = EXEC_AGG_MAX, .column = 1, .type = T(BK_TYPE_BIGINT)}};
    exec_node *g = exec_node_make(a, EXEC_NODE_AGGREGATE, bigint_schema(a, 5), v);
    g->u.agg.keys = keys;
    g->u.agg.n_keys = 1;
    g->u.agg.aggs = aggs;
    g->u.agg.n_aggs = 4;
    exec_node *s = exec_node_make(a, EXEC_NODE_SORT, g->schema, g);
    exec_sort_key key = {.column = 0, .nulls_first = true};
    s->u.sort.keys = &key;
    s->u.sort.n_keys = 1;
    s->u.sort.limit = -1;
    exec_table *out;
    ASSERT_OK(exec_run(&ctx, s, &out, &err), &err);
    ASSERT_STR_EQ(render(a, out), "NULL,1,1,50,50;1,2,2,40,30;2,1,1,20,20;3,1,0,NULL,NULL");

    /* no GROUP BY over an empty input: one row, COUNT 0 and SUM NULL */
    exec_node *e = exec_node_make(a, EXEC_NODE_FILTER, v->schema, v);
    e->u.filter.pred = call2(a, "<", exec_fn_lt, T(BK_TYPE_BOOLEAN), col(a, 0), lit(a, -100));
    exec_node *g2 = exec_node_make(a, EXEC_NODE_AGGREGATE, bigint_schema(a, 2), e);
    g2->u.agg.aggs = aggs;
    g2->u.agg.n_aggs = 2 + 0;
    exec_agg two[] = {aggs[0], aggs[2]};
    g2->u.agg.aggs = two;
    ASSERT_OK(exec_run(&ctx, g2, &out, &err), &err);
    ASSERT_STR_EQ(render(a, out), "0,NULL");
    bk_arena_free(a);
}

BK_TEST(exec_join_kinds) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    exec_ctx ctx = {.arena = a, .ansi = true};
    bk_error err;
    static const int64_t left[] = {1, 100, 2, 200, INT64_MIN, 300, 4, 400};
    static const int64_t right[] = {1, -1, 1, -2, 2, -3, INT64_MIN, -4, 5, -5};
    static const uint32_t lk[] = {0}, rk[] = {0};
    const char *want[] = {
        [EXEC_JOIN_INNER] = "1,100,1,-1;1,100,1,-2;2,200,2,-3",
        [EXEC_JOIN_LEFT] = "1,100,1,-1;1,100,1,-2;2,200,2,-3;NULL,300,NULL,NULL;4,400,NULL,NULL",
        [EXEC_JOIN_SEMI] = "1,100;2,200",
        [EXEC_JOIN_ANTI] = "NULL,300;4,400",
        [EXEC_JOIN_FULL] = "1,100,1,-1;1,100,1,-2;2,200,2,-3;NULL,300,NULL,NULL;4,400,NULL,NULL;"
                           "NULL,NULL,NULL,-4;NULL,NULL,5,-5",
    };
    exec_join_kind kinds[] = {EXEC_JOIN_INNER, EXEC_JOIN_LEFT, EXEC_JOIN_SEMI, EXEC_JOIN_ANTI,
                              EXEC_JOIN_FULL};
    for (size_t i = 0; i < BK_ARRAY_LEN(kinds); i++) {
        exec_join_kind k = kinds[i];
        bool narrow = k == EXEC_JOIN_SEMI || k == EXEC_JOIN_ANTI;
        exec_node *j = exec_node_make(a, EXEC_NODE_JOIN, bigint_schema(a, narrow ? 2 : 4),
                                      values(a, 2, 4, left));
        j->right = values(a, 2, 5, right);
        j->u.join.kind = k;
        j->u.join.probe_keys = lk;
        j->u.join.build_keys = rk;
        j->u.join.n_keys = 1;
        exec_table *out;
        ASSERT_OK(exec_run(&ctx, j, &out, &err), &err);
        ASSERT_STR_EQ(render(a, out), want[k]);
    }
    bk_arena_free(a);
}

BK_TEST(exec_errors_and_lazy_case) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    exec_ctx ctx = {.arena = a, .ansi = true};
    bk_error err;
    static const int64_t rows[] = {10, 2, 7, 0, INT64_MIN, 0};
    exec_node *v = values(a, 2, 3, rows);
    /* c0 DIV c1 raises DIVIDE_BY_ZERO in ANSI mode (the NULL row does not) */
    exec_node *p = exec_node_make(a, EXEC_NODE_PROJECT, bigint_schema(a, 1), v);
    exec_expr *div = call2(a, "div", exec_fn_int_divide, T(BK_TYPE_BIGINT), col(a, 0), col(a, 1));
    p->u.project.exprs = &div;
    p->u.project.n_exprs = 1;
    exec_table *out;
    bk_error_clear(&err);
    ASSERT_FAILS(exec_run(&ctx, p, &out, &err), BK_DIVIDE_BY_ZERO);
    ASSERT_CONTAINS(err.msg, "Division by zero");
    /* CASE WHEN c1 <> 0 THEN c0 DIV c1 ELSE -1 END never divides by zero */
    exec_expr *c = bk_arena_zalloc(a, sizeof *c);
    c->kind = EXEC_EXPR_CASE;
    c->type = T(BK_TYPE_BIGINT);
    c->has_else = true;
    c->n_args = 3;
    c->args = bk_arena_array(a, 3, sizeof *c->args);
    c->args[0] = call2(a, "<>", exec_fn_ne, T(BK_TYPE_BOOLEAN), col(a, 1), lit(a, 0));
    c->args[1] = div;
    c->args[2] = lit(a, -1);
    p->u.project.exprs = &c;
    ASSERT_OK(exec_run(&ctx, p, &out, &err), &err);
    ASSERT_STR_EQ(render(a, out), "5;-1;-1");
    /* legacy mode: NULL instead of the error */
    ctx.ansi = false;
    p->u.project.exprs = &div;
    ASSERT_OK(exec_run(&ctx, p, &out, &err), &err);
    ASSERT_STR_EQ(render(a, out), "5;NULL;NULL");
    /* overflow */
    ctx.ansi = true;
    exec_expr *big = call2(a, "+", exec_fn_add, T(BK_TYPE_BIGINT), col(a, 0), lit(a, INT64_MAX));
    p->u.project.exprs = &big;
    bk_error_clear(&err);
    ASSERT_FAILS(exec_run(&ctx, p, &out, &err), BK_ARITHMETIC_OVERFLOW);
    ASSERT_CONTAINS(err.msg, "long overflow");
    bk_arena_free(a);
}

BK_TEST(exec_range_union_limit_parallel) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_pool *pool = bk_pool_new(4);
    exec_ctx ctx = {.arena = a, .ansi = true, .pool = pool};
    bk_error err;
    const char *names[] = {"id"};
    const bk_type *types[] = {T(BK_TYPE_BIGINT)};
    const bk_type *schema = bk_type_make_struct(a, 1, names, types, NULL);
    exec_node *r1 = exec_node_make(a, EXEC_NODE_RANGE, schema, NULL);
    r1->u.range.start = 0;
    r1->u.range.end = 1000000;
    r1->u.range.step = 1;
    exec_node *r2 = exec_node_make(a, EXEC_NODE_RANGE, schema, NULL);
    r2->u.range.start = 10;
    r2->u.range.end = 0;
    r2->u.range.step = -3; /* 10 7 4 1 */
    exec_node *u = exec_node_make(a, EXEC_NODE_UNION, schema, NULL);
    exec_node *kids[] = {r1, r2};
    u->children = kids;
    u->n_children = 2;
    exec_agg aggs[] = {{.kind = EXEC_AGG_COUNT_STAR, .column = 0, .type = T(BK_TYPE_BIGINT)},
                       {.kind = EXEC_AGG_SUM, .column = 0, .type = T(BK_TYPE_BIGINT)},
                       {.kind = EXEC_AGG_MIN, .column = 0, .type = T(BK_TYPE_BIGINT)},
                       {.kind = EXEC_AGG_AVG, .column = 0, .type = T(BK_TYPE_DOUBLE)}};
    exec_node *g = exec_node_make(a, EXEC_NODE_AGGREGATE, bigint_schema(a, 4), u);
    g->u.agg.aggs = aggs;
    g->u.agg.n_aggs = 4;
    exec_table *out;
    ASSERT_OK(exec_run(&ctx, g, &out, &err), &err);
    /* 1e6 rows sum 499999500000, plus 22; avg 499999500022 / 1000004 as a double */
    ASSERT_STR_EQ(render(a, out), "1000004,499999500022,0,499997.5000319999");
    /* a LIMIT over a sorted input keeps the first rows */
    exec_node *s = exec_node_make(a, EXEC_NODE_SORT, schema, r1);
    exec_sort_key key = {.column = 0, .descending = true};
    s->u.sort.keys = &key;
    s->u.sort.n_keys = 1;
    s->u.sort.limit = -1;
    exec_node *l = exec_node_make(a, EXEC_NODE_LIMIT, schema, s);
    l->u.limit.limit = 3;
    l->u.limit.offset = 1;
    ASSERT_OK(exec_run(&ctx, l, &out, &err), &err);
    ASSERT_STR_EQ(render(a, out), "999998;999997;999996");
    /* a LIMIT over a scan stops early */
    exec_node *l2 = exec_node_make(a, EXEC_NODE_LIMIT, schema, r1);
    l2->u.limit.limit = 5;
    ASSERT_OK(exec_run(&ctx, l2, &out, &err), &err);
    ASSERT_EQ(out->n_rows, 5);
    ASSERT_TRUE(atomic_load(&r1->rows_out) < 1000000 * 3);
    bk_pool_free(pool);
    bk_arena_free(a);
}
