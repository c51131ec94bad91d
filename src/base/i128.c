/*
 * i128.c — 128-bit integer arithmetic for decimals (see i128.h).
 *
 * Signed operations work on magnitudes: a value is split into a sign and an
 * unsigned 128-bit magnitude (u128, below), the unsigned operation runs, and the
 * sign is put back with a range check (the magnitude of a negative result may be
 * 2^127, of a positive one at most 2^127 - 1).  Products go through 64x64->128
 * multiplication on 32-bit halves; quotients by divisors below 2^32 use long
 * division over 32-bit limbs, larger ones shift-and-subtract (at most 128 steps).
 */
#include "base/i128.h"

#include <math.h>

/* An unsigned 128-bit magnitude. */
typedef struct u128 {
    uint64_t hi;
    uint64_t lo;
} u128;

static const u128 U128_ZERO = {0, 0};

/* 10^0 .. 10^38 as unsigned magnitudes. */
static const u128 pow10_table[BK_I128_MAX_POW10 + 1] = {
    {0, UINT64_C(1)},
    {0, UINT64_C(10)},
    {0, UINT64_C(100)},
    {0, UINT64_C(1000)},
    {0, UINT64_C(10000)},
    {0, UINT64_C(100000)},
    {0, UINT64_C(1000000)},
    {0, UINT64_C(10000000)},
    {0, UINT64_C(100000000)},
    {0, UINT64_C(1000000000)},
    {0, UINT64_C(10000000000)},
    {0, UINT64_C(100000000000)},
    {0, UINT64_C(1000000000000)},
    {0, UINT64_C(10000000000000)},
    {0, UINT64_C(100000000000000)},
    {0, UINT64_C(1000000000000000)},
    {0, UINT64_C(10000000000000000)},
    {0, UINT64_C(100000000000000000)},
    {0, UINT64_C(1000000000000000000)},
    {0, UINT64_C(10000000000000000000)},
    {UINT64_C(5), UINT64_C(7766279631452241920)},
    {UINT64_C(54), UINT64_C(3875820019684212736)},
    {UINT64_C(542), UINT64_C(1864712049423024128)},
    {UINT64_C(5421), UINT64_C(200376420520689664)},
    {UINT64_C(54210), UINT64_C(2003764205206896640)},
    {UINT64_C(542101), UINT64_C(1590897978359414784)},
    {UINT64_C(5421010), UINT64_C(15908979783594147840)},
    {UINT64_C(54210108), UINT64_C(11515845246265065472)},
    {UINT64_C(542101086), UINT64_C(4477988020393345024)},
    {UINT64_C(5421010862), UINT64_C(7886392056514347008)},
    {UINT64_C(54210108624), UINT64_C(5076944270305263616)},
    {UINT64_C(542101086242), UINT64_C(13875954555633532928)},
    {UINT64_C(5421010862427), UINT64_C(9632337040368467968)},
    {UINT64_C(54210108624275), UINT64_C(4089650035136921600)},
    {UINT64_C(542101086242752), UINT64_C(4003012203950112768)},
    {UINT64_C(5421010862427522), UINT64_C(3136633892082024448)},
    {UINT64_C(54210108624275221), UINT64_C(12919594847110692864)},
    {UINT64_C(542101086242752217), UINT64_C(68739955140067328)},
    {UINT64_C(5421010862427522170), UINT64_C(687399551400673280)},
};

/* ---------------------------------------------------------------------------------------------
 * Unsigned magnitudes
 * ------------------------------------------------------------------------------------------- */

static int u128_cmp(u128 a, u128 b) {
    if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
    return 0;
}

static bool u128_is_zero(u128 a) { return a.hi == 0 && a.lo == 0; }

/* a + b modulo 2^128; *carry (may be NULL) tells whether it wrapped. */
static u128 u128_add(u128 a, u128 b, bool *carry) {
    u128 r;
    r.lo = a.lo + b.lo;
    uint64_t c = r.lo < a.lo;
    r.hi = a.hi + b.hi + c;
    if (carry) *carry = r.hi < a.hi || (r.hi == a.hi && c);
    return r;
}

