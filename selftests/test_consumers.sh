#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_consumers.sh - the consumers of the pins follow them.  One
# reflex-events reads the rings at a time: a second is refused, naming
# the first.  `make unpin` stops reflex-events and reflex-stats with a
# message instead of leaving them holding maps nobody writes; with -f,
# reflex-events waits, and reads the new rings once scx_reflex is pinned
# again.  Needs uinput (for events after the re-pin).
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; consumer_kill; kill $(jobs -p) 2>/dev/null' EXIT

ktap_plan 11

ktap_check "load uinput evdev" load_drivers uinput evdev
[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin

consumer_start "$tmp/a.jsonl" -j
first=$consumer_pid
out=$(timeout 20 "$EVENTS" -t 2 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
ktap_result "$([ $rc = 1 ] &&
	       printf '%s' "$out" | grep -q "pid $first (reflex-events) already reads the input event rings"; echo $?)" \
	"a second reflex-events is refused, naming the first (pid $first)"
out=$(timeout 20 "$BENCH/input-latency" -n 10 2>&1)
rc=$?
[ $rc = 1 ] || printf '%s\n' "$out" | sed 's/^/# /'
ktap_result "$([ $rc = 1 ] && printf '%s' "$out" | grep -q "pid $first (reflex-events) already reads"; echo $?)" \
	"so is the input-latency benchmark, another consumer"

"$STATS" -i 0.2 > "$tmp/stats" 2> "$tmp/stats.err" &
stats=$!
ktap_wait 30 sh -c "[ \$(wc -l < '$tmp/stats') -ge 2 ]"
reflex_unpin >/dev/null
ktap_wait 30 sh -c "! kill -0 $first 2>/dev/null"
wait "$first"
rc=$?
consumer_pid=
# With -j, errors are JSON on stdout, as bpftool's are.
ktap_result "$([ $rc = 1 ] && grep -q '"error":"scx_reflex was unpinned: stopping"' "$tmp/a.jsonl"; echo $?)" \
	"make unpin stops reflex-events: exit 1, says it was unpinned"
ktap_wait 30 sh -c "! kill -0 $stats 2>/dev/null"
wait "$stats"
rc=$?
ktap_result "$([ $rc = 1 ] && grep -q 'scx_reflex was unpinned: stopping' "$tmp/stats.err"; echo $?)" \
	"... and reflex-stats"
ktap_result "$(grep -q '"summary"' "$tmp/a.jsonl"; echo $?)" \
	"reflex-events still prints its summary"

# -f: across an unpin and a pin.
reflex_pin >/dev/null
consumer_start "$tmp/f.jsonl" -j -f
reflex_unpin >/dev/null
ktap_wait 30 grep -q 'waiting for it' "$tmp/f.jsonl.err"
ktap_result $? "reflex-events -f waits when scx_reflex is unpinned"
reflex_pin >/dev/null
ktap_wait 30 sh -c "[ \$(grep -c 'reading 16 rings' '$tmp/f.jsonl.err') -ge 2 ]"
ktap_result $? "... and reads the new rings once it is pinned again"
"$BENCH/uinput-inject" -t 1 -n 50 -r 1000 > "$tmp/inj.json"
dev=$(jq '.devices[0].dev' "$tmp/inj.json")
ktap_wait 30 sh -c "[ \$(jq -c 'select(.dev == $dev)' '$tmp/f.jsonl' | wc -l) -ge 50 ]"
ktap_result $? "events written after the re-pin reach it (50 of 50)"
consumer_stop
ktap_check "make unpin" reflex_unpin
ktap_finish
