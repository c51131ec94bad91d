/*
 * test_fn_string.c — string, regex and LIKE functions of the function library
 * (engine/exec/fn_string.c, fn_string_regex.c, fn_like.c).  Expected values are
 * from Spark's golden files under ../shared/testdata/spark-sql-tests/results
 * (string-functions.sql.out, regexp-functions.sql.out, like-any.sql.out, cited
 * per test as "golden"), or Spark 4 behaviour where noted.
 */
#include "fn_test.h"
#include "test.h"

#define BEGIN bk_arena *a = bk_arena_new(NULL, "t", 0)
#define END bk_arena_free(a)

BK_TEST(fn_string_lookup) {
    ASSERT_TRUE(exec_fn_lookup("upper") != NULL);
    ASSERT_TRUE(exec_fn_lookup("regexp_extract") != NULL);
    ASSERT_TRUE(exec_fn_lookup("round") != NULL);
    ASSERT_TRUE(exec_fn_lookup("coalesce") != NULL);
    ASSERT_TRUE(exec_fn_lookup("no_such_fn") == NULL);
    /* no name appears twice across the tables */
    const exec_fn_def *tabs[] = {exec_fn_string_defs, exec_fn_math_defs, exec_fn_misc_defs};
    size_t ns[] = {exec_fn_string_n, exec_fn_math_n, exec_fn_misc_n};
    for (int t = 0; t < 3; t++)
        for (size_t i = 0; i < ns[t]; i++)
            ASSERT_TRUE(exec_fn_lookup(tabs[t][i].name) == &tabs[t][i]);
}

BK_TEST(fn_string_length) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "length", S(a, "Spark SQL ")), "10");
    ASSERT_STR_EQ(FN(a, "char_length", S(a, "h\xc3\xa9llo \xe4\xb8\x96")), "7");
    ASSERT_STR_EQ(FN(a, "octet_length", S(a, "h\xc3\xa9")), "3");
    ASSERT_STR_EQ(FN(a, "bit_length", S(a, "h\xc3\xa9")), "24");
    ASSERT_STR_EQ(FN(a, "length", S(a, "")), "0");
    ASSERT_STR_EQ(FN(a, "length", S(a, NULL)), "NULL");
    ASSERT_STR_EQ(FN(a, "length", NUL(a)), "NULL");
    ASSERT_STR_EQ(FN(a, "length", I(a, 123)), "3"); /* implicit cast to STRING */
    ASSERT_STR_EQ(FN(a, "length", BIN(a, "\xc3\xa9", 2)), "2");
    END;
}

BK_TEST(fn_string_case) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "upper", S(a, "abc\xc3\xa9")), "ABC\xc3\x89");
    ASSERT_STR_EQ(FN(a, "lower", S(a, "ABC\xce\xa3")), "abc\xcf\x83");
    ASSERT_STR_EQ(FN(a, "ucase", S(a, "x")), "X");
    ASSERT_STR_EQ(FN(a, "lcase", S(a, "X")), "x");
    ASSERT_STR_EQ(FN(a, "upper", NUL(a)), "NULL");
    ASSERT_STR_EQ(FN_TYPE(a, "upper", NUL(a)), "STRING");
    ASSERT_STR_EQ(FN(a, "initcap", S(a, "sPark sql")), "Spark Sql");
    ASSERT_STR_EQ(FN(a, "initcap", S(a, "\xc3\xa9t\xc3\xa9 x")), "\xc3\x89t\xc3\xa9 X");
    ASSERT_STR_EQ(FN(a, "upper", S(a, "")), "");
    END;
}

