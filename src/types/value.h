/* value.h: sl_value, one SQL value of any type. 24 bytes, copied by value; strings and bytes are
 * borrowed slices and composites borrowed arrays of sl_value, so copying a value never copies what
 * it points to. All memory a value points to belongs to some sl_arena (or to the caller, for the
 * borrowing constructors); sl_value_copy makes a deep copy into another arena.
 *
 * NULL has one representation, kind == SL_TYPE_NULL, whatever the static type was: the static type
 * is the evaluator's and the schema's business. A value is otherwise self-describing: decimals carry
 * their precision and scale, composites point to their type (borrowed; the type must outlive the
 * value -- types live in plan, schema or statement arenas, values in shorter-lived ones).
 *
 * Layout of composites:
 *   ARRAY   len elements, items[0..len)
 *   MAP     len entries, items[2*i] the key and items[2*i+1] the value, in insertion order;
 *           keys are unique (the builder's job)
 *   STRUCT  len == type->nfields, items[i] is field i
 *
 * Text renderings (all append to an sl_str):
 *   sl_value_format       what CAST(v AS STRING) yields in ksqlDB (Java toString): 1.0E10, 10.50,
 *                         [1, 3], {k=1}, Struct{A=1,B=x}, 2022-04-28T21:44:47.943
 *   sl_value_format_sql   a SQL literal: 'it''s', NULL, ARRAY[1, 2], MAP('k' := 1), STRUCT(A := 1),
 *                         DATE/TIME/TIMESTAMP as quoted ISO text
 *   sl_value_format_json  JSON as ksqlDB's JSON serde writes it (see sl_value_json_flags) */
#ifndef SL_TYPES_VALUE_H
#define SL_TYPES_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/buf.h"
#include "common/str.h"
#include "types/decimal.h"
#include "types/type.h"

typedef struct sl_value sl_value;

struct sl_value {
        uint8_t kind;       /* sl_type_kind; SL_TYPE_NULL for NULL */
        uint8_t precision;  /* DECIMAL: the type's precision */
        uint8_t scale;      /* DECIMAL: the type's scale */
        uint8_t pad_;       /* zero */
        uint32_t len;       /* STRING/BYTES: byte length; ARRAY/STRUCT: items; MAP: entries */
        union {
                bool b;                /* BOOLEAN */
                int32_t i32;           /* INT; DATE (days since epoch); TIME (ms of day) */
                int64_t i64;           /* BIGINT; TIMESTAMP (ms since epoch) */
                double f64;            /* DOUBLE */
                sl_i128 dec;           /* DECIMAL unscaled value */
                const uint8_t *bytes;  /* STRING (UTF-8, not NUL-terminated), BYTES; borrowed */
                struct {
                        const sl_value *items;  /* see the layout above; borrowed */
                        const sl_type *type;    /* the ARRAY/MAP/STRUCT type; borrowed */
                } comp;
        } u;
};

/* Flags for sl_value_format_json. The serde uses 0: DATE as days, TIME as ms of day and TIMESTAMP as
 * ms (numbers), BYTES as base64, DECIMAL as a plain JSON number, DOUBLE NaN/Infinity as strings.
 * SL_VALUE_JSON_TEMPORAL_TEXT gives what ksqlDB's TO_JSON_STRING returns (and the REST API shows). */
enum {
        SL_VALUE_JSON_TEMPORAL_TEXT = 1 << 0,  /* DATE, TIME, TIMESTAMP as the sl_value_fmt_* text */
        SL_VALUE_JSON_DECIMAL_TEXT = 1 << 1,   /* DECIMAL as a JSON string "10.50" */
};

