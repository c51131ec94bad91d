/*
 * datetime_fn.c — Spark's date and time scalar functions (see datetime_fn.h).
 *
 * Everything works on civil fields from base/clock.h and zone offsets from
 * base/tz.h; the semantics and messages follow Spark's DateTimeUtils and the
 * java.time calls it makes (LocalDate.plusMonths, LocalDateTime.of, ...).
 */
#include "engine/exec/datetime_fn.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/types.h"

#define MICROS_PER_MINUTE (60 * BK_MICROS_PER_SECOND)
#define MICROS_PER_HOUR (60 * MICROS_PER_MINUTE)

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
static int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

static char upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 32) : c; }

/* Case-insensitive s[0..len) == word. */
static bool ieq(const char *s, size_t len, const char *word) {
    if (strlen(word) != len) return false;
    for (size_t i = 0; i < len; i++)
        if (upper(s[i]) != word[i]) return false;
    return true;
}

static bk_status overflow(bk_error *err, const char *what) {
    return bk_error_set(err, BK_DATETIME_OVERFLOW, "Datetime operation overflow: %s.", what);
}

static bk_status to_date(int64_t days, int32_t *out, bk_error *err, const char *what) {
    if (days < INT32_MIN || days > INT32_MAX) return overflow(err, what);
    *out = (int32_t)days;
    return BK_OK;
}

/* 0 = Monday .. 6 = Sunday (1970-01-01 was a Thursday). */
static int iso_dow0(int64_t days) { return (int)floor_mod(days + 3, 7); }

/* Local µs of a value: ts in tz, or an NTZ value as it is. */
static int64_t local_of(int64_t micros, const bk_tz *tz) {
    return tz ? bk_tz_utc_to_local(tz, micros) : micros;
}

/* ---------- date arithmetic ---------- */

bk_status exec_dt_date_add(int32_t date, int64_t days, int32_t *out, bk_error *err) {
    if (days > INT32_MAX || days < INT32_MIN) return overflow(err, "date_add");
    return to_date((int64_t)date + days, out, err, "date_add");
}

bk_status exec_dt_date_sub(int32_t date, int64_t days, int32_t *out, bk_error *err) {
    if (days > INT32_MAX || days < INT32_MIN) return overflow(err, "date_sub");
    return to_date((int64_t)date - days, out, err, "date_sub");
}

bk_status exec_dt_add_months(int32_t date, int32_t months, int32_t *out, bk_error *err) {
    int64_t y;
    int m, d;
    bk_civil_from_days(date, &y, &m, &d);
    int64_t total = y * 12 + (m - 1) + months;
    int64_t ny = floor_div(total, 12);
    int nm = (int)floor_mod(total, 12) + 1;
    int dim = bk_days_in_month(ny, nm);
    return to_date(bk_days_from_civil(ny, nm, d > dim ? dim : d), out, err, "add_months");
}

int32_t exec_dt_last_day(int32_t date) {
    int64_t y;
    int m, d;
    bk_civil_from_days(date, &y, &m, &d);
    return (int32_t)(date + bk_days_in_month(y, m) - d);
}

bk_status exec_dt_next_day(int32_t date, const char *dow, size_t len, int32_t *out, bk_error *err) {
    static const char *const names[7][3] = {{"MO", "MON", "MONDAY"},    {"TU", "TUE", "TUESDAY"},
                                            {"WE", "WED", "WEDNESDAY"}, {"TH", "THU", "THURSDAY"},
                                            {"FR", "FRI", "FRIDAY"},    {"SA", "SAT", "SATURDAY"},
                                            {"SU", "SUN", "SUNDAY"}};
    for (int target = 0; target < 7; target++) {
        for (int k = 0; k < 3; k++) {
            if (!ieq(dow, len, names[target][k])) continue;
            int delta = (target - iso_dow0(date) + 7) % 7;
            return to_date((int64_t)date + (delta == 0 ? 7 : delta), out, err, "next_day");
        }
    }
    return bk_error_set(err, BK_ILLEGAL_DAY_OF_WEEK, "Illegal input for day of week: %.*s.",
                        (int)BK_MIN(len, 200), dow);
}

