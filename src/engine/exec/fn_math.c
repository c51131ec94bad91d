/*
 * fn_math.c — math functions as vectorized kernels, with Spark's binding rules.
 *
 * Most functions are DOUBLE -> DOUBLE (integers, decimals and numeric strings
 * are cast to DOUBLE, as Spark's ImplicitCastInputTypes does); the logarithms
 * give NULL outside their domain (ln(0), log10(-1)), as Spark does, while
 * sqrt(-1) and acos(2) give NaN.  abs, positive, negative, round, bround,
 * mod, pmod, greatest and least keep their argument types; floor and ceil turn
 * floating-point values into BIGINT and decimals into DECIMAL(p - s + 1, 0).
 *
 * Rounding: DECIMAL values round exactly in 128-bit integers; DOUBLE values
 * round the way Spark's BigDecimal(x).setScale(d, mode) does, that is on the
 * shortest decimal text that reads back as x (Double.toString), so round(0.285,
 * 2) is 0.29 although the binary value is below 0.285.
 *
 * Result types that depend on a constant scale (round(DECIMAL, d), ceil(x, d),
 * floor(x, d)) cannot be known by `bind`, which sees types only: bind returns
 * DECIMAL(min(p + 1, 38), s), which holds every rounded value, and a binder
 * that knows d may use exec_fn_round_type for Spark's exact type; the kernels
 * rescale to whatever DECIMAL type the expression has.
 *
 * Integer overflow (abs(INT_MIN), round of an integer to a negative scale,
 * pmod) raises ARITHMETIC_OVERFLOW in ANSI mode and wraps otherwise; decimal
 * results that do not fit raise NUMERIC_VALUE_OUT_OF_RANGE in ANSI mode and are
 * NULL otherwise.  The try_ functions give NULL instead of any of these errors.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/i128.h"
#include "base/str.h"
#include "engine/exec/fn_library_int.h"
#include "engine/plan/coerce.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

#define FOR_VALID(v)                                                                               \
    for (size_t i = 0; i < n; i++)                                                                 \
        if (bk_vector_is_valid((v), i))

/* ---------------------------------------------------------------------------------------------
 * Binding
 * ------------------------------------------------------------------------------------------- */

/* Every argument DOUBLE, result DOUBLE. */
static EXEC_BIND(bind_double) {
    (void)a;
    *result = T(BK_TYPE_DOUBLE);
    return exec_fnlib_expect_all("math function", args, 0, n_args, T(BK_TYPE_DOUBLE), cast_to, err);
}

/* A numeric argument keeping its type; VOID and STRING become DOUBLE. */
static bk_status numeric_arg(const char *fn, const bk_type *const *args, uint32_t i,
                             const bk_type **cast_to, bk_error *err) {
    const bk_type *t = args[i];
    if (t->kind == BK_TYPE_VOID || t->kind == BK_TYPE_STRING) t = T(BK_TYPE_DOUBLE);
    if (!exec_fnlib_is_numeric(t)) return exec_fnlib_mismatch(err, fn, i, "\"NUMERIC\"", t);
    cast_to[i] = t;
    return BK_OK;
}

static bool is_interval(const bk_type *t) {
    return t->kind == BK_TYPE_INTERVAL_YM || t->kind == BK_TYPE_INTERVAL_DT;
}

/* abs(x): a numeric or interval x keeps its type. */
static EXEC_BIND(bind_numeric_same) {
    (void)a;
    (void)n_args;
    if (is_interval(args[0]))
        cast_to[0] = args[0];
    else
        BK_TRY(numeric_arg("abs", args, 0, cast_to, err));
    *result = cast_to[0];
    return BK_OK;
}

/*
 * Spark's RoundBase result type for DECIMAL(p,s) rounded to `scale`: with
 * scale < 0, DECIMAL(max(p - s + 1, 1 - scale), 0); else DECIMAL(p - s + 1 +
 * min(s, scale), min(s, scale)); precision capped at 38.  Other types keep
 * their type.  NULL on OOM.
 */
const bk_type *exec_fn_round_type(bk_arena *a, const bk_type *arg, int scale) {
    if (arg->kind != BK_TYPE_DECIMAL) return arg;
    int p = arg->precision, s = arg->scale, integral = p - s + 1;
    if (scale < 0) {
        int np = integral > 1 - scale ? integral : 1 - scale;
        return bk_type_make_decimal(a, np > 38 ? 38 : np, 0);
    }
    int ns = s < scale ? s : scale;
    return bk_type_make_decimal(a, integral + ns > 38 ? 38 : integral + ns, ns);
}

/* The scale-independent DECIMAL that holds every rounding of DECIMAL(p,s). */
static const bk_type *round_any_type(bk_arena *a, const bk_type *t) {
    return bk_type_make_decimal(a, t->precision + 1 > 38 ? 38 : t->precision + 1, t->scale);
}

/* round/bround(x[, INT d]): numeric x keeps its type (DECIMAL: see the file comment). */
static EXEC_BIND(bind_round) {
    BK_TRY(numeric_arg("round", args, 0, cast_to, err));
    if (n_args == 2) BK_TRY(exec_fnlib_expect("round", args, 1, T(BK_TYPE_INT), cast_to, err));
    *result = cast_to[0];
    if (cast_to[0]->kind == BK_TYPE_DECIMAL) {
        *result =
            n_args == 2 ? round_any_type(a, cast_to[0]) : exec_fn_round_type(a, cast_to[0], 0);
        if (!*result) return bk_arena_oom(a, err);
    }
    return BK_OK;
}

/*
 * floor/ceil(x): BIGINT for integers and floating point, DECIMAL(p - s + 1, 0)
 * for DECIMAL(p,s).  floor/ceil(x, INT d): x as a DECIMAL (Spark's RoundFloor /
 * RoundCeil take DECIMAL), result as bind_round.
 */
