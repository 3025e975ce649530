/* fn_url.c: ksqlDB's URL functions. A URL is split as java.net.URI does:
 *   scheme ':' ['//' [userinfo '@'] host [':' port]] path ['?' query] ['#' fragment]
 * A part that is absent gives NULL (the path gives ""); text that is not a URI gives NULL.
 * URL_ENCODE_PARAM / URL_DECODE_PARAM follow URLEncoder / URLDecoder with UTF-8 ('+' for space). */
#include <ctype.h>
#include <stdlib.h>

#include "func/func_int.h"

#define N SL_FUNC_NULL_IN_NULL_OUT

/* The parts of a URI, as byte ranges of the text; start -1 when absent. */
typedef struct url_parts {
        long scheme_s, scheme_e;  /* scheme */
        long host_s, host_e;      /* host */
        long port_s, port_e;      /* port digits */
        long path_s, path_e;      /* path, possibly empty */
        long query_s, query_e;    /* query, without '?' */
        long frag_s, frag_e;      /* fragment, without '#' */
} url_parts;

static bool url_parse(const char *p, size_t len, url_parts *u)
{
        size_t i = 0;
        memset(u, 0xff, sizeof *u);  /* every start -1 */
        for (size_t k = 0; k < len; k++)
                if (p[k] == ' ' || (unsigned char)p[k] < 0x20)
                        return false;
        /* scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
        size_t j = 0;
        while (j < len && (isalnum((unsigned char)p[j]) || p[j] == '+' || p[j] == '-' || p[j] == '.'))
                j++;
        if (j > 0 && j < len && p[j] == ':' && isalpha((unsigned char)p[0])) {
                u->scheme_s = 0;
                u->scheme_e = (long)j;
                i = j + 1;
        }
        size_t end = len;
        for (size_t k = i; k < len; k++) {
                if (p[k] == '#') {
                        u->frag_s = (long)k + 1;
                        u->frag_e = (long)len;
                        end = k;
                        break;
                }
        }
        if (i + 1 < end && p[i] == '/' && p[i + 1] == '/') {
                size_t a = i + 2, b = a;
                while (b < end && p[b] != '/' && p[b] != '?')
                        b++;
                size_t hs = a;
                for (size_t k = a; k < b; k++)
                        if (p[k] == '@')
                                hs = k + 1;
                size_t he = b;
                for (size_t k = b; k > hs; k--) {
                        if (p[k - 1] == ':') {
                                he = k - 1;
                                break;
                        }
                        if (!isdigit((unsigned char)p[k - 1]))
                                break;
                }
                u->host_s = (long)hs;
                u->host_e = (long)he;
                if (he < b) {
                        u->port_s = (long)he + 1;
                        u->port_e = (long)b;
                }
                i = b;
        }
        size_t q = i;
        while (q < end && p[q] != '?')
                q++;
        u->path_s = (long)i;
        u->path_e = (long)q;
        if (q < end) {
                u->query_s = (long)q + 1;
                u->query_e = (long)end;
        }
        return true;
}

static sl_value part(sl_func_ctx *ctx, const sl_value *url, long s, long e)
{
        if (s < 0)
                return sl_value_null();
        return fn_str(ctx, fn_sp(url) + s, (size_t)(e - s));
}

#define URL_FN(name, field)                                                                      \
        static sl_err fn_url_##name(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out) \
        {                                                                                        \
                (void)n;                                                                         \
                url_parts u;                                                                     \
                if (url_parse(fn_sp(&a[0]), a[0].len, &u))                                       \
                        *out = part(ctx, &a[0], u.field##_s, u.field##_e);                       \
                return SL_OK;                                                                    \
        }

URL_FN(protocol, scheme)
URL_FN(fragment, frag)
URL_FN(path, path)
URL_FN(query, query)

static sl_err fn_url_host(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        url_parts u;
        if (url_parse(fn_sp(&a[0]), a[0].len, &u) && u.host_s >= 0 && u.host_e > u.host_s)
                *out = part(ctx, &a[0], u.host_s, u.host_e);
        return SL_OK;
}

static sl_err fn_url_port(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        (void)n;
        url_parts u;
        if (!url_parse(fn_sp(&a[0]), a[0].len, &u) || u.port_s < 0 || u.port_e == u.port_s || u.port_e - u.port_s > 9)
                return SL_OK;
        int32_t port = 0;
        for (long i = u.port_s; i < u.port_e; i++)
                port = port * 10 + (fn_sp(&a[0])[i] - '0');
        *out = sl_value_int(port);
        return SL_OK;
}

/* URL_EXTRACT_PARAMETER(url, name): the raw value of the first name=value in the query ("" for
 * a bare name), NULL when absent. */
static sl_err fn_url_parameter(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        url_parts u;
        if (!url_parse(fn_sp(&a[0]), a[0].len, &u) || u.query_s < 0)
                return SL_OK;
        const char *p = fn_sp(&a[0]), *name = fn_sp(&a[1]);
        size_t i = (size_t)u.query_s, end = (size_t)u.query_e;
        while (i <= end) {
                size_t j = i;
                while (j < end && p[j] != '&')
                        j++;
                size_t eq = i;
                while (eq < j && p[eq] != '=')
                        eq++;
                if (eq - i == a[1].len && memcmp(p + i, name, a[1].len) == 0) {
                        *out = eq < j ? fn_str(ctx, p + eq + 1, j - eq - 1) : fn_str(ctx, "", 0);
                        return SL_OK;
                }
                i = j + 1;
        }
        return SL_OK;
}

static sl_err fn_url_encode(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        static const char hex[] = "0123456789ABCDEF";
        sl_str s;
        sl_str_init(&s);
        for (size_t i = 0; i < a[0].len; i++) {
                unsigned char c = a[0].u.bytes[i];
                if (isalnum(c) || c == '.' || c == '-' || c == '*' || c == '_') {
                        sl_str_append_char(&s, (char)c);
                } else if (c == ' ') {
                        sl_str_append_char(&s, '+');
                } else {
                        sl_str_append_char(&s, '%');
                        sl_str_append_char(&s, hex[c >> 4]);
                        sl_str_append_char(&s, hex[c & 15]);
                }
        }
        *out = fn_str_from(ctx, &s);
        sl_str_deinit(&s);
        return SL_OK;
}

static int hexval(int c)
{
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static sl_err fn_url_decode(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        const char *p = fn_sp(&a[0]);
        sl_str s;
        sl_str_init(&s);
        for (size_t i = 0; i < a[0].len; i++) {
                if (p[i] == '+') {
                        sl_str_append_char(&s, ' ');
                } else if (p[i] == '%') {
                        int hi = i + 2 < a[0].len ? hexval((unsigned char)p[i + 1]) : -1;
                        int lo = hi >= 0 ? hexval((unsigned char)p[i + 2]) : -1;
                        if (lo < 0) {
                                sl_str_deinit(&s);
                                return SL_OK;  /* URLDecoder rejects a bad escape */
                        }
                        sl_str_append_char(&s, (char)(hi * 16 + lo));
                        i += 2;
                } else {
                        sl_str_append_char(&s, p[i]);
                }
        }
        *out = fn_str_from(ctx, &s);
        sl_str_deinit(&s);
        return SL_OK;
}

static const sl_func_builtin url_funcs[] = {
        {"url_extract_protocol", "URL", "Extracts the protocol (scheme) of a URL.", "STRING input", "STRING",
         fn_url_protocol, N, NULL},
        {"url_extract_host", "URL", "Extracts the host of a URL.", "STRING input", "STRING", fn_url_host, N, NULL},
        {"url_extract_port", "URL", "Extracts the port of a URL.", "STRING input", "INT", fn_url_port, N, NULL},
        {"url_extract_path", "URL", "Extracts the path of a URL.", "STRING input", "STRING", fn_url_path, N, NULL},
        {"url_extract_query", "URL", "Extracts the query of a URL.", "STRING input", "STRING", fn_url_query, N, NULL},
        {"url_extract_fragment", "URL", "Extracts the fragment of a URL.", "STRING input", "STRING", fn_url_fragment, N,
         NULL},
        {"url_extract_parameter", "URL", "Extracts the value of a query parameter of a URL.",
         "STRING input, STRING paramName", "STRING", fn_url_parameter, N, NULL},
        {"url_encode_param", "URL", "Escapes a value for use in a URL query (application/x-www-form-urlencoded).",
         "STRING input", "STRING", fn_url_encode, N, NULL},
        {"url_decode_param", "URL", "Unescapes a URL query value.", "STRING input", "STRING", fn_url_decode, N, NULL},
};

sl_err sl_func_url_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_ADD_TABLE(reg, url_funcs, err);
}
