// SPDX-License-Identifier: GPL-2.0
/*
 * scx_reflex - a sched_ext scheduler for games, loaded and pinned with
 * bpftool and attached from the pins (see Documentation/workflow.rst).
 *
 * Policy: virtual deadlines.  A task's virtual time (task storage) grows
 * with its run time scaled by 100/weight.  A sync wakeup of a thread of
 * the game by another is queued on the waker's CPU (game_handoff()).
 * Any other waking task goes straight to an idle CPU when there is one
 * (the kernel's idle selection: its previous CPU's idle core first, then
 * idle cores in the same LLC, ...); otherwise
 * it joins its LLC's queue ordered by a deadline: its vtime, raised to at
 * most slice_lag_ns behind the current vtime, minus a lead for its class
 * (input handler, audio, compositor, GPU submit, game: classes.bpf.c).  A
 * task of such a class that finds no idle CPU preempts its waker's CPU
 * if a lower class runs there, else a CPU running batch work that has had
 * preempt_min_run_ns.  With more than one LLC (topology.bpf.c) each has
 * its own queue, and the game is kept on one.  The lead is not added to the
 * task's vtime, so it cannot pile up; and a task that waits in the queue
 * longer than starve_ns is moved ahead by the next CPU that dispatches, so
 * every runnable task runs within a bounded time and the sched_ext
 * watchdog (timeout_ms) has nothing to find.
 *
 * Nothing here depends on userspace after attach: settings live in
 * maps/tunables and maps/game, counters in maps/stats, and why the
 * scheduler stopped in maps/exit_info, all readable with bpftool.
 */
#include "reflex.bpf.h"

char _license[] SEC("license") = "GPL";

struct reflex_stats_map stats SEC(".maps");
struct reflex_tunables_map tunables SEC(".maps");
struct reflex_settings_map settings SEC(".maps");
struct reflex_task_ctx_map task_ctx SEC(".maps");
struct reflex_task_classes_map task_classes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct reflex_exit_info);
} exit_info SEC(".maps");

/* Wake-to-run latency by class, in log2 buckets (struct reflex_latency). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct reflex_latency);
} latency SEC(".maps");

/*
 * What each CPU runs now: the class, and since when (for preemption); and
 * whether it is offline (CPU hotplug), so that no task is sent there.
 */
struct reflex_cpu_state {
	u32 class;
	u32 offline;
	u64 started_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct reflex_cpu_state);
} cpu_state SEC(".maps");

/*
 * The deadline-ordered queue of LLC @l (topology.bpf.c): user DSQ ids 0 to
 * REFLEX_MAX_LLCS - 1, all created at init, so that an LLC first seen
 * when a CPU comes online has one too.
 */
#define llc_dsq(l)		((u64)(l))

/* At most this many queued tasks are looked at per starvation scan. */
#define REFLEX_STARVE_SCAN	64

/*
 * The system's "now" in virtual time: the largest vtime a task had when
 * it started (ops.running) or stopped (ops.stopping), so it moves on with
 * every run, a fork storm's short-lived children's included.  Were it to
 * stand still while work is done, a task whose vtime is ahead of it would
 * wait behind every newcomer (they start at vtime_now).  Updated without
 * atomics on all CPUs; a lost update only makes one sleeper's head start a
 * little larger.  It is one for the machine, not one per LLC: with two
 * LLCs it follows the less loaded one, and in the busier one every task
 * more than slice_lag_ns behind sorts at the same key (its weight no
 * longer orders it; nothing waits longer than the bound above).
 */
static u64 vtime_now;

static void vtime_now_advance(u64 vtime)
{
	if (reflex_vtime_before(vtime_now, vtime))
		vtime_now = vtime;
}

static const u32 zero;

__hidden void check_settings(struct reflex_settings *s)
{
	int clamped, bad_version;

	clamped = reflex_settings_get(bpf_map_lookup_elem(&tunables, &zero),
				      s, &bad_version);
	if (clamped)
		stat_add(tunable_clamped, clamped);
	if (bad_version)
		stat_inc(tunable_bad_version);
}

__hidden void refresh_settings(struct reflex_settings_cache *c, u64 now)
{
	check_settings(&c->s);
	c->at = now;
}

