/*
 * test_base_types.c — the type model: singletons, constructors, width, equality,
 * Spark spelling, and parsing of Spark DDL types (round trips, synonyms, errors).
 */
#include "base/arena.h"
#include "base/types.h"
#include "test.h"

/* Format `t` into a static buffer. */
static const char *fmt(const bk_type *t) {
    static char buf[512];
    bk_type_format(t, buf, sizeof buf);
    return buf;
}

/* Parse then format; "ERROR: <why>" on failure. */
static const char *reformat(bk_arena *a, const char *text) {
    static char out[600];
    char why[256];
    const bk_type *t = bk_type_parse(a, text, strlen(text), why, sizeof why);
    if (!t) {
        snprintf(out, sizeof out, "ERROR: %s", why);
        return out;
    }
    bk_type_format(t, out, sizeof out);
    return out;
}

BK_TEST(types_scalar_singletons) {
    ASSERT_TRUE(bk_type_scalar(BK_TYPE_INT) == bk_type_scalar(BK_TYPE_INT));
    ASSERT_EQ(bk_type_scalar(BK_TYPE_BIGINT)->kind, BK_TYPE_BIGINT);
    ASSERT_TRUE(bk_type_scalar(BK_TYPE_DECIMAL) == NULL);
    ASSERT_TRUE(bk_type_scalar(BK_TYPE_ARRAY) == NULL);
    ASSERT_TRUE(bk_type_scalar(BK_TYPE_STRUCT) == NULL);
    ASSERT_TRUE(bk_type_scalar(BK_TYPE_KIND_COUNT) == NULL);
    ASSERT_STR_EQ(fmt(bk_type_scalar(BK_TYPE_VOID)), "VOID");
    ASSERT_STR_EQ(fmt(bk_type_scalar(BK_TYPE_TIMESTAMP_NTZ)), "TIMESTAMP_NTZ");
    ASSERT_STR_EQ(fmt(bk_type_scalar(BK_TYPE_TINYINT)), "TINYINT");
}

BK_TEST(types_width) {
    ASSERT_EQ(bk_type_width(bk_type_scalar(BK_TYPE_BOOLEAN)), 1);
    ASSERT_EQ(bk_type_width(bk_type_scalar(BK_TYPE_SMALLINT)), 2);
    ASSERT_EQ(bk_type_width(bk_type_scalar(BK_TYPE_INT)), 4);
    ASSERT_EQ(bk_type_width(bk_type_scalar(BK_TYPE_DATE)), 4);
    ASSERT_EQ(bk_type_width(bk_type_scalar(BK_TYPE_FLOAT)), 4);
    ASSERT_EQ(bk_type_width(bk_type_scalar(BK_TYPE_TIMESTAMP)), 8);
    ASSERT_EQ(bk_type_width(bk_type_scalar(BK_TYPE_TIME)), 8);
    ASSERT_EQ(bk_type_width(bk_type_scalar(BK_TYPE_STRING)), sizeof(bk_str));
    ASSERT_EQ(bk_type_width(bk_type_scalar(BK_TYPE_VOID)), 0);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_EQ(bk_type_width(bk_type_make_decimal(a, 18, 2)), 8);
    ASSERT_EQ(bk_type_width(bk_type_make_decimal(a, 19, 2)), 16);
    ASSERT_EQ(bk_type_width(bk_type_make_array(a, bk_type_scalar(BK_TYPE_INT))), 0);
    ASSERT_TRUE(bk_type_is_nested(bk_type_make_array(a, bk_type_scalar(BK_TYPE_INT))));
    ASSERT_TRUE(!bk_type_is_nested(bk_type_scalar(BK_TYPE_INT)));
    bk_arena_free(a);
}

BK_TEST(types_make_decimal_bounds) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_TRUE(bk_type_make_decimal(a, 0, 0) == NULL);
    ASSERT_TRUE(bk_type_make_decimal(a, 39, 0) == NULL);
    ASSERT_TRUE(bk_type_make_decimal(a, 5, 6) == NULL);
    ASSERT_TRUE(bk_type_make_decimal(a, 5, -1) == NULL);
    ASSERT_STR_EQ(fmt(bk_type_make_decimal(a, 38, 38)), "DECIMAL(38,38)");
    ASSERT_STR_EQ(fmt(bk_type_make_decimal(a, 10, 2)), "DECIMAL(10,2)");
    bk_arena_free(a);
}

