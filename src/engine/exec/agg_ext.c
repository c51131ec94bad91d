/*
 * agg_ext.c — the aggregates beyond COUNT/SUM/AVG/MIN/MAX: dispatch to their
 * files (agg_int.h), and the "pick one row" kinds kept here:
 *
 *   FIRST / ANY_VALUE  the value of the first row in source order (ignore_nulls:
 *                      the first non-NULL one); NULL rows count unless ignored
 *   LAST               the same for the last row
 *   MAX_BY / MIN_BY    the value at the row whose column2 is largest / smallest;
 *                      rows with a NULL column2 are skipped; ties keep the row
 *                      that comes first in source order
 *   COUNT_IF           rows whose BOOLEAN column is true
 *
 * A pick record (pick, below) holds the chosen row's order key, its value and
 * ordering value, with string bytes copied into the store's arena.  Spark's
 * first/last are order-dependent; here "source order" is the scan order
 * (morsel, row), so answers do not depend on the number of threads.
 */
#include <string.h>

#include "base/mem.h"
#include "engine/exec/agg_int.h"
#include "engine/exec/fn_common.h"

typedef struct pick {
    uint64_t order;
    uint8_t x[16]; /* the value (a bk_str for strings and for nested values serialized
                      as keys (keys.c), bytes in the store's arena) */
    uint8_t y[16]; /* MAX_BY / MIN_BY: the ordering value */
    bool x_null;
} pick;

const char *exec_agg_name(exec_agg_kind k) {
    switch (k) {
    case EXEC_AGG_COUNT_STAR:
        return "count(*)";
    case EXEC_AGG_COUNT:
        return "count";
    case EXEC_AGG_SUM:
        return "sum";
    case EXEC_AGG_AVG:
        return "avg";
    case EXEC_AGG_MIN:
        return "min";
    case EXEC_AGG_MAX:
        return "max";
    case EXEC_AGG_VAR_SAMP:
        return "var_samp";
    case EXEC_AGG_VAR_POP:
        return "var_pop";
    case EXEC_AGG_STDDEV_SAMP:
        return "stddev_samp";
    case EXEC_AGG_STDDEV_POP:
        return "stddev_pop";
    case EXEC_AGG_COUNT_IF:
        return "count_if";
    case EXEC_AGG_FIRST:
        return "first";
    case EXEC_AGG_LAST:
        return "last";
    case EXEC_AGG_MAX_BY:
        return "max_by";
    case EXEC_AGG_MIN_BY:
        return "min_by";
    case EXEC_AGG_COLLECT_LIST:
        return "collect_list";
    case EXEC_AGG_PERCENTILE:
        return "percentile";
    case EXEC_AGG_PERCENTILE_APPROX:
        return "percentile_approx";
    case EXEC_AGG_APPROX_COUNT_DISTINCT:
        return "approx_count_distinct";
    case EXEC_AGG_PERCENTILE_DISC:
        return "percentile_disc";
    case EXEC_AGG_SKEWNESS:
        return "skewness";
    case EXEC_AGG_KURTOSIS:
        return "kurtosis";
    case EXEC_AGG_COVAR_POP:
        return "covar_pop";
    case EXEC_AGG_COVAR_SAMP:
        return "covar_samp";
    case EXEC_AGG_CORR:
        return "corr";
    }
    return "?";
}

bool exec_agg_uses_column2(const exec_agg *agg) {
    return agg->kind == EXEC_AGG_MAX_BY || agg->kind == EXEC_AGG_MIN_BY || agg->filtered ||
           exec_agg_is_bivariate(agg->kind);
}

bool exec_agg_is_ext(exec_agg_kind k) { return k >= EXEC_AGG_VAR_SAMP; }

static bool is_stats(exec_agg_kind k) { return k >= EXEC_AGG_VAR_SAMP && k <= EXEC_AGG_STDDEV_POP; }

static bool is_pick(exec_agg_kind k) { return k >= EXEC_AGG_FIRST && k <= EXEC_AGG_MIN_BY; }

static bool is_string(const bk_type *t) {
    return t->kind == BK_TYPE_STRING || t->kind == BK_TYPE_BINARY;
}

/* Values kept as bytes in the store's arena: strings, and nested values (serialized). */
static bool is_bytes(const bk_type *t) { return is_string(t) || bk_type_is_nested(t); }

