# tests/e2e/lib/example.sh: what the examples' e2e tests (10xx-example-*) share, sourced after
# lib-engine.sh (ports, start/stop, sanitizer check, fail). Each test runs one examples/<name>/ the
# way its README says, with the build's binaries, on free loopback ports, in a temp data dir:
#   example_start NAME [PLUGIN.so...] [-- SLUICED ARGS...]
#                         EX (the example's folder), the plugins copied into the data dir's udf/
#                         (where sluiced looks by default), sluiced started; URL and BS set
#   example_sql FILE      `sluice -f FILE` against the server; fails unless it succeeds
#   example_feed TOPIC    generate.py's "key|value" lines into TOPIC (kcat)
#   expect WHAT           generate.py --expected WHAT
#   pull_is SQL EXPECTED WHAT
#                         pull_rows SQL must print EXPECTED, else fails naming WHAT
#   shell_e SQL           `sluice --output JSON -e SQL`: prints the shell's output
#   wait_equal WHAT EXPECTED CMD...
#                         runs CMD until its output equals EXPECTED (up to 60 s), else fails with
#                         both; WHAT names it in the message
#   topic_table TOPIC [time|session]
#                         the latest value per key of TOPIC, "key|value" sorted (tombstones
#                         delete); a windowed key (KAFKA format: the key, then the window's start,
#                         or its end and start, 8 bytes each, big-endian ms) reads
#                         "key|start|end" with times as HH:MM:SS (UTC), the end of a time window
#                         left out (its size is the table's)
#   fields NAME...        reads "key|{json}" lines (topic_table, kcat -f '%k|%s\n'), prints
#                         "a|b|..." per line, sorted: KEY is the key, other names JSON fields
#   pull_rows SQL         a query through the shell (--output JSON), one "col|col|..." line per
#                         row, sorted (Python str() of each value, NULL empty)
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

# example_feed TOPIC: the example's generate.py output ("key|value" lines) into TOPIC with kcat
example_feed() { "$EX/generate.py" | kcat -P -b "$BS" -t "$1" -K '|' || fail "kcat"; }
# pull_is SQL EXPECTED WHAT: pull_rows SQL gives EXPECTED, else fails naming WHAT
pull_is() {
        local got
        got=$(pull_rows "$1")
        [ "$got" = "$2" ] || fail "$3: $got"
}
# expect WHAT: what generate.py --expected WHAT computes itself
expect() { "$EX/generate.py" --expected "$1"; }

shell_e() { timeout 60 "$BIN/sluice" --output JSON -e "$1" "$URL" 2>&1; }

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
        /usr/bin/python3 - "$BS" "$1" "${2:-}" <<'PY'
import sys, time
from confluent_kafka import Consumer, TopicPartition
bs, topic, windowed = sys.argv[1:4]

def hms(ms):
    return time.strftime("%H:%M:%S", time.gmtime(ms / 1000))

def key_text(k):
    if windowed == "time":
        return "%s|%s" % (k[:-8].decode(), hms(int.from_bytes(k[-8:], "big")))
    if windowed == "session":
        end, start = int.from_bytes(k[-16:-8], "big"), int.from_bytes(k[-8:], "big")
        return "%s|%s|%s" % (k[:-16].decode(), hms(start), hms(end))
    return k.decode("utf-8", "replace")

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
        k = key_text(m.key() or b"")
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
import decimal, json, sys
rows = []
for line in sys.stdin:
    try:
        j = json.loads(line, parse_float=decimal.Decimal)
    except ValueError:
        text = line.strip()
        if text and not text.startswith(("Successfully changed local property", "Limit Reached", "Query Completed",
                                          "Query terminated")):
            print("shell: " + text)  # an error message: shown in the difference
        continue
    if isinstance(j, dict) and "row" in j:
        rows.append(j["row"]["columns"])
    elif isinstance(j, dict) and "header" not in j:
        print(line.strip())  # an error: shown in the difference
print("\n".join(sorted("|".join("" if v is None else str(v) for v in r) for r in rows)))'
}

fields() {
        /usr/bin/python3 -c '
import decimal, json, sys
names = sys.argv[1:]
out = []
for line in sys.stdin:
    k, _, v = line.rstrip("\n").rpartition("|")
    j = json.loads(v, parse_float=decimal.Decimal)
    out.append("|".join(k if n == "KEY" else "" if j.get(n) is None else str(j[n]) for n in names))
print("\n".join(sorted(out)))' "$@"
}
