#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_game.sh - the foreground game setting.  A game set by hand is
# dropped by the scheduler when its process exits, so that neither a dead
# PID nor one reused by another process is kept; setting it never undoes
# the scheduler's own guess (they are separate maps); a process whose name
# is not UTF-8 still gives valid JSON; PID 1 and kernel threads are
# refused and change nothing.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; kill $(jobs -p) 2>/dev/null' EXIT

ktap_plan 9

[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin

game() { "$GAME" -j; }
set_tgid() { bpftool -j map dump pinned "$PIN_MAPS/game" | jq '.[0].formatted.value.tgid'; }

sleep 600 &
p=$!
ktap_result "$("$GAME" "$p" >/dev/null && game | json_check --argjson p $p '.mode == "set" and .tgid == $p'; echo $?)" \
	"reflex-game PID sets the game ($p)"
exits=$(stat_sum game_exits)
kill "$p"
wait "$p" 2>/dev/null
ktap_wait 30 sh -c "[ \"\$(bpftool -j map dump pinned '$PIN_MAPS/game' | jq '.[0].formatted.value.tgid')\" = 0 ]"
ktap_result $? "when it exits, the scheduler drops it: maps/game holds 0 (guess) again"
ktap_result "$(stat_above game_exits "$exits"; echo $?)" "stats.game_exits counts it"

# The guess is the scheduler's: pretend it guessed 4242, then set a game.
bpftool map update pinned "$PIN_MAPS/game_guess" key hex 00 00 00 00 \
	value hex 92 10 00 00 00 00 00 00 01 00 00 00 00 00 00 00
sleep 600 &
p=$!
"$GAME" "$p" >/dev/null
ktap_result "$(bpftool -j map dump pinned "$PIN_MAPS/game_guess" |
	       json_check '.[0].formatted.value.tgid == 4242'; echo $?)" \
	"setting the game leaves the scheduler's guess alone"
kill "$p"
wait "$p" 2>/dev/null

# A process named with bytes that are not UTF-8.
ln -s "$(command -v sleep)" "$tmp/$(printf '\xff\xfe-game')"
"$tmp/$(printf '\xff\xfe-game')" 600 &
p=$!
ktap_wait 10 grep -q -- -game "/proc/$p/comm"
"$GAME" "$p" >/dev/null
ktap_result "$(game | json_check --argjson p $p '.tgid == $p and (.comm | startswith("\ufffd\ufffd-game"))'; echo $?)" \
	"a game whose name is not UTF-8: valid JSON, the bad bytes as U+FFFD"
kill "$p"
wait "$p" 2>/dev/null

"$GAME" --auto >/dev/null
before=$(set_tgid)
out=$("$GAME" 1 2>&1)
ktap_result "$([ $? = 1 ] && printf '%s' "$out" | grep -q 'PID 1 is init' &&
	       [ "$(set_tgid)" = "$before" ]; echo $?)" "PID 1 is refused and nothing changes"
kt=$(pgrep -x kthreadd || echo 2)
out=$("$GAME" "$kt" 2>&1)
ktap_result "$([ $? = 1 ] && printf '%s' "$out" | grep -q 'is a kernel thread' &&
	       [ "$(set_tgid)" = "$before" ]; echo $?)" "a kernel thread (kthreadd, $kt) is refused and nothing changes"
ktap_check "make unpin" reflex_unpin
ktap_finish
