/*
 * datetime_format.c — compiling Spark datetime patterns, and formatting with them.
 *
 * Compilation runs Spark's own checks (DateTimeFormatterHelper
 * .convertIncompatiblePattern), then java.time's (DateTimeFormatterBuilder
 * .appendPattern), and maps a refusal to Spark's error class the way Spark does:
 * DATETIME_PATTERN_RECOGNITION when the legacy SimpleDateFormat would have accepted
 * the pattern, the specific class otherwise.  The result is a flat item array
 * (datetime_format_int.h); parsing lives in datetime_parse.c.
 *
 * Formatting splits the instant into local civil fields once and walks the items.
 */
#include "engine/exec/datetime_format.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "engine/exec/datetime_format_int.h"

const char *const exec_dt_month_full[12] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
const char *const exec_dt_month_short[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char *const exec_dt_dow_full[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                         "Friday", "Saturday", "Sunday"};
const char *const exec_dt_dow_short[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

/* ---------- compile: checks ---------- */

static bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/*
 * Would java.text.SimpleDateFormat accept the pattern?  Its letters, any count,
 * except X beyond 3; quotes must balance.
 */
static bool legacy_accepts(const char *p, size_t len) {
    bool quoted = false;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (c == '\'') {
            quoted = !quoted;
            continue;
        }
        if (quoted || !is_letter(c)) continue;
        if (!strchr("GyMdkHmsSEDFwWahKzZYuXL", c)) return false;
        if (c == 'X') {
            size_t n = 1;
            while (i + n < len && p[i + n] == 'X') n++;
            if (n > 3) return false;
            i += n - 1;
        }
    }
    return !quoted;
}

typedef struct compile_ctx {
    const char *pattern;
    size_t len;
    bk_error *err;
} compile_ctx;

/* A refusal: DATETIME_PATTERN_RECOGNITION if the legacy parser takes it, else `code`. */
static bk_status refuse(compile_ctx *c, bk_code code, const char *what) {
    if (legacy_accepts(c->pattern, c->len)) {
        return bk_error_set(
            c->err, BK_DATETIME_PATTERN_RECOGNITION,
            "You may get a different result due to the upgrading to Spark >= 3.0:\n"
            "Fail to recognize '%.*s' pattern in the DateTimeFormatter.\n"
            "1) You can set \"spark.sql.legacy.timeParserPolicy\" to \"LEGACY\" to restore the "
            "behavior before Spark 3.0.\n"
            "2) You can form a valid datetime pattern with the guide from "
            "'https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html'.",
            (int)BK_MIN(c->len, 300), c->pattern);
    }
    switch (code) {
    case BK_DATETIME_WEEK_BASED_PATTERN:
        return bk_error_set(c->err, code,
                            "You may get a different result due to the upgrading to Spark >= "
                            "3.0:\nAll week-based patterns are unsupported since Spark 3.0, "
                            "detected week-based character: %s.\nPlease use the SQL function "
                            "EXTRACT instead.",
                            what);
    case BK_INVALID_DATETIME_PATTERN_LENGTH:
        return bk_error_set(c->err, code,
                            "Unrecognized datetime pattern: %.*s. Too many letters in datetime "
                            "pattern: %s. Please reduce pattern length.",
                            (int)BK_MIN(c->len, 300), c->pattern, what);
    default:
        return bk_error_set(c->err, BK_INVALID_DATETIME_PATTERN_CHAR,
                            "Unrecognized datetime pattern: %.*s. Illegal pattern character "
                            "found in datetime pattern: %s. Please provide legal character.",
                            (int)BK_MIN(c->len, 300), c->pattern, what);
    }
}

/* Spark's checks on the unquoted parts (convertIncompatiblePattern). */
static bk_status spark_checks(compile_ctx *c, bool for_parsing) {
    static const char *const too_long[] = {"GGGGG", "MMMMM", "LLLLL",   "EEEEE",
                                           "QQQQQ", "qqqqq", "yyyyyyy", "YYYYYYY"};
    bool quoted = false;
    size_t run_start = 0;
    for (size_t i = 0; i <= c->len; i++) {
        bool end_of_part = i == c->len || c->pattern[i] == '\'';
        if (!end_of_part) {
            if (quoted) continue;
            char ch = c->pattern[i];
            char one[2] = {ch, '\0'};
            if (strchr("YWwuec", ch)) return refuse(c, BK_DATETIME_WEEK_BASED_PATTERN, one);
            if (strchr("ABnNp", ch) || (for_parsing && strchr("EFqQ", ch)))
                return refuse(c, BK_INVALID_DATETIME_PATTERN_CHAR, one);
            continue;
        }
        if (!quoted) {
            /* The unquoted part run_start..i: look for the too-long styles. */
            for (size_t s = 0; s < BK_ARRAY_LEN(too_long); s++) {
                size_t sl = strlen(too_long[s]);
                for (size_t k = run_start; k + sl <= i; k++) {
                    if (memcmp(c->pattern + k, too_long[s], sl) == 0) {
                        char one[2] = {too_long[s][0], '\0'};
                        return refuse(c, BK_INVALID_DATETIME_PATTERN_LENGTH, one);
                    }
                }
            }
        }
        quoted = !quoted;
        run_start = i + 1;
    }
    return BK_OK;
}

/* ---------- compile: building items ---------- */

typedef struct builder {
    bk_arena *a;
    dt_item *items;
    uint32_t n, cap;
    char *text;
    uint32_t text_len, text_cap;
} builder;

static dt_item *add_item(builder *b, int kind) {
    if (b->n == b->cap) {
        uint32_t cap = b->cap ? b->cap * 2 : 16;
        dt_item *grown = bk_arena_array(b->a, cap, sizeof *grown);
        if (!grown) return NULL;
        if (b->n) memcpy(grown, b->items, b->n * sizeof *grown);
        b->items = grown;
        b->cap = cap;
    }
    dt_item *it = &b->items[b->n++];
    memset(it, 0, sizeof *it);
    it->kind = (uint8_t)kind;
    return it;
}

/* Append one literal character, merging with a literal item just before. */
static bool add_literal_char(builder *b, char ch) {
    if (b->text_len == b->text_cap) {
        uint32_t cap = b->text_cap ? b->text_cap * 2 : 64;
        char *grown = bk_arena_alloc(b->a, cap);
        if (!grown) return false;
        if (b->text_len) memcpy(grown, b->text, b->text_len);
        b->text = grown;
        b->text_cap = cap;
    }
    dt_item *last = b->n ? &b->items[b->n - 1] : NULL;
    if (!last || last->kind != ITEM_LITERAL || last->lit_off + last->lit_len != b->text_len) {
        last = add_item(b, ITEM_LITERAL);
        if (!last) return false;
        last->lit_off = b->text_len;
    }
    b->text[b->text_len++] = ch;
    last->lit_len++;
    return true;
}

/*
 * Check letter × count against java.time's appendPattern and fill the item's
 * parse widths.  Returns BK_OK, or a refusal (with the message set).
 */
static bk_status field_item(compile_ctx *c, dt_item *it, char letter, size_t count, bool has_era,
                            bool for_parsing) {
    char run[16];
    snprintf(run, sizeof run, "%c", letter);
    if (count > 19) return refuse(c, BK_INVALID_DATETIME_PATTERN_LENGTH, run);
    it->letter = letter;
    it->count = (uint8_t)count;
    it->numeric = true;
    it->sign = SIGN_NONE;
    it->min_w = (uint8_t)count;
    it->max_w = (uint8_t)count;
    switch (letter) {
    case 'y':
        if (!has_era) it->letter = 'u'; /* Spark: year-of-era becomes the proleptic year */
        if (count == 2) {
            it->min_w = it->max_w = 2;
        } else {
            it->max_w = 19;
            it->sign = count < 4 ? SIGN_NORMAL : SIGN_EXCEEDS_PAD;
        }
        return BK_OK;
    case 'M':
    case 'L':
    case 'Q':
    case 'q':
    case 'E':
    case 'G':
        if (count > 5) return refuse(c, BK_INVALID_DATETIME_PATTERN_LENGTH, run);
        if (letter == 'G' || letter == 'E' || count >= 3) {
            it->numeric = false;
            return BK_OK;
        }
        if (count == 1) it->max_w = 19, it->sign = SIGN_NORMAL;
        return BK_OK;
    case 'd':
    case 'h':
    case 'H':
    case 'k':
    case 'K':
    case 'm':
    case 's':
        if (count > 2) return refuse(c, BK_INVALID_DATETIME_PATTERN_LENGTH, run);
        if (count == 1) it->max_w = 19, it->sign = SIGN_NORMAL;
        return BK_OK;
    case 'D':
        if (count > 3) return refuse(c, BK_INVALID_DATETIME_PATTERN_LENGTH, run);
        if (count == 1) it->max_w = 19, it->sign = SIGN_NORMAL;
        if (count == 2) it->max_w = 3;
        return BK_OK;
    case 'F':
        if (count > 1) return refuse(c, BK_INVALID_DATETIME_PATTERN_LENGTH, run);
        return BK_OK;
    case 'S':
        if (count > 9) return refuse(c, BK_INVALID_DATETIME_PATTERN_LENGTH, run);
        if (for_parsing) it->min_w = 1;
        it->numeric = false; /* a fraction: no sign, not an adjacent-value field */
        return BK_OK;
    case 'a':
        if (count > 1) return refuse(c, BK_INVALID_DATETIME_PATTERN_LENGTH, run);
        it->numeric = false;
        return BK_OK;
    case 'V':
        if (count != 2) return refuse(c, BK_INVALID_DATETIME_PATTERN_CHAR, run);
        it->numeric = false;
        return BK_OK;
    case 'z':
        if (count > 4) return refuse(c, BK_INVALID_DATETIME_PATTERN_LENGTH, run);
        it->numeric = false;
        return BK_OK;
    case 'O':
        if (count != 1 && count != 4) return refuse(c, BK_INVALID_DATETIME_PATTERN_CHAR, run);
        it->numeric = false;
        return BK_OK;
    case 'X':
    case 'x':
    case 'Z':
        if (count > 5) return refuse(c, BK_INVALID_DATETIME_PATTERN_LENGTH, run);
        it->numeric = false;
        return BK_OK;
    case 'v':
    case 'g':
        return bk_error_set(c->err, BK_UNSUPPORTED,
                            "datetime pattern letter '%c' is not supported yet", letter);
    default:
        return refuse(c, BK_INVALID_DATETIME_PATTERN_CHAR, run);
    }
}

/*
 * java.time's adjacent value parsing: a variable-width number followed directly by
 * fixed-width numbers ("yyyyMMdd") leaves their digits to them.
 */
static void mark_adjacent(builder *b) {
    for (uint32_t i = 0; i < b->n; i++) {
        dt_item *it = &b->items[i];
        if (it->kind != ITEM_FIELD || !it->numeric || it->min_w == it->max_w) continue;
        unsigned reserve = 0;
        for (uint32_t j = i + 1; j < b->n; j++) {
            dt_item *next = &b->items[j];
            if (next->kind != ITEM_FIELD || !next->numeric || next->min_w != next->max_w) break;
            reserve += next->max_w;
        }
        it->reserve = (uint8_t)BK_MIN(reserve, 200u);
    }
}

bk_status exec_dtfmt_compile(bk_arena *a, const char *pattern, size_t len, bool for_parsing,
                             const exec_dtfmt **out, bk_error *err) {
    compile_ctx c = {pattern, len, err};
    BK_TRY(spark_checks(&c, for_parsing));

    bool has_era = false, quoted = false;
    for (size_t i = 0; i < len; i++) {
        if (pattern[i] == '\'')
            quoted = !quoted;
        else if (!quoted && pattern[i] == 'G')
            has_era = true;
    }

    builder b = {.a = a};
    uint32_t open[32];
    int depth = 0;
    for (size_t i = 0; i < len;) {
        char ch = pattern[i];
        if (ch == '\'') {
            /* '' is a quote; 'text' is literal text, in which '' is a quote too. */
            if (i + 1 < len && pattern[i + 1] == '\'') {
                if (!add_literal_char(&b, '\'')) return bk_arena_oom(a, err);
                i += 2;
                continue;
            }
            size_t j = i + 1;
            for (;;) {
                if (j >= len) return refuse(&c, BK_INVALID_DATETIME_PATTERN_CHAR, "'");
                if (pattern[j] == '\'') {
                    if (j + 1 < len && pattern[j + 1] == '\'') {
                        if (!add_literal_char(&b, '\'')) return bk_arena_oom(a, err);
                        j += 2;
                        continue;
                    }
                    break;
                }
                if (!add_literal_char(&b, pattern[j])) return bk_arena_oom(a, err);
                j++;
            }
            i = j + 1;
        } else if (is_letter(ch)) {
            size_t count = 1;
            while (i + count < len && pattern[i + count] == ch) count++;
            dt_item *it = add_item(&b, ITEM_FIELD);
            if (!it) return bk_arena_oom(a, err);
            BK_TRY(field_item(&c, it, ch, count, has_era, for_parsing));
            i += count;
        } else if (ch == '[') {
            if (depth == (int)BK_ARRAY_LEN(open))
                return refuse(&c, BK_INVALID_DATETIME_PATTERN_CHAR, "[");
            if (!add_item(&b, ITEM_OPT_START)) return bk_arena_oom(a, err);
            open[depth++] = b.n - 1;
            i++;
        } else if (ch == ']') {
            if (depth == 0) return refuse(&c, BK_INVALID_DATETIME_PATTERN_CHAR, "]");
            if (!add_item(&b, ITEM_OPT_END)) return bk_arena_oom(a, err);
            b.items[open[--depth]].match = b.n - 1;
            i++;
        } else if (ch == '{' || ch == '}' || ch == '#') {
            char one[2] = {ch, '\0'};
            return refuse(&c, BK_INVALID_DATETIME_PATTERN_CHAR, one);
        } else {
            if (!add_literal_char(&b, ch)) return bk_arena_oom(a, err);
            i++;
        }
    }
    /* java.time closes sections left open at the end of the pattern. */
    while (depth > 0) {
        if (!add_item(&b, ITEM_OPT_END)) return bk_arena_oom(a, err);
        b.items[open[--depth]].match = b.n - 1;
    }
    mark_adjacent(&b);

    exec_dtfmt *f = bk_arena_zalloc(a, sizeof *f);
    char *copy = bk_arena_strndup(a, pattern, len);
    if (!f || !copy) return bk_arena_oom(a, err);
    f->pattern = copy;
    f->text = b.text ? b.text : "";
    f->items = b.items;
    f->n_items = b.n;
    f->for_parsing = for_parsing;
    *out = f;
    return BK_OK;
}

const char *exec_dtfmt_pattern(const exec_dtfmt *f) { return f->pattern; }

/* ---------- formatting ---------- */

typedef struct writer {
    char *dst;
    size_t cap, len;
} writer;

static void put(writer *w, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++, w->len++)
        if (w->len + 1 < w->cap) w->dst[w->len] = s[i];
}

