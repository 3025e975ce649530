/* test_json.c: the JSON format: ksqlDB's field matching and coercions, every type, nesting,
 * escapes, malformed input, the encoder's exact output and round trips. */
#include <math.h>

#include "serde_test.h"
#include "types/compare.h"

typedef struct dcase {
        const char *columns;  /* "V INT" */
        bool unwrapped;
        const char *in;
        const char *want;     /* rendered row, or "ERR: <substring of the message>" */
} dcase;

static const dcase decode_cases[] = {
        /* matching */
        {"V INT", false, "{\"V\": 1}", "1"},
        {"V INT", false, "{\"v\": 1}", "1"},
        {"V INT", false, "{\"V\": 1, \"v\": 2}", "1"},
        {"V INT", false, "{\"v\": 2, \"V\": 1}", "1"},
        {"V INT", false, "{\"v\": 2, \"v\": 3}", "3"},
        {"V INT, W STRING", false, "{\"w\": \"x\"}", "null|\"x\""},
        {"V INT, W STRING", false, "{\"other\": {\"a\": [1, {\"b\": null}]}, \"W\": \"y\", \"V\": 7}", "7|\"y\""},
        {"`Foo` INT", false, "{\"FOO\": 1}", "null"},
        {"`Foo` INT", false, "{\"Foo\": 1}", "1"},
        {"V INT", false, "{}", "null"},
        {"V INT", false, "  {\"V\" : 1 }  ", "1"},
        {"V INT", false, "{\"V\": 1} trailing ignored", "1"},
        /* null records */
        {"V INT", false, "null", "<null row>"},
        {"V INT", true, " null", "<null row>"},
        {"V INT", false, "{\"V\": null}", "null"},
        /* BOOLEAN */
        {"B BOOLEAN", false, "{\"B\": true}", "true"},
        {"B BOOLEAN", false, "{\"B\": false}", "false"},
        {"B BOOLEAN", false, "{\"B\": \"true\"}", "ERR: sourceType: TextNode, requiredType: BOOLEAN, path: $.B"},
        {"B BOOLEAN", false, "{\"B\": 1}", "ERR: sourceType: IntNode, requiredType: BOOLEAN"},
        /* INT and friends */
        {"V INT", false, "{\"V\": \"123\"}", "123"},
        {"V INT", false, "{\"V\": \"-2147483648\"}", "-2147483648"},
        {"V INT", false, "{\"V\": \"2147483648\"}", "ERR: Can't coerce string to type. targetType: INTEGER, path: $.V"},
        {"V INT", false, "{\"V\": \" 12\"}", "ERR: Can't coerce string to type"},
        {"V INT", false, "{\"V\": 1.9}", "1"},
        {"V INT", false, "{\"V\": -1.9}", "-1"},
        {"V INT", false, "{\"V\": 4294967297}", "1"},
        {"V INT", false, "{\"V\": 1.5e1}", "15"},
        {"V INT", false, "{\"V\": 15e-1}", "1"},
        {"V INT", false, "{\"V\": true}", "ERR: sourceType: BooleanNode, requiredType: INTEGER"},
        {"V INT", false, "{\"V\": [1]}", "ERR: sourceType: ArrayNode, requiredType: INTEGER"},
        {"V BIGINT", false, "{\"V\": 998877665544332211}", "998877665544332211"},
        {"V BIGINT", false, "{\"V\": \"-9223372036854775808\"}", "-9223372036854775808"},
        {"V BIGINT", false, "{\"V\": 18446744073709551617}", "1"},
        {"V BIGINT", false, "{\"V\": 1e3}", "1000"},
        {"V BIGINT", false, "{\"V\": 1e400}", "0"},
        {"V DATE", false, "{\"V\": -10}", "-10"},
        {"V TIME", false, "{\"V\": \"3600000\"}", "3600000"},
        {"V TIMESTAMP", false, "{\"V\": 1600000000123}", "1600000000123"},
        /* DOUBLE */
        {"V DOUBLE", false, "{\"V\": 1}", "1.0"},
        {"V DOUBLE", false, "{\"V\": 654.321}", "654.321"},
        {"V DOUBLE", false, "{\"V\": -1.5E-3}", "-0.0015"},
        {"V DOUBLE", false, "{\"V\": \"2.5\"}", "2.5"},
        {"V DOUBLE", false, "{\"V\": \"NaN\"}", "\"NaN\""},
        {"V DOUBLE", false, "{\"V\": \"x\"}", "ERR: Can't coerce string to type. targetType: DOUBLE"},
        {"V DOUBLE", false, "{\"V\": {}}", "ERR: sourceType: ObjectNode, requiredType: DOUBLE"},
        /* DECIMAL */
        {"V DECIMAL(4,2)", false, "{\"V\": 10.1}", "10.10"},
        {"V DECIMAL(4,2)", false, "{\"V\": \"1.005\"}", "1.01"},
        {"V DECIMAL(4,2)", false, "{\"V\": -1.005}", "-1.01"},
        {"V DECIMAL(4,2)", false, "{\"V\": 12}", "12.00"},
        {"V DECIMAL(4,2)", false, "{\"V\": 123.4}", "ERR: path: $.V"},
        {"V DECIMAL(4,2)", false, "{\"V\": \"abc\"}", "ERR: targetType: DECIMAL"},
        {"V DECIMAL(38,10)", false, "{\"V\": 1234567890123456789012345678.0123456789}",
         "1234567890123456789012345678.0123456789"},
        /* STRING and its coercions */
        {"S STRING", false, "{\"S\": \"hello\"}", "\"hello\""},
        {"S STRING", false, "{\"S\": \"\"}", "\"\""},
        {"S STRING", false, "{\"S\": 12}", "\"12\""},
        {"S STRING", false, "{\"S\": -1.50}", "\"-1.50\""},
        {"S STRING", false, "{\"S\": true}", "\"true\""},
        {"S STRING", false, "{\"S\": -0}", "\"0\""},
        {"S STRING", false, "{\"S\": 98765432109876543210}", "\"98765432109876543210\""},
        {"S STRING", false, "{\"S\": 1e5}", "\"1E+5\""},
        {"S STRING", false, "{\"S\": 1.5e1}", "\"15\""},
        {"S STRING", false, "{\"S\": 1.25e1}", "\"12.5\""},
        {"S STRING", false, "{\"S\": 0.0000001}", "\"1E-7\""},
        {"S STRING", false, "{\"S\": 0.000001}", "\"0.000001\""},
        {"S STRING", false, "{\"S\": -0.0}", "\"0.0\""},
        {"S STRING", false, "{\"S\": 123.4E-10}", "\"1.234E-8\""},
        {"S STRING", false, "{\"S\": 12E-1}", "\"1.2\""},
        {"S STRING", false, "{\"S\": [1e2, 0.10]}", "\"[1E+2, 0.10]\""},
        {"S STRING", false, "{\"S\": {\"a\": 5E0}}", "\"{\\\"a\\\":5}\""},
        {"S STRING", false, "{\"S\": { \"a\" : [1, 2] , \"b\":\"x\\\"\" }}", "\"{\\\"a\\\":[1,2],\\\"b\\\":\\\"x\\\\\\\"\\\"}\""},
        {"S STRING", false, "{\"S\": [1, \"a\", null, {\"b\": 1}, [true]]}", "\"[1, a, null, {\\\"b\\\":1}, [true]]\""},
        {"S STRING", false, "{\"S\": []}", "\"[]\""},
        /* escapes and UTF-8 */
        {"S STRING", false, "{\"S\": \"a\\\"b\\\\c\\/d\\n\\t\\b\\f\\r\"}", "\"a\\\"b\\\\c/d\\n\\t\\b\\f\\r\""},
        {"S STRING", false, "{\"S\": \"\\u00e9\\u20AC\"}", "\"\xc3\xa9\xe2\x82\xac\""},
        {"S STRING", false, "{\"S\": \"\\ud83d\\ude00\"}", "\"\xf0\x9f\x98\x80\""},
        {"S STRING", false, "{\"S\": \"\\ud83dx\"}", "\"?x\""},
        {"S STRING", false, "{\"S\": \"\xc3\xa9t\xc3\xa9\"}", "\"\xc3\xa9t\xc3\xa9\""},
        {"S STRING", false, "{\"s\\u0041\": 1, \"\\u0053\": 2}", "\"2\""},
        /* BYTES */
        {"B BYTES", false, "{\"B\": \"dmFyaWF0aW9ucw==\"}", "\"dmFyaWF0aW9ucw==\""},
        {"B BYTES", false, "{\"B\": \"\"}", "\"\""},
        {"B BYTES", false, "{\"B\": \"ew\"}", "\"ew==\""},
        {"B BYTES", false, "{\"B\": \"!!!!\"}", "ERR: not a valid Base64"},
        {"B BYTES", false, "{\"B\": 12}", "ERR: sourceType: IntNode, requiredType: BYTES"},
        /* composites */
        {"A ARRAY<STRING>", false, "{\"A\": [\"a\", \"b\", null]}", "[\"a\",\"b\",null]"},
        {"A ARRAY<STRING>", false, "{\"A\": [1, 2, 3]}", "[\"1\",\"2\",\"3\"]"},
        {"A ARRAY<INT>", false, "{\"A\": []}", "[]"},
        {"A ARRAY<ARRAY<INT>>", false, "{\"A\": [[1, 2], [], null, [3]]}", "[[1,2],[],null,[3]]"},
        {"A ARRAY<INT>", false, "{\"A\": [1, \"x\"]}", "ERR: Can't coerce string to type. targetType: INTEGER, path: $.A[1]"},
        {"A ARRAY<INT>", false, "{\"A\": {}}", "ERR: sourceType: ObjectNode, requiredType: ARRAY<INTEGER>"},
        {"M MAP<STRING, INT>", false, "{\"M\": {\"a\": 1, \"b\": 2, \"c\": null}}", "{\"a\":1,\"b\":2,\"c\":null}"},
        {"M MAP<STRING, INT>", false, "{\"M\": {\"a\": 1, \"b\": 2, \"a\": 3}}", "{\"a\":3,\"b\":2}"},
        {"M MAP<STRING, INT>", false, "{\"M\": {}}", "{}"},
        {"M MAP<STRING, INT>", false, "{\"M\": {\"k\": \"z\"}}", "ERR: path: $.M.k.value"},
        {"M MAP<STRING, INT>", false, "{\"M\": [1]}", "ERR: sourceType: ArrayNode, requiredType: MAP<STRING, INTEGER>"},
        {"S STRUCT<A INT, B STRING>", false, "{\"S\": {\"b\": \"x\", \"a\": 1, \"c\": 5}}", "{\"A\":1,\"B\":\"x\"}"},
        {"S STRUCT<A INT, B STRING>", false, "{\"S\": {}}", "{\"A\":null,\"B\":null}"},
        {"S STRUCT<A STRUCT<B ARRAY<MAP<STRING, STRUCT<C DOUBLE>>>>>", false,
         "{\"s\": {\"a\": {\"b\": [{\"k\": {\"c\": 1}}, null, {}]}}}", "{\"A\":{\"B\":[{\"k\":{\"C\":1.0}},null,{}]}}"},
        {"S STRUCT<A STRUCT<B INT>>", false, "{\"S\": {\"A\": {\"B\": \"q\"}}}", "ERR: path: $.S.A.B"},
        /* unwrapped single values */
        {"V INT", true, "10", "10"},
        {"V STRING", true, "\"hello\"", "\"hello\""},
        {"V ARRAY<DOUBLE>", true, "[10.1]", "[10.1]"},
        {"V MAP<STRING, DOUBLE>", true, "{\"a\": 45.67}", "{\"a\":45.67}"},
        {"V STRUCT<A DOUBLE>", true, "{\"a\": 45.67}", "{\"A\":45.67}"},
        {"V DECIMAL(4,2)", true, "10.1", "10.10"},
        {"V BOOLEAN", true, "true", "true"},
        {"V INT", true, "\"x\"", "ERR: Can't coerce string to type. targetType: INTEGER, path: $"},
        /* a wrapped schema needs an object */
        {"V INT", false, "10", "ERR: sourceType: IntNode, requiredType: STRUCT<`V` INTEGER>, path: $"},
        {"V INT", false, "\"x\"", "ERR: sourceType: TextNode"},
        /* malformed */
        {"V INT", false, "", "ERR: malformed JSON"},
        {"V INT", false, "   ", "ERR: malformed JSON"},
        {"V INT", false, "{\"V\": 1", "ERR: malformed JSON"},
        {"V INT", false, "{\"V\": 01}", "ERR: malformed JSON"},
        {"V INT", false, "{\"V\": 1.}", "ERR: malformed JSON"},
        {"V INT", false, "{\"V\": -}", "ERR: malformed JSON"},
        {"V INT", false, "{\"V\": +1}", "ERR: malformed JSON"},
        {"V INT", false, "{\"V\": tru}", "ERR: malformed JSON"},
        {"V INT", false, "{\"V\": 1,}", "ERR: malformed JSON"},
        {"V INT", false, "{V: 1}", "ERR: malformed JSON"},
        {"V INT", false, "{\"V\" 1}", "ERR: malformed JSON"},
        {"V INT", false, "{\"x\": [1 2]}", "ERR: malformed JSON"},
        {"V INT", false, "{\"x\": {\"a\" 1}}", "ERR: malformed JSON"},
        {"V INT", false, "{\"x\": \"abc}", "ERR: unterminated string"},
        {"V INT", false, "{\"x\": \"\\x\"}", "ERR: invalid escape"},
        {"V INT", false, "{\"x\": \"\\u12g4\"}", "ERR: invalid \\u escape"},
        {"V INT", false, "{\"x\": \"a\nb\"}", "ERR: control character"},
        {"V INT", false, "{\"x\": \"\xff\"}", "ERR: invalid UTF-8"},
        {"V INT", false, "{\"x\": \"\xc3\"}", "ERR: invalid UTF-8"},
        {"V INT", false, "{\"x\": \"\xed\xa0\x80\"}", "ERR: invalid UTF-8"},
        {"V INT", false, "{\"x\": nul}", "ERR: malformed JSON"},
        {"V INT", false, "[", "ERR: malformed JSON"},
        {"V STRING", false, "{\"V\": [1, }", "ERR: malformed JSON"},
        {"V STRING", false, "{\"V\": {\"a\": }", "ERR: malformed JSON"},
};

