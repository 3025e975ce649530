/* test_avro.c: the AVRO and JSON_SR formats over an in-test schema registry: Confluent's wire bytes,
 * every ksqlDB type round-tripped, records written by a foreign writer schema (non-null fields,
 * enum, float, fixed, micros, skipped and missing fields) resolved to columns, malformed input,
 * the schema ksqlDB writes, column inference and Avro's schema resolution rules. */
#include "common/mem.h"
#include "serde/avro.h"
#include "serde_test.h"

/* ---- an in-test registry: schemas by id, registered by text ---- */

typedef struct test_registry {
        sl_serde_registry base;  /* must be first */
        char *texts[32];         /* schema text of id i + 1 */
        int n;
} test_registry;

static sl_err tr_by_id(const sl_serde_registry *reg, int32_t id, char **out, sl_err_detail *err)
{
        const test_registry *tr = (const test_registry *)reg;
        if (id < 1 || id > tr->n)
                return sl_err_set(err, SL_ERR_NOT_FOUND, "Schema %d not found", (int)id);
        *out = sl_strdup(tr->texts[id - 1]);
        return SL_OK;
}

static sl_err tr_register(const sl_serde_registry *reg, const char *subject, const char *type, const char *schema,
                          int32_t *id, sl_err_detail *err)
{
        test_registry *tr = (test_registry *)reg;
        (void)subject;
        (void)type;
        (void)err;
        for (int i = 0; i < tr->n; i++)
                if (strcmp(tr->texts[i], schema) == 0) {
                        *id = i + 1;
                        return SL_OK;
                }
        tr->texts[tr->n++] = sl_strdup(schema);
        *id = tr->n;
        return SL_OK;
}

static sl_err tr_latest(const sl_serde_registry *reg, const char *subject, int32_t *id, char **schema,
                        sl_err_detail *err)
{
        (void)subject;
        const test_registry *tr = (const test_registry *)reg;
        if (!tr->n)
                return sl_err_set(err, SL_ERR_NOT_FOUND, "none");
        *id = tr->n;
        *schema = sl_strdup(tr->texts[tr->n - 1]);
        return SL_OK;
}

static test_registry reg;

static void setup(void)
{
        serde_test_setup();
        memset(&reg, 0, sizeof reg);
        reg.base.schema_by_id = tr_by_id;
        reg.base.register_schema = tr_register;
        reg.base.latest = tr_latest;
        sl_serde_registry_set_default(&reg.base);
}

static void teardown(void)
{
        sl_serde_registry_set_default(NULL);
        for (int i = 0; i < reg.n; i++)
                sl_free(reg.texts[i]);
        serde_test_teardown();
}

TestSuite(serde_avro, .init = setup, .fini = teardown);

/* A serde for `columns` under subject t-value, writing schema id `id`. */
static sl_serde *make(sl_arena *arena, sl_serde_format fmt, const char *columns, bool unwrapped, int32_t id)
{
        return make_serde_like(arena, fmt, columns,
                               (sl_serde_schema){.unwrapped = unwrapped, .subject = "t-value", .schema_id = id});
}

/* Decodes JSON `json` with the JSON serde `js` into `row` (composites borrow the serde's types). */
static void json_row(sl_arena *arena, const sl_serde *js, const char *json, sl_value *row)
{
        bool rn;
        sl_err_detail err;
        cr_assert_eq(sl_serde_deserialize(js, sl_slice_from_cstr(json), arena, NULL, row, &rn, &err), SL_OK, "%s",
                     err.message);
}

static sl_slice encode(sl_arena *arena, const sl_serde *serde, const sl_value *row)
{
        sl_buf out;
        bool null;
        sl_err_detail err;
        sl_buf_init(&out);
        cr_assert_eq(sl_serde_serialize(serde, row, &out, &null, &err), SL_OK, "%s", err.message);
        sl_slice s = SL_SLICE(sl_arena_memdup(arena, out.data, out.len), out.len);
        sl_buf_deinit(&out);
        return s;
}

