/*
 * encode_bss.c — the BYTE_STREAM_SPLIT encoding (BYTE_STREAM_SPLIT = 9),
 * parquet-format Encodings.md.
 *
 * A page of N values of K bytes is stored as K streams of N bytes: stream k holds
 * byte k of every value, and the streams follow each other with no padding and no
 * header, so the page's own size fixes N.  K is 4 for FLOAT and INT32, 8 for DOUBLE
 * and INT64, 2 for FLOAT16 and type_length for any FIXED_LEN_BYTE_ARRAY.
 *
 * Decoding is a byte transposition.  The common widths (2, 4, 8) get loops with a
 * constant stride that the compiler turns into register shuffles; other widths
 * walk one stream at a time, which keeps the reads sequential.
 */
#include "parquet/encoding.h"

#include <string.h>

/*
 * Gather n values of constant width W from `streams` (W streams of `total` bytes).
 * A macro rather than a function so W is a compile-time constant in each loop.
 */
#define GATHER(W)                                                                                  \
    do {                                                                                           \
        for (size_t i = 0; i < n; i++) {                                                           \
            for (size_t k = 0; k < (W); k++) dst[i * (W) + k] = data[k * total + i];               \
        }                                                                                          \
    } while (0)

bk_status pq_bss_decode(const uint8_t *data, size_t len, size_t width, size_t n, void *out,
                        bk_error *err) {
    if (width == 0) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode BYTE_STREAM_SPLIT data: value width is 0");
    }
    if (len % width != 0) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode BYTE_STREAM_SPLIT data: %zu bytes is not a multiple "
                            "of the value width %zu",
                            len, width);
    }
    size_t total = len / width;
    if (n > total) {
        return bk_error_set(err, BK_CORRUPT,
                            "could not decode BYTE_STREAM_SPLIT data: %zu values requested, page "
                            "holds %zu",
                            n, total);
    }
    uint8_t *dst = out;
    switch (width) {
    case 1:
        if (n) memcpy(dst, data, n);
        break;
    case 2:
        GATHER(2);
        break;
    case 4:
        GATHER(4);
        break;
    case 8:
        GATHER(8);
        break;
    default:
        for (size_t k = 0; k < width; k++) {
            const uint8_t *stream = data + k * total;
            for (size_t i = 0; i < n; i++) dst[i * width + k] = stream[i];
        }
        break;
    }
    return BK_OK;
}

bk_status pq_bss_encode(const void *values, size_t width, size_t n, bk_buf *out) {
    if (width != 0 && n > SIZE_MAX / width) return BK_OUT_OF_MEMORY;
    size_t bytes = width * n;
    if (bytes == 0) return BK_OK;
    BK_TRY(bk_buf_reserve(out, bytes));
    const uint8_t *src = values;
    uint8_t *dst = out->data + out->len;
    for (size_t k = 0; k < width; k++) {
        uint8_t *stream = dst + k * n;
        for (size_t i = 0; i < n; i++) stream[i] = src[i * width + k];
    }
    out->len += bytes;
    return BK_OK;
}
