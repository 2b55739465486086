#!/usr/bin/env bats
# gpt-extract: what it prints of responses, streams and batch lines, and
# how it fails.  Golden cases live in tests/golden/extract/NAME/: "input"
# (stdin), "args" (one argument a line, @CASE standing for the case's
# directory), and the exact "stdout", "stderr" and exit "status" expected.
bats_require_minimum_version 1.5.0
load helper

G="$TOP/tests/golden/extract"

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	if declare -F mock_stop >/dev/null; then
		mock_stop
	fi
}

# Run golden case $1 and compare stdout (byte for byte), stderr and status.
golden() {
	local d="$G/$1" a args=() st
	[ -d "$d" ] || fail "no golden case $1"
	while IFS= read -r a; do
		args+=("${a//@CASE/$d}")
	done <"$d/args"
	st=0
	gpt-extract "${args[@]}" <"$d/input" >out 2>err || st=$?
	cmp -s out "$d/stdout" ||
		fail "$1: stdout differs: $(diff <(od -c "$d/stdout") <(od -c out) | head -20)"
	diff -u "$d/stderr" err || fail "$1: stderr differs"
	[ "$st" -eq "$(cat "$d/status")" ] ||
		fail "$1: exit status $st, expected $(cat "$d/status")"
}

@test "golden plain: a response prints the assistant's text and one newline" {
	golden plain
}

@test "golden plain-multiline: text with newlines, quotes and non-ASCII is printed byte for byte" {
	golden plain-multiline
}

@test "golden nul-bytes: a NUL byte in the text (\u0000) is written as is, like jq -r" {
	golden nul-bytes
}

@test "golden compact: -c prints the text as a JSON string" {
	golden compact
}

@test "golden join: -j prints the texts without a newline after each" {
	golden join
}

@test "golden pretty-printed-response: a response spread over several lines is one item" {
	golden pretty-printed-response
}

@test "golden empty-input: empty input prints nothing and succeeds" {
	golden empty-input
}

@test "golden json-mode: --json parses a JSON-mode answer and prints it as compact JSON" {
	golden json-mode
}

@test "golden json-mode-invalid: --json on text that is not JSON is exit 3 naming the position" {
	golden json-mode-invalid
}

@test "golden json-mode-bad-value: --json names line and column of a bad literal" {
	golden json-mode-bad-value
}

@test "golden json-mode-lone-surrogate: --json refuses a lone surrogate in the text, naming the byte" {
	golden json-mode-lone-surrogate
}

@test "golden tool-calls: --tool-calls prints the tool_calls array" {
	golden tool-calls
}

@test "golden tool-calls-none: --tool-calls prints [] for a message without tool calls" {
	golden tool-calls-none
}

@test "golden content-null: content null (tool calls only) prints nothing, not even a newline" {
	golden content-null
}

@test "golden content-null-compact: -c prints content null as null, one line per choice" {
	golden content-null-compact
}

@test "golden content-null-verbose: -v says on stderr that a message has no text" {
	golden content-null-verbose
}

@test "golden message: --message prints the assistant message as a request takes it back" {
	golden message
}

@test "golden message-tool-calls: --message keeps tool_calls and content null, drops response-only fields" {
	golden message-tool-calls
}

@test "golden refusal: a refusal prints nothing and is reported on stderr, exit 0" {
	golden refusal
}

@test "golden refusal-complete: a refusal under --complete is exit 5" {
	golden refusal-complete
}

@test "golden n2-default: n > 1: the first choice by default" {
	golden n2-default
}

@test "golden n2-all: n > 1: --all prints every choice in order" {
	golden n2-all
}

@test "golden n2-choice1: n > 1: --choice 1 prints the second choice" {
	golden n2-choice1
}

@test "golden n2-choice-missing: --choice past the last choice is exit 3" {
	golden n2-choice-missing
}

@test "golden missing-choices: a response without choices is exit 3" {
	golden missing-choices
}

@test "golden error-body: an API error body is reported on stderr with type, code and message, exit 1" {
	golden error-body
}

