/*
 * test_exec_cast.c — CAST / TRY_CAST kernels (engine/exec/cast.h) against Spark 4.
 *
 * Most expectations come from ../shared/testdata/spark-sql-tests/results/cast.sql.out
 * (ANSI mode, Spark's default) and decimalArithmeticOperations.sql.out; the legacy
 * (spark.sql.ansi.enabled=false) results follow Spark's Cast.scala.  Each case casts
 * a small vector and compares the rows printed as "a|b|NULL", or the error class and
 * message.
 */
#include <math.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/vector.h"
#include "engine/exec/cast.h"
#include "test.h"

#define END ((const char *)1) /* end of a value list (NULL is SQL NULL) */

static const exec_cast_opts ANSI = {true, false, 0, NULL};
static const exec_cast_opts LEGACY = {false, false, 0, NULL};
static const exec_cast_opts TRY = {true, true, 0, NULL};

static bk_arena *arena(void) { return bk_arena_new(NULL, "test", 0); }

static const bk_type *type(bk_arena *a, const char *text) {
    char why[128];
    return bk_type_parse(a, text, strlen(text), why, sizeof why);
}

/* A STRING vector of the values up to END (NULL entries are NULL rows). */
static bk_vector *strings_v(bk_arena *a, const char *const *values) {
    size_t n = 0;
    while (values[n] != END) n++;
    bk_vector *v = bk_vector_make(a, bk_type_scalar(BK_TYPE_STRING), n);
    if (bk_vector_ensure_validity(a, v) != BK_OK) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (values[i])
            ((bk_str *)v->data)[i] = bk_str_from_cstr(values[i]);
        else
            bk_validity_set(v->validity, i, false);
    }
    return v;
}

/* A vector of `type_text` made by an ANSI cast of the strings. */
static bk_vector *vec(bk_arena *a, const char *type_text, const char *const *values) {
    bk_vector *s = strings_v(a, values), *out = NULL;
    if (!s) return NULL;
    if (strcmp(type_text, "STRING") == 0) return s;
    bk_error err;
    bk_error_clear(&err);
    if (exec_cast(a, s, type(a, type_text), &ANSI, &out, &err) != BK_OK) {
        fprintf(stderr, "vec(%s): %s\n", type_text, err.msg);
        return NULL;
    }
    return out;
}

/* The rows of v joined by '|' ("NULL" for NULL rows) into a static buffer. */
static const char *rows(const bk_vector *v) {
    static char text[4096];
    bk_buf b;
    bk_buf_init(&b);
    for (size_t i = 0; i < v->n; i++) {
        if (i && bk_buf_append(&b, "|", 1) != BK_OK) break;
        if (bk_vector_format_value(v, i, &b) != BK_OK) break;
    }
    snprintf(text, sizeof text, "%.*s", (int)b.len, b.data ? (const char *)b.data : "");
    bk_buf_destroy(&b);
    return text;
}

/* Cast v to type_text; the rows as text, or "ERROR <CLASS>: <message>". */
static const char *cast_to(bk_arena *a, const bk_vector *v, const char *type_text,
                           const exec_cast_opts *o) {
    static char text[4096];
    if (!v) return "<no input>";
    bk_error err;
    bk_error_clear(&err);
    bk_vector *out = NULL;
    bk_status st = exec_cast(a, v, type(a, type_text), o, &out, &err);
    if (st != BK_OK) {
        snprintf(text, sizeof text, "ERROR %s: %s", bk_code_name(err.code), err.msg);
        return text;
    }
    if (out->n != v->n || out->type->kind != type(a, type_text)->kind) return "<bad shape>";
    return rows(out);
}

/* Shorthand: cast the string values (then to type `to`). */
#define CAST(a, from, to, o, ...)                                                                  \
    cast_to((a), vec((a), (from), (const char *[]){__VA_ARGS__, END}), (to), (o))

/* ---------------------------------------------------------------------------------------------
 * STRING -> numbers (cast.sql.out)
 * ------------------------------------------------------------------------------------------- */

BK_TEST(cast_string_to_int_ansi_errors) {
    bk_arena *a = arena();
    /* cast.sql.out: SELECT CAST('1.23' AS int) */
    ASSERT_STR_EQ(CAST(a, "STRING", "INT", &ANSI, "1.23"),
                  "ERROR CAST_INVALID_INPUT: The value '1.23' of the type \"STRING\" cannot be "
                  "cast to \"INT\" because it is malformed. Correct the value as per the syntax, "
                  "or change its target type. Use `try_cast` to tolerate malformed input and "
                  "return NULL instead.");
    ASSERT_CONTAINS(CAST(a, "STRING", "BIGINT", &ANSI, "1.23"), "'1.23' of the type \"STRING\" "
                                                                "cannot be cast to \"BIGINT\"");
    ASSERT_CONTAINS(CAST(a, "STRING", "INT", &ANSI, "abc"), "The value 'abc' of the type");
    ASSERT_CONTAINS(CAST(a, "STRING", "INT", &ANSI, "1234567890123"), "CAST_INVALID_INPUT");
    ASSERT_CONTAINS(
        CAST(a, "STRING", "BIGINT", &ANSI, "12345678901234567890123"),
        "'12345678901234567890123' of the type \"STRING\" cannot be cast to \"BIGINT\"");
    ASSERT_CONTAINS(CAST(a, "STRING", "INT", &ANSI, ""), "The value '' of the type");
    ASSERT_CONTAINS(CAST(a, "STRING", "FLOAT", &ANSI, ""), "cannot be cast to \"FLOAT\"");
    ASSERT_CONTAINS(CAST(a, "STRING", "DOUBLE", &ANSI, "123.a"), "cannot be cast to \"DOUBLE\"");
    ASSERT_CONTAINS(CAST(a, "STRING", "TINYINT", &ANSI, "1中文"), "The value '1中文'");
    ASSERT_CONTAINS(CAST(a, "STRING", "BIGINT", &ANSI, "中文1"), "The value '中文1'");
    ASSERT_CONTAINS(CAST(a, "STRING", "INT", &ANSI, "-2147483649"), "'-2147483649'");
    ASSERT_CONTAINS(CAST(a, "STRING", "INT", &ANSI, "2147483648"), "'2147483648'");
    ASSERT_CONTAINS(CAST(a, "STRING", "BIGINT", &ANSI, "9223372036854775808"), "INVALID");
    /* the first bad row is the one reported */
    ASSERT_CONTAINS(CAST(a, "STRING", "INT", &ANSI, "1", NULL, "x", "y"), "The value 'x'");
    /* a quote in the value is escaped as Spark's SQL literal does */
    ASSERT_CONTAINS(CAST(a, "STRING", "INT", &ANSI, "it's"), "The value 'it\\'s'");
    bk_arena_free(a);
}

