/*
 * test_delta_dv.c — deletion vectors: the Z85 codec (RFC 32 vectors), the roaring
 * set (round trips through the serialized form, union, bulk marking, every
 * truncation of a valid DV), descriptors (the protocol's examples), every DV that
 * a table in ../shared/testdata references, damaged DV files, and writing DV
 * files and inline DVs that load back; allocation failure at every step.
 */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/mem.h"
#include "delta/dv.h"
#include "delta/z85.h"
#include "store/store.h"
#include "test.h"

/* ---- helpers -------------------------------------------------------------------------------- */

/* A deterministic pseudo-random sequence (64-bit LCG, high bits). */
static uint64_t rng_next(uint64_t *state) {
    *state = *state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *state >> 17;
}

static int cmp_u64(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Sort and remove duplicates in place; returns the new length. */
static size_t sort_unique(uint64_t *rows, size_t n) {
    qsort(rows, n, sizeof *rows, cmp_u64);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (kept == 0 || rows[kept - 1] != rows[i]) rows[kept++] = rows[i];
    return kept;
}

static bool sorted_has(const uint64_t *rows, size_t n, uint64_t row) {
    return n > 0 && bsearch(&row, rows, n, sizeof *rows, cmp_u64) != NULL;
}

/*
 * Check that dv is exactly the set rows[0..n) (sorted, unique): cardinality, the
 * ascending list, contains at every row and its neighbours, max_row, mark over a
 * few windows, and a round trip through the serialized form that gives back the
 * same set and the same bytes.
 */
static void check_set(bk_arena *a, const delta_dv *dv, const uint64_t *rows, size_t n) {
    bk_error err;
    bk_error_clear(&err);
    ASSERT_EQ(delta_dv_cardinality(dv), n);
    uint64_t *got;
    size_t n_got;
    ASSERT_OK(delta_dv_to_rows(a, dv, &got, &n_got, &err), &err);
    ASSERT_EQ(n_got, n);
    for (size_t i = 0; i < n; i++) ASSERT_EQ(got[i], rows[i]);
    for (size_t i = 0; i < n; i++) {
        ASSERT_TRUE(delta_dv_contains(dv, rows[i]));
        if (rows[i] > 0 && !sorted_has(rows, n, rows[i] - 1))
            ASSERT_TRUE(!delta_dv_contains(dv, rows[i] - 1));
        if (!sorted_has(rows, n, rows[i] + 1)) ASSERT_TRUE(!delta_dv_contains(dv, rows[i] + 1));
    }
    uint64_t max = 0;
    ASSERT_EQ(delta_dv_max_row(dv, &max), n > 0);
    if (n) ASSERT_EQ(max, rows[n - 1]);

    /* mark: windows around the first, a middle and the last row, checked row by row */
    uint8_t deleted[5000];
    uint64_t centres[3] = {n ? rows[0] : 0, n ? rows[n / 2] : 0, n ? rows[n - 1] : 0};
    for (int w = 0; w < 3; w++) {
        uint64_t first = centres[w] > 2000 ? centres[w] - 2000 : 0;
        size_t len = sizeof deleted - (size_t)w * 777;
        memset(deleted, 0, sizeof deleted);
        delta_dv_mark(dv, first, len, deleted);
        for (size_t i = 0; i < len; i++)
            ASSERT_EQ(deleted[i], sorted_has(rows, n, first + i) ? 1 : 0);
    }

    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(delta_dv_serialize(dv, &b), NULL);
    ASSERT_EQ(b.len, delta_dv_serialized_size(dv));
    delta_dv *back;
    bk_status st = delta_dv_parse(a, b.data, b.len, &back, &err);
    if (st != BK_OK) bk_buf_destroy(&b);
    ASSERT_OK(st, &err);
    bk_buf again;
    bk_buf_init(&again);
    st = delta_dv_serialize(back, &again);
    bool same = st == BK_OK && again.len == b.len && memcmp(again.data, b.data, b.len) == 0;
    bk_buf_destroy(&again);
    bk_buf_destroy(&b);
    ASSERT_TRUE(same);
    ASSERT_EQ(delta_dv_cardinality(back), n);
    ASSERT_OK(delta_dv_to_rows(a, back, &got, &n_got, &err), &err);
    ASSERT_EQ(n_got, n);
    for (size_t i = 0; i < n; i++) ASSERT_EQ(got[i], rows[i]);
}

/* Build the set of rows[0..n) (sorted unique) and check it. */
static void round_trip(const uint64_t *rows, size_t n) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    delta_dv *dv;
    ASSERT_OK(delta_dv_from_rows(a, rows, n, &dv, &err), &err);
    check_set(a, dv, rows, n);
    bk_arena_free(a);
}

/* ---- Z85 ------------------------------------------------------------------------------------ */

BK_TEST(dv_z85_rfc32_vectors) {
    bk_error err;
    bk_error_clear(&err);
    /* RFC 32's test case */
    const uint8_t hello[8] = {0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B};
    char text[64];
    ASSERT_OK(delta_z85_encode(hello, 8, text, &err), &err);
    ASSERT_STR_EQ(text, "HelloWorld");
    uint8_t bytes[32];
    ASSERT_OK(delta_z85_decode("HelloWorld", 10, bytes, &err), &err);
    ASSERT_TRUE(memcmp(bytes, hello, 8) == 0);

    /* the CURVE keys of the ZeroMQ documentation (zmq_z85_encode, zmq_curve) */
    static const struct {
        const char *z85, *hex;
    } keys[] = {
        {"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7",
         "54fcba24e93249969316fb617c872bb0c1d1ff14800427c594cbfacf1bc2d652"},
        {"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID",
         "bb88471d65e2659b30c55a5321cebb5aab2b70a398645c26dca2b2fcb43fc518"},
    };
    for (size_t k = 0; k < BK_ARRAY_LEN(keys); k++) {
        ASSERT_OK(delta_z85_decode(keys[k].z85, 40, bytes, &err), &err);
        char hex[65];
        for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
        ASSERT_STR_EQ(hex, keys[k].hex);
        ASSERT_OK(delta_z85_encode(bytes, 32, text, &err), &err);
        ASSERT_STR_EQ(text, keys[k].z85);
    }

    /* zero, all ones and an ordinary block round-trip; so does nothing */
    const uint8_t edge[12] = {0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x12, 0x34, 0x56, 0x78};
    ASSERT_OK(delta_z85_encode(edge, 12, text, &err), &err);
    ASSERT_EQ(strlen(text), 15);
    ASSERT_STR_EQ(text, "00000%nSc05&rTl");
    ASSERT_OK(delta_z85_decode(text, 15, bytes, &err), &err);
    ASSERT_TRUE(memcmp(bytes, edge, 12) == 0);
    ASSERT_OK(delta_z85_encode(edge, 0, text, &err), &err);
    ASSERT_STR_EQ(text, "");
}

