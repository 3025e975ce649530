/* json.c: the JSON format with ksqlDB's rules, on the hot path of every JSON query.
 *
 * Decoding is schema-directed and one pass: no DOM. The parser walks the text once, and for each
 * object key it finds the declared column or STRUCT field and decodes the value straight into an
 * sl_value of that column's type; values of undeclared keys are skipped (but still validated).
 * Arrays and maps collect their items on the scratch stack and move them into the arena when they
 * end, so the arena only holds final values.
 *
 * ksqlDB's rules (KsqlJsonDeserializer), which this file follows:
 *   - field names match exactly, else the key upper-cased (ASCII) matches the declared name; an
 *     exact match wins over a case-insensitive one, and of several keys the last wins;
 *     missing fields are NULL, extra keys are ignored
 *   - BOOLEAN accepts only true/false
 *   - INT, BIGINT, DATE (days), TIME (ms), TIMESTAMP (ms) accept numbers (fractions truncated, out of
 *     range values keep their low bits, as Java's intValue/longValue do) and strings holding a plain
 *     integer (Integer.parseInt: no blanks, range-checked)
 *   - DOUBLE accepts numbers and strings in Java's Double.parseDouble syntax
 *   - DECIMAL accepts numbers and numeric strings, exactly, rounded HALF_UP to the scale; too many
 *     integer digits is an error
 *   - STRING accepts strings; a number gives its text, true/false theirs, an object its compact
 *     JSON, an array "[a, b]" with each element converted the same way (null -> "null")
 *   - BYTES accepts base64 strings; ARRAY arrays; MAP and STRUCT objects (MAP keys are strings)
 *   - null gives NULL everywhere; a top-level null (or absent record) is a null row
 * Anything else is SL_ERR_SERDE "Can't convert type. sourceType: TextNode, requiredType: INTEGER,
 * path: $.V" (Jackson's node names, ksqlDB's text). Syntax errors name the offset. As with Jackson's
 * readTree, text after the first complete value is ignored. A number becomes STRING text as Jackson
 * prints it (BigDecimal.toString: 1e2 is "1E+2"). Deviations: ASCII-only upper-casing of keys; a
 * lone surrogate escape becomes '?' (as Java's UTF-8 encoder writes it).
 *
 * Encoding writes compact JSON as Jackson does: fields in schema order with their declared names,
 * DOUBLE as Java's Double.toString (NaN and infinities as strings), DECIMAL as a plain number with
 * its scale, BYTES base64, DATE/TIME/TIMESTAMP as numbers, control characters escaped. */
#include "serde/serde_int.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "common/map.h"
#include "common/mem.h"
#include "common/str.h"
#include "types/cast.h"
#include "types/decimal.h"

#define MAX_DEPTH 500

/* Precomputed for the encoder and decoder; lives in the serde's arena. */
typedef struct json_priv {
        const sl_type *top;      /* STRUCT of all columns: the wrapped top-level object */
        int top_upper_only;      /* no column name has a lower-case letter (fast matching) */
        sl_slice *prefix;        /* per column: `"NAME":`, with `{` or `,` in front */
} json_priv;

/* The decoder's state for one record. */
typedef struct jp {
        const char *p;               /* cursor */
        const char *start;           /* first byte of the record, for offsets */
        const char *end;             /* one past the last byte */
        sl_arena *arena;             /* where values go */
        sl_serde_scratch *scratch;   /* array and map items under construction */
        sl_err_detail *err;
        sl_buf tmp;                  /* text built for STRING coercions; freed at the end */
        int depth;                   /* nesting, bounded by MAX_DEPTH */
        char path[256];              /* JSON path of a coercion error, built while unwinding */
        size_t pathlen;
        bool coercion;               /* the error is a coercion error (gets a path) */
} jp;

/* A scanned token of one of the JSON value kinds. */
typedef enum jkind { J_NULL, J_TRUE, J_FALSE, J_NUMBER, J_STRING, J_OBJECT, J_ARRAY } jkind;

static sl_err syntax(jp *j, const char *what)
{
        size_t off = (size_t)(j->p - j->start);
        if (j->p >= j->end)
                return sl_err_set(j->err, SL_ERR_SERDE, "malformed JSON: %s at end of input (offset %zu)", what, off);
        unsigned char c = (unsigned char)*j->p;
        if (c >= 0x20 && c < 0x7f)
                return sl_err_set(j->err, SL_ERR_SERDE, "malformed JSON: %s, found '%c' at offset %zu", what, c, off);
        return sl_err_set(j->err, SL_ERR_SERDE, "malformed JSON: %s, found byte 0x%02x at offset %zu", what, c, off);
}

static void path_prepend(jp *j, const char *part, size_t n)
{
        if (!j->coercion)
                return;
        if (n + j->pathlen >= sizeof j->path)
                return;  /* very deep: keep the innermost part */
        memmove(j->path + n, j->path, j->pathlen);
        memcpy(j->path, part, n);
        j->pathlen += n;
}

static void path_prepend_index(jp *j, size_t idx)
{
        char b[32];
        int n = snprintf(b, sizeof b, "[%zu]", idx);
        path_prepend(j, b, (size_t)n);
}

static void path_prepend_name(jp *j, const char *name, size_t n)
{
        char b[128];
        if (n > sizeof b - 2)
                n = sizeof b - 2;
        b[0] = '.';
        memcpy(b + 1, name, n);
        path_prepend(j, b, n + 1);
}

static const char *node_name(jkind k, const char *num, size_t numlen)
{
        switch (k) {
        case J_NULL: return "NullNode";
        case J_TRUE:
        case J_FALSE: return "BooleanNode";
        case J_STRING: return "TextNode";
        case J_OBJECT: return "ObjectNode";
        case J_ARRAY: return "ArrayNode";
        case J_NUMBER:
                for (size_t i = 0; i < numlen; i++)
                        if (num[i] == '.' || num[i] == 'e' || num[i] == 'E')
                                return "DecimalNode";
                {
                        int64_t v;
                        if (sl_serde_parse_i32(num, numlen, &(int32_t){0}))
                                return "IntNode";
                        return sl_serde_parse_i64(num, numlen, &v) ? "LongNode" : "BigIntegerNode";
                }
        }
        return "JsonNode";
}

