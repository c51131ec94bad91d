/*
 * test_thrift.c — unit tests for the Thrift compact protocol (src/parquet/thrift.c).
 *
 * Hand-built byte sequences pin the wire format (short and long field headers, bool
 * in the type nibble, long list sizes, zigzag varints); malformed sequences must
 * fail with BK_CORRUPT without reading past the input (run under ASan).
 */
#include "parquet/thrift.h"

#include "base/buf.h"
#include "test.h"

/* ASSERT_OK wants a pointer expression that is not a constant address. */
static bk_error *errp(bk_error *e) { return e; }

/* Read one field header; assert its id and type. */
#define EXPECT_FIELD(r, want_id, want_type)                                                        \
    do {                                                                                           \
        int16_t id_;                                                                               \
        uint8_t t_;                                                                                \
        ASSERT_OK(pq_thrift_field((r), &id_, &t_), (r)->err);                                      \
        ASSERT_EQ(id_, (want_id));                                                                 \
        ASSERT_EQ(t_, (want_type));                                                                \
    } while (0)

BK_TEST(thrift_short_field_headers_and_ints) {
    /* struct { 1: i32 = 1, 2: i64 = -1, 5: i32 = -64, 6: i8 = -2 } */
    static const uint8_t bytes[] = {0x15, 0x02, 0x16, 0x01, 0x35, 0x7f, 0x13, 0xfe, 0x00};
    pq_thrift_reader r;
    bk_error err;
    bk_error_clear(&err);
    pq_thrift_reader_init(&r, bytes, sizeof bytes, &err);
    int32_t v32;
    int64_t v64;
    int8_t v8;
    ASSERT_OK(pq_thrift_struct_begin(&r), errp(&err));
    EXPECT_FIELD(&r, 1, PQ_THRIFT_I32);
    ASSERT_OK(pq_thrift_read_i32(&r, PQ_THRIFT_I32, &v32), errp(&err));
    ASSERT_EQ(v32, 1);
    EXPECT_FIELD(&r, 2, PQ_THRIFT_I64);
    ASSERT_OK(pq_thrift_read_i64(&r, PQ_THRIFT_I64, &v64), errp(&err));
    ASSERT_EQ(v64, -1);
    EXPECT_FIELD(&r, 5, PQ_THRIFT_I32);
    ASSERT_OK(pq_thrift_read_i32(&r, PQ_THRIFT_I32, &v32), errp(&err));
    ASSERT_EQ(v32, -64);
    EXPECT_FIELD(&r, 6, PQ_THRIFT_I8);
    ASSERT_OK(pq_thrift_read_i8(&r, PQ_THRIFT_I8, &v8), errp(&err));
    ASSERT_EQ(v8, -2);
    EXPECT_FIELD(&r, 0, PQ_THRIFT_STOP);
    ASSERT_OK(pq_thrift_struct_end(&r), errp(&err));
    ASSERT_EQ(pq_thrift_offset(&r), sizeof bytes);
}

BK_TEST(thrift_long_form_field_header) {
    /* field 100 (long form: type byte, zigzag(100) = 200 = c8 01), i32 150 (zigzag 300);
     * then field 3 (going backwards: long form again, zigzag(3) = 6), bool true. */
    static const uint8_t bytes[] = {0x05, 0xc8, 0x01, 0xac, 0x02, 0x01, 0x06, 0x00};
    pq_thrift_reader r;
    bk_error err;
    bk_error_clear(&err);
    pq_thrift_reader_init(&r, bytes, sizeof bytes, &err);
    ASSERT_OK(pq_thrift_struct_begin(&r), errp(&err));
    EXPECT_FIELD(&r, 100, PQ_THRIFT_I32);
    int32_t v;
    ASSERT_OK(pq_thrift_read_i32(&r, PQ_THRIFT_I32, &v), errp(&err));
    ASSERT_EQ(v, 150);
    EXPECT_FIELD(&r, 3, PQ_THRIFT_TRUE);
    bool b = false;
    ASSERT_OK(pq_thrift_read_bool(&r, PQ_THRIFT_TRUE, &b), errp(&err));
    ASSERT_TRUE(b);
    EXPECT_FIELD(&r, 0, PQ_THRIFT_STOP);
}

