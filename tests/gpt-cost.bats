#!/usr/bin/env bats
# gpt-cost: the prices it finds, the figures it prints, and how it sits
# in a pipeline (--tee, --budget, --ledger).  Expected figures are worked
# out by hand from the genai-prices 0.1.8 table in data/.
bats_require_minimum_version 1.5.0
load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# A chat completion: resp MODEL PROMPT COMPLETION [CREATED] [USAGE_EXTRA_JSON]
resp() {
	local created=${4:-1730000000} extra=${5:-}
	printf '{"id":"chatcmpl-%s","object":"chat.completion","created":%s,"model":"%s","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":%s,"completion_tokens":%s,"total_tokens":%s%s}}\n' \
	    "$RANDOM" "$created" "$1" "$2" "$3" "$(($2 + $3))" "$extra"
}

# A Batch API output line around a response: batch_line ID CUSTOM_ID RESPONSE
batch_line() {
	printf '{"id":"%s","custom_id":"%s","response":{"status_code":200,"request_id":"r1","body":%s},"error":null}\n' "$1" "$2" "$3"
}

# --- the prices of the source articles, at their dates --------------------

@test "the per-1K prices of the GPT-4 Turbo and ChatGPT API articles, at their dates" {
	{
		resp gpt-4-1106-preview 1000 1000
		resp gpt-4 1000 1000
		resp gpt-4-32k 1000 1000
		resp gpt-3.5-turbo-0125 1000 1000
		resp gpt-3.5-turbo-1106 1000 1000
	} >in.jsonl
	run --separate-stderr gpt-cost --date 2023-11-06 in.jsonl
	assert_success
	assert_output "$(printf '%s\n' \
	    "1		gpt-4-1106-preview	1000	1000	0.040000" \
	    "2		gpt-4	1000	1000	0.090000" \
	    "3		gpt-4-32k	1000	1000	0.180000" \
	    "4		gpt-3.5-turbo-0125	1000	1000	0.002000" \
	    "5		gpt-3.5-turbo-1106	1000	1000	0.003000" \
	    "total			5000	5000	0.315000")"
	[ -z "$stderr" ]
}

@test "the per-1M prices of the GPT-4o and GPT-4o mini articles: a million tokens each way" {
	{
		resp gpt-4o-mini 1000000 1000000 1721347200
		resp gpt-4o-2024-05-13 1000000 1000000 1715558400
	} >in.jsonl
	run --separate-stderr gpt-cost in.jsonl
	assert_success
	assert_output "$(printf '%s\n' \
	    "1		gpt-4o-mini	1000000	1000000	0.750000" \
	    "2		gpt-4o-2024-05-13	1000000	1000000	20.000000" \
	    "total			2000000	2000000	20.750000")"
}

@test "today's gpt-4o: \$2.50 input, \$1.25 cached input, \$10 output per 1M" {
	resp gpt-4o-2024-08-06 2000 500 1750000000 ',"prompt_tokens_details":{"cached_tokens":1000}' >in.jsonl
	run --separate-stderr gpt-cost --json in.jsonl
	assert_success
	assert_line --index 0 '{"type":"item","item":1,"line":1,"custom_id":null,"model":"gpt-4o-2024-08-06","provider":"openai","priced_as":"gpt-4o","date":"2025-06-15","batch":false,"prompt_tokens":2000,"cached_tokens":1000,"completion_tokens":500,"reasoning_tokens":0,"input_usd":0.003750,"output_usd":0.005000,"cost_usd":0.008750}'
	assert_line --index 1 '{"type":"total","items":1,"unknown":0,"prompt_tokens":2000,"completion_tokens":500,"cost_usd":0.008750}'
}

@test "a tiny request shows its exact cost, never \$0.00" {
	resp gpt-4o-mini 1 0 >in.jsonl
	run --separate-stderr gpt-cost --total in.jsonl
	assert_success
	assert_output "0.00000015"
	resp gpt-4o-mini 1000 0 >in.jsonl
	run --separate-stderr gpt-cost --total in.jsonl
	assert_output "0.000150"
}

# --- what the database models ------------------------------------------

