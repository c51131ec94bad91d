/*
 * tz.c — bk_tz: zone names, the TZif reader, POSIX TZ rules, and the zone cache.
 *
 * A zone is one of
 *   - fixed: one offset, no transitions (UTC, +08:00, GMT+8, EST);
 *   - a region: the transitions of its TZif file (UTC seconds, ascending, each with
 *     the offset and abbreviation in effect from then on), the offset before the
 *     first one (TZif time type 0, the local mean time), and the footer rule that
 *     takes over after the last one.
 * Offsets are kept in seconds (every real offset is whole seconds) and turned into
 * µs at the interface.
 *
 * Name resolution follows java.time.ZoneId.of as Spark calls it; see tz.h.  The cache
 * maps the name as given to the loaded zone, so a vector kernel that opens the zone of
 * every row pays one hash lookup per row after the first.
 */
#include "base/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"

#define MAX_OFFSET_SECONDS (18 * 3600)
#define ABBREV_MAX 16

/* One side of a POSIX TZ rule: when DST starts or ends, in local time. */
typedef struct rule_date {
    char kind;    /* 'J' (1..365, no Feb 29), 'D' (0..365 zero-based), 'M' (month.week.day) */
    int day;      /* J/D: the day number; M: day of week 0 = Sunday */
    int month;    /* M only: 1..12 */
    int week;     /* M only: 1..5, 5 = the last */
    int32_t secs; /* time of day of the change, local time before it (may be < 0 or > 24h) */
} rule_date;

/* A footer rule "std offset [dst [offset] [,start,end]]". */
typedef struct posix_rule {
    int32_t std_off; /* seconds east of UTC (POSIX writes them west) */
    int32_t dst_off;
    bool has_dst;
    rule_date start, end;
    char std_name[ABBREV_MAX];
    char dst_name[ABBREV_MAX];
} posix_rule;

struct bk_tz {
    char name[BK_TZ_NAME_MAX]; /* normalized ID (bk_tz_name) */
    bool is_fixed;
    int32_t initial_off; /* seconds; the offset before the first transition */
    char initial_abbrev[ABBREV_MAX];
    size_t n_trans;
    int64_t *trans;     /* n_trans UTC seconds, strictly ascending */
    int32_t *trans_off; /* offset from trans[i] on */
    char (*trans_abbrev)[ABBREV_MAX];
    bool has_rule; /* footer rule valid for instants >= trans[n_trans-1] */
    posix_rule rule;
};