static EXEC_BIND(bind_floor_ceil) {
    BK_TRY(numeric_arg("floor", args, 0, cast_to, err));
    const bk_type *t = cast_to[0];
    if (n_args == 1) {
        if (t->kind == BK_TYPE_DECIMAL) {
            int p = t->precision - t->scale + 1;
            *result = t->scale == 0 ? t : bk_type_make_decimal(a, p > 38 ? 38 : p, 0);
        } else {
            *result = T(BK_TYPE_BIGINT);
        }
        if (!*result) return bk_arena_oom(a, err);
        return BK_OK;
    }
    BK_TRY(exec_fnlib_expect("floor", args, 1, T(BK_TYPE_INT), cast_to, err));
    if (t->kind != BK_TYPE_DECIMAL) {
        t = plan_decimal_for_type(a, t);
        if (!t) return exec_fnlib_mismatch(err, "floor", 0, "\"DECIMAL\"", args[0]);
        cast_to[0] = t;
    }
    *result = round_any_type(a, t);
    if (!*result) return bk_arena_oom(a, err);
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * DOUBLE -> DOUBLE
 * ------------------------------------------------------------------------------------------- */

/* A DOUBLE kernel computing r = EXPR(x) for every row (NULL rows too: harmless). */
#define DOUBLE_FN(kname, EXPR)                                                                     \
    static EXEC_KERNEL(kname) {                                                                    \
        bk_vector *v;                                                                              \
        BK_TRY(exec_fn_result(call, T(BK_TYPE_DOUBLE), args, 1, n, &v, err));                      \
        const double *xs = args[0]->data;                                                          \
        double *r = v->data;                                                                       \
        for (size_t i = 0; i < n; i++) {                                                           \
            double x = xs[i];                                                                      \
            r[i] = (EXPR);                                                                         \
        }                                                                                          \
        *out = v;                                                                                  \
        return BK_OK;                                                                              \
    }

/* Like DOUBLE_FN, but rows where NULLIF holds are NULL (a logarithm outside its domain). */
#define DOUBLE_FN_NULL(kname, NULLIF, EXPR)                                                        \
    static EXEC_KERNEL(kname) {                                                                    \
        bk_vector *v;                                                                              \
        BK_TRY(exec_fn_result(call, T(BK_TYPE_DOUBLE), args, 1, n, &v, err));                      \
        const double *xs = args[0]->data;                                                          \
        double *r = v->data;                                                                       \
        for (size_t i = 0; i < n; i++) {                                                           \
            double x = xs[i];                                                                      \
            if (NULLIF) {                                                                          \
                r[i] = 0;                                                                          \
                BK_TRY(exec_fn_set_null(call->a, v, i, err));                                      \
                continue;                                                                          \
            }                                                                                      \
            r[i] = (EXPR);                                                                         \
        }                                                                                          \
        *out = v;                                                                                  \
        return BK_OK;                                                                              \
    }

static inline double signum(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }

DOUBLE_FN(k_sqrt, sqrt(x))
/* cbrt, exact on perfect cubes (glibc's cbrt(27) is 3.0000000000000004; Java's is 3.0). */
static inline double exact_cbrt(double x) {
    double r = cbrt(x), k = nearbyint(r);
    return k * k * k == x ? k : r;
}

DOUBLE_FN(k_cbrt, exact_cbrt(x))
DOUBLE_FN(k_exp, exp(x))
DOUBLE_FN(k_expm1, expm1(x))
DOUBLE_FN_NULL(k_ln, x <= 0, log(x))
DOUBLE_FN_NULL(k_log10, x <= 0, log10(x))
DOUBLE_FN_NULL(k_log2, x <= 0, log2(x))
DOUBLE_FN_NULL(k_log1p, x <= -1, log1p(x))
DOUBLE_FN(k_sin, sin(x))
DOUBLE_FN(k_cos, cos(x))
DOUBLE_FN(k_tan, tan(x))
DOUBLE_FN(k_cot, 1.0 / tan(x))
DOUBLE_FN(k_sec, 1.0 / cos(x))
DOUBLE_FN(k_csc, 1.0 / sin(x))
DOUBLE_FN(k_asin, asin(x))
DOUBLE_FN(k_acos, acos(x))
DOUBLE_FN(k_atan, atan(x))
DOUBLE_FN(k_sinh, sinh(x))
DOUBLE_FN(k_cosh, cosh(x))
DOUBLE_FN(k_tanh, tanh(x))
DOUBLE_FN(k_asinh, asinh(x))
DOUBLE_FN(k_acosh, acosh(x))
DOUBLE_FN(k_atanh, atanh(x))
DOUBLE_FN(k_degrees, x *(180.0 / M_PI))
DOUBLE_FN(k_radians, x *(M_PI / 180.0))
DOUBLE_FN(k_signum_double, signum(x))

/* signum(x): x as DOUBLE, or an interval (its months or microseconds), as Spark. */
static EXEC_BIND(bind_signum) {
    if (!is_interval(args[0])) return bind_double(a, args, n_args, cast_to, result, err);
    cast_to[0] = args[0];
    *result = T(BK_TYPE_DOUBLE);
    return BK_OK;
}

static EXEC_KERNEL(k_signum) {
    const bk_vector *x = args[0];
    if (!is_interval(x->type)) return k_signum_double(call, args, n, out, err);
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_DOUBLE), args, 1, n, &v, err));
    double *r = v->data;
    for (size_t i = 0; i < n; i++) {
        int64_t u = x->type->kind == BK_TYPE_INTERVAL_YM ? ((const int32_t *)x->data)[i]
                                                         : ((const int64_t *)x->data)[i];
        r[i] = u > 0 ? 1.0 : u < 0 ? -1.0 : 0.0;
    }
    *out = v;
    return BK_OK;
}

/* A two-argument DOUBLE kernel r = EXPR(x, y). */
#define DOUBLE_FN2(kname, EXPR)                                                                    \
    static EXEC_KERNEL(kname) {                                                                    \
        bk_vector *v;                                                                              \
        BK_TRY(exec_fn_result(call, T(BK_TYPE_DOUBLE), args, 2, n, &v, err));                      \
        const double *xs = args[0]->data, *ys = args[1]->data;                                     \
        double *r = v->data;                                                                       \
        for (size_t i = 0; i < n; i++) {                                                           \
            double x = xs[i], y = ys[i];                                                           \
            r[i] = (EXPR);                                                                         \
        }                                                                                          \
        *out = v;                                                                                  \
        return BK_OK;                                                                              \
    }

DOUBLE_FN2(k_pow, pow(x, y))
DOUBLE_FN2(k_atan2, atan2(x, y))
DOUBLE_FN2(k_hypot, hypot(x, y))