__hidden void task_info_update(struct task_struct *p,
			       const struct reflex_task_ctx *tctx,
			       u64 events, u64 boosts, u64 preempts)
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

/*
 * Without scx_bpf_select_cpu_and() (before 6.16; compat.bpf.h): in
 * ops.select_cpu, when any CPU of @p's will do, the kernel's own choice,
 * scx_bpf_select_cpu_dfl(); otherwise @prev_cpu if it is in @mask and
 * idle, then a whole idle core in @mask, then any idle CPU in it.  What
 * that loses against the kernel's choice within @mask is the nearness to
 * @prev_cpu beyond its own core.  @wake_flags is 0 outside ops.select_cpu
 * (every caller passes 0 there) and never 0 in it (the kernel calls
 * select_cpu only for SCX_WAKE_TTWU and SCX_WAKE_FORK), and
 * scx_bpf_select_cpu_dfl() is callable only there.
 */
static s32 select_idle_compat(struct task_struct *p, s32 prev_cpu,
			      u64 wake_flags, const struct cpumask *mask)
{
	bool is_idle = false;
	s32 cpu;

	if (wake_flags && mask == p->cpus_ptr) {
		cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
		return is_idle ? cpu : -1;
	}
	if (bpf_cpumask_test_cpu(prev_cpu, mask) &&
	    scx_bpf_test_and_clear_cpu_idle(prev_cpu))
		return prev_cpu;
	cpu = scx_bpf_pick_idle_cpu(mask, SCX_PICK_IDLE_CORE);
	if (cpu >= 0)
		return cpu;
	return scx_bpf_pick_idle_cpu(mask, 0);
}

/*
 * An idle CPU in @mask (a subset of @p's), claimed for @p; -1 if none.
 * @wake_flags: select_cpu's, or 0 in any other op.
 */
__hidden s32 select_idle_in(struct task_struct *p, s32 prev_cpu,
			    u64 wake_flags, const struct cpumask *mask)
{
	if (bpf_ksym_exists(scx_bpf_select_cpu_and))
		return scx_bpf_select_cpu_and(p, prev_cpu, wake_flags, mask, 0);
	return select_idle_compat(p, prev_cpu, wake_flags, mask);
}

/* An idle CPU @p may run on, anywhere, claimed for it; -1 if none. */
static s32 pick_idle_any(struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	return select_idle_in(p, prev_cpu, wake_flags, p->cpus_ptr);
}

/*
 * Does placement (llc_placement) apply to @p?  Only with more than one LLC,
 * and only to tasks that may run on every CPU: one whose affinity or
 * cpuset leaves out part of an LLC is left where the kernel's own choices
 * put it.
 */
static bool placed_task(const struct task_struct *p,
			const struct reflex_task_ctx *tctx,
			const struct reflex_settings *set)
{
	return tctx && set->llc_placement && nr_llcs > 1 &&
	       p->nr_cpus_allowed >= scx_bpf_nr_cpu_ids();
}

/*
 * An idle CPU for @p, claimed for it; -1 if none.  The kernel's choice
 * (scx_bpf_select_cpu_and(): the previous CPU if its whole core is idle,
 * then a whole idle core, then any idle CPU, nearest first), narrowed by
 * placement when the machine has more than one LLC: a thread of the game
 * looks only in the game's LLC (enqueue decides what else it may do);
 * while a game runs, batch work looks in the other LLCs first, from the
 * one it last ran on, and only then in the game's.
 */
static s32 pick_idle(struct task_struct *p, const struct reflex_task_ctx *tctx,
		     const struct reflex_settings *set, s32 prev_cpu,
		     u64 wake_flags)
{
	u32 nr = nr_llcs, game, from, i, l;
	s32 cpu;

	if (!placed_task(p, tctx, set))
		return pick_idle_any(p, prev_cpu, wake_flags);
	game = game_llc_of(set);
	if (tctx->in_game)
		return pick_idle_in_llc(p, prev_cpu, wake_flags, game);
	if (tctx->class == REFLEX_TC_OTHER && game_now(bpf_ktime_get_ns())) {
		from = cpu_llc_of(prev_cpu);
		bpf_for(i, 0, nr < REFLEX_MAX_LLCS ? nr : REFLEX_MAX_LLCS) {
			l = (from + i) % nr;
			if (l == game)
				continue;
			cpu = pick_idle_in_llc(p, prev_cpu, wake_flags, l);
			if (cpu >= 0)
				return cpu;
		}
	}
	return pick_idle_any(p, prev_cpu, wake_flags);
}

