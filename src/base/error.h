/*
 * error.h — bk_error: what went wrong, in words a user can act on.
 *
 * Every fallible function returns a bk_status and takes `bk_error *err` as its last
 * parameter; `err` may be NULL when the caller only wants the code.  The message
 * follows the PostgreSQL style: one factual line naming the object and the
 * offending value ("parquet file \"x\": column \"c\": page 3: bad checksum").
 */
#ifndef BRICKS_BASE_ERROR_H
#define BRICKS_BASE_ERROR_H

#include "base/bk.h"

typedef enum bk_code {
    BK_CODE_OK = 0,
#define X(name, cls, sqlstate, http) BK_##name,
#include "base/errcodes.def"
#undef X
    BK_CODE_COUNT
} bk_code;

typedef struct bk_error {
    bk_code code;     /* BK_CODE_OK when nothing failed */
    int sql_pos;      /* byte offset into the SQL statement, or -1 */
    char msg[512];    /* what the user reads; always NUL-terminated */
    char detail[512]; /* optional: where/why, or a hint; may be empty */
} bk_error;

/* Reset `err` to "no error".  No-op when err is NULL. */
void bk_error_clear(bk_error *err);

/*
 * Record a failure and return `code`, so that callers can write
 *     return bk_error_set(err, BK_CORRUPT, "parquet file \"%s\": ...", path);
 * Keeps the first error: if err already holds one, it is left as it is (the first
 * failure is usually the cause).  Messages longer than 511 bytes are cut at a
 * character boundary and end in "...".
 */
bk_status bk_error_set(bk_error *err, bk_code code, const char *fmt, ...) BK_PRINTF(3, 4);

/* Like bk_error_set, but replaces any earlier message. */
bk_status bk_error_reset(bk_error *err, bk_code code, const char *fmt, ...) BK_PRINTF(3, 4);

/*
 * Put `prefix: ` in front of the message already in err (e.g. to add the file name
 * to an error raised deep inside a decoder).  Returns err->code.
 */
bk_status bk_error_prefix(bk_error *err, const char *fmt, ...) BK_PRINTF(2, 3);

/* Set the detail line (a hint or location).  Returns err->code (or BK_OK if none). */
bk_status bk_error_detail(bk_error *err, const char *fmt, ...) BK_PRINTF(2, 3);

/* "CORRUPT_FILE", "RESOURCE_DOES_NOT_EXIST", ... ; "OK" for BK_CODE_OK. */
const char *bk_code_name(bk_code code);
const char *bk_code_sqlstate(bk_code code);
int bk_code_http_status(bk_code code);

#endif
