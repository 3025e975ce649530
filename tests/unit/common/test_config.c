/* test_config.c: the properties parser, command-line overrides and typed getters. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"

static sl_config *parse(const char *text)
{
        sl_config *cfg = sl_config_new();
        sl_err_detail det;
        cr_assert_eq(sl_config_parse_text(cfg, text, strlen(text), "t", &det), SL_OK, "%s", det.message);
        return cfg;
}

Test(common_config, separators_comments_and_whitespace)
{
        sl_config *cfg = parse("# comment\n! also comment\n  a=1\nb : two words \nc\tthree\nd=\n\n"
                               "e = x=y\r\nf:g\n");
        cr_assert_str_eq(sl_config_get(cfg, "a"), "1");
        cr_assert_str_eq(sl_config_get(cfg, "b"), "two words");
        cr_assert_str_eq(sl_config_get(cfg, "c"), "three");
        cr_assert_str_eq(sl_config_get(cfg, "d"), "");
        cr_assert_str_eq(sl_config_get(cfg, "e"), "x=y");
        cr_assert_str_eq(sl_config_get(cfg, "f"), "g");
        cr_assert_null(sl_config_get(cfg, "# comment"));
        sl_config_free(cfg);
}

Test(common_config, continuation_escapes_and_last_wins)
{
        sl_config *cfg = parse("list=a,\\\n    b,\\\n    c\nk\\:x=1\\t2\nlist2=\\u0041\nk2=1\nk2=2\n");
        cr_assert_str_eq(sl_config_get(cfg, "list"), "a,b,c");
        cr_assert_str_eq(sl_config_get(cfg, "k:x"), "1\t2");
        cr_assert_str_eq(sl_config_get(cfg, "list2"), "A");
        cr_assert_str_eq(sl_config_get(cfg, "k2"), "2");
        sl_config_free(cfg);
}

Test(common_config, typed_getters_apply_defaults_and_name_the_key)
{
        sl_config *cfg = parse("n=42\nneg=-7\nbad=12x\nbig=99999999999999999999\nflag=TRUE\nno=off\nweird=maybe\n");
        sl_err_detail det;
        int64_t v;
        int i;
        bool b;
        cr_assert_eq(sl_config_get_i64(cfg, "n", 1, 0, 100, &v, &det), SL_OK);
        cr_assert_eq(v, 42);
        cr_assert_eq(sl_config_get_i64(cfg, "missing", 5, 0, 100, &v, &det), SL_OK);
        cr_assert_eq(v, 5);
        cr_assert_eq(sl_config_get_int(cfg, "neg", 0, -10, 10, &i, &det), SL_OK);
        cr_assert_eq(i, -7);
        cr_assert_eq(sl_config_get_i64(cfg, "bad", 0, 0, 100, &v, &det), SL_ERR_INVALID);
        cr_assert(strstr(det.message, "bad") && strstr(det.message, "12x"), "%s", det.message);
        cr_assert_eq(sl_config_get_i64(cfg, "big", 0, 0, INT64_MAX, &v, &det), SL_ERR_INVALID);
        cr_assert_eq(sl_config_get_i64(cfg, "n", 0, 0, 10, &v, &det), SL_ERR_INVALID);
        cr_assert(strstr(det.message, "n:") || strstr(det.message, "for n"), "%s", det.message);
        cr_assert_eq(sl_config_get_bool(cfg, "flag", false, &b, &det), SL_OK);
        cr_assert(b);
        cr_assert_eq(sl_config_get_bool(cfg, "no", true, &b, &det), SL_OK);
        cr_assert(!b);
        cr_assert_eq(sl_config_get_bool(cfg, "weird", true, &b, &det), SL_ERR_INVALID);
        cr_assert(strstr(det.message, "weird"), "%s", det.message);
        sl_config_free(cfg);
}

static bool is_flag(const char *a)
{
        return strcmp(a, "--broker-only") == 0;
}

Test(common_config, file_then_overrides)
{
        char path[] = "/tmp/sl_cfg_XXXXXX";
        int fd = mkstemp(path);
        cr_assert(fd >= 0);
        const char *text = "a=file\nb=file\n";
        cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        close(fd);
        char cfgarg[64];
        snprintf(cfgarg, sizeof cfgarg, "--config=%s", path);
        char *argv[] = {"prog", "--b=cli", "--broker-only", cfgarg, "--c=x=y", NULL};
        sl_config *cfg = sl_config_new();
        sl_err_detail det;
        cr_assert_eq(sl_config_parse_args(cfg, 5, argv, is_flag, &det), SL_OK, "%s", det.message);
        cr_assert_str_eq(sl_config_get(cfg, "a"), "file");
        cr_assert_str_eq(sl_config_get(cfg, "b"), "cli");
        cr_assert_str_eq(sl_config_get(cfg, "c"), "x=y");
        char *bad[] = {"prog", "--nokey", NULL};
        cr_assert_eq(sl_config_parse_args(cfg, 2, bad, is_flag, &det), SL_ERR_INVALID);
        cr_assert(strstr(det.message, "--nokey"));
        char *missing[] = {"prog", "--config", "/nonexistent/x.properties", NULL};
        cr_assert_eq(sl_config_parse_args(cfg, 3, missing, NULL, &det), SL_ERR_IO);
        sl_config_free(cfg);
        unlink(path);
}

Test(common_config, iteration_keeps_insertion_order)
{
        sl_config *cfg = parse("z=1\na=2\nz=3\n");
        size_t pos = 0;
        const char *k, *v;
        cr_assert(sl_config_iter(cfg, &pos, &k, &v));
        cr_assert_str_eq(k, "z");
        cr_assert_str_eq(v, "3");
        cr_assert(sl_config_iter(cfg, &pos, &k, &v));
        cr_assert_str_eq(k, "a");
        cr_assert(!sl_config_iter(cfg, &pos, &k, &v));
        sl_config_free(cfg);
}
