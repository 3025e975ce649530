#!/usr/bin/python3
# 0004-broker-crash-safety: kill -9 of the broker during acks=all production, 20 rounds on one
# data directory. Each round restarts the broker (it must open its logs without errors), produces
# with confluent-kafka (acks=all, the default) and SIGKILLs the broker at a random moment. At the
# end every acknowledged record must be readable at the offset it was acknowledged with, with its
# value intact; everything in the log must be a complete record some producer sent (no torn or
# garbage batches: librdkafka checks CRCs), and offsets must be dense.
import os, random, signal, socket, subprocess, sys, tempfile, threading, time, shutil

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sluice_e2e import Broker, check  # noqa: E402


ROUNDS = 20


def main():
    tmp = tempfile.mkdtemp(prefix="sl-0004-")
    b = Broker(tmp, "--num.partitions=2")
    acked = {}          # (partition, offset) -> value
    sent = set()        # every value handed to the producer
    rnd = random.Random(4)
    try:
        for r in range(ROUNDS):
            t_round = time.time()
            b.start()
            p = Producer({"bootstrap.servers": b.bootstrap, "acks": "all", "linger.ms": 2,
                          "message.timeout.ms": 5000, "retries": 0})

            first_ack = threading.Event()

            def on_delivery(err, msg):
                if not err:
                    acked[(msg.partition(), msg.offset())] = msg.value().decode()
                    first_ack.set()

            # The kill comes at a random moment once this round's first acknowledgement arrived
            # (a slow disk or a sanitizer build can take seconds for the first fsync), or after
            # 30 s without one.
            delay = rnd.random() * 0.7
            proc = b.proc

            def kill_later():
                first_ack.wait(30)
                time.sleep(delay)
                proc.kill()
            killer = threading.Thread(target=kill_later)
            killer.start()
            i = 0
            while b.proc.poll() is None:
                for _ in range(50 if i < 200000 else 0):
                    v = "r%d-%d-%s" % (r, i, "p" * (i % 200))
                    sent.add(v)
                    try:
                        p.produce("crash", value=v.encode(), key=b"%d" % i, on_delivery=on_delivery)
                    except BufferError:
                        pass
                    i += 1
                p.poll(0.002)
            killer.join()
            b.proc.wait()
            b.proc = None
            t = time.time() + 1.0
            while time.time() < t:   # answers that arrived before the kill
                p.poll(0.05)
            p.purge()
            p.flush(0)
            del p
            b.log.close()
            print("round %d: %d sent, %d acked so far, %.1fs" % (r, i, len(acked), time.time() - t_round), file=sys.stderr)
        b.start()
        log = open(os.path.join(tmp, "sluiced.log")).read()
        check(" ERROR " not in log, "errors in the broker log:\n" + "\n".join(l for l in log.splitlines() if " ERROR " in l))
        c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "crash-check", "auto.offset.reset": "earliest",
                      "enable.auto.commit": False, "check.crcs": True, "enable.partition.eof": True})
        c.assign([TopicPartition("crash", p, 0) for p in range(2)])
        found, eof, expect = {}, set(), {0: 0, 1: 0}
        deadline = time.time() + 120
        while len(eof) < 2 and time.time() < deadline:
            for m in c.consume(num_messages=5000, timeout=1.0):
                if m.error():
                    check(m.error().code() == KafkaError._PARTITION_EOF, "consumer error: %s" % m.error())
                    eof.add(m.partition())
                    continue
                eof.discard(m.partition())
                check(m.offset() == expect[m.partition()], "offset gap in partition %d: %d after %d" %
                      (m.partition(), m.offset(), expect[m.partition()] - 1))
                expect[m.partition()] = m.offset() + 1
                v = m.value().decode()
                check(v in sent, "record %r at %d/%d was never sent" % (v[:40], m.partition(), m.offset()))
                found[(m.partition(), m.offset())] = v
        c.close()
        print("verification read %d records, eof %s, expect %s" % (len(found), sorted(eof), expect), file=sys.stderr)
        b.stop()
        missing = [k for k in acked if found.get(k) != acked[k]]
        check(not missing, "%d acknowledged records lost or changed, e.g. %s: %r" %
              (len(missing), missing[:3], [found.get(k) for k in missing[:3]]))
        check(len(acked) > ROUNDS * 10, "only %d records were acknowledged" % len(acked))
        print("ok: %d rounds, %d acknowledged, %d in the log" % (ROUNDS, len(acked), len(found)))
    finally:
        b.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
