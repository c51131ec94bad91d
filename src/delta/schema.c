/*
 * schema.c — the table schema: metaData.schemaString <-> delta_schema
 * (PROTOCOL.md "Schema Serialization Format", "Column Mapping", "Type Widening").
 *
 * The schemaString is Spark's JSON form of a StructType:
 *
 *     {"type":"struct","fields":[
 *        {"name":"a","type":"integer","nullable":true,"metadata":{}},
 *        {"name":"b","type":{"type":"array","elementType":"string","containsNull":true},
 *         "nullable":true,"metadata":{"delta.columnMapping.id":2, ...}}]}
 *
 * Parsing (the log's JSON scanner, json_scan.h; no JSON tree) builds a
 * delta_field tree whose shape follows the types: a struct field's children are
 * its fields, an array's one child is its element ("element"), a map's two
 * children are its key and value ("key", "value"); the nullability of the element
 * and the value sits on those children.  The whole tree, the bk_types and every
 * string live in the caller's arena.  A field's metadata object is kept as
 * compact JSON (metadata_json, written as jansson's json_dumpb would) so that
 * delta.typeChanges, delta.invariants, comments, identity settings and anything
 * else survive a rewrite of the schema; the two column-mapping keys are also
 * decoded into physical_name and id.  Text that is not JSON gets jansson's
 * message, as it did when jansson parsed schemas.
 *
 * Writing produces exactly Spark's compact form: keys in the order name, type,
 * nullable, metadata (array: type, elementType, containsNull; map: type, keyType,
 * valueType, valueContainsNull), primitive types by their Spark names.
 *
 * Errors: BK_CORRUPT for JSON that is not a schema (naming the column path and
 * what is wrong), BK_UNSUPPORTED for a type Bricks has no representation for
 * (variant, intervals, geometry, user-defined types: naming type and column).
 */
#include "delta/schema.h"

#include "delta/json.h"
#include "delta/json_scan.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "base/uuid.h"

/* Deep enough for any real schema; bounds the recursion on hostile input. */
#define MAX_NESTING 100

/* Parser state: the arena, the error, and the dotted path of the current column. */
typedef struct sctx {
    bk_arena *a;
    bk_error *err;
    int depth;
    size_t path_len;
    char path[512];
} sctx;

/* ---------------------------------------------------------------------------------------------
 * Column paths for messages ("a.b.element.c")
 * ------------------------------------------------------------------------------------------- */

/* Append ".name" (or "name" at the root) to the path; returns the old length to restore. */
static size_t path_push(sctx *c, const char *name) {
    size_t old = c->path_len;
    int n = snprintf(c->path + old, sizeof c->path - old, "%s%s", old ? "." : "", name);
    if (n > 0) c->path_len = BK_MIN(old + (size_t)n, sizeof c->path - 1);
    return old;
}

static void path_pop(sctx *c, size_t old) {
    c->path_len = old;
    c->path[old] = '\0';
}

static bk_status corrupt(sctx *c, const char *what) {
    if (c->path_len)
        return bk_error_set(c->err, BK_CORRUPT, "schema: column \"%s\": %s", c->path, what);
    return bk_error_set(c->err, BK_CORRUPT, "schema: %s", what);
}

static bk_status oom(sctx *c) { return bk_arena_oom(c->a, c->err); }

/* ---------------------------------------------------------------------------------------------
 * Primitive type names
 * ------------------------------------------------------------------------------------------- */

static const struct {
    const char *name;
    bk_type_kind kind;
} primitive_names[] = {
    {"string", BK_TYPE_STRING},       {"long", BK_TYPE_BIGINT},
    {"integer", BK_TYPE_INT},         {"short", BK_TYPE_SMALLINT},
    {"byte", BK_TYPE_TINYINT},        {"float", BK_TYPE_FLOAT},
    {"double", BK_TYPE_DOUBLE},       {"boolean", BK_TYPE_BOOLEAN},
    {"binary", BK_TYPE_BINARY},       {"date", BK_TYPE_DATE},
    {"timestamp", BK_TYPE_TIMESTAMP}, {"timestamp_ntz", BK_TYPE_TIMESTAMP_NTZ},
    {"void", BK_TYPE_VOID},           {"null", BK_TYPE_VOID}, /* Spark 2's name for void */
};

static bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

/* Non-negative decimal digits at *pos (at most 9), skipping spaces around them. */
static bool read_number(const char *s, size_t *pos, int *out) {
    while (is_space(s[*pos])) (*pos)++;
    int v = 0, n = 0;
    while (s[*pos] >= '0' && s[*pos] <= '9') {
        if (++n > 9) return false;
        v = v * 10 + (s[*pos] - '0');
        (*pos)++;
    }
    while (is_space(s[*pos])) (*pos)++;
    *out = v;
    return n > 0;
}

/*
 * decimal_type -> "decimal" | "decimal" "(" p "," s ")"   (spaces allowed inside)
 * Plain "decimal" is Spark's DECIMAL(10,0).  *is_decimal is false when the name is
 * not a decimal at all.
 */
static bk_status parse_decimal_name(sctx *c, const char *name, const bk_type **out,
                                    bool *is_decimal) {
    *is_decimal = false;
    if (strncasecmp(name, "decimal", 7) != 0) return BK_OK;
    size_t pos = 7;
    int precision = 10, scale = 0;
    while (is_space(name[pos])) pos++;
    if (name[pos] == '(') {
        pos++;
        bool negative_scale = false;
        if (!read_number(name, &pos, &precision) || name[pos] != ',') return BK_OK;
        pos++;
        while (is_space(name[pos])) pos++;
        if (name[pos] == '-') negative_scale = true, pos++;
        if (!read_number(name, &pos, &scale) || name[pos] != ')') return BK_OK;
        pos++;
        if (name[pos] != '\0') return BK_OK;
        *is_decimal = true;
        if (negative_scale && scale != 0)
            return bk_error_set(c->err, BK_UNSUPPORTED,
                                "schema: column \"%s\": type \"%s\" is not supported "
                                "(negative decimal scale)",
                                c->path, name);
    } else if (name[pos] != '\0') {
        return BK_OK;
    }
    *is_decimal = true;
    if (precision < 1 || precision > BK_DECIMAL_MAX_PRECISION || scale > precision) {
        char what[160];
        snprintf(what, sizeof what,
                 "invalid type \"%s\": precision must be 1 to 38 and scale at most the precision",
                 name);
        return corrupt(c, what);
    }
    *out = bk_type_make_decimal(c->a, precision, scale);
    return *out ? BK_OK : oom(c);
}

static bk_status unsupported_type(sctx *c, const char *name) {
    return bk_error_set(c->err, BK_UNSUPPORTED,
                        "schema: column \"%s\": type \"%s\" is not supported", c->path, name);
}

/* A type given by name: a primitive, "decimal(p,s)", or char(n)/varchar(n) read as STRING. */
static bk_status primitive_type(sctx *c, const char *name, const bk_type **out) {
    for (size_t i = 0; i < BK_ARRAY_LEN(primitive_names); i++) {
        if (strcasecmp(name, primitive_names[i].name) == 0) {
            *out = bk_type_scalar(primitive_names[i].kind);
            return BK_OK;
        }
    }
    bool is_decimal;
    BK_TRY(parse_decimal_name(c, name, out, &is_decimal));
    if (is_decimal) return BK_OK;
    if (strncasecmp(name, "char(", 5) == 0 || strncasecmp(name, "varchar(", 8) == 0) {
        *out = bk_type_scalar(BK_TYPE_STRING);
        return BK_OK;
    }
    /* variant, interval ..., geometry(...), geography(...), and anything newer */
    return unsupported_type(c, name);
}

/* ---------------------------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------------------------- */

/*
 * The schemaString is read with the log's own JSON scanner (json_scan.h), not a
 * jansson tree: one validating pass over the whole text, then each object's
 * members picked out of its span as the walk reaches it (a re-scan of text
 * already validated).  The scanner accepts exactly what jansson's json_loadb
 * accepts, and jansson still words the message for text that is not JSON.
 * OPTIMIZATION-IF-FALSE: jansson parsed a schema in ~10k instructions a field,
 * about as much as the rest of a snapshot's log replay; every query pays it once
 * per table.
 */

