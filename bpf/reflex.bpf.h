/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reflex.bpf.h - what the BPF units of scx_reflex share.
 *
 * The object is linked from several units with `bpftool gen object`; each
 * unit owns its programs and maps:
 *
 *   main.bpf.c     the sched_ext ops, the struct_ops map, the maps every
 *                  unit touches (stats, tunables, settings, task_ctx,
 *                  task_classes)
 *   events.bpf.c   the 16 input event rings and the one way to write them
 *   input.bpf.c    the input hooks: who consumes input, and its chain
 *   classes.bpf.c  the GPU, compositor, audio and game signals
 *   topology.bpf.c the last-level caches: which CPUs share one, how large
 *
 * This header declares, once, what crosses units: the shapes of shared maps
 * (the owner defines the map, the others see it as extern), functions one
 * unit calls in another (__hidden: the linker makes them static, so the
 * verifier checks them in their caller's context), the kfuncs, and the
 * sched_ext enum values, which libbpf relocates against the running
 * kernel's BTF at load time (CO-RE), so that one object loads on every
 * supported kernel.  Each kfunc is called from one unit only: the static
 * linker of libbpf 1.4 (bookworm-backports) fails on a kfunc that two
 * objects both reference ("failed to resolve size of underlying type"),
 * so a unit that needs another's kfunc calls a function of that unit.
 * Layouts shared with userspace are in <reflex/abi.h>, the scheduling
 * arithmetic in <reflex/policy.h>.
 */
#ifndef __REFLEX_BPF_H
#define __REFLEX_BPF_H

/*
 * bpftool writes kfunc prototypes into vmlinux.h only for kfuncs whose BTF
 * carries the bpf_kfunc tag; some kernels lack it for sched_ext kfuncs or
 * still show their implicit `aux` argument.  The prototypes below are the
 * ones BPF calls, whatever vmlinux.h the object was built against.
 */
#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include <reflex/abi.h>
#include <reflex/policy.h>

/* ---- kernel constants vmlinux.h cannot carry (macros, errno) ------------ */

#define ENOENT		2
#define ENOMEM		12
#define ENOSPC		28

#define REFLEX_S_IFMT		00170000	/* <linux/stat.h> */
#define REFLEX_S_IFCHR		0020000
#define REFLEX_MINORBITS	20		/* dev_t is major << 20 | minor */

/* ---- sched_ext enum values, relocated at load time ----------------------- */

/*
 * Each name below is the kernel's enumerator, redefined as its CO-RE
 * relocated value: libbpf writes the running kernel's value into the
 * instruction, so a value that moves between kernels is still right.  (A
 * macro does not expand inside its own expansion, so the enumerator
 * reaches bpf_core_enum_value() unchanged.)
 */
#define SCX_DSQ_LOCAL		bpf_core_enum_value(enum scx_dsq_id_flags, SCX_DSQ_LOCAL)
#define SCX_DSQ_LOCAL_ON	bpf_core_enum_value(enum scx_dsq_id_flags, SCX_DSQ_LOCAL_ON)
#define SCX_DSQ_ITER_REV	bpf_core_enum_value(enum scx_dsq_iter_flags, SCX_DSQ_ITER_REV)
#define SCX_ENQ_WAKEUP		bpf_core_enum_value(enum scx_enq_flags, SCX_ENQ_WAKEUP)
#define SCX_ENQ_PREEMPT		bpf_core_enum_value(enum scx_enq_flags, SCX_ENQ_PREEMPT)
#define SCX_TASK_QUEUED		bpf_core_enum_value(enum scx_ent_flags, SCX_TASK_QUEUED)

/* ---- kfuncs -------------------------------------------------------------- */

/*
 * Every kfunc here is callable on every supported kernel, so it is not
 * weak: a kernel without it fails at load time, naming it.  A kfunc only
 * some kernels offer is __weak and guarded with bpf_ksym_exists(): libbpf
 * leaves it unbound where the kernel lacks it or shows another prototype.
 * bpf_iter_scx_dsq_new() is one (Debian's 7.1 kernels show it only with
 * its implicit `aux` argument); those renamed or added since 6.12 are in
 * compat.bpf.h.
 */
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym;
s32 scx_bpf_task_cpu(const struct task_struct *p) __ksym;
u32 scx_bpf_nr_cpu_ids(void) __ksym;
s32 scx_bpf_dsq_nr_queued(u64 dsq_id) __ksym;
int bpf_iter_scx_dsq_new(struct bpf_iter_scx_dsq *it, u64 dsq_id,
			 u64 flags) __ksym __weak;
struct task_struct *bpf_iter_scx_dsq_next(struct bpf_iter_scx_dsq *it) __ksym;
void bpf_iter_scx_dsq_destroy(struct bpf_iter_scx_dsq *it) __ksym;
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask) __ksym;
struct bpf_cpumask *bpf_cpumask_create(void) __ksym;
void bpf_cpumask_release(struct bpf_cpumask *cpumask) __ksym;
void bpf_cpumask_set_cpu(u32 cpu, struct bpf_cpumask *cpumask) __ksym;
void bpf_cpumask_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask) __ksym;
void bpf_rcu_read_lock(void) __ksym;
void bpf_rcu_read_unlock(void) __ksym;
const struct cpumask *scx_bpf_get_online_cpumask(void) __ksym;
void scx_bpf_put_cpumask(const struct cpumask *cpumask) __ksym;
void scx_bpf_error_bstr(char *fmt, unsigned long long *data,
			u32 data__sz) __ksym;

