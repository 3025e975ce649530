#!/bin/bash
# 0402-udf-sluiced.sh: an out-of-tree plugin in a running server (issue 9). The build is installed
# into a temporary prefix; a plugin written here is built with cc against the installed SDK
# (pkg-config sluice-udf) and dropped into the extension dir of a running sluiced (the default
# <data.dir>/udf), which does not know the function until it restarts. After the restart DESCRIBE
# FUNCTION shows the plugin's description, author and version, and the function works in a
# persistent query (its output topic read back with kcat), a push query and a pull query over REST.
. "$(dirname "$0")/lib-pull.sh"

build=$(cd "$BIN/.." && pwd)
prefix=$DIR/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null || fail "cmake --install"
[ -x "$prefix/bin/sluiced" ] || fail "sluiced not installed"
BIN=$prefix/bin
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
mkdir -p "$DIR/src"
cat >"$DIR/src/shout.c" <<'C'
#include <ctype.h>
#include <sluice/udf.h>

SL_UDF_PLUGIN("shout", "2.1.0")

static const sl_udf_host *host;

/* SHOUT(s, n): s upper-cased with n exclamation marks. */
static int shout(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs, const sl_udf_value **result)
{
        char buf[256];
        size_t len, i, o = 0;
        const char *s = host->get_string(args[0], &len);
        long long n = host->get_bigint(args[1]);

        (void)nargs;
        if (n < 0)
                return host->error(call, "negative count");
        for (i = 0; i < len && o < 200; i++)
                buf[o++] = (char)toupper((unsigned char)s[i]);
        for (i = 0; i < (size_t)n && o < sizeof buf; i++)
                buf[o++] = '!';
        *result = host->make_string(call, buf, o);
        return SL_UDF_OK;
}

static const sl_udf_overload ov[] = {
        {.size = sizeof(sl_udf_overload), .params = "STRING s, BIGINT n", .returns = "STRING",
         .flags = SL_UDF_NULL_IN_NULL_OUT, .invoke = shout},
};

int sl_udf_entry(const sl_udf_host *h, char *errbuf, size_t errlen)
{
        host = h;
        sl_udf_function fn = {.size = sizeof fn, .name = "SHOUT", .kind = SL_UDF_SCALAR,
                              .description = "Upper-cases a string and appends exclamation marks.",
                              .author = "e2e-0402", .overloads = ov, .noverloads = 1};
        return h->register_function(&fn, errbuf, errlen);
}
C
cc $(pkg-config --cflags sluice-udf) -Wall -Wextra -Werror -shared -fPIC -o "$DIR/src/shout.so" "$DIR/src/shout.c" ||
        fail "plugin build against the installed SDK"

pull_server
ksql "$URL" "CREATE STREAM PEOPLE (ID STRING KEY, NAME STRING, N BIGINT) WITH (KAFKA_TOPIC='people', VALUE_FORMAT='JSON', PARTITIONS=1);"
produce "$BS" people <<'IN'
a|{"NAME":"ann","N":1}
b|{"NAME":"bob","N":3}
IN
# not known yet: the server has not seen the plugin
payload='{"ksql": "DESCRIBE FUNCTION SHOUT;"}'
body=$(curl -s -X POST -H 'Content-Type: application/vnd.ksql.v1+json' --data-binary "$payload" "$URL/ksql")
grep -q "SHOUT" <<<"$body" && ! grep -q '"errorMessage"\|error_code' <<<"$body" && fail "SHOUT known before the plugin: $body"

mkdir -p "$DIR/data/udf"
cp "$DIR/src/shout.so" "$DIR/data/udf/"
restart_sluiced -TERM sluiced
grep -q "loaded plugin .*shout.so (shout 2.1.0" "$DIR/sluiced.log" || fail "plugin not loaded at restart"

ksql "$URL" "DESCRIBE FUNCTION SHOUT;"
python3 - "$BODY" <<'PY' || fail "DESCRIBE FUNCTION: $BODY"
import json, sys
d = json.loads(sys.argv[1])[0]
assert d["@type"] == "describe_function", d
assert d["name"] == "SHOUT", d
assert d["author"] == "e2e-0402", d
assert d["version"] == "2.1.0", d
assert d["description"] == "Upper-cases a string and appends exclamation marks.", d
assert any(p["name"].upper() == "S" for f in d["functions"] for p in f["arguments"]), d
PY

