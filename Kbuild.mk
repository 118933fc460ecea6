# SPDX-License-Identifier: GPL-2.0
#
# Kbuild.mk - toolchain, flags and build rules shared by every Makefile of
# scx_reflex.  Included, never run on its own.
#
#   make V=1            print the full commands
#   make O=DIR          build into DIR instead of the source tree
#   make VMLINUX_BTF=F  take kernel types from F (a vmlinux or raw BTF)
#   make CLANG=... BPFTOOL=... PKG_CONFIG=... CC=...
#
# As in the kernel's Kbuild, every command that builds a target is kept
# beside it in .<target>.cmd, and a target is built again when its command
# changes (other flags, another compiler), not only when a prerequisite is
# newer.

srctree := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

ifeq ("$(origin O)", "command line")
objtree := $(abspath $(O))
else
objtree := $(srctree)
endif

# Quiet by default: "  CC      loader/reflex-loader".  V=1 shows commands.
ifeq ("$(origin V)", "command line")
KBUILD_VERBOSE := $(V)
endif
ifeq ($(KBUILD_VERBOSE),1)
Q :=
else
Q := @
endif

# ---- toolchain ---------------------------------------------------------------
# Looked up when first used, not when make starts, so that `make deps all`
# builds with what `deps` just installed.
# clang >= 16 for BPF (BTF tags, -mcpu=v3); the newest Debian package first.
CLANG ?= $(firstword $(foreach c,clang-19 clang-18 clang-17 clang-16 clang,\
		$(if $(shell command -v $(c) 2>/dev/null),$(c))))
BPFTOOL ?= $(firstword $(shell command -v bpftool /usr/sbin/bpftool 2>/dev/null))
PKG_CONFIG ?= pkg-config
AR ?= ar
# Only for `make man`: Debian's python3-docutils has rst2man, pip's rst2man.py.
RST2MAN ?= $(firstword $(shell command -v rst2man rst2man.py 2>/dev/null))

clang_major = $(shell $(CLANG) -dumpversion 2>/dev/null | cut -d. -f1)
need = $(error scx_reflex: $(1); run 'sudo scripts/install-deps' (see README.md))

define check_bpf_toolchain
$(if $(CLANG),,$(call need,no clang found (clang 16 or newer is needed)))
$(if $(filter 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15,$(clang_major)),\
	$(call need,$(CLANG) is version $(clang_major); clang 16 or newer is needed))
$(if $(BPFTOOL),,$(call need,bpftool not found))
endef

define check_rst2man
$(if $(RST2MAN),,$(error scx_reflex: rst2man not found: the manual pages need it; install python3-docutils (sudo apt-get install python3-docutils)))
endef

LIBBPF_CFLAGS = $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LIBBPF_LIBS = $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null)
define check_libbpf
$(if $(shell $(PKG_CONFIG) --exists libbpf && echo y),,\
	$(call need,libbpf not found by $(PKG_CONFIG) (libbpf-dev)))
endef

# The input hook reads x86's preempt_count layout (bpf/reflex.bpf.h), and
# the kernels the tests boot are Debian's amd64 ones.
ifneq ($(shell uname -m),x86_64)
$(error scx_reflex: this is $(shell uname -m); scx_reflex builds for x86-64 only (see README.md, Requirements))
endif

# ---- flags ------------------------------------------------------------------
# -fms-extensions: 7.x vmlinux.h embeds anonymous structs by tag, which clang
# otherwise drops without a word.
BPF_CFLAGS = -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 \
	-Wall -Werror -fms-extensions -Wno-microsoft-anon-tag \
	-I$(objtree)/bpf -I$(srctree)/bpf -I$(srctree)/include $(LIBBPF_CFLAGS)

# What every program prints for -V.
VERSION := 0.1

USER_CFLAGS = -O2 -g -Wall -Wextra -Werror -std=gnu11 \
	-DREFLEX_VERSION='"$(VERSION)"' \
	-I$(srctree)/include -I$(srctree)/lib $(LIBBPF_CFLAGS) $(EXTRA_CFLAGS)
USER_LDLIBS = $(LIBBPF_LIBS)

# ---- commands: rebuilt when they change -------------------------------------
#
# A rule runs $(call if_changed,NAME): the command is cmd_NAME, and
# quiet_cmd_NAME is the one line printed for it without V=1.  The command
# that last built a target is saved in .<target>.cmd; the rule runs again
# when a prerequisite is newer than the target or when today's command is
# not the saved one.  Rules using it depend on FORCE; phony prerequisites
# do not count as newer.

cmd-file = $(dir $@).$(notdir $@).cmd
squote := '
shell-quote = '$(subst $(squote),'\$(squote)',$(1))'
# $(call same,A,B): non-empty when the two strings are equal
same = $(and $(findstring x$(1),x$(2)),$(findstring x$(2),x$(1)))
cmd-changed = $(if $(call same,$(strip $(cmd_$(1))),$(strip $(file <$(cmd-file)))),,y)

ifeq ($(KBUILD_VERBOSE),1)
show-cmd = printf '%s\n' $(call shell-quote,$(cmd_$(1)));
else
show-cmd = $(if $(quiet_cmd_$(1)),printf '  %-9s %s\n' $(quiet_cmd_$(1));)
endif