/* golden: string-functions.sql.out, substr/substring/left/right */
BK_TEST(fn_string_substring) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "substr", S(a, "Spark SQL"), I(a, 5)), "k SQL");
    ASSERT_STR_EQ(FN(a, "substr", S(a, "Spark SQL"), I(a, -3)), "SQL");
    ASSERT_STR_EQ(FN(a, "substr", S(a, "Spark SQL"), I(a, 5), I(a, 1)), "k");
    ASSERT_STR_EQ(FN(a, "substring", S(a, "Spark SQL"), I(a, 0), I(a, 2)), "Sp");
    ASSERT_STR_EQ(FN(a, "substring", S(a, "Spark SQL"), I(a, -20), I(a, 22)), "Spark SQL");
    ASSERT_STR_EQ(FN(a, "substring", S(a, "Spark SQL"), I(a, -12), I(a, 5)), "Sp");
    ASSERT_STR_EQ(FN(a, "substring", S(a, "Spark SQL"), I(a, 3), I(a, -1)), "");
    ASSERT_STR_EQ(FN(a, "substring", S(a, "Spark SQL"), I(a, 100)), "");
    ASSERT_STR_EQ(FN(a, "substring", S(a, "\xe4\xb8\x96\xe7\x95\x8cxy"), I(a, 2), I(a, 2)),
                  "\xe7\x95\x8cx");
    ASSERT_STR_EQ(FN(a, "substring", S(a, NULL), I(a, 1)), "NULL");
    ASSERT_STR_EQ(FN(a, "substring", BIN(a, "\x01\x02\x03", 3), I(a, 2)), "X'0203'");
    ASSERT_STR_EQ(FN(a, "left", S(a, "abcd"), I(a, 2)), "ab");
    ASSERT_STR_EQ(FN(a, "left", S(a, "abcd"), I(a, 5)), "abcd");
    ASSERT_STR_EQ(FN(a, "left", S(a, "abcd"), S(a, "2")), "ab");
    ASSERT_STR_EQ(FN(a, "left", S(a, "abcd"), NUL(a)), "NULL");
    ASSERT_STR_EQ(FN(a, "left", NUL(a), I(a, -2)), "NULL");
    ASSERT_STR_EQ(FN(a, "left", S(a, "abcd"), I(a, -2)), "");
    ASSERT_STR_EQ(FN(a, "left", S(a, "abcd"), S(a, "a")), "ERR:CAST_INVALID_INPUT");
    ASSERT_STR_EQ(FN(a, "right", S(a, "abcd"), I(a, 2)), "cd");
    ASSERT_STR_EQ(FN(a, "right", S(a, "abcd"), I(a, 5)), "abcd");
    ASSERT_STR_EQ(FN(a, "right", S(a, "abcd"), I(a, 0)), "");
    ASSERT_STR_EQ(FN(a, "right", S(a, "abcd"), I(a, -2)), "");
    END;
}

BK_TEST(fn_string_concat) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "concat", S(a, "a"), S(a, "b"), S(a, "c")), "abc");
    ASSERT_STR_EQ(FN(a, "concat", S(a, "a"), S(a, NULL)), "NULL");
    ASSERT_STR_EQ(FN(a, "concat", S(a, "a"), I(a, 1)), "a1");
    ASSERT_STR_EQ(FN(a, "concat", BIN(a, "\x01", 1), BIN(a, "\x02", 1)), "X'0102'");
    ASSERT_STR_EQ(FN0(a, "concat"), "");
    ASSERT_STR_EQ(FN(a, "concat_ws", S(a, ","), S(a, "a"), S(a, NULL), S(a, "b")), "a,b");
    ASSERT_STR_EQ(FN(a, "concat_ws", S(a, NULL), S(a, "a")), "NULL");
    ASSERT_STR_EQ(FN(a, "concat_ws", S(a, "-")), "");
    ASSERT_STR_EQ(FN(a, "concat_ws", S(a, "\xc3\xa9"), S(a, "x"), S(a, "y")), "x\xc3\xa9y");
    /* golden: concat_ws() has no arguments: WRONG_NUM_ARGS */
    ASSERT_STR_EQ(FN0(a, "concat_ws"), "ERR:WRONG_NUM_ARGS");
    END;
}

BK_TEST(fn_string_concat_ws_array) {
    BEGIN;
    const char *items[] = {"x", NULL, "y"};
    bk_vector *child = SV(a, 3, items);
    bk_vector *arr = bk_vector_make(a, bk_type_make_array(a, bk_type_scalar(BK_TYPE_STRING)), 1);
    arr->offsets[1] = 3;
    arr->children[0] = child;
    ASSERT_STR_EQ(FN(a, "concat_ws", S(a, "/"), S(a, "a"), arr), "a/x/y");
    END;
}

/* golden: string-functions.sql.out, trim */
BK_TEST(fn_string_trim) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "trim", S(a, " xyz ")), "xyz");
    ASSERT_STR_EQ(FN(a, "ltrim", S(a, " xyz ")), "xyz ");
    ASSERT_STR_EQ(FN(a, "rtrim", S(a, " xyz ")), " xyz");
    ASSERT_STR_EQ(FN(a, "trim", S(a, "\t xyz \n")), "\t xyz \n"); /* only spaces by default */
    ASSERT_STR_EQ(FN(a, "trim", S(a, "yxTomxx"), S(a, "xyz")), "Tom");
    ASSERT_STR_EQ(FN(a, "trim", S(a, "xxxbarxxx"), S(a, "x")), "bar");
    ASSERT_STR_EQ(FN(a, "ltrim", S(a, "zzzytest"), S(a, "xyz")), "test");
    ASSERT_STR_EQ(FN(a, "ltrim", S(a, "zzzytestxyz"), S(a, "xyz")), "testxyz");
    ASSERT_STR_EQ(FN(a, "ltrim", S(a, "xyxXxyLAST WORD"), S(a, "xy")), "XxyLAST WORD");
    ASSERT_STR_EQ(FN(a, "rtrim", S(a, "testxxzx"), S(a, "xyz")), "test");
    ASSERT_STR_EQ(FN(a, "rtrim", S(a, "xyztestxxzx"), S(a, "xyz")), "xyztest");
    ASSERT_STR_EQ(FN(a, "rtrim", S(a, "TURNERyxXxy"), S(a, "xy")), "TURNERyxX");
    ASSERT_STR_EQ(FN(a, "btrim", S(a, "xyxtrimyyx"), S(a, "xy")), "trim");
    ASSERT_STR_EQ(FN(a, "trim",
                     S(a, "\xc3\xa9\xc3\xa9"
                          "a\xc3\xa9"),
                     S(a, "\xc3\xa9")),
                  "a");
    ASSERT_STR_EQ(FN(a, "trim", S(a, "   ")), "");
    ASSERT_STR_EQ(FN(a, "trim", S(a, "abc"), S(a, NULL)), "NULL");
    END;
}