BK_TEST(cast_string_to_int_values) {
    bk_arena *a = arena();
    /* cast.sql.out: limits, whitespace */
    ASSERT_STR_EQ(CAST(a, "STRING", "INT", &ANSI, "-2147483648", "2147483647", "+7", NULL),
                  "-2147483648|2147483647|7|NULL");
    ASSERT_STR_EQ(CAST(a, "STRING", "BIGINT", &ANSI, "-9223372036854775808", "9223372036854775807"),
                  "-9223372036854775808|9223372036854775807");
    ASSERT_STR_EQ(CAST(a, "STRING", "TINYINT", &ANSI, " 1", " 1\t", "-128", "127"), "1|1|-128|127");
    ASSERT_STR_EQ(CAST(a, "STRING", "SMALLINT", &ANSI, " 1", "-32768"), "1|-32768");
    /* legacy: a fraction is truncated, malformed and out of range are NULL */
    ASSERT_STR_EQ(CAST(a, "STRING", "INT", &LEGACY, "1.23", "-4.56", "abc", "", "2147483648", "7."),
                  "1|-4|NULL|NULL|NULL|7");
    ASSERT_STR_EQ(CAST(a, "STRING", "TINYINT", &LEGACY, "128", "-128", "1.x"), "NULL|-128|NULL");
    /* TRY_CAST: ANSI rules, errors become NULL */
    ASSERT_STR_EQ(CAST(a, "STRING", "INT", &TRY, "1.23", "42", "abc", NULL), "NULL|42|NULL|NULL");
    bk_arena_free(a);
}

