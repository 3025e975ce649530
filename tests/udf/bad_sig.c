/* bad_sig.c: test plugin with a signature naming an unknown type: refused with the parser's message. */
#include <sluice/udf.h>

SL_UDF_PLUGIN("bad_sig", "1")

static int ident(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs, const sl_udf_value **result)
{
        (void)call, (void)nargs;
        *result = args[0];
        return SL_UDF_OK;
}

static const sl_udf_overload ov[] = {
        {.size = sizeof(sl_udf_overload), .params = "DOUBLE x, FLOAT y", .returns = "DOUBLE", .invoke = ident}};

int sl_udf_entry(const sl_udf_host *host, char *errbuf, size_t errlen)
{
        sl_udf_function fn = {.size = sizeof fn, .name = "BAD_SIG", .kind = SL_UDF_SCALAR, .overloads = ov,
                              .noverloads = 1};
        return host->register_function(&fn, errbuf, errlen);
}
