// SPDX-License-Identifier: GPL-2.0
/*
 * ringbuf.bpf.c - the event write path of bpf/events.bpf.h, three ways:
 *
 *   bench_switch  the scheduler's own reflex_emit(): ring events_<cpu % 16>
 *                 picked with a 16-way switch
 *   bench_aom     the same 16 rings, picked by a lookup in an
 *                 ARRAY_OF_MAPS
 *   bench_single  one shared ring of the same total size (4 MiB)
 *
 * Each writes n records from one BPF_PROG_TEST_RUN (bpf_loop), so the
 * per-call cost is spread over n.  Only the reservation differs; filling,
 * counting and submitting are reflex_emit_to() in all three.
 */
#include "common.bpf.h"
#include "events.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, REFLEX_NR_EVENT_RINGS);
	__type(key, u32);
	__array(values, struct reflex_event_ring);
} event_rings SEC(".maps") = {
	.values = {
		&events_00, &events_01, &events_02, &events_03,
		&events_04, &events_05, &events_06, &events_07,
		&events_08, &events_09, &events_10, &events_11,
		&events_12, &events_13, &events_14, &events_15,
	},
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, REFLEX_NR_EVENT_RINGS * REFLEX_EVENT_RING_SIZE);
} single_ring SEC(".maps");

#define RECORD	sizeof(struct reflex_input_event)

static const struct reflex_event_src src = {
	.dev = 1, .type = 2, .code = 0, .value = 1,	/* EV_REL REL_X 1 */
};

static int one_switch(u32 i, void *ctx)
{
	reflex_emit(&src, bpf_ktime_get_ns(), false);
	return 0;
}

static int one_aom(u32 i, void *ctx)
{
	u32 cpu = bpf_get_smp_processor_id();
	u32 ring = cpu % REFLEX_NR_EVENT_RINGS;
	void *rb = bpf_map_lookup_elem(&event_rings, &ring);

	reflex_emit_to(rb ? bpf_ringbuf_reserve(rb, RECORD, 0) : NULL, cpu,
		       ring, &src, bpf_ktime_get_ns(), false);
	return 0;
}

static int one_single(u32 i, void *ctx)
{
	u32 cpu = bpf_get_smp_processor_id();
	u32 ring = cpu % REFLEX_NR_EVENT_RINGS;

	reflex_emit_to(bpf_ringbuf_reserve(&single_ring, RECORD, 0), cpu, ring,
		       &src, bpf_ktime_get_ns(), false);
	return 0;
}

SEC("raw_tp")
int BPF_PROG(bench_switch, u64 n)
{
	return bpf_loop(n, one_switch, NULL, 0);
}

SEC("raw_tp")
int BPF_PROG(bench_aom, u64 n)
{
	return bpf_loop(n, one_aom, NULL, 0);
}

SEC("raw_tp")
int BPF_PROG(bench_single, u64 n)
{
	return bpf_loop(n, one_single, NULL, 0);
}
