/*
 * test_writer.c — unit tests for the Parquet writer (src/parquet/writer.c and
 * write_*.c).
 *
 * Files are written to a temporary directory and checked at the byte level by
 * decoding them with the metadata codec (meta.c): the footer's schema elements
 * (physical, logical and converted types, repetition, nesting), column chunk
 * metadata (num_values, encodings, statistics with the ordering rules of the
 * format), page headers (v1/v2, CRC), and the page index (OffsetIndex offsets,
 * ColumnIndex bounds, boundary order, truncation).  A few tests also read the
 * rows back through pq_reader and compare every value's text form.  Interop with
 * pyarrow and DuckDB is checked by tests/interop/writer_check.py.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/mem.h"
#include "parquet/codec.h"
#include "parquet/crc.h"
#include "parquet/meta.h"
#include "parquet/parquet.h"
#include "test.h"

/* ---- helpers ---- */

static bk_error *errp(bk_error *e) { return e; }

static const bk_type *ty(bk_arena *a, const char *ddl) {
    char why[200];
    return bk_type_parse(a, ddl, strlen(ddl), why, sizeof why);
}

static void set_null(bk_arena *a, bk_vector *v, size_t row) {
    if (bk_vector_ensure_validity(a, v) == BK_OK) bk_validity_set(v->validity, row, false);
}

static bk_str str_of(bk_arena *a, const char *s) {
    size_t n = strlen(s);
    return (bk_str){bk_arena_memdup(a, s, n ? n : 1), n};
}

static const char *tmp_path(const char *name) {
    static char path[600];
    const char *dir = bk_test_tmpdir();
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "/tmp", name);
    return path;
}

static bool file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* A written file, its bytes, and its decoded footer (all in `a`). */
typedef struct pfile {
    uint8_t *data;
    size_t len;
    pq_file_meta m;
} pfile;

static bk_status load(bk_arena *a, const char *path, pfile *f, bk_error *err) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return bk_error_set(err, BK_IO, "cannot open %s", path);
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    f->data = bk_arena_alloc(a, (size_t)size + 1);
    f->len = (size_t)size;
    size_t got = f->data ? fread(f->data, 1, f->len, fp) : 0;
    fclose(fp);
    if (got != f->len) return bk_error_set(err, BK_IO, "short read");
    if (f->len < 12 || memcmp(f->data, "PAR1", 4) || memcmp(f->data + f->len - 4, "PAR1", 4))
        return bk_error_set(err, BK_CORRUPT, "no PAR1 magic");
    const uint8_t *p = f->data + f->len - 8;
    uint32_t n = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    if (n > f->len - 12) return bk_error_set(err, BK_CORRUPT, "bad footer length");
    return pq_meta_decode_file(a, f->data + f->len - 8 - n, n, &f->m, err);
}

static bk_status write_all(const char *path, const bk_type *schema, const pq_writer_opts *o,
                           bk_vector **cols, size_t n, bk_error *err) {
    pq_writer *w;
    BK_TRY(pq_writer_open(path, schema, o, &w, err));
    bk_status st = pq_writer_write(w, cols, n, err);
    if (st != BK_OK) {
        pq_writer_abort(w);
        return st;
    }
    return pq_writer_close(w, err);
}

static const pq_schema_element *element(const pfile *f, const char *name) {
    for (uint32_t k = 0; k < f->m.n_schema; k++)
        if (!strcmp(f->m.schema[k].name, name)) return &f->m.schema[k];
    return NULL;
}

static const pq_column_meta *chunk(const pfile *f, uint32_t rg, uint32_t col) {
    return &f->m.row_groups[rg].columns[col].meta;
}

static int32_t stat_i32(pq_bytes b) {
    int32_t v;
    memcpy(&v, b.ptr, 4);
    return v;
}

static int64_t stat_i64(pq_bytes b) {
    int64_t v;
    memcpy(&v, b.ptr, 8);
    return v;
}

static bool bytes_eq(pq_bytes b, const void *p, size_t n) {
    return b.len == n && (n == 0 || memcmp(b.ptr, p, n) == 0);
}

/*
 * Read every row group back with pq_reader and compare the text form of each
 * value with the source vectors (rows [0, n) of cols).
 */
static void check_roundtrip(const char *path, bk_vector **cols, size_t n_cols, size_t n) {
    bk_error err = {0};
    pq_reader *r;
    ASSERT_OK(pq_reader_open(path, NULL, &r, &err), &err);
    ASSERT_EQ(pq_reader_num_rows(r), n);
    uint32_t fields[64];
    for (uint32_t k = 0; k < n_cols; k++) fields[k] = k;
    size_t base = 0;
    bk_buf want, got;
    bk_buf_init(&want);
    bk_buf_init(&got);
    for (uint32_t g = 0; g < pq_reader_num_row_groups(r); g++) {
        bk_arena *a = bk_arena_new(NULL, "roundtrip", 0);
        bk_vector *out[64];
        ASSERT_OK(pq_reader_read_row_group(r, a, g, fields, (uint32_t)n_cols, out, &err), &err);
        size_t rows = out[0]->n;
        for (size_t k = 0; k < n_cols; k++) {
            for (size_t row = 0; row < rows; row++) {
                bk_buf_clear(&want);
                bk_buf_clear(&got);
                ASSERT_OK(bk_vector_format_value(cols[k], base + row, &want), errp(NULL));
                ASSERT_OK(bk_vector_format_value(out[k], row, &got), errp(NULL));
                ASSERT_OK(bk_buf_append_u8(&want, 0), errp(NULL));
                ASSERT_OK(bk_buf_append_u8(&got, 0), errp(NULL));
                if (strcmp((char *)want.data, (char *)got.data) != 0) {
                    bk_test_fail(__FILE__, __LINE__, "column %zu row %zu: wrote %s, read %s", k,
                                 base + row, (char *)want.data, (char *)got.data);
                    return;
                }
            }
        }
        base += rows;
        bk_arena_free(a);
    }
    ASSERT_EQ(base, n);
    bk_buf_destroy(&want);
    bk_buf_destroy(&got);
    pq_reader_close(r);
}

/* ---- schema mapping ---- */

