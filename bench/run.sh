#!/bin/sh
# Benchmarks of gpt-tools against what a user would use instead: curl + jq and
# the official openai npm SDK.  What each one measures, and the figures of the
# last full run, are in bench/RESULTS.md.
#
#   sh bench/run.sh [-q] [SECTION...]     (make bench runs it with no argument)
#
# Sections, in order: e2e startup throughput many stream memory (default: all).
# -q  a quick trial: small inputs and few runs, to check the harness itself.
# BENCH_COMMIT names the commit measured when the tree is not a git checkout.
#
# Everything it writes goes to bench/out/ (not in git): hyperfine's JSON and
# Markdown exports, the generated inputs, and summary.md, the tables that
# RESULTS.md quotes.  Needs hyperfine, jq, curl, node (+ `npm ci` in bench/,
# done here when missing), python3 and GNU time.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=bench/out
mkdir -p "$out"
PATH=$top:$PATH
export PATH

quick=0
if [ "${1:-}" = -q ]; then
	quick=1
	shift
fi
sections=${*:-e2e startup throughput many stream memory}

# Counts: full run, then quick trial.
if [ $quick = 1 ]; then
	NRESP=2000 NSMALL=200 NREQ=100 CONC=10 RUNS_FAST=20 RUNS_SLOW=2 WARM=1
else
	NRESP=200000 NSMALL=20000 NREQ=1000 CONC=50 RUNS_FAST=200 RUNS_SLOW=3 WARM=3
fi
LATENCY=100

# Each section writes its tables to $out/summary-SECTION.md (and its peak
# memory figures to $out/memory-SECTION.tsv); summary.md joins them.
cur=none
say() { printf '%s\n' "$*" | tee -a "$out/summary-$cur.md"; }
table() { python3 bench/summarize.py "$@" | tee -a "$out/summary-$cur.md"; }
die() { echo "bench: $*" >&2; exit 1; }

for t in hyperfine jq curl node python3; do
	command -v $t >/dev/null || die "$t is needed"
done
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time) is needed"
for p in gpt-msg gpt-send gpt-extract gpt-cost; do
	[ -x "./$p" ] || die "./$p is missing: run make first"