/* Members of the type objects ("struct", "array", "map"). */
enum { T_TYPE, T_FIELDS, T_ELEMENT, T_CONTAINS_NULL, T_KEY, T_VALUE, T_VALUE_NULL, N_TYPE_KEYS };
static const delta_jname type_keys[N_TYPE_KEYS] = {
    DELTA_JNAME("type"),      DELTA_JNAME("fields"),    DELTA_JNAME("elementType"),
    DELTA_JNAME("containsNull"), DELTA_JNAME("keyType"), DELTA_JNAME("valueType"),
    DELTA_JNAME("valueContainsNull"),
};

/* Members of a struct field. */
enum { F_NAME, F_TYPE, F_NULLABLE, F_METADATA, N_FIELD_KEYS };
static const delta_jname field_keys[N_FIELD_KEYS] = {
    DELTA_JNAME("name"), DELTA_JNAME("type"), DELTA_JNAME("nullable"), DELTA_JNAME("metadata")};

/* The column-mapping members of a field's metadata. */
enum { M_PHYSICAL_NAME, M_ID, N_META_KEYS };
static const delta_jname meta_keys[N_META_KEYS] = {
    DELTA_JNAME("delta.columnMapping.physicalName"), DELTA_JNAME("delta.columnMapping.id")};

/* Text the first pass validated did not scan again: a bug, not bad input. */
static BK_NOINLINE bk_status not_rescanned(sctx *c) {
    return bk_error_set(c->err, BK_INTERNAL, "schema: validated JSON did not scan again");
}

/* The members of object `v` (validated) named in names[0..n), in slots (ABSENT if not). */
static bk_status members(sctx *c, const delta_jval *v, const delta_jname *names, size_t n,
                         delta_jval *slots) {
    memset(slots, 0, n * sizeof *slots);
    delta_jscan s;
    delta_jscan_init(&s, v->text, v->len);
    delta_jval obj;
    return delta_jscan_fields(&s, 1, names, n, slots, &obj) ? BK_OK : not_rescanned(c);
}

/* The string `v` decoded into the arena, NUL-terminated (length in *len if wanted). */
static bk_status string_of(sctx *c, const delta_jval *v, const char **out, size_t *len) {
    *out = delta_jscan_str_dup(c->a, v, len);
    return *out ? BK_OK : oom(c);
}

static bk_status parse_type(sctx *c, const delta_jval *type, delta_field *f);

/* A required boolean member `key` (its value, or ABSENT, in v). */
static bk_status get_bool(sctx *c, const delta_jval *v, const char *key, bool *out) {
    if (v->type != DELTA_J_TRUE && v->type != DELTA_J_FALSE) {
        char what[96];
        snprintf(what, sizeof what, "\"%s\" is %s", key,
                 v->type != DELTA_J_ABSENT ? "not a boolean" : "missing");
        return corrupt(c, what);
    }
    *out = v->type == DELTA_J_TRUE;
    return BK_OK;
}

/* True if object `v` (validated) has no members. */
static bool object_empty(const delta_jval *v) {
    delta_jscan s;
    delta_jscan_init(&s, v->text, v->len);
    bool first = true;
    delta_jval key;
    return delta_jscan_member(&s, &first, &key) == 0;
}

/* The field's metadata object: kept whole (compact, as jansson writes it), mapping keys decoded. */
static bk_status parse_metadata(sctx *c, const delta_jval *meta, delta_field *f) {
    f->physical_name = f->name;
    f->has_id = false;
    f->id = 0;
    f->metadata_json = NULL;
    if (meta->type == DELTA_J_ABSENT || meta->type == DELTA_J_NULL) return BK_OK;
    if (meta->type != DELTA_J_OBJECT) return corrupt(c, "\"metadata\" is not an object");
    if (object_empty(meta)) return BK_OK;
    delta_jval m[N_META_KEYS];
    BK_TRY(members(c, meta, meta_keys, N_META_KEYS, m));
    if (m[M_PHYSICAL_NAME].type != DELTA_J_ABSENT) {
        /* a JSON string's text is its two quotes and at least one character */
        if (m[M_PHYSICAL_NAME].type != DELTA_J_STRING || m[M_PHYSICAL_NAME].len <= 2)
            return corrupt(c, "\"delta.columnMapping.physicalName\" is not a non-empty string");
        BK_TRY(string_of(c, &m[M_PHYSICAL_NAME], &f->physical_name, NULL));
    }
    if (m[M_ID].type != DELTA_J_ABSENT) {
        int64_t v = m[M_ID].type == DELTA_J_INT ? delta_jscan_int(&m[M_ID]) : -1;
        if (v < 0 || v > INT32_MAX)
            return corrupt(c, "\"delta.columnMapping.id\" is not an integer in 0..2147483647");
        f->has_id = true;
        f->id = (int32_t)v;
    }
    bk_buf b;
    bk_buf_init(&b);
    bk_status st = delta_jscan_compact(meta, &b, c->err);
    if (st == BK_OK) {
        f->metadata_json = bk_arena_strndup(c->a, (const char *)b.data, b.len);
        if (!f->metadata_json) st = oom(c);
    }
    bk_buf_destroy(&b);
    return st;
}