BK_TEST(types_format_nested) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const bk_type *str = bk_type_scalar(BK_TYPE_STRING), *i32 = bk_type_scalar(BK_TYPE_INT);
    const bk_type *arr = bk_type_make_array(a, str);
    const char *names[] = {"a", "b"};
    const bk_type *fields[] = {i32, arr};
    const bk_type *st = bk_type_make_struct(a, 2, names, fields, NULL);
    ASSERT_STR_EQ(fmt(st), "STRUCT<a: INT, b: ARRAY<STRING>>");
    ASSERT_STR_EQ(fmt(bk_type_make_map(a, str, i32)), "MAP<STRING, INT>");
    ASSERT_STR_EQ(fmt(bk_type_make_struct(a, 0, NULL, NULL, NULL)), "STRUCT<>");
    const char *odd[] = {"my col", "1", "x`y", "_ok9"};
    const bk_type *four[] = {i32, i32, i32, i32};
    ASSERT_STR_EQ(fmt(bk_type_make_struct(a, 4, odd, four, NULL)),
                  "STRUCT<`my col`: INT, `1`: INT, `x``y`: INT, _ok9: INT>");
    bk_arena_free(a);
}

BK_TEST(types_format_truncates_and_reports_length) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const bk_type *m =
        bk_type_make_map(a, bk_type_scalar(BK_TYPE_STRING), bk_type_scalar(BK_TYPE_BIGINT));
    char small[8];
    size_t need = bk_type_format(m, small, sizeof small);
    ASSERT_EQ(need, strlen("MAP<STRING, BIGINT>"));
    ASSERT_STR_EQ(small, "MAP<STR");
    ASSERT_EQ(bk_type_format(m, NULL, 0), need);
    bk_arena_free(a);
}

BK_TEST(types_struct_copies_names_and_nullability) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    char name[8] = "abc";
    const char *names[] = {name};
    const bk_type *fields[] = {bk_type_scalar(BK_TYPE_INT)};
    bool nullable[] = {false};
    const bk_type *t = bk_type_make_struct(a, 1, names, fields, nullable);
    name[0] = 'z';
    nullable[0] = true;
    ASSERT_STR_EQ(t->field_names[0], "abc");
    ASSERT_TRUE(t->field_nullable && !t->field_nullable[0]);
    bk_arena_free(a);
}

BK_TEST(types_equal) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const bk_type *i32 = bk_type_scalar(BK_TYPE_INT);
    ASSERT_TRUE(bk_type_equal(i32, i32));
    ASSERT_TRUE(!bk_type_equal(i32, bk_type_scalar(BK_TYPE_BIGINT)));
    ASSERT_TRUE(bk_type_equal(bk_type_make_decimal(a, 10, 2), bk_type_make_decimal(a, 10, 2)));
    ASSERT_TRUE(!bk_type_equal(bk_type_make_decimal(a, 10, 2), bk_type_make_decimal(a, 10, 3)));
    ASSERT_TRUE(bk_type_equal(bk_type_make_array(a, i32), bk_type_make_array(a, i32)));
    ASSERT_TRUE(!bk_type_equal(bk_type_make_array(a, i32),
                               bk_type_make_array(a, bk_type_scalar(BK_TYPE_STRING))));
    const char *n1[] = {"a"}, *n2[] = {"b"}, *n3[] = {"A"};
    const bk_type *f[] = {i32};
    bool not_null[] = {false}, null_ok[] = {true};
    const bk_type *s1 = bk_type_make_struct(a, 1, n1, f, NULL);
    ASSERT_TRUE(bk_type_equal(s1, bk_type_make_struct(a, 1, n1, f, NULL)));
    ASSERT_TRUE(bk_type_equal(s1, bk_type_make_struct(a, 1, n1, f, null_ok)));
    ASSERT_TRUE(!bk_type_equal(s1, bk_type_make_struct(a, 1, n2, f, NULL)));
    ASSERT_TRUE(!bk_type_equal(s1, bk_type_make_struct(a, 1, n3, f, NULL)));
    ASSERT_TRUE(!bk_type_equal(s1, bk_type_make_struct(a, 1, n1, f, not_null)));
    ASSERT_TRUE(!bk_type_equal(s1, NULL));
    bk_arena_free(a);
}