TestSuite(serde_json, .init = serde_test_setup, .fini = serde_test_teardown);

Test(serde_json, decode_table)
{
        for (size_t i = 0; i < sizeof decode_cases / sizeof decode_cases[0]; i++) {
                const dcase *c = &decode_cases[i];
                sl_serde *serde = make_serde(&arena, SL_SERDE_JSON, c->columns, c->unwrapped, 0);
                char *got = decode_text(&arena, serde, c->in, (size_t)-1);
                if (strncmp(c->want, "ERR: ", 5) == 0)
                        cr_expect(strncmp(got, "ERR: ", 5) == 0 && strstr(got, c->want + 5),
                                  "case %zu %s: got [%s], want error containing [%s]", i, c->in, got, c->want + 5);
                else
                        cr_expect_str_eq(got, c->want, "case %zu %s", i, c->in);
                sl_serde_free(serde);
        }
}

Test(serde_json, deep_nesting_is_rejected_not_crashing)
{
        size_t depth = 100000;
        char *in = sl_arena_alloc(&arena, depth + 16);
        strcpy(in, "{\"x\": ");
        memset(in + 6, '[', depth);
        in[6 + depth] = 0;
        sl_serde *serde = make_serde(&arena, SL_SERDE_JSON, "V INT", false, 0);
        const char *got = decode_text(&arena, serde, in, (size_t)-1);
        cr_expect(strstr(got, "nesting too deep"), "got %s", got);
        sl_serde_free(serde);
        serde = make_serde(&arena, SL_SERDE_JSON, "V STRING", false, 0);
        in[2] = 'V';
        got = decode_text(&arena, serde, in, (size_t)-1);
        cr_expect(strstr(got, "nesting too deep"), "got %s", got);
        sl_serde_free(serde);
}