/* struct_field -> {"name": s, "type": type, "nullable": b [, "metadata": {...}]} */
static bk_status parse_field(sctx *c, const delta_jval *obj, delta_field *f) {
    if (obj->type != DELTA_J_OBJECT) return corrupt(c, "a struct field is not an object");
    delta_jval m[N_FIELD_KEYS];
    BK_TRY(members(c, obj, field_keys, N_FIELD_KEYS, m));
    if (m[F_NAME].type != DELTA_J_STRING) return corrupt(c, "a struct field has no \"name\"");
    BK_TRY(string_of(c, &m[F_NAME], &f->name, NULL));
    size_t old = path_push(c, f->name);
    if (m[F_TYPE].type == DELTA_J_ABSENT) return corrupt(c, "\"type\" is missing");
    BK_TRY(get_bool(c, &m[F_NULLABLE], "nullable", &f->nullable));
    BK_TRY(parse_metadata(c, &m[F_METADATA], f));
    BK_TRY(parse_type(c, &m[F_TYPE], f));
    path_pop(c, old);
    return BK_OK;
}

/* A STRUCT type over already-parsed fields (logical names, field nullability). */
static const bk_type *struct_type(bk_arena *a, const delta_field *fields, uint32_t n) {
    const char **names = bk_arena_array(a, n ? n : 1, sizeof *names);
    const bk_type **types = bk_arena_array(a, n ? n : 1, sizeof *types);
    bool *nullable = bk_arena_array(a, n ? n : 1, sizeof *nullable);
    if (!names || !types || !nullable) return NULL;
    for (uint32_t i = 0; i < n; i++) {
        names[i] = fields[i].name;
        types[i] = fields[i].type;
        nullable[i] = fields[i].nullable;
    }
    return bk_type_make_struct(a, n, names, types, nullable);
}

/*
 * Walk the elements of array `arr` (validated): with fs NULL, count them into *n;
 * else parse element i into fs[i].
 */
static bk_status walk_fields(sctx *c, const delta_jval *arr, delta_field *fs, size_t *n) {
    delta_jscan s;
    delta_jscan_init(&s, arr->text, arr->len);
    bool first = true;
    size_t i = 0;
    int more;
    while ((more = delta_jscan_element(&s, &first)) == 1) {
        delta_jval e;
        if (!delta_jscan_value(&s, 2, &e)) return not_rescanned(c);
        if (fs) {
            BK_TRY(parse_field(c, &e, &fs[i]));
            for (size_t j = 0; j < i; j++) {
                if (strcasecmp(fs[j].name, fs[i].name) == 0) {
                    char what[160];
                    snprintf(what, sizeof what,
                             "duplicate field name \"%.60s\" (names are case-insensitive)",
                             fs[i].name);
                    return corrupt(c, what);
                }
            }
        }
        i++;
    }
    if (more < 0) return not_rescanned(c);
    *n = i;
    return BK_OK;
}

/*
 * struct_type -> {"type": "struct", "fields": [struct_field, ...]}
 * Names must be unique ignoring case (PROTOCOL.md: "All column names must be
 * unique regardless of casing").  `fields` is the "fields" member (or ABSENT).
 */
