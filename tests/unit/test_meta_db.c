/*
 * test_meta_db.c — unit tests for the metastore (src/meta): opening and
 * migrating, the version table, prepared statements (cached, nested, bound),
 * constraint errors, transactions, and refusing a database from a newer version.
 */
#include "meta/meta.h"

#include <stdio.h>

#include "test.h"

static bk_error *errp(bk_error *e) { return e; }

static void db_path(char *buf, size_t cap) {
    snprintf(buf, cap, "%s/metastore.db", bk_test_tmpdir());
}

BK_TEST(meta_open_migrates_and_reopens) {
    char path[600];
    db_path(path, sizeof path);
    bk_error err;
    bk_error_clear(&err);
    meta_db *db = NULL;
    ASSERT_OK(meta_open(path, &db, &err), errp(&err));
    meta_conn *c = meta_conn_get(db, &err);
    ASSERT_TRUE(c != NULL);
    ASSERT_EQ(meta_schema_version(c, "identity", &err), 2);
    ASSERT_EQ(meta_schema_version(c, "no-such-group", &err), 0);
    /* The identity tables exist. */
    ASSERT_OK(meta_exec(c, "SELECT id, kind, user_name FROM principals LIMIT 0", &err),
              errp(&err));
    meta_conn_put(db, c);
    meta_close(db);
    /* A second open applies nothing and keeps the version. */
    ASSERT_OK(meta_open(path, &db, &err), errp(&err));
    c = meta_conn_get(db, &err);
    ASSERT_EQ(meta_schema_version(c, "identity", &err), 2);
    meta_conn_put(db, c);
    meta_close(db);
}

BK_TEST(meta_upgrades_an_older_schema) {
    char path[600];
    db_path(path, sizeof path);
    bk_error err;
    bk_error_clear(&err);
    meta_db *db = NULL;
    ASSERT_OK(meta_open(path, &db, &err), errp(&err));
    meta_conn *c = meta_conn_get(db, &err);
    /* Turn the database back into identity version 1 (before application_id), with a row. */
    ASSERT_OK(meta_exec(c,
                        "DROP INDEX principals_application_id;"
                        "ALTER TABLE principals DROP COLUMN application_id;"
                        "INSERT INTO principals(id, kind, user_name, created_ms, updated_ms)"
                        " VALUES (7, 'user', 'old@example.com', 0, 0);"
                        "UPDATE meta_schema SET version = 1 WHERE grp = 'identity';",
                        &err),
              errp(&err));
    meta_conn_put(db, c);
    meta_close(db);
    ASSERT_OK(meta_open(path, &db, &err), errp(&err));
    c = meta_conn_get(db, &err);
    ASSERT_EQ(meta_schema_version(c, "identity", &err), 2);
    meta_stmt *s = meta_prepare(c, "SELECT user_name, application_id FROM principals WHERE id = 7",
                                &err);
    ASSERT_TRUE(s != NULL);
    ASSERT_EQ(meta_step(s, &err), META_ROW);
    ASSERT_STR_EQ(meta_col_text(s, 0), "old@example.com");
    ASSERT_TRUE(meta_col_is_null(s, 1));
    meta_done(s);
    meta_conn_put(db, c);
    meta_close(db);
}

BK_TEST(meta_refuses_newer_schema) {
    char path[600];
    db_path(path, sizeof path);
    bk_error err;
    bk_error_clear(&err);
    meta_db *db = NULL;
    ASSERT_OK(meta_open(path, &db, &err), errp(&err));
    meta_conn *c = meta_conn_get(db, &err);
    ASSERT_OK(meta_exec(c, "UPDATE meta_schema SET version = 99 WHERE grp = 'identity'", &err),
              errp(&err));
    meta_conn_put(db, c);
    meta_close(db);
    bk_error_clear(&err);
    ASSERT_FAILS(meta_open(path, &db, &err), BK_UNSUPPORTED);
    ASSERT_CONTAINS(err.msg, "version 99");
    ASSERT_TRUE(db == NULL);
}

BK_TEST(meta_statements_bind_step_and_nest) {
    char path[600];
    db_path(path, sizeof path);
    bk_error err;
    bk_error_clear(&err);
    meta_db *db = NULL;
    ASSERT_OK(meta_open(path, &db, &err), errp(&err));
    meta_conn *c = meta_conn_get(db, &err);
    ASSERT_OK(meta_exec(c, "CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT UNIQUE)", &err),
              errp(&err));
    const char *ins = "INSERT INTO t(k, v) VALUES (?1, ?2)";
    for (int i = 1; i <= 3; i++) {
        meta_stmt *s = meta_prepare(c, ins, &err);
        ASSERT_TRUE(s != NULL);
        char v[16];
        snprintf(v, sizeof v, "v%d", i);
        ASSERT_OK(meta_bind_i64(s, 1, i, &err), errp(&err));
        ASSERT_OK(meta_bind_text(s, 2, v, &err), errp(&err));
        ASSERT_OK(meta_run(s, &err), errp(&err));
        ASSERT_EQ(meta_changes(c), 1);
        ASSERT_EQ(meta_last_rowid(c), i);
    }
    /* A UNIQUE violation is ALREADY_EXISTS. */
    meta_stmt *dup = meta_prepare(c, ins, &err);
    ASSERT_OK(meta_bind_i64(dup, 1, 9, &err), errp(&err));
    ASSERT_OK(meta_bind_text(dup, 2, "v1", &err), errp(&err));
    bk_error_clear(&err);
    ASSERT_FAILS(meta_run(dup, &err), BK_ALREADY_EXISTS);
    /* Nested use of the same SQL: the inner statement is a fresh one. */
    const char *sel = "SELECT k, v FROM t WHERE k >= ?1 ORDER BY k";
    meta_stmt *outer = meta_prepare(c, sel, &err);
    ASSERT_OK(meta_bind_i64(outer, 1, 1, &err), errp(&err));
    int rows = 0, inner_rows = 0;
    while (meta_step(outer, &err) == META_ROW) {
        rows++;
        meta_stmt *inner = meta_prepare(c, sel, &err);
        ASSERT_TRUE(inner != NULL && inner != outer);
        ASSERT_OK(meta_bind_i64(inner, 1, meta_col_i64(outer, 0), &err), errp(&err));
        while (meta_step(inner, &err) == META_ROW) inner_rows++;
        meta_done(inner);
    }
    meta_done(outer);
    ASSERT_EQ(rows, 3);
    ASSERT_EQ(inner_rows, 3 + 2 + 1);
    /* NULL text binds NULL; meta_col_is_null tells it apart. */
    meta_stmt *n = meta_prepare(c, "SELECT ?1, ''", &err);
    ASSERT_OK(meta_bind_text(n, 1, NULL, &err), errp(&err));
    ASSERT_EQ(meta_step(n, &err), META_ROW);
    ASSERT_TRUE(meta_col_is_null(n, 0));
    ASSERT_TRUE(!meta_col_is_null(n, 1));
    ASSERT_STR_EQ(meta_col_text(n, 1), "");
    meta_done(n);
    meta_conn_put(db, c);
    meta_close(db);
}

