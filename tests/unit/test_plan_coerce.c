/*
 * test_plan_coerce.c — Spark's type coercion (engine/plan/coerce.h): common types,
 * decimal result types (from decimalArithmeticOperations.sql.out schemas), the
 * types of arithmetic expressions, and implicit casts.
 */
#include "base/arena.h"
#include "engine/plan/coerce.h"
#include "test.h"

static const bk_type *T(bk_arena *a, const char *text) {
    char why[128];
    return bk_type_parse(a, text, strlen(text), why, sizeof why);
}

/* A type as Spark prints it, "-" for NULL, in a rotating static buffer. */
static const char *show(const bk_type *t) {
    static char text[4][256];
    static int next;
    char *out = text[next++ & 3];
    if (!t)
        snprintf(out, 256, "-");
    else
        bk_type_format(t, out, 256);
    return out;
}

static const char *tight(bk_arena *a, const char *x, const char *y, bool ansi) {
    return show(plan_tightest_common_type(a, T(a, x), T(a, y), ansi));
}
static const char *wide(bk_arena *a, const char *x, const char *y, bool ansi) {
    return show(plan_wider_common_type(a, T(a, x), T(a, y), ansi));
}

BK_TEST(coerce_tightest) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(tight(a, "INT", "INT", true), "INT");
    ASSERT_STR_EQ(tight(a, "VOID", "DATE", true), "DATE");
    ASSERT_STR_EQ(tight(a, "TINYINT", "BIGINT", true), "BIGINT");
    ASSERT_STR_EQ(tight(a, "SMALLINT", "DOUBLE", true), "DOUBLE");
    ASSERT_STR_EQ(tight(a, "INT", "FLOAT", true), "DOUBLE"); /* ANSI: keep the int's digits */
    ASSERT_STR_EQ(tight(a, "INT", "FLOAT", false), "FLOAT");
    ASSERT_STR_EQ(tight(a, "FLOAT", "DOUBLE", true), "DOUBLE");
    ASSERT_STR_EQ(tight(a, "INT", "DECIMAL(10,0)", true), "DECIMAL(10,0)");
    ASSERT_STR_EQ(tight(a, "DECIMAL(12,2)", "INT", true), "DECIMAL(12,2)");
    ASSERT_STR_EQ(tight(a, "INT", "DECIMAL(9,0)", true), "-"); /* not wide enough */
    ASSERT_STR_EQ(tight(a, "DATE", "TIMESTAMP", true), "TIMESTAMP");
    ASSERT_STR_EQ(tight(a, "DATE", "TIMESTAMP_NTZ", true), "TIMESTAMP_NTZ");
    ASSERT_STR_EQ(tight(a, "TIMESTAMP_NTZ", "TIMESTAMP", true), "TIMESTAMP");
    ASSERT_STR_EQ(tight(a, "STRING", "INT", true), "-");
    ASSERT_STR_EQ(tight(a, "ARRAY<INT>", "ARRAY<BIGINT>", true), "ARRAY<BIGINT>");
    ASSERT_STR_EQ(tight(a, "MAP<INT,DATE>", "MAP<TINYINT,TIMESTAMP>", true), "MAP<INT, TIMESTAMP>");
    ASSERT_STR_EQ(tight(a, "STRUCT<a:INT,b:DATE>", "STRUCT<A:BIGINT,b:DATE>", true),
                  "STRUCT<a: BIGINT, b: DATE>");
    ASSERT_STR_EQ(tight(a, "STRUCT<a:INT>", "STRUCT<b:INT>", true), "-");
    ASSERT_STR_EQ(tight(a, "BOOLEAN", "INT", true), "-");
    bk_arena_free(a);
}

BK_TEST(coerce_wider) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    /* DecimalPrecision.widerDecimalType */
    ASSERT_STR_EQ(wide(a, "DECIMAL(10,2)", "DECIMAL(5,4)", true), "DECIMAL(12,4)");
    ASSERT_STR_EQ(wide(a, "INT", "DECIMAL(9,0)", true), "DECIMAL(10,0)");
    ASSERT_STR_EQ(wide(a, "BIGINT", "DECIMAL(3,2)", true), "DECIMAL(22,2)");
    ASSERT_STR_EQ(wide(a, "DECIMAL(38,0)", "DECIMAL(38,38)", true), "DECIMAL(38,38)");
    ASSERT_STR_EQ(wide(a, "DECIMAL(10,2)", "DOUBLE", true), "DOUBLE");
    ASSERT_STR_EQ(wide(a, "FLOAT", "DECIMAL(10,2)", false), "DOUBLE");
    /* string promotion differs by mode */
    ASSERT_STR_EQ(wide(a, "STRING", "INT", true), "BIGINT");
    ASSERT_STR_EQ(wide(a, "TINYINT", "STRING", true), "BIGINT");
    ASSERT_STR_EQ(wide(a, "STRING", "DECIMAL(10,2)", true), "DOUBLE");
    ASSERT_STR_EQ(wide(a, "STRING", "FLOAT", true), "DOUBLE");
    ASSERT_STR_EQ(wide(a, "STRING", "DATE", true), "DATE");
    ASSERT_STR_EQ(wide(a, "STRING", "TIMESTAMP", true), "TIMESTAMP");
    ASSERT_STR_EQ(wide(a, "STRING", "BOOLEAN", true), "BOOLEAN");
    ASSERT_STR_EQ(wide(a, "STRING", "INT", false), "STRING");
    ASSERT_STR_EQ(wide(a, "DATE", "STRING", false), "STRING");
    ASSERT_STR_EQ(wide(a, "STRING", "BOOLEAN", false), "-");
    ASSERT_STR_EQ(wide(a, "STRING", "BINARY", false), "-");
    ASSERT_STR_EQ(wide(a, "ARRAY<STRING>", "ARRAY<INT>", true), "ARRAY<BIGINT>");
    ASSERT_STR_EQ(wide(a, "ARRAY<INT>", "ARRAY<DECIMAL(5,1)>", true), "ARRAY<DECIMAL(11,1)>");
    ASSERT_STR_EQ(wide(a, "ARRAY<INT>", "INT", true), "-");
    bk_arena_free(a);
}

