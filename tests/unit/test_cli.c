/*
 * test_cli.c — unit tests of the CLI's text conversions (src/cli): the JSON and CSV
 * forms of values that `bricks parquet cat` prints, the parsers behind `bricks
 * parquet write`, and the CSV record reader.  End-to-end behaviour (exit codes,
 * messages, interop) is tested from Python in tests/interop/test_cli.py.
 */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/types.h"
#include "base/vector.h"
#include "cli/cli.h"
#include "test.h"

/* The text of `b` as a NUL-terminated string (in a static buffer). */
static const char *buf_text(bk_buf *b) {
    static char text[4096];
    size_t n = b->len < sizeof text - 1 ? b->len : sizeof text - 1;
    if (n) memcpy(text, b->data, n);
    text[n] = '\0';
    return text;
}

/* JSON of the single value parsed from `in` into a one-row vector of `type_text`. */
static const char *json_of(bk_arena *a, const char *type_text, const char *in) {
    static char out[4096];
    char why[128];
    const bk_type *t = bk_type_parse(a, type_text, strlen(type_text), why, sizeof why);
    if (!t) return "(bad type)";
    bk_vector *v = bk_vector_make(a, t, 1);
    if (!v || !cli_parse_into(a, v, 0, in, strlen(in), false, why, sizeof why)) {
        snprintf(out, sizeof out, "(error: %s)", why);
        return out;
    }
    bk_buf b;
    bk_buf_init(&b);
    if (cli_json_value(&b, v, 0) != BK_OK) return "(oom)";
    memcpy(out, buf_text(&b), strlen(buf_text(&b)) + 1);
    bk_buf_destroy(&b);
    return out;
}

BK_TEST(cli_json_scalars_round_trip) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(json_of(a, "INT", " -2147483648 "), "-2147483648");
    ASSERT_STR_EQ(json_of(a, "BIGINT", "9223372036854775807"), "9223372036854775807");
    ASSERT_STR_EQ(json_of(a, "TINYINT", "128"), "(error: out of range)");
    ASSERT_STR_EQ(json_of(a, "DOUBLE", "0.1"), "0.1");
    ASSERT_STR_EQ(json_of(a, "DOUBLE", "1e300"), "1e+300");
    ASSERT_STR_EQ(json_of(a, "DOUBLE", "nan"), "\"NaN\"");
    ASSERT_STR_EQ(json_of(a, "DOUBLE", "-inf"), "\"-Infinity\"");
    ASSERT_STR_EQ(json_of(a, "FLOAT", "0.1"), "0.1");
    ASSERT_STR_EQ(json_of(a, "FLOAT", "1e-45"), "1e-45");
    ASSERT_STR_EQ(json_of(a, "DOUBLE", "5e-324"), "5e-324");
    ASSERT_STR_EQ(json_of(a, "BOOLEAN", "TRUE"), "true");
    ASSERT_STR_EQ(json_of(a, "DATE", "2024-02-29"), "\"2024-02-29\"");
    ASSERT_STR_EQ(json_of(a, "TIMESTAMP", "2024-01-02 03:04:05.120000"),
                  "\"2024-01-02 03:04:05.12\"");
    ASSERT_STR_EQ(json_of(a, "TIMESTAMP", "2024-01-02 03:04:05+01:30"),
                  "\"2024-01-02 01:34:05\"");
    ASSERT_STR_EQ(json_of(a, "TIMESTAMP", "1969-12-31 23:59:59.999999Z"),
                  "\"1969-12-31 23:59:59.999999\"");
    ASSERT_STR_EQ(json_of(a, "BINARY", "\x01\xff"), "\"Af8=\"");
    bk_arena_free(a);
}

