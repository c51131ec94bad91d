/*
 * test_base_error.c — bk_error: first error wins, reset, prefix, detail,
 * truncation at 511 bytes with "...", and the code table.
 */
#include "base/error.h"
#include "test.h"

BK_TEST(error_clear_and_set) {
    bk_error err;
    bk_error_clear(&err);
    ASSERT_EQ(err.code, BK_CODE_OK);
    ASSERT_EQ(err.sql_pos, -1);
    ASSERT_STR_EQ(err.msg, "");
    ASSERT_EQ(bk_error_set(&err, BK_IO, "could not open file \"%s\": %s", "x", "gone"), BK_IO);
    ASSERT_EQ(err.code, BK_IO);
    ASSERT_STR_EQ(err.msg, "could not open file \"x\": gone");
    bk_error_clear(NULL);
}

BK_TEST(error_first_error_wins) {
    bk_error err;
    bk_error_clear(&err);
    bk_error_set(&err, BK_CORRUPT, "first");
    /* the later error still returns its own code, but keeps the first message */
    ASSERT_EQ(bk_error_set(&err, BK_IO, "second"), BK_IO);
    ASSERT_EQ(err.code, BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "first");
    /* reset replaces */
    ASSERT_EQ(bk_error_reset(&err, BK_NOT_FOUND, "third %d", 3), BK_NOT_FOUND);
    ASSERT_EQ(err.code, BK_NOT_FOUND);
    ASSERT_STR_EQ(err.msg, "third 3");
}

BK_TEST(error_null_err_returns_code) {
    ASSERT_EQ(bk_error_set(NULL, BK_IO, "x"), BK_IO);
    ASSERT_EQ(bk_error_reset(NULL, BK_CORRUPT, "x"), BK_CORRUPT);
    ASSERT_EQ(bk_error_detail(NULL, "x"), BK_OK);
}

BK_TEST(error_prefix) {
    bk_error err;
    bk_error_clear(&err);
    bk_error_set(&err, BK_CORRUPT, "page 3: bad checksum");
    ASSERT_EQ(bk_error_prefix(&err, "parquet file \"%s\"", "a.parquet"), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "parquet file \"a.parquet\": page 3: bad checksum");
    bk_error_prefix(&err, "table %s", "t");
    ASSERT_STR_EQ(err.msg, "table t: parquet file \"a.parquet\": page 3: bad checksum");
}

BK_TEST(error_prefix_keeps_bound) {
    bk_error err;
    bk_error_clear(&err);
    char long_msg[600];
    memset(long_msg, 'm', sizeof long_msg - 1);
    long_msg[sizeof long_msg - 1] = '\0';
    bk_error_set(&err, BK_IO, "%s", long_msg);
    bk_error_prefix(&err, "prefix");
    ASSERT_EQ(strlen(err.msg), 511);
    ASSERT_TRUE(strncmp(err.msg, "prefix: mmm", 11) == 0);
}

BK_TEST(error_detail) {
    bk_error err;
    bk_error_clear(&err);
    bk_error_set(&err, BK_IO, "could not write");
    ASSERT_STR_EQ(err.detail, "");
    ASSERT_EQ(bk_error_detail(&err, "disk %s", "full"), BK_IO);
    ASSERT_STR_EQ(err.detail, "disk full");
}

BK_TEST(error_truncates_at_511_with_ellipsis) {
    bk_error err;
    bk_error_clear(&err);
    char long_msg[1000];
    memset(long_msg, 'a', sizeof long_msg - 1);
    long_msg[sizeof long_msg - 1] = '\0';
    bk_error_set(&err, BK_IO, "%s", long_msg);
    ASSERT_EQ(strlen(err.msg), 511);
    ASSERT_STR_EQ(err.msg + 508, "...");
    ASSERT_EQ(err.msg[507], 'a');

    /* exactly 511 bytes fits without an ellipsis */
    long_msg[511] = '\0';
    bk_error_reset(&err, BK_IO, "%s", long_msg);
    ASSERT_EQ(strlen(err.msg), 511);
    ASSERT_EQ(err.msg[510], 'a');
}

