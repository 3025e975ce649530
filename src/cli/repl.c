/* repl.c: the `sluice` shell. Reads statements (interactively with libedit, or from a file, a pipe
 * or -e), keeps SET/UNSET properties and DEFINE/UNDEFINE variables itself and sends them with every
 * request, runs SELECT and PRINT as streamed queries on /query-stream and everything else on
 * /ksql, and prints results as the ksql shell does. Ctrl-C during a push query closes it on the
 * server (/close-query) and returns to the prompt.
 *
 * Interactive mode: history in ~/.sluice_history, statements continue over lines until ';', local
 * commands (EXIT, HELP, OUTPUT, SERVER, CLEAR, HISTORY, VERSION) need no ';', TAB completes
 * keywords, stream/table names and function names. Without a terminal the input is a script: it
 * runs statement by statement and the first failure ends it with exit status 1. */
#include <ctype.h>
#include <editline/readline.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/map.h"
#include "common/mem.h"
#include "common/vec.h"

#define SHELL_VERSION "0.1.0"

/* A local name/value list that keeps insertion order. */
typedef struct kvlist {
        sl_vec names;   /* heap char* */
        sl_vec values;  /* heap char* */
        bool ci;        /* names compare case-insensitively */
} kvlist;

typedef struct shell {
        sl_cli_client *client;     /* the server */
        bool json_output;          /* OUTPUT JSON */
        bool interactive;          /* a terminal: prompts, banner, history */
        kvlist props;              /* SET properties */
        kvlist vars;               /* DEFINE variables */
        int script_depth;          /* RUN SCRIPT nesting */
        sl_vec names;              /* heap char*: completion candidates from the server */
        bool names_stale;          /* refresh before the next completion */
} shell;

static volatile sig_atomic_t interrupted;
static shell *the_shell;  /* for the completion callbacks */

static void on_sigint(int sig)
{
        (void)sig;
        interrupted = 1;
}

/* ---- small helpers ---- */

static void kv_init(kvlist *kv, bool ci)
{
        sl_vec_init(&kv->names, sizeof(char *));
        sl_vec_init(&kv->values, sizeof(char *));
        kv->ci = ci;
}

static long kv_find(kvlist *kv, const char *name)
{
        for (size_t i = 0; i < kv->names.len; i++) {
                const char *n = SL_VEC_AT(&kv->names, char *, i);
                if (kv->ci ? sl_str_eq_ci(n, name) : strcmp(n, name) == 0)
                        return (long)i;
        }
        return -1;
}

static void kv_set(kvlist *kv, const char *name, const char *value)
{
        long i = kv_find(kv, name);
        char *v = sl_strdup(value);
        if (i >= 0) {
                sl_free(SL_VEC_AT(&kv->values, char *, i));
                SL_VEC_AT(&kv->values, char *, i) = v;
                return;
        }
        char *n = sl_strdup(name);
        sl_vec_push(&kv->names, &n);
        sl_vec_push(&kv->values, &v);
}

/* Removes `name`; returns its value (caller frees) or NULL. */
static char *kv_del(kvlist *kv, const char *name)
{
        long i = kv_find(kv, name);
        if (i < 0)
                return NULL;
        char *v = SL_VEC_AT(&kv->values, char *, i);
        sl_free(SL_VEC_AT(&kv->names, char *, i));
        sl_vec_remove(&kv->names, (size_t)i);
        sl_vec_remove(&kv->values, (size_t)i);
        return v;
}

static void kv_deinit(kvlist *kv)
{
        for (size_t i = 0; i < kv->names.len; i++) {
                sl_free(SL_VEC_AT(&kv->names, char *, i));
                sl_free(SL_VEC_AT(&kv->values, char *, i));
        }
        sl_vec_deinit(&kv->names);
        sl_vec_deinit(&kv->values);
}

static json_t *kv_json(kvlist *kv)
{
        json_t *o = json_object();
        for (size_t i = 0; i < kv->names.len; i++)
                json_object_set_new(o, SL_VEC_AT(&kv->names, char *, i),
                                    json_string(SL_VEC_AT(&kv->values, char *, i)));
        return o;
}

static void emit(sl_str *s)
{
        fputs(sl_str_cstr(s), stdout);
        fflush(stdout);
        sl_str_reset(s);
}

static int term_width(void)
{
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
                return ws.ws_col;
        return 120;
}

/* ---- statement splitting ---- */

/* Skips blanks and comments from `i`; returns the new index. */
static size_t skip_blank(const char *t, size_t i)
{
        for (;;) {
                while (t[i] && isspace((unsigned char)t[i]))
                        i++;
                if (t[i] == '-' && t[i + 1] == '-') {
                        while (t[i] && t[i] != '\n')
                                i++;
                } else if (t[i] == '/' && t[i + 1] == '*') {
                        const char *end = strstr(t + i + 2, "*/");
                        i = end ? (size_t)(end - t) + 2 : strlen(t);
                } else {
                        return i;
                }
        }
}

