/*
 * encode_delta.c — DELTA_BINARY_PACKED (5), DELTA_LENGTH_BYTE_ARRAY (6) and
 * DELTA_BYTE_ARRAY (7), parquet-format Encodings.md.
 *
 * DELTA_BINARY_PACKED (DBP) layout:
 *
 *     header  := <block size> <miniblocks per block> <total count> <first value>
 *                ULEB128 x 3, then a zigzag ULEB128
 *     block   := <min delta: zigzag ULEB128> <one bit-width byte per miniblock>
 *                <miniblocks>
 *     miniblock := (block size / miniblocks) deltas minus min delta, bit-packed LSB
 *                first at the miniblock's width; the last one holding values is
 *                padded to full size, the ones after it in the last block are
 *                absent (their width bytes are present and ignored)
 *
 * The block size is a multiple of 128 and a miniblock holds a multiple of 32
 * values, so every 32 values of a miniblock start on a byte boundary: the reader
 * below unpacks 32 at a time into a small buffer and prefix-sums them.  All
 * arithmetic is unsigned 64-bit, which wraps exactly as the spec requires; INT32
 * results are the low 32 bits (addition mod 2^64 reduces to addition mod 2^32).
 * So an INT32 stream whose min delta lies outside INT32 (a writer that took the
 * deltas in 64 bits) still decodes to the right values and is accepted; its first
 * value must be an INT32 and its bit widths at most 32.
 *
 * DELTA_LENGTH_BYTE_ARRAY is a DBP stream of lengths followed by the bytes of all
 * values back to back.  DELTA_BYTE_ARRAY is a DBP stream of prefix lengths (bytes
 * shared with the previous value) followed by a DELTA_LENGTH_BYTE_ARRAY of the
 * suffixes.  The data of a DELTA_LENGTH_BYTE_ARRAY starts where the lengths stream
 * ends, so the reader can walk a DBP stream to its end without decoding it
 * (skipping whole miniblocks by their byte size).
 *
 * Encoders write blocks of 128 values in 4 miniblocks of 32, as parquet-mr and
 * Arrow do.
 */
#include "base/endian.h"
#include "parquet/encoding.h"

#include <string.h>

#include "base/mem.h"

/* ---- varints and zigzag ---- */

enum { VARINT_OK, VARINT_TRUNCATED, VARINT_OVERFLOW };

/* Read a ULEB128 of at most 64 bits at data[*pos]; advance *pos on success. */
static int read_uleb64(const uint8_t *data, size_t len, size_t *pos, uint64_t *out) {
    size_t p = *pos;
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 70; shift += 7) {
        if (p >= len) return VARINT_TRUNCATED;
        uint8_t b = data[p++];
        if (shift == 63 && (b & 0x7e)) return VARINT_OVERFLOW;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            *pos = p;
            return VARINT_OK;
        }
    }
    return VARINT_OVERFLOW;
}

static inline uint64_t zigzag_encode(int64_t v) {
    return v < 0 ? ~((uint64_t)v << 1) : (uint64_t)v << 1;
}

/* The zigzag-decoded value, as the bits of a two's complement int64. */
static inline uint64_t zigzag_decode(uint64_t v) { return (v >> 1) ^ (0 - (v & 1)); }

