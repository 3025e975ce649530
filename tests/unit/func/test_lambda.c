/* test_lambda.c: TRANSFORM, FILTER and REDUCE over arrays and maps with lambdas written as C
 * callbacks: lambda parameter typing from the bound variables, the result type from the lambda's
 * type, NULL collections and states, duplicate keys, and a lambda that fails. */
#include "func_test.h"

TestSuite(func_lambda, .init = fc_setup, .fini = fc_teardown);

static const sl_type *ret_int(const sl_type *const *p, size_t n) { (void)p; (void)n; return sl_type_int(); }
static const sl_type *ret_str(const sl_type *const *p, size_t n) { (void)p; (void)n; return sl_type_string(); }
static const sl_type *ret_bool(const sl_type *const *p, size_t n) { (void)p; (void)n; return sl_type_boolean(); }
static const sl_type *ret_first(const sl_type *const *p, size_t n) { (void)n; return p[0]; }

/* x => x * 2 (NULL stays NULL) */
static sl_value twice(const sl_value *p, size_t n)
{
        (void)n;
        return p[0].kind == SL_TYPE_NULL ? sl_value_null() : sl_value_int(p[0].u.i32 * 2);
}
/* x => x > 5 */
static sl_value gt5(const sl_value *p, size_t n)
{
        (void)n;
        return p[0].kind == SL_TYPE_NULL ? sl_value_null() : sl_value_bool(p[0].u.i32 > 5);
}
/* (s, x) => s + x, NULL if either is NULL */
static sl_value add(const sl_value *p, size_t n)
{
        (void)n;
        if (p[0].kind == SL_TYPE_NULL || p[1].kind == SL_TYPE_NULL)
                return sl_value_null();
        return sl_value_int(p[0].u.i32 + p[1].u.i32);
}
/* (k, v) => k || '_test' */
static sl_value key_test(const sl_value *p, size_t n)
{
        (void)n;
        char *s = sl_arena_sprintf(arena, "%.*s_test", (int)p[0].len, (const char *)p[0].u.bytes);
        return sl_value_string(s, strlen(s));
}
/* (k, v) => v + 1 */
static sl_value val_plus1(const sl_value *p, size_t n)
{
        (void)n;
        return sl_value_int(p[1].u.i32 + 1);
}
/* (k, v) => 'same' */
static sl_value same_key(const sl_value *p, size_t n)
{
        (void)p;
        (void)n;
        return sl_value_string("same", 4);
}
/* (k, v) => len(k) > 3 */
static sl_value long_key(const sl_value *p, size_t n)
{
        (void)n;
        return sl_value_bool(p[0].len > 3);
}
/* (s, k, v) => len(k) > 3 ? s + v : s - v */
static sl_value reduce_kv(const sl_value *p, size_t n)
{
        (void)n;
        if (p[0].kind == SL_TYPE_NULL || p[2].kind == SL_TYPE_NULL)
                return sl_value_null();
        return sl_value_int(p[1].len > 3 ? p[0].u.i32 + p[2].u.i32 : p[0].u.i32 - p[2].u.i32);
}

static const test_lambda L_TWICE = {twice, ret_int, 1};
static const test_lambda L_GT5 = {gt5, ret_bool, 1};
static const test_lambda L_ADD = {add, ret_first, 2};
static const test_lambda L_KEY = {key_test, ret_str, 2};
static const test_lambda L_VAL = {val_plus1, ret_int, 2};
static const test_lambda L_SAME = {same_key, ret_str, 2};
static const test_lambda L_CONST_STR = {same_key, ret_str, 1};
static const test_lambda L_LONGKEY = {long_key, ret_bool, 2};
static const test_lambda L_REDUCE_KV = {reduce_kv, ret_first, 3};

Test(func_lambda, transform)
{
        sl_value m = MAPV(T_STR(), T_INT(), S("a"), I(2), S("b"), I(-1));
        fcase cases[] = {
                FC("transform", "[2, 4, null]", ARRV(T_INT(), I(1), I(2), NUL()), LAM(&L_TWICE)),
                FC("transform", "null", TN(sl_type_array(arena, T_INT())), LAM(&L_TWICE)),
                FC("transform", "{a_test=3, b_test=0}", m, LAM(&L_KEY), LAM(&L_VAL)),
                FC("transform", "null", m, LAM(&L_SAME), LAM(&L_VAL)),
        };
        FC_RUN(cases);
        sl_value targs[] = {ARRV(T_INT(), I(1), I(2)), LAM(&L_CONST_STR)};
        cr_expect_str_eq(fc_render((sl_value[]){fc_call("transform", targs, 2)}), "[same, same]");
        cr_expect_str_eq(FC_RET("transform", m, LAM(&L_KEY), LAM(&L_VAL)), "MAP<STRING, INTEGER>");
        cr_expect_str_eq(FC_RET("transform", ARRV(T_INT(), I(1)), LAM(&L_CONST_STR)), "ARRAY<STRING>");
        FC_FAILS("transform", "does not accept parameters (ARRAY<INTEGER>, LAMBDA, LAMBDA)", ARRV(T_INT(), I(1)),
                 LAM(&L_TWICE), LAM(&L_TWICE));
}

