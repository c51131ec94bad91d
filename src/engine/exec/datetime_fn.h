/*
 * datetime_fn.h — Spark's date and time scalar functions, one value at a time.
 *
 * The SQL engine's vector kernels call these in their loops.  Value conventions:
 *     DATE           int32 days since 1970-01-01
 *     TIMESTAMP      int64 µs since the epoch, UTC; the session zone is a const bk_tz *
 *     TIMESTAMP_NTZ  int64 µs of local wall-clock time (pass tz = NULL where a
 *                    function takes one: the fields are read as they are)
 * Functions that cannot fail return the value; the others return bk_status, write
 * *out only on success, and fill err with Spark's error class and message (ANSI
 * mode).  For try_ variants and non-ANSI mode the caller turns a failure into NULL.
 * NULL inputs are the caller's business: nothing here sees a NULL.
 *
 * All functions are pure, thread-safe and allocate nothing.
 */
#ifndef BRICKS_ENGINE_EXEC_DATETIME_FN_H
#define BRICKS_ENGINE_EXEC_DATETIME_FN_H

#include "base/bk.h"
#include "base/error.h"
#include "base/tz.h"
#include "engine/exec/datetime_format.h"

/* ---------- date arithmetic ---------- */

/* date_add(d, n) / date_sub(d, n); BK_DATETIME_OVERFLOW past the DATE range. */
bk_status exec_dt_date_add(int32_t date, int64_t days, int32_t *out, bk_error *err) BK_MUST_USE;
bk_status exec_dt_date_sub(int32_t date, int64_t days, int32_t *out, bk_error *err) BK_MUST_USE;

/* add_months: the day is clamped to the end of the target month (2019-01-31 + 1 = 02-28). */
bk_status exec_dt_add_months(int32_t date, int32_t months, int32_t *out, bk_error *err) BK_MUST_USE;

/* last_day: the last day of the date's month. */
int32_t exec_dt_last_day(int32_t date);

/*
 * next_day(d, dow): the first date after d falling on dow ("MO", "MON", "MONDAY",
 * any case).  BK_ILLEGAL_DAY_OF_WEEK for another string.
 */
bk_status exec_dt_next_day(int32_t date, const char *dow, size_t len, int32_t *out,
                           bk_error *err) BK_MUST_USE;

/* datediff(end, start): end - start in days. */
int64_t exec_dt_datediff(int32_t end, int32_t start);

/*
 * months_between(t1, t2, roundOff): whole months when the days of month are equal
 * or both are month ends; otherwise the difference with a 31-day month, rounded
 * to 8 digits when round_off.  tz NULL for TIMESTAMP_NTZ (or DATE values as µs).
 */
double exec_dt_months_between(int64_t t1, int64_t t2, const bk_tz *tz, bool round_off);

/* ---------- truncation ---------- */

typedef enum exec_dt_unit {
    EXEC_DT_MICROSECOND,
    EXEC_DT_MILLISECOND,
    EXEC_DT_SECOND,
    EXEC_DT_MINUTE,
    EXEC_DT_HOUR,
    EXEC_DT_DAY,
    EXEC_DT_WEEK, /* to Monday */
    EXEC_DT_MONTH,
    EXEC_DT_QUARTER,
    EXEC_DT_YEAR
} exec_dt_unit;

/*
 * The unit of date_trunc(fmt, ts) — YEAR YYYY YY QUARTER MONTH MM MON WEEK DAY DD
 * HOUR MINUTE SECOND MILLISECOND MICROSECOND, any case.  false for anything else
 * (Spark's date_trunc then returns NULL).  for_date = true restricts to what
 * trunc(date, fmt) accepts (YEAR .. WEEK).
 */
bool exec_dt_trunc_unit(const char *s, size_t len, bool for_date, exec_dt_unit *out);

/* date_trunc on a TIMESTAMP (tz = session zone) or TIMESTAMP_NTZ (tz = NULL). */
int64_t exec_dt_date_trunc(exec_dt_unit unit, int64_t micros, const bk_tz *tz);

/* trunc(date, fmt); unit must be WEEK or larger. */
int32_t exec_dt_trunc_date(exec_dt_unit unit, int32_t date);

/* ---------- fields (extract, date_part, year(), ...) ---------- */

typedef enum exec_dt_field {
    EXEC_DT_F_YEAR,
    EXEC_DT_F_YEAROFWEEK, /* the ISO week-numbering year */
    EXEC_DT_F_QUARTER,
    EXEC_DT_F_MONTH,
    EXEC_DT_F_WEEK,          /* ISO 8601 week of year (weekofyear) */
    EXEC_DT_F_DAY,           /* day of month */
    EXEC_DT_F_DAYOFWEEK,     /* 1 = Sunday .. 7 = Saturday */
    EXEC_DT_F_DAYOFWEEK_ISO, /* 1 = Monday .. 7 = Sunday */
    EXEC_DT_F_WEEKDAY,       /* weekday(): 0 = Monday .. 6 = Sunday (no extract name) */
    EXEC_DT_F_DOY,
    EXEC_DT_F_HOUR,
    EXEC_DT_F_MINUTE,
    EXEC_DT_F_SECOND /* extract: µs within the minute, i.e. DECIMAL(8,6) unscaled */
} exec_dt_field;

/*
 * An extract / date_part field name with Spark's synonyms (Y, YRS, QTR, MON, W, D,
 * DOW, DOW_ISO, H, MIN, S, SECS, ...), any case.  false for anything else (the
 * binder raises INVALID_EXTRACT_FIELD).  is_time_field tells HOUR/MINUTE/SECOND,
 * which a DATE does not have.
 */
