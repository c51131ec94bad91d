/*
 * interval.c — ANSI interval values as text (see interval.h): the display form,
 * the qualified form of a type, and unit lists.
 */
#include "base/interval.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"

#define US_MINUTE (60 * BK_MICROS_PER_SECOND)
#define US_HOUR (60 * US_MINUTE)

static const char *const ym_names[] = {"YEAR", "MONTH"};
static const char *const dt_names[] = {"DAY", "HOUR", "MINUTE", "SECOND"};
static const int64_t dt_unit_us[] = {BK_MICROS_PER_DAY, US_HOUR, US_MINUTE, BK_MICROS_PER_SECOND};

static void set_why(char *why, size_t cap, const char *msg) {
    if (why && cap) snprintf(why, cap, "%s", msg);
}

/* ---- display ---- */

/* "ss[.ffffff]" with two-digit seconds and the fraction's trailing zeros dropped. */
static int put_seconds(char *dst, size_t cap, uint64_t us) {
    uint64_t s = us / 1000000, f = us % 1000000;
    if (!f) return snprintf(dst, cap, "%02llu", (unsigned long long)s);
    char frac[8];
    snprintf(frac, sizeof frac, "%06llu", (unsigned long long)f);
    size_t n = 6;
    while (n > 0 && frac[n - 1] == '0') n--;
    frac[n] = '\0';
    return snprintf(dst, cap, "%02llu.%s", (unsigned long long)s, frac);
}

size_t bk_interval_format(const bk_type *t, int64_t v, char *dst, size_t cap) {
    char body[96];
    int n = 0;
    const char *sign = v < 0 ? "-" : "";
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int start = t->precision, end = t->scale;
    const char *const *names = t->kind == BK_TYPE_INTERVAL_YM ? ym_names : dt_names;
    if (t->kind == BK_TYPE_INTERVAL_YM) {
        if (start == end && start == BK_IV_YEAR)
            n = snprintf(body, sizeof body, "%s%llu", sign, (unsigned long long)(a / 12));
        else if (start == end)
            n = snprintf(body, sizeof body, "%s%llu", sign, (unsigned long long)a);
        else
            n = snprintf(body, sizeof body, "%s%llu-%llu", sign, (unsigned long long)(a / 12),
                         (unsigned long long)(a % 12));
    } else {
        n = snprintf(body, sizeof body, "%s", sign);
        uint64_t rest = a;
        for (int f = start; f <= end; f++) {
            const char *sep = f == start ? "" : f == BK_IV_HOUR ? " " : ":";
            n += snprintf(body + n, sizeof body - (size_t)n, "%s", sep);
            if (f == BK_IV_SECOND) {
                n += put_seconds(body + n, sizeof body - (size_t)n, rest);
                break;
            }
            uint64_t unit = (uint64_t)dt_unit_us[f];
            uint64_t q = rest / unit;
            rest %= unit;
            n += snprintf(body + n, sizeof body - (size_t)n, f == BK_IV_DAY ? "%llu" : "%02llu",
                          (unsigned long long)q);
        }
    }
    (void)n;
    if (start == end) return (size_t)snprintf(dst, cap, "INTERVAL '%s' %s", body, names[start]);
    return (size_t)snprintf(dst, cap, "INTERVAL '%s' %s TO %s", body, names[start], names[end]);
}

/* ---- the qualified form ---- */

typedef struct cursor {
    const char *s;
    size_t i, n;
} cursor;

static bool digits(cursor *c, uint64_t *v, size_t *count) {
    size_t start = c->i;
    uint64_t x = 0;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
        if (x > (UINT64_MAX - 9) / 10) return false;
        x = x * 10 + (uint64_t)(c->s[c->i] - '0');
        c->i++;
    }
    *count = c->i - start;
    *v = x;
    return *count > 0;
}

static bool eat(cursor *c, char ch) {
    if (c->i < c->n && c->s[c->i] == ch) {
        c->i++;
        return true;
    }
    return false;
}

