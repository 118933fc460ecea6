#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_man.sh - `make man` builds a manual page for every tool from
# Documentation/man/*.rst with rst2man, as bpftool's are built; man renders
# each without a warning; every long option a tool's --help lists is in
# its page.  Without rst2man, `make man` fails with one line naming the
# package, and plain `make` does not need it.  Needs the source tree and
# rst2man (python3-docutils); nothing here needs root or sched_ext.
. "$(dirname "$0")/lib.sh"

[ -f "$SRCTREE/Makefile" ] ||
	ktap_skip_all "no source tree here (an installed suite): the pages are built where there is one"
rst2man=$(command -v rst2man rst2man.py 2>/dev/null | head -n 1)
[ -n "$rst2man" ] ||
	ktap_skip_all "no rst2man: install python3-docutils (sudo apt-get install python3-docutils)"

TOOLS="$SRCTREE/pin/scx_reflex $LOADER $STATUS $STATS $EVENTS $GAME $TUNE $OBJTREE/tools/reflex-gamed"
for t in $TOOLS; do
	[ -x "$t" ] || ktap_skip_all "not built: $t (run make)"
done

ktap_plan $((3 + 3 * $(echo $TOOLS | wc -w)))

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
man=$tmp/o/Documentation/man

out=$(make --no-print-directory -C "$SRCTREE" O="$tmp/o" man 2>&1)
rc=$?
[ $rc = 0 ] || printf '%s\n' "$out" | tail -n 10 | sed 's/^/# /'
ktap_result $rc "make man O=DIR builds the pages into DIR/Documentation/man"

out=$(make -s --no-print-directory -C "$SRCTREE" O="$tmp/none" RST2MAN= man 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
ktap_result "$([ $rc != 0 ] && [ "$(printf '%s\n' "$out" | grep -c .)" = 1 ] &&
	       printf '%s\n' "$out" | grep -q 'rst2man not found.*python3-docutils'; echo $?)" \
	"without rst2man, make man fails with one line naming python3-docutils"
out=$(make -s --no-print-directory -C "$SRCTREE" O="$OBJTREE" RST2MAN= all 2>&1)
rc=$?
[ $rc = 0 ] || printf '%s\n' "$out" | tail -n 5 | sed 's/^/# /'
ktap_result $rc "plain make does not need rst2man"

for t in $TOOLS; do
	n=${t##*/}
	page=$man/$n.8
	# man-db runs groff with -ww under --warnings: any warning is printed.
	warn=$(LC_ALL=C MANWIDTH=80 man --warnings -E ascii -l "$page" 2>&1 >"$tmp/$n.txt")
	rc=$?
	[ -z "$warn" ] || printf '%s\n' "$warn" | head -n 5 | sed 's/^/# /'
	ktap_result "$([ $rc = 0 ] && [ -z "$warn" ] &&
		       grep -Eq "^ +$n +- +[a-z]" "$tmp/$n.txt"; echo $?)" \
		"$n.8 renders without warnings, 'NAME $n - ...'"

	# Unbroken and unhyphenated, so that an option is found as one word.
	groff -man -Tascii -rHY=0 -rLL=300n "$page" 2>/dev/null | col -b > "$tmp/$n.flat"
	missing=
	for o in $("$t" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
		grep -Eq -- "(^|[^a-z-])$o([^a-z-]|\$)" "$tmp/$n.flat" || missing="$missing $o"
	done
	[ -z "$missing" ] || ktap_note "$n.8 lacks:$missing"
	ktap_result "$([ -z "$missing" ]; echo $?)" "$n.8 has every long option of $n --help"

	ktap_result "$(grep -q '^EXIT STATUS' "$tmp/$n.flat" &&
		       grep -q '^SEE ALSO' "$tmp/$n.flat"; echo $?)" \
		"$n.8 has EXIT STATUS and SEE ALSO"
done

ktap_finish
