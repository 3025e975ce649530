/* cli.h: the `sluice` shell, a pure REST client of sluiced: the HTTP client (client.c), the
 * renderer of ksqlDB's JSON entities as the ksql shell shows them (render.c), and the shell itself
 * (repl.c: statements, local commands, line editing, push query display). */
#ifndef SL_CLI_CLI_H
#define SL_CLI_CLI_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "common/str.h"

/* ---- client.c ---- */
typedef struct sl_cli_client sl_cli_client;

/* A client of the server at `url` ("http://host:port"); `user`/`password` may be NULL. */
sl_cli_client *sl_cli_client_new(const char *url, const char *user, const char *password);
void sl_cli_client_free(sl_cli_client *c);
const char *sl_cli_client_url(const sl_cli_client *c);
/* GET `path`: on success *status is the HTTP status and *body the parsed JSON (caller decrefs,
 * NULL when the body is not JSON); false with `errbuf` filled when the server cannot be reached. */
bool sl_cli_client_get(sl_cli_client *c, const char *path, long *status, json_t **body, char *errbuf,
                       size_t errlen);
/* POST `req` (borrowed) as JSON to `path`; as sl_cli_client_get. */
bool sl_cli_client_post(sl_cli_client *c, const char *path, json_t *req, long *status, json_t **body,
                        char *errbuf, size_t errlen);
/* Called with each complete line of a streamed response (without the newline), and with the
 * incomplete last line (`partial`) after every piece that arrives: the /query format ends a row's
 * line only when the next row comes, so a row must show as soon as it is complete JSON. Returns
 * SL_CLI_LINE_STOP to stop, SL_CLI_LINE_USED when it used the text (a used partial line is
 * dropped), SL_CLI_LINE_SKIP otherwise. */
enum { SL_CLI_LINE_STOP = -1, SL_CLI_LINE_SKIP = 0, SL_CLI_LINE_USED = 1 };
typedef int (*sl_cli_line_fn)(void *ctx, const char *line, size_t len, bool partial);
/* POSTs `req` to `path` with Accept `accept` and feeds the response to `on_line` line by line as it
 * arrives. Stops early when `*interrupted` becomes non-zero (then *was_interrupted is true). The
 * HTTP status lands in *status; a non-2xx body is returned whole in *errbody (caller frees). */
bool sl_cli_client_stream(sl_cli_client *c, const char *path, json_t *req, const char *accept,
                          sl_cli_line_fn on_line, void *ctx, volatile sig_atomic_t *interrupted,
                          bool *was_interrupted, long *status, char **errbody, char *errbuf, size_t errlen);

/* ---- render.c ---- */
/* Boxed tables of the ksql shell:  " A | B " / dashes. `cells` is nrows x ncols, row-major. */
void sl_cli_render_table(sl_str *out, const char *const *headers, size_t ncols, const char *const *cells,
                         size_t nrows);
/* One /ksql entity in TABULAR form. */
void sl_cli_render_entity(sl_str *out, json_t *ent);
/* A ksqlDB error body (generic_error/statement_error): its message. */
void sl_cli_render_error(sl_str *out, json_t *err, long status);
/* A schema object ({"type","fields","memberSchema"}) as SQL text: ARRAY<STRUCT<`A` INTEGER>>. */
void sl_cli_render_schema(sl_str *out, json_t *schema);
/* Push/pull rows in the +---+ frame: the header (column names) and one row at a time. `widths`
 * is computed once from the names and the terminal width. */
typedef struct sl_cli_rowfmt {
        size_t ncols;
        size_t *widths;   /* heap */
} sl_cli_rowfmt;
void sl_cli_rowfmt_init(sl_cli_rowfmt *fmt, json_t *names, int term_width);
void sl_cli_rowfmt_deinit(sl_cli_rowfmt *fmt);
void sl_cli_render_row_border(sl_str *out, const sl_cli_rowfmt *fmt);
/* A row of values (JSON array); strings print bare, NULL as "null"; long cells wrap. */
void sl_cli_render_row(sl_str *out, const sl_cli_rowfmt *fmt, json_t *values);

/* ---- repl.c ---- */
/* The shell's entry point (bin/sluice.c calls it). Returns the process exit status. */
int sl_cli_main(int argc, char **argv);

/* Splits off the next complete statement of `text` starting at *pos: up to a ';' outside quotes and
 * comments. Returns a heap copy (trimmed, ';' included) and advances *pos, or NULL when the rest
 * holds no complete statement (*pos unchanged; `rest_blank` tells if only blanks/comments remain). */
char *sl_cli_next_statement(const char *text, size_t *pos, bool *rest_blank);

#endif
