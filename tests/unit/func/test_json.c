/* test_json.c: the JSON family on QTT cases: validity, array length and contains by type, keys,
 * items and records (number spelling kept, compact text), concat of objects/arrays/values with
 * invalid input, EXTRACTJSONFIELD paths, and TO_JSON_STRING of every kind of value. */
#include "func_test.h"

TestSuite(func_json, .init = fc_setup, .fini = fc_teardown);

Test(func_json, validity_length_contains)
{
        fcase cases[] = {
                FC("is_json_string", "true", S("1")),
                FC("is_json_string", "false", S("abc")),
                FC("is_json_string", "true", S(" [1, 2, 3] ")),
                FC("is_json_string", "true", S("\"abc\"")),
                FC("is_json_string", "false", S("{\"a\": }")),
                FC("is_json_string", "false", S("")),
                FC("is_json_string", "false", S("[1] 2")),
                FC("is_json_string", "false", TN(T_STR())),
                FC("json_array_length", "2", S("[\"Red\", \"Green\"]")),
                FC("json_array_length", "0", S("[]")),
                FC("json_array_length", "null", S("{}")),
                FC("json_array_length", "null", S("[1,")),
                FC("json_array_contains", "true", S("[\"Pink\", \"Yellow\", \"Pink\"]"), S("Pink")),
                FC("json_array_contains", "false", S("[\"Red\", \"Green\"]"), S("Pink")),
                FC("json_array_contains", "true", S("[1, 2, 3]"), I(2)),
                FC("json_array_contains", "false", S("[1.5, 2]"), I(1)),
                FC("json_array_contains", "true", S("[1.5, 2]"), D(1.5)),
                FC("json_array_contains", "true", S("[false, null]"), BOOL(false)),
                FC("json_array_contains", "false", S("[\"2\"]"), L(2)),
                FC("json_array_contains", "false", S("not json"), S("x")),
                FC("json_array_contains", "true", S("[\"caf\\u00e9\"]"), S("caf\xc3\xa9")),
        };
        FC_RUN(cases);
}

Test(func_json, keys_items_records)
{
        fcase cases[] = {
                FC("json_keys", "[Red, Green]", S("{\"Red\": 3, \"Green\": 5}")),
                FC("json_keys", "[]", S("{}")),
                FC("json_keys", "null", S("[1]")),
                FC("json_items", "[{\"type\":\"A\",\"timestamp\":\"2022-01-27\"}, {\"type\":\"B\"}]",
                   S("[{\"type\": \"A\", \"timestamp\": \"2022-01-27\"}, {\"type\": \"B\"}]")),
                FC("json_items", "[]", S("[]")),
                FC("json_items", "[1.50, \"x y\"]", S("[1.50, \"x y\"]")),
                FC("json_records", "{Red=3, Green=5}", S("{\"Red\": 3, \"Green\": 5}")),
                FC("json_records", "{White=Seven}", S("{\"White\": \"Seven\"}")),
                FC("json_records", "{a=[1,2]}", S("{\"a\": [1, 2]}")),
                FC("json_records", "{}", S("{}")),
                FC("json_records", "null", S("{")),
        };
        FC_RUN(cases);
}

Test(func_json, concat)
{
        fcase cases[] = {
                FC("json_concat", "{\"a\":1,\"b\":2}", S("{\"a\": 1}"), S("{\"b\": 2}")),
                FC("json_concat", "{}", S("{}"), S("{}")),
                FC("json_concat", "{\"a\":{\"3\":4}}", S("{\"a\": {\"5\": 6}}"), S("{\"a\": {\"3\": 4}}")),
                FC("json_concat", "[1,2,3,4]", S("[1, 2]"), S("[3, 4]")),
                FC("json_concat", "[null,null]", S("null"), S("null")),
                FC("json_concat", "[1,2,{\"a\":1}]", S("[1, 2]"), S("{\"a\": 1}")),
                FC("json_concat", "[]", S("[]"), S("[]")),
                FC("json_concat", "[1,[2],[[3]],[[[4]]]]", S("[1, [2]]"), S("[[[3]], [[[4]]]]")),
                FC("json_concat", "null", S("1"), S("")),
                FC("json_concat", "null", TN(T_STR()), S("[]")),
                FC("json_concat", "{\"a\":1,\"b\":2,\"c\":3}", S("{\"a\": 1}"), S("{\"b\": 2}"), S("{\"c\": 3}")),
                FC("json_concat", "[1,2,{\"a\":1},4]", S("[1, 2]"), S("{\"a\": 1}"), S("4")),
        };
        FC_RUN(cases);
}

Test(func_json, extractjsonfield)
{
        const char *doc = "{\"name\": \"cdc\", \"version\": \"1\", \"@type\": \"UDF\", \"array\": [1.23450, {\"x\": [true]}],"
                          " \"o\": {\"k\": null, \"s p\": \"v\"}}";
        fcase cases[] = {
                FC("extractjsonfield", "cdc", S(doc), S("$.name")),
                FC("extractjsonfield", "UDF", S(doc), S("$.@type")),
                FC("extractjsonfield", "1.23450", S(doc), S("$.array[0]")),
                FC("extractjsonfield", "{\"x\":[true]}", S(doc), S("$.array[1]")),
                FC("extractjsonfield", "true", S(doc), S("$.array[1].x[0]")),
                FC("extractjsonfield", "null", S(doc), S("$.array[2]")),
                FC("extractjsonfield", "null", S(doc), S("$.array[-1]")),
                FC("extractjsonfield", "null", S(doc), S("$.o.k")),
                FC("extractjsonfield", "v", S(doc), S("$.o['s p']")),
                FC("extractjsonfield", "null", S(doc), S("$.missing")),
                FC("extractjsonfield", "null", S("{\"name\": "), S("$.name")),
                FC("extractjsonfield", "nest0", S("{\"nested\": \"nest0\"}"), S("$.nested")),
        };
        FC_RUN(cases);
}

Test(func_json, to_json_string)
{
        sl_type_field f[2] = {{"ID", sl_type_int()}, {"NAME", sl_type_string()}};
        const sl_type *st = sl_type_struct(arena, f, 2);
        sl_value *items;
        sl_value sv = sl_value_composite_new(arena, st, 2, &items);
        items[0] = I(1);
        items[1] = S("Alice");
        fcase cases[] = {
                FC("to_json_string", "1", I(1)),
                FC("to_json_string", "null", TN(T_INT())),
                FC("to_json_string", "\"abc\"", S("abc")),
                FC("to_json_string", "true", BOOL(true)),
                FC("to_json_string", "123.456", D(123.456)),
                FC("to_json_string", "123.456", DEC("123.456")),
                FC("to_json_string", "\"IQ==\"", B("!")),
                FC("to_json_string", "\"16:43:40\"", sl_value_time(60220000)),
                FC("to_json_string", "\"1972-09-27\"", sl_value_date(1000)),
                FC("to_json_string", "\"1971-11-28T23:46:40.000\"", sl_value_timestamp(60220000000LL)),
                FC("to_json_string", "[1,2,3]", ARRV(T_INT(), I(1), I(2), I(3))),
                FC("to_json_string", "{\"ID\":1,\"NAME\":\"Alice\"}", sv),
                FC("to_json_string", "{\"id\":[1,2,3]}", MAPV(T_STR(), sl_type_array(arena, T_INT()), S("id"),
                                                          ARRV(T_INT(), I(1), I(2), I(3)))),
        };
        FC_RUN(cases);
}
