/*
 * test_encoding.c — unit tests for the Parquet value and level encodings
 * (parquet/encoding.h: rle.c, encode_plain.c, encode_delta.c, encode_bss.c).
 *
 * Round trips at many sizes and every bit width, hand-made byte vectors from the
 * examples in parquet-format Encodings.md, extreme values, and damaged input.
 * Truncation tests copy every prefix of a valid encoding into a heap buffer of
 * exactly that size, so an over-read is caught by ASan: each prefix must fail with
 * BK_CORRUPT or, when it only cut padding, decode the same values.
 */
#include <stdlib.h>

#include "base/arena.h"
#include "base/mem.h"
#include "parquet/encoding.h"
#include "test.h"

static const size_t k_sizes[] = {0, 1, 7, 8, 9, 127, 128, 129, 1000, 100000};

/* xorshift64*: deterministic test data. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint64_t mask_of(int w) { return w >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << w) - 1; }

/* A heap copy of exactly n bytes (so ASan sees any read past the end). */
static uint8_t *exact_copy(const uint8_t *src, size_t n) {
    uint8_t *p = bk_malloc(n ? n : 1);
    if (p && n) memcpy(p, src, n);
    return p;
}

/* Fill v with a pattern: 0 random, 1 runs of random length, 2 constant, 3 ramp. */
static void fill_u32(uint32_t *v, size_t n, int w, int pattern) {
    uint32_t m = (uint32_t)mask_of(w);
    size_t i = 0;
    while (i < n) {
        switch (pattern) {
        case 0:
            v[i++] = (uint32_t)rnd() & m;
            break;
        case 1: {
            uint32_t x = (uint32_t)rnd() & m;
            size_t run = 1 + rnd() % 40;
            for (size_t k = 0; k < run && i < n; k++) v[i++] = x;
            break;
        }
        case 2:
            v[i++] = m;
            break;
        default:
            v[i] = (uint32_t)i & m;
            i++;
            break;
        }
    }
}

/* ---- RLE / bit-packed hybrid ---- */

BK_TEST(rle_bit_width) {
    ASSERT_EQ(pq_bit_width(0), 0);
    ASSERT_EQ(pq_bit_width(1), 1);
    ASSERT_EQ(pq_bit_width(2), 2);
    ASSERT_EQ(pq_bit_width(7), 3);
    ASSERT_EQ(pq_bit_width(8), 4);
    ASSERT_EQ(pq_bit_width(UINT32_MAX), 32);
    ASSERT_EQ(pq_bit_width(UINT64_MAX), 64);
}

/* Encodings.md: 0..7 at width 3, bit-packed LSB first = 10001000 11000110 11111010. */
BK_TEST(rle_spec_bitpacked_example) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    const uint8_t data[] = {0x03, 0x88, 0xC6, 0xFA};
    uint32_t out[8];
    uint16_t out16[8];
    size_t used = 0;
    ASSERT_OK(pq_rle_decode_u32(data, sizeof data, 3, 8, out, &used, err), err);
    ASSERT_EQ(used, 4);
    for (int i = 0; i < 8; i++) ASSERT_EQ(out[i], i);
    ASSERT_OK(pq_rle_decode_u16(data, sizeof data, 3, 8, out16, &used, err), err);
    for (int i = 0; i < 8; i++) ASSERT_EQ(out16[i], i);

    bk_buf b;
    bk_buf_init(&b);
    const uint32_t vals[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    ASSERT_OK(pq_rle_encode_u32(vals, 8, 3, &b), err);
    ASSERT_EQ(b.len, 4);
    ASSERT_TRUE(memcmp(b.data, data, 4) == 0);
    bk_buf_destroy(&b);
}

/* Encodings.md: the deprecated BIT_PACKED example, MSB first = 00000101 00111001 01110111. */
BK_TEST(rle_spec_deprecated_bitpacked_example) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    const uint8_t data[] = {0x05, 0x39, 0x77};
    uint16_t out[8];
    size_t used = 0;
    ASSERT_OK(pq_bitpacked_decode_u16(data, sizeof data, 3, 8, out, &used, err), err);
    ASSERT_EQ(used, 3);
    for (int i = 0; i < 8; i++) ASSERT_EQ(out[i], i);
    ASSERT_FAILS(pq_bitpacked_decode_u16(data, 2, 3, 8, out, &used, NULL), BK_CORRUPT);
}

BK_TEST(rle_run_and_zero_width) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    /* RLE run of 1000 (header 2000 = 0xD0 0x0F) of value 0x0102 at width 10. */
    const uint8_t data[] = {0xD0, 0x0F, 0x02, 0x01};
    uint32_t out[1000];
    size_t used = 0;
    ASSERT_OK(pq_rle_decode_u32(data, sizeof data, 10, 1000, out, &used, err), err);
    ASSERT_EQ(used, 4);
    for (int i = 0; i < 1000; i++) ASSERT_EQ(out[i], 0x102);
    /* Width 0: the RLE value has no bytes, everything is 0. */
    const uint8_t zero[] = {0xD0, 0x0F};
    out[0] = 99;
    ASSERT_OK(pq_rle_decode_u32(zero, sizeof zero, 0, 1000, out, &used, err), err);
    ASSERT_EQ(used, 2);
    ASSERT_EQ(out[0], 0);
    ASSERT_EQ(out[999], 0);
    /* A bit-packed run at width 0 occupies no bytes. */
    const uint8_t packed0[] = {0x05};
    ASSERT_OK(pq_rle_decode_u32(packed0, 1, 0, 16, out, &used, err), err);
    ASSERT_EQ(used, 1);
}

