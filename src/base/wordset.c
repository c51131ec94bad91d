/*
 * wordset.c — building a bk_wordset (see wordset.h).
 */
#include "base/wordset.h"

/* The smallest word not among words[0..n): one of 0..n is always free. */
static uint64_t free_word(bk_arena *a, const uint64_t *words, size_t n, bool *oom) {
    uint8_t *seen = bk_arena_zalloc(a, n + 1);
    if (!seen) {
        *oom = true;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (words[i] <= n) seen[words[i]] = 1;
    uint64_t w = 0;
    while (seen[w]) w++;
    return w;
}

bk_wordset *bk_wordset_build(bk_arena *a, const uint64_t *words, size_t n) {
    bk_wordset *s = bk_arena_zalloc(a, sizeof *s);
    if (!s) return NULL;
    if (n) { /* signed range: the words are sign-extended values */
        int64_t lo = (int64_t)words[0], hi = lo;
        for (size_t i = 1; i < n; i++) {
            lo = BK_MIN(lo, (int64_t)words[i]);
            hi = BK_MAX(hi, (int64_t)words[i]);
        }
        s->min = lo;
        s->max = hi;
        uint64_t span = (uint64_t)hi - (uint64_t)lo;
        uint64_t most = BK_MAX((uint64_t)n * 128, (uint64_t)1 << 21);
        if (span < most) {
            s->bits = bk_arena_zalloc(a, (span / 64 + 1) * sizeof *s->bits);
            if (!s->bits) return NULL;
            s->lo = (uint64_t)lo;
            s->span = span;
            for (size_t i = 0; i < n; i++) {
                uint64_t d = words[i] - s->lo, bit = UINT64_C(1) << (d & 63);
                s->n += !(s->bits[d >> 6] & bit);
                s->bits[d >> 6] |= bit;
            }
            return s;
        }
    }
    size_t slots = 16;
    while (slots < 2 * n) slots *= 2;
    bool oom = false;
    s->empty = free_word(a, words, n, &oom);
    s->slots = oom ? NULL : bk_arena_array(a, slots, sizeof *s->slots);
    if (!s->slots) return NULL;
    for (size_t i = 0; i < slots; i++) s->slots[i] = s->empty;
    s->mask = slots - 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t pos = bk_hash_u64(words[i]) & s->mask;
        while (s->slots[pos] != s->empty && s->slots[pos] != words[i]) pos = (pos + 1) & s->mask;
        if (s->slots[pos] == s->empty) {
            s->slots[pos] = words[i];
            s->n++;
        }
    }
    return s;
}

bool bk_wordset_meets(const bk_wordset *s, int64_t lo, int64_t hi) {
    if (s->n == 0) return false;
    lo = BK_MAX(lo, s->min);
    hi = BK_MIN(hi, s->max);
    if (lo > hi) return false;
    if (!s->bits) return true;
    uint64_t from = (uint64_t)lo - s->lo, to = (uint64_t)hi - s->lo; /* within 0..span */
    uint64_t first = from >> 6, last = to >> 6;
    uint64_t head = ~UINT64_C(0) << (from & 63), tail = ~UINT64_C(0) >> (63 - (to & 63));
    if (first == last) return (s->bits[first] & head & tail) != 0;
    if (s->bits[first] & head || s->bits[last] & tail) return true;
    for (uint64_t i = first + 1; i < last; i++)
        if (s->bits[i]) return true;
    return false;
}
