/*
 * fn_compare.c — comparison kernels: = <> < <= > >= and <=> (null-safe equality),
 * plus IS NULL / IS NOT NULL and NOT.
 *
 * Operands have one type (the binder casts them).  Order is Spark's: numbers by
 * value with NaN equal to NaN and above every other number, strings and binary
 * bytewise (unsigned), booleans false < true.
 */
#include <string.h>

#include "base/str.h"
#include "engine/exec/fn_common.h"
#include "engine/exec/functions.h"

typedef enum cmp_op { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE } cmp_op;

static inline bool holds(cmp_op op, int c) {
    switch (op) {
    case CMP_EQ:
        return c == 0;
    case CMP_NE:
        return c != 0;
    case CMP_LT:
        return c < 0;
    case CMP_LE:
        return c <= 0;
    case CMP_GT:
        return c > 0;
    case CMP_GE:
        return c >= 0;
    }
    return false;
}

/* Spark's order for doubles: NaN == NaN, NaN above everything; -0.0 == 0.0. */
static inline int cmp_double(double x, double y) {
    if (x < y) return -1;
    if (x > y) return 1;
    if (x == y) return 0;
    bool xn = x != x, yn = y != y;
    return xn && yn ? 0 : xn ? 1 : -1;
}

static inline int cmp_i128(bk_i128 x, bk_i128 y) {
    if (x.hi != y.hi) return x.hi < y.hi ? -1 : 1;
    if (x.lo != y.lo) return x.lo < y.lo ? -1 : 1;
    return 0;
}

/* One loop per (type, op): the op is a compile-time constant inside each switch arm. */
#define CMP_LOOP(T, CMPEXPR)                                                                       \
    do {                                                                                           \
        const T *x = a0->data, *y = a1->data;                                                      \
        switch (op) {                                                                              \
        case CMP_EQ:                                                                               \
            for (size_t i = 0; i < n; i++) r[i] = (CMPEXPR) == 0;                                  \
            break;                                                                                 \
        case CMP_NE:                                                                               \
            for (size_t i = 0; i < n; i++) r[i] = (CMPEXPR) != 0;                                  \
            break;                                                                                 \
        case CMP_LT:                                                                               \
            for (size_t i = 0; i < n; i++) r[i] = (CMPEXPR) < 0;                                   \
            break;                                                                                 \
        case CMP_LE:                                                                               \
            for (size_t i = 0; i < n; i++) r[i] = (CMPEXPR) <= 0;                                  \
            break;                                                                                 \
        case CMP_GT:                                                                               \
            for (size_t i = 0; i < n; i++) r[i] = (CMPEXPR) > 0;                                   \
            break;                                                                                 \
        case CMP_GE:                                                                               \
            for (size_t i = 0; i < n; i++) r[i] = (CMPEXPR) >= 0;                                  \
            break;                                                                                 \
        }                                                                                          \
    } while (0)

#define SCALAR_CMP (x[i] < y[i] ? -1 : x[i] > y[i])

/* r[i] = (a0[i] op a1[i]) for every row, NULLs ignored (the caller sets validity). */
static bk_status compare_rows(cmp_op op, const bk_vector *a0, const bk_vector *a1, size_t n,
                              uint8_t *r, bk_error *err) {
    switch (a0->type->kind) {
    case BK_TYPE_BOOLEAN:
        CMP_LOOP(uint8_t, SCALAR_CMP);
        break;
    case BK_TYPE_TINYINT:
        CMP_LOOP(int8_t, SCALAR_CMP);
        break;
    case BK_TYPE_SMALLINT:
        CMP_LOOP(int16_t, SCALAR_CMP);
        break;
    case BK_TYPE_INT:
    case BK_TYPE_DATE:
    case BK_TYPE_INTERVAL_YM:
        CMP_LOOP(int32_t, SCALAR_CMP);
        break;
    case BK_TYPE_BIGINT:
    case BK_TYPE_TIMESTAMP:
    case BK_TYPE_TIMESTAMP_NTZ:
    case BK_TYPE_TIME:
    case BK_TYPE_INTERVAL_DT:
        CMP_LOOP(int64_t, SCALAR_CMP);
        break;
    case BK_TYPE_DECIMAL:
        if (a0->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION)
            CMP_LOOP(int64_t, SCALAR_CMP);
        else
            CMP_LOOP(bk_i128, cmp_i128(x[i], y[i]));
        break;
    case BK_TYPE_FLOAT:
        CMP_LOOP(float, cmp_double(x[i], y[i]));
        break;
    case BK_TYPE_DOUBLE:
        CMP_LOOP(double, cmp_double(x[i], y[i]));
        break;
    case BK_TYPE_STRING:
    case BK_TYPE_BINARY:
        CMP_LOOP(bk_str, bk_str_cmp(x[i], y[i]));
        break;
    default:
        /* nested values: row by row, in bk_vector_compare's order */
        for (size_t i = 0; i < n; i++)
            r[i] = bk_vector_is_valid(a0, i) && bk_vector_is_valid(a1, i) &&
                   holds(op, bk_vector_compare(a0, i, a1, i));
        if (a0->type->kind > BK_TYPE_STRUCT)
            return bk_error_set(err, BK_INTERNAL, "comparison of kind %d", (int)a0->type->kind);
        break;
    }
    return BK_OK;
}

