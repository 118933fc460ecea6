// SPDX-License-Identifier: GPL-2.0
/*
 * scx_reflex - a sched_ext scheduler for games, loaded and pinned with
 * bpftool and attached from the pins (see Documentation/workflow.rst).
 *
 * Policy: weighted virtual-time fairness with an input boost.  A waking
 * task goes straight to an idle CPU when there is one (its previous CPU
 * first); otherwise it joins one shared queue ordered by a deadline
 * derived from its virtual time, from which every CPU takes the most
 * deserving task it may run.  A task's vtime advances by its run time
 * scaled by 100/weight; a sleeper is queued at most slice_lag_ns behind
 * the current vtime, so it runs soon but cannot starve anyone.  Input
 * handlers (input.bpf.h) are queued input_boost_ns earlier while the input
 * window is open; the boost is not added to their vtime, so it cannot pile
 * up.  Every queued task is reachable from the one queue and keys only
 * grow, so each runnable task runs within a bounded time and the sched_ext
 * watchdog (timeout_ms) has nothing to find.
 *
 * Nothing here depends on userspace after attach: settings live in
 * maps/tunables, counters in maps/stats, and why the scheduler stopped in
 * maps/exit_info, all readable with bpftool.
 */
#include "scx.bpf.h"
#include "state.bpf.h"
#include "input.bpf.h"

char _license[] SEC("license") = "GPL";

/* The shared deadline-ordered queue (a user DSQ id: bit 63 clear). */
#define REFLEX_DSQ_SHARED	0

s32 REFLEX_OP(select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	struct reflex_settings set;
	s32 cpu;

	cpu = scx_bpf_select_cpu_and(p, prev_cpu, wake_flags, p->cpus_ptr, 0);
	if (cpu < 0)
		return prev_cpu;
	/* The CPU is idle and now claimed: queue the task on it directly. */
	get_settings(&set);
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, set.slice_ns, 0);
	stat_inc(select_idle);
	return cpu;
}

/* An idle CPU @p may run on, claimed for it; its last CPU first. */
static s32 claim_idle_cpu(struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p);

	if (bpf_cpumask_test_cpu(cpu, p->cpus_ptr) &&
	    scx_bpf_test_and_clear_cpu_idle(cpu))
		return cpu;
	return scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
}

void REFLEX_OP(enqueue, struct task_struct *p, u64 enq_flags)
{
	struct reflex_task_ctx *tctx;
	struct reflex_settings set;
	u64 boost = 0, vtime = vtime_now;
	s32 cpu;

	stat_inc(enqueue);
	get_settings(&set);

	/*
	 * Enqueue also runs without a preceding select_cpu (queued wakeups,
	 * tasks allowed on one CPU, requeues), so an idle CPU is looked for
	 * here too.  Inserting into a remote CPU's local queue wakes it.
	 */
	cpu = claim_idle_cpu(p);
	if (cpu >= 0) {
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu, set.slice_ns,
				   enq_flags);
		stat_inc(enqueue_idle);
		return;
	}

	tctx = task_ctx_get(p, false);
	if (tctx) {
		vtime = tctx->vtime;
		if (input_boosted(tctx, &set, bpf_ktime_get_ns())) {
			boost = set.input_boost_ns;
			stat_inc(enqueue_boost);
			mirror_input_task(p, tctx->input_depth, 0, 0, 1);
		}
	}
	scx_bpf_dsq_insert_vtime(p, REFLEX_DSQ_SHARED, set.slice_ns,
				 reflex_deadline(vtime, vtime_now,
						 set.slice_lag_ns, boost),
				 enq_flags);
	stat_inc(enqueue_shared);
}

void REFLEX_OP(dispatch, s32 cpu, struct task_struct *prev)
{
	struct reflex_settings set;

	if (scx_bpf_dsq_move_to_local(REFLEX_DSQ_SHARED)) {
		stat_inc(dispatch_shared);
		return;
	}
	/*
	 * Nothing queued.  If the previous task still wants the CPU it keeps
	 * running, with our slice rather than the kernel's 20 ms default, so
	 * that a task queued meanwhile waits at most one slice.
	 */
	if (prev && (prev->scx.flags & SCX_TASK_QUEUED)) {
		get_settings(&set);
		scx_bpf_task_set_slice(prev, set.slice_ns);
		stat_inc(dispatch_keep);
		return;
	}
	stat_inc(dispatch_idle);
}

