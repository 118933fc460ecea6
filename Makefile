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
#   make install      install it (PREFIX=/usr/local, DESTDIR; see below),
#                     with scx_reflex(8) and scx_reflex.service
#   make uninstall    remove every file make install installed
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
TOOLS := $(addprefix $(objtree)/tools/reflex-,status stats events game tune gamed)
BENCH := $(addprefix $(objtree)/bench/,ringbuf input-latency game \
	 uinput-inject drm-client vcpu-gaps)
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

$(LIB): $(patsubst %,$(objtree)/lib/%.o,args json report pins scx proc gamesock) FORCE
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

# Installed: the commands in sbindir (the pins are root's) but reflex-game
# in bindir; the BPF object, the loader and the pin scripts in
# $(LIBDIR)/scx_reflex, laid out as in the tree, so that the pin scripts
# find them as they do here; the unit; the documentation.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
DATADIR ?= $(PREFIX)/share
DOCDIR ?= $(DATADIR)/doc/scx_reflex
MANDIR ?= $(DATADIR)/man
COMPLETIONDIR ?= $(DATADIR)/bash-completion/completions
UNITDIR ?= $(LIBDIR)/systemd/system
PKGLIBDIR := $(LIBDIR)/scx_reflex

INST_SBIN := $(addprefix $(objtree)/tools/reflex-,status stats events tune gamed)
INST_BIN := $(objtree)/tools/reflex-game
INST_PKGLIB := bpf/scx_reflex.bpf.o loader/reflex-loader
INST_PKGLIB_SRC := pin/lib.sh pin/pin.sh pin/unpin.sh include/reflex/abi.h
INST_DOC := README.md $(patsubst $(srctree)/%,%,$(wildcard $(srctree)/Documentation/*.rst))
INST_UNITS := scx_reflex.service scx_reflex-game.socket scx_reflex-game.service
# bash-completion loads a command's completion from a file of its name.
INST_COMPLETE := scx_reflex reflex-status reflex-stats reflex-events \
	reflex-game reflex-tune
# Every installed file, for uninstall.
INSTALLED := $(SBINDIR)/scx_reflex $(INST_SBIN:$(objtree)/tools/%=$(SBINDIR)/%) \
	$(BINDIR)/reflex-game $(addprefix $(PKGLIBDIR)/,$(INST_PKGLIB) $(INST_PKGLIB_SRC)) \
	$(addprefix $(UNITDIR)/,$(INST_UNITS)) $(addprefix $(DOCDIR)/,$(notdir $(INST_DOC))) \
	$(addprefix $(MANDIR)/man8/,$(notdir $(MAN_PAGES))) \
	$(addprefix $(COMPLETIONDIR)/,$(INST_COMPLETE))
subst_paths = sed -e 's|@LIBDIR@|$(PKGLIBDIR)|g' -e 's|@SBINDIR@|$(SBINDIR)|g' \
	-e 's|@VERSION@|$(VERSION)|g'

# The manual pages need rst2man (python3-docutils): without it they are
# left out, saying so.
install: all $(if $(RST2MAN),man)
	@printf '  %-9s %s\n' INSTALL "$(DESTDIR)$(PREFIX)"
	$(Q)install -d $(addprefix $(DESTDIR),$(BINDIR) $(SBINDIR) $(UNITDIR) $(DOCDIR) \
		$(MANDIR)/man8 $(COMPLETIONDIR) \
		$(PKGLIBDIR)/bpf $(PKGLIBDIR)/loader $(PKGLIBDIR)/pin $(PKGLIBDIR)/include/reflex)
	$(Q)install -m 0755 $(INST_SBIN) $(DESTDIR)$(SBINDIR)/
	$(Q)install -m 0755 $(INST_BIN) $(DESTDIR)$(BINDIR)/
	$(Q)$(subst_paths) $(srctree)/pin/scx_reflex > $(DESTDIR)$(SBINDIR)/scx_reflex
	$(Q)chmod 0755 $(DESTDIR)$(SBINDIR)/scx_reflex
	$(Q)install -m 0644 $(objtree)/bpf/scx_reflex.bpf.o $(DESTDIR)$(PKGLIBDIR)/bpf/
	$(Q)install -m 0755 $(objtree)/loader/reflex-loader $(DESTDIR)$(PKGLIBDIR)/loader/
	$(Q)install -m 0755 $(srctree)/pin/pin.sh $(srctree)/pin/unpin.sh $(DESTDIR)$(PKGLIBDIR)/pin/
	$(Q)install -m 0644 $(srctree)/pin/lib.sh $(DESTDIR)$(PKGLIBDIR)/pin/
	$(Q)install -m 0644 $(srctree)/include/reflex/abi.h $(DESTDIR)$(PKGLIBDIR)/include/reflex/
	$(Q)for u in $(INST_UNITS); do \
		$(subst_paths) $(srctree)/pin/$$u > $(DESTDIR)$(UNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	$(Q)install -m 0644 $(addprefix $(srctree)/,$(INST_DOC)) $(DESTDIR)$(DOCDIR)/
	$(if $(RST2MAN),$(Q)install -m 0644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man8/,\
		@echo "scx_reflex: no rst2man: manual pages not installed (install python3-docutils)")
	$(Q)install -m 0644 $(srctree)/completion/reflex $(DESTDIR)$(COMPLETIONDIR)/scx_reflex
	$(Q)for c in $(filter-out scx_reflex,$(INST_COMPLETE)); do \
		ln -sf scx_reflex $(DESTDIR)$(COMPLETIONDIR)/$$c || exit 1; \
	done

# Only what install put there, and then the directories of its own if
# they are empty.
uninstall:
	@printf '  %-9s %s\n' UNINSTALL "$(DESTDIR)$(PREFIX)"
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	$(Q)for d in $(PKGLIBDIR)/include/reflex $(PKGLIBDIR)/include $(PKGLIBDIR)/bpf \
		$(PKGLIBDIR)/loader $(PKGLIBDIR)/pin $(PKGLIBDIR) $(DOCDIR); do \
		[ ! -d "$(DESTDIR)$$d" ] || rmdir "$(DESTDIR)$$d" || exit 1; \
	done

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
	@sed -n '3,22p' $(srctree)/Makefile | sed 's/^# \{0,1\}//'

PHONY += all pin unpin vmlinux run check deps man doc install uninstall clean help
.PHONY: $(PHONY)
