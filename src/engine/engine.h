/*
 * engine.h — the SQL engine's public face inside Bricks: sessions and statements.
 *
 *     eng_session *s;
 *     eng_session_open(&(eng_options){.data_dir = "bricks-data"}, &s, &err);
 *     eng_result *r;
 *     eng_execute(s, "SELECT 1 AS one", -1, &r, &err);   parse, bind, plan, run
 *     r->table                                             the rows (exec_table)
 *     eng_result_free(r);
 *     eng_session_close(s);
 *
 * A session holds settings (SET key = value: spark.sql.ansi.enabled,
 * spark.sql.session.timeZone, bricks.memory_limit, ...) and temporary views.
 * One statement runs at a time per session; eng_cancel may be called from any
 * thread to stop it (it then fails with OPERATION_CANCELED).
 *
 * Errors carry the Spark error class (bk_code_name) and, for SQL errors, the
 * byte offset of the offending fragment in err->sql_pos.
 */
#ifndef BRICKS_ENGINE_ENGINE_H
#define BRICKS_ENGINE_ENGINE_H

#include "base/arena.h"
#include "base/error.h"
#include "engine/exec/exec.h"

typedef struct eng_session eng_session;

typedef struct eng_options {
    const char *data_dir; /* NULL: no data directory (temporary views and paths only) */
    int threads;          /* 0: every core */
} eng_options;

typedef struct eng_result {
    bk_arena *arena;       /* owns everything below */
    exec_table *table;     /* the rows; a command's result has no columns and no rows */
    const char *statement; /* "SELECT", "SET", "CREATE VIEW", ... */
    char *explain;         /* EXPLAIN's text, also in the table */
    const struct bk_tz *tz; /* the session zone the statement ran in: TIMESTAMP values
                               display as wall-clock times in it (base/tz.h) */
} eng_result;

bk_status eng_session_open(const eng_options *o, eng_session **out, bk_error *err);
void eng_session_close(eng_session *s);

/*
 * Run the statements of `sql` (len bytes, or NUL-terminated when len < 0); the
 * result of the last one is returned.  On error nothing is returned and every
 * table is as it was before the failing statement.
 */
bk_status eng_execute(eng_session *s, const char *sql, ptrdiff_t len, eng_result **out,
                      bk_error *err);
void eng_result_free(eng_result *r);

/* Stop the running statement (any thread); harmless when none runs. */
void eng_cancel(eng_session *s);

/*
 * Whether a statement is running in `s` now (any thread may ask), and if so the
 * rows its scans have produced so far in *rows_read (for a progress line).
 */
bool eng_progress(eng_session *s, uint64_t *rows_read);

/* A setting's current value as text ("true", "UTC", ...), or NULL when unset. */
const char *eng_setting(const eng_session *s, const char *key);

#endif
