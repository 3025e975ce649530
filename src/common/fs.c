/* fs.c: file-system helpers (mkdir -p). */
#include "common/fs.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common/mem.h"

sl_err sl_fs_mkdirs(const char *path, const char *what, sl_err_detail *err)
{
        char *p = sl_strdup(path);
        sl_err rc = SL_OK;
        for (char *s = p + 1;; s++) {
                if (*s != '/' && *s != '\0')
                        continue;
                char c = *s;
                *s = '\0';
                if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                        rc = sl_err_set(err, SL_ERR_IO, "cannot create %s%s%s: %s", what ? what : "", what ? " " : "", p,
                                        strerror(errno));
                        goto fail;
                }
                *s = c;
                if (c == '\0')
                        break;
        }
fail:
        sl_free(p);
        return rc;
}
