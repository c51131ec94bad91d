/*
 * test_delta_stats.c — per-file statistics (src/delta/stats.c): reading the JSON
 * form and checkpoint structs, data skipping, and writing them as Spark does.
 *
 * Checked against the test data three ways: every add/remove stats string in
 * the Delta logs must parse; the statistics we compute from Spark's own data
 * file (krs-data/stats-writing-all-types) must be the exact text Spark wrote;
 * and Spark's millisecond-truncated timestamp bounds must still contain the
 * data once read (krs-data/timestamp-truncation-stats).
 */
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "delta/partition.h"
#include "delta/stats.h"
#include "parquet/parquet.h"
#include "store/store.h"
#include "test.h"

/* ---------------------------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------------------------- */

static const bk_type *type_of(bk_arena *a, const char *ddl) {
    char why[128];
    return bk_type_parse(a, ddl, strlen(ddl), why, sizeof why);
}

static bool schema_of(bk_arena *a, const char *json, delta_schema *s) {
    bk_error err;
    return delta_schema_parse(a, json, strlen(json), s, &err) == BK_OK;
}

static bk_status parse(bk_arena *a, const delta_schema *s, bool by_physical, const char *json,
                       delta_file_stats *st, bk_error *err) {
    bk_error_clear(err);
    return delta_stats_parse(a, s, by_physical, json, "part-0.parquet", st, err);
}

/* A schema from "name type, name type, ..." (Spark DDL), no column mapping. */
static bool schema_ddl(bk_arena *a, const char *fields, delta_schema *s) {
    const bk_type *t = type_of(a, bk_arena_printf(a, "struct<%s>", fields));
    bk_error err;
    return t && delta_schema_from_type(a, t, s, &err) == BK_OK;
}

static int64_t i64_at(const bk_vector *v) {
    switch (v->type->kind) {
    case BK_TYPE_TINYINT:
        return ((const int8_t *)v->data)[0];
    case BK_TYPE_SMALLINT:
        return ((const int16_t *)v->data)[0];
    case BK_TYPE_INT:
    case BK_TYPE_DATE:
        return ((const int32_t *)v->data)[0];
    default:
        return ((const int64_t *)v->data)[0];
    }
}

static double dbl_at(const bk_vector *v) {
    return v->type->kind == BK_TYPE_FLOAT ? ((const float *)v->data)[0]
                                          : ((const double *)v->data)[0];
}

static const char *str_at(bk_arena *a, const bk_vector *v) {
    bk_str s = ((const bk_str *)v->data)[0];
    return bk_arena_strndup(a, s.ptr, s.len);
}

static int64_t micros(int64_t y, int mo, int d, int h, int mi, int s, int64_t us) {
    return bk_days_from_civil(y, mo, d) * BK_MICROS_PER_DAY +
           ((h * 60 + mi) * 60 + s) * BK_MICROS_PER_SECOND + us;
}

/* ---------------------------------------------------------------------------------------------
 * Parsing JSON
 * ------------------------------------------------------------------------------------------- */

static const char *const all_types =
    "b tinyint, i int, l bigint, f float, d double, dt date, ts timestamp, ntz timestamp_ntz, "
    "s string, dec decimal(10,2), big decimal(38,0), ok boolean, bin binary, arr array<int>, "
    "st struct<x: int>";

BK_TEST(delta_stats_parse_all_types) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    ASSERT_TRUE(schema_ddl(a, all_types, &s));
    const char *json =
        "{\"numRecords\":4,\"minValues\":{\"b\":1,\"i\":-1000,\"l\":-9223372036854775808,"
        "\"f\":1.5,\"d\":2.5,\"dt\":\"2023-01-15\",\"ts\":\"2023-06-15T12:30:00.000Z\","
        "\"ntz\":\"2023-06-15T12:30:00.000\",\"s\":\"alpha\",\"dec\":123.45,"
        "\"big\":-12345678901234567890123456789012345678,\"st\":{\"x\":10}},"
        "\"maxValues\":{\"b\":5,\"i\":5000,\"l\":9223372036854775807,\"f\":3.14,\"d\":6.28,"
        "\"dt\":\"2024-06-15\",\"ts\":\"2000-01-01T00:00:00.000-08:00\","
        "\"ntz\":\"2024-12-25T00:00:00.123456\",\"s\":\"gamma\",\"dec\":999.99,"
        "\"big\":99999999999999999999999999999999999999,\"st\":{\"x\":50}},"
        "\"nullCount\":{\"b\":1,\"i\":0,\"ok\":2,\"bin\":1,\"arr\":3,\"st\":{\"x\":1}},"
        "\"tightBounds\":false}";
    delta_file_stats st;
    ASSERT_OK(parse(a, &s, false, json, &st, &err), &err);
    ASSERT_TRUE(st.has_num_records);
    ASSERT_EQ(st.num_records, 4);
    ASSERT_TRUE(!st.tight_bounds);
    ASSERT_EQ(st.n_columns, 15);
    ASSERT_EQ(i64_at(st.min[0]), 1);
    ASSERT_EQ(i64_at(st.max[0]), 5);
    ASSERT_EQ(i64_at(st.min[1]), -1000);
    ASSERT_EQ(i64_at(st.min[2]), INT64_MIN);
    ASSERT_EQ(i64_at(st.max[2]), INT64_MAX);
    ASSERT_DBL_EQ(dbl_at(st.min[3]), 1.5);
    ASSERT_DBL_EQ(dbl_at(st.max[3]), 3.14f);
    ASSERT_DBL_EQ(dbl_at(st.max[4]), 6.28);
    ASSERT_EQ(i64_at(st.min[5]), bk_days_from_civil(2023, 1, 15));
    ASSERT_EQ(i64_at(st.min[6]), micros(2023, 6, 15, 12, 30, 0, 0));
    /* a millisecond max is widened to the end of its millisecond; offsets are honoured */
    ASSERT_EQ(i64_at(st.max[6]), micros(2000, 1, 1, 8, 0, 0, 999));
    ASSERT_EQ(i64_at(st.min[7]), micros(2023, 6, 15, 12, 30, 0, 0));
    ASSERT_EQ(i64_at(st.max[7]), micros(2024, 12, 25, 0, 0, 0, 123456)); /* µs: exact */
    ASSERT_STR_EQ(str_at(a, st.min[8]), "alpha");
    ASSERT_STR_EQ(str_at(a, st.max[8]), "gamma");
    ASSERT_TRUE(!st.max_is_prefix[8]);
    ASSERT_EQ(i64_at(st.min[9]), 12345);
    ASSERT_EQ(i64_at(st.max[9]), 99999);
    /* DECIMAL(38) bounds are exact */
    bk_i128 big_min = ((bk_i128 *)st.min[10]->data)[0];
    bk_i128 big_max = ((bk_i128 *)st.max[10]->data)[0];
    ASSERT_EQ(big_max.hi, 0x4B3B4CA85A86C47A);
    ASSERT_EQ(big_max.lo, 0x098A223FFFFFFFFF);
    bk_i128 want;
    ASSERT_TRUE(delta_decimal_parse("-12345678901234567890123456789012345678", 39, 38, 0,
                                    DELTA_ROUND_HALF_UP, &want));
    ASSERT_TRUE(big_min.hi == want.hi && big_min.lo == want.lo);
    /* no bounds for BOOLEAN, BINARY, nested; null counts for top-level columns */
    ASSERT_TRUE(st.min[11] == NULL && st.max[12] == NULL && st.min[13] == NULL);
    ASSERT_TRUE(st.min[14] == NULL && st.max[14] == NULL);
    ASSERT_EQ(st.null_count[0], 1);
    ASSERT_EQ(st.null_count[1], 0);
    ASSERT_EQ(st.null_count[11], 2);
    ASSERT_EQ(st.null_count[13], 3);
    ASSERT_EQ(st.null_count[14], -1); /* a struct's counts are per field */
    ASSERT_EQ(st.null_count[2], -1);  /* absent */
    bk_arena_free(a);
}

