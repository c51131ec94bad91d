/*
 * sort_merge.c — sorting runs of records and merging them, in parallel.
 *
 * A run is sorted on one thread: by LSD radix sort when the key words decide
 * the order alone and the records start in row order (the full sort's runs):
 * one pass per key byte, skipping the bytes every record shares, stable, so
 * equal keys keep row order; otherwise by a merge sort comparing records
 * (sort_rec_cmp).  Records are distinct (their tie words differ), so both give
 * the same, stable order.
 *
 * The sorted runs are merged with a loser tree: each output record costs
 * log2(runs) comparisons.  To merge on every core, the output is cut into
 * ranges by splitter records (sampled evenly from every run, so also already
 * sorted inputs balance); in each run a binary search finds where a range
 * starts, and each range is one pool task that merges its slices into its
 * place in the output.  Ranges that start at or after `want` (the top-N) are
 * skipped, and the others stop there.
 */
#include <string.h>

#include "base/thread.h"
#include "engine/exec/sort_int.h"

#define SORT_MAX_STRIDE (SORT_MAX_KEY_WORDS + 3) /* key words + at most 3 tie words */

/* ---- one run ---- */

static void insertion_sort(const sort_layout *l, uint64_t *recs, size_t n) {
    const size_t s = l->stride;
    uint64_t x[SORT_MAX_STRIDE];
    for (size_t i = 1; i < n; i++) {
        memcpy(x, recs + i * s, s * sizeof *x);
        size_t j = i;
        while (j > 0 && sort_rec_cmp(l, recs + (j - 1) * s, x) > 0) {
            memcpy(recs + j * s, recs + (j - 1) * s, s * sizeof *x);
            j--;
        }
        memcpy(recs + j * s, x, s * sizeof *x);
    }
}

/* Merge the sorted src[0..mid) and src[mid..n) into dst. */
static void merge_into(const sort_layout *l, const uint64_t *src, size_t mid, size_t n,
                       uint64_t *dst) {
    const size_t s = l->stride;
    const uint64_t *a = src, *a_end = src + mid * s, *b = a_end, *b_end = src + n * s;
    if (sort_rec_cmp(l, a_end - s, b) <= 0) { /* already in order */
        memcpy(dst, src, n * s * sizeof *dst);
        return;
    }
    uint64_t *o = dst;
    while (a < a_end && b < b_end) {
        if (sort_rec_cmp(l, b, a) < 0) {
            memcpy(o, b, s * sizeof *o);
            b += s;
        } else {
            memcpy(o, a, s * sizeof *o);
            a += s;
        }
        o += s;
    }
    memcpy(o, a, (size_t)(a_end - a) * sizeof *o);
    o += a_end - a;
    memcpy(o, b, (size_t)(b_end - b) * sizeof *o);
}

/*
 * Sort the n records of `dst`, whose copy `src` also holds, into `dst`: the
 * halves are sorted into `src` (roles swapped) and merged back, so each level
 * moves every record once (no copy back).
 */
static void merge_sort_into(const sort_layout *l, uint64_t *src, uint64_t *dst, size_t n) {
    if (n <= 16) {
        insertion_sort(l, dst, n);
        return;
    }
    const size_t s = l->stride, mid = n / 2;
    merge_sort_into(l, dst, src, mid);
    merge_sort_into(l, dst + mid * s, src + mid * s, n - mid);
    merge_into(l, src, mid, n, dst);
}

static void merge_sort(const sort_layout *l, uint64_t *recs, size_t n, uint64_t *tmp) {
    memcpy(tmp, recs, n * l->stride * sizeof *tmp);
    merge_sort_into(l, tmp, recs, n);
}

/*
 * LSD radix sort on the key words; stable.  Needs key_words <= 4.  Packed
 * records are sorted on their key bits only: the ref bits below them are in
 * order already (records start in ref order) and a stable sort keeps that.
 */
