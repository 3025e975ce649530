/* fn_regex.c: ksqlDB's REGULAR_EXPRESSION functions over Java-style patterns (translated to POSIX
 * ERE by sl_func_regex_compile; lazy quantifiers become greedy and back-references are not
 * supported). A pattern that does not compile is an error, as in ksqlDB; no match gives NULL
 * (REGEXP_EXTRACT) or an empty array (REGEXP_EXTRACT_ALL). Empty matches advance by one character,
 * as java.util.regex.Matcher does. */
#include "common/mem.h"
#include "func/func_int.h"

#define N SL_FUNC_NULL_IN_NULL_OUT
#define MAXG (SL_FUNC_REGEX_MAX_GROUPS + 1)

/* The compiled pattern cached in the call site's ctx (patterns are usually constants). */
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

/* The compiled form of `pat`, from the cache or compiled now; an error for a bad pattern. */
static sl_err compile(sl_func_ctx *ctx, const sl_value *pat, const sl_func_regex **re)
{
        regex_cache *c = ctx->cache_free == regex_cache_free ? ctx->cache : NULL;
        if (c && c->len == pat->len && memcmp(c->pattern, fn_sp(pat), pat->len) == 0) {
                *re = &c->re;
                return SL_OK;
        }
        sl_func_regex fresh;
        if (!sl_func_regex_compile(&fresh, fn_sp(pat), pat->len))
                return sl_err_set(ctx->err, SL_ERR_FUNCTION, "Invalid regular expression pattern: %.*s", (int)pat->len,
                                  fn_sp(pat));
        sl_func_ctx_release(ctx);
        c = sl_calloc(1, sizeof *c);
        c->pattern = sl_strndup(pat->len ? fn_sp(pat) : "", pat->len);
        c->len = pat->len;
        c->re = fresh;
        ctx->cache = c;
        ctx->cache_free = regex_cache_free;
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
