/*
 * test_fn_math.c — math and conditional functions of the function library
 * (engine/exec/fn_math.c, fn_misc.c).  Expected values follow Spark 4
 * (null-handling.sql.out for the NULL functions; the rest Spark's documented
 * examples and behaviour).
 */
#include <math.h>

#include "fn_test.h"
#include "test.h"

#define BEGIN bk_arena *a = bk_arena_new(NULL, "t", 0)
#define END bk_arena_free(a)

BK_TEST(fn_math_unary) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "sqrt", I(a, 4)), "2.0");
    ASSERT_STR_EQ(FN(a, "sqrt", D(a, -1)), "NaN");
    ASSERT_STR_EQ(FN(a, "cbrt", D(a, 27)), "3.0");
    ASSERT_STR_EQ(FN(a, "exp", I(a, 0)), "1.0");
    ASSERT_STR_EQ(FN(a, "expm1", I(a, 0)), "0.0");
    ASSERT_STR_EQ(FN(a, "ln", I(a, 1)), "0.0");
    ASSERT_STR_EQ(FN(a, "ln", I(a, 0)), "NULL");
    ASSERT_STR_EQ(FN(a, "log10", I(a, 10)), "1.0");
    ASSERT_STR_EQ(FN(a, "log10", I(a, -1)), "NULL");
    ASSERT_STR_EQ(FN(a, "log2", I(a, 2)), "1.0");
    ASSERT_STR_EQ(FN(a, "log1p", I(a, 0)), "0.0");
    ASSERT_STR_EQ(FN(a, "log1p", I(a, -1)), "NULL");
    ASSERT_STR_EQ(FN(a, "log", I(a, 10), I(a, 100)), "2.0");
    ASSERT_STR_EQ(FN(a, "log", I(a, 0), I(a, 100)), "NULL");
    ASSERT_STR_EQ(FN(a, "log", D(a, M_E)), "1.0");
    ASSERT_STR_EQ(FN(a, "pow", I(a, 2), I(a, 3)), "8.0");
    ASSERT_STR_EQ(FN(a, "power", D(a, 2), D(a, -1)), "0.5");
    ASSERT_STR_EQ(FN(a, "sin", I(a, 0)), "0.0");
    ASSERT_STR_EQ(FN(a, "cos", I(a, 0)), "1.0");
    ASSERT_STR_EQ(FN(a, "acos", I(a, 2)), "NaN");
    ASSERT_STR_EQ(FN(a, "atan2", I(a, 0), I(a, 0)), "0.0");
    ASSERT_STR_EQ(FN(a, "degrees", D(a, M_PI)), "180.0");
    ASSERT_STR_EQ(FN(a, "radians", I(a, 180)), "3.141592653589793");
    ASSERT_STR_EQ(FN(a, "hypot", I(a, 3), I(a, 4)), "5.0");
    ASSERT_STR_EQ(FN(a, "cot", I(a, 1)), "0.6420926159343306");
    ASSERT_STR_EQ(FN0(a, "pi"), "3.141592653589793");
    ASSERT_STR_EQ(FN0(a, "e"), "2.718281828459045");
    ASSERT_STR_EQ(FN(a, "sign", D(a, -3.5)), "-1.0");
    ASSERT_STR_EQ(FN(a, "signum", I(a, 0)), "0.0");
    ASSERT_STR_EQ(FN(a, "sqrt", NUL(a)), "NULL");
    ASSERT_STR_EQ(FN(a, "sqrt", S(a, "16")), "4.0");
    ASSERT_STR_EQ(FN(a, "sqrt", S(a, "x")), "ERR:CAST_INVALID_INPUT");
    END;
}