static void put_uleb(bk_buf *out, uint64_t v) {
    while (v >= 0x80) {
        out->data[out->len++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out->data[out->len++] = (uint8_t)v;
}

/* ---- bit unpacking (widths 0..64) ---- */


static inline uint64_t width_mask(unsigned w) {
    return w >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << w) - 1;
}

/*
 * The `w`-bit value at bit `bit` of `in`, reading only the bytes it occupies (a
 * value of up to 64 bits at a bit offset up to 7 spans at most 9 bytes).
 */
static uint64_t extract64_safe(const uint8_t *in, uint64_t bit, unsigned w) {
    size_t byte = (size_t)(bit >> 3);
    unsigned shift = (unsigned)(bit & 7);
    size_t span = (shift + w + 7) / 8;
    uint64_t lo = 0;
    for (size_t k = 0; k < span && k < 8; k++) lo |= (uint64_t)in[byte + k] << (8 * k);
    uint64_t v = lo >> shift;
    if (span > 8) v |= (uint64_t)in[byte + 8] << (64 - shift);
    return v & width_mask(w);
}

/*
 * Unpack 32 values of width w (0..64) from `in` (4*w bytes) into out.  `avail` is
 * the number of readable bytes from `in` (>= 4*w); 64-bit loads are only used
 * while they stay inside it.
 */
static void unpack32(const uint8_t *in, size_t avail, unsigned w, uint64_t *out) {
    if (w == 0) {
        memset(out, 0, 32 * sizeof *out);
        return;
    }
    uint64_t mask = width_mask(w);
    if (avail >= 4 * (size_t)w + 8) {
        for (unsigned i = 0; i < 32; i++) {
            uint64_t bit = (uint64_t)i * w;
            size_t byte = (size_t)(bit >> 3);
            unsigned shift = (unsigned)(bit & 7);
            uint64_t v = bk_load_le64(in + byte) >> shift;
            if (shift + w > 64) v |= (uint64_t)in[byte + 8] << (64 - shift);
            out[i] = v & mask;
        }
    } else {
        for (unsigned i = 0; i < 32; i++) out[i] = extract64_safe(in, (uint64_t)i * w, w);
    }
}

/* ---- the DBP reader ---- */

/* Largest block size accepted; real writers use 128 to a few thousand. */
#define DBP_MAX_BLOCK ((uint64_t)1 << 31)

typedef struct dbp_reader {
    const uint8_t *data;
    size_t len;
    size_t pos;         /* next byte to read */
    const char *what;   /* names the stream in error messages */
    unsigned max_width; /* 32 for INT32 streams, 64 for INT64 */
    uint64_t per_block; /* values per block */
    uint64_t n_mini;    /* miniblocks per block */
    uint64_t per_mini;  /* values per miniblock; a multiple of 32 */
    uint64_t total;     /* values the header declares */
    uint64_t left;      /* values after the first not yet unpacked */
    bool first_pending; /* the header's first value is not yet delivered */
    uint64_t last;      /* the last value unpacked (mod 2^64) */
    uint64_t min_delta; /* of the current block */
    bool in_block;      /* a block header has been read */
    size_t widths_at;   /* offset of the current block's bit-width bytes */
    uint64_t mini_idx;  /* current miniblock within the block */
    uint64_t mini_left; /* values of the current miniblock not yet unpacked */
    unsigned width;     /* of the current miniblock */
    bool opened;        /* some miniblock has been opened */
    size_t mini_end;    /* offset just past the current miniblock */
    uint64_t buf[32];   /* unpacked values waiting to be delivered */
    unsigned buf_pos, buf_len;
} dbp_reader;

BK_NOINLINE static bk_status dbp_varint_error(const dbp_reader *r, bk_error *err, int why,
                                              size_t at, const char *field) {
    return bk_error_set(err, BK_CORRUPT, "could not decode %s: %s at byte %zu %s", r->what, field,
                        at, why == VARINT_TRUNCATED ? "is truncated" : "overflows 64 bits");
}

/*
 * Read the stream header and check it can supply `need` values.  `max_width` is
 * 32 or 64; for 32 the first value must be an INT32.
 */
static bk_status dbp_init(dbp_reader *r, const uint8_t *data, size_t len, unsigned max_width,
                          const char *what, size_t need, bk_error *err) {
    memset(r, 0, sizeof *r);
    r->data = data;
    r->len = len;
    r->what = what;
    r->max_width = max_width;
    uint64_t first;
    int rc;
    size_t at = r->pos;
    if ((rc = read_uleb64(data, len, &r->pos, &r->per_block)) != VARINT_OK)
        return dbp_varint_error(r, err, rc, at, "block size");
    at = r->pos;
    if ((rc = read_uleb64(data, len, &r->pos, &r->n_mini)) != VARINT_OK)
        return dbp_varint_error(r, err, rc, at, "miniblock count");
    at = r->pos;
    if ((rc = read_uleb64(data, len, &r->pos, &r->total)) != VARINT_OK)
        return dbp_varint_error(r, err, rc, at, "value count");
    at = r->pos;
    if ((rc = read_uleb64(data, len, &r->pos, &first)) != VARINT_OK)
        return dbp_varint_error(r, err, rc, at, "first value");
    if (r->per_block == 0 || r->per_block % 128 != 0) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode %s: block size %llu is not a positive multiple of "
                            "128",
                            what, (unsigned long long)r->per_block);
    }
    if (r->per_block > DBP_MAX_BLOCK) {
        return bk_error_set(err, BK_CORRUPT, "could not decode %s: block size %llu is too large",
                            what, (unsigned long long)r->per_block);
    }
    if (r->n_mini == 0 || r->per_block % r->n_mini != 0 || (r->per_block / r->n_mini) % 32 != 0) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode %s: %llu miniblocks do not split a block of %llu "
                            "values into multiples of 32",
                            what, (unsigned long long)r->n_mini, (unsigned long long)r->per_block);
    }
    r->per_mini = r->per_block / r->n_mini;
    if (max_width == 32 && first > UINT32_MAX) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode %s: first value %lld is out of range for INT32", what,
                            (long long)zigzag_decode(first));
    }
    if (r->total < need) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode %s: stream holds %llu values, %zu requested", what,
                            (unsigned long long)r->total, need);
    }
    r->last = zigzag_decode(first);
    r->first_pending = r->total > 0;
    r->left = r->total > 0 ? r->total - 1 : 0;
    return BK_OK;
}

