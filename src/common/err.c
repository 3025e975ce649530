/* err.c: names and messages of the codes in err_codes.def, and filling sl_err_detail. */
#include "common/err.h"

#include <stdio.h>
#include <string.h>

static const char *const code_names[] = {
        "SL_OK",
#define X(name, msg) "SL_ERR_" #name,
#include "common/err_codes.def"
#undef X
};

static const char *const code_messages[] = {
        "no error",
#define X(name, msg) msg,
#include "common/err_codes.def"
#undef X
};

const char *sl_err_name(sl_err code)
{
        if ((unsigned)code >= SL_ERR__COUNT)
                return "SL_ERR_UNKNOWN";
        return code_names[code];
}

const char *sl_err_message(sl_err code)
{
        if ((unsigned)code >= SL_ERR__COUNT)
                return "unknown error";
        return code_messages[code];
}

void sl_err_clear(sl_err_detail *det)
{
        if (!det)
                return;
        det->code = SL_OK;
        memset(&det->pos, 0, sizeof det->pos);
        det->message[0] = det->detail[0] = det->hint[0] = '\0';
}

sl_err sl_err_setv(sl_err_detail *det, sl_err code, const char *fmt, va_list ap)
{
        if (!det)
                return code;
        sl_err_clear(det);
        det->code = code;
        if (fmt)
                vsnprintf(det->message, sizeof det->message, fmt, ap);
        else
                snprintf(det->message, sizeof det->message, "%s", sl_err_message(code));
        return code;
}

sl_err sl_err_set(sl_err_detail *det, sl_err code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        sl_err_setv(det, code, fmt, ap);
        va_end(ap);
        return code;
}

sl_err sl_err_set_at(sl_err_detail *det, sl_err code, sl_pos pos, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        sl_err_setv(det, code, fmt, ap);
        va_end(ap);
        if (det)
                det->pos = pos;
        return code;
}

#define SET_FIELD(det, field, fmt)                                            \
        do {                                                                  \
                va_list ap;                                                   \
                if (!(det))                                                   \
                        return;                                               \
                va_start(ap, fmt);                                            \
                vsnprintf((det)->field, sizeof (det)->field, fmt, ap);        \
                va_end(ap);                                                   \
        } while (0)

void sl_err_set_detail(sl_err_detail *det, const char *fmt, ...)
{
        SET_FIELD(det, detail, fmt);
}

void sl_err_set_hint(sl_err_detail *det, const char *fmt, ...)
{
        SET_FIELD(det, hint, fmt);
}