/* a - b modulo 2^128 (callers ensure a >= b where it matters). */
static u128 u128_sub(u128 a, u128 b) {
    u128 r;
    r.lo = a.lo - b.lo;
    r.hi = a.hi - b.hi - (a.lo < b.lo);
    return r;
}

static u128 u128_shl1(u128 a) {
    u128 r = {(a.hi << 1) | (a.lo >> 63), a.lo << 1};
    return r;
}

/* The full 128-bit product of two 64-bit numbers, on 32-bit halves. */
static u128 mul_64x64(uint64_t a, uint64_t b) {
    uint64_t a_lo = (uint32_t)a, a_hi = a >> 32, b_lo = (uint32_t)b, b_hi = b >> 32;
    uint64_t ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    u128 r;
    r.lo = (mid << 32) | (uint32_t)ll;
    r.hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return r;
}

/* a * b; false when the product needs more than 128 bits. */
static bool u128_mul(u128 a, u128 b, u128 *out) {
    if (a.hi && b.hi) return false;
    u128 low = mul_64x64(a.lo, b.lo);
    /* at most one cross term is non-zero; it must fit in the high 64 bits */
    u128 cross = a.hi ? mul_64x64(a.hi, b.lo) : mul_64x64(a.lo, b.hi);
    if (cross.hi) return false;
    uint64_t hi = low.hi + cross.lo;
    if (hi < low.hi) return false;
    out->hi = hi;
    out->lo = low.lo;
    return true;
}

/* Number of leading zero bits (128 for zero). */
static int u128_clz(u128 a) {
    int n = 0;
    uint64_t word = a.hi;
    if (!word) {
        n = 64;
        word = a.lo;
        if (!word) return 128;
    }
    while (!(word & (UINT64_C(1) << 63))) {
        word <<= 1;
        n++;
    }
    return n;
}

/* q = a / d and r = a % d for d < 2^32: long division over four 32-bit limbs. */
static void u128_divmod_small(u128 a, uint32_t d, u128 *q, uint64_t *r) {
    uint32_t limbs[4] = {(uint32_t)(a.hi >> 32), (uint32_t)a.hi, (uint32_t)(a.lo >> 32),
                         (uint32_t)a.lo};
    uint64_t rem = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t cur = (rem << 32) | limbs[i];
        limbs[i] = (uint32_t)(cur / d);
        rem = cur % d;
    }
    q->hi = ((uint64_t)limbs[0] << 32) | limbs[1];
    q->lo = ((uint64_t)limbs[2] << 32) | limbs[3];
    *r = rem;
}

/* q = a / d, r = a % d (d != 0). */
static void u128_divmod(u128 a, u128 d, u128 *q, u128 *r) {
    if (d.hi == 0 && d.lo <= UINT32_MAX) {
        uint64_t rem;
        u128_divmod_small(a, (uint32_t)d.lo, q, &rem);
        r->hi = 0;
        r->lo = rem;
        return;
    }
    if (a.hi == 0 && d.hi == 0) {
        q->hi = 0;
        q->lo = a.lo / d.lo;
        r->hi = 0;
        r->lo = a.lo % d.lo;
        return;
    }
    if (u128_cmp(a, d) < 0) {
        *q = U128_ZERO;
        *r = a;
        return;
    }
    /* shift-and-subtract, starting at the dividend's highest set bit */
    u128 quot = U128_ZERO, rem = U128_ZERO;
    for (int bit = 127 - u128_clz(a); bit >= 0; bit--) {
        rem = u128_shl1(rem);
        uint64_t word = bit >= 64 ? a.hi : a.lo;
        rem.lo |= (word >> (bit & 63)) & 1;
        quot = u128_shl1(quot);
        if (u128_cmp(rem, d) >= 0) {
            rem = u128_sub(rem, d);
            quot.lo |= 1;
        }
    }
    *q = quot;
    *r = rem;
}