static bool ieq_word(const char *s, size_t n, const char *w) {
    size_t wl = strlen(w);
    if (n != wl) return false;
    for (size_t i = 0; i < n; i++) {
        char a = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
        if (a != w[i]) return false;
    }
    return true;
}

/* A fraction ".d{1,9}" as µs (truncated); true when there is none too. */
static bool fraction(cursor *c, uint64_t *us) {
    *us = 0;
    if (!eat(c, '.')) return true;
    size_t k = 0;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
        if (k < 6) *us = *us * 10 + (uint64_t)(c->s[c->i] - '0');
        k++;
        c->i++;
    }
    if (k == 0 || k > 9) return false;
    for (; k < 6; k++) *us *= 10;
    return true;
}

static bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

static void skip_spaces(cursor *c) {
    while (c->i < c->n && is_space(c->s[c->i])) c->i++;
}

/* The body of a qualified literal: "[+|-]y-m", "[+|-]d h:m:s.f", ... for t. */
static bool parse_body(const bk_type *t, cursor *c, int64_t *out) {
    bool neg = false;
    if (eat(c, '-'))
        neg = true;
    else
        eat(c, '+');
    int start = t->precision, end = t->scale;
    uint64_t total = 0;
    size_t nd;
    if (t->kind == BK_TYPE_INTERVAL_YM) {
        uint64_t y = 0, m = 0;
        if (start == BK_IV_YEAR) {
            if (!digits(c, &y, &nd)) return false;
            if (end == BK_IV_MONTH) {
                if (!eat(c, '-') || !digits(c, &m, &nd) || nd > 2 || m > 11) return false;
            }
        } else if (!digits(c, &m, &nd)) {
            return false;
        }
        if (y > (uint64_t)INT32_MAX / 12 + 1) return false;
        total = y * 12 + m;
        if (total > (uint64_t)INT32_MAX + (neg ? 1 : 0)) return false;
        *out = neg ? -(int64_t)total : (int64_t)total;
        return true;
    }
    /* a negative value may reach INT64_MIN: |INT64_MIN| = INT64_MAX + 1 */
    uint64_t lim = (uint64_t)INT64_MAX + (neg ? 1 : 0);
    for (int f = start; f <= end; f++) {
        if (f != start && !eat(c, f == BK_IV_HOUR ? ' ' : ':')) return false;
        uint64_t v, frac = 0;
        if (!digits(c, &v, &nd)) return false;
        if (f != start) {
            uint64_t limit = f == BK_IV_HOUR ? 23 : 59;
            if (nd > 2 || v > limit) return false;
        }
        if (f == BK_IV_SECOND && !fraction(c, &frac)) return false;
        uint64_t unit = (uint64_t)dt_unit_us[f];
        if (v > lim / unit) return false;
        uint64_t add = v * unit + frac;
        if (add > lim - total) return false;
        total += add;
    }
    *out = !neg ? (int64_t)total : total > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)total;
    return true;
}

/* The word at c (letters and '_'), advancing past it. */
static bool word(cursor *c, const char **w, size_t *wl) {
    size_t start = c->i;
    while (c->i < c->n && ((c->s[c->i] | 0x20) >= 'a' && (c->s[c->i] | 0x20) <= 'z')) c->i++;
    *w = c->s + start;
    *wl = c->i - start;
    return *wl > 0;
}

static int field_index(const char *w, size_t wl, const char *const *names, int n) {
    for (int i = 0; i < n; i++)
        if (ieq_word(w, wl, names[i])) return i;
    return -1;
}

