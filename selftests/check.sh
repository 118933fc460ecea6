#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - the whole suite, as `make check` runs it: the kselftest suite
# on this kernel, and inside guests booted from Debian's sched_ext kernels
# (vm/vmtest), each of which runs the same suite on its own kernel.  One
# KTAP document: one result per run, with the run's own KTAP nested under
# "# ".  The runs go CHECK_JOBS at a time (default: the number of CPUs),
# since a guest's vCPUs are one host thread; each one's output is printed
# when it is done, in the order below.
#
#   for the 6.12 test kernel (vm/build-kernel builds it, once per cache),
#   module-free with its drivers built in:
#     vm[6.12.N-reflex-H,smp4,nomod]
#                            every test but those of the build tree and
#                            the topology test, and suspend (vmtest -S),
#                            at 4 vCPUs
#   for the newest kernel with modules (fetch-kernel):
#     vm[K,smp16,2llc]       the topology and stress tests at 16 vCPUs in
#                            two last-level caches of SMT pairs (vmtest -L)
#     vm[K,smp4]             every other test at 4 vCPUs, with a virtio-gpu
#   host                     make -C selftests run_tests (on a kernel
#                            without sched_ext its tests skip, saying so)
#   for the oldest and newest kernel whose modules left the mirror
#   (fetch-kernel -B), in a module-free guest that can suspend (vmtest -S):
#     vm[K,smp2,nomod]       pin, stress, sleeper, exit and suspend at 2 vCPUs
#   last, for the 6.12 test kernel (on an empty cache it waits for the
#   build of the first run):
#     vm[6.12.N-reflex-H,smp16,2llc,nomod]
#                            the topology and stress tests at 16 vCPUs in
#                            two LLCs, as for the newest kernel
#
# The oldest and the newest kernel get the whole suite; the kernels
# between them, the tests that show the object loads and schedules.
# KERNELS can name more kernels with modules (7.2.6+deb13, oldest).
#
# The first kernel in KERNELS runs `make -C selftests run_tests` in the
# source tree, without the tests the host has run already (HOST_ONLY);
# any other runs the suite installed with `make -C selftests install
# INSTALL_PATH=/tmp/ks` in the guest and /tmp/ks/run_kselftest.sh (all but
# the tests of the build tree, TREE_ONLY).  Module-free guests, which have
# no compiler, get a suite installed on the host.  The guests' console
# logs are kept in $OBJTREE/selftests/logs/.
#
# env: SRCTREE, OBJTREE (set by the Makefile); KERNELS (default "newest";
#      "" for none), NOMOD_KERNELS (default "oldest newest"; "" for
#      none): fetch-kernel names or ABIs such as 7.3.4+deb13;
#      BUILT_KERNEL (default 6.12, the kernel vm/build-kernel builds; ""
#      for none); CHECK_JOBS
#
# Exit status: 0 if every run passed, 1 otherwise.  --help says all this
# in short.
set -uo pipefail

usage()
{
	cat <<-EOF
	Usage: selftests/check.sh

	The whole suite, as 'make check' runs it: the kselftest suite on this
	kernel, then inside qemu guests booted from Debian's sched_ext kernels
	(vm/vmtest), each running the suite on its own kernel.  Prints one KTAP
	document; guests' console logs go to \$OBJTREE/selftests/logs/.

	Environment:
	  SRCTREE, OBJTREE  the source and build trees ('make check' sets them)
	  KERNELS           kernels with modules (default "newest"; "" for
	                    none)
	  NOMOD_KERNELS     kernels without modules (default "oldest newest";
	                    "" for none)
	  BUILT_KERNEL      6.12 (default): also the kernel vm/build-kernel
	                    builds from Debian's linux-source-6.12; "" for none
	  CHECK_JOBS        runs at a time (default: the number of CPUs)

	Exit status: 0 if every run passed, 1 otherwise, 2 for a usage error.
	EOF
}