BK_TEST(fn_math_abs_and_sign) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "abs", I(a, -5)), "5");
    ASSERT_STR_EQ(FN_TYPE(a, "abs", I(a, -5)), "INT");
    ASSERT_STR_EQ(FN(a, "abs", D(a, -1.5)), "1.5");
    ASSERT_STR_EQ(FN(a, "abs", DEC(a, "-12.30", 5, 2)), "12.30");
    ASSERT_STR_EQ(FN_TYPE(a, "abs", DEC(a, "-12.30", 5, 2)), "DECIMAL(5,2)");
    ASSERT_STR_EQ(FN(a, "abs", I(a, INT32_MIN)), "ERR:ARITHMETIC_OVERFLOW");
    ASSERT_STR_EQ(FN_LEGACY(a, "abs", I(a, INT32_MIN)), "-2147483648");
    ASSERT_STR_EQ(FN(a, "abs", TINY(a, -128)), "ERR:ARITHMETIC_OVERFLOW");
    ASSERT_STR_EQ(FN(a, "negative", I(a, 3)), "-3");
    ASSERT_STR_EQ(FN(a, "negative", DEC(a, "1.5", 2, 1)), "-1.5");
    ASSERT_STR_EQ(FN(a, "negative", L(a, INT64_MIN)), "ERR:ARITHMETIC_OVERFLOW");
    ASSERT_STR_EQ(FN(a, "positive", I(a, -3)), "-3");
    bk_vector *arr = bk_vector_make(a, bk_type_make_array(a, bk_type_scalar(BK_TYPE_INT)), 1);
    ASSERT_STR_EQ(FN(a, "abs", arr), "ERR:DATATYPE_MISMATCH");
    END;
}

BK_TEST(fn_math_round) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "round", D(a, 2.5)), "3.0");
    ASSERT_STR_EQ(FN(a, "round", D(a, -2.5)), "-3.0");
    ASSERT_STR_EQ(FN(a, "bround", D(a, 2.5)), "2.0");
    ASSERT_STR_EQ(FN(a, "bround", D(a, 3.5)), "4.0");
    ASSERT_STR_EQ(FN(a, "round", D(a, 0.285), I(a, 2)), "0.29"); /* on Double.toString digits */
    ASSERT_STR_EQ(FN(a, "bround", D(a, 0.125), I(a, 2)), "0.12");
    ASSERT_STR_EQ(FN(a, "round", D(a, 1234.5678), I(a, -2)), "1200.0");
    ASSERT_STR_EQ(FN(a, "round", D(a, 0.0004), I(a, 2)), "0.0");
    ASSERT_STR_EQ(FN(a, "round", D(a, 9.995), I(a, 2)), "10.0");
    ASSERT_STR_EQ(FN(a, "round", D(a, NAN)), "NaN");
    ASSERT_STR_EQ(FN(a, "round", I(a, 125), I(a, -1)), "130");
    ASSERT_STR_EQ(FN(a, "bround", I(a, 125), I(a, -1)), "120");
    ASSERT_STR_EQ(FN(a, "round", I(a, 2147483647), I(a, -1)), "ERR:ARITHMETIC_OVERFLOW");
    ASSERT_STR_EQ(FN(a, "round", DEC(a, "2.5", 2, 1)), "3");
    ASSERT_STR_EQ(FN_TYPE(a, "round", DEC(a, "2.5", 2, 1)), "DECIMAL(2,0)");
    ASSERT_STR_EQ(FN(a, "bround", DEC(a, "2.5", 2, 1)), "2");
    ASSERT_STR_EQ(FN(a, "round", DEC(a, "-2.55", 3, 2), I(a, 1)), "-2.60");
    ASSERT_STR_EQ(FN(a, "bround", DEC(a, "-2.55", 3, 2), I(a, 1)), "-2.60");
    ASSERT_STR_EQ(FN(a, "bround", DEC(a, "-2.45", 3, 2), I(a, 1)), "-2.40");
    ASSERT_STR_EQ(FN(a, "round", DEC(a, "12345678901234567890.5", 38, 1)), "12345678901234567891");
    ASSERT_STR_EQ(FN(a, "round", DEC(a, "155", 3, 0), I(a, -1)), "160");
    ASSERT_STR_EQ(FN(a, "round", NUL(a)), "NULL");
    const bk_type *t = exec_fn_round_type(a, bk_type_make_decimal(a, 5, 3), 1);
    ASSERT_EQ(t->precision, 4);
    ASSERT_EQ(t->scale, 1);
    t = exec_fn_round_type(a, bk_type_make_decimal(a, 5, 3), -2);
    ASSERT_EQ(t->precision, 3);
    ASSERT_EQ(t->scale, 0);
    END;
}