Test(serde_json, nul_byte_inside_input_is_malformed)
{
        sl_serde *serde = make_serde(&arena, SL_SERDE_JSON, "V STRING", false, 0);
        static const char in[] = "{\"V\": \"a\0b\"}";
        cr_expect(strncmp(decode_text(&arena, serde, in, sizeof in - 1), "ERR: ", 5) == 0);
        sl_serde_free(serde);
}

Test(serde_json, absent_record_is_null_row)
{
        sl_serde *serde = make_serde(&arena, SL_SERDE_JSON, "V INT, W INT", false, 0);
        sl_value row[2] = {sl_value_int(1), sl_value_int(2)};
        bool row_null = false;
        cr_assert_eq(sl_serde_deserialize(serde, SL_SLICE(NULL, 0), &arena, NULL, row, &row_null, NULL), SL_OK);
        cr_expect(row_null);
        cr_expect(sl_value_is_null(&row[0]) && sl_value_is_null(&row[1]));
        sl_serde_free(serde);
}

Test(serde_json, large_maps_keep_the_last_value_of_repeated_keys)
{
        sl_serde *serde = make_serde(&arena, SL_SERDE_JSON, "M MAP<STRING, INT>", true, 0);
        /* 2000 distinct keys, then every key again with a new value, then one more new key */
        sl_str in;
        sl_str_init(&in);
        sl_str_append_char(&in, '{');
        for (int round = 0; round < 2; round++)
                for (int i = 0; i < 2000; i++)
                        sl_str_appendf(&in, "\"k%d\": %d,", i, round * 10000 + i);
        sl_str_append(&in, "\"last\": -1}");
        sl_value row[1];
        bool rn;
        sl_err_detail err;
        cr_assert_eq(sl_serde_deserialize(serde, SL_SLICE(sl_str_cstr(&in), sl_str_len(&in)), &arena, NULL, row, &rn,
                                          &err),
                     SL_OK, "%s", err.message);
        cr_assert_eq(row[0].len, 2001);
        for (int i = 0; i < 2000; i++) {
                char k[16];
                snprintf(k, sizeof k, "k%d", i);
                sl_value key = sl_value_string(k, strlen(k));
                const sl_value *v = sl_value_map_get(&row[0], &key);
                cr_assert_not_null(v, "%s missing", k);
                cr_expect_eq(v->u.i32, 10000 + i);
                cr_expect_str_eq(sl_value_to_cstr(&arena, &row[0].u.comp.items[2 * i]), k, "insertion order");
        }
        /* an error inside a large map frees its index (LeakSanitizer checks) */
        sl_str_reset(&in);
        sl_str_append_char(&in, '{');
        for (int i = 0; i < 100; i++)
                sl_str_appendf(&in, "\"k%d\": %d,", i, i);
        sl_str_append(&in, "\"bad\": \"x\"}");
        cr_expect_eq(sl_serde_deserialize(serde, SL_SLICE(sl_str_cstr(&in), sl_str_len(&in)), &arena, NULL, row, &rn,
                                          &err),
                     SL_ERR_SERDE);
        sl_str_deinit(&in);
        sl_serde_free(serde);
}

