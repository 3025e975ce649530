/* test_str.c: the string builder (append, appendf growth, detach, reset, SQL quoting) and the ASCII
 * case helpers used for SQL identifiers; whole-file reads. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/str.h"

Test(common_str, empty_builder_reads_as_empty_string)
{
        sl_str s;
        sl_str_init(&s);
        cr_assert_str_eq(sl_str_cstr(&s), "");
        cr_assert_eq(sl_str_len(&s), 0);
        sl_str_appendf(&s, "%s", "");
        sl_str_append(&s, "");
        cr_assert_str_eq(sl_str_cstr(&s), "");
        cr_assert_eq(sl_str_len(&s), 0);
        sl_str_deinit(&s);
        cr_assert_str_eq(sl_str_cstr(&s), "");
}

Test(common_str, appends_concatenate)
{
        sl_str s;
        sl_str_init(&s);
        sl_str_append(&s, "SELECT ");
        sl_str_append_n(&s, "id, name", 2);
        sl_str_append_char(&s, ' ');
        sl_str_appendf(&s, "FROM %s WHERE x > %d", "orders", -5);
        cr_assert_str_eq(sl_str_cstr(&s), "SELECT id FROM orders WHERE x > -5");
        cr_assert_eq(sl_str_len(&s), strlen("SELECT id FROM orders WHERE x > -5"));
        sl_str_deinit(&s);
}

Test(common_str, appendf_grows_over_many_kilobytes)
{
        sl_str s;
        sl_str_init(&s);
        for (int i = 0; i < 20000; i++)
                sl_str_appendf(&s, "%05d,", i);
        cr_assert_eq(sl_str_len(&s), 20000 * 6);
        cr_assert_eq(strlen(sl_str_cstr(&s)), 20000 * 6, "terminated right after the text");
        const char *t = sl_str_cstr(&s);
        for (int i = 0; i < 20000; i++) {
                char want[8];
                snprintf(want, sizeof want, "%05d,", i);
                cr_assert_eq(memcmp(t + 6 * i, want, 6), 0, "piece %d", i);
        }
        sl_str_deinit(&s);
}

Test(common_str, single_appendf_larger_than_any_previous_capacity)
{
        sl_str s;
        sl_str_init(&s);
        sl_str_append(&s, "<");
        sl_str_appendf(&s, "%0*d", 70000, 3);
        sl_str_append(&s, ">");
        cr_assert_eq(sl_str_len(&s), 70002);
        const char *t = sl_str_cstr(&s);
        cr_assert_eq(t[0], '<');
        cr_assert_eq(t[1], '0');
        cr_assert_eq(t[70000], '3');
        cr_assert_eq(t[70001], '>');
        cr_assert_eq(t[70002], '\0');
        sl_str_deinit(&s);
}

static void append_via_va_list(sl_str *s, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        sl_str_appendv(s, fmt, ap);
        va_end(ap);
}

Test(common_str, appendv_takes_a_va_list)
{
        sl_str s;
        sl_str_init(&s);
        append_via_va_list(&s, "%s=%lld;", "offset", 9223372036854775807LL);
        append_via_va_list(&s, "%c%c", 'o', 'k');
        cr_assert_str_eq(sl_str_cstr(&s), "offset=9223372036854775807;ok");
        sl_str_deinit(&s);
}

Test(common_str, detach_hands_over_the_text_and_empties)
{
        sl_str s;
        sl_str_init(&s);
        sl_str_append(&s, "orders");
        char *t = sl_str_detach(&s);
        cr_assert_str_eq(t, "orders");
        cr_assert_str_eq(sl_str_cstr(&s), "");
        cr_assert_eq(sl_str_len(&s), 0);
        sl_str_append(&s, "again");
        cr_assert_str_eq(sl_str_cstr(&s), "again");
        sl_free(t);
        sl_str_deinit(&s);
        char *e = sl_str_detach(&s);
        cr_assert_not_null(e);
        cr_assert_str_eq(e, "");
        sl_free(e);
}

Test(common_str, reset_empties_and_keeps_working)
{
        sl_str s;
        sl_str_init(&s);
        sl_str_append(&s, "first");
        sl_str_reset(&s);
        cr_assert_str_eq(sl_str_cstr(&s), "");
        sl_str_appendf(&s, "%d", 2);
        cr_assert_str_eq(sl_str_cstr(&s), "2");
        sl_str_deinit(&s);
}

typedef struct quote_case {
        const char *in;      /* raw text */
        size_t len;          /* bytes of it to quote */
        const char *expect;  /* SQL literal */
} quote_case;

