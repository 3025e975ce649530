/* test_map.c: the open-addressing map: put/get/del semantics, tombstones, case-insensitive keys,
 * binary and zero-length keys, iteration, and thousands of random operations checked against a
 * plain array model. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/map.h"

#define V(n) ((void *)(uintptr_t)(n))

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rng_next(void)
{
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return rng_state * 0x2545f4914f6cdd1dull;
}

Test(common_map, empty_map_finds_nothing)
{
        sl_map map;
        sl_map_init(&map, false);
        cr_assert_null(sl_map_get_s(&map, "x"));
        cr_assert_not(sl_map_contains(&map, "x", 1));
        cr_assert_null(sl_map_del_s(&map, "x"));
        cr_assert_eq(sl_map_len(&map), 0);
        sl_map_iter it;
        sl_map_iter_init(&it, &map);
        cr_assert_not(sl_map_iter_next(&it, NULL, NULL, NULL));
        sl_map_deinit(&map);
}

Test(common_map, put_returns_previous_value_and_replaces)
{
        sl_map map;
        sl_map_init(&map, false);
        cr_assert_null(sl_map_put_s(&map, "a", V(1)));
        cr_assert_eq(sl_map_put_s(&map, "a", V(2)), V(1));
        cr_assert_eq(sl_map_get_s(&map, "a"), V(2));
        cr_assert_eq(sl_map_len(&map), 1);
        cr_assert_eq(sl_map_del_s(&map, "a"), V(2));
        cr_assert_eq(sl_map_len(&map), 0);
        cr_assert_null(sl_map_get_s(&map, "a"));
        sl_map_deinit(&map);
}

Test(common_map, null_value_is_stored_and_contains_tells_it_apart)
{
        sl_map map;
        sl_map_init(&map, false);
        sl_map_put_s(&map, "k", NULL);
        cr_assert(sl_map_contains(&map, "k", 1));
        cr_assert_null(sl_map_get_s(&map, "k"));
        cr_assert_eq(sl_map_len(&map), 1);
        sl_map_deinit(&map);
}

Test(common_map, keys_are_copied_in)
{
        sl_map map;
        sl_map_init(&map, false);
        char key[8] = "orders";
        sl_map_put_s(&map, key, V(7));
        strcpy(key, "xxxxxx");
        cr_assert_eq(sl_map_get_s(&map, "orders"), V(7));
        cr_assert_null(sl_map_get_s(&map, "xxxxxx"));
        sl_map_deinit(&map);
}

Test(common_map, delete_then_reinsert_reuses_tombstone)
{
        sl_map map;
        sl_map_init(&map, false);
        sl_map_put_s(&map, "a", V(1));
        sl_map_put_s(&map, "b", V(2));
        size_t used = map.used, cap = map.cap;
        cr_assert_eq(sl_map_del_s(&map, "a"), V(1));
        cr_assert_eq(map.used, used, "a delete leaves a tombstone, not an empty slot");
        cr_assert_null(sl_map_put_s(&map, "a", V(3)));
        cr_assert_eq(map.used, used, "the reinsert must take the tombstone");
        cr_assert_eq(map.cap, cap);
        cr_assert_eq(sl_map_get_s(&map, "a"), V(3));
        cr_assert_eq(sl_map_get_s(&map, "b"), V(2));
        sl_map_deinit(&map);
}

Test(common_map, lookups_probe_past_tombstones)
{
        sl_map map;
        sl_map_init(&map, false);
        char key[16];
        for (int i = 0; i < 5; i++) {
                snprintf(key, sizeof key, "k%d", i);
                sl_map_put_s(&map, key, V(i + 1));
        }
        /* delete all but the last: whatever chains formed, the survivor must still be found */
        for (int i = 0; i < 4; i++) {
                snprintf(key, sizeof key, "k%d", i);
                sl_map_del_s(&map, key);
        }
        cr_assert_eq(sl_map_get_s(&map, "k4"), V(5));
        cr_assert_eq(sl_map_len(&map), 1);
        sl_map_deinit(&map);
}

