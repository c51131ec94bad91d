/*
 * pipeline.c — cutting a plan into pipelines and running them on the pool.
 *
 * exec_materialize(node) produces a node's rows as a table.  A pipeline breaker
 * (aggregate, sort, limit) gets a sink; anything else gets a collector sink.
 * run_into then walks down from the node, stacking streaming operators
 * (filter, project, join probe) until it reaches a source: a scan, a VALUES
 * table, or another breaker, which is materialized first (recursively).  The
 * source runs in parallel; each chunk goes through the stacked operators into
 * the sink.  UNION ALL runs each child into the same sink; a join first
 * materializes its build side through a build sink.
 *
 * Order: every chunk carries a morsel number that follows the source's order
 * (table chunk, row group, slice; UNION children one after another), and the
 * collector sorts by it, so filters and projections over a sorted input keep
 * its order.
 */
#include <string.h>

#include "base/clock.h"
#include "delta/delta.h"
#include "engine/exec/exec_int.h"
#include "parquet/parquet.h"

exec_node *exec_node_make(bk_arena *a, exec_node_kind kind, const bk_type *schema,
                          exec_node *child) {
    exec_node *n = bk_arena_zalloc(a, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->schema = schema;
    n->child = child;
    return n;
}

/* ---- one sink being fed: its workers and the first error ---- */

typedef struct feed {
    exec_ctx *ctx;
    exec_sink *sink;
    exec_worker *workers;
    bool *ready; /* workers[i] has its local states */
    bool *busy;  /* claimed by a scan callback */
    int n_workers;
    bk_mutex *lock;
    atomic_bool failed;
    bk_error err;
    uint64_t part; /* which UNION part (or pipeline run) feeds the sink now */
} feed;

static bk_status feed_init(exec_ctx *ctx, exec_sink *sink, feed *f, bk_error *err) {
    memset(f, 0, sizeof *f);
    f->ctx = ctx;
    f->sink = sink;
    f->n_workers = ctx->pool ? bk_pool_size(ctx->pool) : 1;
    f->workers = bk_arena_array(ctx->arena, (size_t)f->n_workers, sizeof *f->workers);
    f->ready = bk_arena_zalloc(ctx->arena, (size_t)f->n_workers);
    f->busy = bk_arena_zalloc(ctx->arena, (size_t)f->n_workers);
    f->lock = bk_mutex_new();
    if (!f->workers || !f->ready || !f->busy || !f->lock) return bk_arena_oom(ctx->arena, err);
    for (int i = 0; i < f->n_workers; i++) {
        exec_worker *w = &f->workers[i];
        memset(w, 0, sizeof *w);
        w->arena = bk_arena_new(ctx->arena, "query worker", 0);
        w->scratch = bk_arena_new(ctx->arena, "chunk scratch", 0); /* counts against the limit */
        bk_buf_init(&w->keybuf);
        if (!w->arena || !w->scratch) return bk_arena_oom(ctx->arena, err);
    }
    bk_error_clear(&f->err);
    return BK_OK;
}

static void feed_destroy(feed *f) {
    if (!f->workers) return;
    for (int i = 0; i < f->n_workers; i++) {
        bk_arena_free(f->workers[i].scratch);
        bk_buf_destroy(&f->workers[i].keybuf);
    }
    bk_mutex_free(f->lock);
    f->workers = NULL;
}

/* Keep the first error of any worker. */
static void feed_fail(feed *f, const bk_error *e) {
    bk_mutex_lock(f->lock);
    if (!atomic_load(&f->failed)) {
        f->err = *e;
        atomic_store(&f->failed, true);
    }
    bk_mutex_unlock(f->lock);
}

static bk_status worker_ready(feed *f, int i, bk_error *err) {
    if (f->ready[i]) return BK_OK;
    exec_worker *w = &f->workers[i];
    BK_TRY(f->sink->local_new(f->sink, w, &w->sink_local, err));
    f->ready[i] = true;
    return BK_OK;
}

/* Combine every worker's state into the sink, then let it produce its table. */
static bk_status feed_finish(feed *f, exec_table **out, bk_error *err) {
    if (atomic_load(&f->failed)) {
        if (err) *err = f->err;
        return f->err.code;
    }
    for (int i = 0; i < f->n_workers; i++) {
        if (!f->ready[i]) continue;
        BK_TRY(f->sink->combine(f->sink, &f->workers[i], f->workers[i].sink_local, err));
    }
    return f->sink->finish(f->sink, out, err);
}

/* ---- pushing chunks ---- */

typedef struct chain {
    exec_stream **ops; /* in application order */
    uint32_t n_ops;
} chain;

/* Push one chunk through the operators into the sink, on worker w. */
static bk_status push(feed *f, const chain *ch, exec_worker *w, const exec_chunk *in,
                      bk_error *err) {
    BK_TRY(exec_check_cancel(f->ctx, err));
    exec_chunk cur = *in;
    int64_t t = bk_monotonic_ns();
    for (uint32_t k = 0; k < ch->n_ops && cur.n; k++) {
        exec_chunk next;
        exec_stream *op = ch->ops[k];
        BK_TRY(op->execute(op, w, &cur, &next, err));
        atomic_fetch_add_explicit(&op->node->rows_out, next.n, memory_order_relaxed);
        int64_t now = bk_monotonic_ns();
        atomic_fetch_add_explicit(&op->node->ns, now - t, memory_order_relaxed);
        t = now;
        cur = next;
    }
    if (cur.n == 0) return BK_OK;
    bk_status s = f->sink->consume(f->sink, w, w->sink_local, &cur, err);
    exec_node_kind sk = f->sink->node ? f->sink->node->kind : EXEC_NODE_VALUES;
    if (sk == EXEC_NODE_AGGREGATE || sk == EXEC_NODE_SORT || sk == EXEC_NODE_WINDOW)
        atomic_fetch_add_explicit(&f->sink->node->ns, bk_monotonic_ns() - t,
                                  memory_order_relaxed);
    return s;
}

/* Push a batch of any size in slices of EXEC_CHUNK_ROWS; `morsel` orders the batch. */
static bk_status push_batch(feed *f, const chain *ch, exec_worker *w, exec_node *source,
                            bk_vector *const *cols, uint32_t n_cols, size_t n_rows, uint64_t morsel,
                            bk_error *err) {
    atomic_fetch_add_explicit(&source->rows_out, n_rows, memory_order_relaxed);
    atomic_fetch_add_explicit(&f->ctx->rows_read, n_rows, memory_order_relaxed);
    for (size_t off = 0, slice = 0; off < n_rows; off += EXEC_CHUNK_ROWS, slice++) {
        size_t n = BK_MIN((size_t)EXEC_CHUNK_ROWS, n_rows - off);
        exec_chunk c = {.n = n, .n_cols = n_cols};
        c.cols = bk_arena_array(w->scratch, n_cols ? n_cols : 1, sizeof *c.cols);
        if (!c.cols) return bk_arena_oom(w->scratch, err);
        for (uint32_t k = 0; k < n_cols; k++) {
            c.cols[k] = exec_vector_slice(w->scratch, cols[k], off, n);
            if (!c.cols[k]) return bk_arena_oom(w->scratch, err);
        }
        w->morsel = (f->part << 48) | (morsel << 16) | (slice & 0xffff);
        bk_status s = push(f, ch, w, &c, err);
        bk_arena_reset(w->scratch);
        if (s != BK_OK) return s;
    }
    return BK_OK;
}

/* ---- sources ---- */

typedef struct run_args {
    feed *f;
    const chain *ch;
    exec_node *source;
    const exec_table *table;
} run_args;

static void table_task(void *arg, size_t i, int worker) {
    run_args *r = arg;
    feed *f = r->f;
    if (atomic_load(&f->failed) || atomic_load(&f->sink->full)) return;
    bk_error e;
    bk_error_clear(&e);
    const exec_chunk *c = &r->table->chunks[i];
    bk_status s = worker_ready(f, worker, &e);
    if (s == BK_OK)
        s = push_batch(f, r->ch, &f->workers[worker], r->source, c->cols, c->n_cols, c->n, i, &e);
    if (s != BK_OK) feed_fail(f, &e);
}

/*
 * A table source runs its chunks in parallel, except into a LIMIT: then in
 * order on this thread, so that stopping early keeps the first rows of an
 * ordered input.
 */
static bk_status run_table(feed *f, const chain *ch, exec_node *source, const exec_table *t) {
    run_args r = {.f = f, .ch = ch, .source = source, .table = t};
    bool in_order = f->sink->node->kind == EXEC_NODE_LIMIT;
    if (f->ctx->pool && t->n_chunks > 1 && !in_order)
        bk_pool_run(f->ctx->pool, t->n_chunks, table_task, &r);
    else
        for (size_t i = 0; i < t->n_chunks; i++) table_task(&r, i, 0);
    return atomic_load(&f->failed) ? f->err.code : BK_OK;
}

#define RANGE_MORSEL_ROWS ((int64_t)64 * EXEC_CHUNK_ROWS)

/* Rows in range(start, end, step), or -1 when the step is 0 or the count does not fit. */
static int64_t range_count(int64_t start, int64_t end, int64_t step) {
    if (step == 0) return -1;
    if ((step > 0 && start >= end) || (step < 0 && start <= end)) return 0;
    /* in unsigned arithmetic the distance and the step's magnitude cannot overflow */
    uint64_t span = step > 0 ? (uint64_t)end - (uint64_t)start : (uint64_t)start - (uint64_t)end;
    uint64_t by = step > 0 ? (uint64_t)step : 0 - (uint64_t)step;
    uint64_t n = span / by + (span % by != 0);
    return n > (uint64_t)INT64_MAX ? -1 : (int64_t)n;
}

static void range_task(void *arg, size_t morsel, int worker) {
    run_args *r = arg;
    feed *f = r->f;
    if (atomic_load(&f->failed) || atomic_load(&f->sink->full)) return;
    exec_node *src = r->source;
    int64_t total = range_count(src->u.range.start, src->u.range.end, src->u.range.step);
    int64_t first = (int64_t)morsel * RANGE_MORSEL_ROWS;
    int64_t n = BK_MIN(RANGE_MORSEL_ROWS, total - first);
    exec_worker *w = &f->workers[worker];
    bk_error e;
    bk_error_clear(&e);
    bk_status s = worker_ready(f, worker, &e);
    for (int64_t off = 0; s == BK_OK && off < n; off += EXEC_CHUNK_ROWS) {
        size_t m = (size_t)BK_MIN((int64_t)EXEC_CHUNK_ROWS, n - off);
        bk_vector *v = bk_vector_make(w->scratch, bk_type_scalar(BK_TYPE_BIGINT), m);
        if (!v) {
            s = bk_arena_oom(w->scratch, &e);
            break;
        }
        int64_t *d = v->data;
        int64_t x = src->u.range.start + (first + off) * src->u.range.step;
        for (size_t i = 0; i < m; i++) d[i] = x + (int64_t)i * src->u.range.step;
        atomic_fetch_add_explicit(&src->rows_out, m, memory_order_relaxed);
        exec_chunk c = {.n = m, .n_cols = 1, .cols = &v};
        w->morsel = (f->part << 48) | ((uint64_t)morsel << 16) | (uint64_t)(off / EXEC_CHUNK_ROWS);
        s = push(f, r->ch, w, &c, &e);
        bk_arena_reset(w->scratch);
    }
    if (s != BK_OK) feed_fail(f, &e);
}

static bk_status run_range(feed *f, const chain *ch, exec_node *source, bk_error *err) {
    int64_t total = range_count(source->u.range.start, source->u.range.end, source->u.range.step);
    if (total < 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "range(%lld, %lld, %lld): the step must not be 0 and the row count "
                            "must fit in a BIGINT",
                            (long long)source->u.range.start, (long long)source->u.range.end,
                            (long long)source->u.range.step);
    size_t n_morsels = (size_t)((total + RANGE_MORSEL_ROWS - 1) / RANGE_MORSEL_ROWS);
    run_args r = {.f = f, .ch = ch, .source = source};
    if (f->ctx->pool && n_morsels > 1)
        bk_pool_run(f->ctx->pool, n_morsels, range_task, &r);
    else
        for (size_t i = 0; i < n_morsels; i++) range_task(&r, i, 0);
    return atomic_load(&f->failed) ? f->err.code : BK_OK;
}

/* Scan callbacks carry no worker index: claim a free worker for the batch. */
static int claim_worker(feed *f) {
    bk_mutex_lock(f->lock);
    int got = -1;
    for (int i = 0; i < f->n_workers && got < 0; i++)
        if (!f->busy[i]) {
            f->busy[i] = true;
            got = i;
        }
    bk_mutex_unlock(f->lock);
    return got;
}

static void release_worker(feed *f, int i) {
    bk_mutex_lock(f->lock);
    f->busy[i] = false;
    bk_mutex_unlock(f->lock);
}

typedef struct scan_args {
    feed *f;
    const chain *ch;
    exec_node *source;
    atomic_uint_fast64_t batches;
} scan_args;

static bk_status scan_batch(scan_args *sa, uint64_t morsel, bk_vector **cols, size_t n_rows,
                            bk_error *err) {
    feed *f = sa->f;
    if (atomic_load(&f->failed)) return f->err.code;
    if (atomic_load(&f->sink->full)) return BK_CANCELLED; /* stops the scan; not an error */
    int wi = claim_worker(f);
    if (wi < 0) return bk_error_set(err, BK_INTERNAL, "more scan threads than query workers");
    bk_status s = worker_ready(f, wi, err);
    if (s == BK_OK)
        s = push_batch(f, sa->ch, &f->workers[wi], sa->source, cols, sa->source->schema->n_children,
                       n_rows, morsel, err);
    release_worker(f, wi);
    return s;
}

static bk_status parquet_cb(void *ctx, uint32_t row_group, bk_arena *a, bk_vector **cols,
                            size_t n_rows, bk_error *err) {
    (void)a;
    scan_args *sa = ctx;
    return scan_batch(sa, row_group, cols, n_rows, err);
}

static bk_status delta_cb(void *ctx, bk_arena *a, bk_vector **cols, size_t n_rows, bk_error *err) {
    (void)a;
    scan_args *sa = ctx;
    uint64_t morsel = atomic_fetch_add(&sa->batches, 1);
    return scan_batch(sa, morsel, cols, n_rows, err);
}

/* A scan stopped because the sink is full ends normally. */
static bk_status scan_result(feed *f, bk_status s, bk_error *err) {
    if (atomic_load(&f->failed)) {
        if (err) *err = f->err;
        return f->err.code;
    }
    if (s == BK_CANCELLED && atomic_load(&f->sink->full)) {
        bk_error_clear(err);
        return BK_OK;
    }
    return s;
}

/* Add a scan's Parquet skipping statistics to its node, for EXPLAIN ANALYZE. */
static void add_file_stats(exec_node *source, uint64_t rg_total, uint64_t rg_skipped,
                           uint64_t pages_total, uint64_t pages_skipped, uint64_t rows_filtered,
                           uint64_t decode_ns) {
    exec_scan_stats *x = &source->scan;
    atomic_fetch_add(&x->row_groups_total, rg_total);
    atomic_fetch_add(&x->row_groups_skipped, rg_skipped);
    atomic_fetch_add(&x->pages_total, pages_total);
    atomic_fetch_add(&x->pages_skipped, pages_skipped);
    atomic_fetch_add(&x->rows_filtered, rows_filtered);
    atomic_fetch_add(&source->ns, (int64_t)decode_ns);
}

/* The planner opened the reader; it stays open with the query (vectors' types live in it). */
static bk_status run_parquet(feed *f, const chain *ch, exec_node *source, bk_error *err) {
    pq_reader *r = source->u.parquet.reader;
    if (!r)
        return bk_error_set(err, BK_INTERNAL, "Parquet scan of \"%s\" without an open reader",
                            source->u.parquet.path);
    scan_args sa = {.f = f, .ch = ch, .source = source};
    pq_scan_opts o = {.fields = source->u.parquet.fields,
                      .n_fields = source->u.parquet.n_fields,
                      .pool = f->ctx->pool};
    BK_TRY(exec_scan_predicates(f->ctx, source, source->u.parquet.preds,
                                source->u.parquet.n_preds, &o.preds, &o.n_preds, err));
    pq_scan_stats st;
    memset(&st, 0, sizeof st);
    bk_status s = pq_scan(r, &o, parquet_cb, &sa, &st, err);
    add_file_stats(source, st.row_groups_total, st.row_groups_skipped, st.pages_total,
                   st.pages_skipped, st.rows_filtered, st.decode_ns);
    return scan_result(f, s, err);
}

static bk_status run_delta(feed *f, const chain *ch, exec_node *source, bk_error *err) {
    scan_args sa = {.f = f, .ch = ch, .source = source};
    delta_scan_opts o = {.fields = source->u.delta.fields,
                         .n_fields = source->u.delta.n_fields,
                         .pool = f->ctx->pool};
    BK_TRY(exec_scan_predicates(f->ctx, source, source->u.delta.preds, source->u.delta.n_preds,
                                &o.preds, &o.n_preds, err));
    delta_scan_stats st;
    memset(&st, 0, sizeof st);
    bk_status s = delta_scan(source->u.delta.snapshot, &o, delta_cb, &sa, &st, err);
    atomic_fetch_add(&source->scan.files_total, st.files_total);
    atomic_fetch_add(&source->scan.files_skipped, st.files_skipped);
    add_file_stats(source, st.row_groups_total, st.row_groups_skipped, st.pages_total,
                   st.pages_skipped, st.rows_filtered, st.decode_ns);
    return scan_result(f, s, err);
}

/* ---- streaming operators: filter and project ---- */

static bk_status filter_execute(exec_stream *op, exec_worker *w, const exec_chunk *in,
                                exec_chunk *out, bk_error *err) {
    uint32_t *sel = bk_arena_array(w->scratch, in->n ? in->n : 1, sizeof *sel);
    if (!sel) return bk_arena_oom(w->scratch, err);
    size_t n_sel;
    BK_TRY(exec_eval_filter(op->ctx, w->scratch, op->node->u.filter.pred, in, sel, &n_sel, err));
    *out = *in;
    if (n_sel == in->n) return BK_OK;
    out->n = n_sel;
    if (n_sel == 0) return BK_OK;
    out->cols = bk_arena_array(w->scratch, in->n_cols ? in->n_cols : 1, sizeof *out->cols);
    if (!out->cols) return bk_arena_oom(w->scratch, err);
    for (uint32_t k = 0; k < in->n_cols; k++) {
        out->cols[k] = bk_vector_take_ascending(w->scratch, in->cols[k], sel, n_sel);
        if (!out->cols[k]) return bk_arena_oom(w->scratch, err);
    }
    return BK_OK;
}

static bk_status project_execute(exec_stream *op, exec_worker *w, const exec_chunk *in,
                                 exec_chunk *out, bk_error *err) {
    uint32_t n_exprs = op->node->u.project.n_exprs;
    out->n = in->n;
    out->n_cols = n_exprs;
    out->cols = bk_arena_array(w->scratch, n_exprs ? n_exprs : 1, sizeof *out->cols);
    if (!out->cols) return bk_arena_oom(w->scratch, err);
    for (uint32_t k = 0; k < n_exprs; k++)
        BK_TRY(
            exec_eval(op->ctx, w->scratch, op->node->u.project.exprs[k], in, &out->cols[k], err));
    return BK_OK;
}

/* ---- walking the plan ---- */

static bk_status chain_push_front(bk_arena *a, const chain *above, exec_stream *op, chain *out,
                                  bk_error *err) {
    out->n_ops = above->n_ops + 1;
    out->ops = bk_arena_array(a, out->n_ops, sizeof *out->ops);
    if (!out->ops) return bk_arena_oom(a, err);
    out->ops[0] = op;
    if (above->n_ops) memcpy(out->ops + 1, above->ops, above->n_ops * sizeof *out->ops);
    return BK_OK;
}

static bool is_breaker(const exec_node *n) {
    return n->kind == EXEC_NODE_AGGREGATE || n->kind == EXEC_NODE_SORT ||
           n->kind == EXEC_NODE_LIMIT || n->kind == EXEC_NODE_WINDOW;
}

/* Run `node`'s rows through `above` into f's sink. */
static bk_status run_into(feed *f, exec_node *node, const chain *above, bk_error *err) {
    exec_ctx *ctx = f->ctx;
    bk_arena *a = ctx->arena;
    switch (node->kind) {
    case EXEC_NODE_FILTER:
    case EXEC_NODE_PROJECT: {
        exec_stream *op = bk_arena_zalloc(a, sizeof *op);
        if (!op) return bk_arena_oom(a, err);
        op->node = node;
        op->ctx = ctx;
        op->execute = node->kind == EXEC_NODE_FILTER ? filter_execute : project_execute;
        chain ch;
        BK_TRY(chain_push_front(a, above, op, &ch, err));
        return run_into(f, node->child, &ch, err);
    }
    case EXEC_NODE_GENERATE: {
        exec_stream *op = bk_arena_zalloc(a, sizeof *op);
        if (!op) return bk_arena_oom(a, err);
        BK_TRY(exec_generate_stream(ctx, node, op, err));
        chain ch;
        BK_TRY(chain_push_front(a, above, op, &ch, err));
        return run_into(f, node->child, &ch, err);
    }
    case EXEC_NODE_JOIN: {
        exec_table *build;
        BK_TRY(exec_materialize(ctx, node->right, &build, err));
        exec_stream *op = bk_arena_zalloc(a, sizeof *op);
        if (!op) return bk_arena_oom(a, err);
        BK_TRY(exec_join_probe(ctx, node, build, op, err));
        chain ch;
        BK_TRY(chain_push_front(a, above, op, &ch, err));
        exec_rt_filter *rtf = exec_join_filter_push(ctx, node, build);
        bk_status s = run_into(f, node->child, &ch, err);
        exec_join_filter_pop(ctx, rtf);
        exec_join_kind jk = node->u.join.kind;
        if (s == BK_OK &&
            (jk == EXEC_JOIN_FULL || jk == EXEC_JOIN_RIGHT_SEMI || jk == EXEC_JOIN_RIGHT_ANTI)) {
            /* build rows that found no partner (or, RIGHT_SEMI, one) go on above */
            BK_TRY(worker_ready(f, 0, err));
            exec_worker *w = &f->workers[0];
            exec_chunk rest;
            s = exec_join_build_rows(op, w->arena, &rest, err);
            if (s == BK_OK && rest.n) {
                f->part++;
                s = push_batch(f, above, w, node, rest.cols, rest.n_cols, rest.n, 0, err);
            }
        }
        if (op->destroy) op->destroy(op);
        return s;
    }
    case EXEC_NODE_EXPAND: {
        exec_stream *op = bk_arena_zalloc(a, sizeof *op);
        if (!op) return bk_arena_oom(a, err);
        BK_TRY(exec_expand_stream(ctx, node, op, err));
        chain ch;
        BK_TRY(chain_push_front(a, above, op, &ch, err));
        return run_into(f, node->child, &ch, err);
    }
    case EXEC_NODE_UNION:
        for (uint32_t k = 0; k < node->n_children; k++) {
            f->part++;
            BK_TRY(run_into(f, node->children[k], above, err));
        }
        return BK_OK;
    case EXEC_NODE_VALUES:
        return run_table(f, above, node, node->u.values.table);
    case EXEC_NODE_RANGE:
        return run_range(f, above, node, err);
    case EXEC_NODE_PARQUET:
        return run_parquet(f, above, node, err);
    case EXEC_NODE_DELTA:
        return run_delta(f, above, node, err);
    case EXEC_NODE_AGGREGATE:
    case EXEC_NODE_SORT:
    case EXEC_NODE_LIMIT:
    case EXEC_NODE_WINDOW: {
        exec_table *t;
        BK_TRY(exec_materialize(ctx, node, &t, err));
        return run_table(f, above, node, t);
    }
    }
    return bk_error_set(err, BK_INTERNAL, "plan node kind %d cannot run", (int)node->kind);
}

bk_status exec_materialize(exec_ctx *ctx, exec_node *node, exec_table **out, bk_error *err) {
    if (node->kind == EXEC_NODE_VALUES) {
        *out = node->u.values.table;
        atomic_fetch_add(&node->rows_out, (*out)->n_rows);
        return BK_OK;
    }
    if (node->kind == EXEC_NODE_LIMIT && is_breaker(node->child)) {
        exec_table *t;
        BK_TRY(exec_materialize(ctx, node->child, &t, err));
        BK_TRY(
            exec_table_slice(ctx->arena, t, node->u.limit.offset, node->u.limit.limit, out, err));
        atomic_fetch_add(&node->rows_out, (*out)->n_rows);
        return BK_OK;
    }
    exec_sink sink;
    memset(&sink, 0, sizeof sink);
    bk_status s;
    exec_node *input = node->child;
    switch (node->kind) {
    case EXEC_NODE_AGGREGATE:
        s = exec_agg_sink(ctx, node, &sink, err);
        break;
    case EXEC_NODE_SORT:
        s = exec_sort_sink(ctx, node, &sink, err);
        break;
    case EXEC_NODE_LIMIT:
        s = exec_limit_sink(ctx, node, &sink, err);
        break;
    case EXEC_NODE_WINDOW:
        s = exec_window_sink(ctx, node, &sink, err);
        break;
    default:
        s = exec_collect_sink(ctx, node, &sink, err);
        input = node;
        break;
    }
    if (s != BK_OK) return s;
    sink.lock = bk_mutex_new();
    if (!sink.lock) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory starting a query");
    feed f;
    s = feed_init(ctx, &sink, &f, err);
    chain none = {0};
    if (s == BK_OK) s = run_into(&f, input, &none, err);
    if (s == BK_OK)
        s = feed_finish(&f, out, err);
    else if (atomic_load(&f.failed) && err)
        *err = f.err;
    feed_destroy(&f);
    if (sink.destroy) sink.destroy(&sink);
    bk_mutex_free(sink.lock);
    if (s == BK_OK && is_breaker(node)) atomic_fetch_add(&node->rows_out, (*out)->n_rows);
    return s;
}

bk_status exec_run(exec_ctx *ctx, exec_node *plan, exec_table **out, bk_error *err) {
    return exec_materialize(ctx, plan, out, err);
}