BK_TEST(cast_string_to_real_decimal_bool) {
    bk_arena *a = arena();
    ASSERT_STR_EQ(CAST(a, "STRING", "FLOAT", &ANSI, " 1", "1.5f", "-0.1", "1e40"),
                  "1.0|1.5|-0.1|Infinity");
    ASSERT_STR_EQ(CAST(a, "STRING", "DOUBLE", &ANSI, " 1 ", "1d", "Infinity", "-inf", "NaN", "1e-3",
                       ".5", "1e7"),
                  "1.0|1.0|Infinity|-Infinity|NaN|0.001|0.5|1.0E7");
    ASSERT_STR_EQ(CAST(a, "STRING", "DOUBLE", &LEGACY, "abc", "1.2.3", "0x10"), "NULL|NULL|NULL");
    /* cast.sql.out: '1.0 ' :: DEC, '23.45' to decimal(4,2) */
    ASSERT_STR_EQ(CAST(a, "STRING", "DECIMAL(10,0)", &ANSI, "1.0 "), "1");
    ASSERT_STR_EQ(CAST(a, "STRING", "DECIMAL(4,2)", &ANSI, "23.45", "-0.005", "1e1", "9.994"),
                  "23.45|-0.01|10.00|9.99");
    ASSERT_STR_EQ(CAST(a, "STRING", "DECIMAL(4,2)", &ANSI, "123.45"),
                  "ERROR NUMERIC_VALUE_OUT_OF_RANGE: 123.45 cannot be represented as Decimal(4, "
                  "2). If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this "
                  "error, and return NULL instead.");
    ASSERT_CONTAINS(CAST(a, "STRING", "DECIMAL(4,2)", &ANSI, "99.995"), "99.995 cannot be");
    ASSERT_STR_EQ(CAST(a, "STRING", "DECIMAL(4,2)", &ANSI, "xyz"),
                  "ERROR CAST_INVALID_INPUT: The value 'xyz' of the type \"STRING\" cannot be cast "
                  "to \"DECIMAL(4,2)\" because it is malformed. Correct the value as per the "
                  "syntax, or change its target type. Use `try_cast` to tolerate malformed input "
                  "and return NULL instead.");
    ASSERT_STR_EQ(CAST(a, "STRING", "DECIMAL(4,2)", &LEGACY, "123.45", "xyz", "1"),
                  "NULL|NULL|1.00");
    ASSERT_STR_EQ(CAST(a, "STRING", "DECIMAL(38,0)", &TRY, "1e40", "12"), "NULL|12");
    ASSERT_STR_EQ(
        CAST(a, "STRING", "DECIMAL(38,37)", &ANSI, "-1.23456789012345678901234567890123456785"),
        "-1.2345678901234567890123456789012345679");
    /* cast.sql.out: booleans */
    ASSERT_STR_EQ(CAST(a, "STRING", "BOOLEAN", &ANSI, "\t\t true \n\r ", "\t\n false \t\r", "T",
                       "yes", "Y", "1", "no", "N", "0", "f"),
                  "true|false|true|true|true|true|false|false|false|false");
    ASSERT_STR_EQ(CAST(a, "STRING", "BOOLEAN", &ANSI, "\t\n xyz \t\r"),
                  "ERROR CAST_INVALID_INPUT: The value '\t\n xyz \t\r' of the type \"STRING\" "
                  "cannot be cast to \"BOOLEAN\" because it is malformed. Correct the value as "
                  "per the syntax, or change its target type. Use `try_cast` to tolerate "
                  "malformed input and return NULL instead.");
    ASSERT_STR_EQ(CAST(a, "STRING", "BOOLEAN", &LEGACY, "xyz", "true"), "NULL|true");
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Among numbers
 * ------------------------------------------------------------------------------------------- */

BK_TEST(cast_integral_narrowing) {
    bk_arena *a = arena();
    /* cast.sql.out: SELECT '2147483648' :: long :: int */
    ASSERT_STR_EQ(CAST(a, "BIGINT", "INT", &ANSI, "2147483648"),
                  "ERROR CAST_OVERFLOW: The value 2147483648L of the type \"BIGINT\" cannot be "
                  "cast to \"INT\" due to an overflow. Use `try_cast` to tolerate overflow and "
                  "return NULL instead.");
    ASSERT_CONTAINS(CAST(a, "INT", "TINYINT", &ANSI, "300"), "The value 300 of the type \"INT\"");
    ASSERT_CONTAINS(CAST(a, "SMALLINT", "TINYINT", &ANSI, "300"), "The value 300S of the type");
    ASSERT_CONTAINS(CAST(a, "TINYINT", "BOOLEAN", &ANSI, "3"), "true");
    /* legacy wraps like Java's narrowing */
    ASSERT_STR_EQ(CAST(a, "BIGINT", "INT", &LEGACY, "2147483648", "-1", "4294967297"),
                  "-2147483648|-1|1");
    ASSERT_STR_EQ(CAST(a, "INT", "TINYINT", &LEGACY, "300", "-129"), "44|127");
    ASSERT_STR_EQ(CAST(a, "BIGINT", "INT", &TRY, "2147483648", "5"), "NULL|5");
    ASSERT_STR_EQ(CAST(a, "TINYINT", "BIGINT", &ANSI, "-128", NULL), "-128|NULL");
    ASSERT_STR_EQ(CAST(a, "BOOLEAN", "INT", &ANSI, "true", "false"), "1|0");
    ASSERT_STR_EQ(CAST(a, "INT", "BOOLEAN", &ANSI, "0", "-5"), "false|true");
    ASSERT_STR_EQ(CAST(a, "BIGINT", "DOUBLE", &ANSI, "9007199254740993"), "9.007199254740992E15");
    ASSERT_STR_EQ(CAST(a, "INT", "FLOAT", &ANSI, "16777217"), "1.6777216E7");
    bk_arena_free(a);
}

BK_TEST(cast_real_to_integral) {
    bk_arena *a = arena();
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "INT", &ANSI, "1.9", "-1.9", "2147483647.5", "-2147483648.9"),
                  "1|-1|2147483647|-2147483648");
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "INT", &ANSI, "1e10"),
                  "ERROR CAST_OVERFLOW: The value 1.0E10D of the type \"DOUBLE\" cannot be cast "
                  "to \"INT\" due to an overflow. Use `try_cast` to tolerate overflow and return "
                  "NULL instead.");
    ASSERT_CONTAINS(CAST(a, "DOUBLE", "BIGINT", &ANSI, "NaN"), "The value NaN of the type");
    ASSERT_CONTAINS(CAST(a, "FLOAT", "SMALLINT", &ANSI, "1e10"),
                    "The value 1.0E10 of the type \"FLOAT\"");
    /* legacy: saturate to int/long (NaN -> 0), then wrap to the narrow type */
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "INT", &LEGACY, "1e10", "-1e10", "NaN", "Infinity"),
                  "2147483647|-2147483648|0|2147483647");
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "BIGINT", &LEGACY, "1e19", "-1e30"),
                  "9223372036854775807|-9223372036854775808");
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "TINYINT", &LEGACY, "300.7", "1e10"), "44|-1");
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "SMALLINT", &TRY, "1e10", "3.5"), "NULL|3");
    /* 2^63 passes Spark's floor(x) <= Long.MaxValue test and saturates */
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "BIGINT", &ANSI, "9223372036854775807"), "9223372036854775807");
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "FLOAT", &ANSI, "0.1", "1e300", "NaN"), "0.1|Infinity|NaN");
    ASSERT_STR_EQ(CAST(a, "FLOAT", "DOUBLE", &ANSI, "0.1"), "0.10000000149011612");
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "BOOLEAN", &ANSI, "0", "-0.0", "NaN", "0.5"),
                  "false|false|true|true");
    bk_arena_free(a);
}

