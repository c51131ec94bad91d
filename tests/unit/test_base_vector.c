/*
 * test_base_vector.c — vector layout, validity, and values printed the way Spark's
 * CAST(x AS STRING) prints them (numbers, decimals to 38 digits, dates before 1970,
 * timestamps, nested values), plus the calendar helpers in clock.h.
 */
#include <math.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/mem.h"
#include "base/vector.h"
#include "test.h"

/* Row `row` of v as text in a static buffer ("<status>" when formatting fails). */
static const char *show(const bk_vector *v, size_t row) {
    static char text[1024];
    bk_buf b;
    bk_buf_init(&b);
    bk_status st = bk_vector_format_value(v, row, &b);
    if (st != BK_OK)
        snprintf(text, sizeof text, "<%s>", bk_code_name(st));
    else
        snprintf(text, sizeof text, "%.*s", (int)b.len, b.data ? (const char *)b.data : "");
    bk_buf_destroy(&b);
    return text;
}

static bk_vector *one(bk_arena *a, bk_type_kind kind) {
    return bk_vector_make(a, bk_type_scalar(kind), 1);
}

BK_TEST(vector_make_layout) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_vector *v = bk_vector_make(a, bk_type_scalar(BK_TYPE_BIGINT), 100);
    ASSERT_TRUE(v && v->data && !v->validity && !v->offsets && !v->children);
    ASSERT_EQ(v->n, 100);
    for (int i = 0; i < 100; i++) ASSERT_EQ(((int64_t *)v->data)[i], 0);
    ASSERT_EQ(bk_vector_null_count(v), 0);

    const bk_type *arr = bk_type_make_array(a, bk_type_scalar(BK_TYPE_INT));
    bk_vector *va = bk_vector_make(a, arr, 10);
    ASSERT_TRUE(va && va->offsets && va->children && !va->data);
    ASSERT_EQ(va->children[0]->n, 0);
    for (int i = 0; i <= 10; i++) ASSERT_EQ(va->offsets[i], 0);

    const bk_type *map = bk_type_make_map(a, bk_type_scalar(BK_TYPE_STRING), arr);
    bk_vector *vm = bk_vector_make(a, map, 3);
    ASSERT_TRUE(vm && vm->children[0] && vm->children[1]);
    ASSERT_EQ(vm->children[1]->type->kind, BK_TYPE_ARRAY);
    ASSERT_TRUE(vm->children[1]->offsets != NULL);

    const char *names[] = {"a", "b"};
    const bk_type *fields[] = {bk_type_scalar(BK_TYPE_INT), arr};
    bk_vector *vs = bk_vector_make(a, bk_type_make_struct(a, 2, names, fields, NULL), 7);
    ASSERT_TRUE(vs && !vs->data && vs->children);
    ASSERT_EQ(vs->children[0]->n, 7);
    ASSERT_EQ(vs->children[1]->n, 7);
    ASSERT_EQ(vs->children[1]->children[0]->n, 0);

    bk_vector *empty = bk_vector_make(a, bk_type_scalar(BK_TYPE_STRING), 0);
    ASSERT_TRUE(empty && empty->data);
    bk_arena_free(a);
}

BK_TEST(vector_make_oom) {
    bk_arena *a = bk_arena_new(NULL, "t", 1024);
    ASSERT_TRUE(bk_vector_make(a, bk_type_scalar(BK_TYPE_BIGINT), 10000) == NULL);
    bk_arena_free(a);
}

/*
 * bk_vector_take_ascending equals bk_vector_take on ascending row lists: dense
 * ones (runs copied at once, gaps at run and block edges), sparse ones (the
 * plain gather), with and without NULLs, for 4-, 8- and 16-byte values.
 */