/* ln/log with one argument; log(base, x) = ln(x) / ln(base), NULL when either is <= 0. */
static EXEC_KERNEL(k_log) {
    if (call->expr->n_args == 1) return k_ln(call, args, n, out, err);
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_DOUBLE), args, 2, n, &v, err));
    const double *b = args[0]->data, *x = args[1]->data;
    double *r = v->data;
    for (size_t i = 0; i < n; i++) {
        if (b[i] <= 0 || x[i] <= 0) {
            r[i] = 0;
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            continue;
        }
        r[i] = log(x[i]) / log(b[i]);
    }
    *out = v;
    return BK_OK;
}

/* pi() and e(): constants, one per row. */
static bk_status constant(const exec_call *call, double c, size_t n, bk_vector **out,
                          bk_error *err) {
    bk_vector *v = bk_vector_make(call->a, T(BK_TYPE_DOUBLE), n);
    if (!v) return bk_arena_oom(call->a, err);
    double *r = v->data;
    for (size_t i = 0; i < n; i++) r[i] = c;
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_pi) {
    (void)args;
    return constant(call, M_PI, n, out, err);
}

static EXEC_KERNEL(k_e) {
    (void)args;
    return constant(call, M_E, n, out, err);
}

/* ---------------------------------------------------------------------------------------------
 * abs, positive, negative, sign
 * ------------------------------------------------------------------------------------------- */

/* Java's word for an integral type (or the storage of an interval) in overflow messages. */
static const char *int_word(bk_type_kind k) {
    if (k == BK_TYPE_BIGINT || k == BK_TYPE_INTERVAL_DT) return "long";
    if (k == BK_TYPE_INT || k == BK_TYPE_INTERVAL_YM) return "integer";
    return k == BK_TYPE_SMALLINT ? "short" : "byte";
}

static inline bk_i128 dec_load(const bk_vector *x, size_t i) {
    if (x->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION)
        return bk_i128_from_i64(((const int64_t *)x->data)[i]);
    return ((const bk_i128 *)x->data)[i];
}

static inline void dec_store(bk_vector *v, size_t i, bk_i128 u) {
    if (v->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION)
        ((int64_t *)v->data)[i] = bk_i128_low_i64(u);
    else
        ((bk_i128 *)v->data)[i] = u;
}

/* abs(x): same type; abs of the smallest integer overflows (ANSI error, else itself). */
/* abs(x); the most negative integer overflows under ANSI, the most negative interval always. */
static EXEC_KERNEL(k_abs) {
    const bk_type *t = call->expr->type;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, t, args, 1, n, &v, err));
    bool check = call->ctx->ansi || is_interval(t);
#define ABS_INT(TY, MINV)                                                                          \
    do {                                                                                           \
        const TY *x = args[0]->data;                                                               \
        TY *r = v->data;                                                                           \
        for (size_t i = 0; i < n; i++) {                                                           \
            if (BK_UNLIKELY(x[i] == (MINV)) && check && bk_vector_is_valid(v, i))                  \
                return exec_fn_overflow(err, int_word(t->kind), "try_abs");                        \
            r[i] = x[i] < 0 ? (TY)(0 - (uint64_t)x[i]) : x[i];                                     \
        }                                                                                          \
    } while (0)
    switch (t->kind) {
    case BK_TYPE_TINYINT:
        ABS_INT(int8_t, INT8_MIN);
        break;
    case BK_TYPE_SMALLINT:
        ABS_INT(int16_t, INT16_MIN);
        break;
    case BK_TYPE_INT:
    case BK_TYPE_INTERVAL_YM:
        ABS_INT(int32_t, INT32_MIN);
        break;
    case BK_TYPE_BIGINT:
    case BK_TYPE_INTERVAL_DT:
        ABS_INT(int64_t, INT64_MIN);
        break;
    case BK_TYPE_FLOAT:
        for (size_t i = 0; i < n; i++)
            ((float *)v->data)[i] = fabsf(((const float *)args[0]->data)[i]);
        break;
    case BK_TYPE_DOUBLE:
        for (size_t i = 0; i < n; i++)
            ((double *)v->data)[i] = fabs(((const double *)args[0]->data)[i]);
        break;
    case BK_TYPE_DECIMAL:
        for (size_t i = 0; i < n; i++) {
            bk_i128 u = dec_load(args[0], i), neg;
            dec_store(v, i, bk_i128_is_neg(u) && bk_i128_neg(u, &neg) ? neg : u);
        }
        break;
    default:
        return bk_error_set(err, BK_INTERNAL, "abs of kind %d is not bound", (int)t->kind);
    }
#undef ABS_INT
    *out = v;
    return BK_OK;
}

/* positive(x): x itself (a new vector header over the same values). */
static EXEC_KERNEL(k_positive) {
    (void)n;
    bk_vector *v = bk_arena_memdup(call->a, args[0], sizeof *args[0]);
    if (!v) return bk_arena_oom(call->a, err);
    *out = v;
    return BK_OK;
}

/* negative(x): unary minus (fn_arith.c / fn_decimal.c). */
static EXEC_KERNEL(k_negative) {
    if (call->expr->type->kind == BK_TYPE_DECIMAL)
        return exec_fn_decimal_negate(call, args, n, out, err);
    return exec_fn_negate(call, args, n, out, err);
}

/* ---------------------------------------------------------------------------------------------
 * Rounding
 * ------------------------------------------------------------------------------------------- */

typedef enum round_mode { ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_CEILING, ROUND_FLOOR } round_mode;

/*
 * u (an unscaled integer) divided by 10^k and rounded by `mode`; k >= 0.
 * For k > 38 the quotient is 0 with u as the remainder.
 */
static bk_i128 div_pow10_mode(bk_i128 u, int k, round_mode mode) {
    if (k == 0) return u;
    bk_i128 q = bk_i128_from_i64(0), r = u, d = bk_i128_pow10(k > 38 ? 38 : k);
    if (k <= 38 && !bk_i128_divmod(u, d, &q, &r)) return u;
    if (bk_i128_is_zero(r)) return q;
    int sign = bk_i128_sign(r);
    bool away;
    if (mode == ROUND_CEILING || mode == ROUND_FLOOR) {
        away = mode == ROUND_CEILING ? sign > 0 : sign < 0;
    } else if (k > 38) {
        away = false; /* |r| < 10^38 <= half of 10^k */
    } else {
        bk_i128 ar = r, rest;
        if (sign < 0 && !bk_i128_neg(r, &ar)) ar = r;
        if (!bk_i128_sub(d, ar, &rest)) rest = d;
        int c = bk_i128_cmp(ar, rest); /* |r| vs 10^k - |r| */
        away = c > 0 || (c == 0 && (mode == ROUND_HALF_UP || (q.lo & 1)));
    }
    if (away) {
        bk_i128 one = bk_i128_from_i64(sign), q2;
        if (bk_i128_add(q, one, &q2)) q = q2;
    }
    return q;
}

