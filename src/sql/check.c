/* check.c: `--check` and `--format` as library functions. A script is parsed whole (a syntax
 * error fails only its statement), then each parsed statement is analyzed against an in-memory
 * catalog and applied to it, so later statements see the sources and types earlier ones created.
 * Errors print as `FILE:line:col: message` with the position the parser or analyzer recorded. */
#include "sql/check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/str.h"
#include "sql/analyze.h"
#include "sql/ast_print.h"
#include "sql/catalog.h"
#include "sql/parse.h"

static char *read_all(const char *path, FILE *out)
{
        char *text = sl_str_read_file(path);

        if (!text)
                fprintf(out, "%s: cannot open: %s\n", path, strerror(errno));
        return text;
}

/* One error line; a multi-line message keeps its extra lines indented. */
static void report(FILE *out, const char *name, const sl_err_detail *err)
{
        const char *m = err->message;

        fprintf(out, "%s:%d:%d: ", name, err->pos.line, err->pos.column);
        for (; *m; m++) {
                fputc(*m, out);
                if (*m == '\n')
                        fputs("  ", out);
        }
        if (err->detail[0])
                fprintf(out, " (%s)", err->detail);
        fputc('\n', out);
}

/* Errors of the parsed statements and of the failed ones, in text order. */
typedef struct item {
        size_t offset;              /* position in the text, for ordering */
        const sl_err_detail *perr;  /* a syntax error, or NULL */
        sl_ast_stmt *stmt;          /* a parsed statement, or NULL */
} item;

static int cmp_items(const void *a, const void *b)
{
        const item *x = a, *y = b;

        return x->offset < y->offset ? -1 : x->offset > y->offset ? 1 : 0;
}

int sl_sql_check_text(const char *name, const char *text, const sl_func_registry *reg, FILE *out)
{
        sl_func_registry *own = NULL;
        sl_script *script = NULL;
        sl_catalog *cat = sl_catalog_mem_new();
        sl_analyze_ctx ctx = {.cat = cat};
        item *items;
        size_t n;
        int bad = 0;

        if (!reg) {
                sl_err_detail e;

                own = sl_func_registry_new();
                if (sl_func_registry_add_builtins(own, &e) != SL_OK)
                        fprintf(out, "%s: warning: built-in functions: %s\n", name, e.message);
                reg = own;
        }
        ctx.reg = reg;
        sl_parse_script(text, NULL, &script);
        n = script->nstmts + script->nerrors;
        items = sl_calloc(n ? n : 1, sizeof(*items));
        for (size_t i = 0; i < script->nstmts; i++)
                items[i] = (item){script->stmts[i]->text_offset, NULL, script->stmts[i]};
        for (size_t i = 0; i < script->nerrors; i++)
                items[script->nstmts + i] = (item){script->errors[i].pos.offset, &script->errors[i], NULL};
        qsort(items, n, sizeof(*items), cmp_items);
        for (size_t i = 0; i < n; i++) {
                sl_analysis *a = NULL;
                sl_err_detail err;

                if (items[i].perr) {
                        report(out, name, items[i].perr);
                        bad++;
                        continue;
                }
                if (sl_analyze(&ctx, items[i].stmt, &a, &err) != SL_OK) {
                        report(out, name, &err);
                        bad++;
                        continue;
                }
                if (sl_analysis_apply(cat, a, &err) != SL_OK) {
                        report(out, name, &err);
                        bad++;
                }
                sl_analysis_free(a);
        }
        sl_free(items);
        sl_script_free(script);
        sl_catalog_free(cat);
        sl_func_registry_free(own);
        return bad;
}

int sl_sql_check_file(const char *path, FILE *out)
{
        char *text = read_all(path, out);
        int bad;

        if (!text)
                return 1;
        bad = sl_sql_check_text(path, text, NULL, out);
        sl_free(text);
        return bad ? 1 : 0;
}

int sl_sql_format_file(const char *path, FILE *out, FILE *err)
{
        char *text = read_all(path, err);
        sl_script *script = NULL;
        int rc = 0;

        if (!text)
                return 1;
        if (sl_parse_script(text, NULL, &script) != SL_OK)
                rc = 1;
        for (size_t i = 0; i < script->nerrors; i++)
                report(err, path, &script->errors[i]);
        for (size_t i = 0; i < script->nstmts; i++) {
                char *sql = sl_ast_stmt_to_sql(script->stmts[i]);

                fprintf(out, "%s\n", sql);
                sl_free(sql);
        }
        sl_script_free(script);
        sl_free(text);
        return rc;
}
