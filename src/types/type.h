/* type.h: the SQL types of ksqlDB. BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p,s), STRING, BYTES, DATE,
 * TIME, TIMESTAMP, ARRAY<T>, MAP<K,V> and STRUCT<name T, ...>, plus NULL, the type of an untyped NULL
 * literal (never a column type).
 *
 * A type is immutable once built and always handled as `const sl_type *`. Primitive types and every
 * DECIMAL(p,s) are process-wide singletons (no arena, never freed); composite types live in the arena
 * they were built in. Compare types with sl_type_eq, never by pointer. */
#ifndef SL_TYPES_TYPE_H
#define SL_TYPES_TYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/err.h"
#include "common/str.h"

/* Kinds in the order sl_value_cmp sorts values of different kinds (NULL first). Stable: the key
 * encoding and serialized schemas rely on the numbers. */
typedef enum sl_type_kind {
        SL_TYPE_NULL = 0,
        SL_TYPE_BOOLEAN = 1,
        SL_TYPE_INT = 2,        /* 32-bit signed */
        SL_TYPE_BIGINT = 3,     /* 64-bit signed */
        SL_TYPE_DOUBLE = 4,     /* IEEE-754 binary64 */
        SL_TYPE_DECIMAL = 5,    /* exact, precision 1..38, scale 0..precision */
        SL_TYPE_STRING = 6,     /* UTF-8 bytes */
        SL_TYPE_BYTES = 7,
        SL_TYPE_DATE = 8,       /* days since 1970-01-01 */
        SL_TYPE_TIME = 9,       /* milliseconds since midnight, 0..86399999 */
        SL_TYPE_TIMESTAMP = 10, /* milliseconds since the epoch, no zone */
        SL_TYPE_ARRAY = 11,
        SL_TYPE_MAP = 12,
        SL_TYPE_STRUCT = 13,
        SL_TYPE__COUNT
} sl_type_kind;

#define SL_DECIMAL_MAX_PRECISION 38
/* The decimal types INT and BIGINT widen to (ksqlDB's INT_UPCAST_TO_DECIMAL, BIGINT_UPCAST_TO_DECIMAL). */
#define SL_DECIMAL_INT_PRECISION 10
#define SL_DECIMAL_BIGINT_PRECISION 19

typedef struct sl_type sl_type;

/* One STRUCT field. */
typedef struct sl_type_field {
        const char *name;     /* exact spelling (the analyzer has already upper-cased unquoted names) */
        const sl_type *type;  /* never NULL */
} sl_type_field;

struct sl_type {
        sl_type_kind kind;
        uint8_t precision;            /* DECIMAL only: 1..38 */
        uint8_t scale;                /* DECIMAL only: 0..precision */
        const sl_type *key;           /* MAP key type */
        const sl_type *elem;          /* ARRAY element type, MAP value type */
        const sl_type_field *fields;  /* STRUCT fields in declaration order */
        size_t nfields;               /* STRUCT field count (may be 0) */
};

/* Primitive singletons. sl_type_primitive returns the singleton of a kind below SL_TYPE_DECIMAL or
 * between STRING and TIMESTAMP, NULL for DECIMAL and composite kinds. */
const sl_type *sl_type_null(void);
const sl_type *sl_type_boolean(void);
const sl_type *sl_type_int(void);
const sl_type *sl_type_bigint(void);
const sl_type *sl_type_double(void);
const sl_type *sl_type_string(void);
const sl_type *sl_type_bytes(void);
const sl_type *sl_type_date(void);
const sl_type *sl_type_time(void);
const sl_type *sl_type_timestamp(void);
const sl_type *sl_type_primitive(sl_type_kind kind);

/* The DECIMAL(precision, scale) singleton, or NULL when 1 <= precision <= 38 and
 * 0 <= scale <= precision does not hold. */
const sl_type *sl_type_decimal(int precision, int scale);
/* Validates DECIMAL parameters written by a user: SL_OK, or SL_ERR_TYPE with ksqlDB's message
 * ("DECIMAL precision must be >= 1", "DECIMAL precision must be <= 38", "DECIMAL scale must be >= 0",
 * "DECIMAL precision must be >= scale"). */
sl_err sl_type_decimal_check(int precision, int scale, sl_err_detail *err);

/* Composite constructors; the result lives in `arena`. Component types are borrowed and must
 * outlive the result (use sl_type_copy to make a self-contained copy). sl_type_struct copies the
 * field array and the names. Duplicate field names are the caller's (the analyzer's) to reject. */
const sl_type *sl_type_array(sl_arena *arena, const sl_type *elem);
const sl_type *sl_type_map(sl_arena *arena, const sl_type *key, const sl_type *value);
const sl_type *sl_type_struct(sl_arena *arena, const sl_type_field *fields, size_t nfields);

/* Deep copy of `type` into `arena` (singletons are returned as they are). */
const sl_type *sl_type_copy(sl_arena *arena, const sl_type *type);

/* Structural equality; STRUCT field names compare exactly (case-sensitive), in order. */
bool sl_type_eq(const sl_type *a, const sl_type *b);
/* Index of the STRUCT field called `name` (exact match), or -1. */
int sl_type_struct_field_index(const sl_type *type, const char *name);

bool sl_type_is_numeric(const sl_type *type);    /* INT, BIGINT, DECIMAL, DOUBLE */
bool sl_type_is_integral(const sl_type *type);   /* INT, BIGINT */
bool sl_type_is_temporal(const sl_type *type);   /* DATE, TIME, TIMESTAMP */
bool sl_type_is_composite(const sl_type *type);  /* ARRAY, MAP, STRUCT */

/* ksqlDB's upper-case name of a kind: "INTEGER", "BIGINT", "DECIMAL", "ARRAY", "NULL"... Never NULL. */
const char *sl_type_kind_name(sl_type_kind kind);
/* Appends `type` as ksqlDB prints it in messages and DESCRIBE: INTEGER, STRING, DECIMAL(4, 2),
 * ARRAY<INTEGER>, MAP<STRING, DOUBLE>, STRUCT<`A` INTEGER, `B` STRING>. */
void sl_type_print(sl_str *out, const sl_type *type);
/* Decides whether a STRUCT field name must be backquoted (a reserved word, lower-case letters...);
 * the SQL front end knows the rules. */
typedef bool (*sl_type_quote_fn)(const char *name, void *ctx);
/* sl_type_print, quoting only the field names `quote` says need it (DESCRIBE's
 * STRUCT<A INTEGER, `b` STRING>); NULL quotes them all, as sl_type_print does. */
void sl_type_print_ex(sl_str *out, const sl_type *type, sl_type_quote_fn quote, void *ctx);
/* The same text as sl_type_print as a NUL-terminated string in `arena`. */
char *sl_type_to_cstr(sl_arena *arena, const sl_type *type);

#endif
