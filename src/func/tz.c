/* tz.c: time zones for the date and time functions, without touching the process's TZ (the server
 * is multithreaded): zone rules are read from the system's TZif files (/usr/share/zoneinfo, or
 * $SLUICE_ZONEINFO) by this file's own reader, and fixed offsets are parsed from their text.
 *
 * Accepted ids, as java.time.ZoneId.of: "Z", "UTC", "GMT", "UT"; offsets "+h", "+hh", "+hhmm",
 * "+hh:mm" (also after UTC/GMT/UT); region ids such as "America/Los_Angeles" (case-sensitive);
 * Java's short ids (PST, EST, CTT, ...). Zone abbreviations as DateTimeFormatter parses them
 * ("PDT", "BST") are accepted by sl_func_tz_get_abbrev.
 *
 * A TZif file gives transitions up to the zone's last rule change (Debian's "fat" files run to
 * 2037); later instants follow the POSIX TZ rule in the file's footer ("PST8PDT,M3.2.0,M11.1.0").
 * Loaded zones are cached for the life of the process behind a mutex; a zone never changes once
 * loaded, so lookups need no lock. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/buf.h"
#include "common/mem.h"
#include "func/func_int.h"

/* One local time type of a TZif file. */
typedef struct tz_type {
        int32_t utoff;      /* seconds east of UTC */
        bool isdst;         /* daylight saving time */
        const char *abbr;   /* "PDT"; points into the zone's abbreviation block */
} tz_type;

/* A POSIX TZ rule date: month m, week w (5 = last), weekday d (0 = Sunday), at `secs` local. */
typedef struct tz_rule_date {
        int month;     /* 1..12 */
        int week;      /* 1..5 */
        int wday;      /* 0..6 */
        int32_t secs;  /* local time of day of the change, may exceed a day or be negative */
} tz_rule_date;

struct sl_func_tz {
        char *id;              /* the id as given (offsets normalised to "+02:00") */
        bool fixed;            /* a fixed offset: only `fixed_off` matters */
        int32_t fixed_off;     /* seconds east of UTC when fixed */
        size_t ntrans;         /* transitions */
        int64_t *trans;        /* transition instants, seconds since the epoch, ascending */
        uint8_t *trans_type;   /* type index in effect from each transition */
        size_t ntypes;         /* local time types */
        tz_type *types;        /* the types */
        char *abbrs;           /* abbreviation block */
        bool has_rule;         /* a footer rule applies after the last transition */
        int32_t std_off;       /* footer: standard offset, seconds east */
        int32_t dst_off;       /* footer: daylight offset, seconds east */
        char std_abbr[16];     /* footer: standard abbreviation */
        char dst_abbr[16];     /* footer: daylight abbreviation */
        bool rule_dst;         /* footer: the rule has daylight time */
        tz_rule_date start;    /* footer: daylight time starts */
        tz_rule_date end;      /* footer: daylight time ends */
};

/* Loaded zones, never freed (process lifetime). */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static sl_func_tz **cache;
static size_t cache_len, cache_cap;

static sl_func_tz *fixed_zone(const char *id, int32_t off)
{
        sl_func_tz *tz = sl_calloc(1, sizeof *tz);
        tz->id = sl_strdup(id);
        tz->fixed = true;
        tz->fixed_off = off;
        return tz;
}

/* Parses "hh", "hhmm", "hh:mm" (sign already consumed); false on bad text. */
static bool parse_offset_digits(const char *p, size_t len, int32_t *secs)
{
        int h = 0, m = 0, s = 0;
        if (len == 1 && isdigit((unsigned char)p[0]))
                h = p[0] - '0';
        else if (len >= 2 && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1])) {
                h = (p[0] - '0') * 10 + (p[1] - '0');
                p += 2;
                len -= 2;
                if (len > 0 && *p == ':') {
                        p++;
                        len--;
                }
                if (len == 2 || len == 4 || (len == 5 && p[2] == ':')) {
                        if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
                                return false;
                        m = (p[0] - '0') * 10 + (p[1] - '0');
                        p += 2;
                        len -= 2;
                        if (len > 0 && *p == ':') {
                                p++;
                                len--;
                        }
                        if (len == 2 && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1])) {
                                s = (p[0] - '0') * 10 + (p[1] - '0');
                                len = 0;
                        }
                }
                if (len != 0)
                        return false;
        } else {
                return false;
        }
        if (h > 18 || m > 59 || s > 59)
                return false;
        *secs = h * 3600 + m * 60 + s;
        return true;
}

