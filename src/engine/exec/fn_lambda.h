/*
 * fn_lambda.h — the higher-order functions (Spark's transform, filter, aggregate, ...).
 *
 * An EXEC_EXPR_HOF's state is an exec_hof_kind (cast to a pointer); its args are
 * the value arguments and EXEC_EXPR_LAMBDA nodes in the order the function
 * takes them.  A lambda's body is evaluated a vector at a time: over all the
 * elements of the chunk's arrays at once, on a chunk holding the outer columns
 * repeated per element followed by the lambda's variables (EXEC_EXPR_LAMBDA_VAR
 * reads them counting from the end).  NULL arrays and maps give NULL.
 */
#ifndef BRICKS_ENGINE_EXEC_FN_LAMBDA_H
#define BRICKS_ENGINE_EXEC_FN_LAMBDA_H

#include "engine/exec/exec.h"

typedef enum exec_hof_kind {
    EXEC_HOF_TRANSFORM,        /* (arr, x [, i] -> v): ARRAY<type of v> */
    EXEC_HOF_FILTER,           /* (arr, x [, i] -> bool): the elements where it is true */
    EXEC_HOF_EXISTS,           /* (arr, x -> bool): true if any is; else NULL if any is NULL */
    EXEC_HOF_FORALL,           /* (arr, x -> bool): false if any is; else NULL if any is NULL */
    EXEC_HOF_AGGREGATE,        /* (arr, zero, (acc, x) -> acc [, acc -> r]) */
    EXEC_HOF_ZIP_WITH,         /* (a, b, (x, y) -> v): the longer's length, NULL-padded */
    EXEC_HOF_MAP_FILTER,       /* (map, (k, v) -> bool) */
    EXEC_HOF_TRANSFORM_VALUES, /* (map, (k, v) -> v2) */
    EXEC_HOF_TRANSFORM_KEYS,   /* (map, (k, v) -> k2): NULL_MAP_KEY on a NULL key */
} exec_hof_kind;

static inline exec_hof_kind exec_hof_of(const exec_expr *e) {
    return (exec_hof_kind)(uintptr_t)e->state;
}

#endif
