/* parser.y: ksqlDB's statement grammar for lemon. Placeholder: only the script skeleton exists
 * until the SQL front end lands; the build wiring is the real one. */
%name sl_parser
%token_prefix TK_
%extra_context {sl_parse *ps}
%include {
#include <assert.h>
#include "sql/parse.h"
}
%syntax_error { sl_parse_syntax_error(ps, yymajor, &TOKEN); }
%token_type {sl_token}

script ::= stmt_list.
stmt_list ::= .
stmt_list ::= stmt_list stmt SEMI.
stmt ::= ID.
