/*
 * agg_int.h — the hash aggregate's per-group state, shared by op_agg.c (the sink:
 * hash tables, DISTINCT, the two phases) and the files of the aggregates beyond
 * COUNT/SUM/AVG/MIN/MAX (private to src/engine/exec/):
 *
 *   agg_ext.c    dispatch, FIRST/LAST/ANY_VALUE, MAX_BY/MIN_BY, COUNT_IF
 *   agg_stats.c  VAR_SAMP/VAR_POP/STDDEV_SAMP/STDDEV_POP (Welford, Chan's merge)
 *   agg_log.c    COLLECT_LIST (and COLLECT_SET = DISTINCT), PERCENTILE, PERCENTILE_APPROX
 *   agg_hll.c    APPROX_COUNT_DISTINCT (HyperLogLog++ registers)
 *
 * Every aggregate of a table owns one agg_slot per group (indexed by the
 * group's number in the table's bk_hmap) and one agg_ext_store: an arena for
 * what slots point to, and a log for the kinds that keep every value.
 *
 * Phases: consume folds a chunk's rows into a worker's local table; merge folds
 * one local slot into the global slot of the same group (serially, once per
 * worker); result turns the global slots into the output column.  Values a
 * slot keeps (strings, pick records, registers) are copied into the store's
 * arena, so they outlive the chunk they came from.
 */
#ifndef BRICKS_ENGINE_EXEC_AGG_INT_H
#define BRICKS_ENGINE_EXEC_AGG_INT_H

#include "base/buf.h"
#include "engine/exec/exec_int.h"

typedef struct agg_slot {
    int64_t count; /* rows (COUNT_STAR), non-NULL values, or COUNT_IF's count */
    union {
        int64_t i;
        double d;
        double d2[2]; /* variance: mean, M2 */
        bk_i128 w;
        bk_str s;
        void *p; /* FIRST..MIN_BY: a pick record; APPROX_COUNT_DISTINCT: registers */
        uint8_t raw[16];
    } v;
    bool has;      /* v holds a value */
    bool overflow; /* DECIMAL SUM / AVG with ANSI off: the 128-bit sum overflowed (NULL) */
} agg_slot;

/*
 * The extra state of one aggregate in one table.  log entries (COLLECT_LIST,
 * PERCENTILE*): [u32 group][u32 len][u64 order][len bytes], appended in any
 * order; `order` is the row's position in the source (morsel << 24 | row).
 */
typedef struct agg_ext_store {
    bk_arena *arena; /* the table's: outlives every chunk */
    bk_buf log;
} agg_ext_store;

/* The order key of row `row` of the chunk of morsel `morsel`. */
static inline uint64_t exec_agg_order(uint64_t morsel, size_t row) {
    return (morsel << 24) | (uint64_t)row;
}

/*
 * SUM / AVG of ANSI intervals (op_agg.c, op_window.c): the sum leaves the
 * interval's range (Spark's Add of intervals, in both modes).
 */
static inline bk_status exec_agg_interval_overflow(bk_error *err) {
    return bk_error_set(err, BK_INTERVAL_ARITHMETIC_OVERFLOW,
                        "[INTERVAL_ARITHMETIC_OVERFLOW.WITH_SUGGESTION] Integer overflow while "
                        "operating with intervals. Use 'try_add' to tolerate overflow and "
                        "return NULL instead.");
}

/*
 * SUM / AVG of DECIMAL (op_agg.c, op_window.c): the sum leaves the 128-bit range
 * (Spark's error in ANSI mode; the result is NULL otherwise).
 */
static inline bk_status exec_agg_decimal_overflow(bk_error *err) {
    return bk_error_set(err, BK_ARITHMETIC_OVERFLOW,
                        "Overflow in sum of decimals. Use 'try_sum' to tolerate overflow and "
                        "return NULL instead. If necessary set \"spark.sql.ansi.enabled\" to "
                        "\"false\" to bypass this error.");
}

/* An interval sum fits its type: int32 months (YEAR-MONTH), int64 µs (DAY-TIME). */
static inline bool exec_agg_interval_fits(bk_type_kind k, int64_t x) {
    return k != BK_TYPE_INTERVAL_YM || (x >= INT32_MIN && x <= INT32_MAX);
}

/* x / n rounded HALF_UP (ties away from zero), n > 0: AVG of intervals (Spark). */
static inline int64_t exec_agg_div_half_up(int64_t x, int64_t n) {
    int64_t q = x / n, r = x % n;
    if (r < 0 ? -r >= n - (-r) : r >= n - r) q += x < 0 ? -1 : 1;
    return q;
}

