#!/bin/bash
# 1004-example-clickstream-sessions: examples/clickstream-sessions as its README runs it: setup.sql
# through the shell, the 35 page views (in arrival order, some out of order, some late) with kcat.
# Then every window of the three tables must be what generate.py --expected computes itself
# (stream time, grace, session merging): the latest value per windowed key in each table's topic
# (merged-away sessions deleted by tombstones) and with pull queries per user, and the late views
# must have been dropped.
. "$(dirname "$0")/lib-engine.sh"
. "$(dirname "$0")/lib/example.sh"

example_start clickstream-sessions
example_sql "$EX/setup.sql"
example_feed pageviews

# expected "user|start|end|n" as topic_table prints the table: time windows without their end
want() {
        if [ "$1" = SESSION ]; then
                "$EX/generate.py" --expected SESSION | sed 's/|\([0-9]*\)$/|{"VIEWS":\1}/'
        else
                "$EX/generate.py" --expected "$1" | sed 's/^\([^|]*|[^|]*\)|[^|]*|\([0-9]*\)$/\1|{"VIEWS":\2}/'
        fi
}
# the data makes each rule matter: a merge of two sessions, and views each kind drops
"$EX/generate.py" --expected SESSION | grep -qx 'dave|09:04:00|09:15:00|5' || fail "no merged session in the data"
[ "$("$EX/generate.py" --dropped TUMBLING | wc -l)" = 3 ] || fail "the data drops no late views"

wait_equal "USER_SESSIONS topic" "$(want SESSION)" topic_table USER_SESSIONS session
wait_equal "VIEWS_PER_10MIN topic" "$(want TUMBLING)" topic_table VIEWS_PER_10MIN time
wait_equal "VIEWS_HOPPING topic" "$(want HOPPING)" topic_table VIEWS_HOPPING time
# the README's pull queries, with the windows' bounds as times of day, for every user
for kind in SESSION:user_sessions TUMBLING:views_per_10min HOPPING:views_hopping; do
        for user in alice bob carol dave; do
                got=$(pull_rows "SELECT user_id, TIMESTAMPTOSTRING(WINDOWSTART, 'HH:mm:ss', 'UTC') AS window_start,
                        TIMESTAMPTOSTRING(WINDOWEND, 'HH:mm:ss', 'UTC') AS window_end, views
                        FROM ${kind#*:} WHERE user_id = '$user';")
                want=$("$EX/generate.py" --expected "${kind%%:*}" | grep "^$user|")
                [ "$got" = "$want" ] || fail "pull query on ${kind#*:} for $user:
$got
--- expected
$want"
        done
done
# each view dropped from the tumbling windows was logged as late
for t in $("$EX/generate.py" --dropped TUMBLING | cut -d'|' -f2); do
        ms=$(date -u -d "2026-03-02 $t" +%s000)
        grep -q "CTAS_VIEWS_PER_10MIN_1: late record: record at $ms " "$DIR/sluiced.log" || fail "late view at $t not logged"
done
echo PASS