static sl_err cannot_convert(jp *j, jkind k, const char *num, size_t numlen, const sl_type *type)
{
        sl_str t;
        sl_str_init(&t);
        sl_type_print(&t, type);
        sl_err_set(j->err, SL_ERR_SERDE, "Can't convert type. sourceType: %s, requiredType: %s",
                   node_name(k, num, numlen), sl_str_cstr(&t));
        sl_str_deinit(&t);
        j->coercion = true;
        j->pathlen = 0;
        return SL_ERR_SERDE;
}

static sl_err coerce_fail(jp *j, const char *fmt, const char *arg)
{
        sl_err_set(j->err, SL_ERR_SERDE, fmt, arg);
        j->coercion = true;
        j->pathlen = 0;
        return SL_ERR_SERDE;
}

static inline void skip_ws(jp *j)
{
        while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
                j->p++;
}

/* The kind of the next value; the cursor stays on its first byte. */
static sl_err peek_kind(jp *j, jkind *k)
{
        skip_ws(j);
        if (j->p >= j->end)
                return syntax(j, "expected a value");
        switch (*j->p) {
        case '"': *k = J_STRING; return SL_OK;
        case '{': *k = J_OBJECT; return SL_OK;
        case '[': *k = J_ARRAY; return SL_OK;
        case 'n': *k = J_NULL; return SL_OK;
        case 't': *k = J_TRUE; return SL_OK;
        case 'f': *k = J_FALSE; return SL_OK;
        default:
                if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
                        *k = J_NUMBER;
                        return SL_OK;
                }
                return syntax(j, "expected a value");
        }
}

static sl_err expect_word(jp *j, const char *w, size_t n)
{
        if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
                return syntax(j, "invalid literal");
        j->p += n;
        return SL_OK;
}

/* Moves `*p` over one or more decimal digits (a fraction's or an exponent's); a syntax error at
 * `*p` when there is none. */
static sl_err scan_digits(jp *j, const char **p)
{
        const char *q = *p, *e = j->end;
        if (q >= e || *q < '0' || *q > '9') {
                j->p = q;
                return syntax(j, "invalid number");
        }
        while (q < e && *q >= '0' && *q <= '9')
                q++;
        *p = q;
        return SL_OK;
}

/* Scans a number at the cursor (strict JSON grammar); returns its text. */
static sl_err scan_number(jp *j, const char **s, size_t *n, bool *integral)
{
        const char *p = j->p, *e = j->end;
        *s = p;
        *integral = true;
        if (p < e && *p == '-')
                p++;
        if (p < e && *p == '0') {
                p++;
        } else if (p < e && *p >= '1' && *p <= '9') {
                while (p < e && *p >= '0' && *p <= '9')
                        p++;
        } else {
                j->p = p;
                return syntax(j, "invalid number");
        }
        if (p < e && *p == '.') {
                *integral = false;
                p++;
                sl_err rc = scan_digits(j, &p);
                if (rc != SL_OK)
                        return rc;
        }
        if (p < e && (*p == 'e' || *p == 'E')) {
                *integral = false;
                p++;
                if (p < e && (*p == '+' || *p == '-'))
                        p++;
                sl_err rc = scan_digits(j, &p);
                if (rc != SL_OK)
                        return rc;
        }
        *n = (size_t)(p - *s);
        j->p = p;
        return SL_OK;
}

/* Length of a valid UTF-8 sequence starting at p (lead byte >= 0x80), or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *e)
{
        unsigned c = p[0];
        size_t n;
        unsigned min;
        if (c >= 0xC2 && c <= 0xDF) {
                n = 2;
                min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
                n = 3;
                min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
                n = 4;
                min = 0x10000;
        } else {
                return 0;
        }
        if ((size_t)(e - p) < n)
                return 0;
        unsigned cp = c & (0x7F >> n);
        for (size_t i = 1; i < n; i++) {
                if ((p[i] & 0xC0) != 0x80)
                        return 0;
                cp = cp << 6 | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return 0;
        return n;
}

static int hex4(const char *p)
{
        int v = 0;
        for (int i = 0; i < 4; i++) {
                char c = p[i];
                int d;
                if (c >= '0' && c <= '9')
                        d = c - '0';
                else if (c >= 'a' && c <= 'f')
                        d = c - 'a' + 10;
                else if (c >= 'A' && c <= 'F')
                        d = c - 'A' + 10;
                else
                        return -1;
                v = v << 4 | d;
        }
        return v;
}

static size_t put_utf8(char *d, unsigned cp)
{
        if (cp < 0x80) {
                d[0] = (char)cp;
                return 1;
        }
        if (cp < 0x800) {
                d[0] = (char)(0xC0 | cp >> 6);
                d[1] = (char)(0x80 | (cp & 0x3F));
                return 2;
        }
        if (cp < 0x10000) {
                d[0] = (char)(0xE0 | cp >> 12);
                d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                d[2] = (char)(0x80 | (cp & 0x3F));
                return 3;
        }
        d[0] = (char)(0xF0 | cp >> 18);
        d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        d[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* A mask with the high bit set in (at least) the first byte of `v` that is '"', '\\', a
 * control character or not ASCII. Bytes above the first such byte may be flagged wrongly (borrows),
 * so only the lowest set bit counts. */
static inline uint64_t string_special(uint64_t v)
{
        uint64_t q = v ^ (ONES * '"');
        uint64_t b = v ^ (ONES * '\\');
        uint64_t special = ((v - ONES * 0x20) | (q - ONES) | (b - ONES)) & ~v;
        return (special | v) & HIGHS;
}

/* Parses the string at the cursor (on its quote). Without escapes the result borrows the input;
 * with escapes it is decoded into the arena. */
