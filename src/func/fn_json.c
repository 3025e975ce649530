/* fn_json.c: ksqlDB's JSON functions over JSON held in STRING values. They work on the raw text
 * with a small validating scanner instead of a DOM: numbers keep their original spelling
 * (EXTRACTJSONFIELD('{"a": 1.50}', '$.a') is "1.50", as Jackson's text gives it), and values that
 * come out as JSON text are compacted (whitespace outside strings dropped), as Jackson writes them.
 * Invalid JSON gives NULL (false for JSON_ARRAY_CONTAINS and IS_JSON_STRING). TO_JSON_STRING
 * renders any value with the JSON serde's rendering, temporal values as ISO text. */
#include <ctype.h>
#include <stdlib.h>

#include "func/func_int.h"
#include "types/compare.h"

#define N SL_FUNC_NULL_IN_NULL_OUT
#define MAX_DEPTH 256

/* A scanner position over [p, end). */
typedef struct jscan {
        const char *p;    /* current position */
        const char *end;  /* end of the text */
} jscan;

static void ws(jscan *s)
{
        while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
                s->p++;
}

static bool skip_string(jscan *s)
{
        if (s->p >= s->end || *s->p != '"')
                return false;
        s->p++;
        while (s->p < s->end) {
                unsigned char c = (unsigned char)*s->p++;
                if (c == '"')
                        return true;
                if (c < 0x20)
                        return false;
                if (c == '\\') {
                        if (s->p >= s->end)
                                return false;
                        c = (unsigned char)*s->p++;
                        if (c == 'u') {
                                for (int i = 0; i < 4; i++)
                                        if (s->p >= s->end || !isxdigit((unsigned char)*s->p++))
                                                return false;
                        } else if (!strchr("\"\\/bfnrt", c)) {
                                return false;
                        }
                }
        }
        return false;
}

static bool skip_number(jscan *s)
{
        const char *p = s->p;
        if (p < s->end && *p == '-')
                p++;
        if (p >= s->end || !isdigit((unsigned char)*p))
                return false;
        if (*p == '0')
                p++;
        else
                while (p < s->end && isdigit((unsigned char)*p))
                        p++;
        if (p < s->end && *p == '.') {
                p++;
                if (p >= s->end || !isdigit((unsigned char)*p))
                        return false;
                while (p < s->end && isdigit((unsigned char)*p))
                        p++;
        }
        if (p < s->end && (*p == 'e' || *p == 'E')) {
                p++;
                if (p < s->end && (*p == '+' || *p == '-'))
                        p++;
                if (p >= s->end || !isdigit((unsigned char)*p))
                        return false;
                while (p < s->end && isdigit((unsigned char)*p))
                        p++;
        }
        s->p = p;
        return true;
}

static bool skip_literal(jscan *s, const char *lit)
{
        size_t n = strlen(lit);
        if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
                return false;
        s->p += n;
        return true;
}

/* Skips one value (after leading whitespace); false on a syntax error. */
static bool skip_value(jscan *s, int depth)
{
        ws(s);
        if (s->p >= s->end || depth > MAX_DEPTH)
                return false;
        switch (*s->p) {
        case '"':
                return skip_string(s);
        case '{':
                s->p++;
                ws(s);
                if (s->p < s->end && *s->p == '}') {
                        s->p++;
                        return true;
                }
                for (;;) {
                        ws(s);
                        if (!skip_string(s))
                                return false;
                        ws(s);
                        if (s->p >= s->end || *s->p++ != ':')
                                return false;
                        if (!skip_value(s, depth + 1))
                                return false;
                        ws(s);
                        if (s->p >= s->end)
                                return false;
                        if (*s->p == '}') {
                                s->p++;
                                return true;
                        }
                        if (*s->p++ != ',')
                                return false;
                }
        case '[':
                s->p++;
                ws(s);
                if (s->p < s->end && *s->p == ']') {
                        s->p++;
                        return true;
                }
                for (;;) {
                        if (!skip_value(s, depth + 1))
                                return false;
                        ws(s);
                        if (s->p >= s->end)
                                return false;
                        if (*s->p == ']') {
                                s->p++;
                                return true;
                        }
                        if (*s->p++ != ',')
                                return false;
                }
        case 't':
                return skip_literal(s, "true");
        case 'f':
                return skip_literal(s, "false");
        case 'n':
                return skip_literal(s, "null");
        default:
                return skip_number(s);
        }
}

