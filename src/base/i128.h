/*
 * i128.h — 128-bit two's complement integers (bk_i128, types.h) for DECIMAL values.
 *
 * A DECIMAL(p,s) value is an unscaled integer u meaning u * 10^-s with |u| < 10^p.
 * These functions are the arithmetic that decimal kernels (casts, + - * / %) stand
 * on: exact add/sub/mul with overflow detection, division with truncation or with
 * HALF_UP rounding (ties away from zero, as java.math.RoundingMode.HALF_UP), and
 * rescaling by powers of ten.  Written over 64-bit halves with no compiler 128-bit
 * type, so it builds with any C11 compiler.
 *
 * Conventions: functions that can overflow return false and leave *out unchanged;
 * "overflow" means the result does not fit in [-2^127, 2^127 - 1].  Precision
 * limits (10^38) are the caller's check, with bk_i128_fits_precision.  Everything
 * is pure, allocation-free and thread-safe.
 */
#ifndef BRICKS_BASE_I128_H
#define BRICKS_BASE_I128_H

#include "base/bk.h"
#include "base/types.h"

#define BK_I128_MAX_POW10 38

/* Text of any value with a scale fits in this many bytes (sign, 39 digits, '.', "0.", NUL). */
#define BK_I128_TEXT_MAX 48

static inline bk_i128 bk_i128_make(int64_t hi, uint64_t lo) {
    bk_i128 v = {lo, hi};
    return v;
}

static inline bk_i128 bk_i128_from_i64(int64_t v) {
    return bk_i128_make(v < 0 ? -1 : 0, (uint64_t)v);
}

static inline bool bk_i128_is_zero(bk_i128 v) { return v.hi == 0 && v.lo == 0; }
static inline bool bk_i128_is_neg(bk_i128 v) { return v.hi < 0; }
static inline int bk_i128_sign(bk_i128 v) { return v.hi < 0 ? -1 : bk_i128_is_zero(v) ? 0 : 1; }

/* INT128_MIN and INT128_MAX. */
bk_i128 bk_i128_min(void);
bk_i128 bk_i128_max(void);

/* -1, 0 or 1 as a < b, a == b, a > b. */
int bk_i128_cmp(bk_i128 a, bk_i128 b);

/* The value as int64 when it fits (false otherwise). */
bool bk_i128_to_i64(bk_i128 v, int64_t *out);
/* The low 64 bits as int64 (Java's BigInteger.longValue: wraps). */
static inline int64_t bk_i128_low_i64(bk_i128 v) { return (int64_t)v.lo; }

/* The nearest double (round half to even, exact for |v| < 2^53). */
double bk_i128_to_double(bk_i128 v);
/* trunc(d) when it lies in [-2^127, 2^127); false otherwise (NaN, infinities too). */
bool bk_i128_from_double(double d, bk_i128 *out);

bool bk_i128_add(bk_i128 a, bk_i128 b, bk_i128 *out) BK_MUST_USE;
bool bk_i128_sub(bk_i128 a, bk_i128 b, bk_i128 *out) BK_MUST_USE;
bool bk_i128_mul(bk_i128 a, bk_i128 b, bk_i128 *out) BK_MUST_USE;
/* -a; false only for INT128_MIN. */
bool bk_i128_neg(bk_i128 a, bk_i128 *out) BK_MUST_USE;

/*
 * Truncating division: q = trunc(a / b), r = a - q * b (r has the sign of a, as C
 * and Java).  Either of q, r may be NULL.  False when b == 0 or for INT128_MIN / -1.
 */
bool bk_i128_divmod(bk_i128 a, bk_i128 b, bk_i128 *q, bk_i128 *r) BK_MUST_USE;
/* a / b rounded HALF_UP (ties away from zero).  False when b == 0 or on overflow. */
bool bk_i128_div_round(bk_i128 a, bk_i128 b, bk_i128 *q) BK_MUST_USE;

/*
 * a * b / 10^k rounded HALF_UP (k >= 0), with the product computed exactly in 256 bits,
 * so it may exceed 128 bits as long as the result does not.  False when it does.
 */
bool bk_i128_mul_scale_down(bk_i128 a, bk_i128 b, int k, bk_i128 *out) BK_MUST_USE;
/* a * b / d rounded HALF_UP, through the exact 256-bit product.  False when d == 0 or the
 * result does not fit in 128 bits. */
bool bk_i128_mul_div_round(bk_i128 a, bk_i128 b, bk_i128 d, bk_i128 *out) BK_MUST_USE;
/* The same truncated toward zero. */
bool bk_i128_mul_div_trunc(bk_i128 a, bk_i128 b, bk_i128 d, bk_i128 *out) BK_MUST_USE;

/* 10^k for 0 <= k <= 38 (k outside: 0). */
bk_i128 bk_i128_pow10(int k);
/* a * 10^k (0 <= k <= 38); false on overflow. */
bool bk_i128_mul_pow10(bk_i128 a, int k, bk_i128 *out) BK_MUST_USE;
/* a / 10^k rounded HALF_UP (0 <= k <= 38; for k > 38 the result is 0).  Never overflows. */
bk_i128 bk_i128_div_pow10_round(bk_i128 a, int k);
/* a / 10^k truncated toward zero (k >= 0). */
bk_i128 bk_i128_div_pow10_trunc(bk_i128 a, int k);
/*
 * Change the scale of an unscaled value from `from_scale` to `to_scale`: multiply by
 * 10^(to-from), or divide rounding HALF_UP.  False on overflow of 128 bits.
 */
bool bk_i128_rescale(bk_i128 a, int from_scale, int to_scale, bk_i128 *out) BK_MUST_USE;

/* Decimal digits of |v| (1 for 0; 39 at most). */
int bk_i128_digits(bk_i128 v);
/* |v| < 10^precision (precision 1..38). */
bool bk_i128_fits_precision(bk_i128 v, int precision);

/*
 * Plain decimal text of v * 10^-scale ("-12.345", "0.05", "12"; scale 0..38; a
 * negative scale appends zeros).  Writes at most cap bytes, NUL-terminated when
 * cap > 0, and returns the length needed (snprintf semantics).
 */
size_t bk_i128_format(bk_i128 v, int scale, char *dst, size_t cap);

/* Outcome of bk_i128_parse. */
typedef enum bk_i128_parse_result {
    BK_I128_PARSE_OK = 0,
    BK_I128_PARSE_MALFORMED, /* not a decimal number */
    BK_I128_PARSE_OVERFLOW   /* a number, but more than 38 integer digits */
} bk_i128_parse_result;

/*
 * Parse a decimal number the way java.math.BigDecimal reads it, after trimming
 * ASCII whitespace and control characters: [+|-] digits [. digits] [(e|E) [+|-]
 * digits], with at least one digit before or after the point ("1.", ".5", "1e3",
 * "+1.5E-2").  The value is *unscaled * 10^-*scale exactly, where *scale may be
 * negative ("1e3" gives 1, -3).  Significant digits past 38 are rounded HALF_UP
 * into 38 (the scale drops accordingly), so any number below 10^38 is accepted.
 */
bk_i128_parse_result bk_i128_parse(const char *s, size_t len, bk_i128 *unscaled, int *scale);

#endif
