// SPDX-License-Identifier: GPL-2.0
/*
 * ringbuf_variants.bpf.c - the event write path of bpf/events.bpf.c,
 * three ways; linked with that unit into bench/ringbuf.bpf.o:
 *
 *   bench_switch  the scheduler's own reflex_emit(): ring events_<cpu % 16>
 *                 picked with a 16-way switch
 *   bench_aom     16 rings of the same size, picked by a lookup in an
 *                 ARRAY_OF_MAPS
 *   bench_single  one shared ring of the same total size (4 MiB)
 *
 * Each writes n records from one BPF_PROG_TEST_RUN (bpf_loop), so the
 * per-call cost is spread over n.  Only the reservation differs; filling,
 * counting (event_counts) and submitting are reflex_emit_to() in all
 * three.
 */
#include "reflex.bpf.h"

char _license[] SEC("license") = "GPL";

struct aom_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, REFLEX_EVENT_RING_SIZE);
};

#define AOM_RING(nn)	struct aom_ring aom_##nn SEC(".maps")
AOM_RING(00); AOM_RING(01); AOM_RING(02); AOM_RING(03); AOM_RING(04);
AOM_RING(05); AOM_RING(06); AOM_RING(07); AOM_RING(08); AOM_RING(09);
AOM_RING(10); AOM_RING(11); AOM_RING(12); AOM_RING(13); AOM_RING(14);
AOM_RING(15);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, REFLEX_NR_EVENT_RINGS);
	__type(key, u32);
	__array(values, struct aom_ring);
} event_rings SEC(".maps") = {
	.values = {
		&aom_00, &aom_01, &aom_02, &aom_03, &aom_04, &aom_05, &aom_06,
		&aom_07, &aom_08, &aom_09, &aom_10, &aom_11, &aom_12, &aom_13,
		&aom_14, &aom_15,
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
		       &src, bpf_ktime_get_ns(), false);
	return 0;
}

static int one_single(u32 i, void *ctx)
{
	u32 cpu = bpf_get_smp_processor_id();

	reflex_emit_to(bpf_ringbuf_reserve(&single_ring, RECORD, 0), cpu,
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