/* "INTERVAL '<body>' field [TO field]" as a whole text; *t_out is the type it names. */
static bool parse_wrapped(bk_type_kind kind, cursor *c, int64_t *out) {
    const char *w;
    size_t wl;
    skip_spaces(c);
    bool neg = false;
    if (eat(c, '-'))
        neg = true;
    else
        eat(c, '+');
    if (!eat(c, '\'')) return false;
    size_t body_start = c->i;
    while (c->i < c->n && c->s[c->i] != '\'') c->i++;
    if (c->i >= c->n) return false;
    size_t body_end = c->i++;
    skip_spaces(c);
    const char *const *names = kind == BK_TYPE_INTERVAL_YM ? ym_names : dt_names;
    int nn = kind == BK_TYPE_INTERVAL_YM ? 2 : 4;
    if (!word(c, &w, &wl)) return false;
    int start = field_index(w, wl, names, nn), end = start;
    if (start < 0) return false;
    skip_spaces(c);
    size_t save = c->i;
    if (word(c, &w, &wl) && ieq_word(w, wl, "TO")) {
        skip_spaces(c);
        if (!word(c, &w, &wl)) return false;
        end = field_index(w, wl, names, nn);
        if (end <= start) return false;
    } else {
        c->i = save;
    }
    skip_spaces(c);
    if (c->i != c->n) return false;
    cursor body = {c->s + body_start, 0, body_end - body_start};
    const bk_type *t = bk_type_interval(kind, start, end);
    int64_t v;
    if (!parse_body(t, &body, &v) || body.i != body.n) return false;
    *out = neg ? -v : v;
    return true;
}

static const char *form_of(const bk_type *t) {
    if (t->kind == BK_TYPE_INTERVAL_YM)
        return t->precision != t->scale   ? "`[+|-]y-m`"
               : t->precision == BK_IV_YEAR ? "`[+|-]y`"
                                            : "`[+|-]m`";
    static const char *const dt[4][4] = {
        {"`[+|-]d`", "`[+|-]d h`", "`[+|-]d h:m`", "`[+|-]d h:m:s.n`"},
        {"", "`[+|-]h`", "`[+|-]h:m`", "`[+|-]h:m:s.n`"},
        {"", "", "`[+|-]m`", "`[+|-]m:s.n`"},
        {"", "", "", "`[+|-]s.n`"},
    };
    return dt[t->precision][t->scale];
}

bool bk_interval_parse_typed(const bk_type *t, const char *s, size_t len, int64_t *out, char *why,
                             size_t cap) {
    cursor c = {s, 0, len};
    skip_spaces(&c);
    while (c.n > c.i && is_space(s[c.n - 1])) c.n--;
    size_t save = c.i;
    const char *w;
    size_t wl;
    if (word(&c, &w, &wl) && ieq_word(w, wl, "INTERVAL")) {
        if (parse_wrapped(t->kind, &c, out)) return true;
    } else {
        c.i = save;
        if (parse_body(t, &c, out) && c.i == c.n) return true;
    }
    if (why && cap) {
        char tn[64];
        bk_type_format(t, tn, sizeof tn);
        snprintf(why, cap, "expected the form %s or `INTERVAL [+|-]'%.*s' %s`", form_of(t),
                 (int)(strlen(form_of(t)) - 2), form_of(t) + 1, tn + 9);
    }
    return false;
}

/* ---- unit lists ---- */

typedef enum unit {
    U_YEAR,
    U_MONTH,
    U_WEEK,
    U_DAY,
    U_HOUR,
    U_MINUTE,
    U_SECOND,
    U_MILLISECOND,
    U_MICROSECOND,
    U_NONE
} unit;

static unit unit_of(const char *w, size_t wl) {
    static const char *const names[] = {"YEAR", "MONTH",  "WEEK",        "DAY",        "HOUR",
                                        "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND"};
    if (wl > 1 && (w[wl - 1] | 0x20) == 's') {
        for (int i = 0; i < 9; i++)
            if (ieq_word(w, wl - 1, names[i])) return (unit)i;
    }
    for (int i = 0; i < 9; i++)
        if (ieq_word(w, wl, names[i])) return (unit)i;
    return U_NONE;
}

