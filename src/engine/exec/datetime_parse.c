/*
 * datetime_parse.c — parsing text with a compiled Spark datetime pattern.
 *
 * Two phases, as in java.time: the items consume the text and record fields
 * (a field seen twice with different values fails there, at the second one's
 * index), then the fields resolve into a date, a time and a zone with STRICT
 * range checks and Spark's defaults (DateTimeFormatterHelper.toLocalDate /
 * toLocalTime).  Error messages are java.time's, which Spark passes through as the
 * <message> of CANNOT_PARSE_TIMESTAMP.
 *
 * Optional sections backtrack: the fields and position are saved at '[' and put
 * back if anything inside fails.
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "engine/exec/datetime_format.h"
#include "engine/exec/datetime_format_int.h"

enum {
    F_ERA,
    F_YEAR, /* proleptic ('u', or 'y' without G) */
    F_YOE,  /* year of era ('y' with G) */
    F_MONTH,
    F_DOM,
    F_DOY,
    F_AMPM,
    F_HOD,   /* H */
    F_CHOD,  /* k */
    F_HOAP,  /* K */
    F_CHOAP, /* h */
    F_MIN,
    F_SEC,
    F_NANO,
    F_OFFSET, /* seconds */
    F_COUNT
};

typedef struct parsed {
    int64_t v[F_COUNT];
    uint32_t set; /* bit per F_* */
    const bk_tz *zone;
} parsed;

typedef struct pstate {
    const exec_dtfmt *f;
    const char *s;
    size_t len;
    parsed p;
} pstate;

static bool has(const parsed *p, int field) { return (p->set >> field) & 1u; }

/* Record a field; false if it was already set to something else. */
static bool set_field(parsed *p, int field, int64_t value) {
    if (has(p, field) && p->v[field] != value) return false;
    p->v[field] = value;
    p->set |= 1u << field;
    return true;
}

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Case-insensitive match of word at s[pos..len). */
static bool match_word(const char *s, size_t len, size_t pos, const char *word) {
    size_t n = strlen(word);
    if (pos + n > len) return false;
    for (size_t i = 0; i < n; i++)
        if (lower(s[pos + i]) != lower(word[i])) return false;
    return true;
}

/* The longest of `n` names matching at pos; its index, or -1. */
static int match_names(const pstate *st, size_t pos, const char *const *names, int n,
                       size_t *consumed) {
    int best = -1;
    size_t best_len = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        if (l > best_len && match_word(st->s, st->len, pos, names[i])) best = i, best_len = l;
    }
    *consumed = best_len;
    return best;
}

/*
 * A number at pos by java.time's NumberPrinterParser (strict): returns the new
 * position, or -1 (the error is at pos).
 */
static long parse_number(const pstate *st, const dt_item *it, size_t pos, int64_t *out) {
    size_t p = pos;
    bool negative = false, positive = false;
    if (p < st->len && (st->s[p] == '-' || st->s[p] == '+') && it->sign != SIGN_NONE) {
        if (st->s[p] == '+' && it->sign != SIGN_EXCEEDS_PAD) return -1;
        negative = st->s[p] == '-';
        positive = !negative;
        p++;
    }
    size_t avail = 0;
    while (p + avail < st->len && is_digit(st->s[p + avail]) && avail < 19u + it->reserve) avail++;
    size_t take = avail > it->reserve ? avail - it->reserve : 0;
    if (take > it->max_w) take = it->max_w;
    if (take < it->min_w || take == 0) return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < take; i++) {
        unsigned d = (unsigned)(st->s[p + i] - '0');
        if (v > (UINT64_C(9223372036854775807) - d) / 10) return -1;
        v = v * 10 + d;
    }
    if (it->sign == SIGN_EXCEEDS_PAD && !negative) {
        /* strict EXCEEDS_PAD: '+' exactly when more digits than the pattern's width */
        if (positive && take <= it->count) return -1;
        if (!positive && take > it->count) return -1;
    }
    *out = negative ? -(int64_t)v : (int64_t)v;
    return (long)(p + take);
}

