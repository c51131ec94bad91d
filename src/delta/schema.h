/*
 * schema.h — the table schema: Delta's JSON form <-> bk_types, with the
 * per-field facts the protocol attaches (PROTOCOL.md "Schema Serialization
 * Format", "Column Mapping", "Type Widening").
 *
 * Delta type names map to bk_types as Spark's do: string STRING, long BIGINT,
 * integer INT, short SMALLINT, byte TINYINT, float FLOAT, double DOUBLE,
 * decimal(p,s) DECIMAL, boolean BOOLEAN, binary BINARY, date DATE, timestamp
 * TIMESTAMP, timestamp_ntz TIMESTAMP_NTZ, void VOID, array ARRAY, map MAP,
 * struct STRUCT.  Other type names (variant, ...) are BK_UNSUPPORTED naming the
 * type and the column.
 */
#ifndef BRICKS_DELTA_SCHEMA_H
#define BRICKS_DELTA_SCHEMA_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/types.h"

typedef struct delta_field delta_field;
struct delta_field {
    const char *name;          /* logical (display) name */
    const char *physical_name; /* delta.columnMapping.physicalName, else name */
    bool has_id;
    int32_t id;    /* delta.columnMapping.id */
    bool nullable; /* for array elements: containsNull; map values: valueContainsNull */
    const bk_type *type;
    /* STRUCT: its fields; ARRAY: 1 (the element); MAP: 2 (key, value) */
    uint32_t n_children;
    delta_field *children;
    const char *metadata_json; /* the field's "metadata" object, compact JSON; NULL when empty */
};

typedef struct delta_schema {
    uint32_t n_fields;
    delta_field *fields; /* the top-level columns */
    const bk_type *type; /* STRUCT<...> of the logical names and types */
} delta_schema;

/* Parse a metaData.schemaString.  BK_CORRUPT (bad JSON, missing keys), BK_UNSUPPORTED. */
bk_status delta_schema_parse(bk_arena *a, const char *json, size_t len, delta_schema *out,
                             bk_error *err);

/*
 * A schema for a bk STRUCT type, with no column mapping; nullability from the
 * type (array elements and map values nullable).  `type` and its children are
 * referenced, not copied: they must outlive the schema.  BK_UNSUPPORTED for TIME.
 */
bk_status delta_schema_from_type(bk_arena *a, const bk_type *type, delta_schema *out,
                                 bk_error *err);

/* Append the schemaString JSON of `s` (metadata objects included) to `out`. */
bk_status delta_schema_to_json(const delta_schema *s, bk_buf *out, bk_error *err);

/* The top-level field named `name` (case-insensitive, as Spark resolves), or NULL. */
const delta_field *delta_schema_find(const delta_schema *s, const char *name);

/*
 * Give every struct field of `s` (top-level and nested, also inside array
 * elements and map keys/values) a fresh column-mapping identity: physical name
 * "col-<random uuid>" and id *max_id_inout + 1, + 2, ... in pre-order (a struct
 * before its fields), as Spark does when a table is created with column mapping.
 * Existing mapping metadata is replaced; each field's metadata_json gets
 * "delta.columnMapping.id" and "delta.columnMapping.physicalName".  On return
 * *max_id_inout is the highest id given: the caller stores it as the table
 * property delta.columnMapping.maxColumnId.  `mode` is "name" or "id" (both
 * assign the same metadata).  Allocates in `a`.  BK_INVALID_ARGUMENT for another
 * mode, BK_LIMIT_EXCEEDED when ids would pass INT32_MAX, BK_OUT_OF_MEMORY.
 */
bk_status delta_schema_assign_column_mapping(bk_arena *a, delta_schema *s, const char *mode,
                                             int32_t *max_id_inout);

/*
 * Append `s[0..len)` to `out` as a JSON string literal (quotes included):
 * '"' and '\\' escaped, control characters as \n, \t, ... or \u00XX, everything
 * else (UTF-8 included) as is.  Shared by the Delta JSON writers.
 */
bk_status delta_json_append_string(bk_buf *out, const char *s, size_t len);

#endif