BK_TEST(error_truncation_respects_utf8) {
    bk_error err;
    bk_error_clear(&err);
    /* 'x' then 2-byte characters (é = C3 A9): the cut must not split one */
    char text[1100];
    size_t n = 0;
    text[n++] = 'x';
    while (n + 2 < sizeof text) {
        text[n++] = (char)0xC3;
        text[n++] = (char)0xA9;
    }
    text[n] = '\0';
    bk_error_set(&err, BK_IO, "%s", text);
    size_t len = strlen(err.msg);
    ASSERT_TRUE(len <= 511);
    ASSERT_STR_EQ(err.msg + len - 3, "...");
    /* the byte before "..." is the end of a whole character */
    ASSERT_EQ((unsigned char)err.msg[len - 4], 0xA9);
    ASSERT_EQ((unsigned char)err.msg[len - 5], 0xC3);
}

BK_TEST(error_code_table) {
    ASSERT_STR_EQ(bk_code_name(BK_CODE_OK), "OK");
    ASSERT_STR_EQ(bk_code_name(BK_NOT_FOUND), "RESOURCE_DOES_NOT_EXIST");
    ASSERT_STR_EQ(bk_code_name(BK_CORRUPT), "CORRUPT_FILE");
    ASSERT_EQ(bk_code_http_status(BK_NOT_FOUND), 404);
    ASSERT_EQ(bk_code_http_status(BK_PERMISSION_DENIED), 403);
    ASSERT_STR_EQ(bk_code_sqlstate(BK_OUT_OF_MEMORY), "53200");
    ASSERT_STR_EQ(bk_code_name((bk_code)9999), "UNKNOWN");
    ASSERT_EQ(bk_code_http_status((bk_code)-1), 500);
    ASSERT_STR_EQ(bk_code_sqlstate(BK_CODE_COUNT), "XX000");
}

static bk_status inner(bk_error *err) { return bk_error_set(err, BK_INVALID_ARGUMENT, "bad"); }

static bk_status outer(bk_error *err, int *reached) {
    BK_TRY(inner(err));
    *reached = 1;
    return BK_OK;
}

BK_TEST(error_bk_try_propagates) {
    bk_error err;
    bk_error_clear(&err);
    int reached = 0;
    ASSERT_EQ(outer(&err, &reached), BK_INVALID_ARGUMENT);
    ASSERT_EQ(reached, 0);
    ASSERT_STR_EQ(err.msg, "bad");
}

BK_TEST(error_subclass_set_and_class) {
    bk_error err;
    bk_error_clear(&err);
    char cls[BK_ERROR_CLASS_MAX];
    ASSERT_STR_EQ(bk_error_class(&err, cls, sizeof cls), "OK");
    ASSERT_STR_EQ(bk_error_class(NULL, cls, sizeof cls), "OK");
    ASSERT_STR_EQ(bk_error_sqlstate(&err), "00000");
    ASSERT_EQ(bk_error_set_sub(&err, BK_DATATYPE_MISMATCH, "BINARY_OP_DIFF_TYPES",
                               "Cannot resolve \"%s\" due to data type mismatch.", "1 + 'a'"),
              BK_DATATYPE_MISMATCH);
    ASSERT_STR_EQ(err.subclass, "BINARY_OP_DIFF_TYPES");
    /* the message is only the message: the class lives beside it */
    ASSERT_STR_EQ(err.msg, "Cannot resolve \"1 + 'a'\" due to data type mismatch.");
    ASSERT_STR_EQ(bk_error_class(&err, cls, sizeof cls),
                  "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES");
    ASSERT_STR_EQ(bk_error_sqlstate(&err), "42K09"); /* the parent's SQLSTATE */
    /* a too small buffer is cut, still NUL-terminated */
    char tiny[8];
    ASSERT_STR_EQ(bk_error_class(&err, tiny, sizeof tiny), "DATATYP");
}

