/*
 * test_delta_partition.c — partition values (src/delta/partition.c): the log's
 * strings into typed vectors and back, Hive directory escaping, and the shared
 * timestamp and decimal text forms.  Every partition value in the Delta test
 * data must read as its column's type.
 */
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "delta/partition.h"
#include "delta/schema.h"
#include "store/store.h"
#include "test.h"

/* ---------------------------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------------------------- */

static const bk_type *type_of(bk_arena *a, const char *ddl) {
    char why[128];
    return bk_type_parse(a, ddl, strlen(ddl), why, sizeof why);
}

/* Set row 0 of a fresh 1-row vector of `ddl` from `value`. */
static bk_status set1(bk_arena *a, const char *ddl, const char *value, bk_vector **out,
                      bk_error *err) {
    bk_error_clear(err);
    *out = bk_vector_make(a, type_of(a, ddl), 1);
    return delta_partition_value_set(a, *out, 0, value, "p", err);
}

/* The log string of row 0 of v ("<null>" for NULL). */
static const char *format1(bk_arena *a, const bk_vector *v) {
    bk_buf b;
    bk_buf_init(&b);
    bool is_null;
    const char *out = NULL;
    if (delta_partition_value_format(v, 0, &b, &is_null) == BK_OK)
        out = is_null ? "<null>" : bk_arena_strndup(a, (const char *)b.data, b.len);
    bk_buf_destroy(&b);
    return out;
}

static const char *escape(bk_arena *a, const char *value) {
    bk_buf b;
    bk_buf_init(&b);
    const char *out = NULL;
    if (delta_partition_escape(value, &b) == BK_OK)
        out = bk_arena_strndup(a, (const char *)b.data, b.len);
    bk_buf_destroy(&b);
    return out;
}

static int64_t ts(int64_t y, int mo, int d, int h, int mi, int s, int64_t us) {
    return bk_days_from_civil(y, mo, d) * BK_MICROS_PER_DAY +
           ((h * 60 + mi) * 60 + s) * BK_MICROS_PER_SECOND + us;
}

/* ---------------------------------------------------------------------------------------------
 * Reading values
 * ------------------------------------------------------------------------------------------- */

BK_TEST(delta_partition_integers_and_booleans) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_vector *v;
    ASSERT_OK(set1(a, "int", "42", &v, &err), &err);
    ASSERT_EQ(((int32_t *)v->data)[0], 42);
    ASSERT_OK(set1(a, "int", " -7 ", &v, &err), &err);
    ASSERT_EQ(((int32_t *)v->data)[0], -7);
    ASSERT_OK(set1(a, "tinyint", "-128", &v, &err), &err);
    ASSERT_EQ(((int8_t *)v->data)[0], -128);
    ASSERT_OK(set1(a, "smallint", "+32767", &v, &err), &err);
    ASSERT_EQ(((int16_t *)v->data)[0], 32767);
    ASSERT_OK(set1(a, "bigint", "-9223372036854775808", &v, &err), &err);
    ASSERT_EQ(((int64_t *)v->data)[0], INT64_MIN);
    ASSERT_FAILS(set1(a, "tinyint", "128", &v, &err), BK_CORRUPT);
    ASSERT_FAILS(set1(a, "int", "2021.0", &v, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "partition column \"p\": value \"2021.0\" is not a valid INT");
    ASSERT_FAILS(set1(a, "bigint", "12x", &v, &err), BK_CORRUPT);

    ASSERT_OK(set1(a, "boolean", "true", &v, &err), &err);
    ASSERT_EQ(((uint8_t *)v->data)[0], 1);
    ASSERT_OK(set1(a, "boolean", "FALSE", &v, &err), &err);
    ASSERT_EQ(((uint8_t *)v->data)[0], 0);
    ASSERT_OK(set1(a, "boolean", "1", &v, &err), &err);
    ASSERT_EQ(((uint8_t *)v->data)[0], 1);
    ASSERT_FAILS(set1(a, "boolean", "maybe", &v, &err), BK_CORRUPT);
    bk_arena_free(a);
}