BK_TEST(writer_schema_maps_every_type) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<b: BOOLEAN, t: TINYINT, s: SMALLINT, i: INT NOT NULL,"
                              " l: BIGINT, f: FLOAT, d: DOUBLE, d5: DECIMAL(5,2),"
                              " d18: DECIMAL(18,4), d19: DECIMAL(19,0), d38: DECIMAL(38,10),"
                              " str: STRING, bin: BINARY, dt: DATE, ts: TIMESTAMP,"
                              " ntz: TIMESTAMP_NTZ>");
    ASSERT_TRUE(st != NULL);
    bk_vector *cols[16];
    for (uint32_t k = 0; k < st->n_children; k++) cols[k] = bk_vector_make(a, st->children[k], 3);
    const char *path = tmp_path("types.parquet");
    static const pq_key_value kv[] = {{"spark.version", "4.0", 3}, {"novalue", NULL, 0}};
    pq_writer_opts o;
    pq_writer_opts_default(&o);
    o.key_value = kv;
    o.n_key_value = 2;
    ASSERT_OK(write_all(path, st, &o, cols, 3, &err), &err);

    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);
    ASSERT_EQ(f.m.version, 1);
    ASSERT_EQ(f.m.num_rows, 3);
    ASSERT_STR_EQ(f.m.created_by, "bricks version " BRICKS_VERSION);
    ASSERT_EQ(f.m.n_schema, 17);
    ASSERT_EQ(f.m.schema[0].num_children, 16);
    ASSERT_EQ(f.m.n_column_orders, 16);
    for (uint32_t k = 0; k < 16; k++) ASSERT_EQ(f.m.column_orders[k], PQ_ORDER_TYPE_DEFINED);
    ASSERT_EQ(f.m.n_key_value, 2);
    ASSERT_STR_EQ(f.m.key_value[0].key, "spark.version");
    ASSERT_EQ(f.m.key_value[0].value_len, 3);
    /* an absent value is written as "" (Spark cannot read absent values) */
    ASSERT_TRUE(f.m.key_value[1].value != NULL);
    ASSERT_EQ(f.m.key_value[1].value_len, 0);

    const pq_schema_element *e = element(&f, "b");
    ASSERT_EQ(e->type, PQ_BOOLEAN);
    ASSERT_EQ(e->repetition, PQ_OPTIONAL);
    ASSERT_EQ(e->logical.kind, PQ_LT_NONE);
    e = element(&f, "t");
    ASSERT_EQ(e->type, PQ_INT32);
    ASSERT_EQ(e->logical.kind, PQ_LT_INTEGER);
    ASSERT_EQ(e->logical.bit_width, 8);
    ASSERT_TRUE(e->logical.is_signed);
    ASSERT_EQ(e->converted, PQ_CT_INT_8);
    e = element(&f, "s");
    ASSERT_EQ(e->logical.bit_width, 16);
    ASSERT_EQ(e->converted, PQ_CT_INT_16);
    e = element(&f, "i");
    ASSERT_EQ(e->type, PQ_INT32);
    ASSERT_EQ(e->repetition, PQ_REQUIRED);
    ASSERT_EQ(e->converted, PQ_CT_NONE);
    ASSERT_EQ(element(&f, "l")->type, PQ_INT64);
    ASSERT_EQ(element(&f, "f")->type, PQ_FLOAT);
    ASSERT_EQ(element(&f, "d")->type, PQ_DOUBLE);
    e = element(&f, "d5");
    ASSERT_EQ(e->type, PQ_INT32);
    ASSERT_EQ(e->converted, PQ_CT_DECIMAL);
    ASSERT_EQ(e->logical.kind, PQ_LT_DECIMAL);
    ASSERT_EQ(e->logical.precision, 5);
    ASSERT_EQ(e->logical.scale, 2);
    ASSERT_EQ(e->precision, 5);
    ASSERT_EQ(e->scale, 2);
    ASSERT_EQ(element(&f, "d18")->type, PQ_INT64);
    e = element(&f, "d19");
    ASSERT_EQ(e->type, PQ_FIXED_LEN_BYTE_ARRAY);
    ASSERT_EQ(e->type_length, 9);
    e = element(&f, "d38");
    ASSERT_EQ(e->type, PQ_FIXED_LEN_BYTE_ARRAY);
    ASSERT_EQ(e->type_length, 16);
    ASSERT_EQ(e->precision, 38);
    ASSERT_EQ(e->scale, 10);
    e = element(&f, "str");
    ASSERT_EQ(e->type, PQ_BYTE_ARRAY);
    ASSERT_EQ(e->logical.kind, PQ_LT_STRING);
    ASSERT_EQ(e->converted, PQ_CT_UTF8);
    e = element(&f, "bin");
    ASSERT_EQ(e->type, PQ_BYTE_ARRAY);
    ASSERT_EQ(e->logical.kind, PQ_LT_NONE);
    ASSERT_EQ(e->converted, PQ_CT_NONE);
    e = element(&f, "dt");
    ASSERT_EQ(e->logical.kind, PQ_LT_DATE);
    ASSERT_EQ(e->converted, PQ_CT_DATE);
    e = element(&f, "ts");
    ASSERT_EQ(e->type, PQ_INT64);
    ASSERT_EQ(e->logical.kind, PQ_LT_TIMESTAMP);
    ASSERT_TRUE(e->logical.is_adjusted_to_utc);
    ASSERT_EQ(e->logical.unit, PQ_MICROS);
    ASSERT_EQ(e->converted, PQ_CT_TIMESTAMP_MICROS);
    e = element(&f, "ntz");
    ASSERT_EQ(e->logical.kind, PQ_LT_TIMESTAMP);
    ASSERT_TRUE(!e->logical.is_adjusted_to_utc);
    ASSERT_EQ(e->converted, PQ_CT_NONE);
    bk_arena_free(a);
}

BK_TEST(writer_schema_nested_layout) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<a: ARRAY<INT> NOT NULL, m: MAP<STRING, DOUBLE>,"
                              " s: STRUCT<x: INT NOT NULL, y: ARRAY<STRUCT<z: STRING>>>>");
    bk_vector *cols[3];
    for (uint32_t k = 0; k < 3; k++) cols[k] = bk_vector_make(a, st->children[k], 2);
    const char *path = tmp_path("nested_schema.parquet");
    ASSERT_OK(write_all(path, st, NULL, cols, 2, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);
    /* schema, a, list, element, m, key_value, key, value, s, x, y, list, element, z */
    ASSERT_EQ(f.m.n_schema, 14);
    const pq_schema_element *s = f.m.schema;
    ASSERT_STR_EQ(s[1].name, "a");
    ASSERT_EQ(s[1].repetition, PQ_REQUIRED);
    ASSERT_EQ(s[1].logical.kind, PQ_LT_LIST);
    ASSERT_EQ(s[1].converted, PQ_CT_LIST);
    ASSERT_EQ(s[1].num_children, 1);
    ASSERT_STR_EQ(s[2].name, "list");
    ASSERT_EQ(s[2].repetition, PQ_REPEATED);
    ASSERT_TRUE(!s[2].has_type);
    ASSERT_STR_EQ(s[3].name, "element");
    ASSERT_EQ(s[3].repetition, PQ_OPTIONAL);
    ASSERT_EQ(s[3].type, PQ_INT32);
    ASSERT_STR_EQ(s[4].name, "m");
    ASSERT_EQ(s[4].logical.kind, PQ_LT_MAP);
    ASSERT_EQ(s[4].converted, PQ_CT_MAP);
    ASSERT_STR_EQ(s[5].name, "key_value");
    ASSERT_EQ(s[5].repetition, PQ_REPEATED);
    ASSERT_EQ(s[5].num_children, 2);
    ASSERT_EQ(s[5].converted, PQ_CT_NONE);
    ASSERT_STR_EQ(s[6].name, "key");
    ASSERT_EQ(s[6].repetition, PQ_REQUIRED);
    ASSERT_STR_EQ(s[7].name, "value");
    ASSERT_EQ(s[7].repetition, PQ_OPTIONAL);
    ASSERT_STR_EQ(s[8].name, "s");
    ASSERT_EQ(s[8].num_children, 2);
    ASSERT_EQ(s[8].logical.kind, PQ_LT_NONE);
    ASSERT_EQ(s[9].repetition, PQ_REQUIRED);
    ASSERT_STR_EQ(s[13].name, "z");

    /* leaves and their paths: a.list.element, m.key_value.key, ...value, s.x, s.y.list.element.z */
    ASSERT_EQ(f.m.row_groups[0].n_columns, 5);
    const pq_column_meta *c = chunk(&f, 0, 4);
    ASSERT_EQ(c->n_path, 5);
    ASSERT_STR_EQ(c->path_in_schema[0], "s");
    ASSERT_STR_EQ(c->path_in_schema[1], "y");
    ASSERT_STR_EQ(c->path_in_schema[2], "list");
    ASSERT_STR_EQ(c->path_in_schema[3], "element");
    ASSERT_STR_EQ(c->path_in_schema[4], "z");
    ASSERT_STR_EQ(chunk(&f, 0, 1)->path_in_schema[2], "key");
    bk_arena_free(a);
}