/* Copy the bytes a bk_str in dst (16 bytes) points to into `a`. */
static bool own_bytes(bk_arena *a, uint8_t *dst) {
    bk_str s;
    memcpy(&s, dst, sizeof s);
    char *copy = bk_arena_memdup(a, s.ptr, s.len ? s.len : 1);
    if (!copy) return false;
    s.ptr = copy;
    memcpy(dst, &s, sizeof s);
    return true;
}

/* Copy row `row` of v into dst (16 bytes), string bytes into `a`. */
static bool copy_value(bk_arena *a, uint8_t *dst, const bk_vector *v, size_t row) {
    size_t w = bk_type_width(v->type);
    memset(dst, 0, 16);
    if (w) memcpy(dst, (const uint8_t *)v->data + row * w, w);
    if (is_string(v->type)) {
        bk_str s;
        memcpy(&s, dst, sizeof s);
        char *copy = bk_arena_memdup(a, s.ptr, s.len ? s.len : 1);
        if (!copy) return false;
        s.ptr = copy;
        memcpy(dst, &s, sizeof s);
    }
    return true;
}

/*
 * A nested ordering value (MAX_BY / MIN_BY by an ARRAY or STRUCT, min / max of
 * one) is a reference to a row of a vector: a candidate's points into the chunk,
 * a kept pick's into its own one-row copy in the store's arena.
 */
typedef struct nref {
    const bk_vector *vec;
    uint32_t row;
} nref;

/* Compare ordering values a and b (16-byte slots of type t). */
static int compare_raw(const bk_type *t, const uint8_t *a, const uint8_t *b) {
    if (bk_type_is_nested(t)) {
        nref x, y;
        memcpy(&x, a, sizeof x);
        memcpy(&y, b, sizeof y);
        return bk_vector_compare(x.vec, x.row, y.vec, y.row);
    }
    bk_vector va = {.type = t, .n = 1, .data = (void *)a};
    bk_vector vb = {.type = t, .n = 1, .data = (void *)b};
    return bk_vector_compare(&va, 0, &vb, 0);
}

/*
 * Whether a candidate (order, y) beats the current pick cur (NULL: none yet).
 */
static bool better(const exec_agg *agg, const bk_type *yt, const pick *cur, uint64_t order,
                   const uint8_t *y) {
    if (!cur) return true;
    switch (agg->kind) {
    case EXEC_AGG_FIRST:
        return order < cur->order;
    case EXEC_AGG_LAST:
        return order > cur->order;
    default: {
        int c = compare_raw(yt, y, cur->y);
        if (agg->kind == EXEC_AGG_MIN_BY) c = -c;
        return c > 0 || (c == 0 && order < cur->order);
    }
    }
}

/* Make `cand` the pick of slot s (allocating its record on first use). */
static bk_status set_pick(agg_ext_store *st, agg_slot *s, const pick *cand, const bk_type *xt,
                          const bk_type *yt, bk_error *err) {
    pick *p = s->v.p;
    if (!p) {
        p = bk_arena_zalloc(st->arena, sizeof *p);
        if (!p) return bk_arena_oom(st->arena, err);
        s->v.p = p;
    }
    *p = *cand;
    if (!cand->x_null && is_bytes(xt) && !own_bytes(st->arena, p->x))
        return bk_arena_oom(st->arena, err);
    if (yt && is_string(yt)) {
        bk_vector one = {.type = yt, .n = 1, .data = (void *)cand->y};
        if (!copy_value(st->arena, p->y, &one, 0)) return bk_arena_oom(st->arena, err);
    }
    if (yt && bk_type_is_nested(yt)) {
        nref r;
        memcpy(&r, cand->y, sizeof r);
        bk_vector *copy = bk_vector_take(st->arena, r.vec, &r.row, 1);
        if (!copy || !bk_vector_own_strings(st->arena, copy)) return bk_arena_oom(st->arena, err);
        r = (nref){copy, 0};
        memcpy(p->y, &r, sizeof r);
    }
    s->has = true;
    return BK_OK;
}