BK_TEST(delta_partition_nulls) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_vector *v;
    /* JSON null and "" are NULL for every type, strings included */
    static const char *const types[] = {"int",       "string", "binary",        "date",
                                        "timestamp", "double", "decimal(10,2)", "boolean"};
    for (size_t i = 0; i < BK_ARRAY_LEN(types); i++) {
        ASSERT_OK(set1(a, types[i], NULL, &v, &err), &err);
        ASSERT_TRUE(!bk_vector_is_valid(v, 0));
        ASSERT_OK(set1(a, types[i], "", &v, &err), &err);
        ASSERT_TRUE(!bk_vector_is_valid(v, 0));
        ASSERT_STR_EQ(format1(a, v), "<null>");
    }
    /* a row set NULL then set again becomes valid; other rows keep their state */
    v = bk_vector_make(a, type_of(a, "string"), 3);
    ASSERT_OK(delta_partition_value_set(a, v, 1, NULL, "p", &err), &err);
    ASSERT_OK(delta_partition_value_set(a, v, 2, "x", "p", &err), &err);
    ASSERT_TRUE(bk_vector_is_valid(v, 0) && !bk_vector_is_valid(v, 1) && bk_vector_is_valid(v, 2));
    ASSERT_OK(delta_partition_value_set(a, v, 1, "y", "p", &err), &err);
    ASSERT_TRUE(bk_vector_is_valid(v, 1));
    ASSERT_EQ(((bk_str *)v->data)[1].len, 1);
    /* VOID is always NULL */
    v = bk_vector_make(a, bk_type_scalar(BK_TYPE_VOID), 1);
    ASSERT_OK(delta_partition_value_set(a, v, 0, "anything", "p", &err), &err);
    ASSERT_TRUE(!bk_vector_is_valid(v, 0));
    ASSERT_FAILS(delta_partition_value_set(a, v, 1, "x", "p", &err), BK_INTERNAL);
    /* nested types cannot be partition columns */
    ASSERT_FAILS(set1(a, "array<int>", "[1]", &v, &err), BK_UNSUPPORTED);
    ASSERT_CONTAINS(err.msg, "cannot be a partition column");
    bk_arena_free(a);
}

BK_TEST(delta_partition_strings_binary_floats) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_vector *v;
    char value[16] = " a b:c ";
    ASSERT_OK(set1(a, "string", value, &v, &err), &err);
    value[1] = 'X'; /* the vector holds a copy */
    bk_str s = ((bk_str *)v->data)[0];
    ASSERT_EQ(s.len, 7);
    ASSERT_TRUE(memcmp(s.ptr, " a b:c ", 7) == 0);
    ASSERT_OK(set1(a, "binary", "\x01\x02\xc3\xa9", &v, &err), &err);
    s = ((bk_str *)v->data)[0];
    ASSERT_EQ(s.len, 4);
    ASSERT_TRUE(memcmp(s.ptr, "\x01\x02\xc3\xa9", 4) == 0);
    ASSERT_STR_EQ(format1(a, v), "\x01\x02\xc3\xa9");

    ASSERT_OK(set1(a, "double", "9.9", &v, &err), &err);
    ASSERT_DBL_EQ(((double *)v->data)[0], 9.9);
    ASSERT_OK(set1(a, "double", "NaN", &v, &err), &err);
    ASSERT_TRUE(isnan(((double *)v->data)[0]));
    ASSERT_STR_EQ(format1(a, v), "NaN");
    ASSERT_OK(set1(a, "double", "-Infinity", &v, &err), &err);
    ASSERT_TRUE(isinf(((double *)v->data)[0]) && ((double *)v->data)[0] < 0);
    ASSERT_STR_EQ(format1(a, v), "-Infinity");
    ASSERT_OK(set1(a, "float", "1.5", &v, &err), &err);
    ASSERT_DBL_EQ(((float *)v->data)[0], 1.5);
    ASSERT_OK(set1(a, "double", "1e10", &v, &err), &err);
    ASSERT_STR_EQ(format1(a, v), "1.0E10");
    ASSERT_FAILS(set1(a, "double", "one", &v, &err), BK_CORRUPT);
    bk_arena_free(a);
}

