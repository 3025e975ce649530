/* test_registry.c: the registry itself: signature parsing and printing, case-insensitive lookup,
 * exact matches before widening, INT -> BIGINT -> DECIMAL -> DOUBLE widening and value conversion,
 * variadics, generic binding (T, ARRAY<T>, MAP<K, V>), NULL literals, ambiguity, duplicate and bad
 * registrations, SHOW FUNCTIONS listing, and ksqlDB's error messages. Uses small test functions
 * registered next to the built-ins, as a UDF plugin would. */
#include "func_test.h"

TestSuite(func_registry, .init = fc_setup, .fini = fc_teardown);

/* Returns the index of the overload that ran (its udata) as an INT. */
static sl_err which(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)a;
        (void)n;
        *out = sl_value_int((int32_t)(intptr_t)ctx->udata);
        return SL_OK;
}

/* Returns its last argument. */
static sl_err last_arg(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        *out = n ? a[n - 1] : sl_value_null();
        return SL_OK;
}

static sl_func *add_fn(const char *name)
{
        sl_func *fn;
        sl_err_detail err;
        sl_func_def def = {.name = name, .kind = SL_FUNC_SCALAR, .category = "TEST", .description = "test function",
                           .author = "tests", .version = "0.1"};
        cr_assert_eq(sl_func_registry_add(reg, &def, &fn, &err), SL_OK);
        return fn;
}

static void add_ov(sl_func *fn, const char *params, const char *ret, intptr_t tag, sl_func_invoke_fn invoke)
{
        sl_err_detail err;
        sl_func_overload_def od = {.params = params, .returns = ret, .invoke = invoke, .udata = (void *)tag};
        cr_assert_eq(sl_func_registry_add_overload(reg, fn, &od, &err), SL_OK, "%s: %s", params, err.message);
}

Test(func_registry, lookup_is_case_insensitive_and_lists_sorted)
{
        cr_expect_not_null(sl_func_registry_get(reg, "SUBSTRING"));
        cr_expect_not_null(sl_func_registry_get(reg, "SubString"));
        cr_expect_null(sl_func_registry_get(reg, "no_such_function"));
        const sl_func *f = sl_func_registry_get(reg, "concat");
        cr_expect_str_eq(f->category, "STRING");
        cr_expect_eq(f->kind, SL_FUNC_SCALAR);
        cr_expect_gt(strlen(f->description), 10);
        const sl_func **all;
        size_t n = sl_func_registry_list(reg, arena, &all);
        cr_expect_eq(n, sl_func_registry_count(reg));
        cr_expect_geq(n, 120);
        for (size_t i = 1; i < n; i++)
                cr_expect_lt(sl_str_cmp_ci(all[i - 1]->name, all[i]->name), 0, "%s before %s", all[i - 1]->name,
                             all[i]->name);
        FC_FAILS("wont_find_me", "Can't find any functions with the name 'wont_find_me'", I(1));
}

