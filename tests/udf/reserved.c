/* reserved.c: test plugin naming its function EXPLODE, a built-in table function the SQL layer
 * knows even though the registry does not hold it: refused like any clash with a built-in. */
#include <sluice/udf.h>

SL_UDF_PLUGIN("reserved", "1")

static int none(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs, const sl_udf_value **result)
{
        (void)call, (void)args, (void)nargs, (void)result;
        return SL_UDF_OK;
}

static const sl_udf_overload ov[] = {
        {.size = sizeof(sl_udf_overload), .params = "ARRAY<T> a", .returns = "T", .invoke = none}};

int sl_udf_entry(const sl_udf_host *host, char *errbuf, size_t errlen)
{
        sl_udf_function fn = {.size = sizeof fn, .name = "Explode", .kind = SL_UDF_TABLE, .overloads = ov,
                              .noverloads = 1};
        return host->register_function(&fn, errbuf, errlen);
}