bool exec_dt_field_parse(const char *s, size_t len, exec_dt_field *out, bool *is_time_field);

/* A date field of a DATE (not HOUR, MINUTE, SECOND: those are 0). */
int64_t exec_dt_date_field(exec_dt_field field, int32_t date);

/*
 * A field of a TIMESTAMP in tz (tz NULL: TIMESTAMP_NTZ).  EXEC_DT_F_SECOND gives µs
 * within the minute (extract); second() is that / 1000000.
 */
int64_t exec_dt_timestamp_field(exec_dt_field field, int64_t micros, const bk_tz *tz);

/* The DATE of a TIMESTAMP in tz (CAST(ts AS DATE), current_date(tz)). */
int32_t exec_dt_timestamp_to_date(int64_t micros, const bk_tz *tz);
/* Midnight of the date in tz as a TIMESTAMP (CAST(date AS TIMESTAMP)). */
int64_t exec_dt_date_to_timestamp(int32_t date, const bk_tz *tz);

/* ---------- construction ---------- */

/* make_date; BK_DATETIME_FIELD_OUT_OF_BOUNDS with java.time's range message. */
bk_status exec_dt_make_date(int32_t year, int32_t month, int32_t day, int32_t *out,
                            bk_error *err) BK_MUST_USE;

/*
 * make_timestamp(y, m, d, h, mi, sec[, tz]): sec_micros is the DECIMAL(8,6) seconds
 * unscaled (45.678 -> 45678000); sec_scale the scale of the original value, for the
 * message only.  60 with no fraction means the next minute (PostgreSQL); 60.x is
 * BK_INVALID_FRACTION_OF_SECOND; other bad fields BK_DATETIME_FIELD_OUT_OF_BOUNDS.
 * tz NULL: the result is a TIMESTAMP_NTZ (make_timestamp_ntz).
 */
bk_status exec_dt_make_timestamp(int32_t year, int32_t month, int32_t day, int32_t hour,
                                 int32_t minute, int64_t sec_micros, const bk_tz *tz, int64_t *out,
                                 bk_error *err) BK_MUST_USE;

/* ---------- epoch conversions ---------- */

/* timestamp_seconds / _millis / _micros; BK_DATETIME_OVERFLOW ("long overflow"). */
bk_status exec_dt_timestamp_seconds(int64_t seconds, int64_t *out, bk_error *err) BK_MUST_USE;
bk_status exec_dt_timestamp_millis(int64_t millis, int64_t *out, bk_error *err) BK_MUST_USE;
int64_t exec_dt_timestamp_micros(int64_t micros);

/* unix_seconds / unix_millis / unix_micros (floor division) and unix_timestamp(ts). */
int64_t exec_dt_unix_seconds(int64_t micros);
int64_t exec_dt_unix_millis(int64_t micros);
int64_t exec_dt_unix_micros(int64_t micros);

/* unix_date(d) and date_from_unix_date(n): the day number itself. */
int32_t exec_dt_unix_date(int32_t date);
int32_t exec_dt_date_from_unix_date(int32_t days);

/*
 * from_unixtime(seconds, fmt) in tz: like exec_dtfmt_format (snprintf semantics).
 * Seconds outside the TIMESTAMP range print as the nearest representable value.
 */
size_t exec_dt_from_unixtime(const exec_dtfmt *fmt, int64_t seconds, const bk_tz *tz, char *buf,
                             size_t cap);

/*
 * unix_timestamp(text, fmt) / to_unix_timestamp: parse in tz, then seconds since
 * the epoch (floor).  Errors as exec_dtfmt_parse; try_fn names the hint's function.
 */
bk_status exec_dt_unix_timestamp_parse(const exec_dtfmt *fmt, const char *text, size_t len,
                                       const bk_tz *tz, const char *try_fn, int64_t *out,
                                       bk_error *err) BK_MUST_USE;

/* ---------- zone conversions ---------- */

/* from_utc_timestamp(ts, tz): read ts as UTC wall-clock, show it as tz's wall-clock. */
int64_t exec_dt_from_utc_timestamp(int64_t micros, const bk_tz *tz);
/* to_utc_timestamp(ts, tz): read ts as tz's wall-clock, give the UTC wall-clock. */
int64_t exec_dt_to_utc_timestamp(int64_t micros, const bk_tz *tz);
/* convert_timezone(src, tgt, ntz): the TIMESTAMP_NTZ ntz in src, seen in tgt. */
int64_t exec_dt_convert_timezone(const bk_tz *src, const bk_tz *tgt, int64_t ntz_micros);

/* current_date in tz for the statement's start instant now_micros. */
int32_t exec_dt_current_date(int64_t now_micros, const bk_tz *tz);

/*
 * Spark's special datetime values of typed literals (DateTimeUtils.convertSpecialDate /
 * convertSpecialTimestamp), any case, spaces around: 'epoch', 'now', 'today',
 * 'tomorrow', 'yesterday' ('now' is today for a DATE).  kind is BK_TYPE_DATE (days),
 * BK_TYPE_TIMESTAMP (an instant; days start at midnight in tz) or BK_TYPE_TIMESTAMP_NTZ
 * (the wall clock of tz).  False for any other text.
 */
bool exec_dt_special_value(const char *s, size_t len, int kind, int64_t now_micros,
                           const bk_tz *tz, int64_t *out);

#endif
