/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.h - scx_reflex's scheduling arithmetic, in plain C.
 *
 * The BPF object and the host unit tests (selftests/test_policy.c)
 * compile this same file, so every number the scheduler computes can be
 * checked without a sched_ext kernel.  Nothing here touches kernel state:
 * callers pass in what they read and store what comes back.
 *
 * Virtual time is a u64 that wraps; compare it only with the helpers below.
 */
#ifndef __REFLEX_POLICY_H
#define __REFLEX_POLICY_H

#include "abi.h"

#define REFLEX_US		1000ULL		/* ns */
#define REFLEX_MS		1000000ULL
#define REFLEX_S		1000000000ULL

/* The weight of a nice-0 task, as sched_ext reports it in p->scx.weight. */
#define REFLEX_WEIGHT_DFL	100

/*
 * Every tunable (a member of struct reflex_tunables, <reflex/abi.h>): its
 * default and the range the scheduler accepts.  A value outside the range
 * is clamped when the scheduler checks the tunables, and counted;
 * reflex-tune refuses it.  Documentation/pins.rst says what each one does.
 *
 *	  name			default		lowest		highest
 */
#define REFLEX_TUNABLES(X)						\
	X(event_codes,		0,		0,		1)		\
	X(slice_ns,		3 * REFLEX_MS,	100 * REFLEX_US, 100 * REFLEX_MS) \
	X(slice_lag_ns,		10 * REFLEX_MS,	0,		1000 * REFLEX_MS) \
	X(input_window_ns,	5 * REFLEX_MS,	0,		1000 * REFLEX_MS) \
	X(input_boost_ns,	20 * REFLEX_MS,	0,		100 * REFLEX_MS) \
	X(handler_ttl_ns,	2 * REFLEX_S,	1 * REFLEX_MS,	60 * REFLEX_S)	\
	X(class_ttl_ns,		1 * REFLEX_S,	10 * REFLEX_MS,	60 * REFLEX_S)	\
	X(audio_boost_ns,	16 * REFLEX_MS,	0,		100 * REFLEX_MS) \
	X(compositor_boost_ns,	12 * REFLEX_MS,	0,		100 * REFLEX_MS) \
	X(gpu_boost_ns,		10 * REFLEX_MS,	0,		100 * REFLEX_MS) \
	X(game_boost_ns,	6 * REFLEX_MS,	0,		100 * REFLEX_MS) \
	X(preempt_min_run_ns,	250 * REFLEX_US, 0,		100 * REFLEX_MS) \
	X(starve_ns,		100 * REFLEX_MS, 10 * REFLEX_MS, 2 * REFLEX_S)	\
	X(llc_placement,	1,		0,		1)		\
	X(game_llc,		REFLEX_LLC_AUTO, 0,		REFLEX_LLC_AUTO)

/* The latency bucket of a wait of @ns: floor(log2(@ns)), at most the last. */
static inline __u32 reflex_lat_bucket(__u64 ns)
{
	__u32 b = 0;

	if (ns >> 32)
		return REFLEX_LAT_BUCKETS - 1;
	if (ns >> 16) {
		b += 16;
		ns >>= 16;
	}
	if (ns >> 8) {
		b += 8;
		ns >>= 8;
	}
	if (ns >> 4) {
		b += 4;
		ns >>= 4;
	}
	if (ns >> 2) {
		b += 2;
		ns >>= 2;
	}
	if (ns >> 1)
		b += 1;
	return b < REFLEX_LAT_BUCKETS ? b : REFLEX_LAT_BUCKETS - 1;
}

/*
 * The bucket that holds the @permille-th per mille of the waits counted in
 * @hist (REFLEX_LAT_BUCKETS of them): the wait is below 2^(bucket + 1)
 * ns.  -1 when @hist is empty.
 */
static inline int reflex_lat_percentile(const __u64 *hist, __u32 permille)
{
	__u64 total = 0, seen = 0, want;
	int b;

	for (b = 0; b < REFLEX_LAT_BUCKETS; b++)
		total += hist[b];
	if (!total)
		return -1;
	/* The smallest bucket with at least ceil(total * permille / 1000). */
	want = (total * permille + 999) / 1000;
	for (b = 0; b < REFLEX_LAT_BUCKETS; b++) {
		seen += hist[b];
		if (seen >= want)
			return b;
	}
	return REFLEX_LAT_BUCKETS - 1;
}

/* How many wakeups away from an evdev reader a task may be and still
 * count as an input handler (1: woken by a reader; 2: woken by that). */
#define REFLEX_INPUT_CHAIN_MAX	2