/* ---------------------------------------------------------------------------------------------
 * Signs and magnitudes
 * ------------------------------------------------------------------------------------------- */

static u128 magnitude(bk_i128 v) {
    u128 m = {(uint64_t)v.hi, v.lo};
    if (v.hi < 0) { /* two's complement negation */
        m.lo = ~m.lo + 1;
        m.hi = ~m.hi + (m.lo == 0);
    }
    return m;
}

/* sign * m as bk_i128; false when it is out of range. */
static bool from_magnitude(u128 m, bool negative, bk_i128 *out) {
    const uint64_t top = UINT64_C(1) << 63;
    if (m.hi > top || (m.hi == top && (m.lo != 0 || !negative))) return false;
    if (!negative && m.hi == top) return false;
    if (negative) {
        m.lo = ~m.lo + 1;
        m.hi = ~m.hi + (m.lo == 0);
    }
    out->hi = (int64_t)m.hi;
    out->lo = m.lo;
    return true;
}

bk_i128 bk_i128_min(void) { return bk_i128_make(INT64_MIN, 0); }
bk_i128 bk_i128_max(void) { return bk_i128_make(INT64_MAX, UINT64_MAX); }

int bk_i128_cmp(bk_i128 a, bk_i128 b) {
    if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
    return 0;
}

bool bk_i128_to_i64(bk_i128 v, int64_t *out) {
    int64_t lo = (int64_t)v.lo;
    if (v.hi != (lo < 0 ? -1 : 0)) return false;
    *out = lo;
    return true;
}

double bk_i128_to_double(bk_i128 v) {
    u128 m = magnitude(v);
    double r;
    if (m.hi == 0) {
        r = (double)m.lo;
    } else {
        /*
         * Take the top 64 significant bits and fold the rest into a sticky low bit:
         * 64 bits hold the 53 of a double plus guard bits, so one rounding (the
         * conversion of `top`) gives the correctly rounded result.
         */
        int shift = u128_clz(m);
        u128 norm = m;
        if (shift) {
            norm.hi = (m.hi << shift) | (m.lo >> (64 - shift));
            norm.lo = m.lo << shift;
        }
        uint64_t top = norm.hi | (norm.lo != 0);
        r = ldexp((double)top, 64 - shift);
    }
    return v.hi < 0 ? -r : r;
}

bool bk_i128_from_double(double d, bk_i128 *out) {
    if (!isfinite(d)) return false;
    double t = trunc(fabs(d));
    if (t > 0x1p127 || (t == 0x1p127 && d > 0)) return false; /* -2^127 fits */
    u128 m;
    m.hi = (uint64_t)(t / 0x1p64);
    m.lo = (uint64_t)(t - (double)m.hi * 0x1p64); /* exact: t is an integer below 2^127 */
    return from_magnitude(m, d < 0, out);
}

/* ---------------------------------------------------------------------------------------------
 * Arithmetic
 * ------------------------------------------------------------------------------------------- */

bool bk_i128_add(bk_i128 a, bk_i128 b, bk_i128 *out) {
    u128 ua = {(uint64_t)a.hi, a.lo}, ub = {(uint64_t)b.hi, b.lo};
    u128 s = u128_add(ua, ub, NULL);
    bk_i128 r = {s.lo, (int64_t)s.hi};
    /* overflow iff both operands have one sign and the result the other */
    if ((a.hi < 0) == (b.hi < 0) && (r.hi < 0) != (a.hi < 0)) return false;
    *out = r;
    return true;
}

bool bk_i128_neg(bk_i128 a, bk_i128 *out) {
    if (a.hi == INT64_MIN && a.lo == 0) return false;
    u128 m = magnitude(a);
    return from_magnitude(m, a.hi >= 0 && !bk_i128_is_zero(a), out);
}

