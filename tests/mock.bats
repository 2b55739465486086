#!/usr/bin/env bats
# The mock OpenAI server that the other suites stand on: what it records,
# what it answers, and the faults it plays, checked with curl.
bats_require_minimum_version 1.5.0

load helper
load mock

setup() {
	mock_start
}

teardown() {
	mock_stop
}

# POST a body to the chat endpoint; print the answer's body.
chat() {
	curl -sS -H "authorization: Bearer $OPENAI_API_KEY" \
	    -H 'content-type: application/json' --data-binary "$1" \
	    "$MOCK_URL/chat/completions"
}

# The same, printing the status; the body goes to $BATS_TEST_TMPDIR/body.
chat_code() {
	curl -sS -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' \
	    -H "authorization: Bearer $OPENAI_API_KEY" \
	    -H 'content-type: application/json' --data-binary "$1" \
	    "$MOCK_URL/chat/completions"
}

REQ='{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}]}'

@test "it listens on a free port and mock_stop leaves no process behind" {
	[[ $MOCK_PORT =~ ^[0-9]+$ ]] && [ "$MOCK_PORT" -gt 0 ]
	assert_equal "$MOCK_URL" "http://127.0.0.1:$MOCK_PORT/v1"
	assert_equal "$OPENAI_BASE_URL" "$MOCK_URL"
	assert_equal "$OPENAI_API_KEY" sk-test-mock-key
	run curl -sf "http://127.0.0.1:$MOCK_PORT/_mock/ping"
	assert_success
	pid=$MOCK_PID
	mock_stop
	run kill -0 "$pid"
	assert_failure
	run curl -sS "http://127.0.0.1:$MOCK_PORT/_mock/ping"
	assert_failure 7
}

@test "a second server gets a port of its own" {
	first=$MOCK_PORT
	run bash -c '. "$1"; mock_start && echo "$MOCK_PORT" && mock_stop' _ "$TOP/tests/mock.bash"
	assert_success
	[[ $output =~ ^[0-9]+$ ]]
	[ "$output" != "$first" ]
}

@test "mock_start again stops the server it started before" {
	pid=$MOCK_PID
	mock_start
	run kill -0 "$pid"
	assert_failure
	[ "$MOCK_PID" != "$pid" ]
}

@test "from sh, outside bats, it works in a directory of its own, removed at stop" {
	cd /
	run env -u BATS_TEST_TMPDIR top="$TOP" sh -c '. "$1"; mock_start || exit 1; d=$MOCK_DIR
	    curl -sf "$MOCK_URL/models" -H "authorization: Bearer k" >/dev/null || exit 2
	    [ -s "$d/requests.jsonl" ] || exit 3; mock_stop; [ ! -e "$d" ] || exit 4' _ "$TOP/tests/mock.bash"
	assert_success
}

@test "the record holds the exact body bytes, method, path and headers" {
	printf '{"messages":[{"role":"user","content":"caf\xc3\xa9 \\"q\\" \xf0\x9f\x98\x80\\n"}]}\n\n' >"$BATS_TEST_TMPDIR/body"
	curl -sS -o /dev/null -H "Authorization: Bearer $OPENAI_API_KEY" \
	    -H 'X-Stainless-Retry-Count: 0' -H 'Content-Type: application/json' -H 'X-Title: café' \
	    --data-binary @"$BATS_TEST_TMPDIR/body" "$MOCK_URL/chat/completions?x=1"
	mock_body 1 >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/body" "$BATS_TEST_TMPDIR/got"
	run mock_header 1 X-Stainless-Retry-Count
	assert_output 0
	run mock_header 1 x-title
	assert_output café
	run mock_header 1 authorization
	assert_output "Bearer sk-test-mock-key"
	run mock_header 1 x-not-sent
	assert_failure 1
	assert_output ""
	run jq -r '[.n, .method, .path] | @tsv' "$MOCK_DIR/requests.jsonl"
	assert_output "$(printf '1\tPOST\t/v1/chat/completions?x=1')"
	run mock_count
	assert_output 1
}

@test "a body that is not UTF-8 is kept exactly, in body_base64" {
	printf '\xff\xfe{}' >"$BATS_TEST_TMPDIR/body"
	curl -sS -o /dev/null -H "authorization: Bearer k" \
	    --data-binary @"$BATS_TEST_TMPDIR/body" "$MOCK_URL/chat/completions"
	jq -r .body_base64 "$MOCK_DIR/requests.jsonl" | base64 -d | cmp - "$BATS_TEST_TMPDIR/body"
}

