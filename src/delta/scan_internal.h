/*
 * scan_internal.h — pieces of the Delta scan shared between scan.c and conform.c.
 */
#ifndef BRICKS_DELTA_SCAN_INTERNAL_H
#define BRICKS_DELTA_SCAN_INTERNAL_H

#include "delta/snapshot.h"

/* A vector of n NULL rows of `type`, in `a`; NULL on OOM. */
bk_vector *delta_null_vector(bk_arena *a, const bk_type *type, size_t n);

/*
 * Conform `src` (a column as a data file stores it) to table field `f`: nested
 * fields resolved by name or physical name, missing ones NULL, widened types
 * cast.  BK_CORRUPT when the file's type cannot be read as the table's.
 */
bk_status delta_conform(bk_arena *a, const delta_field *f, const bk_vector *src,
                        delta_mapping_mode mode, bk_vector **out, bk_error *err);

/* A scan callback that also receives each row's index in its data file. */
typedef bk_status (*delta_rows_fn)(void *ctx, bk_arena *a, bk_vector **cols, size_t n_rows,
                                   const int64_t *row_index, bk_error *err);

/*
 * Read one live file of `s` (deletion vector applied), on this thread, in row
 * order; per-file memory in `a`.
 */
bk_status delta_scan_file_rows(delta_snapshot *s, const delta_file_action *f,
                               const uint32_t *fields, uint32_t n_fields, delta_rows_fn fn,
                               void *ctx, bk_arena *a, bk_error *err);

/* False when partition values or stats prove no row of `f` satisfies `preds`. */
bk_status delta_file_may_match(bk_arena *a, const delta_snapshot *s, const delta_file_action *f,
                               const pq_predicate *preds, uint32_t n_preds, bool *may,
                               bk_error *err);

/* For each row: do all predicates hold (SQL semantics: NULL is not a match)? */
bk_status delta_predicates_eval(const pq_predicate *preds, uint32_t n_preds, bk_vector *const *cols,
                                size_t n_rows, uint8_t *match, bk_error *err);

#endif
