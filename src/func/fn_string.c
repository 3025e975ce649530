/* fn_string.c: ksqlDB's STRING functions (CONCAT ... UUID), over STRING and, where ksqlDB has the
 * overload, BYTES. Positions and lengths count characters (code points) for STRING and bytes for
 * BYTES. NULL input gives NULL unless the function says otherwise (CONCAT skips NULLs, FIELD gives
 * 0, MASK keeps characters whose mask is NULL); bad arguments give NULL, as in ksqlDB. */
#include <ctype.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>

#include "func/func_int.h"

#define N SL_FUNC_NULL_IN_NULL_OUT

static bool is_bytes(const sl_value *v) { return v->kind == SL_TYPE_BYTES; }

static sl_value str_or_bytes(sl_func_ctx *ctx, bool bytes, const char *p, size_t len)
{
        return bytes ? sl_value_bytes_copy(ctx->arena, p, len) : fn_str(ctx, p, len);
}

/* CONCAT(STRING...) / CONCAT(BYTES...): NULLs are skipped. */
static sl_err fn_concat(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        sl_str s;
        bool bytes = ctx->res->ret->kind == SL_TYPE_BYTES;
        sl_str_init(&s);
        for (size_t i = 0; i < n; i++)
                if (a[i].kind != SL_TYPE_NULL)
                        sl_str_append_n(&s, fn_sp(&a[i]), a[i].len);
        *out = str_or_bytes(ctx, bytes, sl_str_cstr(&s), sl_str_len(&s));
        sl_str_deinit(&s);
        return SL_OK;
}

/* CONCAT_WS(sep, ...): NULL separator gives NULL; NULL values are skipped. */
static sl_err fn_concat_ws(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        sl_str s;
        bool first = true;
        if (a[0].kind == SL_TYPE_NULL)
                return SL_OK;
        sl_str_init(&s);
        for (size_t i = 1; i < n; i++) {
                if (a[i].kind == SL_TYPE_NULL)
                        continue;
                if (!first)
                        sl_str_append_n(&s, fn_sp(&a[0]), a[0].len);
                sl_str_append_n(&s, fn_sp(&a[i]), a[i].len);
                first = false;
        }
        *out = str_or_bytes(ctx, is_bytes(&a[0]), sl_str_cstr(&s), sl_str_len(&s));
        sl_str_deinit(&s);
        return SL_OK;
}

/* ELT(n, s1, s2...): the n-th string (1-based), NULL out of range. */
static sl_err fn_elt(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        if (a[0].kind == SL_TYPE_NULL || a[0].u.i32 < 1 || (size_t)a[0].u.i32 >= n)
                return SL_OK;
        *out = a[a[0].u.i32];
        return SL_OK;
}

/* FIELD(str, s1, s2...): 1-based position of str among the rest, 0 when absent or NULL. */
static sl_err fn_field(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        *out = sl_value_int(0);
        if (a[0].kind == SL_TYPE_NULL)
                return SL_OK;
        for (size_t i = 1; i < n; i++) {
                if (a[i].kind != SL_TYPE_NULL && a[i].len == a[0].len &&
                    memcmp(fn_sp(&a[i]), fn_sp(&a[0]), a[0].len) == 0) {
                        *out = sl_value_int((int32_t)i);
                        break;
                }
        }
        return SL_OK;
}

static sl_err fn_len(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        (void)n;
        *out = sl_value_int((int32_t)(is_bytes(&a[0]) ? a[0].len : sl_func_utf8_count(fn_sp(&a[0]), a[0].len)));
        return SL_OK;
}

/* Simple case mapping of the alphabets that have it as a fixed offset: ASCII, Latin-1, Latin
 * Extended-A pairs, Greek and Cyrillic (Java maps all of Unicode; others stay as they are). */
