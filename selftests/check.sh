#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - the whole suite, as `make check` runs it: the kselftest suite
# on this kernel first, then inside guests booted from Debian's sched_ext
# kernels (vm/vmtest), each of which runs the same suite on its own
# kernel.  One KTAP document: one result per run, with the run's own KTAP
# nested under "# ".
#
#   host                     make -C selftests run_tests (on a kernel
#                            without sched_ext its tests skip, saying so)
#   for the oldest and newest kernel with modules (fetch-kernel):
#     vm[K,smp2]             pin, stress and exit at 2 vCPUs
#     vm[K,smp4]             every test at 4 vCPUs, with a virtio-gpu
#   for the oldest and newest kernel whose modules left the mirror
#   (fetch-kernel -B), in a module-free guest:
#     vm[K,smp2,nomod]       pin, stress and exit at 2 vCPUs
#
# The oldest kernel's guests run `make -C selftests run_tests` in the
# source tree; the newest's run the suite installed with `make -C selftests
# install INSTALL_PATH=/tmp/ks` in the guest and /tmp/ks/run_kselftest.sh;
# module-free guests, which have no compiler, get a suite installed on the
# host.  The guests' console logs are kept in $OBJTREE/selftests/logs/.
#
# env: SRCTREE, OBJTREE (set by the Makefile); KERNELS (default "oldest
#      newest"), NOMOD_KERNELS (default "oldest newest"; "" for none):
#      fetch-kernel names or ABIs such as 7.3.4+deb13
#
# Exit status: 0 if every run passed, 1 otherwise.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
SRCTREE=${SRCTREE:-$(cd "$here/.." && pwd)}
OBJTREE=${OBJTREE:-$SRCTREE}
KERNELS=${KERNELS:-oldest newest}
NOMOD_KERNELS=${NOMOD_KERNELS-oldest newest}
vm=$SRCTREE/vm
logs=$OBJTREE/selftests/logs
TIMEOUT=$(sed -n 's/^timeout=//p' "$here/settings")

# The tests a kernel without its modules (uinput, DRM, sound) can run, and
# that a 2-vCPU guest runs.
SMALL="test_pin.sh test_stress.sh test_exit.sh"

n=0 failed=0
plan=$((1 + 2 * $(echo $KERNELS | wc -w) + $(echo $NOMOD_KERNELS | wc -w)))
echo "TAP version 13"
echo "1..$plan"

result()	# result RC NAME SECONDS
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n selftests: scx_reflex: $2 # $3 s"
	else
		failed=$((failed + 1))
		echo "not ok $n selftests: scx_reflex: $2 # exit=$1 after $3 s"
	fi
}

run_host()
{
	local start=$SECONDS rc

	echo "# selftests: scx_reflex: host"
	make -s --no-print-directory -C "$SRCTREE/selftests" run_tests \
		O="$OBJTREE" 2>&1 | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	result "$rc" host $((SECONDS - start))
}

# One guest: KIND is mod or nomod, the rest of the arguments its command.
run_guest()	# run_guest KIND KERNEL SMP NR_TESTS COMMAND...
{
	local kind=$1 kernel=$2 smp=$3 nr=$4 start=$SECONDS kdir label rc
	local fetch=() opts=() tag=

	shift 4
	[ "$kind" = mod ] || { fetch=(-B); tag=,nomod; opts=(-I "$OBJTREE/selftests/install"); }
	kdir=$("$vm/fetch-kernel" "${fetch[@]}" "$kernel" 2> >(sed 's/^/# /' >&2))
	if [ $? != 0 ] || [ -z "$kdir" ]; then
		echo "# selftests: scx_reflex: vm[$kernel,smp$smp$tag]"
		echo "# cannot fetch kernel '$kernel'"
		result 1 "vm[$kernel,smp$smp$tag]" 0
		return
	fi
	label="vm[$(basename "$kdir" | sed 's/-amd64$//'),smp$smp$tag]"
	echo "# selftests: scx_reflex: $label"
	mkdir -p "$logs"
	# -s: one TCG thread (vm/vmtest says why); virtio-gpu gives the class
	# tests a real KMS device.
	"$vm/vmtest" -s -k "$kdir" -c "$smp" -t $((TIMEOUT * nr + 300)) \
		-D virtio-gpu-pci "${opts[@]}" -l "$logs/$label.console" -- \
		"$@" 2>&1 | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	result "$rc" "$label" $((SECONDS - start))
}

subset()	# the run_kselftest.sh -t options for the tests given
{
	local t

	for t in "$@"; do
		printf -- '-t scx_reflex:%s ' "$t"
	done
}

all=$(make -s --no-print-directory -C "$here" emit_tests | cut -d: -f2 | xargs)
nr_all=$(echo $all | wc -w)
nr_small=$(echo $SMALL | wc -w)
in_tree="make -s --no-print-directory -C selftests O=$OBJTREE run_tests"
installed="make -s --no-print-directory -C selftests O=$OBJTREE install INSTALL_PATH=/tmp/ks && /tmp/ks/run_kselftest.sh"

run_host
first=1
for k in $KERNELS; do
	if [ $first = 1 ]; then
		run_guest mod "$k" 2 $nr_small "$in_tree TEST_GEN_PROGS= TEST_PROGS='$SMALL'"
		run_guest mod "$k" 4 $nr_all "$in_tree"
	else
		run_guest mod "$k" 2 $nr_small "$installed $(subset $SMALL)"
		run_guest mod "$k" 4 $nr_all "$installed"
	fi
	first=0
done
if [ -n "$NOMOD_KERNELS" ]; then
	rm -rf "$OBJTREE/selftests/install"
	make -s --no-print-directory -C "$here" O="$OBJTREE" install \
		INSTALL_PATH="$OBJTREE/selftests/install" >/dev/null ||
		echo "# cannot install the suite for the module-free guests"
fi
for k in $NOMOD_KERNELS; do
	run_guest nomod "$k" 2 $nr_small \
		"$OBJTREE/selftests/install/run_kselftest.sh $(subset $SMALL)"
done

echo "# Totals: pass:$((n - failed)) fail:$failed xfail:0 xpass:0 skip:0 error:0"
[ $failed = 0 ] && [ $n = "$plan" ]
