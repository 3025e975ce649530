/* base64.h: the standard base64 alphabet (RFC 4648, '+' and '/'). Callers differ in which padding
 * they accept, so padding is theirs to check; this decodes the unpadded characters. */
#ifndef SL_COMMON_BASE64_H
#define SL_COMMON_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Decodes `n` base64 characters (no '=' padding) into `dst`, which must hold n / 4 * 3 + 3 bytes.
 * Returns the number of bytes written, or -1 on a character outside the alphabet. Trailing bits
 * that do not make a whole byte are dropped. */
long sl_base64_decode_chars(const char *p, size_t n, uint8_t *dst);

#endif
