/* test_kafka.c: the KAFKA and NONE formats: Kafka's serializer byte layouts, sizes, nulls and
 * the schema rules. */
#include <math.h>

#include "serde_test.h"
#include "types/compare.h"

typedef struct kcase {
        const char *column;
        const char *bytes;
        size_t len;
        const char *want;  /* rendered row, or "ERR: <substring>" */
} kcase;

static const kcase cases[] = {
        {"V INT", "\x00\x00\x00\x02", 4, "2"},
        {"V INT", "\xff\xff\xff\xfe", 4, "-2"},
        {"V INT", "\x80\x00\x00\x00", 4, "-2147483648"},
        {"V INT", "\x00\x00\x02", 3, "ERR: Size of data received by IntegerDeserializer is not 4"},
        {"V INT", "", 0, "ERR: IntegerDeserializer"},
        {"V BIGINT", "\x00\x00\x00\x00\x00\x00\x01\x00", 8, "256"},
        {"V BIGINT", "\x80\x00\x00\x00\x00\x00\x00\x00", 8, "-9223372036854775808"},
        {"V BIGINT", "\x00\x00\x00\x01", 4, "ERR: Size of data received by LongDeserializer is not 8"},
        {"V DOUBLE", "\x40\x01\x99\x99\x99\x99\x99\x9a", 8, "2.2"},
        {"V DOUBLE", "\xbf\xf0\x00\x00\x00\x00\x00\x00", 8, "-1.0"},
        {"V DOUBLE", "\x7f\xf8\x00\x00\x00\x00\x00\x00", 8, "\"NaN\""},
        {"V DOUBLE", "\x40\x01", 2, "ERR: DoubleDeserializer"},
        {"V STRING", "bar", 3, "\"bar\""},
        {"V STRING", "", 0, "\"\""},
        {"V STRING", "a\0b", 3, "\"a\\u0000b\""},
        {"V BYTES", "\x01\x02\x03", 3, "\"AQID\""},
        {"V BYTES", "", 0, "\"\""},
};

TestSuite(serde_kafka, .init = serde_test_setup, .fini = serde_test_teardown);

Test(serde_kafka, decode_table)
{
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                const kcase *c = &cases[i];
                sl_serde *serde = make_serde(&arena, SL_SERDE_KAFKA, c->column, true, 0);
                char *got = decode_text(&arena, serde, c->bytes, c->len);
                if (strncmp(c->want, "ERR: ", 5) == 0)
                        cr_expect(strncmp(got, "ERR: ", 5) == 0 && strstr(got, c->want + 5),
                                  "case %zu: got [%s], want error containing [%s]", i, got, c->want + 5);
                else
                        cr_expect_str_eq(got, c->want, "case %zu", i);
                sl_serde_free(serde);
        }
}

Test(serde_kafka, encode_bytes_exactly)
{
        struct {
                const char *column;
                sl_value v;
                const char *want;
                size_t len;
        } enc[] = {
                {"V INT", sl_value_int(-2), "\xff\xff\xff\xfe", 4},
                {"V BIGINT", sl_value_bigint(256), "\x00\x00\x00\x00\x00\x00\x01\x00", 8},
                {"V DOUBLE", sl_value_double(2.2), "\x40\x01\x99\x99\x99\x99\x99\x9a", 8},
                {"V STRING", sl_value_string("a\0b", 3), "a\0b", 3},
                {"V BYTES", sl_value_bytes("\x01\x02", 2), "\x01\x02", 2},
        };
        for (size_t i = 0; i < sizeof enc / sizeof enc[0]; i++) {
                sl_serde *serde = make_serde(&arena, SL_SERDE_KAFKA, enc[i].column, false, 0);
                sl_buf out;
                sl_buf_init(&out);
                bool out_null;
                sl_err_detail err;
                cr_assert_eq(sl_serde_serialize(serde, &enc[i].v, &out, &out_null, &err), SL_OK, "%s", err.message);
                cr_expect(!out_null);
                cr_expect_eq(out.len, enc[i].len, "case %zu", i);
                cr_expect(memcmp(out.data, enc[i].want, enc[i].len) == 0, "case %zu bytes", i);
                /* round trip */
                sl_value back;
                bool rn;
                cr_assert_eq(sl_serde_deserialize(serde, sl_buf_slice(&out), &arena, NULL, &back, &rn, &err), SL_OK);
                cr_expect(sl_value_eq(&back, &enc[i].v), "case %zu round trip", i);
                /* NULL value and null record are absent */
                sl_buf_reset(&out);
                sl_value null = sl_value_null();
                cr_assert_eq(sl_serde_serialize(serde, &null, &out, &out_null, &err), SL_OK);
                cr_expect(out_null);
                cr_expect_eq(out.len, 0);
                cr_assert_eq(sl_serde_deserialize(serde, SL_SLICE(NULL, 0), &arena, NULL, &back, &rn, &err), SL_OK);
                cr_expect(rn);
                cr_expect(sl_value_is_null(&back));
                /* a value of another type is refused */
                sl_value wrong = enc[i].v.kind == SL_TYPE_INT ? sl_value_bigint(1) : sl_value_int(1);
                cr_expect_eq(sl_serde_serialize(serde, &wrong, &out, &out_null, &err), SL_ERR_SERDE);
                sl_buf_deinit(&out);
                sl_serde_free(serde);
        }
}