bool bk_i128_sub(bk_i128 a, bk_i128 b, bk_i128 *out) {
    u128 ua = {(uint64_t)a.hi, a.lo}, ub = {(uint64_t)b.hi, b.lo};
    u128 s = u128_sub(ua, ub);
    bk_i128 r = {s.lo, (int64_t)s.hi};
    /* overflow iff the operands differ in sign and the result's sign is b's */
    if ((a.hi < 0) != (b.hi < 0) && (r.hi < 0) != (a.hi < 0)) return false;
    *out = r;
    return true;
}

bool bk_i128_mul(bk_i128 a, bk_i128 b, bk_i128 *out) {
    u128 p;
    if (!u128_mul(magnitude(a), magnitude(b), &p)) return false;
    return from_magnitude(p, (a.hi < 0) != (b.hi < 0) && !u128_is_zero(p), out);
}

bool bk_i128_divmod(bk_i128 a, bk_i128 b, bk_i128 *q, bk_i128 *r) {
    if (bk_i128_is_zero(b)) return false;
    u128 uq, ur;
    u128_divmod(magnitude(a), magnitude(b), &uq, &ur);
    bk_i128 sq, sr;
    bool q_negative = (a.hi < 0) != (b.hi < 0) && !u128_is_zero(uq);
    if (!from_magnitude(uq, q_negative, &sq)) return false; /* INT128_MIN / -1 */
    if (!from_magnitude(ur, a.hi < 0 && !u128_is_zero(ur), &sr)) return false;
    if (q) *q = sq;
    if (r) *r = sr;
    return true;
}

/* Round the magnitude quotient q of n / d up when the remainder r is at least half of d. */
static u128 round_half_up(u128 q, u128 r, u128 d) {
    /* r >= d - r  <=>  2r >= d, without overflowing 2r */
    if (u128_cmp(r, u128_sub(d, r)) >= 0) q = u128_add(q, pow10_table[0], NULL);
    return q;
}

bool bk_i128_div_round(bk_i128 a, bk_i128 b, bk_i128 *q) {
    if (bk_i128_is_zero(b)) return false;
    u128 d = magnitude(b), uq, ur;
    u128_divmod(magnitude(a), d, &uq, &ur);
    uq = round_half_up(uq, ur, d);
    bool negative = (a.hi < 0) != (b.hi < 0) && !u128_is_zero(uq);
    return from_magnitude(uq, negative, q);
}

/* ---------------------------------------------------------------------------------------------
 * Products wider than 128 bits: the product of two DECIMAL(38) values needs up to 254
 * bits before it is scaled back down.  A 256-bit magnitude is eight 32-bit limbs, most
 * significant first.
 * ------------------------------------------------------------------------------------------- */

typedef struct u256 {
    uint32_t limb[8];
} u256;

static void u128_limbs(u128 a, uint32_t out[4]) {
    out[0] = (uint32_t)(a.hi >> 32);
    out[1] = (uint32_t)a.hi;
    out[2] = (uint32_t)(a.lo >> 32);
    out[3] = (uint32_t)a.lo;
}

/* The exact product of two 128-bit magnitudes (schoolbook over 32-bit limbs). */
static u256 u256_mul(u128 a, u128 b) {
    uint32_t x[4], y[4];
    u128_limbs(a, x);
    u128_limbs(b, y);
    u256 p = {{0}};
    for (int i = 3; i >= 0; i--) {
        uint64_t carry = 0;
        for (int j = 3; j >= 0; j--) { /* at most (2^32 - 1)^2 + 2 (2^32 - 1) < 2^64 */
            uint64_t cur = (uint64_t)x[i] * y[j] + p.limb[i + j + 1] + carry;
            p.limb[i + j + 1] = (uint32_t)cur;
            carry = cur >> 32;
        }
        p.limb[i] = (uint32_t)carry;
    }
    return p;
}

