/*
 * fn_common.h — helpers shared by the kernel files (fn_*.c); private to exec/.
 */
#ifndef BRICKS_ENGINE_EXEC_FN_COMMON_H
#define BRICKS_ENGINE_EXEC_FN_COMMON_H

#include "engine/exec/exec.h"

/*
 * A result vector of n rows of `type` in call->a whose validity is the AND of
 * the arguments' (NULL in any argument makes the row NULL).
 */
bk_status exec_fn_result(const exec_call *call, const bk_type *type, bk_vector *const *args,
                         uint32_t n_args, size_t n, bk_vector **out, bk_error *err);
/* exec_fn_result with the values left unset: for kernels that write every row, NULL or not. */
bk_status exec_fn_result_unset(const exec_call *call, const bk_type *type,
                               bk_vector *const *args, uint32_t n_args, size_t n,
                               bk_vector **out, bk_error *err);

/* Make row i of v NULL (allocating its validity bitmap if needed). */
bk_status exec_fn_set_null(bk_arena *a, bk_vector *v, size_t i, bk_error *err);

/* Spark's "integer overflow" error for `op` ("try_add", ...), naming the config. */
bk_status exec_fn_overflow(bk_error *err, const char *type_word, const char *try_fn);
bk_status exec_fn_divide_by_zero(bk_error *err);

#endif