/* Byte offset just past what has been read: the current miniblock, or the header. */
static size_t dbp_position(const dbp_reader *r) { return r->opened ? r->mini_end : r->pos; }

/*
 * Move to the next miniblock (reading a block header when the current block is
 * done) and check that its bytes are present.  Precondition: r->left > 0.
 */
static bk_status dbp_next_miniblock(dbp_reader *r, bk_error *err) {
    if (r->opened) r->pos = r->mini_end;
    if (!r->in_block || r->mini_idx + 1 >= r->n_mini) {
        size_t at = r->pos;
        int rc = read_uleb64(r->data, r->len, &r->pos, &r->min_delta);
        if (rc != VARINT_OK) return dbp_varint_error(r, err, rc, at, "block min delta");
        r->min_delta = zigzag_decode(r->min_delta);
        if (r->n_mini > r->len - r->pos) {
            return bk_error_set(err, BK_CORRUPT,
                                "could not decode %s: bit widths of the block at byte %zu are "
                                "truncated",
                                r->what, at);
        }
        r->widths_at = r->pos;
        r->pos += (size_t)r->n_mini;
        r->mini_idx = 0;
        r->in_block = true;
    } else {
        r->mini_idx++;
    }
    unsigned width = r->data[r->widths_at + r->mini_idx];
    if (width > r->max_width) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode %s: miniblock bit width %u exceeds %u", r->what,
                            width, r->max_width);
    }
    uint64_t bytes = r->per_mini * width / 8;
    if (bytes > r->len - r->pos) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode %s: miniblock at byte %zu needs %llu bytes, only "
                            "%zu remain",
                            r->what, r->pos, (unsigned long long)bytes, r->len - r->pos);
    }
    r->width = width;
    r->mini_left = r->per_mini;
    r->mini_end = r->pos + (size_t)bytes;
    r->opened = true;
    return BK_OK;
}

/* Unpack the next 32 deltas of the current miniblock into r->buf as values. */
static void dbp_fill(dbp_reader *r) {
    uint64_t deltas[32];
    unpack32(r->data + r->pos, r->len - r->pos, r->width, deltas);
    r->pos += 4 * (size_t)r->width;
    r->mini_left -= 32;
    unsigned count = r->left < 32 ? (unsigned)r->left : 32;
    uint64_t last = r->last, min_delta = r->min_delta;
    for (unsigned i = 0; i < count; i++) {
        last += min_delta + deltas[i];
        r->buf[i] = last;
    }
    r->last = last;
    r->left -= count;
    r->buf_pos = 0;
    r->buf_len = count;
}

