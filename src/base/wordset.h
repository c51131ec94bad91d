/*
 * wordset.h — a set of 64-bit words for membership tests a vector at a time.
 *
 * Built once from an array of words (an IN list of integers, dates, timestamps or
 * 18-digit decimals, each as its value sign-extended to 64 bits) and then only
 * read, so any number of threads may probe it.  Words that lie in a range of at
 * most 128 times their number (or 2^21: 256 KiB) are a bitmap over that range, one
 * bit test a probe and no more memory than the table's 16 bytes a word (TPC-H's
 * part keys of one brand, q10's order keys of one quarter); others an open-addressing
 * table with linear probing at a load of at most 1/2, an empty slot marked by a
 * separate word value (the smallest one not in the set) so no flag is read.
 * Allocated in an arena: it lives as long as the plan that holds it.
 */
#ifndef BRICKS_BASE_WORDSET_H
#define BRICKS_BASE_WORDSET_H

#include "base/arena.h"
#include "base/hash.h"

typedef struct bk_wordset {
    uint64_t *bits;  /* the bitmap of words lo .. lo + span, or NULL for the table */
    uint64_t lo, span;
    uint64_t *slots; /* the table: mask + 1 words; `empty` where none */
    uint64_t mask;
    uint64_t empty;  /* a word not in the set */
    int64_t min, max; /* the smallest and largest word, read signed (n > 0) */
    size_t n;        /* distinct words */
} bk_wordset;

/*
 * Types whose values are equal exactly when their bits are, each as one signed 64-bit
 * word: BOOLEAN, integers, DATE, TIMESTAMP[_NTZ], DECIMAL of at most 18 digits.
 */
static inline bool bk_wordset_type_ok(const bk_type *t) {
    switch (t->kind) {
    case BK_TYPE_BOOLEAN:
    case BK_TYPE_TINYINT:
    case BK_TYPE_SMALLINT:
    case BK_TYPE_INT:
    case BK_TYPE_BIGINT:
    case BK_TYPE_DATE:
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
        return true;
    case BK_TYPE_DECIMAL:
        return t->precision <= BK_DECIMAL_INT64_MAX_PRECISION;
    default:
        return false;
    }
}

/* Value i of `width`-byte values of such a type, sign-extended to a word. */
static inline uint64_t bk_wordset_word(const void *data, size_t width, size_t i) {
    switch (width) {
    case 1: return (uint64_t)(int64_t)((const int8_t *)data)[i];
    case 2: return (uint64_t)(int64_t)((const int16_t *)data)[i];
    case 4: return (uint64_t)(int64_t)((const int32_t *)data)[i];
    default: return ((const uint64_t *)data)[i];
    }
}

/* The set of words[0..n); NULL on OOM. */
bk_wordset *bk_wordset_build(bk_arena *a, const uint64_t *words, size_t n);

/*
 * May the set hold a word in [lo, hi] (read signed)?  Exact for a bitmap (its words
 * in the range are tested 64 at a time); for a table, whether the range meets
 * [min, max].  For skipping a file, row group or page by its statistics.
 */
bool bk_wordset_meets(const bk_wordset *s, int64_t lo, int64_t hi);

static inline bool bk_wordset_has(const bk_wordset *s, uint64_t w) {
    if (s->bits) {
        uint64_t d = w - s->lo; /* unsigned: below lo wraps past span */
        return d <= s->span && (s->bits[d >> 6] >> (d & 63) & 1);
    }
    uint64_t pos = bk_hash_u64(w) & s->mask;
    for (;;) {
        uint64_t x = s->slots[pos];
        if (x == w) return w != s->empty;
        if (x == s->empty) return false;
        pos = (pos + 1) & s->mask;
    }
}

#endif
