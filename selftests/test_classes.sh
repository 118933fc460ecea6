#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_classes.sh - each thread class is detected for a task that really
# does the thing, and not for a bystander; favoured tasks preempt CPU hogs;
# the game's frame hand-offs stay on one CPU; the tunables and the game
# setting change a running scheduler.  Needs a
# VM with virtio-gpu (-D virtio-gpu-pci): KMS commits on virtio-gpu, GPU
# submissions (fences) on vgem, PCM periods on snd-dummy, input on uinput.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root

drm=$BENCH/drm-client
game=$BENCH/game
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; kill $(jobs -p) 2>/dev/null' EXIT

ktap_plan 26
kmsg_mark

ktap_check "load virtio-gpu vgem snd-dummy uinput evdev" \
	load_drivers virtio-gpu vgem snd-dummy uinput evdev
[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin

# task_info TID: the task_classes entry of TID, or null.
task_info()
{
	bpftool -j map dump pinned "$PIN_MAPS/task_classes" |
		jq -c --argjson t "$1" '[.[].formatted | select(.key == $t) | .value][0]'
}

# task_has TID FILTER: TID has an entry, and FILTER is true of it.
task_has()
{
	task_info "$1" | json_check ". != null and ($2)"
}

# game_guessed TGID: reflex-game shows TGID as the scheduler's guess.
game_guessed()
{
	"$GAME" -j | json_check --argjson g "$1" '.mode == "guess" and .tgid == $g'
}

out=$("$drm" kms -n 60 -r 60) || ktap_note "drm-client kms failed"
tid=$(printf '%s' "$out" | jq .tid)
ktap_result "$(task_info "$tid" | json_check '.kms_ns > 0 and .comm == "drm-client"' >/dev/null; echo $?)" \
	"compositor: a task committing KMS updates on virtio-gpu is marked"
ktap_result "$(stat_above kms_marks 59; echo $?)" "stats count its 61 commits (modeset + 60 flips)"

out=$("$drm" test-only -n 20)
tid=$(printf '%s' "$out" | jq .tid)
ktap_result "$(task_info "$tid" | json_check '. == null or .kms_ns == 0' >/dev/null; echo $?)" \
	"compositor: TEST_ONLY atomic requests do not mark"

out=$("$drm" submit -n 60 -r 200) || ktap_note "drm-client submit failed"
tid=$(printf '%s' "$out" | jq .tid)
ktap_result "$(task_info "$tid" | json_check '.gpu_ns > 0 and .kms_ns == 0' >/dev/null; echo $?)" \
	"GPU: a task submitting fenced work on vgem is marked GPU (only)"
ktap_result "$(stat_above gpu_marks 59; echo $?)" "stats count its 60 submissions"

aplay -q -D hw:Dummy -d 2 -f S16_LE -r 48000 -c 2 --period-time=5000 \
	--buffer-time=20000 /dev/zero &
ap=$!
ktap_wait 20 task_has "$ap" '.audio_ns > 0'
ktap_result $? "audio: aplay servicing 5 ms PCM periods on snd-dummy is marked"
wait "$ap"

# A bystander: a CPU hog that has had a second of CPU time.
sh -c 'while :; do :; done' &
hog=$!
had_a_second() { [ "$(awk '{ print $14 + $15 }' "/proc/$hog/stat")" -ge "$(getconf CLK_TCK)" ]; }
ktap_wait 60 had_a_second
rc=$?
ktap_result "$([ $rc = 0 ] && task_info "$hog" | json_check '. == null'; echo $?)" \
	"a bystander (a CPU hog, pid $hog, 1 s of CPU time) is in no class"
kill "$hog"
wait "$hog" 2>/dev/null

# The game guess: a process that reads input and submits GPU work.
handoffs=$(stat_sum game_handoff)
"$game" -f 60 -d 4 > "$tmp/game.json" &
g=$!
ktap_wait 20 game_guessed "$g"
ktap_result $? "game: the synthetic game ($g) is guessed as the foreground game"
wait "$g"
jq -c . "$tmp/game.json" | sed 's/^/# /'
ktap_result "$(task_info "$(jq .input_tid "$tmp/game.json")" |
	       json_check '.input_depth == 0 and .input_ns > 0' >/dev/null &&
	       task_info "$(jq .gpu_tid "$tmp/game.json")" | json_check '.gpu_ns > 0' >/dev/null; echo $?)" \
	"game: its input thread is an input handler, its GPU thread GPU"
