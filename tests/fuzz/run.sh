#!/bin/sh
# Build the libFuzzer targets tests/fuzz/fuzz_*.c with clang (ASan, UBSan)
# and run each in turn; print one line per target; exit 1 on any finding.
#
#   sh tests/fuzz/run.sh [SECONDS [TARGET...]]  fuzz each target SECONDS (60)
#   sh tests/fuzz/run.sh -b [TARGET...]         only build
#   sh tests/fuzz/run.sh -r [TARGET...]         run the seed corpus once
#   sh tests/fuzz/run.sh -v [TARGET...]         the same under valgrind,
#       built with cc (CC) and standalone.c instead of libFuzzer
#
# A target is named by its file (fuzz_jsonin.c is "jsonin").  Its comment
# names the lib/ sources it needs ("sources: jsonin buf ...") and, where
# useful, a dictionary ("dict: json" for tests/fuzz/json.dict).  The seed
# corpus is tests/fuzz/corpus/NAME/, and every input that once crashed
# stays there as a regression test, so each run replays it first.  While
# its fault is not fixed it is named open-*: runs leave those out (so
# fuzzing goes on finding other faults; FUZZ_OPEN=1 keeps them in) and
# tests/fuzz.bats runs each on its own.  New inputs and findings go to
# the build directory (FUZZ_BUILD, by default tests/fuzz/build), never
# into the seed corpus (FUZZ_FRESH=1 starts from the seeds alone).
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
build=${FUZZ_BUILD:-tests/fuzz/build}
CLANG=${CLANG:-clang}
FUZZFLAGS="-Wall -Wextra -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"

