/*
 * write_dict.c — the per-column-chunk dictionary of the Parquet writer.
 *
 * Values are kept in insertion order, already in their PLAIN encoding, so the
 * dictionary page body is the `plain` buffer as it stands.  Lookup is an open-
 * addressing hash table with linear probing, capacity a power of two, at most half
 * full.  Two specialisations, chosen once per chunk by the physical type:
 *
 *   4- and 8-byte values (INT32, INT64, FLOAT, DOUBLE): the slot stores the value
 *     bits themselves, so a hit costs one probe and no indirection.  Floats are
 *     compared by bit pattern: -0.0 and +0.0, and NaNs with different payloads, are
 *     distinct entries, so the file reproduces the input bits exactly.
 *   byte arrays (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY): the slot stores a 64-bit hash;
 *     bytes are compared only when the hashes match.
 *
 * Cost: one hash and ~1.5 probes per value on average; an insert appends to `plain`
 * and may double the table (rehash, amortised O(1)).
 */
#include <string.h>

#include "base/mem.h"
#include "parquet/writer_int.h"

/*
 * The 64-bit finaliser of MurmurHash3.  It is a bijection (distinct values keep
 * distinct keys) and spreads every input bit into the low bits the table uses, so
 * sequential ids do not pile up in neighbouring slots.
 */
static inline uint64_t mix64(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/* A fast 64-bit hash of a byte string (8 bytes per step, then a final mix). */
static uint64_t hash_bytes(const uint8_t *p, size_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)n * 0xC2B2AE3D27D4EB4FULL);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = rotl64(h ^ (w * 0x87C37B91114253D5ULL), 31) * 0x4CF5AD432745937FULL;
        p += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, p, n);
        h = rotl64(h ^ (w * 0x87C37B91114253D5ULL), 31) * 0x4CF5AD432745937FULL;
    }
    return mix64(h);
}

void pq_wr_dict_init(pq_wr_dict *d, pq_physical physical, size_t width) {
    memset(d, 0, sizeof *d);
    d->physical = physical;
    d->width = physical == PQ_BYTE_ARRAY ? 0 : width;
    bk_buf_init(&d->plain);
}

void pq_wr_dict_destroy(pq_wr_dict *d) {
    bk_buf_destroy(&d->plain);
    bk_free(d->offs);
    bk_free(d->slot_idx);
    bk_free(d->slot_key);
    memset(d, 0, sizeof *d);
}

void pq_wr_dict_reset(pq_wr_dict *d) {
    d->n = 0;
    bk_buf_clear(&d->plain);
    if (d->slot_idx) memset(d->slot_idx, 0, ((size_t)d->mask + 1) * sizeof *d->slot_idx);
}

/* Is the value stored in the table by its bits (4/8-byte types)? */
static inline bool keyed_by_value(const pq_wr_dict *d) {
    return d->physical == PQ_INT32 || d->physical == PQ_FLOAT || d->physical == PQ_INT64 ||
           d->physical == PQ_DOUBLE;
}

/*
 * Double the table (or create it with 1024 slots) and reinsert every entry from its
 * stored key or hash; the values themselves are not touched.  Entry indexes, and so
 * the indices already written to pages, do not change.
 */
static BK_NOINLINE bk_status grow(pq_wr_dict *d) {
    size_t cap = d->slot_idx ? ((size_t)d->mask + 1) * 2 : 1024;
    if (cap > ((size_t)1 << 31)) return BK_OUT_OF_MEMORY;
    uint32_t *idx = bk_calloc(cap, sizeof *idx);
    uint64_t *key = bk_malloc(cap * sizeof *key);
    if (!idx || !key) {
        bk_free(idx);
        bk_free(key);
        return BK_OUT_OF_MEMORY;
    }
    uint32_t mask = (uint32_t)(cap - 1);
    bool by_value = keyed_by_value(d);
    for (size_t s = 0; d->slot_idx && s <= d->mask; s++) {
        uint32_t e = d->slot_idx[s];
        if (!e) continue;
        uint64_t k = d->slot_key[s];
        uint64_t h = by_value ? mix64(k) : k;
        size_t pos = h & mask;
        while (idx[pos]) pos = (pos + 1) & mask;
        idx[pos] = e;
        key[pos] = k;
    }
    bk_free(d->slot_idx);
    bk_free(d->slot_key);
    d->slot_idx = idx;
    d->slot_key = key;
    d->mask = mask;
    return BK_OK;
}

/* Would one more entry make the table more than half full? */
static inline bool needs_grow(const pq_wr_dict *d) {
    return !d->slot_idx || ((size_t)d->n + 1) * 2 > (size_t)d->mask + 1;
}

