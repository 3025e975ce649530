/* test_datetime.c: the DATE_TIME family: DateTimeFormatter patterns both ways (literals, month
 * names, AM/PM, fractions, offsets, zone names), zones from the system TZif files (DST on both
 * sides, the POSIX rule after 2037), CONVERT_TZ, the deprecated BIGINT/INT forms, the ADD and SUB
 * functions with wrapping and nulls, and errors for bad text, patterns and zones. */
#include <unistd.h>

#include "func_test.h"

TestSuite(func_datetime, .init = fc_setup, .fini = fc_teardown);

static bool have_zoneinfo(void)
{
        return access("/usr/share/zoneinfo/America/Los_Angeles", R_OK) == 0;
}

#define TS(ms) sl_value_timestamp(ms)
#define DT(d) sl_value_date(d)
#define TM(ms) sl_value_time(ms)

Test(func_datetime, format_and_parse_dates_and_times)
{
        fcase cases[] = {
                FC("format_date", "2018-05-11", DT(17662), S("yyyy-MM-dd")),
                FC("format_date", "11/05/2019", DT(18027), S("dd/MM/yyyy")),
                FC("format_date", "01-Jan-2022", DT(18993), S("dd-MMM-yyyy")),
                FC("format_date", "31-12-1969Sophia", DT(-1), S("dd-MM-yyyy'Sophia'")),
                FC("format_date", "Saturday, January 1, 22", DT(18993), S("EEEE, MMMM d, yy")),
                FC("datetostring", "01-01-1970", I(0), S("dd-MM-yyyy")),
                FC("parse_date", "2018-05-11", S("2018-05-11Lit"), S("yyyy-MM-dd'Lit'")),
                FC("parse_date", "2019-05-11", S("11/05/2019"), S("dd/MM/yyyy")),
                FC("parse_date", "2022-01-01", S("01-JAN-2022"), S("dd-MMM-yyyy")),
                FC("parse_date", "2022-01-01", S("JAN-2022"), S("MMM-yyyy")),
                FC("parse_date", "2021-02-03", S("20210203"), S("yyyyMMdd")),
                FC("stringtodate", "18993", S("01-Jan-2022"), S("dd-MMM-yyyy")),
                FC("stringtodate", "0", S("01-01-1970"), S("dd-MM-yyyy")),
                FC("format_time", "00_01_05_000", TM(65000), S("HH_mm_ss_SSS")),
                FC("format_time", "002034AAAAA", TM(1234567), S("HHmmss'AAAAA'")),
                FC("format_time", "01:00 PM", TM(46800000), S("hh:mm a")),
                FC("format_time", "1 o'clock", TM(3600000), S("h 'o''clock'")),
                FC("format_time", "'13'", TM(46800000), S("''HH''")),
                FC("parse_time", "00:01:05", S("00:01:05Lit"), S("HH:mm:ss'Lit'")),
                FC("parse_time", "11:05:19", S("11/05/19"), S("HH/mm/ss")),
                FC("parse_time", "13:00", S("01:00:00 PM"), S("hh:mm:ss a")),
                FC("parse_time", "13:00", S("01:00:00 Pm"), S("hh:mm:ss a")),
                FC("parse_time", "00:30", S("12:30 am"), S("hh:mm a")),
                FC("format_time", "null", TN(sl_type_time()), S("HH:mm:ss")),
        };
        FC_RUN(cases);
}

