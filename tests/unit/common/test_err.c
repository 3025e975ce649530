/* test_err.c: the error table and sl_err_detail. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/err.h"

Test(common_err, names_and_messages_come_from_the_table)
{
        cr_assert_str_eq(sl_err_name(SL_OK), "SL_OK");
        cr_assert_str_eq(sl_err_name(SL_ERR_PARSE), "SL_ERR_PARSE");
        cr_assert_str_eq(sl_err_message(SL_ERR_PARSE), "syntax error");
        cr_assert_str_eq(sl_err_name((sl_err)9999), "SL_ERR_UNKNOWN");
}

Test(common_err, set_fills_message_and_position)
{
        sl_err_detail det;
        sl_pos pos = {.line = 3, .column = 7, .offset = 40};
        cr_assert_eq(sl_err_set_at(&det, SL_ERR_ANALYZE, pos, "unknown column '%s'", "PRICE"), SL_ERR_ANALYZE);
        cr_assert_str_eq(det.message, "unknown column 'PRICE'");
        cr_assert_eq(det.pos.line, 3);
        cr_assert_eq(det.pos.column, 7);
        sl_err_set_hint(&det, "Did you mean %s?", "PRICES");
        cr_assert_str_eq(det.hint, "Did you mean PRICES?");
        sl_err_clear(&det);
        cr_assert_eq(det.code, SL_OK);
        cr_assert_str_eq(det.message, "");
        cr_assert_eq(sl_err_set(NULL, SL_ERR_IO, "x"), SL_ERR_IO);
}
