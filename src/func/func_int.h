/* func_int.h: what the built-in function families share -- their registration entry points and small
 * helpers for reading arguments and building results in the call's arena. Private to src/func. */
#ifndef SL_FUNC_FUNC_INT_H
#define SL_FUNC_FUNC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/arena.h"
#include "common/str.h"
#include "func/registry.h"
#include "types/decimal.h"
#include "types/type.h"
#include "types/value.h"

/* One registration function per family file. */
sl_err sl_func_string_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_numeric_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_array_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_map_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_lambda_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_conditional_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_regex_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_url_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_json_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_datetime_register(sl_func_registry *reg, sl_err_detail *err);
sl_err sl_func_conversion_register(sl_func_registry *reg, sl_err_detail *err);
/* Every built-in aggregate (agg_common.c; the families are in agg_int.h). */
sl_err sl_func_agg_register(sl_func_registry *reg, sl_err_detail *err);

/* The longest STRING/BYTES a function builds from a length argument (LPAD/RPAD): beyond it the
 * call fails with SL_ERR_LIMIT instead of exhausting memory. */
#define SL_FUNC_MAX_RESULT (64 * 1024 * 1024)

/* Registers a static table: SL_FUNC_TABLE(reg, rows, err). */
#define SL_FUNC_ADD_TABLE(reg, rows, err) sl_func_registry_add_table((reg), (rows), sizeof(rows) / sizeof((rows)[0]), (err))

/* Defines the invoke function `name` (sl_func_invoke_fn) as a call of
 * `impl(ctx, a, n, out, <the remaining arguments>)`: overloads or sibling functions that one
 * implementation serves with different constants (a sign, a mode, which end). */
#define SL_FUNC_INVOKE_WITH(name, impl, ...) \
        static sl_err name(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out) \
        { \
                return impl(ctx, a, n, out, __VA_ARGS__); \
        }

/* The DECIMAL type INT and BIGINT widen to (DECIMAL(10,0), DECIMAL(19,0)); a DECIMAL itself. */
static inline const sl_type *sl_func_decimal_of(const sl_type *t)
{
        if (t->kind == SL_TYPE_INT)
                return sl_type_decimal(SL_DECIMAL_INT_PRECISION, 0);
        if (t->kind == SL_TYPE_BIGINT)
                return sl_type_decimal(SL_DECIMAL_BIGINT_PRECISION, 0);
        return t->kind == SL_TYPE_DECIMAL ? t : NULL;
}

/* String argument as pointer and length (not NUL-terminated). */
static inline const char *fn_sp(const sl_value *v) { return (const char *)v->u.bytes; }

/* NUL-terminated copy of a STRING/BYTES argument in the call arena. */
static inline char *fn_cstr(sl_func_ctx *ctx, const sl_value *v)
{
        return sl_arena_strndup(ctx->arena, v->len ? (const char *)v->u.bytes : "", v->len);
}

/* A STRING result copied into the call arena. */
static inline sl_value fn_str(sl_func_ctx *ctx, const char *p, size_t len)
{
        return sl_value_string_copy(ctx->arena, p, len);
}

/* A STRING result taken from a builder (copied; the builder stays the caller's). */
static inline sl_value fn_str_from(sl_func_ctx *ctx, const sl_str *s)
{
        return sl_value_string_copy(ctx->arena, sl_str_cstr(s), sl_str_len(s));
}

/* A composite result of the resolved return type with `n` elements (MAP: entries), all NULL. */
static inline sl_value fn_comp_new(sl_func_ctx *ctx, size_t n, sl_value **items)
{
        return sl_value_composite_new(ctx->arena, ctx->res->ret, n, items);
}

/* Case-insensitive equality of a STRING argument with a C string. */
bool sl_func_str_eq_ci(const sl_value *v, const char *s);

/* UTF-8: number of code points; byte offset of code point `cp` (clamped to len). */
size_t sl_func_utf8_count(const char *p, size_t len);
size_t sl_func_utf8_offset(const char *p, size_t len, size_t cp);
/* Decodes one code point at p (len > 0); sets *adv to its byte length (1 for invalid bytes). */
uint32_t sl_func_utf8_decode(const char *p, size_t len, size_t *adv);
/* Appends code point `cp` as UTF-8. */
void sl_func_utf8_append(sl_str *s, uint32_t cp);

/* Java's String.valueOf of numbers, as ksqlDB's string functions render them. */
void sl_func_append_value(sl_str *s, const sl_value *v);