/* Insert/look up fixed 4- or 8-byte values given as their bits. */
#define DICT_INSERT_FIXED(T)                                                                     \
    do {                                                                                         \
        const T *v = values;                                                                     \
        for (size_t i = 0; i < n; i++) {                                                         \
            uint64_t k = (uint64_t)v[i];                                                         \
            size_t pos = mix64(k) & d->mask;                                                     \
            for (;;) {                                                                           \
                uint32_t e = d->slot_idx[pos];                                                   \
                if (e && d->slot_key[pos] == k) {                                                \
                    out[i] = e - 1;                                                              \
                    break;                                                                       \
                }                                                                                \
                if (!e) {                                                                        \
                    if (BK_UNLIKELY(needs_grow(d))) {                                            \
                        BK_TRY(grow(d));                                                         \
                        pos = mix64(k) & d->mask;                                                \
                        continue;                                                                \
                    }                                                                            \
                    T val = v[i];                                                                \
                    BK_TRY(bk_buf_append(&d->plain, &val, sizeof val));                          \
                    d->slot_idx[pos] = ++d->n;                                                   \
                    d->slot_key[pos] = k;                                                        \
                    out[i] = d->n - 1;                                                           \
                    break;                                                                       \
                }                                                                                \
                pos = (pos + 1) & d->mask;                                                       \
            }                                                                                    \
        }                                                                                        \
    } while (0)

/*
 * BYTE_ARRAY values: probe by hash, confirm with a length and byte comparison; a new
 * value is appended to `plain` as [len32][bytes] and its offset recorded.
 */
static bk_status insert_var(pq_wr_dict *d, const bk_str *v, size_t n, uint32_t *out) {
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = (const uint8_t *)v[i].ptr;
        size_t len = v[i].len;
        uint64_t h = hash_bytes(p, len);
        size_t pos = h & d->mask;
        for (;;) {
            uint32_t e = d->slot_idx[pos];
            if (!e) break;
            if (d->slot_key[pos] == h) {
                const uint8_t *q = d->plain.data + d->offs[e - 1];
                uint32_t qlen;
                memcpy(&qlen, q, 4);
                if (qlen == len && (len == 0 || memcmp(q + 4, p, len) == 0)) break;
            }
            pos = (pos + 1) & d->mask;
        }
        if (d->slot_idx[pos]) {
            out[i] = d->slot_idx[pos] - 1;
            continue;
        }
        if (BK_UNLIKELY(needs_grow(d))) {
            BK_TRY(grow(d));
            pos = h & d->mask;
            while (d->slot_idx[pos]) pos = (pos + 1) & d->mask;
        }
        if (d->n == d->offs_cap) {
            size_t cap = d->offs_cap ? d->offs_cap * 2 : 1024;
            size_t *o = bk_realloc(d->offs, cap * sizeof *o);
            if (!o) return BK_OUT_OF_MEMORY;
            d->offs = o;
            d->offs_cap = cap;
        }
        BK_TRY(bk_buf_reserve(&d->plain, 4 + len));
        d->offs[d->n] = d->plain.len;
        uint32_t len32 = (uint32_t)len;
        bk_buf_put(&d->plain, &len32, 4);
        if (len) bk_buf_put(&d->plain, p, len);
        d->slot_idx[pos] = ++d->n;
        d->slot_key[pos] = h;
        out[i] = d->n - 1;
    }
    return BK_OK;
}

/* FIXED_LEN_BYTE_ARRAY values (n * width bytes): entry i is at plain + i * width. */
static bk_status insert_flba(pq_wr_dict *d, const uint8_t *v, size_t n, uint32_t *out) {
    size_t w = d->width;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = v + i * w;
        uint64_t h = hash_bytes(p, w);
        size_t pos = h & d->mask;
        for (;;) {
            uint32_t e = d->slot_idx[pos];
            if (!e) break;
            if (d->slot_key[pos] == h && memcmp(d->plain.data + (size_t)(e - 1) * w, p, w) == 0)
                break;
            pos = (pos + 1) & d->mask;
        }
        if (d->slot_idx[pos]) {
            out[i] = d->slot_idx[pos] - 1;
            continue;
        }
        if (BK_UNLIKELY(needs_grow(d))) {
            BK_TRY(grow(d));
            pos = h & d->mask;
            while (d->slot_idx[pos]) pos = (pos + 1) & d->mask;
        }
        BK_TRY(bk_buf_append(&d->plain, p, w));
        d->slot_idx[pos] = ++d->n;
        d->slot_key[pos] = h;
        out[i] = d->n - 1;
    }
    return BK_OK;
}

bk_status pq_wr_dict_insert(pq_wr_dict *d, const void *values, size_t n, uint32_t *out) {
    if (n == 0) return BK_OK;
    if (!d->slot_idx) BK_TRY(grow(d));
    switch (d->physical) {
    case PQ_INT32:
    case PQ_FLOAT:
        DICT_INSERT_FIXED(uint32_t);
        return BK_OK;
    case PQ_INT64:
    case PQ_DOUBLE:
        DICT_INSERT_FIXED(uint64_t);
        return BK_OK;
    case PQ_BYTE_ARRAY:
        return insert_var(d, values, n, out);
    case PQ_FIXED_LEN_BYTE_ARRAY:
        return insert_flba(d, values, n, out);
    default:
        return BK_INTERNAL;
    }
}