/* An offset "+HH[[:]MM[[:]SS]]" at pos; new position or -1. */
static long parse_offset_num(const pstate *st, size_t pos, int min_parts, int max_parts, bool colon,
                             int64_t *off) {
    if (pos >= st->len || (st->s[pos] != '+' && st->s[pos] != '-')) return -1;
    int sign = st->s[pos] == '-' ? -1 : 1;
    size_t p = pos + 1;
    int parts[3] = {0, 0, 0}, n = 0;
    while (n < max_parts) {
        size_t q = p;
        if (n > 0 && colon) {
            if (q >= st->len || st->s[q] != ':') break;
            q++;
        }
        if (q + 2 > st->len || !is_digit(st->s[q]) || !is_digit(st->s[q + 1])) break;
        parts[n++] = (st->s[q] - '0') * 10 + st->s[q + 1] - '0';
        p = q + 2;
    }
    if (n < min_parts || parts[0] > 18 || parts[1] > 59 || parts[2] > 59) return -1;
    *off = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
    return (long)p;
}

/* "GMT" [sign H[H][:MM[:SS]]] (O / ZZZZ) at pos; new position or -1. */
static long parse_gmt(const pstate *st, size_t pos, int64_t *off) {
    if (!match_word(st->s, st->len, pos, "GMT")) return -1;
    size_t p = pos + 3;
    *off = 0;
    if (p >= st->len || (st->s[p] != '+' && st->s[p] != '-')) return (long)p;
    int sign = st->s[p] == '-' ? -1 : 1;
    size_t q = p + 1;
    int h = 0, nd = 0;
    while (q < st->len && is_digit(st->s[q]) && nd < 2) h = h * 10 + st->s[q++] - '0', nd++;
    if (nd == 0 || h > 18) return (long)p;
    int m = 0, s = 0;
    if (q + 3 <= st->len && st->s[q] == ':' && is_digit(st->s[q + 1]) && is_digit(st->s[q + 2])) {
        m = (st->s[q + 1] - '0') * 10 + st->s[q + 2] - '0';
        q += 3;
        if (q + 3 <= st->len && st->s[q] == ':' && is_digit(st->s[q + 1]) &&
            is_digit(st->s[q + 2])) {
            s = (st->s[q + 1] - '0') * 10 + st->s[q + 2] - '0';
            q += 3;
        }
    }
    *off = sign * (h * 3600 + m * 60 + s);
    return (long)q;
}

/* Common zone abbreviations java.time's English zone-text parser maps to regions. */
static const char *const ZONE_ABBREVS[][2] = {
    {"UTC", "UTC"},
    {"GMT", "GMT"},
    {"PST", "America/Los_Angeles"},
    {"PDT", "America/Los_Angeles"},
    {"MST", "America/Denver"},
    {"MDT", "America/Denver"},
    {"CST", "America/Chicago"},
    {"CDT", "America/Chicago"},
    {"EST", "America/New_York"},
    {"EDT", "America/New_York"},
    {"AKST", "America/Anchorage"},
    {"AKDT", "America/Anchorage"},
    {"HST", "Pacific/Honolulu"},
    {"CET", "CET"},
    {"CEST", "Europe/Paris"},
    {"BST", "Europe/London"},
    {"JST", "Asia/Tokyo"},
    {"IST", "Asia/Kolkata"},
};

/* A zone ID (region or offset form) at pos, longest that opens; new position or -1. */
static long parse_zone_id(const pstate *st, size_t pos, const bk_tz **zone) {
    size_t end = pos;
    while (end < st->len && end - pos < BK_TZ_NAME_MAX - 1) {
        char c = st->s[end];
        if (!(is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'z') || strchr("~/._+-:", c))) break;
        end++;
    }
    for (size_t e = end; e > pos; e--) {
        const bk_tz *tz;
        if (bk_tz_open_n(st->s + pos, e - pos, &tz, NULL) == BK_OK) {
            *zone = tz;
            return (long)e;
        }
    }
    return -1;
}

