/* log.c: leveled logging. Each line is formatted into one buffer and written with one write(2),
 * so lines from different threads never interleave. */
#include "common/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "common/str.h"
#include "common/time.h"

static _Atomic int current_level = SL_LOG_INFO;
static _Atomic int log_fd = 2;

static const char *const level_names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"};

void sl_log_set_level(sl_log_level level)
{
        current_level = level;
}

sl_log_level sl_log_get_level(void)
{
        return (sl_log_level)current_level;
}

int sl_log_level_parse(const char *name, sl_log_level *out)
{
        for (int i = SL_LOG_TRACE; i <= SL_LOG_OFF; i++) {
                if (sl_str_eq_ci(name, level_names[i])) {
                        *out = (sl_log_level)i;
                        return 0;
                }
        }
        if (sl_str_eq_ci(name, "warning")) {
                *out = SL_LOG_WARN;
                return 0;
        }
        return -1;
}

void sl_log_set_fd(int fd)
{
        log_fd = fd;
}

void sl_log(sl_log_level level, const char *component, const char *fmt, ...)
{
        if ((int)level < current_level || level >= SL_LOG_OFF)
                return;
        char line[2048], stamp[32];
        sl_time_format_iso(sl_time_wall_ms(), stamp, sizeof stamp);
        int head = snprintf(line, sizeof line, "%s %-5s %s: ", stamp, level_names[level], component);
        if (head < 0)
                return;
        int n = head;
        if ((size_t)head < sizeof line) {
                va_list ap;
                va_start(ap, fmt);
                int m = vsnprintf(line + head, sizeof line - (size_t)head, fmt, ap);
                va_end(ap);
                if (m > 0)  /* m is the untruncated length: keep the sum from overflowing */
                        n = (size_t)m >= sizeof line ? (int)sizeof line : n + m;
        }
        if ((size_t)n >= sizeof line - 1)
                n = (int)sizeof line - 2;
        /* a message is one line: line breaks inside it would start lines without a prefix */
        for (int i = head; i < n; i++)
                if (line[i] == '\n' || line[i] == '\r')
                        line[i] = ' ';
        line[n++] = '\n';
        ssize_t w = write(log_fd, line, (size_t)n);
        (void)w;
}
