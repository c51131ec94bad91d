/*
 * writer_int.h — private to the Parquet writer (writer.c, write_schema.c,
 * write_column.c, write_dict.c, write_stats.c).
 *
 * The writer's pipeline, for each pq_writer_write call:
 *
 *     bk_vectors ──shred──> per-leaf levels + values ──page──> encoded pages
 *                (write_column.c)     (pending)     (write_column.c)  (chunk buffer)
 *
 *   1. write_schema.c turned the bk_type schema into Parquet SchemaElements and one
 *      pq_wr_leaf_desc per leaf column: its physical type, its max definition and
 *      repetition levels, and the "path program" (pq_wr_step list) that walks from
 *      the top-level vector down to the leaf's values.
 *   2. Shredding runs that program over a batch of rows and yields the Dremel levels
 *      plus the non-null values.  Values are converted to the physical type and
 *      either inserted into the column chunk's dictionary (write_dict.c; only the
 *      indices are kept) or appended PLAIN-encoded.
 *   3. When a leaf's pending data reaches page_rows or page_bytes, it becomes a
 *      page: levels RLE-encoded, values encoded, body compressed, checksummed, and
 *      appended (header + body) to the leaf's chunk buffer.  Page statistics go to
 *      the page list (write_stats.c) for the chunk statistics and the ColumnIndex.
 *   4. A full row group is written out leaf by leaf: dictionary page first, then the
 *      buffered data pages.  Page indexes are encoded at that point and kept until
 *      close, when they go after the last row group and before the footer.
 *
 * So memory holds, per leaf, one page of raw levels/values and one row group of
 * encoded pages, never raw rows.
 *
 * Invariants:
 *   pages always start at a row boundary (batches hold whole rows);
 *   leaf.n_levels == number of def (or rep) entries pending; values pending ==
 *     leaf.n_values <= leaf.n_levels;
 *   in dictionary mode, every pending index < dict.n.
 */
#ifndef BRICKS_PARQUET_WRITER_INT_H
#define BRICKS_PARQUET_WRITER_INT_H

#include <stdio.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/thread.h"
#include "base/types.h"
#include "base/vector.h"
#include "parquet/meta.h"
#include "parquet/parquet.h"

/* Rows shredded at a time; pages and dictionary fallback are decided per batch. */
#define PQ_WR_BATCH_ROWS 2048
/* Rows handed to the per-column workers at a time (row_group_bytes is checked after). */
#define PQ_WR_SEGMENT_ROWS 65536
/* Byte-array min/max in the ColumnIndex longer than this are truncated. */
#define PQ_WR_INDEX_TRUNCATE 64
/* Byte-array chunk statistics longer than this are truncated to PQ_WR_INDEX_TRUNCATE. */
#define PQ_WR_STATS_MAX_EXACT 4096

/* ---- schema: leaf descriptors and path programs (write_schema.c) ---- */

/* How a value goes from the vector layout (types.h) to the Parquet physical type. */
typedef enum pq_wr_vkind {
    PQ_WR_V_BOOL,       /* uint8 0/1      -> BOOLEAN */
    PQ_WR_V_I8,         /* int8           -> INT32 */
    PQ_WR_V_I16,        /* int16          -> INT32 */
    PQ_WR_V_I32,        /* int32          -> INT32 (INT, DATE) */
    PQ_WR_V_I64_TO_I32, /* int64 unscaled -> INT32 (DECIMAL p <= 9) */
    PQ_WR_V_I64,        /* int64          -> INT64 (BIGINT, TIMESTAMP*, DECIMAL p <= 18) */
    PQ_WR_V_F32,        /* float          -> FLOAT */
    PQ_WR_V_F64,        /* double         -> DOUBLE */
    PQ_WR_V_STR,        /* bk_str         -> BYTE_ARRAY (STRING, BINARY) */
    PQ_WR_V_I128_FLBA   /* bk_i128        -> FIXED_LEN_BYTE_ARRAY, big-endian (DECIMAL p > 18) */
} pq_wr_vkind;

/* The sort order of a leaf's statistics (TYPE_ORDER as the format defines it per type). */
typedef enum pq_wr_order {
    PQ_WR_ORD_BOOL, /* false < true */
    PQ_WR_ORD_I32,  /* signed */
    PQ_WR_ORD_I64,  /* signed */
    PQ_WR_ORD_F32,  /* IEEE, NaN ignored, -0.0 min / +0.0 max */
    PQ_WR_ORD_F64,
    PQ_WR_ORD_BYTES,      /* unsigned bytewise, shorter prefix first */
    PQ_WR_ORD_FLBA_SIGNED /* big-endian two's complement of a fixed width (decimals) */
} pq_wr_order;

