/* test_decimal.c: DECIMAL parsing, printing, HALF_UP rescaling and ksqlDB arithmetic at the limits.
 * Expected arithmetic results were computed independently with Python's decimal module
 * (ROUND_HALF_UP, the same result-type rule). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "types/decimal.h"

static sl_decimal dec(const char *text, int p, int s)
{
        sl_decimal d;
        sl_err_detail err;
        sl_err rc = sl_decimal_parse_to(text, strlen(text), p, s, &d, &err);
        cr_assert_eq(rc, SL_OK, "parse %s: %s", text, err.message);
        return d;
}

static const char *fmt(sl_decimal d)
{
        static char buf[SL_DECIMAL_STR_MAX];
        sl_decimal_format(d, buf);
        return buf;
}

Test(types_decimal, parse_gives_literal_precision_and_scale)
{
        static const struct {
                const char *in;
                int p, s;
                const char *out;
        } cases[] = {
                {"10.50", 4, 2, "10.50"}, {"0.00", 3, 2, "0.00"},   {"-0.01", 2, 2, "-0.01"},
                {"  7 ", 1, 0, "7"},      {"+12", 2, 0, "12"},      {"1.5E+3", 4, 0, "1500"},
                {"1.5e-3", 4, 4, "0.0015"}, {".5", 1, 1, "0.5"},    {"5.", 1, 0, "5"},
                {"-0", 1, 0, "0"},        {"00012.3", 3, 1, "12.3"},
                {"99999999999999999999999999999999999999", 38, 0, "99999999999999999999999999999999999999"},
                {"-0.99999999999999999999999999999999999999", 38, 38, "-0.99999999999999999999999999999999999999"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_decimal d;
                cr_assert_eq(sl_decimal_parse(cases[i].in, strlen(cases[i].in), &d, NULL), SL_OK, "%s", cases[i].in);
                cr_expect_eq(d.precision, cases[i].p, "%s: precision %d", cases[i].in, d.precision);
                cr_expect_eq(d.scale, cases[i].s, "%s: scale %d", cases[i].in, d.scale);
                cr_expect_str_eq(fmt(d), cases[i].out);
        }
}

Test(types_decimal, parse_rejects_bad_text_and_too_many_digits)
{
        static const struct {
                const char *in;
                sl_err rc;
        } cases[] = {
                {"", SL_ERR_PARSE},     {"abc", SL_ERR_PARSE}, {"1.2.3", SL_ERR_PARSE}, {"1e", SL_ERR_PARSE},
                {"-", SL_ERR_PARSE},    {"1 2", SL_ERR_PARSE}, {".", SL_ERR_PARSE},
                {"100000000000000000000000000000000000000", SL_ERR_OVERFLOW},
                {"0.000000000000000000000000000000000000001", SL_ERR_OVERFLOW},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_decimal d;
                sl_err_detail err;
                cr_expect_eq(sl_decimal_parse(cases[i].in, strlen(cases[i].in), &d, &err), cases[i].rc, "%s",
                             cases[i].in);
        }
}

Test(types_decimal, rescale_rounds_half_up_away_from_zero)
{
        static const struct {
                const char *in;
                int p, s;
                const char *out;  /* NULL: overflow */
        } cases[] = {
                {"2.5", 2, 0, "3"},      {"-2.5", 2, 0, "-3"},     {"2.49", 2, 0, "2"},   {"-2.49", 2, 0, "-2"},
                {"0.99", 2, 1, "1.0"},   {"0.01", 2, 1, "0.0"},    {"-0.05", 2, 1, "-0.1"}, {"10.12", 5, 3, "10.120"},
                {"9.99", 2, 1, NULL},    {"10", 2, 1, NULL},       {"-9.95", 3, 1, "-10.0"}, {"1.0", 1, 0, "1"},
                {"0.5", 1, 0, "1"},      {"-0.4", 1, 0, "0"},
                {"0.99999999999999999999999999999999999999", 37, 37, NULL},
                {"0.99999999999999999999999999999999999999", 38, 37, "1.0000000000000000000000000000000000000"},
                {"-0.99999999999999999999999999999999999995", 38, 37, "-1.0000000000000000000000000000000000000"},
                {"-0.99999999999999999999999999999999999994", 38, 37, "-0.9999999999999999999999999999999999999"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_decimal d, r;
                sl_err_detail err;
                cr_assert_eq(sl_decimal_parse(cases[i].in, strlen(cases[i].in), &d, NULL), SL_OK);
                sl_err rc = sl_decimal_rescale(d, cases[i].p, cases[i].s, &r, &err);
                if (!cases[i].out) {
                        cr_expect_eq(rc, SL_ERR_OVERFLOW, "%s -> (%d,%d)", cases[i].in, cases[i].p, cases[i].s);
                        continue;
                }
                cr_assert_eq(rc, SL_OK, "%s: %s", cases[i].in, err.message);
                cr_expect_str_eq(fmt(r), cases[i].out, "%s -> (%d,%d)", cases[i].in, cases[i].p, cases[i].s);
                cr_expect_eq(r.precision, cases[i].p);
                cr_expect_eq(r.scale, cases[i].s);
        }
}

