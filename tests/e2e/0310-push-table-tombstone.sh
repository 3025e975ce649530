#!/bin/bash
# 0310-push-table-tombstone: a push query on a table emits a tombstone of its topic as a delete row
# that keeps the key (as ksqlDB does): the key column carries the record's key, the value columns
# are null; a key column under an alias and a value-only projection behave the same way.
set -u
. "$(dirname "$0")/lib/server.sh"
fail() { echo "FAIL: $*"; tail -5 "$DIR/log"; exit 1; }

URL=http://127.0.0.1:$(free_port)
sluiced_start "$URL"
sluiced_wait
post() { curl -s -X POST -H 'Content-Type: application/json' "$@"; }

post -d "{\"ksql\":\"CREATE TABLE t (id STRING PRIMARY KEY, v INT) WITH (kafka_topic='t', key_format='kafka', value_format='json', partitions=1);\"}" \
        "$URL/ksql" | grep -q '"Table created"' || fail "create table"
printf 'a|{"V":1}\nb|{"V":2}\na|\n' | kcat -P -b 127.0.0.1:$KAFKA -t t -K '|' -Z || fail "kcat"

out=$(post -m 60 -d '{"ksql":"SELECT * FROM t EMIT CHANGES LIMIT 3;","streamsProperties":{"ksql.streams.auto.offset.reset":"earliest"}}' "$URL/query")
echo "$out" | python3 -c '
import json,sys
j=json.load(sys.stdin)
rows=[r["row"]["columns"] for r in j if "row" in r]
assert rows == [["a",1],["b",2],["a",None]], rows
' || fail "SELECT * gave: $out"

out=$(post -m 60 -d '{"ksql":"SELECT id AS k, v * 2 AS w FROM t EMIT CHANGES LIMIT 3;","streamsProperties":{"ksql.streams.auto.offset.reset":"earliest"}}' "$URL/query")
echo "$out" | python3 -c '
import json,sys
j=json.load(sys.stdin)
rows=[r["row"]["columns"] for r in j if "row" in r]
assert rows == [["a",2],["b",4],["a",None]], rows
' || fail "SELECT id AS k gave: $out"
echo "0310-push-table-tombstone: ok"
