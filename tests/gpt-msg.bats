#!/usr/bin/env bats
# gpt-msg: the request bodies it builds, byte for byte where it matters,
# and what it refuses.  Expected documents live in tests/golden/msg/.
bats_require_minimum_version 1.5.0
load helper

G="$TOP/tests/golden/msg"

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# Compare the JSON on stdout with a golden document, whatever the key order.
assert_json_equals_golden() {
	diff -u <(jq_canon "$G/$1") <(printf '%s\n' "$output" | jq_canon) ||
		fail "output differs from $1"
}

# The content of the last message of the request in file $1, raw.
last_content() {
	jq -j '.messages[-1].content' "$1"
}

# --- the source articles ------------------------------------------------

@test "the curl example of each article builds its JSON body" {
	for m in gpt-4-1106-preview gpt-4o gpt-3.5-turbo-1106 gpt-4o-mini; do
		run --separate-stderr gpt-msg -m "$m" -s "You are an assistant." "Hello!" </dev/null
		assert_success
		assert_json_equals_golden "$m.json"
	done
}

@test "the JSON mode example of each article gets response_format json_object" {
	for m in gpt-4-1106-preview gpt-4o gpt-3.5-turbo-1106 gpt-4o-mini; do
		run --separate-stderr gpt-msg -m "$m" -j \
		    -s "You are an assistant, and you only reply with JSON." "Hello!" </dev/null
		assert_success
		assert_json_equals_golden "$m-json-mode.json"
	done
}

@test "JSON mode without the word json is refused with exit 3, the fix named, nothing on stdout" {
	run --separate-stderr gpt-msg -m gpt-4o -j -s "You are an assistant." "Hello!" </dev/null
	assert_failure 3
	assert_output ""
	[ "$stderr" = 'gpt-msg: JSON mode needs the word "json" in a message: add it to the system message, e.g. -s "Reply in JSON."' ]
}

@test "the Python few-shot example (system, user, assistant, user, JSON mode) builds its request" {
	run --separate-stderr gpt-msg -m gpt-3.5-turbo-0125 -t 0.8 --max-tokens 3000 -j \
	    -s "You are a funny comedian who tells dad jokes. The output should be in JSON format." \
	    -u "Write a dad joke related to numbers." \
	    -a "Q: How do you make 7 even? A: Take away the s." \
	    -u "Write one related to programmers." </dev/null
	assert_success
	assert_json_equals_golden python-dad-jokes.json
}

@test "the Python text completion example builds its request" {
	run --separate-stderr gpt-msg -m gpt-3.5-turbo -t 0.8 --max-tokens 3000 \
	    -s "You are a poet who creates poems that evoke emotions." \
	    "Write a short poem for programmers." </dev/null
	assert_success
	assert_json_equals_golden python-poem.json
}

@test "a user message alone needs no system message, and the model defaults to gpt-4o-mini" {
	run --separate-stderr gpt-msg Write a short poem for programmers. </dev/null
	assert_success
	assert_json_equals_golden python-user-only.json
}

# --- canonical output -----------------------------------------------------

@test "every parameter is written in one fixed key order, compact, on one line" {
	run --separate-stderr gpt-msg --param 'user="u1"' --stop END -j --seed 7 -n 2 \
	    --top-p 0.5 --max-tokens 10 -t 0.7 -m gpt-4o --param 'logprobs=true' \
	    --developer "Reply in JSON." -u "Hi" </dev/null
	assert_success
	assert_output "$(cat "$G/all-params.jsonl")"
}

@test "the same arguments give the same bytes every time" {
	gpt-msg -s S -t 0.3 --param 'b=1' --param 'a=2' Q </dev/null >one
	gpt-msg -s S -t 0.3 --param 'b=1' --param 'a=2' Q </dev/null >two
	cmp one two
}

@test "messages come in the order given, the words last as one user message" {
	run --separate-stderr gpt-msg -u U1 -s S --developer D -a A one two "three four" </dev/null
	assert_success
	assert_output '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"U1"},{"role":"system","content":"S"},{"role":"developer","content":"D"},{"role":"assistant","content":"A"},{"role":"user","content":"one two three four"}]}'
}

@test "GPT_MODEL sets the default model and -m overrides it" {
	GPT_MODEL=gpt-4o run --separate-stderr gpt-msg hi </dev/null
	[ "$(jq -r .model <<<"$output")" = gpt-4o ]
	GPT_MODEL=gpt-4o run --separate-stderr gpt-msg -m o3 hi </dev/null
	[ "$(jq -r .model <<<"$output")" = o3 ]
}