Test(common_map, churn_with_few_live_keys_does_not_grow_the_table)
{
        sl_map map;
        sl_map_init(&map, false);
        char key[32];
        for (int i = 0; i < 20000; i++) {
                snprintf(key, sizeof key, "key-%d", i);
                sl_map_put_s(&map, key, V(i + 1));
                if (i >= 3) {
                        snprintf(key, sizeof key, "key-%d", i - 3);
                        cr_assert_eq(sl_map_del_s(&map, key), V(i - 2));
                }
        }
        cr_assert_eq(sl_map_len(&map), 3);
        cr_assert_leq(map.cap, 16, "tombstones must be swept, not grown around (cap %zu)", map.cap);
        sl_map_deinit(&map);
}

Test(common_map, case_insensitive_mode_folds_ascii_letters)
{
        sl_map map;
        sl_map_init(&map, true);
        sl_map_put_s(&map, "Orders", V(1));
        cr_assert_eq(sl_map_get_s(&map, "ORDERS"), V(1));
        cr_assert_eq(sl_map_get_s(&map, "orders"), V(1));
        cr_assert_eq(sl_map_put_s(&map, "oRdErS", V(2)), V(1), "same key in another case replaces");
        cr_assert_eq(sl_map_len(&map), 1);
        /* the first spelling is the one kept */
        sl_map_iter it;
        const void *key;
        size_t keylen;
        sl_map_iter_init(&it, &map);
        cr_assert(sl_map_iter_next(&it, &key, &keylen, NULL));
        cr_assert_eq(keylen, 6);
        cr_assert_arr_eq(key, "Orders", 6);
        /* long keys fold past the first 8-byte word too */
        sl_map_put_s(&map, "a_rather_long_Identifier_name", V(3));
        cr_assert_eq(sl_map_get_s(&map, "A_RATHER_LONG_IDENTIFIER_NAME"), V(3));
        cr_assert_eq(sl_map_del_s(&map, "ORDERS"), V(2));
        cr_assert_null(sl_map_get_s(&map, "Orders"));
        sl_map_deinit(&map);
}

Test(common_map, case_insensitive_mode_does_not_fold_non_letters)
{
        sl_map map;
        sl_map_init(&map, true);
        /* '@' (0x40) and '`' (0x60) differ by 32 as letters do, but are not letters */
        sl_map_put_s(&map, "@", V(1));
        cr_assert_null(sl_map_get_s(&map, "`"));
        /* '[' 0x5b vs '{' 0x7b */
        sl_map_put_s(&map, "[", V(2));
        cr_assert_null(sl_map_get_s(&map, "{"));
        /* UTF-8: "ä" (c3 a4) and "Ä" (c3 84) are different keys: folding is ASCII only */
        sl_map_put_s(&map, "\xc3\xa4", V(3));
        cr_assert_null(sl_map_get_s(&map, "\xc3\x84"));
        cr_assert_eq(sl_map_len(&map), 3);
        sl_map_deinit(&map);
}

Test(common_map, case_sensitive_mode_keeps_cases_apart)
{
        sl_map map;
        sl_map_init(&map, false);
        sl_map_put_s(&map, "Orders", V(1));
        sl_map_put_s(&map, "ORDERS", V(2));
        cr_assert_eq(sl_map_len(&map), 2);
        cr_assert_eq(sl_map_get_s(&map, "Orders"), V(1));
        cr_assert_eq(sl_map_get_s(&map, "ORDERS"), V(2));
        cr_assert_null(sl_map_get_s(&map, "orders"));
        sl_map_deinit(&map);
}

