/*
 * reader_int.h — the reader's internal model, shared by schema.c, column.c,
 * assemble.c, reader.c and scan.c.  Not for use outside src/parquet/.
 *
 * The physical schema (a depth-first list of SchemaElements) becomes a tree of
 * pq_fields: the logical shape Spark would see, with LIST/MAP annotations and the
 * legacy list layouts already resolved.  Each field records the definition and
 * repetition thresholds that assembly needs:
 *
 *   def_level   the field's value is non-NULL at a level entry iff def >= def_level
 *   elem_def    LIST/MAP: an element / entry exists iff def >= elem_def
 *               (def_level <= def < elem_def means an empty list or map)
 *   rep_level   LIST/MAP: entries with rep == rep_level start a new element of the
 *               innermost list; rep < rep_level ends it
 *
 * Invariants: a leaf's def_level == its column's max definition level; a required
 * field has the def_level of its parent; for LIST/MAP elem_def == def_level + 1.
 */
#ifndef BRICKS_PARQUET_READER_INT_H
#define BRICKS_PARQUET_READER_INT_H

#include "base/arena.h"
#include "base/error.h"
#include "base/types.h"
#include "base/vector.h"
#include "parquet/meta.h"
#include "parquet/parquet.h"
#include "store/store.h"

typedef enum pq_field_kind {
    PQ_FIELD_LEAF,
    PQ_FIELD_STRUCT,
    PQ_FIELD_LIST,
    PQ_FIELD_MAP
} pq_field_kind;

/* How a leaf's physical values become the bk_type's layout. */
typedef enum pq_convert {
    PQ_CONV_COPY,           /* same bytes: INT32->INT/DATE, INT64->BIGINT, FLOAT, DOUBLE, strings */
    PQ_CONV_I32_TO_I8,      /* INT(8) */
    PQ_CONV_I32_TO_I16,     /* INT(16) and UINT(8) */
    PQ_CONV_U32_TO_I64,     /* UINT(32) */
    PQ_CONV_U64_TO_DEC128,  /* UINT(64) -> DECIMAL(20,0) */
    PQ_CONV_I32_TO_I64,     /* INT32 DECIMAL(p>9 declared on int32?) and TIME_MILLIS */
    PQ_CONV_I32_DEC_TO_I64, /* DECIMAL on INT32 stored as int64 */
    PQ_CONV_MILLIS_TO_MICROS,     /* INT64 TIMESTAMP(MILLIS) */
    PQ_CONV_I32_MILLIS_TO_MICROS, /* INT32 TIME(MILLIS) */
    PQ_CONV_NANOS_TO_MICROS,      /* INT64 TIMESTAMP/TIME(NANOS) */
    PQ_CONV_INT96_TO_MICROS,      /* INT96 Julian day + nanos of day */
    PQ_CONV_BYTES_TO_DEC64,       /* BYTE_ARRAY/FLBA big-endian unscaled -> int64 */
    PQ_CONV_BYTES_TO_DEC128,      /* ... -> bk_i128 */
    PQ_CONV_I64_TO_DEC128,        /* INT64 DECIMAL with precision > 18 */
    PQ_CONV_I32_TO_DEC128,        /* INT32 DECIMAL with precision > 18 */
    PQ_CONV_FLOAT16,              /* FLBA(2) half -> float */
    PQ_CONV_BOOL,                 /* BOOLEAN: already bytes of 0/1 */
    PQ_CONV_NULL                  /* UNKNOWN logical type: every value NULL */
} pq_convert;

typedef struct pq_field pq_field;
struct pq_field {
    pq_field_kind kind;
    const char *name;
    const bk_type *type;
    int16_t def_level, elem_def, rep_level;
    uint32_t n_children; /* STRUCT: fields; LIST: 1 element; MAP: key, value */
    pq_field **children;
    uint32_t first_leaf, n_leaves; /* leaf columns under this field, in schema order */
    /* leaves only */
    const pq_schema_element *el;
    int16_t max_def, max_rep;
    pq_convert convert;
};

typedef struct pq_schema {
    pq_field root; /* a STRUCT; root.children are the top-level columns */
    uint32_t n_leaves;
    pq_field **leaves;   /* leaf columns in file order (ColumnChunk order) */
    const bk_type *type; /* root.type */
} pq_schema;

