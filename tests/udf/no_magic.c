/* no_magic.c: test plugin without SL_UDF_PLUGIN: refused for lacking the magic block. */
#include <sluice/udf.h>

int sl_udf_entry(const sl_udf_host *host, char *errbuf, size_t errlen)
{
        (void)host, (void)errbuf, (void)errlen;
        return 0;
}
