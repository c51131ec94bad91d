/*
 * exec_int.h — the executor's internal model: workers, sinks, streaming operators.
 * Private to src/engine/exec/.
 *
 * A pipeline is a source, a list of streaming operators and a sink.  Each pool
 * worker that takes part gets an exec_worker holding its arenas and one local
 * state per operator and for the sink, so the hot path takes no lock.
 */
#ifndef BRICKS_ENGINE_EXEC_EXEC_INT_H
#define BRICKS_ENGINE_EXEC_EXEC_INT_H

#include <math.h>
#include <string.h>

#include "base/buf.h"
#include "base/hash.h"
#include "engine/exec/exec.h"

typedef struct exec_sink exec_sink;
typedef struct exec_stream exec_stream;

typedef struct exec_worker {
    bk_arena *arena;   /* lives as long as the pipeline: local states */
    bk_arena *scratch; /* reset after every chunk */
    void **op_local;   /* per streaming operator */
    void *sink_local;
    uint64_t morsel; /* order key of the chunk being pushed (source order) */
    bk_buf keybuf;   /* scratch for serialized keys */
} exec_worker;

/* A pipeline breaker: consumes chunks from many workers, then produces a table. */
struct exec_sink {
    exec_node *node;
    exec_ctx *ctx;
    void *state;
    bk_mutex *lock;
    atomic_bool full; /* the sink needs no more input (a reached LIMIT) */
    bk_status (*local_new)(exec_sink *s, exec_worker *w, void **local, bk_error *err);
    bk_status (*consume)(exec_sink *s, exec_worker *w, void *local, const exec_chunk *c,
                         bk_error *err);
    /* Merge a worker's local state into the sink; called once per worker, serially. */
    bk_status (*combine)(exec_sink *s, exec_worker *w, void *local, bk_error *err);
    bk_status (*finish)(exec_sink *s, exec_table **out, bk_error *err);
    void (*destroy)(exec_sink *s); /* may be NULL */
};

/* A streaming operator: one chunk in, one chunk out (possibly empty or larger). */
struct exec_stream {
    exec_node *node;
    exec_ctx *ctx;
    void *state; /* e.g. the join's hash table */
    bk_status (*execute)(exec_stream *op, exec_worker *w, const exec_chunk *in, exec_chunk *out,
                         bk_error *err);
    void (*destroy)(exec_stream *op); /* may be NULL */
};

/* Sinks (op_collect.c, op_agg.c, op_sort.c). */
bk_status exec_collect_sink(exec_ctx *ctx, exec_node *node, exec_sink *s, bk_error *err);
bk_status exec_limit_sink(exec_ctx *ctx, exec_node *node, exec_sink *s, bk_error *err);
bk_status exec_agg_sink(exec_ctx *ctx, exec_node *node, exec_sink *s, bk_error *err);
bk_status exec_sort_sink(exec_ctx *ctx, exec_node *node, exec_sink *s, bk_error *err);
/* op_window.c: window functions (EXEC_NODE_WINDOW) */
bk_status exec_window_sink(exec_ctx *ctx, exec_node *node, exec_sink *s, bk_error *err);

/*
 * Streaming operators (pipeline.c: filter, project; op_join.c: the probe of a
 * hash join over `build`, the materialized build side).
 */
bk_status exec_join_probe(exec_ctx *ctx, exec_node *node, exec_table *build, exec_stream *op,
                          bk_error *err);
/*
 * After the probe: FULL joins' build rows no probe row matched, with NULL probe
 * columns; RIGHT_SEMI's matched and RIGHT_ANTI's unmatched build rows.
 */
bk_status exec_join_build_rows(exec_stream *op, bk_arena *a, exec_chunk *out, bk_error *err);
/* op_expand.c: EXEC_NODE_EXPAND as a streaming operator. */
bk_status exec_expand_stream(exec_ctx *ctx, exec_node *node, exec_stream *op, bk_error *err);

/* GENERATE (op_generate.c): explode & co. as a streaming operator. */
bk_status exec_generate_stream(exec_ctx *ctx, exec_node *node, exec_stream *op, bk_error *err);

