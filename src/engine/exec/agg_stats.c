/*
 * agg_stats.c — variance and standard deviation: VAR_SAMP, VAR_POP,
 * STDDEV_SAMP, STDDEV_POP over DOUBLE inputs (the binder casts numbers to DOUBLE,
 * as Spark's CentralMomentAgg does).
 *
 * A slot keeps n (count), the running mean (v.d2[0]) and M2, the sum of squared
 * differences from the mean (v.d2[1]), updated with Welford's method; two
 * slots merge with Chan et al.'s pairwise formula, so the two phases give the
 * same numbers as one pass up to rounding.
 *
 * Results (Spark 4, spark.sql.legacy.statisticalAggregate = false): NULL for
 * n = 0; the sample statistics are NULL for n = 1 too (not NaN); var = M2 / n
 * or M2 / (n - 1), stddev its square root.
 */
#include <math.h>

#include "engine/exec/agg_int.h"

void exec_agg_stats_fold(agg_slot *s, double x) {
    s->count++;
    double delta = x - s->v.d2[0];
    s->v.d2[0] += delta / (double)s->count;
    s->v.d2[1] += delta * (x - s->v.d2[0]);
    s->has = true;
}

void exec_agg_stats_merge(agg_slot *into, const agg_slot *from) {
    if (!from->count) return;
    if (!into->count) {
        *into = *from;
        return;
    }
    double na = (double)into->count, nb = (double)from->count, n = na + nb;
    double delta = from->v.d2[0] - into->v.d2[0];
    into->v.d2[0] += delta * nb / n;
    into->v.d2[1] += from->v.d2[1] + delta * delta * na * nb / n;
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