/*
 * DECIMAL u at scale s rounded to scale d, then expressed at scale rs; false
 * when it does not fit `precision` digits.
 */
static bool dec_round(bk_i128 u, int s, int d, round_mode mode, int rs, int precision,
                      bk_i128 *out) {
    bk_i128 q = u;
    int qs = s;
    if (d < s) {
        q = div_pow10_mode(u, s - d, mode);
        qs = d;
    }
    if (rs > qs) {
        if (rs - qs > 38 || !bk_i128_mul_pow10(q, rs - qs, &q)) return false;
    } else if (rs < qs) {
        q = div_pow10_mode(q, qs - rs, mode); /* cannot happen with Spark's types */
    }
    if (!bk_i128_fits_precision(q, precision)) return false;
    *out = q;
    return true;
}

/*
 * x rounded to d decimal places on its shortest decimal text (Java's
 * Double.toString digits), HALF_UP or HALF_EVEN; NaN and infinities unchanged.
 */
static double round_double(double x, int d, round_mode mode) {
    if (!isfinite(x) || x == 0) return x;
    char buf[48];
    int p;
    double back = 0;
    for (p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, x);
        if (bk_parse_double(buf, strlen(buf), &back) && back == x) break;
    }
    if (p > 17) p = 17;
    snprintf(buf, sizeof buf, "%.*e", p - 1, x);
    /* buf: [-]D[.DDD]e[+-]XX */
    bool neg = buf[0] == '-';
    char digits[24];
    int nd = 0;
    const char *c = buf + neg;
    for (; *c && *c != 'e'; c++)
        if (*c >= '0' && *c <= '9') digits[nd++] = *c;
    int64_t e10 = 0;
    if (*c == 'e' && !bk_parse_i64(c + 1 + (c[1] == '+'), strlen(c + 1 + (c[1] == '+')), &e10))
        return x;
    /* digit j weighs 10^(e10 - j); keep digits with weight >= 10^-d */
    int64_t keep = e10 + d + 1;
    if (keep >= nd) return x;
    bool up;
    if (keep < 0) {
        up = false;
    } else {
        int next = digits[keep] - '0';
        bool rest_nonzero = false;
        for (int j = (int)keep + 1; j < nd; j++) rest_nonzero |= digits[j] != '0';
        int prev = keep > 0 ? digits[keep - 1] - '0' : 0;
        up = next > 5 || (next == 5 && (mode == ROUND_HALF_UP || rest_nonzero || (prev & 1)));
    }
    /* the kept digits as an integer K, value = K * 10^(e10 - keep + 1) */
    char kept[26];
    int nk = 0;
    kept[nk++] = '0';
    for (int j = 0; j < keep; j++) kept[nk++] = digits[j];
    if (up) {
        int j = nk - 1;
        while (j >= 0 && kept[j] == '9') kept[j--] = '0';
        if (j >= 0) kept[j]++;
    }
    char text[64];
    snprintf(text, sizeof text, "%s%.*se%lld", neg ? "-" : "", nk, kept,
             (long long)(e10 - keep + 1));
    double r;
    if (!bk_parse_double(text, strlen(text), &r)) return x;
    return r == 0 && neg ? -0.0 : r;
}

static bk_status dec_out_of_range(const exec_call *call, bk_vector *v, size_t i, bk_error *err) {
    if (!call->ctx->ansi) return exec_fn_set_null(call->a, v, i, err);
    char tname[64];
    bk_type_format(call->expr->type, tname, sizeof tname);
    return bk_error_set_sub(err, BK_NUMERIC_VALUE_OUT_OF_RANGE, "WITH_SUGGESTION",
                            "The rounded value cannot be represented as %s. If necessary set "
                            "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                            tname);
}

/* Integers rounded to a negative scale: 10^-d multiples, overflow per ANSI. */
#define ROUND_INT(TY, LO, HI)                                                                      \
    do {                                                                                           \
        const TY *x = args[0]->data;                                                               \
        TY *r = v->data;                                                                           \
        for (size_t i = 0; i < n; i++) {                                                           \
            if (!bk_vector_is_valid(v, i)) continue;                                               \
            int d = scales ? scales[i] : 0;                                                        \
            if (d >= 0) {                                                                          \
                r[i] = x[i];                                                                       \
                continue;                                                                          \
            }                                                                                      \
            bk_i128 q = div_pow10_mode(bk_i128_from_i64(x[i]), -d, mode), w;                       \
            int64_t w64 = 0;                                                                       \
            bool ok = -d <= 38 && bk_i128_mul_pow10(q, -d, &w) && bk_i128_to_i64(w, &w64) &&       \
                      w64 >= (LO) && w64 <= (HI);                                                  \
            if (!ok && call->ctx->ansi)                                                            \
                return exec_fn_overflow(err, int_word(t->kind), "try_round");                      \
            r[i] = ok ? (TY)w64 : 0;                                                               \
        }                                                                                          \
    } while (0)

static bk_status round_kernel(const exec_call *call, round_mode mode, bk_vector *const *args,
                              size_t n, bk_vector **out, bk_error *err) {
    const bk_type *t = call->expr->type;
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, t, args, n_args, n, &v, err));
    const int32_t *scales = n_args == 2 ? args[1]->data : NULL;
    switch (args[0]->type->kind) {
    case BK_TYPE_TINYINT:
        ROUND_INT(int8_t, INT8_MIN, INT8_MAX);
        break;
    case BK_TYPE_SMALLINT:
        ROUND_INT(int16_t, INT16_MIN, INT16_MAX);
        break;
    case BK_TYPE_INT:
        ROUND_INT(int32_t, INT32_MIN, INT32_MAX);
        break;
    case BK_TYPE_BIGINT:
        ROUND_INT(int64_t, INT64_MIN, INT64_MAX);
        break;
    case BK_TYPE_FLOAT: {
        const float *x = args[0]->data;
        float *r = v->data;
        FOR_VALID(v) r[i] = (float)round_double(x[i], scales ? scales[i] : 0, mode);
        break;
    }
    case BK_TYPE_DOUBLE: {
        const double *x = args[0]->data;
        double *r = v->data;
        FOR_VALID(v) r[i] = round_double(x[i], scales ? scales[i] : 0, mode);
        break;
    }
    case BK_TYPE_DECIMAL: {
        int s = args[0]->type->scale;
        FOR_VALID(v) {
            bk_i128 q;
            if (!dec_round(dec_load(args[0], i), s, scales ? scales[i] : 0, mode, t->scale,
                           t->precision, &q)) {
                BK_TRY(dec_out_of_range(call, v, i, err));
                continue;
            }
            dec_store(v, i, q);
        }
        break;
    }
    default:
        return bk_error_set(err, BK_INTERNAL, "round of kind %d is not bound", (int)t->kind);
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_round) { return round_kernel(call, ROUND_HALF_UP, args, n, out, err); }
static EXEC_KERNEL(k_bround) { return round_kernel(call, ROUND_HALF_EVEN, args, n, out, err); }

