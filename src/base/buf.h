/*
 * buf.h — bk_buf, a growable byte buffer on the heap.
 *
 * Used to build output (Parquet pages, JSON, CSV) whose size is not known in
 * advance.  Append functions return BK_OUT_OF_MEMORY and leave the buffer intact
 * on failure.  `data` is owned by the buffer: free with bk_buf_destroy, or take it
 * with bk_buf_steal.  Not thread-safe.
 */
#ifndef BRICKS_BASE_BUF_H
#define BRICKS_BASE_BUF_H

#include <string.h>

#include "base/bk.h"

typedef struct bk_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} bk_buf;

void bk_buf_init(bk_buf *b);
void bk_buf_destroy(bk_buf *b);
/* Make room for at least `extra` more bytes. */
bk_status bk_buf_reserve(bk_buf *b, size_t extra) BK_MUST_USE;
bk_status bk_buf_append(bk_buf *b, const void *src, size_t n) BK_MUST_USE;
bk_status bk_buf_append_u8(bk_buf *b, uint8_t v) BK_MUST_USE;
bk_status bk_buf_append_le32(bk_buf *b, uint32_t v) BK_MUST_USE;
bk_status bk_buf_append_le64(bk_buf *b, uint64_t v) BK_MUST_USE;
bk_status bk_buf_printf(bk_buf *b, const char *fmt, ...) BK_PRINTF(2, 3) BK_MUST_USE;
/* Give the caller the bytes (free with bk_free); the buffer becomes empty. */
uint8_t *bk_buf_steal(bk_buf *b, size_t *len);

static inline void bk_buf_clear(bk_buf *b) { b->len = 0; }

/* Append without a capacity check; the caller reserved room first. */
static inline void bk_buf_put(bk_buf *b, const void *src, size_t n) {
    memcpy(b->data + b->len, src, n);
    b->len += n;
}

#endif
