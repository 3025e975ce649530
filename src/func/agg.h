/* agg.h: what callers of the built-in aggregates (op_aggregate) may tell them beyond the
 * sl_func_agg_ops contract of registry.h: the query's ksql.functions.* settings that ksqlDB hands
 * its UDAFs (Configurable). A caller points ctx->udata at an sl_func_agg_config for the call sites
 * of built-in aggregates; with ctx->udata NULL they use ksqlDB's defaults. (Plugin aggregates
 * ignore ctx->udata: they find their own data through ctx->res.) */
#ifndef SL_FUNC_AGG_H
#define SL_FUNC_AGG_H

#include <stdint.h>

/* The settings; a negative limit means no limit, as in ksqlDB. */
typedef struct sl_func_agg_config {
        int64_t collect_list_limit;  /* ksql.functions.collect_list.limit: COLLECT_LIST keeps at most this many */
        int64_t collect_set_limit;   /* ksql.functions.collect_set.limit: COLLECT_SET keeps at most this many */
} sl_func_agg_config;

/* ksqlDB's defaults (no limits). */
#define SL_FUNC_AGG_CONFIG_DEFAULT ((sl_func_agg_config){.collect_list_limit = -1, .collect_set_limit = -1})

/* The property names, for the caller's lookup. */
#define SL_FUNC_AGG_COLLECT_LIST_LIMIT "ksql.functions.collect_list.limit"
#define SL_FUNC_AGG_COLLECT_SET_LIMIT "ksql.functions.collect_set.limit"

#endif
