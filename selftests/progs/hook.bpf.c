// SPDX-License-Identifier: GPL-2.0
/*
 * hook.bpf.c - a program that does nothing, on a tracepoint every kernel
 * has, for tests that need a real BPF link to pin somewhere.  bpftool
 * attaches it (autoattach) and pins the link.
 */
#include "reflex.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("tp_btf/sched_process_free")
int BPF_PROG(noop_hook, struct task_struct *p)
{
	return 0;
}
