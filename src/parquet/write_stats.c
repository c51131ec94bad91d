/*
 * write_stats.c — statistics of the Parquet writer: page and chunk min/max, null
 * counts, and the ColumnIndex.
 *
 * Min/max follow the column order TYPE_ORDER that the footer declares for every
 * leaf (parquet.thrift ColumnOrder):
 *   - INT32/INT64 (ints, dates, timestamps, decimals on ints): signed;
 *   - decimals on FIXED_LEN_BYTE_ARRAY: signed big-endian two's complement, i.e.
 *     the first byte compared as signed, the rest unsigned;
 *   - BYTE_ARRAY (strings, binary): unsigned bytewise, a prefix before its
 *     extensions;
 *   - FLOAT/DOUBLE: NaN never enters min/max, and a chunk that holds any NaN gets
 *     no min/max and no ColumnIndex at all: the spec excludes NaN from bounds, but
 *     parquet-mr (inside Spark) skips on such bounds and would lose the NaN rows;
 *     a zero min is written as -0.0 and a zero max as +0.0;
 *   - BOOLEAN: false < true.
 * Values are in their PLAIN encoding without a length prefix.  The deprecated
 * min/max fields (signed order only) are not written.
 *
 * Truncation (documented choice): ColumnIndex bounds of byte arrays are cut to
 * PQ_WR_INDEX_TRUNCATE (64) bytes, as parquet-mr does; chunk Statistics keep the
 * exact values up to PQ_WR_STATS_MAX_EXACT (4 KiB) and beyond that are cut to 64
 * bytes with is_min/max_value_exact false.  A cut min is a prefix of the value; a
 * cut max is a prefix whose last ASCII byte is incremented, so both are valid
 * bounds and stay valid UTF-8 (cuts fall on character boundaries).  A max that
 * cannot be cut that way is kept whole.
 */
#include <math.h>
#include <string.h>

#include "base/mem.h"
#include "parquet/writer_int.h"

/* Compare two FLBA decimals: big-endian two's complement of equal width. */
static inline int flba_cmp(const uint8_t *a, const uint8_t *b, size_t w) {
    if (a[0] != b[0]) return (int8_t)a[0] < (int8_t)b[0] ? -1 : 1;
    return w > 1 ? memcmp(a + 1, b + 1, w - 1) : 0;
}

/* Unsigned bytewise comparison, a prefix before its extensions (BYTE_ARRAY order). */
static inline int bytes_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* Generic min/max loop over integers of type T; GET(i) yields the value index. */
#define MINMAX_INT(T, GET)                                                                         \
    do {                                                                                           \
        const T *v = (const T *)(const void *)base;                                                \
        T lo = v[GET(0)], hi = lo;                                                                 \
        for (size_t i = 1; i < n; i++) {                                                           \
            T x = v[GET(i)];                                                                       \
            lo = x < lo ? x : lo;                                                                  \
            hi = x > hi ? x : hi;                                                                  \
        }                                                                                          \
        memcpy(out->min_buf, &lo, sizeof lo);                                                      \
        memcpy(out->max_buf, &hi, sizeof hi);                                                      \
        has = true;                                                                                \
    } while (0)

/* Same for floats: NaN skipped; zeros normalised afterwards. */
#define MINMAX_FLOAT(T, GET)                                                                       \
    do {                                                                                           \
        const T *v = (const T *)(const void *)base;                                                \
        T lo = 0, hi = 0;                                                                          \
        for (size_t i = 0; i < n; i++) {                                                           \
            T x = v[GET(i)];                                                                       \
            if (isnan(x)) {                                                                        \
                out->has_nan = true;                                                               \
                continue;                                                                          \
            }                                                                                      \
            if (!has) {                                                                            \
                lo = hi = x;                                                                       \
                has = true;                                                                        \
            } else {                                                                               \
                lo = x < lo ? x : lo;                                                              \
                hi = x > hi ? x : hi;                                                              \
            }                                                                                      \
        }                                                                                          \
        if (has) {                                                                                 \
            if (lo == 0) lo = -(T)0.0;                                                             \
            if (hi == 0) hi = (T)0.0;                                                              \
            memcpy(out->min_buf, &lo, sizeof lo);                                                  \
            memcpy(out->max_buf, &hi, sizeof hi);                                                  \
        }                                                                                          \
    } while (0)

