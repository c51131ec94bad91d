/*
 * endian.h — unaligned little-endian loads, for the binary formats we read
 * (Parquet lengths and bit-packed runs, Delta deletion vectors).
 *
 * memcpy-based, so they are defined for any alignment and compile to one load
 * on little-endian machines; big-endian hosts swap.  The caller guarantees the
 * bytes are readable.
 */
#ifndef BRICKS_BASE_ENDIAN_H
#define BRICKS_BASE_ENDIAN_H

#include <string.h>

#include "base/bk.h"

#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) &&                                   \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BK_BIG_ENDIAN_HOST 1
#else
#define BK_BIG_ENDIAN_HOST 0
#endif

static inline uint32_t bk_load_le32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
#if BK_BIG_ENDIAN_HOST
    v = __builtin_bswap32(v);
#endif
    return v;
}

static inline uint64_t bk_load_le64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
#if BK_BIG_ENDIAN_HOST
    v = __builtin_bswap64(v);
#endif
    return v;
}

#endif