/* "+hh:mm" style name of an offset. */
static void offset_name(char *buf, size_t cap, int32_t off)
{
        if (off == 0) {
                snprintf(buf, cap, "Z");
                return;
        }
        int32_t a = off < 0 ? -off : off;
        if (a % 60)
                snprintf(buf, cap, "%c%02d:%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60, a % 60);
        else
                snprintf(buf, cap, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

/* ---- POSIX TZ footer ---- */

static const char *rule_name(const char *p, char *out, size_t cap)
{
        size_t n = 0;
        if (*p == '<') {
                p++;
                while (*p && *p != '>') {
                        if (n + 1 < cap)
                                out[n++] = *p;
                        p++;
                }
                if (*p == '>')
                        p++;
        } else {
                while (isalpha((unsigned char)*p)) {
                        if (n + 1 < cap)
                                out[n++] = *p;
                        p++;
                }
        }
        out[n] = '\0';
        return n ? p : NULL;
}

/* [+-]hh[:mm[:ss]] -> seconds (sign as written). */
static const char *rule_time(const char *p, int32_t *secs)
{
        int sign = 1;
        if (*p == '+' || *p == '-')
                sign = *p++ == '-' ? -1 : 1;
        if (!isdigit((unsigned char)*p))
                return NULL;
        int32_t v = 0, part = 0;
        while (isdigit((unsigned char)*p))
                part = part * 10 + (*p++ - '0');
        v = part * 3600;
        for (int mul = 60; *p == ':' && mul >= 1; mul /= 60) {
                p++;
                part = 0;
                while (isdigit((unsigned char)*p))
                        part = part * 10 + (*p++ - '0');
                v += part * mul;
        }
        *secs = sign * v;
        return p;
}

static const char *rule_date(const char *p, tz_rule_date *d)
{
        if (*p != 'M')
                return NULL;  /* Jn and n forms are not used by current tzdata */
        p++;
        d->month = (int)strtol(p, (char **)&p, 10);
        if (*p++ != '.')
                return NULL;
        d->week = (int)strtol(p, (char **)&p, 10);
        if (*p++ != '.')
                return NULL;
        d->wday = (int)strtol(p, (char **)&p, 10);
        d->secs = 7200;
        if (*p == '/' && !(p = rule_time(p + 1, &d->secs)))
                return NULL;
        if (d->month < 1 || d->month > 12 || d->week < 1 || d->week > 5 || d->wday < 0 || d->wday > 6)
                return NULL;
        return p;
}

static void parse_footer(sl_func_tz *tz, const char *p)
{
        int32_t off;
        if (!(p = rule_name(p, tz->std_abbr, sizeof tz->std_abbr)) || !(p = rule_time(p, &off)))
                return;
        tz->std_off = -off;
        tz->dst_off = tz->std_off + 3600;
        if (*p == '\0' || *p == '\n') {
                tz->has_rule = true;
                return;
        }
        if (!(p = rule_name(p, tz->dst_abbr, sizeof tz->dst_abbr)))
                return;
        if (*p != ',' && *p != '\0' && *p != '\n') {
                if (!(p = rule_time(p, &off)))
                        return;
                tz->dst_off = -off;
        }
        if (*p != ',' || !(p = rule_date(p + 1, &tz->start)) || *p != ',' || !rule_date(p + 1, &tz->end))
                return;
        tz->rule_dst = true;
        tz->has_rule = true;
}

/* Days since the epoch of the rule date in `year`. */
static int64_t rule_day(const tz_rule_date *d, int64_t year)
{
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int64_t first = sl_value_days_from_civil(year, d->month, 1);
        int wd1 = (int)(((first % 7) + 11) % 7);  /* 1970-01-01 was a Thursday (4) */
        int len = mdays[d->month - 1] + (d->month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0));
        int day = 1 + (d->wday - wd1 + 7) % 7 + (d->week - 1) * 7;
        while (day > len)
                day -= 7;
        return first + day - 1;
}

static int32_t rule_offset(const sl_func_tz *tz, int64_t t, const char **abbr)
{
        if (!tz->rule_dst) {
                *abbr = tz->std_abbr;
                return tz->std_off;
        }
        int64_t year;
        int mon, day;
        sl_value_civil_from_days((t + tz->std_off) / 86400 - ((t + tz->std_off) % 86400 < 0), &year, &mon, &day);
        int64_t start = rule_day(&tz->start, year) * 86400 + tz->start.secs - tz->std_off;
        int64_t end = rule_day(&tz->end, year) * 86400 + tz->end.secs - tz->dst_off;
        bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
        *abbr = dst ? tz->dst_abbr : tz->std_abbr;
        return dst ? tz->dst_off : tz->std_off;
}

/* ---- TZif ---- */

static bool load_tzif(sl_func_tz *tz, const uint8_t *d, size_t len)
{
        if (len < 44 || memcmp(d, "TZif", 4) != 0)
                return false;
        size_t cnt[6];
        for (int i = 0; i < 6; i++)
                cnt[i] = sl_load_be32(d + 20 + 4 * i);
        size_t isut = cnt[0], isstd = cnt[1], leap = cnt[2], timec = cnt[3], typec = cnt[4], charc = cnt[5];
        size_t off = 44;
        int tsize = 4;
        if (d[4] >= '2') {  /* skip the v1 block, use the 64-bit one */
                off += timec * 5 + typec * 6 + charc + leap * 8 + isstd + isut;
                if (off + 44 > len || memcmp(d + off, "TZif", 4) != 0)
                        return false;
                for (int i = 0; i < 6; i++)
                        cnt[i] = sl_load_be32(d + off + 20 + 4 * i);
                isut = cnt[0], isstd = cnt[1], leap = cnt[2], timec = cnt[3], typec = cnt[4], charc = cnt[5];
                off += 44;
                tsize = 8;
        }
        size_t need = timec * (size_t)tsize + timec + typec * 6 + charc + leap * (size_t)(tsize + 4) + isstd + isut;
        if (typec == 0 || typec > 256 || off + need > len)
                return false;
        tz->ntrans = timec;
        tz->trans = sl_calloc(timec + 1, sizeof *tz->trans);
        tz->trans_type = sl_calloc(timec + 1, 1);
        for (size_t i = 0; i < timec; i++)
                tz->trans[i] = tsize == 8 ? (int64_t)sl_load_be64(d + off + 8 * i) : (int32_t)sl_load_be32(d + off + 4 * i);
        off += timec * (size_t)tsize;
        for (size_t i = 0; i < timec; i++) {
                tz->trans_type[i] = d[off + i];
                if (tz->trans_type[i] >= typec)
                        return false;
        }
        off += timec;
        tz->abbrs = sl_calloc(charc + 1, 1);
        memcpy(tz->abbrs, d + off + typec * 6, charc);
        tz->ntypes = typec;
        tz->types = sl_calloc(typec, sizeof *tz->types);
        for (size_t i = 0; i < typec; i++) {
                const uint8_t *t = d + off + 6 * i;
                tz->types[i].utoff = (int32_t)sl_load_be32(t);
                tz->types[i].isdst = t[4] != 0;
                tz->types[i].abbr = tz->abbrs + (t[5] < charc ? t[5] : charc);
        }
        off += typec * 6 + charc + leap * (size_t)(tsize + 4) + isstd + isut;
        if (tsize == 8 && off < len && d[off] == '\n') {
                char footer[128];
                size_t n = 0;
                for (size_t i = off + 1; i < len && d[i] != '\n' && n + 1 < sizeof footer; i++)
                        footer[n++] = (char)d[i];
                footer[n] = '\0';
                parse_footer(tz, footer);
        }
        return true;
}

static bool region_id_ok(const char *id)
{
        if (!id[0] || id[0] == '/' || strstr(id, ".."))
                return false;
        for (const char *p = id; *p; p++)
                if (!isalnum((unsigned char)*p) && *p != '/' && *p != '_' && *p != '-' && *p != '+')
                        return false;
        return true;
}

static sl_func_tz *load_region(const char *id)
{
        const char *dir = getenv("SLUICE_ZONEINFO");
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir && dir[0] ? dir : "/usr/share/zoneinfo", id);
        FILE *f = fopen(path, "rb");
        if (!f)
                return NULL;
        sl_buf buf;
        sl_buf_init(&buf);
        uint8_t chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && buf.len < (1u << 20))
                sl_buf_append(&buf, chunk, n);
        fclose(f);
        sl_func_tz *tz = sl_calloc(1, sizeof *tz);
        tz->id = sl_strdup(id);
        if (!load_tzif(tz, buf.data, buf.len)) {
                sl_free(tz->trans);
                sl_free(tz->trans_type);
                sl_free(tz->types);
                sl_free(tz->abbrs);
                sl_free(tz->id);
                sl_free(tz);
                tz = NULL;
        }
        sl_buf_deinit(&buf);
        return tz;
}