BK_TEST(delta_partition_decimals) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_vector *v;
    ASSERT_OK(set1(a, "decimal(5,2)", "123.45", &v, &err), &err);
    ASSERT_EQ(((int64_t *)v->data)[0], 12345);
    ASSERT_STR_EQ(format1(a, v), "123.45");
    ASSERT_OK(set1(a, "decimal(5,2)", "-1.005", &v, &err), &err); /* half up, away from 0 */
    ASSERT_EQ(((int64_t *)v->data)[0], -101);
    ASSERT_OK(set1(a, "decimal(5,2)", "7", &v, &err), &err);
    ASSERT_EQ(((int64_t *)v->data)[0], 700);
    ASSERT_STR_EQ(format1(a, v), "7.00");
    ASSERT_FAILS(set1(a, "decimal(5,2)", "1234.5", &v, &err), BK_CORRUPT);
    ASSERT_FAILS(set1(a, "decimal(5,2)", "999.999", &v, &err), BK_CORRUPT); /* rounds to 1000 */
    ASSERT_OK(set1(a, "decimal(38,10)", "-1234567890123456789012345678.0123456789", &v, &err),
              &err);
    ASSERT_STR_EQ(format1(a, v), "-1234567890123456789012345678.0123456789");
    ASSERT_OK(set1(a, "decimal(20,0)", "1E+19", &v, &err), &err);
    ASSERT_STR_EQ(format1(a, v), "10000000000000000000");
    bk_arena_free(a);
}

BK_TEST(delta_partition_decimal_text) {
    bk_i128 w;
    ASSERT_TRUE(delta_decimal_parse("0.05", 4, 3, 2, DELTA_ROUND_HALF_UP, &w));
    ASSERT_EQ(w.lo, 5);
    ASSERT_EQ(w.hi, 0);
    ASSERT_TRUE(delta_decimal_parse(".5", 2, 3, 1, DELTA_ROUND_HALF_UP, &w));
    ASSERT_EQ(w.lo, 5);
    ASSERT_TRUE(delta_decimal_parse("2.5e-1", 6, 3, 2, DELTA_ROUND_HALF_UP, &w));
    ASSERT_EQ(w.lo, 25);
    ASSERT_TRUE(delta_decimal_parse("1.21", 4, 3, 1, DELTA_ROUND_FLOOR, &w));
    ASSERT_EQ(w.lo, 12);
    ASSERT_TRUE(delta_decimal_parse("1.21", 4, 3, 1, DELTA_ROUND_CEIL, &w));
    ASSERT_EQ(w.lo, 13);
    ASSERT_TRUE(delta_decimal_parse("-1.21", 5, 3, 1, DELTA_ROUND_FLOOR, &w));
    ASSERT_EQ((int64_t)w.lo, -13);
    ASSERT_EQ(w.hi, -1);
    ASSERT_TRUE(delta_decimal_parse("-1.21", 5, 3, 1, DELTA_ROUND_CEIL, &w));
    ASSERT_EQ((int64_t)w.lo, -12);
    ASSERT_TRUE(delta_decimal_parse("0E+999", 6, 3, 1, DELTA_ROUND_CEIL, &w));
    ASSERT_EQ(w.lo, 0);
    /* 38 nines fit DECIMAL(38,0), 39 digits do not */
    const char *nines = "99999999999999999999999999999999999999";
    ASSERT_TRUE(delta_decimal_parse(nines, 38, 38, 0, DELTA_ROUND_HALF_UP, &w));
    ASSERT_EQ(w.hi, 0x4B3B4CA85A86C47A);
    ASSERT_EQ(w.lo, 0x098A223FFFFFFFFF);
    ASSERT_TRUE(!delta_decimal_parse("999999999999999999999999999999999999999", 39, 38, 0,
                                     DELTA_ROUND_HALF_UP, &w));
    static const char *const bad[] = {"", "-", ".", "1.2.3", "1e", "e5", "0x10", "1 2", "--1"};
    for (size_t i = 0; i < BK_ARRAY_LEN(bad); i++)
        ASSERT_TRUE(!delta_decimal_parse(bad[i], strlen(bad[i]), 10, 2, DELTA_ROUND_HALF_UP, &w));
}