/* p /= d for 0 < d < 2^32; the remainder. */
static uint32_t u256_divmod_small(u256 *p, uint32_t d) {
    uint64_t rem = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t cur = (rem << 32) | p->limb[i];
        p->limb[i] = (uint32_t)(cur / d);
        rem = cur % d;
    }
    return (uint32_t)rem;
}

/* p as a 128-bit magnitude; false when it needs more bits. */
static bool u256_narrow(const u256 *p, u128 *out) {
    if (p->limb[0] | p->limb[1] | p->limb[2] | p->limb[3]) return false;
    out->hi = ((uint64_t)p->limb[4] << 32) | p->limb[5];
    out->lo = ((uint64_t)p->limb[6] << 32) | p->limb[7];
    return true;
}

bool bk_i128_mul_scale_down(bk_i128 a, bk_i128 b, int k, bk_i128 *out) {
    u256 p = u256_mul(magnitude(a), magnitude(b));
    bool round_up = false;
    if (k > 0) { /* divide by 10^(k-1) truncating, then by 10: that digit decides HALF_UP */
        for (int left = k - 1; left > 0; left -= 9)
            (void)u256_divmod_small(&p, (uint32_t)pow10_table[left > 9 ? 9 : left].lo);
        round_up = u256_divmod_small(&p, 10) >= 5;
    }
    u128 m;
    if (!u256_narrow(&p, &m)) return false;
    if (round_up) {
        bool carry = false;
        m = u128_add(m, pow10_table[0], &carry);
        if (carry) return false;
    }
    return from_magnitude(m, (a.hi < 0) != (b.hi < 0) && !u128_is_zero(m), out);
}

/* a * b / d, rounded HALF_UP or truncated toward zero; false when d == 0 or on overflow. */
static bool mul_div(bk_i128 a, bk_i128 b, bk_i128 d, bool round, bk_i128 *out) {
    if (bk_i128_is_zero(d)) return false;
    u256 p = u256_mul(magnitude(a), magnitude(b));
    u128 md = magnitude(d), q = U128_ZERO, r = U128_ZERO;
    /* shift-subtract long division, one bit at a time: only rows that overflow get here */
    for (int bit = 255; bit >= 0; bit--) {
        bool top = r.hi >> 63;
        r = u128_shl1(r);
        r.lo |= (p.limb[7 - bit / 32] >> (bit % 32)) & 1u;
        if (q.hi >> 63) return false; /* the quotient needs more than 128 bits */
        q = u128_shl1(q);
        if (top || u128_cmp(r, md) >= 0) {
            r = u128_sub(r, md);
            q.lo |= 1;
        }
    }
    if (round) q = round_half_up(q, r, md);
    bool negative = ((a.hi < 0) != (b.hi < 0)) != (d.hi < 0) && !u128_is_zero(q);
    return from_magnitude(q, negative, out);
}

bool bk_i128_mul_div_round(bk_i128 a, bk_i128 b, bk_i128 d, bk_i128 *out) {
    return mul_div(a, b, d, true, out);
}

bool bk_i128_mul_div_trunc(bk_i128 a, bk_i128 b, bk_i128 d, bk_i128 *out) {
    return mul_div(a, b, d, false, out);
}

/* ---------------------------------------------------------------------------------------------
 * Powers of ten
 * ------------------------------------------------------------------------------------------- */

bk_i128 bk_i128_pow10(int k) {
    if (k < 0 || k > BK_I128_MAX_POW10) return bk_i128_make(0, 0);
    return bk_i128_make((int64_t)pow10_table[k].hi, pow10_table[k].lo);
}

bool bk_i128_mul_pow10(bk_i128 a, int k, bk_i128 *out) {
    if (k < 0 || k > BK_I128_MAX_POW10) return false;
    if (k == 0) {
        *out = a;
        return true;
    }
    u128 p;
    if (!u128_mul(magnitude(a), pow10_table[k], &p)) return false;
    return from_magnitude(p, a.hi < 0 && !u128_is_zero(p), out);
}