Test(serde_avro, round_trips_every_type)
{
        static const char *cols = "A BOOLEAN, B INT, C BIGINT, D DOUBLE, E DECIMAL(4,2), F STRING, G BYTES, H DATE, "
                                  "I TIME, J TIMESTAMP, K ARRAY<INT>, L MAP<STRING,DOUBLE>, M STRUCT<X INT, Y STRING>";
        static const char *rows[] = {
                "{\"A\":true,\"B\":-7,\"C\":9007199254740993,\"D\":1.5,\"E\":-12.34,\"F\":\"h\\u00e9\",\"G\":\"AQID\","
                "\"H\":19000,\"I\":3723004,\"J\":1700000000123,\"K\":[1,null,-3],\"L\":{\"a\":0.25,\"b\":null},"
                "\"M\":{\"X\":5,\"Y\":null}}",
                "{\"A\":null,\"B\":null,\"C\":null,\"D\":null,\"E\":null,\"F\":null,\"G\":null,\"H\":null,\"I\":null,"
                "\"J\":null,\"K\":[],\"L\":{},\"M\":null}",
                "{\"E\":99.99,\"D\":-0.0,\"K\":null,\"F\":\"\"}",
        };
        sl_arena arena;
        sl_arena_init(&arena, 0);
        sl_serde *avro = make(&arena, SL_SERDE_AVRO, cols, false, 0);
        sl_serde *js = make_serde(&arena, SL_SERDE_JSON, cols, false, 0);
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
                sl_value row[16];
                json_row(&arena, js, rows[i], row);
                sl_slice bytes = encode(&arena, avro, row);
                cr_assert_eq(bytes.ptr[0], 0, "magic byte");
                cr_assert_eq(sl_load_be32(bytes.ptr + 1), 1, "schema id");
                char *want = render_row(&arena, row, 13, false);
                char *got = decode_text(&arena, avro, (const char *)bytes.ptr, bytes.len);
                cr_assert_str_eq(got, want, "row %zu", i);
        }
        cr_assert_eq(reg.n, 1, "one registration");
        sl_serde_free(js);
        sl_serde_free(avro);
        sl_arena_deinit(&arena);
}

Test(serde_avro, wire_bytes_of_a_record)
{
        sl_serde *avro = make(&arena, SL_SERDE_AVRO, "V INT, S STRING", false, 0);
        sl_value row[2] = {sl_value_int(-1), sl_value_string("ab", 2)};
        sl_slice b = encode(&arena, avro, row);
        /* magic, id 1, union branch 1 (zigzag 2), -1 (zigzag 1), branch 1, length 2, "ab" */
        static const uint8_t want[] = {0, 0, 0, 0, 1, 2, 1, 2, 4, 'a', 'b'};
        cr_assert_eq(b.len, sizeof want);
        cr_assert_eq(memcmp(b.ptr, want, sizeof want), 0);
        row[0] = sl_value_null();
        b = encode(&arena, avro, row);
        static const uint8_t want2[] = {0, 0, 0, 0, 1, 0, 2, 4, 'a', 'b'};
        cr_assert_eq(b.len, sizeof want2);
        cr_assert_eq(memcmp(b.ptr, want2, sizeof want2), 0);
        sl_serde_free(avro);
}

Test(serde_avro, unwrapped_values_and_nulls)
{
        sl_serde *avro = make(&arena, SL_SERDE_AVRO, "V BIGINT", true, 0);
        cr_assert_eq(reg.n, 0, "nothing registered before the first record");
        sl_value row[1] = {sl_value_bigint(64)};
        sl_slice b = encode(&arena, avro, row);
        static const uint8_t want[] = {0, 0, 0, 0, 1, 2, 0x80, 0x01};
        cr_assert_eq(b.len, sizeof want);
        cr_assert_eq(memcmp(b.ptr, want, sizeof want), 0);
        cr_assert_str_eq(reg.texts[0], "[\"null\",\"long\"]");
        cr_assert_str_eq(decode_text(&arena, avro, (const char *)b.ptr, b.len), "64");
        row[0] = sl_value_null();
        cr_assert_str_eq(encode_text(&arena, avro, row), "<absent>");
        /* the null branch of a writer's union is a null row */
        cr_assert_str_eq(decode_text(&arena, avro, "\0\0\0\0\1\0", 6), "<null row>");
        sl_serde_free(avro);
}

static void zz(sl_buf *b, int64_t v)
{
        uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
        while (z >= 0x80) {
                sl_buf_append_u8(b, (uint8_t)(z | 0x80));
                z >>= 7;
        }
        sl_buf_append_u8(b, (uint8_t)z);
}

