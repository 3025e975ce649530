#!/bin/bash
# 0702-join-copartition: a join between sources whose topics have different partition counts is
# refused with ksqlDB's message naming both sources and their counts (issue 8), no query starts;
# the same join over co-partitioned sources is accepted, and a foreign-key table-table join, which
# needs no co-partitioning, is accepted too.
. "$(dirname "$0")/lib-engine.sh"

start_engine

ksql "$URL" "CREATE STREAM orders (id BIGINT KEY, item BIGINT) WITH (kafka_topic='orders', value_format='json', partitions=2);"
ksql "$URL" "CREATE TABLE items (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='items', value_format='json', partitions=3);"
ksql "$URL" "CREATE TABLE items2 (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='items2', value_format='json', partitions=2);"
ksql "$URL" "CREATE TABLE carts (id BIGINT PRIMARY KEY, item BIGINT) WITH (kafka_topic='carts', value_format='json', partitions=2);"

payload=$(python3 -c 'import json; print(json.dumps({"ksql": "CREATE STREAM named AS SELECT o.id, name FROM orders o JOIN items i ON o.id = i.id;"}))')
OUT=$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/vnd.ksql.v1+json' --data-binary "$payload" "$URL/ksql")
STATUS=${OUT##*$'\n'}
OUT=${OUT%$'\n'*}
[ "$STATUS" = 400 ] || fail "mismatched partitions: HTTP $STATUS $OUT"
MSG=$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["message"])')
WANT="Can't join \`ORDERS\` with \`ITEMS\` since the number of partitions don't match. \`ORDERS\` partitions = 2; \`ITEMS\` partitions = 3. Please repartition either one so that the number of partitions match."
[ "$MSG" = "$WANT" ] || fail "message: $MSG"
ksql "$URL" "SHOW QUERIES;"
printf '%s' "$BODY" | grep -q 'CSAS_NAMED' && fail "a refused join left a query: $BODY"

ksql "$URL" "CREATE STREAM named2 AS SELECT o.id, name FROM orders o JOIN items2 i ON o.id = i.id;"
printf '%s' "$BODY" | grep -q '"queryId":"CSAS_NAMED2_' || fail "co-partitioned join: $BODY"
ksql "$URL" "CREATE TABLE cart_items AS SELECT c.id, name FROM carts c JOIN items i ON c.item = i.id;"
printf '%s' "$BODY" | grep -q '"queryId":"CTAS_CART_ITEMS_' || fail "foreign-key join: $BODY"
echo "PASS"
