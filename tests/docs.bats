#!/usr/bin/env bats
# What every program promises about its documentation: --help, --version,
# man pages that lint clean and name every option, completions that offer
# every option in real bash, zsh and fish, and an install that works.
bats_require_minimum_version 1.5.0
load helper

PROGS="gpt-msg gpt-send gpt-extract gpt-cost"

# The long options a program's --help names.
help_options() {
	"$TOP/$1" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u
}

built() {
	local p
	for p in $PROGS; do
		[ -x "$TOP/$p" ] && echo "$p"
	done
}

@test "every man page passes mandoc -Tlint without a warning" {
	run mandoc -Tlint -W warning $(ls "$TOP"/man/*.[17])
	assert_success
	assert_output ""
}

@test "--help of every program goes to stdout, exits 0 and fits 80 columns" {
	for p in $(built); do
		run --separate-stderr "$TOP/$p" --help
		assert_success
		[ -n "$output" ]
		[ -z "$stderr" ]
		long=$(printf '%s\n' "$output" | awk 'length > 80')
		[ -z "$long" ] || fail "$p --help has lines over 80 columns: $long"
	done
}

@test "--version of every program names the program and the toolkit's version" {
	for p in $(built); do
		run "$TOP/$p" --version
		assert_success
		assert_output --regexp "^$p \(gpt-tools\) [0-9]+\.[0-9]+\.[0-9]+$"
	done
}

@test "every option in --help is described in the program's man page" {
	for p in $(built); do
		[ -f "$TOP/man/$p.1" ] || fail "man/$p.1 is missing"
		page=$(mandoc -Tutf8 "$TOP/man/$p.1" | col -b)
		for o in $(help_options "$p"); do
			grep -qe "$o" <<<"$page" || fail "$p: $o is in --help but not in man/$p.1"
		done
	done
}

@test "every flag of the man page SYNOPSIS is in --help" {
	for p in $(built); do
		syn=$(mandoc -Tutf8 "$TOP/man/$p.1" | col -b |
		    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p')
		help=$("$TOP/$p" --help)
		for o in $(grep -oE -- '(^|[[ ])-[-a-zA-Z][a-z0-9-]*' <<<"$syn" | tr -d '[ ' | sort -u); do
			grep -qe "$o" <<<"$help" || fail "$p: $o is in the SYNOPSIS but not in --help"
		done
	done
}

@test "bash completion offers every long option of every program" {
	for p in $(built); do
		[ -f "$TOP/completions/bash/$p" ] || fail "completions/bash/$p is missing"
		got=$(bash -c '
			source /usr/share/bash-completion/bash_completion 2>/dev/null
			source "$1"
			fn=$(complete -p "$2" | sed -E "s/.* -F ([^ ]+) .*/\1/")
			COMP_WORDS=("$2" --); COMP_CWORD=1
			COMP_LINE="$2 --"; COMP_POINT=${#COMP_LINE}
			"$fn" "$2" -- "$2"
			printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP/completions/bash/$p" "$p")
		for o in $(help_options "$p"); do
			grep -qxe "$o=\{0,1\} *" <<<"$got" || fail "bash does not offer $p $o"
		done
	done
}

@test "fish completion offers every long option of every program" {
	for p in $(built); do
		[ -f "$TOP/completions/fish/$p.fish" ] || fail "completions/fish/$p.fish is missing"
		got=$(fish -c "source '$TOP/completions/fish/$p.fish'; complete -C'$p --'" | cut -f1)
		for o in $(help_options "$p"); do
			grep -qxe "$o" <<<"$got" || fail "fish does not offer $p $o"
		done
	done
}

@test "zsh completion declares every long option of every program" {
	for p in $(built); do
		[ -f "$TOP/completions/zsh/_$p" ] || fail "completions/zsh/_$p is missing"
		head -1 "$TOP/completions/zsh/_$p" | grep -q "^#compdef $p" ||
			fail "_$p does not start with #compdef $p"
		# Run the completion function in real zsh with _arguments replaced
		# by a stub that prints the specs it is given.
		got=$(zsh -f -c '
			_arguments() { print -rl -- "$@"; }
			_describe() { :; }; compadd() { :; }; _files() { :; }
			_message() { :; }; _values() { :; }; _call_program() { :; }
			autoload -Uz +X "_$1" 2>/dev/null || source "$2"
			if (( $+functions[_$1] )); then "_$1"; fi' _ "$p" "$TOP/completions/zsh/_$p")
		for o in $(help_options "$p"); do
			grep -qe "$o" <<<"$got" || fail "zsh does not declare $p $o"
		done
	done
}

# Installing builds with the install's PREFIX, so it runs in a copy of
# the sources: the programs under test stay as they were built.
@test "make install puts programs, man pages and completions where Debian looks, and uninstall removes them" {
	src="$BATS_TEST_TMPDIR/src"
	mkdir -p "$src"
	(cd "$TOP" && git ls-files -z Makefile cmd lib man completions data | xargs -0 cp --parents -t "$src")
	d="$BATS_TEST_TMPDIR/root"
	run make -C "$src" -j2 install DESTDIR="$d" PREFIX=/usr
	assert_success
	for p in $(built); do
		[ -x "$d/usr/bin/$p" ] || fail "$p not installed"
		run "$d/usr/bin/$p" --version
		assert_success
		[ -f "$d/usr/share/man/man1/$p.1" ] || fail "$p.1 not installed"
		[ -f "$d/usr/share/bash-completion/completions/$p" ] || fail "bash completion of $p not installed"
		[ -f "$d/usr/share/zsh/vendor-completions/_$p" ] || fail "zsh completion of $p not installed"
		[ -f "$d/usr/share/fish/vendor_completions.d/$p.fish" ] || fail "fish completion of $p not installed"
	done
	[ -f "$d/usr/share/man/man7/gpt.7" ]
	[ -f "$d/usr/share/gpt-tools/genai-prices.json" ]
	run make -C "$src" uninstall DESTDIR="$d" PREFIX=/usr
	assert_success
	left=$(find "$d" -type f)
	[ -z "$left" ] || fail "left after uninstall: $left"
}

@test "an installed pipeline runs from its PREFIX, gpt-cost finding its installed price table" {
	src="$BATS_TEST_TMPDIR/src"
	mkdir -p "$src"
	(cd "$TOP" && git ls-files -z Makefile cmd lib man completions data | xargs -0 cp --parents -t "$src")
	p="$BATS_TEST_TMPDIR/prefix"
	run make -C "$src" -j2 install PREFIX="$p"
	assert_success
	rm -rf "$src"
	response='{"object":"chat.completion","model":"gpt-4o-mini","created":1764000000,"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1000000,"completion_tokens":1000000,"total_tokens":2000000}}'
	run bash -c "cd / && '$p/bin/gpt-cost' --total <<<'$response'"
	assert_success
	assert_output --partial "0.75"
	run bash -c "cd / && '$p/bin/gpt-msg' Hi | '$p/bin/gpt-send' --dry-run | tail -1"
	assert_success
}

# Programs with a --model option complete model names from the price table.
model_progs() {
	local p
	for p in $(built); do
		help_options "$p" | grep -qx -- --model && echo "$p"
	done
}

@test "bash and fish complete -m with the models of the price table" {
	for p in $(model_progs); do
		got=$(PATH="$TOP:$PATH" bash -c '
			source /usr/share/bash-completion/bash_completion 2>/dev/null
			source "$1"
			fn=$(complete -p "$2" | sed -E "s/.* -F ([^ ]+) .*/\1/")
			COMP_WORDS=("$2" -m gpt-4o-m); COMP_CWORD=2
			COMP_LINE="$2 -m gpt-4o-m"; COMP_POINT=${#COMP_LINE}
			"$fn" "$2" gpt-4o-m -m
			printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP/completions/bash/$p" "$p")
		grep -qx gpt-4o-mini <<<"$got" || fail "bash does not offer gpt-4o-mini for $p -m"
		grep -qx gpt-4o-mini-audio-preview <<<"$got" || fail "bash's $p -m models are not the price table's"
		got=$(PATH="$TOP:$PATH" fish -c "source '$TOP/completions/fish/$p.fish'; complete -C'$p -m gpt-4o-m'" | cut -f1)
		grep -qx gpt-4o-mini <<<"$got" || fail "fish does not offer gpt-4o-mini for $p -m"
	done
}

@test "zsh completes -m with the models of the price table" {
	for p in $(model_progs); do
		got=$(PATH="$TOP:$PATH" zsh -f -c '
			_arguments() { print -rl -- "$@"; }
			_describe() { :; }; compadd() { :; }; _files() { :; }
			_message() { :; }; _values() { :; }; _call_program() { :; }
			source "$2"
			print -rl -- $models' _ "$p" "$TOP/completions/zsh/_$p")
		grep -qx gpt-4o-mini-audio-preview <<<"$got" || fail "zsh's $p -m models are not the price table's"
	done
}

@test "only gpt-send links libcurl" {
	for p in $(built); do
		if ldd "$TOP/$p" | grep -q libcurl; then
			[ "$p" = gpt-send ] || fail "$p links libcurl"
		else
			[ "$p" != gpt-send ] || fail "gpt-send does not link libcurl"
		fi
	done
}
