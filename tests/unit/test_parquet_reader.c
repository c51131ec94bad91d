/*
 * test_parquet_reader.c — the Parquet reader over parquet-testing files.
 *
 * Values are checked in their printed form (bk_vector_format_value), against
 * what pyarrow reads from the same files.  The conformance suite covers every
 * file's counts; these tests pin exact values of the tricky layouts: legacy
 * lists, maps, nested lists, INT96, decimals, page skipping and corrupt input.
 */
#include <stdlib.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/thread.h"
#include "parquet/parquet.h"
#include "test.h"

static const char *data_path(const char *name) {
    static char path[1024];
    const char *dir = bk_test_data_dir();
    if (!dir) return NULL;
    snprintf(path, sizeof path, "%s/parquet-testing/%s", dir, name);
    return path;
}

/* Read every row group of `file` and print row `row` of field `field` into out. */
static bk_status read_cell(const char *file, uint32_t field, size_t row, char *out, size_t cap,
                           bk_error *err) {
    pq_reader *r;
    BK_TRY(pq_reader_open(data_path(file), NULL, &r, err));
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_status st = BK_OK;
    size_t base = 0;
    out[0] = '\0';
    for (uint32_t g = 0; g < pq_reader_num_row_groups(r) && st == BK_OK; g++) {
        bk_vector *v;
        st = pq_reader_read_row_group(r, a, g, &field, 1, &v, err);
        if (st == BK_OK && row >= base && row < base + v->n) {
            bk_buf b;
            bk_buf_init(&b);
            st = bk_vector_format_value(v, row - base, &b);
            if (st == BK_OK) snprintf(out, cap, "%.*s", (int)b.len, (const char *)b.data);
            bk_buf_destroy(&b);
            break;
        }
        if (st == BK_OK) base += v->n;
        bk_arena_reset(a);
    }
    bk_arena_free(a);
    pq_reader_close(r);
    return st;
}

