#!/usr/bin/python3
"""orders-cqrs data: the order events of a web shop (the write side), and the read models they
must give.

    generate.py                      one record per line, "order_id|{json}", for `kcat -P -K '|'`
    generate.py --expected ORDERS    the ORDERS rows: "order_id|status|customer|state|amount", sorted
    generate.py --expected STATE     the ORDERS_PER_STATE rows: "state|orders|shipped|amount", sorted
    generate.py --expected CUSTOMER  the ORDERS_PER_CUSTOMER rows: "customer|orders|amount", sorted

Deterministic: no randomness, no clock. Orders o-0001..o-0200 are placed by twelve customers who
ship to eight US states. An ORDER_PLACED event carries the customer, the state and the amount;
ORDER_SHIPPED and ORDER_CANCELLED events carry only the order id and their type (an event says
what happened, not the whole order). Every third order is shipped ten
orders later, every seventh that is not shipped is cancelled twenty-five orders later. The read
models count the orders that are not cancelled; amounts are exact (two decimals) and summed here
with Python's Decimal, independently of the engine.
"""
import json
import sys
from decimal import Decimal

STATES = ["CA", "NY", "TX", "WA", "IL", "FL", "OR", "MA"]
CUSTOMERS = ["c-%02d" % i for i in range(1, 13)]
N = 200


def order(i):
    """Order i's customer, state and amount."""
    customer = CUSTOMERS[(i * 7) % len(CUSTOMERS)]
    home = STATES[CUSTOMERS.index(customer) % len(STATES)]  # ships home, every fifth order elsewhere
    state = home if i % 5 else STATES[(i * 3) % len(STATES)]
    amount = (Decimal((i * 7919) % 48000 + 500) / 100).quantize(Decimal("0.01"))  # 5.00 .. 484.99
    return customer, state, amount


def fate(i):
    """What happens to order i after it is placed, and how many orders later."""
    if i % 3 == 0:
        return "ORDER_SHIPPED", 10
    if i % 7 == 0:
        return "ORDER_CANCELLED", 25
    return None, 0


def events():
    """(order id, event type, customer, state, amount) in the order they happen."""
    due = {}  # placing order number -> [(order, event)]
    out = []
    for i in range(1, N + 1 + 25):
        if i <= N:
            customer, state, amount = order(i)
            out.append(("o-%04d" % i, "ORDER_PLACED", customer, state, amount))
            kind, later = fate(i)
            if kind:
                due.setdefault(i + later, []).append(i)
        for j in due.pop(i, []):
            out.append(("o-%04d" % j, fate(j)[0], None, None, None))
    return out


def orders():
    """order id -> [status, customer, state, amount]: the latest event type, the latest non-null fields."""
    rows = {}
    for oid, kind, customer, state, amount in events():
        r = rows.setdefault(oid, [None, None, None, None])
        r[0] = kind
        for k, v in ((1, customer), (2, state), (3, amount)):
            if v is not None:
                r[k] = v
    return rows


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--expected" and args[1] in ("ORDERS", "STATE", "CUSTOMER"):
        rows = orders()
        if args[1] == "ORDERS":
            for oid, (status, customer, state, amount) in sorted(rows.items()):
                print("%s|%s|%s|%s|%s" % (oid, status, customer, state, amount))
            return
        models = {}
        for status, customer, state, amount in rows.values():
            if status == "ORDER_CANCELLED":
                continue
            m = models.setdefault(state if args[1] == "STATE" else customer, [0, 0, Decimal("0.00")])
            m[0] += 1
            m[1] += status == "ORDER_SHIPPED"
            m[2] += amount
        for key, (n, shipped, amount) in sorted(models.items()):
            if args[1] == "STATE":
                print("%s|%d|%d|%s" % (key, n, shipped, amount))
            else:
                print("%s|%d|%s" % (key, n, amount))
    elif not args:
        for oid, kind, customer, state, amount in events():
            value = {"event_type": kind}
            if kind == "ORDER_PLACED":
                value.update(customer_id=customer, state=state, amount=float(amount))
            print("%s|%s" % (oid, json.dumps(value, separators=(",", ":"))))
    else:
        sys.exit("usage: generate.py [--expected ORDERS|STATE|CUSTOMER]")


if __name__ == "__main__":
    main()
