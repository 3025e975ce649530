/* probe.c: test plugin that exercises the host table: errors (with and without a message, a wrong
 * result type), widening of results, every value accessor (UDF_DESCRIBE renders any value through
 * them), built maps, variadic arguments, udata, decimals, and an aggregate without undo/merge. */
#include <stdio.h>
#include <string.h>

#include <sluice/udf.h>

SL_UDF_PLUGIN("probe", "0.9")

static const sl_udf_host *host; /* set by sl_udf_entry */

static int fail(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs, const sl_udf_value **result)
{
        size_t len;
        const char *s = host->get_string(args[0], &len);
        (void)nargs, (void)result;
        return host->error(call, "cannot handle '%.*s'", (int)len, s);
}

static int fail_silent(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs,
                       const sl_udf_value **result)
{
        (void)call, (void)args, (void)nargs, (void)result;
        return SL_UDF_ERROR;
}

static int wrong_type(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs,
                      const sl_udf_value **result)
{
        (void)args, (void)nargs;
        *result = host->make_string(call, "oops", 4); /* declared DOUBLE */
        return SL_UDF_OK;
}

static int widen(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs, const sl_udf_value **result)
{
        (void)args, (void)nargs;
        *result = host->make_int(call, 7); /* declared BIGINT: widened by the host */
        return SL_UDF_OK;
}

/* Appends a rendering of v made only through accessors. */
static void describe(char *buf, size_t cap, const sl_udf_value *v)
{
        size_t used = strlen(buf), len;
        char *p = buf + used;
        size_t room = cap - used;
        const char *s;
        char dec[48];
        int64_t unscaled = 0;
        switch (host->kind(v)) {
        case SL_UDF_NULL: snprintf(p, room, "null"); break;
        case SL_UDF_BOOLEAN: snprintf(p, room, "bool:%d", host->get_boolean(v)); break;
        case SL_UDF_INT: snprintf(p, room, "int:%d", (int)host->get_int(v)); break;
        case SL_UDF_BIGINT: snprintf(p, room, "bigint:%lld", (long long)host->get_bigint(v)); break;
        case SL_UDF_DOUBLE: snprintf(p, room, "double:%g", host->get_double(v)); break;
        case SL_UDF_DECIMAL:
                host->get_decimal_text(v, dec, sizeof dec);
                host->get_decimal_unscaled(v, &unscaled);
                snprintf(p, room, "decimal(%d,%d):%s=%lld", host->get_decimal_precision(v), host->get_decimal_scale(v),
                         dec, (long long)unscaled);
                break;
        case SL_UDF_STRING: s = host->get_string(v, &len); snprintf(p, room, "string:%.*s", (int)len, s); break;
        case SL_UDF_BYTES: host->get_bytes(v, &len); snprintf(p, room, "bytes:%zu", len); break;
        case SL_UDF_DATE: snprintf(p, room, "date:%d", (int)host->get_date(v)); break;
        case SL_UDF_TIME: snprintf(p, room, "time:%d", (int)host->get_time(v)); break;
        case SL_UDF_TIMESTAMP: snprintf(p, room, "ts:%lld", (long long)host->get_timestamp(v)); break;
        case SL_UDF_ARRAY:
                snprintf(p, room, "[");
                for (size_t i = 0; i < host->length(v); i++) {
                        if (i)
                                strncat(buf, ",", cap - strlen(buf) - 1);
                        describe(buf, cap, host->array_get(v, i));
                }
                strncat(buf, "]", cap - strlen(buf) - 1);
                break;
        case SL_UDF_MAP:
                snprintf(p, room, "{");
                for (size_t i = 0; i < host->length(v); i++) {
                        if (i)
                                strncat(buf, ",", cap - strlen(buf) - 1);
                        describe(buf, cap, host->map_key(v, i));
                        strncat(buf, "=", cap - strlen(buf) - 1);
                        describe(buf, cap, host->map_value(v, i));
                }
                strncat(buf, "}", cap - strlen(buf) - 1);
                break;
        case SL_UDF_STRUCT:
                snprintf(p, room, "struct(");
                for (size_t i = 0; i < host->length(v); i++) {
                        if (i)
                                strncat(buf, ",", cap - strlen(buf) - 1);
                        strncat(buf, host->struct_field_name(v, i), cap - strlen(buf) - 1);
                        strncat(buf, "=", cap - strlen(buf) - 1);
                        describe(buf, cap, host->struct_get(v, i));
                }
                strncat(buf, ")", cap - strlen(buf) - 1);
                if (host->length(v) && host->struct_find(v, host->struct_field_name(v, 0)) != host->struct_get(v, 0))
                        strncat(buf, "!find", cap - strlen(buf) - 1);
                break;
        }
}

static int describe_fn(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs,
                       const sl_udf_value **result)
{
        char buf[1024] = "";
        (void)nargs;
        describe(buf, sizeof buf, args[0]);
        *result = host->make_string(call, buf, strlen(buf));
        return SL_UDF_OK;
}

