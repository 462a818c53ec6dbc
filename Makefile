# SPDX-License-Identifier: GPL-2.0
#
# make            build ./proclife (BPF objects, skeleton, loader)
# make test       unit tests, then (as root) integration tests
# make deps       install the Debian packages needed to build and test
# make STATIC=1   one static binary;  make SANITIZE=1  ASan + UBSan build
# make V=1        show the commands
# make bpf        the BPF object and skeleton only (with ARCH=arm64: for
#                 arm64, from vmlinux/arm64/vmlinux.h)

VERSION := 0.1.0
OUT := build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc
# the kernel's name for the architecture (x86, arm64), from uname -m's
ARCH ?= $(shell uname -m)
override ARCH := $(patsubst x86_64,x86,$(patsubst aarch64,arm64,$(ARCH)))

WARN := -Wall -Wextra -Werror -Wno-unused-parameter
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARN) -Iinclude -Isrc -I$(OUT) -DPROCLIFE_VERSION='"$(VERSION)"'
LDLIBS := -lbpf -lelf -lz
LDFLAGS ?=

ifeq ($(STATIC),1)
LDFLAGS += -static
LDLIBS += -lzstd
endif
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# The kernel's types come from the header pinned for ARCH, never from the
# running kernel (vmlinux/gen-vmlinux.sh regenerates it).
VMLINUX := vmlinux/$(ARCH)/vmlinux.h
# One BPF object per concern, linked into one object and one skeleton.
# maps.bpf.o, which defines every shared map and setting, is linked first:
# libbpf 1.1's linker misplaces maps in .maps when a file declaring them
# extern comes before the definition (the skeleton then fails to open).
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_UNITS := $(OUT)/bpf/maps.bpf.o \
	$(filter-out $(OUT)/bpf/maps.bpf.o,$(patsubst bpf/%.bpf.c,$(OUT)/bpf/%.bpf.o,$(BPF_SRCS)))
BPF_OBJ := $(OUT)/proclife.bpf.o
SKELS := $(OUT)/proclife.skel.h
# src/ is one folder per pipeline stage (README: Architecture); objects
# mirror it under build/.
SRCS := $(wildcard src/*/*.c src/*/*/*.c)
HDRS := $(wildcard src/*/*.h src/*/*/*.h)
OBJS := $(patsubst src/%.c,$(OUT)/%.o,$(SRCS))
LIB_OBJS := $(filter-out $(OUT)/cli/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRCS))

# `make clean all` (any goals with clean, -j or not) runs clean to its end
# first, then the other goals in a new make. In one make they would share
# one view of build/, taken before clean deleted it: -j2 ran them side by
# side, and `all` could find everything up to date and exit 0 with no
# binary.
CLEAN_FIRST := $(and $(filter clean,$(MAKECMDGOALS)),$(filter-out clean,$(MAKECMDGOALS)))

ifneq ($(CLEAN_FIRST),)
.PHONY: $(MAKECMDGOALS) clean-first
$(MAKECMDGOALS): clean-first
	@:
clean-first:
	$(Q)$(MAKE) --no-print-directory clean
	$(Q)$(MAKE) --no-print-directory $(CLEAN_FIRST)
else

.PHONY: all clean deps test test-unit test-integration fixtures tools bench \
	test-kernels bpf stream-bench
.DELETE_ON_ERROR:
.SECONDARY:

all: proclife

$(OUT) $(OUT)/tests $(OUT)/bpf:
	$(Q)mkdir -p $@

$(VMLINUX):
	@echo "proclife: $@ is missing: no pinned kernel types for ARCH=$(ARCH) (vmlinux/gen-vmlinux.sh $(ARCH) makes them)" >&2
	@exit 1

$(OUT)/bpf/%.bpf.o: bpf/%.bpf.c $(VMLINUX) $(wildcard bpf/*.h) include/proclife.h | $(OUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
		-I$(dir $(VMLINUX)) -Iinclude -Ibpf -c $< -o $@
	$(Q)llvm-strip -g $@ 2>/dev/null || true

# Shared maps and settings are defined in maps.bpf.o and extern elsewhere:
# the linker resolves each to its one definition.
$(BPF_OBJ): $(BPF_UNITS)
	$(call msg,LINK-BPF,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(SKELS): $(BPF_OBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name proclife_bpf > $@

bpf: $(SKELS)

$(OUT)/%.o: src/%.c $(HDRS) include/proclife.h include/track.h $(SKELS) | $(OUT)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

proclife: $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/tests/%: tests/unit/%.c $(LIB_OBJS) tests/unit/check.h | $(OUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

# The loader's per-event cost without a kernel (tools/stream-cost.sh).
$(OUT)/tests/stream_bench: tests/bench/stream_bench.c $(LIB_OBJS) | $(OUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

stream-bench: $(OUT)/tests/stream_bench
	$(Q)tools/stream-cost.sh $<

fixtures:
	$(Q)$(MAKE) --no-print-directory -C tests/fixtures $(if $(filter 1,$(STATIC)),STATIC=1)

tools:
	$(Q)$(MAKE) --no-print-directory -C tools

test-unit: $(UNIT_BINS)
	$(Q)tests/run-unit.sh $(UNIT_BINS)

test-integration: proclife fixtures
	$(Q)tests/run-integration.sh

# Unit tests need no privileges; integration tests run the real tracer.
test: proclife fixtures $(UNIT_BINS)
	$(Q)tests/run-all.sh $(UNIT_BINS)

# Then start-up and end (tools/startup.sh): 30 runs, 10 with BENCH_QUICK.
bench: proclife tools
	$(Q)tools/bench.sh ./proclife
	$(Q)tools/startup.sh -p ./proclife -n $(if $(filter 1,$(BENCH_QUICK)),10,30)

test-kernels: fixtures
	$(Q)tools/kernels/test-kernels.sh

# install the packages, then build
deps:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) --no-print-directory all

clean:
	$(call msg,CLEAN,)
	$(Q)rm -rf $(OUT) proclife
	$(Q)$(MAKE) --no-print-directory -C tests/fixtures clean 2>/dev/null || true
	$(Q)$(MAKE) --no-print-directory -C tools clean 2>/dev/null || true

# make install [PREFIX=/usr/local] [DESTDIR=] [GZIP_MAN=1]; make uninstall
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
DOCDIR ?= $(PREFIX)/share/doc/proclife
DOCS := README.md $(wildcard docs/*.md docs/*.json docs/*.png)
MAN8 := $(DESTDIR)$(MANDIR)/man8/proclife.8

.PHONY: install uninstall
install: proclife
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -D -m 0755 proclife $(DESTDIR)$(SBINDIR)/proclife
	$(Q)install -D -m 0644 docs/proclife.8 $(MAN8)
	$(Q)$(if $(filter 1,$(GZIP_MAN)),gzip -9nf $(MAN8),rm -f $(MAN8).gz)
	$(Q)install -D -m 0644 scripts/proclife.bash-completion \
		$(DESTDIR)$(COMPLETIONDIR)/proclife
	$(Q)install -d $(DESTDIR)$(DOCDIR)
	$(Q)install -m 0644 $(DOCS) $(DESTDIR)$(DOCDIR)/

uninstall:
	$(call msg,UNINST,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/proclife $(MAN8) $(MAN8).gz \
		$(DESTDIR)$(COMPLETIONDIR)/proclife
	$(Q)rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOCS)))
	$(Q)rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null || true

endif