Test(func_registry, signatures_parse_and_print)
{
        sl_func_sig sig;
        sl_err_detail err;
        cr_assert_eq(sl_func_sig_parse(arena, "MAP<K, ARRAY<V>> m, LAMBDA<K, V, BOOLEAN> fn, INT... rest", "ARRAY<K>",
                                       &sig, &err),
                     SL_OK, "%s", err.message);
        cr_expect_eq(sig.nparams, 3);
        cr_expect(sig.variadic);
        cr_expect_eq(sig.params[1]->kind, SL_FUNC_PAT_LAMBDA);
        cr_expect_eq(sig.params[1]->nparams, 2);
        cr_expect_str_eq(sig.names[2], "rest");
        sl_str s;
        sl_str_init(&s);
        sl_func_pat_print(&s, sig.params[0]);
        sl_str_append(&s, " | ");
        sl_func_pat_print(&s, sig.params[1]);
        sl_str_append(&s, " | ");
        sl_func_pat_print(&s, sig.ret);
        cr_expect_str_eq(sl_str_cstr(&s), "MAP<K, ARRAY<V>> | LAMBDA<K, V, BOOLEAN> | ARRAY<K>");
        sl_str_deinit(&s);
        const char *bad[] = {"STRNG x", "ARRAY<INT", "INT... a, INT b", "LAMBDA<INT>", "MAP<INT>", "INT, , INT"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                cr_expect_eq(sl_func_sig_parse(arena, bad[i], NULL, &sig, &err), SL_ERR_PARSE, "%s", bad[i]);
        cr_assert_eq(sl_func_sig_parse(arena, "", "INT", &sig, &err), SL_OK);
        cr_expect_eq(sig.nparams, 0);
}

Test(func_registry, bad_and_duplicate_registrations)
{
        sl_err_detail err;
        sl_func *fn = add_fn("dup_test");
        add_ov(fn, "INT a", "INT", 1, which);
        sl_func_overload_def same = {.params = "INT b", .returns = "INT", .invoke = which};
        cr_expect_eq(sl_func_registry_add_overload(reg, fn, &same, &err), SL_ERR_EXISTS);
        sl_func_overload_def unbound = {.params = "INT a, INT b", .returns = "ARRAY<T>", .invoke = which};
        cr_expect_eq(sl_func_registry_add_overload(reg, fn, &unbound, &err), SL_ERR_INVALID);
        sl_func_overload_def noret = {.params = "STRING a", .invoke = which};
        cr_expect_eq(sl_func_registry_add_overload(reg, fn, &noret, &err), SL_ERR_INVALID);
        sl_func *other;
        sl_func_def agg = {.name = "DUP_TEST", .kind = SL_FUNC_AGGREGATE};
        cr_expect_eq(sl_func_registry_add(reg, &agg, &other, &err), SL_ERR_EXISTS);
        /* the same name and kind adds overloads to the existing function */
        sl_func_def again = {.name = "Dup_Test", .kind = SL_FUNC_SCALAR};
        cr_assert_eq(sl_func_registry_add(reg, &again, &other, &err), SL_OK);
        cr_expect_eq(other, fn);
}

Test(func_registry, exact_match_beats_widening)
{
        sl_func *fn = add_fn("pick");
        add_ov(fn, "INT a", "INT", 1, which);
        add_ov(fn, "BIGINT a", "INT", 2, which);
        add_ov(fn, "DOUBLE a", "INT", 3, which);
        add_ov(fn, "STRING a, INT b", "INT", 4, which);
        fcase cases[] = {
                FC("pick", "1", I(1)),
                FC("pick", "2", L(1)),
                FC("pick", "3", D(1)),
                FC("pick", "3", DEC("1.5")),  /* only DOUBLE takes a DECIMAL */
                FC("pick", "4", S("x"), I(2)),
        };
        FC_RUN(cases);
        FC_FAILS("pick", "Function 'pick' does not accept parameters (STRING, BIGINT).\nValid alternatives are:\n"
                         "pick(INTEGER a)\npick(BIGINT a)\npick(DOUBLE a)\npick(STRING a, INTEGER b)",
                 S("x"), L(2));
        FC_FAILS("pick", "ambiguous method parameters (null)", NUL());
        /* a typed NULL resolves exactly */
        fcase typed[] = {FC("pick", "2", TN(T_BIG()))};
        FC_RUN(typed);
}

Test(func_registry, widening_converts_values)
{
        sl_func *fn = add_fn("widen");
        add_ov(fn, "BIGINT a, DECIMAL b, DOUBLE c", "DOUBLE", 0, last_arg);
        sl_value args[] = {I(7), I(12), DEC("2.50")};
        sl_func_resolved res;
        sl_err_detail err;
        cr_assert_eq(fc_resolve("widen", args, 3, &res, &err), SL_OK, "%s", err.message);
        cr_expect_str_eq(sl_type_to_cstr(arena, res.args[0].type), "BIGINT");
        cr_expect_str_eq(sl_type_to_cstr(arena, res.args[1].type), "DECIMAL(10, 0)");
        cr_expect_str_eq(sl_type_to_cstr(arena, res.args[2].type), "DOUBLE");
        sl_value conv[3];
        cr_assert_eq(sl_func_args_convert(arena, &res, args, 3, conv, &err), SL_OK);
        cr_expect_eq(conv[0].kind, SL_TYPE_BIGINT);
        cr_expect_eq(conv[0].u.i64, 7);
        cr_expect_eq(conv[1].kind, SL_TYPE_DECIMAL);
        cr_expect_str_eq(fc_render(&conv[1]), "12");
        cr_expect_eq(conv[2].kind, SL_TYPE_DOUBLE);
        cr_expect_eq(conv[2].u.f64, 2.5);
        /* element-wise in arrays and maps */
        sl_value arr = ARRV(T_INT(), I(1), NUL(), I(3));
        sl_value out;
        cr_assert_eq(sl_func_value_widen(arena, &arr, sl_type_array(arena, T_DBL()), &out, &err), SL_OK);
        cr_expect_str_eq(fc_render(&out), "[1.0, null, 3.0]");
        cr_expect_str_eq(sl_type_to_cstr(arena, out.u.comp.type), "ARRAY<DOUBLE>");
        sl_value m = MAPV(T_STR(), T_INT(), S("a"), I(1));
        cr_assert_eq(sl_func_value_widen(arena, &m, sl_type_map(arena, T_STR(), T_BIG()), &out, &err), SL_OK);
        cr_expect_eq(out.u.comp.items[1].kind, SL_TYPE_BIGINT);
        /* widening rules */
        cr_expect(sl_func_type_widens(T_INT(), T_BIG()));
        cr_expect(sl_func_type_widens(T_BIG(), sl_type_decimal(19, 0)));
        cr_expect_not(sl_func_type_widens(T_BIG(), sl_type_decimal(18, 0)));
        cr_expect(sl_func_type_widens(sl_type_decimal(5, 2), sl_type_decimal(6, 3)));
        cr_expect_not(sl_func_type_widens(sl_type_decimal(5, 2), sl_type_decimal(5, 3)));
        cr_expect_not(sl_func_type_widens(T_DBL(), T_BIG()));
        cr_expect_not(sl_func_type_widens(T_STR(), T_INT()));
        cr_expect(sl_func_type_widens(sl_type_null(), T_STR()));
        /* a decimal that does not fit its target overflows */
        sl_value big = DEC("123456.789");
        cr_expect_eq(sl_func_value_widen(arena, &big, sl_type_decimal(4, 1), &out, &err), SL_ERR_OVERFLOW);
}

Test(func_registry, variadics)
{
        sl_func *fn = add_fn("va");
        add_ov(fn, "STRING first, INT... rest", "INT", 1, which);
        add_ov(fn, "STRING first, STRING second", "INT", 2, which);
        fcase cases[] = {
                FC("va", "1", S("a")),
                FC("va", "1", S("a"), I(1), I(2), I(3)),
                FC("va", "2", S("a"), S("b")),
                FC("va", "2", S("a"), TN(T_STR())),
                FC("va", "1", S("a"), TN(T_INT())),
                FC("va", "2", S("a"), NUL()),  /* the non-variadic overload is preferred */
                FC("va", "1", S("a"), I(1), NUL()),
        };
        FC_RUN(cases);
        FC_FAILS("va", "does not accept parameters (STRING, INTEGER, STRING)", S("a"), I(1), S("x"));
        fc_resolve_fails("va", NULL, 0, "does not accept parameters ()");
        FC_FAILS("va", "does not accept parameters (INTEGER)", I(1));
        sl_func *mid = add_fn("mid_var_arg");
        add_ov(mid, "BIGINT a, STRING... b", "INT", 1, which);
        FC_FAILS("mid_var_arg", "Function 'mid_var_arg' does not accept parameters (BIGINT, INTEGER, INTEGER, INTEGER).",
                 L(1), I(1), I(2), I(3));
}

Test(func_registry, generics_bind_and_check)
{
        sl_func *fn = add_fn("gen");
        add_ov(fn, "ARRAY<T> list, T x", "MAP<STRING, T>", 1, which);
        add_ov(fn, "MAP<K, V> m, K key", "V", 2, which);
        add_ov(fn, "ANY a", "STRING", 3, which);
        sl_value ai = ARRV(T_INT(), I(1));
        sl_value ms = MAPV(T_STR(), T_DBL(), S("k"), D(1));
        cr_expect_str_eq(FC_RET("gen", ai, I(1)), "MAP<STRING, INTEGER>");
        cr_expect_str_eq(FC_RET("gen", ms, S("k")), "DOUBLE");
        cr_expect_str_eq(FC_RET("gen", B("x")), "STRING");
        /* T bound to INT accepts a NULL, and the NULL's resolved type is INT */
        sl_value args[] = {ai, NUL()};
        sl_func_resolved res;
        sl_err_detail err;
        cr_assert_eq(fc_resolve("gen", args, 2, &res, &err), SL_OK);
        cr_expect_eq(res.args[1].type->kind, SL_TYPE_INT);
        /* T bound by the array; an unrelated second argument does not fit it, a narrower one widens */
        FC_FAILS("gen", "does not accept parameters (ARRAY<INTEGER>, STRING)", ai, S("x"));
        sl_value al = ARRV(T_BIG(), L(1));
        sl_value args2[] = {al, I(5)};
        cr_assert_eq(fc_resolve("gen", args2, 2, &res, &err), SL_OK, "%s", err.message);
        cr_expect_eq(res.args[1].type->kind, SL_TYPE_BIGINT);
        cr_expect_str_eq(sl_type_to_cstr(arena, res.ret), "MAP<STRING, BIGINT>");
        /* a later, wider occurrence widens the binding, and earlier arguments convert to it */
        sl_value args4[] = {ai, L(5)};
        cr_assert_eq(fc_resolve("gen", args4, 2, &res, &err), SL_OK, "%s", err.message);
        cr_expect_str_eq(sl_type_to_cstr(arena, res.args[0].type), "ARRAY<BIGINT>");
        cr_expect_str_eq(sl_type_to_cstr(arena, res.ret), "MAP<STRING, BIGINT>");
        cr_expect_str_eq(FC_RET("ifnull", I(1), L(2)), "BIGINT");
        cr_expect_str_eq(FC_RET("coalesce", I(1), L(2), D(3)), "DOUBLE");
        fcase widened[] = {FC("coalesce", "1.0", I(1), L(2), D(3)), FC("ifnull", "2", TN(T_INT()), L(2))};
        FC_RUN(widened);
        /* ARRAY<INT> widens element-wise to a concrete ARRAY<BIGINT> parameter */
        sl_func *fa = add_fn("takes_bigints");
        add_ov(fa, "ARRAY<BIGINT> xs", "INT", 9, which);
        sl_value args3[] = {ai};
        cr_assert_eq(fc_resolve("takes_bigints", args3, 1, &res, &err), SL_OK, "%s", err.message);
        cr_expect_str_eq(sl_type_to_cstr(arena, res.args[0].type), "ARRAY<BIGINT>");
        fcase cases[] = {FC("takes_bigints", "9", ai)};
        FC_RUN(cases);
}

Test(func_registry, null_in_null_out_and_describe_text)
{
        const sl_func *f = sl_func_registry_get(reg, "substring");
        sl_str s;
        sl_str_init(&s);
        sl_func_overload_print(&s, SL_VEC_AT(&f->overloads, sl_func_overload *, 1));
        cr_expect_str_eq(sl_str_cstr(&s), "substring(STRING str, INTEGER pos, INTEGER length)");
        sl_str_deinit(&s);
        cr_expect(SL_VEC_AT(&f->overloads, sl_func_overload *, 0)->flags & SL_FUNC_NULL_IN_NULL_OUT);
        const sl_func *u = sl_func_registry_get(reg, "uuid");
        cr_expect(SL_VEC_AT(&u->overloads, sl_func_overload *, 0)->flags & SL_FUNC_NONDETERMINISTIC);
        /* every built-in overload has an invoke (aggregates: their callbacks) and a printable signature */
        const sl_func **all;
        size_t n = sl_func_registry_list(reg, arena, &all);
        for (size_t i = 0; i < n; i++) {
                cr_expect_str_neq(all[i]->description, "", "%s has no description", all[i]->name);
                for (size_t k = 0; k < all[i]->overloads.len; k++) {
                        const sl_func_overload *ov = SL_VEC_AT(&all[i]->overloads, sl_func_overload *, k);
                        if (all[i]->kind == SL_FUNC_AGGREGATE)
                                cr_expect(ov->agg && ov->agg->state_type && ov->agg->init && ov->agg->accumulate &&
                                                  ov->agg->result,
                                          "%s lacks callbacks", all[i]->name);
                        else
                                cr_expect_not_null(ov->invoke);
                }
        }
}

/* A SUM over BIGINT written against sl_func_agg_ops, and a table function, registered as a
 * plugin would: the registry resolves them like scalars. */
static sl_err sum_state_type(sl_arena *a, const sl_type *const *args, size_t n, const sl_type **t, sl_err_detail *err)
{
        (void)a;
        (void)args;
        (void)n;
        (void)err;
        *t = sl_type_bigint();
        return SL_OK;
}
static sl_err sum_init(sl_func_ctx *ctx, sl_value *state)
{
        (void)ctx;
        *state = sl_value_bigint(0);
        return SL_OK;
}
static sl_err sum_acc(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t n, sl_value *out)
{
        (void)ctx;
        (void)n;
        *out = args[0].kind == SL_TYPE_NULL ? *state : sl_value_bigint(state->u.i64 + args[0].u.i64);
        return SL_OK;
}
static sl_err sum_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        (void)ctx;
        *out = *state;
        return SL_OK;
}
static const sl_func_agg_ops sum_ops = {sizeof(sl_func_agg_ops), sum_state_type, sum_init, sum_acc, NULL, NULL,
                                        sum_result};