/* floor/ceil: BIGINT from integers and floating point (saturating like Java's cast). */
static inline int64_t dbl_to_i64(double d) {
    if (d != d) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}

static bk_status floor_ceil(const exec_call *call, bool ceiling, bk_vector *const *args, size_t n,
                            bk_vector **out, bk_error *err) {
    const bk_type *t = call->expr->type;
    if (t->kind == BK_TYPE_DECIMAL) {
        uint32_t n_args = call->expr->n_args;
        bk_vector *v;
        BK_TRY(exec_fn_result(call, t, args, n_args, n, &v, err));
        const int32_t *scales = n_args == 2 ? args[1]->data : NULL;
        int s = args[0]->type->scale;
        round_mode mode = ceiling ? ROUND_CEILING : ROUND_FLOOR;
        FOR_VALID(v) {
            bk_i128 q;
            if (!dec_round(dec_load(args[0], i), s, scales ? scales[i] : 0, mode, t->scale,
                           t->precision, &q)) {
                BK_TRY(dec_out_of_range(call, v, i, err));
                continue;
            }
            dec_store(v, i, q);
        }
        *out = v;
        return BK_OK;
    }
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BIGINT), args, 1, n, &v, err));
    int64_t *r = v->data;
    switch (args[0]->type->kind) {
    case BK_TYPE_TINYINT:
        for (size_t i = 0; i < n; i++) r[i] = ((const int8_t *)args[0]->data)[i];
        break;
    case BK_TYPE_SMALLINT:
        for (size_t i = 0; i < n; i++) r[i] = ((const int16_t *)args[0]->data)[i];
        break;
    case BK_TYPE_INT:
        for (size_t i = 0; i < n; i++) r[i] = ((const int32_t *)args[0]->data)[i];
        break;
    case BK_TYPE_BIGINT:
        memcpy(r, args[0]->data, n * sizeof *r);
        break;
    case BK_TYPE_FLOAT: {
        const float *x = args[0]->data;
        for (size_t i = 0; i < n; i++) r[i] = dbl_to_i64(ceiling ? ceil(x[i]) : floor(x[i]));
        break;
    }
    case BK_TYPE_DOUBLE: {
        const double *x = args[0]->data;
        for (size_t i = 0; i < n; i++) r[i] = dbl_to_i64(ceiling ? ceil(x[i]) : floor(x[i]));
        break;
    }
    default:
        return bk_error_set(err, BK_INTERNAL, "floor/ceil of kind %d is not bound",
                            (int)args[0]->type->kind);
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_floor) { return floor_ceil(call, false, args, n, out, err); }
static EXEC_KERNEL(k_ceil) { return floor_ceil(call, true, args, n, out, err); }

/* ---------------------------------------------------------------------------------------------
 * mod, pmod, try_ arithmetic
 * ------------------------------------------------------------------------------------------- */

static bk_status bind_arith(bk_arena *a, plan_arith_op op, const bk_type *const *args,
                            const bk_type **cast_to, const bk_type **result, bk_error *err) {
    plan_arith_types at;
    BK_TRY(plan_arith_types_for(a, op, args[0], args[1], true, true, &at, err));
    cast_to[0] = at.left;
    cast_to[1] = at.right;
    *result = at.result;
    return BK_OK;
}

static EXEC_BIND(bind_mod) {
    (void)n_args;
    return bind_arith(a, PLAN_ARITH_MOD, args, cast_to, result, err);
}
static EXEC_BIND(bind_add) {
    (void)n_args;
    return bind_arith(a, PLAN_ARITH_ADD, args, cast_to, result, err);
}
static EXEC_BIND(bind_sub) {
    (void)n_args;
    return bind_arith(a, PLAN_ARITH_SUB, args, cast_to, result, err);
}
static EXEC_BIND(bind_mul) {
    (void)n_args;
    return bind_arith(a, PLAN_ARITH_MUL, args, cast_to, result, err);
}
static EXEC_BIND(bind_div) {
    (void)n_args;
    return bind_arith(a, PLAN_ARITH_DIV, args, cast_to, result, err);
}

/* mod(a, b) = a % b. */
static EXEC_KERNEL(k_mod) {
    if (call->expr->type->kind == BK_TYPE_DECIMAL)
        return exec_fn_decimal_remainder(call, args, n, out, err);
    return exec_fn_remainder(call, args, n, out, err);
}

