/* udf.h: the Sluice UDF plugin ABI. A plugin is a shared object that sluiced loads at start from its
 * extension directory (ksql.extension.dir). It adds scalar, aggregate and table functions that SQL
 * calls exactly like built-ins and that SHOW FUNCTIONS / DESCRIBE FUNCTION list with their author,
 * version and description. This header is the whole contract: a plugin includes nothing else from
 * Sluice and links against nothing from it; everything it needs comes through the host table.
 *
 * A plugin:
 *
 *     #include <sluice/udf.h>
 *     SL_UDF_PLUGIN("myplugin", "1.0.0")
 *     static const sl_udf_host *h;   (set in sl_udf_entry; valid while loaded)
 *
 *     static int twice(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs,
 *                      const sl_udf_value **result)
 *     {
 *             *result = h->make_bigint(call, 2 * h->get_bigint(args[0]));
 *             return SL_UDF_OK;
 *     }
 *     static const sl_udf_overload twice_ov[] = {
 *             {.size = sizeof(sl_udf_overload), .params = "BIGINT x", .returns = "BIGINT",
 *              .flags = SL_UDF_NULL_IN_NULL_OUT, .invoke = twice},
 *     };
 *     int sl_udf_entry(const sl_udf_host *host, char *errbuf, size_t errlen)
 *     {
 *             h = host;
 *             sl_udf_function fn = {.size = sizeof fn, .name = "TWICE", .kind = SL_UDF_SCALAR,
 *                                   .description = "doubles a number", .overloads = twice_ov,
 *                                   .noverloads = 1};
 *             return host->register_function(&fn, errbuf, errlen);
 *     }
 *
 * Loading. The loader dlopen()s the file, calls the magic function that SL_UDF_PLUGIN defines and
 * refuses the plugin when its ABI major differs from the server's or its minor is newer (the
 * message names the field: abi_major or abi_minor). It then calls sl_udf_entry, which registers
 * functions through host->register_function. Registration is all or nothing: when sl_udf_entry
 * returns non-zero, or any registration failed (bad signature, a name already taken by a built-in
 * or by another plugin), no function of the plugin is added, the file is unloaded, one log line
 * gives its path and the reason, and the server goes on.
 *
 * Versioning. SL_UDF_ABI_MAJOR changes only when something already published changes meaning; then
 * every plugin must be rebuilt. SL_UDF_ABI_MINOR grows when entries are appended to sl_udf_host or
 * fields to the registration structs: a plugin built against 1.N runs on any server 1.M with M >= N.
 * sl_udf_host only grows at its end, each group marked with the ABI version that added it, and a
 * plugin may check host->size (or host->abi_minor) before using a newer entry. Registration structs
 * begin with `size` (set it to sizeof the struct): the host reads only the fields a plugin knows.
 *
 * Values. Functions see arguments through opaque handles (const sl_udf_value *) read with the
 * host's accessors, never through Sluice's internal structs. Kinds (sl_udf_kind) have the numbers of
 * Sluice's SQL types and never change. A NULL argument is a handle whose kind is SL_UDF_NULL.
 * Accessors called on a value of another kind return 0 / NULL / an empty string.
 *
 * Ownership. Argument handles and everything read through them (strings, bytes, elements) are
 * borrowed from the host and valid until the callback returns; copy what you keep. Values a
 * callback makes with host->make_* / new_* / alloc_bytes live in the memory of that call and are
 * freed by the host; never free them, never keep them after returning, never return memory from
 * malloc. A callback may return one of its arguments (or an element of one) as its result.
 * Strings and bytes passed to make_* are copied. Registration structs and the strings they point to
 * are copied by register_function except `udata`, which must stay valid while the plugin is loaded
 * (plugins are unloaded only when the server stops).
 *
 * Errors. A callback returns SL_UDF_OK, or SL_UDF_ERROR after host->error(call, ...) has set the
 * message. The record that caused it goes to the processing log with that message and the
 * function's result is NULL (an aggregate's state stays as it was); the query goes on. A result
 * that does not fit the declared type is such an error too. Bad input where SQL would simply yield
 * NULL (ksqlDB's convention) should return a NULL result with SL_UDF_OK instead. A callback must
 * not abort, exit, longjmp or let a signal escape: that stops the server.
 *
 * Threads. sl_udf_entry runs once, on the loading thread, before any query runs; register_function
 * may be called only from inside it. Afterwards the callbacks of one function may run at the same
 * time on several stream threads, each with its own sl_udf_call: callbacks must be reentrant, and
 * `udata` is shared read-only between threads (guard any mutable global state yourself). A call
 * handle and the values made through it belong to the thread running the callback. Every host
 * entry is safe to call from any thread with that thread's call handle.
 *
 * Aggregates keep their per-group state as BYTES (the plugin's own serialization), because the state
 * lives in RocksDB stores and changelog topics and must survive restarts and moves between hosts:
 * encode it with a fixed byte order and a version byte, and accept every version you ever wrote. */