BK_TEST(vector_take_ascending_matches_take) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const bk_type_kind kinds[] = {BK_TYPE_INT, BK_TYPE_BIGINT, BK_TYPE_STRING};
    const size_t n = 2048;
    uint32_t *idx = bk_arena_array(a, n, sizeof *idx);
    uint32_t seed = 12345;
    for (size_t kk = 0; kk < BK_ARRAY_LEN(kinds); kk++)
        for (int nulls = 0; nulls < 2; nulls++)
            for (unsigned drop = 1; drop <= 64; drop *= 2) { /* one row in `drop` dropped */
                bk_vector *v = bk_vector_make(a, bk_type_scalar(kinds[kk]), n);
                ASSERT_TRUE(v != NULL);
                if (nulls) ASSERT_OK(bk_vector_ensure_validity(a, v), (bk_error *)NULL);
                for (size_t i = 0; i < n; i++) {
                    if (kinds[kk] == BK_TYPE_STRING)
                        ((bk_str *)v->data)[i] = (bk_str){"abcdefgh" + i % 7, 8 - i % 7};
                    else if (kinds[kk] == BK_TYPE_INT)
                        ((int32_t *)v->data)[i] = (int32_t)(i * 7);
                    else
                        ((int64_t *)v->data)[i] = (int64_t)i * -3;
                    if (nulls && i % 5 == 0) bk_validity_set(v->validity, i, false);
                }
                size_t m = 0;
                for (size_t i = 0; i < n; i++) {
                    seed = seed * 1103515245u + 12345u;
                    if ((seed >> 16) % drop != 0 || drop == 1) idx[m++] = (uint32_t)i;
                }
                bk_vector *want = bk_vector_take(a, v, idx, m);
                bk_vector *got = bk_vector_take_ascending(a, v, idx, m);
                ASSERT_TRUE(want != NULL && got != NULL);
                ASSERT_EQ(got->n, m);
                for (size_t i = 0; i < m; i++) {
                    ASSERT_EQ(bk_vector_is_valid(got, i), bk_vector_is_valid(want, i));
                    char expect[64];
                    snprintf(expect, sizeof expect, "%s", show(want, i)); /* show's buffer */
                    ASSERT_STR_EQ(show(got, i), expect);
                }
            }
    bk_arena_free(a);
}

BK_TEST(vector_validity_and_null_count) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_vector *v = bk_vector_make(a, bk_type_scalar(BK_TYPE_INT), 19);
    ASSERT_OK(bk_vector_ensure_validity(a, v), (bk_error *)NULL);
    uint8_t *first = v->validity;
    ASSERT_OK(bk_vector_ensure_validity(a, v), (bk_error *)NULL);
    ASSERT_TRUE(v->validity == first);
    for (size_t i = 0; i < 19; i++) ASSERT_TRUE(bk_vector_is_valid(v, i));
    ASSERT_EQ(bk_vector_null_count(v), 0);
    bk_validity_set(v->validity, 0, false);
    bk_validity_set(v->validity, 8, false);
    bk_validity_set(v->validity, 18, false);
    ASSERT_EQ(bk_vector_null_count(v), 3);
    ASSERT_TRUE(!bk_vector_is_valid(v, 8) && bk_vector_is_valid(v, 9));
    bk_validity_set(v->validity, 8, true);
    ASSERT_EQ(bk_vector_null_count(v), 2);
    ASSERT_STR_EQ(show(v, 0), "NULL");
    ASSERT_STR_EQ(show(v, 1), "0");

    bk_vector *none = bk_vector_make(a, bk_type_scalar(BK_TYPE_VOID), 10);
    ASSERT_EQ(bk_vector_null_count(none), 10);
    ASSERT_TRUE(!bk_vector_is_valid(none, 3));
    ASSERT_STR_EQ(show(none, 3), "NULL");

    bk_arena *tiny = bk_arena_new(NULL, "tiny", 1);
    bk_vector fake = {.type = bk_type_scalar(BK_TYPE_INT), .n = 1000};
    ASSERT_EQ(bk_vector_ensure_validity(tiny, &fake), BK_OUT_OF_MEMORY);
    bk_arena_free(tiny);
    bk_arena_free(a);
}

BK_TEST(vector_format_integers_and_booleans) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_vector *b = bk_vector_make(a, bk_type_scalar(BK_TYPE_BOOLEAN), 2);
    ((uint8_t *)b->data)[1] = 1;
    ASSERT_STR_EQ(show(b, 0), "false");
    ASSERT_STR_EQ(show(b, 1), "true");
    bk_vector *t = one(a, BK_TYPE_TINYINT);
    ((int8_t *)t->data)[0] = -128;
    ASSERT_STR_EQ(show(t, 0), "-128");
    bk_vector *s = one(a, BK_TYPE_SMALLINT);
    ((int16_t *)s->data)[0] = 32767;
    ASSERT_STR_EQ(show(s, 0), "32767");
    bk_vector *i = one(a, BK_TYPE_INT);
    ((int32_t *)i->data)[0] = INT32_MIN;
    ASSERT_STR_EQ(show(i, 0), "-2147483648");
    bk_vector *l = one(a, BK_TYPE_BIGINT);
    ((int64_t *)l->data)[0] = INT64_MIN;
    ASSERT_STR_EQ(show(l, 0), "-9223372036854775808");
    ASSERT_STR_EQ(show(l, 1), "<INTERNAL_ERROR>"); /* row out of range */
    bk_arena_free(a);
}

