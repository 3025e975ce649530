/* test_numeric.c: the MATHEMATICAL family: integer, DOUBLE and DECIMAL overloads of ABS, CEIL,
 * FLOOR, ROUND, TRUNC, SIGN; Java Math results (NaN, infinities) of the DOUBLE functions;
 * GREATEST/LEAST with NULLs, widening and ksqlDB's ambiguity errors; RANDOM's range. */
#include "func_test.h"

TestSuite(func_numeric, .init = fc_setup, .fini = fc_teardown);

Test(func_numeric, abs_sign_ceil_floor)
{
        fcase cases[] = {
                FC("abs", "1", I(-1)),
                FC("abs", "2", L(-2)),
                FC("abs", "3.1", D(-3.1)),
                FC("abs", "3.2", DEC("-3.2")),
                FC("abs", "-2147483648", I(INT32_MIN)),
                FC("abs", "null", TN(T_INT())),
                FC("sign", "-1", I(-5)),
                FC("sign", "0", L(0)),
                FC("sign", "1", D(3.0)),
                FC("sign", "-1", DEC("-0.01")),
                FC("floor", "1", I(1)),
                FC("floor", "-2.0", D(-1.1)),
                FC("floor", "1.0", D(1.7)),
                FC("floor", "-2.0", DEC("-1.5")),
                FC("floor", "1.0", DEC("1.7")),
                FC("ceil", "2.0", D(1.1)),
                FC("ceil", "-1.0", D(-1.7)),
                FC("ceil", "2.0", DEC("1.1")),
                FC("ceil", "-1.0", DEC("-1.7")),
                FC("ceil", "10.0", DEC("9.9")),
        };
        FC_RUN(cases);
        cr_expect_str_eq(FC_RET("ceil", DEC("9.9")), "DECIMAL(3, 1)");
        cr_expect_str_eq(FC_RET("abs", I(1)), "INTEGER");
}

Test(func_numeric, round_and_trunc)
{
        fcase cases[] = {
                FC("round", "1", D(1.2)),
                FC("round", "2", D(1.5)),
                FC("round", "-1", D(-1.5)),
                FC("round", "-2", D(-1.7)),
                FC("round", "12346", D(12345.678)),
                FC("round", "2.0", D(1.5), I(0)),
                FC("round", "-1.0", D(-1.5), I(0)),
                FC("round", "1.23", D(1.234567), I(2)),
                FC("round", "1.234567", D(1.234567), I(10)),
                FC("round", "12350.0", D(12345.678), I(-1)),
                FC("round", "-12300.0", D(-12345.678), I(-2)),
                FC("round", "0.0", D(1.2), I(-1)),
                FC("round", "110.0", D(111), I(-1)),
                FC("round", "12345.68", D(12345.678), I(2)),
                FC("round", "-12345.7", D(-12345.678), I(1)),
                FC("round", "1.0E10", D(1e10), I(2)),
                FC("round", "0.01", D(0.005), I(2)),
                FC("round", "12345678987654321", DEC("12345678987654321.2345678987654321")),
                FC("round", "12345678987654321.0000000000000000", DEC("12345678987654321.2345678987654321"), I(0)),
                FC("round", "12345678987654321.2345678988000000", DEC("12345678987654321.2345678987654321"), I(10)),
                FC("round", "12345678987654300.0000000000000000", DEC("12345678987654321.2345678987654321"), I(-2)),
                FC("round", "-1.0", DEC("-1.5"), I(0)),
                FC("round", "2.0", DEC("1.5"), I(0)),
                FC("round", "7", I(7)),
                FC("round", "null", TN(T_DBL()), I(1)),
                FC("trunc", "1", D(1.7)),
                FC("trunc", "-1", D(-1.7)),
                FC("trunc", "12345.67", D(12345.678), I(2)),
                FC("trunc", "-12340.0", D(-12345.678), I(-1)),
                FC("trunc", "-1", DEC("-1.7")),
                FC("trunc", "-12345.670", DEC("-12345.678"), I(2)),
                FC("trunc", "2147483648", L(2147483648LL)),
        };
        FC_RUN(cases);
        cr_expect_str_eq(FC_RET("round", D(1.5)), "BIGINT");
        cr_expect_str_eq(FC_RET("round", D(1.5), I(1)), "DOUBLE");
        cr_expect_str_eq(FC_RET("round", DEC("123.45")), "DECIMAL(4, 0)");
}

