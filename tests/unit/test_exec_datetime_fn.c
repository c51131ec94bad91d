/*
 * test_exec_datetime_fn.c — Spark's date/time scalar functions.
 *
 * Expected values are from the Spark golden files date.sql.out and
 * timestamp.sql.out (session zone America/Los_Angeles) where they have the case,
 * otherwise from Spark's documented examples and java.time's behaviour.
 */
#include "base/clock.h"
#include "base/tz.h"
#include "engine/exec/datetime_fn.h"
#include "test.h"

static int32_t D(int64_t y, int m, int d) { return (int32_t)bk_days_from_civil(y, m, d); }

static int64_t TS(int64_t y, int mo, int d, int h, int mi, int s, int64_t us) {
    return (bk_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * 1000000 + us;
}

static const bk_tz *Z(const char *name) {
    const bk_tz *tz = NULL;
    return bk_tz_open(name, &tz, NULL) == BK_OK ? tz : bk_tz_utc();
}

/* A DATE as Spark prints it. */
static const char *ds(int32_t d) {
    static char buf[32];
    bk_format_date(d, buf, sizeof buf);
    return buf;
}

BK_TEST(datetime_fn_date_add_and_months) {
    bk_error err;
    bk_error_clear(&err);
    int32_t out = 0;
    /* date.sql.out */
    ASSERT_OK(exec_dt_date_add(D(2011, 11, 11), 1, &out, &err), &err);
    ASSERT_STR_EQ(ds(out), "2011-11-12");
    ASSERT_OK(exec_dt_date_sub(D(2011, 11, 11), 1, &out, &err), &err);
    ASSERT_STR_EQ(ds(out), "2011-11-10");
    ASSERT_FAILS(exec_dt_date_add(INT32_MAX, 1, &out, &err), BK_DATETIME_OVERFLOW);
    /* add_months clamps to the month end (Spark 3 no longer keeps "last day"). */
    ASSERT_OK(exec_dt_add_months(D(2019, 1, 31), 1, &out, &err), &err);
    ASSERT_STR_EQ(ds(out), "2019-02-28");
    ASSERT_OK(exec_dt_add_months(D(2020, 1, 31), 1, &out, &err), &err);
    ASSERT_STR_EQ(ds(out), "2020-02-29");
    ASSERT_OK(exec_dt_add_months(D(2019, 2, 28), 1, &out, &err), &err);
    ASSERT_STR_EQ(ds(out), "2019-03-28");
    ASSERT_OK(exec_dt_add_months(D(2016, 8, 31), -6, &out, &err), &err);
    ASSERT_STR_EQ(ds(out), "2016-02-29");
    ASSERT_OK(exec_dt_add_months(D(1, 1, 15), -13, &out, &err), &err);
    ASSERT_STR_EQ(ds(out), "-0001-12-15");
    ASSERT_FAILS(exec_dt_add_months(D(1, 1, 1), INT32_MAX, &out, &err), BK_DATETIME_OVERFLOW);
    ASSERT_STR_EQ(ds(exec_dt_last_day(D(2020, 2, 3))), "2020-02-29");
    ASSERT_STR_EQ(ds(exec_dt_last_day(D(1900, 2, 3))), "1900-02-28");
    ASSERT_STR_EQ(ds(exec_dt_last_day(D(2000, 12, 31))), "2000-12-31");
    ASSERT_EQ(exec_dt_datediff(D(2009, 7, 31), D(2009, 7, 30)), 1);
    ASSERT_EQ(exec_dt_datediff(D(2009, 7, 30), D(2009, 7, 31)), -1);
}

BK_TEST(datetime_fn_next_day) {
    bk_error err;
    bk_error_clear(&err);
    int32_t out = 0;
    /* date.sql.out: next_day("2015-07-23", "Mon") = 2015-07-27 */
    ASSERT_OK(exec_dt_next_day(D(2015, 7, 23), "Mon", 3, &out, &err), &err);
    ASSERT_STR_EQ(ds(out), "2015-07-27");
    ASSERT_OK(exec_dt_next_day(D(2015, 7, 23), "thursday", 8, &out, &err), &err);
    ASSERT_STR_EQ(ds(out), "2015-07-30"); /* strictly after */
    ASSERT_OK(exec_dt_next_day(D(2015, 7, 23), "FR", 2, &out, &err), &err);
    ASSERT_STR_EQ(ds(out), "2015-07-24");
    ASSERT_FAILS(exec_dt_next_day(D(2015, 7, 23), "xx", 2, &out, &err), BK_ILLEGAL_DAY_OF_WEEK);
    ASSERT_STR_EQ(err.msg, "Illegal input for day of week: xx.");
    ASSERT_STR_EQ(bk_code_sqlstate(err.code), "22009");
}

BK_TEST(datetime_fn_months_between) {
    /* Spark docs: months_between('1997-02-28 10:30:00', '1996-10-30') = 3.94959677 */
    ASSERT_DBL_EQ(exec_dt_months_between(TS(1997, 2, 28, 10, 30, 0, 0),
                                         TS(1996, 10, 30, 0, 0, 0, 0), NULL, true),
                  3.94959677);
    double raw = exec_dt_months_between(TS(1997, 2, 28, 10, 30, 0, 0), TS(1996, 10, 30, 0, 0, 0, 0),
                                        NULL, false);
    ASSERT_TRUE(raw > 3.9495967741 && raw < 3.9495967742);
    /* Same day of month, or both month ends: whole months, time ignored. */
    ASSERT_DBL_EQ(exec_dt_months_between(TS(2019, 3, 15, 1, 0, 0, 0), TS(2019, 1, 15, 23, 0, 0, 0),
                                         NULL, true),
                  2.0);
    ASSERT_DBL_EQ(exec_dt_months_between(TS(2019, 2, 28, 0, 0, 0, 0), TS(2019, 1, 31, 5, 0, 0, 0),
                                         NULL, true),
                  1.0);
    /* In a zone the fields are local: 2019-03-01 07:00Z is 02-28 23:00 in LA. */
    ASSERT_DBL_EQ(exec_dt_months_between(TS(2019, 3, 1, 7, 0, 0, 0), TS(2019, 1, 31, 8, 0, 0, 0),
                                         Z("America/Los_Angeles"), true),
                  1.0);
}

BK_TEST(datetime_fn_trunc) {
    exec_dt_unit u;
    ASSERT_TRUE(exec_dt_trunc_unit("yyyy", 4, false, &u) && u == EXEC_DT_YEAR);
    ASSERT_TRUE(exec_dt_trunc_unit("Mon", 3, true, &u) && u == EXEC_DT_MONTH);
    ASSERT_TRUE(exec_dt_trunc_unit("MicroSecond", 11, false, &u) && u == EXEC_DT_MICROSECOND);
    ASSERT_TRUE(!exec_dt_trunc_unit("DAY", 3, true, &u)); /* trunc(date) stops at WEEK */
    ASSERT_TRUE(!exec_dt_trunc_unit("DECADE", 6, false, &u));
    int32_t d = D(2019, 8, 15); /* a Thursday */
    ASSERT_STR_EQ(ds(exec_dt_trunc_date(EXEC_DT_WEEK, d)), "2019-08-12");
    ASSERT_STR_EQ(ds(exec_dt_trunc_date(EXEC_DT_MONTH, d)), "2019-08-01");
    ASSERT_STR_EQ(ds(exec_dt_trunc_date(EXEC_DT_QUARTER, d)), "2019-07-01");
    ASSERT_STR_EQ(ds(exec_dt_trunc_date(EXEC_DT_YEAR, d)), "2019-01-01");
    ASSERT_STR_EQ(ds(exec_dt_trunc_date(EXEC_DT_WEEK, D(2019, 1, 1))), "2018-12-31");

    /* date_trunc in LA: local fields truncated, then back to an instant. */
    const bk_tz *la = Z("America/Los_Angeles");
    int64_t t = TS(2015, 3, 5, 17, 32, 5, 359123); /* 09:32:05.359123 PST */
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_YEAR, t, la), TS(2015, 1, 1, 8, 0, 0, 0));
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_QUARTER, t, la), TS(2015, 1, 1, 8, 0, 0, 0));
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_MONTH, t, la), TS(2015, 3, 1, 8, 0, 0, 0));
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_WEEK, t, la), TS(2015, 3, 2, 8, 0, 0, 0));
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_DAY, t, la), TS(2015, 3, 5, 8, 0, 0, 0));
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_HOUR, t, la), TS(2015, 3, 5, 17, 0, 0, 0));
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_MINUTE, t, la), TS(2015, 3, 5, 17, 32, 0, 0));
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_SECOND, t, la), TS(2015, 3, 5, 17, 32, 5, 0));
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_MILLISECOND, t, la), TS(2015, 3, 5, 17, 32, 5, 359000));
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_MICROSECOND, t, la), t);
    /* Across DST: the month of 2015-03-20 (PDT) starts in PST. */
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_MONTH, TS(2015, 3, 20, 12, 0, 0, 0), la),
              TS(2015, 3, 1, 8, 0, 0, 0));
    /* Kolkata's half-hour offset: HOUR truncates local time. */
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_HOUR, TS(2015, 3, 5, 17, 40, 0, 0), Z("Asia/Kolkata")),
              TS(2015, 3, 5, 17, 30, 0, 0));
    /* The second 01:xx of the LA overlap keeps its offset (ZonedDateTime.truncatedTo). */
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_HOUR, TS(2019, 11, 3, 9, 40, 0, 0), la),
              TS(2019, 11, 3, 9, 0, 0, 0));
    /* NTZ and negative values floor. */
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_SECOND, -1, NULL), -1000000);
    ASSERT_EQ(exec_dt_date_trunc(EXEC_DT_DAY, -1, NULL), -BK_MICROS_PER_DAY);
}

