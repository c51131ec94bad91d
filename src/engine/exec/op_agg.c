/*
 * op_agg.c — the hash aggregate sink: GROUP BY keys with COUNT, SUM, AVG, MIN, MAX.
 *
 * Two phases, as in every parallel engine: each worker aggregates the chunks it
 * sees into its own hash table (no locks), then the tables are merged into one
 * when the input ends.  Keys are serialized rows (keys.c) in a bk_hmap, which
 * numbers groups in insertion order; each aggregate keeps an array of slots
 * indexed by that number.
 *
 * Semantics (Spark's): COUNT(*) counts rows, COUNT(x) non-NULL values; SUM of
 * integers is BIGINT (ARITHMETIC_OVERFLOW in ANSI mode, wrapping otherwise), of
 * FLOAT/DOUBLE a DOUBLE; AVG is a DOUBLE; SUM, AVG, MIN and MAX of no values are
 * NULL; an aggregate without GROUP BY returns one row even for empty input.
 */
#include <string.h>

#include "base/i128.h"
#include "base/mem.h"
#include "base/str.h"
#include "engine/exec/agg_int.h"
#include "engine/exec/fn_common.h"

typedef agg_slot slot;

typedef struct agg_table {
    bk_hmap *map;
    slot **slots; /* per aggregate: cap slots */
    size_t cap;
    bk_arena *strings;  /* MIN/MAX string values */
    agg_ext_store *ext; /* per aggregate: the state of the agg_int.h kinds */
    bk_hmap **dsets;    /* per DISTINCT aggregate: [u32 group][value key] pairs seen, else NULL */
} agg_table;

typedef struct agg_state {
    agg_table global;
    uint32_t n_keys, n_aggs;
    const exec_agg *aggs;
} agg_state;

/* The type aggregate k reads (BIGINT for COUNT(*)). */
static const bk_type *input_type(const exec_sink *s, uint32_t k) {
    const exec_agg *agg = &((agg_state *)s->state)->aggs[k];
    if (agg->kind == EXEC_AGG_COUNT_STAR) return bk_type_scalar(BK_TYPE_BIGINT);
    return s->node->child->schema->children[agg->column];
}

/* The type of aggregate k's column2 (MAX_BY / MIN_BY), else NULL. */
static const bk_type *input_type2(const exec_sink *s, uint32_t k) {
    const exec_agg *agg = &((agg_state *)s->state)->aggs[k];
    if (!exec_agg_uses_column2(agg)) return NULL;
    return s->node->child->schema->children[agg->column2];
}

/* DISTINCT is deduplicated here (the binder rewrites only the one-argument case). */
static bool dedup(const exec_agg *agg) { return agg->distinct && agg->kind != EXEC_AGG_COUNT_STAR; }

static void table_free(agg_table *t, uint32_t n_aggs) {
    bk_hmap_free(t->map);
    t->map = NULL;
    if (t->slots)
        for (uint32_t k = 0; k < n_aggs; k++) bk_free(t->slots[k]);
    bk_free(t->slots);
    t->slots = NULL;
    if (t->ext)
        for (uint32_t k = 0; k < n_aggs; k++) bk_buf_destroy(&t->ext[k].log);
    bk_free(t->ext);
    t->ext = NULL;
    if (t->dsets)
        for (uint32_t k = 0; k < n_aggs; k++) bk_hmap_free(t->dsets[k]);
    bk_free(t->dsets);
    t->dsets = NULL;
}

static bk_status table_init(agg_table *t, uint32_t n_aggs, const exec_agg *aggs, bk_arena *strings,
                            bk_error *err) {
    memset(t, 0, sizeof *t);
    t->map = bk_hmap_new(true);
    t->slots = bk_calloc(n_aggs ? n_aggs : 1, sizeof *t->slots);
    t->ext = bk_calloc(n_aggs ? n_aggs : 1, sizeof *t->ext);
    t->dsets = bk_calloc(n_aggs ? n_aggs : 1, sizeof *t->dsets);
    t->strings = strings;
    if (!t->map || !t->slots || !t->ext || !t->dsets)
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
    for (uint32_t k = 0; k < n_aggs; k++) {
        t->ext[k].arena = strings;
        bk_buf_init(&t->ext[k].log);
        if (dedup(&aggs[k]) && !(t->dsets[k] = bk_hmap_new(true)))
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
    }
    return BK_OK;
}