/* Java's ZoneId.SHORT_IDS. */
static const char *const short_ids[][2] = {
        {"ACT", "Australia/Darwin"}, {"AET", "Australia/Sydney"}, {"AGT", "America/Argentina/Buenos_Aires"},
        {"ART", "Africa/Cairo"}, {"AST", "America/Anchorage"}, {"BET", "America/Sao_Paulo"}, {"BST", "Asia/Dhaka"},
        {"CAT", "Africa/Harare"}, {"CNT", "America/St_Johns"}, {"CST", "America/Chicago"}, {"CTT", "Asia/Shanghai"},
        {"EAT", "Africa/Addis_Ababa"}, {"ECT", "Europe/Paris"}, {"IET", "America/Indiana/Indianapolis"},
        {"IST", "Asia/Kolkata"}, {"JST", "Asia/Tokyo"}, {"MIT", "Pacific/Apia"}, {"NET", "Asia/Yerevan"},
        {"NST", "Pacific/Auckland"}, {"PLT", "Asia/Karachi"}, {"PNT", "America/Phoenix"}, {"PRT", "America/Puerto_Rico"},
        {"PST", "America/Los_Angeles"}, {"SST", "Pacific/Guadalcanal"}, {"VST", "Asia/Ho_Chi_Minh"},
        {"EST", "-05:00"}, {"MST", "-07:00"}, {"HST", "-10:00"},
};

