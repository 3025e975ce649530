/* test_regex.c: REGEXP_EXTRACT, REGEXP_EXTRACT_ALL, REGEXP_REPLACE and REGEXP_SPLIT_TO_ARRAY: the
 * QTT cases, Java class escapes (\d, \w, \s), groups, $n replacements, empty matches, and bad
 * patterns (an error, as in ksqlDB). */
#include "func_test.h"

TestSuite(func_regex, .init = fc_setup, .fini = fc_teardown);

Test(func_regex, extract)
{
        fcase cases[] = {
                FC("regexp_extract", "test_", S("test."), S("some_test_string")),
                FC("regexp_extract", "null", S("test."), S("anothertest")),
                FC("regexp_extract", "testa", S("test."), S("testa")),
                FC("regexp_extract", "zhang", S("(.*) (.*)"), S("steven zhang"), I(2)),
                FC("regexp_extract", "null", S("(.*) (.*)"), S("agavra"), I(2)),
                FC("regexp_extract", "null", S("(.*) (.*)"), S("a b"), I(3)),
                FC("regexp_extract", "null", S("test."), TN(T_STR())),
                FC("regexp_extract", "42", S("\\d+"), S("abc 42 def")),
                FC("regexp_extract", "ABC", S("(?i)abc"), S("xxABCxx")),
                FC("regexp_extract_all", "[test_, testa]", S("test."), S("some_test_string_testabab")),
                FC("regexp_extract_all", "[]", S("test."), S("anothertest")),
                FC("regexp_extract_all", "[zhang, coates]", S("(\\w+) (\\w*)"), S("steven zhang andy coates"), I(2)),
                FC("regexp_extract_all", "[mehta, ]", S("(\\w+) (\\w*)"), S("apurva mehta agavra "), I(2)),
                FC("regexp_extract_all", "null", S("x"), TN(T_STR())),
                FC("regexp_extract_all", "[1, 22, 333]", S("[\\d]+"), S("a1b22c333")),
                FC("regexp_extract_all", "[cat, cat]", S("\\bcat\\b"), S("cat concat cat")),
                FC("regexp_extract", "a.b", S("a\\.b"), S("xa.by")),
                FC("regexp_extract", "zhang", S("(?:x|steven) (\\w+)"), S("steven zhang"), I(1)),
                FC("regexp_extract", "null", S("(?:x|steven) (\\w+)"), S("steven zhang"), I(2)),
                FC("regexp_replace", "zhang!", S("steven zhang"), S("(?:\\w+) (\\w+)"), S("$1!")),
                FC("regexp_extract", "null", S("a\\.b"), S("xaxby")),
        };
        FC_RUN(cases);
}

Test(func_regex, replace_and_split)
{
        fcase cases[] = {
                FC("regexp_replace", "bacataa", S("baababaa"), S("(ab)+"), S("cat")),
                FC("regexp_replace", "bacatbcataa", S("baabbabaa"), S("(ab)+"), S("cat")),
                FC("regexp_replace", "null", S("baababaa"), TN(T_STR()), S("cat")),
                FC("regexp_replace", "-a-b-c-", S("abc"), S("x*"), S("-")),
                FC("regexp_replace", "b-a", S("a-b"), S("(\\w)-(\\w)"), S("$2-$1")),
                FC("regexp_replace", "a$b", S("a b"), S("\\s"), S("\\$")),
                FC("regexp_split_to_array", "[a, , a]", S("aabcda"), S("(ab|cd)")),
                FC("regexp_split_to_array", "[a, d, a]", S("aabdcda"), S("(ab|cd)")),
                FC("regexp_split_to_array", "[zxy]", S("zxy"), S("(ab|cd)")),
                FC("regexp_split_to_array", "[a, b, c]", S("a1b22c"), S("\\d+")),
                FC("regexp_split_to_array", "[a, b, ]", S("a,b,"), S(",")),
                FC("regexp_split_to_array", "null", TN(T_STR()), S(",")),
        };
        FC_RUN(cases);
}

Test(func_regex, bad_pattern_is_an_error)
{
        sl_err_detail err;
        sl_value a[] = {S("(unclosed"), S("x")};
        cr_expect_eq(fc_call_err("regexp_extract", a, 2, &err), SL_ERR_FUNCTION);
        cr_expect(strstr(err.message, "Invalid regular expression") != NULL);
        sl_value b[] = {S("x"), S("[z-a]"), S("y")};
        cr_expect_eq(fc_call_err("regexp_replace", b, 3, &err), SL_ERR_FUNCTION);
}

/* Compiled patterns are kept per thread (the evaluator's call ctx lives one call): a pattern
 * seen again, also after others evicted it, gives the same results; a bad one is still an error. */
Test(func_regex, thread_pattern_cache)
{
        sl_value args[] = {S("a(b+)"), S("xabbby"), I(1)};
        sl_func_resolved res;
        sl_err_detail err;
        cr_assert_eq(fc_resolve("regexp_extract", args, 3, &res, &err), SL_OK);
        sl_func_ctx ctx = {.arena = arena, .err = &err, .res = &res};
        sl_value out;
        cr_assert_eq(sl_func_call(&ctx, args, 3, &out), SL_OK);
        cr_expect_str_eq(fc_render(&out), "bbb");
        cr_expect_null(ctx.cache);
        args[1] = S("ab");
        cr_assert_eq(sl_func_call(&ctx, args, 3, &out), SL_OK);
        cr_expect_str_eq(fc_render(&out), "b");
        /* ten other patterns: more than the cache holds */
        static const char *const others[] = {"(y+)", "(y+)z", "x(y+)", "(yy)", "(y)", "x(y)", "(z)", "y(z)",
                                             "(x)", "(x)y"};
        static const char *const want[] = {"yy", "yy", "yy", "yy", "y", "y", "z", "z", "x", "x"};
        for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
                args[0] = sl_value_string(others[i], strlen(others[i]));
                args[1] = S("xyyz");
                cr_assert_eq(sl_func_call(&ctx, args, 3, &out), SL_OK);
                cr_expect_str_eq(fc_render(&out), want[i], "pattern %s", others[i]);
        }
        args[0] = S("a(b+)");
        args[1] = S("xabbby");
        cr_assert_eq(sl_func_call(&ctx, args, 3, &out), SL_OK);
        cr_expect_str_eq(fc_render(&out), "bbb");
        args[0] = S("(bad");
        cr_expect_eq(sl_func_call(&ctx, args, 3, &out), SL_ERR_FUNCTION);
        sl_func_ctx_release(&ctx);
}
