#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_errors.sh - how reflex-loader, `make pin` and `make unpin` fail:
# exit codes, messages that say what failed and what to do, and nothing
# left pinned behind.
#
# Part 1 runs on this kernel, which must lack sched_ext: every command must
# say so before touching bpffs.  Part 2 runs each case in a private mount
# namespace that looks like a sched_ext kernel to userspace: a tmpfs over
# /sys/kernel with sched_ext/state and the BTF of the VM test kernel as
# btf/vmlinux, and a fresh bpffs at /sys/fs/bpf where the case plants wrong
# pins.  Nothing of it is visible outside the namespace.
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || ktap_skip_all "needs root (mount namespaces, bpffs)"
[ -x "$LOADER" ] || ktap_skip_all "no $LOADER: run make first"
[ ! -d /sys/kernel/sched_ext ] ||
	ktap_skip_all "this kernel has sched_ext; these cases need one without (the VM tests cover the rest)"

ktap_plan 19

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

noscx='kernel has no sched_ext \(CONFIG_SCHED_CLASS_EXT\)'

# ---- part 1: this kernel, no sched_ext ------------------------------------
expect "attach: refuses, no sched_ext" 1 "$noscx" "$LOADER" attach
expect "attach -j: error as JSON on stdout" 1 '^\{"error":"kernel has no sched_ext' \
	sh -c "'$LOADER' -j attach 2>/dev/null"
expect "detach: refuses, no sched_ext" 1 "$noscx" "$LOADER" detach
expect "status: refuses, no sched_ext" 1 "$noscx" "$LOADER" status
expect "unknown command: usage error, exit 2" 2 "unknown command 'frob'" \
	"$LOADER" frob

# make pin must not mount bpffs or create anything; checked in a private
# mount namespace whose /sys/fs/bpf starts out as a plain directory.
pin_untouched()
{
	unshare -m --propagation private sh -c "
		umount -q /sys/fs/bpf 2>/dev/null
		mount -t tmpfs -o mode=0755 probe /sys/fs/bpf
		make -s --no-print-directory -C '$SRCTREE' O='$OBJTREE' pin; rc=\$?
		[ \"\$(stat -f -c %T /sys/fs/bpf)\" = tmpfs ] || { echo 'bpffs was mounted'; exit 99; }
		[ ! -e /sys/fs/bpf/scx_reflex ] || { echo 'pin dir was created'; exit 99; }
		exit \$rc"
}
expect "make pin: refuses, no sched_ext, before touching bpffs" 2 \
	"$noscx.*" pin_untouched
expect "make unpin: nothing pinned is success" 0 "nothing pinned" \
	unshare -m --propagation private sh -c \
	"umount -q /sys/fs/bpf 2>/dev/null; make -s --no-print-directory -C '$SRCTREE' O='$OBJTREE' unpin"

# ---- part 2: a sched_ext kernel as userspace sees it ----------------------
kdir=$("$SRCTREE/selftests/vm/fetch-kernel" 2>&1)
vmlinux=${kdir%/root/*}/vmlinux
if [ ! -s "$vmlinux" ]; then
	ktap_note "no sched_ext kernel BTF: $kdir"
	for i in $(seq $((ktap_n + 1)) "$ktap_planned"); do
		ktap_skip "fake sched_ext case $i" "no sched_ext kernel BTF (selftests/vm/fetch-kernel failed)"
	done
	ktap_finish
fi

# fake_scx SCRIPT: run SCRIPT (sh) in the fake sched_ext view.  $L is the
# loader, $P the pin root, $M "make" in the source tree with this build.
fake_scx()
{
	unshare -m --propagation private env L="$LOADER" P="$PIN_ROOT" \
		M="make -s --no-print-directory -C $SRCTREE O=$OBJTREE" \
		VMLINUX="$vmlinux" sh -c '
		set -e
		mount -t tmpfs -o mode=0755 fake /sys/kernel
		mkdir -p /sys/kernel/sched_ext /sys/kernel/btf
		echo disabled > /sys/kernel/sched_ext/state
		touch /sys/kernel/btf/vmlinux
		mount --bind "$VMLINUX" /sys/kernel/btf/vmlinux
		umount -q /sys/fs/bpf 2>/dev/null || true
		mount -t bpf -o mode=0700 bpf /sys/fs/bpf
		set +e
		'"$1"
}
hashmap='bpftool map create "$P/maps/reflex_ops" type hash key 4 value 4 entries 1 name reflex_ops'

expect "attach, nothing pinned: names the missing pin, says make pin" 1 \
	'cannot open pinned map /sys/fs/bpf/scx_reflex/maps/reflex_ops: No such file.*make pin' \
	fake_scx '$L attach'
expect "attach, a hash map pinned as maps/reflex_ops: names the wrong type" 1 \
	'is a hash map \(type 1\), expected a struct_ops map' \
	fake_scx "mkdir -p \$P/maps && $hashmap && \$L attach"
expect "attach, wrong map type: no link pinned afterwards" 0 'no link' \
	fake_scx "mkdir -p \$P/maps && $hashmap && { \$L attach; [ ! -e \$P/link ] && echo no link; }"
expect "attach, a map pinned at link: refuses as already attached" 1 \
	'already attached: /sys/fs/bpf/scx_reflex/link exists' \
	fake_scx "mkdir -p \$P && bpftool map create \$P/link type array key 4 value 4 entries 1 name link && \$L attach"
expect "attach as non-root: needs root" 1 'attach needs root' \
	fake_scx 'setpriv --reuid=65534 --regid=65534 --clear-groups $L attach'
expect "status, nothing pinned: exit 3, says so" 3 'pins: +none' fake_scx '$L status'
expect "status -j: valid JSON, not running" 0 '^false $' \
	fake_scx '$L -j status | jq -e -s "length == 1 and .[0].running == false and .[0].pinned == false" >/dev/null && echo false'
expect "make pin: refuses while something is pinned, says make unpin" 2 \
	'already exists.*make unpin' fake_scx 'mkdir -p $P/maps && '"$hashmap"' && $M pin'
expect "make pin refused: the existing pin is left alone" 0 ' kept $' \
	fake_scx 'mkdir -p $P/maps && '"$hashmap"' && { $M pin; [ -e $P/maps/reflex_ops ] && echo kept; }'
expect "make pin: a failed load is rolled back, nothing left pinned" 0 \
	'bpftool could not load.*nothing is left pinned' \
	fake_scx '$M pin; [ $? != 0 ] && [ ! -e $P ]'
expect "make unpin: removes wrong pins of any kind, exit 0" 0 'removed /sys/fs/bpf/scx_reflex' \
	fake_scx 'mkdir -p $P/maps && '"$hashmap"' && bpftool map create $P/link type array key 4 value 4 entries 1 name link && $M unpin && [ ! -e $P ]'
expect "detach, nothing attached: success" 0 'not attached' fake_scx '$L detach'

ktap_finish