BK_TEST(rle_encoder_chooses_runs) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    bk_buf b;
    bk_buf_init(&b);
    uint32_t v[1000];
    for (int i = 0; i < 1000; i++) v[i] = 1;
    ASSERT_OK(pq_rle_encode_u32(v, 1000, 1, &b), err);
    /* one RLE run: 2-byte header + 1 value byte */
    ASSERT_EQ(b.len, 3);
    ASSERT_EQ(b.data[0], 0xD0);
    ASSERT_EQ(b.data[1], 0x0F);
    ASSERT_EQ(b.data[2], 1);
    /* alternating values: one bit-packed run of 125 groups, 125 bytes */
    for (int i = 0; i < 1000; i++) v[i] = (uint32_t)(i & 1);
    bk_buf_clear(&b);
    ASSERT_OK(pq_rle_encode_u32(v, 1000, 1, &b), err);
    ASSERT_EQ(b.len, 2 + 125);
    /* 3 literals then 20 repeats: 5 repeats pad the literal group, 15 become a run */
    for (int i = 0; i < 23; i++) v[i] = i < 3 ? (uint32_t)i + 2 : 7;
    bk_buf_clear(&b);
    ASSERT_OK(pq_rle_encode_u32(v, 23, 3, &b), err);
    ASSERT_EQ(b.len, 1 + 3 + 1 + 1);
    ASSERT_EQ(b.data[0], 0x03);
    ASSERT_EQ(b.data[4], 15 << 1);
    uint32_t out[23];
    ASSERT_OK(pq_rle_decode_u32(b.data, b.len, 3, 23, out, NULL, err), err);
    ASSERT_TRUE(memcmp(out, v, sizeof out) == 0);
    bk_buf_destroy(&b);
}

BK_TEST(rle_round_trip_all_widths) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    size_t max_n = 100000;
    uint32_t *v = bk_malloc(max_n * sizeof *v);
    uint32_t *out = bk_malloc((max_n + 8) * sizeof *out);
    uint16_t *v16 = bk_malloc(max_n * sizeof *v16);
    uint16_t *out16 = bk_malloc(max_n * sizeof *out16);
    ASSERT_TRUE(v && out && v16 && out16);
    bk_buf b;
    bk_buf_init(&b);
    for (int w = 0; w <= 32; w++) {
        for (size_t si = 0; si < BK_ARRAY_LEN(k_sizes); si++) {
            size_t n = k_sizes[si];
            for (int pattern = 0; pattern < 4; pattern++) {
                fill_u32(v, n, w, pattern);
                bk_buf_clear(&b);
                ASSERT_OK(pq_rle_encode_u32(v, n, w, &b), err);
                uint8_t *enc = exact_copy(b.data, b.len);
                size_t used = 0;
                out[n] = 0xDEADBEEF;
                bk_status st = pq_rle_decode_u32(enc, b.len, w, n, out, &used, err);
                if (st != BK_OK) bk_test_fail(__FILE__, __LINE__, "w=%d n=%zu p=%d", w, n, pattern);
                ASSERT_OK(st, err);
                ASSERT_EQ(used, b.len);
                ASSERT_EQ(out[n], 0xDEADBEEF);
                ASSERT_TRUE(n == 0 || memcmp(out, v, n * sizeof *v) == 0);
                /* a prefix of the values */
                ASSERT_OK(pq_rle_decode_u32(enc, b.len, w, n / 2, out, NULL, err), err);
                ASSERT_TRUE(n < 2 || memcmp(out, v, n / 2 * sizeof *v) == 0);
                if (w <= 16) {
                    for (size_t i = 0; i < n; i++) v16[i] = (uint16_t)v[i];
                    ASSERT_OK(pq_rle_decode_u16(enc, b.len, w, n, out16, &used, err), err);
                    ASSERT_TRUE(n == 0 || memcmp(out16, v16, n * sizeof *v16) == 0);
                    bk_buf_clear(&b);
                    ASSERT_OK(pq_rle_encode_u16(v16, n, w, &b), err);
                    ASSERT_OK(pq_rle_decode_u32(b.data, b.len, w, n, out, NULL, err), err);
                    ASSERT_TRUE(n == 0 || memcmp(out, v, n * sizeof *v) == 0);
                }
                bk_free(enc);
            }
        }
    }
    bk_buf_destroy(&b);
    bk_free(v);
    bk_free(out);
    bk_free(v16);
    bk_free(out16);
}

BK_TEST(rle_truncated_every_prefix) {
    bk_error e, *err = &e;
    const int widths[] = {1, 3, 8, 10, 17, 32};
    uint32_t v[300], out[300];
    bk_buf b;
    bk_buf_init(&b);
    for (size_t wi = 0; wi < BK_ARRAY_LEN(widths); wi++) {
        int w = widths[wi];
        for (int pattern = 0; pattern < 2; pattern++) {
            size_t n = 300 - (size_t)pattern * 3; /* 297: a padded final group */
            fill_u32(v, n, w, pattern);
            bk_buf_clear(&b);
            ASSERT_OK(pq_rle_encode_u32(v, n, w, &b), err);
            for (size_t cut = 0; cut < b.len; cut++) {
                uint8_t *p = exact_copy(b.data, cut);
                bk_error_clear(err);
                bk_status st = pq_rle_decode_u32(p, cut, w, n, out, NULL, err);
                bk_free(p);
                if (st == BK_OK) {
                    ASSERT_TRUE(memcmp(out, v, n * sizeof *v) == 0);
                } else {
                    ASSERT_EQ(st, BK_CORRUPT);
                    ASSERT_CONTAINS(err->msg, "could not decode RLE/bit-packed data");
                }
            }
        }
    }
    bk_buf_destroy(&b);
}