BK_TEST(delta_stats_parse_lenient_values) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    ASSERT_TRUE(schema_ddl(a, "b tinyint, i int, d double, f float, s string, ts timestamp", &s));
    delta_file_stats st;
    /* values that do not fit their column are dropped, not errors */
    ASSERT_OK(parse(a, &s, false,
                    "{\"minValues\":{\"b\":300,\"i\":\"abc\",\"d\":1e999,\"f\":[1],\"s\":5,"
                    "\"ts\":\"noon\",\"zz\":1},\"maxValues\":{\"i\":null},\"nullCount\":"
                    "{\"i\":-1,\"d\":\"3\",\"s\":4}}",
                    &st, &err),
              &err);
    ASSERT_TRUE(!st.has_num_records);
    ASSERT_TRUE(st.tight_bounds);
    for (uint32_t i = 0; i < s.n_fields; i++) ASSERT_TRUE(!st.min[i] && !st.max[i]);
    ASSERT_EQ(st.null_count[1], -1);
    ASSERT_EQ(st.null_count[2], -1);
    ASSERT_EQ(st.null_count[4], 4);
    /* a fractional bound of an integer column is rounded outward */
    ASSERT_OK(
        parse(a, &s, false, "{\"minValues\":{\"i\":5.5},\"maxValues\":{\"i\":5.5}}", &st, &err),
        &err);
    ASSERT_EQ(i64_at(st.min[1]), 5);
    ASSERT_EQ(i64_at(st.max[1]), 6);
    /* NaN and infinities as strings (Spark) or bare words (some writers) */
    ASSERT_OK(parse(a, &s, false,
                    "{\"minValues\":{\"d\":\"-Infinity\",\"f\":-Infinity},"
                    "\"maxValues\":{\"d\":NaN,\"f\":\"Infinity\"}}",
                    &st, &err),
              &err);
    ASSERT_TRUE(isinf(dbl_at(st.min[2])) && dbl_at(st.min[2]) < 0);
    ASSERT_TRUE(isnan(dbl_at(st.max[2])));
    ASSERT_TRUE(isinf(dbl_at(st.max[3])));
    /* a float bound is rounded outward when its text is not exactly a float */
    ASSERT_OK(
        parse(a, &s, false, "{\"minValues\":{\"f\":0.1},\"maxValues\":{\"f\":0.1}}", &st, &err),
        &err);
    ASSERT_TRUE((double)dbl_at(st.min[3]) <= 0.1 && (double)dbl_at(st.max[3]) >= 0.1);
    /* whitespace and escapes */
    ASSERT_OK(parse(a, &s, false,
                    " { \"minValues\" : { \"s\" : \"a\\\"b\\u00e9\\n\" } , \"numRecords\" : 2 } ",
                    &st, &err),
              &err);
    ASSERT_STR_EQ(str_at(a, st.min[4]), "a\"b\xc3\xa9\n");
    ASSERT_EQ(st.num_records, 2);
    bk_arena_free(a);
}