BK_TEST(thrift_bool_fields_in_type_nibble) {
    static const uint8_t bytes[] = {0x11, 0x12, 0x00};
    pq_thrift_reader r;
    pq_thrift_reader_init(&r, bytes, sizeof bytes, NULL);
    bool b;
    ASSERT_EQ(pq_thrift_struct_begin(&r), BK_OK);
    EXPECT_FIELD(&r, 1, PQ_THRIFT_TRUE);
    ASSERT_EQ(pq_thrift_read_bool(&r, PQ_THRIFT_TRUE, &b), BK_OK);
    ASSERT_TRUE(b);
    EXPECT_FIELD(&r, 2, PQ_THRIFT_FALSE);
    ASSERT_EQ(pq_thrift_read_bool(&r, PQ_THRIFT_FALSE, &b), BK_OK);
    ASSERT_TRUE(!b);
    EXPECT_FIELD(&r, 0, PQ_THRIFT_STOP);
    ASSERT_EQ(pq_thrift_offset(&r), 3);
}

BK_TEST(thrift_long_list_and_bool_elements) {
    /* list<i32> of 20 elements (long form 0xf5 0x14), values -10..9 */
    uint8_t bytes[64];
    size_t n = 0;
    bytes[n++] = 0xf5;
    bytes[n++] = 20;
    for (int v = -10; v < 10; v++) bytes[n++] = (uint8_t)(v < 0 ? -2 * v - 1 : 2 * v);
    /* list<bool> short form: 3 elements, element type 2 (spec) with values 1, 0, 2 */
    bytes[n++] = 0x32;
    bytes[n++] = 1;
    bytes[n++] = 0;
    bytes[n++] = 2;
    pq_thrift_reader r;
    bk_error err;
    bk_error_clear(&err);
    pq_thrift_reader_init(&r, bytes, n, &err);
    uint8_t et;
    uint32_t size;
    ASSERT_OK(pq_thrift_list_begin(&r, PQ_THRIFT_LIST, &et, &size), errp(&err));
    ASSERT_EQ(et, PQ_THRIFT_I32);
    ASSERT_EQ(size, 20);
    for (int v = -10; v < 10; v++) {
        int32_t got;
        ASSERT_OK(pq_thrift_read_i32(&r, et, &got), errp(&err));
        ASSERT_EQ(got, v);
    }
    ASSERT_OK(pq_thrift_list_begin(&r, PQ_THRIFT_LIST, &et, &size), errp(&err));
    ASSERT_EQ(et, PQ_THRIFT_TRUE); /* normalised */
    ASSERT_EQ(size, 3);
    bool b0, b1, b2;
    ASSERT_OK(pq_thrift_read_bool_elem(&r, &b0), errp(&err));
    ASSERT_OK(pq_thrift_read_bool_elem(&r, &b1), errp(&err));
    ASSERT_OK(pq_thrift_read_bool_elem(&r, &b2), errp(&err));
    ASSERT_TRUE(b0 && !b1 && !b2);
    ASSERT_EQ(pq_thrift_offset(&r), n);
}

