/* test_delimited.c: the DELIMITED format: quoting on input and output, delimiters, every type,
 * field counts, malformed fields, and the outputs ksqlDB's conformance cases show. */
#include "serde_test.h"
#include "types/compare.h"

typedef struct dcase {
        const char *columns;
        char delim;
        const char *in;
        const char *want;  /* rendered row or "ERR: <substring>" */
} dcase;

static const dcase decode_cases[] = {
        {"ID BIGINT, NAME STRING, V INT", 0, "0,zero,0", "0|\"zero\"|0"},
        {"ID BIGINT, NAME STRING, V INT", '|', "0|zero|0", "0|\"zero\"|0"},
        {"ID BIGINT, NAME STRING, V INT", '\t', "0\tzero\t0", "0|\"zero\"|0"},
        {"ID BIGINT, NAME STRING, V INT", ' ', "0 zero 0", "0|\"zero\"|0"},
        {"K1 STRING, K2 STRING", ';', "foo,bar;baz", "\"foo,bar\"|\"baz\""},
        {"K1 STRING, K2 STRING", 0, "\"foo\",\"bar\"", "\"foo\"|\"bar\""},
        {"K1 STRING, K2 STRING", 0, "\"a,\"\"b\"\"\",\"x\r\ny\"", "\"a,\\\"b\\\"\"|\"x\\r\\ny\""},
        {"K1 STRING, K2 STRING", 0, " \"a\" ,b", "\" \\\"a\\\" \"|\"b\""},
        {"K1 STRING, K2 STRING", 0, "\"a\"  ,b", "\"a\"|\"b\""},
        {"K1 STRING, K2 STRING", 0, "a,", "\"a\"|null"},
        {"K1 STRING, K2 STRING", 0, ",", "null|null"},
        {"K1 STRING, K2 STRING", 0, "\"\",b", "null|\"b\""},
        {"K1 STRING, K2 STRING", 0, "a,b\r\nc,d,e", "\"a\"|\"b\""},
        {"K1 STRING, K2 STRING", 0, "\n\na,b", "\"a\"|\"b\""},
        {"K1 STRING, K2 STRING", 0, "a,b,c", "ERR: Unexpected field count, csvFields:3 schemaFields:2"},
        {"K1 STRING, K2 STRING", 0, "a", "ERR: Unexpected field count, csvFields:1 schemaFields:2"},
        {"K1 STRING, K2 STRING", 0, "", "ERR: No fields in record"},
        {"K1 STRING, K2 STRING", 0, "\"a,b", "ERR: EOF reached before encapsulated token finished"},
        {"K1 STRING, K2 STRING", 0, "\"a\"x,b", "ERR: invalid char between encapsulated token and delimiter"},
        {"B BOOLEAN", 0, "true", "true"},
        {"B BOOLEAN", 0, "\"TRUE\"", "true"},
        {"B BOOLEAN", 0, "yes", "false"},
        {"I INT", 0, "\"22\"", "22"},
        {"I INT", 0, "-2147483648", "-2147483648"},
        {"I INT", 0, "2147483648", "ERR: cannot parse '2147483648' as INTEGER for column I"},
        {"I INT", 0, " 1", "ERR: cannot parse"},
        {"I INT", 0, "1.5", "ERR: cannot parse"},
        {"L BIGINT", 0, "998877665544332211", "998877665544332211"},
        {"D DOUBLE", 0, "654.321", "654.321"},
        {"D DOUBLE", 0, "\"123.456\"", "123.456"},
        {"D DOUBLE", 0, "1e3", "1000.0"},
        {"D DOUBLE", 0, "x", "ERR: cannot parse 'x' as DOUBLE"},
        {"N DECIMAL(6,4)", 0, "12.3650", "12.3650"},
        {"N DECIMAL(6,4)", 0, "\"12.0\"", "12.0000"},
        {"N DECIMAL(33,16)", 0, ".12", "0.1200000000000000"},
        {"N DECIMAL(33,16)", 0, "12345678987654321.2345678987654321", "12345678987654321.2345678987654321"},
        {"N DECIMAL(4,2)", 0, "123.4", "ERR: N"},
        {"N DECIMAL(4,2)", 0, "1x", "ERR: cannot parse '1x' as DECIMAL"},
        {"Y BYTES", 0, "IQ==", "\"IQ==\""},
        {"Y BYTES", 0, "I*==", "ERR: cannot parse"},
        {"DT DATE, TM TIME, TS TIMESTAMP", 0, "-10,3600000,1600000000123", "-10|3600000|1600000000123"},
};