/*
 * A hand-off within the game (reflex_game_handoff()): may @p, woken by
 * the task running here, be queued on this CPU to run when its waker
 * sleeps?  Asked before any idle CPU: on a busy machine the render thread
 * and its GPU-submit thread then trade each frame on one CPU, where
 * waking another would cost each hand-off an IPI (or, in the benchmark
 * VM, the wait for that vCPU's turn) and the frame's data its cache.  A
 * thread kept on the game's LLC only where this CPU is in it.
 */
static bool game_handoff(struct task_struct *p,
			 const struct reflex_task_ctx *tctx,
			 const struct reflex_settings *set, u64 wake_flags)
{
	struct reflex_task_ctx *wctx;
	s32 this = bpf_get_smp_processor_id();

	/*
	 * From an interrupt the sync flag says nothing of the task it
	 * interrupted: a packet's softirq wakes a socket's reader with it,
	 * and the game thread that happened to be running is no waker.
	 */
	if (!tctx || !tctx->in_game || !(wake_flags & SCX_WAKE_SYNC) ||
	    !in_task_context())
		return false;
	wctx = task_ctx_get(bpf_get_current_task_btf(), false);
	if (!wctx || !bpf_cpumask_test_cpu(this, p->cpus_ptr))
		return false;
	if (placed_task(p, tctx, set) && cpu_llc_of(this) != game_llc_of(set))
		return false;
	return reflex_game_handoff(true, wctx->in_game, tctx->in_game,
				   scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL));
}

s32 BPF_STRUCT_OPS(reflex_select_cpu, struct task_struct *p, s32 prev_cpu,
		   u64 wake_flags)
{
	struct reflex_task_ctx *tctx = task_ctx_get(p, false);
	const struct reflex_settings *set;
	struct reflex_settings fb;
	s32 cpu;

	set = get_settings(bpf_ktime_get_ns(), &fb, true);
	if (game_handoff(p, tctx, set, wake_flags)) {
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, set->slice_ns, 0);
		stat_inc(game_handoff);
		return bpf_get_smp_processor_id();
	}
	cpu = pick_idle(p, tctx, set, prev_cpu, wake_flags);
	if (cpu < 0) {
		/* enqueue, which comes next, need not look again */
		if (tctx)
			tctx->no_idle = true;
		return prev_cpu;
	}
	/* The CPU is idle and now claimed: queue the task on it directly. */
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, set->slice_ns, 0);
	stat_inc(select_idle);
	return cpu;
}

/*
 * Could @cpu's current task be preempted for a task of @class now?
 * @local: @cpu is the CPU this wakeup runs on.
 */
