/*
 * test_base_interval.c — interval text (base/interval.h): Spark's ANSI display
 * form for every field range, the qualified form of each type, and unit lists.
 */
#include <string.h>

#include "base/interval.h"
#include "test.h"

#define US_S INT64_C(1000000)
#define US_DAY (INT64_C(86400) * US_S)

static const bk_type *YM(int s, int e) { return bk_type_interval(BK_TYPE_INTERVAL_YM, s, e); }
static const bk_type *DT(int s, int e) { return bk_type_interval(BK_TYPE_INTERVAL_DT, s, e); }

static const char *show(const bk_type *t, int64_t v) {
    static char buf[128];
    bk_interval_format(t, v, buf, sizeof buf);
    return buf;
}

BK_TEST(interval_format_year_month) {
    ASSERT_STR_EQ(show(YM(0, 1), 14), "INTERVAL '1-2' YEAR TO MONTH");
    ASSERT_STR_EQ(show(YM(0, 1), -13), "INTERVAL '-1-1' YEAR TO MONTH");
    ASSERT_STR_EQ(show(YM(0, 1), -11), "INTERVAL '-0-11' YEAR TO MONTH");
    ASSERT_STR_EQ(show(YM(0, 0), 25), "INTERVAL '2' YEAR");
    ASSERT_STR_EQ(show(YM(1, 1), -25), "INTERVAL '-25' MONTH");
    ASSERT_STR_EQ(show(YM(0, 1), INT32_MIN), "INTERVAL '-178956970-8' YEAR TO MONTH");
}

BK_TEST(interval_format_day_time) {
    int64_t v = US_DAY + 2 * 3600 * US_S + 3 * 60 * US_S + 4 * US_S + 1000;
    ASSERT_STR_EQ(show(DT(0, 3), v), "INTERVAL '1 02:03:04.001' DAY TO SECOND");
    ASSERT_STR_EQ(show(DT(0, 3), -v), "INTERVAL '-1 02:03:04.001' DAY TO SECOND");
    ASSERT_STR_EQ(show(DT(0, 0), 3 * US_DAY), "INTERVAL '3' DAY");
    ASSERT_STR_EQ(show(DT(1, 1), 100 * 3600 * US_S), "INTERVAL '100' HOUR");
    ASSERT_STR_EQ(show(DT(1, 2), 3600 * US_S + 60 * US_S), "INTERVAL '01:01' HOUR TO MINUTE");
    ASSERT_STR_EQ(show(DT(2, 3), 40 * 60 * US_S + 32 * US_S), "INTERVAL '40:32' MINUTE TO SECOND");
    ASSERT_STR_EQ(show(DT(3, 3), 2000), "INTERVAL '00.002' SECOND");
    ASSERT_STR_EQ(show(DT(3, 3), 13123456), "INTERVAL '13.123456' SECOND");
    ASSERT_STR_EQ(show(DT(0, 1), 20 * US_DAY + 15 * 3600 * US_S), "INTERVAL '20 15' DAY TO HOUR");
    ASSERT_STR_EQ(show(DT(0, 3), 0), "INTERVAL '0 00:00:00' DAY TO SECOND");
    /* the minimum: no overflow on negation */
    ASSERT_STR_EQ(show(DT(3, 3), INT64_MIN), "INTERVAL '-9223372036854.775808' SECOND");
}

static bool typed(const bk_type *t, const char *s, int64_t *v) {
    return bk_interval_parse_typed(t, s, strlen(s), v, NULL, 0);
}

BK_TEST(interval_parse_typed) {
    int64_t v;
    ASSERT_TRUE(typed(YM(0, 1), "1-2", &v) && v == 14);
    ASSERT_TRUE(typed(YM(0, 1), " -1-11 ", &v) && v == -23);
    ASSERT_TRUE(typed(YM(0, 1), "+178956970-7", &v) && v == INT32_MAX);
    ASSERT_TRUE(typed(YM(0, 1), "-178956970-8", &v) && v == INT32_MIN);
    ASSERT_TRUE(!typed(YM(0, 1), "178956970-8", &v));
    ASSERT_TRUE(!typed(YM(0, 1), "1-12", &v));
    ASSERT_TRUE(!typed(YM(0, 1), "1", &v));
    ASSERT_TRUE(typed(YM(0, 0), "-3", &v) && v == -36);
    ASSERT_TRUE(typed(DT(0, 3), "1 2:3:4.5", &v) && v == US_DAY + 7384 * US_S + 500000);
    ASSERT_TRUE(typed(DT(0, 3), "0 0:0:0.123456789", &v) && v == 123456);
    ASSERT_TRUE(!typed(DT(0, 3), "1 24:00:00", &v));
    ASSERT_TRUE(!typed(DT(0, 3), "1 02:60:00", &v));
    ASSERT_TRUE(!typed(DT(0, 3), "1 02:03:04.1234567890", &v));
    ASSERT_TRUE(typed(DT(1, 1), "100", &v) && v == 100 * 3600 * US_S);
    ASSERT_TRUE(typed(DT(2, 3), "-40:32", &v) && v == -(40 * 60 + 32) * US_S);
    ASSERT_TRUE(!typed(DT(1, 3), "15:40", &v));
    /* the whole literal text, as a CAST from STRING accepts it */
    ASSERT_TRUE(typed(YM(0, 1), "INTERVAL '1-2' YEAR TO MONTH", &v) && v == 14);
    ASSERT_TRUE(typed(DT(0, 3), "interval -'1' day", &v) && v == -US_DAY);
    ASSERT_TRUE(!typed(DT(0, 3), "INTERVAL '1' MONTH", &v));
    char why[200];
    ASSERT_TRUE(!bk_interval_parse_typed(DT(0, 1), "x", 1, &v, why, sizeof why));
    ASSERT_TRUE(strstr(why, "`[+|-]d h`") != NULL);
}

static bool units(const char *s, bk_interval_units *u) {
    return bk_interval_parse_units(s, strlen(s), u, NULL, 0);
}

BK_TEST(interval_parse_units) {
    bk_interval_units u;
    ASSERT_TRUE(units("1 day 2 hours", &u));
    ASSERT_TRUE(u.type == DT(0, 1) && u.value == US_DAY + 2 * 3600 * US_S);
    ASSERT_TRUE(units("interval 3 years -1 month", &u));
    ASSERT_TRUE(u.type == YM(0, 1) && u.value == 35);
    ASSERT_TRUE(units("2 weeks 3 microseconds", &u));
    ASSERT_TRUE(u.type == DT(0, 3) && u.value == 14 * US_DAY + 3);
    ASSERT_TRUE(units("-13.123456789 seconds", &u));
    ASSERT_TRUE(u.type == DT(3, 3) && u.value == -13123456);
    ASSERT_TRUE(units("5 MINUTE", &u) && u.type == DT(2, 2));
    char why[200];
    ASSERT_TRUE(!bk_interval_parse_units("1 year 2 days", 13, &u, why, sizeof why));
    ASSERT_TRUE(strstr(why, "Cannot mix") != NULL);
    ASSERT_TRUE(!units("1.5 days", &u));
    ASSERT_TRUE(!units("1 fortnight", &u));
    ASSERT_TRUE(!units("", &u));
    ASSERT_TRUE(!units("2147483648 months", &u));
    ASSERT_TRUE(units("106751991 days", &u) && u.value == 106751991 * US_DAY);
    ASSERT_TRUE(!units("9223372036854775807 hours", &u));
}
