/* fn_conversion.c: text encodings and byte conversions: ENCODE(str, from, to), TO_BYTES,
 * FROM_BYTES (hex, utf8, ascii, base64) and INT/BIGINT/DOUBLE_FROM_BYTES (big or little endian).
 * Decoding follows Java: hex text may carry a 0x prefix (an odd digit count then gets a leading
 * zero) or the X'..' literal form; bytes that are not ASCII (or not UTF-8) decode to U+FFFD;
 * characters that are not ASCII encode to '?'. Undecodable input gives NULL; an unknown encoding
 * name is an error for TO_BYTES/FROM_BYTES and NULL for ENCODE, as ksqlDB. */
#include "common/base64.h"
#include "func/func_int.h"

#define N SL_FUNC_NULL_IN_NULL_OUT

typedef enum enc { ENC_BAD, ENC_HEX, ENC_UTF8, ENC_ASCII, ENC_BASE64 } enc;

static enc enc_of(const sl_value *v)
{
        if (sl_func_str_eq_ci(v, "hex"))
                return ENC_HEX;
        if (sl_func_str_eq_ci(v, "utf8"))
                return ENC_UTF8;
        if (sl_func_str_eq_ci(v, "ascii"))
                return ENC_ASCII;
        if (sl_func_str_eq_ci(v, "base64"))
                return ENC_BASE64;
        return ENC_BAD;
}