mode=fuzz
case $1 in
-b) mode=build; shift ;;
-r) mode=replay; shift ;;
-v) mode=valgrind; shift ;;
-*) echo "usage: run.sh [SECONDS [TARGET...]] | -b|-r|-v [TARGET...]" >&2; exit 2 ;;
esac
seconds=60
if [ "$mode" = fuzz ] && [ $# -gt 0 ]; then
	seconds=$1
	shift
fi
case $seconds in
''|*[!0-9]*) echo "run.sh: SECONDS must be a whole number: $seconds" >&2; exit 2 ;;
esac
if [ $# -eq 0 ]; then
	set -- $(ls tests/fuzz/fuzz_*.c 2>/dev/null | sed 's|.*/fuzz_||; s|\.c$||')
fi
if [ "$mode" != valgrind ]; then
	command -v "$CLANG" >/dev/null || { echo "run.sh: $CLANG not found" >&2; exit 2; }
fi
mkdir -p "$build/log" "$build/findings"

# The value of a "key: value" line in the target's opening comment.
field() {
	sed -n "s/^ \* $1: //p" "tests/fuzz/fuzz_$2.c" | head -1
}

# Compile lib/NAME.c for fuzzing into build/obj/NAME.o, once for all
# targets, unless the object is newer than the source and every header.
build_obj() {
	o=$build/obj/$1.o
	if [ -f "$o" ] && [ -z "$(find "lib/$1.c" lib/*.h tests/fuzz/run.sh -newer "$o" 2>/dev/null)" ]; then
		return 0
	fi
	mkdir -p "$build/obj"
	# shellcheck disable=SC2086
	$CLANG $FUZZFLAGS -fsanitize=fuzzer-no-link -std=c11 -D_POSIX_C_SOURCE=200809L \
	    -D_DEFAULT_SOURCE -Ilib -c -o "$o" "lib/$1.c" 2>>"$build/log/obj.build"
}

# Build build/fuzz_NAME unless it is newer than everything it is made of.
build_one() {
	name=$1
	src=tests/fuzz/fuzz_$name.c
	bin=$build/fuzz_$name
	[ -f "$src" ] || { echo "fuzz_$name: no such target ($src)" >&2; return 1; }
	objs=
	for s in $(field sources "$name"); do
		build_obj "$s" || {
			echo "fuzz_$name: lib/$s.c does not build:" >&2
			cat "$build/log/obj.build" >&2
			return 1
		}
		objs="$objs $build/obj/$s.o"
	done
	extra=$(field libs "$name")
	# shellcheck disable=SC2086
	if [ -x "$bin" ] && [ -z "$(find "$src" $objs tests/fuzz/run.sh -newer "$bin" 2>/dev/null)" ]; then
		return 0
	fi
	# shellcheck disable=SC2086
	$CLANG $FUZZFLAGS -fsanitize=fuzzer -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	    -Ilib -o "$bin" "$src" $objs $extra -ljq -lm 2>"$build/log/$name.build" || {
		echo "fuzz_$name: build failed:" >&2
		cat "$build/log/$name.build" >&2
		return 1
	}
}

# The seed files of a target, open-* left out unless FUZZ_OPEN=1.
seed_files() {
	if [ "${FUZZ_OPEN:-0}" = 1 ]; then
		find "tests/fuzz/corpus/$1" -type f | sort
	else
		find "tests/fuzz/corpus/$1" -type f ! -name 'open-*' | sort
	fi
}

# Run one target; libFuzzer's exit status is non-zero on any finding.
run_one() {
	name=$1
	bin=$build/fuzz_$name
	seeds=$build/seeds/$name
	rm -rf "$seeds"
	mkdir -p "$seeds"
	seed_files "$name" | while read -r f; do cp "$f" "$seeds/"; done
	log=$build/log/$name.log
	dict=$(field dict "$name")
	mkdir -p "$build/corpus/$name" "$build/findings/$name"
	set -- -artifact_prefix="$build/findings/$name/" -timeout=10 -rss_limit_mb=2048
	[ -n "$dict" ] && set -- "$@" -dict="tests/fuzz/$dict.dict"
	if [ "$mode" = replay ]; then
		set -- "$@" -runs=0 "$seeds"
	else
		# FUZZ_FRESH=1: start from the seeds alone, as CI does, not from
		# what earlier runs added to build/corpus.
		[ "${FUZZ_FRESH:-0}" = 1 ] && rm -rf "$build/corpus/$name" && mkdir -p "$build/corpus/$name"
		set -- "$@" -max_total_time="$seconds" "$build/corpus/$name" "$seeds"
	fi
	if "$bin" "$@" >"$log" 2>&1; then
		if [ "$mode" = replay ]; then
			echo "fuzz_$name: ok ($(ls "$seeds" | wc -l) seeds replayed, no finding)"
		else
			runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
			echo "fuzz_$name: ok ($runs runs in $seconds s, no finding)"
		fi
		return 0
	fi
	echo "fuzz_$name: FINDING (log $log):"
	grep -E '^(==[0-9]+==ERROR|SUMMARY|    #[0-9]+ |.*runtime error|artifact_prefix|Test unit written)' "$log" | head -30
	echo "fuzz_$name: to keep it as a regression test, copy the input above into tests/fuzz/corpus/$name/open-WHAT"
	return 1
}

# Build build/replay_NAME with cc and run it on the corpus under valgrind.
valgrind_one() {
	name=$1
	src=tests/fuzz/fuzz_$name.c
	bin=$build/replay_$name
	[ -f "$src" ] || { echo "fuzz_$name: no such target ($src)" >&2; return 2; }
	libs=$(for s in $(field sources "$name"); do printf 'lib/%s.c ' "$s"; done)
	extra=$(field libs "$name")
	# shellcheck disable=SC2086
	if ! [ -x "$bin" ] || [ -n "$(find "$src" $libs lib/*.h tests/fuzz/standalone.c tests/fuzz/run.sh -newer "$bin" 2>/dev/null)" ]; then
		${CC:-cc} -g -O1 -std=c11 -Wall -Wextra -Wpedantic -D_POSIX_C_SOURCE=200809L \
		    -D_DEFAULT_SOURCE -Ilib -o "$bin" "$src" \
		    tests/fuzz/standalone.c $libs $extra -ljq -lm || return 2
	fi
	files=$(seed_files "$name")
	# shellcheck disable=SC2086
	if valgrind -q --leak-check=full --error-exitcode=99 "$bin" $files \
	    >"$build/log/$name.valgrind" 2>&1; then
		echo "replay_$name: ok ($(echo "$files" | wc -w) inputs under valgrind, no error)"
		return 0
	fi
	echo "replay_$name: FINDING under valgrind (log $build/log/$name.valgrind):"
	grep -E '^==[0-9]+== +(at |by |[0-9,]+ bytes|Invalid|Conditional|Use of|Mismatched)' "$build/log/$name.valgrind" | head -30
	return 1
}

status=0
for t in "$@"; do
	if [ "$mode" = valgrind ]; then
		valgrind_one "$t"
		r=$?
		[ $r -gt $status ] && status=$r
		continue
	fi
	build_one "$t" || { status=2; continue; }
	[ "$mode" = build ] && continue
	run_one "$t" || status=1
done
exit $status
