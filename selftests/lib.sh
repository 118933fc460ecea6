# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - what the scx_reflex test scripts share.  Sourced; provides KTAP
# output (ktap.sh) and:
#
#   SRCTREE, OBJTREE     the source and build trees of scx_reflex: in a
#                        tree installed with `make install`, its copy in
#                        reflex/; otherwise the repository and OBJTREE
#                        (default: the repository)
#   PIN_ROOT, PIN_MAPS   where it is pinned (pin/lib.sh, from abi.h)
#   LOADER, STATUS, EVENTS, STATS, GAME, TUNE, BPF_OBJ
#                        the programs under test
#   HELPERS, PROGS       the tests' own helper programs and BPF objects
#   need_root            skip the whole test unless root
#   need_sched_ext       skip the whole test unless this kernel has sched_ext
#   reflex_pin, reflex_unpin
#                        the pin scripts `make pin` / `make unpin` run
#   make_pin pin|unpin   `make pin` / `make unpin` themselves (the scripts
#                        in an installed suite)
#   scx_state, scx_ops   sched_ext's state and running scheduler's name
#   stat_sum FIELD       maps/stats FIELD summed over CPUs
#   stat_cpus FIELD      maps/stats FIELD per CPU, one line each
#   stat_above FIELD N   true if stat_sum FIELD is a number greater than N
#   lat_count CLASS      wakeups counted in maps/latency for CLASS (an enum
#                        reflex_task_class value), over CPUs and buckets
#   json_check [OPT..] F true if stdin is exactly one JSON value and jq
#                        filter F yields true for it (OPT: jq's --arg...)
#   map_poke MAP OFF B.. overwrite bytes of entry 0 of maps/MAP from byte
#                        OFF on, with bpftool (B: hex bytes, e.g. 01 00)
#   reflex_progs         how many BPF programs named reflex_* the kernel has
#   reflex_links         how many links to them (others' BPF is not ours)
#   kmsg_mark            write a line that marks now into the kernel log
#   kmsg_since           the kernel log after the last kmsg_mark
#   consumer_start F A.. reflex-events A.. in the background, stdout to F,
#                        stderr to F.err; returns once it reads the rings
#   consumer_stop        SIGINT it and return its exit status
#   consumer_kill        SIGKILL it (also safe in an EXIT trap)

selftests_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$selftests_dir/ktap.sh"

if [ -d "$selftests_dir/reflex" ]; then
	SRCTREE=$selftests_dir/reflex
	OBJTREE=$SRCTREE
	HELPERS=$selftests_dir/helpers
	PROGS=$selftests_dir/progs
else
	SRCTREE=$(cd "$selftests_dir/.." && pwd)
	OBJTREE=${OBJTREE:-$SRCTREE}
	HELPERS=$OBJTREE/selftests/helpers
	PROGS=$OBJTREE/selftests/progs
fi
export SRCTREE OBJTREE

BPF_OBJ=$OBJTREE/bpf/scx_reflex.bpf.o
LOADER=$OBJTREE/loader/reflex-loader
STATUS=$OBJTREE/tools/reflex-status
EVENTS=$OBJTREE/tools/reflex-events
STATS=$OBJTREE/tools/reflex-stats
GAME=$OBJTREE/tools/reflex-game
TUNE=$OBJTREE/tools/reflex-tune
BENCH=$OBJTREE/bench

# The pin root and sched_ext's sysfs directory, from where scx_reflex's own
# scripts take them.
. "$SRCTREE/pin/lib.sh"

need_root()
{
	[ "$(id -u)" = 0 ] || ktap_skip_all "needs root (pins, bpffs, mount namespaces)"
}

need_sched_ext()
{
	[ -d "$SCX_SYSFS" ] ||
		ktap_skip_all "this kernel ($(uname -r)) has no sched_ext ($SCX_SYSFS is missing); 'make check' runs this test in VMs with Debian's sched_ext kernels"
}