/* "DECIMAL(p,s)" of the result type. */
static const char *dec(bk_arena *a, plan_arith_op op, int p1, int s1, int p2, int s2, bool loss) {
    return show(plan_decimal_result_type(a, op, p1, s1, p2, s2, loss));
}

BK_TEST(coerce_decimal_results) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    /* decimalArithmeticOperations.sql.out, decimals_test a, b DECIMAL(38,18) */
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_ADD, 38, 18, 38, 18, true), "DECIMAL(38,17)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_SUB, 38, 18, 38, 18, true), "DECIMAL(38,17)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_MUL, 38, 18, 38, 18, true), "DECIMAL(38,6)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_DIV, 38, 18, 38, 18, true), "DECIMAL(38,6)");
    /* a * 10, b / 10: the literal 10 is DECIMAL(2,0) */
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_MUL, 38, 18, 2, 0, true), "DECIMAL(38,15)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_DIV, 38, 18, 2, 0, true), "DECIMAL(38,18)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_MUL, 38, 18, 2, 0, false), "DECIMAL(38,18)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_DIV, 38, 18, 2, 0, false), "DECIMAL(38,19)");
    /* select 10.3 * 3.0, 10.3000 * 3.0, 10.30000 * 30.0 */
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_MUL, 3, 1, 2, 1, true), "DECIMAL(6,2)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_MUL, 6, 4, 2, 1, true), "DECIMAL(9,5)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_MUL, 7, 5, 3, 1, true), "DECIMAL(11,6)");
    /* 10.300000000000000000 * 3.000000000000000000 */
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_MUL, 20, 18, 19, 18, true), "DECIMAL(38,34)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_MUL, 20, 18, 19, 18, false), "DECIMAL(38,36)");
    /* 12345678912345678912345678912.1234567 + 9999999999999999999999999999999.12345 */
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_ADD, 36, 7, 36, 5, true), "DECIMAL(38,6)");
    /* 123456789123456789.1234567890 * 1.123456789123456789 */
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_MUL, 28, 10, 19, 18, true), "DECIMAL(38,18)");
    /* 12345678912345.123456789123 / 0.000000012345678 */
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_DIV, 26, 12, 8, 15, true), "DECIMAL(38,9)");
    /* with allowPrecisionLoss=false: 1.0123456789012345678901234567890123456e3xBD / 1.0
     * and / 10.0 */
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_DIV, 38, 3, 2, 1, false), "DECIMAL(38,3)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_DIV, 38, 4, 2, 1, false), "DECIMAL(38,4)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_DIV, 38, 6, 2, 1, false), "DECIMAL(38,6)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_DIV, 38, 6, 3, 1, false), "DECIMAL(38,7)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_DIV, 38, 3, 2, 1, true), "DECIMAL(38,6)");
    /* remainder and integral division */
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_MOD, 10, 2, 5, 4, true), "DECIMAL(5,4)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_INTDIV, 10, 2, 5, 4, true), "BIGINT");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_ADD, 1, 0, 1, 0, true), "DECIMAL(2,0)");
    ASSERT_STR_EQ(dec(a, PLAN_ARITH_DIV, 1, 0, 1, 0, true), "DECIMAL(7,6)");
    bk_arena_free(a);
}

/* "left,right->result" for an arithmetic expression, or the error class. */
static const char *arith(bk_arena *a, plan_arith_op op, const char *l, const char *r, bool ansi) {
    static char text[1024];
    plan_arith_types t;
    bk_error err;
    bk_error_clear(&err);
    if (plan_arith_types_for(a, op, T(a, l), T(a, r), ansi, true, &t, &err) != BK_OK) {
        char cls[BK_ERROR_CLASS_MAX];
        snprintf(text, sizeof text, "%s: %s", bk_error_class(&err, cls, sizeof cls), err.msg);
        return text;
    }
    snprintf(text, sizeof text, "%s,%s->%s", show(t.left), show(t.right), show(t.result));
    return text;
}

