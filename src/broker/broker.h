/* broker.h: the bundled Kafka-protocol broker, the public face of src/broker. One node,
 * replication factor 1, a durable segmented log per partition under <data.dir>/broker/.
 * sluiced creates it from its configuration, starts it, and stops it on SIGINT/SIGTERM. */
#ifndef SL_BROKER_BROKER_H
#define SL_BROKER_BROKER_H

#include "common/config.h"
#include "common/err.h"

typedef struct sl_broker sl_broker;

/* Reads the broker.* / log.* / socket.* settings from `cfg` (borrowed, only during the call),
 * opens (or creates) the data directory and recovers every partition log. Nothing listens yet.
 * Returns SL_OK, SL_ERR_INVALID (a bad setting; the message names the key) or SL_ERR_IO. */
sl_err sl_broker_new(const sl_config *cfg, sl_broker **out, sl_err_detail *det);
/* Binds the listener and starts the network and flush threads. SL_ERR_IO if the port is taken. */
sl_err sl_broker_start(sl_broker *broker, sl_err_detail *det);
/* The port actually bound (useful with port 0), after sl_broker_start. */
int sl_broker_port(const sl_broker *broker);
/* Stops accepting, finishes the threads, flushes and closes every log. Safe to call twice. */
void sl_broker_stop(sl_broker *broker);
/* Stops if needed and frees. NULL does nothing. */
void sl_broker_free(sl_broker *broker);

#endif
