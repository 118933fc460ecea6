#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_pin.sh - the pinned life cycle on a sched_ext kernel: `make pin`
# mounts bpffs if needed, has bpftool load the object and attach its hooks,
# and leaves scx_reflex enabled with no loader process around, with what
# the loader wrote reaching the kernel; root-only pins, live counters and
# tunables, by name with reflex-tune and by bytes with bpftool; a second
# pin is refused; `make unpin` restores the fair class and removes every
# pin, and is fine when repeated; pin/unpin cycles.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root

ktap_plan 33
kmsg_mark

[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null

# Where bpffs is not mounted, make pin mounts it.  Tried in a private mount
# namespace, so that the host's bpffs (systemd's, with other pins) is left
# alone: unmounted there, pinned, checked, unpinned.
out=$(unshare -m --propagation private bash -c '
	. "$1/lib.sh"
	umount -q /sys/fs/bpf 2>/dev/null
	make_pin pin >/dev/null 2>&1 || { echo "make pin failed"; exit 1; }
	echo "$(stat -f -c %T /sys/fs/bpf) $(scx_ops)"
	make_pin unpin >/dev/null 2>&1' bash "$selftests_dir")
ktap_result "$([ "$out" = "bpf_fs reflex" ] && [ "$(scx_state)" = disabled ]; echo $?)" \
	"make pin mounted bpffs where it was not mounted (private namespace: $out)"

out=$(make_pin pin 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
ktap_result $rc "make pin exits 0"
ktap_result "$([ "$(scx_state)" = enabled ]; echo $?)" \
	"sched_ext state is enabled"
ktap_result "$([ "$(scx_ops)" = reflex ]; echo $?)" \
	"/sys/kernel/sched_ext/root/ops is reflex"
ktap_result "$(! pgrep -x reflex-loader >/dev/null; echo $?)" \
	"no loader process is left running"
ktap_check "bpftool struct_ops show lists reflex_ops (sched_ext_ops)" \
	sh -c "bpftool struct_ops show | grep -E 'reflex_ops +sched_ext_ops'"
# What the loader wrote, as the kernel has it.  SCX_OPS_ALLOW_QUEUED_WAKEUP
# is 1 << 5 where the kernel has it (its BTF says); 6.12 has not, and there
# the loader attaches without it and says so.
ops=$(bpftool -j struct_ops dump name reflex_ops)
if bpftool btf dump file /sys/kernel/btf/vmlinux format raw |
   grep -Eq "'SCX_OPS_ALLOW_QUEUED_WAKEUP' val=32(ULL)?$"; then
	flags=32 note=0 what="flags ALLOW_QUEUED_WAKEUP"
else
	flags=0 note=1 what="flags 0: this kernel has no ALLOW_QUEUED_WAKEUP"
fi
ktap_result "$(printf '%s' "$ops" | json_check --argjson f $flags '.[1].bpf_struct_ops_sched_ext_ops.data |
	.name == "reflex" and .timeout_ms == 30000 and .flags == $f'; echo $?)" \
	"the kernel's ops value: name reflex, timeout_ms 30000, $what"
n=$(printf '%s\n' "$out" | grep -c 'no sched_ext flag SCX_OPS_ALLOW_QUEUED_WAKEUP; attaching without it')
ktap_result "$([ "$n" = "$note" ]; echo $?)" \
	"the loader names an optional flag it leaves out, and only then (lines naming it: $n)"

hooks=$(for h in reflex_fence_init reflex_input_event reflex_input_read reflex_ioctl \
		 reflex_process_exit; do
	bpftool -j link show pinned "$PIN_ROOT/progs/$h" 2>/dev/null |
		jq -r 'select(.type == "tracing" or .type == "raw_tracepoint") | .prog_id' |
		grep -q . && echo "$h"
done | xargs)
ktap_result "$([ "$hooks" = "reflex_fence_init reflex_input_event reflex_input_read reflex_ioctl reflex_process_exit" ]; echo $?)" \
	"bpftool attached the five hooks and pinned their links under progs/ ($hooks)"
ktap_check "bpftool map dump pinned maps/stats shows named counters" \
	sh -c "bpftool map dump pinned $PIN_MAPS/stats | grep -E '\"running\": [0-9]+'"
ktap_result "$([ "$(ls "$PIN_MAPS" | grep -c '^events_')" = 16 ]; echo $?)" \
	"16 ring buffers pinned under maps/"

loose=$(find "$PIN_ROOT" \( -type d ! -perm 0700 \) -o \( -type f ! -perm 0600 \))
[ -z "$loose" ] || ktap_note "not root-only: $loose"
ktap_result "$([ -z "$loose" ]; echo $?)" "pin directories are 0700, pins 0600"
ktap_result "$(! setpriv --reuid=65534 --regid=65534 --clear-groups \
	bpftool map dump pinned "$PIN_MAPS/stats" >/dev/null 2>&1; echo $?)" \
	"another user cannot read the pinned maps"

out=$("$STATUS")
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
ktap_result "$([ $rc = 0 ] && printf '%s\n' "$out" | grep -Eq '^ops: +reflex$' &&
	       printf '%s\n' "$out" | grep -Eq '^hooks: +reflex_fence_init reflex_input_event reflex_input_read reflex_ioctl reflex_process_exit$'; echo $?)" \
	"reflex-status: running (exit 0), lists the hooks"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$STATUS" 2>&1)
rc=$?
ktap_result "$([ $rc = 0 ] && printf '%s\n' "$out" | grep -q '^pins: *unknown: .* is root-only' &&
	       ! printf '%s\n' "$out" | grep -q '^pins: *none'; echo $?)" \
	"reflex-status as another user: running (exit 0), pins unknown (root-only), not 'none'"
