# xdpcount: one static musl binary with both BPF byte orders embedded.
#   make                 build build/xdpcount for this machine (installs the toolchain, builds deps)
#   make ARCH=aarch64    cross-build build/aarch64/xdpcount
#   make run [IFACE=x] [ARGS='-c 3']
#                        build and count on the default-route interface (or IFACE),
#                        passing ARGS to xdpcount
#   make test-fresh [SUITE=trixie]
#                        the README's set-up in a clean debootstrap root (slow)
#   make test            unit + integration + cross (qemu-user) + real kernels (qemu-system)
#   make bench           figures and ratios against baselines measured in the same run
#   make san             ASan+UBSan build (glibc) in build/san; run by make test
#   make fuzz            libFuzzer targets over every parser of outside input (not in make test)
#   make stress          kill -9 / restart cycles and a 10-minute run (not in make test)
#   make dist            release tarballs, .deb and .rpm packages, the multi-arch
#                        image (OCI layout), SHA256SUMS and SBOM in dist/out/
#   make install [PREFIX=/usr/local] [DESTDIR=]
#                        binary, man page, bash completion, systemd unit and
#                        drop-in examples; make uninstall removes them
# V=1 shows full commands.

.DELETE_ON_ERROR:
.SUFFIXES:

HOST_ARCH := $(shell uname -m)
ARCH ?= $(HOST_ARCH)
BUILD := build/$(ARCH)
BPFBUILD := build/bpf
SAN := build/san
FUZZ := build/fuzz

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2)
endif

# Everything computed here, while make parses, may use only what a bare Debian
# has (bash, coreutils, git for the version): the toolchain step installs the
# compilers later in the same run. ci/deps.sh --print-* needs only coreutils.
DEPS := $(shell ci/deps.sh --print-prefix $(ARCH) 2>/dev/null)
CC := $(shell ci/deps.sh --print-cc $(ARCH) 2>/dev/null)
ifeq ($(DEPS),)
$(error cannot compute the deps prefix for ARCH=$(ARCH): run 'ci/deps.sh --print-prefix $(ARCH)' to see why)
endif
ifeq ($(CC),)
$(error no musl compiler known for ARCH=$(ARCH): run 'ci/deps.sh --print-cc $(ARCH)' to see why)
endif
CLANG ?= clang
LLVM_STRIP ?= llvm-strip

# From git in a checkout; from the VERSION file in a source tarball (even one
# unpacked inside another git checkout).
# dist/version.sh is the one source (its header says the form).
VERSION ?= $(shell dist/version.sh --dirty)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

# CFLAGS and LDFLAGS are the user's (make CFLAGS=-O0 ...); the project's own
# flags live in ALL_CFLAGS/ALL_LDFLAGS and are always there. HOUSE_CFLAGS are
# the ones every build shares (this one, the sanitizer's, the fuzzers'); each
# adds where its libbpf headers are and its own code generation.
CFLAGS ?= -O2 -g0
HOUSE_CFLAGS = -std=gnu11 -Wall -Wextra -Werror=implicit-function-declaration -Wno-unused-parameter \
	-MMD -MP -I. -I$(BUILD)/gen -idirafter $(DEPS)/uapi \
	-DXDPCOUNT_VERSION='"$(VERSION)"' -DXDPCOUNT_ARCH='"$(ARCH)"'
ALL_CFLAGS := $(HOUSE_CFLAGS) -I$(DEPS)/include \
	-ffunction-sections -fdata-sections -ffile-prefix-map=$(CURDIR)=. $(CFLAGS)
ALL_LDFLAGS := -static -Wl,--gc-sections $(LDFLAGS)
LDLIBS := -L$(DEPS)/lib -lbpf -lelf -lz

