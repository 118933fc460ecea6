#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_args.sh - the tools refuse values they cannot honour, at once and
# with one line that names the flag and the value: numbers that are not
# finite, negative, zero where that means nothing, or out of range; and
# reflex-game refuses PID 1 and kernel threads.  An option a tool does not
# know, or one without its value, is named in one line too (not the whole
# usage), with a pointer to --help, and exits 2; --help and -V exit 0.
# Nothing here needs pins or sched_ext: every one of these is refused
# before anything is opened.
. "$(dirname "$0")/lib.sh"

for t in "$EVENTS" "$STATS" "$GAME" "$TUNE" "$STATUS" "$LOADER"; do
	[ -x "$t" ] || ktap_skip_all "not built: $t (run make)"
done

# refused DESC PATTERN CMD...: CMD exits 1 or 2 within 10 s, its output
# matches the extended regex PATTERN, and it is not a crash.
refused()
{
	local desc=$1 pat=$2 out rc

	shift 2
	out=$(timeout 10 "$@" 2>&1 </dev/null) && rc=0 || rc=$?
	if { [ $rc = 1 ] || [ $rc = 2 ]; } &&
	   printf '%s\n' "$out" | grep -Eq -- "$pat"; then
		ktap_result 0 "$desc"
		return
	fi
	printf '%s\n' "$out" | tail -n 5 | sed 's/^/# /'
	ktap_note "exit $rc (want 1 or 2); output should match: $pat"
	ktap_result 1 "$desc"
}

ktap_plan 42

for v in nan inf -inf 1e300 -1 0 abc 2x ''; do
	refused "reflex-events -t '$v' is refused" "^reflex-events: -t: '$v' is not a number of seconds" \
		"$EVENTS" -t "$v"
done
for v in -1 0 abc 1.5 18446744073709551616; do
	refused "reflex-events -c '$v' is refused" "^reflex-events: -c: '$v' is not a whole number" \
		"$EVENTS" -c "$v"
done
for v in nan inf 1e19 0 -3; do
	refused "reflex-stats -i '$v' is refused" "^reflex-stats: -i: '$v' is not a number of seconds" \
		"$STATS" -i "$v"
done
refused "reflex-stats -c -1 is refused (it does not mean forever)" \
	"^reflex-stats: -c: '-1' is not a whole number" "$STATS" -c -1
refused "reflex-game 1: init is not a game" "^reflex-game: PID 1 is init" "$GAME" 1
kthread=$(awk '$1 == "PPid:" && $2 == 2 { split(FILENAME, f, "/"); print f[3]; exit }' \
	/proc/[0-9]*/status 2>/dev/null)
if [ -n "$kthread" ]; then
	refused "reflex-game $kthread: a kernel thread is not a game" \
		"^reflex-game: PID $kthread is a kernel thread" "$GAME" "$kthread"
else
	ktap_skip "reflex-game refuses a kernel thread" "no kernel thread is visible in /proc"
fi
refused "reflex-game 0 is refused" "^reflex-game: PID: '0' is not a whole number" "$GAME" 0
refused "reflex-tune with no '=' names the argument" "^reflex-tune: 'slice_ns' is not NAME=VALUE" \
	"$TUNE" slice_ns

# usage_error DESC PATTERN CMD...: CMD exits 2 with two lines on stderr,
# the first matching PATTERN, the second "TOOL: see --help".
usage_error()
{
	local desc=$1 pat=$2 out rc

	shift 2
	out=$(timeout 10 "$@" 2>&1 >/dev/null </dev/null) && rc=0 || rc=$?
	if [ $rc = 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 2 ] &&
	   printf '%s\n' "$out" | head -n 1 | grep -Eq -- "$pat" &&
	   printf '%s\n' "$out" | tail -n 1 | grep -q -- ': see --help$'; then
		ktap_result 0 "$desc"
		return
	fi
	printf '%s\n' "$out" | tail -n 5 | sed 's/^/# /'
	ktap_note "exit $rc (want 2); want two lines, the first matching: $pat"
	ktap_result 1 "$desc"
}

for t in "$EVENTS" "$STATS" "$GAME" "$TUNE" "$STATUS" "$LOADER"; do
	n=${t##*/}
	usage_error "$n --bogus names the option" "^$n: unknown option '--bogus'\$" "$t" --bogus
	out=$("$t" -V) && rc=0 || rc=$?
	ktap_result "$([ $rc = 0 ] && [ "$out" = "$n $(echo "$out" | cut -d' ' -f2)" ] &&
		       echo "$out" | grep -Eq "^$n [0-9]+\.[0-9]+"; echo $?)" \
		"$n -V prints its name and version"
done
usage_error "reflex-stats -x: an unknown short option, named" "^reflex-stats: unknown option '-x'\$" \
	"$STATS" -1x
usage_error "reflex-events --count without a value" "^reflex-events: --count needs a value\$" \
	"$EVENTS" --count
usage_error "reflex-stats -i without a value" "^reflex-stats: -i needs a value\$" "$STATS" -i
usage_error "reflex-status --json=1: takes no value" "^reflex-status: --json takes no value: '--json=1'\$" \
	"$STATUS" --json=1
refused "reflex-stats --interval=abc names --interval, as given" \
	"^reflex-stats: --interval: 'abc' is not a number of seconds" "$STATS" --interval=abc
refused "reflex-events --timeout 0 names --timeout, as given" \
	"^reflex-events: --timeout: '0' is not a number of seconds" "$EVENTS" --timeout 0

ktap_finish