/* pmod(a, n): a % n, made non-negative for n > 0 ((r + n) % n, as Spark). */
static EXEC_KERNEL(k_pmod) {
    bk_vector *v;
    BK_TRY(k_mod(call, args, n, &v, err));
    const bk_type *t = call->expr->type;
#define PMOD_LOOP(TY, DIV_T)                                                                       \
    do {                                                                                           \
        TY *r = v->data;                                                                           \
        const DIV_T *d = args[1]->data;                                                            \
        for (size_t i = 0; i < n; i++)                                                             \
            if (r[i] < 0 && bk_vector_is_valid(v, i)) r[i] = (TY)fmod((double)r[i] + d[i], d[i]);  \
    } while (0)
    switch (t->kind) {
    case BK_TYPE_TINYINT:
    case BK_TYPE_SMALLINT:
    case BK_TYPE_INT:
    case BK_TYPE_BIGINT: {
        size_t w = bk_type_width(t);
        for (size_t i = 0; i < n; i++) {
            if (!bk_vector_is_valid(v, i)) continue;
            int64_t r = 0, d = 0;
            if (w == 1) r = ((int8_t *)v->data)[i], d = ((const int8_t *)args[1]->data)[i];
            if (w == 2) r = ((int16_t *)v->data)[i], d = ((const int16_t *)args[1]->data)[i];
            if (w == 4) r = ((int32_t *)v->data)[i], d = ((const int32_t *)args[1]->data)[i];
            if (w == 8) r = ((int64_t *)v->data)[i], d = ((const int64_t *)args[1]->data)[i];
            if (r >= 0 || d == 0) continue;
            int64_t s;
            if (__builtin_add_overflow(r, d, &s)) s = (int64_t)((uint64_t)r + (uint64_t)d);
            s = d == -1 ? 0 : s % d;
            if (w == 1) ((int8_t *)v->data)[i] = (int8_t)s;
            if (w == 2) ((int16_t *)v->data)[i] = (int16_t)s;
            if (w == 4) ((int32_t *)v->data)[i] = (int32_t)s;
            if (w == 8) ((int64_t *)v->data)[i] = s;
        }
        break;
    }
    case BK_TYPE_FLOAT:
        PMOD_LOOP(float, float);
        break;
    case BK_TYPE_DOUBLE:
        PMOD_LOOP(double, double);
        break;
    case BK_TYPE_DECIMAL: {
        /* |r| < |n|: for n > 0 the result is r + n, for n < 0 it is r */
        int ds = args[1]->type->scale;
        FOR_VALID(v) {
            bk_i128 r = dec_load(v, i), d = dec_load(args[1], i), dr, sum;
            if (!bk_i128_is_neg(r) || bk_i128_is_neg(d)) continue;
            if (bk_i128_rescale(d, ds, t->scale, &dr) && bk_i128_add(r, dr, &sum))
                dec_store(v, i, sum);
        }
        break;
    }
    default:
        return bk_error_set(err, BK_INTERNAL, "pmod of kind %d is not bound", (int)t->kind);
    }
#undef PMOD_LOOP
    *out = v;
    return BK_OK;
}

typedef enum try_op { TRY_ADD, TRY_SUB, TRY_MUL } try_op;

/*
 * try_add / try_subtract / try_multiply: as + - *, with NULL for overflow.
 * Integers are checked here; decimals and floating point reuse the operator
 * kernels in legacy mode (decimal overflow is NULL there).
 */
static bk_status try_arith(const exec_call *call, try_op op, bk_vector *const *args, size_t n,
                           bk_vector **out, bk_error *err) {
    exec_ctx legacy = *call->ctx;
    legacy.ansi = false;
    exec_call lc = *call;
    lc.ctx = &legacy;
    const bk_type *t = call->expr->type;
    if (!exec_fnlib_is_integral(t)) {
        if (t->kind == BK_TYPE_DECIMAL)
            return op == TRY_ADD   ? exec_fn_decimal_add(&lc, args, n, out, err)
                   : op == TRY_SUB ? exec_fn_decimal_subtract(&lc, args, n, out, err)
                                   : exec_fn_decimal_multiply(&lc, args, n, out, err);
        return op == TRY_ADD   ? exec_fn_add(&lc, args, n, out, err)
               : op == TRY_SUB ? exec_fn_subtract(&lc, args, n, out, err)
                               : exec_fn_multiply(&lc, args, n, out, err);
    }
    bk_vector *v;
    BK_TRY(exec_fn_result(call, t, args, 2, n, &v, err));
    size_t w = bk_type_width(t);
    int64_t lo = w == 1 ? INT8_MIN : w == 2 ? INT16_MIN : w == 4 ? INT32_MIN : INT64_MIN;
    int64_t hi = w == 1 ? INT8_MAX : w == 2 ? INT16_MAX : w == 4 ? INT32_MAX : INT64_MAX;
    FOR_VALID(v) {
        int64_t x = 0, y = 0, r;
        if (w == 1) x = ((const int8_t *)args[0]->data)[i], y = ((const int8_t *)args[1]->data)[i];
        if (w == 2)
            x = ((const int16_t *)args[0]->data)[i], y = ((const int16_t *)args[1]->data)[i];
        if (w == 4)
            x = ((const int32_t *)args[0]->data)[i], y = ((const int32_t *)args[1]->data)[i];
        if (w == 8)
            x = ((const int64_t *)args[0]->data)[i], y = ((const int64_t *)args[1]->data)[i];
        bool over = op == TRY_ADD   ? __builtin_add_overflow(x, y, &r)
                    : op == TRY_SUB ? __builtin_sub_overflow(x, y, &r)
                                    : __builtin_mul_overflow(x, y, &r);
        if (over || r < lo || r > hi) {
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            r = 0;
        }
        if (w == 1) ((int8_t *)v->data)[i] = (int8_t)r;
        if (w == 2) ((int16_t *)v->data)[i] = (int16_t)r;
        if (w == 4) ((int32_t *)v->data)[i] = (int32_t)r;
        if (w == 8) ((int64_t *)v->data)[i] = r;
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_try_add) { return try_arith(call, TRY_ADD, args, n, out, err); }
static EXEC_KERNEL(k_try_subtract) { return try_arith(call, TRY_SUB, args, n, out, err); }
static EXEC_KERNEL(k_try_multiply) { return try_arith(call, TRY_MUL, args, n, out, err); }

/* try_divide(a, b): a / b, NULL for a zero divisor or a decimal overflow. */
static EXEC_KERNEL(k_try_divide) {
    exec_ctx legacy = *call->ctx;
    legacy.ansi = false;
    exec_call lc = *call;
    lc.ctx = &legacy;
    if (call->expr->type->kind == BK_TYPE_DECIMAL)
        return exec_fn_decimal_divide(&lc, args, n, out, err);
    return exec_fn_divide(&lc, args, n, out, err);
}

/* ---------------------------------------------------------------------------------------------
 * greatest, least
 * ------------------------------------------------------------------------------------------- */

static EXEC_BIND(bind_greatest) {
    const bk_type *t = exec_fnlib_common_type(a, args, 0, n_args);
    if (!t || bk_type_is_nested(t))
        return bk_arena_failed(a) ? bk_arena_oom(a, err)
                                  : bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "DATA_DIFF_TYPES",
                                                     "Cannot resolve \"greatest(...)\" due to "
                                                     "data type mismatch: the arguments must have "
                                                     "one comparable type.");
    if (t->kind == BK_TYPE_VOID) t = T(BK_TYPE_VOID);
    for (uint32_t k = 0; k < n_args; k++) cast_to[k] = t;
    *result = t;
    return BK_OK;
}

