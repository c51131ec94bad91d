/*
 * op_agg.c — the hash aggregate sink: GROUP BY keys with COUNT, SUM, AVG, MIN, MAX.
 *
 * Two phases, as in every parallel engine: each worker aggregates the chunks it
 * sees into its own hash table (no locks), then the tables are merged into one
 * when the input ends.  Each worker's table is split into partitions by the
 * key hash (GROUP BY only), so that the merge runs one partition per task in
 * parallel.  Keys are hashed a column at a time and numbered by a group table
 * (groups.c); each aggregate keeps an array of slots indexed by group number.
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
#include "engine/exec/exec_int.h"
#include "engine/exec/fn_common.h"

typedef struct slot {
    int64_t count; /* rows (COUNT_STAR) or non-NULL values seen */
    union {
        int64_t i;
        double d;
        bk_i128 w;
        bk_str s;
        uint8_t raw[16];
    } v;
    bool has; /* v holds a value (SUM/MIN/MAX) */
} slot;

#define AGG_PARTITIONS 16 /* per worker, with GROUP BY keys; a power of two */

typedef struct agg_table {
    exec_groups groups;
    slot **slots; /* per aggregate: cap slots */
    size_t cap;
    bk_arena *strings; /* key bytes and MIN/MAX string values */
} agg_table;

/* One worker's tables: n_parts partitions by key hash. */
typedef struct agg_local {
    agg_table *parts;
    uint32_t n_parts, n_aggs;
    bk_cleanup cleanup; /* frees the tables when the query's arenas go */
} agg_local;

typedef struct agg_state {
    uint32_t n_keys, n_aggs, n_parts;
    const exec_agg *aggs;
    const bk_type **key_types;
    agg_local **locals; /* every worker's, after combine */
    uint32_t n_locals;
    agg_local *empty; /* a global aggregate's table when no worker saw a row */
} agg_state;

/* The type aggregate k reads (BIGINT for COUNT(*)). */
static const bk_type *input_type(const exec_sink *s, uint32_t k) {
    const exec_agg *agg = &((agg_state *)s->state)->aggs[k];
    if (agg->kind == EXEC_AGG_COUNT_STAR) return bk_type_scalar(BK_TYPE_BIGINT);
    return s->node->child->schema->children[agg->column];
}

static void table_free(agg_table *t, uint32_t n_aggs) {
    exec_groups_destroy(&t->groups);
    if (t->slots)
        for (uint32_t k = 0; k < n_aggs; k++) bk_free(t->slots[k]);
    bk_free(t->slots);
    t->slots = NULL;
}