BK_TEST(error_subclass_first_error_wins_and_reset) {
    bk_error err;
    bk_error_clear(&err);
    char cls[BK_ERROR_CLASS_MAX];
    bk_error_set(&err, BK_DIVIDE_BY_ZERO, "Division by zero.");
    /* a later error with a sub-class neither replaces the first nor lends it its sub-class */
    ASSERT_EQ(bk_error_set_sub(&err, BK_UNRESOLVED_COLUMN, "WITH_SUGGESTION", "later"),
              BK_UNRESOLVED_COLUMN);
    ASSERT_STR_EQ(bk_error_class(&err, cls, sizeof cls), "DIVIDE_BY_ZERO");
    ASSERT_STR_EQ(err.msg, "Division by zero.");
    /* reset_sub replaces both */
    bk_error_reset_sub(&err, BK_UNRESOLVED_COLUMN, "WITHOUT_SUGGESTION", "x %d", 1);
    ASSERT_STR_EQ(bk_error_class(&err, cls, sizeof cls), "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION");
    ASSERT_STR_EQ(err.msg, "x 1");
    /* a plain reset drops the sub-class; so does clear */
    bk_error_reset(&err, BK_IO, "could not read");
    ASSERT_STR_EQ(err.subclass, "");
    ASSERT_STR_EQ(bk_error_class(&err, cls, sizeof cls), "IO_ERROR");
    bk_error_reset_sub(&err, BK_WRONG_NUM_ARGS, "WITHOUT_SUGGESTION", "n");
    bk_error_clear(&err);
    ASSERT_STR_EQ(err.subclass, "");
    /* NULL or "" means none; NULL err returns the code */
    bk_error_set_sub(&err, BK_DIVIDE_BY_ZERO, NULL, "z");
    ASSERT_STR_EQ(bk_error_class(&err, cls, sizeof cls), "DIVIDE_BY_ZERO");
    bk_error_reset_sub(&err, BK_DIVIDE_BY_ZERO, "", "z");
    ASSERT_STR_EQ(bk_error_class(&err, cls, sizeof cls), "DIVIDE_BY_ZERO");
    ASSERT_EQ(bk_error_set_sub(NULL, BK_IO, "X", "x"), BK_IO);
    ASSERT_EQ(bk_error_reset_sub(NULL, BK_CORRUPT, "X", "x"), BK_CORRUPT);
}

BK_TEST(error_subclass_kept_by_prefix_and_detail_cut_when_long) {
    bk_error err;
    bk_error_clear(&err);
    char cls[BK_ERROR_CLASS_MAX];
    bk_error_set_sub(&err, BK_INVALID_INTERVAL_FORMAT, "INTERVAL_PARSING", "bad");
    bk_error_prefix(&err, "column %s", "c");
    bk_error_detail(&err, "hint");
    ASSERT_STR_EQ(bk_error_class(&err, cls, sizeof cls), "INVALID_INTERVAL_FORMAT.INTERVAL_PARSING");
    char sub[100];
    memset(sub, 'S', sizeof sub - 1);
    sub[sizeof sub - 1] = '\0';
    bk_error_reset_sub(&err, BK_DATATYPE_MISMATCH, sub, "m");
    ASSERT_EQ(strlen(err.subclass), BK_ERROR_SUBCLASS_MAX - 1);
    /* the longest class and sub-class fit BK_ERROR_CLASS_MAX */
    bk_error_reset_sub(&err, BK_DATETIME_PATTERN_RECOGNITION, sub, "m");
    ASSERT_EQ(strlen(bk_error_class(&err, cls, sizeof cls)),
              strlen(bk_code_name(BK_DATETIME_PATTERN_RECOGNITION)) + 1 + BK_ERROR_SUBCLASS_MAX - 1);
}
