/*
 * crc.c — CRC-32 (IEEE, reflected) for Parquet page checksums (see crc.h).
 *
 * Two implementations of one function:
 *
 *   crc_table   slicing-by-8: eight 256-entry tables, one 8-byte word a step.
 *               Portable; used for short inputs, for the last bytes of long ones,
 *               and for everything on CPUs without carry-less multiply.
 *   crc_clmul   x86-64 with PCLMULQDQ: the input is folded 64 bytes a step into
 *               four 128-bit accumulators with carry-less multiplies, then into
 *               one, and the table loop finishes the last 16 + (n mod 16) bytes.
 *
 * Both work on the CRC register (the complement of the finished checksum), so the
 * public function complements on the way in and out and the two compose freely.
 *
 * The mathematics
 * ---------------
 * Let P(x) = x^32 + x^26 + x^23 + x^22 + x^16 + x^12 + x^11 + x^10 + x^8 + x^7 +
 * x^5 + x^4 + x^2 + x + 1 (0x04C11DB7 below x^32).  Over GF(2), the CRC register
 * after a message M of n bits, started at register S, is
 *
 *     R = (M + S * x^(n-32)) * x^32  mod P
 *
 * that is: XOR the register into the first 32 bits of the message, then take the
 * remainder of the message times x^32.  The first bit of the message is its
 * highest coefficient, and the format is "reflected": bit 0 of byte 0 is that
 * first bit.  So 16 bytes loaded little-endian into a 128-bit register hold, in
 * bit k, the coefficient of x^(127-k); the low 64-bit lane H holds x^127..x^64
 * and the high lane L holds x^63..x^0:  X = H * x^64 + L.
 *
 * Folding.  If X is followed by D more bits of message, its contribution to the
 * remainder is that of X * x^D, and X * x^D = H * x^(64+D) + L * x^D, which
 * modulo P equals H * (x^(64+D) mod P) + L * (x^D mod P): a polynomial of degree
 * below 128 that can be XORed into the 128 bits that lie D bits further on.
 * PCLMULQDQ multiplies two 64-bit lanes.  With both operands read reflected (bit
 * j of a lane = coefficient of x^(63-j)), the 127-bit product read as a reflected
 * 128-bit value is the true product times x (bit k holds x^(126-k), which the
 * 128-bit reading calls x^(127-k)).  A constant K of degree below 32 stored
 * reflected in the low 32 bits of a lane stands for K * x^32.  Hence, for
 *
 *     k_hi(D) = reflect32(x^(D+31) mod P)   multiplies H:  H * x^(D+31) * x^32 * x
 *     k_lo(D) = reflect32(x^(D-33) mod P)   multiplies L:  L * x^(D-33) * x^32 * x
 *
 * clmul(H, k_hi) ^ clmul(L, k_lo) is congruent to X * x^D.  The constants below
 * were computed by shifting 1 left n times, XORing P in whenever bit 32 is set,
 * and reversing the 32 result bits:
 *
 *     D = 512 (four accumulators, 64 bytes apart):  x^543, x^479
 *     D = 128 (one accumulator into the next):      x^159, x^95
 *
 * The unit tests check both paths against zlib at every length up to 1000 and at
 * every alignment, so a wrong constant cannot go unnoticed.
 *
 * Final reduction.  When fewer than 16 bytes remain, the accumulator A (already
 * carrying the initial register, XORed into the first bytes) stands for the whole
 * message read so far.  Its register is A * x^32 mod P: exactly what the table
 * loop computes for the 16 bytes of A started from register 0.  The table loop
 * then runs on over the remaining bytes.  This costs two slicing steps per call
 * and replaces a Barrett reduction with code that is already tested.
 */
#include "parquet/crc.h"

#include <pthread.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CRC_HAVE_CLMUL 1
#include <immintrin.h>
#else
#define CRC_HAVE_CLMUL 0
#endif

/* P reflected: bit i holds the coefficient of x^(31-i). */
#define CRC_POLY_REFLECTED 0xEDB88320u

/* tables[k][b]: register after byte b followed by k zero bytes, from register 0. */
static uint32_t tables[8][256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void tables_build(void) {
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t r = b;
        for (int i = 0; i < 8; i++) r = (r >> 1) ^ (CRC_POLY_REFLECTED & (0u - (r & 1u)));
        tables[0][b] = r;
    }
    for (int k = 1; k < 8; k++) {
        for (uint32_t b = 0; b < 256; b++) {
            uint32_t prev = tables[k - 1][b];
            tables[k][b] = (prev >> 8) ^ tables[0][prev & 0xFFu];
        }
    }
}

