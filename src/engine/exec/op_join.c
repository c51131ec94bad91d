/*
 * op_join.c — hash join: the build side in a hash table, the probe side streamed.
 *
 * The build side (node->right) is materialized first, its columns gathered,
 * and its key columns hashed into a radix-partitioned bucket table, in
 * parallel (join_build.c, join_table.h).  Rows with a NULL key are left out:
 * NULL never equals anything (unless the join is null-safe).  Probing hashes a
 * chunk's keys, collects the build rows of each probe row's bucket whose hash
 * tag is equal, and then drops the candidates whose key columns differ, one
 * typed loop per key column.  An extra non-equi condition is evaluated on the
 * surviving pairs before a pair counts as a match.
 *
 * Output columns: probe columns then build columns (INNER, LEFT, FULL), or
 * probe columns only (SEMI, ANTI).  RIGHT joins are planned as LEFT joins with
 * the sides swapped.  FULL, RIGHT_SEMI and RIGHT_ANTI joins mark build rows
 * that matched (relaxed atomic stores from any worker); exec_join_build_rows
 * emits the unmatched (FULL, RIGHT_ANTI) or matched (RIGHT_SEMI) ones at the
 * end.  The probe of a RIGHT_SEMI / RIGHT_ANTI join itself emits nothing.
 */
#include <string.h>

#include "engine/exec/join_table.h"

#define NO_ROW UINT32_MAX

typedef struct join_state {
    exec_table *build;
    bk_vector **build_cols; /* whole columns */
    bk_vector **key_cols;   /* the build key columns (of build_cols) */
    uint32_t n_build_cols, n_probe_cols;
    exec_hj_table table;      /* join_build.c */
    _Atomic uint8_t *matched; /* FULL, RIGHT_SEMI, RIGHT_ANTI: per build row */
    size_t n_build;
} join_state;

/*
 * Gather the build side's columns and build the table of its keys
 * (join_build.c).  Everything lives in the query arena, whose limit bounds it.
 */
static bk_status build_table(exec_ctx *ctx, exec_node *node, join_state *st, bk_error *err) {
    bk_arena *a = ctx->arena;
    uint32_t n_cols = node->right->schema->n_children;
    st->n_build_cols = n_cols;
    st->build_cols = bk_arena_array(a, n_cols ? n_cols : 1, sizeof *st->build_cols);
    if (!st->build_cols) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < n_cols; k++) {
        st->build_cols[k] = exec_table_column(a, st->build, k);
        if (!st->build_cols[k]) return bk_arena_oom(a, err);
    }
    size_t n = st->build->n_rows;
    if (n >= NO_ROW / 2)
        return bk_error_set(err, BK_LIMIT_EXCEEDED,
                            "a join's build side has %zu rows, over the "
                            "limit of 2147483646",
                            n);
    st->n_build = n;
    uint32_t nk = node->u.join.n_keys;
    st->key_cols = bk_arena_array(a, nk ? nk : 1, sizeof *st->key_cols);
    if (!st->key_cols) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < nk; k++) st->key_cols[k] = st->build_cols[node->u.join.build_keys[k]];
    BK_TRY(exec_keys_flatten(a, st->key_cols, nk, err)); /* nested keys compare as bytes */
    exec_join_kind kind = node->u.join.kind;
    if (kind == EXEC_JOIN_FULL || kind == EXEC_JOIN_RIGHT_SEMI || kind == EXEC_JOIN_RIGHT_ANTI) {
        st->matched = bk_arena_zalloc(a, n ? n : 1);
        if (!st->matched) return bk_arena_oom(a, err);
    }
    return exec_hj_build(ctx, st->key_cols, nk, n, node->u.join.null_safe, &st->table, err);
}

/* Growable pair lists in the worker's scratch arena. */
typedef struct pairs {
    uint32_t *probe, *build;
    size_t n, cap;
} pairs;

/* Room for `more` pairs after the p->n there are. */
static BK_NOINLINE bool pairs_grow(bk_arena *a, pairs *p, size_t more) {
    size_t cap = p->cap ? p->cap : EXEC_CHUNK_ROWS;
    while (cap < p->n + more) cap *= 2;
    uint32_t *np = bk_arena_array(a, cap, sizeof *np), *nb = bk_arena_array(a, cap, sizeof *nb);
    if (!np || !nb) return false;
    if (p->n) {
        memcpy(np, p->probe, p->n * sizeof *np);
        memcpy(nb, p->build, p->n * sizeof *nb);
    }
    p->probe = np;
    p->build = nb;
    p->cap = cap;
    return true;
}

