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
 * that #define on one line: it is the one place the pin root is written.
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
 * the kernel's value.  Flags are named, not numbered: the loader resolves
 * each name in the running kernel's BTF (enum scx_ops_flags), as libbpf
 * resolves the BPF side's enum values (CO-RE).
 */
#define REFLEX_OPS_NAME		"reflex"
#define REFLEX_OPS_MAP		"reflex_ops"	/* the struct_ops map */
#define REFLEX_OPS_PROG_PREFIX	"reflex_"	/* progs/reflex_<member> */
/*
 * The sched_ext watchdog: a task left runnable this long ends the
 * scheduler.  30 s is the kernel's maximum, and its default.  The kernel's
 * own check runs every half of it, and it ejects the scheduler if that
 * check itself is late by more than half, even while suspend and resume
 * bypass the scheduler.  On 6.12 in the test VMs (TCG, a loaded host),
 * while resume brought the CPUs back, the check missed 5 s in 2 of 100
 * suspends, and 10 s in one CI run (Documentation/compat.rst).  No task
 * needs the watchdog to be served: where the starvation guard is on, none
 * waits in a queue much longer than starve_ns (at most 2 s).
 */
#define REFLEX_OPS_TIMEOUT_MS	30000
/*
 * X(flag, needed): a flag the kernel lacks fails the attach if needed,
 * else it is left out and the loader says so.
 *
 * Queued wakeups (not in 6.12): enqueue may run on the wakee's CPU
 * without a preceding select_cpu; reflex_enqueue() looks for an idle CPU
 * itself, so it copes.  Without the flag every wakeup goes through
 * select_cpu.
 */
#define REFLEX_OPS_FLAGS(X)				\
	X(SCX_OPS_ALLOW_QUEUED_WAKEUP, false)

/* Pinned map names (maps/<name>); at most 15 characters each. */
#define REFLEX_MAP_STATS	"stats"
#define REFLEX_MAP_TUNABLES	"tunables"
#define REFLEX_MAP_EXIT_INFO	"exit_info"
#define REFLEX_MAP_EVENTS_FMT	"events_%02u"	/* events_00 .. events_15 */
#define REFLEX_MAP_EVENT_COUNTS	"event_counts"
#define REFLEX_MAP_TASK_CLASSES	"task_classes"
#define REFLEX_MAP_GAME		"game"
#define REFLEX_MAP_GAME_GUESS	"game_guess"
#define REFLEX_MAP_LATENCY	"latency"
#define REFLEX_MAP_LLCS		"llcs"

/*
 * Input event ring buffers: one per CPU modulo 16, so that a flood on one
 * CPU cannot fill another CPU's buffer.  An event produced on CPU c goes
 * to events_<c % 16>.
 */
#define REFLEX_NR_EVENT_RINGS	16
#define REFLEX_EVENT_RING_SIZE	(256 * 1024)	/* bytes, power of two */

/*
 * One input event, as the kernel's input core saw it (input_event()).
 * Fixed size; a consumer checks version and size before anything else.
 * Privacy: code and value are 0 unless tunables.event_codes is set
 * (REFLEX_EVENT_F_CODES marks records that carry them); the class says
 * what kind of event it was (a key press, a release, pointer motion, ...)
 * without saying which key.
 */
#define REFLEX_EVENT_VERSION	1
#define REFLEX_EVENT_F_CODES	0x1	/* code and value are the real ones */

struct reflex_input_event {
	__u16 version;		/* REFLEX_EVENT_VERSION */
	__u16 size;		/* sizeof(struct reflex_input_event) */
	__u16 cpu;		/* CPU that produced the event */
	__u16 ring;		/* ring it was written to: cpu % 16 */
	__u64 ts_ns;		/* CLOCK_MONOTONIC, when input_event() ran */
	__u64 seq;		/* per-ring sequence number, from 0 */
	__u32 dev;		/* N of the kernel's "inputN" device */
	__u16 bustype;		/* the device's struct input_id */
	__u16 vendor;
	__u16 product;
	__u16 type;		/* EV_SYN, EV_KEY, EV_REL, EV_ABS, ... */
	__u16 class;		/* enum reflex_event_class */
	__u16 code;		/* KEY_A, REL_X, ...: 0 unless F_CODES */
	__s32 value;		/* 0 unless F_CODES */
	__u32 flags;		/* REFLEX_EVENT_F_* */
};

