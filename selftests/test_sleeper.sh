#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_sleeper.sh - a task that slept while others ran, then turns
# CPU-bound, gets a bounded head start and then its fair share, not the
# machine.  One busy loop per CPU is stopped (SIGSTOP) while as many others
# run SECS seconds of CPU each; then the stopped ones continue.  Were the
# sleepers' credit not bounded, they would be queued ahead of the others
# until they had caught up on all that CPU time, and the others would wait
# that long.
#
# Counts only: CPU time from /proc/PID/stat, compared between the groups;
# how fast the machine is does not matter.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root

ncpu=$(nproc)
# CPU seconds each runner banks over the sleepers before they wake.
bank=${SLEEPER_BANK_SECONDS:-10}
# /proc/PID/stat counts USER_HZ ticks: 100 where getconf is missing
tck=$(getconf CLK_TCK 2>/dev/null || echo 100)
runners=()
sleepers=()

cleanup()
{
	kill -KILL "${runners[@]}" "${sleepers[@]}" 2>/dev/null
	wait 2>/dev/null
}
trap cleanup EXIT

spin()
{
	exec bash -c 'while :; do :; done'
}

# CPU time of the tasks given, in clock ticks, summed; bash builtins
# only, so that polling it costs next to nothing.
ticks()
{
	local pid line sum=0

	for pid in "$@"; do
		read -r line < "/proc/$pid/stat" || continue
		# utime and stime: fields 14 and 15, 12 and 13 after the name
		set -- ${line##*) }
		sum=$((sum + ${12} + ${13}))
	done
	echo $sum
}

# True once each of the tasks given had at least $1 ticks of CPU time.
each_ran()
{
	local min=$1 pid

	shift
	for pid in "$@"; do
		[ "$(ticks "$pid")" -ge "$min" ] || return 1
	done
}

# True once the sleepers ran $1 ticks since they woke (s0).
sleepers_ran()
{
	[ $(($(ticks "${sleepers[@]}") - s0)) -ge "$1" ]
}

ktap_plan 6

[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin
kmsg_mark

for ((i = 0; i < ncpu; i++)); do
	spin &
	sleepers+=($!)
	kill -STOP $!
done
for ((i = 0; i < ncpu; i++)); do
	spin &
	runners+=($!)
done
ktap_wait $((bank * 40 + 60)) each_ran $((bank * tck)) "${runners[@]}"
ktap_result $? "$ncpu runners ran ${bank}s of CPU each while $ncpu sleepers were stopped"

r0=$(ticks "${runners[@]}")
s0=$(ticks "${sleepers[@]}")
kill -CONT "${sleepers[@]}"
# The sleepers run until they had half the runners' head start; a fair
# share gives the runners as much meanwhile.
want=$((ncpu * bank * tck / 2))
ktap_wait $((bank * 40 + 60)) sleepers_ran "$want"
ok=$?
rs=$(($(ticks "${runners[@]}") - r0))
ss=$(($(ticks "${sleepers[@]}") - s0))
ktap_note "after the sleepers woke: sleepers ran $ss ticks, runners $rs ticks"
ktap_result $ok "the sleepers ran $want ticks of CPU after they woke"
# Fair is about 1:1; unbounded credit gives the runners nothing until the
# sleepers caught up (or what a starvation guard lets through).
ktap_result "$([ $((rs * 2)) -ge "$ss" ]; echo $?)" \
	"the runners kept at least a third of the CPU time ($rs of $((rs + ss)) ticks)"
cleanup

ktap_result "$([ "$(scx_state)" = enabled ] && [ "$(scx_ops)" = reflex ]; echo $?)" \
	"reflex is still the running scheduler"
stalls=$(kmsg_since | grep -E 'sched_ext: .*(stall|disabled)' | sed 's/^/# /')
[ -z "$stalls" ] || printf '%s\n' "$stalls"
ktap_result "$([ -z "$stalls" ]; echo $?)" "no watchdog stall or disable in the kernel log"
reflex_unpin >/dev/null

ktap_finish