/* golden: string-functions.sql.out, lpad/rpad */
BK_TEST(fn_string_pad) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "lpad", S(a, "hi"), I(a, 5), S(a, "??")), "???hi");
    ASSERT_STR_EQ(FN(a, "lpad", S(a, "hi"), I(a, 1), S(a, "??")), "h");
    ASSERT_STR_EQ(FN(a, "lpad", S(a, "hi"), I(a, 5)), "   hi");
    ASSERT_STR_EQ(FN(a, "rpad", S(a, "hi"), I(a, 5), S(a, "??")), "hi???");
    ASSERT_STR_EQ(FN(a, "rpad", S(a, "hi"), I(a, -1)), "");
    ASSERT_STR_EQ(FN(a, "lpad", S(a, "hi"), I(a, 5), S(a, "")), "hi");
    ASSERT_STR_EQ(FN(a, "lpad", S(a, "hi"), S(a, "invalid_length")), "ERR:CAST_INVALID_INPUT");
    ASSERT_STR_EQ(FN(a, "lpad", S(a, "abc"), I(a, 5), BIN(a, "W", 1)), "WWabc");
    ASSERT_STR_EQ(FN(a, "lpad", BIN(a, "W", 1), I(a, 5), S(a, "abc")), "abcaW");
    ASSERT_STR_EQ(FN(a, "rpad", BIN(a, "W", 1), I(a, 5), S(a, "abc")), "Wabca");
    ASSERT_STR_EQ(FN(a, "lpad", BIN(a, "\xaa\xbb", 2), I(a, 5)), "X'000000AABB'");
    ASSERT_STR_EQ(FN(a, "rpad", BIN(a, "\xaa", 1), I(a, 5), BIN(a, "\x1f\x2e", 2)),
                  "X'AA1F2E1F2E'");
    ASSERT_STR_EQ(FN(a, "lpad", BIN(a, "\xaa\xbb\xcc", 3), I(a, 2), BIN(a, "\xff", 1)), "X'AABB'");
    ASSERT_STR_EQ(FN(a, "lpad", S(a, "\xc3\xa9"), I(a, 3), S(a, "\xe4\xb8\x96")),
                  "\xe4\xb8\x96\xe4\xb8\x96\xc3\xa9");
    END;
}

/* golden: string-functions.sql.out, replace / repeat / reverse / translate / overlay */
BK_TEST(fn_string_edit) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "replace", S(a, "abc"), S(a, "b"), S(a, "123")), "a123c");
    ASSERT_STR_EQ(FN(a, "replace", S(a, "abc"), S(a, "b")), "ac");
    ASSERT_STR_EQ(FN(a, "replace", S(a, "aaa"), S(a, "aa"), S(a, "x")), "xa");
    ASSERT_STR_EQ(FN(a, "replace", S(a, "abc"), S(a, ""), S(a, "x")), "abc");
    ASSERT_STR_EQ(FN(a, "repeat", S(a, "ab"), I(a, 3)), "ababab");
    ASSERT_STR_EQ(FN(a, "repeat", S(a, "ab"), I(a, -1)), "");
    ASSERT_STR_EQ(FN(a, "reverse", S(a, "Spark SQL")), "LQS krapS");
    ASSERT_STR_EQ(FN(a, "reverse", S(a, "a\xc3\xa9\xe4\xb8\x96")), "\xe4\xb8\x96\xc3\xa9"
                                                                   "a");
    ASSERT_STR_EQ(FN(a, "translate", S(a, "AaBbCc"), S(a, "abc"), S(a, "123")), "A1B2C3");
    ASSERT_STR_EQ(FN(a, "translate", S(a, "abcabc"), S(a, "ab"), S(a, "x")), "xcxc");
    ASSERT_STR_EQ(FN(a, "overlay", S(a, "Spark SQL"), S(a, "_"), I(a, 6)), "Spark_SQL");
    ASSERT_STR_EQ(FN(a, "overlay", S(a, "Spark SQL"), S(a, "CORE"), I(a, 7)), "Spark CORE");
    ASSERT_STR_EQ(FN(a, "overlay", S(a, "Spark SQL"), S(a, "ANSI "), I(a, 7), I(a, 0)),
                  "Spark ANSI SQL");
    ASSERT_STR_EQ(FN(a, "overlay", S(a, "Spark SQL"), S(a, "tructured"), I(a, 2), I(a, 4)),
                  "Structured SQL");
    ASSERT_STR_EQ(FN(a, "space", I(a, 3)), "   ");
    ASSERT_STR_EQ(FN(a, "space", I(a, -3)), "");
    END;
}