@test "reasoning tokens are output tokens: o3-mini bills all completion tokens at the output price" {
	resp o3-mini 1000 1000 1750000000 ',"completion_tokens_details":{"reasoning_tokens":800}' >in.jsonl
	run --separate-stderr gpt-cost --total in.jsonl
	assert_success
	# 1000 * 1.10 / 1M + 1000 * 4.40 / 1M
	assert_output "0.005500"
}

@test "audio tokens at the audio prices: gpt-audio" {
	resp gpt-audio 1000 500 1760000000 ',"prompt_tokens_details":{"audio_tokens":400},"completion_tokens_details":{"audio_tokens":100}' >in.jsonl
	run --separate-stderr gpt-cost --json in.jsonl
	assert_success
	# text in 600 * 2.5, audio in 400 * 32; text out 400 * 10, audio out 100 * 64 (per 1M)
	assert_line --index 0 --partial '"input_usd":0.014300,"output_usd":0.010400,"cost_usd":0.024700}'
}

@test "long-context tier: gpt-5.4 above 271,999 input tokens costs the higher price for all of them" {
	resp gpt-5.4 100000 1000 1775000000 >in.jsonl
	resp gpt-5.4 300000 1000 1775000000 >>in.jsonl
	run --separate-stderr gpt-cost in.jsonl
	assert_success
	assert_line --index 0 "1		gpt-5.4	100000	1000	0.265000"
	assert_line --index 1 "2		gpt-5.4	300000	1000	1.522500"
}

@test "a price that changed on a date: o3 by the response's created time, or --date" {
	resp o3-2025-04-16 1000 1000 1746000000 >old.jsonl   # 2025-04-30: $10 / $40
	resp o3-2025-04-16 1000 1000 1750000000 >new.jsonl   # 2025-06-15: $2 / $8
	run --separate-stderr gpt-cost --total old.jsonl
	assert_output "0.050000"
	run --separate-stderr gpt-cost --total new.jsonl
	assert_output "0.010000"
	run --separate-stderr gpt-cost --total --date 2025-06-10 old.jsonl
	assert_output "0.010000"
	run --separate-stderr gpt-cost --total --date 2025-06-09T23:59:59Z new.jsonl
	assert_output "0.050000"
}

@test "dated snapshots and case: GPT-4O-MINI-20240718 is priced as gpt-4o-mini" {
	resp GPT-4O-MINI-20240718 1000000 0 >in.jsonl
	run --separate-stderr gpt-cost --json in.jsonl
	assert_success
	assert_line --index 0 --partial '"priced_as":"gpt-4o-mini",'
	assert_line --index 0 --partial '"cost_usd":0.150000}'
}

@test "cached tokens over prompt tokens are refused as calcPrice refuses them (exit 3)" {
	resp gpt-4o 10 1 1750000000 ',"prompt_tokens_details":{"cached_tokens":20}' >in.jsonl
	run --separate-stderr gpt-cost in.jsonl
	assert_failure 3
	assert_output "total			0	0	0.000000"
	assert_equal "$stderr" "gpt-cost: in.jsonl:1: invalid usage data: cache_read_tokens (20) cannot exceed input_tokens (10)"
}

@test "--provider prices with another provider's table; auto picks it by the model name" {
	resp claude-3-5-sonnet-20241022 1000000 0 >in.jsonl
	run --separate-stderr gpt-cost --total in.jsonl
	assert_failure 3
	run --separate-stderr gpt-cost --total --provider anthropic in.jsonl
	assert_success
	assert_output "3.000000"
	run --separate-stderr gpt-cost --total --provider auto in.jsonl
	assert_success
	assert_output "3.000000"
	run --separate-stderr gpt-cost --provider nosuch in.jsonl
	assert_failure 2
	assert_equal "$stderr" "$(printf '%s\n' "gpt-cost: --provider: no provider nosuch in the price table" "Try 'gpt-cost --help' for more information.")"
}

# --- unknown costs -------------------------------------------------------

@test "a model not in the table is an error naming it (exit 3), never \$0" {
	{ resp gpt-4o 1000 0; resp my-own-model 10 10; } >in.jsonl
	run --separate-stderr gpt-cost in.jsonl
	assert_failure 3
	assert_line --index 1 "2		my-own-model	10	10	unknown"
	assert_line --index 2 "total			1010	10	0.002500"
	assert_equal "$stderr" "$(printf '%s\n' \
	    'gpt-cost: in.jsonl:2: model "my-own-model" is not in the price table of openai' \
	    'gpt-cost: 1 item of unknown cost is not in the total')"
}