#ifndef SLUICE_UDF_H
#define SLUICE_UDF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SL_UDF_ABI_MAJOR 1
#define SL_UDF_ABI_MINOR 0

/* Callback results. */
#define SL_UDF_OK 0
#define SL_UDF_ERROR (-1)

/* Kinds of values; the numbers are Sluice's SQL type kinds and never change. */
typedef enum sl_udf_kind {
        SL_UDF_NULL = 0,
        SL_UDF_BOOLEAN = 1,
        SL_UDF_INT = 2,        /* 32-bit signed */
        SL_UDF_BIGINT = 3,     /* 64-bit signed */
        SL_UDF_DOUBLE = 4,
        SL_UDF_DECIMAL = 5,    /* exact: unscaled integer, precision 1..38, scale 0..precision */
        SL_UDF_STRING = 6,     /* UTF-8, not NUL-terminated */
        SL_UDF_BYTES = 7,
        SL_UDF_DATE = 8,       /* days since 1970-01-01 */
        SL_UDF_TIME = 9,       /* milliseconds since midnight */
        SL_UDF_TIMESTAMP = 10, /* milliseconds since the epoch, UTC */
        SL_UDF_ARRAY = 11,
        SL_UDF_MAP = 12,
        SL_UDF_STRUCT = 13,
} sl_udf_kind;

/* What a function computes. */
typedef enum sl_udf_func_kind {
        SL_UDF_SCALAR = 0,     /* one value per row */
        SL_UDF_AGGREGATE = 1,  /* folds the rows of a group (sl_udf_aggregate) */
        SL_UDF_TABLE = 2,      /* zero or more output rows per input row */
} sl_udf_func_kind;

/* Overload flags. */
enum {
        SL_UDF_NULL_IN_NULL_OUT = 1 << 0,  /* any NULL argument gives NULL without calling the function */
        SL_UDF_NONDETERMINISTIC = 1 << 1,  /* never constant-folded (random numbers, clocks) */
};

/* Log levels for host->log. */
enum {
        SL_UDF_LOG_DEBUG = 1,
        SL_UDF_LOG_INFO = 2,
        SL_UDF_LOG_WARN = 3,
        SL_UDF_LOG_ERROR = 4,
};

/* Opaque handles. */
typedef struct sl_udf_value sl_udf_value;  /* one SQL value */
typedef struct sl_udf_call sl_udf_call;    /* one invocation of a callback */
typedef struct sl_udf_host sl_udf_host;

/* The magic block SL_UDF_PLUGIN defines; the loader reads it before anything else. */
typedef struct sl_udf_magic {
        size_t size;          /* sizeof(sl_udf_magic) */
        uint32_t abi_major;   /* SL_UDF_ABI_MAJOR the plugin was built with */
        uint32_t abi_minor;   /* SL_UDF_ABI_MINOR the plugin was built with */
        const char *name;     /* plugin name, for logs */
        const char *version;  /* plugin version; the default version of its functions */
} sl_udf_magic;

#define SL_UDF_MAGIC_SYMBOL "sl_udf_plugin_magic"
#define SL_UDF_ENTRY_SYMBOL "sl_udf_entry"

#if defined(__GNUC__)
#define SL_UDF_EXPORT __attribute__((visibility("default")))
#else
#define SL_UDF_EXPORT
#endif

#ifdef __cplusplus
#define SL_UDF_EXTERN_C extern "C"
#else
#define SL_UDF_EXTERN_C
#endif

