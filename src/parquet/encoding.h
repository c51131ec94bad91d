/*
 * encoding.h — Parquet value and level encodings (parquet-format Encodings.md).
 *
 * Decoders take a byte range and a count and write exactly `n` values; input that
 * ends early or holds impossible values is BK_CORRUPT, never an over-read.  They
 * are the hot path of every scan, so they work on whole runs at a time (memcpy for
 * PLAIN fixed-width values, unpacking 8 or 32 values per step for bit-packed runs).
 *
 * Encoders append to a bk_buf and fail only on out-of-memory.
 *
 * Thread-safe: no shared state.
 */
#ifndef BRICKS_PARQUET_ENCODING_H
#define BRICKS_PARQUET_ENCODING_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/types.h"

/* Bits needed to represent max_value (0 for 0). */
int pq_bit_width(uint64_t max_value);

/* ---- RLE / bit-packed hybrid (levels, dictionary indices, booleans) ---- */

/*
 * Decode `n` values of `bit_width` bits (0..32) from a hybrid stream without a
 * length prefix.  `*consumed` (may be NULL) receives the bytes used.  A stream
 * that runs out before n values is BK_CORRUPT.
 */
bk_status pq_rle_decode_u32(const uint8_t *data, size_t len, int bit_width, size_t n,
                            uint32_t *out, size_t *consumed, bk_error *err);
/* Same for levels (bit_width <= 16). */
bk_status pq_rle_decode_u16(const uint8_t *data, size_t len, int bit_width, size_t n,
                            uint16_t *out, size_t *consumed, bk_error *err);
/* Deprecated BIT_PACKED level encoding (MSB-first, no runs). */
bk_status pq_bitpacked_decode_u16(const uint8_t *data, size_t len, int bit_width, size_t n,
                                  uint16_t *out, size_t *consumed, bk_error *err);

/* Encode n values as an RLE/bit-packed hybrid stream (no length prefix). */
bk_status pq_rle_encode_u32(const uint32_t *values, size_t n, int bit_width, bk_buf *out);
bk_status pq_rle_encode_u16(const uint16_t *values, size_t n, int bit_width, bk_buf *out);

/* ---- PLAIN ---- */

/*
 * Decode n PLAIN values of a fixed width (INT32 4, INT64 8, INT96 12, FLOAT 4,
 * DOUBLE 8, FIXED_LEN_BYTE_ARRAY type_length) by copying; `*consumed` = n*width.
 */
bk_status pq_plain_decode_fixed(const uint8_t *data, size_t len, size_t width, size_t n,
                                void *out, size_t *consumed, bk_error *err);
/* Decode n bit-packed booleans (LSB first) into bytes of 0/1. */
bk_status pq_plain_decode_bool(const uint8_t *data, size_t len, size_t n, uint8_t *out,
                               size_t *consumed, bk_error *err);
/*
 * Decode n BYTE_ARRAY values (4-byte LE length + bytes).  The views point into
 * `data`, which must outlive them.
 */
bk_status pq_plain_decode_byte_array(const uint8_t *data, size_t len, size_t n, bk_str *out,
                                     size_t *consumed, bk_error *err);

bk_status pq_plain_encode_fixed(const void *values, size_t width, size_t n, bk_buf *out);
bk_status pq_plain_encode_bool(const uint8_t *values, size_t n, bk_buf *out);
bk_status pq_plain_encode_byte_array(const bk_str *values, size_t n, bk_buf *out);

/* ---- DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY ---- */

/*
 * Decode n values (the stream's own total count must be >= n).  `*consumed`
 * receives the bytes used up to the end of the last miniblock needed (the whole
 * stream when n is its total count).
 */
bk_status pq_delta_decode_i32(const uint8_t *data, size_t len, size_t n, int32_t *out,
                              size_t *consumed, bk_error *err);
bk_status pq_delta_decode_i64(const uint8_t *data, size_t len, size_t n, int64_t *out,
                              size_t *consumed, bk_error *err);
/* Views point into `data`. */
bk_status pq_delta_length_decode(const uint8_t *data, size_t len, size_t n, bk_str *out,
                                 size_t *consumed, bk_error *err);
/* Values are rebuilt from prefixes, so their bytes are allocated in `a`. */
bk_status pq_delta_byte_array_decode(bk_arena *a, const uint8_t *data, size_t len, size_t n,
                                     bk_str *out, size_t *consumed, bk_error *err);

bk_status pq_delta_encode_i32(const int32_t *values, size_t n, bk_buf *out);
bk_status pq_delta_encode_i64(const int64_t *values, size_t n, bk_buf *out);
bk_status pq_delta_length_encode(const bk_str *values, size_t n, bk_buf *out);
bk_status pq_delta_byte_array_encode(const bk_str *values, size_t n, bk_buf *out);

/* ---- BYTE_STREAM_SPLIT ---- */

/*
 * The page holds `width` streams of `total` bytes each (total = values in the
 * page); decode the first n values.  `len` must be exactly width * total.
 */
bk_status pq_bss_decode(const uint8_t *data, size_t len, size_t width, size_t n, void *out,
                        bk_error *err);
bk_status pq_bss_encode(const void *values, size_t width, size_t n, bk_buf *out);

#endif
