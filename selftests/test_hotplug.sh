#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_hotplug.sh - CPUs come and go under scx_reflex, as suspend and
# resume make them: under a CPU hog on every CPU, each CPU but CPU 0 goes
# offline and online again, one at a time (three rounds) and then all
# together, for at least 20 transitions; then each once more with two hogs
# pinned to it, so that one of them waits in a queue for a CPU that goes
# (the kernel breaks their affinity only once they run).  scx_reflex stays
# the running scheduler through every one of them (never ejected, no exit
# recorded, no stall), sees each (stats.cpu_offline, cpu_online), and
# input events still reach the rings afterwards, every one accounted for.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root
cpus=$(ls -d /sys/devices/system/cpu/cpu[1-9]*/online 2>/dev/null |
       sed 's|.*/cpu\([0-9]*\)/online|\1|' | sort -n | xargs)
[ -n "$cpus" ] || ktap_skip_all "no CPU here can go offline (/sys/devices/system/cpu/cpuN/online)"

tmp=$(mktemp -d)
hog= pinned=
cleanup()
{
	local c

	consumer_kill
	[ -z "$hog" ] || kill "$hog" 2>/dev/null
	[ -z "$pinned" ] || kill $pinned 2>/dev/null
	for c in $cpus; do
		echo 1 > "/sys/devices/system/cpu/cpu$c/online" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_plan 10

ktap_check "load uinput evdev" load_drivers uinput evdev
[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin
enable_seq=$(cat "$SCX_SYSFS/enable_seq")
kmsg_mark
off_before=$(stat_sum cpu_offline)
on_before=$(stat_sum cpu_online)

timeout -k 10 600 stress-ng -q -t 600 -c "$(nproc)" &
hog=$!

# set_online CPU 0|1: switch it and wait until the kernel says it is done.
set_online()
{
	echo "$2" > "/sys/devices/system/cpu/cpu$1/online" &&
		ktap_wait 30 sh -c "[ \"\$(cat /sys/devices/system/cpu/cpu$1/online)\" = $2 ]"
}

running() { [ "$(scx_state)" = enabled ] && [ "$(scx_ops)" = reflex ]; }

n=0 failed=0 lost=
for round in 1 2 3; do
	for c in $cpus; do
		set_online "$c" 0 || failed=$((failed + 1))
		running || lost="${lost:-after cpu $c went offline in round $round}"
		set_online "$c" 1 || failed=$((failed + 1))
		running || lost="${lost:-after cpu $c came online in round $round}"
		n=$((n + 2))
	done
done
# All together, as suspend does.
for c in $cpus; do
	set_online "$c" 0 || failed=$((failed + 1))
	n=$((n + 1))
done
running || lost="${lost:-with only CPU 0 online}"
for c in $cpus; do
	set_online "$c" 1 || failed=$((failed + 1))
	n=$((n + 1))
done
running || lost="${lost:-after all CPUs came back}"

# ran PID: it has had CPU time.
ran() { [ "$(awk '{ print $14 + $15 }' "/proc/$1/stat")" -gt 0 ]; }

moved_before=$(stat_sum offline_moved)
for c in $cpus; do
	pinned=
	for i in 1 2; do
		taskset -c "$c" sh -c 'while :; do :; done' &
		pinned="$pinned $!"
	done
	for p in $pinned; do
		ktap_wait 30 ran "$p" || failed=$((failed + 1))
	done
	set_online "$c" 0 || failed=$((failed + 1))
	running || lost="${lost:-after cpu $c went offline with two tasks pinned to it}"
	set_online "$c" 1 || failed=$((failed + 1))
	n=$((n + 2))
	kill $pinned
	wait $pinned 2>/dev/null
	pinned=
done

ktap_result "$([ $failed = 0 ] && [ $n -ge 20 ]; echo $?)" \
	"$n CPU transitions (CPUs $cpus) under a CPU hog on every CPU"
[ -z "$lost" ] || ktap_note "not running $lost (state $(scx_state), ops $(scx_ops))"
ktap_result "$([ -z "$lost" ] && running; echo $?)" \
	"scx_reflex was the running scheduler after every transition"
ktap_result "$([ "$(cat "$SCX_SYSFS/enable_seq")" = "$enable_seq" ]; echo $?)" \
	"it was never ejected and re-enabled (enable_seq unchanged)"
kind=$(bpftool -j map dump pinned "$PIN_MAPS/exit_info" | jq '.[0].formatted.value.kind')
ktap_result "$([ "$kind" = 0 ]; echo $?)" "exit_info records no exit (kind $kind)"
# An exit names the task that stalled, or what else went wrong: keep it.
[ "$kind" = 0 ] || "$STATUS" 2>&1 | sed 's/^/# /'
off=$(( $(stat_sum cpu_offline) - off_before ))
on=$(( $(stat_sum cpu_online) - on_before ))
ktap_result "$([ $off = $((n / 2)) ] && [ $on = $((n / 2)) ]; echo $?)" \
	"it saw every one: $off offline, $on online (of $((n / 2)) each)"
# Whether a pinned task still waits in a queue when the CPU goes depends
# on timing (the kernel may have pushed both away first): a note only.
ktap_note "tasks moved off a CPU as it went offline: $(( $(stat_sum offline_moved) - moved_before ))"
kill "$hog" 2>/dev/null
wait "$hog" 2>/dev/null
hog=

consumer_start "$tmp/e.jsonl" -j
"$BENCH/uinput-inject" -t 1 -n 200 -r 1000 > "$tmp/e.json"
consumer_stop
written=$(jq .written "$tmp/e.json")
rcv=$(jq -s --slurpfile inj "$tmp/e.json" '[$inj[0].devices[].dev] as $d |
	[.[] | select(.dev != null and (.dev as $x | $d | index($x)))] | length' "$tmp/e.jsonl")
drop=$(jq -s '.[-1].summary.dropped' "$tmp/e.jsonl")
ktap_result "$([ "$written" -gt 0 ] && [ $((rcv + drop)) = "$written" ]; echo $?)" \
	"input events still reach the rings: received + dropped = written ($rcv + $drop = $written)"

stalls=$(kmsg_since | grep -E 'sched_ext: .*(stall|disabled|exiting)')
[ -z "$stalls" ] || printf '%s\n' "$stalls" | sed 's/^/# /'
ktap_result "$([ -z "$stalls" ]; echo $?)" "no sched_ext stall or exit in the kernel log"
ktap_check "make unpin" reflex_unpin
ktap_finish
