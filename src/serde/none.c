/* none.c: the NONE format, ksqlDB's "do not deserialize": a key format for streams without key
 * columns. Reading ignores whatever bytes there are and yields a null record; writing always
 * produces an absent key. It allows no columns. */
#include "serde/serde_int.h"

static sl_err none_check(sl_serde *serde, sl_err_detail *err)
{
        if (serde->ncolumns)
                return sl_err_set(err, SL_ERR_INVALID,
                                  "The 'NONE' format can only be used when no columns are defined");
        return SL_OK;
}

static sl_err none_decode(const sl_serde *serde, sl_slice in, sl_arena *arena, sl_serde_scratch *scratch,
                          sl_value *row, bool *row_null, sl_err_detail *err)
{
        (void)serde, (void)in, (void)arena, (void)scratch, (void)row, (void)err;
        *row_null = true;
        return SL_OK;
}

static sl_err none_encode(const sl_serde *serde, const sl_value *row, sl_buf *out, bool *out_null,
                          sl_err_detail *err)
{
        (void)serde, (void)row, (void)out, (void)err;
        *out_null = true;
        return SL_OK;
}

const sl_serde_ops sl_serde_none_ops = {
        .check = none_check,
        .decode = none_decode,
        .encode = none_encode,
};
