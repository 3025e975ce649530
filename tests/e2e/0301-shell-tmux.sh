#!/bin/bash
# 0301-shell-tmux: the interactive `sluice` shell in a tmux pseudo-terminal against a real sluiced:
# the banner shows the server's version and status; a CREATE STREAM typed over two lines runs at
# the ';'; SHOW STREAMS and DESCRIBE print boxed tables; TAB completes a keyword and a stream
# name; SHOW FUNCTIONS lists built-ins; a syntax error prints the server's message; Ctrl-C drops
# a half-typed statement; DEFINE/SHOW VARIABLES stay in the shell; history is written to
# ~/.sluice_history; EXIT leaves with status 0.
set -u
. "$(dirname "$0")/lib/server.sh"
WAIT_TRIES=50
fail() { echo "FAIL: $*"; echo "--- screen:"; cat "$DIR/screen" 2>/dev/null; exit 1; }
command -v tmux >/dev/null || { echo "tmux is missing (scripts/setup installs it)"; exit 1; }

sluiced_up

mkdir -p "$DIR/home"
shell_start "$DIR/home"
# type TEXT: literal keys (a trailing ';' is sent as a key: tmux would take it as a separator)
type_text() {
        local s=$1
        if [ "${s%;}" != "$s" ]; then
                $T send-keys -t shell -l "${s%;}"
                $T send-keys -t shell -H 3b
        else
                $T send-keys -t shell -l "$s"
        fi
}
key() { $T send-keys -t shell "$@"; }
count() { screen; grep -cF -- "$1" "$DIR/screen"; }

wait_for "version 0.1.0, status RUNNING"
wait_for "sluice>"
type_text "CREATE STREAM pageviews (id BIGINT KEY,"; key Enter
wait_for "      >"
type_text "  page STRING, ms INT) WITH (kafka_topic='pv', value_format='json', partitions=1);"; key Enter
wait_for " Stream created"
type_text "SHOW STREAMS;"; key Enter
wait_for " Stream Name | Kafka Topic | Key Format | Value Format | Windowed"

# TAB: "descr" completes to "describe ", "PAGEV" to the stream name (each with a space)
type_text "descr"; key Tab; type_text "PAGEV"; key Tab; type_text ";"; key Enter
wait_for "sluice> describe PAGEVIEWS ;"
wait_for "Name                 : PAGEVIEWS"
wait_for " ID    | BIGINT (key)"
wait_for " PAGE  | VARCHAR(STRING)"
type_text "SHOW FUNCTIONS;"; key Enter
wait_for " SUBSTRING "
wait_for "For detailed information on a function run: DESCRIBE FUNCTION <Function Name>;"
type_text "SELEC * FROM pageviews;"; key Enter
wait_for "line 1:1: Syntax error at or near 'SELEC'"
# Ctrl-C drops the half-typed statement: the next statement runs alone
type_text "SHOW STREAMS"; key C-c
before=$(count "Stream Name")
type_text "DESCRIBE nope;"; key Enter
wait_for "Could not find STREAM/TABLE 'NOPE' in the Metastore"
[ "$(count "Stream Name")" = "$before" ] || fail "the interrupted SHOW STREAMS ran"
type_text "DEFINE who = 'me';"; key Enter
type_text "SHOW VARIABLES;"; key Enter
wait_for " who           | me"
# a pull query on a source that does not exist: the server's error, the shell goes on
type_text "SELECT * FROM nope WHERE id = 1;"; key Enter
wait_for "NOPE"
type_text "exit"; key Enter
wait_for "SHELL-EXIT=0"
# libedit writes spaces as \040
grep -q 'SHOW.040FUNCTIONS;' "$DIR/home/.sluice_history" || fail "history was not written"
# a new shell finds the history: Up brings back the last line
$T kill-session -t shell
shell_start "$DIR/home"
wait_for "sluice>"
key Up
wait_for "sluice> exit"
key Enter
wait_for "SHELL-EXIT=0"
echo "0301-shell-tmux: ok"