/*
 * One instruction of a leaf's path program, applied to a batch of "slots" (one per
 * level entry being built), each holding a row index into the current vector and
 * the definition and repetition levels reached so far.  A slot whose def is below
 * the current node's def is finished (a NULL or an empty list higher up) and is
 * carried through unchanged.
 */
typedef enum pq_wr_op {
    PQ_WR_NULLCHK, /* optional node: live slots whose row is NULL stop here; others def = .def */
    PQ_WR_REQCHK,  /* required node: a NULL here is an error (validation pass only) */
    PQ_WR_FIELD,   /* STRUCT: move to children[.child] (same row) */
    PQ_WR_REPEAT   /* ARRAY/MAP: expand each live row into its child rows [off[i], off[i+1]) in
                      children[.child]; def = .def, rep = .rep for all but the first; an empty
                      list stops the slot */
} pq_wr_op;

typedef struct pq_wr_step {
    uint8_t op;             /* pq_wr_op */
    uint16_t def;           /* NULLCHK, REPEAT: the def level of live slots after the step */
    uint16_t rep;           /* REPEAT: the rep level of the second and later children */
    uint32_t child;         /* FIELD, REPEAT: child vector index */
    const char *field_path; /* REQCHK: dotted name for the error message */
} pq_wr_step;

typedef struct pq_wr_leaf_desc {
    uint32_t column;    /* top-level field it belongs to */
    const char *dotted; /* "a.list.element.b", for messages */
    const char **path;  /* path_in_schema */
    uint32_t n_path;
    pq_physical physical;
    int32_t type_length; /* FIXED_LEN_BYTE_ARRAY width, else 0 */
    pq_wr_vkind vkind;
    pq_wr_order order;
    size_t width; /* bytes per physical value (0 for BYTE_ARRAY, 1 for BOOLEAN) */
    uint16_t max_def, max_rep;
    bool has_reqchk; /* the path has REQCHK steps (validation needed) */
    uint32_t n_steps;
    pq_wr_step *steps;
} pq_wr_leaf_desc;

typedef struct pq_wr_schema {
    uint32_t n_elements;
    pq_schema_element *elements; /* depth-first, root first */
    uint32_t n_leaves;
    pq_wr_leaf_desc *leaves; /* in schema (depth-first) order */
    uint32_t n_columns;      /* top-level fields */
    uint32_t *first_leaf;    /* n_columns + 1 entries: leaves of column k are
                                    [first_leaf[k], first_leaf[k+1]) */
} pq_wr_schema;

/*
 * Build the Parquet schema for `schema` (a STRUCT) in `a`, with the field ids of
 * `ids` (may be NULL).  BK_UNSUPPORTED naming
 * the field for VOID or TIME; BK_INVALID_ARGUMENT for a non-STRUCT schema or a
 * nesting too deep for 16-bit levels.
 */
bk_status pq_wr_schema_build(bk_arena *a, const char *file, const bk_type *schema,
                             const pq_field_ids *ids, pq_wr_schema *out, bk_error *err);

/* ---- dictionary (write_dict.c) ---- */

/*
 * A column chunk's dictionary: distinct values in insertion order, kept directly
 * in their PLAIN encoding (`plain` is the dictionary page body), plus an open-
 * addressing hash table from value to index.  Specialised by width: 4- and 8-byte
 * values are hashed as integers with the key stored in the table; byte arrays and
 * fixed-length byte arrays store a hash and compare bytes on a match.
 */
typedef struct pq_wr_dict {
    pq_physical physical;
    size_t width; /* fixed value width; 0 for BYTE_ARRAY */
    uint32_t n;   /* entries */
    bk_buf plain; /* PLAIN encoding of entries 0..n-1 */
    size_t *offs; /* BYTE_ARRAY: offset in `plain` of entry i's 4-byte length */
    size_t offs_cap;
    uint32_t *slot_idx; /* entry index + 1; 0 = empty slot */
    uint64_t *slot_key; /* 4/8-byte values: the value bits; else the hash */
    uint32_t mask;      /* table capacity - 1 (0 before the first insert) */
} pq_wr_dict;

