/* exec_int.h: helpers shared by the operator files: the per-operator expression context (lambda
 * slots, error counting into the processing log) and the record writer that sinks and repartition
 * steps share (op_sink.c). Not for use outside src/exec. */
#ifndef SL_EXEC_EXEC_INT_H
#define SL_EXEC_EXEC_INT_H

#include "common/buf.h"
#include "common/map.h"
#include "exec/op.h"
#include "exec/task.h"
#include "sql/expr_compile.h"

/* An operator's evaluation context. */
typedef struct sl_exec_eval {
        sl_expr_ctx ctx;    /* row and arena set per record / batch */
        uint64_t reported;  /* ctx.errors already sent to the processing log */
} sl_exec_eval;

/* Sets up `ev` for the plan's lambda slots. */
void sl_exec_eval_init(sl_exec_eval *ev, const sl_plan *plan);
void sl_exec_eval_deinit(sl_exec_eval *ev);
/* Sends expression errors counted since the last call to the task's processing log. */
void sl_exec_eval_report(sl_op *op, sl_exec_eval *ev);

/* Serializes rows into a topic's records and writes them to the task's output. */
typedef struct sl_exec_writer {
        sl_buf key;           /* key bytes of the current record */
        sl_buf value;         /* value bytes of the current record */
        sl_value *cols;       /* the side's columns gathered from the row */
        size_t ncols;         /* allocated entries of cols */
        sl_func_ctx fctx;     /* PARSE_TIMESTAMP call site for a text TIMESTAMP column */
        sl_err_detail ferr;   /* its error slot */
} sl_exec_writer;

void sl_exec_writer_init(sl_exec_writer *w, const sl_plan_topic *topic);
void sl_exec_writer_deinit(sl_exec_writer *w);
/* Writes every record of `batch` to `topic`: the key from the key slots (absent when every key
 * column is NULL), the value from the value slots (absent for tombstones), the event time from
 * `ts_slot` when >= 0 (text parsed with `ts_parse` and `ts_format`; NULL or negative: the record is
 * skipped). Rows the serdes cannot encode are skipped and logged; an output failure is returned. */
sl_err sl_exec_writer_write(sl_op *op, sl_exec_writer *w, const sl_plan_topic *topic, int ts_slot,
                            const sl_func_resolved *ts_parse, const char *ts_format, sl_batch *batch, sl_err_detail *err);

/* One group's (and window's) states kept decoded from its first update in a batch to the batch's
 * end: with a write cache the operators read, write and emit each group once per batch
 * (sl_exec_agg_slot_*), as Kafka Streams' record cache forwards a key once per flush. */
typedef struct sl_exec_agg_slot {
        sl_value *states;      /* the naggs states (batch arena) */
        int64_t ts;            /* the states' timestamp */
        int64_t start;         /* window start (windowed operators), else 0 */
        const sl_rec *rec;     /* the input record of the last update: group keys, headers */
        size_t seq;            /* order of the last update within the batch: the emission order */
        sl_slice key;          /* the group key bytes (batch arena) */
} sl_exec_agg_slot;

/* The aggregate calls of an aggregation node (SL_PLAN_*AGGREGATE), shared by op_aggregate.c,
 * op_window_time.c and op_window_session.c. Input rows are GROUP_BY rows (keys, arguments, undo
 * flag); states live in the node's store as "8-byte big-endian timestamp || the states", each
 * state of a STRING or BYTES type as 00 (NULL) or 01 + 4-byte big-endian length + the bytes
 * (memcpy: HyperLogLog registers are 10 KB), any other in types/keyenc; the store key is the
 * keyenc tuple of the group keys. */
typedef struct sl_exec_agg {
        const sl_plan_node *node;  /* the aggregation node */
        sl_func_ctx *fctx;         /* per call: call site (res set, arena per batch) */
        sl_err_detail ferr;        /* their error slot */
        sl_value *states;          /* per call: the current group's states */
        sl_value *scratch;         /* per call: states being merged in (sessions) */
        sl_buf key;                /* encoded group key */
        sl_buf value;              /* encoded stored value */
        sl_exec_eval ev;           /* counts failed calls for the processing log */
        sl_map slots;              /* group key bytes + 8-byte window start -> sl_exec_agg_slot (batch) */
        sl_exec_agg_slot **order;  /* the batch's slots (sl_exec_agg_slots sorts them) */
        size_t nslots;             /* entries of order */
        size_t cap;                /* capacity of order */
        size_t seq;                /* updates so far in the batch */
        sl_buf slot_key;           /* scratch: a slot's map key */
} sl_exec_agg;

void sl_exec_agg_init(sl_exec_agg *ag, const sl_plan_node *node, const sl_plan *plan);
void sl_exec_agg_deinit(sl_exec_agg *ag);
/* Encodes the group keys of `row` into ag->key; false when a key is NULL (no group). */
bool sl_exec_agg_key(sl_exec_agg *ag, const sl_value *row);
/* Sets ag->states (or ag->scratch with `into_scratch`) from a stored value, or to the initial
 * states when `stored` is NULL; *ts gets the stored timestamp (-1 for none). Memory in `arena`. */