BK_TEST(types_parse_scalars_and_synonyms) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(reformat(a, "int"), "INT");
    ASSERT_STR_EQ(reformat(a, "INTEGER"), "INT");
    ASSERT_STR_EQ(reformat(a, "Long"), "BIGINT");
    ASSERT_STR_EQ(reformat(a, "short"), "SMALLINT");
    ASSERT_STR_EQ(reformat(a, "byte"), "TINYINT");
    ASSERT_STR_EQ(reformat(a, "real"), "FLOAT");
    ASSERT_STR_EQ(reformat(a, "double"), "DOUBLE");
    ASSERT_STR_EQ(reformat(a, "boolean"), "BOOLEAN");
    ASSERT_STR_EQ(reformat(a, "string"), "STRING");
    ASSERT_STR_EQ(reformat(a, "varchar(10)"), "STRING");
    ASSERT_STR_EQ(reformat(a, "CHAR(3)"), "STRING");
    ASSERT_STR_EQ(reformat(a, "char"), "STRING");
    ASSERT_STR_EQ(reformat(a, "binary"), "BINARY");
    ASSERT_STR_EQ(reformat(a, "date"), "DATE");
    ASSERT_STR_EQ(reformat(a, "timestamp"), "TIMESTAMP");
    ASSERT_STR_EQ(reformat(a, "timestamp_ltz"), "TIMESTAMP");
    ASSERT_STR_EQ(reformat(a, "Timestamp_NTZ"), "TIMESTAMP_NTZ");
    ASSERT_STR_EQ(reformat(a, "time"), "TIME");
    ASSERT_STR_EQ(reformat(a, "time(6)"), "TIME");
    ASSERT_STR_EQ(reformat(a, "void"), "VOID");
    ASSERT_STR_EQ(reformat(a, "  bigint  "), "BIGINT");
    bk_arena_free(a);
}

BK_TEST(types_parse_decimal) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(reformat(a, "decimal"), "DECIMAL(10,0)");
    ASSERT_STR_EQ(reformat(a, "decimal(5)"), "DECIMAL(5,0)");
    ASSERT_STR_EQ(reformat(a, "decimal(10, 2)"), "DECIMAL(10,2)");
    ASSERT_STR_EQ(reformat(a, "DEC(38,38)"), "DECIMAL(38,38)");
    ASSERT_STR_EQ(reformat(a, "numeric( 7 , 3 )"), "DECIMAL(7,3)");
    ASSERT_STR_EQ(reformat(a, "decimal(39,0)"),
                  "ERROR: DECIMAL precision 39 is out of range (1 to 38) in data type "
                  "\"decimal(39,0)\"");
    ASSERT_STR_EQ(reformat(a, "decimal(0)"),
                  "ERROR: DECIMAL precision 0 is out of range (1 to 38) in data type "
                  "\"decimal(0)\"");
    ASSERT_STR_EQ(reformat(a, "decimal(5,6)"),
                  "ERROR: DECIMAL scale 6 is larger than its precision 5 in data type "
                  "\"decimal(5,6)\"");
    ASSERT_STR_EQ(reformat(a, "decimal(99999999999999999999)"),
                  "ERROR: DECIMAL precision 99999999999999999999 is out of range (1 to 38) in "
                  "data type \"decimal(99999999999999999999)\"");
    ASSERT_STR_EQ(reformat(a, "decimal(a)"),
                  "ERROR: syntax error in data type \"decimal(a)\": expected an integer at or "
                  "near \"a\"");
    bk_arena_free(a);
}

BK_TEST(types_parse_nested_round_trips) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    static const char *const canon[] = {
        "ARRAY<INT>",
        "MAP<STRING, INT>",
        "STRUCT<a: INT, b: ARRAY<STRING>>",
        "ARRAY<STRUCT<a: INT>>",
        "MAP<STRING, ARRAY<MAP<INT, DECIMAL(38,10)>>>",
        "STRUCT<x: STRUCT<y: STRUCT<z: TIMESTAMP_NTZ>>, `my col`: DATE>",
        "STRUCT<>",
        "STRUCT<`a``b`: BINARY, `1`: BOOLEAN>",
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(canon); i++) ASSERT_STR_EQ(reformat(a, canon[i]), canon[i]);
    ASSERT_STR_EQ(reformat(a, "array<struct<a:int>>"), "ARRAY<STRUCT<a: INT>>");
    ASSERT_STR_EQ(reformat(a, "map<string,int>"), "MAP<STRING, INT>");
    ASSERT_STR_EQ(reformat(a, "struct<a int, b string>"), "STRUCT<a: INT, b: STRING>");
    ASSERT_STR_EQ(reformat(a, "struct<a:int not null, b:string comment 'the b'>"),
                  "STRUCT<a: INT, b: STRING>");
    ASSERT_STR_EQ(reformat(a, "struct<`x y`:array<map<string,bigint>>>"),
                  "STRUCT<`x y`: ARRAY<MAP<STRING, BIGINT>>>");
    ASSERT_STR_EQ(reformat(a, "STRUCT<Struct: INT, Array: STRING>"),
                  "STRUCT<Struct: INT, Array: STRING>");
    bk_arena_free(a);
}