#include "compat.bpf.h"

/*
 * An op of struct sched_ext_ops, as program @name.  The loader puts the
 * pinned program progs/reflex_<member> into slot <member>, so op programs
 * are named reflex_<member>.
 */
#define BPF_STRUCT_OPS(name, args...)					\
	SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...)				\
	SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

/* The iterator of libbpf's bpf_for_each(), for kfuncs that take it. */
#define BPF_FOR_EACH_ITER	(&___it)

/*
 * Abort the scheduler with a message: the kernel records it in the exit
 * info (maps/exit_info, `reflex-status`) and falls back to the fair
 * class.  scx_bpf_error_bstr() takes the format as writable memory, so it
 * lives in .data, not .rodata.
 */
#define reflex_error(fmt, args...)					\
({									\
	static char ___fmt[] = fmt;					\
	unsigned long long ___args[___bpf_narg(args)];			\
									\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")		\
	___bpf_fill(___args, args);					\
	_Pragma("GCC diagnostic pop")					\
	scx_bpf_error_bstr(___fmt, ___args, sizeof(___args));		\
})

/* ---- interrupt context --------------------------------------------------- */

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

/* Like the kernel's in_task(): not in an interrupt or serving a softirq. */
static __always_inline bool in_task_context(void)
{
	int pc = reflex_preempt_count();

	return !(pc & (REFLEX_IRQ_NMI_MASK | REFLEX_SOFTIRQ_OFFSET));
}

/* ---- shared maps (defined in main.bpf.c) --------------------------------- */

struct reflex_stats_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct reflex_stats);
};

struct reflex_tunables_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct reflex_tunables);
};

/*
 * The tunables as the scheduler uses them: checked (clamped) into a struct
 * reflex_settings once, and kept per CPU (maps/settings) for
 * REFLEX_SETTINGS_TTL_NS, so that the hot paths neither read nor clamp
 * every tunable on every call.  A change reaches every CPU within that
 * time.
 */
#define REFLEX_SETTINGS_TTL_NS	(10 * REFLEX_MS)

struct reflex_settings_cache {
	struct reflex_settings s;
	u64 at;			/* when it was checked; 0: never */
};

struct reflex_settings_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct reflex_settings_cache);
};

/* What the scheduler keeps per task. */
struct reflex_task_ctx {
	u64 vtime;		/* virtual run time; the queue key is derived */
	u64 run_start;		/* scx_bpf_now() when the task last started */
	u64 enq_ns;		/* when it joined an LLC's queue */
	u64 runnable_ns;	/* when it last became runnable (0: ran since) */
	u64 input_ns;		/* when it last got input (0: never) */
	u64 gpu_ns;		/* ... submitted GPU work */
	u64 kms_ns;		/* ... committed a KMS update */
	u64 audio_ns;		/* ... moved PCM frames */
	u32 input_depth;	/* 0: read evdev itself; n: n wakeups away */
	u32 class;		/* enum reflex_task_class at the last enqueue */
	bool in_drm_ioctl;	/* its last ioctl was a DRM driver ioctl */
	bool no_idle;		/* select_cpu found no idle CPU for it */
	bool in_game;		/* a thread of the game, when last runnable */
};

struct reflex_task_ctx_map {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct reflex_task_ctx);
};

/* Mirror of the class marks for people and tests; see struct reflex_task_info. */
struct reflex_task_classes_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, struct reflex_task_info);
};

extern struct reflex_stats_map stats SEC(".maps");
extern struct reflex_tunables_map tunables SEC(".maps");
extern struct reflex_settings_map settings SEC(".maps");
extern struct reflex_task_ctx_map task_ctx SEC(".maps");
extern struct reflex_task_classes_map task_classes SEC(".maps");

/* CLOCK_MONOTONIC of the last input event (not EV_SYN); input.bpf.c. */
extern u64 last_input_ns;
/* How many LLCs the machine has (at least 1); topology.bpf.c. */
extern u32 nr_llcs;
extern u32 llcs_down;

/* CPUs looked at in a loop, at most. */
#define REFLEX_MAX_CPUS		1024

/* ---- small helpers over the shared maps ---------------------------------- */

#define stat_add(field, n)						\
do {									\
	u32 ___key = 0;							\
	struct reflex_stats *___s = bpf_map_lookup_elem(&stats, &___key); \
									\
	if (___s)							\
		___s->field += (n);					\
} while (0)
#define stat_inc(field)	stat_add(field, 1)

