/* kafka.c: the KAFKA format, a single primitive as Apache Kafka's own serializers write it:
 * INT 4 bytes and BIGINT 8 bytes big-endian two's complement (IntegerSerializer,
 * LongSerializer), DOUBLE 8 bytes big-endian IEEE-754 (DoubleSerializer), STRING the raw UTF-8
 * bytes (StringSerializer), BYTES the raw bytes (ByteBufferSerializer). No coercion: a length
 * that does not match is malformed. At most one column; with none the bytes are ignored (a
 * key-less stream whose key format defaults to KAFKA). Always unwrapped. */
#include "serde/serde_int.h"

#include <string.h>

#include "common/arena.h"

static bool kafka_type_ok(const sl_type *type)
{
        switch (type->kind) {
        case SL_TYPE_INT:
        case SL_TYPE_BIGINT:
        case SL_TYPE_DOUBLE:
        case SL_TYPE_STRING:
        case SL_TYPE_BYTES:
                return true;
        default:
                return false;
        }
}

static sl_err kafka_check(sl_serde *serde, sl_err_detail *err)
{
        sl_err rc = sl_serde_check_types(serde, kafka_type_ok, err);
        if (rc != SL_OK)
                return rc;
        if (serde->ncolumns > 1)
                return sl_err_set(err, SL_ERR_INVALID, "The 'KAFKA' format only supports a single field. Got: %zu",
                                  serde->ncolumns);
        return SL_OK;
}

static sl_err size_mismatch(sl_err_detail *err, const char *which, size_t want, size_t got)
{
        return sl_err_set(err, SL_ERR_SERDE, "Size of data received by %s is not %zu (got %zu bytes)", which, want, got);
}

static sl_err kafka_decode(const sl_serde *serde, sl_slice in, sl_arena *arena, sl_serde_scratch *scratch,
                           sl_value *row, bool *row_null, sl_err_detail *err)
{
        (void)scratch;
        if (serde->ncolumns == 0) {
                *row_null = true;
                return SL_OK;
        }
        switch (serde->columns[0].type->kind) {
        case SL_TYPE_INT:
                if (in.len != 4)
                        return size_mismatch(err, "IntegerDeserializer", 4, in.len);
                row[0] = sl_value_int((int32_t)sl_load_be32(in.ptr));
                return SL_OK;
        case SL_TYPE_BIGINT:
                if (in.len != 8)
                        return size_mismatch(err, "LongDeserializer", 8, in.len);
                row[0] = sl_value_bigint((int64_t)sl_load_be64(in.ptr));
                return SL_OK;
        case SL_TYPE_DOUBLE: {
                if (in.len != 8)
                        return size_mismatch(err, "DoubleDeserializer", 8, in.len);
                uint64_t bits = sl_load_be64(in.ptr);
                double d;
                memcpy(&d, &bits, sizeof d);
                row[0] = sl_value_double(d);
                return SL_OK;
        }
        case SL_TYPE_STRING:
                row[0] = sl_value_string_copy(arena, (const char *)in.ptr, in.len);
                return SL_OK;
        case SL_TYPE_BYTES:
                row[0] = sl_value_bytes_copy(arena, in.ptr, in.len);
                return SL_OK;
        default:
                return sl_err_set(err, SL_ERR_INTERNAL, "KAFKA serde built with an unsupported type");
        }
}

static sl_err kafka_encode(const sl_serde *serde, const sl_value *row, sl_buf *out, bool *out_null,
                           sl_err_detail *err)
{
        if (serde->ncolumns == 0 || row[0].kind == SL_TYPE_NULL) {
                *out_null = true;
                return SL_OK;
        }
        const sl_value *v = &row[0];
        if (v->kind != serde->columns[0].type->kind)
                return sl_err_set(err, SL_ERR_SERDE, "KAFKA serializer for %s got a %s value",
                                  sl_type_kind_name(serde->columns[0].type->kind), sl_type_kind_name(v->kind));
        switch (v->kind) {
        case SL_TYPE_INT:
                sl_buf_append_be32(out, (uint32_t)v->u.i32);
                return SL_OK;
        case SL_TYPE_BIGINT:
                sl_buf_append_be64(out, (uint64_t)v->u.i64);
                return SL_OK;
        case SL_TYPE_DOUBLE: {
                uint64_t bits;
                memcpy(&bits, &v->u.f64, sizeof bits);
                sl_buf_append_be64(out, bits);
                return SL_OK;
        }
        case SL_TYPE_STRING:
        case SL_TYPE_BYTES:
                sl_buf_append(out, v->u.bytes, v->len);
                return SL_OK;
        default:
                return sl_err_set(err, SL_ERR_INTERNAL, "KAFKA serde built with an unsupported type");
        }
}

const sl_serde_ops sl_serde_kafka_ops = {
        .check = kafka_check,
        .decode = kafka_decode,
        .encode = kafka_encode,
};
