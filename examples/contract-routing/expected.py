#!/usr/bin/python3
"""contract-routing expected results, computed from the data files, independently of the engine.

    expected.py 1    the action commands after contracts.txt and events-1.txt
    expected.py 2    all the action commands after contract-changes.txt and events-2.txt too
    expected.py routes 1|2
                     the ROUTES table after contracts.txt (1) or contract-changes.txt too (2):
                     "event_type|contract ids", the ids sorted and joined by ","

One line per command, "contract_id|event_id|consumer|action|subject", sorted. An event gives one
command per contract that is active, for its event type, when the event arrives; an empty value in
contract-changes.txt (a tombstone, produced with kcat -Z) deletes the contract.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def lines(name):
    with open(os.path.join(HERE, name)) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("|")
            yield key, (json.loads(value) if value else None)


def contracts_after(phases):
    contracts = {}
    for contract_file in ["contracts.txt", "contract-changes.txt"][:phases]:
        for cid, c in lines(contract_file):
            if c is None:
                contracts.pop(cid, None)
            else:
                contracts[cid] = c
    return contracts


def routes(phases):
    by_type = {}
    for cid, c in contracts_after(phases).items():
        if c["active"]:
            by_type.setdefault(c["event_type"], []).append(cid)
    return ["%s|%s" % (t, ",".join(sorted(ids))) for t, ids in sorted(by_type.items())]


def commands(phases):
    contracts, out = {}, []
    files = [("contracts.txt", "events-1.txt"), ("contract-changes.txt", "events-2.txt")][:phases]
    for contract_file, event_file in files:
        for cid, c in lines(contract_file):
            if c is None:
                contracts.pop(cid, None)
            else:
                contracts[cid] = c
        for eid, e in lines(event_file):
            for cid, c in sorted(contracts.items()):
                if c["active"] and c["event_type"] == e["event_type"]:
                    out.append("%s|%s|%s|%s|%s" % (cid, eid, c["consumer"], c["action"], e["subject"]))
    return sorted(out)


if __name__ == "__main__":
    if sys.argv[1:] in (["1"], ["2"]):
        print("\n".join(commands(int(sys.argv[1]))))
    elif sys.argv[1:] in (["routes", "1"], ["routes", "2"]):
        print("\n".join(routes(int(sys.argv[2]))))
    else:
        sys.exit("usage: expected.py 1|2 | routes 1|2")