static int hexval(int c)
{
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Text -> bytes in `out`. False when the text is not valid in the encoding. */
static bool decode_text(enc e, const char *p, size_t len, sl_buf *out)
{
        switch (e) {
        case ENC_HEX: {
                bool pad = false;
                if (len >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
                        p += 2;
                        len -= 2;
                        pad = len % 2 == 1;
                } else if (len >= 3 && (p[0] == 'X' || p[0] == 'x') && p[1] == '\'' && p[len - 1] == '\'') {
                        p += 2;
                        len -= 3;
                }
                if (len % 2 == 1 && !pad)
                        return false;
                size_t i = 0;
                if (pad) {
                        int h = hexval((unsigned char)p[0]);
                        if (h < 0)
                                return false;
                        sl_buf_append_u8(out, (uint8_t)h);
                        i = 1;
                }
                for (; i < len; i += 2) {
                        int hi = hexval((unsigned char)p[i]), lo = hexval((unsigned char)p[i + 1]);
                        if (hi < 0 || lo < 0)
                                return false;
                        sl_buf_append_u8(out, (uint8_t)(hi * 16 + lo));
                }
                return true;
        }
        case ENC_UTF8:
                sl_buf_append(out, p, len);
                return true;
        case ENC_ASCII: {
                size_t i = 0, adv;
                while (i < len) {
                        uint32_t cp = sl_func_utf8_decode(p + i, len - i, &adv);
                        if (cp < 0x80) {
                                sl_buf_append_u8(out, (uint8_t)cp);
                        } else {
                                sl_buf_append_u8(out, '?');
                                if (cp >= 0x10000)
                                        sl_buf_append_u8(out, '?');  /* a surrogate pair in Java */
                        }
                        i += adv;
                }
                return true;
        }
        case ENC_BASE64: {
                size_t data = len;
                while (data > 0 && p[data - 1] == '=')
                        data--;
                if (len - data > 2 || (len % 4 != 0 && len - data > 0))
                        return false;
                uint8_t *dst = sl_buf_extend(out, data / 4 * 3 + 3);
                long n = sl_base64_decode_chars(p, data, dst);
                if (n < 0)
                        return false;
                out->len -= data / 4 * 3 + 3 - (size_t)n;
                out->data[out->len] = 0;
                return data % 4 != 1;
        }
        default:
                return false;
        }
}

/* Bytes -> text. */
static void encode_bytes(enc e, const uint8_t *p, size_t len, sl_str *out, bool upper_hex)
{
        static const char lower[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
        switch (e) {
        case ENC_HEX:
                for (size_t i = 0; i < len; i++) {
                        const char *d = upper_hex ? upper : lower;
                        sl_str_append_char(out, d[p[i] >> 4]);
                        sl_str_append_char(out, d[p[i] & 15]);
                }
                break;
        case ENC_UTF8: {
                size_t i = 0, adv;
                while (i < len) {
                        uint32_t cp = sl_func_utf8_decode((const char *)p + i, len - i, &adv);
                        if (adv == 1 && p[i] >= 0x80)
                                cp = 0xfffd;
                        sl_func_utf8_append(out, cp);
                        i += adv;
                }
                break;
        }
        case ENC_ASCII:
                for (size_t i = 0; i < len; i++)
                        sl_func_utf8_append(out, p[i] < 0x80 ? p[i] : 0xfffd);
                break;
        case ENC_BASE64:
                sl_value_append_base64(out, p, len);
                break;
        default:
                break;
        }
}

static sl_err fn_encode(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        enc from = enc_of(&a[1]), to = enc_of(&a[2]);
        if (from == ENC_BAD || to == ENC_BAD)
                return SL_OK;
        sl_buf raw;
        sl_str s;
        sl_buf_init(&raw);
        sl_str_init(&s);
        if (decode_text(from, fn_sp(&a[0]), a[0].len, &raw)) {
                encode_bytes(to, raw.data, raw.len, &s, false);
                *out = fn_str_from(ctx, &s);
        }
        sl_buf_deinit(&raw);
        sl_str_deinit(&s);
        return SL_OK;
}

static sl_err bad_encoding(sl_func_ctx *ctx, const sl_value *v)
{
        return sl_err_set(ctx->err, SL_ERR_FUNCTION, "Supported input encodings are: hex, utf8, ascii and base64, not '%.*s'",
                          (int)v->len, fn_sp(v));
}

static sl_err fn_to_bytes(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        enc e = enc_of(&a[1]);
        if (e == ENC_BAD)
                return bad_encoding(ctx, &a[1]);
        sl_buf raw;
        sl_buf_init(&raw);
        if (decode_text(e, fn_sp(&a[0]), a[0].len, &raw))
                *out = sl_value_bytes_copy(ctx->arena, raw.data ? raw.data : (const uint8_t *)"", raw.len);
        sl_buf_deinit(&raw);
        return SL_OK;
}

static sl_err fn_from_bytes(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        enc e = enc_of(&a[1]);
        if (e == ENC_BAD)
                return bad_encoding(ctx, &a[1]);
        sl_str s;
        sl_str_init(&s);
        encode_bytes(e, a[0].u.bytes, a[0].len, &s, true);
        *out = fn_str_from(ctx, &s);
        sl_str_deinit(&s);
        return SL_OK;
}

/* Reads `width` bytes as an unsigned big- or little-endian number. */
static sl_err read_number(sl_func_ctx *ctx, const sl_value *a, size_t n, size_t width, uint64_t *v)
{
        bool little = false;
        if (n > 1) {
                if (sl_func_str_eq_ci(&a[1], "LITTLE_ENDIAN"))
                        little = true;
                else if (!sl_func_str_eq_ci(&a[1], "BIG_ENDIAN"))
                        return sl_err_set(ctx->err, SL_ERR_FUNCTION,
                                          "byte order must be BIG_ENDIAN or LITTLE_ENDIAN, not '%.*s'", (int)a[1].len,
                                          fn_sp(&a[1]));
        }
        if (a[0].len != width)
                return sl_err_set(ctx->err, SL_ERR_FUNCTION, "Number of bytes must be equal to %zu, but found %u", width,
                                  a[0].len);
        *v = 0;
        for (size_t i = 0; i < width; i++)
                *v = (*v << 8) | a[0].u.bytes[little ? width - 1 - i : i];
        return SL_OK;
}

static sl_err fn_int_from_bytes(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        uint64_t v = 0;
        sl_err rc = read_number(ctx, a, n, 4, &v);
        if (!rc)
                *out = sl_value_int((int32_t)(uint32_t)v);
        return rc;
}

static sl_err fn_bigint_from_bytes(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        uint64_t v = 0;
        sl_err rc = read_number(ctx, a, n, 8, &v);
        if (!rc)
                *out = sl_value_bigint((int64_t)v);
        return rc;
}

static sl_err fn_double_from_bytes(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        uint64_t v = 0;
        double d;
        sl_err rc = read_number(ctx, a, n, 8, &v);
        if (!rc) {
                memcpy(&d, &v, sizeof d);
                *out = sl_value_double(d);
        }
        return rc;
}

static const sl_func_builtin conversion_funcs[] = {
        {"encode", "STRING", "Re-encodes a string from one encoding to another (hex, utf8, ascii, base64).",
         "STRING str, STRING inputEncoding, STRING outputEncoding", "STRING", fn_encode, N, NULL},
        {"to_bytes", "STRING", "Converts a string to bytes using an encoding (hex, utf8, ascii, base64).",
         "STRING str, STRING encoding", "BYTES", fn_to_bytes, N, NULL},
        {"from_bytes", "STRING", "Converts bytes to a string using an encoding (hex, utf8, ascii, base64).",
         "BYTES bytes, STRING encoding", "STRING", fn_from_bytes, N, NULL},
        {"int_from_bytes", "CONVERSIONS", "Converts 4 bytes to an INT (BIG_ENDIAN unless told otherwise).",
         "BYTES bytes", "INT", fn_int_from_bytes, N, NULL},
        {"int_from_bytes", "CONVERSIONS", NULL, "BYTES bytes, STRING byteOrder", "INT", fn_int_from_bytes, N, NULL},
        {"bigint_from_bytes", "CONVERSIONS", "Converts 8 bytes to a BIGINT (BIG_ENDIAN unless told otherwise).",
         "BYTES bytes", "BIGINT", fn_bigint_from_bytes, N, NULL},
        {"bigint_from_bytes", "CONVERSIONS", NULL, "BYTES bytes, STRING byteOrder", "BIGINT", fn_bigint_from_bytes, N,
         NULL},
        {"double_from_bytes", "CONVERSIONS", "Converts 8 bytes to a DOUBLE (BIG_ENDIAN unless told otherwise).",
         "BYTES bytes", "DOUBLE", fn_double_from_bytes, N, NULL},
        {"double_from_bytes", "CONVERSIONS", NULL, "BYTES bytes, STRING byteOrder", "DOUBLE", fn_double_from_bytes, N,
         NULL},
};

sl_err sl_func_conversion_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_ADD_TABLE(reg, conversion_funcs, err);
}
