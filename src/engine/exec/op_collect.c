/*
 * op_collect.c — the collector and LIMIT sinks: rows kept in source order.
 *
 * Each worker appends the chunks it pushes to its own table and notes their
 * morsel numbers; combining gathers every (morsel, chunk) pair and finishing
 * sorts them by morsel, so the result follows the source order whichever
 * worker handled which chunk.  The LIMIT sink also counts rows and marks itself
 * full once it holds OFFSET + LIMIT of them, which stops the scans feeding it;
 * finishing cuts the ordered rows to the window.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/exec/exec_int.h"

typedef struct tagged {
    uint64_t morsel;
    exec_chunk chunk;
} tagged;

typedef struct collect_local {
    tagged *items;
    size_t n, cap;
} collect_local;

typedef struct collect_state {
    tagged *items;
    size_t n, cap;
    atomic_int_fast64_t rows; /* LIMIT: rows taken so far */
    int64_t want;             /* LIMIT: offset + limit, or -1 */
} collect_state;

static bk_status grow(bk_arena *a, tagged **items, size_t *cap, size_t need, bk_error *err) {
    if (need <= *cap) return BK_OK;
    size_t cap2 = *cap ? *cap * 2 : 16;
    while (cap2 < need) cap2 *= 2;
    tagged *n = bk_arena_array(a, cap2, sizeof *n);
    if (!n) return bk_arena_oom(a, err);
    if (*cap) memcpy(n, *items, *cap * sizeof *n);
    *items = n;
    *cap = cap2;
    return BK_OK;
}

static bk_status collect_local_new(exec_sink *s, exec_worker *w, void **local, bk_error *err) {
    (void)s;
    collect_local *l = bk_arena_zalloc(w->arena, sizeof *l);
    if (!l) return bk_arena_oom(w->arena, err);
    *local = l;
    return BK_OK;
}

static bk_status collect_consume(exec_sink *s, exec_worker *w, void *local, const exec_chunk *c,
                                 bk_error *err) {
    collect_state *st = s->state;
    collect_local *l = local;
    if (st->want >= 0) {
        int64_t before = atomic_fetch_add(&st->rows, (int64_t)c->n);
        if (before >= st->want) return BK_OK; /* enough rows already: dropped */
        if (before + (int64_t)c->n >= st->want) atomic_store(&s->full, true);
    }
    /* one table per chunk, so chunks keep their own morsel number */
    exec_table *t = exec_table_make(w->arena, s->node->schema);
    if (!t) return bk_arena_oom(w->arena, err);
    BK_TRY(exec_table_append(t, c, NULL, 0, err));
    BK_TRY(grow(w->arena, &l->items, &l->cap, l->n + 1, err));
    l->items[l->n].morsel = w->morsel;
    l->items[l->n].chunk = t->chunks[0];
    l->n++;
    return BK_OK;
}

static bk_status collect_combine(exec_sink *s, exec_worker *w, void *local, bk_error *err) {
    (void)w;
    collect_state *st = s->state;
    collect_local *l = local;
    BK_TRY(grow(s->ctx->arena, &st->items, &st->cap, st->n + l->n, err));
    if (l->n) memcpy(st->items + st->n, l->items, l->n * sizeof *l->items);
    st->n += l->n;
    return BK_OK;
}

static int by_morsel(const void *x, const void *y) {
    const tagged *a = x, *b = y;
    return a->morsel < b->morsel ? -1 : a->morsel > b->morsel;
}

static bk_status collect_finish(exec_sink *s, exec_table **out, bk_error *err) {
    collect_state *st = s->state;
    bk_arena *a = s->ctx->arena;
    /* morsel numbers are unique per chunk, so an unstable sort is enough */
    if (st->n > 1) qsort(st->items, st->n, sizeof *st->items, by_morsel);
    exec_table *t = exec_table_make(a, s->node->schema);
    if (!t) return bk_arena_oom(a, err);
    for (size_t i = 0; i < st->n; i++) BK_TRY(exec_table_push(t, &st->items[i].chunk, err));
    if (s->node->kind != EXEC_NODE_LIMIT) {
        *out = t;
        return BK_OK;
    }
    return exec_table_slice(a, t, s->node->u.limit.offset, s->node->u.limit.limit, out, err);
}

static bk_status sink_init(exec_ctx *ctx, exec_node *node, exec_sink *s, int64_t want,
                           bk_error *err) {
    collect_state *st = bk_arena_zalloc(ctx->arena, sizeof *st);
    if (!st) return bk_arena_oom(ctx->arena, err);
    st->want = want;
    s->node = node;
    s->ctx = ctx;
    s->state = st;
    s->local_new = collect_local_new;
    s->consume = collect_consume;
    s->combine = collect_combine;
    s->finish = collect_finish;
    return BK_OK;
}

bk_status exec_collect_sink(exec_ctx *ctx, exec_node *node, exec_sink *s, bk_error *err) {
    return sink_init(ctx, node, s, -1, err);
}

bk_status exec_limit_sink(exec_ctx *ctx, exec_node *node, exec_sink *s, bk_error *err) {
    int64_t limit = node->u.limit.limit, offset = node->u.limit.offset;
    int64_t want = limit < 0 ? -1 : (offset > INT64_MAX - limit ? INT64_MAX : offset + limit);
    BK_TRY(sink_init(ctx, node, s, want, err));
    if (want == 0) atomic_store(&s->full, true);
    return BK_OK;
}
