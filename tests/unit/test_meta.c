/*
 * test_meta.c — unit tests for the Parquet metadata codec (src/parquet/meta.c).
 *
 * Round trips of every struct with all optional fields set and unset; decoding of
 * hand-built inputs (unknown enum values, unknown union members, bad counts);
 * truncation at every prefix length, byte mutations and allocation failures must
 * fail cleanly (run under ASan); and the real footers of parquet-testing files.
 */
#include "parquet/meta.h"

#include <dirent.h>
#include <stdio.h>

#include "base/mem.h"
#include "parquet/thrift.h"
#include "test.h"

/* ---- helpers ---- */
/* ASSERT_OK wants a pointer expression that is not a constant address. */
static bk_error *errp(bk_error *e) { return e; }


/* Whole file into bk_malloc memory (caller frees), or NULL. */
static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *data = NULL;
    long size;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        data = bk_malloc((size_t)size + 1);
        if (data && fread(data, 1, (size_t)size, f) != (size_t)size) {
            bk_free(data);
            data = NULL;
        }
        *len = (size_t)size;
    }
    fclose(f);
    return data;
}

/* The footer's FileMetaData bytes inside a whole file; false if not a plain Parquet file. */
static bool find_footer(const uint8_t *data, size_t len, const uint8_t **foot, size_t *foot_len) {
    if (len < 12 || memcmp(data + len - 4, "PAR1", 4) != 0) return false;
    const uint8_t *p = data + len - 8;
    uint32_t n = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    if (n > len - 12) return false;
    *foot = data + len - 8 - n;
    *foot_len = n;
    return true;
}

/* Path of a parquet-testing file, or NULL when the test data is not available. */
static const char *testdata_path(const char *rel) {
    static char path[1024];
    const char *dir = bk_test_data_dir();
    if (!dir) return NULL;
    snprintf(path, sizeof path, "%s/parquet-testing/%s", dir, rel);
    return path;
}

static bool bytes_eq(pq_bytes a, const char *s) {
    return a.len == strlen(s) && memcmp(a.ptr, s, a.len) == 0;
}

/* ---- fixtures ---- */

static pq_statistics full_stats(void) {
    pq_statistics s;
    memset(&s, 0, sizeof s);
    s.has_max = s.has_min = true;
    s.max = (pq_bytes){(const uint8_t *)"zz", 2};
    s.min = (pq_bytes){(const uint8_t *)"", 0};
    s.has_null_count = true;
    s.null_count = 0;
    s.has_distinct_count = true;
    s.distinct_count = 1234567890123LL;
    s.has_max_value = s.has_min_value = true;
    s.max_value = (pq_bytes){(const uint8_t *)"max\0v", 5};
    s.min_value = (pq_bytes){(const uint8_t *)"a", 1};
    s.has_is_max_value_exact = true;
    s.is_max_value_exact = false;
    s.has_is_min_value_exact = true;
    s.is_min_value_exact = true;
    s.has_nan_count = true;
    s.nan_count = 7;
    return s;
}

static void check_full_stats(const pq_statistics *s) {
    ASSERT_TRUE(s->has_max && s->has_min && bytes_eq(s->max, "zz") && s->min.len == 0);
    ASSERT_TRUE(s->has_null_count && s->null_count == 0);
    ASSERT_TRUE(s->has_distinct_count && s->distinct_count == 1234567890123LL);
    ASSERT_TRUE(s->has_max_value && s->max_value.len == 5);
    ASSERT_TRUE(!memcmp(s->max_value.ptr, "max\0v", 5));
    ASSERT_TRUE(s->has_min_value && bytes_eq(s->min_value, "a"));
    ASSERT_TRUE(s->has_is_max_value_exact && !s->is_max_value_exact);
    ASSERT_TRUE(s->has_is_min_value_exact && s->is_min_value_exact);
    ASSERT_TRUE(s->has_nan_count && s->nan_count == 7);
}

static pq_schema_element leaf(const char *name, pq_physical type, pq_repetition rep) {
    pq_schema_element e;
    memset(&e, 0, sizeof e);
    e.name = name;
    e.has_type = true;
    e.type = type;
    e.has_repetition = true;
    e.repetition = rep;
    e.converted = PQ_CT_NONE;
    e.logical.kind = PQ_LT_NONE;
    return e;
}

/* Storage for the full FileMetaData fixture. */
static pq_schema_element fx_schema[9];
static pq_key_value fx_kv[2];
static pq_encoding fx_encodings[3] = {PQ_ENC_PLAIN, PQ_ENC_RLE, PQ_ENC_RLE_DICTIONARY};
static const char *fx_path[2] = {"g", "d"};
static pq_page_encoding_stats fx_pes[2];
static pq_column_chunk fx_chunks[2];
static pq_sorting_column fx_sort[1];
static pq_row_group fx_rgs[2];
static pq_column_order fx_orders[7];

static pq_file_meta full_file_meta(void) {
    pq_file_meta m;
    memset(&m, 0, sizeof m);
    memset(fx_schema, 0, sizeof fx_schema);
    fx_schema[0].name = "schema";
    fx_schema[0].num_children = 7;
    fx_schema[0].converted = PQ_CT_NONE;
    fx_schema[1] = leaf("dec", PQ_FIXED_LEN_BYTE_ARRAY, PQ_OPTIONAL);
    fx_schema[1].type_length = 16;
    fx_schema[1].converted = PQ_CT_DECIMAL;
    fx_schema[1].scale = 4;
    fx_schema[1].precision = 38;
    fx_schema[1].has_field_id = true;
    fx_schema[1].field_id = -5;
    fx_schema[1].logical = (pq_logical_type){.kind = PQ_LT_DECIMAL, .scale = 4, .precision = 38};
    fx_schema[2] = leaf("t", PQ_INT64, PQ_REQUIRED);
    fx_schema[2].logical = (pq_logical_type){.kind = PQ_LT_TIME, .unit = PQ_NANOS,
                                             .is_adjusted_to_utc = true};
    fx_schema[3] = leaf("ts", PQ_INT64, PQ_OPTIONAL);
    fx_schema[3].converted = PQ_CT_TIMESTAMP_MICROS;
    fx_schema[3].logical = (pq_logical_type){.kind = PQ_LT_TIMESTAMP, .unit = PQ_MICROS};
    fx_schema[4] = leaf("i8", PQ_INT32, PQ_OPTIONAL);
    fx_schema[4].converted = PQ_CT_UINT_8;
    fx_schema[4].logical = (pq_logical_type){.kind = PQ_LT_INTEGER, .bit_width = 8,
                                             .is_signed = false};
    fx_schema[5] = leaf("s", PQ_BYTE_ARRAY, PQ_REPEATED);
    fx_schema[5].converted = PQ_CT_UTF8;
    fx_schema[5].logical.kind = PQ_LT_STRING;
    fx_schema[6] = leaf("u", PQ_FIXED_LEN_BYTE_ARRAY, PQ_OPTIONAL);
    fx_schema[6].type_length = 16;
    fx_schema[6].logical.kind = PQ_LT_UUID;
    fx_schema[7].name = "g";
    fx_schema[7].has_repetition = true;
    fx_schema[7].repetition = PQ_OPTIONAL;
    fx_schema[7].num_children = 1;
    fx_schema[7].converted = PQ_CT_LIST;
    fx_schema[7].logical.kind = PQ_LT_LIST;
    fx_schema[8] = leaf("d", PQ_DOUBLE, PQ_REQUIRED);
    m.version = 2;
    m.n_schema = 9;
    m.schema = fx_schema;
    m.num_rows = 5000000000LL;

    fx_kv[0] = (pq_key_value){.key = "k1", .value = "v\0one", .value_len = 5};
    fx_kv[1] = (pq_key_value){.key = "k2", .value = NULL, .value_len = 0};
    m.n_key_value = 2;
    m.key_value = fx_kv;
    m.created_by = "bricks version 0.1.0";

    fx_pes[0] = (pq_page_encoding_stats){PQ_PAGE_DICTIONARY, PQ_ENC_PLAIN, 1};
    fx_pes[1] = (pq_page_encoding_stats){PQ_PAGE_DATA_V2, PQ_ENC_RLE_DICTIONARY, 12};
    memset(fx_chunks, 0, sizeof fx_chunks);
    pq_column_chunk *c = &fx_chunks[0];
    c->file_path = "other.parquet";
    c->file_offset = 4;
    c->has_meta_data = true;
    c->meta.type = PQ_DOUBLE;
    c->meta.n_encodings = 3;
    c->meta.encodings = fx_encodings;
    c->meta.n_path = 2;
    c->meta.path_in_schema = fx_path;
    c->meta.codec = PQ_CODEC_ZSTD;
    c->meta.num_values = 100;
    c->meta.total_uncompressed_size = 2000;
    c->meta.total_compressed_size = 1000;
    c->meta.n_key_value = 1;
    c->meta.key_value = fx_kv;
    c->meta.data_page_offset = 40;
    c->meta.has_index_page_offset = true;
    c->meta.index_page_offset = 30;
    c->meta.has_dictionary_page_offset = true;
    c->meta.dictionary_page_offset = 4;
    c->meta.has_statistics = true;
    c->meta.statistics = full_stats();
    c->meta.n_encoding_stats = 2;
    c->meta.encoding_stats = fx_pes;
    c->meta.has_bloom_filter = true;
    c->meta.bloom_filter_offset = 123456;
    c->meta.bloom_filter_length = 789;
    c->has_offset_index = true;
    c->offset_index_offset = 999;
    c->offset_index_length = 55;
    c->has_column_index = true;
    c->column_index_offset = 1054;
    c->column_index_length = 66;
    /* the second chunk: only required fields */
    c = &fx_chunks[1];
    c->has_meta_data = true;
    c->meta.type = PQ_INT32;
    c->meta.n_path = 1;
    c->meta.path_in_schema = fx_path + 1;
    c->meta.codec = PQ_CODEC_UNCOMPRESSED;

    memset(fx_rgs, 0, sizeof fx_rgs);
    fx_rgs[0].n_columns = 2;
    fx_rgs[0].columns = fx_chunks;
    fx_rgs[0].total_byte_size = 3000;
    fx_rgs[0].num_rows = 100;
    fx_sort[0] = (pq_sorting_column){.column_idx = 1, .descending = true, .nulls_first = false};
    fx_rgs[0].n_sorting_columns = 1;
    fx_rgs[0].sorting_columns = fx_sort;
    fx_rgs[0].has_file_offset = true;
    fx_rgs[0].file_offset = 4;
    fx_rgs[0].has_total_compressed_size = true;
    fx_rgs[0].total_compressed_size = 1500;
    fx_rgs[0].has_ordinal = true;
    fx_rgs[0].ordinal = 0;
    fx_rgs[1].n_columns = 0; /* empty row group: no optional fields */
    m.n_row_groups = 2;
    m.row_groups = fx_rgs;

    for (int idx = 0; idx < 7; idx++) fx_orders[idx] = PQ_ORDER_TYPE_DEFINED;
    fx_orders[6] = PQ_ORDER_IEEE_754_TOTAL;
    fx_orders[5] = PQ_ORDER_INT96_TIMESTAMP;
    m.n_column_orders = 7;
    m.column_orders = fx_orders;
    return m;
}