/* Room for `groups` groups in every slot array (new slots zeroed). */
static bk_status table_reserve(agg_table *t, uint32_t n_aggs, size_t groups, bk_error *err) {
    if (groups <= t->cap) return BK_OK;
    size_t cap = t->cap ? t->cap * 2 : 1024;
    while (cap < groups) cap *= 2;
    for (uint32_t k = 0; k < n_aggs; k++) {
        slot *s = bk_realloc(t->slots[k], cap * sizeof *s);
        if (!s) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
        memset(s + t->cap, 0, (cap - t->cap) * sizeof *s);
        t->slots[k] = s;
    }
    t->cap = cap;
    return BK_OK;
}

static bk_status check_memory(exec_sink *sk, const agg_table *t, uint32_t n_aggs, bk_error *err) {
    size_t limit = sk->ctx->memory_limit;
    if (!limit) return BK_OK;
    size_t used = bk_hmap_memory(t->map) + t->cap * n_aggs * sizeof(slot);
    for (uint32_t k = 0; k < n_aggs; k++) {
        used += t->ext[k].log.cap;
        if (t->dsets[k]) used += bk_hmap_memory(t->dsets[k]);
    }
    if (used <= limit) return BK_OK;
    return bk_error_set(err, BK_OUT_OF_MEMORY,
                        "the hash aggregate needs more than the query memory limit of %zu bytes "
                        "(%zu groups so far); raise bricks.memory_limit or group by fewer keys",
                        limit, bk_hmap_count(t->map));
}

/* Fold one value into a slot. */
static bk_status fold(exec_sink *sk, agg_table *t, const exec_agg *agg, slot *s, const bk_vector *v,
                      size_t row, bk_error *err) {
    switch (agg->kind) {
    case EXEC_AGG_COUNT_STAR:
    case EXEC_AGG_COUNT:
        s->count++;
        return BK_OK;
    case EXEC_AGG_SUM:
    case EXEC_AGG_AVG:
        s->count++;
        switch (v->type->kind) {
        case BK_TYPE_TINYINT:
        case BK_TYPE_SMALLINT:
        case BK_TYPE_INT:
        case BK_TYPE_BIGINT: {
            int64_t x = v->type->kind == BK_TYPE_BIGINT     ? ((const int64_t *)v->data)[row]
                        : v->type->kind == BK_TYPE_INT      ? ((const int32_t *)v->data)[row]
                        : v->type->kind == BK_TYPE_SMALLINT ? ((const int16_t *)v->data)[row]
                                                            : ((const int8_t *)v->data)[row];
            if (agg->kind == EXEC_AGG_AVG) {
                s->v.d += (double)x;
            } else if (__builtin_add_overflow(s->v.i, x, &s->v.i) && sk->ctx->ansi) {
                return exec_fn_overflow(err, "long", "try_sum");
            }
            break;
        }
        case BK_TYPE_DECIMAL: {
            bk_i128 x = v->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION
                            ? bk_i128_from_i64(((const int64_t *)v->data)[row])
                            : ((const bk_i128 *)v->data)[row];
            if (!bk_i128_add(s->v.w, x, &s->v.w))
                return bk_error_set(err, BK_ARITHMETIC_OVERFLOW,
                                    "decimal sum overflow: the sum needs more than 38 digits");
            break;
        }
        case BK_TYPE_FLOAT:
            s->v.d += ((const float *)v->data)[row];
            break;
        case BK_TYPE_DOUBLE:
            s->v.d += ((const double *)v->data)[row];
            break;
        default:
            return bk_error_set(err, BK_INTERNAL, "sum/avg of kind %d is not bound",
                                (int)v->type->kind);
        }
        s->has = true;
        return BK_OK;
    case EXEC_AGG_MIN:
    case EXEC_AGG_MAX: {
        s->count++;
        bool better = !s->has;
        if (!better) {
            /* compare the slot's value (as a one-row vector) with row `row` */
            bk_vector cur = *v;
            cur.n = 1;
            cur.validity = NULL;
            cur.data = s->v.raw;
            int c = bk_vector_compare(v, row, &cur, 0);
            better = agg->kind == EXEC_AGG_MIN ? c < 0 : c > 0;
        }
        if (!better) return BK_OK;
        size_t w = bk_type_width(v->type);
        memcpy(s->v.raw, (const uint8_t *)v->data + row * w, w);
        if (v->type->kind == BK_TYPE_STRING || v->type->kind == BK_TYPE_BINARY) {
            bk_str str = s->v.s;
            char *copy = bk_arena_memdup(t->strings, str.ptr, str.len ? str.len : 1);
            if (!copy) return bk_arena_oom(t->strings, err);
            s->v.s.ptr = copy;
        }
        s->has = true;
        return BK_OK;
    }
    default: /* the agg_int.h kinds never come here (consume_column) */
        return bk_error_set(err, BK_INTERNAL, "aggregate kind %d folded by op_agg",
                            (int)agg->kind);
    }
}

