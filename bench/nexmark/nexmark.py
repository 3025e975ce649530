#!/usr/bin/env python3
"""nexmark.py: the driver of bench/nexmark/run (see README there). Runs, in order:
generator statistics, micro-benchmark ceilings (JSON decode of a bid, state cache update, the
broker's fsync group commit), Mode C (in-process engine, nexmark_engine), Mode A (pre-loaded
topics on the bundled broker, queries over REST, output topic watched), the librdkafka
passthrough baseline on the same topics, Mode B (generator at 50 % and 80 % of Mode A's q0 rate,
output latency), then writes bench/results/<date>-<commit>.md and .json."""
import argparse
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import report  # noqa: E402

QUERIES = ["q0", "q1", "q2", "q3", "q4", "q5", "q7", "q8", "q11", "q12", "q13", "q14", "q16", "q17", "q18",
           "q19", "q20", "q21", "q22", "bids_by_auction"]
# Mode A outputs that do not depend on how the engine interleaves its input topics: the
# single-source stateless queries, and q13 (its side input is loaded before the query starts).
# Their count must equal Mode C's.
DETERMINISTIC_A = {"q0", "q1", "q2", "q14", "q21", "q22", "q13"}
# time limits that keep a whole standard run within its 20 minutes: Mode C stops a query after
# this much engine CPU (its rate stands), Mode A skips a query Mode C's rate says would take longer
MAX_C_CPU = 60
MAX_A_SECONDS = 150


