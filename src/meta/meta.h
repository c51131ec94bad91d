/*
 * meta.h — the metastore database: SQLite in DIR/metastore.db.
 *
 * One meta_db per process holds a pool of SQLite connections to one file.  A thread
 * takes a connection with meta_conn_get, uses it alone, and gives it back with
 * meta_conn_put; the server takes one per request.  Connections are opened on demand
 * and kept (at most META_MAX_IDLE idle), so steady traffic opens none.
 *
 * Durability: WAL journal, synchronous=FULL, so a COMMIT that returned survives a
 * SIGKILL or a power cut.  Write transactions start with meta_begin (BEGIN IMMEDIATE:
 * the write lock is taken up front, so two writers never deadlock upgrading a read
 * lock); other connections wait up to META_BUSY_MS for it instead of failing.
 * foreign_keys=ON on every connection.
 *
 * Statements: meta_prepare returns a statement cached on the connection (prepared
 * once per connection and SQL text, reset and re-bound on each use).  Bind indexes
 * are 1-based (SQLite's), column indexes 0-based.  Always finish a statement with
 * meta_done before the connection goes back; preparing the same SQL while it is still
 * running gives a fresh uncached statement, so nested loops work.
 *
 * The schema is created and upgraded by migrations that are versioned in code, per
 * table group (migrate.c, schema_*.c): meta_open applies every pending one in a
 * transaction before it returns.
 *
 * Errors: BK_IO for SQLite failures (the message quotes SQLite's), BK_ALREADY_EXISTS
 * when a UNIQUE or PRIMARY KEY constraint fails (callers usually rewrite the message).
 *
 * Thread-safety: meta_db functions are thread-safe; a meta_conn and its statements
 * belong to one thread at a time.
 */
#ifndef BRICKS_META_META_H
#define BRICKS_META_META_H

#include "base/bk.h"
#include "base/error.h"

typedef struct meta_db meta_db;
typedef struct meta_conn meta_conn;
typedef struct meta_stmt meta_stmt;

#define META_BUSY_MS 10000
#define META_MAX_IDLE 64

/* meta_step results (a status otherwise: negative is never used, BK_* codes are > 0). */
#define META_ROW 100
#define META_DONE 101

/*
 * Open (creating it when missing) the database file at `path` and apply every pending
 * migration.  *out receives the handle; free with meta_close.  BK_IO on failure, with
 * the path and SQLite's reason in the message.
 */
bk_status meta_open(const char *path, meta_db **out, bk_error *err);
/* Close every pooled connection (all must have been put back).  NULL is a no-op. */
void meta_close(meta_db *db);

/* A connection for this thread's exclusive use until meta_conn_put.  NULL + err on failure. */
meta_conn *meta_conn_get(meta_db *db, bk_error *err);
/* Give `c` back; a transaction still open on it is rolled back.  NULL is a no-op. */
void meta_conn_put(meta_db *db, meta_conn *c);

/*
 * For caches of metastore reads: a number that changes after every write committed
 * on any connection of this process (and on every meta_open / meta_close), and
 * never otherwise.  Read it before the query whose result is cached, and trust the
 * result only while the number is unchanged: a write that committed after the
 * number was read changes it, and one committed before it was read is in the
 * query's result.  0 when it cannot tell (the file is not in WAL mode): cache
 * nothing then.  Writers in other processes are not seen: the server is the only
 * process that opens the metastore.
 */
uint64_t meta_write_generation(meta_db *db);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  meta_rollback never fails (errors are logged). */
bk_status meta_begin(meta_conn *c, bk_error *err);
bk_status meta_commit(meta_conn *c, bk_error *err);
void meta_rollback(meta_conn *c);
bool meta_in_transaction(const meta_conn *c);

/* Run SQL text with no parameters and no result rows (may hold several statements). */
bk_status meta_exec(meta_conn *c, const char *sql, bk_error *err);

/* The prepared statement for `sql` on `c` (see the header).  NULL + err on failure. */
meta_stmt *meta_prepare(meta_conn *c, const char *sql, bk_error *err);

/* Bind parameter `idx` (1-based).  Text and blobs are copied by SQLite.  NULL text binds NULL. */
bk_status meta_bind_i64(meta_stmt *s, int idx, int64_t v, bk_error *err);
bk_status meta_bind_text(meta_stmt *s, int idx, const char *v, bk_error *err);
bk_status meta_bind_textn(meta_stmt *s, int idx, const char *v, size_t len, bk_error *err);
bk_status meta_bind_blob(meta_stmt *s, int idx, const void *v, size_t len, bk_error *err);
bk_status meta_bind_null(meta_stmt *s, int idx, bk_error *err);

/* Advance: META_ROW (a row is ready), META_DONE, or a BK_* error code (err filled). */
int meta_step(meta_stmt *s, bk_error *err);

/*
 * Column values of the current row.  Text and blob pointers are valid until the next
 * meta_step or meta_done on `s`: copy them (bk_arena_strdup) to keep them.  A NULL
 * text column gives NULL; meta_col_is_null tells NULL from "".
 */
int64_t meta_col_i64(meta_stmt *s, int col);
const char *meta_col_text(meta_stmt *s, int col);
const void *meta_col_blob(meta_stmt *s, int col, size_t *len);
bool meta_col_is_null(meta_stmt *s, int col);

/* Reset and clear bindings (a cached statement is kept for reuse).  NULL is a no-op. */
void meta_done(meta_stmt *s);

/*
 * One-shot helper: step `s` to completion (it must return no rows) and meta_done it.
 * Returns BK_OK or the step's error.
 */
bk_status meta_run(meta_stmt *s, bk_error *err);

/* Rows changed by the last INSERT/UPDATE/DELETE on `c`; rowid of the last INSERT. */
int64_t meta_changes(meta_conn *c);
int64_t meta_last_rowid(meta_conn *c);

/* ---- migrations (migrate.c) ---- */

/* One schema step of a table group: `sql` runs once, inside the upgrade transaction. */
typedef struct meta_migration {
    int version;     /* 1, 2, 3 … in order within the group; never renumbered */
    const char *sql; /* DDL and data fixes */
} meta_migration;

/* A table group: its name (the key in meta_schema) and its migrations in order. */
typedef struct meta_schema_group {
    const char *name;
    const meta_migration *steps;
    size_t n_steps;
} meta_schema_group;

/*
 * Apply the pending migrations of every group listed in migrate.c to `c` (called by
 * meta_open; exposed for tests).  Each group's version is kept in the table
 * meta_schema(grp, version); a database at a higher version than the code knows is
 * refused with BK_UNSUPPORTED (a newer Bricks wrote it).
 */
bk_status meta_migrate(meta_conn *c, bk_error *err);
/* The version of group `name` recorded in `c`'s database (0 when not yet created). */
int meta_schema_version(meta_conn *c, const char *name, bk_error *err);

#endif