/* Encode the full fixture into buf (caller destroys). */
static bk_status encode_full(bk_buf *buf) {
    pq_file_meta m = full_file_meta();
    bk_buf_init(buf);
    return pq_meta_encode_file(&m, buf);
}

/* ---- round trips ---- */

BK_TEST(meta_file_round_trip_all_fields) {
    bk_buf buf;
    ASSERT_EQ(encode_full(&buf), BK_OK);
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_error err;
    bk_error_clear(&err);
    pq_file_meta m;
    ASSERT_OK(pq_meta_decode_file(a, buf.data, buf.len, &m, &err), errp(&err));

    ASSERT_EQ(m.version, 2);
    ASSERT_EQ(m.num_rows, 5000000000LL);
    ASSERT_EQ(m.n_schema, 9);
    ASSERT_STR_EQ(m.schema[0].name, "schema");
    ASSERT_TRUE(!m.schema[0].has_type && !m.schema[0].has_repetition);
    ASSERT_EQ(m.schema[0].num_children, 7);
    const pq_schema_element *e = &m.schema[1];
    ASSERT_STR_EQ(e->name, "dec");
    ASSERT_TRUE(e->has_type && e->type == PQ_FIXED_LEN_BYTE_ARRAY && e->type_length == 16);
    ASSERT_TRUE(e->has_repetition && e->repetition == PQ_OPTIONAL);
    ASSERT_EQ(e->converted, PQ_CT_DECIMAL);
    ASSERT_TRUE(e->scale == 4 && e->precision == 38);
    ASSERT_TRUE(e->has_field_id && e->field_id == -5);
    ASSERT_EQ(e->logical.kind, PQ_LT_DECIMAL);
    ASSERT_TRUE(e->logical.scale == 4 && e->logical.precision == 38);
    e = &m.schema[2];
    ASSERT_EQ(e->logical.kind, PQ_LT_TIME);
    ASSERT_TRUE(e->logical.unit == PQ_NANOS && e->logical.is_adjusted_to_utc);
    ASSERT_EQ(e->converted, PQ_CT_NONE);
    ASSERT_TRUE(!e->has_field_id);
    e = &m.schema[3];
    ASSERT_EQ(e->logical.kind, PQ_LT_TIMESTAMP);
    ASSERT_TRUE(e->logical.unit == PQ_MICROS && !e->logical.is_adjusted_to_utc);
    ASSERT_EQ(e->converted, PQ_CT_TIMESTAMP_MICROS);
    e = &m.schema[4];
    ASSERT_EQ(e->logical.kind, PQ_LT_INTEGER);
    ASSERT_TRUE(e->logical.bit_width == 8 && !e->logical.is_signed);
    ASSERT_EQ(m.schema[5].logical.kind, PQ_LT_STRING);
    ASSERT_EQ(m.schema[5].repetition, PQ_REPEATED);
    ASSERT_EQ(m.schema[6].logical.kind, PQ_LT_UUID);
    ASSERT_TRUE(!m.schema[7].has_type && m.schema[7].num_children == 1);
    ASSERT_EQ(m.schema[7].logical.kind, PQ_LT_LIST);
    ASSERT_EQ(m.schema[8].logical.kind, PQ_LT_NONE);

    ASSERT_EQ(m.n_key_value, 2);
    ASSERT_STR_EQ(m.key_value[0].key, "k1");
    ASSERT_TRUE(m.key_value[0].value_len == 5 && !memcmp(m.key_value[0].value, "v\0one", 5));
    ASSERT_STR_EQ(m.key_value[1].key, "k2");
    ASSERT_TRUE(m.key_value[1].value == NULL);
    ASSERT_STR_EQ(m.created_by, "bricks version 0.1.0");
    ASSERT_EQ(m.n_column_orders, 7);
    ASSERT_EQ(m.column_orders[0], PQ_ORDER_TYPE_DEFINED);
    ASSERT_EQ(m.column_orders[5], PQ_ORDER_INT96_TIMESTAMP);
    ASSERT_EQ(m.column_orders[6], PQ_ORDER_IEEE_754_TOTAL);
    ASSERT_TRUE(!m.is_encrypted);

    ASSERT_EQ(m.n_row_groups, 2);
    const pq_row_group *rg = &m.row_groups[0];
    ASSERT_TRUE(rg->n_columns == 2 && rg->total_byte_size == 3000 && rg->num_rows == 100);
    ASSERT_EQ(rg->n_sorting_columns, 1);
    ASSERT_TRUE(rg->sorting_columns[0].column_idx == 1 && rg->sorting_columns[0].descending &&
                !rg->sorting_columns[0].nulls_first);
    ASSERT_TRUE(rg->has_file_offset && rg->file_offset == 4);
    ASSERT_TRUE(rg->has_total_compressed_size && rg->total_compressed_size == 1500);
    ASSERT_TRUE(rg->has_ordinal && rg->ordinal == 0);
    const pq_column_chunk *c = &rg->columns[0];
    ASSERT_STR_EQ(c->file_path, "other.parquet");
    ASSERT_EQ(c->file_offset, 4);
    ASSERT_TRUE(c->has_meta_data && !c->is_encrypted);
    const pq_column_meta *cm = &c->meta;
    ASSERT_EQ(cm->type, PQ_DOUBLE);
    ASSERT_EQ(cm->n_encodings, 3);
    ASSERT_EQ(cm->encodings[2], PQ_ENC_RLE_DICTIONARY);
    ASSERT_EQ(cm->n_path, 2);
    ASSERT_STR_EQ(cm->path_in_schema[0], "g");
    ASSERT_STR_EQ(cm->path_in_schema[1], "d");
    ASSERT_EQ(cm->codec, PQ_CODEC_ZSTD);
    ASSERT_TRUE(cm->num_values == 100 && cm->total_uncompressed_size == 2000 &&
                cm->total_compressed_size == 1000);
    ASSERT_EQ(cm->n_key_value, 1);
    ASSERT_STR_EQ(cm->key_value[0].key, "k1");
    ASSERT_EQ(cm->data_page_offset, 40);
    ASSERT_TRUE(cm->has_index_page_offset && cm->index_page_offset == 30);
    ASSERT_TRUE(cm->has_dictionary_page_offset && cm->dictionary_page_offset == 4);
    ASSERT_TRUE(cm->has_statistics);
    check_full_stats(&cm->statistics);
    ASSERT_EQ(cm->n_encoding_stats, 2);
    ASSERT_TRUE(cm->encoding_stats[1].page_type == PQ_PAGE_DATA_V2 &&
                cm->encoding_stats[1].encoding == PQ_ENC_RLE_DICTIONARY &&
                cm->encoding_stats[1].count == 12);
    ASSERT_TRUE(cm->has_bloom_filter && cm->bloom_filter_offset == 123456 &&
                cm->bloom_filter_length == 789);
    ASSERT_TRUE(c->has_offset_index && c->offset_index_offset == 999 &&
                c->offset_index_length == 55);
    ASSERT_TRUE(c->has_column_index && c->column_index_offset == 1054 &&
                c->column_index_length == 66);
    /* the chunk with only required fields */
    c = &rg->columns[1];
    ASSERT_TRUE(c->file_path == NULL && c->has_meta_data);
    ASSERT_TRUE(!c->has_offset_index && !c->has_column_index);
    cm = &c->meta;
    ASSERT_TRUE(cm->n_encodings == 0 && cm->n_key_value == 0 && cm->n_encoding_stats == 0);
    ASSERT_TRUE(!cm->has_index_page_offset && !cm->has_dictionary_page_offset);
    ASSERT_TRUE(!cm->has_statistics && !cm->has_bloom_filter && cm->bloom_filter_length == 0);
    rg = &m.row_groups[1];
    ASSERT_TRUE(rg->n_columns == 0 && rg->n_sorting_columns == 0);
    ASSERT_TRUE(!rg->has_file_offset && !rg->has_total_compressed_size && !rg->has_ordinal);

    /* Re-encoding the decoded struct gives the same bytes. */
    bk_buf again;
    bk_buf_init(&again);
    ASSERT_EQ(pq_meta_encode_file(&m, &again), BK_OK);
    ASSERT_EQ(again.len, buf.len);
    ASSERT_TRUE(memcmp(again.data, buf.data, buf.len) == 0);
    bk_buf_destroy(&again);
    bk_buf_destroy(&buf);
    bk_arena_free(a);
}

