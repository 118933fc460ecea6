#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_pin.sh - the pinned life cycle on a sched_ext kernel: `make pin`
# mounts bpffs if needed, leaves scx_reflex enabled with no loader process
# around, root-only pins, live counters and tunables; a second pin is
# refused; `make unpin` restores the fair class and removes every pin, and
# is fine when repeated; pin/unpin cycles.
. "$(dirname "$0")/../lib.sh"

[ -d /sys/kernel/sched_ext ] || ktap_skip_all "kernel has no sched_ext"
[ "$(id -u)" = 0 ] || ktap_skip_all "needs root"

ktap_plan 21

# Start from nothing: no pins, and bpffs not mounted, so that make pin has
# to mount it.
[ -e "$PIN_ROOT" ] && reflex_make unpin >/dev/null
umount -q /sys/fs/bpf 2>/dev/null

out=$(reflex_make pin 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
ktap_result $rc "make pin exits 0"
ktap_result "$([ "$(stat -f -c %T /sys/fs/bpf)" = bpf_fs ]; echo $?)" \
	"make pin mounted bpffs at /sys/fs/bpf"
ktap_result "$([ "$(scx_state)" = enabled ]; echo $?)" \
	"sched_ext state is enabled"
ktap_result "$([ "$(scx_ops)" = reflex ]; echo $?)" \
	"/sys/kernel/sched_ext/root/ops is reflex"
ktap_result "$(! pgrep -x reflex-loader >/dev/null; echo $?)" \
	"no loader process is left running"
ktap_check "bpftool struct_ops show lists reflex_ops (sched_ext_ops)" \
	sh -c "bpftool struct_ops show | grep -E 'reflex_ops +sched_ext_ops'"
ktap_check "bpftool map dump pinned maps/stats shows named counters" \
	sh -c "bpftool map dump pinned $PIN_ROOT/maps/stats | grep -E '\"running\": [0-9]+'"
ktap_result "$([ "$(ls "$PIN_ROOT/maps" | grep -c '^events_')" = 16 ]; echo $?)" \
	"16 ring buffers pinned under maps/"

loose=$(find "$PIN_ROOT" \( -type d ! -perm 0700 \) -o \( -type f ! -perm 0600 \))
[ -z "$loose" ] || ktap_note "not root-only: $loose"
ktap_result "$([ -z "$loose" ]; echo $?)" "pin directories are 0700, pins 0600"
ktap_result "$(! setpriv --reuid=65534 --regid=65534 --clear-groups \
	bpftool map dump pinned "$PIN_ROOT/maps/stats" >/dev/null 2>&1; echo $?)" \
	"another user cannot read the pinned maps"

ktap_check "reflex-loader status: running, exit 0" \
	sh -c "'$LOADER' status | grep -E '^ops: +reflex'"

# Tunables change live: an out-of-range slice is clamped where it is read
# and counted, and scheduling goes on.
before=$(stat_sum tunable_clamped) || ktap_note "cannot read maps/stats"
# slice_ns is bytes 8..15 of struct reflex_tunables: set it to 1 ns.
map_poke tunables 8 01 00 00 00 00 00 00 00 >/dev/null
ktap_check "bpftool map dump shows the updated slice_ns" \
	sh -c "bpftool map dump pinned $PIN_ROOT/maps/tunables | grep -E '\"slice_ns\": 1,'"
ktap_result "$(ktap_wait 10 stat_above tunable_clamped "$before"; echo $?)" \
	"an out-of-range slice_ns is clamped and counted"
ktap_result "$([ "$(scx_state)" = enabled ]; echo $?)" \
	"still enabled after a bad tunable"

out=$(reflex_make pin 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
ktap_result "$([ $rc != 0 ] && printf '%s' "$out" | grep -q 'make unpin' &&
	       [ "$(scx_ops)" = reflex ]; echo $?)" \
	"a second make pin is refused, says make unpin, leaves reflex running"

ktap_check "make unpin exits 0" reflex_make unpin
ktap_result "$([ "$(scx_state)" = disabled ]; echo $?)" \
	"sched_ext state is disabled after unpin"
ktap_result "$([ ! -e "$PIN_ROOT" ] && [ -z "$(ls -A /sys/fs/bpf)" ]; echo $?)" \
	"no pins are left: /sys/fs/bpf is empty"
ktap_check "make unpin again is fine" reflex_make unpin

ok=0
for i in 1 2 3; do
	reflex_make pin >/dev/null 2>&1 && [ "$(scx_ops)" = reflex ] &&
		reflex_make unpin >/dev/null 2>&1 &&
		[ "$(scx_state)" = disabled ] && [ ! -e "$PIN_ROOT" ] ||
		{ ktap_note "cycle $i failed (state $(scx_state))"; ok=1; break; }
done
ktap_result $ok "three pin/unpin cycles"
ktap_result "$(! dmesg | grep -E 'sched_ext: .*(stall|error)' | grep -v 'enabled' | sed 's/^/# /' | grep -q .; echo $?)" \
	"the kernel log has no sched_ext errors or stalls"

ktap_finish