BK_TEST(fn_math_floor_ceil) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "floor", D(a, -0.1)), "-1");
    ASSERT_STR_EQ(FN_TYPE(a, "floor", D(a, -0.1)), "BIGINT");
    ASSERT_STR_EQ(FN(a, "ceil", D(a, -0.1)), "0");
    ASSERT_STR_EQ(FN(a, "ceiling", D(a, 1.2)), "2");
    ASSERT_STR_EQ(FN(a, "ceil", I(a, 5)), "5");
    ASSERT_STR_EQ(FN(a, "floor", D(a, 1e300)), "9223372036854775807");
    ASSERT_STR_EQ(FN(a, "floor", DEC(a, "-1.5", 2, 1)), "-2");
    ASSERT_STR_EQ(FN_TYPE(a, "floor", DEC(a, "-1.5", 2, 1)), "DECIMAL(2,0)");
    ASSERT_STR_EQ(FN(a, "ceil", DEC(a, "9.9", 2, 1)), "10");
    ASSERT_STR_EQ(FN(a, "ceil", DEC(a, "3.1411", 5, 4), I(a, 3)), "3.1420");
    ASSERT_STR_EQ(FN(a, "floor", DEC(a, "3.1411", 5, 4), I(a, 3)), "3.1410");
    ASSERT_STR_EQ(FN(a, "floor", I(a, 5), I(a, -1)), "0");
    ASSERT_STR_EQ(FN(a, "ceil", I(a, 5), I(a, -1)), "10");
    ASSERT_STR_EQ(FN(a, "floor", NUL(a)), "NULL");
    END;
}

BK_TEST(fn_math_mod_try) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "mod", I(a, 7), I(a, 3)), "1");
    ASSERT_STR_EQ(FN(a, "mod", I(a, -7), I(a, 3)), "-1");
    ASSERT_STR_EQ(FN(a, "mod", I(a, 7), I(a, 0)), "ERR:DIVIDE_BY_ZERO");
    ASSERT_STR_EQ(FN(a, "pmod", I(a, 10), I(a, 3)), "1");
    ASSERT_STR_EQ(FN(a, "pmod", I(a, -10), I(a, 3)), "2");
    ASSERT_STR_EQ(FN(a, "pmod", I(a, -7), I(a, -2)), "-1");
    ASSERT_STR_EQ(FN(a, "pmod", D(a, -7.5), D(a, 2)), "0.5");
    ASSERT_STR_EQ(FN(a, "pmod", DEC(a, "-7.5", 2, 1), DEC(a, "2", 1, 0)), "0.5");
    ASSERT_STR_EQ(FN(a, "try_add", I(a, 2147483647), I(a, 1)), "NULL");
    ASSERT_STR_EQ(FN(a, "try_add", I(a, 1), I(a, 2)), "3");
    ASSERT_STR_EQ(FN(a, "try_subtract", L(a, INT64_MIN), L(a, 1)), "NULL");
    ASSERT_STR_EQ(FN(a, "try_multiply", L(a, INT64_MAX), L(a, 2)), "NULL");
    ASSERT_STR_EQ(FN(a, "try_multiply", I(a, 3), I(a, 4)), "12");
    ASSERT_STR_EQ(FN(a, "try_divide", I(a, 1), I(a, 0)), "NULL");
    ASSERT_STR_EQ(FN(a, "try_divide", I(a, 3), I(a, 2)), "1.5");
    ASSERT_STR_EQ(FN(a, "try_add", DEC(a, "1.5", 2, 1), I(a, 1)), "2.5");
    END;
}

