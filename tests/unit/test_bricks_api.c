/*
 * test_bricks_api.c — the public C API (include/bricks.h), used as an embedder would:
 * only bricks.h, no internal header besides the test harness.
 */
#include <pthread.h>
#include <time.h>

#include "bricks.h"
#include "test.h"

BK_TEST(bricks_api_query_chunks_and_metadata) {
    bricks_db *db;
    bricks_session *s;
    ASSERT_EQ(bricks_open(NULL, &db), BRICKS_OK);
    ASSERT_EQ(bricks_session_new(db, &s), BRICKS_OK);
    bricks_stmt *st;
    ASSERT_EQ(bricks_prepare(s,
                             "SELECT id, id * 2 AS twice, CAST(id AS DECIMAL(10,2)) / 4 AS q, "
                             "IF(id % 7 = 0, NULL, concat('r', id)) AS label, "
                             "DATE'2024-03-01' AS d FROM range(5000)",
                             &st),
              BRICKS_OK);
    bricks_result *r;
    ASSERT_EQ(bricks_execute(st, &r), BRICKS_OK);
    ASSERT_TRUE(!strcmp(bricks_result_statement(r), "SELECT"));
    ASSERT_EQ(bricks_result_column_count(r), 5);
    ASSERT_TRUE(!strcmp(bricks_result_column_name(r, 1), "twice"));
    ASSERT_EQ(bricks_result_column_type(r, 0), BRICKS_TYPE_BIGINT);
    ASSERT_EQ(bricks_result_column_type(r, 3), BRICKS_TYPE_STRING);
    ASSERT_EQ(bricks_result_column_type(r, 4), BRICKS_TYPE_DATE);
    ASSERT_TRUE(!strcmp(bricks_result_column_type_name(r, 2), "DECIMAL(21,13)"));
    ASSERT_EQ(bricks_result_row_count(r), 5000);
    ASSERT_TRUE(bricks_result_chunk_count(r) >= 3);
    /* every row once, in order, through the chunks */
    int64_t expect = 0, nulls = 0;
    for (size_t c = 0; c < bricks_result_chunk_count(r); c++) {
        ASSERT_TRUE(bricks_result_chunk_rows(r, c) <= 2048);
        for (size_t row = 0; row < bricks_result_chunk_rows(r, c); row++, expect++) {
            ASSERT_EQ(bricks_value_int64(r, c, 0, row), expect);
            ASSERT_EQ(bricks_value_int64(r, c, 1, row), 2 * expect);
            double q = bricks_value_double(r, c, 2, row);
            ASSERT_TRUE(q > expect / 4.0 - 1e-9 && q < expect / 4.0 + 1e-9);
            nulls += bricks_value_is_null(r, c, 3, row);
        }
    }
    ASSERT_EQ(expect, 5000);
    ASSERT_EQ(nulls, (4999 / 7) + 1);
    /* text as Spark casts to STRING */
    ASSERT_TRUE(!strcmp(bricks_value_text(r, 0, 2, 3), "0.7500000000000"));
    ASSERT_TRUE(!strcmp(bricks_value_text(r, 0, 4, 2), "2024-03-01"));
    ASSERT_TRUE(!strcmp(bricks_value_text(r, 0, 3, 0), "NULL"));
    size_t len;
    const char *str = bricks_value_string(r, 0, 3, 12, &len);
    ASSERT_EQ(len, 3);
    ASSERT_TRUE(!memcmp(str, "r12", 3));
    /* out of range reads as NULL / 0 */
    ASSERT_TRUE(bricks_value_is_null(r, 99, 0, 0));
    ASSERT_EQ(bricks_value_int64(r, 0, 9, 0), 0);
    bricks_result_free(r);
    /* a prepared statement runs again */
    ASSERT_EQ(bricks_execute(st, &r), BRICKS_OK);
    ASSERT_EQ(bricks_result_row_count(r), 5000);
    bricks_result_free(r);
    bricks_stmt_free(st);
    bricks_session_free(s);
    bricks_close(db);
}

