/* dtfmt.c: java.time.format.DateTimeFormatter patterns, formatting and parsing, for the date and
 * time functions. A pattern is a sequence of letter runs (fields), quoted literals ('T', '' for a
 * quote), optional sections [ ] and other characters (literals).
 *
 * Fields: G era; y u year (yy: two digits); M L month (M, MM, MMM Jan, MMMM January); d day;
 * D day of year; E weekday (EEE Mon, EEEE Monday); a AM/PM; H k K h hours; m minutes; s seconds;
 * S fraction (as many digits as letters); n nano of second; A milli of day; Q quarter; z zone
 * abbreviation; Z X x O offsets; V zone id. Week-based fields (w W Y e c) are not supported.
 *
 * Parsing is case-insensitive and defaults missing fields as ksqlDB's parsers do (1970-01-01,
 * 00:00). A numeric field of one letter takes as many digits as are there; of two or more letters
 * exactly that many, except years of 3+ letters, which take all digits but those that directly
 * following fixed-width fields need (Java's adjacent value parsing, in short). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "func/func_int.h"

/* One pattern element. */
typedef struct dt_tok {
        char letter;      /* field letter, or 0 for a literal */
        int count;        /* letters in the run */
        const char *lit;  /* literal text (not NUL-terminated) */
        size_t litlen;    /* its length */
        int opt_end;      /* '[': index of the matching ']' token; -1 otherwise */
        bool close;       /* ']' */
} dt_tok;

#define MAX_TOKS 64

static const char *const month_names[] = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};
static const char *const day_names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

static sl_err tokenize(const char *pat, size_t plen, dt_tok *toks, int *ntoks, sl_err_detail *err)
{
        int n = 0, stack[16], depth = 0;
        bool in_quote = false;
        for (size_t i = 0; i < plen;) {
                if (n == MAX_TOKS)
                        return sl_err_set(err, SL_ERR_FUNCTION, "date/time pattern too long");
                dt_tok *t = &toks[n];
                memset(t, 0, sizeof *t);
                t->opt_end = -1;
                char c = pat[i];
                if (in_quote && c != '\'') {  /* quoted text up to the next quote */
                        size_t j = i;
                        while (j < plen && pat[j] != '\'')
                                j++;
                        t->lit = pat + i;
                        t->litlen = j - i;
                        i = j;
                } else if (isalpha((unsigned char)c)) {
                        size_t j = i;
                        while (j < plen && pat[j] == c)
                                j++;
                        t->letter = c;
                        t->count = (int)(j - i);
                        if (!strchr("GyuMLdDEaHkKhmsSnAQzZXxOV", c))
                                return sl_err_set(err, SL_ERR_FUNCTION, "Unknown pattern letter: %c", c);
                        i = j;
                } else if (c == '\'' && i + 1 < plen && pat[i + 1] == '\'') {  /* '' is a quote */
                        t->lit = pat + i;
                        t->litlen = 1;
                        i += 2;
                } else if (c == '\'') {
                        in_quote = !in_quote;
                        i++;
                        continue;
                } else if (c == '[') {
                        if (depth == 16)
                                return sl_err_set(err, SL_ERR_FUNCTION, "date/time pattern nests too deep");
                        stack[depth++] = n;
                        i++;
                } else if (c == ']') {
                        if (depth == 0)
                                return sl_err_set(err, SL_ERR_FUNCTION, "Pattern invalid as it contains ] without previous [");
                        toks[stack[--depth]].opt_end = n;
                        t->close = true;
                        i++;
                } else if (c == '{' || c == '}' || c == '#') {
                        return sl_err_set(err, SL_ERR_FUNCTION, "Pattern includes reserved character: '%c'", c);
                } else {
                        t->lit = pat + i;
                        t->litlen = 1;
                        i++;
                }
                n++;
        }
        if (in_quote)
                return sl_err_set(err, SL_ERR_FUNCTION, "Pattern ends with an incomplete string literal: %.*s",
                                  (int)plen, pat);
        /* an unclosed '[' runs to the end */
        while (depth > 0)
                toks[stack[--depth]].opt_end = n;
        *ntoks = n;
        return SL_OK;
}

