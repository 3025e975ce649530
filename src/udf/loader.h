/* loader.h: loads UDF plugins (shared objects built against include/sluice/udf.h) into a function
 * registry. One sl_udf_loader per registry: it owns the dlopen handles and the adapters that the
 * registry's overloads point to, so it must be freed after the registry is no longer used.
 *
 * Typical use in the server, after the built-ins are registered:
 *     sl_udf_loader *udf = sl_udf_loader_new(reg);
 *     sl_udf_loader_set_config(udf, cfg);                 ksql.functions.* passthrough
 *     sl_udf_report rep;
 *     sl_udf_loader_load_dir(udf, dir, &rep, &err);   one log line per loaded or refused plugin
 *     ... serve ...
 *     sl_func_registry_free(reg);
 *     sl_udf_loader_free(udf);
 *
 * Aggregates: the registry's agg callbacks receive no udata, so the trampolines find the plugin's
 * overload through ctx->res->ov->udata: callers of sl_func_agg_ops must set ctx->res.
 *
 * Threads: loading runs on one thread before queries start (the registry is written). The calls
 * into plugins afterwards follow the registry's rules (concurrent calls with distinct ctx). */
#ifndef SL_UDF_LOADER_H
#define SL_UDF_LOADER_H

#include <stddef.h>

#include "common/config.h"
#include "common/err.h"
#include "func/registry.h"

typedef struct sl_udf_loader sl_udf_loader;

/* Counts of one load_dir run. */
typedef struct sl_udf_report {
        size_t loaded;     /* plugins accepted */
        size_t refused;    /* plugins refused (each logged with path and reason) */
        size_t functions;  /* functions added to the registry */
} sl_udf_report;

/* A loader adding to `reg` (borrowed; must outlive the loader's use, and the loader must outlive
 * every use of what it registered). */
sl_udf_loader *sl_udf_loader_new(sl_func_registry *reg);
/* Unloads every plugin (dlclose) and frees the adapters. Call only once the registry is freed or
 * will not be used again. _free(NULL) does nothing. */
void sl_udf_loader_free(sl_udf_loader *loader);

/* Lets plugins read `ksql.functions.<name>.*` and `ksql.functions._global_.*` settings from `cfg`
 * (borrowed; read only while loading) through host->config_get. */
void sl_udf_loader_set_config(sl_udf_loader *loader, const sl_config *cfg);

/* Loads one plugin. All or nothing: on any failure nothing is registered, the object is unloaded,
 * one WARN line "refused plugin <path>: <reason>" is logged and the reason is in err. Errors:
 * SL_ERR_IO (cannot dlopen), SL_ERR_NOT_FOUND (no magic block / no sl_udf_entry),
 * SL_ERR_UNSUPPORTED (ABI version: the message names abi_major or abi_minor), SL_ERR_EXISTS (a
 * function name already taken by a built-in or another plugin), SL_ERR_INVALID (bad registration,
 * a bad signature, sl_udf_entry failed). On success adds the count of functions to *nfuncs (may be
 * NULL) and logs one INFO line. */
sl_err sl_udf_loader_load_file(sl_udf_loader *loader, const char *path, size_t *nfuncs, sl_err_detail *err);

/* Loads every `*.so` directly in `dir`, in name order; a refused plugin is counted and skipped.
 * A missing directory loads nothing and is SL_OK (one INFO line); an unreadable one is SL_ERR_IO.
 * `report` (may be NULL) receives the counts. */
sl_err sl_udf_loader_load_dir(sl_udf_loader *loader, const char *dir, sl_udf_report *report, sl_err_detail *err);

/* The plugin file a function came from, or NULL (built-in or unknown). */
const char *sl_udf_loader_origin(const sl_udf_loader *loader, const char *func_name);

#endif