BK_TEST(thrift_zigzag_extremes_round_trip) {
    static const int64_t vals[] = {0, 1, -1, 63, -64, 64, INT32_MAX, INT32_MIN, INT64_MAX,
                                   INT64_MIN, (int64_t)1 << 40, -((int64_t)1 << 40)};
    bk_buf buf;
    bk_buf_init(&buf);
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, &buf);
    pq_thrift_write_struct_begin(&w);
    for (size_t idx = 0; idx < BK_ARRAY_LEN(vals); idx++)
        pq_thrift_write_field_i64(&w, (int16_t)(idx + 1), vals[idx]);
    pq_thrift_write_field_i32(&w, 20, INT32_MIN);
    pq_thrift_write_field_double(&w, 21, -2.5);
    pq_thrift_write_field_i16(&w, 22, -300);
    pq_thrift_write_struct_end(&w);
    ASSERT_EQ(pq_thrift_writer_status(&w), BK_OK);

    pq_thrift_reader r;
    bk_error err;
    bk_error_clear(&err);
    pq_thrift_reader_init(&r, buf.data, buf.len, &err);
    ASSERT_OK(pq_thrift_struct_begin(&r), errp(&err));
    for (size_t idx = 0; idx < BK_ARRAY_LEN(vals); idx++) {
        int64_t got;
        EXPECT_FIELD(&r, (int16_t)(idx + 1), PQ_THRIFT_I64);
        ASSERT_OK(pq_thrift_read_i64(&r, PQ_THRIFT_I64, &got), errp(&err));
        ASSERT_EQ(got, vals[idx]);
    }
    int32_t v32;
    double dv;
    int16_t v16;
    EXPECT_FIELD(&r, 20, PQ_THRIFT_I32);
    ASSERT_OK(pq_thrift_read_i32(&r, PQ_THRIFT_I32, &v32), errp(&err));
    ASSERT_EQ(v32, INT32_MIN);
    EXPECT_FIELD(&r, 21, PQ_THRIFT_DOUBLE);
    ASSERT_OK(pq_thrift_read_double(&r, PQ_THRIFT_DOUBLE, &dv), errp(&err));
    ASSERT_DBL_EQ(dv, -2.5);
    EXPECT_FIELD(&r, 22, PQ_THRIFT_I16);
    ASSERT_OK(pq_thrift_read_i16(&r, PQ_THRIFT_I16, &v16), errp(&err));
    ASSERT_EQ(v16, -300);
    EXPECT_FIELD(&r, 0, PQ_THRIFT_STOP);
    ASSERT_OK(pq_thrift_struct_end(&r), errp(&err));
    ASSERT_EQ(pq_thrift_offset(&r), buf.len);
    bk_buf_destroy(&buf);
}

BK_TEST(thrift_writer_bytes) {
    bk_buf buf;
    bk_buf_init(&buf);
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, &buf);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_field_i32(&w, 1, 1);     /* 15 02 */
    pq_thrift_write_field_bool(&w, 2, true); /* 11 */
    pq_thrift_write_field_i32(&w, 20, -1);   /* delta 18: long form 05 28 01 */
    pq_thrift_write_field_bool(&w, 3, false); /* backwards: long form 02 06 */
    pq_thrift_write_field_list(&w, 4, PQ_THRIFT_TRUE, 2); /* 19 21 01 02 */
    pq_thrift_write_bool_elem(&w, true);
    pq_thrift_write_bool_elem(&w, false);
    pq_thrift_write_field_list(&w, 5, PQ_THRIFT_BINARY, 15); /* 19 f8 0f, then 15 x "00" */
    for (int idx = 0; idx < 15; idx++) pq_thrift_write_binary(&w, "", 0);
    pq_thrift_write_field_struct(&w, 6); /* 1c */
    pq_thrift_write_struct_end(&w);      /* 00 */
    pq_thrift_write_field_double(&w, 7, 1.0); /* 17 00..f0 3f */
    pq_thrift_write_struct_end(&w);
    ASSERT_EQ(pq_thrift_writer_status(&w), BK_OK);
    static const uint8_t want[] = {
        0x15, 0x02, 0x11, 0x05, 0x28, 0x01, 0x02, 0x06, 0x19, 0x21, 0x01, 0x02, 0x19, 0xf8, 0x0f,
        0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
        0x1c, 0x00, 0x17, 0,    0,    0,    0,    0,    0,    0xf0, 0x3f, 0x00};
    ASSERT_EQ(buf.len, sizeof want);
    ASSERT_TRUE(memcmp(buf.data, want, sizeof want) == 0);
    bk_buf_destroy(&buf);
}