static bool preemptible(s32 cpu, struct task_struct *p, int class,
			const struct reflex_settings *set, u64 now, bool local)
{
	struct reflex_cpu_state *cs;

	if (!bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
		return false;
	cs = bpf_map_lookup_percpu_elem(&cpu_state, &zero, cpu);
	/* started_ns 0: nothing ran there since attach (offline, or idle) */
	return cs && !cs->offline && cs->started_ns &&
	       reflex_may_preempt(class, cs->class, now - cs->started_ns,
				  local, set);
}

/*
 * Put @p, of a favoured @class, at the head of a CPU's local queue with
 * SCX_ENQ_PREEMPT: the current task's slice there ends now and @p runs
 * next.  This CPU first (no IPI needed; the waker or what an interrupt
 * interrupted), then the task's last CPU (its caches), then any CPU
 * running batch work (reflex_may_preempt() says which).  @llc >= 0: only
 * CPUs of that LLC (the game's, for its threads).
 */
static bool preempt_for(struct task_struct *p, struct reflex_task_ctx *tctx,
			int class, const struct reflex_settings *set,
			u64 enq_flags, s32 llc)
{
	u32 nr = scx_bpf_nr_cpu_ids(), i;
	s32 this = bpf_get_smp_processor_id();
	s32 prev = scx_bpf_task_cpu(p), cpu = -1;
	u64 now = bpf_ktime_get_ns();
	struct reflex_cpu_state *cs;

	if ((llc < 0 || cpu_llc_of(this) == llc) &&
	    preemptible(this, p, class, set, now, true)) {
		cpu = this;
	} else if ((llc < 0 || cpu_llc_of(prev) == llc) &&
		   preemptible(prev, p, class, set, now, false)) {
		cpu = prev;
	} else {
		bpf_for(i, 1, nr < REFLEX_MAX_CPUS ? nr : REFLEX_MAX_CPUS) {
			s32 c = (prev + i) % nr;

			if ((llc < 0 || cpu_llc_of(c) == llc) &&
			    preemptible(c, p, class, set, now, false)) {
				cpu = c;
				break;
			}
		}
	}
	if (cpu < 0)
		return false;
	/* Claim it, so that another waker looks elsewhere. */
	cs = bpf_map_lookup_percpu_elem(&cpu_state, &zero, cpu);
	if (cs)
		cs->class = class;
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu, set->slice_ns,
			   enq_flags | SCX_ENQ_PREEMPT);
	stat_inc(preempt);
	task_info_update(p, tctx, 0, 0, 1);
	return true;
}

/*
 * The LLC whose queue @p waits in: reflex_queue_llc() with placement on,
 * else the one it last ran in; but always one with a CPU online, so that
 * the queue is served.
 */
static u32 queue_llc(struct task_struct *p, const struct reflex_task_ctx *tctx,
		     const struct reflex_settings *set)
{
	u32 nr = nr_llcs, l = cpu_llc_of(scx_bpf_task_cpu(p)), i;

	if (placed_task(p, tctx, set))
		l = reflex_queue_llc(tctx->in_game, l, game_llc_of(set), nr);
	if (llc_online(l))
		return l;
	bpf_for(i, 1, nr < REFLEX_MAX_LLCS ? nr : REFLEX_MAX_LLCS) {
		if (llc_online((l + i) % nr))
			return (l + i) % nr;
	}
	return l;
}

static void insert_on(struct task_struct *p, s32 cpu,
		      const struct reflex_settings *set, u64 enq_flags)
{
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu, set->slice_ns, enq_flags);
	stat_inc(enqueue_idle);
}

