/* join_int.h: what the join operators (op_join_*.c) share: the evaluation of the join key of a
 * record of either input, the encoding of one side's slots of a row for the state stores, the
 * assembly of an output row from a left and a right row, and the stores themselves.
 *
 * Stored rows. A side is a range of slots of the input row: the left input fills [0, right_lo),
 * the right input [right_lo, right_hi) (plan.h). A stored row is its event time (8 bytes
 * big-endian) followed, per slot of the side, by the value's kind (one byte) and its key encoding
 * (types/keyenc.h; DECIMAL with precision and scale first), so pseudo columns and NULL filler
 * slots need no declared type; composites decode with the column type of the input node.
 *
 * Stores. Each operator opens its stores by name (declared in the plan, so their changelog topics
 * exist) through the task-state API (task.h), which restores them from their changelogs at
 * start. Not for use outside src/exec. */
#ifndef SL_EXEC_JOIN_INT_H
#define SL_EXEC_JOIN_INT_H

#include "common/buf.h"
#include "exec/exec_int.h"
#include "state/kv_store.h"
#include "state/window_store.h"

/* The part every join operator's state shares (embedded after sl_op). */
typedef struct sl_exec_join {
        sl_op *op;                 /* the operator */
        sl_exec_eval ev;           /* key expressions */
        sl_batch out;              /* records emitted by the batch being processed */
        sl_buf key;                /* encoded join key of the current record */
        sl_buf val;                /* encoded row of the current record */
        const sl_type **types;     /* per slot of the output row: the declared type, for composites */
        bool session[2];           /* left, right input has session-windowed keys (the end counts too) */
} sl_exec_join;

void sl_exec_join_init(sl_exec_join *j, sl_op *op);
void sl_exec_join_deinit(sl_exec_join *j);
/* The store `name` of the operator, opened on first use. */
sl_err sl_exec_join_kv(sl_exec_join *j, const char *name, sl_state_kv **out, sl_err_detail *err);
sl_err sl_exec_join_window(sl_exec_join *j, const char *name, const sl_state_window_opts *opts,
                           sl_state_window **out, sl_err_detail *err);
/* Evaluates the join key of `rec` (right: of the right input) into *key and encodes it into
 * j->key, with the record's window when it has one: its start, as Kafka Streams' time-windowed
 * keys compare, and for session windows its end too. False when the key is NULL. */
bool sl_exec_join_key(sl_exec_join *j, bool right, sl_arena *arena, const sl_rec *rec, sl_value *key);
/* Encodes the side's slots of `row` and `ts` into j->val. */
void sl_exec_join_encode(sl_exec_join *j, bool right, const sl_value *row, int64_t ts);
/* Decodes a stored row of the side into row[lo..hi) (row has the output width) and its time. */
sl_err sl_exec_join_decode(sl_exec_join *j, bool right, sl_arena *arena, sl_slice in, sl_value *row, int64_t *ts,
                           sl_err_detail *err);
/* A new output row (NULL slots) in the batch arena. */
sl_value *sl_exec_join_row(sl_exec_join *j);
/* Copies the side's slots of `from` into `row`. */
void sl_exec_join_copy(sl_exec_join *j, bool right, sl_value *row, const sl_value *from);
/* Appends an output record of `row` (the side slots filled) keyed by `key`, at `ts`, with the
 * window, partition and offset of `from`; sets the shared pseudo block. `tombstone`: a table
 * delete of `key`. */
void sl_exec_join_emit(sl_exec_join *j, const sl_rec *from, sl_value *row, const sl_value *key, int64_t ts,
                       bool tombstone);
/* Sets the old_row of the record emitted last (the result row it replaces; NULL: none), with the
 * same shared pseudo block. */
void sl_exec_join_set_old(sl_exec_join *j, sl_value *old);
/* Forwards what was emitted and clears it. */
sl_err sl_exec_join_flush_out(sl_exec_join *j, sl_err_detail *err);

#endif
