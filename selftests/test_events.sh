#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_events.sh - the event write path and reflex-events, on the host.
#
# The scheduler's own write path, reflex_emit() (bpf/events.bpf.c), is
# linked into a raw_tp test program (selftests/progs/emit_test.bpf.o),
# pinned with bpftool the way `make pin` pins the scheduler, and driven
# with BPF_PROG_TEST_RUN on each CPU (BPF_F_TEST_RUN_ON_CPU).  reflex-events
# reads the pinned rings back.  Everything happens in a private mount
# namespace with its own bpffs, so nothing is left on the host.
. "$(dirname "$0")/lib.sh"

need_root
obj=$PROGS/emit_test.bpf.o
events=$EVENTS
[ -f "$obj" ] && [ -x "$events" ] || ktap_skip_all "not built: run make -C selftests"

if [ "${1:-}" != --in-ns ]; then
	exec unshare -m --propagation private "$0" --in-ns
fi

umount -q /sys/fs/bpf 2>/dev/null
mount -t bpf -o mode=0700 bpf /sys/fs/bpf
tmp=$(mktemp -d)
cleanup()
{
	consumer_kill
	rm -rf "$tmp"
}
trap cleanup EXIT

ncpu=$(nproc)
run="$HELPERS/bpf-run -p $PIN_ROOT/progs/emit_test"
EV_KEY=1 KEY_A=30

ktap_plan 15

out=$("$events" 2>&1)
ktap_result "$([ $? = 1 ] && printf '%s' "$out" | grep -q 'scx_reflex is not pinned.*' &&
	       printf '%s' "$out" | grep -q 'sudo make pin'; echo $?)" \
	"reflex-events without pins: says scx_reflex is not pinned, exit 1"

mkdir -m 0700 "$PIN_ROOT"
ktap_check "bpftool loads and pins the write path with 16 rings" \
	bpftool prog loadall "$obj" "$PIN_ROOT/progs" pinmaps "$PIN_ROOT/maps"

out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$events" 2>&1)
ktap_result "$([ $? = 1 ] && printf '%s' "$out" | grep -q 'permission denied.*root-only'; echo $?)" \
	"reflex-events as another user: permission denied, pins are root-only, exit 1"


consumer_start "$tmp/a.jsonl" -j
ktap_result $? "reflex-events opens the 16 pinned rings"

# One event per CPU: dev 1000+cpu, key press, codes off; then dev
# 2000+cpu with codes on.
for cpu in $(seq 0 $((ncpu - 1))); do
	$run -c "$cpu" $((1000 + cpu)) $EV_KEY $KEY_A 1 0 >/dev/null
	$run -c "$cpu" $((2000 + cpu)) $EV_KEY $KEY_A 1 1 >/dev/null
done
consumer_stop
ktap_result $? "reflex-events exits 0 on SIGINT"
sed 's/^/# /' "$tmp/a.jsonl.err"

ok=0
for cpu in $(seq 0 $((ncpu - 1))); do
	got=$(jq -c "select(.dev == $((1000 + cpu))) | [.cpu, .ring]" "$tmp/a.jsonl")
	[ "$got" = "[$cpu,$((cpu % 16))]" ] || { ktap_note "CPU $cpu: got '$got'"; ok=1; }
done
ktap_result $ok "each event is in ring cpu % 16 of the CPU that wrote it ($ncpu CPUs)"

ktap_result "$(jq -e -s '[.[] | select(.dev >= 1000 and .dev < 2000)] |
	length > 0 and all(.code == 0 and .value == 0 and .codes == false and
			   .class == "key_press" and .type == "EV_KEY")' \
	"$tmp/a.jsonl" >/dev/null; echo $?)" \
	"privacy default: key events carry no code or value, only the class"
ktap_result "$(jq -e -s '[.[] | select(.dev >= 2000)] |
	length > 0 and all(.code == 30 and .value == 1 and .codes == true)' \
	"$tmp/a.jsonl" >/dev/null; echo $?)" \
	"with codes enabled the event carries code and value"
# Ring 0 takes CPUs 0, 16, 32, ...: two events from each.
ring0=$((2 * ((ncpu + 15) / 16)))
ktap_result "$(jq -e -s '[.[] | select(.ring == 0) | .seq] == [range(0; '$ring0')]' \
	"$tmp/a.jsonl" >/dev/null; echo $?)" \
	"sequence numbers count up from 0 in each ring"
ktap_result "$(jq -e -s '.[-1].summary.received == '$((2 * ncpu))' and
	.[-1].summary.dropped == 0' "$tmp/a.jsonl" >/dev/null; echo $?)" \
	"the summary counts $((2 * ncpu)) received, 0 dropped"

# A stalled consumer: 6000 events into ring 0 while it is stopped.  256
# KiB holds 4681 records of 56 bytes, so some must be dropped, and every
# one must be accounted for.
consumer_start "$tmp/b.jsonl" -j
kill -STOP "$consumer_pid"
$run -c 0 -n 6000 7 $EV_KEY $KEY_A 0 0 >/dev/null
kill -CONT "$consumer_pid"
consumer_stop
jq -c '.summary // empty' "$tmp/b.jsonl" | sed 's/^/# /'
rcv=$(jq -s '[.[] | select(.dev == 7)] | length' "$tmp/b.jsonl")
drop=$(jq -s '.[-1].summary.rings[0].dropped' "$tmp/b.jsonl")
ktap_result "$([ "$drop" -gt 0 ] && [ $((rcv + drop)) = 6000 ]; echo $?)" \
	"stalled consumer: received $rcv + dropped $drop = 6000 written"
ktap_result "$(jq -e -s 'any(.ring == 0 and .dropped > 0)' "$tmp/b.jsonl" >/dev/null; echo $?)" \
	"reflex-events reports the drops as they are seen"
ktap_result "$(bpftool -j map dump pinned "$PIN_ROOT/maps/event_counts" |
	jq -e '.[].formatted | select(.key == 0) | .value.dropped == '"$drop"' and
	       .value.produced == '"$((ring0 + rcv))" >/dev/null; echo $?)" \
	"maps/event_counts shows produced and dropped for ring 0 by name"

# -m: timestamp order across rings.
consumer_start "$tmp/c.txt" -m
for i in 1 2 3; do
	for cpu in $(seq 0 $((ncpu - 1))); do
		$run -c "$cpu" $((3000 + i)) 2 0 1 0 >/dev/null
	done
done
kill -TERM "$consumer_pid"
wait "$consumer_pid"
rc=$?
consumer_pid=
ktap_result "$rc" "reflex-events exits 0 on SIGTERM"
ts=$(grep -E ' input300[123] ' "$tmp/c.txt" | awk '{print $1}')
ktap_result "$([ "$(printf '%s\n' "$ts" | wc -l)" = $((3 * ncpu)) ] &&
	       [ "$ts" = "$(printf '%s\n' "$ts" | sort -n)" ]; echo $?)" \
	"-m prints events of all rings in timestamp order"

ktap_finish