/* One field item at pos; new position or -1 (error at pos). */
static long parse_field(pstate *st, const dt_item *it, size_t pos) {
    parsed *p = &st->p;
    int64_t v = 0;
    long next;
    size_t used;
    int idx;
    switch (it->letter) {
    case 'G':
        idx = match_names(st, pos,
                          it->count == 4 ? (const char *const[]){"Before Christ", "Anno Domini"}
                                         : (const char *const[]){"BC", "AD"},
                          2, &used);
        if (idx < 0 || !set_field(p, F_ERA, idx)) return -1;
        return (long)(pos + used);
    case 'u':
    case 'y':
        next = parse_number(st, it, pos, &v);
        if (next < 0) return -1;
        if (it->count == 2) v += 2000; /* ReducedPrinterParser, base 2000 */
        if (!set_field(p, it->letter == 'u' ? F_YEAR : F_YOE, v)) return -1;
        return next;
    case 'M':
    case 'L':
        if (it->count >= 3) {
            idx = match_names(st, pos, it->count == 3 ? exec_dt_month_short : exec_dt_month_full,
                              12, &used);
            if (idx < 0 || !set_field(p, F_MONTH, idx + 1)) return -1;
            return (long)(pos + used);
        }
        next = parse_number(st, it, pos, &v);
        return next >= 0 && set_field(p, F_MONTH, v) ? next : -1;
    case 'a':
        idx = match_names(st, pos, (const char *const[]){"AM", "PM"}, 2, &used);
        if (idx < 0 || !set_field(p, F_AMPM, idx)) return -1;
        return (long)(pos + used);
    case 'S': {
        size_t n = 0;
        int64_t nanos = 0;
        while (pos + n < st->len && n < it->max_w && is_digit(st->s[pos + n])) {
            nanos = nanos * 10 + (st->s[pos + n] - '0');
            n++;
        }
        if (n < it->min_w || n == 0) return -1;
        for (size_t k = n; k < 9; k++) nanos *= 10;
        return set_field(p, F_NANO, nanos) ? (long)(pos + n) : -1;
    }
    case 'V': {
        const bk_tz *tz = NULL;
        next = parse_zone_id(st, pos, &tz);
        if (next < 0) return -1;
        p->zone = tz;
        return next;
    }
    case 'z': {
        for (size_t i = 0; i < BK_ARRAY_LEN(ZONE_ABBREVS); i++) {
            if (match_word(st->s, st->len, pos, ZONE_ABBREVS[i][0])) {
                size_t n = strlen(ZONE_ABBREVS[i][0]);
                /* a longer abbreviation (CEST vs CET) must not be cut short */
                bool longer = false;
                for (size_t j = 0; j < BK_ARRAY_LEN(ZONE_ABBREVS); j++)
                    if (strlen(ZONE_ABBREVS[j][0]) > n &&
                        match_word(st->s, st->len, pos, ZONE_ABBREVS[j][0]))
                        longer = true;
                if (longer) continue;
                const bk_tz *tz;
                if (bk_tz_open(ZONE_ABBREVS[i][1], &tz, NULL) != BK_OK) return -1;
                p->zone = tz;
                return (long)(pos + n);
            }
        }
        const bk_tz *tz = NULL;
        next = parse_zone_id(st, pos, &tz);
        if (next < 0) return -1;
        p->zone = tz;
        return next;
    }
    case 'O':
        next = parse_gmt(st, pos, &v);
        return next >= 0 && set_field(p, F_OFFSET, v) ? next : -1;
    case 'X':
    case 'x':
    case 'Z': {
        int n = it->count;
        if (it->letter == 'Z' && n == 4) {
            next = parse_gmt(st, pos, &v);
            return next >= 0 && set_field(p, F_OFFSET, v) ? next : -1;
        }
        const char *zero = it->letter == 'X' || (it->letter == 'Z' && n == 5) ? "Z" : NULL;
        if (zero && match_word(st->s, st->len, pos, zero))
            return set_field(p, F_OFFSET, 0) ? (long)(pos + 1) : -1;
        int min_parts = 2, max_parts = 2;
        bool colon = false;
        if (it->letter == 'Z') {
            colon = n == 5;
            max_parts = n == 5 ? 3 : 2;
        } else {
            if (n == 1) min_parts = 1;
            if (n == 3 || n == 5) colon = true;
            if (n >= 4) max_parts = 3;
        }
        next = parse_offset_num(st, pos, min_parts, max_parts, colon, &v);
        return next >= 0 && set_field(p, F_OFFSET, v) ? next : -1;
    }
    default: {
        int field;
        switch (it->letter) {
        case 'd':
            field = F_DOM;
            break;
        case 'D':
            field = F_DOY;
            break;
        case 'H':
            field = F_HOD;
            break;
        case 'k':
            field = F_CHOD;
            break;
        case 'K':
            field = F_HOAP;
            break;
        case 'h':
            field = F_CHOAP;
            break;
        case 'm':
            field = F_MIN;
            break;
        case 's':
            field = F_SEC;
            break;
        default:
            return -1; /* letters refused for parsing never get here */
        }
        next = parse_number(st, it, pos, &v);
        return next >= 0 && set_field(p, field, v) ? next : -1;
    }
    }
}

