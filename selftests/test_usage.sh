#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_usage.sh - every program and script a person runs answers -h and
# --help with its own usage (exit 0, the first line "Usage: NAME ..."), and
# refuses an option it does not know in one line on stderr that names the
# option and points to --help (exit 2), before it does anything else.
# Nothing here needs root, pins or sched_ext.  The scripts are checked
# where the source tree is at hand (an installed suite has the pin
# scripts only).
. "$(dirname "$0")/lib.sh"

SCRIPTS="pin/scx_reflex pin/pin.sh pin/unpin.sh scripts/run scripts/install-deps
	vm/vmtest vm/fetch-kernel vm/build-kernel vm/mkroot bench/run-gaming
	bench/run-input-latency bench/run-ringbuf bench/run-vcpu-gaps bench/slow-share
	bench/plot-rounds selftests/check.sh"
TOOLS="$LOADER $STATUS $STATS $EVENTS $GAME $TUNE $OBJTREE/tools/reflex-gamed"

ktap_plan $(( ($(echo $SCRIPTS | wc -w) + $(echo $TOOLS | wc -w)) * 3 ))

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check NAME CMD: CMD --help and -h, then CMD --no-such-option.
check()
{
	local name=$1 cmd=$2 base=${1##*/} rc

	"$cmd" --help > "$tmp/help" 2> "$tmp/err" && rc=0 || rc=$?
	if [ $rc = 0 ] && [ ! -s "$tmp/err" ] &&
	   head -n 1 "$tmp/help" | grep -Eq "^Usage: ([^ ]*/)?$base( |\$)"; then
		ktap_result 0 "$name --help: exit 0, 'Usage: $base ...'"
	else
		head -n 3 "$tmp/help" "$tmp/err" | sed 's/^/# /'
		ktap_note "exit $rc (want 0, nothing on stderr, the first line naming $base)"
		ktap_result 1 "$name --help: exit 0, 'Usage: $base ...'"
	fi

	"$cmd" -h > "$tmp/h" 2>&1 && rc=0 || rc=$?
	ktap_result "$([ $rc = 0 ] && cmp -s "$tmp/h" "$tmp/help"; echo $?)" \
		"$name -h prints what --help does"

	"$cmd" --no-such-option > "$tmp/out" 2> "$tmp/err" </dev/null && rc=0 || rc=$?
	if [ $rc = 2 ] && [ ! -s "$tmp/out" ] &&
	   head -n 1 "$tmp/err" | grep -q -- "'--no-such-option'" &&
	   grep -q -- '--help' "$tmp/err" && [ "$(wc -l < "$tmp/err")" -le 2 ]; then
		ktap_result 0 "$name --no-such-option: exit 2, names it, points to --help"
	else
		head -n 3 "$tmp/out" "$tmp/err" | sed 's/^/# /'
		ktap_note "exit $rc (want 2, at most two lines on stderr naming the option)"
		ktap_result 1 "$name --no-such-option: exit 2, names it, points to --help"
	fi
}

# check_if NAME CMD WHY-MISSING: check CMD, or skip its three if it is not here
check_if()
{
	local i

	if [ -x "$2" ]; then
		check "$1" "$2"
		return
	fi
	for i in 1 2 3; do
		ktap_skip "$1: usage" "$3"
	done
}

for s in $SCRIPTS; do
	check_if "$s" "$SRCTREE/$s" "no $SRCTREE/$s here (an installed suite)"
done
for t in $TOOLS; do
	check_if "${t##*/}" "$t" "not built: $t (run make)"
done

ktap_finish