static inline int reflex_vtime_before(__u64 a, __u64 b)
{
	return (__s64)(a - b) < 0;
}

/*
 * The most run time charged at once, about 18 minutes.  A task only runs
 * that long without stopping when it has a CPU to itself; capping the
 * charge keeps delta * 100 far from overflowing and every vtime within
 * 2^63 of every other, which reflex_vtime_before() needs.
 */
#define REFLEX_CHARGE_NS_MAX	(1ULL << 40)

/*
 * Virtual time a task is charged for running @delta_ns at @weight: a task
 * of twice the default weight ages half as fast.  sched_ext keeps weights in
 * [1, 10000]; 0 is treated as 1 rather than trusted.
 */
static inline __u64 reflex_vtime_charge(__u64 delta_ns, __u32 weight)
{
	if (!weight)
		weight = 1;
	if (delta_ns > REFLEX_CHARGE_NS_MAX)
		delta_ns = REFLEX_CHARGE_NS_MAX;
	return delta_ns * REFLEX_WEIGHT_DFL / weight;
}

/*
 * The vtime a task is queued with: its own, but no further behind the
 * system's current vtime than @lag_ns.  A task that slept for a long time
 * gets a bounded head start instead of starving everyone else.
 */
static inline __u64 reflex_vtime_floor(__u64 vtime, __u64 vtime_now,
				       __u64 lag_ns)
{
	__u64 floor = vtime_now - lag_ns;

	return reflex_vtime_before(vtime, floor) ? floor : vtime;
}

/* @v, or the nearest bound; *@clamped counts values out of range. */
static inline __u64 reflex_clamp(__u64 v, __u64 lo, __u64 hi, int *clamped)
{
	if (v < lo) {
		(*clamped)++;
		return lo;
	}
	if (v > hi) {
		(*clamped)++;
		return hi;
	}
	return v;
}

static inline void reflex_tunables_default(struct reflex_tunables *t)
{
	t->version = REFLEX_TUNABLES_VERSION;
#define REFLEX_DEFAULT(name, dfl, lo, hi)	t->name = (dfl);
	REFLEX_TUNABLES(REFLEX_DEFAULT)
#undef REFLEX_DEFAULT
}

/* What the scheduler runs with: the tunables, checked. */
struct reflex_settings {
	__u64 slice_ns;
	__u64 slice_lag_ns;
	__u64 input_window_ns;
	__u64 handler_ttl_ns;
	__u64 class_ttl_ns;
	__u64 boost_ns[REFLEX_NR_TC];	/* by enum reflex_task_class */
	__u64 preempt_min_run_ns;	/* 0: no preemption */
	__u64 starve_ns;
	__u32 event_codes;
	__u32 llc_placement;
	__u32 game_llc;			/* an LLC index, or REFLEX_LLC_AUTO */
};

/*
 * Whether input records may carry key codes and values: only when the
 * entry is of this version and event_codes is exactly 1.  Privacy fails
 * closed: anything else, out of range or unreadable, is off.
 */
static inline int reflex_codes_on(const struct reflex_tunables *t)
{
	return t && t->version == REFLEX_TUNABLES_VERSION && t->event_codes == 1;
}

/*
 * The settings from what the tunables map holds (NULL: nothing), every
 * field clamped into range.  An entry never initialised (version 0), or of
 * another version, yields the defaults; *@bad_version says it was another.
 * Returns how many fields were out of range.  Privacy fails closed: only
 * exactly 1 turns event_codes on, anything else out of range turns it off.
 */
static inline int reflex_settings_get(const struct reflex_tunables *t,
				      struct reflex_settings *s,
				      int *bad_version)
{
	struct reflex_tunables c;	/* one copy: the BPF stack is small */
	int clamped = 0, codes = reflex_codes_on(t);

	*bad_version = t && t->version && t->version != REFLEX_TUNABLES_VERSION;
	if (t && t->version == REFLEX_TUNABLES_VERSION)
		c = *t;
	else
		reflex_tunables_default(&c);
#define REFLEX_CLAMP(name, dfl, lo, hi)					\
	c.name = reflex_clamp(c.name, (lo), (hi), &clamped);
	REFLEX_TUNABLES(REFLEX_CLAMP)
#undef REFLEX_CLAMP
	c.event_codes = codes;	/* as it was, not as clamped */
	s->slice_ns = c.slice_ns;
	s->slice_lag_ns = c.slice_lag_ns;
	s->input_window_ns = c.input_window_ns;
	s->handler_ttl_ns = c.handler_ttl_ns;
	s->class_ttl_ns = c.class_ttl_ns;
	s->boost_ns[REFLEX_TC_OTHER] = 0;
	s->boost_ns[REFLEX_TC_GAME] = c.game_boost_ns;
	s->boost_ns[REFLEX_TC_GPU] = c.gpu_boost_ns;
	s->boost_ns[REFLEX_TC_COMPOSITOR] = c.compositor_boost_ns;
	s->boost_ns[REFLEX_TC_AUDIO] = c.audio_boost_ns;
	s->boost_ns[REFLEX_TC_INPUT] = c.input_boost_ns;
	s->preempt_min_run_ns = c.preempt_min_run_ns;
	s->starve_ns = c.starve_ns;
	s->event_codes = c.event_codes;
	s->llc_placement = c.llc_placement;
	s->game_llc = c.game_llc;
	return clamped;
}

