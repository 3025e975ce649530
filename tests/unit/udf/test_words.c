/* test_words.c: the SPLIT_WORDS table function example (udf/words.c): one row in, an ARRAY of
 * output rows back, typed ARRAY<STRING> by the host from the declared row type. */
#include "udf_test.h"

static void init(void)
{
        fix_init();
        cr_assert_eq(fix_load(SL_UDF_EXAMPLE_DIR, "words.so"), SL_OK, "%s", err.message);
}

TestSuite(udf_words, .init = init, .fini = fix_fini);

Test(udf_words, one_row_per_word)
{
        struct {
                const char *in;
                const char *want;
        } cases[] = {
                {"Hello, World!", "[hello, world]"},
                {"It's  a dog's-life", "[it's, a, dog's, life]"},
                {"Grüße aus Köln", "[grüße, aus, köln]"},
                {"  ... ", "[]"},
                {"", "[]"},
                {"'quoted' x1 2y", "[quoted, x1, 2y]"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_value arg = str(cases[i].in), out;
                cr_assert_eq(fix_call("split_words", &arg, 1, &out), SL_OK, "%s", err.message);
                cr_assert_eq(out.kind, SL_TYPE_ARRAY);
                cr_assert(sl_type_eq(sl_value_type(&out), sl_type_array(&arena, sl_type_string())));
                cr_assert_str_eq(fmt(&out), cases[i].want, "input '%s'", cases[i].in);
        }
}

Test(udf_words, row_type_is_the_declared_return)
{
        sl_value arg = str("x");
        sl_func_resolved res;
        cr_assert_eq(fix_resolve("SPLIT_WORDS", &arg, 1, &res), SL_OK, "%s", err.message);
        cr_assert_eq(res.func->kind, SL_FUNC_TABLE);
        cr_assert_eq(res.ret->kind, SL_TYPE_STRING);
}

Test(udf_words, minimum_length_counts_characters)
{
        sl_value args[2] = {str("a bb ccc éé"), sl_value_int(2)}, out;
        cr_assert_eq(fix_call("SPLIT_WORDS", args, 2, &out), SL_OK, "%s", err.message);
        cr_assert_str_eq(fmt(&out), "[bb, ccc, éé]");
        args[1] = sl_value_int(-1);
        cr_assert_eq(fix_call("SPLIT_WORDS", args, 2, &out), SL_ERR_FUNCTION);
        cr_assert(strstr(err.message, "min_length must not be negative"), "%s", err.message);
}

Test(udf_words, null_text_gives_no_rows)
{
        sl_value arg = sl_value_null(), out;
        sl_value args[2] = {sl_value_null(), sl_value_int(3)};
        cr_assert_eq(fix_call("SPLIT_WORDS", &arg, 1, &out), SL_OK, "%s", err.message);
        cr_assert(sl_value_is_null(&out));
        args[0] = sl_value_string(NULL, 0);
        args[0].kind = SL_TYPE_NULL;
        cr_assert_eq(fix_call("SPLIT_WORDS", args, 2, &out), SL_OK, "%s", err.message);
        cr_assert_eq(out.kind, SL_TYPE_ARRAY);
        cr_assert_eq(out.len, 0);
}
