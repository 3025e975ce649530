#!/bin/bash
# 0307-shell-insert-print: the interactive shell in a tmux pseudo-terminal against a real sluiced,
# the whole way a user goes: SET earliest, CREATE STREAM, INSERT INTO ... VALUES twice, a push query
# with LIMIT shows both rows in a box and "Limit Reached"; PRINT ... FROM BEGINNING LIMIT 2 shows
# the guessed formats and both records, then "Topic printing ceased"; an endless push query shows
# a row inserted over REST while it runs, Ctrl-C prints "Query terminated", the prompt comes back
# and the server lists no running transient query (SHOW QUERIES over REST and in the shell); an
# endless PRINT ends with Ctrl-C too, and the shell goes on working.
set -u
. "$(dirname "$0")/lib/server.sh"
WAIT_TRIES=150
fail() { echo "FAIL: $*"; echo "--- screen:"; cat "$DIR/screen" 2>/dev/null; tail -5 "$DIR/log"; exit 1; }
command -v tmux >/dev/null || { echo "tmux is missing (scripts/setup installs it)"; exit 1; }

sluiced_up
npush() {
        post -d '{"ksql":"SHOW QUERIES;"}' "$URL/ksql" |
                python3 -c 'import json,sys; print(len([q for q in json.load(sys.stdin)[0]["queries"] if q["queryType"] == "PUSH"]))'
}
wait_push() {
        for _ in $(seq 150); do [ "$(npush)" = "$1" ] && return 0; sleep 0.1; done
        fail "SHOW QUERIES never listed $1 push queries ($2)"
}
# prompt_back: the last non-blank screen line is an empty prompt
prompt_back() {
        for _ in $(seq "$WAIT_TRIES"); do
                screen
                [ "$(grep -v '^ *$' "$DIR/screen" | tail -1)" = "sluice>" ] && return 0
                sleep 0.1
        done
        fail "no prompt after $1"
}

shell_start "$DIR"
wait_for "status RUNNING"
type_line "SET 'auto.offset.reset' = 'earliest';"
wait_for "Successfully changed local property 'auto.offset.reset' to 'earliest'"
type_line "CREATE STREAM orders (id INT KEY, item STRING, qty INT) WITH (kafka_topic='orders', value_format='json', partitions=1);"
wait_for " Stream created"
type_line "INSERT INTO orders (id, item, qty) VALUES (1, 'apple', 3);"
type_line "INSERT INTO orders (id, item, qty) VALUES (2, 'banana', 5);"
type_line "SELECT * FROM orders EMIT CHANGES LIMIT 2;"
wait_for "|ID "
wait_for "|1 "
wait_for "|banana "
wait_for "Limit Reached"
prompt_back "LIMIT"

type_line "PRINT orders FROM BEGINNING LIMIT 2;"
wait_for "Key format: KAFKA_INT or KAFKA_STRING"
wait_for "Value format: JSON or KAFKA_STRING"
wait_for ', key: 1, value: {"ITEM":"apple","QTY":3}, partition: 0'
wait_for ', key: 2, value: {"ITEM":"banana","QTY":5}, partition: 0'
wait_for "Topic printing ceased"
prompt_back "PRINT LIMIT"

# an endless push query: a row inserted meanwhile shows; Ctrl-C ends it on the server
type_line "SELECT item, qty * 2 AS double_qty FROM orders EMIT CHANGES;"
wait_for "Press CTRL-C to interrupt"
wait_for "|banana "
[ "$(npush)" = 1 ] || fail "the shell's push query is not listed"
post --data-binary $'{"target":"orders"}\n{"ID":3,"ITEM":"cherry","QTY":7}\n' "$URL/inserts-stream" | grep -q '"status":"ok"' ||
        fail "inserts-stream"
wait_for "|cherry "
wait_for "|14 "
$T send-keys -t shell C-c
wait_for "Query terminated"
prompt_back "Ctrl-C"
wait_push 0 "after Ctrl-C"
type_line "SHOW QUERIES;"
wait_for " Query ID | Query Type | Status | Query String"
screen
grep -q "transient_" "$DIR/screen" && fail "the shell's SHOW QUERIES still lists a transient query"

# an endless PRINT: Ctrl-C ends it, the shell goes on
type_line "PRINT 'orders';"
wait_for ', key: 3, value: {"ITEM":"cherry","QTY":7}, partition: 0'
$T send-keys -t shell C-c
for _ in $(seq 100); do screen; [ "$(grep -c 'Topic printing ceased' "$DIR/screen")" = 2 ] && break; sleep 0.1; done
[ "$(grep -c 'Topic printing ceased' "$DIR/screen")" = 2 ] || fail "no 'Topic printing ceased' after Ctrl-C"
prompt_back "Ctrl-C in PRINT"
type_line "SHOW STREAMS;"
wait_for " ORDERS      | orders      | KAFKA      | JSON         | false"
$T send-keys -t shell -l "exit"; $T send-keys -t shell Enter
wait_for "SHELL-EXIT=0"
kill "$PID"; wait "$PID"; RC=$?; PID=
[ "$RC" = 0 ] || fail "sluiced exited with $RC on SIGTERM"
echo "0307-shell-insert-print: ok"