if_changed = $(if $(filter-out $(PHONY),$?)$(cmd-changed),		\
	@set -e; mkdir -p $(dir $@);					\
	$(show-cmd)							\
	$(cmd_$(1));							\
	printf '%s\n' $(call shell-quote,$(cmd_$(1))) > $(cmd-file),	\
	@:)

# The name a target is printed with: relative to the build tree.
pretty = $(patsubst $(objtree)/%,%,$@)

quiet_cmd_cc_o = CC $(pretty)
      cmd_cc_o = $(CC) $(USER_CFLAGS) -MMD -MP -MF $(dir $@).$(notdir $@).d \
		 -c $< -o $@

quiet_cmd_ld = LD $(pretty)
      cmd_ld = $(CC) $(USER_CFLAGS) $(filter %.o %.a,$^) -o $@ $(USER_LDLIBS) \
	       $(LDLIBS_$(notdir $@))

quiet_cmd_ar = AR $(pretty)
      cmd_ar = rm -f $@; $(AR) rcs $@ $(filter %.o,$^)

quiet_cmd_clang_bpf = CLANG-BPF $(pretty)
      cmd_clang_bpf = $(CLANG) $(BPF_CFLAGS) -I$(dir $<) -MMD -MP \
		      -MF $(dir $@).$(notdir $@).d -c $< -o $@

# Warnings are errors here too: a page that rst2man has doubts about is
# not installed.
quiet_cmd_rst2man = MAN $(pretty)
      cmd_rst2man = $(RST2MAN) --halt=warning --strip-comments $< > $@.tmp || \
		    { rm -f $@.tmp; exit 1; }; mv $@.tmp $@

# Several BPF units become one object, as libbpf's static linker does it.
quiet_cmd_bpf_link = GEN-OBJ $(pretty)
      cmd_bpf_link = $(BPFTOOL) gen object $@ $(filter %.bpf.o,$^)

# ---- vmlinux.h ----------------------------------------------------------------
#
# Kernel types come from the first BTF that describes struct sched_ext_ops:
# VMLINUX_BTF if given, else $(objtree)/vmlinux (`make vmlinux` puts
# Debian's sched_ext kernel there), else the running kernel's.  Nothing is
# downloaded unless asked for.  Generated, never committed; rewritten only
# when its contents change, so that a new BTF with the same types rebuilds
# nothing.
VMLINUX_H := $(objtree)/bpf/vmlinux.h
has_scx = $(if $(1),$(shell $(BPFTOOL) btf dump file $(1) format raw 2>/dev/null | \
		grep -q "STRUCT 'sched_ext_ops'" && echo y))
find_btf = $(if $(VMLINUX_BTF),$(VMLINUX_BTF),$(firstword \
	$(foreach f,$(wildcard $(objtree)/vmlinux) /sys/kernel/btf/vmlinux,\
		$(if $(call has_scx,$(f)),$(f)))))
# Looked for once, when first needed.
vmlinux_btf = $(eval vmlinux_btf := $(find_btf))$(vmlinux_btf)

define no_btf_msg
scx_reflex: no kernel BTF with sched_ext to build against: VMLINUX_BTF is \
not set, there is no $(objtree)/vmlinux, and this kernel's \
/sys/kernel/btf/vmlinux ($(shell uname -r)) does not describe sched_ext; \
run 'make vmlinux' to fetch Debian's sched_ext kernel (about 100 MB, \
cached), or 'make VMLINUX_BTF=/path/to/vmlinux'
endef

quiet_cmd_vmlinux_h = GEN $(pretty)
      cmd_vmlinux_h = $(BPFTOOL) btf dump file $(vmlinux_btf) format c > $@.tmp; \
		      if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

.SECONDEXPANSION:
$(VMLINUX_H): $$(wildcard $$(vmlinux_btf)) FORCE
	$(check_bpf_toolchain)
	$(if $(VMLINUX_BTF),$(if $(wildcard $(VMLINUX_BTF)),$(if $(call has_scx,$(VMLINUX_BTF)),,\
		@echo "scx_reflex: VMLINUX_BTF=$(VMLINUX_BTF) has no struct sched_ext_ops: not the BTF of a sched_ext kernel" >&2; exit 1),\
		@echo "scx_reflex: VMLINUX_BTF=$(VMLINUX_BTF) does not exist" >&2; exit 1))
	$(if $(vmlinux_btf),,@echo "$(strip $(no_btf_msg))" >&2; exit 1)
	$(call if_changed,vmlinux_h)

# ---- pattern rules ------------------------------------------------------------
$(objtree)/%.bpf.o: $(srctree)/%.bpf.c $(VMLINUX_H) FORCE
	$(check_bpf_toolchain)
	$(call if_changed,clang_bpf)

$(objtree)/%.o: $(srctree)/%.c FORCE
	$(check_libbpf)
	$(call if_changed,cc_o)

# The including Makefile ends with `.PHONY: $(PHONY)`, once it has added
# its own targets (a prerequisite list is expanded when it is read).
PHONY += FORCE
FORCE:

.DELETE_ON_ERROR:
# Objects between a source and a program are kept: if_changed needs them.
.SECONDARY:

# What the last build of each target depended on, and the command it used.
-include $(shell find $(objtree) -name '.*.d' -not -path '*/.git/*' 2>/dev/null)