static int pair_map(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs,
                    const sl_udf_value **result)
{
        sl_udf_value *m = host->new_map(call, 2);
        (void)nargs;
        if (host->map_set(m, 0, args[0], args[1]) || host->map_set(m, 1, host->make_string(call, "twice", 5),
                                                                   host->make_bigint(call, 2 * host->get_bigint(args[1]))))
                return host->error(call, "map_set failed");
        if (host->map_set(m, 2, args[0], args[1]) != SL_UDF_ERROR)
                return host->error(call, "map_set out of range accepted");
        *result = m;
        return SL_UDF_OK;
}

static int count_args(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs,
                      const sl_udf_value **result)
{
        (void)args;
        *result = host->make_bigint(call, (int64_t)nargs);
        return SL_UDF_OK;
}

static int udata_fn(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs, const sl_udf_value **result)
{
        const char *s = host->call_udata(call);
        char buf[128];
        (void)args, (void)nargs;
        snprintf(buf, sizeof buf, "%s:%s", host->call_name(call), s);
        *result = host->make_string(call, buf, strlen(buf));
        return SL_UDF_OK;
}

static int make_dec(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs, const sl_udf_value **result)
{
        (void)nargs;
        if (host->kind(args[0]) == SL_UDF_STRING) {
                size_t len;
                const char *s = host->get_string(args[0], &len);
                char text[64];
                snprintf(text, sizeof text, "%.*s", (int)len, s);
                *result = host->make_decimal_text(call, text, 6, 2);
        } else {
                *result = host->make_decimal(call, host->get_bigint(args[0]), 6, 2);
        }
        return *result ? SL_UDF_OK : SL_UDF_ERROR;
}

/* UDF_POINT(lat, lon): a built STRUCT with a built ARRAY inside; with one argument a STRUCT of
 * the wrong field count. */
static int point(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs, const sl_udf_value **result)
{
        sl_udf_value *st = host->new_struct(call, nargs == 2 ? 3 : 1);
        sl_udf_value *tags = host->new_array(call, 1);
        host->array_set(tags, 0, host->make_string(call, "t", 1));
        host->struct_set(st, 0, args[0]);
        if (nargs == 2) {
                host->struct_set(st, 1, args[1]);
                host->struct_set(st, 2, tags);
        }
        *result = st;
        return SL_UDF_OK;
}

/* UDF_LATE_REGISTER(): tries to register a function after loading; returns the refusal text. */
static int late_register(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs,
                         const sl_udf_value **result);

/* UDF_CONFIG(): the setting "greeting" read at load time, or NULL. */
static const char *greeting;

static int config_fn(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs,
                     const sl_udf_value **result)
{
        (void)args, (void)nargs;
        *result = greeting ? host->make_string(call, greeting, strlen(greeting)) : NULL;
        return SL_UDF_OK;
}

/* COUNT_BYTES_AGG(STRING): total bytes of the strings seen; state = 8 bytes big-endian. */
static const sl_udf_value *put_total(sl_udf_call *call, uint64_t total)
{
        uint8_t *b;
        const sl_udf_value *v = host->alloc_bytes(call, 8, &b);
        for (int i = 0; i < 8; i++)
                b[i] = (uint8_t)(total >> (56 - 8 * i));
        return v;
}

static uint64_t get_total(const sl_udf_value *state)
{
        size_t len;
        const uint8_t *b = host->get_bytes(state, &len);
        uint64_t t = 0;
        for (size_t i = 0; i < 8 && i < len; i++)
                t = t << 8 | b[i];
        return t;
}

static int cb_init(sl_udf_call *call, const sl_udf_value **state)
{
        *state = put_total(call, 0);
        return SL_UDF_OK;
}

static int cb_acc(sl_udf_call *call, const sl_udf_value *state, const sl_udf_value *const *args, size_t nargs,
                  const sl_udf_value **out)
{
        (void)nargs;
        *out = put_total(call, get_total(state) + host->length(args[0]));
        return SL_UDF_OK;
}

static int cb_result(sl_udf_call *call, const sl_udf_value *state, const sl_udf_value **result)
{
        *result = host->make_bigint(call, (int64_t)get_total(state));
        return SL_UDF_OK;
}

static const sl_udf_aggregate count_bytes = {
        .size = sizeof(sl_udf_aggregate), .init = cb_init, .accumulate = cb_acc, .result = cb_result};

#define OV(p, r, f, fn) {.size = sizeof(sl_udf_overload), .params = (p), .returns = (r), .flags = (f), .invoke = (fn)}

