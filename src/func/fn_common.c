/* fn_common.c: helpers the function families share (func_int.h): UTF-8 walking, Java's rendering
 * of values in string functions, and Java-style regular expressions translated to POSIX ERE. */
#include "func/func_int.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>

#include "common/mem.h"

bool sl_func_str_eq_ci(const sl_value *v, const char *s)
{
        size_t n = strlen(s);
        return v->len == n && sl_str_eqn_ci((const char *)v->u.bytes, s, n);
}

uint32_t sl_func_utf8_decode(const char *p, size_t len, size_t *adv)
{
        const unsigned char *u = (const unsigned char *)p;
        size_t n = u[0] < 0x80 ? 1 : (u[0] >> 5) == 6 ? 2 : (u[0] >> 4) == 14 ? 3 : (u[0] >> 3) == 30 ? 4 : 0;
        if (n == 0 || n > len) {
                *adv = 1;
                return u[0];
        }
        uint32_t cp = n == 1 ? u[0] : n == 2 ? (u[0] & 0x1f) : n == 3 ? (u[0] & 0x0f) : (u[0] & 0x07);
        for (size_t i = 1; i < n; i++) {
                if ((u[i] & 0xc0) != 0x80) {
                        *adv = 1;
                        return u[0];
                }
                cp = (cp << 6) | (u[i] & 0x3f);
        }
        *adv = n;
        return cp;
}

size_t sl_func_utf8_count(const char *p, size_t len)
{
        size_t n = 0, i = 0, adv;
        while (i < len) {
                sl_func_utf8_decode(p + i, len - i, &adv);
                i += adv;
                n++;
        }
        return n;
}

size_t sl_func_utf8_offset(const char *p, size_t len, size_t cp)
{
        size_t i = 0, adv;
        while (i < len && cp > 0) {
                sl_func_utf8_decode(p + i, len - i, &adv);
                i += adv;
                cp--;
        }
        return i;
}

void sl_func_utf8_append(sl_str *s, uint32_t cp)
{
        char b[4];
        if (cp < 0x80) {
                sl_str_append_char(s, (char)cp);
        } else if (cp < 0x800) {
                b[0] = (char)(0xc0 | (cp >> 6));
                b[1] = (char)(0x80 | (cp & 0x3f));
                sl_str_append_n(s, b, 2);
        } else if (cp < 0x10000) {
                b[0] = (char)(0xe0 | (cp >> 12));
                b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
                b[2] = (char)(0x80 | (cp & 0x3f));
                sl_str_append_n(s, b, 3);
        } else {
                b[0] = (char)(0xf0 | (cp >> 18));
                b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
                b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
                b[3] = (char)(0x80 | (cp & 0x3f));
                sl_str_append_n(s, b, 4);
        }
}

void sl_func_append_value(sl_str *s, const sl_value *v)
{
        sl_value_format(s, v);
}

/* ---- regular expressions ---- */

/* Translates a Java pattern to POSIX ERE; sets *icase for a leading (?i). POSIX has no
 * non-capturing groups, so (?:...) becomes a group and re->map keeps Java's numbering. */