BK_TEST(types_parse_struct_details) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const char *text = "struct<a: int not null, `b``c`: string, d bigint>";
    char why[128];
    const bk_type *t = bk_type_parse(a, text, strlen(text), why, sizeof why);
    ASSERT_TRUE(t != NULL);
    ASSERT_EQ(t->kind, BK_TYPE_STRUCT);
    ASSERT_EQ(t->n_children, 3);
    ASSERT_STR_EQ(t->field_names[0], "a");
    ASSERT_STR_EQ(t->field_names[1], "b`c");
    ASSERT_STR_EQ(t->field_names[2], "d");
    ASSERT_TRUE(t->field_nullable != NULL);
    ASSERT_TRUE(!t->field_nullable[0] && t->field_nullable[1] && t->field_nullable[2]);
    ASSERT_EQ(t->children[2]->kind, BK_TYPE_BIGINT);
    /* many fields: the field arrays grow */
    char big[4096];
    size_t n = (size_t)snprintf(big, sizeof big, "struct<");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "%sf%d: int", i ? ", " : "", i);
    snprintf(big + n, sizeof big - n, ">");
    t = bk_type_parse(a, big, strlen(big), why, sizeof why);
    ASSERT_TRUE(t != NULL);
    ASSERT_EQ(t->n_children, 100);
    ASSERT_STR_EQ(t->field_names[99], "f99");
    ASSERT_TRUE(t->field_nullable == NULL);
    bk_arena_free(a);
}

BK_TEST(types_parse_respects_len) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    char why[128];
    const bk_type *t = bk_type_parse(a, "int garbage", 3, why, sizeof why);
    ASSERT_TRUE(t != NULL && t->kind == BK_TYPE_INT);
    bk_arena_free(a);
}

BK_TEST(types_parse_intervals) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(reformat(a, "interval year to month"), "INTERVAL YEAR TO MONTH");
    ASSERT_STR_EQ(reformat(a, "INTERVAL month"), "INTERVAL MONTH");
    ASSERT_STR_EQ(reformat(a, "interval day to second"), "INTERVAL DAY TO SECOND");
    ASSERT_STR_EQ(reformat(a, "interval hour to minute"), "INTERVAL HOUR TO MINUTE");
    ASSERT_STR_EQ(reformat(a, "array<interval day>"), "ARRAY<INTERVAL DAY>");
    ASSERT_EQ(bk_type_width(bk_type_scalar(BK_TYPE_INTERVAL_YM)), 4);
    ASSERT_EQ(bk_type_width(bk_type_scalar(BK_TYPE_INTERVAL_DT)), 8);
    ASSERT_TRUE(bk_type_interval(BK_TYPE_INTERVAL_DT, BK_IV_SECOND, BK_IV_DAY) == NULL);
    /* the fields are part of the type, as in Spark: DAY is not HOUR TO SECOND */
    ASSERT_TRUE(!bk_type_equal(bk_type_interval(BK_TYPE_INTERVAL_DT, 0, 0),
                              bk_type_interval(BK_TYPE_INTERVAL_DT, 1, 3)));
    ASSERT_TRUE(bk_type_equal(bk_type_interval(BK_TYPE_INTERVAL_DT, 1, 3),
                              bk_type_interval(BK_TYPE_INTERVAL_DT, 1, 3)));
    bk_arena_free(a);
}

