"""report.py: the markdown report of bench/nexmark from the results dict of nexmark.py, with the
published per-core figures of ../shared/reference/nexmark.md (sections 2.2, 2.3 and 6.3)."""
import datetime
import math

# query -> class of nexmark.md 6.3
CLASS = {
    "q0": "stateless", "q1": "stateless", "q2": "stateless", "q14": "stateless", "q21": "stateless",
    "q22": "stateless",
    "q3": "stream-table join", "q13": "stream-table join", "q20": "stream-table join",
    "q4": "windowed join", "q8": "windowed join",
    "q5": "tumbling/hopping agg", "q7": "tumbling/hopping agg", "q12": "tumbling/hopping agg",
    "q11": "session",
    "q16": "unbounded agg/top-N", "q17": "unbounded agg/top-N", "q18": "unbounded agg/top-N",
    "q19": "unbounded agg/top-N", "bids_by_auction": "unbounded agg/top-N",
}
CLASS_ORDER = ["stateless", "stream-table join", "windowed join", "tumbling/hopping agg", "session",
               "unbounded agg/top-N"]
# ksqlDB per core (nexmark.md 6.3, middle of the range)
KSQLDB = {"stateless": 45_000, "stream-table join": 22_500, "windowed join": 10_000,
          "tumbling/hopping agg": 11_000, "session": 10_000, "unbounded agg/top-N": 10_000}
# Flink 2.0, nexmark V2, per core (nexmark.md 2.2)
FLINK2 = {"q0": 379e3, "q1": 395e3, "q2": 414e3, "q3": 219e3, "q4": 28e3, "q5": 75e3, "q7": 23e3, "q8": 162e3,
          "q11": 46e3, "q12": 194e3, "q13": 188e3, "q14": 259e3, "q16": 45e3, "q17": 161e3, "q18": 65e3,
          "q19": 43e3, "q20": 18e3, "q21": 147e3, "q22": 212e3}
# DBSP per core, the upper end of the published range (nexmark.md 2.3)
DBSP = {"q0": 1_173e3, "q1": 1_093e3, "q2": 1_094e3, "q3": 1_008e3, "q4": 738e3, "q5": 868e3, "q21": 430e3,
        "q22": 340e3}
# targets per core (nexmark.md 6.3)
TARGET_C = {"stateless": 2e6, "stream-table join": 1.5e6, "windowed join": 1e6, "tumbling/hopping agg": 1.3e6,
            "session": 1e6, "unbounded agg/top-N": 0.5e6}
TARGET_A = {"stateless": 1e6, "stream-table join": 0.7e6, "windowed join": 0.4e6, "tumbling/hopping agg": 0.6e6,
            "session": 0.5e6, "unbounded agg/top-N": 0.3e6}


def peer_best(q):
    vals = [v for v in (FLINK2.get(q), DBSP.get(q)) if v]
    return max(vals) if vals else None


def k(v):
    if v is None:
        return "–"
    if v >= 1e6:
        return f"{v / 1e6:.2f} M"
    if v >= 1e3:
        return f"{v / 1e3:.0f} k"
    return f"{v:.0f}"


def ratio(a, b):
    return f"{a / b:.1f}×" if a and b else "–"


def check_c(c):
    if c.get("truncated"):
        return f"stopped at {c.get('events', 0):,} ev"
    return c.get("check", "–")


