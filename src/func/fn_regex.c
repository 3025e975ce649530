/* fn_regex.c: ksqlDB's REGULAR_EXPRESSION functions over Java-style patterns (translated to POSIX
 * ERE by sl_func_regex_compile; lazy quantifiers become greedy and back-references are not
 * supported). A pattern that does not compile is an error, as in ksqlDB; no match gives NULL
 * (REGEXP_EXTRACT) or an empty array (REGEXP_EXTRACT_ALL). Empty matches advance by one character,
 * as java.util.regex.Matcher does. */
#include <pthread.h>

#include "common/mem.h"
#include "func/func_int.h"

#define N SL_FUNC_NULL_IN_NULL_OUT
#define MAXG (SL_FUNC_REGEX_MAX_GROUPS + 1)

/* A compiled pattern. */
typedef struct regex_cache {
        char *pattern;       /* the pattern text, heap */
        size_t len;          /* its length */
        sl_func_regex re;    /* compiled */
} regex_cache;

static void regex_cache_free(void *p)
{
        regex_cache *c = p;
        sl_func_regex_free(&c->re);
        sl_free(c->pattern);
        sl_free(c);
}

/* The last patterns this thread compiled, most recent first. The evaluator's call ctx lives for
 * one call only (sql/expr_eval.c), so a cache in it compiled a constant pattern once per row
 * (bench/nexmark q21: regcomp was most of the time). Freed when the thread exits. */
#define THREAD_PATTERNS 8
typedef struct thread_patterns {
        regex_cache *slot[THREAD_PATTERNS];  /* NULL after the last one */
} thread_patterns;

static pthread_key_t patterns_key;
static pthread_once_t patterns_once = PTHREAD_ONCE_INIT;
static __thread thread_patterns *patterns;  /* also a root for the leak checker */

static void patterns_free(void *p)
{
        thread_patterns *tp = p;
        for (int i = 0; i < THREAD_PATTERNS && tp->slot[i]; i++)
                regex_cache_free(tp->slot[i]);
        sl_free(tp);
        patterns = NULL;
}

static void patterns_key_init(void)
{
        pthread_key_create(&patterns_key, patterns_free);
}

/* The compiled form of `pat`, from this thread's patterns or compiled now; an error for a bad
 * pattern. Valid until this thread compiles THREAD_PATTERNS other patterns. */
static sl_err compile(sl_func_ctx *ctx, const sl_value *pat, const sl_func_regex **re)
{
        thread_patterns *tp = patterns;
        regex_cache *c;
        if (!tp) {
                pthread_once(&patterns_once, patterns_key_init);
                tp = patterns = sl_calloc(1, sizeof *tp);
                pthread_setspecific(patterns_key, tp);
        }
        for (int i = 0; i < THREAD_PATTERNS && (c = tp->slot[i]); i++)
                if (c->len == pat->len && (!pat->len || memcmp(c->pattern, fn_sp(pat), pat->len) == 0)) {
                        memmove(&tp->slot[1], &tp->slot[0], (size_t)i * sizeof *tp->slot);
                        tp->slot[0] = c;
                        *re = &c->re;
                        return SL_OK;
                }
        sl_func_regex fresh;
        if (!sl_func_regex_compile(&fresh, fn_sp(pat), pat->len))
                return sl_err_set(ctx->err, SL_ERR_FUNCTION, "Invalid regular expression pattern: %.*s", (int)pat->len,
                                  fn_sp(pat));
        c = sl_calloc(1, sizeof *c);
        c->pattern = sl_strndup(pat->len ? fn_sp(pat) : "", pat->len);
        c->len = pat->len;
        c->re = fresh;
        if (tp->slot[THREAD_PATTERNS - 1])
                regex_cache_free(tp->slot[THREAD_PATTERNS - 1]);
        memmove(&tp->slot[1], &tp->slot[0], (THREAD_PATTERNS - 1) * sizeof *tp->slot);
        tp->slot[0] = c;
        *re = &c->re;
        return SL_OK;
}

/* Byte length of the character at p[i] (1 at the end). */
static size_t char_len(const char *p, size_t len, size_t i)
{
        size_t adv = 1;
        if (i < len)
                sl_func_utf8_decode(p + i, len - i, &adv);
        return adv;
}

/* REGEXP_EXTRACT(pattern, input [, group]). */
static sl_err fn_regexp_extract(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        const sl_func_regex *re = NULL;
        long s[MAXG], e[MAXG];
        int64_t g = n > 2 ? a[2].u.i32 : 0;
        sl_err rc = compile(ctx, &a[0], &re);
        if (rc)
                return rc;
        if (g >= 0 && (size_t)g <= sl_func_regex_groups(re) && g < MAXG &&
            sl_func_regex_find(re, fn_sp(&a[1]), a[1].len, 0, s, e, MAXG) && s[g] >= 0)
                *out = fn_str(ctx, fn_sp(&a[1]) + s[g], (size_t)(e[g] - s[g]));
        return SL_OK;
}

