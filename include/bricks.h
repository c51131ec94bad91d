/*
 * bricks.h — the public C API of Bricks.  This is the whole of it.
 *
 * Bricks is an open lakehouse platform: Delta tables, a Spark SQL engine and the
 * Databricks REST APIs in one binary.  This header is the one interface meant for
 * programs that embed Bricks (as sqlite3.h is for SQLite): everything under src/ is
 * internal and may change without notice.  Link with libbricks.a and the libraries
 * `pkg-config` names in the Makefile (PKGS).
 *
 *     bricks_db *db;          bricks_open("bricks-data", &db);
 *     bricks_session *s;      bricks_session_new(db, &s);
 *     bricks_stmt *st;        bricks_prepare(s, "SELECT id, id * 2 AS twice FROM range(5)", &st);
 *     bricks_result *r;       bricks_execute(st, &r);
 *     for (size_t c = 0; c < bricks_result_chunk_count(r); c++)
 *         for (size_t row = 0; row < bricks_result_chunk_rows(r, c); row++)
 *             printf("%lld\n", (long long)bricks_value_int64(r, c, 1, row));
 *     bricks_result_free(r); bricks_stmt_free(st); bricks_session_free(s); bricks_close(db);
 *
 * Conventions: opaque handles; functions that can fail return a bricks_status and
 * leave the error in the session (bricks_errmsg / bricks_errclass / bricks_errpos);
 * every `*_new` / `bricks_open` / `bricks_prepare` / `bricks_execute` result is freed
 * by its `*_free` / `bricks_close`.  A session runs one statement at a time and is
 * not thread-safe, except for bricks_cancel, which any thread may call.  Sessions of
 * one database may run in parallel on different threads.
 *
 * Symbols: every public name starts with bricks_ or BRICKS_.
 */
#ifndef BRICKS_BRICKS_H
#define BRICKS_BRICKS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define BRICKS_API __attribute__((visibility("default")))
#else
#define BRICKS_API
#endif

/*
 * The version of the library as "MAJOR.MINOR.PATCH" (from the VERSION file at
 * build time).  A static string: never freed.  Thread-safe.
 */
BRICKS_API const char *bricks_version(void);

typedef enum bricks_status {
    BRICKS_OK = 0,
    BRICKS_ERROR = 1,    /* the statement failed: see bricks_errclass / bricks_errmsg */
    BRICKS_NOMEM = 2,    /* out of memory (or over bricks.memory_limit) */
    BRICKS_MISUSE = 3,   /* a NULL handle or argument, or a call out of order */
    BRICKS_CANCELED = 4, /* bricks_cancel stopped the statement */
} bricks_status;

typedef struct bricks_db bricks_db;
typedef struct bricks_session bricks_session;
typedef struct bricks_stmt bricks_stmt;
typedef struct bricks_result bricks_result;

/*
 * Open a Bricks data directory (created when missing), or none when dir is NULL
 * (then only temporary views, VALUES and tables by path are available).  *out
 * receives the handle; free it with bricks_close after its sessions.
 */
BRICKS_API bricks_status bricks_open(const char *dir, bricks_db **out);
BRICKS_API void bricks_close(bricks_db *db); /* NULL is a no-op */

/* A session: settings (SET …) and temporary views live here. */
BRICKS_API bricks_status bricks_session_new(bricks_db *db, bricks_session **out);
BRICKS_API void bricks_session_free(bricks_session *s); /* NULL is a no-op */

/*
 * Check `sql` (one or more statements; the last one's result is returned by
 * bricks_execute) for syntax errors and keep it for execution.  A syntax error
 * is BRICKS_ERROR with PARSE_SYNTAX_ERROR and the position in the session.
 */
BRICKS_API bricks_status bricks_prepare(bricks_session *s, const char *sql, bricks_stmt **out);
BRICKS_API void bricks_stmt_free(bricks_stmt *st); /* NULL is a no-op */

/*
 * Run a prepared statement (again, if it has run before); *out receives its
 * result, which stays valid until bricks_result_free.  On failure every table is
 * as it was before the statement.
 */
BRICKS_API bricks_status bricks_execute(bricks_stmt *st, bricks_result **out);
/* bricks_prepare + bricks_execute in one call. */
BRICKS_API bricks_status bricks_exec(bricks_session *s, const char *sql, bricks_result **out);
BRICKS_API void bricks_result_free(bricks_result *r); /* NULL is a no-op */