BK_TEST(coerce_arith_types) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_ADD, "INT", "INT", true), "INT,INT->INT");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_ADD, "TINYINT", "BIGINT", true), "BIGINT,BIGINT->BIGINT");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_DIV, "INT", "INT", true), "DOUBLE,DOUBLE->DOUBLE");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_INTDIV, "INT", "SMALLINT", true), "INT,INT->BIGINT");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_MOD, "BIGINT", "INT", true), "BIGINT,BIGINT->BIGINT");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_MUL, "FLOAT", "INT", true), "DOUBLE,DOUBLE->DOUBLE");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_MUL, "FLOAT", "INT", false), "FLOAT,FLOAT->FLOAT");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_ADD, "DECIMAL(38,18)", "INT", true),
                  "DECIMAL(38,18),DECIMAL(10,0)->DECIMAL(38,17)");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_DIV, "DECIMAL(2,1)", "DECIMAL(2,1)", true),
                  "DECIMAL(2,1),DECIMAL(2,1)->DECIMAL(8,6)");
    /* decimalArithmeticOperations.sql.out: 2.35E10 * 1.0 is DOUBLE */
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_MUL, "DOUBLE", "DECIMAL(2,1)", true),
                  "DOUBLE,DOUBLE->DOUBLE");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_ADD, "STRING", "INT", true), "BIGINT,BIGINT->BIGINT");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_ADD, "STRING", "INT", false), "DOUBLE,DOUBLE->DOUBLE");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_ADD, "STRING", "STRING", true), "DOUBLE,DOUBLE->DOUBLE");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_ADD, "VOID", "INT", true), "INT,INT->INT");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_ADD, "VOID", "VOID", true), "DOUBLE,DOUBLE->DOUBLE");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_ADD, "DATE", "INT", true),
                  "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES: Cannot resolve \"(DATE + INT)\" due to "
                  "data type mismatch: the left and right operands of the binary operator have "
                  "incompatible types (\"DATE\" and \"INT\").");
    ASSERT_STR_EQ(arith(a, PLAN_ARITH_MUL, "BOOLEAN", "BOOLEAN", true),
                  "DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE: Cannot resolve \"(BOOLEAN * BOOLEAN)\" "
                  "due to data type mismatch: the binary operator requires the input type "
                  "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or "
                  "\"INTERVAL\"), not \"BOOLEAN\".");
    ASSERT_STR_EQ(show(plan_decimal_for_literal(a, 10)), "DECIMAL(2,0)");
    ASSERT_STR_EQ(show(plan_decimal_for_literal(a, INT64_MIN)), "DECIMAL(19,0)");
    ASSERT_STR_EQ(show(plan_decimal_for_type(a, T(a, "SMALLINT"))), "DECIMAL(5,0)");
    ASSERT_STR_EQ(show(plan_decimal_for_type(a, T(a, "DOUBLE"))), "DECIMAL(30,15)");
    ASSERT_STR_EQ(show(plan_decimal_for_type(a, T(a, "STRING"))), "-");
    bk_arena_free(a);
}

BK_TEST(coerce_implicit_cast) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
#define OK_(f, t, ansi) plan_implicit_cast_ok(T(a, f), T(a, t), ansi)
    ASSERT_TRUE(OK_("VOID", "ARRAY<INT>", true));
    ASSERT_TRUE(OK_("INT", "BIGINT", true) && !OK_("BIGINT", "INT", true));
    ASSERT_TRUE(OK_("BIGINT", "INT", false));
    ASSERT_TRUE(OK_("INT", "DECIMAL(10,0)", true) && !OK_("INT", "DECIMAL(9,0)", true));
    ASSERT_TRUE(OK_("DECIMAL(5,2)", "DECIMAL(6,2)", true));
    ASSERT_TRUE(!OK_("DECIMAL(5,2)", "DECIMAL(5,3)", true));
    ASSERT_TRUE(OK_("DECIMAL(5,2)", "DOUBLE", true) && !OK_("DOUBLE", "DECIMAL(38,10)", true));
    ASSERT_TRUE(OK_("STRING", "INT", true) && OK_("STRING", "DATE", true));
    ASSERT_TRUE(OK_("INT", "STRING", true) && OK_("DATE", "STRING", true));
    ASSERT_TRUE(OK_("DATE", "TIMESTAMP", true) && !OK_("TIMESTAMP", "DATE", true));
    ASSERT_TRUE(OK_("TIMESTAMP", "DATE", false));
    ASSERT_TRUE(!OK_("BOOLEAN", "INT", true) && !OK_("INT", "DATE", false));
    ASSERT_TRUE(OK_("ARRAY<INT>", "ARRAY<BIGINT>", true));
    ASSERT_TRUE(!OK_("ARRAY<BIGINT>", "ARRAY<INT>", true));
    ASSERT_TRUE(!OK_("ARRAY<INT>", "INT", false));
#undef OK_
    bk_arena_free(a);
}
