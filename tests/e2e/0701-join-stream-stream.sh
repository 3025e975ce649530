#!/bin/bash
# 0701-join-stream-stream: a windowed stream-stream join end to end (issue 8) over generated
# clicks and views with out-of-order event times (each batch is shuffled, times spread over a
# minute). INNER JOIN WITHIN 5 SECONDS GRACE PERIOD 10 MINUTES: the output must be exactly the
# pairs of one key whose times differ by at most 5 s, each at the later of the two times, as a
# recomputation in Python finds them. Half of the records go in before a kill -9 restart and half
# after, so pairs across the restart need the window stores restored from their changelogs.
. "$(dirname "$0")/lib-engine.sh"

start_engine --num.partitions=3 "${FAST_GROUP[@]}"

# gen PART: the records of part 1 or 2 as "topic key ts json" lines (seeded, so both calls agree)
gen() {
        python3 - "$1" <<'PY'
import json, random, sys
rnd = random.Random(8)
recs = []
for i in range(160):
    topic = "clicks" if i % 2 == 0 else "views"
    user = rnd.randrange(6)
    ts = 1700000000000 + rnd.randrange(60000)
    recs.append((topic, user, ts, {"N": i}))
part = int(sys.argv[1])
half = recs[:80] if part == 1 else recs[80:]
rnd.shuffle(half)
for t, u, ts, v in half:
    print(t, u, ts, json.dumps(v))
PY
}
# produce_ts BOOTSTRAP: stdin "topic key ts json" lines, produced with their event times
produce_ts() {
        /usr/bin/python3 -c '
import sys
from confluent_kafka import Producer
p = Producer({"bootstrap.servers": sys.argv[1]})
for line in sys.stdin:
    t, k, ts, v = line.rstrip("\n").split(" ", 3)
    p.produce(t, key=k.encode(), value=v.encode(), timestamp=int(ts))
p.flush(30)
' "$1" || fail "produce"
}
# expect: every joined pair of all 160 records, "key|json@ts", sorted
expect() {
        (gen 1; gen 2) | python3 -c '
import json, sys
recs = [l.split(" ", 3) for l in sys.stdin.read().splitlines()]
clicks = [r for r in recs if r[0] == "clicks"]
views = [r for r in recs if r[0] == "views"]
for c in clicks:
    for v in views:
        if c[1] == v[1] and abs(int(c[2]) - int(v[2])) <= 5000:
            out = {"CLICK": json.loads(c[3])["N"], "VIEWED": json.loads(v[3])["N"]}
            print("%s|%s@%d" % (c[1], json.dumps(out, separators=(",", ":")), max(int(c[2]), int(v[2]))))
' | sort
}
# joined N: the output records "key|json@ts", sorted, once N are there
joined() {
        local out
        for _ in $(seq 120); do
                out=$(kcat -C -b "$BS" -t pairs -e -q -f '%k|%s@%T\n' 2>/dev/null | sed '/^$/d' | sort)
                [ "$(printf '%s' "$out" | grep -c .)" -ge "$1" ] && break
                sleep 0.5
        done
        printf '%s\n' "$out"
}

ksql "$URL" "CREATE STREAM clicks (user BIGINT KEY, n INT)
             WITH (kafka_topic='clicks', key_format='json', value_format='json', partitions=3);"
ksql "$URL" "CREATE STREAM views (user BIGINT KEY, n INT)
             WITH (kafka_topic='views', key_format='json', value_format='json', partitions=3);"
ksql "$URL" "CREATE STREAM pairs WITH (kafka_topic='pairs') AS
             SELECT c.user AS user, c.n AS click, v.n AS viewed
             FROM clicks c JOIN views v WITHIN 5 SECONDS GRACE PERIOD 10 MINUTES ON c.user = v.user
             EMIT CHANGES;"
QID=$(printf '%s' "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["commandStatus"]["queryId"])') ||
        fail "no query id: $BODY"
gen 1 | produce_ts "$BS"
wait_committed "$BS" "_sluice_query_$QID" clicks
wait_committed "$BS" "_sluice_query_$QID" views
restart_sluiced -9 sluiced
gen 2 | produce_ts "$BS"
EXP=$(expect)
N=$(printf '%s\n' "$EXP" | grep -c .)
[ "$N" -gt 40 ] || fail "too few expected pairs ($N)"
GOT=$(joined "$N")
[ "$GOT" = "$EXP" ] || fail "joined pairs differ ($N expected):
--- expected
$EXP
--- got
$GOT"
wait_committed "$BS" "_sluice_query_$QID" clicks
wait_committed "$BS" "_sluice_query_$QID" views
GOT=$(joined "$N")
[ "$GOT" = "$EXP" ] || fail "output changed after the final commit: $GOT"
echo "PASS"