/* True when [p, end) holds exactly one JSON value (surrounding whitespace allowed). */
static bool whole_value(const char *p, size_t len, const char **vs, const char **ve)
{
        jscan s = {p, p + len};
        ws(&s);
        *vs = s.p;
        if (!skip_value(&s, 0))
                return false;
        *ve = s.p;
        ws(&s);
        return s.p == s.end;
}

/* Appends a string token's decoded text (the token includes its quotes). */
static void append_unescaped(sl_str *out, const char *p, const char *end)
{
        p++;
        end--;
        while (p < end) {
                if (*p != '\\') {
                        sl_str_append_char(out, *p++);
                        continue;
                }
                p++;
                char c = *p++;
                switch (c) {
                case 'b': sl_str_append_char(out, '\b'); break;
                case 'f': sl_str_append_char(out, '\f'); break;
                case 'n': sl_str_append_char(out, '\n'); break;
                case 'r': sl_str_append_char(out, '\r'); break;
                case 't': sl_str_append_char(out, '\t'); break;
                case 'u': {
                        uint32_t cp = (uint32_t)strtoul((char[5]){p[0], p[1], p[2], p[3], 0}, NULL, 16);
                        p += 4;
                        if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                                uint32_t lo = (uint32_t)strtoul((char[5]){p[2], p[3], p[4], p[5], 0}, NULL, 16);
                                if (lo >= 0xdc00 && lo <= 0xdfff) {
                                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                                        p += 6;
                                }
                        }
                        sl_func_utf8_append(out, cp);
                        break;
                }
                default: sl_str_append_char(out, c); break;
                }
        }
}

/* Appends a value's text without whitespace outside strings. */
static void append_compact(sl_str *out, const char *p, const char *end)
{
        bool in_str = false;
        for (; p < end; p++) {
                char c = *p;
                if (in_str) {
                        sl_str_append_char(out, c);
                        if (c == '\\' && p + 1 < end)
                                sl_str_append_char(out, *++p);
                        else if (c == '"')
                                in_str = false;
                } else if (c == '"') {
                        in_str = true;
                        sl_str_append_char(out, c);
                } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                        sl_str_append_char(out, c);
                }
        }
}

/* Walks the members of the array or object starting at s->p ('[' or '{'); calls `fn` with the
 * key token (NULL for arrays) and the value span of each. The text must have been validated. */
typedef void (*member_fn)(void *data, const char *ks, const char *ke, const char *vs, const char *ve);

static void each_member(const char *p, const char *end, member_fn fn, void *data)
{
        jscan s = {p + 1, end};
        bool obj = *p == '{';
        ws(&s);
        if (s.p < s.end && (*s.p == ']' || *s.p == '}'))
                return;
        for (;;) {
                const char *ks = NULL, *ke = NULL;
                ws(&s);
                if (obj) {
                        ks = s.p;
                        skip_string(&s);
                        ke = s.p;
                        ws(&s);
                        s.p++;  /* ':' */
                        ws(&s);
                }
                const char *vs = s.p;
                skip_value(&s, 0);
                fn(data, ks, ke, vs, s.p);
                ws(&s);
                if (s.p >= s.end || *s.p++ != ',')
                        return;
        }
}

/* ---- functions ---- */

static sl_err fn_is_json_string(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        (void)n;
        const char *vs, *ve;
        *out = sl_value_bool(a[0].kind != SL_TYPE_NULL && whole_value(fn_sp(&a[0]), a[0].len, &vs, &ve));
        return SL_OK;
}

static void count_member(void *data, const char *ks, const char *ke, const char *vs, const char *ve)
{
        (void)ks;
        (void)ke;
        (void)vs;
        (void)ve;
        (*(size_t *)data)++;
}

static sl_err fn_json_array_length(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        (void)n;
        const char *vs, *ve;
        size_t cnt = 0;
        if (!whole_value(fn_sp(&a[0]), a[0].len, &vs, &ve) || *vs != '[')
                return SL_OK;
        each_member(vs, ve, count_member, &cnt);
        *out = sl_value_int((int32_t)cnt);
        return SL_OK;
}

/* State of JSON_ARRAY_CONTAINS. */
typedef struct contains_state {
        const sl_value *needle;  /* the value looked for */
        bool found;              /* set when an element equals it */
} contains_state;

