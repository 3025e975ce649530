#!/usr/bin/python3
# 0006-broker-robustness: bad clients hurt only themselves. Over raw sockets: a negative or
# oversized frame size, an unknown ApiKey, an unsupported version and a truncated body each close
# that connection only (ApiVersions of an unknown version is answered with error 35 instead);
# a client that pipelines large fetches and never reads does not stall kcat producing and
# consuming next to it; hundreds of idle connections cost little memory.
import os, signal, socket, struct, subprocess, sys, tempfile, time, shutil

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from sluice_e2e import Broker, check  # noqa: E402


def frame(key, version, corr, body=b""):
    hdr = struct.pack(">hhi", key, version, corr) + struct.pack(">h", 4) + b"test"
    return struct.pack(">i", len(hdr) + len(body)) + hdr + body


def closed_by_broker(sock, timeout=10):
    sock.settimeout(timeout)
    try:
        while True:
            d = sock.recv(65536)
            if not d:
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def rss_kb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    tmp = tempfile.mkdtemp(prefix="sl-0006-")
    b = Broker(tmp, "--num.partitions=1")
    socks = []
    try:
        b.start()
        kc = ["kcat", "-b", b.bootstrap]
        payload = "".join("%06d:%s\n" % (i, "y" * 1000) for i in range(20000))
        subprocess.run(kc + ["-P", "-t", "big", "-K:"], input=payload.encode(), check=True, timeout=120)

        def kcat_works(n_expected):
            out = subprocess.run(kc + ["-C", "-t", "big", "-o", "beginning", "-e", "-q", "-f", "%o\n"],
                                 capture_output=True, timeout=60, check=True).stdout.split()
            return len(out) == n_expected

        # 1. malformed frames: each closes only its own connection
        cases = {
            "negative size": struct.pack(">i", -5) + b"abcd",
            "oversized frame": struct.pack(">i", 200 * 1024 * 1024) + b"x" * 100,
            "unknown api key": frame(99, 0, 1),
            "unsupported Fetch version": frame(1, 99, 2),
            "truncated Metadata": frame(3, 4, 3, struct.pack(">i", 5)),
            "tiny frame": struct.pack(">i", 3) + b"abc",
        }
        for name, data in cases.items():
            s = socket.create_connection(("127.0.0.1", b.port))
            s.sendall(data)
            check(closed_by_broker(s), "%s: the broker kept the connection open" % name)
            s.close()
        s = socket.create_connection(("127.0.0.1", b.port))
        s.sendall(frame(18, 7, 42))
        s.settimeout(10)
        resp = s.recv(100)
        size, corr, err = struct.unpack(">iih", resp[:10])
        check(corr == 42 and err == 35, "ApiVersions v7 answered with correlation %d error %d" % (corr, err))
        s.close()
        check(b.proc.poll() is None, "the broker died")
        # 2. a reader that never reads: 200 pipelined fetches of 1 MB each
        fetch = struct.pack(">iiiib", -1, 500, 1, 1 << 20, 0) + struct.pack(">i", 1) + struct.pack(">h", 3) + b"big" + \
            struct.pack(">i", 1) + struct.pack(">iqqi", 0, 0, -1, 1 << 20)
        slow = socket.create_connection(("127.0.0.1", b.port))
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.setblocking(False)
        sent = 0
        for i in range(200):
            try:
                sent += slow.send(frame(1, 5, 1000 + i, fetch))
            except BlockingIOError:
                break
        time.sleep(1)
        check(kcat_works(20000), "kcat could not read next to a stalled reader")
        subprocess.run(kc + ["-P", "-t", "other"], input=b"a\nb\nc\n", check=True, timeout=60)
        out = subprocess.run(kc + ["-C", "-t", "other", "-o", "beginning", "-e", "-q"], capture_output=True,
                             timeout=60, check=True).stdout.split()
        check(out == [b"a", b"b", b"c"], "produce/consume next to a stalled reader gave %s" % out)
        # 3. idle connections
        before = rss_kb(b.proc.pid)
        for _ in range(500):
            s = socket.create_connection(("127.0.0.1", b.port))
            s.sendall(frame(18, 0, 7))
            socks.append(s)
        for s in socks:
            s.settimeout(10)
            check(len(s.recv(4096)) > 0, "an idle connection got no ApiVersions answer")
        time.sleep(0.5)
        grown = rss_kb(b.proc.pid) - before
        check(grown < 500 * 40, "500 idle connections cost %d KB" % grown)
        check(kcat_works(20000), "kcat failed with 500 idle connections open")
        slow.close()
        for s in socks:
            s.close()
        b.stop()
        print("ok: %d KB for 500 idle connections" % grown)
    finally:
        b.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
