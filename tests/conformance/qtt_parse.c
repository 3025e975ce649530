/* qtt_parse.c: parses every statement of ksqlDB's query-validation tests (QTT, reference/ksqldb.md
 * section 9) and checks that printing then re-parsing gives an equal AST. Cases that expect a
 * parse failure (expectedException of type ParseFailedException, or a syntax-error message) and
 * disabled cases are skipped. Prints per-file and total "N passed, M failed, K skipped" counts,
 * where N/M/K count statements; exits 1 if any statement failed, 77 (ctest SKIP) when the corpus
 * directory is absent.
 * Usage: qtt_parse [DIR]   (default $SLUICE_SHARED/conformance/qtt, else ../shared/conformance/qtt) */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/str.h"
#include "sql/ast_print.h"
#include "sql/parse.h"

/* Statement counts of one file or of the whole run. */
typedef struct counts {
        long passed;   /* parsed and round-tripped */
        long failed;   /* did not parse, or printed SQL did not give an equal AST */
        long skipped;  /* in disabled cases or cases expecting a parse error */
} counts;

static int verbose_limit = 200;  /* failure lines printed at most */
static long error_cases;         /* enabled cases that expect a parse error */
static long error_cases_caught;  /* ... of which some statement did fail to parse here */

/* QTT files are JSON with // and block comments (Jackson ALLOW_COMMENTS): blank them out. */
static void strip_comments(char *s)
{
        bool in_string = false;

        for (; *s; s++) {
                if (in_string) {
                        if (*s == '\\' && s[1])
                                s++;
                        else if (*s == '"')
                                in_string = false;
                } else if (*s == '"') {
                        in_string = true;
                } else if (s[0] == '/' && s[1] == '/') {
                        while (*s && *s != '\n')
                                *s++ = ' ';
                        if (!*s)
                                return;
                } else if (s[0] == '/' && s[1] == '*') {
                        while (*s && !(s[0] == '*' && s[1] == '/'))
                                *s++ = ' ';
                        if (!*s)
                                return;
                        s[0] = s[1] = ' ';
                        s++;
                }
        }
}

static char *read_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        char *buf;
        long len;

        if (!f)
                return NULL;
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = sl_malloc((size_t)len + 1);
        if (fread(buf, 1, (size_t)len, f) != (size_t)len)
                len = 0;
        buf[len] = '\0';
        fclose(f);
        return buf;
}

/* Does the case expect the statements to fail parsing? */
static bool expects_parse_error(json_t *tcase)
{
        json_t *ex = json_object_get(tcase, "expectedException");
        const char *type, *msg;

        if (!json_is_object(ex))
                return false;
        type = json_string_value(json_object_get(ex, "type"));
        msg = json_string_value(json_object_get(ex, "message"));
        if (type && strstr(type, "ParseFailedException"))
                return true;
        return msg && (strstr(msg, "Syntax error") || strstr(msg, "Syntax Error") ||
                       strstr(msg, "mismatched input") || strstr(msg, "extraneous input"));
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
                if (sl_parse_statement(printed, NULL, &again, &err) != SL_OK) {
                        char why[1024];
                        snprintf(why, sizeof(why), "printed SQL does not parse: %s (%s)", printed,
                                 err.message);
                        fail(file, tname, sql, why);
                        c->failed++;
                } else if (!sl_ast_stmt_equal(script->stmts[i], again)) {
                        char why[4096];
                        snprintf(why, sizeof(why), "round trip differs: %s", printed);
                        fail(file, tname, sql, why);
                        c->failed++;
                } else {
                        c->passed++;
                }
                sl_ast_stmt_free(again);
                sl_free(printed);
        }
done:
        sl_script_free(script);
}

static int name_cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_file(const char *dir, const char *name, counts *total)
{
        char path[4096];
        char *text;
        json_t *root, *tests;
        json_error_t jerr;
        counts c = {0, 0, 0};
        size_t i, j;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        text = read_file(path);
        if (!text) {
                printf("FAIL %s: cannot read\n", name);
                total->failed++;
                return;
        }
        strip_comments(text);
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

int main(int argc, char **argv)
{
        char dirbuf[4096];
        const char *dir = NULL, *shared = getenv("SLUICE_SHARED");
        DIR *d;
        struct dirent *ent;
        char **names = NULL;
        size_t n = 0, cap = 0, i;
        counts total = {0, 0, 0};

        if (shared && *shared) {
                snprintf(dirbuf, sizeof(dirbuf), "%s/conformance/qtt", shared);
                dir = dirbuf;
        }
        if (argc > 1)
                dir = argv[1];
        if (!dir)
                dir = "../shared/conformance/qtt";
        d = opendir(dir);
        if (!d) {
                printf("SKIP: QTT corpus directory %s not found\n", dir);
                return 77;
        }
        while ((ent = readdir(d)) != NULL) {
                size_t len = strlen(ent->d_name);
                if (len < 6 || strcmp(ent->d_name + len - 5, ".json") != 0)
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
                run_file(dir, names[i], &total);
                sl_free(names[i]);
        }
        sl_free(names);
        printf("cases expecting a parse error: %ld, rejected by this parser: %ld\n", error_cases,
               error_cases_caught);
        printf("TOTAL (%zu files): %ld passed, %ld failed, %ld skipped\n", n, total.passed,
               total.failed, total.skipped);
        return total.failed ? 1 : 0;
}
