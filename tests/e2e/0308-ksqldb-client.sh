#!/bin/bash
# 0308-ksqldb-client: the npm package ksqldb-client (1.0.5, a client we did not write; scripts/setup
# installs it in tests/e2e/node/node_modules) against sluiced: executeStatement creates a stream
# (/ksql), insertInto inserts rows (/inserts-stream, Accept: application/json, one row per request),
# listStreams lists it, streamQuery reads them back from a push query with LIMIT (/query-stream,
# delimited, one row per callback) and an endless push query is ended with terminatePushQuery
# (/close-query), after which the server lists no push query. Then what the client relies on, with
# node's own http2 client on the same port: every row of /query-stream arrives in its own DATA
# frame; resetting one stream ends its push query while the connection goes on serving; a client
# that vanishes (the session destroyed mid-query) leaves no push query behind either.
#
# The package speaks HTTP/2 only: node's http2.connect("http://host:port"), i.e. cleartext HTTP/2
# with prior knowledge (h2c), no HTTP/1.1 fallback, and it parses every DATA frame as one JSON
# document. It talks to sluiced's REST port directly (src/server/h2.c); the check that no push
# query is left goes over HTTP/1.1 on the same port. Exits 77 (skipped) only when node is missing.
set -u
. "$(dirname "$0")/lib/server.sh"
fail() { echo "FAIL: $*"; [ -f "$DIR/node.out" ] && cat "$DIR/node.out"; tail -5 "$DIR/log"; exit 1; }
command -v node >/dev/null || { echo "node is missing: skipped"; exit 77; }
SRC=${SLUICE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
MODULES=$SRC/tests/e2e/node/node_modules
[ -f "$MODULES/ksqldb-client/package.json" ] || fail "$MODULES/ksqldb-client is missing (scripts/setup installs it)"

sluiced_up

cat >"$DIR/client.js" <<'JS'
const http = require("http");
const http2 = require("http2");
const assert = require("assert");
const KsqldbClient = require("ksqldb-client");

const upstream = new URL(process.env.SLUICE_URL);
const log = (...a) => console.log(...a);

async function pushQueries() {
  const r = await fetchJson("/ksql", { ksql: "SHOW QUERIES;" });
  return r[0].queries.filter((q) => q.queryType === "PUSH").length;
}
function fetchJson(path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: upstream.hostname, port: upstream.port, method: "POST", path,
                               headers: { "Content-Type": "application/json" } }, (res) => {
      let d = "";
      res.on("data", (c) => (d += c));
      res.on("end", () => resolve(JSON.parse(d)));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

(async () => {
  const client = new KsqldbClient({ host: "http://127.0.0.1", port: upstream.port, timeout: 10000 });
  await client.connect();

  let r = await client.executeStatement(
    "CREATE STREAM clicks (id INT KEY, page STRING, ms BIGINT) WITH (kafka_topic='clicks', value_format='json', partitions=1);");
  assert.strictEqual(r.status, 200, JSON.stringify(r));
  assert.strictEqual(r.data.rows[0]["@type"], "currentStatus");
  assert.strictEqual(r.data.rows[0].commandStatus.status, "SUCCESS");
  assert.strictEqual(r.data.rows[0].commandId, "stream/`CLICKS`/create");

  const rows = [{ ID: 1, PAGE: "home", MS: 10 }, { ID: 2, PAGE: "cart", MS: 25 }, { ID: 3, PAGE: "pay", MS: 40 }];
  for (const row of rows) {
    r = await client.insertInto("clicks", row);
    assert.strictEqual(r.status, 200, JSON.stringify(r));
    assert.deepStrictEqual(r.data.rows, [{ status: "ok", seq: 0 }]);
  }
  r = await client.insertInto("clicks", { PAGE: "no key" });
  assert.strictEqual(r.status, 200, JSON.stringify(r));
  assert.deepStrictEqual(r.error, { "@type": "generic_error", error_code: 40000,
                                    message: "Key field must be specified: ID", status: "error", seq: 0 });

  r = await client.listStreams();
  assert.deepStrictEqual(r, [{ type: "STREAM", name: "CLICKS", topic: "clicks", keyFormat: "KAFKA",
                               valueFormat: "JSON", format: "JSON", isWindowed: false }]);

  /* push query with LIMIT: rows as objects through the callback */
  const got = [];
  r = await client.streamQuery("SELECT * FROM clicks EMIT CHANGES LIMIT 3;", (d) => {
    if (d.rows) got.push(...d.rows);
  }, { properties: { "auto.offset.reset": "earliest" } });
  assert.strictEqual(r.status, 200, JSON.stringify(r));
  assert.deepStrictEqual(r.data.metadata.columnNames, ["ID", "PAGE", "MS"]);
  assert.deepStrictEqual(r.data.metadata.columnTypes, ["INTEGER", "STRING", "BIGINT"]);
  assert.deepStrictEqual(got, rows);
  log(`streamQuery LIMIT 3: ${JSON.stringify(got)}`);

  /* an endless push query, ended by terminatePushQuery */
  let queryId = null;
  const seen = [];
  const endless = client.streamQuery("SELECT page FROM clicks WHERE ms > 20 EMIT CHANGES;", (d) => {
    if (d.metadata && d.metadata.queryId) queryId = d.metadata.queryId;
    if (d.rows) seen.push(...d.rows);
  }, { properties: { "auto.offset.reset": "earliest" } });
  for (let i = 0; i < 150 && seen.length < 2; i++) await new Promise((res) => setTimeout(res, 100));
  assert.deepStrictEqual(seen, [{ PAGE: "cart" }, { PAGE: "pay" }]);
  assert.strictEqual(await pushQueries(), 1);
  r = await client.terminatePushQuery(queryId);
  assert.strictEqual(r.status, 200, JSON.stringify(r));
  r = await endless;
  assert.strictEqual(r.status, 200, JSON.stringify(r));
  let n = 1;
  for (let i = 0; i < 100 && n !== 0; i++) {
    n = await pushQueries();
    if (n) await new Promise((res) => setTimeout(res, 100));
  }
  assert.strictEqual(n, 0, "the terminated push query is still listed");
  log(`terminatePushQuery ${queryId}: ok`);

  await client.disconnect();

  /* raw HTTP/2: a DATA frame per row, RST_STREAM ends the push query, the session goes on */
  const session = http2.connect(process.env.SLUICE_URL);
  const frames = [];
  const req = session.request({ ":method": "POST", ":path": "/query-stream", "content-type": "application/json",
                                accept: "application/vnd.ksqlapi.delimited.v1" });
  req.end(JSON.stringify({ sql: "SELECT id FROM clicks EMIT CHANGES;", properties: { "auto.offset.reset": "earliest" } }));
  const status = await new Promise((res) => req.on("response", (h) => res(h[":status"])));
  assert.strictEqual(status, 200);
  req.on("data", (d) => frames.push(d.toString()));
  for (let i = 0; i < 150 && frames.length < 4; i++) await new Promise((res) => setTimeout(res, 100));
  assert.strictEqual(frames.length, 4, JSON.stringify(frames));
  assert(frames[0].startsWith('{"queryId":"') && frames[0].endsWith("}\n"), frames[0]);
  assert.deepStrictEqual(frames.slice(1), ["[1]\n", "[2]\n", "[3]\n"]);
  assert.strictEqual(await pushQueries(), 1);
  req.close(http2.constants.NGHTTP2_CANCEL);
  n = 1;
  for (let i = 0; i < 100 && n !== 0; i++) {
    n = await pushQueries();
    if (n) await new Promise((res) => setTimeout(res, 100));
  }
  assert.strictEqual(n, 0, "the reset stream's push query is still listed");
  const info = session.request({ ":method": "GET", ":path": "/info" });
  info.end();
  let body = "";
  info.on("data", (d) => (body += d));
  await new Promise((res) => info.on("end", res));
  assert.strictEqual(JSON.parse(body).KsqlServerInfo.serverStatus, "RUNNING");
  session.close();
  log("RST_STREAM ends the push query: ok");

  /* a client that vanishes mid-query */
  const gone = new KsqldbClient({ host: "http://127.0.0.1", port: upstream.port, timeout: 10000 });
  await gone.connect();
  const rowsSeen = [];
  gone.streamQuery("SELECT * FROM clicks EMIT CHANGES;", (d) => { if (d.rows) rowsSeen.push(...d.rows); },
                   { properties: { "auto.offset.reset": "earliest" } }).catch(() => {});
  for (let i = 0; i < 150 && rowsSeen.length < 3; i++) await new Promise((res) => setTimeout(res, 100));
  assert.strictEqual(rowsSeen.length, 3);
  assert.strictEqual(await pushQueries(), 1);
  await gone.disconnect();
  n = 1;
  for (let i = 0; i < 100 && n !== 0; i++) {
    n = await pushQueries();
    if (n) await new Promise((res) => setTimeout(res, 100));
  }
  assert.strictEqual(n, 0, "the vanished client's push query is still listed");
  log("vanished client: ok");
  log("ksqldb-client: ok");
  process.exit(0);
})().catch((e) => { console.log("FAIL:", e && e.stack ? e.stack : e); process.exit(1); });
JS

SLUICE_URL=$URL NODE_PATH=$MODULES timeout 120 node "$DIR/client.js" >"$DIR/node.out" 2>&1 || fail "the node client failed"
cat "$DIR/node.out"
grep -q "^ksqldb-client: ok" "$DIR/node.out" || fail "no ok from the node client"
kill "$PID"; wait "$PID"; RC=$?; PID=
[ "$RC" = 0 ] || fail "sluiced exited with $RC on SIGTERM"
echo "0308-ksqldb-client: ok"
