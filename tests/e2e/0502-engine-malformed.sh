#!/bin/bash
# 0502-engine-malformed: a record whose value is not JSON, in the middle of the input, is skipped
# and counted, and the records around it flow: the output holds exactly the good records, DESCRIBE
# EXTENDED of the source shows consumer-failed-messages: 1 (and every record consumed), and the
# processing log line names the topic, partition and offset of the bad record. A record added with
# INSERT INTO ... VALUES flows too.
. "$(dirname "$0")/lib-engine.sh"

start_engine --num.partitions=1

{
        for i in 1 2 3 4 5; do echo "k$i|{\"id\":$i,\"v\":\"a$i\"}"; done
        echo 'k6|{"id":6,"v":'           # truncated JSON: does not deserialize
        for i in 7 8 9 10; do echo "k$i|{\"id\":$i,\"v\":\"a$i\"}"; done
} | produce "$BS" raw
ksql "$URL" "CREATE STREAM raw (k STRING KEY, id INT, v STRING) WITH (kafka_topic='raw', value_format='json');"
# one more record through INSERT INTO ... VALUES (serialized with the stream's formats)
ksql "$URL" "INSERT INTO raw (k, id, v) VALUES ('k11', 11, 'A11');"
[ "$BODY" = "[]" ] || fail "INSERT VALUES answer: $BODY"
ksql "$URL" "CREATE STREAM clean AS SELECT k, id * 10 AS id10, LCASE(v) AS v FROM raw EMIT CHANGES;"
EXP=$(for i in 1 2 3 4 5 7 8 9 10 11; do echo "k$i|{\"ID10\":$((i * 10)),\"V\":\"a$i\"}"; done | sort)
GOT=$(consume "$BS" CLEAN 10)
[ "$GOT" = "$EXP" ] || fail "output differs:
--- expected
$EXP
--- got
$GOT"

# counted: DESCRIBE EXTENDED shows it (the counters follow the stream threads: poll until all 11 are in)
for _ in $(seq 60); do
        ksql "$URL" "DESCRIBE raw EXTENDED;"
        printf '%s' "$BODY" | grep -q '"statistics":"consumer-total-messages: 11"' && break
        sleep 0.5
done
printf '%s' "$BODY" | grep -q '"statistics":"consumer-total-messages: 11"' || fail "statistics: $BODY"
printf '%s' "$BODY" | grep -q '"errorStats":"consumer-failed-messages: 1"' || fail "errorStats: $BODY"
# logged with where it came from (offset 5 of raw's only partition)
grep "processing" "$DIR/sluiced.log" | grep -q "raw.*5" || fail "no processing log line for the bad record"
[ "$(grep -c "WARN  processing" "$DIR/sluiced.log")" = 1 ] || fail "expected exactly one processing log line"
echo "PASS"
