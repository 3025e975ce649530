/* str.h: a string builder on top of sl_buf, and the string helpers SQL needs (ASCII case folding,
 * case-insensitive compare). Strings are UTF-8 byte sequences; nothing here decodes code points. */
#ifndef SL_COMMON_STR_H
#define SL_COMMON_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

/* A text builder; `buf.data` is NUL-terminated whenever non-empty. */
typedef struct sl_str {
        sl_buf buf;
} sl_str;

void sl_str_init(sl_str *s);
void sl_str_deinit(sl_str *s);
void sl_str_reset(sl_str *s);
/* The text so far, "" when empty; valid until the next change. */
const char *sl_str_cstr(const sl_str *s);
size_t sl_str_len(const sl_str *s);
/* Hands the text to the caller (free with sl_free); `s` is left empty. Never NULL. */
char *sl_str_detach(sl_str *s);

void sl_str_append(sl_str *s, const char *text);
void sl_str_append_n(sl_str *s, const char *text, size_t len);
void sl_str_append_char(sl_str *s, char c);
void sl_str_appendf(sl_str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sl_str_appendv(sl_str *s, const char *fmt, va_list ap);
/* Appends `text` in single quotes, doubling embedded quotes (SQL string literal). */
void sl_str_append_sql_quoted(sl_str *s, const char *text, size_t len);
/* The whole file at `path` as a NUL-terminated string (free with sl_free); NULL with errno set when
 * it cannot be opened. */
char *sl_str_read_file(const char *path);

/* ASCII-only case folding and comparison (SQL identifiers and keywords). */
bool sl_str_eq_ci(const char *a, const char *b);
bool sl_str_eqn_ci(const char *a, const char *b, size_t n);
int sl_str_cmp_ci(const char *a, const char *b);
/* In-place upper/lower-casing of ASCII letters. */
void sl_str_upper(char *s);
void sl_str_lower(char *s);
bool sl_str_starts_with(const char *s, const char *prefix);
bool sl_str_ends_with(const char *s, const char *suffix);

#endif
