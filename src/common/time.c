/* time.c: monotonic and wall clocks. */
#include "common/time.h"

#include <stdio.h>
#include <time.h>

int64_t sl_time_mono_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t sl_time_mono_ms(void)
{
        return sl_time_mono_ns() / 1000000;
}

int64_t sl_time_wall_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t sl_time_wall_ms(void)
{
        return sl_time_wall_us() / 1000;
}

void sl_time_format_iso(int64_t epoch_ms, char *out, unsigned long outlen)
{
        /* floor division without computing epoch_ms - 999, which overflows at INT64_MIN */
        time_t secs = (time_t)(epoch_ms / 1000);
        int ms = (int)(epoch_ms % 1000);
        if (ms < 0) {
                ms += 1000;
                secs--;
        }
        struct tm tm;
        if (!gmtime_r(&secs, &tm)) {
                snprintf(out, outlen, "(time %lld ms)", (long long)epoch_ms);
                return;
        }
        snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}