BK_TEST(delta_partition_dates_and_timestamps) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_vector *v;
    ASSERT_OK(set1(a, "date", "2021-01-01", &v, &err), &err);
    ASSERT_EQ(((int32_t *)v->data)[0], 18628);
    ASSERT_STR_EQ(format1(a, v), "2021-01-01");
    ASSERT_OK(set1(a, "date", "2021-01-01 10:00:00", &v, &err), &err);
    ASSERT_EQ(((int32_t *)v->data)[0], 18628);
    ASSERT_FAILS(set1(a, "date", "2021-02-30", &v, &err), BK_CORRUPT);

    static const struct {
        const char *text;
        int64_t micros;
    } cases[] = {
        {"2021-01-01 10:00:00", 0},           {"2021-01-01 10:00:00.123456", 123456},
        {"2021-01-01T10:00:00.000000Z", 0},   {"2021-01-01T10:00:00.5Z", 500000},
        {"2021-01-01T12:00:00+02:00", 0},     {"2021-01-01T12:30:00+0230", 0},
        {"2021-01-01T05:00:00-05", 0},        {"2021-01-01 10:00:00 UTC", 0},
        {"2021-01-01 11:00:00 GMT+01:00", 0}, {"2021-01-01 10:00", 0},
    };
    int64_t ten = ts(2021, 1, 1, 10, 0, 0, 0);
    for (size_t i = 0; i < BK_ARRAY_LEN(cases); i++) {
        ASSERT_OK(set1(a, "timestamp", cases[i].text, &v, &err), &err);
        if (((int64_t *)v->data)[0] != ten + cases[i].micros)
            bk_test_fail(__FILE__, __LINE__, "case %s", cases[i].text);
        ASSERT_EQ(((int64_t *)v->data)[0], ten + cases[i].micros);
    }
    ASSERT_OK(set1(a, "timestamp", "2021-01-01 10:00:00.123456", &v, &err), &err);
    ASSERT_STR_EQ(format1(a, v), "2021-01-01T10:00:00.123456Z");
    ASSERT_OK(set1(a, "timestamp", "1969-12-31T23:59:59.999999Z", &v, &err), &err);
    ASSERT_EQ(((int64_t *)v->data)[0], -1);
    ASSERT_STR_EQ(format1(a, v), "1969-12-31T23:59:59.999999Z");
    ASSERT_FAILS(set1(a, "timestamp", "2021-01-01T10:00:00+25:00", &v, &err), BK_CORRUPT);
    ASSERT_FAILS(set1(a, "timestamp", "2021-01-01T10:00:00 Europe/Paris", &v, &err), BK_CORRUPT);
    ASSERT_FAILS(set1(a, "timestamp", "yesterday", &v, &err), BK_CORRUPT);

    /* TIMESTAMP_NTZ: Spark's text; a zone is ignored */
    ASSERT_OK(set1(a, "timestamp_ntz", "2013-07-05 17:01:00.123456", &v, &err), &err);
    ASSERT_EQ(((int64_t *)v->data)[0], ts(2013, 7, 5, 17, 1, 0, 123456));
    ASSERT_STR_EQ(format1(a, v), "2013-07-05 17:01:00.123456");
    ASSERT_OK(set1(a, "timestamp_ntz", "2013-07-05T17:01:00+05:00", &v, &err), &err);
    ASSERT_EQ(((int64_t *)v->data)[0], ts(2013, 7, 5, 17, 1, 0, 0));
    ASSERT_STR_EQ(format1(a, v), "2013-07-05 17:01:00");
    bk_arena_free(a);
}