BK_TEST(cast_decimal) {
    bk_arena *a = arena();
    /* decimalArithmeticOperations.sql.out: CAST(20 AS DECIMAL(4, 1)) */
    ASSERT_STR_EQ(CAST(a, "INT", "DECIMAL(4,1)", &ANSI, "20"), "20.0");
    ASSERT_STR_EQ(CAST(a, "INT", "DECIMAL(2,0)", &ANSI, "123"),
                  "ERROR NUMERIC_VALUE_OUT_OF_RANGE: 123 cannot be represented as Decimal(2, 0). "
                  "If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error, "
                  "and return NULL instead.");
    ASSERT_STR_EQ(CAST(a, "INT", "DECIMAL(2,0)", &LEGACY, "123", "-99"), "NULL|-99");
    ASSERT_STR_EQ(CAST(a, "BIGINT", "DECIMAL(20,0)", &ANSI, "-9223372036854775808"),
                  "-9223372036854775808");
    ASSERT_STR_EQ(CAST(a, "BOOLEAN", "DECIMAL(1,0)", &ANSI, "true"), "1");
    ASSERT_CONTAINS(CAST(a, "BOOLEAN", "DECIMAL(1,1)", &ANSI, "true"), "1 cannot be represented");
    /* decimal -> decimal rounds HALF_UP (ties away from zero) */
    ASSERT_STR_EQ(CAST(a, "DECIMAL(4,3)", "DECIMAL(3,2)", &ANSI, "1.245", "-1.245", "1.244"),
                  "1.25|-1.25|1.24");
    ASSERT_STR_EQ(CAST(a, "DECIMAL(4,3)", "DECIMAL(3,2)", &ANSI, "9.995"),
                  "ERROR NUMERIC_VALUE_OUT_OF_RANGE: 9.995 cannot be represented as Decimal(3, "
                  "2). If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this "
                  "error, and return NULL instead.");
    ASSERT_STR_EQ(CAST(a, "DECIMAL(38,0)", "DECIMAL(10,2)", &TRY,
                       "99999999999999999999999999999999999999", "12345678"),
                  "NULL|12345678.00");
    ASSERT_STR_EQ(CAST(a, "DECIMAL(10,2)", "DECIMAL(38,20)", &ANSI, "-12345678.91"),
                  "-12345678.91000000000000000000");
    /* decimal -> integral truncates; overflow shows the BD literal */
    ASSERT_STR_EQ(CAST(a, "DECIMAL(5,2)", "INT", &ANSI, "123.99", "-123.99"), "123|-123");
    ASSERT_STR_EQ(CAST(a, "DECIMAL(5,2)", "TINYINT", &ANSI, "200.50"),
                  "ERROR CAST_OVERFLOW: The value 200.50BD of the type \"DECIMAL(5,2)\" cannot be "
                  "cast to \"TINYINT\" due to an overflow. Use `try_cast` to tolerate overflow and "
                  "return NULL instead.");
    ASSERT_STR_EQ(CAST(a, "DECIMAL(5,2)", "TINYINT", &LEGACY, "200.50"), "-56");
    ASSERT_STR_EQ(CAST(a, "DECIMAL(38,0)", "BIGINT", &TRY, "99999999999999999999"), "NULL");
    /* decimal -> real is correctly rounded */
    ASSERT_STR_EQ(CAST(a, "DECIMAL(20,19)", "DOUBLE", &ANSI, "0.1000000000000000000"), "0.1");
    ASSERT_STR_EQ(CAST(a, "DECIMAL(38,2)", "DOUBLE", &ANSI, "12345678901234567890123.45"),
                  "1.2345678901234568E22");
    ASSERT_STR_EQ(CAST(a, "DECIMAL(5,2)", "FLOAT", &ANSI, "-1.10"), "-1.1");
    ASSERT_STR_EQ(CAST(a, "DECIMAL(5,2)", "BOOLEAN", &ANSI, "0.00", "0.01"), "false|true");
    /* double -> decimal starts from the shortest text (0.125 -> 0.13, 2.675 -> 2.68) */
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "DECIMAL(3,2)", &ANSI, "0.125", "2.675", "-0.125", "1e-10"),
                  "0.13|2.68|-0.13|0.00");
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "DECIMAL(3,2)", &ANSI, "12.5"),
                  "ERROR NUMERIC_VALUE_OUT_OF_RANGE: 12.5 cannot be represented as Decimal(3, 2). "
                  "If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error, "
                  "and return NULL instead.");
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "DECIMAL(38,0)", &LEGACY, "1e20", "1e40", "NaN"),
                  "100000000000000000000|NULL|NULL");
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "DECIMAL(10,0)", &ANSI, "Infinity"), "NULL");
    ASSERT_STR_EQ(CAST(a, "FLOAT", "DECIMAL(20,17)", &ANSI, "0.1"), "0.10000000149011612");
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Dates and timestamps
 * ------------------------------------------------------------------------------------------- */

/* A fixed-offset zone for the tests: *(int64_t *)tz µs east of UTC. */
static int64_t fixed_offset(void *tz, int64_t utc) {
    (void)utc;
    return *(const int64_t *)tz;
}
static int64_t fixed_local_to_utc(void *tz, int64_t local) { return local - *(int64_t *)tz; }

