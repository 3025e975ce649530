/* log.h: leveled logging with a component tag ("broker", "engine", ...). Lines go to stderr as
 * `2026-11-25T16:40:00.123Z INFO  broker: message`. Thread-safe; one write per line. */
#ifndef SL_COMMON_LOG_H
#define SL_COMMON_LOG_H

typedef enum sl_log_level {
        SL_LOG_TRACE,
        SL_LOG_DEBUG,
        SL_LOG_INFO,
        SL_LOG_WARN,
        SL_LOG_ERROR,
        SL_LOG_OFF,
} sl_log_level;

void sl_log_set_level(sl_log_level level);
sl_log_level sl_log_get_level(void);
/* Parses "trace", "debug", "info", "warn", "error", "off" (any case); returns 0 on success. */
int sl_log_level_parse(const char *name, sl_log_level *out);
/* Redirects output to `fd` (default 2). */
void sl_log_set_fd(int fd);

void sl_log(sl_log_level level, const char *component, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#define SL_LOG_DEBUG(comp, ...) sl_log(SL_LOG_DEBUG, (comp), __VA_ARGS__)
#define SL_LOG_INFO(comp, ...) sl_log(SL_LOG_INFO, (comp), __VA_ARGS__)
#define SL_LOG_WARN(comp, ...) sl_log(SL_LOG_WARN, (comp), __VA_ARGS__)
#define SL_LOG_ERROR(comp, ...) sl_log(SL_LOG_ERROR, (comp), __VA_ARGS__)

#endif
