#!/bin/bash
# 0306-rest-inserts-print: POST /inserts-stream and PRINT through sluiced's REST API with curl,
# field by field against ksqlDB's shapes. Inserts: ok acks per row (delimited by default, a JSON
# array with Accept: application/json), column names as ksqlDB reads them (case-insensitive,
# `quoted` exact), InsertError objects for a missing key or a value of the wrong type (the first
# failing row ends the stream: later rows are not written), generic errors for an unknown target or
# a bad first line, 41500 for a wrong content type (nothing written; every POST endpoint also gets
# 40000 for invalid JSON and 41500 for text/plain); the rows land in the topic with the stream's
# formats (read back with a push query and with kcat) next to an INSERT VALUES row. PRINT on
# /query: "Key format:" / "Value
# format:" lines guessed from the bytes, then "rowtime: ..., key: ..., value: ..., partition: N"
# lines, INTERVAL and LIMIT; on /query-stream the delimited lines only (406 for JSON); unknown
# topics get ksqlDB's error with its case suggestion; an endless PRINT shows a record produced while
# it runs.
set -u
. "$(dirname "$0")/lib/server.sh"

sluiced_up
# pycheck WHAT TEXT PYTHON-EXPR: EXPR over t (the text) and lines (its non-empty lines)
pycheck() {
        printf '%s' "$2" | python3 -c '
import json, re, sys
t = sys.stdin.read()
lines = [l for l in t.split("\n") if l]
sys.exit(0 if eval(sys.argv[1]) else 1)' "$3" || fail "$1: $3 on: $2"
}

post -d "{\"ksql\":\"CREATE STREAM s (id BIGINT KEY, name STRING, score DOUBLE, tags ARRAY<STRING>) WITH (kafka_topic='ins', value_format='JSON', partitions=2);\"}" \
        "$URL/ksql" | grep -q '"Stream created"' || fail "create stream"

# --- inserts: delimited acks
out=$(post -D "$DIR/headers" --data-binary $'{"target":"s"}\n{"ID":1,"NAME":"ann","SCORE":1.5,"TAGS":["a","b"]}\n{"id":2,"name":"bob"}\n{"`ID`":3,"`NAME`":"cy","score":3}\n' "$URL/inserts-stream")
pycheck "delimited acks" "$out" "[json.loads(l) for l in lines] == [{'status':'ok','seq':0},{'status':'ok','seq':1},{'status':'ok','seq':2}]"
grep -qi '^Content-Type: application/vnd.ksqlapi.delimited.v1' "$DIR/headers" || fail "acks content type: $(cat "$DIR/headers")"
# JSON acks
out=$(post -H 'Accept: application/json' --data-binary $'{"target":"S"}\n{"ID":4,"NAME":"dee"}\n' "$URL/inserts-stream")
pycheck "json acks" "$out" "json.loads(t) == [{'status':'ok','seq':0}]"
# a failing row ends the stream: row 1 has no key, row 2 is not written
out=$(post --data-binary $'{"target":"s"}\n{"ID":5,"NAME":"eve"}\n{"NAME":"nokey"}\n{"ID":6,"NAME":"never"}\n' "$URL/inserts-stream")
pycheck "missing key" "$out" "[json.loads(l) for l in lines] == [{'status':'ok','seq':0},{'@type':'generic_error','error_code':40000,'message':'Key field must be specified: ID','status':'error','seq':1}]"
out=$(post --data-binary $'{"target":"s"}\n{"ID":"seven"}\n' "$URL/inserts-stream")
pycheck "wrong type" "$out" "len(lines) == 1 and (lambda a: set(a) == {'@type','error_code','message','status','seq'} and a['status'] == 'error' and a['seq'] == 0 and a['error_code'] == 40000 and 'BIGINT' in a['message'])(json.loads(lines[0]))"
out=$(post --data-binary $'{"target":"s"}\n{"ID":8,"id":9}\n' "$URL/inserts-stream")
pycheck "duplicate column" "$out" "json.loads(lines[0])['message'] == 'Found duplicate column / struct field name: ID'"
# request errors
code=$(post -o "$DIR/body" -w '%{http_code}' --data-binary $'{"target":"nope"}\n{"ID":1}\n' "$URL/inserts-stream")
[ "$code" = 400 ] || fail "unknown target: HTTP $code"
pycheck "unknown target" "$(cat "$DIR/body")" "json.loads(t) == {'@type':'generic_error','error_code':40001,'message':'Cannot insert values into an unknown stream/table: NOPE'}"
code=$(post -o "$DIR/body" -w '%{http_code}' --data-binary $'{"stream":"s"}\n{"ID":1}\n' "$URL/inserts-stream")
[ "$code" = 400 ] || fail "no target: HTTP $code"
pycheck "no target" "$(cat "$DIR/body")" "(lambda j: j['@type'] == 'generic_error' and j['error_code'] == 40000 and j['message'])(json.loads(t))"
code=$(post -o "$DIR/body" -w '%{http_code}' --data-binary '' "$URL/inserts-stream")
[ "$code" = 400 ] || fail "empty inserts body: HTTP $code"

