/*
 * op_join.c — hash join: the build side in a hash table, the probe side streamed.
 *
 * The build side (node->right) is materialized first; its key columns are
 * hashed a column at a time (key_hash.c) and its rows chained per bucket of an
 * open hash table (buckets[hash & mask] -> next[row]), in build order.  Rows
 * with a NULL key are left out: NULL never equals anything (unless the join is
 * null-safe).  Probing hashes a chunk's keys, collects the build rows of each
 * probe row's bucket whose hash is equal, and then drops the candidates whose
 * key columns differ, one typed loop per key column.  An extra non-equi
 * condition is evaluated on the surviving pairs before a pair counts as a match.
 *
 * Output columns: probe columns then build columns (INNER, LEFT, FULL), or
 * probe columns only (SEMI, ANTI).  RIGHT joins are planned as LEFT joins with
 * the sides swapped.  FULL, RIGHT_SEMI and RIGHT_ANTI joins mark build rows
 * that matched (relaxed atomic stores from any worker); exec_join_build_rows
 * emits the unmatched (FULL, RIGHT_ANTI) or matched (RIGHT_SEMI) ones at the
 * end.  The probe of a RIGHT_SEMI / RIGHT_ANTI join itself emits nothing.
 */
#include <string.h>

#include "engine/exec/exec_int.h"

#define NO_ROW UINT32_MAX

typedef struct join_state {
    exec_table *build;
    bk_vector **build_cols; /* whole columns */
    bk_vector **key_cols;   /* the build key columns (of build_cols) */
    uint32_t n_build_cols, n_probe_cols;
    uint32_t *buckets;        /* hash & mask -> first build row of the bucket, or NO_ROW */
    uint64_t mask;
    uint32_t *next;           /* per build row: the next row in its bucket */
    uint64_t *hashes;         /* per build row: its key hash */
    _Atomic uint8_t *matched; /* FULL, RIGHT_SEMI, RIGHT_ANTI: per build row */
    size_t n_build;
} join_state;

/*
 * Hash the build rows' keys (key_hash.c) and chain the rows of each bucket,
 * in build order.  Rows with a NULL key stay out unless the join is null-safe.
 * Everything lives in the query arena, whose limit bounds the table.
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
    size_t n_buckets = 16;
    while (n_buckets < 2 * n) n_buckets *= 2;
    st->mask = n_buckets - 1;
    st->next = bk_arena_array(a, n ? n : 1, sizeof *st->next);
    st->hashes = bk_arena_array(a, n ? n : 1, sizeof *st->hashes);
    st->buckets = bk_arena_array(a, n_buckets, sizeof *st->buckets);
    uint8_t *has_null = bk_arena_alloc(a, n ? n : 1);
    if (!st->next || !st->hashes || !st->buckets || !has_null) return bk_arena_oom(a, err);
    exec_join_kind kind = node->u.join.kind;
    if (kind == EXEC_JOIN_FULL || kind == EXEC_JOIN_RIGHT_SEMI || kind == EXEC_JOIN_RIGHT_ANTI) {
        st->matched = bk_arena_zalloc(a, n ? n : 1);
        if (!st->matched) return bk_arena_oom(a, err);
    }
    exec_keys_hash(st->key_cols, nk, n, st->hashes, has_null);
    memset(st->buckets, 0xFF, n_buckets * sizeof *st->buckets);
    bool null_safe = node->u.join.null_safe;
    /* insert in reverse so that each bucket lists its rows in build order */
    for (size_t r = n; r-- > 0;) {
        if (has_null[r] && !null_safe) {
            st->next[r] = NO_ROW;
            continue;
        }
        uint32_t *head = &st->buckets[st->hashes[r] & st->mask];
        st->next[r] = *head;
        *head = (uint32_t)r;
    }
    return BK_OK;
}

/* Growable pair lists in the worker's scratch arena. */
typedef struct pairs {
    uint32_t *probe, *build;
    size_t n, cap;
} pairs;

static bool pairs_push(bk_arena *a, pairs *p, uint32_t pr, uint32_t br) {
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : EXEC_CHUNK_ROWS;
        uint32_t *np = bk_arena_array(a, cap, sizeof *np), *nb = bk_arena_array(a, cap, sizeof *nb);
        if (!np || !nb) return false;
        if (p->n) {
            memcpy(np, p->probe, p->n * sizeof *np);
            memcpy(nb, p->build, p->n * sizeof *nb);
        }
        p->probe = np;
        p->build = nb;
        p->cap = cap;
    }
    p->probe[p->n] = pr;
    p->build[p->n] = br;
    p->n++;
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
        for (size_t r = 0; r < in->n; r++) {
            if (has_null[r] && !null_safe) continue;
            uint64_t h = hash[r];
            for (uint32_t b = st->buckets[h & st->mask]; b != NO_ROW; b = st->next[b])
                if (st->hashes[b] == h && !pairs_push(a, &p, (uint32_t)r, b))
                    return bk_arena_oom(a, err);
        }
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
