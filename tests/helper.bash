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