BK_TEST(thrift_writer_misuse_is_internal) {
    bk_buf buf;
    bk_buf_init(&buf);
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, &buf);
    pq_thrift_write_struct_end(&w);
    ASSERT_EQ(pq_thrift_writer_status(&w), BK_INTERNAL);
    pq_thrift_writer_init(&w, &buf);
    for (int idx = 0; idx < PQ_THRIFT_MAX_DEPTH + 1; idx++) pq_thrift_write_field_struct(&w, 1);
    ASSERT_EQ(pq_thrift_writer_status(&w), BK_INTERNAL);
    bk_buf_destroy(&buf);
}

/* Build: struct { 1: i32 5, 2: <nested junk of every type>, 3: i32 7 } and check that
 * skipping field 2 lands on field 3. */
BK_TEST(thrift_skip_unknown_nested_fields) {
    bk_buf buf;
    bk_buf_init(&buf);
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, &buf);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_field_i32(&w, 1, 5);
    pq_thrift_write_field_struct(&w, 2);
    {
        pq_thrift_write_field_list(&w, 1, PQ_THRIFT_STRUCT, 16);
        for (int idx = 0; idx < 16; idx++) {
            pq_thrift_write_struct_begin(&w);
            pq_thrift_write_field_binary(&w, 1, "abc", 3);
            pq_thrift_write_field_bool(&w, 2, idx & 1);
            pq_thrift_write_field_list(&w, 3, PQ_THRIFT_LIST, 1); /* list<list<double>> */
            pq_thrift_write_list_header(&w, PQ_THRIFT_DOUBLE, 2);
            pq_thrift_write_double(&w, 1.5);
            pq_thrift_write_double(&w, 2.5);
            pq_thrift_write_struct_end(&w);
        }
        pq_thrift_write_field_header(&w, 2, PQ_THRIFT_MAP); /* map<i32, binary> of 2 */
        pq_thrift_write_varint(&w, 2);
        static const uint8_t kv = (PQ_THRIFT_I32 << 4) | PQ_THRIFT_BINARY;
        ASSERT_EQ(bk_buf_append(&buf, &kv, 1), BK_OK);
        pq_thrift_write_i32(&w, 1);
        pq_thrift_write_binary(&w, "x", 1);
        pq_thrift_write_i32(&w, 2);
        pq_thrift_write_binary(&w, "yy", 2);
        pq_thrift_write_field_header(&w, 3, PQ_THRIFT_MAP); /* empty map */
        pq_thrift_write_varint(&w, 0);
        pq_thrift_write_field_header(&w, 4, PQ_THRIFT_UUID);
        ASSERT_EQ(bk_buf_append(&buf, "0123456789abcdef", 16), BK_OK);
        pq_thrift_write_field_header(&w, 5, PQ_THRIFT_SET); /* set<bool> */
        pq_thrift_write_list_header(&w, PQ_THRIFT_TRUE, 2);
        pq_thrift_write_bool_elem(&w, true);
        pq_thrift_write_bool_elem(&w, false);
        pq_thrift_write_field_i8(&w, 6, -3);
        pq_thrift_write_field_i16(&w, 300, 12); /* long-form id inside the nest */
        pq_thrift_write_field_struct(&w, 301);
        pq_thrift_write_field_struct(&w, 1);
        pq_thrift_write_struct_end(&w);
        pq_thrift_write_struct_end(&w);
    }
    pq_thrift_write_struct_end(&w);
    pq_thrift_write_field_i32(&w, 3, 7);
    pq_thrift_write_struct_end(&w);
    ASSERT_EQ(pq_thrift_writer_status(&w), BK_OK);

    pq_thrift_reader r;
    bk_error err;
    bk_error_clear(&err);
    pq_thrift_reader_init(&r, buf.data, buf.len, &err);
    ASSERT_OK(pq_thrift_struct_begin(&r), errp(&err));
    int32_t v;
    EXPECT_FIELD(&r, 1, PQ_THRIFT_I32);
    ASSERT_OK(pq_thrift_read_i32(&r, PQ_THRIFT_I32, &v), errp(&err));
    EXPECT_FIELD(&r, 2, PQ_THRIFT_STRUCT);
    ASSERT_OK(pq_thrift_skip(&r, PQ_THRIFT_STRUCT), errp(&err));
    EXPECT_FIELD(&r, 3, PQ_THRIFT_I32);
    ASSERT_OK(pq_thrift_read_i32(&r, PQ_THRIFT_I32, &v), errp(&err));
    ASSERT_EQ(v, 7);
    EXPECT_FIELD(&r, 0, PQ_THRIFT_STOP);
    ASSERT_OK(pq_thrift_struct_end(&r), errp(&err));
    ASSERT_EQ(pq_thrift_offset(&r), buf.len);
    ASSERT_EQ(r.depth, 0);

    /* Every strict prefix of the message fails cleanly while skipping. */
    for (size_t len = 0; len < buf.len; len++) {
        bk_error_clear(&err);
        pq_thrift_reader_init(&r, buf.data, len, &err);
        bk_status st = pq_thrift_skip(&r, PQ_THRIFT_STRUCT);
        ASSERT_EQ(st, BK_CORRUPT);
        ASSERT_CONTAINS(err.msg, "invalid thrift data at byte");
    }
    bk_buf_destroy(&buf);
}