void pq_wr_dict_init(pq_wr_dict *d, pq_physical physical, size_t width);
void pq_wr_dict_destroy(pq_wr_dict *d);
/* Forget every entry (keeps the memory). */
void pq_wr_dict_reset(pq_wr_dict *d);
/*
 * Insert n values and write their indices to out[0..n).  `values` is uint32_t[n]
 * (INT32, FLOAT bits), uint64_t[n] (INT64, DOUBLE bits), bk_str[n] (BYTE_ARRAY) or
 * n * width bytes (FIXED_LEN_BYTE_ARRAY).  BK_OUT_OF_MEMORY only (err untouched).
 */
bk_status pq_wr_dict_insert(pq_wr_dict *d, const void *values, size_t n, uint32_t *out);
/* PLAIN size of the dictionary page body. */
static inline size_t pq_wr_dict_bytes(const pq_wr_dict *d) { return d->plain.len; }

/* ---- statistics (write_stats.c) ---- */

/* Min/max as PLAIN-encoded bytes without length prefix (statistics encoding). */
typedef struct pq_wr_minmax {
    bool has;                 /* false: no non-null, non-NaN value */
    bool has_nan;             /* FLOAT/DOUBLE: some value is NaN */
    const uint8_t *min, *max; /* views valid until the source data changes */
    size_t min_len, max_len;
    uint8_t min_buf[16], max_buf[16]; /* storage for fixed-width results */
} pq_wr_minmax;

/*
 * Min/max of n fixed-width values (width 1 BOOLEAN byte, 4, 8, or FLBA width) at
 * `base`, taking value sel[i] if `sel` is non-NULL, else value i.
 */
void pq_wr_minmax_fixed(pq_wr_order ord, const uint8_t *base, size_t width, const uint32_t *sel,
                        size_t n, pq_wr_minmax *out);
/*
 * Min/max of n byte arrays stored PLAIN in `base` (4-byte LE length + bytes);
 * value i's length prefix is at base + offs[sel ? sel[i] : i].
 */
void pq_wr_minmax_var(const uint8_t *base, const size_t *offs, const uint32_t *sel, size_t n,
                      pq_wr_minmax *out);
