/*
 * parquet.h — reading and writing Parquet files: the interface for other layers.
 *
 * Reading:
 *     pq_reader *r;  pq_reader_open(path, NULL, &r, &err);
 *     pq_reader_schema(r)                  the file as a STRUCT type (one field per column)
 *     pq_reader_read_row_group(r, a, rg, fields, n, cols, &err)   decode into vectors
 *     pq_scan(r, &opts, callback, ctx, &err)   projection + pruning + parallel row groups
 *     pq_reader_close(r);
 *
 * Writing:
 *     pq_writer *w;  pq_writer_open(path, schema, &opts, &w, &err);
 *     pq_writer_write(w, cols, n_rows, &err);   ... as often as needed
 *     pq_writer_close(w, &err);                 footer, fsync, close
 *
 * Parquet logical types map to bk_types as Spark reads them: STRING/ENUM/JSON ->
 * STRING; BSON, UUID, plain BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY -> BINARY;
 * INTEGER(8/16/32/64, signed) -> TINYINT/SMALLINT/INT/BIGINT; unsigned 8/16/32 ->
 * the next wider signed type, unsigned 64 -> DECIMAL(20,0); DECIMAL(p,s) ->
 * DECIMAL(p,s); DATE -> DATE; TIMESTAMP(utc=true) and INT96 -> TIMESTAMP;
 * TIMESTAMP(utc=false) -> TIMESTAMP_NTZ (millis/micros/nanos all become µs, nanos
 * truncated toward negative infinity); TIME -> TIME (µs); FLOAT16 -> FLOAT;
 * UNKNOWN/NULL -> VOID; LIST -> ARRAY; MAP -> MAP; other groups -> STRUCT; a
 * repeated field outside a LIST (legacy layouts) -> ARRAY of it.
 *
 * A pq_reader may be used by several threads at once for different row groups
 * (pq_scan does that); each call gets its own arena.
 */
#ifndef BRICKS_PARQUET_PARQUET_H
#define BRICKS_PARQUET_PARQUET_H

#include "base/arena.h"
#include "base/error.h"
#include "base/thread.h"
#include "base/types.h"
#include "base/vector.h"
#include "base/wordset.h"
#include "parquet/meta.h"

typedef struct pq_reader pq_reader;

typedef struct pq_reader_opts {
    bool skip_checksums;   /* do not verify page CRCs (default: verify when present) */
    size_t max_page_bytes; /* refuse pages larger than this uncompressed (0 = 1 GiB) */
} pq_reader_opts;

/*
 * Open a file and decode its footer.  The file is memory-mapped (read-only).
 * Errors: BK_IO (cannot open/read), BK_CORRUPT (not Parquet, bad footer),
 * BK_UNSUPPORTED (encrypted footer).  Close with pq_reader_close.
 */
bk_status pq_reader_open(const char *path, const pq_reader_opts *opts, pq_reader **out,
                         bk_error *err);
/* Same over bytes in memory; `name` is used in messages; `data` must outlive the reader. */
bk_status pq_reader_open_memory(const uint8_t *data, size_t len, const char *name,
                                const pq_reader_opts *opts, pq_reader **out, bk_error *err);
void pq_reader_close(pq_reader *r);

const pq_file_meta *pq_reader_meta(const pq_reader *r);
/* The whole file schema as a STRUCT: one field per top-level column. */
const bk_type *pq_reader_schema(const pq_reader *r);
int64_t pq_reader_num_rows(const pq_reader *r);
uint32_t pq_reader_num_row_groups(const pq_reader *r);
const char *pq_reader_name(const pq_reader *r);

/*
 * Decode top-level fields `fields[0..n_fields)` (indexes into the schema struct) of
 * row group `rg` into `out[0..n_fields)`, each with the row group's row count.  All
 * memory comes from `a`.  Errors name the file, column, row group and page.
 */
bk_status pq_reader_read_row_group(pq_reader *r, bk_arena *a, uint32_t rg, const uint32_t *fields,
                                   uint32_t n_fields, bk_vector **out, bk_error *err);

/* ---- scans: projection, predicate pruning, parallel row groups ---- */

typedef enum pq_pred_op {
    PQ_PRED_EQ,
    PQ_PRED_LT,
    PQ_PRED_LE,
    PQ_PRED_GT,
    PQ_PRED_GE,
    PQ_PRED_IN,
    PQ_PRED_IS_NULL,
    PQ_PRED_IS_NOT_NULL
} pq_pred_op;

/*
 * `field <op> values` on a top-level primitive field.  `values` is a vector of the
 * field's own type: one row for comparisons, any number for IN, none for the NULL
 * tests.  Comparisons follow Spark's order (NaN equal to NaN and above every
 * number; -0.0 == 0.0; strings and binary bytewise unsigned); a comparison with a
 * NULL value is not true.  pq_scan skips row groups by statistics and pages by the
 * column index, and drops the rows of projected fields that fail a predicate it
 * can evaluate (scan_filter.c); rows that do not match may still be returned, so
 * the caller filters again.  An IN over integer-like values (integers, dates,
 * timestamps, 18-digit decimals) may carry `set`, the same values as words
 * sign-extended to 64 bits, which rows are then probed against.
 */
