/*
 * agg_stats.c — variance and standard deviation: VAR_SAMP, VAR_POP,
 * STDDEV_SAMP, STDDEV_POP over DOUBLE inputs (the binder casts numbers to DOUBLE,
 * as Spark's CentralMomentAgg does); SKEWNESS and KURTOSIS; COVAR_POP,
 * COVAR_SAMP and CORR over two columns.
 *
 * A slot keeps n (count), the running mean (v.d2[0]) and M2, the sum of squared
 * differences from the mean (v.d2[1]), updated with Welford's method; two
 * slots merge with Chan et al.'s pairwise formula, so the two phases give the
 * same numbers as one pass up to rounding.
 *
 * Results (Spark 4, spark.sql.legacy.statisticalAggregate = false): NULL for
 * n = 0; the sample statistics are NULL for n = 1 too (not NaN); var = M2 / n
 * or M2 / (n - 1), stddev its square root.  skewness = sqrt(n) M3 / M2^1.5 and
 * kurtosis = n M4 / M2^2 - 3, NULL when M2 = 0; covar = C / n or C / (n - 1);
 * corr = C / sqrt(M2x M2y), NULL for n = 1; for n >= 2 with M2x M2y = 0 Spark's
 * division by zero: DIVIDE_BY_ZERO in ANSI mode, else NULL (agg_ext.c); the
 * other statistics check their divisors and give NULL (all Spark's).
 *
 * Two partial states a and b (n = na + nb, d = mean_b - mean_a) merge with
 * the pairwise formulas (Chan et al.; Pébay 2008):
 *   M2 = M2a + M2b + d^2 na nb / n
 *   M3 = M3a + M3b + d^3 na nb (na - nb) / n^2 + 3 d (na M2b - nb M2a) / n
 *   M4 = M4a + M4b + d^4 na nb (na^2 - na nb + nb^2) / n^3
 *        + 6 d^2 (na^2 M2b + nb^2 M2a) / n^2 + 4 d (na M3b - nb M3a) / n
 *   C  = Ca + Cb + dx dy na nb / n
 * Folding one value uses the one-pass updates (moments_add).  Operations are
 * ordered as in Spark, whose results we reproduce to the last digit on one
 * partition; with several workers merging, the last digit may differ.
 */
#include <math.h>

#include "engine/exec/agg_int.h"

void exec_agg_stats_fold(agg_slot *s, double x) {
    s->count++;
    double delta = x - s->v.d2[0], delta_n = delta / (double)s->count;
    s->v.d2[0] += delta_n;
    s->v.d2[1] += delta * (delta - delta_n);
    s->has = true;
}

void exec_agg_stats_merge(agg_slot *into, const agg_slot *from) {
    if (!from->count) return;
    if (!into->count) {
        *into = *from;
        return;
    }
    double na = (double)into->count, nb = (double)from->count, n = na + nb;
    double delta = from->v.d2[0] - into->v.d2[0], delta_n = delta / n;
    into->v.d2[0] += delta_n * nb;
    into->v.d2[1] += from->v.d2[1] + delta * delta_n * na * nb;
    into->count += from->count;
    into->has = true;
}

bool exec_agg_stats_result(exec_agg_kind k, const agg_slot *s, double *out) {
    bool sample = k == EXEC_AGG_VAR_SAMP || k == EXEC_AGG_STDDEV_SAMP;
    if (s->count == 0 || (sample && s->count == 1)) return false;
    double var = s->v.d2[1] / (double)(sample ? s->count - 1 : s->count);
    *out = k == EXEC_AGG_STDDEV_SAMP || k == EXEC_AGG_STDDEV_POP ? sqrt(var) : var;
    return true;
}

typedef struct moments {
    double n, mx, m2, m3, m4; /* one column (x) */
    double my, m2y, c;        /* bivariate: y's mean and M2, the co-moment */
} moments;

bool exec_agg_is_moments(exec_agg_kind k) { return k >= EXEC_AGG_SKEWNESS && k <= EXEC_AGG_CORR; }

bool exec_agg_is_bivariate(exec_agg_kind k) {
    return k >= EXEC_AGG_COVAR_POP && k <= EXEC_AGG_CORR;
}

/*
 * Merge b into a: n = na + nb, d = mean_b - mean_a, dn = d / n (in this order
 * of operations, as Spark's CentralMomentAgg / Covariance merge, so the digits
 * agree).
 */