/* Fold slot `from` of another table into `into`. */
static bk_status merge(exec_sink *sk, agg_table *t, const exec_agg *agg, const bk_type *in_type,
                       slot *into, const slot *from, bk_error *err) {
    if (agg->kind == EXEC_AGG_COUNT || agg->kind == EXEC_AGG_COUNT_STAR) {
        into->count += from->count;
        return BK_OK;
    }
    if (!from->has) return BK_OK;
    if (agg->kind == EXEC_AGG_SUM || agg->kind == EXEC_AGG_AVG) {
        into->count += from->count;
        bool integral = agg->kind == EXEC_AGG_SUM && in_type->kind != BK_TYPE_FLOAT &&
                        in_type->kind != BK_TYPE_DOUBLE;
        if (in_type->kind == BK_TYPE_DECIMAL) {
            if (!bk_i128_add(into->v.w, from->v.w, &into->v.w))
                return bk_error_set(err, BK_ARITHMETIC_OVERFLOW,
                                    "decimal sum overflow: the sum needs more than 38 digits");
        } else if (!integral)
            into->v.d += from->v.d;
        else if (__builtin_add_overflow(into->v.i, from->v.i, &into->v.i) && sk->ctx->ansi)
            return exec_fn_overflow(err, "long", "try_sum");
        into->has = true;
        return BK_OK;
    }
    /* MIN / MAX: fold the other slot's value as a one-row vector */
    bk_vector one = {.type = in_type, .n = 1, .data = (void *)from->v.raw};
    return fold(sk, t, agg, into, &one, 0, err);
}

/*
 * Fold rows [0, n) of v (v2: column2) into the slots of aggregate k at gid[i].
 * orders: the rows' source-order keys (NULL: from morsel and the row number).
 */
static bk_status consume_column(exec_sink *s, agg_table *t, uint32_t k, const uint32_t *gid,
                                size_t n, const bk_vector *v, const bk_vector *v2,
                                uint64_t morsel, const uint64_t *orders, bk_buf *scratch,
                                bk_error *err) {
    const exec_agg *agg = &((agg_state *)s->state)->aggs[k];
    slot *slots = t->slots[k];
    if (agg->kind == EXEC_AGG_COUNT_STAR) {
        for (size_t i = 0; i < n; i++) slots[gid[i]].count++;
        return BK_OK;
    }
    if (exec_agg_is_ext(agg->kind))
        return exec_agg_ext_consume(s->ctx, &t->ext[k], agg, slots, gid, n, v, v2, morsel, orders,
                                    scratch, err);
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        BK_TRY(fold(s, t, agg, &slots[gid[i]], v, i, err));
    }
    return BK_OK;
}

/*
 * DISTINCT, local phase: remember the (group, value) pairs of aggregate k; NULL
 * values are skipped (DISTINCT aggregates ignore them).  Nothing is folded
 * yet: a value two workers both saw must count once, so folding waits for the
 * global set (distinct_merge).
 */
