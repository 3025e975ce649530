/* crc32c.h: CRC-32C (Castagnoli), as Kafka record batches and our own files use it. Uses the
 * SSE4.2 crc32 instruction where the CPU has it, a slicing table otherwise. */
#ifndef SL_COMMON_CRC32C_H
#define SL_COMMON_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Extends `crc` (0 to start) over `len` bytes; the result is the finished CRC, and can be passed
 * back in to continue over more bytes. */
uint32_t sl_crc32c(uint32_t crc, const void *data, size_t len);
/* The portable implementation alone, for tests that compare both paths. */
uint32_t sl_crc32c_sw(uint32_t crc, const void *data, size_t len);
/* True when sl_crc32c uses the hardware instruction. */
int sl_crc32c_hw_available(void);

#endif
