/*
 * join_table.h — the hash join's build-side table (join_build.c), shared with
 * its probe (op_join.c).  Private to src/engine/exec/.
 *
 * The table is one array of buckets indexed by the top `bits` bits of the key
 * hash, stored compactly (CSR): the entries of a bucket lie side by side, in
 * build order, between offsets[slot] and offsets[slot + 1].  An entry is a
 * 32-bit tag (the hash's high half, whose top bits are the slot) and the
 * build row, so a probe reads one offset pair and then only its bucket's
 * entries, rejecting most mismatches by the tag's other bits.  The build
 * radix-partitions the rows by the top `part_bits` of the slot, so each
 * partition owns a contiguous run of buckets and entries and is built by one
 * task, within the cache.
 *
 *   tag  = hash >> 32,  slot = tag >> (32 - bits)
 *   rows = entries[offsets[slot] .. offsets[slot + 1]) with that tag
 */
#ifndef BRICKS_ENGINE_EXEC_JOIN_TABLE_H
#define BRICKS_ENGINE_EXEC_JOIN_TABLE_H

#include "engine/exec/exec_int.h"

typedef struct exec_hj_entry {
    uint32_t tag; /* hash >> 32 */
    uint32_t row; /* the build row */
} exec_hj_entry;

typedef struct exec_hj_table {
    exec_hj_entry *entries; /* n_entries: by bucket, then build row */
    uint32_t *offsets;      /* (1 << bits) + 1 entry indices: bucket starts, then the end */
    uint32_t bits;          /* log2 of the bucket count, in [1, 32] */
    uint32_t part_bits;     /* log2 of the partition count of the build, <= bits */
    size_t n_entries;       /* build rows in the table (NULL keys left out) */
} exec_hj_table;

/*
 * Hash rows [0, n) of the build key columns keys[0..n_keys) (already
 * flattened) and build the table, on ctx->pool when the build is large.  Rows
 * with a NULL key are left out unless null_safe.  The table lives in the query
 * arena (scratch in a child arena, freed before returning): past the query's
 * memory limit this fails with OUT_OF_MEMORY.
 */
bk_status exec_hj_build(exec_ctx *ctx, bk_vector *const *keys, uint32_t n_keys, size_t n,
                        bool null_safe, exec_hj_table *t, bk_error *err);

/* The offsets[] slot of a tag's bucket (bits may be 32: shift in 64 bits). */
static inline uint32_t exec_hj_tag_slot(const exec_hj_table *t, uint32_t tag) {
    return (uint32_t)((uint64_t)tag >> (32 - t->bits));
}

#endif
