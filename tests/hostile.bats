#!/usr/bin/env bats
# Hostile input for every program: random bytes, truncated JSON, 100 MB
# strings, 10,000-deep nesting, NUL bytes, invalid UTF-8, lone
# surrogates, numbers beyond a double, an empty stream, a closed or full
# stdout; and gpt-send against servers that misbehave.  Every case ends
# with a documented exit code (0-7), messages that name the program, only
# whole lines on stdout, and memory bounded by the input.
bats_require_minimum_version 1.5.0
load helper
load mock

READERS="gpt-send gpt-extract gpt-cost"

setup_file() {
	local d=$BATS_FILE_TMPDIR
	python3 -c '
import random, sys
random.seed(7)
sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(65536)))' >"$d/random"
	echo '{"id":"chatcmpl-1","object":"chat.completion","created":1764000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there.","refusal":null},"finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29}}' >"$d/response"
	echo '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello!"}]}' >"$d/request"
}

setup() {
	D=$BATS_FILE_TMPDIR
	cd "$BATS_TEST_TMPDIR"
	# Nothing listens on port 9: a request that got through would fail fast.
	export OPENAI_API_KEY=sk-hostile OPENAI_BASE_URL=http://127.0.0.1:9/v1
}

teardown() {
	mock_stop
	[ -z "${SERVER_PID:-}" ] || { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; }
	true
}

need() {
	[ -x "$TOP/$1" ] || skip "$1 not built"
}

# run_prog PROG INPUT [ARGS...]: PROG reading INPUT as its usual input
# (gpt-msg: text on stdin), with gpt-send kept from waiting on anything.
run_prog() {
	local p=$1 in=$2
	shift 2
	case $p in
	gpt-send) set -- --retries 0 --connect-timeout 2 --timeout 5 "$@" ;;
	esac
	run --separate-stderr "$p" "$@" <"$in"
}

# The rules every failure keeps: exit CODE, at least one stderr line and
# every one naming the program, stdout only whole lines (gpt-cost's total
# line at most) and nothing at all for the others.
assert_refused() {
	local p=$1 code=$2
	[ "$status" -eq "$code" ] || fail "$p: exit $status, not $code; stderr: ${stderr:0:300}"
	[ -n "$stderr" ] || fail "$p: exit $status without a message"
	while IFS= read -r line; do
		[[ $line == "$p: "* || $line == "Try '$p --help'"* ]] ||
		    fail "$p: a message not naming the program: ${line:0:200}"
	done <<<"$stderr"
	if [ "$p" = gpt-cost ]; then
		[[ -z $output || $output == total* ]] || fail "$p: stdout: ${output:0:200}"
	else
		[ -z "$output" ] || fail "$p: stdout: ${output:0:200}"
	fi
}

# stderr holds TEXT, or matches the regular expression RE.
stderr_has() {
	[[ $stderr == *"$1"* ]] || fail "stderr lacks \"$1\": ${stderr:0:300}"
}

stderr_matches() {
	[[ $stderr =~ $1 ]] || fail "stderr does not match $1: ${stderr:0:300}"
}

# Exactly one message line (and the hint to --help after a usage error).
assert_one_line() {
	[ "$(printf '%s\n' "$stderr" | grep -vc "^Try '$1 --help'")" -eq 1 ] ||
	    fail "$1: more than one line: ${stderr:0:300}"
}

@test "random bytes: every program refuses them with exit 3 and nothing on stdout" {
	for p in gpt-msg $READERS; do
		need "$p"
		run_prog "$p" "$D/random"
		assert_refused "$p" 3
	done
	need gpt-msg
	run_prog gpt-msg "$D/random" -c - "next"
	assert_refused gpt-msg 3
}

