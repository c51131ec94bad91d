/*
 * test_base_tz.c — time zones: names Spark accepts and refuses, the TZif reader,
 * DST transitions (gaps and overlaps by java.time's rules), the POSIX footer rule
 * for far-future instants, local mean time for the far past, 30-minute DST.
 *
 * Expected offsets are the tz database's (the same data java.time ships); the
 * accepted name forms are java.time.ZoneId.of's as Spark's DateTimeUtils.getZoneId
 * calls it, and the error text is INVALID_TIMEZONE from error-conditions.json.
 */
#include "base/clock.h"
#include "base/tz.h"
#include "test.h"

#define H (3600 * BK_MICROS_PER_SECOND)
#define M (60 * BK_MICROS_PER_SECOND)

/* µs of a UTC civil time. */
static int64_t utc(int64_t y, int mo, int d, int h, int mi, int s) {
    return (bk_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * BK_MICROS_PER_SECOND;
}

static const bk_tz *zone(const char *name) {
    const bk_tz *tz = NULL;
    bk_error err;
    bk_error_clear(&err);
    if (bk_tz_open(name, &tz, &err) != BK_OK) return NULL;
    return tz;
}

BK_TEST(tz_utc_and_names) {
    const bk_tz *u = zone("UTC");
    ASSERT_TRUE(u == bk_tz_utc());
    ASSERT_STR_EQ(bk_tz_name(u), "UTC");
    ASSERT_EQ(bk_tz_utc_offset(u, 0), 0);
    ASSERT_STR_EQ(bk_tz_name(zone("Z")), "Z");
    ASSERT_STR_EQ(bk_tz_name(zone("GMT")), "GMT");
    ASSERT_STR_EQ(bk_tz_name(zone("UT")), "UT");
    /* The cache hands out one zone per name. */
    ASSERT_TRUE(zone("Europe/Berlin") == zone("Europe/Berlin"));
    ASSERT_STR_EQ(bk_tz_name(zone("Europe/Berlin")), "Europe/Berlin");
    /* ZoneId.SHORT_IDS */
    ASSERT_STR_EQ(bk_tz_name(zone("PST")), "America/Los_Angeles");
    ASSERT_STR_EQ(bk_tz_name(zone("CTT")), "Asia/Shanghai");
    ASSERT_STR_EQ(bk_tz_name(zone("EST")), "-05:00");
    ASSERT_TRUE(bk_tz_is_fixed(zone("EST")));
    ASSERT_TRUE(!bk_tz_is_fixed(zone("PST")));
}

BK_TEST(tz_fixed_offsets) {
    static const struct {
        const char *in, *name;
        int64_t off_s;
    } cases[] = {
        {"+08:00", "+08:00", 8 * 3600},
        {"-0530", "-05:30", -19800},
        {"+8", "+08:00", 8 * 3600},
        {"-08", "-08:00", -8 * 3600},
        {"+05:30:15", "+05:30:15", 19815},
        {"+053015", "+05:30:15", 19815},
        {"+00:00", "Z", 0},
        {"-18:00", "-18:00", -18 * 3600},
        {"GMT+8", "GMT+08:00", 8 * 3600},
        {"UTC+01:00", "UTC+01:00", 3600},
        {"UT-0300", "UT-03:00", -3 * 3600},
        {"GMT+0", "GMT", 0},
        {"+8:00", "+08:00", 8 * 3600},       /* Spark's legacy one-digit hour */
        {"+08:3", "+08:03", 8 * 3600 + 180}, /* ... and one-digit minute */
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(cases); i++) {
        const bk_tz *tz = zone(cases[i].in);
        ASSERT_TRUE(tz != NULL);
        ASSERT_STR_EQ(bk_tz_name(tz), cases[i].name);
        ASSERT_EQ(bk_tz_utc_offset(tz, utc(2024, 7, 1, 0, 0, 0)), cases[i].off_s * 1000000);
        ASSERT_EQ(bk_tz_local_to_utc(tz, 0), -cases[i].off_s * 1000000);
    }
}

BK_TEST(tz_bad_names) {
    static const char *const bad[] = {
        "",
        "Mars/Phobos",
        "+19:00",
        "+18:01",
        "-25",
        "+1:2:3",
        "GMT+19",
        "../etc/passwd",
        "/etc/passwd",
        "America/../Europe/Berlin",
        "zone.tab",
        "posix/UTC",
        "america/los_angeles",
        "UTC+",
        "+08:60",
        "+0830x",
        "Europe/Berlin ",
        "1/2",
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(bad); i++) {
        const bk_tz *tz = NULL;
        bk_error err;
        bk_error_clear(&err);
        bk_status st = bk_tz_open(bad[i], &tz, &err);
        if (st != BK_INVALID_TIMEZONE) {
            bk_test_fail(__FILE__, __LINE__, "\"%s\" accepted", bad[i]);
            return;
        }
    }
    bk_error err;
    bk_error_clear(&err);
    const bk_tz *tz = NULL;
    ASSERT_FAILS(bk_tz_open("Mars/Phobos", &tz, &err), BK_INVALID_TIMEZONE);
    ASSERT_CONTAINS(err.msg, "The timezone: Mars/Phobos is invalid.");
    ASSERT_STR_EQ(bk_code_name(err.code), "INVALID_TIMEZONE");
    ASSERT_FAILS(bk_tz_conf_error("Mars/Phobos", &err), BK_INVALID_CONF_TIME_ZONE);
    ASSERT_CONTAINS(err.msg, "The value 'Mars/Phobos' in the config");
    ASSERT_STR_EQ(bk_code_sqlstate(err.code), "22022");
}

BK_TEST(tz_los_angeles_dst) {
    const bk_tz *la = zone("America/Los_Angeles");
    ASSERT_TRUE(la != NULL);
    /* 2024-03-10 10:00Z: PST -> PDT. */
    ASSERT_EQ(bk_tz_utc_offset(la, utc(2024, 3, 10, 9, 59, 59)), -8 * H);
    ASSERT_EQ(bk_tz_utc_offset(la, utc(2024, 3, 10, 10, 0, 0)), -7 * H);
    ASSERT_STR_EQ(bk_tz_abbrev(la, utc(2024, 3, 10, 9, 0, 0)), "PST");
    ASSERT_STR_EQ(bk_tz_abbrev(la, utc(2024, 3, 10, 11, 0, 0)), "PDT");
    /* Gap: 02:30 does not exist; java.time moves it to 03:30 PDT = 10:30Z. */
    ASSERT_EQ(bk_tz_local_to_utc(la, utc(2024, 3, 10, 2, 30, 0)), utc(2024, 3, 10, 10, 30, 0));
    ASSERT_EQ(bk_tz_local_to_utc(la, utc(2024, 3, 10, 1, 59, 59)), utc(2024, 3, 10, 9, 59, 59));
    ASSERT_EQ(bk_tz_local_to_utc(la, utc(2024, 3, 10, 3, 0, 0)), utc(2024, 3, 10, 10, 0, 0));
    /* Overlap: 2024-11-03 01:30 happens twice; the earlier offset (PDT) wins. */
    ASSERT_EQ(bk_tz_local_to_utc(la, utc(2024, 11, 3, 1, 30, 0)), utc(2024, 11, 3, 8, 30, 0));
    ASSERT_EQ(bk_tz_local_to_utc(la, utc(2024, 11, 3, 2, 0, 0)), utc(2024, 11, 3, 10, 0, 0));
    ASSERT_EQ(bk_tz_utc_offset(la, utc(2024, 11, 3, 8, 59, 59)), -7 * H);
    ASSERT_EQ(bk_tz_utc_offset(la, utc(2024, 11, 3, 9, 0, 0)), -8 * H);
    /* Fractions survive the conversion. */
    ASSERT_EQ(bk_tz_local_to_utc(la, utc(2024, 1, 1, 0, 0, 0) + 123456),
              utc(2024, 1, 1, 8, 0, 0) + 123456);
    ASSERT_EQ(bk_tz_utc_to_local(la, utc(2024, 7, 1, 7, 0, 0)), utc(2024, 7, 1, 0, 0, 0));
}

BK_TEST(tz_berlin_dst) {
    const bk_tz *be = zone("Europe/Berlin");
    ASSERT_TRUE(be != NULL);
    ASSERT_EQ(bk_tz_utc_offset(be, utc(2024, 3, 31, 0, 59, 59)), 1 * H);
    ASSERT_EQ(bk_tz_utc_offset(be, utc(2024, 3, 31, 1, 0, 0)), 2 * H);
    ASSERT_EQ(bk_tz_utc_offset(be, utc(2024, 10, 27, 0, 59, 59)), 2 * H);
    ASSERT_EQ(bk_tz_utc_offset(be, utc(2024, 10, 27, 1, 0, 0)), 1 * H);
    ASSERT_STR_EQ(bk_tz_abbrev(be, utc(2024, 7, 1, 0, 0, 0)), "CEST");
    /* Gap 02:00-03:00 on 2024-03-31; overlap 02:00-03:00 on 2024-10-27. */
    ASSERT_EQ(bk_tz_local_to_utc(be, utc(2024, 3, 31, 2, 15, 0)), utc(2024, 3, 31, 1, 15, 0));
    ASSERT_EQ(bk_tz_local_to_utc(be, utc(2024, 10, 27, 2, 15, 0)), utc(2024, 10, 27, 0, 15, 0));
    /* 1945: Berlin had double summer time (+03:00, CEMT). */
    ASSERT_EQ(bk_tz_utc_offset(be, utc(1945, 6, 1, 0, 0, 0)), 3 * H);
}

BK_TEST(tz_far_future_rule) {
    const bk_tz *la = zone("America/Los_Angeles");
    const bk_tz *be = zone("Europe/Berlin");
    ASSERT_EQ(bk_tz_utc_offset(la, utc(2100, 1, 1, 0, 0, 0)), -8 * H);
    ASSERT_EQ(bk_tz_utc_offset(la, utc(2100, 7, 1, 0, 0, 0)), -7 * H);
    /* 2100-03-14 is the second Sunday of March: 10:00Z. */
    ASSERT_EQ(bk_tz_utc_offset(la, utc(2100, 3, 14, 9, 59, 59)), -8 * H);
    ASSERT_EQ(bk_tz_utc_offset(la, utc(2100, 3, 14, 10, 0, 0)), -7 * H);
    ASSERT_EQ(bk_tz_local_to_utc(la, utc(2100, 3, 14, 2, 30, 0)), utc(2100, 3, 14, 10, 30, 0));
    /* Berlin: last Sunday of October 2100 is the 31st; change at 01:00Z. */
    ASSERT_EQ(bk_tz_utc_offset(be, utc(2100, 10, 31, 0, 59, 59)), 2 * H);
    ASSERT_EQ(bk_tz_utc_offset(be, utc(2100, 10, 31, 1, 0, 0)), 1 * H);
    ASSERT_EQ(bk_tz_utc_offset(be, utc(9999, 7, 1, 0, 0, 0)), 2 * H);
    ASSERT_STR_EQ(bk_tz_abbrev(be, utc(2500, 1, 1, 0, 0, 0)), "CET");
}

BK_TEST(tz_far_past_lmt) {
    const bk_tz *la = zone("America/Los_Angeles");
    const bk_tz *be = zone("Europe/Berlin");
    /* Local mean time before 1883-11-18: -7:52:58 and +0:53:28. */
    ASSERT_EQ(bk_tz_utc_offset(la, utc(1800, 1, 1, 0, 0, 0)),
              -(7 * 3600 + 52 * 60 + 58) * 1000000LL);
    ASSERT_EQ(bk_tz_utc_offset(be, utc(1800, 1, 1, 0, 0, 0)), (53 * 60 + 28) * 1000000LL);
    ASSERT_EQ(bk_tz_utc_offset(la, utc(-5000, 1, 1, 0, 0, 0)),
              -(7 * 3600 + 52 * 60 + 58) * 1000000LL);
    ASSERT_EQ(bk_tz_local_to_utc(be, utc(1000, 1, 1, 0, 53, 28)), utc(1000, 1, 1, 0, 0, 0));
    /* Extremes saturate instead of overflowing. */
    ASSERT_EQ(bk_tz_utc_to_local(la, INT64_MIN), INT64_MIN);
    ASSERT_EQ(bk_tz_local_to_utc(be, INT64_MIN), INT64_MIN);
    ASSERT_EQ(bk_tz_local_to_utc(la, INT64_MAX), INT64_MAX);
}

BK_TEST(tz_lord_howe_half_hour_dst) {
    const bk_tz *lh = zone("Australia/Lord_Howe");
    ASSERT_TRUE(lh != NULL);
    ASSERT_EQ(bk_tz_utc_offset(lh, utc(2024, 7, 1, 0, 0, 0)), 10 * H + 30 * M);
    ASSERT_EQ(bk_tz_utc_offset(lh, utc(2024, 1, 1, 0, 0, 0)), 11 * H);
    ASSERT_EQ(bk_tz_utc_offset(lh, utc(2100, 1, 1, 0, 0, 0)), 11 * H);
    ASSERT_EQ(bk_tz_utc_offset(lh, utc(2100, 7, 1, 0, 0, 0)), 10 * H + 30 * M);
    /* 2024-10-06 02:00 local (+10:30) -> 02:30 (+11): 2024-10-05 15:30Z. */
    ASSERT_EQ(bk_tz_utc_offset(lh, utc(2024, 10, 5, 15, 29, 59)), 10 * H + 30 * M);
    ASSERT_EQ(bk_tz_utc_offset(lh, utc(2024, 10, 5, 15, 30, 0)), 11 * H);
    /* The 30-minute gap: 02:10 -> 02:40 local = 15:40Z. */
    ASSERT_EQ(bk_tz_local_to_utc(lh, utc(2024, 10, 6, 2, 10, 0)), utc(2024, 10, 5, 15, 40, 0));
    /* 2024-04-07 02:00 local (+11) -> 01:30 (+10:30): 01:45 twice, earlier is +11. */
    ASSERT_EQ(bk_tz_local_to_utc(lh, utc(2024, 4, 7, 1, 45, 0)), utc(2024, 4, 6, 14, 45, 0));
}

BK_TEST(tz_southern_and_other_zones) {
    const bk_tz *syd = zone("Australia/Sydney");
    ASSERT_EQ(bk_tz_utc_offset(syd, utc(2150, 1, 15, 0, 0, 0)), 11 * H);
    ASSERT_EQ(bk_tz_utc_offset(syd, utc(2150, 6, 15, 0, 0, 0)), 10 * H);
    const bk_tz *kol = zone("Asia/Kolkata");
    ASSERT_EQ(bk_tz_utc_offset(kol, utc(2024, 1, 1, 0, 0, 0)), 5 * H + 30 * M);
    ASSERT_EQ(bk_tz_utc_offset(zone("IST"), utc(2024, 1, 1, 0, 0, 0)), 5 * H + 30 * M);
    /* Etc/GMT+8 is UTC-8 (POSIX sign). */
    ASSERT_EQ(bk_tz_utc_offset(zone("Etc/GMT+8"), 0), -8 * H);
}