static bk_status parse_struct(sctx *c, const delta_jval *fields, uint32_t *n_out,
                              delta_field **out, const bk_type **type) {
    if (fields->type != DELTA_J_ARRAY) return corrupt(c, "a struct type has no \"fields\" array");
    size_t n;
    BK_TRY(walk_fields(c, fields, NULL, &n));
    if (n > UINT32_MAX / 2) return corrupt(c, "too many fields");
    delta_field *fs = bk_arena_zalloc(c->a, (n ? n : 1) * sizeof *fs);
    if (!fs) return oom(c);
    BK_TRY(walk_fields(c, fields, fs, &n));
    *n_out = (uint32_t)n;
    *out = fs;
    *type = struct_type(c->a, fs, (uint32_t)n);
    return *type ? BK_OK : oom(c);
}

/* One of the unnamed children of an array or map ("element", "key", "value"). */
static bk_status parse_child(sctx *c, const delta_jval *type, const char *name, bool nullable,
                             delta_field *f) {
    f->name = name;
    f->physical_name = name;
    f->nullable = nullable;
    size_t old = path_push(c, name);
    if (type->type == DELTA_J_ABSENT) {
        char what[64];
        snprintf(what, sizeof what, "the %s type is missing", name);
        return corrupt(c, what);
    }
    BK_TRY(parse_type(c, type, f));
    path_pop(c, old);
    return BK_OK;
}

/*
 * type -> primitive_name
 *       | {"type": "struct", "fields": [...]}
 *       | {"type": "array", "elementType": type, "containsNull": b}
 *       | {"type": "map", "keyType": type, "valueType": type, "valueContainsNull": b}
 * Fills f->type and f's children.
 */
static bk_status parse_type(sctx *c, const delta_jval *type, delta_field *f) {
    f->n_children = 0;
    f->children = NULL;
    const char *name;
    if (type->type == DELTA_J_STRING) {
        BK_TRY(string_of(c, type, &name, NULL));
        return primitive_type(c, name, &f->type);
    }
    if (type->type != DELTA_J_OBJECT)
        return corrupt(c, "\"type\" is neither a string nor an object");
    if (++c->depth > MAX_NESTING) return corrupt(c, "types are nested too deeply");
    delta_jval m[N_TYPE_KEYS];
    BK_TRY(members(c, type, type_keys, N_TYPE_KEYS, m));
    if (m[T_TYPE].type != DELTA_J_STRING) return corrupt(c, "a complex type has no \"type\" name");
    const char *kind;
    BK_TRY(string_of(c, &m[T_TYPE], &kind, NULL));
    if (strcmp(kind, "struct") == 0) {
        BK_TRY(parse_struct(c, &m[T_FIELDS], &f->n_children, &f->children, &f->type));
    } else if (strcmp(kind, "array") == 0) {
        bool contains_null = false;
        BK_TRY(get_bool(c, &m[T_CONTAINS_NULL], "containsNull", &contains_null));
        f->children = bk_arena_zalloc(c->a, sizeof *f->children);
        if (!f->children) return oom(c);
        f->n_children = 1;
        BK_TRY(parse_child(c, &m[T_ELEMENT], "element", contains_null, &f->children[0]));
        f->type = bk_type_make_array(c->a, f->children[0].type);
    } else if (strcmp(kind, "map") == 0) {
        bool value_null = false;
        BK_TRY(get_bool(c, &m[T_VALUE_NULL], "valueContainsNull", &value_null));
        f->children = bk_arena_zalloc(c->a, 2 * sizeof *f->children);
        if (!f->children) return oom(c);
        f->n_children = 2;
        BK_TRY(parse_child(c, &m[T_KEY], "key", false, &f->children[0]));
        BK_TRY(parse_child(c, &m[T_VALUE], "value", value_null, &f->children[1]));
        f->type = bk_type_make_map(c->a, f->children[0].type, f->children[1].type);
    } else {
        return unsupported_type(c, kind); /* "udt" and friends */
    }
    c->depth--;
    return f->type ? BK_OK : oom(c);
}

/*
 * Text that is not JSON: jansson's message, as it always was (it rejects what the
 * scanner rejects); the scanner's own reason only if jansson accepted it.
 */
