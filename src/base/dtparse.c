/*
 * dtparse.c — Spark's lenient date/timestamp text grammar (see dtparse.h).
 *
 * One cursor walks the trimmed text left to right: date fields, then the optional
 * time fields, then the optional zone.  Each step either consumes its part or
 * fails; nothing backtracks except the optional space before a zone.
 */
#include "base/dtparse.h"

#include "base/clock.h"

typedef struct cursor {
    const char *s;
    size_t pos;
    size_t end;
} cursor;

static bool is_trim_char(char c) { return (unsigned char)c <= ' '; }

static cursor make_cursor(const char *s, size_t len) {
    cursor c = {s, 0, len};
    while (c.pos < c.end && is_trim_char(s[c.pos])) c.pos++;
    while (c.end > c.pos && is_trim_char(s[c.end - 1])) c.end--;
    return c;
}

static bool done(const cursor *c) { return c->pos >= c->end; }
static bool at(const cursor *c, char ch) { return c->pos < c->end && c->s[c->pos] == ch; }

static bool eat(cursor *c, char ch) {
    if (!at(c, ch)) return false;
    c->pos++;
    return true;
}

static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* Between min and max digits; false (nothing consumed) when fewer than min. */
static bool digits(cursor *c, int min, int max, int64_t *out) {
    size_t start = c->pos;
    int64_t v = 0;
    int n = 0;
    while (n < max && c->pos < c->end && is_digit(c->s[c->pos])) {
        v = v * 10 + (c->s[c->pos++] - '0');
        n++;
    }
    if (n < min || (c->pos < c->end && is_digit(c->s[c->pos]))) {
        c->pos = start;
        return false;
    }
    *out = v;
    return true;
}

/* ASCII case-insensitive match of `word` at the cursor; consumes it on success. */
static bool eat_word(cursor *c, const char *word) {
    size_t p = c->pos;
    for (; *word; word++, p++) {
        if (p >= c->end) return false;
        char ch = c->s[p];
        if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 'a' + 'A');
        if (ch != *word) return false;
    }
    c->pos = p;
    return true;
}

/* yyyy[-m[m][-d[d]]] into days; *full tells whether the day was written. */
static bool parse_date_fields(cursor *c, int64_t *days, bool *full) {
    bool negative = false;
    if (eat(c, '-'))
        negative = true;
    else
        eat(c, '+');
    int64_t year, month = 1, day = 1;
    *full = false;
    if (!digits(c, 4, 7, &year)) return false;
    if (eat(c, '-')) {
        if (!digits(c, 1, 2, &month)) return false;
        if (eat(c, '-')) {
            if (!digits(c, 1, 2, &day)) return false;
            *full = true;
        }
    }
    if (negative) year = -year;
    if (month < 1 || month > 12 || day < 1 || day > bk_days_in_month(year, (int)month))
        return false;
    *days = bk_days_from_civil(year, (int)month, (int)day);
    return true;
}

bool bk_dtparse_date(const char *s, size_t len, int32_t *out) {
    cursor c = make_cursor(s, len);
    int64_t days;
    bool full;
    if (!parse_date_fields(&c, &days, &full)) return false;
    /* after a full date, a ' ' or 'T' may be followed by anything (Spark ignores it) */
    if (!done(&c) && !(full && (at(&c, ' ') || at(&c, 'T')))) return false;
    if (days < INT32_MIN || days > INT32_MAX) return false;
    *out = (int32_t)days;
    return true;
}

/* h[h]:m[m][:s[s][.fraction]] into µs of the day. */
static bool parse_time_fields(cursor *c, int64_t *micros) {
    int64_t hour, minute, second = 0, frac = 0;
    if (!digits(c, 1, 2, &hour) || !eat(c, ':') || !digits(c, 1, 2, &minute)) return false;
    if (eat(c, ':')) {
        if (!digits(c, 1, 2, &second)) return false;
        if (eat(c, '.')) {
            int n = 0;
            while (c->pos < c->end && is_digit(c->s[c->pos])) {
                if (++n > 9) return false;
                if (n <= 6) frac = frac * 10 + (c->s[c->pos] - '0');
                c->pos++;
            }
            for (int k = n; k < 6; k++) frac *= 10;
        }
    }
    if (hour > 23 || minute > 59 || second > 59) return false;
    *micros = ((hour * 60 + minute) * 60 + second) * BK_MICROS_PER_SECOND + frac;
    return true;
}

/* (+|-)h[h] | (+|-)hh:mm | (+|-)hhmm | (+|-)hh:mm:ss into seconds east of UTC. */
static bool parse_offset(cursor *c, int32_t *seconds) {
    bool negative = at(c, '-');
    if (!eat(c, '+') && !eat(c, '-')) return false;
    int64_t h = 0, m = 0, sec = 0;
    size_t start = c->pos;
    size_t n_digits = 0;
    while (start + n_digits < c->end && is_digit(c->s[start + n_digits])) n_digits++;
    if (n_digits == 4) { /* hhmm */
        if (!digits(c, 4, 4, &h)) return false;
        m = h % 100;
        h /= 100;
    } else {
        if (!digits(c, 1, 2, &h)) return false;
        if (eat(c, ':')) {
            if (!digits(c, 2, 2, &m)) return false;
            if (eat(c, ':') && !digits(c, 2, 2, &sec)) return false;
        }
    }
    if (h > 18 || m > 59 || sec > 59 || (h == 18 && (m || sec))) return false;
    int32_t total = (int32_t)(h * 3600 + m * 60 + sec);
    *seconds = negative ? -total : total;
    return true;
}

/* zone -> Z | UTC | UT | GMT | (UTC|UT|GMT)offset | offset; the whole rest must match. */
static bool parse_zone(cursor *c, int32_t *seconds) {
    *seconds = 0;
    if (eat_word(c, "Z")) return done(c);
    if (eat_word(c, "UTC") || eat_word(c, "GMT") || eat_word(c, "UT")) {
        if (done(c)) return true;
    }
    return parse_offset(c, seconds) && done(c);
}

bool bk_dtparse_timestamp(const char *s, size_t len, bk_dtparse_ts *out) {
    cursor c = make_cursor(s, len);
    int64_t days, of_day = 0;
    bool full;
    if (!parse_date_fields(&c, &days, &full)) return false;
    bool has_zone = false;
    int32_t offset = 0;
    if (!done(&c)) {
        if (!full || !(eat(&c, ' ') || eat(&c, 'T'))) return false;
        if (!done(&c) && is_digit(c.s[c.pos])) {
            if (!parse_time_fields(&c, &of_day)) return false;
        }
        if (!done(&c)) {
            eat(&c, ' ');
            if (!parse_zone(&c, &offset)) return false;
            has_zone = true;
        }
    }
    int64_t min_days = INT64_MIN / BK_MICROS_PER_DAY, max_days = INT64_MAX / BK_MICROS_PER_DAY;
    if (days <= min_days || days >= max_days) return false;
    out->local_micros = days * BK_MICROS_PER_DAY + of_day;
    out->has_zone = has_zone;
    out->zone_offset = offset;
    return true;
}