BK_TEST(delta_stats_parse_malformed) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    ASSERT_TRUE(schema_ddl(a, "i int", &s));
    delta_file_stats st;
    ASSERT_FAILS(parse(a, &s, false, "{\"numRecords\":", &st, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "file \"part-0.parquet\": stats are not valid JSON: unexpected end "
                           "of text at byte 14");
    ASSERT_FAILS(parse(a, &s, false, "[1,2]", &st, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "file \"part-0.parquet\": stats are not a JSON object");
    static const char *const bad[] = {
        "",           "{",           "{\"a\"}",         "{\"a\":1,}", "{\"a\":01}",
        "{\"a\":1.}", "{\"a\":\"x}", "{\"a\":\"\\x\"}", "{} x",       "{\"a\":tru}",
        "{\"a\":-}",  "{'a':1}",     "{\"a\":[1,]}",    "{\"a\":1e}",
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(bad); i++) {
        if (parse(a, &s, false, bad[i], &st, &err) != BK_CORRUPT)
            bk_test_fail(__FILE__, __LINE__, "accepted %s", bad[i]);
    }
    /* deep nesting is refused cleanly */
    char deep[2100];
    for (int i = 0; i < 1000; i++) deep[i] = '[';
    for (int i = 0; i < 1000; i++) deep[1000 + i] = ']';
    deep[2000] = '\0';
    ASSERT_FAILS(parse(a, &s, false, deep, &st, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "nested too deeply");
    bk_arena_free(a);
}

BK_TEST(delta_stats_parse_string_prefixes) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    ASSERT_TRUE(schema_ddl(a, "s string", &s));
    delta_file_stats st;
    const char *a32 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    /* 31 characters: cannot have been cut */
    ASSERT_OK(parse(a, &s, false, "{\"maxValues\":{\"s\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}",
                    &st, &err),
              &err);
    ASSERT_TRUE(!st.max_is_prefix[0]);
    /* 32 characters, no tie-breaker: may be a cut prefix */
    ASSERT_OK(
        parse(a, &s, false, bk_arena_printf(a, "{\"maxValues\":{\"s\":\"%s\"}}", a32), &st, &err),
        &err);
    ASSERT_TRUE(st.max_is_prefix[0]);
    /* Spark's tie-breakers: U+007F, or U+10FFFF (raw or as a surrogate pair) */
    ASSERT_OK(parse(a, &s, false, bk_arena_printf(a, "{\"maxValues\":{\"s\":\"%s\x7f\"}}", a32),
                    &st, &err),
              &err);
    ASSERT_TRUE(!st.max_is_prefix[0]);
    ASSERT_OK(parse(a, &s, false,
                    bk_arena_printf(a, "{\"maxValues\":{\"s\":\"%s\\udbff\\udfff\"}}", a32), &st,
                    &err),
              &err);
    ASSERT_TRUE(!st.max_is_prefix[0]);
    ASSERT_EQ(((bk_str *)st.max[0]->data)[0].len, 36);
    /* min strings are always usable */
    ASSERT_OK(
        parse(a, &s, false, bk_arena_printf(a, "{\"minValues\":{\"s\":\"%s\"}}", a32), &st, &err),
        &err);
    ASSERT_TRUE(!st.max_is_prefix[0] && st.min[0]);
    bk_arena_free(a);
}

BK_TEST(delta_stats_parse_physical_names) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    ASSERT_TRUE(schema_of(a,
                          "{\"type\":\"struct\",\"fields\":["
                          "{\"name\":\"a\",\"type\":\"long\",\"nullable\":true,\"metadata\":{"
                          "\"delta.columnMapping.id\":1,\"delta.columnMapping.physicalName\":"
                          "\"col-1\"}},"
                          "{\"name\":\"b\",\"type\":\"long\",\"nullable\":true,\"metadata\":{"
                          "\"delta.columnMapping.id\":2,\"delta.columnMapping.physicalName\":"
                          "\"col-2\"}}]}",
                          &s));
    delta_file_stats st;
    const char *json = "{\"minValues\":{\"col-2\":7,\"a\":1},\"nullCount\":{\"col-1\":3}}";
    ASSERT_OK(parse(a, &s, true, json, &st, &err), &err);
    ASSERT_TRUE(st.min[0] == NULL); /* "a" is a logical name: not looked up */
    ASSERT_EQ(i64_at(st.min[1]), 7);
    ASSERT_EQ(st.null_count[0], 3);
    ASSERT_OK(parse(a, &s, false, json, &st, &err), &err);
    ASSERT_EQ(i64_at(st.min[0]), 1);
    ASSERT_TRUE(st.min[1] == NULL);
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Checkpoint stats_parsed
 * ------------------------------------------------------------------------------------------- */

BK_TEST(delta_stats_from_checkpoint_struct) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    ASSERT_TRUE(schema_ddl(a, "i bigint, s string, ts timestamp, d double, dec decimal(30,2)", &s));
    /* the checkpoint's types may be narrower (the table's types were widened since) */
    const bk_type *t = type_of(
        a, "struct<numRecords: bigint, minValues: struct<i: int, s: string, ts: timestamp, "
           "d: float, dec: decimal(10,2)>, maxValues: struct<i: int, s: string, ts: timestamp, "
           "d: string, dec: decimal(10,3)>, nullCount: struct<i: bigint, s: bigint>, "
           "tightBounds: boolean>");
    ASSERT_TRUE(t != NULL);
    bk_vector *v = bk_vector_make(a, t, 2);
    ASSERT_TRUE(v != NULL);
    bk_vector *num = v->children[0], *mins = v->children[1], *maxs = v->children[2];
    bk_vector *nulls = v->children[3], *tight = v->children[4];
    ((int64_t *)num->data)[0] = 10;
    ((int32_t *)mins->children[0]->data)[0] = -3;
    ((bk_str *)mins->children[1]->data)[0] = (bk_str){"abc", 3};
    ((int64_t *)mins->children[2]->data)[0] = 5000;
    ((float *)mins->children[3]->data)[0] = 0.5f;
    ((int64_t *)mins->children[4]->data)[0] = 150;
    ((int32_t *)maxs->children[0]->data)[0] = 9;
    ((bk_str *)maxs->children[1]->data)[0] = (bk_str){"xyz", 3};
    ((int64_t *)maxs->children[2]->data)[0] = 7000;
    ((int64_t *)maxs->children[4]->data)[0] = 1500;
    ((int64_t *)nulls->children[0]->data)[0] = 0;
    ((int64_t *)nulls->children[1]->data)[0] = 4;
    ((uint8_t *)tight->data)[0] = 0;
    ASSERT_TRUE(bk_vector_ensure_validity(a, v) == BK_OK);
    bk_validity_set(v->validity, 1, false);
    ASSERT_TRUE(bk_vector_ensure_validity(a, maxs->children[3]) == BK_OK);
    bk_validity_set(maxs->children[3]->validity, 0, false);

    delta_file_stats st;
    ASSERT_OK(delta_stats_from_struct(a, &s, false, v, 0, &st, &err), &err);
    ASSERT_TRUE(st.has_num_records);
    ASSERT_EQ(st.num_records, 10);
    ASSERT_TRUE(!st.tight_bounds);
    ASSERT_EQ(i64_at(st.min[0]), -3);
    ASSERT_EQ(st.min[0]->type->kind, BK_TYPE_BIGINT);
    ASSERT_EQ(i64_at(st.max[0]), 9);
    ASSERT_STR_EQ(str_at(a, st.min[1]), "abc");
    ASSERT_STR_EQ(str_at(a, st.max[1]), "xyz");
    ASSERT_EQ(i64_at(st.min[2]), 5000);
    ASSERT_EQ(i64_at(st.max[2]), 7999); /* millisecond max widened */
    ASSERT_DBL_EQ(dbl_at(st.min[3]), 0.5);
    ASSERT_TRUE(st.max[3] == NULL); /* NULL there, and a string would not convert */
    bk_i128 dec = ((bk_i128 *)st.min[4]->data)[0];
    ASSERT_EQ(dec.lo, 150);
    ASSERT_TRUE(st.max[4] == NULL); /* scale 3 is not the column's scale 2 */
    ASSERT_EQ(st.null_count[0], 0);
    ASSERT_EQ(st.null_count[1], 4);
    ASSERT_EQ(st.null_count[2], -1);

    /* a NULL row, a missing vector, a row out of range: statistics that know nothing */
    ASSERT_OK(delta_stats_from_struct(a, &s, false, v, 1, &st, &err), &err);
    ASSERT_TRUE(!st.has_num_records && st.tight_bounds && !st.min[0]);
    ASSERT_OK(delta_stats_from_struct(a, &s, false, NULL, 0, &st, &err), &err);
    ASSERT_OK(delta_stats_from_struct(a, &s, false, v, 7, &st, &err), &err);
    ASSERT_TRUE(!st.has_num_records && st.null_count[1] == -1);
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Data skipping
 * ------------------------------------------------------------------------------------------- */

/* A 1-row vector of `ddl` holding the value written in `text` (NULL text: a NULL row). */
static bk_vector *value(bk_arena *a, const char *ddl, const char *text) {
    bk_vector *v = bk_vector_make(a, type_of(a, ddl), 1);
    bk_error err;
    if (!v || delta_partition_value_set(a, v, 0, text, "v", &err) != BK_OK) return NULL;
    return v;
}

/* A vector of several values of `ddl` ("" in the list is a NULL). */
static bk_vector *values(bk_arena *a, const char *ddl, size_t n, const char *const *texts) {
    bk_vector *v = bk_vector_make(a, type_of(a, ddl), n);
    bk_error err;
    for (size_t i = 0; v && i < n; i++)
        if (delta_partition_value_set(a, v, i, texts[i], "v", &err) != BK_OK) return NULL;
    return v;
}

static bool may(const delta_file_stats *st, pq_pred_op op, const bk_vector *lit) {
    pq_predicate p = {0, op, lit, NULL};
    return delta_stats_may_match(st, &p, 1);
}

/* Stats for one column of `ddl` with bounds [lo, hi] (NULL: unknown). */
static delta_file_stats one_column_stats(bk_arena *a, const char *ddl, const char *lo,
                                         const char *hi, int64_t nulls, int64_t rows) {
    delta_file_stats st;
    bk_error err;
    delta_stats_init(a, 1, &st, &err);
    st.min[0] = lo ? value(a, ddl, lo) : NULL;
    st.max[0] = hi ? value(a, ddl, hi) : NULL;
    st.null_count[0] = nulls;
    st.has_num_records = rows >= 0;
    st.num_records = rows;
    return st;
}

BK_TEST(delta_stats_may_match_comparisons) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    delta_file_stats st = one_column_stats(a, "int", "10", "20", 0, 100);
    static const struct {
        pq_pred_op op;
        const char *lit;
        bool may;
    } cases[] = {
        {PQ_PRED_EQ, "5", false},  {PQ_PRED_EQ, "10", true},  {PQ_PRED_EQ, "15", true},
        {PQ_PRED_EQ, "20", true},  {PQ_PRED_EQ, "21", false}, {PQ_PRED_LT, "10", false},
        {PQ_PRED_LT, "11", true},  {PQ_PRED_LE, "9", false},  {PQ_PRED_LE, "10", true},
        {PQ_PRED_GT, "20", false}, {PQ_PRED_GT, "19", true},  {PQ_PRED_GE, "21", false},
        {PQ_PRED_GE, "20", true},  {PQ_PRED_EQ, NULL, false}, {PQ_PRED_LT, NULL, false},
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(cases); i++) {
        if (may(&st, cases[i].op, value(a, "int", cases[i].lit)) != cases[i].may)
            bk_test_fail(__FILE__, __LINE__, "case %zu (op %d, %s)", i, (int)cases[i].op,
                         cases[i].lit ? cases[i].lit : "NULL");
    }
    /* IS NULL / IS NOT NULL from the null count */
    ASSERT_TRUE(!may(&st, PQ_PRED_IS_NULL, NULL));
    ASSERT_TRUE(may(&st, PQ_PRED_IS_NOT_NULL, NULL));
    /* IN: any literal inside the bounds; NULLs never match; an empty list matches nothing */
    const char *const in1[] = {"1", "", "25"}, *const in2[] = {"1", "12"};
    ASSERT_TRUE(!may(&st, PQ_PRED_IN, values(a, "int", 3, in1)));
    ASSERT_TRUE(may(&st, PQ_PRED_IN, values(a, "int", 2, in2)));
    ASSERT_TRUE(!may(&st, PQ_PRED_IN, values(a, "int", 0, NULL)));
    /* a literal of another type, or a field out of range: cannot judge */
    ASSERT_TRUE(may(&st, PQ_PRED_EQ, value(a, "bigint", "5")));
    pq_predicate far = {7, PQ_PRED_EQ, value(a, "int", "5"), NULL};
    ASSERT_TRUE(delta_stats_may_match(&st, &far, 1));
    /* a conjunction fails when one part does */
    pq_predicate both[2] = {{0, PQ_PRED_GE, value(a, "int", "12"), NULL},
                            {0, PQ_PRED_LT, value(a, "int", "10"), NULL}};
    ASSERT_TRUE(!delta_stats_may_match(&st, both, 2));
    ASSERT_TRUE(delta_stats_may_match(&st, both, 1));
    /* one-sided bounds */
    st = one_column_stats(a, "int", NULL, "20", -1, -1);
    ASSERT_TRUE(may(&st, PQ_PRED_LT, value(a, "int", "-100")));
    ASSERT_TRUE(!may(&st, PQ_PRED_GT, value(a, "int", "20")));
    ASSERT_TRUE(may(&st, PQ_PRED_IS_NULL, NULL));
    bk_arena_free(a);
}

