/* err.h: error values. A function that can fail returns sl_err (SL_OK is 0) and, when there is
 * more to say, fills a caller-owned sl_err_detail with a message, detail, hint and position. */
#ifndef SL_COMMON_ERR_H
#define SL_COMMON_ERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum sl_err {
        SL_OK = 0,
#define X(name, msg) SL_ERR_##name,
#include "common/err_codes.def"
#undef X
        SL_ERR__COUNT
} sl_err;

/* Where in a statement or input an error is; 0 means unknown. Lines and columns count from 1. */
typedef struct sl_pos {
        int line;
        int column;
        size_t offset;  /* byte offset into the text */
} sl_pos;

/* Everything a caller may want to show about an error. Fixed buffers: filling one never allocates,
 * so it can be used on out-of-memory paths and needs no cleanup. */
typedef struct sl_err_detail {
        sl_err code;
        sl_pos pos;
        char message[512];  /* primary: short, lower case, no final period */
        char detail[512];   /* full sentence(s), or empty */
        char hint[256];     /* full sentence(s), or empty */
} sl_err_detail;

/* "SL_ERR_PARSE" style name of `code`; never NULL. */
const char *sl_err_name(sl_err code);
/* Default message of `code` ("syntax error"); never NULL. */
const char *sl_err_message(sl_err code);

/* Resets `det` to "no error". `det` may be NULL (then nothing happens). */
void sl_err_clear(sl_err_detail *det);
/* Sets code and printf-formatted message, clears detail, hint and position; returns `code` so that
 * `return sl_err_set(det, SL_ERR_TYPE, "...")` reads as one step. `det` may be NULL. */
sl_err sl_err_set(sl_err_detail *det, sl_err code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
sl_err sl_err_setv(sl_err_detail *det, sl_err code, const char *fmt, va_list ap);
/* Same as sl_err_set, with a position. */
sl_err sl_err_set_at(sl_err_detail *det, sl_err code, sl_pos pos, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* Fill the detail / hint sentence of an already set error. `det` may be NULL. */
void sl_err_set_detail(sl_err_detail *det, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sl_err_set_hint(sl_err_detail *det, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Defensive branches that should never be taken (SQLite's ALWAYS/NEVER): in debug builds they
 * assert, in release builds they evaluate to the condition so the branch still handles it. */
#ifdef NDEBUG
#define SL_ALWAYS(x) (x)
#define SL_NEVER(x) (x)
#else
#include <assert.h>
#define SL_ALWAYS(x) ((x) ? 1 : (assert(0 && #x), 0))
#define SL_NEVER(x) ((x) ? (assert(0 && !#x), 1) : 0)
#endif

#endif