static bool pairs_push(bk_arena *a, pairs *p, uint32_t pr, uint32_t br) {
    if (p->n == p->cap && !pairs_grow(a, p, 1)) return false;
    p->probe[p->n] = pr;
    p->build[p->n] = br;
    p->n++;
    return true;
}

static inline bool pairs_reserve(bk_arena *a, pairs *p, size_t more) {
    return p->n + more <= p->cap || pairs_grow(a, p, more);
}

#if defined(__GNUC__)
#define PREFETCH(addr) __builtin_prefetch(addr)
#else
#define PREFETCH(addr) ((void)0)
#endif
#define PREFETCH_AHEAD 16   /* probe rows between a bucket's prefetch and its read */
#define CACHED_BITS 15      /* tables of up to 2^15 buckets stay in cache: no prefetching */

/*
 * Append to p the candidate pairs of probe rows [0, n) (hashes hash[]): each
 * row with the build rows of its bucket whose tag matches, written without a
 * branch on the tag.  Rows with a NULL key take part only when null_safe.
 * False on OOM.
 *
 * A table larger than the cache is probed in two passes over the chunk: the
 * rows' bucket bounds, each read PREFETCH_AHEAD rows after its prefetch (and
 * the bucket's entries prefetched in turn), then the entries.  A small one in
 * one pass.
 */
static bool probe_candidates(bk_arena *a, const exec_hj_table *t, const uint64_t *hash,
                             const uint8_t *has_null, bool null_safe, size_t n, pairs *p) {
    const uint32_t *offsets = t->offsets;
    const exec_hj_entry *entries = t->entries;
    uint32_t shift = 64 - t->bits; /* slot = hash >> shift = exec_hj_tag_slot(hash >> 32) */
    if (t->bits <= CACHED_BITS) {
        for (size_t r = 0; r < n; r++) {
            uint64_t s = hash[r] >> shift;
            uint32_t b = offsets[s], e = offsets[s + 1], tag = (uint32_t)(hash[r] >> 32);
            if (b == e || (has_null[r] && !null_safe)) continue;
            if (!pairs_reserve(a, p, e - b)) return false;
            size_t k = p->n;
            for (; b < e; b++) {
                p->probe[k] = (uint32_t)r;
                p->build[k] = entries[b].row;
                k += entries[b].tag == tag;
            }
            p->n = k;
        }
        return true;
    }
    uint32_t *lo = bk_arena_array(a, n ? n : 1, sizeof *lo);
    uint32_t *hi = bk_arena_array(a, n ? n : 1, sizeof *hi);
    if (!lo || !hi) return false;
    size_t total = 0;
    for (size_t r = 0; r < n; r++) {
        if (r + PREFETCH_AHEAD < n) PREFETCH(&offsets[hash[r + PREFETCH_AHEAD] >> shift]);
        uint64_t s = hash[r] >> shift;
        uint32_t b = offsets[s], e = offsets[s + 1];
        if (has_null[r] && !null_safe) e = b;
        PREFETCH(&entries[b]);
        lo[r] = b;
        hi[r] = e;
        total += e - b;
    }
    if (!pairs_reserve(a, p, total)) return false;
    uint32_t *pp = p->probe, *pb = p->build;
    size_t k = p->n;
    for (size_t r = 0; r < n; r++) {
        uint32_t tag = (uint32_t)(hash[r] >> 32);
        for (uint32_t e = lo[r]; e < hi[r]; e++) {
            pp[k] = (uint32_t)r;
            pb[k] = entries[e].row;
            k += entries[e].tag == tag;
        }
    }
    p->n = k;
    return true;
}

