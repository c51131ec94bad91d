/*
 * test_codec.c — unit tests for the page compression codecs (parquet/codec.h).
 *
 * Every supported codec round-trips random and repetitive data at several sizes;
 * a wrong declared size, truncated input and garbage fail with BK_CORRUPT.  The
 * compressed input and the output buffer are heap copies of exactly their size,
 * so ASan catches any read or write past either.  Also: gzip with concatenated
 * members and zlib headers, the three framings of the deprecated LZ4 codec, LZO,
 * names and clean out-of-memory failures (CRC-32 is in test_crc.c).
 */
#include <lz4.h>
#include <lz4frame.h>
#include <zlib.h>

#include "base/mem.h"
#include "parquet/codec.h"
#include "test.h"

static const pq_codec k_codecs[] = {PQ_CODEC_UNCOMPRESSED, PQ_CODEC_SNAPPY, PQ_CODEC_GZIP,
                                    PQ_CODEC_BROTLI,       PQ_CODEC_ZSTD,   PQ_CODEC_LZ4_RAW,
                                    PQ_CODEC_LZ4};

static uint64_t rng_state = 0x243F6A8885A308D3ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint8_t *exact_copy(const uint8_t *src, size_t n) {
    uint8_t *p = bk_malloc(n ? n : 1);
    if (p && n) memcpy(p, src, n);
    return p;
}

/* kind 0: random bytes; 1: repetitive text; 2: zeros. */
static void fill(uint8_t *p, size_t n, int kind) {
    static const char text[] = "the quick brown fox jumps over the lazy dog 0123456789 ";
    for (size_t i = 0; i < n; i++) {
        p[i] = kind == 0 ? (uint8_t)rnd() : kind == 1 ? (uint8_t)text[i % (sizeof text - 1)] : 0;
    }
}

/* Decompress `comp` (exact-size copy) into an exact-size buffer of dst_len. */
static bk_status try_decompress(pq_codec codec, const uint8_t *comp, size_t comp_len,
                                size_t dst_len, uint8_t **out, bk_error *err) {
    uint8_t *src = exact_copy(comp, comp_len);
    uint8_t *dst = bk_malloc(dst_len ? dst_len : 1);
    bk_error_clear(err);
    bk_status st = pq_decompress(codec, src, comp_len, dst, dst_len, err);
    bk_free(src);
    if (out) {
        *out = dst;
    } else {
        bk_free(dst);
    }
    return st;
}

BK_TEST(codec_round_trip_all) {
    bk_error e, *err = &e;
    const size_t sizes[] = {0, 1, 7, 1000, 100000, 1 << 20};
    uint8_t *data = bk_malloc(1 << 20);
    ASSERT_TRUE(data != NULL);
    bk_buf b;
    bk_buf_init(&b);
    for (size_t ci = 0; ci < BK_ARRAY_LEN(k_codecs); ci++) {
        pq_codec codec = k_codecs[ci];
        ASSERT_TRUE(pq_codec_supported(codec));
        for (size_t si = 0; si < BK_ARRAY_LEN(sizes); si++) {
            for (int kind = 0; kind < 3; kind++) {
                size_t n = sizes[si];
                fill(data, n, kind);
                bk_buf_clear(&b);
                bk_error_clear(err);
                ASSERT_OK(pq_compress(codec, 0, data, n, &b, err), err);
                if (kind == 2 && n >= 100000 && codec != PQ_CODEC_UNCOMPRESSED)
                    ASSERT_TRUE(b.len < n / 10);
                uint8_t *out = NULL;
                bk_status st = try_decompress(codec, b.data, b.len, n, &out, err);
                if (st != BK_OK) bk_test_fail(__FILE__, __LINE__, "codec %d n=%zu", codec, n);
                ASSERT_OK(st, err);
                ASSERT_TRUE(n == 0 || memcmp(out, data, n) == 0);
                bk_free(out);
                /* a wrong declared size fails, larger or smaller */
                ASSERT_FAILS(try_decompress(codec, b.data, b.len, n + 1, NULL, err), BK_CORRUPT);
                if (n > 0) {
                    ASSERT_FAILS(try_decompress(codec, b.data, b.len, n - 1, NULL, err),
                                 BK_CORRUPT);
                }
            }
        }
    }
    bk_buf_destroy(&b);
    bk_free(data);
}

