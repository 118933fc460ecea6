# SPDX-License-Identifier: GPL-2.0
#
# pin/lib.sh - what the shell scripts of scx_reflex share: paths, checks,
# messages.  Sourced, not run.  `make pin` / `make unpin` pass BPFTOOL,
# BPF_OBJ, LOADER and STATUS; the defaults below fit an in-tree build.
#
# The one place shell code learns the pin root (from include/reflex/abi.h)
# and where sched_ext's sysfs files are; benchmarks and selftests source
# this too.

srctree=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BPFTOOL=${BPFTOOL:-bpftool}
BPF_OBJ=${BPF_OBJ:-$srctree/bpf/scx_reflex.bpf.o}
LOADER=${LOADER:-$srctree/loader/reflex-loader}
STATUS=${STATUS:-$srctree/tools/reflex-status}
SCX_SYSFS=/sys/kernel/sched_ext
BPFFS=/sys/fs/bpf
# What the user types to pin and unpin, for messages: make in a build
# tree; the installed scx_reflex(8) command sets its own.
PIN_CMD=${PIN_CMD:-make pin}
UNPIN_CMD=${UNPIN_CMD:-make unpin}

say() { printf 'scx_reflex: %s\n' "$*"; }

# die WHAT-AND-WHY [WHAT-TO-DO]
die()
{
	printf 'scx_reflex: %s\n' "$1" >&2
	[ -z "${2:-}" ] || printf 'scx_reflex: %s\n' "$2" >&2
	exit 1
}

# usage_error NAME WHAT: what is wrong with the command line, in one line,
# and where to look; exit 2.
usage_error()
{
	printf '%s: %s; see %s --help\n' "${1##*/}" "$2" "$1" >&2
	exit 2
}

# no_args NAME "$@", for a script that takes no arguments: -h or --help
# prints usage() and exits 0, anything else is a usage error.
no_args()
{
	local name=$1

	shift
	case ${1:-} in
	"") return 0 ;;
	-h|--help) usage; exit 0 ;;
	-*) usage_error "$name" "unknown option '$1'" ;;
	*) usage_error "$name" "unexpected argument '$1'" ;;
	esac
}

# The pin root has one home, include/reflex/abi.h, which the C side
# compiles in; read it from there.
PIN_ROOT=$(sed -n 's/^#define REFLEX_PIN_ROOT[[:space:]]*"\(.*\)"$/\1/p' \
	"$srctree/include/reflex/abi.h")
[ -n "$PIN_ROOT" ] ||
	die "cannot find REFLEX_PIN_ROOT in $srctree/include/reflex/abi.h"
# shellcheck disable=SC2034 # for those who source this
PIN_MAPS=$PIN_ROOT/maps

need_root()
{
	[ "$(id -u)" = 0 ] ||
		die "$1 needs root: the pins under $PIN_ROOT are root-only" \
		    "run it as root, e.g. sudo $1"
}

need_sched_ext()
{
	[ -d "$SCX_SYSFS" ] ||
		die "kernel has no sched_ext (CONFIG_SCHED_CLASS_EXT): $SCX_SYSFS is missing" \
		    "see Documentation/workflow.rst; 'make run' pins it in a VM running a sched_ext kernel"
}

# bpftool 7.5 (bookworm-backports) is what this is tested with; 7.1
# (bookworm) cannot load .struct_ops.link objects at all.
need_bpftool()
{
	local v

	command -v "$BPFTOOL" >/dev/null 2>&1 ||
		die "bpftool not found ($BPFTOOL)" "run 'sudo scripts/install-deps'"
	v=$("$BPFTOOL" version 2>/dev/null | sed -n '1s/^bpftool v\([0-9.]*\).*/\1/p')
	[ -n "$v" ] || die "'$BPFTOOL version' does not print a version (a distribution wrapper for another kernel?)" \
			   "install Debian's bpftool: sudo scripts/install-deps"
	printf '%s\n7.5\n' "$v" | sort -CV -r ||
		die "bpftool $v is too old: scx_reflex needs 7.5 or newer" \
		    "install it from bookworm-backports: sudo scripts/install-deps"
}

bpffs_mounted()
{
	[ "$(stat -f -c %T "$BPFFS" 2>/dev/null)" = bpf_fs ]
}

# One `make pin` or `make unpin` at a time: they hold this lock (flock on
# fd 9) from before they mount bpffs or look at the pins until they exit,
# SIGKILL included.  Its text says who holds it.  PINNED_BY says who
# pinned what is pinned now.  Both live in /run, which only root may
# write, so that nobody can plant a link there for root to follow.
LOCK=/run/scx_reflex.lock
PINNED_BY=/run/scx_reflex.pinned

lock_text()
{
	cat "$LOCK" 2>/dev/null || echo "another $PIN_CMD or $UNPIN_CMD"
}

# take_lock WHAT: wait (up to two minutes) for the lock, then say in it
# that WHAT holds it.
take_lock()
{
	exec 9<>"$LOCK" || die "cannot open the lock file $LOCK"
	if ! flock -n 9; then
		say "waiting for $(lock_text) to finish"
		flock -w 120 9 ||
			die "$(lock_text) still holds $LOCK after two minutes" \
			    "if no such process runs, remove $LOCK"
	fi
	echo "$1 (pid $$), since $(date '+%F %T')" > "$LOCK"
}

sched_ext_state()
{
	cat "$SCX_SYSFS/state" 2>/dev/null || echo unknown
}