static sl_err parse_string(jp *j, const char **out, size_t *outlen)
{
        const unsigned char *p = (const unsigned char *)j->p + 1;
        const unsigned char *e = (const unsigned char *)j->end;
        const unsigned char *s = p;
        bool escapes = false;
        for (;;) {
                /* eight bytes at a time while none is special (SWAR; little-endian) */
                while (e - p >= 8) {
                        uint64_t v;
                        memcpy(&v, p, 8);
                        uint64_t m = string_special(v);
                        if (m) {
                                p += __builtin_ctzll(m) >> 3;
                                break;
                        }
                        p += 8;
                }
                while (p < e && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
                        p++;
                if (p >= e) {
                        j->p = (const char *)p;
                        return syntax(j, "unterminated string");
                }
                if (*p == '"')
                        break;
                if (*p == '\\') {
                        escapes = true;
                        p++;
                        if (p >= e)
                                continue;
                        if (*p == 'u') {
                                if (e - p < 5 || hex4((const char *)p + 1) < 0) {
                                        j->p = (const char *)p;
                                        return syntax(j, "invalid \\u escape");
                                }
                                p += 5;
                        } else if (*p && strchr("\"\\/bfnrt", *p)) {
                                p++;
                        } else {
                                j->p = (const char *)p;
                                return syntax(j, "invalid escape");
                        }
                        continue;
                }
                if (*p < 0x20) {
                        j->p = (const char *)p;
                        return syntax(j, "unescaped control character in string");
                }
                size_t n = utf8_seq(p, e);
                if (!n) {
                        j->p = (const char *)p;
                        return syntax(j, "invalid UTF-8");
                }
                p += n;
        }
        j->p = (const char *)p + 1;
        if (!escapes) {
                *out = (const char *)s;
                *outlen = (size_t)(p - s);
                return SL_OK;
        }
        /* decode: the output is never longer than the input */
        char *d = sl_arena_alloc(j->arena, (size_t)(p - s) + 1);
        size_t o = 0;
        for (const unsigned char *q = s; q < p;) {
                if (*q != '\\') {
                        d[o++] = (char)*q++;
                        continue;
                }
                q++;
                switch (*q) {
                case 'b': d[o++] = '\b'; q++; break;
                case 'f': d[o++] = '\f'; q++; break;
                case 'n': d[o++] = '\n'; q++; break;
                case 'r': d[o++] = '\r'; q++; break;
                case 't': d[o++] = '\t'; q++; break;
                case 'u': {
                        unsigned cp = (unsigned)hex4((const char *)q + 1);
                        q += 5;
                        if (cp >= 0xD800 && cp <= 0xDBFF && p - q >= 6 && q[0] == '\\' && q[1] == 'u') {
                                int lo = hex4((const char *)q + 2);
                                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                                        cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned)lo - 0xDC00);
                                        q += 6;
                                }
                        }
                        if (cp >= 0xD800 && cp <= 0xDFFF)
                                cp = '?';  /* lone surrogate: as Java's UTF-8 encoder */
                        o += put_utf8(d + o, cp);
                        break;
                }
                default: d[o++] = (char)*q++; break;  /* " \ / */
                }
        }
        d[o] = 0;
        *out = d;
        *outlen = o;
        return SL_OK;
}

/* Enters the object or array whose bracket is at the cursor: checks the nesting depth, steps over
 * the bracket and white space. */
static sl_err container_enter(jp *j)
{
        if (++j->depth > MAX_DEPTH)
                return syntax(j, "nesting too deep");
        j->p++;
        skip_ws(j);
        return SL_OK;
}

/* Steps over `c` when it is at the cursor. */
static inline bool eat(jp *j, char c)
{
        if (j->p < j->end && *j->p == c) {
                j->p++;
                return true;
        }
        return false;
}

/* Reads an object member's `"name" :`, the name into s and n. */
static sl_err member_name(jp *j, const char **s, size_t *n)
{
        sl_err rc;
        skip_ws(j);
        if (j->p >= j->end || *j->p != '"')
                return syntax(j, "expected a field name");
        if ((rc = parse_string(j, s, n)) != SL_OK)
                return rc;
        skip_ws(j);
        if (!eat(j, ':'))
                return syntax(j, "expected ':'");
        return SL_OK;
}

/* After a member of the container that `close` ends: steps over ',' (*more set) or `close` (*more
 * cleared); anything else is a syntax error. */
static sl_err member_next(jp *j, char close, bool *more)
{
        skip_ws(j);
        if (eat(j, ',')) {
                *more = true;
                return SL_OK;
        }
        if (eat(j, close)) {
                *more = false;
                return SL_OK;
        }
        return syntax(j, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
}

/* The exponent of the JSON number `s` when s[*i] is its 'e' or 'E' (else 0), its digits read
 * while the value is below `cap` (larger exponents only need to be known as large); *i moves past it. */
static int64_t number_exponent(const char *s, size_t n, size_t *i, int64_t cap)
{
        int64_t exp = 0;
        size_t k = *i;
        if (k < n && (s[k] == 'e' || s[k] == 'E')) {
                k++;
                bool eneg = false;
                if (s[k] == '+' || s[k] == '-')
                        eneg = s[k++] == '-';
                for (; k < n; k++)
                        if (exp < cap)
                                exp = exp * 10 + (s[k] - '0');
                if (eneg)
                        exp = -exp;
        }
        *i = k;
        return exp;
}

/* The integer part of a JSON number, truncated toward zero, modulo 2^64 (Java's longValue of a
 * BigDecimal or BigInteger keeps the low bits). */
static uint64_t number_low_bits(const char *s, size_t n)
{
        size_t i = 0;
        bool neg = false;
        if (s[0] == '-') {
                neg = true;
                i = 1;
        }
        const char *digits = s + i;
        size_t nint = 0, nfrac = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
                i++;
                nint++;
        }
        const char *frac = NULL;
        if (i < n && s[i] == '.') {
                frac = s + ++i;
                while (i < n && s[i] >= '0' && s[i] <= '9') {
                        i++;
                        nfrac++;
                }
        }
        int64_t exp = number_exponent(s, n, &i, 100000);
        /* value = 0.d1 d2 ... scaled: the first (nint + exp) digits of intdigits++fracdigits are
         * the integer part, followed by zeros when that runs past the digits */
        int64_t keep = (int64_t)nint + exp;
        uint64_t v = 0;
        int64_t total = (int64_t)(nint + nfrac);
        for (int64_t d = 0; d < keep && d < total; d++) {
                char c = d < (int64_t)nint ? digits[d] : frac[d - (int64_t)nint];
                v = v * 10 + (uint64_t)(c - '0');
        }
        for (int64_t d = total; d < keep && d < total + 64; d++)
                v *= 10;  /* 10^64 is 0 modulo 2^64, so 64 more zeros change nothing */
        return neg ? 0 - v : v;
}

