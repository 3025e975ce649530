/* api_offsetfetch.c: OffsetFetch v1-v5. A partition never committed answers offset -1 with
 * error 0; from v2 a null topic list asks for every committed partition of the group. */
#include "broker/group.h"

#include <string.h>

#include "common/mem.h"

typedef struct all_entry {
        char *topic;       /* owned */
        int32_t partition;
        sl_broker_committed c;
} all_entry;

static void collect(void *ctx, const char *topic, int32_t partition, const sl_broker_committed *c)
{
        all_entry e = {sl_strdup(topic), partition, *c};
        e.c.metadata = sl_strdup(c->metadata);
        sl_vec_push(ctx, &e);
}

static int cmp_entry(const void *a, const void *b)
{
        const all_entry *x = a, *y = b;
        int c = strcmp(x->topic, y->topic);
        return c ? c : (x->partition > y->partition) - (x->partition < y->partition);
}

static void write_partition(sl_buf *out, int16_t v, int32_t part, const sl_broker_committed *c)
{
        sl_wr_i32(out, part);
        sl_wr_i64(out, c ? c->offset : -1);
        if (v >= 5)
                sl_wr_i32(out, c ? c->leader_epoch : -1);
        sl_wr_str(out, c ? c->metadata : "");
        sl_wr_i16(out, ErrorCode_NONE);
}

sl_broker_hres sl_broker_handle_OffsetFetch(sl_broker_req *req)
{
        sl_broker *broker = req->broker;
        sl_rd *rd = &req->rd;
        int16_t v = req->api_version;
        sl_str_ref group_id;
        int32_t nt;
        sl_rd_str(rd, &group_id);
        sl_rd_array(rd, &nt, 6);
        if (nt < 0 && v < 2)
                goto bad_frame;
        sl_buf *out = sl_broker_req_out(req);
        if (v >= 3)
                sl_wr_i32(out, 0);
        if (nt < 0) {
                sl_vec all;
                sl_vec_init(&all, sizeof(all_entry));
                sl_broker_offsets_each(broker, group_id, collect, &all);
                sl_vec_sort(&all, cmp_entry);
                size_t at = sl_wr_i32_later(out);
                int32_t ntopics = 0;
                for (size_t i = 0; i < all.len;) {
                        all_entry *e = sl_vec_at(&all, i);
                        size_t j = i;
                        while (j < all.len && strcmp(((all_entry *)sl_vec_at(&all, j))->topic, e->topic) == 0)
                                j++;
                        sl_wr_str(out, e->topic);
                        sl_wr_i32(out, (int32_t)(j - i));
                        for (size_t k = i; k < j; k++) {
                                all_entry *x = sl_vec_at(&all, k);
                                write_partition(out, v, x->partition, &x->c);
                        }
                        ntopics++;
                        i = j;
                }
                sl_wr_i32_patch(out, at, ntopics);
                for (size_t i = 0; i < all.len; i++) {
                        all_entry *e = sl_vec_at(&all, i);
                        sl_free(e->topic);
                        sl_free(e->c.metadata);
                }
                sl_vec_deinit(&all);
        } else {
                sl_wr_i32(out, nt);
                for (int32_t t = 0; t < nt; t++) {
                        sl_str_ref topic;
                        int32_t np;
                        sl_rd_str(rd, &topic);
                        sl_rd_array(rd, &np, 4);
                        sl_wr_str_ref(out, topic);
                        sl_wr_i32(out, np < 0 ? 0 : np);
                        for (int32_t i = 0; i < np; i++) {
                                int32_t part;
                                sl_rd_i32(rd, &part);
                                write_partition(out, v, part, sl_broker_offsets_get(broker, group_id, topic, part));
                        }
                }
        }
        if (v >= 2)
                sl_wr_i16(out, ErrorCode_NONE);
        return SL_BROKER_DONE;
bad_frame:
        return SL_BROKER_BAD;
}
