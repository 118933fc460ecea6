# SPDX-License-Identifier: GPL-2.0
#
# ktap.sh - TAP 13 output and kselftest exit codes for the shell tests.
# Sourced by every test script; the same conventions as the kernel's
# tools/testing/selftests (plan first, `ok N desc` / `not ok N desc`,
# `# SKIP reason`, exit 0 pass / 1 fail / 4 skip).
#
#   ktap_plan N              print the header and the plan
#   ktap_result OK DESC      OK is 0 for pass, anything else for fail
#   ktap_check DESC CMD...   run CMD; pass if it exits 0, else show its output
#   ktap_skip DESC REASON
#   ktap_note TEXT           a diagnostic line
#   ktap_wait SECS CMD...    poll CMD every 0.1 s until it exits 0 or SECS
#                            pass; returns CMD's last status
#   ktap_finish              print totals and exit with the kselftest code
#   ktap_skip_all REASON     the whole test cannot run here: plan 1..0, exit 4

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

ktap_n=0
ktap_pass=0
ktap_fail=0
ktap_skipped=0
ktap_planned=0

ktap_plan()
{
	ktap_planned=$1
	echo "TAP version 13"
	echo "1..$1"
}

ktap_note()
{
	printf '# %s\n' "$*"
}

ktap_result()
{
	ktap_n=$((ktap_n + 1))
	if [ "$1" = 0 ]; then
		ktap_pass=$((ktap_pass + 1))
		echo "ok $ktap_n $2"
	else
		ktap_fail=$((ktap_fail + 1))
		echo "not ok $ktap_n $2"
	fi
}

ktap_check()
{
	local desc=$1 out rc

	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ $rc != 0 ]; then
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
		ktap_note "command exited $rc: $*"
	fi
	ktap_result $rc "$desc"
}

ktap_skip()
{
	ktap_n=$((ktap_n + 1))
	ktap_skipped=$((ktap_skipped + 1))
	echo "ok $ktap_n $1 # SKIP $2"
}

ktap_wait()
{
	local deadline rc

	deadline=$(( $(date +%s%N) + $1 * 1000000000 ))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0 || rc=$?
		[ "$(date +%s%N)" -lt "$deadline" ] || return $rc
		sleep 0.1
	done
}

ktap_skip_all()
{
	echo "TAP version 13"
	echo "1..0 # SKIP $1"
	exit $KSFT_SKIP
}

ktap_finish()
{
	if [ "$ktap_n" != "$ktap_planned" ]; then
		ktap_note "planned $ktap_planned tests but ran $ktap_n"
		ktap_fail=$((ktap_fail + 1))
	fi
	echo "# Totals: pass:$ktap_pass fail:$ktap_fail xfail:0 xpass:0 skip:$ktap_skipped error:0"
	[ $ktap_fail = 0 ] || exit $KSFT_FAIL
	[ $ktap_pass = 0 ] && [ $ktap_skipped != 0 ] && exit $KSFT_SKIP
	exit $KSFT_PASS
}