BK_TEST(writer_unsupported_types_fail_at_open) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const char *path = tmp_path("never.parquet");
    pq_writer *w = NULL;
    const bk_type *void_t = bk_type_scalar(BK_TYPE_VOID);
    const bk_type *time_t_ = bk_type_scalar(BK_TYPE_TIME);
    const char *names[] = {"ok", "v"};
    const bk_type *f1[] = {bk_type_scalar(BK_TYPE_INT), void_t};
    const bk_type *st = bk_type_make_struct(a, 2, names, f1, NULL);
    ASSERT_FAILS(pq_writer_open(path, st, NULL, &w, &err), BK_UNSUPPORTED);
    ASSERT_CONTAINS(err.msg, "\"v\"");
    ASSERT_TRUE(!file_exists(path));

    bk_error_clear(&err);
    const bk_type *arr = bk_type_make_array(a, time_t_);
    const char *n2[] = {"s"};
    const char *inner_names[] = {"times"};
    const bk_type *inner = bk_type_make_struct(a, 1, inner_names, &arr, NULL);
    const bk_type *st2 = bk_type_make_struct(a, 1, n2, &inner, NULL);
    ASSERT_FAILS(pq_writer_open(path, st2, NULL, &w, &err), BK_UNSUPPORTED);
    ASSERT_CONTAINS(err.msg, "s.times.list.element");
    ASSERT_CONTAINS(err.msg, "TIME");

    bk_error_clear(&err);
    ASSERT_FAILS(pq_writer_open(path, bk_type_scalar(BK_TYPE_INT), NULL, &w, &err),
                 BK_INVALID_ARGUMENT);
    bk_arena_free(a);
}

/* ---- values and levels ---- */

BK_TEST(writer_num_values_counts_levels) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<a: ARRAY<INT>>");
    bk_vector *col = bk_vector_make(a, st->children[0], 4);
    /* rows: NULL, [], [1, NULL, 3], [4] -> 1 + 1 + 3 + 1 = 6 level entries, 3 values */
    bk_vector *el = bk_vector_make(a, st->children[0]->children[0], 4);
    int32_t *ev = el->data;
    ev[0] = 1, ev[2] = 3, ev[3] = 4;
    set_null(a, el, 1);
    int64_t offs[] = {0, 0, 0, 3, 4};
    memcpy(col->offsets, offs, sizeof offs);
    col->children[0] = el;
    set_null(a, col, 0);
    const char *path = tmp_path("levels.parquet");
    ASSERT_OK(write_all(path, st, NULL, &col, 4, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);
    const pq_column_meta *c = chunk(&f, 0, 0);
    ASSERT_EQ(c->num_values, 6);
    ASSERT_TRUE(c->statistics.has_null_count);
    ASSERT_EQ(c->statistics.null_count, 3);
    ASSERT_EQ(stat_i32(c->statistics.min_value), 1);
    ASSERT_EQ(stat_i32(c->statistics.max_value), 4);
    check_roundtrip(path, &col, 1, 4);
    bk_arena_free(a);
}

/* ---- statistics ---- */

BK_TEST(writer_stats_ints_floats_bools) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<i: INT, l: BIGINT, f: FLOAT, d: DOUBLE, nan: DOUBLE,"
                              " b: BOOLEAN, z: FLOAT, t: TINYINT>");
    bk_vector *c[8];
    for (int k = 0; k < 8; k++) c[k] = bk_vector_make(a, st->children[k], 4);
    int32_t iv[] = {-5, 7, 0, 3};
    int64_t lv[] = {INT64_MIN, 4, INT64_MAX, -1};
    float fv[] = {NAN, -0.0f, 1.5f, 0};
    double dv[] = {0.0, 2.0, NAN, -0.0};
    double nv[] = {NAN, NAN, NAN, 0};
    uint8_t bv[] = {1, 1, 0, 1};
    float zv[] = {-3.0f, 0.0f, -1.0f, 0};
    int8_t tv[] = {-128, 127, 5, 0};
    memcpy(c[0]->data, iv, sizeof iv);
    memcpy(c[1]->data, lv, sizeof lv);
    memcpy(c[2]->data, fv, sizeof fv);
    memcpy(c[3]->data, dv, sizeof dv);
    memcpy(c[4]->data, nv, sizeof nv);
    memcpy(c[5]->data, bv, sizeof bv);
    memcpy(c[6]->data, zv, sizeof zv);
    memcpy(c[7]->data, tv, sizeof tv);
    set_null(a, c[0], 2);
    set_null(a, c[2], 3);
    set_null(a, c[4], 3);
    set_null(a, c[5], 2);
    set_null(a, c[6], 3);
    const char *path = tmp_path("stats.parquet");
    ASSERT_OK(write_all(path, st, NULL, c, 4, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);

    const pq_statistics *s = &chunk(&f, 0, 0)->statistics;
    ASSERT_EQ(stat_i32(s->min_value), -5);
    ASSERT_EQ(stat_i32(s->max_value), 7);
    ASSERT_EQ(s->null_count, 1);
    ASSERT_TRUE(!s->has_min && !s->has_max); /* deprecated fields are not written */
    s = &chunk(&f, 0, 1)->statistics;
    ASSERT_TRUE(stat_i64(s->min_value) == INT64_MIN);
    ASSERT_TRUE(stat_i64(s->max_value) == INT64_MAX);
    ASSERT_EQ(s->null_count, 0);

    /* FLOAT {NaN, -0.0, 1.5, NULL} and DOUBLE {0.0, 2, NaN, -0.0}: a chunk holding NaN
     * gets no min/max and no ColumnIndex (parquet-mr would skip its NaN rows on them) */
    for (uint32_t c2 = 2; c2 <= 3; c2++) {
        s = &chunk(&f, 0, c2)->statistics;
        ASSERT_TRUE(!s->has_min_value && !s->has_max_value);
        ASSERT_TRUE(s->has_null_count);
        ASSERT_TRUE(!f.m.row_groups[0].columns[c2].has_column_index);
    }
    /* all NaN: no min/max, null_count still there */
    s = &chunk(&f, 0, 4)->statistics;
    ASSERT_TRUE(!s->has_min_value && !s->has_max_value);
    ASSERT_TRUE(s->has_null_count);
    ASSERT_EQ(s->null_count, 1);
    /* the all-NaN chunk cannot have a ColumnIndex, but still has an OffsetIndex */
    ASSERT_TRUE(!f.m.row_groups[0].columns[4].has_column_index);
    ASSERT_TRUE(f.m.row_groups[0].columns[4].has_offset_index);
    /* BOOLEAN {T, T, NULL, T} */
    s = &chunk(&f, 0, 5)->statistics;
    ASSERT_EQ(s->min_value.ptr[0], 1);
    ASSERT_EQ(s->max_value.ptr[0], 1);
    ASSERT_EQ(s->min_value.len, 1);
    /* FLOAT {-3, 0.0, -1}: zero max written as +0.0 */
    s = &chunk(&f, 0, 6)->statistics;
    float fmin, fmax;
    memcpy(&fmin, s->min_value.ptr, 4);
    memcpy(&fmax, s->max_value.ptr, 4);
    ASSERT_DBL_EQ(fmin, -3.0);
    ASSERT_TRUE(fmax == 0 && !signbit(fmax));
    /* TINYINT as INT32 */
    s = &chunk(&f, 0, 7)->statistics;
    ASSERT_EQ(stat_i32(s->min_value), -128);
    ASSERT_EQ(stat_i32(s->max_value), 127);
    bk_arena_free(a);
}

