# Stoplight Prism serving the OpenAI Chat Completions contract on 127.0.0.1,
# for checking requests against the official spec (tests/prism/README.md).
# Load it in a bats file and call prism_start in setup_file and prism_stop
# in teardown_file: Prism takes a few seconds to start.
#
#   prism_start   start on a free port; exports PRISM_URL=http://127.0.0.1:PORT/v1
#   prism_stop    stop exactly the process prism_start started
#   prism_post    POST a request body file; prints "HTTP_CODE VIOLATIONS",
#                 VIOLATIONS being the sl-violations header, or "-" if none

PRISM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PRISM_JS="$PRISM_DIR/npm/node_modules/@stoplight/prism-cli/dist/index.js"
PRISM_SPEC="$PRISM_DIR/prism/openai-chat-mock.json"
PRISM_START_TIMEOUT=${PRISM_START_TIMEOUT:-60}

# A port that nothing listens on now, from the kernel.
prism_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Whether Prism and node are there to run.
prism_available() {
	command -v node >/dev/null && command -v curl >/dev/null && [ -f "$PRISM_JS" ]
}

prism_start() {
	local port tries=0 deadline code
	prism_available || { echo "prism: not installed (run tests/deps.sh check)" >&2; return 1; }
	PRISM_LOG=$(mktemp "${TMPDIR:-/tmp}/prism.XXXXXX")
	export PRISM_LOG
	while :; do
		port=$(prism_free_port) || return 1
		node "$PRISM_JS" mock -h 127.0.0.1 -p "$port" "$PRISM_SPEC" \
		    >"$PRISM_LOG" 2>&1 </dev/null 3>&- &
		PRISM_PID=$!
		export PRISM_PID
		deadline=$(($(date +%s) + PRISM_START_TIMEOUT))
		while kill -0 "$PRISM_PID" 2>/dev/null; do
			code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' \
			    -H 'Authorization: Bearer sk-test' \
			    "http://127.0.0.1:$port/v1/models" 2>/dev/null) || true
			if [ "$code" = 200 ]; then
				export PRISM_URL="http://127.0.0.1:$port/v1"
				return 0
			fi
			if [ "$(date +%s)" -ge "$deadline" ]; then
				echo "prism: no answer within ${PRISM_START_TIMEOUT}s" >&2
				tail -n 20 "$PRISM_LOG" >&2
				prism_stop
				return 1
			fi
			sleep 0.2
		done
		# It exited: most likely another program took the port first.
		wait "$PRISM_PID" 2>/dev/null
		tries=$((tries + 1))
		if [ "$tries" -ge 3 ]; then
			echo "prism: exited during start-up:" >&2
			tail -n 20 "$PRISM_LOG" >&2
			unset PRISM_PID
			return 1
		fi
	done
}

prism_stop() {
	if [ -n "${PRISM_PID:-}" ]; then
		kill "$PRISM_PID" 2>/dev/null
		wait "$PRISM_PID" 2>/dev/null
		unset PRISM_PID
	fi
	[ -n "${PRISM_LOG:-}" ] && rm -f "$PRISM_LOG"
	unset PRISM_URL PRISM_LOG
	return 0
}

# POST the request in file $1 to Prism's chat completions endpoint.
prism_post() {
	local hdr code viol
	hdr=$(mktemp "${TMPDIR:-/tmp}/prism-h.XXXXXX")
	code=$(curl -s -o /dev/null -D "$hdr" -w '%{http_code}' -m 30 \
	    -H 'Authorization: Bearer sk-test' -H 'Content-Type: application/json' \
	    --data-binary @"$1" "$PRISM_URL/chat/completions") || code=000
	viol=$(grep -i '^sl-violations:' "$hdr" | cut -d: -f2- | tr -d '\r')
	rm -f "$hdr"
	echo "$code ${viol:--}"
}