/* A table function: one row per character of a string. */
static sl_err chars(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        sl_value *items;
        *out = sl_value_composite_new(ctx->arena, sl_type_array(ctx->arena, ctx->res->ret), a[0].len, &items);
        for (size_t i = 0; i < a[0].len; i++)
                items[i] = sl_value_string((const char *)a[0].u.bytes + i, 1);
        return SL_OK;
}

Test(func_registry, aggregate_and_table_kinds)
{
        sl_err_detail err;
        sl_func *agg, *tf;
        sl_func_def adef = {.name = "my_sum", .kind = SL_FUNC_AGGREGATE, .category = "AGGREGATE"};
        cr_assert_eq(sl_func_registry_add(reg, &adef, &agg, &err), SL_OK);
        sl_func_overload_def aov = {.params = "BIGINT val", .returns = "BIGINT", .agg = &sum_ops};
        cr_assert_eq(sl_func_registry_add_overload(reg, agg, &aov, &err), SL_OK, "%s", err.message);
        sl_func_overload_def noops = {.params = "DOUBLE val", .returns = "DOUBLE"};
        cr_expect_eq(sl_func_registry_add_overload(reg, agg, &noops, &err), SL_ERR_INVALID);
        sl_value args[] = {I(3)};
        sl_func_resolved res;
        cr_assert_eq(fc_resolve("my_sum", args, 1, &res, &err), SL_OK, "%s", err.message);
        cr_expect_eq(res.func->kind, SL_FUNC_AGGREGATE);
        cr_expect_eq(res.args[0].type->kind, SL_TYPE_BIGINT);
        sl_func_ctx ctx = {.arena = arena, .err = &err, .res = &res};
        sl_value st, in;
        cr_assert_eq(res.ov->agg->init(&ctx, &st), SL_OK);
        for (int i = 1; i <= 4; i++) {
                in = L(i);
                cr_assert_eq(res.ov->agg->accumulate(&ctx, &st, &in, 1, &st), SL_OK);
        }
        sl_value out;
        cr_assert_eq(res.ov->agg->result(&ctx, &st, &out), SL_OK);
        cr_expect_eq(out.u.i64, 10);

        sl_func_def tdef = {.name = "chars", .kind = SL_FUNC_TABLE, .category = "TABLE"};
        cr_assert_eq(sl_func_registry_add(reg, &tdef, &tf, &err), SL_OK);
        sl_func_overload_def tov = {.params = "STRING s", .returns = "STRING", .invoke = chars};
        cr_assert_eq(sl_func_registry_add_overload(reg, tf, &tov, &err), SL_OK);
        fcase cases[] = {FC("chars", "[a, b, c]", S("abc"))};
        FC_RUN(cases);
}

