#!/bin/bash
# 0700-join-stream-table: a stream-table enrichment end to end (issue 8). Auctions go into a
# table, then generated bids are joined with them (LEFT JOIN: bids of unknown auctions keep NULL
# seller and category); the output must equal a recomputation in Python. Then sluiced is killed
# with -9 once everything is committed and restarted: the join's copy of the table comes back from
# its changelog, an auction update and more bids flow, and the whole output still equals the
# recomputation, every bid exactly once.
. "$(dirname "$0")/lib-engine.sh"

start_engine --num.partitions=3 "${FAST_GROUP[@]}"

# auctions FROM TO SELLER_BASE: table records "id|json"
auctions() {
        python3 - "$@" <<'PY'
import json, sys
lo, hi, base = map(int, sys.argv[1:4])
for i in range(lo, hi + 1):
    print('%d|%s' % (i, json.dumps({"SELLER": base + i, "CATEGORY": i % 4})))
PY
}
# bids FROM TO: stream records "auction|json"; auctions 21..25 never exist
bids() {
        python3 - "$@" <<'PY'
import json, sys
for i in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    print('%d|%s' % (i % 25 + 1, json.dumps({"BIDDER": 1000 + i, "PRICE": i * 3})))
PY
}
# expect LAST UPDATE_AT: the enriched bids 1..LAST, computed independently of the engine: bids of
# auctions 1..20 carry seller 100+id and category id%4, except that bids UPDATE_AT.. of auctions
# 1..10 see them re-sold to seller 500+id; bids of auctions 21..25 get NULLs
expect() {
        python3 - "$1" "$2" <<'PY' | sort
import json, sys
last, upd = int(sys.argv[1]), int(sys.argv[2])
for i in range(1, last + 1):
    a = i % 25 + 1
    seller = cat = None
    if a <= 20:
        seller, cat = 100 + a, a % 4
        if i >= upd and a <= 10:
            seller = 500 + a
    out = {"BIDDER": 1000 + i, "PRICE": i * 3, "SELLER": seller, "CATEGORY": cat}
    print("%d|%s" % (a, json.dumps(out, separators=(",", ":"))))
PY
}

ksql "$URL" "CREATE TABLE auctions (id BIGINT PRIMARY KEY, seller BIGINT, category INT)
             WITH (kafka_topic='auctions', key_format='json', value_format='json', partitions=3);"
ksql "$URL" "CREATE STREAM bids (auction BIGINT KEY, bidder BIGINT, price BIGINT)
             WITH (kafka_topic='bids', key_format='json', value_format='json', partitions=3);"
ksql "$URL" "CREATE STREAM enriched WITH (kafka_topic='enriched') AS
             SELECT b.auction AS auction, bidder, price, seller, category
             FROM bids b LEFT JOIN auctions a ON b.auction = a.id EMIT CHANGES;"
QID=$(printf '%s' "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["commandStatus"]["queryId"])') ||
        fail "no query id: $BODY"
# check_enriched LAST UPDATE_AT WHAT: the topic enriched holds exactly expect LAST UPDATE_AT (EXP, N
# and GOT are set), else fails with WHAT
check_enriched() {
        EXP=$(expect "$1" "$2")
        N=$(printf '%s\n' "$EXP" | grep -c .)
        GOT=$(consume "$BS" enriched "$N")
        [ "$GOT" = "$EXP" ] || fail "$3:
--- expected
$EXP
--- got
$GOT"
}
# the table first: a bid joins the auction as of its arrival
auctions 1 20 100 | produce "$BS" auctions
wait_committed "$BS" "_sluice_query_$QID" auctions
bids 1 60 | produce "$BS" bids
check_enriched 60 91 "enriched bids differ"

# kill -9 with everything committed; the restarted query restores the table from its changelog
wait_committed "$BS" "_sluice_query_$QID" bids
restart_sluiced -9 sluiced
auctions 1 10 500 | produce "$BS" auctions
wait_committed "$BS" "_sluice_query_$QID" auctions
bids 61 90 | produce "$BS" bids
check_enriched 90 61 "after the restart the enriched bids differ"
wait_committed "$BS" "_sluice_query_$QID" bids
GOT=$(consume "$BS" enriched "$N")
[ "$GOT" = "$EXP" ] || fail "output changed after the final commit: $GOT"
echo "PASS"
