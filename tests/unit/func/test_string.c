/* test_string.c: the STRING family through the registry: ksqlDB's documented examples and the
 * QTT cases (concat, substring, instr, lpad/rpad, split, split_to_map, mask, chr, md5, elt/field),
 * NULL arguments and bad arguments that give NULL. */
#include "func_test.h"

TestSuite(func_string, .init = fc_setup, .fini = fc_teardown);

Test(func_string, concat_and_concat_ws)
{
        fcase cases[] = {
                FC("concat", "foobar", S("foo"), S("bar")),
                FC("CONCAT", "ab", S("a"), NUL(), S("b")),
                FC("concat", "", TN(T_STR()), TN(T_STR())),
                FC("concat", "x", S("x")),
                FC("concat_ws", "fooSEPbarSEPbazSEPliteral", S("SEP"), S("foo"), S("bar"), S("baz"), NUL(), S("literal")),
                FC("concat_ws", "literal", S("SEP"), TN(T_STR()), TN(T_STR()), S("literal")),
                FC("concat_ws", "null", TN(T_STR()), S("foo"), S("bar")),
        };
        FC_RUN(cases);
        sl_value bs[] = {B("b"), B("yes"), B("no")};
        sl_value out = fc_call("concat", bs, 3);
        cr_expect_eq(out.kind, SL_TYPE_BYTES);
        cr_expect(out.len == 6 && memcmp(out.u.bytes, "byesno", 6) == 0);
        sl_value ws[] = {B("a"), B("b"), B("yes"), TN(sl_type_bytes()), B("no")};
        out = fc_call("concat_ws", ws, 5);
        cr_expect(out.len == 8 && memcmp(out.u.bytes, "bayesano", 8) == 0);
}

Test(func_string, substring)
{
        fcase cases[] = {
                FC("substring", "string", S("some_string"), I(6)),
                FC("substring", "er", S("another"), I(6)),
                FC("substring", "", S("short"), I(6)),
                FC("substring", "str", S("some_string"), I(6), I(3)),
                FC("substring", "so", S("some string"), I(0), I(2)),
                FC("substring", "ing", S("some_string"), I(-3)),
                FC("substring", "st", S("some_string"), I(-6), I(2)),
                FC("substring", "ower", S("lower"), I(2), I(5)),
                FC("substring", "", S("s"), I(2), I(5)),
                FC("substring", "", S("abc"), I(2), I(-1)),
                FC("substring", "null", S("abc"), TN(T_INT())),
                FC("substring", "null", TN(T_STR()), I(1)),
                FC("substring", "null", S("abc"), I(1), TN(T_INT())),
                FC("substring", "éè", S("aéèb"), I(2), I(2)),
        };
        FC_RUN(cases);
        sl_value args[] = {B("some_string"), I(6), I(3)};
        sl_value out = fc_call("substring", args, 3);
        cr_expect_eq(out.kind, SL_TYPE_BYTES);
        cr_expect(out.len == 3 && memcmp(out.u.bytes, "str", 3) == 0);
}

Test(func_string, len_case_trim_initcap)
{
        fcase cases[] = {
                FC("len", "3", S("ABC")),
                FC("len", "0", S("")),
                FC("len", "null", TN(T_STR())),
                FC("len", "2", S("éa")),
                FC("len", "3", B("abc")),
                FC("lcase", "mixed", S("MiXeD")),
                FC("ucase", " \t WITH WHITE SPACE \t", S(" \t with white space \t")),
                FC("trim", "with white space", S(" \t with white space \t")),
                FC("ltrim", "a ", S("  a ")),
                FC("rtrim", "  a", S("  a ")),
                FC("trim", "", S("   ")),
                FC("initcap", "Some_string", S("some_string")),
                FC("initcap", "The   Quick Br0wn Fox", S("the   Quick br0wn fOx")),
                FC("initcap", "null", TN(T_STR())),
                FC("ucase", "\xc3\x89T\xc3\x89 \xce\xa3\xce\x9f\xce\xa6\xce\x99\xce\x91 \xd0\x9c\xd0\x98\xd0\xa0", S("\xc3\xa9t\xc3\xa9 \xcf\x83\xce\xbf\xcf\x86\xce\xb9\xce\xb1 \xd0\xbc\xd0\xb8\xd1\x80")),
                FC("lcase", "\xc3\xa9t\xc3\xa9 \xc5\x82\xc3\xb3" "d\xc5\xba", S("\xc3\x89T\xc3\x89 \xc5\x81\xc3\x93" "D\xc5\xb9")),
                FC("initcap", "\xc3\x89" "cole Normale", S("\xc3\xa9" "COLE normale")),
                FC("ucase", "A\xff", sl_value_string("a\xff", 2)),
        };
        FC_RUN(cases);
}