BK_TEST(delta_partition_timestamp_format) {
    char text[DELTA_TIMESTAMP_TEXT_MAX];
    delta_timestamp_format(ts(2023, 6, 15, 12, 30, 0, 123456), 3, true, text, sizeof text);
    ASSERT_STR_EQ(text, "2023-06-15T12:30:00.123Z");
    delta_timestamp_format(ts(2023, 6, 15, 12, 30, 0, 123456), 6, false, text, sizeof text);
    ASSERT_STR_EQ(text, "2023-06-15T12:30:00.123456");
    delta_timestamp_format(-1, 3, true, text, sizeof text); /* ms floor, not toward zero */
    ASSERT_STR_EQ(text, "1969-12-31T23:59:59.999Z");
    int64_t back;
    ASSERT_TRUE(delta_timestamp_parse(text, strlen(text), false, &back));
    ASSERT_EQ(back, -1000);
}

/* A value written and read back is the same value. */
BK_TEST(delta_partition_round_trip) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    static const struct {
        const char *type, *value;
    } cases[] = {
        {"int", "-5"},
        {"bigint", "9223372036854775807"},
        {"double", "0.1"},
        {"float", "3.4028235E38"},
        {"decimal(38,18)", "12345678901234567890.123456789012345678"},
        {"boolean", "false"},
        {"date", "0001-01-01"},
        {"timestamp", "2024-02-29T23:59:59.999999Z"},
        {"timestamp_ntz", "2024-02-29 23:59:59.5"},
        {"string", "a=b/c%d"},
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(cases); i++) {
        bk_vector *v, *w;
        ASSERT_OK(set1(a, cases[i].type, cases[i].value, &v, &err), &err);
        const char *text = format1(a, v);
        ASSERT_STR_EQ(text, cases[i].value);
        ASSERT_OK(set1(a, cases[i].type, text, &w, &err), &err);
        ASSERT_EQ(memcmp(v->data, w->data, bk_type_width(v->type)) == 0 ||
                      v->type->kind == BK_TYPE_STRING,
                  1);
    }
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Directory names
 * ------------------------------------------------------------------------------------------- */

BK_TEST(delta_partition_escape_like_spark) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(escape(a, NULL), "__HIVE_DEFAULT_PARTITION__");
    ASSERT_STR_EQ(escape(a, ""), "__HIVE_DEFAULT_PARTITION__");
    ASSERT_STR_EQ(escape(a, "a b:c"), "a b%3Ac");
    ASSERT_STR_EQ(escape(a, "2024-01-01 10:00:00"), "2024-01-01 10%3A00%3A00");
    ASSERT_STR_EQ(escape(a, "/%20%f"), "%2F%2520%25f");
    ASSERT_STR_EQ(escape(a, "\"#%'*/:=?\\\x7f{[]^"),
                  "%22%23%25%27%2A%2F%3A%3D%3F%5C%7F%7B%5B%5D%5E");
    ASSERT_STR_EQ(escape(a, "\x01\t\n\x1f"), "%01%09%0A%1F");
    /* everything else stays, UTF-8 included (Spark escapes only ASCII) */
    ASSERT_STR_EQ(escape(a, "a+b,c;d<e>f|g}h~i`j!k@l$m&n(o)p\xc3\xa9"),
                  "a+b,c;d<e>f|g}h~i`j!k@l$m&n(o)p\xc3\xa9");
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Every partition value in the test data
 * ------------------------------------------------------------------------------------------- */

