/*
 * test_base_i128.c — 128-bit decimal arithmetic (base/i128.h): limits, overflow,
 * truncating and HALF_UP division, rescaling, digits, text in and out.
 */
#include "base/i128.h"
#include "test.h"

/* v as text with `scale` in a static buffer. */
static const char *fmt(bk_i128 v, int scale) {
    static char text[BK_I128_TEXT_MAX + 40];
    bk_i128_format(v, scale, text, sizeof text);
    return text;
}

/* Parse `s` and print it back with its own scale ("<malformed>"/"<overflow>"). */
static const char *reparse(const char *s) {
    static char text[BK_I128_TEXT_MAX + 80];
    bk_i128 v;
    int scale;
    bk_i128_parse_result r = bk_i128_parse(s, strlen(s), &v, &scale);
    if (r == BK_I128_PARSE_MALFORMED) return "<malformed>";
    if (r == BK_I128_PARSE_OVERFLOW) return "<overflow>";
    char num[BK_I128_TEXT_MAX + 40];
    bk_i128_format(v, 0, num, sizeof num);
    snprintf(text, sizeof text, "%s@%d", num, scale);
    return text;
}

static bk_i128 i(int64_t v) { return bk_i128_from_i64(v); }

/* 10^38 - 1, the largest DECIMAL(38,0). */
static bk_i128 max38(void) {
    bk_i128 r;
    if (!bk_i128_sub(bk_i128_pow10(38), i(1), &r)) r = i(0);
    return r;
}

BK_TEST(i128_limits_and_format) {
    ASSERT_STR_EQ(fmt(bk_i128_max(), 0), "170141183460469231731687303715884105727");
    ASSERT_STR_EQ(fmt(bk_i128_min(), 0), "-170141183460469231731687303715884105728");
    ASSERT_STR_EQ(fmt(max38(), 0), "99999999999999999999999999999999999999");
    ASSERT_STR_EQ(fmt(max38(), 38), "0.99999999999999999999999999999999999999");
    ASSERT_STR_EQ(fmt(i(-5), 2), "-0.05");
    ASSERT_STR_EQ(fmt(i(1234), 2), "12.34");
    ASSERT_STR_EQ(fmt(i(0), 3), "0.000");
    ASSERT_STR_EQ(fmt(i(12), -3), "12000");
    ASSERT_STR_EQ(fmt(i(INT64_MIN), 0), "-9223372036854775808");
    char small[4];
    ASSERT_EQ(bk_i128_format(i(-123456), 1, small, sizeof small), 8);
    ASSERT_STR_EQ(small, "-12");
}

BK_TEST(i128_add_sub_overflow) {
    bk_i128 r;
    ASSERT_TRUE(!bk_i128_add(bk_i128_max(), i(1), &r));
    ASSERT_TRUE(!bk_i128_sub(bk_i128_min(), i(1), &r));
    ASSERT_TRUE(bk_i128_add(bk_i128_min(), bk_i128_max(), &r));
    ASSERT_STR_EQ(fmt(r, 0), "-1");
    ASSERT_TRUE(bk_i128_add(i(UINT32_MAX), i(1), &r));
    ASSERT_TRUE(bk_i128_add(bk_i128_make(0, UINT64_MAX), i(1), &r));
    ASSERT_EQ(r.hi, 1);
    ASSERT_EQ(r.lo, 0);
    ASSERT_TRUE(bk_i128_sub(i(0), bk_i128_make(0, UINT64_MAX), &r));
    ASSERT_EQ(r.hi, -1);
    ASSERT_EQ(r.lo, 1);
    ASSERT_TRUE(!bk_i128_sub(i(0), bk_i128_min(), &r));
    ASSERT_TRUE(!bk_i128_neg(bk_i128_min(), &r));
    ASSERT_TRUE(bk_i128_neg(bk_i128_max(), &r));
    ASSERT_STR_EQ(fmt(r, 0), "-170141183460469231731687303715884105727");
    ASSERT_TRUE(bk_i128_neg(i(0), &r) && bk_i128_is_zero(r));
    ASSERT_EQ(bk_i128_cmp(i(-1), i(0)), -1);
    ASSERT_EQ(bk_i128_cmp(bk_i128_max(), bk_i128_min()), 1);
    ASSERT_EQ(bk_i128_cmp(i(7), i(7)), 0);
}