static uint32_t to_case(uint32_t c, bool upper)
{
        if (upper) {
                if ((c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0xfe && c != 0xf7) || (c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2) ||
                    (c >= 0x430 && c <= 0x44f))
                        return c - 0x20;
                if (c >= 0x450 && c <= 0x45f)
                        return c - 0x50;
                if (c >= 0x100 && c <= 0x17f && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17f &&
                    ((c < 0x139 || c > 0x148) && (c < 0x179)) == (c % 2 == 1))
                        return c - 1;
                if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) && c % 2 == 0)
                        return c - 1;
                return c == 0xff ? 0x178 : c;
        }
        if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7) || (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) ||
            (c >= 0x410 && c <= 0x42f))
                return c + 0x20;
        if (c >= 0x400 && c <= 0x40f)
                return c + 0x50;
        if (c >= 0x100 && c <= 0x17f && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17f &&
            ((c < 0x139 || c > 0x148) && (c < 0x179)) == (c % 2 == 0))
                return c + 1;
        if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) && c % 2 == 1)
                return c + 1;
        return c == 0x178 ? 0xff : c;
}

/* Rewrites a string character by character; `mode` 0 lower, 1 upper, 2 initcap. */
static sl_value recase(sl_func_ctx *ctx, const sl_value *v, int mode)
{
        sl_str s;
        const char *p = fn_sp(v);
        size_t i = 0, adv;
        bool start = true;
        sl_str_init(&s);
        while (i < v->len) {
                uint32_t c = sl_func_utf8_decode(p + i, v->len - i, &adv);
                if (adv == 1 && (unsigned char)p[i] >= 0x80) {  /* not UTF-8: keep the byte */
                        sl_str_append_char(&s, p[i]);
                        i++;
                        continue;
                }
                bool space = c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
                if (mode == 2) {
                        c = space ? c : to_case(c, start);
                        start = space;
                } else {
                        c = to_case(c, mode == 1);
                }
                sl_func_utf8_append(&s, c);
                i += adv;
        }
        sl_value r = fn_str_from(ctx, &s);
        sl_str_deinit(&s);
        return r;
}

/* LCASE (mode 0), UCASE (1), INITCAP (2: the first letter of each whitespace-separated word upper
 * case, the rest lower case). */
static sl_err change_case(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out, int mode)
{
        (void)n;
        *out = recase(ctx, &a[0], mode);
        return SL_OK;
}

SL_FUNC_INVOKE_WITH(fn_lcase, change_case, 0)
SL_FUNC_INVOKE_WITH(fn_ucase, change_case, 1)
SL_FUNC_INVOKE_WITH(fn_initcap, change_case, 2)

/* Java String.trim: strips characters <= ' ' at the chosen ends. */
static sl_err trim_ends(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out, bool left, bool right)
{
        (void)n;
        const unsigned char *p = a[0].u.bytes;
        size_t b = 0, e = a[0].len;
        while (left && b < e && p[b] <= ' ')
                b++;
        while (right && e > b && p[e - 1] <= ' ')
                e--;
        *out = fn_str(ctx, (const char *)p + b, e - b);
        return SL_OK;
}

SL_FUNC_INVOKE_WITH(fn_trim, trim_ends, true, true)
SL_FUNC_INVOKE_WITH(fn_ltrim, trim_ends, true, false)
SL_FUNC_INVOKE_WITH(fn_rtrim, trim_ends, false, true)

/* Units of a STRING (code points) or BYTES (bytes) value: count and byte offset of unit i. */
static size_t unit_count(const sl_value *v)
{
        return is_bytes(v) ? v->len : sl_func_utf8_count(fn_sp(v), v->len);
}

static size_t unit_offset(const sl_value *v, size_t i)
{
        return is_bytes(v) ? (i < v->len ? i : v->len) : sl_func_utf8_offset(fn_sp(v), v->len, i);
}

/* SUBSTRING(s, pos [, len]): pos is 1-based, negative counts from the end, 0 acts as 1. */
static sl_err fn_substring(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        int64_t units = (int64_t)unit_count(&a[0]);
        int64_t pos = a[1].u.i32;
        int64_t start = pos < 0 ? units + pos : pos - 1;
        if (start < 0)
                start = 0;
        if (start > units)
                start = units;
        int64_t end = units;
        if (n > 2) {
                int64_t len = a[2].u.i32;
                end = start + len;
                if (end > units)
                        end = units;
                if (end < start)
                        end = start;
        }
        size_t b = unit_offset(&a[0], (size_t)start), e = unit_offset(&a[0], (size_t)end);
        *out = str_or_bytes(ctx, is_bytes(&a[0]), fn_sp(&a[0]) + b, e - b);
        return SL_OK;
}