/* golden: string-functions.sql.out, position / locate / instr */
BK_TEST(fn_string_search) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "position", S(a, "bar"), S(a, "foobarbar")), "4");
    ASSERT_STR_EQ(FN(a, "position", NUL(a), S(a, "foobarbar")), "NULL");
    ASSERT_STR_EQ(FN(a, "position", S(a, "aaads"), NUL(a)), "NULL");
    ASSERT_STR_EQ(FN(a, "locate", S(a, "bar"), S(a, "foobarbar"), I(a, 5)), "7");
    ASSERT_STR_EQ(FN(a, "locate", S(a, "bar"), S(a, "foobarbar"), I(a, 0)), "0");
    ASSERT_STR_EQ(FN(a, "locate", S(a, "bar"), S(a, "foobarbar"), NUL(a)), "0");
    ASSERT_STR_EQ(FN(a, "locate", S(a, "x"), S(a, "\xc3\xa9\xc3\xa9x")), "3");
    ASSERT_STR_EQ(FN(a, "instr", S(a, "SparkSQL"), S(a, "SQL")), "6");
    ASSERT_STR_EQ(FN(a, "instr", S(a, "\xe4\xb8\x96\xe7\x95\x8c"), S(a, "\xe7\x95\x8c")), "2");
    ASSERT_STR_EQ(FN(a, "instr", S(a, "abc"), S(a, "z")), "0");
    ASSERT_STR_EQ(FN(a, "contains", S(a, "Spark SQL"), S(a, "Spark")), "true");
    ASSERT_STR_EQ(FN(a, "contains", S(a, "Spark SQL"), S(a, "SPARK")), "false");
    ASSERT_STR_EQ(FN(a, "contains", NUL(a), S(a, "Spark")), "NULL");
    ASSERT_STR_EQ(FN(a, "contains", I(a, 12), S(a, "1")), "true");
    ASSERT_STR_EQ(FN(a, "contains", BOOL(a, true), S(a, "ru")), "true");
    ASSERT_STR_EQ(FN(a, "contains", BIN(a, "", 0), BIN(a, "", 0)), "true");
    ASSERT_STR_EQ(FN(a, "contains", BIN(a, "\x12", 1), I(a, 12)), "false");
    ASSERT_STR_EQ(FN(a, "startswith", S(a, "Spark SQL"), S(a, "ark")), "false");
    ASSERT_STR_EQ(FN(a, "startswith", S(a, "Spark SQL"), S(a, "Spa")), "true");
    ASSERT_STR_EQ(FN(a, "startswith", S(a, "Spark"), NUL(a)), "NULL");
    ASSERT_STR_EQ(FN(a, "endswith", S(a, "Spark SQL"), S(a, "QL")), "true");
    ASSERT_STR_EQ(FN(a, "endswith", S(a, "Spark SQL"), S(a, "Spa")), "false");
    ASSERT_STR_EQ(FN(a, "endswith", BIN(a, "Spark SQL", 9), BIN(a, "", 0)), "true");
    END;
}

/* golden: string-functions.sql.out, split_part */
BK_TEST(fn_string_split_part) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "split_part", S(a, "11.12.13"), S(a, "."), I(a, 2)), "12");
    ASSERT_STR_EQ(FN(a, "split_part", S(a, "11.12.13"), S(a, "."), I(a, -1)), "13");
    ASSERT_STR_EQ(FN(a, "split_part", S(a, "11.12.13"), S(a, "."), I(a, -3)), "11");
    ASSERT_STR_EQ(FN(a, "split_part", S(a, "11.12.13"), S(a, ""), I(a, 1)), "11.12.13");
    ASSERT_STR_EQ(FN(a, "split_part", S(a, "11ab12ab13"), S(a, "ab"), I(a, 1)), "11");
    ASSERT_STR_EQ(FN(a, "split_part", S(a, "11.12.13"), S(a, "."), I(a, 4)), "");
    ASSERT_STR_EQ(FN(a, "split_part", S(a, "11.12.13"), S(a, "."), I(a, -5)), "");
    ASSERT_STR_EQ(FN(a, "split_part", NUL(a), S(a, "."), I(a, 1)), "NULL");
    ASSERT_STR_EQ(FN(a, "split_part", S(a, "11.12.13"), S(a, "."), I(a, 0)),
                  "ERR:INVALID_INDEX_OF_ZERO");
    END;
}

