/* mem.h: heap allocation. sl_malloc and friends never return NULL: on out-of-memory they log the
 * size and abort (Redis zmalloc). A size that comes from the wire or from a user goes through
 * sl_try_malloc after a limit check. A fault hook makes the Nth allocation fail, for tests. */
#ifndef SL_COMMON_MEM_H
#define SL_COMMON_MEM_H

#include <stddef.h>

void *sl_malloc(size_t size);
void *sl_calloc(size_t count, size_t size);
void *sl_realloc(void *ptr, size_t size);
/* Copies of a NUL-terminated string / of `len` bytes plus a NUL. Caller frees with sl_free. */
char *sl_strdup(const char *s);
char *sl_strndup(const char *s, size_t len);
/* printf into a fresh heap string. Caller frees with sl_free. */
char *sl_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sl_free(void *ptr);
/* Logs the request and aborts, as out-of-memory does. For sizes that overflowed, or exceed
 * PTRDIFF_MAX, which no allocator can satisfy: containers call it instead of wrapping around. */
_Noreturn void sl_mem_overflow(size_t count, size_t size);

/* Returns NULL when the allocation fails (or the fault hook fires) instead of aborting. */
void *sl_try_malloc(size_t size);
void *sl_try_realloc(void *ptr, size_t size);

/* Fault injection: after `n` more successful sl_try_* allocations, every further sl_try_*
 * allocation fails until sl_mem_fault_clear(). Counts per thread. Test use only. */
void sl_mem_fault_after(long n);
void sl_mem_fault_clear(void);
/* True when the fault hook has made at least one allocation fail since it was armed. */
int sl_mem_fault_fired(void);

#endif