/* Zone abbreviations as DateTimeFormatter's 'z' parses them. */
static const char *const abbrevs[][2] = {
        {"PST", "America/Los_Angeles"}, {"PDT", "America/Los_Angeles"}, {"MST", "America/Denver"},
        {"MDT", "America/Denver"}, {"CST", "America/Chicago"}, {"CDT", "America/Chicago"},
        {"EST", "America/New_York"}, {"EDT", "America/New_York"}, {"AKST", "America/Anchorage"},
        {"AKDT", "America/Anchorage"}, {"HST", "Pacific/Honolulu"}, {"GMT", "GMT"}, {"UTC", "UTC"}, {"UT", "UTC"},
        {"Z", "UTC"}, {"BST", "Europe/London"}, {"IST", "Asia/Kolkata"}, {"CET", "Europe/Paris"},
        {"CEST", "Europe/Paris"}, {"EET", "Europe/Athens"}, {"EEST", "Europe/Athens"}, {"WET", "Europe/Lisbon"},
        {"WEST", "Europe/Lisbon"}, {"JST", "Asia/Tokyo"}, {"KST", "Asia/Seoul"}, {"AEST", "Australia/Sydney"},
        {"AEDT", "Australia/Sydney"}, {"NZST", "Pacific/Auckland"}, {"NZDT", "Pacific/Auckland"},
};

/* Builds a zone for `id` (not cached). */
static sl_func_tz *make_zone(const char *id)
{
        int32_t off;
        char name[32];
        if (!strcmp(id, "Z") || !strcmp(id, "UTC") || !strcmp(id, "GMT") || !strcmp(id, "UT"))
                return fixed_zone(id, 0);
        if (id[0] == '+' || id[0] == '-') {
                if (!parse_offset_digits(id + 1, strlen(id) - 1, &off))
                        return NULL;
                offset_name(name, sizeof name, id[0] == '-' ? -off : off);
                return fixed_zone(name, id[0] == '-' ? -off : off);
        }
        for (const char *pre[] = {"UTC", "GMT", "UT"}, **p = pre; p < pre + 3; p++) {
                size_t n = strlen(*p);
                if (strncmp(id, *p, n) == 0 && (id[n] == '+' || id[n] == '-')) {
                        if (!parse_offset_digits(id + n + 1, strlen(id + n + 1), &off))
                                return NULL;
                        return fixed_zone(id, id[n] == '-' ? -off : off);
                }
        }
        for (size_t i = 0; i < sizeof short_ids / sizeof short_ids[0]; i++)
                if (!strcmp(id, short_ids[i][0]))
                        return make_zone(short_ids[i][1]);
        if (!region_id_ok(id))
                return NULL;
        return load_region(id);
}