typedef struct corpus {
    bk_arena *a;
    delta_schema schema;
    bool has_schema, by_physical;
    int values, failed;
    char first_failure[600];
} corpus;

/* A whole file in the arena, NUL-terminated; NULL when it cannot be read. */
static char *slurp(bk_arena *a, const char *path, size_t *len) {
    uint8_t *data;
    bk_error err;
    bk_error_clear(&err);
    return store_read_file(a, path, &data, len, &err) == BK_OK ? (char *)data : NULL;
}

static void check_values(corpus *c, const char *path, json_t *values) {
    const char *key;
    json_t *value;
    json_object_foreach(values, key, value) {
        const delta_field *f = NULL;
        for (uint32_t i = 0; i < c->schema.n_fields && !f; i++) {
            const char *name =
                c->by_physical ? c->schema.fields[i].physical_name : c->schema.fields[i].name;
            if (strcmp(name, key) == 0) f = &c->schema.fields[i];
        }
        if (!f) f = delta_schema_find(&c->schema, key);
        if (!f) continue;
        bk_vector *v = bk_vector_make(c->a, f->type, 1);
        bk_error err;
        bk_error_clear(&err);
        c->values++;
        if (delta_partition_value_set(c->a, v, 0, json_string_value(value), f->name, &err) !=
                BK_OK &&
            !c->failed++)
            snprintf(c->first_failure, sizeof c->first_failure, "%s: %s", path, err.msg);
    }
}

static void scan_log_file(corpus *c, const char *path) {
    size_t len;
    char *text = slurp(c->a, path, &len);
    if (!text) return;
    for (char *line = text; line < text + len;) {
        char *nl = memchr(line, '\n', (size_t)(text + len - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(text + len - line);
        json_t *obj = json_loadb(line, n, 0, NULL);
        json_t *meta = json_object_get(obj, "metaData");
        const char *schema = json_string_value(json_object_get(meta, "schemaString"));
        if (schema) {
            bk_error err;
            c->has_schema =
                delta_schema_parse(c->a, schema, strlen(schema), &c->schema, &err) == BK_OK;
            const char *mode = json_string_value(json_object_get(
                json_object_get(meta, "configuration"), "delta.columnMapping.mode"));
            c->by_physical = mode && strcmp(mode, "none") != 0;
        }
        json_t *add = json_object_get(obj, "add");
        if (c->has_schema && json_is_object(json_object_get(add, "partitionValues")))
            check_values(c, path, json_object_get(add, "partitionValues"));
        json_decref(obj);
        line += n + 1;
    }
}

static int cmp_names(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Every table below `dir`: its commits in version order. */
static void walk_tables(const char *dir, int depth, corpus *c) {
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
            if (n_files < BK_ARRAY_LEN(files)) files[n_files++] = bk_arena_strdup(c->a, path);
        } else if (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) {
            walk_tables(path, depth + 1, c);
        }
    }
    closedir(d);
    qsort(files, n_files, sizeof *files, cmp_names);
    c->has_schema = false;
    for (size_t i = 0; i < n_files; i++) scan_log_file(c, files[i]);
}

BK_TEST(delta_partition_every_testdata_value) {
    const char *data = bk_test_data_dir();
    if (!data) {
        bk_test_fail(__FILE__, __LINE__, "../shared/testdata is missing");
        return;
    }
    static const char *const suites[] = {"delta-golden", "delta-rs", "krs-data", "delta-spark",
                                         "delta-kernel-java"};
    corpus c = {.a = bk_arena_new(NULL, "t", 0)};
    for (size_t i = 0; i < BK_ARRAY_LEN(suites); i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", data, suites[i]);
        walk_tables(dir, 0, &c);
    }
    if (c.failed) {
        bk_test_fail(__FILE__, __LINE__, "%d failures; first: %s", c.failed, c.first_failure);
        return;
    }
    ASSERT_TRUE(c.values > 300);
    bk_arena_free(c.a);
}
