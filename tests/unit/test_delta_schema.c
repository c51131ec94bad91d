/*
 * test_delta_schema.c — Delta schemas (src/delta/schema.c): schemaString
 * parsing, Spark's exact JSON form on output, schemas from bk types, and column
 * mapping assignment.
 *
 * Besides crafted schemas for each rule, every metaData.schemaString in the
 * Delta test data must parse (or be BK_UNSUPPORTED for a type we lack) and
 * survive parse -> to_json -> parse unchanged.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "delta/schema.h"
#include "store/store.h"
#include "test.h"

/* ---------------------------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------------------------- */

static bk_status parse(bk_arena *a, const char *json, delta_schema *s, bk_error *err) {
    bk_error_clear(err);
    return delta_schema_parse(a, json, strlen(json), s, err);
}

/* The schema's JSON as a C string in the arena (NULL on failure). */
static const char *to_json(bk_arena *a, const delta_schema *s) {
    bk_buf b;
    bk_buf_init(&b);
    bk_error err;
    bk_error_clear(&err);
    const char *out = NULL;
    if (delta_schema_to_json(s, &b, &err) == BK_OK)
        out = bk_arena_strndup(a, (char *)b.data, b.len);
    bk_buf_destroy(&b);
    return out;
}

static const char *type_text(bk_arena *a, const bk_type *t) {
    char buf[512];
    bk_type_format(t, buf, sizeof buf);
    return bk_arena_strdup(a, buf);
}

static bool str_eq_or_null(const char *x, const char *y) {
    return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

/* Deep equality of two field trees; *where names the first difference. */
static bool fields_equal(const delta_field *x, const delta_field *y, const char **where) {
    *where = x->name;
    if (strcmp(x->name, y->name) != 0 || strcmp(x->physical_name, y->physical_name) != 0 ||
        x->has_id != y->has_id || x->id != y->id || x->nullable != y->nullable ||
        !bk_type_equal(x->type, y->type) || !str_eq_or_null(x->metadata_json, y->metadata_json) ||
        x->n_children != y->n_children)
        return false;
    for (uint32_t i = 0; i < x->n_children; i++)
        if (!fields_equal(&x->children[i], &y->children[i], where)) return false;
    return true;
}

static bool schemas_equal(const delta_schema *x, const delta_schema *y, const char **where) {
    *where = "(top level)";
    if (x->n_fields != y->n_fields || !bk_type_equal(x->type, y->type)) return false;
    for (uint32_t i = 0; i < x->n_fields; i++)
        if (!fields_equal(&x->fields[i], &y->fields[i], where)) return false;
    return true;
}

/* PROTOCOL.md's example schema ("Schema Serialization Format"). */
static const char *const protocol_example =
    "{\"type\":\"struct\",\"fields\":["
    "{\"name\":\"a\",\"type\":\"integer\",\"nullable\":false,\"metadata\":{}},"
    "{\"name\":\"b\",\"type\":{\"type\":\"struct\",\"fields\":[{\"name\":\"d\",\"type\":"
    "\"integer\",\"nullable\":false,\"metadata\":{}}]},\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"c\",\"type\":{\"type\":\"array\",\"elementType\":\"integer\",\"containsNull\":"
    "false},\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"e\",\"type\":{\"type\":\"array\",\"elementType\":{\"type\":\"struct\","
    "\"fields\":[{\"name\":\"d\",\"type\":\"integer\",\"nullable\":false,\"metadata\":{}}]},"
    "\"containsNull\":true},\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"f\",\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":\"string\","
    "\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}}]}";

/* ---------------------------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------------------------- */

BK_TEST(delta_schema_parse_protocol_example) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    ASSERT_OK(parse(a, protocol_example, &s, &err), &err);
    ASSERT_EQ(s.n_fields, 5);
    ASSERT_STR_EQ(type_text(a, s.type), "STRUCT<a: INT, b: STRUCT<d: INT>, c: ARRAY<INT>, "
                                        "e: ARRAY<STRUCT<d: INT>>, f: MAP<STRING, STRING>>");
    ASSERT_TRUE(s.type->field_nullable && !s.type->field_nullable[0]);
    ASSERT_TRUE(s.type->field_nullable[1]);
    ASSERT_TRUE(!s.fields[0].nullable);
    ASSERT_TRUE(s.fields[1].nullable);
    ASSERT_STR_EQ(s.fields[0].physical_name, "a");
    ASSERT_TRUE(!s.fields[0].has_id);
    ASSERT_TRUE(s.fields[0].metadata_json == NULL);
    /* struct children */
    ASSERT_EQ(s.fields[1].n_children, 1);
    ASSERT_STR_EQ(s.fields[1].children[0].name, "d");
    ASSERT_TRUE(!s.fields[1].children[0].nullable);
    /* array: one "element" child carrying containsNull */
    ASSERT_EQ(s.fields[2].n_children, 1);
    ASSERT_STR_EQ(s.fields[2].children[0].name, "element");
    ASSERT_TRUE(!s.fields[2].children[0].nullable);
    ASSERT_TRUE(s.fields[3].children[0].nullable);
    ASSERT_EQ(s.fields[3].children[0].n_children, 1);
    ASSERT_STR_EQ(s.fields[3].children[0].children[0].name, "d");
    /* map: key (never null) and value (valueContainsNull) */
    ASSERT_EQ(s.fields[4].n_children, 2);
    ASSERT_STR_EQ(s.fields[4].children[0].name, "key");
    ASSERT_TRUE(!s.fields[4].children[0].nullable);
    ASSERT_STR_EQ(s.fields[4].children[1].name, "value");
    ASSERT_TRUE(s.fields[4].children[1].nullable);
    /* Spark's exact text comes back */
    ASSERT_STR_EQ(to_json(a, &s), protocol_example);
    bk_arena_free(a);
}