/*
 * The key a task is queued with in the shared queue: its vtime, no further
 * behind @vtime_now than @lag_ns, and @boost_ns earlier still for a boosted
 * task.  The boost is not added to the task's own vtime, so it cannot pile
 * up: a boosted task that keeps running pays for it and falls back behind
 * the others after at most @boost_ns of extra virtual run time.
 */
static inline __u64 reflex_deadline(__u64 vtime, __u64 vtime_now,
				    __u64 lag_ns, __u64 boost_ns)
{
	return reflex_vtime_floor(vtime, vtime_now, lag_ns) - boost_ns;
}

/* Was @then (0: never) less than @window_ns before @now? */
static inline int reflex_within(__u64 now, __u64 then, __u64 window_ns)
{
	return then && now - then < window_ns;
}

/* When a task last showed each class's signal (0: never). */
struct reflex_signals {
	__u64 input_ns;		/* it consumed input (or was woken by one that did) */
	__u64 gpu_ns;
	__u64 kms_ns;
	__u64 audio_ns;
	int is_game;		/* it belongs to the foreground game */
};

/*
 * The class a task has at @now: the most favoured one whose signal has not
 * decayed.  Input counts only while the input window (opened by the last
 * input event, @last_input_ns) is open.
 */
static inline int reflex_task_class(const struct reflex_signals *sig,
				    const struct reflex_settings *s,
				    __u64 now, __u64 last_input_ns)
{
	if (reflex_within(now, sig->input_ns, s->handler_ttl_ns) &&
	    reflex_within(now, last_input_ns, s->input_window_ns))
		return REFLEX_TC_INPUT;
	if (reflex_within(now, sig->audio_ns, s->class_ttl_ns))
		return REFLEX_TC_AUDIO;
	if (reflex_within(now, sig->kms_ns, s->class_ttl_ns))
		return REFLEX_TC_COMPOSITOR;
	if (reflex_within(now, sig->gpu_ns, s->class_ttl_ns))
		return REFLEX_TC_GPU;
	if (sig->is_game)
		return REFLEX_TC_GAME;
	return REFLEX_TC_OTHER;
}

/* How much earlier than its vtime a task of @class is queued. */
static inline __u64 reflex_class_boost(int class,
				       const struct reflex_settings *s)
{
	if (class < 0 || class >= REFLEX_NR_TC)
		return 0;
	return s->boost_ns[class];
}

/*
 * May a task of @class, waking with no idle CPU, preempt a CPU whose
 * current task is of @victim_class and has run @ran_ns?  @local: that CPU
 * is the one the wakeup runs on, so its current task is the waker, or
 * what an interrupt interrupted.
 *
 * There any task of a lower class is preempted at once, as the fair class
 * lets a woken task run before its waker's slice ends: the preemption
 * costs no IPI, and what it delays is the very work that made the
 * favoured task runnable.  On another CPU only batch work is preempted,
 * and only after it ran preempt_min_run_ns, so that remote preemptions
 * (an IPI each) leave batch work that much of every slice.
 * preempt_min_run_ns 0 turns both off.
 */
static inline int reflex_may_preempt(int class, int victim_class,
				     __u64 ran_ns, int local,
				     const struct reflex_settings *s)
{
	if (!s->preempt_min_run_ns || class == REFLEX_TC_OTHER)
		return 0;
	if (local)
		return victim_class < class;
	return victim_class == REFLEX_TC_OTHER &&
	       ran_ns >= s->preempt_min_run_ns;
}

