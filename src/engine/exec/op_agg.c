/*
 * op_agg.c — the hash aggregate sink: GROUP BY keys with COUNT, SUM, AVG, MIN, MAX.
 *
 * Two phases, as in every parallel engine: each worker aggregates the chunks it
 * sees into its own hash table (no locks), then the tables are merged into one
 * when the input ends.  With GROUP BY keys each worker's table is split into
 * partitions by key hash, so that the merge runs one partition per task in
 * parallel; when every aggregate is a plain COUNT/SUM/AVG/MIN/MAX the split
 * waits until the table has AGG_SPLIT_GROUPS groups (a few groups, as TPC-H
 * q1's four, then cost no scatter of the rows and no copies of their values).
 * Keys are hashed a column at a time and numbered by a group table (groups.c);
 * each aggregate keeps an array of slots indexed by group number, except that
 * SUM and AVG of one column share theirs (slot_twins).
 *
 * Semantics (Spark's): COUNT(*) counts rows, COUNT(x) non-NULL values; SUM of
 * integers is BIGINT (ARITHMETIC_OVERFLOW in ANSI mode, wrapping otherwise), of
 * FLOAT/DOUBLE a DOUBLE; AVG is a DOUBLE, of DECIMAL(p,s) a DECIMAL(p+4,s+4)
 * (both at most 38).  DECIMAL sums are exact in 128 bits; one that overflows
 * them is ARITHMETIC_OVERFLOW in ANSI mode and NULL otherwise.  SUM, AVG, MIN
 * and MAX of no values are NULL; an aggregate without GROUP BY returns one row
 * even for empty input.
 */
#include <string.h>

#include "base/i128.h"
#include "base/mem.h"
#include "base/str.h"
#include "engine/exec/agg_int.h"
#include "engine/exec/fn_common.h"

typedef agg_slot slot;

#define AGG_PARTITIONS 16 /* per worker, with GROUP BY keys; a power of two */
#define AGG_SPLIT_GROUPS 16384 /* an adaptive worker table splits into partitions past this */

typedef struct agg_table {
    exec_groups groups;
    slot **slots; /* per aggregate: cap slots */
    size_t cap;
    bk_arena *strings;  /* this table's: key bytes, MIN/MAX string values, ext state */
    agg_ext_store *ext; /* per aggregate: the state of the agg_int.h kinds */
    bk_hmap **dsets;    /* per DISTINCT aggregate: [u32 group][value key] pairs seen, else NULL */
} agg_table;

/*
 * One worker's tables: n_parts partitions by key hash, each with its own arena.
 * Until `split`, an adaptive aggregate (agg_state) keeps every group in parts[0]
 * and leaves the others empty: a few groups need no scatter of the rows.
 */
typedef struct agg_local {
    agg_table *parts;
    uint32_t n_parts, n_aggs;
    bool split; /* rows go to the partition of their hash */
    bk_cleanup cleanup; /* frees the tables when the query's arenas go */
} agg_local;

