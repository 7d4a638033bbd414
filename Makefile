# sfw build. Every output goes under build/; `make V=1` shows full commands.
# Sources are found by wildcard, so adding a file to a module (util/, conf/,
# loader/, cli/...), bpf/ or tests/ needs no edit here.

# SANITIZE=1: the user space built with AddressSanitizer and
# UndefinedBehaviorSanitizer in a build directory of its own (objects never
# mix), and every suite run with them, halting at the first report
# (docs/reliability.md). SANITIZE=fuzz is what `make fuzz` builds: clang,
# the same sanitizers and libFuzzer's coverage.
SAN_COMMON := -fno-sanitize-recover=all -fno-omit-frame-pointer
ifeq ($(SANITIZE),1)
BUILD      ?= build-san
SAN_FLAGS  := -fsanitize=address,undefined $(SAN_COMMON)
export SFW_SANITIZED := 1
export ASAN_OPTIONS := halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1
export UBSAN_OPTIONS := halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
else ifeq ($(SANITIZE),fuzz)
BUILD      ?= build-fuzz
CC         := clang
SAN_FLAGS  := -fsanitize=fuzzer-no-link,address,undefined $(SAN_COMMON)
endif
BUILD      ?= build
CLANG      ?= clang
CC         ?= cc
AR         ?= ar
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
CFLAGS     += -Wall -Wextra -Werror -Wno-unused-parameter -std=gnu11 -MMD -MP $(SAN_FLAGS)
# BPF: CO-RE against vmlinux.h. -mcpu=v3 for atomic fetch-add (session ids).
BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -D__BPF__ -D__TARGET_ARCH_$(ARCH) \
              -Wall -Werror -Iinclude -Ibpf -Ivmlinux/$(ARCH) -MMD -MP
