# sfw build. Every output goes under build/; `make V=1` shows full commands.
# Sources are found by wildcard, so adding a file to cli/, loader/, bpf/ or
# tests/ needs no edit here.

BUILD      ?= build
CLANG      ?= clang
CC         ?= cc
BPFTOOL    ?= bpftool
PREFIX     ?= /usr/local
ARCH       := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VMLINUX    := vmlinux/$(ARCH)/vmlinux.h

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

CFLAGS     ?= -O2 -g
CFLAGS     += -Wall -Wextra -Werror -Wno-unused-parameter -std=gnu11 \
              -Iinclude -Iloader -Icli -Itests/lib -I$(BUILD)/skel -MMD -MP
# BPF: CO-RE against vmlinux.h. -mcpu=v3 for atomic fetch-add (session ids).
BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -D__BPF__ -D__TARGET_ARCH_$(ARCH) \
              -Wall -Werror -Iinclude -Ibpf -Ivmlinux/$(ARCH) -MMD -MP
LDLIBS     := -lbpf -lelf -lz

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/bpf/%.bpf.o)
SKELS      := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/skel/%.skel.h)
LIB_SRCS   := $(wildcard loader/*.c) $(filter-out cli/main.c,$(wildcard cli/*.c))
LIB_OBJS   := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ   := $(BUILD)/obj/cli/main.o
TESTLIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/lib/*.c))
UNIT_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/unit/*.c))
BPFT_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/bpf/*.c))
BENCH_SRCS := $(filter-out %.bpf.c,$(wildcard bench/*.c))
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
BENCH_BPF  := $(wildcard bench/*.bpf.c)
BENCH_SKELS := $(BENCH_BPF:bench/%.bpf.c=$(BUILD)/skel/%.skel.h)

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps check-deps test test-unit test-bpf test-e2e demo bench install uninstall clean vmlinux

all: $(BUILD)/sfw

$(BUILD)/sfw: $(MAIN_OBJ) $(LIB_OBJS) | $(BUILD)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(VMLINUX) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/%.bpf.o: bench/%.bpf.c $(VMLINUX) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/skel/%.skel.h: $(BUILD)/bpf/%.bpf.o | $(BUILD)/skel
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf,,$*) > $@

# Every C object may include a skeleton, so skeletons come first.
$(BUILD)/obj/%.o: %.c $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# --wrap=strcmp: tests/unit/test_conf_scale.c counts the name comparisons
# the configuration code makes (work, not seconds).
$(BUILD)/tests/unit_tests: $(UNIT_OBJS) $(TESTLIB_OBJS) $(LIB_OBJS) | $(BUILD)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcriterion -Wl,--wrap=strcmp

$(BUILD)/tests/bpf_tests: $(BPFT_OBJS) $(TESTLIB_OBJS) $(LIB_OBJS) | $(BUILD)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

$(BUILD)/bench/%: bench/%.c $(TESTLIB_OBJS) $(LIB_OBJS) $(SKELS) $(BENCH_SKELS) | $(BUILD)/bench
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/lib -o $@ $< $(TESTLIB_OBJS) $(LIB_OBJS) $(LDLIBS)

$(BUILD) $(BUILD)/bpf $(BUILD)/skel $(BUILD)/tests $(BUILD)/bench:
	$(Q)mkdir -p $@

deps:
	$(Q)scripts/deps.sh

# Everything tests, scripts and benches run is installed by deps.sh.
check-deps: deps
	$(Q)/usr/bin/python3 scripts/check-deps.py

test: deps check-deps all $(BUILD)/tests/unit_tests $(BUILD)/tests/bpf_tests
	$(Q)scripts/run-tests.sh $(BUILD)

demo: deps all
	$(Q)scripts/demo.sh $(BUILD)

bench: deps all $(BENCH_BINS)
	$(Q)scripts/bench.sh $(BUILD)

install: $(BUILD)/sfw
	install -D -m 0755 $(BUILD)/sfw $(DESTDIR)$(PREFIX)/sbin/sfw

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/sfw

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