static void put_str(writer *w, const char *s) { put(w, s, strlen(s)); }

/* The decimal value, '-' first if negative, zero-padded to `width` digits. */
static void put_num(writer *w, int64_t v, int width) {
    char tmp[32];
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int n = snprintf(tmp, sizeof tmp, "%s%0*llu", v < 0 ? "-" : "", width, (unsigned long long)mag);
    put(w, tmp, (size_t)n);
}

/* An offset in one of java.time's OffsetIdPrinterParser shapes. */
static void put_offset(writer *w, int64_t off_s, int minutes, int seconds, bool colon,
                       const char *zero_text) {
    /* minutes/seconds: 0 = never, 1 = if non-zero, 2 = always */
    if (off_s == 0 && zero_text) {
        put_str(w, zero_text);
        return;
    }
    int64_t a = off_s < 0 ? -off_s : off_s;
    int h = (int)(a / 3600), m = (int)(a / 60 % 60), s = (int)(a % 60);
    char tmp[16];
    int n = snprintf(tmp, sizeof tmp, "%c%02d", off_s < 0 ? '-' : '+', h);
    put(w, tmp, (size_t)n);
    if (minutes == 2 || (minutes == 1 && (m || s))) {
        n = snprintf(tmp, sizeof tmp, "%s%02d", colon ? ":" : "", m);
        put(w, tmp, (size_t)n);
        if (seconds == 2 || (seconds == 1 && s)) {
            n = snprintf(tmp, sizeof tmp, "%s%02d", colon ? ":" : "", s);
            put(w, tmp, (size_t)n);
        }
    }
}