@test "truncated JSON: every reader refuses it with one line and exit 3, wherever it is cut" {
	for p in $READERS; do
		need "$p"
		in=$D/response
		[ "$p" = gpt-send ] && in=$D/request
		for cut in 1 20 50 $(( $(wc -c <"$in") - 3 )); do
			head -c "$cut" "$in" >cut
			run_prog "$p" cut
			assert_refused "$p" 3
			assert_one_line "$p"
			stderr_has "truncated"
		done
	done
	need gpt-msg
	head -c 40 "$D/request" >cut
	run_prog gpt-msg cut -c - "next"
	assert_refused gpt-msg 3
	assert_one_line gpt-msg
}

@test "10,000-deep nesting is refused with one line and exit 3, not a crash" {
	python3 -c 'print("[" * 10000 + "]" * 10000)' >deep
	python3 -c 'print("{\"choices\":[{\"message\":{\"content\":" + "[" * 10000 + "]" * 10000 + "}}]}")' >deep-inside
	for p in $READERS; do
		need "$p"
		for f in deep deep-inside; do
			run_prog "$p" "$f"
			assert_refused "$p" 3
			assert_one_line "$p"
		done
	done
	need gpt-msg
	run_prog gpt-msg deep -c - "next"
	assert_refused gpt-msg 3
	run --separate-stderr gpt-msg --param "x=$(cat deep)" "hi" </dev/null
	assert_refused gpt-msg 2
	assert_one_line gpt-msg
}

@test "invalid UTF-8 is refused with exit 3 and the byte offset, by every program" {
	printf 'Hello \xC3\x28 world' >text
	printf '{"model":"m","messages":[{"role":"user","content":"ab\xFFcd"}]}\n' >json
	need gpt-msg
	run_prog gpt-msg text
	assert_refused gpt-msg 3
	stderr_has "invalid UTF-8 at byte 6"
	for p in $READERS; do
		need "$p"
		run_prog "$p" json
		assert_refused "$p" 3
		stderr_has "invalid UTF-8 at byte 53"
	done
}

@test "lone surrogate escapes are refused with exit 3 and the byte offset, by every reader" {
	printf '{"model":"m","messages":[{"role":"user","content":"a\\ud800"}]}\n' >high
	printf '{"model":"m","messages":[{"role":"user","content":"\\udc00b"}]}\n' >low
	for p in $READERS; do
		need "$p"
		for f in high low; do
			run_prog "$p" "$f"
			assert_refused "$p" 3
			stderr_has "lone surrogate"
			stderr_matches "at byte [0-9]+"
		done
	done
	need gpt-msg
	run_prog gpt-msg high -c - "next"
	assert_refused gpt-msg 3
}

# jq 1.6 leaks the string; under VALGRIND=1 this fails until lib/jsonin.c
# refuses such an item before libjq sees it (tests/fuzz.bats has it too).
@test "a string right after a value inside an array is refused with one line and exit 3" {
	printf '{"model":"m","messages":[1 "x"]}\n' >sep
	for p in $READERS; do
		need "$p"
		run_prog "$p" sep
		assert_refused "$p" 3
		assert_one_line "$p"
	done
}

# jq 1.6 refuses raw control characters in strings; lib/jsonin.c then
# reused the same libjq parser, which failed an assertion (abort) when
# the refused item ended the input.
@test "a raw control character in a string is refused with exit 3, not an abort" {
	printf '"\x1e"' >last
	printf '{"a":"x\x01y"}\n{"b":1}\n' >middle
	for p in $READERS; do
		need "$p"
		for f in last middle; do
			run_prog "$p" "$f"
			assert_refused "$p" 3
		done
	done
}

@test "NUL bytes in text are refused with exit 3 and the byte offset" {
	need gpt-msg
	printf 'abc\0def' >nul
	run_prog gpt-msg nul
	assert_refused gpt-msg 3
	stderr_has "byte 3"
	run --separate-stderr gpt-msg -f nul </dev/null
	assert_refused gpt-msg 3
}

# libjq reads a raw NUL byte as the number 0 ("1\0" as 1): lib/jsonin.c
# must refuse it first, or a token count of NUL is priced as zero.
@test "a NUL byte in place of a JSON number is refused, not read as 0" {
	sed 's/"completion_tokens":10/"completion_tokens":\x00/' "$D/response" >nul-number
	for p in gpt-extract gpt-cost; do
		need "$p"
		run_prog "$p" nul-number --usage
		[ "$p" = gpt-cost ] && run_prog "$p" nul-number
		assert_refused "$p" 3
	done
}

