#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pin.sh - load scx_reflex with bpftool, pin it, attach it (`make pin`).
#
#   $PIN_ROOT/                    0700 (REFLEX_PIN_ROOT, include/reflex/abi.h)
#     progs/reflex_<op>           the struct_ops programs (bpftool loadall)
#     progs/reflex_<hook>         the tracing hooks' links: bpftool attaches
#                                 them (autoattach) and pins the link
#     maps/<map>                  every map of the object (pinmaps)
#     link                        the struct_ops link (reflex-loader attach)
#
# One make pin or make unpin runs at a time (pin/lib.sh: take_lock).
# Refuses if scx_reflex is pinned already, running or ejected; removes
# what an interrupted make pin left.  If any step fails, whatever this run
# pinned is removed again and the exit status is 1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage()
{
	cat <<-EOF
	Usage: pin/pin.sh

	Load scx_reflex with bpftool and pin it under
	$PIN_ROOT, attach it with reflex-loader, and show
	reflex-status and the pins.  Needs root and a kernel with sched_ext.
	'make pin' runs it after building.

	Environment ('make pin' sets them; defaults fit an in-tree build):
	  BPFTOOL   bpftool 7.5 or newer (default: bpftool on PATH)
	  BPF_OBJ   the scheduler (default: bpf/scx_reflex.bpf.o)
	  LOADER    reflex-loader (default: loader/reflex-loader)
	  STATUS    reflex-status (default: tools/reflex-status)

	Exit status: 0 when attached; 1 on failure, with nothing left pinned
	by this run; 2 for a usage error.  See Documentation/workflow.rst.
	EOF
}
no_args pin/pin.sh "$@"

need_root "$PIN_CMD"
need_sched_ext			# before anything touches bpffs
need_bpftool
[ -f "$BPF_OBJ" ] || die "no BPF object at $BPF_OBJ" "build it first: make"
[ -x "$LOADER" ] || die "no loader at $LOADER" "build it first: make"
[ -x "$STATUS" ] || die "no reflex-status at $STATUS" "build it first: make"

take_lock "$PIN_CMD"

if ! bpffs_mounted; then
	say "mounting bpffs at $BPFFS"
	mount -t bpf -o mode=0700 bpf "$BPFFS" ||
		die "cannot mount bpffs at $BPFFS" "mount it yourself: mount -t bpf bpf $BPFFS"
fi

# Pins without a link were left by a make pin that was killed before it
# attached (no other one can be running: this one holds the lock).  Pins
# with a link are a scheduler, running or ejected: left alone.
if [ -e "$PIN_ROOT" ] && [ ! -e "$PIN_ROOT/link" ]; then
	rm -rf "$PIN_ROOT" ||
		die "cannot remove $PIN_ROOT, left by an interrupted $PIN_CMD" \
		    "remove it yourself: $UNPIN_CMD"
	rm -f "$PINNED_BY"
	say "removed $PIN_ROOT: an interrupted $PIN_CMD left it without a link"
fi
if [ -e "$PIN_ROOT" ]; then
	if [ "$(sched_ext_state)" = enabled ] &&
	   [ "$(cat "$SCX_SYSFS/root/ops" 2>/dev/null)" = reflex ]; then
		die "scx_reflex is pinned and running already ($(cat "$PINNED_BY" 2>/dev/null ||
			echo "not by this version's $PIN_CMD"))" \
		    "to replace it, unpin first: $UNPIN_CMD && $PIN_CMD"
	fi
	die "$PIN_ROOT holds a scx_reflex that is not running (the kernel ejected it; 'reflex-status' says why)" \
	    "to start it again: $UNPIN_CMD && $PIN_CMD"
fi

pinned=0
rollback()
{
	[ $pinned = 1 ] || return 0
	if [ -e "$PIN_ROOT/link" ]; then
		"$LOADER" detach >/dev/null 2>&1 || rm -f "$PIN_ROOT/link"
	fi
	rm -rf "$PIN_ROOT"
	say "removed $PIN_ROOT again; nothing is left pinned" >&2
}
trap rollback EXIT
trap 'exit 130' INT TERM	# exit through the EXIT trap, rolling back

umask 077
mkdir -m 0700 "$PIN_ROOT"
pinned=1

say "loading $(basename "$BPF_OBJ") with $("$BPFTOOL" version | head -1)"
# autoattach: bpftool attaches every program that has a hook of its own
# (the fentry and tp_btf hooks) and pins its link instead of the program;
# the struct_ops programs have none and are pinned as programs, which
# bpftool announces once for each (left out below: it is the expected case).
# bpftool's fallback pins without creating the directory: make it first.
mkdir -m 0700 "$PIN_ROOT/progs"
log=$(mktemp)
if ! "$BPFTOOL" prog loadall "$BPF_OBJ" "$PIN_ROOT/progs" autoattach \
		pinmaps "$PIN_ROOT/maps" 2> "$log"; then
	grep -v 'does not support autoattach' "$log" >&2
	rm -f "$log"
	die "bpftool could not load $BPF_OBJ (its messages, with any verifier log, are above)" \
	    "check that this kernel is one scx_reflex supports (Documentation/workflow.rst), or rebuild: make clean all"
fi
grep -v 'does not support autoattach' "$log" >&2 || true
rm -f "$log"

"$LOADER" attach ||
	die "reflex-loader could not attach the scheduler (see above)"

# bpffs creates pins 0600 & ~umask and bpftool's directories 0700, but
# check rather than trust: nothing here may be readable by other users.
chmod -R go-rwx "$PIN_ROOT"
leak=$(find "$PIN_ROOT" -perm /077 | head -n 3)
[ -z "$leak" ] || die "pins readable by other users: $leak"

pinned=0
trap - EXIT
echo "pinned by $PIN_CMD (pid $$) at $(date '+%F %T')" > "$PINNED_BY"

echo
"$STATUS" || true
echo
echo "pinned under $PIN_ROOT:"
(cd "$PIN_ROOT" && find . -mindepth 1 | sort | sed 's|^\./|  |')
echo
echo "try: bpftool map dump pinned $PIN_ROOT/maps/stats"
