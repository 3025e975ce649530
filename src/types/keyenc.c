/* keyenc.c: memcmp-ordered key encoding (layout in keyenc.h). Each encoding is self-delimiting
 * and prefix-free within its type, which is what makes tuples and composites order
 * lexicographically: the first member whose encodings differ decides, at the first byte where they
 * differ.
 *
 * DECIMAL example: 12.5 normalises to digits "125" with exponent 2 (0.125 x 10^2) and encodes as
 * 04 82 23 60: tag positive, exponent 2+128, nibbles 2 3 | 6 0 (digit+1, then the 0 terminator).
 * -12.5 complements everything after the tag: 02 7D DC 9F. A larger exponent means a larger
 * magnitude, and equal exponents compare digit by digit, a shorter digit string first. */
#include "types/keyenc.h"

#include <math.h>
#include <string.h>

#include "common/mem.h"
#include "types/compare.h"

#define TAG_NULL 0x00
#define TAG_VALUE 0x01
#define TAG_DEC_NEG 0x02
#define TAG_DEC_ZERO 0x03
#define TAG_DEC_POS 0x04

static void append_decimal(sl_buf *out, sl_decimal d)
{
        if (d.unscaled == 0) {
                sl_buf_append_u8(out, TAG_DEC_ZERO);
                return;
        }
        bool neg = d.unscaled < 0;
        d = sl_decimal_normalize(d);
        char digs[SL_DECIMAL_STR_MAX];
        sl_decimal whole = {.unscaled = neg ? -d.unscaled : d.unscaled, .precision = 38, .scale = 0};
        int n = (int)sl_decimal_format(whole, digs);
        int exp10 = n - d.scale;
        uint8_t flip = neg ? 0xFF : 0x00;
        sl_buf_append_u8(out, neg ? TAG_DEC_NEG : TAG_DEC_POS);
        sl_buf_append_u8(out, (uint8_t)(exp10 + 128) ^ flip);
        /* nibbles digit+1, then a 0 nibble; padded to whole bytes with 0 */
        for (int i = 0; i <= n; i += 2) {
                uint8_t hi = i < n ? (uint8_t)(digs[i] - '0' + 1) : 0;
                uint8_t lo = i + 1 < n ? (uint8_t)(digs[i + 1] - '0' + 1) : 0;
                sl_buf_append_u8(out, (uint8_t)(hi << 4 | lo) ^ flip);
        }
}

static void append_escaped(sl_buf *out, const uint8_t *p, size_t len)
{
        size_t start = 0;
        for (size_t i = 0; i < len; i++) {
                if (p[i] != 0)
                        continue;
                sl_buf_append(out, p + start, i + 1 - start);
                sl_buf_append_u8(out, 0xFF);
                start = i + 1;
        }
        sl_buf_append(out, p + start, len - start);
        sl_buf_append_u8(out, 0x00);
        sl_buf_append_u8(out, 0x01);
}

void sl_keyenc_append(sl_buf *out, const sl_value *v)
{
        if (v->kind == SL_TYPE_NULL) {
                sl_buf_append_u8(out, TAG_NULL);
                return;
        }
        if (v->kind == SL_TYPE_DECIMAL) {
                append_decimal(out, sl_value_get_decimal(v));
                return;
        }
        sl_buf_append_u8(out, TAG_VALUE);
        switch (v->kind) {
        case SL_TYPE_BOOLEAN:
                sl_buf_append_u8(out, v->u.b ? 1 : 0);
                break;
        case SL_TYPE_INT:
        case SL_TYPE_DATE:
        case SL_TYPE_TIME:
                sl_buf_append_be32(out, (uint32_t)v->u.i32 ^ 0x80000000u);
                break;
        case SL_TYPE_BIGINT:
        case SL_TYPE_TIMESTAMP:
                sl_buf_append_be64(out, (uint64_t)v->u.i64 ^ (1ULL << 63));
                break;
        case SL_TYPE_DOUBLE: {
                double d = isnan(v->u.f64) ? NAN : v->u.f64;
                uint64_t bits;
                memcpy(&bits, &d, sizeof bits);
                sl_buf_append_be64(out, (bits >> 63) ? ~bits : bits ^ (1ULL << 63));
                break;
        }
        case SL_TYPE_STRING:
        case SL_TYPE_BYTES:
                append_escaped(out, v->u.bytes, v->len);
                break;
        case SL_TYPE_ARRAY:
                for (uint32_t i = 0; i < v->len; i++) {
                        sl_buf_append_u8(out, 0x01);
                        sl_keyenc_append(out, &v->u.comp.items[i]);
                }
                sl_buf_append_u8(out, 0x00);
                break;
        case SL_TYPE_MAP: {
                uint32_t *idx = sl_value_map_sorted(v);
                for (uint32_t i = 0; i < v->len; i++) {
                        sl_buf_append_u8(out, 0x01);
                        sl_keyenc_append(out, &v->u.comp.items[2 * idx[i]]);
                        sl_keyenc_append(out, &v->u.comp.items[2 * idx[i] + 1]);
                }
                sl_buf_append_u8(out, 0x00);
                sl_free(idx);
                break;
        }
        case SL_TYPE_STRUCT:
                for (uint32_t i = 0; i < v->len; i++)
                        sl_keyenc_append(out, &v->u.comp.items[i]);
                break;
        }
}

