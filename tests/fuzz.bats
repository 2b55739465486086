#!/usr/bin/env bats
# The libFuzzer targets of tests/fuzz/: they build, and each replays its
# seeds (every past finding included) and survives a short run.  `make
# fuzz` runs them for longer; `sh tests/fuzz/run.sh -v` replays the seeds
# under valgrind.
bats_require_minimum_version 1.5.0
load helper

setup() {
	cd "$TOP"
}

@test "every fuzz target builds with clang and libFuzzer" {
	command -v clang || skip "clang not installed"
	run sh tests/fuzz/run.sh -b
	assert_success
	for f in tests/fuzz/fuzz_*.c; do
		n=${f##*/fuzz_}
		[ -x "tests/fuzz/build/fuzz_${n%.c}" ]
	done
}

@test "every fuzz target has a seed corpus" {
	for f in tests/fuzz/fuzz_*.c; do
		n=${f##*/fuzz_}
		n=${n%.c}
		[ -d "tests/fuzz/corpus/$n" ] || fail "no corpus for $n"
		[ "$(ls "tests/fuzz/corpus/$n" | wc -l)" -ge 5 ] || fail "fewer than 5 seeds for $n"
	done
}

# A run replays the seeds (past findings included) before it mutates them.
@test "each fuzz target replays its seeds and runs 1 s without a crash, a leak or undefined behaviour" {
	command -v clang || skip "clang not installed"
	FUZZ_FRESH=1 run sh tests/fuzz/run.sh 1
	assert_success
	refute_output --partial FINDING
}

# jq 1.6 leaks a string that directly follows a value inside an array or
# object ('[1 "x"]'); lib/jsonin.c refuses such an item before libjq
# sees it.  The fuzz run above has LeakSanitizer; this is plain valgrind.
@test "a string right after a value inside a container is refused without a leak" {
	command -v valgrind || skip "valgrind not installed"
	sh tests/fuzz/run.sh -v jsonin >/dev/null || true
	run valgrind -q --leak-check=full --error-exitcode=99 \
	    tests/fuzz/build/replay_jsonin tests/fuzz/corpus/jsonin/libjq-leak-*
	assert_success
	assert_output ''
}

# Seeds named open-* are faults found by fuzzing and not fixed yet: the
# fuzz run leaves them out, and each gets a test here, failing until its
# fault is fixed (then the file loses "open-").  The tests below began so
# and stay as regression tests.

# A chunk with two deltas for choice 0: extract_chunk_content() gave the
# first one's piece (gpt-extract printed "b") while extract_stream_add()
# joined both (--message said "ba").
@test "a chunk's pieces print as the assembled message says" {
	command -v clang || skip "clang not installed"
	sh tests/fuzz/run.sh -b extract >/dev/null
	run tests/fuzz/build/fuzz_extract tests/fuzz/corpus/extract/duplicate-index
	assert_success
}

# lib/rx.c parsed groups by recursion without a depth limit, so a price
# table regex of 150,000 nested "(" overflowed the stack (SIGSEGV).
@test "a regex of 150,000 nested groups is refused, not a stack overflow" {
	command -v clang || skip "clang not installed"
	sh tests/fuzz/run.sh -b rx >/dev/null
	run tests/fuzz/build/fuzz_rx tests/fuzz/corpus/rx/deep-groups
	assert_success
}

# lib/jsonin.c reuses one libjq parser for the whole stream; after an item
# that libjq refused at its end ('"\x1e"', a raw control character) the
# parser still held bytes, and the next jv_parser_set_buf() failed its
# assertion "previous buffer not exhausted": abort().
@test "a raw control character in the last string is refused, not an abort" {
	command -v clang || skip "clang not installed"
	sh tests/fuzz/run.sh -b jsonin >/dev/null
	run tests/fuzz/build/fuzz_jsonin tests/fuzz/corpus/jsonin/control-char-at-end
	assert_success
}
