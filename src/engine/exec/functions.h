/*
 * functions.h — the built-in kernels (exec_kernel signature, see exec.h).
 *
 * Each expects the argument types the binder's function table states for it;
 * the result type is call->expr->type.
 */
#ifndef BRICKS_ENGINE_EXEC_FUNCTIONS_H
#define BRICKS_ENGINE_EXEC_FUNCTIONS_H

#include "engine/exec/exec.h"

#define EXEC_KERNEL(name)                                                                          \
    bk_status name(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,       \
                   bk_error *err)

/* fn_arith.c: operands of one numeric type */
EXEC_KERNEL(exec_fn_add);
EXEC_KERNEL(exec_fn_subtract);
EXEC_KERNEL(exec_fn_multiply);
EXEC_KERNEL(exec_fn_divide);     /* DOUBLE */
EXEC_KERNEL(exec_fn_remainder);  /* integers, FLOAT, DOUBLE */
EXEC_KERNEL(exec_fn_int_divide); /* BIGINT DIV BIGINT */
EXEC_KERNEL(exec_fn_negate);

/* fn_decimal.c: DECIMAL operands of any precision/scale; the result type says the rest */
EXEC_KERNEL(exec_fn_decimal_add);
EXEC_KERNEL(exec_fn_decimal_subtract);
EXEC_KERNEL(exec_fn_decimal_multiply);
EXEC_KERNEL(exec_fn_decimal_divide);
EXEC_KERNEL(exec_fn_decimal_remainder);
EXEC_KERNEL(exec_fn_decimal_negate);

/* fn_compare.c: operands of one type; BOOLEAN results */
EXEC_KERNEL(exec_fn_eq);
EXEC_KERNEL(exec_fn_ne);
EXEC_KERNEL(exec_fn_lt);
EXEC_KERNEL(exec_fn_le);
EXEC_KERNEL(exec_fn_gt);
EXEC_KERNEL(exec_fn_ge);
EXEC_KERNEL(exec_fn_eq_null_safe);
EXEC_KERNEL(exec_fn_is_null);
EXEC_KERNEL(exec_fn_is_not_null);
EXEC_KERNEL(exec_fn_not);

#endif
