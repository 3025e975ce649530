/* dup_builtin.c: test plugin registering a valid function and then ABS, a built-in: the whole
 * plugin is refused (neither function appears). */
#include <sluice/udf.h>

SL_UDF_PLUGIN("dup_builtin", "1")

static int ident(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs, const sl_udf_value **result)
{
        (void)call, (void)nargs;
        *result = args[0];
        return SL_UDF_OK;
}

static const sl_udf_overload ov[] = {
        {.size = sizeof(sl_udf_overload), .params = "DOUBLE x", .returns = "DOUBLE", .invoke = ident}};

int sl_udf_entry(const sl_udf_host *host, char *errbuf, size_t errlen)
{
        sl_udf_function ok = {.size = sizeof ok, .name = "DUP_BUILTIN_OK", .kind = SL_UDF_SCALAR, .overloads = ov,
                              .noverloads = 1};
        sl_udf_function abs = {.size = sizeof abs, .name = "abs", .kind = SL_UDF_SCALAR, .overloads = ov,
                               .noverloads = 1};
        if (host->register_function(&ok, errbuf, errlen) || host->register_function(&abs, errbuf, errlen))
                return 1;
        return 0;
}
