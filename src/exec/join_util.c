/* join_util.c: the helpers the join operators share (join_int.h): join keys, stored rows, output
 * rows and the operators' stores. */
#include "exec/join_int.h"

#include <string.h>

#include "common/mem.h"
#include "exec/task.h"
#include "types/keyenc.h"

void sl_exec_join_init(sl_exec_join *j, sl_op *op)
{
        const sl_plan_node *node = op->node;

        memset(j, 0, sizeof(*j));
        j->op = op;
        sl_exec_eval_init(&j->ev, op->task->plan);
        sl_batch_init(&j->out, &op->task->arena);
        sl_buf_init(&j->key);
        sl_buf_init(&j->val);
        for (int side = 0; side < 2; side++) {
                const sl_plan_node *in = side ? node->right : node->input;

                j->session[side] = in && in->kind == SL_PLAN_SOURCE &&
                                   in->u.source.topic.window == SL_CATALOG_WINDOW_SESSION;
        }
        j->types = sl_calloc(node->width + 1, sizeof(*j->types));
        for (size_t i = 0; i < node->width; i++) {
                const sl_plan_node *in = i < node->u.join.right_lo ? node->input : node->right;

                j->types[i] = i < in->width ? in->cols[i].type : sl_type_null();
        }
}

void sl_exec_join_deinit(sl_exec_join *j)
{
        if (!j->op)
                return;
        sl_exec_eval_deinit(&j->ev);
        sl_batch_deinit(&j->out);
        sl_buf_deinit(&j->key);
        sl_buf_deinit(&j->val);
        sl_free(j->types);
}

sl_err sl_exec_join_kv(sl_exec_join *j, const char *name, sl_state_kv **out, sl_err_detail *err)
{
        return sl_task_kv_store(j->op->task, name, out, err);
}

sl_err sl_exec_join_window(sl_exec_join *j, const char *name, const sl_state_window_opts *opts,
                           sl_state_window **out, sl_err_detail *err)
{
        return sl_task_window_store(j->op->task, name, opts, out, err);
}

bool sl_exec_join_key(sl_exec_join *j, bool right, sl_arena *arena, const sl_rec *rec, sl_value *key)
{
        const sl_plan_node *node = j->op->node;

        j->ev.ctx.arena = arena;
        j->ev.ctx.row = rec->row;
        sl_expr_eval(right ? node->u.join.right_prog : node->u.join.left_prog, &j->ev.ctx, key);
        sl_exec_eval_report(j->op, &j->ev);
        if (key->kind == SL_TYPE_NULL)
                return false;
        sl_buf_reset(&j->key);
        sl_keyenc_append(&j->key, key);
        if (rec->windowed) {
                sl_buf_append_be64(&j->key, (uint64_t)rec->win_start ^ UINT64_C(0x8000000000000000));
                if (j->session[right])
                        sl_buf_append_be64(&j->key, (uint64_t)rec->win_end ^ UINT64_C(0x8000000000000000));
        }
        return true;
}

static void side_range(const sl_exec_join *j, bool right, size_t *lo, size_t *hi)
{
        const sl_plan_node *node = j->op->node;

        *lo = right ? node->u.join.right_lo : 0;
        *hi = right ? node->u.join.right_hi : node->u.join.right_lo;
}

void sl_exec_join_encode(sl_exec_join *j, bool right, const sl_value *row, int64_t ts)
{
        size_t lo, hi;

        side_range(j, right, &lo, &hi);
        sl_buf_reset(&j->val);
        sl_buf_append_be64(&j->val, (uint64_t)ts);
        for (size_t i = lo; i < hi; i++) {
                uint8_t kind = row[i].kind;

                sl_buf_append(&j->val, &kind, 1);
                if (kind == SL_TYPE_NULL)
                        continue;
                if (kind == SL_TYPE_DECIMAL) {
                        uint8_t ps[2] = {row[i].precision, row[i].scale};

                        sl_buf_append(&j->val, ps, 2);
                }
                sl_keyenc_append(&j->val, &row[i]);
        }
}

