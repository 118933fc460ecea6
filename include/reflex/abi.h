/* SPDX-License-Identifier: GPL-2.0 */
/*
 * abi.h - what the scx_reflex BPF object and its userspace agree on.
 *
 * One home for each fact that crosses the kernel/user boundary: where things
 * are pinned, what the pinned maps are called and what their values look
 * like, and the data members of the sched_ext_ops struct.  The BPF object
 * includes this after vmlinux.h, userspace after <linux/types.h>; only
 * __u64-style types are used so that both sides see the same layout, and
 * every layout is checked by BTF in the object (bpftool map dump shows the
 * field names).
 *
 * Shell scripts read REFLEX_PIN_ROOT from this file (pin/lib.sh), so keep
 * that #define on one line.
 */
#ifndef __REFLEX_ABI_H
#define __REFLEX_ABI_H

#define REFLEX_PIN_ROOT		"/sys/fs/bpf/scx_reflex"
#define REFLEX_PIN_PROGS	REFLEX_PIN_ROOT "/progs"
#define REFLEX_PIN_MAPS		REFLEX_PIN_ROOT "/maps"
#define REFLEX_PIN_LINK		REFLEX_PIN_ROOT "/link"

/*
 * The sched_ext_ops data members.  bpftool prog loadall creates the
 * struct_ops map but leaves its value empty, so the loader writes these into
 * the kernel's value; the BPF object's own initializer uses the same
 * macros.  Flags are named, not numbered: the loader resolves each name in
 * the running kernel's BTF (enum scx_ops_flags).
 */
#define REFLEX_OPS_NAME		"reflex"
#define REFLEX_OPS_MAP		"reflex_ops"	/* the struct_ops map */
#define REFLEX_OPS_PROG_PREFIX	"reflex_"	/* progs/reflex_<member> */
#define REFLEX_OPS_TIMEOUT_MS	5000		/* watchdog: kernel max 30000 */
/*
 * Queued wakeups: enqueue may run on the wakee's CPU without a preceding
 * select_cpu; reflex_enqueue() looks for an idle CPU itself, so it copes.
 */
#define REFLEX_OPS_FLAGS(X)				\
	X(SCX_OPS_ALLOW_QUEUED_WAKEUP)

/* Pinned map names (maps/<name>); at most 15 characters each. */
#define REFLEX_MAP_STATS	"stats"
#define REFLEX_MAP_TUNABLES	"tunables"
#define REFLEX_MAP_EXIT_INFO	"exit_info"
#define REFLEX_MAP_EVENTS_FMT	"events_%02u"	/* events_00 .. events_15 */

/*
 * Input event ring buffers: one per CPU modulo 16, so that a flood on one
 * CPU cannot fill another CPU's buffer.  Fed by the input pipeline.
 */
#define REFLEX_NR_EVENT_RINGS	16
#define REFLEX_EVENT_RING_SIZE	(256 * 1024)	/* bytes, power of two */

/*
 * Per-CPU scheduler counters (maps/stats, a one-entry PERCPU_ARRAY).  Every
 * field counts events since the maps were created; readers sum the CPUs.
 */
struct reflex_stats {
	__u64 enqueue;		/* ops.enqueue calls */
	__u64 select_idle;	/* wakeups placed on an idle CPU by select_cpu */
	__u64 enqueue_idle;	/* enqueues sent to an idle CPU's local queue */
	__u64 enqueue_shared;	/* enqueues into the shared vtime queue */
	__u64 dispatch_shared;	/* tasks this CPU took from the shared queue */
	__u64 dispatch_keep;	/* dispatch found nothing; previous task kept */
	__u64 dispatch_idle;	/* dispatch found nothing; CPU goes idle */
	__u64 running;		/* tasks started on this CPU (ops.running) */
	__u64 run_ns;		/* time tasks ran on this CPU, in ns */
	__u64 tunable_clamped;	/* tunable reads that were out of range */
};

/*
 * Runtime settings (maps/tunables, a one-entry ARRAY).  ops.init fills in
 * the defaults when it finds the entry empty (version 0); after that
 * `bpftool map update` may change any field on a running scheduler.  Values
 * out of range are clamped where they are read, and counted in
 * reflex_stats.tunable_clamped; they never reach the kernel unchecked.
 */
#define REFLEX_TUNABLES_VERSION	1
struct reflex_tunables {
	__u32 version;		/* REFLEX_TUNABLES_VERSION once initialised */
	__u32 __pad;
	__u64 slice_ns;		/* time slice given to a task */
	__u64 slice_lag_ns;	/* vtime credit a sleeper may bank, at most */
};

/*
 * Why the scheduler stopped (maps/exit_info, a one-entry ARRAY), written by
 * ops.exit from the kernel's struct scx_exit_info and cleared by ops.init.
 * kind is an enum scx_exit_kind value (0: none yet; names in kernel BTF).
 */
#define REFLEX_EXIT_REASON_LEN	128
#define REFLEX_EXIT_MSG_LEN	1024
struct reflex_exit_info {
	__u32 kind;
	__s32 exit_cpu;
	__s64 exit_code;
	__u64 nr_exits;		/* how many times ops.exit ran */
	char reason[REFLEX_EXIT_REASON_LEN];
	char msg[REFLEX_EXIT_MSG_LEN];
};

#endif /* __REFLEX_ABI_H */