char *sl_cli_next_statement(const char *text, size_t *pos, bool *rest_blank)
{
        size_t start = skip_blank(text, *pos), i = start;
        char quote = 0;

        *rest_blank = text[start] == '\0';
        while (text[i]) {
                char c = text[i];
                if (quote) {
                        if (c == quote) {
                                if (text[i + 1] == quote)
                                        i++;
                                else
                                        quote = 0;
                        }
                } else if (c == '\'' || c == '`' || c == '"') {
                        quote = c;
                } else if (c == '-' && text[i + 1] == '-') {
                        while (text[i] && text[i] != '\n')
                                i++;
                        continue;
                } else if (c == '/' && text[i + 1] == '*') {
                        const char *end = strstr(text + i + 2, "*/");
                        if (end == NULL)
                                return NULL;
                        i = (size_t)(end - text) + 2;
                        continue;
                } else if (c == ';') {
                        *pos = i + 1;
                        return sl_strndup(text + start, i + 1 - start);
                }
                i++;
        }
        return NULL;
}

/* ---- words of a statement ---- */

/* The next word (identifier, quoted string unquoted, or one symbol) from *p, in `buf`. Returns
 * false at the end. */
static bool next_word(const char **p, char *buf, size_t len)
{
        const char *s = *p;
        size_t n = 0;

        while (*s && isspace((unsigned char)*s))
                s++;
        if (*s == '\0' || *s == ';')
                return false;
        if (*s == '\'' || *s == '`' || *s == '"') {
                char q = *s++;
                while (*s) {
                        if (*s == q) {
                                if (s[1] == q) {
                                        s++;
                                } else {
                                        s++;
                                        break;
                                }
                        }
                        if (n + 1 < len)
                                buf[n++] = *s;
                        s++;
                }
        } else if (isalnum((unsigned char)*s) || *s == '_' || *s == '.' || *s == '$' || *s == '{' || *s == '}' ||
                   *s == '-' || *s == '/') {
                while (*s && (isalnum((unsigned char)*s) || *s == '_' || *s == '.' || *s == '$' || *s == '{' ||
                              *s == '}' || *s == '-' || *s == '/')) {
                        if (n + 1 < len)
                                buf[n++] = *s;
                        s++;
                }
        } else {
                buf[n++] = *s++;
        }
        buf[n] = '\0';
        *p = s;
        return true;
}

static bool word_is(const char *w, const char *kw)
{
        return sl_str_eq_ci(w, kw);
}

/* ---- server requests ---- */

static void print_failure(long status, json_t *body)
{
        sl_str s;
        sl_str_init(&s);
        sl_cli_render_error(&s, body, status);
        fputs(sl_str_cstr(&s), stderr);
        fflush(stderr);
        sl_str_deinit(&s);
}

static bool run_ksql(shell *sh, const char *stmt)
{
        json_t *req = json_pack("{s:s, s:o, s:o}", "ksql", stmt, "streamsProperties", kv_json(&sh->props),
                                "sessionVariables", kv_json(&sh->vars));
        json_t *body = NULL;
        long status = 0;
        char err[256];
        bool ok = false;
        sl_str s;

        sl_str_init(&s);
        if (!sl_cli_client_post(sh->client, "/ksql", req, &status, &body, err, sizeof(err))) {
                fprintf(stderr, "Could not reach the server at %s: %s\n", sl_cli_client_url(sh->client), err);
                goto out;
        }
        if (status != 200 || !json_is_array(body)) {
                print_failure(status, body);
                goto out;
        }
        if (sh->json_output) {
                char *t = json_dumps(body, JSON_INDENT(2));
                sl_str_appendf(&s, "%s\n", t ? t : "[]");
                free(t);
        } else {
                size_t i;
                json_t *ent;
                json_array_foreach(body, i, ent) {
                        const char *type = json_string_value(json_object_get(ent, "@type"));
                        if (type && strcmp(type, "currentStatus") == 0)
                                sh->names_stale = true;
                        sl_cli_render_entity(&s, ent);
                }
        }
        emit(&s);
        ok = true;
out:
        sl_str_deinit(&s);
        json_decref(req);
        json_decref(body);
        return ok;
}

/* State of a streamed query's display. */
typedef struct query_view {
        shell *sh;
        sl_str out;               /* pending output */
        sl_cli_rowfmt fmt;        /* column widths, once the header came */
        bool have_header;
        char *query_id;           /* heap */
        bool failed;              /* an errorMessage line came */
        bool finished;            /* a finalMessage line came */
        bool pull;                /* a pull query: answers and ends by itself */
} query_view;