/* Put once in one source file of the plugin (PostgreSQL's PG_MODULE_MAGIC). */
#define SL_UDF_PLUGIN(plugin_name, plugin_version)                                                  \
        SL_UDF_EXTERN_C SL_UDF_EXPORT const sl_udf_magic *sl_udf_plugin_magic(void);                \
        const sl_udf_magic *sl_udf_plugin_magic(void)                                               \
        {                                                                                           \
                static const sl_udf_magic magic = {sizeof(sl_udf_magic), SL_UDF_ABI_MAJOR,          \
                                                   SL_UDF_ABI_MINOR, (plugin_name), (plugin_version)}; \
                return &magic;                                                                      \
        }

/* Scalar and table functions. `args` holds `nargs` borrowed handles, already converted to the
 * overload's parameter types (an INT passed for a BIGINT parameter arrives as BIGINT); a variadic
 * parameter contributes 0 or more of them. Set *result (NULL pointer or a NULL value for SQL NULL)
 * and return SL_UDF_OK, or return host->error(...). A scalar result must have the declared return
 * type (or one that widens to it: INT for BIGINT); a table function returns an ARRAY of its rows,
 * each of the declared return type (the row type). */
typedef int (*sl_udf_invoke_fn)(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs,
                                const sl_udf_value **result);

/* Aggregate callbacks. The state is always a BYTES value the plugin encodes itself; make it with
 * host->alloc_bytes or host->make_bytes. Every callback may return the state it was given when
 * nothing changes. Arguments of accumulate and undo are as for invoke; NULL arguments do arrive
 * (SQL's COUNT(col) skips them; decide yourself). */
typedef struct sl_udf_aggregate {
        size_t size;  /* sizeof(sl_udf_aggregate) */
        /* The empty state of a new group. Required. */
        int (*init)(sl_udf_call *call, const sl_udf_value **state);
        /* Folds one row into `state` (borrowed) and sets the new state. Required. */
        int (*accumulate)(sl_udf_call *call, const sl_udf_value *state, const sl_udf_value *const *args,
                          size_t nargs, const sl_udf_value **new_state);
        /* Removes one row folded in earlier (aggregations over tables, where rows change). NULL when
         * the function cannot; it then cannot aggregate a table. */
        int (*undo)(sl_udf_call *call, const sl_udf_value *state, const sl_udf_value *const *args, size_t nargs,
                    const sl_udf_value **new_state);
        /* Merges two states (session windows that join). NULL when the function cannot. */
        int (*merge)(sl_udf_call *call, const sl_udf_value *a, const sl_udf_value *b, const sl_udf_value **merged);
        /* The output value for `state`, of the overload's return type. Required. */
        int (*result)(sl_udf_call *call, const sl_udf_value *state, const sl_udf_value **result);
} sl_udf_aggregate;

/* One typed overload. Signature texts are those of Sluice's function registry:
 *   params   "DOUBLE lat1, DOUBLE lon1"   parameter names are optional and shown by DESCRIBE FUNCTION
 *            "STRING... parts"            `...` makes the last parameter variadic (0 or more)
 *            "ARRAY<T> list, T value"     a single capital letter is a type variable
 *            types: BOOLEAN INT BIGINT DOUBLE STRING BYTES DATE TIME TIMESTAMP DECIMAL ANY STRUCT
 *            ARRAY<t> MAP<k, v>
 *   returns  a type whose variables are bound by the parameters: "DOUBLE", "ARRAY<T>", or a concrete
 *            type written as in CREATE STREAM: "DECIMAL(10, 2)", "STRUCT<LAT DOUBLE, LON DOUBLE>",
 *            "ARRAY<STRUCT<K STRING, N BIGINT>>" (bare DECIMAL, STRUCT or ANY do not name a result
 *            type and are refused). For a table function, the type of one output row. */
typedef struct sl_udf_overload {
        size_t size;                      /* sizeof(sl_udf_overload) */
        const char *params;               /* parameter list; "" for none */
        const char *returns;              /* return type */
        unsigned flags;                   /* SL_UDF_NULL_IN_NULL_OUT, SL_UDF_NONDETERMINISTIC */
        sl_udf_invoke_fn invoke;          /* SCALAR and TABLE */
        const sl_udf_aggregate *aggregate; /* AGGREGATE; copied at registration */
        void *udata;                      /* handed back by host->call_udata; not copied */
        const char *description;          /* this overload, for DESCRIBE FUNCTION; may be NULL */
} sl_udf_overload;

