#!/usr/bin/env bats
# gpt-send against the mock server: what it sends, what it writes, and
# every retry, streaming and security rule of RELIABILITY.md.
bats_require_minimum_version 1.5.0
load helper
load mock
load prism

# Prism (the official OpenAI spec, validating) for the conformance tests at
# the end; the other tests do not need it and run without it.
setup_file() {
	prism_start || true
}

teardown_file() {
	prism_stop
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	mock_start
}

teardown() {
	mock_stop
	tls_stop
}

# A TLS server with a self-signed certificate for 127.0.0.1, answering every
# POST with one fixed chat.completion.  Exports TLS_URL, TLS_CERT, TLS_PID.
make_cert() {
	local d=$BATS_TEST_TMPDIR/tls
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -subj /CN=127.0.0.1 -addext 'subjectAltName=IP:127.0.0.1' -days 1 \
	    -keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null || fail "openssl failed"
	TLS_CERT=$d/cert.pem
}

tls_start() {
	local d=$BATS_TEST_TMPDIR/tls
	make_cert
	python3 -c '
import http.server, json, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        b = json.dumps({"object": "chat.completion", "choices": [{"index": 0,
            "message": {"role": "assistant", "content": "over TLS"},
            "finish_reason": "stop"}]}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
s = http.server.HTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
s.socket = ctx.wrap_socket(s.socket, server_side=True)
with open(sys.argv[3] + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
import os
os.rename(sys.argv[3] + ".tmp", sys.argv[3])
s.serve_forever()
' "$d/cert.pem" "$d/key.pem" "$d/port" 2>/dev/null 3>&- &
	TLS_PID=$!
	for _ in $(seq 100); do
		[ -s "$d/port" ] && break
		sleep 0.05
	done
	[ -s "$d/port" ] || fail "the TLS server did not start"
	TLS_URL=https://127.0.0.1:$(cat "$d/port")/v1
	TLS_CERT=$d/cert.pem
}

# The same over HTTP/2 (node's http2 module), for the HTTP/2 trace.
h2_start() {
	command -v node >/dev/null || fail "node is needed for the HTTP/2 server"
	local d=$BATS_TEST_TMPDIR/tls
	make_cert
	node -e '
const http2 = require("http2"), fs = require("fs");
const s = http2.createSecureServer({key: fs.readFileSync(process.argv[1]),
    cert: fs.readFileSync(process.argv[2])});
s.on("stream", (st, h) => {
	st.on("data", () => {});
	st.on("end", () => {
		st.respond({":status": 200, "content-type": "application/json",
		    "x-request-id": "req_h2"});
		st.end(JSON.stringify({object: "chat.completion", choices: [{index: 0,
		    message: {role: "assistant", content: "over HTTP/2"}, finish_reason: "stop"}]}));
	});
});
s.listen(0, "127.0.0.1", () => {
	fs.writeFileSync(process.argv[3] + ".tmp", String(s.address().port));
	fs.renameSync(process.argv[3] + ".tmp", process.argv[3]);
});' "$d/key.pem" "$d/cert.pem" "$d/port" 2>/dev/null 3>&- &
	TLS_PID=$!
	for _ in $(seq 100); do
		[ -s "$d/port" ] && break
		sleep 0.05
	done
	[ -s "$d/port" ] || fail "the HTTP/2 server did not start"
	TLS_URL=https://127.0.0.1:$(cat "$d/port")/v1
}

tls_stop() {
	if [ -n "${TLS_PID:-}" ]; then
		kill "$TLS_PID" 2>/dev/null
		wait "$TLS_PID" 2>/dev/null || true
		unset TLS_PID
	fi
	return 0
}

REQ='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'

# The recorded attempts' X-Stainless-Retry-Count values, space-separated.
retry_counts() {
	mock_requests | jq -r '.headers["x-stainless-retry-count"]' | tr '\n' ' ' | sed 's/ $//'
}

# Seconds between the arrival of recorded requests $1 and $2.
gap() {
	mock_requests | jq -s --argjson a "$1" --argjson b "$2" \
	    '(.[] | select(.n == $b) | .t) - (.[] | select(.n == $a) | .t)'
}

# Succeeds when $1 >= $2 (decimals).
at_least() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }' ||
	    fail "expected at least $2, got $1"
}

# Succeeds when $1 < $2 (decimals).
below() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }' ||
	    fail "expected below $2, got $1"
}

# The chunks the mock streams for "hi" with usage, as gpt-send writes them.
stream_golden() {
	run --separate-stderr gpt-send -S <<<"$REQ"
	assert_success
	printf '%s\n' "$output"
}

# ---- one request, one response ---------------------------------------

@test "a request is posted and its response written as one compact line" {
	run --separate-stderr gpt-send <<<"$REQ"
	assert_success
	[ "$stderr" = "" ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ]
	run jq -r '.object + " " + .choices[0].message.content' <<<"$output"
	assert_output "chat.completion You said: hi"
	[ "$(mock_count)" -eq 1 ]
}

@test "the body sent is the request as given" {
	body='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"héllo\n\"x\""}],"temperature":0.7}'
	run gpt-send <<<"$body"
	assert_success
	[ "$(mock_body 1 | jq_canon)" = "$(jq_canon <<<"$body")" ]
	mock_body 1 | grep -q '"temperature":0.7'
}

@test "the request goes to the base URL plus /chat/completions with the documented headers" {
	run gpt-send <<<"$REQ"
	assert_success
	mock_requests | jq -e '.method == "POST" and .path == "/v1/chat/completions"' >/dev/null
	[ "$(mock_header 1 authorization)" = "Bearer sk-test-mock-key" ]
	[ "$(mock_header 1 content-type)" = "application/json" ]
	[ "$(mock_header 1 user-agent)" = "gpt-tools/0.1.0" ]
	[ "$(mock_header 1 x-stainless-retry-count)" = "0" ]
	run mock_header 1 openai-organization
	assert_failure
	run mock_header 1 openai-project
	assert_failure
}

@test "compressed responses are asked for" {
	run gpt-send <<<"$REQ"
	assert_success
	[[ $(mock_header 1 accept-encoding) == *gzip* ]]
}

@test "OPENAI_ORG_ID and OPENAI_PROJECT_ID are sent as OpenAI-Organization and OpenAI-Project" {
	OPENAI_ORG_ID=org-123 OPENAI_PROJECT_ID=proj_456 run gpt-send <<<"$REQ"
	assert_success
	[ "$(mock_header 1 openai-organization)" = "org-123" ]
	[ "$(mock_header 1 openai-project)" = "proj_456" ]
}

@test "--base-url wins over OPENAI_BASE_URL" {
	OPENAI_BASE_URL=http://127.0.0.1:1/v1 run gpt-send --base-url "$MOCK_URL" <<<"$REQ"
	assert_success
	[ "$(mock_count)" -eq 1 ]
}

@test "a base URL with a trailing slash still posts to /v1/chat/completions" {
	run gpt-send --base-url "$MOCK_URL/" <<<"$REQ"
	assert_success
	mock_requests | jq -e '.path == "/v1/chat/completions"' >/dev/null
}

@test "http://localhost is allowed as loopback" {
	run gpt-send --base-url "http://localhost:$MOCK_PORT/v1" <<<"$REQ"
	assert_success
	[ "$(mock_count)" -eq 1 ]
}

@test "-m overrides the model of the request" {
	run gpt-send -m gpt-4o <<<"$REQ"
	assert_success
	[ "$(mock_body 1 | jq -r .model)" = "gpt-4o" ]
	[ "$(jq -r .model <<<"$output")" = "gpt-4o" ]
}

@test "--model fills in a missing model" {
	run gpt-send --model gpt-4.1 <<<'{"messages":[{"role":"user","content":"hi"}]}'
	assert_success
	[ "$(mock_body 1 | jq -r .model)" = "gpt-4.1" ]
}

@test "a request without a model is refused with status 3 and not sent" {
	run --separate-stderr gpt-send <<<'{"messages":[{"role":"user","content":"hi"}]}'
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[[ $stderr == *"<stdin>:1: request has no model"* ]]
	[ "$(mock_count)" -eq 0 ]
}

@test "input that is not JSON is status 3 and nothing is sent" {
	run --separate-stderr gpt-send <<<'{"model": '
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$(mock_count)" -eq 0 ]
}