BK_TEST(cli_decimals_exact) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(json_of(a, "DECIMAL(5,2)", "12.3"), "\"12.30\"");
    ASSERT_STR_EQ(json_of(a, "DECIMAL(5,2)", "-0.05"), "\"-0.05\"");
    ASSERT_STR_EQ(json_of(a, "DECIMAL(5,2)", "1.50e1"), "\"15.00\"");
    ASSERT_STR_EQ(json_of(a, "DECIMAL(5,2)", "999.99"), "\"999.99\"");
    ASSERT_STR_EQ(json_of(a, "DECIMAL(5,2)", "1000"),
                  "(error: more than 3 digits before the decimal point)");
    ASSERT_STR_EQ(json_of(a, "DECIMAL(5,2)", "1.234"),
                  "(error: more than 2 digits after the decimal point)");
    ASSERT_STR_EQ(json_of(a, "DECIMAL(5,2)", "1.2300"), "\"1.23\"");
    ASSERT_STR_EQ(json_of(a, "DECIMAL(38,0)", "99999999999999999999999999999999999999"),
                  "\"99999999999999999999999999999999999999\"");
    ASSERT_STR_EQ(json_of(a, "DECIMAL(38,10)", "-1234567890123456789012345678.0123456789"),
                  "\"-1234567890123456789012345678.0123456789\"");
    ASSERT_STR_EQ(json_of(a, "DECIMAL(20,20)", "-.00000000000000000001"),
                  "\"-0.00000000000000000001\"");
    ASSERT_STR_EQ(json_of(a, "DECIMAL(3,0)", "abc"), "(error: not a number)");
    bk_arena_free(a);
}

BK_TEST(cli_json_strings_escape_and_replace_bad_utf8) {
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(cli_json_string(&b, "a\"b\\c\n\x01", 7), NULL);
    ASSERT_STR_EQ(buf_text(&b), "\"a\\\"b\\\\c\\n\\u0001\"");
    bk_buf_clear(&b);
    /* é (valid), a lone continuation byte, an overlong '/', a surrogate, 4-byte emoji */
    const char in[] = "\xc3\xa9\x80\xc0\xaf\xed\xa0\x80\xf0\x9f\xa7\xb1";
    ASSERT_OK(cli_json_string(&b, in, sizeof in - 1), NULL);
    ASSERT_STR_EQ(buf_text(&b), "\"\xc3\xa9\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd"
                                "\xf0\x9f\xa7\xb1\"");
    bk_buf_destroy(&b);
}

BK_TEST(cli_csv_fields_quote_when_needed) {
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(cli_csv_string(&b, "plain", 5), NULL);
    ASSERT_OK(bk_buf_append_u8(&b, '|'), NULL);
    ASSERT_OK(cli_csv_string(&b, "", 0), NULL);
    ASSERT_OK(bk_buf_append_u8(&b, '|'), NULL);
    ASSERT_OK(cli_csv_string(&b, "a,\"b\"", 5), NULL);
    ASSERT_STR_EQ(buf_text(&b), "plain|\"\"|\"a,\"\"b\"\"\"");
    bk_buf_destroy(&b);
}

BK_TEST(cli_nested_json) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    char why[128];
    const char *text = "MAP<INT, ARRAY<STRING>>";
    const bk_type *t = bk_type_parse(a, text, strlen(text), why, sizeof why);
    ASSERT_TRUE(t != NULL);
    bk_vector *v = bk_vector_make(a, t, 2);
    ASSERT_TRUE(v != NULL);
    /* row 0: {1: ["x", NULL]}, row 1: NULL */
    bk_vector *keys = bk_vector_make(a, t->children[0], 1);
    bk_vector *vals = bk_vector_make(a, t->children[1], 1);
    bk_vector *elems = bk_vector_make(a, t->children[1]->children[0], 2);
    ASSERT_TRUE(keys && vals && elems);
    ((int32_t *)keys->data)[0] = 1;
    vals->offsets[0] = 0;
    vals->offsets[1] = 2;
    vals->children[0] = elems;
    ((bk_str *)elems->data)[0] = (bk_str){"x", 1};
    ASSERT_OK(bk_vector_ensure_validity(a, elems), NULL);
    bk_validity_set(elems->validity, 1, false);
    v->offsets[0] = 0;
    v->offsets[1] = 1;
    v->offsets[2] = 1;
    v->children[0] = keys;
    v->children[1] = vals;
    ASSERT_OK(bk_vector_ensure_validity(a, v), NULL);
    bk_validity_set(v->validity, 1, false);
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(cli_json_value(&b, v, 0), NULL);
    ASSERT_OK(bk_buf_append_u8(&b, ' '), NULL);
    ASSERT_OK(cli_json_value(&b, v, 1), NULL);
    ASSERT_OK(bk_buf_append_u8(&b, ' '), NULL);
    ASSERT_OK(cli_csv_value(&b, v, 0), NULL);
    ASSERT_STR_EQ(buf_text(&b), "{\"1\":[\"x\",null]} null \"{\"\"1\"\":[\"\"x\"\",null]}\"");
    bk_buf_destroy(&b);
    bk_arena_free(a);
}

