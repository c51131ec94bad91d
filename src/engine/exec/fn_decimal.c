/*
 * fn_decimal.c — DECIMAL arithmetic: + - * / % with Spark's result types.
 *
 * The binder fixes the result type with Spark's DecimalPrecision rules
 * (plan/coerce.c); the operands keep their own types.  The kernel reads both as
 * 128-bit unscaled integers, brings them to a common scale, computes exactly
 * and rounds HALF_UP to the result scale; a result with more digits than the
 * result precision is NUMERIC_VALUE_OUT_OF_RANGE in ANSI mode and NULL
 * otherwise, as in Spark.  A product, or a dividend scaled up, that does not fit
 * in 128 bits is computed exactly in 256 bits (i128.c) before it is scaled down, as
 * Spark's BigDecimal would.
 */
#include <string.h>

#include "base/i128.h"
#include "engine/exec/fn_common.h"
#include "engine/exec/functions.h"

static inline bk_i128 load(const bk_vector *v, size_t i) {
    if (v->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION)
        return bk_i128_from_i64(((const int64_t *)v->data)[i]);
    return ((const bk_i128 *)v->data)[i];
}

typedef enum dec_op { DEC_ADD, DEC_SUB, DEC_MUL, DEC_DIV, DEC_MOD } dec_op;

/* One row: x (scale sx) op y (scale sy) at result scale rs; false when out of range. */
static bool dec_row(dec_op op, bk_i128 x, int sx, bk_i128 y, int sy, int rs, bk_i128 *out,
                    bool *div_zero) {
    bk_i128 r;
    switch (op) {
    case DEC_ADD:
    case DEC_SUB:
    case DEC_MOD: {
        int s = sx > sy ? sx : sy;
        if (!bk_i128_rescale(x, sx, s, &x) || !bk_i128_rescale(y, sy, s, &y)) return false;
        if (op == DEC_MOD) {
            if (bk_i128_is_zero(y)) {
                *div_zero = true;
                return false;
            }
            bk_i128 q;
            if (!bk_i128_divmod(x, y, &q, &r)) return false;
        } else if (!(op == DEC_ADD ? bk_i128_add(x, y, &r) : bk_i128_sub(x, y, &r))) {
            return false;
        }
        return bk_i128_rescale(r, s, rs, out);
    }
    case DEC_MUL:
        if (bk_i128_mul(x, y, &r))
            return bk_i128_rescale(r, sx + sy, rs, out); /* rounds HALF_UP when rs is smaller */
        /* a product past 128 bits fits again only after scaling down, computed exactly */
        return sx + sy > rs && bk_i128_mul_scale_down(x, y, sx + sy - rs, out);
    case DEC_DIV: {
        if (bk_i128_is_zero(y)) {
            *div_zero = true;
            return false;
        }
        /* x / y at scale rs = x * 10^(rs - sx + sy) / y, rounded half up */
        int shift = rs - sx + sy;
        bk_i128 num = x, den = y;
        if (shift >= 0) {
            if (!bk_i128_mul_pow10(x, shift, &num)) /* x * 10^shift exactly, in 256 bits */
                return shift <= BK_I128_MAX_POW10 &&
                       bk_i128_mul_div_round(x, bk_i128_pow10(shift), y, out);
        } else if (!bk_i128_mul_pow10(y, -shift, &den)) {
            return false;
        }
        return bk_i128_div_round(num, den, out);
    }
    }
    return false;
}

static bk_status dec_out_of_range(const bk_type *t, bk_error *err) {
    return bk_error_set_sub(err, BK_NUMERIC_VALUE_OUT_OF_RANGE, "WITH_SUGGESTION",
                            "The result cannot be represented as Decimal(%d, %d). If necessary set "
                            "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error, and "
                            "return NULL instead.",
                            t->precision, t->scale);
}

typedef __int128 wide; /* gcc and clang; delta/conform.c relies on it too */

/* 10^k for k in [0, 38]. */
static wide pow10_wide(int k) {
    wide r = 1;
    while (k-- > 0) r *= 10;
    return r;
}

static inline wide load_wide(const bk_vector *v, size_t i) {
    if (v->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION) return ((const int64_t *)v->data)[i];
    bk_i128 x = ((const bk_i128 *)v->data)[i];
    return (wide)(((unsigned __int128)(uint64_t)x.hi << 64) | x.lo);
}

/*
 * Whether every value of decimal vector v (NULL rows too: their slots hold
 * something) fits 64 bits: q1's DECIMAL(32,4) prices times DECIMAL(16,2) taxes
 * then multiply 64 by 64 bits, not 128 by 128 with an overflow check.
 */
