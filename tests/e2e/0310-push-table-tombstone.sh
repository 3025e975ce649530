#!/bin/bash
# 0310-push-table-tombstone: a push query on a table emits a tombstone of its topic as a delete row
# that keeps the key (as ksqlDB does): the key column carries the record's key, the value columns
# are null; a key column under an alias and a value-only projection behave the same way.
set -u
. "$(dirname "$0")/lib/server.sh"

sluiced_up

post -d "{\"ksql\":\"CREATE TABLE t (id STRING PRIMARY KEY, v INT) WITH (kafka_topic='t', key_format='kafka', value_format='json', partitions=1);\"}" \
        "$URL/ksql" | grep -q '"Table created"' || fail "create table"
printf 'a|{"V":1}\nb|{"V":2}\na|\n' | kcat -P -b 127.0.0.1:$KAFKA -t t -K '|' -Z || fail "kcat"

# rows_are SQL JSON: the push query SQL over /query (from the earliest offset) gives the rows JSON
rows_are() {
        local out
        out=$(post -m 60 -d "{\"ksql\":\"$1\",\"streamsProperties\":{\"ksql.streams.auto.offset.reset\":\"earliest\"}}" \
                "$URL/query")
        echo "$out" | python3 -c '
import json,sys
rows=[r["row"]["columns"] for r in json.load(sys.stdin) if "row" in r]
assert rows == json.loads(sys.argv[1]), rows
' "$2" || fail "$1 gave: $out"
}
rows_are "SELECT * FROM t EMIT CHANGES LIMIT 3;" '[["a",1],["b",2],["a",null]]'
rows_are "SELECT id AS k, v * 2 AS w FROM t EMIT CHANGES LIMIT 3;" '[["a",2],["b",4],["a",null]]'
echo "0310-push-table-tombstone: ok"