BK_TEST(cli_csv_reader_records) {
    const char *dir = bk_test_tmpdir();
    ASSERT_TRUE(dir != NULL);
    char path[600];
    snprintf(path, sizeof path, "%s/in.csv", dir);
    FILE *f = fopen(path, "wb");
    ASSERT_TRUE(f != NULL);
    fputs("a,b\r\n\"x,1\",\"\"\n\"multi\nline\",\"q\"\"q\"\n,\nlast,", f);
    fclose(f);
    f = fopen(path, "rb");
    ASSERT_TRUE(f != NULL);
    cli_csv *c = cli_csv_new(f, "in.csv");
    ASSERT_TRUE(c != NULL);
    cli_csv_field *fields;
    size_t n;
    int64_t line;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(cli_csv_next(c, &fields, &n, &line, &err), &err);
    ASSERT_EQ(n, 2);
    ASSERT_STR_EQ(fields[1].ptr, "b");
    ASSERT_OK(cli_csv_next(c, &fields, &n, &line, &err), &err);
    ASSERT_EQ(line, 2);
    ASSERT_STR_EQ(fields[0].ptr, "x,1");
    ASSERT_TRUE(fields[1].quoted && fields[1].len == 0);
    ASSERT_OK(cli_csv_next(c, &fields, &n, &line, &err), &err);
    ASSERT_EQ(line, 3);
    ASSERT_STR_EQ(fields[0].ptr, "multi\nline");
    ASSERT_STR_EQ(fields[1].ptr, "q\"q");
    ASSERT_OK(cli_csv_next(c, &fields, &n, &line, &err), &err);
    ASSERT_EQ(line, 5);
    ASSERT_EQ(n, 2);
    ASSERT_TRUE(!fields[0].quoted && fields[0].len == 0 && fields[1].len == 0);
    ASSERT_OK(cli_csv_next(c, &fields, &n, &line, &err), &err);
    ASSERT_EQ(n, 2);
    ASSERT_STR_EQ(fields[0].ptr, "last");
    ASSERT_OK(cli_csv_next(c, &fields, &n, &line, &err), &err);
    ASSERT_EQ(n, 0);
    cli_csv_free(c);
    fclose(f);
}

BK_TEST(cli_csv_reader_unclosed_quote) {
    const char *dir = bk_test_tmpdir();
    ASSERT_TRUE(dir != NULL);
    char path[600];
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    FILE *f = fopen(path, "wb");
    ASSERT_TRUE(f != NULL);
    fputs("a\n\"open\n", f);
    fclose(f);
    f = fopen(path, "rb");
    ASSERT_TRUE(f != NULL);
    cli_csv *c = cli_csv_new(f, "bad.csv");
    cli_csv_field *fields;
    size_t n;
    int64_t line;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(cli_csv_next(c, &fields, &n, &line, &err), &err);
    ASSERT_FAILS(cli_csv_next(c, &fields, &n, &line, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "line 2: quoted field is not closed");
    cli_csv_free(c);
    fclose(f);
}

BK_TEST(cli_sizes_and_counts) {
    size_t s;
    ASSERT_TRUE(cli_parse_size("2G", &s) && s == (size_t)2 << 30);
    ASSERT_TRUE(cli_parse_size("64kb", &s) && s == 64 * 1024);
    ASSERT_TRUE(cli_parse_size("17", &s) && s == 17);
    ASSERT_TRUE(!cli_parse_size("", &s) && !cli_parse_size("G", &s) && !cli_parse_size("1X", &s));
    ASSERT_TRUE(!cli_parse_size("1 ", &s) && !cli_parse_size("-1", &s));
    int64_t n;
    ASSERT_TRUE(cli_parse_count("0", &n) && n == 0);
    ASSERT_TRUE(!cli_parse_count("9223372036854775808", &n) && !cli_parse_count("+1", &n));
}

BK_TEST(cli_base64) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(cli_base64_encode(&b, (const uint8_t *)"hello", 5), NULL);
    ASSERT_STR_EQ(buf_text(&b), "aGVsbG8=");
    bk_str out;
    ASSERT_TRUE(cli_base64_decode(a, "aGVsbG8=", 8, &out) && out.len == 5);
    ASSERT_TRUE(memcmp(out.ptr, "hello", 5) == 0);
    ASSERT_TRUE(!cli_base64_decode(a, "a$==", 4, &out));
    bk_buf_destroy(&b);
    bk_arena_free(a);
}
