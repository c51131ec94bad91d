/*
 * roaring.c — delta_dv, the set of deleted rows, and its RoaringBitmapArray codec.
 *
 * The serialized form (PROTOCOL.md appendix "Deletion Vector Format", and the
 * RoaringFormatSpec it points to), all integers little-endian:
 *
 *     magic        u32  1681511377
 *     n_buckets    u64
 *     per bucket, keys strictly ascending, top bit clear:
 *       key        u32  the high 32 bits of the bucket's rows
 *       a 32-bit roaring bitmap of the low 32 bits:
 *         cookie   u32  12346, then size u32            (no run containers), or
 *                       12347 | (size - 1) << 16, then a bit per container saying
 *                       "run container"                  (some run containers)
 *         header   size x (u16 key, u16 cardinality - 1), keys strictly ascending
 *         offsets  size x u32 (absent when there are runs and size < 4; we skip them)
 *         containers, in header order:
 *           run     u16 n_runs, then n_runs x (u16 start, u16 length - 1)
 *           bitmap  1024 x u64, when not a run and cardinality > 4096
 *           array   cardinality x u16 ascending, otherwise
 *
 * In memory a delta_dv keeps the same containers in one flat array sorted by
 * `key` = row >> 16 (bucket key and container key together), so a lookup is one
 * binary search over containers and one inside a container, and a range of rows
 * (delta_dv_mark) is a walk over neighbouring containers.
 *
 * Invariants of a delta_dv, established by every constructor below:
 *   - c[i].key < c[i + 1].key, and c[i].key >> 47 == 0 (rows below 2^63);
 *   - 1 <= c[i].card <= 65536 and c[i].card is the number of values it holds;
 *   - an array holds at most 4096 values, strictly ascending; runs are ascending,
 *     disjoint, and end at or before 65535;
 *   - cardinality == the sum of c[i].card.
 * The parser checks all of them on input, so a corrupt file becomes BK_CORRUPT,
 * never an out-of-bounds read.  Containers this file builds take the smallest of
 * the three encodings, as CRoaring's and Java's run-optimize do.
 */
#include "delta/dv.h"

#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "base/mem.h"

enum { CONT_ARRAY, CONT_BITMAP, CONT_RUN };

#define ARRAY_MAX 4096    /* more values than this and a non-run container is a bitmap */
#define BITMAP_WORDS 1024 /* 65536 bits */
#define BITMAP_BYTES (BITMAP_WORDS * 8)
#define COOKIE_NO_RUN 12346u
#define COOKIE_RUN 12347u
#define NO_OFFSET_THRESHOLD 4 /* with run containers, offsets are written from 4 containers */

typedef struct dv_container {
    uint64_t key;    /* row >> 16 of every value in it */
    uint32_t card;   /* number of values, 1..65536 */
    uint32_t n_runs; /* CONT_RUN only */
    uint8_t kind;    /* CONT_ARRAY, CONT_BITMAP or CONT_RUN */
    union {
        uint16_t *values; /* CONT_ARRAY: card values, strictly ascending */
        uint64_t *words; /* CONT_BITMAP: BITMAP_WORDS words; value v is bit v % 64 of word v / 64 */
        uint16_t *runs;  /* CONT_RUN: n_runs pairs (start, length - 1) */
    } u;
} dv_container;

struct delta_dv {
    uint64_t cardinality; /* == sum of c[i].card */
    size_t n;             /* containers */
    dv_container *c;      /* sorted by key, see the invariants at the top */
};

/* ---- small helpers -------------------------------------------------------------------------- */

static inline uint16_t load_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static inline uint8_t *put_le16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    return p + 2;
}

static inline uint8_t *put_le32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
    return p + 4;
}

static inline uint8_t *put_le64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
    return p + 8;
}

static inline int popcount64(uint64_t w) { return __builtin_popcountll(w); }
static inline int ctz64(uint64_t w) { return __builtin_ctzll(w); }
static inline int clz64(uint64_t w) { return __builtin_clzll(w); }

/* Set bits [from, to) of a bitmap container's words (to <= 65536). */
static void words_set_range(uint64_t *words, uint32_t from, uint32_t to) {
    if (from >= to) return;
    uint32_t first = from / 64, last = (to - 1) / 64;
    uint64_t first_mask = ~UINT64_C(0) << (from % 64);
    uint64_t last_mask = ~UINT64_C(0) >> (63 - (to - 1) % 64);
    if (first == last) {
        words[first] |= first_mask & last_mask;
        return;
    }
    words[first] |= first_mask;
    for (uint32_t w = first + 1; w < last; w++) words[w] = ~UINT64_C(0);
    words[last] |= last_mask;
}

