/*
 * delta.h — reading Delta Lake tables: the interface for other layers.
 *
 *     delta_snapshot *s;
 *     delta_at at = {DELTA_AT_LATEST};             or {DELTA_AT_VERSION, .version = 3}
 *     delta_snapshot_open("/path/to/table", &at, &s, &err);
 *     delta_snapshot_schema(s)                     columns, types, column mapping
 *     delta_scan(s, &opts, callback, ctx, &stats, &err)   rows as vectors
 *     delta_snapshot_free(s);
 *
 * A snapshot is the table's state at one version: the protocol, the metadata and
 * the live data files, replayed from the newest usable checkpoint and the JSON
 * commits after it (PROTOCOL.md "Action Reconciliation").  Opening refuses a table
 * whose reader features Bricks does not implement, naming them.
 *
 * A scan reads the live files with the Parquet reader, resolves columns by name,
 * by physical name or by field id according to the column-mapping mode, fills
 * partition columns from the log, drops rows deleted by deletion vectors, casts
 * widened types, and skips files by partition values and statistics when given
 * predicates.  Rows come in the order of the files in the log.
 *
 * Snapshots are read-only once open; several threads may scan one snapshot.
 */
#ifndef BRICKS_DELTA_DELTA_H
#define BRICKS_DELTA_DELTA_H

#include "base/arena.h"
#include "base/error.h"
#include "base/thread.h"
#include "base/vector.h"
#include "delta/action.h"
#include "delta/schema.h"
#include "parquet/parquet.h"

typedef enum delta_at_kind { DELTA_AT_LATEST, DELTA_AT_VERSION, DELTA_AT_TIMESTAMP } delta_at_kind;

/* Which version to open: the latest, VERSION AS OF n, or TIMESTAMP AS OF t. */
typedef struct delta_at {
    delta_at_kind kind;
    int64_t version;      /* DELTA_AT_VERSION */
    int64_t timestamp_ms; /* DELTA_AT_TIMESTAMP: the latest commit at or before it */
} delta_at;

typedef struct delta_snapshot delta_snapshot;

/*
 * Open the table at `root` (a directory).  Errors: BK_NOT_FOUND (no _delta_log, or
 * the version does not exist or can no longer be rebuilt: the message names the
 * versions that can), BK_UNSUPPORTED (a reader feature we lack, named),
 * BK_CORRUPT (bad log).  `at` may be NULL for the latest.  Free with
 * delta_snapshot_free.
 */
bk_status delta_snapshot_open(const char *root, const delta_at *at, delta_snapshot **out,
                              bk_error *err);
void delta_snapshot_free(delta_snapshot *s);

int64_t delta_snapshot_version(const delta_snapshot *s);
/* The commit time of the snapshot's version, ms: in-commit timestamp or file mtime. */
int64_t delta_snapshot_timestamp(const delta_snapshot *s);
const delta_protocol *delta_snapshot_protocol(const delta_snapshot *s);
const delta_metadata *delta_snapshot_metadata(const delta_snapshot *s);
/* The table schema (partition columns included, in schema order). */
const delta_schema *delta_snapshot_schema(const delta_snapshot *s);
size_t delta_snapshot_num_files(const delta_snapshot *s);
const delta_file_action *delta_snapshot_file(const delta_snapshot *s, size_t i);
/* The commitInfo of the snapshot's version, or NULL. */
const delta_commit_info *delta_snapshot_commit_info(const delta_snapshot *s);
const char *delta_snapshot_root(const delta_snapshot *s);

/* The latest txn version of application `app_id` in the snapshot, or -1 (idempotent writes). */
int64_t delta_snapshot_app_version(const delta_snapshot *s, const char *app_id);

/* numRecords from a file's stats (JSON or stats_parsed), or -1 when unknown. */
int64_t delta_file_num_records(const delta_file_action *f);

typedef struct delta_scan_opts {
    const uint32_t *fields; /* projection: schema field indexes; NULL = all */
    uint32_t n_fields;
    const pq_predicate *preds; /* conjunction on top-level fields (schema indexes); may be NULL */
    uint32_t n_preds;
    bool filter_rows; /* also drop rows the predicates reject (their fields must be projected);
                         otherwise predicates only skip files, row groups and pages */
    bk_pool *pool;    /* NULL = the calling thread */
} delta_scan_opts;

/*
 * Called per batch of rows (one Parquet row group of one file, after deletion
 * vectors), with vectors in the order of opts->fields living in `a`, which is reset
 * after the call.  Calls may run concurrently on pool threads.
 */
typedef bk_status (*delta_scan_fn)(void *ctx, bk_arena *a, bk_vector **cols, size_t n_rows,
                                   bk_error *err);

typedef struct delta_scan_stats {
    size_t files_total, files_skipped;
    uint64_t rows_returned, rows_deleted;
    /* summed over the files read (pq_scan_stats) */
    uint64_t row_groups_total, row_groups_skipped, pages_total, pages_skipped, rows_filtered;
    uint64_t decode_ns;
} delta_scan_stats;

bk_status delta_scan(delta_snapshot *s, const delta_scan_opts *opts, delta_scan_fn fn, void *ctx,
                     delta_scan_stats *stats, bk_error *err);

/*
 * The change data feed of versions [from, to] (to < 0: the latest): batches with
 * the table's columns (as of `to`) followed by _change_type STRING (insert,
 * delete, update_preimage, update_postimage), _commit_version BIGINT and
 * _commit_timestamp TIMESTAMP, in version order, on this thread.  The table must
 * have delta.enableChangeDataFeed at both ends.
 */
bk_status delta_changes(const char *root, int64_t from, int64_t to, delta_scan_fn fn, void *ctx,
                        bk_error *err);

/* One entry of DESCRIBE HISTORY. */
typedef struct delta_commit {
    int64_t version;
    int64_t timestamp_ms;          /* in-commit timestamp, else file mtime */
    const delta_commit_info *info; /* NULL when the commit has none */
} delta_commit;

/* Every commit still in the log, newest first, allocated in `a`. */
bk_status delta_history(bk_arena *a, const char *root, delta_commit **out, size_t *n,
                        bk_error *err);

#endif