/* Java-compatible regular expressions on top of POSIX ERE: translates \d \D \s \S \w \W, (?i),
 * non-capturing groups and escapes; compiles with REG_EXTENDED. Returns false (and leaves nothing
 * to free) on a bad pattern. The compiled pattern must be freed with sl_func_regex_free. */
#define SL_FUNC_REGEX_MAX_GROUPS 15
typedef struct sl_func_regex {
        void *impl;         /* regex_t, heap */
        size_t ngroups;     /* capture groups of the Java pattern */
        uint8_t map[SL_FUNC_REGEX_MAX_GROUPS + 1];  /* Java group number -> POSIX group number */
} sl_func_regex;
bool sl_func_regex_compile(sl_func_regex *re, const char *pattern, size_t len);
void sl_func_regex_free(sl_func_regex *re);
/* Finds the first match at or after byte `from` of text[0..len); fills up to `nm` group offsets
 * (start/end, -1 when a group did not take part), numbered as in the Java pattern. Returns false
 * when there is none. */
bool sl_func_regex_find(const sl_func_regex *re, const char *text, size_t len, size_t from, long *starts,
                        long *ends, size_t nm);
/* Number of capture groups (as the Java pattern counts them: (?:...) is not one). */
size_t sl_func_regex_groups(const sl_func_regex *re);

/* ---- time zones (tz.c) ---- */

/* An immutable time zone, cached for the life of the process. */
typedef struct sl_func_tz sl_func_tz;
/* The zone of a ZoneId text ("UTC", "+02:00", "America/Los_Angeles", "PST"); NULL when unknown.
 * Thread-safe. */
const sl_func_tz *sl_func_tz_get(const char *id, size_t len);
/* The zone a DateTimeFormatter 'z' abbreviation ("PDT", "BST") stands for; NULL when unknown. */
const sl_func_tz *sl_func_tz_get_abbrev(const char *abbr, size_t len);
const sl_func_tz *sl_func_tz_utc(void);
const char *sl_func_tz_id(const sl_func_tz *tz);
bool sl_func_tz_is_fixed(const sl_func_tz *tz);
/* Offset in seconds east of UTC at the instant `utc_ms`; *abbr (may be NULL) gets the zone's
 * abbreviation then ("PDT"), valid for the life of the process. */
int32_t sl_func_tz_offset(const sl_func_tz *tz, int64_t utc_ms, const char **abbr);
/* The instant of local date-time `local_ms` (ms since the epoch as if UTC) in the zone; in an
 * overlap the earlier instant, in a gap shifted forward by the gap (java.time's rules). */
int64_t sl_func_tz_local_to_utc(const sl_func_tz *tz, int64_t local_ms);

/* ---- Java DateTimeFormatter patterns (dtfmt.c) ---- */

/* Field groups a value offers to a pattern. */
enum {
        SL_FUNC_DT_DATE = 1 << 0,  /* year, month, day, weekday ... */
        SL_FUNC_DT_TIME = 1 << 1,  /* hours, minutes, seconds, fraction ... */
        SL_FUNC_DT_ZONE = 1 << 2,  /* zone names and offsets */
};

/* Formats a local date-time with pattern `pat` ("yyyy-MM-dd'T'HH:mm:ss.SSS XXX"). `tz`, `off`
 * (seconds east) and `abbr` describe the zone when SL_FUNC_DT_ZONE is available. A field outside
 * `avail` or an unknown letter is SL_ERR_FUNCTION. */
sl_err sl_func_dt_format(sl_str *out, const char *pat, size_t plen, int64_t local_ms, unsigned avail,
                         const sl_func_tz *tz, int32_t off, const char *abbr, sl_err_detail *err);

/* What parsing a text with a pattern found. */
typedef struct sl_func_dt_parsed {
        int64_t local_ms;        /* the local date-time, missing fields defaulted (1970-01-01 00:00) */
        unsigned found;          /* SL_FUNC_DT_* groups the pattern had */
        const sl_func_tz *zone;  /* a zone named in the text, or NULL */
        bool has_offset;         /* an offset was given in the text */
        int32_t offset;          /* it, seconds east */
} sl_func_dt_parsed;

/* Parses `text` (all of it) with `pat`; SL_ERR_FUNCTION with ksqlDB-like messages on failure. */
sl_err sl_func_dt_parse(const char *pat, size_t plen, const char *text, size_t tlen, sl_func_dt_parsed *out,
                        sl_err_detail *err);

#endif