static sl_err number_to_double(jp *j, const char *s, size_t n, double *out)
{
        char buf[128];
        char *t = n < sizeof buf ? buf : sl_arena_alloc(j->arena, n + 1);
        memcpy(t, s, n);
        t[n] = 0;
        *out = strtod(t, NULL);
        return SL_OK;
}

/* Appends the text Jackson gives a JSON number (`s`, valid JSON syntax): an integer as Java prints
 * it (BigInteger: no leading zeros, "-0" is "0"), any other number as BigDecimal.toString()
 * ("1.50" stays, 1e5 is "1E+5", 0.0000001 is "1E-7"), since ksqlDB reads floats as BigDecimal. */
static void append_java_number(sl_buf *out, const char *s, size_t n, bool integral)
{
        size_t i = 0;
        bool neg = false;
        if (s[0] == '-') {
                neg = true;
                i = 1;
        }
        char digits[400];
        size_t nd = 0, nfrac = 0;
        bool too_long = false;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
                if (nd < sizeof digits)
                        digits[nd++] = s[i];
                else
                        too_long = true;
        }
        if (i < n && s[i] == '.') {
                for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, nfrac++) {
                        if (nd < sizeof digits)
                                digits[nd++] = s[i];
                        else
                                too_long = true;
                }
        }
        long exp = (long)number_exponent(s, n, &i, 100000000);
        if (too_long) {
                sl_buf_append(out, s, n);  /* beyond any real record; keep the text */
                return;
        }
        /* unscaled value: the digits without leading zeros; scale = nfrac - exp */
        size_t lead = 0;
        while (lead + 1 < nd && digits[lead] == '0')
                lead++;
        const char *u = digits + lead;
        size_t un = nd - lead;
        bool zero = un == 1 && u[0] == '0';
        if (integral) {
                if (neg && !zero)
                        sl_buf_append_u8(out, '-');
                sl_buf_append(out, u, un);
                return;
        }
        long scale = (long)nfrac - exp;
        long adjusted = -scale + (long)un - 1;
        if (neg && !zero)
                sl_buf_append_u8(out, '-');  /* a zero has no sign: -0.0 reads as 0.0 */
        if (scale == 0) {
                sl_buf_append(out, u, un);
        } else if (scale > 0 && adjusted >= -6) {
                if ((long)un > scale) {
                        sl_buf_append(out, u, un - (size_t)scale);
                        sl_buf_append_u8(out, '.');
                        sl_buf_append(out, u + un - (size_t)scale, (size_t)scale);
                } else {
                        sl_buf_append(out, "0.", 2);
                        for (long z = 0; z < scale - (long)un; z++)
                                sl_buf_append_u8(out, '0');
                        sl_buf_append(out, u, un);
                }
        } else {
                sl_buf_append_u8(out, (uint8_t)u[0]);
                if (un > 1) {
                        sl_buf_append_u8(out, '.');
                        sl_buf_append(out, u + 1, un - 1);
                }
                char e[32];
                int en = snprintf(e, sizeof e, "E%c%ld", adjusted < 0 ? '-' : '+', adjusted < 0 ? -adjusted : adjusted);
                sl_buf_append(out, e, (size_t)en);
        }
}

/* Copies the number, true, false or null (kind k) at the cursor to `out` as Jackson prints it. */
static sl_err copy_scalar(jp *j, jkind k, sl_buf *out)
{
        if (k == J_NUMBER) {
                const char *s;
                size_t n;
                bool integral;
                sl_err rc = scan_number(j, &s, &n, &integral);
                if (rc == SL_OK)
                        append_java_number(out, s, n, integral);
                return rc;
        }
        const char *word = k == J_NULL ? "null" : k == J_TRUE ? "true" : "false";
        size_t len = strlen(word);
        sl_buf_append(out, word, len);
        return expect_word(j, word, len);
}

/* Reads the value at the cursor and appends its compact JSON text to `out`, as Jackson writes a
 * parsed value back (for a STRING column that receives an object); with `out` NULL it only skips
 * the value (a field no column asks for). */
static sl_err reserialize(jp *j, sl_buf *out)
{
        jkind k = J_NULL;
        sl_err rc = peek_kind(j, &k);
        if (rc != SL_OK)
                return rc;
        const char *s;
        size_t n;
        bool integral;
        switch (k) {
        case J_NULL:
        case J_TRUE:
        case J_FALSE:
        case J_NUMBER:
                if (out)
                        return copy_scalar(j, k, out);
                if (k == J_NUMBER)
                        return scan_number(j, &s, &n, &integral);
                return k == J_NULL ? expect_word(j, "null", 4) : k == J_TRUE ? expect_word(j, "true", 4)
                                                                             : expect_word(j, "false", 5);
        case J_STRING:
                if ((rc = parse_string(j, &s, &n)) == SL_OK && out)
                        sl_buf_append_json(out, s, n);
                return rc;
        case J_OBJECT:
        case J_ARRAY: {
                bool object = k == J_OBJECT;
                char close = object ? '}' : ']';
                if ((rc = container_enter(j)) != SL_OK)
                        return rc;
                if (out)
                        sl_buf_append_u8(out, object ? '{' : '[');
                for (bool more = !eat(j, close); more;) {
                        if (object) {
                                if ((rc = member_name(j, &s, &n)) != SL_OK)
                                        return rc;
                                if (out) {
                                        sl_buf_append_json(out, s, n);
                                        sl_buf_append_u8(out, ':');
                                }
                        }
                        if ((rc = reserialize(j, out)) != SL_OK)
                                return rc;
                        if ((rc = member_next(j, close, &more)) != SL_OK)
                                return rc;
                        if (more && out)
                                sl_buf_append_u8(out, ',');
                }
                j->depth--;
                if (out)
                        sl_buf_append_u8(out, (uint8_t)close);
                return SL_OK;
        }
        }
        return SL_OK;
}

/* Skips the value at the cursor. */
static sl_err skip_value(jp *j)
{
        return reserialize(j, NULL);
}

/* ksqlDB's processString: the text a STRING column gets from any JSON value (not null), appended
 * to `out`. */