Test(serde_json, scratch_is_reused_across_records_and_errors)
{
        sl_serde *serde = make_serde(&arena, SL_SERDE_JSON, "A ARRAY<ARRAY<INT>>", false, 0);
        sl_serde_scratch scratch = {0};
        const char *inputs[] = {"{\"A\": [[1,2],[3]]}", "{\"A\": [[1,\"x\"]]}", "{\"A\": [[4]]}"};
        const char *want[] = {"[[1,2],[3]]", NULL, "[[4]]"};
        for (int i = 0; i < 3; i++) {
                sl_value row[1];
                bool row_null;
                sl_err rc = sl_serde_deserialize(serde, sl_slice_from_cstr(inputs[i]), &arena, &scratch, row,
                                                 &row_null, NULL);
                cr_expect_eq(scratch.len, 0, "scratch left with %zu values", scratch.len);
                if (!want[i]) {
                        cr_expect_eq(rc, SL_ERR_SERDE);
                        continue;
                }
                cr_assert_eq(rc, SL_OK);
                cr_expect_str_eq(render_row(&arena, row, 1, row_null), want[i]);
        }
        sl_serde_scratch_deinit(&scratch);
        sl_serde_free(serde);
}

/* ---- encoding ---- */

Test(serde_json, encode_exact_output)
{
        sl_serde *serde = make_serde(&arena, SL_SERDE_JSON,
                                     "B BOOLEAN, I INT, L BIGINT, D DOUBLE, N DECIMAL(5,2), S STRING, Y BYTES, "
                                     "DT DATE, TM TIME, TS TIMESTAMP, `q\"x` INT",
                                     false, 0);
        sl_decimal dec;
        cr_assert_eq(sl_decimal_parse_to("10.5", 4, 5, 2, &dec, NULL), SL_OK);
        sl_value row[] = {
                sl_value_bool(true), sl_value_int(-7), sl_value_bigint(INT64_MIN), sl_value_double(1e10),
                sl_value_decimal(dec), sl_value_string("a\"\\\n\x01\xc3\xa9", 7), sl_value_bytes("\x01\x02\x03\x04", 4),
                sl_value_date(-10), sl_value_time(3600000), sl_value_timestamp(1600000000123), sl_value_null(),
        };
        cr_expect_str_eq(encode_text(&arena, serde, row),
                         "{\"B\":true,\"I\":-7,\"L\":-9223372036854775808,\"D\":1.0E10,\"N\":10.50,"
                         "\"S\":\"a\\\"\\\\\\n\\u0001\xc3\xa9\",\"Y\":\"AQIDBA==\",\"DT\":-10,\"TM\":3600000,"
                         "\"TS\":1600000000123,\"q\\\"x\":null}");
        cr_expect_str_eq(encode_text(&arena, serde, NULL), "<absent>");
        sl_serde_free(serde);

        serde = make_serde(&arena, SL_SERDE_JSON, "D DOUBLE, E DOUBLE, F DOUBLE", false, 0);
        sl_value dbl[] = {sl_value_double(NAN), sl_value_double(-INFINITY), sl_value_double(0.1)};
        cr_expect_str_eq(encode_text(&arena, serde, dbl), "{\"D\":\"NaN\",\"E\":\"-Infinity\",\"F\":0.1}");
        sl_serde_free(serde);
}

