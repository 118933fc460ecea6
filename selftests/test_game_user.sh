#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_game_user.sh - a user registers a game without root: reflex-game
# --exec through reflex-gamed (run here on a socket of the test's own,
# with logind's user state files faked in a directory of its own).  The
# user with an active session registers the command it runs, and the
# registration ends when that exits, or on --release by the same user;
# a user without one is refused, and the game runs all the same; another
# user cannot release it; root's reflex-game refuses PID 1 and a kernel
# thread; a user cannot write the pins directly.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root
command -v setpriv >/dev/null || ktap_skip_all "setpriv (util-linux) is not installed"

GAMED=$OBJTREE/tools/reflex-gamed
dir=$(mktemp -d)
chmod 0755 "$dir"
sock=$dir/game.sock
users=$dir/users
mkdir "$users"
active=65534		# nobody: has an active session at a seat
away=65533		# logged in only remotely, or not at all
gamed=
games=()

cleanup()
{
	kill "${games[@]}" $gamed 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

# as UID CMD...: CMD as that user, with no capabilities
as() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --clear-groups --inh-caps=-all -- "$@"; }
# as_bg UID CMD... &: the same in the background, as the process $! names
as_bg() { local u=$1; shift; exec setpriv --reuid="$u" --regid="$u" --clear-groups --inh-caps=-all -- "$@"; }
game_tgid() { bpftool -j map dump pinned "$PIN_MAPS/game" | jq -e '.[0].formatted.value.tgid'; }
game_is() { [ "$(game_tgid)" = "$1" ]; }

ktap_plan 16

[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin
echo STATE=active > "$users/$active"
echo STATE=online > "$users/$away"
"$GAMED" --socket "$sock" --users-dir "$users" 2> "$dir/gamed.log" &
gamed=$!
ktap_result "$(ktap_wait 30 test -S "$sock"; echo $?)" "reflex-gamed listens on its socket"

out=$(as $active "$GAME" $$ 2>&1)
ktap_result "$([ $? != 0 ] && printf '%s' "$out" | grep -qi 'root'; echo $?)" \
	"a user cannot set the game directly: the pins are root's"

as_bg $active "$GAME" --socket "$sock" --exec -- sleep 600 2> "$dir/client.log" &
games+=($!)
g=${games[-1]}
ktap_result "$(ktap_wait 30 game_is "$g"; echo $?)" \
	"the user at the machine registered the command it ran (maps/game: $(game_tgid), pid $g)"
sed 's/^/# /' "$dir/client.log"
ktap_result "$(grep -q "registered process $g (sleep) as the game" "$dir/client.log"; echo $?)" \
	"reflex-game says what it registered"
kill "$g"
ktap_result "$(ktap_wait 30 game_is 0; echo $?)" "the registration ends when the game exits"
ktap_result "$(ktap_wait 30 grep -q "game $g (uid $active) unregistered: the game exited" "$dir/gamed.log"; echo $?)" \
	"reflex-gamed logs that it ended and why"

out=$(as $away "$GAME" --socket "$sock" --exec -- echo the-game-ran 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
ktap_result "$(printf '%s' "$out" | grep -q "uid $away has no active session at this machine"; echo $?)" \
	"a user without an active session is refused, saying why"
ktap_result "$([ $rc = 0 ] && printf '%s' "$out" | grep -q the-game-ran && game_is 0; echo $?)" \
	"and the game runs all the same, unregistered"

as_bg $active "$GAME" --socket "$sock" --exec -- sleep 600 2>/dev/null &
games+=($!)
g=${games[-1]}
ktap_wait 30 game_is "$g"
echo STATE=active > "$users/$away"
out=$(as $away "$GAME" --socket "$sock" --release 2>&1)
rc=$?
ktap_result "$([ $rc = 1 ] && printf '%s' "$out" | grep -q "registered by uid $active" && game_is "$g"; echo $?)" \
	"another user cannot release it"
as $active "$GAME" --socket "$sock" --release
ktap_result "$([ $? = 0 ] && game_is 0 && kill -0 "$g"; echo $?)" \
	"its user releases it before it exits; the game goes on"
kill "$g"

# A game that exits right after registering, and a PID used again: the
# registration follows the process (a pidfd), not the number.
as $active "$GAME" --socket "$sock" --exec -- true 2>/dev/null
ktap_result "$(ktap_wait 30 game_is 0; echo $?)" "a game that exits at once leaves nothing registered"

out=$("$GAME" 1 2>&1)
ktap_result "$([ $? = 1 ] && printf '%s' "$out" | grep -q 'PID 1 is init'; echo $?)" \
	"root's reflex-game refuses PID 1"
kt=$(pgrep -x kthreadd || echo 2)
out=$("$GAME" "$kt" 2>&1)
ktap_result "$([ $? = 1 ] && printf '%s' "$out" | grep -q 'a kernel thread'; echo $?)" \
	"root's reflex-game refuses a kernel thread (kthreadd, $kt)"
ktap_result "$(kill -0 $gamed; echo $?)" "reflex-gamed is still serving"
sed 's/^/# gamed: /' "$dir/gamed.log"
ktap_check "make unpin" reflex_unpin

ktap_finish