BK_TEST(i128_mul) {
    bk_i128 r, a = i(12345678901234567), b = i(-98765432109876543);
    ASSERT_TRUE(bk_i128_mul(a, b, &r));
    ASSERT_STR_EQ(fmt(r, 0), "-1219326311370217861743636654061881");
    ASSERT_TRUE(bk_i128_mul(i(-1), i(-1), &r));
    ASSERT_STR_EQ(fmt(r, 0), "1");
    ASSERT_TRUE(!bk_i128_mul(bk_i128_max(), i(2), &r));
    ASSERT_TRUE(!bk_i128_mul(bk_i128_min(), i(-1), &r));
    ASSERT_TRUE(bk_i128_mul(bk_i128_min(), i(1), &r));
    ASSERT_EQ(bk_i128_cmp(r, bk_i128_min()), 0);
    /* 2^64 * 2^63 = 2^127 does not fit as positive, -2^127 does */
    bk_i128 two64 = bk_i128_make(1, 0);
    ASSERT_TRUE(bk_i128_mul(two64, i(INT64_MIN) /* -2^63 */, &r));
    ASSERT_EQ(bk_i128_cmp(r, bk_i128_min()), 0);
    ASSERT_TRUE(!bk_i128_mul(two64, bk_i128_make(0, UINT64_C(1) << 63), &r));
    ASSERT_TRUE(!bk_i128_mul(two64, two64, &r));
    /* decimalArithmeticOperations.sql.out: 12345678901234567890.0 * 12345678901234567890.0 */
    bk_i128 x = i(INT64_C(1234567890123456789));
    ASSERT_TRUE(bk_i128_mul_pow10(x, 1, &x)); /* 12345678901234567890 */
    ASSERT_TRUE(bk_i128_mul(x, x, &r));       /* the exact product at scale 0 fits ... */
    ASSERT_STR_EQ(fmt(r, 0), "152415787532388367501905199875019052100");
    ASSERT_TRUE(!bk_i128_mul_pow10(r, 2, &r)); /* ... at scale 2 it does not */
    ASSERT_TRUE(!bk_i128_fits_precision(r, 38));
}

BK_TEST(i128_divmod) {
    bk_i128 q, r;
    ASSERT_TRUE(bk_i128_divmod(i(-7), i(2), &q, &r));
    ASSERT_STR_EQ(fmt(q, 0), "-3");
    ASSERT_STR_EQ(fmt(r, 0), "-1");
    ASSERT_TRUE(bk_i128_divmod(i(7), i(-2), &q, &r));
    ASSERT_STR_EQ(fmt(q, 0), "-3");
    ASSERT_STR_EQ(fmt(r, 0), "1");
    ASSERT_TRUE(!bk_i128_divmod(i(1), i(0), &q, &r));
    ASSERT_TRUE(!bk_i128_divmod(bk_i128_min(), i(-1), &q, &r));
    ASSERT_TRUE(bk_i128_divmod(bk_i128_min(), i(1), &q, NULL));
    ASSERT_EQ(bk_i128_cmp(q, bk_i128_min()), 0);
    /* huge divisors: the shift-and-subtract path */
    ASSERT_TRUE(bk_i128_divmod(bk_i128_max(), max38(), &q, &r));
    ASSERT_STR_EQ(fmt(q, 0), "1");
    ASSERT_STR_EQ(fmt(r, 0), "70141183460469231731687303715884105728");
    ASSERT_TRUE(bk_i128_divmod(max38(), bk_i128_max(), &q, &r));
    ASSERT_TRUE(bk_i128_is_zero(q));
    ASSERT_EQ(bk_i128_cmp(r, max38()), 0);
    ASSERT_TRUE(bk_i128_divmod(bk_i128_min(), bk_i128_min(), &q, &r));
    ASSERT_STR_EQ(fmt(q, 0), "1");
    ASSERT_TRUE(bk_i128_is_zero(r));
    ASSERT_TRUE(bk_i128_divmod(max38(), i(INT64_C(10000000000000)), &q, &r));
    ASSERT_STR_EQ(fmt(q, 0), "9999999999999999999999999");
    ASSERT_STR_EQ(fmt(r, 0), "9999999999999");
}