Test(serde_json, encode_unwrapped_and_composites)
{
        sl_serde *serde = make_serde(&arena, SL_SERDE_JSON, "V MAP<STRING, ARRAY<STRUCT<A INT>>>", true, 0);
        const sl_type *mt = parse_type(&arena, "MAP<STRING, ARRAY<STRUCT<A INT>>>");
        sl_value *st_items, *arr_items, *map_items;
        sl_value st = sl_value_composite_new(&arena, mt->elem->elem, 1, &st_items);
        st_items[0] = sl_value_int(5);
        sl_value arr = sl_value_composite_new(&arena, mt->elem, 2, &arr_items);
        arr_items[0] = st;
        arr_items[1] = sl_value_null();
        sl_value map = sl_value_composite_new(&arena, mt, 1, &map_items);
        map_items[0] = sl_value_string("k", 1);
        map_items[1] = arr;
        cr_expect_str_eq(encode_text(&arena, serde, &map), "{\"k\":[{\"A\":5},null]}");
        sl_value null = sl_value_null();
        cr_expect_str_eq(encode_text(&arena, serde, &null), "<absent>");
        sl_serde_free(serde);

        serde = make_serde(&arena, SL_SERDE_JSON, "V INT", true, 0);
        sl_value ten = sl_value_int(10);
        cr_expect_str_eq(encode_text(&arena, serde, &ten), "10");
        sl_serde_free(serde);
}