ktap_result "$(stat_above game_handoff "$handoffs"; echo $?)" \
	"game: frames handed to its GPU thread stay on the render thread's CPU (stats.game_handoff $handoffs -> $(stat_sum game_handoff))"

ktap_check "reflex-game PID sets the game" sh -c "'$GAME' $$ | grep -q '^game: *$$ '"
ktap_result "$("$GAME" -j | json_check --argjson p $$ '.mode == "set" and .tgid == $p' >/dev/null; echo $?)" \
	"reflex-game -j shows it, mode set"
map_poke game 0 01 00 00 00
ktap_result "$("$GAME" -j | json_check '.mode == "set" and .tgid == 1' >/dev/null; echo $?)" \
	"bpftool map update of maps/game sets it too (tgid 1)"
"$GAME" --none >/dev/null
ktap_result "$("$GAME" -j | json_check '.mode == "none" and .tgid == 0' >/dev/null; echo $?)" \
	"reflex-game --none: no game"
"$GAME" --auto >/dev/null
ktap_result "$("$GAME" -j | json_check '.mode == "guess"' >/dev/null; echo $?)" \
	"reflex-game --auto: back to the guess"
true &
gone=$!
wait "$gone"
out=$("$GAME" "$gone" 2>&1)
ktap_result "$([ $? = 1 ] && printf '%s' "$out" | grep -q "no process $gone"; echo $?)" \
	"reflex-game with a pid that does not exist ($gone): says so, exit 1"

# A favoured task wakes ahead of CPU hogs: with every CPU busy, the evdev
# reader's wakeups preempt a hog; the hogs never preempt anything.
timeout 120 stress-ng -q -t 60 -c "$(nproc)" &
hog=$!
before=$(stat_sum preempt)
"$BENCH/uinput-inject" -t 1 -n 600 -r 1000 > "$tmp/a.json"
reader=$(jq .reader_tid "$tmp/a.json")
ktap_result "$(stat_above preempt "$before"; echo $?)" \
	"under full load, favoured wakeups preempt batch work ($before -> $(stat_sum preempt))"
ktap_result "$(task_info "$reader" | json_check '.nr_preempted > 0' >/dev/null; echo $?)" \
	"the evdev reader's own wakeups preempted a hog"
ktap_result "$(bpftool -j map dump pinned "$PIN_MAPS/task_classes" |
	json_check 'any(.[].formatted; .value.comm | startswith("stress-ng")) | not' >/dev/null; echo $?)" \
	"no hog was ever favoured"

# Tunables, live: preemption off (preempt_min_run_ns 0) stops preemption.
# Every CPU has it within 10 ms (REFLEX_SETTINGS_TTL_NS): 20 events at
# 1 kHz first, then none of the next 300 wakeups may preempt.
"$TUNE" preempt_min_run_ns=0 >/dev/null
"$BENCH/uinput-inject" -t 1 -n 20 -r 1000 > /dev/null
before=$(stat_sum preempt)
"$BENCH/uinput-inject" -t 1 -n 300 -r 1000 > /dev/null
ktap_result "$([ "$(stat_sum preempt)" = "$before" ]; echo $?)" \
	"preempt_min_run_ns=0 set with reflex-tune: no more preemption"
"$TUNE" preempt_min_run_ns=250us >/dev/null
before=$(stat_sum preempt)
"$BENCH/uinput-inject" -t 1 -n 300 -r 1000 > /dev/null
ktap_result "$(stat_above preempt "$before"; echo $?)" \
	"set back to 250 us: preemption resumes"
# A lead far out of range, written with bpftool past reflex-tune's checks
# (gpu_boost_ns, bytes 72..79), is clamped and counted.
before=$(stat_sum tunable_clamped)
map_poke tunables 72 ff ff ff ff ff ff ff ff
"$drm" submit -n 20 -r 200 > /dev/null
ktap_result "$(stat_above tunable_clamped "$before" &&
	       [ "$(scx_ops)" = reflex ]; echo $?)" \
	"an out-of-range lead is clamped and counted; reflex keeps running"
kill "$hog" 2>/dev/null
wait "$hog" 2>/dev/null

ktap_result "$(! kmsg_since | grep -E 'sched_ext: .*(stall|disabled \(runtime)' | grep -q .; echo $?)" \
	"no scheduler error or stall in the kernel log"
ktap_check "make unpin" reflex_unpin
ktap_finish
