/* serde.c: format names, serde construction and dispatch to the per-format files, plus the
 * small parsers and encoders the text formats share (strict Java integer parsing, base64). */
#include "serde/serde.h"

#include <string.h>

#include "common/base64.h"
#include "common/mem.h"
#include "common/str.h"
#include "serde/serde_int.h"

static const char *const format_names[SL_SERDE__COUNT] = {
        [SL_SERDE_NONE] = "NONE",           [SL_SERDE_KAFKA] = "KAFKA",
        [SL_SERDE_JSON] = "JSON",           [SL_SERDE_DELIMITED] = "DELIMITED",
        [SL_SERDE_AVRO] = "AVRO",           [SL_SERDE_JSON_SR] = "JSON_SR",
        [SL_SERDE_PROTOBUF] = "PROTOBUF",   [SL_SERDE_PROTOBUF_NOSR] = "PROTOBUF_NOSR",
};

sl_err sl_serde_format_parse(const char *name, sl_serde_format *out, sl_err_detail *err)
{
        for (int f = 0; f < SL_SERDE__COUNT; f++) {
                if (sl_str_eq_ci(name, format_names[f])) {
                        *out = (sl_serde_format)f;
                        return SL_OK;
                }
        }
        return sl_err_set(err, SL_ERR_NOT_FOUND, "Unknown format: %s", name);
}

const char *sl_serde_format_name(sl_serde_format format)
{
        if ((unsigned)format >= SL_SERDE__COUNT)
                return "?";
        return format_names[format];
}

sl_err sl_serde_delimiter_parse(const char *text, char *out, sl_err_detail *err)
{
        if (sl_str_eq_ci(text, "TAB")) {
                *out = '\t';
                return SL_OK;
        }
        if (sl_str_eq_ci(text, "SPACE")) {
                *out = ' ';
                return SL_OK;
        }
        if (text[0] == 0 || ((text[0] == ' ' || text[0] == '\t') && text[1] == 0))
                return sl_err_set(err, SL_ERR_INVALID,
                                  "Delimiter cannot be empty, if you meant to have a tab or space for delimiter, "
                                  "please use the special values 'TAB' or 'SPACE'");
        if (text[1] != 0 || (unsigned char)text[0] >= 0x80)
                return sl_err_set(err, SL_ERR_INVALID,
                                  "Invalid delimiter value: '%s'. Delimiter must be a single character or TAB,SPACE",
                                  text);
        *out = text[0];
        return SL_OK;
}

static const sl_serde_ops *format_ops(sl_serde_format format)
{
        switch (format) {
        case SL_SERDE_NONE: return &sl_serde_none_ops;
        case SL_SERDE_KAFKA: return &sl_serde_kafka_ops;
        case SL_SERDE_JSON: return &sl_serde_json_ops;
        case SL_SERDE_DELIMITED: return &sl_serde_delimited_ops;
        case SL_SERDE_AVRO: return &sl_serde_avro_ops;
        case SL_SERDE_JSON_SR: return &sl_serde_json_sr_ops;
        default: return NULL;
        }
}

