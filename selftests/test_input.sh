#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_input.sh - real input events through the pinned rings, on a
# sched_ext kernel with uinput devices (run at 4 vCPUs).
#
# uinput-inject creates one uinput device per writer thread, each thread
# pinned to its own CPU, writes events at 1 kHz and in 8 kHz bursts, and
# reads them back through evdev from one reader thread while another
# thread only burns CPU; the reader wakes a worker thread after each read.
# Checked: every event written reaches reflex-events or is counted as
# dropped, exactly; each sits in the ring of the CPU that wrote it; codes
# stay private unless enabled; the reader is marked an input handler, the
# worker it wakes one step away, and the busy thread not; under CPU load the
# reader's wakeups get the input boost; consumers come and go without
# disturbing the scheduler; the pins stay root-only.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root

inject=$BENCH/uinput-inject
events=$EVENTS
tmp=$(mktemp -d)
cleanup()
{
	consumer_kill
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_plan 25

ktap_check "load uinput evdev" load_drivers uinput evdev
[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin


# check_run NAME INJECT.json EVENTS.jsonl: exact accounting and placement
# for the devices the injector reports.
check_run()
{
	local name=$1 inj=$2 ev=$3 written rcv drop bad

	written=$(jq .written "$inj")
	rcv=$(jq -s --slurpfile inj "$inj" '[$inj[0].devices[].dev] as $d |
		[.[] | select(.dev != null and (.dev as $x | $d | index($x)))] | length' "$ev")
	drop=$(jq -s '.[-1].summary.dropped' "$ev")
	ktap_note "$name: written $written, received $rcv, dropped $drop"
	ktap_result "$([ "$written" -gt 0 ] && [ $((rcv + drop)) = "$written" ]; echo $?)" \
		"$name: received + dropped = written ($rcv + $drop = $written)"
	bad=$(jq -s --slurpfile inj "$inj" '
		[$inj[0].devices[] | {(.dev | tostring): .cpu}] | add as $cpu |
		[.[] | select(.dev != null and $cpu[.dev | tostring] != null) |
		 select(.cpu != $cpu[.dev | tostring] or .ring != .cpu % 16)] | length' "$ev")
	ktap_result "$([ "$bad" = 0 ]; echo $?)" \
		"$name: every event is in ring cpu % 16 of its writer's CPU ($bad misplaced)"
}

# 1 kHz from 4 threads on 4 CPUs.  (Class 5 is REFLEX_TC_INPUT, 0 batch
# work: the wake-to-run histograms count the reader's wakeups as input.)
input_before=$(lat_count 5)
other_before=$(lat_count 0)
consumer_start "$tmp/a.jsonl" -j
"$inject" -t 4 -n 300 -r 1000 > "$tmp/a.json"
ktap_result $? "1 kHz: 4 writer threads wrote their events"
consumer_stop
input_after=$(lat_count 5)
ktap_result "$([ "$input_after" -gt "$input_before" ] &&
	       [ "$(lat_count 0)" -gt "$other_before" ]; echo $?)" \
	"maps/latency counted the input handlers' wakeups ($input_before -> $input_after) and batch work's"
"$STATS" -1 > "$tmp/lat.txt"
ktap_result "$(grep -Eq '^ +input +[1-9][0-9]* +<[0-9.]+[nmu]?s +<' "$tmp/lat.txt"; echo $?)" \
	"reflex-stats -1 shows the input class's wakeups with p50 and p99"
grep -E '^ +(input|other) ' "$tmp/lat.txt" | sed 's/^/# /'
check_run "1 kHz" "$tmp/a.json" "$tmp/a.jsonl"
jq -c . "$tmp/a.json" | sed 's/^/# /'

ktap_result "$(jq -e -s '[.[] | select(.vendor == 29285 and .type == "EV_KEY")] |
	length > 0 and all(.code == 0 and .value == 0 and .codes == false) and
	any(.class == "key_press") and any(.class == "key_release")' \
	"$tmp/a.jsonl" >/dev/null; echo $?)" \
	"privacy default: key events carry press/release, no code or value"

reader=$(jq .reader_tid "$tmp/a.json")
busy=$(jq .busy_tid "$tmp/a.json")
tasks=$(bpftool -j map dump pinned "$PIN_MAPS/task_classes")
ktap_result "$(printf '%s' "$tasks" | json_check --argjson t "$reader" \
	'any(.[].formatted; .key == $t and .value.input_depth == 0 and .value.nr_events > 0)' \
	>/dev/null; echo $?)" "the evdev reader thread ($reader) is marked an input handler"
worker=$(jq .worker_tid "$tmp/a.json")
ktap_result "$(printf '%s' "$tasks" | json_check --argjson t "$worker" \
	'any(.[].formatted; .key == $t and .value.input_depth == 1)' \
	>/dev/null; echo $?)" "the thread the reader wakes ($worker) is marked one step away"
ktap_result "$(printf '%s' "$tasks" | json_check --argjson t "$busy" \
	'any(.[].formatted; .key == $t) | not' >/dev/null; echo $?)" \
	"the busy thread ($busy), which reads nothing, is not"
ktap_result "$(stat_above handler_marks 0 && stat_above chain_marks 0 &&
	       stat_above input_reads 0; echo $?)" \
	"stats count handler marks, chain marks and evdev reads"

# 8 kHz bursts of 64 from 4 threads.
consumer_start "$tmp/b.jsonl" -j
"$inject" -t 4 -n 2000 -r 8000 -b 64 > "$tmp/b.json"
ktap_result $? "8 kHz bursts: 4 writer threads wrote their events"
consumer_stop
check_run "8 kHz bursts" "$tmp/b.json" "$tmp/b.jsonl"

# Full codes, switched on with reflex-tune on the running scheduler.
"$TUNE" event_codes=1 >/dev/null
consumer_start "$tmp/c.jsonl" -j
"$inject" -t 1 -n 12 -r 1000 > "$tmp/c.json"
consumer_stop
"$TUNE" event_codes=0 >/dev/null
ktap_result "$(jq -e -s '[.[] | select(.vendor == 29285 and .type == "EV_KEY")] |
	length > 0 and all(.codes == true and .code == 30) and
	any(.value == 1) and any(.value == 0)' "$tmp/c.jsonl" >/dev/null; echo $?)" \
	"event_codes=1 set with reflex-tune: key events carry KEY_A (30) and values"

out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$events" 2>&1)
ktap_result "$([ $? = 1 ] && printf '%s' "$out" | grep -q 'root-only'; echo $?)" \
	"another user cannot open the rings (exit 1, says root-only)"

# A consumer killed mid-stream.
consumer_start "$tmp/d.jsonl" -j
"$inject" -t 2 -n 1500 -r 1000 > "$tmp/d.json" &
inj=$!
ktap_wait 60 sh -c "[ \$(grep -c '\"dev\"' '$tmp/d.jsonl') -ge 10 ]"
ktap_result $? "a consumer receives events while the injection runs"
kill -KILL "$consumer_pid"
wait "$consumer_pid" 2>/dev/null
consumer_pid=
wait "$inj"
ktap_result "$([ "$(scx_state)" = enabled ] && [ "$(scx_ops)" = reflex ]; echo $?)" \
	"killing it mid-stream leaves reflex running"
consumer_start "$tmp/e.jsonl" -j
"$inject" -t 1 -n 60 -r 1000 > "$tmp/e.json"
consumer_stop
check_run "a new consumer" "$tmp/e.json" "$tmp/e.jsonl"

# Under CPU load the reader's wakeups find no idle CPU: they preempt a
# CPU hog or are queued early; the hogs' never are.
before=$(( $(stat_sum enqueue_boost) + $(stat_sum preempt) ))
timeout 120 stress-ng -q -t 30 -c "$(nproc)" &
hog=$!
"$inject" -t 2 -n 600 -r 1000 > "$tmp/f.json"
kill "$hog" 2>/dev/null
wait "$hog" 2>/dev/null
reader=$(jq .reader_tid "$tmp/f.json")
after=$(( $(stat_sum enqueue_boost) + $(stat_sum preempt) ))
ktap_result "$([ "$after" -gt "$before" ]; echo $?)" \
	"under load, wakeups get the input lead (boosted + preempting: $before -> $after)"
tasks=$(bpftool -j map dump pinned "$PIN_MAPS/task_classes")
ktap_result "$(printf '%s' "$tasks" | json_check --argjson t "$reader" \
	'any(.[].formatted; .key == $t and .value.nr_boosted + .value.nr_preempted > 0)' \
	>/dev/null; echo $?)" "the reader thread is among them"
ktap_result "$(printf '%s' "$tasks" | json_check \
	'any(.[].formatted; .value.comm | startswith("stress-ng")) | not' >/dev/null; echo $?)" \
	"no CPU hog was ever marked or favoured"

ktap_check "make unpin" reflex_unpin
ktap_finish
