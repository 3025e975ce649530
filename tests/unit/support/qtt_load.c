/* qtt_load.c: reading query-validation test files: whole-file reads, comment stripping, and the
 * text substitution the cases need ("{FORMAT}"). */
#include "qtt_load.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/str.h"

char *sl_test_file_read(const char *path)
{
        FILE *f = fopen(path, "rb");
        sl_str s;
        char buf[8192];
        size_t n;

        if (!f)
                return NULL;
        sl_str_init(&s);
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                sl_str_append_n(&s, buf, n);
        fclose(f);
        return sl_str_detach(&s);
}

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
