#!/bin/bash
# engine-pipeline.sh: the CSAS pipeline of 0500 and 0501 (sourced after lib-engine.sh). Input
# records are generated here, and the expected output is computed here in Python, independently of
# the engine: WHERE amount > 20 AND city <> 'x', projection with UCASE, arithmetic, CONCAT and
# CAST, PARTITION BY id (the output key is the id as JSON).

# gen FROM TO: input lines "key|json" for ids FROM..TO
gen() {
        python3 - "$1" "$2" <<'PY'
import json, sys
for i in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    rec = {"id": i, "name": "n%d" % i, "amount": (i * 7) % 50, "city": ["x", "lyon", "oslo"][i % 3]}
    print('"k%d"|%s' % (i, json.dumps(rec)))
PY
}
# expect FROM TO: the output lines "key|json" the query must write for ids FROM..TO, sorted
expect() {
        python3 - "$1" "$2" <<'PY' | sort
import json, sys
for i in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    amount, city = (i * 7) % 50, ["x", "lyon", "oslo"][i % 3]
    if amount > 20 and city != "x":
        out = {"UNAME": "N%d" % i, "DBL": amount * 2, "TAG": "%s-%d" % (city, i)}
        print("%d|%s" % (i, json.dumps(out, separators=(",", ":"))))
PY
}

# pipeline_first URL BOOTSTRAP: input 1..40, the stream, the CSAS, the exact output
pipeline_first() {
        gen 1 40 | produce "$2" input
        ksql "$1" "CREATE STREAM s (k STRING KEY, id INT, name STRING, amount INT, city STRING)
                   WITH (kafka_topic='input', format='json');"
        # EXPLAIN of a CSAS plans it and uses up a query id: the CSAS below gets the next one, and
        # the restart must give it that same id again
        ksql "$1" "EXPLAIN CREATE STREAM tmp AS SELECT k, id FROM s WHERE id > 1;"
        printf '%s' "$BODY" | grep -q 'FILTER' || fail "EXPLAIN: $BODY"
        ksql "$1" "CREATE STREAM out WITH (kafka_topic='output') AS
                   SELECT id, UCASE(name) AS uname, amount * 2 AS dbl, CONCAT(city, '-', CAST(id AS STRING)) AS tag
                   FROM s WHERE amount > 20 AND city <> 'x' PARTITION BY id EMIT CHANGES;"
        printf '%s' "$BODY" | grep -q '"queryId":"CSAS_OUT_1"' || fail "CSAS answer: $BODY"
        EXP=$(expect 1 40)
        N=$(printf '%s\n' "$EXP" | grep -c .)
        [ "$N" -gt 5 ] || fail "expected output too small ($N)"
        GOT=$(consume "$2" output "$N")
        [ "$GOT" = "$EXP" ] || fail "output differs:
--- expected
$EXP
--- got
$GOT"
        # the output topic got the source's partition count
        kcat -L -b "$2" -t output | grep -q "${NPART:-3} partitions" || fail "output partitions: $(kcat -L -b "$2" -t output)"
}

# pipeline_second URL BOOTSTRAP: after the restart: the query is back, input 41..60 appears once
pipeline_second() {
        ksql "$1" "SHOW QUERIES;"
        printf '%s' "$BODY" | grep -q '"id":"CSAS_OUT_1"' || fail "query not restored: $BODY"
        gen 41 60 | produce "$2" input
        EXP=$(expect 1 60)
        N=$(printf '%s\n' "$EXP" | grep -c .)
        GOT=$(consume "$2" output "$N")
        [ "$GOT" = "$EXP" ] || fail "output after restart differs:
--- expected
$EXP
--- got
$GOT"
        # a late duplicate would show up here: the query has caught up with its input
        wait_committed "$2" _sluice_query_CSAS_OUT_1 input
        GOT=$(consume "$2" output "$N")
        [ "$GOT" = "$EXP" ] || fail "output changed after the final commit: $GOT"
}
