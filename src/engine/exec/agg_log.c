/*
 * agg_log.c — the aggregates that keep every value: COLLECT_LIST (COLLECT_SET is
 * COLLECT_LIST with DISTINCT, deduplicated by op_agg.c), PERCENTILE (exact) and
 * PERCENTILE_APPROX / MEDIAN.
 *
 * Values go to the aggregate's log (agg_int.h) as entries
 * [u32 group][u32 len][u64 order][value]: COLLECT_LIST's value is the row
 * serialized as a key (keys.c: flag byte, then the value), the percentiles' a
 * DOUBLE.  Merging appends a worker's entries with their groups renamed.  The
 * result sorts the entries by (group, order), so a list follows the source
 * order of its rows whatever worker saw them, and cuts them per group.
 *
 * Semantics (Spark's):
 *   collect_list(x)     the non-NULL values; an empty group gives [] (not NULL)
 *   percentile(x, p)    exact, with linear interpolation between the values at
 *                       ranks floor and ceil of (n - 1) p (0-based): DOUBLE (for
 *                       an interval x: INTERVAL YEAR TO MONTH or DAY TO SECOND);
 *                       with an array of p an ARRAY<DOUBLE>; NULL without values
 *   percentile_cont(p) WITHIN GROUP (ORDER BY x [DESC])  percentile(x, p | 1 - p)
 *   percentile_disc(p) WITHIN GROUP (ORDER BY x [DESC])  the value of rank ceil(p n)
 *                       (at least 1) in that order, as a DOUBLE (Spark 3.4+)
 *   percentile_approx(x, p[, accuracy])  the value of 1-based rank ceil(p n)
 *                       (at least 1) among the sorted values, in x's type: this
 *                       is the answer of Spark's quantile summary when it holds
 *                       every value; we always compute it exactly, which is
 *                       within any accuracy's error bound.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "engine/exec/agg_int.h"
#include "engine/exec/fn_common.h"

#define ENTRY_HEAD (4 + 4 + 8)

bool exec_agg_is_log(exec_agg_kind k) {
    return k == EXEC_AGG_COLLECT_LIST || k == EXEC_AGG_PERCENTILE ||
           k == EXEC_AGG_PERCENTILE_APPROX || k == EXEC_AGG_PERCENTILE_DISC;
}

static bk_status put_entry(bk_buf *log, uint32_t g, uint64_t order, const void *v, uint32_t len,
                           bk_error *err) {
    if (bk_buf_reserve(log, ENTRY_HEAD + len) != BK_OK)
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in an aggregate's value list");
    bk_buf_put(log, &g, 4);
    bk_buf_put(log, &len, 4);
    bk_buf_put(log, &order, 8);
    bk_buf_put(log, v, len);
    return BK_OK;
}

/* Row i of a percentile's input: a DOUBLE, or an interval's months or microseconds. */
static double percentile_input(const bk_vector *v, size_t i) {
    switch (v->type->kind) {
    case BK_TYPE_INTERVAL_YM:
        return ((const int32_t *)v->data)[i];
    case BK_TYPE_INTERVAL_DT:
        return (double)((const int64_t *)v->data)[i];
    default:
        return ((const double *)v->data)[i];
    }
}

bk_status exec_agg_log_consume(agg_ext_store *st, const exec_agg *agg, agg_slot *slots,
                               const uint32_t *gid, size_t n, const bk_vector *v, uint64_t morsel,
                               const uint64_t *orders, bk_buf *scratch, bk_error *err) {
    bk_vector *cols[1] = {(bk_vector *)v};
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        uint64_t order = orders ? orders[i] : exec_agg_order(morsel, i);
        slots[gid[i]].count++;
        if (agg->kind == EXEC_AGG_COLLECT_LIST) {
            if (exec_key_serialize(cols, 1, i, false, scratch) < 0)
                return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in collect_list");
            BK_TRY(put_entry(&st->log, gid[i], order, scratch->data, (uint32_t)scratch->len, err));
        } else {
            double d = percentile_input(v, i);
            BK_TRY(put_entry(&st->log, gid[i], order, &d, sizeof d, err));
        }
    }
    return BK_OK;
}

