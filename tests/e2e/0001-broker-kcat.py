#!/usr/bin/python3
# 0001-broker-kcat: kcat (librdkafka 2.0) against the bundled broker. 100k keyed messages with
# headers go to a 4-partition topic; reading them back must give every message exactly once, in
# order per partition, with key, value, headers and timestamp intact; `kcat -L` must show the
# topic's metadata; ListOffsets by timestamp must find the first message at or after a time.
import json, os, signal, socket, subprocess, sys, tempfile, time, shutil

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sluice_e2e import Broker, check  # noqa: E402

N = 100_000


def main():
    tmp = tempfile.mkdtemp(prefix="sl-0001-")
    b = Broker(tmp, "--num.partitions=4")
    try:
        b.start()
        kc = ["kcat", "-b", b.bootstrap]
        # produce: key "k<i>", value "v<i>-<padding>", two headers that differ per quarter
        # (kcat sets headers per run, so four runs of N/4 messages)
        t0 = int(time.time() * 1000)
        for q in range(4):
            lines = "".join("k%d:v%d-%s\n" % (i, i, "x" * (i % 50)) for i in range(q * N // 4, (q + 1) * N // 4))
            subprocess.run(kc + ["-P", "-t", "t4", "-K:", "-H", "h1=one%d" % q, "-H", "h2=two"],
                           input=lines.encode(), check=True, timeout=300)
        t1 = int(time.time() * 1000)
        # metadata
        md = json.loads(subprocess.run(kc + ["-L", "-J"], capture_output=True, check=True, timeout=60).stdout)
        check(len(md["brokers"]) == 1 and md["brokers"][0]["name"] == b.bootstrap and md["brokers"][0]["id"] == 1, md["brokers"])
        topics = {t["topic"]: t for t in md["topics"]}
        check("t4" in topics, "topic t4 missing from metadata: %s" % md)
        parts = topics["t4"]["partitions"]
        check(sorted(p["partition"] for p in parts) == [0, 1, 2, 3], parts)
        for p in parts:
            check(p["leader"] == 1 and [r["id"] for r in p["replicas"]] == [1] and [r["id"] for r in p["isrs"]] == [1], p)
        # consume everything back
        out = subprocess.run(kc + ["-C", "-t", "t4", "-o", "beginning", "-e", "-f", "%p|%o|%k|%s|%h|%T\n"],
                             capture_output=True, check=True, timeout=300).stdout.decode()
        seen = set()
        last = {}
        by_part = {}
        for line in out.splitlines():
            p, o, k, v, h, ts = line.split("|")
            p, o, ts = int(p), int(o), int(ts)
            i = int(k[1:])
            check(v == "v%d-%s" % (i, "x" * (i % 50)), "value of %s is %r" % (k, v))
            check(h == "h1=one%d,h2=two" % (i * 4 // N), "headers of %s: %r" % (k, h))
            check(t0 - 1000 <= ts <= t1 + 1000, "timestamp %d of %s outside the produce window" % (ts, k))
            check(i not in seen, "duplicate %s" % k)
            seen.add(i)
            check(last.get(p, (-1, -1))[0] < i and last.get(p, (-1, -1))[1] + 1 == o,
                  "partition %d out of order at %s offset %d" % (p, k, o))
            last[p] = (i, o)
            by_part.setdefault(p, []).append((o, ts))
        check(len(seen) == N, "consumed %d distinct of %d" % (len(seen), N))
        check(len(by_part) == 4, "messages landed in %d partitions" % len(by_part))
        # ListOffsets by timestamp: first offset with ts >= a timestamp from the middle
        p, msgs = max(by_part.items(), key=lambda kv: len(kv[1]))
        target = msgs[len(msgs) // 2][1]
        want = next(o for o, ts in msgs if ts >= target)
        got = subprocess.run(kc + ["-C", "-t", "t4", "-p", str(p), "-o", "s@%d" % target, "-c", "1", "-f", "%o\n"],
                             capture_output=True, check=True, timeout=60).stdout.decode().split()
        check(got == [str(want)], "offset for time %d: got %s want %d" % (target, got, want))
        # restart: data and metadata survive
        b.stop()
        b.start()
        out2 = subprocess.run(kc + ["-C", "-t", "t4", "-o", "beginning", "-e", "-f", "%p|%o|%k|%s|%h|%T\n"],
                              capture_output=True, check=True, timeout=300).stdout.decode()
        check(sorted(out2.splitlines()) == sorted(out.splitlines()), "data changed across a restart")
        b.stop()
        print("ok: %d messages in %s" % (N, {p: len(m) for p, m in sorted(by_part.items())}))
    finally:
        b.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