static bk_status pick_consume(agg_ext_store *st, const exec_agg *agg, agg_slot *slots,
                              const uint32_t *gid, size_t n, const bk_vector *v,
                              const bk_vector *v2, uint64_t morsel, const uint64_t *orders,
                              bk_buf *scratch, bk_error *err) {
    const bk_type *yt = v2 ? v2->type : NULL;
    size_t wx = bk_type_width(v->type), wy = v2 ? bk_type_width(v2->type) : 0;
    bool nested = bk_type_is_nested(v->type);
    bool nested_y = yt && bk_type_is_nested(yt);
    bk_vector *cols[1] = {(bk_vector *)v};
    uint32_t *best = NULL;
    if (nested_y) {
        /* OPTIMIZATION: the best row of each group within the chunk first, so a kept
           pick is copied at most once per chunk (not once per improving row) */
        uint32_t max_g = 0;
        for (size_t i = 0; i < n; i++) max_g = gid[i] > max_g ? gid[i] : max_g;
        best = bk_malloc(((size_t)max_g + 1) * sizeof *best);
        if (!best) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in an aggregate");
        memset(best, 0xff, ((size_t)max_g + 1) * sizeof *best);
        for (size_t i = 0; i < n; i++) {
            if (!bk_vector_is_valid(v2, i)) continue;
            uint32_t *b = &best[gid[i]];
            if (*b == UINT32_MAX) {
                *b = (uint32_t)i;
                continue;
            }
            int c = bk_vector_compare(v2, i, v2, *b);
            if (agg->kind == EXEC_AGG_MIN_BY) c = -c;
            if (c > 0) *b = (uint32_t)i;
        }
    }
    bk_status rc = BK_OK;
    for (size_t i = 0; i < n && rc == BK_OK; i++) {
        bool x_null = !bk_vector_is_valid(v, i);
        if (x_null && agg->ignore_nulls) continue;
        if (v2 && !bk_vector_is_valid(v2, i)) continue;
        if (best && best[gid[i]] != i) continue;
        pick cand = {.order = orders ? orders[i] : exec_agg_order(morsel, i), .x_null = x_null};
        if (wx) memcpy(cand.x, (const uint8_t *)v->data + i * wx, wx);
        if (nested_y) {
            nref r = {v2, (uint32_t)i};
            memcpy(cand.y, &r, sizeof r);
        } else if (wy) {
            memcpy(cand.y, (const uint8_t *)v2->data + i * wy, wy);
        }
        agg_slot *s = &slots[gid[i]];
        if (!better(agg, yt, s->v.p, cand.order, cand.y)) continue;
        if (nested && !x_null) {
            if (exec_key_serialize(cols, 1, i, false, scratch) < 0) {
                rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in an aggregate");
                break;
            }
            bk_str bytes = {(const char *)scratch->data, scratch->len};
            memcpy(cand.x, &bytes, sizeof bytes);
        }
        /* string bytes still view the chunk (or the scratch buffer): set_pick copies them */
        rc = set_pick(st, s, &cand, v->type, yt, err);
    }
    bk_free(best);
    return rc;
}

bk_status exec_agg_ext_consume(exec_ctx *ctx, agg_ext_store *st, const exec_agg *agg,
                               agg_slot *slots, const uint32_t *gid, size_t n, const bk_vector *v,
                               const bk_vector *v2, uint64_t morsel, const uint64_t *orders,
                               bk_buf *scratch, bk_error *err) {
    (void)ctx;
    if (is_stats(agg->kind)) {
        const double *d = v->data;
        for (size_t i = 0; i < n; i++)
            if (bk_vector_is_valid(v, i)) exec_agg_stats_fold(&slots[gid[i]], d[i]);
        return BK_OK;
    }
    if (exec_agg_is_moments(agg->kind))
        return exec_agg_moments_consume(st, agg, slots, gid, n, v, v2, err);
    if (agg->kind == EXEC_AGG_COUNT_IF) {
        const uint8_t *b = v->data;
        for (size_t i = 0; i < n; i++)
            if (bk_vector_is_valid(v, i) && b[i]) slots[gid[i]].count++;
        return BK_OK;
    }
    if (is_pick(agg->kind))
        return pick_consume(st, agg, slots, gid, n, v, v2, morsel, orders, scratch, err);
    if (exec_agg_is_log(agg->kind))
        return exec_agg_log_consume(st, agg, slots, gid, n, v, morsel, orders, scratch, err);
    if (agg->kind == EXEC_AGG_APPROX_COUNT_DISTINCT)
        return exec_hll_consume(st, agg, slots, gid, n, v, scratch, err);
    return bk_error_set(err, BK_INTERNAL, "aggregate kind %d has no implementation",
                        (int)agg->kind);
}

