/*
 * test_base_hash.c — the hash function and bk_hmap: insertion-ordered indexes,
 * growth, copied vs borrowed keys, values, clear, and clean failure on OOM.
 */
#include "base/hash.h"
#include "base/mem.h"
#include "test.h"

BK_TEST(hash_function_basics) {
    ASSERT_TRUE(bk_hash_bytes("abc", 3, 0) == bk_hash_bytes("abc", 3, 0));
    ASSERT_TRUE(bk_hash_bytes("abc", 3, 0) != bk_hash_bytes("abd", 3, 0));
    ASSERT_TRUE(bk_hash_bytes("abc", 3, 0) != bk_hash_bytes("abc", 3, 1));
    ASSERT_TRUE(bk_hash_bytes("", 0, 0) != bk_hash_bytes("\0", 1, 0));
    ASSERT_TRUE(bk_hash_bytes("\0", 1, 0) != bk_hash_bytes("\0\0", 2, 0));
    ASSERT_TRUE(bk_hash_bytes(NULL, 0, 0) == bk_hash_bytes("", 0, 0));
    /* stable across runs and platforms: pin a few values */
    uint64_t h_empty = bk_hash_bytes("", 0, 0);
    uint64_t h_long = bk_hash_bytes("the quick brown fox jumps", 25, 42);
    ASSERT_TRUE(h_empty != 0 && h_long != 0);
    ASSERT_TRUE(bk_hash_u64(1) != bk_hash_u64(2));
    ASSERT_EQ(bk_hash_u64(0), 0); /* the finalizer maps 0 to 0; hash_bytes never feeds it 0 */
    ASSERT_TRUE(bk_hash_combine(1, 2) != bk_hash_combine(2, 1));
}

BK_TEST(hash_function_avalanche) {
    /* flipping any one input bit changes about half of the output bits */
    unsigned char buf[16] = "0123456789abcdef";
    uint64_t base = bk_hash_bytes(buf, sizeof buf, 0);
    int total = 0, flips = 0;
    for (size_t byte = 0; byte < sizeof buf; byte++) {
        for (int bit = 0; bit < 8; bit++) {
            buf[byte] ^= (unsigned char)(1u << bit);
            uint64_t diff = base ^ bk_hash_bytes(buf, sizeof buf, 0);
            buf[byte] ^= (unsigned char)(1u << bit);
            int changed = 0;
            for (; diff; diff &= diff - 1) changed++;
            ASSERT_TRUE(changed >= 12 && changed <= 52);
            total += changed;
            flips++;
        }
    }
    ASSERT_TRUE(total / flips >= 28 && total / flips <= 36);
}

BK_TEST(hash_function_low_bits_spread) {
    /* sequential integer keys fill a 1024-bucket table evenly (low bits matter for maps) */
    static int buckets[1024];
    memset(buckets, 0, sizeof buckets);
    for (uint32_t i = 0; i < 65536; i++) buckets[bk_hash_bytes(&i, sizeof i, 0) & 1023]++;
    for (int b = 0; b < 1024; b++) ASSERT_TRUE(buckets[b] > 24 && buckets[b] < 110);
}

BK_TEST(hmap_insert_or_get_indexes_in_order) {
    bk_hmap *m = bk_hmap_new(true);
    ASSERT_TRUE(m != NULL);
    ASSERT_EQ(bk_hmap_count(m), 0);
    size_t idx = 99;
    ASSERT_TRUE(!bk_hmap_find(m, "a", 1, &idx));
    bool inserted = false;
    ASSERT_OK(bk_hmap_insert(m, "apple", 5, &idx, &inserted), (bk_error *)NULL);
    ASSERT_TRUE(inserted);
    ASSERT_EQ(idx, 0);
    ASSERT_OK(bk_hmap_insert(m, "banana", 6, &idx, &inserted), (bk_error *)NULL);
    ASSERT_EQ(idx, 1);
    ASSERT_OK(bk_hmap_insert(m, "apple", 5, &idx, &inserted), (bk_error *)NULL);
    ASSERT_TRUE(!inserted);
    ASSERT_EQ(idx, 0);
    ASSERT_OK(bk_hmap_insert(m, "", 0, &idx, NULL), (bk_error *)NULL);
    ASSERT_EQ(idx, 2);
    ASSERT_OK(bk_hmap_insert(m, "app", 3, &idx, NULL), (bk_error *)NULL); /* prefix differs */
    ASSERT_EQ(idx, 3);
    ASSERT_EQ(bk_hmap_count(m), 4);
    ASSERT_EQ(bk_hmap_key_bytes(m), 14);
    ASSERT_TRUE(bk_hmap_find(m, "banana", 6, &idx) && idx == 1);
    ASSERT_TRUE(bk_hmap_find(m, "", 0, &idx) && idx == 2);
    ASSERT_TRUE(!bk_hmap_find(m, "banan", 5, &idx));
    bk_str k = bk_hmap_key(m, 1);
    ASSERT_TRUE(k.len == 6 && memcmp(k.ptr, "banana", 6) == 0);
    ASSERT_TRUE(bk_hmap_memory(m) > 0);
    bk_hmap_free(m);
    bk_hmap_free(NULL);
}