static void moments_merge(moments *a, const moments *b) {
    if (b->n == 0) return;
    if (a->n == 0) {
        *a = *b;
        return;
    }
    double na = a->n, nb = b->n, n = na + nb;
    double d = b->mx - a->mx, dn = d / n, dy = b->my - a->my, dyn = dy / n;
    double m2 = a->m2 + b->m2 + d * dn * na * nb;
    double m3 = a->m3 + b->m3 + dn * dn * d * na * nb * (na - nb) +
                3.0 * dn * (na * b->m2 - nb * a->m2);
    double m4 = a->m4 + b->m4 + dn * dn * dn * d * na * nb * (na * na - na * nb + nb * nb) +
                6.0 * dn * dn * (na * na * b->m2 + nb * nb * a->m2) +
                4.0 * dn * (na * b->m3 - nb * a->m3);
    a->c += b->c + d * dyn * na * nb;
    a->m2y += b->m2y + dy * dyn * na * nb;
    a->mx += dn * nb;
    a->my += dyn * nb;
    a->m2 = m2;
    a->m3 = m3;
    a->m4 = m4;
    a->n = n;
}

/*
 * Fold one value (x, y): the one-pass updates with dn = d / n (Meng 2015,
 * "Simpler online updates for arbitrary-order central moments"):
 *   M2' = M2 + d (d - dn)
 *   M3' = M3 - 3 dn M2' + d (d^2 - dn^2)
 *   M4' = M4 - 4 dn M3' - 6 dn^2 M2' + d (d^3 - dn^3)
 *   C'  = C + dx (y - mean_y'),  M2y' = M2y + dy (y - mean_y')
 */
static void moments_add(moments *m, double x, double y) {
    double n = m->n + 1.0;
    double d = x - m->mx, dn = d / n, dy = y - m->my;
    double m2 = m->m2 + d * (d - dn);
    double d2 = d * d, dn2 = dn * dn;
    double m3 = m->m3 - 3.0 * dn * m2 + d * (d2 - dn2);
    m->m4 = m->m4 - 4.0 * dn * m3 - 6.0 * dn2 * m2 + d * (d * d2 - dn * dn2);
    m->m3 = m3;
    m->mx += dn;
    m->my += dy / n;
    m->c += d * (y - m->my);
    m->m2y += dy * (y - m->my);
    m->m2 = m2;
    m->n = n;
}

static moments *record(agg_ext_store *st, agg_slot *s) {
    if (!s->v.p) s->v.p = bk_arena_zalloc(st->arena, sizeof(moments));
    s->has = true;
    return s->v.p;
}

bk_status exec_agg_moments_consume(agg_ext_store *st, const exec_agg *agg, agg_slot *slots,
                                   const uint32_t *gid, size_t n, const bk_vector *v,
                                   const bk_vector *v2, bk_error *err) {
    bool bi = exec_agg_is_bivariate(agg->kind);
    const double *x = v->data, *y = bi ? v2->data : NULL;
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i) || (bi && !bk_vector_is_valid(v2, i))) continue;
        moments *m = record(st, &slots[gid[i]]);
        if (!m) return bk_arena_oom(st->arena, err);
        moments_add(m, x[i], bi ? y[i] : 0);
        slots[gid[i]].count++;
    }
    return BK_OK;
}

bk_status exec_agg_moments_merge(agg_ext_store *st, agg_slot *into, const agg_slot *from,
                                 bk_error *err) {
    if (!from->v.p) return BK_OK;
    moments *m = record(st, into);
    if (!m) return bk_arena_oom(st->arena, err);
    moments_merge(m, from->v.p);
    into->count += from->count;
    return BK_OK;
}

bool exec_agg_corr_divides_by_zero(const agg_slot *s) {
    const moments *m = s->v.p;
    return m && m->n >= 2 && sqrt(m->m2 * m->m2y) == 0;
}

bool exec_agg_moments_result(exec_agg_kind k, const agg_slot *s, double *out) {
    const moments *m = s->v.p;
    if (!m || m->n == 0) return false;
    switch (k) {
    case EXEC_AGG_SKEWNESS:
        if (m->m2 == 0) return false;
        *out = sqrt(m->n) * m->m3 / sqrt(m->m2 * m->m2 * m->m2);
        return true;
    case EXEC_AGG_KURTOSIS:
        if (m->m2 == 0) return false;
        *out = m->n * m->m4 / (m->m2 * m->m2) - 3.0;
        return true;
    case EXEC_AGG_COVAR_POP:
        *out = m->c / m->n;
        return true;
    case EXEC_AGG_COVAR_SAMP:
        if (m->n < 2) return false;
        *out = m->c / (m->n - 1);
        return true;
    default: /* CORR */
        if (m->m2 == 0 || m->m2y == 0) return false;
        *out = m->c / sqrt(m->m2 * m->m2y);
        return true;
    }
}
