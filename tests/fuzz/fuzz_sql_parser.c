/* fuzz_sql_parser.c: libFuzzer target for the SQL front end. Every input is a script: lex, split,
 * parse each statement, print each parsed statement and re-parse the printed text, which must
 * parse and compare equal (a mismatch is a printer or grammar bug, so it aborts). Then free
 * everything; LeakSanitizer checks that failed statements leak nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "sql/ast_print.h"
#include "sql/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = sl_malloc(size + 1);
        sl_script *script = NULL;
        size_t i;

        memcpy(text, data, size);
        text[size] = '\0';
        sl_parse_script(text, NULL, &script);
        for (i = 0; i < script->nstmts; i++) {
                char *printed = sl_ast_stmt_to_sql(script->stmts[i]);
                sl_ast_stmt *again = NULL;
                if (sl_parse_statement(printed, NULL, &again, NULL) != SL_OK ||
                    !sl_ast_stmt_equal(script->stmts[i], again))
                        abort();
                sl_ast_stmt_free(again);
                sl_free(printed);
        }
        sl_script_free(script);
        sl_free(text);
        return 0;
}