/* True for the kinds handled by the files above (not by op_agg.c's fold). */
bool exec_agg_is_ext(exec_agg_kind k);

/*
 * Fold rows [0, n) of v (and of v2, the ordering column of MAX_BY / MIN_BY, else
 * NULL) into slots[gid[i]].  Row i's order key is orders ? orders[i] :
 * exec_agg_order(morsel, i).  `scratch` is a buffer for serialized values.
 */
bk_status exec_agg_ext_consume(exec_ctx *ctx, agg_ext_store *st, const exec_agg *agg,
                               agg_slot *slots, const uint32_t *gid, size_t n, const bk_vector *v,
                               const bk_vector *v2, uint64_t morsel, const uint64_t *orders,
                               bk_buf *scratch, bk_error *err);

/*
 * Fold `from` (a slot of another table, of the same group) into `into`.  in_type
 * and in_type2 are the types of the aggregate's column and column2.  Log
 * entries are merged separately (exec_agg_log_merge).
 */
bk_status exec_agg_ext_merge(exec_ctx *ctx, agg_ext_store *st, const exec_agg *agg,
                             const bk_type *in_type, const bk_type *in_type2, agg_slot *into,
                             const agg_slot *from, bk_error *err);

/*
 * The results of all n_groups groups as one vector of agg->type in ctx->arena.
 */
bk_status exec_agg_ext_result(exec_ctx *ctx, const exec_agg *agg, const bk_type *in_type,
                              agg_ext_store *st, const agg_slot *slots, size_t n_groups,
                              bk_vector **out, bk_error *err);

/* ---- agg_stats.c ---- */
void exec_agg_stats_fold(agg_slot *s, double x);
void exec_agg_stats_merge(agg_slot *into, const agg_slot *from);
/* The statistic of kind k from a slot into *out; false when it is NULL (n too small). */
bool exec_agg_stats_result(exec_agg_kind k, const agg_slot *s, double *out);

/*
 * SKEWNESS, KURTOSIS (one column) and COVAR_POP, COVAR_SAMP, CORR (column and
 * column2): a moments record in the store's arena (slot.v.p), merged with the
 * pairwise update formulas.
 */
bool exec_agg_is_moments(exec_agg_kind k);
bool exec_agg_is_bivariate(exec_agg_kind k);
bk_status exec_agg_moments_consume(agg_ext_store *st, const exec_agg *agg, agg_slot *slots,
                                   const uint32_t *gid, size_t n, const bk_vector *v,
                                   const bk_vector *v2, bk_error *err);
bk_status exec_agg_moments_merge(agg_ext_store *st, agg_slot *into, const agg_slot *from,
                                 bk_error *err);
bool exec_agg_moments_result(exec_agg_kind k, const agg_slot *s, double *out);
/*
 * CORR of two rows or more with a constant side: Spark divides by
 * sqrt(M2x M2y) = 0, DIVIDE_BY_ZERO in ANSI mode (NULL otherwise).
 */
bool exec_agg_corr_divides_by_zero(const agg_slot *s);

/* ---- agg_log.c ---- */
bool exec_agg_is_log(exec_agg_kind k);
bk_status exec_agg_log_consume(agg_ext_store *st, const exec_agg *agg, agg_slot *slots,
                               const uint32_t *gid, size_t n, const bk_vector *v, uint64_t morsel,
                               const uint64_t *orders, bk_buf *scratch, bk_error *err);
/* Append from's entries to into's, with group g renamed gmap[g]. */
bk_status exec_agg_log_merge(agg_ext_store *into, const agg_ext_store *from,
                             const uint32_t *gmap, bk_error *err);
bk_status exec_agg_log_result(exec_ctx *ctx, const exec_agg *agg, const bk_type *in_type,
                              agg_ext_store *st, size_t n_groups, bk_vector **out, bk_error *err);

/* ---- agg_hll.c ---- */
/* Registers of 2^p bytes for Spark's relative standard deviation rsd (p from rsd). */
int exec_hll_precision(double rsd);
bk_status exec_hll_consume(agg_ext_store *st, const exec_agg *agg, agg_slot *slots,
                           const uint32_t *gid, size_t n, const bk_vector *v, bk_buf *scratch,
                           bk_error *err);
bk_status exec_hll_merge(agg_ext_store *st, const exec_agg *agg, agg_slot *into,
                         const agg_slot *from, bk_error *err);
int64_t exec_hll_estimate(const exec_agg *agg, const agg_slot *s);

#endif