@test "a German locale still writes 0.7 and reads -t 0.7" {
	LC_ALL=de_DE.UTF-8 run --separate-stderr gpt-msg -t 0.7 --top-p 0.25 hi </dev/null
	assert_success
	assert_output '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":0.7,"top_p":0.25}'
}

# --- text, byte for byte ----------------------------------------------------

@test "quotes, control characters, tabs, emoji and U+2028 on stdin survive exactly" {
	printf 'say "hi" \\ back\ttab\001\037\177 \xf0\x9f\x98\x80 \xe2\x80\xa8 end\r\n' >in
	gpt-msg <in >req
	last_content req >got
	cmp in got
}

@test "the same characters in an argument survive exactly" {
	arg=$(printf 'say "hi" \\ back\ttab\001\037 \xf0\x9f\x98\x80 \xe2\x80\xa8 end')
	gpt-msg -u "$arg" </dev/null >req
	printf '%s' "$arg" >want
	last_content req >got
	cmp want got
}

@test "1 MB of stdin survives exactly" {
	head -c 786432 /dev/urandom | base64 >in
	[ "$(wc -c <in)" -gt 1000000 ]
	gpt-msg <in >req
	last_content req >got
	cmp in got
}

@test "stdin is added to the user message after one blank line, exactly" {
	printf '  line 1\n\n\tline 3  \n\n' >in
	gpt-msg -s S "Summarise:" <in >req
	{ printf 'Summarise:\n\n'; cat in; } >want
	last_content req >got
	cmp want got
	[ "$(jq -r '.messages[0].content' req)" = S ]
}

@test "stdin goes to the last user message given, not to an assistant message after it" {
	printf 'X' | gpt-msg -u U1 -u U2 -a A >req
	[ "$(jq -c '[.messages[].content]' req)" = '["U1","U2\n\nX","A"]' ]
}

@test "stdin alone is the user message, and empty stdin adds nothing" {
	printf 'just stdin' | gpt-msg -s S >req
	[ "$(jq -c .messages req)" = '[{"role":"system","content":"S"},{"role":"user","content":"just stdin"}]' ]
	gpt-msg hello </dev/null >req
	[ "$(last_content req)" = hello ]
}

@test "--no-stdin leaves stdin unread" {
	printf 'not this' | gpt-msg --no-stdin hello >req
	[ "$(jq -c .messages req)" = '[{"role":"user","content":"hello"}]' ]
}

@test "invalid UTF-8 on stdin is exit 3 naming the byte offset, with nothing on stdout" {
	printf 'abc\xc3(' >in
	run --separate-stderr gpt-msg hi <in
	assert_failure 3
	assert_output ""
	[ "$stderr" = "gpt-msg: <stdin>: invalid UTF-8 at byte 3" ]
}

@test "a NUL byte on stdin is exit 3 naming the byte offset, with nothing on stdout" {
	printf 'ab\0c' >in
	run --separate-stderr gpt-msg hi <in
	assert_failure 3
	assert_output ""
	[ "$stderr" = "gpt-msg: <stdin>: NUL byte at byte 2" ]
}

@test "invalid UTF-8 in an argument or a file is exit 3 naming where" {
	run --separate-stderr gpt-msg -s "$(printf 'ok\xff')" hi </dev/null
	assert_failure 3
	assert_output ""
	[ "$stderr" = "gpt-msg: --system: invalid UTF-8 at byte 2" ]
	run --separate-stderr gpt-msg fine "$(printf 'x\xc0\x80')" </dev/null
	assert_failure 3
	[ "$stderr" = "gpt-msg: word 2: invalid UTF-8 at byte 1" ]
	printf '\xe2\x82' >bad.txt
	run --separate-stderr gpt-msg -f bad.txt </dev/null
	assert_failure 3
	[ "$stderr" = "gpt-msg: bad.txt: invalid UTF-8 at byte 0" ]
}

# --- files ---------------------------------------------------------------------

@test "@file reads a message from a file, exactly, for any role and for a word" {
	printf 'system\ntext\n' >sys.txt
	printf 'notes ' >notes.txt
	gpt-msg -s @sys.txt Summarise @notes.txt please </dev/null >req
	[ "$(jq -c '[.messages[].content]' req)" = '["system\ntext\n","Summarise notes  please"]' ]
}

@test "@@ gives a literal @ and a lone @ is itself" {
	run --separate-stderr gpt-msg -s @@admin @@bob @ </dev/null
	assert_success
	[ "$(jq -c '[.messages[].content]' <<<"$output")" = '["@admin","@bob @"]' ]
}