/*
 * Parse items [from, to) at *pos.  Returns true with *pos advanced, or false with
 * *err_pos set.  Optional sections restore the state when they fail.
 */
static bool parse_items(pstate *st, uint32_t from, uint32_t to, size_t *pos, size_t *err_pos) {
    for (uint32_t i = from; i < to; i++) {
        const dt_item *it = &st->f->items[i];
        if (it->kind == ITEM_LITERAL) {
            const char *lit = st->f->text + it->lit_off;
            for (uint32_t k = 0; k < it->lit_len; k++) {
                if (*pos >= st->len || lower(st->s[*pos]) != lower(lit[k])) {
                    *err_pos = *pos;
                    return false;
                }
                (*pos)++;
            }
        } else if (it->kind == ITEM_FIELD) {
            long next = parse_field(st, it, *pos);
            if (next < 0) {
                *err_pos = *pos;
                return false;
            }
            *pos = (size_t)next;
        } else if (it->kind == ITEM_OPT_START) {
            parsed saved = st->p;
            size_t p = *pos, ignored;
            if (parse_items(st, i + 1, it->match, &p, &ignored)) {
                *pos = p;
            } else {
                st->p = saved;
            }
            i = it->match;
        }
    }
    return true;
}

/* ---------- resolving ---------- */

typedef struct resolved {
    int64_t days;
    int64_t micros_of_day;
} resolved;

static const char *const FIELD_NAMES[F_COUNT] = {"Era",
                                                 "Year",
                                                 "YearOfEra",
                                                 "MonthOfYear",
                                                 "DayOfMonth",
                                                 "DayOfYear",
                                                 "AmPmOfDay",
                                                 "HourOfDay",
                                                 "ClockHourOfDay",
                                                 "HourOfAmPm",
                                                 "ClockHourOfAmPm",
                                                 "MinuteOfHour",
                                                 "SecondOfMinute",
                                                 "NanoOfSecond",
                                                 "OffsetSeconds"};

/* CANNOT_PARSE_TIMESTAMP with java.time's message `msg`. */
static bk_status parse_error(bk_error *err, const char *try_fn, const char *msg) {
    return bk_error_set(err, BK_CANNOT_PARSE_TIMESTAMP,
                        "%s. Use `%s` to tolerate invalid input string and return NULL instead.",
                        msg, try_fn);
}