code=$(post -o "$DIR/body" -w '%{http_code}' --data-binary $'{"target":\n{"ID":1}\n' "$URL/inserts-stream")
[ "$code" = 400 ] || fail "bad first line: HTTP $code"
pycheck "bad first line" "$(cat "$DIR/body")" "(lambda j: j['@type'] == 'generic_error' and j['error_code'] == 40000)(json.loads(t))"
# every POST endpoint: invalid JSON is 40000, a wrong content type 41500, both ksqlDB's generic_error
for ep in /ksql /query /query-stream /close-query; do
        code=$(post -o "$DIR/body" -w '%{http_code}' -d '{"ksql": ' "$URL$ep")
        [ "$code" = 400 ] || fail "$ep invalid JSON: HTTP $code"
        pycheck "$ep invalid JSON" "$(cat "$DIR/body")" "(lambda j: set(j) == {'@type','error_code','message'} and j['@type'] == 'generic_error' and j['error_code'] == 40000)(json.loads(t))"
done
for ep in /ksql /query /query-stream /close-query /inserts-stream; do
        code=$(curl -s -o "$DIR/body" -w '%{http_code}' -X POST -H 'Content-Type: text/plain' \
                --data-binary $'{"target":"s"}\n{"ID":99}\n' "$URL$ep")
        [ "$code" = 415 ] || fail "$ep text/plain: HTTP $code"
        pycheck "$ep text/plain" "$(cat "$DIR/body")" "(lambda j: j['@type'] == 'generic_error' and j['error_code'] == 41500)(json.loads(t))"
done

# INSERT VALUES shares the write path
post -d "{\"ksql\":\"INSERT INTO s (id, name) VALUES (10, 'viv');\"}" "$URL/ksql" | grep -q '^\[\]$' || fail "insert values"

# the rows as a push query reads them back (ids 1 2 3 4 5 10; 6 was never written)
out=$(post -m 60 -H 'Accept: application/json' \
        -d '{"sql":"SELECT * FROM s EMIT CHANGES LIMIT 6;","properties":{"auto.offset.reset":"earliest"}}' "$URL/query-stream")
pycheck "rows read back" "$out" "sorted(json.loads(t)[1:]) == [[1,'ann',1.5,['a','b']],[2,'bob',None,None],[3,'cy',3.0,None],[4,'dee',None,None],[5,'eve',None,None],[10,'viv',None,None]]"
n=$(kcat -C -b 127.0.0.1:$KAFKA -t ins -e -q -f '%p\n' 2>/dev/null | wc -l)
[ "$n" = 6 ] || fail "the topic holds $n records, expected 6"