BK_TEST(fn_math_greatest_least) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "greatest", I(a, 10), I(a, 9), I(a, 2), I(a, 4), I(a, 3)), "10");
    ASSERT_STR_EQ(FN(a, "least", I(a, 10), I(a, 9), I(a, 2), I(a, 4), I(a, 3)), "2");
    ASSERT_STR_EQ(FN(a, "greatest", I(a, 1), NUL(a), I(a, 3)), "3");
    ASSERT_STR_EQ(FN(a, "greatest", NUL(a), NUL(a)), "NULL");
    ASSERT_STR_EQ(FN(a, "greatest", I(a, 1), D(a, 2.5)), "2.5");
    ASSERT_STR_EQ(FN(a, "greatest", D(a, 1), D(a, NAN)), "NaN");
    ASSERT_STR_EQ(FN(a, "least", S(a, "b"), S(a, "a\xc3\xa9")), "a\xc3\xa9");
    const char *xs[] = {"a", NULL, "c"}, *ys[] = {"b", "z", NULL};
    ASSERT_STR_EQ(FN(a, "greatest", SV(a, 3, xs), SV(a, 3, ys)), "b|z|c");
    END;
}

BK_TEST(fn_math_misc) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "factorial", I(a, 5)), "120");
    ASSERT_STR_EQ(FN(a, "factorial", I(a, 20)), "2432902008176640000");
    ASSERT_STR_EQ(FN(a, "factorial", I(a, 21)), "NULL");
    ASSERT_STR_EQ(FN(a, "factorial", I(a, -1)), "NULL");
    ASSERT_STR_EQ(FN(a, "width_bucket", D(a, 5.3), D(a, 0.2), D(a, 10.6), L(a, 5)), "3");
    ASSERT_STR_EQ(FN(a, "width_bucket", D(a, -2.1), D(a, 1.3), D(a, 3.4), L(a, 3)), "0");
    ASSERT_STR_EQ(FN(a, "width_bucket", D(a, 8.1), D(a, 0.0), D(a, 5.7), L(a, 4)), "5");
    ASSERT_STR_EQ(FN(a, "width_bucket", D(a, -0.9), D(a, 5.2), D(a, 0.5), L(a, 2)), "3");
    ASSERT_STR_EQ(FN(a, "width_bucket", D(a, 1), D(a, 1), D(a, 1), L(a, 0)), "NULL");
    ASSERT_STR_EQ(FN(a, "bin", L(a, 13)), "1101");
    ASSERT_STR_EQ(FN(a, "bin", L(a, -1)),
                  "1111111111111111111111111111111111111111111111111111111111111111");
    const char *r = FN(a, "rand", L(a, 0));
    double d;
    ASSERT_TRUE(bk_parse_double(r, strlen(r), &d) && d >= 0 && d < 1);
    ASSERT_STR_EQ(FN(a, "rand", L(a, 7)), FN(a, "rand", L(a, 7)));
    END;
}