bk_i128 bk_i128_div_pow10_round(bk_i128 a, int k) {
    if (k <= 0) return a;
    if (k > BK_I128_MAX_POW10) return bk_i128_make(0, 0); /* |a| < 10^39 / 2 */
    u128 d = pow10_table[k], uq, ur;
    u128_divmod(magnitude(a), d, &uq, &ur);
    uq = round_half_up(uq, ur, d);
    bk_i128 r;
    (void)from_magnitude(uq, a.hi < 0 && !u128_is_zero(uq), &r); /* |q| <= |a| / 10 + 1 */
    return r;
}

bk_i128 bk_i128_div_pow10_trunc(bk_i128 a, int k) {
    if (k <= 0) return a;
    if (k > BK_I128_MAX_POW10) return bk_i128_make(0, 0);
    u128 uq, ur;
    u128_divmod(magnitude(a), pow10_table[k], &uq, &ur);
    bk_i128 r;
    (void)from_magnitude(uq, a.hi < 0 && !u128_is_zero(uq), &r);
    return r;
}

bool bk_i128_rescale(bk_i128 a, int from_scale, int to_scale, bk_i128 *out) {
    if (to_scale >= from_scale) {
        if (bk_i128_is_zero(a)) {
            *out = a;
            return true;
        }
        return bk_i128_mul_pow10(a, to_scale - from_scale, out);
    }
    *out = bk_i128_div_pow10_round(a, from_scale - to_scale);
    return true;
}

int bk_i128_digits(bk_i128 v) {
    u128 m = magnitude(v);
    int n = 1;
    while (n <= BK_I128_MAX_POW10 && u128_cmp(m, pow10_table[n]) >= 0) n++;
    return n;
}

bool bk_i128_fits_precision(bk_i128 v, int precision) {
    if (precision > BK_I128_MAX_POW10) return true;
    if (precision < 1) return false;
    return u128_cmp(magnitude(v), pow10_table[precision]) < 0;
}

/* ---------------------------------------------------------------------------------------------
 * Text
 * ------------------------------------------------------------------------------------------- */

size_t bk_i128_format(bk_i128 v, int scale, char *dst, size_t cap) {
    char digits[48], text[BK_I128_TEXT_MAX + BK_I128_MAX_POW10];
    int n_digits = 0;
    u128 m = magnitude(v);
    char rev[48];
    do {
        uint64_t rem;
        u128_divmod_small(m, 10, &m, &rem);
        rev[n_digits++] = (char)('0' + rem);
    } while (!u128_is_zero(m));
    for (int i = 0; i < n_digits; i++) digits[i] = rev[n_digits - 1 - i];

    size_t len = 0;
    if (v.hi < 0) text[len++] = '-';
    if (scale <= 0) {
        for (int i = 0; i < n_digits; i++) text[len++] = digits[i];
        if (!(n_digits == 1 && digits[0] == '0'))
            for (int i = 0; i < -scale && i < BK_I128_MAX_POW10; i++) text[len++] = '0';
    } else {
        if (scale > BK_I128_MAX_POW10) scale = BK_I128_MAX_POW10;
        int int_digits = n_digits - scale;
        if (int_digits <= 0) {
            text[len++] = '0';
            text[len++] = '.';
            for (int i = 0; i < -int_digits; i++) text[len++] = '0';
            for (int i = 0; i < n_digits; i++) text[len++] = digits[i];
        } else {
            for (int i = 0; i < int_digits; i++) text[len++] = digits[i];
            text[len++] = '.';
            for (int i = int_digits; i < n_digits; i++) text[len++] = digits[i];
        }
    }
    if (cap) {
        size_t copy = len < cap ? len : cap - 1;
        for (size_t i = 0; i < copy; i++) dst[i] = text[i];
        dst[copy] = '\0';
    }
    return len;
}