Test(serde_avro, resolves_a_foreign_writer_schema)
{
        int32_t id;
        tr_register(&reg.base, "t-value", "AVRO",
                    "{\"type\":\"record\",\"name\":\"w\",\"fields\":["
                    "{\"name\":\"id\",\"type\":\"int\"},"
                    "{\"name\":\"extra\",\"type\":{\"type\":\"array\",\"items\":\"long\"}},"
                    "{\"name\":\"name\",\"type\":\"string\"},"
                    "{\"name\":\"kind\",\"type\":{\"type\":\"enum\",\"name\":\"K\",\"symbols\":[\"A\",\"B\"]}},"
                    "{\"name\":\"f\",\"type\":\"float\"},"
                    "{\"name\":\"fx\",\"type\":{\"type\":\"fixed\",\"name\":\"F2\",\"size\":2}},"
                    "{\"name\":\"d\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":4,\"scale\":2}},"
                    "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},"
                    "{\"name\":\"n\",\"type\":[\"string\",\"null\"]}]}",
                    &id, NULL);
        sl_buf b;
        sl_buf_init(&b);
        sl_buf_append_u8(&b, 0);
        sl_buf_append_be32(&b, (uint32_t)id);
        zz(&b, 300);                              /* id */
        zz(&b, -2); zz(&b, 2); zz(&b, 7); zz(&b, 8); zz(&b, 1); zz(&b, 9); zz(&b, 0); /* extra: a sized block, then one */
        zz(&b, 3); sl_buf_append(&b, "bob", 3);    /* name */
        zz(&b, 1);                                /* kind B */
        float f = 0.5f;
        sl_buf_append(&b, &f, 4);                 /* f (little-endian host) */
        sl_buf_append(&b, "\x01\x02", 2);         /* fx */
        zz(&b, 2); sl_buf_append(&b, "\xfb\x2e", 2); /* d: -1234 */
        zz(&b, 1700000000123456);                 /* ts micros */
        zz(&b, 1);                                /* n: the null branch */
        sl_serde *avro = make(&arena, SL_SERDE_AVRO,
                              "ID BIGINT, NAME STRING, KIND STRING, F DOUBLE, FX BYTES, D DECIMAL(5,3), TS TIMESTAMP, "
                              "N STRING, MISSING INT",
                              false, 0);
        cr_assert_str_eq(decode_text(&arena, avro, (const char *)b.data, b.len),
                         "300|\"bob\"|\"B\"|0.5|\"AQI=\"|-12.340|1700000000123|null|null");
        /* trailing garbage, truncation, an unknown id, a bad magic byte */
        sl_buf_append_u8(&b, 7);
        cr_assert(strstr(decode_text(&arena, avro, (const char *)b.data, b.len), "1 bytes after the record"));
        cr_assert(strstr(decode_text(&arena, avro, (const char *)b.data, 12), "ERR: malformed Avro data"));
        cr_assert_str_eq(decode_text(&arena, avro, "\0\0\0\0\x09\0", 6), "ERR: Schema 9 not found");
        cr_assert_str_eq(decode_text(&arena, avro, "\1\0\0\0\1\0", 6), "ERR: Unknown magic byte!");
        cr_assert_str_eq(decode_text(&arena, avro, "\0\0\0", 3), "ERR: Unknown magic byte!");
        sl_buf_deinit(&b);
        sl_serde_free(avro);
}

Test(serde_avro, type_mismatch_is_a_serde_error)
{
        int32_t id;
        tr_register(&reg.base, "t-value", "AVRO", "{\"type\":\"record\",\"name\":\"w\",\"fields\":[{\"name\":\"V\",\"type\":\"string\"}]}",
                    &id, NULL);
        sl_serde *avro = make(&arena, SL_SERDE_AVRO, "V INT", false, 0);
        cr_assert_str_eq(decode_text(&arena, avro, "\0\0\0\0\1\2x", 7), "ERR: cannot convert Avro string to INTEGER");
        sl_serde_free(avro);
}

Test(serde_avro, writes_with_a_given_schema_id)
{
        int32_t id;
        tr_register(&reg.base, "t-value", "AVRO",
                    "{\"type\":\"record\",\"name\":\"given\",\"fields\":[{\"name\":\"b\",\"type\":\"string\"},"
                    "{\"name\":\"a\",\"type\":\"long\"},{\"name\":\"c\",\"type\":[\"null\",\"int\"],\"default\":null}]}",
                    &id, NULL);
        sl_serde *avro = make(&arena, SL_SERDE_AVRO, "A BIGINT, B STRING", false, id);
        sl_value row[2] = {sl_value_bigint(3), sl_value_string("z", 1)};
        sl_slice b = encode(&arena, avro, row);
        static const uint8_t want[] = {0, 0, 0, 0, 1, 2, 'z', 6, 0};
        cr_assert_eq(b.len, sizeof want);
        cr_assert_eq(memcmp(b.ptr, want, sizeof want), 0);
        row[1] = sl_value_null();
        cr_assert(strstr(encode_text(&arena, avro, row), "ERR: null value for a non-optional Avro string"));
        cr_assert_eq(reg.n, 1, "nothing registered");
        sl_serde_free(avro);
}

