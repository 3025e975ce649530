/* time.h: clocks. Monotonic time for timeouts and durations, wall time for record timestamps. */
#ifndef SL_COMMON_TIME_H
#define SL_COMMON_TIME_H

#include <stdint.h>

/* Monotonic clock, nanoseconds / milliseconds since an arbitrary point. */
int64_t sl_time_mono_ns(void);
int64_t sl_time_mono_ms(void);
/* Wall clock, milliseconds / microseconds since the Unix epoch (UTC). */
int64_t sl_time_wall_ms(void);
int64_t sl_time_wall_us(void);
/* Formats epoch milliseconds as ISO-8601 UTC "2026-11-25T16:40:00.123Z" into out (>= 25 bytes). */
void sl_time_format_iso(int64_t epoch_ms, char *out, unsigned long outlen);

#endif
