/* test_state_db.c: crash recovery of a task's db as the engine will do it. A child process writes
 * random updates through a small cache, appends every changelog record to a file (the "topic"),
 * commits and checkpoints the record count now and then, and is killed with SIGKILL at a random
 * point. The parent reopens the db, replays the changelog past the checkpoint, and compares with a
 * fresh db restored from the whole changelog. With the WAL off, commit must have flushed memtables
 * for this to hold. RocksDB's background threads do not survive fork(), so the test process itself
 * never opens a db: the writer and the checker are both forked children. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/mem.h"
#include "state/checkpoint.h"
#include "state/kv_store.h"
#include "state/state_db.h"
#include "state_test.h"

static sl_state_db *open_db(const char *dir, size_t cache, bool no_wal)
{
        sl_state_db_opts o;
        sl_state_db_opts_init(&o);
        o.cache_max_bytes = cache;
        o.disable_wal = no_wal;
        o.write_buffer_bytes = 1 << 20;
        o.block_cache_bytes = 1 << 20;
        sl_state_db *db = NULL;
        sl_err_detail err;
        if (sl_state_db_open(dir, &o, &db, &err) != SL_OK) {
                fprintf(stderr, "open: %s\n", err.message);
                _exit(3);
        }
        return db;
}

/* The child's changelog sink: one record per write, appended to the topic file. */
typedef struct topic {
        int fd;
        int64_t count;
} topic;

static sl_err produce(void *opaque, const sl_state_change *chg, sl_err_detail *err)
{
        (void)err;
        topic *t = opaque;
        sl_buf b;
        sl_buf_init(&b);
        sl_buf_append_be32(&b, (uint32_t)chg->key.len);
        sl_buf_append(&b, chg->key.ptr, chg->key.len);
        sl_buf_append_u8(&b, chg->has_value);
        sl_buf_append_be32(&b, (uint32_t)chg->value.len);
        sl_buf_append(&b, chg->value.ptr, chg->value.len);
        ssize_t n = write(t->fd, b.data, b.len);
        sl_buf_deinit(&b);
        if (n < 0)
                _exit(4);
        t->count++;
        return SL_OK;
}

static void child(const char *dir, const char *topic_path, bool no_wal, uint64_t seed, int kill_at)
{
        rng_state = seed;
        topic t = {.fd = open(topic_path, O_WRONLY | O_CREAT | O_APPEND, 0644)};
        /* continue a topic left by an earlier round */
        sl_state_checkpoint cp;
        if (sl_state_checkpoint_read(dir, &cp, NULL) != SL_OK)
                _exit(5);
        sl_state_checkpoint_deinit(&cp);
        sl_state_db *db = open_db(dir, 3000, no_wal);
        sl_state_kv *kv;
        if (sl_state_kv_open(db, "counts", NULL, &kv, NULL) != SL_OK)
                _exit(6);
        sl_state_kv_set_changelog(kv, produce, &t);
        t.count = lseek(t.fd, 0, SEEK_END) > 0 ? -1 : 0;
        if (t.count < 0) { /* count the records already in the topic */
                FILE *f = fopen(topic_path, "rb");
                uint8_t h[4];
                t.count = 0;
                while (fread(h, 1, 4, f) == 4) {
                        fseek(f, sl_load_be32(h), SEEK_CUR);
                        uint8_t hv[5];
                        if (fread(hv, 1, 5, f) != 5)
                                break;
                        fseek(f, sl_load_be32(hv + 1), SEEK_CUR);
                        t.count++;
                }
                fclose(f);
        }
        for (int op = 0;; op++) {
                if (op == kill_at)
                        raise(SIGKILL);
                char key[8];
                int klen = snprintf(key, sizeof key, "k%03d", (int)(rng_next() % 300));
                if (rng_next() % 5 == 0) {
                        if (sl_state_kv_delete(kv, SL_SLICE(key, klen), op, NULL) != SL_OK)
                                _exit(7);
                } else {
                        uint64_t v = rng_next();
                        if (sl_state_kv_put(kv, SL_SLICE(key, klen), SL_SLICE(&v, rng_next() % 9), op, NULL) != SL_OK)
                                _exit(8);
                }
                if (rng_next() % 150 == 0) {
                        /* commit: flush (records reach the topic), make durable, then checkpoint */
                        if (sl_state_db_commit(db, NULL) != SL_OK)
                                _exit(9);
                        sl_state_checkpoint_entry e = {"counts", t.count};
                        if (sl_state_checkpoint_write(dir, &e, 1, NULL) != SL_OK)
                                _exit(10);
                }
        }
}

#define FAIL(...) do { fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); _exit(20); } while (0)

typedef struct crec {
        uint8_t key[8];
        size_t klen;
        bool has_value;
        uint8_t value[16];
        size_t vlen;
} crec;

/* Reads the topic; returns the number of records. */
static size_t read_topic(const char *path, crec **out)
{
        FILE *f = fopen(path, "rb");
        size_t n = 0, cap = 0;
        *out = NULL;
        if (!f)
                return 0;
        uint8_t h[4];
        while (fread(h, 1, 4, f) == 4) {
                if (n == cap) {
                        cap = cap ? cap * 2 : 1024;
                        *out = realloc(*out, cap * sizeof **out);
                }
                crec *r = &(*out)[n];
                uint8_t hv[5];
                r->klen = sl_load_be32(h);
                if (r->klen > sizeof r->key || fread(r->key, 1, r->klen, f) != r->klen || fread(hv, 1, 5, f) != 5)
                        FAIL("bad topic record %zu", n);
                r->has_value = hv[0];
                r->vlen = sl_load_be32(hv + 1);
                if (r->vlen > sizeof r->value || fread(r->value, 1, r->vlen, f) != r->vlen)
                        FAIL("bad topic record %zu", n);
                n++;
        }
        fclose(f);
        return n;
}