static const char *show_double(bk_arena *a, double x) {
    bk_vector *v = one(a, BK_TYPE_DOUBLE);
    ((double *)v->data)[0] = x;
    return show(v, 0);
}

static const char *show_float(bk_arena *a, float x) {
    bk_vector *v = one(a, BK_TYPE_FLOAT);
    ((float *)v->data)[0] = x;
    return show(v, 0);
}

BK_TEST(vector_format_floating_like_java) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(show_double(a, 1.0), "1.0");
    ASSERT_STR_EQ(show_double(a, -1.5), "-1.5");
    ASSERT_STR_EQ(show_double(a, 0.0), "0.0");
    ASSERT_STR_EQ(show_double(a, -0.0), "-0.0");
    ASSERT_STR_EQ(show_double(a, 0.1), "0.1");
    ASSERT_STR_EQ(show_double(a, 0.1 + 0.2), "0.30000000000000004");
    ASSERT_STR_EQ(show_double(a, 100.0), "100.0");
    ASSERT_STR_EQ(show_double(a, 1234567.0), "1234567.0");
    ASSERT_STR_EQ(show_double(a, 9999999.0), "9999999.0");
    ASSERT_STR_EQ(show_double(a, 1e7), "1.0E7");
    ASSERT_STR_EQ(show_double(a, 1.5e10), "1.5E10");
    ASSERT_STR_EQ(show_double(a, 0.001), "0.001");
    ASSERT_STR_EQ(show_double(a, 0.00123), "0.00123");
    ASSERT_STR_EQ(show_double(a, 1e-4), "1.0E-4");
    ASSERT_STR_EQ(show_double(a, 1.25e-5), "1.25E-5");
    ASSERT_STR_EQ(show_double(a, 1e300), "1.0E300");
    ASSERT_STR_EQ(show_double(a, 1.7976931348623157e308), "1.7976931348623157E308");
    ASSERT_STR_EQ(show_double(a, 4.9e-324), "4.9E-324");
    ASSERT_STR_EQ(show_double(a, 123.456), "123.456");
    ASSERT_STR_EQ(show_double(a, (double)NAN), "NaN");
    ASSERT_STR_EQ(show_double(a, (double)INFINITY), "Infinity");
    ASSERT_STR_EQ(show_double(a, -(double)INFINITY), "-Infinity");
    ASSERT_STR_EQ(show_float(a, 1.1f), "1.1");
    ASSERT_STR_EQ(show_float(a, 0.1f), "0.1");
    ASSERT_STR_EQ(show_float(a, 3.4028235e38f), "3.4028235E38");
    ASSERT_STR_EQ(show_float(a, 16777216.0f), "1.6777216E7");
    ASSERT_STR_EQ(show_float(a, -2.5f), "-2.5");
    bk_arena_free(a);
}

static const char *show_dec64(bk_arena *a, int precision, int scale, int64_t unscaled) {
    bk_vector *v = bk_vector_make(a, bk_type_make_decimal(a, precision, scale), 1);
    ((int64_t *)v->data)[0] = unscaled;
    return show(v, 0);
}

static const char *show_dec128(bk_arena *a, int precision, int scale, uint64_t hi, uint64_t lo) {
    bk_vector *v = bk_vector_make(a, bk_type_make_decimal(a, precision, scale), 1);
    bk_i128 x = {lo, (int64_t)hi};
    ((bk_i128 *)v->data)[0] = x;
    return show(v, 0);
}

BK_TEST(vector_format_decimal64) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(show_dec64(a, 10, 2, 12345), "123.45");
    ASSERT_STR_EQ(show_dec64(a, 10, 2, -12345), "-123.45");
    ASSERT_STR_EQ(show_dec64(a, 10, 2, 150), "1.50");
    ASSERT_STR_EQ(show_dec64(a, 10, 2, 5), "0.05");
    ASSERT_STR_EQ(show_dec64(a, 10, 2, -5), "-0.05");
    ASSERT_STR_EQ(show_dec64(a, 10, 2, 0), "0.00");
    ASSERT_STR_EQ(show_dec64(a, 10, 0, -42), "-42");
    ASSERT_STR_EQ(show_dec64(a, 18, 18, 1), "0.000000000000000001");
    ASSERT_STR_EQ(show_dec64(a, 18, 0, 999999999999999999), "999999999999999999");
    ASSERT_STR_EQ(show_dec64(a, 18, 4, INT64_MIN), "-922337203685477.5808");
    bk_arena_free(a);
}