@test "JSON that is not a request is status 3, names its shape, and is not sent" {
	run --separate-stderr gpt-send <<<'{"object":"chat.completion","choices":[]}'
	[ "$status" -eq 3 ]
	[[ $stderr == "gpt-send: <stdin>:1: a response, not a request: not sent" ]]
	[ "$(mock_count)" -eq 0 ]
}

@test "a pretty-printed response body becomes one line" {
	mock_script '[{"body": {"object": "chat.completion", "id": "x", "choices": [{"index": 0, "message": {"role": "assistant", "content": "a\nb"}}]}}]'
	run gpt-send <<<"$REQ"
	assert_success
	assert_output '{"object":"chat.completion","id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"a\nb"}}]}'
}

@test "requests are read from files named as arguments, - for stdin" {
	printf '%s\n' "$REQ" >"$BATS_TEST_TMPDIR/q.json"
	run gpt-send "$BATS_TEST_TMPDIR/q.json" - "$BATS_TEST_TMPDIR/q.json" <<<"$REQ"
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	[ "$(mock_count)" -eq 3 ]
}

# ---- a stream of requests --------------------------------------------

@test "a stream of 3 requests reuses one connection" {
	run gpt-send < <(for i in 1 2 3; do printf '%s\n' "$REQ"; done)
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	[ "$(mock_count)" -eq 3 ]
	[ "$(mock_requests | jq -r .conn | sort -u | wc -l)" -eq 1 ]
}

@test "every item gets one outcome, the run goes on, and exits with the worst status" {
	mock_script '[{"status": 400}]'
	input=$(printf '%s\n' "$REQ" "$REQ" '{"not": "a request"}' "$REQ")
	run --separate-stderr gpt-send <<<"$input"
	[ "$status" -eq 3 ]
	[ "${#lines[@]}" -eq 3 ]
	jq -e '.error.type == "invalid_request_error"' <<<"${lines[0]}" >/dev/null
	jq -e '.object == "chat.completion"' <<<"${lines[1]}" >/dev/null
	jq -e '.object == "chat.completion"' <<<"${lines[2]}" >/dev/null
	[ "$(mock_count)" -eq 3 ]
	[[ $stderr == *"<stdin>:1: HTTP 400"* ]]
	[[ $stderr == *"<stdin>:3: not a chat completion request"* ]]
}

@test "responses come out in the order of the requests" {
	input=$(for w in one two three; do
		jq -nc --arg w "$w" '{model: "gpt-4o-mini", messages: [{role: "user", content: $w}]}'
	done)
	run gpt-send <<<"$input"
	assert_success
	run jq -r '.choices[0].message.content' <<<"$output"
	assert_output "$(printf 'You said: one\nYou said: two\nYou said: three')"
}

# ---- batch lines --------------------------------------------------------

BATCH='{"custom_id":"req-1","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}}'

@test "a batch input line sends its body and gets a Batch API output line" {
	run --separate-stderr gpt-send <<<"$BATCH"
	assert_success
	[ "$(mock_body 1 | jq_canon)" = "$(jq -c .body <<<"$BATCH" | jq_canon)" ]
	jq -e '(.id | startswith("local_req_")) and .custom_id == "req-1" and .error == null
	    and .response.status_code == 200
	    and (.response.request_id | startswith("req_"))
	    and .response.body.choices[0].message.content == "You said: hi"' <<<"$output" >/dev/null
	[ "$(jq -r 'keys | join(",")' <<<"$output")" = "custom_id,error,id,response" ]
}

@test "a batch line's request_id is the response's x-request-id" {
	mock_script '[{"headers": {"x-request-id": "req_fixed42"}}]'
	run gpt-send <<<"$BATCH"
	assert_success
	[ "$(jq -r .response.request_id <<<"$output")" = "req_fixed42" ]
}

@test "a batch line answered with an API error gets the status and error body, status 1" {
	mock_script '[{"status": 400, "message": "bad thing"}]'
	run --separate-stderr gpt-send <<<"$BATCH"
	[ "$status" -eq 1 ]
	jq -e '.custom_id == "req-1" and .error == null and .response.status_code == 400
	    and .response.body.error.message == "bad thing"' <<<"$output" >/dev/null
	[[ $stderr == *"<stdin>:1 (req-1): HTTP 400"* ]]
}

@test "a batch line without an HTTP answer has a null response and an error, status 4" {
	run --separate-stderr gpt-send --retries 0 --base-url http://127.0.0.1:1/v1 <<<"$BATCH"
	[ "$status" -eq 4 ]
	jq -e '.custom_id == "req-1" and .response == null and .error.code == "connection_error"
	    and (.error.message | length > 0)' <<<"$output" >/dev/null
}

@test "a duplicate custom_id in a pipe is refused with status 3 before anything is sent" {
	run --separate-stderr gpt-send < <(printf '%s\n' "$BATCH" "$REQ" "$BATCH")
	[ "$status" -eq 3 ]
	[ "$(mock_count)" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = 'gpt-send: <stdin>:3: duplicate custom_id "req-1" (first at <stdin>:1): nothing sent' ]
}

@test "a duplicate custom_id in a file is refused with status 3 before anything is sent" {
	{ batch_lines 3; echo; batch_lines 2; } >in.jsonl
	run --separate-stderr gpt-send -P 4 -o out.jsonl in.jsonl
	[ "$status" -eq 3 ]
	[ "$(mock_count)" -eq 0 ]
	[ ! -e out.jsonl ]
	[ "$stderr" = 'gpt-send: in.jsonl:5: duplicate custom_id "id-1" (first at in.jsonl:1): nothing sent' ]
}

@test "a duplicate custom_id across two files is refused before anything is sent" {
	batch_lines 2 >a.jsonl
	batch_lines 3 | tail -2 >b.jsonl
	run --separate-stderr gpt-send a.jsonl b.jsonl
	[ "$status" -eq 3 ]
	[ "$(mock_count)" -eq 0 ]
	[ "$stderr" = 'gpt-send: b.jsonl:1: duplicate custom_id "id-2" (first at a.jsonl:2): nothing sent' ]
}

@test "batch lines from a pipe keep their line numbers in messages" {
	{ printf '\n\n'; batch_lines 1; echo '{"custom_id": "bad", "method": "GET",'; echo '"url": "/v1/chat/completions", "body": {}}'; } >in.jsonl
	run --separate-stderr gpt-send < <(cat in.jsonl)
	[ "$status" -eq 3 ]
	[ "$stderr" = "gpt-send: <stdin>:4 (bad): batch line method is not POST: not sent" ]
	[ "$(mock_count)" -eq 1 ]
}

@test "a batch line for another endpoint is refused with status 3" {
	run --separate-stderr gpt-send <<<"$(jq -c '.url = "/v1/embeddings"' <<<"$BATCH")"
	[ "$status" -eq 3 ]
	[ "$(mock_count)" -eq 0 ]
	jq -e '.custom_id == "req-1" and .error.code == "invalid_request"' <<<"$output" >/dev/null
}

@test "a batch line asking for a stream is refused: the Batch API does not stream" {
	run gpt-send <<<"$(jq -c '.body.stream = true' <<<"$BATCH")"
	[ "$status" -eq 3 ]
	[ "$(mock_count)" -eq 0 ]
}

@test "-m overrides the model inside a batch line's body" {
	run gpt-send -m gpt-4o <<<"$BATCH"
	assert_success
	[ "$(mock_body 1 | jq -r .model)" = "gpt-4o" ]
}

# ---- API errors ---------------------------------------------------------

@test "an API error body goes to stdout unchanged and one line to stderr" {
	mock_script '[{"status": 429, "headers": {"x-request-id": "req_abc"}, "message": "Slow down."}]'
	run --separate-stderr gpt-send --retries 0 <<<"$REQ"
	[ "$status" -eq 1 ]
	assert_output '{"error":{"message":"Slow down.","type":"requests","param":null,"code":"rate_limit_exceeded"}}'
	[ "$stderr" = "gpt-send: <stdin>:1: HTTP 429 rate_limit_exceeded: Slow down. (request req_abc)" ]
}

@test "an error without a code is named by its type" {
	mock_script '[{"status": 401, "error_type": "invalid_request_error", "message": "No."}]'
	run --separate-stderr gpt-send <<<"$REQ"
	[ "$status" -eq 1 ]
	[[ $stderr == "gpt-send: <stdin>:1: HTTP 401 invalid_request_error: No. (request req_"*")" ]]
}

