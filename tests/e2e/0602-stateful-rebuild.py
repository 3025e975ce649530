#!/usr/bin/python3
# 0602-stateful-rebuild: a query's state is rebuilt from its changelog topics when its local
# state directory is gone. Keyed COUNT/SUM and a TUMBLING count run over a first batch of events;
# sluiced stops cleanly (its last commit checkpoints the stores), the query's directory under
# <data dir>/state/ is deleted, sluiced starts again and a second batch arrives. The tables must
# equal the recomputation over both batches exactly -- the restored stores hold what the first
# batch left, counted once -- and the log must show the stores restored from changelog offset 0.
import os, random, sys, tempfile, shutil, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from stateful_e2e import Server, diff, produce, wait_table  # noqa: E402

T0 = 1700000000000


def batch(rnd, n, t):
    out = []
    for _ in range(n):
        t += rnd.randint(10, 300)
        out.append(("k%d" % rnd.randint(0, 29), {"V": rnd.randint(1, 50)}, t))
    return out, t


def expect(evs):
    keyed, windows = {}, {}
    for k, v, ts in evs:
        c = keyed.setdefault(k, {"C": 0, "S": 0})
        c["C"] += 1
        c["S"] += v["V"]
        w = windows.setdefault((k, ts // 5000 * 5000, None), {"C": 0})
        w["C"] += 1
    return keyed, windows


def main():
    d = tempfile.mkdtemp()
    srv = Server(d, "--num.partitions=2", "--ksql.streams.commit.interval.ms=500")
    rnd = random.Random(5)
    try:
        srv.start()
        first, t = batch(rnd, 1500, T0)
        produce(srv.bootstrap, "ev", first)
        srv.ksql("CREATE STREAM EV (K STRING KEY, V INT) WITH (kafka_topic='ev', value_format='JSON');")
        srv.ksql("CREATE TABLE TOTALS AS SELECT K, COUNT(*) AS C, SUM(V) AS S FROM EV GROUP BY K;")
        srv.ksql("CREATE TABLE PERWIN AS SELECT K, COUNT(*) AS C FROM EV WINDOW TUMBLING (SIZE 5 SECONDS) GROUP BY K;")
        keyed, windows = expect(first)
        for topic, window, want in (("TOTALS", None, keyed), ("PERWIN", "time", windows)):
            got = wait_table(srv.bootstrap, topic, want, window)
            if got != want:
                sys.exit("FAIL %s before the restart:\n%s" % (topic, diff(got or {}, want)))
        srv.stop()
        state = os.path.join(d, "data", "state")
        gone = [q for q in os.listdir(state) if q.startswith("CTAS_")]
        if len(gone) != 2:
            sys.exit("FAIL: expected the state of two queries under %s, found %s" % (state, os.listdir(state)))
        for q in gone:
            shutil.rmtree(os.path.join(state, q))
        srv.start()
        second, t = batch(rnd, 1500, t)
        produce(srv.bootstrap, "ev", second)
        keyed, windows = expect(first + second)
        for topic, window, want in (("TOTALS", None, keyed), ("PERWIN", "time", windows)):
            got = wait_table(srv.bootstrap, topic, want, window)
            if got != want:
                sys.exit("FAIL %s after rebuilding the state:\n%s" % (topic, diff(got or {}, want)))
            print("%s: %d rows equal the recomputation" % (topic, len(want)))
        log = srv.log_text()
        if "restored from offset 0" not in log:
            sys.exit("FAIL: no store restored from changelog offset 0")
        for q in gone:
            if not os.path.isdir(os.path.join(state, q)):
                sys.exit("FAIL: %s has no state directory again" % q)
        srv.stop()
        print("PASS")
    finally:
        srv.kill()
        shutil.rmtree(d, ignore_errors=True)


main()