void REFLEX_OP(runnable, struct task_struct *p, u64 enq_flags)
{
	struct reflex_settings set;

	if (!(enq_flags & SCX_ENQ_WAKEUP))
		return;
	get_settings(&set);
	input_chain_wakeup(p, &set);
}

void REFLEX_OP(running, struct task_struct *p)
{
	struct reflex_task_ctx *tctx = task_ctx_get(p, false);

	stat_inc(running);
	if (!tctx)
		return;
	tctx->run_start = scx_bpf_now();
	if (reflex_vtime_before(vtime_now, tctx->vtime))
		vtime_now = tctx->vtime;
}

/*
 * Charge the time @p ran since it started or was last charged.  Called on
 * every tick too, so that a task that keeps its CPU (dispatch found
 * nothing else to run) pays as it goes, not in one lump when it stops.
 */
static void charge_run(struct task_struct *p, struct reflex_task_ctx *tctx,
		       bool stopping)
{
	u64 now = scx_bpf_now(), delta;

	if (!tctx->run_start)
		return;
	delta = now - tctx->run_start;
	tctx->run_start = stopping ? 0 : now;
	stat_add(run_ns, delta);
	tctx->vtime += reflex_vtime_charge(delta, p->scx.weight);
}

void REFLEX_OP(tick, struct task_struct *p)
{
	struct reflex_task_ctx *tctx = task_ctx_get(p, false);

	if (tctx)
		charge_run(p, tctx, false);
}

void REFLEX_OP(stopping, struct task_struct *p, bool runnable)
{
	struct reflex_task_ctx *tctx = task_ctx_get(p, false);

	if (tctx)
		charge_run(p, tctx, true);
}

void REFLEX_OP(enable, struct task_struct *p)
{
	struct reflex_task_ctx *tctx = task_ctx_get(p, false);

	/* A task new to the scheduler starts at the current vtime. */
	if (tctx)
		tctx->vtime = vtime_now;
}

s32 REFLEX_OP(init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	return task_ctx_get(p, true) ? 0 : -ENOMEM;
}

s32 REFLEX_OP_SLEEPABLE(init)
{
	struct reflex_tunables *t = bpf_map_lookup_elem(&tunables, &zero);
	struct reflex_exit_info *ei = bpf_map_lookup_elem(&exit_info, &zero);
	s32 ret;

	/* Defaults once; values set with bpftool before attach are kept. */
	if (t && !t->version)
		reflex_tunables_default(t);
	/* This run has not exited yet. */
	if (ei) {
		ei->kind = 0;
		ei->exit_cpu = -1;
		ei->exit_code = 0;
		ei->reason[0] = '\0';
		ei->msg[0] = '\0';
	}

	ret = scx_bpf_create_dsq(REFLEX_DSQ_SHARED, -1);
	if (ret)
		reflex_error("cannot create the shared queue: %d", ret);
	return ret;
}

void REFLEX_OP(exit, struct scx_exit_info *ei)
{
	struct reflex_exit_info *out = bpf_map_lookup_elem(&exit_info, &zero);

	if (!out)
		return;
	out->kind = ei->kind;
	out->exit_code = ei->exit_code;
	out->exit_cpu = -1;
	if (bpf_core_field_exists(ei->exit_cpu))
		out->exit_cpu = BPF_CORE_READ(ei, exit_cpu);
	bpf_probe_read_kernel_str(out->reason, sizeof(out->reason),
				  ei->reason);
	bpf_probe_read_kernel_str(out->msg, sizeof(out->msg), ei->msg);
	__sync_fetch_and_add(&out->nr_exits, 1);
}

SEC(".struct_ops.link")
struct sched_ext_ops reflex_ops = {
	REFLEX_OP_SLOT(select_cpu),
	REFLEX_OP_SLOT(enqueue),
	REFLEX_OP_SLOT(dispatch),
	REFLEX_OP_SLOT(tick),
	REFLEX_OP_SLOT(runnable),
	REFLEX_OP_SLOT(running),
	REFLEX_OP_SLOT(stopping),
	REFLEX_OP_SLOT(enable),
	REFLEX_OP_SLOT(init_task),
	REFLEX_OP_SLOT(init),
	REFLEX_OP_SLOT(exit),
#define REFLEX_FLAG_BIT(f)	| (f)
	.flags		= 0 REFLEX_OPS_FLAGS(REFLEX_FLAG_BIT),
#undef REFLEX_FLAG_BIT
	.timeout_ms	= REFLEX_OPS_TIMEOUT_MS,
	.name		= REFLEX_OPS_NAME,
};
