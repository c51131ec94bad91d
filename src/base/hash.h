/*
 * hash.h — a 64-bit hash function, and bk_hmap: byte-string keys to small values.
 *
 * bk_hmap numbers its keys in insertion order: the first distinct key gets index 0,
 * the next 1, and so on, and an index never changes.  That makes it a dictionary
 * builder as it stands (the Parquet writer's dictionary pages are the keys in index
 * order) as well as an ordinary map, with one 64-bit value (or pointer) per key.
 *
 * Costs: insert and find are O(1) expected (open addressing, linear probing, load
 * at most 1/2); growing rehashes from the stored hashes without touching the keys.
 * Memory: 32 bytes per key, 8 bytes per slot, plus the key bytes when the map copies
 * them.  There is no delete; bk_hmap_clear empties the map and keeps its capacity.
 *
 * A map is on the heap (bk_hmap_new / bk_hmap_free) and is not thread-safe.
 */
#ifndef BRICKS_BASE_HASH_H
#define BRICKS_BASE_HASH_H

#include "base/bk.h"
#include "base/types.h"

/*
 * Hash `len` bytes at `p` with `seed`.  Good avalanche, not cryptographic: never
 * use it where an attacker chooses keys to slow a map down and a seed is not secret.
 * The value is stable across runs and platforms (it reads bytes little-endian).
 */
uint64_t bk_hash_bytes(const void *p, size_t len, uint64_t seed);
/* Mix one 64-bit value (a bijection: distinct inputs give distinct outputs). */
static inline uint64_t bk_hash_u64(uint64_t x) {
    x ^= x >> 33;
    x *= UINT64_C(0xFF51AFD7ED558CCD);
    x ^= x >> 33;
    x *= UINT64_C(0xC4CEB9FE1A85EC53);
    x ^= x >> 33;
    return x;
}

/* Combine two hashes, order-sensitive (for hashing several columns of a row). */
static inline uint64_t bk_hash_combine(uint64_t h1, uint64_t h2) {
    return bk_hash_u64(h1 * UINT64_C(0x165667B19E3779F9) ^ h2);
}

typedef struct bk_hmap bk_hmap;

/*
 * A new empty map.  copy_keys: the map keeps its own copy of each key (the caller's
 * bytes may then go away); otherwise it stores the caller's pointer, which must stay
 * valid as long as the map is used.  NULL on OOM.
 */
bk_hmap *bk_hmap_new(bool copy_keys);
void bk_hmap_free(bk_hmap *m); /* NULL is a no-op */
/* Remove every key (indexes restart at 0); keeps the memory for reuse. */
void bk_hmap_clear(bk_hmap *m);

size_t bk_hmap_count(const bk_hmap *m);
/* Bytes held by the map, key copies included (for dictionary size limits). */
size_t bk_hmap_memory(const bk_hmap *m);
/* Sum of the lengths of all keys (the size of a PLAIN dictionary page's values). */
size_t bk_hmap_key_bytes(const bk_hmap *m);

/*
 * Insert-or-get: find `key`, or add it with value 0 (NULL).  *index receives the
 * key's index; *inserted (may be NULL) whether it was new.  BK_OUT_OF_MEMORY when
 * the map cannot grow (the map is unchanged), BK_LIMIT_EXCEEDED past 2^32-2 keys.
 */
bk_status bk_hmap_insert(bk_hmap *m, const void *key, size_t len, size_t *index,
                         bool *inserted) BK_MUST_USE;
/* Same with a hash the caller computed with bk_hash_bytes(key, len, 0). */
bk_status bk_hmap_insert_hashed(bk_hmap *m, const void *key, size_t len, uint64_t hash,
                                size_t *index, bool *inserted) BK_MUST_USE;
/* True (and *index) when `key` is present. */
bool bk_hmap_find(const bk_hmap *m, const void *key, size_t len, size_t *index);

/* Accessors by index (index < bk_hmap_count(m)). */
bk_str bk_hmap_key(const bk_hmap *m, size_t index);
uint64_t bk_hmap_value(const bk_hmap *m, size_t index);
void bk_hmap_set_value(bk_hmap *m, size_t index, uint64_t value);
void *bk_hmap_ptr(const bk_hmap *m, size_t index);
void bk_hmap_set_ptr(bk_hmap *m, size_t index, void *ptr);

#endif