/* Column names out of "`ID` BIGINT KEY, `NAME` STRING". */
static json_t *names_from_schema(const char *schema)
{
        json_t *names = json_array();
        int depth = 0;
        const char *p = schema;
        bool at_start = true;
        while (p && *p) {
                if (at_start && *p == '`') {
                        const char *end = strchr(p + 1, '`');
                        if (end == NULL)
                                break;
                        json_array_append_new(names, json_stringn(p + 1, (size_t)(end - p - 1)));
                        p = end + 1;
                        at_start = false;
                        continue;
                }
                if (*p == '<' || *p == '(')
                        depth++;
                else if (*p == '>' || *p == ')')
                        depth--;
                else if (*p == ',' && depth == 0) {
                        at_start = true;
                        p++;
                        while (*p == ' ')
                                p++;
                        continue;
                }
                p++;
        }
        return names;
}

static int on_query_line(void *ctx, const char *line, size_t len, bool partial)
{
        query_view *qv = ctx;
        shell *sh = qv->sh;

        /* the /query format: "[{header}", ",\n{row}" ..., "]" -- strip the array punctuation */
        while (len > 0 && (*line == '[' || *line == ',' || *line == ' '))
                line++, len--;
        while (len > 0 && (line[len - 1] == ']' || line[len - 1] == ',' || line[len - 1] == '\r'))
                len--;
        if (len == 0)
                return SL_CLI_LINE_SKIP;
        json_t *j = json_loadb(line, len, 0, NULL);
        if (j == NULL)
                return SL_CLI_LINE_SKIP;  /* a partial line that is not complete yet */
        (void)partial;
        json_t *v;
        if ((v = json_object_get(j, "header")) != NULL) {
                const char *qid = json_string_value(json_object_get(v, "queryId"));
                sl_free(qv->query_id);
                qv->query_id = sl_strdup(qid ? qid : "");
                json_t *names = names_from_schema(json_string_value(json_object_get(v, "schema")));
                sl_cli_rowfmt_init(&qv->fmt, names, term_width());
                qv->have_header = true;
                if (sh->json_output) {
                        char *t = json_dumps(j, JSON_COMPACT);
                        sl_str_appendf(&qv->out, "%s\n", t);
                        free(t);
                } else {
                        sl_cli_render_row_border(&qv->out, &qv->fmt);
                        sl_cli_render_row(&qv->out, &qv->fmt, names);
                        sl_cli_render_row_border(&qv->out, &qv->fmt);
                }
                json_decref(names);
                if (sh->interactive && !sh->json_output && !qv->pull)
                        sl_str_append(&qv->out, "Press CTRL-C to interrupt\n");
        } else if ((v = json_object_get(j, "row")) != NULL) {
                if (sh->json_output) {
                        /* as the server wrote it: re-encoding would print 17 digits per DOUBLE */
                        sl_str_appendf(&qv->out, "%.*s\n", (int)len, line);
                } else if (qv->have_header) {
                        json_t *cols = json_object_get(v, "columns");
                        if (json_is_true(json_object_get(v, "tombstone"))) {
                                json_t *c2 = json_deep_copy(cols);
                                size_t i;
                                json_t *x;
                                json_array_foreach(c2, i, x)
                                        if (json_is_null(x))
                                                json_array_set_new(c2, i, json_string("<TOMBSTONE>"));
                                sl_cli_render_row(&qv->out, &qv->fmt, c2);
                                json_decref(c2);
                        } else {
                                sl_cli_render_row(&qv->out, &qv->fmt, cols);
                        }
                }
        } else if ((v = json_object_get(j, "finalMessage")) != NULL) {
                if (qv->have_header && !sh->json_output)
                        sl_cli_render_row_border(&qv->out, &qv->fmt);
                sl_str_appendf(&qv->out, "%s\n", json_string_value(v));
                qv->finished = true;
        } else if ((v = json_object_get(j, "errorMessage")) != NULL) {
                emit(&qv->out);
                print_failure(0, v);
                qv->failed = true;
        }
        json_decref(j);
        emit(&qv->out);
        return SL_CLI_LINE_USED;
}

/* A pull query: a SELECT without EMIT. It answers at once: no Ctrl-C hint. */
static bool is_pull(const char *stmt)
{
        char w[64];
        const char *p = stmt;
        if (!next_word(&p, w, sizeof w) || !word_is(w, "SELECT"))
                return false;
        while (next_word(&p, w, sizeof w))
                if (word_is(w, "EMIT"))
                        return false;
        return true;
}

