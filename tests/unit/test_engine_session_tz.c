/*
 * test_engine_session_tz.c — the values SET TIME ZONE stores (session_tz.h): zone
 * names as written, LOCAL from $TZ, intervals as offset IDs, Spark's errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "engine/session_tz.h"
#include "test.h"

static const char *zone(bk_arena *a, const char *text, bk_code *code) {
    char *in = bk_arena_strdup(a, text), *out = NULL;
    bk_error err;
    bk_error_clear(&err);
    *code = eng_session_zone(a, in, &out, &err) == BK_OK ? BK_OK : err.code;
    return out ? out : "";
}

BK_TEST(session_tz_values) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_code c;
    ASSERT_STR_EQ(zone(a, "America/Los_Angeles", &c), "America/Los_Angeles");
    ASSERT_EQ(c, BK_OK);
    ASSERT_STR_EQ(zone(a, "+05:30", &c), "+05:30");
    ASSERT_STR_EQ(zone(a, "INTERVAL '+01:00' HOUR TO MINUTE", &c), "+01:00");
    ASSERT_STR_EQ(zone(a, "INTERVAL '-08:30:15' HOUR TO SECOND", &c), "-08:30:15");
    ASSERT_STR_EQ(zone(a, "INTERVAL 3 HOURS", &c), "+03:00");
    ASSERT_STR_EQ(zone(a, "INTERVAL '0' SECOND", &c), "Z");
    zone(a, "Mars/Olympus", &c);
    ASSERT_EQ(c, BK_INVALID_CONF_TIME_ZONE);
    zone(a, "INTERVAL 18 HOURS 1 SECOND", &c);
    ASSERT_EQ(c, BK_TIMEZONE_INTERVAL_OUT_OF_RANGE);
    zone(a, "INTERVAL '1' MONTH", &c);
    ASSERT_EQ(c, BK_TIMEZONE_INTERVAL_OUT_OF_RANGE);
    zone(a, "", &c);
    ASSERT_EQ(c, BK_PARSE_SYNTAX_ERROR);
    bk_arena_free(a);
}

BK_TEST(session_tz_local) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const char *old = getenv("TZ");
    char saved[256] = "";
    bool had = old != NULL;
    if (had) snprintf(saved, sizeof saved, "%s", old);
    bk_code c;
    setenv("TZ", "Asia/Tokyo", 1);
    ASSERT_STR_EQ(zone(a, "LOCAL", &c), "Asia/Tokyo");
    setenv("TZ", ":Europe/Berlin", 1);
    ASSERT_STR_EQ(zone(a, "local", &c), "Europe/Berlin");
    /* an unusable $TZ: the machine's /etc/localtime, else UTC; always a zone */
    setenv("TZ", "Not/AZone", 1);
    ASSERT_TRUE(strlen(zone(a, "LOCAL", &c)) > 0 && c == BK_OK);
    if (had)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    bk_arena_free(a);
}
