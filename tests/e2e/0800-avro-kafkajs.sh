#!/bin/bash
# 0800-avro-kafkajs: AVRO with the schema registry sluiced serves, driven by clients we did not
# write: the npm packages kafkajs and @kafkajs/confluent-schema-registry register an Avro schema
# (records, a nullable nested record, arrays, maps, an enum, timestamp-millis, date and decimal
# logical types) and produce records in Confluent's wire format; CREATE STREAM with no column list
# infers the columns from the registry; a CSAS with VALUE_FORMAT='AVRO' transforms them and
# registers its own schema (ksqlDB's KsqlDataSourceSchema) under out-value; the same package
# decodes the output to the expected values. Then a compatible evolution of the input (v2 adds an
# optional field) keeps the query running, INSERT VALUES writes with the latest registered schema,
# and an incompatible evolution is refused with HTTP 409; a
# restart replays the stream with the columns it was created with.
# Skips (77) only when node itself is missing.
. "$(dirname "$0")/lib-engine.sh"
node_clients

REG=http://127.0.0.1:$(free_port)
start_engine --schema.registry.listeners=$REG --num.partitions=1

SCHEMA='{"type":"record","name":"Order","namespace":"com.example","fields":[
 {"name":"id","type":"int"},
 {"name":"name","type":"string"},
 {"name":"amount","type":"double"},
 {"name":"tags","type":{"type":"array","items":"string"}},
 {"name":"attrs","type":{"type":"map","values":"long"}},
 {"name":"address","type":["null",{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":"int"}]}],"default":null},
 {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
 {"name":"day","type":{"type":"int","logicalType":"date"}},
 {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"]}}]}'
RECORDS='[
 {"key":null,"value":{"id":1,"name":"ann","amount":1.5,"tags":["x"],"attrs":{"a":1},"address":{"city":"Oslo","zip":150},"ts":1700000000000,"price":{"bytes":[4,210]},"day":19000,"kind":"A"}},
 {"key":null,"value":{"id":2,"name":"bob","amount":2.25,"tags":[],"attrs":{},"address":null,"ts":1700000000001,"price":{"bytes":[255,56]},"day":0,"kind":"B"}},
 {"key":null,"value":{"id":3,"name":"cy","amount":-4,"tags":["p","q"],"attrs":{"b":-5,"c":7},"address":null,"ts":1700000000002,"price":{"bytes":[255,56]},"day":-1,"kind":"B"}}]'
node "$CLIENT" produce "$BS" "$REG" input "$SCHEMA" "$RECORDS" >"$DIR/produce.out" 2>&1 || { cat "$DIR/produce.out"; fail "kafkajs produce"; }

ksql "$URL" "CREATE STREAM INPUT WITH (KAFKA_TOPIC='input', VALUE_FORMAT='AVRO');"
ksql "$URL" "DESCRIBE INPUT;"
echo "$BODY" | python3 -c '
import json, sys
fields = {f["name"]: f["schema"]["type"] for f in json.load(sys.stdin)[0]["sourceDescription"]["fields"]}
want = {"ID": "INTEGER", "NAME": "STRING", "AMOUNT": "DOUBLE", "TAGS": "ARRAY", "ATTRS": "MAP", "ADDRESS": "STRUCT",
        "TS": "TIMESTAMP", "PRICE": "DECIMAL", "DAY": "DATE", "KIND": "STRING"}
sys.exit(0 if fields == want else "inferred columns %s, want %s" % (fields, want))' || fail "inferred columns"

ksql "$URL" "CREATE STREAM OUT WITH (KAFKA_TOPIC='out', VALUE_FORMAT='AVRO') AS SELECT ID, UCASE(NAME) AS NAME, AMOUNT * 2 AS AMOUNT2, TAGS, ATTRS, ADDRESS->CITY AS CITY, ADDRESS, TS, PRICE, DAY, KIND FROM INPUT WHERE ID <> 2;"

check_out() {  # N: the first N output records decode to the expected values
        node "$CLIENT" consume "$BS" "$REG" out "$1" >"$DIR/out.json" 2>"$DIR/consume.err" || { cat "$DIR/consume.err"; fail "kafkajs consume"; }
        python3 - "$DIR/out.json" "$1" <<'PY' || fail "output records"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = [
  {"ID": 1, "NAME": "ANN", "AMOUNT2": 3.0, "TAGS": ["x"], "ATTRS": {"a": 1}, "CITY": "Oslo",
   "ADDRESS": {"CITY": "Oslo", "ZIP": 150}, "TS": 1700000000000, "PRICE": {"bytes": [4, 210]}, "DAY": 19000, "KIND": "A"},
  {"ID": 3, "NAME": "CY", "AMOUNT2": -8.0, "TAGS": ["p", "q"], "ATTRS": {"b": -5, "c": 7}, "CITY": None,
   "ADDRESS": None, "TS": 1700000000002, "PRICE": {"bytes": [255, 56]}, "DAY": -1, "KIND": "B"},
  {"ID": 4, "NAME": "DI", "AMOUNT2": 1.0, "TAGS": [], "ATTRS": {}, "CITY": "Kyiv",
   "ADDRESS": {"CITY": "Kyiv", "ZIP": 1}, "TS": 1700000000003, "PRICE": {"bytes": [1]}, "DAY": 1, "KIND": "A"},
  {"ID": 5, "NAME": "EVE", "AMOUNT2": 4.0, "TAGS": ["z"], "ATTRS": {"k": 3}, "CITY": None,
   "ADDRESS": None, "TS": 1700000000004, "PRICE": {"bytes": [5]}, "DAY": 2, "KIND": "B"},
][:int(sys.argv[2])]
got = [r["value"] for r in rows]
if got != want:
    sys.exit("got\n%s\nwant\n%s" % ("\n".join(map(json.dumps, got)), "\n".join(map(json.dumps, want))))
ids = {r["schemaId"] for r in rows}
if len(ids) != 1:
    sys.exit("output written with several schema ids: %s" % ids)
PY
}
check_out 2
# the sink's schema is ksqlDB's, registered under out-value
curl -s "$REG/subjects/out-value/versions/latest" | grep -q 'KsqlDataSourceSchema' || fail "out-value schema: $(curl -s "$REG/subjects/out-value/versions/latest")"

# a malformed record (no magic byte) is skipped, the query goes on
printf 'not avro\n' | kcat -P -b "$BS" -t input || fail "kcat produce"

# a sink whose subject holds an incompatible schema: the C*AS is refused with the registry's message
OUT=$(node "$CLIENT" register "$REG" taken-value '{"type":"record","name":"other","fields":[{"name":"X","type":"string"}]}')
echo "$OUT" | grep -q '"id"' || fail "register taken-value: $OUT"
payload=$(python3 -c 'import json; print(json.dumps({"ksql": "CREATE STREAM TAKEN WITH (KAFKA_TOPIC=\x27taken\x27, VALUE_FORMAT=\x27AVRO\x27) AS SELECT ID FROM INPUT;"}))')
R=$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/vnd.ksql.v1+json' --data-binary "$payload" "$URL/ksql")
[ "${R##*$'\n'}" = 400 ] || fail "incompatible sink schema: HTTP ${R##*$'\n'}: $R"
echo "$R" | grep -q 'incompatible with an earlier schema for subject' || fail "incompatible sink message: $R"

# a compatible evolution (an optional field added): the running query reads records written with v2
SCHEMA2=${SCHEMA%]\}},{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}
RECORDS2='[{"key":null,"value":{"id":4,"name":"di","amount":0.5,"tags":[],"attrs":{},"address":{"city":"Kyiv","zip":1},"ts":1700000000003,"price":{"bytes":[1]},"day":1,"kind":"A","note":"v2"}}]'
node "$CLIENT" produce "$BS" "$REG" input "$SCHEMA2" "$RECORDS2" >"$DIR/produce2.out" 2>&1 || { cat "$DIR/produce2.out"; fail "kafkajs produce v2"; }
[ "$(cat "$DIR/produce2.out")" != "$(cat "$DIR/produce.out")" ] || fail "v2 did not get a new schema id: $(cat "$DIR/produce2.out")"
check_out 3

# INSERT VALUES into the inferred stream writes with its latest registered schema (no new version)
ksql "$URL" "INSERT INTO INPUT (ID, NAME, AMOUNT, TAGS, ATTRS, ADDRESS, TS, PRICE, DAY, KIND) VALUES (5, 'eve', 2.0, ARRAY['z'], MAP('k' := CAST(3 AS BIGINT)), NULL, '2023-11-14T22:13:20.004', 0.05, '1970-01-03', 'B');"
check_out 4

# an incompatible evolution (id becomes a string): the registry refuses it with 409
BAD=${SCHEMA/\"id\",\"type\":\"int\"/\"id\",\"type\":\"string\"}
OUT=$(node "$CLIENT" register "$REG" input-value "$BAD")
echo "$OUT" | python3 -c '
import json, sys
r = json.load(sys.stdin)
sys.exit(0 if r.get("status") == 409 and "incompatible" in r.get("message", "") else "not refused: %s" % r)' || fail "incompatible schema"
curl -s "$REG/subjects/input-value/versions" | grep -qx '\[1,2\]' || fail "input-value versions: $(curl -s "$REG/subjects/input-value/versions")"

# a restart replays INPUT with the columns inferred when it was created (v1), not the latest (v2)
restart_sluiced -TERM sluiced
ksql "$URL" "DESCRIBE INPUT;"
echo "$BODY" | grep -q '"ADDRESS"' || fail "INPUT after restart: $BODY"
echo "$BODY" | grep -q '"NOTE"' && fail "INPUT re-inferred from the latest schema: $BODY"
curl -s "$REG/subjects/input-value/versions" | grep -qx '\[1,2\]' || fail "registry after restart"
echo "PASS"