# persistent query
ksql "$URL" "CREATE STREAM LOUD AS SELECT ID, SHOUT(NAME, N) AS L FROM PEOPLE;"
got=$(consume "$BS" LOUD 2)
[ "$got" = 'a|{"L":"ANN!"}
b|{"L":"BOB!!!"}' ] || fail "persistent query output: $got"

# push query
payload='{"ksql": "SELECT ID, SHOUT(NAME, 2) AS L FROM PEOPLE EMIT CHANGES LIMIT 2;", "streamsProperties": {"auto.offset.reset": "earliest"}}'
out=$(curl -s --max-time 60 -X POST -H 'Content-Type: application/vnd.ksql.v1+json' --data-binary "$payload" "$URL/query")
grep -qF '{"row":{"columns":["a","ANN!!"]}}' <<<"$out" && grep -qF '{"row":{"columns":["b","BOB!!"]}}' <<<"$out" &&
        grep -qF '"finalMessage":"Limit Reached"' <<<"$out" || fail "push query: $out"

# pull query on a table built with the function, calling it again in the SELECT list
ksql "$URL" "CREATE TABLE NAMES (ID STRING PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='names', VALUE_FORMAT='JSON', PARTITIONS=1);"
printf 'a|{"NAME":"ann"}\nb|{"NAME":"bob"}\n' | produce "$BS" names
ksql "$URL" "CREATE TABLE QNAMES AS SELECT ID, SHOUT(NAME, 1) AS L FROM NAMES;"
wait_rows "SELECT * FROM QNAMES;" 2
expect_rows "SELECT ID, L, SHOUT(L, 2) AS LL FROM QNAMES WHERE ID = 'b';" '["b","BOB!","BOB!!!"]'
expect_rows "SELECT ID FROM QNAMES WHERE SHOUT(ID, 0) = 'A';" '["a"]'

# a UDF error sends that record to the processing log (its result is NULL, as in ksqlDB); the
# query goes on with the next record
printf 'c|{"NAME":"cat","N":-1}\nd|{"NAME":"dan","N":0}\n' | produce "$BS" people
got=$(consume "$BS" LOUD 4)
[ "$got" = 'a|{"L":"ANN!"}
b|{"L":"BOB!!!"}
c|{"L":null}
d|{"L":"DAN"}' ] || fail "persistent query output after a UDF error: $got"
grep "processing" "$DIR/sluiced.log" | grep -q "negative count" ||
        fail "UDF error not in the processing log: $(grep -i processing "$DIR/sluiced.log" | tail -3)"

# a plugin built for another ABI major version and a plugin whose function clashes with a
# built-in are refused with one log line each naming the file and the reason; the server serves on
cat >"$DIR/src/oldabi.c" <<'C'
#include <sluice/udf.h>
SL_UDF_EXPORT const sl_udf_magic *sl_udf_plugin_magic(void);
const sl_udf_magic *sl_udf_plugin_magic(void)
{
        static const sl_udf_magic m = {sizeof m, SL_UDF_ABI_MAJOR + 1, 0, "oldabi", "9"};
        return &m;
}
int sl_udf_entry(const sl_udf_host *h, char *e, size_t n) { (void)h, (void)e, (void)n; return 0; }
C
sed -e 's/SL_UDF_PLUGIN("shout", "2.1.0")/SL_UDF_PLUGIN("clash", "1.0.0")/' -e 's/.name = "SHOUT"/.name = "UCASE"/' \
        "$DIR/src/shout.c" >"$DIR/src/clash.c"
for p in oldabi clash; do
        cc $(pkg-config --cflags sluice-udf) -Wall -Wextra -Werror -shared -fPIC -o "$DIR/data/udf/$p.so" \
                "$DIR/src/$p.c" || fail "build of the $p plugin"
done
kill "$LAST_PID"
wait "$LAST_PID" 2>/dev/null
start_sluiced sluiced "${ARGS[@]}"
wait_http "$URL"
grep -q "refused plugin .*oldabi.so: ABI version mismatch" "$DIR/sluiced.log" ||
        fail "no ABI refusal: $(grep -i plugin "$DIR/sluiced.log" | tail -5)"
grep -q "refused plugin .*clash.so: .*'UCASE' clashes with a built-in function" "$DIR/sluiced.log" ||
        fail "no clash refusal: $(grep -i plugin "$DIR/sluiced.log" | tail -5)"
wait_rows "SELECT * FROM QNAMES;" 2
expect_rows "SELECT ID, SHOUT(L, 1) AS LL FROM QNAMES WHERE ID = 'a';" '["a","ANN!!"]'
expect_rows "SELECT ID, UCASE(L) AS U FROM QNAMES WHERE ID = 'b';" '["b","BOB!"]'
echo "PASS"