def log(*a):
    print(*a, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def proc_cpu(pid):
    """user+system CPU seconds of a process"""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tck = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tck


def proc_rss_kb(pid, key="VmHWM"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def parse_kv(line):
    out = {}
    for m in re.finditer(r'(\w+)=("([^"]*)"|\S+)', line):
        v = m.group(3) if m.group(3) is not None else m.group(2)
        try:
            v = int(v)
        except ValueError:
            try:
                v = float(v)
            except ValueError:
                pass
        out[m.group(1)] = v
    return out


def statements(path):
    """';'-terminated statements of queries.sql, comments dropped, with their sink names"""
    out, cur = [], []
    for line in open(path):
        if line.strip().startswith("--") or not line.strip():
            continue
        cur.append(line.rstrip("\n"))
        if line.rstrip().endswith(";"):
            text = "\n".join(cur)
            m = re.match(r"\s*CREATE\s+(STREAM|TABLE)\s+(\w+)\s+(?:WITH\s*\([^)]*\)\s*)?AS\b", text, re.I)
            out.append({"text": text, "sink": m.group(2).lower() if m else None,
                        "kind": m.group(1).upper() if m else None})
            cur = []
    return out


class Server:
    def __init__(self, binary, work, partitions):
        self.kport, self.hport = free_port(), free_port()
        self.bootstrap = f"127.0.0.1:{self.kport}"
        self.url = f"http://127.0.0.1:{self.hport}"
        self.log = open(os.path.join(work, "sluiced.log"), "w")
        self.proc = subprocess.Popen(
            [binary, f"--data.dir={work}/data", f"--broker.listeners=PLAINTEXT://{self.bootstrap}",
             f"--listeners={self.url}", f"--num.partitions={partitions}"],
            stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url + "/info", timeout=1).read()
                return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("sluiced did not start")

    def ksql(self, sql, props=None):
        body = json.dumps({"ksql": sql, "streamsProperties": props or {}}).encode()
        req = urllib.request.Request(self.url + "/ksql", data=body,
                                     headers={"Content-Type": "application/vnd.ksql.v1+json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return True, json.loads(r.read())
        except urllib.error.HTTPError as e:
            try:
                return False, json.loads(e.read())
            except Exception:
                return False, {"message": str(e)}
        except Exception as e:
            return False, {"message": str(e)}

    def cpu(self):
        return proc_cpu(self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def run_tool(args, timeout=3600):
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: rc {r.returncode}: {r.stderr[-2000:]}")
    return r.stdout


def timed_tool(args, timeout=3600):
    """runs a tool; returns (stdout, its user+system CPU seconds)"""
    before = os.times()
    out = run_tool(args, timeout)
    after = os.times()
    return out, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def mode_c(tools, sqlfile, events, queries, partitions):
    res = {}
    for q in queries:
        try:
            out = run_tool([tools["engine"], "run", sqlfile, str(events), q, str(partitions), str(MAX_C_CPU)],
                           timeout=3600)
            line = [l for l in out.splitlines() if l.startswith("query=")][-1]
            res[q] = parse_kv(line)
            m = re.search(r"Source `(\w+)` does not exist", str(res[q].get("message", "")))
            up = res.get(m.group(1).lower()) if m else None
            if up is None and m:
                up = mode_c(tools, sqlfile, 0, [m.group(1).lower()], partitions).get(m.group(1).lower())
            if up and up.get("status") == "unsupported":
                res[q]["status"] = "unsupported"
                res[q]["message"] = f"needs {m.group(1).lower()}: {up.get('message')}"
        except Exception as e:  # a crash is a result too
            res[q] = {"query": q, "status": "error", "message": str(e)[-300:]}
        r = res[q]
        if r.get("status") == "ok":
            fed = r.get("events", events)  # fewer when truncated
            r["events_per_s"] = fed / r["seconds"] if r["seconds"] > 0 else 0
            r["events_per_core_s"] = fed / r["cpu"] if r["cpu"] > 0 else 0
            log(f"  C {q:16s} {r['events_per_s']:12,.0f} ev/s {r['events_per_core_s']:12,.0f} ev/core-s "
                f"outputs {r['outputs']:,} rss {r['rss_kb'] // 1024} MiB {('check ' + r['check']) if 'check' in r else ''}"
                f"{' (stopped after %d events)' % fed if r.get('truncated') else ''}")
        else:
            log(f"  C {q:16s} {r.get('status')}: {r.get('message')}")
    return res


def needed_statements(stmts, target):
    """the C*AS statements `target` depends on (upstream sinks), in file order, target last"""
    by_sink = {s["sink"]: s for s in stmts if s["sink"]}
    need, todo = [], [target]
    while todo:
        t = todo.pop()
        if t in need:
            continue
        need.append(t)
        text = by_sink[t]["text"]
        for s in by_sink:
            if s != t and re.search(r"\bFROM\s+%s\b|\bJOIN\s+%s\b" % (s, s), text, re.I):
                todo.append(s)
    return [s for s in stmts if s["sink"] in need]


class FirstFetch(threading.Thread):
    """Polls DESCRIBE <source> EXTENDED (consumer-total-messages of the queries reading it) until
    a query has consumed something: the time of the engine's first fetch, within ~20 ms."""
    SOURCES = ["bid", "auction", "person", "person_t", "auction_t", "bid_pt", "bid_rt"]

    def __init__(self, srv):
        super().__init__(daemon=True)
        self.srv, self.at, self.stop = srv, None, False

    def run(self):
        while not self.stop and self.at is None:
            for src in self.SOURCES:
                ok, body = self.srv.ksql(f"DESCRIBE {src} EXTENDED;")
                stats = json.dumps(body) if ok else ""
                m = re.search(r"consumer-total-messages: (\d+)", stats)
                if m and int(m.group(1)) > 0:
                    self.at = time.time()
                    return
            time.sleep(0.02)


def watch(tools, srv, topic, expect, idle_ms):
    p = subprocess.Popen([tools["load"], "watch", srv.bootstrap, topic, str(expect), str(idle_ms)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p


def finish_watch(p, timeout):
    out, err = p.communicate(timeout=timeout)
    f = out.split()
    if len(f) < 5:
        raise RuntimeError("watcher: " + err[-500:])
    return {"records": int(f[0]), "first": float(f[1]), "last": float(f[2]), "p50_ms": float(f[3]),
            "p99_ms": float(f[4])}


def mode_a(tools, srv, stmts, events, queries, cres, threads, idle_ms):
    res = {}
    props = {"auto.offset.reset": "earliest", "ksql.streams.num.stream.threads": str(threads)}
    for q in queries:
        c = cres.get(q, {})
        if c.get("status") != "ok":
            res[q] = {"status": c.get("status", "skipped"), "message": c.get("message", "Mode C failed")}
            continue
        if c.get("events_per_s") and events / c["events_per_s"] > MAX_A_SECONDS:
            res[q] = {"status": "skipped",
                      "message": f"Mode C's {c['events_per_s']:,.0f} ev/s implies more than {MAX_A_SECONDS} s"}
            log(f"  A {q:16s} skipped: {res[q]['message']}")
            continue
        need = needed_statements(stmts, q)
        sink = [s for s in need if s["sink"] == q][0]
        # Mode C's count is the expected one when it ran every event of a deterministic query
        exact = q in DETERMINISTIC_A and not c.get("truncated") and c.get("outputs") is not None
        expect = c["outputs"] if exact else 0
        topic = q.upper()
        w = watch(tools, srv, topic, expect, idle_ms)
        ff = FirstFetch(srv)
        c0, t0 = srv.cpu(), time.time()
        ok, body = True, None
        for s in need:
            ok, body = srv.ksql(s["text"], props)
            if not ok:
                break
        if not ok:
            w.kill()
            w.wait()
            res[q] = {"status": "error", "message": json.dumps(body)[:300]}
            log(f"  A {q:16s} error: {res[q]['message']}")
            continue
        t_post = time.time()
        ff.start()
        try:
            wr = finish_watch(w, 3600)
        except Exception as e:
            res[q] = {"status": "error", "message": str(e)}
            log(f"  A {q:16s} error: {res[q]['message']}")
            w.kill()
            w.wait()
            srv.ksql("TERMINATE ALL;")
            for s in reversed(need):
                srv.ksql(f"DROP {s['kind']} IF EXISTS {s['sink']} DELETE TOPIC;")
            continue
        finally:
            ff.stop = True
            ff.join()
        # CPU to the watcher's end: it waits a little past the last (or expected) record, when
        # the engine idles
        c1 = srv.cpu()
        # events/s from the engine's first fetch (else its first output record) to the last
        # output record (the expected one when known); with_start_per_s from the first CREATE
        # (group join and task start included)
        t_first = ff.at if ff.at and ff.at <= wr["last"] else wr["first"]
        secs = wr["last"] - t_first
        r = {"status": "ok", "outputs": wr["records"], "seconds": secs, "cpu": c1 - c0,
             "first_output_s": wr["first"] - t0 if wr["records"] else None, "start_s": t_post - t0,
             "first_fetch_s": ff.at - t0 if ff.at else None,
             "events_per_s": events / secs if secs > 0 else 0,
             "with_start_per_s": events / (wr["last"] - t0) if wr["last"] > t0 else 0,
             "events_per_core_s": events / (c1 - c0) if c1 > c0 else 0,
             "rss_kb": proc_rss_kb(srv.proc.pid, "VmRSS"), "rss_hwm_kb": proc_rss_kb(srv.proc.pid)}
        if exact:
            r["check"] = "pass" if wr["records"] == c["outputs"] else "FAIL"
            r["expected"] = c["outputs"]
        res[q] = r
        log(f"  A {q:16s} {r['events_per_s']:12,.0f} ev/s {r['events_per_core_s']:12,.0f} ev/core-s "
            f"outputs {r['outputs']:,} in {secs:.2f} s (first fetch after {r['first_fetch_s'] or -1:.2f} s, "
            f"first output after {r['first_output_s'] or 0:.2f} s) "
            f"{('check ' + r['check']) if 'check' in r else ''}")
        if q == "bids_by_auction":
            r["pull"] = pull_queries(srv, events)
            p = r["pull"]
            log(f"  pull point lookups on {q}: {p['queries']} in {p['seconds']:.1f} s = {p['qps']:,.0f} QPS "
                f"(1 client), p50 {p['p50_ms']:.2f} ms p99 {p['p99_ms']:.2f} ms, {p['found']} found {p['error']}")
        srv.ksql("TERMINATE ALL;")
        for s in reversed(need):
            srv.ksql(f"DROP {s['kind']} IF EXISTS {s['sink']} DELETE TOPIC;")
    return res


def pull_queries(srv, events, n=2000):
    """SELECT * FROM bids_by_auction WHERE auction = ? over REST /query, one client, keys spread
    over the auctions the run opened (hot ones included); latency per request"""
    import random
    rnd = random.Random(7)
    auctions = max(1, events * 3 // 50)
    lat, found, first_error = [], 0, ""
    t0 = time.time()
    for _ in range(n):
        key = 1000 + rnd.randrange(auctions)
        body = json.dumps({"ksql": f"SELECT * FROM bids_by_auction WHERE auction = {key};",
                           "streamsProperties": {}}).encode()
        req = urllib.request.Request(srv.url + "/query", data=body,
                                     headers={"Content-Type": "application/vnd.ksql.v1+json"})
        a = time.time()
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                text = resp.read().decode()
        except urllib.error.HTTPError as e:
            text = e.read().decode(errors="replace")
        except Exception as e:
            text = str(e)
        if '"row"' in text:
            found += 1
        elif "error" in text and not first_error:
            first_error = text[:300]
        lat.append((time.time() - a) * 1000)
    secs = time.time() - t0
    lat.sort()
    return {"queries": n, "seconds": secs, "qps": n / secs, "found": found,
            "p50_ms": lat[len(lat) // 2], "p99_ms": lat[int(len(lat) * 0.99)], "error": first_error}


def mode_b(tools, srv, stmts, first_event, rate_base, seconds, threads, idle_ms):
    res = {}
    props = {"auto.offset.reset": "latest", "ksql.streams.num.stream.threads": str(threads)}
    # baseline: the broker alone, the generator's bids read back by a plain consumer
    for share in (0.5, 0.8):
        rate = rate_base * share
        n = int(rate * seconds)
        w = subprocess.Popen([tools["load"], "watch-new", srv.bootstrap, "nexmark-bid", "0", str(idle_ms)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while "ready" not in (w.stderr.readline() or "ready"):
            pass
        time.sleep(1)
        c0, t0 = srv.cpu(), time.time()
        out = run_tool([tools["load"], "rate", srv.bootstrap, str(first_event), str(n), str(rate)])
        produced, psecs = out.split()[:2]
        wr = finish_watch(w, 3600)
        first_event += n
        key = f"broker only@{int(share * 100)}"
        res[key] = {"status": "ok", "target_rate": rate, "events": n, "achieved_rate": int(produced) / float(psecs),
                    "outputs": wr["records"], "p50_ms": wr["p50_ms"], "p99_ms": wr["p99_ms"],
                    "cpu": srv.cpu() - c0, "seconds": wr["last"] - t0}
        r = res[key]
        log(f"  B {key:16s} target {rate:10,.0f} ev/s achieved {r['achieved_rate']:10,.0f} "
            f"outputs {r['outputs']:,} p50 {r['p50_ms']:.1f} ms p99 {r['p99_ms']:.1f} ms")
    for q in ["q0_rt", "q2_rt"]:
        for share in (0.5, 0.8):
            rate = rate_base * share
            n = int(rate * seconds)
            need = needed_statements(stmts, q)
            w = watch(tools, srv, q.upper(), 0, idle_ms)
            for s in need:
                ok, body = srv.ksql(s["text"], props)
                if not ok:
                    res[f"{q}@{int(share * 100)}"] = {"status": "error", "message": json.dumps(body)[:300]}
                    break
            time.sleep(6)  # the query's consumer joins its group and seeks to the end first
            c0 = srv.cpu()
            t0 = time.time()
            out = run_tool([tools["load"], "rate", srv.bootstrap, str(first_event), str(n), str(rate)])
            produced, psecs = out.split()[:2]
            wr = finish_watch(w, 3600)
            c1 = srv.cpu()
            first_event += n
            key = f"{q}@{int(share * 100)}"
            res[key] = {"status": "ok", "target_rate": rate, "events": n,
                        "achieved_rate": int(produced) / float(psecs), "outputs": wr["records"],
                        "p50_ms": wr["p50_ms"], "p99_ms": wr["p99_ms"], "cpu": c1 - c0,
                        "seconds": wr["last"] - t0}
            r = res[key]
            log(f"  B {key:16s} target {rate:10,.0f} ev/s achieved {r['achieved_rate']:10,.0f} "
                f"outputs {r['outputs']:,} p50 {r['p50_ms']:.1f} ms p99 {r['p99_ms']:.1f} ms")
            srv.ksql("TERMINATE ALL;")
            for s in reversed(need):
                srv.ksql(f"DROP {s['kind']} IF EXISTS {s['sink']} DELETE TOPIC;")
    return res, first_event


def main():
    global MAX_C_CPU, MAX_A_SECONDS
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--quick", action="store_true", help="1M events")
    ap.add_argument("--queries", default=",".join(QUERIES))
    ap.add_argument("--modes", default="CAB")
    ap.add_argument("--partitions", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-c-cpu", type=float, default=MAX_C_CPU, help="Mode C: engine CPU seconds per query")
    ap.add_argument("--max-a-seconds", type=float, default=MAX_A_SECONDS,
                    help="Mode A: skip a query Mode C's rate says would take longer")
    ap.add_argument("--results", default=None, help="directory of the report (default bench/results)")
    ap.add_argument("--tools", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--src", required=True)
    a = ap.parse_args()
    MAX_C_CPU, MAX_A_SECONDS = a.max_c_cpu, a.max_a_seconds
    events = 1_000_000 if a.quick else a.events
    queries = [q for q in a.queries.split(",") if q]
    tools = {k: os.path.join(a.tools, v) for k, v in
             {"engine": "nexmark_engine", "load": "nexmark_load", "rdbench": "rdbench"}.items()}
    sqlfile = os.path.join(HERE, "queries.sql")
    stmts = statements(sqlfile)
    t_start = time.time()
    results = {"events": events, "partitions": a.partitions, "threads": a.threads, "started": t_start,
               "machine": {"nproc": os.cpu_count(), "cpu": cpu_model()}}
    commit = subprocess.run(["git", "-C", a.src, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    results["commit"] = commit

    log(f"== generator: {events:,} events")
    out, cpu = timed_tool([tools["load"], "stats", str(events)])
    results["generator"] = {k: v for k, v in (l.split() for l in out.splitlines())}
    results["generator"]["cpu"] = cpu
    log("  " + ", ".join(f"{k} {v}" for k, v in results["generator"].items()))

    log("== micro-benchmark ceilings")
    out = run_tool([tools["engine"], "micro", sqlfile, str(min(events, 2_000_000))])
    results["micro"] = {}
    for l in out.splitlines():
        kv = parse_kv(l)
        results["micro"][kv["micro"]] = kv
        log("  " + l)

    if "C" in a.modes:
        log(f"== Mode C (in-process, {a.partitions} partitions, 1 thread)")
        results["mode_c"] = mode_c(tools, sqlfile, events, queries, a.partitions)

    if "A" in a.modes or "B" in a.modes:
        work = tempfile.mkdtemp(prefix="sl-bench-nexmark-")
        srv = None
        try:
            srv = Server(os.path.join(a.bin, "sluiced"), work, a.partitions)
            log(f"== load: {events:,} events into the bundled broker ({a.partitions} partitions)")
            c0 = srv.cpu()
            out, lcpu = timed_tool([tools["load"], "load", srv.bootstrap, str(events), str(a.partitions)])
            n, secs = out.split()[:2]
            results["load"] = {"events": int(n), "seconds": float(secs), "events_per_s": int(n) / float(secs),
                               "broker_cpu": srv.cpu() - c0, "producer_cpu": lcpu,
                               "bytes": int(results["generator"]["bytes"])}
            log(f"  {int(n) / float(secs):,.0f} events/s, {float(secs):.1f} s, broker CPU "
                f"{results['load']['broker_cpu']:.1f} s, producer CPU {lcpu:.1f} s")
            # the side input of q13: 10,000 rows
            run_tool([tools["load"], "side", srv.bootstrap, str(a.partitions)])

            log("== fsync group commit ceiling: 1M x 100 B, acks=all, on the same broker")
            n100 = min(1_000_000, max(100_000, events // 10))
            c0 = srv.cpu()
            out = run_tool([tools["rdbench"], "produce", srv.bootstrap, "fsync-ceiling", str(n100), "100"])
            got, secs = out.split()[:2]
            results["micro"]["broker_produce_100B_acks_all"] = {
                "records": int(got), "seconds": float(secs), "rate": int(got) / float(secs),
                "broker_cpu": srv.cpu() - c0}
            log(f"  {int(got) / float(secs):,.0f} records/s, broker CPU {srv.cpu() - c0:.1f} s")

            log("== librdkafka passthrough (consume the three topics, produce unchanged)")
            c0 = srv.cpu()
            out, pcpu = timed_tool([tools["load"], "pass", srv.bootstrap, "nexmark-pass", str(events)])
            n, secs = out.split()[:2]
            results["passthrough"] = {"events": int(n), "seconds": float(secs),
                                      "events_per_s": int(n) / float(secs), "broker_cpu": srv.cpu() - c0,
                                      "client_cpu": pcpu}
            p = results["passthrough"]
            p["events_per_core_s"] = p["events"] / (p["broker_cpu"] + p["client_cpu"])
            log(f"  {p['events_per_s']:,.0f} events/s, {p['events_per_core_s']:,.0f} events/core-s "
                f"(broker {p['broker_cpu']:.1f} s + client {pcpu:.1f} s CPU)")

            for s in stmts:
                if not s["sink"]:
                    ok, body = srv.ksql(s["text"])
                    if not ok:
                        log("  DDL failed: " + json.dumps(body)[:300])
            if "A" in a.modes:
                log(f"== Mode A (bundled broker, JSON, {a.threads} stream threads)")
                cres = results.get("mode_c") or {q: {"status": "ok"} for q in queries}
                results["mode_a"] = mode_a(tools, srv, stmts, events, queries, cres, a.threads, 3000)
            if "B" in a.modes:
                base = (results.get("mode_a", {}).get("q0", {}) or {}).get("events_per_s") or 200000
                log(f"== Mode B (fixed rate: 50 % and 80 % of Mode A's q0 rate {base:,.0f} ev/s)")
                results["mode_b"], _ = mode_b(tools, srv, stmts, events, base, 10, a.threads, 3000)
        finally:
            if srv:
                srv.stop()
                results["sluiced_log_tail"] = open(os.path.join(work, "sluiced.log")).read()[-3000:]
            shutil.rmtree(work, ignore_errors=True)

    results["seconds"] = time.time() - t_start
    outdir = a.results or os.path.join(a.src, "bench", "results")
    os.makedirs(outdir, exist_ok=True)
    stamp = datetime.datetime.utcnow().strftime("%Y-%m-%d")
    base = os.path.join(outdir, f"{stamp}-{commit}" + ("-quick" if a.quick else f"-{events}"))
    with open(base + ".json", "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    with open(base + ".md", "w") as f:
        f.write(report.markdown(results))
    log(f"== report: {base}.md ({results['seconds']:.0f} s in all)")
    failed = [q for m in ("mode_c", "mode_a") for q, r in results.get(m, {}).items() if r.get("check") == "FAIL"]
    if failed:
        log("correctness checks FAILED: " + ", ".join(failed))
        return 1
    return 0


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


if __name__ == "__main__":
    sys.exit(main())