/* REGEXP_EXTRACT_ALL(pattern, input [, group]). */
static sl_err fn_regexp_extract_all(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        const sl_func_regex *re = NULL;
        long s[MAXG], e[MAXG];
        int64_t g = n > 2 ? a[2].u.i32 : 0;
        const char *p = fn_sp(&a[1]);
        size_t len = a[1].len, pos = 0;
        sl_vec found;
        sl_err rc = compile(ctx, &a[0], &re);
        if (rc)
                return rc;
        if (g < 0 || (size_t)g > sl_func_regex_groups(re) || g >= MAXG) {
                        return SL_OK;
        }
        sl_vec_init(&found, sizeof(sl_value));
        while (pos <= len && sl_func_regex_find(re, p, len, pos, s, e, MAXG)) {
                sl_value v = s[g] >= 0 ? fn_str(ctx, p + s[g], (size_t)(e[g] - s[g])) : sl_value_null();
                sl_vec_push(&found, &v);
                pos = e[0] > s[0] ? (size_t)e[0] : (size_t)e[0] + char_len(p, len, (size_t)e[0]);
        }
        sl_value *items;
        *out = fn_comp_new(ctx, found.len, &items);
        if (found.len)
                memcpy(items, found.items, found.len * sizeof *items);
        sl_vec_deinit(&found);
        return SL_OK;
}

/* Appends a Java replacement string: $n inserts group n, backslash escapes the next character. */
static void append_replacement(sl_str *b, const sl_value *rep, const char *text, const long *s, const long *e,
                               size_t ngroups)
{
        const char *r = fn_sp(rep);
        for (size_t i = 0; i < rep->len; i++) {
                if (r[i] == '\\' && i + 1 < rep->len) {
                        sl_str_append_char(b, r[++i]);
                } else if (r[i] == '$' && i + 1 < rep->len && r[i + 1] >= '0' && r[i + 1] <= '9') {
                        size_t g = (size_t)(r[++i] - '0');
                        if (g <= ngroups && g < MAXG && s[g] >= 0)
                                sl_str_append_n(b, text + s[g], (size_t)(e[g] - s[g]));
                } else {
                        sl_str_append_char(b, r[i]);
                }
        }
}

/* REGEXP_REPLACE(input, pattern, replacement): every match. */
static sl_err fn_regexp_replace(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        const sl_func_regex *re = NULL;
        long s[MAXG], e[MAXG];
        const char *p = fn_sp(&a[0]);
        size_t len = a[0].len, pos = 0, last = 0;
        sl_err rc = compile(ctx, &a[1], &re);
        if (rc)
                return rc;
        size_t ng = sl_func_regex_groups(re);
        sl_str b;
        sl_str_init(&b);
        while (pos <= len && sl_func_regex_find(re, p, len, pos, s, e, MAXG)) {
                sl_str_append_n(&b, p + last, (size_t)s[0] - last);
                append_replacement(&b, &a[2], p, s, e, ng);
                last = (size_t)e[0];
                if (e[0] == s[0]) {
                        if ((size_t)e[0] >= len)
                                break;
                        size_t adv = char_len(p, len, (size_t)e[0]);
                        sl_str_append_n(&b, p + e[0], adv);
                        last = (size_t)e[0] + adv;
                        pos = last;
                } else {
                        pos = (size_t)e[0];
                }
        }
        if (last < len)
                sl_str_append_n(&b, p + last, len - last);
        *out = fn_str_from(ctx, &b);
        sl_str_deinit(&b);
        return SL_OK;
}

/* REGEXP_SPLIT_TO_ARRAY(input, pattern): the pieces between matches, trailing empty pieces kept. */
static sl_err fn_regexp_split(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        const sl_func_regex *re = NULL;
        long s[1], e[1];
        const char *p = fn_sp(&a[0]);
        size_t len = a[0].len, pos = 0, last = 0;
        sl_vec parts;
        sl_err rc = compile(ctx, &a[1], &re);
        if (rc)
                return rc;
        sl_vec_init(&parts, sizeof(sl_value));
        while (pos < len && sl_func_regex_find(re, p, len, pos, s, e, 1)) {
                if (e[0] == s[0]) {  /* an empty match splits between characters */
                        if (s[0] == 0) {
                                pos = char_len(p, len, 0);
                                continue;
                        }
                        if ((size_t)s[0] >= len)
                                break;
                }
                sl_value v = fn_str(ctx, p + last, (size_t)s[0] - last);
                sl_vec_push(&parts, &v);
                last = (size_t)e[0];
                pos = e[0] > s[0] ? (size_t)e[0] : (size_t)e[0] + char_len(p, len, (size_t)e[0]);
        }
        sl_value v = fn_str(ctx, p + last, len - last);
        sl_vec_push(&parts, &v);
        sl_value *items;
        *out = fn_comp_new(ctx, parts.len, &items);
        memcpy(items, parts.items, parts.len * sizeof *items);
        sl_vec_deinit(&parts);
        return SL_OK;
}

#define RE "REGULAR_EXPRESSION"

static const sl_func_builtin regex_funcs[] = {
        {"regexp_extract", RE, "Returns the first substring matching the pattern, or its capture group.",
         "STRING pattern, STRING input", "STRING", fn_regexp_extract, N, NULL},
        {"regexp_extract", RE, NULL, "STRING pattern, STRING input, INT group", "STRING", fn_regexp_extract, N, NULL},
        {"regexp_extract_all", RE, "Returns every substring matching the pattern, or its capture group.",
         "STRING pattern, STRING input", "ARRAY<STRING>", fn_regexp_extract_all, N, NULL},
        {"regexp_extract_all", RE, NULL, "STRING pattern, STRING input, INT group", "ARRAY<STRING>",
         fn_regexp_extract_all, N, NULL},
        {"regexp_replace", RE, "Replaces every match of the pattern with the replacement ($n inserts a group).",
         "STRING input, STRING regex, STRING replacement", "STRING", fn_regexp_replace, N, NULL},
        {"regexp_split_to_array", RE, "Splits a string into an array around matches of the pattern.",
         "STRING input, STRING regex", "ARRAY<STRING>", fn_regexp_split, N, NULL},
};

sl_err sl_func_regex_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_ADD_TABLE(reg, regex_funcs, err);
}
