/* fs.h: file-system helpers the modules that keep files on disk share (state stores, the broker). */
#ifndef SL_COMMON_FS_H
#define SL_COMMON_FS_H

#include "common/err.h"

/* mkdir -p: creates `path` and its missing parents (mode 0755); an existing directory is fine.
 * SL_ERR_IO "cannot create <what> <dir>: <strerror>" names the first one that failed; `what` is
 * the word the message calls it by ("directory", "state directory"), NULL for none. */
sl_err sl_fs_mkdirs(const char *path, const char *what, sl_err_detail *err);

#endif