/*
 * Should a woken thread be queued on its waker's CPU, to run when the
 * waker sleeps, before any idle CPU is looked for?  Only for a sync
 * wakeup by a task (@sync: the waker wrote to a pipe or socket and
 * is about to block on the answer, as a render thread handing a frame to
 * its GPU-submit thread does), only between two threads of the game
 * (@waker_game, @wakee_game), and only onto a CPU with nothing else
 * queued locally (@nr_local).  Then the hand-off wakes no other CPU and
 * the data handed over is in this CPU's cache.  Batch work is left out:
 * its sync wakeups (hackbench's sockets) would pile tasks up behind
 * wakers that do not block.
 */
static inline int reflex_game_handoff(int sync, int waker_game, int wakee_game,
				      __u32 nr_local)
{
	return sync && waker_game && wakee_game && !nr_local;
}

/*
 * Input event types and codes, as in the uapi <linux/input-event-codes.h>
 * (the BPF side has no uapi headers; selftests/test_policy.c checks
 * these against them).
 */
#define REFLEX_EV_SYN		0x00
#define REFLEX_EV_KEY		0x01
#define REFLEX_EV_REL		0x02
#define REFLEX_EV_ABS		0x03
#define REFLEX_EV_MSC		0x04
#define REFLEX_BTN_MISC		0x100	/* first button code */
#define REFLEX_KEY_OK		0x160	/* first key code after the buttons */
#define REFLEX_BTN_TRIGGER_HAPPY 0x2c0	/* extra buttons */
#define REFLEX_KEY_MAX		0x2ff
#define REFLEX_REL_X		0x00
#define REFLEX_REL_Y		0x01
#define REFLEX_REL_HWHEEL	0x06
#define REFLEX_REL_WHEEL	0x08
#define REFLEX_REL_WHEEL_HI_RES	0x0b
#define REFLEX_REL_HWHEEL_HI_RES 0x0c

/*
 * Device nodes and ioctls that carry the GPU, compositor and audio signals
 * (values of the uapi <drm/drm.h>, <drm/drm_mode.h>, <sound/asound.h>;
 * checked against them by selftests/test_policy.c).
 */
#define REFLEX_DRM_MAJOR		226	/* the nodes in /dev/dri */
#define REFLEX_ALSA_MAJOR		116	/* the nodes in /dev/snd */
#define REFLEX_DRM_IOCTL_TYPE		'd'
#define REFLEX_DRM_COMMAND_BASE		0x40	/* driver ioctls: submit, ... */
#define REFLEX_DRM_COMMAND_END		0xa0
#define REFLEX_DRM_NR_MODE_PAGE_FLIP	0xb0
#define REFLEX_DRM_NR_MODE_ATOMIC	0xbc
#define REFLEX_DRM_MODE_ATOMIC_TEST_ONLY 0x0100
#define REFLEX_PCM_IOCTL_TYPE		'A'
#define REFLEX_PCM_NR_HWSYNC		0x22
#define REFLEX_PCM_NR_SYNC_PTR		0x23
#define REFLEX_PCM_NR_WRITEI		0x50	/* WRITEI, READI, WRITEN, READN */
#define REFLEX_PCM_NR_READN		0x53

enum reflex_ioctl_kind {
	REFLEX_IOCTL_NONE = 0,
	REFLEX_IOCTL_DRM_DRIVER,	/* a DRM driver ioctl: may submit work */
	REFLEX_IOCTL_KMS_COMMIT,	/* an atomic commit or page flip */
	REFLEX_IOCTL_PCM,		/* moves PCM frames or syncs the pointer */
};

/*
 * What an ioctl @cmd on a character device of major @major says about the
 * caller.  @atomic_flags is the flags word of a DRM_IOCTL_MODE_ATOMIC
 * request: a test-only commit is not a commit.
 */
static inline int reflex_ioctl_kind(__u32 major, __u32 cmd,
				    __u32 atomic_flags)
{
	__u32 type = (cmd >> 8) & 0xff, nr = cmd & 0xff;

	if (major == REFLEX_DRM_MAJOR && type == REFLEX_DRM_IOCTL_TYPE) {
		if (nr == REFLEX_DRM_NR_MODE_ATOMIC)
			return atomic_flags & REFLEX_DRM_MODE_ATOMIC_TEST_ONLY ?
			       REFLEX_IOCTL_NONE : REFLEX_IOCTL_KMS_COMMIT;
		if (nr == REFLEX_DRM_NR_MODE_PAGE_FLIP)
			return REFLEX_IOCTL_KMS_COMMIT;
		if (nr >= REFLEX_DRM_COMMAND_BASE && nr < REFLEX_DRM_COMMAND_END)
			return REFLEX_IOCTL_DRM_DRIVER;
	}
	if (major == REFLEX_ALSA_MAJOR && type == REFLEX_PCM_IOCTL_TYPE &&
	    (nr == REFLEX_PCM_NR_HWSYNC || nr == REFLEX_PCM_NR_SYNC_PTR ||
	     (nr >= REFLEX_PCM_NR_WRITEI && nr <= REFLEX_PCM_NR_READN)))
		return REFLEX_IOCTL_PCM;
	return REFLEX_IOCTL_NONE;
}

