/* test_view.c: the pull-query view (exec/view.c) without Kafka: the registry, puts and deletes
 * applied from sink batches, lookups, ranges on the first key column with open and closed bounds,
 * windowed keys, persistence across close and open, and deletion of the directory. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/mem.h"
#include "exec/view.h"

static char dir[256];
static char vdir[300];

static void setup(void)
{
        snprintf(dir, sizeof(dir), "/tmp/sl-test-view-XXXXXX");
        cr_assert_not_null(mkdtemp(dir));
        snprintf(vdir, sizeof(vdir), "%s/view", dir);
}

static void teardown(void)
{
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        cr_assert_eq(system(cmd), 0);
}

TestSuite(exec_view, .init = setup, .fini = teardown);

/* A sink node over rows (ID STRING key, V INT, S STRING), optionally windowed. */
typedef struct fixture {
        sl_plan_node node;
        sl_plan_column cols[3];
        size_t key_slots[1];
        size_t value_slots[2];
} fixture;

static void fixture_init(fixture *f, sl_catalog_window window)
{
        memset(f, 0, sizeof(*f));
        f->cols[0] = (sl_plan_column){"ID", sl_type_string(), true};
        f->cols[1] = (sl_plan_column){"V", sl_type_int(), false};
        f->cols[2] = (sl_plan_column){"S", sl_type_string(), false};
        f->key_slots[0] = 0;
        f->value_slots[0] = 1;
        f->value_slots[1] = 2;
        f->node.kind = SL_PLAN_SINK;
        f->node.cols = f->cols;
        f->node.width = 3;
        f->node.table = true;
        f->node.u.sink.topic.name = "OUT";
        f->node.u.sink.topic.key_slots = f->key_slots;
        f->node.u.sink.topic.nkey = 1;
        f->node.u.sink.topic.value_slots = f->value_slots;
        f->node.u.sink.topic.nvalue = 2;
        f->node.u.sink.topic.window = window;
        f->node.u.sink.topic.window_size_ms = 1000;
}

/* Appends a change: `s` NULL makes a tombstone. */
static void push(sl_batch *b, const char *id, int v, const char *s, int64_t ts, int64_t ws)
{
        sl_rec *rec = sl_batch_push(b);
        rec->row = sl_batch_row_new(b, 3);
        rec->width = 3;
        rec->row[0] = sl_value_string(id, strlen(id));
        rec->ts = ts;
        rec->tombstone = s == NULL;
        if (s != NULL) {
                rec->row[1] = sl_value_int(v);
                rec->row[2] = sl_value_string(s, strlen(s));
        }
        if (ws >= 0) {
                rec->windowed = true;
                rec->win_start = ws;
                rec->win_end = ws + 1000;
        }
}

/* Collects rows as "ID:V:S@ts[ws,we]" lines. */
static sl_err collect(void *ctx, const sl_exec_view_row *row, bool *stop, sl_err_detail *err)
{
        char line[128];
        (void)stop;
        (void)err;
        if (row == NULL)
                return SL_OK;  /* a pause of a long scan */
        snprintf(line, sizeof(line), "%.*s:%d:%.*s@%lld", (int)row->keys[0].len, (const char *)row->keys[0].u.bytes,
                 row->values[0].u.i32, (int)row->values[1].len, (const char *)row->values[1].u.bytes, (long long)row->ts);
        strcat(ctx, line);
        if (row->windowed) {
                snprintf(line, sizeof(line), "[%lld,%lld]", (long long)row->win_start, (long long)row->win_end);
                strcat(ctx, line);
        }
        strcat(ctx, " ");
        return SL_OK;
}

static sl_err stop_after_one(void *ctx, const sl_exec_view_row *row, bool *stop, sl_err_detail *err)
{
        *stop = true;
        return collect(ctx, row, stop, err);
}

/* A lookup of the string key `key` in `view` collects `want`. */
static void expect_lookup(sl_exec_view *view, const char *key, sl_arena *arena, const char *want)
{
        sl_value k = sl_value_string(key, strlen(key));
        sl_err_detail err;
        char out[1024] = "";

        cr_assert_eq(sl_exec_view_lookup(view, &k, arena, collect, out, &err), SL_OK, "%s", err.message);
        cr_assert_str_eq(out, want, "lookup %s", key);
}

/* A range scan of `view` from `lo` to `hi` (NULL: unbounded) collects `want`. */
static void expect_range(sl_exec_view *view, const sl_value *lo, bool lo_incl, const sl_value *hi, bool hi_incl,
                         sl_arena *arena, const char *want)
{
        sl_err_detail err;
        char out[1024] = "";

        cr_assert_eq(sl_exec_view_range(view, lo, lo_incl, hi, hi_incl, arena, collect, out, &err), SL_OK, "%s",
                     err.message);
        cr_assert_str_eq(out, want);
}