/* Compare two statistics values of order `ord` (<0, 0, >0). */
int pq_wr_stat_cmp(pq_wr_order ord, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/*
 * Bounds for a byte-array value cut to at most `limit` bytes, on a UTF-8 character
 * boundary: the min is a prefix; the max is a prefix whose last ASCII byte (< 0x7F)
 * is incremented, later bytes dropped, written to `buf` (limit bytes).  Both return
 * false, leaving the value whole, when it is short enough or (max) no such byte
 * exists; *out_len is the new length.
 */
bool pq_wr_truncate_min(const uint8_t *v, size_t len, size_t limit, size_t *out_len);
bool pq_wr_truncate_max(const uint8_t *v, size_t len, size_t limit, uint8_t *buf, size_t *out_len);

/* One data page, as the page index and chunk statistics need it. */
typedef struct pq_wr_page {
    int64_t offset;     /* of the page header, from the start of the leaf's data pages */
    int32_t size;       /* header + body as stored */
    int64_t first_row;  /* within the row group */
    int64_t null_count; /* level entries without a value */
    int64_t n_values;   /* non-null values */
    bool has_minmax;    /* min/max below (false for null pages and all-NaN pages) */
    pq_bytes min, max;  /* ColumnIndex bounds (byte arrays truncated), in the page arena */
} pq_wr_page;

/* Running statistics of a column chunk. */
typedef struct pq_wr_chunk_stats {
    int64_t null_count;
    bool has_minmax;
    bool has_nan;    /* a page held NaN: no min/max for the chunk, no ColumnIndex */
    bk_buf min, max; /* full values */
} pq_wr_chunk_stats;

/* Fold one page's min/max into the chunk; BK_OUT_OF_MEMORY only. */
bk_status pq_wr_chunk_stats_add(pq_wr_chunk_stats *cs, pq_wr_order ord, const pq_wr_minmax *mm);
/*
 * Fill `st` for the footer from the chunk statistics; byte strings are copied into
 * `a`.  BK_OUT_OF_MEMORY only.
 */
bk_status pq_wr_chunk_stats_finish(bk_arena *a, const pq_wr_chunk_stats *cs, pq_wr_order ord,
                                   pq_statistics *st);
/*
 * Encode the ColumnIndex of `n` pages to `out`; *written false (nothing appended)
 * when some non-null page has no min/max, which makes an index impossible.
 */
bk_status pq_wr_column_index_encode(const pq_wr_page *pages, uint32_t n, pq_wr_order ord,
                                    bk_buf *out, bool *written);

/* ---- column state (write_column.c) ---- */

/* A growable typed array on the heap. */
typedef struct pq_wr_array {
    void *data;
    size_t len, cap; /* in elements */
} pq_wr_array;

/* Per-leaf writer state: the pending page, the chunk's pages, dictionary, statistics. */
typedef struct pq_wr_leaf {
    const pq_wr_leaf_desc *desc;

    /* pending page */
    pq_wr_array def, rep;   /* uint16_t levels (only when max_def / max_rep > 0) */
    size_t n_levels;        /* level entries pending */
    size_t n_values;        /* non-null values pending */
    int64_t n_rows;         /* rows pending */
    pq_wr_array idx;        /* dictionary mode: uint32_t indices */
    bk_buf plain;           /* PLAIN mode: encoded values (BOOLEAN: one byte per value) */
    pq_wr_array plain_offs; /* PLAIN mode, BYTE_ARRAY: size_t offset of each value */
    bool dict_mode;         /* values go to the dictionary */

    /* column chunk of the current row group */
    pq_wr_dict dict;
    bool dict_used; /* some page is RLE_DICTIONARY */
    int n_plain_pages, n_dict_pages;
    bk_buf pages;          /* encoded data pages (headers + bodies) */
    pq_wr_array page_list; /* pq_wr_page */
    bk_arena *page_arena;  /* min/max bytes of page_list; reset per row group */
    pq_wr_chunk_stats stats;
    int64_t chunk_levels; /* num_values of the chunk */
    int64_t chunk_rows;
    int64_t uncompressed; /* sum of header + uncompressed body sizes of data pages */
    uint32_t page_serial; /* for unique-index marks */
    pq_wr_array marks;    /* uint32_t per dictionary entry: last page that used it */
} pq_wr_leaf;

/* Scratch buffers of one top-level column's worker (one per column: thread-safe). */
typedef struct pq_wr_scratch {
    pq_wr_array def[2], rep[2], row[2]; /* slot arrays, ping-pong (uint16, uint16, int64) */
    pq_wr_array sel;                    /* uint32 unique dictionary indices of a page */
    pq_wr_array gsel;                   /* int64 rows whose values are gathered */
    pq_wr_array vals;                   /* gathered physical values */
    bk_buf body, comp;                  /* page building */
} pq_wr_scratch;

/* Options with defaults applied, plus what the column code needs of the writer. */
typedef struct pq_wr_ctx {
    const char *path;
    pq_writer_opts opts;
} pq_wr_ctx;

void pq_wr_leaf_init(pq_wr_leaf *l, const pq_wr_leaf_desc *desc, const pq_writer_opts *o);
void pq_wr_leaf_destroy(pq_wr_leaf *l);
void pq_wr_scratch_destroy(pq_wr_scratch *s);

/*
 * Shred rows [r0, r1) of top-level vector `vec` into the leaves of its column
 * (leaves[0..n_leaves)), cutting pages as they fill.  Errors name the file and
 * column (BK_OUT_OF_MEMORY, codec failures, BK_LIMIT_EXCEEDED for a page with more
 * than 2^31 level entries).  Thread-safe across columns.
 */
bk_status pq_wr_shred_column(const pq_wr_ctx *ctx, pq_wr_leaf *leaves, uint32_t n_leaves,
                             pq_wr_scratch *s, const bk_vector *vec, size_t r0, size_t r1,
                             bk_error *err);
/* Turn whatever is pending in the leaf into a page (no-op when nothing is). */
bk_status pq_wr_finish_page(const pq_wr_ctx *ctx, pq_wr_leaf *l, pq_wr_scratch *s, bk_error *err);
/* Bytes this leaf holds for the current row group (encoded pages + dict + pending). */
size_t pq_wr_leaf_buffered(const pq_wr_leaf *l);
/* Forget the column chunk after it was written; ready for the next row group. */
void pq_wr_leaf_reset_chunk(pq_wr_leaf *l, const pq_writer_opts *o);
/*
 * Check that no reachable row of a REQUIRED node is NULL in rows [0, n) of `vec`,
 * for the leaf's path.  BK_INVALID_ARGUMENT naming the field otherwise.
 */
bk_status pq_wr_check_required(const pq_wr_ctx *ctx, const pq_wr_leaf_desc *d, pq_wr_scratch *s,
                               const bk_vector *vec, size_t n, bk_error *err);

/* Growable arrays: make room for `extra` more elements of `size` bytes. */
bk_status pq_wr_array_reserve(pq_wr_array *arr, size_t extra, size_t size);
void pq_wr_array_free(pq_wr_array *arr);

#endif
