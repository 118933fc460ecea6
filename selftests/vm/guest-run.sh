#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-run.sh - inside a test VM: run test programs one after another and
# print their results as part of run_tests.sh's TAP (numbering from FIRST,
# names prefixed with LABEL).  Runs from the repository root.
#
# usage: guest-run.sh FIRST LABEL TIMEOUT TEST...
set -u

n=$1 label=$2 tmo=$3
shift 3
export SRCTREE=${SRCTREE:-$PWD}
export OBJTREE=${OBJTREE:-$PWD}

echo "# $label: $(uname -r), $(nproc) CPUs, sched_ext $(cat /sys/kernel/sched_ext/state 2>/dev/null || echo missing)"
for t in "$@"; do
	name="$label/$(basename "$t")"
	echo "# selftests: scx_reflex: $name"
	timeout "$tmo" "selftests/$t" 2>&1 | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	case $rc in
	0) echo "ok $n selftests: scx_reflex: $name" ;;
	4) echo "ok $n selftests: scx_reflex: $name # SKIP" ;;
	124) echo "not ok $n selftests: scx_reflex: $name # TIMEOUT $tmo seconds" ;;
	*) echo "not ok $n selftests: scx_reflex: $name # exit=$rc" ;;
	esac
	n=$((n + 1))
done
