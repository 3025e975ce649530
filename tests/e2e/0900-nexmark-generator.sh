#!/bin/bash
# 0900-nexmark-generator.sh: the Nexmark generator of bench/nexmark is deterministic (two runs, one
# hash) and keeps the reference's shape: person:auction:bid exactly 1:3:46, about 10 % delayed
# events, hot auctions/bidders/channels at 1/2, 3/4, 1/2 of the bids, average JSON sizes near the
# reference's, auctions expiring after they open, event time at 100k events per virtual second.
# Then the in-process driver (Mode C) runs q0 and q2 over 20k events against this build's
# libraries and must match its recomputation of every output record.
set -u
src=${SLUICE_SRC:?}
bin=${SLUICE_BIN:?}
build=$(cd "$bin/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
n=50000
cc -O1 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$dir/nexmark_load" "$src/bench/nexmark/nexmark_load.c" \
        "$src/bench/nexmark/nexmark_gen.c" $(pkg-config --cflags --libs rdkafka) -lm || fail "build nexmark_load"
"$dir/nexmark_load" stats $n >"$dir/a" || fail "stats"
"$dir/nexmark_load" stats $n >"$dir/b" || fail "stats again"
cmp -s "$dir/a" "$dir/b" || fail "two runs differ: $(diff "$dir/a" "$dir/b")"
get() { awk -v k="$1" '$1 == k {print $2}' "$dir/a"; }
[[ $(get persons) == $((n / 50)) && $(get auctions) == $((3 * n / 50)) && $(get bids) == $((46 * n / 50)) ]] ||
        fail "proportions: $(cat "$dir/a")"
within() { awk -v v="$(get "$1")" -v lo="$2" -v hi="$3" 'BEGIN{exit !(v >= lo && v <= hi)}' || fail "$1 = $(get "$1") not in [$2, $3]"; }
within delayed_share 0.09 0.11
within hot_auction_share 0.48 0.54
within hot_bidder_share 0.72 0.78
within hot_channel_share 0.47 0.53
within channel_id_share 0.42 0.48
within hot_seller_share 0.70 0.80
within avg_json_person 250 340
within avg_json_auction 550 680
within avg_json_bid 210 280
within event_time_span_ms 400 3600
[[ $(get bad_expires) == 0 ]] || fail "auctions expiring before they open"
"$dir/nexmark_load" stats 1000 | grep -q "^hash $(get hash)$" && fail "hash does not depend on the event count"

# Mode C: the driver against this build's static libraries (sanitized builds: same flags)
libs=()
for m in exec plan sql func serde kafka state types common; do
        [[ -f $build/src/$m/libsl_$m.a ]] || fail "missing $build/src/$m/libsl_$m.a"
        libs+=("$build/src/$m/libsl_$m.a")
done
san=
nm "$build/src/common/libsl_common.a" 2>/dev/null | grep -q __asan && san="-fsanitize=address,undefined"
cc -O1 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror $san -I"$src/src" -I"$src/include" -I"$build/src/sql/gen" \
        -o "$dir/nexmark_engine" "$src/bench/nexmark/nexmark_engine.c" "$src/bench/nexmark/nexmark_gen.c" \
        -Wl,--start-group "${libs[@]}" -Wl,--end-group \
        $(pkg-config --libs rdkafka rocksdb jansson avro-c libcurl) -lpthread -lm || fail "build nexmark_engine"
for q in q0 q2; do
        out=$("$dir/nexmark_engine" run "$src/bench/nexmark/queries.sql" 20000 "$q" 2) || fail "$q: $out"
        grep -q "status=ok" <<<"$out" || fail "$q: $out"
        grep -q "check=pass" <<<"$out" || fail "$q: $out"
done
echo "PASS"
