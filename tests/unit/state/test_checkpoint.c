/* test_checkpoint.c: the checkpoint file: round trips, a missing file, a torn temp file left by a
 * crash is ignored, every truncation and every flipped byte of the file reads as corrupt, and a
 * failed write keeps the previous checkpoint. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/mem.h"
#include "state/checkpoint.h"
#include "state/state_db.h"
#define STATE_TEST_TMPDIR "/tmp/sl_state_ckpt_XXXXXX"
#include "state_test.h"

static void write_file(const char *path, const void *p, size_t len)
{
        FILE *f = fopen(path, "wb");
        cr_assert_not_null(f);
        cr_assert_eq(fwrite(p, 1, len, f), len);
        fclose(f);
}

static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f);
        size_t n = fread(buf, 1, cap, f);
        fclose(f);
        return n;
}

static const sl_state_checkpoint_entry two[] = {
        {"_sluice_q1-agg-changelog-0", 42},
        {"_sluice_q1-win-changelog-0", 1234567890123ll},
};

static void expect_two(const char *dir)
{
        sl_state_checkpoint cp;
        sl_err_detail err;
        cr_assert_eq(sl_state_checkpoint_read(dir, &cp, &err), SL_OK, "%s", err.message);
        cr_assert_eq(cp.n, 2);
        cr_assert_eq(sl_state_checkpoint_offset(&cp, "_sluice_q1-agg-changelog-0"), 42);
        cr_assert_eq(sl_state_checkpoint_offset(&cp, "_sluice_q1-win-changelog-0"), 1234567890123ll);
        cr_assert_eq(sl_state_checkpoint_offset(&cp, "other"), -1);
        sl_state_checkpoint_deinit(&cp);
}

/* A new temporary directory with the checkpoint `two` written in it (caller removes it). */
static char *tmpdir_with_two(void)
{
        char *dir = make_tmpdir();

        cr_assert_eq(sl_state_checkpoint_write(dir, two, 2, NULL), SL_OK);
        return dir;
}

Test(state_checkpoint, missing_file_is_an_empty_checkpoint)
{
        char *dir = make_tmpdir();
        sl_state_checkpoint cp;
        cr_assert_eq(sl_state_checkpoint_read(dir, &cp, NULL), SL_OK);
        cr_assert_eq(cp.n, 0);
        sl_state_checkpoint_deinit(&cp);
        remove_tmpdir(dir);
}

Test(state_checkpoint, round_trip_and_replace)
{
        char *dir = tmpdir_with_two();
        expect_two(dir);
        sl_state_checkpoint_entry one[] = {{"", -1}};
        cr_assert_eq(sl_state_checkpoint_write(dir, one, 1, NULL), SL_OK);
        sl_state_checkpoint cp;
        cr_assert_eq(sl_state_checkpoint_read(dir, &cp, NULL), SL_OK);
        cr_assert_eq(cp.n, 1);
        cr_assert_str_eq(cp.entries[0].name, "");
        cr_assert_eq(cp.entries[0].offset, -1);
        sl_state_checkpoint_deinit(&cp);
        cr_assert_eq(sl_state_checkpoint_write(dir, NULL, 0, NULL), SL_OK);
        cr_assert_eq(sl_state_checkpoint_read(dir, &cp, NULL), SL_OK);
        cr_assert_eq(cp.n, 0);
        sl_state_checkpoint_deinit(&cp);
        cr_assert_eq(sl_state_checkpoint_remove(dir, NULL), SL_OK);
        cr_assert_eq(sl_state_checkpoint_remove(dir, NULL), SL_OK);
        remove_tmpdir(dir);
}

