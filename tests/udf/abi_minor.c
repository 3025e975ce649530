/* abi_minor.c: test plugin built against a newer minor ABI than the server's: refused naming abi_minor. */
#include <sluice/udf.h>

SL_UDF_EXPORT const sl_udf_magic *sl_udf_plugin_magic(void);
const sl_udf_magic *sl_udf_plugin_magic(void)
{
        static const sl_udf_magic magic = {sizeof(sl_udf_magic), SL_UDF_ABI_MAJOR, SL_UDF_ABI_MINOR + 1, "abi_minor",
                                           "1"};
        return &magic;
}

int sl_udf_entry(const sl_udf_host *host, char *errbuf, size_t errlen)
{
        (void)host, (void)errbuf, (void)errlen;
        return 0;
}