BK_TEST(delta_stats_may_match_nulls_and_empty_files) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    /* every row NULL: only IS NULL can match (wide bounds too, per the protocol) */
    delta_file_stats st = one_column_stats(a, "int", NULL, NULL, 100, 100);
    st.tight_bounds = false;
    ASSERT_TRUE(may(&st, PQ_PRED_IS_NULL, NULL));
    ASSERT_TRUE(!may(&st, PQ_PRED_IS_NOT_NULL, NULL));
    ASSERT_TRUE(!may(&st, PQ_PRED_EQ, value(a, "int", "1")));
    const char *const in[] = {"1"};
    ASSERT_TRUE(!may(&st, PQ_PRED_IN, values(a, "int", 1, in)));
    /* the partition convention: ALL_NULL without a row count */
    st = one_column_stats(a, "string", NULL, NULL, DELTA_STATS_ALL_NULL, -1);
    ASSERT_TRUE(may(&st, PQ_PRED_IS_NULL, NULL));
    ASSERT_TRUE(!may(&st, PQ_PRED_IS_NOT_NULL, NULL));
    ASSERT_TRUE(!may(&st, PQ_PRED_EQ, value(a, "string", "x")));
    /* a partition value: min == max, no NULLs */
    st = one_column_stats(a, "boolean", "true", "true", 0, -1);
    ASSERT_TRUE(!may(&st, PQ_PRED_EQ, value(a, "boolean", "false")));
    ASSERT_TRUE(may(&st, PQ_PRED_EQ, value(a, "boolean", "true")));
    ASSERT_TRUE(!may(&st, PQ_PRED_IS_NULL, NULL));
    st = one_column_stats(a, "date", "2021-01-01", "2021-01-01", 0, -1);
    ASSERT_TRUE(!may(&st, PQ_PRED_GT, value(a, "date", "2021-01-01")));
    ASSERT_TRUE(may(&st, PQ_PRED_GE, value(a, "date", "2021-01-01")));
    /* some NULLs, count known: either test may match */
    st = one_column_stats(a, "int", "1", "2", 3, 10);
    ASSERT_TRUE(may(&st, PQ_PRED_IS_NULL, NULL) && may(&st, PQ_PRED_IS_NOT_NULL, NULL));
    /* an empty file matches nothing */
    st = one_column_stats(a, "int", NULL, NULL, 0, 0);
    ASSERT_TRUE(!may(&st, PQ_PRED_IS_NULL, NULL));
    ASSERT_TRUE(!may(&st, PQ_PRED_IS_NOT_NULL, NULL));
    /* nothing known: everything may match */
    delta_file_stats none;
    bk_error err;
    ASSERT_OK(delta_stats_init(a, 1, &none, &err), &err);
    ASSERT_TRUE(may(&none, PQ_PRED_EQ, value(a, "int", "1")));
    ASSERT_TRUE(may(&none, PQ_PRED_IS_NULL, NULL) && may(&none, PQ_PRED_IS_NOT_NULL, NULL));
    ASSERT_TRUE(delta_stats_may_match(NULL, NULL, 0));
    bk_arena_free(a);
}

BK_TEST(delta_stats_may_match_floats_strings_decimals) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    /* NaN sorts above everything: a NaN max keeps every upper test open */
    delta_file_stats st = one_column_stats(a, "double", "0.0", "NaN", 0, 5);
    ASSERT_TRUE(may(&st, PQ_PRED_GT, value(a, "double", "1e300")));
    ASSERT_TRUE(may(&st, PQ_PRED_EQ, value(a, "double", "NaN")));
    ASSERT_TRUE(!may(&st, PQ_PRED_LT, value(a, "double", "-0.0"))); /* -0.0 == 0.0 */
    ASSERT_TRUE(may(&st, PQ_PRED_LE, value(a, "double", "-0.0")));
    st = one_column_stats(a, "double", "-1.5", "2.5", 0, 5);
    ASSERT_TRUE(!may(&st, PQ_PRED_EQ, value(a, "double", "NaN")));
    ASSERT_TRUE(!may(&st, PQ_PRED_GT, value(a, "double", "Infinity")));
    ASSERT_TRUE(may(&st, PQ_PRED_GT, value(a, "double", "-Infinity")));
    st = one_column_stats(a, "float", "1.5", "2.5", 0, 5);
    ASSERT_TRUE(!may(&st, PQ_PRED_LT, value(a, "float", "1.5")));

    /* strings: byte order */
    st = one_column_stats(a, "string", "apple", "melon", 0, 5);
    ASSERT_TRUE(may(&st, PQ_PRED_EQ, value(a, "string", "banana")));
    ASSERT_TRUE(!may(&st, PQ_PRED_EQ, value(a, "string", "zebra")));
    ASSERT_TRUE(!may(&st, PQ_PRED_EQ, value(a, "string", "Zebra"))); /* 'Z' < 'a' */
    ASSERT_TRUE(!may(&st, PQ_PRED_GT, value(a, "string", "melon")));
    ASSERT_TRUE(may(&st, PQ_PRED_GE, value(a, "string", "melon")));
    ASSERT_TRUE(!may(&st, PQ_PRED_LT, value(a, "string", "apple")));
    ASSERT_TRUE(may(&st, PQ_PRED_EQ, value(a, "string", "melo")));

    /* a prefix max P: values are <= P or start with P */
    const char *p = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    st = one_column_stats(a, "string", "a", p, 0, 5);
    st.max_is_prefix[0] = true;
    ASSERT_TRUE(may(&st, PQ_PRED_EQ, value(a, "string", bk_arena_printf(a, "%sz", p))));
    ASSERT_TRUE(may(&st, PQ_PRED_GT, value(a, "string", p)));
    ASSERT_TRUE(!may(&st, PQ_PRED_EQ, value(a, "string", "ab")));
    ASSERT_TRUE(!may(&st, PQ_PRED_GE, value(a, "string", "b")));
    st.max_is_prefix[0] = false;
    ASSERT_TRUE(!may(&st, PQ_PRED_EQ, value(a, "string", bk_arena_printf(a, "%sz", p))));

    /* decimals compare by unscaled value whatever their storage width */
    st = one_column_stats(a, "decimal(10,2)", "1.00", "2.50", 0, 5);
    ASSERT_TRUE(!may(&st, PQ_PRED_GT, value(a, "decimal(30,2)", "2.50")));
    ASSERT_TRUE(may(&st, PQ_PRED_GT, value(a, "decimal(30,2)", "2.49")));
    ASSERT_TRUE(may(&st, PQ_PRED_GT, value(a, "decimal(10,3)", "9.000"))); /* other scale */
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------------------------- */

