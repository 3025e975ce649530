/* fn_datetime.c: ksqlDB's DATE_TIME functions. Patterns are Java DateTimeFormatter patterns
 * (dtfmt.c); zones are ZoneId texts resolved without touching the process's TZ (tz.c). TIMESTAMP
 * values are instants (ms since the epoch); formatting and parsing default to UTC unless a zone is
 * given, and a zone or offset in the parsed text wins over the zone argument. A text that does not
 * match its pattern, an unknown zone or a bad pattern is an error (ksqlDB throws; the evaluator
 * makes the result NULL).
 *
 * The time-unit argument of DATEADD/TIMEADD/TIMESTAMPADD (and the SUB forms) is a STRING holding
 * the unit's name: the analyzer passes the bare keyword (DAYS, HOURS, MINUTES, SECONDS,
 * MILLISECONDS, singular or plural) as a string literal. */
#include "common/mem.h"
#include "common/time.h"
#include "func/func_int.h"

#define N SL_FUNC_NULL_IN_NULL_OUT
#define DAY_MS 86400000LL

static int64_t floor_div(int64_t a, int64_t b)
{
        return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* The last zone argument of this call site (zones are usually constants), so that rows do not
 * go through the process-wide zone cache and its lock. */
typedef struct zone_cache {
        char id[64];             /* the zone text */
        size_t len;              /* its length */
        const sl_func_tz *tz;    /* the zone (process lifetime) */
} zone_cache;

static void zone_cache_free(void *p)
{
        sl_free(p);
}

static sl_err zone_arg(sl_func_ctx *ctx, const sl_value *v, const sl_func_tz **tz)
{
        zone_cache *c = ctx->cache_free == zone_cache_free ? ctx->cache : NULL;
        if (c && c->len == v->len && memcmp(c->id, fn_sp(v), v->len) == 0) {
                *tz = c->tz;
                return SL_OK;
        }
        *tz = sl_func_tz_get(fn_sp(v), v->len);
        if (!*tz)
                return sl_err_set(ctx->err, SL_ERR_FUNCTION, "Unknown time-zone ID: %.*s", (int)v->len, fn_sp(v));
        if (v->len < sizeof c->id) {
                if (!c) {
                        sl_func_ctx_release(ctx);
                        c = sl_calloc(1, sizeof *c);
                        ctx->cache = c;
                        ctx->cache_free = zone_cache_free;
                }
                memcpy(c->id, fn_sp(v), v->len);
                c->len = v->len;
                c->tz = *tz;
        }
        return SL_OK;
}

/* Formats local date-time `local_ms` with pattern `pat` into a STRING; the fields in `avail`
 * (SL_FUNC_DT_*) may be used, the zone ones described by tz, off and abbr. */
static sl_err format_local(sl_func_ctx *ctx, const sl_value *pat, int64_t local_ms, unsigned avail,
                           const sl_func_tz *tz, int32_t off, const char *abbr, sl_value *out)
{
        sl_str s;
        sl_str_init(&s);
        sl_err rc = sl_func_dt_format(&s, fn_sp(pat), pat->len, local_ms, avail, tz, off, abbr, ctx->err);
        if (!rc)
                *out = fn_str_from(ctx, &s);
        sl_str_deinit(&s);
        return rc;
}

/* Formats instant `ms` with pattern a[1] in zone a[2] (UTC when absent). */
static sl_err format_instant(sl_func_ctx *ctx, const sl_value *a, size_t n, int64_t ms, sl_value *out)
{
        const sl_func_tz *tz = sl_func_tz_utc();
        sl_err rc;
        if (n > 2 && (rc = zone_arg(ctx, &a[2], &tz)))
                return rc;
        const char *abbr;
        int32_t off = sl_func_tz_offset(tz, ms, &abbr);
        return format_local(ctx, &a[1], ms + (int64_t)off * 1000, SL_FUNC_DT_DATE | SL_FUNC_DT_TIME | SL_FUNC_DT_ZONE,
                            tz, off, abbr, out);
}

/* Parses a[0] with pattern a[1]: the local date-time and any zone or offset the text names. */
static sl_err parse_local(sl_func_ctx *ctx, const sl_value *a, sl_func_dt_parsed *p)
{
        return sl_func_dt_parse(fn_sp(&a[1]), a[1].len, fn_sp(&a[0]), a[0].len, p, ctx->err);
}

/* Parses a[0] with pattern a[1] into an instant, zone a[2] (UTC) unless the text names one. */
static sl_err parse_instant(sl_func_ctx *ctx, const sl_value *a, size_t n, int64_t *ms)
{
        const sl_func_tz *tz = sl_func_tz_utc();
        sl_func_dt_parsed p;
        sl_err rc;
        if (n > 2 && (rc = zone_arg(ctx, &a[2], &tz)))
                return rc;
        if ((rc = parse_local(ctx, a, &p)))
                return rc;
        if (p.has_offset)
                *ms = p.local_ms - (int64_t)p.offset * 1000;
        else
                *ms = sl_func_tz_local_to_utc(p.zone ? p.zone : tz, p.local_ms);
        return SL_OK;
}

static sl_err fn_format_timestamp(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        return format_instant(ctx, a, n, a[0].u.i64, out);
}

static sl_err fn_parse_timestamp(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        int64_t ms;
        sl_err rc = parse_instant(ctx, a, n, &ms);
        if (!rc)
                *out = ctx->res->ret->kind == SL_TYPE_BIGINT ? sl_value_bigint(ms) : sl_value_timestamp(ms);
        return rc;
}

/* FORMAT_DATE / DATETOSTRING: date fields only. */
static sl_err fn_format_date(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        return format_local(ctx, &a[1], (int64_t)a[0].u.i32 * DAY_MS, SL_FUNC_DT_DATE, NULL, 0, NULL, out);
}

/* PARSE_DATE / STRINGTODATE: the date part of what the pattern gives. */
static sl_err fn_parse_date(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        sl_func_dt_parsed p;
        sl_err rc = parse_local(ctx, a, &p);
        if (rc)
                return rc;
        int32_t days = (int32_t)floor_div(p.local_ms, DAY_MS);
        *out = ctx->res->ret->kind == SL_TYPE_INT ? sl_value_int(days) : sl_value_date(days);
        return SL_OK;
}

static sl_err fn_format_time(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        return format_local(ctx, &a[1], a[0].u.i32, SL_FUNC_DT_TIME, NULL, 0, NULL, out);
}

static sl_err fn_parse_time(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        sl_func_dt_parsed p;
        sl_err rc = parse_local(ctx, a, &p);
        if (rc)
                return rc;
        *out = sl_value_time((int32_t)(p.local_ms - floor_div(p.local_ms, DAY_MS) * DAY_MS));
        return SL_OK;
}

/* CONVERT_TZ(ts, from, to): reads ts as local time in `from` and gives the local time in `to`. */
static sl_err fn_convert_tz(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        const sl_func_tz *from, *to;
        sl_err rc;
        if ((rc = zone_arg(ctx, &a[1], &from)) || (rc = zone_arg(ctx, &a[2], &to)))
                return rc;
        int64_t utc = sl_func_tz_local_to_utc(from, a[0].u.i64);
        *out = sl_value_timestamp(utc + (int64_t)sl_func_tz_offset(to, utc, NULL) * 1000);
        return SL_OK;
}

static sl_err fn_unix_timestamp(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        *out = sl_value_bigint(n == 0 ? sl_time_wall_ms() : a[0].u.i64);
        return SL_OK;
}

static sl_err fn_unix_date(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        *out = sl_value_int(n == 0 ? (int32_t)floor_div(sl_time_wall_ms(), DAY_MS) : a[0].u.i32);
        return SL_OK;
}

/* FROM_UNIXTIME (BIGINT milliseconds) and FROM_DAYS (INT days): the number is already the
 * representation of the result, which only takes the call's return type. */
static sl_err fn_from_epoch(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        *out = a[0];
        out->kind = ctx->res->ret->kind;
        return SL_OK;
}

/* Milliseconds in one `unit`; 0 for an unknown unit. */
static int64_t unit_ms(const sl_value *u)
{
        static const struct {
                const char *name;
                int64_t ms;
        } units[] = {
                {"MILLISECOND", 1},     {"MILLISECONDS", 1},  {"SECOND", 1000},          {"SECONDS", 1000},
                {"MINUTE", 60000},      {"MINUTES", 60000},   {"HOUR", 3600000},         {"HOURS", 3600000},
                {"DAY", DAY_MS},        {"DAYS", DAY_MS},
        };
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
                if (sl_func_str_eq_ci(u, units[i].name))
                        return units[i].ms;
        return 0;
}

/* The interval a[1] in milliseconds times `sign`; SL_ERR_FUNCTION for a bad unit. */
static sl_err interval_ms(sl_func_ctx *ctx, const sl_value *a, int sign, int64_t *ms)
{
        int64_t u = unit_ms(&a[0]);
        if (!u)
                return sl_err_set(ctx->err, SL_ERR_FUNCTION, "unknown time unit: %.*s", (int)a[0].len, fn_sp(&a[0]));
        int64_t iv = a[1].kind == SL_TYPE_INT ? a[1].u.i32 : a[1].u.i64;
        if (__builtin_mul_overflow(iv, u * sign, ms))
                return sl_err_set(ctx->err, SL_ERR_OVERFLOW, "interval overflows");
        return SL_OK;
}

/* DATEADD/DATESUB, TIMEADD/TIMESUB, TIMESTAMPADD/TIMESTAMPSUB: the interval a[1] of unit a[0] times
 * `sign` added to a[2], whose kind is the call's return type. */
static sl_err add_interval(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out, int sign)
{
        (void)n;
        int64_t ms = 0, r;
        sl_err rc = interval_ms(ctx, a, sign, &ms);
        if (rc)
                return rc;
        switch (ctx->res->ret->kind) {
        case SL_TYPE_DATE:
                *out = sl_value_date((int32_t)(a[2].u.i32 + ms / DAY_MS));  /* TimeUnit.toDays truncates */
                return SL_OK;
        case SL_TYPE_TIME:
                r = (a[2].u.i32 + ms % DAY_MS) % DAY_MS;
                *out = sl_value_time((int32_t)(r < 0 ? r + DAY_MS : r));
                return SL_OK;
        default:
                if (__builtin_add_overflow(a[2].u.i64, ms, &r))
                        return sl_err_set(ctx->err, SL_ERR_OVERFLOW, "timestamp overflows");
                *out = sl_value_timestamp(r);
                return SL_OK;
        }
}

SL_FUNC_INVOKE_WITH(fn_add_interval, add_interval, 1)
SL_FUNC_INVOKE_WITH(fn_sub_interval, add_interval, -1)

#define DT "DATE_TIME"

static const sl_func_builtin datetime_funcs[] = {
        {"unix_timestamp", DT, "Returns the current time, or the given TIMESTAMP, in milliseconds since the epoch.", "",
         "BIGINT", fn_unix_timestamp, SL_FUNC_NONDETERMINISTIC, NULL},
        {"unix_timestamp", DT, NULL, "TIMESTAMP timestamp", "BIGINT", fn_unix_timestamp, N, NULL},
        {"unix_date", DT, "Returns the current date, or the given DATE, in days since the epoch.", "", "INT",
         fn_unix_date, SL_FUNC_NONDETERMINISTIC, NULL},
        {"unix_date", DT, NULL, "DATE date", "INT", fn_unix_date, N, NULL},
        {"from_unixtime", DT, "Converts milliseconds since the epoch to a TIMESTAMP.", "BIGINT milliseconds",
         "TIMESTAMP", fn_from_epoch, N, NULL},
        {"from_days", DT, "Converts days since the epoch to a DATE.", "INT days", "DATE", fn_from_epoch, N, NULL},
        {"format_timestamp", DT, "Formats a TIMESTAMP with a DateTimeFormatter pattern, in UTC or the given zone.",
         "TIMESTAMP timestamp, STRING formatPattern", "STRING", fn_format_timestamp, N, NULL},
        {"format_timestamp", DT, NULL, "TIMESTAMP timestamp, STRING formatPattern, STRING timeZone", "STRING",
         fn_format_timestamp, N, NULL},
        {"parse_timestamp", DT, "Parses a TIMESTAMP with a DateTimeFormatter pattern, in UTC or the given zone.",
         "STRING formattedTimestamp, STRING formatPattern", "TIMESTAMP", fn_parse_timestamp, N, NULL},
        {"parse_timestamp", DT, NULL, "STRING formattedTimestamp, STRING formatPattern, STRING timeZone", "TIMESTAMP",
         fn_parse_timestamp, N, NULL},
        {"timestamptostring", DT, "Deprecated: formats milliseconds since the epoch with a pattern.",
         "BIGINT epochMilli, STRING formatPattern", "STRING", fn_format_timestamp, N, NULL},
        {"timestamptostring", DT, NULL, "BIGINT epochMilli, STRING formatPattern, STRING timeZone", "STRING",
         fn_format_timestamp, N, NULL},
        {"stringtotimestamp", DT, "Deprecated: parses a string into milliseconds since the epoch.",
         "STRING formattedTimestamp, STRING formatPattern", "BIGINT", fn_parse_timestamp, N, NULL},
        {"stringtotimestamp", DT, NULL, "STRING formattedTimestamp, STRING formatPattern, STRING timeZone", "BIGINT",
         fn_parse_timestamp, N, NULL},
        {"format_date", DT, "Formats a DATE with a DateTimeFormatter pattern.", "DATE date, STRING formatPattern",
         "STRING", fn_format_date, N, NULL},
        {"parse_date", DT, "Parses a DATE with a DateTimeFormatter pattern.", "STRING formattedDate, STRING formatPattern",
         "DATE", fn_parse_date, N, NULL},
        {"datetostring", DT, "Deprecated: formats days since the epoch with a pattern.", "INT epochDays, STRING formatPattern",
         "STRING", fn_format_date, N, NULL},
        {"stringtodate", DT, "Deprecated: parses a string into days since the epoch.",
         "STRING formattedDate, STRING formatPattern", "INT", fn_parse_date, N, NULL},
        {"format_time", DT, "Formats a TIME with a DateTimeFormatter pattern.", "TIME time, STRING formatPattern",
         "STRING", fn_format_time, N, NULL},
        {"parse_time", DT, "Parses a TIME with a DateTimeFormatter pattern.", "STRING formattedTime, STRING formatPattern",
         "TIME", fn_parse_time, N, NULL},
        {"convert_tz", DT, "Converts a TIMESTAMP from one time zone to another.",
         "TIMESTAMP timestamp, STRING fromTimeZone, STRING toTimeZone", "TIMESTAMP", fn_convert_tz, N, NULL},
        {"dateadd", DT, "Adds an interval of a time unit to a DATE.", "STRING unit, INT interval, DATE date", "DATE",
         fn_add_interval, N, NULL},
        {"datesub", DT, "Subtracts an interval of a time unit from a DATE.", "STRING unit, INT interval, DATE date",
         "DATE", fn_sub_interval, N, NULL},
        {"timeadd", DT, "Adds an interval of a time unit to a TIME (wrapping at midnight).",
         "STRING unit, INT interval, TIME time", "TIME", fn_add_interval, N, NULL},
        {"timesub", DT, "Subtracts an interval of a time unit from a TIME (wrapping at midnight).",
         "STRING unit, INT interval, TIME time", "TIME", fn_sub_interval, N, NULL},
        {"timestampadd", DT, "Adds an interval of a time unit to a TIMESTAMP.",
         "STRING unit, INT interval, TIMESTAMP timestamp", "TIMESTAMP", fn_add_interval, N, NULL},
        {"timestampadd", DT, NULL, "STRING unit, BIGINT interval, TIMESTAMP timestamp", "TIMESTAMP", fn_add_interval, N,
         NULL},
        {"timestampsub", DT, "Subtracts an interval of a time unit from a TIMESTAMP.",
         "STRING unit, INT interval, TIMESTAMP timestamp", "TIMESTAMP", fn_sub_interval, N, NULL},
        {"timestampsub", DT, NULL, "STRING unit, BIGINT interval, TIMESTAMP timestamp", "TIMESTAMP", fn_sub_interval, N,
         NULL},
};

sl_err sl_func_datetime_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_ADD_TABLE(reg, datetime_funcs, err);
}