# Linked: what every command needs. The libraries only some commands use
# (conntrack and nftables for the cluster, libmicrohttpd for metrics,
# libcrypto for the configuration digest, libedit for the shell) are loaded
# by those commands (util/lazylib.h): compiled against their -dev headers,
# never linked, so a `show` command maps none of them (docs/performance.md).
# libbpf too (util/libbpf_lazy.h): sfw links none of LDLIBS, which the tests
# and benchmarks, calling libbpf themselves, do.
LDLIBS     := -lbpf -lelf -lz

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/bpf/%.bpf.o)
SKELS      := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/skel/%.skel.h)
# The modules (docs/design.md): one static library each, compiled against
# include/, the module itself and the public headers of the modules it may
# use (<m>_DEPS, <m>_PUBLIC, linked into $(BUILD)/pub/<m>/), so including
# another module's private header fails to build. Arrows point down only.
MODULES_ALL := util conf loader ha cli
MODULES    := $(foreach m,$(MODULES_ALL),$(if $(wildcard $(m)/*.c),$(m)))
util_DEPS  :=
util_PUBLIC := err.h lazylib.h libbpf_lazy.h bpf_sys.h clock.h lock_file.h build_id.h name_ranks.h sd_notify.h
conf_DEPS  := util
conf_PUBLIC := attach_record.h conf.h match.h apps.h compile.h candidate.h
loader_DEPS := conf util
loader_PUBLIC := loader.h reap.h ring_read.h sess_counts.h apply.h clock_check.h
ha_DEPS    := loader conf util
ha_PUBLIC  := ha.h
cli_DEPS   := $(filter ha,$(MODULES)) loader conf util
cli_PUBLIC :=
mod_srcs   = $(filter-out cli/main.c,$(shell find $(1) -name '*.c' 2>/dev/null | LC_ALL=C sort))
mod_objs   = $(patsubst %.c,$(BUILD)/obj/%.o,$(call mod_srcs,$(1)))
# A module's own folders (cli/ has one per command family) are its include path.
mod_dirs   = $(shell find $(1) -type d 2>/dev/null | LC_ALL=C sort)
inc_of     = -Iinclude $(addprefix -I,$(call mod_dirs,$(1))) $(foreach d,$($(1)_DEPS),-I$(BUILD)/pub/$(d))
LIB_OF     = $(BUILD)/lib/libsfw_$(1).a
# Link order: a module before what it depends on.
LIBS       := $(foreach m,cli ha loader conf util,$(if $(filter $(m),$(MODULES)),$(call LIB_OF,$(m))))
PUB_LINKS  := $(foreach m,$(MODULES),$(addprefix $(BUILD)/pub/$(m)/,$($(m)_PUBLIC)))
MAIN_OBJ   := $(BUILD)/obj/cli/main.o
# Call cycles already known (files joined by ':'), each to go: the module
# check (scripts/depgraph.py, run by make test) fails on any other.
KNOWN_CYCLES :=
KNOWN_ARGS := $(foreach c,$(KNOWN_CYCLES),--known '$(subst :, ,$(c))')
# Tests, fuzz harnesses and benches see every module's headers: they test
# internals (the module check, scripts/depgraph.py, keeps production apart).
# No skeleton: they reach the programs through the loader (struct sfw_progs);
# benches add their own generators' skeletons (BENCH_INC).
TEST_INC   := -Iinclude $(foreach m,$(MODULES),$(addprefix -I,$(call mod_dirs,$(m)))) -Itests/lib
BENCH_INC  := $(TEST_INC) -I$(BUILD)/skel
TESTLIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/lib/*.c))
# Each test binary links only what it tests: conf_tests the configuration
# language (no libbpf), bpf_tests the datapath through the loader (no
# configuration: the lifecycle does not need it), bpf_conf_tests the BPF
# tests that also commit a configuration (tests/bpf/commit.h) or use the
# CLI's readers (they include a conf/ or cli/ header), unit_tests the rest.
CONFT_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/unit/test_conf_*.c))
UNIT_OBJS  := $(filter-out $(CONFT_OBJS),$(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/unit/*.c)))
UPPER_HDRS := commit.h $(notdir $(wildcard conf/*.h cli/*.h cli/*/*.h))
POLT_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out %.bpf.c,$(shell grep -l -F $(UPPER_HDRS:%=-e '"%"') tests/bpf/*.c)))
BPFT_OBJS  := $(filter-out $(POLT_OBJS),$(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out %.bpf.c,$(wildcard tests/bpf/*.c))))
# BPF programs only tests load (hooks that play another CPU, tests/bpf/*.bpf.c):
# their skeletons live apart (tskel/), so tests still never see sfw's own.
TEST_BPF   := $(wildcard tests/bpf/*.bpf.c)
TEST_SKELS := $(TEST_BPF:tests/bpf/%.bpf.c=$(BUILD)/tskel/%.skel.h)
TEST_BINS  := $(BUILD)/tests/unit_tests $(BUILD)/tests/conf_tests $(BUILD)/tests/bpf_tests \
              $(BUILD)/tests/bpf_conf_tests
BENCH_SRCS := $(filter-out %.bpf.c,$(wildcard bench/*.c))
# benchmarks written in shell (bench/*.sh) run from the tree, on this build
BENCH_SCRIPTS := $(wildcard bench/*.sh)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%) $(BENCH_SCRIPTS:bench/%.sh=$(BUILD)/bench/%)
BENCH_BPF  := $(wildcard bench/*.bpf.c)
BENCH_SKELS := $(BENCH_BPF:bench/%.bpf.c=$(BUILD)/skel/%.skel.h)
# libFuzzer harnesses (tests/fuzz/fuzz_NAME.c, corpus in
# tests/fuzz/corpus/NAME): `make fuzz` runs each for FUZZ_SECONDS; `make
# test` replays every corpus through a replay main, without libFuzzer.
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAYS := $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz/replay_%)
FUZZ_SECONDS ?= 60
# Stress scenarios (docs/reliability.md): C programs and shell scripts.
STRESS_BPF := $(wildcard bench/stress/*.bpf.c)
STRESS_SKELS := $(STRESS_BPF:bench/stress/%.bpf.c=$(BUILD)/skel/%.skel.h)
STRESS_BINS := $(patsubst bench/stress/%.c,$(BUILD)/stress/%,\
                 $(filter-out %.bpf.c,$(wildcard bench/stress/*.c)))

# `sfw --version` and `show version`: the release (VERSION) and the build:
# git describe in a clone of sfw, else SFW_BUILD from the environment
# (debian/rules passes the Debian version), else the release (a tarball).
SFW_VERSION := $(shell cat VERSION)
SFW_BUILD  ?= $(or $(shell [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ] && \
                git describe --always --dirty --abbrev=12 2>/dev/null),$(SFW_VERSION))
VERSION_OBJ := $(BUILD)/obj/cli/core/cmd_version.o

# Installed files (make install DESTDIR=... PREFIX=...). SYSCONFDIR is
# where sfw reads its configuration (conf/conf.h), whatever the PREFIX.
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/sfw
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
MAN_SRCS   := $(wildcard docs/man/*.scd)
MANS       := $(MAN_SRCS:docs/man/%.scd=$(BUILD)/man/%)
COMPLETION := $(BUILD)/sfw.bash-completion

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps check-deps check-modules modules-map test test-conf test-loader test-cli demo demo-ha bench stress install uninstall \
        clean vmlinux man deb version FORCE fuzz fuzz-corpus

all: $(BUILD)/sfw

$(BUILD)/sfw: $(MAIN_OBJ) $(LIBS) | $(BUILD)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^

$(BUILD)/lib/libsfw_%.a:
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^
$(foreach m,$(MODULES),$(eval $(call LIB_OF,$(m)): $(call mod_objs,$(m))))
$(foreach m,$(MODULES),$(eval $(BUILD)/obj/$(m)/%.o: MODFLAGS := $(call inc_of,$(m))))
$(BUILD)/pub/%.h: %.h
	$(Q)mkdir -p $(@D)
	$(Q)ln -sfn $(CURDIR)/$< $@
# Only the loader includes skeletons (progs.c, reap.c): everything else,
# tests included, compiles while clang builds the BPF objects; the .d files
# carry the real dependency.
$(BUILD)/obj/loader/%.o: MODFLAGS += -I$(BUILD)/skel
$(BUILD)/obj/tests/%.o: MODFLAGS := $(TEST_INC) -I$(BUILD)/tskel
$(call mod_objs,loader): | $(SKELS)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(VMLINUX) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/%.bpf.o: bench/%.bpf.c $(VMLINUX) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/%.bpf.o: bench/stress/%.bpf.c $(VMLINUX) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Ibench/stress -c $< -o $@

$(BUILD)/bpf/%.bpf.o: tests/bpf/%.bpf.c $(VMLINUX) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/skel/%.skel.h: $(BUILD)/bpf/%.bpf.o | $(BUILD)/skel
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf,,$*) > $@

$(BUILD)/tskel/%.skel.h: $(BUILD)/bpf/%.bpf.o | $(BUILD)/tskel
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf,,$*) > $@

$(BUILD)/obj/%.o: %.c | $(PUB_LINKS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(MODFLAGS) -c $< -o $@

# -lnetfilter_conntrack: tests/unit/test_ha_codec.c calls it itself.
$(BUILD)/tests/unit_tests: $(UNIT_OBJS) $(TESTLIB_OBJS) $(LIBS) | $(BUILD)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcriterion -lnetfilter_conntrack

# --wrap=strcmp: tests/unit/test_conf_scale.c counts the name comparisons
# the configuration code makes (work, not seconds).
$(BUILD)/tests/conf_tests: $(CONFT_OBJS) $(call LIB_OF,conf) $(call LIB_OF,util) | $(BUILD)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ -lcriterion -Wl,--wrap=strcmp

$(BUILD)/tests/bpf_tests: $(BPFT_OBJS) $(TESTLIB_OBJS) $(call LIB_OF,loader) $(call LIB_OF,util) \
			  | $(BUILD)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

$(BPFT_OBJS) $(POLT_OBJS): | $(TEST_SKELS)

# --wrap=if_nametoindex: tests/bpf/test_zone_follow.c re-creates an
# interface between two look-ups of its name
$(BUILD)/tests/bpf_conf_tests: $(POLT_OBJS) $(TESTLIB_OBJS) $(LIBS) | $(BUILD)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcriterion -Wl,--wrap=if_nametoindex

$(BUILD)/tests/fuzz/replay_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/replay.o \
			      $(LIBS) | $(BUILD)/tests/fuzz
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fuzz/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(LIBS) | $(BUILD)/fuzz
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(TESTLIB_OBJS) $(LIBS) $(SKELS) $(BENCH_SKELS) | $(BUILD)/bench
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(BENCH_INC) -o $@ $< $(TESTLIB_OBJS) $(LIBS) $(LDLIBS)

$(BUILD)/stress/%: bench/stress/%.c $(TESTLIB_OBJS) $(LIBS) $(SKELS) $(STRESS_SKELS) | $(BUILD)/stress
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(BENCH_INC) -Ibench/stress -o $@ $< $(TESTLIB_OBJS) $(LIBS) $(LDLIBS)

$(BUILD)/bench/%: bench/%.sh | $(BUILD)/bench
	$(call msg,GEN,$@)
	$(Q)printf '#!/bin/sh\nSFW=%s exec bash %s "$$@"\n' '$(abspath $(BUILD))/sfw' '$(CURDIR)/$<' >$@
	$(Q)chmod 0755 $@

# Rewritten only when a string changes, so a new commit relinks, nothing more.
$(BUILD)/gen/sfw_version.h: FORCE | $(BUILD)/gen
	$(Q)printf '#define SFW_VERSION "%s"\n#define SFW_BUILD "%s"\n' \
		'$(SFW_VERSION)' '$(SFW_BUILD)' >$@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(VERSION_OBJ): $(BUILD)/gen/sfw_version.h
$(VERSION_OBJ): CFLAGS += -I$(BUILD)/gen

version:
	@echo '$(SFW_VERSION) $(SFW_BUILD)'

# Man pages: scdoc source in docs/man, roff at build time
# (tests/unit/test_manpages.c checks them against the word tree and the
# configuration parser).
man: $(MANS)

$(BUILD)/man/%: docs/man/%.scd VERSION | $(BUILD)/man
	$(call msg,SCDOC,$@)
	$(Q)sed 's/@VERSION@/$(SFW_VERSION)/' $< | scdoc >$@

$(COMPLETION): $(BUILD)/sfw
	$(call msg,GEN,$@)
	$(Q)$(BUILD)/sfw completion bash >$@

$(BUILD) $(BUILD)/bpf $(BUILD)/skel $(BUILD)/tskel $(BUILD)/tests $(BUILD)/bench $(BUILD)/gen $(BUILD)/man \
$(BUILD)/tests/fuzz $(BUILD)/fuzz \
$(BUILD)/stress:
	$(Q)mkdir -p $@

deps:
	$(Q)scripts/deps.sh

# Everything tests, scripts and benches run is installed by deps.sh.
check-deps: deps
	$(Q)/usr/bin/python3 scripts/check-deps.py

# The module map in scripts/depgraph.py's format: what docs/design.md draws.
modmap_line = '$(1): $(1) | deps: $(strip $($(1)_DEPS) include)$(if $($(1)_PUBLIC), | public: $($(1)_PUBLIC))'
MODULES_MAP := $(foreach m,$(MODULES),$(call modmap_line,$(m)))
modules-map:
	@printf '%s\n' 'include: include' 'bpf: bpf | deps: include' $(MODULES_MAP)

# No call or include cycle between files, no module cycle, no production
# file reaching past the map (docs/design.md): over the objects just built.
# And no comment or doc citing what a clone does not have.
CITE_DIRS := README.md bpf include util conf loader ha cli tests bench scripts docs
check-modules: all
	$(Q)$(MAKE) -s --no-print-directory modules-map >$(BUILD)/modules.map
	$(Q)if /usr/bin/python3 scripts/depgraph.py . --check --map $(BUILD)/modules.map \
		--obj $(BUILD)/obj $(KNOWN_ARGS) \
		>$(BUILD)/depgraph.txt; then \
		echo "  CHECK    modules: no new cycle, no map violation ($(BUILD)/depgraph.txt)"; \
	else cat $(BUILD)/depgraph.txt; echo "check-modules: see above"; exit 1; fi
	$(Q)if grep -rnE '\.\./shared|[Ss]eed [0-9]{3}' $(CITE_DIRS); then \
		echo "check-modules: cite docs/ (docs/junos-layouts.md), never a path outside the repository"; \
		exit 1; fi

# The benchmarks are built (not run) by make test, so one that no longer
# compiles fails here rather than on the day someone runs make bench.
test: deps check-deps check-modules all $(TEST_BINS) $(STRESS_BINS) \
      $(BUILD)/stress/next/sfw $(BENCH_BINS)
	$(Q)scripts/run-tests.sh $(BUILD)

# One module's tests alone, built without the rest: test-conf links no
# libbpf and builds no BPF object; test-loader runs the datapath through
# the loader (bpf_tests, without libsfw_conf) and the apply path
# (bpf_conf_tests); test-cli the rest of the unit tests.
test-conf: $(BUILD)/tests/conf_tests
	$(Q)TEST_SUITES=conf scripts/run-tests.sh $(BUILD)
test-loader: $(BUILD)/tests/bpf_tests $(BUILD)/tests/bpf_conf_tests
	$(Q)TEST_SUITES=loader scripts/run-tests.sh $(BUILD)
test-cli: $(BUILD)/tests/unit_tests
	$(Q)TEST_SUITES=cli scripts/run-tests.sh $(BUILD)

# The corpora replayed by run-tests.sh, one test per harness. TEST_SUITES
# (default "unit bpf fuzz e2e stress") picks what run-tests.sh runs.
test: $(FUZZ_REPLAYS)
export TEST_SUITES

# Each harness for FUZZ_SECONDS (default 60) with clang's libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer; new inputs go to
# build-fuzz/corpus, crashes to build-fuzz/crashes (scripts/fuzz.sh).
fuzz: deps
	$(Q)$(MAKE) --no-print-directory SANITIZE=fuzz $(FUZZ_NAMES:%=build-fuzz/fuzz/fuzz_%)
	$(Q)scripts/fuzz.sh run build-fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)

# Merge what `make fuzz` found into the kept corpora: only inputs that add
# coverage (libFuzzer -merge=1), so the corpora stay small.
fuzz-corpus: fuzz
	$(Q)scripts/fuzz.sh merge build-fuzz 0 $(FUZZ_NAMES)

demo: deps all
	$(Q)scripts/demo.sh $(BUILD)

# two nodes, one set of sessions, a failover (docs/ha.md)
demo-ha: deps all
	$(Q)scripts/demo-ha.sh $(BUILD)

bench: deps all $(BENCH_BINS)
	$(Q)scripts/bench.sh $(BUILD)

# The reload scenario's next version: this tree rebuilt in a build
# directory of its own as version VERSION-next, so its programs come from
# another executable.
$(BUILD)/stress/next/sfw: FORCE
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/stress/next SFW_VERSION='$(SFW_VERSION)-next' \
		SFW_BUILD='$(SFW_BUILD)-next' $(BUILD)/stress/next/sfw

# The stress scenarios at full size, one run, figures in build/stress/results.json
# (docs/reliability.md). `make test` runs each at its short size.
stress: deps all $(STRESS_BINS) $(BUILD)/stress/next/sfw
	$(Q)scripts/stress.sh $(BUILD)

# The session daemon's unit, and the one that attaches again at boot.
UNITS := sfw.service sfw-attach.service
INSTALLED_UNITS = $(UNITS:%=$(DESTDIR)$(UNITDIR)/%)
# The units name the binary where this install puts it. The example
# configuration becomes /etc/sfw/sfw.conf only where there is none (it is
# the active configuration: sfw commit writes it), and uninstall removes it
# only while it is still the example.
install: $(BUILD)/sfw $(MANS) $(COMPLETION)
	install -D -m 0755 $(BUILD)/sfw $(DESTDIR)$(SBINDIR)/sfw
	install -D -m 0644 $(BUILD)/man/sfw.8 $(DESTDIR)$(MANDIR)/man8/sfw.8
	install -D -m 0644 $(BUILD)/man/sfw.conf.5 $(DESTDIR)$(MANDIR)/man5/sfw.conf.5
	install -D -m 0644 $(COMPLETION) $(DESTDIR)$(BASHCOMPDIR)/sfw
	install -d $(DESTDIR)$(UNITDIR)
	for u in $(UNITS); do \
		sed -e 's|/usr/local/sbin/sfw|$(SBINDIR)/sfw|g' docs/$$u >$(DESTDIR)$(UNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -D -m 0644 docs/sfw.conf $(DESTDIR)$(DOCDIR)/examples/sfw.conf
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/sfw/sfw.conf ]; then \
		echo "install: $(DESTDIR)$(SYSCONFDIR)/sfw/sfw.conf exists, kept"; \
	else \
		echo "install -D -m 0644 docs/sfw.conf $(DESTDIR)$(SYSCONFDIR)/sfw/sfw.conf"; \
		install -D -m 0644 docs/sfw.conf $(DESTDIR)$(SYSCONFDIR)/sfw/sfw.conf; \
	fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/sfw $(DESTDIR)$(MANDIR)/man8/sfw.8 \
		$(DESTDIR)$(MANDIR)/man5/sfw.conf.5 $(DESTDIR)$(BASHCOMPDIR)/sfw \
		$(INSTALLED_UNITS) $(DESTDIR)$(DOCDIR)/examples/sfw.conf
	rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null || true
	@if cmp -s docs/sfw.conf $(DESTDIR)$(SYSCONFDIR)/sfw/sfw.conf; then \
		echo "rm -f $(DESTDIR)$(SYSCONFDIR)/sfw/sfw.conf"; \
		rm -f $(DESTDIR)$(SYSCONFDIR)/sfw/sfw.conf; \
		rmdir $(DESTDIR)$(SYSCONFDIR)/sfw 2>/dev/null || true; \
	elif [ -e $(DESTDIR)$(SYSCONFDIR)/sfw/sfw.conf ]; then \
		echo "uninstall: $(DESTDIR)$(SYSCONFDIR)/sfw/sfw.conf is a committed configuration, kept"; \
	fi

# The Debian package in $(BUILD)/deb, lintian-clean (scripts/deb.sh).
deb:
	$(Q)scripts/deb.sh $(BUILD)

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX)

clean:
	rm -rf $(BUILD) build-san build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
