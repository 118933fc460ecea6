/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scx.bpf.h - the part of the sched_ext kernel interface scx_reflex uses.
 *
 * What this hides: the kfuncs are declared here rather than taken from the
 * prototypes bpftool writes into vmlinux.h.  bpftool only writes a
 * prototype for a kfunc whose BTF carries the bpf_kfunc tag, and on
 * Debian's 7.2 kernels several (scx_bpf_kick_cpu, scx_bpf_select_cpu_dfl,
 * scx_bpf_dsq_nr_queued, ...) lack it and still show their implicit `aux`
 * argument, which libbpf cannot bind.  So a vmlinux.h made from one kernel
 * must not decide which kfuncs the object calls.  Every kfunc below but
 * one is callable on every kernel the selftests boot (6.19.x to 7.3.x),
 * so it is not weak: a kernel without it fails at load time, naming it.
 * A kfunc that only some kernels have is declared __weak and guarded with
 * bpf_ksym_exists(); libbpf leaves it unbound (0) on a kernel that lacks
 * it or whose prototype differs.  That one is bpf_iter_scx_dsq_new():
 * Debian's 7.1 kernels show it with its implicit `aux` argument, which
 * BPF cannot pass, and no variant without.
 *
 * The kernel's enum values (SCX_DSQ_LOCAL, SCX_ENQ_WAKEUP, ...) come from
 * vmlinux.h; the ones used here are the same on all those kernels.
 */
#ifndef __REFLEX_SCX_BPF_H
#define __REFLEX_SCX_BPF_H

#include "common.bpf.h"

s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym;
void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice,
			u64 enq_flags) __ksym;
void scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice,
			      u64 vtime, u64 enq_flags) __ksym;
bool scx_bpf_dsq_move_to_local(u64 dsq_id) __ksym;
s32 scx_bpf_select_cpu_and(struct task_struct *p, s32 prev_cpu,
			   u64 wake_flags, const struct cpumask *cpus_allowed,
			   u64 flags) __ksym;
s32 scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed,
			  u64 flags) __ksym;
bool scx_bpf_test_and_clear_cpu_idle(s32 cpu) __ksym;
s32 scx_bpf_task_cpu(const struct task_struct *p) __ksym;
u32 scx_bpf_nr_cpu_ids(void) __ksym;
int bpf_iter_scx_dsq_new(struct bpf_iter_scx_dsq *it, u64 dsq_id,
			 u64 flags) __ksym __weak;
struct task_struct *bpf_iter_scx_dsq_next(struct bpf_iter_scx_dsq *it) __ksym;
void bpf_iter_scx_dsq_destroy(struct bpf_iter_scx_dsq *it) __ksym;
bool scx_bpf_dsq_move(struct bpf_iter_scx_dsq *it__iter, struct task_struct *p,
		      u64 dsq_id, u64 enq_flags) __ksym;
bool scx_bpf_task_set_slice(struct task_struct *p, u64 slice) __ksym;
bool scx_bpf_task_set_dsq_vtime(struct task_struct *p, u64 vtime) __ksym;
u64 scx_bpf_now(void) __ksym;
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask) __ksym;
void scx_bpf_error_bstr(char *fmt, unsigned long long *data,
			u32 data__sz) __ksym;

/*
 * A struct_ops program for member @op of struct sched_ext_ops, named
 * reflex_<op>.  The loader finds each pinned program by that name and puts
 * it in slot <op>, so the name is made here and nowhere else.
 */
#define REFLEX_OP(op, args...)						\
	SEC("struct_ops/" #op) BPF_PROG(reflex_##op, ##args)
#define REFLEX_OP_SLEEPABLE(op, args...)				\
	SEC("struct_ops.s/" #op) BPF_PROG(reflex_##op, ##args)
#define REFLEX_OP_SLOT(op)	.op = (void *)reflex_##op

/* The iterator of libbpf's bpf_for_each(), for kfuncs that take it. */
#define BPF_FOR_EACH_ITER	(&___it)

/*
 * Abort the scheduler with a message: the kernel records it in the exit
 * info (maps/exit_info, `reflex-loader status`) and falls back to the fair
 * class.  scx_bpf_error_bstr() takes the format as writable memory, so it
 * lives in .data, not .rodata.
 */
#define reflex_error(fmt, args...)					\
({									\
	static char ___fmt[] = fmt;				\
	unsigned long long ___args[___bpf_narg(args)];			\
									\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")		\
	___bpf_fill(___args, args);					\
	_Pragma("GCC diagnostic pop")					\
	scx_bpf_error_bstr(___fmt, ___args, sizeof(___args));	\
})

#endif /* __REFLEX_SCX_BPF_H */