/* ---- formatting ---- */

/* Appends v zero-padded to `width` digits (printf is the slow part of formatting otherwise). */
static void pad_num(sl_str *out, int64_t v, int width)
{
        char buf[24];
        int n = 0;
        uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        if (v < 0)
                sl_str_append_char(out, '-');
        do {
                buf[n++] = (char)('0' + u % 10);
                u /= 10;
        } while (u);
        for (int k = n; k < width; k++)
                sl_str_append_char(out, '0');
        while (n > 0)
                sl_str_append_char(out, buf[--n]);
}

static void fmt_offset(sl_str *out, int32_t off, bool colon, bool with_min, bool with_sec, bool z_for_zero)
{
        if (off == 0 && z_for_zero) {
                sl_str_append_char(out, 'Z');
                return;
        }
        int32_t a = off < 0 ? -off : off;
        sl_str_appendf(out, "%c%02d", off < 0 ? '-' : '+', a / 3600);
        if (with_min || a % 3600)
                sl_str_appendf(out, "%s%02d", colon ? ":" : "", a / 60 % 60);
        if (with_sec && a % 60)
                sl_str_appendf(out, "%s%02d", colon ? ":" : "", a % 60);
}

static int group_of(char letter)
{
        if (strchr("GyuMLdDEQ", letter))
                return SL_FUNC_DT_DATE;
        if (strchr("aHkKhmsSnA", letter))
                return SL_FUNC_DT_TIME;
        return SL_FUNC_DT_ZONE;
}

