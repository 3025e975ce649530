/* cast.h: CAST(x AS T) and the implicit conversions of ksqlDB.
 *
 * Explicit casts allowed (ksqlDB's CastEvaluator; sl_cast_check says which):
 *   anything but BYTES -> STRING            Java toString, see sl_value_format
 *   STRING -> BOOLEAN                       prefixes of "true"/"yes" any case, else false
 *                                           (SqlBooleans.parseBoolean)
 *   STRING -> INT/BIGINT/DOUBLE/DECIMAL     trimmed Java number syntax; bad text is SL_ERR_CAST
 *   STRING -> DATE/TIME/TIMESTAMP           ISO-8601: yyyy[-MM[-dd]], HH:mm[:ss[.fff]],
 *                                           yyyy-MM-ddTHH[:mm[:ss[.fff]]] with optional Z/+hh:mm
 *   numeric <-> numeric                     INT/BIGINT narrowing wraps (Java (int)); DOUBLE to
 *                                           INT/BIGINT truncates and saturates, NaN -> 0 (Java);
 *                                           DECIMAL to INT/BIGINT truncates and wraps
 *                                           (BigDecimal.intValue); to DECIMAL rounds HALF_UP and
 *                                           is SL_ERR_OVERFLOW when the integer part does not fit
 *   TIMESTAMP -> DATE/TIME, DATE -> TIMESTAMP
 *   T -> T (identity; DECIMAL -> DECIMAL rescales)
 *   ARRAY/MAP/STRUCT -> the same kind, member-wise; STRUCT by field name, target fields missing
 *                                           from the source become NULL
 *   NULL -> anything                        NULL
 * A runtime failure (SL_ERR_CAST, SL_ERR_OVERFLOW) is what ksqlDB logs and turns into NULL: the
 * evaluator maps a failed cast to a NULL result; these functions only report it.
 *
 * Implicit conversions (the analyzer's): INT -> BIGINT -> DECIMAL -> DOUBLE, INT -> DECIMAL(10,0),
 * BIGINT -> DECIMAL(19,0), DECIMAL(p,s) -> DECIMAL(p',s') when s <= s' and p-s <= p'-s';
 * ARRAY/MAP/STRUCT element-wise; NULL -> anything. */
#ifndef SL_TYPES_CAST_H
#define SL_TYPES_CAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/err.h"
#include "types/type.h"
#include "types/value.h"

/* SL_OK when CAST(<from> AS <to>) is allowed, else SL_ERR_CAST with ksqlDB's message
 * "Cast of STRING to ARRAY<INTEGER> is not supported". */
sl_err sl_cast_check(const sl_type *from, const sl_type *to, sl_err_detail *err);
bool sl_cast_allowed(const sl_type *from, const sl_type *to);

/* CAST(v AS to). `out` may alias `v`. New strings and composites are allocated in `arena`; an
 * identity cast returns `v` as it is (still borrowing). NULL in gives NULL out.
 * Returns SL_OK, SL_ERR_CAST (bad text, disallowed cast) or SL_ERR_OVERFLOW. */
sl_err sl_value_cast(sl_arena *arena, const sl_value *v, const sl_type *to, sl_value *out, sl_err_detail *err);

/* True when `from` converts implicitly (without CAST) to `to`; see the file comment. */
bool sl_cast_implicit_ok(const sl_type *from, const sl_type *to);
/* The narrowest type both `a` and `b` convert to implicitly: INT+BIGINT -> BIGINT,
 * INT+DECIMAL(4,2) -> DECIMAL(12,2), DECIMAL+DOUBLE -> DOUBLE, NULL+T -> T, T+T -> T,
 * ARRAY<INT>+ARRAY<BIGINT> -> ARRAY<BIGINT> (built in `arena`). NULL when there is none. */
const sl_type *sl_cast_common_type(sl_arena *arena, const sl_type *a, const sl_type *b);
/* The DECIMAL type an INT, BIGINT or DECIMAL widens to (DECIMAL(10,0), DECIMAL(19,0), itself);
 * NULL for other types. Shared by the analyzer's decimal arithmetic typing. */
const sl_type *sl_cast_decimal_of(const sl_type *type);

/* Text parsers behind STRING casts, also for serdes and functions. All take (text, len), ignore
 * surrounding blanks where ksqlDB trims, and return SL_OK or SL_ERR_CAST. */
sl_err sl_cast_parse_int(const char *text, size_t len, int32_t *out, sl_err_detail *err);
sl_err sl_cast_parse_bigint(const char *text, size_t len, int64_t *out, sl_err_detail *err);
sl_err sl_cast_parse_double(const char *text, size_t len, double *out, sl_err_detail *err);
/* ksqlDB's SqlBooleans.parseBoolean (CAST semantics): after trimming, true when the text is a
 * non-empty case-insensitive prefix of "true" or "yes" ("t", "Y", "tRu"), false otherwise. */
bool sl_cast_parse_bool(const char *text, size_t len);
/* SqlBooleans.parseBooleanExact (literal coercion): prefixes of "true"/"yes" are true, prefixes of
 * "false"/"no" false, anything else SL_ERR_CAST. No trimming. */
sl_err sl_cast_parse_bool_exact(const char *text, size_t len, bool *out, sl_err_detail *err);
/* yyyy-MM-dd, or the partial yyyy-MM / yyyy (first day) -> days since epoch. */
sl_err sl_cast_parse_date(const char *text, size_t len, int32_t *out, sl_err_detail *err);
/* HH:mm[:ss[.fff...]] -> ms of day (extra fraction digits are truncated). */
sl_err sl_cast_parse_time(const char *text, size_t len, int32_t *out, sl_err_detail *err);
/* yyyy[-MM[-dd]] or yyyy-MM-dd'T'HH[:mm[:ss[.fff...]]][Z|+hh[:mm]|-hh[:mm]] -> ms since epoch (UTC
 * when no zone), as ksqlDB's PartialStringToTimestampParser. */
sl_err sl_cast_parse_timestamp(const char *text, size_t len, int64_t *out, sl_err_detail *err);

#endif
