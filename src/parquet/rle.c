/*
 * rle.c — the RLE / bit-packed hybrid encoding (RLE = 3) and the deprecated
 * BIT_PACKED level encoding (BIT_PACKED = 4), parquet-format Encodings.md.
 *
 * The hybrid stream is a sequence of runs, each introduced by a ULEB128 header:
 *
 *     header & 1 == 0   RLE run: (header >> 1) copies of one value stored in
 *                       ceil(bit_width / 8) little-endian bytes
 *     header & 1 == 1   bit-packed run: (header >> 1) groups of 8 values, each group
 *                       `bit_width` bytes, values packed LSB first
 *
 * It carries definition and repetition levels, dictionary indices and (in data
 * pages) booleans, so decoding is on the hot path of every scan.  Costs:
 *
 *   - RLE runs cost one header and a fill loop the compiler vectorises.
 *   - Bit-packed runs are unpacked 8 values at a time by width-specialised
 *     functions (one per bit width, generated below) that do eight unaligned
 *     64-bit loads, shifts and masks per group with constant offsets.  A 64-bit
 *     load at a group's last value may reach up to 8 bytes past the group, so the
 *     fast path is only used while those bytes lie inside the caller's buffer;
 *     the last few groups near the end of the data go through a bytewise
 *     extractor that never reads past data + len.
 *
 * Leniency: a bit-packed run whose declared groups run past the end of the data is
 * accepted when the values actually requested lie inside the data (a writer that
 * does not pad its final group loses nothing the reader needs).  Everything else
 * that does not fit (a header over 32 bits, a truncated RLE value, a value wider
 * than the bit width, fewer values than requested) is BK_CORRUPT.
 */
#include "base/endian.h"
#include "parquet/encoding.h"

#include <string.h>

/* ---- byte access ---- */


int pq_bit_width(uint64_t max_value) {
#if defined(__GNUC__) || defined(__clang__)
    return max_value ? 64 - __builtin_clzll(max_value) : 0;
#else
    int width = 0;
    while (max_value) {
        width++;
        max_value >>= 1;
    }
    return width;
#endif
}

/* ---- width-specialised unpackers ---- */

/*
 * UNPACK8(T, W) unpacks one group of 8 W-bit values at `in` into out[0..7].  Value j
 * starts at bit j*W: load the 8 bytes from byte (j*W)/8, shift by (j*W)%8 and mask.
 * W <= 32 and the shift is < 8, so the value always lies inside the loaded word.
 * Reads up to byte (7*W)/8 + 7 < W + 8 from `in`.
 */
#define UNPACK_ONE(T, W, J)                                                                        \
    out[J] = (T)((bk_load_le64(in + ((J) * (W)) / 8) >> (((J) * (W)) % 8)) & mask)
#define UNPACK8(T, W)                                                                              \
    do {                                                                                           \
        UNPACK_ONE(T, W, 0);                                                                       \
        UNPACK_ONE(T, W, 1);                                                                       \
        UNPACK_ONE(T, W, 2);                                                                       \
        UNPACK_ONE(T, W, 3);                                                                       \
        UNPACK_ONE(T, W, 4);                                                                       \
        UNPACK_ONE(T, W, 5);                                                                       \
        UNPACK_ONE(T, W, 6);                                                                       \
        UNPACK_ONE(T, W, 7);                                                                       \
    } while (0)

/*
 * unpack_<suffix>_<W>(in, out, n_groups): unpack n_groups groups of 8 values.
 * Precondition: in + n_groups * W + 8 bytes are readable.
 */
#define DEFINE_UNPACK(T, SUFFIX, W)                                                                \
    static void unpack_##SUFFIX##_##W(const uint8_t *in, T *out, size_t n_groups) {                \
        const uint64_t mask = ((uint64_t)1 << (W)) - 1;                                            \
        for (size_t group = 0; group < n_groups; group++) {                                        \
            UNPACK8(T, W);                                                                         \
            in += (W);                                                                             \
            out += 8;                                                                              \
        }                                                                                          \
    }

#define WIDTHS_1_16(X)                                                                             \
    X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16)
