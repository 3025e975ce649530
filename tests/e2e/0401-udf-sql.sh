#!/bin/bash
# 0401-udf-sql.sh: plugin functions in SQL. Loads the example plugins of this build with
# sluice-udf-check and analyzes a script (as `sluiced --check` does) that uses the scalar, the
# aggregate and the table function in push, persistent and pull queries: every statement must be
# valid, a wrong call must fail with the registry's message, and without the plugins the same
# functions must be unknown.
set -euo pipefail
. "$(dirname "$0")/lib/udf.sh"
check="$SLUICE_BIN/sluice-udf-check"

cat >"$tmp/ok.sql" <<'SQL'
CREATE STREAM trips (id STRING KEY, lat1 DOUBLE, lon1 DOUBLE, lat2 DOUBLE, lon2 DOUBLE, note STRING, ms INT)
  WITH (kafka_topic='trips', value_format='JSON', partitions=1);
SELECT id, HAVERSINE_DISTANCE(lat1, lon1, lat2, lon2, 'mi') AS miles FROM trips EMIT CHANGES;
SELECT id, haversine_distance(lat1, lon1, 0, 0) AS km FROM trips WHERE HAVERSINE_DISTANCE(lat1, lon1, lat2, lon2) > 10 EMIT CHANGES;
CREATE STREAM trip_words AS SELECT id, SPLIT_WORDS(note, 3) AS word FROM trips EMIT CHANGES;
CREATE TABLE latency AS SELECT id, APPROX_PERCENTILE(ms, 0.99) AS p99, COUNT(*) AS n FROM trips GROUP BY id EMIT CHANGES;
SELECT id, p99 FROM latency WHERE id = 'a';
SQL
out=$("$check" "$build"/udf/geo.so "$build"/udf/percentile.so "$build"/udf/words.so --check "$tmp/ok.sql" 2>"$tmp/log") ||
        fail "valid script rejected: $out"
grep -qx '0 invalid statement(s)' <<<"$out" || fail "unexpected: $out"
[ "$(grep -c 'loaded plugin' "$tmp/log")" = 3 ] || fail "plugins not loaded: $(cat "$tmp/log")"

cat >"$tmp/bad.sql" <<'SQL'
CREATE STREAM trips (id STRING KEY, lat1 DOUBLE, lon1 DOUBLE, note STRING) WITH (kafka_topic='trips', value_format='JSON', partitions=1);
SELECT HAVERSINE_DISTANCE(lat1, lon1) FROM trips EMIT CHANGES;
SELECT SPLIT_WORDS(lat1) FROM trips EMIT CHANGES;
SQL
set +e
out=$("$check" "$build"/udf/geo.so "$build"/udf/words.so --check "$tmp/bad.sql" 2>/dev/null); rc=$?
set -e
[ "$rc" = 2 ] || fail "bad script exit status $rc: $out"
grep -q "bad.sql:2:.*Function 'HAVERSINE_DISTANCE' does not accept parameters (DOUBLE, DOUBLE)" <<<"$out" || fail "arity: $out"
grep -q "bad.sql:3:.*SPLIT_WORDS" <<<"$out" || fail "type: $out"
grep -qx '2 invalid statement(s)' <<<"$out" || fail "count: $out"

# without the plugin the function is unknown (the refused ABI test plugin adds nothing either)
set +e
out=$("$check" "$build"/tests/udf/abi_major.so --check "$tmp/ok.sql" 2>/dev/null); rc=$?
set -e
[ "$rc" = 2 ] || fail "exit status without plugins: $rc"
grep -qi "functions with the name 'HAVERSINE_DISTANCE'" <<<"$out" || fail "no unknown-function error: $out"
echo ok