static const char *write_stats(bk_arena *a, const delta_schema *s, bool by_physical,
                               bk_vector *const *cols, size_t n_rows, int max_cols) {
    bk_buf b;
    bk_buf_init(&b);
    bk_error err;
    bk_error_clear(&err);
    const char *out = NULL;
    bk_status st = delta_stats_write(s, by_physical, cols, n_rows, max_cols, &b, &err);
    if (st == BK_OK)
        out = bk_arena_strndup(a, (const char *)b.data, b.len);
    else
        out = bk_arena_printf(a, "error: %s", err.msg);
    bk_buf_destroy(&b);
    return out;
}

BK_TEST(delta_stats_write_like_spark) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    delta_schema s;
    ASSERT_TRUE(schema_ddl(a,
                           "i int, s string, d double, ts timestamp, ntz timestamp_ntz, "
                           "dt date, dec decimal(5,2), ok boolean, bin binary, arr array<int>, "
                           "st struct<x: bigint, y: string>",
                           &s));
    const char *const i_v[] = {"3", "", "-1"}, *const s_v[] = {"b", "a", ""},
                      *const d_v[] = {"1.5", "NaN", "-2.0"},
                      *const ts_v[] = {"1970-01-01 00:00:01.000001", "", "1970-01-01 00:00:00.5"},
                      *const ntz_v[] = {"2024-01-01 00:00:00", "2023-12-31 23:59:59.9999", ""},
                      *const dt_v[] = {"2024-02-29", "1969-12-31", "2000-01-01"},
                      *const dec_v[] = {"-0.05", "123.40", ""},
                      *const ok_v[] = {"true", "", "false"};
    bk_vector *cols[11] = {
        values(a, "int", 3, i_v),
        values(a, "string", 3, s_v),
        values(a, "double", 3, d_v),
        values(a, "timestamp", 3, ts_v),
        values(a, "timestamp_ntz", 3, ntz_v),
        values(a, "date", 3, dt_v),
        values(a, "decimal(5,2)", 3, dec_v),
        values(a, "boolean", 3, ok_v),
        bk_vector_make(a, type_of(a, "binary"), 3),
        bk_vector_make(a, type_of(a, "array<int>"), 3),
        bk_vector_make(a, type_of(a, "struct<x: bigint, y: string>"), 3),
    };
    for (int k = 0; k < 11; k++) ASSERT_TRUE(cols[k] != NULL);
    /* binary all NULL; arrays: [], NULL, []; struct: {1, NULL}, NULL, {5, "q"} */
    ASSERT_TRUE(bk_vector_ensure_validity(a, cols[8]) == BK_OK);
    for (int r = 0; r < 3; r++) bk_validity_set(cols[8]->validity, (size_t)r, false);
    cols[9]->offsets = bk_arena_zalloc(a, 4 * sizeof(int64_t));
    ASSERT_TRUE(bk_vector_ensure_validity(a, cols[9]) == BK_OK);
    bk_validity_set(cols[9]->validity, 1, false);
    bk_vector *st = cols[10];
    ASSERT_TRUE(bk_vector_ensure_validity(a, st) == BK_OK);
    bk_validity_set(st->validity, 1, false);
    ((int64_t *)st->children[0]->data)[0] = 1;
    ((int64_t *)st->children[0]->data)[1] = 99; /* hidden by the NULL struct */
    ((int64_t *)st->children[0]->data)[2] = 5;
    ASSERT_TRUE(bk_vector_ensure_validity(a, st->children[1]) == BK_OK);
    bk_validity_set(st->children[1]->validity, 0, false);
    ((bk_str *)st->children[1]->data)[1] = (bk_str){"zzz", 3};
    ((bk_str *)st->children[1]->data)[2] = (bk_str){"q", 1};

    ASSERT_STR_EQ(
        write_stats(a, &s, false, cols, 3, -1),
        "{\"numRecords\":3,"
        "\"minValues\":{\"i\":-1,\"s\":\"a\",\"d\":-2.0,\"ts\":\"1970-01-01T00:00:00.500Z\","
        "\"ntz\":\"2023-12-31T23:59:59.999\",\"dt\":\"1969-12-31\",\"dec\":-0.05,"
        "\"st\":{\"x\":1,\"y\":\"q\"}},"
        "\"maxValues\":{\"i\":3,\"s\":\"b\",\"ts\":\"1970-01-01T00:00:01.001Z\","
        "\"ntz\":\"2024-01-01T00:00:00.000\",\"dt\":\"2024-02-29\",\"dec\":123.40,"
        "\"st\":{\"x\":5,\"y\":\"q\"}},"
        "\"nullCount\":{\"i\":1,\"s\":1,\"d\":0,\"ts\":1,\"ntz\":1,\"dt\":0,\"dec\":1,\"ok\":1,"
        "\"bin\":3,\"arr\":1,\"st\":{\"x\":1,\"y\":2}}}");

    /* the first N leaf columns, struct fields counted one by one */
    ASSERT_STR_EQ(write_stats(a, &s, false, cols, 3, 2),
                  "{\"numRecords\":3,\"minValues\":{\"i\":-1,\"s\":\"a\"},\"maxValues\":{\"i\":3,"
                  "\"s\":\"b\"},\"nullCount\":{\"i\":1,\"s\":1}}");
    ASSERT_STR_EQ(write_stats(a, &s, false, cols, 3, 0), "{\"numRecords\":3}");
    ASSERT_STR_EQ(write_stats(a, &s, false, cols, 3, 8),
                  "{\"numRecords\":3,\"minValues\":{\"i\":-1,\"s\":\"a\",\"d\":-2.0,"
                  "\"ts\":\"1970-01-01T00:00:00.500Z\",\"ntz\":\"2023-12-31T23:59:59.999\","
                  "\"dt\":\"1969-12-31\",\"dec\":-0.05},\"maxValues\":{\"i\":3,\"s\":\"b\","
                  "\"ts\":\"1970-01-01T00:00:01.001Z\",\"ntz\":\"2024-01-01T00:00:00.000\","
                  "\"dt\":\"2024-02-29\",\"dec\":123.40},\"nullCount\":{\"i\":1,\"s\":1,"
                  "\"d\":0,\"ts\":1,\"ntz\":1,\"dt\":0,\"dec\":1,\"ok\":1}}");
    /* columns the file does not hold (partition columns) are skipped and not counted */
    bk_vector *some[11];
    memcpy(some, cols, sizeof some);
    some[0] = some[1] = NULL;
    ASSERT_STR_EQ(write_stats(a, &s, false, some, 3, 1),
                  "{\"numRecords\":3,\"minValues\":{\"d\":-2.0},\"maxValues\":{},"
                  "\"nullCount\":{\"d\":0}}");
    /* no rows: Spark's form */
    ASSERT_STR_EQ(write_stats(a, &s, false, cols, 0, 2),
                  "{\"numRecords\":0,\"minValues\":{},\"maxValues\":{},\"nullCount\":{}}");
    /* a struct cut by the column budget keeps its first fields */
    delta_schema s2;
    ASSERT_TRUE(schema_ddl(a, "st struct<x: bigint, y: string>, i int", &s2));
    bk_vector *cols2[2] = {st, cols[0]};
    ASSERT_STR_EQ(write_stats(a, &s2, false, cols2, 3, 1),
                  "{\"numRecords\":3,\"minValues\":{\"st\":{\"x\":1}},\"maxValues\":{\"st\":"
                  "{\"x\":5}},\"nullCount\":{\"st\":{\"x\":1}}}");
    /* a vector that is not the schema's type is refused */
    bk_vector *wrong[2] = {cols[0], cols[0]};
    ASSERT_CONTAINS(write_stats(a, &s2, false, wrong, 3, -1), "error: statistics: column \"st\"");
    bk_arena_free(a);
}

