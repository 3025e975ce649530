/* serde_int.h: what serde.c shares with the per-format files (json.c, delimited.c, kafka.c,
 * none.c, avro.c). Each format supplies a check (schema validation at build time) and a decode and
 * encode function; serde.c owns the object and dispatches. */
#ifndef SL_SERDE_SERDE_INT_H
#define SL_SERDE_SERDE_INT_H

#include "serde/serde.h"

/* The entry points of one format. */
typedef struct sl_serde_ops {
        /* Validates the (already copied) schema of `serde` and may precompute into serde->arena. */
        sl_err (*check)(sl_serde *serde, sl_err_detail *err);
        /* See sl_serde_deserialize; `in.ptr` is never NULL here (null records are handled above). */
        sl_err (*decode)(const sl_serde *serde, sl_slice in, sl_arena *arena, sl_serde_scratch *scratch,
                         sl_value *row, bool *row_null, sl_err_detail *err);
        /* See sl_serde_serialize; `row` is never NULL here. */
        sl_err (*encode)(const sl_serde *serde, const sl_value *row, sl_buf *out, bool *out_null,
                         sl_err_detail *err);
        /* Optional: see sl_serde_prepare. */
        sl_err (*prepare)(const sl_serde *serde, sl_err_detail *err);
        /* Optional: frees serde->state. */
        void (*release)(sl_serde *serde);
} sl_serde_ops;

struct sl_serde {
        sl_serde_format format;
        const sl_serde_ops *ops;      /* the format's entry points */
        sl_arena arena;               /* owns the copied columns, names and types */
        sl_serde_column *columns;     /* copy of the schema's columns, in arena */
        size_t *name_lens;            /* strlen of each column name, in arena */
        size_t ncolumns;
        bool unwrapped;               /* single column written bare */
        char delimiter;               /* DELIMITED field separator */
        const void *priv;             /* format-private tables built by check, in arena */
        const sl_serde_registry *registry;  /* schema registry formats: where schemas live */
        const char *subject;          /* registry subject of the serializer's schema, or NULL */
        int32_t schema_id;            /* fixed writer schema id, or 0 */
        const char *full_name;        /* AVRO record full name, or NULL */
        bool prefer_latest;           /* AVRO: write with the subject's latest schema if it fits */
        void *state;                  /* format-private mutable state (caches), freed by ops->release */
};

extern const sl_serde_ops sl_serde_json_ops;
extern const sl_serde_ops sl_serde_delimited_ops;
extern const sl_serde_ops sl_serde_kafka_ops;
extern const sl_serde_ops sl_serde_none_ops;
extern const sl_serde_ops sl_serde_avro_ops;
extern const sl_serde_ops sl_serde_json_sr_ops;

/* Shared helpers (serde.c). */
/* ksqlDB's "The '<FORMAT>' format does not support type '<KIND>'" check of every column, where
 * `allowed(type)` decides a column's top-level type. */
sl_err sl_serde_check_types(const sl_serde *serde, bool (*allowed)(const sl_type *type), sl_err_detail *err);
/* Strict Java Integer.parseInt / Long.parseLong: optional sign and digits only, range-checked. */
bool sl_serde_parse_i32(const char *p, size_t n, int32_t *out);
bool sl_serde_parse_i64(const char *p, size_t n, int64_t *out);
/* Standard base64 (RFC 4648, padding optional) into `arena`; false on a bad character or length. */
bool sl_serde_base64_decode(sl_arena *arena, const char *p, size_t n, const uint8_t **out, size_t *outlen);
/* Appends standard padded base64 of p[0..n). */
void sl_serde_base64_append(sl_buf *out, const uint8_t *p, size_t n);
/* Appends the decimal text of an integer. */
void sl_serde_append_i64(sl_buf *out, int64_t v);
/* Grows the scratch stack to hold `extra` more values; returns the first free slot. */
sl_value *sl_serde_scratch_push(sl_serde_scratch *scratch, size_t extra);

#endif