Test(func_datetime, timestamps_in_utc_and_offsets)
{
        fcase cases[] = {
                FC("stringtotimestamp", "1526075913000", S("2018-05-11T21:58:33Z"), S("yyyy-MM-dd'T'HH:mm:ssX")),
                FC("stringtotimestamp", "1589234313000", S("2020-05-11T21:58:33z"), S("yyyy-MM-dd'T'HH:mm:ssX")),
                FC("stringtotimestamp", "1566912669200", S("2019-08-27T13:31:09.2+0000"), S("yyyy-MM-dd'T'HH:mm:ss.SX")),
                FC("stringtotimestamp", "1566905469200", S("2019-08-27T13:31:09.2+0200"), S("yyyy-MM-dd'T'HH:mm:ss.SX")),
                FC("parse_timestamp", "2018-05-11T21:58:33.000", S("2018-05-11T21:58:33"), S("yyyy-MM-dd'T'HH:mm:ss")),
                FC("parse_timestamp", "2018-05-11T19:58:33.000", S("2018-05-11T21:58:33"), S("yyyy-MM-dd'T'HH:mm:ss"),
                   S("+02:00")),
                FC("parse_timestamp", "2020-01-02T03:04:05.678", S("2020-01-02 03:04:05.678"), S("yyyy-MM-dd HH:mm:ss.SSS")),
                FC("parse_timestamp", "2020-01-02T00:00:00.000", S("2020-01-02"), S("yyyy-MM-dd['T'HH:mm:ss]")),
                FC("parse_timestamp", "2020-01-02T10:11:12.000", S("2020-01-02T10:11:12"), S("yyyy-MM-dd['T'HH:mm:ss]")),
                FC("format_timestamp", "2018-05-11 21:58:33", TS(1526075913000LL), S("yyyy-MM-dd HH:mm:ss")),
                FC("format_timestamp", "2018-05-11T21:58:33.000Z", TS(1526075913000LL), S("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")),
                FC("format_timestamp", "2018-05-11 23:58 +0200", TS(1526075913000LL), S("yyyy-MM-dd HH:mm Z"),
                   S("+0200")),
                FC("timestamptostring", "1970-01-01 00:00:00.100", L(100), S("yyyy-MM-dd HH:mm:ss.SSS")),
                FC("timestamptostring", "1969-12-31 23:59:59.999", L(-1), S("yyyy-MM-dd HH:mm:ss.SSS")),
                FC("format_timestamp", "null", TN(sl_type_timestamp()), S("yyyy")),
                FC("convert_tz", "1970-01-01T03:00:00.100", TS(100), S("+0200"), S("+0500")),
                FC("convert_tz", "2020-05-12T00:58:33.000", TS(1589234313000LL), S("+0200"), S("+0500")),
                FC("unix_timestamp", "1589234313000", TS(1589234313000LL)),
                FC("unix_date", "100", DT(100)),
                FC("from_unixtime", "2020-05-11T21:58:33.000", L(1589234313000LL)),
                FC("from_days", "1969-12-22", I(-10)),
        };
        FC_RUN(cases);
        sl_value now = fc_call("unix_timestamp", NULL, 0);
        cr_expect_gt(now.u.i64, 1600000000000LL);
        sl_value today = fc_call("unix_date", NULL, 0);
        cr_expect_gt(today.u.i32, 18500);
}

