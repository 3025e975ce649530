# tests/e2e/lib/udf.sh: the start the UDF e2e tests share, sourced after `set -euo pipefail`: checks
# SLUICE_BIN, sets build (its build tree) and a temp dir tmp removed on exit, and defines fail().
: "${SLUICE_BIN:?SLUICE_BIN must point at <build>/bin}"
build=$(cd "$SLUICE_BIN/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