TestSuite(serde_delimited, .init = serde_test_setup, .fini = serde_test_teardown);

Test(serde_delimited, decode_table)
{
        for (size_t i = 0; i < sizeof decode_cases / sizeof decode_cases[0]; i++) {
                const dcase *c = &decode_cases[i];
                sl_serde *serde = make_serde(&arena, SL_SERDE_DELIMITED, c->columns, false, c->delim);
                char *got = decode_text(&arena, serde, c->in, (size_t)-1);
                if (strncmp(c->want, "ERR: ", 5) == 0)
                        cr_expect(strncmp(got, "ERR: ", 5) == 0 && strstr(got, c->want + 5),
                                  "case %zu [%s]: got [%s], want error containing [%s]", i, c->in, got, c->want + 5);
                else
                        cr_expect_str_eq(got, c->want, "case %zu [%s]: %s", i, c->in, got);
                sl_serde_free(serde);
        }
}

/* Encodes `row`, which must succeed: the text, or "<absent>" when there is no record. */
static const char *encode_ok(sl_arena *arena, const sl_serde *serde, const sl_value *row)
{
        const char *r = encode_text(arena, serde, row);
        cr_assert(strncmp(r, "ERR: ", 5) != 0, "%s", r);
        return r;
}

Test(serde_delimited, encode_quoting_as_ksqldb)
{
        sl_serde *s3 = make_serde(&arena, SL_SERDE_DELIMITED, "A STRING, B STRING, C STRING", false, 0);
        struct {
                const char *a, *b, *c;
                const char *want;
        } cases[] = {
                {"0", "zero", "0", "0,zero,0"},
                {"!", "x", "#", "\"!\",x,\"#\""},
                {" \t with white space \t", " \t WITH WHITE SPACE \t", "with white space",
                 "\" \t with white space \t\",\" \t WITH WHITE SPACE \t\",with white space"},
                {"a\"b", "c,d", "e\nf", "\"a\"\"b\",\"c,d\",\"e\nf\""},
                {"-1", "-1", "$x", "\"-1\",-1,$x"},
                {"", "", "", "\"\",,"},
                {NULL, NULL, NULL, ",,"},
                {"\xc3\xa9", "\xc3\xa9", "x ", "\"\xc3\xa9\",\xc3\xa9,\"x \""},
                {"\"\" + x + \"\"", "y", "z", "\"\"\"\"\" + x + \"\"\"\"\",y,z"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_value row[3];
                const char *v[3] = {cases[i].a, cases[i].b, cases[i].c};
                for (int k = 0; k < 3; k++)
                        row[k] = v[k] ? sl_value_string(v[k], strlen(v[k])) : sl_value_null();
                cr_expect_str_eq(encode_ok(&arena, s3, row), cases[i].want, "case %zu", i);
        }
        sl_serde_free(s3);

        sl_serde *pipe = make_serde(&arena, SL_SERDE_DELIMITED, "A STRING, B STRING", false, '|');
        sl_value row2[2] = {sl_value_string("a,b", 3), sl_value_string("c|d", 3)};
        cr_expect_str_eq(encode_ok(&arena, pipe, row2), "a,b|\"c|d\"");
        sl_serde_free(pipe);
}

Test(serde_delimited, encode_every_type)
{
        sl_serde *serde = make_serde(&arena, SL_SERDE_DELIMITED,
                                     "B BOOLEAN, I INT, L BIGINT, D DOUBLE, N DECIMAL(33,16), Y BYTES, DT DATE, "
                                     "TM TIME, TS TIMESTAMP",
                                     false, '$');
        sl_decimal dec;
        cr_assert_eq(sl_decimal_parse_to("-12345.12", 9, 33, 16, &dec, NULL), SL_OK);
        sl_value row[] = {
                sl_value_bool(true), sl_value_int(-2147483647), sl_value_bigint(9223372036854775807LL),
                sl_value_double(-1.7976931348623157E308), sl_value_decimal(dec), sl_value_bytes("!", 1),
                sl_value_date(-10), sl_value_time(10), sl_value_timestamp(1600000000123),
        };
        cr_expect_str_eq(encode_ok(&arena, serde, row),
                         "true$-2147483647$9223372036854775807$-1.7976931348623157E308$-12345.1200000000000000$IQ=="
                         "$-10$10$1600000000123");
        /* a negative first field is quoted, as ksqlDB's outputs show */
        sl_value first[] = {sl_value_date(-10)};
        sl_serde *one = make_serde(&arena, SL_SERDE_DELIMITED, "D DATE", false, 0);
        cr_expect_str_eq(encode_ok(&arena, one, first), "\"-10\"");
        cr_expect_str_eq(encode_ok(&arena, one, NULL), "<absent>");
        sl_serde_free(one);
        sl_serde_free(serde);

        /* a value the format cannot hold fails and leaves the buffer as it was */
        sl_serde *two = make_serde(&arena, SL_SERDE_DELIMITED, "A INT, B INT", false, 0);
        const sl_type *at = parse_type(&arena, "ARRAY<INT>");
        sl_value *items;
        sl_value bad[2] = {sl_value_int(1), sl_value_composite_new(&arena, at, 0, &items)};
        sl_buf out;
        sl_buf_init(&out);
        sl_buf_append(&out, "pre", 3);
        bool on;
        sl_err_detail err;
        cr_expect_eq(sl_serde_serialize(two, bad, &out, &on, &err), SL_ERR_SERDE);
        cr_expect_eq(out.len, 3);
        cr_expect_str_eq((const char *)out.data, "pre");
        sl_buf_deinit(&out);
        sl_serde_free(two);
}

Test(serde_delimited, round_trip)
{
        sl_serde *serde = make_serde(&arena, SL_SERDE_DELIMITED,
                                     "S STRING, I INT, D DOUBLE, N DECIMAL(10,3), Y BYTES, T STRING", false, 0);
        const char *texts[] = {"plain", "with,comma", "with \"quote\"", "line\r\nbreak", " lead", "-neg", "#", "\xe2\x82\xac"};
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
                sl_decimal dec;
                cr_assert_eq(sl_decimal_parse_to("-1.5", 4, 10, 3, &dec, NULL), SL_OK);
                sl_value row[6] = {sl_value_string(texts[i], strlen(texts[i])), sl_value_int((int)i - 3),
                                   sl_value_double(0.1 * (double)i), sl_value_decimal(dec),
                                   sl_value_bytes(texts[i], strlen(texts[i])), sl_value_string(texts[i], strlen(texts[i]))};
                const char *enc = encode_ok(&arena, serde, row);
                sl_value back[6];
                bool rn;
                sl_err_detail err;
                cr_assert_eq(sl_serde_deserialize(serde, sl_slice_from_cstr(enc), &arena, NULL, back, &rn, &err), SL_OK,
                             "[%s]: %s", enc, err.message);
                for (int c = 0; c < 6; c++)
                        cr_expect(sl_value_eq(&row[c], &back[c]), "text %zu column %d via [%s]", i, c, enc);
        }
        sl_serde_free(serde);
}

