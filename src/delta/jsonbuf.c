/*
 * jsonbuf.c — jansson values into bk_bufs (compact, keys in insertion order), so
 * no jansson-allocated text has to be freed outside the allocator's rules.
 */
#include <jansson.h>

#include "delta/json.h"

static int dump_to_buf(const char *data, size_t n, void *ctx) {
    return bk_buf_append(ctx, data, n) == BK_OK ? 0 : -1;
}

bk_status delta_json_append(bk_buf *out, const json_t *value) {
    return json_dump_callback(value, dump_to_buf, out, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0
               ? BK_OK
               : BK_OUT_OF_MEMORY;
}

size_t delta_json_escape_byte(unsigned char c, char out[6]) {
    static const char hex[] = "0123456789abcdef";
    if (c >= 0x20 && c != '"' && c != '\\') return 0;
    out[0] = '\\';
    switch (c) {
    case '"':
        out[1] = '"';
        return 2;
    case '\\':
        out[1] = '\\';
        return 2;
    case '\b':
        out[1] = 'b';
        return 2;
    case '\f':
        out[1] = 'f';
        return 2;
    case '\n':
        out[1] = 'n';
        return 2;
    case '\r':
        out[1] = 'r';
        return 2;
    case '\t':
        out[1] = 't';
        return 2;
    default:
        out[1] = 'u', out[2] = '0', out[3] = '0', out[4] = hex[c >> 4], out[5] = hex[c & 15];
        return 6;
    }
}