static bk_status distinct_insert(agg_table *t, uint32_t k, const uint32_t *gid, size_t n,
                                 const bk_vector *v, bk_buf *buf, bk_error *err) {
    bk_vector *cols[1] = {(bk_vector *)v};
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        if (exec_key_serialize(cols, 1, i, false, buf) < 0 || bk_buf_reserve(buf, 4) != BK_OK)
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a DISTINCT aggregate");
        memmove(buf->data + 4, buf->data, buf->len);
        memcpy(buf->data, &gid[i], 4);
        buf->len += 4;
        size_t idx;
        if (bk_hmap_insert(t->dsets[k], buf->data, buf->len, &idx, NULL) != BK_OK)
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a DISTINCT aggregate");
    }
    return BK_OK;
}

/*
 * DISTINCT, global phase: the pairs of a worker's set (groups renamed by gmap)
 * that are new in the global set are folded into the global slots, in batches
 * decoded back into vectors.
 */
static bk_status distinct_merge(exec_sink *s, agg_table *into, const agg_table *from, uint32_t k,
                                const uint32_t *gmap, bk_error *err) {
    const bk_type *t = input_type(s, k);
    bk_hmap *dst = into->dsets[k];
    const bk_hmap *src = from->dsets[k];
    size_t n = bk_hmap_count(src);
    bk_arena *scratch = bk_arena_new(s->ctx->arena, "distinct", 0);
    bk_buf buf, keybuf;
    bk_buf_init(&buf);
    bk_buf_init(&keybuf);
    size_t *idx = bk_malloc(EXEC_CHUNK_ROWS * sizeof *idx);
    uint32_t *gid = bk_malloc(EXEC_CHUNK_ROWS * sizeof *gid);
    bk_str *vals = bk_malloc(EXEC_CHUNK_ROWS * sizeof *vals);
    uint64_t *orders = bk_malloc(EXEC_CHUNK_ROWS * sizeof *orders);
    bk_status rc = BK_OK;
    if (!scratch || !idx || !gid || !vals || !orders)
        rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a DISTINCT aggregate");
    size_t nb = 0;
    for (size_t e = 0; rc == BK_OK && e <= n; e++) {
        if (e < n) {
            bk_str key = bk_hmap_key(src, e);
            uint32_t g;
            memcpy(&g, key.ptr, 4);
            g = gmap[g];
            bk_buf_clear(&buf);
            if (bk_buf_append(&buf, &g, 4) != BK_OK ||
                bk_buf_append(&buf, key.ptr + 4, key.len - 4) != BK_OK) {
                rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a DISTINCT aggregate");
                break;
            }
            bool fresh;
            size_t at;
            if (bk_hmap_insert(dst, buf.data, buf.len, &at, &fresh) != BK_OK) {
                rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a DISTINCT aggregate");
                break;
            }
            if (!fresh) continue;
            idx[nb] = at;
            gid[nb] = g;
            orders[nb] = at;
            nb++;
        }
        if (nb == EXEC_CHUNK_ROWS || (e == n && nb)) {
            for (size_t i = 0; i < nb; i++) {
                bk_str key = bk_hmap_key(dst, idx[i]);
                vals[i] = (bk_str){key.ptr + 4, key.len - 4};
            }
            bk_vector *v;
            rc = exec_key_decode(scratch, &t, 1, vals, nb, &v, err);
            if (rc == BK_OK)
                rc = consume_column(s, into, k, gid, nb, v, NULL, 0, orders, &keybuf, err);
            bk_arena_reset(scratch);
            nb = 0;
        }
    }
    bk_free(idx);
    bk_free(gid);
    bk_free(vals);
    bk_free(orders);
    bk_buf_destroy(&buf);
    bk_buf_destroy(&keybuf);
    bk_arena_free(scratch);
    return rc;
}

typedef struct agg_local {
    agg_table table;
    uint32_t n_aggs;
    bk_cleanup cleanup; /* frees the table if the query stops before combining */
} agg_local;