BK_TEST(delta_stats_write_strings_and_floats) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    delta_schema s;
    ASSERT_TRUE(schema_ddl(a, "s string", &s));
    const char *a32 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    /* cut at 32 characters; the max gets U+007F when the next character is below it */
    const char *const v1[] = {bk_arena_printf(a, "%sbbbb", a32), bk_arena_printf(a, "%sb", a32)};
    bk_vector *col = values(a, "string", 2, v1);
    ASSERT_STR_EQ(write_stats(a, &s, false, &col, 2, -1),
                  bk_arena_printf(a,
                                  "{\"numRecords\":2,\"minValues\":{\"s\":\"%s\"},\"maxValues\":"
                                  "{\"s\":\"%s\x7f\"},\"nullCount\":{\"s\":0}}",
                                  a32, a32));
    /* else U+10FFFF, after skipping U+10FFFF characters */
    const char *const v2[] = {bk_arena_printf(a, "%s\xf4\x8f\xbf\xbf\xc3\xa9", a32)};
    col = values(a, "string", 1, v2);
    ASSERT_STR_EQ(write_stats(a, &s, false, &col, 1, -1),
                  bk_arena_printf(a,
                                  "{\"numRecords\":1,\"minValues\":{\"s\":\"%s\"},\"maxValues\":"
                                  "{\"s\":\"%s\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\"},"
                                  "\"nullCount\":{\"s\":0}}",
                                  a32, a32));
    /* characters, not bytes: 32 two-byte characters are not cut */
    char e32[65];
    for (int i = 0; i < 32; i++) memcpy(e32 + 2 * i, "\xc3\xa9", 2);
    e32[64] = '\0';
    const char *const v3[] = {e32};
    col = values(a, "string", 1, v3);
    ASSERT_STR_EQ(write_stats(a, &s, false, &col, 1, -1),
                  bk_arena_printf(a,
                                  "{\"numRecords\":1,\"minValues\":{\"s\":\"%s\"},\"maxValues\":"
                                  "{\"s\":\"%s\"},\"nullCount\":{\"s\":0}}",
                                  e32, e32));
    /* escapes */
    const char *const v4[] = {"q\"\\\n"};
    col = values(a, "string", 1, v4);
    ASSERT_STR_EQ(write_stats(a, &s, false, &col, 1, -1),
                  "{\"numRecords\":1,\"minValues\":{\"s\":\"q\\\"\\\\\\n\"},\"maxValues\":{\"s\":"
                  "\"q\\\"\\\\\\n\"},\"nullCount\":{\"s\":0}}");

    /* infinities are left out; floats in Java's spelling */
    ASSERT_TRUE(schema_ddl(a, "f float, d double", &s));
    const char *const fv[] = {"1e7", "-Infinity", "0.1"}, *const dv[] = {"Infinity", "3", "NaN"};
    bk_vector *fcols[2] = {values(a, "float", 3, fv), values(a, "double", 3, dv)};
    ASSERT_STR_EQ(write_stats(a, &s, false, fcols, 3, -1),
                  "{\"numRecords\":3,\"minValues\":{\"d\":3.0},\"maxValues\":{\"f\":1.0E7},"
                  "\"nullCount\":{\"f\":0,\"d\":0}}");
    bk_arena_free(a);
}

BK_TEST(delta_stats_write_physical_names_round_trip) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    ASSERT_TRUE(schema_ddl(a, "id bigint, name string, ts timestamp, amount decimal(20,4)", &s));
    int32_t max_id = 0;
    ASSERT_EQ(delta_schema_assign_column_mapping(a, &s, "name", &max_id), BK_OK);
    const char *const ids[] = {"5", "9223372036854775807", "-3"}, *const names[] = {"x", "", "y"},
                      *const tss[] = {"2024-01-01T00:00:00.123456Z", "1900-01-01 00:00:00", ""},
                      *const amounts[] = {"-99999999999999.9999", "0.0001", "12"};
    bk_vector *cols[4] = {values(a, "bigint", 3, ids), values(a, "string", 3, names),
                          values(a, "timestamp", 3, tss), values(a, "decimal(20,4)", 3, amounts)};
    const char *json = write_stats(a, &s, true, cols, 3, -1);
    ASSERT_CONTAINS(json, bk_arena_printf(a, "\"%s\":-3", s.fields[0].physical_name));
    ASSERT_TRUE(strstr(json, "\"id\"") == NULL);
    delta_file_stats st;
    ASSERT_OK(parse(a, &s, true, json, &st, &err), &err);
    ASSERT_EQ(st.num_records, 3);
    ASSERT_EQ(i64_at(st.min[0]), -3);
    ASSERT_EQ(i64_at(st.max[0]), INT64_MAX);
    ASSERT_STR_EQ(str_at(a, st.min[1]), "x");
    ASSERT_STR_EQ(str_at(a, st.max[1]), "y");
    ASSERT_EQ(i64_at(st.min[2]), micros(1900, 1, 1, 0, 0, 0, 0));
    /* max written rounded up to .124, read back widened to .124999: still a bound */
    ASSERT_EQ(i64_at(st.max[2]), micros(2024, 1, 1, 0, 0, 0, 124999));
    bk_i128 lo = ((bk_i128 *)st.min[3]->data)[0], hi = ((bk_i128 *)st.max[3]->data)[0];
    ASSERT_EQ((int64_t)lo.lo, -999999999999999999);
    ASSERT_EQ(lo.hi, -1);
    ASSERT_EQ(hi.lo, 120000);
    ASSERT_EQ(st.null_count[1], 1);
    ASSERT_EQ(st.null_count[3], 0);
    /* the bounds do what they are for */
    pq_predicate p = {0, PQ_PRED_GT, value(a, "bigint", "9223372036854775806"), NULL};
    ASSERT_TRUE(delta_stats_may_match(&st, &p, 1));
    p.values = value(a, "bigint", "-4");
    p.op = PQ_PRED_LT;
    ASSERT_TRUE(!delta_stats_may_match(&st, &p, 1));
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Against the test data
 * ------------------------------------------------------------------------------------------- */

/* A whole file in the arena, NUL-terminated; NULL when it cannot be read. */
static char *slurp(bk_arena *a, const char *path, size_t *len) {
    uint8_t *data;
    bk_error err;
    bk_error_clear(&err);
    return store_read_file(a, path, &data, len, &err) == BK_OK ? (char *)data : NULL;
}

/* Calls fn(ctx, action) for each line's add/remove, with the table's latest metaData. */
typedef struct log_walk {
    bk_arena *a;
    delta_schema schema;
    bool has_schema, by_physical;
    void (*fn)(struct log_walk *w, const char *path, json_t *file_action);
    int stats, failed, bounds_checked;
    char first_failure[700];
} log_walk;