static sl_err stringify(jp *j, jkind k, sl_buf *out)
{
        const char *s;
        size_t n;
        sl_err rc;
        switch (k) {
        case J_STRING:
                if ((rc = parse_string(j, &s, &n)) == SL_OK)
                        sl_buf_append(out, s, n);
                return rc;
        case J_NUMBER:
        case J_TRUE:
        case J_FALSE:
        case J_NULL:
                return copy_scalar(j, k, out);
        case J_OBJECT:
                return reserialize(j, out);
        case J_ARRAY: {
                if ((rc = container_enter(j)) != SL_OK)
                        return rc;
                sl_buf_append_u8(out, '[');
                for (bool more = !eat(j, ']'), first = true; more; first = false) {
                        if (!first)
                                sl_buf_append(out, ", ", 2);
                        jkind ek = J_NULL;
                        if ((rc = peek_kind(j, &ek)) != SL_OK)
                                return rc;
                        if ((rc = stringify(j, ek, out)) != SL_OK)
                                return rc;
                        if ((rc = member_next(j, ']', &more)) != SL_OK)
                                return rc;
                }
                j->depth--;
                sl_buf_append_u8(out, ']');
                return SL_OK;
        }
        }
        return SL_OK;
}

static sl_err parse_typed(jp *j, const sl_type *type, sl_value *out);

/* Index of the field `key` matches exactly, else -1. `hint` is tried first. */
static inline bool name_eq(const char *name, const char *key, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (name[i] != key[i])
                        return false;
        return name[n] == 0;
}

/* name == upper(key); *lower records whether the key had a lower-case letter. */
static inline bool name_eq_ci(const char *name, const char *key, size_t n, bool *lower)
{
        bool low = false;
        for (size_t i = 0; i < n; i++) {
                char c = key[i];
                if (c >= 'a' && c <= 'z') {
                        c = (char)(c - 'a' + 'A');
                        low = true;
                }
                if (name[i] != c)
                        return false;
        }
        if (name[n] != 0)
                return false;
        *lower = low;
        return true;
}

/* True when no field name has a lower-case ASCII letter (unquoted names always qualify). */
static bool names_upper_only(const sl_type *type)
{
        for (size_t i = 0; i < type->nfields; i++)
                for (const char *c = type->fields[i].name; *c; c++)
                        if (*c >= 'a' && *c <= 'z')
                                return false;
        return true;
}

static inline bool name_eq_upper(const char *name, const char *key, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                char c = key[i];
                if (c >= 'a' && c <= 'z')
                        c = (char)(c - 'a' + 'A');
                if (name[i] != c)
                        return false;
        }
        return name[n] == 0;
}

/* Decodes the object at the cursor against STRUCT `type` into vals[0..nfields) (already NULL). */
static sl_err parse_fields(jp *j, const sl_type *type, sl_value *vals, int upper_only)
{
        size_t nf = type->nfields;
        if (upper_only < 0)
                upper_only = names_upper_only(type);
        const sl_type_field *f = type->fields;
        uint64_t exact_small = 0;
        uint8_t *exact_big = nf > 64 ? sl_arena_calloc(j->arena, nf, 1) : NULL;
        size_t hint = 0;
        sl_err rc;
        if ((rc = container_enter(j)) != SL_OK)
                return rc;
        for (bool more = !eat(j, '}'); more;) {
                const char *key;
                size_t klen;
                if ((rc = member_name(j, &key, &klen)) != SL_OK)
                        return rc;
                long idx = -1;
                bool exact = false;
                if (upper_only) {
                        /* every name is upper case, so a key matches at most one field and
                         * matches it exactly iff the key has no lower-case letter; try the field
                         * after the last match first (keys usually come in schema order) */
                        bool lower = false;
                        if (hint < nf && name_eq_ci(f[hint].name, key, klen, &lower)) {
                                idx = (long)hint;
                        } else {
                                for (size_t i = 0; i < nf; i++) {
                                        if (i != hint && name_eq_ci(f[i].name, key, klen, &lower)) {
                                                idx = (long)i;
                                                break;
                                        }
                                }
                        }
                        exact = !lower;
                } else {
                        /* exact match first, then upper-cased */
                        for (size_t i = 0; i < nf; i++) {
                                if (name_eq(f[i].name, key, klen)) {
                                        idx = (long)i;
                                        exact = true;
                                        break;
                                }
                        }
                        if (idx < 0) {
                                for (size_t i = 0; i < nf; i++) {
                                        if (name_eq_upper(f[i].name, key, klen)) {
                                                idx = (long)i;
                                                break;
                                        }
                                }
                        }
                }
                if (idx >= 0) {
                        size_t i = (size_t)idx;
                        bool had_exact = exact_big ? exact_big[i] : (exact_small >> i) & 1;
                        if (exact || !had_exact) {
                                if (exact) {
                                        if (exact_big)
                                                exact_big[i] = 1;
                                        else
                                                exact_small |= (uint64_t)1 << i;
                                }
                                if ((rc = parse_typed(j, f[i].type, &vals[i])) != SL_OK) {
                                        path_prepend_name(j, f[i].name, strlen(f[i].name));
                                        return rc;
                                }
                                hint = i + 1;
                        } else if ((rc = skip_value(j)) != SL_OK) {
                                return rc;
                        }
                } else if ((rc = skip_value(j)) != SL_OK) {
                        return rc;
                }
                if ((rc = member_next(j, '}', &more)) != SL_OK)
                        return rc;
        }
        j->depth--;
        return SL_OK;
}

static sl_err parse_array(jp *j, const sl_type *type, sl_value *out)
{
        sl_serde_scratch *sc = j->scratch;
        size_t base = sc->len;
        sl_err rc;
        if ((rc = container_enter(j)) != SL_OK)
                return rc;
        size_t idx = 0;
        for (bool more = !eat(j, ']'); more; idx++) {
                sl_value v = sl_value_null();
                if ((rc = parse_typed(j, type->elem, &v)) != SL_OK) {
                        path_prepend_index(j, idx);
                        return rc;
                }
                *sl_serde_scratch_push(sc, 1) = v;
                sc->len++;
                if ((rc = member_next(j, ']', &more)) != SL_OK)
                        return rc;
        }
        j->depth--;
        size_t n = sc->len - base;
        sl_value *items;
        *out = sl_value_composite_new(j->arena, type, n, &items);
        if (n)
                memcpy(items, sc->stack + base, n * sizeof *items);
        sc->len = base;
        return SL_OK;
}

/* Maps with more entries than this find repeated keys through a hash index instead of a scan. */
#define MAP_SCAN_MAX 16

