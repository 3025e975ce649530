#!/bin/bash
# 0657-pull-aggregates: pull queries on aggregation results. A generated click stream (in event
# time order, 3 partitions) feeds COUNT/SUM GROUP BY on the key, GROUP BY on a value column
# (repartitioned), TUMBLING, HOPPING and SESSION window counts. Each table is pull-queried by key,
# by IN, with window bounds and by scans, and every answer must equal a recomputation of the same
# aggregates written in this test.
. "$(dirname "$0")/lib-pull.sh"
pull_server

ksql "$URL" "CREATE STREAM CLICKS (USER STRING KEY, PAGE STRING, MS INT) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=3);"
ksql "$URL" "CREATE TABLE BY_USER AS SELECT USER, COUNT(*) AS N, SUM(MS) AS S FROM CLICKS GROUP BY USER;"
ksql "$URL" "CREATE TABLE BY_PAGE AS SELECT PAGE, COUNT(*) AS N FROM CLICKS GROUP BY PAGE;"
ksql "$URL" "CREATE TABLE TUMBLE AS SELECT USER, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY USER;"
ksql "$URL" "CREATE TABLE HOP AS SELECT USER, COUNT(*) AS N FROM CLICKS WINDOW HOPPING (SIZE 20 SECONDS, ADVANCE BY 10 SECONDS) GROUP BY USER;"
ksql "$URL" "CREATE TABLE SESS AS SELECT USER, COUNT(*) AS N FROM CLICKS WINDOW SESSION (5 SECONDS) GROUP BY USER;"

/usr/bin/python3 - "$URL" "$BS" <<'PY' || fail "pull answers differ from the recomputation (above)"
import json, random, sys, time, urllib.request
from confluent_kafka import Producer

url, bs = sys.argv[1:3]
rnd = random.Random(7)
users = ["u%d" % i for i in range(12)]
pages = ["home", "cart", "item", "help"]
events, t = [], 1_000_000
for i in range(600):
    t += rnd.choice([100, 300, 700, 2500, 6000])
    events.append((rnd.choice(users), rnd.choice(pages), rnd.randint(1, 50), t))
p = Producer({"bootstrap.servers": bs})
for u, pg, ms, ts in events:
    p.produce("clicks", key=u.encode(), value=json.dumps({"PAGE": pg, "MS": ms}).encode(), timestamp=ts)
p.flush()

def pull(sql):
    req = urllib.request.Request(url + "/query", data=json.dumps({"ksql": sql}).encode(),
                                 headers={"Content-Type": "application/vnd.ksql.v1+json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        body = json.loads(r.read())
    return [x["row"]["columns"] for x in body if "row" in x]

# the recomputation
by_user, by_page, tumble, hop, sess = {}, {}, {}, {}, {}
for u, pg, ms, ts in events:
    n, s = by_user.get(u, (0, 0))
    by_user[u] = (n + 1, s + ms)
    by_page[pg] = by_page.get(pg, 0) + 1
    w = ts - ts % 10000
    tumble[(u, w)] = tumble.get((u, w), 0) + 1
    for start in range(w - 10000, w + 1, 10000):
        if start <= ts < start + 20000:
            hop[(u, start)] = hop.get((u, start), 0) + 1
    sess.setdefault(u, []).append(ts)
sessions = {}
for u, tss in sess.items():
    cur = None
    for ts in sorted(tss):
        if cur and ts - cur[1] <= 5000:
            cur = [cur[0], ts, cur[2] + 1]
        else:
            if cur:
                sessions.setdefault(u, []).append(tuple(cur))
            cur = [ts, ts, 1]
    sessions.setdefault(u, []).append(tuple(cur))

ok = True
def expect(sql, want):
    global ok
    got = pull(sql)
    if got != want:
        ok = False
        print("FAIL %s\n  got  %s\n  want %s" % (sql, got[:20], want[:20]))

# wait until every table has caught up with the whole input
want_user = [[u, n, s] for u, (n, s) in sorted(by_user.items())]
deadline = time.time() + 120
while time.time() < deadline:
    if (pull("SELECT * FROM BY_USER;") == want_user and
            sum(r[-1] for r in pull("SELECT * FROM TUMBLE;")) == len(events) and
            sum(r[-1] for r in pull("SELECT * FROM SESS;")) == len(events) and
            sum(r[-1] for r in pull("SELECT * FROM HOP;")) == 2 * len(events) and
            sum(r[-1] for r in pull("SELECT * FROM BY_PAGE;")) == len(events)):
        break
    time.sleep(0.5)

expect("SELECT * FROM BY_USER;", want_user)
expect("SELECT USER, N, S FROM BY_USER WHERE USER = 'u3';", [["u3", *by_user["u3"]]])
expect("SELECT USER, N FROM BY_USER WHERE USER IN ('u7', 'u1', 'nobody');",
       [["u7", by_user["u7"][0]], ["u1", by_user["u1"][0]]])
expect("SELECT USER FROM BY_USER WHERE N > 50;", [[u] for u, (n, s) in sorted(by_user.items()) if n > 50])
expect("SELECT USER, S FROM BY_USER WHERE USER >= 'u10' AND USER < 'u2';",
       [[u, s] for u, (n, s) in sorted(by_user.items()) if "u10" <= u < "u2"])
expect("SELECT * FROM BY_PAGE;", [[pg, n] for pg, n in sorted(by_page.items())])
expect("SELECT N FROM BY_PAGE WHERE PAGE = 'cart';", [[by_page["cart"]]])

for u in ["u0", "u5", "u11"]:
    ws = sorted(w for (uu, w) in tumble if uu == u)
    expect("SELECT * FROM TUMBLE WHERE USER = '%s';" % u, [[u, w, w + 10000, tumble[(u, w)]] for w in ws])
    mid = ws[len(ws) // 2]
    expect("SELECT WINDOWSTART, N FROM TUMBLE WHERE USER = '%s' AND WINDOWSTART = %d;" % (u, mid),
           [[mid, tumble[(u, mid)]]])
    expect("SELECT WINDOWSTART, N FROM TUMBLE WHERE USER = '%s' AND WINDOWSTART >= %d AND WINDOWEND <= %d;"
           % (u, mid, mid + 30000), [[w, tumble[(u, w)]] for w in ws if mid <= w and w + 10000 <= mid + 30000])
    hs = sorted(w for (uu, w) in hop if uu == u)
    expect("SELECT WINDOWSTART, WINDOWEND, N FROM HOP WHERE USER = '%s' AND WINDOWSTART < %d;" % (u, hs[3]),
           [[w, w + 20000, hop[(u, w)]] for w in hs if w < hs[3]])
    expect("SELECT WINDOWSTART, WINDOWEND, N FROM SESS WHERE USER = '%s';" % u,
           [[a, b, n] for a, b, n in sessions[u]])
w0 = min(w for (_, w) in tumble)
expect("SELECT USER, N FROM TUMBLE WHERE WINDOWSTART = %d;" % w0,
       [[u, tumble[(u, w0)]] for u in sorted(users) if (u, w0) in tumble])
sys.exit(0 if ok else 1)
PY
echo "PASS"
