// SPDX-License-Identifier: GPL-2.0
/*
 * topology.bpf.c - the last-level caches (LLCs): which CPUs share one and
 * how large each is, as the kernel reports them, for the per-LLC queues
 * and for keeping the game on one LLC (main.bpf.c).
 *
 * x86 numbers each CPU's LLC in cpu_info.topo.llc_id, set when the CPU is
 * brought up and kept while it is offline.  The size comes from the
 * kernel's cacheinfo (what /sys/devices/system/cpu/cpuN/cache shows),
 * which exists only while a CPU is online.  ops.init places every CPU
 * online then (topo_add_cpu(), topo_finish()); a CPU offline then may
 * never have been brought up, so its llc_id means nothing yet: it is
 * placed when it comes online (topo_cpu_online()).  LLCs are numbered 0,
 * 1, ... in the order they are first seen, by CPU number; maps/llcs shows
 * them.  The hotplug callbacks run one at a time (the kernel serialises
 * them); the hot paths only read the counts.
 */
#include "reflex.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, REFLEX_MAX_LLCS);
	__type(key, u32);
	__type(value, struct reflex_llc);
} llcs SEC(".maps");

/* Each CPU's LLC number, for the hot paths. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, REFLEX_MAX_CPUS);
	__type(key, u32);
	__type(value, u32);
} cpu_llc SEC(".maps");

/* Each LLC's CPUs, for idle selection within it. */
struct llc_cpus {
	struct bpf_cpumask __kptr *mask;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, REFLEX_MAX_LLCS);
	__type(key, u32);
	__type(value, struct llc_cpus);
} llc_cpus SEC(".maps");

u32 nr_llcs = 1;
/* The online LLC with the most cache, the lowest-numbered of equals. */
u32 largest_llc;
u32 llcs_down;		/* LLCs with every CPU offline (their queues drain) */

/* LLCs numbered so far by topo_add_cpu() */
static u32 nr_seen;

/* maps/cpu_llc of a CPU not yet placed (offline since before init) */
#define LLC_NONE		REFLEX_MAX_LLCS

extern struct cpuinfo_x86 cpu_info __ksym;
extern struct cpu_cacheinfo ci_cpu_cacheinfo __ksym;

/* How many cache leaves of one CPU are looked at, at most. */
#define REFLEX_MAX_LEAVES	8

static u32 kernel_llc_id(s32 cpu)
{
	struct cpuinfo_x86 *c = bpf_per_cpu_ptr(&cpu_info, cpu);

	return c ? c->topo.llc_id : 0;
}

/* The size of @cpu's highest-level cache, KiB; 0 if the kernel has none. */
static u64 llc_cache_kib(s32 cpu)
{
	struct cpu_cacheinfo *ci = bpf_per_cpu_ptr(&ci_cpu_cacheinfo, cpu);
	u32 i, n, level, best_level = 0;
	struct cacheinfo *leaf;
	u64 list = 0, kib = 0;

	if (!ci)
		return 0;
	/* A plain address: the verifier cannot index the leaves' array. */
	bpf_probe_read_kernel(&list, sizeof(list), &ci->info_list);
	n = ci->num_leaves;
	if (!list)
		return 0;
	for (i = 0; i < REFLEX_MAX_LEAVES && i < n; i++) {
		leaf = (void *)(list +
				i * bpf_core_type_size(struct cacheinfo));
		level = BPF_CORE_READ(leaf, level);
		if (level > best_level) {
			best_level = level;
			kib = BPF_CORE_READ(leaf, size) / 1024;
		}
	}
	return kib;
}

static struct reflex_llc *llc_get(u32 l)
{
	return bpf_map_lookup_elem(&llcs, &l);
}

/* @cpu's LLC; LLC_NONE if it has none yet. */
static u32 cpu_llc_raw(s32 cpu)
{
	u32 key = cpu, *l = bpf_map_lookup_elem(&cpu_llc, &key);

	return l && *l < REFLEX_MAX_LLCS ? *l : LLC_NONE;
}

__hidden u32 cpu_llc_of(s32 cpu)
{
	u32 l = cpu_llc_raw(cpu);

	return l < REFLEX_MAX_LLCS ? l : 0;
}

__hidden bool llc_online(u32 l)
{
	struct reflex_llc *e = llc_get(l);

	return e && e->nr_online;
}

/*
 * The number of the LLC the kernel calls @kid, among the @n known; a new
 * one (@n, if there is room) when it is not known; the last if there is
 * no room.
 */
static u32 llc_number(u32 kid, u32 n, s32 cpu)
{
	struct reflex_llc *e;
	u32 l;

	for (l = 0; l < REFLEX_MAX_LLCS && l < n; l++) {
		e = llc_get(l);
		if (e && e->kernel_id == kid)
			return l;
	}
	if (n >= REFLEX_MAX_LLCS)
		return REFLEX_MAX_LLCS - 1;
	e = llc_get(n);
	if (e) {
		e->kernel_id = kid;
		e->first_cpu = cpu;
	}
	return n;
}

/* Set @cpu in its LLC's cpumask, if it has one (a bpf_loop() callback). */
static long set_llc_bit(u64 cpu, void *unused)
{
	u32 l = cpu_llc_raw(cpu);
	struct llc_cpus *v = bpf_map_lookup_elem(&llc_cpus, &l);

	bpf_rcu_read_lock();
	if (v && v->mask)
		bpf_cpumask_set_cpu(cpu, v->mask);
	bpf_rcu_read_unlock();
	return 0;
}

