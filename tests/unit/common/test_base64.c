/* test_base64.c: the shared base64 decoding loop. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/base64.h"

Test(common_base64, decodes_rfc4648_vectors)
{
        static const struct {
                const char *in, *out;
        } cases[] = {
                {"", ""}, {"Zg", "f"}, {"Zm8", "fo"}, {"Zm9v", "foo"}, {"Zm9vYg", "foob"},
                {"Zm9vYmE", "fooba"}, {"Zm9vYmFy", "foobar"}, {"+/+/", "\xfb\xff\xbf"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                uint8_t dst[16];
                long n = sl_base64_decode_chars(cases[i].in, strlen(cases[i].in), dst);
                cr_assert_eq(n, (long)strlen(cases[i].out), "length of %s", cases[i].in);
                cr_assert(memcmp(dst, cases[i].out, (size_t)n) == 0, "bytes of %s", cases[i].in);
        }
}

Test(common_base64, rejects_characters_outside_the_alphabet)
{
        uint8_t dst[16];
        cr_assert_eq(sl_base64_decode_chars("Zm9v=", 5, dst), -1);
        cr_assert_eq(sl_base64_decode_chars("Zm-v", 4, dst), -1);
        cr_assert_eq(sl_base64_decode_chars("Zm9\0", 4, dst), -1);
}
