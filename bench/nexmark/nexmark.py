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
# this much engine CPU, Mode A this many seconds after the query's first fetch; either way the rate
# of the events it got through stands, and the report says how many
MAX_C_CPU = 15
MAX_A_SECONDS = 10
MAX_A_SECONDS_QUICK = 6  # the --quick default: its checked queries run to their end anyway
QUICK = 1_000_000
# the bundled broker's group.initial.rebalance.delay.ms: long enough for a query's stream threads,
# started together, to join one generation (a later join re-reads uncommitted records: duplicates)
GROUP_DELAY_MS = 1000
MODE_B_SECONDS = 3


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
    def __init__(self, binary, work, partitions, group_delay_ms):
        self.kport, self.hport = free_port(), free_port()
        self.bootstrap = f"127.0.0.1:{self.kport}"
        self.url = f"http://127.0.0.1:{self.hport}"
        self.log = open(os.path.join(work, "sluiced.log"), "w")
        self.proc = subprocess.Popen(
            [binary, f"--data.dir={work}/data", f"--broker.listeners=PLAINTEXT://{self.bootstrap}",
             f"--listeners={self.url}", f"--num.partitions={partitions}",
             f"--group.initial.rebalance.delay.ms={group_delay_ms}"],
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
        t_q = time.time()
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
        r["wall_s"] = time.time() - t_q
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


SOURCES = ["bid", "auction", "person", "person_t", "auction_t", "bid_pt", "bid_rt"]
# upstream statements that write one record per bid: the downstream query's consumed count over
# the bids is its share of the input (a limit on q7 and q13 counts their last stage)
PER_BID = {"bid_one", "bid13"}


def consumed(srv, sources):
    """{source: records consumed by the queries reading it} from DESCRIBE <source> EXTENDED
    (consumer-total-messages), for the sources some query reads"""
    out = {}
    for src in sources:
        ok, body = srv.ksql(f"DESCRIBE {src} EXTENDED;")
        m = re.search(r"consumer-total-messages: (\d+)", json.dumps(body) if ok else "")
        if m:
            out[src] = int(m.group(1))
    return out


class Phases:
    """wall seconds per phase of the run, in order; printed as each ends"""

    def __init__(self):
        self.rows = []

    def run(self, name, fn, *args):
        t = time.time()
        try:
            return fn(*args)
        finally:
            self.rows.append([name, time.time() - t])
            log(f"  ({name}: {self.rows[-1][1]:.1f} s)")


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


def follow(srv, w, cap_s, gen, upstream):
    """Follows a Mode A query while its watcher runs: polls the engine's consumed count (DESCRIBE
    EXTENDED, every 20 ms until the first fetch, then every 250 ms and only the sources the query
    reads). Returns (watcher result or None, time of the first fetch or None, cap): when the query
    has run cap_s seconds from its first fetch, has not read all its input and the watcher has not
    finished, the watcher is stopped and cap = {"consumed": {source: records}, "at": time of that
    count, "cpu": sluiced CPU then}. `upstream`: the sinks of its upstream statements, polled too."""
    t_first, reading = None, SOURCES + upstream
    got, t_got = {}, None
    while w.poll() is None:
        now = consumed(srv, reading)
        t = time.time()
        if now:
            reading, got, t_got = list(now), now, t
            if t_first is None and max(now.values()) > 0:
                t_first = t
        cap = {"consumed": got, "at": t_got}
        if t_first is not None and t - t_first >= cap_s and capped_events(cap, gen) < int(gen["events"]):
            cap["cpu"] = srv.cpu()
            w.kill()
            w.wait()
            return None, t_first, cap
        time.sleep(0.02 if t_first is None else 0.25)
    return finish_watch(w, 60), t_first, None


def capped_events(cap, gen):
    """the generator events a capped query got through: the share of its source topics' records it
    consumed (each source's count is the records of all the queries reading it, all their sources)
    times the run's events"""
    per = {"bid": int(gen["bids"]), "auction": int(gen["auctions"]), "person": int(gen["persons"])}
    raw = {src: n for src, n in cap["consumed"].items() if src in SOURCES}
    total = sum(next(v for k, v in per.items() if src.startswith(k)) for src in raw)
    share = max(raw.values()) / total if total else 0
    for src in cap["consumed"]:
        if src in PER_BID:
            share = min(share, cap["consumed"][src] / per["bid"])
    return min(int(gen["events"]), int(share * int(gen["events"])))


def drop(srv, need):
    srv.ksql("TERMINATE ALL;")
    for s in reversed(need):
        srv.ksql(f"DROP {s['kind']} IF EXISTS {s['sink']} DELETE TOPIC;")


def mode_a(tools, srv, stmts, events, queries, cres, threads, idle_ms, gen):
    """Mode A, one query (and its upstream statements) at a time. A query that has not finished
    MAX_A_SECONDS after its first fetch is measured over the events it consumed by then (reported
    as "events"); its output count is then not checked. A query whose count is checked always runs
    to its end at the quick size."""
    res = {}
    props = {"auto.offset.reset": "earliest", "ksql.streams.num.stream.threads": str(threads)}
    for q in queries:
        c = cres.get(q, {})
        if c.get("status") != "ok":
            res[q] = {"status": c.get("status", "skipped"), "message": c.get("message", "Mode C failed")}
            continue
        need = needed_statements(stmts, q)
        # Mode C's count is the expected one when it ran every event of a deterministic query
        exact = q in DETERMINISTIC_A and not c.get("truncated") and c.get("outputs") is not None
        expect = c["outputs"] if exact else 0
        t_q = time.time()
        w = watch(tools, srv, q.upper(), expect, idle_ms)
        c0, t0 = srv.cpu(), time.time()
        ok, body = True, None
        for s in need:
            ok, body = srv.ksql(s["text"], props)
            if not ok:
                break
        if not ok:
            w.kill()
            w.wait()
            res[q] = {"status": "error", "message": json.dumps(body)[:300], "wall_s": time.time() - t_q}
            log(f"  A {q:16s} error: {res[q]['message']}")
            drop(srv, need)
            continue
        t_post = time.time()
        try:
            # a checked query runs to its end at the quick size (where the checks belong),
            # and a query behind an upstream that is not PER_BID (q4) too: its progress is unknown
            upstream = [s["sink"] for s in need if s["sink"] != q]
            unknown = any(u not in PER_BID for u in upstream)
            wr, t_ff, cap = follow(srv, w, float("inf") if (exact and events <= QUICK) or unknown else MAX_A_SECONDS,
                                   gen, upstream)
        except Exception as e:
            res[q] = {"status": "error", "message": str(e), "wall_s": time.time() - t_q}
            log(f"  A {q:16s} error: {res[q]['message']}")
            w.kill()
            w.wait()
            drop(srv, need)
            continue
        if cap:
            # stopped after MAX_A_SECONDS: the events consumed by then over the time to then
            n = capped_events(cap, gen)
            secs = cap["at"] - t_ff
            r = {"status": "ok", "capped": True, "events": n, "outputs": None, "seconds": secs,
                 "cpu": cap["cpu"] - c0, "start_s": t_post - t0, "first_fetch_s": t_ff - t0,
                 "first_output_s": None, "events_per_s": n / secs if secs > 0 else 0,
                 "with_start_per_s": n / (cap["at"] - t0),
                 "events_per_core_s": n / (cap["cpu"] - c0) if cap["cpu"] > c0 else 0}
        else:
            # CPU to the watcher's end: it waits a little past the last (or expected) record, when
            # the engine idles
            c1 = srv.cpu()
            # events/s from the engine's first fetch (else its first output record) to the last
            # output record (the expected one when known); with_start_per_s from the first CREATE
            # (group join and task start included)
            t_first = t_ff if t_ff and t_ff <= wr["last"] else wr["first"]
            secs = wr["last"] - t_first
            r = {"status": "ok", "events": events, "outputs": wr["records"], "seconds": secs, "cpu": c1 - c0,
                 "first_output_s": wr["first"] - t0 if wr["records"] else None, "start_s": t_post - t0,
                 "first_fetch_s": t_ff - t0 if t_ff else None,
                 "events_per_s": events / secs if secs > 0 else 0,
                 "with_start_per_s": events / (wr["last"] - t0) if wr["last"] > t0 else 0,
                 "events_per_core_s": events / (c1 - c0) if c1 > c0 else 0}
            if exact:
                r["check"] = "pass" if wr["records"] == c["outputs"] else "FAIL"
                r["expected"] = c["outputs"]
        r["rss_kb"], r["rss_hwm_kb"] = proc_rss_kb(srv.proc.pid, "VmRSS"), proc_rss_kb(srv.proc.pid)
        res[q] = r
        log(f"  A {q:16s} {r['events_per_s']:12,.0f} ev/s {r['events_per_core_s']:12,.0f} ev/core-s "
            + (f"stopped after {secs:.1f} s at {r['events']:,} events " if cap else
               f"outputs {r['outputs']:,} in {secs:.2f} s (first output after {r['first_output_s'] or 0:.2f} s) ")
            + f"(first fetch after {r['first_fetch_s'] or -1:.2f} s) {('check ' + r['check']) if 'check' in r else ''}")
        if q == "bids_by_auction":
            # after the table caught up, or while the query still runs when it was stopped
            r["pull"] = pull_queries(srv, events)
            p = r["pull"]
            p["while_running"] = bool(cap)
            log(f"  pull point lookups on {q}{' (query running)' if cap else ''}: {p['queries']} in "
                f"{p['seconds']:.1f} s = {p['qps']:,.0f} QPS (1 client), p50 {p['p50_ms']:.2f} ms p99 {p['p99_ms']:.2f} ms, {p['found']} found {p['error']}")
        drop(srv, need)
        r["wall_s"] = time.time() - t_q
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
            time.sleep(1.5 + GROUP_DELAY_MS / 1000)  # the query's consumers join their group, seek to the end
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


def setup_topics(tools, srv, events, partitions, results):
    """loads the three topics and q13's side input; returns the load's figures"""
    c0 = srv.cpu()
    out, lcpu = timed_tool([tools["load"], "load", srv.bootstrap, str(events), str(partitions)])
    n, secs = out.split()[:2]
    results["load"] = {"events": int(n), "seconds": float(secs), "events_per_s": int(n) / float(secs),
                       "broker_cpu": srv.cpu() - c0, "producer_cpu": lcpu,
                       "bytes": int(results["generator"]["bytes"])}
    log(f"  {int(n) / float(secs):,.0f} events/s, {float(secs):.1f} s, broker CPU "
        f"{results['load']['broker_cpu']:.1f} s, producer CPU {lcpu:.1f} s")
    # the side input of q13: 10,000 rows
    run_tool([tools["load"], "side", srv.bootstrap, str(partitions)])


def fsync_ceiling(tools, srv, events, results):
    n100 = min(1_000_000, max(100_000, events // 10))
    c0 = srv.cpu()
    out = run_tool([tools["rdbench"], "produce", srv.bootstrap, "fsync-ceiling", str(n100), "100"])
    got, secs = out.split()[:2]
    results["micro"]["broker_produce_100B_acks_all"] = {
        "records": int(got), "seconds": float(secs), "rate": int(got) / float(secs),
        "broker_cpu": srv.cpu() - c0}
    log(f"  {int(got) / float(secs):,.0f} records/s, broker CPU {srv.cpu() - c0:.1f} s")


def passthrough(tools, srv, events, results):
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


def create_sources(srv, stmts):
    for s in stmts:
        if not s["sink"]:
            ok, body = srv.ksql(s["text"])
            if not ok:
                log("  DDL failed: " + json.dumps(body)[:300])


def main():
    global MAX_C_CPU, MAX_A_SECONDS, GROUP_DELAY_MS
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--quick", action="store_true", help="1M events")
    ap.add_argument("--queries", default=",".join(QUERIES))
    ap.add_argument("--modes", default="CAB")
    ap.add_argument("--partitions", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-c-cpu", type=float, default=MAX_C_CPU, help="Mode C: engine CPU seconds per query")
    ap.add_argument("--max-a-seconds", type=float, default=None,
                    help="Mode A: seconds from a query's first fetch after which it is measured over the "
                    f"events it consumed by then (default {MAX_A_SECONDS}, {MAX_A_SECONDS_QUICK} with --quick)")
    ap.add_argument("--group-delay-ms", type=int, default=GROUP_DELAY_MS,
                    help="the broker's group.initial.rebalance.delay.ms")
    ap.add_argument("--b-seconds", type=float, default=MODE_B_SECONDS, help="Mode B: seconds per rate")
    ap.add_argument("--results", default=None, help="directory of the report (default bench/results)")
    ap.add_argument("--tools", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--src", required=True)
    a = ap.parse_args()
    if a.max_a_seconds is None:
        a.max_a_seconds = MAX_A_SECONDS_QUICK if a.quick else MAX_A_SECONDS
    MAX_C_CPU, MAX_A_SECONDS, GROUP_DELAY_MS = a.max_c_cpu, a.max_a_seconds, a.group_delay_ms
    events = QUICK if a.quick else a.events
    queries = [q for q in a.queries.split(",") if q]
    tools = {k: os.path.join(a.tools, v) for k, v in
             {"engine": "nexmark_engine", "load": "nexmark_load", "rdbench": "rdbench"}.items()}
    sqlfile = os.path.join(HERE, "queries.sql")
    stmts = statements(sqlfile)
    t_start = time.time()
    results = {"events": events, "partitions": a.partitions, "threads": a.threads, "started": t_start,
               "machine": {"nproc": os.cpu_count(), "cpu": cpu_model()},
               "limits": {"max_c_cpu": MAX_C_CPU, "max_a_seconds": MAX_A_SECONDS,
                          "group_delay_ms": GROUP_DELAY_MS, "b_seconds": a.b_seconds}}
    if os.environ.get("NEXMARK_TOOLS_SECONDS"):
        results["tools_seconds"] = float(os.environ["NEXMARK_TOOLS_SECONDS"])
    commit = subprocess.run(["git", "-C", a.src, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    results["commit"] = commit
    ph = Phases()

    log(f"== generator: {events:,} events")
    out, cpu = ph.run("generator statistics", timed_tool, [tools["load"], "stats", str(events)])
    results["generator"] = {k: v for k, v in (l.split() for l in out.splitlines())}
    results["generator"]["cpu"] = cpu
    log("  " + ", ".join(f"{k} {v}" for k, v in results["generator"].items()))

    log("== micro-benchmark ceilings")
    out = ph.run("micro ceilings", run_tool, [tools["engine"], "micro", sqlfile, str(min(events, 1_000_000))])
    results["micro"] = {}
    for l in out.splitlines():
        kv = parse_kv(l)
        results["micro"][kv["micro"]] = kv
        log("  " + l)

    if "C" in a.modes:
        log(f"== Mode C (in-process, {a.partitions} partitions, 1 thread, at most {MAX_C_CPU:.0f} CPU-s a query)")
        results["mode_c"] = ph.run("Mode C", mode_c, tools, sqlfile, events, queries, a.partitions)

    if "A" in a.modes or "B" in a.modes:
        work = tempfile.mkdtemp(prefix="sl-bench-nexmark-")
        srv = None
        try:
            srv = ph.run("server start", Server, os.path.join(a.bin, "sluiced"), work, a.partitions,
                         GROUP_DELAY_MS)
            log(f"== load: {events:,} events into the bundled broker ({a.partitions} partitions)")
            ph.run("load", setup_topics, tools, srv, events, a.partitions, results)
            log(f"== fsync group commit ceiling: 100 B records, acks=all, on the same broker")
            ph.run("fsync ceiling", fsync_ceiling, tools, srv, events, results)
            log("== librdkafka passthrough (consume the three topics, produce unchanged)")
            ph.run("passthrough", passthrough, tools, srv, events, results)
            create_sources(srv, stmts)
            if "A" in a.modes:
                log(f"== Mode A (bundled broker, JSON, {a.threads} stream threads, at most {MAX_A_SECONDS:.0f} s "
                    "a query from its first fetch)")
                cres = results.get("mode_c") or {q: {"status": "ok"} for q in queries}
                # 2.5 s of silence ends a query: more than the 2 s commit interval that flushes
                # the last cached results
                results["mode_a"] = ph.run("Mode A", mode_a, tools, srv, stmts, events, queries, cres, a.threads,
                                           2500, results["generator"])
            if "B" in a.modes:
                base = (results.get("mode_a", {}).get("q0", {}) or {}).get("events_per_s") or 200000
                log(f"== Mode B (fixed rate: 50 % and 80 % of Mode A's q0 rate {base:,.0f} ev/s, "
                    f"{a.b_seconds:.0f} s each)")
                # outputs arrive within about a second of their input: 2 s of silence ends a rate
                results["mode_b"], _ = ph.run("Mode B", mode_b, tools, srv, stmts, events, base, a.b_seconds,
                                              a.threads, 2000)
        finally:
            if srv:
                ph.run("server stop", srv.stop)
                results["sluiced_log_tail"] = open(os.path.join(work, "sluiced.log")).read()[-3000:]
            shutil.rmtree(work, ignore_errors=True)

    results["seconds"] = time.time() - t_start
    results["phases"] = ph.rows
    outdir = a.results or os.path.join(a.src, "bench", "results")
    os.makedirs(outdir, exist_ok=True)
    stamp = datetime.datetime.utcnow().strftime("%Y-%m-%d")
    base = os.path.join(outdir, f"{stamp}-{commit}" + ("-quick" if a.quick else f"-{events}"))
    with open(base + ".json", "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    with open(base + ".md", "w") as f:
        f.write(report.markdown(results))
    log("== wall time by phase: " + ", ".join(f"{n} {s:.0f} s" for n, s in ph.rows))
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
