/*
 * encode_plain.c — the PLAIN encoding (PLAIN = 0), parquet-format Encodings.md.
 *
 *     INT32, FLOAT            4 bytes little endian
 *     INT64, DOUBLE           8 bytes little endian
 *     INT96                   12 bytes little endian
 *     FIXED_LEN_BYTE_ARRAY    type_length bytes
 *     BOOLEAN                 1 bit per value, LSB first (as the RLE hybrid packs)
 *     BYTE_ARRAY              4-byte little-endian length, then the bytes
 *
 * Fixed-width values are a memcpy (Bricks only targets little-endian hosts, where
 * the in-memory and on-disk layouts agree).  BYTE_ARRAY values are decoded as views
 * into the input, so the page buffer must outlive them.
 */
#include "parquet/encoding.h"

#include <string.h>

/* ---- decoding ---- */

bk_status pq_plain_decode_fixed(const uint8_t *data, size_t len, size_t width, size_t n, void *out,
                                size_t *consumed, bk_error *err) {
    if (width != 0 && n > SIZE_MAX / width) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode PLAIN values: %zu values of %zu "
                            "bytes is too many",
                            n, width);
    }
    size_t bytes = n * width;
    if (bytes > len) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode PLAIN values: %zu values of %zu bytes need %zu "
                            "bytes, only %zu remain",
                            n, width, bytes, len);
    }
    if (bytes) memcpy(out, data, bytes);
    if (consumed) *consumed = bytes;
    return BK_OK;
}

bk_status pq_plain_decode_bool(const uint8_t *data, size_t len, size_t n, uint8_t *out,
                               size_t *consumed, bk_error *err) {
    size_t bytes = n / 8 + (n % 8 != 0);
    if (bytes > len) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode PLAIN booleans: %zu values need %zu bytes, only %zu "
                            "remain",
                            n, bytes, len);
    }
    size_t full = n / 8;
    for (size_t i = 0; i < full; i++) {
        unsigned b = data[i];
        uint8_t *o = out + i * 8;
        o[0] = (uint8_t)(b & 1);
        o[1] = (uint8_t)((b >> 1) & 1);
        o[2] = (uint8_t)((b >> 2) & 1);
        o[3] = (uint8_t)((b >> 3) & 1);
        o[4] = (uint8_t)((b >> 4) & 1);
        o[5] = (uint8_t)((b >> 5) & 1);
        o[6] = (uint8_t)((b >> 6) & 1);
        o[7] = (uint8_t)((b >> 7) & 1);
    }
    for (size_t i = full * 8; i < n; i++) out[i] = (uint8_t)((data[i / 8] >> (i % 8)) & 1);
    if (consumed) *consumed = bytes;
    return BK_OK;
}

bk_status pq_plain_decode_byte_array(const uint8_t *data, size_t len, size_t n, bk_str *out,
                                     size_t *consumed, bk_error *err) {
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (len - pos < 4) {
            return bk_error_set(err, BK_CORRUPT,
                                "could not decode PLAIN BYTE_ARRAY: data ends at value %zu of %zu",
                                i, n);
        }
        const uint8_t *p = data + pos;
        uint32_t value_len =
            (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        pos += 4;
        if (value_len > len - pos) {
            return bk_error_set(err, BK_CORRUPT,
                                "could not decode PLAIN BYTE_ARRAY: value %zu has length %u, only "
                                "%zu bytes remain",
                                i, value_len, len - pos);
        }
        out[i].ptr = (const char *)data + pos;
        out[i].len = value_len;
        pos += value_len;
    }
    if (consumed) *consumed = pos;
    return BK_OK;
}

/* ---- encoding ---- */

bk_status pq_plain_encode_fixed(const void *values, size_t width, size_t n, bk_buf *out) {
    if (width != 0 && n > SIZE_MAX / width) return BK_OUT_OF_MEMORY;
    return bk_buf_append(out, values, n * width);
}

bk_status pq_plain_encode_bool(const uint8_t *values, size_t n, bk_buf *out) {
    if (n == 0) return BK_OK;
    size_t bytes = n / 8 + (n % 8 != 0);
    BK_TRY(bk_buf_reserve(out, bytes));
    uint8_t *dst = out->data + out->len;
    size_t full = n / 8;
    for (size_t i = 0; i < full; i++) {
        const uint8_t *v = values + i * 8;
        dst[i] =
            (uint8_t)((v[0] != 0) | (v[1] != 0) << 1 | (v[2] != 0) << 2 | (v[3] != 0) << 3 |
                      (v[4] != 0) << 4 | (v[5] != 0) << 5 | (v[6] != 0) << 6 | (v[7] != 0) << 7);
    }
    if (n % 8) {
        unsigned last = 0;
        for (size_t i = full * 8; i < n; i++) last |= (unsigned)(values[i] != 0) << (i % 8);
        dst[full] = (uint8_t)last;
    }
    out->len += bytes;
    return BK_OK;
}

/*
 * Values longer than UINT32_MAX bytes cannot be written (the length prefix is 32
 * bits): BK_INVALID_ARGUMENT, and nothing is appended.
 */
bk_status pq_plain_encode_byte_array(const bk_str *values, size_t n, bk_buf *out) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (values[i].len > UINT32_MAX) return BK_INVALID_ARGUMENT;
        if (values[i].len + 4 > SIZE_MAX - total) return BK_OUT_OF_MEMORY;
        total += values[i].len + 4;
    }
    BK_TRY(bk_buf_reserve(out, total));
    for (size_t i = 0; i < n; i++) {
        uint32_t value_len = (uint32_t)values[i].len;
        uint8_t prefix[4] = {(uint8_t)value_len, (uint8_t)(value_len >> 8),
                             (uint8_t)(value_len >> 16), (uint8_t)(value_len >> 24)};
        bk_buf_put(out, prefix, 4);
        if (value_len) bk_buf_put(out, values[i].ptr, value_len);
    }
    return BK_OK;
}
