/* test_url.c: the URL family on the QTT cases: protocol, host (past user info), port, path,
 * query, fragment, parameters, and the form encoding of URL_ENCODE_PARAM / URL_DECODE_PARAM. */
#include "func_test.h"

TestSuite(func_url, .init = fc_setup, .fini = fc_teardown);

Test(func_url, extract)
{
        fcase cases[] = {
                FC("url_extract_fragment", "fragment", S("http://www.test.com/?query#fragment")),
                FC("url_extract_fragment", "null", S("http://www.nofragment.com")),
                FC("url_extract_host", "www.test.com", S("http://www.test.com/?query#fragment")),
                FC("url_extract_host", "confluent.io", S("http://test@confluent.io:8080")),
                FC("url_extract_host", "null", S("www.confluent.io")),
                FC("url_extract_parameter", "a", S("http://www.test.com/?one=a&two=b&three"), S("one")),
                FC("url_extract_parameter", "b", S("http://www.test.com/?one=a&two=b&three"), S("two")),
                FC("url_extract_parameter", "", S("http://www.test.com/?one=a&two=b&three"), S("three")),
                FC("url_extract_parameter", "null", S("http://www.test.com/?one=a"), S("four")),
                FC("url_extract_parameter", "url%20encoded", S("http://www.test.com/?one=a&two=url%20encoded"), S("two")),
                FC("url_extract_path", "", S("http://www.test.com?query#fragment")),
                FC("url_extract_path", "/path", S("http://www.test.com/path?query")),
                FC("url_extract_path", "/nested/path", S("http://test@confluent.io:8080/nested/path?query&jobs")),
                FC("url_extract_port", "null", S("http://test@confluent.io")),
                FC("url_extract_port", "8080", S("http://test@confluent.io:8080/nested/path?query&jobs")),
                FC("url_extract_protocol", "http", S("http://test@confluent.io")),
                FC("url_extract_protocol", "https", S("https://test@confluent.io:8080/nested/path?query&jobs")),
                FC("url_extract_protocol", "null", S("www.confluent.io")),
                FC("url_extract_query", "query", S("http://www.test.com?query#fragment")),
                FC("url_extract_query", "q1&q2", S("http://www.test.com/path?q1&q2")),
                FC("url_extract_query", "q=2", S("http://test@confluent.io:8080/nested/path?q=2")),
                FC("url_extract_query", "null", S("http://test@confluent.io:8080/path")),
                FC("url_extract_host", "null", S("http://bad url")),
                FC("url_extract_host", "null", TN(T_STR())),
        };
        FC_RUN(cases);
}

Test(func_url, encode_decode)
{
        fcase cases[] = {
                FC("url_encode_param", "%3Ffoo+%24bar", S("?foo $bar")),
                FC("url_encode_param", "hello%26world", S("hello&world")),
                FC("url_encode_param", "nothing", S("nothing")),
                FC("url_encode_param", "%C3%A9", S("\xc3\xa9")),
                FC("url_decode_param", "?foo $bar", S("%3Ffoo+%24bar")),
                FC("url_decode_param", "hello&world", S("hello%26world")),
                FC("url_decode_param", "url encoded", S("url%20encoded")),
                FC("url_decode_param", "null", S("bad%2")),
                FC("url_decode_param", "null", S("bad%zz")),
        };
        FC_RUN(cases);
}