static const sl_udf_overload fail_ov[] = {OV("STRING s", "STRING", 0, fail)};
static const sl_udf_overload fail_silent_ov[] = {OV("", "STRING", 0, fail_silent)};
static const sl_udf_overload wrong_type_ov[] = {OV("", "DOUBLE", 0, wrong_type)};
static const sl_udf_overload widen_ov[] = {OV("", "BIGINT", 0, widen)};
static const sl_udf_overload describe_ov[] = {OV("ANY v", "STRING", 0, describe_fn)};
static const sl_udf_overload pair_map_ov[] = {OV("STRING k, BIGINT v", "MAP<STRING, BIGINT>", 0, pair_map)};
static const sl_udf_overload count_args_ov[] = {OV("STRING... parts", "BIGINT", 0, count_args)};
static const sl_udf_overload udata_ov[] = {{.size = sizeof(sl_udf_overload), .params = "", .returns = "STRING",
                                            .invoke = udata_fn, .udata = (void *)"the-udata"}};
static const sl_udf_overload make_dec_ov[] = {OV("BIGINT unscaled", "DECIMAL(6, 2)", 0, make_dec),
                                              OV("STRING text", "DECIMAL(6,2)", 0, make_dec)};
static const sl_udf_overload point_ov[] = {OV("DOUBLE lat, DOUBLE lon", "STRUCT<LAT DOUBLE, LON DOUBLE, TAGS ARRAY<STRING>>",
                                              0, point),
                                           OV("DOUBLE lat", "STRUCT<LAT DOUBLE, LON DOUBLE, TAGS ARRAY<STRING>>", 0,
                                              point)};
static const sl_udf_overload config_ov[] = {OV("", "STRING", 0, config_fn)};
static const sl_udf_overload late_ov[] = {OV("", "STRING", 0, late_register)};

static int late_register(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs,
                         const sl_udf_value **result)
{
        char msg[256] = "";
        sl_udf_function fn = {sizeof(sl_udf_function), "UDF_LATE", SL_UDF_SCALAR, NULL, NULL, NULL, NULL, late_ov, 1};
        (void)args, (void)nargs;
        if (host->register_function(&fn, msg, sizeof msg) != SL_UDF_ERROR)
                return host->error(call, "late registration accepted");
        *result = host->make_string(call, msg, strlen(msg));
        return SL_UDF_OK;
}
static const sl_udf_overload count_bytes_ov[] = {
        {.size = sizeof(sl_udf_overload), .params = "STRING s", .returns = "BIGINT", .aggregate = &count_bytes}};

int sl_udf_entry(const sl_udf_host *h, char *errbuf, size_t errlen)
{
        host = h;
        if (h->size < sizeof(sl_udf_host) || h->abi_major != SL_UDF_ABI_MAJOR) {
                snprintf(errbuf, errlen, "unexpected host table");
                return 1;
        }
        greeting = host->config_get("UDF_Config", "greeting");
        const sl_udf_function fns[] = {
                {sizeof(sl_udf_function), "UDF_FAIL", SL_UDF_SCALAR, NULL, "fails", NULL, NULL, fail_ov, 1},
                {sizeof(sl_udf_function), "UDF_FAIL_SILENT", SL_UDF_SCALAR, NULL, NULL, NULL, NULL, fail_silent_ov, 1},
                {sizeof(sl_udf_function), "UDF_WRONG_TYPE", SL_UDF_SCALAR, NULL, NULL, NULL, NULL, wrong_type_ov, 1},
                {sizeof(sl_udf_function), "UDF_WIDEN", SL_UDF_SCALAR, NULL, NULL, NULL, NULL, widen_ov, 1},
                {sizeof(sl_udf_function), "UDF_DESCRIBE", SL_UDF_SCALAR, "TEST", "renders a value", "probe author",
                 "2.5", describe_ov, 1},
                {sizeof(sl_udf_function), "UDF_PAIR_MAP", SL_UDF_SCALAR, NULL, NULL, NULL, NULL, pair_map_ov, 1},
                {sizeof(sl_udf_function), "UDF_COUNT_ARGS", SL_UDF_SCALAR, NULL, NULL, NULL, NULL, count_args_ov, 1},
                {sizeof(sl_udf_function), "UDF_UDATA", SL_UDF_SCALAR, NULL, NULL, NULL, NULL, udata_ov, 1},
                {sizeof(sl_udf_function), "UDF_MAKE_DEC", SL_UDF_SCALAR, NULL, NULL, NULL, NULL, make_dec_ov, 2},
                {sizeof(sl_udf_function), "UDF_POINT", SL_UDF_SCALAR, NULL, NULL, NULL, NULL, point_ov, 2},
                {sizeof(sl_udf_function), "UDF_CONFIG", SL_UDF_SCALAR, NULL, NULL, NULL, NULL, config_ov, 1},
                {sizeof(sl_udf_function), "UDF_LATE_REGISTER", SL_UDF_SCALAR, NULL, NULL, NULL, NULL, late_ov, 1},
                {sizeof(sl_udf_function), "UDF_COUNT_BYTES", SL_UDF_AGGREGATE, NULL, NULL, NULL, NULL, count_bytes_ov, 1},
        };
        for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
                if (host->register_function(&fns[i], errbuf, errlen))
                        return 1;
        host->log(SL_UDF_LOG_DEBUG, "probe registered %zu functions", sizeof fns / sizeof fns[0]);
        return 0;
}
