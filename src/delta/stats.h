/*
 * stats.h — per-file statistics (PROTOCOL.md "Per-file Statistics").
 *
 * An add action's `stats` is a JSON string {numRecords, tightBounds, minValues,
 * maxValues, nullCount} whose min/max/nullCount objects nest like the schema and
 * use physical names under column mapping.  For data skipping Bricks keeps the
 * bounds of top-level primitive columns; nested values are ignored.  Timestamps
 * are ISO-8601 strings truncated to milliseconds (so a max bound is widened by
 * 999 µs), strings may be truncated prefixes: Spark appends a tie-breaker
 * character (U+007F or U+10FFFF) to a cut max so that it stays an upper bound;
 * a max of 32 or more characters without one may have been cut by another
 * writer and is kept as a prefix bound (max_is_prefix).
 *
 * Skipping (delta_stats_may_match) also serves partition pruning: the caller
 * puts the partition value in min and max, and null_count 0, or
 * DELTA_STATS_ALL_NULL when the value is NULL (the number of rows need not be
 * known).
 */
#ifndef BRICKS_DELTA_STATS_H
#define BRICKS_DELTA_STATS_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/vector.h"
#include "delta/schema.h"
#include "parquet/parquet.h"

/* A null_count meaning "every row of the column is NULL", however many rows there are. */
#define DELTA_STATS_ALL_NULL (-2)

typedef struct delta_file_stats {
    bool has_num_records;
    int64_t num_records;
    bool tight_bounds;      /* absent in the JSON means true */
    uint32_t n_columns;     /* == schema->n_fields */
    bk_vector **min, **max; /* per top-level column: a 1-row vector of its type, or NULL */
    int64_t *null_count;    /* per top-level column, -1 when unknown, or DELTA_STATS_ALL_NULL */
    /*
     * Per top-level column (may be NULL: all false): max[i] is a STRING prefix P
     * that may have been cut from the real maximum, so every value v satisfies
     * v <= P or v starts with P.
     */
    bool *max_is_prefix;
} delta_file_stats;

/*
 * Statistics for n_columns columns that know nothing: no numRecords, tight
 * bounds, no min/max, every null_count -1.  Arrays in `a`; BK_OUT_OF_MEMORY.
 */
bk_status delta_stats_init(bk_arena *a, uint32_t n_columns, delta_file_stats *out, bk_error *err);

/*
 * Parse a stats JSON string against the table schema (`by_physical_name`: look up
 * columns by their physical names, as under column mapping).  Values that do not
 * parse for their column are dropped (stats only ever help skip); malformed JSON
 * is BK_CORRUPT naming the file path.  Everything lives in `a` (`json` may go).
 *
 * Numbers are read from their text, so DECIMAL(38) and BIGINT bounds are exact
 * (a bound with more digits than the column holds is rounded outward); float
 * bounds are "NaN"/"Infinity" strings or numbers; dates "YYYY-MM-DD"; timestamps
 * ISO-8601 with or without a zone (none: UTC).  BOOLEAN, BINARY and nested
 * values are not kept.
 */
bk_status delta_stats_parse(bk_arena *a, const delta_schema *schema, bool by_physical_name,
                            const char *json, const char *path, delta_file_stats *out,
                            bk_error *err);

/*
 * The statistics of row `row` of a checkpoint's add.stats_parsed column: a
 * STRUCT vector with children numRecords, minValues, maxValues, nullCount (and
 * tightBounds), found by name; minValues/maxValues/nullCount are structs keyed
 * like the JSON form.  A bound whose type differs from the column's is converted
 * when that is exact (narrower integers, FLOAT to DOUBLE, decimals of the same
 * scale), else dropped.  A NULL row gives statistics that know nothing.  Values
 * are copied into `a`.  BK_OUT_OF_MEMORY only.
 */
bk_status delta_stats_from_struct(bk_arena *a, const delta_schema *schema, bool by_physical_name,
                                  const bk_vector *stats_parsed, uint32_t row,
                                  delta_file_stats *out, bk_error *err);

/*
 * False only when the statistics prove that no row of the file satisfies the
 * conjunction preds[0..n_preds) (field = top-level column index; values of the
 * column's type).  Uses: no rows at all (numRecords 0); a column whose rows are
 * all NULL (null_count == numRecords or DELTA_STATS_ALL_NULL: no comparison and
 * no IS NOT NULL matches; the protocol makes this hold for wide bounds too); no
 * NULLs (null_count 0: IS NULL cannot match); min/max against the literals of
 * =, <, <=, >, >= and IN.  A NULL literal matches nothing.  Floats order NaN
 * above everything (Spark), -0.0 equal to 0.0.  Anything it cannot judge (types
 * that differ, unknown bounds) may match.  Thread-safe; allocates nothing.
 */
bool delta_stats_may_match(const delta_file_stats *st, const pq_predicate *preds, uint32_t n_preds);

/*
 * Write stats JSON for the given per-column vectors (the rows of one data file):
 * numRecords, and min/max/nullCount for the first `max_indexed_cols` leaf
 * columns (-1 = all) in schema order, counting the fields of structs one by one
 * as Delta does (delta.dataSkippingNumIndexedCols, default 32).  cols[k] holds
 * top-level field k with at least n_rows rows, or is NULL for a column the file
 * does not store (a partition column): it gets no statistics and is not counted.
 * min/max are written for numbers, dates, timestamps and strings (not BOOLEAN,
 * BINARY, ARRAY, MAP; structs recurse); nullCount for every indexed column, a
 * struct's fields counting the rows where the struct itself is NULL.  Strings are
 * cut to 32 characters (the max then ends in a tie-breaker, as Spark's does, or
 * is left out when none fits), timestamps written with milliseconds (min rounded
 * down, max up; TIMESTAMP with "Z", TIMESTAMP_NTZ without), decimals as JSON
 * numbers, dates "YYYY-MM-DD".  NaN and infinite bounds are omitted (a NaN in
 * the file omits its max).  Appends to `out`; BK_OUT_OF_MEMORY.
 */
bk_status delta_stats_write(const delta_schema *schema, bool by_physical_name,
                            bk_vector *const *cols, size_t n_rows, int max_indexed_cols,
                            bk_buf *out, bk_error *err);

#endif
