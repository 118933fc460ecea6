#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# unpin.sh - detach scx_reflex and remove every pin (`make unpin`).
#
# Succeeds when nothing is pinned.  Removing the link pin is what detaches
# the scheduler; the programs and maps go away with their last pin.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage()
{
	cat <<-EOF
	Usage: pin/unpin.sh

	Detach scx_reflex (reflex-loader detach) and remove every pin under
	$PIN_ROOT.  Succeeds when nothing is pinned.  Needs root.
	'make unpin' runs it.

	Environment ('make unpin' sets it; the default fits an in-tree build):
	  LOADER    reflex-loader (default: loader/reflex-loader)

	Exit status: 0 when nothing is left pinned; 1 on failure; 2 for a
	usage error.  See Documentation/workflow.rst.
	EOF
}
no_args pin/unpin.sh "$@"

need_root "$UNPIN_CMD"
take_lock "$UNPIN_CMD"

if [ ! -e "$PIN_ROOT" ]; then
	say "nothing pinned at $PIN_ROOT"
	exit 0
fi

if [ -e "$PIN_ROOT/link" ]; then
	if [ -d "$SCX_SYSFS" ]; then
		"$LOADER" detach ||
			die "could not detach scx_reflex (see above); the pins are left in place" \
			    "check 'dmesg | grep sched_ext', then run '$UNPIN_CMD' again"
	else
		rm -f "$PIN_ROOT/link"
	fi
fi

rm -rf "$PIN_ROOT" ||
	die "could not remove $PIN_ROOT" "remove it by hand: rm -rf $PIN_ROOT"
rm -f "$PINNED_BY"
say "removed $PIN_ROOT (sched_ext state: $(sched_ext_state))"