sl_err sl_exec_join_decode(sl_exec_join *j, bool right, sl_arena *arena, sl_slice in, sl_value *row, int64_t *ts,
                           sl_err_detail *err)
{
        size_t lo, hi, pos = 8;
        sl_err rc;

        side_range(j, right, &lo, &hi);
        if (in.len < 8)
                return sl_err_set(err, SL_ERR_CORRUPT, "stored join row too short");
        *ts = (int64_t)sl_load_be64(in.ptr);
        for (size_t i = lo; i < hi; i++) {
                const sl_type *type;
                uint8_t kind;

                if (pos >= in.len)
                        return sl_err_set(err, SL_ERR_CORRUPT, "stored join row truncated");
                kind = in.ptr[pos++];
                if (kind == SL_TYPE_NULL) {
                        row[i] = sl_value_null();
                        continue;
                }
                if (kind == SL_TYPE_DECIMAL) {
                        if (pos + 2 > in.len)
                                return sl_err_set(err, SL_ERR_CORRUPT, "stored join row truncated");
                        type = sl_type_decimal(in.ptr[pos], in.ptr[pos + 1]);
                        pos += 2;
                } else if (j->types[i] && j->types[i]->kind == kind) {
                        type = j->types[i];
                } else {
                        type = sl_type_primitive((sl_type_kind)kind);
                }
                if ((rc = sl_keyenc_decode(arena, type, in, &pos, &row[i], err)) != SL_OK)
                        return rc;
        }
        return SL_OK;
}

sl_value *sl_exec_join_row(sl_exec_join *j)
{
        return sl_batch_row_new(&j->out, j->op->node->width);
}

void sl_exec_join_copy(sl_exec_join *j, bool right, sl_value *row, const sl_value *from)
{
        size_t lo, hi;

        side_range(j, right, &lo, &hi);
        memcpy(&row[lo], &from[lo], (hi - lo) * sizeof(*row));
}

void sl_exec_join_emit(sl_exec_join *j, const sl_rec *from, sl_value *row, const sl_value *key, int64_t ts,
                       bool tombstone)
{
        const sl_plan_node *node = j->op->node;
        size_t pb = node->u.join.pseudo_base;
        sl_rec *rec = sl_batch_push(&j->out);

        rec->row = row;
        rec->width = (uint32_t)node->width;
        rec->tombstone = tombstone;
        rec->ts = ts;
        rec->partition = from->partition;
        rec->offset = from->offset;
        rec->windowed = from->windowed;
        rec->win_start = from->win_start;
        rec->win_end = from->win_end;
        rec->headers = from->headers;
        rec->nheaders = from->nheaders;
        if (pb + SL_PSEUDO_ROWKEY < node->width) {
                row[pb + SL_PSEUDO_ROWTIME] = sl_value_bigint(ts);
                row[pb + SL_PSEUDO_ROWPARTITION] = sl_value_int(from->partition);
                row[pb + SL_PSEUDO_ROWOFFSET] = sl_value_bigint(from->offset);
                if (from->windowed) {
                        row[pb + SL_PSEUDO_WINDOWSTART] = sl_value_bigint(from->win_start);
                        row[pb + SL_PSEUDO_WINDOWEND] = sl_value_bigint(from->win_end);
                }
                row[pb + SL_PSEUDO_ROWKEY] = *key;
        }
}

sl_err sl_exec_join_flush_out(sl_exec_join *j, sl_err_detail *err)
{
        sl_err rc;

        if (j->out.len == 0)
                return SL_OK;
        rc = sl_op_forward(j->op, &j->out, err);
        sl_batch_clear(&j->out);
        return rc;
}

void sl_exec_join_set_old(sl_exec_join *j, sl_value *old)
{
        const sl_plan_node *node = j->op->node;
        size_t pb = node->u.join.pseudo_base;
        sl_rec *rec;

        if (!j->out.len)
                return;
        rec = &j->out.recs[j->out.len - 1];
        if (old && pb < node->width)
                memcpy(&old[pb], &rec->row[pb], (node->width - pb) * sizeof(*old));
        rec->old_row = old;
}
