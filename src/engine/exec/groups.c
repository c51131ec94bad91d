/*
 * groups.c — the distinct GROUP BY keys of a hash aggregate, numbered densely.
 *
 * A group table keeps every distinct key it has seen as a row of typed key
 * columns (heap arrays that double as they fill; string bytes copied into the
 * table's arena) plus the key's hash, and finds keys through an open-addressing
 * index (linear probing, load at most 1/2) of group numbers.  Callers hash a
 * chunk's keys once with exec_groups_hash and pass the hashes in.
 * A slot holds the group number and the high 32 bits of its hash, so a probe
 * rejects most other keys without touching the group's memory; the key columns
 * are compared only on a tag match.  A row whose hash equals the previous row's
 * is first compared with the previous row's group: clustered input (rows of one
 * key next to each other, as in tables sorted by the key) skips the probe.
 * A table whose slots outgrow the caches prefetches the slot of a row a few
 * rows ahead, as the join's probe does.  NULL is a key value here (GROUP BY
 * puts NULLs in one group).
 *
 * Keys of small integers and short strings (TPC-H's flags, codes, dates) are
 * also packed into one word per row, null flags and string lengths included,
 * so that equal keys have equal words: such rows compare one word with a
 * group's instead of a column at a time, and hash as that word
 * (exec_groups_hash packs a chunk a column at a time).  A key with a longer
 * string packs to NO_PACK, hashes and compares column by column (it never
 * equals a packed one).
 *
 * Groups are numbered 0, 1, 2… in order of first appearance and never move, so
 * aggregate states can live in arrays indexed by group number.
 */
#include <math.h>
#include <string.h>

#include "base/mem.h"
#include "engine/exec/exec_int.h"

#define MIN_SLOTS 64
#define PREFETCH_SLOTS (1u << 15) /* slot arrays past 256 KiB miss the cache when probed */
#define PREFETCH_AHEAD 16
#define MIN_CAP 256
#define NO_PACK UINT64_MAX /* never a packed key: those use at most 63 bits */
#define STR_FIELD(len) (5 + 8 * (len)) /* bits of a packed string: valid, length, bytes */

static bk_status oom(bk_error *err) {
    return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in a hash aggregate");
}

bk_status exec_groups_init(exec_groups *g, const bk_type *const *types, uint32_t n_keys,
                           bk_arena *strings, bk_error *err) {
    memset(g, 0, sizeof *g);
    g->n_keys = n_keys;
    g->strings = strings;
    g->keys = bk_calloc(n_keys ? n_keys : 1, sizeof *g->keys);
    g->vecs = bk_calloc(n_keys ? n_keys : 1, sizeof *g->vecs);
    g->slots = bk_calloc(MIN_SLOTS, sizeof *g->slots);
    if (!g->keys || !g->vecs || !g->slots) {
        exec_groups_destroy(g);
        return oom(err);
    }
    g->mask = MIN_SLOTS - 1;
    for (uint32_t k = 0; k < n_keys; k++) {
        g->vecs[k].type = types[k];
        g->keys[k] = &g->vecs[k];
    }
    /* packable: integers of up to 32 bits (a valid bit and the value) and strings
       of up to pack_len bytes sharing what is left of 63 bits */
    unsigned fixed = 0, n_str = 0;
    g->pack = n_keys > 0;
    for (uint32_t k = 0; k < n_keys; k++) switch (types[k]->kind) {
        case BK_TYPE_BOOLEAN:
        case BK_TYPE_TINYINT:
        case BK_TYPE_SMALLINT:
        case BK_TYPE_INT:
        case BK_TYPE_DATE:
            fixed += 1 + 8 * (unsigned)bk_type_width(types[k]);
            break;
        case BK_TYPE_STRING:
        case BK_TYPE_BINARY:
            n_str++;
            break;
        default:
            g->pack = false;
        }
    if (fixed > 63) g->pack = false;
    if (g->pack && n_str) {
        unsigned len = ((63 - fixed) / n_str >= 5 ? ((63 - fixed) / n_str - 5) / 8 : 0);
        g->pack_len = (uint8_t)(len > EXEC_KEY_SHORT - 1 ? EXEC_KEY_SHORT - 1 : len);
        if (!g->pack_len) g->pack = false;
    }
    return BK_OK;
}