BK_TEST(meta_file_round_trip_minimal) {
    pq_schema_element schema[2];
    memset(schema, 0, sizeof schema);
    schema[0].name = "root";
    schema[0].num_children = 1;
    schema[0].converted = PQ_CT_NONE;
    schema[1] = leaf("x", PQ_BOOLEAN, PQ_REQUIRED);
    pq_file_meta in;
    memset(&in, 0, sizeof in);
    in.version = 1;
    in.n_schema = 2;
    in.schema = schema;
    bk_buf buf;
    bk_buf_init(&buf);
    ASSERT_EQ(bk_buf_append(&buf, "pre", 3), BK_OK); /* encoders append */
    ASSERT_EQ(pq_meta_encode_file(&in, &buf), BK_OK);
    ASSERT_TRUE(memcmp(buf.data, "pre", 3) == 0);

    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_error err;
    bk_error_clear(&err);
    pq_file_meta m;
    ASSERT_OK(pq_meta_decode_file(a, buf.data + 3, buf.len - 3, &m, &err), errp(&err));
    ASSERT_EQ(m.version, 1);
    ASSERT_EQ(m.num_rows, 0);
    ASSERT_EQ(m.n_schema, 2);
    ASSERT_STR_EQ(m.schema[1].name, "x");
    ASSERT_TRUE(m.schema[1].has_type && m.schema[1].type == PQ_BOOLEAN);
    ASSERT_TRUE(m.schema[1].type_length == 0 && m.schema[1].num_children == 0);
    ASSERT_EQ(m.schema[1].converted, PQ_CT_NONE);
    ASSERT_EQ(m.schema[1].logical.kind, PQ_LT_NONE);
    ASSERT_TRUE(m.n_row_groups == 0 && m.row_groups == NULL);
    ASSERT_TRUE(m.n_key_value == 0 && m.created_by == NULL);
    ASSERT_TRUE(m.n_column_orders == 0 && m.column_orders == NULL);
    bk_buf_destroy(&buf);
    bk_arena_free(a);
}

BK_TEST(meta_encode_rejects_bad_input_and_keeps_buffer) {
    pq_file_meta m = full_file_meta();
    fx_orders[2] = PQ_ORDER_UNKNOWN; /* cannot be written */
    bk_buf buf;
    bk_buf_init(&buf);
    ASSERT_EQ(bk_buf_append(&buf, "xy", 2), BK_OK);
    ASSERT_EQ(pq_meta_encode_file(&m, &buf), BK_INVALID_ARGUMENT);
    ASSERT_EQ(buf.len, 2);
    m = full_file_meta();
    fx_schema[3].name = NULL;
    ASSERT_EQ(pq_meta_encode_file(&m, &buf), BK_INVALID_ARGUMENT);
    ASSERT_EQ(buf.len, 2);
    /* OOM while growing the buffer */
    m = full_file_meta();
    bk_buf_destroy(&buf);
    bk_buf_init(&buf);
    bk_mem_fail_after(0);
    bk_status st = pq_meta_encode_file(&m, &buf);
    bk_mem_fail_reset();
    ASSERT_EQ(st, BK_OUT_OF_MEMORY);
    ASSERT_EQ(buf.len, 0);
    bk_buf_destroy(&buf);
}

static bk_status page_round_trip(bk_arena *a, const pq_page_header *in, pq_page_header *out,
                                 bk_error *err) {
    bk_buf buf;
    bk_buf_init(&buf);
    bk_status st = pq_meta_encode_page_header(in, &buf);
    if (st != BK_OK) return st;
    /* trailing page bytes after the header must not be consumed */
    st = bk_buf_append(&buf, "PAGEBODY", 8);
    size_t hlen = 0;
    if (st == BK_OK) st = pq_meta_decode_page_header(a, buf.data, buf.len, out, &hlen, err);
    if (st == BK_OK && hlen != buf.len - 8) st = BK_INTERNAL;
    /* and every strict prefix of the header fails */
    for (size_t len = 0; st == BK_OK && len < hlen; len++) {
        pq_page_header tmp;
        bk_error e2;
        bk_error_clear(&e2);
        if (pq_meta_decode_page_header(a, buf.data, len, &tmp, NULL, &e2) != BK_CORRUPT)
            st = BK_INTERNAL;
    }
    bk_buf_destroy(&buf);
    return st;
}