BK_TEST(fn_string_chars_and_encodings) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "ascii", S(a, "222")), "50");
    ASSERT_STR_EQ(FN(a, "ascii", S(a, "")), "0");
    ASSERT_STR_EQ(FN(a, "ascii", S(a, "\xc3\xa9")), "233");
    ASSERT_STR_EQ(FN(a, "chr", L(a, 65)), "A");
    ASSERT_STR_EQ(FN(a, "char", L(a, 321)), "A"); /* 321 mod 256 */
    ASSERT_STR_EQ(FN(a, "chr", L(a, -1)), "");
    ASSERT_STR_EQ(FN(a, "chr", L(a, 233)), "\xc3\xa9");
    ASSERT_STR_EQ(FN(a, "base64", S(a, "Spark SQL")), "U3BhcmsgU1FM");
    ASSERT_STR_EQ(FN(a, "base64", BIN(a, "ab", 2)), "YWI=");
    ASSERT_STR_EQ(FN(a, "unbase64", S(a, "U3BhcmsgU1FM")), "X'537061726B2053514C'");
    ASSERT_STR_EQ(FN(a, "unbase64", S(a, "YWI=")), "X'6162'");
    ASSERT_STR_EQ(FN(a, "hex", L(a, 17)), "11");
    ASSERT_STR_EQ(FN(a, "hex", L(a, -1)), "FFFFFFFFFFFFFFFF");
    ASSERT_STR_EQ(FN(a, "hex", S(a, "Spark SQL")), "537061726B2053514C");
    ASSERT_STR_EQ(FN(a, "hex", NUL(a)), "NULL");
    ASSERT_STR_EQ(FN(a, "unhex", S(a, "537061726B2053514C")), "X'537061726B2053514C'");
    ASSERT_STR_EQ(FN(a, "unhex", S(a, "123")), "X'0123'"); /* golden: hex(lpad(unhex('123'), 2)) */
    ASSERT_STR_EQ(FN(a, "unhex", S(a, "")), "X''");
    ASSERT_STR_EQ(FN(a, "unhex", S(a, "zz")), "NULL");
    ASSERT_STR_EQ(FN(a, "crc32", S(a, "Spark")), "1557323817");
    END;
}

/* A column of several rows with NULLs, an empty vector and an all-NULL one. */
BK_TEST(fn_string_vectors) {
    BEGIN;
    const char *rows[] = {"ab", NULL, "", "\xc3\xa9z"};
    ASSERT_STR_EQ(FN(a, "upper", SV(a, 4, rows)), "AB|NULL||\xc3\x89Z");
    ASSERT_STR_EQ(FN(a, "length", SV(a, 4, rows)), "2|NULL|0|2");
    const char *pats[] = {"a%", "_", "", "%z"};
    ASSERT_STR_EQ(FN(a, "like", SV(a, 4, rows), SV(a, 4, pats)), "true|NULL|true|true");
    const char *res[] = {"a+", "b", "x", "z$"};
    ASSERT_STR_EQ(FN(a, "rlike", SV(a, 4, rows), SV(a, 4, res)), "true|NULL|false|true");
    ASSERT_STR_EQ(FN(a, "upper", SV(a, 0, rows)), "");
    ASSERT_STR_EQ(FN(a, "regexp_replace", SV(a, 0, rows), SV(a, 0, rows), SV(a, 0, rows)), "");
    const char *nulls[] = {NULL, NULL, NULL};
    ASSERT_STR_EQ(FN(a, "concat", SV(a, 3, nulls), SV(a, 3, nulls)), "NULL|NULL|NULL");
    ASSERT_STR_EQ(FN(a, "split", SV(a, 3, nulls), SV(a, 3, nulls)), "NULL|NULL|NULL");
    ASSERT_STR_EQ(FN(a, "regexp_extract", SV(a, 3, nulls), SV(a, 3, nulls)), "NULL|NULL|NULL");
    END;
}

BK_TEST(fn_string_bind_errors) {
    BEGIN;
    bk_vector *arr = bk_vector_make(a, bk_type_make_array(a, bk_type_scalar(BK_TYPE_INT)), 1);
    ASSERT_STR_EQ(FN(a, "upper", arr), "ERR:DATATYPE_MISMATCH");
    ASSERT_CONTAINS(fn_test_last_error.msg, "requires the \"STRING\" type");
    ASSERT_STR_EQ(FN_TYPE(a, "reverse", BIN(a, "x", 1)), "BINARY");
    ASSERT_STR_EQ(FN_TYPE(a, "concat", S(a, "x"), BIN(a, "x", 1)), "STRING");
    ASSERT_STR_EQ(FN_TYPE(a, "split", S(a, "x"), S(a, "y")), "ARRAY<STRING>");
    END;
}