BK_TEST(rle_damaged_headers) {
    bk_error e, *err = &e;
    uint32_t out[64];
    const uint8_t overflow[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x00};
    bk_error_clear(err);
    ASSERT_FAILS(pq_rle_decode_u32(overflow, sizeof overflow, 8, 8, out, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "overflows 32 bits");
    const uint8_t too_long[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    ASSERT_FAILS(pq_rle_decode_u32(too_long, sizeof too_long, 8, 8, out, NULL, NULL), BK_CORRUPT);
    const uint8_t truncated[] = {0x80};
    bk_error_clear(err);
    ASSERT_FAILS(pq_rle_decode_u32(truncated, 1, 8, 8, out, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "truncated");
    /* RLE value 9 does not fit in 3 bits */
    const uint8_t wide[] = {0x10, 0x09};
    bk_error_clear(err);
    ASSERT_FAILS(pq_rle_decode_u32(wide, 2, 3, 8, out, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "does not fit in bit width 3");
    /* RLE value missing */
    const uint8_t no_value[] = {0x10};
    ASSERT_FAILS(pq_rle_decode_u32(no_value, 1, 9, 8, out, NULL, NULL), BK_CORRUPT);
    /* bit widths out of range */
    bk_error_clear(err);
    ASSERT_FAILS(pq_rle_decode_u32(wide, 2, 33, 8, out, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "bit width 33");
    uint16_t out16[8];
    ASSERT_FAILS(pq_rle_decode_u16(wide, 2, 17, 8, out16, NULL, NULL), BK_CORRUPT);
    ASSERT_FAILS(pq_rle_decode_u32(wide, 2, -1, 8, out, NULL, NULL), BK_CORRUPT);
    /* more values requested than the stream holds */
    bk_error_clear(err);
    ASSERT_FAILS(pq_rle_decode_u32(wide, 2, 4, 9, out, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "ends after 8 of 9 values");
    /* a zero-length stream with values requested */
    ASSERT_FAILS(pq_rle_decode_u32(NULL, 0, 4, 1, out, NULL, NULL), BK_CORRUPT);
    size_t used = 7;
    ASSERT_OK(pq_rle_decode_u32(NULL, 0, 4, 0, out, &used, err), err);
    ASSERT_EQ(used, 0);
}

/*
 * A bit-packed run declaring 4 groups at width 8 (32 bytes) with only 10 bytes
 * present: the first 10 values are there and decode; asking for 11 is corrupt.
 */
BK_TEST(rle_unpadded_final_run) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    uint8_t data[11] = {0x09};
    for (int i = 1; i < 11; i++) data[i] = (uint8_t)(i * 3);
    uint8_t *p = exact_copy(data, sizeof data);
    uint32_t out[32];
    size_t used = 0;
    ASSERT_OK(pq_rle_decode_u32(p, sizeof data, 8, 10, out, &used, err), err);
    ASSERT_EQ(used, 11);
    for (int i = 0; i < 10; i++) ASSERT_EQ(out[i], (i + 1) * 3);
    bk_error_clear(err);
    ASSERT_FAILS(pq_rle_decode_u32(p, sizeof data, 8, 11, out, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "bit-packed run at byte 0 needs 11 bytes, only 10 remain");
    bk_free(p);
}

/* MSB-first packer for the deprecated encoding (test-only reference). */
static size_t pack_msb(const uint16_t *v, size_t n, int w, uint8_t *dst) {
    size_t bytes = (n * (size_t)w + 7) / 8;
    memset(dst, 0, bytes);
    size_t bit = 0;
    for (size_t i = 0; i < n; i++) {
        for (int b = w - 1; b >= 0; b--, bit++) {
            if ((v[i] >> b) & 1) dst[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
        }
    }
    return bytes;
}

BK_TEST(rle_deprecated_bitpacked_round_trip) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    uint16_t v[1000], out[1000];
    uint8_t packed[2000];
    for (int w = 0; w <= 16; w++) {
        for (size_t si = 0; si < 9; si++) {
            size_t n = k_sizes[si];
            for (size_t i = 0; i < n; i++) v[i] = (uint16_t)(rnd() & mask_of(w));
            size_t bytes = pack_msb(v, n, w, packed);
            uint8_t *p = exact_copy(packed, bytes);
            size_t used = 0;
            ASSERT_OK(pq_bitpacked_decode_u16(p, bytes, w, n, out, &used, err), err);
            ASSERT_EQ(used, bytes);
            ASSERT_TRUE(n == 0 || memcmp(out, v, n * sizeof *v) == 0);
            if (bytes > 0) {
                ASSERT_FAILS(pq_bitpacked_decode_u16(p, bytes - 1, w, n, out, NULL, NULL),
                             BK_CORRUPT);
            }
            bk_free(p);
        }
    }
    ASSERT_FAILS(pq_bitpacked_decode_u16(packed, 10, 17, 1, out, NULL, NULL), BK_CORRUPT);
}

/* ---- PLAIN ---- */

BK_TEST(plain_fixed_round_trip) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    const size_t widths[] = {4, 8, 12, 16, 1, 3};
    uint8_t src[16 * 1000], dst[16 * 1000];
    for (size_t i = 0; i < sizeof src; i++) src[i] = (uint8_t)rnd();
    bk_buf b;
    bk_buf_init(&b);
    for (size_t wi = 0; wi < BK_ARRAY_LEN(widths); wi++) {
        for (size_t si = 0; si < 9; si++) {
            size_t w = widths[wi], n = k_sizes[si];
            bk_buf_clear(&b);
            ASSERT_OK(pq_plain_encode_fixed(src, w, n, &b), err);
            ASSERT_EQ(b.len, n * w);
            size_t used = 0;
            ASSERT_OK(pq_plain_decode_fixed(b.data, b.len, w, n, dst, &used, err), err);
            ASSERT_EQ(used, n * w);
            ASSERT_TRUE(n == 0 || memcmp(dst, src, n * w) == 0);
            if (n)
                ASSERT_FAILS(pq_plain_decode_fixed(b.data, b.len - 1, w, n, dst, NULL, NULL),
                             BK_CORRUPT);
        }
    }
    bk_buf_destroy(&b);
    bk_error_clear(err);
    ASSERT_FAILS(pq_plain_decode_fixed(src, 10, 8, SIZE_MAX / 4, dst, NULL, err), BK_CORRUPT);
    bk_error_clear(err);
    ASSERT_FAILS(pq_plain_decode_fixed(src, 7, 4, 2, dst, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "2 values of 4 bytes need 8 bytes, only 7 remain");
}

BK_TEST(plain_bool) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    /* LSB first: 1,0,1,1,0,0,0,0 | 1 -> 0x0D 0x01 */
    const uint8_t vals[9] = {1, 0, 1, 1, 0, 0, 0, 0, 1};
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(pq_plain_encode_bool(vals, 9, &b), err);
    ASSERT_EQ(b.len, 2);
    ASSERT_EQ(b.data[0], 0x0D);
    ASSERT_EQ(b.data[1], 0x01);
    uint8_t v[1000], out[1000];
    for (size_t si = 0; si < 9; si++) {
        size_t n = k_sizes[si];
        for (size_t i = 0; i < n; i++) v[i] = (uint8_t)(rnd() & 1);
        bk_buf_clear(&b);
        ASSERT_OK(pq_plain_encode_bool(v, n, &b), err);
        ASSERT_EQ(b.len, (n + 7) / 8);
        size_t used = 0;
        uint8_t *p = exact_copy(b.data, b.len);
        ASSERT_OK(pq_plain_decode_bool(p, b.len, n, out, &used, err), err);
        ASSERT_EQ(used, b.len);
        ASSERT_TRUE(n == 0 || memcmp(out, v, n) == 0);
        if (n) ASSERT_FAILS(pq_plain_decode_bool(p, b.len - 1, n, out, NULL, NULL), BK_CORRUPT);
        bk_free(p);
    }
    bk_buf_destroy(&b);
}

BK_TEST(plain_byte_array) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    const uint8_t data[] = {3, 0, 0, 0, 'a', 'b', 'c', 0, 0, 0, 0, 1, 0, 0, 0, 'z'};
    bk_str out[3];
    size_t used = 0;
    ASSERT_OK(pq_plain_decode_byte_array(data, sizeof data, 3, out, &used, err), err);
    ASSERT_EQ(used, sizeof data);
    ASSERT_EQ(out[0].len, 3);
    ASSERT_TRUE(memcmp(out[0].ptr, "abc", 3) == 0);
    ASSERT_EQ(out[1].len, 0);
    ASSERT_TRUE(out[2].len == 1 && out[2].ptr[0] == 'z');
    /* every truncation fails */
    for (size_t cut = 0; cut < sizeof data; cut++) {
        uint8_t *p = exact_copy(data, cut);
        ASSERT_FAILS(pq_plain_decode_byte_array(p, cut, 3, out, NULL, NULL), BK_CORRUPT);
        bk_free(p);
    }
    /* a length past the end */
    const uint8_t bad[] = {0xFF, 0xFF, 0xFF, 0x7F, 'x'};
    bk_error_clear(err);
    ASSERT_FAILS(pq_plain_decode_byte_array(bad, sizeof bad, 1, out, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "value 0 has length 2147483647, only 1 bytes remain");
    const uint8_t huge[] = {0xFF, 0xFF, 0xFF, 0xFF, 'x'};
    ASSERT_FAILS(pq_plain_decode_byte_array(huge, sizeof huge, 1, out, NULL, NULL), BK_CORRUPT);

    /* round trip */
    bk_str vals[1000];
    char pool[1000 * 20];
    for (size_t i = 0; i < 1000; i++) {
        vals[i].ptr = pool + i * 20;
        vals[i].len = rnd() % 21;
        for (size_t k = 0; k < vals[i].len; k++) pool[i * 20 + k] = (char)rnd();
    }
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(pq_plain_encode_byte_array(vals, 1000, &b), err);
    bk_str got[1000];
    ASSERT_OK(pq_plain_decode_byte_array(b.data, b.len, 1000, got, &used, err), err);
    ASSERT_EQ(used, b.len);
    for (size_t i = 0; i < 1000; i++) {
        ASSERT_EQ(got[i].len, vals[i].len);
        ASSERT_TRUE(memcmp(got[i].ptr, vals[i].ptr, vals[i].len) == 0);
    }
    bk_buf_destroy(&b);
}

/* ---- DELTA_BINARY_PACKED ---- */

/*
 * Encodings.md example 1 (1,2,3,4,5) with a legal block size of 128 and 4
 * miniblocks: header 128 4 5 zz(1); block: zz(min delta 1), widths 0 0 0 0.
 */
BK_TEST(delta_spec_example_1) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    const uint8_t data[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0xAA};
    int32_t out[5];
    int64_t out64[5];
    size_t used = 0;
    ASSERT_OK(pq_delta_decode_i32(data, sizeof data, 5, out, &used, err), err);
    ASSERT_EQ(used, 10);
    for (int i = 0; i < 5; i++) ASSERT_EQ(out[i], i + 1);
    ASSERT_OK(pq_delta_decode_i64(data, sizeof data, 5, out64, &used, err), err);
    for (int i = 0; i < 5; i++) ASSERT_EQ(out64[i], i + 1);
    /* our encoder writes the same bytes */
    bk_buf b;
    bk_buf_init(&b);
    const int32_t vals[5] = {1, 2, 3, 4, 5};
    ASSERT_OK(pq_delta_encode_i32(vals, 5, &b), err);
    ASSERT_EQ(b.len, 10);
    ASSERT_TRUE(memcmp(b.data, data, 10) == 0);
    bk_buf_destroy(&b);
}

/*
 * Example 2 (7,5,3,1,2,3,4,5): min delta -2, relative deltas 0,0,0,3,3,3,3 at
 * width 2 in a 32-value miniblock (8 bytes, zero padded).
 */
BK_TEST(delta_spec_example_2) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    const uint8_t data[] = {0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00,
                            0x00, 0xC0, 0x3F, 0,    0,    0,    0,    0,    0};
    const int32_t want[8] = {7, 5, 3, 1, 2, 3, 4, 5};
    int32_t out[8];
    size_t used = 0;
    ASSERT_OK(pq_delta_decode_i32(data, sizeof data, 8, out, &used, err), err);
    ASSERT_EQ(used, sizeof data);
    ASSERT_TRUE(memcmp(out, want, sizeof want) == 0);
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(pq_delta_encode_i32(want, 8, &b), err);
    ASSERT_EQ(b.len, sizeof data);
    ASSERT_TRUE(memcmp(b.data, data, sizeof data) == 0);
    bk_buf_destroy(&b);
    /* arbitrary padding bits and arbitrary widths of the absent miniblocks */
    uint8_t messy[sizeof data];
    memcpy(messy, data, sizeof data);
    messy[7] = 0xFF;
    messy[8] = 0x77;
    messy[11] |= 0xC0;
    for (int i = 12; i < 18; i++) messy[i] = 0xFF;
    ASSERT_OK(pq_delta_decode_i32(messy, sizeof messy, 8, out, &used, err), err);
    ASSERT_EQ(used, sizeof data);
    ASSERT_TRUE(memcmp(out, want, sizeof want) == 0);
    /* the spec's literal example uses block size 8, which is invalid */
    const uint8_t block8[] = {0x08, 0x01, 0x05, 0x02, 0x02, 0x00};
    bk_error_clear(err);
    ASSERT_FAILS(pq_delta_decode_i32(block8, sizeof block8, 5, out, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "block size 8 is not a positive multiple of 128");
}

static void fill_i64(int64_t *v, size_t n, int pattern) {
    int64_t x = (int64_t)rnd();
    for (size_t i = 0; i < n; i++) {
        switch (pattern) {
        case 0:
            v[i] = (int64_t)rnd();
            break;
        case 1:
            x += (int64_t)(rnd() % 1000);
            v[i] = x;
            break; /* sorted */
        case 2:
            v[i] = 42;
            break;
        case 3:
            v[i] = (i % 3 == 0) ? INT64_MIN : (i % 3 == 1) ? INT64_MAX : 0;
            break;
        default:
            v[i] = (int64_t)(rnd() % 17) - 8;
            break;
        }
    }
}

BK_TEST(delta_round_trip_i64) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    size_t max_n = 100000;
    int64_t *v = bk_malloc(max_n * sizeof *v);
    int64_t *out = bk_malloc(max_n * sizeof *out);
    ASSERT_TRUE(v && out);
    bk_buf b;
    bk_buf_init(&b);
    for (size_t si = 0; si < BK_ARRAY_LEN(k_sizes); si++) {
        for (int pattern = 0; pattern < 5; pattern++) {
            size_t n = k_sizes[si];
            fill_i64(v, n, pattern);
            bk_buf_clear(&b);
            ASSERT_OK(pq_delta_encode_i64(v, n, &b), err);
            size_t enc_len = b.len;
            ASSERT_TRUE(bk_buf_append(&b, "trailing", 8) == BK_OK);
            size_t used = 0;
            ASSERT_OK(pq_delta_decode_i64(b.data, b.len, n, out, &used, err), err);
            ASSERT_EQ(used, enc_len);
            ASSERT_TRUE(n == 0 || memcmp(out, v, n * sizeof *v) == 0);
            ASSERT_OK(pq_delta_decode_i64(b.data, b.len, n / 3, out, &used, err), err);
            ASSERT_TRUE(used <= enc_len);
            ASSERT_TRUE(n < 3 || memcmp(out, v, n / 3 * sizeof *v) == 0);
            ASSERT_FAILS(pq_delta_decode_i64(b.data, b.len, n + 1, out, NULL, NULL), BK_CORRUPT);
        }
    }
    bk_buf_destroy(&b);
    bk_free(v);
    bk_free(out);
}

BK_TEST(delta_round_trip_i32) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    size_t max_n = 100000;
    int32_t *v = bk_malloc(max_n * sizeof *v);
    int32_t *out = bk_malloc(max_n * sizeof *out);
    int64_t *tmp = bk_malloc(max_n * sizeof *tmp);
    ASSERT_TRUE(v && out && tmp);
    bk_buf b;
    bk_buf_init(&b);
    for (size_t si = 0; si < BK_ARRAY_LEN(k_sizes); si++) {
        for (int pattern = 0; pattern < 5; pattern++) {
            size_t n = k_sizes[si];
            fill_i64(tmp, n, pattern);
            for (size_t i = 0; i < n; i++) {
                v[i] = pattern == 3 ? (tmp[i] < 0   ? INT32_MIN
                                       : tmp[i] > 0 ? INT32_MAX
                                                    : 0)
                                    : (int32_t)(uint32_t)tmp[i];
            }
            bk_buf_clear(&b);
            ASSERT_OK(pq_delta_encode_i32(v, n, &b), err);
            uint8_t *p = exact_copy(b.data, b.len);
            size_t used = 0;
            ASSERT_OK(pq_delta_decode_i32(p, b.len, n, out, &used, err), err);
            ASSERT_EQ(used, b.len);
            ASSERT_TRUE(n == 0 || memcmp(out, v, n * sizeof *v) == 0);
            bk_free(p);
        }
    }
    bk_buf_destroy(&b);
    bk_free(v);
    bk_free(out);
    bk_free(tmp);
}

BK_TEST(delta_extremes_and_widths) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    const int64_t v[] = {INT64_MIN, INT64_MAX, INT64_MIN, 0, -1, INT64_MAX, 1, INT64_MIN};
    int64_t out[8];
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(pq_delta_encode_i64(v, 8, &b), err);
    ASSERT_OK(pq_delta_decode_i64(b.data, b.len, 8, out, NULL, err), err);
    ASSERT_TRUE(memcmp(out, v, sizeof v) == 0);
    /* the first miniblock needs all 64 bits */
    ASSERT_EQ(b.data[b.len - 64 * 4 - 4], 64);

    /* width 33 is corrupt for INT32, width 65 for INT64 */
    uint8_t bad[] = {0x80, 0x01, 0x04, 0x03, 0x00, 0x00, 33, 0, 0, 0};
    bk_error_clear(err);
    int32_t o32[3];
    ASSERT_FAILS(pq_delta_decode_i32(bad, sizeof bad, 3, o32, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "miniblock bit width 33 exceeds 32");
    bad[6] = 65;
    ASSERT_FAILS(pq_delta_decode_i64(bad, sizeof bad, 3, out, NULL, NULL), BK_CORRUPT);

    /*
     * Deltas computed in 64 bits for INT32 data (min delta outside INT32): the
     * values still come back mod 2^32.  INT32_MAX then INT32_MIN, delta -2^32+1.
     */
    bk_buf_clear(&b);
    ASSERT_TRUE(bk_buf_append(&b, "\x80\x01\x04\x02", 4) == BK_OK);
    ASSERT_TRUE(bk_buf_append(&b, "\xFE\xFF\xFF\xFF\x0F", 5) == BK_OK); /* zz(INT32_MAX) */
    ASSERT_TRUE(bk_buf_append(&b, "\xFD\xFF\xFF\xFF\x1F", 5) == BK_OK); /* zz(-2^32+1) */
    ASSERT_TRUE(bk_buf_append(&b, "\x00\x00\x00\x00", 4) == BK_OK);
    ASSERT_OK(pq_delta_decode_i32(b.data, b.len, 2, o32, NULL, err), err);
    ASSERT_EQ(o32[0], INT32_MAX);
    ASSERT_EQ(o32[1], INT32_MIN);
    /* an INT32 first value out of range */
    const uint8_t big_first[] = {0x80, 0x01, 0x04, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10};
    bk_error_clear(err);
    ASSERT_FAILS(pq_delta_decode_i32(big_first, sizeof big_first, 1, o32, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "out of range for INT32");
    bk_buf_destroy(&b);
}

BK_TEST(delta_bad_headers) {
    bk_error e, *err = &e;
    int64_t out[4];
    /* miniblocks that do not divide the block into multiples of 32 */
    const uint8_t mini3[] = {0x80, 0x01, 0x03, 0x01, 0x00};
    bk_error_clear(err);
    ASSERT_FAILS(pq_delta_decode_i64(mini3, sizeof mini3, 1, out, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "3 miniblocks");
    const uint8_t mini0[] = {0x80, 0x01, 0x00, 0x01, 0x00};
    ASSERT_FAILS(pq_delta_decode_i64(mini0, sizeof mini0, 1, out, NULL, NULL), BK_CORRUPT);
    const uint8_t mini8[] = {0x80, 0x01, 0x08, 0x01, 0x00};
    ASSERT_FAILS(pq_delta_decode_i64(mini8, sizeof mini8, 1, out, NULL, NULL), BK_CORRUPT);
    /* fewer values than requested */
    const uint8_t two[] = {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    bk_error_clear(err);
    ASSERT_FAILS(pq_delta_decode_i64(two, sizeof two, 3, out, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "stream holds 2 values, 3 requested");
    /* a varint that does not end */
    const uint8_t endless[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    ASSERT_FAILS(pq_delta_decode_i64(endless, sizeof endless, 0, out, NULL, NULL), BK_CORRUPT);
    /* zero values, zero requested */
    const uint8_t none[] = {0x80, 0x01, 0x04, 0x00, 0x00};
    size_t used = 0;
    ASSERT_OK(pq_delta_decode_i64(none, sizeof none, 0, out, &used, err), err);
    ASSERT_EQ(used, 5);
}

BK_TEST(delta_truncated_every_prefix) {
    bk_error e, *err = &e;
    int64_t v[300], out[300];
    bk_buf b;
    bk_buf_init(&b);
    for (int pattern = 0; pattern < 5; pattern++) {
        size_t n = pattern == 2 ? 300 : 290;
        fill_i64(v, n, pattern);
        bk_buf_clear(&b);
        ASSERT_OK(pq_delta_encode_i64(v, n, &b), err);
        for (size_t cut = 0; cut < b.len; cut++) {
            uint8_t *p = exact_copy(b.data, cut);
            bk_error_clear(err);
            size_t used = 0;
            bk_status st = pq_delta_decode_i64(p, cut, n, out, &used, err);
            if (st == BK_OK) {
                ASSERT_TRUE(used <= cut);
                ASSERT_TRUE(memcmp(out, v, n * sizeof *v) == 0);
            } else {
                ASSERT_EQ(st, BK_CORRUPT);
                ASSERT_CONTAINS(err->msg, "could not decode DELTA_BINARY_PACKED");
            }
            bk_str s[300];
            st = pq_delta_length_decode(p, cut, n, s, NULL, NULL);
            ASSERT_TRUE(st == BK_OK || st == BK_CORRUPT);
            bk_free(p);
        }
    }
    bk_buf_destroy(&b);
}

/* A huge declared count with empty blocks ends at the data, not after 2^62 steps. */
BK_TEST(delta_huge_declared_count) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    /* block 128, 1 miniblock, count 2^62, first 0, then 3 blocks of width 0 */
    const uint8_t data[] = {0x80, 0x01, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                            0x80, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    bk_str s[4];
    ASSERT_FAILS(pq_delta_length_decode(data, sizeof data, 4, s, NULL, err), BK_CORRUPT);
    int64_t out[4];
    size_t used = 0;
    ASSERT_OK(pq_delta_decode_i64(data, sizeof data, 4, out, &used, err), err);
    ASSERT_EQ(used, 15); /* header 13 + the first block's min delta and width */
    ASSERT_EQ(out[3], 0);
}

/* ---- DELTA_LENGTH_BYTE_ARRAY ---- */

static bk_str str_of(const char *s) {
    bk_str r = {s, strlen(s)};
    return r;
}

BK_TEST(delta_length_spec_example) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    bk_str vals[4] = {str_of("Hello"), str_of("World"), str_of("Foobar"), str_of("ABCDEF")};
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(pq_delta_length_encode(vals, 4, &b), err);
    const char *concat = "HelloWorldFoobarABCDEF";
    size_t clen = strlen(concat);
    ASSERT_TRUE(b.len > clen);
    ASSERT_TRUE(memcmp(b.data + b.len - clen, concat, clen) == 0);
    int32_t lens[4];
    size_t used = 0;
    ASSERT_OK(pq_delta_decode_i32(b.data, b.len, 4, lens, &used, err), err);
    ASSERT_EQ(used, b.len - clen);
    ASSERT_EQ(lens[0], 5);
    ASSERT_EQ(lens[2], 6);
    size_t enc_len = b.len;
    ASSERT_TRUE(bk_buf_append(&b, "tail", 4) == BK_OK);
    bk_str out[4];
    ASSERT_OK(pq_delta_length_decode(b.data, b.len, 4, out, &used, err), err);
    ASSERT_EQ(used, enc_len);
    for (int i = 0; i < 4; i++) {
        ASSERT_EQ(out[i].len, vals[i].len);
        ASSERT_TRUE(memcmp(out[i].ptr, vals[i].ptr, vals[i].len) == 0);
    }
    /* decoding 2 of 4 still finds the data after all 4 lengths */
    ASSERT_OK(pq_delta_length_decode(b.data, b.len, 2, out, &used, err), err);
    ASSERT_TRUE(memcmp(out[1].ptr, "World", 5) == 0);
    ASSERT_EQ(used, enc_len - clen + 10);
    bk_buf_destroy(&b);
}

BK_TEST(delta_length_damaged) {
    bk_error e, *err = &e;
    bk_str out[4];
    /* lengths 5, -3 */
    const int32_t lens[2] = {5, -3};
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(pq_delta_encode_i32(lens, 2, &b), err);
    ASSERT_TRUE(bk_buf_append(&b, "abcdefgh", 8) == BK_OK);
    bk_error_clear(err);
    ASSERT_FAILS(pq_delta_length_decode(b.data, b.len, 2, out, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "value 1 has negative length -3");
    /* lengths past the end of the data */
    const int32_t big[2] = {5, 4};
    bk_buf_clear(&b);
    ASSERT_OK(pq_delta_encode_i32(big, 2, &b), err);
    ASSERT_TRUE(bk_buf_append(&b, "abcdefgh", 8) == BK_OK);
    bk_error_clear(err);
    ASSERT_FAILS(pq_delta_length_decode(b.data, b.len, 2, out, NULL, err), BK_CORRUPT);
    ASSERT_OK(pq_delta_length_decode(b.data, b.len, 1, out, NULL, err), err);
    ASSERT_TRUE(out[0].len == 5 && memcmp(out[0].ptr, "abcde", 5) == 0);
    bk_buf_destroy(&b);
}

/* Random strings sharing prefixes with their predecessor. */
static size_t make_strings(bk_str *vals, char *pool, size_t n, size_t max_len) {
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = rnd() % (max_len + 1);
        char *p = pool + used;
        size_t shared = 0;
        if (i > 0 && rnd() % 4 != 0) shared = BK_MIN(len, (size_t)(rnd() % (vals[i - 1].len + 1)));
        if (shared) memcpy(p, vals[i - 1].ptr, shared);
        for (size_t k = shared; k < len; k++) p[k] = (char)('a' + rnd() % 3);
        vals[i].ptr = p;
        vals[i].len = len;
        used += len;
    }
    return used;
}

BK_TEST(delta_strings_round_trip) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    ASSERT_TRUE(a != NULL);
    size_t max_n = 100000;
    bk_str *vals = bk_malloc(max_n * sizeof *vals);
    bk_str *out = bk_malloc(max_n * sizeof *out);
    char *pool = bk_malloc(max_n * 12);
    ASSERT_TRUE(vals && out && pool);
    bk_buf b;
    bk_buf_init(&b);
    for (size_t si = 0; si < BK_ARRAY_LEN(k_sizes); si++) {
        size_t n = k_sizes[si];
        make_strings(vals, pool, n, 12);
        for (int kind = 0; kind < 2; kind++) {
            bk_buf_clear(&b);
            if (kind == 0) {
                ASSERT_OK(pq_delta_length_encode(vals, n, &b), err);
            } else {
                ASSERT_OK(pq_delta_byte_array_encode(vals, n, &b), err);
            }
            uint8_t *p = exact_copy(b.data, b.len);
            size_t used = 0;
            if (kind == 0) {
                ASSERT_OK(pq_delta_length_decode(p, b.len, n, out, &used, err), err);
            } else {
                ASSERT_OK(pq_delta_byte_array_decode(a, p, b.len, n, out, &used, err), err);
                /* the values live in the arena, not in the input */
                memset(p, 0xEE, b.len);
                bk_free(p);
                p = NULL;
            }
            ASSERT_EQ(used, b.len);
            for (size_t i = 0; i < n; i++) {
                ASSERT_EQ(out[i].len, vals[i].len);
                ASSERT_TRUE(out[i].ptr != NULL);
                ASSERT_TRUE(memcmp(out[i].ptr, vals[i].ptr, vals[i].len) == 0);
            }
            bk_free(p);
            bk_arena_reset(a);
        }
    }
    bk_buf_destroy(&b);
    bk_free(vals);
    bk_free(out);
    bk_free(pool);
    bk_arena_free(a);
}

/* Encodings.md: "axis", "axle", "babble", "babyhood". */
BK_TEST(delta_byte_array_spec_example) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    bk_str vals[4] = {str_of("axis"), str_of("axle"), str_of("babble"), str_of("babyhood")};
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(pq_delta_byte_array_encode(vals, 4, &b), err);
    int32_t prefixes[4], suffixes[4];
    size_t used1 = 0, used2 = 0;
    ASSERT_OK(pq_delta_decode_i32(b.data, b.len, 4, prefixes, &used1, err), err);
    ASSERT_OK(pq_delta_decode_i32(b.data + used1, b.len - used1, 4, suffixes, &used2, err), err);
    const int32_t want_p[4] = {0, 2, 0, 3}, want_s[4] = {4, 2, 6, 5};
    ASSERT_TRUE(memcmp(prefixes, want_p, sizeof want_p) == 0);
    ASSERT_TRUE(memcmp(suffixes, want_s, sizeof want_s) == 0);
    const char *tail = "axislebabbleyhood";
    ASSERT_EQ(b.len - used1 - used2, strlen(tail));
    ASSERT_TRUE(memcmp(b.data + used1 + used2, tail, strlen(tail)) == 0);

    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_str out[4];
    size_t used = 0;
    ASSERT_OK(pq_delta_byte_array_decode(a, b.data, b.len, 4, out, &used, err), err);
    ASSERT_EQ(used, b.len);
    for (int i = 0; i < 4; i++) {
        ASSERT_EQ(out[i].len, vals[i].len);
        ASSERT_TRUE(memcmp(out[i].ptr, vals[i].ptr, vals[i].len) == 0);
    }
    /* every prefix of the encoding fails cleanly */
    for (size_t cut = 0; cut < b.len; cut++) {
        uint8_t *p = exact_copy(b.data, cut);
        bk_status st = pq_delta_byte_array_decode(a, p, cut, 4, out, NULL, NULL);
        ASSERT_EQ(st, BK_CORRUPT);
        bk_free(p);
    }
    bk_buf_destroy(&b);
    bk_arena_free(a);
}

BK_TEST(delta_byte_array_bad_prefix) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    /* values "ab" then prefix 5 (longer than "ab") + suffix "c" */
    const int32_t prefixes[2] = {0, 5}, suffix_lens[2] = {2, 1};
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(pq_delta_encode_i32(prefixes, 2, &b), err);
    ASSERT_OK(pq_delta_encode_i32(suffix_lens, 2, &b), err);
    ASSERT_TRUE(bk_buf_append(&b, "abc", 3) == BK_OK);
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_str out[2];
    ASSERT_FAILS(pq_delta_byte_array_decode(a, b.data, b.len, 2, out, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "value 1 has prefix length 5, but the previous value has 2 bytes");
    /* the first value must have prefix 0 */
    const int32_t first_prefix[2] = {1, 0};
    bk_buf_clear(&b);
    ASSERT_OK(pq_delta_encode_i32(first_prefix, 2, &b), err);
    ASSERT_OK(pq_delta_encode_i32(suffix_lens, 2, &b), err);
    ASSERT_TRUE(bk_buf_append(&b, "abc", 3) == BK_OK);
    ASSERT_FAILS(pq_delta_byte_array_decode(a, b.data, b.len, 2, out, NULL, NULL), BK_CORRUPT);
    /* an arena at its limit: a clean out-of-memory error */
    bk_arena *tiny = bk_arena_new(NULL, "tiny", 1);
    bk_str big[2] = {str_of("0123456789012345678901234567890123456789"),
                     str_of("0123456789012345678901234567890123456789xyz")};
    bk_buf_clear(&b);
    ASSERT_OK(pq_delta_byte_array_encode(big, 2, &b), err);
    ASSERT_FAILS(pq_delta_byte_array_decode(tiny, b.data, b.len, 2, out, NULL, NULL),
                 BK_OUT_OF_MEMORY);
    bk_arena_free(tiny);
    bk_buf_destroy(&b);
    bk_arena_free(a);
}

/* ---- BYTE_STREAM_SPLIT ---- */

BK_TEST(bss_spec_example) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    const uint8_t vals[12] = {0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11,
                              0x22, 0x33, 0xA3, 0xB4, 0xC5, 0xD6};
    const uint8_t enc[12] = {0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4,
                             0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6};
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(pq_bss_encode(vals, 4, 3, &b), err);
    ASSERT_EQ(b.len, 12);
    ASSERT_TRUE(memcmp(b.data, enc, 12) == 0);
    uint8_t out[12];
    ASSERT_OK(pq_bss_decode(enc, 12, 4, 3, out, err), err);
    ASSERT_TRUE(memcmp(out, vals, 12) == 0);
    ASSERT_OK(pq_bss_decode(enc, 12, 4, 2, out, err), err);
    ASSERT_TRUE(memcmp(out, vals, 8) == 0);
    bk_error_clear(err);
    ASSERT_FAILS(pq_bss_decode(enc, 11, 4, 2, out, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "11 bytes is not a multiple of the value width 4");
    ASSERT_FAILS(pq_bss_decode(enc, 12, 4, 4, out, NULL), BK_CORRUPT);
    ASSERT_FAILS(pq_bss_decode(enc, 12, 0, 0, out, NULL), BK_CORRUPT);
    bk_buf_destroy(&b);
}

BK_TEST(bss_round_trip) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    const size_t widths[] = {1, 2, 3, 4, 8, 12, 16};
    size_t max_n = 100000;
    uint8_t *v = bk_malloc(max_n * 16);
    uint8_t *out = bk_malloc(max_n * 16);
    ASSERT_TRUE(v && out);
    for (size_t i = 0; i < max_n * 16; i++) v[i] = (uint8_t)rnd();
    bk_buf b;
    bk_buf_init(&b);
    for (size_t wi = 0; wi < BK_ARRAY_LEN(widths); wi++) {
        for (size_t si = 0; si < BK_ARRAY_LEN(k_sizes); si++) {
            size_t w = widths[wi], n = k_sizes[si];
            bk_buf_clear(&b);
            ASSERT_OK(pq_bss_encode(v, w, n, &b), err);
            ASSERT_EQ(b.len, w * n);
            uint8_t *p = exact_copy(b.data, b.len);
            ASSERT_OK(pq_bss_decode(p, b.len, w, n, out, err), err);
            ASSERT_TRUE(n == 0 || memcmp(out, v, n * w) == 0);
            bk_free(p);
        }
    }
    bk_buf_destroy(&b);
    bk_free(v);
    bk_free(out);
}

/* Random bytes into every decoder: a clean BK_CORRUPT or a result, never a crash. */
BK_TEST(encoding_garbage_input) {
    bk_error e, *err = &e;
    bk_arena *a = bk_arena_new(NULL, "test", 1 << 24);
    ASSERT_TRUE(a != NULL);
    uint8_t junk[512];
    uint64_t out[4096 * 2];
    for (int round = 0; round < 3000; round++) {
        size_t len = rnd() % sizeof junk;
        for (size_t i = 0; i < len; i++) junk[i] = (uint8_t)(round % 3 ? rnd() : rnd() & 0x81);
        uint8_t *p = exact_copy(junk, len);
        size_t n = rnd() % 1000;
        int w = (int)(rnd() % 33);
        bk_status st[10];
        bk_error_clear(err);
        st[0] = pq_rle_decode_u32(p, len, w, n, (uint32_t *)out, NULL, err);
        st[1] = pq_rle_decode_u16(p, len, w % 17, n, (uint16_t *)out, NULL, NULL);
        st[2] = pq_bitpacked_decode_u16(p, len, w % 17, n, (uint16_t *)out, NULL, NULL);
        st[3] = pq_plain_decode_byte_array(p, len, n, (bk_str *)out, NULL, NULL);
        st[4] = pq_delta_decode_i32(p, len, n, (int32_t *)out, NULL, NULL);
        st[5] = pq_delta_decode_i64(p, len, n, (int64_t *)out, NULL, NULL);
        st[6] = pq_delta_length_decode(p, len, n, (bk_str *)out, NULL, NULL);
        st[7] = pq_delta_byte_array_decode(a, p, len, n, (bk_str *)out, NULL, NULL);
        st[8] = pq_bss_decode(p, len, (size_t)w % 17, n, out, NULL);
        st[9] = pq_plain_decode_bool(p, len, n, (uint8_t *)out, NULL, NULL);
        for (int k = 0; k < 10; k++) ASSERT_TRUE(st[k] == BK_OK || st[k] == BK_CORRUPT);
        if (st[0] != BK_OK) ASSERT_CONTAINS(err->msg, "could not decode");
        bk_free(p);
        bk_arena_reset(a);
    }
    bk_arena_free(a);
}
