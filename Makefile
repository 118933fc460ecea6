# SPDX-License-Identifier: GPL-2.0
#
# scx_reflex - a sched_ext scheduler for games, pinned with bpftool.
#
#   make              build the BPF object and the programs
#   make vmlinux      fetch Debian's sched_ext kernel, for its BTF (a
#                     machine whose kernel has no sched_ext builds with it)
#   make pin          (root) load, pin and attach the scheduler
#   make unpin        (root) detach it and remove every pin
#   make run          pin it and show it live (in a VM if this kernel
#                     has no sched_ext)
#   make check        run the selftests: on this kernel, then in VMs
#   make deps         (root) install what is missing (Debian 12)
#   make man          the tools' manual pages, from Documentation/man/*.rst
#                     (rst2man, python3-docutils); `make doc` too
#   make clean
#
# V=1 shows commands, O=DIR builds out of tree.  See README.md.

.DEFAULT_GOAL := all
include Kbuild.mk

BPF_UNITS := main events input classes topology
BPF_OBJ := $(objtree)/bpf/scx_reflex.bpf.o
LIB := $(objtree)/lib/libreflex.a
LOADER := $(objtree)/loader/reflex-loader
TOOLS := $(addprefix $(objtree)/tools/reflex-,status stats events game tune)
BENCH := $(addprefix $(objtree)/bench/,ringbuf input-latency game \
	 uinput-inject drm-client)
BENCH_BPF := $(objtree)/bench/ringbuf.bpf.o
PROGS := $(LOADER) $(TOOLS) $(BENCH)

LDLIBS_ringbuf := -lpthread
LDLIBS_input-latency := -lpthread
LDLIBS_game := -lpthread
LDLIBS_uinput-inject := -lpthread
LDLIBS_drm-client := -lpthread

all: $(BPF_OBJ) $(PROGS) $(BENCH_BPF)

$(BPF_OBJ): $(BPF_UNITS:%=$(objtree)/bpf/%.bpf.o) FORCE
	$(check_bpf_toolchain)
	$(call if_changed,bpf_link)

# The benchmark's ways of writing an event, with the scheduler's own.
$(BENCH_BPF): $(objtree)/bench/ringbuf_variants.bpf.o \
	      $(objtree)/bpf/events.bpf.o FORCE
	$(call if_changed,bpf_link)

$(LIB): $(patsubst %,$(objtree)/lib/%.o,args json report pins scx) FORCE
	$(call if_changed,ar)

$(PROGS): %: %.o $(LIB) FORCE
	$(check_libbpf)
	$(call if_changed,ld)

# The pin scripts get every path from here.
PIN_ENV := BPFTOOL="$(BPFTOOL)" BPF_OBJ="$(BPF_OBJ)" LOADER="$(LOADER)" \
	   STATUS="$(objtree)/tools/reflex-status"

pin: all
	$(Q)$(PIN_ENV) $(srctree)/pin/pin.sh

unpin: $(LOADER) $(objtree)/tools/reflex-status
	$(Q)$(PIN_ENV) $(srctree)/pin/unpin.sh

# Debian's newest sched_ext kernel, fetched and cached by the VM harness;
# $(objtree)/vmlinux points at its vmlinux, whose BTF the build then uses.
vmlinux:
	$(Q)kdir=$$($(srctree)/vm/fetch-kernel newest) && \
		ln -sfn "$${kdir%/root/*}/vmlinux" $(objtree)/vmlinux && \
		echo "  LN        vmlinux -> $${kdir%/root/*}/vmlinux"

# `make run` and `make check` boot that kernel anyway where this one has no
# sched_ext, so they fetch it first if the build has no other BTF.
no-btf = $(if $(vmlinux_btf),,y)

run:
	$(if $(no-btf),$(Q)$(MAKE) --no-print-directory vmlinux)
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(PIN_ENV) $(srctree)/scripts/run

check:
	$(if $(no-btf),$(Q)$(MAKE) --no-print-directory vmlinux)
	$(Q)$(MAKE) --no-print-directory -C $(srctree)/selftests check O=$(objtree)

deps:
	$(Q)$(srctree)/scripts/install-deps

# The tools' manual pages, as bpftool's are made: rst2man, at build time
# only, and only for these targets; plain `make` does not need it.
MAN_RST := $(wildcard $(srctree)/Documentation/man/*.rst)
MAN_PAGES := $(patsubst $(srctree)/Documentation/man/%.rst,\
	       $(objtree)/Documentation/man/%.8,$(MAN_RST))

$(objtree)/Documentation/man/%.8: $(srctree)/Documentation/man/%.rst FORCE
	$(check_rst2man)
	$(call if_changed,rst2man)

man: $(MAN_PAGES)
doc: man

clean:
	@printf '  %-9s %s\n' CLEAN "$(objtree)"
	$(Q)rm -f $(BPF_OBJ) $(BENCH_BPF) $(PROGS) $(LIB) $(VMLINUX_H) \
		$(MAN_PAGES)
	$(Q)find $(objtree)/bpf $(objtree)/bench $(objtree)/lib \
		$(objtree)/loader $(objtree)/tools \
		$(objtree)/Documentation/man -maxdepth 1 \
		\( -name '*.o' -o -name '.*.cmd' -o -name '.*.d' \) \
		-delete 2>/dev/null || true
	$(Q)$(MAKE) -s -C $(srctree)/selftests clean O=$(objtree)

help:
	@sed -n '3,19p' $(srctree)/Makefile | sed 's/^# \{0,1\}//'

PHONY += all pin unpin vmlinux run check deps man doc clean help
.PHONY: $(PHONY)
