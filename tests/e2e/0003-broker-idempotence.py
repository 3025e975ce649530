#!/usr/bin/python3
# 0003-broker-idempotence: confluent-kafka (librdkafka 2.0) with enable.idempotence=true. 1M
# messages are produced while the broker's fault hook drops the connection after every 40th
# Produce (the batch is stored, the answer lost), so librdkafka retries batches it already sent;
# the broker must recognise them by producer id and sequence. Exactly 1M messages must be read
# back, each once, in production order per partition.
import os, signal, socket, subprocess, sys, tempfile, time, shutil

from confluent_kafka import Consumer, Producer, TopicPartition

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sluice_e2e import Broker, check  # noqa: E402


N = 1_000_000


def main():
    tmp = tempfile.mkdtemp(prefix="sl-0003-")
    b = Broker(tmp, "--num.partitions=3", "--broker.test.fault.close.after.produce=40", "--log.level=debug")
    try:
        b.start()
        errors, delivered = [], [0]

        def on_delivery(err, msg):
            if err:
                errors.append(str(err))
            else:
                delivered[0] += 1

        p = Producer({"bootstrap.servers": b.bootstrap, "enable.idempotence": True, "linger.ms": 20,
                      "batch.num.messages": 5000, "message.timeout.ms": 120000})
        for i in range(N):
            while True:
                try:
                    p.produce("idem", value=b"%d" % i, key=b"%d" % (i % 1000), on_delivery=on_delivery)
                    break
                except BufferError:
                    p.poll(0.05)
            if i % 10000 == 0:
                p.poll(0)
        check(p.flush(180) == 0, "messages left unflushed")
        check(not errors and delivered[0] == N, "delivered %d, errors %s" % (delivered[0], errors[:5]))
        log = open(os.path.join(tmp, "sluiced.log")).read()
        check(log.count("fault hook drops") >= 3, "the fault hook never fired")
        check("duplicate batch" in log, "no retried batch was recognised as a duplicate")
        c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "idem-check", "auto.offset.reset": "earliest",
                      "enable.auto.commit": False})
        c.assign([TopicPartition("idem", p, 0) for p in range(3)])
        seen = bytearray(N)
        count, last = 0, {}
        deadline = time.time() + 180
        while count < N and time.time() < deadline:
            for m in c.consume(num_messages=10000, timeout=1.0):
                if m.error():
                    continue
                i = int(m.value())
                check(seen[i] == 0, "message %d read twice" % i)
                seen[i] = 1
                # same key -> same partition, produced in order
                k = int(m.key())
                check(last.get(k, -1) < i, "message %d out of order for key %d" % (i, k))
                last[k] = i
                count += 1
        # nothing beyond N
        extra = c.consume(num_messages=10, timeout=2.0)
        c.close()
        check(count == N, "read %d of %d" % (count, N))
        check(not [m for m in extra if not m.error()], "more than %d messages in the topic" % N)
        b.stop()
        print("ok: %d messages, %d connection drops" % (count, log.count("fault hook drops")))
    finally:
        b.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
