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
LDLIBS = $$($(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lcsv -lm -lpthread
# wa-link draws QR codes (libqrencode) and deflates its PNGs (zlib).
bin/wa-link: LDLIBS += -lqrencode -lz

BIN = $(patsubst cmd/%.c,bin/%,$(wildcard cmd/*.c))
LIBOBJ = $(patsubst %.c,%.o,$(wildcard common/*.c))
UNIT = $(patsubst %.c,%,$(wildcard tests/unit/t-*.c))
UNITXX = $(patsubst %.cc,%,$(wildcard tests/unit/t-*.cc))
TESTBIN = $(patsubst tests/%.c,bin/%,$(wildcard tests/mock-*.c tests/bench-*.c))
MAN = $(wildcard man/*.1 man/*.7)

all: $(BIN)

common/%.o: common/%.c common/wa.h
	$(CC) $(CFLAGS) $(DEPCFLAGS) -c -o $@ $<

common/libwa.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

bin/%: cmd/%.c common/libwa.a common/wa.h
	@mkdir -p bin
	$(CC) $(CFLAGS) $(DEPCFLAGS) -Icommon -o $@ $< common/libwa.a $(LDFLAGS) $(LDLIBS)

bin/mock-%: tests/mock-%.c common/libwa.a common/wa.h
	@mkdir -p bin
	$(CC) $(CFLAGS) $(DEPCFLAGS) -Icommon -o $@ $< common/libwa.a $(LDFLAGS) $(LDLIBS)

bin/bench-%: tests/bench-%.c common/libwa.a common/wa.h
	@mkdir -p bin
	$(CC) $(CFLAGS) $(DEPCFLAGS) -Icommon -o $@ $< common/libwa.a $(LDFLAGS) $(LDLIBS)

tests/unit/t-%: tests/unit/t-%.c tests/unit/tap.h common/libwa.a common/wa.h
	$(CC) $(CFLAGS) $(DEPCFLAGS) -Icommon -o $@ $< common/libwa.a $(LDFLAGS) $(LDLIBS)

# Checks common/phone.c against libphonenumber, the reference.
tests/unit/t-%: tests/unit/t-%.cc tests/unit/tap.h common/libwa.a common/wa.h
	$(CXX) -O1 -g -Wall -Wextra $(DEPCFLAGS) -Icommon -o $@ $< common/libwa.a \
		$(LDFLAGS) -lphonenumber -lprotobuf $(LDLIBS)

deps:
	@sh scripts/deps

check test: deps
	@$(MAKE) -s build-tests
	prove -j2 $(UNIT) $(UNITXX) tests/*.t

build-tests: $(BIN) $(UNIT) $(UNITXX) $(TESTBIN)

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: deps
	$(MAKE) clean
	$(MAKE) -s build-tests CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined'
	ASAN_OPTIONS=detect_leaks=1 prove -j2 $(UNIT) $(UNITXX) tests/*.t
	$(MAKE) clean

bench: deps all bin/bench-jsonl bin/bench-hook bin/mock-graph
	sh scripts/bench

demo: deps all bin/mock-graph
	sh scripts/demo

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
	rm -rf bin common/*.o common/libwa.a $(UNIT) $(UNITXX)

.PHONY: all deps check test build-tests sanitize bench demo install uninstall clean
