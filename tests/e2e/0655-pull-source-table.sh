#!/bin/bash
# 0655-pull-source-table: CREATE SOURCE TABLE is pull-queryable (ksql.source.table.materialization
# .enabled, default true): the server materializes the table's topic into a view (ksqlDB's CST
# query) that follows updates and tombstones, answers lookups and scans, is rebuilt from the topic
# after a restart, and stops with DROP TABLE. With materialization disabled the table is not
# queryable. A table-table join CTAS is pull-queryable too.
. "$(dirname "$0")/lib-pull.sh"
pull_server

ksql "$URL" "CREATE SOURCE TABLE INPUT (K INT PRIMARY KEY, TEXT STRING) WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='DELIMITED', KEY_FORMAT='JSON', PARTITIONS=2);"
printf '1|a1\n2|a2\n3|a3\n2|a22\n' | produce "$BS" test_topic
printf '3|\n' | kcat -P -b "$BS" -t test_topic -K '|' -Z || fail "tombstone"
wait_rows "SELECT * FROM INPUT;" 2
expect_rows "SELECT * FROM INPUT;" '[1,"a1"]
[2,"a22"]'
printf '%s\n' "$OUT" | head -1 | grep -qF '"schema":"`K` INTEGER KEY, `TEXT` STRING"' || fail "header: $OUT"
expect_rows "SELECT TEXT FROM INPUT WHERE K = 2;" '["a22"]'
expect_rows "SELECT K FROM INPUT WHERE TEXT LIKE 'a%' AND K > 1;" '[2]'
printf '4|a4\n' | produce "$BS" test_topic
wait_rows "SELECT * FROM INPUT;" 3

# restart: the view is rebuilt from the topic
restart_sluiced -TERM sluiced
wait_rows "SELECT * FROM INPUT;" 3
expect_rows "SELECT * FROM INPUT WHERE K IN (4, 3, 1);" '[4,"a4"]
[1,"a1"]'

# a table-table join result
ksql "$URL" "CREATE TABLE A (ID STRING PRIMARY KEY, X INT) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON', PARTITIONS=2);"
ksql "$URL" "CREATE TABLE B (ID STRING PRIMARY KEY, Y INT) WITH (KAFKA_TOPIC='b', VALUE_FORMAT='JSON', PARTITIONS=2);"
printf 'k1|{"X":1}\nk2|{"X":2}\n' | produce "$BS" a
printf 'k1|{"Y":10}\nk3|{"Y":30}\n' | produce "$BS" b
ksql "$URL" "CREATE TABLE J AS SELECT A.ID AS ID, X, Y FROM A LEFT JOIN B ON A.ID = B.ID;"
wait_rows "SELECT * FROM J;" 2
expect_rows "SELECT * FROM J WHERE ID = 'k1';" '["k1",1,10]'
expect_rows "SELECT ID, Y FROM J WHERE Y IS NULL;" '["k2",null]'

ksql "$URL" "DROP TABLE INPUT;"
grep -q "source table INPUT: materialized" "$DIR/sluiced.log" || fail "no CST log line"
ksql "$URL" "CREATE SOURCE TABLE INPUT (K INT PRIMARY KEY, TEXT STRING) WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='DELIMITED', KEY_FORMAT='JSON');"
wait_rows "SELECT * FROM INPUT;" 3

# materialization disabled: not queryable
stop_engine -TERM
start_sluiced sluiced "${ARGS[@]}" --ksql.source.table.materialization.enabled=false
wait_http "$URL"
expect_error "SELECT * FROM INPUT WHERE K = 1;" 400 "The \`INPUT\` table isn't queryable"
echo "PASS"