/* ---------- small helpers ---------- */

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t sat_add(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static void copy_str(char *dst, size_t cap, const char *src, size_t len) {
    if (len >= cap) len = cap - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* "+08:00", "-05:30", "+05:30:15"; "Z" for zero when z_for_zero. */
static void format_offset_id(char *dst, size_t cap, int32_t off, bool z_for_zero) {
    if (off == 0 && z_for_zero) {
        snprintf(dst, cap, "Z");
        return;
    }
    int32_t a = off < 0 ? -off : off;
    if (a % 60)
        snprintf(dst, cap, "%c%02d:%02d:%02d", off < 0 ? '-' : '+', (int)(a / 3600),
                 (int)(a / 60 % 60), (int)(a % 60));
    else
        snprintf(dst, cap, "%c%02d:%02d", off < 0 ? '-' : '+', (int)(a / 3600), (int)(a / 60 % 60));
}

/* ---------- POSIX TZ rules (the TZif footer) ---------- */

/* name -> alpha{3,} | '<' [A-Za-z0-9+-]+ '>' */
static bool posix_name(const char **p, char *out) {
    const char *s = *p, *start;
    if (*s == '<') {
        start = ++s;
        while (*s && *s != '>') s++;
        if (*s != '>' || s == start) return false;
        copy_str(out, ABBREV_MAX, start, (size_t)(s - start));
        *p = s + 1;
        return true;
    }
    start = s;
    while (is_alpha(*s)) s++;
    if (s - start < 3) return false;
    copy_str(out, ABBREV_MAX, start, (size_t)(s - start));
    *p = s;
    return true;
}

/* time -> [+|-]h[hh][:mm[:ss]]  (hours up to 167, as RFC 8536 allows) */
static bool posix_time(const char **p, int32_t *out) {
    const char *s = *p;
    int sign = 1;
    if (*s == '+' || *s == '-') sign = (*s++ == '-') ? -1 : 1;
    int32_t parts[3] = {0, 0, 0};
    for (int part = 0; part < 3; part++) {
        if (part > 0) {
            if (*s != ':') break;
            s++;
        }
        if (!is_digit(*s)) return false;
        int32_t v = 0;
        for (int n = 0; is_digit(*s); n++, s++) {
            if (n >= 3) return false;
            v = v * 10 + (*s - '0');
        }
        parts[part] = v;
    }
    if (parts[0] > 167 || parts[1] > 59 || parts[2] > 59) return false;
    *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
    *p = s;
    return true;
}

static bool posix_number(const char **p, int lo, int hi, int *out) {
    const char *s = *p;
    int v = 0, n = 0;
    while (is_digit(*s) && n < 4) v = v * 10 + (*s++ - '0'), n++;
    if (n == 0 || v < lo || v > hi) return false;
    *out = v;
    *p = s;
    return true;
}

/* date -> 'J' n | n | 'M' m '.' w '.' d ;  then an optional '/' time */
static bool posix_date(const char **p, rule_date *d) {
    const char *s = *p;
    d->secs = 7200;
    if (*s == 'J') {
        s++;
        d->kind = 'J';
        if (!posix_number(&s, 1, 365, &d->day)) return false;
    } else if (*s == 'M') {
        s++;
        d->kind = 'M';
        if (!posix_number(&s, 1, 12, &d->month) || *s++ != '.') return false;
        if (!posix_number(&s, 1, 5, &d->week) || *s++ != '.') return false;
        if (!posix_number(&s, 0, 6, &d->day)) return false;
    } else {
        d->kind = 'D';
        if (!posix_number(&s, 0, 365, &d->day)) return false;
    }
    if (*s == '/') {
        s++;
        if (!posix_time(&s, &d->secs)) return false;
    }
    *p = s;
    return true;
}

/* rule -> std offset [dst [offset] [',' date ',' date]]; false if malformed. */
static bool posix_parse(const char *s, posix_rule *r) {
    memset(r, 0, sizeof *r);
    int32_t west;
    if (!posix_name(&s, r->std_name) || !posix_time(&s, &west)) return false;
    r->std_off = -west;
    if (*s == '\0') return true;
    if (!posix_name(&s, r->dst_name)) return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (*s && *s != ',') {
        if (!posix_time(&s, &west)) return false;
        r->dst_off = -west;
    }
    if (*s == '\0') {
        /* No dates: POSIX leaves them to the implementation; use the US rules. */
        r->start = (rule_date){'M', 0, 3, 2, 7200};
        r->end = (rule_date){'M', 0, 11, 1, 7200};
        return true;
    }
    if (*s++ != ',' || !posix_date(&s, &r->start)) return false;
    if (*s++ != ',' || !posix_date(&s, &r->end)) return false;
    return *s == '\0';
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Local seconds since the epoch at which rule date d falls in year y. */
static int64_t rule_local_seconds(const rule_date *d, int64_t y) {
    int64_t days;
    if (d->kind == 'J') {
        days = bk_days_from_civil(y, 1, 1) + d->day - 1 + (is_leap(y) && d->day >= 60 ? 1 : 0);
    } else if (d->kind == 'D') {
        days = bk_days_from_civil(y, 1, 1) + d->day;
    } else {
        int64_t first = bk_days_from_civil(y, d->month, 1);
        int64_t wday = ((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
        days = first + (d->day - wday + 7) % 7 + (int64_t)(d->week - 1) * 7;
        int64_t dim = bk_days_in_month(y, d->month);
        while (days >= first + dim) days -= 7;
    }
    return days * 86400 + d->secs;
}

/* Is DST in effect at UTC second t under rule r (which has DST)? */
static bool rule_is_dst(const posix_rule *r, int64_t t) {
    int64_t year;
    int month, day;
    bk_civil_from_days(floor_div(t + r->std_off, 86400), &year, &month, &day);
    int64_t start = rule_local_seconds(&r->start, year) - r->std_off;
    int64_t end = rule_local_seconds(&r->end, year) - r->dst_off;
    if (start < end) return t >= start && t < end;
    return !(t >= end && t < start); /* southern hemisphere: DST spans the new year */
}

/* ---------- offset lookup ---------- */

/* Offset (seconds) and abbreviation at UTC second t. */
static int32_t offset_at(const bk_tz *tz, int64_t t, const char **abbrev) {
    if (tz->n_trans == 0 || t < tz->trans[0]) {
        if (tz->n_trans == 0 && tz->has_rule) goto by_rule;
        if (abbrev) *abbrev = tz->initial_abbrev;
        return tz->initial_off;
    }
    if (t >= tz->trans[tz->n_trans - 1] && tz->has_rule) goto by_rule;
    /* Binary search: the last transition at or before t. */
    size_t lo = 0, hi = tz->n_trans; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    if (abbrev) *abbrev = tz->trans_abbrev[lo];
    return tz->trans_off[lo];
by_rule:
    if (tz->rule.has_dst && rule_is_dst(&tz->rule, t)) {
        if (abbrev) *abbrev = tz->rule.dst_name;
        return tz->rule.dst_off;
    }
    if (abbrev) *abbrev = tz->rule.std_name;
    return tz->rule.std_off;
}

int64_t bk_tz_utc_offset(const bk_tz *tz, int64_t utc_micros) {
    return (int64_t)offset_at(tz, floor_div(utc_micros, BK_MICROS_PER_SECOND), NULL) *
           BK_MICROS_PER_SECOND;
}

int64_t bk_tz_utc_to_local(const bk_tz *tz, int64_t utc_micros) {
    return sat_add(utc_micros, bk_tz_utc_offset(tz, utc_micros));
}

const char *bk_tz_abbrev(const bk_tz *tz, int64_t utc_micros) {
    if (tz->is_fixed) return tz->name;
    const char *abbrev = tz->initial_abbrev;
    offset_at(tz, floor_div(utc_micros, BK_MICROS_PER_SECOND), &abbrev);
    return abbrev;
}

/*
 * Why this works: every transition (gap or overlap) is at least a few hours from
 * the next one in every zone of the database, and the offsets one day either side
 * of the local time are the "before" and "after" offsets of any transition near it.
 * In a gap neither candidate is consistent and java.time answers local - before;
 * in an overlap both are and it picks the earlier instant, which is local - before
 * too (before > after when clocks fall back).
 */
int64_t bk_tz_local_to_utc(const bk_tz *tz, int64_t local_micros) {
    if (tz->is_fixed) return sat_add(local_micros, -(int64_t)tz->initial_off * 1000000);
    int64_t local_s = floor_div(local_micros, BK_MICROS_PER_SECOND);
    int64_t frac = local_micros - local_s * BK_MICROS_PER_SECOND;
    int32_t before = offset_at(tz, local_s - 86400 * 2, NULL);
    int32_t after = offset_at(tz, local_s + 86400 * 2, NULL);
    int64_t utc_s = local_s - before;
    if (offset_at(tz, utc_s, NULL) != before) {
        int64_t cand = local_s - after;
        if (offset_at(tz, cand, NULL) == after) {
            utc_s = cand;
        } else if (before == after) {
            /* Two transitions within two days (rare): take the offset at the guess. */
            int32_t o = offset_at(tz, utc_s, NULL);
            utc_s = local_s - o;
        }
    }
    int64_t r;
    if (__builtin_mul_overflow(utc_s, BK_MICROS_PER_SECOND, &r)) {
        return utc_s > 0 ? INT64_MAX : INT64_MIN;
    }
    return sat_add(r, frac);
}

const char *bk_tz_name(const bk_tz *tz) { return tz->name; }
bool bk_tz_is_fixed(const bk_tz *tz) { return tz->is_fixed; }

/* ---------- the TZif reader ---------- */

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

typedef struct tzif_counts {
    uint32_t isut, isstd, leap, time, type, chars;
} tzif_counts;

/* The 44-byte header at p (with at least 44 bytes); false if it is not TZif. */
static bool tzif_header(const uint8_t *p, char *version, tzif_counts *c) {
    if (memcmp(p, "TZif", 4) != 0) return false;
    *version = (char)p[4];
    c->isut = be32(p + 20);
    c->isstd = be32(p + 24);
    c->leap = be32(p + 28);
    c->time = be32(p + 32);
    c->type = be32(p + 36);
    c->chars = be32(p + 40);
    return c->type >= 1 && c->type <= 256 && c->time <= 100000 && c->chars <= 4096 &&
           c->leap <= 10000;
}

/* Bytes of the data block after a header, with time values of `tsize` bytes. */
static size_t tzif_block_size(const tzif_counts *c, size_t tsize) {
    return c->time * tsize + c->time + c->type * 6 + c->chars + c->leap * (tsize + 4) + c->isstd +
           c->isut;
}

/*
 * Fill tz from the TZif image data[0..len): the 64-bit block of a v2+ file (the
 * 32-bit one of a v1 file) and the footer rule.  false if malformed or on OOM.
 */
static bool tzif_load(bk_tz *tz, const uint8_t *data, size_t len) {
    char version;
    tzif_counts c;
    if (len < 44 || !tzif_header(data, &version, &c)) return false;
    size_t tsize = 4;
    const uint8_t *p = data + 44;
    const uint8_t *end = data + len;
    if (version >= '2') {
        size_t skip = tzif_block_size(&c, 4);
        if ((size_t)(end - p) < skip + 44) return false;
        p += skip;
        if (!tzif_header(p, &version, &c)) return false;
        p += 44;
        tsize = 8;
    }
    if ((size_t)(end - p) < tzif_block_size(&c, tsize)) return false;
    const uint8_t *times = p;
    const uint8_t *idx = times + c.time * tsize;
    const uint8_t *types = idx + c.time;
    const char *chars = (const char *)(types + c.type * 6);
    const uint8_t *after =
        (const uint8_t *)chars + c.chars + c.leap * (tsize + 4) + c.isstd + c.isut;

    tz->n_trans = c.time;
    if (c.time) {
        tz->trans = bk_calloc(c.time, sizeof *tz->trans);
        tz->trans_off = bk_calloc(c.time, sizeof *tz->trans_off);
        tz->trans_abbrev = bk_calloc(c.time, sizeof *tz->trans_abbrev);
        if (!tz->trans || !tz->trans_off || !tz->trans_abbrev) return false;
    }
    for (uint32_t i = 0; i < c.type; i++) {
        uint32_t ab = types[i * 6 + 5];
        if (ab >= c.chars || (int32_t)be32(types + i * 6) < -(26 * 3600) ||
            (int32_t)be32(types + i * 6) > 26 * 3600)
            return false;
    }
    for (uint32_t i = 0; i < c.time; i++) {
        int64_t t = tsize == 8 ? (int64_t)be64(times + i * 8) : (int32_t)be32(times + i * 4);
        if (i > 0 && t <= tz->trans[i - 1]) return false;
        uint32_t ty = idx[i];
        if (ty >= c.type) return false;
        tz->trans[i] = t;
        tz->trans_off[i] = (int32_t)be32(types + ty * 6);
        const char *ab = chars + types[ty * 6 + 5];
        copy_str(tz->trans_abbrev[i], ABBREV_MAX, ab, strnlen(ab, c.chars - types[ty * 6 + 5]));
    }
    /* RFC 8536: time type 0 applies before the first transition. */
    tz->initial_off = (int32_t)be32(types);
    copy_str(tz->initial_abbrev, ABBREV_MAX, chars + types[5],
             strnlen(chars + types[5], c.chars - types[5]));

    /* The footer: "\n" rule "\n" (v2+ only; an empty rule means none). */
    if (tsize == 8 && end - after >= 2 && after[0] == '\n') {
        const uint8_t *nl = memchr(after + 1, '\n', (size_t)(end - after - 1));
        size_t rlen = nl ? (size_t)(nl - after - 1) : 0;
        if (nl && rlen > 0 && rlen < 128) {
            char text[128];
            copy_str(text, sizeof text, (const char *)after + 1, rlen);
            tz->has_rule = posix_parse(text, &tz->rule);
        }
    }
    if (tz->n_trans == 0 && !tz->has_rule) tz->is_fixed = true;
    return true;
}

/* Read the whole file into a bk_malloc'ed buffer; NULL if unreadable or too big. */
static uint8_t *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0;
    uint8_t *buf = bk_malloc(cap);
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) break;
        if (len == cap) {
            if (cap >= (size_t)1 << 22) { /* 4 MiB: no zone file is anywhere near */
                bk_free(buf);
                buf = NULL;
                break;
            }
            uint8_t *grown = bk_realloc(buf, cap * 2);
            if (!grown) {
                bk_free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    *len_out = len;
    return buf;
}

static void tz_free(bk_tz *tz) {
    if (!tz) return;
    bk_free(tz->trans);
    bk_free(tz->trans_off);
    bk_free(tz->trans_abbrev);
    bk_free(tz);
}

/* Load region `id` from the tz database; NULL if absent or not TZif. */
static bk_tz *load_region(const char *id) {
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir) dir = "/usr/share/zoneinfo";
    char path[1024];
    int n = snprintf(path, sizeof path, "%s/%s", dir, id);
    if (n < 0 || (size_t)n >= sizeof path) return NULL;
    size_t len = 0;
    uint8_t *data = read_file(path, &len);
    if (!data) return NULL;
    bk_tz *tz = bk_calloc(1, sizeof *tz);
    if (tz && !tzif_load(tz, data, len)) {
        tz_free(tz);
        tz = NULL;
    }
    bk_free(data);
    if (tz) copy_str(tz->name, sizeof tz->name, id, strlen(id));
    return tz;
}

static bk_tz *make_fixed(const char *name, int32_t off) {
    bk_tz *tz = bk_calloc(1, sizeof *tz);
    if (!tz) return NULL;
    copy_str(tz->name, sizeof tz->name, name, strlen(name));
    tz->is_fixed = true;
    tz->initial_off = off;
    copy_str(tz->initial_abbrev, ABBREV_MAX, name, strlen(name));
    return tz;
}

/* ---------- name resolution (java.time.ZoneId.of) ---------- */

/* ZoneId.SHORT_IDS: the three-letter IDs java.time still maps. */
static const char *const SHORT_IDS[][2] = {
    {"ACT", "Australia/Darwin"},
    {"AET", "Australia/Sydney"},
    {"AGT", "America/Argentina/Buenos_Aires"},
    {"ART", "Africa/Cairo"},
    {"AST", "America/Anchorage"},
    {"BET", "America/Sao_Paulo"},
    {"BST", "Asia/Dhaka"},
    {"CAT", "Africa/Harare"},
    {"CNT", "America/St_Johns"},
    {"CST", "America/Chicago"},
    {"CTT", "Asia/Shanghai"},
    {"EAT", "Africa/Addis_Ababa"},
    {"ECT", "Europe/Paris"},
    {"EST", "-05:00"},
    {"HST", "-10:00"},
    {"IET", "America/Indiana/Indianapolis"},
    {"IST", "Asia/Kolkata"},
    {"JST", "Asia/Tokyo"},
    {"MIT", "Pacific/Apia"},
    {"MST", "-07:00"},
    {"NET", "Asia/Yerevan"},
    {"NST", "Pacific/Auckland"},
    {"PLT", "Asia/Karachi"},
    {"PNT", "America/Phoenix"},
    {"PRT", "America/Puerto_Rico"},
    {"PST", "America/Los_Angeles"},
    {"SST", "Pacific/Guadalcanal"},
    {"VST", "Asia/Ho_Chi_Minh"},
};

/*
 * ZoneOffset.of on s[0..len) (s[0] is the sign): ±h, ±hh, ±hhmm, ±hh:mm, ±hhmmss,
 * ±hh:mm:ss, within ±18:00.  false if malformed or out of range.
 */
static bool parse_offset(const char *s, size_t len, int32_t *out) {
    if (len < 2 || (s[0] != '+' && s[0] != '-')) return false;
    const char *d = s + 1;
    size_t n = len - 1;
    int h, m = 0, sec = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_digit(d[i]) && !(d[i] == ':' && (i == 2 || i == 5))) return false;
    switch (n) {
    case 1:
        h = d[0] - '0';
        break;
    case 2:
        h = (d[0] - '0') * 10 + d[1] - '0';
        break;
    case 4:
    case 5:
    case 6:
    case 8: {
        bool colon = n == 5 || n == 8;
        if (colon != (d[2] == ':')) return false;
        h = (d[0] - '0') * 10 + d[1] - '0';
        const char *mm = d + (colon ? 3 : 2);
        if (!is_digit(mm[0]) || !is_digit(mm[1])) return false;
        m = (mm[0] - '0') * 10 + mm[1] - '0';
        if (n == 6 || n == 8) {
            const char *ss = mm + 2;
            if (colon != (*ss == ':')) return false;
            if (colon) ss++;
            if (!is_digit(ss[0]) || !is_digit(ss[1])) return false;
            sec = (ss[0] - '0') * 10 + ss[1] - '0';
        }
        break;
    }
    default:
        return false;
    }
    if (h > 18 || m > 59 || sec > 59) return false;
    int32_t total = h * 3600 + m * 60 + sec;
    if (total > MAX_OFFSET_SECONDS) return false;
    *out = s[0] == '-' ? -total : total;
    return true;
}

/*
 * Spark's pre-Java-8 forms (DateTimeUtils.getZoneId): "+h:" gets a leading zero on
 * the hour and a trailing "+hh:m" one on the minute.  Writes into buf.
 */
static void spark_normalize(const char *in, size_t len, char *buf, size_t cap) {
    size_t o = 0;
    bool first_done = false;
    for (size_t i = 0; i < len && o + 2 < cap; i++) {
        buf[o++] = in[i];
        if (!first_done && (in[i] == '+' || in[i] == '-') && i + 2 < len && is_digit(in[i + 1]) &&
            in[i + 2] == ':') {
            buf[o++] = '0';
            first_done = true;
        }
    }
    buf[o] = '\0';
    /* (+|-)(dd):(d)$  ->  $1$2:0$3 */
    if (o >= 5 && is_digit(buf[o - 1]) && buf[o - 2] == ':' && is_digit(buf[o - 3]) &&
        is_digit(buf[o - 4]) && (buf[o - 5] == '+' || buf[o - 5] == '-') && o + 1 < cap) {
        buf[o] = buf[o - 1];
        buf[o - 1] = '0';
        buf[++o] = '\0';
    }
}

/* ZoneRegion.checkName: [A-Za-z][A-Za-z0-9~/._+-]+, plus no "..", no leading '/'. */
static bool valid_region_id(const char *id) {
    size_t len = strlen(id);
    if (len < 2 || !is_alpha(id[0]) || strstr(id, "..") || strstr(id, "//")) return false;
    for (size_t i = 0; i < len; i++) {
        char ch = id[i];
        if (!is_alpha(ch) && !is_digit(ch) && !strchr("~/._+-", ch)) return false;
    }
    /* Not zones, though files of those names may sit in the directory. */
    if (strncmp(id, "posix/", 6) == 0 || strncmp(id, "right/", 6) == 0) return false;
    return true;
}

/* Resolve a name to a new zone (not cached); NULL if Spark would refuse it. */
static bk_tz *resolve(const char *raw, size_t raw_len, bool *oom) {
    char id[BK_TZ_NAME_MAX + 4];
    spark_normalize(raw, raw_len, id, sizeof id);
    for (size_t i = 0; i < BK_ARRAY_LEN(SHORT_IDS); i++) {
        if (strcmp(id, SHORT_IDS[i][0]) == 0) {
            copy_str(id, sizeof id, SHORT_IDS[i][1], strlen(SHORT_IDS[i][1]));
            break;
        }
    }
    size_t len = strlen(id);
    bk_tz *tz = NULL;
    int32_t off;
    if (strcmp(id, "Z") == 0) {
        tz = make_fixed("Z", 0);
    } else if (id[0] == '+' || id[0] == '-') {
        if (!parse_offset(id, len, &off)) return NULL;
        char name[32];
        format_offset_id(name, sizeof name, off, true);
        tz = make_fixed(name, off);
    } else {
        size_t plen = (strncmp(id, "UTC", 3) == 0 || strncmp(id, "GMT", 3) == 0) ? 3
                      : strncmp(id, "UT", 2) == 0                                ? 2
                                                                                 : 0;
        if (plen && (len == plen || id[plen] == '+' || id[plen] == '-')) {
            off = 0;
            if (len > plen && !parse_offset(id + plen, len - plen, &off)) return NULL;
            char name[40];
            if (off == 0) {
                copy_str(name, sizeof name, id, plen);
            } else {
                copy_str(name, sizeof name, id, plen);
                format_offset_id(name + plen, sizeof name - plen, off, false);
            }
            tz = make_fixed(name, off);
        } else {
            if (!valid_region_id(id)) return NULL;
            tz = load_region(id);
            if (!tz) return NULL;
        }
    }
    if (!tz) *oom = true;
    return tz;
}

/* ---------- the process-wide cache ---------- */

#define CACHE_BUCKETS 256

typedef struct cache_entry {
    struct cache_entry *next;
    const bk_tz *tz;
    char key[BK_TZ_NAME_MAX];
} cache_entry;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cache_entry *cache[CACHE_BUCKETS];

static uint32_t hash_name(const char *s, size_t len) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static const bk_tz UTC_ZONE = {.name = "UTC", .is_fixed = true, .initial_abbrev = "UTC"};

const bk_tz *bk_tz_utc(void) { return &UTC_ZONE; }

static bk_status invalid_tz(bk_error *err, const char *name, size_t len) {
    return bk_error_set(
        err, BK_INVALID_TIMEZONE,
        "The timezone: %.*s is invalid. The timezone must be either a region-based zone ID or "
        "a zone offset. Region IDs must have the form 'area/city', such as "
        "'America/Los_Angeles'. Zone offsets must be in the format '(+|-)HH', '(+|-)HH:mm\xe2"
        "\x80\x99 or '(+|-)HH:mm:ss', e.g '-08' , '+01:00' or '-13:33:33', and must be in the "
        "range from -18:00 to +18:00. 'Z' and 'UTC' are accepted as synonyms for '+00:00'.",
        (int)BK_MIN(len, 200), name);
}

bk_status bk_tz_open_n(const char *name, size_t len, const bk_tz **out, bk_error *err) {
    if (len == 0 || len >= BK_TZ_NAME_MAX || memchr(name, '\0', len))
        return invalid_tz(err, name, len);
    if (len == 3 && memcmp(name, "UTC", 3) == 0) {
        *out = &UTC_ZONE;
        return BK_OK;
    }
    uint32_t bucket = hash_name(name, len) % CACHE_BUCKETS;
    pthread_mutex_lock(&cache_lock);
    for (cache_entry *e = cache[bucket]; e; e = e->next) {
        if (strlen(e->key) == len && memcmp(e->key, name, len) == 0) {
            *out = e->tz;
            pthread_mutex_unlock(&cache_lock);
            return BK_OK;
        }
    }
    /*
     * Why the file is read under the lock: a miss happens once per zone name per
     * process, and holding the lock keeps two threads from loading the same zone.
     */
    bool oom = false;
    bk_tz *tz = resolve(name, len, &oom);
    cache_entry *e = tz ? bk_calloc(1, sizeof *e) : NULL;
    if (tz && !e) {
        tz_free(tz);
        tz = NULL;
        oom = true;
    }
    if (tz) {
        copy_str(e->key, sizeof e->key, name, len);
        e->tz = tz;
        e->next = cache[bucket];
        cache[bucket] = e;
    }
    pthread_mutex_unlock(&cache_lock);
    if (oom) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory loading time zone");
    if (!tz) return invalid_tz(err, name, len);
    *out = tz;
    return BK_OK;
}

bk_status bk_tz_open(const char *name, const bk_tz **out, bk_error *err) {
    return bk_tz_open_n(name, strlen(name), out, err);
}

bk_status bk_tz_conf_error(const char *name, bk_error *err) {
    return bk_error_reset(err, BK_INVALID_CONF_TIME_ZONE,
                          "The value '%s' in the config \"spark.sql.session.timeZone\" is "
                          "invalid. Cannot resolve the given timezone.",
                          name);
}