/* Finds `needle` in hay[from..len) forward; -1 when absent. */
static long find_fwd(const char *hay, size_t len, const char *needle, size_t nlen, size_t from)
{
        if (nlen > len)
                return -1;
        for (size_t i = from; i + nlen <= len; i++)
                if (memcmp(hay + i, needle, nlen) == 0)
                        return (long)i;
        return -1;
}

/* Finds `needle` starting at or before byte `from`; -1 when absent. */
static long find_back(const char *hay, size_t len, const char *needle, size_t nlen, long from)
{
        if (nlen > len)
                return -1;
        if (from > (long)(len - nlen))
                from = (long)(len - nlen);
        for (long i = from; i >= 0; i--)
                if (memcmp(hay + i, needle, nlen) == 0)
                        return i;
        return -1;
}

/* INSTR(str, sub [, position [, occurrence]]): 1-based character position of the occurrence-th
 * match searching forward from position, or backward from the end when position is negative; 0
 * when there is none. */
static sl_err fn_instr(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        const char *s = fn_sp(&a[0]), *sub = fn_sp(&a[1]);
        size_t len = a[0].len, slen = a[1].len;
        int64_t pos = n > 2 ? a[2].u.i32 : 1, occ = n > 3 ? a[3].u.i32 : 1;
        int64_t chars = (int64_t)sl_func_utf8_count(s, len);
        long at = -1;
        *out = sl_value_int(0);
        if (pos == 0 || occ <= 0)
                return SL_OK;
        if (pos > 0) {
                if (pos - 1 > chars)
                        return SL_OK;
                size_t from = sl_func_utf8_offset(s, len, (size_t)(pos - 1));
                for (int64_t k = 0; k < occ; k++) {
                        at = find_fwd(s, len, sub, slen, from);
                        if (at < 0)
                                return SL_OK;
                        from = (size_t)at + 1;
                }
        } else {
                int64_t startc = chars + pos;
                if (startc < 0)
                        return SL_OK;
                long from = (long)sl_func_utf8_offset(s, len, (size_t)startc);
                for (int64_t k = 0; k < occ; k++) {
                        at = find_back(s, len, sub, slen, from);
                        if (at < 0)
                                return SL_OK;
                        from = at - 1;
                        if (from < 0 && k + 1 < occ)
                                return SL_OK;
                }
        }
        *out = sl_value_int((int32_t)sl_func_utf8_count(s, (size_t)at) + 1);
        return SL_OK;
}

/* LPAD/RPAD(input, length, padding): NULL for a negative length or an empty padding. */
static sl_err pad(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out, bool left)
{
        (void)n;
        int64_t target = a[1].u.i32;
        if (target < 0 || a[2].len == 0)
                return SL_OK;
        size_t have = unit_count(&a[0]);
        if ((size_t)target <= have) {
                size_t e = unit_offset(&a[0], (size_t)target);
                *out = str_or_bytes(ctx, is_bytes(&a[0]), fn_sp(&a[0]), e);
                return SL_OK;
        }
        if (target > SL_FUNC_MAX_RESULT)
                return sl_err_set(ctx->err, SL_ERR_LIMIT, "%s result of %lld characters is too long",
                                  ctx->res->func->name, (long long)target);
        size_t need = (size_t)target - have, punits = unit_count(&a[2]);
        sl_str s;
        sl_str_init(&s);
        if (!left)
                sl_str_append_n(&s, fn_sp(&a[0]), a[0].len);
        while (need > 0) {
                size_t take = need < punits ? need : punits;
                sl_str_append_n(&s, fn_sp(&a[2]), unit_offset(&a[2], take));
                need -= take;
        }
        if (left)
                sl_str_append_n(&s, fn_sp(&a[0]), a[0].len);
        *out = str_or_bytes(ctx, is_bytes(&a[0]), sl_str_cstr(&s), sl_str_len(&s));
        sl_str_deinit(&s);
        return SL_OK;
}