BK_TEST(cast_string_to_datetime) {
    bk_arena *a = arena();
    /* cast.sql.out */
    ASSERT_STR_EQ(CAST(a, "STRING", "DATE", &ANSI, "2022-01-01"), "2022-01-01");
    ASSERT_STR_EQ(CAST(a, "STRING", "DATE", &ANSI, "a"),
                  "ERROR CAST_INVALID_INPUT: The value 'a' of the type \"STRING\" cannot be cast "
                  "to \"DATE\" because it is malformed. Correct the value as per the syntax, or "
                  "change its target type. Use `try_cast` to tolerate malformed input and return "
                  "NULL instead.");
    ASSERT_STR_EQ(CAST(a, "STRING", "TIMESTAMP", &ANSI, "2022-01-01 00:00:00"),
                  "2022-01-01 00:00:00");
    ASSERT_CONTAINS(CAST(a, "STRING", "TIMESTAMP", &ANSI, "a"), "cast to \"TIMESTAMP\"");
    ASSERT_STR_EQ(CAST(a, "STRING", "TIMESTAMP_NTZ", &ANSI, "2022-01-01 00:00:00"),
                  "2022-01-01 00:00:00");
    ASSERT_CONTAINS(CAST(a, "STRING", "TIMESTAMP_NTZ", &ANSI, "a"), "cast to \"TIMESTAMP_NTZ\"");
    /* Spark's partial forms */
    ASSERT_STR_EQ(CAST(a, "STRING", "DATE", &ANSI, "2024", "2024-1", "2024-1-2", " 2024-01-02 ",
                       "2024-01-02 12:34", "2024-01-02T99", "-0044-03-15", "+10000-01-01"),
                  "2024-01-01|2024-01-01|2024-01-02|2024-01-02|2024-01-02|2024-01-02|-0044-03-15|"
                  "+10000-01-01");
    ASSERT_STR_EQ(CAST(a, "STRING", "DATE", &LEGACY, "2024-02-30", "2023-02-29", "24-01-01",
                       "2024-01-02x", "2024-13-01"),
                  "NULL|NULL|NULL|NULL|NULL");
    ASSERT_STR_EQ(CAST(a, "STRING", "TIMESTAMP", &ANSI, "2024", "2024-1", "2024-01-02 03:04",
                       "2024-01-02T03:04:05.123456789", "2024-01-02 03:04:05Z",
                       "2024-01-02 03:04:05+08:00", "2024-01-02T03:04:05-0130",
                       "2024-01-02 03:04:05 UTC", "2024-01-02 03:04:05GMT+1", "2024-01-02T"),
                  "2024-01-01 00:00:00|2024-01-01 00:00:00|2024-01-02 03:04:00|"
                  "2024-01-02 03:04:05.123456|2024-01-02 03:04:05|2024-01-01 19:04:05|"
                  "2024-01-02 04:34:05|2024-01-02 03:04:05|2024-01-02 02:04:05|"
                  "2024-01-02 00:00:00");
    ASSERT_STR_EQ(CAST(a, "STRING", "TIMESTAMP", &TRY, "2024-01-02 24:00:00", "2024-01-02 3",
                       "2024-01-02 03:04:05 America/Nowhere", "2024-01-02 03:04:05+19:00"),
                  "NULL|NULL|NULL|NULL");
    /* a region zone ID after the time (from the tz database) */
    ASSERT_STR_EQ(CAST(a, "STRING", "TIMESTAMP", &ANSI, "2024-01-02 03:04:05 America/New_York",
                       "2024-07-02 03:04:05 America/New_York"),
                  "2024-01-02 08:04:05|2024-07-02 07:04:05");
    /* TIMESTAMP_NTZ ignores a written zone */
    ASSERT_STR_EQ(CAST(a, "STRING", "TIMESTAMP_NTZ", &ANSI, "2024-01-02 03:04:05+08:00"),
                  "2024-01-02 03:04:05");
    bk_arena_free(a);
}

BK_TEST(cast_datetime_time_zone) {
    bk_arena *a = arena();
    int64_t plus_one = 3600 * INT64_C(1000000);
    exec_tz tz = {&plus_one, fixed_offset, fixed_local_to_utc};
    exec_cast_opts o = ANSI;
    o.tz = &tz;
    /* a wall clock in UTC+1 is one hour earlier in UTC (vec prints UTC; the cast prints local) */
    bk_vector *ts = strings_v(a, (const char *[]){"2024-01-02 00:30:00", "2024-01-01", END}), *t;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(exec_cast(a, ts, type(a, "TIMESTAMP"), &o, &t, &err), &err);
    ASSERT_STR_EQ(rows(t), "2024-01-01 23:30:00|2023-12-31 23:00:00");
    ASSERT_STR_EQ(cast_to(a, t, "STRING", &o), "2024-01-02 00:30:00|2024-01-01 00:00:00");
    ASSERT_STR_EQ(cast_to(a, t, "DATE", &o), "2024-01-02|2024-01-01");
    ASSERT_STR_EQ(cast_to(a, t, "DATE", &ANSI), "2024-01-01|2023-12-31");
    ASSERT_STR_EQ(cast_to(a, t, "TIMESTAMP_NTZ", &o), "2024-01-02 00:30:00|2024-01-01 00:00:00");
    bk_vector *d = vec(a, "DATE", (const char *[]){"2024-01-02", END});
    ASSERT_STR_EQ(cast_to(a, d, "TIMESTAMP", &o), "2024-01-01 23:00:00");
    ASSERT_STR_EQ(cast_to(a, d, "TIMESTAMP", &ANSI), "2024-01-02 00:00:00");
    ASSERT_STR_EQ(cast_to(a, d, "TIMESTAMP_NTZ", &o), "2024-01-02 00:00:00");
    bk_vector *ntz = vec(a, "TIMESTAMP_NTZ", (const char *[]){"2024-01-02 00:30:00", END});
    ASSERT_STR_EQ(cast_to(a, ntz, "TIMESTAMP", &o), "2024-01-01 23:30:00");
    ASSERT_STR_EQ(cast_to(a, ntz, "DATE", &o), "2024-01-02");
    /* an explicit zone wins over the session zone */
    bk_vector *z = strings_v(a, (const char *[]){"2024-01-02 00:30:00Z", END});
    ASSERT_STR_EQ(cast_to(a, z, "TIMESTAMP", &o), "2024-01-02 00:30:00");
    /* the overflow message prints the timestamp in the session zone */
    bk_vector *big = vec(a, "TIMESTAMP", (const char *[]){"2100-01-01 00:00:00", END});
    ASSERT_STR_EQ(cast_to(a, big, "INT", &o),
                  "ERROR CAST_OVERFLOW: The value TIMESTAMP '2100-01-01 01:00:00' of the type "
                  "\"TIMESTAMP\" cannot be cast to \"INT\" due to an overflow. Use `try_cast` to "
                  "tolerate overflow and return NULL instead.");
    bk_arena_free(a);
}