static bool fits_i64(const bk_vector *v, size_t n) {
    if (v->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION) return true;
    const bk_i128 *x = v->data;
    uint64_t bad = 0;
    for (size_t i = 0; i < n; i++) bad |= (uint64_t)(x[i].hi ^ ((int64_t)x[i].lo >> 63));
    return bad == 0;
}

/*
 * How the machine-arithmetic path computes a row: with 128-bit overflow checks
 * (CHECKED); from operands whose values fit 64 bits, where no step can overflow
 * (SMALL: factors up to 10^18 < 2^60 keep every product and sum under 2^127);
 * or SMALL with a result type wide enough for any result of the operand types
 * (BOUNDED: not capped at 38 digits), so the precision needs no check either.
 */
typedef enum dec_mode { DEC_CHECKED, DEC_SMALL, DEC_BOUNDED } dec_mode;

/*
 * One row of + - * whose exact result, at the result scale, needs no rounding
 * (add/subtract at the larger scale, multiply at sx + sy), in 128-bit machine
 * arithmetic: false when a step overflows or the result has too many digits,
 * and the caller then takes the general path (which reports the error).
 */
static inline __attribute__((always_inline)) bool dec_row_fast(dec_op op, dec_mode mode, wide x,
                                                               wide y, wide fx, wide fy,
                                                               wide limit, wide *out) {
    wide r;
    if (mode != DEC_CHECKED) { /* 64-bit operands and factors: 64x64-bit products */
        wide f = (int64_t)fx, g = (int64_t)fy;
        r = op == DEC_MUL ? x * y : op == DEC_ADD ? x * f + y * g : x * f - y * g;
    } else if (op == DEC_MUL) {
        if (__builtin_mul_overflow(x, y, &r)) return false;
    } else {
        if (__builtin_mul_overflow(x, fx, &x) || __builtin_mul_overflow(y, fy, &y)) return false;
        if (op == DEC_ADD ? __builtin_add_overflow(x, y, &r) : __builtin_sub_overflow(x, y, &r))
            return false;
    }
    if (mode != DEC_BOUNDED && (r >= limit || r <= -limit)) return false;
    *out = r;
    return true;
}

/*
 * dec_row_fast over whole vectors, the mode and the operand and result widths
 * fixed at compile time (the callers pass constants, so each combination is its
 * own tight loop).  NULL rows are computed too (their slots hold something);
 * false when any row fails, and the caller then redoes the vector row by row.
 */
static inline __attribute__((always_inline)) bool fast_loop(dec_op op, dec_mode mode,
                                                            bool x_wide, bool y_wide, bool narrow,
                                                            const void *xs, const void *ys,
                                                            wide fx, wide fy, wide limit,
                                                            void *out, size_t n) {
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        wide x, y, r = 0;
        /* past CHECKED a wide operand's values all fit 64 bits: its low word is all */
        if (x_wide) {
            bk_i128 t = ((const bk_i128 *)xs)[i];
            x = mode != DEC_CHECKED ? (wide)(int64_t)t.lo
                                    : (wide)(((unsigned __int128)(uint64_t)t.hi << 64) | t.lo);
        } else {
            x = ((const int64_t *)xs)[i];
        }
        if (y_wide) {
            bk_i128 t = ((const bk_i128 *)ys)[i];
            y = mode != DEC_CHECKED ? (wide)(int64_t)t.lo
                                    : (wide)(((unsigned __int128)(uint64_t)t.hi << 64) | t.lo);
        } else {
            y = ((const int64_t *)ys)[i];
        }
        all &= dec_row_fast(op, mode, x, y, fx, fy, limit, &r);
        if (narrow)
            ((int64_t *)out)[i] = (int64_t)r;
        else
            ((bk_i128 *)out)[i] = (bk_i128){(uint64_t)r, (int64_t)((unsigned __int128)r >> 64)};
    }
    return all;
}

