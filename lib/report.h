/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - how the scx_reflex programs tell people that something
 * failed: "PROG: what failed and why" and "PROG: what to do" on stderr, or
 * with -j {"error": ..., "hint": ...} on stdout, as bpftool does.
 */
#ifndef __REFLEX_REPORT_H
#define __REFLEX_REPORT_H

#include <stdbool.h>
#include <linux/types.h>

/* Set once from main(): the program's name and its -j / -p options. */
void reflex_report_init(const char *prog, bool json, bool pretty);

/* Report a failure; @hint (what to do) may be NULL. */
void reflex_fail(const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* CLOCK_MONOTONIC in ns: the clock of bpf_ktime_get_ns() and ts_ns. */
__u64 reflex_now_ns(void);

#endif /* __REFLEX_REPORT_H */