@test "golden error-then-response: after an error body the stream goes on" {
	golden error-then-response
}

@test "golden lone-surrogate: a lone surrogate in the input is exit 3 naming the byte offset, the rest still read" {
	golden lone-surrogate
}

@test "golden invalid-json-middle: an invalid JSON line in the middle is reported, the rest processed, exit 3" {
	golden invalid-json-middle
}

@test "golden request-not-response: a request is exit 3 with a hint to send it first" {
	golden request-not-response
}

@test "golden batch-input-line: a batch input line is exit 3 with a hint, named by custom_id" {
	golden batch-input-line
}

@test "golden not-a-response: JSON that is no response is exit 3, each item reported" {
	golden not-a-response
}

@test "golden stream-words: a chunk stream prints the assembled text and one newline" {
	golden stream-words
}

@test "golden stream-1char: a stream cut into 1-character deltas prints the same text" {
	golden stream-1char
}

@test "golden stream-one-piece: a stream in one delta without a usage chunk prints the same text" {
	golden stream-one-piece
}

@test "golden stream-usage: --usage of a stream is its usage chunk" {
	golden stream-usage
}

@test "golden stream-finish-reason: --finish-reason of a stream is its last chunk's" {
	golden stream-finish-reason
}

@test "golden stream-complete-length: --complete on a stream cut by max_tokens is exit 5 after the text" {
	golden stream-complete-length
}

@test "golden stream-cut-complete: --complete on a stream without a finish_reason is exit 5" {
	golden stream-cut-complete
}

@test "golden stream-json: --json assembles a stream before parsing it" {
	golden stream-json
}

@test "golden stream-two: two streams one after the other give two answers" {
	golden stream-two
}

@test "golden stream-message: --message assembles the streamed message" {
	golden stream-message
}

@test "golden stream-tool-calls: streamed tool calls are merged by index, arguments concatenated" {
	golden stream-tool-calls
}

@test "golden stream-tool-calls-content: a streamed tool call prints no text and no newline" {
	golden stream-tool-calls-content
}

@test "golden stream-tool-calls-verbose: -v says a streamed tool call has no text" {
	golden stream-tool-calls-verbose
}

@test "golden stream-same-id-twice: a stream repeated with the same id gives two answers" {
	golden stream-same-id-twice
}

@test "golden stream-tool-calls-message: --message of a streamed tool call is ready to send back" {
	golden stream-tool-calls-message
}

@test "golden stream-n2-all: n > 1 streamed, chunks interleaved: --all prints each choice" {
	golden stream-n2-all
}

@test "golden stream-n2-choice1: n > 1 streamed: --choice 1 prints only the second choice" {
	golden stream-n2-choice1
}

@test "golden stream-n2-default: n > 1 streamed: the first choice by default" {
	golden stream-n2-default
}

@test "golden stream-refusal: a streamed refusal is assembled and reported on stderr" {
	golden stream-refusal
}

@test "golden batch-with-id: batch output lines with --with-id: id, tab, text; failed lines reported, exit 1" {
	golden batch-with-id
}

@test "golden batch-plain: batch output lines print their responses' text" {
	golden batch-plain
}

@test "golden batch-filter: a filter sees a batch line's response body, --with-id adds the id" {
	golden batch-filter
}

@test "golden usage: --usage prints the usage object" {
	golden usage
}

@test "golden usage-missing: --usage prints null when a response has no usage" {
	golden usage-missing
}

@test "golden finish-reason: --finish-reason prints each finish_reason raw" {
	golden finish-reason
}

@test "golden filter-arg: a filter with --arg and --argjson, -r prints strings raw" {
	golden filter-arg
}

@test "golden filter-json: a filter's output is JSON by default" {
	golden filter-json
}

@test "golden filter-error: a filter error is reported for its item, the others printed, exit 3" {
	golden filter-error
}

@test "golden filter-file: -f FILE reads the filter from a file, comments allowed" {
	golden filter-file
}

