#!/bin/sh
# Refresh data/genai-prices.json (and its licence notice) from the npm
# package @pydantic/genai-prices: install it in a temporary directory,
# dump findProvider({providerId}) for every provider, check that gpt-cost
# loads the result, and only then replace the snapshot.
#   sh data/update-prices.sh [VERSION]     default: the latest release
# GENAI_PRICES_DIR=DIR uses a package installed in DIR instead.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
version=${1:-latest}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

command -v node >/dev/null 2>&1 || { echo "update-prices: node is needed" >&2; exit 2; }
if [ -n "${GENAI_PRICES_DIR:-}" ]; then
	pkg=$GENAI_PRICES_DIR
else
	command -v npm >/dev/null 2>&1 || { echo "update-prices: npm is needed" >&2; exit 2; }
	npm install --silent --no-audit --no-fund --no-save --prefix "$tmp" \
	    "@pydantic/genai-prices@$version" >&2
	pkg=$tmp/node_modules/@pydantic/genai-prices
fi
got=$(node -p 'require(process.argv[1]).version' "$pkg/package.json")

node "$top/data/dump-genai-prices.mjs" "$pkg" >"$tmp/genai-prices.json"
if [ -x "$top/gpt-cost" ]; then
	"$top/gpt-cost" --prices "$tmp/genai-prices.json" --list >/dev/null
fi
{
	printf 'data/genai-prices.json is the price database of genai-prices %s\n' "$got"
	printf '(https://github.com/pydantic/genai-prices, npm @pydantic/genai-prices),\n'
	printf 'written out by data/dump-genai-prices.mjs.  It is used under this licence:\n\n'
	cat "$pkg/LICENSE"
} >"$tmp/LICENSE.genai-prices"

mv "$tmp/genai-prices.json" "$top/data/genai-prices.json"
mv "$tmp/LICENSE.genai-prices" "$top/data/LICENSE.genai-prices"
echo "update-prices: data/genai-prices.json is genai-prices $got" >&2