/* golden: like-any.sql.out patterns and Spark's LIKE/ESCAPE rules */
BK_TEST(fn_string_like) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "like", S(a, "google"), S(a, "%oo%")), "true");
    ASSERT_STR_EQ(FN(a, "like", S(a, "facebook"), S(a, "%oo%")), "true");
    ASSERT_STR_EQ(FN(a, "like", S(a, "linkedin"), S(a, "%in")), "true");
    ASSERT_STR_EQ(FN(a, "like", S(a, "linkedin"), S(a, "%oo%")), "false");
    ASSERT_STR_EQ(FN(a, "like", S(a, "abc"), S(a, "a_c")), "true");
    ASSERT_STR_EQ(FN(a, "like", S(a, "abbc"), S(a, "a_c")), "false");
    ASSERT_STR_EQ(FN(a, "like", S(a, "\xc3\xa9t\xc3\xa9"), S(a, "_t_")), "true");
    ASSERT_STR_EQ(FN(a, "like", S(a, "a%b"), S(a, "a\\%b")), "true");
    ASSERT_STR_EQ(FN(a, "like", S(a, "axb"), S(a, "a\\%b")), "false");
    ASSERT_STR_EQ(FN(a, "like", S(a, "a_b"), S(a, "a/_b"), S(a, "/")), "true");
    ASSERT_STR_EQ(FN(a, "like", S(a, "a/b"), S(a, "a//b"), S(a, "/")), "true");
    ASSERT_STR_EQ(FN(a, "like", S(a, ""), S(a, "%")), "true");
    ASSERT_STR_EQ(FN(a, "like", S(a, ""), S(a, "_")), "false");
    ASSERT_STR_EQ(FN(a, "like", S(a, "aaa"), S(a, "%a%a%a%")), "true");
    ASSERT_STR_EQ(FN(a, "like", S(a, "mississippi"), S(a, "%ss%ss%pi")), "true");
    ASSERT_STR_EQ(FN(a, "like", S(a, NULL), S(a, "%")), "NULL");
    ASSERT_STR_EQ(FN(a, "like", S(a, "a"), S(a, NULL)), "NULL");
    ASSERT_STR_EQ(FN(a, "like", S(a, "a"), S(a, "a\\")), "ERR:INVALID_FORMAT");
    ASSERT_CONTAINS(fn_test_last_error.msg, "not allowed to end with");
    ASSERT_STR_EQ(FN(a, "like", S(a, "a"), S(a, "\\a")), "ERR:INVALID_FORMAT");
    ASSERT_CONTAINS(fn_test_last_error.msg, "not allowed to precede 'a'");
    ASSERT_STR_EQ(FN(a, "like", S(a, "a"), S(a, "a"), S(a, "ab")), "ERR:INVALID_ESCAPE_CHAR");
    ASSERT_STR_EQ(FN(a, "ilike", S(a, "Spark"), S(a, "_PARK")), "true");
    ASSERT_STR_EQ(FN(a, "ilike", S(a, "\xc3\x89T\xc3\x89"), S(a, "\xc3\xa9%")), "true");
    ASSERT_STR_EQ(FN(a, "like", S(a, "Spark"), S(a, "_PARK")), "false");
    END;
}

/* golden: regexp-functions.sql.out */
BK_TEST(fn_string_regexp_extract) {
    BEGIN;
    bk_vector *s = S(a, "1a 2b 14m");
    ASSERT_STR_EQ(FN(a, "regexp_extract", s, S(a, "\\d+")), "ERR:INVALID_PARAMETER_VALUE");
    ASSERT_CONTAINS(fn_test_last_error.detail, "REGEX_GROUP_INDEX");
    ASSERT_CONTAINS(fn_test_last_error.msg, "between 0 and 0, but got 1");
    ASSERT_STR_EQ(FN(a, "regexp_extract", s, S(a, "\\d+"), I(a, 0)), "1");
    ASSERT_STR_EQ(FN(a, "regexp_extract", s, S(a, "\\d+"), I(a, -1)),
                  "ERR:INVALID_PARAMETER_VALUE");
    ASSERT_STR_EQ(FN(a, "regexp_extract", s, S(a, "(\\d+)?"), I(a, 1)), "1");
    ASSERT_STR_EQ(FN(a, "regexp_extract", S(a, "a b m"), S(a, "(\\d+)?"), I(a, 1)), "");
    ASSERT_STR_EQ(FN(a, "regexp_extract", s, S(a, "(\\d+)([a-z]+)")), "1");
    ASSERT_STR_EQ(FN(a, "regexp_extract", s, S(a, "(\\d+)([a-z]+)"), I(a, 0)), "1a");
    ASSERT_STR_EQ(FN(a, "regexp_extract", s, S(a, "(\\d+)([a-z]+)"), I(a, 2)), "a");
    ASSERT_STR_EQ(FN(a, "regexp_extract", s, S(a, "(\\d+)([a-z]+)"), I(a, 3)),
                  "ERR:INVALID_PARAMETER_VALUE");
    ASSERT_STR_EQ(FN(a, "regexp_extract", S(a, "a b m"), S(a, "(\\d+)?([a-z]+)"), I(a, 1)), "");
    ASSERT_STR_EQ(FN(a, "regexp_extract", s, S(a, "(?l)")), "ERR:INVALID_PARAMETER_VALUE");
    ASSERT_CONTAINS(fn_test_last_error.detail, "PATTERN");
    ASSERT_CONTAINS(fn_test_last_error.msg, "`regexp` in `regexp_extract` is invalid: '(?l)'");
    ASSERT_STR_EQ(FN(a, "regexp_extract", S(a, "zzz"), S(a, "\\d+")), ""); /* no match, no error */
    END;
}

