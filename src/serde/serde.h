/* serde.h: record formats. Turns the bytes of a Kafka key or value into a row of sl_values and a
 * row back into bytes, for the formats of ksqlDB: JSON, DELIMITED, KAFKA, NONE, and the schema
 * registry formats AVRO and JSON_SR (PROTOBUF and PROTOBUF_NOSR are recognised names that
 * sl_serde_new refuses for now).
 *
 * Schema registry formats (AVRO, JSON_SR) write Confluent's wire format: magic byte 0, the 4-byte
 * big-endian schema id, then the Avro binary (or JSON text) of the record. They need a registry
 * (sl_serde_registry, given in the schema or set process-wide with sl_serde_registry_set_default):
 * a deserializer looks the writer's schema up by id (cached per serde) and resolves it to the
 * columns by field name; a serializer registers the schema of its columns under its subject
 * (`<topic>-value` / `<topic>-key`) on sl_serde_prepare or its first record, unless a schema id is
 * given (KEY_SCHEMA_ID / VALUE_SCHEMA_ID).
 *
 * The engine builds one sl_serde per source or sink side (key or value) from the columns that side
 * holds, in order, and calls it per record. A serde is immutable once built and may be shared by
 * threads. Deserialization writes values into the caller's per-batch arena and never allocates
 * anything else per record (JSON decoding keeps a scratch stack in sl_serde_scratch).
 *
 * Null records: a Kafka record whose key or value is absent (a tombstone) is the slice {NULL, 0}.
 * Deserializing it, or a JSON `null`, sets *row_null and every column to NULL. Serializing with
 * row == NULL, or an unwrapped single column that is NULL, asks for an absent key or value
 * (*out_null), as ksqlDB's serializers return null then.
 *
 * Wrapping (WRAP_SINGLE_VALUE): with `unwrapped`, a one-column schema is written as the bare value
 * (JSON `10`, not `{"FOO":10}`). KAFKA and DELIMITED are always unwrapped, NONE has no columns.
 * The engine decides wrapping: a single key column is unwrapped, WRAP_SINGLE_VALUE=false unwraps a
 * value. Validation messages follow ksqlDB's ("The 'DELIMITED' format does not support type
 * 'ARRAY'").
 *
 * Malformed input is SL_ERR_SERDE with a reason and, for JSON, the path of the offending value
 * ("cannot convert JSON string to INTEGER, path: $.V"). The engine logs it, counts it and skips the
 * record. */
#ifndef SL_SERDE_SERDE_H
#define SL_SERDE_SERDE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"
#include "common/buf.h"
#include "common/err.h"
#include "types/type.h"
#include "types/value.h"

typedef enum sl_serde_format {
        SL_SERDE_NONE = 0,
        SL_SERDE_KAFKA,
        SL_SERDE_JSON,
        SL_SERDE_DELIMITED,
        SL_SERDE_AVRO,
        SL_SERDE_JSON_SR,
        SL_SERDE_PROTOBUF,      /* not supported yet */
        SL_SERDE_PROTOBUF_NOSR, /* not supported yet */
        SL_SERDE__COUNT
} sl_serde_format;

/* One column of a key or value schema. */
typedef struct sl_serde_column {
        const char *name;     /* as declared (unquoted names already upper-cased); JSON field name */
        const sl_type *type;  /* never NULL */
} sl_serde_column;

typedef struct sl_serde_registry sl_serde_registry;

/* A schema registry as the schema registry formats use it: sluiced's own or an external one
 * (src/registry), or an in-process one in tests. Functions may be called from any thread. */
struct sl_serde_registry {
        /* The schema text of `id` into *out (caller frees with sl_free); SL_ERR_NOT_FOUND when the
         * registry has no such id. */
        sl_err (*schema_by_id)(const sl_serde_registry *reg, int32_t id, char **out, sl_err_detail *err);
        /* Registers `schema` (of `schema_type`: "AVRO" or "JSON") under `subject`, or finds it
         * there; *id receives its id. An incompatible schema is SL_ERR_INVALID with the registry's
         * message. */
        sl_err (*register_schema)(const sl_serde_registry *reg, const char *subject, const char *schema_type,
                                  const char *schema, int32_t *id, sl_err_detail *err);
        /* The latest version of `subject`: its id and text (caller frees with sl_free);
         * SL_ERR_NOT_FOUND when the subject has none. */
        sl_err (*latest)(const sl_serde_registry *reg, const char *subject, int32_t *id, char **schema,
                         sl_err_detail *err);
};

/* The registry serdes use when their schema names none. Set once at start (engine, test driver);
 * `reg` must outlive every serde. NULL unsets. */
