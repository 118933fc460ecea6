#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_tunables.sh - whatever is written into maps/tunables behind
# reflex-tune's back, the running scheduler stays safe and private.  Under
# a CPU hog on every CPU, the entry is overwritten with random bytes again
# and again (its event_codes anything but 1) while key presses are
# injected: no record ever carries a key code, the scheduler is never
# ejected, and what was out of range or of another version is counted.
# Then the exact edge: event_codes 2 and 0xffffffff keep codes off, only 1
# turns them on.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; consumer_kill; kill $(jobs -p) 2>/dev/null' EXIT
ROUNDS=15

ktap_plan 11

ktap_check "load uinput evdev" load_drivers uinput evdev
[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin
enable_seq=$(cat "$SCX_SYSFS/enable_seq")
clamped=$(stat_sum tunable_clamped)
bad_version=$(stat_sum tunable_bad_version)

# The entry's size, as the map has it (struct reflex_tunables).
size=$(bpftool -j map show pinned "$PIN_MAPS/tunables" | jq .bytes_value)

# poke_tunables HEX...: write the whole entry ($size bytes).
poke_tunables()
{
	bpftool map update pinned "$PIN_MAPS/tunables" key hex 00 00 00 00 \
		value hex "$@"
}

timeout -k 10 600 stress-ng -q -t 600 -c "$(nproc)" &
hog=$!
consumer_start "$tmp/fuzz.jsonl" -j
written=0
for i in $(seq $ROUNDS); do
	# Random bytes, but version 1 (so that the scheduler reads the rest)
	# in every round but the first, which has version 7; bytes 4..7
	# (event_codes) never the value 1.
	set -- $(head -c "$size" /dev/urandom | od -An -tx1 -v)
	b=("$@")
	b[0]=01 b[1]=00 b[2]=00 b[3]=00
	[ $i != 1 ] || b[0]=07
	if [ "${b[4]}${b[5]}${b[6]}${b[7]}" = 01000000 ]; then
		b[4]=02
	fi
	if poke_tunables "${b[@]}" >/dev/null; then
		written=$((written + 1))
	else
		ktap_note "round $i: bpftool map update failed"
	fi
	"$BENCH/uinput-inject" -t 1 -n 4 -r 1000 >> "$tmp/inj.jsonl"
done
consumer_stop
kill "$hog" 2>/dev/null
wait "$hog" 2>/dev/null

keys=$(jq -s '[.[] | select(.vendor == 29285 and .type == "EV_KEY")]' "$tmp/fuzz.jsonl")
ktap_result "$([ $written = $ROUNDS ] &&
	       printf '%s' "$keys" | json_check 'length > 0 and all(.codes == false and .code == 0 and .value == 0)'; echo $?)" \
	"$written of $ROUNDS rounds of random $size-byte tunables written: no key event carried a code ($(printf '%s' "$keys" | jq length) seen)"
ktap_result "$([ "$(scx_state)" = enabled ] && [ "$(scx_ops)" = reflex ] &&
	       [ "$(cat "$SCX_SYSFS/enable_seq")" = "$enable_seq" ]; echo $?)" \
	"the scheduler ran through all of them, never ejected"
kind=$(bpftool -j map dump pinned "$PIN_MAPS/exit_info" | jq '.[0].formatted.value.kind')
ktap_result "$([ "$kind" = 0 ]; echo $?)" "exit_info records no exit (kind $kind)"
ktap_result "$(stat_above tunable_clamped "$clamped" &&
	       stat_above tunable_bad_version "$bad_version"; echo $?)" \
	"out-of-range values and another version were counted ($(stat_sum tunable_clamped) clamped, $(stat_sum tunable_bad_version) of another version)"

# codes_with HEX: set event_codes (bytes 4..7) to HEX on the defaults,
# inject key presses, and print whether they carried codes.
codes_with()
{
	"$TUNE" --reset >/dev/null
	map_poke tunables 4 "$@" >/dev/null
	consumer_start "$tmp/c.jsonl" -j
	"$BENCH/uinput-inject" -t 1 -n 6 -r 1000 >/dev/null
	consumer_stop
	jq -s '[.[] | select(.vendor == 29285 and .type == "EV_KEY") | .codes] | unique | tostring' -r "$tmp/c.jsonl"
}
ktap_result "$([ "$(codes_with 02 00 00 00)" = '[false]' ]; echo $?)" "event_codes 2: no codes"
ktap_result "$([ "$(codes_with ff ff ff ff)" = '[false]' ]; echo $?)" "event_codes 0xffffffff: no codes"
ktap_result "$([ "$(codes_with 01 00 00 00)" = '[true]' ]; echo $?)" "event_codes 1: codes"
"$TUNE" --reset >/dev/null
ktap_result "$([ "$(scx_state)" = enabled ]; echo $?)" "still enabled"
ktap_check "make unpin" reflex_unpin
ktap_finish
