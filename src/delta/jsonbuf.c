/*
 * jsonbuf.c — jansson values into bk_bufs (compact, keys in insertion order), so
 * no jansson-allocated text has to be freed outside the allocator's rules.
 */
#include <jansson.h>

#include "delta/snapshot.h"

static int dump_to_buf(const char *data, size_t n, void *ctx) {
    return bk_buf_append(ctx, data, n) == BK_OK ? 0 : -1;
}

bk_status delta_json_append(bk_buf *out, const json_t *value) {
    return json_dump_callback(value, dump_to_buf, out, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0
               ? BK_OK
               : BK_OUT_OF_MEMORY;
}