#define WIDTHS_17_32(X)                                                                            \
    X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29) X(30) X(31) X(32)

#define DEFINE_U32(W) DEFINE_UNPACK(uint32_t, u32, W)
#define DEFINE_U16(W) DEFINE_UNPACK(uint16_t, u16, W)
WIDTHS_1_16(DEFINE_U32)
WIDTHS_17_32(DEFINE_U32)
WIDTHS_1_16(DEFINE_U16)

typedef void (*unpack32_fn)(const uint8_t *in, uint32_t *out, size_t n_groups);
typedef void (*unpack16_fn)(const uint8_t *in, uint16_t *out, size_t n_groups);

#define ENTRY_U32(W) unpack_u32_##W,
#define ENTRY_U16(W) unpack_u16_##W,
/* Indexed by bit width; width 0 is handled by the callers (all zeros). */
static const unpack32_fn unpack32_table[33] = {NULL,
                                               WIDTHS_1_16(ENTRY_U32) WIDTHS_17_32(ENTRY_U32)};
static const unpack16_fn unpack16_table[17] = {NULL, WIDTHS_1_16(ENTRY_U16)};

/*
 * The value of `width` bits starting at bit `bit` of `in`, reading only the bytes
 * the value occupies.  Precondition: (bit + width + 7) / 8 <= bytes readable at in.
 */
static uint32_t extract_safe(const uint8_t *in, uint64_t bit, int width) {
    size_t byte = (size_t)(bit >> 3);
    unsigned shift = (unsigned)(bit & 7);
    size_t span = (shift + (unsigned)width + 7) / 8;
    uint64_t word = 0;
    for (size_t k = 0; k < span; k++) word |= (uint64_t)in[byte + k] << (8 * k);
    return (uint32_t)((word >> shift) & (((uint64_t)1 << width) - 1));
}

/*
 * Unpack the first `count` values of a bit-packed run at `in` into out (uint32_t or
 * uint16_t elements, per is16).  `avail` is the number of readable bytes from `in`
 * to the end of the caller's data (not of the run: over-reading into the next run
 * is harmless, past the data is not).  Precondition: ceil(count * width / 8) <= avail
 * and 1 <= width.
 */
static void unpack_run(const uint8_t *in, size_t avail, int width, size_t count, void *out,
                       bool is16) {
    size_t w = (size_t)width;
    size_t full_groups = count / 8;
    /* Groups whose 64-bit loads stay inside the data: group g reads below g*w + w + 8. */
    size_t fast_groups = avail >= 8 ? (avail - 8) / w : 0;
    size_t bulk = BK_MIN(full_groups, fast_groups);
    if (is16) {
        unpack16_table[width](in, out, bulk);
    } else {
        unpack32_table[width](in, out, bulk);
    }
    size_t done = bulk * 8;
    while (done < count) {
        size_t group = done / 8;
        size_t left = count - done;
        if (group < fast_groups) {
            /* A partial last group: unpack all 8 into scratch, keep what is needed. */
            uint32_t tmp32[8];
            uint16_t tmp16[8];
            size_t keep = BK_MIN(left, (size_t)8);
            if (is16) {
                unpack16_table[width](in + group * w, tmp16, 1);
                memcpy((uint16_t *)out + done, tmp16, keep * sizeof(uint16_t));
            } else {
                unpack32_table[width](in + group * w, tmp32, 1);
                memcpy((uint32_t *)out + done, tmp32, keep * sizeof(uint32_t));
            }
            done += keep;
        } else {
            uint32_t v = extract_safe(in, (uint64_t)done * w, width);
            if (is16) {
                ((uint16_t *)out)[done] = (uint16_t)v;
            } else {
                ((uint32_t *)out)[done] = v;
            }
            done++;
        }
    }
}

/* Write `count` copies of `value` at out[start...]. */
static void fill_run(void *out, size_t start, size_t count, uint32_t value, bool is16) {
    if (is16) {
        uint16_t *o = (uint16_t *)out + start;
        uint16_t v = (uint16_t)value;
        for (size_t i = 0; i < count; i++) o[i] = v;
    } else {
        uint32_t *o = (uint32_t *)out + start;
        for (size_t i = 0; i < count; i++) o[i] = value;
    }
}