Test(serde_json, encode_appends_and_keeps_buffer_on_error)
{
        /* a MAP<INT,...> value cannot be written (the schema check stops such columns; values are
         * not checked against the schema, so the encoder reports it) */
        sl_serde *serde = make_serde(&arena, SL_SERDE_JSON, "V INT", false, 0);
        const sl_type *mt = parse_type(&arena, "MAP<INT, INT>");
        sl_value *items;
        sl_value map = sl_value_composite_new(&arena, mt, 1, &items);
        items[0] = sl_value_int(1);
        items[1] = sl_value_int(2);
        sl_buf out;
        sl_buf_init(&out);
        sl_buf_append(&out, "xy", 2);
        bool out_null;
        sl_err_detail err;
        cr_expect_eq(sl_serde_serialize(serde, &map, &out, &out_null, &err), SL_ERR_SERDE);
        cr_expect_eq(out.len, 2);
        sl_value one = sl_value_int(1);
        cr_expect_eq(sl_serde_serialize(serde, &one, &out, &out_null, &err), SL_OK);
        cr_expect_str_eq((const char *)out.data, "xy{\"V\":1}");
        sl_buf_deinit(&out);
        sl_serde_free(serde);
}

Test(serde_json, round_trip_every_type)
{
        const char *cols = "B BOOLEAN, I INT, L BIGINT, D DOUBLE, N DECIMAL(38,6), S STRING, Y BYTES, DT DATE, "
                           "TM TIME, TS TIMESTAMP, A ARRAY<STRING>, M MAP<STRING, BIGINT>, "
                           "ST STRUCT<X DOUBLE, `lower` STRING>";
        sl_serde *serde = make_serde(&arena, SL_SERDE_JSON, cols, false, 0);
        const char *inputs[] = {
                "{\"B\":false,\"I\":2147483647,\"L\":-1,\"D\":-0.0,\"N\":-12345678901234567890123456789012.123456,"
                "\"S\":\"\\u0000\\u001F\\\"\xf0\x9f\x98\x80\",\"Y\":\"AA==\",\"DT\":19000,\"TM\":0,\"TS\":-1,"
                "\"A\":[\"\",null],\"M\":{\"\":9223372036854775807},\"ST\":{\"X\":2.2250738585072014E-308,\"lower\":\"v\"}}",
                "{\"B\":null,\"I\":null,\"L\":null,\"D\":null,\"N\":null,\"S\":null,\"Y\":null,\"DT\":null,"
                "\"TM\":null,\"TS\":null,\"A\":null,\"M\":null,\"ST\":null}",
                "{\"B\":true,\"I\":-2147483648,\"L\":9223372036854775807,\"D\":1.7976931348623157E308,"
                "\"N\":0.000001,\"S\":\"\",\"Y\":\"\",\"DT\":-719528,\"TM\":86399999,\"TS\":253402300799999,"
                "\"A\":[],\"M\":{},\"ST\":{\"X\":null,\"lower\":null}}",
        };
        for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
                sl_value row[13], row2[13];
                bool rn;
                sl_err_detail err;
                cr_assert_eq(sl_serde_deserialize(serde, sl_slice_from_cstr(inputs[i]), &arena, NULL, row, &rn, &err),
                             SL_OK, "%s", err.message);
                const char *enc = encode_text(&arena, serde, row);
                cr_expect_str_eq(enc, inputs[i], "encoding of decoded input %zu: %s", i, enc);
                cr_assert_eq(sl_serde_deserialize(serde, sl_slice_from_cstr(enc), &arena, NULL, row2, &rn, &err),
                             SL_OK, "%s", err.message);
                for (int c = 0; c < 13; c++)
                        cr_expect(sl_value_eq(&row[c], &row2[c]), "input %zu column %d differs", i, c);
        }
        sl_serde_free(serde);
}