int64_t exec_dt_datediff(int32_t end, int32_t start) { return (int64_t)end - start; }

/* DateTimeUtils.monthsBetween. */
double exec_dt_months_between(int64_t t1, int64_t t2, const bk_tz *tz, bool round_off) {
    int64_t l1 = local_of(t1, tz), l2 = local_of(t2, tz);
    int64_t days1, days2, tod1, tod2, y1, y2;
    int m1, m2, d1, d2;
    bk_micros_split(l1, &days1, &tod1);
    bk_micros_split(l2, &days2, &tod2);
    bk_civil_from_days(days1, &y1, &m1, &d1);
    bk_civil_from_days(days2, &y2, &m2, &d2);
    double month_diff = (double)((y1 * 12 + m1) - (y2 * 12 + m2));
    bool last1 = d1 == bk_days_in_month(y1, m1), last2 = d2 == bk_days_in_month(y2, m2);
    if (d1 == d2 || (last1 && last2)) return month_diff;
    /* Seconds within the day, as Hive and Spark count them (from the zone's midnight). */
    int64_t s1 = tod1 / BK_MICROS_PER_SECOND, s2 = tod2 / BK_MICROS_PER_SECOND;
    if (tz) {
        s1 = (t1 - bk_tz_local_to_utc(tz, days1 * BK_MICROS_PER_DAY)) / BK_MICROS_PER_SECOND;
        s2 = (t2 - bk_tz_local_to_utc(tz, days2 * BK_MICROS_PER_DAY)) / BK_MICROS_PER_SECOND;
    }
    double seconds_diff = (double)((int64_t)(d1 - d2) * 86400 + s1 - s2);
    double diff = month_diff + seconds_diff / (31.0 * 86400.0);
    if (!round_off) return diff;
    return floor(diff * 1e8 + 0.5) / 1e8;
}

/* ---------- truncation ---------- */

bool exec_dt_trunc_unit(const char *s, size_t len, bool for_date, exec_dt_unit *out) {
    static const struct {
        const char *name;
        exec_dt_unit unit;
    } units[] = {
        {"YEAR", EXEC_DT_YEAR},
        {"YYYY", EXEC_DT_YEAR},
        {"YY", EXEC_DT_YEAR},
        {"QUARTER", EXEC_DT_QUARTER},
        {"MONTH", EXEC_DT_MONTH},
        {"MM", EXEC_DT_MONTH},
        {"MON", EXEC_DT_MONTH},
        {"WEEK", EXEC_DT_WEEK},
        {"DAY", EXEC_DT_DAY},
        {"DD", EXEC_DT_DAY},
        {"HOUR", EXEC_DT_HOUR},
        {"MINUTE", EXEC_DT_MINUTE},
        {"SECOND", EXEC_DT_SECOND},
        {"MILLISECOND", EXEC_DT_MILLISECOND},
        {"MICROSECOND", EXEC_DT_MICROSECOND},
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(units); i++) {
        if (!ieq(s, len, units[i].name)) continue;
        if (for_date && units[i].unit < EXEC_DT_WEEK) return false;
        *out = units[i].unit;
        return true;
    }
    return false;
}

int32_t exec_dt_trunc_date(exec_dt_unit unit, int32_t date) {
    int64_t y;
    int m, d;
    bk_civil_from_days(date, &y, &m, &d);
    switch (unit) {
    case EXEC_DT_WEEK:
        return date - iso_dow0(date);
    case EXEC_DT_MONTH:
        return (int32_t)bk_days_from_civil(y, m, 1);
    case EXEC_DT_QUARTER:
        return (int32_t)bk_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
    case EXEC_DT_YEAR:
        return (int32_t)bk_days_from_civil(y, 1, 1);
    default:
        return date;
    }
}

/*
 * ZonedDateTime.truncatedTo: truncate the wall-clock time, then keep the old offset
 * if it is still valid there (an overlap keeps its side), else resolve as java.time.
 */