BK_TEST(bricks_api_errors_and_settings) {
    bricks_db *db;
    bricks_session *s;
    ASSERT_EQ(bricks_open(NULL, &db), BRICKS_OK);
    ASSERT_EQ(bricks_session_new(db, &s), BRICKS_OK);
    bricks_stmt *st = NULL;
    ASSERT_EQ(bricks_prepare(s, "SELEC 1", &st), BRICKS_ERROR);
    ASSERT_TRUE(st == NULL);
    ASSERT_TRUE(!strcmp(bricks_errclass(s), "PARSE_SYNTAX_ERROR"));
    ASSERT_TRUE(!strcmp(bricks_sqlstate(s), "42601"));
    ASSERT_EQ(bricks_errpos(s), 0);
    bricks_result *r = NULL;
    ASSERT_EQ(bricks_exec(s, "SELECT 1 / 0", &r), BRICKS_ERROR);
    ASSERT_TRUE(r == NULL);
    ASSERT_TRUE(!strcmp(bricks_errclass(s), "DIVIDE_BY_ZERO"));
    ASSERT_TRUE(strstr(bricks_errmsg(s), "zero") != NULL);
    ASSERT_EQ(bricks_exec(s, "SELECT nope FROM range(1)", &r), BRICKS_ERROR);
    /* the full class, the parent's SQLSTATE, the message without the class */
    ASSERT_STR_EQ(bricks_errclass(s), "UNRESOLVED_COLUMN.WITH_SUGGESTION");
    ASSERT_STR_EQ(bricks_sqlstate(s), "42703");
    ASSERT_STR_EQ(bricks_errmsg(s), "A column, variable, or function parameter with name `nope` "
                                    "cannot be resolved. Did you mean one of the following? "
                                    "[`id`].");
    ASSERT_EQ(bricks_errpos(s), 7);
    ASSERT_EQ(bricks_exec(s, "SELECT 1 + array(1)", &r), BRICKS_ERROR);
    ASSERT_STR_EQ(bricks_errclass(s), "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES");
    ASSERT_STR_EQ(bricks_sqlstate(s), "42K09");
    ASSERT_TRUE(!strncmp(bricks_errmsg(s), "Cannot resolve \"(1 + array(1))\"", 31));
    ASSERT_TRUE(strchr(bricks_errmsg(s), '[') == NULL); /* no "[CLASS]" in the text */
    /* a success clears the error; settings persist in the session */
    ASSERT_EQ(bricks_exec(s, "SET spark.sql.ansi.enabled = false", &r), BRICKS_OK);
    ASSERT_TRUE(bricks_errclass(s) == NULL);
    bricks_result_free(r);
    ASSERT_EQ(bricks_exec(s, "SELECT 1 / 0 AS x", &r), BRICKS_OK);
    ASSERT_TRUE(bricks_value_is_null(r, 0, 0, 0));
    bricks_result_free(r);
    ASSERT_EQ(bricks_exec(NULL, "SELECT 1", &r), BRICKS_MISUSE);
    bricks_session_free(s);
    bricks_close(db);
}

typedef struct long_query {
    bricks_session *s;
    bricks_status rc;
    volatile int done;
} long_query;

static void *run_long(void *arg) {
    long_query *q = arg;
    bricks_result *r = NULL;
    q->rc = bricks_exec(q->s, "SELECT count(*) FROM range(1000000000000) WHERE id % 7 = 3", &r);
    bricks_result_free(r);
    q->done = 1;
    return NULL;
}

BK_TEST(bricks_api_cancel_from_another_thread) {
    bricks_db *db;
    bricks_session *s;
    ASSERT_EQ(bricks_open(NULL, &db), BRICKS_OK);
    ASSERT_EQ(bricks_session_new(db, &s), BRICKS_OK);
    long_query q = {.s = s};
    pthread_t t;
    ASSERT_EQ(pthread_create(&t, NULL, run_long, &q), 0);
    /* cancel until it stops (a cancel before the statement starts is a no-op) */
    for (int i = 0; i < 3000 && !q.done; i++) {
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
        bricks_cancel(s);
    }
    pthread_join(t, NULL);
    ASSERT_EQ(q.rc, BRICKS_CANCELED);
    ASSERT_TRUE(!strcmp(bricks_errclass(s), "OPERATION_CANCELED"));
    bricks_session_free(s);
    bricks_close(db);
}
