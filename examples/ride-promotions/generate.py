#!/usr/bin/python3
"""ride-promotions data: the location updates of eight rides through Berlin, and the promotion each
ride must end with.

    generate.py              one record per line, "ride_id|{json}", for `kcat -P -K '|'`
    generate.py --expected   "ride_id|promotion" per ride, sorted: the final ACTIVE_PROMOTIONS

Deterministic: no randomness, no clock. Each ride follows a list of waypoints; the car reports its
position every 0.4 km or so, with the great-circle distance to the destination in km (3 decimals).
The rides' updates are interleaved, one update of every running ride per tick, and every ride's
updates stay in order (the topic is keyed by ride_id, so they share a partition).

The expected promotions are computed here, from the distances as sent, with the rules that
udf/qualify_promotion.c documents (an independent implementation in Python):
DETOUR_CREDIT when the distances went up by 2 km or more in total, else ARRIVAL_OFFER when the
first distance was 5 km or more and the latest is 1 km or less, else NONE; NULL distances
(GPS lost) are skipped.
"""
import json
import math
import sys

R_KM = 6371.0088

# (ride id, waypoints (lat, lon) from pickup to destination, the last one being the destination,
#  how many positions at the end are not sent (the ride is still on its way), ticks lost to GPS)
RIDES = [
    # Alexanderplatz to Tempelhofer Feld, all the way: a long ride that arrives
    ("ride-1", [(52.5219, 13.4132), (52.5000, 13.4100), (52.4731, 13.4039)], 0, []),
    # Potsdamer Platz to the Brandenburg Gate: a short ride that arrives
    ("ride-2", [(52.5096, 13.3759), (52.5163, 13.3777)], 0, []),
    # Charlottenburg Palace to Ostkreuz, starting west towards Spandau (a detour of 4 km): credit,
    # although the ride arrives
    ("ride-3", [(52.5208, 13.2957), (52.5220, 13.2400), (52.5150, 13.3500), (52.5030, 13.4690)], 0, []),
    # Hauptbahnhof to Schoenefeld, still far from the airport when the data ends
    ("ride-4", [(52.5251, 13.3694), (52.4800, 13.4200), (52.3900, 13.5200)], 12, []),
    # Friedrichshain to Steglitz with a short wrong turn (about 1 km back): it still arrives
    ("ride-5", [(52.5157, 13.4541), (52.4950, 13.4200), (52.5000, 13.4300), (52.4570, 13.3210)], 0, []),
    # Pankow to Kreuzberg, GPS lost three times on the way: arrives
    ("ride-6", [(52.5690, 13.4020), (52.5388, 13.4244), (52.5100, 13.4150), (52.4990, 13.4030)], 0, [3, 4, 9]),
    # Mitte to Neukoelln, one short ride that ends at the door: too short for an offer
    ("ride-7", [(52.5200, 13.4050), (52.4900, 13.4300)], 0, []),
    # Tegel to Spandau and back east: the driver went the wrong way, far: credit, not yet arrived
    ("ride-8", [(52.5588, 13.2884), (52.5400, 13.2000), (52.5500, 13.2600), (52.5300, 13.3500)], 4, []),
]


def haversine(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * R_KM * math.asin(math.sqrt(h))


def positions(waypoints):
    """Points every ~0.4 km along the waypoints, the last being the destination itself."""
    pts = [waypoints[0]]
    for a, b in zip(waypoints, waypoints[1:]):
        steps = max(1, math.ceil(haversine(a, b) / 0.4))
        for i in range(1, steps + 1):
            pts.append((a[0] + (b[0] - a[0]) * i / steps, a[1] + (b[1] - a[1]) * i / steps))
    return pts


def updates(ride):
    """The values of one ride's records, in order."""
    _, waypoints, cut, lost = ride
    dst = waypoints[-1]
    pts = positions(waypoints)
    if cut:
        pts = pts[:-cut]
    out = []
    for i, p in enumerate(pts):
        d = None if i in lost else round(haversine(p, dst), 3)
        out.append({"lat": round(p[0], 5), "lon": round(p[1], 5), "distance_to_dst": d})
    return out


def records():
    per_ride = [(ride[0], updates(ride)) for ride in RIDES]
    tick = 0
    while any(tick < len(u) for _, u in per_ride):
        for rid, u in per_ride:
            if tick < len(u):
                yield rid, u[tick]
        tick += 1


def promotion(distances):
    seen = [d for d in distances if d is not None]
    if not seen:
        return None
    gained = sum(max(0.0, b - a) for a, b in zip(seen, seen[1:]))
    if gained >= 2.0:
        return "DETOUR_CREDIT"
    if seen[0] >= 5.0 and seen[-1] <= 1.0:
        return "ARRIVAL_OFFER"
    return "NONE"


def main():
    if sys.argv[1:] == ["--expected"]:
        for ride in sorted(RIDES):
            print("%s|%s" % (ride[0], promotion([u["distance_to_dst"] for u in updates(ride)])))
    elif not sys.argv[1:]:
        for rid, value in records():
            print("%s|%s" % (rid, json.dumps(value, separators=(",", ":"))))
    else:
        sys.exit("usage: generate.py [--expected]")


if __name__ == "__main__":
    main()
