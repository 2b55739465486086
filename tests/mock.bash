# The mock OpenAI server (tests/mock/mock.py), for the bats suites:
#   load helper; load mock
#   setup()    { mock_start; }
#   teardown() { mock_stop; }
# Plain POSIX sh too, so a script can source it (BATS_TEST_TMPDIR unset:
# the server then works in a directory of its own, removed by mock_stop).
#
#   mock_start [ARGS...]    start it (ARGS go to mock.py, e.g. --latency-ms 100)
#                           and export MOCK_URL (http://127.0.0.1:PORT/v1),
#                           MOCK_PORT, MOCK_PID, MOCK_DIR, OPENAI_BASE_URL and
#                           OPENAI_API_KEY
#   mock_stop               stop it and reap it; safe to call twice
#   mock_script 'JSON'      queue response specs (an array), one per chat request
#   mock_chaos 'JSON'       random failures ({"seed": 1, "p429": 0.1, ...})
#   mock_reset [--keep-requests]  forget script and chaos (and the record)
#   mock_requests           the recorded requests, one JSON object a line
#   mock_count              how many chat requests arrived
#   mock_body N             the exact body of the Nth recorded request
#   mock_header N NAME      a header of the Nth recorded request (status 1 if
#                           it was not sent)
# Requests are numbered from 1 in the order they arrived; control requests
# (these functions' own) are not recorded.

# bash says where this file is; sh gets the top of the tree from TOP or top.
# shellcheck disable=SC3028
MOCK_PY=${MOCK_PY:-$(cd "$(dirname "${BASH_SOURCE:-${TOP:-${top:-.}}/tests/mock.bash}")" && pwd)/mock/mock.py}

mock_start() {
	# A server this shell started and did not stop is stopped first.
	[ -z "${_mock_pid:-}" ] || mock_stop
	if [ -n "${BATS_TEST_TMPDIR:-}" ]; then
		MOCK_DIR=$BATS_TEST_TMPDIR/mock
		_mock_own_dir=
	else
		MOCK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/gpt-mock.XXXXXX") || return 1
		_mock_own_dir=1
	fi
	mkdir -p "$MOCK_DIR" && rm -f "$MOCK_DIR/port" || return 1
	# fd 3 closed: bats waits for whoever holds it.  --watch-pid ends the
	# server with this shell, should mock_stop never be called.
	python3 "$MOCK_PY" --port-file "$MOCK_DIR/port" --dir "$MOCK_DIR" \
	    --watch-pid $$ "$@" >>"$MOCK_DIR/stderr" 2>&1 3>&- &
	MOCK_PID=$!
	_mock_pid=$MOCK_PID
	_mock_i=0
	while :; do
		if [ -s "$MOCK_DIR/port" ]; then
			MOCK_PORT=$(cat "$MOCK_DIR/port")
			curl -sf -o /dev/null "http://127.0.0.1:$MOCK_PORT/_mock/ping" &&
			    break
		fi
		_mock_i=$((_mock_i + 1))
		if [ $_mock_i -ge 100 ] || ! _mock_alive "$MOCK_PID"; then
			echo "mock: the server did not start:" >&2
			cat "$MOCK_DIR/stderr" >&2
			mock_stop
			return 1
		fi
		sleep 0.05
	done
	MOCK_URL=http://127.0.0.1:$MOCK_PORT/v1
	export MOCK_URL MOCK_PORT MOCK_PID MOCK_DIR
	export OPENAI_BASE_URL="$MOCK_URL" OPENAI_API_KEY=sk-test-mock-key
}

# kill -0 succeeds on a child that has exited but is not yet reaped.
_mock_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	case $(cat "/proc/$1/stat" 2>/dev/null) in
	*") Z "*) return 1 ;;
	esac
	return 0
}

mock_stop() {
	[ -n "${MOCK_PID:-}" ] || return 0
	kill -TERM "$MOCK_PID" 2>/dev/null
	_mock_i=0
	while _mock_alive "$MOCK_PID"; do
		_mock_i=$((_mock_i + 1))
		if [ $_mock_i -ge 60 ]; then
			kill -KILL "$MOCK_PID" 2>/dev/null
			break
		fi
		sleep 0.05
	done
	wait "$MOCK_PID" 2>/dev/null
	[ -z "${_mock_own_dir:-}" ] || rm -rf "$MOCK_DIR"
	unset MOCK_PID _mock_pid
	return 0
}

# POST JSON to a control endpoint; a refusal is reported and fails.
_mock_post() {
	_mock_out=$(curl -sS -w '\n%{http_code}' -H 'content-type: application/json' \
	    --data-binary "$2" "http://127.0.0.1:$MOCK_PORT/_mock/$1") || return 1
	case $_mock_out in
	*"
200") return 0 ;;
	esac
	echo "mock: $1 refused: $_mock_out" >&2
	return 1
}

mock_script() {
	_mock_post script "$1"
}

mock_chaos() {
	_mock_post chaos "$1"
}

mock_reset() {
	if [ "${1:-}" = --keep-requests ]; then
		_mock_post reset '{}'
	else
		_mock_post reset '{"record": true}'
	fi
}

mock_requests() {
	cat "$MOCK_DIR/requests.jsonl"
}

mock_count() {
	jq -n '[inputs | select(.path | sub("\\?.*"; "") == "/v1/chat/completions")]
	    | length' "$MOCK_DIR/requests.jsonl"
}

mock_body() {
	jq -n -j --argjson n "$1" 'first(inputs | select(.n == $n)) | .body' \
	    "$MOCK_DIR/requests.jsonl"
}

mock_header() {
	jq -n -e -j --argjson n "$1" --arg h "$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')" \
	    'first(inputs | select(.n == $n)) | .headers[$h] // error("no such header")' \
	    "$MOCK_DIR/requests.jsonl" 2>/dev/null || return 1
}