@test "-q prints no error line but keeps the status and the error body" {
	mock_script '[{"status": 400}]'
	run --separate-stderr gpt-send -q <<<"$REQ"
	[ "$status" -eq 1 ]
	[ "$stderr" = "" ]
	jq -e .error <<<"$output" >/dev/null
}

@test "a 200 whose body is not JSON is status 4 and the body is not echoed" {
	mock_script '[{"not_json": true}]'
	run --separate-stderr gpt-send <<<"$REQ"
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
	[[ $stderr == *"HTTP 200: response body is not JSON"* ]]
	[ "$(mock_count)" -eq 1 ]
}

@test "a 502 HTML page is retried, then status 4" {
	mock_script '[{"status": 502, "not_json": true, "headers": {"retry-after-ms": "10"}},
	              {"status": 502, "not_json": true, "headers": {"retry-after-ms": "10"}},
	              {"status": 502, "not_json": true, "headers": {"retry-after-ms": "10"}}]'
	run --separate-stderr gpt-send <<<"$REQ"
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
	[ "$(mock_count)" -eq 3 ]
}

@test "a 307 redirect is not followed: status 4, one request" {
	mock_script "[{\"redirect\": \"$MOCK_URL/elsewhere\"}]"
	run --separate-stderr gpt-send <<<"$REQ"
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
	[[ $stderr == *"HTTP 307: redirect to $MOCK_URL/elsewhere not followed"* ]]
	[ "$(mock_requests | wc -l)" -eq 1 ]
}

@test "a refused connection is status 4" {
	run --separate-stderr gpt-send --retries 0 --base-url http://127.0.0.1:1/v1 <<<"$REQ"
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
	[[ $stderr == "gpt-send: <stdin>:1: "* ]]
}

# ---- retries --------------------------------------------------------------

@test "a 500 is tried 3 times by default with X-Stainless-Retry-Count 0, 1, 2" {
	mock_script '[{"status": 500}, {"status": 500}, {"status": 500}]'
	run --separate-stderr gpt-send <<<"$REQ"
	[ "$status" -eq 1 ]
	[ "$(mock_count)" -eq 3 ]
	[ "$(retry_counts)" = "0 1 2" ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "the default backoff waits 0.375-0.5 s, then 0.75-1 s" {
	mock_script '[{"status": 500}, {"status": 500}, {"status": 500}]'
	run gpt-send <<<"$REQ"
	[ "$(mock_count)" -eq 3 ]
	at_least "$(gap 1 2)" 0.37
	below "$(gap 1 2)" 0.9
	at_least "$(gap 2 3)" 0.74
	below "$(gap 2 3)" 1.5
}

@test "a retry that succeeds writes only the success, status 0" {
	mock_script '[{"status": 503, "headers": {"retry-after-ms": "10"}}]'
	run --separate-stderr gpt-send <<<"$REQ"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	jq -e '.object == "chat.completion"' <<<"$output" >/dev/null
	[ "$(retry_counts)" = "0 1" ]
}

@test "408, 409 and 429 are retried" {
	for s in 408 409 429; do
		mock_reset
		mock_script "[{\"status\": $s, \"headers\": {\"retry-after-ms\": \"10\"}}]"
		run gpt-send <<<"$REQ"
		assert_success
		[ "$(mock_count)" -eq 2 ] || fail "status $s was not retried"
	done
}

@test "400, 401, 403, 404 and 422 are never retried" {
	for s in 400 401 403 404 422; do
		mock_reset
		mock_script "[{\"status\": $s, \"headers\": {\"retry-after-ms\": \"10\"}}]"
		run gpt-send <<<"$REQ"
		[ "$status" -eq 1 ]
		[ "$(mock_count)" -eq 1 ] || fail "status $s was retried"
	done
}

@test "a 429 insufficient_quota is final" {
	mock_script '[{"status": 429, "error_type": "insufficient_quota", "headers": {"retry-after-ms": "10"}}]'
	run --separate-stderr gpt-send <<<"$REQ"
	[ "$status" -eq 1 ]
	[ "$(mock_count)" -eq 1 ]
	[[ $stderr == *"HTTP 429 insufficient_quota: You exceeded your current quota"* ]]
}

@test "x-should-retry: false stops the retry of a 500" {
	mock_script '[{"status": 500, "headers": {"x-should-retry": "false"}}]'
	run gpt-send <<<"$REQ"
	[ "$status" -eq 1 ]
	[ "$(mock_count)" -eq 1 ]
}

@test "x-should-retry: true retries a 400" {
	mock_script '[{"status": 400, "headers": {"x-should-retry": "true", "retry-after-ms": "10"}}]'
	run gpt-send <<<"$REQ"
	assert_success
	[ "$(mock_count)" -eq 2 ]
}

@test "retry-after-ms 300 makes the next attempt wait at least 0.3 s" {
	mock_script '[{"status": 429, "headers": {"retry-after-ms": "300"}}]'
	run gpt-send <<<"$REQ"
	assert_success
	[ "$(mock_count)" -eq 2 ]
	at_least "$(gap 1 2)" 0.3
	below "$(gap 1 2)" 1.5
}

@test "a fractional retry-after-ms is honoured" {
	mock_script '[{"status": 429, "headers": {"retry-after-ms": "1200.5"}}]'
	run gpt-send <<<"$REQ"
	assert_success
	at_least "$(gap 1 2)" 1.2005
	below "$(gap 1 2)" 2.2
}

@test "retry-after-ms wins over retry-after" {
	mock_script '[{"status": 429, "headers": {"retry-after-ms": "20", "retry-after": "5"}}]'
	run gpt-send <<<"$REQ"
	assert_success
	below "$(gap 1 2)" 1
}

@test "retry-after 1 (seconds) makes the next attempt wait at least 1 s" {
	mock_script '[{"status": 503, "headers": {"retry-after": "1"}}]'
	run gpt-send <<<"$REQ"
	assert_success
	at_least "$(gap 1 2)" 1
	below "$(gap 1 2)" 2.5
}

@test "retry-after as an HTTP date is honoured" {
	# Whole seconds: the wait is 3 to 4 s less the time to the first attempt,
	# clearly longer than any backoff the date could be mistaken for.
	when=$(date -u -d '+4 seconds' '+%a, %d %b %Y %H:%M:%S GMT')
	mock_script "[{\"status\": 503, \"headers\": {\"retry-after\": \"$when\"}}]"
	run gpt-send <<<"$REQ"
	assert_success
	at_least "$(gap 1 2)" 1.2
	below "$(gap 1 2)" 4.5
}

@test "retry-after 121 s is not retried and is reported" {
	mock_script '[{"status": 429, "headers": {"retry-after": "121"}}]'
	run --separate-stderr gpt-send <<<"$REQ"
	[ "$status" -eq 1 ]
	[ "$(mock_count)" -eq 1 ]
	[[ $stderr == *"HTTP 429 rate_limit_exceeded"*"(the server asks to wait 121 s: not retried)" ]]
}

@test "retry-after 0, negative or garbage falls back to the backoff" {
	for v in 0 -3 soon nan inf; do
		mock_reset
		mock_script "[{\"status\": 429, \"headers\": {\"retry-after\": \"$v\"}}]"
		run gpt-send <<<"$REQ"
		assert_success
		[ "$(mock_count)" -eq 2 ]
		at_least "$(gap 1 2)" 0.37
		below "$(gap 1 2)" 1
	done
}

@test "--retries 0 never retries and --retries 3 tries 4 times" {
	mock_script '[{"status": 500}]'
	run gpt-send --retries 0 <<<"$REQ"
	[ "$status" -eq 1 ]
	[ "$(mock_count)" -eq 1 ]
	mock_reset
	mock_script '[{"status": 500, "headers": {"retry-after-ms": "5"}}, {"status": 500, "headers": {"retry-after-ms": "5"}},
	              {"status": 500, "headers": {"retry-after-ms": "5"}}, {"status": 500, "headers": {"retry-after-ms": "5"}}]'
	run gpt-send --retries 3 <<<"$REQ"
	[ "$status" -eq 1 ]
	[ "$(mock_count)" -eq 4 ]
	[ "$(retry_counts)" = "0 1 2 3" ]
}

@test "a body cut before it was complete is sent again" {
	mock_script '[{"cut_after": 20}]'
	run --separate-stderr gpt-send <<<"$REQ"
	assert_success
	[ "$(mock_count)" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	jq -e '.object == "chat.completion"' <<<"$output" >/dev/null
}

@test "a timeout is retried, then status 4" {
	mock_script '[{"hang": true}, {"hang": true}]'
	run --separate-stderr gpt-send --timeout 0.3 --retries 1 <<<"$REQ"
	[ "$status" -eq 4 ]
	[ "$(mock_count)" -eq 2 ]
	[ "$output" = "" ]
	[[ $stderr == *"timed out"* ]]
}

@test "a batch line that timed out has the error code timeout" {
	mock_script '[{"hang": true}]'
	run --separate-stderr gpt-send --timeout 0.3 --retries 0 <<<"$BATCH"
	[ "$status" -eq 4 ]
	jq -e '.custom_id == "req-1" and .response == null and .error.code == "timeout"' <<<"$output" >/dev/null
}

@test "headers with no body time out too" {
	mock_script '[{"headers_only": true}]'
	run --separate-stderr gpt-send --timeout 0.3 --retries 0 <<<"$REQ"
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
}

@test "--verbose says when and why it retries" {
	mock_script '[{"status": 503, "headers": {"retry-after-ms": "10"}}]'
	run --separate-stderr gpt-send -v <<<"$REQ"
	assert_success
	[[ $stderr == *"<stdin>:1: HTTP 503: retry 1 of 2 in 0.010 s"* ]]
}

# ---- streaming ------------------------------------------------------------

@test "-S asks for a stream with usage and writes one chunk per line, usage last" {
	run --separate-stderr gpt-send -S <<<"$REQ"
	assert_success
	mock_body 1 | jq -e '.stream == true and .stream_options.include_usage == true' >/dev/null
	[ "$(mock_header 1 accept)" = "text/event-stream" ]
	[ "${#lines[@]}" -ge 3 ]
	printf '%s\n' "$output" | jq -se 'all(.object == "chat.completion.chunk")' >/dev/null
	printf '%s\n' "$output" | jq -sre '[.[].choices[0].delta.content // empty] | join("")' |
	    grep -qx 'You said: hi'
	jq -e '.choices == [] and .usage.total_tokens > 0' <<<"${lines[-1]}" >/dev/null
}

@test "-S keeps the request's own stream_options" {
	run gpt-send -S <<<'{"model":"m","messages":[],"stream_options":{"x":1}}'
	mock_body 1 | jq -e '.stream_options == {"x": 1, "include_usage": true}' >/dev/null
}

@test "a request that says stream true is streamed without -S" {
	run --separate-stderr gpt-send <<<'{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}'
	assert_success
	printf '%s\n' "$output" | jq -se 'length >= 3 and all(.object == "chat.completion.chunk")' >/dev/null
	mock_body 1 | jq -e 'has("stream_options") | not' >/dev/null
}

@test "a stream split byte by byte gives the same chunks" {
	want=$(stream_golden)
	mock_script '[{"split_every": 1}]'
	run --separate-stderr gpt-send -S <<<"$REQ"
	assert_success
	[ "$(printf '%s\n' "$output" | jq -c 'del(.id, .created)')" = "$(printf '%s\n' "$want" | jq -c 'del(.id, .created)')" ]
}

@test "a stream split at odd offsets gives the same chunks" {
	want=$(stream_golden)
	mock_script '[{"split": [1, 5, 6, 7, 99, 100, 101, 250, 251, 333]}]'
	run --separate-stderr gpt-send -S <<<"$REQ"
	assert_success
	[ "$(printf '%s\n' "$output" | jq -c 'del(.id, .created)')" = "$(printf '%s\n' "$want" | jq -c 'del(.id, .created)')" ]
}

@test "a stream with CRLF line endings split between CR and LF gives the same chunks" {
	want=$(stream_golden)
	mock_script '[{"crlf": true, "split_every": 3}]'
	run --separate-stderr gpt-send -S <<<"$REQ"
	assert_success
	[ "$(printf '%s\n' "$output" | jq -c 'del(.id, .created)')" = "$(printf '%s\n' "$want" | jq -c 'del(.id, .created)')" ]
}

@test "comments in a stream are skipped" {
	want=$(stream_golden)
	mock_script '[{"comments": true}]'
	run --separate-stderr gpt-send -S <<<"$REQ"
	assert_success
	[ "$(printf '%s\n' "$output" | jq -c 'del(.id, .created)')" = "$(printf '%s\n' "$want" | jq -c 'del(.id, .created)')" ]
}

@test "events written by hand: multi-line data, fields and [DONE] exactly" {
	mock_script '[{"events": [
	    ": hello\n\n",
	    "id: 1\nretry: 10\ndata: {\"object\":\"chat.completion.chunk\",\ndata: \"choices\":[]}\n\n",
	    "data:{\"object\":\"chat.completion.chunk\",\"choices\":[],\"n\":2}\r\n\r\n",
	    "data: [DONE]\n\n",
	    "data: {\"after\":\"done\"}\n\n"]}]'
	run --separate-stderr gpt-send -S <<<"$REQ"
	assert_success
	assert_output "$(printf '%s\n' '{"object":"chat.completion.chunk","choices":[]}' '{"object":"chat.completion.chunk","choices":[],"n":2}')"
}

