/* test_vec.c: the growable array: push/pop/at/remove/sort, growth that keeps content, and sizes
 * that cannot be represented. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/vec.h"

typedef struct pair {
        int64_t key;   /* sort key */
        char tag[12];  /* payload, to make the element wider than a word */
} pair;

Test(common_vec, push_copies_and_returns_the_stored_element)
{
        sl_vec vec;
        sl_vec_init(&vec, sizeof(pair));
        pair p = {.key = 5, .tag = "five"};
        pair *stored = sl_vec_push(&vec, &p);
        p.key = 6;
        cr_assert_eq(stored->key, 5, "the vector holds a copy");
        cr_assert_eq(stored, sl_vec_at(&vec, 0));
        cr_assert_str_eq(SL_VEC_AT(&vec, pair, 0).tag, "five");
        cr_assert_eq(vec.len, 1);
        sl_vec_deinit(&vec);
        cr_assert_null(vec.items);
        cr_assert_eq(vec.len, 0);
}

Test(common_vec, growth_over_many_elements_keeps_order_and_content)
{
        sl_vec vec;
        sl_vec_init(&vec, sizeof(pair));
        for (int64_t i = 0; i < 100000; i++) {
                pair p = {.key = i};
                snprintf(p.tag, sizeof p.tag, "%lld", (long long)(i % 1000));
                sl_vec_push(&vec, &p);
                cr_assert_leq(vec.len, vec.cap);
        }
        cr_assert_eq(vec.len, 100000);
        for (int64_t i = 0; i < 100000; i++) {
                pair *p = sl_vec_at(&vec, (size_t)i);
                cr_assert_eq(p->key, i);
                char want[12];
                snprintf(want, sizeof want, "%lld", (long long)(i % 1000));
                cr_assert_str_eq(p->tag, want);
        }
        sl_vec_deinit(&vec);
}

Test(common_vec, push_zero_appends_a_zeroed_element)
{
        sl_vec vec;
        sl_vec_init(&vec, sizeof(pair));
        /* dirty the storage first, then reuse it */
        pair junk;
        memset(&junk, 0xee, sizeof junk);
        sl_vec_push(&vec, &junk);
        sl_vec_clear(&vec);
        pair *z = sl_vec_push_zero(&vec);
        static const pair zero = {0};
        cr_assert_eq(memcmp(z, &zero, sizeof zero), 0);
        cr_assert_eq(vec.len, 1);
        sl_vec_deinit(&vec);
}

Test(common_vec, pop_returns_last_and_reports_empty)
{
        sl_vec vec;
        sl_vec_init(&vec, sizeof(int));
        int out = -1;
        cr_assert_eq(sl_vec_pop(&vec, &out), 0);
        cr_assert_eq(out, -1, "untouched when empty");
        for (int i = 1; i <= 3; i++)
                sl_vec_push(&vec, &i);
        cr_assert_eq(sl_vec_pop(&vec, &out), 1);
        cr_assert_eq(out, 3);
        cr_assert_eq(sl_vec_pop(&vec, NULL), 1);
        cr_assert_eq(vec.len, 1);
        cr_assert_eq(sl_vec_pop(&vec, &out), 1);
        cr_assert_eq(out, 1);
        cr_assert_eq(sl_vec_pop(&vec, &out), 0);
        sl_vec_deinit(&vec);
}

Test(common_vec, remove_shifts_later_elements_down)
{
        sl_vec vec;
        sl_vec_init(&vec, sizeof(int));
        for (int i = 0; i < 6; i++)
                sl_vec_push(&vec, &i);
        sl_vec_remove(&vec, 0);      /* first */
        sl_vec_remove(&vec, 2);      /* middle: drops 3 */
        sl_vec_remove(&vec, vec.len - 1);  /* last: drops 5 */
        static const int want[] = {1, 2, 4};
        cr_assert_eq(vec.len, 3);
        cr_assert_arr_eq(vec.items, want, sizeof want);
        sl_vec_deinit(&vec);
}

static int cmp_pair(const void *a, const void *b)
{
        int64_t x = ((const pair *)a)->key, y = ((const pair *)b)->key;
        return (x > y) - (x < y);
}

Test(common_vec, sort_orders_by_the_comparator)
{
        sl_vec vec;
        sl_vec_init(&vec, sizeof(pair));
        sl_vec_sort(&vec, cmp_pair);  /* empty: nothing to do */
        uint64_t s = 88172645463325252ull;
        for (int i = 0; i < 1000; i++) {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                pair p = {.key = (int64_t)(s % 2001) - 1000};
                sl_vec_push(&vec, &p);
        }
        sl_vec_sort(&vec, cmp_pair);
        for (size_t i = 1; i < vec.len; i++)
                cr_assert_leq(SL_VEC_AT(&vec, pair, i - 1).key, SL_VEC_AT(&vec, pair, i).key, "at %zu", i);
        sl_vec_deinit(&vec);
}

Test(common_vec, reserve_prevents_moves_during_pushes)
{
        sl_vec vec;
        sl_vec_init(&vec, sizeof(int));
        sl_vec_reserve(&vec, 500);
        void *before = vec.items;
        cr_assert_geq(vec.cap, 500);
        for (int i = 0; i < 500; i++)
                sl_vec_push(&vec, &i);
        cr_assert_eq(vec.items, before);
        sl_vec_reserve(&vec, 0);
        cr_assert_eq(vec.items, before);
        sl_vec_deinit(&vec);
}

Test(common_vec, clear_keeps_storage_for_reuse)
{
        sl_vec vec;
        sl_vec_init(&vec, sizeof(int));
        for (int i = 0; i < 20; i++)
                sl_vec_push(&vec, &i);
        size_t cap = vec.cap;
        sl_vec_clear(&vec);
        cr_assert_eq(vec.len, 0);
        cr_assert_eq(vec.cap, cap);
        int v = 9;
        sl_vec_push(&vec, &v);
        cr_assert_eq(SL_VEC_AT(&vec, int, 0), 9);
        sl_vec_deinit(&vec);
        sl_vec_push(&vec, &v);  /* usable after deinit, with the same element size */
        cr_assert_eq(SL_VEC_AT(&vec, int, 0), 9);
        sl_vec_deinit(&vec);
}

Test(common_vec, reserve_whose_byte_size_overflows_aborts, .signal = SIGABRT, .timeout = 20)
{
        sl_log_set_level(SL_LOG_OFF);  /* the abort is expected: keep its message out of the output */
        sl_vec vec;
        sl_vec_init(&vec, sizeof(pair));
        pair p = {0};
        sl_vec_push(&vec, &p);
        /* the capacity doubles to 2^61 elements, and 2^61 * 24 bytes wraps to 0: the vector must
         * not believe it has the room */
        sl_vec_reserve(&vec, ((size_t)1 << 60) + 1);
}