static BK_NOINLINE bk_status invalid_json(sctx *c, const char *json, size_t len,
                                          const delta_jscan *s) {
    json_error_t jerr;
    json_t *root = json_loadb(json, len, 0, &jerr);
    if (!root)
        return bk_error_set(c->err, BK_CORRUPT, "schema: invalid JSON at line %d, column %d: %s",
                            jerr.line, jerr.column, jerr.text);
    json_decref(root);
    size_t at = s->fail_at ? (size_t)(s->fail_at - json) : len;
    return bk_error_set(c->err, BK_CORRUPT, "schema: invalid JSON at byte %zu: %s", at,
                        s->fail_why ? s->fail_why : "unexpected text after the value");
}

bk_status delta_schema_parse(bk_arena *a, const char *json, size_t len, delta_schema *out,
                             bk_error *err) {
    sctx c = {.a = a, .err = err};
    delta_jscan s;
    delta_jscan_init(&s, json, len);
    delta_jscan_ws(&s);
    /* the validating pass: the root's members, everything inside them checked */
    delta_jval m[N_TYPE_KEYS] = {{0}}, root = {0};
    bool ok = false;
    if (s.p < s.end && *s.p == '{')
        ok = delta_jscan_fields(&s, 1, type_keys, N_TYPE_KEYS, m, &root);
    else if (s.p < s.end)
        ok = delta_jscan_value(&s, 1, &root);
    if (ok) {
        delta_jscan_ws(&s);
        ok = s.p == s.end;
    }
    /* jansson (flags 0) takes only an object or an array as the whole text */
    if (!ok || (root.type != DELTA_J_OBJECT && root.type != DELTA_J_ARRAY))
        return invalid_json(&c, json, len, &s);
    const char *kind = NULL;
    if (root.type == DELTA_J_OBJECT && m[T_TYPE].type == DELTA_J_STRING)
        BK_TRY(string_of(&c, &m[T_TYPE], &kind, NULL));
    if (!kind || strcmp(kind, "struct") != 0)
        return corrupt(&c, "the top level is not a struct type");
    delta_schema sch = {0};
    BK_TRY(parse_struct(&c, &m[T_FIELDS], &sch.n_fields, &sch.fields, &sch.type));
    *out = sch;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * From a bk_type
 * ------------------------------------------------------------------------------------------- */

static bk_status field_from_type(sctx *c, const char *name, const bk_type *t, bool nullable,
                                 delta_field *f) {
    f->name = name;
    f->physical_name = name;
    f->nullable = nullable;
    f->type = t;
    f->has_id = false;
    f->metadata_json = NULL;
    f->n_children = 0;
    f->children = NULL;
    size_t old = path_push(c, name);
    if (++c->depth > MAX_NESTING) return corrupt(c, "types are nested too deeply");
    switch (t->kind) {
    case BK_TYPE_TIME: {
        char tn[64];
        bk_type_format(t, tn, sizeof tn);
        return bk_error_set(c->err, BK_UNSUPPORTED,
                            "column \"%s\": type %s cannot be stored in a Delta table", c->path,
                            tn);
    }
    case BK_TYPE_STRUCT:
    case BK_TYPE_ARRAY:
    case BK_TYPE_MAP: {
        uint32_t n = t->n_children;
        f->children = bk_arena_zalloc(c->a, (n ? n : 1) * sizeof *f->children);
        if (!f->children) return oom(c);
        f->n_children = n;
        for (uint32_t i = 0; i < n; i++) {
            const char *child_name;
            bool child_nullable = true;
            if (t->kind == BK_TYPE_STRUCT) {
                child_name = bk_arena_strdup(c->a, t->field_names[i]);
                if (!child_name) return oom(c);
                child_nullable = !t->field_nullable || t->field_nullable[i];
            } else if (t->kind == BK_TYPE_ARRAY) {
                child_name = "element";
            } else {
                child_name = i == 0 ? "key" : "value";
                child_nullable = i != 0;
            }
            BK_TRY(field_from_type(c, child_name, t->children[i], child_nullable, &f->children[i]));
        }
        break;
    }
    default:
        break;
    }
    c->depth--;
    path_pop(c, old);
    return BK_OK;
}

bk_status delta_schema_from_type(bk_arena *a, const bk_type *type, delta_schema *out,
                                 bk_error *err) {
    if (!type || type->kind != BK_TYPE_STRUCT)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "a table schema must be a STRUCT type");
    sctx c = {.a = a, .err = err};
    delta_field root;
    BK_TRY(field_from_type(&c, "", type, false, &root));
    out->n_fields = root.n_children;
    out->fields = root.children;
    out->type = type;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------------------------- */

bk_status delta_json_append_string(bk_buf *out, const char *s, size_t len) {
    BK_TRY(bk_buf_reserve(out, len + 2));
    bk_buf_put(out, "\"", 1);
    size_t run = 0; /* bytes at s[run_start..) not yet copied */
    size_t run_start = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\') {
            run++;
            continue;
        }
        BK_TRY(bk_buf_append(out, s + run_start, run));
        char esc[6];
        size_t n = delta_json_escape_byte(ch, esc);
        BK_TRY(bk_buf_append(out, esc, n));
        run_start = i + 1;
        run = 0;
    }
    BK_TRY(bk_buf_append(out, s + run_start, run));
    return bk_buf_append(out, "\"", 1);
}