/* POSTs `req` to `path` and feeds the streamed answer to on_line(ctx, ...) until it ends or Ctrl-C
 * (then *was_interrupted). False, after printing why, when the server could not be reached or
 * answered an error. */
static bool stream_request(shell *sh, const char *path, json_t *req, sl_cli_line_fn on_line, void *ctx,
                           bool *was_interrupted)
{
        long status = 0;
        char *errbody = NULL;
        char err[256];
        bool ok = false;

        interrupted = 0;
        *was_interrupted = false;
        if (!sl_cli_client_stream(sh->client, path, req, "application/vnd.ksql.v1+json", on_line, ctx, &interrupted,
                                  was_interrupted, &status, &errbody, err, sizeof(err))) {
                fprintf(stderr, "Could not reach the server at %s: %s\n", sl_cli_client_url(sh->client), err);
                goto out;
        }
        if (status != 200) {
                json_t *body = errbody ? json_loads(errbody, 0, NULL) : NULL;
                print_failure(status, body);
                json_decref(body);
                goto out;
        }
        ok = true;
out:
        free(errbody);
        return ok;
}

static bool run_query(shell *sh, const char *stmt)
{
        json_t *req = json_pack("{s:s, s:o, s:o}", "sql", stmt, "properties", kv_json(&sh->props),
                                "sessionVariables", kv_json(&sh->vars));
        query_view qv = {.sh = sh, .pull = is_pull(stmt)};
        char err[256];
        bool was_interrupted, ok = false;

        sl_str_init(&qv.out);
        if (!stream_request(sh, "/query-stream", req, on_query_line, &qv, &was_interrupted))
                goto out;
        if (was_interrupted) {
                if (qv.query_id != NULL && *qv.query_id) {
                        json_t *creq = json_pack("{s:s}", "queryId", qv.query_id);
                        json_t *cbody = NULL;
                        long cstatus = 0;
                        sl_cli_client_post(sh->client, "/close-query", creq, &cstatus, &cbody, err, sizeof(err));
                        json_decref(creq);
                        json_decref(cbody);
                }
                /* the terminal echoed ^C: start a fresh line */
                sl_str_append_char(&qv.out, '\n');
                if (qv.have_header && !sh->json_output)
                        sl_cli_render_row_border(&qv.out, &qv.fmt);
                sl_str_append(&qv.out, "Query terminated\n");
                emit(&qv.out);
                ok = true;
                goto out;
        }
        if (qv.have_header && !qv.finished && !qv.failed && !sh->json_output) {
                sl_cli_render_row_border(&qv.out, &qv.fmt);
                emit(&qv.out);
        }
        ok = !qv.failed;
out:
        interrupted = 0;
        if (qv.have_header)
                sl_cli_rowfmt_deinit(&qv.fmt);
        sl_str_deinit(&qv.out);
        sl_free(qv.query_id);
        json_decref(req);
        return ok;
}

/* PRINT's lines as they come (blank keep-alive lines skipped, as ksqlDB's shell does). */
static int on_print_line(void *ctx, const char *line, size_t len, bool partial)
{
        (void)ctx;
        if (partial)
                return SL_CLI_LINE_SKIP;
        while (len > 0 && line[len - 1] == '\r')
                len--;
        if (len == 0)
                return SL_CLI_LINE_USED;
        fwrite(line, 1, len, stdout);
        fputc('\n', stdout);
        fflush(stdout);
        return SL_CLI_LINE_USED;
}

/* PRINT topic: on /query, as ksqlDB's shell sends it; the server streams text lines until LIMIT or
 * until Ctrl-C, which drops the connection (a PRINT has no query id to close). */
static bool run_print(shell *sh, const char *stmt)
{
        json_t *req = json_pack("{s:s, s:o, s:o}", "ksql", stmt, "streamsProperties", kv_json(&sh->props),
                                "sessionVariables", kv_json(&sh->vars));
        bool was_interrupted, ok = false;

        if (sh->interactive)
                printf("Press CTRL-C to interrupt\n");
        fflush(stdout);
        if (!stream_request(sh, "/query", req, on_print_line, sh, &was_interrupted))
                goto out;
        if (was_interrupted)
                printf("\n");
        printf("Topic printing ceased\n");
        fflush(stdout);
        ok = true;
out:
        interrupted = 0;
        json_decref(req);
        return ok;
}

/* ---- local statements ---- */

static bool run_script_file(shell *sh, const char *path);

