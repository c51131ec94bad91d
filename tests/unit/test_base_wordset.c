/*
 * test_base_wordset.c — bk_wordset in both forms: the bitmap over a dense range and
 * the open-addressing table, with negative words, the extremes, duplicates, the
 * word the table uses as its empty mark, and the empty set.
 */
#include "base/wordset.h"
#include "test.h"

static uint64_t w(int64_t v) { return (uint64_t)v; }

/* Every word of `in` is in s, and none of `out`. */
static bool holds_exactly(const bk_wordset *s, const int64_t *in, size_t n_in, const int64_t *out,
                          size_t n_out) {
    for (size_t i = 0; i < n_in; i++)
        if (!bk_wordset_has(s, w(in[i]))) return false;
    for (size_t i = 0; i < n_out; i++)
        if (bk_wordset_has(s, w(out[i]))) return false;
    return true;
}

BK_TEST(wordset_dense_range_is_a_bitmap) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const int64_t in[] = {-5, -3, 0, 7, 63, 64, 65, 1000, 7};
    uint64_t words[BK_ARRAY_LEN(in)];
    for (size_t i = 0; i < BK_ARRAY_LEN(in); i++) words[i] = w(in[i]);
    const bk_wordset *s = bk_wordset_build(a, words, BK_ARRAY_LEN(in));
    ASSERT_TRUE(s != NULL && s->bits != NULL);
    const int64_t out[] = {-6, -4, 1, 62, 66, 999, 1001, INT64_MIN, INT64_MAX};
    ASSERT_TRUE(holds_exactly(s, in, BK_ARRAY_LEN(in), out, BK_ARRAY_LEN(out)));
    bk_arena_free(a);
}

BK_TEST(wordset_sparse_words_are_a_table) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const int64_t in[] = {INT64_MIN, INT64_MAX, -1, 0, 1, 2, 1000000007, -1000000007, 2, 3};
    uint64_t words[BK_ARRAY_LEN(in)];
    for (size_t i = 0; i < BK_ARRAY_LEN(in); i++) words[i] = w(in[i]);
    const bk_wordset *s = bk_wordset_build(a, words, BK_ARRAY_LEN(in));
    ASSERT_TRUE(s != NULL && s->bits == NULL);
    ASSERT_EQ(s->n, 9); /* 2 twice */
    /* 4 is the smallest word not in the set: the table's empty mark, itself not a member */
    const int64_t out[] = {4, 5, -2, INT64_MIN + 1, INT64_MAX - 1, 1000000008};
    ASSERT_TRUE(holds_exactly(s, in, BK_ARRAY_LEN(in), out, BK_ARRAY_LEN(out)));
    bk_arena_free(a);
}

BK_TEST(wordset_many_words_and_empty) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    uint64_t *words = bk_arena_array(a, 50000, sizeof *words);
    ASSERT_TRUE(words != NULL);
    for (size_t i = 0; i < 50000; i++) words[i] = w((int64_t)i * 7919 * 1000003);
    const bk_wordset *s = bk_wordset_build(a, words, 50000);
    ASSERT_TRUE(s != NULL && s->bits == NULL && s->n == 50000);
    for (size_t i = 0; i < 50000; i++) {
        ASSERT_TRUE(bk_wordset_has(s, words[i]));
        ASSERT_TRUE(!bk_wordset_has(s, words[i] + 1));
    }
    const bk_wordset *none = bk_wordset_build(a, NULL, 0);
    ASSERT_TRUE(none != NULL && !bk_wordset_has(none, 0) && !bk_wordset_has(none, w(-1)));
    bk_arena_free(a);
}

BK_TEST(wordset_meets_a_range) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    /* a bitmap whose members sit at word edges, with gaps of whole words between */
    const int64_t in[] = {-70, 63, 64, 200, 1000};
    uint64_t words[BK_ARRAY_LEN(in)];
    for (size_t i = 0; i < BK_ARRAY_LEN(in); i++) words[i] = w(in[i]);
    const bk_wordset *s = bk_wordset_build(a, words, BK_ARRAY_LEN(in));
    ASSERT_TRUE(s != NULL && s->bits != NULL);
    ASSERT_TRUE(bk_wordset_meets(s, INT64_MIN, INT64_MAX));
    ASSERT_TRUE(bk_wordset_meets(s, -70, -70));
    ASSERT_TRUE(!bk_wordset_meets(s, -69, 62));  /* the gap spans a whole word */
    ASSERT_TRUE(bk_wordset_meets(s, 0, 63));     /* last bit of a word */
    ASSERT_TRUE(bk_wordset_meets(s, 64, 64));    /* first bit of the next */
    ASSERT_TRUE(!bk_wordset_meets(s, 65, 199));  /* several empty words */
    ASSERT_TRUE(bk_wordset_meets(s, 65, 200));
    ASSERT_TRUE(!bk_wordset_meets(s, 201, 999)); /* inside the span, no member */
    ASSERT_TRUE(!bk_wordset_meets(s, 1001, INT64_MAX));
    ASSERT_TRUE(!bk_wordset_meets(s, INT64_MIN, -71));
    ASSERT_TRUE(!bk_wordset_meets(s, 5, 4)); /* an empty range */
    /* a table knows only its range */
    const int64_t far[] = {-1000000007, 1000000007};
    uint64_t fw[2] = {w(far[0]), w(far[1])};
    const bk_wordset *t = bk_wordset_build(a, fw, 2);
    ASSERT_TRUE(t != NULL && t->bits == NULL);
    ASSERT_TRUE(bk_wordset_meets(t, 0, 1));
    ASSERT_TRUE(!bk_wordset_meets(t, 1000000008, INT64_MAX));
    ASSERT_TRUE(!bk_wordset_meets(t, INT64_MIN, -1000000008));
    const bk_wordset *none = bk_wordset_build(a, NULL, 0);
    ASSERT_TRUE(!bk_wordset_meets(none, INT64_MIN, INT64_MAX));
    bk_arena_free(a);
}