void exec_groups_destroy(exec_groups *g) {
    if (g->vecs)
        for (uint32_t k = 0; k < g->n_keys; k++) {
            bk_free(g->vecs[k].data);
            bk_free(g->vecs[k].validity);
        }
    bk_free(g->vecs);
    bk_free(g->keys);
    bk_free(g->hashes);
    bk_free(g->packed);
    bk_free(g->slots);
    memset(g, 0, sizeof *g);
}

size_t exec_groups_memory(const exec_groups *g) {
    size_t per_group = sizeof(uint64_t) * (g->pack ? 2 : 1);
    for (uint32_t k = 0; k < g->n_keys; k++) per_group += bk_type_width(g->vecs[k].type);
    return g->cap * per_group + (g->mask + 1) * sizeof *g->slots;
}

/* Room for one more group in the key columns and the hashes. */
static bk_status grow_columns(exec_groups *g, bk_error *err) {
    size_t cap = g->cap ? g->cap * 2 : MIN_CAP;
    uint64_t *h = bk_realloc(g->hashes, cap * sizeof *h);
    if (!h) return oom(err);
    g->hashes = h;
    if (g->pack) {
        uint64_t *pk = bk_realloc(g->packed, cap * sizeof *pk);
        if (!pk) return oom(err);
        g->packed = pk;
    }
    for (uint32_t k = 0; k < g->n_keys; k++) {
        bk_vector *v = &g->vecs[k];
        size_t w = bk_type_width(v->type);
        if (w) {
            void *d = bk_realloc(v->data, cap * w);
            if (!d) return oom(err);
            v->data = d;
        }
        uint8_t *valid = bk_realloc(v->validity, (cap + 7) / 8);
        if (!valid) return oom(err);
        memset(valid + (g->cap + 7) / 8, 0, (cap + 7) / 8 - (g->cap + 7) / 8);
        v->validity = valid;
    }
    g->cap = cap;
    return BK_OK;
}

/* The slot word of group grp with hash h. */
static inline uint64_t slot_word(uint64_t h, size_t grp) {
    return (h & 0xffffffff00000000u) | (uint64_t)(grp + 1);
}

/* Twice the slots, re-placed from the stored hashes. */
static bk_status grow_slots(exec_groups *g, bk_error *err) {
    size_t n_slots = (g->mask + 1) * 2;
    uint64_t *slots = bk_calloc(n_slots, sizeof *slots);
    if (!slots) return oom(err);
    size_t mask = n_slots - 1;
    for (size_t grp = 0; grp < g->count; grp++) {
        uint64_t h = g->hashes[grp];
        size_t pos = h & mask;
        while (slots[pos]) pos = (pos + 1) & mask;
        slots[pos] = slot_word(h, grp);
    }
    bk_free(g->slots);
    g->slots = slots;
    g->mask = mask;
    return BK_OK;
}

/* Whether row r of cols has the key of stored group grp (inlined: the probe's inner loop). */
static inline __attribute__((always_inline)) bool same_key(const exec_groups *g, size_t grp,
                                                           bk_vector *const *cols, size_t r) {
    for (uint32_t k = 0; k < g->n_keys; k++) {
        const bk_vector *s = &g->vecs[k], *v = cols[k];
        bool sv = bk_vector_is_valid(s, grp), vv = bk_vector_is_valid(v, r);
        if (sv != vv) return false;
        if (!sv) continue;
        switch (v->type->kind) {
        case BK_TYPE_STRING:
        case BK_TYPE_BINARY: {
            bk_str a = ((const bk_str *)s->data)[grp], b = ((const bk_str *)v->data)[r];
            if (a.len != b.len) return false;
            if (a.len <= EXEC_KEY_SHORT) {
                if (exec_key_short_word(a.ptr, a.len) != exec_key_short_word(b.ptr, b.len))
                    return false;
            } else if (memcmp(a.ptr, b.ptr, a.len)) {
                return false;
            }
            continue;
        }
        case BK_TYPE_DOUBLE:
            if (exec_key_double_bits(((const double *)s->data)[grp]) !=
                exec_key_double_bits(((const double *)v->data)[r]))
                return false;
            continue;
        case BK_TYPE_FLOAT:
            if (exec_key_float_bits(((const float *)s->data)[grp]) !=
                exec_key_float_bits(((const float *)v->data)[r]))
                return false;
            continue;
        case BK_TYPE_VOID:
            continue;
        default:
            break;
        }
        switch (bk_type_width(v->type)) {
        case 1:
            if (((const uint8_t *)s->data)[grp] != ((const uint8_t *)v->data)[r]) return false;
            break;
        case 2:
            if (((const uint16_t *)s->data)[grp] != ((const uint16_t *)v->data)[r]) return false;
            break;
        case 4:
            if (((const uint32_t *)s->data)[grp] != ((const uint32_t *)v->data)[r]) return false;
            break;
        case 8:
            if (((const uint64_t *)s->data)[grp] != ((const uint64_t *)v->data)[r]) return false;
            break;
        default:
            if (memcmp((const bk_i128 *)s->data + grp, (const bk_i128 *)v->data + r,
                       sizeof(bk_i128)))
                return false;
            break;
        }
    }
    return true;
}