static sl_err parse_map(jp *j, const sl_type *type, sl_value *out)
{
        sl_serde_scratch *sc = j->scratch;
        size_t base = sc->len;
        sl_map index;    /* key -> 1 + entry number, built once the map is large */
        bool indexed = false;
        const char *key; /* the entry being read, inside the text */
        size_t klen;
        sl_err rc = SL_OK;
        if ((rc = container_enter(j)) != SL_OK)
                return rc;
        for (bool more = !eat(j, '}'); more;) {
                if ((rc = member_name(j, &key, &klen)) != SL_OK)
                        goto fail;
                sl_value v = sl_value_null();
                if ((rc = parse_typed(j, type->elem, &v)) != SL_OK) {
                        char part[160];
                        int pn = snprintf(part, sizeof part, ".%.*s.value", (int)(klen < 140 ? klen : 140), key);
                        path_prepend(j, part, (size_t)pn);
                        goto fail;
                }
                /* a repeated key replaces the earlier value (Java's HashMap.put) */
                size_t entries = (sc->len - base) / 2;
                sl_value *dup = NULL;
                if (indexed) {
                        uintptr_t at = (uintptr_t)sl_map_get(&index, key, klen);
                        if (at)
                                dup = &sc->stack[base + 2 * (at - 1) + 1];
                } else {
                        for (size_t i = base; i < sc->len; i += 2) {
                                const sl_value *k = &sc->stack[i];
                                if (k->len == klen && memcmp(k->u.bytes, key, klen) == 0) {
                                        dup = &sc->stack[i + 1];
                                        break;
                                }
                        }
                }
                if (dup) {
                        *dup = v;
                } else {
                        sl_value *slot = sl_serde_scratch_push(sc, 2);
                        slot[0] = sl_value_string_copy(j->arena, key, klen);
                        slot[1] = v;
                        sc->len += 2;
                        entries++;
                        if (indexed) {
                                sl_map_put(&index, key, klen, (void *)(uintptr_t)entries);
                        } else if (entries > MAP_SCAN_MAX) {
                                sl_map_init(&index, false);
                                indexed = true;
                                for (size_t e = 0; e < entries; e++) {
                                        const sl_value *k = &sc->stack[base + 2 * e];
                                        sl_map_put(&index, k->u.bytes, k->len, (void *)(uintptr_t)(e + 1));
                                }
                        }
                }
                if ((rc = member_next(j, '}', &more)) != SL_OK)
                        goto fail;
        }
        j->depth--;
        {
                size_t n = (sc->len - base) / 2;
                sl_value *items;
                *out = sl_value_composite_new(j->arena, type, n, &items);
                if (n)
                        memcpy(items, sc->stack + base, 2 * n * sizeof *items);
        }
fail:
        sc->len = base;
        if (indexed)
                sl_map_deinit(&index);
        return rc;
}

/* Decodes the value at the cursor as `type` into *out, with ksqlDB's coercions. */
static sl_err parse_typed(jp *j, const sl_type *type, sl_value *out)
{
        jkind k = J_NULL;
        sl_err rc = peek_kind(j, &k);
        if (rc != SL_OK)
                return rc;
        if (k == J_NULL) {
                *out = sl_value_null();
                return expect_word(j, "null", 4);
        }
        const char *s = NULL;
        size_t n = 0;
        bool integral = true;
        switch (type->kind) {
        case SL_TYPE_BOOLEAN:
                if (k == J_TRUE) {
                        *out = sl_value_bool(true);
                        return expect_word(j, "true", 4);
                }
                if (k == J_FALSE) {
                        *out = sl_value_bool(false);
                        return expect_word(j, "false", 5);
                }
                break;
        case SL_TYPE_INT:
        case SL_TYPE_DATE:
        case SL_TYPE_TIME:
        case SL_TYPE_BIGINT:
        case SL_TYPE_TIMESTAMP: {
                bool wide = type->kind == SL_TYPE_BIGINT || type->kind == SL_TYPE_TIMESTAMP;
                int64_t v = 0;
                if (k == J_NUMBER) {
                        /* fast path: a plain integer of up to 18 digits */
                        const char *p = j->p, *e = j->end;
                        bool neg = *p == '-';
                        p += neg;
                        const char *d0 = p;
                        uint64_t u = 0;
                        while (p < e && (unsigned)(*p - '0') <= 9 && p - d0 < 19)
                                u = u * 10 + (uint64_t)(*p++ - '0');
                        size_t nd = (size_t)(p - d0);
                        if (nd && nd <= 18 && (nd == 1 || *d0 != '0') &&
                            (p >= e || (*p != '.' && *p != 'e' && *p != 'E' && (unsigned)(*p - '0') > 9))) {
                                j->p = p;
                                v = neg ? -(int64_t)u : (int64_t)u;
                                if (!wide)
                                        v = (int32_t)(uint32_t)(uint64_t)v;
                                goto have_int;
                        }
                        if ((rc = scan_number(j, &s, &n, &integral)) != SL_OK)
                                return rc;
                        v = (int64_t)number_low_bits(s, n);
                        if (!wide)
                                v = (int32_t)(uint32_t)(uint64_t)v;
                } else if (k == J_STRING) {
                        if ((rc = parse_string(j, &s, &n)) != SL_OK)
                                return rc;
                        int32_t v32;
                        bool ok = wide ? sl_serde_parse_i64(s, n, &v) : sl_serde_parse_i32(s, n, &v32);
                        if (!ok)
                                return coerce_fail(j, "Can't coerce string to type. targetType: %s",
                                                   sl_type_kind_name(type->kind));
                        if (!wide)
                                v = v32;
                } else {
                        break;
                }
        have_int:
                if (wide)
                        *out = (sl_value){.kind = (uint8_t)type->kind, .u.i64 = v};
                else
                        *out = (sl_value){.kind = (uint8_t)type->kind, .u.i32 = (int32_t)v};
                return SL_OK;
        }
        case SL_TYPE_DOUBLE:
                if (k == J_NUMBER) {
                        if ((rc = scan_number(j, &s, &n, &integral)) != SL_OK)
                                return rc;
                        *out = sl_value_double(0);
                        return number_to_double(j, s, n, &out->u.f64);
                }
                if (k == J_STRING) {
                        if ((rc = parse_string(j, &s, &n)) != SL_OK)
                                return rc;
                        *out = sl_value_double(0);
                        if (sl_cast_parse_double(s, n, &out->u.f64, NULL) != SL_OK)
                                return coerce_fail(j, "Can't coerce string to type. targetType: %s", "DOUBLE");
                        return SL_OK;
                }
                break;
        case SL_TYPE_DECIMAL:
                if (k == J_NUMBER || k == J_STRING) {
                        rc = k == J_NUMBER ? scan_number(j, &s, &n, &integral) : parse_string(j, &s, &n);
                        if (rc != SL_OK)
                                return rc;
                        sl_decimal d;
                        sl_err_detail derr;
                        rc = sl_decimal_parse_to(s, n, type->precision, type->scale, &d, &derr);
                        if (rc != SL_OK) {
                                sl_err_set(j->err, SL_ERR_SERDE, "%s", rc == SL_ERR_OVERFLOW ? derr.message
                                           : "Can't coerce string to type. targetType: DECIMAL");
                                j->coercion = true;
                                j->pathlen = 0;
                                return SL_ERR_SERDE;
                        }
                        *out = sl_value_decimal(d);
                        return SL_OK;
                }
                break;
        case SL_TYPE_STRING:
                if (k == J_STRING) {
                        if ((rc = parse_string(j, &s, &n)) != SL_OK)
                                return rc;
                        *out = sl_value_string_copy(j->arena, s, n);
                        return SL_OK;
                }
                if (k == J_NUMBER) {
                        if ((rc = scan_number(j, &s, &n, &integral)) != SL_OK)
                                return rc;
                        sl_buf_reset(&j->tmp);
                        append_java_number(&j->tmp, s, n, integral);
                        *out = sl_value_string_copy(j->arena, (const char *)j->tmp.data, j->tmp.len);
                        return SL_OK;
                }
                sl_buf_reset(&j->tmp);
                if ((rc = stringify(j, k, &j->tmp)) != SL_OK)
                        return rc;
                *out = sl_value_string_copy(j->arena, (const char *)j->tmp.data, j->tmp.len);
                return SL_OK;
        case SL_TYPE_BYTES:
                if (k == J_STRING) {
                        if ((rc = parse_string(j, &s, &n)) != SL_OK)
                                return rc;
                        const uint8_t *b;
                        size_t blen;
                        if (!sl_serde_base64_decode(j->arena, s, n, &b, &blen))
                                return coerce_fail(j, "%s", "Value is not a valid Base64 encoded string");
                        *out = sl_value_bytes(b, blen);
                        return SL_OK;
                }
                break;
        case SL_TYPE_ARRAY:
                if (k == J_ARRAY)
                        return parse_array(j, type, out);
                break;
        case SL_TYPE_MAP:
                if (k == J_OBJECT)
                        return parse_map(j, type, out);
                break;
        case SL_TYPE_STRUCT:
                if (k == J_OBJECT) {
                        sl_value *items;
                        *out = sl_value_composite_new(j->arena, type, type->nfields, &items);
                        return parse_fields(j, type, items, -1);
                }
                break;
        default:
                break;
        }
        if (k == J_NUMBER) {
                const char *save = j->p;
                if ((rc = scan_number(j, &s, &n, &integral)) != SL_OK)
                        return rc;
                j->p = save;
        }
        return cannot_convert(j, k, s, n, type);
}