static void radix_sort(const sort_layout *l, uint64_t *recs, size_t n, uint64_t *tmp) {
    enum { MAX_DIGITS = 4 * 8 };
    const size_t s = l->stride;
    const uint32_t skip = l->packed ? l->item_bits + l->row_bits : 0; /* bits of word 0 */
    const uint32_t n_digits = l->packed ? (64 - skip + 7) / 8 : l->key_words * 8;
    uint32_t counts[MAX_DIGITS][256];
    memset(counts, 0, n_digits * sizeof counts[0]);
    /* digit d: byte (d % 8) of word key_words - 1 - d / 8 (least significant first) */
    for (size_t i = 0; i < n; i++) {
        const uint64_t *r = recs + i * s;
        if (skip) {
            uint64_t x = r[0] >> skip;
            for (uint32_t b = 0; b < n_digits; b++) counts[b][(x >> (b * 8)) & 0xff]++;
            continue;
        }
        for (uint32_t w = 0; w < l->key_words; w++) {
            uint64_t x = r[l->key_words - 1 - w];
            for (uint32_t b = 0; b < 8; b++) counts[w * 8 + b][(x >> (b * 8)) & 0xff]++;
        }
    }
    uint64_t *src = recs, *dst = tmp;
    for (uint32_t d = 0; d < n_digits; d++) {
        uint32_t *c = counts[d];
        bool trivial = false;
        for (int v = 0; v < 256; v++)
            if (c[v]) {
                trivial = c[v] == n;
                break;
            }
        if (trivial) continue; /* every record has the same byte here */
        size_t pos[256], sum = 0;
        for (int v = 0; v < 256; v++) {
            pos[v] = sum;
            sum += c[v];
        }
        const uint32_t word = skip ? 0 : l->key_words - 1 - d / 8;
        const uint32_t shift = skip ? skip + d * 8 : (d % 8) * 8;
        for (size_t i = 0; i < n; i++) {
            const uint64_t *r = src + i * s;
            size_t p = pos[(r[word] >> shift) & 0xff]++;
            memcpy(dst + p * s, r, s * sizeof *r);
        }
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != recs) memcpy(recs, src, n * s * sizeof *recs);
}

void sort_records(const sort_layout *l, uint64_t *recs, size_t n, uint64_t *tmp) {
    if (n < 2) return;
    bool exact = l->first_loose == l->n_keys;
    bool in_ref_order = l->n_tie == 1 || l->packed; /* records start in ref order */
    if (exact && in_ref_order && l->key_words >= 1 && l->key_words <= 4 && n >= 512)
        radix_sort(l, recs, n, tmp);
    else
        merge_sort(l, recs, n, tmp);
}

/* ---- merging ---- */

typedef struct cursor {
    const uint64_t *at, *end;
} cursor;

/* Does run x's head go before run y's?  An exhausted run goes after everything. */
static inline bool head_before(const sort_layout *l, const cursor *c, uint32_t x, uint32_t y) {
    if (c[x].at == c[x].end) return false;
    if (c[y].at == c[y].end) return true;
    return sort_rec_cmp(l, c[x].at, c[y].at) < 0;
}

/*
 * Merge the slices c[0..k) and write the refs of the first `want` records to
 * out.  A loser tree over k (rounded up to a power of two) leaves: tree[0] is
 * the winner, tree[1..size) the loser of each match.
 */
static void merge_slices(const sort_layout *l, cursor *c, uint32_t k, size_t want, uint64_t *out) {
    const size_t s = l->stride;
    if (k == 1) {
        for (size_t i = 0; i < want; i++) out[i] = sort_rec_ref(l, c[0].at + i * s);
        return;
    }
    enum { MAX_LEAVES = 64 };
    uint32_t size = 1;
    while (size < k) size <<= 1;
    cursor cur[MAX_LEAVES];
    for (uint32_t i = 0; i < size; i++) cur[i] = i < k ? c[i] : (cursor){NULL, NULL};
    uint32_t tree[MAX_LEAVES], win[2 * MAX_LEAVES];
    /* build bottom-up: win[node] = the winner below node; losers stay in tree */
    for (uint32_t i = 0; i < size; i++) win[size + i] = i;
    for (uint32_t node = size - 1; node >= 1; node--) {
        uint32_t a = win[2 * node], b = win[2 * node + 1];
        if (head_before(l, cur, b, a)) {
            win[node] = b;
            tree[node] = a;
        } else {
            win[node] = a;
            tree[node] = b;
        }
    }
    tree[0] = win[1];
    for (size_t i = 0; i < want; i++) {
        uint32_t w = tree[0];
        out[i] = sort_rec_ref(l, cur[w].at);
        cur[w].at += s;
        for (uint32_t node = (size + w) >> 1; node >= 1; node >>= 1) {
            if (head_before(l, cur, tree[node], w)) {
                uint32_t t = tree[node];
                tree[node] = w;
                w = t;
            }
        }
        tree[0] = w;
    }
}

