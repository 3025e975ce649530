#!/bin/bash
# 0302-shell-script: the `sluice` shell without a terminal: a piped script runs statement by
# statement (multi-line statements, comments, a last statement without ';') and exits 0; the first
# failing statement stops the script with exit status 1 and nothing after it runs; -e and -f run
# statements; RUN SCRIPT nests a file; -d and DEFINE variables substitute; SET is held by the shell
# and sent with each request; --output JSON prints the server's JSON; an unreachable server fails.
set -u
. "$(dirname "$0")/lib/server.sh"
fail() { echo "FAIL: $*"; echo "--- out:"; cat "$DIR/out" "$DIR/err" 2>/dev/null; exit 1; }

sluiced_up
sh_run() { "$BIN/sluice" "$@" >"$DIR/out" 2>"$DIR/err"; }
has() { grep -qF -- "$1" "$DIR/out" "$DIR/err" || fail "output lacks: $1"; }
lacks() { ! grep -qF -- "$1" "$DIR/out" "$DIR/err" || fail "output has: $1"; }

# a piped script
printf '%s\n' "-- a comment line" \
        "CREATE STREAM orders (id INT KEY, item STRING)" \
        "  WITH (kafka_topic='orders', value_format='json', partitions=2); /* inline */ SHOW STREAMS;" \
        "DESCRIBE orders" | sh_run "$URL" || fail "piped script exited $?"
has " Stream created"
has " ORDERS      | orders      | KAFKA      | JSON         | false"
has "Name                 : ORDERS"
has " ITEM  | VARCHAR(STRING)"

# the first failure stops the script, status 1
printf '%s\n' "SHOW STREAMS;" "DESCRIBE nope;" "CREATE STREAM never (id INT KEY) WITH (kafka_topic='n', value_format='json');" \
        | sh_run "$URL"
[ $? = 1 ] || fail "a failing script must exit 1"
has "Could not find STREAM/TABLE 'NOPE' in the Metastore"
curl -s -X POST -H 'Content-Type: application/json' -d '{"ksql":"SHOW STREAMS;"}' "$URL/ksql" | grep -q NEVER \
        && fail "a statement after the failure ran"

# -e, -d, DEFINE, SHOW VARIABLES
sh_run -d src=orders -e "DESCRIBE \${src}; DEFINE t = 'x'; SHOW VARIABLES;" "$URL" || fail "-e exited $?"
has "Name                 : ORDERS"
has " src           | orders"
has " t             | x"

# -f with RUN SCRIPT and SET
cat >"$DIR/inner.sql" <<'SQL'
CREATE TABLE totals (item STRING PRIMARY KEY, n BIGINT) WITH (kafka_topic='totals', format='json', partitions=1);
SQL
cat >"$DIR/outer.sql" <<SQL
SET 'auto.offset.reset' = 'earliest';
RUN SCRIPT '$DIR/inner.sql';
SHOW TABLES;
SHOW PROPERTIES;
SQL
sh_run -f "$DIR/outer.sql" "$URL" || fail "-f exited $?"
has "Successfully changed local property 'auto.offset.reset' to 'earliest'."
has " TOTALS     | totals      | JSON       | JSON         | false"
has " ksql.streams.auto.offset.reset"
grep -F " ksql.streams.auto.offset.reset" "$DIR/out" | grep -q "SESSION.*earliest" || fail "SET was not sent"

# -f with stdout and stderr in one file: the SET line ends before the next statement's error
printf '%s\n' "SET 'auto.offset.reset' = 'earliest';" "DESCRIBE nope;" >"$DIR/set.sql"
"$BIN/sluice" -f "$DIR/set.sql" "$URL" >"$DIR/out" 2>&1
[ "$(head -c 36 "$DIR/out")" = "Successfully changed local property " ] || fail "the SET line does not come first"
grep -qx "Successfully changed local property 'auto.offset.reset' to 'earliest'. Use the UNSET command to revert your change." \
        "$DIR/out" || fail "the SET line is not a line of its own"

# --output JSON prints the entities as the server sent them
sh_run --output JSON -e "SHOW TABLES;" "$URL" || fail "--output JSON exited $?"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j[0]["@type"] == "tables" and j[0]["tables"][0]["name"] == "TOTALS"' \
        "$DIR/out" || fail "--output JSON is not the server's JSON"

# errors of statements that need the query manager come back as messages, status 1
sh_run -e "SELECT * FROM no_such_source WHERE id = 1;" "$URL"
[ $? = 1 ] || fail "a failed query must exit 1"
has "NO_SUCH_SOURCE"

# an unreachable server
sh_run -e "SHOW STREAMS;" "http://127.0.0.1:$(free_port)"
[ $? = 1 ] || fail "an unreachable server must exit 1"
has "Could not reach the server"
echo "0302-shell-script: ok"