static void show_variables(shell *sh)
{
        size_t n = sh->vars.names.len;
        const char **cells = sl_calloc(2 * n + 1, sizeof(char *));
        static const char *const h[] = {"Variable Name", "Value"};
        sl_str s;

        for (size_t i = 0; i < n; i++) {
                cells[2 * i] = SL_VEC_AT(&sh->vars.names, char *, i);
                cells[2 * i + 1] = SL_VEC_AT(&sh->vars.values, char *, i);
        }
        sl_str_init(&s);
        if (sh->json_output) {
                json_t *arr = json_array();
                for (size_t i = 0; i < n; i++)
                        json_array_append_new(arr, json_pack("{s:s, s:s}", "name", cells[2 * i], "value",
                                                             cells[2 * i + 1]));
                char *t = json_dumps(arr, JSON_INDENT(2));
                sl_str_appendf(&s, "%s\n", t);
                free(t);
                json_decref(arr);
        } else {
                sl_cli_render_table(&s, h, 2, cells, n);
        }
        emit(&s);
        sl_str_deinit(&s);
        sl_free(cells);
}

/* Runs one complete statement (';' included). Returns false when it failed. */
static bool run_statement(shell *sh, const char *stmt)
{
        char w1[256], w2[1024], w3[1024], w4[4096];
        const char *p = stmt;

        if (!next_word(&p, w1, sizeof(w1)))
                return true;
        const char *after1 = p;
        bool has2 = next_word(&p, w2, sizeof(w2));
        if (word_is(w1, "SET") && has2) {
                if (!next_word(&p, w3, sizeof(w3)) || strcmp(w3, "=") != 0 || !next_word(&p, w4, sizeof(w4))) {
                        fprintf(stderr, "SET needs 'property' = 'value'\n");
                        return false;
                }
                kv_set(&sh->props, w2, w4);
                printf("Successfully changed local property '%s' to '%s'. Use the UNSET command to revert your "
                       "change.\n", w2, w4);
                fflush(stdout); /* before a later statement's error on stderr, when both go to one file */
                return true;
        }
        if (word_is(w1, "UNSET") && has2) {
                char *old = kv_del(&sh->props, w2);
                if (old == NULL) {
                        fprintf(stderr, "Property '%s' is not set\n", w2);
                        return false;
                }
                printf("Successfully unset local property '%s' (value '%s').\n", w2, old);
                fflush(stdout);
                sl_free(old);
                return true;
        }
        if (word_is(w1, "DEFINE") && has2) {
                if (!next_word(&p, w3, sizeof(w3)) || strcmp(w3, "=") != 0 || !next_word(&p, w4, sizeof(w4))) {
                        fprintf(stderr, "DEFINE needs name = 'value'\n");
                        return false;
                }
                kv_set(&sh->vars, w2, w4);
                return true;
        }
        if (word_is(w1, "UNDEFINE") && has2) {
                char *old = kv_del(&sh->vars, w2);
                if (old == NULL)
                        printf("Cannot undefine variable '%s' which was never defined\n", w2);
                fflush(stdout);
                sl_free(old);
                return true;
        }
        if ((word_is(w1, "SHOW") || word_is(w1, "LIST")) && has2 && word_is(w2, "VARIABLES")) {
                show_variables(sh);
                return true;
        }
        if (word_is(w1, "RUN") && has2 && word_is(w2, "SCRIPT")) {
                if (!next_word(&p, w3, sizeof(w3))) {
                        fprintf(stderr, "RUN SCRIPT needs a file name\n");
                        return false;
                }
                return run_script_file(sh, w3);
        }
        (void)after1;
        if (word_is(w1, "PRINT"))
                return run_print(sh, stmt);
        if (word_is(w1, "SELECT"))
                return run_query(sh, stmt);
        return run_ksql(sh, stmt);
}

/* Runs every statement of `text`; stops at the first failure. */
static bool run_text(shell *sh, const char *text)
{
        size_t pos = 0;
        bool blank;
        char *stmt;

        while ((stmt = sl_cli_next_statement(text, &pos, &blank)) != NULL) {
                bool ok = run_statement(sh, stmt);
                sl_free(stmt);
                if (!ok)
                        return false;
        }
        if (!blank) {
                /* a last statement without ';' runs as it is */
                size_t start = skip_blank(text, pos);
                char *last = sl_asprintf("%s;", text + start);
                bool ok = run_statement(sh, last);
                sl_free(last);
                return ok;
        }
        return true;
}

static char *read_all(FILE *f)
{
        sl_str s;
        char chunk[4096];
        size_t n;

        sl_str_init(&s);
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
                sl_str_append_n(&s, chunk, n);
        return sl_str_detach(&s);
}

static bool run_script_file(shell *sh, const char *path)
{
        FILE *f = fopen(path, "r");
        if (f == NULL) {
                fprintf(stderr, "Cannot read script %s: %s\n", path, strerror(errno));
                return false;
        }
        if (sh->script_depth >= 16) {
                fclose(f);
                fprintf(stderr, "RUN SCRIPT nests too deeply\n");
                return false;
        }
        char *text = read_all(f);
        fclose(f);
        sh->script_depth++;
        bool ok = run_text(sh, text);
        sh->script_depth--;
        sl_free(text);
        return ok;
}