BK_TEST(delta_schema_parse_column_mapping_metadata) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    const char *json =
        "{\"type\":\"struct\",\"fields\":[{\"name\":\"Id\",\"type\":\"long\",\"nullable\":true,"
        "\"metadata\" : { \"comment\" : \"the key\", \"delta.columnMapping.id\": 7,"
        "\"delta.columnMapping.physicalName\": \"col-a7f4\","
        "\"delta.typeChanges\":[{\"fromType\":\"integer\",\"toType\":\"long\"}]}}]}";
    ASSERT_OK(parse(a, json, &s, &err), &err);
    const delta_field *f = &s.fields[0];
    ASSERT_STR_EQ(f->name, "Id");
    ASSERT_STR_EQ(f->physical_name, "col-a7f4");
    ASSERT_TRUE(f->has_id);
    ASSERT_EQ(f->id, 7);
    /* the whole object, compact, members in their order */
    ASSERT_STR_EQ(f->metadata_json,
                  "{\"comment\":\"the key\",\"delta.columnMapping.id\":7,"
                  "\"delta.columnMapping.physicalName\":\"col-a7f4\",\"delta.typeChanges\":"
                  "[{\"fromType\":\"integer\",\"toType\":\"long\"}]}");
    ASSERT_TRUE(delta_schema_find(&s, "ID") == f);
    ASSERT_TRUE(delta_schema_find(&s, "id") == f);
    ASSERT_TRUE(delta_schema_find(&s, "col-a7f4") == NULL);
    bk_arena_free(a);
}

/* A one-column schema of the given type text (a JSON value). */
static const char *one_column(bk_arena *a, const char *type_json) {
    return bk_arena_printf(a,
                           "{\"type\":\"struct\",\"fields\":[{\"name\":\"x\",\"type\":%s,"
                           "\"nullable\":true,\"metadata\":{}}]}",
                           type_json);
}

BK_TEST(delta_schema_primitive_types) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    static const struct {
        const char *json, *bk;
    } cases[] = {
        {"\"string\"", "STRING"},
        {"\"long\"", "BIGINT"},
        {"\"integer\"", "INT"},
        {"\"short\"", "SMALLINT"},
        {"\"byte\"", "TINYINT"},
        {"\"float\"", "FLOAT"},
        {"\"double\"", "DOUBLE"},
        {"\"boolean\"", "BOOLEAN"},
        {"\"binary\"", "BINARY"},
        {"\"date\"", "DATE"},
        {"\"timestamp\"", "TIMESTAMP"},
        {"\"timestamp_ntz\"", "TIMESTAMP_NTZ"},
        {"\"void\"", "VOID"},
        {"\"decimal(10,2)\"", "DECIMAL(10,2)"},
        {"\"decimal(10, 2)\"", "DECIMAL(10,2)"},
        {"\"decimal( 38 , 0 )\"", "DECIMAL(38,0)"},
        {"\"decimal(1,1)\"", "DECIMAL(1,1)"},
        {"\"decimal\"", "DECIMAL(10,0)"},
        {"\"varchar(10)\"", "STRING"},
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(cases); i++) {
        ASSERT_OK(parse(a, one_column(a, cases[i].json), &s, &err), &err);
        ASSERT_STR_EQ(type_text(a, s.fields[0].type), cases[i].bk);
    }
    /* decimals are written back without spaces */
    ASSERT_OK(parse(a, one_column(a, "\"decimal(10, 2)\""), &s, &err), &err);
    ASSERT_CONTAINS(to_json(a, &s), "\"type\":\"decimal(10,2)\"");
    bk_arena_free(a);
}