@test "a stream without [DONE] is status 4, with the chunks that came" {
	mock_script '[{"no_done": true}]'
	run --separate-stderr gpt-send -S <<<"$REQ"
	[ "$status" -eq 4 ]
	[ "${#lines[@]}" -ge 3 ]
	[[ $stderr == *"<stdin>:1: stream ended without [DONE]"* ]]
	[ "$(mock_count)" -eq 1 ]
}

@test "a stream cut midway is sent once and is status 4" {
	# The first event is about 330 bytes long: 1000 cuts after the third.
	mock_script '[{"cut_after": 1000, "headers": {"retry-after-ms": "10"}}]'
	run --separate-stderr gpt-send -S <<<"$REQ"
	[ "$status" -eq 4 ]
	[ "${#lines[@]}" -ge 1 ]
	printf '%s\n' "$output" | jq -se 'all(.object == "chat.completion.chunk")' >/dev/null
	[ "$(mock_count)" -eq 1 ]
}

@test "a stream cut before its first event is sent again" {
	mock_script '[{"cut_after": 200, "stream": true}]'
	run --separate-stderr gpt-send -S <<<"$REQ"
	assert_success
	[ "$(mock_count)" -eq 2 ]
}

@test "an error event is an API error: status 1, the error object on stdout" {
	mock_script '[{"events": [
	    "data: {\"object\":\"chat.completion.chunk\",\"choices\":[]}\n\n",
	    "event: error\ndata: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n"]}]'
	run --separate-stderr gpt-send -S <<<"$REQ"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[1]}" = '{"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}' ]
	[[ $stderr == *"<stdin>:1: stream error server_error: overloaded"* ]]
	[ "$(mock_count)" -eq 1 ]
}

@test "data holding an error object is an API error, status 1" {
	mock_script '[{"events": ["data: {\"error\":{\"message\":\"bad\",\"type\":\"server_error\",\"code\":\"x1\"}}\n\n"]}]'
	run --separate-stderr gpt-send -S <<<"$REQ"
	[ "$status" -eq 1 ]
	assert_output '{"error":{"message":"bad","type":"server_error","code":"x1"}}'
	[[ $stderr == *"stream error x1: bad"* ]]
}

@test "data that is not JSON is status 4 and is not echoed" {
	mock_script '[{"events": ["data: {\"object\":\"chat.completion.chunk\",\"choices\":[]}\n\n", "data: <html>secret page</html>\n\n", "data: [DONE]\n\n"]}]'
	run --separate-stderr gpt-send -S <<<"$REQ"
	[ "$status" -eq 4 ]
	assert_output '{"object":"chat.completion.chunk","choices":[]}'
	[[ $stderr != *"secret page"* ]]
	[ "$(mock_count)" -eq 1 ]
}

