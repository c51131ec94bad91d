/*
 * functions.h — the built-in kernels (exec_kernel signature, see exec.h).
 *
 * Each expects the argument types the binder's function table states for it;
 * the result type is call->expr->type.
 */
#ifndef BRICKS_ENGINE_EXEC_FUNCTIONS_H
#define BRICKS_ENGINE_EXEC_FUNCTIONS_H

#include "engine/exec/exec.h"

/*
 * A built-in function as the binder sees it.  `bind` gets the argument types
 * (NULL literals are VOID) and says which type each argument must be cast to
 * and what the result type is; it fails with DATATYPE_MISMATCH (naming the
 * function, the argument and the type) when no overload fits.  `prepare`, when
 * set, runs once on the bound expression (its constant arguments are
 * EXEC_EXPR_CONST): e.g. to compile a regular expression into e->state, which
 * kernels then only read (they run on several threads at once).
 */
typedef struct exec_fn_def {
    const char *name; /* lower case */
    int min_args;
    int max_args; /* -1: any number */
    bk_status (*bind)(bk_arena *a, const bk_type *const *args, uint32_t n_args,
                      const bk_type **cast_to, const bk_type **result, bk_error *err);
    exec_kernel kernel;
    bk_status (*prepare)(bk_arena *a, exec_expr *e, bk_error *err);
} exec_fn_def;

#define EXEC_KERNEL(name)                                                                          \
    bk_status name(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,       \
                   bk_error *err)

/* fn_json.c: json_tuple's column for one key, (json STRING, key STRING) -> STRING */
EXEC_KERNEL(exec_fn_json_tuple_field);

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
EXEC_KERNEL(exec_fn_decimal_int_divide); /* DECIMAL DIV DECIMAL -> BIGINT */
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

/* fn_in.c: x IN (constants) through a hash set the binder builds (expr->state) */
typedef struct exec_in_set exec_in_set;
bk_status exec_in_set_make(bk_arena *a, const bk_vector *values, exec_in_set **out, bk_error *err);
/* The values the set was made of (the caller's vector: it must outlive the set). */
const bk_vector *exec_in_set_values(const exec_in_set *s);
EXEC_KERNEL(exec_fn_in_set);

/* fn_cast.c: CAST / TRY_CAST to expr->type (expr->state: NULL, or (void *)1 for TRY_CAST) */
EXEC_KERNEL(exec_fn_cast);
/* The session zone of ctx (UTC when it has none) as cast.h's exec_tz. */
struct exec_tz;
void exec_fn_cast_zone(const exec_ctx *ctx, struct exec_tz *out);

/* fn_interval.c: datetime and interval arithmetic (operand types in its header comment) */
EXEC_KERNEL(exec_fn_iv_date_add_months);
EXEC_KERNEL(exec_fn_iv_date_add_days);
EXEC_KERNEL(exec_fn_iv_ts_add_months);
EXEC_KERNEL(exec_fn_iv_ts_add);
EXEC_KERNEL(exec_fn_iv_ts_diff);
EXEC_KERNEL(exec_fn_iv_date_diff);
EXEC_KERNEL(exec_fn_iv_add);
EXEC_KERNEL(exec_fn_iv_sub);
EXEC_KERNEL(exec_fn_iv_mul);
EXEC_KERNEL(exec_fn_iv_div);
EXEC_KERNEL(exec_fn_iv_int_divide);
EXEC_KERNEL(exec_fn_iv_negate);
/*
 * TIMESTAMP + day-time µs (whole days on tz's wall clock, DateTimeUtils.timestampAddDayTime)
 * and + months (on the wall clock, the day clamped); tz NULL for TIMESTAMP_NTZ.
 * ARITHMETIC_OVERFLOW past the int64 range.
 */
struct bk_tz;
bk_status exec_iv_timestamp_add(int64_t ts, int64_t micros, const struct bk_tz *tz, int64_t *out,
                                bk_error *err);
bk_status exec_iv_timestamp_add_months(int64_t ts, int64_t months, const struct bk_tz *tz,
                                       int64_t *out, bk_error *err);


#endif