void sl_serde_registry_set_default(const sl_serde_registry *reg);
const sl_serde_registry *sl_serde_registry_get_default(void);

/* What the engine passes in; sl_serde_new copies all of it. */
typedef struct sl_serde_schema {
        const sl_serde_column *columns;  /* in serialization order */
        size_t ncolumns;
        bool unwrapped;                  /* single column written as a bare value (see above) */
        char delimiter;                  /* DELIMITED only: field separator; 0 means ',' */
        /* schema registry formats only: */
        const sl_serde_registry *registry;  /* NULL: the default one */
        const char *subject;             /* where a serializer registers its schema; NULL: none */
        int32_t schema_id;               /* > 0: write with this registered schema (KEY/VALUE_SCHEMA_ID) */
        const char *full_name;           /* AVRO record name (VALUE_AVRO_SCHEMA_FULL_NAME), NULL: ksqlDB's */
        bool prefer_latest;              /* AVRO serializer: write with the subject's latest schema when it
                                          * holds the columns, else register ours (INSERT VALUES) */
} sl_serde_schema;

typedef struct sl_serde sl_serde;

/* Format by name, case-insensitive ("json", "Delimited"); SL_ERR_NOT_FOUND for an unknown name
 * with ksqlDB's message "Unknown format: XML". */
sl_err sl_serde_format_parse(const char *name, sl_serde_format *out, sl_err_detail *err);
/* Upper-case name ("JSON"). */
const char *sl_serde_format_name(sl_serde_format format);

/* Parses a VALUE_DELIMITER / KEY_DELIMITER property: one character, or TAB or SPACE (any case).
 * SL_ERR_INVALID with ksqlDB's message otherwise. */
sl_err sl_serde_delimiter_parse(const char *text, char *out, sl_err_detail *err);

/* Checks `schema` against `format` and builds a serde. Errors: SL_ERR_UNSUPPORTED for a format not
 * implemented yet ("format 'AVRO' is not supported yet") or a column type the format cannot hold;
 * SL_ERR_INVALID for a column count the format does not allow (KAFKA: at most one, NONE: none) or
 * wrapping it does not allow. The caller frees the result with sl_serde_free. */
sl_err sl_serde_new(sl_serde_format format, const sl_serde_schema *schema, sl_serde **out, sl_err_detail *err);
void sl_serde_free(sl_serde *serde);

/* Schema registry formats: registers the serializer's schema now (a no-op for other formats and
 * when there is no subject), so that a sink with an incompatible schema is refused when its query
 * is created. SL_ERR_INVALID with the registry's message. Idempotent. */
sl_err sl_serde_prepare(const sl_serde *serde, sl_err_detail *err);
/* The schema text a schema registry format writes (AVRO: the Avro schema JSON), or NULL. Borrowed
 * from the serde. */
const char *sl_serde_schema_text(const sl_serde *serde);

sl_serde_format sl_serde_get_format(const sl_serde *serde);
size_t sl_serde_ncolumns(const sl_serde *serde);

/* Per-thread scratch memory a deserializer reuses between records (the JSON decoder's value
 * stack). Embeddable; zero-initialised is valid; sl_serde_scratch_deinit frees it. */
typedef struct sl_serde_scratch {
        sl_value *stack;  /* values of arrays and maps still being decoded */
        size_t len;       /* used entries */
        size_t cap;       /* allocated entries */
} sl_serde_scratch;
void sl_serde_scratch_deinit(sl_serde_scratch *scratch);

/* Decodes `in` into row[0..ncolumns). Strings, bytes and composites are allocated in `arena`
 * (nothing borrows `in`). `scratch` may be NULL (then a temporary one is used and freed).
 * *row_null is set for a null record (see above). On SL_ERR_SERDE the row content is undefined. */
sl_err sl_serde_deserialize(const sl_serde *serde, sl_slice in, sl_arena *arena, sl_serde_scratch *scratch,
                            sl_value *row, bool *row_null, sl_err_detail *err);

/* Appends the encoding of row[0..ncolumns) to `out` (not reset first). `row` NULL is a null record.
 * *out_null is set when the record must be written without key/value bytes; then nothing is
 * appended. Values must have their column's type (or be NULL): the serde does not cast.
 * Errors: SL_ERR_SERDE for a value the format cannot write (a non-STRING MAP key in JSON, a value
 * of another type than the KAFKA column's); `out` is then as it was. */
sl_err sl_serde_serialize(const sl_serde *serde, const sl_value *row, sl_buf *out, bool *out_null,
                          sl_err_detail *err);

#endif
