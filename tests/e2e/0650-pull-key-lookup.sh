#!/bin/bash
# 0650-pull-key-lookup: pull queries by key on a CTAS table. Rows go into a source table's topic
# with kcat (updates and a tombstone included); CREATE TABLE ... AS SELECT materializes them in the
# query's view; POST /query answers key equality, IN, OR of keys, a lookup of a missing or deleted
# key, projections with expressions and residual filters, with ksqlDB's header (key columns marked
# KEY) and no final message; POST /query-stream answers in the delimited format.
. "$(dirname "$0")/lib-pull.sh"
pull_server

ksql "$URL" "CREATE TABLE USERS (ID STRING PRIMARY KEY, AGE INT, NAME STRING) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=2);"
produce "$BS" users <<'IN'
a|{"AGE":10,"NAME":"ann"}
b|{"AGE":20,"NAME":"bob"}
c|{"AGE":30,"NAME":"cid"}
d|{"AGE":40,"NAME":"dan"}
b|{"AGE":21,"NAME":"bob"}
IN
printf 'd|\n' | kcat -P -b "$BS" -t users -K '|' -Z || fail "tombstone"
ksql "$URL" "CREATE TABLE QUSERS AS SELECT * FROM USERS;"
wait_rows "SELECT * FROM QUSERS;" 3

expect_rows "SELECT * FROM QUSERS WHERE ID='b';" '["b",21,"bob"]'
printf '%s\n' "$OUT" | head -1 | grep -qF '"schema":"`ID` STRING KEY, `AGE` INTEGER, `NAME` STRING"' ||
        fail "pull header: $OUT"
printf '%s\n' "$OUT" | grep -q finalMessage && fail "a table pull query has no final message: $OUT"
expect_rows "SELECT * FROM QUSERS WHERE ID='zz';" ''
expect_rows "SELECT * FROM QUSERS WHERE ID='d';" ''
expect_rows "SELECT ID, NAME FROM QUSERS WHERE ID IN ('c', 'a', 'x');" '["c","cid"]
["a","ann"]'
expect_rows "SELECT NAME, AGE * 2 AS A2 FROM QUSERS WHERE ID = 'a' OR ID = 'b';" '["ann",20]
["bob",42]'
expect_rows "SELECT ID FROM QUSERS WHERE ID IN ('a', 'b', 'c') AND AGE > 15;" '["b"]
["c"]'
expect_rows "SELECT UCASE(NAME) AS N, ROWTIME > 0 AS T FROM QUSERS WHERE 'c' = ID;" '["CID",true]'

query_stream "SELECT * FROM QUSERS WHERE ID='a';"
[ "$QSTATUS" = 200 ] || fail "/query-stream: HTTP $QSTATUS $OUT"
python3 - "$OUT" <<'PY' || fail "/query-stream pull: $OUT"
import json, sys
lines = sys.argv[1].strip().split("\n")
meta = json.loads(lines[0])
assert meta["columnNames"] == ["ID", "AGE", "NAME"], meta
assert meta["columnTypes"] == ["STRING", "INTEGER", "STRING"], meta
assert meta["queryId"], meta
assert [json.loads(l) for l in lines[1:]] == [["a", 10, "ann"]], lines
PY

# a later update is seen by the next lookup
printf 'a|{"AGE":11,"NAME":"ann"}\n' | produce "$BS" users
for _ in $(seq 120); do
        query "SELECT AGE FROM QUSERS WHERE ID='a';"
        [ "$(rows)" = '[11]' ] && break
        sleep 0.25
done
[ "$(rows)" = '[11]' ] || fail "update not seen: $OUT"
echo "PASS"