Test(types_decimal, arithmetic_matches_reference_at_the_limits)
{
        static const struct {
                const char *a;
                int p1, s1;
                char op;
                const char *b;
                int p2, s2;
                int rp, rs;
                const char *out;  /* "NULL": division by zero; "OVF": overflow */
        } cases[] = {
                {"10.01", 4, 2, '+', "5.1", 4, 2, 5, 2, "15.11"},
                {"10.01", 4, 2, '+', "-5.0", 4, 2, 5, 2, "5.01"},
                {"10.1", 4, 2, '-', "5.1", 4, 2, 5, 2, "5.00"},
                {"10.1", 4, 2, '*', "-2.0", 4, 2, 9, 4, "-20.2000"},
                {"10.1", 4, 2, '/', "2.0", 4, 2, 11, 7, "5.0500000"},
                {"10.1", 4, 2, '/', "-2.0", 4, 2, 11, 7, "-5.0500000"},
                {"10.1", 4, 2, '/', "0.0", 4, 2, 11, 7, "NULL"},
                {"10.1", 4, 2, '%', "2.0", 4, 2, 4, 2, "0.10"},
                {"-10.1", 4, 2, '%', "2.0", 4, 2, 4, 2, "-0.10"},
                {"10.1", 4, 2, '%', "0", 4, 2, 4, 2, "NULL"},
                {"1", 1, 0, '/', "3", 1, 0, 7, 6, "0.333333"},
                {"2", 1, 0, '/', "3", 1, 0, 7, 6, "0.666667"},
                {"-2", 1, 0, '/', "3", 1, 0, 7, 6, "-0.666667"},
                {"-1", 1, 0, '/', "6", 1, 0, 7, 6, "-0.166667"},
                {"99999999999999999999999999999999999999", 38, 0, '+', "1", 38, 0, 38, 0, "OVF"},
                {"99999999999999999999999999999999999999", 38, 0, '+', "-1", 38, 0, 38, 0,
                 "99999999999999999999999999999999999998"},
                {"-99999999999999999999999999999999999999", 38, 0, '-', "1", 38, 0, 38, 0, "OVF"},
                {"9999999999999999999", 38, 0, '*', "9999999999999999999", 38, 0, 38, 0,
                 "99999999999999999980000000000000000001"},
                {"10000000000000000000", 38, 0, '*', "10000000000000000000", 38, 0, 38, 0, "OVF"},
                {"0.99999999999999999999999999999999999999", 38, 38, '*', "0.99999999999999999999999999999999999999", 38,
                 38, 38, 37, "1.0000000000000000000000000000000000000"},
                {"-0.99999999999999999999999999999999999999", 38, 38, '*', "0.5", 1, 1, 38, 37,
                 "-0.5000000000000000000000000000000000000"},
                {"0.99999999999999999999999999999999999999", 38, 38, '+', "99999999999999999999999999999999999999", 38, 0,
                 38, 6, "OVF"},
                {"0.55555555555555555555555555555555555555", 38, 38, '+', "1", 38, 0, 38, 6, "1.555556"},
                {"99999999999999999999999999999999999999", 38, 0, '/', "7", 1, 0, 38, 6, "OVF"},
                {"1", 38, 0, '/', "0.00000000000000000000000000000000000001", 38, 38, 38, 6, "OVF"},
                {"0.99999999999999999999999999999999999999", 38, 38, '/', "3", 1, 0, 38, 38,
                 "0.33333333333333333333333333333333333333"},
                {"12345678901234567890.123456789", 38, 9, '/', "-0.0000000007", 10, 10, 38, 6,
                 "-17636684144620811271604938270.000000"},
                {"12345678901234567890123456789012345678", 38, 0, '%', "97", 2, 0, 2, 0, "44"},
                {"-7.5", 2, 1, '%', "2", 1, 0, 2, 1, "-1.5"},
                {"-1.5", 2, 1, '*', "1.5", 2, 1, 5, 2, "-2.25"},
                {"0.005", 3, 3, '-', "0.0051", 4, 4, 5, 4, "-0.0001"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_decimal a = dec(cases[i].a, cases[i].p1, cases[i].s1), b = dec(cases[i].b, cases[i].p2, cases[i].s2), r;
                sl_decimal_op op = cases[i].op == '+'   ? SL_DECIMAL_ADD
                                   : cases[i].op == '-' ? SL_DECIMAL_SUB
                                   : cases[i].op == '*' ? SL_DECIMAL_MUL
                                   : cases[i].op == '/' ? SL_DECIMAL_DIV
                                                        : SL_DECIMAL_MOD;
                int p, s;
                sl_decimal_result_type(op, cases[i].p1, cases[i].s1, cases[i].p2, cases[i].s2, &p, &s);
                cr_expect_eq(p, cases[i].rp, "case %zu precision %d", i, p);
                cr_expect_eq(s, cases[i].rs, "case %zu scale %d", i, s);
                sl_err_detail err;
                sl_err rc = sl_decimal_arith(op, a, b, &r, &err);
                if (strcmp(cases[i].out, "NULL") == 0) {
                        cr_expect_eq(rc, SL_ERR_RANGE, "case %zu", i);
                } else if (strcmp(cases[i].out, "OVF") == 0) {
                        cr_expect_eq(rc, SL_ERR_OVERFLOW, "case %zu", i);
                } else {
                        cr_assert_eq(rc, SL_OK, "case %zu: %s", i, err.message);
                        cr_expect_str_eq(fmt(r), cases[i].out, "case %zu", i);
                        cr_expect_eq(r.precision, p);
                        cr_expect_eq(r.scale, s);
                }
        }
}

Test(types_decimal, wrappers_negate_and_compare)
{
        sl_decimal a = dec("1.50", 3, 2), b = dec("1.5", 2, 1), c = dec("-1.49", 3, 2), r;
        cr_expect_eq(sl_decimal_cmp(a, b), 0);
        cr_expect_gt(sl_decimal_cmp(a, c), 0);
        cr_expect_lt(sl_decimal_cmp(c, b), 0);
        cr_expect_lt(sl_decimal_cmp(dec("0.00000000000000000000000000000000000001", 38, 38),
                                    dec("99999999999999999999999999999999999999", 38, 0)), 0);
        cr_expect_gt(sl_decimal_cmp(dec("-0.00000000000000000000000000000000000001", 38, 38),
                                    dec("-99999999999999999999999999999999999999", 38, 0)), 0);
        cr_assert_eq(sl_decimal_add(a, c, &r, NULL), SL_OK);
        cr_expect_str_eq(fmt(r), "0.01");
        cr_assert_eq(sl_decimal_sub(a, c, &r, NULL), SL_OK);
        cr_expect_str_eq(fmt(r), "2.99");
        cr_assert_eq(sl_decimal_mul(a, c, &r, NULL), SL_OK);
        cr_expect_str_eq(fmt(r), "-2.2350");
        cr_assert_eq(sl_decimal_div(a, b, &r, NULL), SL_OK);
        cr_expect_str_eq(fmt(r), "1.000000");
        cr_assert_eq(sl_decimal_mod(a, b, &r, NULL), SL_OK);
        cr_expect_str_eq(fmt(r), "0.00");
        cr_expect_str_eq(fmt(sl_decimal_negate(c)), "1.49");
        sl_decimal n = sl_decimal_normalize(dec("-12.3400", 8, 4));
        cr_expect_str_eq(fmt(n), "-12.34");
        cr_expect_eq(n.scale, 2);
        cr_expect_eq(sl_decimal_normalize(dec("0.000", 4, 3)).scale, 0);
}

Test(types_decimal, conversions_follow_java)
{
        static const struct {
                double in;
                int p, s;
                const char *out;
        } dbl[] = {
                {0.1, 2, 1, "0.1"},  {1.1, 2, 1, "1.1"},  {0.0, 2, 1, "0.0"},   {0.99, 2, 1, "1.0"},
                {0.01, 2, 1, "0.0"}, {0.15, 2, 1, "0.2"}, {-0.15, 2, 1, "-0.2"}, {0.125, 3, 2, "0.13"},
                {1e-300, 5, 2, "0.00"}, {123456.789, 10, 2, "123456.79"},
                {9.96, 2, 1, NULL},  {1e300, 38, 0, NULL}, {10.0, 2, 1, NULL},
        };
        for (size_t i = 0; i < sizeof dbl / sizeof dbl[0]; i++) {
                sl_decimal r;
                sl_err rc = sl_decimal_from_double(dbl[i].in, dbl[i].p, dbl[i].s, &r, NULL);
                if (!dbl[i].out) {
                        cr_expect_eq(rc, SL_ERR_OVERFLOW, "%g", dbl[i].in);
                        continue;
                }
                cr_assert_eq(rc, SL_OK, "%g", dbl[i].in);
                cr_expect_str_eq(fmt(r), dbl[i].out, "%g", dbl[i].in);
        }
        sl_decimal r;
        cr_expect_eq(sl_decimal_from_double(0.0 / 0.0, 5, 2, &r, NULL), SL_ERR_OVERFLOW);
        cr_expect_eq(sl_decimal_from_i64(10, 2, 1, &r, NULL), SL_ERR_OVERFLOW);
        cr_assert_eq(sl_decimal_from_i64(-9, 2, 1, &r, NULL), SL_OK);
        cr_expect_str_eq(fmt(r), "-9.0");
        cr_assert_eq(sl_decimal_from_i64(INT64_MIN, 19, 0, &r, NULL), SL_OK);
        cr_expect_str_eq(fmt(r), "-9223372036854775808");
        cr_expect_eq(sl_decimal_to_double(dec("10.01", 4, 2)), 10.01);
        cr_expect_eq(sl_decimal_to_i64_wrap(dec("-10.99", 4, 2)), -10);
        /* BigDecimal.longValue keeps the low 64 bits */
        cr_expect_eq(sl_decimal_to_i64_wrap(dec("18446744073709551617.5", 38, 1)), 1);
        cr_expect(sl_decimal_fits(sl_decimal_pow10(38) - 1, 38));
        cr_expect(!sl_decimal_fits(sl_decimal_pow10(38), 38));
        cr_expect(!sl_decimal_fits(-sl_decimal_pow10(5), 5));
}

Test(types_decimal, two_complement_bytes_round_trip)
{
        static const struct {
                const char *in;
                const char *hex;
        } cases[] = {
                {"0", "00"},     {"1", "01"},       {"-1", "FF"},     {"127", "7F"},   {"128", "0080"},
                {"-128", "80"},  {"-129", "FF7F"},  {"2.55", "00FF"}, {"-2.56", "FF00"},
                {"99999999999999999999999999999999999999", "4B3B4CA85A86C47A098A223FFFFFFFFF"},
                {"-99999999999999999999999999999999999999", "B4C4B357A5793B85F675DDC000000001"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_decimal d, back;
                cr_assert_eq(sl_decimal_parse(cases[i].in, strlen(cases[i].in), &d, NULL), SL_OK);
                uint8_t b[16];
                size_t n = sl_decimal_to_be_bytes(d, b);
                char hex[40] = "";
                for (size_t k = 0; k < n; k++)
                        sprintf(hex + 2 * k, "%02X", b[k]);
                cr_expect_str_eq(hex, cases[i].hex, "%s", cases[i].in);
                cr_assert_eq(sl_decimal_from_be_bytes(b, n, d.precision, d.scale, &back, NULL), SL_OK);
                cr_expect(back.unscaled == d.unscaled, "%s", cases[i].in);
        }
        sl_decimal d;
        static const uint8_t padded[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                         0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE};
        cr_assert_eq(sl_decimal_from_be_bytes(padded, sizeof padded, 3, 0, &d, NULL), SL_OK);
        cr_expect(d.unscaled == -2);
        static const uint8_t wide[17] = {0x01};
        cr_expect_eq(sl_decimal_from_be_bytes(wide, 17, 38, 0, &d, NULL), SL_ERR_CORRUPT);
        cr_expect_eq(sl_decimal_from_be_bytes(wide, 0, 38, 0, &d, NULL), SL_ERR_CORRUPT);
        static const uint8_t big[] = {0x03, 0xE8};  /* 1000 */
        cr_expect_eq(sl_decimal_from_be_bytes(big, 2, 3, 0, &d, NULL), SL_ERR_OVERFLOW);
}
