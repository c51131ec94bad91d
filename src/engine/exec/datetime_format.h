/*
 * datetime_format.h — Spark's datetime patterns ("yyyy-MM-dd HH:mm:ss.SSS"): compile
 * once, then format or parse many values.
 *
 * This is the pattern language of Spark 3+ (java.time.DateTimeFormatter as Spark
 * builds it in DateTimeFormatterHelper, English locale, STRICT resolution), used by
 * date_format, to_char on dates, from_unixtime, to_timestamp, to_date,
 * unix_timestamp and to_unix_timestamp.  Supported letters:
 *
 *   G era (AD, Anno Domini)        y year (y, yy = 2000-based, yyy, yyyy..yyyyyy)
 *   M / L month (M, MM, MMM, MMMM)  d day of month (d, dd)    D day of year (D, DD, DDD)
 *   Q / q quarter (format only)     E day of week (format only: E..EEE, EEEE)
 *   F aligned day of week in month (format only)
 *   a AM/PM     h 1-12   K 0-11   k 1-24   H 0-23   m minute   s second
 *   S..SSSSSSSSS fraction: formatting prints exactly that many digits (truncated);
 *                parsing accepts 1 to that many (Spark's variable-length fraction)
 *   VV zone ID   z zone abbreviation (zzzz prints the zone ID)
 *   O  GMT+8 / OOOO GMT+08:00      X..XXXXX, x..xxxxx, Z..ZZZZZ offsets
 *   'text' literal, '' a quote, [ ] an optional section (parsing: tried, skipped
 *   if it does not match; formatting: printed)
 *
 * Spark's refusals come first (week-based letters Y w W u e c; A B n N p; for
 * parsing E F q Q; five-letter G M L E Q q; seven or more y), then java.time's (an
 * unknown letter, too many letters, the reserved # { }).  Either way, if the
 * pre-3.0 SimpleDateFormat would have accepted the pattern the error is
 * INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION, as in Spark;
 * otherwise INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER / .LENGTH (or
 * INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_WEEK_BASED_PATTERN).
 *
 * Not supported (compile fails with BK_UNSUPPORTED): v (generic zone names) and
 * g (modified Julian day).  Zone full names (zzzz) print the zone ID, since the
 * CLDR names are not available.
 *
 * A compiled pattern is immutable and may be shared by threads.
 */
#ifndef BRICKS_ENGINE_EXEC_DATETIME_FORMAT_H
#define BRICKS_ENGINE_EXEC_DATETIME_FORMAT_H

#include "base/arena.h"
#include "base/bk.h"
#include "base/error.h"
#include "base/tz.h"

typedef struct exec_dtfmt exec_dtfmt;

/*
 * Compile pattern[0..len).  for_parsing selects the parsing rules (variable-length
 * fractions, letters refused for parsing).  The result lives in `a` until it is
 * reset.  Errors: the pattern classes above, BK_UNSUPPORTED, BK_OUT_OF_MEMORY.
 */
bk_status exec_dtfmt_compile(bk_arena *a, const char *pattern, size_t len, bool for_parsing,
                             const exec_dtfmt **out, bk_error *err) BK_MUST_USE;

/*
 * Format the instant `micros` (µs since the epoch, UTC) as seen in tz (NULL = UTC;
 * pass NULL with a TIMESTAMP_NTZ value to print its fields as they are).  Writes
 * at most cap bytes, NUL-terminated when cap > 0, and returns the length needed
 * (snprintf semantics).
 */
size_t exec_dtfmt_format(const exec_dtfmt *f, int64_t micros, const bk_tz *tz, char *buf,
                         size_t cap);

/*
 * Parse text[0..len) as a timestamp; the whole text must match.  A zone or offset in
 * the text wins over tz (the session zone; NULL = UTC); a local time in a DST gap or
 * overlap resolves as java.time does (bk_tz_local_to_utc).  Missing fields default
 * as Spark's do (year 1970, month and day 1, time 00:00:00).  Nanoseconds are
 * truncated to µs.
 *
 * Errors: BK_CANNOT_PARSE_TIMESTAMP with java.time's message, e.g.
 *     Text '2019-10-06 10:11:12.' could not be parsed at index 20. Use
 *     `try_to_timestamp` to tolerate invalid input string and return NULL instead.
 * where `try_fn` names the function in the hint (NULL: "try_to_timestamp");
 * BK_DATETIME_OVERFLOW when the value does not fit a TIMESTAMP.  try_ functions and
 * non-ANSI mode turn any failure into NULL.
 */
bk_status exec_dtfmt_parse(const exec_dtfmt *f, const char *text, size_t len, const bk_tz *tz,
                           const char *try_fn, int64_t *micros, bk_error *err) BK_MUST_USE;

/* Like exec_dtfmt_parse, but a TIMESTAMP_NTZ: the local fields, any zone ignored. */
bk_status exec_dtfmt_parse_ntz(const exec_dtfmt *f, const char *text, size_t len,
                               const char *try_fn, int64_t *local_micros,
                               bk_error *err) BK_MUST_USE;

/*
 * Like exec_dtfmt_parse, but a DATE (to_date, Spark's DateFormatter): the date
 * fields only; time and zone fields must still parse but are ignored.
 * try_fn NULL means "try_to_date".
 */
bk_status exec_dtfmt_parse_date(const exec_dtfmt *f, const char *text, size_t len,
                                const char *try_fn, int32_t *days, bk_error *err) BK_MUST_USE;

/* The pattern text the format was compiled from (NUL-terminated, in the arena). */
const char *exec_dtfmt_pattern(const exec_dtfmt *f);

#endif
