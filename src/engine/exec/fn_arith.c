/*
 * fn_arith.c — arithmetic kernels: + - * / % DIV and unary minus.
 *
 * The binder has cast both operands to one type (Spark's type coercion), so a
 * kernel switches on that type once per chunk and runs a typed loop.  Integer
 * overflow raises ARITHMETIC_OVERFLOW in ANSI mode and wraps (two's complement,
 * as Java does) otherwise; a zero divisor raises DIVIDE_BY_ZERO in ANSI mode and
 * gives NULL otherwise.  NULL rows hold zero bytes: their results are computed
 * but never raise, since the error checks look at validity first.
 */
#include <math.h>
#include <string.h>

#include "engine/exec/fn_common.h"
#include "engine/exec/functions.h"

/* exec_fn_result, the values zeroed or (zero false) left for the kernel to write. */
static bk_status fn_result(const exec_call *call, const bk_type *type, bk_vector *const *args,
                           uint32_t n_args, size_t n, bool zero, bk_vector **out, bk_error *err) {
    bk_vector *v = zero ? bk_vector_make(call->a, type, n) : bk_vector_make_unset(call->a, type, n);
    if (!v) return bk_arena_oom(call->a, err);
    for (uint32_t k = 0; k < n_args; k++) {
        const uint8_t *bits = args[k]->validity;
        if (!bits) continue;
        if (!v->validity) {
            v->validity = bk_arena_memdup(call->a, bits, (n + 7) / 8);
            if (!v->validity) return bk_arena_oom(call->a, err);
            continue;
        }
        for (size_t b = 0; b < (n + 7) / 8; b++) v->validity[b] &= bits[b];
    }
    *out = v;
    return BK_OK;
}

bk_status exec_fn_result(const exec_call *call, const bk_type *type, bk_vector *const *args,
                         uint32_t n_args, size_t n, bk_vector **out, bk_error *err) {
    return fn_result(call, type, args, n_args, n, true, out, err);
}

bk_status exec_fn_result_unset(const exec_call *call, const bk_type *type,
                               bk_vector *const *args, uint32_t n_args, size_t n,
                               bk_vector **out, bk_error *err) {
    return fn_result(call, type, args, n_args, n, false, out, err);
}

bk_status exec_fn_set_null(bk_arena *a, bk_vector *v, size_t i, bk_error *err) {
    if (bk_vector_ensure_validity(a, v) != BK_OK) return bk_arena_oom(a, err);
    bk_validity_set(v->validity, i, false);
    return BK_OK;
}

bk_status exec_fn_overflow(bk_error *err, const char *type_word, const char *try_fn) {
    return bk_error_set(err, BK_ARITHMETIC_OVERFLOW,
                        "%s overflow. Use '%s' to tolerate overflow and return NULL instead. If "
                        "necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this "
                        "error.",
                        type_word, try_fn);
}

bk_status exec_fn_divide_by_zero(bk_error *err) {
    return bk_error_set(err, BK_DIVIDE_BY_ZERO,
                        "Division by zero. Use `try_divide` to tolerate divisor being 0 and return "
                        "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to "
                        "bypass this error.");
}

static const char *int_word(bk_type_kind k) {
    return k == BK_TYPE_BIGINT     ? "long"
           : k == BK_TYPE_INT      ? "integer"
           : k == BK_TYPE_SMALLINT ? "short"
                                   : "byte";
}

typedef enum arith_op { OP_ADD, OP_SUB, OP_MUL } arith_op;

static const char *try_name(arith_op op) {
    return op == OP_ADD ? "try_add" : op == OP_SUB ? "try_subtract" : "try_multiply";
}

/*
 * Integer + - *: wrap into T's range; with `check`, stop at the first valid row
 * that overflowed.  Narrow types compute in int64 and check the range.
 */
#define INT_ARITH(T, LO, HI)                                                                       \
    do {                                                                                           \
        const T *x = args[0]->data, *y = args[1]->data;                                            \
        T *r = v->data;                                                                            \
        for (size_t i = 0; i < n; i++) {                                                           \
            int64_t w = op == OP_ADD   ? (int64_t)x[i] + y[i]                                      \
                        : op == OP_SUB ? (int64_t)x[i] - y[i]                                      \
                                       : (int64_t)x[i] * y[i];                                     \
            r[i] = (T)w;                                                                           \
            if (BK_UNLIKELY(w < (LO) || w > (HI)) && check && bk_vector_is_valid(v, i))            \
                return exec_fn_overflow(err, int_word(kind), try_name(op));                        \
        }                                                                                          \
    } while (0)