enum reflex_event_class {
	REFLEX_CLASS_OTHER = 0,
	REFLEX_CLASS_SYN,		/* EV_SYN: end of a packet */
	REFLEX_CLASS_KEY_PRESS,		/* keyboard key (code below BTN_MISC) */
	REFLEX_CLASS_KEY_RELEASE,
	REFLEX_CLASS_KEY_REPEAT,
	REFLEX_CLASS_BTN_PRESS,		/* mouse, pad or joystick button */
	REFLEX_CLASS_BTN_RELEASE,
	REFLEX_CLASS_REL_MOTION,	/* REL_X, REL_Y */
	REFLEX_CLASS_REL_WHEEL,		/* wheels, hi-res wheels */
	REFLEX_CLASS_REL_OTHER,
	REFLEX_CLASS_ABS,		/* absolute axes: sticks, touch */
	REFLEX_CLASS_MSC,		/* EV_MSC: scan codes and the like */
	REFLEX_NR_CLASSES
};

/* Per-ring counters (maps/event_counts, an ARRAY indexed by ring). */
struct reflex_ring_counts {
	__u64 produced;		/* records written (and next seq) */
	__u64 dropped;		/* records lost: the ring was full */
};

/*
 * Thread classes, from kernel signals (Documentation/classes.rst), in the
 * order the scheduler favours them when a task has more than one.  Each
 * decays when its signal stops.
 */
enum reflex_task_class {
	REFLEX_TC_OTHER = 0,	/* everything else: batch work */
	REFLEX_TC_GAME,		/* a thread of the foreground game */
	REFLEX_TC_GPU,		/* submits work to a /dev/dri device */
	REFLEX_TC_COMPOSITOR,	/* commits KMS updates */
	REFLEX_TC_AUDIO,	/* services PCM periods */
	REFLEX_TC_INPUT,	/* consumes input, while the window is open */
	REFLEX_NR_TC
};

/*
 * A task the scheduler puts in a class (maps/task_classes, an LRU_HASH
 * keyed by thread id), for people and tests to see.  The scheduler itself
 * decides from task storage; this map only mirrors its marks.  Each
 * *_ns is the CLOCK_MONOTONIC time of that class's last signal, 0 for
 * never.
 */
struct reflex_task_info {
	__u32 tgid;
	__u32 input_depth;	/* 0: reads evdev itself; 1, 2: woken by one */
	__u64 input_ns;		/* input it consumed */
	__u64 gpu_ns;		/* a GPU submission (fence from a DRM ioctl) */
	__u64 kms_ns;		/* a KMS commit (atomic or page flip) */
	__u64 audio_ns;		/* a PCM transfer or sync */
	__u64 nr_events;	/* input events it read */
	__u64 nr_boosted;	/* enqueues queued early for its class */
	__u64 nr_preempted;	/* wakeups that preempted batch work */
	__u32 last_class;	/* enum reflex_task_class when last updated */
	__u32 __pad;
	char comm[16];
};

/*
 * The foreground game (maps/game, a one-entry ARRAY), as a person set it
 * with a tool (reflex-game): tgid is 0 to let the scheduler guess,
 * REFLEX_GAME_NONE for no game, or the game's tgid.  The scheduler only
 * resets it to 0 when that process exits, so that a dead or reused PID is
 * never kept; its own guess is a map of its own, which a person's write
 * cannot undo.  Kernel threads (task flag REFLEX_PF_KTHREAD) are never a
 * game, nor any other class.
 */
#define REFLEX_PF_KTHREAD	0x00200000	/* PF_KTHREAD, <linux/sched.h> */
#define REFLEX_GAME_NONE	0xffffffffU
struct reflex_game {
	__u32 tgid;
};

/*
 * The scheduler's guess (maps/game_guess, a one-entry ARRAY, written only
 * by BPF): the most recent process that both reads input and submits GPU
 * work and commits no KMS updates (that would be the compositor).
 */
struct reflex_game_guess {
	__u32 tgid;		/* 0 if none */
	__u32 __pad;
	__u64 ns;		/* when it last confirmed the guess */
};

/*
 * Per-CPU scheduler counters (maps/stats, a one-entry PERCPU_ARRAY).  Every
 * field counts events since the maps were created; readers sum the CPUs.
 */
