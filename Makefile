# wa: WhatsApp Business customer relationships from the shell.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
CC ?= cc
CXX ?= c++

CFLAGS ?= -O2 -g
override CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter \
	-fstack-protector-strong $(CFLAGS)
PKGS = jansson libcurl libmicrohttpd libcrypto
DEPCFLAGS = $$($(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LDLIBS = $$($(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lcsv -lz -lm -lpthread
# wa-link draws QR codes (libqrencode) and deflates its PNGs (zlib).
bin/wa-link: LDLIBS += -lqrencode -lz
# wa-backup gzips its archives (zlib; zstd through the zstd command).
bin/wa-backup: LDLIBS += -lz

BIN = $(patsubst cmd/%.c,bin/%,$(wildcard cmd/*.c))
LIBOBJ = $(patsubst %.c,%.o,$(wildcard common/*.c))
UNIT = $(patsubst %.c,%,$(wildcard tests/unit/t-*.c))
UNITXX = $(patsubst %.cc,%,$(wildcard tests/unit/t-*.cc))
TESTBIN = $(patsubst tests/%.c,bin/%,$(wildcard tests/mock-*.c tests/bench-*.c))
FUZZ = $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZBIN = $(patsubst %,bin/fuzz-%,$(FUZZ))
MAN = $(wildcard man/*.1 man/*.7)

all: $(BIN)

# Every object lists the headers it read in its .d file (-MMD), with a
# phony target for each (-MP) so that a removed header breaks nothing: a
# change recompiles only the objects that include it.
DEPFLAGS = -MMD -MP

common/%.o: common/%.c
	$(CC) $(CFLAGS) $(DEPFLAGS) $(DEPCFLAGS) -c -o $@ $<

common/libwa.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

# Programs, mocks, benchmarks, unit tests and fuzz replays are compiled to
# objects first, then linked against the library. Static pattern rules name
# every object, so make keeps them as targets rather than deleting them as
# intermediate files. Unit test objects go to tests/unit/obj, so that
# tests/unit/t-*[^c] are the test programs only.
CMDOBJ = $(patsubst %.c,%.o,$(wildcard cmd/*.c))
TESTOBJ = $(patsubst %.c,%.o,$(wildcard tests/*.c tests/fuzz/*.c))
UNITOBJ = $(patsubst tests/unit/%.c,tests/unit/obj/%.o,$(wildcard tests/unit/t-*.c))
UNITXXOBJ = $(patsubst tests/unit/%.cc,tests/unit/obj/%.o,$(wildcard tests/unit/t-*.cc))

$(CMDOBJ) $(TESTOBJ): %.o: %.c
	$(CC) $(CFLAGS) $(DEPFLAGS) $(DEPCFLAGS) -Icommon -c -o $@ $<

$(UNITOBJ): tests/unit/obj/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) $(DEPCFLAGS) -Icommon -c -o $@ $<

$(UNITXXOBJ): tests/unit/obj/%.o: tests/unit/%.cc
	@mkdir -p $(@D)
	$(CXX) -O1 -g -Wall -Wextra $(DEPFLAGS) $(DEPCFLAGS) -Icommon -c -o $@ $<

$(BIN): bin/%: cmd/%.o common/libwa.a
	@mkdir -p bin
	$(CC) $(CFLAGS) -o $@ $< common/libwa.a $(LDFLAGS) $(LDLIBS)

$(TESTBIN): bin/%: tests/%.o common/libwa.a
	@mkdir -p bin
	$(CC) $(CFLAGS) -o $@ $< common/libwa.a $(LDFLAGS) $(LDLIBS)

$(UNIT): tests/unit/%: tests/unit/obj/%.o common/libwa.a
	$(CC) $(CFLAGS) -o $@ $< common/libwa.a $(LDFLAGS) $(LDLIBS)

# The fuzz targets under a plain main, to replay their corpora in the suite.
$(FUZZBIN): bin/fuzz-%: tests/fuzz/fuzz-%.o tests/fuzz/main.o common/libwa.a
	@mkdir -p bin
	$(CC) $(CFLAGS) -o $@ $< tests/fuzz/main.o \
		common/libwa.a $(LDFLAGS) $(LDLIBS)

# Checks common/phone.c against libphonenumber, the reference.
$(UNITXX): tests/unit/%: tests/unit/obj/%.o common/libwa.a
	$(CXX) -O1 -g -o $@ $< common/libwa.a \
		$(LDFLAGS) -lphonenumber -lprotobuf $(LDLIBS)

deps:
	@sh scripts/deps

check test: deps
	@$(MAKE) -s build-tests
	prove -j2 $(UNIT) $(UNITXX) tests/*.t

build-tests: $(BIN) $(UNIT) $(UNITXX) $(TESTBIN) $(FUZZBIN)

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
# The sanitized build is cleaned away after, and prove's summary is the last word.
sanitize: deps
	@$(MAKE) -s clean
	$(MAKE) -s build-tests CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined'
	@ASAN_OPTIONS=detect_leaks=1 prove -j2 $(UNIT) $(UNITXX) tests/*.t; \
		st=$$?; $(MAKE) -s clean >/dev/null; exit $$st

# The C unit tests, and the fuzz targets on their corpora, under valgrind:
# leaks and uninitialized reads in the normal build.
VALGRIND = valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--child-silent-after-fork=yes \
	--error-exitcode=1
valgrind: deps
	@$(MAKE) -s $(UNIT) $(FUZZBIN)
	prove -j2 --exec '$(VALGRIND)' $(UNIT)
	for t in $(FUZZ); do \
		$(VALGRIND) --log-fd=3 bin/fuzz-$$t tests/fuzz/seeds/$$t/* \
			$$(ls -d tests/fuzz/regress/$$t/* 2>/dev/null) 3>&2 >/dev/null 2>&1 || \
		{ echo "valgrind: bin/fuzz-$$t failed"; exit 1; }; \
	done

# libFuzzer on each target for FUZZ_SECONDS, built with clang apart from
# the normal objects; a crash stops with its input in $(FUZZDIR).
FUZZCC ?= clang
FUZZDIR ?= fuzz
FUZZ_SECONDS ?= 600
FUZZFLAGS = -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=all \
	-fsanitize=fuzzer-no-link,address,undefined
FUZZOBJ = $(patsubst common/%.c,$(FUZZDIR)/obj/%.o,$(wildcard common/*.c))

$(FUZZDIR)/obj/%.o: common/%.c
	@mkdir -p $(@D)
	$(FUZZCC) $(CFLAGS) $(FUZZFLAGS) $(DEPFLAGS) $(DEPCFLAGS) -c -o $@ $<

$(FUZZDIR)/libwa.a: $(FUZZOBJ)
	rm -f $@
	ar rcs $@ $(FUZZOBJ)

$(FUZZDIR)/bin/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZDIR)/libwa.a
	@mkdir -p $(@D)
	$(FUZZCC) $(CFLAGS) $(FUZZFLAGS) -fsanitize=fuzzer $(DEPFLAGS) -MF $@.d -MT $@ \
		$(DEPCFLAGS) -Icommon \
		-o $@ $< $(FUZZDIR)/libwa.a $(LDFLAGS) $(LDLIBS)

fuzz-build: $(patsubst %,$(FUZZDIR)/bin/fuzz-%,$(FUZZ))

fuzz: deps fuzz-build
	FUZZDIR=$(FUZZDIR) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run $(FUZZ)

bench: deps all bin/bench-jsonl bin/bench-hook bin/mock-graph bin/mock-shopify
	sh scripts/bench

demo: deps all bin/mock-graph
	sh scripts/demo

demo-inbox: deps all bin/mock-graph
	sh scripts/demo-inbox

screenshots: all
	sh scripts/screenshot

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	for f in $(BIN); do install -m0755 $$f $(DESTDIR)$(BINDIR)/; done
	for f in man/*.1; do install -m0644 $$f $(DESTDIR)$(MANDIR)/man1/; done
	for f in man/*.7; do install -m0644 $$f $(DESTDIR)$(MANDIR)/man7/; done

uninstall:
	for f in $(BIN); do rm -f $(DESTDIR)$(BINDIR)/$${f#bin/}; done
	for f in man/*.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$${f#man/}; done
	for f in man/*.7; do rm -f $(DESTDIR)$(MANDIR)/man7/$${f#man/}; done

clean:
	rm -rf bin common/libwa.a $(UNIT) $(UNITXX) \
		$(FUZZDIR)/obj $(FUZZDIR)/bin $(FUZZDIR)/libwa.a
	rm -rf common/*.[od] cmd/*.[od] tests/*.[od] tests/unit/obj tests/fuzz/*.[od]

-include $(wildcard common/*.d cmd/*.d tests/*.d tests/unit/obj/*.d tests/fuzz/*.d \
	$(FUZZDIR)/obj/*.d $(FUZZDIR)/bin/*.d)

.PHONY: all deps check test build-tests sanitize valgrind fuzz fuzz-build bench demo demo-inbox screenshots install uninstall clean
