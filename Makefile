# SPDX-License-Identifier: GPL-2.0
#
# make            build ./proclife (BPF objects, skeleton, loader)
# make test       unit tests, then (as root) integration tests
# make deps       install the Debian packages needed to build and test
# make STATIC=1   one static binary;  make SANITIZE=1  ASan + UBSan build
# make V=1        show the commands

VERSION := 0.1.0
OUT := build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc
ARCH := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')

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

VMLINUX := vmlinux/vmlinux.h
BTF ?= /sys/kernel/btf/vmlinux
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUT)/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))
# src/ is one folder per pipeline stage (README: Architecture); objects
# mirror it under build/.
SRCS := $(wildcard src/*/*.c src/*/*/*.c)
HDRS := $(wildcard src/*/*.h src/*/*/*.h)
OBJS := $(patsubst src/%.c,$(OUT)/%.o,$(SRCS))
LIB_OBJS := $(filter-out $(OUT)/cli/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRCS))

.PHONY: all clean deps test test-unit test-integration fixtures tools bench \
	test-kernels
.DELETE_ON_ERROR:
.SECONDARY:

all: proclife

$(OUT) $(OUT)/tests:
	$(Q)mkdir -p $@

$(VMLINUX):
	$(call msg,GEN,$@)
	$(Q)test -r $(BTF) || { echo "proclife: $(BTF) is missing: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF=y is needed)" >&2; exit 1; }
	$(Q)mkdir -p $(dir $@)
	$(Q)$(BPFTOOL) btf dump file $(BTF) format c > $@

$(OUT)/%.bpf.o: bpf/%.bpf.c $(VMLINUX) $(wildcard bpf/*.h) include/proclife.h | $(OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
		-Ivmlinux -Iinclude -Ibpf -c $< -o $@
	$(Q)llvm-strip -g $@ 2>/dev/null || true

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@

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

bench: proclife tools
	$(Q)tools/bench.sh ./proclife

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
