/* qtt_load.c: reading query-validation test files: comment stripping, and the text substitution the
 * cases need ("{FORMAT}"). Whole files are read with sl_str_read_file. */
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
