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

/*
 * The error class a user sees is the code's class (bk_code_name: "DATATYPE_MISMATCH")
 * plus, for Spark's classes with sub-classes, the sub-class of this failure
 * ("BINARY_OP_DIFF_TYPES"): "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES" (bk_error_class).
 * The message never repeats the class; printers show "[CLASS.SUB] message".
 * A few codes are sub-classes already (INVALID_CONF_VALUE.TIME_ZONE in errcodes.def);
 * they take no further sub-class.
 */
#define BK_ERROR_SUBCLASS_MAX 64 /* bytes of bk_error.subclass, NUL included */
#define BK_ERROR_CLASS_MAX 160   /* enough for any "CLASS.SUB" from bk_error_class */

typedef struct bk_error {
    bk_code code;                          /* BK_CODE_OK when nothing failed */
    int sql_pos;                           /* byte offset into the SQL statement, or -1 */
    char subclass[BK_ERROR_SUBCLASS_MAX];  /* Spark sub-class, or "" (see above) */
    char msg[512];                         /* what the user reads; always NUL-terminated */
    char detail[512];                      /* optional: where/why, or a hint; may be empty */
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
 * Like bk_error_set (first error wins), with Spark's sub-class of `code`'s class:
 *     bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "BINARY_OP_DIFF_TYPES",
 *                      "Cannot resolve \"%s\" due to data type mismatch: ...", sql);
 * `sub` is the bare sub-class name (no class, no dot, no brackets), as Spark's
 * error-conditions.json spells it; NULL or "" means none.  Names longer than 63
 * bytes are cut.
 */
bk_status bk_error_set_sub(bk_error *err, bk_code code, const char *sub, const char *fmt, ...)
    BK_PRINTF(4, 5);

/* Like bk_error_set_sub, but replaces any earlier error. */
bk_status bk_error_reset_sub(bk_error *err, bk_code code, const char *sub, const char *fmt, ...)
    BK_PRINTF(4, 5);

/*
 * Put `prefix: ` in front of the message already in err (e.g. to add the file name
 * to an error raised deep inside a decoder).  Returns err->code.
 */
bk_status bk_error_prefix(bk_error *err, const char *fmt, ...) BK_PRINTF(2, 3);

/* Set the detail line (a hint or location).  Returns err->code (or BK_OK if none). */
bk_status bk_error_detail(bk_error *err, const char *fmt, ...) BK_PRINTF(2, 3);

/*
 * The full error class of err into buf (cap bytes, BK_ERROR_CLASS_MAX is enough):
 * "DIVIDE_BY_ZERO", or "CLASS.SUB" when err has a sub-class; "OK" when err holds no
 * error or is NULL.  Returns buf.
 */
const char *bk_error_class(const bk_error *err, char *buf, size_t cap);

/*
 * The SQLSTATE of err.  A sub-class shares its class's SQLSTATE: Spark's
 * error-conditions.json gives none of our classes' sub-classes one of its own
 * (tests/unit/test_base_errcodes.c checks that against the json).  "00000" when
 * err holds no error.
 */
const char *bk_error_sqlstate(const bk_error *err);

/* "CORRUPT_FILE", "RESOURCE_DOES_NOT_EXIST", ... ; "OK" for BK_CODE_OK. */
const char *bk_code_name(bk_code code);
const char *bk_code_sqlstate(bk_code code);
int bk_code_http_status(bk_code code);

#endif