/* ---- the hybrid decoder ---- */

enum { ULEB_OK, ULEB_TRUNCATED, ULEB_OVERFLOW };

/* Read a ULEB128 of at most 32 bits at data[*pos]; advance *pos on success. */
static inline int read_uleb32(const uint8_t *data, size_t len, size_t *pos, uint32_t *out) {
    size_t p = *pos;
    if (BK_LIKELY(p < len && data[p] < 0x80)) {
        *out = data[p];
        *pos = p + 1;
        return ULEB_OK;
    }
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (p >= len) return ULEB_TRUNCATED;
        uint8_t b = data[p++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            if (v > UINT32_MAX) return ULEB_OVERFLOW;
            *out = (uint32_t)v;
            *pos = p;
            return ULEB_OK;
        }
    }
    return ULEB_OVERFLOW;
}

/* Error for a run header that could not be read. */
BK_NOINLINE static bk_status bad_header(bk_error *err, int why, size_t at) {
    return bk_error_set(err, BK_CORRUPT,
                        "could not decode RLE/bit-packed data: run header at byte %zu %s", at,
                        why == ULEB_TRUNCATED ? "is truncated" : "overflows 32 bits");
}

/*
 * Decode n values of `width` bits into out (uint32_t or uint16_t per is16).  The
 * shared body of pq_rle_decode_u32 and pq_rle_decode_u16; see encoding.h.
 */
static bk_status hybrid_decode(const uint8_t *data, size_t len, int width, size_t n, void *out,
                               bool is16, size_t *consumed, bk_error *err) {
    int max_width = is16 ? 16 : 32;
    if (width < 0 || width > max_width) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode RLE/bit-packed data: bit width %d is out of range "
                            "(0..%d)",
                            width, max_width);
    }
    size_t value_bytes = ((size_t)width + 7) / 8;
    size_t pos = 0;
    size_t done = 0;
    while (done < n) {
        if (pos >= len) {
            return bk_error_set(err, BK_CORRUPT,
                                "could not decode RLE/bit-packed data: data ends after %zu of %zu "
                                "values",
                                done, n);
        }
        size_t header_at = pos;
        uint32_t header;
        int rc = read_uleb32(data, len, &pos, &header);
        if (rc != ULEB_OK) return bad_header(err, rc, header_at);
        size_t want = n - done;
        size_t avail = len - pos;
        if (header & 1) {
            uint64_t run_values = (uint64_t)(header >> 1) * 8;
            uint64_t run_bytes = (uint64_t)(header >> 1) * (uint64_t)width;
            size_t take = run_values < want ? (size_t)run_values : want;
            if (run_bytes > avail) {
                uint64_t need = ((uint64_t)take * (uint64_t)width + 7) / 8;
                if (need > avail) {
                    return bk_error_set(err, BK_CORRUPT,
                                        "could not decode RLE/bit-packed data: bit-packed run at "
                                        "byte %zu needs %llu bytes, only %zu remain",
                                        header_at, (unsigned long long)need, avail);
                }
                run_bytes = avail; /* an unpadded final run: it ends the data */
            }
            if (width == 0) {
                fill_run(out, done, take, 0, is16);
            } else if (take > 0) {
                void *dst =
                    is16 ? (void *)((uint16_t *)out + done) : (void *)((uint32_t *)out + done);
                unpack_run(data + pos, avail, width, take, dst, is16);
            }
            pos += (size_t)run_bytes;
            done += take;
        } else {
            uint32_t count = header >> 1;
            if (value_bytes > avail) {
                return bk_error_set(err, BK_CORRUPT,
                                    "could not decode RLE/bit-packed data: RLE run at byte %zu is "
                                    "truncated",
                                    header_at);
            }
            uint32_t value = 0;
            for (size_t k = 0; k < value_bytes; k++) value |= (uint32_t)data[pos + k] << (8 * k);
            if (width < 32 && (value >> width) != 0) {
                return bk_error_set(err, BK_CORRUPT,
                                    "could not decode RLE/bit-packed data: RLE run value %u at "
                                    "byte %zu does not fit in bit width %d",
                                    value, header_at, width);
            }
            pos += value_bytes;
            size_t take = count < want ? (size_t)count : want;
            fill_run(out, done, take, value, is16);
            done += take;
        }
    }
    if (consumed) *consumed = pos;
    return BK_OK;
}