BK_TEST(datetime_fn_fields) {
    exec_dt_field f;
    bool is_time;
    ASSERT_TRUE(exec_dt_field_parse("yrs", 3, &f, &is_time) && f == EXEC_DT_F_YEAR && !is_time);
    ASSERT_TRUE(exec_dt_field_parse("DOW_ISO", 7, &f, &is_time) && f == EXEC_DT_F_DAYOFWEEK_ISO);
    ASSERT_TRUE(exec_dt_field_parse("secs", 4, &f, &is_time) && f == EXEC_DT_F_SECOND && is_time);
    ASSERT_TRUE(exec_dt_field_parse("m", 1, &f, &is_time) && f == EXEC_DT_F_MINUTE);
    ASSERT_TRUE(!exec_dt_field_parse("MILLENNIUM", 10, &f, &is_time));
    /* date.sql.out: dayofweek 7 5 7, weekday 5 3 5 */
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_DAYOFWEEK, D(2007, 2, 3)), 7);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_DAYOFWEEK, D(2009, 7, 30)), 5);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_DAYOFWEEK, D(2017, 5, 27)), 7);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_WEEKDAY, D(2007, 2, 3)), 5);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_WEEKDAY, D(2009, 7, 30)), 3);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_DAYOFWEEK_ISO, D(2017, 5, 28)), 7);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_YEAR, D(1500, 1, 1)), 1500);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_DOY, D(1500, 1, 1)), 1);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_DOY, D(1582, 10, 15)), 288);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_DOY, D(2020, 12, 31)), 366);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_QUARTER, D(2016, 8, 31)), 3);
    /* ISO weeks at year boundaries. */
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_WEEK, D(2008, 2, 20)), 8);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_WEEK, D(2021, 1, 1)), 53); /* a Friday */
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_YEAROFWEEK, D(2021, 1, 1)), 2020);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_WEEK, D(2019, 12, 30)), 1); /* a Monday */
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_YEAROFWEEK, D(2019, 12, 30)), 2020);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_WEEK, D(2015, 12, 31)), 53);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_WEEK, D(2017, 1, 1)), 52); /* a Sunday */
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_WEEK, D(2018, 1, 1)), 1);
    /* Year zero and negative years. */
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_YEAR, D(0, 2, 29)), 0);
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_DOY, D(0, 12, 31)), 366); /* 1 BC was leap */
    ASSERT_EQ(exec_dt_date_field(EXEC_DT_F_YEAR, D(-44, 3, 15)), -44);
    /* Timestamps: local fields; SECOND with its fraction in µs. */
    const bk_tz *la = Z("America/Los_Angeles");
    int64_t t = TS(2019, 10, 6, 17, 11, 12, 345678); /* 10:11:12.345678 PDT */
    ASSERT_EQ(exec_dt_timestamp_field(EXEC_DT_F_HOUR, t, la), 10);
    ASSERT_EQ(exec_dt_timestamp_field(EXEC_DT_F_HOUR, t, NULL), 17);
    ASSERT_EQ(exec_dt_timestamp_field(EXEC_DT_F_MINUTE, t, la), 11);
    ASSERT_EQ(exec_dt_timestamp_field(EXEC_DT_F_SECOND, t, la), 12345678);
    ASSERT_EQ(exec_dt_timestamp_field(EXEC_DT_F_DAY, TS(2019, 10, 6, 3, 0, 0, 0), la), 5);
    ASSERT_EQ(exec_dt_timestamp_field(EXEC_DT_F_HOUR, -1, NULL), 23);
    ASSERT_EQ(exec_dt_timestamp_to_date(TS(2019, 10, 6, 3, 0, 0, 0), la), D(2019, 10, 5));
    ASSERT_EQ(exec_dt_date_to_timestamp(D(2019, 10, 6), la), TS(2019, 10, 6, 7, 0, 0, 0));
    ASSERT_EQ(exec_dt_current_date(TS(2019, 10, 6, 3, 0, 0, 0), la), D(2019, 10, 5));
}

