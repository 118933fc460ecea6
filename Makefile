# SPDX-License-Identifier: GPL-2.0
#
# scx_reflex - a sched_ext scheduler for games, pinned with bpftool.
#
#   make              build the BPF object and the programs
#   make pin          (root) load, pin and attach the scheduler
#   make unpin        (root) detach it and remove every pin
#   make run          pin it and show it live (in a VM if this kernel
#                     has no sched_ext)
#   make check        run the selftests (host, then VM)
#   make deps         (root) install what is missing (Debian 12)
#   make clean
#
# V=1 shows commands, O=DIR builds out of tree.  See README.md.

VERSION := 0.1

.DEFAULT_GOAL := all
include Kbuild.mk

BPF_OBJ := $(objtree)/bpf/scx_reflex.bpf.o
LOADER := $(objtree)/loader/reflex-loader
TOOLS := $(objtree)/tools/reflex-events $(objtree)/tools/reflex-stats \
	 $(objtree)/tools/reflex-game
BENCH := $(objtree)/bench/ringbuf $(objtree)/bench/input-latency \
	 $(objtree)/bench/game
BENCH_BPF := $(objtree)/bench/ringbuf.bpf.o
PROGS := $(LOADER) $(TOOLS) $(BENCH)

# The pin scripts get every path from here.
PIN_ENV := BPFTOOL="$(BPFTOOL)" BPF_OBJ="$(BPF_OBJ)" LOADER="$(LOADER)"

all: $(BPF_OBJ) $(PROGS) $(BENCH_BPF)

LIB := $(srctree)/lib/json.c $(srctree)/lib/report.c $(srctree)/lib/pins.c

$(LOADER): $(srctree)/loader/loader.c $(LIB)
$(TOOLS): $(objtree)/tools/%: $(srctree)/tools/%.c $(LIB)

$(BENCH): $(objtree)/bench/%: $(srctree)/bench/%.c $(LIB)
$(BENCH): USER_LDLIBS += -lpthread

$(PROGS):
	$(check_libbpf)
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -DREFLEX_VERSION='"$(VERSION)"' -MMD -MP \
		$(filter %.c,$^) -o $@ $(USER_LDLIBS)

pin: all
	$(Q)$(PIN_ENV) $(srctree)/pin/pin.sh

unpin: $(LOADER)
	$(Q)$(PIN_ENV) $(srctree)/pin/unpin.sh

run: all
	$(Q)$(PIN_ENV) $(srctree)/scripts/run

check: all
	$(Q)$(MAKE) -C $(srctree)/selftests run_tests O=$(objtree)

deps:
	$(Q)$(srctree)/scripts/install-deps

clean:
	$(call msg,CLEAN,$(objtree))
	$(Q)rm -f $(BPF_OBJ) $(PROGS) $(VMLINUX_H) \
		$(BENCH_BPF) $(objtree)/bpf/*.d $(objtree)/loader/*.d \
		$(objtree)/tools/*.d $(objtree)/bench/*.d
	$(Q)$(MAKE) -s -C $(srctree)/selftests clean O=$(objtree)

help:
	@sed -n '3,15p' $(srctree)/Makefile | sed 's/^# \{0,1\}//'

.PHONY: all pin unpin run check deps clean help
.DELETE_ON_ERROR:

-include $(BPF_OBJ:.o=.d) $(BENCH_BPF:.o=.d) $(PROGS:=.d)
