/*
 * test_exec_sort.c — the ORDER BY building blocks (sort_int.h): normalized key
 * words, run sorting (radix and merge sort) and the parallel k-way merge must
 * give the order that bk_vector_compare and the NULL / direction rules define,
 * with ties in row order, for every key type and random values (NaN, -0.0,
 * infinities, NULLs, strings sharing long prefixes).
 */
#include <math.h>

#include "base/thread.h"
#include "engine/exec/sort_int.h"
#include "test.h"

#define N_ROWS 5000

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void) { /* xorshift64 */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A column of N_ROWS random values of `kind` (few distinct ones, so ties occur). */
static bk_vector *random_column(bk_arena *a, const bk_type *t) {
    bk_vector *v = bk_vector_make(a, t, N_ROWS);
    if (!v || bk_vector_ensure_validity(a, v) != BK_OK) return NULL;
    static const double specials[] = {0.0, -0.0, 1.5, -1.5, INFINITY, -INFINITY, NAN, 1e300};
    for (size_t i = 0; i < N_ROWS; i++) {
        uint64_t r = rnd();
        switch (t->kind) {
        case BK_TYPE_INT:
            ((int32_t *)v->data)[i] = (int32_t)(r % 64) + (r & 64 ? INT32_MIN : INT32_MAX - 63);
            break;
        case BK_TYPE_BIGINT:
            ((int64_t *)v->data)[i] = (int64_t)(r % 100) - 50 + (r & 128 ? INT64_MAX - 99 : 0);
            break;
        case BK_TYPE_DOUBLE:
            ((double *)v->data)[i] = specials[r % 8] * (double)(1 + (r >> 8) % 3);
            break;
        case BK_TYPE_FLOAT:
            ((float *)v->data)[i] = (float)specials[r % 7] * (float)(1 + (r >> 8) % 3);
            break;
        case BK_TYPE_BOOLEAN:
            ((uint8_t *)v->data)[i] = r & 1;
            break;
        case BK_TYPE_DECIMAL: {
            bk_i128 x = {.lo = r % 5, .hi = (int64_t)((r >> 8) % 5) - 2};
            ((bk_i128 *)v->data)[i] = x;
            break;
        }
        case BK_TYPE_STRING: {
            /* a shared 30-byte prefix (or none), then up to 12 letters from "ab" */
            char *s = bk_arena_alloc(a, 64);
            size_t len = 0;
            if (r & 1)
                for (; len < 30; len++) s[len] = 'p';
            size_t tail = (r >> 1) % 13;
            for (size_t k = 0; k < tail; k++) s[len++] = (r >> (8 + k)) & 1 ? 'b' : 'a';
            ((bk_str *)v->data)[i] = (bk_str){.ptr = s, .len = len};
            break;
        }
        default:
            break;
        }
        if (r % 9 == 0) { /* NULL: zero the slot, as vectors require */
            bk_validity_set(v->validity, i, false);
            memset((uint8_t *)v->data + i * bk_type_width(t), 0, bk_type_width(t));
        }
    }
    return v;
}

/* The reference order of rows x, y of the key columns (ties: row order). */
static int ref_cmp(const exec_sort_key *keys, uint32_t n_keys, bk_vector *const *cols, size_t x,
                   size_t y) {
    for (uint32_t k = 0; k < n_keys; k++) {
        const bk_vector *v = cols[keys[k].column];
        bool vx = bk_vector_is_valid(v, x), vy = bk_vector_is_valid(v, y);
        int r;
        if (!vx || !vy) {
            if (vx == vy) continue;
            r = !vx ? -1 : 1;
            return keys[k].nulls_first ? r : -r;
        }
        r = bk_vector_compare(v, x, v, y);
        if (r) return keys[k].descending ? -r : r;
    }
    return (x > y) - (x < y);
}

/*
 * Sort rows [0, N_ROWS) of cols by keys in `n_runs` runs and merge them on
 * `pool`; true when the output is the reference order.
 */
static bool sorts_right(bk_arena *a, bk_pool *pool, const bk_type *schema, bk_vector **cols,
                        const exec_sort_key *keys, uint32_t n_keys, uint32_t n_runs,
                        size_t want, bool pack) {
    sort_key_stats stats[4] = {{0}};
    sort_stats_add(stats, keys, n_keys, cols);
    sort_layout l;
    if (sort_layout_init(a, &l, keys, n_keys, schema, stats, 1, NULL) != BK_OK) return false;
    bk_vector *const *item_cols[1] = {cols};
    l.item_cols = item_cols;
    if (pack && !sort_layout_pack(&l, stats, 1, N_ROWS)) pack = false;
    uint64_t *recs = bk_arena_array(a, N_ROWS, l.stride * sizeof *recs);
    uint64_t *spare = bk_arena_array(a, N_ROWS, l.stride * sizeof *spare);
    sort_run runs[8];
    for (uint32_t r = 0; r < n_runs; r++) {
        size_t first = N_ROWS * r / n_runs, end = N_ROWS * (r + 1) / n_runs;
        uint64_t *rr = recs + first * l.stride;
        sort_encode(&l, cols, first, end - first, rr);
        for (size_t i = first; i < end; i++) {
            uint64_t *rec = rr + (i - first) * l.stride;
            if (pack)
                rec[0] = (rec[0] - l.pack_base) << l.row_bits | i;
            else
                rec[l.key_words] = i;
        }
        sort_records(&l, rr, end - first, spare);
        runs[r] = (sort_run){.recs = rr, .n = end - first};
    }
    uint64_t *out = bk_arena_array(a, want ? want : 1, sizeof *out);
    exec_ctx ctx = {.arena = a, .pool = pool};
    if (sort_merge_runs(&ctx, a, &l, runs, n_runs, want, out, NULL) != BK_OK) return false;
    /* the reference: insertion into a sorted index array would be slow; check pairs and
       that the first row is the minimum and every row appears once */
    uint8_t *seen = bk_arena_zalloc(a, N_ROWS);
    for (size_t i = 0; i < want; i++) {
        if (out[i] >= N_ROWS || seen[out[i]]) return false;
        seen[out[i]] = 1;
        if (i && ref_cmp(keys, n_keys, cols, out[i - 1], out[i]) >= 0) return false;
    }
    /* nothing left out goes before the last row output */
    for (size_t r = 0; want && r < N_ROWS; r++)
        if (!seen[r] && ref_cmp(keys, n_keys, cols, r, out[want - 1]) < 0) return false;
    return true;
}

static const bk_type *schema_of(bk_arena *a, const bk_type *t0, const bk_type *t1) {
    const char *names[] = {"a", "b"};
    const bk_type *types[] = {t0, t1};
    return bk_type_make_struct(a, 2, names, types, NULL);
}

BK_TEST(sort_every_type_and_direction) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_pool *pool = bk_pool_new(3);
    const bk_type *types[] = {
        bk_type_scalar(BK_TYPE_INT),    bk_type_scalar(BK_TYPE_BIGINT),
        bk_type_scalar(BK_TYPE_DOUBLE), bk_type_scalar(BK_TYPE_FLOAT),
        bk_type_scalar(BK_TYPE_BOOLEAN), bk_type_make_decimal(a, 30, 2),
        bk_type_scalar(BK_TYPE_STRING),
    };
    const bk_type *second = bk_type_scalar(BK_TYPE_STRING);
    for (size_t t = 0; t < BK_ARRAY_LEN(types); t++) {
        const bk_type *schema = schema_of(a, types[t], second);
        bk_vector *cols[2] = {random_column(a, types[t]), random_column(a, second)};
        ASSERT_TRUE(cols[0] && cols[1]);
        for (int variant = 0; variant < 4; variant++) {
            exec_sort_key keys[2] = {
                {.column = 0, .descending = variant & 1, .nulls_first = (variant & 2) != 0},
                {.column = 1, .descending = !(variant & 1), .nulls_first = true},
            };
            /* one key, two keys; one run and several; everything and a top-N */
            ASSERT_TRUE(sorts_right(a, NULL, schema, cols, keys, 1, 1, N_ROWS, false));
            ASSERT_TRUE(sorts_right(a, pool, schema, cols, keys, 2, 5, N_ROWS, false));
            ASSERT_TRUE(sorts_right(a, pool, schema, cols, keys, 2, 3, 17, false));
            /* one integer key packed with its ref into one word */
            ASSERT_TRUE(sorts_right(a, pool, schema, cols, keys, 1, 4, N_ROWS, true));
        }
    }
    bk_pool_free(pool);
    bk_arena_free(a);
}

