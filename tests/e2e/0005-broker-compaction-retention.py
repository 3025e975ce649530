#!/usr/bin/python3
# 0005-broker-compaction-retention: topic-level configs through the admin API (confluent-kafka),
# compaction, retention and topic deletion.
# - A compacted topic (cleanup.policy=compact) holding 10 values for each of 100 keys, then
#   tombstones for 10 keys, must be cleaned down to the latest value per key at its original
#   offset plus the 10 tombstones; after delete.retention.ms the tombstones go too.
# - retention.ms and retention.bytes delete old segments (the log start offset moves) and keep
#   the newest data. DescribeConfigs reports the topic configs; DeleteTopics removes a topic.
import os, signal, socket, subprocess, sys, tempfile, time, shutil

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sluice_e2e import Broker, check  # noqa: E402


def read_all(bootstrap, topic):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "x", "enable.auto.commit": False,
                  "enable.partition.eof": True, "auto.offset.reset": "earliest"})
    c.assign([TopicPartition(topic, 0, -2)])
    out = []
    deadline = time.time() + 30
    while time.time() < deadline:
        m = c.poll(1.0)
        if m is None:
            continue
        if m.error():
            break
        out.append((m.offset(), m.key().decode() if m.key() else None, m.value().decode() if m.value() is not None else None))
    lo, hi = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    c.close()
    return out, lo, hi


def wait_for(fn, what, timeout=40):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = fn()
        if r:
            return r
        time.sleep(0.3)
    raise AssertionError("timed out waiting for " + what)


def main():
    tmp = tempfile.mkdtemp(prefix="sl-0005-")
    b = Broker(tmp, "--log.cleaner.backoff.ms=200", "--log.retention.check.interval.ms=200")
    try:
        b.start()
        admin = AdminClient({"bootstrap.servers": b.bootstrap})
        fs = admin.create_topics([
            NewTopic("cmp", 1, 1, config={"cleanup.policy": "compact", "segment.ms": "300",
                                          "delete.retention.ms": "3000"}),
            NewTopic("ret", 1, 1, config={"retention.ms": "1500", "segment.ms": "300"}),
            NewTopic("retb", 1, 1, config={"retention.bytes": "3000", "segment.bytes": "1000"}),
        ])
        for f in fs.values():
            f.result(10)
        bad = admin.create_topics([NewTopic("bad", 1, 1, config={"cleanup.policy": "sometimes"})])["bad"]
        try:
            bad.result(10)
            raise AssertionError("an invalid config was accepted")
        except Exception as e:
            check("INVALID_CONFIG" in str(e) or "nvalid" in str(e), "unexpected error %s" % e)
        res = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, "cmp")])
        cfg = list(res.values())[0].result(10)
        check(cfg["cleanup.policy"].value == "compact" and not cfg["cleanup.policy"].is_default, cfg["cleanup.policy"])
        check(cfg["retention.bytes"].value == "-1" and cfg["retention.bytes"].is_default, cfg["retention.bytes"])

        p = Producer({"bootstrap.servers": b.bootstrap, "linger.ms": 0})
        latest = {}

        def dr(err, msg):
            check(err is None, "delivery failed: %s" % err)
            if msg.topic() == "cmp":
                latest[msg.key().decode()] = (msg.offset(), msg.value().decode() if msg.value() is not None else None)

        for r in range(10):
            for k in range(100):
                p.produce("cmp", key=b"k%d" % k, value=b"v%d-%d" % (k, r), on_delivery=dr)
            p.flush()
        for k in range(10):
            p.produce("cmp", key=b"k%d" % k, value=None, on_delivery=dr)
        p.flush()
        want = sorted((o, k, v) for k, (o, v) in latest.items())
        check(len(want) == 100 and sum(1 for x in want if x[2] is None) == 10, "bad expectations %s" % want[:3])
        # cleaned: exactly the latest record per key, at its original offset, tombstones included
        wait_for(lambda: read_all(b.bootstrap, "cmp")[0] == want, "compaction to the latest value per key")
        # tombstones go after delete.retention.ms
        live = [x for x in want if x[2] is not None]
        wait_for(lambda: read_all(b.bootstrap, "cmp")[0] == live, "tombstones to be removed", 60)

        # retention by time: everything old goes, the log start moves to the end
        for i in range(50):
            p.produce("ret", value=b"r%d" % i)
        p.flush()
        got, lo, hi = read_all(b.bootstrap, "ret")
        check(hi == 50, "ret has end offset %d" % hi)
        wait_for(lambda: read_all(b.bootstrap, "ret")[1] == 50, "retention.ms to delete old segments")
        # retention by size: old segments go, the newest ~3000 bytes stay
        for i in range(200):
            p.produce("retb", value=b"%04d" % i + b"x" * 96)
            p.flush()
        def trimmed():
            got, lo, hi = read_all(b.bootstrap, "retb")
            return lo > 0 and (got, lo, hi)
        got, lo, hi = wait_for(trimmed, "retention.bytes to delete old segments")
        check(hi == 200 and got and got[-1][0] == 199 and got[0][0] == lo, "retb: lo %d hi %d" % (lo, hi))
        check(len(got) >= 20, "retention.bytes kept only %d records" % len(got))
        # delete a topic
        admin.delete_topics(["ret"])["ret"].result(10)
        md = admin.list_topics(timeout=10)
        check("ret" not in md.topics and "cmp" in md.topics, "topics after delete: %s" % list(md.topics))
        check(not os.path.exists(os.path.join(tmp, "broker", "topics", "ret")), "ret's directory is still there")
        b.stop()
        print("ok: compacted to %d keys, retention trimmed retb to offsets %d-%d" % (len(live), lo, hi))
    finally:
        b.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