bk_status exec_agg_ext_merge(exec_ctx *ctx, agg_ext_store *st, const exec_agg *agg,
                             const bk_type *in_type, const bk_type *in_type2, agg_slot *into,
                             const agg_slot *from, bk_error *err) {
    (void)ctx;
    if (is_stats(agg->kind)) {
        exec_agg_stats_merge(into, from);
        return BK_OK;
    }
    if (exec_agg_is_moments(agg->kind)) return exec_agg_moments_merge(st, into, from, err);
    if (agg->kind == EXEC_AGG_COUNT_IF || exec_agg_is_log(agg->kind)) {
        into->count += from->count;
        return BK_OK;
    }
    if (is_pick(agg->kind)) {
        const pick *f = from->v.p;
        if (!f) return BK_OK;
        const bk_type *yt = exec_agg_uses_column2(agg) ? in_type2 : NULL;
        if (!better(agg, yt, into->v.p, f->order, f->y)) return BK_OK;
        return set_pick(st, into, f, in_type, yt, err);
    }
    if (agg->kind == EXEC_AGG_APPROX_COUNT_DISTINCT)
        return exec_hll_merge(st, agg, into, from, err);
    return bk_error_set(err, BK_INTERNAL, "aggregate kind %d has no merge", (int)agg->kind);
}

bk_status exec_agg_ext_result(exec_ctx *ctx, const exec_agg *agg, const bk_type *in_type,
                              agg_ext_store *st, const agg_slot *slots, size_t n_groups,
                              bk_vector **out, bk_error *err) {
    if (exec_agg_is_log(agg->kind))
        return exec_agg_log_result(ctx, agg, in_type, st, n_groups, out, err);
    bk_arena *a = ctx->arena;
    if (is_pick(agg->kind) && bk_type_is_nested(agg->type)) {
        /* nested picks are serialized keys: decode them all at once */
        bk_str *keys = bk_arena_array(a, n_groups ? n_groups : 1, sizeof *keys);
        if (!keys) return bk_arena_oom(a, err);
        for (size_t g = 0; g < n_groups; g++) {
            const pick *p = slots[g].v.p;
            keys[g] = (bk_str){"", 1}; /* the NULL flag byte */
            if (p && !p->x_null) memcpy(&keys[g], p->x, sizeof keys[g]);
        }
        return exec_key_decode(a, &agg->type, 1, keys, n_groups, out, err);
    }
    bk_vector *v = bk_vector_make(a, agg->type, n_groups);
    if (!v) return bk_arena_oom(a, err);
    for (size_t g = 0; g < n_groups; g++) {
        const agg_slot *s = &slots[g];
        if (is_stats(agg->kind) || exec_agg_is_moments(agg->kind)) {
            double d;
            bool ok = is_stats(agg->kind) ? exec_agg_stats_result(agg->kind, s, &d)
                                          : exec_agg_moments_result(agg->kind, s, &d);
            if (ok)
                ((double *)v->data)[g] = d;
            else if (agg->kind == EXEC_AGG_CORR && ctx->ansi && exec_agg_corr_divides_by_zero(s))
                return exec_fn_divide_by_zero(err);
            else
                BK_TRY(exec_fn_set_null(a, v, g, err));
        } else if (agg->kind == EXEC_AGG_COUNT_IF) {
            ((int64_t *)v->data)[g] = s->count;
        } else if (agg->kind == EXEC_AGG_APPROX_COUNT_DISTINCT) {
            ((int64_t *)v->data)[g] = exec_hll_estimate(agg, s);
        } else {
            const pick *p = s->v.p;
            if (!p || p->x_null) {
                BK_TRY(exec_fn_set_null(a, v, g, err));
                continue;
            }
            size_t w = bk_type_width(agg->type);
            if (w) memcpy((uint8_t *)v->data + g * w, p->x, w);
        }
    }
    *out = v;
    return BK_OK;
}