Test(func_lambda, filter)
{
        sl_value m = MAPV(T_STR(), T_INT(), S("ab"), I(6), S("abcd"), I(15));
        fcase cases[] = {
                FC("filter", "[6, 10]", ARRV(T_INT(), I(3), I(6), I(2), I(10)), LAM(&L_GT5)),
                FC("filter", "[]", ARRV(T_INT(), I(5), NUL()), LAM(&L_GT5)),
                FC("filter", "null", TN(sl_type_array(arena, T_INT())), LAM(&L_GT5)),
                FC("filter", "{abcd=15}", m, LAM(&L_LONGKEY)),
                FC("filter", "null", TN(sl_type_map(arena, T_STR(), T_INT())), LAM(&L_LONGKEY)),
        };
        FC_RUN(cases);
}

Test(func_lambda, reduce)
{
        sl_value m = MAPV(T_STR(), T_INT(), S("123"), I(3), S("12"), I(7), S("1234"), I(2));
        fcase cases[] = {
                FC("reduce", "11", ARRV(T_INT(), I(3), I(6)), I(2), LAM(&L_ADD)),
                FC("reduce", "null", ARRV(T_INT(), I(5), NUL()), I(2), LAM(&L_ADD)),
                FC("reduce", "2", TN(sl_type_array(arena, T_INT())), I(2), LAM(&L_ADD)),
                FC("reduce", "null", ARRV(T_INT(), I(1)), TN(T_INT()), LAM(&L_ADD)),
                FC("reduce", "-8", m, I(0), LAM(&L_REDUCE_KV)),
                FC("reduce", "0", TN(sl_type_map(arena, T_STR(), T_INT())), I(0), LAM(&L_REDUCE_KV)),
        };
        FC_RUN(cases);
        cr_expect_str_eq(FC_RET("reduce", m, I(0), LAM(&L_REDUCE_KV)), "INTEGER");
}

/* A lambda whose typing fails: the error reaches the caller of resolve. */
static sl_err failing_typer(void *data, size_t argi, const sl_type *const *params, size_t np, const sl_type **ret,
                            sl_err_detail *err)
{
        (void)data;
        (void)argi;
        (void)params;
        (void)np;
        (void)ret;
        return sl_err_set(err, SL_ERR_ANALYZE, "cannot type lambda");
}

Test(func_lambda, lambda_typing_errors_propagate)
{
        sl_func_arg args[] = {{.type = sl_type_array(arena, T_INT())}, {.lambda_arity = 1}};
        sl_func_resolved res;
        sl_err_detail err;
        cr_expect_eq(sl_func_registry_resolve(reg, "filter", args, 2, failing_typer, NULL, arena, &res, &err),
                     SL_ERR_ANALYZE);
        cr_expect_str_eq(err.message, "cannot type lambda");
        /* the lambda's parameter types come from the bound variables */
        sl_func_arg margs[] = {{.type = sl_type_map(arena, T_STR(), T_DBL())}, {.lambda_arity = 2}};
        sl_value lam = LAM(&L_LONGKEY);
        sl_value vals[] = {NUL(), lam};
        cr_assert_eq(sl_func_registry_resolve(reg, "filter", margs, 2, fc_type_lambda, vals, arena, &res, &err), SL_OK);
        cr_expect_eq(res.args[1].nlparams, 2);
        cr_expect_eq(res.args[1].lparams[0]->kind, SL_TYPE_STRING);
        cr_expect_eq(res.args[1].lparams[1]->kind, SL_TYPE_DOUBLE);
        cr_expect_eq(res.args[1].lret->kind, SL_TYPE_BOOLEAN);
}

Test(func_lambda, conditional)
{
        sl_value arr = ARRV(T_INT(), I(10), I(20));
        fcase cases[] = {
                FC("coalesce", "1", TN(T_INT()), I(1), I(2)),
                FC("coalesce", "x", TN(T_STR()), S("x")),
                FC("coalesce", "null", TN(T_STR()), TN(T_STR())),
                FC("coalesce", "[10, 20]", TN(sl_type_array(arena, T_INT())), arr),
                FC("coalesce", "5", L(5), I(10)),
                FC("ifnull", "10", TN(T_BIG()), I(10)),
                FC("ifnull", "3", L(3), I(10)),
                FC("nullif", "null", I(1), I(1)),
                FC("nullif", "1", I(1), I(2)),
                FC("nullif", "1", I(1), TN(T_INT())),
                FC("nullif", "null", TN(T_INT()), I(2)),
        };
        FC_RUN(cases);
        cr_expect_str_eq(FC_RET("ifnull", TN(T_BIG()), I(10)), "BIGINT");
        fc_resolve_fails("coalesce", NULL, 0, "Function 'COALESCE' does not accept parameters ()");
        FC_FAILS("ifnull", "does not accept parameters (STRING, INTEGER)", S("a"), I(1));
}
