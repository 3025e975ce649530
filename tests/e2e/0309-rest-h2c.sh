#!/bin/bash
# 0309-rest-h2c: cleartext HTTP/2 with prior knowledge (h2c) on sluiced's REST port, with curl
# --http2-prior-knowledge: /info, /ksql (create, list), /inserts-stream acks, a /query-stream push
# query with LIMIT, and ksqlDB's error shapes (invalid JSON 40000, unknown path 40400, wrong
# content type 41500) answered over HTTP/2, while HTTP/1.1 keeps working on the same port. A
# malformed frame gets a GOAWAY and ends that connection only. With basic authentication on, an
# h2 request without credentials gets 401 (ksqlDB's body, the challenge) and runs nothing.
set -u
. "$(dirname "$0")/lib/server.sh"

sluiced_up
H2="curl -s --http2-prior-knowledge"
# post PATH BODY [curl args...] -> body, then " <http version> <status>"
post() { local p=$1 b=$2; shift 2; $H2 -w ' %{http_version} %{http_code}' -X POST -H 'Content-Type: application/json' "$@" --data-binary "$b" "$URL$p"; }
field() { python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }

out=$($H2 -w ' %{http_version} %{http_code}' "$URL/info")
[ "${out##* }" = 200 ] && [ "$(echo "$out" | awk '{print $(NF-1)}')" = 2 ] || fail "/info over h2: $out"
[ "$(field "${out% * *}" 'j["KsqlServerInfo"]["serverStatus"]')" = RUNNING ] || fail "/info body: $out"
out=$(curl -s -w ' %{http_version}' "$URL/info")
[ "${out##* }" = 1.1 ] || fail "HTTP/1.1 on the same port: $out"

out=$(post /ksql '{"ksql":"CREATE STREAM s (id INT KEY, name STRING) WITH (kafka_topic='"'s'"', value_format='"'json'"', partitions=1);"}')
[ "${out##* }" = 200 ] || fail "create over h2: $out"
[ "$(field "${out% * *}" 'j[0]["commandStatus"]["status"]')" = SUCCESS ] || fail "create body: $out"
out=$(post /ksql '{"ksql":"SHOW STREAMS;"}')
[ "$(field "${out% * *}" '[s["name"] for s in j[0]["streams"]]')" = "['S']" ] || fail "show streams over h2: $out"

out=$(post /inserts-stream $'{"target":"s"}\n{"ID":1,"NAME":"ann"}\n{"ID":2,"NAME":"bob"}\n')
[ "${out##* }" = 200 ] || fail "inserts over h2: $out"
[ "${out% * *}" = $'{"status":"ok","seq":0}\n{"status":"ok","seq":1}\n' ] || fail "insert acks: $out"

out=$(post /query-stream '{"sql":"SELECT * FROM s EMIT CHANGES LIMIT 2;","properties":{"auto.offset.reset":"earliest"}}' \
        -H 'Accept: application/vnd.ksqlapi.delimited.v1' --max-time 20)
[ "${out##* }" = 200 ] || fail "query-stream over h2: $out"
body=${out% * *}
[ "$(echo "$body" | sed -n 2,3p | tr '\n' ' ')" = '[1,"ann"] [2,"bob"] ' ] || fail "push rows over h2: $out"
[ "$(field "$(echo "$body" | head -1)" 'j["columnNames"]')" = "['ID', 'NAME']" ] || fail "push header: $out"

# error shapes
out=$(post /ksql '{"ksql": "SHOW')
[ "${out##* }" = 400 ] && [ "$(field "${out% * *}" '(j["@type"], j["error_code"])')" = "('generic_error', 40000)" ] \
        || fail "invalid JSON over h2: $out"
out=$($H2 -w ' %{http_version} %{http_code}' "$URL/nowhere")
[ "${out##* }" = 404 ] && [ "$(field "${out% * *}" 'j["error_code"]')" = 40400 ] || fail "unknown path over h2: $out"
out=$($H2 -w ' %{http_version} %{http_code}' -X POST -H 'Content-Type: text/plain' -d x "$URL/ksql")
[ "${out##* }" = 415 ] && [ "$(field "${out% * *}" 'j["error_code"]')" = 41500 ] || fail "content type over h2: $out"

# a malformed frame: GOAWAY, that connection closes, the server goes on
python3 - "${URL##*:}" <<'PY' || fail "malformed frame"
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + struct.pack(">I", 0)[1:] + b"\x04\x00\x00\x00\x00\x00")  # empty SETTINGS
s.sendall(struct.pack(">I", 5)[1:] + b"\x04\x00\x00\x00\x00\x00" + b"\x01\x02\x03\x04\x05")  # SETTINGS of 5 bytes: FRAME_SIZE_ERROR
data = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    data += d
types = []
while len(data) >= 9:
    n = int.from_bytes(data[:3], "big")
    types.append(data[3])
    data = data[9 + n:]
assert 7 in types, types  # GOAWAY, then the server closed the connection
PY
out=$($H2 -w ' %{http_code}' "$URL/healthcheck")
[ "${out##* }" = 200 ] || fail "after a malformed frame: $out"
kill "$PID"; wait "$PID"; RC=$?; PID=
[ "$RC" = 0 ] || fail "sluiced exited with $RC on SIGTERM"

# basic authentication applies to h2 requests as to HTTP/1.1 ones
printf 'alice: secret,admin\n' >"$DIR/users"
URL=http://127.0.0.1:$(free_port)
rm -rf "$DIR/data"
sluiced_start "$URL" --authentication.method=BASIC --authentication.users.file="$DIR/users"
for _ in $(seq 100); do curl -s -o /dev/null "$URL/chc/live" && break; sleep 0.1; done
create='{"ksql":"CREATE STREAM t (id INT KEY) WITH (kafka_topic='"'t'"', value_format='"'json'"', partitions=1);"}'
out=$(post /ksql "$create" -D "$DIR/headers")
[ "${out##* }" = 401 ] && [ "$(field "${out% * *}" '(j["@type"], j["error_code"])')" = "('generic_error', 40100)" ] \
        || fail "h2 without credentials: $out"
grep -qi '^www-authenticate: Basic realm="KsqlServer-Props"' "$DIR/headers" || fail "no challenge over h2: $(cat "$DIR/headers")"
out=$(post /ksql "$create" -u alice:wrong)
[ "${out##* }" = 401 ] || fail "h2 with a wrong password: $out"
out=$(post /ksql '{"ksql":"SHOW STREAMS;"}' -u alice:secret)
[ "${out##* }" = 200 ] && [ "$(field "${out% * *}" 'j[0]["streams"]')" = "[]" ] || fail "a refused h2 request ran: $out"
kill "$PID"; wait "$PID"; RC=$?; PID=
[ "$RC" = 0 ] || fail "sluiced exited with $RC on SIGTERM"
echo "0309-rest-h2c: ok"