static void fill(sl_exec_view *view, fixture *f, sl_arena *arena, bool windowed)
{
        sl_batch b;
        sl_err_detail err;

        sl_batch_init(&b, arena);
        push(&b, "b", 2, "two", 20, windowed ? 0 : -1);
        push(&b, "a", 1, "one", 10, windowed ? 0 : -1);
        push(&b, "c", 3, "three", 30, windowed ? 0 : -1);
        push(&b, "ca", 4, "four", 40, windowed ? 1000 : -1);
        push(&b, "b", 22, "two'", 21, windowed ? 0 : -1);
        push(&b, "d", 5, "five", 50, windowed ? 0 : -1);
        push(&b, "d", 0, NULL, 51, windowed ? 0 : -1);
        cr_assert_eq(sl_exec_view_apply(view, &f->node.u.sink.topic, &b, &err), SL_OK, "%s", err.message);
        sl_batch_deinit(&b);
}

Test(exec_view, lookup_range_scan)
{
        fixture f;
        sl_exec_view *view, *again;
        sl_err_detail err;
        sl_arena arena;
        char out[1024];

        fixture_init(&f, SL_CATALOG_WINDOW_NONE);
        sl_arena_init(&arena, 0);
        cr_assert_eq(sl_exec_view_open(vdir, "CTAS_T_1", &f.node, &view, &err), SL_OK, "%s", err.message);
        cr_assert(sl_exec_view_is_empty(view));
        cr_assert_eq(sl_exec_view_open(vdir, "ctas_t_1", &f.node, &again, &err), SL_ERR_EXISTS);
        fill(view, &f, &arena, false);
        cr_assert_not(sl_exec_view_is_empty(view));

        expect_lookup(view, "b", &arena, "b:22:two'@21 ");
        expect_lookup(view, "d", &arena, "");

        expect_range(view, NULL, false, NULL, false, &arena, "a:1:one@10 b:22:two'@21 c:3:three@30 ca:4:four@40 ");
        sl_value lo = sl_value_string("b", 1), hi = sl_value_string("c", 1);
        expect_range(view, &lo, true, &hi, true, &arena, "b:22:two'@21 c:3:three@30 ");
        expect_range(view, &lo, false, &hi, false, &arena, "");
        expect_range(view, &lo, false, NULL, false, &arena, "c:3:three@30 ca:4:four@40 ");
        out[0] = 0;
        cr_assert_eq(sl_exec_view_range(view, NULL, false, &hi, false, &arena, stop_after_one, out, &err), SL_OK);
        cr_assert_str_eq(out, "a:1:one@10 ");

        /* the registry hands out references; the view outlives close while one is held */
        sl_exec_view *ref = sl_exec_view_acquire("CTAS_T_1");
        cr_assert_eq(ref, view);
        cr_assert_null(sl_exec_view_acquire("CTAS_OTHER_2"));
        sl_exec_view_close(view, false);
        cr_assert_null(sl_exec_view_acquire("CTAS_T_1"));
        expect_lookup(ref, "a", &arena, "a:1:one@10 ");
        sl_exec_view_release(ref);

        /* reopened: the rows are still there */
        cr_assert_eq(sl_exec_view_open(vdir, "CTAS_T_1", &f.node, &view, &err), SL_OK, "%s", err.message);
        cr_assert_not(sl_exec_view_is_empty(view));
        expect_range(view, NULL, false, NULL, false, &arena, "a:1:one@10 b:22:two'@21 c:3:three@30 ca:4:four@40 ");
        sl_exec_view_close(view, true);
        struct stat st;
        cr_assert_neq(stat(vdir, &st), 0, "the view directory survived close(destroy)");
        sl_arena_deinit(&arena);
}

Test(exec_view, windowed_keys)
{
        fixture f;
        sl_exec_view *view;
        sl_err_detail err;
        sl_arena arena;
        sl_batch b;

        fixture_init(&f, SL_CATALOG_WINDOW_TUMBLING);
        sl_arena_init(&arena, 0);
        cr_assert_eq(sl_exec_view_open(vdir, "CTAS_W_1", &f.node, &view, &err), SL_OK, "%s", err.message);
        fill(view, &f, &arena, true);
        sl_batch_init(&b, &arena);
        push(&b, "c", 33, "three-2", 2100, 2000);
        cr_assert_eq(sl_exec_view_apply(view, &f.node.u.sink.topic, &b, &err), SL_OK);
        sl_batch_deinit(&b);

        expect_lookup(view, "c", &arena, "c:3:three@30[0,1000] c:33:three-2@2100[2000,3000] ");
        expect_lookup(view, "d", &arena, "");
        sl_value lo = sl_value_string("c", 1);
        expect_range(view, &lo, true, &lo, true, &arena, "c:3:three@30[0,1000] c:33:three-2@2100[2000,3000] ");
        sl_exec_view_close(view, false);
        sl_arena_deinit(&arena);
}
