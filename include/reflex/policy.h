/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.h - scx_reflex's scheduling arithmetic, in plain C.
 *
 * The BPF object and the host unit tests (selftests/host/test_policy.c)
 * compile this same file, so every number the scheduler computes can be
 * checked without a sched_ext kernel.  Nothing here touches kernel state:
 * callers pass in what they read and store what comes back.
 *
 * Virtual time is a u64 that wraps; compare it only with the helpers below.
 */
#ifndef __REFLEX_POLICY_H
#define __REFLEX_POLICY_H

#include "abi.h"

#define REFLEX_NSEC_PER_USEC	1000ULL
#define REFLEX_NSEC_PER_MSEC	1000000ULL

/* The weight of a nice-0 task, as sched_ext reports it in p->scx.weight. */
#define REFLEX_WEIGHT_DFL	100

/* Tunable defaults and the ranges reads are clamped to. */
#define REFLEX_SLICE_NS_DFL	(3 * REFLEX_NSEC_PER_MSEC)
#define REFLEX_SLICE_NS_MIN	(100 * REFLEX_NSEC_PER_USEC)
#define REFLEX_SLICE_NS_MAX	(100 * REFLEX_NSEC_PER_MSEC)
#define REFLEX_SLICE_LAG_NS_DFL	(10 * REFLEX_NSEC_PER_MSEC)
#define REFLEX_SLICE_LAG_NS_MAX	(1000 * REFLEX_NSEC_PER_MSEC)

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
	t->__pad = 0;
	t->slice_ns = REFLEX_SLICE_NS_DFL;
	t->slice_lag_ns = REFLEX_SLICE_LAG_NS_DFL;
}

/* What the scheduler runs with: the tunables, checked. */
struct reflex_settings {
	__u64 slice_ns;
	__u64 slice_lag_ns;
};

/*
 * The settings from what the tunables map holds (NULL: nothing), every
 * field clamped into range.  An entry that was never initialised, or has
 * another version, yields the defaults.  Returns how many fields were out
 * of range.
 */
static inline int reflex_settings_get(const struct reflex_tunables *t,
				      struct reflex_settings *s)
{
	int clamped = 0;

	s->slice_ns = REFLEX_SLICE_NS_DFL;
	s->slice_lag_ns = REFLEX_SLICE_LAG_NS_DFL;
	if (!t || t->version != REFLEX_TUNABLES_VERSION)
		return 0;
	s->slice_ns = reflex_clamp(t->slice_ns, REFLEX_SLICE_NS_MIN,
				   REFLEX_SLICE_NS_MAX, &clamped);
	s->slice_lag_ns = reflex_clamp(t->slice_lag_ns, 0,
				       REFLEX_SLICE_LAG_NS_MAX, &clamped);
	return clamped;
}

#endif /* __REFLEX_POLICY_H */