#define GET_SEL(i) sel[i]
#define GET_DIRECT(i) (i)

void pq_wr_minmax_fixed(pq_wr_order ord, const uint8_t *base, size_t width, const uint32_t *sel,
                        size_t n, pq_wr_minmax *out) {
    bool has = false;
    out->has = false;
    out->has_nan = false;
    if (n == 0) return;
    switch (ord) {
    case PQ_WR_ORD_BOOL: {
        uint8_t lo = 1, hi = 0;
        for (size_t i = 0; i < n; i++) {
            uint8_t x = base[sel ? sel[i] : i] ? 1 : 0;
            lo &= x;
            hi |= x;
        }
        out->min_buf[0] = lo;
        out->max_buf[0] = hi;
        has = true;
        break;
    }
    case PQ_WR_ORD_I32:
        if (sel)
            MINMAX_INT(int32_t, GET_SEL);
        else
            MINMAX_INT(int32_t, GET_DIRECT);
        break;
    case PQ_WR_ORD_I64:
        if (sel)
            MINMAX_INT(int64_t, GET_SEL);
        else
            MINMAX_INT(int64_t, GET_DIRECT);
        break;
    case PQ_WR_ORD_F32:
        if (sel)
            MINMAX_FLOAT(float, GET_SEL);
        else
            MINMAX_FLOAT(float, GET_DIRECT);
        break;
    case PQ_WR_ORD_F64:
        if (sel)
            MINMAX_FLOAT(double, GET_SEL);
        else
            MINMAX_FLOAT(double, GET_DIRECT);
        break;
    case PQ_WR_ORD_FLBA_SIGNED: {
        const uint8_t *lo = base + (size_t)(sel ? sel[0] : 0) * width, *hi = lo;
        for (size_t i = 1; i < n; i++) {
            const uint8_t *x = base + (size_t)(sel ? sel[i] : i) * width;
            if (flba_cmp(x, lo, width) < 0) lo = x;
            if (flba_cmp(x, hi, width) > 0) hi = x;
        }
        memcpy(out->min_buf, lo, width);
        memcpy(out->max_buf, hi, width);
        has = true;
        break;
    }
    case PQ_WR_ORD_BYTES:
        break; /* not fixed-width */
    }
    if (!has) return;
    out->has = true;
    out->min = out->min_buf;
    out->max = out->max_buf;
    out->min_len = out->max_len = width;
}

void pq_wr_minmax_var(const uint8_t *base, const size_t *offs, const uint32_t *sel, size_t n,
                      pq_wr_minmax *out) {
    out->has = false;
    out->has_nan = false;
    if (n == 0) return;
    const uint8_t *lo = NULL, *hi = NULL;
    uint32_t lo_len = 0, hi_len = 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = base + offs[sel ? sel[i] : i];
        uint32_t len;
        memcpy(&len, p, 4);
        p += 4;
        if (!lo) {
            lo = hi = p;
            lo_len = hi_len = len;
            continue;
        }
        if (bytes_cmp(p, len, lo, lo_len) < 0) {
            lo = p;
            lo_len = len;
        } else if (bytes_cmp(p, len, hi, hi_len) > 0) {
            hi = p;
            hi_len = len;
        }
    }
    out->has = true;
    out->min = lo;
    out->min_len = lo_len;
    out->max = hi;
    out->max_len = hi_len;
}

