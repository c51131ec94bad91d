/*
 * clock.c — clocks and proleptic Gregorian calendar arithmetic (see clock.h).
 *
 * The civil conversions count in 400-year eras (146097 days each) shifted so that
 * a year starts on March 1: the leap day is then the last day of the shifted year,
 * and the month lengths from March on follow the pattern 31 30 31 30 31 31 30 31
 * 30 31 31 28/29, which (153 * m + 2) / 5 reproduces.  Everything is integer
 * arithmetic with floor division, so negative days and years work unchanged.
 */
#include "base/clock.h"

#include <stdio.h>
#include <time.h>

#define DAYS_PER_ERA 146097
#define DAYS_0000_03_01_TO_EPOCH 719468

/* Floor division and the matching non-negative remainder (b > 0). */
static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

int64_t bk_days_from_civil(int64_t year, int month, int day) {
    int64_t y = month <= 2 ? year - 1 : year;
    int64_t era = floor_div(y, 400);
    int64_t year_of_era = y - era * 400;                           /* [0, 399] */
    int64_t shifted_month = month > 2 ? month - 3 : month + 9;     /* March = 0 */
    int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1; /* [0, 365] */
    int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year; /* [0, 146096] */
    return era * DAYS_PER_ERA + day_of_era - DAYS_0000_03_01_TO_EPOCH;
}

void bk_civil_from_days(int64_t days, int64_t *year, int *month, int *day) {
    int64_t z = days + DAYS_0000_03_01_TO_EPOCH;
    int64_t era = floor_div(z, DAYS_PER_ERA);
    int64_t day_of_era = z - era * DAYS_PER_ERA; /* [0, 146096] */
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t shifted_month = (5 * day_of_year + 2) / 153; /* March = 0 */
    int m = (int)(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
    *day = (int)(day_of_year - (153 * shifted_month + 2) / 5 + 1);
    *month = m;
    *year = year_of_era + era * 400 + (m <= 2 ? 1 : 0);
}

static bool is_leap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int bk_days_in_month(int64_t year, int month) {
    static const int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return month == 2 && is_leap(year) ? 29 : lengths[month - 1];
}

void bk_micros_split(int64_t micros, int64_t *days, int64_t *micros_of_day) {
    int64_t d = floor_div(micros, BK_MICROS_PER_DAY);
    *days = d;
    /* d * BK_MICROS_PER_DAY may be below INT64_MIN; the difference is computed unsigned */
    *micros_of_day = (int64_t)((uint64_t)micros - (uint64_t)d * (uint64_t)BK_MICROS_PER_DAY);
}

int64_t bk_now_micros(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * BK_MICROS_PER_SECOND + ts.tv_nsec / 1000;
}

int64_t bk_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * INT64_C(1000000000) + ts.tv_nsec;
}

/* ---------------------------------------------------------------------------------------------
 * Formatting
 * ------------------------------------------------------------------------------------------- */

/* Copy tmp[0..n) into dst (bounded, NUL-terminated) and return n. */
static size_t emit(const char *tmp, int n, char *dst, size_t cap) {
    if (n < 0) n = 0;
    if (cap) {
        size_t copy = (size_t)n < cap ? (size_t)n : cap - 1;
        for (size_t i = 0; i < copy; i++) dst[i] = tmp[i];
        dst[copy] = '\0';
    }
    return (size_t)n;
}

static int format_date_into(char *tmp, size_t cap, int64_t days) {
    int64_t year;
    int month, day;
    bk_civil_from_days(days, &year, &month, &day);
    const char *sign = year < 0 ? "-" : year > 9999 ? "+" : "";
    uint64_t abs_year = year < 0 ? 0 - (uint64_t)year : (uint64_t)year;
    return snprintf(tmp, cap, "%s%04llu-%02d-%02d", sign, (unsigned long long)abs_year, month, day);
}

/* ".ffffff" with trailing zeros trimmed, or "" when the fraction is zero. */
static int format_fraction(char *tmp, size_t cap, int64_t micros) {
    if (micros == 0) {
        tmp[0] = '\0';
        return 0;
    }
    int n = snprintf(tmp, cap, ".%06lld", (long long)micros);
    while (n > 1 && tmp[n - 1] == '0') tmp[--n] = '\0';
    return n;
}

static int format_time_of_day(char *tmp, size_t cap, int64_t micros_of_day) {
    int64_t secs = micros_of_day / BK_MICROS_PER_SECOND;
    char frac[16];
    format_fraction(frac, sizeof frac, micros_of_day % BK_MICROS_PER_SECOND);
    return snprintf(tmp, cap, "%02d:%02d:%02d%s", (int)(secs / 3600), (int)(secs / 60 % 60),
                    (int)(secs % 60), frac);
}

size_t bk_format_date(int64_t days, char *dst, size_t cap) {
    char tmp[64];
    return emit(tmp, format_date_into(tmp, sizeof tmp, days), dst, cap);
}