SL_FUNC_INVOKE_WITH(fn_lpad, pad, true)
SL_FUNC_INVOKE_WITH(fn_rpad, pad, false)

/* REPLACE(str, target, replacement): every occurrence, as Java String.replace (an empty target
 * inserts the replacement around every character). */
static sl_err fn_replace(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        const char *s = fn_sp(&a[0]), *t = fn_sp(&a[1]), *r = fn_sp(&a[2]);
        size_t len = a[0].len, tl = a[1].len, rl = a[2].len;
        sl_str b;
        sl_str_init(&b);
        if (tl == 0) {
                size_t i = 0, adv;
                sl_str_append_n(&b, r, rl);
                while (i < len) {
                        sl_func_utf8_decode(s + i, len - i, &adv);
                        sl_str_append_n(&b, s + i, adv);
                        sl_str_append_n(&b, r, rl);
                        i += adv;
                }
        } else {
                size_t i = 0;
                long at;
                while ((at = find_fwd(s, len, t, tl, i)) >= 0) {
                        sl_str_append_n(&b, s + i, (size_t)at - i);
                        sl_str_append_n(&b, r, rl);
                        i = (size_t)at + tl;
                }
                sl_str_append_n(&b, s + i, len - i);
        }
        *out = fn_str_from(ctx, &b);
        sl_str_deinit(&b);
        return SL_OK;
}

/* SPLIT(str, delim) / SPLIT(bytes, delim): an empty delimiter splits into characters (bytes). */
static sl_err fn_split(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        bool bytes = is_bytes(&a[0]);
        const char *s = fn_sp(&a[0]), *d = fn_sp(&a[1]);
        size_t len = a[0].len, dl = a[1].len, cnt = 0;
        sl_value *items;
        if (len == 0) {
                *out = fn_comp_new(ctx, 1, &items);
                items[0] = str_or_bytes(ctx, bytes, "", 0);
                return SL_OK;
        }
        if (dl == 0) {
                cnt = unit_count(&a[0]);
                *out = fn_comp_new(ctx, cnt, &items);
                for (size_t i = 0; i < cnt; i++) {
                        size_t b = unit_offset(&a[0], i), e = unit_offset(&a[0], i + 1);
                        items[i] = str_or_bytes(ctx, bytes, s + b, e - b);
                }
                return SL_OK;
        }
        size_t i = 0;
        long at;
        cnt = 1;
        while ((at = find_fwd(s, len, d, dl, i)) >= 0) {
                cnt++;
                i = (size_t)at + dl;
        }
        *out = fn_comp_new(ctx, cnt, &items);
        i = 0;
        for (size_t k = 0; k < cnt; k++) {
                at = find_fwd(s, len, d, dl, i);
                size_t e = at < 0 ? len : (size_t)at;
                items[k] = str_or_bytes(ctx, bytes, s + i, e - i);
                i = e + dl;
        }
        return SL_OK;
}

/* SPLIT_TO_MAP(input, entryDelim, kvDelim): empty entries and entries without kvDelim are
 * dropped; a value ends at the next kvDelim; a later key replaces an earlier one. Empty delimiters give NULL. */