Test(serde_avro, json_sr_header_then_json)
{
        sl_serde *js = make(&arena, SL_SERDE_JSON_SR, "A INT, B STRING", false, 0);
        sl_value row[2] = {sl_value_int(1), sl_value_string("x", 1)};
        sl_slice b = encode(&arena, js, row);
        cr_assert_eq(b.len, 5 + strlen("{\"A\":1,\"B\":\"x\"}"));
        cr_assert_eq(memcmp(b.ptr, "\0\0\0\0\1{\"A\":1,\"B\":\"x\"}", b.len), 0);
        cr_assert(strstr(reg.texts[0], "\"type\":\"object\""));
        cr_assert_str_eq(decode_text(&arena, js, (const char *)b.ptr, b.len), "1|\"x\"");
        cr_assert_str_eq(decode_text(&arena, js, "{\"A\":1}", (size_t)-1), "ERR: Unknown magic byte!");
        sl_serde_free(js);
}

Test(serde_avro, schema_of_columns_is_ksqldbs)
{
        sl_serde_column cols[2] = {{"A", sl_type_int()}, {"D", sl_type_decimal(4, 2)}};
        sl_str s;
        sl_str_init(&s);
        sl_avro_schema_of_columns(&s, cols, 2, false, NULL);
        cr_assert_str_eq(sl_str_cstr(&s),
                         "{\"type\":\"record\",\"name\":\"KsqlDataSourceSchema\",\"namespace\":\"io.confluent.ksql.avro_schemas\","
                         "\"fields\":[{\"name\":\"A\",\"type\":[\"null\",\"int\"],\"default\":null},{\"name\":\"D\",\"type\":"
                         "[\"null\",{\"type\":\"bytes\",\"scale\":2,\"precision\":4,\"connect.version\":1,\"connect.parameters\":"
                         "{\"scale\":\"2\",\"connect.decimal.precision\":\"4\"},\"connect.name\":"
                         "\"org.apache.kafka.connect.data.Decimal\",\"logicalType\":\"decimal\"}],\"default\":null}],"
                         "\"connect.name\":\"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema\"}");
        sl_str_reset(&s);
        sl_avro_schema_of_columns(&s, cols, 1, false, "com.x.Rec");
        cr_assert(strstr(sl_str_cstr(&s), "\"name\":\"Rec\",\"namespace\":\"com.x\""));
        sl_str_deinit(&s);
}

