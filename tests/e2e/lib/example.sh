# tests/e2e/lib/example.sh: what the examples' e2e tests (10xx-example-*) share, sourced after
# lib-engine.sh (ports, start/stop, sanitizer check, fail). Each test runs one examples/<name>/ the
# way its README says, with the build's binaries, on free loopback ports, in a temp data dir:
#   example_start NAME [PLUGIN.so...] [-- SLUICED ARGS...]
#                         EX (the example's folder), the plugins copied into the data dir's udf/
#                         (where sluiced looks by default), sluiced started; URL and BS set
#   example_sql FILE      `sluice -f FILE` against the server; fails unless it succeeds
#   shell_e SQL           `sluice --output JSON -e SQL`: prints the shell's output
#   wait_equal WHAT EXPECTED CMD...
#                         runs CMD until its output equals EXPECTED (up to 60 s), else fails with
#                         both; WHAT names it in the message
#   topic_table TOPIC     the latest value per key of TOPIC, "key|value" sorted (tombstones delete)
#   pull_rows SQL         a pull query through the shell, one "col|col|..." line per row, sorted
SRC=${SLUICE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}

example_start() {
        EX=$SRC/examples/$1
        shift
        [ -d "$EX" ] || fail "no example folder $EX"
        mkdir -p "$DIR/data/udf"
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
                cp "$BIN/../udf/$1" "$DIR/data/udf/" || fail "plugin $1 not built"
                shift
        done
        [ "${1:-}" = -- ] && shift
        local http kafka
        http=$(free_port)
        kafka=$(free_port)
        URL=http://127.0.0.1:$http
        BS=127.0.0.1:$kafka
        start_sluiced sluiced --data.dir="$DIR/data" --broker.listeners=PLAINTEXT://$BS --listeners=$URL \
                --ksql.streams.commit.interval.ms=200 "$@"
        wait_http "$URL"
        wait_kafka "$BS"
}

example_sql() {
        "$BIN/sluice" -f "$1" "$URL" >"$DIR/setup.out" 2>&1 || fail "sluice -f $1:
$(cat "$DIR/setup.out")"
}

shell_e() { "$BIN/sluice" --output JSON -e "$1" "$URL" 2>&1; }

wait_equal() {
        local what=$1 want=$2 got=
        shift 2
        for _ in $(seq 120); do
                got=$("$@" 2>&1)
                [ "$got" = "$want" ] && return 0
                sleep 0.5
        done
        fail "$what differs:
--- expected
$want
--- got
$got"
}

topic_table() {
        /usr/bin/python3 - "$BS" "$1" <<'PY'
import sys
from confluent_kafka import Consumer, TopicPartition
bs, topic = sys.argv[1:3]
c = Consumer({"bootstrap.servers": bs, "group.id": "e2e-reader", "enable.auto.commit": False})
md = c.list_topics(topic, timeout=10)
if topic not in md.topics or md.topics[topic].error is not None:
    sys.exit(0)
rows = {}
for p in md.topics[topic].partitions:
    lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
    if hi <= lo:
        continue
    c.assign([TopicPartition(topic, p, lo)])
    while True:
        m = c.poll(10)
        if m is None:
            sys.exit("timeout reading %s[%d]" % (topic, p))
        if m.error():
            continue
        k = (m.key() or b"").decode("utf-8", "replace")
        if m.value() is None:
            rows.pop(k, None)
        else:
            rows[k] = m.value().decode("utf-8", "replace")
        if m.offset() + 1 >= hi:
            break
c.close()
for k in sorted(rows):
    print("%s|%s" % (k, rows[k]))
PY
}

pull_rows() {
        shell_e "$1" | /usr/bin/python3 -c '
import json, sys
text = sys.stdin.read()
try:
    doc = json.loads(text)
except ValueError:
    sys.exit("not JSON: " + text)
rows = []
for part in doc if isinstance(doc, list) else [doc]:
    if isinstance(part, list):
        rows.append(part)
    elif isinstance(part, dict) and "row" in part:
        rows.append(part["row"]["columns"])
print("\n".join(sorted("|".join("" if v is None else str(v) for v in r) for r in rows)))'
}
