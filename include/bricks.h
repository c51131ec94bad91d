/*
 * bricks.h — the public C API of Bricks.  This is the whole of it.
 *
 * Bricks is an open lakehouse platform: Delta tables, a Spark SQL engine and the
 * Databricks REST APIs in one binary.  This header is the one interface meant for
 * programs that embed Bricks (as sqlite3.h is for SQLite): everything under src/ is
 * internal and may change without notice.
 *
 * Today it holds only the version query.  Opening a data directory, running SQL
 * statements and reading results will be added here as the engine lands
 * (bricks_open / bricks_exec / bricks_result_* / bricks_close), with the same
 * conventions: opaque handles, a bricks_status return code, and every function
 * documented with who frees what and whether it is thread-safe.
 *
 * Symbols: every public name starts with bricks_ or BRICKS_.
 */
#ifndef BRICKS_BRICKS_H
#define BRICKS_BRICKS_H

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

#ifdef __cplusplus
}
#endif

#endif