/* ---- interactive ---- */

static const char *const keywords[] = {
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "PARTITION", "WINDOW", "TUMBLING", "HOPPING",
        "SESSION", "SIZE", "ADVANCE", "GRACE", "PERIOD", "RETENTION", "EMIT", "CHANGES", "FINAL", "LIMIT",
        "JOIN", "LEFT", "RIGHT", "FULL", "OUTER", "INNER", "ON", "WITHIN", "AS", "AND", "OR", "NOT", "NULL",
        "IS", "IN", "LIKE", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "END", "CAST", "CREATE", "OR", "REPLACE",
        "STREAM", "STREAMS", "TABLE", "TABLES", "TYPE", "TYPES", "WITH", "KEY", "PRIMARY", "HEADERS", "HEADER",
        "INSERT", "INTO", "VALUES", "DROP", "DELETE", "TOPIC", "TOPICS", "IF", "EXISTS", "SHOW", "LIST",
        "DESCRIBE", "EXTENDED", "FUNCTION", "FUNCTIONS", "PROPERTIES", "QUERIES", "VARIABLES", "EXPLAIN",
        "TERMINATE", "ALL", "PAUSE", "RESUME", "PRINT", "BEGINNING", "SET", "UNSET", "DEFINE", "UNDEFINE",
        "RUN", "SCRIPT", "KAFKA_TOPIC", "VALUE_FORMAT", "KEY_FORMAT", "FORMAT", "PARTITIONS", "TIMESTAMP",
        "BOOLEAN", "INT", "INTEGER", "BIGINT", "DOUBLE", "DECIMAL", "STRING", "VARCHAR", "BYTES", "DATE",
        "TIME", "ARRAY", "MAP", "STRUCT", "EXIT", "HELP", "OUTPUT", "SERVER", "JSON", "TABULAR",
};

static void refresh_names(shell *sh)
{
        for (size_t i = 0; i < sh->names.len; i++)
                sl_free(SL_VEC_AT(&sh->names, char *, i));
        sl_vec_clear(&sh->names);
        json_t *req = json_pack("{s:s}", "ksql", "SHOW STREAMS; SHOW TABLES; SHOW FUNCTIONS;");
        json_t *body = NULL;
        long status = 0;
        char err[256];
        if (sl_cli_client_post(sh->client, "/ksql", req, &status, &body, err, sizeof(err)) && status == 200) {
                static const char *const keys[] = {"streams", "tables", "functions"};
                size_t i, k;
                json_t *ent, *item;
                json_array_foreach(body, i, ent) {
                        for (k = 0; k < 3; k++) {
                                size_t j;
                                json_array_foreach(json_object_get(ent, keys[k]), j, item) {
                                        const char *n = json_string_value(json_object_get(item, "name"));
                                        if (n != NULL) {
                                                char *copy = sl_strdup(n);
                                                sl_vec_push(&sh->names, &copy);
                                        }
                                }
                        }
                }
        }
        json_decref(req);
        json_decref(body);
        sh->names_stale = false;
}

static char *complete_word(const char *text, int state)
{
        static size_t idx;
        static bool lower;
        size_t nkw = sizeof(keywords) / sizeof(keywords[0]);
        size_t len = strlen(text);

        if (state == 0) {
                idx = 0;
                lower = len > 0 && islower((unsigned char)text[0]);
                if (the_shell->names_stale)
                        refresh_names(the_shell);
        }
        while (idx < nkw + the_shell->names.len) {
                size_t i = idx++;
                const char *cand = i < nkw ? keywords[i] : SL_VEC_AT(&the_shell->names, char *, i - nkw);
                if (sl_str_eqn_ci(cand, text, len) && strlen(cand) >= len) {
                        char *r = strdup(cand);
                        if (lower && i < nkw)
                                sl_str_lower(r);
                        return r;
                }
        }
        return NULL;
}

static char **complete(const char *text, int start, int end)
{
        (void)start;
        (void)end;
        return rl_completion_matches(text, complete_word);
}