sl_err sl_serde_new(sl_serde_format format, const sl_serde_schema *schema, sl_serde **out, sl_err_detail *err)
{
        *out = NULL;
        const sl_serde_ops *ops = format_ops(format);
        if (!ops)
                return sl_err_set(err, SL_ERR_UNSUPPORTED, "format '%s' is not supported yet",
                                  sl_serde_format_name(format));
        if (schema->unwrapped && schema->ncolumns != 1)
                return sl_err_set(err, SL_ERR_INVALID, "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
        sl_serde *serde = sl_calloc(1, sizeof *serde);
        sl_arena_init(&serde->arena, 0);
        serde->format = format;
        serde->ops = ops;
        serde->ncolumns = schema->ncolumns;
        serde->unwrapped = schema->unwrapped;
        serde->delimiter = schema->delimiter ? schema->delimiter : ',';
        serde->registry = schema->registry ? schema->registry : sl_serde_registry_get_default();
        serde->subject = schema->subject ? sl_arena_strdup(&serde->arena, schema->subject) : NULL;
        serde->schema_id = schema->schema_id;
        serde->prefer_latest = schema->prefer_latest;
        serde->full_name = schema->full_name ? sl_arena_strdup(&serde->arena, schema->full_name) : NULL;
        serde->columns = sl_arena_calloc(&serde->arena, schema->ncolumns + 1, sizeof *serde->columns);
        serde->name_lens = sl_arena_calloc(&serde->arena, schema->ncolumns + 1, sizeof *serde->name_lens);
        for (size_t i = 0; i < schema->ncolumns; i++) {
                serde->columns[i].name = sl_arena_strdup(&serde->arena, schema->columns[i].name);
                serde->columns[i].type = sl_type_copy(&serde->arena, schema->columns[i].type);
                serde->name_lens[i] = strlen(serde->columns[i].name);
        }
        sl_err rc = ops->check(serde, err);
        if (rc != SL_OK)
                goto fail;
        *out = serde;
        return SL_OK;
fail:
        sl_serde_free(serde);
        return rc;
}

void sl_serde_free(sl_serde *serde)
{
        if (!serde)
                return;
        if (serde->ops && serde->ops->release)
                serde->ops->release(serde);
        sl_arena_deinit(&serde->arena);
        sl_free(serde);
}

static const sl_serde_registry *default_registry;

void sl_serde_registry_set_default(const sl_serde_registry *reg)
{
        __atomic_store_n(&default_registry, reg, __ATOMIC_RELEASE);
}

const sl_serde_registry *sl_serde_registry_get_default(void)
{
        return __atomic_load_n(&default_registry, __ATOMIC_ACQUIRE);
}

sl_err sl_serde_prepare(const sl_serde *serde, sl_err_detail *err)
{
        if (!serde->ops->prepare)
                return SL_OK;
        return serde->ops->prepare(serde, err);
}

sl_serde_format sl_serde_get_format(const sl_serde *serde)
{
        return serde->format;
}

size_t sl_serde_ncolumns(const sl_serde *serde)
{
        return serde->ncolumns;
}

void sl_serde_scratch_deinit(sl_serde_scratch *scratch)
{
        sl_free(scratch->stack);
        scratch->stack = NULL;
        scratch->len = scratch->cap = 0;
}

sl_value *sl_serde_scratch_push(sl_serde_scratch *scratch, size_t extra)
{
        if (scratch->cap - scratch->len < extra) {
                size_t cap = scratch->cap ? scratch->cap : 64;
                while (cap - scratch->len < extra)
                        cap *= 2;
                scratch->stack = sl_realloc(scratch->stack, cap * sizeof *scratch->stack);
                scratch->cap = cap;
        }
        return scratch->stack + scratch->len;
}

sl_err sl_serde_deserialize(const sl_serde *serde, sl_slice in, sl_arena *arena, sl_serde_scratch *scratch,
                            sl_value *row, bool *row_null, sl_err_detail *err)
{
        for (size_t i = 0; i < serde->ncolumns; i++)
                row[i] = sl_value_null();
        *row_null = false;
        if (!in.ptr) {
                *row_null = true;
                return SL_OK;
        }
        sl_serde_scratch tmp = {0};
        size_t base = scratch ? scratch->len : 0;
        sl_err rc = serde->ops->decode(serde, in, arena, scratch ? scratch : &tmp, row, row_null, err);
        if (scratch)
                scratch->len = base;  /* an error may leave partial arrays behind */
        else
                sl_serde_scratch_deinit(&tmp);
        if (rc == SL_OK && *row_null) {
                for (size_t i = 0; i < serde->ncolumns; i++)
                        row[i] = sl_value_null();
        }
        return rc;
}

sl_err sl_serde_serialize(const sl_serde *serde, const sl_value *row, sl_buf *out, bool *out_null,
                          sl_err_detail *err)
{
        *out_null = false;
        if (!row) {
                *out_null = true;
                return SL_OK;
        }
        return serde->ops->encode(serde, row, out, out_null, err);
}

sl_err sl_serde_check_types(const sl_serde *serde, bool (*allowed)(const sl_type *type), sl_err_detail *err)
{
        for (size_t i = 0; i < serde->ncolumns; i++) {
                const sl_type *t = serde->columns[i].type;
                if (!allowed(t))
                        return sl_err_set(err, SL_ERR_UNSUPPORTED, "The '%s' format does not support type '%s'",
                                          sl_serde_format_name(serde->format), sl_type_kind_name(t->kind));
        }
        return SL_OK;
}

static bool parse_java_integer(const char *p, size_t n, int64_t min, int64_t max, int64_t *out)
{
        size_t i = 0;
        bool neg = false;
        if (n && (p[0] == '-' || p[0] == '+')) {
                neg = p[0] == '-';
                i = 1;
        }
        if (i == n)
                return false;
        uint64_t limit = neg ? (uint64_t)(-(min + 1)) + 1 : (uint64_t)max;
        uint64_t v = 0;
        for (; i < n; i++) {
                unsigned d = (unsigned char)p[i] - '0';
                if (d > 9)
                        return false;
                if (v > (limit - d) / 10)
                        return false;
                v = v * 10 + d;
        }
        *out = neg ? (int64_t)(0 - v) : (int64_t)v;
        return true;
}

bool sl_serde_parse_i32(const char *p, size_t n, int32_t *out)
{
        int64_t v;
        if (!parse_java_integer(p, n, INT32_MIN, INT32_MAX, &v))
                return false;
        *out = (int32_t)v;
        return true;
}

bool sl_serde_parse_i64(const char *p, size_t n, int64_t *out)
{
        return parse_java_integer(p, n, INT64_MIN, INT64_MAX, out);
}

static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool sl_serde_base64_decode(sl_arena *arena, const char *p, size_t n, const uint8_t **out, size_t *outlen)
{
        size_t pad = 0;
        while (n > 0 && p[n - 1] == '=' && pad < 2) {
                n--;
                pad++;
        }
        if (n % 4 == 1 || (pad && (n + pad) % 4 != 0))
                return false;
        uint8_t *dst = sl_arena_alloc(arena, n / 4 * 3 + 3);
        long o = sl_base64_decode_chars(p, n, dst);
        if (o < 0)
                return false;
        *out = dst;
        *outlen = (size_t)o;
        return true;
}

void sl_serde_base64_append(sl_buf *out, const uint8_t *p, size_t n)
{
        uint8_t *d = sl_buf_extend(out, (n + 2) / 3 * 4);
        size_t i = 0;
        for (; i + 3 <= n; i += 3) {
                uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
                *d++ = (uint8_t)b64_chars[v >> 18];
                *d++ = (uint8_t)b64_chars[(v >> 12) & 63];
                *d++ = (uint8_t)b64_chars[(v >> 6) & 63];
                *d++ = (uint8_t)b64_chars[v & 63];
        }
        if (i < n) {
                uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
                *d++ = (uint8_t)b64_chars[v >> 18];
                *d++ = (uint8_t)b64_chars[(v >> 12) & 63];
                *d++ = i + 1 < n ? (uint8_t)b64_chars[(v >> 6) & 63] : '=';
                *d++ = '=';
        }
}

void sl_serde_append_i64(sl_buf *out, int64_t v)
{
        char tmp[24];
        char *e = tmp + sizeof tmp, *s = e;
        uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        do {
                *--s = (char)('0' + u % 10);
                u /= 10;
        } while (u);
        if (v < 0)
                *--s = '-';
        sl_buf_append(out, s, (size_t)(e - s));
}