BK_TEST(writer_stats_strings_and_decimals) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<s: STRING, d: DECIMAL(38,2), d9: DECIMAL(9,2),"
                              " d18: DECIMAL(18,0)>");
    bk_vector *c[4];
    for (int k = 0; k < 4; k++) c[k] = bk_vector_make(a, st->children[k], 5);
    const char *sv[] = {"apple", "Zebra", "\xc3\xa9t\xc3\xa9", "", "app"};
    for (int k = 0; k < 5; k++) ((bk_str *)c[0]->data)[k] = str_of(a, sv[k]);
    bk_i128 dv[] = {{(uint64_t)-5, -1}, {3, 0}, {(uint64_t)-100, -1}, {0, 1}, {7, 0}};
    memcpy(c[1]->data, dv, sizeof dv);
    set_null(a, c[1], 3);
    int64_t d9[] = {-99999, 12345, 0, 999999999, -999999999};
    memcpy(c[2]->data, d9, sizeof d9);
    int64_t d18[] = {5, -4, 3, -2, 1};
    memcpy(c[3]->data, d18, sizeof d18);
    const char *path = tmp_path("stats2.parquet");
    ASSERT_OK(write_all(path, st, NULL, c, 5, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);

    /* unsigned bytewise: "" < "Zebra" < "app" < "apple" < "été" */
    const pq_statistics *s = &chunk(&f, 0, 0)->statistics;
    ASSERT_TRUE(bytes_eq(s->min_value, "", 0));
    ASSERT_TRUE(bytes_eq(s->max_value, "\xc3\xa9t\xc3\xa9", 5));
    ASSERT_TRUE(s->is_min_value_exact && s->is_max_value_exact);

    /* DECIMAL(38,2) as 16-byte big-endian two's complement: min -100, max 7 */
    s = &chunk(&f, 0, 1)->statistics;
    ASSERT_EQ(s->min_value.len, 16);
    uint8_t m100[16], p7[16];
    memset(m100, 0xff, 16);
    m100[15] = 0x9c;
    memset(p7, 0, 16);
    p7[15] = 7;
    ASSERT_TRUE(bytes_eq(s->min_value, m100, 16));
    ASSERT_TRUE(bytes_eq(s->max_value, p7, 16));
    ASSERT_EQ(s->null_count, 1);

    s = &chunk(&f, 0, 2)->statistics;
    ASSERT_EQ(s->min_value.len, 4);
    ASSERT_EQ(stat_i32(s->min_value), -999999999);
    ASSERT_EQ(stat_i32(s->max_value), 999999999);
    s = &chunk(&f, 0, 3)->statistics;
    ASSERT_EQ(stat_i64(s->min_value), -4);
    ASSERT_EQ(stat_i64(s->max_value), 5);
    check_roundtrip(path, c, 4, 5);
    bk_arena_free(a);
}

BK_TEST(writer_stats_truncate_long_strings) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<s: STRING>");
    bk_vector *c = bk_vector_make(a, st->children[0], 2);
    char *big = bk_arena_alloc(a, 5000);
    memset(big, 'b', 5000);
    char *small = bk_arena_alloc(a, 5000);
    memset(small, 'a', 5000);
    small[70] = '\xc3'; /* a 2-byte UTF-8 sequence straddling byte 64 would be cut before */
    small[71] = '\xa9';
    ((bk_str *)c->data)[0] = (bk_str){big, 5000};
    ((bk_str *)c->data)[1] = (bk_str){small, 5000};
    const char *path = tmp_path("trunc.parquet");
    ASSERT_OK(write_all(path, st, NULL, &c, 2, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);
    const pq_statistics *s = &chunk(&f, 0, 0)->statistics;
    /* > 4 KiB: cut to 64 bytes, flagged inexact; max = "bbb…c" (last byte incremented) */
    ASSERT_EQ(s->min_value.len, 64);
    ASSERT_TRUE(memcmp(s->min_value.ptr, small, 64) == 0);
    ASSERT_TRUE(s->has_is_min_value_exact && !s->is_min_value_exact);
    ASSERT_EQ(s->max_value.len, 64);
    ASSERT_TRUE(memcmp(s->max_value.ptr, big, 63) == 0 && s->max_value.ptr[63] == 'c');
    ASSERT_TRUE(!s->is_max_value_exact);

    /* ColumnIndex: the same 64-byte bounds */
    const pq_column_chunk *cc = &f.m.row_groups[0].columns[0];
    ASSERT_TRUE(cc->has_column_index);
    pq_column_index ci;
    ASSERT_OK(pq_meta_decode_column_index(a, f.data + cc->column_index_offset,
                                          (size_t)cc->column_index_length, &ci, &err),
              &err);
    ASSERT_EQ(ci.n_pages, 1);
    ASSERT_EQ(ci.min_values[0].len, 64);
    ASSERT_EQ(ci.max_values[0].len, 64);
    ASSERT_EQ(ci.max_values[0].ptr[63], 'c');
    bk_arena_free(a);
}

/* ---- pages, page index, row groups ---- */

/* Write n rows of BIGINT `v(i)` with small pages and row groups. */
static bk_status write_bigint(const char *path, size_t n, int64_t (*v)(size_t),
                              const pq_writer_opts *o, bk_arena *a, bk_error *err) {
    const bk_type *st = ty(a, "STRUCT<x: BIGINT>");
    bk_vector *c = bk_vector_make(a, st->children[0], n);
    for (size_t i = 0; i < n; i++) ((int64_t *)c->data)[i] = v(i);
    return write_all(path, st, o, &c, n, err);
}

static int64_t up(size_t i) { return (int64_t)i; }
static int64_t down(size_t i) { return -(int64_t)i; }
static int64_t zigzag(size_t i) { return (int64_t)(i % 2 ? i : 1000 - i); }

