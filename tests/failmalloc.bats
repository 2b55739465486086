#!/usr/bin/env bats
# Running out of memory: the small programs are run again and again with
# each allocation failing in turn (tests/failmalloc/failmalloc.c, loaded
# with LD_PRELOAD).  Every run must end cleanly: an exit code from the
# shared table (7 for out of memory), one line on stderr, and on stdout
# only whole items of what the run would have printed.
#
# libjq 1.6 calls abort() when its own allocation fails (jv_mem_alloc ->
# memory_exhausted, after "error: cannot allocate memory") unless the
# program has installed jv_nomem_handler(); the programs do, so a failure
# inside libjq must end as cleanly as one in our own code.
bats_require_minimum_version 1.5.0
load helper

setup_file() {
	export FM_SO="$BATS_FILE_TMPDIR/failmalloc.so"
	cc -std=c11 -O1 -g -fPIC -shared -o "$FM_SO" \
	    "$TOP/tests/failmalloc/failmalloc.c" -ldl
	export RESPONSE='{"id":"chatcmpl-1","object":"chat.completion","created":1764000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there.","refusal":null},"finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":4,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0}}}'
}

setup() {
	# Programs built with AddressSanitizer bring their own malloc.
	if ldd "$TOP/gpt-msg" 2>/dev/null | grep -q libasan ||
	    nm "$TOP/gpt-msg" 2>/dev/null | grep -q __asan_init; then
		skip "the programs are built with a sanitizer (SAN=1)"
	fi
	cd "$BATS_TEST_TMPDIR"
}

# torture MODE STDIN PROG ARGS...: run PROG with STDIN (a file) once
# normally, then with each counted allocation failing in turn (MODE all
# or exe: see failmalloc.c), at most FM_MAX runs spread over all of them.
# Prints the runs that broke a rule, naming the object whose allocation
# failed.
torture() {
	local mode=$1 in=$2 prog=$3 total n step rc who bad=0
	shift 3
	"$TOP/$prog" "$@" <"$in" >want 2>/dev/null || {
		echo "$prog $* fails even without an allocation failure"
		return 1
	}
	LD_PRELOAD=$FM_SO FAILMALLOC_PROG=$prog FAILMALLOC_FROM=$mode \
	    FAILMALLOC_COUNT=count "$TOP/$prog" "$@" <"$in" >/dev/null 2>&1 || true
	total=$(cat count)
	[ "$total" -gt 0 ] || { echo "no allocation counted"; return 1; }
	step=$(( (total + ${FM_MAX:-200} - 1) / ${FM_MAX:-200} ))
	for ((n = 1; n <= total; n += step)); do
		rm -f who
		# In a subshell, so that bash's "Aborted" goes nowhere.
		(LD_PRELOAD=$FM_SO FAILMALLOC_PROG=$prog FAILMALLOC_FROM=$mode \
		    FAILMALLOC_N=$n FAILMALLOC_LOG=who \
		    "$TOP/$prog" "$@" <"$in" >out 2>err && echo 0 >rc || echo $? >rc) 2>/dev/null
		rc=$(cat rc)
		who=$(cat who 2>/dev/null || true)
		# Whole items only: out is a prefix of want, ending a line
		# (but for gpt-extract, which writes a stream's deltas as they
		# come, before the line is complete).
		if [ $rc -gt 7 ] ||
		    ! cmp -s out <(head -c "$(stat -c %s out)" want) ||
		    { [ -s out ] && [ "$prog" != gpt-extract ] &&
		      [ "$(tail -c 1 out | od -An -c | tr -d ' ')" != '\n' ]; } ||
		    { [ $rc -ne 0 ] && ! { [ "$(wc -l <err)" -eq 1 ] && grep -q "^$prog: " err; }; } ||
		    { [ $rc -eq 0 ] && ! cmp -s out want; }; then
			echo "allocation $n of $total (from $who): exit $rc, stderr: $(head -c 300 err)"
			bad=$((bad + 1))
		fi
	done
	echo "# $prog: $total allocations, $(( (total + step - 1) / step )) runs" >&3
	[ $bad -eq 0 ]
}

@test "gpt-msg survives each allocation failing in turn" {
	[ -x "$TOP/gpt-msg" ] || skip "gpt-msg not built"
	printf 'Some text\nfrom stdin.\n' >in
	torture all in gpt-msg -s "You are an assistant." -t 0.7 --stop END "Hello!"
}

@test "gpt-msg --each-line survives each allocation failing in turn" {
	[ -x "$TOP/gpt-msg" ] || skip "gpt-msg not built"
	printf 'one\ntwo\nthree\n' >in
	torture all in gpt-msg -s "Classify." --each-line "Review: {}"
}

@test "gpt-extract survives each allocation failing in turn" {
	[ -x "$TOP/gpt-extract" ] || skip "gpt-extract not built"
	{
		echo "$RESPONSE"
		echo '{"id":"batch_req_1","custom_id":"a","response":{"status_code":200,"body":'"$RESPONSE"'},"error":null}'
		echo '{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}]}'
		echo '{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" you"},"finish_reason":"stop"}]}'
	} >in
	torture all in gpt-extract
}

@test "gpt-extract with a jq filter survives each of its own allocations failing" {
	[ -x "$TOP/gpt-extract" ] || skip "gpt-extract not built"
	echo "$RESPONSE" >in
	torture exe in gpt-extract -c '.usage.prompt_tokens_details'
}

@test "gpt-cost survives each allocation failing in turn" {
	[ -x "$TOP/gpt-cost" ] || skip "gpt-cost not built"
	jq -c '[.[] | select(.id == "openai") | .models |= map(select(.id == "gpt-4o-mini" or .id == "gpt-4o"))]' \
	    "$TOP/data/genai-prices.json" >prices.json
	{ echo "$RESPONSE"; echo "$RESPONSE"; } >in
	torture all in gpt-cost -p prices.json
}

@test "gpt-cost with the shipped price table survives its own allocations failing" {
	[ -x "$TOP/gpt-cost" ] || skip "gpt-cost not built"
	echo "$RESPONSE" >in
	FM_MAX=25 torture exe in gpt-cost
}
