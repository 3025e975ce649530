/* decimal.h: exact DECIMAL(p,s) arithmetic with ksqlDB's semantics (Java BigDecimal underneath).
 * A decimal is an unscaled 128-bit integer plus precision and scale: value = unscaled * 10^-scale.
 * Every sl_decimal a function here returns satisfies |unscaled| < 10^precision, precision 1..38,
 * scale 0..precision; inputs are expected to satisfy it too.
 *
 * Result types (ksqlDB SqlDecimal), with (p1,s1) and (p2,s2) the operand types:
 *   a + b, a - b   p = max(s1,s2) + max(p1-s1, p2-s2) + 1   s = max(s1,s2)
 *   a * b          p = p1 + p2 + 1                          s = s1 + s2
 *   a / b          p = p1 - s1 + s2 + max(6, s1 + p2 + 1)   s = max(6, s1 + p2 + 1)
 *   a % b          p = min(p1-s1, p2-s2) + max(s1,s2)       s = max(s1,s2)
 * When p exceeds 38 it is capped at 38 and the scale shrinks to keep the integer digits, but never
 * below min(s, 6) (the SQL Server rule; ksqlDB itself rejects such types). Results are rounded
 * HALF_UP to the result scale; a result whose integer part does not fit is SL_ERR_OVERFLOW.
 * Division and modulus by zero are SL_ERR_RANGE. ksqlDB turns both into a NULL result.
 * One deliberate difference: ksqlDB divides with MathContext(p, UNNECESSARY), so a quotient that
 * does not terminate within p digits (1/3) fails and yields NULL there; here it rounds HALF_UP
 * (1/3 -> 0.333333). */
#ifndef SL_TYPES_DECIMAL_H
#define SL_TYPES_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/str.h"
#include "types/type.h"

/* A 128-bit integer with 8-byte alignment, so that sl_value stays 24 bytes. Copy it by value;
 * never take the address of one inside a struct as an `__int128 *`. */
typedef __int128 sl_i128 __attribute__((aligned(8)));

typedef struct sl_decimal {
        sl_i128 unscaled;   /* value * 10^scale */
        uint8_t precision;  /* 1..38: the type's precision, not the digits of this value */
        uint8_t scale;      /* 0..precision */
} sl_decimal;

/* Longest text sl_decimal_format writes: sign, 38 digits, point, leading "0." and NUL. */
#define SL_DECIMAL_STR_MAX 44

typedef enum sl_decimal_op {
        SL_DECIMAL_ADD,
        SL_DECIMAL_SUB,
        SL_DECIMAL_MUL,
        SL_DECIMAL_DIV,
        SL_DECIMAL_MOD,
} sl_decimal_op;

/* 10^n for 0 <= n <= 38. */
sl_i128 sl_decimal_pow10(int n);
/* True when |unscaled| < 10^precision. */
bool sl_decimal_fits(sl_i128 unscaled, int precision);

/* Parses Java BigDecimal syntax: optional sign, digits with an optional point, optional exponent
 * (1.5E+3); surrounding blanks are ignored (ksqlDB trims). The result has the literal's own
 * precision and scale (ksqlDB DecimalUtil.fromValue: "10.50" is DECIMAL(4,2), "0.00" DECIMAL(3,2));
 * a negative scale (1E+3) is normalised to scale 0. More than 38 significant digits is
 * SL_ERR_OVERFLOW, bad syntax SL_ERR_PARSE. */
sl_err sl_decimal_parse(const char *text, size_t len, sl_decimal *out, sl_err_detail *err);
/* Parses and fits to DECIMAL(precision, scale), as CAST(string AS DECIMAL(p,s)) does: rounds
 * HALF_UP to `scale`; SL_ERR_OVERFLOW when the integer part needs more than precision-scale digits. */
sl_err sl_decimal_parse_to(const char *text, size_t len, int precision, int scale, sl_decimal *out,
                           sl_err_detail *err);