static void local_cleanup(void *arg) {
    agg_local *l = arg;
    table_free(&l->table, l->n_aggs);
}

static bk_status agg_local_new(exec_sink *s, exec_worker *w, void **local, bk_error *err) {
    agg_state *st = s->state;
    agg_local *l = bk_arena_zalloc(w->arena, sizeof *l);
    if (!l) return bk_arena_oom(w->arena, err);
    l->n_aggs = st->n_aggs;
    l->cleanup.fn = local_cleanup;
    l->cleanup.arg = l;
    bk_arena_on_reset(w->arena, &l->cleanup);
    BK_TRY(table_init(&l->table, st->n_aggs, st->aggs, w->arena, err));
    *local = l;
    return BK_OK;
}

static bk_status agg_consume(exec_sink *s, exec_worker *w, void *local, const exec_chunk *c,
                             bk_error *err) {
    agg_state *st = s->state;
    agg_table *t = &((agg_local *)local)->table;
    size_t n = c->n;
    uint32_t *gid = bk_arena_array(w->scratch, n ? n : 1, sizeof *gid);
    bk_vector **keys = bk_arena_array(w->scratch, st->n_keys ? st->n_keys : 1, sizeof *keys);
    if (!gid || !keys) return bk_arena_oom(w->scratch, err);
    const uint32_t *key_cols = s->node->u.agg.keys;
    for (uint32_t k = 0; k < st->n_keys; k++) keys[k] = c->cols[key_cols[k]];
    for (size_t i = 0; i < n; i++) {
        if (exec_key_serialize(keys, st->n_keys, i, true, &w->keybuf) < 0)
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
        size_t idx;
        if (bk_hmap_insert(t->map, w->keybuf.data, w->keybuf.len, &idx, NULL) != BK_OK)
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
        gid[i] = (uint32_t)idx;
    }
    BK_TRY(table_reserve(t, st->n_aggs, bk_hmap_count(t->map), err));
    BK_TRY(check_memory(s, t, st->n_aggs, err));
    for (uint32_t k = 0; k < st->n_aggs; k++) {
        const exec_agg *agg = &st->aggs[k];
        const bk_vector *v = agg->kind == EXEC_AGG_COUNT_STAR ? NULL : c->cols[agg->column];
        if (dedup(agg)) {
            BK_TRY(distinct_insert(t, k, gid, n, v, &w->keybuf, err));
            continue;
        }
        const bk_vector *v2 = exec_agg_uses_column2(agg) ? c->cols[agg->column2] : NULL;
        BK_TRY(consume_column(s, t, k, gid, n, v, v2, w->morsel, NULL, &w->keybuf, err));
    }
    return BK_OK;
}

static bk_status agg_combine(exec_sink *s, exec_worker *w, void *local, bk_error *err) {
    (void)w;
    agg_state *st = s->state;
    agg_table *from = &((agg_local *)local)->table;
    agg_table *into = &st->global;
    size_t n = bk_hmap_count(from->map);
    bk_status rc = BK_OK;
    uint32_t *gmap = bk_malloc((n ? n : 1) * sizeof *gmap);
    if (!gmap) rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
    for (size_t g = 0; g < n && rc == BK_OK; g++) {
        bk_str key = bk_hmap_key(from->map, g);
        size_t idx;
        if (bk_hmap_insert(into->map, key.ptr, key.len, &idx, NULL) != BK_OK) {
            rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
            break;
        }
        gmap[g] = (uint32_t)idx;
        rc = table_reserve(into, st->n_aggs, idx + 1, err);
        for (uint32_t k = 0; k < st->n_aggs && rc == BK_OK; k++) {
            const exec_agg *agg = &st->aggs[k];
            if (dedup(agg)) continue; /* folded from the distinct set below */
            if (exec_agg_is_ext(agg->kind))
                rc = exec_agg_ext_merge(s->ctx, &into->ext[k], agg, input_type(s, k),
                                        input_type2(s, k), &into->slots[k][idx],
                                        &from->slots[k][g], err);
            else
                rc = merge(s, into, agg, input_type(s, k), &into->slots[k][idx],
                           &from->slots[k][g], err);
        }
    }
    for (uint32_t k = 0; k < st->n_aggs && rc == BK_OK; k++) {
        if (dedup(&st->aggs[k]))
            rc = distinct_merge(s, into, from, k, gmap, err);
        else if (exec_agg_is_log(st->aggs[k].kind))
            rc = exec_agg_log_merge(&into->ext[k], &from->ext[k], gmap, err);
    }
    bk_free(gmap);
    if (rc == BK_OK) rc = check_memory(s, into, st->n_aggs, err);
    table_free(from, st->n_aggs);
    return rc;
}