static uint32_t load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * The register after `n` bytes from register `r`.  Eight bytes a step: the
 * register is XORed into the first four, and each of the eight bytes is looked up
 * in the table for the number of bytes that follow it within the word.
 * The tables must have been built.
 */
static uint32_t crc_table(uint32_t r, const uint8_t *p, size_t n) {
    while (n >= 8) {
        uint32_t lo = load_le32(p) ^ r;
        uint32_t hi = load_le32(p + 4);
        r = tables[7][lo & 0xFFu] ^ tables[6][(lo >> 8) & 0xFFu] ^
            tables[5][(lo >> 16) & 0xFFu] ^ tables[4][lo >> 24] ^ tables[3][hi & 0xFFu] ^
            tables[2][(hi >> 8) & 0xFFu] ^ tables[1][(hi >> 16) & 0xFFu] ^ tables[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) r = (r >> 8) ^ tables[0][(r ^ *p++) & 0xFFu];
    return r;
}

#if CRC_HAVE_CLMUL

/* Fold constants (see the banner): low lane multiplies H, high lane multiplies L. */
#define CRC_K512_HI 0x8f352d95u /* reflect32(x^543 mod P) */
#define CRC_K512_LO 0x1d9513d7u /* reflect32(x^479 mod P) */
#define CRC_K128_HI 0xae689191u /* reflect32(x^159 mod P) */
#define CRC_K128_LO 0xccaa009eu /* reflect32(x^95 mod P) */

/* Below this many bytes the table loop is as fast as setting up the folds. */
#define CRC_CLMUL_MIN 64

#define CRC_TARGET __attribute__((target("pclmul,sse4.1")))

/* x * x^D + next, for the fold distance D whose constants are in k. */
CRC_TARGET static inline __m128i fold(__m128i x, __m128i k, __m128i next) {
    __m128i h = _mm_clmulepi64_si128(x, k, 0x00);
    __m128i l = _mm_clmulepi64_si128(x, k, 0x11);
    return _mm_xor_si128(_mm_xor_si128(h, l), next);
}

CRC_TARGET static inline __m128i load16(const uint8_t *p) {
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* The register after n >= CRC_CLMUL_MIN bytes from register r (tables built). */
CRC_TARGET static uint32_t crc_clmul(uint32_t r, const uint8_t *p, size_t n) {
    const __m128i k512 = _mm_set_epi64x(CRC_K512_LO, CRC_K512_HI);
    const __m128i k128 = _mm_set_epi64x(CRC_K128_LO, CRC_K128_HI);
    __m128i x0 = _mm_xor_si128(load16(p), _mm_cvtsi32_si128((int)r));
    __m128i x1 = load16(p + 16);
    __m128i x2 = load16(p + 32);
    __m128i x3 = load16(p + 48);
    p += 64;
    n -= 64;
    /*
     * Four independent chains hide the multiply's latency: each accumulator is
     * moved 512 bits on and absorbs the block that lies there.
     */
    while (n >= 64) {
        x0 = fold(x0, k512, load16(p));
        x1 = fold(x1, k512, load16(p + 16));
        x2 = fold(x2, k512, load16(p + 32));
        x3 = fold(x3, k512, load16(p + 48));
        p += 64;
        n -= 64;
    }
    __m128i x = fold(x0, k128, x1);
    x = fold(x, k128, x2);
    x = fold(x, k128, x3);
    while (n >= 16) {
        x = fold(x, k128, load16(p));
        p += 16;
        n -= 16;
    }
    uint8_t acc[16];
    _mm_storeu_si128((__m128i *)(void *)acc, x);
    return crc_table(crc_table(0, acc, sizeof acc), p, n);
}

bool pq_crc32_accelerated(void) { return __builtin_cpu_supports("pclmul") != 0; }

#else

bool pq_crc32_accelerated(void) { return false; }

#endif

uint32_t pq_crc32_update(uint32_t crc, const uint8_t *data, size_t len) {
    if (len == 0) return crc;
    pthread_once(&tables_once, tables_build);
    uint32_t r = ~crc;
#if CRC_HAVE_CLMUL
    if (len >= CRC_CLMUL_MIN && __builtin_cpu_supports("pclmul")) {
        return ~crc_clmul(r, data, len);
    }
#endif
    return ~crc_table(r, data, len);
}

uint32_t pq_crc32_update_portable(uint32_t crc, const uint8_t *data, size_t len) {
    if (len == 0) return crc;
    pthread_once(&tables_once, tables_build);
    return ~crc_table(~crc, data, len);
}

uint32_t pq_crc32(const uint8_t *data, size_t len) { return pq_crc32_update(0, data, len); }