static bk_status put(bk_buf *out, const char *s) { return bk_buf_append(out, s, strlen(s)); }

static bk_status write_type(const delta_field *f, bk_buf *out, bk_error *err);

/* {"name":…,"type":…,"nullable":…,"metadata":{…}} */
static bk_status write_field(const delta_field *f, bk_buf *out, bk_error *err) {
    BK_TRY(put(out, "{\"name\":"));
    BK_TRY(delta_json_append_string(out, f->name, strlen(f->name)));
    BK_TRY(put(out, ",\"type\":"));
    BK_TRY(write_type(f, out, err));
    BK_TRY(put(out, f->nullable ? ",\"nullable\":true,\"metadata\":"
                                : ",\"nullable\":false,"
                                  "\"metadata\":"));
    BK_TRY(put(out, f->metadata_json ? f->metadata_json : "{}"));
    return put(out, "}");
}

static bk_status write_fields(const delta_field *fields, uint32_t n, bk_buf *out, bk_error *err) {
    BK_TRY(put(out, "{\"type\":\"struct\",\"fields\":["));
    for (uint32_t i = 0; i < n; i++) {
        if (i) BK_TRY(put(out, ","));
        BK_TRY(write_field(&fields[i], out, err));
    }
    return put(out, "]}");
}

static bk_status write_type(const delta_field *f, bk_buf *out, bk_error *err) {
    const bk_type *t = f->type;
    char text[48];
    switch (t->kind) {
    case BK_TYPE_VOID:
        return put(out, "\"void\"");
    case BK_TYPE_BOOLEAN:
        return put(out, "\"boolean\"");
    case BK_TYPE_TINYINT:
        return put(out, "\"byte\"");
    case BK_TYPE_SMALLINT:
        return put(out, "\"short\"");
    case BK_TYPE_INT:
        return put(out, "\"integer\"");
    case BK_TYPE_BIGINT:
        return put(out, "\"long\"");
    case BK_TYPE_FLOAT:
        return put(out, "\"float\"");
    case BK_TYPE_DOUBLE:
        return put(out, "\"double\"");
    case BK_TYPE_STRING:
        return put(out, "\"string\"");
    case BK_TYPE_BINARY:
        return put(out, "\"binary\"");
    case BK_TYPE_DATE:
        return put(out, "\"date\"");
    case BK_TYPE_TIMESTAMP:
        return put(out, "\"timestamp\"");
    case BK_TYPE_TIMESTAMP_NTZ:
        return put(out, "\"timestamp_ntz\"");
    case BK_TYPE_DECIMAL:
        snprintf(text, sizeof text, "\"decimal(%d,%d)\"", t->precision, t->scale);
        return put(out, text);
    case BK_TYPE_STRUCT:
        return write_fields(f->children, f->n_children, out, err);
    case BK_TYPE_ARRAY:
        if (f->n_children != 1) break;
        BK_TRY(put(out, "{\"type\":\"array\",\"elementType\":"));
        BK_TRY(write_type(&f->children[0], out, err));
        return put(out, f->children[0].nullable ? ",\"containsNull\":true}"
                                                : ",\"containsNull\":false}");
    case BK_TYPE_MAP:
        if (f->n_children != 2) break;
        BK_TRY(put(out, "{\"type\":\"map\",\"keyType\":"));
        BK_TRY(write_type(&f->children[0], out, err));
        BK_TRY(put(out, ",\"valueType\":"));
        BK_TRY(write_type(&f->children[1], out, err));
        return put(out, f->children[1].nullable ? ",\"valueContainsNull\":true}"
                                                : ",\"valueContainsNull\":false}");
    default:
        break;
    }
    bk_type_format(t, text, sizeof text);
    return bk_error_set(err, BK_UNSUPPORTED, "column \"%s\": type %s has no Delta form", f->name,
                        text);
}