Test(func_numeric, double_functions)
{
        fcase cases[] = {
                FC("exp", "0.36787944117144233", I(-1)),
                FC("exp", "7.38905609893065", L(2)),
                FC("exp", "1.0", D(0)),
                FC("ln", "NaN", I(-1)),
                FC("ln", "-Infinity", L(0)),
                FC("ln", "0.6931471805599453", L(2)),
                FC("sqrt", "1.4142135623730951", L(2)),
                FC("sqrt", "NaN", D(-3.0)),
                FC("cbrt", "-2.0", I(-8)),
                FC("cbrt", "1.4422495703074083", L(3)),
                FC("log", "2.5649493574615367", I(13)),
                FC("log", "0.9471572411831843", I(15), I(13)),
                FC("log", "NaN", D(1.0), D(13.0)),
                FC("log", "NaN", D(0.0), D(13.0)),
                FC("log", "-Infinity", D(15.0), D(0.0)),
                FC("power", "0.06666666666666667", I(15), I(-1)),
                FC("power", "1.0", I(0), I(0)),
                FC("power", "1.946195068359375E15", L(15), L(13)),
                FC("cot", "Infinity", I(0)),
                FC("pi", "3.141592653589793"),
                FC("exp", "null", TN(T_DBL())),
        };
        FC_RUN(cases);
}

/* round(fn(x), places) as the QTT trigonometry cases compute it. */
static const char *rounded(const char *fn, sl_value x, int places)
{
        sl_value r = fc_call(fn, &x, 1);
        sl_value args[] = {r, I(places)};
        sl_value out = fc_call("round", args, 2);
        return fc_render(&out);
}

static const char *rounded2(const char *fn, sl_value y, sl_value x, int places)
{
        sl_value a[] = {y, x};
        sl_value r = fc_call(fn, a, 2);
        sl_value args[] = {r, I(places)};
        sl_value out = fc_call("round", args, 2);
        return fc_render(&out);
}

Test(func_numeric, trigonometry)
{
        cr_expect_str_eq(rounded("acos", I(-1), 13), "3.1415926535898");
        cr_expect_str_eq(rounded("acos", D(-0.43), 13), "2.0152891037307");
        cr_expect_str_eq(rounded("asin", D(0.43), 13), "0.4444927769358");
        cr_expect_str_eq(rounded("atan", L(-6), 13), "-1.4056476493803");
        cr_expect_str_eq(rounded2("atan2", I(-2), I(-3), 13), "-2.5535900500422");
        cr_expect_str_eq(rounded2("atan2", D(0), D(-0.24), 13), "3.1415926535898");
        cr_expect_str_eq(rounded("cos", D(-9.1), 13), "-0.9477216021311");
        cr_expect_str_eq(rounded("sin", I(-7), 13), "-0.6569865987188");
        cr_expect_str_eq(rounded("tan", D(0.43), 13), "0.4586210234856");
        cr_expect_str_eq(rounded("cot", I(-7), 13), "-1.1475154224051");
        cr_expect_str_eq(rounded("cosh", D(9.1), 13), "4477.646407574158");
        cr_expect_str_eq(rounded("sinh", I(-6), 13), "-201.7131573702792");
        cr_expect_str_eq(rounded("tanh", D(0.43), 13), "0.4053213086895");
        cr_expect_str_eq(rounded("degrees", D(-1.2345), 12), "-70.7316398089");
        cr_expect_str_eq(rounded("radians", I(114), 13), "1.9896753472735");
        cr_expect_str_eq(rounded("radians", D(70.73163980890013), 13), "1.2345");
        fcase cases[] = {
                FC("acos", "NaN", I(2)),
                FC("asin", "NaN", D(-1.1)),
                FC("atan2", "null", TN(T_DBL()), D(1.0)),
        };
        FC_RUN(cases);
}