Test(common_map, zero_length_key_is_a_key_like_any_other)
{
        for (int ci = 0; ci < 2; ci++) {
                sl_map map;
                sl_map_init(&map, ci);
                cr_assert_null(sl_map_get(&map, "", 0));
                sl_map_put(&map, "a", 1, V(1));
                cr_assert_null(sl_map_put(&map, "", 0, V(2)));
                cr_assert_eq(sl_map_get_s(&map, ""), V(2));
                /* an empty key may come with a NULL pointer */
                cr_assert_eq(sl_map_get(&map, NULL, 0), V(2));
                cr_assert(sl_map_contains(&map, NULL, 0));
                cr_assert_eq(sl_map_put(&map, NULL, 0, V(3)), V(2));
                cr_assert_eq(sl_map_len(&map), 2);
                cr_assert_eq(sl_map_get_s(&map, "a"), V(1));
                cr_assert_eq(sl_map_del(&map, NULL, 0), V(3));
                cr_assert_null(sl_map_get_s(&map, ""));
                cr_assert_eq(sl_map_len(&map), 1);
                sl_map_deinit(&map);
        }
}

Test(common_map, binary_keys_with_nul_bytes_are_distinct_by_length_and_content)
{
        sl_map map;
        sl_map_init(&map, false);
        static const char zeros[16] = {0};
        for (size_t len = 1; len <= 16; len++)
                sl_map_put(&map, zeros, len, V(len));
        cr_assert_eq(sl_map_len(&map), 16);
        for (size_t len = 1; len <= 16; len++)
                cr_assert_eq(sl_map_get(&map, zeros, len), V(len), "len %zu", len);
        cr_assert_null(sl_map_get(&map, "a\0b", 3));
        sl_map_put(&map, "a\0b", 3, V(100));
        sl_map_put(&map, "a\0c", 3, V(101));
        cr_assert_eq(sl_map_get(&map, "a\0b", 3), V(100));
        cr_assert_eq(sl_map_get(&map, "a\0c", 3), V(101));
        cr_assert_null(sl_map_get_s(&map, "a"));
        sl_map_deinit(&map);
}

Test(common_map, deinit_leaves_an_empty_reusable_map)
{
        sl_map map;
        sl_map_init(&map, true);
        sl_map_put_s(&map, "x", V(1));
        sl_map_deinit(&map);
        cr_assert_eq(sl_map_len(&map), 0);
        cr_assert(map.ci, "the mode survives deinit");
        sl_map_put_s(&map, "Y", V(2));
        cr_assert_eq(sl_map_get_s(&map, "y"), V(2));
        sl_map_deinit(&map);
}

/* The reference model: a flat array indexed by key number. */
#define NKEYS 300

static void make_key(int k, bool upper, char *out, size_t *len)
{
        /* a mix of short, long, and binary keys; key 0 is the empty key */
        if (k == 0) {
                *len = 0;
                return;
        }
        int n = snprintf(out, 64, "%s-%d", k % 3 == 0 ? "a_long_key_prefix_of_some_length" : "k", k);
        if (k % 7 == 0)
                out[1] = '\0';  /* embedded NUL */
        if (upper)
                for (int i = 0; i < n; i++)
                        if (out[i] >= 'a' && out[i] <= 'z')
                                out[i] = (char)(out[i] - 32);
        *len = (size_t)n;
}

static void check_against_model(const sl_map *map, const uintptr_t *model)
{
        size_t live = 0;
        for (int k = 0; k < NKEYS; k++)
                live += model[k] != 0;
        cr_assert_eq(sl_map_len(map), live);
        int seen[NKEYS] = {0};
        sl_map_iter it;
        const void *key;
        size_t keylen;
        void *value;
        sl_map_iter_init(&it, map);
        size_t visited = 0;
        while (sl_map_iter_next(&it, &key, &keylen, &value)) {
                /* values encode the key number in their high bits */
                int k = (int)((uintptr_t)value >> 20);
                cr_assert(k >= 0 && k < NKEYS);
                cr_assert_eq((uintptr_t)value, model[k], "iteration value for key %d", k);
                char expect[64];
                size_t elen;
                make_key(k, false, expect, &elen);
                cr_assert_eq(keylen, elen);
                cr_assert_eq(seen[k], 0, "key %d visited twice", k);
                seen[k] = 1;
                visited++;
        }
        cr_assert_eq(visited, live, "iteration visits each live key once");
}

