/* vague_ret.c: test plugin whose return type is a bare STRUCT, which names no one type: refused. */
#include <sluice/udf.h>

SL_UDF_PLUGIN("vague_ret", "1")

static int ident(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs, const sl_udf_value **result)
{
        (void)call, (void)nargs;
        *result = args[0];
        return SL_UDF_OK;
}

static const sl_udf_overload ov[] = {
        {.size = sizeof(sl_udf_overload), .params = "STRUCT s", .returns = "STRUCT", .invoke = ident}};

int sl_udf_entry(const sl_udf_host *host, char *errbuf, size_t errlen)
{
        sl_udf_function fn = {.size = sizeof fn, .name = "VAGUE_RET", .kind = SL_UDF_SCALAR, .overloads = ov,
                              .noverloads = 1};
        return host->register_function(&fn, errbuf, errlen);
}