Test(serde_avro, infers_sql_types)
{
        static const struct {
                const char *schema;
                const char *type;  /* sl_type_print, or "ERR" */
        } cases[] = {
                {"\"int\"", "INTEGER"},
                {"[\"null\",\"long\"]", "BIGINT"},
                {"\"float\"", "DOUBLE"},
                {"{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\"]}", "STRING"},
                {"{\"type\":\"fixed\",\"name\":\"f\",\"size\":3}", "BYTES"},
                {"{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":6,\"scale\":1}", "DECIMAL(6, 1)"},
                {"{\"type\":\"int\",\"logicalType\":\"date\"}", "DATE"},
                {"{\"type\":\"long\",\"logicalType\":\"time-micros\"}", "TIME"},
                {"{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}", "TIMESTAMP"},
                {"{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":\"string\"}}", "MAP<STRING, ARRAY<STRING>>"},
                {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}", "STRUCT<`A` INTEGER>"},
                {"[\"int\",\"string\"]", "ERR"},
                {"{\"type\":\"record\",\"name\":\"l\",\"fields\":[{\"name\":\"next\",\"type\":[\"null\",\"l\"]}]}", "ERR"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_arena arena;
                const sl_avro *s;
                const sl_type *t;
                sl_err_detail err;
                sl_arena_init(&arena, 0);
                cr_assert_eq(sl_avro_parse(&arena, cases[i].schema, &s, &err), SL_OK, "%s: %s", cases[i].schema, err.message);
                if (strcmp(cases[i].type, "ERR") == 0) {
                        cr_assert_neq(sl_avro_to_type(&arena, s, &t, &err), SL_OK, "%s", cases[i].schema);
                } else {
                        cr_assert_eq(sl_avro_to_type(&arena, s, &t, &err), SL_OK, "%s: %s", cases[i].schema, err.message);
                        cr_assert_str_eq(sl_type_to_cstr(&arena, t), cases[i].type, "%s", cases[i].schema);
                }
                sl_arena_deinit(&arena);
        }
}

Test(serde_avro, rejects_invalid_schemas)
{
        static const char *bad[] = {
                "{\"type\":\"record\",\"name\":\"r\"}",
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"1a\",\"type\":\"int\"}]}",
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"a\",\"type\":\"int\"}]}",
                "\"nosuch\"",
                "[\"int\",\"int\"]",
                "[\"null\",[\"int\"]]",
                "{\"type\":\"enum\",\"name\":\"e\"}",
                "{not json",
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                sl_arena arena;
                const sl_avro *s;
                sl_arena_init(&arena, 0);
                cr_assert_eq(sl_avro_parse(&arena, bad[i], &s, NULL), SL_ERR_INVALID, "%s", bad[i]);
                sl_arena_deinit(&arena);
        }
}

Test(serde_avro, compatibility_levels)
{
        static const char *v1 = "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
        static const char *add_default =
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
                "{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}]}";
        static const char *add_required =
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}]}";
        static const char *widen = "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"long\"}]}";
        static const char *drop_a = "{\"type\":\"record\",\"name\":\"r\",\"fields\":[]}";
        static const char *renamed = "{\"type\":\"record\",\"name\":\"other\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
        const struct {
                sl_avro_compat level;
                const char *old;
                const char *cand;
                bool ok;
        } cases[] = {
                {SL_AVRO_COMPAT_BACKWARD, v1, add_default, true},
                {SL_AVRO_COMPAT_BACKWARD, v1, add_required, false},
                {SL_AVRO_COMPAT_FORWARD, v1, add_required, true},
                {SL_AVRO_COMPAT_BACKWARD, v1, widen, true},
                {SL_AVRO_COMPAT_FORWARD, v1, widen, false},
                {SL_AVRO_COMPAT_FULL, v1, add_default, true},
                {SL_AVRO_COMPAT_FULL, v1, widen, false},
                {SL_AVRO_COMPAT_BACKWARD, v1, drop_a, true},
                {SL_AVRO_COMPAT_FORWARD, v1, drop_a, false},
                {SL_AVRO_COMPAT_BACKWARD, v1, renamed, false},
                {SL_AVRO_COMPAT_NONE, v1, renamed, true},
                {SL_AVRO_COMPAT_BACKWARD, "\"int\"", "[\"null\",\"int\"]", true},
                {SL_AVRO_COMPAT_FORWARD, "\"int\"", "[\"null\",\"int\"]", false},
                {SL_AVRO_COMPAT_BACKWARD, "{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"B\"]}",
                 "{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\"]}", false},
                {SL_AVRO_COMPAT_FORWARD, "{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"B\"]}",
                 "{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\"]}", true},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_arena arena;
                const sl_avro *old, *cand;
                sl_str why;
                sl_arena_init(&arena, 0);
                sl_str_init(&why);
                cr_assert_eq(sl_avro_parse(&arena, cases[i].old, &old, NULL), SL_OK);
                cr_assert_eq(sl_avro_parse(&arena, cases[i].cand, &cand, NULL), SL_OK);
                bool ok = sl_avro_compatible(cases[i].level, cand, &old, 1, &why);
                cr_assert_eq(ok, cases[i].ok, "case %zu (%s): %s", i, sl_avro_compat_name(cases[i].level), sl_str_cstr(&why));
                if (!ok)
                        cr_assert_gt(sl_str_len(&why), 0, "case %zu gives a reason", i);
                sl_str_deinit(&why);
                sl_arena_deinit(&arena);
        }
}

Test(serde_avro, transitive_levels_look_at_every_version)
{
        static const char *v[] = {
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}",
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"default\":0},"
                "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}",
                "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"b\",\"type\":\"int\",\"default\":0},"
                "{\"name\":\"c\",\"type\":\"int\"}]}",
        };
        sl_arena arena;
        const sl_avro *s[3];
        sl_arena_init(&arena, 0);
        for (int i = 0; i < 3; i++)
                cr_assert_eq(sl_avro_parse(&arena, v[i], &s[i], NULL), SL_OK);
        /* v3 misses `c` in both older versions... */
        cr_assert_not(sl_avro_compatible(SL_AVRO_COMPAT_BACKWARD, s[2], s, 2, NULL));
        /* ...while forward it only drops `a`, which v2 can default but v1 cannot */
        cr_assert(sl_avro_compatible(SL_AVRO_COMPAT_FORWARD, s[2], s, 2, NULL));
        cr_assert_not(sl_avro_compatible(SL_AVRO_COMPAT_FORWARD_TRANSITIVE, s[2], s, 2, NULL));
        sl_arena_deinit(&arena);
}