static void scan_log_file(log_walk *w, const char *path) {
    size_t len;
    char *text = slurp(w->a, path, &len);
    if (!text) return;
    for (char *line = text; line < text + len;) {
        char *nl = memchr(line, '\n', (size_t)(text + len - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(text + len - line);
        json_t *obj = json_loadb(line, n, 0, NULL);
        json_t *meta = json_object_get(obj, "metaData");
        const char *schema = json_string_value(json_object_get(meta, "schemaString"));
        if (schema) {
            bk_error err;
            w->has_schema =
                delta_schema_parse(w->a, schema, strlen(schema), &w->schema, &err) == BK_OK;
            const char *mode = json_string_value(json_object_get(
                json_object_get(meta, "configuration"), "delta.columnMapping.mode"));
            w->by_physical = mode && strcmp(mode, "none") != 0;
        }
        if (w->has_schema) {
            if (json_object_get(obj, "add")) w->fn(w, path, json_object_get(obj, "add"));
            if (json_object_get(obj, "remove")) w->fn(w, path, json_object_get(obj, "remove"));
        }
        json_decref(obj);
        line += n + 1;
    }
}

static int cmp_names(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void walk_tables(const char *dir, int depth, log_walk *w) {
    if (depth > 12) return;
    DIR *d = opendir(dir);
    if (!d) return;
    bool in_log = strlen(dir) >= 10 && strcmp(dir + strlen(dir) - 10, "_delta_log") == 0;
    const char *files[4096];
    size_t n_files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len = strlen(e->d_name);
        if (in_log && len == 25 && strcmp(e->d_name + 20, ".json") == 0) {
            if (n_files < BK_ARRAY_LEN(files)) files[n_files++] = bk_arena_strdup(w->a, path);
        } else if (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) {
            walk_tables(path, depth + 1, w);
        }
    }
    closedir(d);
    qsort(files, n_files, sizeof *files, cmp_names);
    w->has_schema = false;
    for (size_t i = 0; i < n_files; i++) scan_log_file(w, files[i]);
}

static void check_stats(log_walk *w, const char *path, json_t *action) {
    const char *stats = json_string_value(json_object_get(action, "stats"));
    if (!stats) return;
    json_t *valid = json_loads(stats, 0, NULL);
    if (!valid) return; /* only valid JSON must parse */
    json_decref(valid);
    w->stats++;
    delta_file_stats st;
    bk_error err;
    bk_error_clear(&err);
    if (delta_stats_parse(w->a, &w->schema, w->by_physical, stats, "f", &st, &err) != BK_OK &&
        !w->failed++)
        snprintf(w->first_failure, sizeof w->first_failure, "%s: %s", path, err.msg);
}

BK_TEST(delta_stats_every_testdata_stats) {
    const char *data = bk_test_data_dir();
    if (!data) {
        bk_test_fail(__FILE__, __LINE__, "../shared/testdata is missing");
        return;
    }
    static const char *const suites[] = {"delta-golden", "delta-rs", "krs-data", "delta-spark",
                                         "delta-kernel-java"};
    log_walk w = {.a = bk_arena_new(NULL, "t", 0), .fn = check_stats};
    for (size_t i = 0; i < BK_ARRAY_LEN(suites); i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", data, suites[i]);
        walk_tables(dir, 0, &w);
    }
    if (w.failed) {
        bk_test_fail(__FILE__, __LINE__, "%d failures; first: %s", w.failed, w.first_failure);
        return;
    }
    if (getenv("BK_TEST_VERBOSE")) printf("stats strings parsed: %d\n", w.stats);
    ASSERT_TRUE(w.stats > 500);
    bk_arena_free(w.a);
}

/*
 * Read every column of a data file, in the order of the schema's physical names.
 * The vectors' types belong to the reader: the caller closes *rp when done.
 */
static bool read_file(bk_arena *a, const char *path, const delta_schema *s, bk_vector **cols,
                      size_t *n_rows, pq_reader **rp) {
    pq_reader *r;
    bk_error err;
    if (pq_reader_open(path, NULL, &r, &err) != BK_OK) return false;
    const bk_type *fs = pq_reader_schema(r);
    uint32_t idx[64];
    bool ok = s->n_fields <= 64 && pq_reader_num_row_groups(r) == 1;
    for (uint32_t i = 0; ok && i < s->n_fields; i++) {
        ok = false;
        for (uint32_t k = 0; k < fs->n_children; k++)
            if (strcmp(fs->field_names[k], s->fields[i].physical_name) == 0) idx[i] = k, ok = true;
    }
    if (ok) ok = pq_reader_read_row_group(r, a, 0, idx, s->n_fields, cols, &err) == BK_OK;
    *n_rows = ok ? cols[0]->n : 0;
    *rp = r;
    return ok;
}

/* The stats string of the add action for `file` in a commit. */
static const char *add_stats(bk_arena *a, const char *commit, const char *file, json_t **meta) {
    size_t len;
    char *text = slurp(a, commit, &len);
    const char *out = NULL;
    for (char *line = text; text && line < text + len;) {
        char *nl = memchr(line, '\n', (size_t)(text + len - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(text + len - line);
        json_t *obj = json_loadb(line, n, 0, NULL);
        json_t *add = json_object_get(obj, "add");
        if (meta && json_object_get(obj, "metaData"))
            *meta = json_incref(json_object_get(obj, "metaData"));
        const char *path = json_string_value(json_object_get(add, "path"));
        if (path && strcmp(path, file) == 0)
            out = bk_arena_strdup(a, json_string_value(json_object_get(add, "stats")));
        json_decref(obj);
        line += n + 1;
    }
    return out;
}

/* Spark 3.5.8 / Delta 3.3.2 wrote these stats for this file: we write the same bytes. */
BK_TEST(delta_stats_write_matches_spark) {
    const char *data = bk_test_data_dir();
    if (!data) {
        bk_test_fail(__FILE__, __LINE__, "../shared/testdata is missing");
        return;
    }
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const char *root = bk_arena_printf(a, "%s/krs-data/stats-writing-all-types/delta", data);
    const char *file = "part-00000-374afe34-4ff6-46e8-a860-1948aadc744f-c000.snappy.parquet";
    json_t *meta = NULL;
    add_stats(a, bk_arena_printf(a, "%s/_delta_log/00000000000000000000.json", root), "", &meta);
    const char *want = add_stats(
        a, bk_arena_printf(a, "%s/_delta_log/00000000000000000001.json", root), file, NULL);
    ASSERT_TRUE(meta != NULL && want != NULL);
    delta_schema s;
    ASSERT_TRUE(schema_of(a, json_string_value(json_object_get(meta, "schemaString")), &s));
    json_decref(meta);
    bk_vector *cols[64];
    size_t n_rows;
    pq_reader *r = NULL;
    bool ok = read_file(a, bk_arena_printf(a, "%s/%s", root, file), &s, cols, &n_rows, &r);
    const char *got = ok ? write_stats(a, &s, true, cols, n_rows, 32) : NULL;
    pq_reader_close(r);
    ASSERT_TRUE(ok);
    ASSERT_EQ(n_rows, 4);
    ASSERT_STR_EQ(got, want);
    bk_arena_free(a);
}

/* Spark cut these timestamps to milliseconds; the widened bounds hold the data. */
BK_TEST(delta_stats_truncated_timestamps_bound_the_data) {
    const char *data = bk_test_data_dir();
    if (!data) {
        bk_test_fail(__FILE__, __LINE__, "../shared/testdata is missing");
        return;
    }
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const char *root = bk_arena_printf(a, "%s/krs-data/timestamp-truncation-stats", data);
    json_t *meta = NULL;
    add_stats(a, bk_arena_printf(a, "%s/_delta_log/00000000000000000000.json", root), "", &meta);
    ASSERT_TRUE(meta != NULL);
    delta_schema s;
    ASSERT_TRUE(schema_of(a, json_string_value(json_object_get(meta, "schemaString")), &s));
    json_decref(meta);
    int checked = 0;
    for (int version = 0; version <= 2; version++) {
        const char *commit = bk_arena_printf(a, "%s/_delta_log/%020d.json", root, version);
        size_t len;
        char *text = slurp(a, commit, &len);
        ASSERT_TRUE(text != NULL);
        json_t *obj = NULL;
        for (char *line = text; line < text + len;) {
            char *nl = memchr(line, '\n', (size_t)(text + len - line));
            size_t n = nl ? (size_t)(nl - line) : (size_t)(text + len - line);
            obj = json_loadb(line, n, 0, NULL);
            json_t *add = json_object_get(obj, "add");
            line += n + 1;
            if (!add) {
                json_decref(obj);
                continue;
            }
            const char *path = json_string_value(json_object_get(add, "path"));
            const char *stats = json_string_value(json_object_get(add, "stats"));
            delta_file_stats st;
            bk_error err;
            bk_vector *cols[8];
            size_t n_rows;
            pq_reader *r = NULL;
            bool ok = delta_stats_parse(a, &s, false, stats, path, &st, &err) == BK_OK &&
                      read_file(a, bk_arena_printf(a, "%s/%s", root, path), &s, cols, &n_rows, &r);
            json_decref(obj);
            if (!ok) pq_reader_close(r);
            ASSERT_TRUE(ok);
            for (uint32_t c = 0; c < s.n_fields; c++) {
                if (s.fields[c].type->kind != BK_TYPE_TIMESTAMP) continue;
                int64_t lo = i64_at(st.min[c]), hi = i64_at(st.max[c]);
                for (size_t row = 0; row < n_rows; row++) {
                    int64_t v = ((int64_t *)cols[c]->data)[row];
                    ASSERT_TRUE(lo <= v && v <= hi);
                    /* and every row's own equality predicate keeps the file */
                    pq_predicate p = {c, PQ_PRED_EQ, NULL, NULL};
                    bk_vector *lit = bk_vector_make(a, s.fields[c].type, 1);
                    ((int64_t *)lit->data)[0] = v;
                    p.values = lit;
                    ASSERT_TRUE(delta_stats_may_match(&st, &p, 1));
                    checked++;
                }
            }
            pq_reader_close(r);
        }
    }
    ASSERT_EQ(checked, 6);
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Soundness: statistics never skip a row that is there
 * ------------------------------------------------------------------------------------------- */

static int hex_digit(char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Percent-decode a log path in place (the result is never longer). */
static void uri_decode(char *s) {
    char *out = s;
    for (; *s; s++) {
        int hi = s[0] == '%' ? hex_digit(s[1]) : -1, lo = hi >= 0 ? hex_digit(s[2]) : -1;
        if (lo >= 0) {
            *out++ = (char)(hi * 16 + lo);
            s += 2;
        } else {
            *out++ = *s;
        }
    }
    *out = '\0';
}

typedef struct sound {
    const char *root; /* the table folder of the log being walked */
    long rows, files;
} sound;

static sound g_sound;

/*
 * For every row of the file and every top-level column the file stores with the
 * table's type: `col = value` (or IS NULL) must not be skipped by the file's stats.
 */
static void check_soundness(log_walk *w, const char *log_path, json_t *add) {
    const char *stats = json_string_value(json_object_get(add, "stats"));
    const char *rel = json_string_value(json_object_get(add, "path"));
    json_t *dv = json_object_get(add, "deletionVector");
    if (!stats || !rel || (dv && !json_is_null(dv)) || strstr(rel, "://") || rel[0] == '/') return;
    (void)log_path;
    delta_file_stats st;
    bk_error err;
    if (delta_stats_parse(w->a, &w->schema, w->by_physical, stats, rel, &st, &err) != BK_OK) return;
    char *path = bk_arena_printf(w->a, "%s/%s", g_sound.root, rel);
    uri_decode(path);
    pq_reader *r;
    if (pq_reader_open(path, NULL, &r, &err) != BK_OK) return;
    const bk_type *fs = pq_reader_schema(r);
    g_sound.files++;
    for (uint32_t c = 0; c < w->schema.n_fields; c++) {
        const delta_field *f = &w->schema.fields[c];
        if (bk_type_is_nested(f->type)) continue;
        uint32_t idx = UINT32_MAX;
        for (uint32_t k = 0; k < fs->n_children; k++)
            if (strcmp(fs->field_names[k], w->by_physical ? f->physical_name : f->name) == 0)
                idx = k;
        if (idx == UINT32_MAX || !bk_type_equal(fs->children[idx], f->type)) continue;
        for (uint32_t rg = 0; rg < pq_reader_num_row_groups(r); rg++) {
            bk_vector *v;
            if (pq_reader_read_row_group(r, w->a, rg, &idx, 1, &v, &err) != BK_OK) break;
            for (size_t row = 0; row < v->n; row++) {
                uint32_t one = (uint32_t)row;
                bk_vector *lit = bk_vector_take(w->a, v, &one, 1);
                bool valid = bk_vector_is_valid(v, row);
                pq_predicate p = {c, valid ? PQ_PRED_EQ : PQ_PRED_IS_NULL, lit, NULL};
                g_sound.rows++;
                if (!delta_stats_may_match(&st, &p, 1) && !w->failed++)
                    snprintf(w->first_failure, sizeof w->first_failure,
                             "%s: column %s row %zu skipped; stats %.300s", path, f->name, row,
                             stats);
                p.op = valid ? PQ_PRED_IS_NOT_NULL : PQ_PRED_IS_NULL;
                if (!delta_stats_may_match(&st, &p, 1) && !w->failed++)
                    snprintf(w->first_failure, sizeof w->first_failure,
                             "%s: column %s row %zu: null test skipped", path, f->name, row);
            }
        }
    }
    pq_reader_close(r);
}

/* walk_tables, remembering each table's folder. */
static void walk_sound(const char *dir, int depth, log_walk *w) {
    if (depth > 12) return;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (strcmp(e->d_name, "_delta_log") == 0) {
            g_sound.root = dir;
            walk_tables(path, 0, w);
        } else {
            walk_sound(path, depth + 1, w);
        }
    }
    closedir(d);
}

BK_TEST(delta_stats_never_skip_rows_of_testdata) {
    const char *data = bk_test_data_dir();
    if (!data) {
        bk_test_fail(__FILE__, __LINE__, "../shared/testdata is missing");
        return;
    }
    static const char *const suites[] = {"delta-golden", "delta-rs", "krs-data", "delta-spark",
                                         "delta-kernel-java"};
    log_walk w = {.a = bk_arena_new(NULL, "t", 0), .fn = check_soundness};
    memset(&g_sound, 0, sizeof g_sound);
    for (size_t i = 0; i < BK_ARRAY_LEN(suites); i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", data, suites[i]);
        walk_sound(dir, 0, &w);
        bk_arena_reset(w.a);
    }
    if (getenv("BK_TEST_VERBOSE"))
        printf("soundness: %ld files, %ld rows\n", g_sound.files, g_sound.rows);
    if (w.failed) {
        bk_test_fail(__FILE__, __LINE__, "%d failures; first: %s", w.failed, w.first_failure);
        return;
    }
    ASSERT_TRUE(g_sound.files > 100);
    bk_arena_free(w.a);
}