static void check_index(const char *name, int64_t (*v)(size_t), pq_boundary_order want) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    pq_writer_opts o;
    pq_writer_opts_default(&o);
    o.page_rows = 10;
    o.row_group_rows = 35;
    const char *path = tmp_path(name);
    ASSERT_OK(write_bigint(path, 100, v, &o, a, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);
    ASSERT_EQ(f.m.n_row_groups, 3);
    ASSERT_EQ(f.m.row_groups[0].num_rows, 35);
    ASSERT_EQ(f.m.row_groups[2].num_rows, 30);
    ASSERT_EQ(f.m.num_rows, 100);
    int64_t first = 0;
    for (uint32_t g = 0; g < 3; g++) {
        const pq_row_group *rg = &f.m.row_groups[g];
        const pq_column_chunk *cc = &rg->columns[0];
        ASSERT_TRUE(rg->has_ordinal && rg->ordinal == (int16_t)g);
        ASSERT_EQ(rg->file_offset, cc->file_offset);
        ASSERT_TRUE(cc->has_offset_index && cc->has_column_index);
        pq_offset_index oi;
        ASSERT_OK(pq_meta_decode_offset_index(a, f.data + cc->offset_index_offset,
                                              (size_t)cc->offset_index_length, &oi, &err),
                  &err);
        ASSERT_EQ(oi.n_pages, (rg->num_rows + 9) / 10);
        ASSERT_EQ(oi.pages[0].offset, cc->meta.data_page_offset);
        for (uint32_t k = 0; k < oi.n_pages; k++) {
            ASSERT_EQ(oi.pages[k].first_row_index, 10 * k);
            pq_page_header h;
            size_t hlen;
            ASSERT_OK(pq_meta_decode_page_header(a, f.data + oi.pages[k].offset,
                                                 f.len - (size_t)oi.pages[k].offset, &h, &hlen,
                                                 &err),
                      &err);
            ASSERT_EQ(h.type, PQ_PAGE_DATA);
            ASSERT_EQ((int64_t)hlen + h.compressed_page_size, oi.pages[k].compressed_page_size);
            ASSERT_TRUE(h.has_crc);
            ASSERT_EQ(h.crc,
                      pq_crc32(f.data + oi.pages[k].offset + hlen, (size_t)h.compressed_page_size));
            if (k + 1 < oi.n_pages)
                ASSERT_EQ(oi.pages[k + 1].offset,
                          oi.pages[k].offset + oi.pages[k].compressed_page_size);
        }
        pq_column_index ci;
        ASSERT_OK(pq_meta_decode_column_index(a, f.data + cc->column_index_offset,
                                              (size_t)cc->column_index_length, &ci, &err),
                  &err);
        ASSERT_EQ(ci.n_pages, oi.n_pages);
        ASSERT_EQ(ci.boundary_order, want);
        for (uint32_t k = 0; k < ci.n_pages; k++) {
            int64_t lo = INT64_MAX, hi = INT64_MIN;
            int64_t end = k + 1 < oi.n_pages ? oi.pages[k + 1].first_row_index : rg->num_rows;
            for (int64_t r = oi.pages[k].first_row_index; r < end; r++) {
                int64_t x = v((size_t)(first + r));
                lo = x < lo ? x : lo;
                hi = x > hi ? x : hi;
            }
            ASSERT_TRUE(!ci.null_pages[k]);
            ASSERT_EQ(stat_i64(ci.min_values[k]), lo);
            ASSERT_EQ(stat_i64(ci.max_values[k]), hi);
            ASSERT_EQ(ci.null_counts[k], 0);
        }
        first += rg->num_rows;
    }
    /* the page index sits after the last row group, before the footer */
    const pq_column_chunk *last = &f.m.row_groups[2].columns[0];
    ASSERT_EQ(f.m.row_groups[0].columns[0].column_index_offset,
              last->file_offset + last->meta.total_compressed_size);
    bk_arena_free(a);
}

BK_TEST(writer_page_index_ascending) { check_index("asc.parquet", up, PQ_ASCENDING); }
BK_TEST(writer_page_index_descending) { check_index("desc.parquet", down, PQ_DESCENDING); }
BK_TEST(writer_page_index_unordered) { check_index("unord.parquet", zigzag, PQ_UNORDERED); }

/* pq_scan callback (a scan without a pool: one thread): count the rows handed back. */
static bk_status count_scanned(void *ctx, uint32_t rg, bk_arena *a, bk_vector **cols, size_t n,
                               bk_error *err) {
    (void)rg, (void)a, (void)cols, (void)err;
    *(int64_t *)ctx += (int64_t)n;
    return BK_OK;
}

/*
 * Late materialization stops after four row groups that keep over 7/8 of their
 * rows.  Scans of one-row-group files that share a pq_late_stats (as a Delta
 * table's files do) stop after the fourth file; scans with their own never stop.
 */
BK_TEST(writer_scan_shared_late_stats) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const char *path = tmp_path("late.parquet");
    ASSERT_OK(write_bigint(path, 1600, up, NULL, a, &err), &err);
    pq_reader *r;
    ASSERT_OK(pq_reader_open(path, NULL, &r, &err), &err);
    ASSERT_EQ(pq_reader_num_row_groups(r), 1);
    bk_vector *lit = bk_vector_make(a, bk_type_scalar(BK_TYPE_BIGINT), 1);
    ((int64_t *)lit->data)[0] = 100; /* x >= 100 keeps 1500 of 1600 rows: 15/16 */
    pq_predicate pred = {.field = 0, .op = PQ_PRED_GE, .values = lit};
    uint32_t f = 0;
    pq_late_stats late;
    pq_late_stats_init(&late);
    for (int shared = 1; shared >= 0; shared--) {
        for (int k = 0; k < 6; k++) {
            pq_scan_opts o = {.fields = &f, .n_fields = 1, .preds = &pred, .n_preds = 1,
                              .late = shared ? &late : NULL};
            pq_scan_stats stats;
            int64_t rows = 0;
            ASSERT_OK(pq_scan(r, &o, count_scanned, &rows, &stats, &err), &err);
            bool evaluated = !shared || k < 4;
            ASSERT_EQ(stats.rows_filtered, evaluated ? 100 : 0);
            ASSERT_EQ(rows, evaluated ? 1500 : 1600);
        }
    }
    ASSERT_EQ(atomic_load(&late.groups), 4);
    ASSERT_EQ(atomic_load(&late.rows_in), 4 * 1600);
    ASSERT_EQ(atomic_load(&late.rows_out), 4 * 1500);
    pq_reader_close(r);
    bk_arena_free(a);
}

