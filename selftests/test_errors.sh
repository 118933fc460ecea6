#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_errors.sh - how reflex-loader, reflex-status and the pin scripts
# fail: exit codes, messages that say what failed and what to do, and
# nothing left pinned behind.  Runs on any kernel, sched_ext or not: each
# case runs in a private mount namespace whose /sys/kernel is a tmpfs that
# shows userspace the kernel the case needs, and whose /sys/fs/bpf is a
# fresh bpffs where the case plants wrong pins.  Nothing of it is visible
# outside the namespace, and nothing is ever attached.
#
#   no sched_ext:   /sys/kernel without sched_ext; every command must say
#                   so before touching bpffs
#   sched_ext:      sched_ext/state reads "disabled", btf/vmlinux is the
#                   BTF of a sched_ext kernel (this one's, or the one
#                   `make vmlinux` fetched)
. "$(dirname "$0")/lib.sh"

need_root
[ -x "$LOADER" ] && [ -x "$STATUS" ] || ktap_skip_all "not built: run make first"

btf=
for f in /sys/kernel/btf/vmlinux "$OBJTREE/vmlinux"; do
	if [ -r "$f" ] && bpftool btf dump file "$f" format raw 2>/dev/null |
			grep -q "STRUCT 'sched_ext_ops'"; then
		btf=$f
		break
	fi
done
[ -n "$btf" ] || ktap_skip_all "no BTF of a sched_ext kernel: this kernel has none and there is no $OBJTREE/vmlinux (make vmlinux)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The tmpfs below hides /sys/kernel/btf: keep the BTF each view needs.
cp "$btf" "$tmp/vmlinux.btf"
cp /sys/kernel/btf/vmlinux "$tmp/running.btf"	# to load programs here
printf 'not an ELF object\n' > "$tmp/broken.bpf.o"

ktap_plan 21

# expect DESC WANT_RC PATTERN CMD...: CMD exits WANT_RC and its output
# (stdout and stderr, lines joined by spaces) matches the extended regex
# PATTERN.
expect()
{
	local desc=$1 want=$2 pat=$3 out rc

	shift 3
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" = "$want" ] &&
	   printf '%s\n' "$out" | tr '\n' ' ' | grep -Eq -- "$pat"; then
		ktap_result 0 "$desc"
		return
	fi
	printf '%s\n' "$out" | tail -n 15 | sed 's/^/# /'
	ktap_note "exit $rc (want $want); output should match: $pat"
	ktap_result 1 "$desc"
}

# in_ns SCX SCRIPT: run SCRIPT (sh) in a private view; SCX is "yes" for a
# sched_ext kernel, "no" for one without, "other" for one that runs
# another scheduler.  In SCRIPT: $L loader, $S
# reflex-status, $P the pin root, $PIN and $UNPIN the pin scripts, which
# take the object from $BPF_OBJ.
in_ns()
{
	local btf=$tmp/vmlinux.btf

	[ "$1" != other ] || btf=$tmp/running.btf
	unshare -m --propagation private env SCX="$1" BTF="$btf" \
		L="$LOADER" S="$STATUS" P="$PIN_ROOT" BPF_OBJ="$BPF_OBJ" \
		PIN="env LOADER=$LOADER STATUS=$STATUS $SRCTREE/pin/pin.sh" \
		UNPIN="env LOADER=$LOADER STATUS=$STATUS $SRCTREE/pin/unpin.sh" \
		BROKEN="$tmp/broken.bpf.o" HOOK="$PROGS/hook.bpf.o" sh -c '
		set -e
		mount -t tmpfs -o mode=0755 fake /sys/kernel
		mkdir -p /sys/kernel/btf
		touch /sys/kernel/btf/vmlinux
		mount --bind "$BTF" /sys/kernel/btf/vmlinux
		if [ "$SCX" = yes ]; then
			mkdir -p /sys/kernel/sched_ext/root
			echo disabled > /sys/kernel/sched_ext/state
		fi
		if [ "$SCX" = other ]; then
			mkdir -p /sys/kernel/sched_ext/root
			echo enabled > /sys/kernel/sched_ext/state
			echo other > /sys/kernel/sched_ext/root/ops
		fi
		umount -q /sys/fs/bpf 2>/dev/null || true
		if [ "$SCX" != no ]; then
			mount -t bpf -o mode=0700 bpf /sys/fs/bpf
		else
			mount -t tmpfs -o mode=0755 probe /sys/fs/bpf
		fi
		set +e
		'"$2"
}
noscx() { in_ns no "$1"; }
scx() { in_ns yes "$1"; }
# another scheduler runs: sched_ext is enabled with ops "other"
other() { in_ns other "$1"; }

noscx_msg='kernel has no sched_ext \(CONFIG_SCHED_CLASS_EXT\)'

# ---- a kernel without sched_ext ---------------------------------------
expect "attach: refuses, no sched_ext" 1 "$noscx_msg" noscx '$L attach'
expect "attach -j: error as JSON on stdout" 1 '^\{"error":"kernel has no sched_ext' \
	noscx '$L -j attach 2>/dev/null'