void sl_keyenc_append_tuple(sl_buf *out, const sl_value *vals, size_t n)
{
        for (size_t i = 0; i < n; i++)
                sl_keyenc_append(out, &vals[i]);
}

/* ---- decoding ---- */

/* A read cursor over the key. */
typedef struct cursor {
        const uint8_t *p;  /* the key */
        size_t len;        /* its length */
        size_t pos;        /* next byte */
} cursor;

static sl_err corrupt(sl_err_detail *err, const cursor *c, const char *what)
{
        return sl_err_set(err, SL_ERR_CORRUPT, "malformed key: %s at byte %zu", what, c->pos);
}

static bool take(cursor *c, size_t n, const uint8_t **out)
{
        if (c->len - c->pos < n)
                return false;
        *out = c->p + c->pos;
        c->pos += n;
        return true;
}

static sl_err decode_decimal(cursor *c, uint8_t tag, const sl_type *type, sl_value *out, sl_err_detail *err)
{
        if (tag == TAG_DEC_ZERO) {
                *out = sl_value_decimal((sl_decimal){0, type->precision, type->scale});
                return SL_OK;
        }
        if (tag != TAG_DEC_POS && tag != TAG_DEC_NEG)
                return corrupt(err, c, "bad decimal tag");
        uint8_t flip = tag == TAG_DEC_NEG ? 0xFF : 0x00;
        const uint8_t *b;
        if (!take(c, 1, &b))
                return corrupt(err, c, "truncated decimal");
        int exp10 = (int)(uint8_t)(b[0] ^ flip) - 128;
        unsigned __int128 mag = 0;
        int n = 0;
        for (bool done = false; !done;) {
                if (!take(c, 1, &b))
                        return corrupt(err, c, "truncated decimal");
                uint8_t byte = b[0] ^ flip;
                uint8_t nib[2] = {byte >> 4, byte & 15};
                for (int k = 0; k < 2 && !done; k++) {
                        if (nib[k] == 0) {
                                done = true;
                        } else if (nib[k] > 10 || ++n > SL_DECIMAL_MAX_PRECISION) {
                                return corrupt(err, c, "bad decimal digits");
                        } else {
                                mag = mag * 10 + (nib[k] - 1);
                        }
                }
        }
        /* value = mag * 10^(exp10 - n); at the type's scale: mag * 10^(exp10 - n + scale) */
        int shift = exp10 - n + type->scale;
        if (n == 0 || shift < 0 || shift > SL_DECIMAL_MAX_PRECISION)
                return corrupt(err, c, "decimal does not fit its type");
        sl_i128 u = (sl_i128)mag;
        if (shift > 0) {
                if (!sl_decimal_fits(u, SL_DECIMAL_MAX_PRECISION - shift))
                        return corrupt(err, c, "decimal does not fit its type");
                u *= sl_decimal_pow10(shift);
        }
        if (!sl_decimal_fits(u, type->precision))
                return corrupt(err, c, "decimal does not fit its type");
        *out = sl_value_decimal((sl_decimal){flip ? -u : u, type->precision, type->scale});
        return SL_OK;
}

static sl_err decode_bytes(sl_arena *arena, cursor *c, sl_type_kind kind, sl_value *out, sl_err_detail *err)
{
        /* first find the terminator and the decoded length, then copy */
        size_t end = c->pos, n = 0;
        for (;; n++) {
                const uint8_t *z = memchr(c->p + end, 0, c->len - end);
                if (!z || (size_t)(z - c->p) + 1 >= c->len) {
                        c->pos = c->len;
                        return corrupt(err, c, "unterminated string");
                }
                n += (size_t)(z - (c->p + end));
                end = (size_t)(z - c->p) + 2;
                if (z[1] == 0x01)
                        break;
                if (z[1] != 0xFF) {
                        c->pos = end - 1;
                        return corrupt(err, c, "bad string escape");
                }
        }
        uint8_t *buf = sl_arena_alloc(arena, n + 1);
        size_t k = 0;
        while (c->pos < end - 2) {
                uint8_t ch = c->p[c->pos];
                buf[k++] = ch;
                c->pos += ch == 0 ? 2 : 1;
        }
        c->pos = end;
        *out = kind == SL_TYPE_STRING ? sl_value_string((const char *)buf, n) : sl_value_bytes(buf, n);
        return SL_OK;
}

static sl_err decode_value(sl_arena *arena, const sl_type *type, cursor *c, sl_value *out, sl_err_detail *err);

