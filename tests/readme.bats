#!/usr/bin/env bats
# Every recipe of the README, extracted from it and run as written against
# the mock server, so the README cannot drift from what the programs do.
# ```sh blocks are run in order in one directory (later recipes may use
# what earlier ones made); the ```make block is run as a Makefile.
bats_require_minimum_version 1.5.0
load helper
load mock

# The Nth ```LANG block of the README (1-based), on stdout.
block() {
	awk -v want="$2" -v lang="$1" '
		$0 == "```" lang { n++; if (n == want) { on = 1; next } }
		on && $0 == "```" { exit }
		on { print }' "$TOP/README.md"
}

setup_file() {
	export WORK="$BATS_FILE_TMPDIR/work"
	mkdir -p "$WORK/docs"
	cd "$WORK" || return 1
	printf '# Notes\n\nThe meeting moved to Tuesday.\nBring the budget sheet.\n' > notes.md
	printf 'Alpha is the first letter.\n' > docs/alpha.md
	printf 'Beta is the second letter.\n' > docs/beta.md
	git init -q . && git config user.email t@example.org && git config user.name t
	git add notes.md && git commit -qm notes
	printf 'One more line.\n' >> notes.md
	mock_start
}

teardown_file() {
	mock_stop
}

# Run the Nth sh recipe in the shared directory, with any loopback base URL
# of another server pointed at the mock.
recipe() {
	local text
	text=$(block sh "$1")
	[ -n "$text" ] || fail "the README has no sh recipe $1"
	text=$(sed -E "s#http://localhost:[0-9]+/v1#$MOCK_URL#g" <<<"$text")
	cd "$WORK"
	run env OPENAI_BASE_URL="$MOCK_URL" OPENAI_API_KEY=sk-test-mock-key \
	    bash -e -o pipefail -c "$text"
	[ "$status" -eq 0 ] || fail "recipe $1 failed with status $status:
$text
--- output:
$output"
}

@test "the README has exactly the recipes this file runs" {
	run grep -c '^```sh$' "$TOP/README.md"
	assert_output 11
	run grep -c '^```make$' "$TOP/README.md"
	assert_output 1
}

@test "recipe 1: a one-off question" {
	recipe 1
	assert_output "You said: What is the capital of France?"
}

@test "recipe 2: summarise a file" {
	recipe 2
	run cat "$WORK/notes.summary"
	assert_output --partial "The meeting moved to Tuesday."
	run mock_body "$(mock_count)"
	assert_output --partial '"model":"gpt-4o"'
}

@test "recipe 3: a code review of git diff" {
	recipe 3
	assert_output --partial "+One more line."
}

@test "recipe 4: JSON mode, parsed and checked" {
	recipe 4
	assert_output "You said: Name three primary colours."
}

@test "recipe 5: structured output with a JSON Schema, validated" {
	recipe 5
	assert_output "true"
}

@test "recipe 6: few-shot examples" {
	recipe 6
	assert_output "You said: The battery died after a day."
	run jq -c '[.messages[].role]' <<<"$(mock_body "$(mock_count)")"
	assert_output '["system","user","assistant","user","assistant","user"]'
}

@test "recipe 7: a conversation kept in files" {
	recipe 7
	assert_output "You said: Is 91 one?"
	run bash -c "cd '$WORK' && jq -c '[.messages[].role]' q2.json"
	assert_output '["system","user","assistant","user"]'
}

@test "the Makefile recipe summarises each document once, and again only when it changed" {
	cd "$WORK"
	block make 1 > Makefile
	export OPENAI_BASE_URL="$MOCK_URL" OPENAI_API_KEY=sk-test-mock-key
	run make
	assert_success
	[ -s docs/alpha.summary ] && [ -s docs/beta.summary ]
	n=$(mock_count)
	run make
	assert_success
	assert_output --partial "Nothing to be done"
	[ "$(mock_count)" -eq "$n" ]
	sleep 1 && printf 'more\n' >> docs/alpha.md
	run make
	assert_success
	[ "$(mock_count)" -eq $((n + 1)) ]
}

@test "recipe 8: a CI step within its budget" {
	recipe 8
	[ -s "$WORK/summary.txt" ]
	[ -s "$WORK/cost.tsv" ]
}

@test "recipe 8 fails the step with exit 6 when the budget is spent" {
	text=$(block sh 8 | sed 's/--budget 0.50/--budget 0.0000001/')
	cd "$WORK"
	run env OPENAI_BASE_URL="$MOCK_URL" OPENAI_API_KEY=sk-test-mock-key \
	    bash -e -o pipefail -c "$text"
	assert_failure 6
}

@test "recipe 9: a thousand prompts with -P, every id once" {
	recipe 9
	[ "$(wc -l < "$WORK/labels.tsv")" -eq 1000 ]
	[ "$(cut -f1 "$WORK/labels.tsv" | sort -u | wc -l)" -eq 1000 ]
	[ "$(wc -l < "$WORK/results.jsonl")" -eq 1000 ]
	run bash -c "jq -r .custom_id '$WORK/results.jsonl' | sort | uniq -d"
	assert_output ""
}

@test "recipe 10: the same JSONL goes to the Batch API unchanged" {
	recipe 10
	assert_output --regexp '^batch_'
	run bash -c "grep -c '\"custom_id\"' '$MOCK_DIR/files/'*"
	assert_output 1000
}

@test "recipe 11: another server through OPENAI_BASE_URL" {
	recipe 11
	assert_output "You said: Why is the sky blue?"
}

@test "make demo's pipeline answers through the local mock when no API key is set" {
	run --separate-stderr env -u OPENAI_API_KEY -u OPENAI_BASE_URL sh "$TOP/tests/demo.sh"
	assert_success
	assert_output "You said: In one sentence: what is a Unix pipe?"
	grep -q '^total' <<<"$stderr" || fail "no cost report: $stderr"
}
