/*
 * test_exec_window.c — the window operator on hand-built plans: the serial path
 * and the parallel one (rows hashed into buckets, buckets sorted on a pool)
 * must agree with values computed here row by row; the cancel flag stops it.
 */
#include "base/thread.h"
#include "engine/exec/exec.h"
#include "test.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

#define N_ROWS 30000
#define N_PARTS 7

/*
 * VALUES (p, x, r, d) for rows r: p = r % 7 (NULL when r % 11 == 0, a partition
 * of its own), x = r (NULL when r % 13 == 0), d = -1; in chunks of 2048 rows.
 */
static exec_node *input(bk_arena *a) {
    const char *names[] = {"p", "x", "r", "d"};
    const bk_type *types[] = {T(BK_TYPE_BIGINT), T(BK_TYPE_BIGINT), T(BK_TYPE_BIGINT),
                              T(BK_TYPE_BIGINT)};
    const bk_type *schema = bk_type_make_struct(a, 4, names, types, NULL);
    exec_table *t = exec_table_make(a, schema);
    for (size_t off = 0; off < N_ROWS; off += EXEC_CHUNK_ROWS) {
        size_t n = N_ROWS - off < EXEC_CHUNK_ROWS ? N_ROWS - off : EXEC_CHUNK_ROWS;
        exec_chunk c = {.n = n, .n_cols = 4};
        c.cols = bk_arena_array(a, 4, sizeof *c.cols);
        for (uint32_t k = 0; k < 4; k++) {
            c.cols[k] = bk_vector_make(a, T(BK_TYPE_BIGINT), n);
            if (bk_vector_ensure_validity(a, c.cols[k]) != BK_OK) return NULL;
        }
        for (size_t i = 0; i < n; i++) {
            int64_t r = (int64_t)(off + i);
            ((int64_t *)c.cols[0]->data)[i] = r % N_PARTS;
            if (r % 11 == 0) bk_validity_set(c.cols[0]->validity, i, false);
            ((int64_t *)c.cols[1]->data)[i] = r;
            if (r % 13 == 0) bk_validity_set(c.cols[1]->validity, i, false);
            ((int64_t *)c.cols[2]->data)[i] = r;
            ((int64_t *)c.cols[3]->data)[i] = -1;
        }
        if (exec_table_push(t, &c, NULL) != BK_OK) return NULL;
    }
    exec_node *node = exec_node_make(a, EXEC_NODE_VALUES, schema, NULL);
    node->u.values.table = t;
    return node;
}

/* The partition of row r (-1: the NULL one). */
static int64_t part_of(int64_t r) { return r % 11 == 0 ? -1 : r % N_PARTS; }

/*
 * Window over input(): PARTITION BY p ORDER BY x NULLS FIRST, r with
 * row_number, sum(x) ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING, lag(x, 1, d).
 */
static exec_node *window_plan(bk_arena *a, exec_node *in) {
    static const exec_sort_key order[] = {{.column = 1, .nulls_first = true},
                                          {.column = 2, .nulls_first = true}};
    static const uint32_t part[] = {0};
    exec_win_fn *fns = bk_arena_zalloc(a, 3 * sizeof *fns);
    fns[0] = (exec_win_fn){.kind = EXEC_WIN_ROW_NUMBER, .type = T(BK_TYPE_INT), .name = "rn"};
    fns[1] = (exec_win_fn){.kind = EXEC_WIN_AGG,
                           .agg = EXEC_AGG_SUM,
                           .arg = 1,
                           .type = T(BK_TYPE_BIGINT),
                           .frame = {.start = EXEC_FRAME_PRECEDING,
                                     .start_off = 1,
                                     .end = EXEC_FRAME_FOLLOWING,
                                     .end_off = 1},
                           .name = "s"};
    fns[2] = (exec_win_fn){.kind = EXEC_WIN_LAG,
                           .arg = 1,
                           .dflt = 3,
                           .n = 1,
                           .type = T(BK_TYPE_BIGINT),
                           .name = "l"};
    const char *names[] = {"p", "x", "r", "d", "rn", "s", "l"};
    const bk_type *types[] = {T(BK_TYPE_BIGINT), T(BK_TYPE_BIGINT), T(BK_TYPE_BIGINT),
                              T(BK_TYPE_BIGINT), T(BK_TYPE_INT),    T(BK_TYPE_BIGINT),
                              T(BK_TYPE_BIGINT)};
    const bk_type *schema = bk_type_make_struct(a, 7, names, types, NULL);
    exec_node *w = exec_node_make(a, EXEC_NODE_WINDOW, schema, in);
    w->u.window.partition = part;
    w->u.window.n_partition = 1;
    w->u.window.order = order;
    w->u.window.n_order = 2;
    w->u.window.fns = fns;
    w->u.window.n_fns = 3;
    return w;
}

