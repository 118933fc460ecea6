// SPDX-License-Identifier: GPL-2.0
/*
 * events.bpf.c - the 16 input event ring buffers and the one way to write
 * to them.
 *
 * One BPF_MAP_TYPE_RINGBUF per CPU modulo 16 (events_00 .. events_15), so
 * that a burst on one CPU cannot crowd out another CPU's events, and
 * per-ring counters (event_counts) so that no event is lost silently.
 * reflex_emit() is the whole write path; the input hook (input.bpf.c) and
 * the host test program (selftests/progs/emit.bpf.c, linked with this
 * unit) both use it.
 *
 * The ring is picked with a 16-way switch over statically known maps
 * rather than a lookup in a BPF_MAP_TYPE_ARRAY_OF_MAPS: the verifier takes
 * both; see Documentation/input.rst for what bench/ringbuf measured.
 * reflex_emit_to() takes the reserved record so that the benchmark can
 * try other ways of finding the ring with the rest of the path unchanged.
 */
#include "reflex.bpf.h"

struct reflex_event_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, REFLEX_EVENT_RING_SIZE);
};

#define REFLEX_EVENT_RING(nn)	struct reflex_event_ring events_##nn SEC(".maps")

REFLEX_EVENT_RING(00); REFLEX_EVENT_RING(01); REFLEX_EVENT_RING(02);
REFLEX_EVENT_RING(03); REFLEX_EVENT_RING(04); REFLEX_EVENT_RING(05);
REFLEX_EVENT_RING(06); REFLEX_EVENT_RING(07); REFLEX_EVENT_RING(08);
REFLEX_EVENT_RING(09); REFLEX_EVENT_RING(10); REFLEX_EVENT_RING(11);
REFLEX_EVENT_RING(12); REFLEX_EVENT_RING(13); REFLEX_EVENT_RING(14);
REFLEX_EVENT_RING(15);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, REFLEX_NR_EVENT_RINGS);
	__type(key, u32);
	__type(value, struct reflex_ring_counts);
} event_counts SEC(".maps");

#define REFLEX_RING_CASE(n, nn)						\
	case n:								\
		return bpf_ringbuf_reserve(&events_##nn, size, 0)

static __always_inline void *reflex_ring_reserve(u32 ring, u64 size)
{
	switch (ring) {
	REFLEX_RING_CASE(0, 00); REFLEX_RING_CASE(1, 01);
	REFLEX_RING_CASE(2, 02); REFLEX_RING_CASE(3, 03);
	REFLEX_RING_CASE(4, 04); REFLEX_RING_CASE(5, 05);
	REFLEX_RING_CASE(6, 06); REFLEX_RING_CASE(7, 07);
	REFLEX_RING_CASE(8, 08); REFLEX_RING_CASE(9, 09);
	REFLEX_RING_CASE(10, 10); REFLEX_RING_CASE(11, 11);
	REFLEX_RING_CASE(12, 12); REFLEX_RING_CASE(13, 13);
	REFLEX_RING_CASE(14, 14); REFLEX_RING_CASE(15, 15);
	}
	return NULL;
}

/*
 * Fill and submit @e, reserved by CPU @cpu in its ring (cpu % 16), or
 * count a drop if the reservation failed (@e is NULL: the ring was full).
 * Codes and values are only copied when @codes is set
 * (tunables.event_codes).
 */
__hidden int reflex_emit_to(struct reflex_input_event *e, u32 cpu,
			    const struct reflex_event_src *src, u64 ts_ns,
			    bool codes)
{
	u32 ring = cpu % REFLEX_NR_EVENT_RINGS;
	struct reflex_ring_counts *cnt;

	cnt = bpf_map_lookup_elem(&event_counts, &ring);
	if (!cnt) {
		if (e)
			bpf_ringbuf_discard(e, 0);
		return -ENOENT;
	}
	if (!e) {
		__sync_fetch_and_add(&cnt->dropped, 1);
		return -ENOSPC;
	}
	e->version = REFLEX_EVENT_VERSION;
	e->size = sizeof(*e);
	e->cpu = cpu;
	e->ring = ring;
	e->ts_ns = ts_ns;
	e->seq = __sync_fetch_and_add(&cnt->produced, 1);
	e->dev = src->dev;
	e->bustype = src->bustype;
	e->vendor = src->vendor;
	e->product = src->product;
	e->type = src->type;
	e->class = reflex_event_class(src->type, src->code, src->value);
	e->code = codes ? src->code : 0;
	e->value = codes ? src->value : 0;
	e->flags = codes ? REFLEX_EVENT_F_CODES : 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

__hidden int reflex_emit(const struct reflex_event_src *src, u64 ts_ns,
			 bool codes)
{
	u32 cpu = bpf_get_smp_processor_id();
	u32 ring = cpu % REFLEX_NR_EVENT_RINGS;

	return reflex_emit_to(reflex_ring_reserve(ring, sizeof(struct reflex_input_event)),
			      cpu, src, ts_ns, codes);
}