/*
 * SUM or AVG of decimals into row g of v: the sum at the input scale, or the
 * mean rounded half up to the result scale; out of the result precision is
 * NUMERIC_VALUE_OUT_OF_RANGE in ANSI mode, else NULL (as Spark).
 */
static bk_status decimal_result(exec_sink *s, const exec_agg *agg, uint32_t k, const slot *sl,
                                bk_vector *v, size_t g, bk_error *err) {
    const bk_type *rt = agg->type;
    int in_scale = input_type(s, k)->scale;
    bk_i128 r = sl->v.w;
    bool ok = true;
    if (agg->kind == EXEC_AGG_AVG) {
        bk_i128 num;
        ok = bk_i128_mul_pow10(sl->v.w, rt->scale - in_scale, &num) &&
             bk_i128_div_round(num, bk_i128_from_i64(sl->count), &r);
    } else {
        ok = bk_i128_rescale(sl->v.w, in_scale, rt->scale, &r);
    }
    ok = ok && bk_i128_fits_precision(r, rt->precision);
    if (!ok) {
        if (s->ctx->ansi)
            return bk_error_set(err, BK_NUMERIC_VALUE_OUT_OF_RANGE,
                                "The result cannot be represented as Decimal(%d, %d). If "
                                "necessary set \"spark.sql.ansi.enabled\" to \"false\" to "
                                "bypass this error, and return NULL instead.",
                                rt->precision, rt->scale);
        return exec_fn_set_null(s->ctx->arena, v, g, err);
    }
    if (rt->precision <= BK_DECIMAL_INT64_MAX_PRECISION)
        ((int64_t *)v->data)[g] = bk_i128_low_i64(r);
    else
        ((bk_i128 *)v->data)[g] = r;
    return BK_OK;
}

/* The result of aggregate k for groups [first, first+n) into a vector. */
static bk_status result_column(exec_sink *s, uint32_t k, const slot *slots, size_t n,
                               bk_vector **out, bk_error *err) {
    agg_state *st = s->state;
    const exec_agg *agg = &st->aggs[k];
    bk_arena *a = s->ctx->arena;
    bk_vector *v = bk_vector_make(a, agg->type, n);
    if (!v) return bk_arena_oom(a, err);
    for (size_t g = 0; g < n; g++) {
        const slot *sl = &slots[g];
        if (agg->kind == EXEC_AGG_COUNT || agg->kind == EXEC_AGG_COUNT_STAR) {
            ((int64_t *)v->data)[g] = sl->count;
            continue;
        }
        if (!sl->has) {
            BK_TRY(exec_fn_set_null(a, v, g, err));
            continue;
        }
        if (agg->type->kind == BK_TYPE_DECIMAL && agg->kind != EXEC_AGG_MIN &&
            agg->kind != EXEC_AGG_MAX) {
            BK_TRY(decimal_result(s, agg, k, sl, v, g, err));
        } else if (agg->kind == EXEC_AGG_AVG) {
            ((double *)v->data)[g] = sl->v.d / (double)sl->count;
        } else if (agg->kind == EXEC_AGG_SUM) {
            if (agg->type->kind == BK_TYPE_DOUBLE)
                ((double *)v->data)[g] = sl->v.d;
            else
                ((int64_t *)v->data)[g] = sl->v.i;
        } else {
            size_t w = bk_type_width(agg->type);
            memcpy((uint8_t *)v->data + g * w, sl->v.raw, w);
        }
    }
    if (agg->kind == EXEC_AGG_MIN || agg->kind == EXEC_AGG_MAX) {
        if (!bk_vector_own_strings(a, v)) return bk_arena_oom(a, err);
    }
    *out = v;
    return BK_OK;
}