/* Materialize `node`'s output (running whatever pipelines it needs). */
bk_status exec_materialize(exec_ctx *ctx, exec_node *node, exec_table **out, bk_error *err);

/* ---- row keys (keys.c): hashing and comparing GROUP BY / join keys ---- */

/*
 * Serialize row `row` of key columns cols[0..n) into `buf` (cleared first): per
 * column a NULL flag, then the value (fixed width, or length + bytes).  Equal
 * keys give equal bytes: -0.0 is written as 0.0 and every NaN the same.  Returns
 * 1, or 0 when a key is NULL and `null_is_key` is false (such rows never join),
 * or -1 when `buf` cannot grow.
 */
int exec_key_serialize(bk_vector *const *cols, uint32_t n, size_t row, bool null_is_key,
                       bk_buf *buf);
/* True when every key type can be serialized (no nested types yet). */
bool exec_key_types_ok(bk_vector *const *cols, uint32_t n);
/*
 * Decode serialized keys back into vectors: keys[g] for g in [0, n_rows) into
 * out[0..n_cols) of `types`, allocated in `a` (string bytes copied).
 */
bk_status exec_key_decode(bk_arena *a, const bk_type *const *types, uint32_t n_cols,
                          const bk_str *keys, size_t n_rows, bk_vector **out, bk_error *err);

/*
 * A double's or float's bits as a key: -0.0 as 0.0 and every NaN as one NaN, so
 * equal SQL values compare and hash alike (Spark groups and joins them so).
 */
static inline uint64_t exec_key_double_bits(double d) {
    if (d == 0) d = 0;
    if (d != d) d = NAN;
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static inline uint32_t exec_key_float_bits(float f) {
    if (f == 0) f = 0;
    if (f != f) f = NAN;
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* The longest string key that exec_key_short_word packs into one word. */
#define EXEC_KEY_SHORT 8

/*
 * The len (<= EXEC_KEY_SHORT) bytes at p as one word, zero-padded, with at most
 * three loads: short string keys (flags, codes) hash and compare as integers.
 * Two strings of one length are equal iff their words are.  Native byte order:
 * only ever compared and hashed within one process.
 */
static inline uint64_t exec_key_short_word(const char *p, size_t len) {
    const unsigned char *u = (const unsigned char *)p;
    if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, u, 4);
        memcpy(&b, u + len - 4, 4); /* overlaps a below 8 bytes: the same bytes again */
        return (uint64_t)a | (uint64_t)b << (8 * (len - 4));
    }
    if (len == 0) return 0;
    return (uint64_t)u[0] | (uint64_t)u[len / 2] << (8 * (len / 2)) | (uint64_t)u[len - 1]
                                                                        << (8 * (len - 1));
}

/* ---- GROUP BY keys (groups.c): a dense numbering of the distinct keys ---- */

typedef struct exec_groups {
    uint32_t n_keys;
    bk_vector *vecs;  /* key columns of every group so far (heap arrays, n = count) */
    bk_vector **keys; /* &vecs[k], to pass as columns */
    size_t count, cap;
    uint64_t *hashes; /* per group: exec_groups_hash of its key */
    uint64_t *slots;  /* open addressing: (hash >> 32) << 32 | (group + 1), or 0: empty */
    size_t mask;      /* number of slots - 1 */
    bk_arena *strings; /* bytes of string keys */
    bool pack;         /* the key types fit one word (short strings, small integers) */
    uint8_t pack_len;  /* when pack: the longest string a packed key holds */
    uint64_t *packed;  /* when pack, per group: its key packed in a word, or all ones */
} exec_groups;

/* An empty table for keys of `types`; string key bytes go to `strings`. */
bk_status exec_groups_init(exec_groups *g, const bk_type *const *types, uint32_t n_keys,
                           bk_arena *strings, bk_error *err);
void exec_groups_destroy(exec_groups *g); /* also of a zeroed or destroyed table */
/*
 * The hashes of rows [0, n) of key columns cols, as this table's keys hash:
 * a key that packs hashes its packed word, others as exec_keys_hash.  When
 * g->pack, packed[0..n) receives the packed words for exec_groups_insert.
 */
