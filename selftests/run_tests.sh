#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_tests.sh - run the scx_reflex selftests as one kselftest suite.
#
# Host tests run here.  VM tests run inside qemu guests booted from Debian's
# sched_ext kernels (selftests/vm/vmtest): for each kernel with modules,
# one guest at -smp 2 (pin, stress, exit), one at -smp 4 (stress, input,
# classes, all classes under stress); for each kernel whose modules have
# left the mirror, one module-free guest at -smp 2 (pin, stress, exit: the
# tests that need no module).  Each test program's own TAP is nested under
# "# ", as kselftest's runner does; the top level has one result per test
# program:
#
#   ok 5 selftests: scx_reflex: vm[7.3.4+deb13,smp2]/test_pin.sh
#   ok 19 selftests: scx_reflex: vm[6.19.6+deb13,smp2,nomod]/test_pin.sh
#
# usage: run_tests.sh [-H | -V] [-k "KERNEL..."] [-K "KERNEL..."]
#   -H   host tests only          -V   VM tests only
#   -k   kernels with modules (default: "oldest newest", see
#        vm/fetch-kernel; env KERNELS works too)
#   -K   kernels without modules (default: "oldest newest", see
#        vm/fetch-kernel -B; env NOMOD_KERNELS; "" for none)
# env: SRCTREE, OBJTREE (set by the Makefile), TEST_TIMEOUT (seconds per
#      test program, default 600)
#
# The guests' kernel console logs are kept in $OBJTREE/selftests/logs/.
#
# Exit status: 0 if everything passed (skips included), 1 otherwise.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export SRCTREE=${SRCTREE:-$(cd "$here/.." && pwd)}
export OBJTREE=${OBJTREE:-$SRCTREE}
TEST_TIMEOUT=${TEST_TIMEOUT:-600}
KERNELS=${KERNELS:-oldest newest}
NOMOD_KERNELS=${NOMOD_KERNELS-oldest newest}
do_host=1 do_vm=1

while getopts "HVk:K:" o; do
	case $o in
	H) do_vm=0 ;;
	V) do_host=0 ;;
	k) KERNELS=$OPTARG ;;
	K) NOMOD_KERNELS=$OPTARG ;;
	*) sed -n '4,31p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done

HOST_TESTS="host/test_build.sh host/test_policy host/test_errors.sh host/test_events.sh"
VM_TESTS="vm/test_pin.sh vm/test_stress.sh vm/test_exit.sh"
VM_SMP4_TESTS="vm/test_stress.sh vm/test_input.sh vm/test_classes.sh vm/test_stress_all.sh"

n=0 failed=0

plan=0
[ $do_host = 0 ] || plan=$(echo $HOST_TESTS | wc -w)
if [ $do_vm = 1 ]; then
	per_kernel=$(( $(echo $VM_TESTS | wc -w) + $(echo $VM_SMP4_TESTS | wc -w) ))
	plan=$(( plan + per_kernel * $(echo $KERNELS | wc -w) ))
	plan=$(( plan + $(echo $VM_TESTS | wc -w) * $(echo $NOMOD_KERNELS | wc -w) ))
fi

echo "TAP version 13"
echo "1..$plan"

result()	# result RC NAME
{
	n=$((n + 1))
	case $1 in
	0) echo "ok $n selftests: scx_reflex: $2" ;;
	4) echo "ok $n selftests: scx_reflex: $2 # SKIP" ;;
	124) failed=$((failed + 1))
	     echo "not ok $n selftests: scx_reflex: $2 # TIMEOUT $TEST_TIMEOUT seconds" ;;
	*) failed=$((failed + 1))
	   echo "not ok $n selftests: scx_reflex: $2 # exit=$1" ;;
	esac
}

run_host_test()
{
	local t=$1 cmd rc

	case $t in
	*.sh) cmd=("$here/$t") ;;
	*) cmd=("$OBJTREE/selftests/$t") ;;
	esac
	echo "# selftests: scx_reflex: $t"
	timeout "$TEST_TIMEOUT" "${cmd[@]}" 2>&1 | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	result "$rc" "$t"
}

# One guest runs several test programs and prints their results with the
# numbers we hand it; any number that does not come back (the guest
# crashed or hung) is reported here as failed.  KIND is "mod" for a kernel
# with modules, "nomod" for one without (fetch-kernel -B).
run_vm_group()	# run_vm_group KIND KERNEL SMP TEST...
{
	local kind=$1 kernel=$2 smp=$3 first label kdir out rc t got err
	local fetch_opts=() tag=

	shift 3
	first=$((n + 1))
	[ "$kind" = mod ] || { fetch_opts=(-B); tag=,nomod; }
	# stdout is the kernel directory; stderr says what was downloaded,
	# or why nothing could be
	err=$(mktemp)
	kdir=$("$here/vm/fetch-kernel" "${fetch_opts[@]}" "$kernel" 2>"$err")
	rc=$?
	sed 's/^/# /' "$err"
	rm -f "$err"
	if [ $rc != 0 ]; then
		echo "# cannot fetch kernel '$kernel'"
		for t in "$@"; do
			result 1 "vm[$kernel,smp$smp$tag]/$(basename "$t")"
		done
		return
	fi
	label="vm[$(basename "$kdir" | sed 's/-amd64$//'),smp$smp$tag]"
	out=$(mktemp)
	mkdir -p "$OBJTREE/selftests/logs"
	# -s: one TCG thread; see selftests/vm/vmtest on why.  virtio-gpu
	# gives the class tests a real KMS device.  -I: a module-free guest
	# gets a copy of the build tree too.
	"$here/vm/vmtest" -s -k "$kdir" -c "$smp" -t $((TEST_TIMEOUT * $# + 120)) \
		-D virtio-gpu-pci -I "$OBJTREE" \
		-l "$OBJTREE/selftests/logs/$label.console" -- \
		OBJTREE="$OBJTREE" selftests/vm/guest-run.sh "$first" "$label" \
		"$TEST_TIMEOUT" "$@" |
		tee "$out"
	rc=${PIPESTATUS[0]}
	got=$(grep -cE '^(not )?ok [0-9]+ selftests: ' "$out")
	failed=$((failed + $(grep -cE '^not ok [0-9]+ selftests: ' "$out")))
	n=$((n + got))
	rm -f "$out"
	if [ "$got" -lt $# ]; then
		echo "# the guest ended (exit $rc) before reporting every test"
		shift "$got"
		for t in "$@"; do
			result 1 "$label/$(basename "$t")"
		done
	fi
}

if [ $do_host = 1 ]; then
	for t in $HOST_TESTS; do
		run_host_test "$t"
	done
fi
if [ $do_vm = 1 ]; then
	# shellcheck disable=SC2086
	for k in $KERNELS; do
		run_vm_group mod "$k" 2 $VM_TESTS
		run_vm_group mod "$k" 4 $VM_SMP4_TESTS
	done
	# shellcheck disable=SC2086
	for k in $NOMOD_KERNELS; do
		run_vm_group nomod "$k" 2 $VM_TESTS
	done
fi

echo "# Totals: ran $n of $plan, failed $failed"
[ $failed = 0 ] && [ $n = "$plan" ]