BK_TEST(vector_format_decimal128) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    /* 10^38 - 1 = 0x4B3B4CA85A86C47A_098A223FFFFFFFFF: 38 nines */
    const uint64_t hi = UINT64_C(0x4B3B4CA85A86C47A), lo = UINT64_C(0x098A223FFFFFFFFF);
    ASSERT_STR_EQ(show_dec128(a, 38, 0, hi, lo), "99999999999999999999999999999999999999");
    ASSERT_STR_EQ(show_dec128(a, 38, 2, hi, lo), "999999999999999999999999999999999999.99");
    ASSERT_STR_EQ(show_dec128(a, 38, 38, hi, lo), "0.99999999999999999999999999999999999999");
    /* its negation: two's complement of hi:lo */
    uint64_t nlo = ~lo + 1, nhi = ~hi + (nlo == 0);
    ASSERT_STR_EQ(show_dec128(a, 38, 0, nhi, nlo), "-99999999999999999999999999999999999999");
    ASSERT_STR_EQ(show_dec128(a, 38, 10, nhi, nlo), "-9999999999999999999999999999.9999999999");
    ASSERT_STR_EQ(show_dec128(a, 38, 38, nhi, nlo), "-0.99999999999999999999999999999999999999");
    /* small values in the 128-bit layout */
    ASSERT_STR_EQ(show_dec128(a, 20, 2, 0, 12345), "123.45");
    ASSERT_STR_EQ(show_dec128(a, 20, 2, UINT64_MAX, (uint64_t)-12345), "-123.45");
    ASSERT_STR_EQ(show_dec128(a, 20, 3, UINT64_MAX, UINT64_MAX), "-0.001");
    ASSERT_STR_EQ(show_dec128(a, 20, 0, 0, 0), "0");
    /* 2^64 exactly crosses the halves */
    ASSERT_STR_EQ(show_dec128(a, 38, 0, 1, 0), "18446744073709551616");
    ASSERT_STR_EQ(show_dec128(a, 38, 5, 1, 0), "184467440737095.51616");
    /* the most negative 128-bit value still prints (outside DECIMAL(38) but defined) */
    ASSERT_STR_EQ(show_dec128(a, 38, 0, UINT64_C(0x8000000000000000), 0),
                  "-170141183460469231731687303715884105728");
    bk_arena_free(a);
}

static bk_str S(const char *s) {
    bk_str x = {s, strlen(s)};
    return x;
}

BK_TEST(vector_format_strings_and_binary) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_vector *s = bk_vector_make(a, bk_type_scalar(BK_TYPE_STRING), 2);
    ((bk_str *)s->data)[0] = S("héllo, world");
    ASSERT_STR_EQ(show(s, 0), "héllo, world");
    ASSERT_STR_EQ(show(s, 1), "");
    bk_vector *b = bk_vector_make(a, bk_type_scalar(BK_TYPE_BINARY), 2);
    ((bk_str *)b->data)[0] = S("\x0a\x0b\xff");
    ASSERT_STR_EQ(show(b, 0), "X'0A0BFF'");
    ASSERT_STR_EQ(show(b, 1), "X''");
    bk_arena_free(a);
}

static const char *show_date(bk_arena *a, int32_t days) {
    bk_vector *v = one(a, BK_TYPE_DATE);
    ((int32_t *)v->data)[0] = days;
    return show(v, 0);
}

static const char *show_ts(bk_arena *a, bk_type_kind kind, int64_t micros) {
    bk_vector *v = one(a, kind);
    ((int64_t *)v->data)[0] = micros;
    return show(v, 0);
}