static void contains_member(void *data, const char *ks, const char *ke, const char *vs, const char *ve)
{
        (void)ks;
        (void)ke;
        contains_state *st = data;
        const sl_value *x = st->needle;
        if (st->found)
                return;
        switch (x->kind) {
        case SL_TYPE_NULL:
                st->found = ve - vs == 4 && memcmp(vs, "null", 4) == 0;
                break;
        case SL_TYPE_BOOLEAN:
                st->found = x->u.b ? (ve - vs == 4 && memcmp(vs, "true", 4) == 0)
                                   : (ve - vs == 5 && memcmp(vs, "false", 5) == 0);
                break;
        case SL_TYPE_STRING: {
                if (*vs != '"')
                        break;
                sl_str s;
                sl_str_init(&s);
                append_unescaped(&s, vs, ve);
                st->found = sl_str_len(&s) == x->len && memcmp(sl_str_cstr(&s), x->u.bytes, x->len) == 0;
                sl_str_deinit(&s);
                break;
        }
        case SL_TYPE_INT:
        case SL_TYPE_BIGINT: {
                if (*vs != '-' && !isdigit((unsigned char)*vs))
                        break;
                bool integral = true;
                for (const char *c = vs; c < ve; c++)
                        if (*c == '.' || *c == 'e' || *c == 'E')
                                integral = false;
                int64_t want = x->kind == SL_TYPE_INT ? x->u.i32 : x->u.i64;
                st->found = integral && strtoll(vs, NULL, 10) == want;
                break;
        }
        case SL_TYPE_DOUBLE:
                if (*vs == '-' || isdigit((unsigned char)*vs))
                        st->found = strtod(vs, NULL) == x->u.f64;
                break;
        default:
                break;
        }
}

static sl_err fn_json_array_contains(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        (void)n;
        const char *vs, *ve;
        contains_state st = {&a[1], false};
        *out = sl_value_bool(false);
        if (a[0].kind == SL_TYPE_NULL || !whole_value(fn_sp(&a[0]), a[0].len, &vs, &ve) || *vs != '[')
                return SL_OK;
        each_member(vs, ve, contains_member, &st);
        *out = sl_value_bool(st.found);
        return SL_OK;
}

/* Collects members into a vector of sl_value (keys, values or key/value pairs). */
typedef struct collect_state {
        sl_func_ctx *ctx;  /* for the arena */
        sl_vec *vals;      /* of sl_value */
        int mode;          /* 0 keys, 1 items as JSON text, 2 records (key, string-or-text) */
} collect_state;

static sl_value text_of(sl_func_ctx *ctx, const char *vs, const char *ve, bool unquote_strings)
{
        sl_str s;
        sl_str_init(&s);
        if (unquote_strings && *vs == '"')
                append_unescaped(&s, vs, ve);
        else
                append_compact(&s, vs, ve);
        sl_value v = fn_str_from(ctx, &s);
        sl_str_deinit(&s);
        return v;
}

static void collect_member(void *data, const char *ks, const char *ke, const char *vs, const char *ve)
{
        collect_state *st = data;
        sl_value v;
        if (st->mode == 0 || st->mode == 2) {
                v = text_of(st->ctx, ks, ke, true);
                sl_vec_push(st->vals, &v);
        }
        if (st->mode == 1 || st->mode == 2) {
                v = text_of(st->ctx, vs, ve, st->mode == 2);
                sl_vec_push(st->vals, &v);
        }
}

static sl_err collect(sl_func_ctx *ctx, const sl_value *json, char open, int mode, sl_value *out)
{
        const char *vs, *ve;
        if (!whole_value(fn_sp(json), json->len, &vs, &ve) || *vs != open)
                return SL_OK;
        sl_vec vals;
        sl_vec_init(&vals, sizeof(sl_value));
        collect_state st = {ctx, &vals, mode};
        each_member(vs, ve, collect_member, &st);
        size_t cnt = mode == 2 ? vals.len / 2 : vals.len;
        sl_value *items;
        sl_value r = fn_comp_new(ctx, cnt, &items);
        if (vals.len)
                memcpy(items, vals.items, vals.len * sizeof *items);
        if (mode == 2) {  /* a later duplicate key replaces an earlier one */
                size_t k = 0;
                for (size_t i = 0; i < cnt; i++) {
                        size_t j;
                        for (j = 0; j < k; j++)
                                if (sl_value_eq(&items[2 * j], &items[2 * i]))
                                        break;
                        items[2 * j] = items[2 * i];
                        items[2 * j + 1] = items[2 * i + 1];
                        if (j == k)
                                k++;
                }
                r.len = (uint32_t)k;
        }
        *out = r;
        sl_vec_deinit(&vals);
        return SL_OK;
}

