#!/bin/bash
# 1003-example-email-events: examples/email-events as its README runs it: setup.sql through the
# shell, the blocked IPs and the 78 envelopes (with their record times) through generate.py
# --produce. Then, against what generate.py --expected computes itself: the rejected envelopes
# (stream-table join), the accepted ones (left join, blocked left out) after the expired ones were
# dropped, the copies per event id (a table, with pull queries) and the emails per sender and hour
# (a tumbling window, read from its topic).
. "$(dirname "$0")/lib-engine.sh"
. "$(dirname "$0")/lib/example.sh"

example_start email-events
example_sql "$EX/setup.sql"
/usr/bin/python3 "$EX/generate.py" --produce "$BS" || fail "generate.py --produce"
[ "$(expect EXPIRED | wc -l)" = 3 ] || fail "the data has no expired envelopes: $(expect EXPIRED)"

topic() { timeout 30 kcat -C -b "$BS" -t "$1" -e -q -f '%k|%s\n' | sed '/^$/d'; }
rejected() { topic REJECTED_EMAILS | fields EVENT_ID KEY REASON; }
accepted() { topic ACCEPTED_EMAILS | fields EVENT_ID SENDER; }
wait_equal "REJECTED_EMAILS" "$(expect REJECTED)" rejected
wait_equal "ACCEPTED_EMAILS" "$(expect ACCEPTED)" accepted
# nothing expired got through
for id in $(expect EXPIRED); do
        topic FRESH_EMAILS | grep -q "\"EVENT_ID\":\"$id\"" && fail "expired $id in FRESH_EMAILS"
done

# the copies per event id: pull queries
wait_equal "EMAIL_COPIES (pull)" "$(expect COPIES)" pull_rows "SELECT event_id, copies, sender FROM email_copies;"
pull_is "SELECT * FROM email_copies WHERE event_id = 'evt-0026';" "evt-0026|3|security@shop.example" "pull query for evt-0026"

# the hourly counts: the latest value per (sender, window start) in the table's topic
want=$(expect HOURLY | sed 's/|\([0-9][0-9]:00\)|\(.*\)/|\1:00|{"EMAILS":\2}/')
wait_equal "EMAILS_PER_SENDER_HOURLY topic" "$want" topic_table EMAILS_PER_SENDER_HOURLY time
# and the README's pull query: billing's hours, with the windows' bounds (ms)
want=$(expect HOURLY | grep '^billing@' | while IFS='|' read -r s h n; do
        start=$(date -u -d "2026-03-02 $h" +%s000)
        echo "$s|$start|$((start + 3600000))|$n"
done)
got=$(pull_rows "SELECT sender, WINDOWSTART, WINDOWEND, emails FROM emails_per_sender_hourly WHERE sender = 'billing@shop.example';")
[ "$got" = "$want" ] || fail "pull query for billing's hours:
$got
--- expected
$want"
echo PASS
