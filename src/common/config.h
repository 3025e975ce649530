/* config.h: ksqlDB-style configuration. A properties file (`key=value`, `key: value` or `key value`
 * lines, `#` and `!` comments, a trailing backslash continues a line) loaded with --config FILE,
 * then `--key=value` command-line overrides, read back through typed getters that apply a default
 * when the key is absent and name the key in every validation error. */
#ifndef SL_COMMON_CONFIG_H
#define SL_COMMON_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

typedef struct sl_config sl_config;

sl_config *sl_config_new(void);
/* Frees every key and value. NULL does nothing. */
void sl_config_free(sl_config *cfg);

/* Sets (or replaces) `key`. Both strings are copied. */
void sl_config_set(sl_config *cfg, const char *key, const char *value);
/* Parses properties text; later keys replace earlier ones. `origin` names the source in errors
 * ("sluice.properties"). Returns SL_OK or SL_ERR_PARSE (a line without a key). */
sl_err sl_config_parse_text(sl_config *cfg, const char *text, size_t len, const char *origin,
                            sl_err_detail *det);
/* Reads and parses a properties file. SL_ERR_IO when it cannot be read. */
sl_err sl_config_load_file(sl_config *cfg, const char *path, sl_err_detail *det);
/* Applies a command line: `--config FILE` / `--config=FILE` is loaded first, then every
 * `--key=value` overrides it, in order. Arguments for which `is_flag` returns true are skipped
 * (the caller's own switches, such as --broker-only); `is_flag` may be NULL. Anything else is
 * SL_ERR_INVALID naming the argument. */
sl_err sl_config_parse_args(sl_config *cfg, int argc, char **argv, bool (*is_flag)(const char *arg),
                            sl_err_detail *det);

/* Borrowed value of `key` or NULL; valid until the key is set again or the config is freed. */
const char *sl_config_get(const sl_config *cfg, const char *key);
/* Typed getters: `*out` = default when the key is absent. Errors (SL_ERR_INVALID) name the key and
 * the bad value. Integers accept an optional sign; _i64 checks [min, max]. */
sl_err sl_config_get_str(const sl_config *cfg, const char *key, const char *def, const char **out,
                         sl_err_detail *det);
sl_err sl_config_get_i64(const sl_config *cfg, const char *key, int64_t def, int64_t min, int64_t max,
                         int64_t *out, sl_err_detail *det);
sl_err sl_config_get_int(const sl_config *cfg, const char *key, int def, int min, int max, int *out,
                         sl_err_detail *det);
/* true/false (any case), also yes/no, on/off, 1/0. */
sl_err sl_config_get_bool(const sl_config *cfg, const char *key, bool def, bool *out, sl_err_detail *det);

/* Walks keys in insertion order: returns false past the end. */
bool sl_config_iter(const sl_config *cfg, size_t *pos, const char **key, const char **value);

#endif
