/*
 * dtparse.h — reading dates and timestamps from text the way Spark's CAST does.
 *
 * Spark's string-to-date and string-to-timestamp casts accept more than the
 * canonical forms that clock.h prints and parses: partial dates, a 'T' or ' '
 * separator, a missing seconds field, and (for timestamps) a trailing zone.  These
 * parsers implement that grammar; clock.h keeps the strict canonical parsers.
 *
 *   date       [+|-]yyyy[y[y[y]]] [-m[m] [-d[d] [(' '|'T') anything]]]
 *   timestamp  [+|-]yyyy[y[y[y]]] [-m[m] [-d[d]]]
 *              [(' '|'T') [h[h]:m[m] [:s[s] [.fraction]]] [ ][zone]]
 *   zone       Z | UTC | UT | GMT | (UTC|UT|GMT)offset | offset
 *   offset     (+|-)h[h] | (+|-)hh:mm | (+|-)hhmm | (+|-)hh:mm:ss
 *
 * Leading and trailing whitespace and control characters are trimmed first (as
 * Spark's trimAll).  Fields are range-checked (the day must exist; hour < 24,
 * minute and second < 60, offsets within ±18:00).  Fraction digits past 6 are
 * truncated; at most 9 are accepted.  Region zone ids ("America/New_York") are not
 * recognised here: they need the time-zone database, so the parse fails.
 * Pure functions, thread-safe, no allocation.
 */
#ifndef BRICKS_BASE_DTPARSE_H
#define BRICKS_BASE_DTPARSE_H

#include "base/bk.h"

/* Days since 1970-01-01; false when the text is not a date in the grammar above. */
bool bk_dtparse_date(const char *s, size_t len, int32_t *out);

/* A parsed timestamp: the wall-clock time as written, and its zone if one was given. */
typedef struct bk_dtparse_ts {
    int64_t local_micros; /* µs since 1970-01-01 00:00:00 of the written wall clock */
    bool has_zone;        /* a zone was written */
    int32_t zone_offset;  /* its offset from UTC in seconds (when has_zone) */
} bk_dtparse_ts;

/* False when the text is not a timestamp in the grammar above or is out of int64 µs. */
bool bk_dtparse_timestamp(const char *s, size_t len, bk_dtparse_ts *out);

#endif