/* Whitespace and control characters, which Spark trims around numbers (trimAll). */
static bool is_trim_char(char c) { return (unsigned char)c <= ' '; }

bk_i128_parse_result bk_i128_parse(const char *s, size_t len, bk_i128 *unscaled, int *scale) {
    size_t pos = 0, end = len;
    while (pos < end && is_trim_char(s[pos])) pos++;
    while (end > pos && is_trim_char(s[end - 1])) end--;
    bool negative = false;
    if (pos < end && (s[pos] == '+' || s[pos] == '-')) negative = s[pos++] == '-';

    u128 acc = U128_ZERO;
    int n_sig = 0;          /* significant digits kept in acc */
    int frac_digits = 0;    /* digits after the point kept in acc */
    int dropped_int = 0;    /* integer digits past the 38 kept (scale them back) */
    int first_dropped = -1; /* the first digit dropped, for rounding */
    bool any_digit = false, seen_point = false, sticky = false;
    for (; pos < end; pos++) {
        char c = s[pos];
        if (c == '.') {
            if (seen_point) return BK_I128_PARSE_MALFORMED;
            seen_point = true;
            continue;
        }
        if (c < '0' || c > '9') break;
        any_digit = true;
        if (n_sig == 0 && c == '0') { /* leading zeros carry no significance */
            if (seen_point) frac_digits++;
            continue;
        }
        if (n_sig < BK_I128_MAX_POW10) {
            u128 ten;
            (void)u128_mul(acc, pow10_table[1], &ten); /* < 10^38: cannot overflow */
            u128 digit = {0, (uint64_t)(c - '0')};
            acc = u128_add(ten, digit, NULL);
            n_sig++;
            if (seen_point) frac_digits++;
        } else {
            if (first_dropped < 0)
                first_dropped = c - '0';
            else if (c != '0')
                sticky = true;
            if (!seen_point) dropped_int++;
        }
    }
    (void)sticky; /* HALF_UP needs only the first dropped digit */
    if (!any_digit) return BK_I128_PARSE_MALFORMED;

    int64_t exponent = 0;
    if (pos < end && (s[pos] == 'e' || s[pos] == 'E')) {
        pos++;
        bool exp_negative = false;
        if (pos < end && (s[pos] == '+' || s[pos] == '-')) exp_negative = s[pos++] == '-';
        if (pos >= end) return BK_I128_PARSE_MALFORMED;
        for (; pos < end && s[pos] >= '0' && s[pos] <= '9'; pos++) {
            if (exponent < 100000) exponent = exponent * 10 + (s[pos] - '0');
        }
        if (exp_negative) exponent = -exponent;
    }
    if (pos != end) return BK_I128_PARSE_MALFORMED;

    if (first_dropped >= 5) {
        acc = u128_add(acc, pow10_table[0], NULL);
        if (u128_cmp(acc, pow10_table[BK_I128_MAX_POW10]) >= 0) { /* 99..9 rounded up */
            uint64_t rem;
            u128_divmod_small(acc, 10, &acc, &rem);
            if (frac_digits > 0)
                frac_digits--;
            else
                dropped_int++;
        }
    }
    int64_t sc = (int64_t)frac_digits - dropped_int - exponent;
    if (u128_is_zero(acc)) {
        if (sc < -BK_I128_MAX_POW10) sc = 0;
        if (sc > 1000) sc = 1000;
    }
    /* integer digits = n_sig - sc; more than 38 can never fit any DECIMAL */
    if ((int64_t)n_sig - sc > BK_I128_MAX_POW10 && !u128_is_zero(acc))
        return BK_I128_PARSE_OVERFLOW;
    if (sc > 100000) sc = 100000; /* tiny values: the caller rounds them to 0 */
    bk_i128 v;
    (void)from_magnitude(acc, negative && !u128_is_zero(acc), &v);
    *unscaled = v;
    *scale = (int)sc;
    return BK_I128_PARSE_OK;
}