/* Deliver the next k values (mod 2^64).  Precondition: k <= values not yet delivered. */
static bk_status dbp_read(dbp_reader *r, uint64_t *out, size_t k, bk_error *err) {
    size_t i = 0;
    if (k > 0 && r->first_pending) {
        out[i++] = r->last;
        r->first_pending = false;
    }
    while (i < k) {
        if (r->buf_pos == r->buf_len) {
            BK_ASSERT(r->left > 0);
            if (r->mini_left == 0) BK_TRY(dbp_next_miniblock(r, err));
            dbp_fill(r);
        }
        size_t take = BK_MIN((size_t)(r->buf_len - r->buf_pos), k - i);
        memcpy(out + i, r->buf + r->buf_pos, take * sizeof *out);
        r->buf_pos += (unsigned)take;
        i += take;
    }
    return BK_OK;
}

/*
 * Walk to the end of the stream without decoding the values that are left,
 * validating each remaining miniblock's width and size.  Afterwards
 * dbp_position() is the first byte after the stream.  Each step consumes a block
 * header or a miniblock whose width byte was paid for, so the walk is bounded by
 * the data length however large the declared count.
 */
static bk_status dbp_skip_to_end(dbp_reader *r, bk_error *err) {
    r->first_pending = false;
    r->buf_pos = r->buf_len = 0;
    if (r->mini_left > 0) {
        uint64_t rest = BK_MIN(r->mini_left, r->left);
        r->left -= rest;
        r->mini_left = 0;
    }
    while (r->left > 0) {
        BK_TRY(dbp_next_miniblock(r, err));
        r->left -= BK_MIN(r->per_mini, r->left);
        r->mini_left = 0;
    }
    return BK_OK;
}

/* ---- DELTA_BINARY_PACKED ---- */

bk_status pq_delta_decode_i64(const uint8_t *data, size_t len, size_t n, int64_t *out,
                              size_t *consumed, bk_error *err) {
    dbp_reader r;
    BK_TRY(dbp_init(&r, data, len, 64, "DELTA_BINARY_PACKED", n, err));
    /* int64_t and uint64_t may alias (C11 6.5p7); the bits are two's complement. */
    BK_TRY(dbp_read(&r, (uint64_t *)out, n, err));
    if (consumed) *consumed = dbp_position(&r);
    return BK_OK;
}

bk_status pq_delta_decode_i32(const uint8_t *data, size_t len, size_t n, int32_t *out,
                              size_t *consumed, bk_error *err) {
    dbp_reader r;
    BK_TRY(dbp_init(&r, data, len, 32, "DELTA_BINARY_PACKED", n, err));
    uint64_t tmp[256];
    for (size_t i = 0; i < n;) {
        size_t k = BK_MIN(n - i, BK_ARRAY_LEN(tmp));
        BK_TRY(dbp_read(&r, tmp, k, err));
        for (size_t j = 0; j < k; j++) out[i + j] = (int32_t)(uint32_t)tmp[j];
        i += k;
    }
    if (consumed) *consumed = dbp_position(&r);
    return BK_OK;
}

/* ---- DELTA_LENGTH_BYTE_ARRAY ---- */

/*
 * Decode n lengths then views of n values.  `what` names the lengths stream in
 * errors (the suffixes of DELTA_BYTE_ARRAY use this too).
 */
