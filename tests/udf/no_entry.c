/* no_entry.c: test plugin with a magic block but no sl_udf_entry: refused as missing its entry point. */
#include <sluice/udf.h>

SL_UDF_PLUGIN("no_entry", "1")