Test(func_numeric, greatest_least)
{
        fcase cases[] = {
                FC("greatest", "2147483647", I(INT32_MAX), I(INT32_MIN), TN(T_INT()), NUL(), I(5)),
                FC("least", "-2147483648", I(INT32_MAX), I(INT32_MIN), TN(T_INT()), NUL(), I(5)),
                FC("greatest", "9223372036854775807", L(INT64_MAX), L(INT64_MIN), NUL()),
                FC("greatest", "123456.789", DEC("123456.789"), DEC("-987654.321"), NUL()),
                FC("least", "-99999.555", D(50000.555), D(-99999.555), NUL()),
                FC("greatest", "1.0E12", I(-1), L(1000000000000LL), DEC("99999.99999"), TN(T_DBL()), NUL()),
                FC("greatest", "500000.0", I(500000), L(1), DEC("99999.99999"), TN(T_DBL())),
                FC("greatest", "1234567.890000", DEC("1234567.89"), DEC("0.123456")),
                FC("greatest", "hello", S("apple"), S("banana"), S("aardvark"), TN(T_STR()), NUL(), S("hello")),
                FC("greatest", "zebra", S("!"), S("zebra"), S("aardvark")),
                FC("least", "!", S("!"), S("zebra"), S("aardvark")),
                FC("greatest", "hello", TN(T_STR()), TN(T_STR()), S("hello")),
                FC("greatest", "2022-06-14", sl_value_date(19071), sl_value_date(19157), sl_value_date(-5883)),
                FC("greatest", "null", TN(T_INT()), TN(T_INT())),
                /* ISO-8601 string literals stand for temporal values */
                FC("greatest", "2022-06-14", sl_value_date(19071), TN(sl_type_date()), NUL(), SLIT("2022-06-14")),
                FC("greatest", "2022-07-14", sl_value_date(19187), SLIT("2022-06-14")),
                FC("least", "2022-06-14T00:00:00.000", sl_value_timestamp(1657756800000LL), SLIT("2022-06-14")),
        };
        FC_RUN(cases);
        cr_expect_str_eq(FC_RET("greatest", DEC("1234567.89"), DEC("0.123456")), "DECIMAL(13, 6)");
        FC_FAILS("greatest", "Function 'greatest' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT).",
                 I(1), L(2));
        FC_FAILS("least", "ambiguous method parameters (null, null, null, null).", NUL(), NUL(), NUL(), NUL());
        FC_FAILS("greatest", "Function 'greatest' does not accept parameters (STRING, INTEGER).", S("a"), I(1));
        FC_FAILS("greatest", "does not accept parameters (DATE, STRING)", sl_value_date(1), SLIT("not a date"));
        FC_FAILS("greatest", "does not accept parameters (DATE, STRING)", sl_value_date(1), S("2022-06-14"));
        fc_resolve_fails("greatest", NULL, 0, "Function 'greatest' does not accept parameters ().");
}

Test(func_numeric, random_pi_geo_distance)
{
        for (int i = 0; i < 100; i++) {
                sl_value r = fc_call("random", NULL, 0);
                cr_assert(r.u.f64 >= 0.0 && r.u.f64 < 1.0);
        }
        sl_value a = fc_call("random", NULL, 0), b = fc_call("random", NULL, 0);
        cr_expect(a.u.f64 != b.u.f64);
        fcase cases[] = {
                FC("geo_distance", "8634.659796579544", D(37.4439), D(-122.1663), D(51.5257), D(-0.1122)),
                FC("geo_distance", "8634.659796579544", D(37.4439), D(-122.1663), D(51.5257), D(-0.1122), S("KM")),
                FC("geo_distance", "5365.659729188262", D(37.4439), D(-122.1663), D(51.5257), D(-0.1122), S("MI")),
                FC("geo_distance", "6838.756491533589", D(-33.9323), D(18.4197), D(-33.8666), D(151.1), S("mi")),
                FC("geo_distance", "0.03447366811448324", D(39.18660374), D(-76.73262144), D(39.18660374),
                   D(-76.73222145)),
                FC("as_value", "x", S("x")),
        };
        FC_RUN(cases);
        sl_err_detail err;
        sl_value bad[] = {D(1), D(2), D(3), D(4), S("parsecs")};
        cr_expect_eq(fc_call_err("geo_distance", bad, 5, &err), SL_ERR_FUNCTION);
        sl_value badlat[] = {D(91), D(2), D(3), D(4)};
        cr_expect_eq(fc_call_err("geo_distance", badlat, 4, &err), SL_ERR_FUNCTION);
}