/* Range check of a parsed field; false with `why` filled. */
static bool check_range(const parsed *p, int field, int64_t lo, int64_t hi, const char *range,
                        char *why, size_t cap) {
    if (!has(p, field)) return true;
    int64_t v = p->v[field];
    if (v >= lo && v <= hi) return true;
    snprintf(why, cap, "Invalid value for %s (valid values %s): %lld", FIELD_NAMES[field], range,
             (long long)v);
    return false;
}

static bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* LocalDate.of's check; false with java.time's message. */
static bool valid_date(int64_t y, int m, int d, char *why, size_t cap) {
    if (d <= 28 || d <= bk_days_in_month(y, m)) return true;
    if (m == 2 && d == 29)
        snprintf(why, cap, "Invalid date 'February 29' as '%lld' is not a leap year", (long long)y);
    else {
        char upper[16];
        snprintf(upper, sizeof upper, "%s", exec_dt_month_full[m - 1]);
        for (char *c = upper; *c; c++)
            if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 32);
        snprintf(why, cap, "Invalid date '%s %d'", upper, d);
    }
    return false;
}

/*
 * Fields -> date and time.  On failure returns false with `why` and sets
 * *in_parse (true when java.time itself fails, so the message gets the
 * "Text '...' could not be parsed: " prefix; false for Spark's own defaults).
 */