bk_status pq_rle_decode_u32(const uint8_t *data, size_t len, int bit_width, size_t n, uint32_t *out,
                            size_t *consumed, bk_error *err) {
    return hybrid_decode(data, len, bit_width, n, out, false, consumed, err);
}

bk_status pq_rle_decode_u16(const uint8_t *data, size_t len, int bit_width, size_t n, uint16_t *out,
                            size_t *consumed, bk_error *err) {
    return hybrid_decode(data, len, bit_width, n, out, true, consumed, err);
}

/* ---- deprecated BIT_PACKED ---- */

/*
 * Values are packed back to back from the most significant bit of each byte, with
 * no runs and no header: n values take exactly ceil(n * bit_width / 8) bytes.  A
 * value of up to 16 bits at a bit offset below 8 lies within 3 bytes, read big-endian.
 */
bk_status pq_bitpacked_decode_u16(const uint8_t *data, size_t len, int bit_width, size_t n,
                                  uint16_t *out, size_t *consumed, bk_error *err) {
    if (bit_width < 0 || bit_width > 16) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode BIT_PACKED levels: bit width %d is out of range "
                            "(0..16)",
                            bit_width);
    }
    if (n > SIZE_MAX / 16) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode BIT_PACKED levels: %zu values is "
                            "too many",
                            n);
    }
    size_t bytes = (n * (size_t)bit_width + 7) / 8;
    if (bytes > len) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode BIT_PACKED levels: %zu values need %zu bytes, only "
                            "%zu remain",
                            n, bytes, len);
    }
    if (bit_width == 0) {
        if (n) memset(out, 0, n * sizeof(uint16_t));
    } else {
        unsigned w = (unsigned)bit_width;
        uint32_t mask = ((uint32_t)1 << w) - 1;
        for (size_t i = 0; i < n; i++) {
            size_t bit = i * w;
            size_t byte = bit >> 3;
            unsigned shift = (unsigned)(bit & 7);
            uint32_t word = (uint32_t)data[byte] << 16;
            if (byte + 1 < bytes) word |= (uint32_t)data[byte + 1] << 8;
            if (byte + 2 < bytes) word |= data[byte + 2];
            out[i] = (uint16_t)((word >> (24 - shift - w)) & mask);
        }
    }
    if (consumed) *consumed = bytes;
    return BK_OK;
}

/* ---- the hybrid encoder ---- */

/* Longest run the spec allows (runs are 1 .. 2^31 - 1 values). */
#define MAX_RUN_VALUES ((uint64_t)INT32_MAX)
#define MAX_RUN_GROUPS (MAX_RUN_VALUES / 8)

typedef struct enc_input {
    const uint32_t *v32; /* one of these two is set */
    const uint16_t *v16;
    uint32_t mask; /* values are masked to the bit width */
} enc_input;

static inline uint32_t enc_get(const enc_input *in, size_t i) {
    return (in->v16 ? in->v16[i] : in->v32[i]) & in->mask;
}

