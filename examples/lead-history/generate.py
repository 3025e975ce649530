#!/usr/bin/python3
"""lead-history data: the events of six sales leads over a week, and what they must give.

    generate.py                        one record per line, "lead_id|{json}", for `kcat -P -K '|'`
    generate.py --expected LEADS       the LEADS table: one line per lead, fields joined by "|", sorted
    generate.py --expected ASOF        the LEADS_AS_OF_MAR5 table (events up to 2026-03-05 12:00:00)
    generate.py --history LEAD         LEAD's events in order: "event_time|event_type"

A lead's events, in the order they happen (event sourcing: each says what happened, with only the
fields it is about):

    LEAD_INITIALIZED         name, email, source       a lead comes in
    LEAD_CONTACTED           agent                     someone talked to them
    FOLLOW_UP_SET            follow_up_on              a date to call back
    CONTACT_DETAILS_UPDATED  email and/or phone        new contact details
    ORDER_SUBMITTED          order_id, amount          they ordered
    PAYMENT_CONFIRMED        order_id                  they paid: now a customer

The state of a lead folds its events (computed here, independently of the engine): the status is
that of the latest event that sets one (CONTACT_DETAILS_UPDATED does not), every other column is
its latest non-null value, `events` counts them and `updated_at` is the latest event_time. The
records are produced in event_time order, so the topic's order is the events' order.
"""
import json
import sys

AS_OF = "2026-03-05 12:00:00"

STATUS = {
    "LEAD_INITIALIZED": "NEW",
    "LEAD_CONTACTED": "CONTACTED",
    "FOLLOW_UP_SET": "FOLLOW_UP",
    "CONTACT_DETAILS_UPDATED": None,
    "ORDER_SUBMITTED": "ORDER_SUBMITTED",
    "PAYMENT_CONFIRMED": "CUSTOMER",
}

# the columns of the state, after lead_id and status, in the order of setup.sql
COLUMNS = ["name", "email", "phone", "source", "agent", "follow_up_on", "order_id", "amount"]

# (lead, event_time, event_type, fields)
EVENTS = [
    ("lead-1", "2026-03-02 09:14:00", "LEAD_INITIALIZED", {"name": "Ana Lima", "email": "ana@lima.example", "source": "web"}),
    ("lead-2", "2026-03-02 10:02:00", "LEAD_INITIALIZED", {"name": "Ben Okafor", "email": "ben.okafor@mail.example", "source": "fair"}),
    ("lead-1", "2026-03-02 11:30:00", "LEAD_CONTACTED", {"agent": "maria"}),
    ("lead-3", "2026-03-02 15:45:00", "LEAD_INITIALIZED", {"name": "Chen Wei", "email": "chen@wei.example", "source": "referral"}),
    ("lead-2", "2026-03-03 09:05:00", "LEAD_CONTACTED", {"agent": "tom"}),
    ("lead-2", "2026-03-03 09:20:00", "FOLLOW_UP_SET", {"follow_up_on": "2026-03-06"}),
    ("lead-1", "2026-03-03 14:00:00", "ORDER_SUBMITTED", {"order_id": "ord-501", "amount": 1290.0}),
    ("lead-4", "2026-03-03 16:10:00", "LEAD_INITIALIZED", {"name": "Dora Novak", "email": "dora@novak.example", "source": "web"}),
    ("lead-3", "2026-03-04 08:40:00", "LEAD_CONTACTED", {"agent": "maria"}),
    ("lead-2", "2026-03-04 10:15:00", "CONTACT_DETAILS_UPDATED", {"phone": "+49 30 5550142"}),
    ("lead-1", "2026-03-04 12:00:00", "PAYMENT_CONFIRMED", {"order_id": "ord-501"}),
    ("lead-5", "2026-03-04 17:30:00", "LEAD_INITIALIZED", {"name": "Emil Strand", "email": "emil@strand.example", "source": "fair"}),
    ("lead-3", "2026-03-05 09:00:00", "FOLLOW_UP_SET", {"follow_up_on": "2026-03-10"}),
    ("lead-2", "2026-03-05 11:45:00", "CONTACT_DETAILS_UPDATED", {"email": "ben@okafor.example"}),
    # AS_OF falls here
    ("lead-4", "2026-03-05 13:20:00", "LEAD_CONTACTED", {"agent": "tom"}),
    ("lead-2", "2026-03-06 10:00:00", "LEAD_CONTACTED", {"agent": "tom"}),
    ("lead-2", "2026-03-06 10:30:00", "ORDER_SUBMITTED", {"order_id": "ord-502", "amount": 540.5}),
    ("lead-5", "2026-03-06 15:00:00", "LEAD_CONTACTED", {"agent": "maria"}),
    ("lead-3", "2026-03-06 16:20:00", "CONTACT_DETAILS_UPDATED", {"email": "wei.chen@work.example", "phone": "+1 415 5550199"}),
    ("lead-6", "2026-03-07 08:55:00", "LEAD_INITIALIZED", {"name": "Fatima Zahra", "email": "fz@mail.example", "source": "web"}),
    ("lead-4", "2026-03-07 09:30:00", "FOLLOW_UP_SET", {"follow_up_on": "2026-03-12"}),
    ("lead-2", "2026-03-08 09:10:00", "PAYMENT_CONFIRMED", {"order_id": "ord-502"}),
    ("lead-5", "2026-03-09 11:00:00", "ORDER_SUBMITTED", {"order_id": "ord-503", "amount": 75.25}),
]


def fold(until=None):
    """lead -> state dict, from the events with event_time <= until (all when None)."""
    leads = {}
    for lead, t, kind, fields in EVENTS:
        if until is not None and t > until:
            continue
        s = leads.setdefault(lead, {"status": None, "events": 0, "updated_at": None})
        if STATUS[kind] is not None:
            s["status"] = STATUS[kind]
        for k, v in fields.items():
            s[k] = v
        s["events"] += 1
        s["updated_at"] = t
    return leads


def fmt(v):
    return "" if v is None else str(v)


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--expected" and args[1] in ("LEADS", "ASOF"):
        leads = fold(AS_OF if args[1] == "ASOF" else None)
        for lead, s in sorted(leads.items()):
            cols = [lead, s["status"]] + [s.get(c) for c in COLUMNS] + [s["events"], s["updated_at"]]
            print("|".join(fmt(c) for c in cols))
    elif len(args) == 2 and args[0] == "--history":
        for lead, t, kind, _ in EVENTS:
            if lead == args[1]:
                print("%s|%s" % (t, kind))
    elif not args:
        for lead, t, kind, fields in EVENTS:
            value = dict({"event_time": t, "event_type": kind}, **fields)
            print("%s|%s" % (lead, json.dumps(value, separators=(",", ":"))))
    else:
        sys.exit("usage: generate.py [--expected LEADS|ASOF | --history LEAD]")


if __name__ == "__main__":
    main()
