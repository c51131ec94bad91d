/*
 * vector.h — bk_vector, a column of values in memory (DESIGN §4).
 *
 * A vector is a typed array plus a validity bitmap.  Nested kinds keep their
 * values in child vectors: ARRAY and MAP carry n+1 offsets into their children
 * (row i spans child rows [offsets[i], offsets[i+1])); STRUCT carries one child
 * per field, each with n rows.  Layout per kind: see types.h.
 *
 * Invariants:
 *   validity == NULL            <=> every row is valid (no NULLs)
 *   bit i of validity set       <=> row i is not NULL (LSB-first, Arrow order)
 *   ARRAY/MAP: offsets[0] == 0, offsets non-decreasing, offsets[n] == children[0]->n
 *   MAP: children[0]->n == children[1]->n; keys are never NULL
 *   STRUCT: children[k]->n == n for every field k
 *   the value slot of a NULL row holds zero bytes (strings: len 0), so kernels may
 *   read it without checking validity.
 *
 * All memory of a vector (data, validity, offsets, string bytes, children) lives in
 * one arena, given to bk_vector_make; there is no free function.
 */
#ifndef BRICKS_BASE_VECTOR_H
#define BRICKS_BASE_VECTOR_H

#include "base/bk.h"
#include "base/types.h"

typedef struct bk_vector bk_vector;

struct bk_vector {
    const bk_type *type;
    size_t n;             /* number of rows */
    void *data;           /* n values of bk_type_width(type) bytes; NULL when width is 0 */
    uint8_t *validity;    /* (n+7)/8 bytes, or NULL when no row is NULL */
    int64_t *offsets;     /* ARRAY/MAP: n+1 entries; else NULL */
    bk_vector **children; /* ARRAY 1, MAP 2, STRUCT type->n_children; else NULL */
};

/*
 * A vector of `n` rows for `type`, allocated in `a`, values zeroed, all rows valid
 * (validity NULL).  Nested children are created with 0 rows for ARRAY/MAP and n
 * rows for STRUCT.  NULL on OOM.  (VOID is the exception: it gets an all-zero
 * validity bitmap, so that bk_vector_is_valid is false for its rows.)
 */
bk_vector *bk_vector_make(bk_arena *a, const bk_type *type, size_t n);
/* bk_vector_make with the fixed-width values left unset: for producers that write every row. */
bk_vector *bk_vector_make_unset(bk_arena *a, const bk_type *type, size_t n);

/* Allocate (all valid) the validity bitmap if absent; BK_OUT_OF_MEMORY on failure. */
bk_status bk_vector_ensure_validity(bk_arena *a, bk_vector *v) BK_MUST_USE;

static inline bool bk_vector_is_valid(const bk_vector *v, size_t row) {
    return !v->validity || (v->validity[row >> 3] >> (row & 7)) & 1;
}

static inline void bk_validity_set(uint8_t *validity, size_t row, bool valid) {
    if (valid)
        validity[row >> 3] |= (uint8_t)(1u << (row & 7));
    else
        validity[row >> 3] &= (uint8_t) ~(1u << (row & 7));
}

/* Number of NULL rows. */
size_t bk_vector_null_count(const bk_vector *v);

/*
 * Append the text form of row `row` to `out` (a bk_buf), the way Spark's
 * `CAST(x AS STRING)` prints it: NULL as "NULL", timestamps as
 * "2024-01-02 03:04:05.123456", decimals with their scale, arrays as "[1, 2]",
 * maps as "{a -> 1}", structs as "{1, x}".  Used by the CLI and tests.
 *
 * In detail (clock.h has the date/time forms):
 *   BOOLEAN        true / false
 *   FLOAT, DOUBLE  Java's Float/Double.toString, as Spark: shortest digits that read
 *                  back exactly; "1.0", "0.001", "1234567.0", "1.0E7", "1.5E-4",
 *                  "NaN", "Infinity", "-Infinity", "-0.0"
 *   DECIMAL        plain notation with exactly `scale` fraction digits: "-0.05", "12"
 *   STRING         the bytes as they are (no quotes, also inside nested values)
 *   BINARY         hex in the form of a SQL binary literal: X'0A0B' (X'' when empty);
 *                  a choice of ours: Spark's CAST would emit the raw bytes
 *   DATE           2024-01-02, -0044-03-15, +10000-01-01
 *   TIMESTAMP(_NTZ) 2024-01-02 03:04:05[.ffffff] (UTC; fraction trimmed)
 *   TIME           03:04:05[.ffffff]
 *   NULL           "NULL" at the top level, "null" inside ARRAY/MAP/STRUCT (Spark 3+)
 *   VOID           always NULL
 * Returns BK_OUT_OF_MEMORY when `out` cannot grow, BK_INTERNAL when `row` is out of
 * range or the vector breaks an invariant above (bad offsets).
 */
struct bk_buf;
bk_status bk_vector_format_value(const bk_vector *v, size_t row, struct bk_buf *out) BK_MUST_USE;

/*
 * A new vector holding rows idx[0..n) of v, in that order (rows may repeat).
 * Nested children are gathered too.  Values are copied by reference where they
 * are views (strings point into the same bytes as v's).  Allocated in `a`; NULL
 * on OOM.  Every idx[i] must be < v->n.
 */
bk_vector *bk_vector_take(bk_arena *a, const bk_vector *v, const uint32_t *idx, size_t n);
/* bk_vector_take for a strictly ascending idx (a filter's rows): runs copied at once. */
bk_vector *bk_vector_take_ascending(bk_arena *a, const bk_vector *v, const uint32_t *idx,
                                    size_t n);

/*
 * A new vector with the rows of parts[0], then parts[1], ... (n_parts >= 1, all of
 * one type), in `a`.  String bytes are shared, not copied.  NULL on OOM.
 */
bk_vector *bk_vector_concat(bk_arena *a, bk_vector *const *parts, size_t n_parts);

/*
 * Copy the bytes of every string and binary value in `v` (children included)
 * into `a` and point the values at the copies, so `v` no longer depends on the
 * memory its strings viewed.  `v` itself must be writable (e.g. fresh from
 * bk_vector_take).  False on OOM.
 */
bool bk_vector_own_strings(bk_arena *a, bk_vector *v);

/*
 * Compare row i of scalar vector a with row j of b (same type; both rows valid):
 * negative, 0 or positive, in Spark's order (NaN is the largest number; strings
 * bytewise; arrays element-wise then by length, structs field by field, NULL
 * elements first).  Maps compare equal (0).
 */
int bk_vector_compare(const bk_vector *a, size_t i, const bk_vector *b, size_t j);

#endif