BK_TEST(delta_schema_unsupported_types) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    ASSERT_FAILS(parse(a, one_column(a, "\"variant\""), &s, &err), BK_UNSUPPORTED);
    ASSERT_STR_EQ(err.msg, "schema: column \"x\": type \"variant\" is not supported");
    ASSERT_FAILS(parse(a, one_column(a, "\"interval day to second\""), &s, &err), BK_UNSUPPORTED);
    ASSERT_FAILS(parse(a, one_column(a, "\"geometry(OGC:CRS84)\""), &s, &err), BK_UNSUPPORTED);
    ASSERT_CONTAINS(err.msg, "geometry(OGC:CRS84)");
    ASSERT_FAILS(parse(a, one_column(a, "\"decimal(10,-2)\""), &s, &err), BK_UNSUPPORTED);
    /* nested: the message gives the path, through array elements and map values */
    const char *nested = one_column(
        a, "{\"type\":\"array\",\"elementType\":{\"type\":\"struct\",\"fields\":[{\"name\":\"m\","
           "\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":\"variant\","
           "\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}}]},"
           "\"containsNull\":true}");
    ASSERT_FAILS(parse(a, nested, &s, &err), BK_UNSUPPORTED);
    ASSERT_STR_EQ(err.msg,
                  "schema: column \"x.element.m.value\": type \"variant\" is not supported");
    ASSERT_FAILS(parse(a, one_column(a, "{\"type\":\"udt\",\"class\":\"X\"}"), &s, &err),
                 BK_UNSUPPORTED);
    bk_arena_free(a);
}

/*
 * JSON details the scanner must read as jansson did: whitespace anywhere, escaped
 * keys and values, the last of duplicate keys, metadata kept compact (jansson's
 * escaping, duplicates collapsed), a scalar or trailing text rejected as not JSON.
 */
