/* keyenc.h: a binary key encoding whose memcmp order is sl_value_cmp's order, for state-store keys
 * (RocksDB's bytewise comparator) and range scans.
 *
 * For values a, b of one type: sl_value_cmp(a,b) and memcmp of their encodings (a proper prefix
 * first) have the same sign, and equal values encode to identical bytes (so 1.0 and 1.00 share an
 * encoding). A tuple encodes as the concatenation of its members; every member encoding is
 * self-delimiting, so tuples order lexicographically and a tuple sorts right before the tuples it is
 * a prefix of. The encoding is not self-describing: decoding needs the types.
 *
 * Layout (byte 0x00 is NULL, of any type; non-NULL values start with a tag >= 0x01):
 *   BOOLEAN       01 00|01
 *   INT, DATE, TIME          01 + 4 bytes big-endian, sign bit flipped
 *   BIGINT, TIMESTAMP        01 + 8 bytes big-endian, sign bit flipped
 *   DOUBLE        01 + 8 bytes: IEEE bits, all flipped when negative, else the sign bit flipped;
 *                 NaN canonical (sorts after +Inf)
 *   DECIMAL       02 negative, 03 zero, 04 positive; then for non-zero the normalised decimal
 *                 exponent and BCD digit nibbles (each digit+1, 0 terminates), all complemented
 *                 when negative
 *   STRING, BYTES 01 + bytes with 00 escaped as 00 FF, terminated by 00 01
 *   ARRAY, MAP    01 + (01 element)* 00; MAP entries as key, value, sorted by key
 *   STRUCT        01 + the fields' encodings in declaration order */
#ifndef SL_TYPES_KEYENC_H
#define SL_TYPES_KEYENC_H

#include <stddef.h>

#include "common/arena.h"
#include "common/buf.h"
#include "common/err.h"
#include "types/type.h"
#include "types/value.h"

/* Appends the encoding of `v` (its own type) to `out`. */
void sl_keyenc_append(sl_buf *out, const sl_value *v);
/* Appends the encodings of vals[0..n). */
void sl_keyenc_append_tuple(sl_buf *out, const sl_value *vals, size_t n);

/* Decodes one value of `type` starting at in.ptr[*pos] and advances *pos past it. Strings, bytes
 * and composites are copied into `arena` (nothing borrows `in`); a DECIMAL comes back at the
 * type's precision and scale. SL_ERR_CORRUPT on malformed or truncated input. */
sl_err sl_keyenc_decode(sl_arena *arena, const sl_type *type, sl_slice in, size_t *pos, sl_value *out,
                        sl_err_detail *err);
/* Decodes n values of types[0..n) into out[0..n); the input must be consumed exactly. */
sl_err sl_keyenc_decode_tuple(sl_arena *arena, const sl_type *const *types, size_t n, sl_slice in,
                              sl_value *out, sl_err_detail *err);

#endif
