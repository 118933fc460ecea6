#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_completion.sh - completion/reflex, sourced into bash, completes the
# tools' options, reflex-loader's commands, reflex-tune's tunables (every
# one of include/reflex/policy.h, as NAME=) and reflex-game's --auto,
# --none and PIDs, and offers nothing where a number is due.  Each case
# sets COMP_WORDS and COMP_CWORD as bash does and calls the function
# `complete -p` names for the tool.  Needs the source tree and the built
# tools; nothing here needs root or sched_ext.
. "$(dirname "$0")/lib.sh"

comp=$SRCTREE/completion/reflex
[ -f "$comp" ] || ktap_skip_all "no $comp here (an installed suite)"
for t in "$LOADER" "$STATUS" "$STATS" "$EVENTS" "$GAME" "$TUNE"; do
	[ -x "$t" ] || ktap_skip_all "not built: $t (run make)"
done
export PATH=$OBJTREE/tools:$OBJTREE/loader:$PATH

ktap_plan 21

# The completions for the words given, the last being the one completed,
# sorted, one per line.
completions()
{
	bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		fn=$(complete -p "$1" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		[ -n "$fn" ] || exit 1
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' bash "$comp" "$@"
}

# expect DESC WANT WORDS...: the completions are exactly WANT (words).
expect()
{
	local desc=$1 want got

	want=$(printf '%s\n' $2 | sort)
	shift 2
	got=$(completions "$@")
	if [ "$got" = "$want" ]; then
		ktap_result 0 "$desc"
		return
	fi
	ktap_note "want: $(echo $want)"
	ktap_note "got:  $(echo $got)"
	ktap_result 1 "$desc"
}

registered=$(bash --norc --noprofile -c '. "$1" && complete -p' bash "$comp")
missing=
for t in scx_reflex reflex-loader reflex-status reflex-stats reflex-events reflex-game reflex-tune; do
	printf '%s\n' "$registered" | grep -Eq "^complete -F [^ ]+ $t\$" || missing="$missing $t"
done
[ -z "$missing" ] || ktap_note "not registered:$missing"
ktap_result "$([ -z "$missing" ]; echo $?)" "every tool has a completion function"

expect "reflex-loader: attach, detach" "attach detach" reflex-loader ""
expect "reflex-loader at: attach" "attach" reflex-loader at
expect "reflex-loader attach: one command only" "" reflex-loader attach ""
expect "reflex-loader --: its long options" "--help --json --version" reflex-loader --
expect "reflex-status -: its long options" "--help --json --pretty --version --wait" reflex-status -
expect "scx_reflex: its commands" "pin unpin restart status watch --help --version" scx_reflex ""
expect "scx_reflex re: restart" "restart" scx_reflex re
expect "scx_reflex watch -: -n -w" "-n -w" scx_reflex watch -
expect "scx_reflex status --w: reflex-status's --wait" "--wait" scx_reflex status --w

if [ -f "$SRCTREE/include/reflex/policy.h" ]; then
	names=$(sed -n 's/^[[:space:]]*X(\([a-z_0-9]*\),.*/\1=/p' "$SRCTREE/include/reflex/policy.h")
	expect "reflex-tune: every tunable of policy.h, as NAME=" "$names" reflex-tune ""
else
	ktap_skip "reflex-tune: every tunable of policy.h" "no include/reflex/policy.h here"
fi
expect "reflex-tune sli: slice_ns= slice_lag_ns=" "slice_ns= slice_lag_ns=" reflex-tune sli
expect "reflex-tune NAME=: no value offered" "" reflex-tune slice_ns = ""
expect "reflex-tune --re: --reset" "--reset" reflex-tune --re

expect "reflex-game --: --auto --none and its options" \
	"--auto --exec --help --json --none --pretty --release --socket --version" reflex-game --
out=$(completions reflex-game "")
ktap_result "$(printf '%s\n' "$out" | grep -qx -- --auto &&
	       printf '%s\n' "$out" | grep -qx -- --none &&
	       printf '%s\n' "$out" | grep -qx "$$"; echo $?)" \
	"reflex-game: --auto, --none and PIDs (this shell's among them)"
expect "reflex-game PID: nothing more" "" reflex-game "$$" ""
out=$(completions reflex-game --exec -- ba)
ktap_result "$(printf '%s\n' "$out" | grep -qx bash; echo $?)" \
	"reflex-game --exec -- ba: commands (bash among them)"

expect "reflex-stats --int: --interval" "--interval" reflex-stats --int
expect "reflex-stats -i: a number, nothing offered" "" reflex-stats -i ""
expect "reflex-events --timeout: a number, nothing offered" "" reflex-events --timeout ""

ktap_finish