static bk_status agg_finish(exec_sink *s, exec_table **out, bk_error *err) {
    agg_state *st = s->state;
    agg_table *t = &st->global;
    bk_arena *a = s->ctx->arena;
    size_t n_groups = bk_hmap_count(t->map);
    if (n_groups == 0 && st->n_keys == 0) {
        /* a global aggregate over no rows: one row of empty states */
        size_t idx;
        if (bk_hmap_insert(t->map, "", 0, &idx, NULL) != BK_OK)
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
        BK_TRY(table_reserve(t, st->n_aggs, 1, err));
        n_groups = 1;
    }
    exec_table *res = exec_table_make(a, s->node->schema);
    if (!res) return bk_arena_oom(a, err);
    uint32_t n_cols = st->n_keys + st->n_aggs;
    const bk_type **key_types = bk_arena_array(a, st->n_keys ? st->n_keys : 1, sizeof *key_types);
    bk_str *keys = bk_arena_array(a, EXEC_CHUNK_ROWS, sizeof *keys);
    if (!key_types || !keys) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < st->n_keys; k++) key_types[k] = s->node->schema->children[k];
    /* the agg_int.h kinds give all groups' results at once */
    size_t n_ext = st->n_aggs ? st->n_aggs : 1;
    bk_vector **ext_results = bk_arena_zalloc(a, n_ext * sizeof *ext_results);
    if (!ext_results) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < st->n_aggs; k++)
        if (exec_agg_is_ext(st->aggs[k].kind))
            BK_TRY(exec_agg_ext_result(s->ctx, &st->aggs[k], input_type(s, k), &t->ext[k],
                                       t->slots[k], n_groups, &ext_results[k], err));
    for (size_t first = 0; first < n_groups; first += EXEC_CHUNK_ROWS) {
        size_t n = BK_MIN((size_t)EXEC_CHUNK_ROWS, n_groups - first);
        exec_chunk c = {.n = n, .n_cols = n_cols};
        c.cols = bk_arena_array(a, n_cols ? n_cols : 1, sizeof *c.cols);
        if (!c.cols) return bk_arena_oom(a, err);
        for (size_t g = 0; g < n; g++) keys[g] = bk_hmap_key(t->map, first + g);
        BK_TRY(exec_key_decode(a, key_types, st->n_keys, keys, n, c.cols, err));
        for (uint32_t k = 0; k < st->n_aggs; k++) {
            if (ext_results[k]) {
                c.cols[st->n_keys + k] = exec_vector_slice(a, ext_results[k], first, n);
                if (!c.cols[st->n_keys + k]) return bk_arena_oom(a, err);
                continue;
            }
            BK_TRY(result_column(s, k, t->slots[k] + first, n, &c.cols[st->n_keys + k], err));
        }
        BK_TRY(exec_table_push(res, &c, err));
    }
    *out = res;
    return BK_OK;
}

static void agg_destroy(exec_sink *s) {
    agg_state *st = s->state;
    table_free(&st->global, st->n_aggs);
}

bk_status exec_agg_sink(exec_ctx *ctx, exec_node *node, exec_sink *s, bk_error *err) {
    agg_state *st = bk_arena_zalloc(ctx->arena, sizeof *st);
    if (!st) return bk_arena_oom(ctx->arena, err);
    st->n_keys = node->u.agg.n_keys;
    st->n_aggs = node->u.agg.n_aggs;
    st->aggs = node->u.agg.aggs;
    BK_TRY(table_init(&st->global, st->n_aggs, st->aggs, ctx->arena, err));
    s->node = node;
    s->ctx = ctx;
    s->state = st;
    s->local_new = agg_local_new;
    s->consume = agg_consume;
    s->combine = agg_combine;
    s->finish = agg_finish;
    s->destroy = agg_destroy;
    return BK_OK;
}
