/*
 * test_base_str.c — bk_str helpers and the checked number parsers.
 */
#include <math.h>

#include "base/arena.h"
#include "base/str.h"
#include "test.h"

#define P(s) (s), (sizeof(s) - 1)

BK_TEST(str_equality_and_order) {
    bk_str a = bk_str_from_cstr("Hello"), b = bk_str_make("Hello, world", 5);
    ASSERT_TRUE(bk_str_eq(a, b));
    ASSERT_TRUE(bk_str_eq_cstr(a, "Hello"));
    ASSERT_TRUE(!bk_str_eq_cstr(a, "hello"));
    ASSERT_TRUE(bk_str_ieq_cstr(a, "hELLO"));
    ASSERT_TRUE(!bk_str_ieq_cstr(a, "hELL"));
    ASSERT_TRUE(bk_str_ieq(bk_str_make(NULL, 0), bk_str_from_cstr("")));
    ASSERT_TRUE(bk_str_eq(bk_str_make(NULL, 0), bk_str_from_cstr("")));
    ASSERT_EQ(bk_str_cmp(bk_str_from_cstr("abc"), bk_str_from_cstr("abd")), -1);
    ASSERT_EQ(bk_str_cmp(bk_str_from_cstr("ab"), bk_str_from_cstr("abc")), -1);
    ASSERT_EQ(bk_str_cmp(bk_str_from_cstr("abc"), bk_str_from_cstr("ab")), 1);
    ASSERT_EQ(bk_str_cmp(bk_str_from_cstr("abc"), bk_str_from_cstr("abc")), 0);
    /* bytes compare unsigned: é (C3 A9) sorts after z */
    ASSERT_EQ(bk_str_cmp(bk_str_from_cstr("\xc3\xa9"), bk_str_from_cstr("z")), 1);
    ASSERT_TRUE(bk_str_starts_with(a, "He"));
    ASSERT_TRUE(bk_str_starts_with(a, ""));
    ASSERT_TRUE(!bk_str_starts_with(a, "Hello!"));
    ASSERT_TRUE(bk_str_ends_with(a, "llo"));
    ASSERT_TRUE(!bk_str_ends_with(a, "xHello"));
}

BK_TEST(str_trim_and_dup) {
    bk_str t = bk_str_trim(bk_str_from_cstr(" \t\r\n x y \n"));
    ASSERT_EQ(t.len, 3);
    ASSERT_TRUE(memcmp(t.ptr, "x y", 3) == 0);
    ASSERT_EQ(bk_str_trim(bk_str_from_cstr("   ")).len, 0);
    ASSERT_EQ(bk_str_trim(bk_str_make(NULL, 0)).len, 0);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(bk_str_dup(a, t), "x y");
    ASSERT_STR_EQ(bk_str_dup(a, bk_str_make(NULL, 0)), "");
    bk_arena_free(a);
}

BK_TEST(str_parse_i64) {
    int64_t v = 7;
    ASSERT_TRUE(bk_parse_i64(P("0"), &v) && v == 0);
    ASSERT_TRUE(bk_parse_i64(P("-42"), &v) && v == -42);
    ASSERT_TRUE(bk_parse_i64(P("+42"), &v) && v == 42);
    ASSERT_TRUE(bk_parse_i64(P("007"), &v) && v == 7);
    ASSERT_TRUE(bk_parse_i64(P("9223372036854775807"), &v) && v == INT64_MAX);
    ASSERT_TRUE(bk_parse_i64(P("-9223372036854775808"), &v) && v == INT64_MIN);
    v = 7;
    ASSERT_TRUE(!bk_parse_i64(P("9223372036854775808"), &v));
    ASSERT_TRUE(!bk_parse_i64(P("-9223372036854775809"), &v));
    ASSERT_TRUE(!bk_parse_i64(P("99999999999999999999999"), &v));
    ASSERT_TRUE(!bk_parse_i64(P(""), &v));
    ASSERT_TRUE(!bk_parse_i64(P("-"), &v));
    ASSERT_TRUE(!bk_parse_i64(P(" 1"), &v));
    ASSERT_TRUE(!bk_parse_i64(P("1 "), &v));
    ASSERT_TRUE(!bk_parse_i64(P("1x"), &v));
    ASSERT_TRUE(!bk_parse_i64(P("0x10"), &v));
    ASSERT_TRUE(!bk_parse_i64(P("1.0"), &v));
    ASSERT_TRUE(!bk_parse_i64(P("--1"), &v));
    ASSERT_EQ(v, 7);
    /* length is respected: no NUL needed */
    ASSERT_TRUE(bk_parse_i64("12345", 2, &v) && v == 12);
}

