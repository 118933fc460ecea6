/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.bpf.h - one object for every kernel from 6.12 on.
 *
 * sched_ext's kfuncs were renamed and extended after 6.12, the first
 * release with sched_ext.  The object calls them by their current names;
 * the macros below pick, when the object is loaded, whichever the running
 * kernel has.  Every name a kernel may lack is a __weak ksym: libbpf
 * leaves it unbound there, bpf_ksym_exists() is then a constant false,
 * and the verifier never walks the branch that calls it.  A kernel with
 * neither name fails at load time, naming the ___compat one.
 *
 * What 6.12 offers instead (Documentation/compat.rst says what it costs):
 *
 *   scx_bpf_dsq_insert()           scx_bpf_dispatch()
 *   scx_bpf_dsq_insert_vtime()     scx_bpf_dispatch_vtime()
 *   scx_bpf_dsq_move_to_local()    scx_bpf_consume()
 *   scx_bpf_dsq_move()             scx_bpf_dispatch_from_dsq()
 *   scx_bpf_task_set_slice()       a store to p->scx.slice
 *   scx_bpf_now()                  bpf_ktime_get_ns()
 *   scx_bpf_select_cpu_and()       select_idle_in() in main.bpf.c
 *   __preempt_count                pcpu_hot.preempt_count
 *
 * A macro is not expanded inside its own expansion, so the kfunc named in
 * a macro's body is the kfunc itself.
 */
#ifndef __REFLEX_COMPAT_BPF_H
#define __REFLEX_COMPAT_BPF_H

/* 6.13 renamed dispatch to dsq_insert, consume to dsq_move_to_local. */
void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice,
			u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch___compat(struct task_struct *p, u64 dsq_id, u64 slice,
			       u64 enq_flags) __ksym __weak;
void scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice,
			      u64 vtime, u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch_vtime___compat(struct task_struct *p, u64 dsq_id,
				     u64 slice, u64 vtime,
				     u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_to_local(u64 dsq_id) __ksym __weak;
bool scx_bpf_consume___compat(u64 dsq_id) __ksym __weak;
bool scx_bpf_dsq_move(struct bpf_iter_scx_dsq *it__iter, struct task_struct *p,
		      u64 dsq_id, u64 enq_flags) __ksym __weak;
bool scx_bpf_dispatch_from_dsq___compat(struct bpf_iter_scx_dsq *it__iter,
					struct task_struct *p, u64 dsq_id,
					u64 enq_flags) __ksym __weak;

#define scx_bpf_dsq_insert(p, dsq_id, slice, enq_flags)			\
	(bpf_ksym_exists(scx_bpf_dsq_insert) ?				\
	 scx_bpf_dsq_insert((p), (dsq_id), (slice), (enq_flags)) :	\
	 scx_bpf_dispatch___compat((p), (dsq_id), (slice), (enq_flags)))

#define scx_bpf_dsq_insert_vtime(p, dsq_id, slice, vtime, enq_flags)	\
	(bpf_ksym_exists(scx_bpf_dsq_insert_vtime) ?			\
	 scx_bpf_dsq_insert_vtime((p), (dsq_id), (slice), (vtime),	\
				  (enq_flags)) :			\
	 scx_bpf_dispatch_vtime___compat((p), (dsq_id), (slice),	\
					 (vtime), (enq_flags)))

#define scx_bpf_dsq_move_to_local(dsq_id)				\
	(bpf_ksym_exists(scx_bpf_dsq_move_to_local) ?			\
	 scx_bpf_dsq_move_to_local((dsq_id)) :				\
	 scx_bpf_consume___compat((dsq_id)))

#define scx_bpf_dsq_move(it__iter, p, dsq_id, enq_flags)		\
	(bpf_ksym_exists(scx_bpf_dsq_move) ?				\
	 scx_bpf_dsq_move((it__iter), (p), (dsq_id), (enq_flags)) :	\
	 scx_bpf_dispatch_from_dsq___compat((it__iter), (p), (dsq_id),	\
					    (enq_flags)))

/*
 * Later kernels set a slice through the kfunc; 6.12 lets BPF store to
 * p->scx.slice.  The store is verified only where the kfunc is missing.
 */
bool scx_bpf_task_set_slice(struct task_struct *p, u64 slice) __ksym __weak;

#define scx_bpf_task_set_slice(p, slice_ns)				\
	(bpf_ksym_exists(scx_bpf_task_set_slice) ?			\
	 scx_bpf_task_set_slice((p), (slice_ns)) :			\
	 ((p)->scx.slice = (slice_ns), true))

/*
 * scx_bpf_now() (6.14) reads the run queue's cached clock, cheaper than
 * bpf_ktime_get_ns(), which it otherwise equals closely enough to charge
 * run time with.  Each kernel uses one of the two for both ends.
 */
u64 scx_bpf_now(void) __ksym __weak;

#define scx_bpf_now()							\
	(bpf_ksym_exists(scx_bpf_now) ? scx_bpf_now() : bpf_ktime_get_ns())

/*
 * scx_bpf_select_cpu_and() (6.16) runs the kernel's idle selection within
 * a cpumask and from any op.  Before it, that selection
 * (scx_bpf_select_cpu_dfl()) takes no mask and is callable only from
 * ops.select_cpu; scx_bpf_pick_idle_cpu() takes a mask from anywhere, but
 * knows no previous CPU.  select_idle_in() chooses.  The older three are
 * weak too: Debian's 7.2 kernels show them with their implicit `aux`
 * argument, so libbpf cannot bind them there, where they are not needed.
 */
s32 scx_bpf_select_cpu_and(struct task_struct *p, s32 prev_cpu,
			   u64 wake_flags, const struct cpumask *cpus_allowed,
			   u64 flags) __ksym __weak;
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu,
			   u64 wake_flags, bool *is_idle) __ksym __weak;
s32 scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed,
			  u64 flags) __ksym __weak;
bool scx_bpf_test_and_clear_cpu_idle(s32 cpu) __ksym __weak;

#define SCX_PICK_IDLE_CORE						\
	bpf_core_enum_value(enum scx_pick_idle_cpu_flags, SCX_PICK_IDLE_CORE)

/*
 * preempt_count(): on x86 a per-CPU variable of its own in the kernels
 * tested after 6.12 (6.19 on); 6.12 keeps it in struct pcpu_hot.  When
 * neither is there, 0: task context.  The local struct matches the
 * kernel's by name (libbpf drops the ___ suffix) and its member by CO-RE,
 * wherever the kernel nests it.
 */
struct pcpu_hot___v612 {
	int preempt_count;
} __attribute__((preserve_access_index));

extern const int __preempt_count __ksym __weak;
extern const struct pcpu_hot___v612 pcpu_hot __ksym __weak;

static __always_inline int reflex_preempt_count(void)
{
	const struct pcpu_hot___v612 *hot;

	if (bpf_ksym_exists(&__preempt_count))
		return *(int *)bpf_this_cpu_ptr(&__preempt_count);
	if (bpf_ksym_exists(&pcpu_hot)) {
		hot = bpf_this_cpu_ptr(&pcpu_hot);
		return hot->preempt_count;
	}
	return 0;
}

#endif /* __REFLEX_COMPAT_BPF_H */