ktap_result "$("$STATUS" -j | json_check '.running == true and .link_pinned == true and
	(.hooks | length) == 5 and .exit == null'; echo $?)" \
	"reflex-status -j says the same"

# Tunables by name, checked against bpftool's BTF-typed dump.
tunable()
{
	bpftool -j map dump pinned "$PIN_MAPS/tunables" | jq -e ".[0].formatted.value.$1"
}
ktap_result "$("$TUNE" | grep -Eq '^slice_ns +3000000 '; echo $?)" \
	"reflex-tune shows slice_ns at its default, 3000000"
ktap_result "$("$TUNE" slice_ns=2ms preempt_min_run_ns=300000 >/dev/null &&
	       [ "$(tunable slice_ns)" = 2000000 ] &&
	       [ "$(tunable preempt_min_run_ns)" = 300000 ]; echo $?)" \
	"reflex-tune slice_ns=2ms preempt_min_run_ns=300000: bpftool shows both"
out=$("$TUNE" slice_ns=1 2>&1)
rc=$?
ktap_result "$([ $rc = 2 ] && printf '%s' "$out" | grep -q 'slice_ns: 1 is out of range: 100000 .. 100000000' &&
	       [ "$(tunable slice_ns)" = 2000000 ]; echo $?)" \
	"reflex-tune slice_ns=1: refused, names value and range, writes nothing"
out=$("$TUNE" slice_ns=3ms frob_ns=5 2>&1)
rc=$?
ktap_result "$([ $rc = 2 ] && printf '%s' "$out" | grep -q "unknown tunable 'frob_ns'" &&
	       [ "$(tunable slice_ns)" = 2000000 ]; echo $?)" \
	"reflex-tune with an unknown name: refused, names it, writes nothing"
ktap_result "$("$TUNE" -j --reset | json_check '.slice_ns == 3000000 and .version == 1' &&
	       [ "$(tunable slice_ns)" = 3000000 ]; echo $?)" \
	"reflex-tune --reset: the defaults again"

# A value out of range written behind reflex-tune's back is clamped where
# it is read and counted, and scheduling goes on.  slice_ns is bytes 8..15
# of struct reflex_tunables: 1 ns.
before=$(stat_sum tunable_clamped) || ktap_note "cannot read maps/stats"
map_poke tunables 8 01 00 00 00 00 00 00 00 >/dev/null
ktap_result "$([ "$(tunable slice_ns)" = 1 ]; echo $?)" \
	"bpftool map update wrote slice_ns = 1"
ktap_result "$(ktap_wait 10 stat_above tunable_clamped "$before"; echo $?)" \
	"an out-of-range slice_ns is clamped and counted"
ktap_result "$([ "$(scx_state)" = enabled ]; echo $?)" \
	"still enabled after a bad tunable"
"$TUNE" --reset >/dev/null

out=$(make_pin pin 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
ktap_result "$([ $rc != 0 ] && printf '%s' "$out" | grep -q 'make unpin' &&
	       [ "$(scx_ops)" = reflex ]; echo $?)" \
	"a second make pin is refused, says make unpin, leaves reflex running"

ktap_check "make unpin exits 0" make_pin unpin
ktap_result "$([ "$(scx_state)" = disabled ]; echo $?)" \
	"sched_ext state is disabled after unpin"
# The kernel frees a program after an RCU grace period, not at unpin.
no_reflex_progs() { [ "$(reflex_progs)" = 0 ]; }
ktap_wait 30 no_reflex_progs
rc=$?
ktap_result "$([ ! -e "$PIN_ROOT" ] && [ $rc = 0 ]; echo $?)" \
	"no pins are left, and no reflex_* program: the kernel freed them"
no_reflex_links() { [ "$(reflex_links)" = 0 ]; }
ktap_wait 30 no_reflex_links
ktap_result $? "no hook is left attached"
ktap_check "make unpin again is fine" make_pin unpin
ktap_result "$("$STATUS" >/dev/null; [ $? = 3 ]; echo $?)" \
	"reflex-status exits 3: not running"

ok=0
for i in 1 2 3; do
	reflex_pin >/dev/null 2>&1 && [ "$(scx_ops)" = reflex ] &&
		reflex_unpin >/dev/null 2>&1 &&
		[ "$(scx_state)" = disabled ] && [ ! -e "$PIN_ROOT" ] ||
		{ ktap_note "cycle $i failed (state $(scx_state))"; ok=1; break; }
done
ktap_result $ok "three pin/unpin cycles"
ktap_result "$(! kmsg_since | grep -E 'sched_ext: .*(stall|error)' | grep -v 'enabled' | sed 's/^/# /' | grep -q .; echo $?)" \
	"the kernel log has no sched_ext errors or stalls"

ktap_finish