/* Whether row r (packed as pk) has the key of stored group grp. */
static inline __attribute__((always_inline)) bool same_group(const exec_groups *g, size_t grp,
                                                             bk_vector *const *cols, size_t r,
                                                             uint64_t pk) {
    if (pk != NO_PACK) return g->packed[grp] == pk;
    return (!g->pack || g->packed[grp] == NO_PACK) && same_key(g, grp, cols, r);
}

/* Append row r of cols (packed as pk) as group g->count. */
static bk_status add_group(exec_groups *g, bk_vector *const *cols, size_t r, uint64_t hash,
                           uint64_t pk, bk_error *err) {
    if (g->count == g->cap) BK_TRY(grow_columns(g, err));
    size_t grp = g->count;
    g->hashes[grp] = hash;
    if (g->pack) g->packed[grp] = pk;
    for (uint32_t k = 0; k < g->n_keys; k++) {
        bk_vector *s = &g->vecs[k];
        const bk_vector *v = cols[k];
        size_t w = bk_type_width(v->type);
        if (!bk_vector_is_valid(v, r) || v->type->kind == BK_TYPE_VOID) {
            bk_validity_set(s->validity, grp, false);
            if (w) memset((uint8_t *)s->data + grp * w, 0, w); /* an empty string, a zero */
            continue;
        }
        bk_validity_set(s->validity, grp, true);
        if (v->type->kind == BK_TYPE_STRING || v->type->kind == BK_TYPE_BINARY) {
            bk_str str = ((const bk_str *)v->data)[r];
            char *copy = bk_arena_memdup(g->strings, str.ptr, str.len ? str.len : 1);
            if (!copy) return oom(err);
            ((bk_str *)s->data)[grp] = (bk_str){copy, str.len};
        } else {
            memcpy((uint8_t *)s->data + grp * w, (const uint8_t *)v->data + r * w, w);
        }
    }
    g->count++;
    for (uint32_t k = 0; k < g->n_keys; k++) g->vecs[k].n = g->count;
    return BK_OK;
}

/*
 * The keys of rows [0, n) of cols packed one word a row (g->pack): per key in
 * turn its valid bit, then an integer's 8w bits, or a string's 4-bit length and
 * pack_len bytes; injective on packable keys.  A key column at a time (one
 * typed loop per column, no type switch per row).  A string too long to pack
 * makes its row all ones (NO_PACK), which further fields leave so.
 */
static void pack_keys(const exec_groups *g, bk_vector *const *cols, size_t n, uint64_t *packed) {
    memset(packed, 0, n * sizeof *packed);
    unsigned shift = 0;
    for (uint32_t k = 0; k < g->n_keys; k++) {
        const bk_vector *v = cols[k];
        if (v->type->kind == BK_TYPE_STRING || v->type->kind == BK_TYPE_BINARY) {
            const bk_str *s = v->data;
            size_t most = g->pack_len;
            for (size_t r = 0; r < n; r++) {
                if (v->validity && !bk_vector_is_valid(v, r)) continue; /* field 0 */
                bk_str str = s[r];
                if (str.len > most) { /* too long to pack (nor to read as a short word) */
                    packed[r] = NO_PACK;
                    continue;
                }
                uint64_t f = 1 | (uint64_t)str.len << 1 | exec_key_short_word(str.ptr, str.len)
                                                              << 5;
                packed[r] |= f << shift;
            }
            shift += STR_FIELD(g->pack_len);
            continue;
        }
        size_t wd = bk_type_width(v->type);
#define PACK_INTS(T)                                                                               \
    do {                                                                                           \
        const T *x = v->data;                                                                      \
        if (v->validity) {                                                                         \
            for (size_t r = 0; r < n; r++)                                                         \
                if (bk_vector_is_valid(v, r)) packed[r] |= (1 | (uint64_t)x[r] << 1) << shift;    \
        } else {                                                                                   \
            for (size_t r = 0; r < n; r++) packed[r] |= (1 | (uint64_t)x[r] << 1) << shift;       \
        }                                                                                          \
    } while (0)
        if (wd == 1)
            PACK_INTS(uint8_t);
        else if (wd == 2)
            PACK_INTS(uint16_t);
        else
            PACK_INTS(uint32_t);
#undef PACK_INTS
        shift += 1 + 8 * (unsigned)wd;
    }
}

