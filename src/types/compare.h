/* compare.h: equality, a total order and hashing of sl_value, for sorting, grouping, joins and
 * state-store keys. Not SQL's three-valued logic: the evaluator applies that (any NULL operand of
 * = or < yields NULL) before calling in here.
 *
 * The order: NULL sorts before everything and equals NULL. Values of one type compare naturally:
 * FALSE < TRUE; numbers by value; DOUBLE as Java's Double.compare (-Inf < ... < -0.0 < 0.0 < ... <
 * +Inf < NaN, all NaNs equal); DECIMAL by value whatever the scale (1.0 == 1.00); STRING and BYTES
 * bytewise (memcmp, a proper prefix first); DATE, TIME, TIMESTAMP chronologically; ARRAY
 * lexicographically, a proper prefix first; STRUCT field by field in declaration order; MAP as
 * its entries sorted by key, compared like arrays of (key, value) (so equality ignores entry order).
 * Mixed numeric kinds compare by value (INT/BIGINT/DECIMAL exactly; with a DOUBLE, as doubles);
 * other mixed kinds order by sl_type_kind.
 *
 * For the evaluator: ksqlDB compares scalar numbers in expressions with Java's primitive operators
 * (a DOUBLE -0.0 = 0.0 there, and NaN compares false with everything), so DOUBLE comparison
 * operators should use C's operators; ARRAY, MAP and STRUCT support only = and <>, done with Java's
 * equals, which is sl_value_eq (NaN equals NaN inside them, -0.0 <> 0.0).
 *
 * sl_value_hash agrees with sl_value_eq for values of the same type (equal values of one type hash
 * equal), so decimals hash by their normalised value and maps independently of entry order. */
#ifndef SL_TYPES_COMPARE_H
#define SL_TYPES_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

#include "types/value.h"

/* <0, 0 or >0. */
int sl_value_cmp(const sl_value *a, const sl_value *b);
bool sl_value_eq(const sl_value *a, const sl_value *b);
uint64_t sl_value_hash(const sl_value *v, uint64_t seed);
/* Entry indexes 0..len-1 of MAP value `map` in key order (sl_value_cmp of the keys). Caller frees
 * with sl_free. Never NULL. */
uint32_t *sl_value_map_sorted(const sl_value *map);
/* The same into `idx`, which has room for map->len entries (no allocation). */
void sl_value_map_sort_into(const sl_value *map, uint32_t *idx);
/* Double.compare: the total order of doubles described above. */
int sl_value_cmp_double(double a, double b);

#endif
