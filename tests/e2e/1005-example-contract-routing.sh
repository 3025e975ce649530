#!/bin/bash
# 1005-example-contract-routing: examples/contract-routing as its README runs it: setup.sql
# through the shell, then with kcat the contracts, the first events, the contract changes
# (deactivation, activation, a new contract, a tombstone) and the second events. After each phase
# the `actions` topic must hold exactly the commands expected.py computes from the data files
# (one per event and active contract), and ROUTES the active contracts per event type.
. "$(dirname "$0")/lib-engine.sh"
. "$(dirname "$0")/lib/example.sh"

example_start contract-routing
example_sql "$EX/setup.sql"
put() { kcat -P -b "$BS" -t "$1" -K '|' -Z -l "$EX/$2" || fail "kcat $2"; }
routes() {
        topic_table ROUTES | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    k, _, v = line.rstrip("\n").partition("|")
    print("%s|%s" % (k, ",".join(sorted(json.loads(v)["CONTRACT_IDS"]))))'
}
actions() {
        timeout 30 kcat -C -b "$BS" -t actions -e -q -f '%k|%s\n' | sed '/^$/d' |
                fields KEY EVENT_ID CONSUMER ACTION SUBJECT
}

put contracts contracts.txt
wait_equal "ROUTES after contracts.txt" "$("$EX/expected.py" routes 1)" routes
put hub_events events-1.txt
wait_equal "actions after events-1.txt" "$("$EX/expected.py" 1)" actions
put contracts contract-changes.txt
wait_equal "ROUTES after contract-changes.txt" "$("$EX/expected.py" routes 2)" routes
put hub_events events-2.txt
wait_equal "actions after events-2.txt" "$("$EX/expected.py" 2)" actions
# the README's pull query over the routes table
pulled_routes() {
        shell_e "SELECT * FROM routes;" | /usr/bin/python3 -c '
import json, sys
rows = [json.loads(l)["row"]["columns"] for l in sys.stdin if l.startswith("{\"row\"")]
print("\n".join(sorted("%s|%s" % (t, ",".join(sorted(ids))) for t, ids in rows)))'
}
got=$(pulled_routes)
[ "$got" = "$("$EX/expected.py" routes 2)" ] || fail "SELECT * FROM routes gave:
$got"
echo PASS
