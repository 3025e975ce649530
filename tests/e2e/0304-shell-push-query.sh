#!/bin/bash
# 0304-shell-push-query: the shell's push query path, against a stand-in for the query engine that
# issue 5 brings: a small HTTP server speaking ksqlDB's /query-stream format (header, then a row
# every 100 ms, endlessly; or three rows and "Limit Reached") and /close-query. In tmux, the
# shell prints the header box and rows as they arrive with "Press CTRL-C to interrupt"; Ctrl-C
# sends /close-query with the query's id, prints "Query terminated" and gives the prompt back;
# a LIMIT query ends with its final message; the shell goes on working afterwards.
set -u
. "$(dirname "$0")/lib/server.sh"
fail() { echo "FAIL: $*"; echo "--- screen:"; cat "$DIR/screen" 2>/dev/null; echo "--- server:"; cat "$DIR/log"; exit 1; }
command -v tmux >/dev/null || { echo "tmux is missing (scripts/setup installs it)"; exit 1; }

cat >"$DIR/fake.py" <<'PY'
import http.server, json, sys, threading, time
closed = set()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        sys.stderr.write("%s %s\n" % (self.command, self.path))
    def body(self):
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
    def reply(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def chunk(self, text):
        data = text.encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()
    def do_GET(self):
        self.reply(200, {"KsqlServerInfo": {"version": "fake", "kafkaClusterId": "x", "ksqlServiceId": "default_",
                                            "serverStatus": "RUNNING"}})
    def do_POST(self):
        req = self.body()
        if self.path == "/close-query":
            closed.add(req["queryId"])
            sys.stderr.write("closed %s\n" % req["queryId"])
            return self.reply(200, {})
        if self.path == "/ksql":
            return self.reply(200, [])
        sql = req["sql"]
        qid = "transient_FAKE_%d" % (len(closed) + int(time.time() * 1000) % 100000)
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.ksql.v1+json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.chunk('[{"header":{"queryId":"%s","schema":"`ID` INTEGER, `NAME` STRING"}}' % qid)
        limit = 3 if "LIMIT 3" in sql else None
        i = 0
        try:
            while limit is None or i < limit:
                if qid in closed:
                    break
                self.chunk(',\n{"row":{"columns":[%d,"name-%d"]}}' % (i, i))
                i += 1
                time.sleep(0.1 if limit is None else 0)
            if limit is not None:
                self.chunk(',\n{"finalMessage":"Limit Reached"}')
            self.chunk("]\n")
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()
PY
python3 "$DIR/fake.py" >"$DIR/port" 2>"$DIR/log" &
PID=$!
for _ in $(seq 50); do [ -s "$DIR/port" ] && break; sleep 0.1; done
URL=http://127.0.0.1:$(cat "$DIR/port")

shell_start "$DIR"

wait_for "version fake, status RUNNING"
type_line "SELECT * FROM people EMIT CHANGES;"
wait_for "|ID "
wait_for "Press CTRL-C to interrupt"
wait_for "|name-3"
$T send-keys -t shell C-c
wait_for "Query terminated"
for _ in $(seq 50); do grep -q "^closed transient_FAKE_" "$DIR/log" && break; sleep 0.1; done
grep -q "^closed transient_FAKE_" "$DIR/log" || fail "Ctrl-C did not close the query on the server"
screen
[ "$(grep -c 'sluice>' "$DIR/screen")" -ge 2 ] || fail "no prompt after Ctrl-C"
type_line "SELECT * FROM people EMIT CHANGES LIMIT 3;"
wait_for "Limit Reached"
wait_for "|name-2"
$T send-keys -t shell -l "exit"; $T send-keys -t shell Enter
wait_for "SHELL-EXIT=0"
echo "0304-shell-push-query: ok"
