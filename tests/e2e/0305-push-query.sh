#!/bin/bash
# 0305-push-query: transient push queries end to end through sluiced's REST API and the shell:
# rows produced to the topic with kcat come back from SELECT ... EMIT CHANGES on /query (header,
# rows, "Limit Reached"), /query-stream delimited and JSON; an endless query shows in SHOW QUERIES
# and goes away after /close-query, after its client leaves, and after Ctrl-C in the shell (which
# prints rows live, including one produced while it runs, and gets its prompt back).
set -u
. "$(dirname "$0")/lib/server.sh"
WAIT_TRIES=150
fail() { echo "FAIL: $*"; echo "--- screen:"; cat "$DIR/screen" 2>/dev/null; tail -5 "$DIR/log"; exit 1; }

sluiced_up
produce() { printf '%s\n' "$@" | kcat -P -b 127.0.0.1:$KAFKA -t people || fail "kcat"; }
nqueries() {
        post -d '{"ksql":"SHOW QUERIES;"}' "$URL/ksql" |
                python3 -c 'import json,sys; print(len([q for q in json.load(sys.stdin)[0]["queries"] if q["queryType"] == "PUSH" and q["state"] == "RUNNING"]))'
}
wait_queries() {
        for _ in $(seq 150); do [ "$(nqueries)" = "$1" ] && return 0; sleep 0.1; done
        fail "SHOW QUERIES never listed $1 running push queries ($2)"
}

post -d "{\"ksql\":\"CREATE STREAM people (id INT, name STRING) WITH (kafka_topic='people', value_format='json', partitions=1);\"}" \
        "$URL/ksql" | grep -q '"Stream created"' || fail "create stream"
produce '{"ID":1,"NAME":"ann"}' '{"ID":2,"NAME":"bob"}' '{"ID":3,"NAME":"cy"}'

# /query: header, rows, final message
out=$(post -m 60 -d '{"ksql":"SELECT id, UCASE(name) AS up FROM people EMIT CHANGES LIMIT 2;","streamsProperties":{"ksql.streams.auto.offset.reset":"earliest"}}' "$URL/query")
expected='[{"header":{"queryId":"transient_PEOPLE_1","schema":"`ID` INTEGER, `UP` STRING"}},
{"row":{"columns":[1,"ANN"]}},
{"row":{"columns":[2,"BOB"]}},
{"finalMessage":"Limit Reached"}]'
[ "$out" = "$expected" ] || fail "/query gave: $out"

# /query-stream, delimited and JSON
out=$(post -m 60 -H 'Accept: application/vnd.ksqlapi.delimited.v1' -d '{"sql":"SELECT * FROM people WHERE id >= 2 EMIT CHANGES LIMIT 2;","properties":{"auto.offset.reset":"earliest"}}' "$URL/query-stream")
expected='{"queryId":"transient_PEOPLE_2","columnNames":["ID","NAME"],"columnTypes":["INTEGER","STRING"]}
[2,"bob"]
[3,"cy"]'
[ "$out" = "$expected" ] || fail "/query-stream delimited gave: $out"
out=$(post -m 60 -H 'Accept: application/json' -d '{"sql":"SELECT name FROM people EMIT CHANGES LIMIT 1;","properties":{"auto.offset.reset":"earliest"}}' "$URL/query-stream")
echo "$out" | python3 -c 'import json,sys; j=json.load(sys.stdin); assert j[0]["columnNames"] == ["NAME"] and j[1:] == [["ann"]], j' \
        || fail "/query-stream JSON gave: $out"
[ "$(nqueries)" = 0 ] || fail "finished queries are still listed"

# an endless query ended by /close-query
# (curl itself in the background, not a shell function: $! must be curl's pid)
curl -s -N -X POST -H 'Content-Type: application/json' \
        -d '{"sql":"SELECT * FROM people EMIT CHANGES;","properties":{"auto.offset.reset":"earliest"}}' \
        "$URL/query-stream" >"$DIR/endless" &
CURL=$!
wait_queries 1 "endless query"
for _ in $(seq 100); do grep -q '\[3,"cy"\]' "$DIR/endless" && break; sleep 0.1; done
qid=$(head -1 "$DIR/endless" | python3 -c 'import json,sys; print(json.load(sys.stdin)["queryId"])')
code=$(post -o "$DIR/closed" -w '%{http_code}' -d "{\"queryId\":\"$qid\"}" "$URL/close-query")
[ "$code" = 200 ] && [ ! -s "$DIR/closed" ] || fail "/close-query: HTTP $code, body $(cat "$DIR/closed") (ksqlDB: 200, no body)"
wait "$CURL" || fail "the closed query's response did not end cleanly"
CURL=
wait_queries 0 "after /close-query"

# an endless query whose client leaves
curl -s -N -X POST -H 'Content-Type: application/json' -d '{"ksql":"SELECT * FROM people EMIT CHANGES;"}' \
        "$URL/query" >/dev/null &
CURL=$!
wait_queries 1 "second endless query"
kill "$CURL"; wait "$CURL" 2>/dev/null; CURL=
wait_queries 0 "after the client left"

# the shell: live rows, Ctrl-C, prompt back, nothing left running
shell_start "$DIR"
wait_for "status RUNNING"
type_line "SET 'auto.offset.reset' = 'earliest';"
type_line "SELECT * FROM people EMIT CHANGES;"
wait_for "Press CTRL-C to interrupt"
wait_for "|cy "
produce '{"ID":4,"NAME":"dee"}'
wait_for "|dee "
[ "$(nqueries)" = 1 ] || fail "the shell's query is not listed"
$T send-keys -t shell C-c
wait_for "Query terminated"
wait_queries 0 "after Ctrl-C"
type_line "SHOW QUERIES;"
wait_for " Query ID | Query Type | Status | Query String"
$T send-keys -t shell -l "exit"; $T send-keys -t shell Enter
wait_for "SHELL-EXIT=0"

# a pull query on the stream reads it to its end (e2e 0650-0655 test pull queries)
out=$(post -m 60 -d '{"sql":"SELECT * FROM people WHERE id = 1;"}' "$URL/query-stream")
[ "$(printf '%s\n' "$out" | tail -n +2)" = '[1,"ann"]' ] || fail "pull query: $out"
kill "$PID"; wait "$PID"; RC=$?; PID=
[ "$RC" = 0 ] || fail "sluiced exited with $RC on SIGTERM"
echo "0305-push-query: ok"
