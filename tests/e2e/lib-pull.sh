#!/bin/bash
# lib-pull.sh: helpers of the 065x pull-query e2e tests (sourced, not a test itself), on top of
# lib-engine.sh: a server on free ports, pull queries over POST /query and /query-stream with curl,
# and waiting until a table's view has caught up.
. "$(dirname "${BASH_SOURCE[0]}")/lib-engine.sh"

# pull_server [ARGS...]: start_engine with two partitions and commits every 200 ms; sets URL, BS,
# ARGS, PID1
pull_server() { start_engine --num.partitions=2 --ksql.streams.commit.interval.ms=200 "$@"; }
# query SQL [PROPS_JSON]: POST /query; OUT is the body, QSTATUS the HTTP status
query() {
        local payload
        payload=$(python3 -c 'import json,sys; print(json.dumps({"ksql": sys.argv[1], "streamsProperties": json.loads(sys.argv[2])}))' \
                "$1" "${2:-{\}}")
        OUT=$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/vnd.ksql.v1+json' \
                --data-binary "$payload" "$URL/query")
        QSTATUS=${OUT##*$'\n'}
        OUT=${OUT%$'\n'*}
}
# query_stream SQL [PROPS_JSON]: POST /query-stream (delimited); OUT, QSTATUS
query_stream() {
        local payload
        payload=$(python3 -c 'import json,sys; print(json.dumps({"sql": sys.argv[1], "properties": json.loads(sys.argv[2])}))' \
                "$1" "${2:-{\}}")
        OUT=$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
                -H 'Accept: application/vnd.ksqlapi.delimited.v1' --data-binary "$payload" "$URL/query-stream")
        QSTATUS=${OUT##*$'\n'}
        OUT=${OUT%$'\n'*}
}
# rows: the "columns" arrays of OUT (a /query response), one per line
rows() { printf '%s\n' "$OUT" | sed -n 's/^{"row":{"columns":\(.*\)}}[],]*$/\1/p'; }
# expect_rows SQL EXPECTED: the pull query's rows (one JSON array per line, in order) equal EXPECTED
expect_rows() {
        query "$1"
        [ "$QSTATUS" = 200 ] || fail "$1: HTTP $QSTATUS $OUT"
        local got
        got=$(rows)
        [ "$got" = "$2" ] || fail "$1: got
$got
expected
$2
(response: $OUT)"
}
# expect_error SQL STATUS MESSAGE [PROPS_JSON]: the query fails with HTTP STATUS and a message
# starting with MESSAGE
expect_error() {
        query "$1" "${4:-{\}}"
        [ "$QSTATUS" = "$2" ] || fail "$1: HTTP $QSTATUS, expected $2: $OUT"
        python3 - "$OUT" "$3" <<'PY' || fail "$1: wrong error: $OUT"
import json, sys
m = json.loads(sys.argv[1])["message"]
sys.exit(0 if m.startswith(sys.argv[2]) else 1)
PY
}
# wait_rows SQL N: until the pull query returns N rows (60 s)
wait_rows() {
        for _ in $(seq 240); do
                query "$1"
                [ "$QSTATUS" = 200 ] && [ "$(rows | grep -c .)" -eq "$2" ] && return 0
                sleep 0.25
        done
        fail "$1: never $2 rows (last: HTTP $QSTATUS $OUT)"
}