int pq_wr_stat_cmp(pq_wr_order ord, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
    switch (ord) {
    case PQ_WR_ORD_BOOL:
        return (int)a[0] - (int)b[0];
    case PQ_WR_ORD_I32: {
        int32_t x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        return x < y ? -1 : x > y;
    }
    case PQ_WR_ORD_I64: {
        int64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return x < y ? -1 : x > y;
    }
    case PQ_WR_ORD_F32: {
        float x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        if (x == y) return signbit(x) && !signbit(y) ? -1 : !signbit(x) && signbit(y) ? 1 : 0;
        return x < y ? -1 : 1;
    }
    case PQ_WR_ORD_F64: {
        double x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x == y) return signbit(x) && !signbit(y) ? -1 : !signbit(x) && signbit(y) ? 1 : 0;
        return x < y ? -1 : 1;
    }
    case PQ_WR_ORD_FLBA_SIGNED:
        return flba_cmp(a, b, alen < blen ? alen : blen);
    case PQ_WR_ORD_BYTES:
        break;
    }
    return bytes_cmp(a, alen, b, blen);
}

/* Is byte p a UTF-8 continuation byte (10xxxxxx)? */
static inline bool is_cont(uint8_t p) { return (p & 0xC0) == 0x80; }

/* Cut a value of `len` bytes to at most `limit`, backing up to a UTF-8 boundary. */
static size_t utf8_cut(const uint8_t *v, size_t len, size_t limit) {
    size_t cut = limit;
    while (cut > 0 && cut < len && is_cont(v[cut])) cut--;
    return cut;
}

bool pq_wr_truncate_max(const uint8_t *v, size_t len, size_t limit, uint8_t *buf, size_t *out_len) {
    if (len <= limit) return false;
    size_t cut = utf8_cut(v, len, limit);
    /* Increment the last ASCII byte of the prefix (< 0x7F), dropping what follows. */
    for (size_t i = cut; i-- > 0;) {
        if (v[i] < 0x7F) {
            memcpy(buf, v, i);
            buf[i] = (uint8_t)(v[i] + 1);
            *out_len = i + 1;
            return true;
        }
    }
    return false;
}

bool pq_wr_truncate_min(const uint8_t *v, size_t len, size_t limit, size_t *out_len) {
    if (len <= limit) return false;
    *out_len = utf8_cut(v, len, limit);
    return true;
}

static bk_status set_buf(bk_buf *b, const uint8_t *p, size_t n) {
    bk_buf_clear(b);
    return bk_buf_append(b, p, n);
}

bk_status pq_wr_chunk_stats_add(pq_wr_chunk_stats *cs, pq_wr_order ord, const pq_wr_minmax *mm) {
    if (mm->has_nan) cs->has_nan = true;
    if (!mm->has) return BK_OK;
    if (!cs->has_minmax) {
        BK_TRY(set_buf(&cs->min, mm->min, mm->min_len));
        BK_TRY(set_buf(&cs->max, mm->max, mm->max_len));
        cs->has_minmax = true;
        return BK_OK;
    }
    if (pq_wr_stat_cmp(ord, mm->min, mm->min_len, cs->min.data, cs->min.len) < 0)
        BK_TRY(set_buf(&cs->min, mm->min, mm->min_len));
    if (pq_wr_stat_cmp(ord, mm->max, mm->max_len, cs->max.data, cs->max.len) > 0)
        BK_TRY(set_buf(&cs->max, mm->max, mm->max_len));
    return BK_OK;
}