@test "numbers beyond a double: token counts of 1e999 are refused, other values pass as jq does" {
	need gpt-cost
	sed 's/"completion_tokens":10/"completion_tokens":1e999/' "$D/response" >huge
	run_prog gpt-cost huge
	assert_refused gpt-cost 3
	assert_one_line gpt-cost
	need gpt-extract
	run_prog gpt-extract huge --usage
	assert_success
	assert_output --partial '"completion_tokens":1.7976931348623157e+308'
}

# jq 1.6's parser takes words and numbers that JSON does not have: nan
# (written back as null), infinity, 01, +1, .5, 1.  lib/jsonin.c must
# refuse them first, or a reader takes "+1" tokens for 1.
@test "numbers and words that are not JSON are refused by every reader" {
	for v in nan NaN infinity -infinity 01 +1 .5 1.; do
		sed "s/\"completion_tokens\":10/\"completion_tokens\":$v/" "$D/response" >notjson
		for p in gpt-extract gpt-cost; do
			need "$p"
			run_prog "$p" notjson
			assert_refused "$p" 3
		done
	done
}

# 1e999 is not a double and nan is not JSON; libjq reads them as the
# largest double and as NaN (written "null").  A request should never
# carry a value other than the one given.
@test "gpt-msg refuses a --param number that is not finite" {
	need gpt-msg
	for v in 1e999 -1e999 nan; do
		run --separate-stderr gpt-msg --param "seed=$v" "hi" </dev/null
		assert_refused gpt-msg 2
	done
}

# lib/rx.c parsed nested groups by recursion without a limit: a price
# table (--prices is input like any other) with 150,000 nested groups in
# a regex overflowed the stack (SIGSEGV).  tests/fuzz.bats has it too.
@test "a price table regex of 150,000 nested groups is refused, not a crash" {
	need gpt-cost
	python3 -c '
import json
p = "(" * 150000 + "a" + ")" * 150000
print(json.dumps([{"id": "openai", "name": "OpenAI", "models": [{"id": "m",
    "match": {"regex": p}, "prices": {"input_mtok": 1, "output_mtok": 1}}]}]))' >prices
	run_prog gpt-cost "$D/response" -p prices
	assert_refused gpt-cost 2
	assert_one_line gpt-cost
}

@test "an empty stream: the readers succeed with no item, gpt-msg asks for a message" {
	: >empty
	for p in gpt-send gpt-extract; do
		need "$p"
		run_prog "$p" empty
		assert_success
		assert_output ''
		[ -z "$stderr" ] || fail "stderr: ${stderr:0:300}"
	done
	need gpt-cost
	run_prog gpt-cost empty
	assert_success
	assert_output --regexp '^total'
	need gpt-msg
	run_prog gpt-msg empty
	assert_refused gpt-msg 2
	assert_one_line gpt-msg
}

# Each program with an input that makes it write to stdout.
write_case() {
	case $1 in
	gpt-msg) echo "hi" >in; ARGS=() ;;
	gpt-send) cp "$D/request" in; ARGS=(--dry-run) ;;
	*) cp "$D/response" in; ARGS=() ;;
	esac
}

@test "a full disk (/dev/full) is exit 7 with one line, for every program" {
	for p in gpt-msg $READERS; do
		need "$p"
		write_case "$p"
		run -7 --separate-stderr bash -c '"$@" >/dev/full' _ "$p" "${ARGS[@]}" <in
		assert_one_line "$p"
		stderr_matches "^$p: .*No space left on device"
	done
}

@test "a closed stdout is exit 7 with one line, for every program" {
	for p in gpt-msg $READERS; do
		need "$p"
		write_case "$p"
		run -7 --separate-stderr bash -c '"$@" >&-' _ "$p" "${ARGS[@]}" <in
		assert_one_line "$p"
		stderr_matches "^$p: "
	done
}