Test(common_str, sql_quoting_doubles_single_quotes)
{
        static const quote_case cases[] = {
                {"", 0, "''"},
                {"abc", 3, "'abc'"},
                {"it's", 4, "'it''s'"},
                {"'", 1, "''''"},
                {"''", 2, "''''''"},
                {"a'b'c", 5, "'a''b''c'"},
                {"\"double\"", 8, "'\"double\"'"},
                {"back\\slash", 10, "'back\\slash'"},
                {"only'this", 4, "'only'"},  /* len, not strlen */
                {"caf\xc3\xa9'", 6, "'caf\xc3\xa9'''"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_str s;
                sl_str_init(&s);
                sl_str_append(&s, "x=");
                sl_str_append_sql_quoted(&s, cases[i].in, cases[i].len);
                cr_assert_str_eq(sl_str_cstr(&s) + 2, cases[i].expect, "case %zu", i);
                sl_str_deinit(&s);
        }
}

Test(common_str, sql_quoting_keeps_embedded_nul_bytes)
{
        sl_str s;
        sl_str_init(&s);
        sl_str_append_sql_quoted(&s, "a\0'", 3);
        cr_assert_eq(sl_str_len(&s), 6);
        cr_assert_eq(memcmp(sl_str_cstr(&s), "'a\0'''", 6), 0);
        sl_str_deinit(&s);
}

Test(common_str, case_insensitive_compare_folds_ascii_only)
{
        cr_assert(sl_str_eq_ci("Orders", "ORDERS"));
        cr_assert(sl_str_eq_ci("", ""));
        cr_assert_not(sl_str_eq_ci("Orders", "Order"));
        cr_assert_not(sl_str_eq_ci("@", "`"), "0x40 and 0x60 are not letters");
        cr_assert_not(sl_str_eq_ci("[", "{"));
        cr_assert_not(sl_str_eq_ci("\xc3\xa4", "\xc3\x84"), "no UTF-8 folding");
        cr_assert_lt(sl_str_cmp_ci("apple", "BANANA"), 0);
        cr_assert_gt(sl_str_cmp_ci("Banana", "apple"), 0);
        cr_assert_lt(sl_str_cmp_ci("ab", "ABC"), 0, "a prefix sorts first");
        cr_assert_gt(sl_str_cmp_ci("abc", "AB"), 0);
        cr_assert_eq(sl_str_cmp_ci("MiXeD", "mIxEd"), 0);
        cr_assert_gt(sl_str_cmp_ci("\xc3", "a"), 0, "bytes compare unsigned");
}

Test(common_str, bounded_case_insensitive_compare_stops_at_n_or_nul)
{
        cr_assert(sl_str_eqn_ci("SELECT *", "select", 6));
        cr_assert_not(sl_str_eqn_ci("SELECT *", "select", 7));
        cr_assert(sl_str_eqn_ci("ab", "AB", 10), "both end together before n");
        cr_assert_not(sl_str_eqn_ci("ab", "ABC", 10));
        cr_assert(sl_str_eqn_ci("x", "y", 0));
}

Test(common_str, upper_and_lower_change_ascii_letters_only)
{
        char a[] = "Select x_1 FROM \xc3\xa4@[`{";
        sl_str_upper(a);
        cr_assert_str_eq(a, "SELECT X_1 FROM \xc3\xa4@[`{");
        sl_str_lower(a);
        cr_assert_str_eq(a, "select x_1 from \xc3\xa4@[`{");
        char e[] = "";
        sl_str_upper(e);
        cr_assert_str_eq(e, "");
}

Test(common_str, prefix_and_suffix_tests)
{
        cr_assert(sl_str_starts_with("orders_v2", "orders"));
        cr_assert(sl_str_starts_with("orders", ""));
        cr_assert(sl_str_starts_with("orders", "orders"));
        cr_assert_not(sl_str_starts_with("ord", "orders"));
        cr_assert_not(sl_str_starts_with("Orders", "orders"), "case-sensitive");
        cr_assert(sl_str_ends_with("file.avro", ".avro"));
        cr_assert(sl_str_ends_with("x", ""));
        cr_assert(sl_str_ends_with("", ""));
        cr_assert_not(sl_str_ends_with("avro", ".avro"));
        cr_assert_not(sl_str_ends_with("file.AVRO", ".avro"));
}

Test(common_str, read_file_reads_all_bytes_or_reports_a_missing_file)
{
        char dir[] = "/tmp/sl_common_str_XXXXXX";
        char path[64];
        cr_assert_not_null(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/f", dir);
        FILE *f = fopen(path, "wb");
        cr_assert_not_null(f);
        for (int i = 0; i < 3000; i++)
                fprintf(f, "line %d\n", i);
        long len = ftell(f);
        fclose(f);
        char *text = sl_str_read_file(path);
        cr_assert_not_null(text);
        cr_assert_eq((long)strlen(text), len);
        cr_assert(strncmp(text, "line 0\nline 1\n", 14) == 0);
        cr_assert(strcmp(text + len - 10, "line 2999\n") == 0);
        sl_free(text);
        cr_assert_eq(remove(path), 0);
        errno = 0;
        cr_assert_null(sl_str_read_file(path));
        cr_assert_eq(errno, ENOENT);
        cr_assert_eq(rmdir(dir), 0);
}