/* Decode `bytes` as one skipped struct; return the status. */
static bk_status skip_struct_bytes(const uint8_t *bytes, size_t len, bk_error *err) {
    pq_thrift_reader r;
    bk_error_clear(err);
    pq_thrift_reader_init(&r, bytes, len, err);
    return pq_thrift_skip(&r, PQ_THRIFT_STRUCT);
}

BK_TEST(thrift_malformed_inputs_fail_cleanly) {
    bk_error err;
    /* truncated varint */
    static const uint8_t trunc_varint[] = {0x15, 0x80, 0x80};
    ASSERT_EQ(skip_struct_bytes(trunc_varint, sizeof trunc_varint, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "truncated varint");
    /* 11-byte varint */
    static const uint8_t long_varint[] = {0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                          0xff, 0xff, 0xff, 0xff, 0x01, 0x00};
    ASSERT_EQ(skip_struct_bytes(long_varint, sizeof long_varint, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "64 bits");
    /* unknown field types 14 and 15 */
    static const uint8_t bad_type[] = {0x1e, 0x00};
    ASSERT_EQ(skip_struct_bytes(bad_type, sizeof bad_type, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "unknown field type 14");
    static const uint8_t bad_type0[] = {0x10, 0x00};
    ASSERT_EQ(skip_struct_bytes(bad_type0, sizeof bad_type0, &err), BK_CORRUPT);
    /* binary length beyond the input */
    static const uint8_t long_bin[] = {0x18, 0x10, 'a', 'b', 0x00};
    ASSERT_EQ(skip_struct_bytes(long_bin, sizeof long_bin, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "binary length 16 exceeds");
    /* list claiming 2^31-1 elements */
    static const uint8_t huge_list[] = {0x19, 0xf5, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00};
    ASSERT_EQ(skip_struct_bytes(huge_list, sizeof huge_list, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "exceeds");
    /* list size beyond int32 */
    static const uint8_t huge_list2[] = {0x19, 0xf5, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00};
    ASSERT_EQ(skip_struct_bytes(huge_list2, sizeof huge_list2, &err), BK_CORRUPT);
    /* list of doubles: 3 elements need 24 bytes */
    static const uint8_t short_doubles[] = {0x19, 0x37, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0x00};
    ASSERT_EQ(skip_struct_bytes(short_doubles, sizeof short_doubles, &err), BK_CORRUPT);
    /* map claiming many entries */
    static const uint8_t huge_map[] = {0x1b, 0xff, 0xff, 0x03, 0x55, 0x00};
    ASSERT_EQ(skip_struct_bytes(huge_map, sizeof huge_map, &err), BK_CORRUPT);
    /* list with an invalid element type */
    static const uint8_t bad_elem[] = {0x19, 0x1f, 0x00, 0x00};
    ASSERT_EQ(skip_struct_bytes(bad_elem, sizeof bad_elem, &err), BK_CORRUPT);
    /* bool element other than 0, 1, 2 */
    static const uint8_t bad_bool[] = {0x19, 0x11, 0x07, 0x00};
    ASSERT_EQ(skip_struct_bytes(bad_bool, sizeof bad_bool, &err), BK_CORRUPT);
    /* field id overflowing int16: long form 32767, then delta 1 */
    static const uint8_t id_overflow[] = {0x05, 0xfe, 0xff, 0x03, 0x00, 0x15, 0x00, 0x00};
    ASSERT_EQ(skip_struct_bytes(id_overflow, sizeof id_overflow, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "out of range");
    /* missing STOP */
    static const uint8_t no_stop[] = {0x15, 0x00};
    ASSERT_EQ(skip_struct_bytes(no_stop, sizeof no_stop, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "STOP");
    /* empty input */
    ASSERT_EQ(skip_struct_bytes(no_stop, 0, &err), BK_CORRUPT);
}

BK_TEST(thrift_type_mismatch_and_ranges) {
    bk_error err;
    bk_error_clear(&err);
    pq_thrift_reader r;
    /* i64 value 2^40 read as i32 */
    static const uint8_t big[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x40};
    pq_thrift_reader_init(&r, big, sizeof big, &err);
    int32_t v32;
    ASSERT_EQ(pq_thrift_read_i32(&r, PQ_THRIFT_I64, &v32), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "does not fit in i32");
    /* binary where an integer is expected */
    bk_error_clear(&err);
    pq_thrift_reader_init(&r, big, sizeof big, &err);
    ASSERT_EQ(pq_thrift_read_i32(&r, PQ_THRIFT_BINARY, &v32), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "expected an integer");
    /* double truncated */
    bk_error_clear(&err);
    double dv;
    pq_thrift_reader_init(&r, big, 5, &err);
    ASSERT_EQ(pq_thrift_read_double(&r, PQ_THRIFT_DOUBLE, &dv), BK_CORRUPT);
    /* bool from a non-bool field */
    bool b;
    ASSERT_EQ(pq_thrift_read_bool(&r, PQ_THRIFT_I32, &b), BK_CORRUPT);
    /* list header on a non-list */
    uint8_t et;
    uint32_t n;
    ASSERT_EQ(pq_thrift_list_begin(&r, PQ_THRIFT_STRUCT, &et, &n), BK_CORRUPT);
}

BK_TEST(thrift_depth_bombs_are_bounded) {
    enum { N = 10000 };
    static uint8_t bytes[2 * N + 4];
    bk_error err;
    /* 10000 nested structs: each level is "field 1: struct" (0x1c) */
    memset(bytes, 0x1c, N);
    memset(bytes + N, 0x00, N);
    ASSERT_EQ(skip_struct_bytes(bytes, 2 * N, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "nesting deeper than 64");
    /* 10000 nested lists: field 1: list, then list headers of one list element each */
    bytes[0] = 0x19;
    memset(bytes + 1, 0x19, 2 * N);
    ASSERT_EQ(skip_struct_bytes(bytes, 2 * N + 1, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "nesting deeper than 64");
    /* nested maps: field 1: map<i32, map<i32, ...>>; per level: size 1, kv types, key */
    size_t n = 0;
    bytes[n++] = 0x1b;
    while (n + 3 < sizeof bytes) {
        bytes[n++] = 0x01;
        bytes[n++] = (PQ_THRIFT_I32 << 4) | PQ_THRIFT_MAP;
        bytes[n++] = 0x02;
    }
    ASSERT_EQ(skip_struct_bytes(bytes, n, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "nesting deeper than 64");
    /* exactly 64 levels (top struct + 63 nested) is accepted */
    memset(bytes, 0x1c, 63);
    memset(bytes + 63, 0x00, 64);
    ASSERT_EQ(skip_struct_bytes(bytes, 127, &err), BK_OK);
}
