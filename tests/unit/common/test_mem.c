/* test_mem.c: heap helpers and the fault hook that fails the Nth sl_try_* allocation. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "common/mem.h"

Test(common_mem, fault_hook_fails_the_allocation_after_n_successes)
{
        for (long n = 0; n < 6; n++) {
                sl_mem_fault_after(n);
                cr_assert_not(sl_mem_fault_fired(), "n=%ld: nothing failed yet", n);
                void *ok[6] = {0};
                for (long i = 0; i < n; i++) {
                        ok[i] = sl_try_malloc(16);
                        cr_assert_not_null(ok[i], "n=%ld: allocation %ld must succeed", n, i);
                        cr_assert_not(sl_mem_fault_fired());
                }
                cr_assert_null(sl_try_malloc(16), "n=%ld: allocation %ld must fail", n, n);
                cr_assert(sl_mem_fault_fired());
                /* and every one after it, until cleared */
                cr_assert_null(sl_try_malloc(1));
                cr_assert_null(sl_try_realloc(NULL, 8));
                sl_mem_fault_clear();
                cr_assert(sl_mem_fault_fired(), "clearing keeps the record of the failure");
                void *p = sl_try_malloc(16);
                cr_assert_not_null(p, "cleared hook lets allocations through");
                sl_free(p);
                for (long i = 0; i < n; i++)
                        sl_free(ok[i]);
        }
}

Test(common_mem, rearming_resets_the_fired_flag)
{
        sl_mem_fault_after(0);
        cr_assert_null(sl_try_malloc(4));
        cr_assert(sl_mem_fault_fired());
        sl_mem_fault_after(1);
        cr_assert_not(sl_mem_fault_fired());
        void *p = sl_try_malloc(4);
        cr_assert_not_null(p);
        cr_assert_not(sl_mem_fault_fired());
        sl_mem_fault_clear();
        sl_free(p);
}

Test(common_mem, negative_count_fails_the_next_allocation)
{
        sl_mem_fault_after(-5);
        cr_assert_null(sl_try_malloc(4));
        cr_assert(sl_mem_fault_fired());
        sl_mem_fault_clear();
}

Test(common_mem, disarmed_hook_never_fires)
{
        sl_mem_fault_clear();
        for (int i = 0; i < 100; i++) {
                void *p = sl_try_malloc((size_t)i);
                cr_assert_not_null(p, "sl_try_malloc(%d)", i);
                sl_free(p);
        }
        cr_assert_not(sl_mem_fault_fired());
}

Test(common_mem, hook_counts_realloc_and_leaves_the_old_block_on_failure)
{
        char *p = sl_try_malloc(4);
        cr_assert_not_null(p);
        memcpy(p, "abc", 4);
        sl_mem_fault_after(1);
        char *q = sl_try_realloc(p, 64);
        cr_assert_not_null(q, "first counted allocation succeeds");
        cr_assert_str_eq(q, "abc");
        char *r = sl_try_realloc(q, 4096);
        cr_assert_null(r, "second one fails");
        cr_assert(sl_mem_fault_fired());
        cr_assert_str_eq(q, "abc", "a failed realloc keeps the original");
        sl_mem_fault_clear();
        sl_free(q);
}

Test(common_mem, never_null_allocators_ignore_the_hook)
{
        sl_mem_fault_after(0);
        void *a = sl_malloc(10);
        void *b = sl_calloc(2, 5);
        void *c = sl_realloc(NULL, 7);
        char *d = sl_strdup("x");
        cr_assert(a && b && c && d);
        cr_assert_not(sl_mem_fault_fired(), "only sl_try_* are counted");
        sl_mem_fault_clear();
        sl_free(a);
        sl_free(b);
        sl_free(c);
        sl_free(d);
}

static void *try_in_thread(void *arg)
{
        (void)arg;
        void *p = sl_try_malloc(32);
        int fired = sl_mem_fault_fired();
        sl_free(p);
        return (void *)(uintptr_t)(p != NULL && !fired);
}

Test(common_mem, hook_is_per_thread)
{
        sl_mem_fault_after(0);
        pthread_t t;
        void *res;
        cr_assert_eq(pthread_create(&t, NULL, try_in_thread, NULL), 0);
        cr_assert_eq(pthread_join(t, &res), 0);
        cr_assert_eq(res, (void *)1, "another thread's allocations are not failed");
        cr_assert_null(sl_try_malloc(32), "this thread's are");
        sl_mem_fault_clear();
}

Test(common_mem, zero_sizes_give_freeable_pointers)
{
        void *a = sl_malloc(0);
        void *b = sl_calloc(0, 0);
        void *c = sl_realloc(NULL, 0);
        void *d = sl_try_malloc(0);
        cr_assert(a && b && c && d);
        sl_free(a);
        sl_free(b);
        sl_free(c);
        sl_free(d);
        sl_free(NULL);
}

Test(common_mem, calloc_zeroes_and_realloc_preserves)
{
        unsigned char *p = sl_calloc(100, 3);
        for (int i = 0; i < 300; i++)
                cr_assert_eq(p[i], 0);
        for (int i = 0; i < 300; i++)
                p[i] = (unsigned char)i;
        p = sl_realloc(p, 100000);
        for (int i = 0; i < 300; i++)
                cr_assert_eq(p[i], (unsigned char)i);
        p = sl_realloc(p, 10);
        for (int i = 0; i < 10; i++)
                cr_assert_eq(p[i], (unsigned char)i);
        sl_free(p);
}

Test(common_mem, string_copies_are_terminated)
{
        char *a = sl_strdup("orders");
        cr_assert_str_eq(a, "orders");
        char *b = sl_strndup("orders", 3);
        cr_assert_str_eq(b, "ord");
        char *c = sl_strndup("a\0b", 3);
        cr_assert_eq(memcmp(c, "a\0b\0", 4), 0, "strndup copies exactly len bytes");
        char *d = sl_asprintf("%s=%d", "n", -12);
        cr_assert_str_eq(d, "n=-12");
        char *e = sl_asprintf("%0*d", 10000, 5);
        cr_assert_eq(strlen(e), 10000);
        cr_assert_eq(e[9999], '5');
        char *f = sl_asprintf("%s", "");
        cr_assert_str_eq(f, "");
        sl_free(a);
        sl_free(b);
        sl_free(c);
        sl_free(d);
        sl_free(e);
        sl_free(f);
}