void BPF_STRUCT_OPS(reflex_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct reflex_task_ctx *tctx = task_ctx_get(p, false);
	u64 boost = 0, vtime = vtime_now, now = bpf_ktime_get_ns();
	const struct reflex_settings *set;
	int class = REFLEX_TC_OTHER;
	struct reflex_settings fb;
	bool looked = false, placed;
	s32 cpu, llc = -1;
	u32 l;

	stat_inc(enqueue);
	set = get_settings(now, &fb, true);
	/*
	 * A sleeper's credit is bounded in its vtime itself, not only in its
	 * queue key: were just the key raised, a task that slept long and
	 * then kept running would sort slice_lag_ns behind vtime_now on every
	 * enqueue, and not move vtime_now, until its own vtime caught up; the
	 * tasks it overtook would wait all that time.
	 */
	if (tctx)
		tctx->vtime = reflex_vtime_floor(tctx->vtime, vtime_now,
						 set->slice_lag_ns);
	/*
	 * Where the queues cannot be iterated, nothing could move a per-CPU
	 * kthread out of an LLC queue if its CPU went offline, and the
	 * hotplug waits for it (move_stranded()): it goes to its CPU's local
	 * queue instead, ahead of the deadline order.  Only kthreads: user
	 * threads pinned to one CPU and busy would starve the tasks queued
	 * behind them there.
	 */
	if ((p->flags & REFLEX_PF_KTHREAD) && p->nr_cpus_allowed == 1 &&
	    !bpf_ksym_exists(bpf_iter_scx_dsq_new)) {
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | scx_bpf_task_cpu(p),
				   set->slice_ns, enq_flags);
		stat_inc(enqueue_pinned);
		return;
	}
	/*
	 * A wakeup that went through select_cpu has been offered every idle
	 * CPU already; anything else (queued wakeups, tasks allowed on one
	 * CPU, requeues) asks here.
	 */
	if (tctx) {
		looked = tctx->no_idle;
		tctx->no_idle = false;
	}
	cpu = looked ? -1 : pick_idle(p, tctx, set, scx_bpf_task_cpu(p), 0);
	if (cpu >= 0) {
		insert_on(p, cpu, set, enq_flags);
		return;
	}

	/* A thread of the game, kept on the game's LLC (pick_idle()). */
	placed = placed_task(p, tctx, set) && tctx->in_game;
	if (tctx) {
		class = tctx->class;
		boost = reflex_class_boost(class, set);
		if (placed)
			llc = game_llc_of(set);
		if (boost && preempt_for(p, tctx, class, set, enq_flags, llc))
			return;
		vtime = tctx->vtime;
		tctx->enq_ns = now;
	}
	/*
	 * The game's LLC is busy with work it may not preempt (the game's own
	 * threads, or other favoured ones): an idle CPU in another LLC now
	 * beats a wait for one there.
	 */
	if (placed) {
		cpu = pick_idle_any(p, scx_bpf_task_cpu(p), 0);
		if (cpu >= 0) {
			insert_on(p, cpu, set, enq_flags);
			return;
		}
	}
	l = queue_llc(p, tctx, set);
	scx_bpf_dsq_insert_vtime(p, llc_dsq(l), set->slice_ns,
				 reflex_deadline(vtime, vtime_now,
						 set->slice_lag_ns, boost),
				 enq_flags);
	stat_inc(enqueue_shared);
	if (placed && l == llc)
		stat_inc(enqueue_game_llc);
	if (boost && tctx) {
		stat_inc(enqueue_boost);
		task_info_update(p, tctx, 0, 1, 0);
	}
}

static bool cpu_is_offline(s32 cpu)
{
	struct reflex_cpu_state *cs;

	cs = bpf_map_lookup_percpu_elem(&cpu_state, &zero, cpu);
	return cs && cs->offline;
}

/*
 * The starvation guard: every starve_ns / 4, one CPU looks at the tasks at
 * the back of each LLC's queue (where the largest deadlines are) and moves
 * every one that has waited starve_ns or longer to the local queue of the
 * CPU it last ran on (the move kicks that CPU), or to this CPU's if it may
 * not run there or that CPU is offline.  So a backlog of starved tasks is
 * cleared in one scan, not one task per scan, and a task allowed on one
 * CPU is served even when that CPU never dispatches because its local
 * queue never empties.  Where the queues cannot be iterated (see
 * reflex.bpf.h) the guard is off and the bounded queue keys alone keep
 * every task moving.  Nothing is carried from one task to the next but
 * the count: more makes the loop too complex for the verifier.
 *
 * The two queue scans, rescue_starved_in() and move_stranded_in(), are
 * global functions: the verifier checks each once, on its own, instead of
 * in every state of the dispatch path that calls it.  Inlined, their
 * iterator loops inside the loop over LLCs leave more branches pending at
 * once than it allows (8192).  Both return a number: 6.12 takes no global
 * function that returns void.
 */
static u64 last_starve_scan;

/* Returns how many tasks it moved. */
__noinline u32 rescue_starved_in(u64 dsq, u64 starve_ns, u64 now)
{
	s32 this_cpu = bpf_get_smp_processor_id(), cpu;
	struct task_struct *p;
	u32 moved = 0;
	int n = 0;
	u64 to;

	bpf_for_each(scx_dsq, p, dsq, SCX_DSQ_ITER_REV) {
		struct reflex_task_ctx *tctx;

		if (++n > REFLEX_STARVE_SCAN)
			break;
		tctx = task_ctx_get(p, false);
		/* enq_ns may be newer than now: another CPU wrote it since */
		if (!tctx || (s64)(now - tctx->enq_ns) < (s64)starve_ns)
			continue;
		/* Moving a task where it may not run is a scheduler error. */
		cpu = scx_bpf_task_cpu(p);
		if (cpu != this_cpu && bpf_cpumask_test_cpu(cpu, p->cpus_ptr) &&
		    !cpu_is_offline(cpu))
			to = SCX_DSQ_LOCAL_ON | cpu;
		else if (bpf_cpumask_test_cpu(this_cpu, p->cpus_ptr))
			to = SCX_DSQ_LOCAL;
		else
			continue;
		if (scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, to, 0))
			moved++;
	}
	return moved;
}

