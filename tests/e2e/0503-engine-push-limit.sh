#!/bin/bash
# 0503-engine-push-limit: a transient push query over REST /query-stream with a WHERE, functions
# and LIMIT, next to a running persistent query on the same source: the response is the header
# then exactly LIMIT rows, and it ends by itself; SHOW QUERIES then lists only the persistent one;
# TERMINATE stops it and the command log keeps it stopped across a restart.
. "$(dirname "$0")/lib-engine.sh"

start_engine --num.partitions=1

for i in 1 2 3 4 5 6; do echo "k$i|{\"id\":$i,\"v\":\"v$i\"}"; done | produce "$BS" events
ksql "$URL" "CREATE STREAM ev (k STRING KEY, id INT, v STRING) WITH (kafka_topic='events', value_format='json');"
ksql "$URL" "CREATE STREAM copy AS SELECT * FROM ev EMIT CHANGES;"

OUT=$(curl -s -m 60 -X POST -H 'Content-Type: application/json' -H 'Accept: application/vnd.ksqlapi.delimited.v1' \
        -d '{"sql":"SELECT k, id * 2 AS twice, UCASE(v) AS u FROM ev WHERE id > 1 EMIT CHANGES LIMIT 3;","properties":{"auto.offset.reset":"earliest"}}' \
        "$URL/query-stream") || fail "/query-stream did not end by itself (curl $?)"
HEADER=$(printf '%s\n' "$OUT" | head -1)
ROWS=$(printf '%s\n' "$OUT" | tail -n +2 | sed '/^$/d')
printf '%s' "$HEADER" | /usr/bin/python3 -c 'import json,sys; h=json.load(sys.stdin); assert h["columnNames"] == ["K","TWICE","U"], h; assert h["queryId"]' \
        || fail "header: $HEADER"
EXP='["k2",4,"V2"]
["k3",6,"V3"]
["k4",8,"V4"]'
[ "$ROWS" = "$EXP" ] || fail "rows:
$ROWS
expected:
$EXP"

ksql "$URL" "SHOW QUERIES;"
printf '%s' "$BODY" | /usr/bin/python3 -c 'import json,sys; q=json.load(sys.stdin)[0]["queries"]; assert [x["id"] for x in q] == ["CSAS_COPY_0"], q' \
        || fail "SHOW QUERIES: $BODY"
ksql "$URL" "TERMINATE CSAS_COPY_0;"
ksql "$URL" "SHOW QUERIES;"
printf '%s' "$BODY" | grep -q '"queries":\[\]' || fail "still running after TERMINATE: $BODY"
restart_sluiced -TERM sluiced
ksql "$URL" "SHOW QUERIES;"
printf '%s' "$BODY" | grep -q '"queries":\[\]' || fail "TERMINATE not kept across the restart: $BODY"
ksql "$URL" "SHOW STREAMS;"
printf '%s' "$BODY" | grep -q '"name":"COPY"' || fail "sink stream lost: $BODY"
echo "PASS"