Test(func_string, instr)
{
        fcase cases[] = {
                FC("instr", "2", S("corporate floor"), S("or")),
                FC("instr", "15", S("should I stay or should I go"), S("or")),
                FC("instr", "3", S("short"), S("or")),
                FC("instr", "0", S("no substring"), S("or")),
                FC("instr", "5", S("corporate floor"), S("or"), I(4)),
                FC("instr", "0", S("short"), S("or"), I(4)),
                FC("instr", "14", S("corporate floor"), S("or"), I(4), I(2)),
                FC("instr", "5", S("corporate floor"), S("or"), I(-4)),
                FC("instr", "2", S("corporate floor"), S("or"), I(-4), I(2)),
                FC("instr", "0", S("short"), S("or"), I(-4), I(2)),
                FC("instr", "null", TN(T_STR()), S("or")),
        };
        FC_RUN(cases);
}

Test(func_string, lpad_rpad)
{
        fcase cases[] = {
                FC("lpad", "BarBfoo", S("foo"), I(7), S("Bar")),
                FC("lpad", "Bafoo", S("foo"), I(5), S("Bar")),
                FC("lpad", "fo", S("foo"), I(2), S("Bar")),
                FC("lpad", "null", S("foo"), I(-1), S("Bar")),
                FC("lpad", "null", S("foo"), I(5), TN(T_STR())),
                FC("lpad", "null", S("foo"), I(7), S("")),
                FC("lpad", "BarBarB", S(""), I(7), S("Bar")),
                FC("rpad", "fooBarB", S("foo"), I(7), S("Bar")),
                FC("rpad", "fooBa", S("foo"), I(5), S("Bar")),
                FC("rpad", "fo", S("foo"), I(2), S("Bar")),
                FC("rpad", "null", TN(T_STR()), I(-5), S("Bar")),
        };
        FC_RUN(cases);
        sl_value args[] = {B("yes"), I(8), B("no")};
        sl_value out = fc_call("lpad", args, 3);
        cr_expect(out.kind == SL_TYPE_BYTES && out.len == 8 && memcmp(out.u.bytes, "nonon" "yes", 8) == 0);
        args[1] = I(0);
        out = fc_call("rpad", args, 3);
        cr_expect(out.kind == SL_TYPE_BYTES && out.len == 0);
}

Test(func_string, replace_split_split_to_map)
{
        fcase cases[] = {
                FC("replace", "onocondo", S("anaconda"), S("a"), S("o")),
                FC("replace", "popcorn", S("popcorn"), S("a"), S("o")),
                FC("replace", "null", S("anaconda"), TN(T_STR()), S("o")),
                FC("replace", "-a-b-", S("ab"), S(""), S("-")),
                FC("split", "[a, b, c]", S("a.b.c"), S(".")),
                FC("split", "[, abc, ]", S(".abc."), S(".")),
                FC("split", "[, , a, , ]", S("..a.."), S(".")),
                FC("split", "[a, b.c]", S("a$$b.c"), S("$$")),
                FC("split", "[a, ., b]", S("a.b"), S("")),
                FC("split", "[]", S(""), S(".")),
                FC("split", "null", TN(T_STR()), S(".")),
                FC("split_to_map", "{apple=green, banana=yellow, cherry=red}", S("apple:green/banana:yellow/cherry:red"),
                   S("/"), S(":")),
                FC("split_to_map", "{apple=green/banana}", S("apple:green/banana:yellow/cherry:red"), S("&&"), S(":")),
                FC("split_to_map", "{apple=green, banana=yellow, cherry=red}",
                   S("apple:green//banana:yellow//cherry:red/"), S("/"), S(":")),
                FC("split_to_map", "{}", S("apple:green/banana:yellow"), S("/"), S("=")),
                FC("split_to_map", "null", S("a:b"), S(""), S(":")),
                FC("split_to_map", "null", S("a:b"), S("/"), S("")),
                FC("split_to_map", "{}", S(""), S("/"), S(":")),
                FC("split_to_map", "{a=3, b=2}", S("a:1/b:2/a:3"), S("/"), S(":")),
        };
        FC_RUN(cases);
        /* SPLIT('') gives one empty element */
        sl_value args[] = {S(""), S(".")};
        sl_value out = fc_call("split", args, 2);
        cr_expect_eq(out.len, 1);
        cr_expect_eq(out.u.comp.items[0].len, 0);
}

