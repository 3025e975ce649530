/* test_engine_print.c: PRINT's record formatter (engine_print.c) without Kafka: the key and value
 * formats guessed from the bytes the way ksqlDB's RecordFormatter guesses them (windowed keys,
 * null keys, bytes no format reads), the format lines only when the list changed, the record lines
 * with rowtime, INTERVAL and LIMIT; and the statements PRINT refuses before it reads anything. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/mem.h"
#include "engine/engine_int.h"
#include "kafka/consumer.h"

static uint8_t keybuf[16][32];

/* A record: key bytes (NULL: none), value text (NULL: none). */
static sl_kafka_msg msg(const uint8_t *key, size_t klen, const char *value, int64_t ts)
{
        sl_kafka_msg m;
        memset(&m, 0, sizeof(m));
        m.topic = "t";
        m.timestamp = ts;
        m.key = (sl_slice){key, klen};
        m.value = (sl_slice){(const uint8_t *)value, value ? strlen(value) : 0};
        return m;
}

static const uint8_t *be64(int slot, int64_t v)
{
        for (int i = 0; i < 8; i++)
                keybuf[slot][i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
        return keybuf[slot];
}

/* Runs one batch and checks its lines against expected[] (NULL-terminated). */
static bool batch(sl_engine_print_fmt *fmt, const sl_kafka_msg *msgs, size_t n, const char *const *expected)
{
        sl_vec lines;
        sl_vec_init(&lines, sizeof(char *));
        bool more = sl_engine_print_fmt_batch(fmt, msgs, n, &lines);
        size_t i = 0;
        for (; expected[i] != NULL; i++) {
                cr_assert_lt(i, lines.len, "missing line %zu: %s", i, expected[i]);
                cr_expect_str_eq(SL_VEC_AT(&lines, char *, i), expected[i]);
        }
        cr_expect_eq(lines.len, i, "%zu lines, expected %zu", lines.len, i);
        for (size_t k = 0; k < lines.len; k++)
                sl_free(SL_VEC_AT(&lines, char *, k));
        sl_vec_deinit(&lines);
        return more;
}

Test(engine_engine_print, bigint_keys_and_json_values)
{
        sl_engine_print_fmt *fmt = sl_engine_print_fmt_new(-1, -1);
        sl_kafka_msg m[2] = {msg(be64(0, 18), 8, "{\"V\":\"a\"}", 1647618802989LL),
                             msg(be64(1, 2), 8, "[1,2]", 0)};
        m[1].partition = 3;
        const char *const want[] = {
                "Key format: KAFKA_BIGINT or KAFKA_DOUBLE or KAFKA_STRING",
                "Value format: JSON or KAFKA_STRING",
                "rowtime: 2022/03/18 15:53:22.989 Z, key: 18, value: {\"V\":\"a\"}, partition: 0",
                "rowtime: 1970/01/01 00:00:00.000 Z, key: 2, value: [1,2], partition: 3",
                NULL,
        };
        cr_assert(batch(fmt, m, 2, want));
        sl_engine_print_fmt_free(fmt);
}

Test(engine_engine_print, format_lines_only_when_the_list_changes)
{
        sl_engine_print_fmt *fmt = sl_engine_print_fmt_new(-1, -1);
        sl_kafka_msg a = msg((const uint8_t *)"k1", 2, "{\"A\":1}", -1);
        const char *const first[] = {"Key format: KAFKA_STRING", "Value format: JSON or KAFKA_STRING",
                                     "rowtime: N/A, key: k1, value: {\"A\":1}, partition: 0", NULL};
        cr_assert(batch(fmt, &a, 1, first));
        const char *const same[] = {"rowtime: N/A, key: k1, value: {\"A\":1}, partition: 0", NULL};
        cr_assert(batch(fmt, &a, 1, same));
        /* a value that is not JSON drops JSON for good, and the batch shows it as a string */
        sl_kafka_msg b[2] = {msg((const uint8_t *)"k2", 2, "{\"B\":2}", -1), msg((const uint8_t *)"k3", 2, "plain", -1)};
        const char *const changed[] = {"Value format: KAFKA_STRING",
                                       "rowtime: N/A, key: k2, value: {\"B\":2}, partition: 0",
                                       "rowtime: N/A, key: k3, value: plain, partition: 0", NULL};
        cr_assert(batch(fmt, b, 2, changed));
        sl_engine_print_fmt_free(fmt);
}

Test(engine_engine_print, null_keys_and_values)
{
        sl_engine_print_fmt *fmt = sl_engine_print_fmt_new(-1, -1);
        sl_kafka_msg m[2] = {msg(NULL, 0, "1", 5), msg(NULL, 0, NULL, 5)};
        const char *const want[] = {
                "Key format: \xc2\xaf\\_(\xe3\x83\x84)_/\xc2\xaf - no data processed",
                "Value format: JSON or KAFKA_STRING",
                "rowtime: 1970/01/01 00:00:00.005 Z, key: <null>, value: 1, partition: 0",
                "rowtime: 1970/01/01 00:00:00.005 Z, key: <null>, value: <null>, partition: 0",
                NULL,
        };
        cr_assert(batch(fmt, m, 2, want));
        sl_engine_print_fmt_free(fmt);
}

Test(engine_engine_print, windowed_keys)
{
        /* INT key 7 then the window start 1000, as a time-windowed aggregation writes it */
        uint8_t tw[12] = {0, 0, 0, 7};
        memcpy(tw + 4, be64(0, 1000), 8);
        sl_engine_print_fmt *fmt = sl_engine_print_fmt_new(-1, -1);
        sl_kafka_msg m = msg(tw, sizeof(tw), "{}", -1);
        const char *const want[] = {
                "Key format: HOPPING(KAFKA_INT) or TUMBLING(KAFKA_INT) or HOPPING(KAFKA_STRING) or "
                "TUMBLING(KAFKA_STRING)",
                "Value format: JSON or KAFKA_STRING",
                "rowtime: N/A, key: [7@1000/-], value: {}, partition: 0",
                NULL,
        };
        cr_assert(batch(fmt, &m, 1, want));
        sl_engine_print_fmt_free(fmt);
        /* a session key: key, then the end, then the start */
        uint8_t sw[20] = {0, 0, 0, 7};
        memcpy(sw + 4, be64(1, 2000), 8);
        memcpy(sw + 12, be64(2, 1000), 8);
        fmt = sl_engine_print_fmt_new(-1, -1);
        m = msg(sw, sizeof(sw), "{}", -1);
        const char *const want2[] = {
                "Key format: SESSION(KAFKA_INT) or SESSION(KAFKA_STRING)",
                "Value format: JSON or KAFKA_STRING",
                "rowtime: N/A, key: [7@1000/2000], value: {}, partition: 0",
                NULL,
        };
        cr_assert(batch(fmt, &m, 1, want2));
        sl_engine_print_fmt_free(fmt);
}

Test(engine_engine_print, bytes_no_format_reads)
{
        sl_engine_print_fmt *fmt = sl_engine_print_fmt_new(-1, -1);
        sl_kafka_msg m = msg((const uint8_t *)"k", 1, "\xff\x01" "a\\\n", -1);
        const char *const want[] = {
                "Key format: KAFKA_STRING",
                "Value format:  does not match any supported format. It may be a STRING with encoding other than "
                "UTF8, or some other format.",
                "rowtime: N/A, key: k, value: \\xFF\\x01a\\x5C\\x0A, partition: 0",
                NULL,
        };
        cr_assert(batch(fmt, &m, 1, want));
        sl_engine_print_fmt_free(fmt);
}

Test(engine_engine_print, interval_and_limit)
{
        sl_engine_print_fmt *fmt = sl_engine_print_fmt_new(2, 2);
        sl_kafka_msg m[3] = {msg((const uint8_t *)"a", 1, "0", -1), msg((const uint8_t *)"b", 1, "1", -1),
                             msg((const uint8_t *)"c", 1, "2", -1)};
        const char *const first[] = {"Key format: KAFKA_STRING", "Value format: JSON or KAFKA_STRING",
                                     "rowtime: N/A, key: a, value: 0, partition: 0",
                                     "rowtime: N/A, key: c, value: 2, partition: 0", NULL};
        /* records 0 and 2 of the first batch are printed; the limit is reached */
        cr_assert_not(batch(fmt, m, 3, first));
        sl_engine_print_fmt_free(fmt);
        /* INTERVAL counts across batches */
        fmt = sl_engine_print_fmt_new(2, -1);
        const char *const one[] = {"Key format: KAFKA_STRING", "Value format: JSON or KAFKA_STRING",
                                   "rowtime: N/A, key: a, value: 0, partition: 0", NULL};
        cr_assert(batch(fmt, m, 2, one));
        const char *const two[] = {"rowtime: N/A, key: c, value: 2, partition: 0", NULL};
        cr_assert(batch(fmt, m + 2, 1, two));
        sl_engine_print_fmt_free(fmt);
}

/* Refusals that come before any Kafka client: no Kafka, INTERVAL below one. */
Test(engine_engine_print, refused_without_kafka)
{
        sl_config *cfg = sl_config_new();
        sl_engine *engine;
        sl_err_detail err;
        sl_engine_result res;
        sl_engine_query_header hdr;
        sl_engine_query *q = NULL;
        sl_arena arena;

        sl_config_set(cfg, "sluice.engine.kafka", "false");
        cr_assert_eq(sl_engine_new(cfg, &engine, &err), SL_OK);
        sl_arena_init(&arena, 0);
        sl_engine_request req = {.sql = "PRINT 'topic' FROM BEGINNING;", .command_seq = -1};
        cr_assert_neq(sl_engine_query_start(engine, &req, NULL, &arena, &hdr, &q, &res), SL_OK);
        cr_assert_null(q);
        cr_assert_eq(res.error_code, 40001);
        cr_assert_str_eq(res.error_message, "PRINT needs Kafka (sluice.engine.kafka is false)");
        sl_engine_result_deinit(&res);
        sl_arena_deinit(&arena);
        sl_engine_free(engine);
        sl_config_free(cfg);
}