static sl_err json_decode(const sl_serde *serde, sl_slice in, sl_arena *arena, sl_serde_scratch *scratch,
                          sl_value *row, bool *row_null, sl_err_detail *err)
{
        const json_priv *priv = serde->priv;
        jp j = {
                .p = (const char *)in.ptr, .start = (const char *)in.ptr, .end = (const char *)in.ptr + in.len,
                .arena = arena, .scratch = scratch, .err = err,
        };
        sl_buf_init(&j.tmp);
        jkind k = J_NULL;
        sl_err rc = peek_kind(&j, &k);
        if (rc != SL_OK)
                goto fail;
        if (k == J_NULL) {
                *row_null = true;
                rc = expect_word(&j, "null", 4);
                goto fail;
        }
        if (serde->unwrapped) {
                rc = parse_typed(&j, serde->columns[0].type, &row[0]);
        } else if (k == J_OBJECT) {
                rc = parse_fields(&j, priv->top, row, priv->top_upper_only);
        } else {
                rc = parse_typed(&j, priv->top, &row[0]);  /* reports the mismatch */
        }
        if (rc != SL_OK)
                goto fail;
        sl_buf_deinit(&j.tmp);
        return SL_OK;
fail:
        if (rc != SL_OK && j.coercion) {
                /* Jackson parses the whole text before coercing: a syntax error anywhere wins */
                jp v = {.p = j.start, .start = j.start, .end = j.end, .arena = arena, .err = err};
                if (skip_value(&v) != SL_OK)
                        j.coercion = false;
        }
        if (rc != SL_OK && j.coercion && err) {
                /* append ", path: $..." to the message, as ksqlDB's CoercionException does */
                size_t ml = strlen(err->message), room = sizeof err->message - 1 - ml;
                char suffix[sizeof j.path + 16];
                size_t sl = (size_t)snprintf(suffix, sizeof suffix, ", path: $%.*s", (int)j.pathlen, j.path);
                if (sl > room)
                        sl = room;
                memcpy(err->message + ml, suffix, sl);
                err->message[ml + sl] = 0;
        }
        sl_buf_deinit(&j.tmp);
        return rc;
}

/* ---- encoding ---- */

static sl_err encode_value(sl_buf *out, const sl_value *v, int depth, sl_err_detail *err);

/* Appends an object member: the quoted name, ':' and the value. */
static sl_err encode_member(sl_buf *out, const char *name, size_t len, const sl_value *v, int depth,
                            sl_err_detail *err)
{
        sl_buf_append_json(out, name, len);
        sl_buf_append_u8(out, ':');
        return encode_value(out, v, depth, err);
}