/* main.bpf.c: check the tunables into @s, counting what was wrong. */
__hidden void check_settings(struct reflex_settings *s);
/* main.bpf.c: ... into this CPU's copy @c, as of @now. */
__hidden void refresh_settings(struct reflex_settings_cache *c, u64 now);

/*
 * The settings at @now (CLOCK_MONOTONIC): this CPU's copy while it is
 * younger than REFLEX_SETTINGS_TTL_NS.  Only the sched_ext ops refresh the
 * copy (@refresh): they run with interrupts off, so no two refreshes
 * interleave on a CPU.  The hooks, which an interrupt (and the ops it
 * calls) may interrupt, only read it; when it is too old they check the
 * tunables into @fallback instead.  Never NULL.
 */
static __always_inline const struct reflex_settings *
get_settings(u64 now, struct reflex_settings *fallback, bool refresh)
{
	struct reflex_settings_cache *c;
	u32 key = 0;

	c = bpf_map_lookup_elem(&settings, &key);
	if (c && c->at && (s64)(now - c->at) < (s64)REFLEX_SETTINGS_TTL_NS)
		return &c->s;
	if (c && refresh) {
		refresh_settings(c, now);
		return &c->s;
	}
	check_settings(fallback);
	return fallback;
}

static __always_inline struct reflex_task_ctx *
task_ctx_get(struct task_struct *p, bool create)
{
	return bpf_task_storage_get(&task_ctx, p, 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* ---- functions one unit calls in another ---------------------------------- */

/* main.bpf.c: copy @p's marks into task_classes and add the counts. */
__hidden void task_info_update(struct task_struct *p,
			       const struct reflex_task_ctx *tctx,
			       u64 events, u64 boosts, u64 preempts);

/* An input event as the hook saw it, before privacy filtering. */
struct reflex_event_src {
	u32 dev;
	u16 bustype, vendor, product;
	u16 type, code;
	s32 value;
};

/*
 * events.bpf.c: write one event to the ring of this CPU (events_<cpu % 16>),
 * or count it dropped.  Returns 0 or a negative errno.
 */
__hidden int reflex_emit(const struct reflex_event_src *src, u64 ts_ns,
			 bool codes);
/* ... the same for @e, reserved by the caller for CPU @cpu (NULL: full). */
__hidden int reflex_emit_to(struct reflex_input_event *e, u32 cpu,
			    const struct reflex_event_src *src, u64 ts_ns,
			    bool codes);

/* input.bpf.c: @p is woken by current; pass an input handler's mark on. */
__hidden void input_chain_wakeup(struct task_struct *p,
				 const struct reflex_settings *set);

/* classes.bpf.c: note a signal of @p's process, for the game guess. */
enum { PROC_INPUT, PROC_GPU, PROC_KMS };
__hidden void proc_note(struct task_struct *p,
			const struct reflex_settings *set, u64 now, int what);

/*
 * classes.bpf.c: set @tctx->class, the class of @p now from its marks, and
 * @tctx->in_game, whether it is a thread of the game.
 */
__hidden void task_classify(struct task_struct *p,
			    struct reflex_task_ctx *tctx,
			    const struct reflex_settings *set, u64 now);

/* classes.bpf.c: the foreground game's tgid at @now; 0 for none. */
__hidden u32 game_now(u64 now);

/*
 * topology.bpf.c: at init, place each CPU (whether @online now) in its
 * LLC; then, with every CPU below @nr_cpus placed, finish: 0 or -errno.
 * topo_add_cpu() is global, not __hidden: the verifier checks it once, not
 * in each turn of ops.init's loop over the CPUs, which on 6.12 passes its
 * limit of a million instructions; and it returns 0, since 6.12 takes no
 * global function that returns void.
 */
s32 topo_add_cpu(s32 cpu, bool online);
__hidden s32 topo_finish(u32 nr_cpus);
/* ... count @cpu in or out of its LLC's online CPUs. */
__hidden void topo_cpu_online(s32 cpu);
__hidden void topo_cpu_offline(s32 cpu);
/* ... the LLC number of @cpu; whether LLC @l has a CPU online. */
__hidden u32 cpu_llc_of(s32 cpu);
__hidden bool llc_online(u32 l);
/* ... an idle CPU of LLC @l for @p, claimed; -1 if none. */
__hidden s32 pick_idle_in_llc(struct task_struct *p, s32 prev_cpu,
			      u64 wake_flags, u32 l);
/* ... the game's LLC under @set. */
__hidden u32 game_llc_of(const struct reflex_settings *set);
/* main.bpf.c: an idle CPU in @mask for @p, claimed; -1 if none. */
__hidden s32 select_idle_in(struct task_struct *p, s32 prev_cpu,
			    u64 wake_flags, const struct cpumask *mask);

#endif /* __REFLEX_BPF_H */