struct reflex_stats {
	__u64 enqueue;		/* ops.enqueue calls */
	__u64 select_idle;	/* wakeups placed on an idle CPU by select_cpu */
	__u64 enqueue_idle;	/* enqueues sent to an idle CPU's local queue */
	__u64 enqueue_shared;	/* enqueues into an LLC's deadline queue */
	__u64 enqueue_boost;	/* ... of them queued early for their class */
	__u64 preempt;		/* wakeups that preempted batch work */
	__u64 dispatch_shared;	/* tasks this CPU took from its LLC's queue */
	__u64 dispatch_keep;	/* dispatch found nothing; previous task kept */
	__u64 dispatch_idle;	/* dispatch found nothing; CPU goes idle */
	__u64 starved;		/* tasks moved ahead because they waited too long */
	__u64 running;		/* tasks started on this CPU (ops.running) */
	__u64 run_ns;		/* time tasks ran on this CPU, in ns */
	__u64 tunable_clamped;	/* tunable checks that found one out of range */
	__u64 tunable_bad_version; /* checks that found another version */
	__u64 input_events;	/* input_event() calls seen on this CPU */
	__u64 input_reads;	/* events read from evdev by a task */
	__u64 handler_marks;	/* tasks (re)marked as input handler by a read */
	__u64 chain_marks;	/* tasks marked because a handler woke them */
	__u64 gpu_marks;	/* GPU submissions seen */
	__u64 kms_marks;	/* KMS commits seen */
	__u64 audio_marks;	/* PCM transfers seen */
	__u64 game_guesses;	/* times the game guess changed */
	__u64 game_exits;	/* the set or guessed game's process exited */
	__u64 cpu_online;	/* CPUs that came online (hotplug) */
	__u64 cpu_offline;	/* CPUs that went offline */
	__u64 dispatch_steal;	/* tasks this CPU took from another LLC's queue */
	__u64 enqueue_game_llc;	/* game threads queued on the game's LLC */
	__u64 offline_moved;	/* tasks moved off a CPU going offline */
	__u64 enqueue_pinned;	/* per-CPU kthreads sent to the local queue */
	__u64 game_handoff;	/* game wakeups kept on the waker's CPU */
};

/*
 * The last-level caches (maps/llcs, an ARRAY of REFLEX_MAX_LLCS entries,
 * written by the scheduler): as the kernel reports them, numbered in the
 * order they are first seen, by CPU number.  Each has a queue of its own.
 * Entries from nr_llcs of entry 0 on are unused.
 */
#define REFLEX_MAX_LLCS		32
struct reflex_llc {
	__u32 nr_llcs;		/* entry 0 only: how many there are */
	__u32 game;		/* entry 0 only: the game's LLC, as chosen */
	__u32 kernel_id;	/* the kernel's LLC id (x86: cpu_info.topo.llc_id) */
	__u32 first_cpu;	/* the first CPU seen in it */
	__u32 nr_cpus;		/* its CPUs, online or not */
	__u32 nr_online;	/* ... online now */
	__u64 cache_kib;	/* its size, KiB (0: the kernel did not say) */
};

/*
 * Wake-to-run latency (maps/latency, a one-entry PERCPU_ARRAY): for each
 * thread class (enum reflex_task_class, the class the task had when it
 * became runnable), how long tasks waited from becoming runnable
 * (ops.runnable) to running (ops.running), in log2 buckets: hist[c][b]
 * counts waits of 2^b to 2^(b+1) - 1 ns, the last bucket everything
 * longer.  Each CPU counts the tasks it ran; readers sum the CPUs.
 */
#define REFLEX_LAT_BUCKETS	32
struct reflex_latency {
	__u64 hist[REFLEX_NR_TC][REFLEX_LAT_BUCKETS];
};

/*
 * Runtime settings (maps/tunables, a one-entry ARRAY).  ops.init fills in
 * the defaults when it finds the entry empty (version 0); after that
 * reflex-tune or `bpftool map update` may change any field on a running
 * scheduler; each CPU checks the entry again when its checked copy
 * (maps/settings) is 10 ms old.  Values out of range are clamped by that
 * check, and counted in reflex_stats.tunable_clamped; they never reach
 * the kernel unchecked.  An entry of another version is not read at all:
 * the defaults apply, and reflex_stats.tunable_bad_version counts it.
 */
#define REFLEX_TUNABLES_VERSION	1
struct reflex_tunables {
	__u32 version;		/* REFLEX_TUNABLES_VERSION once initialised */
	__u32 event_codes;	/* 1: events carry key codes and values */
	__u64 slice_ns;		/* time slice given to a task */
	__u64 slice_lag_ns;	/* vtime credit a sleeper may bank, at most */
	__u64 input_window_ns;	/* how long after input handlers are boosted */
	__u64 input_boost_ns;	/* how far ahead a boosted handler is queued */
	__u64 handler_ttl_ns;	/* how long a task stays an input handler */
	__u64 class_ttl_ns;	/* how long GPU, KMS, audio marks last */
	__u64 audio_boost_ns;	/* how far ahead each class is queued */
	__u64 compositor_boost_ns;
	__u64 gpu_boost_ns;
	__u64 game_boost_ns;
	__u64 preempt_min_run_ns; /* batch work runs this long before it can
				   * be preempted; 0 turns preemption off */
	__u64 starve_ns;	/* a queued task waiting this long jumps ahead */
	__u32 llc_placement;	/* 1: the game on its LLC, batch work elsewhere */
	__u32 game_llc;		/* the game's LLC (REFLEX_LLC_AUTO: largest) */
};
#define REFLEX_LLC_AUTO		REFLEX_MAX_LLCS

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