static bk_status length_decode(const uint8_t *data, size_t len, size_t n, bk_str *out,
                               size_t *consumed, const char *what, bk_error *err) {
    dbp_reader r;
    BK_TRY(dbp_init(&r, data, len, 32, what, n, err));
    uint64_t tmp[256];
    size_t sum = 0;
    for (size_t i = 0; i < n;) {
        size_t k = BK_MIN(n - i, BK_ARRAY_LEN(tmp));
        BK_TRY(dbp_read(&r, tmp, k, err));
        for (size_t j = 0; j < k; j++) {
            int32_t value_len = (int32_t)(uint32_t)tmp[j];
            if (value_len < 0) {
                return bk_error_set(err, BK_CORRUPT,
                                    "could not decode %s: value %zu has negative length %d", what,
                                    i + j, (int)value_len);
            }
            sum += (size_t)value_len;
            if (sum > len) {
                return bk_error_set(err, BK_CORRUPT,
                                    "could not decode %s: the values need more than the %zu bytes "
                                    "of the data",
                                    what, len);
            }
            out[i + j].len = (size_t)value_len;
        }
        i += k;
    }
    BK_TRY(dbp_skip_to_end(&r, err));
    size_t start = dbp_position(&r);
    if (sum > len - start) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode %s: the values need %zu bytes, only %zu remain", what,
                            sum, len - start);
    }
    const char *p = (const char *)data + start;
    for (size_t i = 0; i < n; i++) {
        out[i].ptr = p;
        p += out[i].len;
    }
    if (consumed) *consumed = start + sum;
    return BK_OK;
}

bk_status pq_delta_length_decode(const uint8_t *data, size_t len, size_t n, bk_str *out,
                                 size_t *consumed, bk_error *err) {
    return length_decode(data, len, n, out, consumed, "DELTA_LENGTH_BYTE_ARRAY", err);
}

/* ---- DELTA_BYTE_ARRAY ---- */

/*
 * Two passes over the prefix lengths (cheap: they are a DBP stream): the first
 * checks every prefix against the previous value and sizes one arena block, the
 * second builds the values.  A value whose suffix is empty is a prefix of the
 * previous value and shares its bytes instead of copying them.
 */
bk_status pq_delta_byte_array_decode(bk_arena *a, const uint8_t *data, size_t len, size_t n,
                                     bk_str *out, size_t *consumed, bk_error *err) {
    static const char what[] = "DELTA_BYTE_ARRAY prefix lengths";
    dbp_reader prefixes;
    BK_TRY(dbp_init(&prefixes, data, len, 32, what, n, err));
    dbp_reader walk = prefixes;
    BK_TRY(dbp_skip_to_end(&walk, err));
    size_t suffix_at = dbp_position(&walk);
    size_t suffix_used;
    BK_TRY(length_decode(data + suffix_at, len - suffix_at, n, out, &suffix_used,
                         "DELTA_BYTE_ARRAY suffixes", err));

    uint64_t tmp[256];
    dbp_reader r = prefixes;
    size_t prev_len = 0, total = 0;
    for (size_t i = 0; i < n;) {
        size_t k = BK_MIN(n - i, BK_ARRAY_LEN(tmp));
        BK_TRY(dbp_read(&r, tmp, k, err));
        for (size_t j = 0; j < k; j++) {
            int32_t prefix = (int32_t)(uint32_t)tmp[j];
            if (prefix < 0 || (size_t)prefix > prev_len) {
                return bk_error_set(err, BK_CORRUPT,
                                    "could not decode DELTA_BYTE_ARRAY: value %zu has prefix "
                                    "length %d, but the previous value has %zu bytes",
                                    i + j, (int)prefix, prev_len);
            }
            /* Cannot overflow: a value is never longer than all suffixes together. */
            size_t value_len = (size_t)prefix + out[i + j].len;
            if (out[i + j].len > 0) {
                if (value_len > SIZE_MAX - total) return bk_arena_oom(a, err);
                total += value_len;
            }
            prev_len = value_len;
        }
        i += k;
    }

    char *dst = NULL;
    if (total > 0) {
        dst = bk_arena_alloc(a, total);
        if (!dst) return bk_arena_oom(a, err);
    }
    r = prefixes;
    bk_str prev = {"", 0};
    for (size_t i = 0; i < n;) {
        size_t k = BK_MIN(n - i, BK_ARRAY_LEN(tmp));
        BK_TRY(dbp_read(&r, tmp, k, err));
        for (size_t j = 0; j < k; j++) {
            size_t prefix = (size_t)(uint32_t)tmp[j];
            bk_str suffix = out[i + j];
            bk_str value;
            if (suffix.len == 0) {
                value.ptr = prev.ptr;
                value.len = prefix;
            } else {
                memcpy(dst, prev.ptr, prefix);
                memcpy(dst + prefix, suffix.ptr, suffix.len);
                value.ptr = dst;
                value.len = prefix + suffix.len;
                dst += value.len;
            }
            out[i + j] = value;
            prev = value;
        }
        i += k;
    }
    if (consumed) *consumed = suffix_at + suffix_used;
    return BK_OK;
}