size_t bk_format_timestamp_micros(int64_t micros, char *dst, size_t cap) {
    int64_t days, of_day;
    bk_micros_split(micros, &days, &of_day);
    char tmp[96];
    int n = format_date_into(tmp, sizeof tmp, days);
    tmp[n++] = ' ';
    n += format_time_of_day(tmp + n, sizeof tmp - (size_t)n, of_day);
    return emit(tmp, n, dst, cap);
}

size_t bk_format_time_micros(int64_t micros, char *dst, size_t cap) {
    int64_t days, of_day;
    bk_micros_split(micros, &days, &of_day);
    char tmp[64];
    return emit(tmp, format_time_of_day(tmp, sizeof tmp, of_day), dst, cap);
}

/* ---------------------------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------------------------- */

typedef struct cursor {
    const char *s;
    size_t pos;
    size_t end;
} cursor;

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static cursor make_cursor(const char *s, size_t len) {
    cursor c = {s, 0, len};
    while (c.pos < c.end && is_space(s[c.pos])) c.pos++;
    while (c.end > c.pos && is_space(s[c.end - 1])) c.end--;
    return c;
}

static bool at(const cursor *c, char ch) { return c->pos < c->end && c->s[c->pos] == ch; }

static bool eat(cursor *c, char ch) {
    if (!at(c, ch)) return false;
    c->pos++;
    return true;
}

/* Between min and max decimal digits into *out. */
static bool digits(cursor *c, int min, int max, int64_t *out) {
    int64_t v = 0;
    int n = 0;
    while (n < max && c->pos < c->end && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
        v = v * 10 + (c->s[c->pos] - '0');
        c->pos++;
        n++;
    }
    if (n < min) return false;
    *out = v;
    return true;
}

static bool parse_date_part(cursor *c, int64_t *days) {
    bool negative = false;
    if (eat(c, '-'))
        negative = true;
    else
        eat(c, '+');
    int64_t year, month, day;
    if (!digits(c, 4, 6, &year) || !eat(c, '-') || !digits(c, 1, 2, &month) || !eat(c, '-') ||
        !digits(c, 1, 2, &day))
        return false;
    if (negative) year = -year;
    if (month < 1 || month > 12 || day < 1 || day > bk_days_in_month(year, (int)month))
        return false;
    *days = bk_days_from_civil(year, (int)month, (int)day);
    return true;
}

/* h[h]:m[m][:s[s][.f…]] into microseconds of the day. */
static bool parse_time_part(cursor *c, int64_t *micros) {
    int64_t hour, minute, second = 0, frac = 0;
    if (!digits(c, 1, 2, &hour) || !eat(c, ':') || !digits(c, 1, 2, &minute)) return false;
    if (eat(c, ':')) {
        if (!digits(c, 1, 2, &second)) return false;
        if (eat(c, '.')) {
            int n = 0;
            while (c->pos < c->end && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
                if (++n > 9) return false;
                if (n <= 6) frac = frac * 10 + (c->s[c->pos] - '0');
                c->pos++;
            }
            if (n == 0) return false;
            for (; n < 6; n++) frac *= 10;
        }
    }
    if (hour > 23 || minute > 59 || second > 59) return false;
    *micros = ((hour * 60 + minute) * 60 + second) * BK_MICROS_PER_SECOND + frac;
    return true;
}

bool bk_parse_date(const char *s, size_t len, int32_t *out) {
    cursor c = make_cursor(s, len);
    int64_t days;
    if (!parse_date_part(&c, &days) || c.pos != c.end) return false;
    if (days < INT32_MIN || days > INT32_MAX) return false;
    *out = (int32_t)days;
    return true;
}

bool bk_parse_timestamp(const char *s, size_t len, int64_t *out) {
    cursor c = make_cursor(s, len);
    int64_t days, of_day = 0;
    if (!parse_date_part(&c, &days)) return false;
    if (at(&c, ' ') || at(&c, 'T')) {
        c.pos++;
        if (!parse_time_part(&c, &of_day)) return false;
    }
    eat(&c, 'Z');
    if (c.pos != c.end) return false;
    /* the result must fit in int64: days * µs/day + of_day */
    int64_t min_days = INT64_MIN / BK_MICROS_PER_DAY, max_days = INT64_MAX / BK_MICROS_PER_DAY;
    if (days < min_days || days > max_days) return false;
    int64_t base = days * BK_MICROS_PER_DAY;
    if (base > INT64_MAX - of_day) return false;
    *out = base + of_day;
    return true;
}

bool bk_parse_time(const char *s, size_t len, int64_t *out) {
    cursor c = make_cursor(s, len);
    int64_t micros;
    if (!parse_time_part(&c, &micros) || c.pos != c.end) return false;
    *out = micros;
    return true;
}
