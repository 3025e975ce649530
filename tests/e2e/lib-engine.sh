#!/bin/bash
# lib-engine.sh: helpers shared by the engine e2e tests (sourced, not a test itself): free ports,
# starting, restarting and stopping sluiced processes, POST /ksql with curl, kcat produce/consume.
set -u
BIN=${SLUICE_BIN:-$(dirname "$0")/../../build/bin}
DIR=$(mktemp -d)
PIDS=()
# stops every sluiced (SIGTERM: a clean shutdown); a sanitizer report in any log fails the test
cleanup() {
        local rc=$?
        for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
        for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
        if grep -l -E "Sanitizer|runtime error:" "$DIR"/*.log 2>/dev/null; then
                grep -h -A30 -E "Sanitizer|runtime error:" "$DIR"/*.log | head -60
                rc=1
        fi
        rm -rf "$DIR"
        exit $rc
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
fail() {
        echo "FAIL: $*"
        for f in "$DIR"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -30 "$f"; }; done
        exit 1
}

# start_sluiced NAME ARGS...: starts sluiced logging to $DIR/NAME.log; sets LAST_PID
start_sluiced() {
        local name=$1
        shift
        "$BIN/sluiced" "$@" >>"$DIR/$name.log" 2>&1 &
        LAST_PID=$!
        PIDS+=("$LAST_PID")
}
# start_engine [ARGS...]: sluiced with its bundled broker on free ports, its data in $DIR/data,
# logging to $DIR/sluiced.log; sets URL, BS, ARGS (all its arguments, for restart_sluiced) and
# PID1; returns once REST answers
start_engine() {
        local http kafka
        http=$(free_port)
        kafka=$(free_port)
        URL=http://127.0.0.1:$http
        BS=127.0.0.1:$kafka
        ARGS=(--data.dir="$DIR/data" --broker.listeners=PLAINTEXT://$BS --listeners=$URL "$@")
        start_sluiced sluiced "${ARGS[@]}"
        PID1=$LAST_PID
        wait_http "$URL"
}
# consumer group timings for the kill -9 tests: a dead member's partitions move on within seconds
FAST_GROUP=(--ksql.streams.session.timeout.ms=6000 --ksql.streams.heartbeat.interval.ms=1000)
# stop_engine SIGNAL: stops PID1 with SIGNAL (-9, or -TERM for a clean stop) and waits for it
stop_engine() {
        kill "$1" "$PID1"
        wait "$PID1" 2>/dev/null
}
# resume_engine NAME [REPLAYED]: starts sluiced NAME again with ARGS (PID1 is the new process) and
# waits for REST; with REPLAYED, NAME's log must say that many commands of the command log were
# replayed
resume_engine() {
        start_sluiced "$1" "${ARGS[@]}"
        PID1=$LAST_PID
        wait_http "$URL"
        [ -z "${2:-}" ] || grep -q "command log replayed: $2 commands" "$DIR/$1.log" || fail "command log not replayed"
}
# restart_sluiced SIGNAL NAME [REPLAYED]: stop_engine SIGNAL, then resume_engine NAME [REPLAYED]
restart_sluiced() {
        stop_engine "$1"
        resume_engine "$2" "${3:-}"
}
# node_clients: for the tests driving the npm clients (tests/e2e/node): skips (77) without node;
# exports NODE_PATH, sets SRC and CLIENT (lib/avro_client.js); fails when the packages are missing
node_clients() {
        command -v node >/dev/null || { echo "SKIP: node is not installed"; exit 77; }
        SRC=${SLUICE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
        export NODE_PATH=$SRC/tests/e2e/node/node_modules
        [ -d "$NODE_PATH/kafkajs" ] || fail "npm clients missing in $NODE_PATH (run scripts/setup)"
        CLIENT=$SRC/tests/e2e/lib/avro_client.js
}
# wait_http URL: until /info answers
wait_http() {
        for _ in $(seq 300); do curl -s -o /dev/null "$1/info" && return 0; sleep 0.1; done
        fail "no REST API at $1"
}
# wait_kafka BOOTSTRAP: until the broker answers metadata
wait_kafka() {
        for _ in $(seq 300); do kcat -L -b "$1" -m 2 >/dev/null 2>&1 && return 0; sleep 0.1; done
        fail "no broker at $1"
}
# ksql URL SQL: POST /ksql with auto.offset.reset=earliest; BODY and STATUS set; fails on HTTP != 200
ksql() {
        local payload
        payload=$(python3 -c 'import json,sys; print(json.dumps({"ksql": sys.argv[1], "streamsProperties": {"auto.offset.reset": "earliest"}}))' "$2")
        BODY=$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/vnd.ksql.v1+json' \
                --data-binary "$payload" "$1/ksql")
        STATUS=${BODY##*$'\n'}
        BODY=${BODY%$'\n'*}
        [ "$STATUS" = 200 ] || fail "POST /ksql $2: HTTP $STATUS $BODY"
}
# produce BOOTSTRAP TOPIC: stdin lines "key|value" to TOPIC
produce() { kcat -P -b "$1" -t "$2" -K '|' || fail "kcat produce to $2"; }
# consume BOOTSTRAP TOPIC N: prints "key|value" lines of TOPIC, sorted, once N records are there
# (waits up to 60 s), and fails when there are more than N
consume() {
        local out
        for _ in $(seq 120); do
                out=$(kcat -C -b "$1" -t "$2" -e -q -f '%k|%s\n' 2>/dev/null | sed '/^$/d' | sort)
                [ "$(printf '%s' "$out" | grep -c .)" -ge "$3" ] && break
                sleep 0.5
        done
        printf '%s\n' "$out"
}
# wait_committed BOOTSTRAP GROUP TOPIC: until GROUP's committed offsets on TOPIC reach its high
# watermarks (every record consumed so far is committed), up to 60 s
wait_committed() {
        /usr/bin/python3 - "$@" <<'PY' || fail "group $2 did not commit up to the end of $3"
import sys, time
from confluent_kafka import Consumer, TopicPartition
bs, group, topic = sys.argv[1:4]
c = Consumer({"bootstrap.servers": bs, "group.id": group, "enable.auto.commit": False})
deadline = time.time() + 60
try:
    while time.time() < deadline:
        md = c.list_topics(topic, timeout=10)
        parts = [TopicPartition(topic, p) for p in md.topics[topic].partitions]
        done = True
        for tp in c.committed(parts, timeout=10):
            lo, hi = c.get_watermark_offsets(tp, timeout=10)
            if hi > 0 and tp.offset < hi:
                done = False
        if done:
            sys.exit(0)
        time.sleep(0.3)
    sys.exit(1)
finally:
    c.close()
PY
}