# --- PRINT on /query: formats, then every record
out=$(post -m 60 -D "$DIR/headers" -d '{"ksql":"PRINT ins FROM BEGINNING LIMIT 6;"}' "$URL/query")
grep -q '^HTTP/1.1 200' "$DIR/headers" || fail "print status: $(cat "$DIR/headers")"
pycheck "print formats" "$out" "lines[:2] == ['Key format: KAFKA_BIGINT or KAFKA_DOUBLE or KAFKA_STRING', 'Value format: JSON or KAFKA_STRING']"
pycheck "print lines" "$out" "len(lines) == 8 and all(re.fullmatch(r'rowtime: \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{3} Z, key: \d+, value: \{.*\}, partition: [01]', l) for l in lines[2:])"
pycheck "print keys and values" "$out" "sorted((int(re.search(r'key: (\d+),', l).group(1)), json.loads(re.search(r'value: (\{.*\}), partition', l).group(1))['NAME']) for l in lines[2:]) == [(1,'ann'),(2,'bob'),(3,'cy'),(4,'dee'),(5,'eve'),(10,'viv')]"
# INTERVAL 2 LIMIT 2 on /query-stream: record lines only
out=$(post -m 60 -D "$DIR/headers" -d '{"sql":"PRINT ins FROM BEGINNING INTERVAL 2 LIMIT 2;"}' "$URL/query-stream")
grep -qi '^Content-Type: application/vnd.ksqlapi.delimited.v1' "$DIR/headers" || fail "print content type: $(cat "$DIR/headers")"
pycheck "print interval" "$out" "len(lines) == 2 and all(l.startswith('rowtime: ') for l in lines)"
code=$(post -o /dev/null -w '%{http_code}' -H 'Accept: application/json' -d '{"sql":"PRINT ins FROM BEGINNING LIMIT 1;"}' "$URL/query-stream")
[ "$code" = 406 ] || fail "PRINT with JSON on /query-stream: HTTP $code, expected 406"
# an unquoted topic keeps its case; a near miss is suggested
code=$(post -o "$DIR/body" -w '%{http_code}' -d '{"ksql":"PRINT INS;"}' "$URL/query")
[ "$code" = 400 ] || fail "print unknown topic: HTTP $code"
pycheck "print unknown topic" "$(cat "$DIR/body")" "json.loads(t) == {'@type':'generic_error','error_code':40000,'message':\"Could not find topic 'INS', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.\nDid you mean:\n\tprint ins;\"}"
code=$(post -o /dev/null -w '%{http_code}' -d '{"ksql":"PRINT ins INTERVAL 0;"}' "$URL/query")
[ "$code" = 400 ] || fail "INTERVAL 0: HTTP $code"

# string keys and a raw value through kcat; an endless PRINT sees a record produced while it runs
printf 'k1:plain text\n' | kcat -P -b 127.0.0.1:$KAFKA -t raw -K: || fail "kcat"
curl -s -N -X POST -H 'Content-Type: application/json' -d "{\"ksql\":\"PRINT 'raw' FROM BEGINNING;\"}" \
        "$URL/query" >"$DIR/endless" &
CURL=$!
for _ in $(seq 100); do grep -q 'key: k1, value: plain text' "$DIR/endless" && break; sleep 0.1; done
printf 'k2:{"a":1}\n' | kcat -P -b 127.0.0.1:$KAFKA -t raw -K: || fail "kcat"
for _ in $(seq 100); do grep -q 'key: k2, value: {"a":1}' "$DIR/endless" && break; sleep 0.1; done
kill "$CURL"; wait "$CURL" 2>/dev/null; CURL=
out=$(cat "$DIR/endless")
pycheck "endless print" "$out" "lines[0] == 'Key format: KAFKA_STRING' and lines[1] == 'Value format: KAFKA_STRING' and lines[2].endswith(', key: k1, value: plain text, partition: 0') and lines[3].endswith(', key: k2, value: {\"a\":1}, partition: 0')"

kill "$PID"; wait "$PID"; RC=$?; PID=
[ "$RC" = 0 ] || fail "sluiced exited with $RC on SIGTERM"
echo "0306-rest-inserts-print: ok"