/* Rows idx[0..n) of `v`, where NO_ROW gives NULL. */
static bk_vector *take_or_null(bk_arena *a, const bk_vector *v, const uint32_t *idx, size_t n) {
    size_t n_null = 0;
    for (size_t i = 0; i < n; i++) n_null += idx[i] == NO_ROW;
    if (!n_null) return bk_vector_take(a, v, idx, n);
    bk_vector *out;
    if (v->n == 0) {
        out = bk_vector_make(a, v->type, n);
    } else {
        /* take row 0 in place of the missing ones, then mark them NULL */
        uint32_t *fixed = bk_arena_array(a, n ? n : 1, sizeof *fixed);
        if (!fixed) return NULL;
        for (size_t i = 0; i < n; i++) fixed[i] = idx[i] == NO_ROW ? 0 : idx[i];
        out = bk_vector_take(a, v, fixed, n);
    }
    if (!out || bk_vector_ensure_validity(a, out) != BK_OK) return NULL;
    for (size_t i = 0; i < n; i++)
        if (idx[i] == NO_ROW) bk_validity_set(out->validity, i, false);
    return out;
}

/* The joined chunk of probe columns at p->probe and build columns at p->build. */
static bk_status joined(bk_arena *a, const join_state *st, const exec_chunk *in, const pairs *p,
                        exec_chunk *out, bk_error *err) {
    out->n = p->n;
    out->n_cols = st->n_probe_cols + st->n_build_cols;
    out->cols = bk_arena_array(a, out->n_cols ? out->n_cols : 1, sizeof *out->cols);
    if (!out->cols) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < st->n_probe_cols; k++) {
        out->cols[k] = take_or_null(a, in->cols[k], p->probe, p->n);
        if (!out->cols[k]) return bk_arena_oom(a, err);
    }
    for (uint32_t k = 0; k < st->n_build_cols; k++) {
        out->cols[st->n_probe_cols + k] = take_or_null(a, st->build_cols[k], p->build, p->n);
        if (!out->cols[st->n_probe_cols + k]) return bk_arena_oom(a, err);
    }
    return BK_OK;
}

static bk_status probe_execute(exec_stream *op, exec_worker *w, const exec_chunk *in,
                               exec_chunk *out, bk_error *err) {
    join_state *st = op->state;
    const exec_node *node = op->node;
    exec_join_kind kind = node->u.join.kind;
    bk_arena *a = w->scratch;
    uint32_t nk = node->u.join.n_keys;
    bk_vector **keys = bk_arena_array(a, nk ? nk : 1, sizeof *keys);
    uint8_t *hit = bk_arena_zalloc(a, in->n ? in->n : 1); /* probe row matched */
    uint64_t *hash = bk_arena_array(a, in->n ? in->n : 1, sizeof *hash);
    uint8_t *has_null = bk_arena_alloc(a, in->n ? in->n : 1);
    if (!keys || !hit || !hash || !has_null) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < nk; k++) keys[k] = in->cols[node->u.join.probe_keys[k]];
    BK_TRY(exec_keys_flatten(a, keys, nk, err));
    pairs p = {0};
    if (st->n_build) {
        /* candidates: the build rows in each probe row's bucket with its hash */
        exec_keys_hash(keys, nk, in->n, hash, has_null);
        bool null_safe = node->u.join.null_safe;
        if (!probe_candidates(a, &st->table, hash, has_null, null_safe, in->n, &p))
            return bk_arena_oom(a, err);
        p.n = exec_keys_equal_filter(keys, st->key_cols, nk, null_safe, p.probe, p.build, p.n);
    }
    /* keep the pairs the extra condition accepts */
    if (node->u.join.extra && p.n) {
        exec_chunk cand;
        BK_TRY(joined(a, st, in, &p, &cand, err));
        uint32_t *sel = bk_arena_array(a, p.n, sizeof *sel);
        if (!sel) return bk_arena_oom(a, err);
        size_t n_sel;
        BK_TRY(exec_eval_filter(op->ctx, a, node->u.join.extra, &cand, sel, &n_sel, err));
        for (size_t i = 0; i < n_sel; i++) {
            p.probe[i] = p.probe[sel[i]];
            p.build[i] = p.build[sel[i]];
        }
        p.n = n_sel;
    }
    for (size_t i = 0; i < p.n; i++) hit[p.probe[i]] = 1;
    if (st->matched)
        for (size_t i = 0; i < p.n; i++)
            atomic_store_explicit(&st->matched[p.build[i]], 1, memory_order_relaxed);
    if (kind == EXEC_JOIN_RIGHT_SEMI || kind == EXEC_JOIN_RIGHT_ANTI) {
        /* nothing flows on now: the build rows go after the probe */
        out->n = 0;
        out->n_cols = st->n_build_cols;
        out->cols = bk_arena_array(a, st->n_build_cols ? st->n_build_cols : 1, sizeof *out->cols);
        if (!out->cols) return bk_arena_oom(a, err);
        for (uint32_t k = 0; k < st->n_build_cols; k++) {
            out->cols[k] = bk_vector_make(a, st->build_cols[k]->type, 0);
            if (!out->cols[k]) return bk_arena_oom(a, err);
        }
        return BK_OK;
    }
    if (kind == EXEC_JOIN_SEMI || kind == EXEC_JOIN_ANTI) {
        uint32_t *sel = bk_arena_array(a, in->n ? in->n : 1, sizeof *sel);
        if (!sel) return bk_arena_oom(a, err);
        size_t n_sel = 0;
        for (size_t r = 0; r < in->n; r++)
            if (hit[r] == (kind == EXEC_JOIN_SEMI)) sel[n_sel++] = (uint32_t)r;
        out->n = n_sel;
        out->n_cols = in->n_cols;
        out->cols = bk_arena_array(a, in->n_cols ? in->n_cols : 1, sizeof *out->cols);
        if (!out->cols) return bk_arena_oom(a, err);
        for (uint32_t k = 0; k < in->n_cols; k++) {
            out->cols[k] = bk_vector_take(a, in->cols[k], sel, n_sel);
            if (!out->cols[k]) return bk_arena_oom(a, err);
        }
        return BK_OK;
    }
    if (kind == EXEC_JOIN_LEFT || kind == EXEC_JOIN_FULL) {
        /* unmatched probe rows, with NULL build columns, after the matched ones */
        for (size_t r = 0; r < in->n; r++)
            if (!hit[r] && !pairs_push(a, &p, (uint32_t)r, NO_ROW)) return bk_arena_oom(a, err);
    }
    return joined(a, st, in, &p, out, err);
}