BK_TEST(datetime_fn_make) {
    bk_error err;
    bk_error_clear(&err);
    int32_t d = 0;
    /* date.sql.out */
    ASSERT_OK(exec_dt_make_date(2019, 1, 1, &d, &err), &err);
    ASSERT_STR_EQ(ds(d), "2019-01-01");
    ASSERT_OK(exec_dt_make_date(12, 12, 12, &d, &err), &err);
    ASSERT_STR_EQ(ds(d), "0012-12-12");
    ASSERT_FAILS(exec_dt_make_date(2000, 13, 1, &d, &err), BK_DATETIME_FIELD_OUT_OF_BOUNDS);
    ASSERT_STR_EQ(err.msg, "Invalid value for MonthOfYear (valid values 1 - 12): 13. If "
                           "necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                           "this error.");
    bk_error_clear(&err);
    ASSERT_FAILS(exec_dt_make_date(2000, 1, 33, &d, &err), BK_DATETIME_FIELD_OUT_OF_BOUNDS);
    ASSERT_CONTAINS(err.msg, "Invalid value for DayOfMonth (valid values 1 - 28/31): 33.");
    bk_error_clear(&err);
    ASSERT_FAILS(exec_dt_make_date(2019, 2, 29, &d, &err), BK_DATETIME_FIELD_OUT_OF_BOUNDS);
    ASSERT_CONTAINS(err.msg, "Invalid date 'February 29' as '2019' is not a leap year.");
    bk_error_clear(&err);
    ASSERT_FAILS(exec_dt_make_date(2019, 4, 31, &d, &err), BK_DATETIME_FIELD_OUT_OF_BOUNDS);
    ASSERT_CONTAINS(err.msg, "Invalid date 'APRIL 31'.");
    ASSERT_OK(exec_dt_make_date(0, 2, 29, &d, &err), &err);
    ASSERT_STR_EQ(ds(d), "0000-02-29");

    /* timestamp.sql.out (session zone LA) */
    const bk_tz *la = Z("America/Los_Angeles");
    int64_t t = 0;
    bk_error_clear(&err);
    ASSERT_OK(exec_dt_make_timestamp(2021, 7, 11, 6, 30, 45678000, la, &t, &err), &err);
    ASSERT_EQ(bk_tz_utc_to_local(la, t), TS(2021, 7, 11, 6, 30, 45, 678000));
    ASSERT_OK(exec_dt_make_timestamp(2021, 7, 11, 6, 30, 45678000, Z("CET"), &t, &err), &err);
    ASSERT_EQ(bk_tz_utc_to_local(la, t), TS(2021, 7, 10, 21, 30, 45, 678000));
    ASSERT_OK(exec_dt_make_timestamp(1, 1, 1, 1, 1, 60000000, NULL, &t, &err), &err);
    ASSERT_EQ(t, TS(1, 1, 1, 1, 2, 0, 0));
    ASSERT_OK(exec_dt_make_timestamp(1, 1, 1, 1, 1, 59999999, NULL, &t, &err), &err);
    ASSERT_EQ(t, TS(1, 1, 1, 1, 1, 59, 999999));
    ASSERT_FAILS(exec_dt_make_timestamp(2021, 7, 11, 6, 30, 60007000, la, &t, &err),
                 BK_INVALID_FRACTION_OF_SECOND);
    ASSERT_CONTAINS(err.msg, "Valid range for seconds is [0, 60] (inclusive), but the provided "
                             "value is 60.007. To avoid this error, use `try_make_timestamp`");
    bk_error_clear(&err);
    ASSERT_FAILS(exec_dt_make_timestamp(1, 1, 1, 1, 1, 61000000, la, &t, &err),
                 BK_DATETIME_FIELD_OUT_OF_BOUNDS);
    ASSERT_CONTAINS(err.msg, "Invalid value for SecondOfMinute (valid values 0 - 59): 61.");
    bk_error_clear(&err);
    ASSERT_FAILS(exec_dt_make_timestamp(1, 1, 1, 1, 1, 99999999, la, &t, &err),
                 BK_DATETIME_FIELD_OUT_OF_BOUNDS);
    ASSERT_CONTAINS(err.msg, "(valid values 0 - 59): 99.");
    bk_error_clear(&err);
    ASSERT_FAILS(exec_dt_make_timestamp(2021, 1, 1, 24, 0, 0, la, &t, &err),
                 BK_DATETIME_FIELD_OUT_OF_BOUNDS);
    ASSERT_CONTAINS(err.msg, "Invalid value for HourOfDay (valid values 0 - 23): 24.");
    /* A local time in the LA gap moves forward (java.time). */
    ASSERT_OK(exec_dt_make_timestamp(2019, 3, 10, 2, 30, 0, la, &t, &err), &err);
    ASSERT_EQ(t, TS(2019, 3, 10, 10, 30, 0, 0));
}

BK_TEST(datetime_fn_epoch) {
    bk_error err;
    bk_error_clear(&err);
    int64_t t = 0;
    /* timestamp.sql.out: TIMESTAMP_SECONDS(1230219000) = 2008-12-25 07:30:00 in LA */
    ASSERT_OK(exec_dt_timestamp_seconds(1230219000, &t, &err), &err);
    ASSERT_EQ(bk_tz_utc_to_local(Z("America/Los_Angeles"), t), TS(2008, 12, 25, 7, 30, 0, 0));
    ASSERT_OK(exec_dt_timestamp_millis(-1230219000123, &t, &err), &err);
    ASSERT_EQ(bk_tz_utc_to_local(Z("America/Los_Angeles"), t), TS(1931, 1, 7, 0, 29, 59, 877000));
    ASSERT_FAILS(exec_dt_timestamp_seconds(1230219000123123, &t, &err), BK_DATETIME_OVERFLOW);
    ASSERT_STR_EQ(err.msg, "long overflow");
    ASSERT_FAILS(exec_dt_timestamp_millis(-92233720368547758, &t, &err), BK_DATETIME_OVERFLOW);
    ASSERT_EQ(exec_dt_timestamp_micros(1230219000123123), 1230219000123123);
    /* UNIX_SECONDS / MILLIS of 2020-12-01 14:30:08.999999Z floor. */
    int64_t u = TS(2020, 12, 1, 14, 30, 8, 999999);
    ASSERT_EQ(exec_dt_unix_seconds(u), 1606833008);
    ASSERT_EQ(exec_dt_unix_millis(u), 1606833008999);
    ASSERT_EQ(exec_dt_unix_micros(u), 1606833008999999);
    ASSERT_EQ(exec_dt_unix_seconds(-1), -1);
    /* date.sql.out: UNIX_DATE(2020-12-04) = 18600, DATE_FROM_UNIX_DATE(1000) = 1972-09-27 */
    ASSERT_EQ(exec_dt_unix_date(D(2020, 12, 4)), 18600);
    ASSERT_STR_EQ(ds(exec_dt_date_from_unix_date(1000)), "1972-09-27");
}

BK_TEST(datetime_fn_unixtime_text) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    const exec_dtfmt *f = NULL;
    const char *p = "yyyy-MM-dd HH:mm:ss";
    ASSERT_OK(exec_dtfmt_compile(a, p, strlen(p), false, &f, &err), &err);
    char buf[64];
    /* from_unixtime(0) in LA */
    exec_dt_from_unixtime(f, 0, Z("America/Los_Angeles"), buf, sizeof buf);
    ASSERT_STR_EQ(buf, "1969-12-31 16:00:00");
    exec_dt_from_unixtime(f, INT64_MAX, NULL, buf, sizeof buf); /* no overflow, clamped */
    const exec_dtfmt *pf = NULL;
    ASSERT_OK(exec_dtfmt_compile(a, p, strlen(p), true, &pf, &err), &err);
    int64_t secs = 0;
    ASSERT_OK(exec_dt_unix_timestamp_parse(pf, "2016-04-08 00:00:00", 19, Z("America/Los_Angeles"),
                                           NULL, &secs, &err),
              &err);
    ASSERT_EQ(secs, 1460098800);
    ASSERT_FAILS(exec_dt_unix_timestamp_parse(pf, "2016-04-08", 10, NULL, "try_to_unix_timestamp",
                                              &secs, &err),
                 BK_CANNOT_PARSE_TIMESTAMP);
    ASSERT_CONTAINS(err.msg, "Use `try_to_unix_timestamp` to tolerate");
    bk_arena_free(a);
}