static void banner(shell *sh)
{
        json_t *body = NULL;
        long status = 0;
        char err[256];

        printf("\n  sluice %s: the shell of the Sluice streaming SQL engine\n\n", SHELL_VERSION);
        if (sl_cli_client_get(sh->client, "/info", &status, &body, err, sizeof(err)) && status == 200) {
                json_t *info = json_object_get(body, "KsqlServerInfo");
                printf("  Server %s, version %s, status %s\n", sl_cli_client_url(sh->client),
                       json_string_value(json_object_get(info, "version")) ?: "?",
                       json_string_value(json_object_get(info, "serverStatus")) ?: "?");
        } else if (status == 401) {
                printf("  Server %s: authentication needed (use -u USER -p PASSWORD)\n", sl_cli_client_url(sh->client));
        } else {
                printf("  Server %s is not reachable: %s\n", sl_cli_client_url(sh->client),
                       status ? "unexpected answer" : err);
        }
        json_decref(body);
        printf("  Statements end with ';'. HELP for help, EXIT or Ctrl-D to leave.\n\n");
}

static void help(void)
{
        puts("Statements (end with ';'): CREATE STREAM/TABLE/TYPE, DROP, SHOW/LIST STREAMS|TABLES|TYPES|FUNCTIONS|\n"
             "PROPERTIES|VARIABLES|QUERIES|TOPICS, DESCRIBE [EXTENDED] name, DESCRIBE FUNCTION name, SELECT ...,\n"
             "PRINT topic, INSERT INTO, TERMINATE, ...\n"
             "Held by the shell and sent with every request:\n"
             "  SET 'property' = 'value';   UNSET 'property';   DEFINE name = 'value';   UNDEFINE name;\n"
             "Shell commands (no ';' needed):\n"
             "  RUN SCRIPT 'file.sql'       run the statements of a file\n"
             "  OUTPUT [JSON|TABULAR]       show or change the output format\n"
             "  SERVER [url]                show or change the server\n"
             "  HISTORY, CLEAR, VERSION, HELP, EXIT (or Ctrl-D)\n"
             "Ctrl-C stops a running push query.");
}

/* Handles a shell command typed at the start of a statement; true when it was one. Sets *quit. */
static bool local_command(shell *sh, const char *line, bool *quit)
{
        char w1[64], w2[1024];
        const char *p = line;

        if (!next_word(&p, w1, sizeof(w1)))
                return false;
        bool has2 = next_word(&p, w2, sizeof(w2));
        char extra[8];
        if (next_word(&p, extra, sizeof(extra)))
                return false;
        if ((word_is(w1, "EXIT") || word_is(w1, "QUIT")) && !has2) {
                *quit = true;
        } else if (word_is(w1, "HELP") && !has2) {
                help();
        } else if (word_is(w1, "VERSION") && !has2) {
                printf("sluice %s\n", SHELL_VERSION);
        } else if (word_is(w1, "CLEAR") && !has2) {
                printf("\033[H\033[2J");
        } else if (word_is(w1, "HISTORY") && !has2) {
                for (int i = history_base; i < history_base + history_length; i++) {
                        HIST_ENTRY *h = history_get(i);
                        if (h != NULL)
                                printf("%5d  %s\n", i, h->line);
                }
        } else if (word_is(w1, "OUTPUT")) {
                if (has2 && word_is(w2, "JSON"))
                        sh->json_output = true;
                else if (has2 && word_is(w2, "TABULAR"))
                        sh->json_output = false;
                else if (has2)
                        return false;
                printf("Output format: %s\n", sh->json_output ? "JSON" : "TABULAR");
        } else if (word_is(w1, "SERVER")) {
                if (has2) {
                        sl_cli_client *c = sl_cli_client_new(w2, NULL, NULL);
                        sl_cli_client_free(sh->client);
                        sh->client = c;
                        sh->names_stale = true;
                }
                printf("Server: %s\n", sl_cli_client_url(sh->client));
        } else {
                return false;
        }
        fflush(stdout);
        return true;
}

static int interactive_loop(shell *sh)
{
        char *hist = NULL;
        const char *home = getenv("HOME");
        sl_str pending;
        bool quit = false;
        char *last_hist = NULL;

        if (home != NULL) {
                hist = sl_asprintf("%s/.sluice_history", home);
                read_history(hist);
        }
        stifle_history(1000);
        rl_catch_signals = 0;
        rl_attempted_completion_function = complete;
        the_shell = sh;
        banner(sh);
        sl_str_init(&pending);
        while (!quit) {
                interrupted = 0;
                char *line = readline(sl_str_len(&pending) ? "      > " : "sluice> ");
                if (line == NULL) {
                        if (interrupted) {
                                /* Ctrl-C at the prompt drops the statement being typed */
                                sl_str_reset(&pending);
                                printf("\n");
                                continue;
                        }
                        printf("\n");
                        break;
                }
                if (*line && (last_hist == NULL || strcmp(last_hist, line) != 0)) {
                        add_history(line);
                        sl_free(last_hist);
                        last_hist = sl_strdup(line);
                        if (hist != NULL)
                                write_history(hist);
                }
                if (sl_str_len(&pending) == 0) {
                        char *trim = sl_strdup(line);
                        size_t n = strlen(trim);
                        while (n > 0 && (trim[n - 1] == ';' || isspace((unsigned char)trim[n - 1])))
                                trim[--n] = '\0';
                        bool handled = local_command(sh, trim, &quit);
                        sl_free(trim);
                        if (handled) {
                                free(line);
                                continue;
                        }
                }
                sl_str_append(&pending, line);
                sl_str_append_char(&pending, '\n');
                free(line);
                size_t pos = 0;
                bool blank;
                char *stmt;
                const char *text = sl_str_cstr(&pending);
                while ((stmt = sl_cli_next_statement(text, &pos, &blank)) != NULL) {
                        run_statement(sh, stmt);
                        sl_free(stmt);
                }
                /* keep what follows the last complete statement */
                char *rest = sl_strdup(text + pos);
                sl_str_reset(&pending);
                size_t rs = skip_blank(rest, 0);
                if (rest[rs] != '\0')
                        sl_str_append(&pending, rest);
                sl_free(rest);
        }
        sl_str_deinit(&pending);
        sl_free(last_hist);
        sl_free(hist);
        return 0;
}

