/* test_arena.c: the region allocator: alignment of every allocation, allocations that do not
 * overlap, blocks bigger than the block size, reset and reuse, the copy helpers, and sizes that
 * cannot be represented. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/arena.h"
#include "common/log.h"

static uint64_t rng_state = 0x13198a2e03707344ull;

static uint64_t rng_next(void)
{
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return rng_state * 0x2545f4914f6cdd1dull;
}

static bool aligned(const void *p)
{
        return (uintptr_t)p % alignof(max_align_t) == 0;
}

typedef struct alloc_rec {
        unsigned char *p;  /* the allocation */
        size_t size;       /* its requested size */
        unsigned char tag; /* the byte it was filled with */
} alloc_rec;

/* Allocates random sizes (some beyond the block size), fills each with its own byte, then checks
 * that nothing was overwritten: allocations never overlap. */
static void fill_and_check(sl_arena *arena, size_t block_size, int count)
{
        alloc_rec *recs = calloc((size_t)count, sizeof *recs);
        for (int i = 0; i < count; i++) {
                size_t size;
                uint64_t r = rng_next();
                if (r % 50 == 0)
                        size = block_size + (size_t)(r >> 40) % (3 * block_size);  /* oversized */
                else
                        size = (size_t)(r >> 32) % 200;
                recs[i].p = sl_arena_alloc(arena, size);
                recs[i].size = size;
                recs[i].tag = (unsigned char)(i * 31 + 7);
                cr_assert_not_null(recs[i].p);
                cr_assert(aligned(recs[i].p), "allocation %d of %zu bytes at %p", i, size, (void *)recs[i].p);
                memset(recs[i].p, recs[i].tag, size);
        }
        for (int i = 0; i < count; i++)
                for (size_t k = 0; k < recs[i].size; k++)
                        cr_assert_eq(recs[i].p[k], recs[i].tag, "allocation %d byte %zu overwritten", i, k);
        free(recs);
}

Test(common_arena, every_allocation_is_aligned_and_distinct)
{
        sl_arena arena;
        sl_arena_init(&arena, 0);
        fill_and_check(&arena, 8 * 1024, 3000);
        sl_arena_deinit(&arena);
}

Test(common_arena, small_block_size_still_aligns_and_separates)
{
        sl_arena arena;
        sl_arena_init(&arena, 100);  /* not a multiple of the alignment */
        fill_and_check(&arena, 100, 2000);
        sl_arena_deinit(&arena);
}

Test(common_arena, zero_initialised_arena_is_usable)
{
        sl_arena arena = {0};
        char *s = sl_arena_strdup(&arena, "hello");
        cr_assert_str_eq(s, "hello");
        sl_arena_deinit(&arena);
        sl_arena_deinit(&arena);  /* twice is harmless */
}

Test(common_arena, zero_byte_allocations_are_distinct_pointers)
{
        sl_arena arena;
        sl_arena_init(&arena, 0);
        void *a = sl_arena_alloc(&arena, 0);
        void *b = sl_arena_alloc(&arena, 0);
        cr_assert_not_null(a);
        cr_assert_not_null(b);
        cr_assert_neq(a, b);
        sl_arena_deinit(&arena);
}

Test(common_arena, big_allocation_beyond_block_size_keeps_current_block_filling)
{
        sl_arena arena;
        sl_arena_init(&arena, 256);
        unsigned char *a = sl_arena_alloc(&arena, 16);
        unsigned char *big = sl_arena_alloc(&arena, 10000);
        cr_assert(aligned(big));
        memset(big, 0xab, 10000);
        unsigned char *b = sl_arena_alloc(&arena, 16);
        /* the big one got a block of its own; the small ones share the first block */
        cr_assert_eq(b, a + 16, "small allocation after a big one continues the current block");
        cr_assert(big + 10000 <= a || big >= a + 256);
        for (int i = 0; i < 10000; i++)
                cr_assert_eq(big[i], 0xab);
        cr_assert_geq(arena.used_total, 10000 + 32);
        sl_arena_deinit(&arena);
}

Test(common_arena, first_allocation_may_be_bigger_than_a_block)
{
        sl_arena arena;
        sl_arena_init(&arena, 64);
        unsigned char *big = sl_arena_alloc(&arena, 5000);
        memset(big, 1, 5000);
        unsigned char *small = sl_arena_alloc(&arena, 8);
        memset(small, 2, 8);
        cr_assert(aligned(small));
        for (int i = 0; i < 5000; i++)
                cr_assert_eq(big[i], 1);
        sl_arena_deinit(&arena);
}