/* One function: a name and its overloads. */
typedef struct sl_udf_function {
        size_t size;                       /* sizeof(sl_udf_function) */
        const char *name;                  /* case-insensitive; letters, digits and '_' */
        sl_udf_func_kind kind;
        const char *category;              /* SHOW FUNCTIONS category; NULL: "OTHER" */
        const char *description;           /* DESCRIBE FUNCTION; may be NULL */
        const char *author;                /* may be NULL */
        const char *version;               /* NULL: the plugin's version */
        const sl_udf_overload *overloads;  /* at least one */
        size_t noverloads;
} sl_udf_function;

/* The host table. Grows only at its end; never reorder or remove. */
struct sl_udf_host {
        size_t size;         /* sizeof(sl_udf_host) of the server: entries beyond it are absent */
        uint32_t abi_major;  /* the server's SL_UDF_ABI_MAJOR */
        uint32_t abi_minor;  /* the server's SL_UDF_ABI_MINOR */

        /* since ABI 1.0: registration (only inside sl_udf_entry) */
        /* Queues `fn` (copied, see Ownership) for registration. Returns SL_UDF_OK or SL_UDF_ERROR
         * with a message in errbuf; an error refuses the whole plugin. */
        int (*register_function)(const sl_udf_function *fn, char *errbuf, size_t errlen);

