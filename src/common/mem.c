/* mem.c: allocation that never returns NULL, plus the try-variants and the fault hook that tests
 * use to fail the Nth allocation (SQLite's faultsim). */
#include "common/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

static _Thread_local long fault_countdown = -1;  /* -1: hook disarmed */
static _Thread_local int fault_fired;

static void out_of_memory(size_t size)
{
        sl_log(SL_LOG_ERROR, "mem", "out of memory allocating %zu bytes", size);
        abort();
}

void *sl_malloc(size_t size)
{
        void *p = malloc(size ? size : 1);
        if (!p)
                out_of_memory(size);
        return p;
}

void *sl_calloc(size_t count, size_t size)
{
        void *p = calloc(count ? count : 1, size ? size : 1);
        if (!p)
                out_of_memory(count * size);
        return p;
}

void *sl_realloc(void *ptr, size_t size)
{
        void *p = realloc(ptr, size ? size : 1);
        if (!p)
                out_of_memory(size);
        return p;
}

char *sl_strndup(const char *s, size_t len)
{
        char *p = sl_malloc(len + 1);
        memcpy(p, s, len);
        p[len] = '\0';
        return p;
}

char *sl_strdup(const char *s)
{
        return sl_strndup(s, strlen(s));
}

char *sl_asprintf(const char *fmt, ...)
{
        va_list ap, ap2;
        va_start(ap, fmt);
        va_copy(ap2, ap);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        char *p = sl_malloc((size_t)(n < 0 ? 0 : n) + 1);
        vsnprintf(p, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap2);
        va_end(ap2);
        return p;
}

void sl_free(void *ptr)
{
        free(ptr);
}

void sl_mem_overflow(size_t count, size_t size)
{
        sl_log(SL_LOG_ERROR, "mem", "allocation of %zu x %zu bytes cannot be represented", count, size);
        abort();
}

static int fault_now(void)
{
        if (fault_countdown < 0)
                return 0;
        if (fault_countdown == 0) {
                fault_fired = 1;
                return 1;
        }
        fault_countdown--;
        return 0;
}

void *sl_try_malloc(size_t size)
{
        return fault_now() ? NULL : malloc(size ? size : 1);
}

void *sl_try_realloc(void *ptr, size_t size)
{
        return fault_now() ? NULL : realloc(ptr, size ? size : 1);
}

void sl_mem_fault_after(long n)
{
        fault_countdown = n < 0 ? 0 : n;
        fault_fired = 0;
}

void sl_mem_fault_clear(void)
{
        fault_countdown = -1;
}

int sl_mem_fault_fired(void)
{
        return fault_fired;
}
