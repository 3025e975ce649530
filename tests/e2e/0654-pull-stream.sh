#!/bin/bash
# 0654-pull-stream: pull queries on streams (ksql.query.pull.stream.enabled, default true) read
# the stream's topic from the beginning to the end it has when the query starts, through WHERE and
# the SELECT list, and end with "Query Completed" (or "Limit Reached" at LIMIT); the header marks
# no key column. An empty stream gives the header and "Query Completed"; records produced later
# are seen by the next pull query only.
. "$(dirname "$0")/lib-pull.sh"
pull_server

ksql "$URL" "CREATE STREAM S1 (MYKEY STRING KEY, MYVALUE INT) WITH (KAFKA_TOPIC='s1', VALUE_FORMAT='JSON', PARTITIONS=1);"
query "SELECT * FROM S1;"
[ "$QSTATUS" = 200 ] || fail "empty stream: $QSTATUS $OUT"
python3 - "$OUT" <<'PY' || fail "empty stream: $OUT"
import json, sys
r = json.loads(sys.argv[1])
assert len(r) == 2, r
assert r[0]["header"]["schema"] == "`MYKEY` STRING, `MYVALUE` INTEGER", r
assert r[0]["header"]["queryId"], r
assert r[1] == {"finalMessage": "Query Completed"}, r
PY

for i in 1 2 3 4 5 6; do printf 'k%d|{"MYVALUE":%d}\n' "$i" "$i"; done | produce "$BS" s1
expect_rows "SELECT * FROM S1;" '["k1",1]
["k2",2]
["k3",3]
["k4",4]
["k5",5]
["k6",6]'
grep -qF '{"finalMessage":"Query Completed"}]' <<<"$OUT" || fail "no Query Completed: $OUT"
expect_rows "SELECT MYKEY, MYVALUE * 10 AS T FROM S1 WHERE MYVALUE % 2 = 0;" '["k2",20]
["k4",40]
["k6",60]'
expect_rows "SELECT MYKEY FROM S1 WHERE MYVALUE > 1 LIMIT 3;" '["k2"]
["k3"]
["k4"]'
grep -qF '{"finalMessage":"Limit Reached"}]' <<<"$OUT" || fail "no Limit Reached: $OUT"
expect_rows "SELECT MYKEY FROM S1 WHERE ROWTIME > 0 AND MYKEY = 'k5';" '["k5"]'

printf 'k7|{"MYVALUE":7}\n' | produce "$BS" s1
expect_rows "SELECT MYKEY FROM S1 WHERE MYVALUE >= 6;" '["k6"]
["k7"]'

query_stream "SELECT * FROM S1 WHERE MYVALUE = 3;"
[ "$QSTATUS" = 200 ] || fail "/query-stream: $QSTATUS $OUT"
[ "$(tail -n +2 <<<"$OUT")" = '["k3",3]' ] || fail "/query-stream rows: $OUT"
echo "PASS"
