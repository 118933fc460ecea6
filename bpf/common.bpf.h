/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.bpf.h - what every BPF program of scx_reflex starts from: the
 * kernel's types (vmlinux.h, generated at build time) without bpftool's
 * kfunc prototypes, libbpf's helpers, the few kernel constants BPF code
 * needs and vmlinux.h cannot carry (errno values, macros), and a test for
 * interrupt context.
 */
#ifndef __REFLEX_COMMON_BPF_H
#define __REFLEX_COMMON_BPF_H

#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* vmlinux.h has no errno values. */
#define ENOENT		2
#define ENOMEM		12
#define ENOSPC		28

/*
 * preempt_count() bits: 0-7 count preemption disables and 8-15 softirq
 * disables (bit 8, SOFTIRQ_OFFSET, set while serving one) on every
 * kernel; above them sit the hardirq and NMI counts, whose split has moved
 * (Debian's 7.x kernels count hardirqs from bit 24, not 16), so all of
 * bits 16-30 are taken to mean "interrupt".  Bit 31 is x86's inverted
 * PREEMPT_NEED_RESCHED.
 */
#define REFLEX_SOFTIRQ_OFFSET	0x00000100
#define REFLEX_IRQ_NMI_MASK	0x7fff0000

extern const int __preempt_count __ksym;

/* Like the kernel's in_task(): not in an interrupt or serving a softirq. */
static __always_inline bool in_task_context(void)
{
	int pc = *(int *)bpf_this_cpu_ptr(&__preempt_count);

	return !(pc & (REFLEX_IRQ_NMI_MASK | REFLEX_SOFTIRQ_OFFSET));
}

#define REFLEX_PF_KTHREAD	0x00200000	/* PF_KTHREAD, <linux/sched.h> */
#define REFLEX_S_IFMT		00170000	/* <linux/stat.h> */
#define REFLEX_S_IFCHR		0020000
#define REFLEX_MINORBITS	20		/* dev_t is major << 20 | minor */

#endif /* __REFLEX_COMMON_BPF_H */
