/*
 * op_sort.c — the ORDER BY sink (and top-N when the node has a limit).
 *
 * Workers collect their chunks; finishing concatenates each sort-key column,
 * sorts row numbers with a stable merge sort under Spark's order (NULLS FIRST
 * for ASC and NULLS LAST for DESC by default, as the planner sets them; NaN
 * above every number) and gathers the output in chunks.
 */
#include <string.h>

#include "engine/exec/exec_int.h"

typedef struct sort_state {
    exec_table *rows; /* every input chunk */
} sort_state;

typedef struct sort_ctx {
    const exec_sort_key *keys;
    uint32_t n_keys;
    bk_vector **cols; /* the key columns, whole */
} sort_ctx;

static bk_status sort_local_new(exec_sink *s, exec_worker *w, void **local, bk_error *err) {
    exec_table *t = exec_table_make(w->arena, s->node->child->schema);
    if (!t) return bk_arena_oom(w->arena, err);
    *local = t;
    return BK_OK;
}

static bk_status sort_consume(exec_sink *s, exec_worker *w, void *local, const exec_chunk *c,
                              bk_error *err) {
    (void)s;
    (void)w;
    return exec_table_append(local, c, NULL, 0, err);
}

static bk_status sort_combine(exec_sink *s, exec_worker *w, void *local, bk_error *err) {
    (void)w;
    sort_state *st = s->state;
    return exec_table_move(st->rows, local, err);
}

static int compare_rows(const sort_ctx *c, uint32_t x, uint32_t y) {
    for (uint32_t k = 0; k < c->n_keys; k++) {
        const bk_vector *v = c->cols[k];
        bool vx = bk_vector_is_valid(v, x), vy = bk_vector_is_valid(v, y);
        int r;
        if (!vx || !vy) {
            if (vx == vy) continue;
            r = !vx ? -1 : 1; /* NULL first */
            if (!c->keys[k].nulls_first) r = -r;
            return r;
        }
        r = bk_vector_compare(v, x, v, y);
        if (r == 0) continue;
        return c->keys[k].descending ? -r : r;
    }
    return 0;
}

/* Stable merge sort of idx[0..n) using tmp[0..n). */
static void merge_sort(const sort_ctx *c, uint32_t *idx, uint32_t *tmp, size_t n) {
    if (n < 2) return;
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            uint32_t x = idx[i];
            size_t j = i;
            while (j > 0 && compare_rows(c, idx[j - 1], x) > 0) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = x;
        }
        return;
    }
    size_t mid = n / 2;
    merge_sort(c, idx, tmp, mid);
    merge_sort(c, idx + mid, tmp + mid, n - mid);
    if (compare_rows(c, idx[mid - 1], idx[mid]) <= 0) return; /* already in order */
    size_t i = 0, j = mid, k = 0;
    while (i < mid && j < n) tmp[k++] = compare_rows(c, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
    while (i < mid) tmp[k++] = idx[i++];
    while (j < n) tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

static bk_status sort_finish(exec_sink *s, exec_table **out, bk_error *err) {
    sort_state *st = s->state;
    bk_arena *a = s->ctx->arena;
    exec_table *in = st->rows;
    const exec_node *node = s->node;
    size_t n = in->n_rows;
    if (n > UINT32_MAX)
        return bk_error_set(err, BK_LIMIT_EXCEEDED, "ORDER BY over more than 4294967295 rows");
    uint32_t n_cols = node->schema->n_children;
    bk_vector **all = bk_arena_array(a, n_cols ? n_cols : 1, sizeof *all);
    if (!all) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < n_cols; k++) {
        all[k] = exec_table_column(a, in, k);
        if (!all[k]) return bk_arena_oom(a, err);
    }
    sort_ctx c = {.keys = node->u.sort.keys, .n_keys = node->u.sort.n_keys};
    c.cols = bk_arena_array(a, c.n_keys ? c.n_keys : 1, sizeof *c.cols);
    uint32_t *idx = bk_arena_array(a, n ? n : 1, sizeof *idx);
    uint32_t *tmp = bk_arena_array(a, n ? n : 1, sizeof *tmp);
    if (!c.cols || !idx || !tmp) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < c.n_keys; k++) c.cols[k] = all[c.keys[k].column];
    for (size_t i = 0; i < n; i++) idx[i] = (uint32_t)i;
    merge_sort(&c, idx, tmp, n);
    size_t keep = node->u.sort.limit >= 0 ? BK_MIN(n, (size_t)node->u.sort.limit) : n;
    exec_table *res = exec_table_make(a, node->schema);
    if (!res) return bk_arena_oom(a, err);
    for (size_t first = 0; first < keep; first += EXEC_CHUNK_ROWS) {
        size_t m = BK_MIN((size_t)EXEC_CHUNK_ROWS, keep - first);
        exec_chunk chunk = {.n = m, .n_cols = n_cols, .cols = all};
        BK_TRY(exec_table_append(res, &chunk, idx + first, m, err));
    }
    *out = res;
    return BK_OK;
}

bk_status exec_sort_sink(exec_ctx *ctx, exec_node *node, exec_sink *s, bk_error *err) {
    sort_state *st = bk_arena_zalloc(ctx->arena, sizeof *st);
    if (!st) return bk_arena_oom(ctx->arena, err);
    st->rows = exec_table_make(ctx->arena, node->child->schema);
    if (!st->rows) return bk_arena_oom(ctx->arena, err);
    s->node = node;
    s->ctx = ctx;
    s->state = st;
    s->local_new = sort_local_new;
    s->consume = sort_consume;
    s->combine = sort_combine;
    s->finish = sort_finish;
    return BK_OK;
}