@test "a chunked request body is recorded whole" {
	printf '%s' "$REQ" | curl -sS -o /dev/null -H "authorization: Bearer k" \
	    -H 'transfer-encoding: chunked' --data-binary @- "$MOCK_URL/chat/completions"
	run mock_header 1 transfer-encoding
	assert_output chunked
	run mock_body 1
	assert_output "$REQ"
}

@test "connection reuse shows in the record as the same conn" {
	curl -sS -o /dev/null -o /dev/null -H "authorization: Bearer k" \
	    "$MOCK_URL/models" "$MOCK_URL/models"
	run jq -s -r '[.[].conn] | unique | length' "$MOCK_DIR/requests.jsonl"
	assert_output 1
	curl -sS -o /dev/null -H "authorization: Bearer k" "$MOCK_URL/models"
	run jq -s -r '[.[].conn] | unique | length' "$MOCK_DIR/requests.jsonl"
	assert_output 2
}

@test "the default answer is a chat.completion saying back the last user message" {
	curl -sS -D "$BATS_TEST_TMPDIR/head" -H "authorization: Bearer k" \
	    --data-binary "$REQ" "$MOCK_URL/chat/completions" >"$BATS_TEST_TMPDIR/out"
	run jq -c 'del(.id, .created)' "$BATS_TEST_TMPDIR/out"
	assert_output '{"object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"You said: Hello","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":16,"completion_tokens":4,"total_tokens":20,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_44709d6fcb"}'
	run jq -r '.id | test("^chatcmpl-[A-Za-z0-9]{29}$")' "$BATS_TEST_TMPDIR/out"
	assert_output true
	run grep -ci '^x-request-id: req_[0-9a-f]\{32\}' "$BATS_TEST_TMPDIR/head"
	assert_output 1
	run grep -ci '^content-type: application/json' "$BATS_TEST_TMPDIR/head"
	assert_output 1
}

@test "n gives that many choices, each saying which it is" {
	run chat '{"model":"m","n":3,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}'
	run jq -r '.choices[]? | "\(.index) \(.message.content)"' <<<"$output"
	assert_output "$(printf '0 You said: Hi\n1 You said: Hi (choice 1)\n2 You said: Hi (choice 2)')"
}

@test "a request body that is not JSON gets a 400 in the API's error format" {
	run chat_code '{"model":'
	assert_output 400
	run jq -c '.error | [.type, .code]' "$BATS_TEST_TMPDIR/body"
	assert_output '["invalid_request_error",null]'
}

@test "a request without a key gets a 401" {
	run curl -sS -o /dev/null -w '%{http_code}' --data-binary "$REQ" "$MOCK_URL/chat/completions"
	assert_output 401
}

@test "scripted answers play in order, then the default resumes" {
	mock_script '[{"status":429,"headers":{"retry-after-ms":"250"}},
	    {"status":500},{"status":429,"error_type":"insufficient_quota"},
	    {"content":"scripted","finish_reason":"length","model":"gpt-x"}]'
	for i in 1 2 3 4 5; do
		code=$(chat_code "$REQ")
		jq -c --arg code "$code" '[$code, .error.code // .error.type //
		    [.model, .choices[0].message.content, .choices[0].finish_reason]]' "$BATS_TEST_TMPDIR/body"
	done >"$BATS_TEST_TMPDIR/got"
	cat >"$BATS_TEST_TMPDIR/want" <<-'EOF'
	["429","rate_limit_exceeded"]
	["500","server_error"]
	["429","insufficient_quota"]
	["200",["gpt-x","scripted","length"]]
	["200",["gpt-4o","You said: Hello","stop"]]
	EOF
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	run mock_count
	assert_output 5
}

@test "a scripted header is sent, and an error type its realistic body" {
	mock_script '[{"status":429,"headers":{"Retry-After-Ms":"250","x-should-retry":"false"}}]'
	curl -sS -D "$BATS_TEST_TMPDIR/head" -H "authorization: Bearer k" \
	    --data-binary "$REQ" "$MOCK_URL/chat/completions" >"$BATS_TEST_TMPDIR/out"
	run grep -c -i -e '^retry-after-ms: 250' -e '^x-should-retry: false' "$BATS_TEST_TMPDIR/head"
	assert_output 2
	run jq -c '.error | [.type, .code, .param]' "$BATS_TEST_TMPDIR/out"
	assert_output '["requests","rate_limit_exceeded",null]'
}

