/*
 * json.h — small JSON helpers shared by the Delta writers (jsonbuf.c).
 */
#ifndef BRICKS_DELTA_JSON_H
#define BRICKS_DELTA_JSON_H

#include "base/buf.h"
#include "base/error.h"

struct json_t;
/* Append `value` as compact JSON (keys in insertion order); BK_OUT_OF_MEMORY on failure. */
bk_status delta_json_append(bk_buf *out, const struct json_t *value);

/*
 * The escape sequence JSON needs for byte `c` inside a string ("\\n", "\\u001f",
 * ...) in out[0..n), or 0 when `c` is written as it is.
 */
size_t delta_json_escape_byte(unsigned char c, char out[6]);

#endif
