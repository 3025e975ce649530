/* query.h: a running query -- the runtime side of one persistent or transient query: its plan,
 * its processing log and `nthreads` stream threads (ksql.streams.num.stream.threads) in the
 * query's consumer group, among which Kafka spreads the source partitions. The engine's query
 * manager creates one per started query and stops it on TERMINATE or shutdown. */
#ifndef SL_EXEC_QUERY_H
#define SL_EXEC_QUERY_H

#include <stdint.h>

#include "common/err.h"
#include "exec/proclog.h"
#include "exec/thread.h"
#include "plan/plan.h"

typedef struct sl_exec_query sl_exec_query;

/* Creates the threads of `plan` (borrowed; outlives the query), `nthreads` of them (<= 0: 1),
 * each configured by `conf` (copied; the same on_row for all). Does not start them. */
sl_err sl_exec_query_new(const sl_plan *plan, const sl_exec_thread_conf *conf, int nthreads, sl_exec_query **out,
                         sl_err_detail *err);
/* Starts every thread. */
sl_err sl_exec_query_start(sl_exec_query *q, sl_err_detail *err);
/* Stops every thread (each commits what it processed); returns the first error any reported. */
sl_err sl_exec_query_stop(sl_exec_query *q, sl_err_detail *err);
/* Stops if running and frees. NULL does nothing. */
void sl_exec_query_free(sl_exec_query *q);
/* The query's processing log (skipped records by reason). */
sl_proclog *sl_exec_query_log(sl_exec_query *q);
/* Records consumed and commits made, summed over the threads. */
void sl_exec_query_stats(const sl_exec_query *q, uint64_t *records, uint64_t *commits);

#endif