static sl_err encode_value(sl_buf *out, const sl_value *v, int depth, sl_err_detail *err)
{
        char tmp[64];
        if (depth > MAX_DEPTH)
                return sl_err_set(err, SL_ERR_SERDE, "value nested too deep for JSON");
        switch (v->kind) {
        case SL_TYPE_NULL:
                sl_buf_append(out, "null", 4);
                return SL_OK;
        case SL_TYPE_BOOLEAN:
                if (v->u.b)
                        sl_buf_append(out, "true", 4);
                else
                        sl_buf_append(out, "false", 5);
                return SL_OK;
        case SL_TYPE_INT:
        case SL_TYPE_DATE:
        case SL_TYPE_TIME:
                sl_serde_append_i64(out, v->u.i32);
                return SL_OK;
        case SL_TYPE_BIGINT:
        case SL_TYPE_TIMESTAMP:
                sl_serde_append_i64(out, v->u.i64);
                return SL_OK;
        case SL_TYPE_DOUBLE: {
                size_t n = sl_value_fmt_double(v->u.f64, tmp);
                if (isfinite(v->u.f64))
                        sl_buf_append(out, tmp, n);
                else
                        sl_buf_append_json(out, tmp, n);
                return SL_OK;
        }
        case SL_TYPE_DECIMAL:
                sl_buf_append(out, tmp, sl_decimal_format(sl_value_get_decimal(v), tmp));
                return SL_OK;
        case SL_TYPE_STRING:
                sl_buf_append_json(out, (const char *)v->u.bytes, v->len);
                return SL_OK;
        case SL_TYPE_BYTES:
                sl_buf_append_u8(out, '"');
                sl_serde_base64_append(out, v->u.bytes, v->len);
                sl_buf_append_u8(out, '"');
                return SL_OK;
        case SL_TYPE_ARRAY:
                sl_buf_append_u8(out, '[');
                for (uint32_t i = 0; i < v->len; i++) {
                        if (i)
                                sl_buf_append_u8(out, ',');
                        sl_err rc = encode_value(out, &v->u.comp.items[i], depth + 1, err);
                        if (rc != SL_OK)
                                return rc;
                }
                sl_buf_append_u8(out, ']');
                return SL_OK;
        case SL_TYPE_MAP:
        case SL_TYPE_STRUCT:
                /* a map's STRING keys or a struct's field names become the object's member names */
                sl_buf_append_u8(out, '{');
                for (uint32_t i = 0; i < v->len; i++) {
                        const char *name;
                        size_t name_len;
                        const sl_value *member;
                        if (v->kind == SL_TYPE_MAP) {
                                const sl_value *k = &v->u.comp.items[2 * i];
                                if (k->kind != SL_TYPE_STRING)
                                        return sl_err_set(err, SL_ERR_SERDE, "JSON only supports MAP types with STRING keys");
                                name = (const char *)k->u.bytes;
                                name_len = k->len;
                                member = &v->u.comp.items[2 * i + 1];
                        } else {
                                name = v->u.comp.type->fields[i].name;
                                name_len = strlen(name);
                                member = &v->u.comp.items[i];
                        }
                        if (i)
                                sl_buf_append_u8(out, ',');
                        sl_err rc = encode_member(out, name, name_len, member, depth + 1, err);
                        if (rc != SL_OK)
                                return rc;
                }
                sl_buf_append_u8(out, '}');
                return SL_OK;
        default:
                return sl_err_set(err, SL_ERR_SERDE, "cannot write a value of kind %d as JSON", v->kind);
        }
}

static sl_err json_encode(const sl_serde *serde, const sl_value *row, sl_buf *out, bool *out_null,
                          sl_err_detail *err)
{
        const json_priv *priv = serde->priv;
        size_t mark = out->len;
        sl_err rc;
        if (serde->unwrapped) {
                if (row[0].kind == SL_TYPE_NULL) {
                        *out_null = true;
                        return SL_OK;
                }
                rc = encode_value(out, &row[0], 0, err);
                goto done;
        }
        if (serde->ncolumns == 0) {
                sl_buf_append(out, "{}", 2);
                return SL_OK;
        }
        for (size_t i = 0; i < serde->ncolumns; i++) {
                sl_buf_append(out, priv->prefix[i].ptr, priv->prefix[i].len);
                if ((rc = encode_value(out, &row[i], 1, err)) != SL_OK)
                        goto done;
        }
        sl_buf_append_u8(out, '}');
        rc = SL_OK;
done:
        if (rc != SL_OK) {
                out->len = mark;
                if (out->data)
                        out->data[mark] = 0;
        }
        return rc;
}

static bool map_keys_are_strings(const sl_type *t)
{
        switch (t->kind) {
        case SL_TYPE_ARRAY:
                return map_keys_are_strings(t->elem);
        case SL_TYPE_MAP:
                return t->key->kind == SL_TYPE_STRING && map_keys_are_strings(t->elem);
        case SL_TYPE_STRUCT:
                for (size_t i = 0; i < t->nfields; i++)
                        if (!map_keys_are_strings(t->fields[i].type))
                                return false;
                return true;
        default:
                return t->kind != SL_TYPE_NULL;
        }
}

static sl_err json_check(sl_serde *serde, sl_err_detail *err)
{
        for (size_t i = 0; i < serde->ncolumns; i++)
                if (!map_keys_are_strings(serde->columns[i].type))
                        return sl_err_set(err, SL_ERR_UNSUPPORTED, "JSON only supports MAP types with STRING keys");
        json_priv *priv = sl_arena_calloc(&serde->arena, 1, sizeof *priv);
        sl_type_field *fields = sl_arena_calloc(&serde->arena, serde->ncolumns + 1, sizeof *fields);
        priv->prefix = sl_arena_calloc(&serde->arena, serde->ncolumns + 1, sizeof *priv->prefix);
        sl_buf b;
        sl_buf_init(&b);
        for (size_t i = 0; i < serde->ncolumns; i++) {
                fields[i].name = serde->columns[i].name;
                fields[i].type = serde->columns[i].type;
                sl_buf_reset(&b);
                sl_buf_append_u8(&b, i ? ',' : '{');
                sl_buf_append_json(&b, serde->columns[i].name, serde->name_lens[i]);
                sl_buf_append_u8(&b, ':');
                priv->prefix[i] = SL_SLICE(sl_arena_memdup(&serde->arena, b.data, b.len), b.len);
        }
        sl_buf_deinit(&b);
        priv->top = sl_type_struct(&serde->arena, fields, serde->ncolumns);
        priv->top_upper_only = names_upper_only(priv->top);
        serde->priv = priv;
        return SL_OK;
}

const sl_serde_ops sl_serde_json_ops = {
        .check = json_check,
        .decode = json_decode,
        .encode = json_encode,
};