void exec_groups_hash(const exec_groups *g, bk_vector *const *cols, size_t n, uint64_t *hash,
                      uint64_t *packed) {
    if (!g->pack) {
        exec_keys_hash(cols, g->n_keys, n, hash, NULL);
        return;
    }
    pack_keys(g, cols, n, packed);
    bool all_packed = true;
    for (size_t r = 0; r < n; r++) {
        all_packed &= packed[r] != NO_PACK;
        hash[r] = bk_hash_u64(packed[r]);
    }
    if (all_packed) return;
    exec_keys_hash(cols, g->n_keys, n, hash, NULL); /* then the packed rows' hashes again */
    for (size_t r = 0; r < n; r++)
        if (packed[r] != NO_PACK) hash[r] = bk_hash_u64(packed[r]);
}

bk_status exec_groups_insert(exec_groups *g, bk_vector *const *cols, const uint64_t *hash,
                             const uint64_t *packed, const uint32_t *rows, size_t n,
                             uint32_t *gid, bk_error *err) {
    if (g->count >= UINT32_MAX - 1)
        return bk_error_set(err, BK_LIMIT_EXCEEDED,
                            "a hash aggregate has more than 4294967294 groups");
    uint64_t prev_hash = 0;
    /* a table past the caches: fetch the slot of the row PREFETCH_AHEAD on meanwhile */
    bool far = g->mask + 1 > PREFETCH_SLOTS;
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        uint64_t h = hash[r];
        if (far && i + PREFETCH_AHEAD < n) {
            size_t ahead = rows ? rows[i + PREFETCH_AHEAD] : i + PREFETCH_AHEAD;
            __builtin_prefetch(&g->slots[hash[ahead] & g->mask]);
        }
        uint64_t pk = g->pack ? packed[r] : NO_PACK;
        if (i > 0 && h == prev_hash && same_group(g, gid[i - 1], cols, r, pk)) {
            gid[i] = gid[i - 1]; /* the previous row's key again */
            continue;
        }
        uint64_t tag = h & 0xffffffff00000000u;
        size_t pos = h & g->mask;
        for (;;) {
            uint64_t s = g->slots[pos];
            if (!s) {
                if (2 * (g->count + 1) > g->mask + 1) {
                    BK_TRY(grow_slots(g, err));
                    pos = h & g->mask;
                    while (g->slots[pos]) pos = (pos + 1) & g->mask;
                }
                BK_TRY(add_group(g, cols, r, h, pk, err));
                g->slots[pos] = slot_word(h, g->count - 1);
                gid[i] = (uint32_t)(g->count - 1);
                break;
            }
            uint32_t grp = (uint32_t)s - 1;
            if ((s & 0xffffffff00000000u) == tag && same_group(g, grp, cols, r, pk)) {
                gid[i] = grp;
                break;
            }
            pos = (pos + 1) & g->mask;
        }
        prev_hash = h;
    }
    return BK_OK;
}

bk_status exec_groups_keys(bk_arena *a, const exec_groups *g, size_t first, size_t n,
                           bk_vector **out, bk_error *err) {
    for (uint32_t k = 0; k < g->n_keys; k++) {
        const bk_vector *s = &g->vecs[k];
        bk_vector *v = bk_vector_make(a, s->type, n);
        if (!v) return bk_arena_oom(a, err);
        size_t w = bk_type_width(s->type);
        if (w && n) memcpy(v->data, (const uint8_t *)s->data + first * w, n * w);
        if (s->type->kind == BK_TYPE_STRING || s->type->kind == BK_TYPE_BINARY)
            if (!bk_vector_own_strings(a, v)) return bk_arena_oom(a, err);
        for (size_t i = 0; i < n; i++) {
            if (bk_vector_is_valid(s, first + i)) continue;
            if (bk_vector_ensure_validity(a, v) != BK_OK) return bk_arena_oom(a, err);
            bk_validity_set(v->validity, i, false);
        }
        out[k] = v;
    }
    return BK_OK;
}