/* A small INT range packs with the refs; a full BIGINT range does not. */
BK_TEST(sort_layout_pack_fits) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const bk_type *schema =
        schema_of(a, bk_type_scalar(BK_TYPE_INT), bk_type_scalar(BK_TYPE_BIGINT));
    exec_sort_key key0 = {.column = 0, .descending = true}, key1 = {.column = 1};
    sort_key_stats st = {.has_range = true, .min = -5, .max = 1000000, .has_null = true};
    sort_layout l;
    ASSERT_OK(sort_layout_init(a, &l, &key0, 1, schema, &st, 1, NULL), NULL);
    ASSERT_TRUE(sort_layout_pack(&l, &st, 10000, 2048));
    ASSERT_EQ(l.stride, 1);
    ASSERT_EQ(l.item_bits, 14);
    ASSERT_EQ(l.row_bits, 11);
    uint64_t rec = 5ull << 25 | 7ull << 11 | 9;
    ASSERT_EQ(sort_rec_ref(&l, &rec), 7ull << 32 | 9);
    st = (sort_key_stats){.has_range = true, .min = INT64_MIN, .max = INT64_MAX};
    ASSERT_OK(sort_layout_init(a, &l, &key1, 1, schema, &st, 1, NULL), NULL);
    ASSERT_TRUE(!sort_layout_pack(&l, &st, 10000, 2048));
    ASSERT_EQ(l.stride, 2);
    bk_arena_free(a);
}

/* Strings of at most 7 bytes get exact words; a longer one makes the key loose. */
BK_TEST(sort_layout_words) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const bk_type *schema =
        schema_of(a, bk_type_scalar(BK_TYPE_STRING), bk_type_scalar(BK_TYPE_BIGINT));
    exec_sort_key keys[2] = {{.column = 0}, {.column = 1}};
    sort_key_stats st[2] = {{.max_len = 7}, {.has_null = false}};
    sort_layout l;
    ASSERT_OK(sort_layout_init(a, &l, keys, 2, schema, st, 1, NULL), NULL);
    ASSERT_EQ(l.key_words, 2);
    ASSERT_EQ(l.first_loose, 2);
    st[0].max_len = 20; /* three words hold 23 bytes exactly */
    st[1].has_null = true;
    ASSERT_OK(sort_layout_init(a, &l, keys, 2, schema, st, 1, NULL), NULL);
    ASSERT_EQ(l.key_words, 5);
    ASSERT_EQ(l.first_loose, 2);
    st[0].max_len = 100; /* a 32-byte prefix, then the full compare */
    ASSERT_OK(sort_layout_init(a, &l, keys, 2, schema, st, 1, NULL), NULL);
    ASSERT_EQ(l.key_words, 4);
    ASSERT_EQ(l.first_loose, 0);
    bk_arena_free(a);
}