BK_TEST(i128_div_round_half_up) {
    bk_i128 q;
    ASSERT_TRUE(bk_i128_div_round(i(5), i(2), &q));
    ASSERT_STR_EQ(fmt(q, 0), "3");
    ASSERT_TRUE(bk_i128_div_round(i(-5), i(2), &q));
    ASSERT_STR_EQ(fmt(q, 0), "-3");
    ASSERT_TRUE(bk_i128_div_round(i(-5), i(-2), &q));
    ASSERT_STR_EQ(fmt(q, 0), "3");
    ASSERT_TRUE(bk_i128_div_round(i(-4), i(3), &q));
    ASSERT_STR_EQ(fmt(q, 0), "-1");
    ASSERT_TRUE(bk_i128_div_round(i(1), i(3), &q));
    ASSERT_STR_EQ(fmt(q, 0), "0");
    ASSERT_TRUE(bk_i128_div_round(bk_i128_max(), bk_i128_min(), &q));
    ASSERT_STR_EQ(fmt(q, 0), "-1");
    ASSERT_TRUE(bk_i128_div_round(i(1), bk_i128_max(), &q) && bk_i128_is_zero(q));
    ASSERT_TRUE(!bk_i128_div_round(i(1), i(0), &q));
}

BK_TEST(i128_pow10_rescale) {
    ASSERT_STR_EQ(fmt(bk_i128_pow10(38), 0), "100000000000000000000000000000000000000");
    ASSERT_STR_EQ(fmt(bk_i128_pow10(19), 0), "10000000000000000000");
    bk_i128 r;
    ASSERT_TRUE(bk_i128_mul_pow10(i(17), 37, &r));
    ASSERT_TRUE(!bk_i128_mul_pow10(i(18), 38, &r));
    ASSERT_TRUE(bk_i128_mul_pow10(i(-1), 38, &r));
    ASSERT_STR_EQ(fmt(r, 0), "-100000000000000000000000000000000000000");
    ASSERT_STR_EQ(fmt(bk_i128_div_pow10_round(i(-125), 1), 0), "-13");
    ASSERT_STR_EQ(fmt(bk_i128_div_pow10_round(i(-124), 1), 0), "-12");
    ASSERT_STR_EQ(fmt(bk_i128_div_pow10_round(i(125), 1), 0), "13");
    ASSERT_STR_EQ(fmt(bk_i128_div_pow10_round(i(-125), 1), 0), "-13");
    ASSERT_STR_EQ(fmt(bk_i128_div_pow10_round(max38(), 38), 0), "1");
    ASSERT_STR_EQ(fmt(bk_i128_div_pow10_round(max38(), 39), 0), "0");
    ASSERT_STR_EQ(fmt(bk_i128_div_pow10_trunc(i(-129), 1), 0), "-12");
    ASSERT_TRUE(bk_i128_rescale(i(12345), 3, 1, &r));
    ASSERT_STR_EQ(fmt(r, 1), "12.3");
    ASSERT_TRUE(bk_i128_rescale(i(-12355), 3, 2, &r));
    ASSERT_STR_EQ(fmt(r, 2), "-12.36");
    ASSERT_TRUE(bk_i128_rescale(i(5), 0, 30, &r));
    ASSERT_TRUE(!bk_i128_rescale(bk_i128_max(), 0, 1, &r));
    ASSERT_TRUE(bk_i128_rescale(i(0), 0, 38, &r) && bk_i128_is_zero(r));
}

