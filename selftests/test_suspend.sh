#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_suspend.sh - a real suspend to RAM and resume (rtcwake -m mem):
# the kernel takes every CPU but CPU 0 offline and brings them back, and
# scx_reflex is still the running scheduler afterwards, never ejected, and
# saw the CPUs go and come (stats.cpu_offline, cpu_online).
#
# It suspends the machine it runs on for a few seconds, so it is not one
# of the tests run_tests runs (TEST_PROGS_EXTENDED): check.sh runs it in
# module-free guests, where qemu has S3 enabled (vm/vmtest -S) and the
# root is in memory.  (A guest whose root is 9p does not survive S3: qemu
# resets its devices on wakeup and virtio-9p has no resume.)
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root
grep -qw mem /sys/power/state 2>/dev/null ||
	ktap_skip_all "this machine cannot suspend to RAM (no 'mem' in /sys/power/state)"
[ -e /dev/rtc0 ] || ktap_skip_all "no RTC (/dev/rtc0) to wake the machine"
command -v rtcwake >/dev/null || ktap_skip_all "rtcwake not installed (util-linux)"

ktap_plan 7

[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make pin" reflex_pin
kmsg_mark
enable_seq=$(cat "$SCX_SYSFS/enable_seq")
off=$(stat_sum cpu_offline)
on=$(stat_sum cpu_online)
others=$(ls -d /sys/devices/system/cpu/cpu[1-9]* 2>/dev/null | wc -l)

ktap_check "suspend to RAM, woken by the RTC 5 s later (rtcwake -m mem -s 5)" \
	rtcwake -m mem -s 5
ktap_result "$([ "$(scx_state)" = enabled ] && [ "$(scx_ops)" = reflex ]; echo $?)" \
	"scx_reflex is the running scheduler after resume"
# why the kernel ejected it, if it did
kmsg_since | grep -E -A4 'sched_ext: .*(stall|disabled|exiting|error)' | sed 's/^/# /'
ktap_result "$([ "$(cat "$SCX_SYSFS/enable_seq")" = "$enable_seq" ]; echo $?)" \
	"it was never ejected and re-enabled (enable_seq unchanged)"
kind=$(bpftool -j map dump pinned "$PIN_MAPS/exit_info" | jq '.[0].formatted.value.kind')
ktap_result "$([ "$kind" = 0 ]; echo $?)" "exit_info records no exit (kind $kind)"
ktap_result "$([ $(( $(stat_sum cpu_offline) - off )) = "$others" ] &&
	       [ $(( $(stat_sum cpu_online) - on )) = "$others" ]; echo $?)" \
	"it saw each of the $others other CPUs go offline and come back"
ktap_check "make unpin" reflex_unpin
ktap_finish
