#!/usr/bin/env bats
# Every kind of request gpt-msg builds is valid against the official OpenAI
# spec: Prism (tests/prism.bash) answers 200 with no sl-violations header.
# A known-invalid request shows that the check does catch violations.
bats_require_minimum_version 1.5.0
load helper
load prism

setup_file() {
	prism_start
}

teardown_file() {
	prism_stop
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	[ -n "${PRISM_URL:-}" ] || fail "Prism did not start"
}

# Build a request with gpt-msg "$@" (stdin empty) and POST it to Prism.
conforms() {
	gpt-msg "$@" </dev/null >req.json || fail "gpt-msg $* failed"
	run prism_post req.json
	[ "$output" = "200 -" ] || fail "gpt-msg $*: $(cat req.json) => $output"
}

@test "system and user messages (the articles' request) conform" {
	conforms -m gpt-4o -s "You are an assistant." "Hello!"
}

@test "a developer message conforms" {
	conforms --developer "Answer in French." "Hello!"
}

@test "few-shot assistant messages conform" {
	conforms -s "You tell dad jokes." -u "About numbers." \
	    -a "Q: How do you make 7 even? A: Take away the s." -u "About programmers."
}

@test "temperature, max_tokens, top_p, seed and n conform" {
	conforms -t 0.7 "Hi"
	conforms -t 0 -t 2 "Hi"
	conforms --max-tokens 3000 "Hi"
	conforms --top-p 0.9 "Hi"
	conforms --seed 42 "Hi"
	conforms --seed -9007199254740991 "Hi"
	conforms -n 3 "Hi"
}

@test "stop as a string and as an array conforms" {
	conforms --stop END "Hi"
	conforms --stop a --stop b --stop c --stop d "Hi"
}

@test "JSON mode conforms" {
	conforms -m gpt-3.5-turbo-0125 -t 0.8 --max-tokens 3000 -j \
	    -s "You are a funny comedian who tells dad jokes. The output should be in JSON format." \
	    -u "Write a dad joke related to numbers." \
	    -a "Q: How do you make 7 even? A: Take away the s." \
	    -u "Write one related to programmers."
}

@test "a JSON schema conforms" {
	printf '{"title":"Joke","type":"object","properties":{"q":{"type":"string"},"a":{"type":"string"}},"required":["q","a"],"additionalProperties":false}' >joke.json
	conforms --schema joke.json "A joke"
}

@test "--param fields conform" {
	conforms --param 'logprobs=true' --param 'top_logprobs=2' --param 'user="u-42"' \
	    --param 'presence_penalty=0.5' --param 'stream=false' "Hi"
}

@test "stdin added to the user message conforms" {
	printf 'diff --git a/x b/x\n+\ttab "quoted" \xe2\x80\xa8\n' >in
	gpt-msg -s "Review this diff." <in >req.json
	run prism_post req.json
	assert_output "200 -"
}

@test "every option at once conforms" {
	conforms -m gpt-4o --developer "Reply in JSON." -s S -u U -a A -t 1.2 --top-p 0.5 \
	    --max-tokens 50 --seed 7 -n 2 --stop x --stop y -j --param 'user="u"' "Q"
}

@test "a conversation continued from Prism's own answer conforms" {
	gpt-msg -s "Be brief." "First?" </dev/null >q.json
	curl -s -H 'Authorization: Bearer sk-test' -H 'Content-Type: application/json' \
	    --data-binary @q.json "$PRISM_URL/chat/completions" >a.json
	[ "$(jq -r .object a.json)" = chat.completion ]
	cat q.json a.json | gpt-msg -c - -t 0.5 "Second?" >req.json
	[ "$(jq '.messages | length' req.json)" -eq 4 ]
	run prism_post req.json
	assert_output "200 -"
}

@test "a conversation continued from a response alone conforms" {
	printf '{"object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi.","refusal":null,"annotations":[]},"finish_reason":"stop"}]}\n' >a.json
	conforms -c a.json "And?"
}

@test "the body of each --each-line batch line conforms" {
	printf 'Great film.\nDull plot.\n' | gpt-msg -s "Classify." --each-line "Review: {}" >batch.jsonl
	n=0
	while IFS= read -r line; do
		jq -c .body <<<"$line" >req.json
		run prism_post req.json
		assert_output "200 -"
		n=$((n + 1))
	done <batch.jsonl
	[ "$n" -eq 2 ]
}

@test "the check catches violations: temperature 5 through --param is refused" {
	gpt-msg --param temperature=5 "Hi" </dev/null >req.json
	run prism_post req.json
	[[ "$output" == "400 "*'"temperature"'*'must be <= 2'* ]] || fail "not caught: $output"
}

@test "the check catches violations: an unknown response_format type is refused" {
	gpt-msg --param 'response_format={"type":"xml"}' "Hi" </dev/null >req.json
	run prism_post req.json
	[[ "$output" == "400 "*response_format* ]] || fail "not caught: $output"
}
