/*
 * test_crc.c — unit tests for the page CRC-32 (parquet/crc.h).
 *
 * zlib's crc32 is the reference.  Both paths (the dispatching pq_crc32_update,
 * which folds with carry-less multiplies on CPUs that have them, and the portable
 * table loop) must agree with it at every length from 0 to 1000 and at every
 * start alignment 0..15, on random buffers of up to a few hundred KiB, for
 * chunked computation with chunk boundaries anywhere, and on inputs built to hit
 * the edges of the fold loops (all zeros, all ones).  Each buffer is a heap copy
 * of exactly its size, so ASan reports a read past the end.
 */
#include <zlib.h>

#include "base/mem.h"
#include "parquet/crc.h"
#include "test.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint32_t zlib_crc(uint32_t crc, const uint8_t *p, size_t n) {
    return (uint32_t)crc32_z((uLong)crc, p, n);
}

/* Both paths on an exact-size heap copy of p[0..n) starting `align` bytes in. */
static int check_one(const uint8_t *p, size_t n, size_t align, uint32_t *got,
                     uint32_t *got_portable) {
    uint8_t *buf = bk_malloc(n + align + 1);
    if (!buf) return 0;
    memcpy(buf + align, p, n);
    *got = pq_crc32(buf + align, n);
    *got_portable = pq_crc32_update_portable(0, buf + align, n);
    bk_free(buf);
    return 1;
}

BK_TEST(crc32_known_values) {
    ASSERT_EQ(pq_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
    ASSERT_EQ(pq_crc32_update_portable(0, (const uint8_t *)"123456789", 9), 0xCBF43926u);
    ASSERT_EQ(pq_crc32(NULL, 0), 0);
    ASSERT_EQ(pq_crc32_update(0x12345678u, NULL, 0), 0x12345678u);
    ASSERT_EQ(pq_crc32_update_portable(0x12345678u, NULL, 0), 0x12345678u);
    const char *fox = "The quick brown fox jumps over the lazy dog";
    ASSERT_EQ(pq_crc32((const uint8_t *)fox, strlen(fox)), 0x414FA339u);
}

/* Lengths 0..1000 at alignments 0..15, random bytes. */
BK_TEST(crc32_lengths_and_alignments) {
    enum { MAX_LEN = 1000 };
    uint8_t data[MAX_LEN];
    for (size_t i = 0; i < MAX_LEN; i++) data[i] = (uint8_t)rnd();
    for (size_t n = 0; n <= MAX_LEN; n++) {
        uint32_t want = zlib_crc(0, data, n);
        for (size_t align = 0; align < 16; align++) {
            uint32_t got, got_portable;
            ASSERT_TRUE(check_one(data, n, align, &got, &got_portable));
            if (got != want || got_portable != want) {
                bk_test_fail(__FILE__, __LINE__,
                             "length %zu, alignment %zu: zlib 0x%08x, pq_crc32 0x%08x, "
                             "portable 0x%08x",
                             n, align, want, got, got_portable);
                return;
            }
        }
    }
}

/* Random larger buffers (up to 300 KiB, odd sizes) at every alignment. */
BK_TEST(crc32_large_buffers) {
    enum { MAX_LEN = 300 * 1024 };
    uint8_t *data = bk_malloc(MAX_LEN);
    ASSERT_TRUE(data != NULL);
    for (size_t i = 0; i < MAX_LEN; i++) data[i] = (uint8_t)rnd();
    for (int round = 0; round < 24; round++) {
        size_t n = 1000 + (size_t)(rnd() % (MAX_LEN - 1000));
        uint32_t want = zlib_crc(0, data, n);
        for (size_t align = 0; align < 16; align++) {
            uint32_t got, got_portable;
            if (!check_one(data, n, align, &got, &got_portable) || got != want ||
                got_portable != want) {
                bk_test_fail(__FILE__, __LINE__, "length %zu, alignment %zu: zlib 0x%08x, "
                             "pq_crc32 0x%08x, portable 0x%08x", n, align, want, got,
                             got_portable);
                bk_free(data);
                return;
            }
        }
    }
    bk_free(data);
}

/* Uniform buffers: the folds see all-zero and all-one lanes. */
BK_TEST(crc32_uniform_buffers) {
    uint8_t buf[4096];
    const uint8_t fills[] = {0x00, 0xFF, 0x80, 0x01};
    for (size_t f = 0; f < sizeof fills; f++) {
        memset(buf, fills[f], sizeof buf);
        for (size_t n = 0; n <= sizeof buf; n += 61) {
            ASSERT_EQ(pq_crc32(buf, n), zlib_crc(0, buf, n));
            ASSERT_EQ(pq_crc32_update_portable(0, buf, n), zlib_crc(0, buf, n));
        }
    }
}

/* Chunked: pq_crc32_update over random chunks equals the one-shot checksum. */
BK_TEST(crc32_incremental) {
    enum { LEN = 70000 };
    uint8_t *data = bk_malloc(LEN);
    ASSERT_TRUE(data != NULL);
    for (size_t i = 0; i < LEN; i++) data[i] = (uint8_t)rnd();
    uint32_t want = zlib_crc(0, data, LEN);
    for (int round = 0; round < 200; round++) {
        /* small chunks in early rounds (table path), large ones later (folds) */
        size_t max_chunk = round < 100 ? 80 : 9000;
        uint32_t crc = 0, crc_portable = 0, crc_zlib = 0;
        size_t off = 0;
        while (off < LEN) {
            size_t k = (size_t)(rnd() % (max_chunk + 1));
            if (k > LEN - off) k = LEN - off;
            crc = pq_crc32_update(crc, data + off, k);
            crc_portable = pq_crc32_update_portable(crc_portable, data + off, k);
            crc_zlib = zlib_crc(crc_zlib, data + off, k);
            if (crc != crc_zlib || crc_portable != crc_zlib) {
                bk_test_fail(__FILE__, __LINE__, "round %d, after %zu bytes: zlib 0x%08x, "
                             "pq_crc32_update 0x%08x, portable 0x%08x", round, off + k,
                             crc_zlib, crc, crc_portable);
                bk_free(data);
                return;
            }
            off += k;
        }
        if (crc != want) {
            bk_test_fail(__FILE__, __LINE__, "round %d: 0x%08x != 0x%08x", round, crc, want);
            bk_free(data);
            return;
        }
    }
    bk_free(data);
}

/* A flipped bit anywhere changes the checksum (what page verification relies on). */
BK_TEST(crc32_detects_bit_flips) {
    uint8_t buf[512];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)rnd();
    uint32_t base = pq_crc32(buf, sizeof buf);
    for (size_t bit = 0; bit < sizeof buf * 8; bit += 7) {
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        uint32_t flipped = pq_crc32(buf, sizeof buf);
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ASSERT_TRUE(flipped != base);
    }
}