@test "a reader gone away (EPIPE, SIGPIPE ignored) ends every program quietly" {
	for p in gpt-msg gpt-extract gpt-cost; do
		need "$p"
		case $p in
		gpt-msg) seq 1 20000 >in; ARGS=(--each-line "n {}") ;;
		*) yes "$(cat "$D/response")" | head -n 2000 >in; ARGS=() ;;
		esac
		run --separate-stderr bash -c 'trap "" PIPE; "$@" <in | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}" >rc' _ "$p" "${ARGS[@]}"
		[ -z "$stderr" ] || fail "stderr: ${stderr:0:300}"
		[ "$(cat rc)" -le 7 ] || fail "$p: exit $(cat rc)"
	done
}

# A 100 MB string through a program, its output to a file: whole, and in
# memory bounded by a small multiple of it (the peak resident set; twice
# as much is allowed under AddressSanitizer, SAN=1).
big_run() {
	local out=$1 limit=600000
	shift
	ldd "$1" 2>/dev/null | grep -q libasan && limit=1200000
	/usr/bin/time -f %M -o rss "$@" >"$out" 2>err || fail "$1: exit $?: $(head -c 300 err)"
	[ "$(tail -1 rss)" -lt $limit ] || fail "$1: peak memory $(tail -1 rss) KB for a 100 MB item"
}

@test "a 100 MB string goes through gpt-msg, gpt-extract and gpt-cost in bounded memory" {
	no_valgrind "a 100 MB string"
	head -c 104857600 /dev/zero | tr '\0' x >big-text
	need gpt-msg
	# The same request as for "x", with 100 MB where the x was.
	small=$(printf x | "$TOP/gpt-msg" -m gpt-4o-mini | wc -c)
	big_run big-request "$TOP/gpt-msg" -m gpt-4o-mini <big-text
	[ "$(stat -c %s big-request)" -eq $((small - 1 + 104857600)) ]
	[ "$(tail -c 12 big-request)" = 'xxxxxxx"}]}' ]
	rm big-request
	{
		printf '%s' '{"object":"chat.completion","created":1764000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"'
		cat big-text
		printf '%s\n' '"},"finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29}}'
	} >big-response
	rm big-text
	need gpt-extract
	big_run big-out "$TOP/gpt-extract" <big-response
	[ "$(stat -c %s big-out)" -eq 104857601 ]
	rm big-out
	need gpt-cost
	big_run big-cost "$TOP/gpt-cost" <big-response
	grep -q 'gpt-4o-mini-2024-07-18' big-cost
}

# --- gpt-send against servers that misbehave ------------------------------