static bk_status compare(const exec_call *call, cmp_op op, bk_vector *const *args, size_t n,
                         bk_vector **out, bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, bk_type_scalar(BK_TYPE_BOOLEAN), args, 2, n, &v, err));
    BK_TRY(compare_rows(op, args[0], args[1], n, v->data, err));
    *out = v;
    return BK_OK;
}

#define COMPARE_KERNEL(fn, op)                                                                     \
    bk_status fn(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,         \
                 bk_error *err) {                                                                  \
        return compare(call, op, args, n, out, err);                                               \
    }
COMPARE_KERNEL(exec_fn_eq, CMP_EQ)
COMPARE_KERNEL(exec_fn_ne, CMP_NE)
COMPARE_KERNEL(exec_fn_lt, CMP_LT)
COMPARE_KERNEL(exec_fn_le, CMP_LE)
COMPARE_KERNEL(exec_fn_gt, CMP_GT)
COMPARE_KERNEL(exec_fn_ge, CMP_GE)

/* a <=> b: true when both are NULL, false when one is; never NULL. */
bk_status exec_fn_eq_null_safe(const exec_call *call, bk_vector *const *args, size_t n,
                               bk_vector **out, bk_error *err) {
    bk_vector *v = bk_vector_make(call->a, bk_type_scalar(BK_TYPE_BOOLEAN), n);
    if (!v) return bk_arena_oom(call->a, err);
    uint8_t *r = v->data;
    BK_TRY(compare_rows(CMP_EQ, args[0], args[1], n, r, err));
    if (args[0]->validity || args[1]->validity) {
        for (size_t i = 0; i < n; i++) {
            bool x = bk_vector_is_valid(args[0], i), y = bk_vector_is_valid(args[1], i);
            r[i] = x && y ? r[i] : x == y;
        }
    }
    *out = v;
    return BK_OK;
}

static bk_status null_test(const exec_call *call, bool want_null, bk_vector *const *args, size_t n,
                           bk_vector **out, bk_error *err) {
    bk_vector *v = bk_vector_make(call->a, bk_type_scalar(BK_TYPE_BOOLEAN), n);
    if (!v) return bk_arena_oom(call->a, err);
    uint8_t *r = v->data;
    for (size_t i = 0; i < n; i++) r[i] = bk_vector_is_valid(args[0], i) != want_null;
    *out = v;
    return BK_OK;
}

bk_status exec_fn_is_null(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                          bk_error *err) {
    return null_test(call, true, args, n, out, err);
}

bk_status exec_fn_is_not_null(const exec_call *call, bk_vector *const *args, size_t n,
                              bk_vector **out, bk_error *err) {
    return null_test(call, false, args, n, out, err);
}

bk_status exec_fn_not(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                      bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, bk_type_scalar(BK_TYPE_BOOLEAN), args, 1, n, &v, err));
    const uint8_t *x = args[0]->data;
    uint8_t *r = v->data;
    for (size_t i = 0; i < n; i++) r[i] = !x[i];
    *out = v;
    return BK_OK;
}
