#!/usr/bin/python3
# 0600-stateful-windows: TUMBLING, HOPPING and SESSION COUNT and SUM over a generated event stream
# with out-of-order records (within the grace period) and late ones (beyond it), on a real sluiced
# with its bundled broker. Grouping by a value column sends the rows through a repartition topic.
# Each windowed table, read back from its sink topic (last record per windowed key, session
# tombstones delete), must equal an independent recomputation done here: per window the records
# the window accepted (a record is late for a window once stream time - grace has reached the
# window's end; for sessions, once the merged session ends before stream time - gap - grace, and
# sessions the gap and grace no longer reach are not merged). Also a non-windowed COUNT by key.
import os, random, sys, tempfile, shutil

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from stateful_e2e import Server, diff, produce, wait_table  # noqa: E402

SIZE, ADVANCE, GRACE, GAP = 10000, 5000, 5000, 4000
T0 = 1700000000000


def events(n, seed):
    rnd = random.Random(seed)
    out, t = [], T0
    for i in range(n):
        t += rnd.choice([50, 100, 200, 400, 800, 6000]) if i % 50 else 9000
        ts = t
        r = rnd.random()
        if r < 0.10:
            ts = t - rnd.randint(1, 3000)        # out of order, within the grace period
        elif r < 0.13:
            ts = t - rnd.randint(25000, 40000)   # late beyond any grace
        g = "g%d" % rnd.randint(0, 4)
        out.append(("k%d" % rnd.randint(0, 19), {"G": g, "V": rnd.randint(1, 100)}, ts))
    return out


def time_windows(evs, size, advance, grace):
    table, stream = {}, None
    for _, v, ts in evs:
        stream = ts if stream is None else max(stream, ts)
        close = stream - grace
        start = max(0, ts - size + advance) // advance * advance
        while start <= ts:
            if start + size > close:
                c = table.setdefault((v["G"], start, None), {"C": 0, "S": 0})
                c["C"] += 1
                c["S"] += v["V"]
            start += advance
    return table


def sessions(evs, gap, grace):
    live, stream = {}, None  # group -> list of [start, end, count, sum]
    for _, v, ts in evs:
        stream = ts if stream is None else max(stream, ts)
        ss = live.setdefault(v["G"], [])
        reach = [s for s in ss if s[1] >= ts - gap and s[0] <= ts + gap and s[1] >= stream - gap - grace + 1]
        start = min([ts] + [s[0] for s in reach])
        end = max([ts] + [s[1] for s in reach])
        if end < stream - grace - gap:
            continue
        for s in reach:
            ss.remove(s)
        ss.append([start, end, 1 + sum(s[2] for s in reach), v["V"] + sum(s[3] for s in reach)])
    return {(g, s[0], s[1]): {"C": s[2], "S": s[3]} for g, ss in live.items() for s in ss}


def main():
    d = tempfile.mkdtemp()
    srv = Server(d, "--num.partitions=1", "--ksql.streams.commit.interval.ms=500")
    try:
        srv.start()
        evs = events(3000, 7)
        produce(srv.bootstrap, "events", evs)
        srv.ksql("CREATE STREAM EVENTS (K STRING KEY, G STRING, V INT) WITH (kafka_topic='events', value_format='JSON');")
        srv.ksql("CREATE TABLE TUMB AS SELECT G, COUNT(*) AS C, SUM(V) AS S FROM EVENTS "
                 "WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 5 SECONDS) GROUP BY G;")
        srv.ksql("CREATE TABLE HOP AS SELECT G, COUNT(*) AS C, SUM(V) AS S FROM EVENTS "
                 "WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS, GRACE PERIOD 5 SECONDS) GROUP BY G;")
        srv.ksql("CREATE TABLE SESS AS SELECT G, COUNT(*) AS C, SUM(V) AS S FROM EVENTS "
                 "WINDOW SESSION (4 SECONDS, GRACE PERIOD 5 SECONDS) GROUP BY G;")
        srv.ksql("CREATE TABLE BYKEY AS SELECT K, COUNT(*) AS C, SUM(V) AS S FROM EVENTS GROUP BY K;")
        checks = [
            ("TUMB", "time", time_windows(evs, SIZE, SIZE, GRACE)),
            ("HOP", "time", time_windows(evs, SIZE, ADVANCE, GRACE)),
            ("SESS", "session", sessions(evs, GAP, GRACE)),
            ("BYKEY", None, {}),
        ]
        for k, v, _ in evs:
            c = checks[3][2].setdefault(k, {"C": 0, "S": 0})
            c["C"] += 1
            c["S"] += v["V"]
        late, stream = 0, None  # the generator must have made records late for their tumbling window
        for _, _, ts in evs:
            stream = ts if stream is None else max(stream, ts)
            late += ts // SIZE * SIZE + SIZE <= stream - GRACE
        if late == 0:
            sys.exit("FAIL: no late records generated")
        for topic, window, expected in checks:
            got = wait_table(srv.bootstrap, topic, expected, window)
            if got != expected:
                sys.exit("FAIL %s: %d windows read, %d expected\n%s" % (topic, len(got or {}), len(expected),
                                                                         diff(got or {}, expected)))
            print("%s: %d rows equal the recomputation" % (topic, len(expected)))
        if "late record" not in srv.log_text():
            sys.exit("FAIL: no late record in the processing log")
        srv.stop()
        print("PASS (%d events, %d late for their tumbling window)" % (len(evs), late))
    finally:
        srv.kill()
        shutil.rmtree(d, ignore_errors=True)


main()