bk_status exec_join_probe(exec_ctx *ctx, exec_node *node, exec_table *build, exec_stream *op,
                          bk_error *err) {
    join_state *st = bk_arena_zalloc(ctx->arena, sizeof *st);
    if (!st) return bk_arena_oom(ctx->arena, err);
    st->build = build;
    st->n_probe_cols = node->child->schema->n_children;
    op->node = node;
    op->ctx = ctx;
    op->state = st;
    op->execute = probe_execute;
    return build_table(ctx, node, st, err);
}

bk_status exec_join_build_rows(exec_stream *op, bk_arena *a, exec_chunk *out, bk_error *err) {
    join_state *st = op->state;
    exec_join_kind kind = op->node->u.join.kind;
    uint8_t want = kind == EXEC_JOIN_RIGHT_SEMI; /* the matched flag of the rows emitted */
    pairs p = {0};
    for (size_t b = 0; b < st->n_build; b++)
        if (atomic_load_explicit(&st->matched[b], memory_order_relaxed) == want &&
            !pairs_push(a, &p, NO_ROW, (uint32_t)b))
            return bk_arena_oom(a, err);
    if (kind != EXEC_JOIN_FULL) {
        out->n = p.n;
        out->n_cols = st->n_build_cols;
        out->cols = bk_arena_array(a, st->n_build_cols ? st->n_build_cols : 1, sizeof *out->cols);
        if (!out->cols) return bk_arena_oom(a, err);
        for (uint32_t k = 0; k < st->n_build_cols; k++) {
            out->cols[k] = bk_vector_take(a, st->build_cols[k], p.build, p.n);
            if (!out->cols[k]) return bk_arena_oom(a, err);
        }
        return BK_OK;
    }
    /* probe columns are all NULL: take from empty-typed vectors of the probe schema */
    const bk_type *probe_schema = op->node->child->schema;
    exec_chunk none = {.n = 0, .n_cols = st->n_probe_cols};
    none.cols = bk_arena_array(a, st->n_probe_cols ? st->n_probe_cols : 1, sizeof *none.cols);
    if (!none.cols) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < st->n_probe_cols; k++) {
        none.cols[k] = bk_vector_make(a, probe_schema->children[k], 0);
        if (!none.cols[k]) return bk_arena_oom(a, err);
    }
    return joined(a, st, &none, &p, out, err);
}