static sl_err fn_split_to_map(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        const char *s = fn_sp(&a[0]), *ed = fn_sp(&a[1]), *kd = fn_sp(&a[2]);
        size_t len = a[0].len, el = a[1].len, kl = a[2].len;
        if (el == 0 || kl == 0)
                return SL_OK;
        size_t cap = 1, i = 0, cnt = 0;
        long at;
        while ((at = find_fwd(s, len, ed, el, i)) >= 0) {
                cap++;
                i = (size_t)at + el;
        }
        sl_value *items;
        sl_value res = fn_comp_new(ctx, cap, &items);
        i = 0;
        while (i <= len) {
                at = find_fwd(s, len, ed, el, i);
                size_t e = at < 0 ? len : (size_t)at;
                long kv = find_fwd(s, e, kd, kl, i);
                if (e > i && kv >= 0) {
                        sl_value key = fn_str(ctx, s + i, (size_t)kv - i);
                        /* the value ends at the next kvDelim, as ksqlDB keeps parts 0 and 1 */
                        long kv2 = find_fwd(s, e, kd, kl, (size_t)kv + kl);
                        size_t ve = kv2 < 0 ? e : (size_t)kv2;
                        sl_value val = fn_str(ctx, s + kv + kl, ve - (size_t)kv - kl);
                        size_t j;
                        for (j = 0; j < cnt; j++)
                                if (items[2 * j].len == key.len && memcmp(items[2 * j].u.bytes, key.u.bytes, key.len) == 0)
                                        break;
                        items[2 * j] = key;
                        items[2 * j + 1] = val;
                        if (j == cnt)
                                cnt++;
                }
                if (at < 0)
                        break;
                i = e + el;
        }
        res.len = (uint32_t)cnt;
        *out = res;
        return SL_OK;
}

/* ---- masking ---- */

/* Mask characters per class; -1 keeps characters of that class. */
typedef struct mask_spec {
        int upper;  /* replacement for A-Z */
        int lower;  /* replacement for a-z */
        int digit;  /* replacement for 0-9 */
        int other;  /* replacement for everything else */
} mask_spec;

static void mask_spec_from(const sl_value *a, size_t n, size_t first, mask_spec *m)
{
        int dflt[4] = {'X', 'x', 'n', '-'};
        int *slot[4] = {&m->upper, &m->lower, &m->digit, &m->other};
        for (size_t k = 0; k < 4; k++) {
                *slot[k] = dflt[k];
                if (first + k < n) {
                        const sl_value *v = &a[first + k];
                        *slot[k] = (v->kind == SL_TYPE_NULL || v->len == 0) ? -1 : (int)v->u.bytes[0];
                }
        }
}

/* Masks units [from, to) of the string. */
static sl_value mask_range(sl_func_ctx *ctx, const sl_value *v, size_t from, size_t to, const mask_spec *m)
{
        sl_str s;
        const char *p = fn_sp(v);
        size_t i = 0, u = 0, adv;
        sl_str_init(&s);
        while (i < v->len) {
                uint32_t cp = sl_func_utf8_decode(p + i, v->len - i, &adv);
                int rep = -1;
                if (u >= from && u < to)
                        rep = (cp >= 'A' && cp <= 'Z')   ? m->upper
                              : (cp >= 'a' && cp <= 'z') ? m->lower
                              : (cp >= '0' && cp <= '9') ? m->digit
                                                         : m->other;
                if (rep < 0)
                        sl_str_append_n(&s, p + i, adv);
                else
                        sl_str_append_char(&s, (char)rep);
                i += adv;
                u++;
        }
        sl_value r = fn_str_from(ctx, &s);
        sl_str_deinit(&s);
        return r;
}

static sl_err fn_mask(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        mask_spec m;
        if (a[0].kind == SL_TYPE_NULL)
                return SL_OK;
        mask_spec_from(a, n, 1, &m);
        *out = mask_range(ctx, &a[0], 0, SIZE_MAX, &m);
        return SL_OK;
}

/* MASK_LEFT / MASK_RIGHT / MASK_KEEP_LEFT / MASK_KEEP_RIGHT(input, numChars, masks...). */
static sl_err mask_part(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out, bool left, bool keep)
{
        mask_spec m;
        if (a[0].kind == SL_TYPE_NULL || a[1].kind == SL_TYPE_NULL)
                return SL_OK;
        if (a[1].u.i32 < 0)
                return sl_err_set(ctx->err, SL_ERR_FUNCTION, "function %s requires a non-negative number",
                                  ctx->res->func->name);
        mask_spec_from(a, n, 2, &m);
        size_t units = sl_func_utf8_count(fn_sp(&a[0]), a[0].len), k = (size_t)a[1].u.i32;
        if (k > units)
                k = units;
        size_t from, to;
        if (left != keep) {  /* mask the first k (MASK_LEFT) or all but the last k (MASK_KEEP_RIGHT) */
                from = 0;
                to = keep ? units - k : k;
        } else {             /* mask the last k (MASK_RIGHT) or all but the first k (MASK_KEEP_LEFT) */
                from = keep ? k : units - k;
                to = units;
        }
        *out = mask_range(ctx, &a[0], from, to, &m);
        return SL_OK;
}

