#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_wrong_pins.sh - every tool, handed something other than what
# scx_reflex pins at each path it opens, refuses it with a message that
# names the path and what is wrong, and never crashes: a map of the right
# type but another value size, a map of another type, a program where a
# map belongs (and the other way round), a directory, a symbolic link (even
# one to the right map).  Also: an exit record whose strings are not
# terminated is printed cut, not past its end.
#
# It runs in a private mount namespace with a fresh bpffs, where bpftool
# loads the object without attaching anything: a complete, valid set of
# pins to spoil one path at a time.  Needs sched_ext to load the object.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root
if [ "${1:-}" != --in-ns ]; then
	[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
	exec unshare -m --propagation private "$0" --in-ns
fi
umount -q /sys/fs/bpf 2>/dev/null
mount -t bpf -o mode=0700 bpf /sys/fs/bpf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

P=$PIN_ROOT
mkdir -m 0700 "$P" "$P/progs"
bpftool prog loadall "$BPF_OBJ" "$P/progs" pinmaps "$P/maps" 2>/dev/null ||
	ktap_skip_all "bpftool cannot load $BPF_OBJ on this kernel"
mkdir "$P/spare"

# The tools that open each path, and how to run them.
declare -A tools=(
	[maps/stats]="STATS"
	[maps/tunables]="TUNE STATS"
	[maps/exit_info]="STATUS"
	[maps/event_counts]="EVENTS STATS"
	[maps/events_00]="EVENTS"
	[maps/task_classes]="STATS"
	[maps/game]="GAME STATS"
	[maps/game_guess]="GAME STATS"
	[maps/reflex_ops]="ATTACH"
	[progs/reflex_enqueue]="ATTACH"
)
run_tool()
{
	case $1 in
	STATS) "$STATS" -1 ;;
	TUNE) "$TUNE" ;;
	STATUS) "$STATUS" ;;
	EVENTS) "$EVENTS" -t 0.5 ;;
	GAME) "$GAME" ;;
	ATTACH) "$LOADER" attach ;;
	esac
}

# plant PATH KIND: put a wrong object of KIND at PATH (the right one is
# kept in spare/).
plant()
{
	local path=$P/$1 sz

	mv "$path" "$P/spare/x"
	case $2 in
	size)	if [ "${1#maps/events}" != "$1" ]; then
			bpftool map create "$path" type ringbuf key 0 value 0 entries 4096 name wrong
		else
			sz=$(bpftool -j map show pinned "$P/spare/x" | jq .bytes_value)
			bpftool map create "$path" type array key 4 value $((sz + 8)) entries 1 name wrong
		fi ;;
	type)	bpftool map create "$path" type hash key 4 value 8 entries 1 name wrong ;;
	prog)	if [ "${1#progs/}" != "$1" ]; then
			bpftool map create "$path" type array key 4 value 8 entries 1 name wrong
		else
			bpftool prog pin name reflex_tick "$path"
		fi ;;
	dir)	mkdir "$path" ;;
	symlink) ln -s "$P/spare/x" "$path" ;;
	esac
}

restore()	# restore PATH
{
	rm -rf "${P:?}/$1"
	mv "$P/spare/x" "$P/$1"
}

kinds="size type prog dir symlink"
nr=0
for path in "${!tools[@]}"; do
	nr=$((nr + $(echo $kinds | wc -w)))
done
ktap_plan $((nr + 2))

for path in $(printf '%s\n' "${!tools[@]}" | sort); do
	for kind in $kinds; do
		plant "$path" "$kind" 2>/dev/null
		ok=0 bad=
		for t in ${tools[$path]}; do
			out=$(timeout 30 bash -c "$(declare -f run_tool); $(declare -p STATS TUNE STATUS EVENTS GAME LOADER); run_tool $t" 2>&1)
			rc=$?
			if [ $rc = 0 ] || [ $rc -ge 124 ] ||
			   ! printf '%s\n' "$out" | grep -Eq "$P/$path (is a|has [0-9]|holds)"; then
				ok=1
				bad="$bad $t(exit $rc)"
				printf '%s\n' "$out" | tail -n 4 | sed 's/^/# /'
			fi
		done
		[ -z "$bad" ] || ktap_note "failed:$bad"
		ktap_result $ok "$path, $kind: $(echo ${tools[$path]} | tr 'A-Z ' 'a-z,') refuse it, naming path and mismatch"
		restore "$path"
	done
done

links=$(reflex_links)
ktap_result "$([ "$links" = 0 ] &&
	       { [ "$(scx_state)" != enabled ] || [ "$(scx_ops)" != reflex ]; }; echo $?)" \
	"nothing of scx_reflex was attached along the way ($links links)"

# An exit record with no NUL in reason or msg: kind SCX_EXIT_ERROR (1024),
# reason and msg all 'A'.
v=$(printf '00 04 00 00 ff ff ff ff %s %s' "$(printf '00 %.0s' $(seq 16))" \
	"$(printf '41 %.0s' $(seq 1152))")
bpftool map update pinned "$P/maps/exit_info" key hex 00 00 00 00 value hex $v
out=$("$STATUS")
reason=$(printf '%s\n' "$out" | sed -n 's/^reason: *//p')
json=$("$STATUS" -j)
ktap_result "$([ "${#reason}" = 127 ] && [ "$reason" = "$(printf 'A%.0s' $(seq 127))" ] &&
	       printf '%s' "$json" | json_check '(.exit.reason | length) == 127 and
					   (.exit.msg | length) == 1023'; echo $?)" \
	"an exit record without NULs is cut at its size (reason 127, msg 1023 bytes)"
ktap_finish
