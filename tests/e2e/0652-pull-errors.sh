#!/bin/bash
# 0652-pull-errors: pull queries ksqlDB refuses, with its messages over POST /query (HTTP 400):
# a pull query on a stream when ksql.query.pull.stream.enabled is false; a query that needs a
# table scan (no key condition, a filter on values, a range on a non-STRING key, a range with
# range scans disabled) when ksql.query.pull.table.scan.enabled is false, while key lookups and
# STRING key ranges still work; a plain CREATE TABLE (not queryable); an unknown table; ROWOFFSET;
# clauses pull queries do not take; a table whose query was terminated.
. "$(dirname "$0")/lib-pull.sh"
pull_server

ksql "$URL" "CREATE STREAM EVENTS (ID STRING KEY, V INT) WITH (KAFKA_TOPIC='events', VALUE_FORMAT='JSON', PARTITIONS=1);"
ksql "$URL" "CREATE TABLE T (ID STRING PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1);"
ksql "$URL" "CREATE TABLE N (K INT PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='n', VALUE_FORMAT='JSON', PARTITIONS=1);"
printf 'a|{"V":1}\nb|{"V":2}\n' | produce "$BS" t
ksql "$URL" "CREATE TABLE QT AS SELECT * FROM T;"
ksql "$URL" "CREATE TABLE QN AS SELECT * FROM N;"
wait_rows "SELECT * FROM QT;" 2

NOSCAN='{"ksql.query.pull.table.scan.enabled": false}'
SCAN_MSG="Query requires table scan to be enabled. Table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true"
expect_error "SELECT * FROM EVENTS;" 400 "Pull queries on streams are disabled. To create a push query on the stream, add EMIT CHANGES to the end. To enable pull queries on streams, set the ksql.query.pull.stream.enabled config to 'true'." \
        '{"ksql.query.pull.stream.enabled": false}'
expect_error "SELECT * FROM QT;" 400 "$SCAN_MSG" "$NOSCAN"
expect_error "SELECT * FROM QT WHERE V = 1;" 400 "$SCAN_MSG" "$NOSCAN"
expect_error "SELECT * FROM QT WHERE ID = 'a' OR V = 1;" 400 "$SCAN_MSG" "$NOSCAN"
expect_error "SELECT * FROM QN WHERE K > 1;" 400 "$SCAN_MSG" "$NOSCAN"
expect_error "SELECT * FROM QT WHERE ID <= 'b';" 400 "$SCAN_MSG" \
        '{"ksql.query.pull.table.scan.enabled": false, "ksql.query.pull.range.scan.enabled": false}'
# with scans disabled, lookups and STRING key ranges are still served
query "SELECT * FROM QT WHERE ID = 'a';" "$NOSCAN"
[ "$QSTATUS" = 200 ] && [ "$(rows)" = '["a",1]' ] || fail "lookup with scans disabled: $QSTATUS $OUT"
query "SELECT ID FROM QT WHERE ID IN ('b', 'a') AND V > 1;" "$NOSCAN"
[ "$QSTATUS" = 200 ] && [ "$(rows)" = '["b"]' ] || fail "IN with scans disabled: $QSTATUS $OUT"
query "SELECT ID FROM QT WHERE ID > 'a';" "$NOSCAN"
[ "$QSTATUS" = 200 ] && [ "$(rows)" = '["b"]' ] || fail "range with scans disabled: $QSTATUS $OUT"

expect_error "SELECT * FROM T WHERE ID = 'a';" 400 "The \`T\` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_T AS SELECT * FROM T'. See https://cnfl.io/queries for more info."
expect_error "SELECT * FROM NOPE;" 400 "Source \`NOPE\` does not exist."
expect_error "SELECT ID, ROWOFFSET FROM QT;" 400 "Pull queries don't support the following columns in SELECT clauses: \`ROWOFFSET\`"
expect_error "SELECT * FROM QT WHERE ROWPARTITION = 0;" 400 "Pull queries don't support the following columns in WHERE clauses: \`ROWPARTITION\`"
expect_error "SELECT ID, COUNT(*) FROM QT GROUP BY ID;" 400 "Pull queries don't support GROUP BY clauses."
expect_error "SELECT * FROM QT LIMIT -1;" 400 "Pull queries don't support negative integers in the LIMIT clause."

# a table whose query is gone has no view
ksql "$URL" "TERMINATE CTAS_QT_0;"
expect_error "SELECT * FROM QT WHERE ID = 'a';" 400 "The \`QT\` table isn't queryable"
echo "PASS"