BK_TEST(vector_format_dates) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(show_date(a, 0), "1970-01-01");
    ASSERT_STR_EQ(show_date(a, -1), "1969-12-31");
    ASSERT_STR_EQ(show_date(a, 19724), "2024-01-02");
    ASSERT_STR_EQ(show_date(a, 11016), "2000-02-29");
    ASSERT_STR_EQ(show_date(a, -141427), "1582-10-15");
    ASSERT_STR_EQ(show_date(a, -141428), "1582-10-14"); /* proleptic: no Julian gap */
    ASSERT_STR_EQ(show_date(a, -719162), "0001-01-01");
    ASSERT_STR_EQ(show_date(a, -719163), "0000-12-31");
    ASSERT_STR_EQ(show_date(a, -719529), "-0001-12-31");
    ASSERT_STR_EQ(show_date(a, 2932896), "9999-12-31");
    ASSERT_STR_EQ(show_date(a, 2932897), "+10000-01-01");
    ASSERT_STR_EQ(show_date(a, INT32_MAX), "+5881580-07-11");
    ASSERT_STR_EQ(show_date(a, INT32_MIN), "-5877641-06-23");
    bk_arena_free(a);
}

BK_TEST(vector_format_timestamps_and_time) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(show_ts(a, BK_TYPE_TIMESTAMP, 0), "1970-01-01 00:00:00");
    ASSERT_STR_EQ(show_ts(a, BK_TYPE_TIMESTAMP, 1704164645123456), "2024-01-02 03:04:05.123456");
    ASSERT_STR_EQ(show_ts(a, BK_TYPE_TIMESTAMP_NTZ, 1704164645120000), "2024-01-02 03:04:05.12");
    ASSERT_STR_EQ(show_ts(a, BK_TYPE_TIMESTAMP, 1704164645100000), "2024-01-02 03:04:05.1");
    ASSERT_STR_EQ(show_ts(a, BK_TYPE_TIMESTAMP, 1704164645000001), "2024-01-02 03:04:05.000001");
    ASSERT_STR_EQ(show_ts(a, BK_TYPE_TIMESTAMP, -1), "1969-12-31 23:59:59.999999");
    ASSERT_STR_EQ(show_ts(a, BK_TYPE_TIMESTAMP, -86400000000), "1969-12-31 00:00:00");
    ASSERT_STR_EQ(show_ts(a, BK_TYPE_TIMESTAMP, -62135596800000000), "0001-01-01 00:00:00");
    ASSERT_STR_EQ(show_ts(a, BK_TYPE_TIMESTAMP, INT64_MAX), "+294247-01-10 04:00:54.775807");
    ASSERT_STR_EQ(show_ts(a, BK_TYPE_TIMESTAMP, INT64_MIN), "-290308-12-21 19:59:05.224192");
    ASSERT_STR_EQ(show_ts(a, BK_TYPE_TIME, 0), "00:00:00");
    ASSERT_STR_EQ(show_ts(a, BK_TYPE_TIME, 45296500000), "12:34:56.5");
    ASSERT_STR_EQ(show_ts(a, BK_TYPE_TIME, 86399999999), "23:59:59.999999");
    bk_arena_free(a);
}

BK_TEST(vector_format_nested) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const bk_type *i32 = bk_type_scalar(BK_TYPE_INT), *str = bk_type_scalar(BK_TYPE_STRING);

    /* ARRAY<INT>: [1, 2, null], [], NULL */
    bk_vector *arr = bk_vector_make(a, bk_type_make_array(a, i32), 3);
    bk_vector *elems = bk_vector_make(a, i32, 3);
    ((int32_t *)elems->data)[0] = 1;
    ((int32_t *)elems->data)[1] = 2;
    ASSERT_OK(bk_vector_ensure_validity(a, elems), (bk_error *)NULL);
    bk_validity_set(elems->validity, 2, false);
    arr->children[0] = elems;
    int64_t offs[] = {0, 3, 3, 3};
    memcpy(arr->offsets, offs, sizeof offs);
    ASSERT_OK(bk_vector_ensure_validity(a, arr), (bk_error *)NULL);
    bk_validity_set(arr->validity, 2, false);
    ASSERT_STR_EQ(show(arr, 0), "[1, 2, null]");
    ASSERT_STR_EQ(show(arr, 1), "[]");
    ASSERT_STR_EQ(show(arr, 2), "NULL");

    /* MAP<STRING, INT>: {a -> 1, b -> null} */
    bk_vector *map = bk_vector_make(a, bk_type_make_map(a, str, i32), 1);
    bk_vector *keys = bk_vector_make(a, str, 2), *vals = bk_vector_make(a, i32, 2);
    ((bk_str *)keys->data)[0] = S("a");
    ((bk_str *)keys->data)[1] = S("b");
    ((int32_t *)vals->data)[0] = 1;
    ASSERT_OK(bk_vector_ensure_validity(a, vals), (bk_error *)NULL);
    bk_validity_set(vals->validity, 1, false);
    map->children[0] = keys;
    map->children[1] = vals;
    map->offsets[1] = 2;
    ASSERT_STR_EQ(show(map, 0), "{a -> 1, b -> null}");

    /* STRUCT<a: INT, b: STRING, c: ARRAY<INT>>: {1, x, [1, 2, null]} */
    const char *names[] = {"a", "b", "c"};
    const bk_type *fields[] = {i32, str, arr->type};
    bk_vector *st = bk_vector_make(a, bk_type_make_struct(a, 3, names, fields, NULL), 2);
    ((int32_t *)st->children[0]->data)[0] = 1;
    ((bk_str *)st->children[1]->data)[0] = S("x");
    st->children[2] = arr;
    ASSERT_OK(bk_vector_ensure_validity(a, st->children[1]), (bk_error *)NULL);
    bk_validity_set(st->children[1]->validity, 1, false);
    ASSERT_STR_EQ(show(st, 0), "{1, x, [1, 2, null]}");
    ASSERT_STR_EQ(show(st, 1), "{0, null, []}");

    /* an empty struct */
    bk_vector *es = bk_vector_make(a, bk_type_make_struct(a, 0, NULL, NULL, NULL), 1);
    ASSERT_STR_EQ(show(es, 0), "{}");
    bk_arena_free(a);
}