static bk_status arith(const exec_call *call, arith_op op, bk_vector *const *args, size_t n,
                       bk_vector **out, bk_error *err) {
    const bk_type *type = call->expr->type;
    bk_type_kind kind = type->kind;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, type, args, 2, n, &v, err));
    bool check = call->ctx->ansi;
    switch (kind) {
    case BK_TYPE_TINYINT:
        INT_ARITH(int8_t, INT8_MIN, INT8_MAX);
        break;
    case BK_TYPE_SMALLINT:
        INT_ARITH(int16_t, INT16_MIN, INT16_MAX);
        break;
    case BK_TYPE_INT:
        INT_ARITH(int32_t, INT32_MIN, INT32_MAX);
        break;
    case BK_TYPE_BIGINT: {
        const int64_t *x = args[0]->data, *y = args[1]->data;
        int64_t *r = v->data;
        for (size_t i = 0; i < n; i++) {
            bool over = op == OP_ADD   ? __builtin_add_overflow(x[i], y[i], &r[i])
                        : op == OP_SUB ? __builtin_sub_overflow(x[i], y[i], &r[i])
                                       : __builtin_mul_overflow(x[i], y[i], &r[i]);
            if (BK_UNLIKELY(over) && check && bk_vector_is_valid(v, i))
                return exec_fn_overflow(err, "long", try_name(op));
        }
        break;
    }
    case BK_TYPE_FLOAT: {
        const float *x = args[0]->data, *y = args[1]->data;
        float *r = v->data;
        for (size_t i = 0; i < n; i++)
            r[i] = op == OP_ADD ? x[i] + y[i] : op == OP_SUB ? x[i] - y[i] : x[i] * y[i];
        break;
    }
    case BK_TYPE_DOUBLE: {
        const double *x = args[0]->data, *y = args[1]->data;
        double *r = v->data;
        if (op == OP_ADD)
            for (size_t i = 0; i < n; i++) r[i] = x[i] + y[i];
        else if (op == OP_SUB)
            for (size_t i = 0; i < n; i++) r[i] = x[i] - y[i];
        else
            for (size_t i = 0; i < n; i++) r[i] = x[i] * y[i];
        break;
    }
    default:
        return bk_error_set(err, BK_INTERNAL, "arithmetic on %d is not bound", (int)kind);
    }
    *out = v;
    return BK_OK;
}

bk_status exec_fn_add(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                      bk_error *err) {
    return arith(call, OP_ADD, args, n, out, err);
}

bk_status exec_fn_subtract(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                           bk_error *err) {
    return arith(call, OP_SUB, args, n, out, err);
}

bk_status exec_fn_multiply(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                           bk_error *err) {
    return arith(call, OP_MUL, args, n, out, err);
}

/* A zero divisor in valid row i: an error in ANSI mode, else a NULL result. */
static bk_status zero_divisor(const exec_call *call, bk_vector *v, size_t i, bk_error *err) {
    if (!bk_vector_is_valid(v, i)) return BK_OK;
    if (call->ctx->ansi) return exec_fn_divide_by_zero(err);
    return exec_fn_set_null(call->a, v, i, err);
}

/* `/` on DOUBLE (the binder casts other operands to DOUBLE or DECIMAL). */
bk_status exec_fn_divide(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                         bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, 2, n, &v, err));
    if (call->expr->type->kind != BK_TYPE_DOUBLE)
        return bk_error_set(err, BK_INTERNAL, "divide is bound for DOUBLE only");
    const double *x = args[0]->data, *y = args[1]->data;
    double *r = v->data;
    for (size_t i = 0; i < n; i++) {
        if (BK_UNLIKELY(y[i] == 0)) {
            r[i] = 0;
            BK_TRY(zero_divisor(call, v, i, err));
            continue;
        }
        r[i] = x[i] / y[i];
    }
    *out = v;
    return BK_OK;
}

