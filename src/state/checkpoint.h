/* checkpoint.h: the task's checkpoint file, `<task dir>/checkpoint`: for each changelog (named by
 * the caller, e.g. "<topic>-<partition>" or the store name) the offset up to which the local stores
 * hold its records. Written after sl_state_db_commit; read at start to restore only the tail.
 *
 * Crash safety: the file is written whole to `checkpoint.tmp`, fsynced, renamed over `checkpoint`,
 * and the directory fsynced. A crash leaves either the old or the new file; a torn temp file is
 * never read (and is removed by the next write). The file carries a CRC-32C: a damaged checkpoint
 * reads as SL_ERR_CORRUPT, and the caller should then restore the stores from the changelog start
 * (or wipe them).
 *
 * Layout: "SLCKPT01", u32 count, count x (u16 name length, name, i64 offset), u32 CRC-32C of all
 * that precedes; integers big-endian. */
#ifndef SL_STATE_CHECKPOINT_H
#define SL_STATE_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* One changelog's offset. */
typedef struct sl_state_checkpoint_entry {
        char *name;      /* changelog name (owned by the checkpoint when read) */
        int64_t offset;  /* offset of the next record to restore */
} sl_state_checkpoint_entry;

/* A checkpoint read back; embeddable, zero-initialised is empty. */
typedef struct sl_state_checkpoint {
        sl_state_checkpoint_entry *entries; /* owned */
        size_t n;                           /* number of entries */
} sl_state_checkpoint;

/* Atomically replaces the checkpoint of `task_dir` with entries[0..n) (names borrowed). Names are
 * at most 65535 bytes. SL_ERR_IO when a write, fsync or rename fails (the old file stays). */
sl_err sl_state_checkpoint_write(const char *task_dir, const sl_state_checkpoint_entry *entries, size_t n,
                                 sl_err_detail *err);
/* Reads the checkpoint of `task_dir` into `out` (which the caller deinits). A missing file is an
 * empty checkpoint (SL_OK, n = 0). SL_ERR_CORRUPT when the file is damaged (out is then empty). */
sl_err sl_state_checkpoint_read(const char *task_dir, sl_state_checkpoint *out, sl_err_detail *err);
/* The offset recorded for `name`, or -1 if none. */
int64_t sl_state_checkpoint_offset(const sl_state_checkpoint *cp, const char *name);
/* Frees the entries; the checkpoint is empty afterwards. */
void sl_state_checkpoint_deinit(sl_state_checkpoint *cp);
/* Removes the checkpoint file (e.g. before restoring a store from scratch). Missing is fine. */
sl_err sl_state_checkpoint_remove(const char *task_dir, sl_err_detail *err);

#endif
