/*
 * test_exec_expand.c — EXEC_NODE_EXPAND on hand-built plans: one output row per
 * projection (grouping sets, unpivot), the repeating form (INTERSECT / EXCEPT
 * ALL) with NULL, zero and negative counts, and chunks past EXEC_CHUNK_ROWS on
 * a pool.
 */
#include "base/buf.h"
#include "base/thread.h"
#include "engine/exec/exec.h"
#include "test.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

/* VALUES of two BIGINT columns a, b; INT64_MIN stands for NULL. */
static exec_node *two_cols(bk_arena *a, size_t n_rows, const int64_t *cells) {
    const char *names[] = {"a", "b"};
    const bk_type *types[] = {T(BK_TYPE_BIGINT), T(BK_TYPE_BIGINT)};
    const bk_type *schema = bk_type_make_struct(a, 2, names, types, NULL);
    exec_table *t = exec_table_make(a, schema);
    exec_chunk c = {.n = n_rows, .n_cols = 2};
    c.cols = bk_arena_array(a, 2, sizeof *c.cols);
    for (uint32_t k = 0; k < 2; k++) {
        bk_vector *v = bk_vector_make(a, T(BK_TYPE_BIGINT), n_rows);
        for (size_t r = 0; r < n_rows; r++) {
            int64_t x = cells[r * 2 + k];
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

static exec_expr *lit(bk_arena *a, int64_t x, bool null) {
    bk_vector *v = bk_vector_make(a, T(BK_TYPE_BIGINT), 1);
    ((int64_t *)v->data)[0] = x;
    if (null && bk_vector_ensure_validity(a, v) == BK_OK) bk_validity_set(v->validity, 0, false);
    return exec_expr_const(a, v);
}

/* EXPAND of `child` with n_proj projections of two expressions each (row-major in e). */
static exec_node *expand(bk_arena *a, exec_node *child, uint32_t n_proj, exec_expr **e) {
    exec_node *x = exec_node_make(a, EXEC_NODE_EXPAND, child->schema, child);
    exec_expr ***projs = bk_arena_array(a, n_proj, sizeof *projs);
    for (uint32_t k = 0; k < n_proj; k++) projs[k] = &e[2 * k];
    x->u.expand.projections = projs;
    x->u.expand.n_projections = n_proj;
    return x;
}

BK_TEST(exec_expand_projections) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    exec_ctx ctx = {.arena = a, .ansi = true};
    bk_error err;
    const int64_t cells[] = {1, 10, 2, INT64_MIN};
    /* (a, b) then (a, NULL) then (NULL, b + 0 as the column itself) */
    exec_expr *e[] = {col(a, 0), col(a, 1), col(a, 0), lit(a, 0, true), lit(a, 0, true), col(a, 1)};
    exec_node *x = expand(a, two_cols(a, 2, cells), 3, e);
    exec_table *out;
    ASSERT_OK(exec_run(&ctx, x, &out, &err), &err);
    ASSERT_EQ(out->n_rows, 6);
    ASSERT_STR_EQ(render(a, out), "1,10;2,NULL;1,NULL;2,NULL;NULL,10;NULL,NULL");
    /* no projections: no rows */
    x = expand(a, two_cols(a, 2, cells), 0, e);
    ASSERT_OK(exec_run(&ctx, x, &out, &err), &err);
    ASSERT_EQ(out->n_rows, 0);
    bk_arena_free(a);
}

BK_TEST(exec_expand_repeat) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    exec_ctx ctx = {.arena = a, .ansi = true};
    bk_error err;
    /* b is the count: 3 copies, none (NULL), none (0), none (-2), one */
    const int64_t cells[] = {7, 3, 8, INT64_MIN, 9, 0, 10, -2, 11, 1};
    exec_expr *e[] = {col(a, 0), col(a, 1)};
    exec_node *x = expand(a, two_cols(a, 5, cells), 1, e);
    x->u.expand.repeat = col(a, 1);
    exec_table *out;
    ASSERT_OK(exec_run(&ctx, x, &out, &err), &err);
    ASSERT_STR_EQ(render(a, out), "7,3;7,3;7,3;11,1");
    /* a repeating expand takes exactly one projection */
    x = expand(a, two_cols(a, 5, cells), 2, (exec_expr *[]){col(a, 0), col(a, 1), col(a, 0),
                                                             col(a, 1)});
    x->u.expand.repeat = col(a, 1);
    ASSERT_FAILS(exec_run(&ctx, x, &out, &err), BK_INTERNAL);
    bk_arena_free(a);
}

BK_TEST(exec_expand_large_on_pool) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_pool *pool = bk_pool_new(4);
    exec_ctx ctx = {.arena = a, .ansi = true, .pool = pool};
    bk_error err;
    /* range(5000) through 3 projections, then counted: every chunk grows past 2048 rows */
    const char *names[] = {"id", "k"};
    const bk_type *types[] = {T(BK_TYPE_BIGINT), T(BK_TYPE_BIGINT)};
    exec_node *r =
        exec_node_make(a, EXEC_NODE_RANGE, bk_type_make_struct(a, 1, names, types, NULL), NULL);
    r->u.range.start = 0;
    r->u.range.end = 5000;
    r->u.range.step = 1;
    const bk_type *schema = bk_type_make_struct(a, 2, names, types, NULL);
    exec_node *x = exec_node_make(a, EXEC_NODE_EXPAND, schema, r);
    exec_expr ***projs = bk_arena_array(a, 3, sizeof *projs);
    for (int64_t k = 0; k < 3; k++) {
        projs[k] = bk_arena_array(a, 2, sizeof **projs);
        projs[k][0] = col(a, 0);
        projs[k][1] = lit(a, k, false);
    }
    x->u.expand.projections = projs;
    x->u.expand.n_projections = 3;
    exec_agg *aggs = bk_arena_zalloc(a, 2 * sizeof *aggs);
    aggs[0] = (exec_agg){.kind = EXEC_AGG_COUNT_STAR, .type = T(BK_TYPE_BIGINT)};
    aggs[1] = (exec_agg){.kind = EXEC_AGG_SUM, .column = 0, .type = T(BK_TYPE_BIGINT)};
    uint32_t *keys = bk_arena_array(a, 1, sizeof *keys);
    keys[0] = 1;
    const char *gnames[] = {"k", "n", "s"};
    const bk_type *gtypes[] = {T(BK_TYPE_BIGINT), T(BK_TYPE_BIGINT), T(BK_TYPE_BIGINT)};
    exec_node *g = exec_node_make(a, EXEC_NODE_AGGREGATE,
                                  bk_type_make_struct(a, 3, gnames, gtypes, NULL), x);
    g->u.agg.keys = keys;
    g->u.agg.n_keys = 1;
    g->u.agg.aggs = aggs;
    g->u.agg.n_aggs = 2;
    exec_node *s = exec_node_make(a, EXEC_NODE_SORT, g->schema, g);
    exec_sort_key *sk = bk_arena_zalloc(a, sizeof *sk);
    s->u.sort.keys = sk;
    s->u.sort.n_keys = 1;
    s->u.sort.limit = -1;
    exec_table *out;
    ASSERT_OK(exec_run(&ctx, s, &out, &err), &err);
    ASSERT_STR_EQ(render(a, out), "0,5000,12497500;1,5000,12497500;2,5000,12497500");
    bk_pool_free(pool);
    bk_arena_free(a);
}
