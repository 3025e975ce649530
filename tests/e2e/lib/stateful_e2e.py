# stateful_e2e: helpers of the 06xx stateful e2e tests: a full sluiced (engine + bundled broker on
# free loopback ports, its own data dir) that can be started, stopped with SIGTERM or killed with
# SIGKILL; POST /ksql; producing JSON events; reading a table's sink topic back as its final
# contents (last record per key, tombstones delete), windowed keys split into key and window.
import json, os, signal, struct, subprocess, sys, time, urllib.request

from confluent_kafka import Consumer, Producer, TopicPartition

from sluice_e2e import BIN, free_port


class Server:
    def __init__(self, datadir, *extra):
        self.dir, self.extra, self.proc = datadir, list(extra), None
        self.http, self.kafka = free_port(), free_port()
        self.url = "http://127.0.0.1:%d" % self.http
        self.bootstrap = "127.0.0.1:%d" % self.kafka

    def start(self):
        self.log = open(os.path.join(self.dir, "sluiced.log"), "ab")
        self.proc = subprocess.Popen(
            [os.path.join(BIN, "sluiced"), "--data.dir=" + os.path.join(self.dir, "data"),
             "--broker.listeners=PLAINTEXT://" + self.bootstrap, "--listeners=" + self.url] + self.extra,
            stdout=self.log, stderr=self.log)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url + "/info", timeout=2).read()
                return
            except OSError:
                if self.proc.poll() is not None:
                    sys.exit("sluiced exited with %s" % self.proc.returncode)
                time.sleep(0.1)
        sys.exit("sluiced did not serve")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            rc = self.proc.wait(60)
            if rc != 0:
                sys.exit("sluiced exited with status %d on SIGTERM" % rc)
        self.proc = None
        text = self.log_text()
        for mark in ("Sanitizer", "runtime error:"):
            if mark in text:
                i = text.index(mark)
                sys.exit("FAIL: sanitizer report in the sluiced log:\n" + text[max(0, i - 200):i + 3000])

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def ksql(self, sql, **props):
        props = dict({"auto.offset.reset": "earliest"}, **{k.replace("_", "."): v for k, v in props.items()})
        body = json.dumps({"ksql": sql, "streamsProperties": props}).encode()
        req = urllib.request.Request(self.url + "/ksql", body, {"Content-Type": "application/vnd.ksql.v1+json"})
        try:
            return json.loads(urllib.request.urlopen(req, timeout=60).read())
        except urllib.error.HTTPError as e:
            sys.exit("POST /ksql %s: HTTP %d %s" % (sql, e.code, e.read().decode()))

    def log_text(self):
        with open(os.path.join(self.dir, "sluiced.log"), "rb") as f:
            return f.read().decode(errors="replace")


def produce(bootstrap, topic, events):
    """events: (key, value dict, timestamp ms), sent in order (acks=all)."""
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    for k, v, ts in events:
        p.produce(topic, key=k.encode(), value=json.dumps(v).encode(), timestamp=ts)
        p.poll(0)
    if p.flush(60) != 0:
        sys.exit("produce to %s did not finish" % topic)


def read_table(bootstrap, topic, window=None):
    """The final contents of a table's topic: {key: value dict}, where key is the KAFKA string key,
    or (key, start, end) for window "time" (end = start + size unknown: None) / "session"."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "e2e-read-%d" % time.time_ns(),
                  "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    table = {}
    try:
        md = c.list_topics(topic, timeout=10)
        if topic not in md.topics or md.topics[topic].error is not None:
            return table
        parts = []
        for p in md.topics[topic].partitions:
            lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            if hi > lo:
                parts.append((p, hi))
        c.assign([TopicPartition(topic, p, 0) for p, _ in parts])
        left = {p: hi for p, hi in parts}
        deadline = time.time() + 30
        while left and time.time() < deadline:
            for m in c.consume(1000, 0.5):
                if m.error():
                    continue
                k = m.key()
                if window == "time":
                    k = (k[:-8].decode(), struct.unpack(">q", k[-8:])[0], None)
                elif window == "session":
                    k = (k[:-16].decode(), struct.unpack(">q", k[-8:])[0], struct.unpack(">q", k[-16:-8])[0])
                else:
                    k = k.decode()
                if m.value() is None:
                    table.pop(k, None)
                else:
                    table[k] = json.loads(m.value())
                if m.offset() + 1 >= left.get(m.partition(), 0):
                    left.pop(m.partition(), None)
    finally:
        c.close()
    return table


def wait_table(bootstrap, topic, expected, window=None, timeout=90):
    """Polls the table until it equals `expected`; returns the last contents read."""
    deadline = time.time() + timeout
    got = None
    while time.time() < deadline:
        got = read_table(bootstrap, topic, window)
        if got == expected:
            return got
        time.sleep(1)
    return got


def diff(got, expected, limit=10):
    lines = []
    for k in sorted(set(got) | set(expected), key=str):
        if got.get(k) != expected.get(k):
            lines.append("  %s: got %s, expected %s" % (k, got.get(k), expected.get(k)))
    return "\n".join(lines[:limit]) + ("\n  ... %d more" % (len(lines) - limit) if len(lines) > limit else "")