/* fast_loop for one mode, by the operand and result widths (w: xw 4 | yw 2 | narrow 1). */
#define FAST_LOOPS(mode)                                                                           \
    switch (w) {                                                                                   \
    case 0: return fast_loop(op, mode, false, false, false, xs, ys, fx, fy, limit, o, n);          \
    case 1: return fast_loop(op, mode, false, false, true, xs, ys, fx, fy, limit, o, n);           \
    case 2: return fast_loop(op, mode, false, true, false, xs, ys, fx, fy, limit, o, n);           \
    case 3: return fast_loop(op, mode, false, true, true, xs, ys, fx, fy, limit, o, n);            \
    case 4: return fast_loop(op, mode, true, false, false, xs, ys, fx, fy, limit, o, n);           \
    case 5: return fast_loop(op, mode, true, false, true, xs, ys, fx, fy, limit, o, n);            \
    case 6: return fast_loop(op, mode, true, true, false, xs, ys, fx, fy, limit, o, n);            \
    default: return fast_loop(op, mode, true, true, true, xs, ys, fx, fy, limit, o, n);            \
    }

/* fast_vector for one operator (a constant): one of 24 specialized loops. */
static inline __attribute__((always_inline)) bool fast_vector_op(dec_op op, dec_mode mode,
                                                                 const bk_vector *x,
                                                                 const bk_vector *y, wide fx,
                                                                 wide fy, wide limit, bool narrow,
                                                                 bk_vector *v, size_t n) {
    bool xw = x->type->precision > BK_DECIMAL_INT64_MAX_PRECISION;
    bool yw = y->type->precision > BK_DECIMAL_INT64_MAX_PRECISION;
    const void *xs = x->data, *ys = y->data;
    void *o = v->data;
    int w = (xw ? 4 : 0) | (yw ? 2 : 0) | (narrow ? 1 : 0);
    switch (mode) {
    case DEC_CHECKED: FAST_LOOPS(DEC_CHECKED);
    case DEC_SMALL: FAST_LOOPS(DEC_SMALL);
    default: FAST_LOOPS(DEC_BOUNDED);
    }
}
#undef FAST_LOOPS

/* The vector-at-a-time fast path of + - *, specialized by operator, mode and widths. */
static bool fast_vector(dec_op op, dec_mode mode, const bk_vector *x, const bk_vector *y,
                        wide fx, wide fy, wide limit, bool narrow, bk_vector *v, size_t n) {
    switch (op) {
    case DEC_MUL: return fast_vector_op(DEC_MUL, mode, x, y, fx, fy, limit, narrow, v, n);
    case DEC_ADD: return fast_vector_op(DEC_ADD, mode, x, y, fx, fy, limit, narrow, v, n);
    default: return fast_vector_op(DEC_SUB, mode, x, y, fx, fy, limit, narrow, v, n);
    }
}

static bk_status dec_arith(const exec_call *call, dec_op op, bk_vector *const *args, size_t n,
                           bk_vector **out, bk_error *err) {
    const bk_type *rt = call->expr->type;
    bk_vector *v;
    BK_TRY(exec_fn_result_unset(call, rt, args, 2, n, &v, err)); /* every row written below */
    int sx = args[0]->type->scale, sy = args[1]->type->scale, rs = rt->scale;
    bool narrow = rt->precision <= BK_DECIMAL_INT64_MAX_PRECISION;
    /* the machine-arithmetic path: a result scale needing no rounding */
    int s_common = sx > sy ? sx : sy;
    bool fast = (op == DEC_MUL && rs == sx + sy) ||
                ((op == DEC_ADD || op == DEC_SUB) && rs == s_common);
    wide fx = fast && op != DEC_MUL ? pow10_wide(s_common - sx) : 1;
    wide fy = fast && op != DEC_MUL ? pow10_wide(s_common - sy) : 1;
    wide limit = pow10_wide(rt->precision);
    int px = args[0]->type->precision, py = args[1]->type->precision;
    dec_mode mode = DEC_CHECKED;
    if (fast && s_common - sx <= 18 && s_common - sy <= 18 && fits_i64(args[0], n) &&
        fits_i64(args[1], n)) {
        /* operands within their precisions: |x y| < 10^(px+py), |x +- y| < 10^(digits+1) */
        int need = op == DEC_MUL ? px + py : BK_MAX(px - sx, py - sy) + s_common + 1;
        mode = need <= rt->precision ? DEC_BOUNDED : DEC_SMALL;
    }
    if (fast && fast_vector(op, mode, args[0], args[1], fx, fy, limit, narrow, v, n)) {
        *out = v;
        return BK_OK;
    }
    /* some row is out of range (or a NULL row's slot holds anything): row by row */
    for (size_t i = 0; i < n; i++) {
        if (v->validity && !bk_vector_is_valid(v, i)) {
            if (narrow)
                ((int64_t *)v->data)[i] = 0;
            else
                ((bk_i128 *)v->data)[i] = (bk_i128){0, 0};
            continue;
        }
        wide fr;
        if (fast &&
            dec_row_fast(op, mode, load_wide(args[0], i), load_wide(args[1], i), fx, fy, limit,
                         &fr)) {
            if (narrow)
                ((int64_t *)v->data)[i] = (int64_t)fr;
            else
                ((bk_i128 *)v->data)[i] =
                    (bk_i128){(uint64_t)fr, (int64_t)((unsigned __int128)fr >> 64)};
            continue;
        }
        bk_i128 r = {0, 0};
        bool div_zero = false;
        bool ok = dec_row(op, load(args[0], i), sx, load(args[1], i), sy, rs, &r, &div_zero) &&
                  bk_i128_fits_precision(r, rt->precision);
        if (!ok) {
            if (call->ctx->ansi)
                return div_zero ? exec_fn_divide_by_zero(err) : dec_out_of_range(rt, err);
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            r = (bk_i128){0, 0};
        }
        if (narrow)
            ((int64_t *)v->data)[i] = bk_i128_low_i64(r);
        else
            ((bk_i128 *)v->data)[i] = r;
    }
    *out = v;
    return BK_OK;
}