/* ---- encoders ---- */

#define ENC_BLOCK 128
#define ENC_MINIBLOCKS 4
#define ENC_PER_MINI (ENC_BLOCK / ENC_MINIBLOCKS)

/* LSB-first bit writer; the destination was zero-sized by the caller's reserve. */
typedef struct bit_writer {
    uint8_t *dst;
    uint64_t acc;
    unsigned n_bits;
} bit_writer;

static void bw_put(bit_writer *bw, uint64_t v, unsigned w) {
    if (w > 32) {
        bw_put(bw, v & 0xffffffffu, 32);
        bw_put(bw, v >> 32, w - 32);
        return;
    }
    bw->acc |= (v & width_mask(w)) << bw->n_bits;
    bw->n_bits += w;
    while (bw->n_bits >= 8) {
        *bw->dst++ = (uint8_t)bw->acc;
        bw->acc >>= 8;
        bw->n_bits -= 8;
    }
}

/*
 * Encode n values (exactly one of v32, v64 set).  INT32 deltas are taken mod 2^32
 * and sign-extended, so the min delta and every bit width fit the INT32 limits.
 */
static bk_status dbp_encode(const int32_t *v32, const int64_t *v64, size_t n, bk_buf *out) {
    BK_TRY(bk_buf_reserve(out, 4 * 10));
    put_uleb(out, ENC_BLOCK);
    put_uleb(out, ENC_MINIBLOCKS);
    put_uleb(out, n);
    uint64_t prev = 0;
    if (n > 0) prev = v32 ? (uint64_t)(int64_t)v32[0] : (uint64_t)v64[0];
    put_uleb(out, zigzag_encode((int64_t)prev));
    for (size_t start = 1; start < n; start += ENC_BLOCK) {
        size_t m = BK_MIN((size_t)ENC_BLOCK, n - start);
        int64_t deltas[ENC_BLOCK];
        int64_t min_delta = INT64_MAX;
        for (size_t j = 0; j < m; j++) {
            uint64_t cur = v32 ? (uint64_t)(int64_t)v32[start + j] : (uint64_t)v64[start + j];
            uint64_t d = cur - prev;
            deltas[j] = v32 ? (int64_t)(int32_t)(uint32_t)d : (int64_t)d;
            if (deltas[j] < min_delta) min_delta = deltas[j];
            prev = cur;
        }
        uint64_t rel[ENC_BLOCK] = {0};
        unsigned widths[ENC_MINIBLOCKS] = {0};
        size_t data_bytes = 0;
        for (size_t j = 0; j < m; j++) {
            rel[j] = (uint64_t)deltas[j] - (uint64_t)min_delta;
            unsigned w = (unsigned)pq_bit_width(rel[j]);
            if (w > widths[j / ENC_PER_MINI]) widths[j / ENC_PER_MINI] = w;
        }
        size_t used_minis = (m + ENC_PER_MINI - 1) / ENC_PER_MINI;
        for (size_t mb = 0; mb < used_minis; mb++) data_bytes += (size_t)widths[mb] * 4;
        BK_TRY(bk_buf_reserve(out, 10 + ENC_MINIBLOCKS + data_bytes));
        put_uleb(out, zigzag_encode(min_delta));
        for (size_t mb = 0; mb < ENC_MINIBLOCKS; mb++) out->data[out->len++] = (uint8_t)widths[mb];
        bit_writer bw = {out->data + out->len, 0, 0};
        for (size_t mb = 0; mb < used_minis; mb++) {
            for (size_t j = 0; j < ENC_PER_MINI; j++)
                bw_put(&bw, rel[mb * ENC_PER_MINI + j], widths[mb]);
        }
        out->len += data_bytes;
    }
    return BK_OK;
}