done
if [ ! -d bench/node_modules/openai ]; then
	(cd bench && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

# --- the mock server (tests/mock/mock.py) ------------------------------------

MOCK_PID=
mock_stop() {
	if [ -n "$MOCK_PID" ]; then
		kill "$MOCK_PID" 2>/dev/null || true
		wait "$MOCK_PID" 2>/dev/null || true
		MOCK_PID=
	fi
}
trap 'mock_stop' EXIT
trap 'exit 130' INT TERM

# mock_start [ARGS...]: start the mock on a free port, export its URL.
mock_start() {
	mock_stop
	mdir=$out/mock
	rm -rf "$mdir"
	mkdir -p "$mdir"
	# --watch-pid: the server ends with this shell whatever happens.
	python3 tests/mock/mock.py --port-file "$mdir/port" --dir "$mdir" \
		--watch-pid $$ "$@" >"$mdir/log" 2>&1 &
	MOCK_PID=$!
	i=0
	until [ -s "$mdir/port" ] &&
		curl -sf -o /dev/null "http://127.0.0.1:$(cat "$mdir/port")/_mock/ping"; do
		i=$((i + 1))
		[ $i -lt 100 ] || die "the mock did not start (see $mdir/log)"
		sleep 0.05
	done
	MOCK_PORT=$(cat "$mdir/port")
	OPENAI_BASE_URL=http://127.0.0.1:$MOCK_PORT/v1
	OPENAI_API_KEY=sk-bench-mock-key
	export OPENAI_BASE_URL OPENAI_API_KEY
}

# peak NAME INPUT CMD: one run of sh -c CMD under GNU time, appending
# `NAME<TAB>INPUT<TAB>peak KiB<TAB>seconds` to $out/memory-$cur.tsv.
peak() {
	name=$1 input=$2
	shift 2
	/usr/bin/time -o "$out/time.tmp" -f '%M\t%e' sh -c "$1" >/dev/null 2>"$out/peak.err" ||
		die "$name failed: $(tail -3 "$out/peak.err")"
	printf '%s\t%s\t%s\n' "$name" "$input" "$(cat "$out/time.tmp")" >>"$out/memory-$cur.tsv"
}

# The article's request: curl, then jq for the text (/work sources: the curl
# commands of the GPT-4o article).
ARTICLE_BODY='{"model": "gpt-4o", "messages": [{"role": "system", "content": "You are an assistant."}, {"role": "user", "content": "Hello!"}]}'
CURL_ONE='curl -s -X POST -H "Content-Type: application/json" -H "Authorization: Bearer $OPENAI_API_KEY" "$OPENAI_BASE_URL/chat/completions" -d "$ARTICLE_BODY"'
export ARTICLE_BODY

# --- 1. one prompt end to end -------------------------------------------------

bench_e2e() {
	say "## 1. One prompt end to end (mock, no latency)"
	say
	mock_start
	a=$(gpt-msg -m gpt-4o -s "You are an assistant." "Hello!" </dev/null | gpt-send | gpt-extract)
	b=$(sh -c "$CURL_ONE" | jq -r '.choices[0].message.content')
	c=$(node bench/sdk-one.mjs)
	[ "$a" = "$b" ] && [ "$b" = "$c" ] ||
		die "e2e: the three answers differ: '$a' '$b' '$c'"
	# Node's start takes ~0.3 s a run: half the runs of the others.
	hyperfine --style basic --warmup $WARM --runs $((RUNS_FAST / 2)) \
		--export-json "$out/e2e.json" \
		-n 'gpt-msg | gpt-send | gpt-extract' \
		'gpt-msg -m gpt-4o -s "You are an assistant." Hello! </dev/null | gpt-send | gpt-extract' \
		-n 'curl | jq -r' \
		"$CURL_ONE | jq -r '.choices[0].message.content'" \
		-n 'node openai SDK' \
		'node bench/sdk-one.mjs' >&2
	table times "$out/e2e.json"
	say
	mock_stop
}

# --- 2. startup on a small input -----------------------------------------------

bench_startup() {
	say "## 2. Startup on a small input"
	say
	mock_start
	gpt-msg -m gpt-4o -s "You are an assistant." "Hello!" </dev/null >"$out/small-request.json"
	python3 bench/gen-responses.py 1 >"$out/small-response.json"
	s=$out/small-response.json r=$out/small-request.json
	# -N: no shell in between (its start would be most of what is timed);
	# the inputs are file arguments.  A command line of hyperfine's is split
	# like a shell's, so the mock's URL and key are put in here.
	hyperfine -N --style basic --warmup 20 --runs $RUNS_FAST \
		--export-json "$out/startup.json" \
		-n 'gpt-msg' 'gpt-msg -m gpt-4o -s "You are an assistant." Hello!' \
		-n 'gpt-cost FILE' "gpt-cost $s" \
		-n 'jq -n -r -f bench/cost.jq FILE' "jq -n -r -f bench/cost.jq $s" \
		-n 'jq -r .choices[0].message.content FILE' "jq -r .choices[0].message.content $s" \
		-n 'gpt-send --version' 'gpt-send --version' \
		-n 'gpt-send --dry-run FILE' "gpt-send --dry-run $r" \
		-n 'curl --version' 'curl --version' \
		-n 'gpt-send FILE (1 request, mock)' "gpt-send $r" \
		-n 'curl -d @FILE (1 request, mock)' "curl -s -H 'Content-Type: application/json' -H 'Authorization: Bearer $OPENAI_API_KEY' -d @$r $OPENAI_BASE_URL/chat/completions" \
		>&2
	table times "$out/startup.json"
	say
	# gpt-extract's text of a response is read from stdin only (a file
	# argument would be its filter): through sh, whose own start hyperfine
	# measures and subtracts.  jq the same way, for the same footing.
	hyperfine --style basic --warmup 20 --runs $RUNS_FAST \
		--export-json "$out/startup-stdin.json" \
		-n 'gpt-extract <FILE' "gpt-extract <$s" \
		-n 'jq -r .choices[0].message.content <FILE' "jq -r '.choices[0].message.content' <$s" \
		-n 'gpt-cost <FILE' "gpt-cost <$s" \
		-n 'gpt-msg' 'gpt-msg -m gpt-4o -s "You are an assistant." Hello! </dev/null' >&2
	table times "$out/startup-stdin.json"
	say
	mock_stop
}

# --- 3. throughput on a large JSONL of responses ---------------------------------

# gen N: the generated file of N responses (made once; the generator is
# deterministic, so it is remade only when the generator changes).
gen() {
	f=$out/responses-$1.jsonl
	if [ ! -s "$f" ] || [ bench/gen-responses.py -nt "$f" ]; then
		echo "bench: generating $f" >&2
		python3 bench/gen-responses.py "$1" >"$f.tmp"
		mv "$f.tmp" "$f"
	fi
	printf '%s\n' "$f"
}

EXTRACT_JQ="jq -r '.choices[0].message.content'"
COST_JQ="jq -n -r -f bench/cost.jq"

bench_throughput() {
	big=$(gen $NRESP)
	small=$(gen $NSMALL)
	bytes=$(wc -c <"$big")
	say "## 3. Throughput: $NRESP responses, $bytes bytes"
	say
	# The same work: the same bytes out (text), the same totals (cost).
	gpt-extract <"$small" >"$out/extract.gpt"
	sh -c "$EXTRACT_JQ" <"$small" >"$out/extract.jq"
	if cmp -s "$out/extract.gpt" "$out/extract.jq"; then
		say "gpt-extract and jq -r write the same $(wc -c <"$out/extract.jq") bytes for $NSMALL responses."
	else
		say "**gpt-extract and jq -r differ** on $NSMALL responses: $(cmp "$out/extract.gpt" "$out/extract.jq" 2>&1 | head -1)"
	fi
	gpt-cost --total <"$small" >"$out/cost.gpt" 2>&1 || true
	sh -c "$COST_JQ" <"$small" >"$out/cost.jq"
	say "Totals for $NSMALL responses: gpt-cost: \`$(tr '\n' ' ' <"$out/cost.gpt")\`, jq: \`$(cat "$out/cost.jq")\`."
	say
	# --output=pipe: the output goes to a pipe, as in a pipeline, not to
	# /dev/null (where a write per item would cost next to nothing).
	hyperfine --style basic --warmup 1 --runs $RUNS_SLOW --output=pipe \
		--export-json "$out/extract.json" \
		-n 'gpt-extract' "gpt-extract <$big" \
		-n "$EXTRACT_JQ" "$EXTRACT_JQ <$big" \
		-n 'cat (floor)' "cat $big" >&2
	table times "$out/extract.json" --bytes "$bytes"
	say
	hyperfine --style basic --warmup 1 --runs $RUNS_SLOW --output=pipe \
		--export-json "$out/cost.json" \
		-n 'gpt-cost --total' "gpt-cost --total <$big" \
		-n 'gpt-cost (a line per item)' "gpt-cost <$big" \
		-n "$COST_JQ" "$COST_JQ <$big" >&2
	table times "$out/cost.json" --bytes "$bytes"
	say
	seq "$NRESP" | sed 's/^/Question /' >"$out/lines-$NRESP.txt"
	seq "$NSMALL" | sed 's/^/Question /' >"$out/lines-$NSMALL.txt"
	for n in $NSMALL $NRESP; do
		peak gpt-msg "--each-line, $n lines" "gpt-msg --each-line <$out/lines-$n.txt"
	done
	for f in "$small" "$big"; do
		n=$(basename "$f" .jsonl)
		peak gpt-extract "$n" "gpt-extract <$f"
		peak 'jq -r (extract)' "$n" "$EXTRACT_JQ <$f"
		peak 'gpt-cost --total' "$n" "gpt-cost --total <$f"
		peak 'gpt-cost' "$n" "gpt-cost <$f"
		peak 'jq -n -f cost.jq' "$n" "$COST_JQ <$f"
	done
}

# --- 4. many requests at once ------------------------------------------------------

bench_many() {
	say "## 4. $NREQ requests, ${LATENCY} ms latency, $CONC at once"
	say
	seq "$NREQ" | sed 's/^/Question /' | gpt-msg -m gpt-4o-mini --each-line >"$out/requests.jsonl"
	CURL_XARGS="seq $NREQ | xargs -P $CONC -I{} curl -s -H 'Content-Type: application/json' -H \"Authorization: Bearer \$OPENAI_API_KEY\" -d '{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Question {}\"}]}' \"\$OPENAI_BASE_URL/chat/completions\""
	# The same requests as one curl config file (an operation per request,
	# each with its headers), for curl's own --parallel.
	curl_cfg() {
		seq "$NREQ" | while read -r i; do
			[ "$i" = 1 ] || echo next
			printf 'url = "%s/chat/completions"\n' "$OPENAI_BASE_URL"
			printf 'header = "Content-Type: application/json"\n'
			printf 'header = "Authorization: Bearer %s"\n' "$OPENAI_API_KEY"
			printf 'data = "{\\"model\\":\\"gpt-4o-mini\\",\\"messages\\":[{\\"role\\":\\"user\\",\\"content\\":\\"Question %s\\"}]}"\n' "$i"
		done >"$out/curl-many.cfg"
	}
	CURL_PAR="curl -s --parallel --parallel-max $CONC -K $out/curl-many.cfg"
	if gpt-send --help 2>&1 | grep -q -- '-P[, ]'; then
		SEND="gpt-send -P $CONC <$out/requests.jsonl"
		nsend=$NREQ
		say "gpt-send has -P: measured as \`gpt-send -P $CONC\`."
	else
		nsend=50
		head -n $nsend "$out/requests.jsonl" >"$out/requests-$nsend.jsonl"
		SEND="gpt-send <$out/requests-$nsend.jsonl"
		say "**gpt-send has no -P option**: it sends one request at a time, so it is measured on" \
			"$nsend requests (the ideal is then $nsend x ${LATENCY} ms = $((nsend * LATENCY)) ms)."
	fi
	say "Ideal for $NREQ requests, $CONC at once: $((NREQ / CONC * LATENCY)) ms."
	say
	# The mock's own overhead: the same requests with no latency.
	mock_start
	curl_cfg
	hyperfine --style basic --warmup 1 --runs 3 --export-json "$out/many0.json" \
		-n "curl --parallel, no latency" "$CURL_PAR" \
		-n "gpt-send, no latency" "$SEND" >&2
	say "The mock's own overhead, with no latency ($NREQ requests for curl, $nsend for gpt-send):"
	say
	table times "$out/many0.json"
	say
	mock_start --latency-ms $LATENCY
	curl_cfg
	# Every client gets every answer (the mock answers "You said: Question N").
	for c in "$SEND" "$CURL_XARGS" "node bench/sdk-many.mjs $NREQ $CONC" "$CURL_PAR"; do
		# (stderr dropped: curl --parallel draws a progress meter there
		# whatever -s says; a failure shows as a missing answer.)
		n=$(sh -c "$c" 2>/dev/null | grep -o 'You said: Question [0-9]*' | sort -u | wc -l)
		want=$NREQ
		[ "$c" != "$SEND" ] || want=$nsend
		[ "$n" = "$want" ] || die "many: $n answers of $want from: $c"
	done
	hyperfine --style basic --warmup 1 --runs 3 --export-json "$out/many.json" \
		-n "gpt-send" "$SEND" \
		-n "xargs -P $CONC curl" "$CURL_XARGS" \
		-n "node openai SDK, $CONC in flight" "node bench/sdk-many.mjs $NREQ $CONC" \
		-n "curl --parallel --parallel-max $CONC" "$CURL_PAR" >&2
	table times "$out/many.json"
	say
	peak gpt-send "$nsend requests" "$SEND"
	peak "node openai SDK" "$NREQ requests" "node bench/sdk-many.mjs $NREQ $CONC"
	peak "curl --parallel" "$NREQ requests" "$CURL_PAR"
	seq "$NREQ" | sed 's/^/Question /' >"$out/lines.txt"
	peak gpt-msg "--each-line, $NREQ lines" "gpt-msg -m gpt-4o-mini --each-line <$out/lines.txt"
	mock_stop
}

# --- 5. streaming latency -------------------------------------------------------------

bench_stream() {
	say "## 5. Streaming: latency added per event"
	say
	python3 bench/stream-probe.py $( [ $quick = 1 ] && echo --events 20 ) \
		--out "$out/stream" | tee -a "$out/summary-$cur.md"
	say
}

# --- 6. peak memory -------------------------------------------------------------------

bench_memory() {
	say "## 6. Peak memory (GNU time, maximum resident set size)"
	say
	cat "$out"/memory-throughput.tsv "$out"/memory-many.tsv \
		"$out"/memory-stream.tsv >"$out/memory.tsv" 2>/dev/null || true
	table mem "$out/memory.tsv"
	say
}

# The machine and the versions compared, first in summary.md.
cur=env
{
	echo "## Machine"
	echo
	echo "- $(nproc) CPUs ($(lscpu | sed -n 's/^Model name: *//p'))," \
		"$(free -m | awk '/^Mem:/ { printf "%.1f GiB", $2 / 1024 }') of memory," \
		"Linux $(uname -r)"
	echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- gpt-tools at ${BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo '?')}," \
		"built with $(${CC:-cc} --version | head -1)"
	echo "- $(jq --version), $(curl --version | head -1 | cut -d' ' -f1-2)," \
		"node $(node --version), openai SDK $(node -p 'require("./bench/node_modules/openai/package.json").version')," \
		"$(python3 --version) (the mock), $(hyperfine --version)"
	echo
} >"$out/summary-env.md"
cat "$out/summary-env.md"

for s in $sections; do
	cur=$s
	: >"$out/summary-$s.md"
	: >"$out/memory-$s.tsv"
	case $s in
	e2e) bench_e2e ;;
	startup) bench_startup ;;
	throughput) bench_throughput ;;
	many) bench_many ;;
	stream) bench_stream ;;
	memory) bench_memory ;;
	*) die "unknown section: $s" ;;
	esac
done
cur=none
for s in env e2e startup throughput many stream memory; do
	if [ -s "$out/summary-$s.md" ]; then cat "$out/summary-$s.md"; fi
done >"$out/summary.md"
echo "bench: tables in $out/summary.md" >&2