/* UTC, the default zone of every function, answered without the cache lock. */
static sl_func_tz utc_zone = {.id = (char *)"UTC", .fixed = true};

const sl_func_tz *sl_func_tz_get(const char *id, size_t len)
{
        char buf[128];
        if (len == 3 && memcmp(id, "UTC", 3) == 0)
                return &utc_zone;
        if (len == 0 || len >= sizeof buf)
                return NULL;
        memcpy(buf, id, len);
        buf[len] = '\0';
        sl_func_tz *tz = NULL;
        pthread_mutex_lock(&cache_lock);
        for (size_t i = 0; i < cache_len; i++) {
                if (!strcmp(cache[i]->id, buf)) {
                        tz = cache[i];
                        goto done;
                }
        }
        tz = make_zone(buf);
        if (tz) {
                if (strcmp(tz->id, buf) != 0) {  /* cache under the requested spelling too */
                        sl_free(tz->id);
                        tz->id = sl_strdup(buf);
                }
                if (cache_len == cache_cap) {
                        cache_cap = cache_cap ? 2 * cache_cap : 16;
                        cache = sl_realloc(cache, cache_cap * sizeof *cache);
                }
                cache[cache_len++] = tz;
        }
done:
        pthread_mutex_unlock(&cache_lock);
        return tz;
}

const sl_func_tz *sl_func_tz_get_abbrev(const char *abbr, size_t len)
{
        for (size_t i = 0; i < sizeof abbrevs / sizeof abbrevs[0]; i++)
                if (strlen(abbrevs[i][0]) == len && sl_str_eqn_ci(abbr, abbrevs[i][0], len))
                        return sl_func_tz_get(abbrevs[i][1], strlen(abbrevs[i][1]));
        return NULL;
}

const sl_func_tz *sl_func_tz_utc(void)
{
        return &utc_zone;
}

const char *sl_func_tz_id(const sl_func_tz *tz)
{
        return tz->id;
}

bool sl_func_tz_is_fixed(const sl_func_tz *tz)
{
        return tz->fixed;
}

int32_t sl_func_tz_offset(const sl_func_tz *tz, int64_t utc_ms, const char **abbr)
{
        static const char utc_name[] = "UTC";
        const char *dummy;
        if (!abbr)
                abbr = &dummy;
        if (tz->fixed) {
                *abbr = tz->fixed_off == 0 ? utc_name : tz->id;
                return tz->fixed_off;
        }
        int64_t t = utc_ms / 1000 - (utc_ms % 1000 < 0);
        if (tz->ntrans == 0 || t < tz->trans[0]) {
                /* before the first transition: the first standard type (or type 0) */
                size_t k = 0;
                for (size_t i = 0; i < tz->ntypes; i++)
                        if (!tz->types[i].isdst) {
                                k = i;
                                break;
                        }
                if (tz->ntrans == 0 && tz->has_rule)
                        return rule_offset(tz, t, abbr);
                *abbr = tz->types[k].abbr;
                return tz->types[k].utoff;
        }
        if (t >= tz->trans[tz->ntrans - 1] && tz->has_rule)
                return rule_offset(tz, t, abbr);
        size_t lo = 0, hi = tz->ntrans;  /* last transition <= t */
        while (hi - lo > 1) {
                size_t mid = (lo + hi) / 2;
                if (tz->trans[mid] <= t)
                        lo = mid;
                else
                        hi = mid;
        }
        const tz_type *ty = &tz->types[tz->trans_type[lo]];
        *abbr = ty->abbr;
        return ty->utoff;
}

int64_t sl_func_tz_local_to_utc(const sl_func_tz *tz, int64_t local_ms)
{
        int64_t off1 = sl_func_tz_offset(tz, local_ms, NULL);
        int64_t utc = local_ms - off1 * 1000;
        int64_t off2 = sl_func_tz_offset(tz, utc, NULL);
        if (off2 == off1)
                return utc;
        int64_t utc2 = local_ms - off2 * 1000;
        /* in an overlap both fit: take the earlier offset (the larger one); in a gap neither
         * does: move forward by the gap, as java.time does */
        if (sl_func_tz_offset(tz, utc2, NULL) == off2)
                return off2 > off1 ? utc2 : utc;
        return local_ms - (off1 < off2 ? off1 : off2) * 1000;
}