static bool resolve(const parsed *p, resolved *r, char *why, size_t cap, bool *in_parse) {
    *in_parse = true;
    if (!check_range(p, F_MONTH, 1, 12, "1 - 12", why, cap) ||
        !check_range(p, F_DOM, 1, 31, "1 - 28/31", why, cap) ||
        !check_range(p, F_DOY, 1, 366, "1 - 365/366", why, cap) ||
        !check_range(p, F_HOD, 0, 23, "0 - 23", why, cap) ||
        !check_range(p, F_CHOD, 1, 24, "1 - 24", why, cap) ||
        !check_range(p, F_HOAP, 0, 11, "0 - 11", why, cap) ||
        !check_range(p, F_CHOAP, 1, 12, "1 - 12", why, cap) ||
        !check_range(p, F_MIN, 0, 59, "0 - 59", why, cap) ||
        !check_range(p, F_SEC, 0, 59, "0 - 59", why, cap) ||
        !check_range(p, F_YEAR, -999999999, 999999999, "-999999999 - 999999999", why, cap) ||
        !check_range(p, F_YOE, 1, 999999999, "1 - 999999999", why, cap))
        return false;

    /* Year: proleptic, or era + year of era, or Spark's default 1970. */
    bool has_year = has(p, F_YEAR) || has(p, F_YOE);
    int64_t year = 1970;
    if (has(p, F_YEAR)) year = p->v[F_YEAR];
    if (has(p, F_YOE)) {
        int64_t y = (!has(p, F_ERA) || p->v[F_ERA] == 1) ? p->v[F_YOE] : 1 - p->v[F_YOE];
        if (has(p, F_YEAR) && y != year) {
            snprintf(why, cap, "Conflict found: Year %lld differs from Year %lld", (long long)year,
                     (long long)y);
            return false;
        }
        year = y;
    }
    bool java_date = has_year && ((has(p, F_MONTH) && has(p, F_DOM)) || has(p, F_DOY));
    *in_parse = java_date;
    if (has(p, F_MONTH) && has(p, F_DOM)) {
        int m = (int)p->v[F_MONTH], d = (int)p->v[F_DOM];
        if (!valid_date(year, m, d, why, cap)) return false;
        r->days = bk_days_from_civil(year, m, d);
        if (has(p, F_DOY) && r->days - bk_days_from_civil(year, 1, 1) + 1 != p->v[F_DOY]) {
            snprintf(why, cap,
                     "Conflict found: Field DayOfYear %lld differs from DayOfYear %lld "
                     "derived from %04lld-%02d-%02d",
                     (long long)(r->days - bk_days_from_civil(year, 1, 1) + 1),
                     (long long)p->v[F_DOY], (long long)year, m, d);
            return false;
        }
    } else if (has(p, F_DOY)) {
        int64_t doy = p->v[F_DOY];
        if (doy == 366 && !leap(year)) {
            snprintf(why, cap, "Invalid date 'DayOfYear 366' as '%lld' is not a leap year",
                     (long long)year);
            return false;
        }
        r->days = bk_days_from_civil(year, 1, 1) + doy - 1;
        int64_t y2;
        int m2, d2;
        bk_civil_from_days(r->days, &y2, &m2, &d2);
        if ((has(p, F_MONTH) && p->v[F_MONTH] != m2) || (has(p, F_DOM) && p->v[F_DOM] != d2)) {
            snprintf(why, cap,
                     "Conflict found: Field %s %lld differs from %s %d derived from "
                     "%04lld-%02d-%02d",
                     has(p, F_MONTH) && p->v[F_MONTH] != m2 ? "MonthOfYear" : "DayOfMonth",
                     (long long)(has(p, F_MONTH) && p->v[F_MONTH] != m2 ? m2 : d2),
                     has(p, F_MONTH) && p->v[F_MONTH] != m2 ? "MonthOfYear" : "DayOfMonth",
                     (int)(has(p, F_MONTH) && p->v[F_MONTH] != m2 ? p->v[F_MONTH] : p->v[F_DOM]),
                     (long long)y2, m2, d2);
            return false;
        }
    } else {
        int m = has(p, F_MONTH) ? (int)p->v[F_MONTH] : 1;
        int d = has(p, F_DOM) ? (int)p->v[F_DOM] : 1;
        if (!valid_date(year, m, d, why, cap)) return false;
        r->days = bk_days_from_civil(year, m, d);
    }

    /* Time of day (toLocalTime): H, then k, then h/K with AM/PM, else the defaults. */
    *in_parse = true;
    int64_t hour = -1;
    if (has(p, F_HOD)) hour = p->v[F_HOD];
    if (has(p, F_CHOD)) {
        int64_t h = p->v[F_CHOD] == 24 ? 0 : p->v[F_CHOD];
        if (hour >= 0 && h != hour) {
            snprintf(why, cap, "Conflict found: HourOfDay %lld differs from HourOfDay %lld",
                     (long long)hour, (long long)h);
            return false;
        }
        hour = h;
    }
    int64_t hoap = -1;
    if (has(p, F_HOAP)) hoap = p->v[F_HOAP];
    if (has(p, F_CHOAP)) {
        int64_t h = p->v[F_CHOAP] == 12 ? 0 : p->v[F_CHOAP];
        if (hoap >= 0 && h != hoap) {
            snprintf(why, cap, "Conflict found: HourOfAmPm %lld differs from HourOfAmPm %lld",
                     (long long)hoap, (long long)h);
            return false;
        }
        hoap = h;
    }
    if (hoap >= 0) {
        int64_t h = has(p, F_AMPM) ? p->v[F_AMPM] * 12 + hoap : hoap;
        if (hour >= 0 && h != hour && has(p, F_AMPM)) {
            snprintf(why, cap, "Conflict found: HourOfDay %lld differs from HourOfDay %lld",
                     (long long)hour, (long long)h);
            return false;
        }
        if (hour < 0) hour = h;
    }
    if (hour < 0) hour = has(p, F_AMPM) && p->v[F_AMPM] == 1 ? 12 : 0;
    int64_t minute = has(p, F_MIN) ? p->v[F_MIN] : 0;
    int64_t second = has(p, F_SEC) ? p->v[F_SEC] : 0;
    int64_t nanos = has(p, F_NANO) ? p->v[F_NANO] : 0;
    r->micros_of_day = ((hour * 60 + minute) * 60 + second) * BK_MICROS_PER_SECOND + nanos / 1000;
    return true;
}