/* Build the logical schema from the footer.  BK_CORRUPT for malformed trees. */
bk_status pq_schema_build(bk_arena *a, const pq_file_meta *m, pq_schema *out, bk_error *err);

/*
 * One column chunk, decoded: level entries and the non-NULL values in the leaf's
 * bk layout, densely packed (n_values == count of def == max_def).
 */
typedef struct pq_column_data {
    size_t n_levels;
    uint16_t *def; /* NULL when max_def == 0 (every entry defined) */
    uint16_t *rep; /* NULL when max_rep == 0 */
    size_t n_values;
    void *values; /* n_values * bk_type_width(leaf->type) bytes */
} pq_column_data;

/* A range of rows [begin, end) of a row group. */
typedef struct pq_row_range {
    int64_t begin, end;
} pq_row_range;

struct pq_reader {
    char *name;          /* path or caller's name, for messages */
    const uint8_t *data; /* the whole file */
    size_t size;
    store_map map;   /* the file's mapping (zeroed for memory input) */
    bk_arena *arena; /* footer, schema: lives as long as the reader */
    pq_file_meta meta;
    pq_schema schema;
    pq_reader_opts opts;
    int64_t num_rows;    /* sum over the row groups */
    size_t footer_start; /* offset of the footer: column data ends before it */
};

/*
 * Decode column chunk `col` of row group `rg` into `out`, allocating in `a`.
 * Page buffers and arrays that die with their page go to `scratch`, reset after
 * every page and on return; a caller decoding many chunks passes one it keeps (its
 * spare blocks then serve the next page without fresh pages from the kernel),
 * NULL for a temporary one.
 * When `ranges` is non-NULL and the chunk has an offset index, only pages that
 * overlap the ranges are decoded; *rows_out then lists the row ranges actually
 * decoded (sorted, disjoint), else a single range covering the row group.
 * With `pick` (ascending rows of the row group, n_pick of them, each inside `ranges`
 * when there are ranges), a leaf without repetition keeps those rows only, and
 * *rows_out is NULL (*n_rows_out 0): a dictionary page then gathers only their
 * entries (a late-materialized column of a selective scan).  Leaves with repetition
 * ignore `pick`.
 */
bk_status pq_column_read(pq_reader *r, bk_arena *a, bk_arena *scratch, uint32_t rg, uint32_t col,
                         const pq_row_range *ranges, uint32_t n_ranges, const uint32_t *pick,
                         size_t n_pick, pq_column_data *out, pq_row_range **rows_out,
                         uint32_t *n_rows_out, bk_error *err);

/*
 * Build the vector of top-level field `f` from its leaves' decoded data
 * (`cols[k]` for the k-th leaf under f).  `n_rows` rows are expected.
 */
bk_status pq_assemble(bk_arena *a, const pq_field *f, const pq_column_data *cols, size_t n_rows,
                      bk_vector **out, bk_error *err);

/*
 * Decode top-level field `fi` of row group `rg` into *out.  With `ranges`, only
 * pages overlapping them are decoded (where the offset index allows); *rows and
 * *n_rows (may be NULL) receive the row ranges the vector actually holds: NULL
 * when it holds exactly the `pick` rows, in their order.  `scratch` (may be NULL) and
 * `pick` (may be NULL) as for pq_column_read.
 */
bk_status pq_read_field(pq_reader *r, bk_arena *a, bk_arena *scratch, uint32_t rg, uint32_t fi,
                        const pq_row_range *ranges, uint32_t n_ranges, const uint32_t *pick,
                        size_t n_pick, bk_vector **out, pq_row_range **rows, uint32_t *n_rows,
                        bk_error *err);

/*
 * Late materialization (scan_filter.c): for the candidate rows at positions
 * idx[0..n) of `v`, clear keep[i] when predicate p is not true (Spark's order and
 * NULL rule, parquet.h).  False, keep untouched, when p's values are not of v's
 * type or the type is not one it compares.
 */
bool pq_filter_eval(const pq_predicate *p, const bk_vector *v, const uint32_t *idx, size_t n,
                    uint8_t *keep);

/* Message prefix: 'parquet file "x": column "a.b": row group 2' into buf. */
void pq_column_context(const pq_reader *r, uint32_t rg, uint32_t col, char *buf, size_t cap);

#endif