# A small server for what the mock does not play: an answer of N bytes,
# a stream that never ends, and TLS with a certificate of its own.
start_server() {
	cat >server.py <<'PY'
import http.server, ssl, sys, threading
mode, portfile = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        if mode == "big":
            body = b'{"object":"chat.completion","choices":[{"message":{"content":"' + b"x" * (100 << 20) + b'"}}]}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif mode == "endless":
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.end_headers()
            ev = b'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"x"}}]}\n\n'
            try:
                while True:
                    self.wfile.write(ev * 100)
            except OSError:
                pass
        else:
            body = b'{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"tls"},"finish_reason":"stop"}]}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
s.daemon_threads = True
if mode == "tls":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain("cert.pem", "key.pem")
    s.socket = ctx.wrap_socket(s.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
import os; os.rename(portfile + ".tmp", portfile)
s.serve_forever()
PY
	python3 server.py "$1" port 2>/dev/null 3>&- &
	SERVER_PID=$!
	for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
	PORT=$(cat port)
}

# Under valgrind (VALGRIND=1: tests/helper.bash puts wrappers first on
# PATH) time and memory are not the program's own: those checks are off.
no_valgrind() {
	[ -z "${VALGRIND:-}" ] || skip "$1 is measured without valgrind"
}

# Whether ELAPSED is under SECS (always, under valgrind).
took_less() {
	[ -n "${VALGRIND:-}" ] || (( $(echo "$ELAPSED < $1" | bc) )) || fail "took $ELAPSED s"
}

# Run gpt-send with a deadline; the elapsed seconds go in ELAPSED.
send_within() {
	local limit=$1 t0
	shift
	t0=$(date +%s.%N)
	run --separate-stderr timeout "$limit" gpt-send --retries 0 "$@" <"$D/request"
	ELAPSED=$(echo "$(date +%s.%N) - $t0" | bc)
}

@test "gpt-send: a server that never answers ends at --timeout with exit 4" {
	need gpt-send
	mock_start
	mock_script '[{"hang": true}]'
	send_within 10 --timeout 1
	assert_refused gpt-send 4
	assert_one_line gpt-send
	took_less 4
}

@test "gpt-send: a body trickling one byte a second ends at --timeout with exit 4" {
	need gpt-send
	mock_start
	mock_script '[{"trickle_ms": 1000}]'
	send_within 10 --timeout 2
	assert_refused gpt-send 4
	assert_one_line gpt-send
	(( $(echo "$ELAPSED >= 1.9" | bc) )) || fail "ended after $ELAPSED s, before the timeout"
	took_less 5
}

@test "gpt-send: headers without a body end at --timeout with exit 4" {
	need gpt-send
	mock_start
	mock_script '[{"headers_only": true}]'
	send_within 10 --timeout 1
	assert_refused gpt-send 4
	assert_one_line gpt-send
	took_less 4
}

@test "gpt-send: a 307 to another host is not followed, exit 4" {
	need gpt-send
	mock_start
	mock_script '[{"redirect": "http://192.0.2.1/v1/chat/completions"}]'
	send_within 10 --connect-timeout 2
	assert_refused gpt-send 4
	assert_one_line gpt-send
	[ "$(mock_count)" -eq 1 ]
	took_less 2
}

@test "gpt-send: a never-ending stream is cut at --max-bytes with exit 4, in bounded memory" {
	need gpt-send
	no_valgrind "memory"
	start_server endless
	run --separate-stderr /usr/bin/time -f %M -o rss timeout 20 "$TOP/gpt-send" --retries 0 -S \
	    --max-bytes 1000000 --base-url "http://127.0.0.1:$PORT/v1" <"$D/request"
	[ "$status" -eq 4 ] || fail "exit $status; stderr: ${stderr:0:300}"
	assert_one_line gpt-send
	[ "$(tail -1 rss)" -lt 200000 ] || fail "peak memory $(tail -1 rss) KB"
	# Whole chunk lines only, each as it came.
	[ -z "$output" ] || [ "$(printf '%s\n' "$output" | jq -c . | wc -l)" -eq "$(printf '%s\n' "$output" | wc -l)" ]
}

@test "gpt-send: a 100 MB answer is refused at --max-bytes (64 MiB) in bounded memory" {
	need gpt-send
	no_valgrind "memory"
	start_server big
	run --separate-stderr /usr/bin/time -f %M -o rss timeout 60 "$TOP/gpt-send" --retries 0 \
	    --base-url "http://127.0.0.1:$PORT/v1" <"$D/request"
	assert_refused gpt-send 4
	assert_one_line gpt-send
	[ "$(tail -1 rss)" -lt 400000 ] || fail "peak memory $(tail -1 rss) KB"
}

make_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
	    -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
}

@test "gpt-send: a self-signed TLS certificate is refused with exit 4, nothing sent" {
	need gpt-send
	make_cert
	start_server tls
	send_within 10 --base-url "https://127.0.0.1:$PORT/v1"
	assert_refused gpt-send 4
	assert_one_line gpt-send
	# The same server is trusted when its certificate is named the CA.
	CURL_CA_BUNDLE= SSL_CERT_FILE=$PWD/cert.pem send_within 10 --base-url "https://127.0.0.1:$PORT/v1"
	assert_success
	assert_output --partial '"tls"'
}
