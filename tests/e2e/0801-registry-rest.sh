#!/bin/bash
# 0801-registry-rest: the schema registry sluiced serves, with curl: registration (idempotent, a
# shared id across subjects), lookup, schemas by id, versions and latest, the compatibility check
# endpoint, global and subject config, soft and permanent deletes, the registry's error codes
# (40401, 40402, 40403, 42201, 42202, 42203, 409) and content type; then sluiced is killed with -9
# and restarted on the same data dir: every subject, version, id and level is still there (the
# _schemas topic), and new registrations continue the id sequence.
. "$(dirname "$0")/lib-engine.sh"

REG=http://127.0.0.1:$(free_port)
start_engine --schema.registry.listeners=$REG

CT='Content-Type: application/vnd.schemaregistry.v1+json'
# req METHOD PATH [BODY]: sets CODE and OUT
req() {
        local r
        r=$(curl -s -w '\n%{http_code}' -X "$1" -H "$CT" ${3:+--data-binary "$3"} "$REG$2")
        CODE=${r##*$'\n'}
        OUT=${r%$'\n'*}
}
# expect METHOD PATH BODY HTTP JSON: the response status and body (compared as JSON)
expect() {
        req "$1" "$2" "$3"
        [ "$CODE" = "$4" ] || fail "$1 $2: HTTP $CODE, want $4: $OUT"
        python3 -c 'import json,sys; a,b=json.loads(sys.argv[1]),json.loads(sys.argv[2]); sys.exit(0 if a==b else 1)' \
                "$OUT" "$5" || fail "$1 $2: $OUT, want $5"
}
# expect_code METHOD PATH BODY HTTP ERROR_CODE: an error response of the registry's shape
expect_code() {
        req "$1" "$2" "$3"
        [ "$CODE" = "$4" ] || fail "$1 $2: HTTP $CODE, want $4: $OUT"
        python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if r["error_code"]==int(sys.argv[2]) and r["message"] else 1)' \
                "$OUT" "$5" || fail "$1 $2: $OUT, want error_code $5"
}
body() { python3 -c 'import json,sys; print(json.dumps({"schema": sys.argv[1]}))' "$1"; }
S1='{"type":"record","name":"r","fields":[{"name":"a","type":"int"}]}'
S2='{"type":"record","name":"r","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}]}'
S3='{"type":"record","name":"r","fields":[{"name":"a","type":"int"},{"name":"c","type":"long"}]}'

expect GET /subjects "" 200 '[]'
expect POST /subjects/t-value/versions "$(body "$S1")" 200 '{"id":1}'
expect POST /subjects/t-value/versions "$(body " $S1 ")" 200 '{"id":1}'
expect POST /subjects/u-value/versions "$(body "$S1")" 200 '{"id":1}'
expect POST /subjects/t-value/versions "$(body "$S2")" 200 '{"id":2}'
expect_code POST /subjects/t-value/versions "$(body "$S3")" 409 409
echo "$OUT" | grep -q 'incompatible with an earlier schema' || fail "409 message: $OUT"
expect_code POST /subjects/t-value/versions "$(body '{"type":"record","name":"r"}')" 422 42201
expect_code POST /subjects/t-value/versions '{"schema":"{not json"}' 422 42201
curl -s -D - -o /dev/null "$REG/subjects" | grep -qi '^content-type: application/vnd.schemaregistry.v1+json' || fail "content type"

expect GET /subjects "" 200 '["t-value","u-value"]'
expect GET /subjects/t-value/versions "" 200 '[1,2]'
expect GET /subjects/t-value/versions/1 "" 200 "$(python3 -c 'import json,sys; print(json.dumps({"subject":"t-value","version":1,"id":1,"schema":json.dumps(json.loads(sys.argv[1]),separators=(",",":"))}))' "$S1")"
req GET /subjects/t-value/versions/latest; echo "$OUT" | grep -q '"version":2' || fail "latest: $OUT"
req GET /subjects/t-value/versions/2/schema; [ "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["fields"][1]["name"])' "$OUT")" = b ] || fail "raw schema: $OUT"
req GET /schemas/ids/2; python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if json.loads(r["schema"])["fields"][1]["name"]=="b" else 1)' "$OUT" || fail "schema by id: $OUT"
expect GET /schemas/ids/1/versions "" 200 '[{"subject":"t-value","version":1},{"subject":"u-value","version":1}]'
expect_code GET /schemas/ids/99 "" 404 40403
expect_code GET /subjects/nope/versions "" 404 40401
expect_code GET /subjects/t-value/versions/7 "" 404 40402
expect_code GET /subjects/t-value/versions/abc "" 422 42202
req POST /subjects/t-value "$(body "$S1")"; echo "$OUT" | grep -q '"version":1' || fail "lookup: $OUT"
expect_code POST /subjects/t-value "$(body '{"type":"string"}')" 404 40403

expect POST /compatibility/subjects/t-value/versions/latest "$(body "$S3")" 200 '{"is_compatible":false}'
expect POST /compatibility/subjects/t-value/versions/latest "$(body '{"type":"record","name":"r","fields":[{"name":"a","type":"long"},{"name":"b","type":"string","default":"y"}]}')" 200 '{"is_compatible":true}'
req POST "/compatibility/subjects/t-value/versions/latest?verbose=true" "$(body "$S3")"
echo "$OUT" | grep -q '"messages":\["' || fail "verbose compatibility: $OUT"

expect GET /config "" 200 '{"compatibilityLevel":"BACKWARD"}'
expect_code GET /config/t-value "" 404 40408
expect GET "/config/t-value?defaultToGlobal=true" "" 200 '{"compatibilityLevel":"BACKWARD"}'
expect_code PUT /config/t-value '{"compatibility":"SIDEWAYS"}' 422 42203
expect PUT /config/t-value '{"compatibility":"NONE"}' 200 '{"compatibility":"NONE"}'
expect POST /subjects/t-value/versions "$(body "$S3")" 200 '{"id":3}'
expect PUT /config '{"compatibility":"FULL_TRANSITIVE"}' 200 '{"compatibility":"FULL_TRANSITIVE"}'

expect DELETE /subjects/u-value "" 200 '[1]'
expect_code GET /subjects/u-value/versions "" 404 40401
expect GET "/subjects?deleted=true" "" 200 '["t-value","u-value"]'
expect DELETE "/subjects/u-value?permanent=true" "" 200 '[1]'
expect DELETE /subjects/t-value/versions/3 "" 200 '3'
expect GET /subjects/t-value/versions "" 200 '[1,2]'

# restart: everything above survives
restart_sluiced -9 sluiced
expect GET /subjects "" 200 '["t-value"]'
expect GET /subjects/t-value/versions "" 200 '[1,2]'
expect GET /config/t-value "" 200 '{"compatibilityLevel":"NONE"}'
expect GET /config "" 200 '{"compatibilityLevel":"FULL_TRANSITIVE"}'
req GET /schemas/ids/3; [ "$CODE" = 200 ] || fail "schema 3 lost: $OUT"
expect POST /subjects/v-value/versions "$(body '{"type":"enum","name":"e","symbols":["A"]}')" 200 '{"id":4}'
echo "PASS"