/* "GMT", "GMT+8", "GMT+5:30" (short) or "GMT+08:00" (full): java's localized offset. */
static void put_gmt(writer *w, int64_t off_s, bool full) {
    put_str(w, "GMT");
    if (off_s == 0) return;
    int64_t a = off_s < 0 ? -off_s : off_s;
    int h = (int)(a / 3600), m = (int)(a / 60 % 60), s = (int)(a % 60);
    char tmp[24];
    int n;
    if (full)
        n = snprintf(tmp, sizeof tmp, "%c%02d:%02d", off_s < 0 ? '-' : '+', h, m);
    else if (m || s)
        n = snprintf(tmp, sizeof tmp, "%c%d:%02d", off_s < 0 ? '-' : '+', h, m);
    else
        n = snprintf(tmp, sizeof tmp, "%c%d", off_s < 0 ? '-' : '+', h);
    put(w, tmp, (size_t)n);
    if (s) {
        n = snprintf(tmp, sizeof tmp, ":%02d", s);
        put(w, tmp, (size_t)n);
    }
}

/* The local fields of one value, computed once per format call. */
typedef struct fields {
    int64_t year;
    int month, day, doy, dow; /* dow: 0 = Monday */
    int hour, minute, second;
    int64_t micros; /* of the second */
    int64_t off_s;
    const bk_tz *tz;
    int64_t utc;
} fields;