@test "a scripted body is sent as is, and mock_reset clears the script and record" {
	mock_script '[{"body":"not {json"},{"body":{"a":1}}]'
	run chat "$REQ"
	assert_output 'not {json'
	mock_reset
	run chat "$REQ"
	assert_line --partial '"content": "You said: Hello"'
	run mock_count
	assert_output 1
}

@test "a stream is chat.completion.chunk events ending in [DONE], with usage when asked" {
	run curl -sS -N -H "authorization: Bearer k" --data-binary \
	    '{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello there"}]}' \
	    "$MOCK_URL/chat/completions"
	assert_success
	assert_equal "${lines[-1]}" "data: [DONE]"
	data=$(printf '%s\n' "$output" | sed -n 's/^data: //p' | sed '$d')
	run jq -r -s -c 'map(.object) | unique' <<<"$data"
	assert_output '["chat.completion.chunk"]'
	run jq -r -s -j 'map(.choices[0].delta.content // empty) | add' <<<"$data"
	assert_output "You said: Hello there"
	run jq -s -c '[.[0].choices[0].delta.role, (.[-2].choices[0].finish_reason), .[-1].choices, .[-1].usage.total_tokens, (.[:-1] | map(.usage) | unique)]' <<<"$data"
	assert_output '["assistant","stop",[],16,[null]]'
	[ "$(jq -s length <<<"$data")" -gt 4 ]
}

@test "a stream without include_usage has no usage chunk and no usage field" {
	run curl -sS -N -H "authorization: Bearer k" --data-binary \
	    '{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Hi"}]}' "$MOCK_URL/chat/completions"
	assert_equal "${lines[-1]}" "data: [DONE]"
	run jq -s -c 'map(has("usage")) | unique' <<<"$(printf '%s\n' "$output" | sed -n 's/^data: {/{/p')"
	assert_output '[false]'
}

@test "crlf, comments and no_done bend the stream's bytes" {
	mock_script '[{"stream":true,"crlf":true,"comments":true,"no_done":true,"content":"a b"}]'
	curl -sS -N -H "authorization: Bearer k" --data-binary "$REQ" \
	    "$MOCK_URL/chat/completions" >"$BATS_TEST_TMPDIR/out"
	run grep -c $'^: keep-alive\r$' "$BATS_TEST_TMPDIR/out"
	assert_output 3
	run grep -c $'^data: {.*}\r$' "$BATS_TEST_TMPDIR/out"
	assert_output 4
	run grep -c -v $'\r$' "$BATS_TEST_TMPDIR/out"
	assert_output 0
	run grep -c 'DONE' "$BATS_TEST_TMPDIR/out"
	assert_output 0
}

@test "scripted events are sent exactly, with nothing added" {
	mock_script '[{"events":["data: {\"x\":1}\n\n", ": c\n\n", "event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n"]}]'
	curl -sS -N -D "$BATS_TEST_TMPDIR/head" -H "authorization: Bearer k" \
	    --data-binary "$REQ" "$MOCK_URL/chat/completions" >"$BATS_TEST_TMPDIR/out"
	printf 'data: {"x":1}\n\n: c\n\nevent: error\ndata: {"error":{"message":"boom"}}\n\n' |
	    cmp - "$BATS_TEST_TMPDIR/out"
	run grep -ci '^content-type: text/event-stream' "$BATS_TEST_TMPDIR/head"
	assert_output 1
}

@test "split_every and split deliver the same bytes as a whole body" {
	mock_script '[{"content":"x","split_every":7},{"content":"x","split":[1,50,51]},{"content":"x"}]'
	a=$(chat "$REQ" | jq -c 'del(.id, .created)')
	b=$(chat "$REQ" | jq -c 'del(.id, .created)')
	c=$(chat "$REQ" | jq -c 'del(.id, .created)')
	assert_equal "$a" "$c"
	assert_equal "$b" "$c"
}

@test "cut_after sends that many bytes of a plain body, then closes" {
	mock_script '[{"cut_after":10}]'
	run -18 curl -sS -o "$BATS_TEST_TMPDIR/out" -H "authorization: Bearer k" \
	    --data-binary "$REQ" "$MOCK_URL/chat/completions"
	run wc -c <"$BATS_TEST_TMPDIR/out"
	assert_output 10
}

