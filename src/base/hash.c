/*
 * hash.c — the 64-bit hash function and the insertion-ordered hash map (see hash.h).
 *
 * Hash: the input is read as little-endian 64-bit words (the last one zero-padded);
 * each word is multiplied and rotated on its own, folded into the state, and the
 * state is stirred again with a rotate and an odd multiply.  The length is folded in
 * at both ends, and a final avalanche (xor-shift / multiply rounds, the well-known
 * 64-bit finalizer shape) spreads every input bit over every output bit.
 *
 * Map layout:
 *     entries[0 .. count)   key pointer, length, full hash, value; index order
 *     slots[0 .. n_slots)   0 = empty, else (hash >> 32) << 32 | (index + 1)
 * A probe compares the upper hash bits stored in the slot before it touches the
 * entry, so most mismatches cost no cache miss on `entries` (OPTIMIZATION).
 * Invariant: count <= n_slots / 2, and every entry appears in exactly one slot.
 */
#include "base/hash.h"

#include <string.h>

#include "base/error.h"
#include "base/mem.h"

#define K1 UINT64_C(0x9E3779B97F4A7C15)
#define K2 UINT64_C(0xC2B2AE3D27D4EB4F)
#define K3 UINT64_C(0x165667B19E3779F9)

static uint64_t rotl64(uint64_t x, unsigned r) { return (x << r) | (x >> (64 - r)); }

/* The n (1..8) bytes at p as a little-endian word, zero-padded: at most three loads. */
static uint64_t load_le(const unsigned char *p, size_t n) {
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4); /* overlaps a when n < 8: the same bytes at the same places */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        a = __builtin_bswap32(a);
        b = __builtin_bswap32(b);
#endif
        return (uint64_t)a | (uint64_t)b << (8 * (n - 4));
    }
    /* 1..3 bytes: the first, the middle and the last (some the same byte) */
    return (uint64_t)p[0] | (uint64_t)p[n / 2] << (8 * (n / 2)) | (uint64_t)p[n - 1]
                                                                      << (8 * (n - 1));
}

static uint64_t mix_word(uint64_t w) { return rotl64(w * K2, 31) * K1; }

uint64_t bk_hash_bytes(const void *p, size_t len, uint64_t seed) {
    const unsigned char *s = p;
    uint64_t h = (seed + K3) ^ ((uint64_t)len * K1);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        h ^= mix_word(load_le(s + i, 8));
        h = rotl64(h, 27) * K3 + K2;
    }
    if (i < len) {
        h ^= mix_word(load_le(s + i, len - i));
        h = rotl64(h, 27) * K3 + K2;
    }
    return bk_hash_u64(h ^ (uint64_t)len);
}


/* ---------------------------------------------------------------------------------------------
 * Map
 * ------------------------------------------------------------------------------------------- */

#define MIN_SLOTS 16
#define CHUNK_SIZE (64u << 10)
#define MAX_KEYS (UINT32_MAX - 1)

typedef struct entry {
    const unsigned char *key;
    size_t len;
    uint64_t hash;
    union {
        uint64_t u64;
        void *ptr;
    } value;
} entry;

/* Storage for key copies: chunks of CHUNK_SIZE, or one chunk per large key. */
typedef struct chunk {
    struct chunk *next;
    size_t cap;
    size_t used;
    unsigned char data[];
} chunk;

struct bk_hmap {
    bool copy_keys;
    entry *entries;
    size_t count;
    size_t entries_cap;
    uint64_t *slots;
    size_t n_slots; /* power of two, or 0 before the first insert */
    chunk *chunks;  /* current chunk first */
    size_t chunk_bytes;
    size_t key_bytes;
};

bk_hmap *bk_hmap_new(bool copy_keys) {
    bk_hmap *m = bk_calloc(1, sizeof *m);
    if (m) m->copy_keys = copy_keys;
    return m;
}

static void free_chunks(bk_hmap *m) {
    while (m->chunks) {
        chunk *next = m->chunks->next;
        bk_free(m->chunks);
        m->chunks = next;
    }
    m->chunk_bytes = 0;
}

void bk_hmap_free(bk_hmap *m) {
    if (!m) return;
    free_chunks(m);
    bk_free(m->entries);
    bk_free(m->slots);
    bk_free(m);
}

void bk_hmap_clear(bk_hmap *m) {
    free_chunks(m);
    m->count = 0;
    m->key_bytes = 0;
    if (m->slots) memset(m->slots, 0, m->n_slots * sizeof *m->slots);
}

size_t bk_hmap_count(const bk_hmap *m) { return m->count; }

size_t bk_hmap_memory(const bk_hmap *m) {
    return sizeof *m + m->entries_cap * sizeof(entry) + m->n_slots * sizeof(uint64_t) +
           m->chunk_bytes;
}

size_t bk_hmap_key_bytes(const bk_hmap *m) { return m->key_bytes; }

static bool key_matches(const entry *e, uint64_t hash, const void *key, size_t len) {
    return e->hash == hash && e->len == len && (len == 0 || memcmp(e->key, key, len) == 0);
}