/* Writes the plain text (BigDecimal.toPlainString: "-1.50", "0.00", "12") into `buf` (at least
 * SL_DECIMAL_STR_MAX bytes), NUL-terminated; returns its length. */
size_t sl_decimal_format(sl_decimal d, char *buf);
void sl_decimal_append(sl_str *out, sl_decimal d);

/* Converts to DECIMAL(precision, scale), rounding HALF_UP (away from zero on a tie, for negatives
 * too: -2.5 -> -3). SL_ERR_OVERFLOW when the rounded value does not fit. */
sl_err sl_decimal_rescale(sl_decimal d, int precision, int scale, sl_decimal *out, sl_err_detail *err);

/* Exact conversions from integers to DECIMAL(precision, scale); SL_ERR_OVERFLOW when the value
 * needs more than precision-scale integer digits. */
sl_err sl_decimal_from_i64(int64_t v, int precision, int scale, sl_decimal *out, sl_err_detail *err);
/* ksqlDB DecimalUtil.cast(double): the double's exact binary value is first rounded HALF_UP to
 * `precision` significant digits, then to `scale` digits. NaN and infinities are SL_ERR_OVERFLOW. */
sl_err sl_decimal_from_double(double v, int precision, int scale, sl_decimal *out, sl_err_detail *err);
/* The nearest double (via the decimal text, as BigDecimal.doubleValue). */
double sl_decimal_to_double(sl_decimal d);
/* Truncates toward zero and keeps the low 64 bits, as BigDecimal.longValue() does. */
int64_t sl_decimal_to_i64_wrap(sl_decimal d);

/* The unscaled value as minimal big-endian two's complement, as Java's BigInteger.toByteArray
 * writes it for Avro's "decimal" logical type and Kafka Connect's Decimal: 1..16 bytes into `out`;
 * returns the count (0 encodes as one 0x00 byte). */
size_t sl_decimal_to_be_bytes(sl_decimal d, uint8_t out[16]);
/* The inverse, for a value of DECIMAL(precision, scale). Redundant sign-extension bytes are
 * accepted. SL_ERR_CORRUPT when `len` is 0 or the value needs more than 128 bits,
 * SL_ERR_OVERFLOW when it does not fit `precision`. */
sl_err sl_decimal_from_be_bytes(const uint8_t *p, size_t len, int precision, int scale, sl_decimal *out,
                                sl_err_detail *err);

/* Result precision and scale of `op` on DECIMAL(p1,s1) and DECIMAL(p2,s2), per the table above. */
void sl_decimal_result_type(sl_decimal_op op, int p1, int s1, int p2, int s2, int *precision, int *scale);
/* a op b with the result type above. SL_ERR_OVERFLOW or SL_ERR_RANGE (division by zero). */
sl_err sl_decimal_arith(sl_decimal_op op, sl_decimal a, sl_decimal b, sl_decimal *out, sl_err_detail *err);
sl_err sl_decimal_add(sl_decimal a, sl_decimal b, sl_decimal *out, sl_err_detail *err);
sl_err sl_decimal_sub(sl_decimal a, sl_decimal b, sl_decimal *out, sl_err_detail *err);
sl_err sl_decimal_mul(sl_decimal a, sl_decimal b, sl_decimal *out, sl_err_detail *err);
sl_err sl_decimal_div(sl_decimal a, sl_decimal b, sl_decimal *out, sl_err_detail *err);
/* Remainder with the sign of the dividend (BigDecimal.remainder). */
sl_err sl_decimal_mod(sl_decimal a, sl_decimal b, sl_decimal *out, sl_err_detail *err);
/* Same precision and scale; cannot fail. */
sl_decimal sl_decimal_negate(sl_decimal d);

/* Compares by value regardless of scale (1.0 == 1.00): <0, 0, >0. */
int sl_decimal_cmp(sl_decimal a, sl_decimal b);
/* Strips trailing fractional zeros: the canonical form equal values share (scale may drop to 0;
 * precision becomes the digit count, at least 1). For hashing and the key encoding. */
sl_decimal sl_decimal_normalize(sl_decimal d);

#endif
