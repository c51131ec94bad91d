/*
 * buf.c — growable byte buffer (see buf.h).  Capacity grows by 1.5x.
 */
#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/error.h"
#include "base/mem.h"

void bk_buf_init(bk_buf *b) {
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void bk_buf_destroy(bk_buf *b) {
    bk_free(b->data);
    bk_buf_init(b);
}

bk_status bk_buf_reserve(bk_buf *b, size_t extra) {
    if (extra <= b->cap - b->len) return BK_OK;
    if (extra > SIZE_MAX / 2 - b->len) return BK_OUT_OF_MEMORY;
    size_t need = b->len + extra;
    size_t cap = b->cap ? b->cap + b->cap / 2 : 256;
    if (cap < need) cap = need;
    uint8_t *p = bk_realloc(b->data, cap);
    if (!p) return BK_OUT_OF_MEMORY;
    b->data = p;
    b->cap = cap;
    return BK_OK;
}

bk_status bk_buf_append(bk_buf *b, const void *src, size_t n) {
    if (n == 0) return BK_OK;
    BK_TRY(bk_buf_reserve(b, n));
    bk_buf_put(b, src, n);
    return BK_OK;
}

bk_status bk_buf_append_u8(bk_buf *b, uint8_t v) { return bk_buf_append(b, &v, 1); }

bk_status bk_buf_append_le32(bk_buf *b, uint32_t v) {
    uint8_t t[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    return bk_buf_append(b, t, 4);
}

bk_status bk_buf_append_le64(bk_buf *b, uint64_t v) {
    uint8_t t[8];
    for (int i = 0; i < 8; i++) t[i] = (uint8_t)(v >> (8 * i));
    return bk_buf_append(b, t, 8);
}

bk_status bk_buf_printf(bk_buf *b, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    bk_status st = n < 0 ? BK_INTERNAL : bk_buf_reserve(b, (size_t)n + 1);
    if (st == BK_OK) {
        vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
    return st;
}

uint8_t *bk_buf_steal(bk_buf *b, size_t *len) {
    uint8_t *p = b->data;
    if (len) *len = b->len;
    bk_buf_init(b);
    return p;
}