bk_status delta_schema_to_json(const delta_schema *s, bk_buf *out, bk_error *err) {
    size_t start = out->len;
    bk_status st = write_fields(s->fields, s->n_fields, out, err);
    if (st != BK_OK) {
        out->len = start;
        if (st == BK_OUT_OF_MEMORY) bk_error_set(err, st, "out of memory writing a schema");
    }
    return st;
}

const delta_field *delta_schema_find(const delta_schema *s, const char *name) {
    for (uint32_t i = 0; i < s->n_fields; i++)
        if (strcasecmp(s->fields[i].name, name) == 0) return &s->fields[i];
    return NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Column mapping
 * ------------------------------------------------------------------------------------------- */

/* Compact JSON text of `v` in the arena (jansson keeps the members in their order). */
static bk_status dump_compact(sctx *c, json_t *v, const char **out) {
    size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT);
    if (n == 0) return oom(c);
    char *text = bk_arena_alloc(c->a, n + 1);
    if (!text) return oom(c);
    if (json_dumpb(v, text, n, JSON_COMPACT) != n) return oom(c);
    text[n] = '\0';
    *out = text;
    return BK_OK;
}

/* Set the two column-mapping keys in f's metadata (other keys are kept, in order). */
static bk_status set_mapping_metadata(bk_arena *a, delta_field *f) {
    json_t *meta = NULL;
    if (f->metadata_json) meta = json_loads(f->metadata_json, 0, NULL);
    if (!json_is_object(meta)) {
        json_decref(meta);
        meta = json_object();
    }
    if (!meta) return BK_OUT_OF_MEMORY;
    bk_status st = BK_OUT_OF_MEMORY;
    if (json_object_set_new(meta, "delta.columnMapping.id", json_integer(f->id)) == 0 &&
        json_object_set_new(meta, "delta.columnMapping.physicalName",
                            json_string(f->physical_name)) == 0) {
        sctx c = {.a = a};
        st = dump_compact(&c, meta, &f->metadata_json);
    }
    json_decref(meta);
    return st;
}

/* Pre-order over struct fields; element/key/value children are passed through. */
static bk_status assign_mapping(bk_arena *a, delta_field *f, bool is_struct_field, int32_t *max_id,
                                int depth) {
    if (depth > MAX_NESTING) return BK_LIMIT_EXCEEDED;
    if (is_struct_field) {
        if (*max_id == INT32_MAX) return BK_LIMIT_EXCEEDED;
        char uuid[37];
        bk_uuid_v4_text(uuid);
        f->physical_name = bk_arena_printf(a, "col-%s", uuid);
        if (!f->physical_name) return BK_OUT_OF_MEMORY;
        f->id = ++*max_id;
        f->has_id = true;
        BK_TRY(set_mapping_metadata(a, f));
    }
    bool children_are_fields = f->type->kind == BK_TYPE_STRUCT;
    for (uint32_t i = 0; i < f->n_children; i++)
        BK_TRY(assign_mapping(a, &f->children[i], children_are_fields, max_id, depth + 1));
    return BK_OK;
}

bk_status delta_schema_assign_column_mapping(bk_arena *a, delta_schema *s, const char *mode,
                                             int32_t *max_id_inout) {
    if (!mode || (strcmp(mode, "name") != 0 && strcmp(mode, "id") != 0)) return BK_INVALID_ARGUMENT;
    if (*max_id_inout < 0) return BK_INVALID_ARGUMENT;
    int32_t max_id = *max_id_inout;
    for (uint32_t i = 0; i < s->n_fields; i++)
        BK_TRY(assign_mapping(a, &s->fields[i], true, &max_id, 0));
    *max_id_inout = max_id;
    return BK_OK;
}
