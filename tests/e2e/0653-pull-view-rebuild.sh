#!/bin/bash
# 0653-pull-view-rebuild: a view survives restarts and is rebuilt from the sink topic when lost.
# A CTAS table is materialized (with an update and a tombstone), sluiced stops; restarted on the
# same data dir it answers the same pull queries from its kept view. Stopped again with the
# view's directory (state/<queryid>/view) deleted, the restarted server rebuilds the view from the
# sink topic and answers the same again, and rows produced afterwards join it. TERMINATE deletes
# the view's directory.
. "$(dirname "$0")/lib-pull.sh"
pull_server

ksql "$URL" "CREATE TABLE T (ID STRING PRIMARY KEY, V INT, S STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=3);"
for i in $(seq 1 50); do printf 'k%02d|{"V":%d,"S":"s%d"}\n' "$i" "$i" "$i"; done | produce "$BS" t
printf 'k07|{"V":700,"S":"upd"}\n' | produce "$BS" t
printf 'k08|\n' | kcat -P -b "$BS" -t t -K '|' -Z || fail "tombstone"
ksql "$URL" "CREATE TABLE QT AS SELECT ID, V, S FROM T;"
wait_rows "SELECT * FROM QT;" 49
wait_committed "$BS" _sluice_query_CTAS_QT_0 t
[ -d "$DIR/data/state/CTAS_QT_0/view" ] || fail "no view directory under state/CTAS_QT_0"

check() {
        expect_rows "SELECT V, S FROM QT WHERE ID = 'k07';" '[700,"upd"]'
        expect_rows "SELECT * FROM QT WHERE ID = 'k08';" ''
        expect_rows "SELECT ID FROM QT WHERE ID BETWEEN 'k10' AND 'k12';" '["k10"]
["k11"]
["k12"]'
        query "SELECT ID, V FROM QT;"
        [ "$(rows | grep -c .)" = 49 ] || fail "scan after restart: $OUT"
        SUM=$(rows | python3 -c 'import sys,json; print(sum(json.loads(l)[1] for l in sys.stdin))')
        [ "$SUM" = $((1275 - 7 - 8 + 700)) ] || fail "sum of V is $SUM"
}
check
restart_sluiced -TERM sluiced
wait_rows "SELECT * FROM QT;" 49
check
grep -q "view rebuilt" "$DIR/sluiced.log" && fail "a kept view was rebuilt"

stop_engine -TERM
rm -rf "$DIR/data/state/CTAS_QT_0/view"
resume_engine sluiced
wait_rows "SELECT * FROM QT;" 49
check
grep -q "query CTAS_QT_0: view rebuilt from 5[0-9] records of QT" "$DIR/sluiced.log" || fail "view not rebuilt from the sink topic"

printf 'k51|{"V":51,"S":"new"}\n' | produce "$BS" t
wait_rows "SELECT * FROM QT;" 50
expect_rows "SELECT S FROM QT WHERE ID = 'k51';" '["new"]'

ksql "$URL" "TERMINATE CTAS_QT_0;"
[ -d "$DIR/data/state/CTAS_QT_0/view" ] && fail "TERMINATE left the view directory"
echo "PASS"
