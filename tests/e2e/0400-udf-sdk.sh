#!/bin/bash
# 0400-udf-sdk.sh: the UDF SDK out of the tree. Installs the current build into a temporary prefix,
# builds a plugin written here against the installed SDK twice -- with cc and pkg-config, and with
# CMake and the installed SluiceUdf.cmake -- and loads both with the installed sluice-udf-check
# (which loads plugins exactly as sluiced does, beside the built-ins), calling the function. A
# plugin claiming another ABI major version must be refused naming abi_major, while the good one in
# the same run still loads.
set -euo pipefail
. "$(dirname "$0")/lib/udf.sh"

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in include/sluice/udf.h lib/pkgconfig/sluice-udf.pc lib/cmake/sluice/SluiceUdf.cmake bin/sluice-udf-check \
         lib/sluice/udf/geo.so lib/sluice/udf/percentile.so lib/sluice/udf/words.so; do
        [ -e "$prefix/$f" ] || fail "not installed: $f"
done
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cflags=$(pkg-config --cflags sluice-udf)
case "$cflags" in *"$prefix/include"*|*"$prefix/lib/pkgconfig/../../include"*) ;; *) fail "pkg-config cflags: $cflags" ;; esac

mkdir -p "$tmp/src" "$tmp/ext"
cat >"$tmp/src/greet.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <sluice/udf.h>

SL_UDF_PLUGIN("greet", "0.1.0")

static const sl_udf_host *host;

static int greet(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs, const sl_udf_value **result)
{
        char buf[256];
        size_t len;
        const char *name = host->get_string(args[0], &len);
        (void)nargs;
        if (len == 0)
                return host->error(call, "empty name");
        int n = snprintf(buf, sizeof buf, "Hello, %.*s!", (int)len, name);
        *result = host->make_string(call, buf, (size_t)n);
        return SL_UDF_OK;
}

static const sl_udf_overload ov[] = {
        {.size = sizeof(sl_udf_overload), .params = "STRING name", .returns = "STRING",
         .flags = SL_UDF_NULL_IN_NULL_OUT, .invoke = greet},
};

int sl_udf_entry(const sl_udf_host *h, char *errbuf, size_t errlen)
{
        host = h;
        sl_udf_function fn = {.size = sizeof fn, .name = "SDK_GREET", .kind = SL_UDF_SCALAR,
                              .description = "Greets.", .author = "e2e", .overloads = ov, .noverloads = 1};
        return h->register_function(&fn, errbuf, errlen);
}
C
cat >"$tmp/src/oldabi.c" <<'C'
#include <sluice/udf.h>
SL_UDF_EXPORT const sl_udf_magic *sl_udf_plugin_magic(void);
const sl_udf_magic *sl_udf_plugin_magic(void)
{
        static const sl_udf_magic m = {sizeof m, SL_UDF_ABI_MAJOR + 1, 0, "oldabi", "9"};
        return &m;
}
int sl_udf_entry(const sl_udf_host *h, char *e, size_t n) { (void)h, (void)e, (void)n; return 0; }
C

# 1. cc + pkg-config
cc $cflags -Wall -Wextra -Werror -shared -o "$tmp/ext/greet.so" "$tmp/src/greet.c"
cc $cflags -Wall -Wextra -Werror -shared -o "$tmp/ext/oldabi.so" "$tmp/src/oldabi.c"
out=$("$prefix/bin/sluice-udf-check" "$tmp/ext/greet.so" -- SDK_GREET string:world 2>"$tmp/log") ||
        fail "sluice-udf-check failed: $out $(cat "$tmp/log")"
grep -qx 'result: Hello, world!' <<<"$out" || fail "unexpected output: $out"
grep -q "function SDK_GREET SCALAR category=OTHER author='e2e' version='0.1.0'" <<<"$out" || fail "metadata: $out"
grep -q 'loaded plugin .*greet.so (greet 0.1.0, ABI 1.0): SDK_GREET' "$tmp/log" || fail "no load log line"

# an error raised by the plugin comes back as a function error
set +e
out=$("$prefix/bin/sluice-udf-check" "$tmp/ext/greet.so" -- SDK_GREET string: 2>/dev/null); rc=$?
set -e
[ "$rc" = 2 ] || fail "error call exit status $rc"
grep -q 'error: SDK_GREET: empty name' <<<"$out" || fail "error output: $out"

# the wrong ABI is refused, the good plugin beside it still loads and works
set +e
out=$("$prefix/bin/sluice-udf-check" "$tmp/ext/oldabi.so" "$tmp/ext/greet.so" -- SDK_GREET string:again 2>"$tmp/log"); rc=$?
set -e
[ "$rc" = 1 ] || fail "refusal exit status $rc: $out"
grep -q 'refused plugin .*oldabi.so: ABI version mismatch: field abi_major is 2' "$tmp/log" || fail "refusal log: $(cat "$tmp/log")"
grep -qx 'result: Hello, again!' <<<"$out" || fail "good plugin beside the refused one: $out"

# 2. CMake with the installed helper
mkdir -p "$tmp/proj"
cp "$tmp/src/greet.c" "$tmp/proj/"
cat >"$tmp/proj/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(greet C)
include(SluiceUdf)
sluice_add_udf(greet greet.c)
CM
cmake -S "$tmp/proj" -B "$tmp/proj/build" -DCMAKE_MODULE_PATH="$prefix/lib/cmake/sluice" >/dev/null
cmake --build "$tmp/proj/build" >/dev/null
[ -f "$tmp/proj/build/greet.so" ] || fail "sluice_add_udf built no greet.so"
out=$("$prefix/bin/sluice-udf-check" "$tmp/proj/build/greet.so" -- sdk_greet string:cmake 2>/dev/null) ||
        fail "CMake-built plugin: $out"
grep -qx 'result: Hello, cmake!' <<<"$out" || fail "CMake-built plugin output: $out"

# the installed example plugins load too, and one extra symbol beyond the ABI is not exported
nm -D --defined-only "$tmp/ext/greet.so" | grep -q ' T sl_udf_entry' || fail "entry not exported"
if nm -D --defined-only "$tmp/ext/greet.so" | grep -q ' greet$'; then fail "static symbol exported"; fi
"$prefix/bin/sluice-udf-check" "$prefix"/lib/sluice/udf/*.so -- HAVERSINE_DISTANCE double:0 double:0 double:0 double:1 \
        2>/dev/null | grep -q '^result: 111\.' || fail "installed geo.so"
echo "ok"