/* golden: null-handling.sql.out and Spark's conditional functions */
BK_TEST(fn_math_conditional) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "coalesce", NUL(a), I(a, 1), I(a, 2)), "1");
    ASSERT_STR_EQ(FN(a, "coalesce", NUL(a), NUL(a)), "NULL");
    ASSERT_STR_EQ(FN(a, "coalesce", S(a, NULL), S(a, "x")), "x");
    ASSERT_STR_EQ(FN(a, "coalesce", I(a, 1), D(a, 2.5)), "1.0");
    ASSERT_STR_EQ(FN(a, "nvl", NUL(a), S(a, "y")), "y");
    ASSERT_STR_EQ(FN(a, "ifnull", I(a, 3), I(a, 4)), "3");
    ASSERT_STR_EQ(FN(a, "nullif", I(a, 2), I(a, 2)), "NULL");
    ASSERT_STR_EQ(FN(a, "nullif", I(a, 2), I(a, 3)), "2");
    ASSERT_STR_EQ(FN(a, "nullif", I(a, 2), NUL(a)), "2");
    ASSERT_STR_EQ(FN(a, "nvl2", NUL(a), I(a, 2), I(a, 1)), "1");
    ASSERT_STR_EQ(FN(a, "nvl2", I(a, 0), I(a, 2), I(a, 1)), "2");
    ASSERT_STR_EQ(FN(a, "if", BOOL(a, true), S(a, "a"), S(a, "b")), "a");
    ASSERT_STR_EQ(FN(a, "if", NUL(a), S(a, "a"), S(a, "b")), "b");
    ASSERT_STR_EQ(FN(a, "isnull", NUL(a)), "true");
    ASSERT_STR_EQ(FN(a, "isnotnull", I(a, 1)), "true");
    ASSERT_STR_EQ(FN(a, "isnan", D(a, NAN)), "true");
    ASSERT_STR_EQ(FN(a, "isnan", NUL(a)), "false");
    ASSERT_STR_EQ(FN(a, "nanvl", D(a, NAN), D(a, 123)), "123.0");
    ASSERT_STR_EQ(FN(a, "nanvl", D(a, 1), D(a, 123)), "1.0");
    ASSERT_STR_EQ(FN(a, "nullifzero", I(a, 0)), "NULL");
    ASSERT_STR_EQ(FN(a, "zeroifnull", NUL(a)), "0.0");
    ASSERT_STR_EQ(FN(a, "equal_null", NUL(a), NUL(a)), "true");
    ASSERT_STR_EQ(FN(a, "equal_null", I(a, 1), NUL(a)), "false");
    const char *xs[] = {NULL, "b", NULL}, *ys[] = {"1", NULL, NULL};
    ASSERT_STR_EQ(FN(a, "coalesce", SV(a, 3, xs), SV(a, 3, ys)), "1|b|NULL");
    ASSERT_STR_EQ(FN(a, "coalesce", SV(a, 0, xs), SV(a, 0, ys)), "");
    END;
}

BK_TEST(fn_math_typeof_errors_uuid) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "typeof", I(a, 1)), "int");
    ASSERT_STR_EQ(FN(a, "typeof", NUL(a)), "void");
    ASSERT_STR_EQ(FN(a, "typeof", DEC(a, "1.5", 10, 2)), "decimal(10,2)");
    bk_vector *arr = bk_vector_make(a, bk_type_make_array(a, bk_type_scalar(BK_TYPE_STRING)), 1);
    ASSERT_STR_EQ(FN(a, "typeof", arr), "array<string>");
    ASSERT_STR_EQ(FN(a, "raise_error", S(a, "custom message")), "ERR:USER_RAISED_EXCEPTION");
    ASSERT_STR_EQ(fn_test_last_error.msg, "custom message");
    ASSERT_STR_EQ(FN(a, "assert_true", BOOL(a, true)), "NULL");
    ASSERT_STR_EQ(FN(a, "assert_true", BOOL(a, false)), "ERR:USER_RAISED_EXCEPTION");
    ASSERT_CONTAINS(fn_test_last_error.msg, "is not true!");
    ASSERT_STR_EQ(FN(a, "assert_true", NUL(a), S(a, "bad")), "ERR:USER_RAISED_EXCEPTION");
    ASSERT_STR_EQ(fn_test_last_error.msg, "bad");
    ASSERT_STR_EQ(FN(a, "length", FN0(a, "uuid") ? S(a, FN0(a, "uuid")) : NUL(a)), "36");
    ASSERT_TRUE(strcmp(FN0(a, "uuid"), FN0(a, "uuid")) != 0);
    END;
}
