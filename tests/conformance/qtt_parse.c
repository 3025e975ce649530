/* qtt_parse.c: parses every statement of ksqlDB's query-validation tests (QTT and RQTT JSON files,
 * reference/ksqldb.md section 9, and the sql-tests .sql scripts) and checks that printing then
 * re-parsing gives an equal AST. Cases that expect a parse failure (expectedException or
 * expectedError of type ParseFailedException, or with a syntax-error message) and disabled cases
 * are skipped. Prints per-file and total "N passed, M failed, K skipped" counts, where N/M/K count
 * statements; exits 1 if any statement failed, 77 (ctest SKIP) when a corpus directory is absent.
 * Usage: qtt_parse [DIR...]  (default $SLUICE_SHARED/conformance/qtt, else ../shared/conformance/qtt);
 * directories are walked recursively for *.json and *.sql files. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/str.h"
#include "sql/ast_print.h"
#include "sql/parse.h"
#include "qtt_load.h"

/* Statement counts of one file or of the whole run. */
typedef struct counts {
        long passed;   /* parsed and round-tripped */
        long failed;   /* did not parse, or printed SQL did not give an equal AST */
        long skipped;  /* in disabled cases or cases expecting a parse error */
} counts;

static int verbose_limit = 200;  /* failure lines printed at most */
static long error_cases;         /* enabled cases that expect a parse error */
static long error_cases_caught;  /* ... of which some statement did fail to parse here */

/* Does the case expect the statements to fail parsing? */
static bool expects_parse_error(json_t *tcase)
{
        json_t *ex = json_object_get(tcase, "expectedException");
        const char *type, *msg;

        if (!json_is_object(ex))
                ex = json_object_get(tcase, "expectedError");
        if (!json_is_object(ex))
                return false;
        type = json_string_value(json_object_get(ex, "type"));
        msg = json_string_value(json_object_get(ex, "message"));
        if (type && strstr(type, "ParseFailedException"))
                return true;
        return msg && (strstr(msg, "Syntax error") || strstr(msg, "Syntax Error") ||
                       strstr(msg, "mismatched input") || strstr(msg, "extraneous input") ||
                       strstr(msg, "Value must be integer"));
}

/* Replaces every "{FORMAT}" by `format`; returns a heap string. */
static char *with_format(const char *sql, const char *format)
{
        sl_str out;
        const char *p;

        sl_str_init(&out);
        while (format && (p = strstr(sql, "{FORMAT}")) != NULL) {
                sl_str_append_n(&out, sql, (size_t)(p - sql));
                sl_str_append(&out, format);
                sql = p + 8;
        }
        sl_str_append(&out, sql);
        return sl_str_detach(&out);
}

static void fail(const char *file, const char *tname, const char *sql, const char *why)
{
        if (verbose_limit-- > 0)
                printf("FAIL %s [%s]\n  %s\n  -> %s\n", file, tname, sql, why);
}

/* Parses one statement text; round-trips every statement in it. */
static void check_statement(const char *file, const char *tname, const char *sql, counts *c)
{
        sl_script *script = NULL;
        size_t i;

        if (sl_parse_script(sql, NULL, &script) != SL_OK) {
                sl_str msg;
                sl_str_init(&msg);
                sl_parse_error_format(&script->errors[0], &msg);
                fail(file, tname, sql, sl_str_cstr(&msg));
                sl_str_deinit(&msg);
                c->failed++;
                goto done;
        }
        for (i = 0; i < script->nstmts; i++) {
                char *printed = sl_ast_stmt_to_sql(script->stmts[i]);
                sl_ast_stmt *again = NULL;
                sl_err_detail err;
                sl_str why;
                sl_str_init(&why);
                if (sl_parse_statement(printed, NULL, &again, &err) != SL_OK) {
                        sl_str_appendf(&why, "printed SQL does not parse: %s (%s)", printed,
                                       err.message);
                        fail(file, tname, sql, sl_str_cstr(&why));
                        c->failed++;
                } else if (!sl_ast_stmt_equal(script->stmts[i], again)) {
                        sl_str_appendf(&why, "round trip differs: %s", printed);
                        fail(file, tname, sql, sl_str_cstr(&why));
                        c->failed++;
                } else {
                        c->passed++;
                }
                sl_str_deinit(&why);
                sl_ast_stmt_free(again);
                sl_free(printed);
        }
done:
        sl_script_free(script);
}

/* A sql-tests script: the whole file is one script; every statement must parse (its expected
 * errors are all semantic) and round-trip. */
static void run_sql_file(const char *path, const char *name, counts *total)
{
        char *text = sl_str_read_file(path);
        counts c = {0, 0, 0};

        if (!text) {
                printf("FAIL %s: cannot read\n", name);
                total->failed++;
                return;
        }
        check_statement(name, "script", text, &c);
        sl_free(text);
        printf("%-50s %ld passed, %ld failed, %ld skipped\n", name, c.passed, c.failed, c.skipped);
        total->passed += c.passed;
        total->failed += c.failed;
        total->skipped += c.skipped;
}