static void format_field(writer *w, const dt_item *it, const fields *v) {
    int n = it->count;
    switch (it->letter) {
    case 'G':
        put_str(w, n == 4 ? (v->year > 0 ? "Anno Domini" : "Before Christ")
                          : (v->year > 0 ? "AD" : "BC"));
        break;
    case 'u':
    case 'y': {
        int64_t y = it->letter == 'y' && v->year <= 0 ? 1 - v->year : v->year;
        if (n == 2) {
            int64_t r = (y < 0 ? -y : y) % 100;
            put_num(w, r, 2);
        } else if (n >= 4 && y >= 0) {
            int64_t limit = 1;
            for (int i = 0; i < n; i++) limit *= 10;
            if (y >= limit) put_str(w, "+");
            put_num(w, y, n);
        } else {
            put_num(w, y, n);
        }
        break;
    }
    case 'M':
    case 'L':
        if (n >= 4)
            put_str(w, exec_dt_month_full[v->month - 1]);
        else if (n == 3)
            put_str(w, exec_dt_month_short[v->month - 1]);
        else
            put_num(w, v->month, n);
        break;
    case 'Q':
    case 'q': {
        int q = (v->month - 1) / 3 + 1;
        static const char *const full[4] = {"1st quarter", "2nd quarter", "3rd quarter",
                                            "4th quarter"};
        if (n >= 4)
            put_str(w, full[q - 1]);
        else if (n == 3)
            put_str(w, "Q"), put_num(w, q, 1);
        else
            put_num(w, q, n);
        break;
    }
    case 'd':
        put_num(w, v->day, n);
        break;
    case 'D':
        put_num(w, v->doy, n);
        break;
    case 'F':
        put_num(w, (v->day - 1) % 7 + 1, 1);
        break;
    case 'E':
        put_str(w, n >= 4 ? exec_dt_dow_full[v->dow] : exec_dt_dow_short[v->dow]);
        break;
    case 'a':
        put_str(w, v->hour < 12 ? "AM" : "PM");
        break;
    case 'h':
        put_num(w, v->hour % 12 == 0 ? 12 : v->hour % 12, n);
        break;
    case 'K':
        put_num(w, v->hour % 12, n);
        break;
    case 'k':
        put_num(w, v->hour == 0 ? 24 : v->hour, n);
        break;
    case 'H':
        put_num(w, v->hour, n);
        break;
    case 'm':
        put_num(w, v->minute, n);
        break;
    case 's':
        put_num(w, v->second, n);
        break;
    case 'S': {
        char digits[16];
        snprintf(digits, sizeof digits, "%06lld000", (long long)v->micros);
        put(w, digits, (size_t)n);
        break;
    }
    case 'V':
        put_str(w, v->tz ? bk_tz_name(v->tz) : "UTC");
        break;
    case 'z':
        if (n == 4)
            put_str(w, v->tz ? bk_tz_name(v->tz) : "UTC");
        else
            put_str(w, v->tz ? bk_tz_abbrev(v->tz, v->utc) : "UTC");
        break;
    case 'O':
        put_gmt(w, v->off_s, n == 4);
        break;
    case 'X':
    case 'x': {
        const char *zero = it->letter == 'X' ? "Z" : NULL;
        if (n == 1)
            put_offset(w, v->off_s, 1, 0, false, zero);
        else if (n == 2)
            put_offset(w, v->off_s, 2, 0, false, zero);
        else if (n == 3)
            put_offset(w, v->off_s, 2, 0, true, zero);
        else if (n == 4)
            put_offset(w, v->off_s, 2, 1, false, zero);
        else
            put_offset(w, v->off_s, 2, 1, true, zero);
        break;
    }
    case 'Z':
        if (n <= 3)
            put_offset(w, v->off_s, 2, 0, false, NULL);
        else if (n == 4)
            put_gmt(w, v->off_s, true);
        else
            put_offset(w, v->off_s, 2, 1, true, "Z");
        break;
    default:
        break;
    }
}