BK_TEST(vector_format_rejects_broken_offsets) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_vector *arr = bk_vector_make(a, bk_type_make_array(a, bk_type_scalar(BK_TYPE_INT)), 1);
    arr->offsets[1] = 5; /* the child has 0 rows */
    ASSERT_STR_EQ(show(arr, 0), "<INTERNAL_ERROR>");
    arr->offsets[0] = 1;
    arr->offsets[1] = 0;
    ASSERT_STR_EQ(show(arr, 0), "<INTERNAL_ERROR>");
    bk_arena_free(a);
}

BK_TEST(vector_format_out_of_memory) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_vector *v = one(a, BK_TYPE_BIGINT);
    bk_buf b;
    bk_buf_init(&b);
    bk_mem_fail_after(0);
    bk_status st = bk_vector_format_value(v, 0, &b);
    bk_mem_fail_reset();
    ASSERT_EQ(st, BK_OUT_OF_MEMORY);
    bk_buf_destroy(&b);
    bk_arena_free(a);
}

/* ---- clock.h -------------------------------------------------------------------------- */

BK_TEST(clock_civil_round_trip) {
    /* every day across several eras, both directions */
    for (int64_t d = -800000; d <= 800000; d += 7) {
        int64_t y;
        int m, day;
        bk_civil_from_days(d, &y, &m, &day);
        ASSERT_TRUE(m >= 1 && m <= 12 && day >= 1 && day <= bk_days_in_month(y, m));
        ASSERT_EQ(bk_days_from_civil(y, m, day), d);
    }
    ASSERT_EQ(bk_days_from_civil(1970, 1, 1), 0);
    ASSERT_EQ(bk_days_from_civil(2000, 3, 1), 11017);
    ASSERT_EQ(bk_days_from_civil(-1, 12, 31), -719529);
    ASSERT_EQ(bk_days_in_month(1900, 2), 28);
    ASSERT_EQ(bk_days_in_month(2000, 2), 29);
    ASSERT_EQ(bk_days_in_month(2024, 2), 29);
    ASSERT_EQ(bk_days_in_month(2023, 4), 30);
    ASSERT_EQ(bk_days_in_month(2023, 13), 0);
}

