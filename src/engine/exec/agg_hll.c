/*
 * agg_hll.c — APPROX_COUNT_DISTINCT: a HyperLogLog++ sketch per group.
 *
 * As Spark's HyperLogLogPlusPlus: the precision p follows from the relative
 * standard deviation rsd (default 0.05) as p = ceil(2 log2(1.106 / rsd)), so the
 * default keeps m = 2^9 = 512 registers; a value's 64-bit hash picks a register
 * with its first p bits and the register keeps the largest rank (leading zeros
 * + 1) of the remaining bits.  Sketches merge by register-wise maximum, so the
 * two phases give exactly the sketch one pass would.
 *
 * The estimate: the raw HLL estimate alpha_m m^2 / sum(2^-M[j]); while some
 * registers are still zero, linear counting m ln(m / zeros) is used when it is
 * at most Spark's threshold for p (e.g. 400 for p = 9), which makes small
 * counts exact unless two values share a register.  We do not carry the
 * empirical bias tables of the HLL++ paper, so between the threshold and 5m the
 * raw estimate is used uncorrected (its error stays within a few rsd); values
 * are hashed with our own hash, so estimates may differ from Spark's in the
 * last digits, within the same error bound.  NULLs are not counted.
 */
#include <math.h>
#include <string.h>

#include "base/hash.h"
#include "engine/exec/agg_int.h"

int exec_hll_precision(double rsd) { return (int)ceil(2.0 * log(1.106 / rsd) / log(2.0)); }

static uint8_t *registers(agg_ext_store *st, const exec_agg *agg, agg_slot *s) {
    if (!s->v.p) {
        size_t m = (size_t)1 << exec_hll_precision(agg->rsd);
        s->v.p = bk_arena_zalloc(st->arena, m);
    }
    return s->v.p;
}

bk_status exec_hll_consume(agg_ext_store *st, const exec_agg *agg, agg_slot *slots,
                           const uint32_t *gid, size_t n, const bk_vector *v, bk_buf *scratch,
                           bk_error *err) {
    int p = exec_hll_precision(agg->rsd);
    bk_vector *cols[1] = {(bk_vector *)v};
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        if (exec_key_serialize(cols, 1, i, false, scratch) < 0)
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in approx_count_distinct");
        uint64_t h = bk_hash_bytes(scratch->data, scratch->len, 0x5eed42);
        h = bk_hash_u64(h ^ (h >> 29));
        uint8_t *r = registers(st, agg, &slots[gid[i]]);
        if (!r) return bk_arena_oom(st->arena, err);
        size_t idx = (size_t)(h >> (64 - p));
        uint64_t w = (h << p) | ((uint64_t)1 << (p - 1));
        uint8_t rank = (uint8_t)(__builtin_clzll(w) + 1);
        if (rank > r[idx]) r[idx] = rank;
        slots[gid[i]].has = true;
    }
    return BK_OK;
}

bk_status exec_hll_merge(agg_ext_store *st, const exec_agg *agg, agg_slot *into,
                         const agg_slot *from, bk_error *err) {
    if (!from->v.p) return BK_OK;
    uint8_t *r = registers(st, agg, into);
    if (!r) return bk_arena_oom(st->arena, err);
    const uint8_t *f = from->v.p;
    size_t m = (size_t)1 << exec_hll_precision(agg->rsd); /* a multiple of 16 */
    /* OPTIMIZATION: eight registers at a time; ranks are below 128, so the top bit
       of (a | 0x80) - b in each byte says a >= b */
    const uint64_t hi = 0x8080808080808080ull;
    for (size_t j = 0; j < m; j += 8) {
        uint64_t a, b;
        memcpy(&a, r + j, 8);
        memcpy(&b, f + j, 8);
        uint64_t ge = (((a | hi) - b) & hi) >> 7, mask = ge * 0xff;
        a = (a & mask) | (b & ~mask);
        memcpy(r + j, &a, 8);
    }
    into->has = true;
    return BK_OK;
}

/* Spark's linear-counting thresholds for p = 4 .. 18 (from the HLL++ paper). */
static const double thresholds[] = {10,    20,    40,    80,     220,    400,    900,   1800,
                                    3100,  6500,  11500, 20000,  50000,  120000, 350000};

int64_t exec_hll_estimate(const exec_agg *agg, const agg_slot *s) {
    if (!s->v.p) return 0;
    int p = exec_hll_precision(agg->rsd);
    size_t m = (size_t)1 << p;
    const uint8_t *r = s->v.p;
    double sum = 0, pow2[66]; /* 2^-rank (ranks are at most 64 - p + 1), exact */
    size_t zeros = 0;
    pow2[0] = 1.0;
    for (int k = 1; k < 66; k++) pow2[k] = pow2[k - 1] * 0.5;
    for (size_t j = 0; j < m; j++) {
        sum += pow2[r[j] < 66 ? r[j] : 65];
        zeros += r[j] == 0;
    }
    double dm = (double)m;
    double alpha = p == 4 ? 0.673 : p == 5 ? 0.697 : p == 6 ? 0.709 : 0.7213 / (1 + 1.079 / dm);
    double e = alpha * dm * dm / sum;
    if (zeros) {
        double h = dm * log(dm / (double)zeros);
        int ti = p - 4;
        double threshold = ti >= 0 && ti < (int)BK_ARRAY_LEN(thresholds) ? thresholds[ti] : 0;
        if (h <= threshold) e = h;
    }
    return (int64_t)llround(e);
}
