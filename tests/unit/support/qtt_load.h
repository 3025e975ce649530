/* qtt_load.h: reading ksqlDB's query-validation test files (QTT/RQTT JSON with comments), shared by
 * the conformance runners (tests/conformance) and the unit tests that walk the same corpus. */
#ifndef SL_TEST_QTT_LOAD_H
#define SL_TEST_QTT_LOAD_H

#include <jansson.h>
#include <stdbool.h>

/* QTT files are JSON with // and block comments (Jackson ALLOW_COMMENTS): blanks them out in place,
 * leaving string literals alone. */
void sl_test_qtt_strip_comments(char *s);

/* `s` with every occurrence of `from` replaced by `to`, as a heap string (caller frees with sl_free). */
char *sl_test_str_replace_all(const char *s, const char *from, const char *to);

/* A schema as text with the differences that do not matter removed: upper case, no back-quotes,
 * INT as INTEGER, VARCHAR as STRING, PRIMARY KEY as KEY, single spaces, ", " between columns; as a
 * heap string (caller frees with sl_free). Used to compare our source schemas with the QTT
 * post-conditions. */
char *sl_test_qtt_normalize_schema(const char *in);

/* Structural JSON equality with numbers by value (1 == 1.0, 10.1 == 10.10, doubles within a relative
 * 1e-12). With `fields_ci`, an object field without an exact match in `b` takes one whose name
 * matches case-insensitively (ksqlDB reads expected JSON through its serde). In qtt_json.c, which
 * needs jansson. */
bool sl_test_json_same(const json_t *a, const json_t *b, bool fields_ci);

#endif
