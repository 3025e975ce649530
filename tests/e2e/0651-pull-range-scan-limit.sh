#!/bin/bash
# 0651-pull-range-scan-limit: pull queries that read more than one key. Key ranges on a STRING key
# (<, <=, >, >=, BETWEEN, both sides, a bound written constant-first) come back in key order;
# full scans with filters on value columns, on ROWTIME and with functions; LIMIT on scans, ranges
# and IN lookups; an INT key range (ksqlDB's planner scans it) and a two-column key, looked up by
# both columns or scanned with one.
. "$(dirname "$0")/lib-pull.sh"
pull_server

ksql "$URL" "CREATE TABLE ITEMS (ID STRING PRIMARY KEY, QTY INT, TAG STRING) WITH (KAFKA_TOPIC='items', VALUE_FORMAT='JSON', PARTITIONS=2);"
for k in k01 k02 k03 k04 k05 k06 k07 k08 k09 k10; do
        n=${k#k}; n=$((10#$n))
        printf '%s|{"QTY":%d,"TAG":"%s"}\n' "$k" $((n * 10)) "$([ $((n % 2)) = 0 ] && echo even || echo odd)"
done | produce "$BS" items
ksql "$URL" "CREATE TABLE QITEMS AS SELECT ID, QTY, TAG FROM ITEMS;"
wait_rows "SELECT * FROM QITEMS;" 10

expect_rows "SELECT ID FROM QITEMS WHERE ID >= 'k03' AND ID < 'k06';" '["k03"]
["k04"]
["k05"]'
expect_rows "SELECT ID FROM QITEMS WHERE ID > 'k08';" '["k09"]
["k10"]'
expect_rows "SELECT ID FROM QITEMS WHERE ID <= 'k02';" '["k01"]
["k02"]'
expect_rows "SELECT ID FROM QITEMS WHERE 'k09' < ID;" '["k10"]'
expect_rows "SELECT ID, QTY FROM QITEMS WHERE ID BETWEEN 'k04' AND 'k05';" '["k04",40]
["k05",50]'
expect_rows "SELECT ID FROM QITEMS WHERE ID > 'k02' AND ID < 'k07' AND TAG = 'odd';" '["k03"]
["k05"]'
expect_rows "SELECT ID FROM QITEMS WHERE ID > 'k1';" '["k10"]'
expect_rows "SELECT ID FROM QITEMS WHERE ID > 'k9';" ''
# scans: every row in key order, filters on values, ROWTIME, functions
expect_rows "SELECT ID FROM QITEMS WHERE QTY > 75;" '["k08"]
["k09"]
["k10"]'
expect_rows "SELECT ID, LEN(TAG) FROM QITEMS WHERE TAG LIKE 'ev%' AND QTY < 50;" '["k02",4]
["k04",4]'
expect_rows "SELECT ID FROM QITEMS WHERE ROWTIME > 0 AND QTY = 10;" '["k01"]'
# LIMIT
expect_rows "SELECT ID FROM QITEMS LIMIT 3;" '["k01"]
["k02"]
["k03"]'
expect_rows "SELECT ID FROM QITEMS WHERE ID >= 'k05' LIMIT 2;" '["k05"]
["k06"]'
expect_rows "SELECT ID FROM QITEMS WHERE ID IN ('k07', 'k02', 'k03') LIMIT 2;" '["k07"]
["k02"]'
expect_rows "SELECT ID FROM QITEMS WHERE TAG = 'odd' LIMIT 0;" ''

# an INT key: ranges are scans in ksqlDB's planner, with the same answer
ksql "$URL" "CREATE TABLE NUMS (N INT PRIMARY KEY, SQ BIGINT) WITH (KAFKA_TOPIC='nums', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);"
for n in 1 2 3 4 5 -1; do printf '%d|{"SQ":%d}\n' "$n" $((n * n)); done | produce "$BS" nums
ksql "$URL" "CREATE TABLE QNUMS AS SELECT * FROM NUMS;"
wait_rows "SELECT * FROM QNUMS;" 6
expect_rows "SELECT N, SQ FROM QNUMS WHERE N >= 2 AND N < 4;" '[2,4]
[3,9]'
expect_rows "SELECT * FROM QNUMS WHERE N = -1;" '[-1,1]'
expect_rows "SELECT N FROM QNUMS WHERE N IN (5, 1);" '[5]
[1]'
expect_rows "SELECT N FROM QNUMS;" '[-1]
[1]
[2]
[3]
[4]
[5]'

# a two-column key
ksql "$URL" "CREATE TABLE PAIRS (A INT PRIMARY KEY, B STRING PRIMARY KEY, V STRING) WITH (KAFKA_TOPIC='pairs', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);"
produce "$BS" pairs <<'IN'
{"A":1,"B":"x"}|{"V":"1x"}
{"A":1,"B":"y"}|{"V":"1y"}
{"A":2,"B":"x"}|{"V":"2x"}
IN
ksql "$URL" "CREATE TABLE QPAIRS AS SELECT * FROM PAIRS;"
wait_rows "SELECT * FROM QPAIRS;" 3
expect_rows "SELECT V FROM QPAIRS WHERE A = 1 AND B = 'y';" '["1y"]'
expect_rows "SELECT V FROM QPAIRS WHERE B = 'x';" '["1x"]
["2x"]'
echo "PASS"