BK_TEST(meta_page_header_round_trips) {
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_error err;
    bk_error_clear(&err);
    pq_page_header in, out;

    /* v1 data page with crc (high bit set) and statistics */
    memset(&in, 0, sizeof in);
    in.type = PQ_PAGE_DATA;
    in.uncompressed_page_size = 1 << 20;
    in.compressed_page_size = 4000;
    in.has_crc = true;
    in.crc = 0xdeadbeef;
    in.num_values = 1000;
    in.encoding = PQ_ENC_RLE_DICTIONARY;
    in.def_level_encoding = PQ_ENC_RLE;
    in.rep_level_encoding = PQ_ENC_BIT_PACKED;
    in.has_statistics = true;
    in.statistics = full_stats();
    ASSERT_OK(page_round_trip(a, &in, &out, &err), errp(&err));
    ASSERT_EQ(out.type, PQ_PAGE_DATA);
    ASSERT_TRUE(out.uncompressed_page_size == 1 << 20 && out.compressed_page_size == 4000);
    ASSERT_TRUE(out.has_crc && out.crc == 0xdeadbeef);
    ASSERT_TRUE(out.num_values == 1000 && out.encoding == PQ_ENC_RLE_DICTIONARY);
    ASSERT_TRUE(out.def_level_encoding == PQ_ENC_RLE &&
                out.rep_level_encoding == PQ_ENC_BIT_PACKED);
    ASSERT_TRUE(out.has_statistics);
    check_full_stats(&out.statistics);
    ASSERT_TRUE(out.is_compressed);

    /* v1 without optional fields */
    in.has_crc = false;
    in.has_statistics = false;
    ASSERT_OK(page_round_trip(a, &in, &out, &err), errp(&err));
    ASSERT_TRUE(!out.has_crc && !out.has_statistics);

    /* v2, not compressed, with statistics */
    memset(&in, 0, sizeof in);
    in.type = PQ_PAGE_DATA_V2;
    in.uncompressed_page_size = 100;
    in.compressed_page_size = 90;
    in.num_values = 50;
    in.num_nulls = 5;
    in.num_rows = 10;
    in.encoding = PQ_ENC_DELTA_BINARY_PACKED;
    in.def_levels_byte_length = 7;
    in.rep_levels_byte_length = 3;
    in.is_compressed = false;
    in.has_statistics = true;
    in.statistics.has_null_count = true;
    in.statistics.null_count = 5;
    ASSERT_OK(page_round_trip(a, &in, &out, &err), errp(&err));
    ASSERT_EQ(out.type, PQ_PAGE_DATA_V2);
    ASSERT_TRUE(out.num_values == 50 && out.num_nulls == 5 && out.num_rows == 10);
    ASSERT_EQ(out.encoding, PQ_ENC_DELTA_BINARY_PACKED);
    ASSERT_TRUE(out.def_levels_byte_length == 7 && out.rep_levels_byte_length == 3);
    ASSERT_TRUE(!out.is_compressed);
    ASSERT_TRUE(out.has_statistics && out.statistics.has_null_count &&
                out.statistics.null_count == 5 && !out.statistics.has_min_value);
    in.is_compressed = true;
    in.has_statistics = false;
    ASSERT_OK(page_round_trip(a, &in, &out, &err), errp(&err));
    ASSERT_TRUE(out.is_compressed && !out.has_statistics);

    /* dictionary page, sorted and not */
    memset(&in, 0, sizeof in);
    in.type = PQ_PAGE_DICTIONARY;
    in.uncompressed_page_size = 10;
    in.compressed_page_size = 10;
    in.num_values = 3;
    in.encoding = PQ_ENC_PLAIN;
    in.is_sorted = true;
    ASSERT_OK(page_round_trip(a, &in, &out, &err), errp(&err));
    ASSERT_TRUE(out.type == PQ_PAGE_DICTIONARY && out.num_values == 3 && out.is_sorted);
    in.is_sorted = false;
    ASSERT_OK(page_round_trip(a, &in, &out, &err), errp(&err));
    ASSERT_TRUE(!out.is_sorted);

    /* index page */
    memset(&in, 0, sizeof in);
    in.type = PQ_PAGE_INDEX;
    ASSERT_OK(page_round_trip(a, &in, &out, &err), errp(&err));
    ASSERT_EQ(out.type, PQ_PAGE_INDEX);
    bk_arena_free(a);
}

/* PageHeader bytes built by hand with the thrift writer. */
BK_TEST(meta_page_header_v2_is_compressed_defaults_true) {
    bk_buf buf;
    bk_buf_init(&buf);
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, &buf);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_field_i32(&w, 1, PQ_PAGE_DATA_V2);
    pq_thrift_write_field_i32(&w, 2, 10);
    pq_thrift_write_field_i32(&w, 3, 10);
    pq_thrift_write_field_struct(&w, 8);
    for (int16_t id = 1; id <= 6; id++) pq_thrift_write_field_i32(&w, id, id == 4 ? 0 : 1);
    pq_thrift_write_struct_end(&w);
    pq_thrift_write_struct_end(&w);
    ASSERT_EQ(pq_thrift_writer_status(&w), BK_OK);
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_error err;
    bk_error_clear(&err);
    pq_page_header h;
    size_t hlen;
    ASSERT_OK(pq_meta_decode_page_header(a, buf.data, buf.len, &h, &hlen, &err), errp(&err));
    ASSERT_TRUE(h.is_compressed);
    ASSERT_EQ(hlen, buf.len);
    bk_buf_destroy(&buf);
    bk_arena_free(a);
}