typedef struct pq_predicate {
    uint32_t field;
    pq_pred_op op;
    const bk_vector *values;
    const bk_wordset *set; /* IN only, optional */
} pq_predicate;

/*
 * What late materialization (scan.c) has seen so far: rows in, rows that passed,
 * row groups.  The scan stops evaluating predicates itself once enough row groups
 * show that they drop too few rows.  A caller that splits one logical scan over
 * many files (a Delta table) shares one of these among the files' pq_scans, so
 * the decision is taken over the table and not again for every small file.
 * Initialise with pq_late_stats_init; pq_scan updates it atomically.
 */
typedef struct pq_late_stats {
    _Atomic uint64_t rows_in, rows_out;
    _Atomic uint32_t groups;
} pq_late_stats;

void pq_late_stats_init(pq_late_stats *l);

typedef struct pq_scan_opts {
    const uint32_t *fields; /* projection: top-level field indexes; NULL = all */
    uint32_t n_fields;
    const pq_predicate *preds; /* conjunction; may be NULL */
    uint32_t n_preds;
    bk_pool *pool;       /* NULL = decode on the calling thread */
    pq_late_stats *late; /* shared with other scans; NULL = this scan's own */
} pq_scan_opts;

/*
 * Called once per surviving row group (or part of one, after page skipping), from
 * any pool thread, with the projected vectors (in the order of opts->fields) living
 * in `a`, which is reset after the callback returns.  Calls may run concurrently.
 * A non-OK return stops the scan and is returned by pq_scan.
 */
typedef bk_status (*pq_scan_fn)(void *ctx, uint32_t row_group, bk_arena *a, bk_vector **cols,
                                size_t n_rows, bk_error *err);

/* Statistics of a scan, for EXPLAIN and tests. */
typedef struct pq_scan_stats {
    uint32_t row_groups_total, row_groups_skipped;
    uint64_t pages_total, pages_skipped;
    uint64_t rows_returned;
    uint64_t rows_filtered; /* decoded, then dropped by the predicates */
    uint64_t decode_ns;     /* time spent reading row groups, summed over the threads */
} pq_scan_stats;

bk_status pq_scan(pq_reader *r, const pq_scan_opts *opts, pq_scan_fn fn, void *ctx,
                  pq_scan_stats *stats, bk_error *err);

/* ---- writing ---- */

typedef struct pq_writer pq_writer;

/*
 * Parquet field ids to write (SchemaElement.field_id; Delta column mapping "id"),
 * a tree shaped like the schema: the root and every STRUCT node have one child per
 * field, an ARRAY node one (the element), a MAP node two (key, value).  Nodes
 * without has_id write no id; a NULL tree writes none.
 */
typedef struct pq_field_ids {
    bool has_id;
    int32_t id;
    uint32_t n_children;
    const struct pq_field_ids *children;
} pq_field_ids;

typedef struct pq_writer_opts {
    pq_codec codec;                /* taken literally; pq_writer_opts_default sets SNAPPY */
    int compression_level;         /* 0 = codec default */
    int64_t row_group_rows;        /* flush a row group after this many rows (default 1,048,576) */
    size_t row_group_bytes;        /* ... or this many buffered bytes (default 128 MiB) */
    size_t page_bytes;             /* target uncompressed data page size (default 1 MiB) */
    size_t page_rows;              /* at most this many rows per page (default 20,000) */
    bool no_dictionary;            /* never dictionary-encode */
    size_t dictionary_bytes;       /* fall back to PLAIN beyond this dictionary size (1 MiB) */
    bool no_statistics;            /* omit min/max/null_count */
    bool no_page_index;            /* omit ColumnIndex/OffsetIndex */
    bool no_checksums;             /* omit page CRCs */
    bool data_page_v2;             /* write DATA_PAGE_V2 instead of v1 */
    const pq_field_ids *field_ids; /* NULL: no field ids */
    const pq_key_value *key_value; /* footer key-value metadata */
    uint32_t n_key_value;
    bk_pool *pool; /* shred and encode top-level columns in parallel (NULL = this thread) */
} pq_writer_opts;

void pq_writer_opts_default(pq_writer_opts *o);

/*
 * Create `path` (truncating) for rows of `schema`, a STRUCT whose fields become the
 * columns (field_nullable false -> REQUIRED).  Every type in types.h except VOID
 * and TIME may appear, nested to any depth.  Close with pq_writer_close, or
 * pq_writer_abort to give up (the partial file is removed).
 */
bk_status pq_writer_open(const char *path, const bk_type *schema, const pq_writer_opts *opts,
                         pq_writer **out, bk_error *err);

/*
 * Append n_rows rows: cols[k] holds field k, each with at least n_rows rows.
 * Values are copied; the caller may reuse the vectors at once.  A NULL in a
 * REQUIRED field is BK_INVALID_ARGUMENT naming the field.
 */
bk_status pq_writer_write(pq_writer *w, bk_vector *const *cols, size_t n_rows, bk_error *err);

/* Flush, write the footer, fsync and close; frees w whatever the outcome. */
bk_status pq_writer_close(pq_writer *w, bk_error *err);
void pq_writer_abort(pq_writer *w);

#endif
