/* entry_fails.c: test plugin whose sl_udf_entry registers a function and then fails with a message:
 * refused, and the function it registered must not appear. */
#include <stdio.h>

#include <sluice/udf.h>

SL_UDF_PLUGIN("entry_fails", "1")

static int one(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs, const sl_udf_value **result)
{
        (void)call, (void)args, (void)nargs, (void)result;
        return SL_UDF_OK;
}

static const sl_udf_overload ov[] = {{.size = sizeof(sl_udf_overload), .params = "", .returns = "INT", .invoke = one}};

int sl_udf_entry(const sl_udf_host *host, char *errbuf, size_t errlen)
{
        sl_udf_function fn = {.size = sizeof fn, .name = "ENTRY_FAILS_FN", .kind = SL_UDF_SCALAR, .overloads = ov,
                              .noverloads = 1};
        if (host->register_function(&fn, errbuf, errlen))
                return 1;
        snprintf(errbuf, errlen, "missing licence file");
        return 1;
}