bk_status pq_wr_chunk_stats_finish(bk_arena *a, const pq_wr_chunk_stats *cs, pq_wr_order ord,
                                   pq_statistics *st) {
    memset(st, 0, sizeof *st);
    st->has_null_count = true;
    st->null_count = cs->null_count;
    if (!cs->has_minmax || cs->has_nan) return BK_OK;
    const uint8_t *min = cs->min.data, *max = cs->max.data;
    size_t min_len = cs->min.len, max_len = cs->max.len;
    bool min_exact = true, max_exact = true;
    uint8_t maxbuf[PQ_WR_INDEX_TRUNCATE];
    if (ord == PQ_WR_ORD_BYTES && min_len > PQ_WR_STATS_MAX_EXACT) {
        pq_wr_truncate_min(min, min_len, PQ_WR_INDEX_TRUNCATE, &min_len);
        min_exact = false;
    }
    if (ord == PQ_WR_ORD_BYTES && max_len > PQ_WR_STATS_MAX_EXACT &&
        pq_wr_truncate_max(max, max_len, PQ_WR_INDEX_TRUNCATE, maxbuf, &max_len)) {
        max = maxbuf;
        max_exact = false;
    }
    /* arena copies (a zero-length string still needs a non-NULL pointer) */
    uint8_t *pmin = bk_arena_memdup(a, min ? min : (const uint8_t *)"", min_len ? min_len : 1);
    uint8_t *pmax = bk_arena_memdup(a, max ? max : (const uint8_t *)"", max_len ? max_len : 1);
    if (!pmin || !pmax) return BK_OUT_OF_MEMORY;
    st->has_min_value = st->has_max_value = true;
    st->min_value = (pq_bytes){pmin, (uint32_t)min_len};
    st->max_value = (pq_bytes){pmax, (uint32_t)max_len};
    st->has_is_min_value_exact = st->has_is_max_value_exact = true;
    st->is_min_value_exact = min_exact;
    st->is_max_value_exact = max_exact;
    return BK_OK;
}

/*
 * ASCENDING / DESCENDING / UNORDERED over the pages that have bounds (null pages are
 * skipped, as PageIndex.md allows): ascending when every page's min and max are >=
 * the previous page's; one page, or all equal, counts as ascending.
 */
static pq_boundary_order boundary_order(const pq_wr_page *pages, uint32_t n, pq_wr_order ord) {
    bool asc = true, desc = true;
    const pq_wr_page *prev = NULL;
    for (uint32_t i = 0; i < n; i++) {
        const pq_wr_page *p = &pages[i];
        if (!p->has_minmax) continue;
        if (prev) {
            int cmin = pq_wr_stat_cmp(ord, prev->min.ptr, prev->min.len, p->min.ptr, p->min.len);
            int cmax = pq_wr_stat_cmp(ord, prev->max.ptr, prev->max.len, p->max.ptr, p->max.len);
            if (cmin > 0 || cmax > 0) asc = false;
            if (cmin < 0 || cmax < 0) desc = false;
        }
        prev = p;
    }
    return asc ? PQ_ASCENDING : desc ? PQ_DESCENDING : PQ_UNORDERED;
}

bk_status pq_wr_column_index_encode(const pq_wr_page *pages, uint32_t n, pq_wr_order ord,
                                    bk_buf *out, bool *written) {
    *written = false;
    for (uint32_t i = 0; i < n; i++)
        if (pages[i].n_values > 0 && !pages[i].has_minmax) return BK_OK;
    pq_column_index ci = {0};
    ci.n_pages = n;
    ci.null_pages = bk_calloc(n ? n : 1, sizeof *ci.null_pages);
    ci.min_values = bk_calloc(n ? n : 1, sizeof *ci.min_values);
    ci.max_values = bk_calloc(n ? n : 1, sizeof *ci.max_values);
    ci.null_counts = bk_calloc(n ? n : 1, sizeof *ci.null_counts);
    bk_status st = BK_OUT_OF_MEMORY;
    if (ci.null_pages && ci.min_values && ci.max_values && ci.null_counts) {
        static const uint8_t empty[1] = {0};
        for (uint32_t i = 0; i < n; i++) {
            ci.null_pages[i] = pages[i].n_values == 0;
            ci.min_values[i] = pages[i].has_minmax ? pages[i].min : (pq_bytes){empty, 0};
            ci.max_values[i] = pages[i].has_minmax ? pages[i].max : (pq_bytes){empty, 0};
            ci.null_counts[i] = pages[i].null_count;
        }
        ci.boundary_order = boundary_order(pages, n, ord);
        ci.has_null_counts = true;
        st = pq_meta_encode_column_index(&ci, out);
        if (st == BK_OK) *written = true;
    }
    bk_free(ci.null_pages);
    bk_free(ci.min_values);
    bk_free(ci.max_values);
    bk_free(ci.null_counts);
    return st;
}
