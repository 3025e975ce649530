/* qtt_load.c: reading query-validation test files: comment stripping, and the text substitution the
 * cases need ("{FORMAT}"), and the schema normalisation for comparing post-conditions. Whole files
 * are read with sl_str_read_file. */
#include "qtt_load.h"

#include <stdbool.h>
#include <string.h>

#include "common/str.h"

void sl_test_qtt_strip_comments(char *s)
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

char *sl_test_str_replace_all(const char *s, const char *from, const char *to)
{
        sl_str o;
        size_t fl = strlen(from);

        sl_str_init(&o);
        while (*s) {
                if (strncmp(s, from, fl) == 0) {
                        sl_str_append(&o, to);
                        s += fl;
                } else {
                        sl_str_append_char(&o, *s++);
                }
        }
        return sl_str_detach(&o);
}

char *sl_test_qtt_normalize_schema(const char *in)
{
        sl_str s, w;
        char *r, *pk;

        sl_str_init(&s);
        sl_str_init(&w);
        for (const char *p = in;; p++) {
                char c = *p;
                bool word = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';

                if (word) {
                        sl_str_append_char(&w, (char)(c >= 'a' && c <= 'z' ? c - 32 : c));
                        continue;
                }
                if (sl_str_len(&w)) {
                        const char *t = sl_str_cstr(&w);

                        sl_str_append(&s, strcmp(t, "INT") == 0 ? "INTEGER" : strcmp(t, "VARCHAR") == 0 ? "STRING" : t);
                        sl_str_reset(&w);
                }
                if (!c)
                        break;
                if (c == '`')
                        continue;
                if (c == ' ' || c == ',' || c == '<' || c == '>' || c == '(' || c == ')') {
                        size_t n = sl_str_len(&s);

                        while (n && sl_str_cstr(&s)[n - 1] == ' ')
                                s.buf.data[--n] = '\0', s.buf.len = n;
                        if (c == ' ') {
                                if (n)
                                        sl_str_append_char(&s, ' ');
                        } else {
                                sl_str_append_char(&s, c);
                                if (c == ',')
                                        sl_str_append_char(&s, ' ');
                                while (p[1] == ' ')
                                        p++;
                        }
                        continue;
                }
                sl_str_append_char(&s, c);
        }
        sl_str_deinit(&w);
        r = sl_str_detach(&s);
        while ((pk = strstr(r, "PRIMARY KEY")) != NULL)
                memmove(pk, pk + 8, strlen(pk + 8) + 1);
        return r;
}
