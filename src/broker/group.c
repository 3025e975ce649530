/* group.c: the group coordinator (increment 2 fills this in). */
#include "broker/broker_int.h"

sl_err sl_broker_offsets_open(sl_broker *broker, sl_err_detail *det)
{
        (void)broker;
        (void)det;
        return SL_OK;
}
void sl_broker_offsets_close(sl_broker *broker) { (void)broker; }
void sl_broker_groups_free(sl_broker *broker) { (void)broker; }
void sl_broker_groups_tick(sl_broker *broker, int64_t now_ms) { (void)broker; (void)now_ms; }
int64_t sl_broker_groups_next_deadline(sl_broker *broker) { (void)broker; return INT64_MAX; }
void sl_broker_groups_conn_closed(sl_broker *broker, sl_broker_conn *conn) { (void)broker; (void)conn; }
