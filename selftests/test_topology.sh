#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_topology.sh - scx_reflex on a machine with more than one last-level
# cache (make check boots a guest of that shape: vm/vmtest -L, two LLCs of
# SMT pairs).  maps/llcs describes the LLCs that sysfs describes (how many,
# the CPUs and the cache size of each); the synthetic game, set as the
# game, runs on the game's LLC in at least 90% of samples of its threads'
# CPU (/proc/PID/task/*/stat, field 39) while a CPU hog runs on every CPU;
# every CPU of an LLC without CPU 0 goes offline and comes back under
# that load with scx_reflex attached, maps/llcs counting them; and that
# LLC, offline when scx_reflex is pinned, is added when it comes online;
# no stall.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root

# The LLCs as sysfs has them: one line per LLC, "CPULIST KIB", in the order
# of their lowest CPU.  The LLC of a CPU is its highest-level cache.
sysfs_llcs()
{
	local d idx

	for d in /sys/devices/system/cpu/cpu[0-9]*/cache; do
		idx=$(ls -d "$d"/index[0-9]* | sort -V | tail -n 1)
		echo "$(cat "$idx/shared_cpu_list") $(sed 's/K$//' "$idx/size")"
	done | sort -u | sort -t- -k1,1n
}

# expand CPULIST: one CPU per line ("0-3,8" gives 0 1 2 3 8).
expand()
{
	local part

	for part in ${1//,/ }; do
		seq "${part%-*}" "${part#*-}"
	done
}

llcs=$(sysfs_llcs)
nr=$(printf '%s\n' "$llcs" | wc -l)
[ "$nr" -ge 2 ] || ktap_skip_all "this machine has one last-level cache (CPUs $llcs K); make check runs this test in a guest with two (vm/vmtest -L)"

tmp=$(mktemp -d)
hog= g=
down=
cleanup()
{
	local c

	[ -z "$g" ] || kill "$g" 2>/dev/null
	[ -z "$hog" ] || kill "$hog" 2>/dev/null
	for c in $down; do
		echo 1 > "/sys/devices/system/cpu/cpu$c/online" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_plan 14
kmsg_mark
[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin

# maps/llcs, entry by entry: "FIRST NR_CPUS KIB", and entry 0's count.
llc_entry() { bpftool -j map dump pinned "$PIN_MAPS/llcs" | jq -r --argjson k "$1" \
	'.[] | .formatted | select(.key == $k) | .value | "\(.first_cpu) \(.nr_cpus) \(.cache_kib)"'; }
llc_field() { bpftool -j map dump pinned "$PIN_MAPS/llcs" | jq -r --argjson k "$1" \
	--arg f "$2" '.[] | .formatted | select(.key == $k) | .value[$f]'; }
# llc_is L FIELD VALUE: whether entry L's FIELD is VALUE now.
llc_is() { [ "$(llc_field "$1" "$2")" = "$3" ]; }

ok=0 l=0
while read -r list kib; do
	want="$(expand "$list" | head -n 1) $(expand "$list" | wc -l) $kib"
	got=$(llc_entry $l)
	[ "$got" = "$want" ] || { ktap_note "LLC $l: maps/llcs '$got', sysfs '$want' (CPUs $list)"; ok=1; }
	l=$((l + 1))
done <<< "$llcs"
ktap_result "$([ $ok = 0 ] && [ "$(llc_field 0 nr_llcs)" = "$nr" ]; echo $?)" \
	"maps/llcs has the $nr LLCs of sysfs: lowest CPU, CPUs, KiB ($(printf '%s\n' "$llcs" | xargs))"

# The game on its LLC while every CPU is busy.
load_drivers -q uinput evdev vgem 2>/dev/null
game_args=(-f 120 -d 600 -w 30)
[ -e /dev/uinput ] || game_args+=(-n)
timeout -k 10 600 stress-ng -q -t 600 -c "$(nproc)" &
hog=$!
"$BENCH/game" "${game_args[@]}" > "$tmp/game.json" &
g=$!
ktap_wait 20 sh -c "[ \$(ls /proc/$g/task | wc -l) -ge 2 ]"
ktap_check "reflex-game $g sets the synthetic game" "$GAME" "$g"
# The game's LLC by default: the most cache, the lowest-numbered of equals.
game_llc=$(printf '%s\n' "$llcs" | awk '$2 > best { best = $2; l = NR - 1 } END { print l }')
ktap_wait 20 llc_is 0 game "$game_llc"
ktap_result $? "maps/llcs names LLC $game_llc, the one with the most cache, as the game's"
game_cpus=" $(expand "$(printf '%s\n' "$llcs" | sed -n "$((game_llc + 1))p" | cut -d' ' -f1)" | xargs) "

# 300 samples of where each thread of the game last ran: field 39 of its
# stat (after the command, which may hold spaces, field 37), read by one
# process, so that the samples come fast even in a slow guest.
read -r in out < <(awk -v dir="/proc/$g/task" -v cpus="$game_cpus" '
	BEGIN {
		while (("ls " dir) | getline t > 0)
			task[++n] = t
		for (i = 0; i < 300; i++)
			for (j = 1; j <= n; j++) {
				f = dir "/" task[j] "/stat"
				if ((getline line < f) > 0) {
					sub(/.*\) /, "", line)
					split(line, fld, " ")
					if (index(cpus, " " fld[37] " "))
						in_llc++
					else
						out_llc++
				}
				close(f)
			}
		print in_llc + 0, out_llc + 0
	}')
ktap_note "game LLC $game_llc (CPUs$game_cpus): $in samples there, $out elsewhere"
ktap_result "$([ $((in + out)) -gt 0 ] && [ $((in * 100)) -ge $(( (in + out) * 90 )) ]; echo $?)" \
	"the game's threads ran on its LLC in at least 90% of $((in + out)) samples"
ktap_result "$(stat_above enqueue_game_llc 0 || stat_above preempt 0; echo $?)" \
	"game threads were queued on, or preempted their way into, their LLC"

# A whole LLC, not CPU 0's, offline and back, under the same load.
l=$(printf '%s\n' "$llcs" | awk '{ print NR - 1, $1 }' |
    while read -r n list; do expand "$list" | grep -qx 0 || { echo "$n"; break; }; done)
list=$(printf '%s\n' "$llcs" | sed -n "$((l + 1))p" | cut -d' ' -f1)
cpus=$(expand "$list" | xargs)
enable_seq=$(cat "$SCX_SYSFS/enable_seq")
ok=0
for c in $cpus; do
	echo 0 > "/sys/devices/system/cpu/cpu$c/online" || ok=1
	down="$down $c"
done
ktap_wait 30 llc_is "$l" nr_online 0
rc=$?
ktap_result "$([ $ok = 0 ] && [ $rc = 0 ]; echo $?)" \
	"LLC $l (CPUs $cpus) all offline: maps/llcs counts 0 online"
running() { [ "$(scx_state)" = enabled ] && [ "$(scx_ops)" = reflex ]; }
ktap_result "$(running; echo $?)" "scx_reflex runs with LLC $l offline"
for c in $cpus; do
	echo 1 > "/sys/devices/system/cpu/cpu$c/online" || ok=1
done
down=
n=$(expand "$list" | wc -l)
ktap_wait 30 llc_is "$l" nr_online "$n"
rc=$?
ktap_result "$([ $rc = 0 ] && [ $ok = 0 ] && running &&
	       [ "$(cat "$SCX_SYSFS/enable_seq")" = "$enable_seq" ]; echo $?)" \
	"all back: maps/llcs counts $n online, scx_reflex attached all along"

# An LLC whose CPUs are all offline when scx_reflex starts is not there
# for it; its CPUs coming online add it, as sysfs describes it.  No load
# here: this is about placement, and hotplug under load is slow in a
# 16-vCPU guest.
kill "$g" "$hog" 2>/dev/null
wait "$g" "$hog" 2>/dev/null
g= hog=
reflex_unpin >/dev/null
for c in $cpus; do
	echo 0 > "/sys/devices/system/cpu/cpu$c/online" || ok=1
	down="$down $c"
done
ktap_check "make pin with LLC $l offline" reflex_pin
ktap_result "$([ "$(llc_field 0 nr_llcs)" = $((nr - 1)) ]; echo $?)" \
	"maps/llcs has $((nr - 1)) LLC(s) while LLC $l is offline"
for c in $cpus; do
	echo 1 > "/sys/devices/system/cpu/cpu$c/online" || ok=1
done
down=
ktap_wait 30 llc_is "$l" nr_online "$n"
rc=$?
want="$(expand "$list" | head -n 1) $n $(printf '%s\n' "$llcs" | sed -n "$((l + 1))p" | cut -d' ' -f2)"
ktap_result "$([ $rc = 0 ] && [ $ok = 0 ] && [ "$(llc_field 0 nr_llcs)" = "$nr" ] &&
	       [ "$(llc_entry $l)" = "$want" ] && running; echo $?)" \
	"its CPUs online again add LLC $l back ($want: lowest CPU, CPUs, KiB), attached"

# (Our own unpin above is "unregistered from user space": not a fault.)
stalls=$(kmsg_since | grep -E 'sched_ext: .*(stall|disabled|exiting)' |
	 grep -v 'unregistered from user space')
[ -z "$stalls" ] || printf '%s\n' "$stalls" | sed 's/^/# /'
ktap_result "$([ -z "$stalls" ]; echo $?)" "no sched_ext stall or exit in the kernel log"
ktap_check "make unpin" reflex_unpin
ktap_finish