/* greatest/least(a, b, ...): the largest / smallest non-NULL value (NULL if all are). */
static bk_status extreme(const exec_call *call, int sign, bk_vector *const *args, size_t n,
                         bk_vector **out, bk_error *err) {
    uint32_t n_args = call->expr->n_args;
    int32_t *pick = bk_arena_array(call->a, n ? n : 1, sizeof *pick);
    if (!pick) return bk_arena_oom(call->a, err);
    for (size_t i = 0; i < n; i++) pick[i] = -1;
    if (call->expr->type->kind != BK_TYPE_VOID) {
        for (uint32_t k = 0; k < n_args; k++) {
            const bk_vector *x = args[k];
            for (size_t i = 0; i < n; i++) {
                if (!bk_vector_is_valid(x, i)) continue;
                if (pick[i] < 0 || sign * bk_vector_compare(x, i, args[pick[i]], i) > 0)
                    pick[i] = (int32_t)k;
            }
        }
    }
    return exec_fnlib_pick(call, call->expr->type, args, n_args, pick, n, out, err);
}

static EXEC_KERNEL(k_greatest) { return extreme(call, 1, args, n, out, err); }
static EXEC_KERNEL(k_least) { return extreme(call, -1, args, n, out, err); }

/* ---------------------------------------------------------------------------------------------
 * rand, factorial, width_bucket, bin
 * ------------------------------------------------------------------------------------------- */

/* rand state: the seed and a row counter shared by the worker threads. */
typedef struct rand_state {
    uint64_t seed;
    _Atomic uint64_t next_row;
} rand_state;

static EXEC_BIND(bind_rand) {
    (void)a;
    *result = T(BK_TYPE_DOUBLE);
    if (n_args == 1) BK_TRY(exec_fnlib_expect("rand", args, 0, T(BK_TYPE_BIGINT), cast_to, err));
    return BK_OK;
}

/* The seed (constant argument, else the clock) in e->state. */
static bk_status prepare_rand(bk_arena *a, exec_expr *e, bk_error *err) {
    rand_state *st = bk_arena_zalloc(a, sizeof *st);
    if (!st) return bk_arena_oom(a, err);
    if (exec_fnlib_is_const(e, 0) && bk_vector_is_valid(e->args[0]->value, 0))
        st->seed = (uint64_t)((const int64_t *)e->args[0]->value->data)[0];
    else
        st->seed = (uint64_t)bk_now_micros();
    e->state = st;
    return BK_OK;
}

/* splitmix64: a well-mixed 64-bit value of x. */
static inline uint64_t mix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/*
 * rand([seed]) / random: uniform in [0, 1); randn([seed]): standard normal.
 * Row k of the query (counted across chunks) gets mix(seed, k): reproducible
 * for a seed in a serial plan, but not Spark's sequence (which also depends on
 * the partition).
 */
static bk_status rand_kernel(const exec_call *call, bool normal, size_t n, bk_vector **out,
                             bk_error *err) {
    rand_state *st = call->expr->state;
    uint64_t seed = st ? st->seed : 42;
    uint64_t base = st ? atomic_fetch_add(&st->next_row, n) : 0;
    bk_vector *v = bk_vector_make(call->a, T(BK_TYPE_DOUBLE), n);
    if (!v) return bk_arena_oom(call->a, err);
    double *r = v->data;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = mix64(seed ^ mix64(base + i));
        double u = (double)(h >> 11) * (1.0 / 9007199254740992.0);
        if (normal) {
            double u2 = (double)(mix64(h) >> 11) * (1.0 / 9007199254740992.0);
            u = sqrt(-2.0 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * u2);
        }
        r[i] = u;
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_rand) {
    (void)args;
    return rand_kernel(call, false, n, out, err);
}

static EXEC_KERNEL(k_randn) {
    (void)args;
    return rand_kernel(call, true, n, out, err);
}

static EXEC_BIND(bind_factorial) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_BIGINT);
    return exec_fnlib_expect("factorial", args, 0, T(BK_TYPE_INT), cast_to, err);
}

/* factorial(n): n! for 0 <= n <= 20, else NULL. */
static EXEC_KERNEL(k_factorial) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BIGINT), args, 1, n, &v, err));
    const int32_t *x = args[0]->data;
    int64_t *r = v->data;
    FOR_VALID(v) {
        if (x[i] < 0 || x[i] > 20) {
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            continue;
        }
        int64_t f = 1;
        for (int k = 2; k <= x[i]; k++) f *= k;
        r[i] = f;
    }
    *out = v;
    return BK_OK;
}

/* width_bucket(v, min, max, n): v, min and max DOUBLE, or all intervals of one kind. */
static EXEC_BIND(bind_width_bucket) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_BIGINT);
    if (is_interval(args[0]) && args[1]->kind == args[0]->kind && args[2]->kind == args[0]->kind)
        for (uint32_t i = 0; i < 3; i++) cast_to[i] = args[i];
    else
        BK_TRY(exec_fnlib_expect_all("width_bucket", args, 0, 3, T(BK_TYPE_DOUBLE), cast_to, err));
    return exec_fnlib_expect("width_bucket", args, 3, T(BK_TYPE_BIGINT), cast_to, err);
}

/*
 * width_bucket(v, min, max, n): the bucket of v among n equal buckets over
 * [min, max) (reversed when min > max): 0 below, n + 1 above; NULL when n <= 0,
 * min = max, or any value is NaN or infinite.
 */
/* The values of a DOUBLE vector, or an interval vector's months or microseconds as DOUBLE. */
static const double *as_doubles(bk_arena *a, const bk_vector *x, size_t n) {
    if (!is_interval(x->type)) return x->data;
    double *d = bk_arena_array(a, n ? n : 1, sizeof *d);
    if (!d) return NULL;
    for (size_t i = 0; i < n; i++)
        d[i] = x->type->kind == BK_TYPE_INTERVAL_YM ? (double)((const int32_t *)x->data)[i]
                                                    : (double)((const int64_t *)x->data)[i];
    return d;
}