Test(func_datetime, named_zones)
{
        if (!have_zoneinfo())
                cr_skip_test("no /usr/share/zoneinfo");
        fcase cases[] = {
                FC("timestamptostring", "2018-05-11 14:58:33 PDT", L(1526075913000LL), S("yyyy-MM-dd HH:mm:ss zzz"),
                   S("America/Los_Angeles")),
                FC("format_timestamp", "2018-05-11 22:58:33 BST", TS(1526075913000LL), S("yyyy-MM-dd HH:mm:ss zzz"),
                   S("Europe/London")),
                FC("format_timestamp", "2018-01-11 13:58:33 PST -08:00", TS(1515707913000LL),
                   S("yyyy-MM-dd HH:mm:ss z xxx"), S("America/Los_Angeles")),
                FC("format_timestamp", "2050-07-01 05:00 PDT", TS(2540289600000LL), S("yyyy-MM-dd HH:mm z"),
                   S("America/Los_Angeles")),
                FC("format_timestamp", "2050-12-01 04:00 PST", TS(2553508800000LL), S("yyyy-MM-dd HH:mm z"),
                   S("PST")),
                FC("stringtotimestamp", "1526101113000", S("2018-05-11T21:58:33 PST"), S("yyyy-MM-dd'T'HH:mm:ss zzz")),
                FC("stringtotimestamp", "1589259513000", S("2020-05-11T21:58:33 PST"), S("yyyy-MM-dd'T'HH:mm:ss zzz")),
                FC("parse_timestamp", "2018-05-12T04:58:33.000", S("2018-05-11 21:58:33"), S("yyyy-MM-dd HH:mm:ss"),
                   S("America/Los_Angeles")),
                FC("parse_timestamp", "2018-05-11T20:58:33.000", S("2018-05-11 21:58:33 Europe/London"),
                   S("yyyy-MM-dd HH:mm:ss VV")),
                FC("convert_tz", "1970-01-01T03:00:00.100", TS(100), S("America/Los_Angeles"), S("America/New_York")),
                FC("convert_tz", "2020-05-12T00:58:33.000", TS(1589234313000LL), S("America/Los_Angeles"),
                   S("America/New_York")),
                /* 02:30 does not exist on 2021-03-14 in Los Angeles: java.time moves it to 03:30 PDT */
                FC("parse_timestamp", "2021-03-14T10:30:00.000", S("2021-03-14 02:30"), S("yyyy-MM-dd HH:mm"),
                   S("America/Los_Angeles")),
                /* 01:30 happens twice on 2021-11-07: the earlier instant (PDT) */
                FC("parse_timestamp", "2021-11-07T08:30:00.000", S("2021-11-07 01:30"), S("yyyy-MM-dd HH:mm"),
                   S("America/Los_Angeles")),
        };
        FC_RUN(cases);
}

Test(func_datetime, bad_input_patterns_and_zones)
{
        sl_err_detail err;
        sl_value a[] = {S("not a date"), S("yyyy-MM-dd")};
        cr_expect_eq(fc_call_err("parse_date", a, 2, &err), SL_ERR_FUNCTION);
        sl_value b[] = {S("2020-02-30"), S("yyyy-MM-dd")};
        cr_expect_eq(fc_call_err("parse_date", b, 2, &err), SL_ERR_FUNCTION);
        sl_value c[] = {S("2020-01-01 extra"), S("yyyy-MM-dd")};
        cr_expect_eq(fc_call_err("parse_date", c, 2, &err), SL_ERR_FUNCTION);
        sl_value d[] = {DT(0), S("yyyy-bb")};
        cr_expect_eq(fc_call_err("format_date", d, 2, &err), SL_ERR_FUNCTION);
        cr_expect(strstr(err.message, "Unknown pattern letter: b") != NULL);
        sl_value e[] = {DT(0), S("yyyy HH")};
        cr_expect_eq(fc_call_err("format_date", e, 2, &err), SL_ERR_FUNCTION);
        sl_value f[] = {TS(0), S("yyyy"), S("Mars/Olympus_Mons")};
        cr_expect_eq(fc_call_err("format_timestamp", f, 3, &err), SL_ERR_FUNCTION);
        sl_value g[] = {TS(0), S("yyyy"), S("../../etc/passwd")};
        cr_expect_eq(fc_call_err("format_timestamp", g, 3, &err), SL_ERR_FUNCTION);
        sl_value h[] = {S("13:00"), S("HH:mm'unterminated")};
        cr_expect_eq(fc_call_err("parse_time", h, 2, &err), SL_ERR_FUNCTION);
        sl_value i[] = {S("25:00"), S("HH:mm")};
        cr_expect_eq(fc_call_err("parse_time", i, 2, &err), SL_ERR_FUNCTION);
}