@test "each chunk is written the moment its event completes" {
	mock_script '[{"chunk_delay_ms": 700}]'
	gpt-send -S <<<"$REQ" >"$BATS_TEST_TMPDIR/out" &
	pid=$!
	# Wait for the first chunk (however slow the start, as under valgrind):
	# it must come while the stream still has seconds to go.
	for _ in $(seq 200); do
		[ -s "$BATS_TEST_TMPDIR/out" ] && break
		sleep 0.05
	done
	early=$(wc -l <"$BATS_TEST_TMPDIR/out")
	running=0
	kill -0 "$pid" 2>/dev/null && running=1
	wait "$pid"
	[ "$early" -ge 1 ]
	[ "$running" -eq 1 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -gt "$early" ]
}

@test "a stream silent for longer than --timeout fails with status 4" {
	mock_script '[{"chunk_delay_ms": 1500}]'
	run --separate-stderr gpt-send -S --timeout 0.5 <<<"$REQ"
	[ "$status" -eq 4 ]
	[ "${#lines[@]}" -ge 1 ]
	[[ $stderr == *"no data for 0.5 s"* ]]
	[ "$(mock_count)" -eq 1 ]
}

@test "a slow but steady stream outlives --timeout" {
	mock_script '[{"chunk_delay_ms": 300}]'
	run --separate-stderr gpt-send -S --timeout 1 <<<"$REQ"
	assert_success
}

@test "an error status on a streamed request is written as an error body" {
	mock_script '[{"status": 400, "message": "nope"}]'
	run --separate-stderr gpt-send -S <<<"$REQ"
	[ "$status" -eq 1 ]
	jq -e '.error.message == "nope"' <<<"$output" >/dev/null
}

# ---- sizes ------------------------------------------------------------------

@test "--max-bytes aborts a larger response with status 4" {
	mock_script '[{"content": "'"$(printf 'x%.0s' $(seq 1 2000))"'"}]'
	run --separate-stderr gpt-send --max-bytes 1000 <<<"$REQ"
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
	[[ $stderr == *"larger than --max-bytes 1000"* ]]
	[ "$(mock_count)" -eq 1 ]
}

@test "--max-bytes lets a smaller response through" {
	run gpt-send --max-bytes 100000 <<<"$REQ"
	assert_success
}

@test "--max-bytes applies to a stream" {
	run --separate-stderr gpt-send -S --max-bytes 200 <<<"$REQ"
	[ "$status" -eq 4 ]
	[ "$(mock_count)" -eq 1 ]
}

# ---- the key and the URL ------------------------------------------------------

@test "a missing key is status 2 and nothing is sent" {
	unset OPENAI_API_KEY
	run --separate-stderr gpt-send <<<"$REQ"
	[ "$status" -eq 2 ]
	[ "$stderr" = "gpt-send: no API key: set OPENAI_API_KEY or use --api-key-file" ]
	[ "$(mock_count)" -eq 0 ]
}

@test "the key file's trailing newline is stripped" {
	printf 'sk-from-file\n' >"$BATS_TEST_TMPDIR/key"
	run gpt-send --api-key-file "$BATS_TEST_TMPDIR/key" <<<"$REQ"
	assert_success
	[ "$(mock_header 1 authorization)" = "Bearer sk-from-file" ]
}

@test "a key with CR is refused with status 2 and nothing is sent" {
	printf 'sk-a\rX-Evil: 1\n' >"$BATS_TEST_TMPDIR/key"
	run --separate-stderr gpt-send --api-key-file "$BATS_TEST_TMPDIR/key" <<<"$REQ"
	[ "$status" -eq 2 ]
	[[ $stderr == *"carriage return"* ]]
	[ "$(mock_count)" -eq 0 ]
}

@test "a key with LF in OPENAI_API_KEY is refused with status 2" {
	OPENAI_API_KEY=$'sk-a\nX-Evil: 1' run gpt-send <<<"$REQ"
	[ "$status" -eq 2 ]
	[ "$(mock_count)" -eq 0 ]
}

@test "a missing key file is status 2" {
	run gpt-send --api-key-file "$BATS_TEST_TMPDIR/nope" <<<"$REQ"
	[ "$status" -eq 2 ]
	[ "$(mock_count)" -eq 0 ]
}

@test "there is no option that takes the key itself" {
	run --separate-stderr gpt-send --api-key sk-x <<<"$REQ"
	[ "$status" -eq 2 ]
	run gpt-send --help
	[[ $output != *"--api-key "* ]]
}

@test "the key is not on the command line of a running gpt-send" {
	mock_script '[{"delay_ms": 1500}]'
	printf 'sk-file-secret\n' >"$BATS_TEST_TMPDIR/key"
	gpt-send --api-key-file "$BATS_TEST_TMPDIR/key" <<<"$REQ" >/dev/null &
	pid=$!
	sleep 0.5
	cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
	wait "$pid"
	[[ $cmd == *gpt-send* ]]
	[[ $cmd != *sk-file-secret* ]]
	[[ $cmd != *sk-test-mock-key* ]]
}

@test "the key is never on stdout, and --verbose redacts it" {
	run --separate-stderr gpt-send -v <<<"$REQ"
	assert_success
	[[ $output != *sk-test-mock-key* ]]
	[[ $stderr != *sk-test-mock-key* ]]
	[[ $stderr == *"> Authorization: Bearer [REDACTED]"* ]]
	[[ $stderr == *"< HTTP/1.1 200 OK"* ]]
	[[ $stderr == *"* Connected to 127.0.0.1"* ]]
}

@test "--verbose redacts a key read from a file" {
	printf 'sk-file-secret\n' >"$BATS_TEST_TMPDIR/key"
	run --separate-stderr gpt-send -v --api-key-file "$BATS_TEST_TMPDIR/key" <<<"$REQ"
	assert_success
	[[ $stderr != *sk-file-secret* ]]
	[[ $stderr == *"Bearer [REDACTED]"* ]]
}

@test "an error message never shows the key" {
	mock_script '[{"status": 401, "message": "bad key sk-test-mock-key"}]'
	run --separate-stderr gpt-send -v <<<"$REQ"
	[ "$status" -eq 1 ]
	# The API's own body is data and goes out as it came; the trace hides it.
	[[ $stderr != *"> Authorization: Bearer sk-test-mock-key"* ]]
}

@test "http:// to a non-loopback address is refused with status 2 before any connection" {
	# 192.0.2.1 (TEST-NET-1) never answers: a connection attempt would take
	# the whole --connect-timeout.
	start=$(date +%s.%N)
	run --separate-stderr gpt-send -v --connect-timeout 20 --base-url http://192.0.2.1/v1 <<<"$REQ"
	end=$(date +%s.%N)
	[ "$status" -eq 2 ]
	[ "$stderr" = "gpt-send: http://192.0.2.1/v1: plain http is allowed only to a loopback address: use https" ]
	below "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" 10
}

@test "http:// to a host name is refused before any DNS lookup" {
	run --separate-stderr gpt-send -v --base-url http://example.com/v1 <<<"$REQ"
	[ "$status" -eq 2 ]
	[[ $stderr != *"Trying"* ]]
	[ "$output" = "" ]
}

@test "OPENAI_BASE_URL with http:// to another host is refused too" {
	OPENAI_BASE_URL=http://10.1.2.3:8080/v1 run gpt-send <<<"$REQ"
	[ "$status" -eq 2 ]
}

@test "schemes other than http and https are refused" {
	run gpt-send --base-url ftp://127.0.0.1/v1 <<<"$REQ"
	[ "$status" -eq 2 ]
	run gpt-send --base-url file:///etc/passwd <<<"$REQ"
	[ "$status" -eq 2 ]
}

@test "https to a server that does not speak TLS is status 4" {
	run --separate-stderr gpt-send --retries 0 --base-url "https://127.0.0.1:$MOCK_PORT/v1" <<<"$REQ"
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
}

@test "TLS is verified: a self-signed certificate is refused with status 4" {
	tls_start
	unset CURL_CA_BUNDLE SSL_CERT_FILE
	run --separate-stderr gpt-send --base-url "$TLS_URL" <<<"$REQ"
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
	[[ $stderr == *"certificate"* ]]
}

@test "CURL_CA_BUNDLE names the CA bundle that verifies the server, before SSL_CERT_FILE" {
	tls_start
	CURL_CA_BUNDLE=$TLS_CERT SSL_CERT_FILE=/nonexistent run --separate-stderr gpt-send --base-url "$TLS_URL" <<<"$REQ"
	assert_success
	[ "$(jq -r '.choices[0].message.content' <<<"$output")" = "over TLS" ]
}