#define NEED_DATA()                                                                                \
    do {                                                                                           \
        if (!bk_test_data_dir()) {                                                                 \
            bk_test_fail(__FILE__, __LINE__, "../shared/testdata is missing");                     \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define ASSERT_CELL(file, field, row, expect)                                                      \
    do {                                                                                           \
        char cell_[512];                                                                           \
        bk_error e_;                                                                               \
        bk_error_clear(&e_);                                                                       \
        ASSERT_OK(read_cell(file, field, row, cell_, sizeof cell_, &e_), &e_);                     \
        ASSERT_STR_EQ(cell_, expect);                                                              \
    } while (0)

BK_TEST(pq_read_alltypes_plain) {
    NEED_DATA();
    ASSERT_CELL("data/alltypes_plain.parquet", 0, 0, "4");
    ASSERT_CELL("data/alltypes_plain.parquet", 0, 7, "1");
    ASSERT_CELL("data/alltypes_plain.parquet", 1, 0, "true");
    ASSERT_CELL("data/alltypes_plain.parquet", 1, 1, "false");
    ASSERT_CELL("data/alltypes_plain.parquet", 7, 1, "10.1");
    /* INT96 timestamp written by Impala: 2009-03-01 00:00:00 */
    ASSERT_CELL("data/alltypes_plain.parquet", 10, 0, "2009-03-01 00:00:00");
}

BK_TEST(pq_read_schema_types) {
    NEED_DATA();
    bk_error err;
    bk_error_clear(&err);
    pq_reader *r;
    ASSERT_OK(pq_reader_open(data_path("data/alltypes_tiny_pages.parquet"), NULL, &r, &err), &err);
    char buf[1024];
    bk_type_format(pq_reader_schema(r), buf, sizeof buf);
    ASSERT_CONTAINS(buf, "tinyint_col: TINYINT");
    ASSERT_CONTAINS(buf, "timestamp_col: TIMESTAMP");
    ASSERT_EQ(pq_reader_num_rows(r), 7300);
    pq_reader_close(r);
}

BK_TEST(pq_read_nested_lists) {
    NEED_DATA();
    ASSERT_CELL("data/nested_lists.snappy.parquet", 0, 0, "[[[a, b], [c]], [null, [d]]]");
    ASSERT_CELL("data/nested_lists.snappy.parquet", 0, 2, "[[[a, b], [c, d], [e]], [null, [f]]]");
}

BK_TEST(pq_read_nested_maps) {
    NEED_DATA();
    ASSERT_CELL("data/nested_maps.snappy.parquet", 0, 0, "{a -> {1 -> true, 2 -> false}}");
    ASSERT_CELL("data/nested_maps.snappy.parquet", 0, 2, "{c -> null}");
    ASSERT_CELL("data/nested_maps.snappy.parquet", 0, 3, "{d -> {}}");
}

BK_TEST(pq_read_legacy_lists) {
    NEED_DATA();
    /* two-level lists inside a LIST named "array" */
    ASSERT_CELL("data/old_list_structure.parquet", 0, 0, "[[1, 2], [3, 4]]");
    /* a repeated group with no annotation is an array of structs */
    ASSERT_CELL("data/repeated_no_annotation.parquet", 1, 0, "NULL");
    ASSERT_CELL("data/repeated_no_annotation.parquet", 1, 2, "{[]}");
    ASSERT_CELL("data/repeated_no_annotation.parquet", 1, 3, "{[{5555555555, null}]}");
    ASSERT_CELL("data/null_list.parquet", 0, 0, "[]");
}

BK_TEST(pq_read_map_without_values) {
    NEED_DATA();
    ASSERT_CELL("data/map_no_value.parquet", 0, 0, "{1 -> null, 2 -> null, 3 -> null}");
    /* a key_value group with only keys reads as the list of keys */
    ASSERT_CELL("data/map_no_value.parquet", 1, 1, "[4, 5, 6]");
    ASSERT_CELL("data/map_no_value.parquet", 2, 2, "[7, 8, 9]");
}

BK_TEST(pq_read_int96_spark_wraparound) {
    NEED_DATA();
    /* Spark's own arithmetic: 9089380393200000000 µs for "290000-12-31" */
    pq_reader *r;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(pq_reader_open(data_path("data/int96_from_spark.parquet"), NULL, &r, &err), &err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    uint32_t f = 0;
    bk_vector *v;
    ASSERT_OK(pq_reader_read_row_group(r, a, 0, &f, 1, &v, &err), &err);
    ASSERT_EQ(v->n, 6);
    const int64_t *ts = v->data;
    ASSERT_EQ(ts[0], INT64_C(1704141296123456));
    ASSERT_EQ(ts[2], INT64_C(253402225200000000));
    ASSERT_TRUE(!bk_vector_is_valid(v, 4));
    ASSERT_EQ(ts[5], INT64_C(9089380393200000000));
    bk_arena_free(a);
    pq_reader_close(r);
}

BK_TEST(pq_read_decimals) {
    NEED_DATA();
    ASSERT_CELL("data/byte_array_decimal.parquet", 0, 0, "1.00");
    ASSERT_CELL("data/int32_decimal.parquet", 0, 23, "24.00");
    ASSERT_CELL("data/fixed_length_decimal.parquet", 0, 1, "2.00");
    ASSERT_CELL("data/int64_decimal.parquet", 0, 9, "10.00");
}

BK_TEST(pq_read_bad_checksums_fail) {
    NEED_DATA();
    const char *files[] = {"data/datapage_v1-corrupt-checksum.parquet",
                           "data/rle-dict-uncompressed-corrupt-checksum.parquet"};
    for (size_t i = 0; i < BK_ARRAY_LEN(files); i++) {
        char cell[64];
        bk_error err;
        bk_error_clear(&err);
        ASSERT_FAILS(read_cell(files[i], 0, 0, cell, sizeof cell, &err), BK_CHECKSUM_MISMATCH);
        ASSERT_CONTAINS(err.msg, "checksum mismatch");
        ASSERT_CONTAINS(err.msg, "page 0");
    }
    /* and with checking turned off the data reads */
    pq_reader_opts opts = {.skip_checksums = true};
    pq_reader *r;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(pq_reader_open(data_path(files[0]), &opts, &r, &err), &err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    uint32_t f = 0;
    bk_vector *v;
    ASSERT_OK(pq_reader_read_row_group(r, a, 0, &f, 1, &v, &err), &err);
    ASSERT_EQ(v->n, 5120);
    bk_arena_free(a);
    pq_reader_close(r);
}

BK_TEST(pq_read_bad_data_fails_cleanly) {
    NEED_DATA();
    const char *files[] = {"bad_data/PARQUET-1481.parquet",
                           "bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet",
                           "bad_data/ARROW-RS-GH-6229-LEVELS.parquet",
                           "bad_data/ARROW-GH-41321.parquet",
                           "bad_data/ARROW-GH-41317.parquet",
                           "bad_data/ARROW-GH-45185.parquet",
                           "bad_data/ARROW-GH-47662.parquet"};
    for (size_t i = 0; i < BK_ARRAY_LEN(files); i++) {
        pq_reader *r;
        bk_error err;
        bk_error_clear(&err);
        bk_status st = pq_reader_open(data_path(files[i]), NULL, &r, &err);
        if (st == BK_OK) {
            bk_arena *a = bk_arena_new(NULL, "t", 0);
            const bk_type *t = pq_reader_schema(r);
            for (uint32_t g = 0; g < pq_reader_num_row_groups(r) && st == BK_OK; g++)
                for (uint32_t f = 0; f < t->n_children && st == BK_OK; f++) {
                    bk_vector *v;
                    st = pq_reader_read_row_group(r, a, g, &f, 1, &v, &err);
                }
            bk_arena_free(a);
            pq_reader_close(r);
        }
        if (st == BK_OK) bk_test_fail(__FILE__, __LINE__, "%s read without an error", files[i]);
        ASSERT_TRUE(st != BK_OK);
        ASSERT_CONTAINS(err.msg, "parquet");
    }
}

/* Its column chunk sizes are declared too small; the pages themselves are whole. */
BK_TEST(pq_read_undersized_chunk) {
    NEED_DATA();
    ASSERT_CELL("data/nation.dict-malformed.parquet", 0, 24, "24");
    ASSERT_CELL("data/nation.dict-malformed.parquet", 1, 1, "X'415247454E54494E41'");
}

BK_TEST(pq_read_not_parquet) {
    const char *dir = bk_test_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/x.parquet", dir);
    FILE *f = fopen(path, "wb");
    ASSERT_TRUE(f != NULL);
    fputs("hello, this is not parquet at all", f);
    fclose(f);
    pq_reader *r;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_FAILS(pq_reader_open(path, NULL, &r, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "not a parquet file");
    bk_error_clear(&err);
    ASSERT_FAILS(pq_reader_open("/nonexistent/file.parquet", NULL, &r, &err), BK_IO);
    ASSERT_CONTAINS(err.msg, "No such file");
}

BK_TEST(pq_read_encrypted_is_unsupported) {
    NEED_DATA();
    pq_reader *r;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_FAILS(
        pq_reader_open(data_path("data/uniform_encryption.parquet.encrypted"), NULL, &r, &err),
        BK_UNSUPPORTED);
    ASSERT_CONTAINS(err.msg, "encrypted");
}

/* Truncated copies of a valid file must fail cleanly at every length. */
BK_TEST(pq_read_truncated_files) {
    NEED_DATA();
    FILE *f = fopen(data_path("data/nested_maps.snappy.parquet"), "rb");
    ASSERT_TRUE(f != NULL);
    uint8_t buf[4096];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    for (size_t cut = 0; cut < len; cut += 7) {
        /* keep the tail so the footer is found, drop bytes from the middle */
        uint8_t *copy = bk_malloc(len);
        memcpy(copy, buf, len);
        for (size_t k = 4; k < cut && k < len - 8; k++) copy[k] ^= 0x5a;
        pq_reader *r;
        bk_error err;
        bk_error_clear(&err);
        if (pq_reader_open_memory(copy, len, "fuzzed", NULL, &r, &err) == BK_OK) {
            bk_arena *a = bk_arena_new(NULL, "t", (size_t)64 << 20);
            const bk_type *t = pq_reader_schema(r);
            for (uint32_t g = 0; g < pq_reader_num_row_groups(r); g++)
                for (uint32_t fi = 0; fi < t->n_children; fi++) {
                    bk_vector *v;
                    (void)pq_reader_read_row_group(r, a, g, &fi, 1, &v, &err);
                    bk_arena_reset(a);
                }
            bk_arena_free(a);
            pq_reader_close(r);
        }
        bk_free(copy);
    }
}

typedef struct count_ctx {
    bk_mutex *lock;
    int64_t rows, sum;
} count_ctx;

static bk_status count_rows(void *ctx, uint32_t rg, bk_arena *a, bk_vector **cols, size_t n,
                            bk_error *err) {
    (void)rg, (void)a, (void)err;
    count_ctx *c = ctx;
    int64_t s = 0;
    const int32_t *ids = cols[0]->data;
    for (size_t i = 0; i < n; i++) s += ids[i];
    bk_mutex_lock(c->lock);
    c->rows += (int64_t)n;
    c->sum += s;
    bk_mutex_unlock(c->lock);
    return BK_OK;
}

/* alltypes_tiny_pages has a column index: a selective predicate skips pages. */
BK_TEST(pq_scan_skips_pages) {
    NEED_DATA();
    pq_reader *r;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(pq_reader_open(data_path("data/alltypes_tiny_pages.parquet"), NULL, &r, &err), &err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_vector *lit = bk_vector_make(a, bk_type_scalar(BK_TYPE_INT), 1);
    ((int32_t *)lit->data)[0] = 5000;
    pq_predicate pred = {.field = 0, .op = PQ_PRED_GE, .values = lit};
    uint32_t fields[] = {0, 10};
    count_ctx c = {.lock = bk_mutex_new()};
    bk_pool *pool = bk_pool_new(2);
    pq_scan_opts o = {.fields = fields, .n_fields = 2, .preds = &pred, .n_preds = 1, .pool = pool};
    pq_scan_stats stats;
    ASSERT_OK(pq_scan(r, &o, count_rows, &c, &stats, &err), &err);
    ASSERT_TRUE(stats.pages_skipped > 0);
    /* late materialization: exactly the matching rows (ids 5000..7299) come back */
    ASSERT_EQ(c.rows, 2300);
    ASSERT_EQ(c.sum, (int64_t)(5000 + 7299) * 2300 / 2);
    ASSERT_EQ(stats.rows_returned, 2300);
    ASSERT_TRUE(stats.rows_filtered > 0);
    /* without the predicate: every row, same for one and two threads */
    count_ctx all = {.lock = c.lock};
    o.preds = NULL, o.n_preds = 0;
    ASSERT_OK(pq_scan(r, &o, count_rows, &all, &stats, &err), &err);
    ASSERT_EQ(all.rows, 7300);
    ASSERT_EQ(all.sum, (int64_t)7299 * 7300 / 2);
    ASSERT_EQ(stats.pages_skipped, 0);
    bk_pool_free(pool);
    bk_mutex_free(c.lock);
    bk_arena_free(a);
    pq_reader_close(r);
}

/* Row-group pruning by footer statistics. */
BK_TEST(pq_scan_prunes_row_groups) {
    NEED_DATA();
    pq_reader *r;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(pq_reader_open(data_path("data/alltypes_tiny_pages_plain.parquet"), NULL, &r, &err),
              &err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_vector *lit = bk_vector_make(a, bk_type_scalar(BK_TYPE_INT), 1);
    ((int32_t *)lit->data)[0] = 100000; /* beyond every id */
    pq_predicate pred = {.field = 0, .op = PQ_PRED_EQ, .values = lit};
    count_ctx c = {.lock = bk_mutex_new()};
    uint32_t f = 0;
    pq_scan_opts o = {.fields = &f, .n_fields = 1, .preds = &pred, .n_preds = 1};
    pq_scan_stats stats;
    ASSERT_OK(pq_scan(r, &o, count_rows, &c, &stats, &err), &err);
    ASSERT_EQ(c.rows, 0);
    ASSERT_EQ(stats.row_groups_skipped, stats.row_groups_total);
    bk_mutex_free(c.lock);
    bk_arena_free(a);
    pq_reader_close(r);
}