typedef struct agg_state {
    uint32_t n_keys, n_aggs, n_parts;
    const exec_agg *aggs;
    const bk_type **key_types;     /* as grouped: BINARY for nested keys */
    const bk_type **out_key_types; /* as output */
    agg_local **locals; /* every worker's, after combine */
    uint32_t n_locals;
    agg_local *empty; /* a global aggregate's table when no worker saw a row */
    bool adaptive;    /* GROUP BY with COUNT/SUM/AVG/MIN/MAX only: worker tables split late */
    uint32_t *slots_of; /* per aggregate: whose slots hold its state (itself, or a twin's) */
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
    exec_groups_destroy(&t->groups);
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

static bk_status table_init(agg_table *t, const agg_state *st, bk_arena *strings, bk_error *err) {
    memset(t, 0, sizeof *t);
    uint32_t n_aggs = st->n_aggs;
    BK_TRY(exec_groups_init(&t->groups, st->key_types, st->n_keys, strings, err));
    t->slots = bk_calloc(n_aggs ? n_aggs : 1, sizeof *t->slots);
    t->ext = bk_calloc(n_aggs ? n_aggs : 1, sizeof *t->ext);
    t->dsets = bk_calloc(n_aggs ? n_aggs : 1, sizeof *t->dsets);
    t->strings = strings;
    if (!t->slots || !t->ext || !t->dsets)
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
    for (uint32_t k = 0; k < n_aggs; k++) {
        t->ext[k].arena = strings;
        bk_buf_init(&t->ext[k].log);
        if (dedup(&st->aggs[k]) && !(t->dsets[k] = bk_hmap_new(true)))
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
    }
    return BK_OK;
}

/* Room for `groups` groups in every slot array (new slots zeroed); a twin has none. */
static bk_status table_reserve(agg_table *t, const agg_state *st, size_t groups, bk_error *err) {
    if (groups <= t->cap) return BK_OK;
    size_t cap = t->cap ? t->cap * 2 : 1024;
    while (cap < groups) cap *= 2;
    for (uint32_t k = 0; k < st->n_aggs; k++) {
        if (st->slots_of[k] != k) continue; /* reads its twin's (slot_twins) */
        slot *s = bk_realloc(t->slots[k], cap * sizeof *s);
        if (!s) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
        memset(s + t->cap, 0, (cap - t->cap) * sizeof *s);
        t->slots[k] = s;
    }
    t->cap = cap;
    return BK_OK;
}

/* Heap bytes of one table (its arena is counted by the arena limit). */
static size_t table_memory(const agg_table *t, uint32_t n_aggs) {
    size_t used = exec_groups_memory(&t->groups);
    for (uint32_t k = 0; k < n_aggs; k++) {
        if (t->slots[k]) used += t->cap * sizeof(slot);
        used += t->ext[k].log.cap;
        if (t->dsets[k]) used += bk_hmap_memory(t->dsets[k]);
    }
    return used;
}

/* `used` bytes (over `groups` groups) against the query's limit. */
static bk_status check_memory(exec_sink *sk, size_t used, size_t groups, bk_error *err) {
    size_t limit = sk->ctx->memory_limit;
    if (!limit || used <= limit) return BK_OK;
    return bk_error_set(err, BK_OUT_OF_MEMORY,
                        "the hash aggregate needs more than the query memory limit of %zu bytes "
                        "(%zu groups so far); raise bricks.memory_limit or group by fewer keys",
                        limit, groups);
}

static bk_status check_local_memory(exec_sink *sk, const agg_local *l, bk_error *err) {
    size_t used = 0, groups = 0;
    for (uint32_t p = 0; p < l->n_parts; p++) {
        used += table_memory(&l->parts[p], l->n_aggs);
        groups += l->parts[p].groups.count;
    }
    return check_memory(sk, used, groups, err);
}

/* acc += x, wrapping; false when the 128-bit sum overflows (inlined: the decimal loops). */
static inline bool add_i128(bk_i128 *acc, bk_i128 x) {
    uint64_t lo = acc->lo + x.lo;
    int64_t hi = (int64_t)((uint64_t)acc->hi + (uint64_t)x.hi + (lo < acc->lo));
    if ((acc->hi < 0) == (x.hi < 0) && (hi < 0) != (acc->hi < 0)) return false;
    acc->lo = lo;
    acc->hi = hi;
    return true;
}

/*
 * A decimal x into the sum of slot s: an error in ANSI mode when the sum
 * overflows, else the slot's sum becomes NULL for good (Spark's legacy mode).
 */
static inline bk_status dec_add(exec_sink *sk, slot *s, bk_i128 x, bk_error *err) {
    if (s->overflow || add_i128(&s->v.w, x)) return BK_OK;
    if (sk->ctx->ansi) return exec_agg_decimal_overflow(err);
    s->overflow = true;
    return BK_OK;
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
            BK_TRY(dec_add(sk, s, x, err));
            break;
        }
        case BK_TYPE_INTERVAL_YM:
        case BK_TYPE_INTERVAL_DT: { /* SUM and AVG: the exact sum in v.i */
            bk_type_kind k = v->type->kind;
            int64_t x = k == BK_TYPE_INTERVAL_YM ? ((const int32_t *)v->data)[row]
                                                 : ((const int64_t *)v->data)[row];
            if (__builtin_add_overflow(s->v.i, x, &s->v.i) || !exec_agg_interval_fits(k, s->v.i))
                return exec_agg_interval_overflow(err);
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
        if (in_type->kind == BK_TYPE_INTERVAL_YM || in_type->kind == BK_TYPE_INTERVAL_DT) {
            if (__builtin_add_overflow(into->v.i, from->v.i, &into->v.i) ||
                !exec_agg_interval_fits(in_type->kind, into->v.i))
                return exec_agg_interval_overflow(err);
        } else if (in_type->kind == BK_TYPE_DECIMAL) {
            if (from->overflow)
                into->overflow = true;
            else
                BK_TRY(dec_add(sk, into, from->v.w, err));
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

/* The typed loops of a fast path: `body` folds value x of row ROW(i) into slot sl. */
#define ROW(i) (rows ? rows[i] : (i))
#define FOLD_LOOP(T, body)                                                                         \
    do {                                                                                           \
        const T *x_ = v->data;                                                                     \
        for (size_t i = 0; i < n; i++) {                                                           \
            size_t r_ = ROW(i);                                                                    \
            if (v->validity && !bk_vector_is_valid(v, r_)) continue;                               \
            slot *sl = &slots[gid[i]];                                                             \
            T x = x_[r_];                                                                          \
            body;                                                                                  \
        }                                                                                          \
    } while (0)

#define MINMAX_LOOP(T)                                                                             \
    do {                                                                                           \
        bool is_min = agg->kind == EXEC_AGG_MIN;                                                   \
        FOLD_LOOP(T, {                                                                             \
            T cur;                                                                                 \
            memcpy(&cur, sl->v.raw, sizeof cur);                                                   \
            sl->count++;                                                                           \
            if (!sl->has || (is_min ? x < cur : x > cur)) {                                        \
                memcpy(sl->v.raw, &x, sizeof x);                                                   \
                sl->has = true;                                                                    \
            }                                                                                      \
        });                                                                                        \
    } while (0)

/*
 * COUNT, SUM, AVG, MIN and MAX of the common types without a call per row;
 * false when the aggregate or type has no fast path (fold handles it).  The
 * results equal fold's: the same slot fields, the same overflow errors.
 * Position i folds row rows[i] of v (row i when rows is NULL) into slots[gid[i]];
 * inlined twice, so that the loops without `rows` test nothing for it.
 */
static inline __attribute__((always_inline)) bool fold_fast(exec_sink *s, const exec_agg *agg,
                                                            slot *slots, const uint32_t *gid,
                                                            const uint32_t *rows, size_t n,
                                                            const bk_vector *v, bk_status *rc,
                                                            bk_error *err) {
    *rc = BK_OK;
    bk_type_kind kind = v->type->kind;
    bool small_dec =
        kind == BK_TYPE_DECIMAL && v->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION;
    switch (agg->kind) {
    case EXEC_AGG_COUNT:
        for (size_t i = 0; i < n; i++)
            if (!v->validity || bk_vector_is_valid(v, ROW(i))) slots[gid[i]].count++;
        return true;
    case EXEC_AGG_SUM:
    case EXEC_AGG_AVG:
        if (kind == BK_TYPE_DOUBLE) {
            FOLD_LOOP(double, {
                sl->count++;
                sl->v.d += x;
                sl->has = true;
            });
            return true;
        }
        if (small_dec) {
            /*
             * One add moves the high word by at most 1, so while it stays within
             * +-2^62 no add can overflow: only sums past about 8.5e37 take dec_add.
             */
            FOLD_LOOP(int64_t, {
                sl->count++;
                sl->has = true;
                uint64_t lo = sl->v.w.lo + (uint64_t)x;
                uint64_t hi = (uint64_t)sl->v.w.hi + (x < 0 ? UINT64_MAX : 0);
                hi += lo < (uint64_t)x; /* the carry */
                if (hi + (UINT64_C(1) << 62) < (UINT64_C(1) << 63)) {
                    sl->v.w.lo = lo;
                    sl->v.w.hi = (int64_t)hi;
                } else if ((*rc = dec_add(s, sl, bk_i128_from_i64(x), err)) != BK_OK) {
                    return true;
                }
            });
            return true;
        }
        if (kind == BK_TYPE_DECIMAL) {
            FOLD_LOOP(bk_i128, {
                sl->count++;
                sl->has = true;
                if ((*rc = dec_add(s, sl, x, err)) != BK_OK) return true;
            });
            return true;
        }
        if (kind == BK_TYPE_BIGINT || kind == BK_TYPE_INT) {
            bool avg = agg->kind == EXEC_AGG_AVG, ansi = s->ctx->ansi;
            for (size_t i = 0; i < n; i++) {
                size_t r = ROW(i);
                if (v->validity && !bk_vector_is_valid(v, r)) continue;
                slot *sl = &slots[gid[i]];
                int64_t x = kind == BK_TYPE_BIGINT ? ((const int64_t *)v->data)[r]
                                                   : ((const int32_t *)v->data)[r];
                sl->count++;
                sl->has = true;
                if (avg) {
                    sl->v.d += (double)x;
                } else if (__builtin_add_overflow(sl->v.i, x, &sl->v.i) && ansi) {
                    *rc = exec_fn_overflow(err, "long", "try_sum");
                    return true;
                }
            }
            return true;
        }
        return false;
    case EXEC_AGG_MIN:
    case EXEC_AGG_MAX:
        if (kind == BK_TYPE_INT || kind == BK_TYPE_DATE) {
            MINMAX_LOOP(int32_t);
            return true;
        }
        if (kind == BK_TYPE_BIGINT || kind == BK_TYPE_TIMESTAMP || kind == BK_TYPE_TIMESTAMP_NTZ ||
            small_dec) {
            MINMAX_LOOP(int64_t);
            return true;
        }
        return false; /* doubles (NaN orders last in Spark), strings: fold */
    default:
        return false;
    }
}

/*
 * DECIMAL SUM / AVG into few groups (at most PARTIAL_GROUPS, a quarter of the
 * rows or fewer): each row adds to its group's 64-bit partial sum and count, and
 * each group's slot takes one 128-bit add per chunk instead of one per row.
 * False when a value or a partial sum leaves 64 bits: nothing was folded and the
 * caller folds row by row.  The sums are exact, so the order does not matter.
 */
#define PARTIAL_GROUPS 256
static inline __attribute__((always_inline)) bool fold_partials(exec_sink *s, slot *slots,
                                                                size_t n_groups,
                                                                const uint32_t *gid,
                                                                const uint32_t *rows, size_t n,
                                                                const bk_vector *v, bk_status *rc,
                                                                bk_error *err) {
    int64_t sum[PARTIAL_GROUPS], count[PARTIAL_GROUPS];
    memset(sum, 0, n_groups * sizeof *sum);
    memset(count, 0, n_groups * sizeof *count);
    bool out = false; /* a value or partial sum past 64 bits */
    if (v->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION) {
        const int64_t *x = v->data;
        for (size_t i = 0; i < n; i++) {
            size_t r = ROW(i);
            if (v->validity && !bk_vector_is_valid(v, r)) continue;
            out |= __builtin_add_overflow(sum[gid[i]], x[r], &sum[gid[i]]);
            count[gid[i]]++;
        }
    } else {
        const bk_i128 *x = v->data;
        for (size_t i = 0; i < n; i++) {
            size_t r = ROW(i);
            if (v->validity && !bk_vector_is_valid(v, r)) continue;
            out |= x[r].hi != (int64_t)x[r].lo >> 63;
            out |= __builtin_add_overflow(sum[gid[i]], (int64_t)x[r].lo, &sum[gid[i]]);
            count[gid[i]]++;
        }
    }
    if (out) return false;
    *rc = BK_OK;
    for (size_t g = 0; g < n_groups && *rc == BK_OK; g++) {
        if (!count[g]) continue;
        slots[g].count += count[g];
        slots[g].has = true;
        *rc = dec_add(s, &slots[g], bk_i128_from_i64(sum[g]), err);
    }
    return true;
}

/*
 * Fold rows [0, n) of v (v2: column2) into the slots of aggregate k at gid[i]:
 * or rows rows[0..n) of v, for the plain kinds only (COUNT..MAX without DISTINCT).
 * orders: the rows' source-order keys (NULL: from morsel and the row number).
 */
static bk_status consume_column(exec_sink *s, agg_table *t, uint32_t k, const uint32_t *gid,
                                const uint32_t *rows, size_t n, const bk_vector *v,
                                const bk_vector *v2, uint64_t morsel, const uint64_t *orders,
                                bk_buf *scratch, bk_error *err) {
    const exec_agg *agg = &((agg_state *)s->state)->aggs[k];
    slot *slots = t->slots[k];
    if (agg->kind == EXEC_AGG_COUNT_STAR) {
        for (size_t i = 0; i < n; i++) slots[gid[i]].count++;
        return BK_OK;
    }
    if (exec_agg_is_ext(agg->kind))
        return exec_agg_ext_consume(s->ctx, &t->ext[k], agg, slots, gid, n, v, v2, morsel, orders,
                                    scratch, err);
    bk_status rc;
    size_t n_groups = t->groups.count;
    if ((agg->kind == EXEC_AGG_SUM || agg->kind == EXEC_AGG_AVG) &&
        v->type->kind == BK_TYPE_DECIMAL && n_groups <= PARTIAL_GROUPS && 4 * n_groups <= n &&
        (rows ? fold_partials(s, slots, n_groups, gid, rows, n, v, &rc, err)
              : fold_partials(s, slots, n_groups, gid, NULL, n, v, &rc, err)))
        return rc;
    if (rows ? fold_fast(s, agg, slots, gid, rows, n, v, &rc, err)
             : fold_fast(s, agg, slots, gid, NULL, n, v, &rc, err))
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, ROW(i))) continue;
        BK_TRY(fold(s, t, agg, &slots[gid[i]], v, ROW(i), err));
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
    bk_arena *scratch = bk_arena_new(into->strings, "distinct", 0); /* task-private */
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
                rc = consume_column(s, into, k, gid, NULL, nb, v, NULL, 0, orders, &keybuf, err);
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

static void local_cleanup(void *arg) {
    agg_local *l = arg;
    for (uint32_t p = 0; p < l->n_parts; p++) table_free(&l->parts[p], l->n_aggs);
}

/* A worker's (or the empty global) tables, each partition with its own arena. */
static bk_status local_make(exec_sink *s, bk_arena *a, agg_local **out, bk_error *err) {
    agg_state *st = s->state;
    agg_local *l = bk_arena_zalloc(a, sizeof *l);
    if (!l) return bk_arena_oom(a, err);
    l->parts = bk_arena_zalloc(a, st->n_parts * sizeof *l->parts);
    if (!l->parts) return bk_arena_oom(a, err);
    l->n_aggs = st->n_aggs;
    l->split = !st->adaptive;
    l->cleanup.fn = local_cleanup;
    l->cleanup.arg = l;
    bk_arena_on_reset(a, &l->cleanup);
    for (uint32_t p = 0; p < st->n_parts; p++) {
        bk_arena *strings = bk_arena_new(a, "aggregate state", 0);
        if (!strings) return bk_arena_oom(a, err);
        l->n_parts = p + 1;
        BK_TRY(table_init(&l->parts[p], st, strings, err));
    }
    *out = l;
    return BK_OK;
}

/*
 * Split an adaptive worker's one table into the partitions by key hash.  Every
 * group moves with its slots as they are: string values stay in parts[0]'s
 * arena, which the new parts[0] keeps.  Only the plain kinds are adaptive, so
 * there are no DISTINCT sets or value logs to move.
 */
static bk_status local_split(exec_sink *s, agg_local *l, bk_error *err) {
    agg_state *st = s->state;
    agg_table old = l->parts[0];
    size_t n = old.groups.count;
    bk_status rc = table_init(&l->parts[0], st, old.strings, err);
    uint32_t *rows = bk_malloc((n ? n : 1) * sizeof *rows);
    uint32_t *gmap = bk_malloc((n ? n : 1) * sizeof *gmap);
    if (rc == BK_OK && (!rows || !gmap))
        rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
    /* the groups ordered by partition (the hash's top bits, as agg_consume scatters rows) */
    size_t start[AGG_PARTITIONS + 1] = {0}, fill[AGG_PARTITIONS];
    for (size_t g = 0; rc == BK_OK && g < n; g++) start[(old.groups.hashes[g] >> 60) + 1]++;
    for (uint32_t p = 0; p < AGG_PARTITIONS; p++) start[p + 1] += start[p];
    memcpy(fill, start, sizeof fill);
    for (size_t g = 0; rc == BK_OK && g < n; g++)
        rows[fill[old.groups.hashes[g] >> 60]++] = (uint32_t)g;
    for (uint32_t p = 0; p < l->n_parts && rc == BK_OK; p++) {
        agg_table *t = &l->parts[p];
        size_t m = start[p + 1] - start[p];
        const uint32_t *pr = rows + start[p];
        if (!m) continue;
        rc = exec_groups_insert(&t->groups, old.groups.keys, old.groups.hashes, old.groups.packed,
                                pr, m, gmap, err);
        if (rc == BK_OK) rc = table_reserve(t, st, t->groups.count, err);
        for (uint32_t k = 0; k < st->n_aggs && rc == BK_OK; k++) {
            if (!old.slots[k]) continue; /* a twin's */
            for (size_t i = 0; i < m; i++) t->slots[k][gmap[i]] = old.slots[k][pr[i]];
        }
    }
    bk_free(rows);
    bk_free(gmap);
    table_free(&old, st->n_aggs);
    l->split = true;
    return rc;
}

static bk_status agg_local_new(exec_sink *s, exec_worker *w, void **local, bk_error *err) {
    agg_local *l;
    BK_TRY(local_make(s, w->arena, &l, err));
    *local = l;
    return BK_OK;
}

/*
 * Fold the n rows of chunk c, whose groups are gid[0..n), into table t: rows
 * rows[0..n) of c when rows is not NULL (an adaptive aggregate's, agg_state).
 * orders: the rows' source-order keys (NULL: from the morsel and the row number).
 */
static bk_status consume_rows(exec_sink *s, exec_worker *w, agg_table *t, const exec_chunk *c,
                              const uint32_t *gid, const uint32_t *rows, size_t n,
                              const uint64_t *orders, bk_error *err) {
    agg_state *st = s->state;
    BK_TRY(table_reserve(t, st, t->groups.count, err));
    for (uint32_t k = 0; k < st->n_aggs; k++) {
        const exec_agg *agg = &st->aggs[k];
        if (st->slots_of[k] != k) continue; /* its twin folds the same values */
        const bk_vector *v = agg->kind == EXEC_AGG_COUNT_STAR ? NULL : c->cols[agg->column];
        if (dedup(agg)) {
            BK_TRY(distinct_insert(t, k, gid, n, v, &w->keybuf, err));
            continue;
        }
        const bk_vector *v2 = exec_agg_uses_column2(agg) ? c->cols[agg->column2] : NULL;
        BK_TRY(
            consume_column(s, t, k, gid, rows, n, v, v2, w->morsel, orders, &w->keybuf, err));
    }
    return BK_OK;
}

/* The rows rows[0..n) of the columns of c that aggregates read, as a chunk in a. */
static bk_status gather(exec_sink *s, bk_arena *a, const exec_chunk *c, const uint32_t *rows,
                        size_t n, exec_chunk *out, bk_error *err) {
    agg_state *st = s->state;
    out->n = n;
    out->n_cols = c->n_cols;
    out->cols = bk_arena_zalloc(a, (c->n_cols ? c->n_cols : 1) * sizeof *out->cols);
    if (!out->cols) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < st->n_aggs; k++) {
        const exec_agg *agg = &st->aggs[k];
        uint32_t cols[2] = {agg->column, agg->column2};
        uint32_t m = agg->kind == EXEC_AGG_COUNT_STAR ? 0 : exec_agg_uses_column2(agg) ? 2 : 1;
        for (uint32_t i = 0; i < m; i++) {
            if (out->cols[cols[i]]) continue;
            out->cols[cols[i]] = bk_vector_take(a, c->cols[cols[i]], rows, n);
            if (!out->cols[cols[i]]) return bk_arena_oom(a, err);
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
    if (!gid) return bk_arena_oom(a, err);
    if (st->n_keys == 0) { /* a global aggregate: every row is group 0, nothing to hash */
        if (l->parts[0].groups.count == 0) {
            uint64_t h = 0;
            BK_TRY(exec_groups_insert(&l->parts[0].groups, NULL, &h, NULL, NULL, 1, gid, err));
        }
        memset(gid, 0, n * sizeof *gid);
        BK_TRY(consume_rows(s, w, &l->parts[0], c, gid, NULL, n, NULL, err));
        return check_local_memory(s, l, err);
    }
    uint64_t *hash = bk_arena_array(a, n ? n : 1, sizeof *hash);
    bk_vector **keys = bk_arena_array(a, st->n_keys, sizeof *keys);
    if (!hash || !keys) return bk_arena_oom(a, err);
    const uint32_t *key_cols = s->node->u.agg.keys;
    for (uint32_t k = 0; k < st->n_keys; k++) keys[k] = c->cols[key_cols[k]];
    BK_TRY(exec_keys_flatten(a, keys, st->n_keys, err));
    uint64_t *packed = NULL;
    if (l->parts[0].groups.pack && !(packed = bk_arena_array(a, n ? n : 1, sizeof *packed)))
        return bk_arena_oom(a, err);
    exec_groups_hash(&l->parts[0].groups, keys, n, hash, packed);
    if (st->n_parts == 1 || !l->split) {
        BK_TRY(exec_groups_insert(&l->parts[0].groups, keys, hash, packed, NULL, n, gid, err));
        BK_TRY(consume_rows(s, w, &l->parts[0], c, gid, NULL, n, NULL, err));
        if (!l->split && l->parts[0].groups.count > AGG_SPLIT_GROUPS)
            BK_TRY(local_split(s, l, err));
        return check_local_memory(s, l, err);
    }
    /* scatter the rows by partition (the hash's top bits), then each partition in turn */
    uint32_t *rows = bk_arena_array(a, n ? n : 1, sizeof *rows);
    uint64_t *orders = bk_arena_array(a, n ? n : 1, sizeof *orders);
    uint8_t *part = bk_arena_alloc(a, n ? n : 1);
    if (!rows || !orders || !part) return bk_arena_oom(a, err);
    size_t start[AGG_PARTITIONS + 1] = {0};
    for (size_t i = 0; i < n; i++) {
        part[i] = (uint8_t)(hash[i] >> 60);
        start[part[i] + 1]++;
    }
    for (uint32_t p = 0; p < AGG_PARTITIONS; p++) start[p + 1] += start[p];
    size_t fill[AGG_PARTITIONS];
    memcpy(fill, start, sizeof fill);
    for (size_t i = 0; i < n; i++) rows[fill[part[i]]++] = (uint32_t)i;
    for (size_t i = 0; i < n; i++) orders[i] = exec_agg_order(w->morsel, rows[i]);
    for (uint32_t p = 0; p < AGG_PARTITIONS; p++) {
        size_t m = start[p + 1] - start[p];
        if (!m) continue;
        const uint32_t *pr = rows + start[p];
        exec_chunk sub;
        BK_TRY(exec_groups_insert(&l->parts[p].groups, keys, hash, packed, pr, m, gid, err));
        if (st->adaptive) { /* the plain kinds read the rows where they are */
            BK_TRY(consume_rows(s, w, &l->parts[p], c, gid, pr, m, NULL, err));
            continue;
        }
        BK_TRY(gather(s, a, c, pr, m, &sub, err));
        BK_TRY(consume_rows(s, w, &l->parts[p], &sub, gid, NULL, m, orders + start[p], err));
    }
    return check_local_memory(s, l, err);
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

/* Merge table `from` into `into` (the same partition of two workers); frees `from`. */
static bk_status table_merge(exec_sink *s, agg_table *into, agg_table *from, bk_error *err) {
    agg_state *st = s->state;
    size_t n = from->groups.count;
    bk_status rc = BK_OK;
    uint32_t *gmap = bk_malloc((n ? n : 1) * sizeof *gmap);
    if (!gmap) rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
    if (rc == BK_OK && n)
        rc = exec_groups_insert(&into->groups, from->groups.keys, from->groups.hashes,
                                from->groups.packed, NULL, n,
                                gmap, err);
    if (rc == BK_OK) rc = table_reserve(into, st, into->groups.count, err);
    for (uint32_t k = 0; k < st->n_aggs && rc == BK_OK; k++) {
        const exec_agg *agg = &st->aggs[k];
        if (dedup(agg) || st->slots_of[k] != k) continue; /* the distinct set: below */
        for (size_t g = 0; g < n && rc == BK_OK; g++) {
            if (exec_agg_is_ext(agg->kind))
                rc = exec_agg_ext_merge(s->ctx, &into->ext[k], agg, input_type(s, k),
                                        input_type2(s, k), &into->slots[k][gmap[g]],
                                        &from->slots[k][g], err);
            else
                rc = merge(s, into, agg, input_type(s, k), &into->slots[k][gmap[g]],
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
    if (rc == BK_OK)
        rc = check_memory(s, table_memory(into, st->n_aggs), into->groups.count, err);
    table_free(from, st->n_aggs);
    return rc;
}

/*
 * Fold the DISTINCT sets of table t into its own slots: the pairs a worker saw
 * wait in its set until the merge (distinct_insert).  Runs on the final table
 * before the other workers' tables are merged into it, so every pair folds once.
 */
static bk_status distinct_own(exec_sink *s, agg_table *t, bk_error *err) {
    agg_state *st = s->state;
    size_t n = t->groups.count;
    bk_status rc = BK_OK;
    uint32_t *ident = NULL;
    bk_hmap **sets = bk_calloc(st->n_aggs ? st->n_aggs : 1, sizeof *sets);
    if (!sets) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a DISTINCT aggregate");
    agg_table own = {.dsets = sets};
    for (uint32_t k = 0; k < st->n_aggs && rc == BK_OK; k++) {
        if (!dedup(&st->aggs[k])) continue;
        if (!ident) {
            ident = bk_malloc((n ? n : 1) * sizeof *ident);
            if (!ident) {
                rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a DISTINCT aggregate");
                break;
            }
            for (size_t g = 0; g < n; g++) ident[g] = (uint32_t)g;
        }
        sets[k] = t->dsets[k];
        t->dsets[k] = bk_hmap_new(true);
        if (!t->dsets[k])
            rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a DISTINCT aggregate");
        else
            rc = distinct_merge(s, t, &own, k, ident, err);
        bk_hmap_free(sets[k]);
        sets[k] = NULL;
    }
    bk_free(ident);
    bk_free(sets);
    return rc;
}

typedef struct merge_job {
    exec_sink *s;
    bk_mutex *lock;
    bk_status rc;
    bk_error err;
} merge_job;

/* Partition p of every worker into worker 0's partition p (one task per partition),
 * DISTINCT sets folded. */
static void merge_task(void *arg, size_t p, int worker) {
    (void)worker;
    merge_job *job = arg;
    agg_state *st = job->s->state;
    bk_error err;
    bk_error_clear(&err);
    bk_status rc = distinct_own(job->s, &st->locals[0]->parts[p], &err);
    for (uint32_t i = 1; i < st->n_locals; i++) {
        if (rc == BK_OK)
            rc = table_merge(job->s, &st->locals[0]->parts[p], &st->locals[i]->parts[p], &err);
        else
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
 * sum / n at `k` more decimal places, rounded half up, into *out; false when it
 * leaves 128 bits.  Divides before scaling (sum = q n + r, the mean is
 * q 10^k + round(r 10^k / n)), so a sum near the 128-bit limit still averages.
 */
static bool dec_mean(bk_i128 sum, int64_t n, int k, bk_i128 *out) {
    bk_i128 d = bk_i128_from_i64(n), q, r, whole, frac;
    return bk_i128_divmod(sum, d, &q, &r) && bk_i128_mul_pow10(q, k, &whole) &&
           bk_i128_mul_pow10(r, k, &r) && bk_i128_div_round(r, d, &frac) &&
           bk_i128_add(whole, frac, out);
}

/*
 * SUM or AVG of decimals into row g of v: the sum at the input scale, or the
 * mean rounded half up to the result scale; out of the result precision is
 * NUMERIC_VALUE_OUT_OF_RANGE in ANSI mode, else NULL (as Spark), and so is a
 * sum that overflowed with ANSI off.
 */
static bk_status decimal_result(exec_sink *s, const exec_agg *agg, uint32_t k, const slot *sl,
                                bk_vector *v, size_t g, bk_error *err) {
    const bk_type *rt = agg->type;
    int in_scale = input_type(s, k)->scale;
    bk_i128 r = sl->v.w;
    bool ok = !sl->overflow;
    if (!ok) {
        /* NULL below (only reached with ANSI off: ANSI mode raised at the add) */
    } else if (agg->kind == EXEC_AGG_AVG) {
        ok = dec_mean(sl->v.w, sl->count, rt->scale - in_scale, &r);
    } else {
        ok = bk_i128_rescale(sl->v.w, in_scale, rt->scale, &r);
    }
    ok = ok && bk_i128_fits_precision(r, rt->precision);
    if (!ok) {
        if (s->ctx->ansi)
            return bk_error_set_sub(err, BK_NUMERIC_VALUE_OUT_OF_RANGE, "WITH_SUGGESTION",
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
        } else if ((agg->kind == EXEC_AGG_SUM || agg->kind == EXEC_AGG_AVG) &&
                   (agg->type->kind == BK_TYPE_INTERVAL_YM ||
                    agg->type->kind == BK_TYPE_INTERVAL_DT)) {
            int64_t x = agg->kind == EXEC_AGG_AVG ? exec_agg_div_half_up(sl->v.i, sl->count)
                                                  : sl->v.i;
            if (agg->type->kind == BK_TYPE_INTERVAL_YM)
                ((int32_t *)v->data)[g] = (int32_t)x;
            else
                ((int64_t *)v->data)[g] = x;
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

/* The result rows of table t appended to res. */
static bk_status table_result(exec_sink *s, agg_table *t, exec_table *res, bk_error *err) {
    agg_state *st = s->state;
    bk_arena *a = s->ctx->arena;
    size_t n_groups = t->groups.count;
    uint32_t n_cols = st->n_keys + st->n_aggs;
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
        BK_TRY(exec_groups_keys(a, &t->groups, first, n, c.cols, err));
        for (uint32_t k = 0; k < st->n_keys; k++)
            if (st->out_key_types[k] != st->key_types[k])
                BK_TRY(exec_keys_unflatten(a, st->out_key_types[k], &c.cols[k], err));
        for (uint32_t k = 0; k < st->n_aggs; k++) {
            if (ext_results[k]) {
                c.cols[st->n_keys + k] = exec_vector_slice(a, ext_results[k], first, n);
                if (!c.cols[st->n_keys + k]) return bk_arena_oom(a, err);
                continue;
            }
            BK_TRY(result_column(s, k, t->slots[st->slots_of[k]] + first, n,
                                 &c.cols[st->n_keys + k], err));
        }
        BK_TRY(exec_table_push(res, &c, err));
    }
    return BK_OK;
}

static bk_status agg_finish(exec_sink *s, exec_table **out, bk_error *err) {
    agg_state *st = s->state;
    bk_arena *a = s->ctx->arena;
    bool distinct = false;
    for (uint32_t k = 0; k < st->n_aggs; k++) distinct |= dedup(&st->aggs[k]);
    /* split tables merge by partition: split every table once one is (an unsplit one is small) */
    bool split = false;
    for (uint32_t i = 0; i < st->n_locals; i++) split |= st->locals[i]->split;
    for (uint32_t i = 0; split && i < st->n_locals; i++)
        if (!st->locals[i]->split) BK_TRY(local_split(s, st->locals[i], err));
    if (st->n_locals > 1 || (st->n_locals == 1 && distinct)) {
        merge_job job = {.s = s, .lock = bk_mutex_new(), .rc = BK_OK};
        if (!job.lock)
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
        bk_error_clear(&job.err);
        bk_pool_run(s->ctx->pool, split ? st->n_parts : 1, merge_task, &job);
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
        BK_TRY(exec_groups_insert(&l->parts[0].groups, NULL, &h, NULL, NULL, 1, &g, err));
        BK_TRY(table_reserve(&l->parts[0], st, 1, err));
    }
    exec_table *res = exec_table_make(a, s->node->schema);
    if (!res) return bk_arena_oom(a, err);
    for (uint32_t p = 0; l && p < l->n_parts; p++) BK_TRY(table_result(s, &l->parts[p], res, err));
    *out = res;
    return BK_OK;
}

/*
 * Whether aggregates a and b keep the same slot state: SUM and AVG of one
 * DOUBLE or DECIMAL column fold the same count and sum (TPC-H q1's
 * sum(l_quantity) and avg(l_quantity)), so one folds for both.
 */
static bool slot_twins(const exec_sink *s, const exec_agg *a, const exec_agg *b) {
    bool a_sum = a->kind == EXEC_AGG_SUM || a->kind == EXEC_AGG_AVG;
    bool b_sum = b->kind == EXEC_AGG_SUM || b->kind == EXEC_AGG_AVG;
    if (!a_sum || !b_sum || a->distinct || b->distinct || a->column != b->column) return false;
    bk_type_kind in = s->node->child->schema->children[a->column]->kind;
    return in == BK_TYPE_DOUBLE || in == BK_TYPE_DECIMAL;
}

bk_status exec_agg_sink(exec_ctx *ctx, exec_node *node, exec_sink *s, bk_error *err) {
    agg_state *st = bk_arena_zalloc(ctx->arena, sizeof *st);
    if (!st) return bk_arena_oom(ctx->arena, err);
    st->n_keys = node->u.agg.n_keys;
    st->n_aggs = node->u.agg.n_aggs;
    st->aggs = node->u.agg.aggs;
    st->n_parts = st->n_keys ? AGG_PARTITIONS : 1;
    st->adaptive = st->n_keys > 0;
    for (uint32_t k = 0; k < st->n_aggs; k++)
        if (dedup(&st->aggs[k]) || exec_agg_is_ext(st->aggs[k].kind)) st->adaptive = false;
    st->key_types = bk_arena_array(ctx->arena, st->n_keys ? st->n_keys : 1, sizeof *st->key_types);
    if (!st->key_types) return bk_arena_oom(ctx->arena, err);
    for (uint32_t k = 0; k < st->n_keys; k++)
        st->key_types[k] = node->child->schema->children[node->u.agg.keys[k]];
    /* nested keys are grouped as their serialized bytes (exec_keys_flatten) */
    st->out_key_types = st->key_types;
    const bk_type **flat = bk_arena_array(ctx->arena, st->n_keys ? st->n_keys : 1, sizeof *flat);
    if (!flat) return bk_arena_oom(ctx->arena, err);
    for (uint32_t k = 0; k < st->n_keys; k++)
        flat[k] = bk_type_is_nested(st->key_types[k]) ? bk_type_scalar(BK_TYPE_BINARY)
                                                      : st->key_types[k];
    st->key_types = flat;
    s->node = node;
    s->ctx = ctx;
    s->state = st;
    st->slots_of = bk_arena_array(ctx->arena, st->n_aggs ? st->n_aggs : 1, sizeof *st->slots_of);
    if (!st->slots_of) return bk_arena_oom(ctx->arena, err);
    for (uint32_t k = 0; k < st->n_aggs; k++) {
        st->slots_of[k] = k;
        for (uint32_t j = 0; j < k && st->slots_of[k] == k; j++)
            if (st->slots_of[j] == j && slot_twins(s, &st->aggs[j], &st->aggs[k]))
                st->slots_of[k] = j;
    }
    s->local_new = agg_local_new;
    s->consume = agg_consume;
    s->combine = agg_combine;
    s->finish = agg_finish;
    return BK_OK;
}
