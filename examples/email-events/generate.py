#!/usr/bin/python3
"""email-events data: the event envelopes that the applications of a shop send to its email service
in three hours of a morning, the blocked source addresses, and what the pipeline must make of them.

    generate.py --produce BOOTSTRAP   produces the blocked IPs to `blocked_ips` and the envelopes to
                                      `email_events` (each with its record time), with the bundled
                                      Python client (python3-confluent-kafka)
    generate.py                       prints the envelopes, "record time|event_id|{json}", to read
    generate.py --expected HOURLY     EMAILS_PER_SENDER_HOURLY: "sender|hour start|emails", sorted
    generate.py --expected REJECTED   REJECTED_EMAILS: "event_id|source_ip|reason", sorted (copies too)
    generate.py --expected EXPIRED    the envelopes dropped as expired: "event_id", sorted
    generate.py --expected ACCEPTED   ACCEPTED_EMAILS: "event_id|sender" per record (copies too), sorted
    generate.py --expected COPIES     EMAIL_COPIES: "event_id|copies|sender", sorted

Deterministic: no randomness, no clock. An envelope is created by an application (created_at, ms)
and reaches the topic some seconds or minutes later: its record time. Password resets and login
codes expire (expiration_ms); when the queue was slow they arrive already expired and must be
dropped. Applications retry, so some envelopes arrive twice or three times with the same event_id
(the copies a minute or two apart, in the same hour): an email is counted once. Envelopes from a
blocked source IP are rejected. The expected results are computed here, independently of the
engine: drop when created_at + expiration_ms < record time, reject when the source IP is blocked,
count distinct event ids per sender (the payload's "from") per hour of record time.
"""
import json
import sys

BASE = 1772445600000  # 2026-03-02 10:00:00 UTC in ms
MIN = 60 * 1000

BLOCKED = {
    "203.0.113.66": "credential stuffing",
    "198.51.100.23": "open relay",
}

SENDERS = {
    "billing": ("billing@shop.example", "transactional", "invoice_issued", None, "10.0.3.17"),
    "security": ("security@shop.example", "transactional", "password_reset_requested", 15 * MIN, "10.0.3.21"),
    "login": ("no-reply@shop.example", "transactional", "login_code_requested", 5 * MIN, "10.0.3.21"),
    "news": ("news@shop.example", "marketing", "newsletter_scheduled", None, "10.0.7.40"),
}

RECIPIENTS = ["ana@mail.example", "ben@mail.example", "chen@mail.example", "dora@mail.example",
              "emil@mail.example", "fz@mail.example", "gus@mail.example"]


def envelopes():
    """(record time ms, envelope) in the order they reach the topic."""
    out = []
    kinds = ["billing", "security", "news", "login", "billing", "security", "login"]
    for i in range(1, 64):
        kind = kinds[i % len(kinds)]
        sender, etype, name, expiration, ip = SENDERS[kind]
        created = BASE + i * 170 * 1000  # every 2 min 50 s, 10:02:50 .. 12:58:30
        # the queue: usually 5..40 s, slow (6..13 min) for every ninth envelope
        delay = (6 + i % 11) * MIN if i % 9 == 0 else (5 + (i * 13) % 36) * 1000
        if i % 11 == 0:
            ip = "203.0.113.66"  # a compromised client inside the security app's range
        elif i % 17 == 0:
            ip = "198.51.100.23"
        to = RECIPIENTS[i % len(RECIPIENTS)]
        payload = {"from": sender, "to": to, "subject": "%s #%d" % (name.replace("_", " "), i),
                   "template": name}
        env = {
            "event_id": "evt-%04d" % i,
            "name": name,
            "type": etype,
            "object": "email",
            "payload": json.dumps(payload, separators=(",", ":")),
            "created_at": created,
            "expiration_ms": expiration,
            "country": ["DE", "FR", "PT", "PL"][i % 4],
            "source_ip": ip,
            "user": "app-" + kind,
        }
        out.append((created + delay, env))
        # retries: every eighth envelope is sent again 70 s later, every thirteenth twice more
        if i % 8 == 0:
            out.append((created + delay + 70 * 1000, dict(env)))
        if i % 13 == 0:
            out.append((created + delay + 50 * 1000, dict(env)))
            out.append((created + delay + 110 * 1000, dict(env)))
    out.sort(key=lambda r: (r[0], r[1]["event_id"]))
    return out


def hour_of(ms):
    start = ms - ms % (3600 * 1000)
    return "%02d:00" % (start // (3600 * 1000) % 24)


def expected(what):
    counted, rejected, expired, accepted = {}, [], set(), []
    for rt, env in envelopes():
        exp = env["expiration_ms"]
        if exp is not None and env["created_at"] + exp < rt:
            expired.add(env["event_id"])
            continue
        if env["source_ip"] in BLOCKED:
            rejected.append((env["event_id"], env["source_ip"], BLOCKED[env["source_ip"]]))
            continue
        sender = json.loads(env["payload"])["from"]
        accepted.append((env["event_id"], sender))
        counted.setdefault((sender, hour_of(rt)), set()).add(env["event_id"])
    if what == "HOURLY":
        return ["%s|%s|%d" % (s, h, len(ids)) for (s, h), ids in sorted(counted.items())]
    if what == "ACCEPTED":
        return ["%s|%s" % a for a in sorted(accepted)]
    if what == "COPIES":
        return ["%s|%d|%s" % (e, accepted.count((e, s)), s) for e, s in sorted(set(accepted))]
    if what == "REJECTED":
        return ["%s|%s|%s" % r for r in sorted(rejected)]
    return sorted(expired)


def produce(bootstrap):
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
    for ip, reason in sorted(BLOCKED.items()):
        p.produce("blocked_ips", key=ip, value=json.dumps({"reason": reason}))
    p.flush(30)  # the blocked list is in place before the first envelope
    for rt, env in envelopes():
        p.produce("email_events", key=env["event_id"], value=json.dumps(env, separators=(",", ":")), timestamp=rt)
    if p.flush(30):
        sys.exit("generate.py: records left unsent")


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--produce":
        produce(args[1])
    elif len(args) == 2 and args[0] == "--expected" and args[1] in ("HOURLY", "REJECTED", "EXPIRED", "ACCEPTED", "COPIES"):
        for line in expected(args[1]):
            print(line)
    elif not args:
        for rt, env in envelopes():
            print("%d|%s|%s" % (rt, env["event_id"], json.dumps(env, separators=(",", ":"))))
    else:
        sys.exit("usage: generate.py [--produce BOOTSTRAP | --expected HOURLY|REJECTED|EXPIRED|ACCEPTED|COPIES]")


if __name__ == "__main__":
    main()
