#!/bin/bash
# 0802-avro-external-registry: ksql.schema.registry.url. A first sluiced serves the broker and its
# schema registry; a second one, pointed at that broker (bootstrap.servers) and at that registry
# (ksql.schema.registry.url), starts no registry of its own and uses the first one's through its
# REST client: kafkajs + @kafkajs/confluent-schema-registry produce Avro records, the second
# sluiced infers a stream's columns from the first one's registry, its CSAS registers its sink
# schema there, and the output decodes with the package. Skips (77) only when node is missing.
. "$(dirname "$0")/lib-engine.sh"
node_clients

HTTP1=$(free_port); HTTP2=$(free_port); KAFKA=$(free_port); SR=$(free_port)
BS=127.0.0.1:$KAFKA
REG=http://127.0.0.1:$SR
start_sluiced first --data.dir="$DIR/data1" --broker.listeners=PLAINTEXT://$BS --listeners=http://127.0.0.1:$HTTP1 \
        --schema.registry.listeners=$REG --num.partitions=1
wait_http "http://127.0.0.1:$HTTP1"
URL=http://127.0.0.1:$HTTP2
start_sluiced second --data.dir="$DIR/data2" --bootstrap.servers=$BS --listeners=$URL --ksql.schema.registry.url=$REG/
wait_http "$URL"
grep -q "schema registry on" "$DIR/second.log" && fail "the second sluiced started a registry of its own"

SCHEMA='{"type":"record","name":"Reading","fields":[{"name":"sensor","type":"string"},{"name":"celsius","type":"double"}]}'
RECORDS='[{"key":null,"value":{"sensor":"s1","celsius":21.5}},{"key":null,"value":{"sensor":"s2","celsius":-3.0}}]'
node "$CLIENT" produce "$BS" "$REG" readings "$SCHEMA" "$RECORDS" >"$DIR/produce.out" 2>&1 || { cat "$DIR/produce.out"; fail "kafkajs produce"; }

ksql "$URL" "CREATE STREAM READINGS WITH (KAFKA_TOPIC='readings', VALUE_FORMAT='AVRO');"
ksql "$URL" "CREATE STREAM WARM WITH (KAFKA_TOPIC='warm', VALUE_FORMAT='AVRO') AS SELECT SENSOR, CELSIUS * 9 / 5 + 32 AS FAHRENHEIT FROM READINGS WHERE CELSIUS > 0;"
node "$CLIENT" consume "$BS" "$REG" warm 1 >"$DIR/out.json" 2>"$DIR/consume.err" || { cat "$DIR/consume.err"; fail "kafkajs consume"; }
python3 - "$DIR/out.json" <<'PY' || fail "output"
import json, sys
rows = [json.loads(l)["value"] for l in open(sys.argv[1]) if l.strip()]
want = [{"SENSOR": "s1", "FAHRENHEIT": 70.7}]
sys.exit(0 if rows == want else "got %s, want %s" % (rows, want))
PY
curl -s "$REG/subjects" | grep -q '"warm-value"' || fail "the sink schema is not in the first sluiced's registry: $(curl -s "$REG/subjects")"
echo "PASS"
