/*
 * test_delta_log.c — log listing and planning, snapshots and time travel, and the
 * commit protocol (create, append, conflicts) on tables in a temporary directory.
 */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "delta/commit.h"
#include "delta/log.h"
#include "store/objstore.h"
#include "test.h"

/* Create file `name` under dir with `text`. */
static void put_file(const char *dir, const char *name, const char *text) {
    char path[2400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static const char *make_log_dir(const char *name) {
    static char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", bk_test_tmpdir(), name);
    char log[1100];
    snprintf(log, sizeof log, "%s/_delta_log", dir);
    bk_error err;
    bk_error_clear(&err);
    store_mkdirs(log, &err);
    return dir;
}

BK_TEST(delta_log_list_and_plan) {
    const char *dir = make_log_dir("plan");
    char log[1100];
    snprintf(log, sizeof log, "%s/_delta_log", dir);
    for (int v = 0; v <= 12; v++) {
        char name[64];
        snprintf(name, sizeof name, "%020d.json", v);
        put_file(log, name, "{}\n");
    }
    put_file(log, "00000000000000000005.checkpoint.parquet", "x");
    put_file(log, "00000000000000000010.checkpoint.0000000001.0000000002.parquet", "x");
    put_file(log, "00000000000000000008.checkpoint.0000000001.0000000002.parquet", "x");
    put_file(log, "00000000000000000008.checkpoint.0000000002.0000000002.parquet", "x");
    put_file(log, "00000000000000000003.00000000000000000004.compacted.json", "{}\n");
    put_file(log, "00000000000000000007.crc", "{}");
    put_file(log, "notes.txt", "stray");
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    store_obj *st;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_EQ(store_obj_open(dir, &st, &err), BK_OK);
    delta_log_listing l;
    ASSERT_EQ(delta_log_list(a, st, 0, &l, &err), BK_OK);
    ASSERT_EQ(l.n_commits, 13);
    ASSERT_EQ(l.n_checkpoints, 2); /* 5 classic, 8 multi-part; 10 is incomplete */
    ASSERT_EQ(l.checkpoints[1].version, 8);
    ASSERT_EQ(l.checkpoints[1].n_parts, 2);
    ASSERT_EQ(l.n_compactions, 1);
    ASSERT_EQ(l.latest, 12);
    delta_log_plan plan;
    ASSERT_EQ(delta_log_plan_version(&l, 12, NULL, 0, &plan, &err), BK_OK);
    ASSERT_EQ(plan.checkpoint->version, 8);
    ASSERT_EQ(plan.first_commit, 9);
    ASSERT_EQ(plan.last_commit, 12);
    ASSERT_EQ(delta_log_plan_version(&l, 6, NULL, 0, &plan, &err), BK_OK);
    ASSERT_EQ(plan.checkpoint->version, 5);
    const delta_log_checkpoint *skip[1] = {&l.checkpoints[1]};
    ASSERT_EQ(delta_log_plan_version(&l, 12, skip, 1, &plan, &err), BK_OK);
    ASSERT_EQ(plan.checkpoint->version, 5);
    ASSERT_EQ(delta_log_plan_version(&l, 13, NULL, 0, &plan, &err), BK_NOT_FOUND);
    ASSERT_TRUE(strstr(err.msg, "does not exist") != NULL);
    /* listing from a hint starts at that version */
    delta_log_listing tail;
    ASSERT_EQ(delta_log_list(a, st, 8, &tail, &err), BK_OK);
    ASSERT_EQ(tail.commits[0].version, 8);
    ASSERT_EQ(tail.checkpoints[0].version, 8);
    store_obj_close(st);
    bk_arena_free(a);
}

BK_TEST(delta_log_missing_commits_and_vacuumed_versions) {
    const char *dir = make_log_dir("gap");
    char log[1100];
    snprintf(log, sizeof log, "%s/_delta_log", dir);
    put_file(log, "00000000000000000004.checkpoint.parquet", "x");
    put_file(log, "00000000000000000004.json", "{}\n");
    put_file(log, "00000000000000000005.json", "{}\n");
    put_file(log, "00000000000000000007.json", "{}\n");
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    store_obj *st;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_EQ(store_obj_open(dir, &st, &err), BK_OK);
    delta_log_listing l;
    ASSERT_EQ(delta_log_list(a, st, 0, &l, &err), BK_OK);
    delta_log_plan plan;
    ASSERT_EQ(delta_log_plan_version(&l, 2, NULL, 0, &plan, &err), BK_NOT_FOUND);
    ASSERT_TRUE(strstr(err.msg, "earliest version that can be read is 4") != NULL);
    bk_error_clear(&err);
    ASSERT_EQ(delta_log_plan_version(&l, 7, NULL, 0, &plan, &err), BK_CORRUPT);
    ASSERT_TRUE(strstr(err.msg, "missing") != NULL);
    ASSERT_EQ(delta_log_earliest_version(&l), 4);
    store_obj_close(st);
    bk_arena_free(a);
}

BK_TEST(delta_no_table_is_not_found) {
    bk_error err;
    bk_error_clear(&err);
    delta_snapshot *s;
    ASSERT_EQ(delta_snapshot_open(make_log_dir("empty"), NULL, &s, &err), BK_NOT_FOUND);
    ASSERT_TRUE(strstr(err.msg, "no Delta table") != NULL);
}

BK_TEST(delta_protocol_refusal_names_the_feature) {
    const char *dir = make_log_dir("features");
    char log[1100];
    snprintf(log, sizeof log, "%s/_delta_log", dir);
    put_file(log, "00000000000000000000.json",
             "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,"
             "\"readerFeatures\":[\"deletionVectors\",\"variantType\"],\"writerFeatures\":[]}}\n"
             "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\",\"options\":{}},"
             "\"schemaString\":\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[]}\","
             "\"partitionColumns\":[],\"configuration\":{}}}\n");
    bk_error err;
    bk_error_clear(&err);
    delta_snapshot *s;
    ASSERT_EQ(delta_snapshot_open(dir, NULL, &s, &err), BK_UNSUPPORTED);
    ASSERT_TRUE(strstr(err.msg, "\"variantType\"") != NULL);
    ASSERT_TRUE(strstr(err.msg, "deletionVectors") == NULL);
}

/* A one-column table with a file of rows 0..n-1 written by a transaction. */
static void append_rows(const char *dir, int64_t first, size_t n) {
    bk_error err;
    bk_error_clear(&err);
    delta_tx *tx;
    if (delta_tx_begin(dir, &tx, &err) != BK_OK) return;
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_vector *v = bk_vector_make(a, bk_type_scalar(BK_TYPE_BIGINT), n);
    for (size_t i = 0; i < n; i++) ((int64_t *)v->data)[i] = first + (int64_t)i;
    delta_tx_write(tx, &v, n, &err);
    int64_t version;
    delta_tx_commit(tx, &version, &err);
    delta_tx_free(tx);
    bk_arena_free(a);
}

BK_TEST(delta_commit_conflicts) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/conflicts", bk_test_tmpdir());
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const char *name = "id";
    const bk_type *col = bk_type_scalar(BK_TYPE_BIGINT);
    const bk_type *schema = bk_type_make_struct(a, 1, &name, &col, NULL);
    delta_table_def def = {schema, NULL, 0, NULL, NULL, 0, NULL, NULL};
    bk_error err;
    bk_error_clear(&err);
    ASSERT_EQ(delta_create_table(dir, &def, &err), BK_OK);
    ASSERT_EQ(delta_create_table(dir, &def, &err), BK_ALREADY_EXISTS);
    bk_error_clear(&err);
    append_rows(dir, 0, 10);

    /* Two transactions remove the same file: the second fails, changing nothing. */
    delta_tx *t1, *t2;
    ASSERT_EQ(delta_tx_begin(dir, &t1, &err), BK_OK);
    ASSERT_EQ(delta_tx_begin(dir, &t2, &err), BK_OK);
    const delta_file_action *f = delta_snapshot_file(delta_tx_snapshot(t1), 0);
    delta_tx_read_all(t1);
    delta_tx_read_all(t2);
    ASSERT_EQ(delta_tx_remove(t1, f, true, &err), BK_OK);
    ASSERT_EQ(delta_tx_remove(t2, delta_snapshot_file(delta_tx_snapshot(t2), 0), true, &err),
              BK_OK);
    int64_t v1 = -1, v2 = -1;
    ASSERT_EQ(delta_tx_commit(t1, &v1, &err), BK_OK);
    ASSERT_EQ(v1, 2);
    ASSERT_EQ(delta_tx_commit(t2, &v2, &err), BK_DELTA_CONCURRENT_DELETE_DELETE);
    ASSERT_TRUE(strstr(err.msg, "ConcurrentDeleteDeleteException") != NULL);
    delta_tx_free(t1);
    delta_tx_free(t2);
    bk_error_clear(&err);

    /* A blind append racing another commit retries at the next version. */
    ASSERT_EQ(delta_tx_begin(dir, &t1, &err), BK_OK);
    append_rows(dir, 100, 5);
    bk_vector *v = bk_vector_make(a, col, 3);
    ASSERT_EQ(delta_tx_write(t1, &v, 3, &err), BK_OK);
    ASSERT_EQ(delta_tx_commit(t1, &v1, &err), BK_OK);
    ASSERT_EQ(v1, 4);
    delta_tx_free(t1);

    /* A reading transaction sees the concurrent (non-blind) delete. */
    ASSERT_EQ(delta_tx_begin(dir, &t1, &err), BK_OK);
    delta_tx_read_all(t1);
    ASSERT_EQ(delta_tx_begin(dir, &t2, &err), BK_OK);
    ASSERT_EQ(delta_tx_remove(t2, delta_snapshot_file(delta_tx_snapshot(t2), 0), true, &err),
              BK_OK);
    ASSERT_EQ(delta_tx_commit(t2, &v2, &err), BK_OK);
    ASSERT_EQ(delta_tx_write(t1, &v, 3, &err), BK_OK);
    ASSERT_EQ(delta_tx_commit(t1, &v1, &err), BK_DELTA_CONCURRENT_DELETE_READ);
    delta_tx_free(t1);
    delta_tx_free(t2);

    delta_snapshot *s;
    bk_error_clear(&err);
    ASSERT_EQ(delta_snapshot_open(dir, NULL, &s, &err), BK_OK);
    ASSERT_EQ(delta_snapshot_version(s), 5);
    delta_snapshot_free(s);
    delta_at at = {DELTA_AT_VERSION, 1, 0};
    ASSERT_EQ(delta_snapshot_open(dir, &at, &s, &err), BK_OK);
    ASSERT_EQ(delta_snapshot_num_files(s), 1);
    delta_snapshot_free(s);
    bk_arena_free(a);
}