BK_TEST(types_parse_errors) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(reformat(a, ""), "ERROR: empty data type");
    ASSERT_STR_EQ(reformat(a, "   "), "ERROR: empty data type");
    ASSERT_STR_EQ(reformat(a, "integr"), "ERROR: unsupported data type \"integr\"");
    ASSERT_STR_EQ(reformat(a, "interval"),
                  "ERROR: syntax error in data type \"interval\": expected an interval field "
                  "(YEAR, MONTH, DAY, HOUR, MINUTE or SECOND) at end of input");
    ASSERT_STR_EQ(reformat(a, "interval second to day"),
                  "ERROR: \"interval second to day\" is not a valid interval type");
    ASSERT_STR_EQ(reformat(a, "interval year to day"),
                  "ERROR: \"interval year to day\" is not a valid interval type");
    ASSERT_STR_EQ(reformat(a, "array<int"),
                  "ERROR: syntax error in data type \"array<int\": expected \">\" at end of "
                  "input");
    ASSERT_STR_EQ(reformat(a, "array<foo>"), "ERROR: unsupported data type \"foo\"");
    ASSERT_STR_EQ(reformat(a, "map<int>"),
                  "ERROR: syntax error in data type \"map<int>\": expected \",\" at or near "
                  "\">\"");
    ASSERT_STR_EQ(reformat(a, "int int"),
                  "ERROR: syntax error in data type \"int int\": expected end of data type at "
                  "or near \"int\"");
    ASSERT_STR_EQ(reformat(a, "struct<a:int,>"),
                  "ERROR: syntax error in data type \"struct<a:int,>\": expected a field name "
                  "at or near \">\"");
    ASSERT_STR_EQ(reformat(a, "struct<a:>"),
                  "ERROR: syntax error in data type \"struct<a:>\": expected a data type at or "
                  "near \">\"");
    ASSERT_STR_EQ(reformat(a, "struct<`a:int>"),
                  "ERROR: syntax error in data type \"struct<`a:int>\": expected a field name at "
                  "or near \"`a:int>\"");
    ASSERT_STR_EQ(reformat(a, "int(3)"), "ERROR: data type \"int\" takes no parameters");
    ASSERT_STR_EQ(reformat(a, "varchar"),
                  "ERROR: syntax error in data type \"varchar\": expected \"(\" at end of input");
    ASSERT_STR_EQ(reformat(a, "struct<a: int not nul>"),
                  "ERROR: syntax error in data type \"struct<a: int not nul>\": expected NULL "
                  "at or near \"nul\"");
    ASSERT_STR_EQ(reformat(a, "array<int>>"),
                  "ERROR: syntax error in data type \"array<int>>\": expected end of data type "
                  "at or near \">\"");
    ASSERT_STR_EQ(reformat(a, "int;"),
                  "ERROR: syntax error in data type \"int;\": expected end of data type at or "
                  "near \";\"");
    /* a NULL or zero-sized why buffer is fine */
    ASSERT_TRUE(bk_type_parse(a, "nope", 4, NULL, 0) == NULL);
    char tiny[4];
    ASSERT_TRUE(bk_type_parse(a, "nope", 4, tiny, sizeof tiny) == NULL);
    ASSERT_STR_EQ(tiny, "uns");
    bk_arena_free(a);
}

BK_TEST(types_parse_depth_limit) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    char text[2048];
    size_t n = 0;
    for (int i = 0; i < 200; i++) n += (size_t)snprintf(text + n, sizeof text - n, "array<");
    const char *why = reformat(a, text);
    ASSERT_CONTAINS(why, "is nested too deeply (more than 64 levels)");
    /* 64 levels are fine */
    n = 0;
    for (int i = 0; i < 63; i++) n += (size_t)snprintf(text + n, sizeof text - n, "array<");
    n += (size_t)snprintf(text + n, sizeof text - n, "int");
    for (int i = 0; i < 63; i++) n += (size_t)snprintf(text + n, sizeof text - n, ">");
    ASSERT_TRUE(strncmp(reformat(a, text), "ARRAY<ARRAY<", 12) == 0);
    bk_arena_free(a);
}

BK_TEST(types_parse_out_of_memory) {
    bk_arena *a = bk_arena_new(NULL, "t", 64);
    char why[128];
    const char *text = "struct<a: array<int>, b: map<string, decimal(20,2)>>";
    ASSERT_TRUE(bk_type_parse(a, text, strlen(text), why, sizeof why) == NULL);
    ASSERT_STR_EQ(why, "out of memory while parsing data type");
    bk_arena_free(a);
}
