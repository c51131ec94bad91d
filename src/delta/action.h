/*
 * action.h — the Delta log's actions as C structs (PROTOCOL.md "Actions").
 *
 * A commit file is newline-delimited JSON, one action per line; a checkpoint is a
 * Parquet file with one action per row.  Both become arrays of delta_action,
 * allocated in an arena.  Field names follow the protocol; optional fields carry a
 * has_ flag or are NULL when absent.  Paths are stored twice: `path` as written
 * in the log (an RFC 2396 URI, the key for reconciliation) and `path_decoded`
 * (percent-decoded, relative to the table root, or absolute).
 *
 * Unknown actions and unknown fields are ignored, as the protocol requires.
 */
#ifndef BRICKS_DELTA_ACTION_H
#define BRICKS_DELTA_ACTION_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/vector.h"

typedef enum delta_action_kind {
    DELTA_ACTION_PROTOCOL,
    DELTA_ACTION_METADATA,
    DELTA_ACTION_ADD,
    DELTA_ACTION_REMOVE,
    DELTA_ACTION_TXN,
    DELTA_ACTION_COMMIT_INFO,
    DELTA_ACTION_CDC,
    DELTA_ACTION_DOMAIN_METADATA,
    DELTA_ACTION_CHECKPOINT_METADATA,
    DELTA_ACTION_SIDECAR
} delta_action_kind;

/* A string -> string map (partitionValues, configuration, tags); values may be NULL. */
typedef struct delta_kv {
    uint32_t n;
    const char **keys;
    const char **values;
} delta_kv;

/* Returns the value for `key`, or NULL (absent or null); *found says which. */
const char *delta_kv_get(const delta_kv *kv, const char *key, bool *found);

typedef struct delta_protocol {
    int32_t min_reader_version, min_writer_version;
    bool has_reader_features, has_writer_features;
    uint32_t n_reader_features, n_writer_features;
    const char **reader_features, **writer_features;
} delta_protocol;

/* What a metaData without schemaString means (Spark reads it as an empty struct). */
#define DELTA_EMPTY_SCHEMA "{\"type\":\"struct\",\"fields\":[]}"

typedef struct delta_metadata {
    const char *id;
    const char *name, *description; /* NULL when absent */
    const char *format_provider;    /* "parquet" */
    const char *schema_string;      /* the JSON schema, as written; DELTA_EMPTY_SCHEMA if absent */
    uint32_t n_partition_columns;
    const char **partition_columns;
    delta_kv configuration;
    bool has_created_time;
    int64_t created_time; /* ms since epoch */
} delta_metadata;

/* DeletionVectorDescriptor */
typedef struct delta_dv_ref {
    char storage_type; /* 'u', 'i' or 'p' */
    const char *path_or_inline_dv;
    bool has_offset;
    int32_t offset;
    int32_t size_in_bytes;
    int64_t cardinality;
    bool has_max_row_index;
    int64_t max_row_index;
} delta_dv_ref;

/* add, remove and cdc share this shape; remove leaves some fields absent. */
typedef struct delta_file_action {
    const char *path;         /* as written in the log: the reconciliation key */
    const char *path_decoded; /* percent-decoded */
    delta_kv partition_values;
    bool has_size;
    int64_t size;                  /* -1 when absent (only a remove may omit it) */
    int64_t modification_time;     /* add; 0 when an old writer left it out */
    bool data_change;              /* true when absent (false for cdc) */
    const char *stats;             /* JSON string or NULL */
    const bk_vector *stats_parsed; /* checkpoint struct form (one row), or NULL */
    uint32_t stats_parsed_row;
    delta_kv tags;
    bool has_dv;
    delta_dv_ref dv;
    bool has_base_row_id, has_default_row_commit_version;
    int64_t base_row_id, default_row_commit_version;
    bool has_deletion_timestamp; /* remove */
    int64_t deletion_timestamp;
    bool extended_file_metadata;     /* remove */
    const char *clustering_provider; /* add: "liquid" & co., or NULL */
} delta_file_action;

typedef struct delta_txn {
    const char *app_id;
    int64_t version;
    bool has_last_updated;
    int64_t last_updated;
} delta_txn;

typedef struct delta_domain_metadata {
    const char *domain;
    const char *configuration;
    bool removed;
} delta_domain_metadata;

typedef struct delta_commit_info {
    const char *json; /* the whole object, re-serialised compactly */
    bool has_timestamp;
    int64_t timestamp; /* ms */
    bool has_in_commit_timestamp;
    int64_t in_commit_timestamp; /* ms */
    const char *operation;       /* NULL when absent */
} delta_commit_info;

typedef struct delta_sidecar {
    const char *path; /* file name under _delta_log/_sidecars/ */
    int64_t size_in_bytes, modification_time;
} delta_sidecar;

typedef struct delta_action {
    delta_action_kind kind;
    union {
        delta_protocol protocol;
        delta_metadata metadata;
        delta_file_action file; /* ADD, REMOVE, CDC */
        delta_txn txn;
        delta_commit_info commit_info;
        delta_domain_metadata domain;
        int64_t checkpoint_version; /* CHECKPOINT_METADATA */
        delta_sidecar sidecar;
    } u;
} delta_action;