@test "SSL_CERT_FILE names the CA bundle that verifies the server" {
	tls_start
	unset CURL_CA_BUNDLE
	SSL_CERT_FILE=$TLS_CERT run --separate-stderr gpt-send -v --base-url "$TLS_URL" <<<"$REQ"
	assert_success
	[ "$(jq -r '.choices[0].message.content' <<<"$output")" = "over TLS" ]
	[[ $stderr == *"> Authorization: Bearer [REDACTED]"* ]]
	[[ $stderr != *sk-test-mock-key* ]]
}

@test "HTTP/2 is used over TLS, and its trace lines hide the key" {
	h2_start
	CURL_CA_BUNDLE=$TLS_CERT run --separate-stderr gpt-send -v --base-url "$TLS_URL" <<<"$REQ"
	assert_success
	[ "$(jq -r '.choices[0].message.content' <<<"$output")" = "over HTTP/2" ]
	[[ $stderr == *"< HTTP/2 200"* ]] || fail "not HTTP/2: $stderr"
	# libcurl's own text lines for the HTTP/2 headers ("h2h3 [name: value]"
	# in 7.88, "[HTTP/2] [1] [name: value]" later).
	[[ $stderr == *"[authorization: Bearer [REDACTED]]"* ]]
	[[ $stderr == *"> authorization: Bearer [REDACTED]"* ]]
	[[ $stderr != *sk-test-mock-key* ]]
}

@test "a proxy from http_proxy is used, but never for plain http to loopback" {
	# Through a proxy, loopback would be the proxy's, and the key in clear text.
	http_proxy=http://127.0.0.1:1 HTTP_PROXY=http://127.0.0.1:1 ALL_PROXY=http://127.0.0.1:1 \
	    run gpt-send <<<"$REQ"
	assert_success
	mock_requests | jq -e '.path == "/v1/chat/completions"' >/dev/null
}

@test "https goes through the proxy of https_proxy" {
	# The mock is no CONNECT proxy: that the request fails there shows it was used.
	https_proxy=http://127.0.0.1:1 run --separate-stderr gpt-send -v --retries 0 \
	    --base-url https://api.openai.com/v1 <<<"$REQ"
	[ "$status" -eq 4 ]
	[[ $stderr == *"127.0.0.1"* ]]
	[[ $stderr != *"Could not resolve host: api.openai.com"* ]]
}

# ---- --dry-run and -o ------------------------------------------------------------

@test "--dry-run prints method, URL, headers with the key redacted and body; sends nothing" {
	OPENAI_ORG_ID=org-1 run --separate-stderr gpt-send --dry-run -m gpt-4o <<<"$REQ"
	assert_success
	assert_output "$(cat <<EOF
POST $MOCK_URL/chat/completions
Authorization: Bearer [REDACTED]
Content-Type: application/json
Accept: application/json
User-Agent: gpt-tools/0.1.0
OpenAI-Organization: org-1
X-Stainless-Retry-Count: 0

{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}
EOF
)"
	[ "$(mock_count)" -eq 0 ]
}

@test "--dry-run works without a key and says it is absent" {
	unset OPENAI_API_KEY
	run gpt-send --dry-run <<<"$REQ"
	assert_success
	assert_line "Authorization: (absent: no API key)"
}

@test "--dry-run with -S shows the stream settings" {
	run gpt-send --dry-run -S <<<"$REQ"
	assert_success
	assert_line '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}'
	assert_line 'Accept: text/event-stream'
}

@test "-o writes the output to a file, mode 0600, nothing on stdout" {
	run --separate-stderr gpt-send -o "$BATS_TEST_TMPDIR/out.jsonl" <<<"$REQ"
	assert_success
	[ "$output" = "" ]
	jq -e '.object == "chat.completion"' "$BATS_TEST_TMPDIR/out.jsonl" >/dev/null
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/out.jsonl")" = "600" ]
	[ "$(ls "$BATS_TEST_TMPDIR" | grep -c 'out.jsonl')" -eq 1 ]
}

@test "--output keeps the results of failed items too" {
	mock_script '[{"status": 400}]'
	run gpt-send --output "$BATS_TEST_TMPDIR/out.jsonl" < <(printf '%s\n' "$REQ" "$REQ")
	[ "$status" -eq 1 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out.jsonl")" -eq 2 ]
}

@test "-o refuses a symlink in place of the file" {
	ln -s "$BATS_TEST_TMPDIR/target" "$BATS_TEST_TMPDIR/link"
	run --separate-stderr gpt-send -o "$BATS_TEST_TMPDIR/link" <<<"$REQ"
	[ "$status" -eq 7 ]
	[ ! -e "$BATS_TEST_TMPDIR/target" ]
	[ "$(mock_count)" -eq 0 ]
}

@test "SIGTERM ends the run with status 4, keeping what was written to -o" {
	mock_script '[{}, {"hang": true}]'
	gpt-send -o "$BATS_TEST_TMPDIR/out.jsonl" < <(printf '%s\n' "$REQ" "$REQ" "$REQ") 2>/dev/null &
	pid=$!
	for _ in $(seq 50); do
		[ "$(mock_count)" -ge 2 ] && break
		sleep 0.1
	done
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 4 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out.jsonl")" -eq 1 ]
	[ "$(mock_count)" -eq 2 ]
}

@test "a write error on stdout is status 7" {
	run --separate-stderr bash -c 'gpt-send <<<"$1" >/dev/full' _ "$REQ"
	[ "$status" -eq 7 ]
	[[ $stderr == "gpt-send: stdout: write error: No space left on device" ]]
}

@test "a closed pipe downstream ends quietly" {
	run --separate-stderr bash -c 'for i in 1 2 3 4 5; do echo "$1"; done | gpt-send | head -1' _ "$REQ"
	assert_success
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 1 ]
}

# ---- options ----------------------------------------------------------------------

@test "--help lists every option on stdout and exits 0" {
	run --separate-stderr gpt-send --help
	assert_success
	for o in --api-key-file --base-url --connect-timeout --dry-run --help --max-bytes \
	    --model --output --parallel --quiet --resume --retries --stream --timeout \
	    --verbose --version; do
		[[ $output == *"$o"* ]] || fail "--help does not list $o"
	done
}

@test "--version names the program and the toolkit" {
	run gpt-send --version
	assert_success
	assert_output "gpt-send (gpt-tools) 0.1.0"
}

@test "bad usage is one line and a hint on stderr, status 2" {
	for args in "--retries x" "--retries -1" "--timeout 0" "--timeout 1x" "--max-bytes 0" \
	    "--connect-timeout nan" "--bogus" "-x" "--retries" "-P x"; do
		run --separate-stderr gpt-send $args <<<"$REQ"
		[ "$status" -eq 2 ] || fail "$args: status $status"
		[ "${#stderr_lines[@]}" -eq 2 ] || fail "$args: $stderr"
		[[ ${stderr_lines[0]} == "gpt-send: "* ]] || fail "$args: $stderr"
		[[ ${stderr_lines[1]} == *"--help"* ]]
	done
	[ "$(mock_count)" -eq 0 ]
}

@test "numbers in the body stay in the C form under any locale" {
	LC_ALL=de_DE.UTF-8 run gpt-send <<<'{"model":"m","messages":[],"temperature":0.7}'
	mock_body 1 | grep -q '"temperature":0.7'
}

# ---- many requests in flight (-P) and --resume ----------------------------------

# N batch input lines, custom_ids id-1 .. id-N, asking "n1" .. "nN".
batch_lines() {
	local i
	for i in $(seq 1 "$1"); do
		jq -nc --arg i "$i" '{custom_id: ("id-" + $i), method: "POST", url: "/v1/chat/completions",
		    body: {model: "gpt-4o-mini", messages: [{role: "user", content: ("n" + $i)}]}}'
	done
}

@test "-P 4 keeps 4 requests in flight at once" {
	batch_lines 8 >in.jsonl
	mock_script '[{"delay_ms": 400}, {"delay_ms": 400}, {"delay_ms": 400}, {"delay_ms": 400}]'
	run --separate-stderr gpt-send -P 4 <in.jsonl
	assert_success
	[ "$(mock_count)" -eq 8 ]
	# The first four arrive together, without waiting for each other's answers.
	below "$(gap 1 4)" 0.3
}

