#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_stress_all.sh - every thread class busy at once, under stress-ng's
# CPU, fork and affinity load, for STRESS_SECONDS (default 60): a game at
# 144 fps (render, input and GPU threads), a compositor committing at
# 60 Hz, aplay on 5 ms periods, uinput events at 1 kHz.  The watchdog never
# fires, the scheduler is still the one running, every CPU ran tasks, and
# each class was seen.  Needs a VM with virtio-gpu (-D virtio-gpu-pci).
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root

secs=${STRESS_SECONDS:-60}
ncpu=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; kill $(jobs -p) 2>/dev/null' EXIT

ktap_plan 13

ktap_check "load virtio-gpu vgem snd-dummy uinput evdev" \
	load_drivers virtio-gpu vgem snd-dummy uinput evdev
[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin
enable_seq=$(cat "$SCX_SYSFS/enable_seq")
kmsg_mark
runs_before=$(stat_cpus running | xargs)
for f in kms_marks gpu_marks audio_marks handler_marks preempt starved; do
	eval "before_$f=\$(stat_sum $f)"
done

lim=$((secs * 3 + 60))
timeout -k 10 $lim stress-ng -q -t "$secs" --aggressive -c "$ncpu" -f "$ncpu" \
	--affinity 1 --affinity-delay 1 --affinity-pin &
stress=$!
timeout -k 10 $lim "$BENCH/game" -f 144 -d "$secs" > "$tmp/game.json" &
timeout -k 10 $lim "$BENCH/drm-client" kms -n $((secs * 60)) -r 60 > /dev/null &
timeout -k 10 $lim aplay -q -D hw:Dummy -d "$secs" -f S16_LE -r 48000 -c 2 \
	--period-time=5000 --buffer-time=20000 /dev/zero 2>/dev/null &
timeout -k 10 $lim "$BENCH/uinput-inject" -t 2 -n $((secs * 1000)) -r 1000 > /dev/null &
wait "$stress"
ktap_result $? "stress-ng ran ${secs}s with game, compositor, audio and input busy"
wait
jq -c . "$tmp/game.json" | sed 's/^/# /'

ktap_result "$([ "$(scx_state)" = enabled ] && [ "$(scx_ops)" = reflex ]; echo $?)" \
	"reflex is still the running scheduler"
ktap_result "$([ "$(cat "$SCX_SYSFS/enable_seq")" = "$enable_seq" ]; echo $?)" \
	"it was never ejected and re-enabled (enable_seq unchanged)"
kind=$(bpftool -j map dump pinned "$PIN_MAPS/exit_info" | jq '.[0].formatted.value.kind')
ktap_result "$([ "$kind" = 0 ]; echo $?)" "exit_info records no exit (kind $kind)"
stalls=$(kmsg_since | grep -E 'sched_ext: .*(stall|disabled)')
[ -z "$stalls" ] || printf '%s\n' "$stalls" | sed 's/^/# /'
ktap_result "$([ -z "$stalls" ]; echo $?)" "no watchdog stall in the kernel log"

runs_after=$(stat_cpus running | xargs)
ok=0
set -- $runs_before
for a in $runs_after; do
	[ "$a" -gt "${1:-0}" ] 2>/dev/null || ok=1
	shift
done
ktap_result $ok "every CPU ran tasks ($runs_after)"

for f in kms_marks gpu_marks audio_marks handler_marks; do
	eval "b=\$before_$f"
	ktap_result "$(stat_above "$f" "$b"; echo $?)" "class signal seen: $f ($b -> $(stat_sum $f))"
done
ktap_note "preemptions: $before_preempt -> $(stat_sum preempt); starvation rescues: $before_starved -> $(stat_sum starved)"
ktap_check "make unpin" reflex_unpin
ktap_finish