static void random_ops_against_model(bool ci)
{
        sl_map map;
        sl_map_init(&map, ci);
        uintptr_t model[NKEYS] = {0};
        uintptr_t stamp = 1;
        for (int op = 0; op < 20000; op++) {
                int k = (int)(rng_next() % NKEYS);
                /* in ci mode, look keys up in either case */
                bool upper = ci && (rng_next() & 1);
                char key[64];
                size_t len;
                make_key(k, upper, key, &len);
                unsigned what = (unsigned)(rng_next() % 10);
                if (what < 5) {
                        uintptr_t v = ((uintptr_t)k << 20) | (stamp++ & 0xfffff);
                        if (!(v & 0xfffff))
                                v |= 1;
                        void *prev = sl_map_put(&map, key, len, (void *)v);
                        cr_assert_eq((uintptr_t)prev, model[k], "op %d put key %d", op, k);
                        model[k] = v;
                } else if (what < 8) {
                        void *prev = sl_map_del(&map, key, len);
                        cr_assert_eq((uintptr_t)prev, model[k], "op %d del key %d", op, k);
                        model[k] = 0;
                } else {
                        cr_assert_eq((uintptr_t)sl_map_get(&map, key, len), model[k], "op %d get %d", op, k);
                        cr_assert_eq(sl_map_contains(&map, key, len), model[k] != 0);
                }
                if (op % 1000 == 999)
                        check_against_model(&map, model);
                cr_assert_leq(map.used * 10, map.cap * 7, "load factor bound");
        }
        for (int k = 0; k < NKEYS; k++) {
                char key[64];
                size_t len;
                make_key(k, false, key, &len);
                cr_assert_eq((uintptr_t)sl_map_get(&map, key, len), model[k], "final key %d", k);
        }
        check_against_model(&map, model);
        sl_map_deinit(&map);
}

Test(common_map, random_operations_match_a_reference_model)
{
        random_ops_against_model(false);
}

Test(common_map, random_operations_match_a_reference_model_case_insensitive)
{
        random_ops_against_model(true);
}

Test(common_map, growth_keeps_every_key_reachable)
{
        sl_map map;
        sl_map_init(&map, false);
        char key[32];
        for (int i = 0; i < 10000; i++) {
                snprintf(key, sizeof key, "%d", i);
                sl_map_put_s(&map, key, V(i + 1));
        }
        cr_assert_eq(sl_map_len(&map), 10000);
        cr_assert_eq(map.cap & (map.cap - 1), 0, "capacity is a power of two");
        for (int i = 0; i < 10000; i++) {
                snprintf(key, sizeof key, "%d", i);
                cr_assert_eq(sl_map_get_s(&map, key), V(i + 1));
        }
        sl_map_deinit(&map);
}

Test(common_map, hash_depends_on_seed_length_and_content)
{
        static const char zeros[16] = {0};
        uint64_t h = sl_hash_bytes("orders", 6, 0);
        cr_assert_eq(sl_hash_bytes("orders", 6, 0), h, "deterministic");
        cr_assert_neq(sl_hash_bytes("orders", 6, 1), h);
        cr_assert_neq(sl_hash_bytes("Orders", 6, 0), h);
        cr_assert_neq(sl_hash_bytes("orders", 5, 0), sl_hash_bytes("orders", 6, 0));
        for (size_t a = 0; a < 16; a++)
                for (size_t b = a + 1; b <= 16; b++)
                        cr_assert_neq(sl_hash_bytes(zeros, a, 0), sl_hash_bytes(zeros, b, 0), "%zu vs %zu", a, b);
        cr_assert_eq(sl_hash_bytes(NULL, 0, 5), sl_hash_bytes("", 0, 5));
}