BK_TEST(writer_null_pages_and_v2_headers) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<s: STRING>");
    size_t n = 30;
    bk_vector *c = bk_vector_make(a, st->children[0], n);
    for (size_t i = 0; i < n; i++) {
        if (i < 10)
            set_null(a, c, i); /* page 0: all NULL */
        else
            ((bk_str *)c->data)[i] = str_of(a, i % 2 ? "x" : "y");
    }
    set_null(a, c, 25);
    ((bk_str *)c->data)[25] = (bk_str){0};
    pq_writer_opts o;
    pq_writer_opts_default(&o);
    o.page_rows = 10;
    o.data_page_v2 = true;
    o.codec = PQ_CODEC_ZSTD;
    const char *path = tmp_path("v2.parquet");
    ASSERT_OK(write_all(path, st, &o, &c, n, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);
    ASSERT_EQ(f.m.version, 2);
    const pq_column_chunk *cc = &f.m.row_groups[0].columns[0];
    ASSERT_EQ(cc->meta.codec, PQ_CODEC_ZSTD);
    ASSERT_TRUE(cc->meta.has_dictionary_page_offset);
    ASSERT_EQ(cc->meta.dictionary_page_offset, 4);
    ASSERT_EQ(cc->meta.statistics.null_count, 11);

    /* the dictionary page comes first: 2 entries */
    pq_page_header h;
    size_t hlen;
    ASSERT_OK(pq_meta_decode_page_header(a, f.data + 4, f.len - 4, &h, &hlen, &err), &err);
    ASSERT_EQ(h.type, PQ_PAGE_DICTIONARY);
    ASSERT_EQ(h.num_values, 2);
    ASSERT_EQ(h.encoding, PQ_ENC_PLAIN);

    pq_offset_index oi;
    ASSERT_OK(pq_meta_decode_offset_index(a, f.data + cc->offset_index_offset,
                                          (size_t)cc->offset_index_length, &oi, &err),
              &err);
    ASSERT_EQ(oi.n_pages, 3);
    int32_t want_nulls[] = {10, 0, 1};
    for (uint32_t k = 0; k < 3; k++) {
        ASSERT_OK(pq_meta_decode_page_header(a, f.data + oi.pages[k].offset,
                                             f.len - (size_t)oi.pages[k].offset, &h, &hlen, &err),
                  &err);
        ASSERT_EQ(h.type, PQ_PAGE_DATA_V2);
        ASSERT_EQ(h.num_values, 10);
        ASSERT_EQ(h.num_rows, 10);
        ASSERT_EQ(h.num_nulls, want_nulls[k]);
        ASSERT_EQ(h.rep_levels_byte_length, 0);
        ASSERT_TRUE(h.def_levels_byte_length > 0);
        ASSERT_TRUE(h.is_compressed);
        /* all pages of a dictionary chunk are RLE_DICTIONARY, the all-NULL one too */
        ASSERT_EQ(h.encoding, PQ_ENC_RLE_DICTIONARY);
    }
    pq_column_index ci;
    ASSERT_OK(pq_meta_decode_column_index(a, f.data + cc->column_index_offset,
                                          (size_t)cc->column_index_length, &ci, &err),
              &err);
    ASSERT_TRUE(ci.null_pages[0] && !ci.null_pages[1] && !ci.null_pages[2]);
    ASSERT_EQ(ci.min_values[0].len, 0);
    ASSERT_TRUE(bytes_eq(ci.min_values[1], "x", 1));
    ASSERT_TRUE(bytes_eq(ci.max_values[2], "y", 1));
    ASSERT_EQ(ci.null_counts[0], 10);
    ASSERT_EQ(ci.null_counts[2], 1);
    check_roundtrip(path, &c, 1, n);
    bk_arena_free(a);
}

BK_TEST(writer_all_null_chunk) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<s: STRING, l: ARRAY<INT>>");
    size_t n = 25;
    bk_vector *c[2];
    for (int k = 0; k < 2; k++) {
        c[k] = bk_vector_make(a, st->children[k], n);
        for (size_t i = 0; i < n; i++) set_null(a, c[k], i);
    }
    pq_writer_opts o;
    pq_writer_opts_default(&o);
    o.page_rows = 10;
    const char *path = tmp_path("allnull.parquet");
    ASSERT_OK(write_all(path, st, &o, c, n, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);
    for (uint32_t k = 0; k < 2; k++) {
        const pq_column_chunk *cc = &f.m.row_groups[0].columns[k];
        ASSERT_EQ(cc->meta.num_values, 25);
        ASSERT_EQ(cc->meta.statistics.null_count, 25);
        ASSERT_TRUE(!cc->meta.statistics.has_min_value);
        /* an empty dictionary page, then RLE_DICTIONARY pages without values (as Arrow) */
        ASSERT_TRUE(cc->meta.has_dictionary_page_offset);
        pq_page_header h;
        size_t hlen;
        ASSERT_OK(pq_meta_decode_page_header(a, f.data + cc->meta.dictionary_page_offset,
                                             f.len - (size_t)cc->meta.dictionary_page_offset, &h,
                                             &hlen, &err),
                  &err);
        ASSERT_EQ(h.type, PQ_PAGE_DICTIONARY);
        ASSERT_EQ(h.num_values, 0);
        ASSERT_EQ(h.uncompressed_page_size, 0);
        ASSERT_TRUE(cc->has_column_index);
        pq_column_index ci;
        ASSERT_OK(pq_meta_decode_column_index(a, f.data + cc->column_index_offset,
                                              (size_t)cc->column_index_length, &ci, &err),
                  &err);
        ASSERT_EQ(ci.n_pages, 3);
        for (uint32_t p = 0; p < 3; p++) ASSERT_TRUE(ci.null_pages[p]);
        ASSERT_EQ(ci.null_counts[2], 5);
    }
    check_roundtrip(path, c, 2, n);
    bk_arena_free(a);
}

BK_TEST(writer_dictionary_fallback_to_plain) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    pq_writer_opts o;
    pq_writer_opts_default(&o);
    o.page_rows = 100;
    o.dictionary_bytes = 1000; /* 125 BIGINTs */
    const char *path = tmp_path("fallback.parquet");
    ASSERT_OK(write_bigint(path, 1000, up, &o, a, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);
    const pq_column_meta *c = chunk(&f, 0, 0);
    ASSERT_TRUE(c->has_dictionary_page_offset);
    int dict_pages = 0, plain_pages = 0;
    for (uint32_t k = 0; k < c->n_encoding_stats; k++) {
        const pq_page_encoding_stats *es = &c->encoding_stats[k];
        if (es->page_type == PQ_PAGE_DATA && es->encoding == PQ_ENC_RLE_DICTIONARY)
            dict_pages = es->count;
        if (es->page_type == PQ_PAGE_DATA && es->encoding == PQ_ENC_PLAIN) plain_pages = es->count;
    }
    /* the first two pages fill the dictionary past 1000 bytes; the rest are PLAIN */
    ASSERT_EQ(dict_pages, 2);
    ASSERT_EQ(plain_pages, 8);
    ASSERT_EQ(c->num_values, 1000);
    ASSERT_EQ(stat_i64(c->statistics.max_value), 999);

    /* no_dictionary: PLAIN only, no dictionary page */
    o.no_dictionary = true;
    ASSERT_OK(write_bigint(path, 1000, up, &o, a, &err), &err);
    ASSERT_OK(load(a, path, &f, &err), &err);
    c = chunk(&f, 0, 0);
    ASSERT_TRUE(!c->has_dictionary_page_offset);
    ASSERT_EQ(c->n_encodings, 2); /* PLAIN values, RLE definition levels */
    ASSERT_EQ(c->encodings[0], PQ_ENC_PLAIN);
    ASSERT_EQ(c->encodings[1], PQ_ENC_RLE);
    ASSERT_EQ(c->n_encoding_stats, 1);
    bk_arena_free(a);
}

BK_TEST(writer_options_off) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    pq_writer_opts o;
    pq_writer_opts_default(&o);
    o.no_statistics = true;
    o.no_page_index = true;
    o.no_checksums = true;
    o.codec = PQ_CODEC_UNCOMPRESSED;
    const char *path = tmp_path("off.parquet");
    ASSERT_OK(write_bigint(path, 50, up, &o, a, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);
    const pq_column_chunk *cc = &f.m.row_groups[0].columns[0];
    ASSERT_TRUE(!cc->meta.has_statistics);
    ASSERT_TRUE(!cc->has_column_index && !cc->has_offset_index);
    ASSERT_EQ(cc->meta.codec, PQ_CODEC_UNCOMPRESSED);
    pq_page_header h;
    size_t hlen;
    ASSERT_OK(pq_meta_decode_page_header(a, f.data + cc->meta.data_page_offset,
                                         f.len - (size_t)cc->meta.data_page_offset, &h, &hlen,
                                         &err),
              &err);
    ASSERT_TRUE(!h.has_crc);
    ASSERT_EQ(h.compressed_page_size, h.uncompressed_page_size);
    bk_arena_free(a);
}

