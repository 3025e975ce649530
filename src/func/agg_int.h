/* agg_int.h: what the built-in aggregate families (agg_*.c) share -- their registration entry
 * points, a table row type for registering them, and helpers for building intermediate states.
 * Private to src/func.
 *
 * Conventions every built-in aggregate follows (ksqlDB's Udaf contract, see registry.h):
 *   - the state is an sl_value of the overload's state type (state_type), a STRUCT, ARRAY, MAP or
 *     a primitive, so the stores can encode it with types/keyenc;
 *   - callbacks never change the state they are given: a new state is built in ctx->arena (its
 *     strings and bytes copied there too), so a state may be kept while the arguments are freed;
 *   - the composite type a new state points to is the incoming state's own type when there is one,
 *     else the overload's state type computed once per call site and kept in ctx->cache
 *     (sl_func_agg_state_of), which lives until sl_func_ctx_release. */
#ifndef SL_FUNC_AGG_INT_H
#define SL_FUNC_AGG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "func/func_int.h"

/* One registration function per aggregate family file. */
sl_err sl_func_agg_count_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_agg_sum_avg_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_agg_minmax_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_agg_collect_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_agg_topk_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_agg_offset_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_agg_stats_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_agg_histogram_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_agg_attr_register(sl_func_registry *reg, sl_err_detail *err);

/* A row of a family's table: one overload; rows with the same name make one function. */
typedef struct sl_func_agg_builtin {
        const char *name;             /* as ksqlDB's @UdafDescription spells it ("COUNT", "avg") */
        const char *description;      /* the function's; taken from the first row of the name */
        const char *params;           /* signature text (registry.h) */
        const char *returns;          /* return pattern; with ret_fn only what DESCRIBE FUNCTION shows */
        sl_func_ret_fn ret_fn;        /* return type callback (takes precedence), or NULL */
        const sl_func_agg_ops *ops;   /* the callbacks (static) */
        const char *ov_description;   /* the overload's (@UdafFactory's), may be NULL */
        size_t ninit;                 /* trailing literal init arguments (sl_func_overload.ninit) */
} sl_func_agg_builtin;

/* Registers a family's table (kind AGGREGATE, category "AGGREGATE", overloads SL_FUNC_EXACT: as
 * ksqlDB's UDAFs they match argument types without implicit casts). */
sl_err sl_func_agg_add_table(sl_func_registry *reg, const sl_func_agg_builtin *rows, size_t n, sl_err_detail *err);
#define SL_FUNC_AGG_ADD_TABLE(reg, rows, err) sl_func_agg_add_table((reg), (rows), sizeof(rows) / sizeof((rows)[0]), (err))

/* The resolved overload's state type for this call site (see the file comment); NULL with
 * ctx->err set when state_type fails. */
const sl_type *sl_func_agg_state_of(sl_func_ctx *ctx);
/* The type of a composite state: its own when it is not NULL, else sl_func_agg_state_of. */
const sl_type *sl_func_agg_state_type(sl_func_ctx *ctx, const sl_value *state);

/* Init argument `i` of the call: its literal value from ctx->res (the analyzer's), else the row's
 * argument `args[i]` when `args` is given, else NULL. */
const sl_value *sl_func_agg_init_arg(sl_func_ctx *ctx, const sl_value *args, size_t nargs, size_t i);

/* A deep copy of `v` into the call arena (strings, bytes, composites). */
static inline sl_value sl_func_agg_own(sl_func_ctx *ctx, const sl_value *v)
{
        return sl_value_copy(ctx->arena, v);
}

/* ret_fn / state_type helpers shared by several families. */
/* The first argument's type (SUM(DECIMAL(4,1)) is DECIMAL(4,1), MIN(T) is T). */
sl_err sl_func_agg_ret_arg0(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **ret,
                            sl_err_detail *err);
/* ARRAY of the first argument's type (COLLECT_LIST). */
sl_err sl_func_agg_ret_array_arg0(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **ret,
                                  sl_err_detail *err);

/* Java's int and long arithmetic: two's complement wrap-around. */
static inline int32_t sl_func_agg_add_i32(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static inline int32_t sl_func_agg_sub_i32(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
static inline int64_t sl_func_agg_add_i64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static inline int64_t sl_func_agg_sub_i64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }

/* Java's compareTo of two non-NULL values of one type, as MIN/MAX/TOPK order them: numbers by
 * value (DOUBLE as Double.compareTo), STRING by code point, BYTES as ByteBuffer.compareTo (signed
 * bytes), DATE/TIME/TIMESTAMP chronologically. */
int sl_func_agg_cmp(const sl_value *a, const sl_value *b);

/* A fresh sequence number for the *_BY_OFFSET states: increasing within the process (ksqlDB's
 * AtomicLong), starting from the wall clock in microseconds so that it keeps increasing across
 * restarts. */
int64_t sl_func_agg_next_seq(void);

#endif