/* Check every output row against the window order computed here. */
static int check(const exec_table *t) {
    static int64_t seq[N_PARTS + 1][N_ROWS]; /* per partition: rows in window order */
    static size_t len[N_PARTS + 1], pos_of[N_ROWS];
    for (int p = 0; p <= N_PARTS; p++) len[p] = 0;
    for (int pass = 0; pass < 2; pass++) /* NULL x first (by r), then the others */
        for (int64_t r = 0; r < N_ROWS; r++) {
            if ((r % 13 == 0) != (pass == 0)) continue;
            int p = (int)part_of(r) + 1;
            pos_of[r] = len[p];
            seq[p][len[p]++] = r;
        }
    size_t seen = 0;
    for (size_t c = 0; c < t->n_chunks; c++) {
        const exec_chunk *ch = &t->chunks[c];
        for (size_t i = 0; i < ch->n; i++, seen++) {
            int64_t r = ((const int64_t *)ch->cols[2]->data)[i];
            int p = (int)part_of(r) + 1;
            size_t at = pos_of[r];
            if (bk_vector_is_valid(ch->cols[0], i) != (p != 0)) return 1;
            if (((const int32_t *)ch->cols[4]->data)[i] != (int32_t)at + 1) return 2;
            int64_t sum = 0;
            bool any = false;
            for (size_t q = at ? at - 1 : 0; q <= at + 1 && q < len[p]; q++)
                if (seq[p][q] % 13) {
                    sum += seq[p][q];
                    any = true;
                }
            if (bk_vector_is_valid(ch->cols[5], i) != any) return 3;
            if (any && ((const int64_t *)ch->cols[5]->data)[i] != sum) return 4;
            bool lag_valid = at == 0 || seq[p][at - 1] % 13 != 0;
            int64_t lag = at == 0 ? -1 : seq[p][at - 1];
            if (bk_vector_is_valid(ch->cols[6], i) != lag_valid) return 5;
            if (lag_valid && ((const int64_t *)ch->cols[6]->data)[i] != lag) return 6;
        }
    }
    return seen == N_ROWS ? 0 : 7;
}

BK_TEST(exec_window_serial_and_parallel) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_pool *pool = bk_pool_new(4);
    bk_error err;
    exec_node *w = window_plan(a, input(a));
    exec_ctx serial = {.arena = a, .ansi = true};
    exec_table *out;
    ASSERT_OK(exec_run(&serial, w, &out, &err), &err);
    ASSERT_EQ(check(out), 0);
    exec_ctx parallel = {.arena = a, .ansi = true, .pool = pool};
    ASSERT_OK(exec_run(&parallel, w, &out, &err), &err);
    ASSERT_EQ(check(out), 0);
    /* a cancelled query stops with BK_CANCELLED */
    exec_ctx cancelled = {.arena = a, .ansi = true, .pool = pool};
    atomic_store(&cancelled.cancel, true);
    bk_error_clear(&err);
    ASSERT_EQ(exec_run(&cancelled, w, &out, &err), BK_CANCELLED);
    bk_pool_free(pool);
    bk_arena_free(a);
}