Test(common_arena, reset_forgets_allocations_and_reuses_a_block)
{
        sl_arena arena;
        sl_arena_init(&arena, 1024);
        void *first = NULL;
        for (int round = 0; round < 100; round++) {
                void *p = sl_arena_alloc(&arena, 100);
                if (round == 0)
                        first = p;
                else
                        cr_assert_eq(p, first, "round %d: the kept block serves the next batch", round);
                /* a batch that fits one block: the steady state allocates nothing */
                for (int i = 0; i < 5; i++)
                        memset(sl_arena_alloc(&arena, 1 + (size_t)(rng_next() % 100)), 0x5a, 1);
                cr_assert_gt(arena.used_total, 0);
                sl_arena_reset(&arena);
                cr_assert_eq(arena.used_total, 0);
        }
        sl_arena_deinit(&arena);
}

Test(common_arena, reset_then_mixed_sizes_keeps_working)
{
        sl_arena arena;
        sl_arena_init(&arena, 512);
        for (int round = 0; round < 20; round++) {
                fill_and_check(&arena, 512, 300);
                sl_arena_reset(&arena);
        }
        sl_arena_reset(&arena);
        fill_and_check(&arena, 512, 10);
        sl_arena_deinit(&arena);
}

Test(common_arena, reset_of_an_empty_arena_is_harmless)
{
        sl_arena arena;
        sl_arena_init(&arena, 0);
        sl_arena_reset(&arena);
        cr_assert_str_eq(sl_arena_strdup(&arena, "x"), "x");
        sl_arena_deinit(&arena);
}

Test(common_arena, calloc_zero_fills_reused_memory)
{
        sl_arena arena;
        sl_arena_init(&arena, 1024);
        memset(sl_arena_alloc(&arena, 800), 0xff, 800);
        sl_arena_reset(&arena);
        unsigned char *z = sl_arena_calloc(&arena, 100, 8);
        for (int i = 0; i < 800; i++)
                cr_assert_eq(z[i], 0, "byte %d", i);
        sl_arena_deinit(&arena);
}

Test(common_arena, copy_helpers_copy_and_terminate)
{
        sl_arena *arena = sl_arena_new(0);
        char src[] = "stream ORDERS";
        char *d = sl_arena_strdup(arena, src);
        src[0] = 'S';
        cr_assert_str_eq(d, "stream ORDERS");
        cr_assert(aligned(d));
        char *n = sl_arena_strndup(arena, "abcdef", 3);
        cr_assert_str_eq(n, "abc");
        char *e = sl_arena_strndup(arena, "abc", 0);
        cr_assert_str_eq(e, "");
        static const unsigned char bytes[] = {0, 1, 2, 0, 255};
        unsigned char *m = sl_arena_memdup(arena, bytes, sizeof bytes);
        cr_assert_arr_eq(m, bytes, sizeof bytes);
        cr_assert_not_null(sl_arena_memdup(arena, NULL, 0));
        sl_arena_free(arena);
        sl_arena_free(NULL);
}

Test(common_arena, sprintf_formats_short_and_block_sized_output)
{
        sl_arena arena;
        sl_arena_init(&arena, 128);
        cr_assert_str_eq(sl_arena_sprintf(&arena, "%s-%d-%05.1f", "x", 42, 3.14159), "x-42-003.1");
        cr_assert_str_eq(sl_arena_sprintf(&arena, "%s", ""), "");
        char *long_s = sl_arena_sprintf(&arena, "%0*d", 5000, 7);
        cr_assert_eq(strlen(long_s), 5000);
        cr_assert_eq(long_s[4999], '7');
        cr_assert_eq(long_s[0], '0');
        sl_arena_deinit(&arena);
}

Test(common_arena, unrepresentable_size_aborts, .signal = SIGABRT)
{
        sl_arena arena;
        sl_log_set_level(SL_LOG_OFF);  /* the abort is expected: keep its message out of the output */
        sl_arena_init(&arena, 0);
        sl_arena_alloc(&arena, 8);
        /* rounding SIZE_MAX up for alignment wraps to 0: it must not hand out an empty slot */
        sl_arena_alloc(&arena, SIZE_MAX);
}

Test(common_arena, calloc_count_times_size_overflow_aborts, .signal = SIGABRT)
{
        sl_arena arena;
        sl_log_set_level(SL_LOG_OFF);
        sl_arena_init(&arena, 0);
        /* the product wraps to 16 bytes: the caller would index far past them */
        sl_arena_calloc(&arena, SIZE_MAX / 8 + 3, 8);
}
