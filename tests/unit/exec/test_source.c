/* test_source.c: the source operator never crashes on what a topic may hold. Valid records of
 * several formats and schemas are mutated (bytes flipped, cut, duplicated) and piped through a
 * planned query with a deterministic pseudo-random generator; every record must either come out
 * of the sink or be counted in the processing log, and the records around a bad one still flow. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "exec/driver.h"
#include "plan/plan.h"
#include "sql/analyze.h"
#include "sql/parse.h"
#include "exec_test.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t next_rand(void)
{
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return (uint32_t)rng;
}

typedef struct scenario {
        const char *ddl;       /* the source */
        const char *query;     /* a CSAS over it */
        const char *keys[3];   /* valid keys */
        const char *values[3]; /* valid values */
} scenario;

static const scenario scenarios[] = {
        {"CREATE STREAM S (K STRING KEY, A INT, B ARRAY<MAP<STRING, DOUBLE>>, C STRUCT<X DECIMAL(4,2), Y BYTES>, "
         "D TIMESTAMP) WITH (kafka_topic='in', value_format='JSON');",
         "CREATE STREAM O AS SELECT K, A * 2 AS A2, B[1]['x'] AS BX, C->X AS CX, D FROM S WHERE A IS NOT NULL;",
         {"k1", "", "\xff\xfe"},
         {"{\"A\":1,\"B\":[{\"x\":1.5}],\"C\":{\"X\":12.34,\"Y\":\"AQI=\"},\"D\":1000}", "{\"a\":2,\"b\":null}",
          "{\"A\":3,\"B\":[{},{\"y\":-1e300}],\"C\":{\"X\":0.1},\"D\":\"2020-01-01T00:00:00.000\"}"}},
        {"CREATE STREAM S (K INT KEY, A BIGINT, B STRING, C BOOLEAN) "
         "WITH (kafka_topic='in', value_format='DELIMITED');",
         "CREATE STREAM O AS SELECT K, B, A + 1 AS A1 FROM S WHERE C;",
         {"\0\0\0\1", "\0\0\0\2", "\x80\0\0\0"},
         {"1,\"x,y\",true", "2,,false", "-9223372036854775808,\"\"\"q\"\"\",TRUE"}},
        {"CREATE STREAM S (K BIGINT KEY, V DOUBLE) WITH (kafka_topic='in', key_format='JSON', value_format='KAFKA');",
         "CREATE STREAM O AS SELECT K, V FROM S PARTITION BY V;",
         {"1", "-5", "12345678901234567890"},
         {"\x3f\xf0\0\0\0\0\0\0", "\0\0\0\0\0\0\0\0", "\x7f\xf8\0\0\0\0\0\0"}},
};

static size_t len_of(const scenario *sc, const char *s, bool key, int i)
{
        /* KAFKA/binary samples hold NULs: their lengths are fixed */
        if (!key && strstr(sc->ddl, "value_format='KAFKA'"))
                return 8;
        if (key && strstr(sc->ddl, "K INT KEY"))
                return 4;
        (void)i;
        return strlen(s);
}

static void mutate(uint8_t *buf, size_t *len, size_t cap)
{
        switch (next_rand() % 5) {
        case 0: /* flip bits */
                for (int k = 0; k < 3 && *len; k++)
                        buf[next_rand() % *len] ^= (uint8_t)(1u << (next_rand() % 8));
                break;
        case 1: /* cut */
                *len = *len ? next_rand() % *len : 0;
                break;
        case 2: /* duplicate a run */
                if (*len && *len * 2 < cap) {
                        memcpy(buf + *len, buf, *len);
                        *len *= 2;
                }
                break;
        case 3: /* random bytes */
                *len = next_rand() % 40;
                for (size_t k = 0; k < *len; k++)
                        buf[k] = (uint8_t)next_rand();
                break;
        default: /* unchanged */
                break;
        }
}

Test(exec_source, mutated_records_are_skipped_or_processed_never_crash, .timeout = 60)
{
        sl_func_registry *reg = sl_func_registry_new();
        sl_err_detail e;

        sl_log_set_level(SL_LOG_OFF);
        cr_assert_eq(sl_func_registry_add_builtins(reg, &e), SL_OK);
        for (size_t s = 0; s < sizeof(scenarios) / sizeof(*scenarios); s++) {
                const scenario *sc = &scenarios[s];
                sl_catalog *cat = sl_catalog_mem_new();
                sl_script *script = NULL;
                sl_plan *plan = NULL;
                sl_exec_driver *d = sl_exec_driver_new();
                char sql[2048];
                const sl_exec_record *out;
                uint64_t piped = 0, skipped, passed;

                snprintf(sql, sizeof(sql), "%s%s", sc->ddl, sc->query);
                plan = plan_of(sql, cat, reg, &script);
                cr_assert_eq(sl_exec_driver_add(d, plan, &e), SL_OK);
                for (int n = 0; n < 3000; n++) {
                        uint8_t kb[256], vb[512];
                        int i = (int)(next_rand() % 3), j = (int)(next_rand() % 3);
                        size_t kl = len_of(sc, sc->keys[i], true, i), vl = len_of(sc, sc->values[j], false, j);

                        memcpy(kb, sc->keys[i], kl);
                        memcpy(vb, sc->values[j], vl);
                        if (n % 2) {
                                mutate(kb, &kl, sizeof(kb));
                                mutate(vb, &vl, sizeof(vb));
                        }
                        sl_slice value = next_rand() % 50 ? SL_SLICE(vb, vl) : SL_SLICE(NULL, 0);

                        cr_assert_eq(sl_exec_driver_pipe(d, "in", -1, SL_SLICE(kb, kl), value, NULL, 0, n, &e), SL_OK,
                                     "%s", e.message);
                        piped++;
                }
                skipped = sl_proclog_skipped(sl_exec_driver_log(d, 0));
                passed = sl_exec_driver_outputs(d, &out);
                cr_expect_gt(skipped, 0, "scenario %zu: nothing was malformed", s);
                cr_expect_gt(passed, 0, "scenario %zu: nothing came through", s);
                cr_expect_leq(passed + skipped, piped, "scenario %zu: %llu out + %llu skipped > %llu in", s,
                              (unsigned long long)passed, (unsigned long long)skipped, (unsigned long long)piped);
                sl_exec_driver_free(d);
                sl_plan_free(plan);
                sl_script_free(script);
                sl_catalog_free(cat);
        }
        sl_func_registry_free(reg);
}
