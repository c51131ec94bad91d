/*
 * cast.h — CAST / TRY_CAST between SQL types, as vector kernels (Spark 4 semantics).
 *
 * exec_cast turns a vector of one type into a new vector of another, row by row,
 * with Spark's rules for every pair Spark allows among BOOLEAN, TINYINT..BIGINT,
 * FLOAT, DOUBLE, DECIMAL(p,s), STRING, BINARY, DATE, TIMESTAMP, TIMESTAMP_NTZ,
 * nested ARRAY / MAP / STRUCT (element-wise) and VOID (always NULL).
 *
 * Three modes, as Spark's EvalMode:
 *   ansi (the default in Databricks SQL)  a malformed value or an overflow fails the
 *        whole call with CAST_INVALID_INPUT, CAST_OVERFLOW, NUMERIC_VALUE_OUT_OF_RANGE
 *        or ARITHMETIC_OVERFLOW, the message rendered as Spark renders it;
 *   try_cast  ANSI rules, but such a row becomes NULL instead;
 *   legacy (ansi false)  malformed text and decimal overflow give NULL, integral
 *        overflow wraps (Java's narrowing), float-to-integral saturates.
 * Casts Spark refuses at analysis time fail with DATATYPE_MISMATCH (the subclass
 * CAST_WITH_CONF_SUGGESTION / CAST_WITH_FUNC_SUGGESTION / CAST_WITHOUT_SUGGESTION).
 *
 * Time zones.  TIMESTAMP values are UTC instants; casting them to or from DATE,
 * STRING and TIMESTAMP_NTZ needs the session time zone.  The caller passes it as an
 * exec_tz (two callbacks over an opaque zone object, e.g. a bk_tz from the tz
 * database reader); opts->tz == NULL means UTC.
 *
 * Memory: the result and everything it points to live in `a`; string results may
 * view the input's bytes (casts to BINARY/STRING of a STRING/BINARY), so they live
 * no longer than both.  Not thread-safe per arena; the kernels themselves hold no
 * global state.
 */
#ifndef BRICKS_ENGINE_EXEC_CAST_H
#define BRICKS_ENGINE_EXEC_CAST_H

#include "base/arena.h"
#include "base/error.h"
#include "base/vector.h"

/*
 * The session time zone, as two functions of an opaque zone object.
 *   utc_offset_us(tz, utc)   the zone's offset from UTC at that instant, in µs
 *                            (local = utc + offset)
 *   local_to_utc(tz, local)  the instant of a wall-clock time; for a gap or an
 *                            overlap (DST) the zone decides, as java.time does
 *                            (earlier offset for overlaps, shifted forward for gaps)
 */
typedef struct exec_tz {
    void *tz;
    int64_t (*utc_offset_us)(void *tz, int64_t utc_micros);
    int64_t (*local_to_utc)(void *tz, int64_t local_micros);
} exec_tz;

typedef struct exec_cast_opts {
    bool ansi;                /* ANSI mode: invalid input / overflow raise errors */
    bool try_cast;            /* TRY_CAST: those errors become NULL (ANSI rules otherwise) */
    int64_t tz_offset_unused; /* reserved; zero */
    const exec_tz *tz;        /* session time zone; NULL = UTC */
} exec_cast_opts;

/*
 * Whether Spark allows CAST(from AS to): Cast.canAnsiCast when `ansi` (also the
 * rule for TRY_CAST), else Cast.canCast.  Nested types are checked element-wise;
 * VOID casts to anything; any type casts to STRING.
 */
bool exec_cast_supported(const bk_type *from, const bk_type *to, bool ansi);

/*
 * BK_OK when the cast is supported, else DATATYPE_MISMATCH with Spark's message:
 * "Cannot resolve <sql_expr> due to data type mismatch: cannot cast ...".
 * `sql_expr` is the expression's SQL text as Spark quotes it (e.g.
 * "\"CAST(x AS BINARY)\""); NULL renders "CAST(<from> AS <to>)" in quotes.
 */
bk_status exec_cast_check(const bk_type *from, const bk_type *to, bool ansi, const char *sql_expr,
                          bk_error *err) BK_MUST_USE;

/*
 * Cast every row of `in` to `to`; *out gets a new vector with in->n rows.  A NULL
 * row stays NULL.  Returns BK_OK, BK_OUT_OF_MEMORY, DATATYPE_MISMATCH, or in ANSI
 * mode (not TRY_CAST) the first row's value error; on failure *out is untouched.
 */
bk_status exec_cast(bk_arena *a, const bk_vector *in, const bk_type *to, const exec_cast_opts *o,
                    bk_vector **out, bk_error *err) BK_MUST_USE;

/*
 * Like exec_cast, but only the rows sel[0..n_sel) are cast (each < in->n, in any
 * order, no repeats needed); the others are NULL in the result, which still has
 * in->n rows, and cannot raise errors (a CASE branch not taken must not fail).
 * sel == NULL means every row.
 */
bk_status exec_cast_sel(bk_arena *a, const bk_vector *in, const uint32_t *sel, size_t n_sel,
                        const bk_type *to, const exec_cast_opts *o, bk_vector **out,
                        bk_error *err) BK_MUST_USE;

/*
 * v with every TIMESTAMP in it, nested ones too, turned into the wall-clock time of
 * tz as a TIMESTAMP_NTZ, for display: bk_vector_format_value then prints what Spark
 * shows in the session zone.  v itself when it holds no TIMESTAMP; else a copy in
 * `a` sharing everything but the TIMESTAMP data.  NULL on OOM.
 */
const bk_vector *exec_vector_localize(bk_arena *a, const bk_vector *v, const exec_tz *tz);

/* tz (base/tz.h; NULL = UTC) as the two callbacks of an exec_tz. */
struct bk_tz;
void exec_tz_from(const struct bk_tz *tz, exec_tz *out);

/*
 * A timestamp text ending in a region zone ID after a space ("2024-01-01 10:00:00
 * America/Los_Angeles"), which base/dtparse leaves to the tz database: the instant
 * (or for ntz the wall clock as written).  False when the text is not of that form.
 */
bool exec_cast_timestamp_region(const char *s, size_t len, bool ntz, int64_t *out);

#endif
