/*
 * session_tz.c — validating and normalizing spark.sql.session.timeZone (session_tz.h).
 */
#include "engine/session_tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/interval.h"
#include "base/str.h"
#include "base/tz.h"

/* This machine's zone name, or NULL. */
static const char *local_zone(char *buf, size_t cap) {
    const bk_tz *tz;
    bk_error ignore;
    const char *env = getenv("TZ");
    if (env && *env == ':') env++;
    if (env && *env && bk_tz_open(env, &tz, &ignore) == BK_OK) return env;
    ssize_t n = readlink("/etc/localtime", buf, cap - 1);
    if (n > 0) {
        buf[n] = '\0';
        const char *z = strstr(buf, "zoneinfo/");
        if (z && bk_tz_open(z + 9, &tz, &ignore) == BK_OK) return z + 9;
    }
    return NULL;
}

/* INTERVAL '…' unit [TO unit] as an offset ID. */
static bk_status interval_zone(bk_arena *a, char *text, char **out, bk_error *err) {
    size_t len = strlen(text);
    const char *body = text + 8; /* after INTERVAL */
    size_t blen = len - 8;
    bk_interval_units u;
    int64_t us = 0;
    bool ok;
    /* the qualified form ('+01:00' HOUR TO MINUTE) or a unit list ('1' HOUR, 1 HOUR) */
    char why[160];
    const char *q = strchr(body, '\'');
    const char *close = q ? strchr(q + 1, '\'') : NULL;
    bool qualified = false;
    if (close)
        for (const char *p = close + 1; p[0] && p[1] && p[2] && p[3]; p++)
            if (p[0] == ' ' && (p[1] | 0x20) == 't' && (p[2] | 0x20) == 'o' && p[3] == ' ')
                qualified = true;
    if (qualified) {
        char type_text[96];
        snprintf(type_text, sizeof type_text, "INTERVAL%s", close + 1);
        const bk_type *t = bk_type_parse(a, type_text, strlen(type_text), why, sizeof why);
        ok = t && t->kind == BK_TYPE_INTERVAL_DT &&
             bk_interval_parse_typed(t, text, len, &us, why, sizeof why);
    } else {
        char tmp[256];
        size_t k = 0;
        for (size_t i = 0; i < blen && k + 1 < sizeof tmp; i++)
            if (body[i] != '\'') tmp[k++] = body[i];
        tmp[k] = '\0';
        ok = bk_interval_parse_units(tmp, k, &u, why, sizeof why) &&
             u.type->kind == BK_TYPE_INTERVAL_DT;
        us = ok ? u.value : 0;
    }
    const int64_t limit = INT64_C(18) * 3600 * 1000000;
    if (!ok || us > limit || us < -limit || us % 1000000 != 0)
        return bk_error_set(err, BK_TIMEZONE_INTERVAL_OUT_OF_RANGE,
                            "The interval value must be in the range of [-18, +18] hours with "
                            "second precision (in SET TIME ZONE %s).",
                            text);
    int64_t s = us / 1000000, abs_s = s < 0 ? -s : s;
    char id[32];
    if (s == 0)
        snprintf(id, sizeof id, "Z");
    else if (abs_s % 60)
        snprintf(id, sizeof id, "%c%02d:%02d:%02d", s < 0 ? '-' : '+', (int)(abs_s / 3600),
                 (int)(abs_s / 60 % 60), (int)(abs_s % 60));
    else
        snprintf(id, sizeof id, "%c%02d:%02d", s < 0 ? '-' : '+', (int)(abs_s / 3600),
                 (int)(abs_s / 60 % 60));
    *out = bk_arena_strdup(a, id);
    return *out ? BK_OK : bk_arena_oom(a, err);
}

bk_status eng_session_zone(bk_arena *a, char *text, char **out, bk_error *err) {
    if (!*text)
        return bk_error_set(err, BK_PARSE_SYNTAX_ERROR,
                            "Syntax error at or near end of input: SET TIME "
                            "ZONE needs a zone, LOCAL or an interval.");
    if (bk_str_ieq_cstr(bk_str_from_cstr(text), "LOCAL")) {
        char buf[512];
        const char *z = local_zone(buf, sizeof buf);
        *out = bk_arena_strdup(a, z ? z : "UTC");
        return *out ? BK_OK : bk_arena_oom(a, err);
    }
    if (strlen(text) > 8 && bk_str_ieq_cstr(bk_str_make(text, 8), "INTERVAL") &&
        (text[8] == ' ' || text[8] == '\''))
        return interval_zone(a, text, out, err);
    const bk_tz *tz;
    if (bk_tz_open(text, &tz, err) != BK_OK) return bk_tz_conf_error(text, err);
    *out = text;
    return BK_OK;
}
