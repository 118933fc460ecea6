#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_kselftest.sh - run installed kselftests (make -C selftests install
# INSTALL_PATH=DIR puts this in DIR, beside kselftest-list.txt, which has
# one COLLECTION:TEST line per test).  Prints KTAP, one document per
# collection (kselftest/runner.sh); exits 1 if any test failed.
#
# usage: run_kselftest.sh [-l] [-c COLLECTION]... [-t COLLECTION:TEST]...
#                         [-o SECONDS]
#   -l  list the tests and exit
#   -c  run only the tests of COLLECTION
#   -t  run only COLLECTION:TEST
#   -o  timeout per test in seconds, instead of the collection's settings
#       (0: none)
set -u

base=$(cd "$(dirname "$0")" && pwd)
list=$base/kselftest-list.txt
usage() { sed -n '4,15p' "$0" | sed 's/^# \{0,1\}//'; exit "$1"; }

[ -r "$list" ] || { echo "run_kselftest.sh: $list is missing: install again with make -C selftests install INSTALL_PATH=$base" >&2; exit 1; }

only_c=() only_t=() override=() listing=0
while getopts "lc:t:o:h" o; do
	case $o in
	l) listing=1 ;;
	c) only_c+=("$OPTARG") ;;
	t) only_t+=("$OPTARG") ;;
	o) override=(-o "$OPTARG") ;;
	h) usage 0 ;;
	*) usage 2 ;;
	esac
done
[ $OPTIND -gt $# ] || usage 2

chosen()	# chosen COLLECTION:TEST
{
	local x

	[ ${#only_c[@]} = 0 ] && [ ${#only_t[@]} = 0 ] && return 0
	for x in "${only_c[@]}"; do [ "${1%%:*}" = "$x" ] && return 0; done
	for x in "${only_t[@]}"; do [ "$1" = "$x" ] && return 0; done
	return 1
}

tests=()
while read -r line; do
	[ -n "$line" ] && chosen "$line" && tests+=("$line")
done < "$list"
for x in "${only_t[@]}"; do
	grep -qxF -- "$x" "$list" ||
		{ echo "run_kselftest.sh: no test $x in $list (-l lists them)" >&2; exit 1; }
done
if [ $listing = 1 ]; then
	printf '%s\n' "${tests[@]}"
	exit 0
fi

rc=0
for coll in $(printf '%s\n' "${tests[@]}" | cut -d: -f1 | uniq); do
	names=()
	for t in "${tests[@]}"; do
		[ "${t%%:*}" = "$coll" ] && names+=("${t#*:}")
	done
	"$base/kselftest/runner.sh" "${override[@]}" "$base/$coll" "$coll" \
		"${names[@]}" || rc=1
done
exit $rc