@test "golden complete-length: --complete on finish_reason length prints the text, exit 5" {
	golden complete-length
}

@test "golden complete-content-filter: --complete on finish_reason content_filter is exit 5" {
	golden complete-content-filter
}

@test "golden length-without-complete: finish_reason length without --complete is success" {
	golden length-without-complete
}

@test "golden complete-json-length: --complete --json on a cut answer reports the cut, not a parse error" {
	golden complete-json-length
}

@test "every golden case has its test" {
	for d in "$G"/*/; do
		n=$(basename "$d")
		grep -qx "	golden $n" "$BATS_TEST_FILENAME" || fail "no test runs golden case $n"
	done
}

# --- streams ----------------------------------------------------------

# A chunk stream of the text $1 cut into deltas of $2 characters.
chunks_of() {
	python3 - "$1" "$2" <<'PY'
import json, sys
text, n = sys.argv[1], int(sys.argv[2])
def chunk(delta, finish=None):
    return {"id": "chatcmpl-X", "object": "chat.completion.chunk", "created": 1,
            "model": "gpt-4o-mini", "choices": [{"index": 0, "delta": delta,
            "logprobs": None, "finish_reason": finish}]}
out = [chunk({"role": "assistant", "content": ""})]
out += [chunk({"content": text[i:i + n]}) for i in range(0, len(text), n)]
out.append(chunk({}, "stop"))
for c in out:
    print(json.dumps(c, ensure_ascii=False))
PY
}

@test "a stream gives the same text whatever the size of its deltas" {
	text=$'Déjà vu: "quotes", \\backslashes\\, tabs\tand\nnewlines 😀 done.'
	for n in 1 2 3 5 8 13 21 100; do
		chunks_of "$text" "$n" >s.jsonl
		gpt-extract <s.jsonl >out
		printf '%s\n' "$text" | cmp -s - out || fail "deltas of $n: $(cat out)"
		gpt-extract --json <s.jsonl >/dev/null 2>&1 && fail "not JSON, yet --json succeeded"
		gpt-extract --message <s.jsonl | jq -j .content >msg
		printf '%s' "$text" | cmp -s - msg || fail "--message, deltas of $n: $(cat msg)"
	done
}

@test "a stream's first delta is printed before its last chunk is written" {
	chunks_of "Hello there, streaming world." 5 >s.jsonl
	mkfifo pipe
	gpt-extract <pipe >out &
	pid=$!
	exec 7>pipe
	head -2 s.jsonl >&7
	for i in $(seq 100); do
		[ -s out ] && break
		sleep 0.05
	done
	early=$(cat out)
	tail -n +3 s.jsonl >&7
	exec 7>&-
	wait "$pid"
	[ "$early" = "Hello" ] || fail "before the end of the stream: '$early'"
	[ "$(cat out)" = "Hello there, streaming world." ]
}

@test "--with-id on items without a custom_id leaves the id field empty" {
	run --separate-stderr gpt-extract --with-id <"$G/plain/input"
	assert_success
	[ "$output" = $'\tHello there!' ]
}

# --- output -------------------------------------------------------------

@test "writing to /dev/full is exit 7 with a message" {
	run --separate-stderr bash -c 'gpt-extract <"$1" >/dev/full' _ "$G/plain/input"
	assert_failure 7
	[ "$stderr" = "gpt-extract: stdout: write error: No space left on device" ]
}

@test "a closed pipe (| head -1) ends gpt-extract quietly" {
	line=$(cat "$G/plain/input")
	for i in $(seq 3000); do printf '%s\n' "$line"; done >many.jsonl
	run --separate-stderr bash -c 'gpt-extract <many.jsonl | head -1; echo "${PIPESTATUS[0]}" >st'
	assert_success
	[ "$output" = "Hello there!" ]
	[ -z "$stderr" ]
	[ "$(cat st)" = 0 ]
}

@test "numbers keep a decimal point under a German locale" {
	locale -a 2>/dev/null | grep -qi '^de_DE\.utf' || skip "no de_DE.UTF-8 locale"
	echo '{"object":"chat.completion","choices":[],"usage":{"cost":0.7}}' >r.json
	LC_ALL=de_DE.UTF-8 run --separate-stderr gpt-extract --usage r.json
	assert_success
	[ "$output" = '{"cost":0.7}' ]
}

# --- arguments and files ------------------------------------------------

@test "with a shortcut option every argument is a file, - is stdin" {
	run --separate-stderr gpt-extract --finish-reason "$G/plain/input" - "$G/complete-length/input" <"$G/usage/input"
	assert_success
	[ "$output" = $'stop\nstop\nlength' ]
}

@test "after a filter the arguments are files" {
	run --separate-stderr gpt-extract -r .model "$G/plain/input" "$G/plain/input"
	assert_success
	[ "$output" = $'gpt-4o-mini-2024-07-18\ngpt-4o-mini-2024-07-18' ]
}

@test "a message names the file and line of an item read from a file" {
	run --separate-stderr gpt-extract --usage "$G/error-body/input"
	assert_failure 1
	[[ "$stderr" == "gpt-extract: $G/error-body/input:1: API error "* ]]
}

@test "a file that cannot be opened is exit 2, the other files still read" {
	run --separate-stderr gpt-extract --finish-reason nosuch.json "$G/plain/input"
	assert_failure 2
	[ "$output" = stop ]
	[ "$stderr" = "gpt-extract: nosuch.json: No such file or directory" ]
}

@test "a filter that does not compile is exit 2 with jq's reason" {
	run --separate-stderr gpt-extract '.choices[0' <"$G/plain/input"
	assert_failure 2
	assert_output ""
	[[ "$stderr" == "gpt-extract: filter: syntax error, "* ]]
	[[ "$stderr" == *"Try 'gpt-extract --help' for more information." ]]
}

@test "bad usage is exit 2 with one message and a hint to --help" {
	for args in "--bogus" "--choice x" "--choice -1" "--choice" "--usage --json" \
	    "--arg name" "--arg a b" "--argjson a {bad} ." "--all .model" "-f nosuch.jq"; do
		run --separate-stderr gpt-extract $args </dev/null
		[ "$status" -eq 2 ] || fail "gpt-extract $args: status $status"
		[ -z "$output" ] || fail "gpt-extract $args wrote to stdout"
		[ "$(printf '%s\n' "$stderr" | head -1 | cut -c1-13)" = "gpt-extract: " ] ||
			fail "gpt-extract $args: $stderr"
		[ "$(printf '%s\n' "$stderr" | tail -1)" = "Try 'gpt-extract --help' for more information." ] ||
			fail "gpt-extract $args: no hint: $stderr"
	done
}

@test "a bad option is named by gpt-extract, not by the path it was run as" {
	run --separate-stderr "$TOP/gpt-extract" --bogus
	assert_failure 2
	[ "$(printf '%s\n' "$stderr" | head -1)" = "gpt-extract: --bogus: unknown or ambiguous option" ]
	run --separate-stderr "$TOP/gpt-extract" --usage=x
	[ "$(printf '%s\n' "$stderr" | head -1)" = "gpt-extract: --usage: takes no argument" ]
	run --separate-stderr "$TOP/gpt-extract" --choice
	[ "$(printf '%s\n' "$stderr" | head -1)" = "gpt-extract: --choice: an argument is needed" ]
}

@test "an --arg value that is not UTF-8 is refused, not changed" {
	run --separate-stderr gpt-extract --arg a $'ok\xff' '$a' </dev/null
	assert_failure 2
	[ "$(printf '%s\n' "$stderr" | head -1)" = "gpt-extract: --arg a: the value is not valid UTF-8 (at byte 2)" ]
}

@test "an --argjson value that is not JSON is exit 2 saying why" {
	run --separate-stderr gpt-extract --argjson n '{"a": [1, 2' '$n' </dev/null
	assert_failure 2
	[ "$(printf '%s\n' "$stderr" | head -1)" = "gpt-extract: --argjson n: not JSON: truncated JSON at end of input" ]
}

@test "--arg takes its value even when options follow the filter" {
	run --separate-stderr gpt-extract -r '$a + .model' --arg a "x " <"$G/plain/input"
	assert_success
	[ "$output" = "x gpt-4o-mini-2024-07-18" ]
}

@test "--help lists every option on stdout, --version names the toolkit" {
	run --separate-stderr gpt-extract --help
	assert_success
	for o in --all --arg --argjson --choice --compact-output --complete \
	    --finish-reason --from-file --help --join-output --json --message \
	    --raw-output --tool-calls --usage --verbose --version --with-id; do
		[[ "$output" == *"$o "* ]] || fail "--help does not list $o"
	done
	run gpt-extract --version
	assert_success
	assert_output "gpt-extract (gpt-tools) 0.1.0"
}

# --- end to end, with gpt-send and the mock server ------------------------

@test "gpt-send -S | gpt-extract shows the first words before the mock sends the last" {
	[ -x "$TOP/gpt-send" ] || skip "gpt-send not built"
	load mock
	mock_start
	text="one two three four five six seven eight nine ten eleven twelve"
	mock_script '[{"stream": true, "content": "'"$text"'", "chunk_delay_ms": 200}]'
	echo '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Count."}]}' >req.json
	gpt-send -S <req.json | gpt-extract >out 2>err &
	pid=$!
	end=$((SECONDS + 10))
	until [ -s out ] || [ $SECONDS -ge $end ]; do
		sleep 0.02
	done
	early=$(cat out)
	wait "$pid"
	[ "$(cat out)" = "$text" ] || fail "got: $(cat out) $(cat err)"
	# The mock needs 2.4 s for the whole stream: what came first is a part.
	[ -n "$early" ] && [ "$early" != "$text" ] || fail "first seen: '$early'"
	[[ "$text" == "$early"* ]]
}

@test "gpt-msg | gpt-send | gpt-extract round trip through the mock, plain and streamed" {
	[ -x "$TOP/gpt-send" ] && [ -x "$TOP/gpt-msg" ] || skip "gpt-send or gpt-msg not built"
	load mock
	mock_start
	run --separate-stderr bash -c 'gpt-msg "Hello, mock." </dev/null | gpt-send | gpt-extract'
	assert_success
	assert_output "You said: Hello, mock."
	run --separate-stderr bash -c 'gpt-msg "Hello, stream." </dev/null | gpt-send -S | gpt-extract --message'
	assert_success
	assert_output '{"role":"assistant","content":"You said: Hello, stream."}'
	mock_script '[{"status": 400, "error_code": "model_not_found", "message": "No such model."}]'
	run --separate-stderr bash -c 'gpt-msg "Hi" </dev/null | gpt-send --retries 0 -q | gpt-extract'
	assert_failure 1
	assert_output ""
	[[ "$stderr" == "gpt-extract: line 1: API error "*": No such model." ]] || fail "$stderr"
	mock_stop
}

@test "the built-in paths never start jq's compiler; a filter does" {
	# A stand-in libjq entry point that ends the program if it is called.
	cat >nojq.c <<'C'
#include <unistd.h>
void *jq_init(void) { write(2, "jq_init called\n", 15); _exit(97); }
C
	cc -shared -fPIC -o nojq.so nojq.c || skip "no C compiler"
	# Under make check SAN=1, ASan must not mind a library preloaded first.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	for opt in "" --json --usage --message --tool-calls --finish-reason --all; do
		LD_PRELOAD=$PWD/nojq.so run --separate-stderr gpt-extract $opt <"$G/json-mode/input"
		[ "$status" -eq 0 ] || fail "gpt-extract $opt: status $status: $stderr"
	done
	LD_PRELOAD=$PWD/nojq.so run --separate-stderr gpt-extract -r .model <"$G/json-mode/input"
	assert_failure 97
}
