#!/bin/sh
# Install what is missing on a Debian machine, and nothing that is there.
#   sh tests/deps.sh build   compiler and libraries
#   sh tests/deps.sh demo    + what make demo runs (the mock server)
#   sh tests/deps.sh check   + what make check runs (bats, Prism, node, locales)
set -eu
what=${1:-check}
top=$(cd "$(dirname "$0")/.." && pwd)

pkgs="make gcc pkg-config libcurl4-openssl-dev libjq-dev libonig-dev"
case $what in
demo|check) pkgs="$pkgs python3 jq curl ca-certificates" ;;
esac
case $what in
check) pkgs="$pkgs bats bats-assert bats-support bash-completion bsdextrautils locales
	valgrind mandoc zsh fish clang libclang-rt-dev" ;;
esac

missing=
for p in $pkgs; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $s in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

# Node.js may come from elsewhere than Debian (with npm inside): any will do.
if [ "$what" = check ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
if [ -n "$missing" ]; then
	echo "deps: installing$missing" >&2
	$sudo apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >&2
fi

[ "$what" = check ] || exit 0

# The tests run some programs under a German locale, to show it changes nothing.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
	echo "deps: generating the de_DE.UTF-8 locale" >&2
	$sudo sed -i 's/^# *\(de_DE.UTF-8 UTF-8\)/\1/' /etc/locale.gen
	grep -q '^de_DE.UTF-8 UTF-8' /etc/locale.gen ||
		echo 'de_DE.UTF-8 UTF-8' | $sudo tee -a /etc/locale.gen >/dev/null
	$sudo locale-gen >&2
fi

# npm packages the tests use, pinned by their lock file.
for d in "$top"/tests/npm; do
	[ -f "$d/package-lock.json" ] || continue
	if [ ! -d "$d/node_modules" ] || [ "$d/package-lock.json" -nt "$d/node_modules/.package-lock.json" ]; then
		echo "deps: npm ci in ${d#$top/}" >&2
		(cd "$d" && npm ci --no-audit --no-fund --loglevel=error >&2)
	fi
done