static void usage(void)
{
        puts("usage: sluice [options] [server-url]     (default http://127.0.0.1:8088)\n"
             "  -f, --file FILE          run the statements of FILE and exit\n"
             "  -e, --execute STMTS      run the statements and exit\n"
             "  -d, --define NAME=VALUE  define a variable (repeatable)\n"
             "  -u, --user USER          basic authentication user\n"
             "  -p, --password PASSWORD  basic authentication password\n"
             "      --output JSON|TABULAR\n"
             "  -h, --help, --version\n"
             "Without a terminal on standard input, the input is run as a script.");
}

int sl_cli_main(int argc, char **argv)
{
        static const struct option opts[] = {
                {"file", required_argument, NULL, 'f'},     {"execute", required_argument, NULL, 'e'},
                {"define", required_argument, NULL, 'd'},   {"user", required_argument, NULL, 'u'},
                {"password", required_argument, NULL, 'p'}, {"output", required_argument, NULL, 'o'},
                {"help", no_argument, NULL, 'h'},           {"version", no_argument, NULL, 'V'},
                {NULL, 0, NULL, 0},
        };
        shell sh = {0};
        const char *file = NULL, *exec = NULL, *user = NULL, *password = NULL;
        int c, status = 0;

        kv_init(&sh.props, false);
        kv_init(&sh.vars, true);
        sl_vec_init(&sh.names, sizeof(char *));
        sh.names_stale = true;
        while ((c = getopt_long(argc, argv, "f:e:d:u:p:h", opts, NULL)) != -1) {
                switch (c) {
                case 'f': file = optarg; break;
                case 'e': exec = optarg; break;
                case 'u': user = optarg; break;
                case 'p': password = optarg; break;
                case 'o':
                        if (sl_str_eq_ci(optarg, "JSON"))
                                sh.json_output = true;
                        else if (!sl_str_eq_ci(optarg, "TABULAR")) {
                                fprintf(stderr, "sluice: --output is JSON or TABULAR\n");
                                status = 2;
                                goto out;
                        }
                        break;
                case 'd': {
                        char *eq = strchr(optarg, '=');
                        if (eq == NULL) {
                                fprintf(stderr, "sluice: --define needs NAME=VALUE\n");
                                status = 2;
                                goto out;
                        }
                        *eq = '\0';
                        kv_set(&sh.vars, optarg, eq + 1);
                        *eq = '=';
                        break;
                }
                case 'h': usage(); goto out;
                case 'V': printf("sluice %s\n", SHELL_VERSION); goto out;
                default: usage(); status = 2; goto out;
                }
        }
        const char *url = optind < argc ? argv[optind] : "http://127.0.0.1:8088";
        if (optind + 1 < argc) {
                usage();
                status = 2;
                goto out;
        }
        sh.client = sl_cli_client_new(url, user, password);
        struct sigaction sa = {0};
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        if (exec != NULL) {
                status = run_text(&sh, exec) ? 0 : 1;
        } else if (file != NULL) {
                status = run_script_file(&sh, file) ? 0 : 1;
        } else if (isatty(STDIN_FILENO)) {
                sh.interactive = true;
                status = interactive_loop(&sh);
        } else {
                char *text = read_all(stdin);
                status = run_text(&sh, text) ? 0 : 1;
                sl_free(text);
        }
out:
        sl_cli_client_free(sh.client);
        kv_deinit(&sh.props);
        kv_deinit(&sh.vars);
        for (size_t i = 0; i < sh.names.len; i++)
                sl_free(SL_VEC_AT(&sh.names, char *, i));
        sl_vec_deinit(&sh.names);
        return status;
}