Test(func_string, mask_family)
{
        fcase cases[] = {
                FC("mask", "Xxxxx-nnn", S("Hello-123")),
                FC("mask", "*#*###@", S("AbCd#$1"), S("*"), S("#"), S("@"), S("#")),
                FC("mask", "Hxxxx-nnn", S("Hello-123"), TN(T_STR()), S("x"), S("n"), S("-")),
                FC("mask", "null", TN(T_STR())),
                FC("mask_left", "Xxxxx-123", S("Hello-123"), I(5)),
                FC("mask_left", "Xxxxx-nnn", S("Hello-123"), I(50)),
                FC("mask_right", "Hello-nnn", S("Hello-123"), I(3)),
                FC("mask_keep_left", "Hexxx-nnn", S("Hello-123"), I(2)),
                FC("mask_keep_right", "Xxxxx-n23", S("Hello-123"), I(2)),
                FC("mask_right", "Hello-123", S("Hello-123"), I(0)),
                FC("mask_left", "null", S("Hello-123"), TN(T_INT())),
        };
        FC_RUN(cases);
        sl_err_detail err;
        sl_value huge[] = {S("a"), I(INT32_MAX), S("b")};
        cr_expect_eq(fc_call_err("lpad", huge, 3, &err), SL_ERR_LIMIT);
        sl_value args[] = {S("abc"), I(-1)};
        cr_expect_eq(fc_call_err("mask_left", args, 2, &err), SL_ERR_FUNCTION);
}

Test(func_string, chr_uuid_md5_elt_field)
{
        fcase cases[] = {
                FC("chr", "K", I(75)),
                FC("chr", "\xe5\xa5\xbd", I(22909)),
                FC("chr", "\xf0\x98\x8a\xb8", I(99000)),
                FC("chr", "null", I(-1)),
                FC("chr", "K", S("\\u004b")),
                FC("chr", "\xf0\x98\x8a\xb8", S("\\ud820\\udeb8")),
                FC("chr", "null", S("75")),
                FC("chr", "null", S("004b")),
                FC("chr", "null", S("bogus")),
                FC("chr", "null", S("")),
                FC("md5", "7c92cf1eee8d99cc85f8355a3d6e4b86", S("r1")),
                FC("md5", "d41d8cd98f00b204e9800998ecf8427e", S("")),
                FC("md5", "23b58def11b45727d3351702515f86af", S("  ")),
                FC("md5", "9e107d9d372bb6826bd81d3542a419d6", S("The quick brown fox jumps over the lazy dog")),
                FC("elt", "something", I(2), S("ignored"), S("something")),
                FC("elt", "null", I(3), S("a"), S("b")),
                FC("elt", "null", I(0), S("a")),
                FC("field", "1", S("hello"), S("hello"), S("world")),
                FC("field", "2", S("hello"), S("world"), S("hello")),
                FC("field", "0", S("hello"), TN(T_STR()), TN(T_STR())),
                FC("field", "0", TN(T_STR()), S("a")),
        };
        FC_RUN(cases);
        sl_value u1 = fc_call("uuid", NULL, 0), u2 = fc_call("uuid", NULL, 0);
        cr_expect_eq(u1.len, 36);
        cr_expect_eq(u1.u.bytes[14], '4');
        cr_expect(memcmp(u1.u.bytes, u2.u.bytes, 36) != 0);
}