static sl_err fn_json_keys(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        return collect(ctx, &a[0], '{', 0, out);
}

static sl_err fn_json_items(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        return collect(ctx, &a[0], '[', 1, out);
}

static sl_err fn_json_records(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        return collect(ctx, &a[0], '{', 2, out);
}

/* One member of the JSON_CONCAT result. */
typedef struct concat_member {
        const char *ks, *ke;  /* key token (objects) */
        const char *vs, *ve;  /* value span */
} concat_member;

static void concat_collect(void *data, const char *ks, const char *ke, const char *vs, const char *ve)
{
        sl_vec *v = data;
        if (ks) {  /* replace an equal key, keeping its first position */
                for (size_t i = 0; i < v->len; i++) {
                        concat_member *m = sl_vec_at(v, i);
                        if (m->ke - m->ks == ke - ks && memcmp(m->ks, ks, (size_t)(ke - ks)) == 0) {
                                m->vs = vs;
                                m->ve = ve;
                                return;
                        }
                }
        }
        concat_member m = {ks, ke, vs, ve};
        sl_vec_push(v, &m);
}

/* JSON_CONCAT(json...): objects merge (later keys win); otherwise arrays are concatenated and
 * other values appended as elements. */
static sl_err fn_json_concat(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        bool all_obj = true;
        const char **vs = sl_arena_alloc(ctx->arena, (n + 1) * sizeof *vs), **ve = sl_arena_alloc(ctx->arena, (n + 1) * sizeof *ve);
        if (n == 0)
                return SL_OK;
        for (size_t i = 0; i < n; i++) {
                if (a[i].kind == SL_TYPE_NULL || !whole_value(fn_sp(&a[i]), a[i].len, &vs[i], &ve[i]))
                        return SL_OK;
                if (*vs[i] != '{')
                        all_obj = false;
        }
        sl_vec members;
        sl_vec_init(&members, sizeof(concat_member));
        for (size_t i = 0; i < n; i++) {
                if (*vs[i] == (all_obj ? '{' : '['))
                        each_member(vs[i], ve[i], concat_collect, &members);
                else
                        concat_collect(&members, NULL, NULL, vs[i], ve[i]);
        }
        sl_str s;
        sl_str_init(&s);
        sl_str_append_char(&s, all_obj ? '{' : '[');
        for (size_t i = 0; i < members.len; i++) {
                concat_member *m = sl_vec_at(&members, i);
                if (i)
                        sl_str_append_char(&s, ',');
                if (all_obj) {
                        sl_str_append_n(&s, m->ks, (size_t)(m->ke - m->ks));
                        sl_str_append_char(&s, ':');
                }
                append_compact(&s, m->vs, m->ve);
        }
        sl_str_append_char(&s, all_obj ? '}' : ']');
        *out = fn_str_from(ctx, &s);
        sl_str_deinit(&s);
        sl_vec_deinit(&members);
        return SL_OK;
}

/* Finds member `key` (raw bytes, compared with the decoded key) in the object at [p, end). */
typedef struct find_state {
        const char *key;   /* wanted key */
        size_t klen;       /* its length */
        long index;        /* wanted array index, or -1 for an object key */
        long at;           /* array position counter */
        const char *vs;    /* found value span, or NULL */
        const char *ve;
} find_state;

static void find_member(void *data, const char *ks, const char *ke, const char *vs, const char *ve)
{
        find_state *st = data;
        if (st->vs)
                return;
        if (st->index >= 0) {
                if (st->at++ == st->index) {
                        st->vs = vs;
                        st->ve = ve;
                }
                return;
        }
        sl_str s;
        sl_str_init(&s);
        append_unescaped(&s, ks, ke);
        if (sl_str_len(&s) == st->klen && memcmp(sl_str_cstr(&s), st->key, st->klen) == 0) {
                st->vs = vs;
                st->ve = ve;
        }
        sl_str_deinit(&s);
}

/* EXTRACTJSONFIELD(json, path): path is $ followed by .name, ['name'] or [index] steps. A string
 * result is its decoded text, anything else its compact JSON text; JSON null gives NULL. */
