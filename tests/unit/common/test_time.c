/* test_time.c: ISO-8601 formatting (epoch, leap day, pre-1970, extremes, truncation) and the
 * ordering properties of the clocks. No durations are asserted: timings belong in bench/. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "common/time.h"

typedef struct iso_case {
        int64_t ms;          /* epoch milliseconds */
        const char *expect;  /* formatted UTC */
} iso_case;

Test(common_time, iso_format_of_known_instants)
{
        static const iso_case cases[] = {
                {0, "1970-01-01T00:00:00.000Z"},
                {1, "1970-01-01T00:00:00.001Z"},
                {999, "1970-01-01T00:00:00.999Z"},
                {1000, "1970-01-01T00:00:01.000Z"},
                {1234567890123, "2009-02-13T23:31:30.123Z"},
                {1764088800123, "2025-11-25T16:40:00.123Z"},
                {951782400000, "2000-02-29T00:00:00.000Z"},
                {951868799999, "2000-02-29T23:59:59.999Z"},
                {253402300799999, "9999-12-31T23:59:59.999Z"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char out[64];
                sl_time_format_iso(cases[i].ms, out, sizeof out);
                cr_assert_str_eq(out, cases[i].expect, "%lld", (long long)cases[i].ms);
        }
}

Test(common_time, iso_format_before_1970_rounds_toward_the_past)
{
        static const iso_case cases[] = {
                {-1, "1969-12-31T23:59:59.999Z"},
                {-999, "1969-12-31T23:59:59.001Z"},
                {-1000, "1969-12-31T23:59:59.000Z"},
                {-1001, "1969-12-31T23:59:58.999Z"},
                {-31536000000, "1969-01-01T00:00:00.000Z"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char out[64];
                sl_time_format_iso(cases[i].ms, out, sizeof out);
                cr_assert_str_eq(out, cases[i].expect, "%lld", (long long)cases[i].ms);
        }
}

Test(common_time, iso_format_of_int64_extremes_keeps_the_milliseconds)
{
        char out[64];
        sl_time_format_iso(INT64_MAX, out, sizeof out);
        size_t n = strlen(out);
        cr_assert_geq(n, 5);
        cr_assert_str_eq(out + n - 5, ".807Z", "%s", out);
        /* INT64_MIN is ...808 ms: one second earlier plus 192 ms */
        sl_time_format_iso(INT64_MIN, out, sizeof out);
        n = strlen(out);
        cr_assert_geq(n, 5);
        cr_assert_str_eq(out + n - 5, ".192Z", "%s", out);
}

Test(common_time, iso_format_truncates_to_the_buffer)
{
        char out[11];
        memset(out, 'x', sizeof out);
        sl_time_format_iso(0, out, 10);
        cr_assert_str_eq(out, "1970-01-0");
        cr_assert_eq(out[10], 'x', "nothing written past outlen");
        char exact[25];
        sl_time_format_iso(0, exact, sizeof exact);
        cr_assert_str_eq(exact, "1970-01-01T00:00:00.000Z");
}

Test(common_time, monotonic_clock_never_goes_back)
{
        int64_t prev_ns = sl_time_mono_ns(), prev_ms = sl_time_mono_ms();
        for (int i = 0; i < 10000; i++) {
                int64_t ns = sl_time_mono_ns(), ms = sl_time_mono_ms();
                cr_assert_geq(ns, prev_ns);
                cr_assert_geq(ms, prev_ms);
                prev_ns = ns;
                prev_ms = ms;
        }
        int64_t a = sl_time_mono_ns();
        int64_t ms = sl_time_mono_ms();
        int64_t b = sl_time_mono_ns();
        cr_assert(a / 1000000 <= ms && ms <= b / 1000000, "ms and ns read the same clock");
}

Test(common_time, wall_clock_agrees_with_the_system_clock)
{
        time_t t0 = time(NULL);
        int64_t us0 = sl_time_wall_us();
        int64_t ms = sl_time_wall_ms();
        int64_t us1 = sl_time_wall_us();
        time_t t1 = time(NULL);
        cr_assert(us0 / 1000 <= ms && ms <= us1 / 1000, "ms and us read the same clock");
        /* time() may lag the realtime clock by up to one tick: allow that second */
        cr_assert(ms / 1000 >= (int64_t)t0 - 1 && ms / 1000 <= (int64_t)t1 + 1, "%lld vs [%lld, %lld]",
                  (long long)ms, (long long)t0, (long long)t1);
}