static void rescue_starved(const struct reflex_settings *set)
{
	u64 now = bpf_ktime_get_ns(), last = last_starve_scan;
	u32 l, nr = nr_llcs, moved = 0;

	if (!bpf_ksym_exists(bpf_iter_scx_dsq_new) ||
	    (s64)(now - last) < (s64)(set->starve_ns / 4) ||
	    !__sync_bool_compare_and_swap(&last_starve_scan, last, now))
		return;
	bpf_for(l, 0, nr < REFLEX_MAX_LLCS ? nr : REFLEX_MAX_LLCS)
		moved += rescue_starved_in(llc_dsq(l), set->starve_ns, now);
	if (moved)
		stat_add(starved, moved);
}

/*
 * A CPU going offline is no longer asked to dispatch, yet the hotplug
 * waits until it has run every task still queued on its run queue (the
 * kernel then moves a user thread elsewhere, breaking its affinity if it
 * must, and parks a per-CPU kthread).  A task that waited in an LLC queue
 * for that CPU as it went, one allowed to run only there, would wait for
 * ever, and the watchdog would end the scheduler.  So after each
 * cpu_offline, CPUs that dispatch look through the queues for tasks whose
 * CPU is offline and move them: here if they may run here, else to their
 * own CPU's local queue, which it still runs.  offline_seq counts the
 * CPUs that went; stranded_seq is the count the last scan that found
 * none had seen.
 */
static u64 offline_seq, stranded_seq;

/*
 * Move the tasks of queue @dsq whose CPU is offline; how many.  *@more: a
 * task could not be moved.  The whole queue is looked at (the iterator
 * sees only the tasks queued when it began, so it ends); this runs only
 * after a CPU went offline, until a scan finds none.  Global, like
 * rescue_starved_in(), so @more may be NULL to the verifier.
 */
__noinline u32 move_stranded_in(u64 dsq, s32 this_cpu, bool *more)
{
	struct task_struct *p;
	u32 moved = 0;
	u64 to;
	s32 cpu;

	bpf_for_each(scx_dsq, p, dsq, 0) {
		cpu = scx_bpf_task_cpu(p);
		if (!cpu_is_offline(cpu))
			continue;
		to = SCX_DSQ_LOCAL_ON | cpu;
		if (bpf_cpumask_test_cpu(this_cpu, p->cpus_ptr))
			to = SCX_DSQ_LOCAL;
		if (scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, to, 0))
			moved++;
		else if (more)
			*more = true;
	}
	return moved;
}

/* Returns whether it moved a task (to this CPU or another). */
static bool move_stranded(s32 this_cpu)
{
	u64 seq = offline_seq;
	u32 nr = nr_llcs, l, moved = 0;
	bool more = false;

	if (!bpf_ksym_exists(bpf_iter_scx_dsq_new) || seq == stranded_seq)
		return false;
	bpf_for(l, 0, nr < REFLEX_MAX_LLCS ? nr : REFLEX_MAX_LLCS)
		moved += move_stranded_in(llc_dsq(l), this_cpu, &more);
	if (moved)
		stat_add(offline_moved, moved);
	else if (!more)
		stranded_seq = seq;	/* a CPU that went since: seq differs */
	return moved;
}

/*
 * Take a task from the queue of an LLC whose CPUs are all offline: no CPU
 * of its own serves it any more.  Returns whether one was taken.
 */
static bool drain_down_llcs(void)
{
	u32 nr = nr_llcs, l;

	if (!llcs_down)
		return false;
	bpf_for(l, 0, nr < REFLEX_MAX_LLCS ? nr : REFLEX_MAX_LLCS) {
		if (!llc_online(l) &&
		    scx_bpf_dsq_move_to_local(llc_dsq(l))) {
			stat_inc(dispatch_steal);
			return true;
		}
	}
	return false;
}