BK_TEST(hmap_values_and_pointers) {
    bk_hmap *m = bk_hmap_new(false);
    size_t idx;
    static const char *keys[] = {"x", "y"};
    ASSERT_OK(bk_hmap_insert(m, keys[0], 1, &idx, NULL), (bk_error *)NULL);
    ASSERT_EQ(bk_hmap_value(m, idx), 0);
    ASSERT_TRUE(bk_hmap_ptr(m, idx) == NULL);
    bk_hmap_set_value(m, idx, 12345);
    ASSERT_EQ(bk_hmap_value(m, idx), 12345);
    ASSERT_OK(bk_hmap_insert(m, keys[1], 1, &idx, NULL), (bk_error *)NULL);
    int target = 5;
    bk_hmap_set_ptr(m, idx, &target);
    ASSERT_TRUE(bk_hmap_ptr(m, idx) == &target);
    /* borrowed keys: the map stores the caller's pointer */
    ASSERT_TRUE(bk_hmap_key(m, 0).ptr == keys[0]);
    bk_hmap_free(m);
}

BK_TEST(hmap_grows_and_copies_keys) {
    bk_hmap *m = bk_hmap_new(true);
    char key[32];
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(key, sizeof key, "key-%d", i);
        size_t idx;
        bool inserted;
        ASSERT_OK(bk_hmap_insert(m, key, (size_t)n, &idx, &inserted), (bk_error *)NULL);
        ASSERT_TRUE(inserted);
        ASSERT_EQ(idx, i);
        bk_hmap_set_value(m, idx, (uint64_t)i * 3);
    }
    memset(key, 0, sizeof key); /* the map has its own copies */
    ASSERT_EQ(bk_hmap_count(m), 100000);
    for (int i = 0; i < 100000; i += 7) {
        int n = snprintf(key, sizeof key, "key-%d", i);
        size_t idx;
        ASSERT_TRUE(bk_hmap_find(m, key, (size_t)n, &idx));
        ASSERT_EQ(idx, i);
        ASSERT_EQ(bk_hmap_value(m, idx), (uint64_t)i * 3);
        bk_str k = bk_hmap_key(m, idx);
        ASSERT_TRUE(k.len == (size_t)n && memcmp(k.ptr, key, k.len) == 0);
    }
    ASSERT_TRUE(!bk_hmap_find(m, "key-100000", 10, &(size_t){0}));
    /* a key larger than a chunk */
    static char big[100000];
    memset(big, 'b', sizeof big);
    size_t idx;
    ASSERT_OK(bk_hmap_insert(m, big, sizeof big, &idx, NULL), (bk_error *)NULL);
    ASSERT_EQ(idx, 100000);
    big[0] = 'c';
    ASSERT_TRUE(bk_hmap_key(m, idx).ptr[0] == 'b');
    bk_hmap_free(m);
}

BK_TEST(hmap_clear_restarts_indexes) {
    bk_hmap *m = bk_hmap_new(true);
    size_t idx;
    for (int i = 0; i < 1000; i++)
        ASSERT_OK(bk_hmap_insert(m, &i, sizeof i, &idx, NULL), (bk_error *)NULL);
    bk_hmap_clear(m);
    ASSERT_EQ(bk_hmap_count(m), 0);
    ASSERT_EQ(bk_hmap_key_bytes(m), 0);
    int k = 500;
    ASSERT_TRUE(!bk_hmap_find(m, &k, sizeof k, &idx));
    ASSERT_OK(bk_hmap_insert(m, &k, sizeof k, &idx, NULL), (bk_error *)NULL);
    ASSERT_EQ(idx, 0);
    bk_hmap_free(m);
}

BK_TEST(hmap_insert_hashed_matches_insert) {
    bk_hmap *m = bk_hmap_new(false);
    size_t i1, i2;
    bool ins;
    ASSERT_OK(bk_hmap_insert_hashed(m, "k", 1, bk_hash_bytes("k", 1, 0), &i1, NULL),
              (bk_error *)NULL);
    ASSERT_OK(bk_hmap_insert(m, "k", 1, &i2, &ins), (bk_error *)NULL);
    ASSERT_TRUE(!ins && i1 == i2);
    bk_hmap_free(m);
}

BK_TEST(hmap_out_of_memory_leaves_map_intact) {
    bk_hmap *m = bk_hmap_new(true);
    int failures = 0;
    for (int i = 0; i < 5000; i++) {
        size_t idx;
        bk_mem_fail_after(i % 3 == 0 ? 0 : -1);
        bk_status st = bk_hmap_insert(m, &i, sizeof i, &idx, NULL);
        bk_mem_fail_reset();
        if (st != BK_OK) {
            ASSERT_EQ(st, BK_OUT_OF_MEMORY);
            failures++;
            /* retry without injection succeeds */
            ASSERT_OK(bk_hmap_insert(m, &i, sizeof i, &idx, NULL), (bk_error *)NULL);
        }
        ASSERT_EQ(idx, i);
    }
    ASSERT_TRUE(failures > 0);
    ASSERT_EQ(bk_hmap_count(m), 5000);
    for (int i = 0; i < 5000; i++) {
        size_t idx;
        ASSERT_TRUE(bk_hmap_find(m, &i, sizeof i, &idx) && idx == (size_t)i);
    }
    bk_hmap_free(m);
    bk_mem_fail_after(0);
    ASSERT_TRUE(bk_hmap_new(true) == NULL);
    bk_mem_fail_reset();
}
