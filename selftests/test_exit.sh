#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_exit.sh - when the kernel ejects scx_reflex, the link stays pinned,
# `reflex-status` says why (exit kind, reason, message, in text and JSON),
# `make pin` refuses until `make unpin`, and `make unpin && make pin` brings
# the scheduler back.  Two real ejections: a scheduler error raised
# with scx_bpf_error() (from a syscall program, which aborts whichever
# scheduler is attached, as the scheduler's own error path would) and
# sysrq-S.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root

trigger=$PROGS/trigger_error.bpf.o
runner=$HELPERS/bpf-run

ktap_plan 15

[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin

ktap_check "trigger a scheduler error (scx_bpf_error)" \
	"$runner" "$trigger" trigger_error
ktap_result "$(ktap_wait 30 sh -c '[ "$(cat '"$SCX_SYSFS"'/state)" = disabled ]'; echo $?)" \
	"the kernel ejects the scheduler: state disabled"

out=$("$STATUS")
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
ktap_result "$([ $rc = 3 ]; echo $?)" "status exits 3: not running"
ktap_result "$(printf '%s\n' "$out" | grep -Eq '^exit: +SCX_EXIT_ERROR_BPF \(1025\), code 0, cpu -?[0-9]+$'; echo $?)" \
	"status names the exit kind: SCX_EXIT_ERROR_BPF (1025), code 0"
ktap_result "$(printf '%s\n' "$out" | grep -Eq '^reason: +scx_bpf_error$' &&
	       printf '%s\n' "$out" | grep -Eq '^message: +selftest: deliberate error 42$'; echo $?)" \
	"status gives the reason and the scheduler's message"
ktap_result "$(printf '%s\n' "$out" | grep -q 'make unpin && make pin'; echo $?)" \
	"status says how to bring it back"
ktap_result "$("$STATUS" -j | json_check '.running == false and
		.link_pinned == true and .exit.kind == "SCX_EXIT_ERROR_BPF" and
		.exit.kind_value == 1025 and .exit.reason == "scx_bpf_error" and
		.exit.msg == "selftest: deliberate error 42"'; echo $?)" \
	"status -j has the same exit record"
ktap_result "$([ -e "$PIN_ROOT/link" ]; echo $?)" "the link stays pinned after the ejection"
ktap_result "$(! reflex_pin >/dev/null 2>&1; echo $?)" \
	"make pin refuses while the stale pins are there"

ktap_result "$(reflex_unpin >/dev/null && reflex_pin >/dev/null; echo $?)" \
	"make unpin && make pin brings it back"
ktap_result "$([ "$(scx_ops)" = reflex ] && "$STATUS" | grep -Eq '^exit: +none$'; echo $?)" \
	"running again, with a clean exit record"

echo S > /proc/sysrq-trigger
ktap_result "$(ktap_wait 30 sh -c '[ "$(cat '"$SCX_SYSFS"'/state)" = disabled ]'; echo $?)" \
	"sysrq-S ejects the scheduler"
out=$("$STATUS")
printf '%s\n' "$out" | sed 's/^/# /'
ktap_result "$(printf '%s\n' "$out" | grep -Eq '^exit: +SCX_EXIT_SYSRQ ' &&
	       printf '%s\n' "$out" | grep -Eq '^reason: +disabled by sysrq-S$'; echo $?)" \
	"status reports SCX_EXIT_SYSRQ, disabled by sysrq-S"
ktap_check "make unpin" reflex_unpin

ktap_finish
