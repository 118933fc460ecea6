/* SPDX-License-Identifier: GPL-2.0 */
/*
 * state.bpf.h - the scheduler's maps and per-task state, shared by the
 * sched_ext ops (scx_reflex.bpf.c) and the kernel hooks that feed them
 * (input.bpf.h, classes.bpf.h).
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

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct reflex_game);
} game SEC(".maps");

/* What the scheduler keeps per task. */
struct reflex_task_ctx {
	u64 vtime;		/* virtual run time; the queue key is derived */
	u64 run_start;		/* scx_bpf_now() when the task last started */
	u64 enq_ns;		/* when it joined the shared queue */
	u64 input_ns;		/* when it last got input (0: never) */
	u64 gpu_ns;		/* ... submitted GPU work */
	u64 kms_ns;		/* ... committed a KMS update */
	u64 audio_ns;		/* ... moved PCM frames */
	u32 input_depth;	/* 0: read evdev itself; n: n wakeups away */
	u32 class;		/* enum reflex_task_class at the last enqueue */
	bool in_drm_ioctl;	/* its last ioctl was a DRM driver ioctl */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct reflex_task_ctx);
} task_ctx SEC(".maps");

/* Mirror of the class marks for people and tests; see struct reflex_task_info. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, struct reflex_task_info);
} task_classes SEC(".maps");

/* What each CPU runs now: the class, and since when (for preemption). */
struct reflex_cpu_state {
	u32 class;
	u64 started_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct reflex_cpu_state);
} cpu_state SEC(".maps");

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

/*
 * Copy @p's marks into its task_classes entry and add the counts.  Called
 * when a mark is set and when a mark changes how @p is scheduled, never
 * on every enqueue.
 */
static __always_inline void task_info_update(struct task_struct *p,
					     const struct reflex_task_ctx *tctx,
					     u64 events, u64 boosts,
					     u64 preempts)
{
	struct reflex_task_info *ti, new = {};
	u32 tid = p->pid;

	ti = bpf_map_lookup_elem(&task_classes, &tid);
	if (!ti) {
		new.tgid = p->tgid;
		bpf_probe_read_kernel_str(new.comm, sizeof(new.comm), p->comm);
		bpf_map_update_elem(&task_classes, &tid, &new, BPF_NOEXIST);
		ti = bpf_map_lookup_elem(&task_classes, &tid);
		if (!ti)
			return;
	}
	ti->input_depth = tctx->input_depth;
	ti->input_ns = tctx->input_ns;
	ti->gpu_ns = tctx->gpu_ns;
	ti->kms_ns = tctx->kms_ns;
	ti->audio_ns = tctx->audio_ns;
	ti->last_class = tctx->class;
	ti->nr_events += events;
	ti->nr_boosted += boosts;
	ti->nr_preempted += preempts;
}

#endif /* __REFLEX_STATE_BPF_H */