expect "detach: refuses, no sched_ext" 1 "$noscx_msg" noscx '$L detach'
expect "reflex-status: refuses, no sched_ext" 1 "$noscx_msg" noscx '$S'
expect "reflex-loader with an unknown command: usage error, exit 2" 2 \
	"unknown command 'frob'" noscx '$L frob'
# /sys/fs/bpf is a plain tmpfs there: pin.sh must neither mount bpffs nor
# create anything.
expect "pin.sh: refuses, no sched_ext, before touching bpffs" 1 "$noscx_msg" \
	noscx '$PIN; rc=$?
	       [ "$(stat -f -c %T /sys/fs/bpf)" = tmpfs ] || { echo "bpffs was mounted"; exit 99; }
	       [ ! -e $P ] || { echo "pin dir was created"; exit 99; }
	       exit $rc'
expect "unpin.sh: nothing pinned is success" 0 "nothing pinned" noscx '$UNPIN'

# ---- a sched_ext kernel, as userspace sees it --------------------------
hashmap='bpftool map create $P/maps/reflex_ops type hash key 4 value 4 entries 1 name reflex_ops'

expect "attach, nothing pinned: says so, and to pin it" 1 \
	"scx_reflex is not pinned \\($PIN_ROOT does not exist\\).*make pin" \
	scx '$L attach'
expect "attach, a hash map pinned as maps/reflex_ops: names the path and both types" 1 \
	"$PIN_ROOT/maps/reflex_ops is a hash map, expected a struct_ops map" \
	scx "mkdir -p \$P/maps && $hashmap && \$L attach"
expect "attach, wrong map type: no link pinned afterwards" 0 'no link' \
	scx "mkdir -p \$P/maps && $hashmap && { \$L attach; [ ! -e \$P/link ] && echo no link; }"
expect "attach, a map pinned at link: refuses as already attached" 1 \
	"already attached: $PIN_ROOT/link exists" \
	scx 'mkdir -p $P && bpftool map create $P/link type array key 4 value 4 entries 1 name link && $L attach'
expect "attach as non-root: needs root" 1 'attach needs root' \
	scx 'setpriv --reuid=65534 --regid=65534 --clear-groups $L attach'
expect "reflex-status, nothing pinned: exit 3, says so" 3 'pins: +none' scx '$S'
expect "reflex-status -j: one JSON value, not running, not pinned" 0 '^ok $' \
	scx '$S -j | jq -e -s "length == 1 and .[0].running == false and .[0].pinned == false" >/dev/null && echo ok'
# Pins with a link, and sched_ext not running it: an ejected scheduler,
# kept for its exit info.  (An object bpftool cannot load stands in for
# the real one in every pin.sh case: nothing here may ever attach.)
ejected="mkdir -p \$P/maps && $hashmap && bpftool map create \$P/link type array key 4 value 4 entries 1 name link"
expect "pin.sh over an ejected scheduler's pins: refuses, says make unpin && make pin" 1 \
	'not running.*make unpin && make pin' \
	scx "$ejected && BPF_OBJ=\$BROKEN \$PIN"
expect "pin.sh refused: the pins are left alone" 0 ' kept $' \
	scx "$ejected && { BPF_OBJ=\$BROKEN \$PIN; [ -e \$P/link ] && [ -e \$P/maps/reflex_ops ] && echo kept; }"
expect "pin.sh: pins without a link (an interrupted make pin) are removed, saying so" 0 \
	'an interrupted make pin left it without a link.*bpftool could not load' \
	scx "mkdir -p \$P/maps && $hashmap && BPF_OBJ=\$BROKEN \$PIN; [ ! -e \$P ]"
expect "pin.sh: an object bpftool cannot load is rolled back, nothing left pinned" 0 \
	'bpftool could not load.*nothing is left pinned' \
	scx 'env BPF_OBJ=$BROKEN $PIN; [ $? = 1 ] && [ ! -e $P ]'
expect "unpin.sh: removes wrong pins of any kind, exit 0" 0 "removed $PIN_ROOT" \
	scx "mkdir -p \$P/maps && $hashmap && bpftool map create \$P/link type array key 4 value 4 entries 1 name link && \$UNPIN && [ ! -e \$P ]"
expect "detach, nothing attached: success" 0 'not attached' scx '$L detach'
# A real link (a no-op tracepoint hook) pinned at link, and sched_ext
# already running another scheduler: detach detaches it and is done, it
# does not wait for sched_ext to read disabled.
expect "detach while another scheduler runs: detaches, does not wait for disabled" 0 \
	"detached reflex.*gone" \
	other 'mkdir -p $P && bpftool prog loadall $HOOK $P/hook autoattach &&
	       mv $P/hook/noop_hook $P/link && $L detach &&
	       ! bpftool -j link show | grep -q "\"prog_name\":\"noop_hook\"" && echo gone'

ktap_finish
