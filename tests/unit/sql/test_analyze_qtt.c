/* test_analyze_qtt.c: runs the analyzer over ksqlDB's query-validation tests (read from
 * $SLUICE_SHARED/conformance/qtt or the repository's ../shared). Each enabled case gets a fresh in-memory catalog
 * built from its own statements, in order. Prints how many cases analyze cleanly, how many of the
 * cases expecting an error fail here (and with a matching message), and how many post-condition
 * schemas of created sources equal ours. Unsupported features only lower the counts; a crash or a
 * leak fails the test. Skips with a message when the corpus is absent. The same run covers the
 * REST query-validation tests (rqtt). SLUICE_QTT_LOG=path writes every mismatch to path.qtt and
 * path.rqtt for inspection. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/str.h"
#include "sql/analyze.h"
#include "sql/parse.h"
#include "qtt_load.h"

typedef struct counts {
        long cases, clean, clean_expected;  /* cases; analyzed without error; of those expected clean */
        long err_cases, err_caught, err_msg; /* cases expecting an error; caught; message matched */
        long schemas, schemas_ok;            /* post-condition schemas compared; equal */
        long stmts, stmts_ok;                /* statements analyzed; without error */
        long pos_checked, pos_ok;            /* expected messages with "Line: l, Col: c:"; same position here */
} counts;

static void run_case(json_t *tc, const sl_func_registry *reg, counts *c, FILE *log)
{
        json_t *stmts = json_object_get(tc, "statements");
        json_t *fmts = json_object_get(tc, "format");
        json_t *exc = json_object_get(tc, "expectedException") ? json_object_get(tc, "expectedException")
                                                               : json_object_get(tc, "expectedError");
        json_t *en = json_object_get(tc, "enabled");
        const char *fmt = json_is_array(fmts) && json_array_size(fmts) ? json_string_value(json_array_get(fmts, 0)) : "JSON";
        const char *expected_msg = exc ? json_string_value(json_object_get(exc, "message")) : NULL;
        sl_str text;
        char *sub;
        sl_script *script = NULL;
        sl_catalog *cat;
        sl_analyze_ctx ctx = {0};
        bool ok = true, msg_ok = false;
        size_t i;
        json_t *v;

        if (en && json_is_false(en))
                return;
        if (!json_is_array(stmts))
                return;
        sl_str_init(&text);
        json_array_foreach(stmts, i, v) {
                if (json_is_string(v)) {
                        sl_str_append(&text, json_string_value(v));
                        sl_str_append(&text, "\n");
                }
        }
        sub = sl_test_str_replace_all(sl_str_cstr(&text), "{FORMAT}", fmt ? fmt : "JSON");
        sl_str_deinit(&text);
        sl_parse_script(sub, NULL, &script);
        c->cases++;
        if (exc)
                c->err_cases++;
        cat = sl_catalog_mem_new();
        ctx.cat = cat;
        ctx.reg = reg;
        if (script->nerrors) {
                ok = false;
                if (expected_msg && strstr(script->errors[0].message, expected_msg))
                        msg_ok = true;
        }
        for (size_t s = 0; s < script->nstmts; s++) {
                sl_analysis *a = NULL;
                sl_err_detail err;

                c->stmts++;
                if (sl_analyze(&ctx, script->stmts[s], &a, &err) != SL_OK) {
                        if (ok && log && !exc)
                                fprintf(log, "  [%s] %s\n      -> %d:%d: %s\n", json_string_value(json_object_get(tc, "name")),
                                        script->stmts[s]->text, err.pos.line, err.pos.column, err.message);
                        if (ok && expected_msg && strstr(expected_msg, "Line: ")) {
                                /* ksqlDB's "Line: 2, Col: 13: message": check our position too */
                                int line, col, off = 0;
                                const char *at = strstr(expected_msg, "Line: ");

                                if (sscanf(at, "Line: %d, Col: %d: %n", &line, &col, &off) == 2 && off > 0) {
                                        c->pos_checked++;
                                        if (err.pos.line == line && err.pos.column == col && strstr(err.message, at + off)) {
                                                c->pos_ok++;
                                                msg_ok = true;
                                        } else if (log) {
                                                fprintf(log, "  POSITION [%s] ours %d:%d %s\n      expected: %s\n",
                                                        json_string_value(json_object_get(tc, "name")), err.pos.line,
                                                        err.pos.column, err.message, expected_msg);
                                        }
                                }
                        }
                        if (ok && expected_msg && strstr(err.message, expected_msg))
                                msg_ok = true;
                        else if (ok && expected_msg && log)
                                fprintf(log, "  MESSAGE [%s]\n      ours:     %s\n      expected: %s\n",
                                        json_string_value(json_object_get(tc, "name")), err.message, expected_msg);
                        ok = false;
                        continue;
                }
                c->stmts_ok++;
                sl_analysis_apply(cat, a, &err);
                sl_analysis_free(a);
        }
        if (log && exc && ok)
                fprintf(log, "  MISSED [%s] expected: %s\n", json_string_value(json_object_get(tc, "name")),
                        expected_msg ? expected_msg : json_string_value(json_object_get(exc, "type")));
        if (ok) {
                c->clean++;
                c->clean_expected += !exc;
        } else if (exc) {
                c->err_caught++;
                c->err_msg += msg_ok;
        }
        /* post-condition schemas */
        {
                json_t *post = json_object_get(tc, "post"), *srcs = post ? json_object_get(post, "sources") : NULL;
                size_t k;
                json_t *sv;

                if (!exc && json_is_array(srcs)) {
                        json_array_foreach(srcs, k, sv) {
                                const char *nm = json_string_value(json_object_get(sv, "name"));
                                const char *sch = json_string_value(json_object_get(sv, "schema"));
                                const sl_catalog_source *src;
                                sl_str ours;
                                char *a1, *b1;

                                if (!nm || !sch)
                                        continue;
                                c->schemas++;
                                src = sl_catalog_source_get(cat, nm);
                                if (!src)
                                        continue;
                                sl_str_init(&ours);
                                sl_catalog_source_print_schema(&ours, src);
                                a1 = sl_test_qtt_normalize_schema(sl_str_cstr(&ours));
                                b1 = sl_test_qtt_normalize_schema(sch);
                                if (strcmp(a1, b1) == 0)
                                        c->schemas_ok++;
                                else if (log)
                                        fprintf(log, "  schema [%s] %s\n      ours:   %s\n      theirs: %s\n",
                                                json_string_value(json_object_get(tc, "name")), nm, a1, b1);
                                sl_free(a1);
                                sl_free(b1);
                                sl_str_deinit(&ours);
                        }
                }
        }
        sl_catalog_free(cat);
        sl_script_free(script);
        sl_free(sub);
}