static void clear_llc_bit(s32 cpu, u32 l)
{
	struct llc_cpus *v = bpf_map_lookup_elem(&llc_cpus, &l);

	bpf_rcu_read_lock();
	if (v && v->mask)
		bpf_cpumask_clear_cpu(cpu, v->mask);
	bpf_rcu_read_unlock();
}

/* Give LLC @l an empty cpumask. */
static s32 new_llc_mask(u32 l)
{
	struct llc_cpus *v = bpf_map_lookup_elem(&llc_cpus, &l);
	struct bpf_cpumask *mask, *old;

	if (!v)
		return -ENOENT;
	mask = bpf_cpumask_create();
	if (!mask)
		return -ENOMEM;
	old = bpf_kptr_xchg(&v->mask, mask);
	if (old)
		bpf_cpumask_release(old);
	return 0;
}

/*
 * After a CPU came or went: how many LLCs are down, and which online one
 * has the most cache.
 */
static void llcs_recount(void)
{
	u32 l, nr = nr_llcs, down = 0, best = 0;
	struct reflex_llc *e;
	u64 best_kib = 0;

	for (l = 0; l < REFLEX_MAX_LLCS && l < nr; l++) {
		e = llc_get(l);
		if (!e)
			continue;
		if (!e->nr_online) {
			if (e->nr_cpus)
				down++;
			continue;
		}
		if (e->cache_kib > best_kib) {
			best_kib = e->cache_kib;
			best = l;
		}
	}
	llcs_down = down;
	largest_llc = best;
	e = llc_get(0);
	if (e)
		e->nr_llcs = nr;
}

/* Count @cpu, online now, in LLC @l. */
static void llc_count_online(u32 l, s32 cpu)
{
	struct reflex_llc *e = llc_get(l);

	if (!e)
		return;
	__sync_fetch_and_add(&e->nr_online, 1);
	if (!e->cache_kib)
		e->cache_kib = llc_cache_kib(cpu);
}

__noinline s32 topo_add_cpu(s32 cpu, bool online)
{
	u32 key = cpu, n = nr_seen, l = LLC_NONE;
	struct reflex_llc *e;

	if (online) {
		l = llc_number(kernel_llc_id(cpu), n, cpu);
		if (l == n)
			nr_seen = n + 1;
	}
	bpf_map_update_elem(&cpu_llc, &key, &l, BPF_ANY);
	e = llc_get(l);
	if (!e)
		return 0;
	e->nr_cpus++;
	llc_count_online(l, cpu);
	return 0;
}

__hidden s32 topo_finish(u32 nr_cpus)
{
	s32 err;
	u32 l;

	nr_llcs = nr_seen ? nr_seen : 1;
	/* Every possible LLC gets its mask now: one may appear at hotplug. */
	for (l = 0; l < REFLEX_MAX_LLCS; l++) {
		err = new_llc_mask(l);
		if (err)
			return err;
	}
	bpf_loop(nr_cpus, set_llc_bit, NULL, 0);
	llcs_recount();
	return 0;
}

/*
 * @cpu came online: place it if this is its first time (or the kernel
 * now puts it in another LLC), and count it.
 */
__hidden void topo_cpu_online(s32 cpu)
{
	u32 key = cpu, was = cpu_llc_raw(cpu), l, n = nr_llcs;
	struct reflex_llc *e;

	if (cpu < 0 || cpu >= REFLEX_MAX_CPUS)
		return;
	l = llc_number(kernel_llc_id(cpu), n, cpu);
	if (l != was) {
		e = llc_get(was);
		if (e && e->nr_cpus)
			__sync_fetch_and_sub(&e->nr_cpus, 1);
		clear_llc_bit(cpu, was);
		bpf_map_update_elem(&cpu_llc, &key, &l, BPF_ANY);
		if (l == n && n < REFLEX_MAX_LLCS)
			nr_llcs = n + 1;
		e = llc_get(l);
		if (e)
			__sync_fetch_and_add(&e->nr_cpus, 1);
		set_llc_bit(cpu, NULL);
	}
	llc_count_online(l, cpu);
	llcs_recount();
}

__hidden void topo_cpu_offline(s32 cpu)
{
	struct reflex_llc *e;

	if (cpu < 0 || cpu >= REFLEX_MAX_CPUS)
		return;
	e = llc_get(cpu_llc_raw(cpu));
	if (e && e->nr_online)
		__sync_fetch_and_sub(&e->nr_online, 1);
	llcs_recount();
}

/* An idle CPU in LLC @l for @p, claimed (select_idle_in()); -1 if none. */
__hidden s32 pick_idle_in_llc(struct task_struct *p, s32 prev_cpu,
			      u64 wake_flags, u32 l)
{
	struct llc_cpus *v = bpf_map_lookup_elem(&llc_cpus, &l);
	struct bpf_cpumask *mask;
	s32 cpu = -1;

	if (!v)
		return -1;
	bpf_rcu_read_lock();
	mask = v->mask;
	if (mask)
		cpu = select_idle_in(p, prev_cpu, wake_flags,
				     (const struct cpumask *)mask);
	bpf_rcu_read_unlock();
	return cpu;
}

/* The game's LLC under @set, and noted in maps/llcs for people. */
__hidden u32 game_llc_of(const struct reflex_settings *set)
{
	u32 l = reflex_game_llc(set->game_llc, nr_llcs, largest_llc);
	struct reflex_llc *e = llc_get(0);

	if (e && e->game != l)
		e->game = l;
	return l;
}