Test(serde_json, schema_checks)
{
        sl_serde_column cols[2] = {{"K", parse_type(&arena, "ARRAY<MAP<INT, STRING>>")}, {"V", sl_type_int()}};
        sl_serde_schema schema = {.columns = cols, .ncolumns = 1};
        sl_serde *serde = (sl_serde *)1;
        sl_err_detail err;
        cr_expect_eq(sl_serde_new(SL_SERDE_JSON, &schema, &serde, &err), SL_ERR_UNSUPPORTED);
        cr_expect_null(serde);
        cr_expect(strstr(err.message, "JSON only supports MAP types with STRING keys"));
        schema = (sl_serde_schema){.columns = cols + 1, .ncolumns = 1};
        cr_expect_eq(sl_serde_new(SL_SERDE_PROTOBUF_NOSR, &schema, &serde, &err), SL_ERR_UNSUPPORTED);
        cr_expect_str_eq(err.message, "format 'PROTOBUF_NOSR' is not supported yet");
        cr_expect_eq(sl_serde_new(SL_SERDE_PROTOBUF, &schema, &serde, &err), SL_ERR_UNSUPPORTED);
        cols[0].type = sl_type_int();
        schema = (sl_serde_schema){.columns = cols, .ncolumns = 2, .unwrapped = true};
        cr_expect_eq(sl_serde_new(SL_SERDE_JSON, &schema, &serde, &err), SL_ERR_INVALID);
        cr_expect(strstr(err.message, "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas"));
}

Test(serde_json, format_names)
{
        sl_serde_format f;
        sl_err_detail err;
        cr_expect_eq(sl_serde_format_parse("json", &f, &err), SL_OK);
        cr_expect_eq(f, SL_SERDE_JSON);
        cr_expect_eq(sl_serde_format_parse("Delimited", &f, &err), SL_OK);
        cr_expect_eq(f, SL_SERDE_DELIMITED);
        cr_expect_eq(sl_serde_format_parse("PROTOBUF_NOSR", &f, &err), SL_OK);
        cr_expect_eq(f, SL_SERDE_PROTOBUF_NOSR);
        cr_expect_eq(sl_serde_format_parse("xml", &f, &err), SL_ERR_NOT_FOUND);
        cr_expect_str_eq(err.message, "Unknown format: xml");
        for (int i = 0; i < SL_SERDE__COUNT; i++) {
                cr_expect_eq(sl_serde_format_parse(sl_serde_format_name((sl_serde_format)i), &f, NULL), SL_OK);
                cr_expect_eq(f, (sl_serde_format)i);
        }
}
