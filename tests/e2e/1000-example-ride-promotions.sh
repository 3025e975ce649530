#!/bin/bash
# 1000-example-ride-promotions: examples/ride-promotions as its README runs it. The
# QUALIFY_PROMOTION plugin of this build goes into the data dir's udf/, sluiced loads it, the shell
# runs setup.sql, the generator's 217 location updates go in with kcat; then every ride's promotion
# must be the one generate.py --expected computes (itself, in Python): in the table's topic
# (latest value per ride), with a pull query per ride and with a pull query over the table.
. "$(dirname "$0")/lib-engine.sh"
. "$(dirname "$0")/lib/example.sh"

example_start ride-promotions qualify_promotion.so
grep -q "loaded plugin .*qualify_promotion.so (qualify_promotion 1.0.0" "$DIR/sluiced.log" || fail "plugin not loaded"
example_sql "$EX/setup.sql"
grep -q "Created query with ID CTAS_ACTIVE_PROMOTIONS_" "$DIR/setup.out" || fail "setup: $(cat "$DIR/setup.out")"
example_feed locations

EXPECTED=$("$EX/generate.py" --expected)
[ "$(printf '%s\n' "$EXPECTED" | grep -c .)" = 8 ] || fail "generate.py --expected: $EXPECTED"
[ "$EXPECTED" = "$(cat "$EX/expected.txt")" ] || fail "expected.txt is not what generate.py --expected prints"
printf '%s\n' "$EXPECTED" | grep -q '|DETOUR_CREDIT$' && printf '%s\n' "$EXPECTED" | grep -q '|ARRIVAL_OFFER$' &&
        printf '%s\n' "$EXPECTED" | grep -q '|NONE$' || fail "the data does not exercise every promotion"

# the table's topic: the latest value per ride
want=$(printf '%s\n' "$EXPECTED" | sed 's/|\(.*\)/|{"PROMOTION":"\1"}/')
wait_equal "ACTIVE_PROMOTIONS topic" "$want" topic_table ACTIVE_PROMOTIONS

# pull queries, one ride at a time and the whole table
for ride in $(printf '%s\n' "$EXPECTED" | cut -d'|' -f1); do
        got=$(pull_rows "SELECT * FROM active_promotions WHERE ride_id = '$ride';")
        [ "$got" = "$(printf '%s\n' "$EXPECTED" | grep "^$ride|")" ] || fail "pull query for $ride gave: $got"
done
pull_is "SELECT * FROM active_promotions;" "$EXPECTED" "pull query over the table gave"
echo PASS
