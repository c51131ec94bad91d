/*
 * z85.c — Z85 encoding and decoding (ZeroMQ RFC 32) for deletion vectors.
 *
 * A block of 4 bytes is a big-endian uint32 v; its 5 characters are the base-85
 * digits of v, most significant first.  Decoding reverses that through a 256-entry
 * table, where 0xFF marks a byte outside the alphabet; 85^5 > 2^32, so a group
 * can also name a value that does not fit in 32 bits, which is refused (no
 * encoder produces one, and accepting it would make two texts decode alike).
 */
#include "delta/z85.h"

#include <string.h>

static const char z85_alphabet[86] = "0123456789abcdefghijklmnopqrstuvwxyz"
                                     "ABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/* The digit (0..84) that character `c` stands for, or 0xFF when c is not in the alphabet. */
static uint8_t z85_digit(unsigned char c) {
    /* A constant table keeps decoding thread-safe without an init step. */
    static const uint8_t table[128] = {
        ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,
        ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14,
        ['e'] = 15, ['f'] = 16, ['g'] = 17, ['h'] = 18, ['i'] = 19, ['j'] = 20, ['k'] = 21,
        ['l'] = 22, ['m'] = 23, ['n'] = 24, ['o'] = 25, ['p'] = 26, ['q'] = 27, ['r'] = 28,
        ['s'] = 29, ['t'] = 30, ['u'] = 31, ['v'] = 32, ['w'] = 33, ['x'] = 34, ['y'] = 35,
        ['z'] = 36, ['A'] = 37, ['B'] = 38, ['C'] = 39, ['D'] = 40, ['E'] = 41, ['F'] = 42,
        ['G'] = 43, ['H'] = 44, ['I'] = 45, ['J'] = 46, ['K'] = 47, ['L'] = 48, ['M'] = 49,
        ['N'] = 50, ['O'] = 51, ['P'] = 52, ['Q'] = 53, ['R'] = 54, ['S'] = 55, ['T'] = 56,
        ['U'] = 57, ['V'] = 58, ['W'] = 59, ['X'] = 60, ['Y'] = 61, ['Z'] = 62, ['.'] = 63,
        ['-'] = 64, [':'] = 65, ['+'] = 66, ['='] = 67, ['^'] = 68, ['!'] = 69, ['/'] = 70,
        ['*'] = 71, ['?'] = 72, ['&'] = 73, ['<'] = 74, ['>'] = 75, ['('] = 76, [')'] = 77,
        ['['] = 78, [']'] = 79, ['{'] = 80, ['}'] = 81, ['@'] = 82, ['%'] = 83, ['$'] = 84,
        ['#'] = 85,
    };
    /* Entries hold digit + 1 so that the zero-initialised rest means "not Z85". */
    if (c >= 128 || table[c] == 0) return 0xFF;
    return (uint8_t)(table[c] - 1);
}

bk_status delta_z85_encode(const uint8_t *in, size_t n, char *out, bk_error *err) {
    if (n % 4 != 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "could not encode %zu bytes as Z85: the length must be a multiple "
                            "of 4",
                            n);
    for (size_t block = 0; block < n / 4; block++) {
        const uint8_t *p = in + block * 4;
        uint32_t v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        char *o = out + block * 5;
        for (int digit = 4; digit >= 0; digit--) {
            o[digit] = z85_alphabet[v % 85];
            v /= 85;
        }
    }
    out[n / 4 * 5] = '\0';
    return BK_OK;
}

bk_status delta_z85_decode(const char *in, size_t len, uint8_t *out, bk_error *err) {
    if (len % 5 != 0)
        return bk_error_set(err, BK_CORRUPT,
                            "invalid Z85 text: its length %zu is not a multiple of 5", len);
    for (size_t block = 0; block < len / 5; block++) {
        uint64_t v = 0;
        for (size_t k = 0; k < 5; k++) {
            size_t pos = block * 5 + k;
            uint8_t d = z85_digit((unsigned char)in[pos]);
            if (d == 0xFF) {
                unsigned char c = (unsigned char)in[pos];
                if (c >= 0x20 && c < 0x7F)
                    return bk_error_set(err, BK_CORRUPT,
                                        "invalid Z85 text: character '%c' at position %zu is "
                                        "not in the Z85 alphabet",
                                        c, pos);
                return bk_error_set(err, BK_CORRUPT,
                                    "invalid Z85 text: byte 0x%02x at position %zu is not in "
                                    "the Z85 alphabet",
                                    c, pos);
            }
            v = v * 85 + d;
        }
        if (v > UINT32_MAX && block + 1 == len / 5 && in[block * 5] == '#') {
            /*
             * A padded final group: some writers encode the last k < 4 bytes as k+1
             * digits left-padded with '#' (which, read as digits, always overflows).
             * delta-rs reads krs-data/cdf-table-with-dv this way; the bytes go at the
             * start of the block, where decoders that keep sizeInBytes look.
             */
            size_t pad = 0;
            while (pad < 4 && in[block * 5 + pad] == '#') pad++;
            uint64_t w = 0;
            for (size_t k = pad; k < 5; k++)
                w = w * 85 + z85_digit((unsigned char)in[block * 5 + k]);
            size_t nbytes = 4 - pad;
            if (w >> (8 * nbytes) == 0) {
                uint8_t *o = out + block * 4;
                memset(o, 0, 4);
                for (size_t k = 0; k < nbytes; k++) o[k] = (uint8_t)(w >> (8 * (nbytes - 1 - k)));
                continue;
            }
        }
        if (v > UINT32_MAX)
            return bk_error_set(err, BK_CORRUPT,
                                "invalid Z85 text: the group \"%.5s\" at position %zu is larger "
                                "than 32 bits",
                                in + block * 5, block * 5);
        uint8_t *o = out + block * 4;
        o[0] = (uint8_t)(v >> 24);
        o[1] = (uint8_t)(v >> 16);
        o[2] = (uint8_t)(v >> 8);
        o[3] = (uint8_t)v;
    }
    return BK_OK;
}