Test(state_checkpoint, torn_temp_file_is_ignored_and_replaced)
{
        char *dir = tmpdir_with_two();
        /* a crash in the middle of the next write leaves half a temp file */
        char *tmp = sl_asprintf("%s/checkpoint.tmp", dir);
        write_file(tmp, "SLCKPT01\0\0\0\x05garb", 16);
        expect_two(dir);
        sl_state_checkpoint_entry one[] = {{"s", 7}};
        cr_assert_eq(sl_state_checkpoint_write(dir, one, 1, NULL), SL_OK);
        cr_assert_eq(access(tmp, F_OK), -1, "temp file renamed away");
        sl_state_checkpoint cp;
        cr_assert_eq(sl_state_checkpoint_read(dir, &cp, NULL), SL_OK);
        cr_assert_eq(sl_state_checkpoint_offset(&cp, "s"), 7);
        sl_state_checkpoint_deinit(&cp);
        sl_free(tmp);
        remove_tmpdir(dir);
}

Test(state_checkpoint, every_truncation_and_bit_flip_reads_as_corrupt)
{
        char *dir = tmpdir_with_two();
        char *path = sl_asprintf("%s/checkpoint", dir);
        uint8_t good[512], bad[512];
        size_t len = read_file(path, good, sizeof good);
        cr_assert_gt(len, 60);
        for (size_t cut = 0; cut < len; cut++) {
                write_file(path, good, cut);
                sl_state_checkpoint cp;
                sl_err_detail err;
                cr_assert_eq(sl_state_checkpoint_read(dir, &cp, &err), SL_ERR_CORRUPT, "cut at %zu", cut);
                cr_assert_eq(cp.n, 0);
                sl_state_checkpoint_deinit(&cp);
        }
        for (size_t i = 0; i < len; i++) {
                memcpy(bad, good, len);
                bad[i] ^= 0x10;
                write_file(path, bad, len);
                sl_state_checkpoint cp;
                cr_assert_eq(sl_state_checkpoint_read(dir, &cp, NULL), SL_ERR_CORRUPT, "flip at %zu", i);
                sl_state_checkpoint_deinit(&cp);
        }
        write_file(path, good, len);
        expect_two(dir);
        sl_free(path);
        remove_tmpdir(dir);
}

Test(state_checkpoint, failed_write_keeps_previous_checkpoint)
{
        char *dir = tmpdir_with_two();
        /* a directory where the temp file should go makes the write fail */
        char *tmp = sl_asprintf("%s/checkpoint.tmp", dir);
        cr_assert_eq(mkdir(tmp, 0755), 0);
        sl_state_checkpoint_entry one[] = {{"s", 7}};
        sl_err_detail err;
        cr_assert_eq(sl_state_checkpoint_write(dir, one, 1, &err), SL_ERR_IO);
        cr_assert(strstr(err.message, "cannot write checkpoint") != NULL);
        expect_two(dir);
        rmdir(tmp);
        sl_free(tmp);
        char *missing = sl_asprintf("%s/no/such/dir", dir);
        cr_assert_eq(sl_state_checkpoint_write(missing, one, 1, NULL), SL_ERR_IO);
        sl_free(missing);
        remove_tmpdir(dir);
}

Test(state_checkpoint, many_entries_round_trip)
{
        char *dir = make_tmpdir();
        enum { N = 300 };
        sl_state_checkpoint_entry e[N];
        for (int i = 0; i < N; i++) {
                e[i].name = sl_asprintf("changelog-%d-%0*d", i, i % 40, 0);
                e[i].offset = (int64_t)i * 1000003 - 5;
        }
        cr_assert_eq(sl_state_checkpoint_write(dir, e, N, NULL), SL_OK);
        sl_state_checkpoint cp;
        cr_assert_eq(sl_state_checkpoint_read(dir, &cp, NULL), SL_OK);
        cr_assert_eq(cp.n, N);
        for (int i = 0; i < N; i++) {
                cr_assert_str_eq(cp.entries[i].name, e[i].name);
                cr_assert_eq(cp.entries[i].offset, e[i].offset);
                sl_free(e[i].name);
        }
        sl_state_checkpoint_deinit(&cp);
        remove_tmpdir(dir);
}
