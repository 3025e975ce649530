/* qtt_load.h: reading ksqlDB's query-validation test files (QTT/RQTT JSON with comments), shared by
 * the conformance runners (tests/conformance) and the unit tests that walk the same corpus. */
#ifndef SL_TEST_QTT_LOAD_H
#define SL_TEST_QTT_LOAD_H

/* QTT files are JSON with // and block comments (Jackson ALLOW_COMMENTS): blanks them out in place,
 * leaving string literals alone. */
void sl_test_qtt_strip_comments(char *s);

/* `s` with every occurrence of `from` replaced by `to`, as a heap string (caller frees with sl_free). */
char *sl_test_str_replace_all(const char *s, const char *from, const char *to);

#endif