/* Constructors. The borrowing ones keep `p`/`items` as they are: the caller keeps them alive. */
static inline sl_value sl_value_null(void) { return (sl_value){.kind = SL_TYPE_NULL}; }
static inline sl_value sl_value_bool(bool b) { return (sl_value){.kind = SL_TYPE_BOOLEAN, .u.b = b}; }
static inline sl_value sl_value_int(int32_t v) { return (sl_value){.kind = SL_TYPE_INT, .u.i32 = v}; }
static inline sl_value sl_value_bigint(int64_t v) { return (sl_value){.kind = SL_TYPE_BIGINT, .u.i64 = v}; }
static inline sl_value sl_value_double(double v) { return (sl_value){.kind = SL_TYPE_DOUBLE, .u.f64 = v}; }
static inline sl_value sl_value_date(int32_t days) { return (sl_value){.kind = SL_TYPE_DATE, .u.i32 = days}; }
static inline sl_value sl_value_time(int32_t ms) { return (sl_value){.kind = SL_TYPE_TIME, .u.i32 = ms}; }
static inline sl_value sl_value_timestamp(int64_t ms) { return (sl_value){.kind = SL_TYPE_TIMESTAMP, .u.i64 = ms}; }
static inline sl_value sl_value_decimal(sl_decimal d)
{
        return (sl_value){.kind = SL_TYPE_DECIMAL, .precision = d.precision, .scale = d.scale, .u.dec = d.unscaled};
}
static inline sl_value sl_value_string(const char *p, size_t len)
{
        return (sl_value){.kind = SL_TYPE_STRING, .len = (uint32_t)len, .u.bytes = (const uint8_t *)p};
}
static inline sl_value sl_value_bytes(const void *p, size_t len)
{
        return (sl_value){.kind = SL_TYPE_BYTES, .len = (uint32_t)len, .u.bytes = (const uint8_t *)p};
}
/* `type` is the ARRAY/MAP/STRUCT type; `n` counts elements / entries / fields (see layout). */
static inline sl_value sl_value_composite(const sl_type *type, const sl_value *items, size_t n)
{
        return (sl_value){.kind = (uint8_t)type->kind, .len = (uint32_t)n, .u.comp = {items, type}};
}

/* Copying constructors: the bytes go into `arena`. */
sl_value sl_value_string_copy(sl_arena *arena, const char *p, size_t len);
sl_value sl_value_cstr_copy(sl_arena *arena, const char *s);
sl_value sl_value_bytes_copy(sl_arena *arena, const void *p, size_t len);
/* A composite of `type` with `n` elements/entries (MAP: 2*n items), all NULL, allocated in `arena`;
 * `*items` receives the array to fill. For STRUCT, n must be type->nfields. */
sl_value sl_value_composite_new(sl_arena *arena, const sl_type *type, size_t n, sl_value **items);

static inline bool sl_value_is_null(const sl_value *v) { return v->kind == SL_TYPE_NULL; }
static inline sl_decimal sl_value_get_decimal(const sl_value *v)
{
        return (sl_decimal){.unscaled = v->u.dec, .precision = v->precision, .scale = v->scale};
}
static inline sl_slice sl_value_slice(const sl_value *v) { return SL_SLICE(v->u.bytes, v->len); }
/* STRUCT field by name (exact), NULL when there is no such field. */
const sl_value *sl_value_struct_field(const sl_value *v, const char *name);
/* MAP value for `key` (by sl_value_eq), NULL when absent. Linear scan. */
const sl_value *sl_value_map_get(const sl_value *v, const sl_value *key);
/* The type of a value: a singleton for primitives and decimals (sl_type_null() for NULL), the
 * borrowed composite type otherwise. */
const sl_type *sl_value_type(const sl_value *v);

/* Deep copy: strings, bytes and composite arrays are duplicated into `arena`; types stay borrowed. */
sl_value sl_value_copy(sl_arena *arena, const sl_value *v);

/* Renderings; see the file comment. NULL renders as "null" (format, json) or "NULL" (sql). */
void sl_value_format(sl_str *out, const sl_value *v);
void sl_value_format_sql(sl_str *out, const sl_value *v);
void sl_value_format_json(sl_str *out, const sl_value *v, unsigned flags);
/* sl_value_format into `arena`, NUL-terminated. */
char *sl_value_to_cstr(sl_arena *arena, const sl_value *v);

/* Primitive renderings shared with serdes and functions. Each writes NUL-terminated text into
 * `buf` and returns its length.
 * double: Java's Double.toString (shortest digits that read back exactly; "1.0", "10.3", "1.0E10",
 *   "1.0E-4", "NaN", "Infinity", "-0.0"); buf >= 32 bytes.
 * date: "yyyy-MM-dd" (ISO; years beyond 9999 get a '+'); buf >= 16.
 * time: ksqlDB's cast of TIME to STRING (LocalTime.ofSecondOfDay(ms / 1000).toString()): "HH:mm:ss",
 *   or "HH:mm" when the seconds are 0; milliseconds are dropped. buf >= 16.
 * timestamp: "yyyy-MM-ddTHH:mm:ss.SSS" (ksqlDB's cast of TIMESTAMP to STRING, UTC); buf >= 32. */
size_t sl_value_fmt_double(double v, char *buf);
size_t sl_value_fmt_date(int32_t days, char *buf);
size_t sl_value_fmt_time(int32_t ms, char *buf);
size_t sl_value_fmt_timestamp(int64_t ms, char *buf);
/* Standard base64 with padding, as ksqlDB renders BYTES in text formats. */
void sl_value_append_base64(sl_str *out, const uint8_t *p, size_t len);

/* Civil calendar helpers (proleptic Gregorian, UTC). */
int64_t sl_value_days_from_civil(int64_t year, int month, int day);
void sl_value_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

#endif
