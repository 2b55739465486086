#!/bin/sh
# make demo: one real pipeline.  Against the API when OPENAI_API_KEY is set,
# otherwise against the project's own mock server on 127.0.0.1.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top:$PATH"

if [ -z "${OPENAI_API_KEY:-}" ]; then
	echo "demo: OPENAI_API_KEY is not set: using the local mock server" >&2
	dir=$(mktemp -d)
	trap 'kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
	python3 "$top/tests/mock/mock.py" --port-file "$dir/port" --dir "$dir" &
	pid=$!
	i=0
	while [ ! -s "$dir/port" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "demo: the mock server did not start" >&2; exit 1; }
		sleep 0.05
	done
	export OPENAI_BASE_URL="http://127.0.0.1:$(cat "$dir/port")/v1"
	export OPENAI_API_KEY=sk-demo-mock-key
fi

set -x
gpt-msg -s "You are a concise assistant." "In one sentence: what is a Unix pipe?" |
	gpt-send | gpt-cost --tee | gpt-extract