static int name_cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_file(const char *path, const char *name, counts *total)
{
        char *text;
        json_t *root, *tests;
        json_error_t jerr;
        counts c = {0, 0, 0};
        size_t i, j;

        text = sl_str_read_file(path);
        if (!text) {
                printf("FAIL %s: cannot read\n", name);
                total->failed++;
                return;
        }
        sl_test_qtt_strip_comments(text);
        root = json_loads(text, 0, &jerr);
        sl_free(text);
        if (!root) {
                printf("FAIL %s: bad JSON at line %d: %s\n", name, jerr.line, jerr.text);
                total->failed++;
                return;
        }
        tests = json_object_get(root, "tests");
        for (i = 0; i < json_array_size(tests); i++) {
                json_t *tcase = json_array_get(tests, i);
                json_t *stmts = json_object_get(tcase, "statements");
                json_t *formats = json_object_get(tcase, "format");
                json_t *enabled = json_object_get(tcase, "enabled");
                const char *tname = json_string_value(json_object_get(tcase, "name"));
                const char *format = json_string_value(json_array_get(formats, 0));
                bool disabled = enabled && json_is_false(enabled);
                bool skip = disabled || expects_parse_error(tcase);
                if (!disabled && skip) {
                        /* informational: does our parser reject the case too? */
                        bool caught = false;
                        error_cases++;
                        for (j = 0; j < json_array_size(stmts) && !caught; j++) {
                                const char *sql = json_string_value(json_array_get(stmts, j));
                                sl_script *script = NULL;
                                caught = sql && sl_parse_script(sql, NULL, &script) != SL_OK;
                                sl_script_free(script);
                        }
                        if (caught)
                                error_cases_caught++;
                        else
                                printf("note %s [%s]: expects a parse error, parses here\n", name,
                                       tname ? tname : "?");
                }
                for (j = 0; j < json_array_size(stmts); j++) {
                        const char *sql = json_string_value(json_array_get(stmts, j));
                        char *text_fmt;
                        if (skip || sql == NULL) {
                                c.skipped++;
                                continue;
                        }
                        text_fmt = with_format(sql, format);
                        check_statement(name, tname ? tname : "?", text_fmt, &c);
                        sl_free(text_fmt);
                }
        }
        json_decref(root);
        printf("%-50s %ld passed, %ld failed, %ld skipped\n", name, c.passed, c.failed, c.skipped);
        total->passed += c.passed;
        total->failed += c.failed;
        total->skipped += c.skipped;
}

/* Runs every *.json and *.sql under `dir` (sorted, recursively). Returns the number of files, or
 * -1 when `dir` cannot be opened. */
static long run_dir(const char *dir, counts *total)
{
        DIR *d = opendir(dir);
        struct dirent *ent;
        char **names = NULL;
        size_t n = 0, cap = 0, i;
        long files = 0;

        if (!d)
                return -1;
        while ((ent = readdir(d)) != NULL) {
                if (ent->d_name[0] == '.')
                        continue;
                if (n == cap) {
                        cap = cap ? cap * 2 : 64;
                        names = sl_realloc(names, cap * sizeof(*names));
                }
                names[n++] = sl_strdup(ent->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof(*names), name_cmp);
        for (i = 0; i < n; i++) {
                size_t len = strlen(names[i]);
                char *path = sl_asprintf("%s/%s", dir, names[i]);
                long sub;
                if (len > 5 && strcmp(names[i] + len - 5, ".json") == 0) {
                        run_file(path, names[i], total);
                        files++;
                } else if (len > 4 && strcmp(names[i] + len - 4, ".sql") == 0) {
                        run_sql_file(path, names[i], total);
                        files++;
                } else if ((sub = run_dir(path, total)) > 0) {
                        files += sub;
                }
                sl_free(path);
                sl_free(names[i]);
        }
        sl_free(names);
        return files;
}

int main(int argc, char **argv)
{
        const char *shared = getenv("SLUICE_SHARED");
        char *fallback = NULL;
        counts total = {0, 0, 0};
        long files = 0;
        int i;

        if (argc < 2) {
                fallback = shared && *shared ? sl_asprintf("%s/conformance/qtt", shared)
                                             : sl_strdup("../shared/conformance/qtt");
                argv[0] = fallback;
                argc = 1;
        } else {
                argv++;
                argc--;
        }
        for (i = 0; i < argc; i++) {
                long n = run_dir(argv[i], &total);
                if (n < 0) {
                        printf("SKIP: conformance corpus directory %s not found\n", argv[i]);
                        sl_free(fallback);
                        return 77;
                }
                files += n;
        }
        sl_free(fallback);
        printf("cases expecting a parse error: %ld, rejected by this parser: %ld\n", error_cases,
               error_cases_caught);
        printf("TOTAL (%ld files): %ld passed, %ld failed, %ld skipped\n", files, total.passed,
               total.failed, total.skipped);
        return total.failed ? 1 : 0;
}