/* First record of r that does not go before `key`. */
static size_t lower_bound(const sort_layout *l, const sort_run *r, const uint64_t *key) {
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sort_rec_cmp(l, r->recs + mid * l->stride, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

typedef struct merge_job {
    const sort_layout *l;
    const sort_run *runs;
    uint32_t n_runs;
    size_t want;
    size_t *bounds; /* (n_parts + 1) * n_runs: where part p starts in run r */
    uint64_t *out;
} merge_job;

static void merge_task(void *arg, size_t p, int worker) {
    (void)worker;
    merge_job *j = arg;
    const size_t *lo = j->bounds + p * j->n_runs, *hi = lo + j->n_runs;
    size_t start = 0, len = 0;
    cursor c[64];
    for (uint32_t r = 0; r < j->n_runs; r++) {
        start += lo[r];
        len += hi[r] - lo[r];
        c[r].at = j->runs[r].recs + lo[r] * j->l->stride;
        c[r].end = j->runs[r].recs + hi[r] * j->l->stride;
    }
    if (start >= j->want) return;
    merge_slices(j->l, c, j->n_runs, BK_MIN(len, j->want - start), j->out + start);
}

bk_status sort_merge_runs(exec_ctx *ctx, bk_arena *a, const sort_layout *l, const sort_run *runs,
                          uint32_t n_runs, size_t want, uint64_t *out, bk_error *err) {
    if (n_runs > 64) return bk_error_set(err, BK_INTERNAL, "sort: %u runs to merge", n_runs);
    if (want == 0 || n_runs == 0) return BK_OK;
    int threads = ctx->pool ? bk_pool_size(ctx->pool) : 1;
    size_t n_parts = (threads > 1 && want >= 65536) ? (size_t)threads * 4 : 1;
    size_t *bounds = bk_arena_array(a, (n_parts + 1) * n_runs, sizeof *bounds);
    if (!bounds) return bk_arena_oom(a, err);
    for (uint32_t r = 0; r < n_runs; r++) {
        bounds[r] = 0;
        bounds[n_parts * n_runs + r] = runs[r].n;
    }
    if (n_parts > 1) {
        /* candidates: n_parts - 1 evenly spaced records of every run, sorted */
        size_t n_cand = 0;
        const uint64_t **cand = bk_arena_array(a, (n_parts - 1) * n_runs, sizeof *cand);
        if (!cand) return bk_arena_oom(a, err);
        for (uint32_t r = 0; r < n_runs; r++)
            for (size_t i = 1; i < n_parts && runs[r].n; i++)
                cand[n_cand++] = runs[r].recs + (runs[r].n * i / n_parts) * l->stride;
        for (size_t i = 1; i < n_cand; i++) {
            const uint64_t *x = cand[i];
            size_t j = i;
            while (j > 0 && sort_rec_cmp(l, cand[j - 1], x) > 0) {
                cand[j] = cand[j - 1];
                j--;
            }
            cand[j] = x;
        }
        for (size_t p = 1; p < n_parts; p++) {
            const uint64_t *split = n_cand ? cand[n_cand * p / n_parts] : NULL;
            for (uint32_t r = 0; r < n_runs; r++)
                bounds[p * n_runs + r] = split ? lower_bound(l, &runs[r], split) : runs[r].n;
        }
    }
    merge_job job = {.l = l, .runs = runs, .n_runs = n_runs, .want = want, .bounds = bounds,
                     .out = out};
    if (n_parts > 1)
        bk_pool_run(ctx->pool, n_parts, merge_task, &job);
    else
        merge_task(&job, 0, 0);
    return BK_OK;
}
