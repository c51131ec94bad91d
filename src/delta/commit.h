/*
 * commit.h — writing Delta tables: create, then transactions that add and remove
 * files and commit atomically.
 *
 *     delta_tx *tx;
 *     delta_tx_begin("/t", &tx, &err);         reads the latest snapshot
 *     delta_tx_write(tx, cols, n_rows, &err);   new data files, stats in the adds
 *     delta_tx_commit(tx, &version, &err);      _delta_log/<v+1>.json, put-if-absent
 *     delta_tx_free(tx);
 *
 * Optimistic concurrency (Delta's documented rules): when another writer took
 * version v+1 first, the winning commits are read and checked against what this
 * transaction read and removed.  A blind append (it read nothing) simply retries
 * at the next version; otherwise a conflict fails with Delta's exception name in
 * the message and nothing of this transaction becomes visible (its data files
 * stay as unreferenced files until VACUUM).  Every 10th version (or
 * delta.checkpointInterval) the committer also writes a checkpoint.
 */
#ifndef BRICKS_DELTA_COMMIT_H
#define BRICKS_DELTA_COMMIT_H

#include "delta/delta.h"

/* What CREATE TABLE says. */
typedef struct delta_table_def {
    const bk_type *schema; /* STRUCT; field_nullable false = NOT NULL */
    const char *const *partition_columns;
    uint32_t n_partition_columns;
    const char *const *config_keys; /* table properties ("delta.enableDeletionVectors") */
    const char *const *config_values;
    uint32_t n_config;
    const char *name, *description; /* may be NULL */
} delta_table_def;

/*
 * Create a table at `root` (version 0: protocol, metaData, commitInfo).  The
 * protocol is the lowest that the schema and properties need.  BK_ALREADY_EXISTS
 * when a table is there already; BK_INVALID_ARGUMENT for a partition column not in
 * the schema, an unsupported property value, and the like.
 */
bk_status delta_create_table(const char *root, const delta_table_def *def, bk_error *err);

typedef struct delta_tx delta_tx;

/* Start a transaction on the latest version of the table at `root`. */
bk_status delta_tx_begin(const char *root, delta_tx **out, bk_error *err);
/* Abandon (if not committed) and free.  NULL is a no-op. */
void delta_tx_free(delta_tx *tx);

/* The snapshot the transaction started from (read it to decide what to change). */
delta_snapshot *delta_tx_snapshot(delta_tx *tx);

/*
 * Write rows (`cols` in table schema order, partition columns included) as new
 * data files, one or more per partition value, and add them to the commit.
 */
bk_status delta_tx_write(delta_tx *tx, bk_vector *const *cols, size_t n_rows, bk_error *err);

/*
 * Write rows as change data files (_change_data/, with a _change_type column of
 * `change_type`: "delete", "insert", ...) and add cdc actions: for tables with
 * delta.enableChangeDataFeed, when the commit's adds and removes alone would not
 * tell which rows changed.
 */
bk_status delta_tx_write_changes(delta_tx *tx, bk_vector *const *cols, size_t n_rows,
                                 const char *change_type, bk_error *err);

/* Add a file action built by the caller (OPTIMIZE, DV rewrites); copied. */
bk_status delta_tx_add_action(delta_tx *tx, const delta_file_action *add, bk_error *err);

/* Remove live file `f` of the snapshot (dataChange as given). */
bk_status delta_tx_remove(delta_tx *tx, const delta_file_action *f, bool data_change,
                          bk_error *err);

/* The transaction read the whole table: concurrent adds and removes conflict. */
void delta_tx_read_all(delta_tx *tx);

/* commitInfo.operation and operationParameters (a JSON object, or NULL). */
bk_status delta_tx_set_operation(delta_tx *tx, const char *operation, const char *params_json,
                                 bk_error *err);

/* Make the commit idempotent: a txn action (appId, version). */
bk_status delta_tx_set_app_version(delta_tx *tx, const char *app_id, int64_t version,
                                   bk_error *err);

/* Commit; *version receives the version written.  The transaction is spent either way. */
bk_status delta_tx_commit(delta_tx *tx, int64_t *version, bk_error *err);

/*
 * DELETE FROM the table WHERE every predicate holds (pq_predicate fields are
 * schema indexes).  `predicate_text` goes into commitInfo.  *version is -1 when
 * no row matched (nothing is committed).
 */
bk_status delta_delete(const char *root, const pq_predicate *preds, uint32_t n_preds,
                       const char *predicate_text, int64_t *rows_deleted, int64_t *version,
                       bk_error *err);

/*
 * VACUUM: delete files under the table that no version inside the retention
 * needs.  retain_hours < 0 uses delta.deletedFileRetentionDuration (7 days);
 * a shorter retention is refused while check_retention is set.  The keys
 * deleted (or, with dry_run, that would be) are returned in `a`.
 */
bk_status delta_vacuum(const char *root, double retain_hours, bool check_retention, bool dry_run,
                       bk_arena *a, const char ***deleted, size_t *n_deleted, bk_error *err);

/*
 * OPTIMIZE [ZORDER BY cols]: rewrite small files (and, with Z-ordering, every
 * file of a partition) into one file per partition, as dataChange=false.
 * *version is -1 when nothing needed rewriting.
 */
bk_status delta_optimize(const char *root, const char *const *zorder_by, uint32_t n_zorder,
                         int64_t *files_removed, int64_t *files_added, int64_t *version,
                         bk_error *err);

/* Delete log files older than delta.logRetentionDuration that no version needs. */
bk_status delta_log_cleanup(delta_snapshot *s, bk_error *err);

/* Write a classic checkpoint of `s` and _last_checkpoint. */
bk_status delta_checkpoint_write(delta_snapshot *s, bk_error *err);

#endif
