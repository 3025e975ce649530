/* str.c: the string builder (a thin layer over sl_buf) and ASCII case helpers for SQL names. */
#include "common/str.h"

#include <stdio.h>
#include <string.h>

#include "common/mem.h"

void sl_str_init(sl_str *s)
{
        sl_buf_init(&s->buf);
}

void sl_str_deinit(sl_str *s)
{
        sl_buf_deinit(&s->buf);
}

void sl_str_reset(sl_str *s)
{
        sl_buf_reset(&s->buf);
}

const char *sl_str_cstr(const sl_str *s)
{
        return s->buf.data ? (const char *)s->buf.data : "";
}

size_t sl_str_len(const sl_str *s)
{
        return s->buf.len;
}

char *sl_str_detach(sl_str *s)
{
        return (char *)sl_buf_detach(&s->buf, NULL);
}

void sl_str_append_n(sl_str *s, const char *text, size_t len)
{
        sl_buf_append(&s->buf, text, len);
}

void sl_str_append(sl_str *s, const char *text)
{
        sl_str_append_n(s, text, strlen(text));
}

void sl_str_append_char(sl_str *s, char c)
{
        sl_buf_append_u8(&s->buf, (uint8_t)c);
}

void sl_str_appendv(sl_str *s, const char *fmt, va_list ap)
{
        va_list ap2;
        va_copy(ap2, ap);
        int n = vsnprintf(NULL, 0, fmt, ap);
        if (n > 0) {
                sl_buf_reserve(&s->buf, (size_t)n);
                vsnprintf((char *)s->buf.data + s->buf.len, (size_t)n + 1, fmt, ap2);
                s->buf.len += (size_t)n;
        }
        va_end(ap2);
}

void sl_str_appendf(sl_str *s, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        sl_str_appendv(s, fmt, ap);
        va_end(ap);
}

void sl_str_append_sql_quoted(sl_str *s, const char *text, size_t len)
{
        sl_str_append_char(s, '\'');
        for (size_t i = 0; i < len; i++) {
                if (text[i] == '\'')
                        sl_str_append_char(s, '\'');
                sl_str_append_char(s, text[i]);
        }
        sl_str_append_char(s, '\'');
}

static int lower(int c)
{
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int sl_str_cmp_ci(const char *a, const char *b)
{
        for (;; a++, b++) {
                int ca = lower((unsigned char)*a), cb = lower((unsigned char)*b);
                if (ca != cb || ca == 0)
                        return ca - cb;
        }
}

bool sl_str_eq_ci(const char *a, const char *b)
{
        return sl_str_cmp_ci(a, b) == 0;
}

bool sl_str_eqn_ci(const char *a, const char *b, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                int ca = lower((unsigned char)a[i]), cb = lower((unsigned char)b[i]);
                if (ca != cb)
                        return false;
                if (ca == 0)
                        return true;
        }
        return true;
}

void sl_str_upper(char *s)
{
        for (; *s; s++)
                if (*s >= 'a' && *s <= 'z')
                        *s = (char)(*s - 32);
}

void sl_str_lower(char *s)
{
        for (; *s; s++)
                *s = (char)lower((unsigned char)*s);
}

bool sl_str_starts_with(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool sl_str_ends_with(const char *s, const char *suffix)
{
        size_t n = strlen(s), m = strlen(suffix);
        return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

char *sl_str_read_file(const char *path)
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