sl_err sl_func_dt_format(sl_str *out, const char *pat, size_t plen, int64_t local_ms, unsigned avail,
                         const sl_func_tz *tz, int32_t off, const char *abbr, sl_err_detail *err)
{
        dt_tok toks[MAX_TOKS];
        int n;
        sl_err rc = tokenize(pat, plen, toks, &n, err);
        if (rc)
                return rc;
        int64_t days = local_ms / 86400000 - (local_ms % 86400000 < 0);
        int64_t msd = local_ms - days * 86400000;
        int64_t year;
        int month, day;
        sl_value_civil_from_days(days, &year, &month, &day);
        int hour = (int)(msd / 3600000), minute = (int)(msd / 60000 % 60), second = (int)(msd / 1000 % 60);
        int milli = (int)(msd % 1000);
        int wday = (int)(((days % 7) + 10) % 7);  /* 0 = Monday; 1970-01-01 was a Thursday (3) */
        int64_t doy = days - sl_value_days_from_civil(year, 1, 1) + 1;
        for (int i = 0; i < n; i++) {
                const dt_tok *t = &toks[i];
                if (t->close || (t->opt_end >= 0 && !t->letter && !t->lit))
                        continue;
                if (!t->letter) {
                        if (t->lit)
                                sl_str_append_n(out, t->lit, t->litlen);
                        continue;
                }
                if (!(group_of(t->letter) & avail))
                        return sl_err_set(err, SL_ERR_FUNCTION, "Unsupported field for this type: pattern letter %c",
                                          t->letter);
                int c = t->count;
                switch (t->letter) {
                case 'G':
                        sl_str_append(out, c == 4 ? (year > 0 ? "Anno Domini" : "Before Christ") : (year > 0 ? "AD" : "BC"));
                        break;
                case 'y':
                case 'u': {
                        int64_t y = t->letter == 'y' && year <= 0 ? 1 - year : year;
                        if (c == 2)
                                pad_num(out, ((y % 100) + 100) % 100, 2);
                        else
                                pad_num(out, y, c);
                        break;
                }
                case 'M':
                case 'L':
                        if (c >= 5)
                                sl_str_append_char(out, month_names[month - 1][0]);
                        else if (c == 4)
                                sl_str_append(out, month_names[month - 1]);
                        else if (c == 3)
                                sl_str_append_n(out, month_names[month - 1], 3);
                        else
                                pad_num(out, month, c);
                        break;
                case 'd': pad_num(out, day, c); break;
                case 'D': pad_num(out, doy, c); break;
                case 'Q': pad_num(out, (month - 1) / 3 + 1, c); break;
                case 'E':
                        if (c >= 5)
                                sl_str_append_char(out, day_names[wday][0]);
                        else if (c == 4)
                                sl_str_append(out, day_names[wday]);
                        else
                                sl_str_append_n(out, day_names[wday], 3);
                        break;
                case 'a': sl_str_append(out, hour < 12 ? "AM" : "PM"); break;
                case 'H': pad_num(out, hour, c); break;
                case 'k': pad_num(out, hour == 0 ? 24 : hour, c); break;
                case 'K': pad_num(out, hour % 12, c); break;
                case 'h': pad_num(out, hour % 12 == 0 ? 12 : hour % 12, c); break;
                case 'm': pad_num(out, minute, c); break;
                case 's': pad_num(out, second, c); break;
                case 'S': {
                        char frac[16];
                        snprintf(frac, sizeof frac, "%03d000000", milli);
                        for (int k = 0; k < c; k++)
                                sl_str_append_char(out, k < 9 ? frac[k] : '0');
                        break;
                }
                case 'n': pad_num(out, (int64_t)milli * 1000000, c); break;
                case 'A': pad_num(out, msd, c); break;
                case 'z':
                        sl_str_append(out, abbr ? abbr : sl_func_tz_id(tz));
                        break;
                case 'V':
                        sl_str_append(out, sl_func_tz_id(tz));
                        break;
                case 'Z':
                        if (c <= 3)
                                fmt_offset(out, off, false, true, false, false);
                        else if (c == 4) {
                                sl_str_append(out, "GMT");
                                if (off)
                                        fmt_offset(out, off, true, true, true, false);
                        } else
                                fmt_offset(out, off, true, true, true, true);
                        break;
                case 'X':
                case 'x': {
                        bool z = t->letter == 'X';
                        if (c == 1)
                                fmt_offset(out, off, false, false, false, z);
                        else if (c == 2 || c == 4)
                                fmt_offset(out, off, false, true, c == 4, z);
                        else
                                fmt_offset(out, off, true, true, c == 5, z);
                        break;
                }
                case 'O':
                        sl_str_append(out, "GMT");
                        if (off) {
                                int32_t a = off < 0 ? -off : off;
                                if (c == 4)
                                        fmt_offset(out, off, true, true, true, false);
                                else if (a % 3600)
                                        sl_str_appendf(out, "%c%d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
                                else
                                        sl_str_appendf(out, "%c%d", off < 0 ? '-' : '+', a / 3600);
                        }
                        break;
                default:
                        return sl_err_set(err, SL_ERR_FUNCTION, "Unknown pattern letter: %c", t->letter);
                }
        }
        return SL_OK;
}

/* ---- parsing ---- */

/* Fields collected while parsing. */
typedef struct dt_fields {
        int64_t year;        /* proleptic year; INT64_MIN when not given */
        bool year2;          /* given as two digits (yy): 2000 + */
        int month, day, doy; /* 0 when not given */
        int hour, hour12, minute, second;  /* -1 when not given */
        int ampm;            /* -1 none, 0 AM, 1 PM */
        int64_t nanos;       /* -1 when not given */
        int64_t milli_of_day;  /* -1 when not given */
        bool bc;             /* era BC */
        unsigned found;      /* SL_FUNC_DT_* groups seen */
        const sl_func_tz *zone;
        bool has_offset;
        int32_t offset;
} dt_fields;

/* Parser state over the text. */
typedef struct dt_parser {
        const char *text;  /* the whole text */
        size_t len;        /* its length */
        size_t pos;        /* current position */
} dt_parser;

static bool read_digits(dt_parser *ps, int minw, int maxw, int64_t *v)
{
        size_t start = ps->pos;
        int64_t x = 0;
        while (ps->pos < ps->len && (int)(ps->pos - start) < maxw && isdigit((unsigned char)ps->text[ps->pos]))
                x = x * 10 + (ps->text[ps->pos++] - '0');
        if ((int)(ps->pos - start) < minw) {
                ps->pos = start;
                return false;
        }
        *v = x;
        return true;
}

/* Matches one of `names` (case-insensitive, full or first `prefix` letters); returns index or -1. */
static int read_name(dt_parser *ps, const char *const *names, int count, size_t prefix)
{
        int best = -1;
        size_t best_len = 0;
        for (int i = 0; i < count; i++) {
                size_t l = prefix ? prefix : strlen(names[i]);
                if (ps->len - ps->pos >= l && sl_str_eqn_ci(ps->text + ps->pos, names[i], l) && l > best_len) {
                        best = i;
                        best_len = l;
                }
        }
        if (best >= 0)
                ps->pos += best_len;
        return best;
}

/* [+-]HH[[:]MM[[:]SS]] or Z; `allow_z`. */
static bool read_offset(dt_parser *ps, bool allow_z, int32_t *off)
{
        if (allow_z && ps->pos < ps->len && (ps->text[ps->pos] == 'Z' || ps->text[ps->pos] == 'z')) {
                ps->pos++;
                *off = 0;
                return true;
        }
        if (ps->pos >= ps->len || (ps->text[ps->pos] != '+' && ps->text[ps->pos] != '-'))
                return false;
        int sign = ps->text[ps->pos++] == '-' ? -1 : 1;
        int64_t h, m = 0, s = 0;
        if (!read_digits(ps, 2, 2, &h))
                return false;
        size_t save = ps->pos;
        if (ps->pos < ps->len && ps->text[ps->pos] == ':')
                ps->pos++;
        if (!read_digits(ps, 2, 2, &m)) {
                ps->pos = save;
                m = 0;
        } else {
                save = ps->pos;
                if (ps->pos < ps->len && ps->text[ps->pos] == ':')
                        ps->pos++;
                if (!read_digits(ps, 2, 2, &s))
                        ps->pos = save;
        }
        if (h > 18 || m > 59 || s > 59)
                return false;
        *off = sign * (int32_t)(h * 3600 + m * 60 + s);
        return true;
}

/* Width the fixed-width numeric fields right after token i need (for greedy years). */
static int reserved_after(const dt_tok *toks, int n, int i)
{
        int w = 0;
        for (int k = i + 1; k < n; k++) {
                const dt_tok *t = &toks[k];
                if (!t->letter || !strchr("MLdDHkKhmsSnAQuy", t->letter) || t->count < 2 ||
                    ((t->letter == 'M' || t->letter == 'L') && t->count >= 3))
                        break;
                w += t->count;
        }
        return w;
}

static bool parse_range(dt_parser *ps, const dt_tok *toks, int from, int to, dt_fields *f);

static bool parse_tok(dt_parser *ps, const dt_tok *toks, int n, int i, dt_fields *f)
{
        const dt_tok *t = &toks[i];
        int c = t->count;
        int64_t v;
        if (!t->letter) {
                if (ps->len - ps->pos < t->litlen || !sl_str_eqn_ci(ps->text + ps->pos, t->lit, t->litlen))
                        return false;
                ps->pos += t->litlen;
                return true;
        }
        f->found |= (unsigned)group_of(t->letter);
        int minw = c == 1 ? 1 : c, maxw = c == 1 ? 2 : c;
        switch (t->letter) {
        case 'G': {
                static const char *const eras[] = {"AD", "BC", "Anno Domini", "Before Christ"};
                int k = read_name(ps, eras, 4, 0);
                if (k < 0)
                        return false;
                f->bc = k % 2 == 1;
                return true;
        }
        case 'y':
        case 'u': {
                bool neg = false;
                if (c == 2) {
                        if (!read_digits(ps, 2, 2, &v))
                                return false;
                        f->year = v;
                        f->year2 = true;
                        return true;
                }
                if (ps->pos < ps->len && (ps->text[ps->pos] == '-' || ps->text[ps->pos] == '+')) {
                        neg = ps->text[ps->pos] == '-';
                        ps->pos++;
                }
                size_t avail = 0;
                while (ps->pos + avail < ps->len && isdigit((unsigned char)ps->text[ps->pos + avail]))
                        avail++;
                int reserve = reserved_after(toks, n, i);
                int take = (int)avail - reserve;
                if (take > 9)
                        take = 9;
                if (take < (c == 1 ? 1 : c) || !read_digits(ps, take, take, &v))
                        return false;
                f->year = neg ? -v : v;
                return true;
        }
        case 'M':
        case 'L':
                if (c >= 3) {
                        int k = read_name(ps, month_names, 12, c == 3 ? 3 : 0);
                        if (k < 0 && c == 4)
                                k = read_name(ps, month_names, 12, 3);
                        if (k < 0)
                                return false;
                        f->month = k + 1;
                        return true;
                }
                if (!read_digits(ps, minw, maxw, &v))
                        return false;
                f->month = (int)v;
                return true;
        case 'd':
                if (!read_digits(ps, minw, maxw, &v))
                        return false;
                f->day = (int)v;
                return true;
        case 'D':
                if (!read_digits(ps, c == 1 ? 1 : c, 3, &v))
                        return false;
                f->doy = (int)v;
                return true;
        case 'Q':
                return read_digits(ps, 1, c, &v);
        case 'E': {
                int k = read_name(ps, day_names, 7, c <= 3 ? 3 : 0);
                return k >= 0;
        }
        case 'a': {
                static const char *const ap[] = {"AM", "PM"};
                int k = read_name(ps, ap, 2, 0);
                if (k < 0)
                        return false;
                f->ampm = k;
                return true;
        }
        case 'H':
        case 'k':
                if (!read_digits(ps, minw, maxw, &v))
                        return false;
                f->hour = (int)(t->letter == 'k' && v == 24 ? 0 : v);
                return true;
        case 'h':
        case 'K':
                if (!read_digits(ps, minw, maxw, &v))
                        return false;
                f->hour12 = (int)(v == 12 && t->letter == 'h' ? 0 : v);
                return true;
        case 'm':
                if (!read_digits(ps, minw, maxw, &v))
                        return false;
                f->minute = (int)v;
                return true;
        case 's':
                if (!read_digits(ps, minw, maxw, &v))
                        return false;
                f->second = (int)v;
                return true;
        case 'S': {
                size_t start = ps->pos;
                int64_t nanos = 0;
                int digits = 0;
                while (ps->pos < ps->len && isdigit((unsigned char)ps->text[ps->pos]) && digits < 9) {
                        nanos = nanos * 10 + (ps->text[ps->pos++] - '0');
                        digits++;
                }
                if (digits == 0 || (c > 1 && digits < c)) {
                        ps->pos = start;
                        return false;
                }
                for (int k = digits; k < 9; k++)
                        nanos *= 10;
                f->nanos = nanos;
                return true;
        }
        case 'n':
                if (!read_digits(ps, 1, 9, &v))
                        return false;
                f->nanos = v;
                return true;
        case 'A':
                if (!read_digits(ps, 1, 8, &v))
                        return false;
                f->milli_of_day = v;
                return true;
        case 'X':
        case 'x':
        case 'Z':
                f->has_offset = read_offset(ps, t->letter != 'x', &f->offset);
                return f->has_offset;
        case 'O': {
                if (ps->len - ps->pos < 3 || !sl_str_eqn_ci(ps->text + ps->pos, "GMT", 3))
                        return false;
                ps->pos += 3;
                f->has_offset = true;
                f->offset = 0;
                if (ps->pos < ps->len && (ps->text[ps->pos] == '+' || ps->text[ps->pos] == '-')) {
                        int sign = ps->text[ps->pos++] == '-' ? -1 : 1;
                        int64_t h, m = 0;
                        if (!read_digits(ps, 1, 2, &h))
                                return false;
                        if (ps->pos < ps->len && ps->text[ps->pos] == ':') {
                                ps->pos++;
                                if (!read_digits(ps, 2, 2, &m))
                                        return false;
                        }
                        f->offset = sign * (int32_t)(h * 3600 + m * 60);
                }
                return true;
        }
        case 'z':
        case 'V': {
                size_t start = ps->pos;
                if (read_offset(ps, true, &f->offset)) {
                        f->has_offset = true;
                        return true;
                }
                while (ps->pos < ps->len && (isalnum((unsigned char)ps->text[ps->pos]) || strchr("/_+-", ps->text[ps->pos])))
                        ps->pos++;
                const char *id = ps->text + start;
                size_t idlen = ps->pos - start;
                const sl_func_tz *z = t->letter == 'z' ? sl_func_tz_get_abbrev(id, idlen) : NULL;
                if (!z)
                        z = sl_func_tz_get(id, idlen);
                if (!z) {
                        ps->pos = start;
                        return false;
                }
                f->zone = z;
                return true;
        }
        default:
                return false;
        }
}

static bool parse_range(dt_parser *ps, const dt_tok *toks, int from, int to, dt_fields *f)
{
        for (int i = from; i < to; i++) {
                const dt_tok *t = &toks[i];
                if (t->close)
                        continue;
                if (t->opt_end >= 0) {
                        size_t save = ps->pos;
                        dt_fields fsave = *f;
                        if (!parse_range(ps, toks, i + 1, t->opt_end, f)) {
                                ps->pos = save;
                                *f = fsave;
                        }
                        i = t->opt_end;
                        continue;
                }
                if (!parse_tok(ps, toks, to, i, f))
                        return false;
        }
        return true;
}

static int month_len(int64_t y, int m)
{
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        return mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

sl_err sl_func_dt_parse(const char *pat, size_t plen, const char *text, size_t tlen, sl_func_dt_parsed *out,
                        sl_err_detail *err)
{
        dt_tok toks[MAX_TOKS];
        int n;
        sl_err rc = tokenize(pat, plen, toks, &n, err);
        if (rc)
                return rc;
        dt_fields f = {.year = INT64_MIN, .hour = -1, .hour12 = -1, .minute = -1, .second = -1, .ampm = -1,
                       .nanos = -1, .milli_of_day = -1};
        dt_parser ps = {text, tlen, 0};
        if (!parse_range(&ps, toks, 0, n, &f) || ps.pos != tlen)
                return sl_err_set(err, SL_ERR_FUNCTION, "Text '%.*s' could not be parsed at index %zu", (int)tlen, text,
                                  ps.pos);
        int64_t year = f.year == INT64_MIN ? 1970 : f.year2 ? 2000 + f.year : f.bc ? 1 - f.year : f.year;
        int month = f.month ? f.month : 1, day = f.day ? f.day : 1;
        if (f.doy) {
                int d = f.doy;
                month = 1;
                while (month <= 12 && d > month_len(year, month))
                        d -= month_len(year, month++);
                if (month > 12)
                        goto bad;
                day = d;
        }
        int hour = f.hour >= 0 ? f.hour : 0;
        if (f.hour12 >= 0) {
                if (f.hour12 > 11)
                        goto bad;
                hour = f.hour12 + (f.ampm == 1 ? 12 : 0);
        } else if (f.ampm == 1 && f.hour >= 0 && f.hour < 12) {
                hour = f.hour + 12;
        }
        int minute = f.minute >= 0 ? f.minute : 0, second = f.second >= 0 ? f.second : 0;
        if (month < 1 || month > 12 || day < 1 || day > month_len(year, month) || hour > 23 || minute > 59 ||
            second > 59)
                goto bad;
        if (year < -1000000 || year > 1000000)  /* keeps epoch milliseconds far from overflow */
                goto bad;
        int64_t ms = sl_value_days_from_civil(year, month, day) * 86400000 +
                     ((int64_t)hour * 3600 + minute * 60 + second) * 1000 + (f.nanos >= 0 ? f.nanos / 1000000 : 0);
        if (f.milli_of_day >= 0)
                ms = sl_value_days_from_civil(year, month, day) * 86400000 + f.milli_of_day;
        out->local_ms = ms;
        out->found = f.found;
        out->zone = f.zone;
        out->has_offset = f.has_offset;
        out->offset = f.offset;
        return SL_OK;
bad:
        return sl_err_set(err, SL_ERR_FUNCTION, "Text '%.*s' could not be parsed: invalid date or time", (int)tlen,
                          text);
}