Test(func_datetime, add_and_sub)
{
        fcase cases[] = {
                FC("dateadd", "1970-01-21", S("DAYS"), I(10), DT(10)),
                FC("dateadd", "1970-01-01", S("DAYS"), I(-5), DT(5)),
                FC("dateadd", "1970-01-06", S("MILLISECONDS"), I(5), DT(5)),
                FC("dateadd", "1970-01-04", S("HOURS"), I(48), DT(1)),
                FC("dateadd", "null", S("MILLISECONDS"), TN(T_INT()), DT(5)),
                FC("datesub", "1970-01-01", S("DAYS"), I(10), DT(10)),
                FC("timestampadd", "1970-01-01T00:00:00.020", S("MILLISECONDS"), I(10), TS(10)),
                FC("timestampadd", "1969-12-31T23:59:59.997", S("MILLISECONDS"), I(-5), TS(2)),
                FC("timestampadd", "1970-01-02T00:00:00.000", S("day"), L(1), TS(0)),
                FC("timestampsub", "1970-01-01T00:00:00.000", S("SECONDS"), I(1), TS(1000)),
                FC("timestampadd", "null", S("SECONDS"), I(1), TN(sl_type_timestamp())),
        };
        FC_RUN(cases);
        /* TIME results compared as ms of day */
        struct {
                const char *fn, *unit;
                int32_t iv, time, want;
        } times[] = {
                {"timeadd", "MILLISECONDS", 10, 10, 20},
                {"timeadd", "MILLISECONDS", 10, 86399995, 5},
                {"timeadd", "MILLISECONDS", -5, 2, 86399997},
                {"timesub", "HOURS", 2, 3600000, 82800000},
                {"timeadd", "DAYS", 3, 1234, 1234},
        };
        for (size_t k = 0; k < sizeof times / sizeof times[0]; k++) {
                sl_value a[] = {S(times[k].unit), I(times[k].iv), TM(times[k].time)};
                sl_value r = fc_call(times[k].fn, a, 3);
                cr_expect_eq(r.u.i32, times[k].want, "%s(%s, %d, %d) = %d", times[k].fn, times[k].unit, times[k].iv,
                             times[k].time, r.u.i32);
        }
        FC_FAILS("dateadd", "Function 'dateadd' does not accept parameters (DATE, INTEGER, DATE).", DT(1), I(5), DT(1));
        FC_FAILS("timestampadd", "does not accept parameters (TIMESTAMP, INTEGER, TIMESTAMP)", TS(1), I(5), TS(1));
        sl_err_detail err;
        sl_value bad[] = {S("FORTNIGHTS"), I(1), TS(0)};
        cr_expect_eq(fc_call_err("timestampadd", bad, 3, &err), SL_ERR_FUNCTION);
        sl_value big[] = {S("DAYS"), L(INT64_MAX / 2), TS(0)};
        cr_expect_eq(fc_call_err("timestampadd", big, 3, &err), SL_ERR_OVERFLOW);
}

/* One call site remembers its zone argument and follows a change of it. */
Test(func_datetime, call_site_zone_cache)
{
        sl_value args[] = {TS(0), S("HH:mm xxx"), S("+02:00")};
        sl_func_resolved res;
        sl_err_detail err;
        cr_assert_eq(fc_resolve("format_timestamp", args, 3, &res, &err), SL_OK);
        sl_func_ctx ctx = {.arena = arena, .err = &err, .res = &res};
        sl_value out;
        cr_assert_eq(sl_func_call(&ctx, args, 3, &out), SL_OK);
        cr_expect_str_eq(fc_render(&out), "02:00 +02:00");
        cr_assert_not_null(ctx.cache);
        args[0] = TS(3600000);
        cr_assert_eq(sl_func_call(&ctx, args, 3, &out), SL_OK);
        cr_expect_str_eq(fc_render(&out), "03:00 +02:00");
        args[2] = S("-0130");
        cr_assert_eq(sl_func_call(&ctx, args, 3, &out), SL_OK);
        cr_expect_str_eq(fc_render(&out), "23:30 -01:30");
        args[2] = S("Nowhere/Special");
        cr_expect_eq(sl_func_call(&ctx, args, 3, &out), SL_ERR_FUNCTION);
        args[2] = S("UTC");
        cr_assert_eq(sl_func_call(&ctx, args, 3, &out), SL_OK);
        cr_expect_str_eq(fc_render(&out), "01:00 +00:00");
        sl_func_ctx_release(&ctx);
}
