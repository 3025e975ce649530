#!/usr/bin/python3
# 0601-stateful-crash: at-least-once aggregation under kill -9. A producer writes events to a
# 3-partition topic at a steady rate while sluiced (engine and bundled broker in one process) is
# killed with SIGKILL 10 times at random moments and restarted on the same data dir; then the
# producer finishes and the queries drain. Two tables: COUNT/SUM by the record key (state in the
# task's store, restored from RocksDB and the changelog tail) and by a value column (through a
# repartition topic, without a write cache: every update reaches the changelog at once). Recomputed from the input topic as it finally is, every group must have at
# least its true count and sum (nothing lost), and the excess -- records counted twice because they
# were processed after the last commit before a crash -- must stay within what the commit interval
# and the commit's own duration allow: per crash, the records produced in 3 s. Each round kills
# once both queries have committed since the restart, at a random moment up to 1.5 s later. The README states this guarantee. (With the
# default write cache the stores' changes reach RocksDB and the changelog only at commit, so a
# crash mostly loses uncommitted updates together with their offsets and the excess is small.)
import os, random, sys, tempfile, shutil, threading, time, json

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from confluent_kafka import Consumer, Producer, TopicPartition  # noqa: E402
from stateful_e2e import Server, read_table  # noqa: E402

ROUNDS, RATE = 10, 400  # crashes; records per second


def producer_loop(bootstrap, stop, sent):
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "message.timeout.ms": 300000,
                  "reconnect.backoff.max.ms": 500, "log_level": 0})
    rnd = random.Random(3)
    t = 1700000000000
    while not stop.is_set():
        for _ in range(RATE // 20):
            t += 7
            v = {"G": "g%d" % rnd.randint(0, 6), "V": rnd.randint(1, 9)}
            p.produce("ev", key=("k%d" % rnd.randint(0, 49)).encode(), value=json.dumps(v).encode(), timestamp=t)
            sent[0] += 1
        p.poll(0)
        time.sleep(0.05)
    if p.flush(300) != 0:
        sys.exit("FAIL: the producer could not deliver everything")


def read_input(bootstrap):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "e2e-input-%d" % time.time_ns(),
                  "enable.auto.commit": False})
    out = []
    try:
        md = c.list_topics("ev", timeout=10)
        ends = {}
        for p in md.topics["ev"].partitions:
            lo, hi = c.get_watermark_offsets(TopicPartition("ev", p), timeout=10)
            if hi > lo:
                ends[p] = hi
        c.assign([TopicPartition("ev", p, 0) for p in ends])
        deadline = time.time() + 60
        while ends and time.time() < deadline:
            for m in c.consume(1000, 0.5):
                if m.error():
                    continue
                out.append((m.key().decode(), json.loads(m.value())))
                if m.offset() + 1 >= ends.get(m.partition(), 0):
                    ends.pop(m.partition(), None)
    finally:
        c.close()
    return out


def committed(bootstrap, groups):
    """Per group, the sum of its committed offsets on the input topic."""
    out = []
    for g in groups:
        c = Consumer({"bootstrap.servers": bootstrap, "group.id": g, "log_level": 0})
        try:
            parts = [TopicPartition("ev", p) for p in range(3)]
            out.append(sum(max(tp.offset, 0) for tp in c.committed(parts, timeout=10)))
        except Exception:
            out.append(0)
        finally:
            c.close()
    return out


def totals(rows, field):
    t = {}
    for k, v in rows:
        g = k if field is None else v[field]
        c = t.setdefault(g, {"C": 0, "S": 0})
        c["C"] += 1
        c["S"] += v["V"]
    return t


def main():
    d = tempfile.mkdtemp()
    srv = Server(d, "--num.partitions=3", "--ksql.streams.commit.interval.ms=500")
    stop, sent = threading.Event(), [0]
    rnd = random.Random(11)
    try:
        srv.start()
        srv.ksql("CREATE STREAM EV (K STRING KEY, G STRING, V INT) WITH (kafka_topic='ev', value_format='JSON', "
                 "partitions=3);")
        srv.ksql("CREATE TABLE BYKEY AS SELECT K, COUNT(*) AS C, SUM(V) AS S FROM EV GROUP BY K;")
        # no write cache here: every update goes to RocksDB and the changelog at once
        srv.ksql("CREATE TABLE BYG AS SELECT G, COUNT(*) AS C, SUM(V) AS S FROM EV GROUP BY G;",
                 ksql_streams_cache_max_bytes_buffering="0")
        th = threading.Thread(target=producer_loop, args=(srv.bootstrap, stop, sent))
        th.start()
        groups = ("_sluice_query_CTAS_BYKEY_0", "_sluice_query_CTAS_BYG_1")
        for r in range(ROUNDS):
            # kill while the queries process, once both committed since the (re)start
            base = committed(srv.bootstrap, groups)
            deadline = time.time() + 30
            while time.time() < deadline and not all(a > b for a, b in zip(committed(srv.bootstrap, groups), base)):
                time.sleep(0.2)
            time.sleep(rnd.uniform(0, 1.5))
            srv.kill()
            srv.start()
        time.sleep(2)
        stop.set()
        th.join()
        rows = read_input(srv.bootstrap)
        if len(rows) < sent[0]:
            sys.exit("FAIL: %d records in the input topic, %d sent" % (len(rows), sent[0]))
        bound = ROUNDS * RATE * 3
        for topic, field in (("BYKEY", None), ("BYG", "G")):
            want = totals(rows, field)
            prev, got, stable = None, None, 0
            deadline = time.time() + 90
            while time.time() < deadline and stable < 3:
                got = read_table(srv.bootstrap, topic)
                done = all(got.get(k, {"C": 0})["C"] >= w["C"] for k, w in want.items())
                stable = stable + 1 if done and got == prev else 0
                prev = got
                time.sleep(1)
            lost = [k for k, w in want.items() if k not in got or got[k]["C"] < w["C"] or got[k]["S"] < w["S"]]
            if lost or set(got) != set(want):
                sys.exit("FAIL %s: groups short of their true count: %s; groups %s, expected %s" %
                         (topic, lost[:5], sorted(got)[:10], sorted(want)[:10]))
            excess = sum(got[k]["C"] - w["C"] for k, w in want.items())
            print("%s: %d records, %d groups, %d counted twice (bound %d)" % (topic, len(rows), len(want), excess, bound))
            if excess > bound:
                sys.exit("FAIL %s: %d records counted twice, more than %d" % (topic, excess, bound))
        print("stores restored from a changelog tail: %d times" % srv.log_text().count("restored from offset"))
        srv.stop()
        print("PASS")
    finally:
        stop.set()
        srv.kill()
        if os.environ.get("SLUICE_E2E_KEEP"):
            print("kept", d)
        else:
            shutil.rmtree(d, ignore_errors=True)


main()