static bk_status table_init(agg_table *t, const agg_state *st, bk_arena *strings, bk_error *err) {
    memset(t, 0, sizeof *t);
    t->strings = strings;
    BK_TRY(exec_groups_init(&t->groups, st->key_types, st->n_keys, strings, err));
    t->slots = bk_calloc(st->n_aggs ? st->n_aggs : 1, sizeof *t->slots);
    if (!t->slots) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
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

/* The heap memory of a worker's tables against the query's limit. */
static bk_status check_memory(exec_sink *sk, const agg_local *l, bk_error *err) {
    size_t limit = sk->ctx->memory_limit;
    if (!limit) return BK_OK;
    size_t used = 0, groups = 0;
    for (uint32_t p = 0; p < l->n_parts; p++) {
        used += exec_groups_memory(&l->parts[p].groups) +
                l->parts[p].cap * l->n_aggs * sizeof(slot);
        groups += l->parts[p].groups.count;
    }
    if (used <= limit) return BK_OK;
    return bk_error_set(err, BK_OUT_OF_MEMORY,
                        "the hash aggregate needs more than the query memory limit of %zu bytes "
                        "(%zu groups so far); raise bricks.memory_limit or group by fewer keys",
                        limit, groups);
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
    }
    return BK_OK;
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

static void local_cleanup(void *arg) {
    agg_local *l = arg;
    for (uint32_t p = 0; p < l->n_parts; p++) table_free(&l->parts[p], l->n_aggs);
}

/* A worker's (or the empty global) tables, each partition with its own string arena. */
static bk_status local_make(exec_sink *s, bk_arena *a, agg_local **out, bk_error *err) {
    agg_state *st = s->state;
    agg_local *l = bk_arena_zalloc(a, sizeof *l);
    if (!l) return bk_arena_oom(a, err);
    l->parts = bk_arena_zalloc(a, st->n_parts * sizeof *l->parts);
    if (!l->parts) return bk_arena_oom(a, err);
    l->n_aggs = st->n_aggs;
    l->cleanup.fn = local_cleanup;
    l->cleanup.arg = l;
    bk_arena_on_reset(a, &l->cleanup);
    for (uint32_t p = 0; p < st->n_parts; p++) {
        bk_arena *strings = bk_arena_new(a, "aggregate strings", 0);
        if (!strings) return bk_arena_oom(a, err);
        l->n_parts = p + 1;
        BK_TRY(table_init(&l->parts[p], st, strings, err));
    }
    *out = l;
    return BK_OK;
}

static bk_status agg_local_new(exec_sink *s, exec_worker *w, void **local, bk_error *err) {
    agg_local *l;
    BK_TRY(local_make(s, w->arena, &l, err));
    *local = l;
    return BK_OK;
}

/* Fold rows rows[0..n) (all rows when rows is NULL; gid[i] the group of the
 * i-th) of chunk c into table t. */
static bk_status fold_rows(exec_sink *s, agg_table *t, const exec_chunk *c, const uint32_t *rows,
                           const uint32_t *gid, size_t n, bk_error *err) {
    agg_state *st = s->state;
    BK_TRY(table_reserve(t, st->n_aggs, t->groups.count, err));
    for (uint32_t k = 0; k < st->n_aggs; k++) {
        const exec_agg *agg = &st->aggs[k];
        slot *slots = t->slots[k];
        if (agg->kind == EXEC_AGG_COUNT_STAR) {
            for (size_t i = 0; i < n; i++) slots[gid[i]].count++;
            continue;
        }
        const bk_vector *v = c->cols[agg->column];
        for (size_t i = 0; i < n; i++) {
            size_t row = rows ? rows[i] : i;
            if (!bk_vector_is_valid(v, row)) continue;
            BK_TRY(fold(s, t, agg, &slots[gid[i]], v, row, err));
        }
    }
    return BK_OK;
}

static bk_status agg_consume(exec_sink *s, exec_worker *w, void *local, const exec_chunk *c,
                             bk_error *err) {
    agg_state *st = s->state;
    agg_local *l = local;
    size_t n = c->n;
    bk_arena *a = w->scratch;
    uint32_t *gid = bk_arena_array(a, n ? n : 1, sizeof *gid);
    uint64_t *hash = bk_arena_array(a, n ? n : 1, sizeof *hash);
    bk_vector **keys = bk_arena_array(a, st->n_keys ? st->n_keys : 1, sizeof *keys);
    if (!gid || !hash || !keys) return bk_arena_oom(a, err);
    const uint32_t *key_cols = s->node->u.agg.keys;
    for (uint32_t k = 0; k < st->n_keys; k++) keys[k] = c->cols[key_cols[k]];
    exec_keys_hash(keys, st->n_keys, n, hash, NULL);
    if (st->n_parts == 1) {
        BK_TRY(exec_groups_insert(&l->parts[0].groups, keys, hash, NULL, n, gid, err));
        BK_TRY(fold_rows(s, &l->parts[0], c, NULL, gid, n, err));
        return check_memory(s, l, err);
    }
    /* scatter the rows by partition (the hash's top bits), then each partition in turn */
    uint32_t *rows = bk_arena_array(a, n ? n : 1, sizeof *rows);
    uint8_t *part = bk_arena_alloc(a, n ? n : 1);
    if (!rows || !part) return bk_arena_oom(a, err);
    size_t start[AGG_PARTITIONS + 1] = {0};
    for (size_t i = 0; i < n; i++) {
        part[i] = (uint8_t)(hash[i] >> 60);
        start[part[i] + 1]++;
    }
    for (uint32_t p = 0; p < AGG_PARTITIONS; p++) start[p + 1] += start[p];
    size_t fill[AGG_PARTITIONS];
    memcpy(fill, start, sizeof fill);
    for (size_t i = 0; i < n; i++) rows[fill[part[i]]++] = (uint32_t)i;
    for (uint32_t p = 0; p < AGG_PARTITIONS; p++) {
        size_t m = start[p + 1] - start[p];
        if (!m) continue;
        const uint32_t *pr = rows + start[p];
        BK_TRY(exec_groups_insert(&l->parts[p].groups, keys, hash, pr, m, gid, err));
        BK_TRY(fold_rows(s, &l->parts[p], c, pr, gid, m, err));
    }
    return check_memory(s, l, err);
}

/* Remember each worker's tables (called once per worker, serially); finish merges them. */
static bk_status agg_combine(exec_sink *s, exec_worker *w, void *local, bk_error *err) {
    (void)w;
    agg_state *st = s->state;
    agg_local **grown = bk_arena_array(s->ctx->arena, st->n_locals + 1, sizeof *grown);
    if (!grown) return bk_arena_oom(s->ctx->arena, err);
    if (st->n_locals) memcpy(grown, st->locals, st->n_locals * sizeof *grown);
    grown[st->n_locals++] = local;
    st->locals = grown;
    return BK_OK;
}

/* Merge table `from` into `into` (the same partition of two workers). */
static bk_status table_merge(exec_sink *s, agg_table *into, const agg_table *from, bk_error *err) {
    agg_state *st = s->state;
    size_t n = from->groups.count;
    if (!n) return BK_OK;
    uint32_t *map = bk_malloc(n * sizeof *map);
    if (!map) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
    bk_status rc = exec_groups_insert(&into->groups, from->groups.keys, from->groups.hashes, NULL,
                                      n, map, err);
    if (rc == BK_OK) rc = table_reserve(into, st->n_aggs, into->groups.count, err);
    for (uint32_t k = 0; k < st->n_aggs && rc == BK_OK; k++) {
        const bk_type *in_type = input_type(s, k);
        for (size_t g = 0; g < n && rc == BK_OK; g++)
            rc = merge(s, into, &st->aggs[k], in_type, &into->slots[k][map[g]],
                       &from->slots[k][g], err);
    }
    bk_free(map);
    return rc;
}

typedef struct merge_job {
    exec_sink *s;
    bk_mutex *lock;
    bk_status rc;
    bk_error err;
} merge_job;

/* Partition p of every worker into worker 0's partition p (one task per partition). */
static void merge_task(void *arg, size_t p, int worker) {
    (void)worker;
    merge_job *job = arg;
    agg_state *st = job->s->state;
    bk_error err;
    bk_error_clear(&err);
    bk_status rc = BK_OK;
    for (uint32_t i = 1; i < st->n_locals && rc == BK_OK; i++) {
        rc = table_merge(job->s, &st->locals[0]->parts[p], &st->locals[i]->parts[p], &err);
        table_free(&st->locals[i]->parts[p], st->n_aggs);
    }
    if (rc != BK_OK) {
        bk_mutex_lock(job->lock);
        if (job->rc == BK_OK) {
            job->rc = rc;
            job->err = err;
        }
        bk_mutex_unlock(job->lock);
    }
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
    bk_arena *a = s->ctx->arena;
    if (st->n_locals > 1) {
        merge_job job = {.s = s, .lock = bk_mutex_new(), .rc = BK_OK};
        if (!job.lock)
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
        bk_error_clear(&job.err);
        bk_pool_run(s->ctx->pool, st->n_parts, merge_task, &job);
        bk_mutex_free(job.lock);
        if (job.rc != BK_OK) {
            *err = job.err;
            return job.rc;
        }
    }
    agg_local *l = st->n_locals ? st->locals[0] : NULL;
    size_t total = 0;
    for (uint32_t p = 0; l && p < l->n_parts; p++) total += l->parts[p].groups.count;
    if (total == 0 && st->n_keys == 0) {
        /* a global aggregate over no rows: one row of empty states */
        if (!l) {
            BK_TRY(local_make(s, a, &st->empty, err));
            l = st->empty;
        }
        uint64_t h = 0;
        uint32_t g;
        BK_TRY(exec_groups_insert(&l->parts[0].groups, NULL, &h, NULL, 1, &g, err));
        BK_TRY(table_reserve(&l->parts[0], st->n_aggs, 1, err));
    }
    exec_table *res = exec_table_make(a, s->node->schema);
    if (!res) return bk_arena_oom(a, err);
    uint32_t n_cols = st->n_keys + st->n_aggs;
    for (uint32_t p = 0; l && p < l->n_parts; p++) {
        agg_table *t = &l->parts[p];
        for (size_t first = 0; first < t->groups.count; first += EXEC_CHUNK_ROWS) {
            size_t n = BK_MIN((size_t)EXEC_CHUNK_ROWS, t->groups.count - first);
            exec_chunk c = {.n = n, .n_cols = n_cols};
            c.cols = bk_arena_array(a, n_cols ? n_cols : 1, sizeof *c.cols);
            if (!c.cols) return bk_arena_oom(a, err);
            BK_TRY(exec_groups_keys(a, &t->groups, first, n, c.cols, err));
            for (uint32_t k = 0; k < st->n_aggs; k++)
                BK_TRY(result_column(s, k, t->slots[k] + first, n, &c.cols[st->n_keys + k], err));
            BK_TRY(exec_table_push(res, &c, err));
        }
    }
    *out = res;
    return BK_OK;
}

bk_status exec_agg_sink(exec_ctx *ctx, exec_node *node, exec_sink *s, bk_error *err) {
    agg_state *st = bk_arena_zalloc(ctx->arena, sizeof *st);
    if (!st) return bk_arena_oom(ctx->arena, err);
    st->n_keys = node->u.agg.n_keys;
    st->n_aggs = node->u.agg.n_aggs;
    st->aggs = node->u.agg.aggs;
    st->n_parts = st->n_keys ? AGG_PARTITIONS : 1;
    st->key_types = bk_arena_array(ctx->arena, st->n_keys ? st->n_keys : 1, sizeof *st->key_types);
    if (!st->key_types) return bk_arena_oom(ctx->arena, err);
    for (uint32_t k = 0; k < st->n_keys; k++)
        st->key_types[k] = node->child->schema->children[node->u.agg.keys[k]];
    s->node = node;
    s->ctx = ctx;
    s->state = st;
    s->local_new = agg_local_new;
    s->consume = agg_consume;
    s->combine = agg_combine;
    s->finish = agg_finish;
    return BK_OK;
}