BK_TEST(writer_long_strings_bound_pages_and_row_groups) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<s: STRING, i: INT>");
    size_t n = 40, len = 300000;
    bk_vector *c[2];
    for (int k = 0; k < 2; k++) c[k] = bk_vector_make(a, st->children[k], n);
    for (size_t i = 0; i < n; i++) {
        char *p = bk_arena_alloc(a, len);
        for (size_t j = 0; j < len; j++) p[j] = (char)('a' + (i * 7 + j * 13) % 26);
        ((bk_str *)c[0]->data)[i] = (bk_str){p, len};
        ((int32_t *)c[1]->data)[i] = (int32_t)i;
    }
    pq_writer_opts o;
    pq_writer_opts_default(&o);
    o.codec = PQ_CODEC_UNCOMPRESSED;
    o.row_group_bytes = (size_t)4 << 20;
    const char *path = tmp_path("long.parquet");
    ASSERT_OK(write_all(path, st, &o, c, n, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);
    /* 12 MB of strings in row groups of at most ~4 MiB; pages of at most ~1 MiB */
    ASSERT_TRUE(f.m.n_row_groups >= 3);
    for (uint32_t g = 0; g < f.m.n_row_groups; g++) {
        const pq_column_chunk *cc = &f.m.row_groups[g].columns[0];
        ASSERT_TRUE(cc->meta.total_compressed_size <= (5 << 20));
        pq_offset_index oi;
        ASSERT_OK(pq_meta_decode_offset_index(a, f.data + cc->offset_index_offset,
                                              (size_t)cc->offset_index_length, &oi, &err),
                  &err);
        for (uint32_t k = 0; k < oi.n_pages; k++)
            ASSERT_TRUE(oi.pages[k].compressed_page_size <= (1 << 20) + 2 * 300100);
    }
    check_roundtrip(path, c, 2, n);
    bk_arena_free(a);
}

/* ---- many small writes, nested values, several row groups ---- */

BK_TEST(writer_nested_roundtrip_small_batches) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<l: ARRAY<STRUCT<x: INT, y: ARRAY<STRING>>>,"
                              " m: MAP<STRING, BIGINT>, s: STRUCT<p: DOUBLE, q: STRING NOT NULL>>");
    size_t n = 500;
    bk_vector *c[3];
    for (int k = 0; k < 3; k++) c[k] = bk_vector_make(a, st->children[k], n);
    /* l: row i has i % 4 structs (NULL list when i % 7 == 0); struct j NULL when (i+j) % 5 == 4;
       y has j strings, NULL when j == 2 */
    const bk_type *lst = st->children[0]->children[0];
    bk_vector *sv = bk_vector_make(a, lst, 2 * n);
    bk_vector *ys = bk_vector_make(a, lst->children[1]->children[0], 4 * n);
    bk_vector *y = sv->children[1];
    size_t k = 0, yk = 0;
    for (size_t i = 0; i < n; i++) {
        c[0]->offsets[i] = (int64_t)k;
        if (i % 7 == 0) {
            set_null(a, c[0], i);
            continue;
        }
        for (size_t j = 0; j < i % 4; j++, k++) {
            y->offsets[k] = (int64_t)yk;
            if ((i + j) % 5 == 4) {
                set_null(a, sv, k);
                set_null(a, sv->children[0], k);
                set_null(a, y, k);
                continue;
            }
            ((int32_t *)sv->children[0]->data)[k] = (int32_t)(i * 10 + j);
            if (j == 2) {
                set_null(a, y, k);
                continue;
            }
            for (size_t q = 0; q < j; q++, yk++) {
                char buf[32];
                snprintf(buf, sizeof buf, "v%zu.%zu", i, q);
                ((bk_str *)ys->data)[yk] = str_of(a, buf);
            }
        }
    }
    c[0]->offsets[n] = (int64_t)k;
    y->offsets[k] = (int64_t)yk;
    sv->n = y->n = sv->children[0]->n = k;
    ys->n = yk;
    y->children[0] = ys;
    c[0]->children[0] = sv;
    /* m: i % 3 entries, NULL map when i % 11 == 0, NULL value when j == 1 */
    bk_vector *keys = bk_vector_make(a, st->children[1]->children[0], 2 * n);
    bk_vector *vals = bk_vector_make(a, st->children[1]->children[1], 2 * n);
    k = 0;
    for (size_t i = 0; i < n; i++) {
        c[1]->offsets[i] = (int64_t)k;
        if (i % 11 == 0) {
            set_null(a, c[1], i);
            continue;
        }
        for (size_t j = 0; j < i % 3; j++, k++) {
            ((bk_str *)keys->data)[k] = str_of(a, j ? "b" : "a");
            ((int64_t *)vals->data)[k] = (int64_t)(i * j);
            if (j == 1) set_null(a, vals, k);
        }
    }
    c[1]->offsets[n] = (int64_t)k;
    keys->n = vals->n = k;
    c[1]->children[0] = keys;
    c[1]->children[1] = vals;
    /* s: NULL when i % 6 == 0 (q NULL there too: unreachable, allowed); p NULL when i % 4 == 1 */
    for (size_t i = 0; i < n; i++) {
        ((double *)c[2]->children[0]->data)[i] = (double)i / 3;
        ((bk_str *)c[2]->children[1]->data)[i] = str_of(a, i % 2 ? "odd" : "even");
        if (i % 4 == 1) set_null(a, c[2]->children[0], i);
        if (i % 6 == 0) {
            set_null(a, c[2], i);
            set_null(a, c[2]->children[1], i);
        }
    }

    /* write in calls of 1..9 rows through windows of the vectors */
    pq_writer_opts o;
    pq_writer_opts_default(&o);
    o.page_rows = 16;
    o.row_group_rows = 120;
    const char *path = tmp_path("nested.parquet");
    pq_writer *w;
    ASSERT_OK(pq_writer_open(path, st, &o, &w, &err), &err);
    bk_arena *win = bk_arena_new(NULL, "win", 0);
    for (size_t r = 0, step = 1; r < n; r += step, step = step % 9 + 1) {
        size_t m = BK_MIN(step, n - r);
        bk_vector *cols[3];
        for (int kk = 0; kk < 3; kk++) {
            /* a window: take rows [r, r + m) */
            uint32_t idx[16];
            for (size_t q = 0; q < m; q++) idx[q] = (uint32_t)(r + q);
            cols[kk] = bk_vector_take(win, c[kk], idx, m);
            ASSERT_TRUE(cols[kk] != NULL);
        }
        ASSERT_OK(pq_writer_write(w, cols, m, &err), &err);
        bk_arena_reset(win);
    }
    bk_arena_free(win);
    ASSERT_OK(pq_writer_close(w, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);
    ASSERT_EQ(f.m.n_row_groups, 5);
    ASSERT_EQ(f.m.num_rows, 500);
    check_roundtrip(path, c, 3, n);
    bk_arena_free(a);
}

