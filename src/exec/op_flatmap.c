/* op_flatmap.c: table functions of the SELECT list (EXPLODE, CUBE_EXPLODE, and registry functions
 * of kind TABLE, whose invoke returns an ARRAY of the rows to emit). For each input record every
 * call is evaluated; the record is emitted max(len) times, the k-th copy carrying the k-th
 * element of each call's result in that call's slot (NULL once a shorter result is exhausted), as
 * ksqlDB zips the results of several table functions. A call whose argument is NULL emits nothing.
 * Tombstones produce nothing. The emitted records live in an operator-owned batch whose rows come
 * from the input batch's arena. Stateless; one per task. */
#include "exec/op.h"

#include <string.h>

#include "common/mem.h"
#include "exec/exec_int.h"

typedef struct flatmap_state {
        sl_op base;           /* must be first: op.c casts to it */
        sl_exec_eval ev;      /* evaluation context */
        sl_batch out;         /* emitted records; arena set per input batch */
        sl_value *results;    /* per call: the ARRAY of elements it produced (or NULL) */
        sl_value *args;       /* argument scratch, at least the widest call's nargs */
        size_t nargs_max;     /* entries in args */
        sl_func_ctx *fctx;    /* per call: the registry call site */
        sl_err_detail ferr;   /* error slot of the call sites */
} flatmap_state;

static sl_err flatmap_open(sl_op *op, sl_err_detail *err)
{
        flatmap_state *st = (flatmap_state *)op;
        size_t n = op->node->u.flatmap.ntfs;

        (void)err;
        sl_exec_eval_init(&st->ev, op->task->plan);
        sl_batch_init(&st->out, NULL);
        st->results = sl_calloc(n + 1, sizeof(*st->results));
        st->fctx = sl_calloc(n + 1, sizeof(*st->fctx));
        for (size_t k = 0; k < n; k++) {
                const sl_plan_tf *tf = &op->node->u.flatmap.tfs[k];

                if (tf->nargs > st->nargs_max)
                        st->nargs_max = tf->nargs;
                st->fctx[k].res = tf->fn;
                st->fctx[k].udata = tf->fn ? tf->fn->ov->udata : NULL;
                st->fctx[k].err = &st->ferr;
        }
        st->args = sl_calloc(st->nargs_max + 1, sizeof(*st->args));
        return SL_OK;
}

static void flatmap_close(sl_op *op)
{
        flatmap_state *st = (flatmap_state *)op;

        for (size_t k = 0; k < op->node->u.flatmap.ntfs; k++)
                sl_func_ctx_release(&st->fctx[k]);
        sl_exec_eval_deinit(&st->ev);
        sl_batch_deinit(&st->out);
        sl_free(st->results);
        sl_free(st->args);
        sl_free(st->fctx);
}

/* CUBE_EXPLODE: every combination of the elements and NULL, the first element as the most
 * significant choice, all-NULL first; a combination choosing a NULL element is the same as one
 * leaving it out, so it is not repeated. */
static sl_value cube(sl_arena *arena, const sl_value *arr, const sl_type *row_type)
{
        size_t n = arr->len, count = 0;
        sl_value *rows, v;

        if (n > 20)
                n = 20; /* 2^20 rows per record is already absurd */
        v = sl_value_composite_new(arena, sl_type_array(arena, row_type), (size_t)1 << n, &rows);
        for (size_t mask = 0; mask < ((size_t)1 << n); mask++) {
                sl_value *items;
                bool dup = false;

                for (size_t j = 0; j < n && !dup; j++)
                        dup = ((mask >> (n - 1 - j)) & 1) && arr->u.comp.items[j].kind == SL_TYPE_NULL;
                if (dup)
                        continue;
                rows[count] = sl_value_composite_new(arena, row_type, n, &items);
                for (size_t j = 0; j < n; j++)
                        if ((mask >> (n - 1 - j)) & 1)
                                items[j] = arr->u.comp.items[j];
                count++;
        }
        v.len = (uint32_t)count;
        return v;
}

/* Evaluates call k over `rec`; results[k] gets an ARRAY of elements, or NULL for none. */
static void run_call(flatmap_state *st, size_t k, sl_arena *arena)
{
        const sl_plan_tf *tf = &st->base.node->u.flatmap.tfs[k];
        sl_value *res = &st->results[k];

        for (size_t j = 0; j < tf->nargs; j++)
                sl_expr_eval(tf->args[j], &st->ev.ctx, &st->args[j]);
        *res = sl_value_null();
        switch (tf->kind) {
        case SL_PLAN_TF_EXPLODE:
                if (tf->nargs == 1 && st->args[0].kind == SL_TYPE_ARRAY)
                        *res = st->args[0];
                break;
        case SL_PLAN_TF_CUBE_EXPLODE:
                if (tf->nargs == 1 && st->args[0].kind == SL_TYPE_ARRAY)
                        *res = cube(arena, &st->args[0], tf->type);
                break;
        case SL_PLAN_TF_REGISTRY:
                st->fctx[k].arena = arena;
                if (sl_func_args_convert(arena, tf->fn, st->args, tf->nargs, st->args, &st->ferr) != SL_OK ||
                    sl_func_call(&st->fctx[k], st->args, tf->nargs, res) != SL_OK) {
                        st->ev.ctx.errors++;
                        st->ev.ctx.last_error = st->ferr;
                        *res = sl_value_null();
                }
                if (res->kind != SL_TYPE_ARRAY)
                        *res = sl_value_null();
                break;
        }
}

static sl_err flatmap_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        flatmap_state *st = (flatmap_state *)op;
        const sl_plan_node *node = op->node;
        size_t ntfs = node->u.flatmap.ntfs, inw = node->width - ntfs;

        st->out.arena = batch->arena;
        sl_batch_clear(&st->out);
        st->ev.ctx.arena = batch->arena;
        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];
                size_t rows = 0;

                if (rec->tombstone)
                        continue;
                st->ev.ctx.row = rec->row;
                for (size_t k = 0; k < ntfs; k++) {
                        run_call(st, k, batch->arena);
                        if (st->results[k].kind == SL_TYPE_ARRAY && st->results[k].len > rows)
                                rows = st->results[k].len;
                }
                for (size_t r = 0; r < rows; r++) {
                        sl_rec *o = sl_batch_push(&st->out);

                        *o = *rec;
                        o->row = sl_batch_row_new(batch, node->width);
                        o->width = (uint32_t)node->width;
                        memcpy(o->row, rec->row, (inw < rec->width ? inw : rec->width) * sizeof(sl_value));
                        for (size_t k = 0; k < ntfs; k++)
                                if (st->results[k].kind == SL_TYPE_ARRAY && r < st->results[k].len)
                                        o->row[inw + k] = st->results[k].u.comp.items[r];
                }
        }
        sl_exec_eval_report(op, &st->ev);
        return sl_op_forward(op, &st->out, err);
}

const sl_op_class sl_op_flatmap_class = {
        .name = "FLATMAP",
        .size = sizeof(flatmap_state),
        .open = flatmap_open,
        .process = flatmap_process,
        .close = flatmap_close,
};
