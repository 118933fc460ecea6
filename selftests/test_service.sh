#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_service.sh - what scx_reflex.service runs, without systemd (the
# guests do not boot it): `scx_reflex watch` pins the scheduler; after a
# sysrq-S ejection it logs the decoded reason and pins it again; at its
# ejection limit it gives up with a log line and exit 1, leaving the pins
# for reflex-status; SIGTERM (what systemd sends on stop) unpins it and
# exits 0; a start after the give-up unpins the ejected one first.
# `systemd-analyze verify` checks the unit where systemd is installed.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root

cmd=$SRCTREE/pin/scx_reflex
log=$(mktemp)
watcher=

cleanup()
{
	[ -z "$watcher" ] || kill -KILL "$watcher" 2>/dev/null
	wait 2>/dev/null
	rm -f "$log"
}
trap cleanup EXIT

running() { "$STATUS" >/dev/null 2>&1; }
enable_seq() { cat "$SCX_SYSFS/enable_seq"; }
gone() { ! kill -0 "$watcher" 2>/dev/null; }
logged() { grep -q -- "$1" "$log"; }

# watch_start ARGS: scx_reflex watch ARGS in the background, logging to $log
watch_start()
{
	: > "$log"
	"$cmd" watch "$@" >> "$log" 2>&1 &
	watcher=$!
}

# watch_exit: wait for it to exit (bounded); its status
watch_exit()
{
	local rc

	ktap_wait 120 gone || return 124
	wait "$watcher"
	rc=$?
	watcher=
	return $rc
}

ktap_plan 13

[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
kmsg_mark

watch_start -n 2 -w 3600
ktap_result "$(ktap_wait 120 running; echo $?)" "scx_reflex watch pins the scheduler; it runs"
seq0=$(enable_seq)

echo S > /proc/sysrq-trigger
ktap_result "$(ktap_wait 120 sh -c "[ \$(cat $SCX_SYSFS/enable_seq) -gt $seq0 ] && $STATUS >/dev/null"; echo $?)" \
	"after a sysrq-S ejection it is pinned and running again (enable_seq $seq0 -> $(enable_seq))"
sed 's/^/# /' "$log"
ktap_result "$(logged 'the kernel ejected scx_reflex: SCX_EXIT_SYSRQ' &&
	       logged 'reason: disabled by sysrq-S'; echo $?)" \
	"the log line names the exit kind and reason (SCX_EXIT_SYSRQ, disabled by sysrq-S)"
ktap_result "$(logged 'ejection 1 of at most 2'; echo $?)" "the log says which ejection of how many this was"

echo S > /proc/sysrq-trigger
watch_exit
rc=$?
sed 's/^/# /' "$log"
ktap_result "$([ $rc = 1 ]; echo $?)" "at its limit (2 ejections) it gives up: exit $rc, 1 expected"
ktap_result "$(logged 'giving up: ejected 2 times'; echo $?)" "the log says it gave up, and why"
"$STATUS" >/dev/null 2>&1
rc=$?
ktap_result "$([ $rc = 3 ] && [ -e "$PIN_ROOT/link" ]; echo $?)" \
	"the ejected scheduler stays pinned for reflex-status (exit $rc: not running)"

watch_start
ktap_result "$(ktap_wait 120 running; echo $?)" "a new start unpins the ejected one and pins it afresh"
ktap_result "$(logged 'found scx_reflex ejected: SCX_EXIT_SYSRQ'; echo $?)" \
	"and logs why the old one had stopped"

kill -TERM "$watcher"
watch_exit
rc=$?
sed 's/^/# /' "$log"
ktap_result "$([ $rc = 0 ]; echo $?)" "SIGTERM (systemctl stop) ends it with exit 0 (got $rc)"
ktap_result "$([ ! -e "$PIN_ROOT" ] && [ "$(scx_state)" = disabled ]; echo $?)" \
	"and unpins the scheduler: no pins, sched_ext disabled"

stalls=$(kmsg_since | grep -E 'sched_ext: .*stall' | sed 's/^/# /')
[ -z "$stalls" ] || printf '%s\n' "$stalls"
ktap_result "$([ -z "$stalls" ]; echo $?)" "no watchdog stall in the kernel log"

if command -v systemd-analyze >/dev/null; then
	# ExecStart must exist for verify: copies naming this tree's commands
	units=$(mktemp -d)
	for u in scx_reflex.service scx_reflex-game.socket scx_reflex-game.service; do
		sed -e "s|@SBINDIR@/scx_reflex|$cmd|" \
		    -e "s|@SBINDIR@/reflex-gamed|$OBJTREE/tools/reflex-gamed|" \
		    "$SRCTREE/pin/$u" > "$units/$u"
	done
	out=$(systemd-analyze verify --man=no "$units"/* 2>&1)
	rc=$?
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
	ktap_result "$([ $rc = 0 ] && [ -z "$out" ]; echo $?)" \
		"systemd-analyze verify passes the units (scx_reflex.service, scx_reflex-game.socket and .service)"
	rm -rf "$units"
else
	ktap_skip "systemd-analyze verify" "systemd-analyze is not installed"
fi

ktap_finish