static int64_t trunc_local(int64_t micros, const bk_tz *tz, int64_t unit_micros) {
    if (!tz) return micros - floor_mod(micros, unit_micros);
    int64_t off = bk_tz_utc_offset(tz, micros);
    int64_t local = micros + off;
    int64_t truncated = local - floor_mod(local, unit_micros);
    int64_t cand = truncated - off;
    if (bk_tz_utc_offset(tz, cand) == off) return cand;
    return bk_tz_local_to_utc(tz, truncated);
}

int64_t exec_dt_date_trunc(exec_dt_unit unit, int64_t micros, const bk_tz *tz) {
    switch (unit) {
    case EXEC_DT_MICROSECOND:
        return micros;
    case EXEC_DT_MILLISECOND:
        return micros - floor_mod(micros, 1000);
    case EXEC_DT_SECOND:
        return micros - floor_mod(micros, BK_MICROS_PER_SECOND);
    case EXEC_DT_MINUTE:
        return trunc_local(micros, tz, MICROS_PER_MINUTE);
    case EXEC_DT_HOUR:
        return trunc_local(micros, tz, MICROS_PER_HOUR);
    case EXEC_DT_DAY:
        return trunc_local(micros, tz, BK_MICROS_PER_DAY);
    default: {
        int32_t day = exec_dt_timestamp_to_date(micros, tz);
        return exec_dt_date_to_timestamp(exec_dt_trunc_date(unit, day), tz);
    }
    }
}

/* ---------- fields ---------- */

bool exec_dt_field_parse(const char *s, size_t len, exec_dt_field *out, bool *is_time_field) {
    static const struct {
        const char *name;
        exec_dt_field field;
    } names[] = {
        {"YEAR", EXEC_DT_F_YEAR},
        {"Y", EXEC_DT_F_YEAR},
        {"YEARS", EXEC_DT_F_YEAR},
        {"YR", EXEC_DT_F_YEAR},
        {"YRS", EXEC_DT_F_YEAR},
        {"YEAROFWEEK", EXEC_DT_F_YEAROFWEEK},
        {"QUARTER", EXEC_DT_F_QUARTER},
        {"QTR", EXEC_DT_F_QUARTER},
        {"MONTH", EXEC_DT_F_MONTH},
        {"MON", EXEC_DT_F_MONTH},
        {"MONS", EXEC_DT_F_MONTH},
        {"MONTHS", EXEC_DT_F_MONTH},
        {"WEEK", EXEC_DT_F_WEEK},
        {"W", EXEC_DT_F_WEEK},
        {"WEEKS", EXEC_DT_F_WEEK},
        {"DAY", EXEC_DT_F_DAY},
        {"D", EXEC_DT_F_DAY},
        {"DAYS", EXEC_DT_F_DAY},
        {"DAYOFWEEK", EXEC_DT_F_DAYOFWEEK},
        {"DOW", EXEC_DT_F_DAYOFWEEK},
        {"DAYOFWEEK_ISO", EXEC_DT_F_DAYOFWEEK_ISO},
        {"DOW_ISO", EXEC_DT_F_DAYOFWEEK_ISO},
        {"DOY", EXEC_DT_F_DOY},
        {"HOUR", EXEC_DT_F_HOUR},
        {"H", EXEC_DT_F_HOUR},
        {"HOURS", EXEC_DT_F_HOUR},
        {"HR", EXEC_DT_F_HOUR},
        {"HRS", EXEC_DT_F_HOUR},
        {"MINUTE", EXEC_DT_F_MINUTE},
        {"M", EXEC_DT_F_MINUTE},
        {"MIN", EXEC_DT_F_MINUTE},
        {"MINS", EXEC_DT_F_MINUTE},
        {"MINUTES", EXEC_DT_F_MINUTE},
        {"SECOND", EXEC_DT_F_SECOND},
        {"S", EXEC_DT_F_SECOND},
        {"SEC", EXEC_DT_F_SECOND},
        {"SECONDS", EXEC_DT_F_SECOND},
        {"SECS", EXEC_DT_F_SECOND},
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(names); i++) {
        if (!ieq(s, len, names[i].name)) continue;
        *out = names[i].field;
        *is_time_field = names[i].field >= EXEC_DT_F_HOUR;
        return true;
    }
    return false;
}

