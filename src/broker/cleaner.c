/* cleaner.c: log compaction (increment 5 fills this in). */
#include "broker/broker_int.h"

void sl_broker_cleaner_run(sl_broker *broker, sl_broker_log *log, int64_t now_wall_ms);
void sl_broker_cleaner_run(sl_broker *broker, sl_broker_log *log, int64_t now_wall_ms)
{
        (void)broker;
        (void)log;
        (void)now_wall_ms;
}