void BPF_STRUCT_OPS(reflex_dispatch, s32 cpu, struct task_struct *prev)
{
	struct reflex_settings fb;
	const struct reflex_settings *set = get_settings(bpf_ktime_get_ns(),
							 &fb, true);
	u32 nr = nr_llcs, l = cpu_llc_of(cpu), i;

	/* Starved tasks first; this CPU then takes its next task as usual. */
	rescue_starved(set);
	if (move_stranded(cpu) || drain_down_llcs())
		return;
	if (scx_bpf_dsq_move_to_local(llc_dsq(l))) {
		stat_inc(dispatch_shared);
		return;
	}
	/* Nothing queued in this LLC: take from the next one that has work. */
	bpf_for(i, 1, nr < REFLEX_MAX_LLCS ? nr : REFLEX_MAX_LLCS) {
		if (scx_bpf_dsq_move_to_local(llc_dsq((l + i) % nr))) {
			stat_inc(dispatch_steal);
			return;
		}
	}
	/*
	 * Nothing queued.  If the previous task still wants the CPU it keeps
	 * running, with our slice rather than the kernel's 20 ms default, so
	 * that a task queued meanwhile waits at most one slice.
	 */
	if (prev && (prev->scx.flags & SCX_TASK_QUEUED)) {
		scx_bpf_task_set_slice(prev, set->slice_ns);
		stat_inc(dispatch_keep);
		return;
	}
	stat_inc(dispatch_idle);
}

/*
 * A task becomes runnable: decide its class once here, for enqueue,
 * preemption and the CPU state to use, let a waking input handler pass
 * its mark on, and note the time for the wake-to-run latency.
 */
void BPF_STRUCT_OPS(reflex_runnable, struct task_struct *p, u64 enq_flags)
{
	struct reflex_task_ctx *tctx = task_ctx_get(p, false);
	u64 now = bpf_ktime_get_ns();
	const struct reflex_settings *set;
	struct reflex_settings fb;

	if (!tctx)
		return;
	set = get_settings(now, &fb, true);
	if (enq_flags & SCX_ENQ_WAKEUP)
		input_chain_wakeup(p, set);
	task_classify(p, tctx, set, now);
	tctx->runnable_ns = now;
}

/* A task of @class waited @ns from becoming runnable to running. */
static void record_latency(u32 class, u64 ns)
{
	struct reflex_latency *lat = bpf_map_lookup_elem(&latency, &zero);
	u32 b = reflex_lat_bucket(ns);

	if (lat && class < REFLEX_NR_TC && b < REFLEX_LAT_BUCKETS)
		lat->hist[class][b]++;
}

