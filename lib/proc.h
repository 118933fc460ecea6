/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc.h - what /proc says about a process, for the tools that name one
 * as the game: its tgid, its leader's name, flags and start time.
 */
#ifndef __REFLEX_PROC_H
#define __REFLEX_PROC_H

#include <linux/types.h>

struct reflex_proc {
	char comm[64];
	__u32 tgid;
	unsigned long flags;		/* PF_*, as the kernel keeps them */
	unsigned long long start;	/* clock ticks after boot */
};

/* /proc/@pid/stat of process (or thread) @pid; 0 or -errno. */
int reflex_proc_stat(long pid, struct reflex_proc *p);

/* The process @pid (a thread id works too) belongs to; 0 or -errno. */
int reflex_proc_of(long pid, struct reflex_proc *p);

#endif /* __REFLEX_PROC_H */