/* ARRAY elements or MAP entries: (01 item...)* 00 */
static sl_err decode_seq(sl_arena *arena, const sl_type *type, cursor *c, sl_value *out, sl_err_detail *err)
{
        int per = type->kind == SL_TYPE_MAP ? 2 : 1;
        size_t cap = 8, n = 0;
        sl_value *items = sl_arena_alloc(arena, cap * per * sizeof *items);
        for (;;) {
                const uint8_t *b;
                if (!take(c, 1, &b))
                        return corrupt(err, c, "unterminated collection");
                if (b[0] == 0x00)
                        break;
                if (b[0] != 0x01)
                        return corrupt(err, c, "bad collection marker");
                if (n == cap) {
                        sl_value *bigger = sl_arena_alloc(arena, 2 * cap * per * sizeof *items);
                        memcpy(bigger, items, cap * per * sizeof *items);
                        items = bigger;
                        cap *= 2;
                }
                for (int k = 0; k < per; k++) {
                        const sl_type *t = per == 2 && k == 0 ? type->key : type->elem;
                        sl_err rc = decode_value(arena, t, c, &items[n * per + k], err);
                        if (rc != SL_OK)
                                return rc;
                }
                n++;
        }
        *out = sl_value_composite(type, items, n);
        return SL_OK;
}

static sl_err decode_value(sl_arena *arena, const sl_type *type, cursor *c, sl_value *out, sl_err_detail *err)
{
        const uint8_t *b;
        if (!take(c, 1, &b))
                return corrupt(err, c, "truncated key");
        if (b[0] == TAG_NULL) {
                *out = sl_value_null();
                return SL_OK;
        }
        if (type->kind == SL_TYPE_DECIMAL)
                return decode_decimal(c, b[0], type, out, err);
        if (b[0] != TAG_VALUE)
                return corrupt(err, c, "bad tag");
        switch (type->kind) {
        case SL_TYPE_BOOLEAN:
                if (!take(c, 1, &b) || b[0] > 1)
                        return corrupt(err, c, "bad boolean");
                *out = sl_value_bool(b[0]);
                return SL_OK;
        case SL_TYPE_INT:
        case SL_TYPE_DATE:
        case SL_TYPE_TIME:
                if (!take(c, 4, &b))
                        return corrupt(err, c, "truncated integer");
                *out = (sl_value){.kind = (uint8_t)type->kind, .u.i32 = (int32_t)(sl_load_be32(b) ^ 0x80000000u)};
                return SL_OK;
        case SL_TYPE_BIGINT:
        case SL_TYPE_TIMESTAMP:
                if (!take(c, 8, &b))
                        return corrupt(err, c, "truncated integer");
                *out = (sl_value){.kind = (uint8_t)type->kind, .u.i64 = (int64_t)(sl_load_be64(b) ^ (1ULL << 63))};
                return SL_OK;
        case SL_TYPE_DOUBLE: {
                if (!take(c, 8, &b))
                        return corrupt(err, c, "truncated double");
                uint64_t bits = sl_load_be64(b);
                bits = (bits >> 63) ? bits ^ (1ULL << 63) : ~bits;
                double d;
                memcpy(&d, &bits, sizeof d);
                *out = sl_value_double(d);
                return SL_OK;
        }
        case SL_TYPE_STRING:
        case SL_TYPE_BYTES:
                return decode_bytes(arena, c, type->kind, out, err);
        case SL_TYPE_ARRAY:
        case SL_TYPE_MAP:
                return decode_seq(arena, type, c, out, err);
        case SL_TYPE_STRUCT: {
                sl_value *items;
                sl_value r = sl_value_composite_new(arena, type, type->nfields, &items);
                for (size_t i = 0; i < type->nfields; i++) {
                        sl_err rc = decode_value(arena, type->fields[i].type, c, &items[i], err);
                        if (rc != SL_OK)
                                return rc;
                }
                *out = r;
                return SL_OK;
        }
        default:
                return corrupt(err, c, "type has no key encoding");
        }
}

sl_err sl_keyenc_decode(sl_arena *arena, const sl_type *type, sl_slice in, size_t *pos, sl_value *out,
                        sl_err_detail *err)
{
        cursor c = {in.ptr, in.len, *pos};
        if (c.pos > c.len)
                return corrupt(err, &c, "position past the end");
        sl_err rc = decode_value(arena, type, &c, out, err);
        if (rc == SL_OK)
                *pos = c.pos;
        return rc;
}

sl_err sl_keyenc_decode_tuple(sl_arena *arena, const sl_type *const *types, size_t n, sl_slice in,
                              sl_value *out, sl_err_detail *err)
{
        cursor c = {in.ptr, in.len, 0};
        for (size_t i = 0; i < n; i++) {
                sl_err rc = decode_value(arena, types[i], &c, &out[i], err);
                if (rc != SL_OK)
                        return rc;
        }
        if (c.pos != c.len)
                return corrupt(err, &c, "trailing bytes");
        return SL_OK;
}