/* ISO weeks in year y: 53 when Jan 1 is a Thursday, or a Wednesday in a leap year. */
static int iso_weeks_in_year(int64_t y) {
    int jan1 = iso_dow0(bk_days_from_civil(y, 1, 1));
    bool leap = bk_days_in_month(y, 2) == 29;
    return (jan1 == 3 || (leap && jan1 == 2)) ? 53 : 52;
}

/* ISO 8601 week of year and week-numbering year of a date. */
static void iso_week(int64_t days, int64_t *week_year, int *week) {
    int64_t y;
    int m, d;
    bk_civil_from_days(days, &y, &m, &d);
    int doy = (int)(days - bk_days_from_civil(y, 1, 1)) + 1;
    int w = (doy - (iso_dow0(days) + 1) + 10) / 7;
    if (w < 1) {
        y -= 1;
        w = iso_weeks_in_year(y);
    } else if (w > iso_weeks_in_year(y)) {
        y += 1;
        w = 1;
    }
    *week_year = y;
    *week = w;
}

int64_t exec_dt_date_field(exec_dt_field field, int32_t date) {
    int64_t y, wy;
    int m, d, w;
    bk_civil_from_days(date, &y, &m, &d);
    switch (field) {
    case EXEC_DT_F_YEAR:
        return y;
    case EXEC_DT_F_YEAROFWEEK:
        iso_week(date, &wy, &w);
        return wy;
    case EXEC_DT_F_QUARTER:
        return (m - 1) / 3 + 1;
    case EXEC_DT_F_MONTH:
        return m;
    case EXEC_DT_F_WEEK:
        iso_week(date, &wy, &w);
        return w;
    case EXEC_DT_F_DAY:
        return d;
    case EXEC_DT_F_DAYOFWEEK:
        return (iso_dow0(date) + 1) % 7 + 1;
    case EXEC_DT_F_DAYOFWEEK_ISO:
        return iso_dow0(date) + 1;
    case EXEC_DT_F_WEEKDAY:
        return iso_dow0(date);
    case EXEC_DT_F_DOY:
        return date - bk_days_from_civil(y, 1, 1) + 1;
    default:
        return 0;
    }
}

int64_t exec_dt_timestamp_field(exec_dt_field field, int64_t micros, const bk_tz *tz) {
    int64_t days, tod;
    bk_micros_split(local_of(micros, tz), &days, &tod);
    switch (field) {
    case EXEC_DT_F_HOUR:
        return tod / MICROS_PER_HOUR;
    case EXEC_DT_F_MINUTE:
        return tod / MICROS_PER_MINUTE % 60;
    case EXEC_DT_F_SECOND:
        return tod % MICROS_PER_MINUTE;
    default:
        return exec_dt_date_field(field, (int32_t)days);
    }
}

int32_t exec_dt_timestamp_to_date(int64_t micros, const bk_tz *tz) {
    return (int32_t)floor_div(local_of(micros, tz), BK_MICROS_PER_DAY);
}

int64_t exec_dt_date_to_timestamp(int32_t date, const bk_tz *tz) {
    int64_t local = (int64_t)date * BK_MICROS_PER_DAY;
    return tz ? bk_tz_local_to_utc(tz, local) : local;
}

/* ---------- construction ---------- */

static bk_status out_of_bounds(bk_error *err, const char *range_message) {
    return bk_error_set(err, BK_DATETIME_FIELD_OUT_OF_BOUNDS,
                        "%s. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                        "this error.",
                        range_message);
}