BK_TEST(dv_z85_errors) {
    bk_error err;
    bk_error_clear(&err);
    char text[16];
    uint8_t bytes[16];
    ASSERT_FAILS(delta_z85_encode((const uint8_t *)"abc", 3, text, &err), BK_INVALID_ARGUMENT);
    ASSERT_CONTAINS(err.msg, "multiple of 4");
    bk_error_clear(&err);
    ASSERT_FAILS(delta_z85_decode("Hello", 4, bytes, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "length 4 is not a multiple of 5");
    bk_error_clear(&err);
    ASSERT_FAILS(delta_z85_decode("Hel~oWorld", 10, bytes, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg,
                  "invalid Z85 text: character '~' at position 3 is not in the Z85 alphabet");
    bk_error_clear(&err);
    ASSERT_FAILS(delta_z85_decode("Hello Worl", 10, bytes, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "position 5");
    bk_error_clear(&err);
    ASSERT_FAILS(delta_z85_decode("Hell\x80", 5, bytes, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "byte 0x80 at position 4");
    bk_error_clear(&err);
    /* "%nSc1" is 2^32: one more than the largest 4-byte value */
    ASSERT_OK(delta_z85_decode("%nSc0", 5, bytes, &err), &err);
    ASSERT_TRUE(bytes[0] == 0xFF && bytes[1] == 0xFF && bytes[2] == 0xFF && bytes[3] == 0xFF);
    ASSERT_FAILS(delta_z85_decode("%nSc1", 5, bytes, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "larger than 32 bits");
}

/* ---- the set -------------------------------------------------------------------------------- */

BK_TEST(dv_roaring_round_trips) {
    round_trip(NULL, 0); /* empty */
    uint64_t one = 42;
    round_trip(&one, 1);
    uint64_t zero = 0;
    round_trip(&zero, 1);
    uint64_t top = DELTA_DV_MAX_ROW;
    round_trip(&top, 1);

    size_t cap = 200000;
    uint64_t *rows = bk_malloc(cap * sizeof *rows);
    ASSERT_TRUE(rows != NULL);

    /* dense 0..100000: two full-ish containers, run encoded */
    for (size_t i = 0; i <= 100000; i++) rows[i] = i;
    round_trip(rows, 100001);

    /* sparse: every 1000th row up to 5M (array containers of ~65 values) */
    size_t n = 0;
    for (uint64_t r = 7; r < 5000000; r += 1000) rows[n++] = r;
    round_trip(rows, n);

    /* rows above 2^32 in several buckets, with key gaps */
    n = 0;
    for (uint64_t bucket = 0; bucket < 6; bucket++)
        for (uint64_t k = 0; k < 50; k++)
            rows[n++] = (bucket * bucket * 3 << 32) + k * 4099 + bucket;
    n = sort_unique(rows, n);
    round_trip(rows, n);

    /* runs: many short runs, long runs that cross container boundaries, and a run
       that ends at 65535 */
    n = 0;
    for (uint64_t start = 0; start < 400000; start += 1000)
        for (uint64_t k = 0; k < 10; k++) rows[n++] = start + k;
    for (uint64_t r = 600000; r < 700000; r++) rows[n++] = r;
    for (uint64_t r = 3 * 65536 + 65000; r < 4 * 65536; r++) rows[n++] = r;
    n = sort_unique(rows, n);
    round_trip(rows, n);

    /* bitmap containers: 20000 scattered values in one container, plus odd rows in another */
    uint64_t state = 1;
    n = 0;
    for (int i = 0; i < 20000; i++) rows[n++] = 10 * 65536 + rng_next(&state) % 65536;
    for (uint64_t r = 11 * 65536; r < 12 * 65536; r += 2) rows[n++] = r;
    n = sort_unique(rows, n);
    round_trip(rows, n);

    /* random mix over a wide range */
    n = 0;
    for (int i = 0; i < 50000; i++) rows[n++] = rng_next(&state) % (UINT64_C(1) << 40);
    n = sort_unique(rows, n);
    round_trip(rows, n);
    bk_free(rows);
}

BK_TEST(dv_from_rows_unsorted_and_bounds) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    uint64_t rows[] = {9, 3, 3, 70000, 0, 9, UINT64_C(1) << 40, 4, 70000};
    delta_dv *dv;
    ASSERT_OK(delta_dv_from_rows(a, rows, BK_ARRAY_LEN(rows), &dv, &err), &err);
    uint64_t expect[] = {0, 3, 4, 9, 70000, UINT64_C(1) << 40};
    check_set(a, dv, expect, BK_ARRAY_LEN(expect));
    ASSERT_TRUE(rows[0] == 9 && rows[1] == 3); /* the input is not modified */

    uint64_t bad[] = {1, UINT64_C(1) << 63};
    ASSERT_FAILS(delta_dv_from_rows(a, bad, 2, &dv, &err), BK_INVALID_ARGUMENT);
    ASSERT_CONTAINS(err.msg, "row index 9223372036854775808 is out of range");

    /* NULL is the empty set for the queries */
    uint8_t deleted[4] = {0};
    delta_dv_mark(NULL, 0, 4, deleted);
    ASSERT_TRUE(!deleted[0] && !delta_dv_contains(NULL, 0) && delta_dv_cardinality(NULL) == 0);
    bk_arena_free(a);
}

BK_TEST(dv_union) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    size_t cap = 70000;
    uint64_t *x = bk_malloc(cap * sizeof *x), *y = bk_malloc(cap * sizeof *y);
    uint64_t *all = bk_malloc(2 * cap * sizeof *all);
    ASSERT_TRUE(x && y && all);
    uint64_t state = 7;
    size_t nx = 0, ny = 0;
    /* overlapping containers of every kind, and containers only one side has */
    for (uint64_t r = 0; r < 20000; r++) x[nx++] = r;                          /* run */
    for (int i = 0; i < 3000; i++) y[ny++] = rng_next(&state) % 65536;         /* array */
    for (int i = 0; i < 9000; i++) x[nx++] = 65536 + rng_next(&state) % 65536; /* bitmap */
    for (int i = 0; i < 9000; i++) y[ny++] = 65536 + rng_next(&state) % 65536;
    for (int i = 0; i < 100; i++) x[nx++] = (UINT64_C(5) << 32) + (uint64_t)i * 3;
    for (int i = 0; i < 100; i++) y[ny++] = (UINT64_C(7) << 32) + (uint64_t)i * 5;
    nx = sort_unique(x, nx);
    ny = sort_unique(y, ny);
    memcpy(all, x, nx * sizeof *x);
    memcpy(all + nx, y, ny * sizeof *y);
    size_t n = sort_unique(all, nx + ny);

    delta_dv *dx, *dy, *u, *u_empty;
    ASSERT_OK(delta_dv_from_rows(a, x, nx, &dx, &err), &err);
    ASSERT_OK(delta_dv_from_rows(a, y, ny, &dy, &err), &err);
    ASSERT_OK(delta_dv_union(a, dx, dy, &u, &err), &err);
    check_set(a, u, all, n);
    ASSERT_OK(delta_dv_union(a, dy, dx, &u, &err), &err);
    check_set(a, u, all, n);
    ASSERT_OK(delta_dv_union(a, dx, NULL, &u_empty, &err), &err);
    check_set(a, u_empty, x, nx);
    ASSERT_OK(delta_dv_union(a, NULL, NULL, &u_empty, &err), &err);
    ASSERT_EQ(delta_dv_cardinality(u_empty), 0);

    /* a union that fills a container completely becomes one run */
    for (uint64_t r = 0; r < 65536; r++) x[r] = r;
    ASSERT_OK(delta_dv_from_rows(a, x, 32768, &dx, &err), &err);
    ASSERT_OK(delta_dv_from_rows(a, x + 32768, 32768, &dy, &err), &err);
    ASSERT_OK(delta_dv_union(a, dx, dy, &u, &err), &err);
    check_set(a, u, x, 65536);
    ASSERT_EQ(delta_dv_serialized_size(u), 4 + 8 + 4 + 4 + 1 + 4 + 6);
    bk_free(x);
    bk_free(y);
    bk_free(all);
    bk_arena_free(a);
}

BK_TEST(dv_mark_random_windows) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    size_t n = 0;
    uint64_t *rows = bk_malloc(80000 * sizeof *rows);
    ASSERT_TRUE(rows != NULL);
    uint64_t state = 3;
    for (int i = 0; i < 30000; i++) rows[n++] = rng_next(&state) % 300000; /* mixed kinds */
    for (uint64_t r = 400000; r < 450000; r++) rows[n++] = r;              /* runs */
    n = sort_unique(rows, n);
    delta_dv *dv;
    ASSERT_OK(delta_dv_from_rows(a, rows, n, &dv, &err), &err);
    uint8_t *deleted = bk_malloc(70000);
    ASSERT_TRUE(deleted != NULL);
    for (int trial = 0; trial < 60; trial++) {
        uint64_t first = rng_next(&state) % 460000;
        size_t len = 1 + (size_t)(rng_next(&state) % 70000);
        memset(deleted, 0, len);
        delta_dv_mark(dv, first, len, deleted);
        for (size_t i = 0; i < len; i++) {
            if (deleted[i] != (delta_dv_contains(dv, first + i) ? 1 : 0)) {
                bk_test_fail(__FILE__, __LINE__, "mark(%llu, %zu): row %llu wrong",
                             (unsigned long long)first, len, (unsigned long long)(first + i));
                bk_free(deleted);
                bk_free(rows);
                bk_arena_free(a);
                return;
            }
        }
    }
    /* a window at the very end of the row space must not wrap */
    memset(deleted, 0, 16);
    delta_dv_mark(dv, UINT64_MAX - 7, 16, deleted);
    for (int i = 0; i < 16; i++) ASSERT_EQ(deleted[i], 0);
    bk_free(deleted);
    bk_free(rows);
    bk_arena_free(a);
}

/* The exact bytes for rows 0..99999: two run containers in one bucket. */
BK_TEST(dv_serialize_exact_bytes) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    uint64_t *rows = bk_malloc(100000 * sizeof *rows);
    ASSERT_TRUE(rows != NULL);
    for (size_t i = 0; i < 100000; i++) rows[i] = i;
    delta_dv *dv;
    ASSERT_OK(delta_dv_from_rows(a, rows, 100000, &dv, &err), &err);
    bk_free(rows);
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(delta_dv_serialize(dv, &b), NULL);
    static const uint8_t expect[] = {
        0xd1, 0xd3, 0x39, 0x64,                         /* magic 1681511377 */
        1,    0,    0,    0,    0,    0,    0,    0,    /* one bucket */
        0,    0,    0,    0,                            /* key 0 */
        0x3b, 0x30, 1,    0,                            /* cookie 12347, 2 containers */
        0x03,                                           /* both are runs */
        0,    0,    0xff, 0xff, 1,    0,    0x9f, 0x86, /* keys 0, 1; cards 65536, 34464 */
        1,    0,    0,    0,    0xff, 0xff,             /* run 0..65535 */
        1,    0,    0,    0,    0x9f, 0x86,             /* run 0..34463 */
    };
    bool same = b.len == sizeof expect && memcmp(b.data, expect, sizeof expect) == 0;
    bk_buf_destroy(&b);
    ASSERT_TRUE(same);
    bk_arena_free(a);
}

/* Every proper prefix, and every single-byte change of the header, fails cleanly. */
BK_TEST(dv_parse_rejects_damage) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    uint64_t rows[] = {1, 2, 3, 500, 70000, 70001, (UINT64_C(3) << 32) + 9};
    uint64_t *many = bk_malloc(6000 * sizeof *many);
    ASSERT_TRUE(many != NULL);
    for (int i = 0; i < 6000; i++) many[i] = 200000 + (uint64_t)i * 7; /* a bitmap container */
    delta_dv *d1, *d2, *dv;
    ASSERT_OK(delta_dv_from_rows(a, rows, BK_ARRAY_LEN(rows), &d1, &err), &err);
    ASSERT_OK(delta_dv_from_rows(a, many, 6000, &d2, &err), &err);
    bk_free(many);
    ASSERT_OK(delta_dv_union(a, d1, d2, &dv, &err), &err);
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(delta_dv_serialize(dv, &b), NULL);
    int failures = 0;
    for (size_t len = 0; len < b.len; len++) {
        delta_dv *out;
        bk_error_clear(&err);
        if (delta_dv_parse(a, b.data, len, &out, &err) != BK_CORRUPT) failures++;
    }
    /* one extra byte at the end */
    ASSERT_OK(bk_buf_append_u8(&b, 0), NULL);
    delta_dv *out;
    bk_error_clear(&err);
    if (delta_dv_parse(a, b.data, b.len, &out, &err) != BK_CORRUPT) failures++;
    ASSERT_CONTAINS(err.msg, "1 unexpected bytes after the last bucket");
    b.len--;
    /* flipping any byte either fails with BK_CORRUPT or gives some valid set */
    for (size_t pos = 0; pos < 64 && pos < b.len; pos++) {
        for (int bit = 0; bit < 8; bit++) {
            b.data[pos] ^= (uint8_t)(1 << bit);
            bk_error_clear(&err);
            bk_status st = delta_dv_parse(a, b.data, b.len, &out, &err);
            if (st != BK_OK && st != BK_CORRUPT) failures++;
            b.data[pos] ^= (uint8_t)(1 << bit);
        }
    }
    /* specific messages */
    b.data[0] ^= 1;
    bk_error_clear(&err);
    ASSERT_FAILS(delta_dv_parse(a, b.data, b.len, &out, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "unknown magic number");
    b.data[0] ^= 1;
    b.data[15] = 0x80; /* the first bucket key gets its top bit */
    bk_error_clear(&err);
    ASSERT_FAILS(delta_dv_parse(a, b.data, b.len, &out, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "has its top bit set");
    bk_buf_destroy(&b);
    ASSERT_EQ(failures, 0);
    bk_arena_free(a);
}

/* ---- descriptors ---------------------------------------------------------------------------- */

BK_TEST(dv_descriptor_paths_and_ids) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    /* PROTOCOL.md JSON Example 1 */
    delta_dv_ref ref = {.storage_type = 'u',
                        .path_or_inline_dv = "ab^-aqEH.-t@S}K{vb[*k^",
                        .has_offset = true,
                        .offset = 4,
                        .size_in_bytes = 40,
                        .cardinality = 6};
    const char *path;
    ASSERT_OK(delta_dv_file_path(a, "/mytable/", &ref, &path, &err), &err);
    ASSERT_STR_EQ(path, "/mytable/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin");
    ASSERT_STR_EQ(delta_dv_unique_id(a, &ref), "uab^-aqEH.-t@S}K{vb[*k^@4");
    ref.path_or_inline_dv = "^-aqEH.-t@S}K{vb[*k^";
    ASSERT_OK(delta_dv_file_path(a, "/mytable", &ref, &path, &err), &err);
    ASSERT_STR_EQ(path, "/mytable/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin");
    ref.path_or_inline_dv = "short";
    ASSERT_FAILS(delta_dv_file_path(a, "/t", &ref, &path, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "shorter than the 20-character UUID");
    bk_error_clear(&err);
    ref.path_or_inline_dv = "ab^-aqEH.-t@S}K{vb[*k~";
    ASSERT_FAILS(delta_dv_file_path(a, "/t", &ref, &path, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "does not end with a Z85 UUID");

    /* Example 2 and other 'p' forms */
    bk_error_clear(&err);
    ref.storage_type = 'p';
    ref.path_or_inline_dv = "s3://mytable/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin";
    ASSERT_FAILS(delta_dv_file_path(a, "/t", &ref, &path, &err), BK_UNSUPPORTED);
    ASSERT_CONTAINS(err.msg, "the URI scheme \"s3\" is not supported");
    bk_error_clear(&err);
    ref.path_or_inline_dv = "file:///data/my%20table/dv.bin";
    ASSERT_OK(delta_dv_file_path(a, "/t", &ref, &path, &err), &err);
    ASSERT_STR_EQ(path, "/data/my table/dv.bin");
    ref.path_or_inline_dv = "file:/data/dv.bin";
    ASSERT_OK(delta_dv_file_path(a, "/t", &ref, &path, &err), &err);
    ASSERT_STR_EQ(path, "/data/dv.bin");
    ref.path_or_inline_dv = "file://localhost/data/dv.bin";
    ASSERT_OK(delta_dv_file_path(a, "/t", &ref, &path, &err), &err);
    ASSERT_STR_EQ(path, "/data/dv.bin");
    ref.path_or_inline_dv = "/abs/dv%2Bx.bin";
    ASSERT_OK(delta_dv_file_path(a, "/t", &ref, &path, &err), &err);
    ASSERT_STR_EQ(path, "/abs/dv+x.bin");
    ref.path_or_inline_dv = "file://otherhost/data/dv.bin";
    ASSERT_FAILS(delta_dv_file_path(a, "/t", &ref, &path, &err), BK_UNSUPPORTED);
    bk_error_clear(&err);
    ref.path_or_inline_dv = "/abs/bad%2";
    ASSERT_FAILS(delta_dv_file_path(a, "/t", &ref, &path, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "invalid %-escape");
    bk_error_clear(&err);
    ref.storage_type = 'x';
    ASSERT_FAILS(delta_dv_file_path(a, "/t", &ref, &path, &err), BK_UNSUPPORTED);
    ASSERT_CONTAINS(err.msg, "unknown storageType 'x'");
    bk_arena_free(a);
}

BK_TEST(dv_inline_vectors) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    /* An inline DV as delta-spark writes it (rows 1, 3, 5; 38 bytes padded to 40). */
    delta_dv_ref ref = {.storage_type = 'i',
                        .path_or_inline_dv = "^Bg9^0rr910000000000iXQKl0rr91000625c8Xg0rri41POJ5",
                        .size_in_bytes = 38,
                        .cardinality = 3};
    delta_dv *dv;
    ASSERT_OK(delta_dv_load(a, "/nowhere", &ref, &dv, &err), &err);
    uint64_t expect[] = {1, 3, 5};
    check_set(a, dv, expect, 3);
    ASSERT_STR_EQ(delta_dv_unique_id(a, &ref),
                  "i^Bg9^0rr910000000000iXQKl0rr91000625c8Xg0rri41POJ5");

    /* our encoding of the same set is the same text */
    delta_dv_ref mine;
    ASSERT_OK(delta_dv_encode_inline(a, dv, &mine, &err), &err);
    ASSERT_EQ(mine.storage_type, 'i');
    ASSERT_TRUE(!mine.has_offset);
    ASSERT_EQ(mine.size_in_bytes, 38);
    ASSERT_EQ(mine.cardinality, 3);
    ASSERT_STR_EQ(mine.path_or_inline_dv, ref.path_or_inline_dv);

    /* the wrong cardinality */
    ref.cardinality = 4;
    ASSERT_FAILS(delta_dv_load(a, "/nowhere", &ref, &dv, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "inline deletion vector: it holds 3 rows but its descriptor says "
                           "cardinality 4");
    ASSERT_CONTAINS(err.detail, "i^Bg9^0rr9");
    bk_error_clear(&err);
    ref.cardinality = 3;
    ref.size_in_bytes = 30;
    ASSERT_FAILS(delta_dv_load(a, "/nowhere", &ref, &dv, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "sizeInBytes 30 does not match");
    bk_error_clear(&err);

    /*
     * PROTOCOL.md JSON Example 3 is the old "native" layout written big-endian; delta-spark
     * refuses it (it reads magic -791463580), and so do we.
     */
    delta_dv_ref example = {.storage_type = 'i',
                            .path_or_inline_dv =
                                "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L",
                            .size_in_bytes = 40,
                            .cardinality = 6};
    ASSERT_FAILS(delta_dv_load(a, "/nowhere", &example, &dv, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "inline deletion vector: unknown magic number 3503503716 (expected "
                           "1681511377, the portable RoaringBitmapArray format)");
    bk_error_clear(&err);
    example.path_or_inline_dv = "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{";
    ASSERT_FAILS(delta_dv_load(a, "/nowhere", &example, &dv, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "not a multiple of 5");

    /* inline round trips of bigger sets */
    uint64_t rows[3000];
    for (int i = 0; i < 3000; i++) rows[i] = (uint64_t)i * i;
    ASSERT_OK(delta_dv_from_rows(a, rows, 3000, &dv, &err), &err);
    ASSERT_OK(delta_dv_encode_inline(a, dv, &mine, &err), &err);
    delta_dv *back;
    ASSERT_OK(delta_dv_load(a, "/nowhere", &mine, &back, &err), &err);
    check_set(a, back, rows, 3000);
    bk_arena_free(a);
}

/* ---- real tables ---------------------------------------------------------------------------- */

/* A descriptor from a deletionVector JSON object (strings in `a`); false if malformed. */
static bool ref_from_json(bk_arena *a, json_t *obj, delta_dv_ref *ref) {
    memset(ref, 0, sizeof *ref);
    json_t *type = json_object_get(obj, "storageType");
    json_t *text = json_object_get(obj, "pathOrInlineDv");
    json_t *offset = json_object_get(obj, "offset");
    json_t *size = json_object_get(obj, "sizeInBytes");
    json_t *card = json_object_get(obj, "cardinality");
    if (!json_is_string(type) || !json_is_string(text) || !json_is_integer(size) ||
        !json_is_integer(card))
        return false;
    ref->storage_type = json_string_value(type)[0];
    ref->path_or_inline_dv = bk_arena_strdup(a, json_string_value(text));
    if (json_is_integer(offset)) {
        ref->has_offset = true;
        ref->offset = (int32_t)json_integer_value(offset);
    }
    ref->size_in_bytes = (int32_t)json_integer_value(size);
    ref->cardinality = json_integer_value(card);
    return true;
}

/*
 * Point a 'u' descriptor at the file a delta-spark test wrote with a name prefix
 * (a test-only setting that the log does not record): turn it into a 'p'
 * descriptor for <dir>/<prefix>deletion_vector_<uuid>.bin, with '%' escaped.
 */
static bool use_name_prefix(bk_arena *a, const char *table_root, const char *prefix,
                            delta_dv_ref *ref) {
    const char *path;
    bk_error err;
    bk_error_clear(&err);
    if (delta_dv_file_path(a, table_root, ref, &path, &err) != BK_OK) return false;
    const char *base = strrchr(path, '/') + 1;
    bk_buf b;
    bk_buf_init(&b);
    bool ok = bk_buf_append(&b, path, (size_t)(base - path)) == BK_OK;
    for (const char *p = prefix; ok && *p; p++)
        ok = (*p == '%' ? bk_buf_append(&b, "%25", 3) : bk_buf_append_u8(&b, (uint8_t)*p)) == BK_OK;
    ok = ok && bk_buf_append(&b, base, strlen(base) + 1) == BK_OK;
    ref->storage_type = 'p';
    ref->path_or_inline_dv = ok ? bk_arena_strdup(a, (const char *)b.data) : NULL;
    bk_buf_destroy(&b);
    return ref->path_or_inline_dv != NULL;
}

/*
 * Load every DV that an add or remove action in the JSON commits of table_root
 * references and check its cardinality.  `name_prefix` (usually NULL) is a
 * file-name prefix to apply, see use_name_prefix.  Returns the number loaded, or
 * -1 after reporting a failure.
 */
static int load_table_dvs(const char *table_root, const char *name_prefix) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    char log_dir[1024];
    snprintf(log_dir, sizeof log_dir, "%s/_delta_log", table_root);
    char **names;
    size_t n_names;
    if (store_list_dir(a, log_dir, &names, &n_names, &err) != BK_OK) {
        bk_test_fail(__FILE__, __LINE__, "%s", err.msg);
        bk_arena_free(a);
        return -1;
    }
    int loaded = 0;
    for (size_t f = 0; f < n_names; f++) {
        size_t name_len = strlen(names[f]);
        if (name_len < 5 || strcmp(names[f] + name_len - 5, ".json") != 0) continue;
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", log_dir, names[f]);
        uint8_t *text;
        size_t len;
        if (store_read_file(a, path, &text, &len, &err) != BK_OK) {
            bk_test_fail(__FILE__, __LINE__, "%s", err.msg);
            loaded = -1;
            break;
        }
        const char *line = (const char *)text, *end = line + len;
        while (line < end && loaded >= 0) {
            const char *nl = memchr(line, '\n', (size_t)(end - line));
            size_t line_len = nl ? (size_t)(nl - line) : (size_t)(end - line);
            json_t *root = line_len ? json_loadb(line, line_len, 0, NULL) : NULL;
            for (int k = 0; root && k < 2; k++) {
                json_t *act = json_object_get(root, k == 0 ? "add" : "remove");
                json_t *dvj = act ? json_object_get(act, "deletionVector") : NULL;
                if (!json_is_object(dvj)) continue;
                delta_dv_ref ref;
                delta_dv *dv;
                if (!ref_from_json(a, dvj, &ref) ||
                    (name_prefix && !use_name_prefix(a, table_root, name_prefix, &ref))) {
                    bk_test_fail(__FILE__, __LINE__, "%s: malformed deletionVector", path);
                    loaded = -1;
                } else if (delta_dv_load(a, table_root, &ref, &dv, &err) != BK_OK) {
                    bk_test_fail(__FILE__, __LINE__, "%s: %s", path, err.msg);
                    loaded = -1;
                } else if (delta_dv_cardinality(dv) != (uint64_t)ref.cardinality) {
                    bk_test_fail(__FILE__, __LINE__, "%s: cardinality", path);
                    loaded = -1;
                } else {
                    loaded++;
                }
            }
            json_decref(root);
            line += line_len + 1;
        }
        if (loaded < 0) break;
    }
    bk_arena_free(a);
    return loaded;
}

BK_TEST(dv_testdata_tables_load) {
    const char *data = bk_test_data_dir();
    if (!data) {
        printf("  (skipped: no testdata)\n");
        return;
    }
    static const struct {
        const char *dir;
        int min_dvs;
        const char *name_prefix;
    } tables[] = {
        {"delta-golden/dv-partitioned-with-checkpoint", 10, NULL},
        {"delta-golden/dv-with-columnmapping", 10, NULL},
        {"delta-golden/log-replay-dv-key-cases", 3, NULL},
        {"delta-kernel-java/basic-dv-no-checkpoint", 1, NULL},
        {"delta-kernel-java/basic-dv-with-checkpoint", 40, NULL},
        {"delta-rs/cdf-table-with-cdc-and-dvs", 10, NULL},
        {"delta-rs/table-with-dv-small", 1, NULL},
        {"delta-rs/table_with_deletion_logs", 1, NULL},
        /* five DVs in one file, at offsets 1 to 181; its file names carry a test prefix */
        {"delta-spark/partitioned-table-with-dv-large", 5, "test%dv%prefix-"},
        {"krs-data/table-with-dv-small", 1, NULL},
        {"krs-data/with-short-dv", 1, NULL},
    };
    int total = 0;
    for (size_t t = 0; t < BK_ARRAY_LEN(tables); t++) {
        char rel[1024], root[PATH_MAX];
        snprintf(rel, sizeof rel, "%s/%s", data, tables[t].dir);
        ASSERT_TRUE(realpath(rel, root) != NULL); /* absolute, for the 'p' descriptors */
        int n = load_table_dvs(root, tables[t].name_prefix);
        if (n < 0) return;
        if (n < tables[t].min_dvs) {
            bk_test_fail(__FILE__, __LINE__, "%s: only %d deletion vectors", tables[t].dir, n);
            return;
        }
        total += n;
    }
    ASSERT_TRUE(total >= 90);

    /* the delta-kernel-rs golden tables come as .tar.zst: extract logs and DV files */
    const char *tmp = bk_test_tmpdir();
    static const char *golden[] = {"dv-partitioned-with-checkpoint", "dv-with-columnmapping",
                                   "log-replay-dv-key-cases"};
    for (size_t g = 0; g < BK_ARRAY_LEN(golden); g++) {
        char cmd[2048], root[1200];
        snprintf(cmd, sizeof cmd,
                 "zstd -dc '%s/delta-golden-krs/%s.tar.zst' | tar -x -C '%s' --wildcards "
                 "'*/_delta_log/*.json' '*/deletion_vector_*.bin'",
                 data, golden[g], tmp);
        ASSERT_EQ(system(cmd), 0);
        snprintf(root, sizeof root, "%s/%s/delta", tmp, golden[g]);
        int n = load_table_dvs(root, NULL);
        if (n < 0) return;
        ASSERT_TRUE(n >= 3);
    }
}

/* Our serialization of {0, 9} is byte for byte what delta-spark wrote for it. */
BK_TEST(dv_bytes_match_delta_spark) {
    const char *data = bk_test_data_dir();
    if (!data) return;
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    char path[1024];
    snprintf(path, sizeof path,
             "%s/krs-data/table-with-dv-small/"
             "deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin",
             data);
    uint8_t *file;
    size_t len;
    ASSERT_OK(store_read_file(a, path, &file, &len, &err), &err);
    ASSERT_EQ(len, 1 + 4 + 36 + 4);
    uint64_t rows[] = {0, 9};
    delta_dv *dv;
    ASSERT_OK(delta_dv_from_rows(a, rows, 2, &dv, &err), &err);
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(delta_dv_serialize(dv, &b), NULL);
    bool same = b.len == 36 && memcmp(b.data, file + 5, 36) == 0;
    bk_buf_destroy(&b);
    ASSERT_TRUE(same);

    /* and a file we write for it holds the same bytes, CRC included */
    const char *tmp = bk_test_tmpdir();
    delta_dv_ref ref;
    ASSERT_OK(delta_dv_write_file(a, tmp, &dv, 1, &ref, &err), &err);
    const char *mine;
    ASSERT_OK(delta_dv_file_path(a, tmp, &ref, &mine, &err), &err);
    uint8_t *written;
    size_t written_len;
    ASSERT_OK(store_read_file(a, mine, &written, &written_len, &err), &err);
    ASSERT_EQ(written_len, len);
    ASSERT_TRUE(memcmp(written, file, len) == 0);
    bk_arena_free(a);
}

/* ---- damaged files -------------------------------------------------------------------------- */

BK_TEST(dv_damaged_files) {
    const char *data = bk_test_data_dir();
    if (!data) return;
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    const char *tmp = bk_test_tmpdir();
    const char *name = "deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin";
    char src[1024], dst[1024];
    snprintf(src, sizeof src, "%s/krs-data/table-with-dv-small/%s", data, name);
    snprintf(dst, sizeof dst, "%s/%s", tmp, name);
    uint8_t *good;
    size_t len;
    ASSERT_OK(store_read_file(a, src, &good, &len, &err), &err);
    uint8_t *bytes = bk_arena_memdup(a, good, len);
    delta_dv_ref ref = {.storage_type = 'u',
                        .path_or_inline_dv = "vBn[lx{q8@P<9BNH/isA",
                        .has_offset = true,
                        .offset = 1,
                        .size_in_bytes = 36,
                        .cardinality = 2};
    delta_dv *dv;
    ASSERT_OK(store_write_file(dst, bytes, len, 0, &err), &err);
    ASSERT_OK(delta_dv_load(a, tmp, &ref, &dv, &err), &err);
    ASSERT_TRUE(delta_dv_contains(dv, 0) && delta_dv_contains(dv, 9));

    /* a flipped bit in the data: the checksum catches it */
    bytes[30] ^= 0x10;
    ASSERT_OK(store_write_file(dst, bytes, len, 0, &err), &err);
    ASSERT_FAILS(delta_dv_load(a, tmp, &ref, &dv, &err), BK_CORRUPT);
    char expect[1400];
    snprintf(expect, sizeof expect,
             "deletion vector file \"%s\" at offset 1: checksum mismatch (stored 0x2a671846, "
             "computed 0x",
             dst);
    ASSERT_CONTAINS(err.msg, expect);
    ASSERT_STR_EQ(err.detail, "deletion vector descriptor uvBn[lx{q8@P<9BNH/isA@1");
    bytes[30] ^= 0x10;

    /* a wrong stored CRC */
    bk_error_clear(&err);
    bytes[len - 1] ^= 0xFF;
    ASSERT_OK(store_write_file(dst, bytes, len, 0, &err), &err);
    ASSERT_FAILS(delta_dv_load(a, tmp, &ref, &dv, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "checksum mismatch");
    bytes[len - 1] ^= 0xFF;

    /* a wrong stored size */
    bk_error_clear(&err);
    bytes[4] = 35;
    ASSERT_OK(store_write_file(dst, bytes, len, 0, &err), &err);
    ASSERT_FAILS(delta_dv_load(a, tmp, &ref, &dv, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "the stored size 35 does not match the descriptor's sizeInBytes 36");
    bytes[4] = 36;

    /* a descriptor whose size, offset or cardinality disagrees with the file */
    ASSERT_OK(store_write_file(dst, bytes, len, 0, &err), &err);
    bk_error_clear(&err);
    ref.size_in_bytes = 40;
    ASSERT_FAILS(delta_dv_load(a, tmp, &ref, &dv, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "too short");
    bk_error_clear(&err);
    ref.size_in_bytes = 36;
    ref.offset = 2;
    ASSERT_FAILS(delta_dv_load(a, tmp, &ref, &dv, &err), BK_CORRUPT);
    bk_error_clear(&err);
    ref.offset = 1;
    ref.cardinality = 3;
    ASSERT_FAILS(delta_dv_load(a, tmp, &ref, &dv, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "it holds 2 rows but its descriptor says cardinality 3");
    bk_error_clear(&err);
    ref.cardinality = 2;
    ref.has_offset = false; /* absent offset means 1 */
    ASSERT_OK(delta_dv_load(a, tmp, &ref, &dv, &err), &err);

    /* a wrong version byte, an empty file, a missing file */
    bytes[0] = 2;
    ASSERT_OK(store_write_file(dst, bytes, len, 0, &err), &err);
    ASSERT_FAILS(delta_dv_load(a, tmp, &ref, &dv, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "unsupported file format version 2");
    bk_error_clear(&err);
    ASSERT_OK(store_write_file(dst, bytes, 0, 0, &err), &err);
    ASSERT_FAILS(delta_dv_load(a, tmp, &ref, &dv, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "the file is empty");
    bk_error_clear(&err);
    ASSERT_OK(store_remove(dst, &err), &err);
    ASSERT_FAILS(delta_dv_load(a, tmp, &ref, &dv, &err), BK_IO);
    ASSERT_CONTAINS(err.msg, "No such file or directory");
    bk_arena_free(a);
}

/* ---- writing -------------------------------------------------------------------------------- */

BK_TEST(dv_write_file_round_trip) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    const char *tmp = bk_test_tmpdir();
    enum { N_DVS = 4 };
    delta_dv *dvs[N_DVS];
    uint64_t *sets[N_DVS];
    size_t sizes[N_DVS] = {1, 5000, 70000, 0};
    for (int d = 0; d < N_DVS; d++) {
        sets[d] = bk_arena_array(a, sizes[d] + 1, sizeof(uint64_t));
        for (size_t i = 0; i < sizes[d]; i++) sets[d][i] = i * (size_t)(d + 1) * 3 + (size_t)d;
        ASSERT_OK(delta_dv_from_rows(a, sets[d], sizes[d], &dvs[d], &err), &err);
    }
    delta_dv_ref refs[N_DVS];
    ASSERT_OK(delta_dv_write_file(a, tmp, dvs, N_DVS, refs, &err), &err);
    ASSERT_EQ(refs[0].offset, 1);
    for (int d = 0; d < N_DVS; d++) {
        ASSERT_EQ(refs[d].storage_type, 'u');
        ASSERT_EQ(strlen(refs[d].path_or_inline_dv), 20);
        ASSERT_TRUE(refs[d].path_or_inline_dv == refs[0].path_or_inline_dv);
        ASSERT_TRUE(refs[d].has_offset);
        ASSERT_EQ(refs[d].cardinality, sizes[d]);
        ASSERT_EQ(refs[d].size_in_bytes, delta_dv_serialized_size(dvs[d]));
        if (d > 0)
            ASSERT_EQ(refs[d].offset, refs[d - 1].offset + 4 + refs[d - 1].size_in_bytes + 4);
        delta_dv *back;
        ASSERT_OK(delta_dv_load(a, tmp, &refs[d], &back, &err), &err);
        check_set(a, back, sets[d], sizes[d]);
    }
    /* the file is named from the UUID, as version 4 */
    const char *path;
    ASSERT_OK(delta_dv_file_path(a, tmp, &refs[0], &path, &err), &err);
    const char *uuid = strstr(path, "deletion_vector_") + strlen("deletion_vector_");
    ASSERT_EQ(uuid[14], '4');
    ASSERT_TRUE(strchr("89ab", uuid[19]) != NULL);
    store_stat_info st;
    ASSERT_OK(store_stat(path, &st, &err), &err);
    ASSERT_EQ(st.size, refs[N_DVS - 1].offset + 8 + refs[N_DVS - 1].size_in_bytes);

    /* a second file gets another name; n == 0 is refused */
    delta_dv_ref other;
    ASSERT_OK(delta_dv_write_file(a, tmp, dvs, 1, &other, &err), &err);
    ASSERT_TRUE(strcmp(other.path_or_inline_dv, refs[0].path_or_inline_dv) != 0);
    ASSERT_FAILS(delta_dv_write_file(a, tmp, dvs, 0, &other, &err), BK_INVALID_ARGUMENT);
    bk_error_clear(&err);
    char missing[1200];
    snprintf(missing, sizeof missing, "%s/no/such/dir", tmp);
    ASSERT_FAILS(delta_dv_write_file(a, missing, dvs, 1, &other, &err), BK_IO);
    bk_arena_free(a);
}

/* ---- out of memory ------------------------------------------------------------------------ */

/* Build, union, serialize, parse and encode inline with the k-th allocation failing. */
static bk_status dv_pipeline(bk_arena *a, bk_error *err) {
    uint64_t rows[300];
    for (int i = 0; i < 300; i++) rows[i] = (uint64_t)(299 - i) * 977; /* unsorted */
    delta_dv *x, *y, *u, *back;
    BK_TRY(delta_dv_from_rows(a, rows, 300, &x, err));
    BK_TRY(delta_dv_from_rows(a, rows + 100, 100, &y, err));
    BK_TRY(delta_dv_union(a, x, y, &u, err));
    bk_buf b;
    bk_buf_init(&b);
    bk_status st = delta_dv_serialize(u, &b);
    if (st == BK_OK) st = delta_dv_parse(a, b.data, b.len, &back, err);
    bk_buf_destroy(&b);
    BK_TRY(st);
    delta_dv_ref ref;
    BK_TRY(delta_dv_encode_inline(a, back, &ref, err));
    return delta_dv_load(a, "/nowhere", &ref, &back, err);
}

BK_TEST(dv_out_of_memory_is_clean) {
    for (int64_t k = 0; k < 200; k++) {
        bk_arena *a = bk_arena_new(NULL, "t", 0);
        ASSERT_TRUE(a != NULL);
        bk_error err;
        bk_error_clear(&err);
        bk_mem_fail_after(k);
        bk_status st = dv_pipeline(a, &err);
        bk_mem_fail_reset();
        bk_arena_free(a);
        if (st == BK_OK) return;
        ASSERT_EQ(st, BK_OUT_OF_MEMORY);
    }
    ASSERT_TRUE(!"the pipeline never succeeded");
}