BK_TEST(meta_transactions_commit_and_roll_back) {
    char path[600];
    db_path(path, sizeof path);
    bk_error err;
    bk_error_clear(&err);
    meta_db *db = NULL;
    ASSERT_OK(meta_open(path, &db, &err), errp(&err));
    meta_conn *c = meta_conn_get(db, &err);
    ASSERT_OK(meta_exec(c, "CREATE TABLE t(x INTEGER)", &err), errp(&err));
    ASSERT_OK(meta_begin(c, &err), errp(&err));
    ASSERT_TRUE(meta_in_transaction(c));
    ASSERT_OK(meta_exec(c, "INSERT INTO t VALUES (1)", &err), errp(&err));
    meta_rollback(c);
    ASSERT_TRUE(!meta_in_transaction(c));
    ASSERT_OK(meta_begin(c, &err), errp(&err));
    ASSERT_OK(meta_exec(c, "INSERT INTO t VALUES (2)", &err), errp(&err));
    ASSERT_OK(meta_commit(c, &err), errp(&err));
    /* A connection put back with an open transaction is rolled back. */
    ASSERT_OK(meta_begin(c, &err), errp(&err));
    ASSERT_OK(meta_exec(c, "INSERT INTO t VALUES (3)", &err), errp(&err));
    meta_conn_put(db, c);
    /* Another connection sees only the committed row. */
    meta_conn *c2 = meta_conn_get(db, &err);
    meta_stmt *s = meta_prepare(c2, "SELECT group_concat(x) FROM t", &err);
    ASSERT_EQ(meta_step(s, &err), META_ROW);
    ASSERT_STR_EQ(meta_col_text(s, 0), "2");
    meta_done(s);
    meta_conn_put(db, c2);
    meta_close(db);
}

BK_TEST(meta_open_reports_bad_path) {
    bk_error err;
    bk_error_clear(&err);
    meta_db *db = NULL;
    ASSERT_FAILS(meta_open("/nonexistent-dir/sub/metastore.db", &db, &err), BK_IO);
    ASSERT_CONTAINS(err.msg, "/nonexistent-dir/sub/metastore.db");
}

/* The write generation moves on every committed write (any connection) and on nothing else. */
BK_TEST(meta_write_generation_follows_commits) {
    char path[600];
    db_path(path, sizeof path);
    bk_error err;
    bk_error_clear(&err);
    meta_db *db = NULL;
    ASSERT_OK(meta_open(path, &db, &err), errp(&err));
    meta_conn *a = meta_conn_get(db, &err), *b = meta_conn_get(db, &err);
    ASSERT_TRUE(a != NULL && b != NULL);
    uint64_t g0 = meta_write_generation(db);
    ASSERT_TRUE(g0 != 0);
    ASSERT_OK(meta_exec(a, "SELECT count(*) FROM principals", &err), errp(&err));
    ASSERT_EQ(meta_write_generation(db), g0);
    ASSERT_OK(meta_exec(b,
                        "INSERT INTO principals(id, kind, user_name, created_ms, updated_ms)"
                        " VALUES (9, 'user', 'gen@example.com', 0, 0)",
                        &err),
              errp(&err));
    uint64_t g1 = meta_write_generation(db);
    ASSERT_TRUE(g1 != g0);
    /* Inside a transaction nothing moves until COMMIT; a rollback moves nothing. */
    ASSERT_OK(meta_begin(a, &err), errp(&err));
    ASSERT_OK(meta_exec(a, "UPDATE principals SET active = 0 WHERE id = 9", &err), errp(&err));
    ASSERT_EQ(meta_write_generation(db), g1);
    meta_rollback(a);
    ASSERT_EQ(meta_write_generation(db), g1);
    ASSERT_OK(meta_begin(a, &err), errp(&err));
    ASSERT_OK(meta_exec(a, "UPDATE principals SET active = 0 WHERE id = 9", &err), errp(&err));
    ASSERT_OK(meta_commit(a, &err), errp(&err));
    ASSERT_TRUE(meta_write_generation(db) != g1);
    meta_conn_put(db, a);
    meta_conn_put(db, b);
    meta_close(db);
}