SL_FUNC_INVOKE_WITH(fn_mask_left, mask_part, true, false)
SL_FUNC_INVOKE_WITH(fn_mask_right, mask_part, false, false)
SL_FUNC_INVOKE_WITH(fn_mask_keep_left, mask_part, true, true)
SL_FUNC_INVOKE_WITH(fn_mask_keep_right, mask_part, false, true)

/* ---- CHR, UUID, MD5 ---- */

static sl_err fn_chr_int(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        int32_t cp = a[0].u.i32;
        if (cp < 0 || cp > 0x10ffff)
                return SL_OK;
        sl_str s;
        sl_str_init(&s);
        sl_func_utf8_append(&s, (uint32_t)cp);
        *out = fn_str_from(ctx, &s);
        sl_str_deinit(&s);
        return SL_OK;
}

static int hexval(int c)
{
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* CHR('\u004b'): a Java escape of one character (possibly a surrogate pair); anything else NULL. */
static sl_err fn_chr_str(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        const char *p = fn_sp(&a[0]);
        uint32_t units[2];
        size_t nu = 0, i = 0;
        while (i < a[0].len && nu < 2) {
                if (a[0].len - i < 6 || p[i] != '\\' || p[i + 1] != 'u')
                        return SL_OK;
                uint32_t u = 0;
                for (int k = 0; k < 4; k++) {
                        int h = hexval((unsigned char)p[i + 2 + k]);
                        if (h < 0)
                                return SL_OK;
                        u = u * 16 + (uint32_t)h;
                }
                units[nu++] = u;
                i += 6;
        }
        if (nu == 0 || i != a[0].len)
                return SL_OK;
        uint32_t cp = units[0];
        if (nu == 2) {
                if (cp < 0xd800 || cp > 0xdbff || units[1] < 0xdc00 || units[1] > 0xdfff)
                        return SL_OK;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (units[1] - 0xdc00);
        }
        sl_str s;
        sl_str_init(&s);
        sl_func_utf8_append(&s, cp);
        *out = fn_str_from(ctx, &s);
        sl_str_deinit(&s);
        return SL_OK;
}

static sl_err fn_uuid(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)a;
        (void)n;
        uint8_t b[16];
        if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
                uint64_t t = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&b;
                for (size_t i = 0; i < 16; i++) {
                        t = t * 6364136223846793005ULL + 1442695040888963407ULL;
                        b[i] = (uint8_t)(t >> 56);
                }
        }
        b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
        b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
        char buf[37];
        snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
        *out = fn_str(ctx, buf, 36);
        return SL_OK;
}