BK_TEST(str_parse_i32_u64) {
    int32_t i = 5;
    ASSERT_TRUE(bk_parse_i32(P("2147483647"), &i) && i == INT32_MAX);
    ASSERT_TRUE(bk_parse_i32(P("-2147483648"), &i) && i == INT32_MIN);
    ASSERT_TRUE(!bk_parse_i32(P("2147483648"), &i));
    ASSERT_EQ(i, INT32_MIN);
    uint64_t u = 5;
    ASSERT_TRUE(bk_parse_u64(P("18446744073709551615"), &u) && u == UINT64_MAX);
    ASSERT_TRUE(bk_parse_u64(P("+1"), &u) && u == 1);
    ASSERT_TRUE(!bk_parse_u64(P("18446744073709551616"), &u));
    ASSERT_TRUE(!bk_parse_u64(P("-1"), &u));
    ASSERT_TRUE(!bk_parse_u64(P("-0"), &u));
    ASSERT_EQ(u, 1);
}

BK_TEST(str_parse_double) {
    double d = 7;
    ASSERT_TRUE(bk_parse_double(P("1"), &d) && d == 1.0);
    ASSERT_TRUE(bk_parse_double(P("-2.5e-3"), &d) && d == -2.5e-3);
    ASSERT_TRUE(bk_parse_double(P(".5"), &d) && d == 0.5);
    ASSERT_TRUE(bk_parse_double(P("1."), &d) && d == 1.0);
    ASSERT_TRUE(bk_parse_double(P("+1E+2"), &d) && d == 100.0);
    ASSERT_TRUE(bk_parse_double(P("0.1"), &d) && d == 0.1);
    ASSERT_TRUE(bk_parse_double(P("1.7976931348623157e308"), &d) && d == 1.7976931348623157e308);
    ASSERT_TRUE(bk_parse_double(P("1e-400"), &d) && d == 0.0); /* underflow is fine */
    ASSERT_TRUE(bk_parse_double(P("4.9e-324"), &d) && d > 0);
    ASSERT_TRUE(bk_parse_double(P("Infinity"), &d) && isinf(d) && d > 0);
    ASSERT_TRUE(bk_parse_double(P("-inf"), &d) && isinf(d) && d < 0);
    ASSERT_TRUE(bk_parse_double(P("NaN"), &d) && isnan(d));
    d = 7;
    ASSERT_TRUE(!bk_parse_double(P("1e400"), &d)); /* overflow */
    ASSERT_TRUE(!bk_parse_double(P("-1e400"), &d));
    ASSERT_TRUE(!bk_parse_double(P(""), &d));
    ASSERT_TRUE(!bk_parse_double(P("."), &d));
    ASSERT_TRUE(!bk_parse_double(P("e5"), &d));
    ASSERT_TRUE(!bk_parse_double(P("1e"), &d));
    ASSERT_TRUE(!bk_parse_double(P("1e+"), &d));
    ASSERT_TRUE(!bk_parse_double(P(" 1"), &d));
    ASSERT_TRUE(!bk_parse_double(P("1 "), &d));
    ASSERT_TRUE(!bk_parse_double(P("0x1p3"), &d));
    ASSERT_TRUE(!bk_parse_double(P("1.2.3"), &d));
    ASSERT_TRUE(!bk_parse_double(P("infinit"), &d));
    ASSERT_TRUE(!bk_parse_double(P("nan(1)"), &d));
    ASSERT_EQ(d, 7);
    /* not NUL-terminated, and longer than the local buffer */
    ASSERT_TRUE(bk_parse_double("2.5xyz", 3, &d) && d == 2.5);
    char longnum[300];
    memset(longnum, '0', sizeof longnum);
    longnum[0] = '1';
    longnum[1] = '.';
    ASSERT_TRUE(bk_parse_double(longnum, sizeof longnum, &d) && d == 1.0);
}