/* Parse and resolve: r gets the local date and time, out the raw fields (zone, offset). */
static bk_status run(const exec_dtfmt *f, const char *text, size_t len, const char *try_fn,
                     resolved *r, parsed *out, bk_error *err) {
    pstate st = {.f = f, .s = text, .len = len};
    size_t pos = 0, err_pos = 0;
    int shown = (int)BK_MIN(len, 300);
    char msg[480];
    if (!parse_items(&st, 0, f->n_items, &pos, &err_pos)) {
        snprintf(msg, sizeof msg, "Text '%.*s' could not be parsed at index %zu", shown, text,
                 err_pos);
        return parse_error(err, try_fn, msg);
    }
    if (pos != len) {
        snprintf(msg, sizeof msg,
                 "Text '%.*s' could not be parsed, unparsed text found at index %zu", shown, text,
                 pos);
        return parse_error(err, try_fn, msg);
    }
    char why[256];
    bool in_parse;
    if (!resolve(&st.p, r, why, sizeof why, &in_parse)) {
        if (in_parse)
            snprintf(msg, sizeof msg, "Text '%.*s' could not be parsed: %s", shown, text, why);
        else
            snprintf(msg, sizeof msg, "%s", why);
        return parse_error(err, try_fn, msg);
    }
    *out = st.p;
    return BK_OK;
}

static bk_status to_micros(int64_t days, int64_t micros_of_day, int64_t *out, bk_error *err) {
    int64_t r;
    if (__builtin_mul_overflow(days, BK_MICROS_PER_DAY, &r) ||
        __builtin_add_overflow(r, micros_of_day, &r))
        return bk_error_set(err, BK_DATETIME_OVERFLOW,
                            "Datetime operation overflow: the parsed value does not fit a "
                            "TIMESTAMP.");
    *out = r;
    return BK_OK;
}

bk_status exec_dtfmt_parse(const exec_dtfmt *f, const char *text, size_t len, const bk_tz *tz,
                           const char *try_fn, int64_t *micros, bk_error *err) {
    resolved r;
    parsed p;
    BK_TRY(run(f, text, len, try_fn ? try_fn : "try_to_timestamp", &r, &p, err));
    int64_t local = 0;
    BK_TRY(to_micros(r.days, r.micros_of_day, &local, err));
    int64_t utc;
    if (has(&p, F_OFFSET)) {
        if (__builtin_sub_overflow(local, p.v[F_OFFSET] * BK_MICROS_PER_SECOND, &utc))
            return to_micros(INT64_MAX, 0, micros, err);
    } else {
        const bk_tz *zone = p.zone ? p.zone : tz ? tz : bk_tz_utc();
        utc = bk_tz_local_to_utc(zone, local);
        if (utc == INT64_MAX || utc == INT64_MIN) return to_micros(INT64_MAX, 0, micros, err);
    }
    *micros = utc;
    return BK_OK;
}

bk_status exec_dtfmt_parse_ntz(const exec_dtfmt *f, const char *text, size_t len,
                               const char *try_fn, int64_t *local_micros, bk_error *err) {
    resolved r;
    parsed p;
    BK_TRY(run(f, text, len, try_fn ? try_fn : "try_to_timestamp", &r, &p, err));
    return to_micros(r.days, r.micros_of_day, local_micros, err);
}

bk_status exec_dtfmt_parse_date(const exec_dtfmt *f, const char *text, size_t len,
                                const char *try_fn, int32_t *days, bk_error *err) {
    resolved r;
    parsed p;
    BK_TRY(run(f, text, len, try_fn ? try_fn : "try_to_date", &r, &p, err));
    if (r.days < INT32_MIN || r.days > INT32_MAX)
        return bk_error_set(err, BK_DATETIME_OVERFLOW,
                            "Datetime operation overflow: the parsed value does not fit a DATE.");
    *days = (int32_t)r.days;
    return BK_OK;
}
