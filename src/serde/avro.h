/* avro.h: Avro schemas as sluice sees them: a parsed tree (sl_avro) with the logical types avro-c
 * 1.11 does not keep (decimal, date, time-millis/micros, timestamp-millis/micros), the schema
 * ksqlDB writes for a row (connect-style names: record KsqlDataSourceSchema in namespace
 * io.confluent.ksql.avro_schemas, nullable unions, connect.name annotations), the SQL types a
 * schema infers (CREATE STREAM with no column list), and the compatibility checks of Confluent's
 * Schema Registry following Avro's schema resolution rules. Used by the AVRO serde (avro.c) and by
 * the schema registry (src/registry). */
#ifndef SL_SERDE_AVRO_H
#define SL_SERDE_AVRO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"
#include "common/err.h"
#include "common/str.h"
#include "serde/serde.h"
#include "types/type.h"

typedef enum sl_avro_kind {
        SL_AVRO_NULL,
        SL_AVRO_BOOLEAN,
        SL_AVRO_INT,
        SL_AVRO_LONG,
        SL_AVRO_FLOAT,
        SL_AVRO_DOUBLE,
        SL_AVRO_BYTES,
        SL_AVRO_STRING,
        SL_AVRO_RECORD,
        SL_AVRO_ENUM,
        SL_AVRO_ARRAY,
        SL_AVRO_MAP,
        SL_AVRO_UNION,
        SL_AVRO_FIXED,
} sl_avro_kind;

typedef enum sl_avro_logical {
        SL_AVRO_LT_NONE,
        SL_AVRO_LT_DECIMAL,           /* bytes or fixed; precision, scale */
        SL_AVRO_LT_DATE,              /* int: days since the epoch */
        SL_AVRO_LT_TIME_MILLIS,       /* int */
        SL_AVRO_LT_TIME_MICROS,       /* long */
        SL_AVRO_LT_TIMESTAMP_MILLIS,  /* long */
        SL_AVRO_LT_TIMESTAMP_MICROS,  /* long */
} sl_avro_logical;

typedef struct sl_avro sl_avro;

/* One record field. */
typedef struct sl_avro_field {
        const char *name;
        const sl_avro *type;
        bool has_default;       /* a "default" is given (needed to read data written without the field) */
        const char *default_json;  /* that default as compact JSON text, or NULL */
        const char **aliases;   /* the field's aliases */
        size_t naliases;
} sl_avro_field;

struct sl_avro {
        sl_avro_kind kind;
        sl_avro_logical logical;
        int precision;                /* decimal */
        int scale;                    /* decimal */
        const char *name;             /* named types: the full name (namespace.name) */
        sl_avro_field *fields;        /* record */
        size_t nfields;
        const char **symbols;         /* enum */
        size_t nsymbols;
        bool has_default;             /* enum: a "default" symbol */
        const sl_avro *items;         /* array items, map values */
        const sl_avro **branches;     /* union */
        size_t nbranches;
        size_t size;                  /* fixed */
};

/* Parses schema JSON text into `arena`. SL_ERR_INVALID with the reason for a schema Avro rejects
 * (unknown type name, record without fields, duplicate names...). Named types may refer to each
 * other (recursion makes the tree cyclic). */
sl_err sl_avro_parse(sl_arena *arena, const char *json, const sl_avro **out, sl_err_detail *err);

/* The schema ksqlDB registers for `ncolumns` columns: a record `full_name` (NULL:
 * io.confluent.ksql.avro_schemas.KsqlDataSourceSchema) of optional fields, or with `unwrapped` the
 * single column's optional type. Nested structs are records named <parent>_<FIELD>. Appends the JSON
 * text to `out`. */
void sl_avro_schema_of_columns(sl_str *out, const sl_serde_column *columns, size_t ncolumns, bool unwrapped,
                               const char *full_name);

/* The SQL type a schema maps to as ksqlDB infers columns (nullable unions collapse, enum -> STRING,
 * float -> DOUBLE, fixed -> BYTES, decimal -> DECIMAL(p,s)...). SL_ERR_UNSUPPORTED for what ksqlDB
 * cannot hold (a union of several non-null types, a map... ). Types go into `arena`. */
sl_err sl_avro_to_type(sl_arena *arena, const sl_avro *schema, const sl_type **out, sl_err_detail *err);

/* Can data written with `writer` be read with `reader` (Avro's schema resolution)? On false, `why`
 * (may be NULL) receives the reason. */
bool sl_avro_can_read(const sl_avro *reader, const sl_avro *writer, sl_str *why);

/* The registry's compatibility levels. */
typedef enum sl_avro_compat {
        SL_AVRO_COMPAT_NONE,
        SL_AVRO_COMPAT_BACKWARD,
        SL_AVRO_COMPAT_BACKWARD_TRANSITIVE,
        SL_AVRO_COMPAT_FORWARD,
        SL_AVRO_COMPAT_FORWARD_TRANSITIVE,
        SL_AVRO_COMPAT_FULL,
        SL_AVRO_COMPAT_FULL_TRANSITIVE,
} sl_avro_compat;

/* Level by name ("BACKWARD", case-insensitive); false when unknown. */
bool sl_avro_compat_parse(const char *name, sl_avro_compat *out);
const char *sl_avro_compat_name(sl_avro_compat level);

/* Checks `candidate` against the subject's earlier versions old[0..nold) (oldest first) at `level`
 * (non-transitive levels look at the latest only). On false, `why` (may be NULL) gets the reason. */
bool sl_avro_compatible(sl_avro_compat level, const sl_avro *candidate, const sl_avro *const *old, size_t nold,
                        sl_str *why);

#endif
