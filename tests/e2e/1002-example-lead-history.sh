#!/bin/bash
# 1002-example-lead-history: examples/lead-history as its README runs it: setup.sql through the
# shell, the 23 lead events with kcat. Then the current state of every lead (LEADS) and the state
# as of 5 March noon (LEADS_AS_OF_MAR5) must be what generate.py folds itself, in the tables'
# topics and with the README's pull queries, and lead 2's history must come back from the stream.
. "$(dirname "$0")/lib-engine.sh"
. "$(dirname "$0")/lib/example.sh"

example_start lead-history
example_sql "$EX/setup.sql"
example_feed lead_events
COLS="STATUS NAME EMAIL PHONE SOURCE AGENT FOLLOW_UP_ON ORDER_ID AMOUNT EVENTS UPDATED_AT"
# shellcheck disable=SC2086
leads() { topic_table "$1" | fields KEY $COLS; }
wait_equal "LEADS topic" "$(expect LEADS)" leads LEADS
wait_equal "LEADS_AS_OF_MAR5 topic" "$(expect ASOF)" leads LEADS_AS_OF_MAR5
[ "$(expect LEADS | grep -c .)" = 6 ] && [ "$(expect ASOF | grep -c .)" = 5 ] || fail "expected rows"

# the README's pull queries
pull_is "SELECT * FROM leads WHERE lead_id = 'lead-2';" "$(expect LEADS | grep '^lead-2|')" "pull lead-2"
pull_is "SELECT * FROM leads_as_of_mar5 WHERE lead_id = 'lead-2';" "$(expect ASOF | grep '^lead-2|')" "pull lead-2 as of 5 March"
pull_is "SELECT lead_id, status, events, updated_at FROM leads;" "$(expect LEADS | cut -d'|' -f1,2,11,12)" "pull over leads"

# lead 2's history: a pull query on the stream
pull_is "SELECT event_time, event_type FROM lead_events WHERE lead_id = 'lead-2';" "$("$EX/generate.py" --history lead-2)" "lead-2's history"
echo PASS
