# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - helpers for the scx_reflex test scripts (host and VM).
# Sourced after setting nothing; provides TAP output (ktap.sh) and:
#
#   SRCTREE, OBJTREE     the source and build trees (from run_tests.sh)
#   LOADER, BPF_OBJ      the programs under test
#   reflex_make ARGS     make in the source tree with this build
#   scx_state            sched_ext's state (enabled, disabled, ...)
#   scx_ops              the running scheduler's name, or nothing
#   stat_sum FIELD       maps/stats FIELD summed over CPUs
#   stat_cpus FIELD      maps/stats FIELD per CPU, one line each
#   stat_above FIELD N   true if stat_sum FIELD is a number greater than N
#   json_check [OPT..] F true if stdin is exactly one JSON value and jq
#                        filter F yields true for it (OPT: jq's --arg...)
#   map_poke MAP OFF B.. overwrite bytes of entry 0 of maps/MAP from byte
#                        OFF on, with bpftool (B: hex bytes, e.g. 01 00)
#   consumer_start F A.. reflex-events A.. in the background, stdout to F,
#                        stderr to F.err; returns once it reads the rings
#   consumer_stop        SIGINT it and return its exit status
#   consumer_kill        SIGKILL it (also safe in an EXIT trap)

. "$(dirname "${BASH_SOURCE[0]}")/ktap.sh"

SRCTREE=${SRCTREE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
OBJTREE=${OBJTREE:-$SRCTREE}
LOADER=$OBJTREE/loader/reflex-loader
BPF_OBJ=$OBJTREE/bpf/scx_reflex.bpf.o
HELPERS=$OBJTREE/selftests/helpers
EVENTS=$OBJTREE/tools/reflex-events
PIN_ROOT=/sys/fs/bpf/scx_reflex

reflex_make()
{
	make -s --no-print-directory -C "$SRCTREE" O="$OBJTREE" "$@"
}

scx_state()
{
	cat /sys/kernel/sched_ext/state 2>/dev/null
}

scx_ops()
{
	cat /sys/kernel/sched_ext/root/ops 2>/dev/null
}

# bpftool -j puts the BTF-typed view of an entry under "formatted".
stat_sum()
{
	bpftool -j map dump pinned "$PIN_ROOT/maps/stats" |
		jq -e "[.[0].formatted.values[].value.$1] | add"
}

stat_cpus()
{
	bpftool -j map dump pinned "$PIN_ROOT/maps/stats" |
		jq -e ".[0].formatted.values[].value.$1"
}

stat_above()
{
	local v

	v=$(stat_sum "$1") || return 1
	[[ $v =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] && [ "$v" -gt "$2" ]
}

# jq 1.6's -e passes on empty input, which would let a check pass when
# the command feeding it printed nothing.
json_check()
{
	jq -e -s "${@:1:$#-1}" "length == 1 and (.[0] | ${!#})" >/dev/null
}

map_poke()
{
	local map=$PIN_ROOT/maps/$1 off=$2 v

	shift 2
	v=$(bpftool -j map dump pinned "$map" |
	    jq -r --argjson off "$off" --arg b "$*" \
		'.[0].value as $v | ($b | split(" ") | map("0x" + .)) as $n |
		 $v[:$off] + $n + $v[$off + ($n | length):] | join(" ")') &&
	bpftool map update pinned "$map" key hex 00 00 00 00 value hex $v
}

consumer_pid=
consumer_start()
{
	local f=$1

	shift
	"$EVENTS" "$@" > "$f" 2> "$f.err" &
	consumer_pid=$!
	ktap_wait 20 grep -q 'reading 16 rings' "$f.err"
}

consumer_stop()
{
	local rc

	kill -INT "$consumer_pid" && wait "$consumer_pid"
	rc=$?
	consumer_pid=
	return $rc
}

consumer_kill()
{
	[ -z "$consumer_pid" ] || kill -KILL "$consumer_pid" 2>/dev/null
	[ -z "$consumer_pid" ] || wait "$consumer_pid" 2>/dev/null
	consumer_pid=
}