@test "--unknown=zero counts an unknown model as \$0; --unknown=skip leaves it out" {
	{ resp gpt-4o 1000 0; resp my-own-model 10 10; } >in.jsonl
	run --separate-stderr gpt-cost --unknown=zero in.jsonl
	assert_success
	assert_line --index 1 "2		my-own-model	10	10	0.000000"
	assert_line --index 2 "total			1010	10	0.002500"
	[ -z "$stderr" ]
	run --separate-stderr gpt-cost -u skip in.jsonl
	assert_success
	assert_output "$(printf '%s\n' "1		gpt-4o	1000	0	0.002500" "total			1000	0	0.002500")"
	run --separate-stderr gpt-cost --unknown=maybe in.jsonl
	assert_failure 2
}

@test "a stream with its usage chunk is priced; a stream without one is unknown (exit 3)" {
	cat >with.jsonl <<-'EOF'
	{"id":"chatcmpl-a","object":"chat.completion.chunk","created":1750000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}
	{"id":"chatcmpl-a","object":"chat.completion.chunk","created":1750000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}
	{"id":"chatcmpl-a","object":"chat.completion.chunk","created":1750000000,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":1000,"total_tokens":2000}}
	EOF
	head -2 with.jsonl | sed 's/chatcmpl-a/chatcmpl-b/' >without.jsonl
	run --separate-stderr gpt-cost with.jsonl
	assert_success
	assert_output "$(printf '%s\n' "3		gpt-4o-mini	1000	1000	0.000750" "total			1000	1000	0.000750")"
	run --separate-stderr gpt-cost with.jsonl without.jsonl
	assert_failure 3
	assert_line --index 1 "1		gpt-4o-mini			unknown"
	assert_line --index 2 "total			1000	1000	0.000750"
	assert_equal "$stderr" "$(printf '%s\n' \
	    'gpt-cost: without.jsonl:1: stream without usage (stream_options.include_usage): its cost is unknown' \
	    'gpt-cost: 1 item of unknown cost is not in the total')"
}

@test "a response without usage is unknown, not \$0" {
	printf '{"id":"x","object":"chat.completion","created":1,"model":"gpt-4o","choices":[]}\n' >in.jsonl
	run --separate-stderr gpt-cost --json in.jsonl
	assert_failure 3
	assert_line --index 0 --partial '"cost_usd":null,"unknown":"no usage in the response: its cost is unknown"}'
}

# --- batches -------------------------------------------------------------

@test "Batch API output lines (id batch_req_...) get the 50% discount and keep custom_id; local_req_ lines do not" {
	r=$(resp gpt-4o 1000 1000 1750000000)
	{
		batch_line batch_req_1 req-1 "$r"
		batch_line local_req_2 req-2 "$r"
		printf '{"id":"batch_req_3","custom_id":"req-3","response":{"status_code":429,"request_id":"r3","body":{"error":{"message":"slow down","type":"rate_limit","param":null,"code":null}}},"error":null}\n'
	} >out.jsonl
	run --separate-stderr gpt-cost out.jsonl
	assert_success
	assert_output "$(printf '%s\n' \
	    "1	req-1	gpt-4o	1000	1000	0.006250" \
	    "2	req-2	gpt-4o	1000	1000	0.012500" \
	    "total			2000	2000	0.018750")"
	run --separate-stderr gpt-cost --json out.jsonl
	assert_line --index 0 --partial '"custom_id":"req-1",'
	assert_line --index 0 --partial '"batch":true,'
	assert_line --index 1 --partial '"batch":false,'
}

@test "--batch discounts every item" {
	resp gpt-4o 1000 1000 >in.jsonl
	run --separate-stderr gpt-cost --batch --total in.jsonl
	assert_success
	assert_output "0.006250"
}

@test "requests and API error bodies are not billed and not reported" {
	{
		printf '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}\n'
		printf '{"error":{"message":"bad key","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}\n'
		resp gpt-4o 1000 0
	} >in.jsonl
	run --separate-stderr gpt-cost in.jsonl
	assert_success
	assert_output "$(printf '%s\n' "3		gpt-4o	1000	0	0.002500" "total			1000	0	0.002500")"
}

@test "input that is not JSON or not a response: reported with its line, exit 3, the rest priced" {
	{ printf '{bad}\n'; printf '[1,2]\n'; resp gpt-4o 1000 0; } >in.jsonl
	run --separate-stderr gpt-cost in.jsonl
	assert_failure 3
	assert_output "$(printf '%s\n' "3		gpt-4o	1000	0	0.002500" "total			1000	0	0.002500")"
	assert_line --index 0 --partial "3		gpt-4o"
	[[ "$stderr" == *"in.jsonl:1: "* ]]
	[[ "$stderr" == *"in.jsonl:2: not a chat completion, chunk or Batch API output line"* ]]
}

# --- summaries -----------------------------------------------------------

@test "--by-model sums items, tokens and cost per model" {
	{ resp gpt-4o 1000 0; resp gpt-4o-mini 1000000 0; resp gpt-4o 1000 1000; } >in.jsonl
	run --separate-stderr gpt-cost --by-model in.jsonl
	assert_success
	assert_output "$(printf '%s\n' \
	    "gpt-4o	2	2000	1000	0.015000" \
	    "gpt-4o-mini	1	1000000	0	0.150000" \
	    "total	3	1002000	1000	0.165000")"
	run --separate-stderr gpt-cost --by-model --json in.jsonl
	assert_line --index 1 '{"type":"model","model":"gpt-4o-mini","items":1,"unknown":0,"prompt_tokens":1000000,"completion_tokens":0,"cost_usd":0.150000}'
}

@test "--list shows a model's prices per 1M tokens; PATTERN matches ids and model names" {
	run --separate-stderr gpt-cost --list gpt-4o-2024-08-06
	assert_success
	assert_output "gpt-4o	2.50	1.25	10.00	-	-"
	run --separate-stderr gpt-cost --list --json gpt-5.4-pro
	assert_success
	assert_output '{"provider":"openai","model":"gpt-5.4-pro","name":"GPT-5.4 Pro","input_mtok":{"base":30,"tiers":[{"start":271999,"price":60}]},"cache_read_mtok":null,"output_mtok":{"base":180,"tiers":[{"start":271999,"price":270}]},"input_audio_mtok":null,"output_audio_mtok":null}'
	run --separate-stderr gpt-cost --list --date 2025-01-01 o3
	assert_line "o3	10.00	0.50	40.00	-	-"
}

@test "--list's first column is the model id alone, which the -m completions take" {
	run --separate-stderr bash -c 'gpt-cost --list gpt-4o-mini | cut -f1'
	assert_success
	assert_line gpt-4o-mini
	refute_output --partial MODEL
	refute_output --partial "	"
}

@test "--list-providers prints the table's provider ids, one a line; it goes with --prices only" {
	cat >two.json <<-'EOF'
	[{"id":"openai","name":"O","api_pattern":"x","models":[]},
	 {"id":"house","name":"H","api_pattern":"y","models":[]}]
	EOF
	run --separate-stderr gpt-cost --list-providers --prices two.json
	assert_success
	assert_output "$(printf '%s\n' openai house)"
	run --separate-stderr gpt-cost --list-providers
	assert_success
	assert_line openai
	assert_line anthropic
	assert_line deepseek
	run --separate-stderr gpt-cost --list-providers in.jsonl
	assert_failure 2
	assert_equal "$stderr" "$(printf '%s\n' "gpt-cost: --list-providers goes with --prices only" "Try 'gpt-cost --help' for more information.")"
}

@test "numbers keep a decimal point under a German locale" {
	resp gpt-4o 1000 0 >in.jsonl
	LC_ALL=de_DE.UTF-8 run --separate-stderr gpt-cost --total in.jsonl
	assert_output "0.002500"
}

# --- in a pipeline -------------------------------------------------------

@test "--tee passes the input through byte for byte and reports on stderr" {
	{
		resp gpt-4o 1000 0
		printf '{"model":"gpt-4o","messages":[]}\n'
		resp gpt-4o-mini 5 5
		printf 'garbage\n'
	} >in.jsonl
	gpt-cost --tee <in.jsonl >out.jsonl 2>report || true
	cmp in.jsonl out.jsonl
	grep -q '^total			1005	5	0.00250375$' report
}

@test "--tee writes each pretty-printed item as its own bytes and a newline" {
	printf '{\n  "object": "chat.completion", "model": "gpt-4o",\n  "choices": [],\n  "usage": {"prompt_tokens": 1000, "completion_tokens": 0}\n}   \n\n' >in.json
	gpt-cost --tee in.json >out.json 2>/dev/null
	# The item's bytes, without the whitespace after it, then one newline.
	{ head -c -5 in.json; printf '\n'; } | cmp - out.json
}

@test "--budget: exit 6 once the total passes it; --tee passes the item that crossed it, then stops" {
	for i in 1 2 3 4; do resp gpt-4o 1000 0; done >in.jsonl    # $0.0025 each
	run --separate-stderr gpt-cost --budget 0.006 in.jsonl
	assert_failure 6
	assert_output "$(printf '%s\n' \
	    "1		gpt-4o	1000	0	0.002500" "2		gpt-4o	1000	0	0.002500" \
	    "3		gpt-4o	1000	0	0.002500" "total			3000	0	0.007500")"
	assert_equal "$stderr" "gpt-cost: over budget: \$0.007500 spent, the budget is \$0.006000"
	gpt-cost --tee --budget 0.006 <in.jsonl >out.jsonl 2>/dev/null && fail "exit 0"
	diff <(head -3 in.jsonl) out.jsonl
	run --separate-stderr gpt-cost --budget 0.01 in.jsonl
	assert_success
	run --separate-stderr gpt-cost --budget 1x in.jsonl
	assert_failure 2
}

@test "--ledger appends one line per item, mode 0600; with --tee it alone gets the report" {
	{ resp gpt-4o 1000 0; resp gpt-4o 0 1000; } >in.jsonl
	gpt-cost --tee --ledger costs.tsv <in.jsonl >out.jsonl 2>err
	cmp in.jsonl out.jsonl
	[ ! -s err ]
	[ "$(stat -c %a costs.tsv)" = 600 ]
	assert_equal "$(cat costs.tsv)" "$(printf '%s\n' "1		gpt-4o	1000	0	0.002500" "2		gpt-4o	0	1000	0.010000")"
	gpt-cost --json --ledger costs.tsv in.jsonl >/dev/null
	[ "$(wc -l <costs.tsv)" -eq 4 ]
	tail -1 costs.tsv | jq -e '.cost_usd == 0.01' >/dev/null
}

@test "--ledger under 20 concurrent writers: every line whole" {
	for i in $(seq 50); do resp gpt-4o-mini "$i" "$i"; done >in.jsonl
	for w in $(seq 20); do
		gpt-cost --json --ledger ledger.jsonl in.jsonl >/dev/null &
	done
	wait
	[ "$(wc -l <ledger.jsonl)" -eq 1000 ]
	# Every line is one whole JSON item.
	[ "$(jq -c 'select(.type == "item") | .item' ledger.jsonl | wc -l)" -eq 1000 ]
	[ "$(jq -s 'group_by(.item) | map(length) | unique' ledger.jsonl)" = "$(printf '[\n  20\n]')" ]
}

@test "--ledger refuses a symlink in its place (exit 7)" {
	touch target
	ln -s target link
	resp gpt-4o 1 1 >in.jsonl
	run --separate-stderr gpt-cost --ledger link in.jsonl
	assert_failure 7
	assert_equal "$stderr" "gpt-cost: link: is a symbolic link: refused"
	[ ! -s target ]
}

@test "a full disk on stdout is exit 7; a closed pipe ends quietly" {
	resp gpt-4o 1000 0 >in.jsonl
	run --separate-stderr sh -c 'gpt-cost in.jsonl >/dev/full'
	assert_failure 7
	assert_equal "$stderr" "gpt-cost: stdout: No space left on device"
	for i in $(seq 2000); do cat in.jsonl; done >many.jsonl
	run --separate-stderr bash -c 'gpt-cost --tee --total many.jsonl 2>err | head -1 >/dev/null; echo "${PIPESTATUS[0]}"; cat err'
	assert_output "0"
}

# --- the price table -------------------------------------------------------

@test "--prices and \$GPT_PRICES name another table; --prices wins" {
	cat >mine.json <<-'EOF'
	[{"id":"openai","name":"Mine","api_pattern":"x","models":[{"id":"house","match":{"starts_with":"house-"},"prices":{"input_mtok":1,"output_mtok":2}}]}]
	EOF
	resp house-7b 1000000 1000000 >in.jsonl
	run --separate-stderr gpt-cost --prices mine.json --total in.jsonl
	assert_success
	assert_output "3.000000"
	GPT_PRICES=mine.json run --separate-stderr gpt-cost --total in.jsonl
	assert_output "3.000000"
	GPT_PRICES=nowhere.json run --separate-stderr gpt-cost --prices mine.json --total in.jsonl
	assert_output "3.000000"
	GPT_PRICES=nowhere.json run --separate-stderr gpt-cost --total in.jsonl
	assert_failure 2
	[[ "$stderr" == "gpt-cost: nowhere.json: "* ]]
	printf '{"not": "a table"}' >bad.json
	run --separate-stderr gpt-cost --prices bad.json in.jsonl
	assert_failure 2
	assert_equal "$stderr" "gpt-cost: bad.json: not a list of providers"
}

@test "the uninstalled program finds data/genai-prices.json beside it, from any directory" {
	resp gpt-4o 1000 0 >in.jsonl
	run --separate-stderr "$TOP/gpt-cost" --total in.jsonl
	assert_success
	assert_output "0.002500"
}

# --- the command line ----------------------------------------------------

@test "--help lists every option on stdout; --version names the toolkit" {
	run --separate-stderr gpt-cost --help
	assert_success
	for o in --batch --budget --by-model --date --help --json --ledger --list --list-providers \
	    --prices --provider --tee --total --unknown --version; do
		assert_output --partial -- "$o"
	done
	run gpt-cost --version
	assert_output "gpt-cost (gpt-tools) 0.1.0"
}

@test "bad usage is one line and a hint, exit 2" {
	run --separate-stderr gpt-cost --frobnicate
	assert_failure 2
	run --separate-stderr gpt-cost --date 2024-02-30 /dev/null
	assert_failure 2
	assert_equal "$stderr" "$(printf '%s\n' "gpt-cost: --date: not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ: 2024-02-30" "Try 'gpt-cost --help' for more information.")"
	run --separate-stderr gpt-cost --list a b
	assert_failure 2
}

@test "--provider has no short form: -P is gpt-send's --parallel, not an option here" {
	run --separate-stderr gpt-cost -P openai /dev/null
	assert_failure 2
	assert_equal "$stderr" "$(printf '%s\n' "gpt-cost: invalid option -- 'P'" "Try 'gpt-cost --help' for more information.")"
	run --separate-stderr gpt-cost --help
	refute_output --partial -- "-P"
	run --separate-stderr gpt-cost --provider openai --total /dev/null
	assert_success
	assert_output "0.000000"
}

@test "random bytes never crash it: a documented exit code every time" {
	for i in $(seq 30); do
		head -c $((RANDOM % 3000)) /dev/urandom >junk
		run gpt-cost junk
		[[ "$status" =~ ^[0237]$ ]] || fail "exit $status on random bytes"
	done
}

@test "escapes in a response are read as JSON: a model name spelled with \\u escapes" {
	printf '{"object":"chat.completion","model":"gpt-4o\\u002dmini","created":1750000000,"choices":[],"usage":{"prompt_tokens":1000000,"completion_tokens":0}}\n' >in.jsonl
	run --separate-stderr gpt-cost --total in.jsonl
	assert_success
	assert_output "0.150000"
}

@test "a chat completion with a custom_id but no response is no item gpt-cost knows, read either way" {
	printf '{"custom_id":"x","object":"chat.completion","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}\n' >a.jsonl
	printf '{"\\u0078":0,"custom_id":"x","object":"chat.completion","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}\n' >b.jsonl
	run --separate-stderr gpt-cost a.jsonl
	assert_failure 3
	assert_equal "$stderr" "gpt-cost: a.jsonl:1: not a chat completion, chunk or Batch API output line"
	run --separate-stderr gpt-cost b.jsonl
	assert_failure 3
	assert_equal "$stderr" "gpt-cost: b.jsonl:1: not a chat completion, chunk or Batch API output line"
}