@test "cut_after cuts a stream before its last chunk" {
	mock_script '[{"stream":true,"cut_after":100}]'
	run -18 curl -sS -N -o "$BATS_TEST_TMPDIR/out" -H "authorization: Bearer k" \
	    --data-binary "$REQ" "$MOCK_URL/chat/completions"
	run wc -c <"$BATS_TEST_TMPDIR/out"
	assert_output 100
	mock_script '[{"stream":true,"cut_after":100000}]'
	run -18 curl -sS -N -o /dev/null -H "authorization: Bearer k" \
	    --data-binary "$REQ" "$MOCK_URL/chat/completions"
}

@test "not_json answers 200 with an HTML page" {
	mock_script '[{"not_json":true}]'
	run chat_code "$REQ"
	assert_output 200
	run grep -c '<title>502 Bad Gateway</title>' "$BATS_TEST_TMPDIR/body"
	assert_output 1
}

@test "hang never answers, and headers_only sends only headers" {
	mock_script '[{"hang":true},{"headers_only":true}]'
	run -28 curl -sS -m 1 -H "authorization: Bearer k" --data-binary "$REQ" "$MOCK_URL/chat/completions"
	run -28 curl -sS -m 1 -o /dev/null -w '%{http_code}' -H "authorization: Bearer k" \
	    --data-binary "$REQ" "$MOCK_URL/chat/completions"
	assert_output --partial 200
}

@test "delay_ms and trickle_ms slow the answer down" {
	mock_script '[{"delay_ms":300},{"content":"x","trickle_ms":1}]'
	run curl -sS -o /dev/null -w '%{time_starttransfer}' -H "authorization: Bearer k" \
	    --data-binary "$REQ" "$MOCK_URL/chat/completions"
	[[ $output > 0.29 ]]
	run -28 curl -sS -m 0.3 -o /dev/null -H "authorization: Bearer k" \
	    --data-binary "$REQ" "$MOCK_URL/chat/completions"
}

@test "redirect answers 307 with a Location" {
	mock_script '[{"redirect":"http://example.invalid/v1/chat/completions"}]'
	run curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H "authorization: Bearer k" \
	    --data-binary "$REQ" "$MOCK_URL/chat/completions"
	assert_output "307 http://example.invalid/v1/chat/completions"
}

@test "chaos fails at random, the same way for the same seed" {
	for i in $(seq 30); do
		printf 'url = "%s/chat/completions"\noutput = "/dev/null"\n' "$MOCK_URL"
	done >"$BATS_TEST_TMPDIR/urls"
	# 30 requests one after another, over one connection.
	statuses() {
		curl -s -K "$BATS_TEST_TMPDIR/urls" -w '%{http_code}/%{exitcode} ' \
		    -H "authorization: Bearer k" --data-binary "$REQ" || true
	}
	mock_chaos '{"seed":1,"p429":0.3,"p500":0.2,"pcut":0.2,"latency_ms":0}'
	first=$(statuses)
	mock_chaos '{"seed":1,"p429":0.3,"p500":0.2,"pcut":0.2,"latency_ms":0}'
	second=$(statuses)
	mock_chaos '{"seed":2,"p429":0.3,"p500":0.2,"pcut":0.2,"latency_ms":0}'
	other=$(statuses)
	assert_equal "$first" "$second"
	[ "$first" != "$other" ]
	[[ $first == *429/0* && $first == *500/0* && $first == *200/0* && $first == *200/18* ]]
	mock_chaos '{"off":true}'
	run statuses
	assert_output "$(printf '200/0 %.0s' $(seq 30))"
}

@test "a chaos 429 carries retry-after-ms: 10" {
	mock_chaos '{"seed":1,"p429":1}'
	run curl -sS -D - -o /dev/null -H "authorization: Bearer k" --data-binary "$REQ" "$MOCK_URL/chat/completions"
	assert_line --index 0 --partial ' 429 '
	assert_line --partial 'retry-after-ms: 10'
}

@test "it serves 200 requests over 50 connections at once" {
	mock_stop
	mock_start --latency-ms 100
	for i in $(seq 200); do
		printf 'url = "%s/chat/completions"\noutput = "/dev/null"\n' "$MOCK_URL"
	done >"$BATS_TEST_TMPDIR/urls"
	run curl -sS -Z --parallel-max 50 -K "$BATS_TEST_TMPDIR/urls" -H "authorization: Bearer k" \
	    --data-binary "$REQ" -w '%{http_code}\n'
	assert_success
	assert_equal "$(grep -c '^200$' <<<"$output")" 200
	run mock_count
	assert_output 200
}