/* ksqlDB's own test UDF (udf.json, udf-implicit-cast.json): the exact match wins, NULL literals
 * pick the non-variadic overload, five BIGINTs take the variadic one, a STRUCT matches STRUCT. */
Test(func_registry, ksqldb_test_udf_resolution)
{
        sl_func *fn = add_fn("test_udf");
        add_ov(fn, "INT i, STRING s", "INT", 1, which);
        add_ov(fn, "BIGINT l, STRING s", "INT", 2, which);
        add_ov(fn, "BIGINT a, BIGINT b, STRING s", "INT", 3, which);
        add_ov(fn, "BIGINT... ls", "INT", 4, which);
        add_ov(fn, "STRUCT s", "INT", 5, which);
        sl_type_field f[1] = {{"A", sl_type_string()}};
        sl_value *items;
        sl_value sv = sl_value_composite_new(arena, sl_type_struct(arena, f, 1), 1, &items);
        items[0] = S("expect-result");
        fcase cases[] = {
                FC("test_udf", "1", I(1), S("foo")),
                FC("test_udf", "2", L(1), NUL()),
                FC("test_udf", "3", L(1), L(1), NUL()),
                FC("test_udf", "4", L(0), L(0), L(0), L(0), L(0)),
                FC("test_udf", "5", sv),
        };
        FC_RUN(cases);
        fcase geo[] = {FC("geo_distance", "8682.459061368269", D(37.4439), D(-122.1663), I(51), I(0)),
                       FC("geo_distance", "8682.459061368269", D(37.4439), D(-122.1663), DEC("51.0"), L(0))};
        FC_RUN(geo);
        FC_FAILS("geo_distance", "Function 'geo_distance' does not accept parameters", D(37.4439), D(-122.1663),
                 S("foo"), I(0));
}