sl_err sl_exec_agg_load(sl_exec_agg *ag, sl_arena *arena, const sl_slice *stored, bool into_scratch, int64_t *ts,
                        sl_err_detail *err);
/* Folds the arguments of `row` into ag->states (undo: removes them; calls without undo keep
 * their state). A call that fails keeps its state and is counted. */
void sl_exec_agg_apply(sl_op *op, sl_exec_agg *ag, sl_arena *arena, const sl_value *row, bool undo);
/* Merges ag->scratch into ag->states (sessions). */
void sl_exec_agg_merge(sl_op *op, sl_exec_agg *ag, sl_arena *arena);
/* Encodes `ts` and ag->states into ag->value. */
void sl_exec_agg_encode(sl_exec_agg *ag, int64_t ts);
/* A new agg row in `batch`'s arena: `keys` (the group keys), WINDOWSTART/WINDOWEND when
 * `windowed`, the results of ag->states. */
sl_value *sl_exec_agg_row(sl_op *op, sl_exec_agg *ag, sl_batch *batch, const sl_value *keys, bool windowed,
                          int64_t start, int64_t end);
/* Starts a batch: forgets the slots of the previous one. */
void sl_exec_agg_slots_begin(sl_exec_agg *ag);
/* The slot of group key `key` and window `start` in this batch, or NULL. */
sl_exec_agg_slot *sl_exec_agg_slot_get(sl_exec_agg *ag, sl_slice key, int64_t start);
/* Copies a slot's states into ag->states. */
void sl_exec_agg_slot_take(sl_exec_agg *ag, const sl_exec_agg_slot *slot);
/* Records ag->states (just updated by `rec`, timestamp `ts`) as the states of `slot`, or of a new
 * slot for `key` and `start` when `slot` is NULL (memory in `arena`). */
void sl_exec_agg_slot_keep(sl_exec_agg *ag, sl_arena *arena, sl_exec_agg_slot *slot, sl_slice key, int64_t start,
                           const sl_rec *rec, int64_t ts);
/* The batch's slots in the order of their last update; *n gets their number. */
sl_exec_agg_slot **sl_exec_agg_slots(sl_exec_agg *ag, size_t *n);
/* Decodes the group keys of a store key into keys[0..nkeys) (memory in `arena`). */
sl_err sl_exec_agg_decode_key(sl_exec_agg *ag, sl_arena *arena, sl_slice key, sl_value *keys, sl_err_detail *err);
/* Appends a record to `out` carrying `row` (width of the node), stamped `ts`. */
sl_rec *sl_exec_emit(sl_batch *out, const sl_plan_node *node, sl_value *row, int64_t ts);
/* Appends to `out` the agg row of window [start, end) (session: [start, end]) of `keys` from
 * ag->states, stamped `ts`, its record windowed and carrying the headers of `rec`. */
sl_rec *sl_exec_agg_emit_window(sl_op *op, sl_exec_agg *ag, sl_batch *out, sl_batch *batch, const sl_value *keys,
                                const sl_rec *rec, int64_t start, int64_t end, int64_t ts);
/* A window or session read back for EMIT FINAL (bytes in the batch arena). */
typedef struct sl_exec_agg_final {
        int64_t start;   /* window start */
        int64_t end;     /* window end (exclusive) or session end (inclusive) */
        sl_slice key;    /* store key of the group (batch arena) */
        sl_slice value;  /* stored value (batch arena) */
} sl_exec_agg_final;

/* The windows an EMIT FINAL emission collects (sl_exec_agg_final_*). */
typedef struct sl_exec_agg_finals {
        sl_exec_agg_final *items;  /* items[0..n) (owned) */
        size_t n;                  /* entries */
        size_t cap;                /* capacity */
} sl_exec_agg_finals;

/* Appends a window, copying `key` and `value` into `arena`. */
void sl_exec_agg_final_add(sl_exec_agg_finals *f, sl_arena *arena, int64_t start, int64_t end, sl_slice key,
                           sl_slice value);
/* Sorts the windows with `cmp` (on sl_exec_agg_final) and emits each as sl_exec_agg_emit_stored
 * does. The caller frees f->items. */
sl_err sl_exec_agg_final_emit(sl_op *op, sl_exec_agg *ag, sl_exec_agg_finals *f, int (*cmp)(const void *, const void *),
                              sl_batch *out, sl_batch *batch, const sl_rec *rec, sl_err_detail *err);
/* EMIT FINAL: loads a stored window (store key `key`, stored value `value`) into ag->states and
 * emits it as sl_exec_agg_emit_window does, stamped with its stored timestamp; `keys` is scratch
 * of nkeys + 1 values in `batch`'s arena. */
sl_err sl_exec_agg_emit_stored(sl_op *op, sl_exec_agg *ag, sl_batch *out, sl_batch *batch, sl_value *keys,
                               const sl_rec *rec, sl_slice key, sl_slice value, int64_t start, int64_t end,
                               sl_err_detail *err);

#endif