case ${1:-} in
"") ;;
-h|--help) usage; exit 0 ;;
-*) echo "check.sh: unknown option '$1'; see selftests/check.sh --help" >&2; exit 2 ;;
*) echo "check.sh: unexpected argument '$1'; see selftests/check.sh --help" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
SRCTREE=${SRCTREE:-$(cd "$here/.." && pwd)}
OBJTREE=${OBJTREE:-$SRCTREE}
KERNELS=${KERNELS-newest}
NOMOD_KERNELS=${NOMOD_KERNELS-oldest newest}
BUILT_KERNEL=${BUILT_KERNEL-6.12}
case $BUILT_KERNEL in
""|6.12) ;;
*) echo "check.sh: BUILT_KERNEL is 6.12 or empty, not '$BUILT_KERNEL'; see selftests/check.sh --help" >&2; exit 2 ;;
esac
vm=$SRCTREE/vm
logs=$OBJTREE/selftests/logs
TIMEOUT=$(sed -n 's/^timeout=//p' "$here/settings")

# The tests a kernel without its modules (uinput, DRM, sound) can run, at
# 2 vCPUs; 2 vCPUs, the smallest machine, are tested there.
SMALL="test_pin.sh test_stress.sh test_sleeper.sh test_exit.sh"
# The tests of a large machine with two LLCs, at 16 vCPUs; the first of
# them needs two LLCs and runs only there.
LARGE_ONLY="test_topology.sh"
LARGE="$LARGE_ONLY test_stress.sh"

# The tests of the build tree itself (make install, the manual pages, the
# scripts' usage, completion): an installed suite does not carry it, so
# the guests that run one leave them out.
TREE_ONLY="test_install.sh test_man.sh test_usage.sh test_completion.sh"
# Those that need no sched_ext run on the host, and the guest that runs
# the suite in the tree leaves them out: with the host's tools shared, it
# would only repeat them, 10 to 30 times slower (test_build: 5 s on the
# host, 154 s in a 4-vCPU guest).  test_install needs sched_ext and runs
# there.
HOST_ONLY="test_build.sh test_man.sh test_usage.sh test_completion.sh"

JOBS=${CHECK_JOBS:-$(nproc)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A run writes its output to $tmp/N.out, its name to $tmp/N.name and its
# exit status to $tmp/N.rc; results are printed in the order of the runs.

run_host()
{
	echo host > "$tmp/$1.name"
	make -s --no-print-directory -C "$SRCTREE/selftests" run_tests \
		O="$OBJTREE"
}

# One guest: KIND is mod, nomod, built (module-free, vm/build-kernel's
# kernel), 2llc (with modules, two LLCs) or built2llc (vm/build-kernel's
# kernel, module-free, two LLCs), the rest of the arguments its command.
run_guest()	# run_guest N KIND KERNEL SMP NR_TESTS COMMAND...
{
	local i=$1 kind=$2 kernel=$3 smp=$4 nr=$5 kdir label
	local fetch=() opts=() tag=

	shift 5
	case $kind in
	nomod|built) tag=,nomod; opts=(-S -I "$OBJTREE/selftests/install") ;;
	2llc) tag=,2llc; opts=(-L) ;;
	built2llc) tag=,2llc,nomod; opts=(-L -I "$OBJTREE/selftests/install") ;;
	esac
	echo "vm[$kernel,smp$smp$tag]" > "$tmp/$i.name"
	case $kind in
	built|built2llc) kdir=$("$vm/build-kernel") ;;
	nomod) kdir=$("$vm/fetch-kernel" -B "$kernel") ;;
	*) kdir=$("$vm/fetch-kernel" "$kernel") ;;
	esac || {
		echo "cannot get kernel '$kernel' (its error is above)"
		return 1
	}
	label="vm[$(basename "$kdir" | sed 's/-amd64$//'),smp$smp$tag]"
	echo "$label" > "$tmp/$i.name"
	mkdir -p "$logs"
	# -s: one TCG thread (vm/vmtest says why); virtio-gpu gives the class
	# tests a real KMS device.
	"$vm/vmtest" -s -k "$kdir" -c "$smp" -t $((TIMEOUT * nr + 300)) \
		-D virtio-gpu-pci "${opts[@]}" -l "$logs/$label.console" -- "$@"
}

without()	# without WORDS EXCLUDED: the words of WORDS not in EXCLUDED
{
	local t

	for t in $1; do
		case " $2 " in *" $t "*) ;; *) echo "$t" ;; esac
	done | xargs
}

subset()	# the run_kselftest.sh -t options for the tests given
{
	local t

	for t in "$@"; do
		printf -- '-t scx_reflex:%s ' "$t"
	done
}

