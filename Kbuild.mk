# SPDX-License-Identifier: GPL-2.0
#
# Kbuild.mk - toolchain, flags and build rules shared by every Makefile of
# scx_reflex.  Included, never run on its own.
#
#   make V=1            print the full commands
#   make O=DIR          build into DIR instead of the source tree
#   make VMLINUX_BTF=F  take kernel types from F (a vmlinux or raw BTF)
#   make CLANG=... BPFTOOL=... PKG_CONFIG=...

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
msg =
else
Q := @
msg = @printf '  %-9s %s\n' "$(1)" "$(patsubst $(objtree)/%,%,$(2))";
endif

# ---- toolchain ---------------------------------------------------------------
# Looked up when first used, not when make starts, so that `make deps all`
# builds with what `deps` just installed.
# clang >= 16 for BPF (BTF tags, -mcpu=v3); the newest Debian package first.
CLANG ?= $(firstword $(foreach c,clang-19 clang-18 clang-17 clang-16 clang,\
		$(if $(shell command -v $(c) 2>/dev/null),$(c))))
BPFTOOL ?= $(firstword $(shell command -v bpftool /usr/sbin/bpftool 2>/dev/null))
PKG_CONFIG ?= pkg-config
CC ?= cc

clang_major = $(shell $(CLANG) -dumpversion 2>/dev/null | cut -d. -f1)
need = $(error scx_reflex: $(1); run 'sudo scripts/install-deps' (see README.md))

define check_bpf_toolchain
$(if $(CLANG),,$(call need,no clang found (clang 16 or newer is needed)))
$(if $(filter 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15,$(clang_major)),\
	$(call need,$(CLANG) is version $(clang_major); clang 16 or newer is needed))
$(if $(BPFTOOL),,$(call need,bpftool not found))
endef

LIBBPF_CFLAGS = $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LIBBPF_LIBS = $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null)
define check_libbpf
$(if $(shell $(PKG_CONFIG) --exists libbpf && echo y),,\
	$(call need,libbpf not found by $(PKG_CONFIG) (libbpf-dev)))
endef

# ---- flags ------------------------------------------------------------------
# -fms-extensions: 7.x vmlinux.h embeds anonymous structs by tag, which clang
# otherwise drops without a word.
BPF_CFLAGS = -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 \
	-Wall -Werror -fms-extensions -Wno-microsoft-anon-tag \
	-I$(objtree)/bpf -I$(srctree)/bpf -I$(srctree)/include $(LIBBPF_CFLAGS)

USER_CFLAGS = -O2 -g -Wall -Wextra -Werror -std=gnu11 \
	-I$(srctree)/include -I$(srctree)/lib $(LIBBPF_CFLAGS) $(EXTRA_CFLAGS)
USER_LDLIBS = $(LIBBPF_LIBS)

# ---- vmlinux.h ----------------------------------------------------------------
# Kernel types come from the first BTF that knows struct sched_ext_ops:
# VMLINUX_BTF, the running kernel, or the kernel the VM test harness fetches
# (so a host without sched_ext builds too).  Generated, never committed.
VMLINUX_H := $(objtree)/bpf/vmlinux.h
has_scx = $(BPFTOOL) btf dump file $(1) format raw 2>/dev/null | \
	grep -q "STRUCT 'sched_ext_ops'"

$(VMLINUX_H): $(if $(VMLINUX_BTF),$(VMLINUX_BTF))
	$(check_bpf_toolchain)
	@mkdir -p $(dir $@)
	$(call msg,GEN,$@)
	$(Q)set -e; \
	if [ -n "$(VMLINUX_BTF)" ]; then \
		btf="$(VMLINUX_BTF)"; \
		$(call has_scx,$$btf) || { echo "scx_reflex: $$btf has no struct sched_ext_ops (not a sched_ext kernel's BTF)" >&2; exit 1; }; \
	elif $(call has_scx,/sys/kernel/btf/vmlinux); then \
		btf=/sys/kernel/btf/vmlinux; \
	else \
		echo "  (this kernel has no sched_ext; taking types from the VM test kernel)"; \
		kdir=$$($(srctree)/selftests/vm/fetch-kernel) || { echo "scx_reflex: no BTF with sched_ext; set VMLINUX_BTF=<vmlinux of a sched_ext kernel>" >&2; exit 1; }; \
		btf=$${kdir%/root/*}/vmlinux; \
	fi; \
	$(BPFTOOL) btf dump file "$$btf" format c > $@.tmp; \
	mv $@.tmp $@

# ---- rules ------------------------------------------------------------------
$(objtree)/%.bpf.o: $(srctree)/%.bpf.c $(VMLINUX_H)
	$(check_bpf_toolchain)
	@mkdir -p $(dir $@)
	$(call msg,CLANG-BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -I$(dir $<) -MMD -MP -c $< -o $@