BK_TEST(delta_schema_json_details) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    ASSERT_OK(parse(a,
                    " {\n \"type\" : \"struct\" , \"fields\" : [ { \"n\\u0061me\" : \"caf\\u00e9\" ,"
                    " \"type\" : \"integer\", \"type\" : { \"type\" : \"array\", \"elementType\" :"
                    " \"string\", \"containsNull\" : false } , \"nullable\" : true , \"metadata\" :"
                    " { \"comment\" : \"a\\/b\\u0001\" , \"delta.columnMapping.id\" : 3 ,"
                    " \"delta.columnMapping.id\" : 4 , \"delta.columnMapping.physicalName\" :"
                    " \"col-\\u0031\" } } ] }\t",
                    &s, &err),
              &err);
    ASSERT_EQ(s.n_fields, 1);
    ASSERT_STR_EQ(s.fields[0].name, "caf\xc3\xa9");
    ASSERT_EQ(s.fields[0].type->kind, BK_TYPE_ARRAY);
    ASSERT_EQ(s.fields[0].children[0].nullable, false);
    ASSERT_TRUE(s.fields[0].has_id);
    ASSERT_EQ(s.fields[0].id, 4);
    ASSERT_STR_EQ(s.fields[0].physical_name, "col-1");
    ASSERT_STR_EQ(s.fields[0].metadata_json,
                  "{\"comment\":\"a/b\\u0001\",\"delta.columnMapping.id\":4,"
                  "\"delta.columnMapping.physicalName\":\"col-1\"}");
    /* an empty metadata object keeps no metadata_json */
    ASSERT_OK(parse(a, one_column(a, "\"long\""), &s, &err), &err);
    ASSERT_TRUE(s.fields[0].metadata_json == NULL);
    ASSERT_FAILS(parse(a, "\"struct\"", &s, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "schema: invalid JSON at line 1");
    ASSERT_FAILS(parse(a, "{\"type\":\"struct\",\"fields\":[]} x", &s, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "schema: invalid JSON at line 1");
    ASSERT_FAILS(parse(a, "", &s, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "schema: invalid JSON");
    ASSERT_FAILS(parse(a, "{\"type\":\"struct\",\"fields\":[{\"name\":\"\\u0000\"}]}", &s, &err),
                 BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "schema: invalid JSON");
    bk_arena_free(a);
}

BK_TEST(delta_schema_corrupt) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    ASSERT_FAILS(parse(a, "{\"type\":\"struct\",\"fields\":[", &s, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "schema: invalid JSON at line 1");
    ASSERT_FAILS(parse(a, "{\"type\":\"array\"}", &s, &err), BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "schema: the top level is not a struct type");
    ASSERT_FAILS(parse(a, "[1]", &s, &err), BK_CORRUPT);
    ASSERT_FAILS(parse(a, "{\"type\":\"struct\"}", &s, &err), BK_CORRUPT);
    ASSERT_FAILS(parse(a,
                       "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\","
                       "\"metadata\":{}}]}",
                       &s, &err),
                 BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "schema: column \"a\": \"nullable\" is missing");
    ASSERT_FAILS(parse(a, one_column(a, "\"decimal(39,0)\""), &s, &err), BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "decimal(39,0)");
    ASSERT_FAILS(parse(a, one_column(a, "\"decimal(5,6)\""), &s, &err), BK_CORRUPT);
    ASSERT_FAILS(parse(a, one_column(a, "{\"type\":\"array\",\"elementType\":\"long\"}"), &s, &err),
                 BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "schema: column \"x\": \"containsNull\" is missing");
    ASSERT_FAILS(parse(a, one_column(a, "12"), &s, &err), BK_CORRUPT);
    ASSERT_FAILS(parse(a,
                       "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\","
                       "\"nullable\":true,\"metadata\":{\"delta.columnMapping.id\":\"7\"}}]}",
                       &s, &err),
                 BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "delta.columnMapping.id");
    /* names are unique ignoring case */
    ASSERT_FAILS(parse(a,
                       "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\","
                       "\"nullable\":true},{\"name\":\"A\",\"type\":\"long\",\"nullable\":true}]}",
                       &s, &err),
                 BK_CORRUPT);
    ASSERT_CONTAINS(err.msg, "duplicate field name \"A\"");
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * From types, writing, column mapping
 * ------------------------------------------------------------------------------------------- */

BK_TEST(delta_schema_from_type_writes_spark_json) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    char why[128];
    const char *ddl = "struct<id: bigint not null, name: string, tags: array<string>, "
                      "props: map<string, int>, pt: struct<x: double, y: decimal(20,3)>, "
                      "d: date, ts: timestamp, ntz: timestamp_ntz, b: binary, ok: boolean>";
    const bk_type *t = bk_type_parse(a, ddl, strlen(ddl), why, sizeof why);
    ASSERT_TRUE(t != NULL);
    delta_schema s;
    ASSERT_OK(delta_schema_from_type(a, t, &s, &err), &err);
    ASSERT_EQ(s.n_fields, 10);
    ASSERT_TRUE(!s.fields[0].nullable);
    ASSERT_STR_EQ(
        to_json(a, &s),
        "{\"type\":\"struct\",\"fields\":["
        "{\"name\":\"id\",\"type\":\"long\",\"nullable\":false,\"metadata\":{}},"
        "{\"name\":\"name\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"elementType\":\"string\","
        "\"containsNull\":true},\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"props\",\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":"
        "\"integer\",\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"pt\",\"type\":{\"type\":\"struct\",\"fields\":[{\"name\":\"x\",\"type\":"
        "\"double\",\"nullable\":true,\"metadata\":{}},{\"name\":\"y\",\"type\":"
        "\"decimal(20,3)\",\"nullable\":true,\"metadata\":{}}]},\"nullable\":true,"
        "\"metadata\":{}},"
        "{\"name\":\"d\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"ts\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"ntz\",\"type\":\"timestamp_ntz\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"b\",\"type\":\"binary\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"ok\",\"type\":\"boolean\",\"nullable\":true,\"metadata\":{}}]}");
    /* and it reads back as the same schema */
    delta_schema back;
    const char *where;
    const char *json = to_json(a, &s);
    ASSERT_OK(parse(a, json, &back, &err), &err);
    ASSERT_TRUE(schemas_equal(&s, &back, &where));

    /* TIME has no Delta type */
    t = bk_type_parse(a, "struct<t: time>", 15, why, sizeof why);
    if (t) {
        ASSERT_FAILS(delta_schema_from_type(a, t, &s, &err), BK_UNSUPPORTED);
        ASSERT_CONTAINS(err.msg, "column \"t\"");
    }
    ASSERT_FAILS(delta_schema_from_type(a, bk_type_scalar(BK_TYPE_INT), &s, &err),
                 BK_INVALID_ARGUMENT);
    bk_arena_free(a);
}

BK_TEST(delta_schema_json_escapes_names) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    const char *json = "{\"type\":\"struct\",\"fields\":[{\"name\":\"a \\\"b\\\"\\\\c\\n\\u0001"
                       "\xc3\xa9\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}";
    delta_schema s;
    ASSERT_OK(parse(a, json, &s, &err), &err);
    ASSERT_STR_EQ(s.fields[0].name, "a \"b\"\\c\n\x01\xc3\xa9");
    ASSERT_STR_EQ(to_json(a, &s), json);
    bk_arena_free(a);
}

/* Every struct field below f has an id in (lo, hi] and a "col-<uuid>" name; ids are unique. */
static bool check_mapping(const delta_field *f, bool is_struct_field, int32_t *next_id) {
    if (is_struct_field) {
        if (!f->has_id || f->id != *next_id + 1) return false;
        *next_id = f->id;
        if (strncmp(f->physical_name, "col-", 4) != 0 || strlen(f->physical_name) != 40)
            return false;
        char want[128];
        snprintf(want, sizeof want,
                 "\"delta.columnMapping.id\":%d,\"delta.columnMapping.physicalName\":\"%s\"}",
                 (int)f->id, f->physical_name);
        if (!f->metadata_json || !strstr(f->metadata_json, want)) return false;
    } else if (f->has_id) {
        return false;
    }
    for (uint32_t i = 0; i < f->n_children; i++)
        if (!check_mapping(&f->children[i], f->type->kind == BK_TYPE_STRUCT, next_id)) return false;
    return true;
}

BK_TEST(delta_schema_assign_column_mapping) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_schema s;
    ASSERT_OK(parse(a, protocol_example, &s, &err), &err);
    /* keep a comment through the assignment */
    s.fields[0].metadata_json = "{\"comment\":\"first\"}";
    int32_t max_id = 0;
    ASSERT_EQ(delta_schema_assign_column_mapping(a, &s, "name", &max_id), BK_OK);
    /* a, b, b.d, c, e, e.element.d, f: pre-order */
    ASSERT_EQ(max_id, 7);
    int32_t next = 0;
    for (uint32_t i = 0; i < s.n_fields; i++) ASSERT_TRUE(check_mapping(&s.fields[i], true, &next));
    ASSERT_EQ(s.fields[1].children[0].id, 3);
    ASSERT_EQ(s.fields[3].children[0].children[0].id, 6);
    ASSERT_TRUE(strncmp(s.fields[0].metadata_json, "{\"comment\":\"first\",", 19) == 0);
    ASSERT_TRUE(strcmp(s.fields[0].physical_name, s.fields[1].physical_name) != 0);
    ASSERT_STR_EQ(s.fields[0].name, "a"); /* logical names stay */

    /* it survives the trip through JSON */
    delta_schema back;
    const char *where;
    ASSERT_OK(parse(a, to_json(a, &s), &back, &err), &err);
    ASSERT_TRUE(schemas_equal(&s, &back, &where));

    /* ids continue from the given maximum; "id" mode assigns the same metadata */
    ASSERT_OK(parse(a, protocol_example, &s, &err), &err);
    max_id = 100;
    ASSERT_EQ(delta_schema_assign_column_mapping(a, &s, "id", &max_id), BK_OK);
    ASSERT_EQ(max_id, 107);
    ASSERT_EQ(s.fields[0].id, 101);
    ASSERT_EQ(delta_schema_assign_column_mapping(a, &s, "none", &max_id), BK_INVALID_ARGUMENT);
    max_id = INT32_MAX - 1;
    ASSERT_EQ(delta_schema_assign_column_mapping(a, &s, "name", &max_id), BK_LIMIT_EXCEEDED);
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Every schemaString in the test data
 * ------------------------------------------------------------------------------------------- */

typedef struct corpus {
    bk_arena *a;
    int parsed, unsupported, failed, exact, files;
    char first_failure[600];
} corpus;

static void note_failure(corpus *c, const char *path, const char *what) {
    if (!c->failed++) snprintf(c->first_failure, sizeof c->first_failure, "%s: %s", path, what);
}

static void check_schema_string(corpus *c, const char *path, const char *text) {
    bk_error err;
    delta_schema s, back;
    bk_status st = parse(c->a, text, &s, &err);
    if (st == BK_UNSUPPORTED) {
        c->unsupported++;
        return;
    }
    if (st != BK_OK) return note_failure(c, path, err.msg);
    c->parsed++;
    const char *json = to_json(c->a, &s);
    if (!json) return note_failure(c, path, "to_json failed");
    if (strcmp(json, text) == 0) c->exact++;
    if (parse(c->a, json, &back, &err) != BK_OK) return note_failure(c, path, err.msg);
    const char *where;
    if (!schemas_equal(&s, &back, &where)) return note_failure(c, path, where);
    const char *again = to_json(c->a, &back);
    if (!again || strcmp(again, json) != 0) note_failure(c, path, "to_json is not stable");
}

/* A whole file in the arena, NUL-terminated; NULL when it cannot be read. */
static char *slurp(bk_arena *a, const char *path, size_t *len) {
    uint8_t *data;
    bk_error err;
    bk_error_clear(&err);
    return store_read_file(a, path, &data, len, &err) == BK_OK ? (char *)data : NULL;
}

static void scan_log_file(corpus *c, const char *path) {
    size_t len;
    char *text = slurp(c->a, path, &len);
    if (!text) return;
    c->files++;
    for (char *line = text; line < text + len;) {
        char *nl = memchr(line, '\n', (size_t)(text + len - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(text + len - line);
        json_t *obj = json_loadb(line, n, 0, NULL);
        const char *schema =
            json_string_value(json_object_get(json_object_get(obj, "metaData"), "schemaString"));
        if (schema) check_schema_string(c, path, schema);
        json_decref(obj);
        line += n + 1;
    }
}

/* Call `fn` for every JSON file in a _delta_log folder below `dir`. */
static void walk_logs(const char *dir, int depth, void (*fn)(corpus *, const char *), corpus *c) {
    if (depth > 12) return;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    bool in_log = strlen(dir) >= 10 && strcmp(dir + strlen(dir) - 10, "_delta_log") == 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len = strlen(e->d_name);
        if (in_log && len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
            fn(c, path);
        } else if (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) {
            walk_logs(path, depth + 1, fn, c);
        }
    }
    closedir(d);
}

BK_TEST(delta_schema_every_testdata_schema) {
    const char *data = bk_test_data_dir();
    if (!data) {
        bk_test_fail(__FILE__, __LINE__, "../shared/testdata is missing");
        return;
    }
    static const char *const suites[] = {"delta-golden", "delta-rs", "krs-data", "delta-spark",
                                         "delta-kernel-java"};
    corpus c = {.a = bk_arena_new(NULL, "t", 0)};
    clock_t start = clock();
    for (size_t i = 0; i < BK_ARRAY_LEN(suites); i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", data, suites[i]);
        walk_logs(dir, 0, scan_log_file, &c);
        bk_arena_reset(c.a);
    }
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    if (c.failed) {
        bk_test_fail(__FILE__, __LINE__, "%d failures; first: %s", c.failed, c.first_failure);
        return;
    }
    ASSERT_TRUE(c.files > 500);
    ASSERT_TRUE(c.parsed > 200);
    ASSERT_TRUE(c.unsupported > 0); /* the variant and geometry tables */
    /* most of them are Spark's exact text, which we reproduce byte for byte */
    ASSERT_TRUE(c.exact * 10 > c.parsed * 8);
    ASSERT_TRUE(secs < 2.0);
    if (getenv("BK_TEST_VERBOSE"))
        printf("schemas: %d files, %d parsed (%d exact), %d unsupported, %.2f s\n", c.files,
               c.parsed, c.exact, c.unsupported, secs);
    bk_arena_free(c.a);
}