BK_TEST(cast_timestamp_numbers) {
    bk_arena *a = arena();
    bk_vector *ts =
        vec(a, "TIMESTAMP",
            (const char *[]){"1970-01-01 00:00:01.5", "1969-12-31 23:59:59.5", NULL, END});
    ASSERT_STR_EQ(cast_to(a, ts, "BIGINT", &ANSI), "1|-1|NULL");
    ASSERT_STR_EQ(cast_to(a, ts, "DOUBLE", &ANSI), "1.5|-0.5|NULL");
    ASSERT_STR_EQ(cast_to(a, ts, "FLOAT", &ANSI), "1.5|-0.5|NULL");
    ASSERT_STR_EQ(cast_to(a, ts, "DECIMAL(10,2)", &ANSI), "1.50|-0.50|NULL");
    ASSERT_STR_EQ(cast_to(a, ts, "TINYINT", &ANSI), "1|-1|NULL");
    ASSERT_STR_EQ(cast_to(a, ts, "BOOLEAN", &LEGACY), "true|true|NULL");
    bk_vector *big = vec(a, "TIMESTAMP", (const char *[]){"2100-01-01", END});
    ASSERT_STR_EQ(cast_to(a, big, "INT", &LEGACY), "-192522496");
    ASSERT_STR_EQ(cast_to(a, big, "INT", &TRY), "NULL");
    ASSERT_STR_EQ(CAST(a, "BIGINT", "TIMESTAMP", &ANSI, "1", "-1", "0"),
                  "1970-01-01 00:00:01|1969-12-31 23:59:59|1970-01-01 00:00:00");
    ASSERT_STR_EQ(CAST(a, "BIGINT", "TIMESTAMP", &ANSI, "9223372036854775807"),
                  "ERROR ARITHMETIC_OVERFLOW: long overflow. If necessary set "
                  "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.");
    ASSERT_STR_EQ(CAST(a, "BIGINT", "TIMESTAMP", &TRY, "9223372036854775807"), "NULL");
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "TIMESTAMP", &ANSI, "1.5", "-0.000001"),
                  "1970-01-01 00:00:01.5|1969-12-31 23:59:59.999999");
    ASSERT_STR_EQ(CAST(a, "DECIMAL(10,7)", "TIMESTAMP", &ANSI, "1.0000015"),
                  "1970-01-01 00:00:01.000001");
    /* cast.sql.out: cast(cast('inf' as double) as timestamp), and FLOAT reports DOUBLE */
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "TIMESTAMP", &ANSI, "inf"),
                  "ERROR CAST_INVALID_INPUT: The value Infinity of the type \"DOUBLE\" cannot be "
                  "cast to \"TIMESTAMP\" because it is malformed. Correct the value as per the "
                  "syntax, or change its target type. Use `try_cast` to tolerate malformed input "
                  "and return NULL instead.");
    ASSERT_CONTAINS(CAST(a, "FLOAT", "TIMESTAMP", &ANSI, "inf"),
                    "The value Infinity of the type \"DOUBLE\" cannot be cast to \"TIMESTAMP\"");
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "TIMESTAMP", &LEGACY, "NaN", "1e300"),
                  "NULL|+294247-01-10 04:00:54.775807");
    ASSERT_STR_EQ(CAST(a, "BOOLEAN", "TIMESTAMP", &LEGACY, "true"), "1970-01-01 00:00:00.000001");
    ASSERT_STR_EQ(CAST(a, "DATE", "INT", &LEGACY, "2024-01-01"), "NULL");
    ASSERT_STR_EQ(CAST(a, "DATE", "BOOLEAN", &LEGACY, "2024-01-01"), "NULL");
    ASSERT_STR_EQ(CAST(a, "DATE", "TIMESTAMP_NTZ", &ANSI, "-0044-03-15"), "-0044-03-15 00:00:00");
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * To STRING, BINARY
 * ------------------------------------------------------------------------------------------- */