BK_TEST(codec_size_mismatch_messages) {
    bk_error e, *err = &e;
    uint8_t data[100];
    fill(data, 100, 1);
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(pq_compress(PQ_CODEC_SNAPPY, 0, data, 100, &b, err), err);
    ASSERT_FAILS(try_decompress(PQ_CODEC_SNAPPY, b.data, b.len, 120, NULL, err), BK_CORRUPT);
    ASSERT_STR_EQ(err->msg, "SNAPPY page decompressed to 100 bytes, header says 120");
    bk_buf_clear(&b);
    ASSERT_OK(pq_compress(PQ_CODEC_GZIP, 0, data, 100, &b, err), err);
    ASSERT_FAILS(try_decompress(PQ_CODEC_GZIP, b.data, b.len, 120, NULL, err), BK_CORRUPT);
    ASSERT_STR_EQ(err->msg, "GZIP page decompressed to 100 bytes, header says 120");
    ASSERT_FAILS(try_decompress(PQ_CODEC_GZIP, b.data, b.len, 80, NULL, err), BK_CORRUPT);
    ASSERT_STR_EQ(err->msg, "GZIP page decompresses to more than the 80 bytes the header says");
    bk_buf_clear(&b);
    ASSERT_OK(pq_compress(PQ_CODEC_ZSTD, 0, data, 100, &b, err), err);
    ASSERT_FAILS(try_decompress(PQ_CODEC_ZSTD, b.data, b.len, 80, NULL, err), BK_CORRUPT);
    ASSERT_STR_EQ(err->msg, "ZSTD page decompressed to 100 bytes, header says 80");
    ASSERT_FAILS(try_decompress(PQ_CODEC_UNCOMPRESSED, data, 100, 99, NULL, err), BK_CORRUPT);
    ASSERT_STR_EQ(err->msg, "UNCOMPRESSED page has 100 bytes, header says 99");
    bk_buf_destroy(&b);
}

/* Every prefix of a small page and some prefixes of a large one fail cleanly. */
BK_TEST(codec_truncated_input) {
    bk_error e, *err = &e;
    uint8_t data[5000];
    bk_buf b;
    bk_buf_init(&b);
    for (size_t ci = 1; ci < BK_ARRAY_LEN(k_codecs); ci++) {
        pq_codec codec = k_codecs[ci];
        for (int kind = 0; kind < 2; kind++) {
            fill(data, sizeof data, kind);
            bk_buf_clear(&b);
            ASSERT_OK(pq_compress(codec, 0, data, sizeof data, &b, err), err);
            for (size_t cut = 0; cut < b.len; cut += (b.len > 600 ? 7 : 1)) {
                bk_status st = try_decompress(codec, b.data, cut, sizeof data, NULL, err);
                if (st != BK_CORRUPT) {
                    bk_test_fail(__FILE__, __LINE__, "codec %d cut %zu of %zu: %s", codec, cut,
                                 b.len, bk_code_name(st));
                    return;
                }
            }
        }
    }
    bk_buf_destroy(&b);
}

BK_TEST(codec_garbage_input) {
    bk_error e, *err = &e;
    uint8_t junk[4096];
    for (size_t ci = 1; ci < BK_ARRAY_LEN(k_codecs); ci++) {
        for (int round = 0; round < 50; round++) {
            size_t n = 1 + rnd() % sizeof junk;
            fill(junk, n, 0);
            size_t dst_len = rnd() % 10000;
            bk_status st = try_decompress(k_codecs[ci], junk, n, dst_len, NULL, err);
            ASSERT_TRUE(st == BK_CORRUPT || st == BK_OK);
            if (st == BK_OK) continue; /* vanishingly unlikely, and still in bounds */
            ASSERT_TRUE(err->msg[0] != '\0');
        }
    }
}

