#!/usr/bin/python3
"""clickstream-sessions data: one morning of page views of four users of a web shop, in the order
they reach the topic, and the windows they must give.

    generate.py                      one record per line, "user|{json}", for `kcat -P -K '|'`
    generate.py --expected SESSION   USER_SESSIONS:    "user|start|end|views" per session, sorted
    generate.py --expected TUMBLING  VIEWS_PER_10MIN:  "user|start|end|views" per window, sorted
    generate.py --expected HOPPING   VIEWS_HOPPING:    "user|start|end|views" per window, sorted
    generate.py --dropped KIND       the views KIND drops as too late: "user|view_time|page"

Times are "HH:MM:SS" on 2026-03-02 (UTC) in the output of --expected. The views are listed below in
arrival order, which is not always the order of their view_time: a phone that loses its network
sends its views late. The windows (as in setup.sql): sessions closed after 5 minutes of inactivity,
tumbling windows of 10 minutes, hopping windows of 10 minutes advancing by 5, each with a grace
period of 2 minutes.

The expected windows are computed here, independently of the engine, with the rules of Kafka
Streams that ksqlDB follows, on the one partition of the topic: stream time is the largest
view_time seen so far (including the view at hand); a view is dropped when its window ended at or
before stream time minus the grace period; for a session, when the session it would be part of
(merged with the sessions it bridges) ends before stream time minus the grace period minus the
gap (a session may still grow by a gap). A view takes in every session of the user that ended 5
minutes or less before it or starts 5 minutes or less after it (retention is a day, so none is
forgotten).
"""
import json
import sys

DAY = "2026-03-02"
GRACE = 2 * 60
GAP = 5 * 60
SIZE = 10 * 60
ADVANCE = 5 * 60

# (user, view_time, page) in arrival order
VIEWS = [
    ("alice", "09:00:05", "/home"),
    ("bob",   "09:00:40", "/home"),
    ("alice", "09:01:10", "/search?q=boots"),
    ("bob",   "09:02:15", "/product/17"),
    ("alice", "09:02:50", "/product/42"),
    ("carol", "09:03:30", "/home"),
    ("dave",  "09:04:00", "/home"),
    ("bob",   "09:04:05", "/cart"),
    ("alice", "09:05:20", "/product/42/reviews"),
    ("dave",  "09:06:10", "/search?q=tent"),
    ("carol", "09:07:45", "/deals"),
    ("alice", "09:08:30", "/cart"),
    # dave leaves for a while: his next view starts a new session
    ("carol", "09:11:00", "/product/8"),
    ("alice", "09:12:40", "/checkout"),
    # out of order: alice's view of 09:11:55 arrives after the one of 09:12:40 (within grace)
    ("alice", "09:11:55", "/checkout/address"),
    ("dave",  "09:13:20", "/product/99"),
    # out of order: dave's view of 09:09:45 arrives at stream time 09:13:20. It bridges his two
    # sessions (they merge into one) and counts in the hopping window 09:05-09:15, but the
    # windows 09:00-09:10 closed at 09:12:00 (end + grace): dropped there
    ("dave",  "09:09:45", "/product/12"),
    ("carol", "09:14:10", "/cart"),
    ("dave",  "09:15:00", "/cart"),
    ("alice", "09:16:30", "/order/confirmed"),
    ("carol", "09:18:20", "/checkout"),
    ("bob",   "09:19:40", "/home"),
    ("carol", "09:21:30", "/order/confirmed"),
    ("bob",   "09:22:05", "/search?q=lamp"),
    # late: carol's view of 09:19:50 arrives at stream time 09:22:05. The tumbling window
    # 09:10-09:20 and the hopping window 09:10-09:20 closed at 09:22:00: dropped there; the
    # hopping window 09:15-09:25 and her session (until 09:21:30) are still open: counted there
    ("carol", "09:19:50", "/cart"),
    ("bob",   "09:24:30", "/product/5"),
    ("alice", "09:26:00", "/home"),
    ("bob",   "09:27:10", "/product/5/reviews"),
    # very late: bob's view of 09:03:00 arrives at stream time 09:27:10, long after every window
    # that could hold it closed: dropped everywhere
    ("bob",   "09:03:00", "/product/17/reviews"),
    ("dave",  "09:29:00", "/home"),
    ("alice", "09:31:40", "/account/orders"),
    ("carol", "09:33:15", "/home"),
    ("dave",  "09:35:30", "/product/99"),
    ("bob",   "09:38:00", "/cart"),
    ("alice", "09:45:00", "/home"),
]


def seconds(hms):
    h, m, s = map(int, hms.split(":"))
    return h * 3600 + m * 60 + s


def hms(t):
    return "%02d:%02d:%02d" % (t // 3600, t // 60 % 60, t % 60)


def time_windows(size, advance):
    """(user, start) -> views for tumbling (advance == size) or hopping windows; and the dropped."""
    counts, dropped, stream_time = {}, [], -1
    for user, vt, page in VIEWS:
        ts = seconds(vt)
        stream_time = max(stream_time, ts)
        close = stream_time - GRACE
        start = ts - ts % advance
        kept = False
        while start > ts - size:
            if start + size > close:
                counts[(user, start)] = counts.get((user, start), 0) + 1
                kept = True
            start -= advance
        if not kept:
            dropped.append((user, vt, page))
    return {(u, s, s + size): n for (u, s), n in counts.items()}, dropped


def sessions():
    """(user, start, end) -> views; and the dropped."""
    by_user, dropped, stream_time = {}, [], -1
    for user, vt, page in VIEWS:
        ts = seconds(vt)
        stream_time = max(stream_time, ts)
        close = stream_time - GRACE - GAP
        mine = by_user.setdefault(user, [])
        near = [s for s in mine if s[1] >= ts - GAP and s[0] <= ts + GAP]
        start = min([ts] + [s[0] for s in near])
        end = max([ts] + [s[1] for s in near])
        if end < close:
            dropped.append((user, vt, page))
            continue
        for s in near:
            mine.remove(s)
        mine.append((start, end, 1 + sum(s[2] for s in near)))
    return {(u, s, e): n for u, ss in by_user.items() for s, e, n in ss}, dropped


def compute(kind):
    if kind == "SESSION":
        return sessions()
    if kind == "TUMBLING":
        return time_windows(SIZE, SIZE)
    if kind == "HOPPING":
        return time_windows(SIZE, ADVANCE)
    sys.exit("unknown window kind %s" % kind)


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--expected":
        for (user, start, end), n in sorted(compute(args[1])[0].items()):
            print("%s|%s|%s|%d" % (user, hms(start), hms(end), n))
    elif len(args) == 2 and args[0] == "--dropped":
        for user, vt, page in compute(args[1])[1]:
            print("%s|%s|%s" % (user, vt, page))
    elif not args:
        for user, vt, page in VIEWS:
            value = {"page": page, "view_time": "%s %s" % (DAY, vt)}
            print("%s|%s" % (user, json.dumps(value, separators=(",", ":"))))
    else:
        sys.exit("usage: generate.py [--expected|--dropped SESSION|TUMBLING|HOPPING]")


if __name__ == "__main__":
    main()
