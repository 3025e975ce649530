/* abi_major.c: test plugin built "against ABI 2.0": the loader must refuse it naming abi_major. */
#include <sluice/udf.h>

SL_UDF_EXPORT const sl_udf_magic *sl_udf_plugin_magic(void);
const sl_udf_magic *sl_udf_plugin_magic(void)
{
        static const sl_udf_magic magic = {sizeof(sl_udf_magic), SL_UDF_ABI_MAJOR + 1, 0, "abi_major", "1"};
        return &magic;
}

int sl_udf_entry(const sl_udf_host *host, char *errbuf, size_t errlen)
{
        (void)host, (void)errbuf, (void)errlen;
        return 0;
}