#define DEC_KERNEL(fn, op)                                                                         \
    bk_status fn(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,         \
                 bk_error *err) {                                                                  \
        return dec_arith(call, op, args, n, out, err);                                             \
    }
DEC_KERNEL(exec_fn_decimal_add, DEC_ADD)
DEC_KERNEL(exec_fn_decimal_subtract, DEC_SUB)
DEC_KERNEL(exec_fn_decimal_multiply, DEC_MUL)
DEC_KERNEL(exec_fn_decimal_divide, DEC_DIV)
DEC_KERNEL(exec_fn_decimal_remainder, DEC_MOD)

/*
 * a DIV b on DECIMAL operands: the quotient truncated toward zero, as BIGINT
 * (Spark's IntegralDivide on decimals).  A zero divisor is DIVIDE_BY_ZERO under
 * ANSI and NULL otherwise; a quotient past BIGINT is ARITHMETIC_OVERFLOW under ANSI
 * and wraps to its low 64 bits otherwise (BigDecimal.longValue; NULL past 128 bits).
 * The scales meet through the exact 256-bit product (i128.c), so DECIMAL(38, 0) div
 * DECIMAL(38, 38) needs no operand past 128 bits.
 */
bk_status exec_fn_decimal_int_divide(const exec_call *call, bk_vector *const *args, size_t n,
                                     bk_vector **out, bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, 2, n, &v, err));
    int sx = args[0]->type->scale, sy = args[1]->type->scale;
    int64_t *r = v->data;
    for (size_t i = 0; i < n; i++) {
        r[i] = 0;
        if (!bk_vector_is_valid(v, i)) continue;
        bk_i128 x = load(args[0], i), y = load(args[1], i), q, big;
        if (bk_i128_is_zero(y)) {
            if (call->ctx->ansi) return exec_fn_divide_by_zero(err);
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            continue;
        }
        /* x / y at a common scale: x * 10^(sy - sx) / y, or x / (y * 10^(sx - sy)) */
        bool fits = true;
        q = (bk_i128){0, 0}; /* when |y| 10^k passes 2^127, which is above any |x| */
        if (sy >= sx)
            fits = bk_i128_mul_div_trunc(x, bk_i128_pow10(sy - sx), y, &q);
        else if (bk_i128_mul_pow10(y, sx - sy, &big))
            fits = bk_i128_divmod(x, big, &q, NULL);
        if (fits && bk_i128_to_i64(q, &r[i])) continue;
        if (call->ctx->ansi) return exec_fn_overflow(err, "long", "try_divide");
        if (fits)
            r[i] = bk_i128_low_i64(q);
        else /* past 128 bits: no low word to keep */
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
    }
    *out = v;
    return BK_OK;
}

bk_status exec_fn_decimal_negate(const exec_call *call, bk_vector *const *args, size_t n,
                                 bk_vector **out, bk_error *err) {
    const bk_type *rt = call->expr->type;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, rt, args, 1, n, &v, err));
    bool narrow = rt->precision <= BK_DECIMAL_INT64_MAX_PRECISION;
    for (size_t i = 0; i < n; i++) {
        bk_i128 r;
        if (!bk_i128_neg(load(args[0], i), &r))
            r = (bk_i128){0, 0}; /* cannot happen at 38 digits */
        if (narrow)
            ((int64_t *)v->data)[i] = bk_i128_low_i64(r);
        else
            ((bk_i128 *)v->data)[i] = r;
    }
    *out = v;
    return BK_OK;
}