/* LocalDate.of's checks; BK_OK or DATETIME_FIELD_OUT_OF_BOUNDS. */
static bk_status check_date(int64_t year, int64_t month, int64_t day, bk_error *err) {
    static const char *const upper_months[12] = {"JANUARY",   "FEBRUARY", "MARCH",    "APRIL",
                                                 "MAY",       "JUNE",     "JULY",     "AUGUST",
                                                 "SEPTEMBER", "OCTOBER",  "NOVEMBER", "DECEMBER"};
    char msg[160];
    if (year < -999999999 || year > 999999999) {
        snprintf(msg, sizeof msg,
                 "Invalid value for Year (valid values -999999999 - 999999999): %lld",
                 (long long)year);
        return out_of_bounds(err, msg);
    }
    if (month < 1 || month > 12) {
        snprintf(msg, sizeof msg, "Invalid value for MonthOfYear (valid values 1 - 12): %lld",
                 (long long)month);
        return out_of_bounds(err, msg);
    }
    if (day < 1 || day > 31) {
        snprintf(msg, sizeof msg, "Invalid value for DayOfMonth (valid values 1 - 28/31): %lld",
                 (long long)day);
        return out_of_bounds(err, msg);
    }
    if (day > bk_days_in_month(year, (int)month)) {
        if (month == 2 && day == 29)
            snprintf(msg, sizeof msg, "Invalid date 'February 29' as '%lld' is not a leap year",
                     (long long)year);
        else
            snprintf(msg, sizeof msg, "Invalid date '%s %lld'", upper_months[month - 1],
                     (long long)day);
        return out_of_bounds(err, msg);
    }
    return BK_OK;
}

bk_status exec_dt_make_date(int32_t year, int32_t month, int32_t day, int32_t *out, bk_error *err) {
    BK_TRY(check_date(year, month, day, err));
    return to_date(bk_days_from_civil(year, month, day), out, err, "make_date");
}

bk_status exec_dt_make_timestamp(int32_t year, int32_t month, int32_t day, int32_t hour,
                                 int32_t minute, int64_t sec_micros, const bk_tz *tz, int64_t *out,
                                 bk_error *err) {
    int64_t seconds = floor_div(sec_micros, BK_MICROS_PER_SECOND);
    int64_t frac = sec_micros - seconds * BK_MICROS_PER_SECOND;
    BK_TRY(check_date(year, month, day, err));
    char msg[160];
    if (hour < 0 || hour > 23) {
        snprintf(msg, sizeof msg, "Invalid value for HourOfDay (valid values 0 - 23): %d", hour);
        return out_of_bounds(err, msg);
    }
    if (minute < 0 || minute > 59) {
        snprintf(msg, sizeof msg, "Invalid value for MinuteOfHour (valid values 0 - 59): %d",
                 minute);
        return out_of_bounds(err, msg);
    }
    if (seconds == 60 && frac != 0) {
        char dec[32];
        int n = snprintf(dec, sizeof dec, "60.%06lld", (long long)frac);
        while (n > 3 && dec[n - 1] == '0') dec[--n] = '\0';
        return bk_error_set(err, BK_INVALID_FRACTION_OF_SECOND,
                            "Valid range for seconds is [0, 60] (inclusive), but the provided "
                            "value is %s. To avoid this error, use `try_make_timestamp`, which "
                            "returns NULL on error.\nIf you do not want to use the session "
                            "default timestamp version of this function, use "
                            "`try_make_timestamp_ntz` or `try_make_timestamp_ltz`.",
                            dec);
    }
    if (seconds < 0 || seconds > 60) {
        snprintf(msg, sizeof msg, "Invalid value for SecondOfMinute (valid values 0 - 59): %lld",
                 (long long)seconds);
        return out_of_bounds(err, msg);
    }
    int64_t days = bk_days_from_civil(year, month, day);
    int64_t local;
    if (__builtin_mul_overflow(days, BK_MICROS_PER_DAY, &local) ||
        __builtin_add_overflow(
            local, ((int64_t)hour * 3600 + minute * 60 + seconds) * BK_MICROS_PER_SECOND + frac,
            &local))
        return overflow(err, "make_timestamp");
    int64_t r = tz ? bk_tz_local_to_utc(tz, local) : local;
    if (r == INT64_MAX || r == INT64_MIN) return overflow(err, "make_timestamp");
    *out = r;
    return BK_OK;
}

/* ---------- epoch conversions ---------- */

bk_status exec_dt_timestamp_seconds(int64_t seconds, int64_t *out, bk_error *err) {
    if (__builtin_mul_overflow(seconds, BK_MICROS_PER_SECOND, out))
        return bk_error_set(err, BK_DATETIME_OVERFLOW, "long overflow");
    return BK_OK;
}

