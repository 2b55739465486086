#!/usr/bin/env bats
# gpt-cost against the price database's own reference implementation:
# random responses (token counts with cached, audio and reasoning tokens,
# long prompts, dates from 2023 to 2027, dated and unknown model names)
# priced by calcPrice() of the pinned npm package @pydantic/genai-prices
# (tests/npm/calcprice.js) and by gpt-cost, which must agree on every
# item to the pico-dollar: the same price, the same unknown models, the
# same usage refused.
bats_require_minimum_version 1.5.0
load helper

setup() {
	[ -d "$TOP/tests/npm/node_modules/@pydantic/genai-prices" ] ||
		skip "npm package @pydantic/genai-prices not installed (make check installs it)"
	cd "$BATS_TEST_TMPDIR"
}

# agree PROVIDER COUNT SEED
agree() {
	node "$TOP/tests/npm/calcprice.js" gen "$1" "$2" "$3" . || fail "calcprice.js gen failed"
	rc=0
	gpt-cost --provider "$1" --json responses.jsonl >actual.jsonl 2>/dev/null || rc=$?
	# Unknown models and refused usage are exit 3; anything else is a failure.
	[ "$rc" -le 3 ] || fail "gpt-cost failed with exit $rc"
	run node "$TOP/tests/npm/calcprice.js" compare expected.jsonl actual.jsonl
	assert_success
}

@test "3000 random OpenAI responses: gpt-cost equals calcPrice on every item" {
	agree openai 3000 20261126
}

@test "another 3000 OpenAI responses with another seed" {
	agree openai 3000 4242
}

@test "DeepSeek's off-peak prices by time of day agree with calcPrice" {
	agree deepseek 500 11
}

@test "Anthropic, Google and Azure (fallback providers, tiers) agree with calcPrice" {
	agree anthropic 500 12
	agree google 500 13
	agree azure 500 14
}

@test "the shipped data/genai-prices.json is what update-prices writes from the pinned package" {
	node "$TOP/data/dump-genai-prices.mjs" "$TOP/tests/npm/node_modules/@pydantic/genai-prices" >dump.json
	cmp dump.json "$TOP/data/genai-prices.json"
	grep -q "genai-prices 0.1.8" "$TOP/data/LICENSE.genai-prices"
}

@test "Batch API output lines cost half with a batch_req_ id, in full with any other" {
	node "$TOP/tests/npm/calcprice.js" gen openai 2000 99 . || fail "calcprice.js gen failed"
	# Odd lines as the Batch API writes them, even lines as a local run does.
	awk '{ printf "{\"id\":\"%s_%d\",\"custom_id\":\"c-%d\",\"response\":{\"status_code\":200,\"request_id\":\"r\",\"body\":%s},\"error\":null}\n", NR % 2 ? "batch_req" : "local_req", NR, NR, $0 }' \
	    responses.jsonl >batch.jsonl
	costs='select(.type == "item") | "\(.item) \(.cost_usd)"'
	gpt-cost --json <responses.jsonl 2>/dev/null | jq -r "$costs" >full.out || true
	gpt-cost --json --batch <responses.jsonl 2>/dev/null | jq -r "$costs" >half.out || true
	gpt-cost --json <batch.jsonl 2>/dev/null | jq -r "$costs" >actual.out || true
	[ "$(grep -cv null full.out)" -gt 1000 ]
	paste -d ' ' half.out full.out | awk '{ print $1, $1 % 2 ? $2 : $4 }' >expected.out
	cmp expected.out actual.out
}
