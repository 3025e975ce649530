#!/usr/bin/python3
# 0002-broker-kafka-python: kafka-python 2.0 (Debian python3-kafka) against the bundled broker.
# An acks=all producer writes to a 6-partition topic while a consumer group of 3 reads it with
# synchronous commits; one member is SIGKILLed mid-way, which must trigger a rebalance after its
# session times out. Every record must end up consumed-and-committed exactly once (records a member
# read but never committed are redelivered, so they are not counted). Committed offsets must match
# the log end and survive a broker restart; a new member then reads only records produced later.
import json, os, signal, socket, subprocess, sys, tempfile, time, shutil

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sluice_e2e import Broker, check  # noqa: E402


CONSUMER = r'''
import signal, sys
from kafka import KafkaConsumer
bootstrap, name, path = sys.argv[1:4]
stop = []
signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
c = KafkaConsumer("kp", bootstrap_servers=bootstrap, group_id="g", client_id=name, enable_auto_commit=False,
                  auto_offset_reset="earliest", session_timeout_ms=6000, heartbeat_interval_ms=1000,
                  max_poll_records=40, fetch_max_wait_ms=200)
out = open(path, "a")
while not stop:
    recs = c.poll(timeout_ms=300)
    last = {}
    for tp, msgs in recs.items():
        for m in msgs:
            out.write("R %d %d %s\n" % (tp.partition, m.offset, m.value.decode()))
            last[tp.partition] = m.offset + 1
    out.flush()
    if last:
        try:
            c.commit()
            out.write("C %s\n" % " ".join("%d:%d" % kv for kv in sorted(last.items())))
            out.flush()
        except Exception as e:
            out.write("F %s\n" % type(e).__name__)
            out.flush()
    import time; time.sleep(0.05)
c.close()
'''


def committed_records(path):
    """(partition, offset, value) read and then committed by one consumer."""
    pending, done = {}, []
    for line in open(path):
        f = line.split()
        if f[0] == "R":
            pending.setdefault(int(f[1]), []).append((int(f[1]), int(f[2]), f[3]))
        elif f[0] == "C":
            for kv in f[1:]:
                p, o = map(int, kv.split(":"))
                keep = []
                for r in pending.get(p, []):
                    (done if r[1] < o else keep).append(r)
                pending[p] = keep
    return done


def main():
    tmp = tempfile.mkdtemp(prefix="sl-0002-")
    b = Broker(tmp, "--group.initial.rebalance.delay.ms=1000")
    consumers = []
    try:
        b.start()
        admin = KafkaAdminClient(bootstrap_servers=b.bootstrap)
        admin.create_topics([NewTopic("kp", 6, 1)])
        admin.close()
        prod = KafkaProducer(bootstrap_servers=b.bootstrap, acks="all", linger_ms=5)
        check(prod.config["api_version"] == (2, 3, 0), "kafka-python inferred %s" % (prod.config["api_version"],))
        produced = {}

        def produce(lo, hi):
            futs = [(i, prod.send("kp", key=b"k%d" % i, value=b"%d" % i)) for i in range(lo, hi)]
            prod.flush()
            for i, f in futs:
                md = f.get(timeout=30)
                produced[(md.partition, md.offset)] = str(i)

        produce(0, 2000)
        for n in range(3):
            path = os.path.join(tmp, "c%d.out" % n)
            consumers.append((subprocess.Popen(["/usr/bin/python3", "-c", CONSUMER, b.bootstrap, "c%d" % n, path]), path))
        # wait until member 0 has committed something, then kill it mid-way
        deadline = time.time() + 60
        while time.time() < deadline:
            if os.path.exists(consumers[0][1]) and "C " in open(consumers[0][1]).read():
                break
            time.sleep(0.2)
        produce(2000, 4000)
        consumers[0][0].kill()
        consumers[0][0].wait()
        produce(4000, 6000)
        # wait until the survivors have committed everything
        deadline = time.time() + 120
        while time.time() < deadline:
            got = set()
            for _, path in consumers:
                if os.path.exists(path):
                    got.update((p, o) for p, o, _ in committed_records(path))
            if len(got) >= len(produced):
                break
            time.sleep(0.5)
        for proc, _ in consumers[1:]:
            proc.send_signal(signal.SIGTERM)
        for proc, _ in consumers[1:]:
            proc.wait(60)
        seen = {}
        for _, path in consumers:
            for p, o, v in committed_records(path):
                check((p, o) not in seen, "record %d/%d consumed and committed twice" % (p, o))
                seen[(p, o)] = v
        # SIGKILL can land between the killed member's commit and the "C" line it logs after it:
        # records it read last may be committed without the file saying so (nobody else reads them)
        killed_read = {(int(f[1]), int(f[2])) for f in (l.split() for l in open(consumers[0][1])) if f and f[0] == "R"}
        unlogged = {k for k in set(produced) - set(seen) if k in killed_read}
        check({k: v for k, v in produced.items() if k not in unlogged} == seen,
              "consumed %d records, produced %d; missing %s" %
              (len(seen), len(produced), sorted(set(produced) - set(seen) - unlogged)[:10]))
        check(len(unlogged) <= 40 * 6, "%d records only the killed member read" % len(unlogged))
        killed = committed_records(consumers[0][1])
        check(0 < len(killed) < len(produced), "the killed member had consumed %d records" % len(killed))
        log = open(os.path.join(tmp, "sluiced.log")).read()
        check("timed out" in log, "the killed member's session never timed out")
        # committed offsets = log end, before and after a restart
        ends = {}
        for (p, o) in produced:
            ends[p] = max(ends.get(p, 0), o + 1)

        def committed():
            a = KafkaAdminClient(bootstrap_servers=b.bootstrap)
            offs = {tp.partition: om.offset for tp, om in a.list_consumer_group_offsets("g").items()}
            groups = [g for g, _ in a.list_consumer_groups()]
            desc = a.describe_consumer_groups(["g"])[0]
            a.close()
            return offs, groups, desc

        offs, groups, desc = committed()
        check(offs == ends, "committed %s, log ends %s" % (offs, ends))
        check("g" in groups, "list_consumer_groups: %s" % groups)
        check(desc.state == "Empty" and not desc.members, "describe: %s" % (desc,))
        prod.close()
        b.stop()
        b.start()
        offs2, _, _ = committed()
        check(offs2 == ends, "after restart committed %s, want %s" % (offs2, ends))
        prod = KafkaProducer(bootstrap_servers=b.bootstrap, acks="all")
        for i in range(10):
            prod.send("kp", key=b"n%d" % i, value=b"new%d" % i)
        prod.flush()
        prod.close()
        c = KafkaConsumer("kp", bootstrap_servers=b.bootstrap, group_id="g", enable_auto_commit=False,
                          auto_offset_reset="earliest", consumer_timeout_ms=8000)
        vals = sorted(m.value.decode() for m in c)
        c.close()
        check(vals == sorted("new%d" % i for i in range(10)), "after restart the group read %d records: %s" %
              (len(vals), vals[:5]))
        b.stop()
        print("ok: %d records, killed member committed %d" % (len(produced), len(killed)))
    finally:
        for proc, _ in consumers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        b.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