BK_TEST(datetime_fn_zone_conversions) {
    /* Spark docs: from_utc_timestamp('2016-08-31', 'Asia/Seoul') = 2016-08-31 09:00:00 */
    ASSERT_EQ(exec_dt_from_utc_timestamp(TS(2016, 8, 31, 0, 0, 0, 0), Z("Asia/Seoul")),
              TS(2016, 8, 31, 9, 0, 0, 0));
    /* to_utc_timestamp('2016-08-31', 'Asia/Seoul') = 2016-08-30 15:00:00 */
    ASSERT_EQ(exec_dt_to_utc_timestamp(TS(2016, 8, 31, 0, 0, 0, 0), Z("Asia/Seoul")),
              TS(2016, 8, 30, 15, 0, 0, 0));
    /* convert_timezone('Europe/Brussels', 'America/Los_Angeles', '2021-12-06 00:00:00')
     * = 2021-12-05 15:00:00 (Spark docs) */
    ASSERT_EQ(exec_dt_convert_timezone(Z("Europe/Brussels"), Z("America/Los_Angeles"),
                                       TS(2021, 12, 6, 0, 0, 0, 0)),
              TS(2021, 12, 5, 15, 0, 0, 0));
    ASSERT_EQ(exec_dt_convert_timezone(Z("UTC"), Z("+08:00"), TS(2021, 12, 6, 0, 0, 0, 0)),
              TS(2021, 12, 6, 8, 0, 0, 0));
}
