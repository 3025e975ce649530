#!/bin/bash
# 0303-rest-auth-tls: sluiced with `listeners=https://...` (PEM key and certificate) and HTTP basic
# authentication (authentication.method=BASIC, a users file "user: password[,role...]"). Without
# credentials, or with a wrong password or a role not allowed, every endpoint answers 401 with
# ksqlDB's error body and a WWW-Authenticate challenge, and nothing runs (no stream created, no row
# inserted through /inserts-stream, no PRINT started); with them everything works,
# also from the shell (-u/-p); /chc/live stays open for probes; plain http to the TLS port fails.
set -u
. "$(dirname "$0")/lib/server.sh"
command -v openssl >/dev/null || { echo "openssl is missing: cannot make a test certificate"; exit 1; }

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
        -keyout "$DIR/key.pem" -out "$DIR/cert.pem" >/dev/null 2>&1 || fail "openssl could not make a certificate"
printf '# users\nalice: secret,admin\nbob: builder,guest\n' >"$DIR/users"
HTTP=$(free_port)
URL=https://127.0.0.1:$HTTP
sluiced_start "$URL" --ssl.key.location="$DIR/key.pem" --ssl.certificate.location="$DIR/cert.pem" \
        --authentication.method=BASIC --authentication.users.file="$DIR/users" --authentication.roles=admin
C="curl -s --cacert $DIR/cert.pem"
for _ in $(seq 100); do $C -o /dev/null "$URL/chc/live" && break; sleep 0.1; done

create='{"ksql":"CREATE STREAM s (id INT KEY) WITH (kafka_topic='"'"'s'"'"', value_format='"'"'json'"'"', partitions=1);"}'
# post WHO BODY -> "status body"
post() { $C -w ' %{http_code}' -X POST -H 'Content-Type: application/json' ${1:+-u "$1"} -d "$2" "$URL/ksql"; }

out=$(post "" "$create")
[ "${out##* }" = 401 ] || fail "no credentials: $out"
echo "${out% *}" | python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["@type"]=="generic_error" and j["error_code"]==40100, j' \
        || fail "401 body: $out"
$C -D - -o /dev/null "$URL/info" | grep -qi '^WWW-Authenticate: Basic realm="KsqlServer-Props"' || fail "no challenge"
out=$(post "alice:wrong" "$create"); [ "${out##* }" = 401 ] || fail "wrong password: $out"
out=$(post "bob:builder" "$create"); [ "${out##* }" = 401 ] || fail "role not allowed: $out"
out=$(post "alice:secret" '{"ksql":"SHOW STREAMS;"}'); [ "${out##* }" = 200 ] || fail "alice: $out"
echo "${out% *}" | python3 -c 'import json,sys; j=json.load(sys.stdin); assert j[0]["streams"] == [], j' \
        || fail "a refused request ran: $out"
out=$(post "alice:secret" "$create"); [ "${out##* }" = 200 ] || fail "alice create: $out"
# streamed endpoints refuse too, and nothing is written: the topic stays empty until alice inserts
rows='{"target":"s"}
{"ID":1}
'
for who in "" "alice:wrong" "bob:builder"; do
        out=$($C -w ' %{http_code}' -X POST -H 'Content-Type: application/json' ${who:+-u "$who"} --data-binary "$rows" "$URL/inserts-stream")
        [ "${out##* }" = 401 ] || fail "inserts-stream as '$who': $out"
        out=$($C -w ' %{http_code}' -X POST -H 'Content-Type: application/json' ${who:+-u "$who"} -d '{"sql":"PRINT s FROM BEGINNING;"}' "$URL/query-stream")
        [ "${out##* }" = 401 ] || fail "query-stream as '$who': $out"
done
n=$(kcat -C -b 127.0.0.1:$KAFKA -t s -e -q -f '%o\n' 2>/dev/null | wc -l)
[ "$n" = 0 ] || fail "a refused insert wrote $n records"
out=$($C -X POST -H 'Content-Type: application/json' -u alice:secret --data-binary "$rows" "$URL/inserts-stream")
[ "$out" = '{"status":"ok","seq":0}' ] || fail "alice's insert: $out"
n=$(kcat -C -b 127.0.0.1:$KAFKA -t s -e -q -f '%o\n' 2>/dev/null | wc -l)
[ "$n" = 1 ] || fail "alice's insert wrote $n records"
$C -u alice:secret "$URL/info" | grep -q KsqlServerInfo || fail "info over TLS"
[ "$($C -o /dev/null -w '%{http_code}' "$URL/chc/live")" = 200 ] || fail "/chc/live must stay open"
curl -s -o /dev/null "http://127.0.0.1:$HTTP/info" && fail "plain http answered on the TLS port"

# the shell with credentials (it trusts the test certificate through SLUICE_INSECURE)
SLUICE_INSECURE=1 "$BIN/sluice" -u alice -p secret -e "SHOW STREAMS;" "$URL" >"$DIR/out" 2>&1 || fail "shell: $(cat "$DIR/out")"
grep -qF " S           | s           | KAFKA      | JSON         | false" "$DIR/out" || fail "shell output: $(cat "$DIR/out")"
SLUICE_INSECURE=1 "$BIN/sluice" -e "SHOW STREAMS;" "$URL" >"$DIR/out" 2>&1 && fail "shell without credentials succeeded"
grep -q "Unauthorized" "$DIR/out" || fail "shell without credentials: $(cat "$DIR/out")"
echo "0303-rest-auth-tls: ok"