void BPF_STRUCT_OPS(reflex_running, struct task_struct *p)
{
	struct reflex_task_ctx *tctx = task_ctx_get(p, false);
	struct reflex_cpu_state *cs = bpf_map_lookup_elem(&cpu_state, &zero);
	u64 now = bpf_ktime_get_ns();

	stat_inc(running);
	if (!tctx)
		return;
	if (cs) {
		cs->class = tctx->class;
		cs->started_ns = now;
	}
	if (tctx->runnable_ns) {
		record_latency(tctx->class, now - tctx->runnable_ns);
		tctx->runnable_ns = 0;
	}
	tctx->run_start = scx_bpf_now();
	vtime_now_advance(tctx->vtime);
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

void BPF_STRUCT_OPS(reflex_tick, struct task_struct *p)
{
	struct reflex_task_ctx *tctx = task_ctx_get(p, false);

	if (tctx)
		charge_run(p, tctx, false);
}

void BPF_STRUCT_OPS(reflex_stopping, struct task_struct *p, bool runnable)
{
	struct reflex_task_ctx *tctx = task_ctx_get(p, false);

	if (!tctx)
		return;
	charge_run(p, tctx, true);
	vtime_now_advance(tctx->vtime);
}

void BPF_STRUCT_OPS(reflex_enable, struct task_struct *p)
{
	struct reflex_task_ctx *tctx = task_ctx_get(p, false);

	/* A task new to the scheduler starts at the current vtime. */
	if (tctx)
		tctx->vtime = vtime_now;
}

/*
 * CPU hotplug (suspend and resume take every CPU but one offline and back).
 * Implementing these two is what keeps the kernel from ejecting the
 * scheduler when a CPU comes or goes.  The kernel moves the tasks off an
 * outgoing CPU once it runs them; those waiting in a queue for it are
 * moved to a CPU that runs them (move_stranded()).  New work is queued
 * only in LLCs with a CPU online (queue_llc()), and the queue of an LLC
 * whose last CPU went offline is emptied by the others first
 * (drain_down_llcs()).
 */
void BPF_STRUCT_OPS(reflex_cpu_online, s32 cpu)
{
	struct reflex_cpu_state *cs = bpf_map_lookup_percpu_elem(&cpu_state, &zero, cpu);

	if (cs)
		cs->offline = 0;
	topo_cpu_online(cpu);
	stat_inc(cpu_online);
}

void BPF_STRUCT_OPS(reflex_cpu_offline, s32 cpu)
{
	struct reflex_cpu_state *cs = bpf_map_lookup_percpu_elem(&cpu_state, &zero, cpu);

	if (cs)
		cs->offline = 1;
	topo_cpu_offline(cpu);
	__sync_fetch_and_add(&offline_seq, 1);
	stat_inc(cpu_offline);
}

s32 BPF_STRUCT_OPS(reflex_init_task, struct task_struct *p,
		   struct scx_init_task_args *args)
{
	return task_ctx_get(p, true) ? 0 : -ENOMEM;
}

/*
 * The CPUs as the scheduler starts: which are offline (from then on
 * cpu_online and cpu_offline keep cpu_state right), and which LLC each is
 * in (topology.bpf.c).  0 or a negative errno.
 */
static s32 read_cpus(void)
{
	const struct cpumask *online = scx_bpf_get_online_cpumask();
	u32 nr = scx_bpf_nr_cpu_ids(), cpu;
	struct reflex_cpu_state *cs;
	bool on;

	if (nr > REFLEX_MAX_CPUS)
		nr = REFLEX_MAX_CPUS;
	bpf_for(cpu, 0, nr) {
		on = bpf_cpumask_test_cpu(cpu, online);
		cs = bpf_map_lookup_percpu_elem(&cpu_state, &zero, cpu);
		if (cs)
			cs->offline = !on;
		topo_add_cpu(cpu, on);
	}
	scx_bpf_put_cpumask(online);
	return topo_finish(nr);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(reflex_init)
{
	struct reflex_tunables *t = bpf_map_lookup_elem(&tunables, &zero);
	struct reflex_exit_info *ei = bpf_map_lookup_elem(&exit_info, &zero);
	s32 ret;
	u32 l;

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

	ret = read_cpus();
	if (ret) {
		reflex_error("cannot read the CPU topology: %d", ret);
		return ret;
	}
	bpf_for(l, 0, REFLEX_MAX_LLCS) {
		ret = scx_bpf_create_dsq(llc_dsq(l), -1);
		if (ret) {
			reflex_error("cannot create the queue of LLC %u: %d", l, ret);
			return ret;
		}
	}
	return 0;
}

void BPF_STRUCT_OPS(reflex_exit, struct scx_exit_info *ei)
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

/*
 * The ops table.  bpftool loads the programs into their slots from this
 * initializer but creates the struct_ops map with an empty value; the
 * loader fills that value from the pins (the programs, and the data
 * members name, flags and timeout_ms from <reflex/abi.h>).  So only the
 * slots are given here.
 */
SEC(".struct_ops.link")
struct sched_ext_ops reflex_ops = {
	.select_cpu	= (void *)reflex_select_cpu,
	.enqueue	= (void *)reflex_enqueue,
	.dispatch	= (void *)reflex_dispatch,
	.tick		= (void *)reflex_tick,
	.runnable	= (void *)reflex_runnable,
	.running	= (void *)reflex_running,
	.stopping	= (void *)reflex_stopping,
	.enable		= (void *)reflex_enable,
	.cpu_online	= (void *)reflex_cpu_online,
	.cpu_offline	= (void *)reflex_cpu_offline,
	.init_task	= (void *)reflex_init_task,
	.init		= (void *)reflex_init,
	.exit		= (void *)reflex_exit,
};