/* Java's % (sign of the dividend) and DIV (truncating, BIGINT result) for integers. */
#define INT_MOD_DIV(T, RT, MINV)                                                                   \
    do {                                                                                           \
        const T *x = args[0]->data, *y = args[1]->data;                                            \
        RT *r = v->data;                                                                           \
        for (size_t i = 0; i < n; i++) {                                                           \
            if (BK_UNLIKELY(y[i] == 0)) {                                                          \
                r[i] = 0;                                                                          \
                BK_TRY(zero_divisor(call, v, i, err));                                             \
                continue;                                                                          \
            }                                                                                      \
            if (BK_UNLIKELY(y[i] == -1)) { /* MIN / -1 overflows in C */                           \
                if (is_div && x[i] == (MINV) && call->ctx->ansi && bk_vector_is_valid(v, i))       \
                    return exec_fn_overflow(err, "long", "try_divide");                            \
                r[i] = is_div ? (RT)(0 - (uint64_t)x[i]) : 0;                                      \
                continue;                                                                          \
            }                                                                                      \
            r[i] = is_div ? (RT)(x[i] / y[i]) : (RT)(x[i] % y[i]);                                 \
        }                                                                                          \
    } while (0)

static bk_status mod_or_div(const exec_call *call, bool is_div, bk_vector *const *args, size_t n,
                            bk_vector **out, bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, 2, n, &v, err));
    bk_type_kind kind = args[0]->type->kind;
    if (is_div && kind != BK_TYPE_BIGINT)
        return bk_error_set(err, BK_INTERNAL, "div is bound for BIGINT only");
    switch (kind) {
    case BK_TYPE_TINYINT:
        INT_MOD_DIV(int8_t, int8_t, INT8_MIN);
        break;
    case BK_TYPE_SMALLINT:
        INT_MOD_DIV(int16_t, int16_t, INT16_MIN);
        break;
    case BK_TYPE_INT:
        INT_MOD_DIV(int32_t, int32_t, INT32_MIN);
        break;
    case BK_TYPE_BIGINT:
        INT_MOD_DIV(int64_t, int64_t, INT64_MIN);
        break;
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE: {
        bool is_float = kind == BK_TYPE_FLOAT;
        for (size_t i = 0; i < n; i++) {
            double x =
                is_float ? ((const float *)args[0]->data)[i] : ((const double *)args[0]->data)[i];
            double y =
                is_float ? ((const float *)args[1]->data)[i] : ((const double *)args[1]->data)[i];
            double r = 0;
            if (y == 0)
                BK_TRY(zero_divisor(call, v, i, err));
            else
                r = fmod(x, y);
            if (is_float)
                ((float *)v->data)[i] = (float)r;
            else
                ((double *)v->data)[i] = r;
        }
        break;
    }
    default:
        return bk_error_set(err, BK_INTERNAL, "%% on %d is not bound", (int)kind);
    }
    *out = v;
    return BK_OK;
}

bk_status exec_fn_remainder(const exec_call *call, bk_vector *const *args, size_t n,
                            bk_vector **out, bk_error *err) {
    return mod_or_div(call, false, args, n, out, err);
}

bk_status exec_fn_int_divide(const exec_call *call, bk_vector *const *args, size_t n,
                             bk_vector **out, bk_error *err) {
    return mod_or_div(call, true, args, n, out, err);
}

bk_status exec_fn_negate(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                         bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, 1, n, &v, err));
    bk_type_kind kind = call->expr->type->kind;
    bool check = call->ctx->ansi;
#define NEG(T, MINV)                                                                               \
    do {                                                                                           \
        const T *x = args[0]->data;                                                                \
        T *r = v->data;                                                                            \
        for (size_t i = 0; i < n; i++) {                                                           \
            if (BK_UNLIKELY(x[i] == (MINV)) && check && bk_vector_is_valid(v, i))                  \
                return exec_fn_overflow(err, int_word(kind), "try_subtract");                      \
            r[i] = (T)(0 - (uint64_t)x[i]);                                                        \
        }                                                                                          \
    } while (0)
    switch (kind) {
    case BK_TYPE_TINYINT:
        NEG(int8_t, INT8_MIN);
        break;
    case BK_TYPE_SMALLINT:
        NEG(int16_t, INT16_MIN);
        break;
    case BK_TYPE_INT:
        NEG(int32_t, INT32_MIN);
        break;
    case BK_TYPE_BIGINT:
        NEG(int64_t, INT64_MIN);
        break;
    case BK_TYPE_FLOAT:
        for (size_t i = 0; i < n; i++) ((float *)v->data)[i] = -((const float *)args[0]->data)[i];
        break;
    case BK_TYPE_DOUBLE:
        for (size_t i = 0; i < n; i++) ((double *)v->data)[i] = -((const double *)args[0]->data)[i];
        break;
    default:
        return bk_error_set(err, BK_INTERNAL, "negation of %d is not bound", (int)kind);
    }
#undef NEG
    *out = v;
    return BK_OK;
}