/* Append a ULEB128; the caller reserved room. */
static void put_uleb(bk_buf *out, uint64_t v) {
    while (v >= 0x80) {
        out->data[out->len++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out->data[out->len++] = (uint8_t)v;
}

static bk_status put_rle_run(bk_buf *out, uint32_t value, size_t count, int width) {
    size_t value_bytes = ((size_t)width + 7) / 8;
    while (count > 0) {
        size_t run = (uint64_t)count > MAX_RUN_VALUES ? (size_t)MAX_RUN_VALUES : count;
        BK_TRY(bk_buf_reserve(out, 10 + value_bytes));
        put_uleb(out, (uint64_t)run << 1);
        for (size_t k = 0; k < value_bytes; k++) {
            out->data[out->len++] = (uint8_t)(value >> (8 * k));
        }
        count -= run;
    }
    return BK_OK;
}

/*
 * Append values [start, start + count) as bit-packed runs; a last partial group is
 * padded with zeros (the reader knows the real count from the page header).
 */
static bk_status put_literal(bk_buf *out, const enc_input *in, size_t start, size_t count,
                             int width) {
    size_t end = start + count;
    while (start < end) {
        size_t groups = (end - start + 7) / 8;
        if ((uint64_t)groups > MAX_RUN_GROUPS) groups = (size_t)MAX_RUN_GROUPS;
        size_t bytes = groups * (size_t)width;
        BK_TRY(bk_buf_reserve(out, 10 + bytes));
        put_uleb(out, ((uint64_t)groups << 1) | 1);
        uint8_t *dst = out->data + out->len;
        uint64_t acc = 0;
        unsigned n_bits = 0;
        size_t stop = start + groups * 8;
        for (size_t i = start; i < stop; i++) {
            uint64_t v = i < end ? enc_get(in, i) : 0;
            acc |= v << n_bits;
            n_bits += (unsigned)width;
            while (n_bits >= 8) {
                *dst++ = (uint8_t)acc;
                acc >>= 8;
                n_bits -= 8;
            }
        }
        out->len += bytes;
        start = BK_MIN(stop, end);
    }
    return BK_OK;
}

/*
 * Encode n values.  Runs of 8 or more equal values become RLE runs; everything
 * between them is bit-packed.  Because bit-packed runs hold whole groups of 8, the
 * first values of a long run may be absorbed into the preceding literal stretch to
 * complete its last group (the rest of the run still becomes an RLE run when 8 or
 * more values remain).
 */
static bk_status hybrid_encode(const enc_input *in, size_t n, int width, bk_buf *out) {
    size_t literal_start = 0; /* first value not yet written */
    size_t i = 0;
    while (i < n) {
        uint32_t v = enc_get(in, i);
        size_t j = i + 1;
        while (j < n && enc_get(in, j) == v) j++;
        size_t run = j - i;
        if (run >= 8) {
            size_t pending = i - literal_start;
            size_t pad = (8 - pending % 8) % 8;
            if (run - pad >= 8) {
                if (pending + pad > 0)
                    BK_TRY(put_literal(out, in, literal_start, pending + pad, width));
                BK_TRY(put_rle_run(out, v, run - pad, width));
                literal_start = j;
            }
        }
        i = j;
    }
    if (literal_start < n) BK_TRY(put_literal(out, in, literal_start, n - literal_start, width));
    return BK_OK;
}

/*
 * The encoders append to `out` and restore its length on failure.  Values must fit
 * in bit_width bits; wider values (a caller bug) are masked to it.  A bit width
 * outside 0..32 (0..16 for u16) is BK_INVALID_ARGUMENT; otherwise they fail only
 * with BK_OUT_OF_MEMORY.
 */
bk_status pq_rle_encode_u32(const uint32_t *values, size_t n, int bit_width, bk_buf *out) {
    if (bit_width < 0 || bit_width > 32) return BK_INVALID_ARGUMENT;
    enc_input in = {values, NULL, (uint32_t)(((uint64_t)1 << bit_width) - 1)};
    size_t start_len = out->len;
    bk_status st = hybrid_encode(&in, n, bit_width, out);
    if (st != BK_OK) out->len = start_len;
    return st;
}

bk_status pq_rle_encode_u16(const uint16_t *values, size_t n, int bit_width, bk_buf *out) {
    if (bit_width < 0 || bit_width > 16) return BK_INVALID_ARGUMENT;
    enc_input in = {NULL, values, (uint32_t)(((uint64_t)1 << bit_width) - 1)};
    size_t start_len = out->len;
    bk_status st = hybrid_encode(&in, n, bit_width, out);
    if (st != BK_OK) out->len = start_len;
    return st;
}