/* golden: regexp-functions.sql.out */
BK_TEST(fn_string_regexp_extract_all) {
    BEGIN;
    bk_vector *s = S(a, "1a 2b 14m");
    ASSERT_STR_EQ(FN(a, "regexp_extract_all", s, S(a, "\\d+"), I(a, 0)), "[1, 2, 14]");
    ASSERT_STR_EQ(FN(a, "regexp_extract_all", s, S(a, "\\d+"), I(a, 1)),
                  "ERR:INVALID_PARAMETER_VALUE");
    ASSERT_STR_EQ(FN(a, "regexp_extract_all", s, S(a, "(\\d+)?"), I(a, 1)),
                  "[1, , , 2, , , 14, , ]");
    ASSERT_STR_EQ(FN(a, "regexp_extract_all", S(a, "a 2b 14m"), S(a, "(\\d+)?"), I(a, 1)),
                  "[, , 2, , , 14, , ]");
    ASSERT_STR_EQ(FN(a, "regexp_extract_all", s, S(a, "(\\d+)([a-z]+)")), "[1, 2, 14]");
    ASSERT_STR_EQ(FN(a, "regexp_extract_all", s, S(a, "(\\d+)([a-z]+)"), I(a, 2)), "[a, b, m]");
    ASSERT_STR_EQ(FN(a, "regexp_extract_all", S(a, "a 2b 14m"), S(a, "(\\d+)?([a-z]+)"), I(a, 1)),
                  "[, 2, 14]");
    const char *pats[] = {"], ["};
    ASSERT_STR_EQ(FN(a, "regexp_extract_all", S(a, "abc"), SV(a, 1, pats), I(a, 1)),
                  "ERR:INVALID_PARAMETER_VALUE");
    END;
}

/* golden: regexp-functions.sql.out */
BK_TEST(fn_string_regexp_replace) {
    BEGIN;
    bk_vector *s = S(a, "healthy, wealthy, and wise");
    ASSERT_STR_EQ(FN(a, "regexp_replace", s, S(a, "\\w+thy"), S(a, "something")),
                  "something, something, and wise");
    ASSERT_STR_EQ(FN(a, "regexp_replace", s, S(a, "\\w+thy"), S(a, "something"), I(a, -2)),
                  "ERR:DATATYPE_MISMATCH");
    ASSERT_STR_EQ(FN(a, "regexp_replace", s, S(a, "\\w+thy"), S(a, "something"), I(a, 0)),
                  "ERR:DATATYPE_MISMATCH");
    ASSERT_STR_EQ(FN(a, "regexp_replace", s, S(a, "\\w+thy"), S(a, "something"), I(a, 2)),
                  "hsomething, something, and wise");
    ASSERT_STR_EQ(FN(a, "regexp_replace", s, S(a, "\\w+thy"), S(a, "something"), I(a, 8)),
                  "healthy, something, and wise");
    ASSERT_STR_EQ(FN(a, "regexp_replace", s, S(a, "\\w"), S(a, "something"), I(a, 26)),
                  "healthy, wealthy, and wissomething");
    ASSERT_STR_EQ(FN(a, "regexp_replace", s, S(a, "\\w"), S(a, "something"), I(a, 27)),
                  "healthy, wealthy, and wise");
    ASSERT_STR_EQ(FN(a, "regexp_replace", s, S(a, "\\w"), S(a, "something"), NUL(a)), "NULL");
    /* Java replacement syntax */
    ASSERT_STR_EQ(FN(a, "regexp_replace", S(a, "100-200"), S(a, "(\\d+)"), S(a, "<$1>")),
                  "<100>-<200>");
    ASSERT_STR_EQ(FN(a, "regexp_replace", S(a, "ab"), S(a, "(a)(b)"), S(a, "$2$1$0\\$")), "baab$");
    ASSERT_STR_EQ(FN(a, "regexp_replace", S(a, "ab"), S(a, "(?<x>a)"), S(a, "${x}${x}")), "aab");
    ASSERT_STR_EQ(FN(a, "regexp_replace", S(a, "ab"), S(a, "(a)"), S(a, "$12")), "a2b");
    ASSERT_STR_EQ(FN(a, "regexp_replace", S(a, "ab"), S(a, "a"), S(a, "$1")),
                  "ERR:INVALID_PARAMETER_VALUE");
    ASSERT_STR_EQ(FN(a, "regexp_replace", S(a, "abc"), S(a, ""), S(a, "-")), "-a-b-c-");
    ASSERT_STR_EQ(FN(a, "regexp_replace", S(a, "\xc3\xa9t\xc3\xa9"), S(a, "."), S(a, "x")), "xxx");
    END;
}