BK_TEST(meta_page_header_rejects_bad_values) {
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_error err;
    pq_page_header h;
    bk_buf buf;
    bk_buf_init(&buf);
    pq_thrift_writer w;

    /* negative compressed size */
    pq_thrift_writer_init(&w, &buf);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_field_i32(&w, 1, PQ_PAGE_DATA);
    pq_thrift_write_field_i32(&w, 2, 10);
    pq_thrift_write_field_i32(&w, 3, -10);
    pq_thrift_write_struct_end(&w);
    bk_error_clear(&err);
    ASSERT_EQ(pq_meta_decode_page_header(a, buf.data, buf.len, &h, NULL, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "PageHeader.compressed_page_size is negative: -10");

    /* data page without its data_page_header */
    bk_buf_clear(&buf);
    pq_thrift_writer_init(&w, &buf);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_field_i32(&w, 1, PQ_PAGE_DATA);
    pq_thrift_write_field_i32(&w, 2, 10);
    pq_thrift_write_field_i32(&w, 3, 10);
    pq_thrift_write_struct_end(&w);
    bk_error_clear(&err);
    ASSERT_EQ(pq_meta_decode_page_header(a, buf.data, buf.len, &h, NULL, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "PageHeader.data_page_header is missing");

    /* dictionary page with negative num_values (as in ARROW-RS-GH-6229-DICTHEADER) */
    bk_buf_clear(&buf);
    pq_thrift_writer_init(&w, &buf);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_field_i32(&w, 1, PQ_PAGE_DICTIONARY);
    pq_thrift_write_field_i32(&w, 2, 10);
    pq_thrift_write_field_i32(&w, 3, 10);
    pq_thrift_write_field_struct(&w, 7);
    pq_thrift_write_field_i32(&w, 1, -3);
    pq_thrift_write_field_i32(&w, 2, PQ_ENC_PLAIN);
    pq_thrift_write_struct_end(&w);
    pq_thrift_write_struct_end(&w);
    bk_error_clear(&err);
    ASSERT_EQ(pq_meta_decode_page_header(a, buf.data, buf.len, &h, NULL, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "DictionaryPageHeader.num_values is negative: -3");

    /* v2 levels longer than the page */
    pq_page_header in;
    memset(&in, 0, sizeof in);
    in.type = PQ_PAGE_DATA_V2;
    in.compressed_page_size = 5;
    in.uncompressed_page_size = 5;
    in.def_levels_byte_length = 4;
    in.rep_levels_byte_length = 4;
    bk_buf_clear(&buf);
    ASSERT_EQ(pq_meta_encode_page_header(&in, &buf), BK_OK);
    bk_error_clear(&err);
    ASSERT_EQ(pq_meta_decode_page_header(a, buf.data, buf.len, &h, NULL, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "exceed compressed_page_size 5");

    /* an unknown page type is kept, not an error */
    in.type = (pq_page_type)9;
    bk_buf_clear(&buf);
    ASSERT_EQ(pq_meta_encode_page_header(&in, &buf), BK_INVALID_ARGUMENT);
    pq_thrift_writer_init(&w, &buf);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_field_i32(&w, 1, 9);
    pq_thrift_write_field_i32(&w, 2, 10);
    pq_thrift_write_field_i32(&w, 3, 10);
    pq_thrift_write_field_struct(&w, 12);
    pq_thrift_write_struct_end(&w);
    pq_thrift_write_struct_end(&w);
    bk_error_clear(&err);
    ASSERT_OK(pq_meta_decode_page_header(a, buf.data, buf.len, &h, NULL, &err), errp(&err));
    ASSERT_EQ(h.type, 9);
    ASSERT_STR_EQ(pq_page_type_name(h.type), "UNKNOWN");
    bk_buf_destroy(&buf);
    bk_arena_free(a);
}

BK_TEST(meta_column_index_round_trip) {
    bool null_pages[3] = {false, true, false};
    pq_bytes mins[3] = {{(const uint8_t *)"a", 1}, {NULL, 0}, {(const uint8_t *)"m", 1}};
    pq_bytes maxs[3] = {{(const uint8_t *)"k", 1}, {NULL, 0}, {(const uint8_t *)"zz", 2}};
    int64_t null_counts[3] = {0, 40, 2};
    pq_column_index in = {3, null_pages, mins, maxs, PQ_ASCENDING, true, null_counts};
    bk_buf buf;
    bk_buf_init(&buf);
    ASSERT_EQ(pq_meta_encode_column_index(&in, &buf), BK_OK);
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_error err;
    bk_error_clear(&err);
    pq_column_index out;
    ASSERT_OK(pq_meta_decode_column_index(a, buf.data, buf.len, &out, &err), errp(&err));
    ASSERT_EQ(out.n_pages, 3);
    ASSERT_TRUE(!out.null_pages[0] && out.null_pages[1] && !out.null_pages[2]);
    ASSERT_TRUE(bytes_eq(out.min_values[0], "a") && out.min_values[1].len == 0);
    ASSERT_TRUE(bytes_eq(out.max_values[2], "zz"));
    ASSERT_EQ(out.boundary_order, PQ_ASCENDING);
    ASSERT_TRUE(out.has_null_counts && out.null_counts[1] == 40 && out.null_counts[2] == 2);
    for (size_t len = 0; len < buf.len; len++) {
        bk_error_clear(&err);
        ASSERT_EQ(pq_meta_decode_column_index(a, buf.data, len, &out, &err), BK_CORRUPT);
    }

    /* without null_counts; empty index */
    in.has_null_counts = false;
    bk_buf_clear(&buf);
    ASSERT_EQ(pq_meta_encode_column_index(&in, &buf), BK_OK);
    ASSERT_OK(pq_meta_decode_column_index(a, buf.data, buf.len, &out, &err), errp(&err));
    ASSERT_TRUE(!out.has_null_counts && out.null_counts == NULL);
    pq_column_index empty = {0, NULL, NULL, NULL, PQ_UNORDERED, false, NULL};
    bk_buf_clear(&buf);
    ASSERT_EQ(pq_meta_encode_column_index(&empty, &buf), BK_OK);
    ASSERT_OK(pq_meta_decode_column_index(a, buf.data, buf.len, &out, &err), errp(&err));
    ASSERT_EQ(out.n_pages, 0);

    /* list lengths that disagree */
    pq_thrift_writer w;
    bk_buf_clear(&buf);
    pq_thrift_writer_init(&w, &buf);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_field_list(&w, 1, PQ_THRIFT_TRUE, 2);
    pq_thrift_write_bool_elem(&w, false);
    pq_thrift_write_bool_elem(&w, false);
    pq_thrift_write_field_list(&w, 2, PQ_THRIFT_BINARY, 1);
    pq_thrift_write_binary(&w, "a", 1);
    pq_thrift_write_field_list(&w, 3, PQ_THRIFT_BINARY, 1);
    pq_thrift_write_binary(&w, "b", 1);
    pq_thrift_write_field_i32(&w, 4, 0);
    pq_thrift_write_struct_end(&w);
    bk_error_clear(&err);
    ASSERT_EQ(pq_meta_decode_column_index(a, buf.data, buf.len, &out, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "ColumnIndex has 2 null_pages but 1 min_values and 1 max_values");
    bk_buf_destroy(&buf);
    bk_arena_free(a);
}

BK_TEST(meta_offset_index_round_trip) {
    pq_page_location pages[3] = {{4, 100, 0}, {104, 200, 1000}, {304, 50, 1 << 30}};
    pq_offset_index in = {3, pages};
    bk_buf buf;
    bk_buf_init(&buf);
    ASSERT_EQ(pq_meta_encode_offset_index(&in, &buf), BK_OK);
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_error err;
    bk_error_clear(&err);
    pq_offset_index out;
    ASSERT_OK(pq_meta_decode_offset_index(a, buf.data, buf.len, &out, &err), errp(&err));
    ASSERT_EQ(out.n_pages, 3);
    for (int idx = 0; idx < 3; idx++) {
        ASSERT_EQ(out.pages[idx].offset, pages[idx].offset);
        ASSERT_EQ(out.pages[idx].compressed_page_size, pages[idx].compressed_page_size);
        ASSERT_EQ(out.pages[idx].first_row_index, pages[idx].first_row_index);
    }
    for (size_t len = 0; len < buf.len; len++) {
        bk_error_clear(&err);
        ASSERT_EQ(pq_meta_decode_offset_index(a, buf.data, len, &out, &err), BK_CORRUPT);
    }
    pages[1].first_row_index = -1;
    bk_buf_clear(&buf);
    ASSERT_EQ(pq_meta_encode_offset_index(&in, &buf), BK_OK);
    bk_error_clear(&err);
    ASSERT_EQ(pq_meta_decode_offset_index(a, buf.data, buf.len, &out, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "PageLocation.first_row_index is negative: -1");
    bk_buf_destroy(&buf);
    bk_arena_free(a);
}

/* ---- hand-built FileMetaData: unknown values ---- */

/* Write a minimal FileMetaData whose one leaf is produced by `leaf_fn`. */
typedef void (*leaf_writer)(pq_thrift_writer *w);

static void write_file_with_leaf(bk_buf *buf, leaf_writer leaf_fn, int64_t num_rows) {
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, buf);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_field_i32(&w, 1, 1);
    pq_thrift_write_field_list(&w, 2, PQ_THRIFT_STRUCT, 2);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_field_string(&w, 4, "root");
    pq_thrift_write_field_i32(&w, 5, 1);
    pq_thrift_write_struct_end(&w);
    pq_thrift_write_struct_begin(&w);
    leaf_fn(&w);
    pq_thrift_write_struct_end(&w);
    pq_thrift_write_field_i64(&w, 3, num_rows);
    pq_thrift_write_field_list(&w, 4, PQ_THRIFT_STRUCT, 0);
    /* column orders: one unknown member (id 9), then an unknown field in FileMetaData */
    pq_thrift_write_field_list(&w, 7, PQ_THRIFT_STRUCT, 1);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_field_struct(&w, 9);
    pq_thrift_write_field_i32(&w, 1, 5);
    pq_thrift_write_struct_end(&w);
    pq_thrift_write_struct_end(&w);
    pq_thrift_write_field_binary(&w, 200, "future", 6);
    pq_thrift_write_struct_end(&w);
}

static void leaf_unknown_type(pq_thrift_writer *w) {
    pq_thrift_write_field_i32(w, 1, 9);
    pq_thrift_write_field_string(w, 4, "x");
}

static void leaf_unknown_logical(pq_thrift_writer *w) {
    pq_thrift_write_field_i32(w, 1, PQ_BYTE_ARRAY);
    pq_thrift_write_field_i32(w, 3, PQ_OPTIONAL);
    pq_thrift_write_field_string(w, 4, "x");
    pq_thrift_write_field_struct(w, 10);
    pq_thrift_write_field_struct(w, 42); /* a LogicalType member from the future */
    pq_thrift_write_field_list(w, 1, PQ_THRIFT_I32, 1);
    pq_thrift_write_i32(w, 3);
    pq_thrift_write_struct_end(w);
    pq_thrift_write_struct_end(w);
    pq_thrift_write_field_i32(w, 11, 7); /* SchemaElement.vector_length: skipped */
}

static void leaf_unknown_time_unit(pq_thrift_writer *w) {
    pq_thrift_write_field_i32(w, 1, PQ_INT64);
    pq_thrift_write_field_i32(w, 3, PQ_OPTIONAL);
    pq_thrift_write_field_string(w, 4, "x");
    pq_thrift_write_field_struct(w, 10);
    pq_thrift_write_field_struct(w, PQ_LT_TIMESTAMP);
    pq_thrift_write_field_bool(w, 1, true);
    pq_thrift_write_field_struct(w, 2);
    pq_thrift_write_field_struct(w, 4); /* TimeUnit member 4: unknown */
    pq_thrift_write_struct_end(w);
    pq_thrift_write_struct_end(w);
    pq_thrift_write_struct_end(w);
    pq_thrift_write_struct_end(w);
}

static void leaf_bad_int_width(pq_thrift_writer *w) {
    pq_thrift_write_field_i32(w, 1, PQ_INT32);
    pq_thrift_write_field_string(w, 4, "x");
    pq_thrift_write_field_struct(w, 10);
    pq_thrift_write_field_struct(w, PQ_LT_INTEGER);
    pq_thrift_write_field_i8(w, 1, 12);
    pq_thrift_write_field_bool(w, 2, true);
    pq_thrift_write_struct_end(w);
    pq_thrift_write_struct_end(w);
}

static void leaf_vector_repetition(pq_thrift_writer *w) {
    pq_thrift_write_field_i32(w, 1, PQ_INT32);
    pq_thrift_write_field_i32(w, 3, 3);
    pq_thrift_write_field_string(w, 4, "x");
}

static void leaf_no_name(pq_thrift_writer *w) { pq_thrift_write_field_i32(w, 1, PQ_INT32); }

static void leaf_two_members(pq_thrift_writer *w) {
    pq_thrift_write_field_string(w, 4, "x");
    pq_thrift_write_field_struct(w, 10);
    pq_thrift_write_field_struct(w, PQ_LT_STRING);
    pq_thrift_write_struct_end(w);
    pq_thrift_write_field_struct(w, PQ_LT_JSON);
    pq_thrift_write_struct_end(w);
    pq_thrift_write_struct_end(w);
}

static bk_status decode_with_leaf(bk_arena *a, leaf_writer fn, int64_t num_rows,
                                  pq_file_meta *m, bk_error *err) {
    bk_buf buf;
    bk_buf_init(&buf);
    write_file_with_leaf(&buf, fn, num_rows);
    bk_error_clear(err);
    bk_status st = pq_meta_decode_file(a, buf.data, buf.len, m, err);
    bk_buf_destroy(&buf);
    return st;
}

BK_TEST(meta_unknown_values) {
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_error err;
    pq_file_meta m;
    ASSERT_EQ(decode_with_leaf(a, leaf_unknown_type, 1, &m, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "SchemaElement.type has unknown value 9");

    ASSERT_OK(decode_with_leaf(a, leaf_unknown_logical, 1, &m, &err), errp(&err));
    ASSERT_EQ(m.schema[1].logical.kind, PQ_LT_UNRECOGNIZED);
    ASSERT_EQ(m.n_column_orders, 1);
    ASSERT_EQ(m.column_orders[0], PQ_ORDER_UNKNOWN);

    ASSERT_OK(decode_with_leaf(a, leaf_unknown_time_unit, 1, &m, &err), errp(&err));
    ASSERT_EQ(m.schema[1].logical.kind, PQ_LT_UNRECOGNIZED);

    ASSERT_EQ(decode_with_leaf(a, leaf_bad_int_width, 1, &m, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "IntType.bitWidth has invalid value 12");

    ASSERT_EQ(decode_with_leaf(a, leaf_vector_repetition, 1, &m, &err), BK_UNSUPPORTED);
    ASSERT_CONTAINS(err.msg, "VECTOR");

    ASSERT_EQ(decode_with_leaf(a, leaf_no_name, 1, &m, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "SchemaElement.name is missing");

    ASSERT_EQ(decode_with_leaf(a, leaf_two_members, 1, &m, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "LogicalType has 2 members");

    ASSERT_EQ(decode_with_leaf(a, leaf_no_name, -1, &m, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "SchemaElement.name is missing");
    ASSERT_EQ(decode_with_leaf(a, leaf_vector_repetition, 1, &m, &err), BK_UNSUPPORTED);
    bk_arena_free(a);
}

BK_TEST(meta_negative_counts_and_wire_errors_name_the_field) {
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_error err;
    pq_file_meta m;
    ASSERT_EQ(decode_with_leaf(a, leaf_unknown_logical, -7, &m, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "FileMetaData.num_rows is negative: -7");

    /* A wrong wire type deep inside: ColumnMetaData.num_values as binary. */
    pq_file_meta in = full_file_meta();
    bk_buf buf;
    bk_buf_init(&buf);
    ASSERT_EQ(pq_meta_encode_file(&in, &buf), BK_OK);
    /* num_values (field 5, i64 100 = zigzag 200 = c8 01) follows codec (field 4, i32 6 = 0c):
     * find "15 0c 16 c8 01" and turn the i64 type nibble into binary (8). */
    static const uint8_t pat[] = {0x15, 0x0c, 0x16, 0xc8, 0x01};
    uint8_t *hit = NULL;
    for (size_t idx = 0; idx + sizeof pat <= buf.len; idx++)
        if (!memcmp(buf.data + idx, pat, sizeof pat)) hit = buf.data + idx;
    ASSERT_TRUE(hit != NULL);
    hit[2] = 0x18;
    bk_error_clear(&err);
    /* a known field with the wrong wire type is skipped, as Thrift readers do; this one
     * is required, so it is then missing */
    ASSERT_EQ(pq_meta_decode_file(a, buf.data, buf.len, &m, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "ColumnMetaData.num_values is missing");

    /* a wire error deep inside names the innermost struct and field */
    hit[2] = 0x16;
    hit[3] = 0x80;
    hit[4] = 0x80; /* the varint now runs on into the following bytes... */
    for (uint8_t *p = hit + 5; p < buf.data + buf.len; p++) *p = 0x80; /* ...to the end */
    bk_error_clear(&err);
    ASSERT_EQ(pq_meta_decode_file(a, buf.data, buf.len, &m, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "ColumnMetaData.num_values: invalid thrift data at byte");
    ASSERT_CONTAINS(err.msg, "varint");
    bk_buf_destroy(&buf);
    bk_buf_init(&buf);
    ASSERT_EQ(pq_meta_encode_file(&in, &buf), BK_OK);
    hit = NULL;
    for (size_t idx = 0; idx + sizeof pat <= buf.len; idx++)
        if (!memcmp(buf.data + idx, pat, sizeof pat)) hit = buf.data + idx;
    ASSERT_TRUE(hit != NULL);

    /* Unknown codec and encoding values are kept for the reader to report. */
    hit[1] = 84; /* codec 42 */
    bk_error_clear(&err);
    ASSERT_OK(pq_meta_decode_file(a, buf.data, buf.len, &m, &err), errp(&err));
    ASSERT_EQ(m.row_groups[0].columns[0].meta.codec, 42);
    ASSERT_STR_EQ(pq_codec_name(m.row_groups[0].columns[0].meta.codec), "UNKNOWN");
    bk_buf_destroy(&buf);

    /* Negative statistics counts are dropped, not fatal. */
    pq_statistics st = full_stats();
    st.null_count = -1;
    pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = PQ_PAGE_DATA;
    h.encoding = (pq_encoding)42;
    h.has_statistics = true;
    h.statistics = st;
    bk_buf_init(&buf);
    ASSERT_EQ(pq_meta_encode_page_header(&h, &buf), BK_OK);
    pq_page_header out;
    bk_error_clear(&err);
    ASSERT_OK(pq_meta_decode_page_header(a, buf.data, buf.len, &out, NULL, &err), errp(&err));
    ASSERT_TRUE(out.has_statistics && !out.statistics.has_null_count);
    ASSERT_EQ(out.encoding, 42);
    ASSERT_STR_EQ(pq_encoding_name(out.encoding), "UNKNOWN");
    bk_buf_destroy(&buf);
    bk_arena_free(a);
}

BK_TEST(meta_names) {
    ASSERT_STR_EQ(pq_physical_name(PQ_INT32), "INT32");
    ASSERT_STR_EQ(pq_physical_name(PQ_FIXED_LEN_BYTE_ARRAY), "FIXED_LEN_BYTE_ARRAY");
    ASSERT_STR_EQ(pq_physical_name((pq_physical)99), "UNKNOWN");
    ASSERT_STR_EQ(pq_codec_name(PQ_CODEC_SNAPPY), "SNAPPY");
    ASSERT_STR_EQ(pq_codec_name(PQ_CODEC_LZ4_RAW), "LZ4_RAW");
    ASSERT_STR_EQ(pq_encoding_name(PQ_ENC_RLE_DICTIONARY), "RLE_DICTIONARY");
    ASSERT_STR_EQ(pq_encoding_name(PQ_ENC_BYTE_STREAM_SPLIT), "BYTE_STREAM_SPLIT");
    ASSERT_STR_EQ(pq_encoding_name((pq_encoding)1), "UNKNOWN");
    ASSERT_STR_EQ(pq_page_type_name(PQ_PAGE_DATA_V2), "DATA_PAGE_V2");
    ASSERT_STR_EQ(pq_converted_name(PQ_CT_UTF8), "UTF8");
    ASSERT_STR_EQ(pq_converted_name(PQ_CT_TIMESTAMP_MICROS), "TIMESTAMP_MICROS");
    ASSERT_STR_EQ(pq_converted_name(PQ_CT_INTERVAL), "INTERVAL");
    ASSERT_STR_EQ(pq_converted_name(PQ_CT_NONE), "NONE");
    ASSERT_STR_EQ(pq_converted_name((pq_converted)22), "UNKNOWN");
}

/* ---- robustness ---- */

BK_TEST(meta_file_truncated_at_every_prefix) {
    bk_buf buf;
    ASSERT_EQ(encode_full(&buf), BK_OK);
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    for (size_t len = 0; len < buf.len; len++) {
        /* copy into an exact-size heap block so ASan catches any over-read */
        uint8_t *copy = bk_malloc(len ? len : 1);
        ASSERT_TRUE(copy != NULL);
        memcpy(copy, buf.data, len);
        bk_error err;
        bk_error_clear(&err);
        pq_file_meta m;
        bk_status st = pq_meta_decode_file(a, copy, len, &m, &err);
        bk_free(copy);
        if (st != BK_CORRUPT) {
            bk_test_fail(__FILE__, __LINE__, "prefix %zu of %zu: status %d", len, buf.len, st);
            break;
        }
        ASSERT_TRUE(err.msg[0] != '\0');
        bk_arena_reset(a);
    }
    bk_buf_destroy(&buf);
    bk_arena_free(a);
}

/* Deterministic byte mutations of a valid footer: no crash, no hang, no leak. */
BK_TEST(meta_file_mutations_fail_cleanly) {
    bk_buf buf;
    ASSERT_EQ(encode_full(&buf), BK_OK);
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    uint8_t *copy = bk_malloc(buf.len);
    ASSERT_TRUE(copy != NULL);
    uint64_t rng = 0x9e3779b97f4a7c15ULL;
    int n_ok = 0;
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(copy, buf.data, buf.len);
        int n_mut = 1 + iter % 4;
        for (int k = 0; k < n_mut; k++) {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            copy[(rng >> 8) % buf.len] = (uint8_t)(rng >> 40);
        }
        bk_error err;
        bk_error_clear(&err);
        pq_file_meta m;
        bk_status st = pq_meta_decode_file(a, copy, buf.len, &m, &err);
        if (st == BK_OK) n_ok++;
        else ASSERT_TRUE(err.msg[0] != '\0');
        bk_arena_reset(a);
    }
    ASSERT_TRUE(n_ok < 20000);
    bk_free(copy);
    bk_buf_destroy(&buf);
    bk_arena_free(a);
}

/* ---- real files ---- */

/* Decode the footer of a parquet-testing file; *data must be freed by the caller. */
static bk_status decode_real(bk_arena *a, const char *rel, uint8_t **data, size_t *len,
                             pq_file_meta *m, bk_error *err) {
    const char *path = testdata_path(rel);
    *data = NULL;
    if (!path || !(*data = slurp(path, len))) return BK_NOT_FOUND;
    const uint8_t *foot;
    size_t foot_len;
    if (!find_footer(*data, *len, &foot, &foot_len)) return BK_IO;
    bk_error_clear(err);
    return pq_meta_decode_file(a, foot, foot_len, m, err);
}

BK_TEST(meta_real_alltypes_plain) {
    if (!bk_test_data_dir()) return; /* no test data in this checkout */
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_error err;
    pq_file_meta m;
    uint8_t *data;
    size_t len;
    ASSERT_OK(decode_real(a, "data/alltypes_plain.parquet", &data, &len, &m, &err), errp(&err));
    ASSERT_EQ(m.num_rows, 8);
    ASSERT_EQ(m.n_schema, 12);
    ASSERT_EQ(m.schema[0].num_children, 11);
    ASSERT_STR_EQ(m.schema[1].name, "id");
    ASSERT_TRUE(m.schema[1].has_type && m.schema[1].type == PQ_INT32);
    ASSERT_STR_EQ(m.schema[10].name, "string_col");
    ASSERT_STR_EQ(m.schema[11].name, "timestamp_col");
    ASSERT_EQ(m.schema[11].type, PQ_INT96);
    ASSERT_EQ(m.n_row_groups, 1);
    ASSERT_EQ(m.row_groups[0].num_rows, 8);
    ASSERT_EQ(m.row_groups[0].n_columns, 11);
    const pq_column_meta *cm = &m.row_groups[0].columns[0].meta;
    ASSERT_STR_EQ(cm->path_in_schema[0], "id");
    ASSERT_EQ(cm->num_values, 8);
    ASSERT_EQ(cm->codec, PQ_CODEC_UNCOMPRESSED);

    /* The first page of column 0 is a dictionary page. */
    int64_t off = cm->has_dictionary_page_offset ? cm->dictionary_page_offset
                                                 : cm->data_page_offset;
    ASSERT_TRUE(off > 0 && (size_t)off < len);
    pq_page_header h;
    size_t hlen;
    bk_error_clear(&err);
    ASSERT_OK(pq_meta_decode_page_header(a, data + off, len - (size_t)off, &h, &hlen, &err),
              errp(&err));
    ASSERT_EQ(h.type, PQ_PAGE_DICTIONARY);
    ASSERT_EQ(h.num_values, 8);
    ASSERT_TRUE(hlen > 0 && h.compressed_page_size > 0);
    /* then a data page */
    size_t next = (size_t)off + hlen + (size_t)h.compressed_page_size;
    ASSERT_OK(pq_meta_decode_page_header(a, data + next, len - next, &h, &hlen, &err), errp(&err));
    ASSERT_EQ(h.type, PQ_PAGE_DATA);
    ASSERT_EQ(h.num_values, 8);
    bk_free(data);
    bk_arena_free(a);
}

BK_TEST(meta_real_page_index_and_v2) {
    if (!bk_test_data_dir()) return;
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_error err;
    pq_file_meta m;
    uint8_t *data;
    size_t len;
    ASSERT_OK(decode_real(a, "data/alltypes_tiny_pages.parquet", &data, &len, &m, &err),
              errp(&err));
    ASSERT_TRUE(m.num_rows > 0 && m.n_row_groups > 0);
    int n_indexes = 0;
    for (uint32_t ci = 0; ci < m.row_groups[0].n_columns; ci++) {
        const pq_column_chunk *c = &m.row_groups[0].columns[ci];
        if (!c->has_offset_index || !c->has_column_index) continue;
        ASSERT_TRUE((uint64_t)c->offset_index_offset + (uint64_t)c->offset_index_length <= len);
        ASSERT_TRUE((uint64_t)c->column_index_offset + (uint64_t)c->column_index_length <= len);
        pq_offset_index oi;
        pq_column_index cx;
        bk_error_clear(&err);
        ASSERT_OK(pq_meta_decode_offset_index(a, data + c->offset_index_offset,
                                              (size_t)c->offset_index_length, &oi, &err),
                  errp(&err));
        ASSERT_OK(pq_meta_decode_column_index(a, data + c->column_index_offset,
                                              (size_t)c->column_index_length, &cx, &err),
                  errp(&err));
        ASSERT_TRUE(oi.n_pages > 1);
        ASSERT_EQ(cx.n_pages, oi.n_pages);
        ASSERT_EQ(oi.pages[0].first_row_index, 0);
        for (uint32_t p = 1; p < oi.n_pages; p++)
            ASSERT_TRUE(oi.pages[p].first_row_index > oi.pages[p - 1].first_row_index);
        /* page locations point at page headers */
        pq_page_header h;
        size_t hlen;
        const pq_page_location *pl = &oi.pages[oi.n_pages - 1];
        ASSERT_OK(pq_meta_decode_page_header(a, data + pl->offset, len - (size_t)pl->offset, &h,
                                             &hlen, &err),
                  errp(&err));
        ASSERT_EQ((int64_t)hlen + h.compressed_page_size, pl->compressed_page_size);
        n_indexes++;
    }
    ASSERT_TRUE(n_indexes > 0);
    bk_free(data);

    /* data page v2 */
    ASSERT_OK(decode_real(a, "data/datapage_v2.snappy.parquet", &data, &len, &m, &err), errp(&err));
    const pq_column_meta *cm = &m.row_groups[0].columns[0].meta;
    ASSERT_EQ(cm->codec, PQ_CODEC_SNAPPY);
    size_t off = (size_t)cm->data_page_offset;
    pq_page_header h;
    size_t hlen;
    ASSERT_OK(pq_meta_decode_page_header(a, data + off, len - off, &h, &hlen, errp(&err)),
              errp(&err));
    if (h.type == PQ_PAGE_DICTIONARY) { /* this writer points data_page_offset at it */
        off += hlen + (size_t)h.compressed_page_size;
        ASSERT_OK(pq_meta_decode_page_header(a, data + off, len - off, &h, NULL, errp(&err)),
                  errp(&err));
    }
    ASSERT_EQ(h.type, PQ_PAGE_DATA_V2);
    ASSERT_TRUE(h.num_rows > 0 && h.num_values >= h.num_rows);
    bk_free(data);
    bk_arena_free(a);
}

BK_TEST(meta_real_special_files) {
    if (!bk_test_data_dir()) return;
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    bk_error err;
    pq_file_meta m;
    uint8_t *data;
    size_t len;

    ASSERT_OK(decode_real(a, "data/unknown-logical-type.parquet", &data, &len, &m, &err),
              errp(&err));
    bool saw_unrecognized = false;
    for (uint32_t idx = 0; idx < m.n_schema; idx++)
        if (m.schema[idx].logical.kind == PQ_LT_UNRECOGNIZED) saw_unrecognized = true;
    ASSERT_TRUE(saw_unrecognized);
    bk_free(data);

    ASSERT_OK(decode_real(a, "data/data_index_bloom_encoding_stats.parquet", &data, &len, &m,
                          &err),
              errp(&err));
    const pq_column_meta *cm = &m.row_groups[0].columns[0].meta;
    ASSERT_TRUE(cm->has_bloom_filter && cm->bloom_filter_offset > 0);
    ASSERT_TRUE(cm->n_encoding_stats > 0);
    bk_free(data);

    ASSERT_OK(decode_real(a, "data/column_chunk_key_value_metadata.parquet", &data, &len, &m,
                          &err),
              errp(&err));
    ASSERT_TRUE(m.row_groups[0].columns[0].meta.n_key_value > 0);
    bk_free(data);

    ASSERT_OK(decode_real(a, "data/encrypt_columns_plaintext_footer.parquet.encrypted", &data,
                          &len, &m, &err),
              errp(&err));
    ASSERT_TRUE(m.is_encrypted);
    bool any_encrypted_chunk = false;
    for (uint32_t idx = 0; idx < m.row_groups[0].n_columns; idx++)
        if (m.row_groups[0].columns[idx].is_encrypted) any_encrypted_chunk = true;
    ASSERT_TRUE(any_encrypted_chunk);
    bk_free(data);

    ASSERT_OK(decode_real(a, "data/floating_orders_nan_count.parquet", &data, &len, &m, &err),
              errp(&err));
    bool any_nan_count = false;
    for (uint32_t idx = 0; idx < m.row_groups[0].n_columns; idx++)
        if (m.row_groups[0].columns[idx].meta.statistics.has_nan_count) any_nan_count = true;
    ASSERT_TRUE(any_nan_count);
    bk_free(data);

    /* A corrupted schema value must fail cleanly. */
    bk_status st = decode_real(a, "bad_data/PARQUET-1481.parquet", &data, &len, &m, &err);
    ASSERT_EQ(st, BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "SchemaElement.type has unknown value -7");
    bk_free(data);

    /* A dictionary page header with a negative num_values must fail cleanly. */
    ASSERT_OK(decode_real(a, "bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet", &data, &len, &m,
                          &err),
              errp(&err));
    int n_bad_headers = 0;
    for (uint32_t idx = 0; idx < m.row_groups[0].n_columns; idx++) {
        const pq_column_meta *c = &m.row_groups[0].columns[idx].meta;
        int64_t off = c->has_dictionary_page_offset && c->dictionary_page_offset > 0
                          ? c->dictionary_page_offset
                          : c->data_page_offset;
        if (off < 0 || (size_t)off >= len) continue; /* this file is damaged in other ways too */
        pq_page_header h;
        bk_error_clear(&err);
        if (pq_meta_decode_page_header(a, data + off, len - (size_t)off, &h, NULL, &err) !=
            BK_OK) {
            ASSERT_TRUE(err.msg[0] != '\0');
            if (!strcmp(err.msg, "DictionaryPageHeader.num_values is negative: -26"))
                n_bad_headers++;
        }
    }
    ASSERT_TRUE(n_bad_headers > 0);
    bk_free(data);
    bk_arena_free(a);
}

/* Every plain-footer file in data/ decodes; every bad_data/ file decodes or fails cleanly. */
BK_TEST(meta_real_every_footer) {
    static const char *const dirs[] = {"data", "data/geospatial", "bad_data"};
    if (!bk_test_data_dir()) return;
    bk_arena *a = bk_arena_new(NULL, "test", 0);
    int n_files = 0;
    for (size_t di = 0; di < BK_ARRAY_LEN(dirs); di++) {
        char dpath[1024];
        snprintf(dpath, sizeof dpath, "%s", testdata_path(dirs[di]));
        DIR *dir = opendir(dpath);
        ASSERT_TRUE(dir != NULL);
        struct dirent *de;
        while ((de = readdir(dir))) {
            if (!strstr(de->d_name, ".parquet")) continue;
            char rel[512];
            snprintf(rel, sizeof rel, "%s/%s", dirs[di], de->d_name);
            uint8_t *data;
            size_t len;
            pq_file_meta m;
            bk_error err;
            bk_status st = decode_real(a, rel, &data, &len, &m, &err);
            bool is_bad = di == 2;
            if (st == BK_IO) { /* encrypted footer ("PARE"): not ours to decode */
                bk_free(data);
                continue;
            }
            n_files++;
            if (!is_bad && st != BK_OK)
                bk_test_fail(__FILE__, __LINE__, "%s: %s", rel, err.msg);
            if (st != BK_OK) ASSERT_TRUE(err.msg[0] != '\0');
            bk_free(data);
            bk_arena_reset(a);
        }
        closedir(dir);
    }
    ASSERT_TRUE(n_files > 50);
    bk_arena_free(a);
}

/* Allocation failure at every point of decoding a real footer: a clean error, no leak. */
BK_TEST(meta_decode_torture_allocation_failures) {
    if (!bk_test_data_dir()) return;
    const char *path = testdata_path("data/alltypes_tiny_pages.parquet");
    size_t len;
    uint8_t *data = slurp(path, &len);
    ASSERT_TRUE(data != NULL);
    const uint8_t *foot;
    size_t foot_len;
    ASSERT_TRUE(find_footer(data, len, &foot, &foot_len));
    int64_t live_before = bk_mem_live_bytes();
    bool succeeded = false;
    int k;
    for (k = 0; k < 10000 && !succeeded; k++) {
        bk_arena *a = bk_arena_new(NULL, "torture", 0);
        ASSERT_TRUE(a != NULL);
        bk_error err;
        bk_error_clear(&err);
        pq_file_meta m;
        bk_mem_fail_after(k);
        bk_status st = pq_meta_decode_file(a, foot, foot_len, &m, &err);
        bk_mem_fail_reset();
        if (st == BK_OK) {
            succeeded = true;
            ASSERT_TRUE(m.n_schema > 1);
        } else {
            ASSERT_EQ(st, BK_OUT_OF_MEMORY);
            ASSERT_TRUE(err.msg[0] != '\0');
        }
        bk_arena_free(a);
        ASSERT_EQ(bk_mem_live_bytes(), live_before);
    }
    ASSERT_TRUE(succeeded);
    ASSERT_TRUE(k > 1); /* at least one run failed part-way */

    /* and with a tiny arena limit */
    bk_arena *small = bk_arena_new(NULL, "small", 4096);
    bk_error err;
    bk_error_clear(&err);
    pq_file_meta m;
    ASSERT_EQ(pq_meta_decode_file(small, foot, foot_len, &m, &err), BK_OUT_OF_MEMORY);
    bk_arena_free(small);
    bk_free(data);
}