BK_TEST(clock_parse_date) {
    int32_t d = 7;
    ASSERT_TRUE(bk_parse_date("2024-01-02", 10, &d));
    ASSERT_EQ(d, 19724);
    ASSERT_TRUE(bk_parse_date(" 1969-12-31 ", 12, &d));
    ASSERT_EQ(d, -1);
    ASSERT_TRUE(bk_parse_date("2024-1-2", 8, &d));
    ASSERT_EQ(d, 19724);
    ASSERT_TRUE(bk_parse_date("-0001-12-31", 11, &d));
    ASSERT_EQ(d, -719529);
    ASSERT_TRUE(bk_parse_date("+10000-01-01", 12, &d));
    ASSERT_EQ(d, 2932897);
    ASSERT_TRUE(bk_parse_date("2000-02-29", 10, &d));
    d = 7;
    ASSERT_TRUE(!bk_parse_date("1900-02-29", 10, &d));
    ASSERT_TRUE(!bk_parse_date("2024-13-01", 10, &d));
    ASSERT_TRUE(!bk_parse_date("2024-00-01", 10, &d));
    ASSERT_TRUE(!bk_parse_date("2024-04-31", 10, &d));
    ASSERT_TRUE(!bk_parse_date("24-01-01", 8, &d));
    ASSERT_TRUE(!bk_parse_date("2024-01-01x", 11, &d));
    ASSERT_TRUE(!bk_parse_date("2024/01/01", 10, &d));
    ASSERT_TRUE(!bk_parse_date("", 0, &d));
    ASSERT_EQ(d, 7);
}

BK_TEST(clock_parse_timestamp_and_time) {
    int64_t t = 0;
    ASSERT_TRUE(bk_parse_timestamp("2024-01-02 03:04:05.123456", 26, &t));
    ASSERT_EQ(t, 1704164645123456);
    ASSERT_TRUE(bk_parse_timestamp("2024-01-02T03:04:05.1Z", 22, &t));
    ASSERT_EQ(t, 1704164645100000);
    ASSERT_TRUE(bk_parse_timestamp("2024-01-02", 10, &t));
    ASSERT_EQ(t, 1704153600000000);
    ASSERT_TRUE(bk_parse_timestamp("2024-01-02 3:4", 14, &t));
    ASSERT_EQ(t, 1704164640000000);
    ASSERT_TRUE(bk_parse_timestamp("1969-12-31 23:59:59.999999999", 29, &t));
    ASSERT_EQ(t, -1);
    ASSERT_TRUE(!bk_parse_timestamp("2024-01-02 24:00:00", 19, &t));
    ASSERT_TRUE(!bk_parse_timestamp("2024-01-02 23:60:00", 19, &t));
    ASSERT_TRUE(!bk_parse_timestamp("2024-01-02 23:59:60", 19, &t));
    ASSERT_TRUE(!bk_parse_timestamp("2024-01-02 23:59:59.", 20, &t));
    ASSERT_TRUE(!bk_parse_timestamp("2024-01-02 23:59:59.1234567890", 30, &t));
    ASSERT_TRUE(!bk_parse_timestamp("2024-01-02 23:59:59+01:00", 25, &t));
    ASSERT_TRUE(!bk_parse_timestamp("999999-01-01", 12, &t)); /* beyond int64 µs */
    ASSERT_EQ(t, -1);
    ASSERT_TRUE(bk_parse_timestamp("2024-01-02 ", 11, &t)); /* trailing space is trimmed */
    ASSERT_EQ(t, 1704153600000000);

    /* round trip through the formatter */
    char text[BK_TIMESTAMP_TEXT_MAX];
    int64_t samples[] = {0, -1, 1704164645123456, -62135596800000000, 253402300799999999};
    for (size_t i = 0; i < BK_ARRAY_LEN(samples); i++) {
        size_t n = bk_format_timestamp_micros(samples[i], text, sizeof text);
        ASSERT_TRUE(bk_parse_timestamp(text, n, &t));
        ASSERT_EQ(t, samples[i]);
    }

    ASSERT_TRUE(bk_parse_time("12:34:56.5", 10, &t));
    ASSERT_EQ(t, 45296500000);
    ASSERT_TRUE(bk_parse_time("0:0", 3, &t));
    ASSERT_EQ(t, 0);
    ASSERT_TRUE(!bk_parse_time("25:00", 5, &t));
}

BK_TEST(clock_formatters_bound_output) {
    char small[5];
    size_t need = bk_format_date(19724, small, sizeof small);
    ASSERT_EQ(need, 10);
    ASSERT_STR_EQ(small, "2024");
    ASSERT_EQ(bk_format_timestamp_micros(0, NULL, 0), 19);
    ASSERT_EQ(bk_format_time_micros(1, small, sizeof small), 15);
}

BK_TEST(clock_now_and_monotonic) {
    int64_t now = bk_now_micros();
    ASSERT_TRUE(now > INT64_C(1600000000000000)); /* after 2020 */
    int64_t t1 = bk_monotonic_ns(), t2 = bk_monotonic_ns();
    ASSERT_TRUE(t2 >= t1);
}