@test "-f FILE adds a user message with the file's text, and - is stdin" {
	printf 'from file' >f.txt
	gpt-msg -s S -f f.txt </dev/null >req
	[ "$(jq -c .messages req)" = '[{"role":"system","content":"S"},{"role":"user","content":"from file"}]' ]
	printf 'from stdin' | gpt-msg -f - -a A >req
	[ "$(jq -c '[.messages[].content]' req)" = '["from stdin","A"]' ]
	printf 'sys on stdin' | gpt-msg -s @- hi >req
	[ "$(jq -c '[.messages[].content]' req)" = '["sys on stdin","hi"]' ]
}

@test "a missing file is exit 2, and stdin cannot be read twice" {
	run --separate-stderr gpt-msg -f nothere.txt </dev/null
	assert_failure 2
	[ "$stderr" = "gpt-msg: nothere.txt: No such file or directory" ]
	run --separate-stderr gpt-msg -f - -s @- </dev/null
	assert_failure 2
	assert_output ""
}

@test "no message at all is exit 2" {
	run --separate-stderr gpt-msg </dev/null
	assert_failure 2
	assert_output ""
	[[ "$stderr" == "gpt-msg: no message"* ]]
}

# --- parameters ------------------------------------------------------------------

@test "out-of-range and malformed numbers are exit 2 with one line and a hint" {
	for args in "-t 2.5" "-t -0.1" "-t abc" "-t 0,7" "--max-tokens 0" "--max-tokens abc" \
	    "--max-tokens 1x" "--top-p 1.5" "-n 0" "-n 129" "--seed 1.5" \
	    "--seed 9007199254740992"; do
		run --separate-stderr gpt-msg $args hi </dev/null
		[ "$status" -eq 2 ] || fail "gpt-msg $args: exit $status, want 2"
		[ -z "$output" ] || fail "gpt-msg $args wrote to stdout"
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 2 ] || fail "gpt-msg $args: $stderr"
		[[ "$stderr" == *"Try 'gpt-msg --help'"* ]]
	done
}

@test "the bounds themselves are accepted" {
	run --separate-stderr gpt-msg -t 0 --top-p 1 --max-tokens 1 -n 128 --seed -9007199254740991 hi </dev/null
	assert_success
	assert_output '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":0,"top_p":1,"max_tokens":1,"n":128,"seed":-9007199254740991}'
	run --separate-stderr gpt-msg -t 2 hi </dev/null
	assert_success
}

@test "--stop once is a string, more than once an array, more than four exit 2" {
	run --separate-stderr gpt-msg --stop END hi </dev/null
	[ "$(jq -c .stop <<<"$output")" = '"END"' ]
	run --separate-stderr gpt-msg --stop a --stop b --stop '"c"' --stop $'\n' hi </dev/null
	[ "$(jq -c .stop <<<"$output")" = '["a","b","\"c\"","\n"]' ]
	run --separate-stderr gpt-msg --stop a --stop b --stop c --stop d --stop e hi </dev/null
	assert_failure 2
	assert_output ""
}

@test "--param sets any field to a JSON value, in the order given, later wins" {
	run --separate-stderr gpt-msg --param 'b={"x":[1,2]}' --param 'a=null' -t 1 \
	    --param 'temperature=0.5' --param 'b="s"' hi </dev/null
	assert_success
	assert_output '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":0.5,"b":"s","a":null}'
	run --separate-stderr gpt-msg --param 'temperature=0.5' -t 1 hi </dev/null
	[ "$(jq -c .temperature <<<"$output")" = 1 ]
}

@test "--param with a value that is not JSON is exit 2 saying so" {
	run --separate-stderr gpt-msg --param 'user=bob' hi </dev/null
	assert_failure 2
	assert_output ""
	[[ "$stderr" == "gpt-msg: --param user=bob: the value is not JSON (a string needs quotes: --param 'user=\"bob\"')"* ]]
	for bad in 'noequals' '=1' 'x=' 'x=1 2' 'messages=[]' 'model=5'; do
		run --separate-stderr gpt-msg --param "$bad" hi </dev/null
		[ "$status" -eq 2 ] || fail "--param $bad: exit $status"
	done
}

@test "--param model sets the model" {
	run --separate-stderr gpt-msg --param 'model="gpt-4o"' hi </dev/null
	[ "$(jq -r .model <<<"$output")" = gpt-4o ]
}