Test(serde_kafka, schema_rules)
{
        const char *bad[] = {"ARRAY<INT>", "MAP<STRING, INT>", "STRUCT<F1 DOUBLE>", "BOOLEAN", "DECIMAL(4,2)", "DATE"};
        const char *names[] = {"ARRAY", "MAP", "STRUCT", "BOOLEAN", "DECIMAL", "DATE"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                sl_serde_column col = {"V", parse_type(&arena, bad[i])};
                sl_serde_schema schema = {.columns = &col, .ncolumns = 1};
                sl_serde *serde;
                sl_err_detail err;
                cr_expect_eq(sl_serde_new(SL_SERDE_KAFKA, &schema, &serde, &err), SL_ERR_UNSUPPORTED);
                char want[128];
                snprintf(want, sizeof want, "The 'KAFKA' format does not support type '%s'", names[i]);
                cr_expect_str_eq(err.message, want);
        }
        sl_serde_column two[2] = {{"A", sl_type_int()}, {"B", sl_type_int()}};
        sl_serde_schema schema = {.columns = two, .ncolumns = 2};
        sl_serde *serde;
        sl_err_detail err;
        cr_expect_eq(sl_serde_new(SL_SERDE_KAFKA, &schema, &serde, &err), SL_ERR_INVALID);
        /* no columns: a key-less stream with the default KAFKA key format ignores the key */
        schema.ncolumns = 0;
        cr_assert_eq(sl_serde_new(SL_SERDE_KAFKA, &schema, &serde, &err), SL_OK);
        bool rn;
        cr_expect_eq(sl_serde_deserialize(serde, sl_slice_from_cstr("junk"), &arena, NULL, NULL, &rn, &err), SL_OK);
        sl_serde_free(serde);
}

TestSuite(serde_none, .init = serde_test_setup, .fini = serde_test_teardown);

Test(serde_none, ignores_input_and_writes_nothing)
{
        sl_serde_schema schema = {0};
        sl_serde *serde;
        sl_err_detail err;
        cr_assert_eq(sl_serde_new(SL_SERDE_NONE, &schema, &serde, &err), SL_OK);
        bool rn = false;
        cr_expect_eq(sl_serde_deserialize(serde, sl_slice_from_cstr("data that should be ignored"), &arena, NULL, NULL,
                                          &rn, &err),
                     SL_OK);
        cr_expect(rn);
        sl_buf out;
        sl_buf_init(&out);
        bool out_null = false;
        cr_expect_eq(sl_serde_serialize(serde, (const sl_value *)"", &out, &out_null, &err), SL_OK);
        cr_expect(out_null);
        cr_expect_eq(out.len, 0);
        sl_buf_deinit(&out);
        sl_serde_free(serde);

        sl_serde_column col = {"K", sl_type_string()};
        schema = (sl_serde_schema){.columns = &col, .ncolumns = 1};
        cr_expect_eq(sl_serde_new(SL_SERDE_NONE, &schema, &serde, &err), SL_ERR_INVALID);
        cr_expect(strstr(err.message, "The 'NONE' format can only be used when no columns are defined"));
}