typedef struct delta_action_list {
    size_t n, cap;
    delta_action *items; /* arena memory */
} delta_action_list;

/*
 * Parse newline-delimited JSON actions (a commit or a JSON checkpoint / compaction
 * file) and append them to `out`, allocating in `a`.  Blank lines are skipped;
 * unknown actions ignored.  Malformed JSON, a missing required field or a field
 * of the wrong type is BK_CORRUPT naming `name` (the file), the line and the
 * field; on any error `out` keeps only the actions it had before the call.
 */
bk_status delta_actions_parse_json(bk_arena *a, const char *name, const char *text, size_t len,
                                   delta_action_list *out, bk_error *err);

/*
 * Append the actions held in checkpoint rows: `cols`/`names` are the top-level
 * columns of a checkpoint Parquet row group (a subset of add, remove, metaData,
 * protocol, txn, domainMetadata, checkpointMetadata, sidecar), each a STRUCT
 * vector; a row contributes the action whose column is non-NULL (several, in
 * column order, if several are).  Other columns are ignored.  Fields are found by
 * name; integer fields may be of any integer type; a field of another type is
 * BK_CORRUPT naming the column, a NULL required value BK_CORRUPT naming the row
 * (relative to the vectors) and field.  Strings are copied into `a`, but
 * add.stats_parsed stays a view (vector + row): the vectors, and the reader that
 * owns their types, must live as long as the actions.  On error `out` keeps only
 * the actions it had before the call.
 */
bk_status delta_actions_from_checkpoint(bk_arena *a, const char *name, bk_vector *const *cols,
                                        const char *const *names, uint32_t n_cols, size_t n_rows,
                                        delta_action_list *out, bk_error *err);

/*
 * Copy `src` into `dst` with every string it points to copied into `a`
 * (stats_parsed, a view into checkpoint vectors, is dropped).  BK_OUT_OF_MEMORY.
 */
bk_status delta_action_copy(bk_arena *a, const delta_action *src, delta_action *dst, bk_error *err);

/* Append one action (grows the list in `a`). */
bk_status delta_action_list_push(bk_arena *a, delta_action_list *l, const delta_action *act,
                                 bk_error *err);

/*
 * Percent-decode a log path into `a` (`path` itself when it holds no '%'); NULL
 * on OOM or a bad escape ('%' not followed by two hex digits, or %00).  "+"
 * stays "+": this is a URI, not a form.
 */
const char *delta_path_decode(bk_arena *a, const char *path);

/*
 * The URI form of a relative file path, as Spark writes it in add.path (RFC 2396):
 * every byte except ASCII letters, digits, "-_.!~*'()" and "/@,;$&+=" becomes
 * %XX (uppercase hex); so " " -> %20, "%" -> %25, ":" -> %3A, "#" -> %23, and
 * UTF-8 bytes are escaped one by one.  delta_path_decode undoes it.  Callers that
 * lay files out in Hive partition directories escape the directory name first
 * (delta_partition_escape), as Spark does, so "%3A" there becomes "%253A" here.
 * Allocated in `a`; NULL on OOM.
 */
const char *delta_path_encode(bk_arena *a, const char *relative_path);

/*
 * Append one action to `out` as a compact JSON line ending in "\n", with fields in
 * the order Spark writes them and optional fields only when present.  A
 * commitInfo is written as its `json` verbatim.  Strings are escaped as JSON
 * requires; a string that is not valid UTF-8 is BK_INVALID_ARGUMENT naming the
 * field (nothing is appended then).  BK_OUT_OF_MEMORY when `out` cannot grow.
 */
bk_status delta_action_write_json(const delta_action *act, bk_buf *out, bk_error *err);

/*
 * The classic (V1) checkpoint of `acts`, one row per action, as column vectors
 * ready for pq_writer_open(schema) + pq_writer_write(cols, n_rows):
 *
 *     txn, add, remove, metaData, protocol   always
 *     domainMetadata, checkpointMetadata, sidecar   only when some action needs them
 *
 * with Spark's nested field names and types (add: path, partitionValues, size,
 * modificationTime, dataChange, tags, deletionVector, baseRowId,
 * defaultRowCommitVersion, clusteringProvider, stats; remove: path,
 * deletionTimestamp, dataChange, extendedFileMetadata, partitionValues, size,
 * deletionVector, baseRowId, defaultRowCommitVersion; ...), every field
 * nullable.  Stats go in add.stats as the JSON string (no stats_parsed; an add
 * that only has stats_parsed loses its stats).  commitInfo and cdc actions are
 * left out, as the protocol requires.  Types, vectors and copies of the strings
 * are allocated in `a`.  Errors: BK_OUT_OF_MEMORY.
 */
bk_status delta_checkpoint_build(bk_arena *a, const delta_action *acts, size_t n,
                                 const bk_type **schema_out, bk_vector ***cols_out,
                                 uint32_t *n_cols_out, size_t *n_rows_out, bk_error *err);

#endif