# What `make pin` and `make unpin` run, with the same settings.  (make
# itself, which checks the build first, is tested in test_pin.sh.)
reflex_pin()
{
	BPFTOOL=bpftool BPF_OBJ=$BPF_OBJ LOADER=$LOADER STATUS=$STATUS \
		"$SRCTREE/pin/pin.sh"
}

reflex_unpin()
{
	LOADER=$LOADER STATUS=$STATUS "$SRCTREE/pin/unpin.sh"
}

# `make pin` / `make unpin` in a source tree; in an installed suite, which
# has no Makefile, the scripts they run.
make_pin()
{
	if [ -f "$SRCTREE/Makefile" ]; then
		make -s --no-print-directory -C "$SRCTREE" O="$OBJTREE" "$1"
	else
		"reflex_$1"
	fi
}

# Load the drivers named, as modprobe takes them.  A kernel built without
# module support (no /proc/modules; the 6.12 test kernel) has built in
# whatever drivers it has: there is nothing to load, and a missing one
# shows when the test opens its device.
load_drivers()
{
	[ -e /proc/modules ] || return 0
	modprobe -a "$@"
}

scx_state()
{
	cat "$SCX_SYSFS/state" 2>/dev/null
}

scx_ops()
{
	cat "$SCX_SYSFS/root/ops" 2>/dev/null
}

# bpftool -j puts the BTF-typed view of an entry under "formatted".
stat_sum()
{
	bpftool -j map dump pinned "$PIN_MAPS/stats" |
		jq -e "[.[0].formatted.values[].value.$1] | add"
}

stat_cpus()
{
	bpftool -j map dump pinned "$PIN_MAPS/stats" |
		jq -e ".[0].formatted.values[].value.$1"
}

stat_above()
{
	local v

	v=$(stat_sum "$1") || return 1
	[[ $v =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] && [ "$v" -gt "$2" ]
}

lat_count()
{
	bpftool -j map dump pinned "$PIN_MAPS/latency" |
		jq -e "[.[0].formatted.values[].value.hist[$1][]] | add"
}

# jq 1.6's -e passes on empty input, which would let a check pass when
# the command feeding it printed nothing.
json_check()
{
	jq -e -s "${@:1:$#-1}" "length == 1 and (.[0] | ${!#})" >/dev/null
}

map_poke()
{
	local map=$PIN_MAPS/$1 off=$2 v

	shift 2
	v=$(bpftool -j map dump pinned "$map" |
	    jq -r --argjson off "$off" --arg b "$*" \
		'.[0].value as $v | ($b | split(" ") | map("0x" + .)) as $n |
		 $v[:$off] + $n + $v[$off + ($n | length):] | join(" ")') &&
	bpftool map update pinned "$map" key hex 00 00 00 00 value hex $v
}

reflex_progs()
{
	bpftool -j prog show | jq '[.[] | select(.name | startswith("reflex_"))] | length'
}

reflex_links()
{
	bpftool -j link show | jq --argjson ids "$(bpftool -j prog show |
		jq '[.[] | select(.name | startswith("reflex_")) | .id]')" \
		'[.[] | select(.prog_id as $p | $ids | index($p))] | length'
}

# A marker in the kernel log, so that a test reads only what was logged
# during it (not what an earlier test, or an earlier run, left there).
kmsg_mark()
{
	kmsg_marker="scx_reflex selftest $(basename "$0") $$ $(date +%s%N)"
	echo "$kmsg_marker" > /dev/kmsg
}

# If the log has wrapped past the marker, nothing can be told: say so in
# words every check of the log looks for, so that the check fails.
kmsg_since()
{
	dmesg | awk -v m="$kmsg_marker" 'seen; index($0, m) { seen = 1 }
		END { if (!seen) print "sched_ext: the kernel log lost the test marker: stall, error, disabled or exiting unknown" }'
}

consumer_pid=
consumer_start()
{
	local f=$1

	shift
	"$EVENTS" "$@" > "$f" 2> "$f.err" &
	consumer_pid=$!
	ktap_wait 20 grep -Eq 'reading [0-9]+ rings' "$f.err"
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
