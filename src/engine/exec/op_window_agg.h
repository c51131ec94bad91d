/*
 * op_window_agg.h — the aggregates of agg_int.h (variance, moments, max_by,
 * collect_list, percentiles, approx_count_distinct, ...) over window frames,
 * for op_window.c (private to src/engine/exec/).
 *
 * One win_ext per (bucket, function): begin gathers the aggregate's columns in
 * the bucket's sorted order, partition evaluates the frames [fs[p], fe[p]) of
 * the positions of one partition (frames move forward: both ends are
 * non-decreasing in p), finish gives the result column of the whole bucket.
 */
#ifndef BRICKS_ENGINE_EXEC_OP_WINDOW_AGG_H
#define BRICKS_ENGINE_EXEC_OP_WINDOW_AGG_H

#include "engine/exec/exec_int.h"

typedef struct win_ext win_ext;

/*
 * Start aggregate `agg` over the m positions of a bucket whose rows (in sorted
 * order) are idx[0..m) of the child's columns `cols`.  Working memory comes
 * from children of `scratch`; the result of finish is allocated in `out`.
 */
bk_status exec_win_ext_begin(exec_ctx *ctx, const exec_agg *agg, bk_vector *const *cols,
                             const uint32_t *idx, size_t m, bk_arena *out, bk_arena *scratch,
                             win_ext **x, bk_error *err);

/* The frames of positions [ps, pe) (one partition): fs[p], fe[p] for p in [ps, pe). */
bk_status exec_win_ext_partition(win_ext *x, size_t ps, size_t pe, const uint32_t *fs,
                                 const uint32_t *fe, bk_error *err);

/* The results of all m positions, in position order (a vector of agg->type in `out`). */
bk_status exec_win_ext_finish(win_ext *x, bk_vector **res, bk_error *err);

#endif