static sl_err fn_extractjsonfield(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        const char *vs, *ve;
        const char *path = fn_sp(&a[1]), *pend = path + a[1].len;
        if (!whole_value(fn_sp(&a[0]), a[0].len, &vs, &ve))
                return SL_OK;
        if (path < pend && *path == '$')
                path++;
        while (path < pend) {
                find_state st = {.index = -1};
                if (*path == '.') {
                        const char *k = ++path;
                        while (path < pend && *path != '.' && *path != '[')
                                path++;
                        st.key = k;
                        st.klen = (size_t)(path - k);
                } else if (*path == '[') {
                        path++;
                        if (path < pend && (*path == '\'' || *path == '"')) {
                                char q = *path++;
                                const char *k = path;
                                while (path < pend && *path != q)
                                        path++;
                                st.key = k;
                                st.klen = (size_t)(path - k);
                                if (path < pend)
                                        path++;
                        } else {
                                char *endp;
                                long idx = strtol(path, &endp, 10);
                                if (endp == path || idx < 0)
                                        return SL_OK;
                                st.index = idx;
                                path = endp;
                        }
                        if (path >= pend || *path != ']')
                                return SL_OK;
                        path++;
                } else {
                        return SL_OK;
                }
                if (st.index >= 0 ? *vs != '[' : *vs != '{')
                        return SL_OK;
                each_member(vs, ve, find_member, &st);
                if (!st.vs)
                        return SL_OK;
                vs = st.vs;
                ve = st.ve;
        }
        if (ve - vs == 4 && memcmp(vs, "null", 4) == 0)
                return SL_OK;
        *out = text_of(ctx, vs, ve, true);
        return SL_OK;
}

static sl_err fn_to_json_string(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        sl_str s;
        sl_str_init(&s);
        sl_value_format_json(&s, &a[0], SL_VALUE_JSON_TEMPORAL_TEXT);
        *out = fn_str_from(ctx, &s);
        sl_str_deinit(&s);
        return SL_OK;
}

#define JSON "JSON"

static const sl_func_builtin json_funcs[] = {
        {"is_json_string", JSON, "Returns true if the string is valid JSON.", "STRING json", "BOOLEAN",
         fn_is_json_string, 0, NULL},
        {"json_array_length", JSON, "Returns the number of elements of a JSON array.", "STRING jsonArray", "INT",
         fn_json_array_length, N, NULL},
        {"json_array_contains", JSON, "Returns true if a JSON array contains the value.", "STRING jsonArray, BOOLEAN val",
         "BOOLEAN", fn_json_array_contains, 0, NULL},
        {"json_array_contains", JSON, NULL, "STRING jsonArray, INT val", "BOOLEAN", fn_json_array_contains, 0, NULL},
        {"json_array_contains", JSON, NULL, "STRING jsonArray, BIGINT val", "BOOLEAN", fn_json_array_contains, 0, NULL},
        {"json_array_contains", JSON, NULL, "STRING jsonArray, DOUBLE val", "BOOLEAN", fn_json_array_contains, 0, NULL},
        {"json_array_contains", JSON, NULL, "STRING jsonArray, STRING val", "BOOLEAN", fn_json_array_contains, 0, NULL},
        {"json_keys", JSON, "Returns the keys of a JSON object.", "STRING jsonObj", "ARRAY<STRING>", fn_json_keys, N,
         NULL},
        {"json_items", JSON, "Returns the items of a JSON array as JSON strings.", "STRING jsonArray", "ARRAY<STRING>",
         fn_json_items, N, NULL},
        {"json_records", JSON, "Returns the members of a JSON object as a map of key to value text.",
         "STRING jsonObj", "MAP<STRING, STRING>", fn_json_records, N, NULL},
        {"json_concat", JSON, "Merges JSON objects, or concatenates JSON arrays and values into an array.",
         "STRING... jsonStrings", "STRING", fn_json_concat, 0, NULL},
        {"extractjsonfield", JSON, "Extracts the value at a JSON path ($.a.b[0]) from a JSON string.",
         "STRING jsonString, STRING jsonPath", "STRING", fn_extractjsonfield, N, NULL},
        {"to_json_string", JSON, "Converts any value to its JSON text.", "ANY input", "STRING", fn_to_json_string, 0,
         NULL},
};

sl_err sl_func_json_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_ADD_TABLE(reg, json_funcs, err);
}