static void translate_regex(sl_str *out, const char *p, size_t len, int *icase, sl_func_regex *re)
{
        size_t i = 0, posix = 0;
        bool in_class = false;
        re->ngroups = 0;
        re->map[0] = 0;
        *icase = 0;
        if (len >= 4 && memcmp(p, "(?i)", 4) == 0) {
                *icase = 1;
                i = 4;
        }
        for (; i < len; i++) {
                char c = p[i];
                if (c == '\\' && i + 1 < len) {
                        char n = p[++i];
                        const char *cls = NULL, *incls = NULL;
                        switch (n) {
                        case 'd': cls = "[0-9]"; incls = "0-9"; break;
                        case 'D': cls = "[^0-9]"; break;
                        case 's': cls = "[[:space:]]"; incls = "[:space:]"; break;
                        case 'S': cls = "[^[:space:]]"; break;
                        case 'w': cls = "[[:alnum:]_]"; incls = "[:alnum:]_"; break;
                        case 'W': cls = "[^[:alnum:]_]"; break;
                        case 't': cls = incls = "\t"; break;
                        case 'n': cls = incls = "\n"; break;
                        case 'r': cls = incls = "\r"; break;
                        default: break;
                        }
                        if (in_class) {
                                if (incls)
                                        sl_str_append(out, incls);
                                else
                                        sl_str_append_char(out, n);
                        } else if (cls) {
                                sl_str_append(out, cls);
                        } else if (n == 'b' || n == 'B') {
                                sl_str_append_char(out, '\\');  /* word boundaries: a GNU extension */
                                sl_str_append_char(out, n);
                        } else if (isalnum((unsigned char)n)) {
                                sl_str_append_char(out, n);  /* unknown escape: the letter */
                        } else {
                                sl_str_append_char(out, '\\');
                                sl_str_append_char(out, n);
                        }
                        continue;
                }
                if (in_class) {
                        if (c == ']')
                                in_class = false;
                        sl_str_append_char(out, c);
                        continue;
                }
                if (c == '[') {
                        in_class = true;
                        sl_str_append_char(out, c);
                        if (i + 1 < len && p[i + 1] == '^')
                                sl_str_append_char(out, p[++i]);
                        if (i + 1 < len && p[i + 1] == ']')
                                sl_str_append_char(out, p[++i]);
                        continue;
                }
                if (c == '(' && i + 2 < len && p[i + 1] == '?' && p[i + 2] == ':') {
                        sl_str_append_char(out, '(');
                        posix++;
                        i += 2;
                        continue;
                }
                if (c == '(') {
                        posix++;
                        re->ngroups++;
                        if (re->ngroups <= SL_FUNC_REGEX_MAX_GROUPS)
                                re->map[re->ngroups] = (uint8_t)(posix < 255 ? posix : 255);
                }
                if ((c == '?' || c == '+') && i > 0 && (p[i - 1] == '*' || p[i - 1] == '+' || p[i - 1] == '?' ||
                                                        p[i - 1] == '}')) {
                        continue;  /* lazy / possessive quantifier: POSIX has only greedy */
                }
                sl_str_append_char(out, c);
        }
}

bool sl_func_regex_compile(sl_func_regex *re, const char *pattern, size_t len)
{
        sl_str s;
        int icase;
        sl_str_init(&s);
        translate_regex(&s, pattern, len, &icase, re);
        regex_t *rx = sl_malloc(sizeof *rx);
        int rc = regcomp(rx, sl_str_cstr(&s), REG_EXTENDED | (icase ? REG_ICASE : 0));
        sl_str_deinit(&s);
        if (rc != 0) {
                sl_free(rx);
                re->impl = NULL;
                return false;
        }
        re->impl = rx;
        return true;
}

void sl_func_regex_free(sl_func_regex *re)
{
        if (re->impl) {
                regfree(re->impl);
                sl_free(re->impl);
                re->impl = NULL;
        }
}

size_t sl_func_regex_groups(const sl_func_regex *re)
{
        return re->ngroups < SL_FUNC_REGEX_MAX_GROUPS ? re->ngroups : SL_FUNC_REGEX_MAX_GROUPS;
}

bool sl_func_regex_find(const sl_func_regex *re, const char *text, size_t len, size_t from, long *starts,
                        long *ends, size_t nm)
{
        regmatch_t m[256];
        size_t want = ((const regex_t *)re->impl)->re_nsub + 1;
        if (want > 256)
                want = 256;
        if (from > len)
                return false;
        m[0].rm_so = (regoff_t)from;
        m[0].rm_eo = (regoff_t)len;
        int flags = REG_STARTEND | (from > 0 ? REG_NOTBOL : 0);
        /* REG_STARTEND never reads past rm_eo, so `text` needs no terminator */
        if (regexec(re->impl, text ? text : "", want, m, flags) != 0)
                return false;
        for (size_t i = 0; i < nm; i++) {
                size_t k = i == 0 ? 0 : i <= sl_func_regex_groups(re) ? re->map[i] : want;
                starts[i] = k < want ? (long)m[k].rm_so : -1;
                ends[i] = k < want ? (long)m[k].rm_eo : -1;
        }
        return true;
}
