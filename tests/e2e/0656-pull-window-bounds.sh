#!/bin/bash
# 0656-pull-window-bounds: pull queries on a windowed table. A CREATE SOURCE TABLE with
# WINDOW_TYPE TUMBLING over a topic of windowed keys (the key bytes, then the 8-byte window start,
# as Kafka Streams writes them; produced with confluent-kafka) is materialized; a key lookup
# returns every window of the key, WINDOWSTART and WINDOWEND bounds (=, <, <=, >, >=, BETWEEN,
# ISO timestamp strings) select windows of a key or, in a scan, of every key; an update replaces a
# window and a tombstone deletes only its window; window columns in the SELECT list are marked KEY.
. "$(dirname "$0")/lib-pull.sh"
pull_server

ksql "$URL" "CREATE SOURCE TABLE W (ID STRING PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='w', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='1 SECOND', PARTITIONS=2);"
/usr/bin/python3 - "$BS" <<'PY' || fail "produce windowed keys"
import json, struct, sys
from confluent_kafka import Producer
p = Producer({"bootstrap.servers": sys.argv[1]})
rows = [("a", 0, 1), ("a", 1000, 2), ("a", 2000, 3), ("b", 1000, 10), ("a", 1000, 22), ("b", 3000, 5),
        ("b", 3000, None), ("c", 5000, 7)]
for k, ws, v in rows:
    p.produce("w", key=k.encode() + struct.pack(">q", ws), value=None if v is None else json.dumps({"V": v}).encode(),
              timestamp=ws + 10)
p.flush()
PY
wait_rows "SELECT * FROM W;" 5

W="ID, WINDOWSTART, WINDOWEND, V"
expect_rows "SELECT $W FROM W WHERE ID = 'a';" '["a",0,1000,1]
["a",1000,2000,22]
["a",2000,3000,3]'
printf '%s\n' "$OUT" | head -1 | grep -qF '"schema":"`ID` STRING KEY, `WINDOWSTART` BIGINT KEY, `WINDOWEND` BIGINT KEY, `V` INTEGER"' ||
        fail "windowed header: $OUT"
expect_rows "SELECT $W FROM W WHERE ID = 'a' AND WINDOWSTART = 1000;" '["a",1000,2000,22]'
expect_rows "SELECT $W FROM W WHERE ID = 'a' AND WINDOWSTART >= 1000 AND WINDOWEND < 3000;" '["a",1000,2000,22]'
expect_rows "SELECT V FROM W WHERE ID = 'a' AND WINDOWSTART > 0 AND WINDOWSTART <= 2000;" '[22]
[3]'
expect_rows "SELECT V FROM W WHERE ID = 'a' AND WINDOWEND BETWEEN 2000 AND 3000;" '[22]
[3]'
expect_rows "SELECT V FROM W WHERE ID = 'a' AND WINDOWSTART >= '1970-01-01T00:00:01';" '[22]
[3]'
expect_rows "SELECT $W FROM W WHERE ID IN ('b', 'c');" '["b",1000,2000,10]
["c",5000,6000,7]'
expect_rows "SELECT $W FROM W WHERE ID = 'b' AND WINDOWSTART = 3000;" ''
# scans over every key
expect_rows "SELECT ID, V FROM W WHERE WINDOWSTART = 1000;" '["a",22]
["b",10]'
expect_rows "SELECT ID, V FROM W WHERE WINDOWEND > 2500 LIMIT 2;" '["a",3]
["c",7]'
expect_error "SELECT * FROM W WHERE WINDOWSTART = 1000;" 400 \
        "Query requires table scan to be enabled" '{"ksql.query.pull.table.scan.enabled": false}'
query "SELECT V FROM W WHERE ID = 'c' AND WINDOWSTART < 6000;" '{"ksql.query.pull.table.scan.enabled": false}'
[ "$QSTATUS" = 200 ] && [ "$(rows)" = '[7]' ] || fail "windowed lookup with scans disabled: $OUT"
echo "PASS"
