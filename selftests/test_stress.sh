#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_stress.sh - scx_reflex under the load sched_ext's own CI uses
# (stress-ng with CPU hogs, forks and affinity changes on every CPU) for
# STRESS_SECONDS (default 30): the watchdog never fires, the scheduler is
# still the one running afterwards, every CPU ran tasks, and the counters
# moved.  make check runs it at 4 vCPUs, and at 2 in the module-free guests.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root
command -v stress-ng >/dev/null || ktap_skip_all "stress-ng not installed"

secs=${STRESS_SECONDS:-30}
ncpu=$(nproc)

ktap_plan 9

[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin
enable_seq=$(cat "$SCX_SYSFS/enable_seq" 2>/dev/null)
kmsg_mark
runs_before=$(stat_cpus running | xargs)
enq_before=$(stat_sum enqueue)
ktap_note "$ncpu CPUs; tasks started per CPU before: $runs_before"

# The upstream smoke test's load, bounded by stress-ng's own timer and by
# timeout(1) in case the guest is too slow to stop it in time.
timeout -k 10 $((secs * 3 + 60)) stress-ng -t "$secs" --aggressive \
	-c "$ncpu" -f "$ncpu" --affinity 1 --affinity-delay 1 --affinity-pin \
	--metrics-brief 2>&1 | tail -n 8 | sed 's/^/# /'
rc=${PIPESTATUS[0]}
ktap_result "$rc" "stress-ng ran ${secs}s (-c $ncpu -f $ncpu --affinity 1 --aggressive)"

ktap_result "$([ "$(scx_state)" = enabled ] && [ "$(scx_ops)" = reflex ]; echo $?)" \
	"reflex is still the running scheduler"
ktap_result "$([ "$(cat "$SCX_SYSFS/enable_seq" 2>/dev/null)" = "$enable_seq" ]; echo $?)" \
	"it was never ejected and re-enabled meanwhile (enable_seq unchanged)"
kind=$(bpftool -j map dump pinned "$PIN_MAPS/exit_info" | jq -e '.[0].formatted.value.kind')
ktap_result "$([ "$kind" = 0 ]; echo $?)" "exit_info records no exit (kind $kind)"
stalls=$(kmsg_since |
	 grep -E 'sched_ext: .*(stall|disabled)' | sed 's/^/# /')
[ -z "$stalls" ] || printf '%s\n' "$stalls"
ktap_result "$([ -z "$stalls" ]; echo $?)" "no watchdog stall or disable in the kernel log"

runs_after=$(stat_cpus running | xargs)
ktap_note "tasks started per CPU after: $runs_after"
ok=0
set -- $runs_before
i=0
for a in $runs_after; do
	b=${1:-0}
	shift
	if ! [ "$a" -gt "$b" ] 2>/dev/null; then
		ktap_note "CPU $i made no progress ($b -> $a)"
		ok=1
	fi
	i=$((i + 1))
done
[ $i = "$ncpu" ] || { ktap_note "stats has $i CPUs, expected $ncpu"; ok=1; }
ktap_result $ok "every CPU ran tasks during the load"
ktap_result "$(stat_above enqueue "$enq_before"; echo $?)" \
	"stats counters advanced (enqueue: $enq_before -> $(stat_sum enqueue))"
ktap_check "make unpin" reflex_unpin

ktap_finish
