#!/bin/sh
# make demo: one real pipeline.  Against the API when OPENAI_API_KEY is set,
# otherwise against the project's own mock server on 127.0.0.1.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top:$PATH"

if [ -z "${OPENAI_API_KEY:-}" ]; then
	echo "demo: OPENAI_API_KEY is not set: using the local mock server" >&2
	. "$top/tests/mock.bash"
	mock_start
	trap mock_stop EXIT INT TERM
fi

echo "demo: answer, then its cost (gpt-cost --tee reports on stderr):" >&2
echo '$ gpt-msg -s "You are a concise assistant." "In one sentence: what is a Unix pipe?" |' \
    'gpt-send | gpt-cost --tee | gpt-extract' >&2
gpt-msg -s "You are a concise assistant." "In one sentence: what is a Unix pipe?" |
	gpt-send | gpt-cost --tee | gpt-extract