/*
 * Stop the statement running in `s` (from any thread; harmless when none runs):
 * it returns BRICKS_CANCELED with OPERATION_CANCELED.
 */
BRICKS_API void bricks_cancel(bricks_session *s);

/*
 * The last error of the session (NULL / -1 after a call that succeeded):
 *   bricks_errclass  Spark's full error class: "DIVIDE_BY_ZERO", or "CLASS.SUB" for a
 *                    class with sub-classes ("DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES",
 *                    "UNRESOLVED_COLUMN.WITH_SUGGESTION"); the class is the part before
 *                    the first '.'.
 *   bricks_sqlstate  its SQLSTATE ("22012"); a sub-class has its class's SQLSTATE.
 *   bricks_errmsg    the message alone, without the class: Spark's template with the
 *                    values filled in.  Show it as "[CLASS.SUB] message", as Spark does.
 *   bricks_errpos    the byte offset of the offending SQL fragment, or -1.
 * Strings are owned by the session and valid until its next call.
 */
BRICKS_API const char *bricks_errclass(const bricks_session *s);
BRICKS_API const char *bricks_sqlstate(const bricks_session *s);
BRICKS_API const char *bricks_errmsg(const bricks_session *s);
BRICKS_API int bricks_errpos(const bricks_session *s);

/* ---- results: columns, then rows in chunks of at most 2048 ---- */

typedef enum bricks_type {
    BRICKS_TYPE_NULL, /* VOID */
    BRICKS_TYPE_BOOLEAN,
    BRICKS_TYPE_TINYINT,
    BRICKS_TYPE_SMALLINT,
    BRICKS_TYPE_INT,
    BRICKS_TYPE_BIGINT,
    BRICKS_TYPE_FLOAT,
    BRICKS_TYPE_DOUBLE,
    BRICKS_TYPE_DECIMAL,
    BRICKS_TYPE_STRING,
    BRICKS_TYPE_BINARY,
    BRICKS_TYPE_DATE,          /* days since 1970-01-01 */
    BRICKS_TYPE_TIMESTAMP,     /* microseconds since the epoch, UTC */
    BRICKS_TYPE_TIMESTAMP_NTZ, /* microseconds, wall clock */
    BRICKS_TYPE_OTHER,         /* intervals, ARRAY, MAP, STRUCT: read them as text */
} bricks_type;

BRICKS_API const char *bricks_result_statement(const bricks_result *r); /* "SELECT", "SET"… */
BRICKS_API size_t bricks_result_column_count(const bricks_result *r);
BRICKS_API const char *bricks_result_column_name(const bricks_result *r, size_t col);
BRICKS_API bricks_type bricks_result_column_type(const bricks_result *r, size_t col);
/* Spark's spelling of the column's type: "INT", "DECIMAL(12,2)", "ARRAY<STRING>". */
BRICKS_API const char *bricks_result_column_type_name(const bricks_result *r, size_t col);
BRICKS_API uint64_t bricks_result_row_count(const bricks_result *r);
BRICKS_API size_t bricks_result_chunk_count(const bricks_result *r);
BRICKS_API size_t bricks_result_chunk_rows(const bricks_result *r, size_t chunk);

/*
 * Values of (chunk, col, row).  Out-of-range positions and NULLs read as 0 / "".
 * _int64 reads every integer type, BOOLEAN, DATE and TIMESTAMP; _double every
 * numeric type (DECIMAL converted); _string STRING and BINARY bytes (not
 * NUL-terminated; *len receives the length).  bricks_value_text renders any value
 * as Spark casts it to STRING ("NULL" for NULL); the text lives in the result.
 */
BRICKS_API int bricks_value_is_null(const bricks_result *r, size_t chunk, size_t col, size_t row);
BRICKS_API int64_t bricks_value_int64(const bricks_result *r, size_t chunk, size_t col, size_t row);
BRICKS_API double bricks_value_double(const bricks_result *r, size_t chunk, size_t col, size_t row);
BRICKS_API const char *bricks_value_string(const bricks_result *r, size_t chunk, size_t col,
                                           size_t row, size_t *len);
BRICKS_API const char *bricks_value_text(bricks_result *r, size_t chunk, size_t col, size_t row);

#ifdef __cplusplus
}
#endif

#endif