BK_TEST(i128_digits_precision) {
    ASSERT_EQ(bk_i128_digits(i(0)), 1);
    ASSERT_EQ(bk_i128_digits(i(9)), 1);
    ASSERT_EQ(bk_i128_digits(i(-10)), 2);
    ASSERT_EQ(bk_i128_digits(max38()), 38);
    ASSERT_EQ(bk_i128_digits(bk_i128_pow10(38)), 39);
    ASSERT_EQ(bk_i128_digits(bk_i128_min()), 39);
    ASSERT_TRUE(bk_i128_fits_precision(max38(), 38));
    ASSERT_TRUE(!bk_i128_fits_precision(bk_i128_pow10(38), 38));
    ASSERT_TRUE(bk_i128_fits_precision(i(-9999), 4));
    ASSERT_TRUE(!bk_i128_fits_precision(i(-10000), 4));
}

BK_TEST(i128_double) {
    ASSERT_DBL_EQ(bk_i128_to_double(i(-3)), -3.0);
    ASSERT_DBL_EQ(bk_i128_to_double(bk_i128_pow10(38)), 1e38);
    ASSERT_DBL_EQ(bk_i128_to_double(bk_i128_min()), -0x1p127);
    ASSERT_DBL_EQ(bk_i128_to_double(bk_i128_make(1, 1)), 0x1p64); /* 2^64 + 1 rounds down */
    bk_i128 r;
    ASSERT_TRUE(bk_i128_from_double(-1e38, &r));
    ASSERT_DBL_EQ(bk_i128_to_double(r), -1e38);
    ASSERT_TRUE(bk_i128_from_double(-2.9, &r));
    ASSERT_STR_EQ(fmt(r, 0), "-2");
    ASSERT_TRUE(bk_i128_from_double(0x1p100 + 0x1p60, &r));
    ASSERT_EQ(r.hi, INT64_C(1) << 36);
    ASSERT_EQ(r.lo, UINT64_C(1) << 60);
    ASSERT_TRUE(!bk_i128_from_double(0x1p127, &r));
    ASSERT_TRUE(bk_i128_from_double(-0x1p127, &r)); /* -2^127 fits */
    ASSERT_TRUE(!bk_i128_from_double(0.0 / 0.0, &r));
    int64_t v;
    ASSERT_TRUE(bk_i128_to_i64(i(INT64_MIN), &v) && v == INT64_MIN);
    ASSERT_TRUE(!bk_i128_to_i64(bk_i128_make(0, UINT64_C(1) << 63), &v));
}

BK_TEST(i128_parse) {
    ASSERT_STR_EQ(reparse("-12.345"), "-12345@3");
    ASSERT_STR_EQ(reparse("  +7  "), "7@0");
    ASSERT_STR_EQ(reparse("1e3"), "1@-3");
    ASSERT_STR_EQ(reparse("1.5E-2"), "15@3");
    ASSERT_STR_EQ(reparse(".5"), "5@1");
    ASSERT_STR_EQ(reparse("5."), "5@0");
    ASSERT_STR_EQ(reparse("\t1.0 \n"), "10@1");
    ASSERT_STR_EQ(reparse("007.50"), "750@2");
    ASSERT_STR_EQ(reparse("0.000"), "0@3");
    ASSERT_STR_EQ(reparse("-0"), "0@0");
    ASSERT_STR_EQ(reparse("99999999999999999999999999999999999999"),
                  "99999999999999999999999999999999999999@0");
    ASSERT_STR_EQ(reparse("100000000000000000000000000000000000000"), "<overflow>");
    ASSERT_STR_EQ(reparse("1e38"), "<overflow>");
    /* past 38 significant digits the rest rounds HALF_UP */
    ASSERT_STR_EQ(reparse("0.123456789012345678901234567890123456785"),
                  "12345678901234567890123456789012345679@38");
    ASSERT_STR_EQ(reparse("9.9999999999999999999999999999999999999999"),
                  "10000000000000000000000000000000000000@36");
    const char *bad[] = {"",  " ",   "abc",   "1.2.3", "1e",   "1e+",      "+",   "-.",
                         ".", "1 2", "123.a", "1中文", "0x10", "Infinity", "NaN", "1d"};
    for (size_t k = 0; k < BK_ARRAY_LEN(bad); k++) ASSERT_STR_EQ(reparse(bad[k]), "<malformed>");
}

