/*
 * sort_int.h — the pieces of ORDER BY shared by op_sort.c, sort_keys.c and
 * sort_merge.c.  Private to src/engine/exec/.
 *
 * Rows are sorted as records: arrays of 64-bit words compared lexicographically
 * as unsigned numbers.  A record is `key_words` normalized key words (sort_keys.c:
 * each key's value mapped to words whose unsigned order is the key's order,
 * descending and NULL placement folded in), then `n_tie` tie words:
 *
 *     n_tie == 1   [ref]                   the full sort: items (chunks) are in
 *                                          source (morsel) order, so refs are too
 *     n_tie == 3   [morsel][in_row][ref]   top-N: rows keep their source position
 *                                          while the buffers shrink
 *
 * The last word is always the row's ref: item << 32 | row within the item,
 * where items are the chunks the sink holds (sort_layout.item_cols).  Every
 * record is distinct, so any sort gives the stable order (ties by source
 * position), and splitting runs by record is exact.
 *
 * The words decide the order of keys [0, first_loose) exactly.  When
 * first_loose < n_keys (a string longer than 7 bytes, whose word is only its
 * first 8 bytes; a nested key; too many words), records whose key words are
 * equal are compared by value from key first_loose on (sort_cmp_loose), before
 * the tie words.
 */
#ifndef BRICKS_ENGINE_EXEC_SORT_INT_H
#define BRICKS_ENGINE_EXEC_SORT_INT_H

#include "engine/exec/exec_int.h"

#define SORT_MAX_KEY_WORDS 8
#define SORT_MAX_STR_WORDS 4 /* a string key's prefix: at most 32 bytes */

/* Compare row i of a with row j of b (same type, both valid): <0, 0, >0. */
typedef int (*sort_cmp_fn)(const bk_vector *a, size_t i, const bk_vector *b, size_t j);

/* What the encoding needs to know of a key column's values (may over-estimate). */
typedef struct sort_key_stats {
    bool has_null;
    size_t max_len; /* STRING / BINARY: the longest value in bytes */
    bool has_range; /* integer-like types: min, max of the valid values */
    int64_t min, max;
} sort_key_stats;

typedef enum sort_enc {
    SORT_ENC_NONE,  /* no words: compared by value (nested types) */
    SORT_ENC_U32,   /* 32-bit and smaller values, NULL folded into the one word */
    SORT_ENC_U64,   /* 64-bit values (+ a NULL-rank word when the column has NULLs) */
    SORT_ENC_I128,  /* DECIMAL(>18): two words (+ NULL rank) */
    SORT_ENC_STR,   /* strings of at most 8p - 1 bytes: bytes and length in p words, exact */
    SORT_ENC_PREFIX, /* longer strings: their first 8p bytes (a prefix: loose) */
} sort_enc;

typedef struct sort_layout {
    const exec_sort_key *keys;
    uint32_t n_keys;
    uint32_t key_words;   /* normalized words per record */
    uint32_t n_tie;       /* 1 or 3 (above) */
    uint32_t stride;      /* key_words + n_tie */
    uint32_t first_loose; /* keys from here on are compared by value on equal words */
    sort_enc enc[16];     /* per key (first 16; the rest are loose) */
    bool null_word[16];   /* per key: a NULL-rank word precedes the value */
    uint8_t vwords[16];   /* per key: value words (p for strings) */
    sort_cmp_fn *cmp;     /* per key: typed comparator */
    bk_vector *const *const *item_cols; /* per item: its columns (loose keys read them) */
    /*
     * Packed (sort_layout_pack): one word per record, (key word - pack_base) <<
     * (item_bits + row_bits) | item << row_bits | row; key_words 1, n_tie 0.
     */
    bool packed;
    uint32_t item_bits, row_bits;
    uint64_t pack_base;
} sort_layout;

/* ---- sort_keys.c ---- */

/* Fold the key columns of a chunk (cols = the chunk's columns) into stats[n_keys]. */
void sort_stats_add(sort_key_stats *stats, const exec_sort_key *keys, uint32_t n_keys,
                    bk_vector *const *cols);