@test "-P writes the answers in input order, each id exactly once" {
	batch_lines 8 >in.jsonl
	mock_script '[{"delay_ms": 500}, {"delay_ms": 10}, {"delay_ms": 300}]'
	run --separate-stderr gpt-send --parallel 3 <in.jsonl
	assert_success
	[ "$(jq -c '{custom_id, content: .response.body.choices[0].message.content}' <<<"$output")" = \
	    "$(for i in $(seq 1 8); do printf '{"custom_id":"id-%s","content":"You said: n%s"}\n' "$i" "$i"; done)" ]
}

@test "-P retries like one at a time, and a 429 holds back the whole run" {
	batch_lines 6 >in.jsonl
	# The two first requests go out together; the 429 comes back at once,
	# the other answer later, and then its slot waits out the 429's delay.
	mock_script '[{"status": 429, "headers": {"retry-after-ms": "400"}}, {"delay_ms": 200}]'
	run --separate-stderr gpt-send -P 2 <in.jsonl
	assert_success
	[ "$(mock_count)" -eq 7 ]
	first=$(mock_requests | jq -s '.[0].t')
	later=$(mock_requests | jq -s '[.[2:][].t] | min')
	at_least "$(awk -v a="$first" -v b="$later" 'BEGIN { print b - a }')" 0.4
	[ "$(mock_requests | jq -r '.headers["x-stainless-retry-count"]' | sort | uniq -c | awk '{print $1 ":" $2}' | tr '\n' ' ')" = "6:0 1:1 " ]
}

@test "-P gives every item one outcome and the worst status" {
	{ batch_lines 3; echo '{"not": "a request"}'; batch_lines 5 | tail -2; } >in.jsonl
	mock_script '[{"status": 400}]'
	run --separate-stderr gpt-send -P 3 --retries 0 <in.jsonl
	[ "$status" -eq 3 ]
	[ "${#lines[@]}" -eq 6 ]
	[ "$(jq -r '.custom_id' <<<"$output" | tr '\n' ' ')" = "id-1 id-2 id-3 request-4 id-4 id-5 " ]
	jq -se 'map(select(.custom_id == "request-4"))[0].error.code == "invalid_request"' <<<"$output" >/dev/null
}

@test "-P reuses connections across its transfers" {
	batch_lines 12 >in.jsonl
	run gpt-send -P 3 <in.jsonl
	assert_success
	[ "$(mock_requests | jq -r .conn | sort -u | wc -l)" -le 3 ]
}

@test "--resume skips the ids an earlier output answered and sends the rest" {
	batch_lines 5 >in.jsonl
	mock_script '[{}, {"status": 500}, {}, {"hang": true}]'
	run --separate-stderr gpt-send --retries 0 --timeout 0.5 <in.jsonl
	[ "$status" -eq 4 ]
	printf '%s\n' "$output" >results.jsonl
	mock_reset
	run --separate-stderr gpt-send --resume results.jsonl <in.jsonl
	assert_success
	[ "$(mock_count)" -eq 2 ]
	[ "$(mock_requests | jq -r '.body | fromjson | .messages[0].content' | tr '\n' ' ')" = "n2 n4 " ]
	[ "$(jq -r .custom_id <<<"$output" | tr '\n' ' ')" = "id-2 id-4 " ]
}

@test "--resume with -o to the same file leaves each id once in it" {
	batch_lines 4 >in.jsonl
	mock_script '[{}, {"status": 400}]'
	run gpt-send -o results.jsonl <in.jsonl
	[ "$status" -eq 1 ]
	mock_reset
	run gpt-send -P 2 --resume results.jsonl -o results.jsonl <in.jsonl
	assert_success
	[ "$(mock_count)" -eq 1 ]
	[ "$(jq -r .custom_id results.jsonl | sort | tr '\n' ' ')" = "id-1 id-2 id-3 id-4 " ]
	jq -se 'all(.response.status_code == 200)' results.jsonl >/dev/null
}

@test "--resume naming a file that does not exist yet sends everything" {
	batch_lines 2 >in.jsonl
	run gpt-send --resume nothing-yet.jsonl <in.jsonl
	assert_success
	[ "$(mock_count)" -eq 2 ]
}

@test "-P and --resume follow the README recipe: an interrupted run picks up where it stopped" {
	batch_lines 20 >batch.jsonl
	mock_script '[{}, {}, {}, {"status": 503}, {"status": 503}, {"status": 503}]'
	run --separate-stderr gpt-send -P 5 --retries 0 <batch.jsonl
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" >>results.jsonl
	mock_reset
	gpt-send -P 5 --resume results.jsonl <batch.jsonl >>results.jsonl
	[ "$(mock_count)" -eq 3 ]
	[ "$(wc -l <results.jsonl)" -eq 23 ]
	[ "$(jq -r 'select(.response.status_code == 200) | .custom_id' results.jsonl | sort -u | wc -l)" -eq 20 ]
}

@test "-P refuses 0 and numbers over 1000" {
	run gpt-send -P 0 <<<"$REQ"
	[ "$status" -eq 2 ]
	run gpt-send -P 1001 <<<"$REQ"
	[ "$status" -eq 2 ]
}

# Batch input lines id-1 .. id-$1 in one jq run (fast for thousands).
many_lines() {
	jq -nc --argjson n "$1" 'range(1; $n + 1) | {custom_id: "id-\(.)", method: "POST",
	    url: "/v1/chat/completions", body: {model: "gpt-4o-mini", messages: [{role: "user", content: "n\(.)"}]}}'
}

# Succeeds when $1 holds each id of in.jsonl exactly once, and nothing else.
same_ids() {
	[ "$(jq -r .custom_id "$1" | sort)" = "$(jq -r .custom_id in.jsonl | sort)" ] ||
	    fail "the ids of $1 differ from those of the input"
}

@test "-P gives bare requests Batch API output lines, numbered by input position" {
	printf '%s\n' "$REQ" "$REQ" "$REQ" >in.jsonl
	run --separate-stderr gpt-send -P 2 in.jsonl
	assert_success
	[ "$(jq -r .custom_id <<<"$output" | tr '\n' ' ')" = "request-1 request-2 request-3 " ]
	jq -se 'all(.id | test("^local_req_[0-9a-f]{24}$")) and all(.response.status_code == 200)' \
	    <<<"$output" >/dev/null
}

@test "bare requests from a pipe with -P are read as they come and numbered across files" {
	printf '%s\n' "$REQ" "$REQ" >a.jsonl
	run --separate-stderr gpt-send -P 3 a.jsonl - < <(printf '%s\n' "$REQ")
	assert_success
	[ "$(jq -r .custom_id <<<"$output" | tr '\n' ' ')" = "request-1 request-2 request-3 " ]
}

@test "--unordered writes each answer as it arrives" {
	batch_lines 4 >in.jsonl
	mock_script '[{"delay_ms": 700}]'
	run --separate-stderr gpt-send -P 4 --unordered in.jsonl
	assert_success
	# The slow answer is that of the request the mock saw first, whichever it was.
	slow=$(mock_body 1 | jq -r '.messages[0].content | "id-" + .[1:]')
	[ "$(jq -r .custom_id <<<"${lines[3]}")" = "$slow" ]
	[ "$(jq -r .custom_id <<<"$output" | sort | tr '\n' ' ')" = "id-1 id-2 id-3 id-4 " ]
}

@test "without --unordered a slow answer holds back the ones after it" {
	batch_lines 4 >in.jsonl
	mock_script '[{"delay_ms": 500}]'
	run --separate-stderr gpt-send -P 4 in.jsonl
	assert_success
	[ "$(jq -r .custom_id <<<"$output" | tr '\n' ' ')" = "id-1 id-2 id-3 id-4 " ]
}

@test "1,000 requests through random 429s, 500s and cut connections: each id exactly once" {
	many_lines 1000 >in.jsonl
	mock_chaos '{"seed": 7, "p429": 0.1, "p500": 0.1, "pcut": 0.05}'
	run --separate-stderr gpt-send -P 50 --retries 10 -q -o out.jsonl in.jsonl
	[ "$status" -le 1 ]
	[ "$(wc -l <out.jsonl)" -eq 1000 ]
	same_ids out.jsonl
}