/* golden: regexp-functions.sql.out */
BK_TEST(fn_string_regexp_misc) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "regexp_like", S(a, "1a 2b 14m"), S(a, "\\d+b")), "true");
    ASSERT_STR_EQ(FN(a, "regexp_like", S(a, "1a 2b 14m"), S(a, "[a-z]+b")), "false");
    ASSERT_STR_EQ(FN(a, "regexp", S(a, "1a 2b 14m"), S(a, "\\d+b")), "true");
    ASSERT_STR_EQ(FN(a, "rlike", S(a, "1a 2b 14m"), S(a, "[a-z]+b")), "false");
    ASSERT_STR_EQ(FN(a, "regexp_count", S(a, "1a 2b 14m"), S(a, "\\d+")), "3");
    ASSERT_STR_EQ(FN(a, "regexp_count", S(a, "1a 2b 14m"), S(a, "mmm")), "0");
    ASSERT_STR_EQ(FN(a, "regexp_count", S(a, "the fox"), S(a, "FOX")), "0");
    ASSERT_STR_EQ(FN(a, "regexp_count", S(a, "the fox"), S(a, "(?i)FOX")), "1");
    ASSERT_STR_EQ(FN(a, "regexp_count", S(a, "passwd7 plain A1234 a1234"),
                     S(a, "(?=[^ ]*[a-z])(?=[^ ]*[0-9])[^ ]+")),
                  "2");
    ASSERT_STR_EQ(FN(a, "regexp_count", NUL(a), S(a, "abc")), "NULL");
    ASSERT_STR_EQ(FN(a, "regexp_count", S(a, "abc"), NUL(a)), "NULL");
    ASSERT_STR_EQ(FN(a, "regexp_substr", S(a, "1a 2b 14m"), S(a, "\\d+")), "1");
    ASSERT_STR_EQ(FN(a, "regexp_substr", S(a, "1a 2b 14m"), S(a, "\\d+ ")), "NULL");
    ASSERT_STR_EQ(FN(a, "regexp_substr", S(a, "1a 2b 14m"), S(a, "\\d+(a|b|m)")), "1a");
    ASSERT_STR_EQ(FN(a, "regexp_substr", S(a, "1a 2b 14m"), S(a, "\\d{2}(a|b|m)")), "14m");
    ASSERT_STR_EQ(FN(a, "regexp_substr", S(a, "1a 2b 14m"), S(a, "")), "NULL");
    ASSERT_STR_EQ(FN(a, "regexp_instr", S(a, "abc"), S(a, "b")), "2");
    ASSERT_STR_EQ(FN(a, "regexp_instr", S(a, "abc"), S(a, "x")), "0");
    ASSERT_STR_EQ(FN(a, "regexp_instr", S(a, "ABC"), S(a, "(?-i)b")), "0");
    ASSERT_STR_EQ(FN(a, "regexp_instr", S(a, "1a 2b 14m"), S(a, "\\d{2}(a|b|m)")), "7");
    ASSERT_STR_EQ(FN(a, "regexp_instr", S(a, "\xc3\xa9\xc3\xa9x"), S(a, "x")), "3");
    ASSERT_STR_EQ(FN(a, "regexp_instr", S(a, "abc"), NUL(a)), "NULL");
    const char *pats[] = {") ?"};
    ASSERT_STR_EQ(FN(a, "regexp_instr", S(a, "abc"), SV(a, 1, pats), I(a, 1)),
                  "ERR:INVALID_PARAMETER_VALUE");
    END;
}

/* golden: string-functions.sql.out, split */
BK_TEST(fn_string_split) {
    BEGIN;
    ASSERT_STR_EQ(FN(a, "split", S(a, "aa1cc2ee3"), S(a, "[1-9]+")), "[aa, cc, ee, ]");
    ASSERT_STR_EQ(FN(a, "split", S(a, "aa1cc2ee3"), S(a, "[1-9]+"), I(a, 2)), "[aa, cc2ee3]");
    ASSERT_STR_EQ(FN(a, "split", S(a, "hello"), S(a, "")), "[h, e, l, l, o]");
    ASSERT_STR_EQ(FN(a, "split", S(a, ""), S(a, "")), "[]"); /* one empty element */
    ASSERT_STR_EQ(FN(a, "split", S(a, "abc"), NUL(a)), "NULL");
    ASSERT_STR_EQ(FN(a, "split", NUL(a), S(a, "b")), "NULL");
    ASSERT_STR_EQ(FN(a, "split", S(a, "oneAtwoBthreeC"), S(a, "[ABC]"), I(a, -1)),
                  "[one, two, three, ]");
    ASSERT_STR_EQ(FN(a, "split", S(a, "abc"), S(a, "x")), "[abc]");
    ASSERT_STR_EQ(FN(a, "split", S(a, "\xc3\xa9x\xc3\xa9"), S(a, "x")), "[\xc3\xa9, \xc3\xa9]");
    END;
}