static void replay(sl_state_kv *kv, const crec *recs, size_t from, size_t to)
{
        for (size_t i = from; i < to; i++) {
                sl_slice v = SL_SLICE(recs[i].value, recs[i].vlen);
                if (sl_state_kv_restore(kv, SL_SLICE(recs[i].key, recs[i].klen), recs[i].has_value ? &v : NULL, NULL) !=
                    SL_OK)
                        FAIL("restore failed");
        }
}

static void expect_same(sl_state_kv *a, sl_state_kv *b)
{
        sl_state_kv_iter *ia, *ib;
        if (sl_state_kv_all(a, &ia, NULL) != SL_OK || sl_state_kv_all(b, &ib, NULL) != SL_OK)
                FAIL("scan failed");
        sl_slice ka, va, kb, vb;
        int n = 0;
        for (;;) {
                bool ha = sl_state_kv_iter_next(ia, &ka, &va), hb = sl_state_kv_iter_next(ib, &kb, &vb);
                if (ha != hb)
                        FAIL("one side ends early at entry %d", n);
                if (!ha)
                        break;
                if (!sl_slice_eq(ka, kb) || !sl_slice_eq(va, vb))
                        FAIL("entry %d differs: %.*s vs %.*s", n, (int)ka.len, ka.ptr, (int)kb.len, kb.ptr);
                n++;
        }
        if (n == 0)
                FAIL("empty store");
        sl_state_kv_iter_free(ia);
        sl_state_kv_iter_free(ib);
}

/* The checker: recovers from local store + topic tail, compares with a full replay, then commits
 * and checkpoints the recovered state for the next round. */
static void check(const char *base, const char *dir, const char *topic_path, bool no_wal)
{
        crec *recs;
        size_t n = read_topic(topic_path, &recs);
        sl_state_checkpoint cp;
        if (sl_state_checkpoint_read(dir, &cp, NULL) != SL_OK)
                FAIL("checkpoint unreadable");
        int64_t off = sl_state_checkpoint_offset(&cp, "counts");
        sl_state_checkpoint_deinit(&cp);
        if (off < 0)
                off = 0;
        if ((size_t)off > n)
                FAIL("checkpoint %lld beyond the topic's %zu records", (long long)off, n);
        sl_state_db *db = open_db(dir, 3000, no_wal);
        sl_state_kv *kv;
        if (sl_state_kv_open(db, "counts", NULL, &kv, NULL) != SL_OK)
                FAIL("open store");
        replay(kv, recs, (size_t)off, n);

        char *ref_dir = sl_asprintf("%s/ref", base);
        sl_state_db *ref = open_db(ref_dir, 3000, no_wal);
        sl_state_kv *rkv;
        if (sl_state_kv_open(ref, "counts", NULL, &rkv, NULL) != SL_OK)
                FAIL("open reference");
        replay(rkv, recs, 0, n);
        expect_same(kv, rkv);
        sl_state_db_close(ref);
        sl_state_db_destroy(ref_dir, NULL);
        sl_free(ref_dir);

        if (sl_state_db_commit(db, NULL) != SL_OK)
                FAIL("commit");
        sl_state_checkpoint_entry e = {"counts", (int64_t)n};
        if (sl_state_checkpoint_write(dir, &e, 1, NULL) != SL_OK)
                FAIL("checkpoint");
        sl_state_db_close(db);
        free(recs);
        _exit(0);
}

static void crash_rounds(bool no_wal, uint64_t seed)
{
        char tmpl[] = "/tmp/sl_state_crash_XXXXXX";
        cr_assert_not_null(mkdtemp(tmpl));
        char *dir = sl_asprintf("%s/task", tmpl);
        char *topic_path = sl_asprintf("%s/topic", tmpl);
        rng_state = seed;
        for (int round = 0; round < 4; round++) {
                int kill_at = 200 + (int)(rng_next() % 1500);
                uint64_t child_seed = rng_next();
                pid_t pid = fork();
                cr_assert_geq(pid, 0);
                if (pid == 0)
                        child(dir, topic_path, no_wal, child_seed, kill_at);
                int status;
                cr_assert_eq(waitpid(pid, &status, 0), pid);
                cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "writer failed: status %d", status);
                pid = fork();
                cr_assert_geq(pid, 0);
                if (pid == 0)
                        check(tmpl, dir, topic_path, no_wal);
                cr_assert_eq(waitpid(pid, &status, 0), pid);
                cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "round %d: recovery differs (status %d)",
                          round, status);
        }
        cr_assert_eq(sl_state_db_destroy(tmpl, NULL), SL_OK);
        sl_free(dir);
        sl_free(topic_path);
}

Test(state_state_db, kill_then_restore_tail_equals_full_replay_wal_on)
{
        crash_rounds(false, 0xdead1ull);
}

Test(state_state_db, kill_then_restore_tail_equals_full_replay_wal_off)
{
        crash_rounds(true, 0xdead2ull);
}
