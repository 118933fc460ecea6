#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_docs.sh - every command Documentation/ gives for a running
# scx_reflex works: with scx_reflex pinned, each root command of every
# `.. code-block:: console` block ("# COMMAND", continued with a trailing
# backslash) is run in document order and must exit 0.  A command that
# runs until interrupted (reflex-stats, reflex-events) gets SIGINT after
# a few seconds and must then exit 0 too.  The tools are on PATH, as they
# are after installing.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root

docs=$SRCTREE/Documentation
[ -d "$docs" ] || ktap_skip_all "no $docs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# FILE<TAB>COMMAND, one line per command.
for f in "$docs"/*.rst; do
	awk -v f="${f##*/}" '
		/^\.\. code-block:: console/ { inblock = 1; cont = 0; next }
		inblock && /^[^ \t]/ { inblock = 0 }
		!inblock { next }
		{
			line = $0
			if (cont) {
				sub(/^[ \t]+/, "", line)
				cmd = cmd " " line
			} else if (line ~ /^[ \t]+# /) {
				sub(/^[ \t]+# /, "", line)
				cmd = line
			} else {
				next
			}
			if (cmd ~ /\\$/) {
				sub(/[ \t]*\\$/, "", cmd)
				cont = 1
				next
			}
			cont = 0
			print f "\t" cmd
		}' "$f"
done > "$tmp/commands"

nr=$(wc -l < "$tmp/commands")
[ "$nr" -gt 0 ] || { ktap_plan 1; ktap_result 1 "Documentation/ has console commands"; ktap_finish; }
ktap_plan $((nr + 2))

[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin

export PATH=$OBJTREE/tools:$OBJTREE/loader:$PATH
while IFS=$'\t' read -r file cmd; do
	out=$(cd "$tmp" && timeout --preserve-status -s INT -k 5 10 \
		bash -c "$cmd" 2>&1 </dev/null)
	rc=$?
	if [ $rc != 0 ]; then
		printf '%s\n' "$out" | tail -n 10 | sed 's/^/# /'
		ktap_note "exit $rc"
	fi
	ktap_result $rc "$file: $cmd"
done < "$tmp/commands"

ktap_check "make unpin" reflex_unpin
ktap_finish