bk_status pq_delta_encode_i32(const int32_t *values, size_t n, bk_buf *out) {
    size_t start_len = out->len;
    bk_status st = dbp_encode(values, NULL, n, out);
    if (st != BK_OK) out->len = start_len;
    return st;
}

bk_status pq_delta_encode_i64(const int64_t *values, size_t n, bk_buf *out) {
    size_t start_len = out->len;
    bk_status st = dbp_encode(NULL, values, n, out);
    if (st != BK_OK) out->len = start_len;
    return st;
}

/* DBP of the lengths of values[0..n), then their bytes.  Lengths must fit INT32. */
static bk_status length_encode(const bk_str *values, size_t n, bk_buf *out) {
    int32_t *lens = NULL;
    size_t total = 0;
    if (n > 0) {
        if (n > SIZE_MAX / sizeof *lens) return BK_OUT_OF_MEMORY;
        lens = bk_malloc(n * sizeof *lens);
        if (!lens) return BK_OUT_OF_MEMORY;
    }
    for (size_t i = 0; i < n; i++) {
        if (values[i].len > INT32_MAX) {
            bk_free(lens);
            return BK_INVALID_ARGUMENT;
        }
        lens[i] = (int32_t)values[i].len;
        total += values[i].len;
    }
    bk_status st = dbp_encode(lens, NULL, n, out);
    bk_free(lens);
    if (st == BK_OK) st = bk_buf_reserve(out, total);
    if (st != BK_OK) return st;
    for (size_t i = 0; i < n; i++) {
        if (values[i].len) bk_buf_put(out, values[i].ptr, values[i].len);
    }
    return BK_OK;
}

/* Values longer than INT32_MAX bytes: BK_INVALID_ARGUMENT, nothing appended. */
bk_status pq_delta_length_encode(const bk_str *values, size_t n, bk_buf *out) {
    size_t start_len = out->len;
    bk_status st = length_encode(values, n, out);
    if (st != BK_OK) out->len = start_len;
    return st;
}

static bk_status byte_array_encode(const bk_str *values, size_t n, bk_buf *out) {
    if (n == 0) {
        BK_TRY(dbp_encode(NULL, NULL, 0, out));
        return length_encode(NULL, 0, out);
    }
    if (n > SIZE_MAX / (sizeof(int32_t) + sizeof(bk_str))) return BK_OUT_OF_MEMORY;
    int32_t *prefixes = bk_malloc(n * sizeof *prefixes);
    bk_str *suffixes = bk_malloc(n * sizeof *suffixes);
    bk_status st = BK_OK;
    if (!prefixes || !suffixes) st = BK_OUT_OF_MEMORY;
    for (size_t i = 0; st == BK_OK && i < n; i++) {
        if (values[i].len > INT32_MAX) {
            st = BK_INVALID_ARGUMENT;
            break;
        }
        size_t shared = 0;
        if (i > 0) {
            size_t limit = BK_MIN(values[i].len, values[i - 1].len);
            while (shared < limit && values[i].ptr[shared] == values[i - 1].ptr[shared]) shared++;
        }
        prefixes[i] = (int32_t)shared;
        suffixes[i].ptr = values[i].len ? values[i].ptr + shared : "";
        suffixes[i].len = values[i].len - shared;
    }
    if (st == BK_OK) st = dbp_encode(prefixes, NULL, n, out);
    if (st == BK_OK) st = length_encode(suffixes, n, out);
    bk_free(prefixes);
    bk_free(suffixes);
    return st;
}

bk_status pq_delta_byte_array_encode(const bk_str *values, size_t n, bk_buf *out) {
    size_t start_len = out->len;
    bk_status st = byte_array_encode(values, n, out);
    if (st != BK_OK) out->len = start_len;
    return st;
}
