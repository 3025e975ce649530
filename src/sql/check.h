/* check.h: the offline drivers behind `sluiced --check FILE.sql` and `sluiced --format FILE.sql`.
 * --check parses a script, applies its DDL in order to an in-memory catalog and analyzes every
 * statement, printing each error as `FILE:line:col: message`; a syntax error skips only its own
 * statement. --format prints the canonical SQL of each statement, one per line. */
#ifndef SL_SQL_CHECK_H
#define SL_SQL_CHECK_H

#include <stdio.h>

#include "func/registry.h"

/* Checks the script text `text` (named `name` in messages) and writes errors to `out`. `reg` may
 * be NULL (the built-in registry is then created). Returns the number of invalid statements. */
int sl_sql_check_text(const char *name, const char *text, const sl_func_registry *reg, FILE *out);
/* Checks the file at `path`. Returns the exit status: 0 when every statement is valid, 1 when
 * some statement is not or the file cannot be read (the reason goes to `out`). */
int sl_sql_check_file(const char *path, FILE *out);
/* Prints the canonical SQL of every statement of the file to `out`, one per line; syntax errors
 * go to `err` as in --check. Returns 0, or 1 when a statement did not parse or the file cannot
 * be read. */
int sl_sql_format_file(const char *path, FILE *out, FILE *err);

#endif