void exec_groups_hash(const exec_groups *g, bk_vector *const *cols, size_t n, uint64_t *hash,
                      uint64_t *packed);
/*
 * Find or add the keys of rows rows[0..n) (all rows [0, n) when rows is NULL) of
 * key columns cols, whose hashes (from exec_groups_hash, or a table's `hashes`)
 * are hash[row] and, when g->pack, packed words packed[row] (from the same
 * exec_groups_hash, or a table's `packed`): gid[i] receives row i's group.
 */
bk_status exec_groups_insert(exec_groups *g, bk_vector *const *cols, const uint64_t *hash,
                             const uint64_t *packed, const uint32_t *rows, size_t n,
                             uint32_t *gid, bk_error *err);
/* Bytes the table holds (without string bytes). */
size_t exec_groups_memory(const exec_groups *g);
/* The keys of groups [first, first+n) as new vectors in `a` (strings copied). */
bk_status exec_groups_keys(bk_arena *a, const exec_groups *g, size_t first, size_t n,
                           bk_vector **out, bk_error *err);

/* ---- join keys (key_hash.c): hashed and compared a column at a time ---- */

/*
 * Nested keys (ARRAY, MAP, STRUCT) as BINARY: each nested column of cols[0..n)
 * is replaced by a BINARY vector (in `a`) of its values serialized as keys.c
 * does, equal values giving equal bytes; NULL stays NULL.  Other columns stay.
 */
bk_status exec_keys_flatten(bk_arena *a, bk_vector **cols, uint32_t n, bk_error *err);
/* The inverse for one column: *col (BINARY from exec_keys_flatten) decoded as `type`. */
bk_status exec_keys_unflatten(bk_arena *a, const bk_type *type, bk_vector **col, bk_error *err);
/*
 * Hash rows [0, n) of key columns cols[0..n_keys) into hash[0..n).  Equal keys
 * hash alike (doubles normalized, NULL a fixed value).  has_null (may be NULL)
 * receives 1 for the rows with a NULL key, 0 for the others.
 */
void exec_keys_hash(bk_vector *const *cols, uint32_t n_keys, size_t n, uint64_t *hash,
                    uint8_t *has_null);
/*
 * The same for rows [first, first+n) of the columns, into hash[0..n) and
 * has_null[0..n): parallel tasks hash disjoint row ranges of one column set.
 */
void exec_keys_hash_rows(bk_vector *const *cols, uint32_t n_keys, size_t first, size_t n,
                         uint64_t *hash, uint8_t *has_null);
/*
 * Keep the candidate pairs (a_rows[i], b_rows[i]) whose keys are equal (a NULL
 * equals a NULL only when null_safe): compacts both arrays in place, in order,
 * and returns how many remain.  Both sides' key columns have the same types.
 */
size_t exec_keys_equal_filter(bk_vector *const *a_cols, bk_vector *const *b_cols,
                              uint32_t n_keys, bool null_safe, uint32_t *a_rows,
                              uint32_t *b_rows, size_t n);

/*
 * Runtime join filters (join_filter.c).  exec_join_filter_push: when `join` drops
 * probe rows without a partner and its first probe key is a scan's integer-like
 * column, that scan gets `key IN (the build keys)` until exec_join_filter_pop.  It
 * returns the filter, or NULL when none was pushed (also when the memory limit had
 * no room for one: the join drops the same rows).  exec_scan_predicates: a scan's
 * predicates with the filters in force for it (the planner's `preds` when none).
 */
typedef struct exec_rt_filter exec_rt_filter;
struct pq_predicate;
exec_rt_filter *exec_join_filter_push(exec_ctx *ctx, const exec_node *join,
                                      const exec_table *build);
void exec_join_filter_pop(exec_ctx *ctx, exec_rt_filter *pushed);
bk_status exec_scan_predicates(exec_ctx *ctx, const exec_node *scan,
                               const struct pq_predicate *preds, uint32_t n_preds,
                               const struct pq_predicate **out, uint32_t *n_out, bk_error *err);

#endif