/* The slot holding `key`, or the empty slot where it would go. */
static size_t probe(const bk_hmap *m, const void *key, size_t len, uint64_t hash) {
    size_t mask = m->n_slots - 1, pos = (size_t)hash & mask;
    uint64_t tag = hash >> 32;
    for (;;) {
        uint64_t slot = m->slots[pos];
        if (slot == 0) return pos;
        if (slot >> 32 == tag) {
            const entry *e = &m->entries[(uint32_t)slot - 1];
            if (key_matches(e, hash, key, len)) return pos;
        }
        pos = (pos + 1) & mask;
    }
}

/* Double the slot table (or create it); entries keep their indexes. */
static bk_status grow_slots(bk_hmap *m) {
    size_t n_slots = m->n_slots ? m->n_slots * 2 : MIN_SLOTS;
    if (n_slots > SIZE_MAX / sizeof(uint64_t)) return BK_OUT_OF_MEMORY;
    uint64_t *slots = bk_calloc(n_slots, sizeof *slots);
    if (!slots) return BK_OUT_OF_MEMORY;
    size_t mask = n_slots - 1;
    for (size_t i = 0; i < m->count; i++) {
        uint64_t hash = m->entries[i].hash;
        size_t pos = (size_t)hash & mask;
        while (slots[pos]) pos = (pos + 1) & mask;
        slots[pos] = (hash >> 32) << 32 | (uint64_t)(i + 1);
    }
    bk_free(m->slots);
    m->slots = slots;
    m->n_slots = n_slots;
    return BK_OK;
}

/* A stable copy of the key bytes, or NULL on OOM. */
static const unsigned char *copy_key(bk_hmap *m, const void *key, size_t len) {
    chunk *c = m->chunks;
    if (!c || c->cap - c->used < len) {
        size_t cap = len > CHUNK_SIZE / 4 ? len : CHUNK_SIZE;
        if (cap > SIZE_MAX - sizeof(chunk)) return NULL;
        chunk *fresh = bk_malloc(sizeof(chunk) + cap);
        if (!fresh) return NULL;
        fresh->cap = cap;
        fresh->used = 0;
        m->chunk_bytes += sizeof(chunk) + cap;
        if (c && cap == len) { /* a dedicated chunk: keep the current one first */
            fresh->next = c->next;
            c->next = fresh;
        } else {
            fresh->next = c;
            m->chunks = fresh;
        }
        c = fresh;
    }
    unsigned char *dst = c->data + c->used;
    if (len) memcpy(dst, key, len);
    c->used += len;
    return dst;
}

bk_status bk_hmap_insert_hashed(bk_hmap *m, const void *key, size_t len, uint64_t hash,
                                size_t *index, bool *inserted) {
    if ((m->count + 1) * 2 > m->n_slots) BK_TRY(grow_slots(m));
    size_t pos = probe(m, key, len, hash);
    if (m->slots[pos]) {
        *index = (uint32_t)m->slots[pos] - 1;
        if (inserted) *inserted = false;
        return BK_OK;
    }
    if (m->count >= MAX_KEYS) return BK_LIMIT_EXCEEDED;
    if (m->count == m->entries_cap) {
        size_t cap = m->entries_cap ? m->entries_cap * 2 : MIN_SLOTS / 2;
        if (cap > SIZE_MAX / sizeof(entry)) return BK_OUT_OF_MEMORY;
        entry *entries = bk_realloc(m->entries, cap * sizeof *entries);
        if (!entries) return BK_OUT_OF_MEMORY;
        m->entries = entries;
        m->entries_cap = cap;
    }
    const unsigned char *stored = key;
    if (m->copy_keys) {
        stored = copy_key(m, key, len);
        if (!stored) return BK_OUT_OF_MEMORY;
    }
    entry *e = &m->entries[m->count];
    e->key = stored;
    e->len = len;
    e->hash = hash;
    e->value.u64 = 0;
    m->slots[pos] = (hash >> 32) << 32 | (uint64_t)(m->count + 1);
    *index = m->count++;
    m->key_bytes += len;
    if (inserted) *inserted = true;
    return BK_OK;
}

bk_status bk_hmap_insert(bk_hmap *m, const void *key, size_t len, size_t *index, bool *inserted) {
    return bk_hmap_insert_hashed(m, key, len, bk_hash_bytes(key, len, 0), index, inserted);
}

bool bk_hmap_find(const bk_hmap *m, const void *key, size_t len, size_t *index) {
    if (m->count == 0) return false;
    size_t pos = probe(m, key, len, bk_hash_bytes(key, len, 0));
    if (!m->slots[pos]) return false;
    *index = (uint32_t)m->slots[pos] - 1;
    return true;
}

bk_str bk_hmap_key(const bk_hmap *m, size_t index) {
    BK_ASSERT(index < m->count);
    bk_str s = {(const char *)m->entries[index].key, m->entries[index].len};
    return s;
}

uint64_t bk_hmap_value(const bk_hmap *m, size_t index) {
    BK_ASSERT(index < m->count);
    return m->entries[index].value.u64;
}

void bk_hmap_set_value(bk_hmap *m, size_t index, uint64_t value) {
    BK_ASSERT(index < m->count);
    m->entries[index].value.u64 = value;
}

void *bk_hmap_ptr(const bk_hmap *m, size_t index) {
    BK_ASSERT(index < m->count);
    return m->entries[index].value.ptr;
}

void bk_hmap_set_ptr(bk_hmap *m, size_t index, void *ptr) {
    BK_ASSERT(index < m->count);
    m->entries[index].value.ptr = ptr;
}