/* A page of 10 MB of zeros declared as 1000 bytes: refused without writing past. */
BK_TEST(codec_bomb_is_bounded) {
    bk_error e, *err = &e;
    size_t n = 10 << 20;
    uint8_t *zeros = bk_calloc(1, n);
    ASSERT_TRUE(zeros != NULL);
    bk_buf b;
    bk_buf_init(&b);
    for (size_t ci = 1; ci < BK_ARRAY_LEN(k_codecs); ci++) {
        bk_buf_clear(&b);
        ASSERT_OK(pq_compress(k_codecs[ci], 0, zeros, n, &b, err), err);
        ASSERT_FAILS(try_decompress(k_codecs[ci], b.data, b.len, 1000, NULL, err), BK_CORRUPT);
    }
    bk_buf_destroy(&b);
    bk_free(zeros);
}

BK_TEST(codec_gzip_members_and_zlib) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    uint8_t data[3000];
    fill(data, sizeof data, 1);
    fill(data + 1000, 2000, 0);
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(pq_compress(PQ_CODEC_GZIP, 0, data, 1000, &b, err), err);
    ASSERT_EQ(b.data[0], 0x1f); /* gzip magic */
    ASSERT_EQ(b.data[1], 0x8b);
    ASSERT_OK(pq_compress(PQ_CODEC_GZIP, 9, data + 1000, 2000, &b, err), err);
    uint8_t *out = NULL;
    ASSERT_OK(try_decompress(PQ_CODEC_GZIP, b.data, b.len, 3000, &out, err), err);
    ASSERT_TRUE(memcmp(out, data, 3000) == 0);
    bk_free(out);
    /* an empty member in between */
    bk_buf c;
    bk_buf_init(&c);
    ASSERT_OK(pq_compress(PQ_CODEC_GZIP, 0, data, 1000, &c, err), err);
    ASSERT_OK(pq_compress(PQ_CODEC_GZIP, 0, data, 0, &c, err), err);
    ASSERT_OK(pq_compress(PQ_CODEC_GZIP, 0, data + 1000, 2000, &c, err), err);
    ASSERT_OK(try_decompress(PQ_CODEC_GZIP, c.data, c.len, 3000, &out, err), err);
    ASSERT_TRUE(memcmp(out, data, 3000) == 0);
    bk_free(out);
    /* garbage after a member */
    ASSERT_TRUE(bk_buf_append(&c, "junk", 4) == BK_OK);
    ASSERT_FAILS(try_decompress(PQ_CODEC_GZIP, c.data, c.len, 3000, NULL, err), BK_CORRUPT);
    bk_buf_destroy(&c);
    /* a zlib stream (RFC 1950) is accepted too */
    uLongf zlen = compressBound(3000);
    uint8_t *z = bk_malloc(zlen);
    ASSERT_EQ(compress2(z, &zlen, data, 3000, 6), Z_OK);
    ASSERT_OK(try_decompress(PQ_CODEC_GZIP, z, zlen, 3000, &out, err), err);
    ASSERT_TRUE(memcmp(out, data, 3000) == 0);
    bk_free(out);
    bk_free(z);
    bk_buf_destroy(&b);
}

