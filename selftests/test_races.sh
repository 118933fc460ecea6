#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_races.sh - make pin and make unpin against each other and against
# SIGKILL.  Three pins at once from an unmounted bpffs: exactly one wins,
# bpffs is mounted once, the others say who pinned it, and nothing of the
# winner's is removed.  A pin killed (SIGKILL, the script alone, its
# bpftool or loader left to finish) at each of its steps: the next make pin
# works, or says exactly what to run, and that works.
#
# It runs in a private mount namespace, so that it may unmount bpffs
# without touching the host's (systemd's, with other pins).
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root
if [ "${1:-}" != --in-ns ]; then
	[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
	exec unshare -m --propagation private "$0" --in-ns
fi

PIN=$SRCTREE/pin/pin.sh
export BPFTOOL=bpftool BPF_OBJ LOADER STATUS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; kill $(jobs -p) 2>/dev/null' EXIT

running() { [ "$(scx_state)" = enabled ] && [ "$(scx_ops)" = reflex ]; }

ktap_plan 10

# ---- three at once, bpffs not mounted -------------------------------------
[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
umount -q /sys/fs/bpf 2>/dev/null
pids=
for i in 1 2 3; do
	"$PIN" > "$tmp/pin$i" 2>&1 &
	pids="$pids $!"
done
winner= rcs=
i=0
for p in $pids; do
	i=$((i + 1))
	wait "$p"
	rc=$?
	rcs="$rcs $rc"
	[ $rc = 0 ] && winner="$winner $p"
done
winner=${winner# }
ktap_note "exit codes:$rcs; winner: ${winner:-none}"
ktap_result "$([ -n "$winner" ] && [ "$winner" = "${winner%% *}" ]; echo $?)" \
	"three make pin at once: exactly one wins"
mounts=$(grep -c ' /sys/fs/bpf bpf ' /proc/mounts)
ktap_result "$([ "$mounts" = 1 ]; echo $?)" "bpffs is mounted once ($mounts)"
ktap_result "$(running && [ -e "$PIN_ROOT/link" ] &&
	       [ "$(ls "$PIN_MAPS" | grep -c '^events_')" = 16 ]; echo $?)" \
	"the winner's scheduler runs, with all its pins"
ok=0
i=0
for p in $pids; do
	i=$((i + 1))
	[ "$p" = "$winner" ] && continue
	if ! grep -q "pinned by make pin (pid $winner)" "$tmp/pin$i"; then
		sed 's/^/# /' "$tmp/pin$i"
		ok=1
	fi
done
ktap_result $ok "each loser says who pinned it (make pin, pid $winner)"
reflex_unpin > "$tmp/u1" 2>&1 &
u1=$!
reflex_unpin > "$tmp/u2" 2>&1
rc2=$?
wait "$u1"
rc1=$?
ktap_result "$([ $rc1 = 0 ] && [ $rc2 = 0 ] && [ ! -e "$PIN_ROOT" ] &&
	       [ "$(scx_state)" = disabled ]; echo $?)" \
	"two make unpin at once: both succeed, nothing is left"

# ---- SIGKILL at each step -------------------------------------------------
# kill_at DESC COND: start make pin, wait until COND holds (in COND, $P
# is the script's pid), SIGKILL the script (what it started runs on),
# then check that the next make pin works, or says what to run and that
# works.
kill_at()
{
	local desc=$1 cond=$2 p out rc ok=0

	[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
	"$PIN" > "$tmp/killed" 2>&1 &
	p=$!
	if ! ktap_wait 120 env P=$p sh -c "$cond"; then
		ktap_note "never got to: $cond"
		ok=1
	fi
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	out=$("$PIN" 2>&1)
	rc=$?
	if [ $rc != 0 ]; then
		printf '%s\n' "$out" | grep -q 'make unpin && make pin' &&
			reflex_unpin >/dev/null && "$PIN" >/dev/null 2>&1 || ok=1
	fi
	running || ok=1
	[ $ok = 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
	ktap_result $ok "make pin killed $desc: the next one works or says what to run"
}

kill_at "holding the lock" "grep -q \"^make pin (pid \$P)\" /run/scx_reflex.lock"
kill_at "after creating the pin directory" "[ -d '$PIN_ROOT/progs' ]"
kill_at "while bpftool pins the maps" "[ -e '$PIN_MAPS/stats' ]"
kill_at "once the link is pinned" "[ -e '$PIN_ROOT/link' ]"
ktap_check "make unpin" reflex_unpin
ktap_finish