def gmean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def markdown(r):
    out = []
    w = out.append
    ev = r["events"]
    lim = r.get("limits", {})
    date = datetime.datetime.utcfromtimestamp(r["started"]).strftime("%Y-%m-%d %H:%M UTC")
    w(f"# Nexmark on Sluice — {date}, commit {r['commit']}\n")
    w(f"{ev:,} events (person:auction:bid 1:3:46), {r['partitions']} partitions, "
      f"{r['threads']} stream threads in Mode A; machine: {r['machine']['nproc']} × {r['machine']['cpu']}; "
      f"whole run {r.get('seconds', 0):.0f} s. Produced by `scripts/bench nexmark` (bench/nexmark/README).\n")
    w("Per-core figures are events / CPU-seconds: Mode C the engine process's CPU around the engine calls "
      "(generation excluded), Mode A the CPU of `sluiced` (engine **and** broker) from the query's start to "
      "its last output record (RSS of `sluiced` holds the loaded topics' page cache share too). events/s in Mode A "
      "is events / (last output record − the engine's first fetch, polled through DESCRIBE EXTENDED's "
      "consumer-total-messages every 20 ms); the "
      "last column counts from the query's CREATE instead. "
      f"Time limits (to keep the run short, not measurement): Mode C stops a query after "
      f"{lim.get('max_c_cpu', '?')} engine CPU-seconds, Mode A {lim.get('max_a_seconds', '?')} s after its "
      "first fetch; such a query is measured over the events it got through by then, given in the table "
      "(Mode A's from the records its sources' consumers had read, DESCRIBE EXTENDED), and its outputs "
      "are not checked. "
      "ksqlDB per-core figures are the class estimates of nexmark.md 6.3; the peer best is the best of "
      "Flink 2.0 (V2) and DBSP per core.\n")

    mc, ma = r.get("mode_c", {}), r.get("mode_a", {})
    pt = r.get("passthrough", {})
    w("## Per query\n")
    w("| query | class | C ev/s | C ev/core·s | A ev/s | A ev/core·s | A / passthrough | C / ksqlDB | "
      "A / ksqlDB | C / peer best | peer best | outputs (C) | check C/A | RSS C / A | A ev/s incl. start |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    unsupported = []
    for q in sorted(set(mc) | set(ma), key=lambda x: (CLASS_ORDER.index(CLASS.get(x, "stateless")),
                                                       int(x[1:]) if x[1:].isdigit() else 99)):
        c, a = mc.get(q, {}), ma.get(q, {})
        cls = CLASS.get(q, "?")
        if c.get("status") != "ok":
            unsupported.append((q, c.get("status"), c.get("message")))
            w(f"| {q} | {cls} | {c.get('status')} | | | | | | | | {k(peer_best(q))} | | | |")
            continue
        kq = KSQLDB.get(cls)
        a_ok = a.get("status") == "ok"
        w(f"| {q} | {cls} | {k(c.get('events_per_s'))} | {k(c.get('events_per_core_s'))} | "
          f"{k(a.get('events_per_s')) if a_ok else a.get('status', '–')}"
          f"{' (first %s ev)' % k(a.get('events')) if a.get('capped') else ''} | "
          f"{k(a.get('events_per_core_s')) if a_ok else '–'} | "
          f"{ratio(a.get('events_per_s'), pt.get('events_per_s')) if a_ok else '–'} | "
          f"{ratio(c.get('events_per_core_s'), kq)} | {ratio(a.get('events_per_core_s'), kq) if a_ok else '–'} | "
          f"{ratio(c.get('events_per_core_s'), peer_best(q))} | {k(peer_best(q))} | {c.get('outputs', 0):,} | "
          f"{check_c(c)}/{'stopped' if a.get('capped') else a.get('check', '–')} | "
          f"{c.get('rss_kb', 0) // 1024} / {a.get('rss_kb', 0) // 1024 if a_ok else '–'} MiB | "
          f"{k(a.get('with_start_per_s')) if a_ok else '–'} |")
    w("")

    w("## Per class (geometric mean of the class's supported queries)\n")
    w("| class | queries run | C ev/core·s | A ev/core·s | C / ksqlDB | A / ksqlDB | C / peer best | "
      "target C | target A |")
    w("|---|---|---|---|---|---|---|---|---|")
    for cls in CLASS_ORDER:
        qs = [q for q in CLASS if CLASS[q] == cls]
        ran = [q for q in qs if mc.get(q, {}).get("status") == "ok"]
        gc = gmean([mc[q].get("events_per_core_s") for q in ran])
        ga = gmean([ma.get(q, {}).get("events_per_core_s") for q in ran if ma.get(q, {}).get("status") == "ok"])
        gp = gmean([mc[q]["events_per_core_s"] / peer_best(q) for q in ran if peer_best(q)])
        w(f"| {cls} | {', '.join(ran) or 'none'} of {len(qs)} | {k(gc)} | {k(ga)} | {ratio(gc, KSQLDB[cls])} | "
          f"{ratio(ga, KSQLDB[cls])} | {f'{gp:.1f}×' if gp else '–'} | {k(TARGET_C[cls])} | {k(TARGET_A[cls])} |")
    w("")

    w("## Same-run baselines and ceilings\n")
    m = r.get("micro", {})
    w("| what | figure |")
    w("|---|---|")
    # (what, its figures or None, how they read)
    rows = [
        ("JSON decode of a bid (the bid stream's serde; per CPU-second)", m.get("json_decode_bid"),
         lambda j: f"{k(j['rate'])} records/s, {j['bytes_per_s'] / 1e6:.0f} MB/s"),
        ("state cache update (kv store get+put per bid's auction, 10 MiB cache, commit every 100k; per CPU-second)",
         m.get("state_cache_update"), lambda u: f"{k(u['rate'])} updates/s"),
        ("broker produce 100 B, acks=all, fsync group commit (1 librdkafka producer)",
         m.get("broker_produce_100B_acks_all"), lambda b: f"{k(b['rate'])} records/s (broker CPU {b['broker_cpu']:.1f} s)"),
        ("librdkafka passthrough of the three topics (consume + produce, broker included)", pt or None,
         lambda p: f"{k(p['events_per_s'])} events/s, {k(p['events_per_core_s'])} events/core·s"),
        ("loading the topics (librdkafka producer, acks=all)", r.get("load"),
         lambda lo: f"{k(lo['events_per_s'])} events/s, {lo['bytes'] / 1e6:.0f} MB of JSON"),
    ]
    for what, fig, fmt in rows:
        if fig:
            w(f"| {what} | {fmt(fig)} |")
    g = r.get("generator", {})
    if g:
        w(f"| generator alone (1 core, JSON text) | {k(ev / g['cpu']) if g.get('cpu') else '–'} events/s |")
    w("")
    if g:
        w("## Generator\n")
        w(f"persons {int(g['persons']):,}, auctions {int(g['auctions']):,}, bids {int(g['bids']):,}; average JSON "
          f"person {g['avg_json_person']} B, auction {g['avg_json_auction']} B, bid {g['avg_json_bid']} B; "
          f"delayed {float(g['delayed_share']) * 100:.1f} %; hot auction {float(g['hot_auction_share']) * 100:.1f} %, "
          f"hot bidder {float(g['hot_bidder_share']) * 100:.1f} %, hot channel "
          f"{float(g['hot_channel_share']) * 100:.1f} %; event time span {int(g['event_time_span_ms']) / 1000:.1f} s; "
          f"hash {g['hash']}.\n")

    pq = ma.get("bids_by_auction", {}).get("pull")
    if pq and not pq["found"] and pq.get("error"):
        w("## Pull queries (Mode A, after bids_by_auction caught up)\n")
        w(f"unsupported: {pq['error']}\n")
    elif pq:
        w("## Pull queries (Mode A, after bids_by_auction caught up)\n")
        if pq.get("while_running"):
            w("bids_by_auction had not caught up when Mode A stopped it: the lookups ran while it still ran.\n")
        w(f"`SELECT * FROM bids_by_auction WHERE auction = ?` over REST /query, one Python client, keys over "
          f"the run's auctions: {pq['queries']:,} queries in {pq['seconds']:.1f} s = {pq['qps']:,.0f} QPS, "
          f"p50 {pq['p50_ms']:.2f} ms, p99 {pq['p99_ms']:.2f} ms, {pq['found']:,} found a row "
          f"(client-bound; ksqlDB ~3 k QPS/node, target ≥ 50 k QPS/core).\n")
    mb = r.get("mode_b", {})
    if mb:
        w("## Mode B: fixed input rate, output latency (arrival at the watcher − produce time)\n")
        w("| query @ share of A's q0 rate | target ev/s | achieved ev/s | outputs | p50 ms | p99 ms | sluiced CPU s |")
        w("|---|---|---|---|---|---|---|")
        for key, b in mb.items():
            if b.get("status") != "ok":
                w(f"| {key} | {b.get('status')}: {b.get('message')} | | | | | |")
                continue
            w(f"| {key} | {k(b['target_rate'])} | {k(b['achieved_rate'])} | {b['outputs']:,} | {b['p50_ms']:.1f} | "
              f"{b['p99_ms']:.1f} | {b['cpu']:.1f} |")
        w("")
    phases = r.get("phases")
    if phases:
        total = r.get("seconds") or sum(s for _, s in phases)
        w("## Wall time by phase\n")
        w("| phase | seconds | share |")
        w("|---|---|---|")
        if r.get("tools_seconds") is not None:
            w(f"| building the tools (bench/nexmark/run, before the driver) | {r['tools_seconds']:.0f} | – |")
        for name, secs in phases:
            w(f"| {name} | {secs:.1f} | {100 * secs / total:.0f} % |")
        w(f"| rest (report, between phases) | {total - sum(s for _, s in phases):.1f} | "
          f"{100 * (total - sum(s for _, s in phases)) / total:.0f} % |")
        w(f"| whole driver | {total:.0f} | 100 % |")
        w("")
        w("Per query (s): " + ", ".join(
            f"{q} C {mc.get(q, {}).get('wall_s', 0):.1f} / A {ma.get(q, {}).get('wall_s', 0):.1f}"
            for q in sorted(set(mc) | set(ma), key=lambda x: (CLASS_ORDER.index(CLASS.get(x, "stateless")),
                                                               int(x[1:]) if x[1:].isdigit() else 99))) + "\n")
    if unsupported:
        w("## Not run: the engine's refusal\n")
        for q, st, msg in unsupported:
            w(f"- {q}: {st}: {msg}")
        w("")
    bad = [q for q, a in ma.items() if a.get("status") not in ("ok",) and mc.get(q, {}).get("status") == "ok"]
    if bad:
        w("## Mode A failures\n")
        for q in bad:
            w(f"- {q}: {ma[q].get('status')}: {ma[q].get('message')}")
        w("")
    return "\n".join(out) + "\n"