BK_TEST(codec_lz4_framings) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    size_t n = 1 << 20; /* four Hadoop pieces of 256 KiB */
    uint8_t *data = bk_malloc(n);
    ASSERT_TRUE(data != NULL);
    fill(data, n, 1);
    for (size_t i = 0; i < n; i += 97) data[i] = (uint8_t)rnd();
    bk_buf b;
    bk_buf_init(&b);
    uint8_t *out = NULL;

    /* Hadoop framing as we write it: [BE32 256K][BE32 clen][block] x 4 */
    ASSERT_OK(pq_compress(PQ_CODEC_LZ4, 0, data, n, &b, err), err);
    ASSERT_EQ(b.data[0], 0);
    ASSERT_EQ(b.data[1], 4);
    ASSERT_EQ(b.data[2], 0);
    ASSERT_EQ(b.data[3], 0);
    ASSERT_OK(try_decompress(PQ_CODEC_LZ4, b.data, b.len, n, &out, err), err);
    ASSERT_TRUE(memcmp(out, data, n) == 0);
    bk_free(out);

    /* Hadoop framing with two blocks inside one piece */
    size_t half = 3000;
    bk_buf_clear(&b);
    ASSERT_TRUE(bk_buf_reserve(&b, 8 + 2 * (size_t)LZ4_compressBound((int)half) + 8) == BK_OK);
    uint8_t *h = b.data;
    uint32_t total = 2 * (uint32_t)half;
    h[0] = 0, h[1] = 0, h[2] = (uint8_t)(total >> 8), h[3] = (uint8_t)total;
    size_t pos = 4;
    for (int k = 0; k < 2; k++) {
        int c = LZ4_compress_default((const char *)data + k * half, (char *)h + pos + 4, (int)half,
                                     LZ4_compressBound((int)half));
        ASSERT_TRUE(c > 0);
        h[pos] = 0, h[pos + 1] = 0, h[pos + 2] = (uint8_t)(c >> 8), h[pos + 3] = (uint8_t)c;
        pos += 4 + (size_t)c;
    }
    b.len = pos;
    ASSERT_OK(try_decompress(PQ_CODEC_LZ4, b.data, b.len, 2 * half, &out, err), err);
    ASSERT_TRUE(memcmp(out, data, 2 * half) == 0);
    bk_free(out);

    /* a raw block (what some writers emit for LZ4) */
    bk_buf_clear(&b);
    ASSERT_OK(pq_compress(PQ_CODEC_LZ4_RAW, 0, data, 100000, &b, err), err);
    ASSERT_OK(try_decompress(PQ_CODEC_LZ4, b.data, b.len, 100000, &out, err), err);
    ASSERT_TRUE(memcmp(out, data, 100000) == 0);
    bk_free(out);

    /* the LZ4 frame format */
    size_t fcap = LZ4F_compressFrameBound(100000, NULL);
    uint8_t *frame = bk_malloc(fcap);
    size_t flen = LZ4F_compressFrame(frame, fcap, data, 100000, NULL);
    ASSERT_TRUE(!LZ4F_isError(flen));
    ASSERT_OK(try_decompress(PQ_CODEC_LZ4, frame, flen, 100000, &out, err), err);
    ASSERT_TRUE(memcmp(out, data, 100000) == 0);
    bk_free(out);
    ASSERT_FAILS(try_decompress(PQ_CODEC_LZ4, frame, flen, 99999, NULL, err), BK_CORRUPT);
    ASSERT_FAILS(try_decompress(PQ_CODEC_LZ4, frame, flen - 1, 100000, NULL, err), BK_CORRUPT);
    ASSERT_CONTAINS(err->msg, "could not decompress LZ4 page");
    bk_free(frame);

    bk_buf_destroy(&b);
    bk_free(data);
}

BK_TEST(codec_levels) {
    bk_error e, *err = &e;
    uint8_t data[20000];
    fill(data, sizeof data, 1);
    struct {
        pq_codec codec;
        int level;
    } ok[] = {{PQ_CODEC_GZIP, 1},    {PQ_CODEC_GZIP, 9},    {PQ_CODEC_ZSTD, 1},
              {PQ_CODEC_ZSTD, 19},   {PQ_CODEC_ZSTD, -5},   {PQ_CODEC_BROTLI, 1},
              {PQ_CODEC_BROTLI, 11}, {PQ_CODEC_LZ4_RAW, 9}, {PQ_CODEC_LZ4, 12}};
    bk_buf b;
    bk_buf_init(&b);
    for (size_t i = 0; i < BK_ARRAY_LEN(ok); i++) {
        bk_buf_clear(&b);
        bk_error_clear(err);
        ASSERT_OK(pq_compress(ok[i].codec, ok[i].level, data, sizeof data, &b, err), err);
        uint8_t *out = NULL;
        ASSERT_OK(try_decompress(ok[i].codec, b.data, b.len, sizeof data, &out, err), err);
        ASSERT_TRUE(memcmp(out, data, sizeof data) == 0);
        bk_free(out);
    }
    bk_buf_clear(&b);
    bk_error_clear(err);
    ASSERT_FAILS(pq_compress(PQ_CODEC_GZIP, 10, data, 10, &b, err), BK_INVALID_ARGUMENT);
    ASSERT_EQ(b.len, 0);
    ASSERT_FAILS(pq_compress(PQ_CODEC_BROTLI, 12, data, 10, &b, NULL), BK_INVALID_ARGUMENT);
    ASSERT_FAILS(pq_compress(PQ_CODEC_ZSTD, 1000, data, 10, &b, NULL), BK_INVALID_ARGUMENT);
    bk_buf_destroy(&b);
}