bk_status exec_dt_timestamp_millis(int64_t millis, int64_t *out, bk_error *err) {
    if (__builtin_mul_overflow(millis, (int64_t)1000, out))
        return bk_error_set(err, BK_DATETIME_OVERFLOW, "long overflow");
    return BK_OK;
}

int64_t exec_dt_timestamp_micros(int64_t micros) { return micros; }
int64_t exec_dt_unix_seconds(int64_t micros) { return floor_div(micros, BK_MICROS_PER_SECOND); }
int64_t exec_dt_unix_millis(int64_t micros) { return floor_div(micros, 1000); }
int64_t exec_dt_unix_micros(int64_t micros) { return micros; }
int32_t exec_dt_unix_date(int32_t date) { return date; }
int32_t exec_dt_date_from_unix_date(int32_t days) { return days; }

size_t exec_dt_from_unixtime(const exec_dtfmt *fmt, int64_t seconds, const bk_tz *tz, char *buf,
                             size_t cap) {
    int64_t micros;
    if (__builtin_mul_overflow(seconds, BK_MICROS_PER_SECOND, &micros))
        micros = seconds > 0 ? INT64_MAX : INT64_MIN;
    return exec_dtfmt_format(fmt, micros, tz, buf, cap);
}

bk_status exec_dt_unix_timestamp_parse(const exec_dtfmt *fmt, const char *text, size_t len,
                                       const bk_tz *tz, const char *try_fn, int64_t *out,
                                       bk_error *err) {
    int64_t micros;
    BK_TRY(
        exec_dtfmt_parse(fmt, text, len, tz, try_fn ? try_fn : "try_to_timestamp", &micros, err));
    *out = floor_div(micros, BK_MICROS_PER_SECOND);
    return BK_OK;
}

/* ---------- zone conversions ---------- */

int64_t exec_dt_from_utc_timestamp(int64_t micros, const bk_tz *tz) {
    return bk_tz_utc_to_local(tz, micros);
}

int64_t exec_dt_to_utc_timestamp(int64_t micros, const bk_tz *tz) {
    return bk_tz_local_to_utc(tz, micros);
}

int64_t exec_dt_convert_timezone(const bk_tz *src, const bk_tz *tgt, int64_t ntz_micros) {
    return bk_tz_utc_to_local(tgt, bk_tz_local_to_utc(src, ntz_micros));
}

int32_t exec_dt_current_date(int64_t now_micros, const bk_tz *tz) {
    return exec_dt_timestamp_to_date(now_micros, tz);
}

bool exec_dt_special_value(const char *s, size_t len, int kind, int64_t now_micros,
                           const bk_tz *tz, int64_t *out) {
    while (len && (*s == ' ' || *s == '\t')) s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    static const char *const words[] = {"epoch", "now", "today", "tomorrow", "yesterday"};
    int w = -1;
    for (int i = 0; i < 5; i++) {
        size_t n = strlen(words[i]);
        if (n != len) continue;
        bool eq = true;
        for (size_t k = 0; k < n; k++) eq &= (s[k] | 0x20) == words[i][k];
        if (eq) w = i;
    }
    if (w < 0) return false;
    if (w == 0) {
        *out = 0;
        return true;
    }
    int32_t today = exec_dt_current_date(now_micros, tz);
    if (w == 1 && kind == BK_TYPE_TIMESTAMP) {
        *out = now_micros;
        return true;
    }
    if (w == 1 && kind == BK_TYPE_TIMESTAMP_NTZ) {
        *out = tz ? bk_tz_utc_to_local(tz, now_micros) : now_micros;
        return true;
    }
    int32_t day = today + (w == 3 ? 1 : w == 4 ? -1 : 0);
    if (kind == BK_TYPE_DATE)
        *out = day;
    else if (kind == BK_TYPE_TIMESTAMP)
        *out = exec_dt_date_to_timestamp(day, tz);
    else
        *out = (int64_t)day * BK_MICROS_PER_DAY;
    return true;
}