        /* since ABI 1.0: the call */
        /* Sets the error message of the current call (printf format); returns SL_UDF_ERROR, so that
         * `return host->error(call, "bad unit '%s'", u);` reads as one step. */
        int (*error)(sl_udf_call *call, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
        /* The overload's udata. */
        void *(*call_udata)(sl_udf_call *call);
        /* The function's name as registered, for messages. */
        const char *(*call_name)(sl_udf_call *call);
        /* Writes one line to the server log, tagged with the plugin name. Any thread. */
        void (*log)(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

        /* since ABI 1.0: reading values (handles and results borrowed, see Ownership) */
        sl_udf_kind (*kind)(const sl_udf_value *v);
        int (*is_null)(const sl_udf_value *v);
        int (*get_boolean)(const sl_udf_value *v);
        int32_t (*get_int)(const sl_udf_value *v);
        int64_t (*get_bigint)(const sl_udf_value *v);
        double (*get_double)(const sl_udf_value *v);
        int32_t (*get_date)(const sl_udf_value *v);       /* days since the epoch */
        int32_t (*get_time)(const sl_udf_value *v);       /* ms since midnight */
        int64_t (*get_timestamp)(const sl_udf_value *v);  /* ms since the epoch */
        /* STRING: the UTF-8 bytes (not NUL-terminated) and their length in *len. */
        const char *(*get_string)(const sl_udf_value *v, size_t *len);
        const uint8_t *(*get_bytes)(const sl_udf_value *v, size_t *len);
        /* DECIMAL: plain text ("-12.50") into buf (NUL-terminated, 44 bytes always suffice);
         * returns the text's length, or 0 when cap is too small or v is no DECIMAL. */
        size_t (*get_decimal_text)(const sl_udf_value *v, char *buf, size_t cap);
        /* DECIMAL: the unscaled value (value = unscaled / 10^scale); returns SL_UDF_ERROR when it
         * does not fit 64 bits (use the text form then). */
        int (*get_decimal_unscaled)(const sl_udf_value *v, int64_t *unscaled);
        int (*get_decimal_precision)(const sl_udf_value *v);
        int (*get_decimal_scale)(const sl_udf_value *v);
        /* ARRAY and STRUCT: elements / fields; MAP: entries; STRING and BYTES: bytes; else 0. */
        size_t (*length)(const sl_udf_value *v);
        /* ARRAY element i; NULL when out of range. */
        const sl_udf_value *(*array_get)(const sl_udf_value *v, size_t i);
        /* MAP entry i's key and value (insertion order); NULL when out of range. */
        const sl_udf_value *(*map_key)(const sl_udf_value *v, size_t i);
        const sl_udf_value *(*map_value)(const sl_udf_value *v, size_t i);
        /* STRUCT field i, its name; the field called `name` (exact match) or NULL. */
        const sl_udf_value *(*struct_get)(const sl_udf_value *v, size_t i);
        const char *(*struct_field_name)(const sl_udf_value *v, size_t i);
        const sl_udf_value *(*struct_find)(const sl_udf_value *v, const char *name);

        /* since ABI 1.0: making values (in the call's memory, freed by the host) */
        const sl_udf_value *(*make_null)(sl_udf_call *call);
        const sl_udf_value *(*make_boolean)(sl_udf_call *call, int b);
        const sl_udf_value *(*make_int)(sl_udf_call *call, int32_t v);
        const sl_udf_value *(*make_bigint)(sl_udf_call *call, int64_t v);
        const sl_udf_value *(*make_double)(sl_udf_call *call, double v);
        const sl_udf_value *(*make_date)(sl_udf_call *call, int32_t days);
        const sl_udf_value *(*make_time)(sl_udf_call *call, int32_t ms);
        const sl_udf_value *(*make_timestamp)(sl_udf_call *call, int64_t ms);
        /* Copies `len` bytes of UTF-8 / of data. */
        const sl_udf_value *(*make_string)(sl_udf_call *call, const char *p, size_t len);
        const sl_udf_value *(*make_bytes)(sl_udf_call *call, const void *p, size_t len);
        /* A BYTES value of `len` bytes the plugin fills through *buf before returning it. */
        const sl_udf_value *(*alloc_bytes)(sl_udf_call *call, size_t len, uint8_t **buf);
        /* DECIMAL(precision, scale) from an unscaled integer / from text (rounded HALF_UP to scale);
         * NULL pointer (with the call's error set) when it does not fit. */
        const sl_udf_value *(*make_decimal)(sl_udf_call *call, int64_t unscaled, int precision, int scale);
        const sl_udf_value *(*make_decimal_text)(sl_udf_call *call, const char *text, int precision, int scale);
        /* An ARRAY of n NULL elements / a MAP of n NULL entries to fill with the setters; the element
         * types come from the declared return type when it is returned. */
        sl_udf_value *(*new_array)(sl_udf_call *call, size_t n);
        sl_udf_value *(*new_map)(sl_udf_call *call, size_t n);
        /* Sets element i / entry i (the value handle is copied shallowly: it may be an argument or a
         * made value). Returns SL_UDF_ERROR when i is out of range or the container is not one. */
        int (*array_set)(sl_udf_value *array, size_t i, const sl_udf_value *elem);
        int (*map_set)(sl_udf_value *map, size_t i, const sl_udf_value *key, const sl_udf_value *value);
        /* A STRUCT of n NULL fields to fill by position with struct_set; the names and field types
         * come from the declared return type (STRUCT<...>), whose field count n must equal. */
        sl_udf_value *(*new_struct)(sl_udf_call *call, size_t n);
        int (*struct_set)(sl_udf_value *st, size_t i, const sl_udf_value *field);

        /* since ABI 1.0: configuration (only inside sl_udf_entry) */
        /* The server's setting `ksql.functions.<function, lower case>.<key>`, else
         * `ksql.functions._global_.<key>` (ksqlDB's UDF config passthrough), else NULL. The string
         * stays valid while the plugin is loaded; read what you need in sl_udf_entry and keep it. */
        const char *(*config_get)(const char *function_name, const char *key);
};

/* Little-endian fields for the BYTES states of a plugin's aggregates (header-only helpers: no part
 * of the ABI). */
static inline void sl_udf_put_u64(uint8_t *p, uint64_t v)
{
        for (int i = 0; i < 8; i++)
                p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t sl_udf_get_u64(const uint8_t *p)
{
        uint64_t v = 0;
        for (int i = 0; i < 8; i++)
                v |= (uint64_t)p[i] << (8 * i);
        return v;
}

static inline void sl_udf_put_u32(uint8_t *p, uint32_t v)
{
        for (int i = 0; i < 4; i++)
                p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t sl_udf_get_u32(const uint8_t *p)
{
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void sl_udf_put_f64(uint8_t *p, double d)
{
        uint64_t v;
        memcpy(&v, &d, 8);
        sl_udf_put_u64(p, v);
}

static inline double sl_udf_get_f64(const uint8_t *p)
{
        uint64_t v = sl_udf_get_u64(p);
        double d;
        memcpy(&d, &v, 8);
        return d;
}

/* The one entry point every plugin defines. Registers the plugin's functions through `host`
 * (borrowed; valid for as long as the plugin stays loaded, so it may be kept in a static). Returns
 * 0, or non-zero with a message in errbuf to refuse loading. */
SL_UDF_EXPORT int sl_udf_entry(const sl_udf_host *host, char *errbuf, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