BK_TEST(codec_lzo_and_unknown) {
    bk_error e, *err = &e;
    uint8_t src[4] = {1, 2, 3, 4}, dst[4];
    bk_error_clear(err);
    ASSERT_FAILS(pq_decompress(PQ_CODEC_LZO, src, 4, dst, 4, err), BK_UNSUPPORTED);
    ASSERT_CONTAINS(err->msg, "LZO compression is not supported");
    ASSERT_TRUE(!pq_codec_supported(PQ_CODEC_LZO));
    ASSERT_TRUE(!pq_codec_supported((pq_codec)42));
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_FAILS(pq_compress(PQ_CODEC_LZO, 0, src, 4, &b, NULL), BK_UNSUPPORTED);
    bk_error_clear(err);
    ASSERT_FAILS(pq_decompress((pq_codec)42, src, 4, dst, 4, err), BK_UNSUPPORTED);
    ASSERT_CONTAINS(err->msg, "unknown compression codec 42");
    bk_buf_destroy(&b);
}

BK_TEST(codec_names) {
    pq_codec c = PQ_CODEC_LZO;
    ASSERT_TRUE(pq_codec_from_name("snappy", &c) && c == PQ_CODEC_SNAPPY);
    ASSERT_TRUE(pq_codec_from_name("ZSTD", &c) && c == PQ_CODEC_ZSTD);
    ASSERT_TRUE(pq_codec_from_name("none", &c) && c == PQ_CODEC_UNCOMPRESSED);
    ASSERT_TRUE(pq_codec_from_name("Uncompressed", &c) && c == PQ_CODEC_UNCOMPRESSED);
    ASSERT_TRUE(pq_codec_from_name("gzip", &c) && c == PQ_CODEC_GZIP);
    ASSERT_TRUE(pq_codec_from_name("LZ4_RAW", &c) && c == PQ_CODEC_LZ4_RAW);
    ASSERT_TRUE(pq_codec_from_name("brotli", &c) && c == PQ_CODEC_BROTLI);
    ASSERT_TRUE(pq_codec_from_name("lz4", &c) && c == PQ_CODEC_LZ4);
    ASSERT_TRUE(!pq_codec_from_name("zip", &c));
    ASSERT_TRUE(!pq_codec_from_name("", &c));
    ASSERT_TRUE(!pq_codec_from_name(NULL, &c));
}

/* An empty page may be stored as zero bytes whatever the codec. */
BK_TEST(codec_empty_page) {
    bk_error e, *err = &e;
    bk_error_clear(err);
    for (size_t ci = 0; ci < BK_ARRAY_LEN(k_codecs); ci++) {
        ASSERT_OK(pq_decompress(k_codecs[ci], NULL, 0, NULL, 0, err), err);
        uint8_t one[1];
        ASSERT_FAILS(pq_decompress(k_codecs[ci], NULL, 0, one, 1, NULL), BK_CORRUPT);
    }
}

/* Allocation failures inside zlib and brotli surface as BK_OUT_OF_MEMORY. */
BK_TEST(codec_out_of_memory) {
    bk_error e, *err = &e;
    uint8_t data[1000], out[1000];
    fill(data, sizeof data, 1);
    const pq_codec codecs[] = {PQ_CODEC_GZIP, PQ_CODEC_BROTLI};
    for (size_t ci = 0; ci < BK_ARRAY_LEN(codecs); ci++) {
        bk_buf b;
        bk_buf_init(&b);
        ASSERT_OK(pq_compress(codecs[ci], 0, data, sizeof data, &b, err), err);
        bk_mem_fail_after(0);
        bk_error_clear(err);
        bk_status st = pq_decompress(codecs[ci], b.data, b.len, out, sizeof out, err);
        bk_mem_fail_reset();
        ASSERT_EQ(st, BK_OUT_OF_MEMORY);
        bk_buf_destroy(&b);
    }
}
