# Loaded by every bats suite: the built programs first on PATH, bats-assert,
# and an environment that no setting of the user's leaks into.
TOP="$(cd "$(dirname "$BATS_TEST_FILENAME")/.." && pwd)"
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

PATH="$TOP:$PATH"
export LC_ALL=C.UTF-8
unset OPENAI_API_KEY OPENAI_BASE_URL OPENAI_ORG_ID OPENAI_PROJECT_ID
unset GPT_MODEL GPT_PRICES

# The canonical form of JSON, for comparing documents whatever their key order.
jq_canon() {
	jq -S -c . "$@"
}

# make check VALGRIND=1: every program the tests run goes through valgrind,
# which makes any leak or memory error fail the test (exit 99).
if [ -n "${VALGRIND:-}" ]; then
	_vgbin="${BATS_RUN_TMPDIR:-${TMPDIR:-/tmp}}/valgrind-bin"
	if [ ! -d "$_vgbin" ]; then
		mkdir -p "$_vgbin"
		for _p in gpt-msg gpt-send gpt-extract gpt-cost; do
			printf '#!/bin/sh\nexec valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 "%s" "$@"\n' \
			    "$TOP/$_p" >"$_vgbin/$_p"
			chmod +x "$_vgbin/$_p"
		done
	fi
	PATH="$_vgbin:$PATH"
fi