all=$(make -s --no-print-directory -C "$here" emit_tests | cut -d: -f2 | xargs)
# The 4-vCPU guests have one LLC: the tests that need two run only in the
# 16-vCPU guest, where they can pass, not skip.
one_llc=$(without "$all" "$LARGE_ONLY")
tree=$(without "$one_llc" "$HOST_ONLY")
tree_progs=$(for t in $tree; do case $t in *.sh) echo "$t" ;; esac; done | xargs)
nr_tree=$(echo $tree | wc -w)
nr_small=$(echo $SMALL | wc -w)
inst=$(without "$one_llc" "$TREE_ONLY")
nr_inst=$(echo $inst | wc -w)
in_tree="make -s --no-print-directory -C selftests O=$OBJTREE run_tests"
installed="make -s --no-print-directory -C selftests O=$OBJTREE install INSTALL_PATH=/tmp/ks && /tmp/ks/run_kselftest.sh"

# The runs, longest first, so that JOBS at a time finish about together.
runs=()
ks=$OBJTREE/selftests/install
if [ -n "$BUILT_KERNEL" ]; then
	runs+=("run_guest @ built $BUILT_KERNEL 4 $((nr_inst + 1)) \"$ks/kselftest/runner.sh $ks/scx_reflex scx_reflex $inst test_suspend.sh\"")
fi
newest=${KERNELS##* }
if [ -n "$newest" ]; then
	runs+=("run_guest @ 2llc $newest 16 $(echo $LARGE | wc -w) \"$in_tree TEST_GEN_PROGS= TEST_PROGS='$LARGE'\"")
fi
first=1
for k in $KERNELS; do
	if [ $first = 1 ]; then
		runs+=("run_guest @ mod $k 4 $nr_tree \"$in_tree TEST_PROGS='$tree_progs'\"")
	else
		runs+=("run_guest @ mod $k 4 $nr_inst \"$installed $(subset $inst)\"")
	fi
	first=0
done
runs+=("run_host @")
for k in $NOMOD_KERNELS; do
	runs+=("run_guest @ nomod $k 2 $((nr_small + 1)) \"$ks/kselftest/runner.sh $ks/scx_reflex scx_reflex $SMALL test_suspend.sh\"")
done
# Last: on an empty cache it waits for the 6.12 build of the first run.
if [ -n "$BUILT_KERNEL" ]; then
	runs+=("run_guest @ built2llc $BUILT_KERNEL 16 $(echo $LARGE | wc -w) \"$ks/kselftest/runner.sh $ks/scx_reflex scx_reflex $LARGE\"")
fi
if [ -n "$NOMOD_KERNELS$BUILT_KERNEL" ]; then
	rm -rf "$OBJTREE/selftests/install"
	make -s --no-print-directory -C "$here" O="$OBJTREE" install \
		INSTALL_PATH="$OBJTREE/selftests/install" >/dev/null ||
		echo "# cannot install the suite for the module-free guests"
fi

echo "TAP version 13"
echo "1..${#runs[@]}"
echo "# ${#runs[@]} runs, $JOBS at a time (CHECK_JOBS); each one's output follows when it is done"
for i in "${!runs[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n
	done
	(
		start=$SECONDS
		eval "${runs[$i]/@/$i}" > "$tmp/$i.out" 2>&1
		echo "$? $((SECONDS - start))" > "$tmp/$i.rc"
	) &
done

n=0 failed=0
for i in "${!runs[@]}"; do
	while [ ! -s "$tmp/$i.rc" ]; do
		wait -n 2>/dev/null || [ -s "$tmp/$i.rc" ] || break
	done
	read -r rc secs < "$tmp/$i.rc" || rc=125 secs=?
	name=$(cat "$tmp/$i.name" 2>/dev/null || echo "run $i")
	n=$((n + 1))
	echo "# selftests: scx_reflex: $name"
	sed 's/^/# /' "$tmp/$i.out"
	if [ "$rc" = 0 ]; then
		echo "ok $n selftests: scx_reflex: $name # $secs s"
	else
		failed=$((failed + 1))
		echo "not ok $n selftests: scx_reflex: $name # exit=$rc after $secs s"
	fi
done
wait
echo "# Totals: pass:$((n - failed)) fail:$failed xfail:0 xpass:0 skip:0 error:0"
[ $failed = 0 ] && [ $n = ${#runs[@]} ]
