# gpt-tools: small Unix filters for the OpenAI Chat Completions API.
#
#   make                 build the programs
#   make check           install what the tests need, build, run every test
#   make check SAN=1     the same under AddressSanitizer and UBSan
#   make demo            a real pipeline (the real API with OPENAI_API_KEY, else the mock)
#   make install         PREFIX=/usr/local DESTDIR=

VERSION = 0.1.0
export VALGRIND SAN
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DATADIR ?= $(PREFIX)/share/gpt-tools

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -Wall -Wextra -Wpedantic
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ilib -MMD -MP
CPPFLAGS += -DGPT_DATADIR='"$(DATADIR)"'
CURL_CFLAGS := $(shell pkg-config --cflags libcurl 2>/dev/null)
CURL_LIBS := $(or $(shell pkg-config --libs libcurl 2>/dev/null),-lcurl)
JQ_LIBS = -ljq

ifeq ($(SAN),1)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
CFLAGS += $(SANFLAGS)
LDFLAGS += $(SANFLAGS)
endif

# Rebuild everything when the flags change (a SAN=1 build after a plain one).
FLAGS_STAMP = .build-flags
FLAGS_NOW = $(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS)
ifneq ($(FLAGS_NOW),$(shell cat $(FLAGS_STAMP) 2>/dev/null))
$(shell printf '%s\n' '$(FLAGS_NOW)' > $(FLAGS_STAMP))
endif

PROGS = $(patsubst cmd/%.c,%,$(wildcard cmd/*.c))
LIBSRC = $(wildcard lib/*.c)
LIBOBJ = $(LIBSRC:.c=.o)
LIBA = lib/libgpt.a
UNITSRC = $(wildcard tests/unit/test_*.c)
UNITBIN = $(UNITSRC:.c=)
MAN = $(wildcard man/*.1 man/*.7)

# Each program links only what it uses: only gpt-send links libcurl.
LIBS_gpt-send = $(CURL_LIBS) $(JQ_LIBS) -lm
LIBS_gpt-msg = $(JQ_LIBS) -lm
LIBS_gpt-extract = $(JQ_LIBS) -lm
LIBS_gpt-cost = $(JQ_LIBS) -lonig -lm

all: $(PROGS)

$(LIBOBJ) $(PROGS:%=cmd/%.o) $(UNITSRC:.c=.o): $(FLAGS_STAMP)

lib/%.o: lib/%.c
	$(CC) $(CFLAGS) $(CPPFLAGS) $(CURL_CFLAGS) -c -o $@ $<

cmd/%.o: cmd/%.c
	$(CC) $(CFLAGS) $(CPPFLAGS) $(CURL_CFLAGS) -c -o $@ $<

$(LIBA): $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(PROGS): %: cmd/%.o $(LIBA)
	$(CC) $(LDFLAGS) -o $@ cmd/$@.o $(LIBA) $(LIBS_$@)

tests/unit/%.o: tests/unit/%.c
	$(CC) $(CFLAGS) $(CPPFLAGS) $(CURL_CFLAGS) -Itests/unit -c -o $@ $<

$(UNITBIN): %: %.o $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBA) $(CURL_LIBS) $(JQ_LIBS) -lonig -lm

unit: $(UNITBIN)

# Install what is missing (Debian packages, the pinned npm packages), then
# build and run the C unit tests and the bats suites.
check:
	@sh tests/deps.sh check
	@$(MAKE) --no-print-directory all unit
	@tests/run

demo:
	@sh tests/deps.sh demo
	@$(MAKE) --no-print-directory all
	@sh tests/demo.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	mkdir -p $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	for p in $(PROGS); do install -m 755 $$p $(DESTDIR)$(BINDIR)/$$p; done
	for m in $(wildcard man/*.1); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man1/; done
	for m in $(wildcard man/*.7); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man7/; done
	for c in $(wildcard completions/bash/*); do install -m 644 $$c $(DESTDIR)$(BASHCOMPDIR)/; done
	for c in $(wildcard completions/zsh/_*); do install -m 644 $$c $(DESTDIR)$(ZSHCOMPDIR)/; done
	for c in $(wildcard completions/fish/*.fish); do install -m 644 $$c $(DESTDIR)$(FISHCOMPDIR)/; done
	mkdir -p $(DESTDIR)$(DATADIR)
	install -m 644 data/genai-prices.json data/LICENSE.genai-prices $(DESTDIR)$(DATADIR)/

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p; done
	for m in $(notdir $(wildcard man/*.1)); do rm -f $(DESTDIR)$(MANDIR)/man1/$$m; done
	for m in $(notdir $(wildcard man/*.7)); do rm -f $(DESTDIR)$(MANDIR)/man7/$$m; done
	for c in $(notdir $(wildcard completions/bash/*)); do rm -f $(DESTDIR)$(BASHCOMPDIR)/$$c; done
	for c in $(notdir $(wildcard completions/zsh/_*)); do rm -f $(DESTDIR)$(ZSHCOMPDIR)/$$c; done
	for c in $(notdir $(wildcard completions/fish/*.fish)); do rm -f $(DESTDIR)$(FISHCOMPDIR)/$$c; done
	rm -f $(DESTDIR)$(DATADIR)/genai-prices.json $(DESTDIR)$(DATADIR)/LICENSE.genai-prices
	-rmdir $(DESTDIR)$(DATADIR) 2>/dev/null

clean:
	rm -f $(PROGS) $(LIBA) lib/*.o lib/*.d cmd/*.o cmd/*.d
	rm -f $(UNITBIN) tests/unit/*.o tests/unit/*.d $(FLAGS_STAMP)

# Refresh data/genai-prices.json from the npm package @pydantic/genai-prices.
update-prices:
	sh data/update-prices.sh

# Benchmarks against the tools a user would use instead (bench/RESULTS.md).
bench: all
	sh bench/run.sh

# Run every libFuzzer target for FUZZ_SECONDS each (clang).
FUZZ_SECONDS ?= 60
fuzz:
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

.PHONY: all unit check demo install uninstall clean update-prices bench fuzz

-include $(wildcard lib/*.d cmd/*.d tests/unit/*.d)