BK_TEST(writer_parallel_matches_serial) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<a: BIGINT, b: STRING, c: DOUBLE>");
    size_t n = 70000;
    bk_vector *c[3];
    for (int k = 0; k < 3; k++) c[k] = bk_vector_make(a, st->children[k], n);
    for (size_t i = 0; i < n; i++) {
        ((int64_t *)c[0]->data)[i] = (int64_t)(i * 7919 % 100003);
        char buf[24];
        snprintf(buf, sizeof buf, "s%zu", i % 777);
        ((bk_str *)c[1]->data)[i] = str_of(a, buf);
        ((double *)c[2]->data)[i] = (double)i * 0.5;
        if (i % 13 == 0) set_null(a, c[2], i);
    }
    pq_writer_opts o;
    pq_writer_opts_default(&o);
    o.row_group_rows = 30000;
    const char *p1 = tmp_path("serial.parquet");
    ASSERT_OK(write_all(p1, st, &o, c, n, &err), &err);
    o.pool = bk_pool_new(3);
    ASSERT_TRUE(o.pool != NULL);
    const char *p2 = tmp_path("parallel.parquet");
    ASSERT_OK(write_all(p2, st, &o, c, n, &err), &err);
    bk_pool_free(o.pool);
    pfile f1, f2;
    ASSERT_OK(load(a, p1, &f1, &err), &err);
    ASSERT_OK(load(a, p2, &f2, &err), &err);
    ASSERT_EQ(f1.len, f2.len);
    ASSERT_TRUE(memcmp(f1.data, f2.data, f1.len) == 0);
    ASSERT_EQ(f1.m.n_row_groups, 3);
    check_roundtrip(p2, c, 3, n);
    bk_arena_free(a);
}

/* ---- errors ---- */

BK_TEST(writer_null_in_required_field) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<id: INT NOT NULL, s: STRUCT<v: STRING NOT NULL>>");
    bk_vector *c[2];
    for (int k = 0; k < 2; k++) c[k] = bk_vector_make(a, st->children[k], 3);
    const char *path = tmp_path("required.parquet");
    pq_writer *w;
    ASSERT_OK(pq_writer_open(path, st, NULL, &w, &err), &err);

    set_null(a, c[0], 1);
    ASSERT_FAILS(pq_writer_write(w, c, 3, &err), BK_INVALID_ARGUMENT);
    ASSERT_CONTAINS(err.msg, "\"id\"");
    /* nothing was written: fix the row and go on */
    bk_validity_set(c[0]->validity, 1, true);
    bk_error_clear(&err);

    /* a NULL under a NULL parent is fine; under a valid parent it is not */
    set_null(a, c[1], 0);
    set_null(a, c[1]->children[0], 0);
    ASSERT_OK(pq_writer_write(w, c, 3, &err), &err);
    set_null(a, c[1]->children[0], 2);
    ASSERT_FAILS(pq_writer_write(w, c, 3, &err), BK_INVALID_ARGUMENT);
    ASSERT_CONTAINS(err.msg, "\"s.v\"");
    bk_error_clear(&err);
    ASSERT_OK(pq_writer_close(w, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);
    ASSERT_EQ(f.m.num_rows, 3);
    bk_arena_free(a);
}

BK_TEST(writer_rejects_mismatched_vectors) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<x: INT>");
    bk_vector *wrong = bk_vector_make(a, bk_type_scalar(BK_TYPE_BIGINT), 5);
    bk_vector *shortv = bk_vector_make(a, bk_type_scalar(BK_TYPE_INT), 2);
    const char *path = tmp_path("mismatch.parquet");
    pq_writer *w;
    ASSERT_OK(pq_writer_open(path, st, NULL, &w, &err), &err);
    ASSERT_FAILS(pq_writer_write(w, &wrong, 5, &err), BK_INVALID_ARGUMENT);
    ASSERT_CONTAINS(err.msg, "\"x\"");
    bk_error_clear(&err);
    ASSERT_FAILS(pq_writer_write(w, &shortv, 5, &err), BK_INVALID_ARGUMENT);
    bk_error_clear(&err);
    ASSERT_OK(pq_writer_write(w, &shortv, 2, &err), &err);
    ASSERT_OK(pq_writer_close(w, &err), &err);
    bk_arena_free(a);
}

BK_TEST(writer_abort_removes_file) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<x: INT>");
    bk_vector *c = bk_vector_make(a, st->children[0], 10);
    const char *path = tmp_path("aborted.parquet");
    pq_writer *w;
    ASSERT_OK(pq_writer_open(path, st, NULL, &w, &err), &err);
    ASSERT_OK(pq_writer_write(w, &c, 10, &err), &err);
    ASSERT_TRUE(file_exists(path));
    pq_writer_abort(w);
    ASSERT_TRUE(!file_exists(path));

    ASSERT_FAILS(pq_writer_open("/nonexistent-dir/x.parquet", st, NULL, &w, &err), BK_IO);
    ASSERT_CONTAINS(err.msg, "/nonexistent-dir/x.parquet");
    bk_arena_free(a);
}

BK_TEST(writer_zero_rows) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err = {0};
    const bk_type *st = ty(a, "STRUCT<x: INT, y: ARRAY<STRING>>");
    const char *path = tmp_path("empty.parquet");
    pq_writer *w;
    ASSERT_OK(pq_writer_open(path, st, NULL, &w, &err), &err);
    ASSERT_OK(pq_writer_write(w, NULL, 0, &err), &err);
    ASSERT_OK(pq_writer_close(w, &err), &err);
    pfile f;
    ASSERT_OK(load(a, path, &f, &err), &err);
    ASSERT_EQ(f.m.num_rows, 0);
    ASSERT_EQ(f.m.n_row_groups, 0);
    ASSERT_EQ(f.m.n_schema, 5);
    bk_arena_free(a);
}

BK_TEST(writer_survives_allocation_failures) {
    /* fail the k-th allocation for every k until a write succeeds: clean errors, no leaks */
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const bk_type *st = ty(a, "STRUCT<a: ARRAY<STRING>, b: BIGINT>");
    size_t n = 300;
    bk_vector *c[2];
    for (int k = 0; k < 2; k++) c[k] = bk_vector_make(a, st->children[k], n);
    bk_vector *el = bk_vector_make(a, st->children[0]->children[0], n);
    for (size_t i = 0; i < n; i++) {
        c[0]->offsets[i] = (int64_t)i;
        ((bk_str *)el->data)[i] = str_of(a, i % 3 ? "abc" : "de");
        ((int64_t *)c[1]->data)[i] = (int64_t)i;
    }
    c[0]->offsets[n] = (int64_t)n;
    c[0]->children[0] = el;
    const char *path = tmp_path("oom.parquet");
    pq_writer_opts o;
    pq_writer_opts_default(&o);
    o.page_rows = 50;
    o.row_group_rows = 120;
    int64_t live = bk_mem_live_bytes();
    bool done = false;
    for (int64_t k = 0; k < 2000 && !done; k++) {
        bk_error err = {0};
        bk_mem_fail_after(k);
        bk_status st_ = write_all(path, st, &o, c, n, &err);
        bk_mem_fail_reset();
        if (st_ == BK_OK) {
            done = true;
        } else {
            ASSERT_EQ(st_, BK_OUT_OF_MEMORY);
            ASSERT_TRUE(err.msg[0] != '\0');
            ASSERT_TRUE(!file_exists(path));
        }
        ASSERT_EQ(bk_mem_live_bytes(), live);
    }
    ASSERT_TRUE(done);
    check_roundtrip(path, c, 2, n);
    bk_arena_free(a);
}