static const char *corpus_dir(const char *which)
{
        static char buf[4096];
        const char *shared = getenv("SLUICE_SHARED");

        if (shared) {
                snprintf(buf, sizeof(buf), "%s/conformance/%s", shared, which);
                return buf;
        }
        /* the repository's ../shared, found from this file's path */
        {
                const char *f = __FILE__, *cut = strstr(f, "tests/unit/sql/");

                if (cut && f[0] == '/') {
                        snprintf(buf, sizeof(buf), "%.*s../shared/conformance/%s", (int)(cut - f), f, which);
                        return buf;
                }
        }
        snprintf(buf, sizeof(buf), "../shared/conformance/%s", which);
        return buf;
}

/* Runs every case of every file of corpus `which` (qtt or rqtt); false when the corpus is absent. */
static bool run_corpus(const char *which, counts *c)
{
        const char *dir = corpus_dir(which);
        DIR *d = opendir(dir);
        struct dirent *de;
        sl_func_registry *reg = sl_func_registry_new();
        sl_err_detail e;
        const char *logpath = getenv("SLUICE_QTT_LOG");
        FILE *log = NULL;

        if (!d) {
                cr_log_warn("SKIP: corpus not found at %s", dir);
                sl_func_registry_free(reg);
                return false;
        }
        if (logpath) {
                char path[4096];

                snprintf(path, sizeof(path), "%s.%s", logpath, which);
                log = fopen(path, "w");
        }
        cr_assert_eq(sl_func_registry_add_builtins(reg, &e), SL_OK);
        while ((de = readdir(d)) != NULL) {
                char path[4096 + 256];
                char *text;
                json_t *root, *tests;
                json_error_t je;
                size_t i;
                json_t *tc;

                if (!strstr(de->d_name, ".json"))
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
                if (!(text = sl_str_read_file(path)))
                        continue;
                sl_test_qtt_strip_comments(text);
                root = json_loads(text, 0, &je);
                sl_free(text);
                if (!root)
                        continue;
                tests = json_object_get(root, "tests");
                if (log)
                        fprintf(log, "%s\n", de->d_name);
                json_array_foreach(tests, i, tc) run_case(tc, reg, c, log);
                json_decref(root);
        }
        closedir(d);
        if (log)
                fclose(log);
        sl_func_registry_free(reg);
        printf("analyze/%s: %ld cases: %ld analyze cleanly (%ld of them expected to), %ld/%ld expected errors caught "
               "(%ld with a matching message); statements %ld/%ld analyzed; post schemas %ld/%ld equal; "
               "error positions %ld/%ld equal\n",
               which, c->cases, c->clean, c->clean_expected, c->err_caught, c->err_cases, c->err_msg, c->stmts_ok,
               c->stmts, c->schemas_ok, c->schemas, c->pos_ok, c->pos_checked);
        return true;
}

Test(sql_analyze_qtt, qtt_corpus_analyzes_without_crashing, .timeout = 240)
{
        counts c = {0};

        if (run_corpus("qtt", &c))
                cr_assert_gt(c.cases, 0);
}

Test(sql_analyze_qtt, rqtt_corpus_analyzes_without_crashing, .timeout = 240)
{
        counts c = {0};

        if (run_corpus("rqtt", &c))
                cr_assert_gt(c.cases, 0);
}