@test "a run killed with SIGKILL and resumed ends with every id exactly once" {
	many_lines 1000 >in.jsonl
	mock_chaos '{"seed": 7, "p429": 0.1, "p500": 0.1, "pcut": 0.05, "latency_ms": 10}'
	gpt-send -P 50 --retries 10 -q <in.jsonl >out.jsonl &
	pid=$!
	for _ in $(seq 100); do
		[ "$(wc -l <out.jsonl)" -ge 100 ] && break
		sleep 0.05
	done
	kill -KILL "$pid"
	wait "$pid" || true
	n=$(wc -l <out.jsonl)
	[ "$n" -ge 100 ] && [ "$n" -lt 1000 ] || fail "killed after $n lines"
	mock_chaos '{"seed": 8, "p429": 0.1, "p500": 0.1, "pcut": 0.05}'
	run --separate-stderr gpt-send -P 50 --retries 10 -q --resume out.jsonl <in.jsonl
	[ "$status" -le 1 ]
	printf '%s\n' "$output" >>out.jsonl
	[ "$(wc -l <out.jsonl)" -eq 1000 ]
	same_ids out.jsonl
	[ "$(jq -r 'select(.response.status_code == 200) | .custom_id' out.jsonl | sort -u | wc -l)" -eq 1000 ]
}

@test "x-ratelimit-remaining-requests 0 pauses the whole run until x-ratelimit-reset-requests" {
	batch_lines 4 >in.jsonl
	mock_script '[{"headers": {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "800ms"}}, {"delay_ms": 100}]'
	run --separate-stderr gpt-send -P 2 in.jsonl
	assert_success
	[ "$(mock_count)" -eq 4 ]
	below "$(gap 1 2)" 0.3
	at_least "$(gap 1 3)" 0.75
}

@test "fewer remaining tokens than a request needs pause the run until x-ratelimit-reset-tokens" {
	batch_lines 3 >in.jsonl
	mock_script '[{"headers": {"x-ratelimit-remaining-tokens": "3", "x-ratelimit-reset-tokens": "0.6s"}}]'
	run --separate-stderr gpt-send in.jsonl
	assert_success
	at_least "$(gap 1 2)" 0.55
	below "$(gap 2 3)" 0.4
}

@test "--rpm 120 spaces 5 requests over at least 1.5 seconds" {
	batch_lines 5 >in.jsonl
	t0=$(date +%s.%N)
	run --separate-stderr gpt-send -P 5 --rpm 120 in.jsonl
	t1=$(date +%s.%N)
	assert_success
	[ "$(mock_count)" -eq 5 ]
	# Two at once (a second's worth), then one every half second.
	at_least "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" 1.5
	below "$(gap 1 2)" 0.45
}

@test "--tpm holds a request until the tokens estimated for the one before are back" {
	# Each request: [{"role":"user","content":"nI"}] is 31 bytes, 8 tokens, plus
	# max_tokens 20.  1200 a minute is 20 a second: the second waits 1.4 s.
	batch_lines 2 | jq -c '.body.max_tokens = 20' >in.jsonl
	t0=$(date +%s.%N)
	run --separate-stderr gpt-send -P 2 --tpm 1200 in.jsonl
	t1=$(date +%s.%N)
	assert_success
	[ "$(mock_count)" -eq 2 ]
	at_least "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" 1.4
}

@test "--rpm and --tpm refuse what is not a positive number" {
	for a in "--rpm 0" "--rpm x" "--tpm -5" "--tpm 1e999"; do
		run --separate-stderr gpt-send $a <<<"$REQ"
		[ "$status" -eq 2 ] || fail "$a: status $status"
	done
	[ "$(mock_count)" -eq 0 ]
}

@test "--progress prints done/total, errors, retries and tokens on stderr" {
	batch_lines 3 >in.jsonl
	mock_script '[{"status": 500}, {"status": 400}]'
	run --separate-stderr gpt-send -P 2 --progress --retries 1 in.jsonl
	[ "$status" -eq 1 ]
	last=$(printf '%s\n' "$stderr" | grep '^gpt-send: [0-9]' | tail -1)
	[[ $last =~ ^gpt-send:\ 3/3\ done,\ 1\ error,\ 1\ retry,\ [1-9][0-9]*\ tokens,\ [0-9]+\.[0-9]\ s$ ]] ||
	    fail "last progress line: $last"
}

@test "--progress without a known total counts what is done" {
	run --separate-stderr gpt-send --progress < <(printf '%s\n' "$REQ" "$REQ")
	assert_success
	[[ $(printf '%s\n' "$stderr" | tail -1) =~ ^gpt-send:\ 2\ done,\ 0\ errors, ]] || fail "$stderr"
}

@test "no progress line when stderr is not a terminal and --progress is not given" {
	batch_lines 3 >in.jsonl
	run --separate-stderr gpt-send -P 2 in.jsonl
	assert_success
	[ "$stderr" = "" ]
}

@test "a first SIGINT sends nothing more, lets the requests in flight end, and writes them" {
	batch_lines 6 >in.jsonl
	mock_script '[{"delay_ms": 1000}, {"delay_ms": 1000}]'
	env --default-signal=INT gpt-send -P 2 -o out.jsonl in.jsonl 2>err.txt &
	pid=$!
	for _ in $(seq 50); do
		[ "$(mock_count)" -ge 2 ] && break
		sleep 0.05
	done
	kill -INT "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 4 ]
	[ "$(mock_count)" -eq 2 ]
	[ "$(jq -r 'select(.response.status_code == 200) | .custom_id' out.jsonl | tr '\n' ' ')" = "id-1 id-2 " ]
	[ "$(jq -r 'select(.error.code == "interrupted") | .custom_id' out.jsonl | tr '\n' ' ')" = "id-3 id-4 id-5 id-6 " ]
	grep -q 'interrupted: waiting for 2 requests in flight' err.txt
}

@test "a second SIGINT stops the requests in flight too" {
	batch_lines 4 >in.jsonl
	mock_script '[{"hang": true}, {"hang": true}]'
	env --default-signal=INT gpt-send -P 2 -o out.jsonl in.jsonl 2>/dev/null &
	pid=$!
	for _ in $(seq 50); do
		[ "$(mock_count)" -ge 2 ] && break
		sleep 0.05
	done
	kill -INT "$pid"
	sleep 0.3
	kill -0 "$pid" || fail "one SIGINT ended the run"
	kill -INT "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 4 ]
	[ "$(jq -r 'select(.error.code == "interrupted") | .custom_id' out.jsonl | tr '\n' ' ')" = "id-1 id-2 id-3 id-4 " ]
}

# ---- conformance with the official OpenAI spec (Prism) ---------------------------

# Run gpt-send "$@" against Prism, verbosely, so its sl-violations header shows.
to_prism() {
	[ -n "${PRISM_URL:-}" ] || fail "Prism did not start"
	run --separate-stderr gpt-send -v --retries 0 --base-url "$PRISM_URL" "$@"
}

@test "a plain request conforms to the official spec" {
	to_prism <<<'{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],"temperature":0.7}'
	assert_success
	[[ $stderr != *"sl-violations"* ]] || fail "$stderr"
	jq -e '.object == "chat.completion"' <<<"$output" >/dev/null
}

@test "a -S request (stream and stream_options) conforms to the official spec" {
	to_prism -S <<<"$REQ"
	assert_success
	[[ $stderr != *"sl-violations"* ]] || fail "$stderr"
	printf '%s\n' "$output" | jq -se 'length >= 2 and all(.object == "chat.completion.chunk")' >/dev/null
}

@test "a request with its model set by -m conforms to the official spec" {
	to_prism -m gpt-4o <<<'{"messages":[{"role":"user","content":"hi"}]}'
	assert_success
	[[ $stderr != *"sl-violations"* ]] || fail "$stderr"
}

@test "the body of a batch line conforms to the official spec" {
	to_prism <<<"$BATCH"
	assert_success
	[[ $stderr != *"sl-violations"* ]] || fail "$stderr"
	jq -e '.response.status_code == 200' <<<"$output" >/dev/null
}

@test "the spec check catches an invalid request: status 1 with sl-violations" {
	to_prism <<<'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":5}'
	[ "$status" -eq 1 ]
	[[ $stderr == *"sl-violations"* ]]
	jq -e .error <<<"$output" >/dev/null
}