@test "--schema sets a strict json_schema named after the title, sanitised" {
	printf '{"title":"Movie review!","type":"object","properties":{"score":{"type":"integer"}}}' >s.json
	run --separate-stderr gpt-msg --schema s.json Rate it </dev/null
	assert_success
	[ "$(jq -c .response_format <<<"$output")" = '{"type":"json_schema","json_schema":{"name":"Movie_review_","schema":{"title":"Movie review!","type":"object","properties":{"score":{"type":"integer"}}},"strict":true}}' ]
}

@test "--schema without a title is named after the file, and needs no word json" {
	printf '{"type":"object"}' >"movie review.schema.json"
	run --separate-stderr gpt-msg --schema "movie review.schema.json" hi </dev/null
	assert_success
	[ "$(jq -r .response_format.json_schema.name <<<"$output")" = movie_review_schema ]
}

@test "--schema of a file that is not a JSON object is exit 3" {
	printf '[1]' >a.json
	run --separate-stderr gpt-msg --schema a.json hi </dev/null
	assert_failure 3
	printf '{"type":' >b.json
	run --separate-stderr gpt-msg --schema b.json hi </dev/null
	assert_failure 3
	assert_output ""
}

@test "the word json may be in any message and any letter case" {
	run --separate-stderr gpt-msg -j "Answer as JsOn please" </dev/null
	assert_success
	printf 'give me json' | gpt-msg -j hello >req
	[ "$(jq -c .response_format req)" = '{"type":"json_object"}' ]
}

# --- conversations ------------------------------------------------------------

response() { # $1 = content
	printf '{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}\n' "$1"
}

@test "the loop of plain files: question, answer, next question" {
	gpt-msg -m gpt-4o -t 0.2 -s "Be brief." "First?" </dev/null >q.json
	response "One." >a.json
	cat q.json a.json | gpt-msg -c - "Second?" >q2.json
	diff -u "$G/conversation.jsonl" q2.json
	response "Two." >a2.json
	cat q2.json a2.json | gpt-msg -c - "Third?" >q3.json
	[ "$(jq -c '[.messages[].content]' q3.json)" = '["Be brief.","First?","One.","Second?","Two.","Third?"]' ]
}

@test "-c FILE keeps the earlier parameters and options given now override them" {
	printf '{"model":"gpt-4o","messages":[{"role":"user","content":"Q"}],"temperature":0.2,"stream":true}\n' >q.json
	run --separate-stderr gpt-msg -c q.json -t 1 -m o3 "next" </dev/null
	assert_success
	assert_output '{"model":"o3","messages":[{"role":"user","content":"Q"},{"role":"user","content":"next"}],"temperature":1,"stream":true}'
}

@test "a response alone is continued from its assistant message" {
	response "Hi there." >a.json
	run --separate-stderr gpt-msg -c a.json "And?" </dev/null
	assert_success
	assert_output '{"model":"gpt-4o-mini","messages":[{"role":"assistant","content":"Hi there."},{"role":"user","content":"And?"}]}'
}

@test "a batch input line and its output line are continued" {
	gpt-msg -s S --each-line <<<"Q" >in.jsonl
	printf '{"id":"batch_req_1","custom_id":"line-1","response":{"status_code":200,"request_id":"r","body":%s},"error":null}\n' "$(response A)" >out.jsonl
	cat in.jsonl out.jsonl | gpt-msg -c - "More" >req
	[ "$(jq -c .messages req)" = '[{"role":"system","content":"S"},{"role":"user","content":"Q"},{"role":"assistant","content":"A"},{"role":"user","content":"More"}]' ]
}

@test "a streamed answer is gathered into one assistant message" {
	gpt-msg "Q" </dev/null >q.json
	cat >a.jsonl <<-'E'
	{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}
	{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel"}}]}
	{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"lo \u2028"},"finish_reason":"stop"}]}
	{"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"total_tokens":5}}
	E
	cat q.json a.jsonl | gpt-msg -c - next >req
	[ "$(jq -c '.messages[1]' req)" = "$(printf '{"role":"assistant","content":"Hello \xe2\x80\xa8"}')" ]
}

@test "an error answer cannot be continued: exit 3 naming the line" {
	gpt-msg "Q" </dev/null >q.json
	printf '{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}\n' >e.json
	cat q.json e.json >conv
	run --separate-stderr gpt-msg -c conv next </dev/null
	assert_failure 3
	assert_output ""
	[ "$stderr" = "gpt-msg: conv:2: the earlier answer is an error, not a message to continue: Rate limit reached" ]
}

