#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# runner.sh - run the tests of one kselftest collection and print KTAP:
# the version line and plan, each test's own output nested under "# ",
# one result line per test, then the totals.  A test's exit status means
# what it means to kselftest: 0 pass, 1 fail, 2 xfail, 3 xpass, 4 skip;
# a test that outlives its timeout is killed and fails.
#
# usage: runner.sh [-o SECONDS] DIR COLLECTION TEST...
#   DIR         the collection's directory: tests run there, and its
#               `settings` file (timeout=SECONDS) gives the timeout per
#               test (kselftest's default, 45 s, without one)
#   COLLECTION  its name, for the result lines
#   TEST        a test program; a path, or relative to DIR
#   -o SECONDS  another timeout per test (0: none)
#
# Exit status: 0 if no test failed (or passed unexpectedly), 1 otherwise.
set -u

usage() { sed -n '4,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

override=
while getopts "o:" o; do
	case $o in
	o) override=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
dir=$1 coll=$2
shift 2

tmo=45
if [ -r "$dir/settings" ]; then
	t=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$dir/settings" | tail -n 1)
	[ -z "$t" ] || tmo=$t
fi
[ -z "$override" ] || tmo=$override

n=0 pass=0 fail=0 xfail=0 xpass=0 skip=0
echo "TAP version 13"
echo "1..$#"
[ "$tmo" = 0 ] || echo "# timeout set to $tmo"
for t in "$@"; do
	n=$((n + 1))
	res="$n selftests: $coll: ${t##*/}"
	echo "# selftests: $coll: ${t##*/}"
	case $t in /*) ;; *) t=$dir/$t ;; esac
	if [ ! -x "$t" ]; then
		echo "# $t is not an executable file"
		echo "not ok $res # exit=127"
		fail=$((fail + 1))
		continue
	fi
	start=$SECONDS
	if [ "$tmo" = 0 ]; then
		(cd "$dir" && "$t") 2>&1 | sed -u 's/^/# /'
	else
		(cd "$dir" && timeout -k 10 "$tmo" "$t") 2>&1 | sed -u 's/^/# /'
	fi
	rc=${PIPESTATUS[0]}
	# 137: it ignored SIGTERM and timeout -k killed it
	[ "$tmo" != 0 ] && [ "$rc" = 137 ] && rc=124
	echo "# ${t##*/} took $((SECONDS - start)) s"
	case $rc in
	0) echo "ok $res"; pass=$((pass + 1)) ;;
	2) echo "ok $res # XFAIL"; xfail=$((xfail + 1)) ;;
	3) echo "not ok $res # XPASS"; xpass=$((xpass + 1)) ;;
	4) echo "ok $res # SKIP"; skip=$((skip + 1)) ;;
	124) echo "not ok $res # TIMEOUT $tmo seconds"; fail=$((fail + 1)) ;;
	*) echo "not ok $res # exit=$rc"; fail=$((fail + 1)) ;;
	esac
done
echo "# Totals: pass:$pass fail:$fail xfail:$xfail xpass:$xpass skip:$skip error:0"
[ $fail = 0 ] && [ $xpass = 0 ]