/* Bytes a container takes in the serialized form. */
static size_t container_bytes(const dv_container *c) {
    switch (c->kind) {
    case CONT_ARRAY:
        return 2 * (size_t)c->card;
    case CONT_BITMAP:
        return BITMAP_BYTES;
    default:
        return 2 + 4 * (size_t)c->n_runs;
    }
}

/*
 * The encoding to use for `card` values forming `n_runs` runs: a run container
 * when it is strictly smaller than the alternative, else an array up to 4096
 * values and a bitmap above.  (Readers pick array or bitmap from the cardinality
 * alone, so that part is not a choice.)
 */
static uint8_t best_kind(uint32_t card, uint32_t n_runs) {
    size_t run_bytes = 2 + 4 * (size_t)n_runs;
    size_t other_bytes = card <= ARRAY_MAX ? 2 * (size_t)card : BITMAP_BYTES;
    if (run_bytes < other_bytes) return CONT_RUN;
    return card <= ARRAY_MAX ? CONT_ARRAY : CONT_BITMAP;
}

/* Index of the first container whose key is >= key; dv->n when there is none. */
static size_t lower_bound(const delta_dv *dv, uint64_t key) {
    size_t lo = 0, hi = dv->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dv->c[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Index of the first array value >= v (card when there is none). */
static uint32_t array_lower_bound(const uint16_t *values, uint32_t card, uint32_t v) {
    uint32_t lo = 0, hi = card;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (values[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Index of the first run that ends at or after v (n_runs when there is none). */
static uint32_t run_lower_bound(const uint16_t *runs, uint32_t n_runs, uint32_t v) {
    uint32_t lo = 0, hi = n_runs;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if ((uint32_t)runs[2 * mid] + runs[2 * mid + 1] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool container_has(const dv_container *c, uint32_t v) {
    switch (c->kind) {
    case CONT_ARRAY: {
        uint32_t i = array_lower_bound(c->u.values, c->card, v);
        return i < c->card && c->u.values[i] == v;
    }
    case CONT_BITMAP:
        return (c->u.words[v / 64] >> (v % 64)) & 1;
    default: {
        uint32_t i = run_lower_bound(c->u.runs, c->n_runs, v);
        return i < c->n_runs && c->u.runs[2 * i] <= v;
    }
    }
}

/* OR the values of `c` into a zeroed-or-partly-filled bitmap of BITMAP_WORDS words. */
static void container_or_into(const dv_container *c, uint64_t *words) {
    switch (c->kind) {
    case CONT_ARRAY:
        for (uint32_t i = 0; i < c->card; i++)
            words[c->u.values[i] / 64] |= UINT64_C(1) << (c->u.values[i] % 64);
        break;
    case CONT_BITMAP:
        for (uint32_t w = 0; w < BITMAP_WORDS; w++) words[w] |= c->u.words[w];
        break;
    default:
        for (uint32_t r = 0; r < c->n_runs; r++) {
            uint32_t start = c->u.runs[2 * r];
            words_set_range(words, start, start + c->u.runs[2 * r + 1] + 1);
        }
        break;
    }
}

/* Deep copy of a container into `a`. */
static bk_status container_copy(bk_arena *a, const dv_container *src, dv_container *dst) {
    *dst = *src;
    size_t bytes = src->kind == CONT_ARRAY    ? 2 * (size_t)src->card
                   : src->kind == CONT_BITMAP ? BITMAP_BYTES
                                              : 4 * (size_t)src->n_runs;
    void *copy = bk_arena_memdup(a, src->u.values, bytes);
    if (!copy) return BK_OUT_OF_MEMORY;
    dst->u.values = copy;
    return BK_OK;
}

/* ---- building containers -------------------------------------------------------------------- */

/*
 * Container `c` from rows[0..card): strictly ascending rows that share row >> 16.
 * Errors: BK_OUT_OF_MEMORY (no message; the caller reports the arena).
 */
static bk_status container_from_rows(bk_arena *a, const uint64_t *rows, uint32_t card,
                                     dv_container *c) {
    uint32_t n_runs = 1;
    for (uint32_t i = 1; i < card; i++)
        if ((uint16_t)rows[i] != (uint16_t)rows[i - 1] + 1u) n_runs++;
    c->key = rows[0] >> 16;
    c->card = card;
    c->n_runs = 0;
    c->kind = best_kind(card, n_runs);
    switch (c->kind) {
    case CONT_ARRAY:
        c->u.values = bk_arena_array(a, card, sizeof(uint16_t));
        if (!c->u.values) return BK_OUT_OF_MEMORY;
        for (uint32_t i = 0; i < card; i++) c->u.values[i] = (uint16_t)rows[i];
        break;
    case CONT_BITMAP:
        c->u.words = bk_arena_zalloc(a, BITMAP_BYTES);
        if (!c->u.words) return BK_OUT_OF_MEMORY;
        for (uint32_t i = 0; i < card; i++) {
            uint16_t v = (uint16_t)rows[i];
            c->u.words[v / 64] |= UINT64_C(1) << (v % 64);
        }
        break;
    default: {
        c->n_runs = n_runs;
        c->u.runs = bk_arena_array(a, 2 * (size_t)n_runs, sizeof(uint16_t));
        if (!c->u.runs) return BK_OUT_OF_MEMORY;
        uint32_t r = 0, start = 0;
        for (uint32_t i = 1; i <= card; i++) {
            if (i == card || (uint16_t)rows[i] != (uint16_t)rows[i - 1] + 1u) {
                c->u.runs[2 * r] = (uint16_t)rows[start];
                c->u.runs[2 * r + 1] = (uint16_t)(i - 1 - start);
                r++;
                start = i;
            }
        }
        break;
    }
    }
    return BK_OK;
}

/*
 * Container `c` (with key `key`) holding the set bits of words[0..BITMAP_WORDS),
 * which has at least one.  Errors: BK_OUT_OF_MEMORY.
 */
static bk_status container_from_words(bk_arena *a, uint64_t key, const uint64_t *words,
                                      dv_container *c) {
    uint32_t card = 0, n_runs = 0;
    uint64_t carry = 0; /* top bit of the previous word */
    for (uint32_t w = 0; w < BITMAP_WORDS; w++) {
        card += (uint32_t)popcount64(words[w]);
        /* a run starts at every set bit whose lower neighbour is clear */
        n_runs += (uint32_t)popcount64(words[w] & ~(words[w] << 1 | carry));
        carry = words[w] >> 63;
    }
    BK_ASSERT(card > 0);
    c->key = key;
    c->card = card;
    c->n_runs = 0;
    c->kind = best_kind(card, n_runs);
    switch (c->kind) {
    case CONT_ARRAY: {
        c->u.values = bk_arena_array(a, card, sizeof(uint16_t));
        if (!c->u.values) return BK_OUT_OF_MEMORY;
        uint32_t i = 0;
        for (uint32_t w = 0; w < BITMAP_WORDS; w++)
            for (uint64_t bits = words[w]; bits; bits &= bits - 1)
                c->u.values[i++] = (uint16_t)(w * 64 + (uint32_t)ctz64(bits));
        break;
    }
    case CONT_BITMAP:
        c->u.words = bk_arena_memdup(a, words, BITMAP_BYTES);
        if (!c->u.words) return BK_OUT_OF_MEMORY;
        break;
    default: {
        c->n_runs = n_runs;
        c->u.runs = bk_arena_array(a, 2 * (size_t)n_runs, sizeof(uint16_t));
        if (!c->u.runs) return BK_OUT_OF_MEMORY;
        uint32_t r = 0, v = 0;
        while (r < n_runs) {
            /* next set bit at or after v: the run's start */
            uint32_t w = v / 64;
            uint64_t bits = words[w] & (~UINT64_C(0) << (v % 64));
            while (!bits) bits = words[++w];
            uint32_t start = w * 64 + (uint32_t)ctz64(bits);
            /* next clear bit after start: one past the run's end */
            w = start / 64;
            bits = ~words[w] & (~UINT64_C(0) << (start % 64));
            while (!bits && w + 1 < BITMAP_WORDS) bits = ~words[++w];
            uint32_t end = bits ? w * 64 + (uint32_t)ctz64(bits) : 65536;
            c->u.runs[2 * r] = (uint16_t)start;
            c->u.runs[2 * r + 1] = (uint16_t)(end - start - 1);
            r++;
            v = end;
        }
        break;
    }
    }
    return BK_OK;
}

/* ---- constructors --------------------------------------------------------------------------- */

static int cmp_u64(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

bk_status delta_dv_from_rows(bk_arena *a, const uint64_t *rows, size_t n, delta_dv **out,
                             bk_error *err) {
    for (size_t i = 0; i < n; i++)
        if (rows[i] > DELTA_DV_MAX_ROW)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "row index %llu is out of range for a deletion vector (the "
                                "largest allowed is 2^63 - 1)",
                                (unsigned long long)rows[i]);

    /* Rows from a scan usually come sorted; only copy and sort when they do not. */
    bool is_sorted = true;
    for (size_t i = 1; i < n && is_sorted; i++) is_sorted = rows[i - 1] < rows[i];
    uint64_t *sorted = NULL;
    if (!is_sorted) {
        sorted = bk_malloc(n * sizeof(uint64_t));
        if (!sorted) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
        memcpy(sorted, rows, n * sizeof(uint64_t));
        qsort(sorted, n, sizeof(uint64_t), cmp_u64);
        size_t kept = 0;
        for (size_t i = 0; i < n; i++)
            if (kept == 0 || sorted[kept - 1] != sorted[i]) sorted[kept++] = sorted[i];
        n = kept;
        rows = sorted;
    }

    size_t n_containers = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || rows[i] >> 16 != rows[i - 1] >> 16) n_containers++;

    bk_status st = BK_OK;
    delta_dv *dv = bk_arena_zalloc(a, sizeof *dv);
    if (dv && n_containers) dv->c = bk_arena_array(a, n_containers, sizeof(dv_container));
    if (!dv || (n_containers && !dv->c)) st = BK_OUT_OF_MEMORY;
    for (size_t i = 0; st == BK_OK && i < n;) {
        size_t j = i + 1;
        while (j < n && rows[j] >> 16 == rows[i] >> 16) j++;
        st = container_from_rows(a, rows + i, (uint32_t)(j - i), &dv->c[dv->n]);
        if (st == BK_OK) dv->n++;
        i = j;
    }
    bk_free(sorted);
    if (st != BK_OK) return bk_arena_oom(a, err);
    dv->cardinality = n;
    *out = dv;
    return BK_OK;
}

bk_status delta_dv_union(bk_arena *a, const delta_dv *x, const delta_dv *y, delta_dv **out,
                         bk_error *err) {
    size_t nx = x ? x->n : 0, ny = y ? y->n : 0;
    delta_dv *dv = bk_arena_zalloc(a, sizeof *dv);
    if (!dv) return bk_arena_oom(a, err);
    if (nx + ny) {
        dv->c = bk_arena_array(a, nx + ny, sizeof(dv_container));
        if (!dv->c) return bk_arena_oom(a, err);
    }
    uint64_t words[BITMAP_WORDS];
    size_t i = 0, j = 0;
    while (i < nx || j < ny) {
        dv_container *c = &dv->c[dv->n++];
        bk_status st;
        if (j == ny || (i < nx && x->c[i].key < y->c[j].key)) {
            st = container_copy(a, &x->c[i++], c);
        } else if (i == nx || y->c[j].key < x->c[i].key) {
            st = container_copy(a, &y->c[j++], c);
        } else {
            memset(words, 0, sizeof words);
            container_or_into(&x->c[i], words);
            container_or_into(&y->c[j], words);
            st = container_from_words(a, x->c[i].key, words, c);
            i++;
            j++;
        }
        if (st != BK_OK) return bk_arena_oom(a, err);
        dv->cardinality += c->card;
    }
    *out = dv;
    return BK_OK;
}

/* ---- queries -------------------------------------------------------------------------------- */

uint64_t delta_dv_cardinality(const delta_dv *dv) { return dv ? dv->cardinality : 0; }

bool delta_dv_contains(const delta_dv *dv, uint64_t row) {
    if (!dv) return false;
    size_t i = lower_bound(dv, row >> 16);
    return i < dv->n && dv->c[i].key == row >> 16 && container_has(&dv->c[i], row & 0xFFFF);
}

void delta_dv_mark(const delta_dv *dv, uint64_t first_row, size_t n, uint8_t *deleted) {
    if (!dv || n == 0) return;
    /* rows [first_row, end); clamp so that end does not wrap */
    uint64_t end = first_row + n < first_row ? UINT64_MAX : first_row + n;
    for (size_t ci = lower_bound(dv, first_row >> 16); ci < dv->n; ci++) {
        const dv_container *c = &dv->c[ci];
        uint64_t base = c->key << 16;
        if (base >= end) break;
        /* The container's values v in [lo, hi) are the rows in range; row base + v
           goes to deleted[base + v - first_row], i.e. to out[v - lo]. */
        uint32_t lo = first_row > base ? (uint32_t)(first_row - base) : 0;
        uint32_t hi = end - base >= 65536 ? 65536 : (uint32_t)(end - base);
        uint8_t *out = deleted + (size_t)(base + lo - first_row);
        switch (c->kind) {
        case CONT_ARRAY:
            for (uint32_t k = array_lower_bound(c->u.values, c->card, lo);
                 k < c->card && c->u.values[k] < hi; k++)
                out[c->u.values[k] - lo] = 1;
            break;
        case CONT_BITMAP:
            for (uint32_t w = lo / 64; w <= (hi - 1) / 64; w++) {
                uint64_t bits = c->u.words[w];
                if (w == lo / 64) bits &= ~UINT64_C(0) << (lo % 64);
                if (w == (hi - 1) / 64) bits &= ~UINT64_C(0) >> (63 - (hi - 1) % 64);
                for (; bits; bits &= bits - 1) out[w * 64 + (uint32_t)ctz64(bits) - lo] = 1;
            }
            break;
        default:
            for (uint32_t r = run_lower_bound(c->u.runs, c->n_runs, lo); r < c->n_runs; r++) {
                uint32_t start = c->u.runs[2 * r];
                uint32_t stop = start + c->u.runs[2 * r + 1] + 1;
                if (start >= hi) break;
                if (start < lo) start = lo;
                if (stop > hi) stop = hi;
                memset(out + (start - lo), 1, stop - start);
            }
            break;
        }
    }
}

bool delta_dv_max_row(const delta_dv *dv, uint64_t *out) {
    if (!dv || dv->n == 0) return false;
    const dv_container *c = &dv->c[dv->n - 1];
    uint32_t v;
    if (c->kind == CONT_ARRAY) {
        v = c->u.values[c->card - 1];
    } else if (c->kind == CONT_RUN) {
        v = (uint32_t)c->u.runs[2 * (c->n_runs - 1)] + c->u.runs[2 * (c->n_runs - 1) + 1];
    } else {
        uint32_t w = BITMAP_WORDS - 1;
        while (c->u.words[w] == 0) w--; /* card >= 1, so some word is set */
        v = w * 64 + 63 - (uint32_t)clz64(c->u.words[w]);
    }
    *out = c->key << 16 | v;
    return true;
}

bk_status delta_dv_to_rows(bk_arena *a, const delta_dv *dv, uint64_t **rows, size_t *n,
                           bk_error *err) {
    uint64_t card = delta_dv_cardinality(dv);
    uint64_t *res = NULL;
    if (card) {
        if (card > SIZE_MAX / sizeof(uint64_t)) return bk_arena_oom(a, err);
        res = bk_arena_array(a, (size_t)card, sizeof(uint64_t));
        if (!res) return bk_arena_oom(a, err);
    }
    size_t k = 0;
    for (size_t ci = 0; dv && ci < dv->n; ci++) {
        const dv_container *c = &dv->c[ci];
        uint64_t base = c->key << 16;
        if (c->kind == CONT_ARRAY) {
            for (uint32_t i = 0; i < c->card; i++) res[k++] = base | c->u.values[i];
        } else if (c->kind == CONT_RUN) {
            for (uint32_t r = 0; r < c->n_runs; r++)
                for (uint32_t v = c->u.runs[2 * r];
                     v <= (uint32_t)c->u.runs[2 * r] + c->u.runs[2 * r + 1]; v++)
                    res[k++] = base | v;
        } else {
            for (uint32_t w = 0; w < BITMAP_WORDS; w++)
                for (uint64_t bits = c->u.words[w]; bits; bits &= bits - 1)
                    res[k++] = base | (w * 64 + (uint32_t)ctz64(bits));
        }
    }
    BK_ASSERT(k == card);
    *rows = res;
    *n = (size_t)card;
    return BK_OK;
}

/* ---- parsing -------------------------------------------------------------------------------- */

typedef struct reader {
    const uint8_t *p;
    size_t len, pos;
} reader;

/* The containers parsed so far, in a growing arena array. */
typedef struct container_list {
    dv_container *items;
    size_t n, cap;
} container_list;

static bool has(const reader *r, size_t n) { return r->len - r->pos >= n; }

BK_NOINLINE static bk_status truncated(const reader *r, uint32_t bucket, const char *what,
                                       bk_error *err) {
    return bk_error_set(err, BK_CORRUPT,
                        "deletion vector: bucket %u: %s runs past the end of the data (%zu "
                        "bytes)",
                        bucket, what, r->len);
}

static dv_container *list_push(bk_arena *a, container_list *l) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        dv_container *items = bk_arena_array(a, cap, sizeof(dv_container));
        if (!items) return NULL;
        if (l->n) memcpy(items, l->items, l->n * sizeof(dv_container));
        l->items = items;
        l->cap = cap;
    }
    return &l->items[l->n++];
}

/* Read a run container's body into c (c->key and c->card set). */
static bk_status parse_run(bk_arena *a, reader *r, uint32_t bucket, dv_container *c,
                           bk_error *err) {
    if (!has(r, 2)) return truncated(r, bucket, "a run container", err);
    uint32_t n_runs = load_le16(r->p + r->pos);
    r->pos += 2;
    if (!has(r, 4 * (size_t)n_runs)) return truncated(r, bucket, "a run container", err);
    c->kind = CONT_RUN;
    c->n_runs = n_runs;
    c->u.runs = bk_arena_array(a, 2 * (size_t)n_runs + 1, sizeof(uint16_t));
    if (!c->u.runs) return bk_arena_oom(a, err);
    uint64_t total = 0;
    int64_t prev_end = -1;
    for (uint32_t k = 0; k < n_runs; k++) {
        uint32_t start = load_le16(r->p + r->pos + 4 * k);
        uint32_t len_minus_1 = load_le16(r->p + r->pos + 4 * k + 2);
        if ((int64_t)start <= prev_end || start + len_minus_1 > 0xFFFF)
            return bk_error_set(err, BK_CORRUPT,
                                "deletion vector: bucket %u: container %u: run %u (start %u, "
                                "length %u) overlaps the previous run or passes 65535",
                                bucket, (unsigned)(c->key & 0xFFFF), k, start, len_minus_1 + 1);
        c->u.runs[2 * k] = (uint16_t)start;
        c->u.runs[2 * k + 1] = (uint16_t)len_minus_1;
        prev_end = start + len_minus_1;
        total += len_minus_1 + 1;
    }
    r->pos += 4 * (size_t)n_runs;
    if (total != c->card)
        return bk_error_set(err, BK_CORRUPT,
                            "deletion vector: bucket %u: container %u: its runs hold %llu "
                            "values but its header says %u",
                            bucket, (unsigned)(c->key & 0xFFFF), (unsigned long long)total,
                            c->card);
    return BK_OK;
}

/* Read a bitmap container's body into c (c->key and c->card set). */
static bk_status parse_bitmap(bk_arena *a, reader *r, uint32_t bucket, dv_container *c,
                              bk_error *err) {
    if (!has(r, BITMAP_BYTES)) return truncated(r, bucket, "a bitmap container", err);
    c->kind = CONT_BITMAP;
    c->u.words = bk_arena_array(a, BITMAP_WORDS, sizeof(uint64_t));
    if (!c->u.words) return bk_arena_oom(a, err);
    uint32_t total = 0;
    for (uint32_t w = 0; w < BITMAP_WORDS; w++) {
        c->u.words[w] = bk_load_le64(r->p + r->pos + 8 * w);
        total += (uint32_t)popcount64(c->u.words[w]);
    }
    r->pos += BITMAP_BYTES;
    if (total != c->card)
        return bk_error_set(err, BK_CORRUPT,
                            "deletion vector: bucket %u: container %u: its bitmap holds %u "
                            "values but its header says %u",
                            bucket, (unsigned)(c->key & 0xFFFF), total, c->card);
    return BK_OK;
}

/* Read an array container's body into c (c->key and c->card set). */
static bk_status parse_array(bk_arena *a, reader *r, uint32_t bucket, dv_container *c,
                             bk_error *err) {
    if (!has(r, 2 * (size_t)c->card)) return truncated(r, bucket, "an array container", err);
    c->kind = CONT_ARRAY;
    c->u.values = bk_arena_array(a, c->card, sizeof(uint16_t));
    if (!c->u.values) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < c->card; k++) {
        c->u.values[k] = load_le16(r->p + r->pos + 2 * k);
        if (k > 0 && c->u.values[k] <= c->u.values[k - 1])
            return bk_error_set(err, BK_CORRUPT,
                                "deletion vector: bucket %u: container %u: values are not "
                                "strictly ascending (%u after %u)",
                                bucket, (unsigned)(c->key & 0xFFFF), c->u.values[k],
                                c->u.values[k - 1]);
    }
    r->pos += 2 * (size_t)c->card;
    return BK_OK;
}

/* One 32-bit roaring bitmap: the bucket whose rows have high 32 bits `bucket`. */
static bk_status parse_bucket(bk_arena *a, reader *r, uint32_t bucket, container_list *out,
                              uint64_t *cardinality, bk_error *err) {
    if (!has(r, 4)) return truncated(r, bucket, "the roaring header", err);
    uint32_t cookie = bk_load_le32(r->p + r->pos);
    r->pos += 4;
    bool has_runs;
    uint32_t size;
    if ((cookie & 0xFFFF) == COOKIE_RUN) {
        has_runs = true;
        size = (cookie >> 16) + 1;
    } else if (cookie == COOKIE_NO_RUN) {
        has_runs = false;
        if (!has(r, 4)) return truncated(r, bucket, "the roaring header", err);
        size = bk_load_le32(r->p + r->pos);
        r->pos += 4;
        if (size > 65536)
            return bk_error_set(err, BK_CORRUPT,
                                "deletion vector: bucket %u: %u containers (at most 65536)", bucket,
                                size);
    } else {
        return bk_error_set(err, BK_CORRUPT,
                            "deletion vector: bucket %u: unknown roaring cookie %u (expected "
                            "12346 or 12347)",
                            bucket, cookie & 0xFFFF);
    }

    const uint8_t *run_flags = NULL;
    if (has_runs) {
        if (!has(r, (size + 7) / 8)) return truncated(r, bucket, "the run flags", err);
        run_flags = r->p + r->pos;
        r->pos += (size + 7) / 8;
    }
    if (!has(r, 4 * (size_t)size)) return truncated(r, bucket, "the container headers", err);
    const uint8_t *header = r->p + r->pos;
    r->pos += 4 * (size_t)size;
    if (!has_runs || size >= NO_OFFSET_THRESHOLD) {
        /* Offsets only help random access; containers are read in order, so skip them. */
        if (!has(r, 4 * (size_t)size)) return truncated(r, bucket, "the offsets", err);
        r->pos += 4 * (size_t)size;
    }

    for (uint32_t k = 0; k < size; k++) {
        uint32_t key16 = load_le16(header + 4 * k);
        if (k > 0 && key16 <= load_le16(header + 4 * (k - 1)))
            return bk_error_set(err, BK_CORRUPT,
                                "deletion vector: bucket %u: container keys are not strictly "
                                "ascending (%u after %u)",
                                bucket, key16, load_le16(header + 4 * (k - 1)));
        dv_container *c = list_push(a, out);
        if (!c) return bk_arena_oom(a, err);
        memset(c, 0, sizeof *c);
        c->key = (uint64_t)bucket << 16 | key16;
        c->card = (uint32_t)load_le16(header + 4 * k + 2) + 1;
        bk_status st;
        if (run_flags && (run_flags[k / 8] >> (k % 8)) & 1)
            st = parse_run(a, r, bucket, c, err);
        else if (c->card > ARRAY_MAX)
            st = parse_bitmap(a, r, bucket, c, err);
        else
            st = parse_array(a, r, bucket, c, err);
        if (st != BK_OK) return st;
        *cardinality += c->card;
    }
    return BK_OK;
}

bk_status delta_dv_parse(bk_arena *a, const uint8_t *data, size_t len, delta_dv **out,
                         bk_error *err) {
    if (len < 12)
        return bk_error_set(err, BK_CORRUPT,
                            "deletion vector: %zu bytes is too short (at least 12 are needed)",
                            len);
    uint32_t magic = bk_load_le32(data);
    if (magic != DELTA_DV_MAGIC)
        return bk_error_set(err, BK_CORRUPT,
                            "deletion vector: unknown magic number %u (expected %u, the "
                            "portable RoaringBitmapArray format)",
                            magic, (unsigned)DELTA_DV_MAGIC);
    uint64_t n_buckets = bk_load_le64(data + 4);
    reader r = {data, len, 12};
    /* the smallest bucket is 12 bytes: key, cookie and a zero size */
    if (n_buckets > (len - 12) / 12)
        return bk_error_set(err, BK_CORRUPT,
                            "deletion vector: %llu buckets cannot fit in %zu bytes",
                            (unsigned long long)n_buckets, len);

    container_list list = {0};
    uint64_t cardinality = 0;
    int64_t prev_key = -1;
    for (uint64_t b = 0; b < n_buckets; b++) {
        if (!has(&r, 4))
            return bk_error_set(err, BK_CORRUPT,
                                "deletion vector: bucket %llu of %llu runs past the end of the "
                                "data (%zu bytes)",
                                (unsigned long long)b, (unsigned long long)n_buckets, len);
        uint32_t key = bk_load_le32(data + r.pos);
        r.pos += 4;
        if (key & UINT32_C(0x80000000))
            return bk_error_set(err, BK_CORRUPT,
                                "deletion vector: bucket key %u has its top bit set (row "
                                "indexes must be below 2^63)",
                                key);
        if ((int64_t)key <= prev_key)
            return bk_error_set(err, BK_CORRUPT,
                                "deletion vector: bucket keys are not strictly ascending (%u "
                                "after %lld)",
                                key, (long long)prev_key);
        prev_key = key;
        BK_TRY(parse_bucket(a, &r, key, &list, &cardinality, err));
    }
    if (r.pos != len)
        return bk_error_set(err, BK_CORRUPT,
                            "deletion vector: %zu unexpected bytes after the last bucket "
                            "(the data is %zu bytes)",
                            len - r.pos, len);

    delta_dv *dv = bk_arena_zalloc(a, sizeof *dv);
    if (!dv) return bk_arena_oom(a, err);
    dv->c = list.items;
    dv->n = list.n;
    dv->cardinality = cardinality;
    *out = dv;
    return BK_OK;
}

/* ---- serialization -------------------------------------------------------------------------- */

/* Bytes of the 32-bit roaring header for `size` containers. */
static size_t roaring_header_bytes(size_t size, bool has_runs) {
    if (!has_runs) return 8 + 8 * size;
    return 4 + (size + 7) / 8 + 4 * size + (size >= NO_OFFSET_THRESHOLD ? 4 * size : 0);
}

/* The containers [first, *end) of the bucket that starts at `first`; true if any is a run. */
static bool bucket_span(const delta_dv *dv, size_t first, size_t *end) {
    bool has_runs = false;
    size_t i = first;
    while (i < dv->n && dv->c[i].key >> 16 == dv->c[first].key >> 16) {
        has_runs |= dv->c[i].kind == CONT_RUN;
        i++;
    }
    *end = i;
    return has_runs;
}

size_t delta_dv_serialized_size(const delta_dv *dv) {
    size_t total = 4 + 8;
    for (size_t i = 0, end; dv && i < dv->n; i = end) {
        bool has_runs = bucket_span(dv, i, &end);
        total += 4 + roaring_header_bytes(end - i, has_runs);
        for (size_t k = i; k < end; k++) total += container_bytes(&dv->c[k]);
    }
    return total;
}

/* Write the containers [first, end), one bucket, at p; returns the end of what was written. */
static uint8_t *write_bucket(const delta_dv *dv, size_t first, size_t end, bool has_runs,
                             uint8_t *p) {
    uint32_t size = (uint32_t)(end - first);
    p = put_le32(p, (uint32_t)(dv->c[first].key >> 16));
    uint8_t *start = p; /* offsets count from the cookie */
    (void)start;
    if (has_runs) {
        p = put_le32(p, COOKIE_RUN | (size - 1) << 16);
        memset(p, 0, (size + 7) / 8);
        for (uint32_t k = 0; k < size; k++)
            if (dv->c[first + k].kind == CONT_RUN) p[k / 8] |= (uint8_t)(1u << (k % 8));
        p += (size + 7) / 8;
    } else {
        p = put_le32(p, COOKIE_NO_RUN);
        p = put_le32(p, size);
    }
    for (uint32_t k = 0; k < size; k++) {
        p = put_le16(p, (uint16_t)dv->c[first + k].key);
        p = put_le16(p, (uint16_t)(dv->c[first + k].card - 1));
    }
    if (!has_runs || size >= NO_OFFSET_THRESHOLD) {
        size_t offset = roaring_header_bytes(size, has_runs);
        for (uint32_t k = 0; k < size; k++) {
            p = put_le32(p, (uint32_t)offset);
            offset += container_bytes(&dv->c[first + k]);
        }
    }
    BK_ASSERT((size_t)(p - start) == roaring_header_bytes(size, has_runs));
    for (uint32_t k = 0; k < size; k++) {
        const dv_container *c = &dv->c[first + k];
        if (c->kind == CONT_ARRAY) {
            for (uint32_t i = 0; i < c->card; i++) p = put_le16(p, c->u.values[i]);
        } else if (c->kind == CONT_BITMAP) {
            for (uint32_t w = 0; w < BITMAP_WORDS; w++) p = put_le64(p, c->u.words[w]);
        } else {
            p = put_le16(p, (uint16_t)c->n_runs);
            for (uint32_t i = 0; i < 2 * c->n_runs; i++) p = put_le16(p, c->u.runs[i]);
        }
    }
    return p;
}

bk_status delta_dv_serialize(const delta_dv *dv, bk_buf *out) {
    size_t total = delta_dv_serialized_size(dv);
    BK_TRY(bk_buf_reserve(out, total));
    uint8_t *p = out->data + out->len;
    uint8_t *begin = p;
    uint64_t n_buckets = 0;
    for (size_t i = 0; dv && i < dv->n; i++)
        if (i == 0 || dv->c[i].key >> 16 != dv->c[i - 1].key >> 16) n_buckets++;
    p = put_le32(p, DELTA_DV_MAGIC);
    p = put_le64(p, n_buckets);
    for (size_t i = 0, end; dv && i < dv->n; i = end) {
        bool has_runs = bucket_span(dv, i, &end);
        p = write_bucket(dv, i, end, has_runs, p);
    }
    BK_ASSERT((size_t)(p - begin) == total);
    (void)begin;
    out->len += total;
    return BK_OK;
}