/*
 * Choose the encoding of every key from its type and stats; cmp (per key) is
 * allocated in `a`.  `item_cols` is the caller's to set.
 */
bk_status sort_layout_init(bk_arena *a, sort_layout *l, const exec_sort_key *keys,
                           uint32_t n_keys, const bk_type *schema, const sort_key_stats *stats,
                           uint32_t n_tie, bk_error *err);

/*
 * Write the key words of rows [first, first + n) of a chunk (cols = its
 * columns) into records recs[(row - first) * stride ...]; tie words are the
 * caller's.
 */
void sort_encode(const sort_layout *l, bk_vector *const *cols, size_t first, size_t n,
                 uint64_t *recs);

/* Compare the rows of refs x and y from key first_loose on (NULLs, direction applied). */
int sort_cmp_loose(const sort_layout *l, uint64_t x, uint64_t y);

/* The typed comparator for values of type t. */
sort_cmp_fn sort_cmp_for(const bk_type *t);

/*
 * Top-N filter: keep the rows of a chunk (cols = its columns, morsel its source
 * position) that sort before row `brow` of bound_cols, whose source position is
 * (bmorsel, brow_in).  sel (n entries) receives the kept rows, in order; scratch
 * has room for 2n bytes.  Returns the number of rows kept.
 */
size_t sort_filter_before(const exec_sort_key *keys, uint32_t n_keys, const sort_cmp_fn *cmp,
                          bk_vector *const *cols, size_t n, uint64_t morsel,
                          bk_vector *const *bound_cols, size_t brow, uint64_t bmorsel,
                          uint32_t brow_in, uint32_t *sel, int8_t *scratch);

/*
 * Pack records into one word when the one key is an exact single word whose
 * range (from stats) leaves room for refs of n_items items of at most
 * max_rows rows.  Only for n_tie == 1 layouts; false (layout unchanged) when
 * it does not fit.
 */
bool sort_layout_pack(sort_layout *l, const sort_key_stats *stats, size_t n_items,
                      size_t max_rows);

/* The ref of a record: item << 32 | row. */
static inline uint64_t sort_rec_ref(const sort_layout *l, const uint64_t *rec) {
    if (l->packed) {
        uint64_t w = rec[0];
        uint64_t item = (w >> l->row_bits) & ((1ull << l->item_bits) - 1);
        return item << 32 | (w & ((1ull << l->row_bits) - 1));
    }
    return rec[l->stride - 1];
}

/* Order of two records. */
static inline int sort_rec_cmp(const sort_layout *l, const uint64_t *a, const uint64_t *b) {
    for (uint32_t w = 0; w < l->key_words; w++)
        if (a[w] != b[w]) return a[w] < b[w] ? -1 : 1;
    if (l->first_loose < l->n_keys) {
        int r = sort_cmp_loose(l, sort_rec_ref(l, a), sort_rec_ref(l, b));
        if (r) return r;
    }
    for (uint32_t w = l->key_words; w < l->stride; w++)
        if (a[w] != b[w]) return a[w] < b[w] ? -1 : 1;
    return 0;
}

/* ---- sort_merge.c ---- */

/* Sort n records in place; tmp has room for n records. */
void sort_records(const sort_layout *l, uint64_t *recs, size_t n, uint64_t *tmp);

typedef struct sort_run {
    const uint64_t *recs; /* sorted records */
    size_t n;
} sort_run;

/*
 * Merge the sorted runs[0..n_runs) and write the refs (each record's last
 * word) of the first `want` records into out[0..want), on the
 * pool when there is one (the merge is split by key ranges).  want <= the total.
 * Allocates only on the stack and in `a` (the calling thread's).
 */
bk_status sort_merge_runs(exec_ctx *ctx, bk_arena *a, const sort_layout *l, const sort_run *runs,
                          uint32_t n_runs, size_t want, uint64_t *out, bk_error *err);

#endif