/* An integer from its decimal text (scale 0). */
static bk_i128 num(const char *s) {
    bk_i128 v;
    int scale;
    if (bk_i128_parse(s, strlen(s), &v, &scale) != BK_I128_PARSE_OK || scale != 0)
        return bk_i128_make(0, 0);
    return v;
}

/* a * b / 10^k through the 256-bit product; "<overflow>" when it does not fit. */
static const char *mul_down(const char *a, const char *b, int k) {
    bk_i128 r;
    if (!bk_i128_mul_scale_down(num(a), num(b), k, &r)) return "<overflow>";
    return fmt(r, 0);
}

BK_TEST(i128_mul_scale_down_past_128_bits) {
    const char *m = "99999999999999999999999999999999999999";
    ASSERT_STR_EQ(mul_down(m, m, 38), "99999999999999999999999999999999999998");
    ASSERT_STR_EQ(mul_down("-99999999999999999999999999999999999999", m, 39),
                  "-10000000000000000000000000000000000000");
    ASSERT_STR_EQ(mul_down("10300000000000000000", "30000000000000000000", 3),
                  "309000000000000000000000000000000000");
    ASSERT_STR_EQ(mul_down("1234567890123456789012345678901234567", "-9876543210987654321", 20),
                  "-121932631137021795224965706422496571");
    ASSERT_STR_EQ(mul_down("15", "1", 1), "2"); /* HALF_UP: ties away from zero */
    ASSERT_STR_EQ(mul_down("-25", "1", 1), "-3");
    ASSERT_STR_EQ(mul_down("50000000000000000000000000000000000000", "30000000000", 48), "2");
    ASSERT_STR_EQ(mul_down("7", "-3", 0), "-21");
    ASSERT_STR_EQ(mul_down("0", m, 5), "0");
    ASSERT_STR_EQ(mul_down(m, m, 0), "<overflow>");
    ASSERT_STR_EQ(mul_down(m, m, 37), "<overflow>");
}

BK_TEST(i128_mul_div_round_past_128_bits) {
    bk_i128 r;
    const char *m = "99999999999999999999999999999999999999";
    ASSERT_TRUE(bk_i128_mul_div_round(num(m), bk_i128_pow10(20), num("700000000000000000001"), &r));
    ASSERT_STR_EQ(fmt(r, 0), "14285714285714285714265306122448979592");
    ASSERT_TRUE(bk_i128_mul_div_round(num("-99999999999999999999999999999999999999"),
                                      bk_i128_pow10(38), num(m), &r));
    ASSERT_STR_EQ(fmt(r, 0), "-100000000000000000000000000000000000000");
    ASSERT_TRUE(bk_i128_mul_div_round(i(123456789), bk_i128_pow10(30), i(-3), &r));
    ASSERT_STR_EQ(fmt(r, 0), "-41152263000000000000000000000000000000");
    ASSERT_TRUE(bk_i128_mul_div_round(i(5), i(1), i(2), &r)); /* 2.5 -> 3 */
    ASSERT_STR_EQ(fmt(r, 0), "3");
    ASSERT_TRUE(!bk_i128_mul_div_round(num(m), num(m), i(3), &r));
    ASSERT_TRUE(!bk_i128_mul_div_round(i(1), i(1), i(0), &r));
    ASSERT_TRUE(bk_i128_mul_div_trunc(i(5), i(1), i(2), &r)); /* 2.5 -> 2 */
    ASSERT_STR_EQ(fmt(r, 0), "2");
    ASSERT_TRUE(bk_i128_mul_div_trunc(i(-7), bk_i128_pow10(37), i(2), &r));
    ASSERT_STR_EQ(fmt(r, 0), "-35000000000000000000000000000000000000"); /* -3.5e37 */
    ASSERT_TRUE(!bk_i128_mul_div_trunc(i(-7), bk_i128_pow10(38), i(2), &r)); /* -3.5e38 */
}