@test "-c with something that is not JSON, or an empty file, is exit 3" {
	printf 'hello\n' >t
	run --separate-stderr gpt-msg -c t next </dev/null
	assert_failure 3
	: >empty
	run --separate-stderr gpt-msg -c empty next </dev/null
	assert_failure 3
	[ "$stderr" = "gpt-msg: empty: no request or response to continue" ]
	run --separate-stderr gpt-msg -c missing next </dev/null
	assert_failure 2
}

# --- batches -----------------------------------------------------------------------

@test "--each-line writes one Batch API line per line, {} is the line, empty lines skipped" {
	printf 'Great film.\n\nDull {} plot.\r\nLast without newline' >in
	run --separate-stderr gpt-msg -s "Classify." --each-line "Review: {}" <in
	assert_success
	assert_output "$(cat "$G/each-line.jsonl")"
}

@test "--each-line without {} makes the line the user message, or adds it after a blank line" {
	printf 'a\nb\n' | gpt-msg -s S --each-line >out
	[ "$(jq -c '[.custom_id, .body.messages[-1].content]' out)" = "$(printf '["line-1","a"]\n["line-2","b"]')" ]
	printf 'a\n' | gpt-msg --each-line "Translate:" >out
	[ "$(jq -r '.body.messages[-1].content' out)" = "$(printf 'Translate:\n\na')" ]
}

@test "--id-prefix changes the custom_id prefix" {
	printf 'a\nb\n' | gpt-msg --each-line --id-prefix review- >out
	[ "$(jq -r .custom_id out | tr '\n' ' ')" = "review-1 review-2 " ]
}

@test "--each-line: an invalid line is exit 3 naming line and byte offset, the others are written" {
	printf 'good\nb\xffd\nalso good\n' >in
	run --separate-stderr gpt-msg --each-line <in
	assert_failure 3
	[ "$stderr" = "gpt-msg: <stdin>:2: invalid UTF-8 at byte 1 of the line (byte 6 of the input)" ]
	[ "$(printf '%s\n' "$output" | jq -r .custom_id | tr '\n' ' ')" = "line-1 line-3 " ]
}

@test "--each-line writes each line as soon as it is read" {
	mkfifo fifo
	gpt-msg --each-line <fifo >out &
	exec 4>fifo
	printf 'first\n' >&4
	for i in $(seq 50); do [ -s out ] && break; sleep 0.1; done
	[ "$(jq -r .custom_id out)" = line-1 ]
	exec 4>&-
	wait
}

@test "--each-line checks JSON mode for every request" {
	run --separate-stderr bash -c "printf 'reply in json\nno word here\n' | gpt-msg -j --each-line"
	assert_failure 3
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ]
	[[ "$stderr" == "gpt-msg: <stdin>:2: JSON mode needs"* ]]
}

@test "--each-line cannot share stdin with -f - or -c -" {
	run --separate-stderr gpt-msg --each-line -f - </dev/null
	assert_failure 2
	run --separate-stderr gpt-msg --each-line -c - </dev/null
	assert_failure 2
}

# --- output and options -------------------------------------------------------------

@test "writing to a full disk is exit 7" {
	run --separate-stderr bash -c 'gpt-msg hi </dev/null >/dev/full'
	assert_failure 7
	[ "$stderr" = "gpt-msg: stdout: write error: No space left on device" ]
}

@test "a closed pipe ends --each-line quietly" {
	seq 100000 >in
	run --separate-stderr bash -c 'gpt-msg --each-line <in | head -1'
	assert_success
	[ -z "$stderr" ]
	[ "$(jq -r .custom_id <<<"$output")" = line-1 ]
}

@test "--help lists every option on stdout and --version names the toolkit" {
	run --separate-stderr gpt-msg --help
	assert_success
	for o in --assistant --choices --continue --developer --each-line --file --help \
	    --id-prefix --json --max-tokens --model --no-stdin --param --schema --seed \
	    --stop --system --temperature --top-p --user --version; do
		[[ "$output" == *"$o"* ]] || fail "--help does not list $o"
	done
	run gpt-msg --version
	assert_output "gpt-msg (gpt-tools) 0.1.0"
}

@test "an unknown option is exit 2 with one line and a hint" {
	run --separate-stderr gpt-msg --bogus </dev/null
	assert_failure 2
	assert_output ""
	[ "$stderr" = "$(printf "gpt-msg: --bogus: unknown option\nTry 'gpt-msg --help' for more information.")" ]
}
