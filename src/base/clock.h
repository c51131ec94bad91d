/*
 * clock.h — clocks and calendar arithmetic for DATE / TIMESTAMP / TIME values.
 *
 * Dates are days since 1970-01-01 and timestamps microseconds since
 * 1970-01-01 00:00:00 UTC, both in the proleptic Gregorian calendar (Spark 3+),
 * with astronomical year numbering: year 0 is 1 BC, year -1 is 2 BC.  The civil
 * conversions are exact for every int32 day number and every int64 microsecond.
 *
 * Text forms are the ones Spark prints for CAST(x AS STRING):
 *     DATE       2024-01-02           (year zero-padded to 4 digits; "-0044-03-15";
 *                                      years above 9999 get a '+': "+10000-01-01")
 *     TIMESTAMP  2024-01-02 03:04:05.123   (fraction only when non-zero, trailing
 *                                      zeros trimmed, at most 6 digits)
 *     TIME       03:04:05.5
 * All functions are thread-safe and allocate nothing.
 */
#ifndef BRICKS_BASE_CLOCK_H
#define BRICKS_BASE_CLOCK_H

#include "base/bk.h"

#define BK_MICROS_PER_SECOND INT64_C(1000000)
#define BK_MICROS_PER_DAY INT64_C(86400000000)

/* Days since 1970-01-01 of the civil date y-m-d (m 1..12, d 1..31; not range-checked). */
int64_t bk_days_from_civil(int64_t year, int month, int day);
/* The civil date of `days` since 1970-01-01. */
void bk_civil_from_days(int64_t days, int64_t *year, int *month, int *day);
/* Days in `month` (1..12) of `year`, leap years included. */
int bk_days_in_month(int64_t year, int month);

/* Floor division of a timestamp into days since epoch and microseconds of that day. */
void bk_micros_split(int64_t micros, int64_t *days, int64_t *micros_of_day);

/* Wall-clock time, µs since the epoch (CLOCK_REALTIME). */
int64_t bk_now_micros(void);
/* A monotonic clock in ns, for measuring durations only (CLOCK_MONOTONIC). */
int64_t bk_monotonic_ns(void);

/*
 * Formatters.  Each writes at most `cap` bytes, always NUL-terminated when cap > 0,
 * and returns the length it needed (snprintf semantics).  BK_DATE_TEXT_MAX etc. are
 * enough for any value.
 */
#define BK_DATE_TEXT_MAX 16
#define BK_TIMESTAMP_TEXT_MAX 40
#define BK_TIME_TEXT_MAX 24
size_t bk_format_date(int64_t days, char *dst, size_t cap);
size_t bk_format_timestamp_micros(int64_t micros, char *dst, size_t cap);
/* Microseconds since midnight; values outside one day are printed modulo a day. */
size_t bk_format_time_micros(int64_t micros, char *dst, size_t cap);

/*
 * Parsers for the text forms above (the whole of `s[0..len)` must match; leading
 * and trailing ASCII whitespace is ignored):
 *     date       [+|-]yyyy-m[m]-d[d]                    (year: 4 to 6 digits)
 *     timestamp  date[(' '|'T')h[h]:m[m][:s[s][.f…]]][Z]  (up to 9 fraction digits;
 *                                                        digits past 6 are truncated)
 *     time       h[h]:m[m][:s[s][.f…]]
 * Fields are range-checked (month 1..12, the day exists in that month, hour < 24,
 * minute and second < 60).  A trailing 'Z' (UTC) is accepted and ignored; no other
 * zone is accepted.  Return false on anything else, leaving *out unchanged.
 */
bool bk_parse_date(const char *s, size_t len, int32_t *out);
bool bk_parse_timestamp(const char *s, size_t len, int64_t *out);
bool bk_parse_time(const char *s, size_t len, int64_t *out);

#endif