SRCDIRS := log probe plan btf loader selftest report metrics run cli
SRCS := $(sort $(wildcard $(addsuffix /*.c,$(SRCDIRS))))
OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(SRCS)) $(BUILD)/obj/loader/embed.o
LIBOBJS := $(filter-out $(BUILD)/obj/cli/main.o,$(OBJS))

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
TOOL_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))

# BPF objects do not depend on ARCH: one pair serves every binary.
BPF_OBJS := $(BPFBUILD)/counter.bpfel.o $(BPFBUILD)/counter.bpfeb.o
# libxdp's dispatcher protocol, versions 2 and 3, each in both byte orders.
DISP_OBJS := $(foreach v,2 3,$(foreach o,bpfel bpfeb,$(BPFBUILD)/dispatcher$(v).$(o).o))
# libbpf's headers, and the kernel UAPI (linux/, asm/, asm-generic/) that
# ci/deps.sh copies into the prefix: no compiler is asked at parse time.
BPF_INC := -I$(DEPS)/include -idirafter $(DEPS)/uapi

.PHONY: all toolchain deps bpf unit tools test test-unit test-integration \
	test-deploy test-cross test-kernels test-fresh bench dist run clean san test-san fuzz stress \
	man install uninstall

all: $(BUILD)/xdpcount

ifeq ($(ARCH),$(HOST_ARCH))
all: build/xdpcount
build/xdpcount: $(BUILD)/xdpcount
	$(Q)cp $< $@
endif

toolchain:
	$(Q)ci/toolchain.sh $(if $(filter-out $(HOST_ARCH),$(ARCH)),$(ARCH))

# The deps live in a shared cache: never let .DELETE_ON_ERROR remove them.
.PRECIOUS: $(DEPS)/lib/libbpf.a
$(DEPS)/lib/libbpf.a: | toolchain
	$(Q)ci/deps.sh $(ARCH) >/dev/null

deps: $(DEPS)/lib/libbpf.a

$(BPFBUILD)/counter.%.o: bpf/counter.bpf.c bpf/count.h bpf/stats.h $(DEPS)/lib/libbpf.a
	$(call msg,BPF,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) -target $* -O2 -g -Wall -ffile-prefix-map=$(CURDIR)=. $(BPF_INC) -c $< -o $@.tmp
	$(Q)$(LLVM_STRIP) -g $@.tmp -o $@ && rm -f $@.tmp

# BTF stays (only DWARF goes): freplace needs each slot's function BTF.
$(BPFBUILD)/dispatcher%.o: bpf/dispatcher.bpf.c bpf/dispatcher.h $(DEPS)/lib/libbpf.a
	$(call msg,BPF,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) -target $(word 2,$(subst ., ,$*)) -DXDPC_DISP_VERSION=$(word 1,$(subst ., ,$*)) \
		-O2 -g -Wall -ffile-prefix-map=$(CURDIR)=. $(BPF_INC) -c $< -o $@.tmp
	$(Q)$(LLVM_STRIP) -g $@.tmp -o $@ && rm -f $@.tmp

bpf: $(BPF_OBJS) $(DISP_OBJS)

# The bench's own BPF programs (tests/bench/*.bpf.c), host byte order only.
BENCH_BPF := $(BPFBUILD)/bench.o $(BPFBUILD)/tutorial.o $(BPFBUILD)/startup.o
$(BPFBUILD)/%.o: tests/bench/%.bpf.c $(DEPS)/lib/libbpf.a
	$(call msg,BPF,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) -target bpf -O2 -g -Wall -DBENCH_ARCH_$(HOST_ARCH) \
		-ffile-prefix-map=$(CURDIR)=. $(BPF_INC) -c $< -o $@

# sha256 of each embedded object (the counter's and the dispatchers'), for
# --version and `objects`. Like every generated file, it depends on what
# writes it: an edit of the script rebuilds it.
$(BUILD)/gen/objects_sha256.h: ci/objects_sha256.sh $(BPF_OBJS) $(DISP_OBJS)
	@mkdir -p $(@D)
	$(Q)ci/objects_sha256.sh $(BPFBUILD) > $@.tmp
	$(Q)mv $@.tmp $@

# Both BPF objects in one object file, for this build and the sanitizer's
# (each with its own compiler: EMBED_CC).
$(BUILD)/obj/loader/embed.o: EMBED_CC = $(CC)
$(BUILD)/obj/loader/embed.o $(SAN)/obj/loader/embed.o: loader/embed.S $(BPF_OBJS) $(DISP_OBJS)
	$(call msg,AS,$@)
	@mkdir -p $(@D)
	$(Q)$(EMBED_CC) -c -I$(BPFBUILD) -DOBJ_LITTLE='"$(BPFBUILD)/counter.bpfel.o"' \
		-DOBJ_BIG='"$(BPFBUILD)/counter.bpfeb.o"' $< -o $@

$(BUILD)/obj/%.o: %.c $(DEPS)/lib/libbpf.a
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# Only the object that reports the embedded objects' checksums needs them.
$(BUILD)/obj/loader/objects.o: $(BUILD)/gen/objects_sha256.h

# The version (git describe) is compiled into identity.c only: a stamp that
# changes only when the version does makes a new commit rebuild it.
$(BUILD)/gen/version: FORCE
	@mkdir -p $(@D)
	@echo '$(VERSION)' > $@.tmp && { cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@; }
$(BUILD)/obj/report/identity.o: $(BUILD)/gen/version

$(BUILD)/xdpcount: $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS) -o $@
	$(Q)$(LLVM_STRIP) --strip-all $@

# The unit tests and the test tools, each one .c linked against everything
# but main. Dependency files of test binaries are hidden, so `unit/test_*`
# globs only binaries.
$(UNIT_BINS) $(TOOL_BINS): $(BUILD)/%: tests/%.c $(LIBOBJS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -MF $(@D)/.$(@F).d $(ALL_LDFLAGS) $< $(LIBOBJS) $(LDLIBS) -o $@

unit: $(UNIT_BINS)
tools: $(TOOL_BINS)

test-unit: unit
	$(Q)tests/run-unit.sh $(UNIT_BINS)

test-integration: all tools
	$(Q)tests/integration/run.sh build/xdpcount

test: all unit tools san
	$(Q)tests/run.sh

test-deploy: all tools
	$(Q)tests/deploy/run.sh build/xdpcount

test-cross:
	$(Q)tests/cross/run.sh

test-kernels:
	$(Q)tests/kernels/run.sh

dist:
	$(Q)dist/build.sh

bench: all tools $(BENCH_BPF)
	$(Q)tests/bench/run.sh

# make run IFACE=veth0 ARGS='-c 3 -j': options for xdpcount go in ARGS.
run: all
	$(Q)build/xdpcount $(ARGS) $(IFACE)

# The README's set-up in a clean debootstrap root filesystem (slow; not in
# make test). SUITE=bookworm (default) or trixie.
test-fresh:
	$(Q)tests/fresh/run.sh $(SUITE)

# ASan+UBSan (glibc: ASan does not work with static musl) against the pinned
# libbpf built the same way by ci/sanitize.sh. Host arch only. -O0: at -O1
# clang misses a use after scope (the one test_opts.c had).
SAN_FLAGS := -fsanitize=address,undefined -fsanitize-address-use-after-scope -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -g -O0
SAN_PREFIX := $(shell ci/sanitize.sh --print-prefix 2>/dev/null)
SAN_CFLAGS = $(HOUSE_CFLAGS) -Wno-sign-compare -I$(SAN_PREFIX)/include $(SAN_FLAGS)
SAN_LIBS = -L$(SAN_PREFIX)/lib -l:libbpf.a -lelf -lz
SAN_OBJS := $(patsubst %.c,$(SAN)/obj/%.o,$(SRCS)) $(SAN)/obj/loader/embed.o
SAN_LIBOBJS := $(filter-out $(SAN)/obj/cli/main.o,$(SAN_OBJS))
SAN_UNIT := $(patsubst tests/unit/%.c,$(SAN)/unit/%,$(UNIT_SRCS))

$(SAN)/.libbpf: ci/sanitize.sh deps.lock
	$(Q)ci/sanitize.sh >/dev/null
	@mkdir -p $(@D) && touch $@
$(SAN)/obj/%.o: %.c $(SAN)/.libbpf | $(BUILD)/gen/objects_sha256.h
	$(call msg,SAN-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(SAN_CFLAGS) -c $< -o $@
$(SAN)/obj/report/identity.o: $(BUILD)/gen/version
$(SAN)/obj/loader/embed.o: EMBED_CC = $(CLANG)
$(SAN)/xdpcount: $(SAN_OBJS)
	$(call msg,SAN-LD,$@)
	$(Q)$(CLANG) $(SAN_FLAGS) $^ $(SAN_LIBS) -o $@
$(SAN)/unit/%: tests/unit/%.c $(SAN_LIBOBJS)
	$(call msg,SAN-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(SAN_CFLAGS) -MF $(@D)/.$(@F).d $< $(SAN_LIBOBJS) $(SAN_LIBS) -o $@
san: $(SAN)/xdpcount $(SAN_UNIT)
test-san: san tools
	$(Q)tests/san/run.sh

# libFuzzer (clang) targets over every parser of outside input, with ASan and
# UBSan; seeds in tests/fuzz/corpus/TARGET (the regression inputs too).
# make fuzz [FUZZ_SECONDS=100 per target]. Not in make test.
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -g -O1
FUZZ_OBJS := $(patsubst %.c,$(FUZZ)/obj/%.o,$(filter-out cli/main.c,$(SRCS)))
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(FUZZ)/%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
$(FUZZ)/obj/%.o: %.c $(SAN)/.libbpf | $(BUILD)/gen/objects_sha256.h
	$(call msg,FUZZ-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(SAN_CFLAGS:-O0=) $(FUZZ_FLAGS) -c $< -o $@
$(FUZZ)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) $(SAN)/obj/loader/embed.o
	$(call msg,FUZZ-LD,$@)
	$(Q)$(CLANG) $(SAN_CFLAGS:-O0=) $(FUZZ_FLAGS) -MF $(@D)/.$(@F).d -fsanitize=fuzzer $^ \
		$(SAN_LIBS) -o $@
.SECONDARY: $(FUZZ_OBJS)
fuzz: $(FUZZ_TARGETS)
	$(Q)tests/fuzz/run.sh $(FUZZ_TARGETS)

# make stress [LINK_CYCLES=1000 NETLINK_CYCLES=200 TERM_KILL_CYCLES=100 EARLY_KILL_CYCLES=100
#   DELETE_CYCLES=100 STEADY_MINUTES=10 BLOCKED_SECONDS=60]: not in make test.
stress: all tools
	$(Q)tests/stress/run.sh

# ---- install, the way packagers expect (DESTDIR staging, PREFIX layout)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
DOCDIR ?= $(PREFIX)/share/doc/xdpcount
INSTALLED := $(BINDIR)/xdpcount $(MANDIR)/man8/xdpcount.8 $(BASHCOMPDIR)/xdpcount \
	$(UNITDIR)/xdpcount@.service $(UNITDIR)/xdpcount.service $(DOCDIR)/systemd/metrics.conf \
	$(DOCDIR)/systemd/textfile.conf $(DOCDIR)/systemd/strict.conf

# The man page with its date (SOURCE_DATE_EPOCH) and version.
build/xdpcount.8: dist/xdpcount.8 dist/man.sh FORCE
	@mkdir -p $(@D)
	$(Q)dist/man.sh $< '$(VERSION)' '$(SOURCE_DATE_EPOCH)' > $@

man: build/xdpcount.8
FORCE:

install: all build/xdpcount.8
	install -D -m 755 build/xdpcount $(DESTDIR)$(BINDIR)/xdpcount
	install -D -m 644 build/xdpcount.8 $(DESTDIR)$(MANDIR)/man8/xdpcount.8
	install -D -m 644 dist/xdpcount.bash-completion $(DESTDIR)$(BASHCOMPDIR)/xdpcount
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/bin/xdpcount|$(BINDIR)/xdpcount|g' dist/xdpcount@.service \
		> $(DESTDIR)$(UNITDIR)/xdpcount@.service
	chmod 644 $(DESTDIR)$(UNITDIR)/xdpcount@.service
	sed 's|/usr/local/bin/xdpcount|$(BINDIR)/xdpcount|g' dist/xdpcount.service \
		> $(DESTDIR)$(UNITDIR)/xdpcount.service
	chmod 644 $(DESTDIR)$(UNITDIR)/xdpcount.service
	@mkdir -p $(DESTDIR)$(DOCDIR)/systemd
	for f in metrics.conf textfile.conf strict.conf; do \
		sed 's|/usr/local/bin/xdpcount|$(BINDIR)/xdpcount|g' dist/systemd/$$f \
			> $(DESTDIR)$(DOCDIR)/systemd/$$f && chmod 644 $(DESTDIR)$(DOCDIR)/systemd/$$f; \
	done

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DOCDIR)/systemd $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf build dist/out

-include $(OBJS:.o=.d) $(wildcard $(BUILD)/unit/.*.d $(BUILD)/tools/.*.d) \
	$(wildcard $(SAN)/obj/*/*.d $(SAN)/unit/.*.d $(FUZZ)/obj/*/*.d $(FUZZ)/.*.d)