bool bk_interval_parse_units(const char *s, size_t len, bk_interval_units *out, char *why,
                             size_t cap) {
    cursor c = {s, 0, len};
    skip_spaces(&c);
    size_t save = c.i;
    const char *w;
    size_t wl;
    if (!(word(&c, &w, &wl) && ieq_word(w, wl, "INTERVAL"))) c.i = save;
    int64_t months = 0, micros = 0;
    int ym_lo = 9, ym_hi = -1, dt_lo = 9, dt_hi = -1;
    int n_units = 0;
    for (;;) {
        skip_spaces(&c);
        if (c.i >= c.n) break;
        bool neg = false;
        if (eat(&c, '-'))
            neg = true;
        else
            eat(&c, '+');
        skip_spaces(&c);
        uint64_t v, frac = 0;
        size_t nd;
        if (!digits(&c, &v, &nd)) {
            set_why(why, cap, "expected a number");
            return false;
        }
        bool has_frac = c.i < c.n && c.s[c.i] == '.';
        if (has_frac && !fraction(&c, &frac)) {
            set_why(why, cap, "invalid fraction");
            return false;
        }
        skip_spaces(&c);
        if (!word(&c, &w, &wl)) {
            set_why(why, cap, "expected a unit name after the number");
            return false;
        }
        unit u = unit_of(w, wl);
        if (u == U_NONE) {
            if (why && cap) snprintf(why, cap, "invalid unit '%.*s'", (int)wl, w);
            return false;
        }
        if (has_frac && u != U_SECOND) {
            if (why && cap) snprintf(why, cap, "'%.*s' cannot have a fractional part", (int)wl, w);
            return false;
        }
        n_units++;
        if (u <= U_MONTH) {
            int f = u == U_YEAR ? BK_IV_YEAR : BK_IV_MONTH;
            ym_lo = f < ym_lo ? f : ym_lo;
            ym_hi = f > ym_hi ? f : ym_hi;
            if (v > (uint64_t)INT32_MAX + 1) goto overflow;
            int64_t m = u == U_YEAR ? (int64_t)v * 12 : (int64_t)v;
            months += neg ? -m : m;
            if (months > (INT64_C(1) << 40) || months < -(INT64_C(1) << 40)) goto overflow;
        } else {
            static const int64_t us[] = {0, 0, 7 * BK_MICROS_PER_DAY, BK_MICROS_PER_DAY, US_HOUR,
                                         US_MINUTE, BK_MICROS_PER_SECOND, 1000, 1};
            static const int fields[] = {0, 0, BK_IV_DAY, BK_IV_DAY, BK_IV_HOUR, BK_IV_MINUTE,
                                         BK_IV_SECOND, BK_IV_SECOND, BK_IV_SECOND};
            int f = fields[u];
            dt_lo = f < dt_lo ? f : dt_lo;
            dt_hi = f > dt_hi ? f : dt_hi;
            int64_t add;
            if (v > (uint64_t)INT64_MAX || __builtin_mul_overflow((int64_t)v, us[u], &add) ||
                __builtin_add_overflow(add, (int64_t)frac, &add))
                goto overflow;
            if (neg) add = -add;
            if (__builtin_add_overflow(micros, add, &micros)) goto overflow;
        }
    }
    if (n_units == 0) {
        set_why(why, cap, "the interval has no units");
        return false;
    }
    if (ym_hi >= 0 && dt_hi >= 0) {
        set_why(why, cap, "Cannot mix year-month and day-time fields");
        return false;
    }
    if (ym_hi >= 0) {
        if (months > INT32_MAX || months < INT32_MIN) goto overflow;
        out->type = bk_type_interval(BK_TYPE_INTERVAL_YM, ym_lo, ym_hi);
        out->value = months;
    } else {
        out->type = bk_type_interval(BK_TYPE_INTERVAL_DT, dt_lo, dt_hi);
        out->value = micros;
    }
    return true;
overflow:
    set_why(why, cap, "the interval value overflows");
    return false;
}