static EXEC_KERNEL(k_width_bucket) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BIGINT), args, 4, n, &v, err));
    const double *x = as_doubles(call->a, args[0], n), *lo = as_doubles(call->a, args[1], n),
                 *hi = as_doubles(call->a, args[2], n);
    if (!x || !lo || !hi) return bk_arena_oom(call->a, err);
    const int64_t *nb = args[3]->data;
    int64_t *r = v->data;
    FOR_VALID(v) {
        double val = x[i], mn = lo[i], mx = hi[i];
        int64_t k = nb[i];
        if (k <= 0 || k == INT64_MAX || mn == mx || !isfinite(val) || !isfinite(mn) ||
            !isfinite(mx)) {
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            continue;
        }
        bool asc = mn < mx;
        if (asc ? val < mn : val > mn)
            r[i] = 0;
        else if (asc ? val >= mx : val <= mx)
            r[i] = k + 1;
        else
            r[i] = (int64_t)((double)k * (val - mn) / (mx - mn)) + 1;
    }
    *out = v;
    return BK_OK;
}

static EXEC_BIND(bind_bin) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_STRING);
    return exec_fnlib_expect("bin", args, 0, T(BK_TYPE_BIGINT), cast_to, err);
}

/* bin(x): the two's complement bits of a BIGINT, without leading zeros. */
static EXEC_KERNEL(k_bin) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 1, n, &v, err));
    const int64_t *x = args[0]->data;
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        uint64_t u = (uint64_t)x[i];
        char tmp[64];
        size_t len = 0;
        do {
            tmp[len++] = (char)('0' + (u & 1));
            u >>= 1;
        } while (u);
        char *dst = exec_strbuf_alloc(&sb, len);
        if (!dst) return bk_arena_oom(call->a, err);
        for (size_t k = 0; k < len; k++) dst[k] = tmp[len - 1 - k];
        r[i] = bk_str_make(dst, len);
    }
    *out = v;
    return BK_OK;
}

static EXEC_BIND(bind_none_double) {
    (void)a;
    (void)args;
    (void)n_args;
    (void)cast_to;
    (void)err;
    *result = T(BK_TYPE_DOUBLE);
    return BK_OK;
}

const exec_fn_def exec_fn_math_defs[] = {
    {"abs", 1, 1, bind_numeric_same, k_abs, NULL},
    {"positive", 1, 1, bind_numeric_same, k_positive, NULL},
    {"negative", 1, 1, bind_numeric_same, k_negative, NULL},
    {"sign", 1, 1, bind_signum, k_signum, NULL},
    {"signum", 1, 1, bind_signum, k_signum, NULL},
    {"round", 1, 2, bind_round, k_round, NULL},
    {"bround", 1, 2, bind_round, k_bround, NULL},
    {"floor", 1, 2, bind_floor_ceil, k_floor, NULL},
    {"ceil", 1, 2, bind_floor_ceil, k_ceil, NULL},
    {"ceiling", 1, 2, bind_floor_ceil, k_ceil, NULL},
    {"sqrt", 1, 1, bind_double, k_sqrt, NULL},
    {"cbrt", 1, 1, bind_double, k_cbrt, NULL},
    {"exp", 1, 1, bind_double, k_exp, NULL},
    {"expm1", 1, 1, bind_double, k_expm1, NULL},
    {"ln", 1, 1, bind_double, k_ln, NULL},
    {"log", 1, 2, bind_double, k_log, NULL},
    {"log10", 1, 1, bind_double, k_log10, NULL},
    {"log2", 1, 1, bind_double, k_log2, NULL},
    {"log1p", 1, 1, bind_double, k_log1p, NULL},
    {"pow", 2, 2, bind_double, k_pow, NULL},
    {"power", 2, 2, bind_double, k_pow, NULL},
    {"sin", 1, 1, bind_double, k_sin, NULL},
    {"cos", 1, 1, bind_double, k_cos, NULL},
    {"tan", 1, 1, bind_double, k_tan, NULL},
    {"cot", 1, 1, bind_double, k_cot, NULL},
    {"sec", 1, 1, bind_double, k_sec, NULL},
    {"csc", 1, 1, bind_double, k_csc, NULL},
    {"asin", 1, 1, bind_double, k_asin, NULL},
    {"acos", 1, 1, bind_double, k_acos, NULL},
    {"atan", 1, 1, bind_double, k_atan, NULL},
    {"atan2", 2, 2, bind_double, k_atan2, NULL},
    {"sinh", 1, 1, bind_double, k_sinh, NULL},
    {"cosh", 1, 1, bind_double, k_cosh, NULL},
    {"tanh", 1, 1, bind_double, k_tanh, NULL},
    {"asinh", 1, 1, bind_double, k_asinh, NULL},
    {"acosh", 1, 1, bind_double, k_acosh, NULL},
    {"atanh", 1, 1, bind_double, k_atanh, NULL},
    {"degrees", 1, 1, bind_double, k_degrees, NULL},
    {"radians", 1, 1, bind_double, k_radians, NULL},
    {"hypot", 2, 2, bind_double, k_hypot, NULL},
    {"pi", 0, 0, bind_none_double, k_pi, NULL},
    {"e", 0, 0, bind_none_double, k_e, NULL},
    {"rand", 0, 1, bind_rand, k_rand, prepare_rand},
    {"random", 0, 1, bind_rand, k_rand, prepare_rand},
    {"randn", 0, 1, bind_rand, k_randn, prepare_rand},
    {"mod", 2, 2, bind_mod, k_mod, NULL},
    {"pmod", 2, 2, bind_mod, k_pmod, NULL},
    {"try_add", 2, 2, bind_add, k_try_add, NULL},
    {"try_subtract", 2, 2, bind_sub, k_try_subtract, NULL},
    {"try_multiply", 2, 2, bind_mul, k_try_multiply, NULL},
    {"try_divide", 2, 2, bind_div, k_try_divide, NULL},
    {"greatest", 2, -1, bind_greatest, k_greatest, NULL},
    {"least", 2, -1, bind_greatest, k_least, NULL},
    {"factorial", 1, 1, bind_factorial, k_factorial, NULL},
    {"width_bucket", 4, 4, bind_width_bucket, k_width_bucket, NULL},
    {"bin", 1, 1, bind_bin, k_bin, NULL},
};

const size_t exec_fn_math_n = sizeof exec_fn_math_defs / sizeof exec_fn_math_defs[0];