BK_TEST(cast_to_string_and_binary) {
    bk_arena *a = arena();
    ASSERT_STR_EQ(CAST(a, "DOUBLE", "STRING", &ANSI, "1e10", "0.1", "-0.0", "1e-5", NULL),
                  "1.0E10|0.1|-0.0|1.0E-5|NULL");
    ASSERT_STR_EQ(CAST(a, "FLOAT", "STRING", &ANSI, "1.1", "3.4028235e38"), "1.1|3.4028235E38");
    ASSERT_STR_EQ(CAST(a, "DECIMAL(5,2)", "STRING", &ANSI, "-0.05", "1"), "-0.05|1.00");
    ASSERT_STR_EQ(CAST(a, "BOOLEAN", "STRING", &ANSI, "yes", "no"), "true|false");
    ASSERT_STR_EQ(CAST(a, "DATE", "STRING", &ANSI, "2024-3-7"), "2024-03-07");
    ASSERT_STR_EQ(CAST(a, "TIMESTAMP", "STRING", &ANSI, "2024-01-02 03:04:05.120"),
                  "2024-01-02 03:04:05.12");
    ASSERT_STR_EQ(CAST(a, "BIGINT", "STRING", &ANSI, "-9223372036854775808"),
                  "-9223372036854775808");
    /* cast.sql.out: HEX(CAST('abc' AS binary)) = 616263; BINARY -> STRING gives the bytes */
    bk_vector *bin = vec(a, "BINARY", (const char *[]){"abc", "", NULL, END});
    ASSERT_STR_EQ(rows(bin), "X'616263'|X''|NULL");
    ASSERT_STR_EQ(cast_to(a, bin, "STRING", &ANSI), "abc||NULL");
    /* legacy integral -> BINARY: big-endian bytes (cast.sql.out shows the ANSI refusal) */
    ASSERT_STR_EQ(CAST(a, "TINYINT", "BINARY", &LEGACY, "123", "-123"), "X'7B'|X'85'");
    ASSERT_STR_EQ(CAST(a, "SMALLINT", "BINARY", &LEGACY, "-123"), "X'FF85'");
    ASSERT_STR_EQ(CAST(a, "INT", "BINARY", &LEGACY, "123"), "X'0000007B'");
    ASSERT_STR_EQ(CAST(a, "BIGINT", "BINARY", &LEGACY, "-123"), "X'FFFFFFFFFFFFFF85'");
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Support matrix and DATATYPE_MISMATCH
 * ------------------------------------------------------------------------------------------- */

BK_TEST(cast_supported_matrix) {
    bk_arena *a = arena();
#define OK_(from, to, ansi) exec_cast_supported(type(a, from), type(a, to), ansi)
    ASSERT_TRUE(OK_("INT", "BINARY", false) && !OK_("INT", "BINARY", true));
    ASSERT_TRUE(OK_("DATE", "INT", false) && !OK_("DATE", "INT", true));
    ASSERT_TRUE(!OK_("INT", "DATE", false) && !OK_("INT", "DATE", true));
    ASSERT_TRUE(OK_("TIMESTAMP", "BIGINT", true) && OK_("DOUBLE", "TIMESTAMP", true));
    ASSERT_TRUE(!OK_("TIMESTAMP", "BOOLEAN", true) && OK_("TIMESTAMP", "BOOLEAN", false));
    ASSERT_TRUE(!OK_("BOOLEAN", "TIMESTAMP", true) && OK_("BOOLEAN", "TIMESTAMP", false));
    ASSERT_TRUE(!OK_("INT", "TIMESTAMP_NTZ", false) && !OK_("TIMESTAMP_NTZ", "INT", false));
    ASSERT_TRUE(!OK_("BINARY", "INT", false) && OK_("BINARY", "STRING", true));
    ASSERT_TRUE(OK_("STRING", "BINARY", true) && OK_("STRING", "TIMESTAMP_NTZ", true));
    ASSERT_TRUE(OK_("ARRAY<STRING>", "ARRAY<INT>", true));
    ASSERT_TRUE(!OK_("ARRAY<INT>", "ARRAY<DATE>", false));
    ASSERT_TRUE(OK_("MAP<STRING,INT>", "MAP<INT,STRING>", true));
    ASSERT_TRUE(OK_("STRUCT<a:INT,b:STRING>", "STRUCT<x:BIGINT,y:DATE>", true));
    ASSERT_TRUE(!OK_("STRUCT<a:INT>", "STRUCT<a:INT,b:INT>", true));
    ASSERT_TRUE(OK_("ARRAY<INT>", "STRING", true) && !OK_("ARRAY<INT>", "INT", false));
    ASSERT_TRUE(OK_("DECIMAL(10,2)", "DECIMAL(5,4)", true));
#undef OK_
    bk_error err;
    bk_error_clear(&err);
    /* cast.sql.out: SELECT HEX(CAST(CAST(123 AS byte) AS binary)) */
    ASSERT_FAILS(exec_cast_check(type(a, "TINYINT"), type(a, "BINARY"), true,
                                 "\"CAST(CAST(123 AS TINYINT) AS BINARY)\"", &err),
                 BK_DATATYPE_MISMATCH);
    ASSERT_STR_EQ(err.msg, "Cannot resolve \"CAST(CAST(123 AS TINYINT) AS BINARY)\" due to data "
                           "type mismatch: cannot cast \"TINYINT\" to \"BINARY\" with ANSI mode "
                           "on.\nIf you have to cast \"TINYINT\" to \"BINARY\", you can set "
                           "\"spark.sql.ansi.enabled\" as 'false'.");
    bk_error_clear(&err);
    ASSERT_FAILS(exec_cast_check(type(a, "DATE"), type(a, "INT"), true, NULL, &err),
                 BK_DATATYPE_MISMATCH);
    ASSERT_STR_EQ(err.msg, "Cannot resolve \"CAST(DATE AS INT)\" due to data type mismatch: "
                           "cannot cast \"DATE\" to \"INT\".\nTo convert values from \"DATE\" to "
                           "\"INT\", you can use the functions `UNIX_DATE` instead.");
    bk_error_clear(&err);
    ASSERT_FAILS(exec_cast_check(type(a, "BINARY"), type(a, "INT"), false, NULL, &err),
                 BK_DATATYPE_MISMATCH);
    ASSERT_STR_EQ(err.msg, "Cannot resolve \"CAST(BINARY AS INT)\" due to data type mismatch: "
                           "cannot cast \"BINARY\" to \"INT\".");
    /* exec_cast refuses the same way */
    ASSERT_CONTAINS(CAST(a, "INT", "BINARY", &ANSI, "1"),
                    "ERROR DATATYPE_MISMATCH: Cannot resolve");
    ASSERT_CONTAINS(CAST(a, "INT", "BINARY", &TRY, "1"), "with ANSI mode on");
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * NULLs, empty vectors, selections, VOID, nested
 * ------------------------------------------------------------------------------------------- */

BK_TEST(cast_nulls_empty_void) {
    bk_arena *a = arena();
    ASSERT_STR_EQ(CAST(a, "STRING", "INT", &ANSI, NULL, NULL), "NULL|NULL");
    ASSERT_STR_EQ(CAST(a, "STRING", "DECIMAL(4,2)", &ANSI, NULL), "NULL");
    bk_vector *empty = bk_vector_make(a, bk_type_scalar(BK_TYPE_STRING), 0);
    ASSERT_STR_EQ(cast_to(a, empty, "INT", &ANSI), "");
    ASSERT_STR_EQ(cast_to(a, empty, "STRING", &ANSI), "");
    bk_vector *v = bk_vector_make(a, bk_type_scalar(BK_TYPE_VOID), 3);
    ASSERT_STR_EQ(cast_to(a, v, "INT", &ANSI), "NULL|NULL|NULL");
    ASSERT_STR_EQ(cast_to(a, v, "ARRAY<STRING>", &ANSI), "NULL|NULL|NULL");
    ASSERT_STR_EQ(cast_to(a, v, "STRUCT<a:INT>", &ANSI), "NULL|NULL|NULL");
    ASSERT_STR_EQ(cast_to(a, v, "STRING", &ANSI), "NULL|NULL|NULL");
    /* same type: values shared, NULLs kept */
    ASSERT_STR_EQ(CAST(a, "INT", "INT", &ANSI, "1", NULL), "1|NULL");
    bk_arena_free(a);
}

BK_TEST(cast_selection) {
    bk_arena *a = arena();
    bk_vector *s = strings_v(a, (const char *[]){"1", "bad", "3", NULL, END}), *out;
    bk_error err;
    bk_error_clear(&err);
    uint32_t sel[] = {2, 0, 3};
    /* the bad row is not selected: no error, and it is NULL in the result */
    ASSERT_OK(exec_cast_sel(a, s, sel, 3, type(a, "INT"), &ANSI, &out, &err), &err);
    ASSERT_STR_EQ(rows(out), "1|NULL|3|NULL");
    ASSERT_OK(exec_cast_sel(a, s, sel, 0, type(a, "INT"), &ANSI, &out, &err), &err);
    ASSERT_STR_EQ(rows(out), "NULL|NULL|NULL|NULL");
    ASSERT_OK(exec_cast_sel(a, s, sel, 2, type(a, "STRING"), &ANSI, &out, &err), &err);
    ASSERT_STR_EQ(rows(out), "1|NULL|3|NULL");
    ASSERT_EQ(((bk_str *)out->data)[1].len, 0); /* NULL slots read as zero */
    uint32_t with_bad[] = {1};
    ASSERT_FAILS(exec_cast_sel(a, s, with_bad, 1, type(a, "INT"), &ANSI, &out, &err),
                 BK_CAST_INVALID_INPUT);
    ASSERT_CONTAINS(err.msg, "'bad'");
    bk_arena_free(a);
}

/* ARRAY<STRING> with rows ["1", "x", NULL], NULL, [], ["7"]. */
static bk_vector *string_arrays(bk_arena *a) {
    bk_vector *child = strings_v(a, (const char *[]){"1", "x", NULL, "7", END});
    bk_vector *v = bk_vector_make(a, type(a, "ARRAY<STRING>"), 4);
    if (!child || !v || bk_vector_ensure_validity(a, v) != BK_OK) return NULL;
    v->children[0] = child;
    int64_t offsets[] = {0, 3, 3, 3, 4};
    memcpy(v->offsets, offsets, sizeof offsets);
    bk_validity_set(v->validity, 1, false);
    return v;
}

BK_TEST(cast_nested) {
    bk_arena *a = arena();
    bk_vector *arr = string_arrays(a);
    ASSERT_TRUE(arr != NULL);
    ASSERT_STR_EQ(cast_to(a, arr, "ARRAY<INT>", &LEGACY), "[1, null, null]|NULL|[]|[7]");
    ASSERT_STR_EQ(cast_to(a, arr, "ARRAY<INT>", &TRY), "[1, null, null]|NULL|[]|[7]");
    ASSERT_CONTAINS(cast_to(a, arr, "ARRAY<INT>", &ANSI), "The value 'x' of the type \"STRING\"");
    ASSERT_STR_EQ(cast_to(a, arr, "STRING", &ANSI), "[1, x, null]|NULL|[]|[7]");
    /* an element of an unselected row is not cast */
    bk_vector *out;
    bk_error err;
    bk_error_clear(&err);
    uint32_t sel[] = {3, 2};
    ASSERT_OK(exec_cast_sel(a, arr, sel, 2, type(a, "ARRAY<BIGINT>"), &ANSI, &out, &err), &err);
    ASSERT_STR_EQ(rows(out), "NULL|NULL|[]|[7]");

    /* MAP<STRING,STRING> {"1" -> "2.5"} -> MAP<INT,DOUBLE> */
    bk_vector *keys = strings_v(a, (const char *[]){"1", "2", END});
    bk_vector *vals = strings_v(a, (const char *[]){"2.5", NULL, END});
    bk_vector *m = bk_vector_make(a, type(a, "MAP<STRING,STRING>"), 1);
    ASSERT_TRUE(m && keys && vals);
    m->children[0] = keys;
    m->children[1] = vals;
    m->offsets[1] = 2;
    ASSERT_STR_EQ(cast_to(a, m, "MAP<INT,DOUBLE>", &ANSI), "{1 -> 2.5, 2 -> null}");

    /* STRUCT<a: STRING, b: STRING> -> STRUCT<x: INT, y: DATE> */
    bk_vector *st = bk_vector_make(a, type(a, "STRUCT<a:STRING,b:STRING>"), 2);
    ASSERT_TRUE(st != NULL);
    st->children[0] = strings_v(a, (const char *[]){"5", "6", END});
    st->children[1] = strings_v(a, (const char *[]){"2024-01-02", "nope", END});
    ASSERT_STR_EQ(cast_to(a, st, "STRUCT<x:INT,y:DATE>", &TRY), "{5, 2024-01-02}|{6, null}");
    ASSERT_CONTAINS(cast_to(a, st, "STRUCT<x:INT,y:DATE>", &ANSI), "'nope'");
    bk_arena_free(a);
}

BK_TEST(cast_opts_null_is_ansi) {
    bk_arena *a = arena();
    bk_vector *s = strings_v(a, (const char *[]){"x", END}), *out;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_FAILS(exec_cast(a, s, type(a, "INT"), NULL, &out, &err), BK_CAST_INVALID_INPUT);
    ASSERT_STR_EQ(bk_code_sqlstate(BK_CAST_INVALID_INPUT), "22018");
    ASSERT_STR_EQ(bk_code_sqlstate(BK_CAST_OVERFLOW), "22003");
    ASSERT_STR_EQ(bk_code_sqlstate(BK_DIVIDE_BY_ZERO), "22012");
    ASSERT_STR_EQ(bk_code_sqlstate(BK_DATATYPE_MISMATCH), "42K09");
    ASSERT_EQ(bk_code_http_status(BK_NUMERIC_VALUE_OUT_OF_RANGE), 400);
    bk_arena_free(a);
}