/* MD5 (RFC 1321). */
static void md5(const uint8_t *msg, size_t len, uint8_t digest[16])
{
        static const uint32_t K[64] = {
                0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
                0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
                0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
                0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
                0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
                0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
                0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
                0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
        static const uint8_t R[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                      5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                      4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                      6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
        uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
        size_t total = ((len + 8) / 64 + 1) * 64;
        uint8_t block[64];
        for (size_t off = 0; off < total; off += 64) {
                for (size_t i = 0; i < 64; i++) {
                        size_t j = off + i;
                        block[i] = j < len ? msg[j] : j == len ? 0x80 : 0;
                }
                if (off + 64 == total) {
                        uint64_t bits = (uint64_t)len * 8;
                        for (int i = 0; i < 8; i++)
                                block[56 + i] = (uint8_t)(bits >> (8 * i));
                }
                uint32_t w[16];
                for (int i = 0; i < 16; i++)
                        w[i] = (uint32_t)block[4 * i] | (uint32_t)block[4 * i + 1] << 8 |
                               (uint32_t)block[4 * i + 2] << 16 | (uint32_t)block[4 * i + 3] << 24;
                uint32_t A = h[0], B = h[1], C = h[2], D = h[3];
                for (int i = 0; i < 64; i++) {
                        uint32_t f;
                        int g;
                        if (i < 16) {
                                f = (B & C) | (~B & D);
                                g = i;
                        } else if (i < 32) {
                                f = (D & B) | (~D & C);
                                g = (5 * i + 1) % 16;
                        } else if (i < 48) {
                                f = B ^ C ^ D;
                                g = (3 * i + 5) % 16;
                        } else {
                                f = C ^ (B | ~D);
                                g = (7 * i) % 16;
                        }
                        uint32_t tmp = D;
                        D = C;
                        C = B;
                        uint32_t x = A + f + K[i] + w[g];
                        B = B + ((x << R[i]) | (x >> (32 - R[i])));
                        A = tmp;
                }
                h[0] += A;
                h[1] += B;
                h[2] += C;
                h[3] += D;
        }
        for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                        digest[4 * i + j] = (uint8_t)(h[i] >> (8 * j));
}

static sl_err fn_md5(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        uint8_t d[16];
        char hex[33];
        md5(a[0].u.bytes, a[0].len, d);
        for (int i = 0; i < 16; i++)
                snprintf(hex + 2 * i, 3, "%02x", d[i]);
        *out = fn_str(ctx, hex, 32);
        return SL_OK;
}

static const sl_func_builtin string_funcs[] = {
        {"concat", "STRING", "Concatenate an arbitrary number of string or bytes fields together.", "STRING... inputs",
         "STRING", fn_concat, 0, NULL},
        {"concat", "STRING", NULL, "BYTES... inputs", "BYTES", fn_concat, 0, NULL},
        {"concat_ws", "STRING", "Concatenate values with a separator; NULL values are skipped.",
         "STRING separator, STRING... args", "STRING", fn_concat_ws, 0, NULL},
        {"concat_ws", "STRING", NULL, "BYTES separator, BYTES... args", "BYTES", fn_concat_ws, 0, NULL},
        {"elt", "STRING", "Returns the n-th string argument (1-based), NULL when out of range.",
         "INT n, STRING... args", "STRING", fn_elt, 0, NULL},
        {"field", "STRING", "Returns the 1-based position of str among the arguments, 0 if absent.",
         "STRING str, STRING... args", "INT", fn_field, 0, NULL},
        {"len", "STRING", "Returns the length of a string in characters, or of bytes in bytes.", "STRING input",
         "INT", fn_len, N, NULL},
        {"len", "STRING", NULL, "BYTES input", "INT", fn_len, N, NULL},
        {"lcase", "STRING", "Converts a string to lower case.", "STRING input", "STRING", fn_lcase, N, NULL},
        {"ucase", "STRING", "Converts a string to upper case.", "STRING input", "STRING", fn_ucase, N, NULL},
        {"initcap", "STRING", "Capitalizes the first letter of each word, lower-casing the rest.", "STRING input",
         "STRING", fn_initcap, N, NULL},
        {"trim", "STRING", "Removes leading and trailing whitespace.", "STRING input", "STRING", fn_trim, N, NULL},
        {"ltrim", "STRING", "Removes leading whitespace.", "STRING input", "STRING", fn_ltrim, N, NULL},
        {"rtrim", "STRING", "Removes trailing whitespace.", "STRING input", "STRING", fn_rtrim, N, NULL},
        {"substring", "STRING", "Returns the part of a string or bytes from pos (1-based; negative counts from the end), optionally len long.",
         "STRING str, INT pos", "STRING", fn_substring, N, NULL},
        {"substring", "STRING", NULL, "STRING str, INT pos, INT length", "STRING", fn_substring, N, NULL},
        {"substring", "STRING", NULL, "BYTES bytes, INT pos", "BYTES", fn_substring, N, NULL},
        {"substring", "STRING", NULL, "BYTES bytes, INT pos, INT length", "BYTES", fn_substring, N, NULL},
        {"instr", "STRING", "Returns the position of substring in str, searching from position for the occurrence-th match.",
         "STRING str, STRING substring", "INT", fn_instr, N, NULL},
        {"instr", "STRING", NULL, "STRING str, STRING substring, INT position", "INT", fn_instr, N, NULL},
        {"instr", "STRING", NULL, "STRING str, STRING substring, INT position, INT occurrence", "INT", fn_instr, N,
         NULL},
        {"lpad", "STRING", "Pads the input on the left with padding up to length.",
         "STRING input, INT length, STRING padding", "STRING", fn_lpad, N, NULL},
        {"lpad", "STRING", NULL, "BYTES input, INT length, BYTES padding", "BYTES", fn_lpad, N, NULL},
        {"rpad", "STRING", "Pads the input on the right with padding up to length.",
         "STRING input, INT length, STRING padding", "STRING", fn_rpad, N, NULL},
        {"rpad", "STRING", NULL, "BYTES input, INT length, BYTES padding", "BYTES", fn_rpad, N, NULL},
        {"replace", "STRING", "Replaces every occurrence of target with replacement.",
         "STRING str, STRING target, STRING replacement", "STRING", fn_replace, N, NULL},
        {"split", "STRING", "Splits a string or bytes into an array on a delimiter.", "STRING string, STRING delimiter",
         "ARRAY<STRING>", fn_split, N, NULL},
        {"split", "STRING", NULL, "BYTES bytes, BYTES delimiter", "ARRAY<BYTES>", fn_split, N, NULL},
        {"split_to_map", "STRING", "Splits a string into a map of key-value pairs.",
         "STRING input, STRING entryDelimiter, STRING kvDelimiter", "MAP<STRING, STRING>", fn_split_to_map, N, NULL},
        {"mask", "STRING", "Masks upper case, lower case, digits and other characters (defaults X, x, n, -).",
         "STRING input", "STRING", fn_mask, 0, NULL},
        {"mask", "STRING", NULL, "STRING input, STRING upper, STRING lower, STRING digit, STRING other", "STRING",
         fn_mask, 0, NULL},
        {"mask_left", "STRING", "Masks the first numChars characters.", "STRING input, INT numChars", "STRING",
         fn_mask_left, 0, NULL},
        {"mask_left", "STRING", NULL, "STRING input, INT numChars, STRING upper, STRING lower, STRING digit, STRING other",
         "STRING", fn_mask_left, 0, NULL},
        {"mask_right", "STRING", "Masks the last numChars characters.", "STRING input, INT numChars", "STRING",
         fn_mask_right, 0, NULL},
        {"mask_right", "STRING", NULL, "STRING input, INT numChars, STRING upper, STRING lower, STRING digit, STRING other",
         "STRING", fn_mask_right, 0, NULL},
        {"mask_keep_left", "STRING", "Masks all but the first numChars characters.", "STRING input, INT numChars",
         "STRING", fn_mask_keep_left, 0, NULL},
        {"mask_keep_left", "STRING", NULL,
         "STRING input, INT numChars, STRING upper, STRING lower, STRING digit, STRING other", "STRING",
         fn_mask_keep_left, 0, NULL},
        {"mask_keep_right", "STRING", "Masks all but the last numChars characters.", "STRING input, INT numChars",
         "STRING", fn_mask_keep_right, 0, NULL},
        {"mask_keep_right", "STRING", NULL,
         "STRING input, INT numChars, STRING upper, STRING lower, STRING digit, STRING other", "STRING",
         fn_mask_keep_right, 0, NULL},
        {"chr", "STRING", "Returns the character of a Unicode code point, given as a number or a '\\uXXXX' escape.",
         "INT decimalCode", "STRING", fn_chr_int, N, NULL},
        {"chr", "STRING", NULL, "STRING utf16Code", "STRING", fn_chr_str, N, NULL},
        {"uuid", "STRING", "Returns a random version 4 UUID.", "", "STRING", fn_uuid, SL_FUNC_NONDETERMINISTIC, NULL},
        {"md5", "STRING", "Returns the hex-encoded MD5 hash of a string.", "STRING input", "STRING", fn_md5, N, NULL},
};

sl_err sl_func_string_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_ADD_TABLE(reg, string_funcs, err);
}