/*
 * The game's LLC: the one the game_llc setting names (@want), if there is
 * such an LLC among the @nr_llcs here; else (REFLEX_LLC_AUTO, or a number
 * this machine does not have) @largest, the LLC with the most cache (the
 * lowest-numbered of equals): on AMD's X3D parts, the CCD that carries
 * the stacked cache, where games are known to run best.
 */
static inline __u32 reflex_game_llc(__u32 want, __u32 nr_llcs, __u32 largest)
{
	return want < nr_llcs ? want : largest;
}

/*
 * Which LLC's queue a task waits in when no CPU is idle: a thread of the
 * game (@is_game) in the game's LLC, where it is to run; any other task
 * in the LLC it last ran in (@prev_llc), where its cache is.  Batch work
 * is steered away from the game's LLC by idle selection (main.bpf.c),
 * not here: moving it at every requeue would cost it its cache each time.
 */
static inline __u32 reflex_queue_llc(int is_game, __u32 prev_llc,
				     __u32 game_llc, __u32 nr_llcs)
{
	return is_game && game_llc < nr_llcs ? game_llc : prev_llc;
}

/* A guess of the game stands this long without being confirmed again. */
#define REFLEX_GAME_GUESS_TTL_NS	(30 * REFLEX_S)

/*
 * The foreground game's tgid (0: none) from what a person set (@set: 0 to
 * let the scheduler guess, REFLEX_GAME_NONE for none) and the scheduler's
 * guess (@guess, last confirmed at @guess_ns), at @now.
 */
static inline __u32 reflex_game_tgid(__u32 set, __u32 guess, __u64 guess_ns,
				     __u64 now)
{
	if (set == REFLEX_GAME_NONE)
		return 0;
	if (set)
		return set;
	return reflex_within(now, guess_ns, REFLEX_GAME_GUESS_TTL_NS) ? guess : 0;
}

/*
 * Is process activity @sig a game's: it reads input and submits GPU work
 * (both within @ttl_ns of @now) and commits no KMS updates (that is a
 * compositor, which reads input and draws too)?
 */
static inline int reflex_looks_like_game(__u64 input_ns, __u64 gpu_ns,
					 __u64 kms_ns, __u64 now, __u64 ttl_ns)
{
	return reflex_within(now, input_ns, ttl_ns) &&
	       reflex_within(now, gpu_ns, ttl_ns) &&
	       !reflex_within(now, kms_ns, ttl_ns);
}

static inline int reflex_is_button(__u32 code)
{
	return (code >= REFLEX_BTN_MISC && code < REFLEX_KEY_OK) ||
	       (code >= REFLEX_BTN_TRIGGER_HAPPY && code <= REFLEX_KEY_MAX);
}

/*
 * What kind of event this is, without saying which key: safe to publish
 * when the codes themselves are not.
 */
static inline __u16 reflex_event_class(__u32 type, __u32 code, __s32 value)
{
	switch (type) {
	case REFLEX_EV_SYN:
		return REFLEX_CLASS_SYN;
	case REFLEX_EV_KEY:
		if (reflex_is_button(code))
			return value ? REFLEX_CLASS_BTN_PRESS :
				       REFLEX_CLASS_BTN_RELEASE;
		if (value == 0)
			return REFLEX_CLASS_KEY_RELEASE;
		return value == 2 ? REFLEX_CLASS_KEY_REPEAT :
				    REFLEX_CLASS_KEY_PRESS;
	case REFLEX_EV_REL:
		if (code == REFLEX_REL_X || code == REFLEX_REL_Y)
			return REFLEX_CLASS_REL_MOTION;
		if (code == REFLEX_REL_WHEEL || code == REFLEX_REL_HWHEEL ||
		    code == REFLEX_REL_WHEEL_HI_RES ||
		    code == REFLEX_REL_HWHEEL_HI_RES)
			return REFLEX_CLASS_REL_WHEEL;
		return REFLEX_CLASS_REL_OTHER;
	case REFLEX_EV_ABS:
		return REFLEX_CLASS_ABS;
	case REFLEX_EV_MSC:
		return REFLEX_CLASS_MSC;
	}
	return REFLEX_CLASS_OTHER;
}

#endif /* __REFLEX_POLICY_H */
