/* test_conversion.c: ENCODE between hex/utf8/ascii/base64 (QTT cases: 0x and X'..' hex forms, odd
 * digit counts, replacement characters), TO_BYTES/FROM_BYTES round trips, unknown encodings, and
 * INT/BIGINT/DOUBLE_FROM_BYTES in both byte orders with wrong lengths. */
#include "func_test.h"

TestSuite(func_conversion, .init = fc_setup, .fini = fc_teardown);

Test(func_conversion, encode)
{
        fcase cases[] = {
                FC("encode", "Example!", S("4578616d706C6521"), S("hex"), S("ascii")),
                FC("encode", "RXhhbXBsZSE=", S("4578616d706C6521"), S("hex"), S("base64")),
                FC("encode", "\xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1", S("ce95cebbcebbceacceb4ceb1"), S("hex"),
                   S("utf8")),
                FC("encode", "\xef\xbf\xbd\xef\xbf\xbd" "bermensch", S("c39c6265726d656e736368"), S("hex"), S("ascii")),
                FC("encode", "Example!", S("0x4578616d706C6521"), S("hex"), S("utf8")),
                FC("encode", "Example!", S("X'4578616d706C6521'"), S("hex"), S("utf8")),
                FC("encode", "Example!", S("x'4578616d706C6521'"), S("hex"), S("utf8")),
                FC("encode", "", S("0x"), S("hex"), S("utf8")),
                FC("encode", "", S("X''"), S("hex"), S("base64")),
                FC("encode", "null", S("0x0x"), S("hex"), S("utf8")),
                FC("encode", "null", S("X'"), S("hex"), S("utf8")),
                FC("encode", "null", S("x'4578616d706C6521"), S("hex"), S("utf8")),
                FC("encode", "null", S("x'578616d706C6521'"), S("hex"), S("utf8")),
                FC("encode", "\x05xample!", S("0x578616d706C6521"), S("hex"), S("utf8")),
                FC("encode", "null", S("578616d706C6521"), S("hex"), S("utf8")),
                FC("encode", "4578616d706c6521", S("Example!"), S("ascii"), S("hex")),
                FC("encode", "3f3f3f3f3f3f", S("\xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1"), S("ascii"), S("hex")),
                FC("encode", "Pz8/Pz8/", S("\xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1"), S("ascii"), S("base64")),
                FC("encode", "4578616d706c6521", S("RXhhbXBsZSE="), S("base64"), S("hex")),
                FC("encode", "ce95cebbcebbceacceb4ceb1", S("zpXOu867zqzOtM6x"), S("base64"), S("hex")),
                FC("encode", "null", S("RXhhbXBsZSE="), S("base64"), S("null")),
                FC("encode", "null", S("RXhhbXBsZSE="), S("null"), S("utf8")),
                FC("encode", "null", TN(T_STR()), S("hex"), S("utf8")),
                FC("encode", "null", S("@@@"), S("base64"), S("utf8")),
        };
        FC_RUN(cases);
}

Test(func_conversion, to_and_from_bytes)
{
        fcase cases[] = {
                FC("from_bytes", "21", B("!"), S("hex")),
                FC("from_bytes", "1AB2", B("\x1a\xb2"), S("hex")),
                FC("from_bytes", "!", B("!"), S("ascii")),
                FC("from_bytes", "IQ==", B("!"), S("base64")),
                FC("from_bytes", "\xef\xbf\xbd", B("\xff"), S("utf8")),
                FC("from_bytes", "null", TN(sl_type_bytes()), S("hex")),
        };
        FC_RUN(cases);
        /* round trips: FROM_BYTES(TO_BYTES(s, enc), enc) */
        const char *texts[][2] = {{"1aB2", "hex"}, {"IQ==", "base64"}, {"#", "ascii"}, {"h\xc3\xa9", "utf8"}};
        const char *want[] = {"1AB2", "IQ==", "#", "h\xc3\xa9"};
        for (size_t i = 0; i < 4; i++) {
                sl_value a[] = {S(texts[i][0]), S(texts[i][1])};
                sl_value b = fc_call("to_bytes", a, 2);
                cr_assert_eq(b.kind, SL_TYPE_BYTES);
                sl_value c[] = {b, S(texts[i][1])};
                sl_value back = fc_call("from_bytes", c, 2);
                cr_expect_str_eq(fc_render(&back), want[i]);
        }
        sl_value hx[] = {S("4578"), S("HEX")};
        sl_value b = fc_call("to_bytes", hx, 2);
        cr_expect(b.len == 2 && b.u.bytes[0] == 0x45 && b.u.bytes[1] == 0x78);
        sl_value bad[] = {S("zz"), S("hex")};
        cr_expect_eq(fc_call("to_bytes", bad, 2).kind, SL_TYPE_NULL);
        sl_err_detail err;
        sl_value unknown[] = {S("x"), S("ebcdic")};
        cr_expect_eq(fc_call_err("to_bytes", unknown, 2, &err), SL_ERR_FUNCTION);
        sl_value unknown2[] = {B("x"), S("ebcdic")};
        cr_expect_eq(fc_call_err("from_bytes", unknown2, 2, &err), SL_ERR_FUNCTION);
}

Test(func_conversion, numbers_from_bytes)
{
        fcase cases[] = {
                FC("int_from_bytes", "2021", sl_value_bytes("\x00\x00\x07\xe5", 4)),
                FC("int_from_bytes", "2021", sl_value_bytes("\xe5\x07\x00\x00", 4), S("LITTLE_ENDIAN")),
                FC("int_from_bytes", "-1", sl_value_bytes("\xff\xff\xff\xff", 4), S("BIG_ENDIAN")),
                FC("bigint_from_bytes", "5000000000", sl_value_bytes("\x00\x00\x00\x01\x2a\x05\xf2\x00", 8)),
                FC("bigint_from_bytes", "5000000000", sl_value_bytes("\x00\xf2\x05\x2a\x01\x00\x00\x00", 8),
                   S("little_endian")),
                FC("double_from_bytes", "532.8738323", sl_value_bytes("\x40\x80\xa6\xfd\x9b\xc9\xf5\x82", 8)),
                FC("double_from_bytes", "532.8738323", sl_value_bytes("\x82\xf5\xc9\x9b\xfd\xa6\x80\x40", 8),
                   S("LITTLE_ENDIAN")),
                FC("int_from_bytes", "null", TN(sl_type_bytes())),
        };
        FC_RUN(cases);
        sl_err_detail err;
        sl_value shortb[] = {sl_value_bytes("\x01\x02", 2)};
        cr_expect_eq(fc_call_err("int_from_bytes", shortb, 1, &err), SL_ERR_FUNCTION);
        cr_expect(strstr(err.message, "equal to 4") != NULL);
        sl_value order[] = {sl_value_bytes("\x01\x02\x03\x04", 4), S("MIDDLE_ENDIAN")};
        cr_expect_eq(fc_call_err("int_from_bytes", order, 2, &err), SL_ERR_FUNCTION);
}