size_t exec_dtfmt_format(const exec_dtfmt *f, int64_t micros, const bk_tz *tz, char *buf,
                         size_t cap) {
    fields v;
    v.tz = tz;
    v.utc = micros;
    v.off_s = tz ? bk_tz_utc_offset(tz, micros) / BK_MICROS_PER_SECOND : 0;
    int64_t local = tz ? bk_tz_utc_to_local(tz, micros) : micros;
    int64_t days, mod;
    bk_micros_split(local, &days, &mod);
    bk_civil_from_days(days, &v.year, &v.month, &v.day);
    v.doy = (int)(days - bk_days_from_civil(v.year, 1, 1)) + 1;
    v.dow = (int)(((days + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday (3) */
    v.hour = (int)(mod / (3600 * BK_MICROS_PER_SECOND));
    v.minute = (int)(mod / (60 * BK_MICROS_PER_SECOND) % 60);
    v.second = (int)(mod / BK_MICROS_PER_SECOND % 60);
    v.micros = mod % BK_MICROS_PER_SECOND;

    writer w = {buf, cap, 0};
    for (uint32_t i = 0; i < f->n_items; i++) {
        const dt_item *it = &f->items[i];
        if (it->kind == ITEM_LITERAL)
            put(&w, f->text + it->lit_off, it->lit_len);
        else if (it->kind == ITEM_FIELD)
            format_field(&w, it, &v);
    }
    if (cap > 0) buf[BK_MIN(w.len, cap - 1)] = '\0';
    return w.len;
}