bk_status exec_agg_log_merge(agg_ext_store *into, const agg_ext_store *from,
                             const uint32_t *gmap, bk_error *err) {
    const uint8_t *p = from->log.data, *end = p + from->log.len;
    if (bk_buf_reserve(&into->log, from->log.len) != BK_OK)
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in an aggregate's value list");
    while (p < end) {
        uint32_t g, len;
        memcpy(&g, p, 4);
        memcpy(&len, p + 4, 4);
        g = gmap[g];
        bk_buf_put(&into->log, &g, 4);
        bk_buf_put(&into->log, p + 4, ENTRY_HEAD - 4 + len);
        p += ENTRY_HEAD + len;
    }
    return BK_OK;
}

typedef struct entry {
    uint32_t group;
    uint64_t order;
    const uint8_t *value;
    uint32_t len;
    double d;
} entry;

static int by_group_order(const void *x, const void *y) {
    const entry *a = x, *b = y;
    if (a->group != b->group) return a->group < b->group ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static int by_group_value_desc(const void *x, const void *y) {
    const entry *a = x, *b = y;
    if (a->group != b->group) return a->group < b->group ? -1 : 1;
    if (isnan(a->d) || isnan(b->d)) return isnan(b->d) - isnan(a->d);
    return a->d > b->d ? -1 : a->d < b->d;
}

static int by_group_value(const void *x, const void *y) {
    const entry *a = x, *b = y;
    if (a->group != b->group) return a->group < b->group ? -1 : 1;
    /* NaN sorts last, as Spark orders doubles */
    if (isnan(a->d) || isnan(b->d)) return isnan(a->d) - isnan(b->d);
    return a->d < b->d ? -1 : a->d > b->d;
}

/* The exact percentile of sorted values v[0..n) (n >= 1). */
static double exact_percentile(const entry *v, size_t n, double p) {
    double pos = (double)(n - 1) * p;
    size_t lo = (size_t)floor(pos), hi = (size_t)ceil(pos);
    if (lo == hi) return v[lo].d;
    return (double)(hi - pos) * v[lo].d + (pos - (double)lo) * v[hi].d;
}

static double approx_percentile(const entry *v, size_t n, double p) {
    double r = ceil(p * (double)n);
    size_t rank = r < 1 ? 1 : (size_t)r;
    if (rank > n) rank = n;
    return v[rank - 1].d;
}

/*
 * Row i of `out` from d: percentile_approx's type is the input's numeric type; an
 * interval percentile's is the interval, truncated to whole months or microseconds.
 */
static void store_typed(bk_vector *out, size_t i, double d) {
    const bk_type *t = out->type;
    switch (t->kind) {
    case BK_TYPE_TINYINT:
        ((int8_t *)out->data)[i] = (int8_t)d;
        break;
    case BK_TYPE_SMALLINT:
        ((int16_t *)out->data)[i] = (int16_t)d;
        break;
    case BK_TYPE_INT:
    case BK_TYPE_INTERVAL_YM:
        ((int32_t *)out->data)[i] = (int32_t)d;
        break;
    case BK_TYPE_BIGINT:
    case BK_TYPE_INTERVAL_DT:
        ((int64_t *)out->data)[i] = (int64_t)d;
        break;
    case BK_TYPE_FLOAT:
        ((float *)out->data)[i] = (float)d;
        break;
    case BK_TYPE_DECIMAL:
        ((int64_t *)out->data)[i] = (int64_t)llround(d * pow(10, t->scale));
        break;
    default:
        ((double *)out->data)[i] = d;
        break;
    }
}

bk_status exec_agg_log_result(exec_ctx *ctx, const exec_agg *agg, const bk_type *in_type,
                              agg_ext_store *st, size_t n_groups, bk_vector **out, bk_error *err) {
    bk_arena *a = ctx->arena;
    size_t n_entries = 0;
    for (const uint8_t *p = st->log.data, *end = p + st->log.len; p < end;) {
        uint32_t len;
        memcpy(&len, p + 4, 4);
        p += ENTRY_HEAD + len;
        n_entries++;
    }
    entry *es = bk_malloc((n_entries ? n_entries : 1) * sizeof *es);
    int64_t *starts = bk_arena_zalloc(a, (n_groups + 1) * sizeof *starts);
    if (!es || !starts) {
        bk_free(es);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in an aggregate's value list");
    }
    size_t k = 0;
    for (const uint8_t *p = st->log.data, *end = p + st->log.len; p < end; k++) {
        memcpy(&es[k].group, p, 4);
        memcpy(&es[k].len, p + 4, 4);
        memcpy(&es[k].order, p + 8, 8);
        es[k].value = p + ENTRY_HEAD;
        if (agg->kind != EXEC_AGG_COLLECT_LIST) memcpy(&es[k].d, es[k].value, 8);
        p += ENTRY_HEAD + es[k].len;
    }
    qsort(es, n_entries, sizeof *es,
          agg->kind == EXEC_AGG_COLLECT_LIST ? by_group_order
          : agg->descending                  ? by_group_value_desc
                                             : by_group_value);
    for (size_t i = 0; i < n_entries; i++) starts[es[i].group + 1]++;
    for (size_t g = 0; g < n_groups; g++) starts[g + 1] += starts[g];
    bk_status rc = BK_OK;
    bk_vector *v = bk_vector_make(a, agg->type, n_groups);
    if (!v) {
        rc = bk_arena_oom(a, err);
        goto done;
    }
    if (agg->kind == EXEC_AGG_COLLECT_LIST) {
        bk_str *keys = bk_arena_array(a, n_entries ? n_entries : 1, sizeof *keys);
        if (!keys) {
            rc = bk_arena_oom(a, err);
            goto done;
        }
        for (size_t i = 0; i < n_entries; i++)
            keys[i] = (bk_str){(const char *)es[i].value, es[i].len};
        const bk_type *et = agg->type->children[0];
        rc = exec_key_decode(a, &et, 1, keys, n_entries, &v->children[0], err);
        if (rc != BK_OK) goto done;
        memcpy(v->offsets, starts, (n_groups + 1) * sizeof *starts);
        goto done;
    }
    /* percentiles: one value per group, or an array of n_params */
    bool approx = agg->kind == EXEC_AGG_PERCENTILE_APPROX || agg->kind == EXEC_AGG_PERCENTILE_DISC;
    bk_vector *dst = v;
    if (agg->params_array) {
        bk_vector *elems = bk_vector_make(a, agg->type->children[0], n_groups * agg->n_params);
        if (!elems) {
            rc = bk_arena_oom(a, err);
            goto done;
        }
        v->children[0] = dst = elems;
    }
    (void)in_type;
    for (size_t g = 0; g < n_groups; g++) {
        size_t lo = (size_t)starts[g], cnt = (size_t)(starts[g + 1] - starts[g]);
        if (agg->params_array) v->offsets[g + 1] = v->offsets[g] + (cnt ? agg->n_params : 0);
        if (!cnt) {
            rc = exec_fn_set_null(a, v, g, err);
            if (rc != BK_OK) goto done;
            continue;
        }
        for (uint32_t j = 0; j < agg->n_params; j++) {
            double r = approx ? approx_percentile(es + lo, cnt, agg->params[j])
                              : exact_percentile(es + lo, cnt, agg->params[j]);
            size_t row = agg->params_array ? (size_t)v->offsets[g] + j : g;
            store_typed(dst, row, r);
        }
    }
    if (agg->params_array) dst->n = (size_t)v->offsets[n_groups];
done:
    bk_free(es);
    if (rc == BK_OK) *out = v;
    return rc;
}
