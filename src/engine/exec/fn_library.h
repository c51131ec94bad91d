/*
 * fn_library.h — the SQL function library: string, regex, LIKE, math and
 * conditional functions as exec_fn_def tables (functions.h) for the binder.
 *
 * The binder looks a function up by its lower-case name across the three
 * tables (exec_fn_lookup does exactly that), checks the argument count against
 * min_args/max_args, calls `bind` for the argument casts and the result type,
 * then `prepare` (when set) on the bound expression.  A name appears in at most
 * one table; aliases (ucase, substr, ...) are separate rows sharing a kernel.
 *
 * Argument orders that differ from the SQL syntax (the parser rewrites):
 *   TRIM([BOTH|LEADING|TRAILING] chars FROM s)  -> trim|ltrim|rtrim(s, chars)
 *   POSITION(sub IN s)                          -> position(sub, s)
 *   SUBSTRING(s FROM p FOR l)                   -> substring(s, p, l)
 *   OVERLAY(s PLACING r FROM p FOR l)           -> overlay(s, r, p, l)
 *   s [NOT] LIKE p ESCAPE e                     -> like(s, p, e)  (NOT applied outside)
 *   s ILIKE p ESCAPE e                          -> ilike(s, p, e)
 *   s RLIKE p / s REGEXP p                      -> rlike(s, p)
 *   log(base, x) as Spark; locate(sub, s, pos) as Spark.
 */
#ifndef BRICKS_ENGINE_EXEC_FN_LIBRARY_H
#define BRICKS_ENGINE_EXEC_FN_LIBRARY_H

#include "engine/exec/functions.h"

/* fn_string.c, fn_string_regex.c, fn_like.c */
extern const exec_fn_def exec_fn_string_defs[];
extern const size_t exec_fn_string_n;
/* fn_math.c */
extern const exec_fn_def exec_fn_math_defs[];
extern const size_t exec_fn_math_n;
/* fn_misc.c */
extern const exec_fn_def exec_fn_misc_defs[];
extern const size_t exec_fn_misc_n;

/* fn_charset.c */
extern const exec_fn_def exec_fn_charset_defs[];
extern const size_t exec_fn_charset_n;
/* fn_binary.c */
extern const exec_fn_def exec_fn_binary_defs[];
extern const size_t exec_fn_binary_n;

/* fn_datetime.c */
extern const exec_fn_def exec_fn_datetime_defs[];
extern const size_t exec_fn_datetime_n;
/*
 * The function that extract(field FROM x) / date_part('field', x) calls for a
 * field name with Spark's synonyms (fn_datetime.c) and the source's type (intervals
 * have YEAR, MONTH or DAY, HOUR, MINUTE, SECOND), or NULL for a field the source does
 * not have.  *is_second: SECOND, whose result is DECIMAL(8,6).
 */
const char *exec_fn_extract_name(const char *field, size_t len, const bk_type *source,
                                 bool *is_second);

/* fn_json.c (+ fn_to_json.c): json_array_length, json_object_keys, get_json_object, to_json */
extern const exec_fn_def exec_fn_json_defs[];
extern const size_t exec_fn_json_n;

/* fn_to_number.c: to_number, try_to_number */
extern const exec_fn_def exec_fn_to_number_defs[];
extern const size_t exec_fn_to_number_n;

/* fn_array.c: array_append, array_prepend, array_insert, array_compact, arrays_zip,
 * array_union */
extern const exec_fn_def exec_fn_array_defs[];
extern const size_t exec_fn_array_n;

/* The definition named `name` (lower case, NUL-terminated) in any table, or NULL. */
const exec_fn_def *exec_fn_lookup(const char *name);

/*
 * Spark's exact result type of round/bround/ceil/floor(x, scale) for a constant
 * `scale` (fn_math.c): for DECIMAL(p,s), DECIMAL(max(p - s + 1, 1 - scale), 0)
 * when scale < 0, else DECIMAL(p - s + 1 + min(s, scale), min(s, scale)),
 * precision capped at 38; `arg` itself for other types.  The bind callbacks see
 * only types and return a type that holds every scale's result; a binder that
 * knows the scale may set this type instead (the kernels follow e->type).
 */
const bk_type *exec_fn_round_type(bk_arena *a, const bk_type *arg, int scale);

#endif
