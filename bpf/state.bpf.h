/* SPDX-License-Identifier: GPL-2.0 */
/*
 * state.bpf.h - the scheduler's maps and per-task state, shared by the
 * sched_ext ops (scx_reflex.bpf.c) and the input hooks (input.bpf.h).
 *
 * Layouts come from <reflex/abi.h>; every map here is pinned under
 * maps/<name> by `make pin` and typed by BTF for bpftool.
 */
#ifndef __REFLEX_STATE_BPF_H
#define __REFLEX_STATE_BPF_H

#include <reflex/abi.h>
#include <reflex/policy.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct reflex_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct reflex_tunables);
} tunables SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct reflex_exit_info);
} exit_info SEC(".maps");

/* What the scheduler keeps per task. */
struct reflex_task_ctx {
	u64 vtime;		/* virtual run time; the queue key is derived */
	u64 run_start;		/* scx_bpf_now() when the task last started */
	u64 input_ns;		/* when it last got input (0: never) */
	u32 input_depth;	/* 0: read evdev itself; n: n wakeups away */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct reflex_task_ctx);
} task_ctx SEC(".maps");

/*
 * The vtime of the most recently started task: the system's "now" in
 * virtual time.  Updated without atomics from ops.running on all CPUs; a
 * lost update only makes one sleeper's head start a little larger.
 */
static u64 vtime_now;

/* CLOCK_MONOTONIC of the last input event (not EV_SYN) from any device. */
static u64 last_input_ns;

static const u32 zero;

#define stat_add(field, n)						\
do {									\
	struct reflex_stats *__s = bpf_map_lookup_elem(&stats, &zero);	\
									\
	if (__s)							\
		__s->field += (n);					\
} while (0)
#define stat_inc(field)	stat_add(field, 1)

/* The tunables as the scheduler may use them; clamps are counted. */
static __always_inline void get_settings(struct reflex_settings *s)
{
	int clamped;

	clamped = reflex_settings_get(bpf_map_lookup_elem(&tunables, &zero), s);
	if (clamped)
		stat_add(tunable_clamped, clamped);
}

static __always_inline struct reflex_task_ctx *
task_ctx_get(struct task_struct *p, bool create)
{
	return bpf_task_storage_get(&task_ctx, p, 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

#endif /* __REFLEX_STATE_BPF_H */