Test(serde_delimited, schema_and_delimiter_checks)
{
        sl_serde_column cols[1] = {{"K", parse_type(&arena, "ARRAY<INT>")}};
        sl_serde_schema schema = {.columns = cols, .ncolumns = 1};
        sl_serde *serde;
        sl_err_detail err;
        cr_expect_eq(sl_serde_new(SL_SERDE_DELIMITED, &schema, &serde, &err), SL_ERR_UNSUPPORTED);
        cr_expect_str_eq(err.message, "The 'DELIMITED' format does not support type 'ARRAY'");
        cols[0].type = parse_type(&arena, "STRUCT<F DOUBLE>");
        cr_expect_eq(sl_serde_new(SL_SERDE_DELIMITED, &schema, &serde, &err), SL_ERR_UNSUPPORTED);
        cr_expect_str_eq(err.message, "The 'DELIMITED' format does not support type 'STRUCT'");

        char d;
        cr_expect_eq(sl_serde_delimiter_parse("TAB", &d, &err), SL_OK);
        cr_expect_eq(d, '\t');
        cr_expect_eq(sl_serde_delimiter_parse("space", &d, &err), SL_OK);
        cr_expect_eq(d, ' ');
        cr_expect_eq(sl_serde_delimiter_parse("|", &d, &err), SL_OK);
        cr_expect_eq(d, '|');
        cr_expect_eq(sl_serde_delimiter_parse("<~>", &d, &err), SL_ERR_INVALID);
        cr_expect(strstr(err.message, "Invalid delimiter value: '<~>'. Delimiter must be a single character or TAB,SPACE"));
        cr_expect_eq(sl_serde_delimiter_parse("", &d, &err), SL_ERR_INVALID);
        cr_expect(strstr(err.message, "Delimiter cannot be empty"));
        cr_expect_eq(sl_serde_delimiter_parse(" ", &d, &err), SL_ERR_INVALID);
        cr_expect_eq(sl_serde_delimiter_parse("\t", &d, &err), SL_ERR_INVALID);
}
